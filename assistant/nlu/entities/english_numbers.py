"""English numbers written in words ("sixty seven", "sixty-seven", "a hundred and five", "fifty percent").

A phone channel's speech-to-text writes what the caller says, so "I'm sixty seven" arrives in words. The reader
(:func:`english_numbers`) finds cardinal numbers from zero to the billions with their offsets; the extractor
(:class:`EnglishNumberExtractor`) gives them to the same rules as digits (:class:`NumberExtractor`), so they become
``age`` ("I'm seventy", "sixty seven years old"), ``amount-of-money`` ("fifty thousand won") or ``number`` entities
(a ``percentage`` for "fifty percent": value 50, the span taking in "percent", as for "50%"). A decimal is read with
"point" and its digits one by one ("one point five million won" → 1,500,000 won, "two point five percent" → 2.5).

A year is read in pairs ("nineteen eighty five" → 1985). Not numbers: a lone "one" or "a" ("no one", "this one", "a form": a pronoun or an article far more often than a
quantity; "one" with a unit after it, "one percent", "one year old", still is), and digits read one by one ("one
two three four", "oh one oh": a phone number or a code, left to :mod:`assistant.nlu.spoken_digits`).

Why our own reader: the PyPI options were checked. ``word2number`` (1.1, 2017) converts a whole string, raises on
text without numbers and gives no offsets; ``text2num`` 3.x is a Rust extension (not pure Python) that rewrites the
sentence, again without offsets; ``numerizer`` rewrites the string too. Entities need offsets into the message, and
English cardinals are a closed grammar of 32 words (the rules of Duckling's ``Numeral/EN`` rules, in small).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.nlu.entities.base import fold
from assistant.nlu.entities.numbers import NumberExtractor
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

__all__ = ["EnglishNumber", "EnglishNumberExtractor", "english_numbers"]

_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_TEENS = {w: i + 10 for i, w in enumerate("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: (i + 2) * 10 for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_WORD = re.compile(r"[A-Za-z]+")
#: What may stand between the words of one number: spaces or one hyphen ("sixty-seven", "sixty - seven").
_JOIN = re.compile(r"\s*-?\s*")
#: After a lone "one": a unit that makes it a quantity ("one percent", "one year old", "one thousand" is a compound).
_UNIT_AFTER = re.compile(r"\s*(?:%|percent|per\s*cent|years?|yrs?|won|krw|dollars?|months?|weeks?|days?|times?)\b", re.I)
#: Between two numbers that could not join: only a space, comma or hyphen, so they are digits read one by one.
_DIGIT_GAP = re.compile(r"[\s,\-]*")
#: "point" and the digits of a decimal fraction, one word each ("one point five", "three point two five").
_POINT = re.compile(r"\s+point((?:\s+(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)(?![A-Za-z]))+)", re.I)


@dataclass(frozen=True)
class EnglishNumber:
    """A number written in English words: ``text[start:end]`` and its value (int; float with "point")."""

    start: int
    end: int
    value: int | float


def _kind(word: str) -> str | None:
    if word in _UNITS:
        return "unit"
    if word in _TEENS:
        return "teen"
    if word in _TENS:
        return "tens"
    if word == "hundred":
        return "hundred"
    if word in _SCALES:
        return "scale"
    return None


#: Which kind of word may follow which within one number (Duckling's EN composition rules, in small).
_NEXT = {
    None: {"unit", "teen", "tens", "a"},
    "a": {"hundred", "scale"},
    "unit": {"hundred", "scale"},
    "teen": {"hundred", "scale"},
    "tens": {"unit", "scale"},
    "hundred": {"unit", "teen", "tens", "scale", "and"},
    "scale": {"unit", "teen", "tens", "and"},
    "and": {"unit", "teen", "tens"},
}


def _parse(words: list[tuple[str, int, int]], i: int) -> tuple[int, int, int] | None:
    """The longest number starting at word ``i``: ``(value, index after it, words used)``; None if none starts there."""
    total = current = 0
    last: str | None = None
    used = end_at = 0
    smallest_scale = 10**12
    j = i
    while j < len(words):
        word, _, _ = words[j]
        kind = "and" if word == "and" else "a" if word == "a" else _kind(word)
        if kind is None or kind not in _NEXT[last]:
            break
        if kind == "unit":
            if word == "zero" and last is not None:
                break
            current += _UNITS[word]
        elif kind == "teen":
            current += _TEENS[word]
        elif kind == "tens":
            current += _TENS[word]
        elif kind == "a":
            current = 1
        elif kind == "hundred":
            current = max(current, 1) * 100
        elif kind == "scale":
            scale = _SCALES[word]
            if scale >= smallest_scale:
                break  # "a thousand million" is not read; "two million three thousand" is
            smallest_scale = scale
            total += max(current, 1) * scale
            current = 0
        last = kind
        j += 1
        if kind not in ("and", "a"):
            used, end_at = j - i, j
    if used == 0:
        return None
    return total + current, end_at, used


def english_numbers(text: str) -> list[EnglishNumber]:
    """Cardinal numbers written in English words in ``text``, in text order, with code-point offsets.

    Example:
        >>> [(n.value, "I'm sixty-seven, a hundred and five"[n.start:n.end])
        ...  for n in english_numbers("I'm sixty-seven, a hundred and five")]
        [(67, 'sixty-seven'), (105, 'a hundred and five')]
    """
    words: list[tuple[str, int, int]] = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    found: list[tuple[EnglishNumber, int]] = []  # (number, words used)
    i = 0
    while i < len(words):
        parsed = _parse_joined(text, words, i)
        if parsed is None:
            i += 1
            continue
        value, j, used = parsed
        number = EnglishNumber(words[i][1], words[j - 1][2], value)  # "a hundred": "a" is in the span
        if value < 1000 and (point := _POINT.match(text, number.end)) is not None:
            number, j, used = _decimal(text, words, number, point, j, used)
        found.append((number, used))
        i = j
    found = _years(text, found)
    out: list[EnglishNumber] = []
    for k, (n, used) in enumerate(found):
        if used == 1 and text[n.start : n.end].lower() == "one" and not _UNIT_AFTER.match(text, n.end):
            continue  # "no one", "this one"
        if used == 1 and any(_adjacent_single(text, n, other) for other, other_used in
                             (found[k - 1] if k else (None, 0), found[k + 1] if k + 1 < len(found) else (None, 0))
                             if other is not None and other_used == 1):
            continue  # "one two three four": digits read one by one
        out.append(n)
    return out


def _decimal(text: str, words: list[tuple[str, int, int]], whole: EnglishNumber, point: re.Match[str], j: int,
             used: int) -> tuple[EnglishNumber, int, int]:
    """``whole`` with the decimal fraction "point five" (digits one word each) and an optional scale after it ("one
    point five million" = 1,500,000): the number, the index of the word after it and the words used."""
    digits = "".join(str(_UNITS.get(w.lower(), 0)) for w in point.group(1).split())  # "oh" is 0
    value: int | float = float(f"{whole.value}.{digits}")
    end = point.end()
    k = next((n for n in range(j, len(words)) if words[n][1] >= end), len(words))
    used += 1 + len(point.group(1).split())
    if k < len(words) and words[k][0] in _SCALES and _JOIN.fullmatch(text, end, words[k][1]):
        value, end, k, used = value * _SCALES[words[k][0]], words[k][2], k + 1, used + 1
    value = round(value, 9)
    return EnglishNumber(whole.start, end, int(value) if float(value).is_integer() else value), k, used


def _years(text: str, found: list[tuple[EnglishNumber, int]]) -> list[tuple[EnglishNumber, int]]:
    """A year read in pairs: "nineteen eighty five" → 1985, "twenty twenty-five" → 2025 (11-29, then 10-99, one space)."""
    out: list[tuple[EnglishNumber, int]] = []
    for n, used in found:
        if out:
            prev, prev_used = out[-1]
            if 11 <= prev.value <= 29 and prev_used <= 2 and 10 <= n.value <= 99 and text[prev.end : n.start] == " ":
                out[-1] = (EnglishNumber(prev.start, n.end, prev.value * 100 + n.value), prev_used + used)
                continue
        out.append((n, used))
    return out


def _adjacent_single(text: str, a: EnglishNumber, b: EnglishNumber) -> bool:
    first, second = (a, b) if a.start < b.start else (b, a)
    return _DIGIT_GAP.fullmatch(text, first.end, second.start) is not None


def _parse_joined(text: str, words: list[tuple[str, int, int]], i: int) -> tuple[int, int, int] | None:
    """:func:`_parse` over the words from ``i`` that are joined by spaces or a hyphen only."""
    run = [words[i]]
    for k in range(i + 1, len(words)):
        if not _JOIN.fullmatch(text, words[k - 1][2], words[k][1]):
            break
        run.append(words[k])
    parsed = _parse(run, 0)
    if parsed is None:
        return None
    value, end_at, used = parsed
    return value, i + end_at, used


class EnglishNumberExtractor(NumberExtractor):
    """Numbers, amounts and ages written in English words; the same entities and rules as :class:`NumberExtractor`.

    Example:
        >>> text = "I am sixty seven years old"
        >>> [(s.entity, s.value, s.text) for s in EnglishNumberExtractor().extract(text, KoreanTokenizer().tokenize(text))]
        [('age', 67, 'sixty seven years old')]
    """

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Entities of the English number words in ``text`` (``tokens``: the message's tokens, for the context rules)."""
        out: list[EntitySpan] = []
        for n in english_numbers(text):
            i = next((k for k, t in enumerate(tokens) if t.end > n.start), len(tokens))
            j = next((k for k, t in enumerate(tokens) if t.start >= n.end), len(tokens))
            out.append(self._classify(text, fold(text), tokens, i, j, n.start, n.end, n.value))
        return out
