"""English year counts read as ages or as durations by their sentence (assistant/nlu/entities/age_context.py).

Both ways: the same "over N years" is an ``age`` where the sentence is about age and a ``duration`` where it is
about time spent. Expected values come from the tables typed here (the bound words' side and inclusiveness, a
year = 365 days in seconds as Duckling counts it), not from the extractor.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.nlu.entities.age_context import is_age_context
from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig
from assistant.nlu.types import EntitySpan

YEAR_S = 365 * 86400
#: bound words → (side, inclusive); None: no bound (one value)
BOUNDS: dict[str, tuple[str, bool] | None] = {
    "over": ("from", False), "at least": ("from", True), "under": ("to", False), "or older": ("from", True),
    "and older": ("from", True), "or younger": ("to", True), "older than": ("from", False), "": None,
}  # fmt: skip

#: (message, expression, its bound words, the number) — ages
AGES = [
    ("I'm over 65 years", "over 65 years", "over", 65),
    ("people over 65 years can get it", "over 65 years", "over", 65),
    ("65 years or older", "65 years or older", "or older", 65),
    ("I am 65 years or older", "65 years or older", "or older", 65),
    ("Seniors 70 years and older ride free", "70 years and older", "and older", 70),
    ("children 6 years or younger", "6 years or younger", "or younger", 6),
    ("older than 65 years", "older than 65 years", "older than", 65),
    ("aged over 65", "over 65", "over", 65),
    ("for residents aged over 65", "over 65", "over", 65),
    ("seniors aged over 65 years", "over 65 years", "over", 65),
    ("I am over 65", "over 65", "over", 65),
    ("my father is at least 80", "at least 80", "at least", 80),
    ("Is there a pension over 65 years?", "over 65 years", "over", 65),
    ("What is the age limit, under 39 years?", "under 39 years", "under", 39),
    ("I am 65 years", "65 years", "", 65),
    ("anyone who is over 60 years", "over 60 years", "over", 60),
]
#: (message, expression, its bound words, the number) — durations
DURATIONS = [
    ("over 65 years", "over 65 years", "over", 65),
    ("I have lived here over 5 years", "over 5 years", "over", 5),
    ("I have been married for over 5 years", "over 5 years", "over", 5),
    ("Residents over 3 years can apply.", "over 3 years", "over", 3),
    ("a residence of over 5 years", "over 5 years", "over", 5),
    ("I am a senior and have lived in Seoul over 10 years", "over 10 years", "over", 10),
    ("elderly care, over 5 years in a row", "over 5 years", "over", 5),
    ("I'm 70. I have worked at least 20 years", "at least 20 years", "at least", 20),
    ("at least 3 years of residence", "at least 3 years", "at least", 3),
]


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    return EntityPipeline()


def _found(pipe: EntityPipeline, text: str, expr: str) -> EntitySpan:
    spans = [e for e in pipe.extract(text) if e.text == expr]
    assert len(spans) == 1, (text, [(e.entity, e.text, e.value) for e in pipe.extract(text)])
    assert spans[0].start == text.index(expr)
    return spans[0]


def _expected(words: str, n: int, age: bool) -> tuple[Any, dict[str, Any]]:
    bound = BOUNDS[words]
    if bound is None:
        if age:
            return n, {"value": n, "unit": "year", "valid": True}
        return n, {"type": "value", "value": n, "unit": "year", "year": n, "normalized": {"value": n * YEAR_S, "unit": "second"}}
    side, inclusive = bound
    value = {"from": n, "to": None} if side == "from" else {"from": None, "to": n}
    info: dict[str, Any] = {"value": n, "unit": "year", "inclusive": inclusive}
    if not age:
        info["normalized"] = {"value": n * YEAR_S, "unit": "second"}
    return value, {"type": "interval", side: info}


@pytest.mark.parametrize(("text", "expr", "words", "n"), AGES)
def test_sentence_about_age_gives_an_age(pipe: EntityPipeline, text: str, expr: str, words: str, n: int) -> None:
    span = _found(pipe, text, expr)
    value, info = _expected(words, n, age=True)
    assert (span.entity, span.value, span.additional_info) == ("age", value, info)
    assert not [e for e in pipe.extract(text) if e.entity in ("duration", "number")]


@pytest.mark.parametrize(("text", "expr", "words", "n"), DURATIONS)
def test_time_spent_stays_a_duration(pipe: EntityPipeline, text: str, expr: str, words: str, n: int) -> None:
    span = _found(pipe, text, expr)
    value, info = _expected(words, n, age=False)
    assert (span.entity, span.value, span.additional_info) == ("duration", value, info)


def test_both_in_one_message(pipe: EntityPipeline) -> None:
    text = "My mother is over 80 and has lived here over 10 years"
    got = [(e.entity, e.text, e.value) for e in pipe.extract(text)]
    assert got == [("age", "over 80", {"from": 80, "to": None}), ("duration", "over 10 years", {"from": 10, "to": None})]


def test_rule_reads_only_year_durations() -> None:
    text = "people over 6 months"
    months = EntitySpan(entity="duration", start=7, end=20, text="over 6 months", value={"from": 6, "to": None},
                        extractor="duckling-like", additional_info={"type": "interval", "from": {"value": 6, "unit": "month"}})  # fmt: skip
    assert not is_age_context(text, months)
    years = EntitySpan(entity="duration", start=7, end=20, text="over 6 years", value={"from": 6, "to": None},
                       extractor="duckling-like", additional_info={"type": "interval", "from": {"value": 6, "unit": "year"}})  # fmt: skip
    assert is_age_context("people over 6 years", years)


def test_age_dimension_off_keeps_durations() -> None:
    pipe = EntityPipeline(config=EntityPipelineConfig(duckling_dimensions=["duration", "number"]))
    assert [e.entity for e in pipe.extract("65 years or older")] == ["duration"]
