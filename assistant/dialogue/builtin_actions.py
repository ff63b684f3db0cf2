"""The built-in actions (Rasa's default actions plus ours).

Rasa's: ``action_restart`` (``utter_restart`` if defined, then ``restart``),
``action_session_start`` (``session_started`` + carried-over slots +
``action_listen``), ``action_two_stage_fallback`` (the affirm / rephrase loop), ``action_default_fallback`` (``utter_default``, else ``utter_ask_rephrase``; unlike
Rasa we keep the user message instead of reverting it, so the transcript shows
what was not understood), ``action_deactivate_loop``.

Ours: ``action_answer_from_knowledge`` (retrieval + answer composer; the
message keeps ``custom.citations`` and ``custom.abstained``),
``action_handoff`` (``utter_handoff``, ``handoff`` + ``pause`` events, the
masked transcript delivered to the handoff sink), ``action_repeat`` (the bot's
messages of the previous turn again), ``action_clarify`` (buttons for the two
closest intents), ``action_confirm_side_effect`` and ``action_side_effect_declined``
(:mod:`assistant.dialogue.side_effects`).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from assistant.dialogue.actions import ActionListen, ActionRegistry, TurnContext
from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    HandoffRequested,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
    UserUtteranceReverted,
)
from assistant.dialogue.handoff import (
    ENDED,
    ENDED_RESPONSE,
    STILL_WAITING,
    STILL_WAITING_RESPONSE,
    WAITING_RESPONSE,
    FileHandoffQueue,
    agent_joined,
    ends_wait,
    handoff_record,
    message_record,
    since_handoff,
    waiting_text,
)
from assistant.dialogue.rules import NLU_FALLBACK, REPEAT_ACTION
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import AssistantError
from assistant.knowledge.composer import Answer, missing_note
from assistant.nlu.domain import Domain
from assistant.regions import place_for_language, places_for_language

logger = logging.getLogger(__name__)

#: Intents whose questions are answered from documents.
KNOWLEDGE_INTENTS = frozenset({"ask_service_info", "check_eligibility", "apply_service"})
REQUESTED_SLOT = "requested_slot"


def top_intent(tracker: DialogueStateTracker) -> tuple[str | None, float]:
    """The latest message's top intent and its confidence (``(None, 0.0)`` when there is none)."""
    intent = tracker.latest_message.intent if tracker.latest_message else {}
    name = intent.get("name")
    return (name if isinstance(name, str) and name else None), float(intent.get("confidence") or 0.0)


def intent_probability(tracker: DialogueStateTracker, name: str) -> float:
    """The latest message's probability for intent ``name`` (0 when not ranked)."""
    data = tracker.latest_message.parse_data if tracker.latest_message else {}
    for r in data.get("intent_ranking") or []:
        if isinstance(r, dict) and r.get("name") == name:
            return float(r.get("confidence") or 0.0)
    return 0.0


#: The reply when the documents answer no question about a kind of help that the eligibility check could still answer
#: ("애 키우는데 받을 수 있는 거 있어요?" with no document the gate trusts): says so and offers the check.
OFFER_CHECK_RESPONSE = "utter_no_answer_offer_check"


class ActionAnswerFromKnowledge:
    """Answer the latest message from documents, or abstain.

    Abstaining sends ``utter_no_answer`` when the intent was a confident
    knowledge question, else ``utter_out_of_scope`` (the first router's rule); a confident question whose answer would
    have offered the eligibility check (``offer_check``: check_eligibility about a kind of help) gets
    :data:`OFFER_CHECK_RESPONSE` with the check's button instead of the dead end.
    """

    name = "action_answer_from_knowledge"

    def __init__(self, offer_check: Callable[[DialogueStateTracker, TurnContext], bool] | None = None) -> None:
        #: when it holds for a turn, the answer carries a button that starts the eligibility check
        #: (``/check_eligibility``, titled by ``utter_clarify_check_eligibility``)
        self.offer_check = offer_check

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event: the answer with citations, the question where the citizen lives (regional variants of
        one programme, :mod:`assistant.dialogue.regional`), or the abstaining response; and the region slots. To a
        message that tells of a death (:func:`tells_a_death`), whatever the reply, condolences first
        (:data:`CONDOLENCES_RESPONSE`)."""
        events = self._reply(tracker, domain, context)
        text = (tracker.latest_message.text if tracker.latest_message else None) or ""
        if tells_a_death(text) and context.has_response(CONDOLENCES_RESPONSE):
            said = context.utter(tracker, CONDOLENCES_RESPONSE).text
            events = [dataclasses.replace(e, text=f"{said}\n{e.text}") if isinstance(e, BotUttered) and e.text else e
                      for e in events]
        return events

    def _reply(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        from assistant.dialogue import regional
        from assistant.knowledge.age_rule import stated_age

        events: list[Event] = []
        elsewhere = ""  # said first when another page answers what the page answered does not speak of
        pending = regional.pending_question(tracker)
        where = regional.answered_region(tracker, context, pending) if pending is not None else None
        if tracker.get_slot(regional.PENDING_SLOT) is not None:
            events.append(SlotSet(regional.PENDING_SLOT, None))
        if pending is not None and where is None and context.region_aspect is not None:
            # "구비서류는요?" at that question: the same question about the same regions, the aspect joined to it
            # (retrieved for the pending question alone, which gave these regions; the aspect picks the section later);
            # "" (a yes that names no place): the same question asked again
            again = context.answer(str(pending["query"]), 0.0, earlier=True)
            if again is not None and not again.abstained and again.regions and context.has_response(regional.ASK_RESPONSE):
                query = f"{pending['query']} {context.region_aspect}".strip()
                # an age said instead of the place is kept (and judged with the region's answer): said so before the
                # question is asked again (s47: "저 41살이에요" got the same question, as if unheard)
                age = stated_age(context.region_aspect)
                if age is not None and (nowhere := _age_fits_no_region(tracker, context, again, age)) is not None:
                    # no region's version takes that age: said now, the region no longer asked (s47 note)
                    return [*events, nowhere]
                kept_age = [context.utter(tracker, "utter_kept_age", value=age)] \
                    if age is not None and context.has_response("utter_kept_age") else []
                return [*events, SlotSet(regional.PENDING_SLOT, {"query": query, "regions": [r for r, _c in again.regions]}),
                        *kept_age, self._ask_region(tracker, context, again, query)]
        if pending is not None and where is not None:  # the reply to "어느 지역에 사세요?": the question, for there
            message = tracker.latest_message
            # a place asked about ("그럼 수원은 뭐 있어요") is answered for, but not kept as where the citizen lives
            asked_place = message is not None and not any(e.get("entity") == regional.REGION_ENTITY for e in message.entities) \
                and regional.asks_about_place(message.text or "")
            conditions = {"place_asked": True} if asked_place else None
            if not asked_place:
                events.append(SlotSet(regional.REGION_SLOT, where))
            # the question answered is the pending one: a later "English please" answers it again (custom.query)
            asked = regional.question_for_region(tracker, pending)
            # written in the language the citizen asked for while the region question waited ("Can you tell me in
            # English?" before "I live in Anyang": assistant.dialogue.language_switch), else as the question was asked
            context.answer_language = context.answer_language or pending.get("language") or None
            answer = context.answer(asked, 0.0, region=where, earlier=True)
            same = regional.same_answer(pending, answer, where) if answer is not None else None
            if same is not None and same[1] == regional.SAME_ANSWER_RESPONSE and context.has_response(regional.LOCAL_TOO_RESPONSE) \
                    and (local := regional.local_version(context, asked, where, same[0].url)) is not None:
                # a national service again, but the region runs a programme of its own for the question (s42 probe:
                # "출산하면 뭐 받아요?" then "수원이요" was told 수원시 runs no version of 임신·출산 진료비, never that
                # 경기도 pays 산후조리비): the national one named, then the region's answered
                found = context.answer(local, 0.0, region=where, earlier=True)
                if found is not None and not found.abstained and found.citations and found.citations[0].title == local:
                    lead = same[0]
                    intro = context.utter(tracker, regional.LOCAL_TOO_RESPONSE, conditions=conditions,
                                          region=place_for_language(where, context.language),
                                          programme=lead.title, local=local)
                    custom = {"citations": [c.__dict__ for c in found.citations] + [lead.__dict__], "abstained": False,
                              "language": context.language, "response": regional.LOCAL_TOO_RESPONSE, "query": asked}
                    return [*events, BotUttered(f"{intro.text}\n\n{found.text}", {"custom": custom})]
            if same is not None and context.has_response(same[1]):
                # the document that answered leads again: what it means for that place, not all of it again
                lead, response = same
                return [*events, context.utter(tracker, response, conditions=conditions, custom={
                    "citations": [lead.__dict__], "abstained": False, "language": context.language,
                    "response": response, "query": asked},
                    region=place_for_language(where, context.language), programme=lead.title,
                    agency=place_for_language(lead.agency, context.language))]
        else:
            if pending is None and (kept := self._residence_only(tracker, context)) is not None:
                return [*events, *kept]
            text = context.named_title or context.query or (tracker.latest_message.text if tracker.latest_message else None) or ""
            region = regional.known_region(tracker)
            if region is None and context.about_service:
                # a follow-up about a local programme answered ("저 41살인데 가능?" after 옥천군's 청년 월세 지원: s42
                # probe, the region was asked again between the two towns' programmes): that programme's own place
                region = _answered_programme_region(tracker, context.about_service)
            if region is None and says_residence(text) and not context.named_title:
                region = regional.region_entity(tracker)  # "… 마포구 월드컵북로 400 살고 있어요 청년월세 돼요?"
                if region is not None:
                    events.append(SlotSet(regional.REGION_SLOT, region))
            # a title, a follow-up's service or an earlier question answered again in another language (answer_language)
            # is no reading of this message: its out_of_scope probability and its embedding are not the query's
            other_text = bool(context.named_title or context.about_service or context.answer_language or context.restated
                              or context.other_than)
            p_oos = 0.0 if other_text else intent_probability(tracker, "out_of_scope")
            asked = text
            answer = _fact_lines(context) or context.answer(text, p_oos, region=region, earlier=other_text)
            if (answer is None or answer.abstained) and context.about_facts is None and not (
                    context.named_title or context.about_service or context.answer_language or context.other_than):
                said = (tracker.latest_message.text if tracker.latest_message else None) or ""
                # a statement as said, when the question it implies finds nothing ("엄마가 돌아가셨는데 은행 계좌를
                # 몰라요": its page is about the event told, AnswerComposer.about_told_event), then the need said
                # after a fact or an event
                for later in [*([said] if context.restated and said.strip() and said != text else []),
                              *_later_needs(said if context.restated else text, context)]:
                    again = context.answer(later, p_oos, region=region, earlier=True)
                    if again is not None and not again.abstained:
                        answer, asked = again, later
                        break
            # a page that shuts out the child the page answered is for is no answer to a follow-up about that child
            # ("언어치료도 돼요?" after 장애아가족 양육 지원: s46 probe, 언어발달지원, for non-disabled children)
            shut = _shut_out(context, answer)
            if shut is not None:
                answer = None
            if (answer is None or answer.abstained) and context.unmentioned is not None:
                # what the page answered does not speak of ("교육도 받아야 돼요?" after 운전면허 적성검사 간소화 for "75세
                # 아버지 운전면허 갱신 어떻게 해요?": s40 probe, "'교육'에 관한 조건은 따로 찾지 못했어요"): the question
                # before it, with it, may find the page that does (고령운전자 교통안전교육)
                joined = _with_previous_question(tracker, context)
                if joined is not None and (other := _shut_out(context, joined[0])) is not None:
                    shut, joined = shut or other, None
                if joined is not None:
                    answer, asked, elsewhere = joined
            if (answer is None or answer.abstained) and (unmentioned := _unmentioned(context)) is not None:
                answer = unmentioned
                composer = getattr(context.knowledge, "composer", None)
                if shut is not None and composer is not None:
                    note = composer.shut_out_note(*shut, context.answer_language or context.language)
                    answer = dataclasses.replace(answer, text=f"{answer.text}\n\n{note}" if note else answer.text)
            if answer is not None and not answer.abstained and answer.regions and region is None \
                    and (age := stated_age(text)) is not None \
                    and (nowhere := _age_fits_no_region(tracker, context, answer, age)) is not None:
                # "41살인데 청년 월세 지원 받을 수 있나요?": no region's version takes that age, so where the citizen
                # lives does not matter (was: the region asked, then the age judged against that region's)
                return [*events, nowhere]
            if answer is not None and not answer.abstained and answer.regions and region is None \
                    and context.has_response(regional.ASK_RESPONSE):
                waiting = {"query": text, "regions": [r for r, _c in answer.regions]}
                if context.answer_language:
                    waiting["language"] = context.answer_language
                return [*events, SlotSet(regional.PENDING_SLOT, waiting), self._ask_region(tracker, context, answer, text)]
        if answer is not None and not answer.abstained:
            custom = {"citations": [c.__dict__ for c in answer.citations], "abstained": False, "language": context.language,
                      "response": self.name, "query": asked}
            if context.others is not None:  # another service than those set aside: "또 있어요?" next sets it aside too
                from assistant.dialogue.other_services import OTHERS_OF

                custom[OTHERS_OF] = {**context.others._asdict(), "set_aside": list(context.others.set_aside)}
            data: dict[str, Any] = {"custom": custom}
            if answer.region and regional.known_region(tracker) is None and says_residence(asked):
                # the question named where the citizen lives ("… 저 옥천 살아요"): kept, so that "서류는요?" next is
                # answered for it, not asked the region again (s34 fresh-user probe)
                events.append(SlotSet(regional.REGION_SLOT, answer.region))
            if (regional.known_region(tracker) is None or _district_asked(tracker, answer)) and where is None:
                # a place said next is where the citizen lives, and the question is answered for it: after other
                # places' services listed for their residents ("창원이요" after them was "어떤 점을 도와드릴까요?",
                # s34), and after any answer (s35: "서울 강남구에 살아요" after the national 난임부부 시술비 지원
                # got the same reply, never 서울시's own programme); ``first`` is the document answered with
                if answer.listed_regions:
                    custom["regions"] = list(answer.listed_regions)
                events.append(SlotSet(regional.PENDING_SLOT, {
                    "query": asked, "regions": list(answer.listed_regions),
                    **({"first": answer.citations[0].url} if answer.citations else {}),
                    **({"language": context.answer_language} if context.answer_language else {})}))
            text = answer.text
            if (judged := _age_judgement(tracker, context, answer, asked if where is not None else None)) is not None:
                text = with_age_verdict(text, judged[0])
                custom["age_fits"] = judged[1]
            if elsewhere:  # before the age's verdict, which is about the other page
                text = f"{elsewhere}\n\n{text}"
            composer = getattr(context.knowledge, "composer", None)
            if context.silent_on is not None and composer is not None and hasattr(composer, "silent_note") \
                    and answer.citations and answer.citations[0].doc_id == context.silent_on[0]:
                note = composer.silent_note(context.silent_on[0], context.silent_on[1], answer.language)
                text = f"{note}\n\n{text}" if note else text
            if self.offer_check is not None and context.has_response("utter_clarify_check_eligibility") \
                    and self.offer_check(tracker, context):
                title = context.utter(tracker, "utter_clarify_check_eligibility").text or "check_eligibility"
                data["buttons"] = [{"title": title, "payload": "/check_eligibility"}]
                custom["offers"] = ["check_eligibility"]
            return [*events, BotUttered(text, data)]
        missing = _named_missing(tracker, context)
        if missing is not None:
            return [*events, missing]
        if context.other_than and context.has_response("utter_no_other_service"):
            # "다른 건요?" after a service was answered: no other service like it (not "try the service's name")
            return [*events, context.utter(tracker, "utter_no_other_service", service_name=context.other_than[0])]
        said = (tracker.latest_message.text if tracker.latest_message else None) or ""
        asks_filing = getattr(getattr(context.knowledge, "composer", None), "asks_filing", None)
        if context.restated and context.has_response("utter_how_can_i_help") and not _HELP_NOUN.search(said) \
                and not (asks_filing is not None and asks_filing(said, context.language)):
            # a statement read as the question it implies ("다음주에 부산으로 이사 가요") that the documents do not
            # answer: the offer of help it got before, not "찾지 못했어요" to a question the citizen never asked. One
            # that names a service or help it wants ("혼자 사는 노인 돌봄 서비스", s51 probe: "알겠어요. 어떤 점을
            # 도와드릴까요?") or a civil filing it has to do ("이사 왔는데 전입신고 해야 해요", s55 probe) asked about
            # it: the documents lack it (below)
            return [*events, context.utter(tracker, "utter_how_can_i_help")]
        intent, conf = top_intent(tracker)
        confident = (intent in KNOWLEDGE_INTENTS and conf >= context.settings.intent_threshold) or context.fact_question
        if confident and self.offer_check is not None and context.has_response(OFFER_CHECK_RESPONSE) \
                and context.has_response("utter_clarify_check_eligibility") and self.offer_check(tracker, context):
            # "애 키우는데 받을 수 있는 거 있어요?": a kind of help the route left to the documents (s14); when none
            # answers, the eligibility check still can: offered, not a dead end
            return [*events, self._offer_check(tracker, context)]
        name = "utter_no_answer" if confident else "utter_out_of_scope"
        if not context.has_response(name):  # a domain without our responses (a peer Rasa project)
            return [*events, *ActionDefaultFallback().run(tracker, domain, context)]
        return [*events, context.utter(tracker, name)]

    @staticmethod
    def _residence_only(tracker: DialogueStateTracker, context: TurnContext) -> list[Event] | None:
        """The place kept and help offered for a message that only says where the citizen lives ("충청도 대전이유",
        "저 수원 살아요": :func:`~assistant.dialogue.regional.residence_statement`), when no question waits for a region
        and the message is no follow-up of a service; None otherwise. It was searched for as a question: "충청도
        대전이유" was answered with another region's 청년 월세 지원 as a related service (s43 probe)."""
        from assistant.dialogue import regional

        message = tracker.latest_message
        tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
        if message is None or tokenizer is None or context.named_title or context.about_service or context.answer_language \
                or not context.has_response(regional.KEPT_RESPONSE) or not context.has_response("utter_how_can_i_help"):
            return None
        place = regional.residence_statement(message.text or "", tokenizer)
        if place is None:
            return None
        kept = context.utter(tracker, regional.KEPT_RESPONSE, value=place_for_language(place, context.language))
        if (other := _applied_elsewhere(tracker, context, place)) is not None:
            return [SlotSet(regional.REGION_SLOT, place), kept, *other]
        return [SlotSet(regional.REGION_SLOT, place), kept, context.utter(tracker, "utter_how_can_i_help")]

    @staticmethod
    def _offer_check(tracker: DialogueStateTracker, context: TurnContext) -> BotUttered:
        """:data:`OFFER_CHECK_RESPONSE` with the button that starts the eligibility check (``/check_eligibility``,
        titled by ``utter_clarify_check_eligibility``); ``custom.abstained`` stays True (no document answered)."""
        title = context.utter(tracker, "utter_clarify_check_eligibility").text or "check_eligibility"
        said = context.utter(tracker, OFFER_CHECK_RESPONSE, custom={"offers": ["check_eligibility"]})
        return BotUttered(said.text, {**said.data, "buttons": [{"title": title, "payload": "/check_eligibility"}]})

    @staticmethod
    def _ask_region(tracker: DialogueStateTracker, context: TurnContext, answer: Answer, query: str) -> BotUttered:
        """``utter_ask_programme_region`` with one button per region (citing each region's programme); in English the
        regions are named in English (the button's payload keeps the Korean label, the value). ``query``: the
        question waiting for the region (``custom.query``)."""
        from assistant.dialogue import regional

        labels = [r for r, _c in answer.regions]
        shown = [place_for_language(label, context.language) for label in labels]  # "Anyang-si, Gyeonggi-do" in English
        custom = {"citations": [c.__dict__ for _r, c in answer.regions], "abstained": False, "language": context.language,
                  "regions": labels, "query": query}
        asked = context.utter(tracker, regional.ASK_RESPONSE, custom=custom, programme=answer.programme,
                              regions=places_for_language(labels, context.language))
        composer = getattr(context.knowledge, "composer", None)
        if composer is not None and (missing := composer.missing_service(query)) is not None:
            # the benefit asked about is not in the documents and the regions' programmes are related to it
            # ("국가장학금 받을 수 있나요?" among two local scholarships, s49 probe): said before the region is asked
            asked = BotUttered(f"{missing_note(missing, context.answer_language or context.language)}\n{asked.text}", asked.data)
        buttons = [{"title": title, "payload": "/inform" + json.dumps({regional.REGION_ENTITY: label}, ensure_ascii=False)}
                   for label, title in zip(labels, shown, strict=True)]
        return BotUttered(asked.text, {**asked.data, "buttons": buttons})


#: Said after the waiting message when the citizen asks to be called back while waiting for an agent, by language.
NO_CALL_WHILE_WAITING = {
    "ko": "상담원은 전화가 아니라 이 대화창에서 답해 드려요. 전화 상담은 정부민원안내콜센터(국번 없이 110)로 걸어 주세요.",
    "en": "The agent will answer here in the chat, not by phone. To talk on the phone, call the Government Call Center on 110.",
}


#: Words that say where the speaker lives or moves to ("저 옥천 살아요", "이사왔는데 옥천으로요", "I live in Anyang"): a
#: place in a question with one of them is where the citizen lives; "서울에 에너지바우처 있나요?" only asks about 서울.


def _applied_elsewhere(tracker: DialogueStateTracker, context: TurnContext, place: str) -> list[Event] | None:
    """The waiting application dropped and the task connector's ``OTHER_REGION_RESPONSE`` said, when an application waits for its yes (its ``PENDING_SLOT``) for
    a local government's service that does not serve ``place``, where the citizen just said they live
    (:func:`~assistant.knowledge.region_preference.lives_elsewhere`); else None. s44 probe: "서울 관악구요" after
    옥천군's 청년 월세 checklist was offered help while the application still waited for a yes."""
    from assistant.dialogue.confirmation import CLOSES_QUESTION
    from assistant.knowledge.region_preference import lives_elsewhere, service_place
    from connectors.tasks.actions import OTHER_REGION_RESPONSE, PENDING_SLOT

    pending = tracker.get_slot(PENDING_SLOT)
    if not context.has_response(OTHER_REGION_RESPONSE):
        return None
    if not isinstance(pending, dict) or pending.get("kind") != "apply":
        return _chose_elsewhere(tracker, context, place)
    index = getattr(getattr(context.knowledge, "composer", None), "index", None)
    doc = index.docs.get(str(pending.get("service_id") or "")) if index is not None else None
    agency = str(pending.get("agency") or getattr(doc, "agency", "") or "")
    if lives_elsewhere(agency, {"region": place}) is None:
        return None
    said = context.utter(tracker, OTHER_REGION_RESPONSE, custom={CLOSES_QUESTION: True},
                         service_name=str(pending.get("service_name") or getattr(doc, "title", "")),
                         place=place_for_language(service_place(agency), context.language),
                         region=place_for_language(place, context.language))
    return [SlotSet(PENDING_SLOT, None), said]


def _district_asked(tracker: DialogueStateTracker, answer: Any) -> bool:
    """Whether ``answer`` lists 시·군·구 programmes inside the 시·도 the conversation knows as where the citizen lives, and
    no 시·군·구 of it is known: the answer asks which one (:func:`~assistant.knowledge.composer.inside_then_national_text`),
    and the one said next answers the question again for it."""
    from assistant.dialogue import regional
    from assistant.regions import read_place

    known = regional.known_region(tracker)
    area = read_place(known) if known else None
    listed = [read_place(r) for r in answer.listed_regions]
    return area is not None and area.sigungu is None and bool(listed) \
        and all(a is not None and a.sido == area.sido and a.sigungu for a in listed)


def _chose_elsewhere(tracker: DialogueStateTracker, context: TurnContext, place: str) -> list[Event] | None:
    """The task connector's ``OTHER_REGION_RESPONSE`` for every body offered (five places named, then how many more),
    when the question just asked was which of the services of one name the citizen means, or where they live
    (``CHOOSE_PLACE_RESPONSE`` / ``ASK_PLACE_RESPONSE``, the services in its ``custom``) and the place the citizen
    says they live in is served by none of them; the choice among those it serves (``ASK_SERVICE_RESPONSE``) when
    several do; else None (a place one of them serves chose it: :mod:`~assistant.dialogue.typed_buttons`)."""
    from assistant.dialogue.confirmation import CLOSES_QUESTION, previous_bot
    from assistant.knowledge.region_preference import lives_elsewhere, service_place
    from connectors.tasks.actions import (
        ASK_SERVICE_RESPONSE,
        MAX_BUTTONS,
        OTHER_REGION_RESPONSE,
        apply_button,
        listed_places,
        offered_services,
    )

    bot = previous_bot(tracker)
    offered = offered_services(bot.data.get("custom") or {}) if bot is not None else []
    served = [s for s in offered if lives_elsewhere(s.agency, {"region": place}) is None]
    if len(served) > 1 and context.has_response(ASK_SERVICE_RESPONSE):
        # several serve it (a 시·도 said where its 시·군·구 run their own): those to choose from
        said = context.utter(tracker, ASK_SERVICE_RESPONSE, example="")
        return [BotUttered(said.text, {**said.data, "buttons": [apply_button(s) for s in served[:MAX_BUTTONS]]})]
    if not offered or served:
        return None
    places = listed_places(list(dict.fromkeys(service_place(s.agency) for s in offered)), context.language)
    name = str((bot.data.get("custom") or {}).get("service_name") or offered[0].name) if bot is not None else offered[0].name
    said = context.utter(tracker, OTHER_REGION_RESPONSE, custom={CLOSES_QUESTION: True}, service_name=name,
                         place=places, region=place_for_language(place, context.language))
    return [said]


def _answered_programme_region(tracker: DialogueStateTracker, title: str) -> str | None:
    """The place of the local programme titled ``title`` among the services last answered (its agency's region,
    :func:`~assistant.regions.agency_regions`: "충청북도 옥천군"), or None (a national one, or none answered)."""
    from assistant.dialogue.service_followup import last_answered_citations
    from assistant.regions import agency_regions

    for c in last_answered_citations(tracker):
        if str(c.get("title") or "") == title:
            parts = agency_regions(str(c.get("agency") or ""))
            return " ".join(parts) or None
    return None


def says_residence(text: str) -> bool:
    """Whether ``text`` says where the speaker lives (:data:`assistant.dialogue.regional.RESIDENCE`).

    >>> says_residence("청년 월세 지원 신청 하고싶은데 저 옥천 살아요"), says_residence("서울에 에너지바우처 있나요?")
    (True, False)
    """
    from assistant.dialogue.regional import RESIDENCE

    return bool(RESIDENCE.search(text or ""))


#: said before the answer to a message that tells of a death ("아버지가 돌아가셨어요": :func:`tells_a_death`)
CONDOLENCES_RESPONSE = "utter_condolences"
#: A death told as having happened: "돌아가셨어요", "사망했어요", "별세하셨는데", "세상을 떠나셨어요", "passed away", "died";
#: "부모님 돌아가시면 …" (if they die) and "사망자 재산 조회" tell none.
_DEATH_TOLD = re.compile(r"돌아가셨|돌아가신\s*지|사망했|사망하셨|별세|세상을\s*떠나|떠나셨|\bpassed\s+away\b|\bdied\b"
                         r"|\blost\s+(?:my|our)\s+(?:father|mother|dad|mom|mum|husband|wife|son|daughter|parents?|grand\w+)\b",
                         re.I)


def tells_a_death(text: str) -> bool:
    """Whether ``text`` tells of a death that happened (:data:`_DEATH_TOLD`).

    >>> tells_a_death("아버지가 돌아가셨어요"), tells_a_death("My mother passed away"), tells_a_death("부모님 돌아가시면 재산 조회는?")
    (True, True, False)
    """
    return bool(_DEATH_TOLD.search(text or ""))


#: said before an answer when the message states an age that the service's age rule admits / does not admit
#: (``{age}``, ``{service}``: its title, ``{rule}``: :meth:`~assistant.knowledge.age_rule.AgeRule.describe`)
AGE_FITS_RESPONSE = "utter_age_fits"
AGE_DOES_NOT_FIT_RESPONSE = "utter_age_does_not_fit"


#: The composer's note that a service named is not in the documents, first line of its answer
#: (:meth:`~assistant.knowledge.composer.AnswerComposer.answer`).
_MISSING_NOTE = re.compile(r"서비스는 제가 가진 자료에 없어요|^I have no service called")


def with_age_verdict(text: str, verdict: str) -> str:
    r"""``text`` (an answer) with the age's ``verdict`` said first, or right after the note that the benefit named is
    not in the documents (:data:`_MISSING_NOTE`; s42 probe: "기초연금 얼마 받을수있어요 저 66세 혼자살아요" opened
    with 66 fitting 폐렴구균 접종, the related page, before saying 기초연금 is not there).

    >>> with_age_verdict("A 안내예요.", "66세는 맞아요.")
    '66세는 맞아요.\nA 안내예요.'
    >>> with_age_verdict("'기초연금' 서비스는 제가 가진 자료에 없어요. 관련된 서비스를 안내해 드릴게요.\nA 안내예요.", "66세는 맞아요.")
    "'기초연금' 서비스는 제가 가진 자료에 없어요. 관련된 서비스를 안내해 드릴게요.\n66세는 맞아요.\nA 안내예요."
    """
    first, _, rest = text.partition("\n")
    return f"{first}\n{verdict}\n{rest}" if _MISSING_NOTE.search(first) else f"{verdict}\n{text}"


def _age_judgement(tracker: DialogueStateTracker, context: TurnContext, answer: Any,
                   pending: str | None = None) -> tuple[str, bool] | None:
    """``(the sentence, whether it fits)`` that says whether the age the latest message states ("저 41살이에요",
    "I'm 41"), or the message before when the latest leans on it ("그럼 기차 할인은?"), or the question that waited for
    the region the latest message gives (``pending``, with what was said at the region question joined to it: s47,
    "청년농업인 영농정착지원 알려줘", "저 41살이에요", "경남이요" quoted 만 18세 이상 ～ 만 40세 미만 without the verdict),
    fits the age rule of the service answered first, or None (no age stated, no rule read:
    :mod:`assistant.knowledge.age_rule`; or the domain lacks the responses). s36 second probe: the rule was quoted
    and the citizen left to compare."""
    from assistant.dialogue.service_followup import leans_on_before
    from assistant.knowledge.age_rule import stated_age

    composer = getattr(context.knowledge, "composer", None)
    latest = (tracker.latest_message.text if tracker.latest_message else None) or ""
    age = stated_age(latest)
    if age is None and leans_on_before(latest):
        # the age said in the message before, asked on about another service ("나 62살 … 받을수있는거 있음?" then "그럼
        # 기차 할인은?": s41 probe, the rule was quoted without the verdict the same question asked at once got)
        users = [e for e in tracker.applied_events() if isinstance(e, UserUttered)]
        age = stated_age(users[-2].text or "") if len(users) >= 2 else None
    if age is None and pending:
        age = stated_age(pending)
    if age is None or composer is None or not answer.citations or not hasattr(composer, "age_rule_of"):
        return None
    rule = composer.age_rule_of(answer.citations[0].doc_id)
    if rule is None:
        return None
    fits = rule.fits(age)
    if fits is None:  # a birth-date rule the age alone does not decide (it depends on the birthday)
        return None
    name = AGE_FITS_RESPONSE if fits else AGE_DOES_NOT_FIT_RESPONSE
    if not context.has_response(name):
        return None
    said = context.utter(tracker, name, age=age, service=answer.citations[0].title, rule=rule.describe(context.language))
    return (said.text or ""), bool(fits)


#: Said when an age is stated for a programme that several regions run and no region's version takes that age
#: (:func:`_age_fits_no_region`): ``{age}``, ``{programme}``, ``{rules}`` (each region with its rule).
AGE_FITS_NO_REGION_RESPONSE = "utter_age_fits_no_region"


def _age_fits_no_region(tracker: DialogueStateTracker, context: TurnContext, answer: Any, age: int) -> BotUttered | None:
    """:data:`AGE_FITS_NO_REGION_RESPONSE` when ``answer`` would ask where the citizen lives (``answer.regions``: each
    region's version of one programme, ``(region, citation)``) and the age rule of every version
    (:meth:`~assistant.knowledge.composer.AnswerComposer.age_rule_of`) says ``age`` (years) is outside it; None when a
    version has no rule, its rule does not decide (a birth date), one takes the age, or the domain lacks the response.
    Each version is cited."""
    from assistant.knowledge.age_rule import AgeRule

    composer = getattr(context.knowledge, "composer", None)
    if composer is None or not hasattr(composer, "age_rule_of") or not answer.regions \
            or not context.has_response(AGE_FITS_NO_REGION_RESPONSE):
        return None
    rules = []
    for region, citation in answer.regions:
        rule = composer.age_rule_of(citation.doc_id)
        if not isinstance(rule, AgeRule) or rule.fits(age) is not False:
            return None
        rules.append(f"{place_for_language(region, context.language)}: {rule.describe(context.language)}")
    custom = {"citations": [c.__dict__ for _r, c in answer.regions], "abstained": False, "language": context.language,
              "response": AGE_FITS_NO_REGION_RESPONSE, "age_fits": False}
    return context.utter(tracker, AGE_FITS_NO_REGION_RESPONSE, custom=custom, age=age, programme=answer.programme,
                         rules="; ".join(rules))


#: A list of at most this many items is quoted whole when a question about a fact names one of them
#: (:meth:`~assistant.knowledge.composer.AnswerComposer.lines_answer`).
WHOLE_LIST_ITEMS = 5


#: The end of an English sentence: a full stop, question or exclamation mark before a space.
_EN_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def _later_needs(text: str, context: TurnContext) -> list[str]:
    """:func:`~assistant.dialogue.fact_question.later_sentences` of a Korean ``text``, each statement among them as
    the question it implies (:func:`~assistant.dialogue.fact_question.implied_question`: "애들 학비가 걱정이에요");
    in English, of two sentences or more, each that asks something ("Can I get help with childcare? Both of us
    work.": the whole scored 0.35 by the gate, its question 0.79, s38 probe); ``[]`` without the composer's
    tokenizer."""
    from assistant.dialogue.fact_question import asks_or_requests, implied_question, later_sentences
    from assistant.dialogue.plea import only_plea

    if context.language == "en":
        sentences = [part for part in _EN_SENTENCE_END.split(text.strip()) if part.strip()]
        return [part for part in sentences if asks_or_requests(part)] if len(sentences) > 1 else []
    tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
    if tokenizer is None or context.language != "ko":
        return []
    # a plea alone after the event ("전세 사기 당했어요 도와주세요") asks nothing of its own: restated as "도와주세요.
    # 받을 수 있는 지원이 있나요?" it found 장애아가족 양육 지원 (s50 probe)
    return [s if asks_or_requests(s) else implied_question(s, "ko") for s in later_sentences(text, tokenizer)
            if not only_plea(s, tokenizer)]


def _fact_lines(context: TurnContext) -> Any:
    """The answer that quotes what the service just answered says of the facts the latest message states
    (``context.about_facts``, set by :class:`~assistant.dialogue.service_followup.ServiceFollowUpPolicy`:
    :meth:`~assistant.knowledge.composer.AnswerComposer.lines_answer`), in the language answered in; None when there
    are none, or no line of the page speaks of them."""
    composer = getattr(context.knowledge, "composer", None)
    if context.about_facts is None or composer is None or not hasattr(composer, "lines_answer"):
        return None
    from assistant.dialogue.service_followup import CHILD_DISABILITY_WAYS

    doc_id, facts, asked = context.about_facts
    # a question ("주말에도 돼요?") brings a short list whole: the items that do not name it answer it too; a child's
    # disability lists the services titled for it (장애아가족 양육 지원) after the lines
    titled = CHILD_DISABILITY_WAYS if any(ways == CHILD_DISABILITY_WAYS for _w, ways in facts) else ()
    return composer.lines_answer(doc_id, facts, context.answer_language or context.language,
                                 whole_lists=WHOLE_LIST_ITEMS if asked else 0, titled=titled)


#: How many hits of the previous question joined to a follow-up are looked at for a page that speaks of what the
#: answered page does not (:func:`_with_previous_question`).
UNMENTIONED_TOP = 3


def _with_previous_question(tracker: DialogueStateTracker, context: TurnContext) -> tuple[Any, str, str] | None:
    """``(answer, query, note)`` about another page, when the latest message speaks of what the page just answered does
    not (``context.unmentioned``) and not of the speaker (``note``, said first: that the page answered does not speak of
    it, :meth:`~assistant.knowledge.composer.AnswerComposer.elsewhere_note`): the previous turn's question joined to
    the message is retrieved, and the first of its :data:`UNMENTIONED_TOP` hits other than that page whose text holds
    what the message said (its words, or the catalogue's words for them) is answered for the message; else None."""
    from assistant.dialogue import regional
    from assistant.dialogue.language_switch import previous_question
    from assistant.dialogue.service_followup import speaks_of_oneself

    composer = getattr(context.knowledge, "composer", None)
    before = previous_question(tracker)
    said = (tracker.latest_message.text if tracker.latest_message else None) or ""
    # "저 직장인인데 되나요?" asks whether the page answered fits the speaker: it stays that page's question
    if context.unmentioned is None or composer is None or not before or not said.strip() or speaks_of_oneself(said):
        return None
    retriever = getattr(context.knowledge, "retriever", None)
    if retriever is None:
        return None
    from assistant.knowledge.fact_lines import squeezed
    from assistant.knowledge.glossary import default_colloquial

    doc_id, words = context.unmentioned
    catalogue = dict(default_colloquial().expand(list(words)))

    # the other page speaks of what the question before was about too (s42 probe: "주말에도 돼요?" after 아이돌봄 found
    # the rail discount, whose page says 토요일·일요일, as "a related service")
    from assistant.dialogue.service_followup import help_of_its_own

    tokenizer = getattr(composer, "tokenizer", None)
    # (a compound of four syllables or more by its first two as well: 운전면허 → 운전, on 고령운전자's page as 운전자)
    topic = [w for t in (help_of_its_own(before, [], tokenizer) if tokenizer is not None else [])
             for w in (squeezed(t), *((t[:2],) if len(t) >= 4 else ()))]

    def holds(other: str) -> bool:
        held = composer.document_text(other)
        return (all(any(squeezed(w) in held for w in (word, *catalogue.get(word, ()))) for word in words)
                and (not topic or any(t in held for t in topic)))

    hits = retriever.run(f"{before} {said}", k=UNMENTIONED_TOP).hits
    other = next((h.doc for h in hits[:UNMENTIONED_TOP] if h.doc.doc_id != doc_id and holds(h.doc.doc_id)), None)
    if other is None:
        return None
    query = f"{other.title} {said}"
    answer = context.answer(query, 0.0, region=regional.known_region(tracker), earlier=True)
    if answer is None or answer.abstained or not answer.citations or answer.citations[0].doc_id != other.doc_id:
        return None
    note = composer.elsewhere_note(doc_id, words, answer.language) if hasattr(composer, "elsewhere_note") else ""
    return answer, query, note


def _shut_out(context: TurnContext, answer: Any) -> tuple[str, str] | None:
    """``(doc_id, words)`` when ``answer`` (to a follow-up about what the page just answered does not speak of,
    ``context.unmentioned``) leads with a page whose eligibility section shuts out the children that page is for
    (:meth:`~assistant.knowledge.composer.AnswerComposer.shut_out_child`: its id, and the words that do); else None."""
    composer = getattr(context.knowledge, "composer", None)
    if context.unmentioned is None or answer is None or answer.abstained or not answer.citations or composer is None \
            or not hasattr(composer, "shut_out_child"):
        return None
    lead = answer.citations[0].doc_id
    words = composer.shut_out_child(lead, context.unmentioned[0])
    return (lead, words) if words else None


def _unmentioned(context: TurnContext) -> Any:
    """The reply that the service just answered does not speak of what the latest message said of the person
    (``context.unmentioned``, set by :class:`~assistant.dialogue.service_followup.ServiceFollowUpPolicy`), quoting who
    is eligible (:meth:`~assistant.knowledge.composer.AnswerComposer.unmentioned_answer`); None when there is none."""
    composer = getattr(context.knowledge, "composer", None)
    if context.unmentioned is None or composer is None or not hasattr(composer, "unmentioned_answer"):
        return None
    doc_id, said = context.unmentioned
    return composer.unmentioned_answer(doc_id, said, context.answer_language or context.language)


#: a noun naming a service or help wanted ("… 돌봄 서비스", "… 지원금", "support for …"): a statement with one asks about it
_HELP_NOUN = re.compile(r"서비스|지원|혜택|바우처|도움|프로그램|\b(?:service|services|support|benefit|benefits|help|programme|program)\b",
                        re.I)


def _named_missing(tracker: DialogueStateTracker, context: TurnContext) -> BotUttered | None:
    """``utter_service_not_in_documents`` for a message that is nothing but a benefit's name the documents do not
    answer ("국민내일배움카드"; :func:`assistant.dialogue.bare_title.missing_benefit_name`), or a question that names
    a benefit no document title holds under any of its glossary names ("기초연금 신청 자격이 어떻게 되나요?" where the
    documents have no 기초연금: :meth:`~assistant.knowledge.composer.AnswerComposer.missing_service`, the composer's
    own reading when it answers with a related service), when the domain has it; else None (call it only once the
    answer abstained: the citizen learns that this benefit is not covered, not only that nothing was found)."""
    from assistant.dialogue.bare_title import MISSING_RESPONSE, missing_benefit_name

    text = (tracker.latest_message.text if tracker.latest_message else None) or ""
    name = missing_benefit_name(text)
    composer = getattr(context.knowledge, "composer", None)
    if name is None and composer is not None and not context.named_title:
        name = composer.missing_service(text)
    if name is None or not context.has_response(MISSING_RESPONSE):
        return None
    return context.utter(tracker, MISSING_RESPONSE, custom={"abstained": True, "missing_service": name}, service=name)


class ActionRestart:
    """``utter_restart`` (when defined), then ``restart``; the engine then runs ``action_session_start``."""

    name = "action_restart"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The events."""
        said = [context.utter(tracker, "utter_restart")] if context.has_response("utter_restart") else []
        return [*said, Restarted()]


class ActionSessionStart:
    """``session_started``, the slots carried over (domain ``session_config``), ``action_listen``."""

    name = "action_session_start"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The events."""
        carried: list[Event] = []
        if domain.session_config.carry_over_slots_to_new_session:
            carried = [SlotSet(e.name, e.value) for e in tracker.applied_events() if isinstance(e, SlotSet)]
        return [SessionStarted(), *carried, ActionExecuted(ACTION_LISTEN_NAME)]


class ActionDefaultFallback:
    """``utter_default`` when the domain defines it (Rasa's default fallback), else ``utter_ask_rephrase``
    (ours); nothing when neither exists (Rasa's ``silent_fail``)."""

    name = "action_default_fallback"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """At most one ``bot`` event."""
        name = next((n for n in ("utter_default", "utter_ask_rephrase") if context.has_response(n)), None)
        return [context.utter(tracker, name)] if name else []


def _fallback_intent(message: UserUttered | None, threshold: float) -> str | None:
    """The message's intent as Rasa's FallbackClassifier leaves it: ``nlu_fallback`` below ``threshold``."""
    if message is None:
        return None
    name, conf = message.intent_name, float(message.intent.get("confidence") or 0.0)
    return NLU_FALLBACK if name == NLU_FALLBACK or (name and conf < threshold) else name


def _last_intents(tracker: DialogueStateTracker, n: int, threshold: float) -> list[str | None]:
    users = [e for e in tracker.applied_events() if isinstance(e, UserUttered)]
    return [_fallback_intent(u, threshold) for u in reversed(users[-n:])]


class ActionTwoStageFallback:
    """Rasa 3's ``action_two_stage_fallback`` loop (``rasa/core/actions/two_stage_fallback.py``,
    https://rasa.com/docs/rasa/fallback-handoff#two-stage-fallback).

    A message below the intent threshold (``nlu_fallback``) activates it; it asks the user to
    affirm the most likely intent (``utter_ask_affirmation`` when the domain has it, else Rasa's
    "Did you mean '<intent>'?" with Yes ``/<intent>`` and No ``/out_of_scope`` buttons). Another
    unclear message or a No asks to rephrase (``utter_ask_rephrase``); a clear intent ends the loop,
    reverts the fallback turns and replays the clarified message (``rewind``, ``action_listen``,
    the message with confidence 1) so that the policies answer it. Two unclear messages in a row,
    or No / unclear / No, give up with ``action_default_fallback``. Rasa reverts with ``rewind``
    events; we emit one per user turn of the episode so that the loop's activation is undone too.
    """

    name = "action_two_stage_fallback"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The loop's events for this step."""
        threshold = context.settings.intent_threshold
        events: list[Event] = []
        activating = tracker.active_loop_name != self.name
        if activating:
            events.append(ActiveLoop(self.name))
        last = _last_intents(tracker, 3, threshold)
        clarified = last[0] not in (NLU_FALLBACK, "out_of_scope")
        give_up = last[:2] == [NLU_FALLBACK, NLU_FALLBACK] or last == ["out_of_scope", NLU_FALLBACK, "out_of_scope"]
        if not (clarified or give_up):
            events += self._affirm(tracker, context) if activating or last[0] == NLU_FALLBACK else self._rephrase(tracker, context)
            return events
        events.append(ActiveLoop(None))
        if give_up:
            return events + ActionDefaultFallback().run(tracker, domain, context)
        message = tracker.latest_message
        assert message is not None  # clarified implies a user message
        parse = copy.deepcopy(message.parse_data)
        parse["intent"] = {**(parse.get("intent") or {}), "confidence": 1.0}
        # every user turn of the fallback episode (the unclear message, the clarification and any in between) is
        # reverted, and the clarification replayed, so that the conversation reads as if it had been clear
        reverts = [UserUtteranceReverted() for _ in range(self._episode_user_turns(tracker))]
        return [*events, *reverts, ActionExecuted(ACTION_LISTEN_NAME),
                UserUttered(message.text, parse, message.input_channel, message.message_id, metadata=dict(message.metadata or {}))]

    def _episode_user_turns(self, tracker: DialogueStateTracker) -> int:
        """User messages since (and including) the one that activated this loop."""
        applied = tracker.applied_events()
        start = next((i for i in range(len(applied) - 1, -1, -1)
                      if isinstance(applied[i], ActiveLoop) and getattr(applied[i], "name", None) == self.name), None)
        if start is None:
            return 1
        first = next((i for i in range(start, -1, -1) if isinstance(applied[i], UserUttered)), start)
        return max(1, sum(isinstance(e, UserUttered) for e in applied[first:]))

    def _affirm(self, tracker: DialogueStateTracker, context: TurnContext) -> list[Event]:
        data = tracker.latest_message.parse_data if tracker.latest_message else {}
        intent = str((data.get("intent") or {}).get("name") or "")
        ranking = [r for r in data.get("intent_ranking") or [] if isinstance(r, dict)]
        if intent == NLU_FALLBACK and len(ranking) > 1:
            intent = str(ranking[1].get("name"))
        buttons = [{"title": "Yes", "payload": f"/{intent}"}, {"title": "No", "payload": "/out_of_scope"}]
        if context.has_response("utter_ask_affirmation"):
            said = context.utter(tracker, "utter_ask_affirmation", intent=intent)
            return [BotUttered(said.text, {**said.data, "buttons": said.data.get("buttons") or buttons})]
        return [BotUttered(f"Did you mean '{intent}'?", {"buttons": buttons, "custom": {"response": "action_default_ask_affirmation",
                                                                                       "language": context.language}})]

    def _rephrase(self, tracker: DialogueStateTracker, context: TurnContext) -> list[Event]:
        return [context.utter(tracker, "utter_ask_rephrase")] if context.has_response("utter_ask_rephrase") else []


class ActionDeactivateLoop:
    """Rasa's ``action_deactivate_loop``: ``active_loop: null`` and ``requested_slot: null``."""

    name = "action_deactivate_loop"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The events (none when no form is active)."""
        return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)] if tracker.active_loop_name else []


class ActionHandoff:
    """Hand the conversation to a person and pause it.

    The masked transcript goes to ``context.handoff`` (HTTP endpoint or queue
    file); when that fails it is appended to the fallback queue and the error
    is logged with the conversation id. The conversation stays paused until a
    ``resume`` event (``POST /conversations/{id}/resume``, or the citizen's own "상담원 연결 취소": :meth:`while_paused`).
    """

    name = "action_handoff"

    def __init__(self, fallback_queue: FileHandoffQueue | None = None, reason: str = "user_request") -> None:
        self.fallback_queue = fallback_queue
        self.reason = reason

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """``utter_handoff`` (an active form is deactivated: ``active_loop: null``), ``handoff``, ``pause``."""
        from assistant.dialogue.crisis import CRISIS_HANDOFF_REASON, CRISIS_HANDOFF_RESPONSE, handoff_after_crisis

        intent, _ = top_intent(tracker)
        reason = self.reason if intent == "human_handoff" else (
            "repeated_invalid_input" if tracker.active_loop_name else self.reason)
        response = "utter_handoff"
        if handoff_after_crisis(tracker):
            reason = CRISIS_HANDOFF_REASON
            if context.has_response(CRISIS_HANDOFF_RESPONSE):
                response = CRISIS_HANDOFF_RESPONSE  # the crisis lines stay open while waiting, not "call 110" (s37 probe)
        said = context.utter(tracker, response)
        record = handoff_record(tracker, reason, context.language)
        record["transcript"].append({"role": "bot", "text": said.text, "timestamp": said.timestamp})
        target = self._deliver(record, context, tracker.sender_id)
        # the person takes over from here: a questionnaire that was running ends (its answers stay in the slots),
        # so that after /resume the citizen is not asked its old question out of the blue
        stop = [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)] if tracker.active_loop_name else []
        return [said, *stop, HandoffRequested(target, reason), ConversationPaused()]

    def while_paused(self, tracker: DialogueStateTracker, context: TurnContext) -> list[Event]:
        """A message that came while the conversation waits for the person (paused): it goes to the handoff sink as
        a ``message`` record (PII masked, :func:`~assistant.dialogue.handoff.message_record`). A message that asks to
        stop waiting (:func:`~assistant.dialogue.handoff.ends_wait`) resumes the conversation with
        ``utter_handoff_ended``. Until an agent has spoken (:func:`~assistant.dialogue.handoff.agent_joined`) every
        other message is answered, so the citizen never gets an empty reply: the first after the handoff with
        ``utter_handoff_waiting`` (or :func:`~assistant.dialogue.handoff.waiting_text`), later ones with
        ``utter_handoff_still_waiting``; both say how to come back. After an agent spoke the bot stays silent.

        Returns:
            ``[ConversationResumed, BotUttered]`` to end the wait, ``[BotUttered]`` while waiting, ``[]`` once an
            agent has the conversation.
        """
        record = message_record(tracker)
        if record is not None:
            self._deliver(record, context, tracker.sender_id)
        custom: dict[str, Any] = {"language": context.language, "citations": []}
        lang = "en" if context.language == "en" else "ko"
        if ends_wait(tracker.latest_message.text if tracker.latest_message else None):
            return [ConversationResumed(), self._say(tracker, context, ENDED_RESPONSE, ENDED[lang], custom)]
        if agent_joined(tracker):
            return []
        from assistant.dialogue.crisis import crisis_response

        crisis = crisis_response(tracker.latest_message.text if tracker.latest_message else None)
        if crisis is not None and context.has_response(crisis):
            # "죽고 싶어요" (or an emergency) while waiting: the lines now, not "please wait" (the message went to the
            # agent too); without the button that offers the person already being waited for
            said = context.utter(tracker, crisis)
            return [BotUttered(said.text, {k: v for k, v in said.data.items() if k != "buttons"})]
        users, _ = since_handoff(tracker)
        if users == 1:
            said = self._say(tracker, context, WAITING_RESPONSE, waiting_text(context.language), custom)
        else:
            said = self._say(tracker, context, STILL_WAITING_RESPONSE, STILL_WAITING[lang], custom)
        from assistant.dialogue.callback import asks_for_callback

        if asks_for_callback((tracker.latest_message.text if tracker.latest_message else None) or ""):
            # "전화 주세요" while waiting (s33 probe: only "기다리고 있어요"): the agent answers here, nobody calls
            said = BotUttered(f"{said.text} {NO_CALL_WHILE_WAITING[lang]}", said.data)
        return [said]

    @staticmethod
    def _say(tracker: DialogueStateTracker, context: TurnContext, name: str, default: str,
             custom: dict[str, Any]) -> BotUttered:
        """Response ``name`` when the domain has it, else ``default`` (a peer Rasa project's domain)."""
        custom = {**custom, "response": name}
        if context.has_response(name):
            return context.utter(tracker, name, custom)
        return BotUttered(default, {"custom": custom})

    def _deliver(self, record: dict[str, Any], context: TurnContext, sender_id: str) -> str | None:
        sinks = [s for s in (context.handoff, self.fallback_queue) if s is not None]
        for sink in sinks:
            try:
                sink.deliver(record)
                return sink.target
            except (AssistantError, OSError) as e:
                logger.error("handoff delivery failed", extra={"conversation_id": sender_id, "stage": "handoff",
                                                               "target": sink.target, "error": type(e).__name__})
        if not sinks:
            logger.warning("handoff requested but no handoff sink is configured", extra={"conversation_id": sender_id, "stage": "handoff"})
        return None


class ActionRepeat:
    """Send again the bot messages of the previous turn (between the two latest user messages)."""

    name = REPEAT_ACTION

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """Copies of those ``bot`` events; when there were none, ``utter_nothing_to_repeat`` / ``utter_ask_rephrase``
        to a message that asks to repeat (:data:`~assistant.dialogue.service_followup._REPEAT_CUE`: 다시, 뭐라고,
        again …), and the documents' answer (:class:`ActionAnswerFromKnowledge`) to any other: nothing was said yet,
        so a message read as ``repeat`` without asking it is a question of its own (s37 note: "아이 말이 늦어요",
        ``repeat`` 0.47 as the first message, got "아직 드린 말씀이 없어요")."""
        from assistant.dialogue.service_followup import asks_to_repeat

        users = [i for i, e in enumerate(tracker.events) if isinstance(e, UserUttered)]
        if len(users) >= 2:
            prev = [e for e in tracker.events[users[-2] + 1 : users[-1]] if isinstance(e, BotUttered)
                    and (e.data.get("custom") or {}).get("response") != "utter_pii_warning"]
            if prev:
                return [BotUttered(e.text, {**e.data, "custom": {**(e.data.get("custom") or {}), "repeated": True}}) for e in prev]
        text = (tracker.latest_message.text if tracker.latest_message else None) or ""
        if text and not text.startswith("/") and not asks_to_repeat(text) and context.knowledge is not None:
            context.fact_question = True  # a question of its own: an abstention says the documents lack it
            return ActionAnswerFromKnowledge().run(tracker, domain, context)
        name = "utter_nothing_to_repeat" if context.has_response("utter_nothing_to_repeat") else "utter_ask_rephrase"
        return [context.utter(tracker, name)]


class ActionClarify:
    """Ask which of the two closest intents was meant: buttons titled by ``utter_clarify_<intent>``, payload ``/<intent>``."""

    name = "action_clarify"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event with two buttons."""
        ranking = [r for r in (tracker.latest_message.parse_data.get("intent_ranking") or []) if isinstance(r, dict)] \
            if tracker.latest_message else []
        buttons = []
        for r in ranking[:2]:
            title = context.utter(tracker, f"utter_clarify_{r['name']}").text or str(r["name"])
            buttons.append({"title": title, "payload": f"/{r['name']}"})
        said = context.utter(tracker, "utter_clarify")
        return [BotUttered(said.text, {**said.data, "buttons": buttons})]


def register_builtins(registry: ActionRegistry, fallback_queue: FileHandoffQueue | None = None) -> None:
    """Register every built-in action on ``registry``."""
    from assistant.dialogue.after_form import ActionCorrectAfterForm
    from assistant.dialogue.crisis import ActionCrisis
    from assistant.dialogue.confirmation import ActionConfirmAgain
    from assistant.dialogue.validators import ValidatorRegistry
    from assistant.dialogue.side_effects import ActionConfirmSideEffect, ActionSideEffectDeclined
    from assistant.dialogue.term_definition import ActionDefineTerm
    from assistant.dialogue.whose_benefits import ActionAskWhoseBenefits

    for action in (
        ActionListen(),
        ActionAnswerFromKnowledge(),
        ActionRestart(),
        ActionSessionStart(),
        ActionDefaultFallback(),
        ActionTwoStageFallback(),
        ActionDeactivateLoop(),
        ActionHandoff(fallback_queue),
        ActionRepeat(),
        ActionClarify(),
        ActionDefineTerm(),
        ActionAskWhoseBenefits(),
        ActionConfirmSideEffect(),
        ActionSideEffectDeclined(),
        ActionConfirmAgain(),
        ActionCorrectAfterForm(ValidatorRegistry()),  # the forms' own registry replaces it (assistant.app_state)
        ActionCrisis(),
    ):
        registry.register(action, replace=True)
