"""One programme run by several regions: ask where the citizen lives, then answer with that region's programme.

"청년 월세 지원 있나요?" finds 청년 월세 지원 of 충청북도 옥천군 and of 경기도 안양시 (the catalogue holds many local
governments' versions of one programme). Quoting the first would answer for a region the citizen may not live in,
so when the composer reports regional variants (:attr:`Answer.regions`) and the conversation knows no region,
:class:`~assistant.dialogue.builtin_actions.ActionAnswerFromKnowledge` asks ``utter_ask_programme_region`` (one
button per region, payload ``/inform{"programme_region": "<region>"}``) and keeps the question in
:data:`PENDING_SLOT`. The reply — a button, the region typed ("안양이요", "경기도 안양시에 살아요", "I live in Anyang"), or another region
the NLU knows ("부산 살아요") — is caught by :class:`RegionFollowUpPolicy` (whatever its intent: a bare place name
reads as anything), and the question is answered for that region (its programme, with the province's and the
national ones listed and cited; or, when none is that region's, saying so). A reply that names a place but, beyond
it, a kind of help of its own ("오늘 서울 날씨 어때요?", "서울에 에너지바우처 있나요?": :func:`own_topic`) is a question
of its own, not where the citizen lives: the pending question is dropped and the message handled as usual. The region chosen is kept in
:data:`REGION_SLOT`, and with the ``region`` / ``region_district`` slots it ranks that region's programmes first
in later answers. A short question about an aspect of the programme instead of a region ("구비서류는요?", "what documents do I need?":
:func:`~assistant.dialogue.service_followup.is_aspect_follow_up`) is joined to the pending question, which is asked
again (session 17: it was answered "찾지 못했어요", the programme it meant being the one awaiting a region), so the
region's answer gives that aspect. Any other reply that names no region drops the pending question and is handled as
usual.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.events import ACTION_LISTEN_NAME, BotUttered, UserUttered
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.regions import agency_regions, only_place_names, read_place, region_match

if TYPE_CHECKING:
    from assistant.knowledge.composer import Answer, Citation

#: said when a message only says where the citizen lives and no question waits for it (``{value}``: the place)
KEPT_RESPONSE = "utter_kept_region"
#: the question waiting for the citizen's region: ``{"query": str, "regions": [labels]}``
PENDING_SLOT = "programme_region_pending"
#: the region the citizen chose for a regional programme ("경기도 안양시")
REGION_SLOT = "programme_region"
#: the entity a region button carries
REGION_ENTITY = "programme_region"
ASK_RESPONSE = "utter_ask_programme_region"
#: a knowledge answer (``custom.response``) that listed other places' services after it (``custom.regions``): a place
#: said next answers it as the region question's reply would (s34: "창원이요" after 창원시's 출산축하금 was listed)
ANSWER_RESPONSE = "action_answer_from_knowledge"
#: said when the place given after an answer runs no version of its own of the national service answered: the
#: service is named again (cited), not its whole answer repeated (``{region}``, ``{programme}``: its title;
#: :func:`same_answer`)
SAME_ANSWER_RESPONSE = "utter_region_same_answer"
#: said instead of :data:`SAME_ANSWER_RESPONSE` when the region runs a programme of its own for the question
#: (:func:`local_version`), whose answer follows it
LOCAL_TOO_RESPONSE = "utter_region_local_too"
#: said instead when that service is the place's own (``{agency}`` runs it)
SAME_ANSWER_HERE_RESPONSE = "utter_region_same_answer_here"
#: said instead when that service is another place's, for its residents (``{agency}``)
SAME_ANSWER_ELSEWHERE_RESPONSE = "utter_region_same_answer_elsewhere"
#: said when the citizen stops at that question ("취소", "cancel"): the question is dropped
DROPPED_RESPONSE = "utter_region_question_dropped"
_FACT_SLOTS = (REGION_SLOT, "region_district", "region")


def known_region(tracker: DialogueStateTracker) -> str | None:
    """Where the conversation says the citizen lives (the region chosen for a programme, the 시·군·구 and 시·도 slots
    joined), or None."""
    parts: list[str] = []
    for name in _FACT_SLOTS:
        value = tracker.get_slot(name)
        if isinstance(value, str) and value.strip() and value.strip() not in parts:
            parts.append(value.strip())
    return " ".join(parts) or None


#: What a message that only says where the speaker lives may hold besides the place (:func:`residence_statement`):
#: morphemes as Kiwi reads them (살아요 → 살, 거주중 → 거주, 중), and the old province names 충청도, 경상도, 전라도, which
#: name no one 시·도 (the place after them does)
_RESIDENCE_WORDS = frozenset({"살", "사", "거주", "거주하", "하", "중", "있", "지금", "현재", "요즘", "시민", "주민", "도민", "군민",
                              "구민", "쪽", "동네", "저", "제", "전", "저희", "우리", "나", "내", "여기", "충청도", "경상도",
                              "전라도", "충청", "경상", "전라"})
#: Kiwi tags that carry no content: particles, endings, the copula, suffixes, punctuation, interjections
_FUNCTION_TAGS = ("J", "E", "VCP", "VCN", "XS", "SF", "SP", "SS", "SE", "SO", "SW", "IC")
#: English said around a place that says the speaker lives there ("I live in Busan", "We're in Suwon")
_ENGLISH_RESIDENCE = re.compile(r"^\s*(?:(?:i|we)\s*(?:'m|'re|am|are)?\s*(?:living|live|based|staying|residing|reside)?\s*(?:in|at)\s+)",
                                re.I)


def residence_statement(text: str, tokenizer: Any) -> str | None:
    """The one place ``text`` says the speaker lives in when it says nothing else, or None.

    "충청도 대전이유", "부산 사는데예", "저 수원 살아요", "대구 달서구 거주중입니다", "I live in Busan" → the place
    (:func:`~assistant.regions.read_place` of the message's standard reading, :func:`~assistant.nlu.preprocess.
    standard_reading`); "서울에서 뭐 받을 수 있어요?", "대전 날씨", a place and an age, or several places → None. Besides
    the place a Korean message may hold only particles, endings and the words of :data:`_RESIDENCE_WORDS` (Kiwi's
    morphemes, ``tokenizer``); an English one only "I live in" and the like before it. Such a message, with no
    question waiting for it, is where the citizen lives, not a question to search the documents for (s43 probe:
    "충청도 대전이유" was answered with 옥천군's 청년 월세 지원 as a related service, 이유 read as 'reason')."""
    from connectors.eligibility.regions import place_spans

    from assistant.nlu.preprocess import standard_reading

    said = standard_reading((text or "").strip(), shots=False)
    if not said or "?" in said or said.startswith("/") or (place := read_place(said)) is None:
        return None
    if not re.search(r"[가-힣]", said):
        rest = _ENGLISH_RESIDENCE.sub("", said)
        # a bare English place name says nothing of living there ("Anyang" after the region question was dropped)
        return str(place) if rest != said and read_place(rest) == place and only_place_names(rest.strip(" .!")) else None
    spans = place_spans(said)
    for t in tokenizer.tokenize(said):
        if any(s < t.end and t.start < e for s, e in spans):
            continue
        if t.tag.startswith(_FUNCTION_TAGS) or t.text in _RESIDENCE_WORDS:
            continue
        return None
    return str(place)


#: replies to a message that leave the region question open: small talk and out-of-scope messages in between
#: ("ㅋㅋㅋ", "오늘 서울 날씨 어때요?") do not drop it (s32 probe: "안양이요" after them was "어떤 점을 도와드릴까요?")
INTERRUPTIONS = frozenset({"utter_chitchat", "utter_out_of_scope", "utter_greet", "utter_thank", "utter_ask_rephrase"})
#: how many such interrupting messages may come between the region question and the reply that answers it
MAX_INTERRUPTIONS = 2


def asked_just_before(tracker: DialogueStateTracker) -> bool:
    """Whether the assistant's last message before the latest user message asked for the region (or answered from the
    documents, :data:`ANSWER_RESPONSE`: a place said next is where the citizen lives), or asked it before
    at most :data:`MAX_INTERRUPTIONS` user messages that it only answered with small talk or the out-of-scope reply
    (:data:`INTERRUPTIONS`)."""
    users = 0
    replies: list[str | None] = []
    for e in reversed(tracker.applied_events()):
        if isinstance(e, UserUttered):
            if users and (not replies or any(r not in INTERRUPTIONS for r in replies)):
                return False  # that message got an answer of its own (or none): the question is no longer open
            users += 1
            replies = []
            if users > MAX_INTERRUPTIONS + 1:
                return False
        elif users and isinstance(e, BotUttered):
            custom = e.data.get("custom") or {}
            response = custom.get("response")
            if response == ASK_RESPONSE or (response == ANSWER_RESPONSE and not custom.get("abstained", True)):
                return True
            replies.append(response)
    return False


def pending_question(tracker: DialogueStateTracker) -> dict[str, Any] | None:
    """The question waiting for a region (``{"query", "regions"}``, and ``"language"`` when the citizen asked for
    another language than the question's), when the region was asked just before."""
    pending = tracker.get_slot(PENDING_SLOT)
    if isinstance(pending, dict) and isinstance(pending.get("query"), str) and asked_just_before(tracker):
        return pending
    return None


def region_entity(tracker: DialogueStateTracker) -> str | None:
    """The most specific region the latest message's ``region`` entities name (the longest value: "서울특별시 마포구"
    over "서울특별시"), or None. For a message that says where the speaker lives whatever its intent: the slot
    mapping takes a region only from some intents ("오늘 서울 날씨 어때요?" must not make a Seoul resident), and an
    address read the message as ``ask_service_info`` (s42 probe: "서울시 마포구 월드컵북로 400 살고 있어요 청년월세
    돼요?" was asked where the speaker lives; the classifier reads the message without the address)."""
    message = tracker.latest_message
    if message is None:
        return None
    values = [str(e["value"]).strip() for e in message.entities
              if e.get("entity") == "region" and isinstance(e.get("value"), str) and str(e["value"]).strip()]
    return max(values, key=len) if values else None


#: A correction that names what is meant after what is not: "창원 아니고 김해요", "창원 말고 김해", "not Changwon, Gimhae"
_CORRECTION = re.compile(r"(?:아니고|아니라|아니구|아니요|아뇨|말고|아닌\s*데)\s*[,.]?\s*|\bnot\s+[^,.;]+[,.;]\s*(?:but\s+)?|\bI\s+meant\s+", re.I)


def corrected_part(text: str) -> str:
    """What a message says after a correction ("아 창원 아니고 김해요" → "김해요"; s44 probe: the place was lost,
    "창원" and "김해" being read as two places), else ``text``.

    >>> corrected_part("아 창원 아니고 김해요"), corrected_part("not Changwon, Gimhae"), corrected_part("김해요")
    ('김해요', 'Gimhae', '김해요')
    """
    parts = _CORRECTION.split(text)
    return parts[-1].strip() if len(parts) > 1 and parts[-1].strip() else text


def named_region(tracker: DialogueStateTracker, pending: dict[str, Any]) -> str | None:
    """The region the latest message names: a region button's value, else the one place the reply names
    (:func:`~assistant.regions.read_place`: "I live in Anyang", "Okcheon-gun", "대구 수성구요", "부산 수영구 살아요"; as
    Korean text, the offered label when it is that place), else the best-matching region offered (its label), else a
    region entity the NLU found (a region not offered), else None."""
    message = tracker.latest_message
    if message is None:
        return None
    for e in message.entities:
        if e.get("entity") == REGION_ENTITY and isinstance(e.get("value"), str) and e["value"].strip():
            return str(e["value"]).strip()
    text = corrected_part(message.text or "")
    offered = [str(r) for r in pending.get("regions") or [] if isinstance(r, str)]
    if (place := read_place(text)) is not None:
        # one place named, in English ("I live in Anyang", "Okcheon-gun": the romanised name read as its Korean area)
        # or in Korean with its 시·군·구 ("대구 수성구요": 대구광역시 수성구, not only the region entity's 대구광역시); an
        # offered region only when it is that place ("부산 수영구" is not the offered 부산광역시 강서구)
        return next((label for label in offered if label == str(place)), str(place))
    best = _best_offered(offered, text)
    if best is not None:
        return best
    for e in message.entities:
        if e.get("entity") == "region" and isinstance(e.get("value"), str) and e["value"].strip():
            return str(e["value"]).strip()
    return None


def own_topic(tracker: DialogueStateTracker, context: TurnContext, pending: dict[str, Any]) -> list[str]:
    """The words of the latest message that name a kind of help other than the pending question's
    (:func:`~assistant.dialogue.service_followup.help_of_its_own`, besides the pending question): "오늘 서울 날씨
    어때요?" → ``["날씨"]``, "서울에 에너지바우처 있나요?" → ``["에너지", "바우처"]``; "서울 살아요", "I live in Anyang",
    "안양인데 서류 뭐 필요해요?" and "안양 청년 월세 신청 어떻게 해요?" (after "청년 월세 지원 있나요?") → ``[]``. Empty
    without a tokenizer (``context.knowledge``'s composer) or a message, and for a button's payload."""
    from assistant.dialogue.service_followup import help_of_its_own

    message = tracker.latest_message
    tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
    text = ((message.text if message else None) or "").strip()
    if message is None or tokenizer is None or not text or text.startswith("/"):
        return []
    return help_of_its_own(text, list(message.entities), tokenizer, besides=str(pending.get("query") or ""))


#: A place asked about rather than said to be where the speaker lives: "그럼 수원은 뭐 있어요", "수원은요?", "수원도
#: 있어요?", "부산은 어때요?", "what about Suwon?", "is there one in Busan?" (:func:`asks_about_place`).
_ASKS_ABOUT = re.compile(r"(?:은|는|도)\s*(?:요|뭐|무엇|어떤|어때|어떻|있|없|돼|되|안\s*돼|가능)|뭐\s*있|있(?:나요|어요|을까|습니까)\s*\??\s*$"
                         r"|어때|\b(?:what|how)\s+about\b|\bis\s+there\b|\bdoes\b|\bany\b", re.I)
#: Words that say where the speaker lives ("옥천 살아요", "거주", "I live in", "moved"): read by
#: :func:`~assistant.dialogue.builtin_actions.says_residence` and :func:`asks_about_place`.
RESIDENCE = re.compile(r"살아|살고|사는|삽니다|살아요|거주|이사|전입|\blives?\b|\bliving\b|\bmoved?\b|\bmoving\b", re.I)
#: Being somewhere said in English ("I'm in Busan, does it apply?"): where the speaker is, though it asks.
_BEING_IN = re.compile(r"\bI'?m\s+(?:in|from)\b|\bI\s+am\s+(?:in|from)\b|\bwe'?re\s+(?:in|from)\b|\bwe\s+are\s+(?:in|from)\b",
                       re.I)


def asks_about_place(text: str) -> bool:
    """Whether ``text``, given where the region is waited for, asks about a place instead of saying that the speaker
    lives there (:data:`_ASKS_ABOUT`, and no word of living or being there: :data:`RESIDENCE`, :data:`_BEING_IN`): "그럼 수원은 뭐 있어요" after 대구's 난임 programme
    (s46 probe) was told "경기도 수원시에 사시는군요", and the place was kept as the citizen's. A button, a bare place
    ("수원이요", "수원") or "수원 살아요" says where the speaker lives.

    >>> [asks_about_place(t) for t in ["그럼 수원은 뭐 있어요", "수원은요?", "what about Suwon?", "수원이요", "수원이요?",
    ...                                "수원 살아요", "저 수원 사는데 수원은 뭐 있어요?", "I'm in Busan, does it apply?"]]
    [True, True, True, False, False, False, False, False]
    """
    text = (text or "").strip()
    return not text.startswith("/") and not RESIDENCE.search(text) and not _BEING_IN.search(text) \
        and bool(_ASKS_ABOUT.search(text))


def answered_region(tracker: DialogueStateTracker, context: TurnContext, pending: dict[str, Any]) -> str | None:
    """The region the latest message gives as the answer to the pending question (:func:`named_region`), unless the
    message, beyond the place, names a kind of help of its own (:func:`own_topic`): then it is a question of its own,
    not where the citizen lives (s31: "오늘 서울 날씨 어때요?" at the question was answered "서울특별시에서 운영하는 것은
    없어요" with the youth-rent pages; "서울에 에너지바우처 있나요?" got the same, never the energy voucher). A region
    button always answers."""
    message = tracker.latest_message
    if message is not None and any(e.get("entity") == REGION_ENTITY for e in message.entities):
        return named_region(tracker, pending)
    if own_topic(tracker, context, pending):
        return None
    return named_region(tracker, pending)


def question_for_region(tracker: DialogueStateTracker, pending: dict[str, Any]) -> str:
    """The question to answer for the region the latest message gave: the pending question, with the message joined
    to it when the message also asks about an aspect of the programme (:func:`~assistant.dialogue.service_followup.
    asked_aspects`: "안양인데 서류 뭐 필요해요?" is answered with 안양시's documents, as "구비서류는요?" then "안양이요"
    is; the composer picks the section from the question)."""
    from assistant.dialogue.service_followup import asked_aspects

    query = str(pending.get("query") or "")
    message = tracker.latest_message
    reply = ((message.text if message else None) or "").strip()
    if reply and not reply.startswith("/") and asked_aspects(reply):
        return f"{query} {reply}"
    return query


def same_answer(pending: dict[str, Any], answer: Answer, where: str) -> tuple[Citation, str] | None:
    """When the answer for the region the citizen gave after an answer (``where``) leads with the document that
    answered before (``pending["first"]``, its URL): that document's citation and the response that says what it means
    for ``where`` instead of the whole answer again:

    * :data:`SAME_ANSWER_RESPONSE`: a national service (its agency names no region,
      :func:`~assistant.regions.agency_regions`) and the region runs no version of its own in the documents
      ("난임부부 시술비 지원 알려주세요", then "부산 살아요": 보건복지부's again, where "서울 강남구에 살아요" gets
      서울시's own);
    * :data:`SAME_ANSWER_HERE_RESPONSE`: a local government's service of ``where`` ("안양 청년 월세 지원", then "안양
      살아요");
    * :data:`SAME_ANSWER_ELSEWHERE_RESPONSE`: another place's service ("안양 청년 월세 지원", then "부산 살아요": it
      is for 안양시's residents, not the citizen's; s36), another 시·군·구 of the same 시·도 too ("창원 출산지원금",
      then "창원 아니고 김해요": 창원시's is not 김해시's; s47).

    None when the region's answer leads with another document or abstains."""
    first = pending.get("first")
    if not isinstance(first, str) or answer.abstained or not answer.citations or answer.citations[0].url != first:
        return None
    from assistant.knowledge.region_preference import lives_elsewhere

    lead = answer.citations[0]
    if not agency_regions(lead.agency):
        return lead, SAME_ANSWER_RESPONSE
    # served only where the agency's own 시·군·구 (or its whole 시·도) is the place: 창원시's service is not 김해시's,
    # though both are in 경상남도 (s45 probe: "창원 아니고 김해요" was told 창원시's 출산축하금 was the service "here")
    here = region_match(lead.agency, where) > 0 and lives_elsewhere(lead.agency, {"region": where}) is None
    return lead, (SAME_ANSWER_HERE_RESPONSE if here else SAME_ANSWER_ELSEWHERE_RESPONSE)


#: How far down the ranking, and how close to the lead's score, a programme run where the citizen lives may be to be
#: named beside a national answer (:func:`local_version`; bundled corpus, s42 probe: "출산하면 뭐 받아요?" then "수원이요"
#: ranks 경기도산후조리비지원 third at 0.80 of the national lead's 1.00, after 청소년산모 임신·출산 의료비 at 0.94).
LOCAL_RANKS, LOCAL_SHARE = 3, 0.75


def local_version(context: TurnContext, query: str, where: str, first: str) -> str | None:
    """The title of a programme run where the citizen lives (``where``; :func:`~assistant.regions.region_match`) that
    the retrieval of ``query`` for that region ranks among its first :data:`LOCAL_RANKS` documents, with at least
    :data:`LOCAL_SHARE` of the lead's score and a word of the question in it (lexical score above 0), other than the
    document answered (URL ``first``); None when there is none, or without a retriever. Said beside a national answer
    ("출산하면 뭐 받아요?" then "수원이요": 경기도's 산후조리비 as well as the national 임신·출산 진료비), never instead
    of it."""
    retriever = getattr(context.knowledge, "retriever", None)
    if retriever is None or not query.strip():
        return None
    hits = retriever.run(query, k=LOCAL_RANKS, region=where).hits
    if not hits:
        return None
    from assistant.knowledge.region_preference import agency_place, lives_elsewhere

    top = hits[0].score
    for hit in hits[:LOCAL_RANKS]:
        doc = hit.doc
        # run by a local government that serves ``where``: not another 시·군·구 of its 시·도 (s45 probe: 수영구's
        # 출산장려금 지원 was named as 강서구's own, a word of the 시·도 matching)
        serves = agency_place(doc.agency) is not None and lives_elsewhere(doc.agency, {"region": where}) is None
        if doc.url != first and serves and region_match(doc.agency, where) > 0 and hit.lexical > 0 \
                and hit.score >= LOCAL_SHARE * top:
            return str(doc.title)
    return None


def _best_offered(offered: list[str], where: str) -> str | None:
    """The offered region label that ``where`` matches best (:func:`~assistant.regions.region_match`; the first
    offered on a tie), or None when it matches none."""
    scored = sorted(((region_match(label, where), -i, label) for i, label in enumerate(offered)), reverse=True)
    return scored[0][2] if scored and scored[0][0] > 0 else None


#: "다른 지역은요?", "다른 곳은 없어요?", "other regions?", "anywhere else?": a question about other regions than those
#: named, short and with nothing else
_OTHER_REGIONS = re.compile(r"^\s*(?:그럼|그러면|혹시)?\s*(?:다른|딴)\s*(?:지역|곳|동네|시|도|데)\s*(?:은|는|도|에는|에선|에서는)?\s*"
                            r"(?:요|없(?:어|나|나요|어요|을까요)|있(?:어|나|나요|어요|을까요)|어때요|안\s*돼요|안\s*되나요)?\s*[?？.!~]*\s*$"
                            r"|^\s*(?:what\s+about\s+|any\s+)?(?:other\s+(?:regions?|places?|areas?|cities)|anywhere\s+else)"
                            r"\s*[?.!]*\s*$", re.I)


def asks_other_regions(text: str) -> bool:
    """Whether ``text`` only asks about other regions than those named ("다른 지역은요?", "other regions?").

    >>> asks_other_regions("다른 지역은요?"), asks_other_regions("다른 지역 청년 월세 지원도 알려 주세요")
    (True, False)
    """
    return bool(_OTHER_REGIONS.search(text or ""))


class RegionFollowUpPolicy:
    """The reply to ``utter_ask_programme_region`` that names a region → ``action_answer_from_knowledge`` (which
    answers the pending question for it). See the module docstring."""

    name = "RegionFollowUpPolicy"

    @staticmethod
    def _asked_region(tracker: DialogueStateTracker) -> bool:
        """Whether the assistant's message just before the latest user message was the region question itself."""
        from assistant.dialogue.confirmation import previous_bot

        bot = previous_bot(tracker)
        return bot is not None and (bot.data.get("custom") or {}).get("response") == ASK_RESPONSE

    @staticmethod
    def _states_facts_only(tracker: DialogueStateTracker, context: TurnContext) -> bool:
        """Whether the latest message states facts about the person (an age, a household size, living alone …:
        :data:`~assistant.dialogue.service_followup.FACT_ENTITIES`, :func:`~assistant.nlu.household.lives_alone`)
        and names no kind of help of its own (:func:`~assistant.dialogue.service_followup.help_of_its_own`)."""
        from assistant.dialogue.service_followup import FACT_ENTITIES, help_of_its_own
        from assistant.nlu.household import lives_alone

        message = tracker.latest_message
        tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
        if message is None or tokenizer is None:
            return False
        text = (message.text or "").strip()
        entities = list(message.entities)
        facts = any(e.get("entity") in FACT_ENTITIES for e in entities) or bool(lives_alone(text))
        return facts and not text.startswith("/") and not help_of_its_own(text, entities, tokenizer)

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge``, :data:`DROPPED_RESPONSE` (a confident ``cancel``: the question is
        dropped, not "nothing was submitted"), or None."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None:
            return None
        pending = pending_question(tracker)
        if pending is None:
            # a message that only says where the citizen lives (:func:`residence_statement`): kept by the answer
            # action, which offers help (the rule for a fact said outside a form offered help and lost a place the NLU
            # did not tag: "저 수원 살아요" then "청년 월세 지원" asked the region again)
            message = tracker.latest_message
            tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
            if message is not None and tokenizer is not None and context.has_response(KEPT_RESPONSE) \
                    and "typed_button" not in message.parse_data \
                    and residence_statement(message.text or "", tokenizer) is not None:
                # (not a place that chose a button: "안양이요" under the choice among services of one name)
                return Prediction("action_answer_from_knowledge", self.name, 1.0)
            return None
        if answered_region(tracker, context, pending) is not None:
            return Prediction("action_answer_from_knowledge", self.name, 1.0)
        from assistant.dialogue.service_followup import is_aspect_follow_up

        if pending.get("regions") and not pending.get("first") and is_aspect_follow_up(tracker, context):
            # "구비서류는요?" while the region is asked: the programme's documents differ by region, so the question
            # (now with the aspect) is asked again; the region's answer then gives that aspect. After an answer that
            # offered no regions, or that answered with a service ("first") and listed the regions' own after it, it
            # is the answered service's follow-up (assistant.dialogue.service_followup; s39 probe: "서류는요?" after
            # 건강보험 임신·출산 진료비 with 경기도's and 창원시's listed got "찾지 못했어요")
            message = tracker.latest_message
            context.region_aspect = ((message.text if message else "") or "").strip()
            return Prediction("action_answer_from_knowledge", self.name, 1.0)
        if pending.get("regions") and not pending.get("first") and self._asked_region(tracker) \
                and self._states_facts_only(tracker, context):
            # "저 27살이에요 혼자살아요" to "어느 지역(시·군·구)에 사세요?": facts about the person, no place (s39 probe:
            # "알겠어요. 어떤 점을 도와드릴까요?", the question lost); they are joined to the question, asked again
            message = tracker.latest_message
            context.region_aspect = ((message.text if message else "") or "").strip()
            return Prediction("action_answer_from_knowledge", self.name, 1.0)
        message = tracker.latest_message
        if message is not None and pending.get("regions") and self._asked_region(tracker) \
                and asks_other_regions(message.text or ""):
            # "다른 지역은요?" to "어느 지역(시·군·구)에 사세요?" (s50 probe: "찾지 못했어요"): the question is asked again,
            # with the regions the documents have; a place said next that has none is told so (OTHER_REGION_RESPONSE)
            context.region_aspect = ""
            return Prediction("action_answer_from_knowledge", self.name, 1.0)
        intent = (tracker.latest_message.intent or {}) if tracker.latest_message is not None else {}
        confidence = float(intent.get("confidence") or 0.0)
        if intent.get("name") == "affirm" and confidence >= context.settings.intent_threshold \
                and pending.get("regions") and self._asked_region(tracker):
            # "네" to "어느 지역(시·군·구)에 사세요?" says no place: the question is asked again, not dropped with
            # "nothing is waiting for a confirmation" (s36 second probe)
            context.region_aspect = ""
            return Prediction("action_answer_from_knowledge", self.name, confidence)
        if intent.get("name") == "cancel" and confidence >= context.settings.intent_threshold and pending.get("regions") \
                and context.has_response(DROPPED_RESPONSE):
            # only a region question asked can be dropped: after an answer that asked none, "그거 얼마에요" (cancel 0.36)
            # was told "사시는 지역은 묻지 않을게요" (s41 probe)
            return Prediction(DROPPED_RESPONSE, self.name, confidence)
        return None
