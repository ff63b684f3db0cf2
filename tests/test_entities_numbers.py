"""Korean and Arabic numbers, KRW amounts and ages."""

from __future__ import annotations

import pytest

from entity_examples import TOK

from assistant.nlu.entities import AGE, MONEY, NUMBER, NumberExtractor, parse_korean_number



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
        ("200살", [(NUMBER, "200", 200)]),  # not a plausible age
        ("이거 사 주세요", []),  # 이/사 are not numerals here
        ("", []),
    ],
)
def test_extract(text: str, expected: list[tuple[str, str, object]]) -> None:
    assert _extract(text) == expected
