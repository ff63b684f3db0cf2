"""Ages from dates and years of birth: "1958년 3월 2일생이에요", "천구백오십팔년 삼월 이일생", "오십팔년생", "I was born in 1958".

A citizen often answers the age question with when they were born. The date itself is personal data (masked at rest
and in logs: :func:`assistant.nlu.pii.find_birth_dates`); the form needs only the age. So the entity stage turns a
birth into an ``age`` entity over the words that say it, whose value is the age and never the date:

* a full date of birth (the detector's rule: a real date, not after today, beside a word for birth; written or read
  aloud) → ``age`` = completed years (만 나이) on the reference date, ``additional_info`` ``{"value", "unit": "year",
  "valid", "from_birth": "date"}``. It replaces the ``time`` / ``number`` / ``duration`` entities over those words
  (a birth date is no date to book and no count of years).
* a year of birth alone ("1958년생", "58년생", "오십팔년생", "1958년에 태어났어요", "born in 1958", "born in nineteen
  fifty-eight", "birth year 1958") → the two ages it allows: ``{"from": Y-1, "to": Y, "from_birth": "year"}``
  (the validator reads the last key; the value holds no year) where Y is the reference
  year minus the birth year (the birthday may not have come yet this year; on 31 December it has, and the value is
  the one age Y). ``additional_info`` is the interval shape of the other ages plus ``"from_birth": "year"``. The
  age validator rejects such a pair with reason ``"birth_year_only"`` (:func:`assistant.dialogue.validators.
  validate_age`), so the form asks for the age itself: guessing one of the two could decide an eligibility wrongly
  (만 65세 for the basic pension). Before this, "58년생" at the age question filled the age with 58.

Ages are 만 나이, the default for ages in law since 28 June 2023 (민법 제158조, 행정기본법 제7조의2). The reference
date is the entity pipeline's clock in its time zone (Asia/Seoul by default): the conversation's current date.
A two-digit year is the latest year not after the reference date (58 → 1958, 05 → 2005), as for birth dates.

Why our own code: no library reads Korean years of birth; the date rule is the PII detector's own, shared.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.nlu.entities import numbers
from assistant.nlu.entities.english_numbers import english_numbers
from assistant.nlu.pii import find_birth_dates, parse_birth_date
from assistant.nlu.spoken_digits import spoken_date_view
from assistant.nlu.types import EntitySpan

EXTRACTOR = numbers.EXTRACTOR
_KO_NUMERAL = "[공영일이삼사오육륙칠팔구십백천]"
#: A year of birth in Korean: "1958년생", "58년생", "오십팔년생", "1958년도 생", "1958년에 태어났어요", "1958년 출생".
_KO_YEAR = re.compile(
    r"(?<![0-9가-힣])(?P<y>\d{4}|\d{2}|" + _KO_NUMERAL + r"{2,7})\s*년\s*(?:도\s*)?(?:생(?![활계산각존])|에\s*태어|출생)"
)
#: A year of birth in English: "born in 1958", "born 1958", "born in '58", "birth year 1958", "year of birth: 1958".
_EN_YEAR = re.compile(
    r"\b(?:born(?:\s+in)?(?:\s+the\s+year)?|birth\s*year(?:\s+is)?|year\s+of\s+birth(?:\s+is)?)\s*:?\s*"
    r"(?P<y>\d{4}|['’]\d{2})(?![0-9])", re.IGNORECASE
)
_EN_BORN_BEFORE = re.compile(
    r"\b(?:born(?:\s+in)?(?:\s+the\s+year)?|birth\s*year(?:\s+is)?|year\s+of\s+birth(?:\s+is)?)\s*:?\s*$", re.IGNORECASE
)


def completed_years(born: dt.date, today: dt.date) -> int:
    """만 나이: whole years from ``born`` to ``today`` (a birthday on 29 February counts on 1 March in other years)."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def ages_for_birth_year(year: int, today: dt.date) -> tuple[int, int]:
    """The youngest and oldest age on ``today`` of someone born in ``year``: ``(Y-1, Y)``, or ``(Y, Y)`` on 31
    December, where ``Y = today.year - year``."""
    oldest = today.year - year
    return (oldest if (today.month, today.day) == (12, 31) else oldest - 1), oldest


def _full_year(digits: str, today: dt.date) -> int | None:
    if len(digits) == 4:
        return int(digits)
    if len(digits) == 2:
        y = int(digits)
        return 2000 + y if 2000 + y <= today.year else 1900 + y
    return None


def _korean_year(surface: str, today: dt.date) -> int | None:
    if surface.isdigit():
        return _full_year(surface, today)
    view = spoken_date_view(f"{surface}년 1월 1일생")  # the birth-date reader's own reading of a spoken year
    born = parse_birth_date(view.text, today) if view.runs else None
    return born.year if born is not None else None


def _age_span(text: str, start: int, end: int, value: object, info: dict[str, object]) -> EntitySpan:
    return EntitySpan("age", start, end, text[start:end], value, extractor=EXTRACTOR, confidence=1.0,
                      additional_info=info)


def _from_date(text: str, start: int, end: int, born: dt.date, today: dt.date) -> EntitySpan:
    age = completed_years(born, today)
    return _age_span(text, start, end, age, {"value": age, "unit": "year", "valid": 0 <= age <= numbers.MAX_AGE,
                                             "from_birth": "date"})


def _from_year(text: str, start: int, end: int, year: int, today: dt.date) -> EntitySpan | None:
    if year > today.year or today.year - year > numbers.MAX_AGE:
        return None
    lo, hi = ages_for_birth_year(year, today)
    if lo == hi:
        return _age_span(text, start, end, hi, {"value": hi, "unit": "year", "valid": True, "from_birth": "year"})
    return _age_span(text, start, end, {"from": lo, "to": hi, "from_birth": "year"},
                     {"type": "interval", "from": {"value": lo, "unit": "year"}, "to": {"value": hi, "unit": "year"},
                      "from_birth": "year"})


def birth_ages(text: str, today: dt.date) -> list[EntitySpan]:
    """The ``age`` entities that births in ``text`` give on ``today`` (see the module docstring), in text order.

    Args:
        text: one user message.
        today: the reference date (the conversation's current date in the pipeline's time zone).

    Returns:
        Non-overlapping ``age`` spans: over the date for a full date of birth (``1958년 3월 2일`` of ``1958년 3월
        2일생``), over the year for a year of birth (``1958년`` of ``1958년생``, ``1958`` of ``born in 1958``).

    Example:
        >>> [(s.text, s.value) for s in birth_ages("저는 1958년 3월 2일생이에요", dt.date(2026, 11, 30))]
        [('1958년 3월 2일', 68)]
    """
    out: list[EntitySpan] = []
    for b in find_birth_dates(text, today):
        view = spoken_date_view(text[b.start : b.end])
        born = parse_birth_date(view.text if view.runs else text[b.start : b.end], today)
        if born is not None:
            out.append(_from_date(text, b.start, b.end, born, today))

    def free(s: int, e: int) -> bool:
        return not any(s < o.end and o.start < e for o in out)

    years: list[EntitySpan] = []
    for m in _KO_YEAR.finditer(text):
        year = _korean_year(m.group("y"), today)
        end = m.end("y") + len(re.match(r"\s*년", text[m.end("y") :]).group(0))  # type: ignore[union-attr]
        if year is not None and free(m.start("y"), end) and (span := _from_year(text, m.start("y"), end, year, today)):
            years.append(span)
    for m in _EN_YEAR.finditer(text):
        digits = m.group("y").lstrip("'’")
        year = _full_year(digits, today)
        if year is not None and free(m.start("y"), m.end("y")) and (span := _from_year(text, m.start("y"), m.end("y"), year, today)):
            years.append(span)
    for n in english_numbers(text):  # "born in nineteen fifty-eight"
        if isinstance(n.value, int) and 1000 <= n.value and _EN_BORN_BEFORE.search(text[: n.start]) and free(n.start, n.end):
            if span := _from_year(text, n.start, n.end, n.value, today):
                years.append(span)
    for y in years:
        if free(y.start, y.end):
            out.append(y)
    return sorted(out, key=lambda s: s.start)


def with_birth_ages(text: str, entities: list[EntitySpan], today: dt.date) -> list[EntitySpan]:
    """``entities`` with each birth's ``age`` (:func:`birth_ages`) in place of the entities it overlaps (the
    ``time`` of the date, the ``number`` 58 of "58년생", a ``duration``), in text order."""
    ages = birth_ages(text, today)
    if not ages:
        return entities
    kept = [e for e in entities if not any(e.start < a.end and a.start < e.end for a in ages)]
    return sorted([*kept, *ages], key=lambda s: (s.start, s.end))
