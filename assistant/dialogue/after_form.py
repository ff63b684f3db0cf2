"""Corrections right after a form's result: "sorry, I meant 40 percent", "actually I'm 45", "아 40%요", "아니 45살이에요".

Inside a form a correction changes the slot it names (:mod:`assistant.dialogue.corrections`). Once the form has ended
and its result was given (the action that ran right after the form deactivated: the bundled ``action_check_eligibility``
of the rule "Check eligibility when the eligibility form is complete"), the same message used to get "무엇을 도와
드릴까요?" (the rule for an ``inform`` outside a form) and the result was never given again: the citizen had to start
over. Now a message that holds a new value for one of the ended form's slots, told apart by the value's kind, not by
a slot name the citizen would have to know, changes that slot and the result is given again:

* the kind is the entity: a slot of the form takes the message's entities that one of its ``from_entity`` mappings
  reads *without* a ``requested_slot`` condition (``percentage`` and ``income_pct`` → the income, ``age`` → the age,
  ``region`` → where the citizen lives). A bare ``number`` is mapped only while its question is asked, so it names
  no kind by itself: "sorry, I meant 40" corrects the value the citizen's previous message gave ("actually I'm 45"
  → the age; "60%" → the income), when that message gave one value of a slot that reads a bare number at its
  question; else it changes nothing (was: read as ``repeat``, the answer repeated with the old age);
* the message is such an answer: the mapping's own ``intent`` filter holds (an ``inform``: "아 40%요"), or the message
  says it corrects something (:func:`~assistant.dialogue.corrections.is_correction`: "sorry", "actually", "아니");
  "오늘 부산 날씨 어때요?" after the result changes nothing;
* the value differs from the slot's value before the message and its validator accepts it (the same validators as
  the form's); an old value quoted beside the new one ("60% not 50%") is not taken.

:class:`ActionCorrectAfterForm` sets the slots and says so (``utter_corrected_<slot>``, else ``utter_slot_corrected``);
:class:`CorrectionAfterFormPolicy` runs it, then the form's result action again, then waits. An invalid value is
answered with the form's validation message (``utter_invalid_<slot>[_<reason>]``) and the result is not repeated.

Why our own rule: Rasa has no notion of a result to redo after a form; a story per slot and kind would be needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.corrections import is_correction, quoted_old_values
from assistant.dialogue.events import ACTION_LISTEN_NAME, ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet, UserUttered
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.dialogue.validators import ValidatorRegistry
from assistant.nlu.domain import Domain

#: The built-in action that applies such a correction.
CORRECT_AFTER_FORM = "action_correct_after_form"
_SKIPPED = frozenset({ACTION_LISTEN_NAME, "action_extract_slots", "action_session_start"})


@dataclass(frozen=True)
class FinishedForm:
    """The form whose result was the last thing said before the latest user message.

    Attributes:
        form: the form's name.
        result_action: the action that ran right after the form ended (its result), to run again.
    """

    form: str
    result_action: str


def finished_form(tracker: DialogueStateTracker, domain: Domain) -> FinishedForm | None:
    """The form whose result action is the last action before the latest user message, or None.

    The result action is the first action after the form deactivated (``active_loop: null`` right after the form's
    own action); corrections in between (:data:`CORRECT_AFTER_FORM` and the result again) keep it the form's result.
    """
    events = tracker.applied_events()
    users = [i for i, e in enumerate(events) if isinstance(e, UserUttered)]
    if not users:
        return None
    actions = [(i, e.action_name) for i, e in enumerate(events[: users[-1]])
               if isinstance(e, ActionExecuted) and e.action_name and e.action_name not in _SKIPPED]
    if not actions:
        return None
    result = actions[-1][1]
    for k in range(len(actions) - 1, -1, -1):
        i, name = actions[k]
        if name in (result, CORRECT_AFTER_FORM):
            continue
        return None if name not in domain.forms else _ended_then(events, actions, k, name, result)
    return None


def _ended_then(events: list[Event], actions: list[tuple[int, str]], k: int, form: str, result: str) -> FinishedForm | None:
    """``form`` (the action at ``actions[k]``) deactivated there and ``result`` ran next."""
    i = actions[k][0]
    nxt = actions[k + 1][0]
    ended = any(isinstance(e, ActiveLoop) and e.name is None for e in events[i:nxt])
    return FinishedForm(form, result) if ended and actions[k + 1][1] == result and result not in (form, CORRECT_AFTER_FORM) else None


def _kind_slot(domain: Domain, slots: tuple[str, ...], entity: dict[str, Any], intent: str | None,
               correcting: bool) -> str | None:
    """The one slot of ``slots`` that a ``from_entity`` mapping without a ``requested_slot`` condition fills from
    ``entity`` (by name, role and group) for this message, or None (none, or several). A mapping conditioned on the
    form's loop (any intent while the form asks) counts only when the message says it corrects (``correcting``)."""
    found = []
    for name in slots:
        slot = domain.slots.get(name)
        for m in slot.mappings if slot is not None else ():
            if m.type != "from_entity" or m.entity != entity.get("entity"):
                continue
            if any("requested_slot" in c for c in m.conditions):
                continue  # a bare number is this slot's only while its question is asked
            if any("active_loop" in c for c in m.conditions) and not correcting:
                # written for answers while the form asks (any intent): after it, only for a message that says it
                # corrects; else "오늘 부산 날씨 어때요?" would move where the citizen lives
                continue
            if m.role is not None and m.role != entity.get("role") or m.group is not None and m.group != entity.get("group"):
                continue
            if not correcting and (m.intent and intent not in m.intent or intent in m.not_intent):
                continue
            found.append(name)
            break
    return found[0] if len(found) == 1 else None


def corrections_after_form(tracker: DialogueStateTracker, domain: Domain) -> tuple[FinishedForm, list[tuple[str, Any]]] | None:
    """The ended form and the ``(slot, value)`` pairs the latest message corrects (see the module docstring; values
    as the NLU gave them, not yet validated), or None when the message is no such correction."""
    msg = tracker.latest_message
    if msg is None or tracker.active_loop is not None:
        return None
    done = finished_form(tracker, domain)
    if done is None or done.form not in domain.forms:
        return None
    text = msg.text or ""
    entities = [e for e in tracker.latest_entities if isinstance(e, dict)]
    old = {id(e) for e in quoted_old_values(text, entities)}
    correcting = is_correction(text)
    before = tracker.slots_before_latest_message()
    fixes: dict[str, Any] = {}
    for e in entities:
        if id(e) in old or e.get("value") is None:
            continue
        slot = _kind_slot(domain, domain.forms[done.form].required_slots, e, msg.intent_name, correcting)
        if slot is not None and slot not in fixes and e.get("value") != before.get(slot):
            fixes[slot] = e.get("value")
    if not fixes and correcting:
        fixes.update(_bare_number_fix(tracker, domain, done.form, [e for e in entities if id(e) not in old], before))
    return (done, list(fixes.items())) if fixes else None


def _just_given(tracker: DialogueStateTracker, slots: tuple[str, ...]) -> str | None:
    """The one slot of ``slots`` that the user message before the latest one gave a value (a ``slot`` event with a
    value other than the one before it, between that message and the latest), or None (none, or several)."""
    events = tracker.applied_events()
    users = [i for i, e in enumerate(events) if isinstance(e, UserUttered)]
    if len(users) < 2:
        return None
    values: dict[str, Any] = {}
    for e in events[: users[-2]]:
        if isinstance(e, SlotSet):
            values[e.name] = e.value
    given: set[str] = set()
    for e in events[users[-2] : users[-1]]:
        if isinstance(e, SlotSet) and e.name in slots:
            if e.value is not None and e.value != values.get(e.name):
                given.add(e.name)
            values[e.name] = e.value
    return given.pop() if len(given) == 1 else None


def _bare_number_fix(tracker: DialogueStateTracker, domain: Domain, form: str, entities: list[dict[str, Any]],
                     before: dict[str, Any]) -> dict[str, Any]:
    """A bare number that says it corrects ("sorry, I meant 40", "아니 40이요") and is the message's only value: the
    slot the previous message gave (:func:`_just_given`: "actually I'm 45" → the age; "60%" → the income), when that
    slot reads a bare number at its own question (a ``number`` mapping conditioned on ``requested_slot``); else
    nothing. The number is of the kind of the value it replaces, as the citizen's "I meant" says."""
    values = [e for e in entities if e.get("value") is not None]
    if len(values) != 1 or values[0].get("entity") != "number":
        return {}
    slot = _just_given(tracker, domain.forms[form].required_slots)
    definition = domain.slots.get(slot) if slot is not None else None
    if slot is None or definition is None or values[0]["value"] == before.get(slot):
        return {}
    reads_number = any(m.type == "from_entity" and m.entity == "number"
                       and any(c.get("requested_slot") == slot for c in m.conditions) for m in definition.mappings)
    return {slot: values[0]["value"]} if reads_number else {}


class ActionCorrectAfterForm:
    """:data:`CORRECT_AFTER_FORM`: set the corrected slots (validated as the form validates them) and say so.

    Args:
        validators: the forms' validator registry (the same one as the :class:`~assistant.dialogue.forms.FormAction`s).
    """

    name = CORRECT_AFTER_FORM

    def __init__(self, validators: ValidatorRegistry) -> None:
        self.validators = validators

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """``slot`` events and one ``utter_corrected_<slot>`` per valid value; an ``utter_invalid_<slot>…`` (and the
        slot's value before the message) for the first invalid one."""
        from assistant.dialogue.forms import CORRECTED_SLOT, _invalid_response, _pick, _said

        found = corrections_after_form(tracker, domain)
        if found is None:
            return []
        done, fixes = found
        before = tracker.slots_before_latest_message()
        out: list[Event] = []
        invalid: BotUttered | None = None
        for slot, value in fixes:
            verdict = self.validators.get(done.form, slot, domain.slots.get(slot))(value, domain.slots.get(slot))
            if not verdict.ok:
                out.append(SlotSet(slot, before.get(slot)))  # a mapping may have set it from this message
                response = _invalid_response(context, slot, verdict.reason)
                if invalid is None and response is not None:
                    invalid = context.utter(tracker, response)
                continue
            out.append(SlotSet(slot, verdict.value))
            said = _pick(context, f"utter_corrected_{slot}", "utter_slot_corrected")
            if context.has_response(said):
                out.append(context.utter(tracker, said, custom={CORRECTED_SLOT: slot}, **_said(context, slot, verdict.value)))
        return [*out, invalid] if invalid is not None else out


def asks_for_other_help(tracker: DialogueStateTracker, context: TurnContext) -> bool:
    """Whether the latest message is a question or request of its own rather than a correction: its intent is not
    ``inform``, does not say it corrects (:func:`~assistant.dialogue.corrections.is_correction`: "sorry", "actually",
    "아니") and names a service (``context.services``), a benefit of the glossary, or a kind of help (a topic
    word: :func:`~assistant.dialogue.eligibility_route.topic_terms`).

    "저 67살인데 기초연금 받을 수 있나요?" or "Can I get help with kindergarten fees for my 4 year old?" right after the
    general questionnaire's result holds an age, so it used to be read as a correction: "나이를 67세로 고쳤어요" and the
    same result again, and the question about 기초연금 was never answered (session 17, found on the README's first
    command, where the result is "eligibility cannot be checked here"). Such a message keeps its own route; the age it
    gives is still taken by the slot's mappings. "아니 45살이에요", "sorry, I meant 40 percent" and "45살인데 다시 보여
    주세요" (no topic) stay corrections.
    """
    from assistant.dialogue.builtin_actions import top_intent
    from assistant.dialogue.eligibility_route import named_benefit, topic_terms
    from assistant.knowledge.glossary import default_glossary

    message = tracker.latest_message
    if message is None:
        return False
    intent, _ = top_intent(tracker)
    text = message.text or ""
    if intent == "inform" or is_correction(text):
        return False
    find = getattr(context.services, "find", None)
    if find is not None and find(text) or named_benefit(default_glossary(), text) is not None:
        return True
    tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
    return tokenizer is not None and bool(topic_terms(text, list(message.entities), tokenizer))


class CorrectionAfterFormPolicy:
    """Right after a form's result: a correction (:func:`corrections_after_form`) → :data:`CORRECT_AFTER_FORM`; after
    it, the form's result action again when a slot changed, else wait."""

    name = "CorrectionAfterFormPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Any:
        """A :class:`~assistant.dialogue.policies.Prediction`, or None to let the next policy decide."""
        from assistant.dialogue.policies import Prediction

        latest = tracker.latest_action_name
        if latest == ACTION_LISTEN_NAME:
            if asks_for_other_help(tracker, context):
                return None
            return Prediction(CORRECT_AFTER_FORM, self.name) if corrections_after_form(tracker, context.domain) else None
        if latest != CORRECT_AFTER_FORM:
            return None
        events = tracker.applied_events()
        last = max(i for i, e in enumerate(events) if isinstance(e, ActionExecuted) and e.action_name == CORRECT_AFTER_FORM)
        changed = any(isinstance(e, SlotSet) for e in events[last + 1 :]) and \
            not any(isinstance(e, BotUttered) and (e.data.get("custom") or {}).get("response", "").startswith("utter_invalid_")
                    for e in events[last + 1 :])
        done = finished_form(tracker, context.domain)
        return Prediction(done.result_action if changed and done is not None else ACTION_LISTEN_NAME, self.name)
