"""Dates relative to a fixed reference time in Asia/Seoul; invalid dates are flagged, never shifted."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from entity_examples import TOK

from assistant.errors import InvalidConfigError
from assistant.nlu.entities import DURATION, INVALID_TIME, TIME, DateExtractor

SEOUL = ZoneInfo("Asia/Seoul")
# Wednesday 25 November 2026, 10:00 in Seoul
REF = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SEOUL)
TODAY = REF.date()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
FRIDAY = 4


def _days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def _extract(text: str, now: dt.datetime = REF) -> list[tuple[str, str, object]]:
    spans = DateExtractor(now=lambda: now).extract(text, TOK.tokenize(text))
    for s in spans:
        assert text[s.start : s.end] == s.text
    return [(s.entity, s.text, s.value) for s in spans]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("내일 갈게요", [(TIME, "내일", _days(1))]),
        ("모레", [(TIME, "모레", _days(2))]),
        ("어제", [(TIME, "어제", _days(-1))]),
        ("다음주 금요일에 부산으로 이사 가요", [(TIME, "다음주 금요일", (MONDAY + dt.timedelta(days=7 + FRIDAY)).isoformat())]),
        ("다음 주 금요일", [(TIME, "다음 주 금요일", (MONDAY + dt.timedelta(days=7 + FRIDAY)).isoformat())]),
        ("이번주 월요일", [(TIME, "이번주 월요일", MONDAY.isoformat())]),
        ("금요일", [(TIME, "금요일", _days((FRIDAY - TODAY.weekday()) % 7 or 7))]),
        ("3월 2일", [(TIME, "3월 2일", dt.date(TODAY.year + 1, 3, 2).isoformat())]),  # already past this year
        ("12월 24일", [(TIME, "12월 24일", dt.date(TODAY.year, 12, 24).isoformat())]),
        ("2025년 3월 2일", [(TIME, "2025년 3월 2일", "2025-03-02")]),
        ("90년 5월 3일생", [(TIME, "90년 5월 3일", "1990-05-03")]),
        ("2025-03-02", [(TIME, "2025-03-02", "2025-03-02")]),
        ("2025.3.2.", [(TIME, "2025.3.2.", "2025-03-02")]),
        ("지난달", [(TIME, "지난달", f"{TODAY.year}-{TODAY.month - 1:02d}")]),
        ("다음 달", [(TIME, "다음 달", f"{TODAY.year}-{TODAY.month + 1:02d}")]),
        ("다음주", [(TIME, "다음주", "{}-W{:02d}".format(*(TODAY + dt.timedelta(weeks=1)).isocalendar()[:2]))]),
        ("내년", [(TIME, "내년", str(TODAY.year + 1))]),
        ("3일 후", [(TIME, "3일 후", _days(3))]),
        ("tomorrow", [(TIME, "tomorrow", _days(1))]),
        ("next Friday", [(TIME, "next Friday", (MONDAY + dt.timedelta(days=7 + FRIDAY)).isoformat())]),
        ("last friday", [(TIME, "last friday", _days(-((TODAY.weekday() - FRIDAY) % 7 or 7)))]),
        ("in 3 days", [(TIME, "in 3 days", _days(3))]),
        ("2 weeks ago", [(TIME, "2 weeks ago", _days(-14))]),
        ("March 2, 2025", [(TIME, "March 2, 2025", "2025-03-02")]),
        # English month names without a preposition; REF is 25 Nov 2026, so March without a year is next year's
        ("March 3", [(TIME, "March 3", dt.date(TODAY.year + 1, 3, 3).isoformat())]),
        ("3 March 2027", [(TIME, "3 March 2027", "2027-03-03")]),
        ("november 30", [(TIME, "november 30", dt.date(TODAY.year, 11, 30).isoformat())]),
        ("1990년 2월 31일", [(INVALID_TIME, "1990년 2월 31일", None)]),
        ("13월 1일", [(INVALID_TIME, "13월 1일", None)]),
        ("February 30, 2024", [(INVALID_TIME, "February 30, 2024", None)]),
        ("내일배움카드 신청", []),  # 내일 inside a programme name is no date
        ("the sun is up", []),
    ],
)
def test_extract(text: str, expected: list[tuple[str, str, object]]) -> None:
    assert _extract(text) == expected


def test_today_is_taken_in_the_configured_zone() -> None:
    # 23:30 UTC on 24 Nov is already 25 Nov in Seoul
    late_utc = dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.timezone.utc)
    assert _extract("내일", late_utc) == [(TIME, "내일", "2026-11-26")]
    utc = DateExtractor("UTC", now=lambda: late_utc)
    assert [s.value for s in utc.extract("내일", TOK.tokenize("내일"))] == ["2026-11-25"]


def test_leap_day_without_year_goes_to_the_next_leap_year() -> None:
    assert _extract("2월 29일") == [(TIME, "2월 29일", "2028-02-29")]


def test_past_preference() -> None:
    ext = DateExtractor(now=lambda: REF, prefer="past")
    assert [s.value for s in ext.extract("3월 2일", TOK.tokenize("3월 2일"))] == [f"{TODAY.year}-03-02"]


@pytest.mark.parametrize("kwargs", [{"timezone": "Mars/Base"}, {"prefer": "nearest"}])
def test_bad_config(kwargs: dict[str, str]) -> None:
    with pytest.raises(InvalidConfigError):
        DateExtractor(**kwargs)  # type: ignore[arg-type]


def _full(text: str, now: dt.datetime = REF) -> list[tuple[str, str, object, object]]:
    spans = DateExtractor(now=lambda: now).extract(text, TOK.tokenize(text))
    for s in spans:
        assert text[s.start : s.end] == s.text
    return [(s.entity, s.text, s.value, s.additional_info) for s in spans]


def _at(days: int, hour: int, minute: int = 0) -> str:
    """Duckling's instant format for TODAY + days at hour:minute in Seoul, built independently of the extractor."""
    d = TODAY + dt.timedelta(days=days)
    return f"{d.isoformat()}T{hour:02d}:{minute:02d}:00.000+09:00"


@pytest.mark.parametrize(
    "text, surface, value, grain",
    [
        ("오후 3시에 갈게요", "오후 3시", _at(0, 15), "hour"),  # REF is 10:00, so today
        ("오전 9시 30분", "오전 9시 30분", _at(1, 9, 30), "minute"),  # 9:30 has passed: tomorrow
        ("10시 반", "10시 반", _at(0, 10, 30), "minute"),
        ("3시", "3시", _at(0, 15), "hour"),  # no 오전/오후: the nearer of 03:00 and 15:00 ahead
        ("밤 12시", "밤 12시", _at(1, 0), "hour"),
        ("3 pm", "3 pm", _at(0, 15), "hour"),
        ("3:30pm", "3:30pm", _at(0, 15, 30), "minute"),
        ("15:30", "15:30", _at(0, 15, 30), "minute"),
        ("내일 오후 3시", "내일 오후 3시", _at(1, 15), "hour"),
        ("tomorrow at 3pm", "tomorrow at 3pm", _at(1, 15), "hour"),
        ("다음주 금요일 오후 2시에", "다음주 금요일 오후 2시", _at(7 + FRIDAY - TODAY.weekday(), 14), "hour"),
    ],
)
def test_times_of_day(text: str, surface: str, value: str, grain: str) -> None:
    ((entity, got_surface, got_value, info),) = _full(text)
    assert (entity, got_surface, got_value) == (TIME, surface, value)
    assert info == {"type": "value", "grain": grain, "value": value, "values": [{"type": "value", "grain": grain, "value": value}]}


def test_time_of_day_in_the_past_preference() -> None:
    spans = DateExtractor(now=lambda: REF, prefer="past").extract("3 pm", [])
    assert [s.value for s in spans] == [_at(-1, 15)]


@pytest.mark.parametrize(
    "text, surface, n, unit, seconds",
    [
        ("3개월 동안 살았어요", "3개월 동안", 3, "month", 3 * 30 * 86400),
        ("두 달", "두 달", 2, "month", 2 * 30 * 86400),
        ("3시간 걸려요", "3시간", 3, "hour", 3 * 3600),
        ("세 시간", "세 시간", 3, "hour", 3 * 3600),
        ("10일간", "10일간", 10, "day", 10 * 86400),
        ("2년 살았어요", "2년", 2, "year", 2 * 365 * 86400),
        ("2주", "2주", 2, "week", 2 * 7 * 86400),
        ("for 2 weeks", "2 weeks", 2, "week", 2 * 7 * 86400),
        ("it takes an hour", "an hour", 1, "hour", 3600),
        ("30 minutes", "30 minutes", 30, "minute", 1800),
        # halves, in the next smaller unit (Duckling's nPlusOneHalf); a month is 30 days
        ("1시간 반 걸려요", "1시간 반", 90, "minute", 3600 + 1800),
        ("세 시간 반 동안", "세 시간 반 동안", 210, "minute", 3 * 3600 + 1800),
        ("한 달 반 정도", "한 달 반", 45, "day", 45 * 86400),
        ("3개월 반", "3개월 반", 105, "day", (3 * 30 + 15) * 86400),
        ("1년 반 동안 살았어요", "1년 반 동안", 18, "month", 18 * 30 * 86400),
        ("반년 동안", "반년 동안", 6, "month", 6 * 30 * 86400),
        ("반 년", "반 년", 6, "month", 6 * 30 * 86400),
        ("an hour and a half", "an hour and a half", 90, "minute", 5400),
        ("two and a half years", "two and a half years", 30, "month", 30 * 30 * 86400),
        ("half an hour", "half an hour", 30, "minute", 1800),
        ("half a year", "half a year", 6, "month", 6 * 30 * 86400),
    ],
)
def test_durations(text: str, surface: str, n: int, unit: str, seconds: int) -> None:
    ((entity, got_surface, value, info),) = _full(text)
    assert (entity, got_surface, value) == (DURATION, surface, n)
    assert info == {"type": "value", "value": n, "unit": unit, unit: n, "normalized": {"value": seconds, "unit": "second"}}


@pytest.mark.parametrize(
    "text, surface, value",
    [
        ("3월에 신청하세요", "3월", f"{TODAY.year + 1}-03"),  # REF is November: next March
        ("12월", "12월", f"{TODAY.year}-12"),
        ("11월", "11월", f"{TODAY.year}-11"),  # the current month counts
        ("2027년 5월", "2027년 5월", "2027-05"),
        ("due in March", "March", f"{TODAY.year + 1}-03"),
        # a bare English month name, no preposition
        ("march", "march", f"{TODAY.year + 1}-03"),
        ("I moved here March", "March", f"{TODAY.year + 1}-03"),
        ("December please", "December", f"{TODAY.year}-12"),
        ("March 2027", "March 2027", "2027-03"),
        ("may 2025", "may 2025", "2025-05"),  # with a year, "may" is a month
    ],
)
def test_month_alone(text: str, surface: str, value: str) -> None:
    ((entity, got_surface, got_value, info),) = _full(text)
    assert (entity, got_surface, got_value) == (TIME, surface, value)
    assert info is not None and info["grain"] == "month" and info["value"] == f"{value}-01T00:00:00.000+09:00"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3개월 후", [(TIME, "3개월 후")]),  # a date, not a duration
        ("in 2 weeks", [(TIME, "in 2 weeks")]),
        ("3일에 가요", []),  # a day of the month alone is not a duration
        ("I am 70 years old", []),  # an age
        ("2026년", []),
        ("13월", [(INVALID_TIME, "13월")]),
        ("25시", [(INVALID_TIME, "25시")]),
        ("한시적 지원금", []),  # 한시 (temporary) is a word, not one o'clock
        ("한시름 놓았어요", []),
        ("열두시", [(TIME, "열두시")]),
        ("may I apply?", []),  # "may" alone is a verb
        ("1시간 반 후", [(TIME, "1시간 반 후")]),  # a time 90 minutes after now, never a 1-hour duration
        ("반반 치킨", []),
        ("반장 선거", []),
        ("10시 반에", [(TIME, "10시 반")]),  # a clock time, not a duration
    ],
)
def test_time_and_duration_boundaries(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(e, s) for e, s, _, _ in _full(text)] == expected
