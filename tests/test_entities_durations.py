"""Durations and times relative to now: every unit x (N, N 반, 반 N, 후/뒤/전) in Korean and English.

Expected values are computed here from the documented rules, not by the extractor's code:

* a whole count stays in its unit; Duckling's normalisation gives the seconds (month 30 days, year 365 days);
* a half is counted in the unit Duckling's ``nPlusOneHalf`` uses (:data:`HALF`), extended to the week (in
  hours: 3.5 days is not a whole count of days) and the second (a float count, no smaller unit);
* a relative expression of days or longer is a date (calendar arithmetic in Asia/Seoul, the half added after
  the whole units); of hours, minutes or seconds an instant at REF plus the elapsed time, with Duckling's
  grain one below the duration's (minute for hours, second for minutes and seconds).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from entity_examples import TOK

from assistant.nlu.entities import DURATION, TIME, DateExtractor, EntityPipeline

SEOUL = ZoneInfo("Asia/Seoul")
# Wednesday 25 November 2026, 10:00 in Seoul
REF = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SEOUL)

SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400}
#: unit -> (unit of "N and a half", how many of it in one unit)
HALF = {"second": ("second", 1), "minute": ("second", 60), "hour": ("minute", 60), "day": ("hour", 24),
        "week": ("hour", 7 * 24), "month": ("day", 30), "year": ("month", 12)}  # fmt: skip
CALENDAR = ("day", "week", "month", "year")

KO_UNITS = [("초", "second"), ("분", "minute"), ("시간", "hour"), ("일", "day"), ("주", "week"), ("개월", "month"),
            ("달", "month"), ("년", "year")]  # fmt: skip
EN_UNITS = [("second", "second"), ("minute", "minute"), ("hour", "hour"), ("day", "day"), ("week", "week"),
            ("month", "month"), ("year", "year")]  # fmt: skip


def _spans(text: str, now: dt.datetime = REF, tz: str = "Asia/Seoul") -> list[tuple[str, str, object, object]]:
    spans = DateExtractor(tz, now=lambda: now).extract(text, TOK.tokenize(text))
    for s in spans:
        assert text[s.start : s.end] == s.text
    return [(s.entity, s.text, s.value, s.additional_info) for s in spans]


def _duration(count: Fraction, unit: str) -> tuple[int | float, str]:
    """(value, unit) by the documented rule: a whole count stays; N and a half goes to :data:`HALF`'s unit."""
    if count.denominator == 1:
        return int(count), unit
    smaller, factor = HALF[unit]
    value = count * factor
    return (int(value) if value.denominator == 1 else float(value)), smaller


def _info(value: int | float, unit: str) -> dict[str, object]:
    seconds = value * SECONDS[unit]
    return {"type": "value", "value": value, "unit": unit, unit: value,
            "normalized": {"value": int(seconds) if float(seconds).is_integer() else seconds, "unit": "second"}}  # fmt: skip


def _instant(t: dt.datetime) -> str:
    ms = t.microsecond // 1000
    off = t.utcoffset() or dt.timedelta(0)
    sign = "+" if off >= dt.timedelta(0) else "-"
    hh, mm = divmod(abs(int(off.total_seconds())) // 60, 60)
    return f"{t:%Y-%m-%dT%H:%M:%S}.{ms:03d}{sign}{hh:02d}:{mm:02d}"


def _relative(count: Fraction, unit: str, sign: int, ref: dt.datetime = REF) -> tuple[str, str]:
    """(value, grain) of a time ``count`` ``unit`` after (sign=1) or before (-1) ``ref``."""
    whole = int(count)
    if unit in CALENDAR:
        t = ref + relativedelta(**{unit + "s": sign * whole})
        if count != whole:
            smaller, factor = HALF[unit]
            t = t + (relativedelta(months=sign * factor // 2) if smaller == "month" else dt.timedelta(seconds=sign * factor // 2 * SECONDS[smaller]))
        return t.date().isoformat(), "day"
    elapsed = dt.timedelta(seconds=float(count * SECONDS[unit]))
    grain = "minute" if _duration(count, unit)[1] == "hour" else "second"
    base = ref.replace(second=0, microsecond=0) if grain == "minute" else ref
    return _instant((base.astimezone(dt.timezone.utc) + sign * elapsed).astimezone(ref.tzinfo)), grain


def _ko_cases() -> list[tuple[str, str, Fraction, str, int]]:
    """(text, surface, count, unit, direction); 0 is a duration."""
    cases = []
    for ko, unit in KO_UNITS:
        bare_ok = ko != "일"  # "3일" alone is the 3rd of a month
        if bare_ok:
            cases.append((f"3{ko}", f"3{ko}", Fraction(3), unit, 0))
        cases += [
            (f"3{ko} 동안 기다렸어요", f"3{ko} 동안", Fraction(3), unit, 0),
            (f"2{ko} 반", f"2{ko} 반", Fraction(5, 2), unit, 0),
            (f"2{ko} 반 동안", f"2{ko} 반 동안", Fraction(5, 2), unit, 0),
            (f"3{ko} 후에 와요", f"3{ko} 후", Fraction(3), unit, 1),
            (f"3{ko} 뒤", f"3{ko} 뒤", Fraction(3), unit, 1),
            (f"3{ko} 전에 신청했어요", f"3{ko} 전", Fraction(3), unit, -1),
            (f"2{ko} 반 후", f"2{ko} 반 후", Fraction(5, 2), unit, 1),
            (f"2{ko} 반 전", f"2{ko} 반 전", Fraction(5, 2), unit, -1),
        ]
    return cases


def _en_cases() -> list[tuple[str, str, Fraction, str, int]]:
    cases = []
    for en, unit in EN_UNITS:
        a = "an" if en == "hour" else "a"
        cases += [
            (f"for 3 {en}s", f"3 {en}s", Fraction(3), unit, 0),
            (f"one {en}", f"one {en}", Fraction(1), unit, 0),
            (f"half {a} {en}", f"half {a} {en}", Fraction(1, 2), unit, 0),
            (f"two and a half {en}s", f"two and a half {en}s", Fraction(5, 2), unit, 0),
            (f"{a} {en} and a half", f"{a} {en} and a half", Fraction(3, 2), unit, 0),
            (f"2.5 {en}s", f"2.5 {en}s", Fraction(5, 2), unit, 0),
            (f"call me in 3 {en}s", f"in 3 {en}s", Fraction(3), unit, 1),
            (f"3 {en}s from now", f"3 {en}s from now", Fraction(3), unit, 1),
            (f"3 {en}s later", f"3 {en}s later", Fraction(3), unit, 1),
            (f"3 {en}s ago", f"3 {en}s ago", Fraction(3), unit, -1),
            (f"in {a} {en} and a half", f"in {a} {en} and a half", Fraction(3, 2), unit, 1),
            (f"in half {a} {en}", f"in half {a} {en}", Fraction(1, 2), unit, 1),
        ]
    return cases


@pytest.mark.parametrize("text, surface, count, unit, direction", _ko_cases() + _en_cases())
def test_unit_sweep(text: str, surface: str, count: Fraction, unit: str, direction: int) -> None:
    found = _spans(text)
    assert len(found) == 1, found
    ((entity, got_surface, value, info),) = found
    assert got_surface == surface
    if direction == 0:
        n, as_unit = _duration(count, unit)
        assert (entity, value, info) == (DURATION, n, _info(n, as_unit))
        assert isinstance(value, int) or as_unit == "second"  # whole counts except half seconds
    else:
        expected, grain = _relative(count, unit, direction)
        assert (entity, value) == (TIME, expected)
        assert info is not None and info["grain"] == grain  # type: ignore[index]
        if grain != "day":
            assert info == {"type": "value", "grain": grain, "value": expected, "values": [{"type": "value", "grain": grain, "value": expected}]}


@pytest.mark.parametrize(
    "text, surface, value, unit",
    [
        # the examples
        ("2주 반 동안 입원했어요", "2주 반 동안", 420, "hour"),  # 17.5 days: not whole, so hours (Duckling counts are integers)
        ("half an hour", "half an hour", 30, "minute"),
        ("a week and a half", "a week and a half", 252, "hour"),
        # Korean numerals in words: Sino-Korean for minutes, seconds, days, years; native for hours, weeks, months
        ("삼십 분 걸려요", "삼십 분", 30, "minute"),
        ("일 년 반 동안", "일 년 반 동안", 18, "month"),
        ("십 년", "십 년", 10, "year"),
        ("칠 일 동안", "칠 일 동안", 7, "day"),
        ("열두 시간", "열두 시간", 12, "hour"),
        ("스물네 시간", "스물네 시간", 24, "hour"),
        ("석 달", "석 달", 3, "month"),
        ("두 주 동안", "두 주 동안", 2, "week"),
        ("두 해 동안", "두 해 동안", 2, "year"),
        ("한달 반", "한달 반", 45, "day"),
        ("세시간반", "세시간반", 210, "minute"),
        ("14일 이내에 신고하세요", "14일 이내", 14, "day"),  # within 14 days
        ("30일이내", "30일이내", 30, "day"),
        # words that are a count of days
        ("하루", "하루", 1, "day"),
        ("이틀 동안", "이틀 동안", 2, "day"),
        ("사흘", "사흘", 3, "day"),
        ("열흘", "열흘", 10, "day"),
        ("보름 동안", "보름 동안", 15, "day"),
        ("하루 반", "하루 반", 36, "hour"),
        ("일주일", "일주일", 1, "week"),
        ("일주일 반", "일주일 반", 252, "hour"),
        # 반 before the unit
        ("반년", "반년", 6, "month"),
        ("반 시간", "반 시간", 30, "minute"),
        ("반개월", "반개월", 15, "day"),
        # parts in falling units are one duration, in the smallest unit where the total is whole
        ("1시간 30분 걸려요", "1시간 30분", 90, "minute"),
        ("한 시간 삼십 분", "한 시간 삼십 분", 90, "minute"),
        ("1년 6개월 동안", "1년 6개월 동안", 18, "month"),
        ("3년6개월", "3년6개월", 42, "month"),
        ("2주 3일", "2주 3일", 17, "day"),
        ("한 달 보름", "한 달 보름", 45, "day"),
        ("1년 3일", "1년 3일", 365 + 3, "day"),  # Duckling's normalisation: a year is 365 days
        ("1 hour and 30 minutes", "1 hour and 30 minutes", 90, "minute"),
        ("2 hours 15 minutes", "2 hours 15 minutes", 135, "minute"),
        ("3 years, 6 months and 2 days", "3 years, 6 months and 2 days", 3 * 365 + 6 * 30 + 2, "day"),
        # decimals: the same rule as halves
        ("1.5시간", "1.5시간", 90, "minute"),
        ("0.5년", "0.5년", 6, "month"),
        ("1.25 hours", "1.25 hours", 75, "minute"),
        ("3개월 반", "3개월 반", 105, "day"),  # days, not 15 weeks: a week is no part of a month
        # English spellings
        ("twenty-five minutes", "twenty-five minutes", 25, "minute"),
        ("3 hrs", "3 hrs", 3, "hour"),
        ("10 mins", "10 mins", 10, "minute"),
        ("a 3-hour wait", "3-hour", 3, "hour"),
        ("wait a second", "a second", 1, "second"),
        ("3초 반", "3초 반", 3.5, "second"),  # no unit below the second
    ],
)
def test_durations(text: str, surface: str, value: int | float, unit: str) -> None:
    assert _spans(text) == [(DURATION, surface, value, _info(value, unit))]


@pytest.mark.parametrize(
    "text, surface, expected",
    [
        ("3시간 후에 다시 올게요", "3시간 후", _instant(REF + dt.timedelta(hours=3))),
        ("30분 전에 신청했어요", "30분 전", _instant(REF - dt.timedelta(minutes=30))),
        ("2일 뒤", "2일 뒤", (REF.date() + dt.timedelta(days=2)).isoformat()),
        ("in 3 hours", "in 3 hours", _instant(REF + dt.timedelta(hours=3))),
        ("1시간 반 후", "1시간 반 후", _instant(REF + dt.timedelta(minutes=90))),
        ("삼십 분 후에", "삼십 분 후", _instant(REF + dt.timedelta(minutes=30))),
        ("1시간 30분 후", "1시간 30분 후", _instant(REF + dt.timedelta(minutes=90))),
        ("이틀 후에", "이틀 후", (REF.date() + dt.timedelta(days=2)).isoformat()),
        ("석 달 후", "석 달 후", "2027-02-25"),
        ("반년 후에", "반년 후", "2027-05-25"),
        ("일주일 뒤", "일주일 뒤", (REF.date() + dt.timedelta(weeks=1)).isoformat()),
        ("3일 있다가", "3일 있다가", (REF.date() + dt.timedelta(days=3)).isoformat()),
        ("3일 전부터", "3일 전", (REF.date() - dt.timedelta(days=3)).isoformat()),
        ("2개월 반 후", "2개월 반 후", "2027-02-09"),  # 25 Jan + 15 days, not 25 Nov + 75 days (8 Feb)
        ("after 2 hours", "after 2 hours", _instant(REF + dt.timedelta(hours=2))),
        ("an hour and a half ago", "an hour and a half ago", _instant(REF - dt.timedelta(minutes=90))),
        ("2 hours 15 minutes later", "2 hours 15 minutes later", _instant(REF + dt.timedelta(minutes=135))),
    ],
)
def test_relative_times(text: str, surface: str, expected: str) -> None:
    ((entity, got_surface, value, _),) = _spans(text)
    assert (entity, got_surface, value) == (TIME, surface, expected)


def test_relative_instant_is_taken_in_seoul_across_midnight() -> None:
    # 23:30 UTC on 24 Nov is 08:30 on 25 Nov in Seoul; 3 hours later is 11:30 there
    late_utc = dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.timezone.utc)
    ((_, _, value, _),) = _spans("3시간 후", now=late_utc)
    assert value == "2026-11-25T11:30:00.000+09:00"
    ((_, _, value, _),) = _spans("2일 후", now=late_utc)
    assert value == "2026-11-27"


def test_relative_instant_counts_elapsed_time_across_a_clock_change() -> None:
    # New York moves its clocks from 02:00 EST to 03:00 EDT on 8 March 2026: 00:30 EST + 3 h is 04:30 EDT
    ny = ZoneInfo("America/New_York")
    ref = dt.datetime(2026, 3, 8, 0, 30, tzinfo=ny)
    ((_, _, value, _),) = _spans("in 3 hours", now=ref, tz="America/New_York")
    assert value == "2026-03-08T04:30:00.000-04:00"
    ((_, _, value, _),) = _spans("in 1 day", now=ref, tz="America/New_York")
    assert value == "2026-03-09"


@pytest.mark.parametrize(
    "text, surface",
    [
        ("세 분이 오셨어요", None),  # three people: minutes take Sino-Korean numerals
        ("두 분 신청하세요", None),
        ("이 시간에 뭐해요", None),  # 이 = this
        ("이 달에 신청할게요", None),
        ("반주 한잔 했어요", None),  # a drink with a meal
        ("반달이 떴어요", None),  # a half-moon
        ("반일 근무", None),
        ("반초", None),
        ("3일", None),  # the 3rd of a month
        ("3일에 가요", None),
        ("3일째 아파요", None),  # the third day
        ("3일 반차 냈어요", None),  # a half-day off on the 3rd
        ("3일 내 생일이에요", None),  # the 3rd is my birthday
        ("90년생이에요", None),  # born in '90
        ("3주년 기념", None),  # an anniversary
        ("10여 년", None),
        ("2026년", None),
        ("10시 반에", "10시 반"),  # a clock time
        ("once a week", None),  # a frequency
        ("three times a day", None),
        ("a second copy", None),  # an ordinal
        ("the second time", None),
        ("I am 70 years old", None),  # an age
        ("a 70-year-old man", None),
    ],
)
def test_not_durations(text: str, surface: str | None) -> None:
    found = _spans(text)
    assert [e for e, *_ in found if e == DURATION] == []
    assert [s for _, s, *_ in found] == ([surface] if surface else [])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("하루 3시간씩 일해요", [("하루", 1, "day"), ("3시간", 3, "hour")]),  # 3 hours a day, not 27 hours
        ("일주일 3일 근무", [("일주일", 1, "week")]),  # 3일 alone is a day of the month
        ("한 달 10일씩 일해요", [("한 달", 1, "month")]),
        ("3 hours a day", [("3 hours", 3, "hour"), ("a day", 1, "day")]),
    ],
)
def test_rates_are_not_one_duration(text: str, expected: list[tuple[str, int, str]]) -> None:
    assert [(s, v, i["unit"]) for e, s, v, i in _spans(text) if e == DURATION] == expected  # type: ignore[index]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2주 반 동안 입원했어요", [(DURATION, "2주 반 동안", 420)]),  # not the number 2
        ("3시간 후에 전화 주세요", [(TIME, "3시간 후", _instant(REF + dt.timedelta(hours=3)))]),
        ("1.5시간 걸려요", [(DURATION, "1.5시간", 90)]),  # not the number 1.5
        ("세 분이 오셨어요", [("number", "세", 3)]),
        ("in 3 hours", [(TIME, "in 3 hours", _instant(REF + dt.timedelta(hours=3)))]),
    ],
)
def test_pipeline_keeps_the_whole_expression(text: str, expected: list[tuple[str, str, object]]) -> None:
    pipe = EntityPipeline(now=lambda: REF, tokenizer=TOK)
    assert [(e.entity, e.text, e.value) for e in pipe.extract(text)] == expected
