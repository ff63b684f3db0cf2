"""A date or year of birth gives the age, never the date (issue 3, s10): "1958년 3월 2일생이에요", "오십팔년생", "I was
born in 1958" were masked (a full date) but filled no age, and "58년생" at the age question gave the age 58.

The reference date is a fixed clock in Asia/Seoul; every expected age is counted by hand from it (만 나이: a year is
completed on the birthday; 29 February's on 1 March in common years, 민법 제158조·제160조).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from entity_examples import TOK

from assistant.dialogue.validators import validate_age
from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig
from assistant.nlu.pii import mask_pii

SEOUL = ZoneInfo("Asia/Seoul")


def pipe_on(year: int, month: int, day: int, hour: int = 12) -> EntityPipeline:
    now = dt.datetime(year, month, day, hour, tzinfo=SEOUL)
    return EntityPipeline(EntityPipelineConfig(extractors=["regex", "duckling"]), tokenizer=TOK, now=lambda: now)


def ages(p: EntityPipeline, text: str) -> list[tuple[object, str]]:
    spans = p.extract(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    return [(s.value, s.text) for s in spans if s.entity == "age"]


# (text, date of the clock, the age then, the words it covers)
FULL_DATES = [
    ("1958년 3월 2일생이에요", (2026, 3, 1), 67, "1958년 3월 2일"),  # the day before the 68th birthday
    ("1958년 3월 2일생이에요", (2026, 3, 2), 68, "1958년 3월 2일"),  # on it
    ("저는 58년 3월 2일생입니다", (2026, 11, 30), 68, "58년 3월 2일"),
    ("천구백오십팔년 삼월 이일생이에요", (2026, 3, 2), 68, "천구백오십팔년 삼월 이일"),  # read aloud
    ("팔오년 일월 일일생", (2026, 11, 30), 41, "팔오년 일월 일일"),
    ("I was born on March 2, 1958", (2026, 3, 1), 67, "March 2, 1958"),
    ("my date of birth is january first nineteen eighty-five", (2026, 1, 1), 41, "january first nineteen eighty-five"),
    ("생년월일은 1990-05-01 이에요", (2026, 4, 30), 35, "1990-05-01"),
    ("2000년 2월 29일생", (2026, 2, 28), 25, "2000년 2월 29일"),  # no 29 February in 2026: 26 from 1 March
    ("2000년 2월 29일생", (2026, 3, 1), 26, "2000년 2월 29일"),
]


@pytest.mark.parametrize(("text", "today", "age", "words"), FULL_DATES)
def test_a_date_of_birth_is_the_age_on_the_reference_date(text: str, today: tuple[int, int, int], age: int,
                                                          words: str) -> None:
    p = pipe_on(*today)
    assert ages(p, text) == [(age, words)]
    assert [s.entity for s in p.extract(text)] == ["age"]  # no time entity holding the date
    assert words not in mask_pii(text)  # the date itself is still masked at rest and in logs


def test_the_date_is_the_date_in_seoul() -> None:
    """15:30 UTC on 1 March is 00:30 on 2 March in Seoul: the 68th birthday has come."""
    now = dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.timezone.utc)
    p = EntityPipeline(EntityPipelineConfig(extractors=["duckling"]), tokenizer=TOK, now=lambda: now)
    assert ages(p, "1958년 3월 2일생이에요") == [(68, "1958년 3월 2일")]


# (text, clock, the two ages the year allows, the words)
YEARS = [
    ("오십팔년생", (2026, 6, 15), (67, 68), "오십팔년"),
    ("오십팔년생이에요", (2026, 6, 15), (67, 68), "오십팔년"),
    ("일구오팔년생이에요", (2026, 6, 15), (67, 68), "일구오팔년"),
    ("천구백오십팔년생", (2026, 6, 15), (67, 68), "천구백오십팔년"),
    ("58년생이에요", (2026, 6, 15), (67, 68), "58년"),
    ("저는 1958년생이에요", (2026, 1, 1), (67, 68), "1958년"),
    ("1958년에 태어났어요", (2026, 6, 15), (67, 68), "1958년"),
    ("05년생", (2026, 6, 15), (20, 21), "05년"),  # 2005: the latest year not after today
    ("I was born in 1958", (2026, 6, 15), (67, 68), "1958"),
    ("born in '58", (2026, 6, 15), (67, 68), "'58"),
    ("I was born in nineteen fifty-eight", (2026, 6, 15), (67, 68), "nineteen fifty-eight"),
    ("my birth year is 1958", (2026, 6, 15), (67, 68), "1958"),
]


@pytest.mark.parametrize(("text", "today", "pair", "words"), YEARS)
def test_a_year_of_birth_gives_the_two_ages_it_allows(text: str, today: tuple[int, int, int], pair: tuple[int, int],
                                                      words: str) -> None:
    got = ages(pipe_on(*today), text)
    assert got == [({"from": pair[0], "to": pair[1], "from_birth": "year"}, words)]
    # the form asks again: no age is guessed from two (validate_age's reason picks utter_invalid_age_birth_year_only)
    assert validate_age(got[0][0]).reason == "birth_year_only"


def test_on_31_december_a_year_of_birth_is_one_age() -> None:
    assert ages(pipe_on(2026, 12, 31), "58년생이에요") == [(68, "58년")]
    assert validate_age(68).value == 68


@pytest.mark.parametrize(("text", "entities"), [
    ("2024년 3월 2일에 이사했어요", ["time"]),  # a date that is no birth date
    ("2030년생", ["number"]),  # born after today: no age
    ("생활비 58년", ["duration"]),
    ("1958년 3월 2일생활비", ["time"]),  # 생활 (living), not 생 (born)
    ("I moved here in 1958", ["number"]),
    ("58세예요", ["age"]),
])  # fmt: skip
def test_what_is_no_birth_gives_no_birth_age(text: str, entities: list[str]) -> None:
    spans = pipe_on(2026, 6, 15).extract(text)
    assert [s.entity for s in spans] == entities
    assert not any((s.additional_info or {}).get("from_birth") for s in spans)
