"""Korean and Arabic numbers, KRW amounts and ages."""

from __future__ import annotations

import pytest

from entity_examples import TOK

from assistant.nlu.entities import AGE, MONEY, NUMBER, PERCENT, NumberExtractor, parse_korean_number



@pytest.mark.parametrize(
    "surface, value",
    [
        ("삼십오", 3 * 10 + 5),
        ("3억 5천만", 3 * 10**8 + 5 * 1000 * 10**4),
        ("1,200만", 1200 * 10**4),
        ("5천", 5 * 1000),
        ("천이백만", (1000 + 2 * 100) * 10**4),
        ("이천이십오", 2 * 1000 + 2 * 10 + 5),
        ("십만", 10 * 10**4),
        ("만", 10**4),
        ("일흔", 70),
        ("일흔다섯", 70 + 5),
        ("스물한", 20 + 1),
        ("３.５억", 35 * 10**7),
        ("６５", 65),
        ("12.5", 12.5),
    ],
)
def test_parse_korean_number(surface: str, value: float) -> None:
    assert parse_korean_number(surface) == value


@pytest.mark.parametrize("surface", ["삼삼", "만억", "열삼십", "백천", "", "abc", "3 4", "억억"])
def test_malformed_numerals_are_rejected(surface: str) -> None:
    assert parse_korean_number(surface) is None


def _extract(text: str) -> list[tuple[str, str, object]]:
    spans = NumberExtractor().extract(text, TOK.tokenize(text))
    for s in spans:
        assert text[s.start : s.end] == s.text
    return [(s.entity, s.text, s.value) for s in spans]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("삼십오 명이에요", [(NUMBER, "삼십오", 35)]),
        ("3억 5천만원이 필요해요", [(MONEY, "3억 5천만원", 350_000_000)]),
        ("1,200만원 이하", [(MONEY, "1,200만원", 12_000_000)]),
        # a space (any kind) beside 만/억 joins the numeral: "5 만원" is 50,000 won, not 5 and 10,000
        ("5 만원", [(MONEY, "5 만원", 5 * 10**4)]),
        ("5\u00a0만원", [(MONEY, "5\u00a0만원", 5 * 10**4)]),
        ("3억\u200b5천만원", [(MONEY, "3억\u200b5천만원", 3 * 10**8 + 5 * 1000 * 10**4)]),
        ("회원 5 만명", [(NUMBER, "5 만", 5 * 10**4)]),
        ("65\u200b세", [(AGE, "65\u200b세", 65)]),
        ("만\u200b65세", [(AGE, "만\u200b65세", 65)]),
        ("5천원 냈어요", [(MONEY, "5천원", 5_000)]),
        ("3.5억원", [(MONEY, "3.5억원", 350_000_000)]),
        ("₩5,000", [(MONEY, "₩5,000", 5_000)]),
        ("it costs 5,000 won", [(MONEY, "5,000 won", 5_000)]),
        ("KRW 5000", [(MONEY, "KRW 5000", 5_000)]),
        ("만 65세 이상", [(AGE, "만 65세", 65)]),
        ("65살이에요", [(AGE, "65살", 65)]),
        ("일흔 살이에요", [(AGE, "일흔 살", 70)]),
        ("저는 서른다섯 살", [(AGE, "서른다섯 살", 35)]),
        ("６５세", [(AGE, "６５세", 65)]),
        ("I am 65 years old", [(AGE, "65 years old", 65)]),
        ("aged 65", [(AGE, "aged 65", 65)]),
        ("이거 사 주세요", []),  # 이/사 are not numerals here
        ("", []),
    ],
)
def test_extract(text: str, expected: list[tuple[str, str, object]]) -> None:
    assert _extract(text) == expected


def _ages(text: str) -> list[tuple[str, object, object]]:
    spans = NumberExtractor().extract(text, TOK.tokenize(text))
    return [(s.text, s.value, (s.additional_info or {}).get("valid")) for s in spans if s.entity == AGE]


@pytest.mark.parametrize(
    "text, surface, value",
    [
        ("I'm 70", "70", 70),
        ("I'm 70.", "70", 70),
        ("i\u2019m 70 and retired", "70", 70),
        ("I am 70", "70", 70),
        ("70 years old", "70 years old", 70),
        ("a 70-year-old man", "70-year-old", 70),
        ("I am 70 years of age", "70 years of age", 70),
        ("she is 8 yo", "8 yo", 8),
        ("70살이에요", "70살", 70),
        ("일흔 살", "일흔 살", 70),
        ("칠십세", "칠십세", 70),
        ("칠십세입니다", "칠십세", 70),
        ("나이는 70이에요", "70", 70),
        ("제 나이는 일흔입니다", "일흔", 70),
        ("age: 70", "age: 70", 70),
        ("my age is 66", "66", 66),
        ("my mother is 82", "82", 82),
        ("My son is 4, can he get kindergarten fee support?", "4", 4),
        ("my dad's 90", "90", 90),
        ("her grandfather turned 100", "100", 100),
    ],
)
def test_ages(text: str, surface: str, value: int) -> None:
    assert _ages(text) == [(surface, value, True)]


@pytest.mark.parametrize(
    "text",
    ["70%", "I'm 70% sure", "70 dollars", "I am 70 dollars short", "2070년", "I'm 7 years older", "70명",
     "my son is 4 months old", "my mother is 2nd in line", "my age is 70% of yours", "the child is 4"],
)  # fmt: skip
def test_not_ages(text: str) -> None:
    spans = NumberExtractor().extract(text, TOK.tokenize(text))
    assert [s.entity for s in spans] == [PERCENT if "%" in text else NUMBER]  # "70%" is a percentage, no age either
    assert spans[0].value == int("".join(ch for ch in text if ch.isdigit()))


@pytest.mark.parametrize("text, surface, value", [("200살", "200살", 200), ("I am 150 years old", "150 years old", 150), ("3.5살", "3.5살", 3.5)])
def test_implausible_ages_are_flagged_not_dropped(text: str, surface: str, value: float) -> None:
    """An age expression stays an ``age`` (what the person said) with ``valid: False``; the form's validator rejects it."""
    spans = [s for s in NumberExtractor().extract(text, TOK.tokenize(text)) if s.entity == AGE]
    assert [(s.text, s.value) for s in spans] == [(surface, value)]
    info = spans[0].additional_info
    assert info is not None and info["valid"] is False and info["reason"] == "out_of_range"
    assert spans[0].to_json()["additional_info"]["valid"] is False


@pytest.mark.parametrize("text, ok", [("200살이에요", False), ("일흔 살이에요", True), ("I'm 70", True)])
def test_age_entity_feeds_the_dialogue_age_validator(text: str, ok: bool) -> None:
    from assistant.dialogue.validators import validate_age

    (span,) = [s for s in NumberExtractor().extract(text, TOK.tokenize(text)) if s.entity == AGE]
    result = validate_age(span.to_json()["value"])
    assert result.ok is ok
    assert result.reason == (None if ok else "out_of_range")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a spoken number's words said apart (speech-to-text; s44/s45 probes: "일흔 둘" was 70 and 2, "칠십 삼 세요" 3세)
        ("일흔 둘", [(NUMBER, "일흔 둘", 70 + 2)]),
        ("일흔 두 살", [(AGE, "일흔 두 살", 70 + 2)]),
        ("칠십 삼 세요", [(AGE, "칠십 삼 세", 7 * 10 + 3)]),
        ("서른 다섯", [(NUMBER, "서른 다섯", 30 + 5)]),
        ("열 두 살", [(AGE, "열 두 살", 10 + 2)]),
        # a day counted after tens is no digit of the number ("삼십 일 동안": 30 days)
        ("삼십 일 동안", [(NUMBER, "삼십", 30)]),
        # a minus before a number: an age below zero is one (the validator refuses it), not 5
        ("-5살", [(AGE, "-5살", -5)]),
        ("마이너스 5살", [(AGE, "마이너스 5살", -5)]),
        # a hyphen between digits is no minus
        ("3-5살 아이", None),
    ],
)
def test_numbers_said_apart_and_below_zero(text: str, expected: list[tuple[str, str, object]] | None) -> None:
    got = _extract(text)
    if expected is None:
        assert all(not (isinstance(v, (int, float)) and v < 0) for _, _, v in got), got
    else:
        assert got == expected


def test_a_negative_age_is_invalid() -> None:
    (age,) = [e for e in NumberExtractor().extract("-5살", TOK.tokenize("-5살")) if e.entity == AGE]
    assert age.additional_info["valid"] is False


@pytest.mark.parametrize(("text", "counted"), [
    ("3명", "명"), ("세 명이요", "명"), ("I meant 4 kids", "kids"), ("2 times", "times"), ("가구원 4 명", "명"),
    ("3", None), ("41이요", None), ("30분 걸려요", None),  # 분: minutes as often as people, so no count
])
def test_a_number_that_counts_something_says_what(text: str, counted: str | None) -> None:
    numbers = [s for s in NumberExtractor().extract(text, TOK.tokenize(text)) if s.entity == NUMBER]
    assert len(numbers) == 1
    assert (numbers[0].additional_info or {}).get("counted") == counted
