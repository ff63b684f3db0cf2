"""Durations and times relative to now, Korean and English (Duckling's ``duration``, and ``time`` for "in 3 hours").

:func:`find_durations` finds the expressions; :func:`express` gives a
duration's Duckling value; :func:`shift` resolves a relative one ("3시간 후",
"2주 뒤", "30분 전", "in 3 hours", "2 weeks ago") against the reference time.
:class:`~assistant.nlu.entities.dates.DateExtractor` turns them into entities.

Why our own grammar: see :mod:`assistant.nlu.entities.dates` (``dateparser``
does not find these inside a sentence, nor report offsets). The grammar:

* a part is a count and a unit: digits ("3시간", "1.5 hours"), Sino-Korean
  ("삼십 분", "일 년"), native Korean ("세 시간", "석 달", "두 해"), English
  words ("two weeks", "an hour"), or a word that is a count of days ("하루",
  "이틀", "사흘" ... "열흘", "보름", "일주일");
* a half: "N <unit> 반", "반년", "반 시간", "반개월", "N and a half <unit>",
  "<a/N> <unit> and a half", "half a(n) <unit>"; parts in falling units make one
  duration ("1시간 30분", "1년 6개월", "2 hours and 15 minutes");
* Korean duration markers 간/동안/이내 belong to the span ("3일 동안", "14일
  이내"); a day count with digits needs one of them, a half, a following part
  or a direction, since "3일" alone is a day of the month;
* relative: Korean 후/뒤/있다가/지나서 (later) and 전 (earlier) after the
  duration; English "in"/"after" before it, "ago" (earlier) or "from now",
  "later", "hence" after it.

Counting rule (Duckling's, extended): a duration's ``value`` is a whole count in
the largest unit, no larger than its smallest part, in which it is whole
(weeks are skipped below a month or a year: "3개월 반" is 105 days).
For the halves Duckling knows (``nPlusOneHalf``: minute, hour, day, month,
year) that is its next smaller unit: "1시간 반" is 90 minutes, "한 달 반" 45
days, "1년 반" 18 months. Duckling has no half of a week; in days it would be
17.5 ("2주 반"), not a whole count (Duckling's values are integers), so it is
420 hours. A second has no smaller unit: "3초 반" is 3.5 seconds, the one
non-integral value. Conversions: a year is 12 months (Duckling's
``nPlusOneHalf``); otherwise by Duckling's normalisation (month 30 days, year
365 days), e.g. "1년 3일" is 368 days.

Not durations (documented choices): "세 분" / "두 분" (native numerals count
people with 분; minutes take Sino-Korean "삼 분"), "이 시간" / "이 달" (Kiwi
reads 이 as "this"), "반주" (a drink with a meal), "반달" (a half-moon),
"반일" (a half working day), "3일째", "90년생", "3주년", "3일
반차", "once a week", "a second copy", "70 years old". Ranges and vague amounts ("2~3일", "두세 달",
"10여 년", "몇 시간") are :mod:`assistant.nlu.entities.ranges`'s: an interval, never one of their numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from assistant.nlu.entities.base import is_hangul
from assistant.nlu.entities.numbers import parse_korean_number
from assistant.nlu.tokenizer import Token

#: Units, largest first, with seconds by Duckling's normalisation (month 30 days, year 365 days).
SECONDS = {"year": 31_536_000, "month": 2_592_000, "week": 604_800, "day": 86_400, "hour": 3_600, "minute": 60, "second": 1}
UNITS = tuple(SECONDS)

_KO_UNITS = {"년": "year", "해": "year", "개월": "month", "달": "month", "주일": "week", "주": "week", "일": "day",
             "시간": "hour", "분": "minute", "초": "second"}  # fmt: skip
#: Words that are a count of days, weeks or years, with their unit ("반년" may be one morpheme for Kiwi).
_KO_DAY_WORDS = {"하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "여드레": 8, "아흐레": 9,
                 "열흘": 10, "보름": 15}  # fmt: skip
_KO_WORDS = {
    **{w: (Fraction(n), "일") for w, n in _KO_DAY_WORDS.items()},
    "일주일": (Fraction(1), "주"),
    "반년": (Fraction(1, 2), "년"),
}
#: "반<unit>" that means half a unit; 반주/반달/반일/반분/반초 mean other things (see the module docstring).
_KO_HALF_FIRST = {"년": "year", "개월": "month", "시간": "hour"}
#: Native numerals count hours, weeks, months and years (한 시간, 두 주, 석 달, 두 해), not minutes, seconds or days.
_NATIVE_UNITS = frozenset({"시간", "주", "주일", "달", "개월", "해"})
_KO_LATER = {"후": 1, "뒤": 1, "있다가": 1, "이따가": 1, "지나서": 1, "지나면": 1, "전": -1}
#: Markers of a span of time that belong to the duration: "3일 동안", "3일간", "14일 이내" (within).
_KO_MARKERS = ("동안", "간", "이내")
#: Words that may follow a duration directly (no space) besides particles and endings.
#: Bound words after a count ("3년 이상"): :mod:`assistant.nlu.entities.open_ranges` makes the open interval.
_KO_BOUND_WORDS = ("이상", "이하", "미만", "초과", "넘")
_KO_NEXT_OK = frozenset({*_KO_LATER, *_KO_MARKERS, "정도", "쯤", "가량", "반", "내", "씩", *_KO_BOUND_WORDS})

_NATIVE = (
    r"(?:열|스물|서른|마흔|쉰|예순|일흔|여든|아흔)?(?:한|두|세|네|석|넉|다섯|여섯|일곱|여덟|아홉)"
    r"|열|스무|서른|마흔|쉰|예순|일흔|여든|아흔"
)
_KO_PART = re.compile(
    r"(?P<word>" + "|".join(sorted(_KO_WORDS, key=len, reverse=True)) + r")"
    r"|(?P<half1>반)\s*(?P<hunit>" + "|".join(_KO_HALF_FIRST) + r")"
    r"|(?:(?P<digits>(?<![\d.,])\d{1,4}(?:\.\d+)?)|(?P<sino>[일이삼사오육륙칠팔구십백천]+)|(?P<native>" + _NATIVE + r"))"
    r"\s*(?P<unit>" + "|".join(sorted(_KO_UNITS, key=len, reverse=True)) + r")"
)

_EN_SMALL = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "a couple of": 2, "a couple": 2, "couple of": 2,
}  # fmt: skip
#: "a couple of days" is about two (Merriam-Webster: couple "an indefinite small number: few"): the value is 2,
#: flagged approximate by :func:`assistant.nlu.entities.ranges.mark_approximate`.
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_EN_NUM = (
    r"(?<![\d.,])\d+(?:\.\d+)?|(?:" + "|".join(_EN_TENS) + r")(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b)?"
    r"|" + "|".join(sorted(_EN_SMALL, key=len, reverse=True))
)
_EN_UNIT = r"(?P<unit>years?|yrs?|months?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)\b"
_EN_PART = re.compile(
    r"\b(?:(?P<half0>half)\s+(?:an?\s+)?" + _EN_UNIT
    + r"|(?P<n>" + _EN_NUM + r")(?:\s+and\s+a\s+(?P<half1>half))?(?:(?<=\d)[\s-]*|[\s-]+)" + _EN_UNIT.replace("unit", "unit2")
    + r"(?:\s+and\s+a\s+(?P<half2>half)\b)?)"
)  # fmt: skip
_EN_BEFORE = re.compile(r"\b(?P<w>in|after)\s+$")
_EN_AFTER = re.compile(r"\s+(?:(?P<ago>ago)|from\s+now|later|hence)\b")
_EN_JOIN = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s+")
#: What after an English count and unit makes it no duration: an age ("70 years old"), a comparison.
_EN_NOT_AFTER = re.compile(r"[\s-]*(?:old|older|younger|of\s+age)\b")
#: "once a week", "three times a day": a frequency, not a duration.
_EN_FREQUENCY = re.compile(r"\b(?:once|twice|thrice|times)\s+$")
#: "a second" is a duration only when nothing but these words follow ("wait a second" vs "a second copy").
_EN_SECOND_OK = re.compile(r"\s*(?:$|[^\sa-z]|(?:and|or|ago|later|from|hence|please|in|to|for)\b)")


@dataclass(frozen=True)
class DurationMatch:
    """One duration expression found in a message.

    Attributes:
        start, end: offsets into the message (``text[start:end]`` is the expression, markers included).
        parts: ``(count, unit)`` pairs in falling units; ``count`` exact ("반" is 1/2, "1.5" is 3/2).
        direction: 0 for a duration ("3시간 동안"), +1 for a time after now ("3시간 후", "in 3 hours"),
            -1 before now ("30분 전", "2 weeks ago").
    """

    start: int
    end: int
    parts: tuple[tuple[Fraction, str], ...]
    direction: int


def _factor(unit: str, target: str) -> Fraction:
    """How many ``target`` units one ``unit`` is: a year is 12 months, otherwise by normalised seconds."""
    if (unit, target) == ("year", "month"):
        return Fraction(12)
    return Fraction(SECONDS[unit], SECONDS[target])


def express(parts: tuple[tuple[Fraction, str], ...]) -> tuple[int | float, str]:
    """A duration's Duckling value: a whole count in the largest unit where it is whole (see the module docstring).

    The units tried are the smallest part's, then the smaller ones other than weeks.

    Args:
        parts: ``(count, unit)`` pairs, units from :data:`UNITS`.

    Returns:
        ``(value, unit)``: ``(90, "minute")`` for 1 hour and a half, ``(420, "hour")`` for 2.5 weeks; a float
        count of seconds only when no unit makes it whole (``(3.5, "second")``).
    """
    smallest = UNITS[max(UNITS.index(u) for _, u in parts)]
    # a week is no part of a month or a year: "3개월 반" is 105 days, not 15 weeks
    for target in (smallest, *(u for u in UNITS[UNITS.index(smallest) + 1 :] if u != "week")):
        total = sum((c * _factor(u, target) for c, u in parts), Fraction(0))
        if total.denominator == 1:
            return int(total), target
    seconds = sum((c * SECONDS[u] for c, u in parts), Fraction(0))
    return float(seconds), "second"


def duration_info(value: int | float, unit: str) -> dict[str, object]:
    """Rasa's ``additional_info`` of a Duckling duration: unit, count, normalised seconds.

    Example:
        >>> duration_info(90, "minute")
        {'type': 'value', 'value': 90, 'unit': 'minute', 'minute': 90, 'normalized': {'value': 5400, 'unit': 'second'}}
    """
    seconds = value * SECONDS[unit]
    return {"type": "value", "value": value, "unit": unit, unit: value,
            "normalized": {"value": int(seconds) if float(seconds).is_integer() else seconds, "unit": "second"}}  # fmt: skip


def shift(ref: dt.datetime, match: DurationMatch) -> tuple[dt.date | dt.datetime, str]:
    """Resolve a relative duration against the aware reference time ``ref``.

    Days and longer ("3일 후", "1년 반 뒤", "2 weeks ago") give a date (grain ``day``), by calendar
    arithmetic in ``ref``'s zone (``dateutil.relativedelta``: "1개월 후" on 31 January is 28 or 29
    February); a half is added after the whole units, in the unit :func:`express` gives it ("2개월 반 후"
    is 2 months, then 15 days; "1년 반 후" 1 year, then 6 months; "2주 반 후" 2 weeks, then 84 hours
    from the reference time). Hours, minutes and seconds ("3시간 후", "in half an hour") give an instant, by elapsed
    time (across a daylight-saving change the clock moves by the offset as well), at Duckling's grain:
    the reference truncated to the minute for hours, to the second for minutes and seconds.

    Returns:
        ``(date, "day")`` or ``(aware datetime in ref's zone, "minute" | "second")``.
    """
    sign = match.direction or 1
    if UNITS.index(match.parts[0][1]) <= UNITS.index("day"):
        target: dt.datetime = ref
        for count, unit in match.parts:
            whole = int(count)
            pieces: list[tuple[int | float, str]] = [(whole, unit)] if whole else []
            if count != whole:
                pieces.append(express(((count - whole, unit),)))
            for value, as_unit in pieces:
                if as_unit in ("year", "month", "week", "day") and float(value).is_integer():
                    target = target + relativedelta(**{as_unit + "s": sign * int(value)})
                else:
                    target = target + dt.timedelta(seconds=sign * value * SECONDS[as_unit])
        return target.date(), "day"
    _, as_unit = express(match.parts)
    grain = "minute" if as_unit == "hour" else "second"
    base = ref.replace(second=0, microsecond=0) if grain == "minute" else ref.replace(microsecond=0)
    seconds = float(sum((c * SECONDS[u] for c, u in match.parts), Fraction(0)))
    moved = (base.astimezone(dt.timezone.utc) + dt.timedelta(seconds=sign * seconds)).astimezone(ref.tzinfo)
    return moved, grain


def find_durations(key: str, tokens: list[Token]) -> list[DurationMatch]:
    """Duration and relative-time expressions in a folded message (:func:`~assistant.nlu.entities.base.fold`).

    Korean numerals in words are accepted where Kiwi tags them as numerals (``NR``/``MM``), so "이 시간"
    (this hour) is not two hours. Where there are no tokens (the unanalysed middle of a very long message,
    see :func:`~assistant.nlu.entities.base.analyse`) Korean durations need digits ("3시간") and their
    후/뒤/전 is not read; English needs no tokens.

    Args:
        key: the folded message (same length as the message, so offsets are the message's).
        tokens: its Kiwi tokens, offsets into the message.

    Returns:
        The expressions in text order per language (Korean first), each the longest found at its start.
    """
    return [*_find_korean(key, tokens), *_find_english(key)]


class _Tokens:
    """Kiwi tokens of a message, looked up by offset."""

    def __init__(self, tokens: list[Token]) -> None:
        self.by_start: dict[int, list[Token]] = {}
        for t in tokens:
            self.by_start.setdefault(t.start, []).append(t)
        self.ends = {t.end for t in tokens}

    def made_of(self, s: int, e: int, tags: tuple[str, ...]) -> bool:
        """``[s, e)`` is a run of adjacent tokens, each with one of ``tags``."""
        p = s
        while p < e:
            here = self.by_start.get(p)
            if not here or not all(t.tag in tags for t in here):
                return False
            p = max(t.end for t in here)
        return p == e

    def starts_word(self, key: str, s: int) -> bool:
        """Nothing glued before ``s``, or ``s`` starts a morpheme (keeps 이틀 out of 어이틀...)."""
        return s == 0 or not (is_hangul(key[s - 1]) or key[s - 1].isalnum()) or s in self.by_start

    def ends_cleanly(self, key: str, e: int) -> bool:
        """Nothing glued after ``e`` but a particle, an ending, the copula or a duration word ("3주년", "3일째" fail)."""
        if e >= len(key) or not is_hangul(key[e]):
            return True
        nxt = self.by_start.get(e, [])
        return e in self.ends and bool(nxt) and all(t.tag.startswith(("J", "E", "VCP")) or t.text in _KO_NEXT_OK for t in nxt)

    def has(self, s: int, word: str) -> bool:
        """A token ``word`` starts at ``s``."""
        return any(t.text == word for t in self.by_start.get(s, []))


def _skip_spaces(key: str, i: int) -> int:
    while i < len(key) and key[i] == " ":
        i += 1
    return i


def _ko_count(m: re.Match[str], key: str, toks: _Tokens) -> tuple[Fraction, str] | None:
    """``(count, Korean unit)`` of the part ``m`` before any half, or None when it is not a duration's part."""
    if m.group("word"):
        if not toks.made_of(m.start(), m.end(), ("NNG", "NNB", "NR")):
            return None
        return _KO_WORDS[m.group("word")]
    unit = m.group("unit") or m.group("hunit")
    if m.start("unit" if m.group("unit") else "hunit") not in toks.by_start and (
        m.group("digits") is None or is_hangul(key[m.start("unit") - 1])
    ):
        return None  # the unit is inside another word
    if m.group("half1"):
        return (Fraction(1, 2), unit) if toks.has(m.start(), "반") else None
    if (digits := m.group("digits")) is not None:
        if unit == "해" or (unit == "년" and len(digits.split(".")[0]) >= 4):
            return None  # "2026년" is a year
        return Fraction(digits), unit
    if (sino := m.group("sino")) is not None:
        ok = unit != "해" and toks.made_of(m.start("sino"), m.end("sino"), ("NR",))
        value = parse_korean_number(sino) if ok else None
    else:
        ok = unit in _NATIVE_UNITS and toks.made_of(m.start("native"), m.end("native"), ("NR", "MM"))
        value = parse_korean_number(m.group("native")) if ok else None
    return (Fraction(value), unit) if value is not None and value > 0 else None


def _ko_part(m: re.Match[str], key: str, toks: _Tokens) -> tuple[Fraction, str, int, bool] | None:
    """One Korean part with its half: ``(count, unit, end, is a bare day count)``; None when it is no part."""
    if not toks.starts_word(key, m.start()):
        return None
    found = _ko_count(m, key, toks)
    if found is None:
        return None
    count, ko_unit = found
    unit = _KO_HALF_FIRST[ko_unit] if m.group("half1") else _KO_UNITS[ko_unit]
    h = _skip_spaces(key, m.end())
    if count.denominator == 1 and toks.has(h, "반") and toks.ends_cleanly(key, h + 1):
        return count + Fraction(1, 2), unit, h + 1, False
    if not toks.ends_cleanly(key, m.end()):
        return None
    return count, unit, m.end(), ko_unit == "일" and m.group("word") is None


def _find_korean(key: str, tokens: list[Token]) -> list[DurationMatch]:
    toks = _Tokens(tokens)
    out: list[DurationMatch] = []
    pos = 0
    while (m := _KO_PART.search(key, pos)) is not None:
        found = _korean_at(m, key, toks)
        if found is None:
            pos = m.start() + 1
            continue
        out.append(found)
        pos = found.end
    return out


def _korean_at(m: re.Match[str], key: str, toks: _Tokens) -> DurationMatch | None:
    """The longest duration expression starting with the part ``m``: parts, then a marker or a direction."""
    first = _ko_part(m, key, toks)
    if first is None:
        return None
    count, unit, end, bare_day = first
    parts = [(count, unit)]
    while (nxt := _KO_PART.match(key, _skip_spaces(key, end))) is not None and not nxt.group("half1"):
        part = _ko_part(nxt, key, toks)
        if part is None or UNITS.index(part[1]) <= UNITS.index(parts[-1][1]) or _is_rate(parts, key, part[2]):
            break
        parts.append(part[:2])
        end, bare_day = part[2], False
    direction = 0
    j = _skip_spaces(key, end)
    later = next((w for w in sorted(_KO_LATER, key=len, reverse=True) if key.startswith(w, j)), None)
    marker = next((w for w in _KO_MARKERS if toks.has(j, w) and (w != "간" or j == end)), None)
    if later is not None and j in toks.by_start and toks.ends_cleanly(key, j + len(later)):
        direction, end = _KO_LATER[later], j + len(later)
    elif marker is not None and toks.ends_cleanly(key, j + len(marker)):
        end, bare_day = j + len(marker), False
    if bare_day and direction == 0 and not any(toks.has(j, w) for w in _KO_BOUND_WORDS):
        return None  # "3일" alone is a day of the month; "10일 이상" counts days (open_ranges makes the interval)
    return DurationMatch(m.start(), end, tuple(parts), direction)


def _is_rate(parts: list[tuple[Fraction, str]], key: str, end: int) -> bool:
    """"하루 3시간", "일주일 3일", "한 달 10일씩": so much per day, week or month, not one duration."""
    return key.startswith("씩", end) or (len(parts) == 1 and parts[0][0] == 1 and parts[0][1] in ("day", "week"))


def _en_count(word: str) -> Fraction:
    if word[:1].isdigit():
        return Fraction(word)
    if word in _EN_SMALL:
        return Fraction(_EN_SMALL[word])
    tens, *ones = re.split(r"[-\s]+", word)
    return Fraction(_EN_TENS[tens] + (_EN_SMALL[ones[0]] if ones else 0))


def _en_unit(word: str) -> str:
    if word.startswith(("mo", "mi")):
        return "month" if word.startswith("mo") else "minute"
    return {"y": "year", "w": "week", "d": "day", "h": "hour", "s": "second"}[word[0]]


def _en_part(m: re.Match[str], key: str) -> tuple[Fraction, str] | None:
    """``(count, unit)`` of one English part, or None where it is an age, a frequency or an ordinal."""
    if m.group("half0"):
        return Fraction(1, 2), _en_unit(m.group("unit"))
    n, unit = m.group("n"), _en_unit(m.group("unit2"))
    half = m.group("half1") or m.group("half2")
    if _EN_NOT_AFTER.match(key, m.end()):
        return None  # "70 years old"
    if n in ("a", "an", "one") and _EN_FREQUENCY.search(key, max(0, m.start() - 16), m.start()):
        return None  # "once a week"
    if unit == "second" and n in ("a", "one") and not half and not _EN_SECOND_OK.match(key, m.end()):
        return None  # "a second copy"
    count = _en_count(n)
    if count <= 0 or (half and (count.denominator != 1 or (n in ("a", "an") and m.group("half1")))):
        return None  # "a and a half days", "1.5 and a half"
    return (count + Fraction(1, 2) if half else count), unit


def _find_english(key: str) -> list[DurationMatch]:
    out: list[DurationMatch] = []
    pos = 0
    while (m := _EN_PART.search(key, pos)) is not None:
        first = _en_part(m, key)
        if first is None:
            pos = m.end()
            continue
        parts, end = [first], m.end()
        while (j := _EN_JOIN.match(key, end)) is not None and (nxt := _EN_PART.match(key, j.end())) is not None:
            part = _en_part(nxt, key)
            if part is None or UNITS.index(part[1]) <= UNITS.index(parts[-1][1]):
                break
            parts.append(part)
            end = nxt.end()
        start, direction = m.start(), 0
        before = _EN_BEFORE.search(key, max(0, start - 16), start)
        after = _EN_AFTER.match(key, end)
        if after is not None:
            direction, end = (-1 if after.group("ago") else 1), after.end()
        elif before is not None:
            direction, start = 1, before.start()
        out.append(DurationMatch(start, end, tuple(parts), direction))
        pos = end
    return out
