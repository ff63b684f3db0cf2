"""Ranges and vague amounts ("2~3일", "2-3 days", "한두 시간", "수십만 원"): an interval, never one wrong value.

Expected values are computed here from the counts and a table of seconds per unit (Duckling's normalisation:
a month is 30 days, a year 365), not read from the extractor; offsets are found in the original text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.nlu.entities.pipeline import EntityPipeline
from assistant.nlu.types import EntitySpan

SEOUL = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SEOUL)  # a Wednesday
#: seconds per Duckling unit, typed here
SEC = {"year": 365 * 86400, "month": 30 * 86400, "week": 7 * 86400, "day": 86400, "hour": 3600, "minute": 60, "second": 1}
KO_UNITS = {"년": "year", "개월": "month", "주": "week", "일": "day", "시간": "hour", "분": "minute", "초": "second"}
EN_UNITS = {"years": "year", "months": "month", "weeks": "week", "days": "day", "hours": "hour", "minutes": "minute"}


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    return EntityPipeline(now=lambda: NOW)


def _only(pipe: EntityPipeline, text: str, entity: str) -> EntitySpan:
    found = [e for e in pipe.extract(text) if e.entity == entity]
    assert len(found) == 1, (text, [(e.entity, e.text, e.value) for e in pipe.extract(text)])
    return found[0]


def _duration_info(lo: int, hi: int | None, unit: str) -> dict[str, Any]:
    def bound(n: int) -> dict[str, Any]:
        return {"value": n, "unit": unit, "normalized": {"value": n * SEC[unit], "unit": "second"}}

    return {"type": "interval", "from": bound(lo), **({"to": bound(hi)} if hi is not None else {})}


KO_FORMS = [
    "{a}~{b}{u}", "{a}-{b}{u}", "{a} ~ {b}{u}", "{a}～{b}{u}", "{a}에서 {b}{u}", "{a}{u}에서 {b}{u}", "{a}부터 {b}{u}까지",
    "{a}{u}~{b}{u}", "{a} 내지 {b}{u}", "{a}~{b}{u} 동안", "{a}~{b}{u}간",
]  # fmt: skip


@pytest.mark.parametrize("form", KO_FORMS)
@pytest.mark.parametrize("ko_unit", list(KO_UNITS))
@pytest.mark.parametrize(("a", "b"), [(2, 3), (10, 20)])
def test_korean_duration_ranges_units_by_forms(pipe: EntityPipeline, form: str, ko_unit: str, a: int, b: int) -> None:
    expr = form.format(a=a, b=b, u=ko_unit)
    text = f"처리에 {expr} 걸린다고 들었어요"
    span = _only(pipe, text, "duration")
    start = text.index(expr)
    assert (span.start, span.end, span.text) == (start, start + len(expr), expr)
    unit = KO_UNITS[ko_unit]
    assert span.value == {"from": a, "to": b}
    assert span.additional_info == _duration_info(a, b, unit)
    assert not [e for e in pipe.extract(text) if e.entity == "number"]  # no stray single "2" or "3"


EN_FORMS = ["{a}-{b} {u}", "{a} - {b} {u}", "{a}–{b} {u}", "{a} to {b} {u}", "{a} or {b} {u}", "between {a} and {b} {u}",
            "from {a} to {b} {u}"]  # fmt: skip


@pytest.mark.parametrize("form", EN_FORMS)
@pytest.mark.parametrize("en_unit", list(EN_UNITS))
@pytest.mark.parametrize(("a", "b", "na", "nb"), [("2", "3", 2, 3), ("two", "three", 2, 3), ("10", "twenty", 10, 20)])
def test_english_duration_ranges_units_by_forms(pipe: EntityPipeline, form: str, en_unit: str, a: str, b: str, na: int, nb: int) -> None:
    expr = form.format(a=a, b=b, u=en_unit)
    text = f"It usually takes {expr} to process."
    span = _only(pipe, text, "duration")
    start = text.index(expr)
    assert (span.start, span.end) == (start, start + len(expr))
    assert span.value == {"from": na, "to": nb}
    assert span.additional_info == _duration_info(na, nb, EN_UNITS[en_unit])


@pytest.mark.parametrize(
    ("expr", "lo", "hi", "unit"),
    [
        ("한두 시간", 1, 2, "hour"), ("두세 시간", 2, 3, "hour"), ("서너 시간", 3, 4, "hour"), ("너덧 시간", 4, 5, "hour"),
        ("두세 달", 2, 3, "month"), ("한두 달", 1, 2, "month"), ("서너 달", 3, 4, "month"), ("두세 주", 2, 3, "week"),
        ("한두 해", 1, 2, "year"), ("대여섯 시간", 5, 6, "hour"), ("두세 개월", 2, 3, "month"),
        ("이삼일", 2, 3, "day"), ("삼사 년", 3, 4, "year"), ("사오 년", 4, 5, "year"), ("이삼 주", 2, 3, "week"),
        ("한 시간에서 두 시간", 1, 2, "hour"),
        # halves and mixed units: both bounds in the smaller unit
        ("1시간~1시간 반", 60, 90, "minute"), ("1~2년 반", 12, 30, "month"), ("2.5~3시간", 150, 180, "minute"),
        ("1년~18개월", 12, 18, "month"),
    ],
)
def test_korean_word_ranges(pipe: EntityPipeline, expr: str, lo: int, hi: int, unit: str) -> None:
    text = f"보통 {expr} 정도 걸려요"
    span = _only(pipe, text, "duration")
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": lo, "to": hi}
    assert span.additional_info == _duration_info(lo, hi, unit)


@pytest.mark.parametrize(
    ("text", "expr", "lo", "hi", "unit"),
    [
        ("몇 시간 걸렸어요", "몇 시간", 2, 9, "hour"), ("몇 달 기다렸어요", "몇 달", 2, 9, "month"),
        ("몇 년 살았어요", "몇 년", 2, 9, "year"), ("몇 주 걸려요", "몇 주", 2, 9, "week"),
        ("수개월 걸려요", "수개월", 2, 9, "month"), ("수년간 살았어요", "수년간", 2, 9, "year"),
        ("몇십 년 살았어요", "몇십 년", 20, 90, "year"), ("수십 년 살았어요", "수십 년", 20, 90, "year"),
        ("it took a few hours", "a few hours", 2, 9, "hour"), ("several weeks of waiting", "several weeks", 2, 9, "week"),
        ("it took a few days", "a few days", 2, 9, "day"),
    ],
)
def test_vague_durations(pipe: EntityPipeline, text: str, expr: str, lo: int, hi: int, unit: str) -> None:
    span = _only(pipe, text, "duration")
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": lo, "to": hi}
    assert span.additional_info == {**_duration_info(lo, hi, unit), "vague": True}


@pytest.mark.parametrize(
    ("text", "expr", "n", "unit"),
    [("10여 년 살았어요", "10여 년", 10, "year"), ("20여 일 걸렸어요", "20여 일", 20, "day"), ("3년여 만에 왔어요", "3년여", 3, "year"),
     ("1시간여 기다렸어요", "1시간여", 1, "hour"), ("한 달여 걸렸어요", "한 달여", 1, "month")],
)
def test_more_than_yeo_is_an_open_interval(pipe: EntityPipeline, text: str, expr: str, n: int, unit: str) -> None:
    span = _only(pipe, text, "duration")
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": n, "to": None}
    assert span.additional_info == {**_duration_info(n, None, unit), "approximate": True}


MAN, EOK = 10_000, 100_000_000


@pytest.mark.parametrize(
    ("text", "expr", "lo", "hi", "extra"),
    [
        ("월세가 3~5만원이에요", "3~5만원", 3 * MAN, 5 * MAN, {}),  # the 만 belongs to both sides
        ("30~50만 원 받아요", "30~50만 원", 30 * MAN, 50 * MAN, {}),
        ("3만원에서 5만원 사이", "3만원에서 5만원", 3 * MAN, 5 * MAN, {}),
        ("3만~5만원", "3만~5만원", 3 * MAN, 5 * MAN, {}),
        ("3천~5만원", "3천~5만원", 3000, 5 * MAN, {}),  # 3천 keeps its own 천
        ("2~3백만 원", "2~3백만 원", 200 * MAN, 300 * MAN, {}),
        ("이십~삼십만 원", "이십~삼십만 원", 20 * MAN, 30 * MAN, {}),
        ("1억~2억 원", "1억~2억 원", EOK, 2 * EOK, {}),
        ("오륙십만 원", "오륙십만 원", 50 * MAN, 60 * MAN, {}),
        ("수십만 원 들어요", "수십만 원", 20 * MAN, 90 * MAN, {"vague": True}),
        ("수백만 원", "수백만 원", 200 * MAN, 900 * MAN, {"vague": True}),
        ("몇천 원", "몇천 원", 2000, 9000, {"vague": True}),
        ("수억 원", "수억 원", 2 * EOK, 9 * EOK, {"vague": True}),
        ("30,000-50,000 won", "30,000-50,000 won", 30_000, 50_000, {}),
    ],
)
def test_money_ranges(pipe: EntityPipeline, text: str, expr: str, lo: int, hi: int, extra: dict[str, Any]) -> None:
    span = _only(pipe, text, "amount-of-money")
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": lo, "to": hi}
    assert span.additional_info == {"type": "interval", "from": {"value": lo, "unit": "KRW"}, "to": {"value": hi, "unit": "KRW"}, **extra}


def test_more_than_money_is_open(pipe: EntityPipeline) -> None:
    span = _only(pipe, "100여만 원 들었어요", "amount-of-money")
    assert span.text == "100여만 원" and span.value == {"from": 100 * MAN, "to": None}
    assert span.additional_info == {"type": "interval", "from": {"value": 100 * MAN, "unit": "KRW"}, "approximate": True}


@pytest.mark.parametrize(
    ("text", "expr", "entity", "lo", "hi", "unit"),
    [
        ("60~65세 어르신", "60~65세", "age", 60, 65, "year"), ("60-65 years old", "60-65 years old", "age", 60, 65, "year"),
        ("2~3명 가요", "2~3명", "number", 2, 3, None), ("서너 번 갔어요", "서너 번", "number", 3, 4, None),
        ("두세 명이요", "두세 명", "number", 2, 3, None), ("1-2등급", "1-2등급", "number", 1, 2, None),
    ],
)
def test_age_and_count_ranges(pipe: EntityPipeline, text: str, expr: str, entity: str, lo: int, hi: int, unit: str | None) -> None:
    span = _only(pipe, text, entity)
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": lo, "to": hi}
    u = {"unit": unit} if unit else {}
    assert span.additional_info == {"type": "interval", "from": {"value": lo, **u}, "to": {"value": hi, **u}}


@pytest.mark.parametrize(
    ("text", "expr", "lo", "hi"),
    [
        ("2~3일 후에 와요", "2~3일 후", NOW.date() + dt.timedelta(days=2), NOW.date() + dt.timedelta(days=3)),
        ("in 2-3 days", "in 2-3 days", NOW.date() + dt.timedelta(days=2), NOW.date() + dt.timedelta(days=3)),
        ("2~3주 뒤", "2~3주 뒤", NOW.date() + dt.timedelta(weeks=2), NOW.date() + dt.timedelta(weeks=3)),
        ("3~5일 전에", "3~5일 전", NOW.date() - dt.timedelta(days=5), NOW.date() - dt.timedelta(days=3)),
        ("2 to 3 days ago", "2 to 3 days ago", NOW.date() - dt.timedelta(days=3), NOW.date() - dt.timedelta(days=2)),
    ],
)
def test_relative_ranges_are_time_intervals(pipe: EntityPipeline, text: str, expr: str, lo: dt.date, hi: dt.date) -> None:
    span = _only(pipe, text, "time")
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": lo.isoformat(), "to": hi.isoformat()}
    assert not [e for e in pipe.extract(text) if e.entity == "duration"]
    assert span.additional_info == {"type": "interval", "from": {"value": lo.isoformat(), "grain": "day"},
                                    "to": {"value": hi.isoformat(), "grain": "day"}}  # fmt: skip


@pytest.mark.parametrize(("text", "expr", "lo_h", "hi_h"), [("2~3시간 후에 전화할게요", "2~3시간 후", 2, 3),
                                                          ("a few hours later I left", "a few hours later", 2, 9)])
def test_relative_hour_range_is_an_instant_interval(pipe: EntityPipeline, text: str, expr: str, lo_h: int, hi_h: int) -> None:
    span = _only(pipe, text, "time")
    lo, hi = NOW + dt.timedelta(hours=lo_h), NOW + dt.timedelta(hours=hi_h)
    fmt = "%Y-%m-%dT%H:%M:%S.000+09:00"
    assert span.text == expr and span.value == {"from": lo.strftime(fmt), "to": hi.strftime(fmt)}


def _at(day: int, hour: int) -> str:
    return dt.datetime(2026, 11, day, hour, tzinfo=SEOUL).strftime("%Y-%m-%dT%H:00:00.000+09:00")


@pytest.mark.parametrize(
    ("text", "expr", "lo", "hi"),
    [
        ("오후 2~3시에 가능해요", "오후 2~3시", _at(25, 14), _at(25, 15)),
        ("2~3시에 만나요", "2~3시", _at(25, 14), _at(25, 15)),  # as a bare "3시" at 10:00: the next 3 o'clock
        ("내일 오후 2시부터 3시까지 가능해요", "내일 오후 2시부터 3시까지", _at(26, 14), _at(26, 15)),
        ("2시에서 3시 사이", "2시에서 3시 사이", _at(25, 14), _at(25, 15)),
        ("오전 9~11시", "오전 9~11시", _at(25, 9), _at(25, 11)),
        ("9-10 am", "9-10 am", _at(25, 9), _at(25, 10)),
        ("call me between 2 and 3pm", "between 2 and 3pm", _at(25, 14), _at(25, 15)),
        ("tomorrow 2-3 pm works", "tomorrow 2-3 pm", _at(26, 14), _at(26, 15)),
        ("2pm to 4pm", "2pm to 4pm", _at(25, 14), _at(25, 16)),
    ],
)
def test_clock_time_ranges(pipe: EntityPipeline, text: str, expr: str, lo: str, hi: str) -> None:
    span = _only(pipe, text, "time")
    assert (span.start, span.text) == (text.index(expr), expr)
    assert span.value == {"from": lo, "to": hi}
    assert span.additional_info == {"type": "interval", "from": {"value": lo, "grain": "hour"}, "to": {"value": hi, "grain": "hour"}}
    assert not [e for e in pipe.extract(text) if e.entity == "number"]


@pytest.mark.parametrize(
    ("text", "expr", "value"),
    [("약 3년 살았어요", "3년", 3), ("3년 정도 살았어요", "3년", 3), ("3년쯤", "3년", 3), ("about 3 years", "3 years", 3),
     ("around 2 hours", "2 hours", 2), ("대략 2시간", "2시간", 2)],
)
def test_approximate_single_values_keep_their_value(pipe: EntityPipeline, text: str, expr: str, value: int) -> None:
    span = _only(pipe, text, "duration")
    assert (span.text, span.value) == (expr, value)
    assert span.additional_info is not None and span.additional_info["approximate"] is True


def test_approximate_money_and_a_word_that_only_ends_in_yak(pipe: EntityPipeline) -> None:
    money = _only(pipe, "약 300만 원 받아요", "amount-of-money")
    assert money.value == 300 * MAN and money.additional_info == {"approximate": True}
    contract = _only(pipe, "계약 3년", "duration")  # 계약 (contract) ends in 약 but is no cue
    assert contract.value == 3 and "approximate" not in (contract.additional_info or {})


@pytest.mark.parametrize(
    "text",
    ["12월 2~3일에 가요", "몇 분이세요?", "몇 살이에요?", "수원에 살아요", "3년여름", "일이 3일 밀렸어요", "5~3만원",
     "2~3", "이 시간에서 세 시간"],
)
def test_not_ranges(pipe: EntityPipeline, text: str) -> None:
    assert not [e for e in pipe.extract(text) if isinstance(e.value, dict)]


@pytest.mark.parametrize("text", ["2~3일", "2-3 days", "한두 시간", "두세 달", "3에서 5년", "between 2 and 3 weeks", "10여 년",
                                  "몇 시간", "a few hours", "수십만 원", "3~5만원"])  # fmt: skip
def test_the_issue_examples_never_give_one_value(pipe: EntityPipeline, text: str) -> None:
    found = pipe.extract(text)
    assert len(found) == 1 and isinstance(found[0].value, dict) and (found[0].start, found[0].end) == (0, len(text))
