"""Dates relative to a fixed reference time in Asia/Seoul; invalid dates are flagged, never shifted."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from entity_examples import TOK

from assistant.errors import InvalidConfigError
from assistant.nlu.entities import INVALID_TIME, TIME, DateExtractor

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
