"""Ranges and vague amounts, Korean and English: "2~3일", "2-3 days", "한두 시간", "3에서 5년", "수십만 원".

A range is never turned into one number: "2-3 days" is not 3 days, "3~5만원" is not 50,000 won. It is the
entity its unit gives (``duration``, ``amount-of-money``, ``age``, ``number``; ``time`` when relative to now:
"2~3일 후", "in 2-3 days") with Duckling's interval value as Rasa's ``DucklingEntityExtractor`` passes it on:
``value`` is ``{"from": 2, "to": 3}`` (Rasa's ``extract_value`` of an interval) and ``additional_info`` is
Duckling's ``{"type": "interval", "from": {"value": 2, "unit": "day", "normalized": {...}}, "to": {...}}``.
Both bounds are in one unit (the smaller one where the sides differ: "1시간~1시간 반" is 60 to 90 minutes)
and are inclusive. Two flags in ``additional_info`` say how exact the bounds are:

* ``"approximate": True``: "10여 년", "3년여", "100여만 원" (여: more than N, an open interval with ``from``
  only: ``{"from": 10, "to": None}``, Duckling's shape for "more than"); on a single value the flag is set by
  :func:`mark_approximate` for 약/대략/about/around before it or 정도/쯤/가량/남짓/내외/안팎 after it ("약 3년",
  "3년 정도": the value stays 3 years).
* ``"vague": True``: 몇/수/며칠/"a few"/"several" ("몇 시간", "수개월", "며칠", "수십만 원", "a few hours"). The bounds
  are a convention, 2 to 9 of the unit that follows (표준국어대사전: 몇 "그리 많지 않은 얼마만큼의 수", 수
  "몇, 여러, 약간의"; 수십 "십의 여러 배가 되는 수": 20 to 90), so "수십만 원" is 200,000 to 900,000 won.
  A dialogue should ask for the exact amount; in a question ("몇 시간 걸려요?") 몇 asks for it.

Forms (each side a numeral in digits, Sino-Korean or native Korean, or English words):

* Korean "A~B<unit>", "A-B<unit>", "A에서 B<unit>", "A부터 B<unit>까지", "A<unit>~B<unit>", "A 내지 B<unit>";
  native pairs 한두, 두세, 두서너, 서너, 세네, 너덧, 네댓, 대여섯, 예닐곱, 일여덟, 엳아홉 before a unit that
  native numerals count ("두세 달", "서너 번"); Sino-Korean pairs 이삼, 삼사, 사오, 오륙, 육칠, 칠팔, 팔구
  ("이삼일", "삼사 년", "오륙십만 원"); a money side takes the other's 만/억 ("3~5만원" is 30,000 to 50,000).
* English "A-B <unit>", "A to B <unit>", "A or B <unit>", "between A and B <unit>", "from A to B <unit>",
  "a few"/"several" <unit>; "in"/"after" before or "ago"/"later"/"from now" after make it a time.
* Percentages: "40~50%", "40에서 50퍼센트", "40~50프로", "40-50 percent", "about forty to fifty percent", "between 40
  and 50%": a ``percentage`` interval (``unit`` ``"percent"``), read like the money and count ranges.
* Without a unit, only where a word says it is a range: "between 60 and 70", "60에서 70 사이" are a ``number``
  interval (a bare "40~50" or "60 70" stays two numbers).

What a range yields: both ends, always (``{"from": 40, "to": 50}``); no slot takes one end of it. The dialogue's
validators reject an interval for a one-value slot with reason ``a_range`` (the age, and any ``float`` slot: the
income percentage), and the form asks for one number with ``utter_invalid_<slot>_a_range``: either end could be
wrong, and the eligibility rules compare one value with a threshold.
* Clock times: "오후 2~3시", "오전 11시~오후 1시", "11:30-13:00", "10시 반부터 12시까지", "between 2 and 3pm",
  "from 11am to 1pm", "11~1시": a ``time`` interval of two instants (:mod:`~assistant.nlu.entities.clock_ranges`).
* Open intervals ("3년 이상", "65세 미만", "100만원 이하", "at least 3 years") are made from the single value beside
  the bound word by :mod:`~assistant.nlu.entities.open_ranges`.

Not ranges (documented choices): a month before a day range ("12월 2~3일" is two dates), a bare "A~B" with
no unit or counter, "일이" (also "work is"), "몇 분" (also "how many people"), "몇 살" (a question), 며칠 asking
for a date ("오늘 며칠이에요?", "3월 며칠", "며칠에 가요?"; 며칠 counting days is vague: "며칠 걸려요", "며칠 후").
Why our own grammar: Duckling has no Korean ranges and no Python port; the forms are a small closed set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from fractions import Fraction

from assistant.nlu.entities import clock_ranges, durations, numbers
from assistant.nlu.entities.base import DisjointSpans, EntityExtractor, fold, is_hangul
from assistant.nlu.entities.durations import UNITS
from assistant.nlu.entities.numbers import parse_korean_number
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

EXTRACTOR = "duckling-like"
TIME = "time"

_KO_DURATION_UNITS = {"년": "year", "해": "year", "개월": "month", "달": "month", "주일": "week", "주": "week",
                      "일": "day", "시간": "hour", "분": "minute", "초": "second"}  # fmt: skip
_KO_COUNTERS = ("명", "개", "번", "회", "장", "건", "가구", "곳", "권", "배", "층", "등급", "차례", "마리", "채")
_KO_AGE = ("살", "세")
_KO_MONEY = ("원",)
#: Percent units ("40~50%", "40에서 50퍼센트", "40~50프로"): a ``percentage`` interval.
_KO_PERCENT = ("%", "퍼센트", "프로")
#: Units native numerals count (한두 시간, 두세 달, 서너 번), not minutes, seconds or days.
_NATIVE_OK = frozenset({"시간", "주", "주일", "달", "개월", "해", "살", *_KO_COUNTERS})
_NATIVE_PAIRS = {"한두": (1, 2), "두세": (2, 3), "두서너": (2, 4), "서너": (3, 4), "세네": (3, 4), "너덧": (4, 5),
                 "네댓": (4, 5), "너더댓": (4, 5), "대여섯": (5, 6), "예닐곱": (6, 7), "일고여덟": (7, 8),
                 "일여덟": (7, 8), "엳아홉": (8, 9), "여덟아홉": (8, 9)}  # fmt: skip
_SINO_PAIRS = {"이삼": (2, 3), "삼사": (3, 4), "사오": (4, 5), "오륙": (5, 6), "육칠": (6, 7), "칠팔": (7, 8), "팔구": (8, 9)}
_SINO_CHARS = frozenset("일이삼사오육륙칠팔구십백천만억조")
_MAG = {"십": 10, "백": 100, "천": 1000}
_BIG = {"만": 10**4, "억": 10**8, "조": 10**12}
#: Vague counts (몇, 수, a few, several): the bounds of the convention in the module docstring.
VAGUE_LOW, VAGUE_HIGH = 2, 9
#: 수 directly before these units only ("수년", "수개월"; 수주 is an order, 수분 moisture, 수초 waterweed).
_SU_UNITS = frozenset({"년", "개월", "일", "시간", "주일"})
#: 몇 before these units only ("몇 분" is also "how many people", "몇 살" a question, "몇 일" is written 며칠).
_MYEOT_UNITS = frozenset({"년", "해", "개월", "달", "주", "주일", "시간", "초"})

_KO_ALL_UNITS = sorted([*_KO_DURATION_UNITS, *_KO_COUNTERS, *_KO_AGE, *_KO_MONEY, *_KO_PERCENT], key=len, reverse=True)
_UNIT = "(?:" + "|".join(_KO_ALL_UNITS) + ")"
_NATIVE_NUM = r"(?:열|스물|서른|마흔|쉰)?(?:한|두|세|네|석|넉|다섯|여섯|일곱|여덟|아홉)|열|스무|스물|서른|마흔|쉰"
_NUM = (r"(?<![\d.,일이삼사오육륙칠팔구십백천만억])(?:\d[\d,]*(?:\.\d+)?(?:\s?[십백천])?|[일이삼사오육륙칠팔구십백천]+|"
        + _NATIVE_NUM + r")(?:\s?[만억조])?")
_KO_SEP = r"(?:\s*[~∼～〜\-–—]\s*|\s*에서\s+|\s*부터\s+|\s+내지\s+)"
_KO_RANGE = re.compile(
    r"(?P<a>" + _NUM + r")(?:\s*(?P<au>" + _UNIT + r")(?P<ah>\s*반)?)?" + _KO_SEP
    + r"(?P<b>" + _NUM + r")\s*(?P<u>" + _UNIT + r")(?P<bh>\s*반)?(?P<until>\s*까지)?"
)  # fmt: skip
_KO_PAIR = re.compile(
    r"(?P<pair>" + "|".join(sorted([*_NATIVE_PAIRS, *_SINO_PAIRS], key=len, reverse=True)) + r")"
    r"(?P<mag>[십백천])?(?P<big>[만억])?\s*(?P<u>" + _UNIT + r")"
)
_KO_VAGUE = re.compile(r"(?P<q>몇|수)(?P<mag>[십백천])?(?P<big>[만억])?\s*(?P<u>" + _UNIT + r")")
#: 며칠 (and its common misspelling 몇일): a few days, unless it asks for a date (see :meth:`RangeExtractor._ko_days`).
_KO_DAYS = re.compile(r"며칠|몇일")
_KO_DATE_BEFORE = re.compile(r"(?:월|오늘|어제|내일|모레|그제|글피|날짜[는가]?|날짜가|생일[은이]?|일자[는가]?)\s*$")
_KO_YEO = re.compile(
    r"(?P<n>" + _NUM + r")(?:여\s*(?P<big>[만억])?\s*(?P<u>" + _UNIT + r")|\s*(?P<u2>" + _UNIT + r")여)"
)
_KO_LATER = {"후": 1, "뒤": 1, "있다가": 1, "지나서": 1, "전": -1}
_KO_MARKERS = ("동안", "간", "이내")
#: Words that may follow a range directly besides particles and endings.
_KO_NEXT_OK = frozenset({*_KO_LATER, *_KO_MARKERS, "정도", "쯤", "가량", "씩", "내", "만", "까지", "남짓"})

_EN_NUM = durations._EN_NUM  # noqa: SLF001 - one English numeral grammar for durations and ranges
_EN_GROUPED = r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])|"  # 30,000
_EN_UNITS = (r"(?P<u>(?:years?|yrs?|months?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?|won|krw|percent|"
             r"per\s*-?\s*cent|pct)\b|%)")
#: English percent units (on the folded text).
_EN_PERCENT = re.compile(r"%|percent|per\s*-?\s*cent|pct")
_EN_RANGE = re.compile(
    r"\b(?:(?P<pre>between|from)\s+)?(?P<a>" + _EN_GROUPED + _EN_NUM + r")(?:\s+(?P<au>years?|months?|weeks?|days?|hours?|minutes?))?"
    r"\s*(?P<sep>-|–|—|~|\bto\b|\bor\b|\band\b)\s*(?P<b>" + _EN_GROUPED + _EN_NUM + r")[\s-]*" + _EN_UNITS
)  # fmt: skip
_EN_VAGUE = re.compile(r"\b(?P<q>a\s+few|few|several)\s+" + _EN_UNITS)
#: "between 60 and 70" with no unit after it: a ``number`` interval ("between" says it is one; a bare "60-70" is not).
_EN_BETWEEN = re.compile(r"\bbetween\s+(?P<a>" + _EN_GROUPED + _EN_NUM + r")\s+and\s+(?P<b>" + _EN_GROUPED + _EN_NUM + r")(?![\w.,%])")
#: "60에서 70 사이", "60~70 사이": a ``number`` interval (사이 says it is one, as "between" does).
_KO_BETWEEN = re.compile(r"(?P<a>" + _NUM + r")\s*(?:에서|[~∼～〜\-–—])\s*(?P<b>" + _NUM + r")\s*사이")
_EN_BEFORE = re.compile(r"\b(?P<w>in|after)\s+$")
_EN_AFTER = re.compile(r"\s+(?:(?P<ago>ago)|from\s+now|later|hence)\b")
_MONTH_BEFORE = re.compile(r"\d{1,2}\s*월\s*$")

#: Cues of an approximate single value (see :func:`mark_approximate`).
_APPROX_BEFORE = re.compile(r"(?:약|대략|대략적으로|대충|얼추|about|around|approximately|roughly|approx\.?)\s*$")
#: "a couple of days": the count inside the span is about two (durations read it as 2).
_APPROX_INSIDE = re.compile(r"(?<![a-z])couple\b")
_APPROX_AFTER = re.compile(r"\s*(?:정도|쯤|가량|남짓|내외|안팎)|\s+or\s+so\b")


def _number(surface: str) -> Fraction | None:
    s = surface.replace(" ", "")
    if s in durations._EN_SMALL or (s[:1].isalpha() and s.isascii()):  # noqa: SLF001
        try:
            return durations._en_count(surface)  # noqa: SLF001
        except (KeyError, IndexError):
            return None
    v = parse_korean_number(s)
    return None if v is None else Fraction(str(v))


def _big_suffix(surface: str) -> int:
    """The 만/억/조 multiplier that ends a numeral ("5만" → 10,000; "3백만" → 1,000,000), 1 when none."""
    s = surface.replace(" ", "").replace(",", "")
    mult = 1
    if s[-1:] in _BIG:
        mult, s = _BIG[s[-1]], s[:-1]
        if s[-1:] in _MAG:
            mult *= _MAG[s[-1]]
    return mult


def _unit_kind(unit: str) -> str:
    if unit in _KO_DURATION_UNITS:
        return "duration"
    if unit in _KO_MONEY or unit in ("won", "krw"):
        return numbers.MONEY
    if unit in _KO_AGE:
        return numbers.AGE
    if unit in _KO_PERCENT or _EN_PERCENT.fullmatch(unit):
        return numbers.PERCENT
    if unit[:1].isascii():
        return "duration"
    return numbers.NUMBER


def _en_unit(word: str) -> str:
    return durations._en_unit(word)  # noqa: SLF001


@dataclasses.dataclass
class _Bounds:
    """A range found: entity kind, bounds (``hi`` None: open) in one unit (Duckling's, ``KRW``, or None), flags."""

    kind: str
    lo: Fraction
    hi: Fraction | None
    unit: str | None
    approximate: bool = False
    vague: bool = False


def _common(lo: list[tuple[Fraction, str]], hi: list[tuple[Fraction, str]]) -> tuple[Fraction, Fraction, str] | None:
    """Both durations as whole counts of one unit: the largest no larger than either's smallest part."""
    smallest = max(UNITS.index(u) for _, u in (*lo, *hi))
    for target in UNITS[smallest:]:
        if target == "week" and UNITS[smallest] != "week":
            continue
        a = sum((c * durations._factor(u, target) for c, u in lo), Fraction(0))  # noqa: SLF001
        b = sum((c * durations._factor(u, target) for c, u in hi), Fraction(0))  # noqa: SLF001
        if a.denominator == 1 and b.denominator == 1:
            return a, b, target
    return None


def _num_json(x: Fraction) -> int | float:
    return int(x) if x.denominator == 1 else float(x)


class RangeExtractor:
    """Ranges and vague amounts (see the module docstring) as duration, money, age, number or time intervals.

    Args:
        reference: returns the aware reference time for "2~3일 후" / "in 2-3 days" (the pipeline passes the
            date extractor's :meth:`~assistant.nlu.entities.dates.DateExtractor.reference`); default now, UTC.
        clock: the date extractor, for clock-time ranges ("오후 2~3시", "내일 2시부터 3시까지", "2-3 pm"): the
            message is read again without the first bound, so the second is resolved with its day and 오전/오후/pm
            as a single time would be, and the first is as many hours before it. None: no clock ranges.

    Example:
        >>> text = "2~3일 걸려요"
        >>> [(s.entity, s.text, s.value) for s in RangeExtractor().extract(text, KoreanTokenizer().tokenize(text))]
        [('duration', '2~3일', {'from': 2, 'to': 3})]
    """

    name = EXTRACTOR

    def __init__(self, reference: Callable[[], dt.datetime] | None = None, clock: EntityExtractor | None = None) -> None:
        self._reference = reference or (lambda: dt.datetime.now(dt.timezone.utc))
        self._clock = clock

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Range spans, longest first at each start, not overlapping; never raises on odd text."""
        key = fold(text)
        toks = durations._Tokens(tokens)  # noqa: SLF001 - the same morpheme-boundary rules as durations
        cands: list[tuple[int, int, _Bounds, int]] = []
        for m in _KO_RANGE.finditer(key):
            cands.extend(self._ko_range(key, toks, m))
        for m in _KO_PAIR.finditer(key):
            cands.extend(self._ko_pair(key, toks, m))
        for m in _KO_VAGUE.finditer(key):
            cands.extend(self._ko_vague(key, toks, m))
        for m in _KO_DAYS.finditer(key):
            cands.extend(self._ko_days(key, toks, m))
        for m in _KO_YEO.finditer(key):
            cands.extend(self._ko_yeo(key, toks, m))
        for m in _EN_RANGE.finditer(key):
            cands.extend(self._en_range(key, m))
        for rx in (_EN_BETWEEN, _KO_BETWEEN):
            for m in rx.finditer(key):
                cands.extend(self._between(key, toks, m))
        for m in _EN_VAGUE.finditer(key):
            unit = _en_unit(m.group("u")) if m.group("u") not in ("won", "krw") else None
            if unit is not None:
                cands.append((m.start(), m.end(), _Bounds("duration", Fraction(VAGUE_LOW), Fraction(VAGUE_HIGH), unit,
                                                          vague=True), 0))  # fmt: skip
        cands = [self._direction(key, toks, c) for c in cands]
        clock = self._clock_ranges(text, key, tokens)
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        kept: list[EntitySpan] = []
        taken = DisjointSpans()
        for ck in sorted(clock, key=lambda c: -(c.end - c.start)):  # clock ranges first: "2~3시" is no count range
            if not taken.overlaps(ck.start, ck.end):
                taken.add(ck.start, ck.end)
                kept.append(ck)
        for s, e, b, direction in cands:
            if taken.overlaps(s, e):
                continue
            span = self._span(text, s, e, b, direction)
            if span is not None:
                taken.add(s, e)
                kept.append(span)
        return sorted(kept, key=lambda k: k.start)

    # --- Korean ---------------------------------------------------------------------------------------

    @staticmethod
    def _clean(key: str, toks: durations._Tokens, s: int, e: int) -> bool:  # noqa: SLF001
        """``[s, e)`` starts a word or morpheme and ends cleanly (a particle, an ending or a range word after it)."""
        if s > 0 and (is_hangul(key[s - 1]) or key[s - 1].isalnum()) and s not in toks.by_start:
            return False
        if e >= len(key) or not is_hangul(key[e]):
            return not (e < len(key) and key[e].isalnum())
        if key.startswith("간", e) and e + 1 in toks.ends and (e + 1 >= len(key) or not is_hangul(key[e + 1]) or e + 1 in toks.by_start):
            return True  # "2~3주간": Kiwi reads 주간 as one morpheme; 간 is the duration marker
        nxt = toks.by_start.get(e, [])
        return e in toks.ends and bool(nxt) and all(t.tag.startswith(("J", "E", "VCP")) or t.text in _KO_NEXT_OK for t in nxt)

    @staticmethod
    def _words_ok(toks: durations._Tokens, s: int, e: int, surface: str) -> bool:  # noqa: SLF001
        """A numeral in Hangul must be Kiwi's numeral there ("이 시간" is "this hour")."""
        if not any(is_hangul(c) for c in surface):
            return True
        sino = all(c in _SINO_CHARS or not is_hangul(c) for c in surface)
        return toks.made_of(s, e, ("NR", "SN") if sino else ("NR", "MM", "SN"))  # MM 이 is "this", MM 세 is three

    def _ko_range(self, key: str, toks: durations._Tokens, m: re.Match[str]) -> list[tuple[int, int, _Bounds, int]]:  # noqa: SLF001
        unit = m.group("u")
        au = m.group("au")
        if au is not None and _unit_kind(au) != _unit_kind(unit):
            return []
        if _MONTH_BEFORE.search(key, max(0, m.start() - 6), m.start()) and unit == "일":
            return []  # "12월 2~3일": two dates
        if not self._words_ok(toks, m.start("a"), m.end("a"), m.group("a")) or not self._words_ok(toks, m.start("b"), m.end("b"), m.group("b")):
            return []
        end = m.end()
        if not self._clean(key, toks, m.start(), end):
            return []
        kind = _unit_kind(unit)
        a_s, b_s = m.group("a"), m.group("b")
        if kind == numbers.PERCENT:
            a, b = _number(a_s), _number(b_s)
            return [] if a is None or b is None else [(m.start(), end, _Bounds(kind, a, b, "percent"), 0)]
        if kind == numbers.MONEY or kind == numbers.NUMBER:
            b = _number(b_s)
            a = _number(a_s)
            if a is None or b is None:
                return []
            mult = _big_suffix(b_s)
            if mult > 1 and _big_suffix(a_s) == 1 and au is None:
                # "3~5만원" is 3만 to 5만; "3천~5만원" keeps its own 천 when 3천만 would pass the upper bound
                own = any(c in _MAG for c in a_s)
                scaled = a * (_BIG[b_s.replace(" ", "")[-1]] if own else mult)  # "이십~삼십만": 20만, not 200만
                a = scaled if scaled <= b or not own else a
            return [(m.start(), end, _Bounds(kind, a, b, "KRW" if kind == numbers.MONEY else None), 0)]
        if kind == numbers.AGE:
            a, b = _number(a_s), _number(b_s)
            return [] if a is None or b is None else [(m.start(), end, _Bounds(kind, a, b, "year"), 0)]
        a, b = _number(a_s), _number(b_s)
        if a is None or b is None or _big_suffix(a_s) > 1 or _big_suffix(b_s) > 1:
            return []
        half = Fraction(1, 2)
        lo = [(a + (half if m.group("ah") else 0), _KO_DURATION_UNITS[au or unit])]
        hi = [(b + (half if m.group("bh") else 0), _KO_DURATION_UNITS[unit])]
        if m.group("ah") and au is None:
            return []
        common = _common(lo, hi)
        if common is None:
            return []
        return [(m.start(), end, _Bounds("duration", common[0], common[1], common[2]), 0)]

    def _ko_pair(self, key: str, toks: durations._Tokens, m: re.Match[str]) -> list[tuple[int, int, _Bounds, int]]:  # noqa: SLF001
        pair, unit = m.group("pair"), m.group("u")
        native = pair in _NATIVE_PAIRS
        if native and (m.group("mag") or m.group("big") or unit not in _NATIVE_OK):
            return []
        if not native and unit in ("해", "달"):
            return []
        num_end = max(m.end(g) for g in ("pair", "mag", "big") if m.group(g))
        if not toks.made_of(m.start(), num_end, ("NR", "MM")):  # a pair is Kiwi's numerals or one determiner (이삼 주)
            return []
        if not self._clean(key, toks, m.start(), m.end()):
            return []
        lo, hi = (_NATIVE_PAIRS if native else _SINO_PAIRS)[pair]
        mult = (_MAG[m.group("mag")] if m.group("mag") else 1) * (_BIG[m.group("big")] if m.group("big") else 1)
        return [(m.start(), m.end(), self._bounds(unit, Fraction(lo * mult), Fraction(hi * mult)), 0)]

    def _ko_vague(self, key: str, toks: durations._Tokens, m: re.Match[str]) -> list[tuple[int, int, _Bounds, int]]:  # noqa: SLF001
        q, unit, mag, big = m.group("q"), m.group("u"), m.group("mag"), m.group("big")
        kind = _unit_kind(unit)
        if kind == numbers.MONEY:
            if not (mag or big):
                return []
        elif kind != "duration" or big:
            return []
        elif not mag and unit not in (_SU_UNITS if q == "수" else _MYEOT_UNITS):
            return []
        if q == "수" and not mag and not big and key[m.start("u") - 1] == " ":
            return []  # "수 년" is rare; "수 시간" may be "a number of" anything: only the written-together form
        if not self._clean(key, toks, m.start(), m.end()):
            return []
        mult = (_MAG[mag] if mag else 1) * (_BIG[big] if big else 1)
        b = self._bounds(unit, Fraction(VAGUE_LOW * mult), Fraction(VAGUE_HIGH * mult))
        b.vague = True
        return [(m.start(), m.end(), b, 0)]

    def _ko_days(self, key: str, toks: durations._Tokens, m: re.Match[str]) -> list[tuple[int, int, _Bounds, int]]:  # noqa: SLF001
        """며칠: 2 to 9 days, vague; not when it asks for a date ("오늘 며칠이에요?", "3월 며칠", "며칠에 가요?", "며칠날")."""
        s, e = m.start(), m.end()
        nxt = toks.by_start.get(e, [])
        if any(t.tag == "VCP" or t.text in ("에", "날", "인", "이") for t in nxt) or key.startswith(("날", "일"), e):
            return []
        if _KO_DATE_BEFORE.search(key, max(0, s - 8), s) or not self._clean(key, toks, s, e):
            return []
        return [(s, e, _Bounds("duration", Fraction(VAGUE_LOW), Fraction(VAGUE_HIGH), "day", vague=True), 0)]

    def _ko_yeo(self, key: str, toks: durations._Tokens, m: re.Match[str]) -> list[tuple[int, int, _Bounds, int]]:  # noqa: SLF001
        unit = m.group("u") or m.group("u2")
        n = _number(m.group("n"))
        if n is None or not self._words_ok(toks, m.start("n"), m.end("n"), m.group("n")):
            return []
        if not self._clean(key, toks, m.start(), m.end()):
            return []
        if m.group("big"):
            n *= _BIG[m.group("big")]
        b = self._bounds(unit, n, None)
        if b.kind not in ("duration", numbers.MONEY, numbers.NUMBER):
            return []
        b.approximate = True
        return [(m.start(), m.end(), b, 0)]

    @staticmethod
    def _bounds(unit: str, lo: Fraction, hi: Fraction | None) -> _Bounds:
        kind = _unit_kind(unit)
        if kind == "duration":
            return _Bounds(kind, lo, hi, _KO_DURATION_UNITS[unit])
        return _Bounds(kind, lo, hi, {numbers.MONEY: "KRW", numbers.AGE: "year"}.get(kind))

    # --- English --------------------------------------------------------------------------------------

    def _en_range(self, key: str, m: re.Match[str]) -> list[tuple[int, int, _Bounds, int]]:
        pre, sep = m.group("pre"), m.group("sep").strip()
        if (pre == "between") != (sep == "and") or (pre == "from" and sep not in ("to", "-", "–", "—")):
            return []
        a, b = _number(m.group("a")), _number(m.group("b"))
        if a is None or b is None or a <= 0 and sep == "or":
            return []
        unit = m.group("u")
        if unit in ("won", "krw"):
            return [(m.start(), m.end(), _Bounds(numbers.MONEY, a, b, "KRW"), 0)]
        if _EN_PERCENT.fullmatch(unit):
            return [] if m.group("au") else [(m.start(), m.end(), _Bounds(numbers.PERCENT, a, b, "percent"), 0)]
        if _en_unit(unit) == "year" and m.group("au") is None and (old := durations._EN_NOT_AFTER.match(key, m.end())):  # noqa: SLF001
            return [(m.start(), old.end(), _Bounds(numbers.AGE, a, b, "year"), 0)]  # "60-65 years old"
        common = _common([(a, _en_unit(m.group("au") or unit))], [(b, _en_unit(unit))])
        if common is None:
            return []
        return [(m.start(), m.end(), _Bounds("duration", common[0], common[1], common[2]), 0)]

    def _between(self, key: str, toks: durations._Tokens, m: re.Match[str]) -> list[tuple[int, int, _Bounds, int]]:  # noqa: SLF001
        """"between 60 and 70", "60에서 70 사이": a ``number`` interval (a longer range with a unit wins the overlap)."""
        a, b = _number(m.group("a").replace(",", "")), _number(m.group("b").replace(",", ""))
        if a is None or b is None:
            return []
        if any(is_hangul(c) for c in m.group(0)) and not (
                self._words_ok(toks, m.start("a"), m.end("a"), m.group("a")) and self._words_ok(toks, m.start("b"), m.end("b"), m.group("b"))
                and self._clean(key, toks, m.start(), m.end())):
            return []
        return [(m.start(), m.end(), _Bounds(numbers.NUMBER, a, b, None), 0)]

    # --- clock times ------------------------------------------------------------------------------------

    def _clock_ranges(self, text: str, key: str, tokens: list[Token]) -> list[EntitySpan]:
        """Clock-time ranges (:mod:`~assistant.nlu.entities.clock_ranges`); none without a date extractor."""
        return [] if self._clock is None else clock_ranges.clock_ranges(self._clock, text, key, tokens)

    # --- direction, value --------------------------------------------------------------------------------

    @staticmethod
    def _direction(key: str, toks: durations._Tokens, c: tuple[int, int, _Bounds, int]) -> tuple[int, int, _Bounds, int]:  # noqa: SLF001
        """A duration range with 후/뒤/전, "in"/"after", "ago"/"later" is a time range; markers join the span."""
        s, e, b, _ = c
        if b.kind != "duration":
            return c
        j = e
        while j < len(key) and key[j] == " ":
            j += 1
        for w in sorted(_KO_LATER, key=len, reverse=True):
            if key.startswith(w, j) and j in toks.by_start and (j + len(w) >= len(key) or not is_hangul(key[j + len(w)])
                                                                 or j + len(w) in toks.ends):  # fmt: skip
                return s, j + len(w), b, _KO_LATER[w]
        for w in _KO_MARKERS:
            if key.startswith(w, j) and (w != "간" or j == e) and (toks.has(j, w) or w == "간" and j + 1 in toks.ends):
                return s, j + len(w), b, 0
        after = _EN_AFTER.match(key, e)
        if after is not None:
            return s, after.end(), b, -1 if after.group("ago") else 1
        before = _EN_BEFORE.search(key, max(0, s - 12), s)
        if before is not None:
            return before.start(), e, b, 1
        return c

    def _span(self, text: str, s: int, e: int, b: _Bounds, direction: int) -> EntitySpan | None:
        if b.hi is not None and b.hi < b.lo or b.lo < 0:
            return None
        extra: dict[str, object] = {}
        if b.approximate:
            extra["approximate"] = True
        if b.vague:
            extra["vague"] = True
        if direction and b.unit is not None and b.hi is not None:
            return self._time_span(text, s, e, b, direction, extra)
        if b.kind == "duration" and b.unit is not None:
            bounds = {k: durations.duration_info(_num_json(x), b.unit) for k, x in (("from", b.lo), ("to", b.hi)) if x is not None}
            info_bounds = {k: {"value": v["value"], "unit": v["unit"], "normalized": v["normalized"]} for k, v in bounds.items()}
        else:
            info_bounds = {k: {"value": _num_json(x), **({"unit": b.unit} if b.unit else {})}
                           for k, x in (("from", b.lo), ("to", b.hi)) if x is not None}  # fmt: skip
        info: dict[str, object] = {"type": "interval", **info_bounds, **extra}
        value = {"from": _num_json(b.lo), "to": None if b.hi is None else _num_json(b.hi)}
        return EntitySpan(b.kind, s, e, text[s:e], value, extractor=self.name, confidence=1.0, additional_info=info)

    def _time_span(self, text: str, s: int, e: int, b: _Bounds, direction: int, extra: dict[str, object]) -> EntitySpan:
        ref = self._reference()
        assert b.unit is not None and b.hi is not None
        ends: list[str] = []
        grain = "day"
        for x in (b.lo, b.hi):
            when, grain = durations.shift(ref, durations.DurationMatch(s, e, ((x, b.unit),), direction))
            if isinstance(when, dt.datetime):
                ends.append(when.isoformat(timespec="milliseconds"))
            else:
                ends.append(when.isoformat())
        lo, hi = (ends[0], ends[1]) if direction > 0 else (ends[1], ends[0])
        info = {"type": "interval", "from": {"value": lo, "grain": grain}, "to": {"value": hi, "grain": grain}, **extra}
        return EntitySpan(TIME, s, e, text[s:e], {"from": lo, "to": hi}, extractor=self.name, confidence=1.0, additional_info=info)


def mark_approximate(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    """Set ``additional_info["approximate"] = True`` on single duration, money, age and number values with a cue.

    Cues: "a couple of" inside the span ("a couple of days" is 2 days, approximate; also a ``time`` from it: "in a
    couple of weeks"); 약/대략/대충/얼추/about/around/approximately/roughly before the span (starting a word: not the 약 of
    "계약"), 정도/쯤/가량/남짓/내외/안팎/"or so" after it ("약 3년", "3년 정도", "about 3 years"). Span and value are
    unchanged (an annotated "3 years" still matches); intervals already say how exact they are.

    Args:
        text: the message; spans: its resolved entities (offsets into ``text``).

    Returns:
        The spans, in the same order, the flagged ones replaced.
    """
    key = fold(text)
    out: list[EntitySpan] = []
    for sp in spans:
        couple = sp.extractor == EXTRACTOR and sp.entity in (*_SINGLE_KINDS, TIME) and bool(_APPROX_INSIDE.search(key, sp.start, sp.end))
        if couple or sp.extractor == EXTRACTOR and sp.entity in _SINGLE_KINDS and not isinstance(sp.value, dict) and _approximate(key, sp):
            sp = dataclasses.replace(sp, additional_info={**(sp.additional_info or {}), "approximate": True})
        out.append(sp)
    return out


_SINGLE_KINDS = frozenset({"duration", numbers.MONEY, numbers.AGE, numbers.NUMBER, numbers.PERCENT})


def _approximate(key: str, sp: EntitySpan) -> bool:
    if _APPROX_AFTER.match(key, sp.end):
        return True
    m = _APPROX_BEFORE.search(key, max(0, sp.start - 16), sp.start)
    return m is not None and (m.start() == 0 or not (is_hangul(key[m.start() - 1]) or key[m.start() - 1].isalnum()))
