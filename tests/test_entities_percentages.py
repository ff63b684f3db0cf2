"""Percentages and numeric ranges, Korean and English, digits and words (issue 3; the income question's answer).

"50 percent" in digits gave a ``number`` over "50" only while "fifty percent" spanned its unit: every way of writing
a percentage is now one ``percentage`` entity (value the number, ``additional_info["unit"] == "percent"``, the span
taking in the sign or word). A range of percentages, of money or a bare "between A and B" is one interval
(``{"from", "to"}``, both ends, as the Korean ranges are); no slot takes one end of it (the form asks for one
number: tests/dialogue/test_form_other_slot_answers.py). Decimals read aloud ("one point five") are read.

Expected values are written from the text by hand (digits) or by the rules of the numerals, never from the code.
"""

from __future__ import annotations

from typing import Any

import pytest
from entity_examples import TOK

from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    return EntityPipeline(EntityPipelineConfig(extractors=["regex", "duckling"]), tokenizer=TOK)


def _found(pipe: EntityPipeline, text: str) -> list[tuple[str, Any, str]]:
    spans = pipe.extract(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    return [(s.entity, s.value, s.text) for s in spans]


PERCENTAGES = [
    ("50 percent", 50, "50 percent"),
    ("50 %", 50, "50 %"),
    ("50%", 50, "50%"),
    ("50％", 50, "50％"),  # full-width sign
    ("50per cent", 50, "50per cent"),
    ("50 per-cent", 50, "50 per-cent"),
    ("50 Percent", 50, "50 Percent"),
    ("fifty percent", 50, "fifty percent"),
    ("forty-five per cent of the median", 45, "forty-five per cent"),
    ("오십 퍼센트", 50, "오십 퍼센트"),
    ("오십퍼센트예요", 50, "오십퍼센트"),
    ("50프로", 50, "50프로"),
    ("50프로정도요", 50, "50프로"),
    ("중위소득 50%예요", 50, "50%"),
    ("소득은 40퍼센트 이하", 40, "40퍼센트"),  # an income percentage the form reads: no open interval
    ("1.5%", 1.5, "1.5%"),
    ("two point five percent", 2.5, "two point five percent"),
    ("I'm 70% sure", 70, "70%"),  # a unit after it: no age
]


@pytest.mark.parametrize(("text", "value", "surface"), PERCENTAGES)
def test_every_way_of_writing_a_percentage_is_one_entity(pipe: EntityPipeline, text: str, value: float,
                                                         surface: str) -> None:
    spans = pipe.extract(text)
    assert [(s.entity, s.value, s.text) for s in spans] == [("percentage", value, surface)]
    assert spans[0].additional_info is not None and spans[0].additional_info["unit"] == "percent"
    assert spans[0].additional_info["value"] == value


@pytest.mark.parametrize(("text", "expected"), [
    ("50", [("number", 50, "50")]),
    ("5 프로그램", [("number", 5, "5")]),  # 프로그램 is no percent
    ("3 프로젝트", [("number", 3, "3")]),
    ("I'm 70", [("age", 70, "70")]),
    ("50 people", [("number", 50, "50")]),
    ("50만원", [("amount-of-money", 500_000, "50만원")]),
])  # fmt: skip
def test_numbers_without_a_percent_unit_are_no_percentage(pipe: EntityPipeline, text: str, expected: list[Any]) -> None:
    assert _found(pipe, text) == expected


def test_a_percentage_about_the_income_is_flagged_approximate(pipe: EntityPipeline) -> None:
    (span,) = pipe.extract("about 50 percent")
    assert span.entity == "percentage" and span.value == 50 and (span.additional_info or {}).get("approximate") is True


RANGES = [
    ("about forty to fifty percent", "percentage", 40, 50, "forty to fifty percent"),
    ("40~50%", "percentage", 40, 50, "40~50%"),
    ("40-50 percent", "percentage", 40, 50, "40-50 percent"),
    ("40 to 50%", "percentage", 40, 50, "40 to 50%"),
    ("between 40 and 50%", "percentage", 40, 50, "between 40 and 50%"),
    ("from 40 to 50 percent", "percentage", 40, 50, "from 40 to 50 percent"),
    ("60에서 70퍼센트", "percentage", 60, 70, "60에서 70퍼센트"),
    ("사십에서 오십 퍼센트", "percentage", 40, 50, "사십에서 오십 퍼센트"),
    ("40~50프로예요", "percentage", 40, 50, "40~50프로"),
    ("between 60 and 70", "number", 60, 70, "between 60 and 70"),
    ("60에서 70 사이", "number", 60, 70, "60에서 70 사이"),
    ("between 60 and 70 years old", "age", 60, 70, "between 60 and 70 years old"),
    ("between 30,000 and 50,000 won", "amount-of-money", 30_000, 50_000, "between 30,000 and 50,000 won"),
    ("3~5만원", "amount-of-money", 30_000, 50_000, "3~5만원"),  # the Korean ranges, read as before
]


@pytest.mark.parametrize(("text", "entity", "low", "high", "surface"), RANGES)
def test_ranges_give_both_ends_in_korean_and_english(pipe: EntityPipeline, text: str, entity: str, low: int, high: int,
                                                     surface: str) -> None:
    spans = pipe.extract(text)
    assert [(s.entity, s.value, s.text) for s in spans] == [(entity, {"from": low, "to": high}, surface)]
    info = spans[0].additional_info or {}
    assert info["type"] == "interval" and info["from"]["value"] == low and info["to"]["value"] == high


@pytest.mark.parametrize(("text", "expected"), [
    ("40~50", [("number", 40, "40"), ("number", 50, "50")]),  # no unit, no 사이/between: two numbers (documented)
    ("60 70", [("number", 60, "60"), ("number", 70, "70")]),
    ("between 2 and 3pm", None),  # a clock range, not numbers
])  # fmt: skip
def test_not_number_ranges(pipe: EntityPipeline, text: str, expected: list[Any] | None) -> None:
    got = _found(pipe, text)
    if expected is None:
        assert [e for e, _, _ in got] == ["time"]
    else:
        assert got == expected


@pytest.mark.parametrize(("text", "entity", "value", "surface"), [
    ("one point five million won", "amount-of-money", 1_500_000, "one point five million won"),
    ("1.5 million won", "amount-of-money", 1_500_000, "1.5 million won"),
    ("two point two five", "number", 2.25, "two point two five"),
    ("one point oh five", "number", 1.05, "one point oh five"),
    ("3.5 million", "number", 3_500_000, "3.5 million"),
])  # fmt: skip
def test_english_decimals(pipe: EntityPipeline, text: str, entity: str, value: float, surface: str) -> None:
    assert _found(pipe, text) == [(entity, value, surface)]
