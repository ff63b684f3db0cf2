"""Dates, clock times and durations, in Korean and English (Duckling's ``time`` and ``duration`` dimensions).

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
"지난달", "3월", "2027년 5월", "in March"), ``YYYY`` (year: "내년"). A clock
time ("오후 3시", "3 pm", "10시 반", "15:30", "내일 오후 3시", "tomorrow at
3pm") is an instant in Duckling's own format, ``2026-11-25T15:00:00.000+09:00``.
Every ``time`` entity carries Duckling's ``additional_info``
(``{"type": "value", "grain", "value": <instant>, "values": [...]}``), as
Rasa's ``DucklingEntityExtractor`` passes it on.

Durations ("3개월", "두 달 동안", "3시간", "10일간", "2 weeks", "an hour") are
entity ``duration`` shaped as Rasa shows Duckling's: ``value`` the count (3),
``additional_info`` ``{"type": "value", "value": 3, "unit": "month", "month":
3, "normalized": {"value": 7776000, "unit": "second"}}`` (Duckling's
normalisation: a month is 30 days, a year 365). Halves and parts ("1시간 반"
→ 90 minutes, "2주 반" → 420 hours, "1년 6개월" → 18 months) and times relative
to now ("3일 후" → a date, "3시간 후" / "in 3 hours" → an instant) follow the
rules in :mod:`assistant.nlu.entities.durations`. "N일" alone is a day of the
month in Korean, so a day count needs 간/동안 ("3일 동안"); "3개월 후" and "in 2
weeks" stay dates (the longer expression wins).

Conventions (documented because they are choices):

* Weeks run Monday to Sunday (ISO 8601). "다음주 금요일" / "next Friday" is
  the Friday of next week; "이번주 금요일" / "this Friday" the Friday of this
  week; "지난주 금요일" the Friday of last week; "last Friday" the latest Friday
  before today; a bare "금요일" / "Friday" / "coming Friday" the first Friday
  after today.
* An English month name alone ("march", "I moved in March") is that month
  (the next one with ``prefer="future"``), except "may", which is a verb as
  often as a month: it needs a preposition ("in May"), a day ("May 3") or a
  year ("May 2027"). "March 2027" is the month of that year.
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
from assistant.nlu.entities import durations
from assistant.nlu.entities.base import DisjointSpans, boundaries, fold, is_hangul
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

TIME = "time"
DURATION = "duration"
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
_KO_NATIVE = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "열한": 11, "열두": 12}
_NUM_KO = r"\d{1,3}|" + "|".join(sorted(_KO_NATIVE, key=len, reverse=True))
_KO_AM = {"오전": "am", "아침": "am", "새벽": "am", "오후": "pm", "저녁": "pm", "밤": "night", "낮": "day"}
_EN_MONTH_NAMES = "january|february|march|april|may|june|july|august|september|october|november|december"
#: Month names that stand alone as a month: "may" is left out (a modal verb as often as a month).
_EN_BARE_MONTHS = "january|february|march|april|june|july|august|september|october|november|december"

_WD_EN = "|".join(sorted(_EN_WD, key=len, reverse=True))
_MON_EN = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_REL_KO = "|".join(sorted(_KO_REL, key=len, reverse=True))

_PATTERNS: list[tuple[str, str]] = [
    ("ymd", r"(?P<y>\d{4}|\d{2})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    ("ymd", r"(?<![\d.])(?P<y>\d{4})\s*(?P<sep>[-./])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d])\.?"),
    ("md", r"(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    ("ym", r"(?P<y>\d{4}|\d{2})\s*년\s*(?P<m>\d{1,2})\s*월(?!\s*\d{1,2}\s*일)"),
    ("mon", r"(?<![\d.])(?P<m>\d{1,2})\s*월(?!\s*\d{1,2}\s*일)"),
    ("en_mon", rf"\b(?:in|since|until|till|by|from|during|before|after)\s+(?P<x>{_EN_MONTH_NAMES})\b(?!\s*\d)"),
    ("en_mon", rf"\b(?P<x>{_EN_BARE_MONTHS})\b(?!\s*\d)"),
    ("en_my", rf"\b(?P<mon>{_EN_MONTH_NAMES})\.?,?\s+(?P<y>\d{{4}})\b"),
    ("ko_tod", rf"(?<![\d.])(?:(?P<ampm>{'|'.join(_KO_AM)})\s*)?(?P<h>{_NUM_KO})\s*시(?:\s*(?P<min>\d{{1,2}})\s*분|\s*(?P<half>반))?"),
    ("en_tod", r"\b(?P<h>\d{1,2})(?::(?P<min>[0-5]\d))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)(?![a-z])"),
    ("en_tod", r"\b(?P<h>\d{1,2})(?::(?P<min>[0-5]\d))?\s*o['’]?clock\b"),
    ("en_tod", r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)(?![\d:])"),
    ("en_tod", r"\b(?P<noon>noon|midday|midnight)\b"),
    ("ko_day", "|".join(sorted(_KO_DAYS, key=len, reverse=True))),
    ("ko_week_wd", rf"(?P<rel>{_REL_KO})\s*주\s*(?P<wd>[월화수목금토일])요일"),
    ("ko_wd", r"(?P<wd>[월화수목금토일])요일"),
    ("ko_week", rf"(?P<rel>{_REL_KO})\s*주(?!\s*[월화수목금토일]요일)"),
    ("ko_month", rf"(?P<rel>{_REL_KO})\s*달"),
    ("ko_year", "|".join(sorted(_KO_YEARS, key=len, reverse=True))),
    ("en_day", r"\b(?:the\s+)?(?:day\s+after\s+tomorrow|day\s+before\s+yesterday|today|tonight|tomorrow|yesterday)\b"),
    ("en_rel_wd", rf"\b(?P<rel>this|next|last|coming)\s+(?P<wd>{_WD_EN})\b"),
    ("en_wd", r"\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ("en_rel_unit", r"\b(?P<rel>this|next|last)\s+(?P<unit>week|month|year)\b"),
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


def _duckling_instant(d: dt.datetime) -> str:
    """Duckling's value format: ``2026-11-25T15:00:00.000+09:00``."""
    return d.isoformat(timespec="milliseconds")


def _time_info(value: str, tz: ZoneInfo) -> dict[str, object]:
    """Duckling-shaped ``additional_info`` of a date value at its grain (day, ISO week, month, year)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        grain, start = "day", dt.date.fromisoformat(value)
    elif m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        grain, start = "week", dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    elif re.fullmatch(r"\d{4}-\d{2}", value):
        grain, start = "month", dt.date.fromisoformat(value + "-01")
    else:
        grain, start = "year", dt.date(int(value), 1, 1)
    instant = _duckling_instant(dt.datetime(start.year, start.month, start.day, tzinfo=tz))
    return {"type": "value", "grain": grain, "value": instant, "values": [{"type": "value", "grain": grain, "value": instant}]}


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
        return self.reference().date()

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Date spans: ``time`` with an ISO value, or ``invalid-time`` with ``value=None``.

        Overlapping candidates are reduced to the longest ("다음주 금요일" over "금요일").
        """
        key = fold(text)
        starts, ends = boundaries(tokens)
        ref = self.reference()
        today = ref.date()
        cands: list[EntitySpan] = []
        for kind, pattern in _COMPILED:
            for m in pattern.finditer(key):
                s, e = m.span("x") if "x" in pattern.groupindex else m.span()
                if s == e or not self._aligned(key, s, e, starts, ends):
                    continue
                value: str | None
                info: dict[str, object] | None
                try:
                    if kind.endswith("_tod"):
                        value = self._time_of_day(kind, m.groupdict(), ref)
                        info = self._tod_info(value)
                    else:
                        value = self._value(kind, m, key[s:e], today)
                        info = None if value is None else _time_info(value, self.tz)
                except ValueError:
                    cands.append(EntitySpan(INVALID_TIME, s, e, text[s:e], None, extractor=self.name, confidence=1.0))
                    continue
                if value is not None:
                    cands.append(EntitySpan(TIME, s, e, text[s:e], value, extractor=self.name, confidence=1.0, additional_info=info))
        cands.extend(self._durations(text, key, tokens, ref))
        cands.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[EntitySpan] = []
        taken = DisjointSpans()
        for c in cands:
            if not taken.overlaps(c.start, c.end):
                taken.add(c.start, c.end)
                kept.append(c)
        return self._join_day_and_time(text, sorted(kept, key=lambda c: c.start))

    def _durations(self, text: str, key: str, tokens: list[Token], ref: dt.datetime) -> list[EntitySpan]:
        """Durations ("3시간 동안": ``duration``) and times relative to ``ref`` ("3시간 후", "in 3 hours": ``time``)."""
        out: list[EntitySpan] = []
        for d in durations.find_durations(key, tokens):
            span = text[d.start : d.end]
            if d.direction == 0:
                n, unit = durations.express(d.parts)
                info = durations.duration_info(n, unit)
                out.append(EntitySpan(DURATION, d.start, d.end, span, n, extractor=self.name, confidence=1.0, additional_info=info))
                continue
            when, grain = durations.shift(ref, d)
            if isinstance(when, dt.datetime):
                value = _duckling_instant(when)
                info = {"type": "value", "grain": grain, "value": value, "values": [{"type": "value", "grain": grain, "value": value}]}
            else:
                value = when.isoformat()
                info = _time_info(value, self.tz)
            out.append(EntitySpan(TIME, d.start, d.end, span, value, extractor=self.name, confidence=1.0, additional_info=info))
        return out

    def reference(self) -> dt.datetime:
        """The reference time, aware, in :attr:`tz`."""
        ref = self._now()
        if ref.tzinfo is None:
            ref = ref.replace(tzinfo=self.tz)
        return ref.astimezone(self.tz)

    def _time_of_day(self, kind: str, g: dict[str, str | None], ref: dt.datetime) -> str:
        """The next (``prefer="future"``) or latest (``"past"``) instant at that clock time, Duckling's format.

        Without 오전/오후/am/pm an hour 1-12 may be morning or afternoon: the nearer one in the preferred
        direction is taken ("3시" at 10:00 → 15:00 today), as Duckling does.
        """
        if g.get("noon"):
            hours, minute = [12 if g["noon"] in ("noon", "midday") else 0], 0
        else:
            h_raw = g["h"] or ""
            h = int(h_raw) if h_raw.isdigit() else _KO_NATIVE[h_raw]
            minute = int(g.get("min") or 0) if g.get("min") else (30 if g.get("half") else 0)
            ampm = (g.get("ampm") or "").replace(".", "")
            ampm = _KO_AM.get(ampm, ampm)
            if h > 24 or minute > 59 or (ampm and not 1 <= h <= 12):
                raise ValueError("no such time of day")
            if ampm == "am":
                hours = [0 if h == 12 else h]
            elif ampm == "pm":
                hours = [h if h == 12 else h + 12]
            elif ampm == "night":  # 밤 9시 → 21:00; 밤 12시 → 0:00; 밤 1-4시 is after midnight
                hours = [0 if h == 12 else (h if h <= 4 else h + 12)]
            elif ampm == "day":  # 낮 12시 → noon; 낮 2시 → 14:00
                hours = [h if h >= 11 else h + 12]
            elif h in (24,):
                hours = [0]
            else:
                hours = [h, h + 12] if 1 <= h <= 11 else [h]
        step = 1 if self.prefer == "future" else -1
        base = ref.replace(second=0, microsecond=0)
        options = []
        for hour in hours:
            for days in (-1, 0, 1):
                t = (base + dt.timedelta(days=days)).replace(hour=hour, minute=minute)
                if (step == 1 and t >= base) or (step == -1 and t <= base):
                    options.append(t)
        best = min(options) if step == 1 else max(options)
        return _duckling_instant(best)

    @staticmethod
    def _tod_info(value: str) -> dict[str, object]:
        grain = "hour" if value[14:16] == "00" else "minute"
        return {"type": "value", "grain": grain, "value": value, "values": [{"type": "value", "grain": grain, "value": value}]}

    def _join_day_and_time(self, text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
        """A day and a clock time next to each other are one instant ("내일 오후 3시", "tomorrow at 3pm", "3pm on Friday")."""
        out: list[EntitySpan] = []
        for sp in spans:
            prev = out[-1] if out else None
            if prev is not None and prev.entity == TIME and sp.entity == TIME:
                day, tod, gap_ok = None, None, False
                gap = fold(text)[prev.end : sp.start]
                if _is_day(prev.value) and _is_instant(sp.value):
                    day, tod, gap_ok = prev.value, sp.value, re.fullmatch(r"\s*(?:,\s*)?(?:at\s+)?|\s*에\s*", gap) is not None
                elif _is_instant(prev.value) and _is_day(sp.value):
                    day, tod, gap_ok = sp.value, prev.value, re.fullmatch(r"\s*(?:,\s*)?(?:on\s+)?", gap) is not None
                if gap_ok and day is not None and tod is not None:
                    clock = dt.datetime.fromisoformat(tod)
                    d = dt.date.fromisoformat(day)
                    value = _duckling_instant(dt.datetime(d.year, d.month, d.day, clock.hour, clock.minute, tzinfo=self.tz))
                    out[-1] = EntitySpan(TIME, prev.start, sp.end, text[prev.start : sp.end], value, extractor=self.name,
                                         confidence=1.0, additional_info=self._tod_info(value))  # fmt: skip
                    continue
            out.append(sp)
        return out

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
        if kind == "ym":
            month = int(g["m"])
            if not 1 <= month <= 12:
                raise ValueError("no such month")
            return f"{_resolve_year(g['y'], today):04d}-{month:02d}"
        if kind in ("mon", "en_mon"):
            return self._month(int(g["m"]) if kind == "mon" else _EN_MONTHS[g["x"]], today)
        if kind == "en_my":
            return f"{int(g['y']):04d}-{_EN_MONTHS[g['mon'].lower()]:02d}"
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

    def _month(self, month: int, today: dt.date) -> str:
        """"3월" alone: this year's March if it is this month or later (``prefer="future"``), else next year's."""
        if not 1 <= month <= 12:
            raise ValueError("no such month")
        year = today.year
        if self.prefer == "future" and month < today.month:
            year += 1
        elif self.prefer == "past" and month > today.month:
            year -= 1
        return f"{year:04d}-{month:02d}"

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


def _is_day(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def _is_instant(value: object) -> bool:
    return isinstance(value, str) and "T" in value

