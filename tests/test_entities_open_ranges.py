"""Open intervals ("3년 이상", "65세 미만", "100만원 이하", "at least 3 years"), 며칠, "a couple of", clock ranges
across noon or with minutes.

Expected values are computed here: amounts from the count and a table of won per Korean unit, durations from a
table of seconds per unit (Duckling's: a month is 30 days, a year 365), instants with ``datetime`` arithmetic from
the fixed reference time; which side is open and whether the bound is included come from the table of bound words
typed below (이상 ≥, 초과 >, 이하 ≤, 미만 <), not from the extractor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.nlu.entities.pipeline import EntityPipeline
from assistant.nlu.types import EntitySpan

SEOUL = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SEOUL)  # a Wednesday, 10:00
SEC = {"year": 365 * 86400, "month": 30 * 86400, "week": 7 * 86400, "day": 86400, "hour": 3600}
#: bound word → (side, inclusive)
KO_BOUNDS = {"이상": ("from", True), "초과": ("from", False), "이하": ("to", True), "미만": ("to", False)}
EN_BEFORE = {"at least": ("from", True), "over": ("from", False), "more than": ("from", False), "at most": ("to", True),
             "up to": ("to", True), "under": ("to", False), "less than": ("to", False)}  # fmt: skip


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    return EntityPipeline(now=lambda: NOW)


def _only(pipe: EntityPipeline, text: str, entity: str) -> EntitySpan:
    found = [e for e in pipe.extract(text) if e.entity == entity]
    assert len(found) == 1, (text, [(e.entity, e.text, e.value) for e in pipe.extract(text)])
    return found[0]


def _open(side: str, n: int | float) -> dict[str, Any]:
    return {"from": n, "to": None} if side == "from" else {"from": None, "to": n}


def _dur_bound(n: int, unit: str, inclusive: bool) -> dict[str, Any]:
    return {"value": n, "unit": unit, "normalized": {"value": n * SEC[unit], "unit": "second"}, "inclusive": inclusive}


@pytest.mark.parametrize("word", list(KO_BOUNDS))
@pytest.mark.parametrize(("n", "ko_unit", "unit"), [(3, "년", "year"), (6, "개월", "month"), (2, "주", "week"), (10, "일", "day")])
@pytest.mark.parametrize("space", [" ", ""])
def test_korean_duration_bounds(pipe: EntityPipeline, word: str, n: int, ko_unit: str, unit: str, space: str) -> None:
    expr = f"{n}{ko_unit}{space}{word}"
    text = f"이 동네에 {expr} 거주했어요"
    span = _only(pipe, text, "duration")
    side, inclusive = KO_BOUNDS[word]
    assert (span.start, span.end, span.text) == (text.index(expr), text.index(expr) + len(expr), expr)
    assert span.value == _open(side, n)
    assert span.additional_info == {"type": "interval", side: _dur_bound(n, unit, inclusive)}
    assert not [e for e in pipe.extract(text) if e.entity == "number"]


@pytest.mark.parametrize("word", list(KO_BOUNDS))
@pytest.mark.parametrize(("surface", "n"), [("65세", 65), ("만 65세", 65), ("19살", 19), ("일흔 살", 70)])
def test_korean_age_bounds(pipe: EntityPipeline, word: str, surface: str, n: int) -> None:
    expr = f"{surface} {word}"
    text = f"{expr} 어르신도 되나요?"
    span = _only(pipe, text, "age")
    side, inclusive = KO_BOUNDS[word]
    assert (span.start, span.text) == (0, expr)
    assert span.value == _open(side, n)
    assert span.additional_info == {"type": "interval", side: {"value": n, "unit": "year", "inclusive": inclusive}}


WON = {"만": 10_000, "천": 1_000, "억": 100_000_000}


@pytest.mark.parametrize("word", list(KO_BOUNDS))
@pytest.mark.parametrize(("surface", "count", "mag"), [("100만원", 100, "만"), ("200만 원", 200, "만"), ("1억 원", 1, "억"),
                                                       ("5천원", 5, "천")])  # fmt: skip
def test_korean_money_bounds(pipe: EntityPipeline, word: str, surface: str, count: int, mag: str) -> None:
    expr = f"{surface} {word}"
    text = f"월 소득이 {expr}이에요"
    span = _only(pipe, text, "amount-of-money")
    side, inclusive = KO_BOUNDS[word]
    won = count * WON[mag]
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == _open(side, won)
    assert span.additional_info == {"type": "interval", side: {"value": won, "unit": "KRW", "inclusive": inclusive}}


@pytest.mark.parametrize("words", list(EN_BEFORE))
@pytest.mark.parametrize(("surface", "entity", "n", "unit"), [("3 years", "duration", 3, "year"), ("6 months", "duration", 6, "month"),
                                                              ("65 years old", "age", 65, "year")])  # fmt: skip
def test_english_bounds_before(pipe: EntityPipeline, words: str, surface: str, entity: str, n: int, unit: str) -> None:
    expr = f"{words} {surface}"
    text = f"Residents {expr} can apply."
    span = _only(pipe, text, entity)
    side, inclusive = EN_BEFORE[words]
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == _open(side, n)
    bound = _dur_bound(n, unit, inclusive) if entity == "duration" else {"value": n, "unit": "year", "inclusive": inclusive}
    assert span.additional_info == {"type": "interval", side: bound}


@pytest.mark.parametrize(
    ("text", "expr", "entity", "side", "n"),
    [("people 65 years old or older", "65 years old or older", "age", "from", 65),
     ("3 years or more", "3 years or more", "duration", "from", 3), ("2 years or less", "2 years or less", "duration", "to", 2),
     ("up to 2,000,000 won", "up to 2,000,000 won", "amount-of-money", "to", 2_000_000)],
)  # fmt: skip
def test_english_bounds_after_and_money(pipe: EntityPipeline, text: str, expr: str, entity: str, side: str, n: int) -> None:
    span = _only(pipe, text, entity)
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == _open(side, n)
    info = span.additional_info or {}
    assert info["type"] == "interval" and set(info) == {"type", side} and info[side]["inclusive"] is True


@pytest.mark.parametrize(
    ("text", "expr", "entity", "lo", "hi", "lo_in", "hi_in"),
    [("만 19세 이상 39세 이하 청년", "만 19세 이상 39세 이하", "age", 19, 39, True, True),
     ("65세 이상 70세 미만", "65세 이상 70세 미만", "age", 65, 70, True, False),
     ("100만원 초과 200만원 이하", "100만원 초과 200만원 이하", "amount-of-money", 100 * 10_000, 200 * 10_000, False, True)],
)  # fmt: skip
def test_two_bounds_join(pipe: EntityPipeline, text: str, expr: str, entity: str, lo: int, hi: int, lo_in: bool, hi_in: bool) -> None:
    span = _only(pipe, text, entity)
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": lo, "to": hi}
    info = span.additional_info or {}
    assert (info["from"]["value"], info["from"]["inclusive"], info["to"]["value"], info["to"]["inclusive"]) == (lo, lo_in, hi, hi_in)


@pytest.mark.parametrize(
    ("text", "entity", "surface", "value"),
    [("3년 이상해요", "duration", "3년", 3),  # 이상하다: strange
     ("65세예요", "age", "65세", 65), ("3년 이내에 신청", "duration", "3년 이내", 3)],
)
def test_not_bounds(pipe: EntityPipeline, text: str, entity: str, surface: str, value: int) -> None:
    span = _only(pipe, text, entity)
    assert (span.text, span.value) == (surface, value)


@pytest.mark.parametrize(
    ("text", "expr"),
    [("며칠 걸려요?", "며칠"), ("며칠 동안 기다렸어요", "며칠 동안"), ("몇일 걸려요", "몇일"), ("며칠 더 기다려야 해요", "며칠")],
)
def test_myeochil_is_a_vague_number_of_days(pipe: EntityPipeline, text: str, expr: str) -> None:
    span = _only(pipe, text, "duration")
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": 2, "to": 9}
    info = span.additional_info or {}
    assert info["vague"] is True and info["from"]["normalized"]["value"] == 2 * SEC["day"]


@pytest.mark.parametrize(("text", "sign"), [("며칠 후에 와요", 1), ("며칠 전에 신청했어요", -1)])
def test_myeochil_relative_is_a_date_interval(pipe: EntityPipeline, text: str, sign: int) -> None:
    span = _only(pipe, text, "time")
    ends = sorted(NOW.date() + sign * dt.timedelta(days=d) for d in (2, 9))
    assert span.value == {"from": ends[0].isoformat(), "to": ends[1].isoformat()}
    assert (span.additional_info or {})["vague"] is True


@pytest.mark.parametrize("text", ["오늘 며칠이에요?", "3월 며칠에 가요?", "며칠에 가요?", "며칠날이에요?", "생일이 며칠이야?"])
def test_myeochil_asking_for_a_date_is_no_duration(pipe: EntityPipeline, text: str) -> None:
    assert not [e for e in pipe.extract(text) if e.entity == "duration" or isinstance(e.value, dict)]


@pytest.mark.parametrize(("text", "expr", "n", "unit"), [("it takes a couple of days", "a couple of days", 2, "day"),
                                                         ("a couple of weeks of waiting", "a couple of weeks", 2, "week"),
                                                         ("a couple days", "a couple days", 2, "day")])  # fmt: skip
def test_a_couple_is_approximately_two(pipe: EntityPipeline, text: str, expr: str, n: int, unit: str) -> None:
    span = _only(pipe, text, "duration")
    assert (span.text, span.value) == (expr, n)
    info = span.additional_info or {}
    assert info["approximate"] is True and info["normalized"]["value"] == n * SEC[unit]


def test_in_a_couple_of_days_is_an_approximate_date(pipe: EntityPipeline) -> None:
    span = _only(pipe, "come back in a couple of days", "time")
    assert span.value == (NOW.date() + dt.timedelta(days=2)).isoformat()
    assert (span.additional_info or {})["approximate"] is True


def _at(day: int, hour: int, minute: int = 0) -> str:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SEOUL).strftime("%Y-%m-%dT%H:%M:00.000+09:00")


@pytest.mark.parametrize(
    ("text", "expr", "lo", "hi", "grain"),
    [
        ("오전 11시~오후 1시에 가능해요", "오전 11시~오후 1시", _at(25, 11), _at(25, 13), "hour"),
        ("11:30-13:00에 가능해요", "11:30-13:00", _at(25, 11, 30), _at(25, 13), "minute"),
        ("10시 반부터 12시까지 가능해요", "10시 반부터 12시까지", _at(25, 10, 30), _at(25, 12), "minute"),
        ("from 11am to 1pm", "from 11am to 1pm", _at(25, 11), _at(25, 13), "hour"),
        ("between 10 am and 2 pm", "between 10 am and 2 pm", _at(25, 10), _at(25, 14), "hour"),
        ("11~1시에 만나요", "11~1시", _at(25, 11), _at(25, 13), "hour"),
        ("10am-2pm works", "10am-2pm", _at(25, 10), _at(25, 14), "hour"),
        ("11-1 pm", "11-1 pm", _at(25, 11), _at(25, 13), "hour"),
        ("2~3시 30분", "2~3시 30분", _at(25, 14, 30), _at(25, 15, 30), "minute"),  # the minutes said once belong to both
        ("내일 오전 11시~오후 1시", "내일 오전 11시~오후 1시", _at(26, 11), _at(26, 13), "hour"),
        ("오후 11시~오전 1시", "오후 11시~오전 1시", _at(25, 23), _at(26, 1), "hour"),  # across midnight
    ],
)
def test_clock_ranges_across_noon_and_with_minutes(pipe: EntityPipeline, text: str, expr: str, lo: str, hi: str, grain: str) -> None:
    span = _only(pipe, text, "time")
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": lo, "to": hi}
    assert span.additional_info == {"type": "interval", "from": {"value": lo, "grain": grain}, "to": {"value": hi, "grain": grain}}
    assert not [e for e in pipe.extract(text) if e.entity == "number"]


@pytest.mark.parametrize("text", ["11am and 1pm are both fine", "2 and 3pm"])
def test_two_times_with_and_are_no_range(pipe: EntityPipeline, text: str) -> None:
    assert not [e for e in pipe.extract(text) if isinstance(e.value, dict)]


NAUGHTY_BOUNDS = ["이상", "이하 미만 초과", "3년 이상 이상", "over", "at least", "under under 5 years", "65세 이상" * 500,
                  "~", "11:30-", "-13:00", "99:99-88:88", "25시~26시", "오후 13시~오전 0시", "며칠" * 300, "a couple of",
                  "couple", "\u200b3년\u200b이상", "３년　이상", "3\u00a0년 이상", "🙂3년🙂이상🙂", "0세 미만", "-5년 이상",
                  "1e9999년 이상", "１１：３０－１３：００"]  # fmt: skip


@pytest.mark.parametrize("text", NAUGHTY_BOUNDS)
def test_naughty_bounds_never_raise_and_offsets_hold(pipe: EntityPipeline, text: str) -> None:
    for e in pipe.extract(text):
        assert text[e.start : e.end] == e.text
        if isinstance(e.value, dict):
            assert set(e.value) == {"from", "to"}
