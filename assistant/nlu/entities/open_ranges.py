"""Open intervals: "3년 이상", "65세 미만", "100만원 이하", "over 65 years old", "at least 3 years", "up to 2 years".

A bound word turns the single duration, money or age value beside it into an interval open on one side, in the
shape :mod:`assistant.nlu.entities.ranges` gives closed ranges (Rasa's ``DucklingEntityExtractor`` value of an
interval): ``value`` is ``{"from": 3, "to": None}`` ("3년 이상") or ``{"from": None, "to": 1}`` ("1년 미만"), and
``additional_info`` is Duckling's ``{"type": "interval", "from": {...}}`` with only the bound said. Duckling reads
"over 10 dollars" as ``from`` alone and "under 10 dollars" as ``to`` alone, and its intervals are half-open (``from``
inclusive, ``to`` exclusive: its time intervals end one grain after the last one said). A word says which it is, so
each bound here carries ``"inclusive": True | False`` explicitly, never left to that default:

=====================  ===========  ===================================================================
bound                  inclusive    words
=====================  ===========  ===================================================================
``from`` (lower)       yes (≥)      이상; at least, no less than, not less than, a minimum of, "N or more/over/older",
                                    "N and over/up/older", "N+"
``from`` (lower)       no (>)       초과, 넘게/넘는/넘어/넘은; over, more than, above, greater than, older than
``to`` (upper)         yes (≤)      이하; at most, no more than, not more than, up to, a maximum of, "N or less/under/younger",
                                    "N and under/younger"
``to`` (upper)         no (<)       미만; under, less than, below, fewer than, younger than
=====================  ===========  ===================================================================

(이상/이하 include the number and 초과/미만 do not: 표준국어대사전, and the law's usage, e.g. 민법 제4조 "19세로
성년에 이르게 된다" read with 청소년 보호법 제2조 "19세 미만".) Two bounds side by side join into one interval:
"19세 이상 39세 이하" is ``{"from": 19, "to": 39}`` with both inclusive, as the catalogue writes its age rules.

Not bounds (documented): a bare number or a count ("2명 이상": a count of people is a ``number`` without its
counter in the span, and "40퍼센트 이하" is an income percentage read by the form); 이상 followed by 하 ("이상해요":
strange); 이내/within (a duration marker, kept in the duration's span by :mod:`ranges`).
Why our own code: Duckling has no Korean and no Python port; the bound words are a small closed list.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Callable

from assistant.nlu.entities import numbers
from assistant.nlu.entities.base import fold, is_hangul
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

EXTRACTOR = "duckling-like"
_KINDS = frozenset({"duration", numbers.MONEY, numbers.AGE})
#: Korean bound word after the value → (side, inclusive).
_KO_AFTER: dict[str, tuple[str, bool]] = {"이상": ("from", True), "초과": ("from", False), "이하": ("to", True),
                                           "미만": ("to", False), "넘게": ("from", False), "넘는": ("from", False),
                                           "넘어": ("from", False), "넘은": ("from", False)}  # fmt: skip
#: Spaces, emoji and their joiners/selectors between a value and its bound word ("3년 🎉 이상").
_GAP = r"[\s\u200d\ufe0f\u2600-\u27bf\U0001f000-\U0001faff]*"
_KO_AFTER_RE = re.compile(_GAP + r"(?P<w>" + "|".join(_KO_AFTER) + ")")
_EN_BEFORE: dict[str, tuple[str, bool]] = {
    "at least": ("from", True), "no less than": ("from", True), "not less than": ("from", True), "a minimum of": ("from", True),
    "minimum of": ("from", True), "over": ("from", False), "more than": ("from", False), "above": ("from", False),
    "greater than": ("from", False), "older than": ("from", False), "at most": ("to", True), "no more than": ("to", True),
    "not more than": ("to", True), "up to": ("to", True), "a maximum of": ("to", True), "maximum of": ("to", True),
    "under": ("to", False), "less than": ("to", False), "below": ("to", False), "fewer than": ("to", False),
    "younger than": ("to", False),
}  # fmt: skip
_EN_BEFORE_RE = re.compile(
    r"(?<![a-z])(?P<w>" + "|".join(sorted((w.replace(" ", r"\s+") for w in _EN_BEFORE), key=len, reverse=True)) + r")\s+$"
)
_EN_AFTER_RE = re.compile(
    r"(?:\s+(?:or|and)\s+(?P<w>more|over|above|older|up|less|under|below|younger|fewer)(?![a-z])|(?P<plus>\+))"
)
_EN_AFTER = {"more": ("from", True), "over": ("from", True), "above": ("from", True), "older": ("from", True),
             "up": ("from", True), "less": ("to", True), "under": ("to", True), "below": ("to", True),
             "younger": ("to", True), "fewer": ("to", True)}  # fmt: skip
#: Whitespace only between two bounds that join ("19세 이상 39세 이하"; also "~" or a comma).
_JOIN = re.compile(r"\s*(?:[~,]\s*)?")


def _bound_info(span: EntitySpan, inclusive: bool) -> dict[str, object]:
    info = span.additional_info or {}
    if span.entity == "duration":
        return {"value": info.get("value", span.value), "unit": info.get("unit"), "normalized": info.get("normalized"),
                "inclusive": inclusive}  # fmt: skip
    unit = "KRW" if span.entity == numbers.MONEY else "year"
    return {"value": span.value, "unit": unit, "inclusive": inclusive}


def _ko_bound(key: str, tokens_at: dict[int, list[Token]], span: EntitySpan, analysed: Callable[[int], bool]) -> tuple[int, str, bool] | None:
    """The Korean bound word after ``span``: (end of the word, side, inclusive), or None."""
    m = _KO_AFTER_RE.match(key, span.end)
    if m is None or not is_hangul(key[span.end - 1]) and not key[span.end - 1].isdigit():
        return None
    start, end = m.start("w"), m.end("w")
    toks = tokens_at.get(start, [])
    word = m.group("w")
    if not analysed(start):
        # the middle of a long message has no tokens (base.analyse reads a head and a tail window): the bound
        # word by its letters, so "3년 이상" there is no single 3 years either
        if word.startswith("넘") and word != "넘게" or key.startswith("하", end):
            return None
    elif word.startswith("넘"):
        if not any(t.text == "넘" and t.tag.startswith("V") for t in toks):
            return None
    elif not any(t.text == word and t.tag.startswith("NN") for t in toks):
        return None  # "이상해요" (strange): 이상 as a root, or inside a longer word
    nxt = tokens_at.get(end, [])
    if any(t.tag in ("XSA", "XSV") for t in nxt):
        return None
    side, inclusive = _KO_AFTER[word]
    return end, side, inclusive


def _en_bound(key: str, span: EntitySpan) -> tuple[int, int, str, bool] | None:
    """The English bound words around ``span``: (start, end of the whole, side, inclusive), or None."""
    before = _EN_BEFORE_RE.search(key, max(0, span.start - 20), span.start)
    if before is not None:
        word = " ".join(before.group("w").split())
        return before.start(), span.end, *_EN_BEFORE[word]
    after = _EN_AFTER_RE.match(key, span.end)
    if after is not None and (after.group("plus") is None or not (after.end() < len(key) and key[after.end()].isalnum())):
        side, inclusive = ("from", True) if after.group("plus") else _EN_AFTER[after.group("w")]
        return span.start, after.end(), side, inclusive
    return None


def open_intervals(text: str, tokens: list[Token], spans: list[EntitySpan]) -> list[EntitySpan]:
    """Turn each single duration, money or age value with a bound word into an open interval (module docstring).

    Args:
        text: the message; tokens: its Kiwi tokens (offsets into ``text``); spans: its resolved entities in text
            order (offsets into ``text``), as the entity pipeline keeps them.

    Returns:
        The spans in text order; a bounded one is replaced by its interval, whose span takes in the bound words
        ("3년 이상", "at least 3 years"), unless that would overlap another entity (then it is left as it was).
        Never raises on odd text.
    """
    if not spans:
        return spans
    key = fold(text)
    tokens_at: dict[int, list[Token]] = {}
    for t in tokens:
        tokens_at.setdefault(t.start, []).append(t)
    starts = sorted(tokens_at)
    reach = list(itertools.accumulate((max(t.end for t in tokens_at[s]) for s in starts), max))

    def analysed(pos: int) -> bool:
        """Is ``pos`` inside the analysed part of the text (some token reaches past it)?"""
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and reach[i] > pos or i + 1 < len(starts) and starts[i + 1] - pos <= 1

    out = list(spans)
    for i, sp in enumerate(spans):
        if sp.extractor != EXTRACTOR or sp.entity not in _KINDS or isinstance(sp.value, dict) or sp.value is None:
            continue
        ko = _ko_bound(key, tokens_at, sp, analysed)
        found = (sp.start, *ko) if ko is not None else _en_bound(key, sp)
        if found is None:
            continue
        s, e, side, inclusive = found
        prev_end = spans[i - 1].end if i > 0 else 0
        next_start = spans[i + 1].start if i + 1 < len(spans) else len(text)
        if s < prev_end or e > next_start:
            continue
        value = {"from": sp.value, "to": None} if side == "from" else {"from": None, "to": sp.value}
        info = {"type": "interval", side: _bound_info(sp, inclusive)}
        out[i] = dataclasses.replace(sp, start=s, end=e, text=text[s:e], value=value, additional_info=info)
    return _join(text, out)


def _join(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    """"19세 이상 39세 이하": a ``from``-only interval followed by a ``to``-only one of the same kind and unit → one."""
    out: list[EntitySpan] = []
    for sp in spans:
        prev = out[-1] if out else None
        if (prev is not None and _open(prev, "from") and _open(sp, "to") and prev.entity == sp.entity
                and _JOIN.fullmatch(text, prev.end, sp.start) and _unit(prev, "from") == _unit(sp, "to")):  # fmt: skip
            lo, hi = prev.value["from"], sp.value["to"]
            if lo <= hi:
                info = {"type": "interval", "from": prev.additional_info["from"], "to": sp.additional_info["to"]}  # type: ignore[index]
                out[-1] = dataclasses.replace(prev, end=sp.end, text=text[prev.start : sp.end], value={"from": lo, "to": hi},
                                              additional_info=info)  # fmt: skip
                continue
        out.append(sp)
    return out


def _open(sp: EntitySpan, side: str) -> bool:
    info = sp.additional_info or {}
    other = "to" if side == "from" else "from"
    return isinstance(sp.value, dict) and info.get("type") == "interval" and side in info and other not in info \
        and isinstance(info[side], dict) and "inclusive" in info[side]  # fmt: skip


def _unit(sp: EntitySpan, side: str) -> object:
    info = sp.additional_info or {}
    bound = info.get(side)
    return bound.get("unit") if isinstance(bound, dict) else None
