"""Dates relative to a reference time, in Korean and English (Duckling's ``time`` dimension, date grain).

Why our own grammar: ``dateparser`` 1.5 was measured on the expressions
citizens use and falls short: "모레" and "다음주 금요일" are not understood
(``search_dates`` returns "금요일" alone, this week's Friday: a wrong date),
nothing is found inside "다음주 금요일에 부산으로 이사 가요", and "1990년 2월
31일" comes back as 1990-11-25 and 2027-02-25: silently shifted dates, which
a benefit form must never accept. The date expressions needed are a small
grammar; calendar arithmetic uses ``dateutil.relativedelta`` and time zones the
standard ``zoneinfo`` (IANA data from the ``tzdata`` package where the OS has
none).

Values are ISO 8601 strings at the expression's grain: ``YYYY-MM-DD`` (day),
``YYYY-Www`` (ISO week: "다음주", "next week"), ``YYYY-MM`` (month:
"지난달"), ``YYYY`` (year: "내년").

Conventions (documented because they are choices):

* Weeks run Monday to Sunday (ISO 8601). "다음주 금요일" / "next Friday" is
  the Friday of next week; "이번주 금요일" / "this Friday" the Friday of this
  week; "지난주 금요일" the Friday of last week; "last Friday" the latest Friday
  before today; a bare "금요일" / "Friday" / "coming Friday" the first Friday
  after today.
* A month and day without a year ("3월 2일") is the next such date on or after
  today (``prefer="future"``) or the latest on or before today (``"past"``).
  Two-digit years: 00..(this year's last two digits) are 20xx, others 19xx.
* A date that does not exist ("1990년 2월 31일", "13월 1일") is reported as
  entity ``invalid-time`` with ``value=None``, never shifted to a real date, so
  a form can say "that date does not exist" (case C05).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from assistant.errors import InvalidConfigError
from assistant.nlu.entities.base import boundaries, fold, is_hangul
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

TIME = "time"
INVALID_TIME = "invalid-time"
EXTRACTOR = "duckling-like"

_KO_WD = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_EN_WD = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3, "thu": 3,
    "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "june": 6,
    "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_KO_DAYS = {"오늘": 0, "금일": 0, "내일": 1, "명일": 1, "모레": 2, "내일모레": 2, "글피": 3, "어제": -1, "어저께": -1,
            "그제": -2, "그저께": -2, "엊그제": -2}  # fmt: skip
_EN_DAYS = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1, "day after tomorrow": 2, "day before yesterday": -2}
_KO_REL = {"이번": 0, "금": 0, "다음": 1, "담": 1, "다다음": 2, "지난": -1, "저번": -1, "지지난": -2}
_KO_YEARS = {"올해": 0, "금년": 0, "내년": 1, "명년": 1, "내후년": 2, "작년": -1, "지난해": -1, "재작년": -2}
_EN_REL = {"this": 0, "next": 1, "last": -1}

_WD_EN = "|".join(sorted(_EN_WD, key=len, reverse=True))
_MON_EN = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_REL_KO = "|".join(sorted(_KO_REL, key=len, reverse=True))

_PATTERNS: list[tuple[str, str]] = [
    ("ymd", r"(?P<y>\d{4}|\d{2})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    ("ymd", r"(?<![\d.])(?P<y>\d{4})\s*(?P<sep>[-./])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d])\.?"),
    ("md", r"(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    ("ko_day", "|".join(sorted(_KO_DAYS, key=len, reverse=True))),
    ("ko_week_wd", rf"(?P<rel>{_REL_KO})\s*주\s*(?P<wd>[월화수목금토일])요일"),
    ("ko_wd", r"(?P<wd>[월화수목금토일])요일"),
    ("ko_week", rf"(?P<rel>{_REL_KO})\s*주(?!\s*[월화수목금토일]요일)"),
    ("ko_month", rf"(?P<rel>{_REL_KO})\s*달"),
    ("ko_year", "|".join(sorted(_KO_YEARS, key=len, reverse=True))),
    ("ko_offset", r"(?P<n>\d{1,3})\s*(?P<unit>일|주|개월|달|년)\s*(?P<dir>후|뒤|전|있다가)"),
    ("en_day", r"\b(?:the\s+)?(?:day\s+after\s+tomorrow|day\s+before\s+yesterday|today|tonight|tomorrow|yesterday)\b"),
    ("en_rel_wd", rf"\b(?P<rel>this|next|last|coming)\s+(?P<wd>{_WD_EN})\b"),
    ("en_wd", r"\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ("en_rel_unit", r"\b(?P<rel>this|next|last)\s+(?P<unit>week|month|year)\b"),
    ("en_offset", r"\bin\s+(?P<n>\d{1,3})\s+(?P<unit>day|week|month|year)s?\b|\b(?P<n2>\d{1,3})\s+(?P<unit2>day|week|month|year)s?\s+ago\b"),
    ("en_mdy", rf"\b(?P<mon>{_MON_EN})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"),
    ("en_dmy", rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON_EN})\b\.?(?:,?\s+(?P<y>\d{{4}})\b)?"),
]
_COMPILED = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in _PATTERNS]



def _resolve_year(yy: str, today: dt.date) -> int:
    if len(yy) == 4:
        return int(yy)
    y = int(yy)
    return 2000 + y if y <= today.year % 100 else 1900 + y


def _add(d: dt.date, delta: relativedelta) -> str:
    """``d + delta`` as an ISO date (typed wrapper: dateutil is untyped)."""
    out: dt.date = d + delta
    return out.isoformat()


def _week_monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


class DateExtractor:
    """Dates in Korean and English, resolved against a reference time.

    Args:
        timezone: IANA zone in which "today" is taken (default ``Asia/Seoul``).
        now: returns the reference time (aware, or naive meaning ``timezone``);
            defaults to the current time. Tests pass a fixed time.
        prefer: for a month and day without a year, ``"future"`` or ``"past"``.

    Raises:
        InvalidConfigError: unknown time zone or ``prefer`` value.

    Example:
        >>> ext = DateExtractor(now=lambda: dt.datetime(2026, 11, 25, 10, 0))
        >>> text = "다음주 금요일에 이사 가요"
        >>> [(s.text, s.value) for s in ext.extract(text, KoreanTokenizer().tokenize(text))]
        [('다음주 금요일', '2026-12-04')]
    """

    name = EXTRACTOR

    def __init__(
        self,
        timezone: str = "Asia/Seoul",
        now: Callable[[], dt.datetime] | None = None,
        prefer: Literal["future", "past"] = "future",
    ) -> None:
        try:
            self.tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise InvalidConfigError(f"unknown time zone {timezone!r} (use an IANA name such as 'Asia/Seoul')") from e
        if prefer not in ("future", "past"):
            raise InvalidConfigError(f"prefer must be 'future' or 'past', not {prefer!r}")
        self.timezone = timezone
        self.prefer = prefer
        self._now = now or (lambda: dt.datetime.now(self.tz))

    def today(self) -> dt.date:
        """The reference date in :attr:`tz`."""
        ref = self._now()
        if ref.tzinfo is None:
            ref = ref.replace(tzinfo=self.tz)
        return ref.astimezone(self.tz).date()

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Date spans: ``time`` with an ISO value, or ``invalid-time`` with ``value=None``.

        Overlapping candidates are reduced to the longest ("다음주 금요일" over "금요일").
        """
        key = fold(text)
        starts, ends = boundaries(tokens)
        today = self.today()
        cands: list[EntitySpan] = []
        for kind, pattern in _COMPILED:
            for m in pattern.finditer(key):
                s, e = m.span()
                if s == e or not self._aligned(key, s, e, starts, ends):
                    continue
                try:
                    value = self._value(kind, m, key[s:e], today)
                except ValueError:
                    cands.append(EntitySpan(INVALID_TIME, s, e, text[s:e], None, extractor=self.name, confidence=1.0))
                    continue
                if value is not None:
                    cands.append(EntitySpan(TIME, s, e, text[s:e], value, extractor=self.name, confidence=1.0))
        cands.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[EntitySpan] = []
        for c in cands:
            if all(c.end <= k.start or c.start >= k.end for k in kept):
                kept.append(c)
        return sorted(kept, key=lambda c: c.start)

    @staticmethod
    def _aligned(key: str, s: int, e: int, starts: set[int], ends: set[int]) -> bool:
        """Korean matches must start and end on morpheme boundaries (keeps 내일 out of 내일배움카드)."""
        if is_hangul(key[s]) and s > 0 and (is_hangul(key[s - 1]) or key[s - 1].isalnum()) and s not in starts:
            return False
        if is_hangul(key[e - 1]) and e < len(key) and is_hangul(key[e]) and e not in ends:
            return False
        return True

    def _value(self, kind: str, m: re.Match[str], surface: str, today: dt.date) -> str | None:
        g = m.groupdict()
        if kind == "ymd":
            return dt.date(_resolve_year(g["y"], today), int(g["m"]), int(g["d"])).isoformat()
        if kind == "md":
            return self._month_day(int(g["m"]), int(g["d"]), today)
        if kind == "en_mdy" or kind == "en_dmy":
            month = _EN_MONTHS[g["mon"].lower()]
            if g.get("y"):
                return dt.date(int(g["y"]), month, int(g["d"])).isoformat()
            return self._month_day(month, int(g["d"]), today)
        if kind == "ko_day":
            return (today + dt.timedelta(days=_KO_DAYS[surface])).isoformat()
        if kind == "en_day":
            phrase = " ".join(surface.lower().split()).removeprefix("the ")
            return (today + dt.timedelta(days=_EN_DAYS[phrase])).isoformat()
        if kind == "ko_week_wd":
            monday = _week_monday(today) + dt.timedelta(weeks=_KO_REL[re.sub(r"\s", "", g["rel"])])
            return (monday + dt.timedelta(days=_KO_WD[g["wd"]])).isoformat()
        if kind in ("ko_wd", "en_wd"):
            wd = _KO_WD[g["wd"]] if kind == "ko_wd" else _EN_WD[g["wd"].lower()]
            return _add(today, relativedelta(days=1, weekday=wd))
        if kind == "en_rel_wd":
            return self._en_rel_weekday(g["rel"].lower(), _EN_WD[g["wd"].lower()], today)
        if kind == "ko_week":
            return _iso_week(today + dt.timedelta(weeks=_KO_REL[g["rel"]]))
        if kind == "ko_month":
            d = today + relativedelta(months=_KO_REL[g["rel"]])
            return f"{d.year:04d}-{d.month:02d}"
        if kind == "ko_year":
            return f"{today.year + _KO_YEARS[surface]:04d}"
        if kind == "en_rel_unit":
            return self._shift(today, g["unit"].lower(), _EN_REL[g["rel"].lower()])
        if kind == "ko_offset":
            n = int(g["n"]) * (-1 if g["dir"] == "전" else 1)
            unit = {"일": "day", "주": "week", "개월": "month", "달": "month", "년": "year"}[g["unit"]]
            return self._offset(today, unit, n)
        if kind == "en_offset":
            if g["n"] is not None:
                return self._offset(today, g["unit"].lower(), int(g["n"]))
            return self._offset(today, g["unit2"].lower(), -int(g["n2"]))
        return None

    def _month_day(self, month: int, day: int, today: dt.date) -> str:
        """The next (or latest) existing ``month``/``day``; ValueError when it never exists."""
        dt.date(2000, month, day)  # raises for 2월 30일, 13월 1일 (2000 is a leap year: 2월 29일 passes)
        step = 1 if self.prefer == "future" else -1
        year = today.year
        for _ in range(9):
            try:
                d = dt.date(year, month, day)
            except ValueError:
                year += step
                continue
            if (step == 1 and d >= today) or (step == -1 and d <= today):
                return d.isoformat()
            year += step
        raise ValueError(f"no date for {month}/{day}")

    @staticmethod
    def _en_rel_weekday(rel: str, wd: int, today: dt.date) -> str:
        if rel == "coming":
            return _add(today, relativedelta(days=1, weekday=wd))
        if rel == "last":
            return (today - dt.timedelta(days=(today.weekday() - wd - 1) % 7 + 1)).isoformat()
        monday = _week_monday(today) + dt.timedelta(weeks=_EN_REL[rel])
        return (monday + dt.timedelta(days=wd)).isoformat()

    @staticmethod
    def _shift(today: dt.date, unit: str, n: int) -> str:
        if unit == "week":
            return _iso_week(today + dt.timedelta(weeks=n))
        if unit == "month":
            d = today + relativedelta(months=n)
            return f"{d.year:04d}-{d.month:02d}"
        return f"{today.year + n:04d}"

    @staticmethod
    def _offset(today: dt.date, unit: str, n: int) -> str:
        delta = {"day": relativedelta(days=n), "week": relativedelta(weeks=n), "month": relativedelta(months=n),
                 "year": relativedelta(years=n)}[unit]  # fmt: skip
        return _add(today, delta)
