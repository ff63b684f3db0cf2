"""Corrections inside a form: a message that changes an answer given before fills only the slot it names.

While a form asks for a number ("소득이 기준 중위소득의 몇 % 정도인가요?"), the domain maps a bare ``number`` entity
to the requested slot. A correction of an earlier answer also holds numbers, and they belong to the corrected slot
(fresh-user test s8, defect 1):

* "sorry, my age is 68 not 67" at the income question: the ``age`` entity (68) changes the age, and the bare ``67``
  is the old value quoted, not an income;
* "no, I'm actually 68" at the income question: only a bare ``number``; the words ("I'm …", "나이", "살", "years
  old") say it is an age;
* "아니 68" right after "67" was the answer to the age question: a correction of the last answer.

:func:`repair_correction` undoes the requested slot's fill from such a number and, when the number belongs to
another slot that no entity of the message filled, sets that slot instead. The form then validates the corrected
slot (``utter_corrected_<slot>``) and asks its question again.

Why our own rule: neither Rasa nor a library reads which slot a correction names; the cue words are a short list
per language, kept here next to the only code that reads them.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.dialogue.events import Event, SlotSet

#: Words that mark a message as a correction of something said before ("not" and "mean" alone are not: "I'm not sure,
#: maybe 50", "what do you mean"; "68 not 67" is read by the old value it quotes).
CORRECTION_CUES = re.compile(
    r"아니(?:요|오|에요|예요|고|라|야)?(?![가-힣])|아닌데|아뇨|잘못|정정|고칠|고쳐|수정|틀렸|말고|"
    r"\b(?:no|nope|sorry|actually|meant|mistake|wrong|correction|rather)\b",
    re.IGNORECASE,
)
#: Words that name a number-valued slot in a message that gives only a bare number ("no, I'm actually 68").
SLOT_CUES: dict[str, re.Pattern[str]] = {
    "age": re.compile(r"나이|연세|만\s*\d|\d+\s*(?:살|세)(?![가-힣])|\bage[ds]?\b|\byears?\s+old\b|\bold\b|"
                      r"\bI(?:'m|\s+am)\s+(?:actually\s+|really\s+|now\s+|only\s+)?\d", re.IGNORECASE),
    "income_pct": re.compile(r"소득|퍼센트|프로|%|\bincome\b|\bper\s*cent\b|\bpercent\b|\bearn", re.IGNORECASE),
}
#: The generic number entity the domain maps to the requested slot while a form asks.
NUMBER_ENTITY = "number"


#: Words that quote an old value beside the new one: "60% not 50%", "60, instead of 50", "60%예요 50% 말고요",
#: "50%가 아니라 60%" (the value they mark is the one being replaced).
_OLD_BEFORE = re.compile(r"(?:\bnot|\binstead\s+of|\brather\s+than)\s+$", re.IGNORECASE)
_OLD_AFTER = re.compile(r"\s*(?:(?:이|가)?\s*)?(?:말고|아니고|아니라|아닌|대신)")


def quoted_old_values(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entities of ``text`` that a correction quotes as the old value ("60% not 50%" → the 50% entity; "60%예요
    50% 말고요", "50%가 아니라 60%"), by the words right before ("not", "instead of", "rather than") or after (말고,
    아니고, 아니라, 대신) their span. ``entities`` are Rasa-shaped (``start``/``end`` offsets into ``text``)."""
    out = []
    for e in entities:
        start, end = e.get("start"), e.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        if _OLD_BEFORE.search(text[max(0, start - 16) : start]) or _OLD_AFTER.match(text, end):
            out.append(e)
    return out


def is_correction(text: str) -> bool:
    """Whether ``text`` says that something said before was wrong ("아니요", "잘못 말했어요", "sorry", "actually")."""
    return bool(CORRECTION_CUES.search(text or ""))


def named_number_slot(text: str, candidates: list[str]) -> str | None:
    """The one slot among ``candidates`` whose words :data:`SLOT_CUES` finds in ``text``, or None (none, or several)."""
    named = [s for s in candidates if s in SLOT_CUES and SLOT_CUES[s].search(text or "")]
    return named[0] if len(named) == 1 else None


def repair_correction(text: str, entities: list[dict[str, Any]], changed: list[SlotSet], requested: str | None,
                      previous: dict[str, Any], form_slots: list[str], numeric_slots: set[str],
                      last_answered: str | None) -> tuple[list[Event], list[SlotSet]] | None:
    """The events that undo a requested-slot fill taken from a number of a correction, and the form's changed slots
    as they should read; None when the message is no such correction (nothing to repair).

    Args:
        text: the user message.
        entities: its entities (Rasa shape: ``entity``, ``value``, ``start``, ``end``).
        changed: the form's required slots set since the message (``slot`` events of :func:`forms.extract_slots`).
        requested: the slot the form asks for.
        previous: slot values before the message.
        form_slots: the form's required slots, in order.
        numeric_slots: those a number fills (``float`` slots).
        last_answered: the form slot the citizen answered last before this message, or None.

    Returns:
        ``(events, changed)``: ``events`` resets the requested slot to its value before the message (and sets the
        slot the number belongs to); ``changed`` lists the form's slots set by this message after the repair (the
        requested slot no longer among them). The rules:

        * the requested slot was filled from a bare ``number`` entity (no entity of its own name) and the message
          is a correction (:data:`CORRECTION_CUES`) or the number is another slot's value before the message ("…
          not 67") or the value of another slot's entity in it;
        * then the number belongs to the slot another entity of the message fills (nothing more to set), else to the
          number slot its words name (:data:`SLOT_CUES`: "I'm actually 68" → age), else, for a correction with no
          such words, to the slot answered last ("아니 68" after "67"); if that is the requested slot itself, the
          number is the answer and nothing is repaired.
    """
    if not requested:
        return None
    filled = next((c for c in changed if c.name == requested and c.value is not None), None)
    # a number that counts something ("I meant 4 kids": additional_info["counted"]) corrects no number slot
    numbers = [e for e in entities if e.get("entity") == NUMBER_ENTITY and not (e.get("additional_info") or {}).get("counted")]
    if any(e.get("entity") == requested for e in entities) or not numbers:
        return None
    others = [c for c in changed if c.name != requested]
    other_values = {str(v) for v in (*(previous.get(s) for s in form_slots if s != requested),
                                     *(e.get("value") for e in entities if e.get("entity") in form_slots
                                       and e.get("entity") != requested))} - {"None"}
    correction = is_correction(text)
    quoted = filled is not None and _same_number(filled.value, other_values)
    if filled is not None and not (correction or quoted):
        return None
    if filled is None and not correction:
        return None
    if others and filled is not None:
        return [SlotSet(requested, previous.get(requested))], others  # the message named the slot it corrects
    if others:
        return None  # another entity already holds the correction; the number filled nothing
    target = named_number_slot(text, [s for s in form_slots if s in numeric_slots])
    if target is None and correction:
        target = last_answered if last_answered in numeric_slots else None
    if target is None or target == requested:
        return None
    old = previous.get(target)
    values = [e.get("value") for e in sorted(numbers, key=lambda e: int(e.get("start") or 0))]
    new = next((v for v in values if old is None or not _same_number(v, {str(old)})), None)
    if new is None:
        return None
    undo: list[Event] = [SlotSet(requested, previous.get(requested))] if filled is not None else []
    fix = SlotSet(target, new)
    return [*undo, fix], [fix]


def _same_number(value: Any, among: set[str]) -> bool:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value) in among
    for v in among:
        try:
            if float(v) == x:
                return True
        except ValueError:
            continue
    return False
