"""A birth date read aloud, without a resident number, is masked as a birth date in logs and transcripts (issue 3).

"팔오년 일월 일일생", "천구백팔십오년 …", "born nineteen eighty five january first", "생년월일은 팔오공일공일이에요": the
date is read from the words (:func:`assistant.nlu.spoken_digits.spoken_date_view`) and the birth-date detector's
rule applies as to written dates (a real date beside a word for birth). Both ways: dates that are no birth date (a
deadline, no word for birth, an impossible date) and ordinary numbers read aloud are not masked, and the 7-digit
minimum of spoken digits for the other detectors is unchanged (a 6-digit number read aloud is no phone).
"""

from __future__ import annotations

import pytest

from assistant.nlu.pii import find_birth_dates, find_pii, mask_pii
from assistant.nlu.spoken_digits import MIN_DIGITS, spoken_date_view, spoken_runs

MASKED = [
    ("팔오년 일월 일일생", "<birthdate>생"),
    ("팔오년 일월 일일생이에요", "<birthdate>생이에요"),
    ("천구백팔십오년 십이월 삼십일일생", "<birthdate>생"),
    ("일구팔오년 삼월 이일생입니다", "<birthdate>생입니다"),
    ("팔십오년 일월 일일에 태어났어요", "<birthdate>에 태어났어요"),
    ("생년월일은 팔오공일공일이에요", "생년월일은 <birthdate>이에요"),
    ("생년월일 850101", "생년월일 <birthdate>"),
    ("I was born nineteen eighty five january first", "I was born <birthdate>"),
    ("my date of birth is january first nineteen eighty-five", "my date of birth is <birthdate>"),
    ("DOB the first of january nineteen eighty five", "DOB the <birthdate>"),
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_spoken_birth_dates_are_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked
    assert [b.kind for b in find_birth_dates(text)] == ["birthdate"]
    assert find_pii(text) == []  # not a resident number, phone or card


@pytest.mark.parametrize(("text", "view"), [
    ("팔오년 일월 일일생", "85년 1월 1일생"),
    ("천구백팔십오년 십이월 삼십일일생", "1985년 12월 31일생"),
    ("생년월일은 팔오공일공일이에요", "생년월일은 850101이에요"),
    ("I was born nineteen eighty five january first", "I was born 1985 january 1"),
    ("born in twenty twenty december twenty-fifth", "born in 2020 december 25"),
])  # fmt: skip
def test_the_view_writes_the_date_in_digits_and_the_span_covers_the_words(text: str, view: str) -> None:
    assert spoken_date_view(text).text == view
    (span,) = find_birth_dates(text)
    assert span.kind == "birthdate" and span.end - span.start > len(view) - len(text) + 1
    assert mask_pii(text).startswith(text[: span.start]) and mask_pii(text).endswith(text[span.end :])


KEPT = [
    "팔오년 일월 일일",  # no word for birth: as for "85년 1월 1일"
    "nineteen eighty five january first",  # the same in English
    "이천이십오년 삼월 이일부터 신청",  # a deadline
    # "팔오년 이월 삼십일생" (no 30 February) is masked since s35: a mistyped date of birth (tests/test_pii_s35.py)
    "850101",  # a bare number
    "주문번호 일이삼사오육",  # six digits read aloud, no word for birth
    "생일은 일이삼사오육",  # a word for birth, but 12-34-56 is no date
    "일이 많아요 일이삼사오육",
    "오늘 이천원 썼어요",
    "제 나이는 육십칠 세예요",
    "I have one or two questions in january",
]


@pytest.mark.parametrize("text", KEPT)
def test_what_is_no_birth_date_is_not_masked(text: str) -> None:
    assert mask_pii(text) == text


@pytest.mark.parametrize("text", ["일이삼사오육", "공일공 일이삼", "one two three four five six"])
def test_the_seven_digit_minimum_still_holds_for_the_other_detectors(text: str) -> None:
    assert MIN_DIGITS == 7 and spoken_runs(text) == [] and find_pii(text) == []
