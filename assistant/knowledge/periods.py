"""Application periods (신청기한) of catalogue services: when a window ends, and whether it has ended.

The catalogue's 신청기한 field is free text: "상시신청", "매년 1~2월", "2024.3.1~2024.3.31", "2026.3.1. ~ 12.6
(예산소진시 사업종료)", "'26. 3. 18. ~ 4. 6. / 2차: '26. 4. 30. ~ 5. 29.", "2025-12~2026-12", "2026년 3월 ~ 12월
(예정)". Only a window dated with a year can end: :func:`parse_period` finds every dated window in the text and
keeps the latest end; a text without a year ("매년 1~2월", "연중", "4월~11월") recurs or is not dated and never
ends. A text that also says applications are always open ("상시", "연중", "수시": "2026년 1월 중(※ 취약계층: 상시 신청
가능)") is not read as ended either: the answer must not tell a citizen who may still apply that they cannot.

Why our own grammar rather than a date library: ``dateparser`` parses single dates, not ranges, so the end of
"2026.3.1. ~ 12.6" (its year is the start's) or "2026. 1. ~ 12." (a month, so the 31st) is lost, and it shifts
impossible dates to real ones (see :mod:`assistant.nlu.entities.dates`, which found the same for the dialogue's
dates). The conversation's own date grammar resolves a date without a year towards today, which is wrong for a
catalogue window ("4월~11월" is every year, not this one). The month's last day comes from :mod:`calendar`.

English pages write dates in words, day-month-year or month-day-year ("9 June 2025 – 31 December 2025", "June 9 –
December 31, 2025", "9–31 December 2025", "June – November 2025"): the same rules apply (a window needs a year to
end; a yearless end takes the start's year). Why not a library for these either: ``daterangeparser`` (last release
2019) and ``datefinder`` fill a missing year from the current one, which would make a yearly window ("Deadline: 31
December") end every year; ``dateparser`` reads no ranges (above). Month names come from :mod:`calendar`.

Bundled Markdown pages state the period as a labelled line inside another section ("- 신청기한: …", "- 신청기간(카탈로그
기재 기준): …", "- Application period listed in the catalogue: …", "- Deadline: …"): :func:`labelled_periods` finds those
lines in any text, so an answer that quotes them can say the window has ended.

"Today" is the calendar day in Asia/Seoul (the catalogue's dates are Korean dates): :func:`today_in_seoul`; callers
take a ``today`` callable (a clock) so tests pin it.

Example:
    >>> p = parse_period("2024.3.1~2024.3.31")
    >>> p.end, p.status(dt.date(2026, 12, 1))
    (datetime.date(2024, 3, 31), 'ended')
    >>> ended_note(p, dt.date(2026, 12, 1), "ko")
    '신청 기간이 지났습니다 (2024.3.31까지).'
    >>> parse_period("매년 1~2월").status(dt.date(2026, 12, 1))
    'unknown'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

#: The catalogue's zone: its dates are Korean calendar days.
SEOUL = ZoneInfo("Asia/Seoul")

#: What a clock gives: today's date.
Clock = Callable[[], dt.date]

PeriodStatus = Literal["ended", "open", "unknown"]
Grain = Literal["day", "month", "year"]

#: Words that say applications are (also) always open: such a text is never read as ended.
_ALWAYS_OPEN = re.compile(r"상시|연중|수시|any ?time|all year|year[- ]round", re.IGNORECASE)
#: A year: four digits from 2000, or an apostrophe and two digits ('26, ’26).
_YEAR = r"(?:(?P<{0}>20\d\d)|[’'‘](?P<{0}2>\d\d))"
#: One end of a window: a year (optional on the end side), a month, a day (optional), with the catalogue's
#: separators ("2026.3.1.", "2026. 3. 1.", "2026-03-01", "2026년 3월 1일", "2025-3.", "2026. 3월", "3. 6.(금)").
#: A "2026-1학기" (a term) is no month.
_SEP = r"\s*(?:[.\-/]|년)\s*"


def _side(name: str, year_optional: bool) -> str:
    year = _YEAR.format(f"{name}y")
    year = f"(?:{year}{_SEP})" + ("?" if year_optional else "")
    return (rf"{year}(?P<{name}m>1[0-2]|0?[1-9])(?!\d|\s*학기)\s*(?:월|[.\-/])?"
            rf"(?:\s*(?P<{name}d>3[01]|[12]\d|0?[1-9])(?!\d)\s*(?:일|\.)?)?(?:\s*\([월화수목금토일]\))?")


#: A dated window: a start with its year, then optionally "~" and an end (its year optional: the start's).
_WINDOW = re.compile(_side("a", False) + r"(?:\s*[~∼〜－–-]\s*" + _side("b", True) + ")?")
#: A month without a year after a dated window ("2026년 1월(상반기), 7월(하반기)", "2025년 5월 초 ~ 6월 중순"): that
#: window's year.
_MONTH_AFTER = re.compile(r"(?<![\d.\-/])(1[0-2]|0?[1-9])\s*월")
#: A year alone ("2026년 예정"): the window is that year.
_YEAR_ALONE = re.compile(r"(?<!\d)(20\d\d)\s*년(?!\s*\d)")


_MONTH_NAMES = {name: i for i in range(1, 13)
                for name in (calendar.month_name[i], calendar.month_abbr[i], "Sept" if i == 9 else calendar.month_abbr[i])}
#: An English month name, capitalised ("may" is a verb, "May" the month), full or abbreviated ("Sept.", "Dec").
_EN_MONTH = "(?:" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\b\.?"
_ORD = r"(?:st|nd|rd|th)?"
#: One English date: "9 June 2025", "9th of June, 2025", "June 9, 2025", "June 9–30, 2025" (the second day is the end),
#: "June 2025", "June" (a month alone: a year may come from the window's other side).
_EN_DATE = re.compile(
    rf"(?<![\w])(?P<d>3[01]|[12]\d|0?[1-9]){_ORD}\s+(?:of\s+)?(?P<m>{_EN_MONTH}),?(?:\s+(?P<y>20\d\d))?(?!\d)"
    rf"|(?P<m2>{_EN_MONTH})\s+(?P<d2>3[01]|[12]\d|0?[1-9]){_ORD}(?:\s*[–—-]\s*(?P<d2b>3[01]|[12]\d|0?[1-9]){_ORD})?"
    rf"(?!\d)(?:,?\s+(?P<y2>20\d\d))?(?!\d)"
    rf"|(?P<m3>{_EN_MONTH})(?:,?\s+(?P<y3>20\d\d))?(?!\d)")
#: What may stand between the two sides of an English window.
_EN_TO = re.compile(r"\s*(?:[~∼〜–—-]|to|until|till|through|thru)\s*", re.IGNORECASE)


def _english_ends(text: str) -> list[tuple[dt.date, Grain]]:
    """The ends of the English-dated windows of ``text``: every English date with a year, and a yearless one that
    closes a window opened by a dated one ("June 9, 2025 – December 31": the start's year, or the next year's when
    it would come before the start). A yearless date with no dated start never ends (a yearly window)."""
    ends: list[tuple[dt.date, Grain]] = []
    prev: tuple[dt.date, int] | None = None  # the previous date (its first day) and where it ended in the text
    for m in _EN_DATE.finditer(text):
        if m.group("m"):
            month, day, year = m.group("m"), m.group("d"), m.group("y")
        elif m.group("m2"):
            month, day, year = m.group("m2"), m.group("d2b") or m.group("d2"), m.group("y2")
        else:
            month, day, year = m.group("m3"), None, m.group("y3")
        number = _MONTH_NAMES[month.rstrip(".")]
        joined = prev is not None and _EN_TO.fullmatch(text[prev[1]:m.start()]) is not None
        if year is None and not joined:
            prev = None
            continue
        if year is not None:
            y = int(year)
        else:
            assert prev is not None  # joined: a previous date opened the window
            y = prev[0].year
        found = _last_day(y, number, day)
        if found is not None and year is None and prev is not None and found[0] < prev[0]:
            found = _last_day(y + 1, number, day)
        if found is None:
            prev = None
            continue
        ends.append(found)
        first = found[0].replace(day=1) if found[1] == "month" else found[0]
        prev = (first, m.end())
    return ends


@dataclass(frozen=True)
class Period:
    """An application period as the catalogue states it.

    Attributes:
        text: the 신청기한 text as written.
        end: the last day of its latest dated window (inclusive), ``None`` when it has none.
        grain: how precisely the end is written (``"day"``, ``"month"``: the month's last day, ``"year"``: 31 December).
        always_open: the text also says applications are always open (상시, 연중, 수시).
    """

    text: str
    end: dt.date | None = None
    grain: Grain = "day"
    always_open: bool = False

    def status(self, today: dt.date) -> PeriodStatus:
        """``"ended"`` when its end is before ``today`` (and the text does not say it is always open), ``"open"``
        when its end is ``today`` or later, else ``"unknown"`` (no dated window: recurring or not dated)."""
        if self.end is None or self.always_open:
            return "unknown"
        return "ended" if self.end < today else "open"

    def end_label(self, language: str) -> str:
        """The end as the answer writes it, at its grain: ``2024.3.31`` / ``2025.11`` / ``2026`` (Korean),
        ``31 March 2024`` / ``November 2025`` / ``2026`` (English)."""
        if self.end is None:
            return ""
        e = self.end
        if language == "en":
            month = calendar.month_name[e.month]
            return {"day": f"{e.day} {month} {e.year}", "month": f"{month} {e.year}", "year": str(e.year)}[self.grain]
        return {"day": f"{e.year}.{e.month}.{e.day}", "month": f"{e.year}.{e.month}", "year": str(e.year)}[self.grain]


def today_in_seoul() -> dt.date:
    """Today's date in Asia/Seoul (the default clock)."""
    return dt.datetime.now(SEOUL).date()


def clock(day: dt.date | None) -> Clock:
    """A clock that gives ``day``, or :func:`today_in_seoul` when ``day`` is None (``Settings.period_today``)."""
    return today_in_seoul if day is None else (lambda: day)


def _year(m: re.Match[str], side: str) -> int | None:
    if m.group(f"{side}y"):
        return int(m.group(f"{side}y"))
    if m.group(f"{side}y2"):
        return 2000 + int(m.group(f"{side}y2"))
    return None


def _last_day(year: int, month: int, day: str | None) -> tuple[dt.date, Grain] | None:
    if day is None:
        return dt.date(year, month, calendar.monthrange(year, month)[1]), "month"
    try:
        return dt.date(year, month, int(day)), "day"
    except ValueError:  # a day the month does not have: no end rather than a shifted one
        return None


def parse_period(text: str | None) -> Period:
    """Read the end of a 신청기한 text (see the module's docstring for what counts).

    Args:
        text: the field as the catalogue writes it (``None`` or empty: no period).

    Returns:
        a :class:`Period`; ``end`` is the latest end of its dated windows (``None`` without one).

    Example:
        >>> parse_period("2026.3.1. ~ 12.6 (예산소진시 사업종료)").end
        datetime.date(2026, 12, 6)
        >>> parse_period("2026. 1. ~ 12.").end, parse_period("2025-12~2026-12").grain
        (datetime.date(2026, 12, 31), 'month')
    """
    text = text or ""
    ends: list[tuple[dt.date, Grain]] = []
    spans: list[tuple[int, int, int]] = []  # (start, end, the window's last year)
    for m in _WINDOW.finditer(text):
        start_year = _year(m, "a")
        assert start_year is not None  # the start's year is required by the pattern
        if m.group("bm"):
            year = _year(m, "b") or start_year
            end = _last_day(year, int(m.group("bm")), m.group("bd"))
            start = _last_day(start_year, int(m.group("am")), m.group("ad"))
            if end is not None and start is not None and _year(m, "b") is None and end[0] < start[0]:
                end = _last_day(year + 1, int(m.group("bm")), m.group("bd"))  # "2025.12.17 ~ 1.9": the next year's
        else:
            end = _last_day(start_year, int(m.group("am")), m.group("ad"))
        if end is not None:
            ends.append(end)
            spans.append((m.start(), m.end(), end[0].year))
    for mm in _MONTH_AFTER.finditer(text):
        before = [year for _a, b, year in spans if b <= mm.start()]
        if before and not any(a <= mm.start() < b for a, b, _y in spans):
            found = _last_day(before[-1], int(mm.group(1)), None)
            if found is not None:
                ends.append(found)
    ends += _english_ends(text)
    if not ends:
        ends = [(dt.date(int(y), 12, 31), "year") for y in _YEAR_ALONE.findall(text)]
    always = _ALWAYS_OPEN.search(text) is not None
    if not ends:
        return Period(text, always_open=always)
    last, grain = max(ends)
    return Period(text, last, grain, always)


#: A labelled period line: an optional list bullet, a label (신청기한, 신청기간, 접수기간, 모집기간, "Application
#: period", "Application deadline", "Deadline"), at most 40 more characters before a colon ("(카탈로그 기재 기준)",
#: " listed in the catalogue"), the value; a label with no colon takes the more indented lines below it as its value
#: ("- 신청기한" then "  - 첫 출산축하금: …").
_LABELLED = re.compile(
    r"^(?P<indent>[ \t]*)(?:[-*•·]\s*)?(?:(?:신청|접수|모집)\s*(?:기한|기간)|[Aa]pplication\s+(?:period|deadline)s?"
    r"|[Dd]eadlines?)(?:[^:\n]{0,40}:[ \t]*(?P<value>.*)|[ \t]*$)", re.MULTILINE)


def labelled_periods(text: str) -> list[Period]:
    r"""The application periods stated as labelled lines in ``text`` (a quoted section of a page), in order.

    Example:
        >>> [p.end for p in labelled_periods("- 방문: 주민센터\n- 신청기한(카탈로그 기재 기준): 2025.6.9.(월) ~ 2025.12.31.(수).")]
        [datetime.date(2025, 12, 31)]
        >>> [p.end for p in labelled_periods("- Application period listed in the catalogue: 9 June 2025 – 31 December 2025.")]
        [datetime.date(2025, 12, 31)]
        >>> labelled_periods("2025년도 사용기간(2025.7.1. ~ 2026.5.25.)")  # a period of use, not of application
        []
    """
    found: list[Period] = []
    lines = text.splitlines()
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for m in _LABELLED.finditer(text):
        value = m.group("value")
        if value is None:  # the label alone: its value is the more indented lines below it
            row = offsets.index(m.start()) if m.start() in offsets else -1
            below: list[str] = []
            for line in lines[row + 1:] if row >= 0 else []:
                if len(line) - len(line.lstrip()) <= len(m.group("indent")) or not line.strip():
                    break
                below.append(line.strip())
            value = "\n".join(below)
        found.append(parse_period(value))
    return found


def ended_note(period: Period, today: dt.date, language: str) -> str:
    """The sentence that says a period has ended, or ``""`` when it has not (or cannot be told).

    Korean: ``신청 기간이 지났습니다 (2024.3.31까지).``; English: ``The application period ended on 31 March 2024.``
    (``ended in November 2025`` for a month, ``ended in 2025`` for a year).
    """
    return _ended_sentence(period, today, language, "The application period", "신청 기간이 지났습니다")


#: A period of use stated in a sentence: "사용기간(2025.7.1. ~ 2026.5.25.)", "the 2025 usage period (1 July 2025 – 25
#: May 2026)": the dates in the brackets after the label.
_USE = re.compile(r"(?:사용|이용)\s*기간\s*\((?P<ko>[^)\n]{6,60})\)|usage\s+period\s*\((?P<en>[^)\n]{6,60})\)", re.IGNORECASE)


def use_periods(text: str) -> list[Period]:
    """The periods of use (of a voucher, a card) stated in ``text`` with their dates in brackets, in order.

    Example:
        >>> [p.end for p in use_periods("2025년도 사용기간(2025.7.1. ~ 2026.5.25.) 안에서 … 쓸 수 있습니다.")]
        [datetime.date(2026, 5, 25)]
        >>> [p.end for p in use_periods("during the 2025 usage period (1 July 2025 – 25 May 2026).")]
        [datetime.date(2026, 5, 25)]
        >>> use_periods("- 사용 기간: 이용권이 발급된 날부터 분만예정일 후 2년까지")  # no dates: nothing to tell
        []
    """
    found = [parse_period(m.group("ko") or m.group("en")) for m in _USE.finditer(text)]
    return [p for p in found if p.end is not None]


def use_ended_note(period: Period, today: dt.date, language: str) -> str:
    """The sentence that says a period of use has ended, or ``""`` (s34 fresh-user probe: 에너지바우처's "2025년도
    사용기간(2025.7.1. ~ 2026.5.25.)" was quoted in December 2026 as if it could still be used)."""
    return _ended_sentence(period, today, language, "That period of use", "이 사용기간은 끝났습니다")


def _ended_sentence(period: Period, today: dt.date, language: str, english: str, korean: str) -> str:
    """``"<english> ended on <day>."`` / ``"<korean> (<day>까지)."`` when ``period`` ended before ``today``, else ``""``."""
    if period.status(today) != "ended":
        return ""
    label = period.end_label(language)
    if language == "en":
        return f"{english} ended {'on' if period.grain == 'day' else 'in'} {label}."
    return f"{korean} ({label}까지)."


__all__ = ["Clock", "clock", "Period", "PeriodStatus", "SEOUL", "ended_note", "labelled_periods", "parse_period", "today_in_seoul",
           "use_ended_note", "use_periods"]
