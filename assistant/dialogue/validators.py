"""In-process slot validators for forms.

A validator takes the candidate value (what a slot mapping extracted) and
returns a :class:`Validation`: the value to keep (normalised) or a rejection.
Built-ins, chosen by :meth:`ValidatorRegistry.get` when nothing is registered
for the form and slot:

* ``age`` slots: :func:`validate_age` (the ``age`` entity, a bare number, or a
  birth date as ISO ``YYYY-MM-DD`` turned into 만 나이; 0 ≤ age ≤ 125) on the registry's date: the NLU's clock
  (the conversation's current date in Asia/Seoul), never the machine's local date (s11 #4: a date typed at the age
  question without a birth word was read against the server's date, a day behind Seoul's between 15:00 and 24:00
  UTC, and against the real date where the NLU ran on a fixed clock).
* ``float`` slots: a number within the slot's ``min_value``/``max_value``.
* ``categorical`` slots: one of ``values`` (case-insensitive; the declared spelling is kept).
* other types: any non-empty value.

Rasa's equivalent is a ``FormValidationAction`` with ``validate_<slot>``
methods (rasa_sdk ``forms.py``); a ``validate_<form>`` custom action is used
instead when one is registered or listed under the domain's ``actions``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from assistant.nlu.domain import SlotDef

#: The time zone whose date is "today" when no clock is given: the entity pipeline's default
#: (:class:`assistant.nlu.entities.pipeline.EntityPipelineConfig` ``timezone``).
DEFAULT_TIMEZONE = "Asia/Seoul"
#: Oldest age accepted (years); the oldest documented person lived to 122.
MAX_AGE = 125
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Validation:
    """A validator's verdict: ``ok`` with the normalised ``value``, or not ``ok`` with a ``reason`` code."""

    ok: bool
    value: Any = None
    reason: str | None = None


Validator = Callable[[Any, SlotDef | None], Validation]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        m = _NUMBER.match(value.replace(",", ""))
        if m:
            return float(m.group(1))
    return None


def _whole(x: float) -> int | float:
    return int(x) if x.is_integer() else x


def age_from_birth_date(iso: str, today: dt.date | None = None) -> int | None:
    """만 나이 (completed years) on ``today`` (default: the current date in :data:`DEFAULT_TIMEZONE`) for a birth date
    ``YYYY-MM-DD``; None if the date does not exist."""
    m = _ISO_DATE.match(iso.strip())
    if not m:
        return None
    try:
        born = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    today = today or dt.datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def validate_age(value: Any, slot: SlotDef | None = None, today: dt.date | None = None) -> Validation:
    """An age in completed years (0..:data:`MAX_AGE`), from a number or a birth date.

    Returns:
        ``Validation(True, 67)``; ``reason`` ``"not_a_number"``, ``"out_of_range"``,
        ``"future_birth_date"`` or ``"a_range"`` when rejected. ``"a_range"`` is an age interval from the NLU
        ("65세 이상", "between 60 and 70": a Duckling-shaped ``{"from", "to"}``): no one value is taken from it
        (either bound could be wrong), so the form asks for the age itself with its own message.
        ``"birth_year_only"``: the two ages a year of birth allows ("58년생": ``{"from": 67, "to": 68, "from_birth":
        "year"}``, :mod:`assistant.nlu.entities.birth_ages`); the form asks for the age or the full date of birth.
    """
    if isinstance(value, dict) and value.get("from_birth") == "year":
        return Validation(False, reason="birth_year_only")
    if isinstance(value, dict) and ("from" in value or "to" in value):
        return Validation(False, reason="a_range")
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        years = age_from_birth_date(value, today)
        if years is None:
            return Validation(False, reason="not_a_number")
        if years < 0:
            return Validation(False, reason="future_birth_date")
        value = years
    n = _number(value)
    if n is None:
        return Validation(False, reason="not_a_number")
    if not 0 <= n <= MAX_AGE or not n.is_integer():
        return Validation(False, reason="out_of_range")
    return Validation(True, int(n))


def validate_float(value: Any, slot: SlotDef | None) -> Validation:
    """A number within the slot's ``min_value``..``max_value`` (no bounds when the slot has none).

    An interval from the NLU ("40~50%", "between 60 and 70": ``{"from", "to"}``) is rejected with reason
    ``"a_range"``, as for the age (:func:`validate_age`): neither bound is taken, and the form asks for one number
    (``utter_invalid_<slot>_a_range`` where the domain has it).
    """
    if isinstance(value, dict) and ("from" in value or "to" in value):
        return Validation(False, reason="a_range")
    n = _number(value)
    if n is None:
        return Validation(False, reason="not_a_number")
    lo = slot.min_value if slot and slot.min_value is not None else float("-inf")
    hi = slot.max_value if slot and slot.max_value is not None else float("inf")
    if not lo <= n <= hi:
        return Validation(False, reason="out_of_range")
    return Validation(True, _whole(n))


def validate_categorical(value: Any, slot: SlotDef | None) -> Validation:
    """One of the slot's ``values`` (case-insensitive)."""
    allowed = list(slot.values) if slot else []
    for a in allowed:
        if str(a).lower() == str(value).strip().lower():
            return Validation(True, a)
    return Validation(False, reason="not_allowed")


def validate_any(value: Any, slot: SlotDef | None) -> Validation:
    """Anything but ``None`` or blank text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Validation(False, reason="empty")
    return Validation(True, value)


_BY_TYPE: dict[str, Validator] = {"float": validate_float, "categorical": validate_categorical}


class ValidatorRegistry:
    """Validators per ``(form, slot)``, per slot name, with built-ins by slot type.

    Args:
        today: the conversation's current date, read at each validation (the engine passes its NLU's clock,
            :meth:`assistant.nlu.entities.pipeline.EntityPipeline.today`, so a birth date gives the same age at the
            age question as in an opening message); None: the current date in :data:`DEFAULT_TIMEZONE`.

    Example:
        >>> reg = ValidatorRegistry(today=lambda: dt.date(2026, 12, 1))
        >>> reg.get("eligibility_form", "age", None)("67", None).value
        67
        >>> reg.get("eligibility_form", "age", None)("1958-12-01", None).value
        68
    """

    def __init__(self, today: Callable[[], dt.date] | None = None) -> None:
        self._today = today
        self._by_form_slot: dict[tuple[str, str], Validator] = {}
        self._by_slot: dict[str, Validator] = {"age": self._age}

    def _age(self, value: Any, slot: SlotDef | None) -> Validation:
        return validate_age(value, slot, self._today() if self._today is not None else None)

    def register(self, slot: str, validator: Validator, form: str | None = None) -> None:
        """Use ``validator`` for ``slot`` (in ``form`` only, when given)."""
        if form is None:
            self._by_slot[slot] = validator
        else:
            self._by_form_slot[(form, slot)] = validator

    def get(self, form: str, slot: str, slot_def: SlotDef | None) -> Validator:
        """The validator for ``slot`` in ``form``: registered for the form, for the slot, by type, else :func:`validate_any`."""
        found = self._by_form_slot.get((form, slot)) or self._by_slot.get(slot)
        if found is not None:
            return found
        return _BY_TYPE.get(slot_def.type if slot_def else "", validate_any)
