"""Questions about the assistant itself: whether it is a person ("너 사람이야?", "Are you a human?", "Is this a bot?"
→ ``utter_iamabot``) and what it can do ("뭘 도와줄 수 있어?", "What can you do?" → ``utter_capabilities``); and
annoyance at it ("쓸모없네 ㅅㅂ", "this is useless" → ``utter_frustration``: an apology and the offer of a person).

A government assistant says plainly that it is a program. Before this module, "Are you a human?" was read as
``human_handoff`` (its word "human") and handed the conversation to an agent, and "너 사람이야?" was refused as out of
scope (s32/s33 fresh-user probes).

Rasa projects answer this with a ``bot_challenge`` intent. Adding that intent to the bundled training data moved the
classifier's out-of-scope threshold (fitted on 90 out-of-fold out_of_scope examples, reshuffled by any new example)
from 0.72 to between 0.52 and 0.61, and in-scope document requests ("인감증명서 떼고 싶어요") were then refused, so
until the threshold is fitted on stable folds the question is read by the patterns below: short messages that are
nothing but the question, in Korean or English, whatever the intent. A domain without ``utter_iamabot`` (a peer
project) keeps its own routes.

"What can you do?" was refused as out of scope ("Sorry, I can't answer that here …", s33 probe) and "뭘 도와줄 수
있어?" started the eligibility check (``check_eligibility`` 0.63): a citizen who asks what the assistant is for is
told (``utter_capabilities``), read by the same kind of patterns. A question about what the citizen can receive
("어떤 도움을 받을 수 있나요?") is not one: it asks about benefits.
"""

from __future__ import annotations

import re

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.policies import Prediction, message_to_read
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.language import short_request_key

#: the response that says the assistant is a program (domain.yml; a button offers a person)
IAMABOT_RESPONSE = "utter_iamabot"
#: the response that says what the assistant can do, with example questions (domain.yml)
CAPABILITIES_RESPONSE = "utter_capabilities"
#: the apology, with the offer of a person, for a message that is nothing but annoyance at the assistant (domain.yml)
FRUSTRATION_RESPONSE = "utter_frustration"
_WHAT = r"(?:real\s+)?(?:human(?:\s+being)?|person|bot|robot|machine|ai|a\.i\.|computer|chat\s*bot|program|real)"
_ENGLISH = re.compile(
    rf"(?:hey|so|wait|hello|hi|excuse me|sorry)?\s*(?:are|r)\s+(?:you|u)\s+(?:an?\s+)?{_WHAT}"
    rf"|am\s+i\s+(?:talking|chatting|speaking)\s+(?:to|with)\s+(?:an?\s+)?{_WHAT}"
    rf"|is\s+(?:this|that|it)\s+(?:an?\s+)?(?:{_WHAT}|automated)"
    r"|who\s+are\s+you|what\s+are\s+you"
    # s43 probe: "who made you?" was out of scope
    r"|who\s+(?:made|built|created|programmed|developed|runs|owns|operates)\s+(?:you|this(?:\s+(?:bot|assistant|chat\s*bot|service))?)")
_KO_WHAT = (r"(?:사람|로봇|챗봇|인공지능|ai|기계|봇|상담원|자동\s*응답)\s*"
            r"(?:이야|이에요|예요|이세요|세요|인가요|이니|이지|야|냐|이냐|이죠|맞아요|맞나요|맞죠|이신가요|인가)")
_KOREAN = re.compile(
    r"(?:너|넌|너는|당신|당신은|그쪽|거기|지금|혹시|이거|여기)?\s*(?:혹시\s*)?(?:진짜\s*|실제\s*)?" + _KO_WHAT
    # s42 probe: the two asked together ("너 사람이야 기계야", "사람이에요 아니면 로봇이에요?") was out of scope
    + r"(?:\s*,?\s*(?:아니면|아님|혹은)?\s*" + _KO_WHAT + r")?"
    r"|(?:너|넌|너는|당신|당신은)\s*누구(?:야|예요|에요|세요|니|냐|신가요)"
    r"|(?:너|널|너를|넌|당신|당신을|이\s*챗봇|챗봇|이\s*챗봇은|챗봇은|이\s*도우미|도우미는)\s*(?:누가|어디서)\s*(?:만들었|만든|개발했|운영해|운영하)[가-힣\s]{0,8}")


_YOU_EN = r"(?:you|u|this\s+(?:bot|assistant|chat\s*bot|service))"
_CAN_EN = re.compile(
    # s45 probe: "ok then what do you do?" after the out-of-scope reply was a yes to its offer of a person
    rf"(?:(?:so|ok|okay|alright|all\s+right|right|then|well|and|but|hi|hello|hey)[,.!]?\s+)*(?:what|how)\s+(?:exactly\s+)?(?:can|could|do|will)\s+{_YOU_EN}\s+"
    r"(?:do|help(?:\s+me)?(?:\s+with)?|assist(?:\s+me)?(?:\s+with)?|do\s+for\s+me)(?:\s+here)?(?:\s+exactly)?"
    rf"|what\s+(?:are|r)\s+(?:your|{_YOU_EN}(?:'s|s)?)\s+(?:features|capabilities|functions)"
    rf"|what\s+(?:are\s+)?{_YOU_EN}\s+(?:able\s+to\s+do|good\s+for|for)"
    r"|what\s+can\s+i\s+ask(?:\s+you)?(?:\s+about)?|what\s+do\s+you\s+know")
_CAN_KO = re.compile(
    r"(?:(?:그럼|그러면|그래서|그래|그럼요|알겠어요|알겠어|네|아|음)\s*[,.!]?\s*)*"
    r"(?:너|넌|너는|당신|당신은|여기서|여기|이\s*챗봇은?|이\s*도우미는?|챗봇은?|도우미는?)?\s*(?:혹시\s*)?"
    r"(?:뭘|뭐|무엇을|무얼|어떤\s*걸|어떤\s*것을|어떤\s*일을?|무슨\s*일을?)\s*(?:좀\s*)?"
    r"(?:도와\s*줄|도와\s*주실|도와\s*드릴|도와줄|할|해\s*줄|해\s*주실)\s*(?:수\s*있|줄\s*알)"
    r"(?:어|어요|나요|니|냐|으세요|습니까|는데|는지|어\s*요)?"
    r"|(?:너는?|넌|당신은?|이?\s*챗봇은?|이?\s*도우미는?|여기는?)?\s*(?:무슨|어떤)\s*기능(?:이|들이)?\s*(?:있어|있어요|있나요|있니|있냐|돼|되나요|있습니까)"
    r"|(?:뭐|무엇을?|뭘)\s*물어\s*(?:보면|봐도)\s*(?:돼|되나요|돼요|되니|될까요)")


#: A message that is nothing but annoyance at the assistant, an insult or a swear word ("쓸모없네 ㅅㅂ", "너 진짜
#: 멍청하다", "this is useless"): s35 probe, "쓸모없네 ㅅㅂ" got "지금 확인을 기다리는 요청이 없어서 …" and "너 진짜
#: 멍청하다" the out-of-scope reply. A citizen this annoyed gets an apology and the offer of a person.
_SWEAR_KO = r"(?:ㅅㅂ|ㅆㅂ|ㅂㅅ|시발|씨발|씨바|시바|썅|젠장|존나|졸라|개같|ㅈ같|좆같|빡치|빡쳐|에휴|아오|하아|후우|ㅡㅡ|-_-|;;+|ㅠ+|ㅜ+|ㅋ+|\.+|!+|\?+)"
_FRUSTRATION_KO = re.compile(
    # s42 probe: a swear first and "why so complicated" ("ㅅㅂ 왜 이렇게 복잡해") was the out-of-scope reply
    rf"(?:{_SWEAR_KO}\s*)*"
    r"(?:(?:아|아니|와|진짜|정말|참|하|헐|에휴)\s*)*(?:너|넌|너는|당신|이거|이건|이\s*챗봇|챗봇|이\s*도우미|도우미|여기|대답|답변|답이)?"
    r"\s*(?:왜\s*(?:이렇게|이리|이케|그렇게)\s*)?(?:진짜|정말|완전|너무|참|되게|엄청|개|존나|졸라)?\s*"
    r"(?:멍청|바보|쓸모\s*없|쓸데\s*없|쓰레기|답답|짜증|최악|엉망|한심|노답|구려|구리|(?:말귀를?\s*)?못\s*알아\s*듣|이상해|이상하|도움이?\s*안\s*[돼되]|소용\s*없|복잡)"
    r"(?:하다|하네|하네요|해|해요|하다고|하냐|하니|해서|하군|한|하고|네|네요|다|야|이야|이다|이네|이냐|냐|나|나요|나네|난다|남|요|음|임|ㄷ|고|다고|어|어요|아|아요|잖아|잖아요|되네|돼|돼요|되네요|됨|지|겠어|겠네)?"
    rf"(?:\s*{_SWEAR_KO})*"
    rf"|(?:{_SWEAR_KO}\s*)*(?:ㅅㅂ|ㅆㅂ|시발|씨발|씨바|썅|젠장|존나|개같|ㅈ같|좆같|빡치네|빡쳐)(?:\s*{_SWEAR_KO})*")
_FRUSTRATION_EN = re.compile(
    r"(?:(?:ugh|omg|wow|god|man|seriously|honestly)[,!. ]*)*(?:you(?:'re|\s+are)?|u\s+r|ur|this(?:\s+(?:bot|thing|assistant|chat\s*bot))?(?:'s|\s+is)?|that(?:'s|\s+is|\s+was)?|what\s+an?)?"
    r"\s*(?:so|really|totally|completely|absolutely|such\s+an?|an?|fucking|bloody)?\s*"
    r"(?:useless|stupid|dumb|idiot(?:ic)?|terrible|rubbish|garbage|pathetic|worthless|trash|crap|awful|hopeless|not\s+helpful|no\s+help)"
    r"(?:\s+(?:bot|thing|assistant|answer|machine))?(?:[.!? ]|lol|wtf)*"
    r"|(?:wtf|ffs|this\s+sucks|you\s+suck|fuck(?:\s+(?:this|you|off))?|damn\s+it|shit)(?:[.!? ])*")


def _whole_message(text: str, *patterns: re.Pattern[str], limit: int = 50) -> bool:
    """Whether ``text``, as :func:`~assistant.nlu.language.short_request_key` writes it and at most ``limit``
    characters long, is wholly one of ``patterns``."""
    t = short_request_key(text)
    return bool(t) and len(t) <= limit and any(p.fullmatch(t) for p in patterns)


def asks_capabilities(text: str) -> bool:
    """Whether ``text`` is nothing but the question what the assistant can do.

    >>> asks_capabilities("뭘 도와줄 수 있어?"), asks_capabilities("What can you do?"), asks_capabilities("무슨 기능이 있어요?")
    (True, True, True)
    >>> asks_capabilities("어떤 도움을 받을 수 있나요?"), asks_capabilities("What can I get?"), asks_capabilities("뭘 받을 수 있어?")
    (False, False, False)
    """
    return _whole_message(text, _CAN_EN, _CAN_KO)


def asks_if_bot(text: str) -> bool:
    """Whether ``text`` is nothing but the question whether the assistant is a person or a program.

    >>> asks_if_bot("너 사람이야?"), asks_if_bot("Are you a human?"), asks_if_bot("혹시 챗봇인가요")
    (True, True, True)
    >>> asks_if_bot("사람이랑 얘기하고 싶어요"), asks_if_bot("Can I talk to a human?"), asks_if_bot("사람 불러주세요")
    (False, False, False)
    """
    return _whole_message(text, _ENGLISH, _KOREAN)


def expresses_frustration(text: str) -> bool:
    """Whether ``text`` is nothing but annoyance at the assistant, an insult or a swear word (:data:`_FRUSTRATION_KO`,
    :data:`_FRUSTRATION_EN`).

    >>> expresses_frustration("쓸모없네 ㅅㅂ"), expresses_frustration("너 진짜 멍청하다"), expresses_frustration("this is useless")
    (True, True, True)
    >>> expresses_frustration("짜증나는데 에너지바우처 신청 어떻게 해요?"), expresses_frustration("답답해서 그런데 상담원 연결해 주세요")
    (False, False)
    """
    return _whole_message(text, _FRUSTRATION_KO, _FRUSTRATION_EN)


#: Crying and nothing else ("ㅠㅠㅠㅠ", "ㅜㅜ", "흑흑", "😭", "T_T"): s42 probe, the out-of-scope reply ("그 질문은 여기서
#: 답해 드리기 어려워요") to someone upset.
_CRYING = re.compile(r"(?:[ㅠㅜ]+|흑+|엉엉|ㅠㅅㅠ|T_T|T\.T|ㅡㅜ|[😢😭😿🥲😞😔]+|\s|[.~!]+)+")
SAD_RESPONSE = "utter_sad"


#: Feeling said of oneself, with nothing asked (s43 probe: "너무 힘들어서 눈물만 나요 ㅠㅠ" got the out-of-scope reply,
#: "아무도 안 도와줘요" "nothing is waiting for a confirmation", "I feel hopeless" "Thanks. What would you like to
#: know?"): tears, loneliness, hopelessness, nobody helping.
_SAD_KO = re.compile(r"눈물(?:만|이)?\s*(?:나|흘러|멈추지|안\s*멈)|울고\s*(?:싶|있)|계속\s*울|너무\s*(?:외로|괴로|서러|슬프|슬퍼|힘들어(?:서|요|\s*죽))"
                     r"|외로워|서러워|마음이\s*(?:너무\s*)?(?:아파|아프|무너)|아무도\s*(?:안\s*도와|도와\s*주지|도와주지|제\s*편|내\s*편|날\s*안|저를\s*안)"
                     r"|희망이\s*(?:없|안\s*보)|지쳤어요|지쳐요")
_SAD_EN = re.compile(r"\b(?:i\s+feel|i'?m\s+feeling|feeling|i\s+am|i'?m)\s+(?:so\s+|really\s+|very\s+|completely\s+|totally\s+)?"
                     r"(?:hopeless|helpless|alone|lonely|sad|miserable|worthless|lost|overwhelmed)\b"
                     r"|\bcan'?t\s+stop\s+crying\b|\bkeep\s+crying\b|\b(?:nobody|no\s+one)\s+(?:helps|cares|listens|will\s+help)\b", re.I)
#: What makes a message about feelings a question about help ("너무 힘든데 지원 받을 수 있나요?", "I feel lonely, is there
#: a programme for seniors?"): the documents answer it.
_ASKS_HELP = re.compile(r"지원|신청|받을\s*수|혜택|서비스|수당|급여|바우처|어떻게|어디|뭐가\s*있|있나요|있을까요|\?"
                        r"|\b(?:support|apply|benefit|programme|program|service|voucher|allowance|how|where|any)\b", re.I)


def expresses_sadness(text: str) -> bool:
    """Whether the whole message is crying (jamo, syllables or emoji of tears, at most 30 characters), or says how the
    speaker feels (:data:`_SAD_KO`, :data:`_SAD_EN`: tears, loneliness, hopelessness) in at most 60 characters without
    asking about help (:data:`_ASKS_HELP`).

    >>> expresses_sadness("ㅠㅠㅠㅠ"), expresses_sadness("흑흑 ㅜㅜ"), expresses_sadness("😭😭")
    (True, True, True)
    >>> expresses_sadness("너무 힘들어서 눈물만 나요 ㅠㅠ"), expresses_sadness("아무도 안 도와줘요"), expresses_sadness("I feel hopeless")
    (True, True, True)
    >>> expresses_sadness("신청이 안 돼요 ㅠㅠ"), expresses_sadness("ㅋㅋㅋ"), expresses_sadness("...")
    (False, False, False)
    >>> expresses_sadness("너무 외로운데 어르신 프로그램 있나요?"), expresses_sadness("I feel lonely, is there a programme for seniors?")
    (False, False)
    """
    t = (text or "").strip()
    if not t:
        return False
    if len(t) <= 30 and _CRYING.fullmatch(t) is not None and re.search(r"[ㅠㅜ흑엉T😢😭😿🥲😞😔]", t) is not None:
        return True
    return len(t) <= 60 and bool(_SAD_KO.search(t) or _SAD_EN.search(t)) and _ASKS_HELP.search(t) is None


class BotChallengePolicy:
    """A question about the assistant itself, outside a form → ``utter_iamabot`` or ``utter_capabilities`` (module
    docstring)."""

    name = "BotChallengePolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``utter_iamabot`` or ``utter_capabilities`` right after such a message, else None."""
        text = message_to_read(tracker)
        if text is None:
            return None
        if asks_if_bot(text) and context.has_response(IAMABOT_RESPONSE):
            return Prediction(IAMABOT_RESPONSE, self.name)
        if asks_capabilities(text) and context.has_response(CAPABILITIES_RESPONSE):
            return Prediction(CAPABILITIES_RESPONSE, self.name)
        if expresses_frustration(text) and context.has_response(FRUSTRATION_RESPONSE):
            return Prediction(FRUSTRATION_RESPONSE, self.name)
        if expresses_sadness(text) and context.has_response(SAD_RESPONSE):
            return Prediction(SAD_RESPONSE, self.name)
        return None
