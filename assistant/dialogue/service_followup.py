"""A short follow-up about the service just answered: "구비서류는 뭐예요?", "Who is eligible?".

After "에너지바우처 신청 방법" is answered, "구비서류는 뭐예요?" names no service, so retrieval found nothing and the
assistant said it did not know; "Who is eligible?" (check_eligibility) started the general eligibility questionnaire
(or, without eligibility data, said it cannot check here). A citizen asking that means the service the conversation
is about. :class:`ServiceFollowUpPolicy` catches such a message right after the user spoke, outside a form: it asks
about an aspect of a service (:func:`asked_aspects`: documents, how and where to apply, the deadline, who is eligible,
how much, whom to contact; Korean and English), names no service and no other kind of help (no indexed title, no
glossary benefit, no topic word besides the aspect's: :func:`~assistant.dialogue.eligibility_route.topic_terms`), is
not the general "what can I get" question, and a recent answer of the conversation cited a service
(:func:`last_answered_service`: the first citation of the latest documents answer, within the last
:data:`RECENT_TURNS` user turns). It then sets the turn's retrieval query to that service's title followed by the
message and chooses ``action_answer_from_knowledge``: the composer answers the aspect from that service's section
(지원대상/선정기준 for eligibility, 구비서류 for documents …), cited.

Own code: cue patterns and a walk over the tracker's events (no library reads Korean follow-up questions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.events import ACTION_LISTEN_NAME, BotUttered, Restarted, SessionStarted, UserUttered
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.knowledge.composer import LIFE_EVENTS_KO
from assistant.knowledge.target_groups import aged_group_title
from assistant.knowledge.fact_lines import squeezed
from assistant.knowledge.glossary import default_colloquial, default_glossary
from assistant.nlu.household import (
    dependant_disability_member,
    household_disability_spans,
    lives_alone_spans,
    single_parent_spans,
)
from assistant.regions import agency_regions

#: How many user turns back (the follow-up not counted) a documents answer's service is still what the
#: conversation is about.
RECENT_TURNS = 3
#: Longer messages are questions of their own, not follow-ups.
MAX_CHARS = 60
#: Intents a follow-up is read as (a confident task or small-talk intent keeps its route).
FOLLOW_UP_INTENTS = frozenset({"ask_service_info", "check_eligibility", "apply_service", "inform", "out_of_scope",
                               "nlu_fallback"})

#: Small-talk intents an aspect question is sometimes read as ("언제까지예요?" as ``greet`` 0.42, s36 second probe: it
#: got the greeting): with an aspect asked (:func:`asked_aspects`) the message is a follow-up all the same.
SMALL_TALK_READINGS = frozenset({"greet", "chitchat", "thank"})
#: Readings of a conversation's controls an aspect question gets when the classifier is unsure ("그거 얼마에요" as
#: ``cancel`` 0.36, "어디 가서 맞아요?" as ``skip`` 0.47, s41 probe: "지금 진행 중인 것이 없어요" and "알겠어요"): below
#: :data:`CONTROL_READING_CEILING`, with an aspect asked, the message is a follow-up all the same.
CONTROL_READINGS = frozenset({"cancel", "skip", "deny"})
CONTROL_READING_CEILING = 0.6  # (any confidence when asked with a question mark: "그럼 안되는거에요?", s42)

_ASPECTS: dict[str, re.Pattern[str]] = {
    "documents": re.compile(r"서류|준비물|챙겨|가져가|\bdocuments?\b|\bpaperwork\b|\bbring\b", re.I),
    "apply": re.compile(r"신청\s*(?:방법|은|는|하려면|하면|어떻게|어디|해요|하나요)|어떻게\s*신청|어디서|어디에서|어디로|접수"
                        r"|어디\s*(?:가서|가면|가야|로\s*가)"  # "어디 가서 맞아요?" (s41 probe)
                        r"|온라인|인터넷|\bapply\b|\bapplication\b|\bonline\b"
                        # s40 probe: "Where do I go?" after an answer got the out-of-scope reply ("어디서 맞아요?" worked)
                        r"|\bwhere\s+(?:do|can|should|would)\s+(?:i|we|you)\b|\bwhere\s+(?:is|are)\s+(?:it|the)\b"
                        r"|^\s*(?:and\s+|so\s+)?where\s*\??\s*$", re.I),
    # "how long?" after an answer (s43 probe: out of scope): the period the page states
    "period": re.compile(r"언제|기한|마감|기간|얼마\s*동안|\bdeadline\b|\buntil\s+when\b|\bwhen\b|\bhow\s+long\b", re.I),
    "eligibility": re.compile(r"자격|대상|누가|누구|(?:소득|나이|연령|재산)\s*(?:기준|조건|제한)|받을\s*수\s*있(?:나|어|을까|는지|습|는\s*(?:거|건|것)\s*(?:죠|지요|맞|[예에]요|같))|해당\s*(?:되|돼|하)|몇\s*살|나이"
                              # a condition of one's own with the doubt it raises ("소득이 높은데 안되나요?", "소득이
                              # 높으면 못 받나요?", s39 probe: "찾지 못했어요" after 장애아가족 양육 지원)
                              r"|(?:소득|재산|수입|월급|연봉)\s*[이가은는도]?\s*(?:좀\s*|너무\s*|많이\s*)?(?:높|많|넘|있)"
                              r"|못\s*받|\bcan\s*(?:not|'?t)\s+(?:i|we)\s+get\b|\b(?:i|we)\s+can\s*(?:not|'?t)\s+get\b"
                              # "그럼 안되는거에요?" after a condition was quoted (s42 probe: read as a "no" to nothing)
                              r"|안\s*(?:되는\s*(?:거|건|것)|돼요|되나요|되죠|되는\s*건가요)\s*(?:[예에]요|이에요|죠|야|가요|인가요)?\s*\?"
                              r"|\bincome\s+(?:is\s+)?(?:too\s+|quite\s+|very\s+)?(?:high|above)"
                              r"|\bwho\b|\beligib|\bqualif|\bcan\s+(?:i|we)\s+get\b"
                              # whether a condition counts ("does income matter?": s45 probe, "찾지 못했어요")
                              r"|\b(?:income|salary|earnings|age|assets?|property)\s+(?:matters?|counts?)\b"
                              r"|(?:소득|재산|나이|수입)\s*[은는이가도]?\s*(?:상관|봐요|보나요|따져|따지)", re.I),
    "benefit": re.compile(r"얼마|금액|비용|요금|가격|무료|공짜|지원\s*내용|뭘\s*받|무엇을\s*받|\bhow\s+much\b|\bamount\b|\bcosts?\b|\bfees?\b"
                          # "간병비 나와요?" (s41 probe: refused after 희귀질환자 의료비): is it paid
                          r"|나와(?:요|\?|$)|나오(?:나요|는지|는\s*거|나|냐)"
                          # how often it is given ("매년 받을수있어요?", s41 probe: 예술활동준비금's 격년제 was not quoted)
                          r"|매년|해마다|매해|또\s*받|다시\s*받|\bevery\s+year\b|\beach\s+year\b|\b(?:get|receive)\s+it\s+again\b"
                          r"|\bfree\b"
                          # how many times it is given ("몇 번까지 지원돼요?" after 난임 시술비: s44 probe, 찾지 못했어요)
                          r"|몇\s*(?:번|회|차례)|횟수|\bhow\s+many\s+(?:times|rounds|cycles|sessions)\b"
                          # how big a discount ("몇 프로 할인이에요?" after 철도 경로 할인: s44 probe, 찾지 못했어요)
                          r"|몇\s*(?:프로|퍼센트|%)|할인\s*(?:율|률|폭)|\bwhat\s+(?:discount|percentage)\b|\bhow\s+big\b"
                          r"|\bwhat\s+(?:do|does|will|would)\s+(?:i|we|you|it)\s+(?:get|give|pay|cover)\b"
                          # what it costs, its interest rate, how much a month (s45 probe: "돈 드나" after the
                          # pneumococcal vaccine, "what's the interest rate?" after the student loan, "how much per
                          # month?" after the farming settlement grant were refused as out of scope)
                          r"|돈\s*(?:들|드|내|나가)|이자|금리|\binterest\b|\brates?\b|매달|매월|한\s*달에"
                          r"|\b(?:per|a|each|every)\s+(?:month|year|week)\b|\bmonthly\b", re.I),
    "contact": re.compile(r"문의|전화|연락처|\bcontact\b|\bphone\b|\bcall\b", re.I),
}
#: Where to call ("전화 문의는 어디로 해요?", "연락처가 어떻게 돼요?", "번호가 뭐예요?", "Who do I call?"). About a service:
#: read as ``human_handoff`` it asked for a person nobody wanted (s43 probe, in ten conversations: "상담원에게 연결해
#: 드릴게요", and the next question waited for the agent); with no word for a person (:data:`_WANTS_PERSON`) it asks the
#: service's 문의처. Right after the crisis, emergency or hardship lines (:mod:`assistant.dialogue.crisis`): what they
#: said, again.
ASKS_WHERE_TO_CALL = re.compile(
    r"(?:문의|연락|전화|신고)\S*\s*(?:는|은|를|을)?\s*(?:어디|몇\s*번|번호)|어디(?:로|에|다)?\s*(?:문의|연락|전화|신고)"
    r"|연락처|전화\s*번호|문의처|번호\s*(?:가|는|좀)?\s*(?:뭐|몇|알려)|몇\s*번(?:으로|에|이에요|이요)"
    r"|\b(?:phone|contact)\s+(?:number|details)\b|\b(?:who|where)\s+(?:do|should|can)\s+i\s+(?:call|contact|ring)\b"
    r"|\bwhat(?:'s|\s+is)\s+the\s+(?:phone\s+)?number\b|\bwhich\s+number\b", re.I)
_WANTS_PERSON = re.compile(r"상담원|상담사|사람|직원|연결|\bagent\b|\bperson\b|\bhuman\b|\bsomeone\b|\bstaff\b", re.I)
#: The general question (which benefits fit me: "받을 수 있는 거 있어요?"), not one about the service at hand ("그럼
#: 저 받을 수 있는거죠?", s38 probe: it got the general questionnaire's reply); or a request for the eligibility
#: check itself ("자격 확인해 주세요", "Check my eligibility"), which the questionnaire answers.
_GENERAL = re.compile(r"받을\s*수\s*있는\s*(?:혜택|지원|서비스|게|거(?!\s*(?:죠|지요|맞|[예에]요|야|같))|것(?!\s*(?:이죠|이지요|맞|같)))|뭐가\s*있|무슨\s*(?:혜택|지원)|어떤\s*(?:혜택|지원|서비스)|혜택"
                      r"|확인해\s*(?:주|줘|봐|볼)|조회|\bcheck\b"
                      r"|\bwhat\s+(?:benefits|help|support|services)\b|\bany\s+(?:benefits|help|support)\b"
                      r"|\banything\s+(?:i|we)\s+can\b|\bwhich\s+(?:benefits|services)\b", re.I)
#: What asks for the last message again ("다시 말해 줘", "한 번 더", "say that again", "pardon"): an aspect question
#: without it that the classifier reads as ``repeat`` ("얼마예요?" at 0.41, s32 probe: the last answer was repeated)
#: is a follow-up.
_REPEAT_CUE = re.compile(r"다시|한\s*번\s*더|한\s*번만|뭐라|무슨\s*말|못\s*들|안\s*들|못\s*알아|\bagain\b|\brepeat\b|\bpardon\b"
                        r"|\bsorry\?|\bwhat\?|\bcatch\b|\bdidn'?t\s+(?:get|hear)\b|\b(?:you\s+)?say\b|\bsaid\b"
                        r"|^\s*(?:네|예|응|뭐|어|엥|huh|eh|what)\s*\?+\s*$", re.I)


def asks_to_repeat(text: str) -> bool:
    """Whether ``text`` asks for the last message again (:data:`_REPEAT_CUE`), or has no word at all ("?!").

    >>> asks_to_repeat("뭐라구요?"), asks_to_repeat("다시 말해 주세요"), asks_to_repeat("Sorry, I didn't catch that")
    (True, True, True)
    >>> asks_to_repeat("아이 말이 늦어요"), asks_to_repeat("네?"), asks_to_repeat("네 맞아요"), asks_to_repeat("?!")
    (False, True, False, True)
    """
    return bool(_REPEAT_CUE.search(text)) or not re.search(r"\w", text)
#: The words of the aspects themselves: not a topic of their own (:func:`~assistant.dialogue.eligibility_route.topic_terms`
#: keeps them).
ASPECT_WORDS = frozenset(
    "구비 서류 구비서류 준비물 준비 신청 방법 어디 언제 기한 마감 기간 자격 대상 누구 금액 얼마 내용 문의 전화 번호 연락처 필요 접수 "
    "조건 기준 제한 선정 신청서 비용 요금 가격 무료 공짜 온라인 인터넷 나이 연령 소득 재산 수입 월급 연봉 중위 중위소득 "
    "나오 빌리 빌려주 꾸 "  # "간병비 나와요?": what is paid; "생활비도 빌릴수있어요?" after 학자금대출 (s41 probe): how much one can borrow, as borrow and lend
    "income incomes earn earnings salary wage wages high higher borrow lend receive "
    "이자 금리 상관 매달 매월 per month months monthly year years yearly week weeks weekly interest rate rates matter matters "
    "count counts "
    "documents document paperwork need needed bring required requirements apply application where when deadline "
    "eligible much amount contact phone call number until pay cover covered covers paid give who cost costs fee fees free online "
    # "how long?", "how many times?" after an answer (s44: "says nothing about 'long'" before the period); 동안, 번, 회
    "long many times often 동안 번 회 횟수 프로 퍼센트 할인율 할인률 discount percentage".split()
)


#: Words that say how near a figure is ("중위소득 100프로 정도에요", s41 probe: 정도 was a topic word, held by
#: 장애아가족 양육 지원's "장애 정도", which then answered the income said after 아이돌봄 서비스): no topic.
HEDGE_WORDS = frozenset("정도 가량 대략 거의 남짓 안팎 내외 쯤 약간".split())


def help_of_its_own(text: str, entities: list[dict[str, Any]], tokenizer: Any, besides: str = "") -> list[str]:
    """The words of ``text`` that name a kind of help: its topic words (:func:`~assistant.dialogue.eligibility_route.
    topic_terms`: places, ages and other facts about the person left out; ``entities``: the message's, with
    ``start``/``end``) less the aspects of a service (:data:`ASPECT_WORDS`: 서류, 신청, …) and less the topic words of
    ``besides`` (the question being answered, when there is one).

    A reply to "어디에 사세요?" that names a place is where the citizen lives only when this is empty: "오늘 서울 날씨
    어때요?" → ``["날씨"]`` and "서울에 에너지바우처 있나요?" → ``["에너지", "바우처"]`` are questions of their own; "서울
    살아요", "I live in Anyang" and "안양인데 서류 뭐 필요해요?" → ``[]``.

    >>> from assistant.nlu.tokenizer import KoreanTokenizer
    >>> help_of_its_own("서울에 에너지바우처 있나요?", [], KoreanTokenizer())
    ['에너지', '바우처']
    >>> help_of_its_own("안양 청년 월세 신청 어떻게 해요?", [], KoreanTokenizer(), besides="청년 월세 지원 있나요?")
    []
    """
    from assistant.dialogue.eligibility_route import topic_terms

    asked = set(topic_terms(besides, [], tokenizer)) if besides else set()
    return [t for t in topic_terms(text, entities, tokenizer) if t not in ASPECT_WORDS and t not in HEDGE_WORDS and t not in asked]


def asked_aspects(text: str) -> list[str]:
    """The aspects of a service ``text`` asks about (``documents``, ``apply``, ``period``, ``eligibility``, ``benefit``,
    ``contact``), in that order; empty when it asks none or is the general "what can I get" question.

    >>> asked_aspects("구비서류는 뭐예요?"), asked_aspects("Who is eligible?"), asked_aspects("How much is it?")
    (['documents'], ['eligibility'], ['benefit'])
    >>> asked_aspects("제가 받을 수 있는 혜택이 뭐가 있나요?"), asked_aspects("안녕하세요")
    ([], [])
    >>> asked_aspects("어데서 맞아요?"), asked_aspects("몇 번까지 지원돼요?"), asked_aspects("where?")
    (['apply'], ['benefit'], ['apply'])
    >>> asked_aspects("몇 프로 할인이에요?")
    ['benefit']
    """
    from assistant.nlu.preprocess import standard_reading

    text = standard_reading(text, shots=False)  # "어데서 맞아요?" is "어디서 맞아요?" (s44 probe: out of scope)
    if _GENERAL.search(text):
        return []
    return [name for name, cue in _ASPECTS.items() if cue.search(text)]


def last_answered_service(tracker: DialogueStateTracker, turns: int = RECENT_TURNS) -> str | None:
    """The title of the service the conversation's latest documents answer cited first (a bot message of
    ``action_answer_from_knowledge`` with citations), when it came within the last ``turns`` user turns before the
    latest message; None otherwise (or after a restart or a new session)."""
    citation = last_answered_citation(tracker, turns)
    title = citation.get("title") if citation is not None else None
    return str(title) if title else None


def last_answered_citation(tracker: DialogueStateTracker, turns: int = RECENT_TURNS) -> dict[str, Any] | None:
    """The first citation (``custom.citations[0]``: ``doc_id``, ``title`` …) of the conversation's latest documents
    answer (:func:`last_answered_service`), or None."""
    citations = last_answered_citations(tracker, turns)
    return citations[0] if citations else None


def last_answered_citations(tracker: DialogueStateTracker, turns: int = RECENT_TURNS) -> list[dict[str, Any]]:
    """Every citation of the conversation's latest documents answer (:func:`last_answered_service`), the service
    answered first, then those listed after it; empty when there is none."""
    seen_users = 0
    for e in reversed(tracker.applied_events()):
        if isinstance(e, (Restarted, SessionStarted)):
            return []
        if isinstance(e, UserUttered):
            seen_users += 1
            if seen_users > turns + 1:  # the latest message is the follow-up itself
                return []
        elif isinstance(e, BotUttered) and seen_users >= 1:
            custom: dict[str, Any] = e.data.get("custom") or {}
            citations = custom.get("citations") or []
            # an answer that listed the regions' own services after its lead ("regions") is about its lead too
            if custom.get("response") == "action_answer_from_knowledge" and citations:
                return [c for c in citations if isinstance(c, dict)] if isinstance(citations[0], dict) else []
    return []


class ServiceFollowUpPolicy:
    """A short question about an aspect of the service just answered → ``action_answer_from_knowledge`` about that
    service (module docstring). Needs ``context.knowledge`` with a composer (its tokenizer) and ``context.services``."""

    name = "ServiceFollowUpPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge`` (``context.query`` set to the service's title and the message,
        ``context.about_service`` to the title), or None."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None:
            return None
        citations = last_answered_citations(tracker)
        title = str(citations[0].get("title") or "") if citations else ""
        if not title:
            return None
        text = (tracker.latest_message.text or "").strip() if tracker.latest_message is not None else ""
        if is_aspect_follow_up(tracker, context):
            query = f"{title} {text}"
        else:
            # the service answered, else a national one listed after it whose page holds what is said ("도시가스
            # 쓰는데요" after 연탄쿠폰 with 에너지바우처 listed: s36 second probe, it was read as out of scope)
            candidates = [citations[0], *(c for c in citations[1:] if not agency_regions(str(c.get("agency") or "")))]
            found = detail_follow_up(tracker, context, [str(c.get("doc_id") or "") for c in candidates])
            if found is None:
                return None
            doc_id, detail, facts, unmentioned, silent = found
            if silent:
                # the page's own answer to the aspect, said to be silent on the detail asked
                title = next((str(c.get("title") or "") for c in candidates if str(c.get("doc_id") or "") == doc_id), "") or title
                context.silent_on = (doc_id, tuple(said for said, _ways in facts))
                context.about_service, context.query = title, f"{title} {text}"
                context.answer_language = context.answer_language or context.language
                return Prediction("action_answer_from_knowledge", self.name, 1.0)
            if unmentioned:
                context.unmentioned = (doc_id, tuple(said for said, _ways in facts))
                return Prediction("action_answer_from_knowledge", self.name, 1.0)
            if facts:
                context.about_facts = (doc_id, facts, not states_of_oneself(text))
            title = next((str(c.get("title") or "") for c in candidates if str(c.get("doc_id") or "") == doc_id), "") or title
            query = f"{title} {text}{detail}"
        context.about_service = title
        context.query = query
        # written in the message's language, whatever the title's ("서류는요?" after an English answer: s38 probe, the
        # English title joined to it made the answer English)
        context.answer_language = context.answer_language or context.language
        return Prediction("action_answer_from_knowledge", self.name, 1.0)


def is_aspect_follow_up(tracker: DialogueStateTracker, context: TurnContext) -> bool:
    """Whether the latest message is a short question about an aspect of a service that names none (module docstring:
    an aspect asked, at most :data:`MAX_CHARS` characters, a follow-up intent or an unconfident one, no indexed title,
    no glossary benefit, no topic word besides the aspect's). Needs ``context.knowledge`` with a composer (its
    tokenizer) and ``context.services``; False without them."""
    from assistant.dialogue.eligibility_route import named_benefit, topic_terms

    message = tracker.latest_message
    if message is None:
        return False
    text = (message.text or "").strip()
    if not text or text.startswith("/") or len(text) > MAX_CHARS or not asked_aspects(text):
        return False
    intent, conf = top_intent(tracker)
    if intent not in FOLLOW_UP_INTENTS and conf >= context.settings.intent_threshold \
            and not (intent == "repeat" and not _REPEAT_CUE.search(text)) and intent not in SMALL_TALK_READINGS \
            and not (intent in CONTROL_READINGS and (conf < CONTROL_READING_CEILING or "?" in text)) \
            and not (intent == "human_handoff" and ASKS_WHERE_TO_CALL.search(text) and not _WANTS_PERSON.search(text)):
        return False
    tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
    find = getattr(context.services, "find", None)
    if tokenizer is None or find is None or find(text) or named_benefit(default_glossary(), text) is not None:
        return False
    # another kind of help ("청년 월세 서류는요?") is a question of its own
    return all(t in ASPECT_WORDS for t in topic_terms(text, list(message.entities), tokenizer))


#: "it" as the service answered, with a verb of its working ("Does it work on weekends?", "Is it valid on Saturdays?":
#: s40/s41 probes, refused): it leans on the answer, and its verb is no topic (:func:`detail_follow_up` blanks it).
_IT_SERVICE_EN = r"^\s*(?:is|does|will|can)\s+it\s+(?:be\s+)?(?:valid|work|apply|count|cover|used?)\b"
_IT_SERVICE = re.compile(_IT_SERVICE_EN, re.I)
#: A short question that leans on the one before: "KTX도 돼요?", "다태아는요?", "월 소득 400만원 3인 가구면요?",
#: "사립이면 얼마에요?", "What about twins?" (:func:`detail_follow_up`).
_LEANING = re.compile(
    r"(?:은|는|이면|으면|면|도|이라도|라도)\s*요\s*\??\s*$|(?:도|인데|는데|이면|으면|면|라도)\s*(?:돼|되|될까|받|가능|할\s*수)\S*\s*\??\s*$"
    r"|^(?:그럼|그러면|근데|그런데)\s"
    # "생활비도 빌릴수있어요?" (s41 probe: refused after 학자금대출): something too, then a verb of ability
    r"|(?:도|라도)\s*[가-힣]{1,4}\s*수\s*(?:있|없)[가-힣]{0,4}\s*\??\s*$"
    # a fact said of oneself against the answer: "도시가스 쓰는데요", "임신 중인데요"
    r"|(?:는데|인데)\s*요\s*[.!~]*\s*$"
    # one or two words, then "되나요": "ktx 되나요", "주말에도 할인돼요?" (s36 second probe: both refused)
    r"|^\s*[\w·]{1,12}(?:\s+[\w·]{1,6})?\s*(?:돼|되나|되죠|될까|되는)[가-힣]{0,3}\s*\??\s*$"
    r"|^\s*(?:and\s+)?(?:what|how)\s+about\b|\bwhat\s+if\b|\b(?:too|as\s+well|also)\s*\??\s*$"
    r"|" + _IT_SERVICE_EN, re.I)
def leans_on_before(text: str) -> bool:
    """Whether ``text`` is a short question that leans on the one before (:data:`_LEANING`: "그럼 기차 할인은?",
    "KTX도 돼요?", "What about twins?").

    >>> leans_on_before("그럼 기차 할인은?"), leans_on_before("What about twins?"), leans_on_before("에너지바우처 알려줘")
    (True, True, False)
    """
    return bool(_LEANING.search(text))


#: The entities that state a fact about the person asked about ("75세", "월 소득 200만원", "3인 가구"): with no topic
#: word besides, the message asks whether the service fits that person.
FACT_ENTITIES = frozenset({"age", "income_pct", "percentage", "number", "beneficiary", "sex", "resident"})
#: Joined to the query of a fact about the person that asks no aspect: the composer then quotes who is eligible.
ELIGIBILITY_CUE = " 지원 대상"


def detail_follow_up(tracker: DialogueStateTracker, context: TurnContext,
                     doc_ids: Sequence[str]) -> FollowUp | None:
    """The follow-up (:class:`FollowUp`: the document, what to join to "<its title> <message>", the facts to quote
    its lines about) when the latest message is a short question about
    a detail of a service just answered (``doc_ids``: the one answered, then those listed after it; the first that
    fits is taken) or a fact about the person asked about it; None when it is not. The message is read once.

    s36 fresh-user probe: after a service was answered, "KTX도 돼요?", "금리가 얼마예요?", "사립이면 얼마에요?",
    "다태아는요?" were refused although the page held the answer, and "75세 이상도 돼요?" (운전면허 적성검사 간소화)
    answered 65세 이상 폐렴구균, "월 소득 400만원 3인 가구면요?" (아이돌봄 서비스) 에너지바우처: read alone, their
    words found another page. The aspect follow-up (:func:`is_aspect_follow_up`) takes only the aspects' own words.

    It is one when the message is short (:data:`MAX_CHARS`), typed, of a follow-up intent or unconfident, names no
    indexed title or glossary benefit and is not the general "what can I get" question, and either

    * its topic words (:func:`help_of_its_own`) and the facts about the person it states (:func:`said_facts`: "혼자
      살아요", "한부모 가정이에요") are all in the document's text (title and sections, no spaces, lower case; a
      colloquial word as the catalogue writes it, "주말" → 토요일·일요일) and it asks an aspect (:func:`asked_aspects`),
      leans on the question before (:data:`_LEANING`: "…도 돼요?", "…는요?", "…면요?", "What about …?") or states
      them of the speaker (:func:`states_of_oneself`: "저 혼자 살아요", "I use LPG"): ``""`` is joined, and when it
      asks no aspect the words are the facts whose lines are quoted ("청년인데 가능해요?" → the 청년 lines of 지원
      대상, s37: the whole answer came again, cut before them); "임신했는데 지원 있어요?" after 에너지바우처 asks no
      aspect, leans on nothing and is a question, and "오늘 날씨 어때요?" has a word the page lacks. When no page
      holds them and it asks no aspect ("저 직장인인데 되나요?" after 에너지바우처), the follow-up is ``unmentioned``:
      the message is answered as it is, and if the documents have nothing for it, the reply says the page does not
      speak of them; or
    * it has no topic word and states a fact about the person (:data:`FACT_ENTITIES`: "저 41살이에요", "저희
      아버지가 64살이신데 맞을 수 있어요?") or leans on the question before ("둘째는요?"): :data:`ELIGIBILITY_CUE` is
      joined when it asks no aspect and states a fact, so that who is eligible is quoted.

    Needs ``context.knowledge`` with a composer (its tokenizer and document text) and ``context.services``; None
    without them.
    """
    from assistant.dialogue.eligibility_route import named_benefit

    message = tracker.latest_message
    composer = getattr(context.knowledge, "composer", None)
    tokenizer = getattr(composer, "tokenizer", None)
    find = getattr(context.services, "find", None)
    docs = [d for d in doc_ids if d and composer is not None and d in composer.index.docs]
    if message is None or tokenizer is None or find is None or composer is None or not docs:
        return None
    text = (message.text or "").strip()
    if not text or text.startswith("/") or len(text) > MAX_CHARS or _GENERAL.search(text):
        return None
    intent, conf = top_intent(tracker)
    if intent not in FOLLOW_UP_INTENTS and conf >= context.settings.intent_threshold:
        return None
    if find(text) or named_benefit(default_glossary(), text) is not None:
        return None
    facts = said_facts(text, context.language)
    size = household_size(text)
    # the words that say the household's size are the fact, not a topic ("4인 가족이에요": 가족)
    plain = text if size is None else text[:size[1][0]] + " " * (size[1][1] - size[1][0]) + text[size[1][1]:]
    plain = _IT_SERVICE.sub(lambda m: " " * len(m.group()), plain)  # "Does it work …": the service working, no topic
    terms = help_of_its_own(plain, list(message.entities), tokenizer)
    aspects = asked_aspects(text)
    leaning = leans_on_before(text)
    # a life event told in the catalogue's word, with no question ("결혼한지 3년 됐어요" after 전세임대: s38 probe, the
    # whole answer again) is said of oneself, as "저 결혼한지 3년 됐어요" is
    told = not _QUESTION.search(text) and any(t in LIFE_EVENTS_KO for t in terms)
    if terms or facts:
        if aspects or leaning or told or states_of_oneself(text, bool(facts)):
            # a colloquial word counts as held when the page says it the catalogue's way ("주말" → 토요일·일요일)
            said = dict(default_colloquial().expand(terms))
            # an English word as the glossary translates it, for a page in Korean ("what about weekends?" after the rail
            # discount, whose page says 토요일·일요일: s41 probe, "I found no condition about 'weekends'")
            english = default_glossary().terms
            said.update({t: (*said.get(t, ()), *english[t]) for t in terms if t.isascii() and t in english})
            words = [(as_written(text, t, said.get(t, ())),
                      tuple(dict.fromkeys([squeezed(t), *(squeezed(c) for c in said.get(t, ())), *person_stem(t),
                                           *PAGE_WORDS.get(t, ())])))
                     for t in terms]
            for doc_id in docs:
                held = composer.document_text(doc_id)
                words = child_disability(words, text, held, context.language)
                stated = [f for f in child_disability(facts, text, held, context.language) if any(w in held for w in f[1])]
                # the topic words must all be there; the facts too when they are all it says ("월 소득 400만원 3인
                # 가구면요?" after 아이돌봄 asks about 소득, whatever the page says of 3인 가구)
                if all(any(w in held for w in ways) for _t, ways in words) and (words or len(stated) == len(facts)):
                    return FollowUp(doc_id, "", () if aspects else tuple(words + stated))
            words += facts
            if not aspects:
                # "저 직장인인데 되나요?" after 에너지바우처, whose page never speaks of 직장인 (s37 note: "찾지 못했어요")
                return FollowUp(docs[0], "", tuple(words), unmentioned=True)
            if terms and not facts and not composer.title_holds(terms):
                # a detail of the service no title names, asked with an aspect ("보증금은 얼마까지 지원돼요?" after
                # 전세임대, whose page never says 보증금; s42 probe: read alone it answered 청년 월세's 월 10만원)
                return FollowUp(docs[0], "", tuple(words), silent_detail=True)
        if terms:
            return None
    fact = any(e.get("entity") in FACT_ENTITIES for e in message.entities)
    if not (fact or leaning):
        return None
    # an age that puts the citizen in the group of a service listed after the answer is about that service ("저
    # 18살인데요" after 건강보험 임신·출산 진료비 with 청소년산모 임신·출산 의료비 listed; s41 probe: the general voucher's
    # who is eligible again)
    aged = aged_group_title(text, ((d, composer.index.docs[d].title) for d in docs[1:]))
    return FollowUp(aged or docs[0], ELIGIBILITY_CUE if fact and not aspects else "")


def as_written(text: str, term: str, catalogue: Sequence[str] = ()) -> str:
    """``term`` (a topic word, lower-cased) as ``text`` writes it ("lpg" in "I use LPG" → "LPG"); when ``text`` does
    not hold it (a verb's stem: 키우 of "혼자 애 키워요"), the first of its ``catalogue`` words (양육), else ``term``.

    >>> as_written("I use LPG", "lpg"), as_written("혼자 애 키워요", "키우", ["양육", "육아"])
    ('LPG', '양육')
    """
    at = text.lower().find(term)
    if at >= 0:
        return text[at:at + len(term)]
    return catalogue[0] if catalogue else term


class FollowUp(NamedTuple):
    """A follow-up about a service answered (:func:`detail_follow_up`)."""

    #: the document it is about (the service answered, or one listed after it)
    doc_id: str
    #: joined to "<its title> <message>", the query answered when no lines are quoted
    detail: str
    #: the facts whose lines of the document are quoted, each ``(the word said, its ways of being written: lower case,
    #: no spaces)``; empty when the message asks an aspect or states none
    facts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: no page cited holds the facts: the message is answered as it is, and when the documents have nothing for it,
    #: the reply says the page does not speak of them and quotes who is eligible
    unmentioned: bool = False
    #: (s43) an aspect asked of a detail the page does not speak of and no document title names ("보증금은 얼마까지
    #: 지원돼요?" after 전세임대): the page's own answer to the aspect, said to be silent on the detail (``facts``)
    silent_detail: bool = False


#: Facts about the person that the topic words leave out (:func:`~assistant.dialogue.eligibility_route.topic_terms`),
#: each: its word in Korean and in English, the reader of its spans (:mod:`assistant.nlu.household`), and how pages
#: write it (lower case, no spaces; Korean and English pages).
PERSON_FACTS: tuple[tuple[str, str, Callable[[str], list[tuple[int, int]]], tuple[str, ...]], ...] = (
    ("혼자", "living alone", lives_alone_spans,
     ("1인가구", "1인세대", "독거", "혼자", "홀로", "단독가구", "single-person", "one-person", "1-person", "1person",
      "livealone", "livesalone", "livingalone")),
    ("한부모", "single parent", single_parent_spans,
     ("한부모", "singleparent", "single-parent", "loneparent", "lone-parent", "one-parent")),
    ("장애", "disability", household_disability_spans, ("장애", "disab")),
)


#: A child's disability ("저희 애 장애가 있어요": :func:`~assistant.nlu.household.dependant_disability_member` is
#: ``child``): its word, and how pages write it (lower case, no spaces). After 아이돌봄 서비스 the s38 probe got every
#: line that says 장애, the parents' (장애부모가정) first; a page that writes none of these keeps 장애's lines.
CHILD_DISABILITY = ("장애 아동", "a child's disability")
CHILD_DISABILITY_WAYS = ("장애아동", "장애아", "장애자녀", "장애가있는자녀", "장애가있는아동", "장애가있는아이",
                         "disabledchild", "childwithadisab", "childrenwithdisab", "childwithdisab")


#: A child word, then within two words 장애 ("저희 애 장애가 있어요", which the household reader leaves to the topic
#: words: no particle after 애); "my son/daughter/child … disab…" in English.
_CHILD_DISABLED = re.compile(r"(?<![가-힣])(?:애|아이|아기|자녀|아들|딸|자식)(?:가|이|는|도|도요)?\s+(?:\S+\s+){0,2}?장애"
                             r"|\b(?:child|son|daughter|kid|baby)\b(?:\s+\S+){0,3}?\s+(?:is\s+)?disab", re.I)


def child_disability(facts: list[tuple[str, tuple[str, ...]]], text: str, held: str,
                     language: str = "ko") -> list[tuple[str, tuple[str, ...]]]:
    """``facts`` (:func:`said_facts`) with the disability fact made a child's (:data:`CHILD_DISABILITY`) when ``text``
    states a child's disability and the page (``held``: its text, lower case, no spaces) writes one of its ways;
    else ``facts`` unchanged.

    >>> child_disability([("장애", ("장애", "disab"))], "저희 애 장애가 있어요", "중증장애자녀나")
    [('장애 아동', ('장애아동', '장애아', '장애자녀', '장애가있는자녀', '장애가있는아동', '장애가있는아이', 'disabledchild', 'childwithadisab', 'childrenwithdisab', 'childwithdisab'))]
    """
    if not (dependant_disability_member(text) == "child" or _CHILD_DISABLED.search(text)) \
            or not any(w in held for w in CHILD_DISABILITY_WAYS):
        return facts
    said = CHILD_DISABILITY[1] if language == "en" else CHILD_DISABILITY[0]
    return [(said, CHILD_DISABILITY_WAYS) if "장애" in ways or "disab" in ways else (word, ways) for word, ways in facts]


_KO_COUNTS = {"한": 1, "혼자": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7,
              "여덟": 8}
_EN_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_COUNT = r"(\d{1,2}|다섯|여섯|일곱|여덟|한|두|둘|세|셋|네|넷)"
#: How many live in the household: "4인 가족이에요", "저희 집 4식구예요", "우리집 네명이에요", "식구가 다섯이에요",
#: "a family of four", "we are 4 people" (s38 probe: each after 에너지바우처 got another page or "알겠어요").
HOUSEHOLD_SIZE = re.compile(
    rf"{_COUNT}\s*(?:인\s*(?:가구|가족|세대)|식구|명\s*(?:가족|식구))"
    rf"|(?:우리|저희)\s*(?:집|가족)\s*(?:은|는|이|도)?\s*(?:식구\s*(?:가|는)?\s*)?{_COUNT}\s*(?:명|식구|이에요|예요|이요)"
    rf"|(?:식구|가족)\s*(?:가|는|이|은)\s*{_COUNT}\s*(?:명|이에요|예요|이요|$)"
    r"|\bfamily\s+of\s+(\d{1,2}|one|two|three|four|five|six|seven|eight)\b"
    r"|\b(?:we\s+are|we're|there\s+are)\s+(\d{1,2}|two|three|four|five|six|seven|eight)(?:\s+(?:of\s+us|people|in\s+(?:my|our)\s+family))\b"
    r"|\b(\d{1,2})[- ]person\s+household\b", re.I)


def household_size(text: str) -> tuple[int, tuple[int, int]] | None:
    """``(how many live in the household, the span that says it)`` when ``text`` says it (:data:`HOUSEHOLD_SIZE`),
    else None.

    >>> household_size("저희 집 4식구예요")[0], household_size("우리집 네명이에요")[0], household_size("식구가 다섯이에요")[0]
    (4, 4, 5)
    >>> household_size("We're a family of three")[0], household_size("아이 두 명이에요"), household_size("4인 가족이에요")[0]
    (3, None, 4)
    """
    m = HOUSEHOLD_SIZE.search(text)
    if m is None:
        return None
    said = next(g for g in m.groups() if g)
    n = int(said) if said.isdigit() else _KO_COUNTS.get(said) or _EN_COUNTS.get(said.lower(), 0)
    return (n, m.span()) if 0 < n <= 20 else None


def _household_ways(n: int) -> tuple[str, ...]:
    """How pages write a household of ``n`` (lower case, no spaces): "4인가구", "4인세대", a table row "|4인|", and any
    "m인이상" bound it reaches ("5인" is in "4인 이상 가구"), Korean and English."""
    ways = [f"{n}인가구", f"{n}인세대", f"|{n}인|", f"{n}인이상", f"{n}person", f"{n}-person", f"{n}persons"]
    ways += [f"{m}인이상" for m in range(2, n)] + [f"{m}ormore" for m in range(2, n + 1)]
    return tuple(ways)


def said_facts(text: str, language: str = "ko") -> list[tuple[str, tuple[str, ...]]]:
    """The facts about the person (:data:`PERSON_FACTS`, and the household's size: :func:`household_size`) ``text``
    states, each ``(its word in ``language``, how pages write it)``.

    >>> said_facts("저희 한부모 가정이에요"), said_facts("I live alone", "en")[0][0], said_facts("에너지바우처 알려줘")
    ([('한부모', ('한부모', 'singleparent', 'single-parent', 'loneparent', 'lone-parent', 'one-parent'))], 'living alone', [])
    """
    facts = [(en if language == "en" else ko, ways) for ko, en, spans, ways in PERSON_FACTS if spans(text)]
    if (size := household_size(text)) is not None:
        n = size[0]
        facts.append((f"a household of {n}" if language == "en" else f"{n}인 가구", _household_ways(n)))
    return facts


#: A word for a kind of person: its stem of two syllables or more, then 권자, 자 or 인 (수급자, 수급권자, 장애인).
_PERSON_NOUN = re.compile(r"^([가-힣]{2,}?)(?:권자|자|인)$")


#: How pages write what a citizen says of themselves in everyday words, for a follow-up only (s42 probe: "저 농사 5년
#: 했어요" after 청년농업인 영농정착지원, whose page says "영농 경력", and "동생이 신청해도 돼요?" after 안심상속, whose page
#: says "3순위 형제자매", got "찾지 못했어요"). Kept out of the colloquial glossary, which retrieval reads too.
PAGE_WORDS: dict[str, tuple[str, ...]] = {
    "농사": ("영농", "농업"), "농사일": ("영농", "농업"), "귀농": ("영농", "농업"),
    "동생": ("형제자매", "형제"), "형": ("형제자매", "형제"), "오빠": ("형제자매", "형제"), "누나": ("형제자매", "형제"),
    "언니": ("형제자매", "형제"), "남동생": ("형제자매", "형제"), "여동생": ("형제자매", "형제"),
    "손자": ("손자녀", "직계비속"), "손녀": ("손자녀", "직계비속"), "아들": ("자녀", "직계비속"), "딸": ("자녀", "직계비속"),
    "남편": ("배우자",), "아내": ("배우자",), "와이프": ("배우자",), "부인": ("배우자",),
}


def person_stem(term: str) -> tuple[str, ...]:
    """The stem a page may write a kind of person with (s42 probe: "저 수급자예요" after 연탄쿠폰, whose page says
    "수급권자", got "'수급자'에 관한 조건은 따로 찾지 못했어요"; "시각장애인" where the page says "시각… 장애로 등록된"):
    ``("수급",)`` for 수급자 and 수급권자, ``("장애",)`` for 장애인; ``()`` for a word of no such shape or a stem of one
    syllable (노인, 개인).

    >>> person_stem("수급자"), person_stem("수급권자"), person_stem("장애인"), person_stem("노인"), person_stem("LPG")
    (('수급',), ('수급',), ('장애',), (), ())
    """
    m = _PERSON_NOUN.match(term)
    return (m.group(1),) if m else ()


#: A message that speaks of the speaker or their household ("저 LPG 써요", "저희 집은 …", "I use LPG", "My son …").
_OF_ONESELF = re.compile(r"^\s*(?:저|제가|전|저는|저도|저희|우리|나|내가|난|나는|저희\s*집|우리\s*집)(?:\s|$)"
                         r"|^\s*(?:i|i'm|im|i've|we|we're|my|our)\b", re.I)
#: A question, not a statement: a question mark, a question's ending or word.
_QUESTION = re.compile(r"\?|[나까]요\s*[.!~]*\s*$|니까\s*$|는지|뭐|무엇|어떻게|어디|언제|얼마|알려|있을까|될까"
                       r"|\b(?:what|how|where|when|which)\b|^\s*(?:can|could|is|are|do|does|will|would)\b", re.I)


#: A short statement that names what the speaker is ("차상위예요", "신혼부부예요", "수급자입니다"): said of oneself.
_IS_SOMETHING = re.compile(r"^[\w\s·]{1,16}?(?:이에요|예요|에요|입니다|이고요|이거든요|거든요|이요|이여|(?<=[가-힣])여)\s*[.!~]*"
                           # s42 probe: the speaker said last, or in dialect ("수급자여 나는", "수급자예요 나는")
                           r"(?:\s*(?:나는|난|저는|전|내가|제가))?\s*[.!~]*\s*$")


def speaks_of_oneself(text: str) -> bool:
    """Whether ``text`` begins with the speaker or their household ("저 직장인인데 되나요?", "I use LPG"): a question
    whether the service fits them, not one about another service (:data:`_OF_ONESELF`).

    >>> speaks_of_oneself("저 직장인인데 되나요?"), speaks_of_oneself("교육도 받아야 돼요?")
    (True, False)
    """
    return bool(_OF_ONESELF.search(text))


def states_of_oneself(text: str, facts: bool = False) -> bool:
    """Whether ``text`` states something of the speaker rather than asks: it is no question (:data:`_QUESTION`) and
    either speaks of the speaker (:data:`_OF_ONESELF`), says what the speaker is in a few words (:data:`_IS_SOMETHING`:
    "차상위예요", "신혼부부예요") or states a fact about the person (``facts``: :func:`said_facts` found one).

    >>> states_of_oneself("저 LPG 써요"), states_of_oneself("I use LPG"), states_of_oneself("저 임신했는데 지원 있어요?")
    (True, True, False)
    >>> states_of_oneself("청년 월세 지원 받고 싶어요"), states_of_oneself("혼자 살아요", facts=True), states_of_oneself("차상위예요")
    (False, True, True)
    """
    return bool(facts or _OF_ONESELF.search(text) or _IS_SOMETHING.search(text)) and not _QUESTION.search(text)
