"""Slot validators and slot mappings (no NLU)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.dialogue.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from assistant.dialogue.forms import extract_slots
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.dialogue.validators import MAX_AGE, ValidatorRegistry, age_from_birth_date, validate_age, validate_categorical, validate_float
from assistant.nlu.domain import Domain, SlotDef

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("value", "ok", "expected"),
    [
        (67, True, 67),
        ("67", True, 67),
        (67.0, True, 67),
        ("1958-03-02", True, 2026 - 1958),  # birthday (3/2) already passed on 11/29
        ("1958-12-25", True, 2026 - 1958 - 1),  # not yet this year
        ("1990-02-31", False, None),  # no such day
        ("2030-01-01", False, None),  # born in the future
        ("음 글쎄요", False, None),
        ("1990년 2월 31일", False, None),
        (-1, False, None),
        (MAX_AGE + 1, False, None),
        (True, False, None),
        (67.5, False, None),
    ],
)
def test_age(value, ok: bool, expected) -> None:  # type: ignore[no-untyped-def]
    v = validate_age(value, None, today=TODAY)
    assert v.ok is ok and (v.value == expected if ok else v.reason)


def test_birth_date_to_age_counts_completed_years() -> None:
    assert age_from_birth_date("2000-11-29", TODAY) == 26  # birthday today
    assert age_from_birth_date("2000-11-30", TODAY) == 25  # tomorrow
    assert age_from_birth_date("2000-02-30", TODAY) is None


def test_float_bounds_and_categorical() -> None:
    slot = SlotDef("income_pct", "float", min_value=0.0, max_value=1000.0)
    assert validate_float("50", slot).value == 50 and validate_float(1000.0, slot).ok
    assert not validate_float(1000.5, slot).ok and not validate_float("lots", slot).ok
    cat = SlotDef("language", "categorical", values=("ko", "en"))
    assert validate_categorical("EN", cat).value == "en" and not validate_categorical("fr", cat).ok


def test_registry_prefers_form_then_slot_then_type() -> None:
    reg = ValidatorRegistry()
    slot = SlotDef("x", "float", min_value=0.0, max_value=1.0)
    assert reg.get("f", "x", slot)(5, slot).ok is False  # by type: float bounds
    reg.register("x", lambda v, s: validate_age(v, s))
    assert reg.get("f", "x", slot)(5, slot).ok is True  # by slot name
    reg.register("x", lambda v, s: validate_float(v, s), form="f")
    assert reg.get("f", "x", slot)(5, slot).ok is False and reg.get("g", "x", slot)(5, slot).ok is True


def _domain() -> Domain:
    return Domain.load(Path(__file__).resolve().parents[2] / "intents" / "domain.yml")


def _tracker(domain: Domain, *events, entities=(), intent="inform", text="x"):  # type: ignore[no-untyped-def]
    t = DialogueStateTracker.from_events("u", [ActionExecuted("action_listen"), *events], {**domain.slots, "requested_slot": None})
    t.update(UserUttered(text, {"intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}))
    return t


def test_from_entity_mapping_without_conditions_fills_anytime() -> None:
    d = _domain()
    t = _tracker(d, entities=[{"entity": "region", "value": "부산광역시"}])
    assert [(e.name, e.value) for e in extract_slots(t, d)] == [("region", "부산광역시")]


def test_conditioned_mapping_only_while_the_form_asks_for_that_slot() -> None:
    d = _domain()
    number = [{"entity": "number", "value": 67}]
    assert extract_slots(_tracker(d, entities=number), d) == []  # no form: a bare number fills nothing
    asking_age = (ActiveLoop("eligibility_form"), SlotSet("requested_slot", "age"))
    assert [(e.name, e.value) for e in extract_slots(_tracker(d, *asking_age, entities=number), d)] == [("age", 67)]
    asking_income = (ActiveLoop("eligibility_form"), SlotSet("requested_slot", "income_pct"))
    assert [(e.name, e.value) for e in extract_slots(_tracker(d, *asking_income, entities=number), d)] == [("income_pct", 67)]


def test_unchanged_value_sets_nothing() -> None:
    d = _domain()
    t = _tracker(d, SlotSet("region", "부산광역시"), entities=[{"entity": "region", "value": "부산광역시"}])
    assert extract_slots(t, d) == []


@pytest.mark.parametrize("value", [{"from": 65, "to": None}, {"from": None, "to": 19}, {"from": 19, "to": 39}])
def test_an_age_interval_is_rejected_as_a_range_never_reduced_to_one_bound(value: dict[str, int | None]) -> None:
    verdict = validate_age(value)
    assert (verdict.ok, verdict.reason, verdict.value) == (False, "a_range", None)


def test_registry_reads_the_age_on_its_clock() -> None:
    """s11 #4: the form's age validator read a birth date against the machine's date. On the registry's clock
    (2030-03-02): born 1958-03-02 → 72 (birthday that day), born 1958-03-03 → 71; computed by hand."""
    reg = ValidatorRegistry(today=lambda: dt.date(2030, 3, 2))
    age = reg.get("eligibility_form", "age", None)
    assert (age("1958-03-02", None).value, age("1958-03-03", None).value) == (72, 71)
    assert age("2030-03-03", None).reason == "future_birth_date"


def test_the_default_today_is_seouls_date_not_the_machines() -> None:
    """Without a clock, "today" is the date in Asia/Seoul (the NLU's default zone): someone whose birthday is Seoul's
    today has had it, whatever the machine's zone or the UTC hour (UTC is a day behind from 15:00 to 24:00)."""
    from zoneinfo import ZoneInfo

    seoul = dt.datetime.now(ZoneInfo("Asia/Seoul")).date()
    born = seoul.replace(year=seoul.year - 60) if (seoul.month, seoul.day) != (2, 29) else dt.date(seoul.year - 60, 3, 1)
    assert validate_age(born.isoformat()).value == 60
    assert ValidatorRegistry().get("f", "age", None)(born.isoformat(), None).value == 60
