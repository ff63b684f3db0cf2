"""A fact said inside a question or request, outside a form: "강남구에서 전입신고 하고 싶어요".

The intent classifier reads a message with a place (or another fact) as ``inform`` when the place weighs more than the
rest: "강남구에서 전입신고 하고 싶어요" → ``inform`` 0.55, "마포구에서 받고 싶어요" → ``inform`` 0.41 (F10's second part).
Inside a form that is right (the form takes the place as its slot). Outside one, the rule "A yes, no or fact outside a
form gets an offer of help" answered "어떤 점을 도와드릴까요?" and dropped the question the citizen had just asked.
:class:`FactQuestionPolicy` catches such a message right after the user spoke, with no form active: its top intent is
``inform`` and the message has the form of a question or request (:func:`asks_or_requests`: a question mark, a
question word, "…고 싶어요", "…려면", "…나요/…까요", "…수 있…", "알려 주세요", "how/can/where …", "I want/need to …").
Where the rules would offer help (or no rule applies) it chooses ``action_answer_from_knowledge``, which answers the message from the documents (cited, or abstains) with
the place taken into account as any question's; when they do not answer it, the reply is ``utter_no_answer`` (the
documents lack it), as for a knowledge question, not ``utter_out_of_scope``. A statement that names a kind of help or a
life event (:func:`names_help`: "아기 낳았어요", "월세") is answered the same way. A statement of the fact alone
("강남구에 살아요", "부산이에요", "I live in Busan") keeps the offer of help.

Own code: a few cue patterns (no library tells a Korean question or request from a statement by its ending).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.events import ACTION_LISTEN_NAME
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker

#: the intent this policy re-reads
FACT_INTENT = "inform"
#: what a fact inside a question or request is answered with
ANSWER_ACTION = "action_answer_from_knowledge"

_KO = re.compile(
    r"[?？]"
    r"|어떻게|어케|어떡|어디|언제|얼마|무엇|뭐|뭔|뭘|왜|어느|몇|누가|누구"  # question words
    r"|싶(?:어|은|습|다|네)"  # …고 싶어요 / 싶은데 / 싶습니다
    r"|(?:나요|까요?|는지요?)\s*[.!~]*\s*$"  # question endings: 되나요, 할까요, 받는지요
    r"|려면|으려면|수\s*있(?:나|어|을|는|습)|가능(?:한가|할까|해요|하나|한지)|알려|방법|는\s*법"
)
_EN = re.compile(
    r"\?|^\s*(?:how|where|when|what|which|who|why|can|could|may|do|does|is|are|should|would|will)\b"
    r"|\b(?:i|we)\s*(?:want|need|would\s+like|'d\s+like|wish)\s+to\b|\bhow\s+(?:do|can|to)\b|\btell\s+me\b",
    re.I,
)


def asks_or_requests(text: str) -> bool:
    """Whether ``text`` has the form of a question or a request (Korean or English cue patterns; see the module
    docstring), as opposed to a bare statement ("강남구에 살아요", "I live in Busan")."""
    text = (text or "").strip()
    return bool(text) and bool(_KO.search(text) or _EN.search(text))


def names_help(text: str, entities: list[dict[str, Any]], context: TurnContext) -> bool:
    """Whether a statement names a kind of help or a life event (:func:`~assistant.dialogue.eligibility_route.
    topic_terms`: words beyond the places, ages and family facts the NLU or the questionnaire reads): "아기
    낳았어요", "월세", "실직했어요" say what the citizen needs help with, and are answered from the documents (s34
    fresh-user probe: each got "알겠어요. 어떤 점을 도와드릴까요?"); "강남구에 살아요", "34살이요" name none. False
    without a tokenizer (``context.knowledge``'s composer)."""
    from assistant.dialogue.eligibility_route import topic_terms

    tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
    return tokenizer is not None and bool(topic_terms(text, list(entities), tokenizer))


def implied_question(statement: str, language: str) -> str:
    """The question a statement of a need implies, for retrieval and the answerability gate (fitted on questions: "아기
    낳았어요" alone scores 0.40 on the bundled corpus, "아기 낳았어요. 받을 수 있는 지원이 있나요?" 0.85).

    >>> implied_question("아기 낳았어요", "ko"), implied_question("I just had a baby", "en")
    ('아기 낳았어요. 받을 수 있는 지원이 있나요?', 'I just had a baby. What support can I get?')
    """
    said = statement.strip().rstrip(".!~ ")
    return f"{said}. What support can I get?" if language == "en" else f"{said}. 받을 수 있는 지원이 있나요?"


#: Kiwi's tags after a final ending that start no sentence: punctuation and symbols
_NO_SENTENCE_TAGS = frozenset({"SF", "SP", "SS", "SE", "SO", "SW"})


def later_sentences(text: str, tokenizer: Any, most: int = 3) -> list[str]:
    """The message less its first sentence, less its first two, …: what follows each Korean final ending (Kiwi's
    ``EF``) that more words follow, at most ``most`` of them, longest first. A need said after a fact or an event
    ("남편이 실직했어요 애들 학비 지원 있나요?": the whole scored 0.32 by the gate, its question alone 0.66) is read
    from them when the whole message finds no answer (``action_answer_from_knowledge``). A connective ending
    ("돌아가셨는데 …", ``EC``) ends no sentence: what follows it is read with it.

    Args:
        text: the message (its first 2,000 characters are read); tokenizer: the Korean tokenizer (``tokenize(text)``
            → tokens with ``tag``, ``end``).
    Returns:
        the later parts, stripped of leading spaces and punctuation, in order (``[]`` for one sentence).
    """
    text = (text or "")[:2000]
    tokens = tokenizer.tokenize(text)
    cuts = [t.end for i, t in enumerate(tokens) if t.tag == "EF"
            and any(n.tag not in _NO_SENTENCE_TAGS for n in tokens[i + 1:])]
    return [rest for c in cuts[:most] if (rest := text[c:].lstrip(" .!?~,\n\t"))]


#: a statement read as out of scope that still names a need the documents are about is answered as the question it
#: implies (:func:`states_documented_need`), replacing the rules' out-of-scope reply
OUT_OF_SCOPE_INTENT = "out_of_scope"
OUT_OF_SCOPE_REPLY = "utter_out_of_scope"
#: a need for someone to do something, read as a request for an agent ("맞벌이라 아이 봐줄 사람이 필요해요" →
#: human_handoff, s37 fresh-user probe: handed off, and the next questions held for the agent), is a need too, unless
#: it asks for someone to talk to (:data:`ASKS_FOR_PERSON`)
HANDOFF_INTENT = "human_handoff"
HANDOFF_ACTION = "action_handoff"
ASKS_FOR_PERSON = re.compile(
    r"상담|직원|담당자|공무원|사람\s*(?:이랑|과|하고|한테|에게)|(?:얘기|이야기|대화|통화|연결)"
    # s45 probe: "사람 바꿔줘" read as a need ("알겠어요. 어떤 점을 도와드릴까요?"), not as the request for a person
    r"|사람\s*(?:으로\s*)?(?:좀\s*)?(?:바꿔|바꾸|불러|부르|대\s*줘|대\s*주|나와|데려)|(?:진짜|실제|실제로)\s*사람"
    r"|\b(?:agent|human|person|someone\s+to\s+talk|representative|staff|connect\s+me|talk\s+to\s+(?:a|an|some))\b", re.I)


def states_documented_need(text: str, context: TurnContext) -> bool:
    """Whether ``text`` is a statement (no question or request: :func:`asks_or_requests`) whose topic some document's
    title and overview are about (:meth:`~assistant.knowledge.composer.AnswerComposer.offers_topic`). s36 second
    probe: "겨울에 난방비가 너무 많이 나와요" read as out_of_scope 0.83 got the out-of-scope reply, though 연탄쿠폰 and
    에너지바우처 are 난방비 support; "날씨가 너무 더워요" names nothing the documents are about. Korean only: an
    English statement's words are everyday words that English overviews hold in passing (CLINC150's "sure", "i can't
    say" were held by the bundled English pages). False without a composer."""
    composer = getattr(context.knowledge, "composer", None)
    offers = getattr(composer, "offers_topic", None)
    tokenizer = getattr(composer, "tokenizer", None)
    if not text or offers is None or tokenizer is None or context.language != "ko" or asks_or_requests(text):
        return False
    # a sentence, with a verb or an adjective ("…나와요", "…비싸요"), or a noun said of a subject ("학비가
    # 걱정이에요": s38 probe, read as out_of_scope 0.63): a bare word ("에너지", "에너지예요") is a fragment, declined
    tags = [t.tag.split("-")[0] for t in tokenizer.tokenize(text[:2000])]
    if not any(tag in _PREDICATE_TAGS for tag in tags) and not ("JKS" in tags and "VCP" in tags):
        return False
    return bool(offers(text))


#: Kiwi's tags of a verb, an adjective and the suffixes that make one (공부하다, 필요하다), an irregular one's
#: ("VA-I", 덥) by its part before the dash; not 이다 (VCP)
_PREDICATE_TAGS = frozenset({"VV", "VA", "XSV", "XSA"})


#: the reply to a fact outside a form that this policy replaces (the bundled rule "A yes, no or fact outside a form
#: gets an offer of help")
OFFER_OF_HELP = "utter_how_can_i_help"


class FactQuestionPolicy:
    """An ``inform`` that asks or requests something, with no form active → ``action_answer_from_knowledge``.

    Args:
        rules: the ensemble's rule policy, when given the policy acts only where the rules would answer
            :data:`OFFER_OF_HELP`; a rule that waits for something else (the MyData offer's "asked once more") keeps
            the turn.
    """

    name = "FactQuestionPolicy"

    def __init__(self, rules: Any = None) -> None:
        self.rules = rules

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge`` for such a message (module docstring), else None."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None:
            return None
        message = tracker.latest_message
        if message is None or not message.text or message.text.lstrip().startswith("/"):  # a button's payload
            return None
        intent, confidence = top_intent(tracker)
        # an event told in English ("My father passed away, what should I do?", read as out_of_scope 0.38: s38 probe)
        # is answered from the documents as it is (the page about the event, if any, answers it: AnswerComposer.
        # about_told_event); restated as a question of support it found the pregnancy voucher first
        from assistant.knowledge.composer import tells_event_en

        told = context.language == "en" and tells_event_en(message.text)
        need = (intent == OUT_OF_SCOPE_INTENT or (intent == HANDOFF_INTENT and not ASKS_FOR_PERSON.search(message.text))) \
            and (told or states_documented_need(message.text, context))
        if not need and (intent != FACT_INTENT
                         or not (asks_or_requests(message.text) or names_help(message.text, message.entities, context))):
            return None
        if self.rules is not None:
            ruled = self.rules.predict(tracker, context)
            if ruled is not None and ruled.action not in ((OFFER_OF_HELP, OUT_OF_SCOPE_REPLY, HANDOFF_ACTION) if need
                                                          else (OFFER_OF_HELP,)):
                return None
        if not asks_or_requests(message.text) and not told:  # a need stated ("아기 낳았어요"): the question it implies
            context.query = implied_question(context.query or message.text, context.language)
            context.restated = True
        context.fact_question = True  # an abstention then says the documents lack it (utter_no_answer), not out of scope
        return Prediction(ANSWER_ACTION, self.name, confidence)
