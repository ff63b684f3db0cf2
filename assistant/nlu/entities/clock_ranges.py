"""Clock-time ranges: "오후 2~3시", "오전 11시~오후 1시", "11:30-13:00", "10시 반부터 12시까지", "from 11am to 1pm".

A ``time`` interval of two instants (Duckling's ``{"from", "to"}`` with each bound's value and grain), both bounds
as said (``to`` is the last instant named, not Duckling's one-grain-later end: "2~3시" ends at 3:00). Two readings:

* **Both bounds are times** ("오전 11시~오후 1시", "11:30-13:00", "10시 반부터 12시까지", "from 11am to 1pm",
  "between 10 am and 2 pm"): each is resolved by the date extractor as a single time would be; a second bound that
  comes out before the first is moved to the first's day, and to the next day when still before it ("오후 11시~
  오전 1시" crosses midnight). The grain is the finer of the two ("minute" when either has minutes).
* **A bare first number** ("오후 2~3시", "2-3 pm", "11~1시", "10-2pm", "2~3시 30분"): the second bound is read with
  its day and 오전/오후/pm (the message is read again without the first), and the first is as many hours before it
  as the clock says, across noon when the first is larger ("11~1시" is 11:00 to 13:00, "10-2pm" 10:00 to 14:00).
  Minutes said once belong to both sides, as a 만 said once does in "3~5만원": "2~3시 30분" is 2:30 to 3:30. An
  "am"/"pm" on the first number that the result contradicts drops the reading ("10pm-2pm").

Why our own code: Duckling has no Korean and no Python port.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.nlu.entities.base import EntityExtractor
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

TIME = "time"
EXTRACTOR = "duckling-like"
_KO_CLOCK = re.compile(r"(?<![\d.:])(?P<a>\d{1,2})(?:\s*시)?\s*(?:[~∼～〜\-–—]|부터|에서)\s*(?P<b>\d{1,2})\s*시(?!간)(?:\s*(?:까지|사이))?")
_EN_CLOCK = re.compile(
    r"\b(?:(?P<pre>between|from)\s+)?(?P<a>\d{1,2})\s*(?:(?P<am>[ap])\.?m\.?)?\s*(?P<sep>-|–|—|~|\bto\b|\band\b)\s*"
    r"(?P<b>\d{1,2})\s*(?:[ap]\.?m\.?|o'clock)(?![a-z])"
)
#: Between two time bounds.
_SEP = re.compile(r"\s*(?:[~∼～〜\-–—]|부터|에서|(?<![a-z])(?:to|until|till|through|and)(?![a-z]))\s*")
_PRE = re.compile(r"(?<![a-z])(?P<w>from|between)\s+$")
_POST = re.compile(r"\s*(?:까지|사이)")
_CHEAP = re.compile(r"[~∼～〜\-–—]|부터|에서|(?<![a-z])(?:to|until|till|through|and)(?![a-z])")
_FMT = "%Y-%m-%dT%H:%M:%S.000%z"


def _iso(x: dt.datetime) -> str:
    """Duckling's instant: milliseconds and a ``+09:00`` offset."""
    stamp = x.strftime(_FMT)
    return stamp[:-2] + ":" + stamp[-2:]


def _interval(text: str, start: int, end: int, lo: dt.datetime, hi: dt.datetime, grain: str) -> EntitySpan:
    lo_s, hi_s = _iso(lo), _iso(hi)
    extra = {"type": "interval", "from": {"value": lo_s, "grain": grain}, "to": {"value": hi_s, "grain": grain}}
    return EntitySpan(TIME, start, end, text[start:end], {"from": lo_s, "to": hi_s}, extractor=EXTRACTOR, confidence=1.0,
                      additional_info=extra)  # fmt: skip


def _instant(span: EntitySpan) -> tuple[dt.datetime, str] | None:
    """A time span's aware instant and grain when it is one clock time (hour or minute grain)."""
    info = span.additional_info or {}
    if span.entity != TIME or not isinstance(span.value, str) or info.get("grain") not in ("hour", "minute"):
        return None
    try:
        when = dt.datetime.fromisoformat(span.value)
    except ValueError:
        return None
    return (when, str(info["grain"])) if when.tzinfo is not None else None


def clock_ranges(clock: EntityExtractor, text: str, key: str, tokens: list[Token]) -> list[EntitySpan]:
    """Clock-time ranges in ``text`` (module docstring), possibly overlapping; the caller keeps the longest.

    Args:
        clock: the date extractor (resolves one time with its day and 오전/오후/am/pm).
        text: the message; key: its folded matching key (:func:`~assistant.nlu.entities.base.fold`);
        tokens: its tokens (offsets into ``text``).
    """
    if not _CHEAP.search(key):
        return []
    return [*_pairs(clock, text, key, tokens), *_bare(clock, text, key, tokens)]


def _pairs(clock: EntityExtractor, text: str, key: str, tokens: list[Token]) -> list[EntitySpan]:
    times = sorted((sp for sp in clock.extract(text, tokens) if _instant(sp) is not None), key=lambda sp: sp.start)
    out: list[EntitySpan] = []
    for first, second in zip(times, times[1:], strict=False):
        sep = _SEP.fullmatch(key, first.end, second.start)
        if sep is None:
            continue
        pre = _PRE.search(key, max(0, first.start - 10), first.start)
        if ("and" in sep.group().split()) != (pre is not None and pre.group("w") == "between"):
            continue  # "between A and B" only; "A and B" is two times
        a, b = _instant(first), _instant(second)
        assert a is not None and b is not None
        lo, hi = a[0], b[0]
        if hi <= lo:
            hi = dt.datetime.combine(lo.date(), hi.timetz())
            if hi <= lo:
                hi += dt.timedelta(days=1)
        grain = "minute" if "minute" in (a[1], b[1]) else "hour"
        start = pre.start() if pre is not None else first.start
        post = _POST.match(key, second.end)
        end = post.end() if post is not None else second.end
        out.append(_interval(text, start, end, lo, hi, grain))
    return out


def _bare(clock: EntityExtractor, text: str, key: str, tokens: list[Token]) -> list[EntitySpan]:
    out: list[EntitySpan] = []
    for m in (*_KO_CLOCK.finditer(key), *_EN_CLOCK.finditer(key)):
        a, b = int(m.group("a")), int(m.group("b"))
        groups = m.groupdict()
        if (groups.get("sep") == "and") != (groups.get("pre") == "between"):
            continue  # "2 and 3pm" is two times; "between 2 and 3pm" a range
        hours = b - a if b > a else b + 12 - a if a <= 12 else 0  # "11~1시": across noon
        if not 0 < hours < 12:
            continue
        cut, delta = m.start("a"), m.start("b") - m.start("a")
        short = text[:cut] + text[m.start("b") :]
        moved = [t for t in tokens if t.end <= cut] + [
            Token(t.text, t.tag, t.start - delta, t.end - delta) for t in tokens if t.start >= m.start("b")
        ]
        second = next((sp for sp in clock.extract(short, moved) if sp.start <= cut < sp.end and _instant(sp) is not None), None)
        if second is None:
            continue
        hi, grain = _instant(second) or (None, "")
        assert hi is not None
        lo = hi - dt.timedelta(hours=hours)
        am = groups.get("am")
        if am is not None and (lo.hour < 12) != (am == "a"):
            continue  # "10pm-2pm"
        start = min(second.start, m.start()) if second.start < cut else m.start()
        end = max(second.end + delta, m.end())
        out.append(_interval(text, start, end, lo, hi, grain))
    return out
