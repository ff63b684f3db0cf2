"""English year counts that are ages by their sentence: "65 years or older", "aged over 65 years", "I'm over 65 years".

English writes an age and a length of time alike ("over 65 years"); only "old" ("65 years old", read as an age by
:mod:`~assistant.nlu.entities.numbers`) tells them apart on its own. The rule below reads a duration counted in
years (one value, an open interval from :mod:`~assistant.nlu.entities.open_ranges` or a range) as an ``age``
when its sentence is about age, and leaves it a ``duration`` otherwise:

1. **older / younger** in the expression ("65 years or older", "65 years and older", "older than 65 years",
   "younger than 19 years"): an age. Length of time is "more"/"longer", never "older".
2. **Duration cue** — a duration: "for", "since", "of", "in", "within", "during", "after" right before the
   expression ("for over 5 years", "a residence of over 5 years"), or "ago", "in a row", "of residence",
   "of service" ... right after it.
3. **Age cue right before** — an age: what :mod:`~assistant.nlu.entities.numbers` reads as an age cue before a
   number ("I'm", "I am", "he is", "aged", "my mother is", "turning" ...), "age(s)", or a word for people
   ("people", "persons", "adults", "seniors", "the elderly", "individuals", "applicants", "those", "anyone",
   "everyone", "someone", "men", "women", "children", "kids"), optionally with "who are"/"that are"/"aged"
   in between: "people over 65 years", "seniors aged over 65 years", "I'm over 65 years".
   "Residents"/"citizens" are not such words ("residents over 5 years can apply" is about residence).
4. **Age word in the sentence** — an age, unless the sentence has a word of time spent ("lived", "living",
   "resided", "residence", "stayed", "worked", "employed", "married", "insured", "registered", "been",
   "served", "contributed", "paid", "running"): "age", "aged", "ages", "old", "elderly", "senior(s)",
   "birthday", "born", "retire(d)", "pension(er)" ("Is there a pension over 65 years?", "old-age pension from 65 years").
5. Otherwise a duration ("over 65 years", "I have lived here over 5 years", "Residents over 3 years can apply").

The first rule that applies decides. Korean needs none of this (an age is counted in 세/살, time in 년). An age
read this way has the value and ``additional_info`` shape of the other ages: one value ``65`` with
``{"value": 65, "unit": "year", "valid": True}``, or an interval ``{"from": 65, "to": None}`` with
``{"type": "interval", "from": {"value": 65, "unit": "year", "inclusive": True}}`` (the duration's
``normalized`` seconds are dropped; ``inclusive`` kept where the bound word gave it).
"""

from __future__ import annotations

import dataclasses
import re

from assistant.nlu.entities import numbers
from assistant.nlu.entities.base import fold
from assistant.nlu.types import EntitySpan

EXTRACTOR = "duckling-like"
_OLDER = re.compile(r"\b(?:older|younger)\b")
_DURATION_BEFORE = re.compile(r"\b(?:for|since|of|in|within|during|after|throughout|past|last)\s+$")
_DURATION_AFTER = re.compile(
    r"\s*(?:ago\b|in\s+a\s+row\b|running\b|straight\b|of\s+(?:residence|residency|service|employment|work|"
    r"marriage|insurance|contributions?|experience|membership)\b)"
)
_PEOPLE = (
    r"people|persons?|adults?|seniors?|(?:the\s+)?elderly|individuals?|applicants?|those|anyone|anybody|everyone|"
    r"everybody|someone|somebody|men|women|children|kids|ages?"
)
_AGE_CUE_BEFORE = re.compile(
    r"(?:" + numbers.EN_AGE_CUE + r"|\b(?:" + _PEOPLE + r")(?:\s+(?:who|that)\s+(?:are|is)|\s+aged?)?)\s+$"
)
_AGE_WORDS = re.compile(
    r"\b(?:age|aged|ages|old|elderly|seniors?|birthdays?|born|retire|retired|retirees?|retirement|pensions?|"
    r"pensioners?)\b"
)
_TIME_SPENT_WORDS = re.compile(
    r"\b(?:liv(?:e|es|ed|ing)|resid(?:e|es|ed|ing|ence|ency)|stay(?:s|ed|ing)?|work(?:s|ed|ing)?|employed|"
    r"employment|married|marriage|insured|registered|been|serv(?:ed|ing)|contribut(?:ed|ing|ions?)|paid|paying|"
    r"running|ran|owned|operated|subscribed|enrolled)\b"
)
_SENTENCE_END = re.compile(r"[.!?;\n]")


def _years(span: EntitySpan) -> bool:
    """Is ``span`` a duration counted in years (one value, an open interval or a range)?"""
    info = span.additional_info or {}
    if info.get("type") == "value":
        return info.get("unit") == "year"
    if info.get("type") == "interval":
        sides = [info[s] for s in ("from", "to") if isinstance(info.get(s), dict)]
        return bool(sides) and all(s.get("unit") == "year" for s in sides)
    return False


def _sentence(key: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence around ``key[start:end]``."""
    s = max((m.end() for m in _SENTENCE_END.finditer(key, 0, start)), default=0)
    m = _SENTENCE_END.search(key, end)
    return s, m.start() if m is not None else len(key)


def is_age_context(text: str, span: EntitySpan) -> bool:
    """Does the rule of the module docstring read this English year count as an age?

    Args:
        text: the message; span: a ``duration`` entity in it counted in years (offsets into ``text``).

    Returns:
        True when ``span`` is an age by rules 1-4, False otherwise (also for any other kind of span).
    """
    if span.entity != "duration" or not _years(span):
        return False
    key = fold(text)
    expr = key[span.start : span.end]
    if _OLDER.search(expr):
        return True
    before = key[max(0, span.start - 60) : span.start]
    if _DURATION_BEFORE.search(before) or _DURATION_AFTER.match(key, span.end):
        return False
    if _AGE_CUE_BEFORE.search(before):
        return True
    s, e = _sentence(key, span.start, span.end)
    sentence = key[s:span.start] + " " + key[span.end : e]
    return bool(_AGE_WORDS.search(sentence)) and not _TIME_SPENT_WORDS.search(sentence)


def _as_age(span: EntitySpan) -> EntitySpan:
    info = span.additional_info or {}
    if info.get("type") == "value":
        value = span.value
        valid = isinstance(value, (int, float)) and 0 <= value <= numbers.MAX_AGE and float(value).is_integer()
        new: dict[str, object] = {"value": value, "unit": "year", "valid": valid}
        if not valid:
            new.update(reason="out_of_range", max=numbers.MAX_AGE)
    else:
        new = {"type": "interval"}
        for side in ("from", "to"):
            bound = info.get(side)
            if isinstance(bound, dict):
                new[side] = {k: v for k, v in bound.items() if k != "normalized"}
    return dataclasses.replace(span, entity=numbers.AGE, additional_info=new)


def ages_in_context(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    """Read the built-in year durations whose sentence is about age as ``age`` entities (module docstring).

    Args:
        text: the message; spans: its resolved entities (offsets into ``text``), after
            :func:`~assistant.nlu.entities.open_ranges.open_intervals`.

    Returns:
        The same spans, in the same order and with the same offsets; the ones rules 1-4 read as ages have
        ``entity="age"`` and an age's ``additional_info``. Never raises on odd text.
    """
    return [_as_age(sp) if sp.extractor == EXTRACTOR and is_age_context(text, sp) else sp for sp in spans]
