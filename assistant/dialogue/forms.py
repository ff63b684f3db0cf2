"""Slot filling and forms (Rasa 3 semantics, plus a re-ask limit and conversation repair).

After each user message :func:`extract_slots` (Rasa's ``action_extract_slots``)
fills slots from their domain mappings: ``from_entity`` (entity, role, group),
``from_intent`` (value), ``from_text``; ``intent``/``not_intent`` filters;
``conditions`` on ``active_loop`` and ``requested_slot``. A :class:`FormAction`
then validates the form's slots set this turn, asks the next empty required
slot (Rasa's order: ``action_ask_<form>_<slot>``, ``utter_ask_<form>_<slot>``,
``action_ask_<slot>``, ``utter_ask_<slot>``), and deactivates itself when all are
filled. As in Rasa, a requested slot that the message does not fill rejects the
form's turn (``action_execution_rejected``) so that other policies answer, unless
the domain has a validation message (``utter_invalid_<slot>`` / ``utter_invalid_value``,
ours) to re-ask with.

Repair, on top of Rasa:

* digression: nothing filled the requested slot and the message is a confident
  question (``QUESTION_DIGRESSIONS``: about a service, eligibility, applying,
  something out of scope; confidence ≥ ``settings.intent_threshold``), or a
  greeting/thanks (≥ ``settings.form_digression_threshold``) → the form *rejects*
  the turn (``action_execution_rejected``); another policy answers; the form then
  re-asks the same slot. A digression is not an invalid answer: it never counts
  toward the re-ask limit. A message that fills the slot ("40%") is an answer.
* switch of person: the form's ``restart_when`` predicate (the bundled eligibility form's: the opening question
  asked about someone other than the person the questions are about) starts the form again, as at its activation,
  before any answer is read from the message (:meth:`FormAction.run`).
* answer over small talk: a message no mapping filled that ``validate_<form>`` reads as a value for the
  requested slot ("수원", "Uijeongbu-si" at the region question) is an answer, unless it is a confident question
  or a greeting/thanks/goodbye at ``settings.form_answer_intent_threshold`` or above (a real "bye" still stops
  the form; an unsure goodbye that answers nothing too): :meth:`FormAction._extracted_answer`.
* correction: a slot the user had given while this form was already running gets
  a new (valid) value → ``utter_slot_corrected`` (never at activation: a new
  question that names another place is not a correction). A correction changes only the slot it names: a number
  it holds ("sorry, my age is 68 not 67", "no, I'm actually 68" at the income question) never fills the requested
  slot, which is asked again (:mod:`assistant.dialogue.corrections`).
* understood: a value stored as more than was typed ("분당구" → 경기도 성남시 분당구) is said back with the next
  question (``utter_understood_<slot>``); several entities of one place give its most specific reading
  (:mod:`assistant.dialogue.understood`).
* skip (intent ``skip``): a slot listed as skippable is recorded in the
  ``skipped_slots`` slot and the form moves on; otherwise it explains. A message that holds a value for another
  slot of the form is never a skip, whatever the intent: a new value is stored (and said: ``utter_kept_<slot>``),
  one the slot already holds is acknowledged the same way, and the question is asked again ("Bundang-gu" at the
  age question; ``FormAction._offered_again``).
* don't know (intent ``dont_know``): a skippable slot is skipped with a short
  acknowledgement (``utter_dont_know_skipped``); a required one is explained
  (``utter_dont_know_<slot>``, else ``utter_dont_know_required``: why it is needed,
  with the offer to stop or talk to a person) and asked again, counted as an invalid answer.
* ``validate_<form>`` (a custom action, in-process or on the action server), when the
  domain lists it, runs at activation and after every user message, after the built-in
  validators, on the tracker as this step left it. As with ``rasa_sdk``'s
  ``FormValidationAction.required_slots``, it may choose the next slot by returning
  ``slot{"name": "requested_slot", "value": X}`` (X None ends the form), reject a value by
  setting the slot to None, or reject the form's turn (``action_execution_rejected``).
* re-ask limit ``settings.max_reasks``: each invalid answer re-asks with a
  validation message (one per turn); the next one explains the expected format
  with an example (``utter_explain_<slot>``, else ``utter_explain_format``) and
  offers to stop or talk to a person (``utter_form_offer_exit``); one more and
  the form gives up (``utter_form_given_up``). The form never re-asks more than
  ``max_reasks`` times (case C05 of ../shared/cases).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable
from typing import Any

from assistant.dialogue.actions import ActionRegistry, TurnContext
from assistant.dialogue.builtin_actions import KNOWLEDGE_INTENTS, REQUESTED_SLOT, top_intent
from assistant.dialogue.corrections import is_correction, quoted_old_values, repair_correction
from assistant.dialogue.definitions import asks_why, defined_slot, definition_citation
from assistant.dialogue.understood import differs_from_typed, most_specific, said_values
from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from assistant.dialogue.responses import render_response
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.dialogue.validators import ValidatorRegistry
from assistant.nlu.domain import Domain, FormDef, SlotMapping
from assistant.nlu.tokenizer import Tokenizer
from assistant.regions import place_for_language, read_place

logger = logging.getLogger(__name__)

SKIPPED_SLOTS = "skipped_slots"
#: ``validate_<form>`` did not choose the next slot (the domain's order applies).
_NO_CHOICE = object()
#: Small talk that may interrupt a form when confident (``settings.form_digression_threshold``).
#: out_of_scope too (with the same confidence): see :func:`extract_slots`.
SMALL_TALK_DIGRESSIONS = frozenset({"greet", "thank", "out_of_scope"})
#: Small talk that a short answer is often mistaken for ("Uijeongbu-si" read as goodbye 0.52, "Gangnam-gu" as thank
#: 0.49): below ``settings.form_answer_intent_threshold`` a message that holds a value for the requested slot is an
#: answer (:meth:`FormAction._extracted_answer`); a goodbye that is no answer still stops the form.
ANSWERABLE_SMALL_TALK = frozenset({"greet", "thank", "goodbye"})
#: Questions that interrupt a form when confident (``settings.intent_threshold``) and nothing filled the
#: requested slot: "연탄값 지원되나요", "How do I apply for the energy voucher?" asked while the form waits
#: for a region are answered, then the same question is asked again (never counted as invalid answers).
#: Entities that state an amount or a figure ("월 100만원", "60%", "3명"): an out-of-scope reading of a message holding
#: one is tried as the form's answer first (:meth:`FormAction._extracted_answer`).
FIGURE_ENTITIES = frozenset({"amount-of-money", "percentage", "number", "age"})
QUESTION_DIGRESSIONS = KNOWLEDGE_INTENTS | frozenset({
    "out_of_scope", "list_consents", "check_application_status"})


def _condition_holds(m: SlotMapping, tracker: DialogueStateTracker) -> bool:
    """Whether one of the mapping's ``conditions`` holds: ``active_loop: NAME`` while that form is active,
    ``active_loop: null`` while no form is (Rasa 3's reading: the condition's loop equals the tracker's), and
    ``requested_slot`` as asked; a condition without ``active_loop`` holds whichever form is active."""
    if not m.conditions:
        return True
    for c in m.conditions:
        loop = c.get("active_loop")
        if "active_loop" in c and loop is None and tracker.active_loop_name is not None:
            continue
        if loop is not None and loop != tracker.active_loop_name:
            continue
        req = c.get("requested_slot")
        if req is not None and req != tracker.get_slot(REQUESTED_SLOT):
            continue
        return True
    return False


def _mapped_value(m: SlotMapping, tracker: DialogueStateTracker, list_slot: bool) -> Any:
    msg = tracker.latest_message
    if msg is None:
        return None
    intent = msg.intent_name
    if (m.intent and intent not in m.intent) or (intent in m.not_intent):
        return None
    if m.type == "from_entity":
        found = [
            e for e in tracker.latest_entities
            if e.get("entity") == m.entity and (m.role is None or e.get("role") == m.role) and (m.group is None or e.get("group") == m.group)
        ]
        if not found:
            return None
        if len(found) > 1 and not list_slot:  # "60% not 50%": the quoted old value is not the answer
            old = quoted_old_values(msg.text or "", found)
            found = [e for e in found if e not in old] or found
        values = [e.get("value") for e in found]
        if m.entity in PLACE_ENTITIES and not list_slot:  # "Yongsan-gu, Seoul": 서울특별시 is part of 서울특별시 용산구
            values = qualified_places(values)
            values = [v for v in values if not any(less_specific_place(v, w) for w in values)]
        # Rasa: the last matching entity fills a non-list slot; one place read at several levels ("Seoul Gangnam-gu":
        # 서울특별시, 서울특별시 강남구) gives its most specific reading, whatever the order (fresh-user test s8, defect 9)
        return values if list_slot else most_specific(values)
    if m.type == "from_intent":
        return m.value
    if m.type == "from_text":
        return msg.text or None
    return None  # custom / from_trigger_intent: filled by actions


def asks_of_its_own(tracker: DialogueStateTracker, tokenizer: Tokenizer, threshold: float) -> bool:
    """Whether the latest message is a question of its own: a confident question (:data:`QUESTION_DIGRESSIONS` at
    ``threshold``, the settings' ``intent_threshold``, or above) that names a kind of help
    (:func:`~assistant.dialogue.service_followup.help_of_its_own`). While a form asks, such a message fills no slot
    from the facts it mentions: "서울에 에너지바우처 있나요?" at the region question is about the energy voucher in
    Seoul, not the answer 서울특별시 (s32: the form took it as the answer and ended with its verdicts; the question
    was never answered). It fills no slot from the place it names (:func:`extract_slots`), so the form treats it as a
    digression: answered, then the same question asked again."""
    from assistant.dialogue.service_followup import help_of_its_own

    msg = tracker.latest_message
    text = ((msg.text if msg else None) or "").strip()
    if msg is None or not text or text.startswith("/") or msg.intent_name not in QUESTION_DIGRESSIONS:
        return False
    if float((msg.intent or {}).get("confidence") or 0.0) < threshold:
        return False
    return bool(help_of_its_own(text, list(msg.entities), tokenizer))


def extract_slots(tracker: DialogueStateTracker, domain: Domain, digression_threshold: float | None = None,
                  question_threshold: float | None = None, tokenizer: Tokenizer | None = None) -> list[Event]:
    """``slot`` events for every slot a mapping fills from the latest user message.

    The first mapping (in domain order) that yields a value wins; a slot is set
    only when the value differs from its current one. While a form is active,
    its ``ignored_intents`` fill nothing, nor does a message that is confidently
    ``out_of_scope`` (confidence ≥ ``digression_threshold``, the settings'
    ``form_digression_threshold``): "오늘 서울 날씨 어때요?" asked while the form waits
    must not make the citizen a Seoul resident; the form treats it as a digression
    (declined, then the same question). An unsure out_of_scope ("40%" at 0.41)
    still fills slots: short answers are often read so. With ``question_threshold`` and ``tokenizer``, a question
    of its own (:func:`asks_of_its_own`: "서울에 에너지바우처 있나요?" while the form asks the region) fills no slot
    from a place entity (:data:`PLACE_ENTITIES`); its other facts still fill theirs ("아니요, 소득은 60%예요 50%
    말고요" names 소득, which is no kind of help, and corrects the income).
    """
    msg = tracker.latest_message
    if msg is None or msg.text is None and not msg.intent_name:
        return []
    form = domain.forms.get(tracker.active_loop_name or "")
    if form is not None and msg.intent_name in form.ignored_intents:
        return []
    if form is not None and digression_threshold is not None and msg.intent_name == "out_of_scope" \
            and float((msg.intent or {}).get("confidence") or 0.0) >= digression_threshold \
            and not is_bare_answer(tracker, domain):
        return []
    # a place named in a question of its own is what the question is about, not where the citizen lives
    no_place = form is not None and question_threshold is not None and tokenizer is not None \
        and asks_of_its_own(tracker, tokenizer, question_threshold)
    out: list[Event] = []
    for name, slot in domain.slots.items():
        mappings = slot.mappings or (form.legacy_mappings.get(name, ()) if form else ()) or slot.fill_mappings
        for m in mappings:
            if not _condition_holds(m, tracker) or no_place and m.entity in PLACE_ENTITIES:
                continue
            value = _mapped_value(m, tracker, slot.type == "list")
            if value is not None:
                current = tracker.get_slot(name)
                if value != current and not (m.entity in PLACE_ENTITIES and less_specific_place(value, current)
                                             and not is_correction(msg.text or "")):
                    out.append(SlotSet(name, value))
                break
    return out


def qualified_places(values: list[Any]) -> list[Any]:
    """Place values with a 시·군·구 that several 시·도 have written under the one 시·도 among them: ``["부산광역시",
    "강서구"]`` → ``["부산광역시", "부산광역시 강서구"]`` ("저 부산 강서구 사는데 …": the lookup reads 부산 and a bare
    강서구, which 서울 has too, and the slot held "강서구", a place no reader could place: s45 probe). Unchanged when
    no one 시·도 is said or the pair names no place (:func:`~assistant.regions.read_place`).

    >>> qualified_places(["부산광역시", "강서구"]), qualified_places(["강서구"]), qualified_places(["서울특별시 강남구"])
    (['부산광역시', '부산광역시 강서구'], ['강서구'], ['서울특별시 강남구'])
    """
    texts = [v for v in values if isinstance(v, str)]
    sidos = {v for v in texts if " " not in v.strip() and (a := read_place(v)) is not None and a.sigungu is None and str(a) == v}
    if len(sidos) != 1:
        return values
    sido = next(iter(sidos))
    out: list[Any] = []
    for v in values:
        if isinstance(v, str) and v not in sidos and " " not in v.strip() and read_place(v) is None \
                and (area := read_place(f"{sido} {v}")) is not None and area.sido == sido and area.sigungu:
            v = str(area)
        out.append(v)
    return out


def less_specific_place(new: Any, known: Any) -> bool:
    """Whether place ``new`` is a wider part of the place ``known`` ("서울특별시" of "서울특별시 용산구"): then the known,
    more specific place is kept, and nothing is said (the citizen did not correct it, "서울에서 임신하면 …" after
    "서울 용산구에 살아요"); a message that says it corrects ("아니요, 부산에 살아요": :func:`~assistant.dialogue.
    corrections.is_correction`) sets the wider place. Both are canonical region values, widest part first, parts
    separated by spaces."""
    if not isinstance(new, str) or not isinstance(known, str):
        return False
    wide, narrow = new.split(), known.split()
    return 0 < len(wide) < len(narrow) and narrow[:len(wide)] == wide


def is_bare_answer(tracker: DialogueStateTracker, domain: Domain, min_cover: float = 0.5) -> bool:
    """Whether the latest message is mostly a value for the slot the form asks for, or for another of the form's
    slots ("Bundang-gu" at the age question: an answer to the region question, fresh-user test s9): an entity that
    one of those slots' ``from_entity`` mappings reads covers more than ``min_cover`` of the message's letters and
    digits, and the message asks nothing (no "?").

    "부산 해운대구" or "부산 해운대구에 살아요" at the region question is an answer even when the NLU reads it as
    ``out_of_scope`` 0.78 (fresh-user test s7, defect 2: the form's own example was refused); "오늘 서울 날씨
    어때요?" (a question that names a place) and "서울 날씨 알려줘" (the place is a third of it) are not.
    """
    msg = tracker.latest_message
    requested = tracker.get_slot(REQUESTED_SLOT)
    slot = domain.slots.get(str(requested)) if requested else None
    text = (msg.text if msg else None) or ""
    if slot is None or not text or "?" in text or "？" in text:
        return False
    form = domain.forms.get(tracker.active_loop_name or "")
    slots = [slot, *(d for n in (form.required_slots if form else ()) if (d := domain.slots.get(n)) is not None)]
    wanted = {m.entity for d in slots for m in d.mappings if m.type == "from_entity" and m.entity
              and (d is slot or _condition_holds(m, tracker))}
    spans = [(int(e["start"]), int(e["end"])) for e in tracker.latest_entities
             if e.get("entity") in wanted and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    covered = {i for a, b in spans for i in range(a, b) if i < len(text) and text[i].isalnum()}
    letters = sum(ch.isalnum() for ch in text)
    return letters > 0 and len(covered) / letters > min_cover


def implicit_slot_events(domain: Domain, entities: list[dict[str, Any]]) -> list[Event]:
    """The slots a Rasa 2.x story sets without writing them: each auto-filled slot (:attr:`~assistant.nlu.domain.SlotDef.auto_fill`)
    takes the value of the user turn's entity of its name (Rasa 2.8 ``StoryStep.explicit_events`` adds
    ``domain.slots_for_entities(entities)`` after every user utterance; a list slot takes them all, another the
    last). Rasa 3 slots (mappings) are never filled implicitly: its stories write ``slot_was_set``."""
    out: list[Event] = []
    for name, slot in domain.slots.items():
        values = [e.get("value") for e in entities if e.get("entity") == name]
        if slot.auto_fill and not slot.mappings and values:
            out.append(SlotSet(name, values if slot.type == "list" else values[-1]))
    return out


def _events_since_user(tracker: DialogueStateTracker) -> list[Event]:
    for i in range(len(tracker.events) - 1, -1, -1):
        if isinstance(tracker.events[i], UserUttered):
            return tracker.events[i + 1 :]
    return []


class FormAction:
    """A form from the domain: validates, asks ``utter_ask_<slot>``, repairs, gives up after too many invalid answers.

    Args:
        form: the domain's form definition.
        validators: in-process validators.
        registry: to find a ``validate_<form>`` custom action.
        skippable: required slots the user may skip.
        restart_when: whether the latest message asks this running form's question anew, about someone else
            (``(tracker, context) -> bool``; the bundled eligibility form's:
            :meth:`~assistant.dialogue.eligibility_route.EligibilityRoute.switches_person`): the form then starts
            again, as at its activation, instead of reading an answer or rejecting the turn. None: never.
    """

    def __init__(self, form: FormDef, validators: ValidatorRegistry, registry: ActionRegistry,
                 skippable: Iterable[str] = (),
                 restart_when: Callable[[DialogueStateTracker, TurnContext], bool] | None = None) -> None:
        self.form = form
        self.name = form.name
        self.validators = validators
        self.registry = registry
        self.skippable = frozenset(skippable)
        self.restart_when = restart_when

    # --- the turn -------------------------------------------------------------------------------------

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The form's events for this step (see the module docstring)."""
        after_user = tracker.latest_action_name == ACTION_LISTEN_NAME
        # a switch of person ("제가 받을 수 있는 혜택이 뭐가 있나요?" while the form asks about the mother) starts the
        # form again: activated anew (an ``active_loop`` event after the message), so validate_<form> starts over
        activating = tracker.active_loop_name != self.name or (
            after_user and self.restart_when is not None and self.restart_when(tracker, context))
        requested = None if activating else tracker.get_slot(REQUESTED_SLOT)
        events: list[Event] = [ActiveLoop(self.name)] if activating else []
        if activating and tracker.get_slot(SKIPPED_SLOTS):
            events.append(SlotSet(SKIPPED_SLOTS, None))  # a new run of the form asks what was skipped last time
        invalid: tuple[str, str] | None = None  # (slot, response to send)
        answered: tuple[list[Event], Any, tuple[str, str] | None] | None = None  # validate_<form>'s plan, already run
        unfilled = False  # the requested slot got no value and the domain has no validation message
        if after_user:
            intent, conf = top_intent(tracker)
            confident = conf >= context.settings.intent_threshold
            changed = [e for e in _events_since_user(tracker) if isinstance(e, SlotSet) and e.name in self.form.required_slots]
            if not activating and requested and not changed and (meaning := self._definition(tracker, context, requested)):
                # "중위소득이 뭔데요?": the term is defined (cited), the same question asked again; no answer was given,
                # none was wrong (assistant/dialogue/definitions.py)
                choice_again = requested if self._custom_validation(domain) else _NO_CHOICE
                return events + meaning + self._next(tracker, context, events, None, requested, choice_again)
            if not activating and (repair := self._correction(tracker, domain, requested, changed)) is not None:
                undo, changed = repair  # a number of a correction fills the slot it belongs to, not the one asked
                events += undo
            # values this message gives for other slots of the form that already hold them ("Bundang-gu" at the age
            # question from a citizen whose region is known): no slot event, but an answer all the same
            offered = {} if activating or changed else self._offered_again(tracker, domain, requested)
            if not activating and intent in ("skip", "dont_know") and confident and not changed and not offered:
                unknown = intent == "dont_know"
                if requested in self.skippable:
                    skipped = list(tracker.get_slot(SKIPPED_SLOTS) or [])
                    said = (_pick(context, f"utter_dont_know_skipped_{requested}", "utter_dont_know_skipped") if unknown
                            and context.has_response("utter_dont_know_skipped") else _pick(context, f"utter_skipped_{requested}", "utter_skipped"))
                    events += [SlotSet(SKIPPED_SLOTS, [*skipped, requested]), context.utter(tracker, said)]
                elif requested and unknown and context.has_response("utter_dont_know_required"):
                    invalid = (requested, _pick(context, f"utter_dont_know_{requested}", "utter_dont_know_required"))
                elif requested and not unknown:
                    invalid = (requested, _pick(context, f"utter_cannot_skip_{requested}", "utter_cannot_skip"))
                elif requested:  # a domain without the dont_know responses: an answer that fills nothing (as before)
                    invalid = (requested, _invalid_response(context, requested) or "utter_invalid_value")
            elif changed:
                validated, invalid = self._validate(changed, tracker, domain, context, requested, activating)
                events += validated
            elif not activating and requested and (taken := self._extracted_answer(tracker, domain, context, intent, conf)):
                answered = taken  # validate_<form> read the answer from the message itself (see _extracted_answer)
            elif offered and not self._is_digression(tracker, context, intent, conf):  # said again: acknowledged, and the question asked again (neither a skip nor an invalid answer)
                events += [ack for slot, value in offered.items() if (ack := self._acknowledge(tracker, context, slot, value))]
            elif not activating and requested:
                response = _invalid_response(context, requested)
                if response is None and not self._custom_validation(domain) or \
                        self._is_digression(tracker, context, intent, conf):
                    # Rasa's FormAction: a requested slot that nothing filled rejects the form's turn
                    # (ActionExecutionRejection) so that other policies predict; we only re-ask with a
                    # validation message when the domain has one.
                    return [ActionExecutionRejected(self.name)]
                if response is not None:
                    invalid = (requested, response)
                unfilled = response is None
        choice: Any = _NO_CHOICE
        if invalid is None and self._custom_validation(domain) and (activating or after_user):
            planned, choice, invalid = answered or self._plan(tracker, domain, context, events)
            if planned and isinstance(planned[0], ActionExecutionRejected):
                return planned
            if unfilled and choice is _NO_CHOICE and not any(isinstance(e, SlotSet) for e in planned):
                return [ActionExecutionRejected(self.name)]  # validate_<form> filled nothing either (Rasa)
            events = _restate_corrections(events, planned, tracker, context) + planned
        elif not activating and requested and self._custom_validation(domain):
            choice = requested  # an invalid answer, or back from a digression: the slot validate_<form> chose is asked again
        if after_user and not activating and invalid is None:
            events += self._understood(tracker, context, events)
        return events + self._next(tracker, context, events, invalid, requested, choice)

    def _definition(self, tracker: DialogueStateTracker, context: TurnContext, requested: Any) -> list[Event]:
        """``[utter_define_<slot>]`` with its law cited when the message asks what a form term means (see
        :func:`~assistant.dialogue.definitions.defined_slot`), ``[utter_why_asked]`` when it asks why the form asks,
        else ``[]``."""
        text = (tracker.latest_message.text if tracker.latest_message else None) or ""
        slot = defined_slot(text, str(requested) if requested else None,
                            lambda name: name in self.form.required_slots and context.has_response(f"utter_define_{name}"))
        if slot is not None:
            return [context.utter(tracker, f"utter_define_{slot}", custom={"citations": definition_citation(slot), "defined": slot})]
        if asks_why(text) and context.has_response("utter_why_asked"):
            return [context.utter(tracker, "utter_why_asked")]
        return []

    def _understood(self, tracker: DialogueStateTracker, context: TurnContext, events: list[Event]) -> list[Event]:
        """``utter_understood_<slot>`` for each form slot this message gave a value that says more than was typed
        ("분당구" → "경기도 성남시 분당구로 알아들었어요."; "Haeundae-gu" → "Got it: Haeundae-gu, Busan."), unless a
        message of this turn already says it (kept, corrected): fresh-user test s8, defect 9."""
        text = (tracker.latest_message.text if tracker.latest_message else None) or ""
        said = {str((e.data.get("custom") or {}).get("response")) for e in events if isinstance(e, BotUttered)}
        values: dict[str, Any] = {}
        for e in [*_events_since_user(tracker), *events]:
            if isinstance(e, SlotSet) and e.name in self.form.required_slots:
                values[e.name] = e.value
        out: list[Event] = []
        previous = tracker.slots_before_latest_message()
        for slot, value in values.items():
            name = f"utter_understood_{slot}"
            if not isinstance(value, str) or not context.has_response(name) or value == previous.get(slot) \
                    or {f"utter_kept_{slot}", f"utter_corrected_{slot}", "utter_slot_kept", "utter_slot_corrected"} & said:
                continue
            if differs_from_typed(text, value, english=context.language == "en"):
                out.append(context.utter(tracker, name, **said_values(slot, value)))
        return out

    def _next(self, tracker: DialogueStateTracker, context: TurnContext, events: list[Event],
              invalid: tuple[str, str] | None, requested: Any, choice: Any = _NO_CHOICE) -> list[Event]:
        values = tracker.slots
        for e in events:
            if isinstance(e, SlotSet):
                values[e.name] = e.value
        if invalid is not None:
            slot, response = invalid
            failures = self.failures(tracker, slot) + 1
            limit = context.settings.max_reasks
            mark = {"form_invalid": slot}
            if failures <= limit:  # say what was wrong, then ask what is still missing (the same slot, or the one being asked)
                return [context.utter(tracker, response, custom=mark), *self._next(tracker, context, events, None, requested, choice)]
            if failures == limit + 1:
                explain = _pick(context, f"utter_explain_{slot}", "utter_explain_format")
                return [context.utter(tracker, explain, custom=mark), context.utter(tracker, "utter_form_offer_exit")]
            logger.info("form gave up", extra={"conversation_id": tracker.sender_id, "stage": "form", "form": self.name, "slot": slot})
            # requested_slot is left as it was: a completed form is the one that ends with requested_slot null
            return [context.utter(tracker, "utter_form_given_up", custom=mark), ActiveLoop(None)]
        if choice is None:
            return [SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]
        if choice is not _NO_CHOICE and values.get(choice) is None:
            return self._ask(tracker, context, str(choice), requested, events)
        skipped = set(values.get(SKIPPED_SLOTS) or [])
        for slot in self.form.required_slots:
            if values.get(slot) is None and slot not in skipped:
                return self._ask(tracker, context, slot, requested, events)
        return [SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]

    def ask_action(self, slot: str, domain: Domain, context: TurnContext) -> str | None:
        """The action that asks for ``slot``, in Rasa's order (``FormAction._name_of_utterance``):
        ``action_ask_<form>_<slot>``, ``utter_ask_<form>_<slot>``, ``action_ask_<slot>``,
        ``utter_ask_<slot>``; a custom ``action_ask_*`` counts when the domain lists it or it is
        registered in-process, a response when the domain defines it. None when there is none.
        """
        actions = set(domain.actions) | set(self.registry.names())
        for name in (f"action_ask_{self.name}_{slot}", f"utter_ask_{self.name}_{slot}", f"action_ask_{slot}", f"utter_ask_{slot}"):
            if name.startswith("action_") and name in actions or name.startswith("utter_") and context.has_response(name):
                return name
        return None

    def _ask(self, tracker: DialogueStateTracker, context: TurnContext, slot: str, requested: Any,
             events: list[Event] | None = None) -> list[Event]:
        out: list[Event] = [SlotSet(REQUESTED_SLOT, slot)] if requested != slot else []
        name = self.ask_action(slot, context.domain, context)
        if name is None:
            logger.warning("form slot has no utter_ask response", extra={"stage": "form", "form": self.name, "slot": slot})
            return out
        # the question sees the tracker as this step left it (slots set, requested_slot chosen): a response's
        # conditions and {slot} placeholders ("어느 시·도의 {region_district}인가요?"), a custom action_ask_*
        view = copy.deepcopy(tracker)
        view.update_with_events([e for e in (*(events or []), *out) if not isinstance(e, BotUttered)])
        if name.startswith("utter_"):
            return [*out, context.utter(view, name)]
        return [*out, *self.registry.get(name, context.domain).run(view, context.domain, context)]

    # --- validation -----------------------------------------------------------------------------------

    def _validate(self, changed: list[SlotSet], tracker: DialogueStateTracker, domain: Domain, context: TurnContext,
                  requested: Any, activating: bool = False) -> tuple[list[Event], tuple[str, str] | None]:
        previous = tracker.slots_before_latest_message()
        out: list[Event] = []
        invalid: tuple[str, str] | None = None
        for e in changed:
            verdict = self.validators.get(self.name, e.name, domain.slots.get(e.name))(e.value, domain.slots.get(e.name))
            before = previous.get(e.name)
            if not verdict.ok:
                out.append(SlotSet(e.name, before))
                response = _invalid_response(context, e.name, verdict.reason)
                if invalid is None and response is not None:  # one validation message per turn
                    invalid = (e.name, response)
                continue
            if verdict.value != e.value:
                out.append(SlotSet(e.name, verdict.value))
            corrected = _pick(context, f"utter_corrected_{e.name}", "utter_slot_corrected")
            if not activating and before is not None and before != verdict.value and e.name != requested \
                    and context.has_response(corrected):
                out.append(context.utter(tracker, corrected, custom={CORRECTED_SLOT: e.name},
                                         **_said(context, e.name, verdict.value)))
            elif kept := self._kept_elsewhere(tracker, context, changed, e.name, before, verdict.value, requested, activating):
                out.append(kept)
        return out, invalid

    def _kept_elsewhere(self, tracker: DialogueStateTracker, context: TurnContext, changed: list[SlotSet], slot: str,
                        before: Any, value: Any, requested: Any, activating: bool) -> BotUttered | None:
        """What is said when the message answered another question than the one asked ("67세예요" at the region
        question): the value is kept (``utter_kept_<slot>``, else ``utter_slot_kept``), and the question that is
        asked again does not look as if the answer was ignored (fresh-user test s7, defect 11). None when the
        requested slot got a value this turn (the form moves on, which shows it), for a new value of a slot given
        before (a correction says so), at activation, and in a domain without either response."""
        if activating or not requested or slot == requested or before is not None \
                or any(c.name == requested and c.value is not None for c in changed):
            return None
        name = _pick(context, f"utter_kept_{slot}", "utter_slot_kept")
        if not context.has_response(name):
            return None
        return render_response(context.domain, name, language=context.language, channel=context.channel,
                               slots={**tracker.slots, slot: value}, custom={CORRECTED_SLOT: slot},
                               value=shown_value(context, slot, value))

    def _offered_again(self, tracker: DialogueStateTracker, domain: Domain, requested: Any) -> dict[str, Any]:
        """The form's slots other than ``requested`` whose mappings read a value from the latest message that the slot
        already holds (so :func:`extract_slots` set nothing): ``{slot: value}``.

        A value of another slot's type given at a question is an answer to that slot whatever the intent says: a new
        one is stored (a slot event, then ``utter_kept_<slot>``), and one the slot already holds is acknowledged here,
        never read as a skip ("Bundang-gu" at the age question was classified ``skip``: fresh-user test s9) nor as an
        invalid answer to the question asked."""
        if tracker.latest_message is None or not requested:
            return {}
        out: dict[str, Any] = {}
        for name in self.form.required_slots:
            slot = domain.slots.get(name)
            if name == requested or slot is None or tracker.get_slot(name) is None:
                continue
            for m in slot.mappings:
                if m.type != "from_entity" or not _condition_holds(m, tracker):
                    continue
                value = _mapped_value(m, tracker, slot.type == "list")
                if value is not None:
                    if value == tracker.get_slot(name) or m.entity in PLACE_ENTITIES and less_specific_place(value, tracker.get_slot(name)):
                        out[name] = tracker.get_slot(name)
                    break
        return out

    def _acknowledge(self, tracker: DialogueStateTracker, context: TurnContext, slot: str, value: Any) -> BotUttered | None:
        """``utter_kept_<slot>`` (else ``utter_slot_kept``) for a value said again at another slot's question; None in a
        domain without either."""
        name = _pick(context, f"utter_kept_{slot}", "utter_slot_kept")
        if not context.has_response(name):
            return None
        return render_response(context.domain, name, language=context.language, channel=context.channel,
                               slots=tracker.slots, custom={CORRECTED_SLOT: slot}, value=shown_value(context, slot, value))

    def _correction(self, tracker: DialogueStateTracker, domain: Domain, requested: Any,
                    changed: list[SlotSet]) -> tuple[list[Event], list[SlotSet]] | None:
        """:func:`~assistant.dialogue.corrections.repair_correction` for this form: "sorry, my age is 68 not 67" or
        "no, I'm actually 68" at the income question changes the age only (fresh-user test s8, defect 1)."""
        msg = tracker.latest_message
        if msg is None or not requested:
            return None
        required = list(self.form.required_slots)
        previous = tracker.slots_before_latest_message()
        numeric = {s for s in required if (d := domain.slots.get(s)) is not None and d.type == "float"}
        return repair_correction(msg.text or "", list(tracker.latest_entities), changed, str(requested), previous,
                                 required, numeric, _last_answered(tracker, required))

    def _custom_validation(self, domain: Domain) -> str | None:
        name = f"validate_{self.name}"
        return name if name in self.registry.names() or name in domain.actions else None

    def _plan(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext,
              events: list[Event]) -> tuple[list[Event], Any, tuple[str, str] | None]:
        """Run ``validate_<form>`` on the tracker as this step left it (Rasa's FormValidationAction).

        Returns its events (minus a ``requested_slot`` choice), that choice (a slot to ask next,
        None to end the form now, or ``_NO_CHOICE``: the domain's order) and the invalid answer to
        report, if any: a slot of this turn it sets to None is a rejected value, reported with its
        own message or else ``utter_invalid_<slot>`` (then counted against ``max_reasks``).
        """
        name = self._custom_validation(domain)
        assert name is not None
        view = copy.deepcopy(tracker)
        view.update_with_events([e for e in events if not isinstance(e, BotUttered)])
        out = self.registry.get(name, domain).run(view, domain, context)
        if any(isinstance(e, ActionExecutionRejected) for e in out):
            return [ActionExecutionRejected(self.name)], _NO_CHOICE, None
        choice: Any = _NO_CHOICE
        kept: list[Event] = []
        for e in out:
            if isinstance(e, SlotSet) and e.name == REQUESTED_SLOT:
                choice = e.value
            else:
                kept.append(e)
        changed = {e.name for e in _events_since_user(tracker) if isinstance(e, SlotSet)} | {
            e.name for e in events if isinstance(e, SlotSet)}
        rejected = [e.name for e in kept if isinstance(e, SlotSet) and e.value is None and e.name in self.form.required_slots
                    and e.name in changed]
        if rejected and choice is not _NO_CHOICE and choice is not None and choice not in self.form.required_slots:
            rejected = []  # the value is held back for a follow-up question ("어느 시·도의 중구인가요?"): not an invalid answer
        if rejected:
            slot = rejected[0]
            response = _invalid_response(context, slot)
            if not any(isinstance(e, BotUttered) for e in kept) and response is not None:
                return kept, _NO_CHOICE, (slot, response)
            if not any(isinstance(e, BotUttered) for e in kept):
                return kept, slot, None  # no validation message in the domain: the slot is asked again (Rasa)
            # the custom action sent its own message; count the failure without another one
            kept = [BotUttered(e.text, {**e.data, "custom": {**(e.data.get("custom") or {}), "form_invalid": slot}})
                    if isinstance(e, BotUttered) else e for e in kept]
            choice = slot
        return kept, choice, None

    # --- helpers --------------------------------------------------------------------------------------

    def failures(self, tracker: DialogueStateTracker, slot: str) -> int:
        """Invalid answers for ``slot`` since this form was last activated."""
        n = 0
        for e in reversed(tracker.applied_events()):
            if isinstance(e, ActiveLoop) and e.name == self.name:
                break
            if isinstance(e, BotUttered) and (e.data.get("custom") or {}).get("form_invalid") == slot:
                n += 1
        return n

    def _is_digression(self, tracker: DialogueStateTracker, context: TurnContext, intent: str | None, conf: float) -> bool:
        """Whether a message that filled no requested slot is a digression (see the module docstring).

        A goodbye below ``settings.form_answer_intent_threshold`` comes here (:class:`~assistant.dialogue.policies.FormPolicy`
        lets the form try it as an answer first); when it answers nothing the form rejects the turn and the
        policy stops the form as for any goodbye.
        """
        if intent in SMALL_TALK_DIGRESSIONS and conf >= context.settings.form_digression_threshold:
            return True
        if intent in ANSWERABLE_SMALL_TALK and conf >= context.settings.intent_threshold:
            return True
        return intent in QUESTION_DIGRESSIONS and conf >= context.settings.intent_threshold

    def _extracted_answer(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext, intent: str | None,
                          conf: float) -> tuple[list[Event], Any, tuple[str, str] | None] | None:
        """``validate_<form>``'s plan when it reads an answer to the requested slot from the message itself though no
        slot mapping filled it (as Rasa SDK's ``extract_<slot>`` methods do: "수원" or "Uijeongbu-si" at the region
        question, which the NLU gives no entity for), else None.

        The rule: while the form waits for a slot, a message that ``validate_<form>`` takes as its value — it sets
        the requested slot (or, while a follow-up question outside the required slots is asked, a required slot)
        to a value, or sets another required slot that was not known yet (s15: "장애인 가정이에요" at the disability
        question gives ``household_disabled``, and the disability is asked again; before, the message was "not
        understood" and what it said was dropped), or asks such a follow-up ("어느 시·도의 중구인가요?") — is an
        answer, whatever a small-talk intent (:data:`ANSWERABLE_SMALL_TALK`) below
        ``settings.form_answer_intent_threshold`` says ("Uijeongbu-si" read as goodbye 0.52). Not tried for a confident question (:data:`QUESTION_DIGRESSIONS` at
        ``settings.intent_threshold``: it is answered, then the form asks again), nor for small talk at or above
        that threshold (a real "고마워요" or "bye").
        """
        if not self._custom_validation(domain):
            return None
        # an out-of-scope reading of a message that states an amount or a figure is tried as the answer (s43 probe:
        # "한 달에 100만원 벌어요" at the income question, out_of_scope 0.51, got the out-of-scope reply and its next
        # answer was lost); one the validator does not take is still a digression
        figure = intent == "out_of_scope" and tracker.latest_message is not None and any(
            e.get("entity") in FIGURE_ENTITIES for e in tracker.latest_message.entities)
        if intent in QUESTION_DIGRESSIONS and conf >= context.settings.intent_threshold and not figure or \
                intent in ANSWERABLE_SMALL_TALK and conf >= context.settings.form_answer_intent_threshold:
            return None
        requested = tracker.get_slot(REQUESTED_SLOT)
        required = set(self.form.required_slots)
        plan = self._plan(tracker, domain, context, [])
        kept, choice, _ = plan
        follow_up = choice is not _NO_CHOICE and choice is not None and choice not in required
        known = tracker.slots
        took = any(isinstance(e, SlotSet) and e.value is not None and (e.name == requested or e.name in required and (
            requested not in required or known.get(e.name) is None)) for e in kept)
        return plan if took or follow_up else None


#: Entities whose values are places, written from the widest part down ("부산광역시 해운대구"): a slot filled from one
#: says its value as a place, and a wider place than the one known keeps the known one (:func:`less_specific_place`).
PLACE_ENTITIES = frozenset({"region", "programme_region"})


def shown_value(context: TurnContext, slot: str, value: Any) -> Any:
    """A slot's value as a reply in the conversation's language says it: a place slot's (one mapped from a
    :data:`PLACE_ENTITIES` entity, or named like one) in English names in English ("부산광역시 해운대구" → "Haeundae-gu,
    Busan": :func:`~assistant.regions.place_for_language`); any other value, or Korean, unchanged. The slot
    keeps its value (the eligibility connector reads the Korean names)."""
    if not isinstance(value, str) or context.language != "en":
        return value
    definition = context.domain.slots.get(slot)
    mapped = {m.entity for m in definition.mappings} if definition is not None else set()
    if slot in PLACE_ENTITIES or mapped & PLACE_ENTITIES:
        return place_for_language(value, context.language)
    return value


#: ``custom`` key of a correction or kept-value message (``utter_slot_corrected``, ``utter_kept_<slot>``): its slot.
CORRECTED_SLOT = "corrected_slot"


def _restate_corrections(events: list[Event], planned: list[Event], tracker: DialogueStateTracker,
                         context: TurnContext) -> list[Event]:
    """``events`` with each correction (or kept-value) message said again with the value ``validate_<form>``
    (``planned``) set last for its slot: "부산 중구" is read as 중구 first and completed to 부산광역시 중구 by the form's validation, and "I live
    in Gangnam-gu, Seoul" as 서울특별시 first; the message names what the slot holds, not the partial reading."""
    final = {e.name: e.value for e in planned if isinstance(e, SlotSet)}
    out: list[Event] = []
    for e in events:
        slot = (e.data.get("custom") or {}).get(CORRECTED_SLOT) if isinstance(e, BotUttered) else None
        if isinstance(e, BotUttered) and slot in final and final[slot] is not None:
            response = str((e.data.get("custom") or {}).get("response"))
            e = render_response(context.domain, response, language=context.language, channel=context.channel,
                                slots={**tracker.slots, slot: final[slot]}, custom={CORRECTED_SLOT: slot},
                                **_said(context, slot, final[slot]))
        out.append(e)
    return out


def _said(context: TurnContext, slot: str, value: Any) -> dict[str, Any]:
    """The placeholders of a message that names ``value`` of ``slot``: ``value`` as the conversation's language says
    it (:func:`shown_value`) and ``value_en`` (a place in English: :func:`~assistant.dialogue.understood.said_values`),
    which the English correction and understood-place responses use."""
    return {**said_values(slot, value), "value": shown_value(context, slot, value)}


def _last_answered(tracker: DialogueStateTracker, slots: list[str]) -> str | None:
    """The slot of ``slots`` that got a value last before the latest user message, or None."""
    seen_user = False
    for e in reversed(tracker.applied_events()):
        if isinstance(e, UserUttered):
            seen_user = True
        elif seen_user and isinstance(e, SlotSet) and e.name in slots and e.value is not None:
            return e.name
    return None


def _pick(context: TurnContext, specific: str, generic: str) -> str:
    return specific if context.has_response(specific) else generic


def _invalid_response(context: TurnContext, slot: str, reason: str | None = None) -> str | None:
    """``utter_invalid_<slot>_<reason>`` (the validator's reason, e.g. ``utter_invalid_age_a_range``) if the domain
    has it, else ``utter_invalid_<slot>``, else ``utter_invalid_value``, else None (a domain without either: Rasa's
    behaviour)."""
    if reason and context.has_response(f"utter_invalid_{slot}_{reason}"):
        return f"utter_invalid_{slot}_{reason}"
    name = _pick(context, f"utter_invalid_{slot}", "utter_invalid_value")
    return name if context.has_response(name) else None
