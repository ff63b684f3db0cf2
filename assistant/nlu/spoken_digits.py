"""Digit sequences read aloud, as a phone channel's speech-to-text writes them, turned into digits for the PII detectors.

A caller reads a phone number or a resident registration number digit by digit: "공일공 일이삼사 오육칠팔",
"팔오공일공일 다시 일이삼사오육칠", "oh one oh, one two three four, five six seven eight". The detectors of
:mod:`assistant.nlu.pii` read written digits only, so :func:`digit_view` writes each such run as digits (a same-text
"view" with an offset map back to the original); the detectors run over the view and their spans are mapped back onto
the spoken words, which are then masked like written numbers.

Digits read:

* Korean: the Sino-Korean digit names 공/영/빵 (0), 일, 이, 삼, 사, 오, 육/륙, 칠, 팔, 구; between them spaces, commas,
  a hyphen, or the word for the hyphen (다시, 대시, 에 as in "공일공에 …").
* English: zero/oh/o (0), one … nine, with "double"/"triple" before a digit ("double oh" = 00); between them spaces,
  commas, hyphens, or "dash".

Only a run of at least :data:`MIN_DIGITS` digits (the shortest phone number) becomes digits; ordinary words made of
the same syllables (일이 많아요, 이사, 오늘, 사이, "one or two") are far shorter and stay words. What the view's digits
are is then for the detectors to decide (a real birth date for an RRN, a numbering plan for a phone, Luhn for a card),
so a long run that is no personal data is left alone too.

A Korean run that ends in 이 followed by a copula ending (이에요, 이고, 이다 …) after a syllable with a final consonant
or a space is read as the copula (…오육칠팔이고, …일이삼사오육칠이에요: 팔/칠 end in a consonant, so 이 is "is", not the
digit 2). After a vowel the copula drops its 이 (…삼사예요), and before other endings (…오사삼이로) 이 is the digit 2.

Why our own reader: the Korean number parsers on PyPI read positional numerals (삼백이십 = 320), not digit strings, and
give no offsets; this is a closed list of eleven syllables and ten words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MIN_DIGITS", "DigitView", "SpokenRun", "digit_view", "spoken_date_view", "spoken_runs"]

#: The fewest digits a run needs to be read as a number (a Korean local phone number without area code has 7).
MIN_DIGITS = 7

_KO = {"공": "0", "영": "0", "빵": "0", "일": "1", "이": "2", "삼": "3", "사": "4", "오": "5", "육": "6", "륙": "6",
       "칠": "7", "팔": "8", "구": "9"}  # fmt: skip
_EN = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
       "seven": "7", "eight": "8", "nine": "9"}  # fmt: skip
_KO_DIGIT = "[" + "".join(_KO) + "]"
_KO_SEP = r"(?:[ \t,]*(?:[-\u2010-\u2015]|다시|대시|에)?[ \t,]*)"
_KO_RUN = re.compile(_KO_DIGIT + "(?:" + _KO_SEP + _KO_DIGIT + ")*")
_KO_DASH = re.compile(r"[-\u2010-\u2015]|다시|대시|에")
_EN_WORD = r"(?:(?:double|triple)[ \t]+)?(?:" + "|".join(sorted(_EN, key=len, reverse=True)) + r")\b"
_EN_SEP = r"(?:[ \t,]*(?:-|\bdash\b)?[ \t,]*)"
_EN_RUN = re.compile(r"\b" + _EN_WORD + "(?:" + _EN_SEP + _EN_WORD + ")*", re.IGNORECASE)
_EN_TOKEN = re.compile(r"(?:(double|triple)[ \t]+)?(" + "|".join(sorted(_EN, key=len, reverse=True)) + r")\b|(-|dash)",
                       re.IGNORECASE)
_REPEAT = {"double": 2, "triple": 3}
#: What follows the copula 이 (이에요, 이고, 이다, 이며, 이라서, 이니까, 이었어요, 이야, 이지만, 이면); not 이로, 이랑, 이요, 이예요,
#: after which 이 is the digit 2 ("오사삼이로" = 5432 + 로).
_COPULA = re.compile(r"에요|에용|었|고|다|며|라|니|야|지만|면")


@dataclass(frozen=True)
class SpokenRun:
    """A run of spoken digits: ``text[start:end]`` is the words, ``pieces`` each written piece and its source.

    Attributes:
        start, end: code-point offsets of the run in the text.
        pieces: ``(written, start, end)``: a digit (or ``-`` for a spoken hyphen) and the offsets of the word or
            syllable it comes from, in text order.
    """

    start: int
    end: int
    pieces: tuple[tuple[str, int, int], ...]

    @property
    def digits(self) -> str:
        """The run as written digits (spoken hyphens kept as ``-``): "팔오공일공일 다시 일이" → ``"850101-12"``."""
        return "".join(p for p, _, _ in self.pieces)


def _has_final_consonant(syllable: str) -> bool:
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 != 0


def _korean_runs(text: str) -> list[SpokenRun]:
    out = []
    for m in _KO_RUN.finditer(text):
        pieces: list[tuple[str, int, int]] = []
        pos = m.start()
        while pos < m.end():
            ch = text[pos]
            if ch in _KO:
                pieces.append((_KO[ch], pos, pos + 1))
                pos += 1
                continue
            dash = _KO_DASH.match(text, pos, m.end())
            if dash:
                pieces.append(("-", dash.start(), dash.end()))
                pos = dash.end()
            else:
                pos += 1
        end = m.end()
        # …팔이고 / …칠이에요 / …육칠 이에요: 이 before a copula ending, after a final consonant or a space, is "is"
        if (len(pieces) >= 2 and text[end - 1] == "이" and _COPULA.match(text, end)
                and (_has_final_consonant(text[end - 2]) or text[end - 2] not in _KO)):
            pieces.pop()
            end -= 1
        while pieces and pieces[-1][0] == "-":
            pieces.pop()
        if pieces:
            out.append(SpokenRun(m.start(), pieces[-1][2], tuple(pieces)))
    return out


def _english_runs(text: str) -> list[SpokenRun]:
    out = []
    for m in _EN_RUN.finditer(text):
        pieces: list[tuple[str, int, int]] = []
        for t in _EN_TOKEN.finditer(text, m.start(), m.end()):
            if t.group(3):
                pieces.append(("-", t.start(), t.end()))
                continue
            digit = _EN[t.group(2).lower()]
            times = _REPEAT[t.group(1).lower()] if t.group(1) else 1
            pieces.extend((digit, t.start(), t.end()) for _ in range(times))
        while pieces and pieces[-1][0] == "-":
            pieces.pop()
        if pieces:
            out.append(SpokenRun(m.start(), pieces[-1][2], tuple(pieces)))
    return out


def spoken_runs(text: str, min_digits: int = MIN_DIGITS) -> list[SpokenRun]:
    """Runs of spoken digits in ``text`` with at least ``min_digits`` digits, in text order, non-overlapping.

    ``min_digits`` is :data:`MIN_DIGITS` for every detector; the birth-date detector alone asks for 6 (a ``YYMMDD``
    date read aloud, "팔오공일공일"), and it takes such a run only beside a word for birth.

    Example:
        >>> [r.digits for r in spoken_runs("제 번호는 공일공 일이삼사 오육칠팔이고 일이 많아요")]
        ['01012345678']
    """
    if not text:
        return []
    runs = [r for r in (*_korean_runs(text), *_english_runs(text)) if sum(p != "-" for p, _, _ in r.pieces) >= min_digits]
    runs.sort(key=lambda r: r.start)
    out: list[SpokenRun] = []
    for r in runs:
        if not out or r.start >= out[-1].end:
            out.append(r)
    return out


@dataclass(frozen=True)
class DigitView:
    """``text`` with each spoken run written as digits, and the way back.

    Attributes:
        text: the view (equal to the original when nothing was spoken).
        runs: the spoken runs rewritten.
    """

    text: str
    runs: tuple[SpokenRun, ...]
    _starts: tuple[int, ...]
    _ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The offsets in the original text of the view's ``[start, end)`` (a digit maps to its spoken word)."""
        return self._starts[start], self._ends[end - 1]

    def touches_run(self, start: int, end: int) -> bool:
        """Whether the original ``[start, end)`` overlaps a spoken run."""
        return any(start < r.end and r.start < end for r in self.runs)


def digit_view(text: str, min_digits: int = MIN_DIGITS) -> DigitView:
    """:class:`DigitView` of ``text``: spoken runs (:func:`spoken_runs` with ``min_digits``) replaced by their digits.

    Example:
        >>> v = digit_view("주민번호는 팔오공일공일 다시 일이삼사오육칠이에요")
        >>> v.text
        '주민번호는 850101-1234567이에요'
        >>> v.original_span(6, 20)
        (6, 23)
    """
    return _view(text, spoken_runs(text, min_digits))


def _view(text: str, runs: list[SpokenRun]) -> DigitView:
    """``text`` with ``runs`` (sorted, non-overlapping) written as their pieces, and the offset maps back."""
    if not runs:
        return DigitView(text, (), (), ())  # nothing to map back (original_span is only asked about a run)
    starts: list[int] = []
    ends: list[int] = []
    parts: list[str] = []
    pos = 0
    for r in runs:
        parts.append(text[pos : r.start])
        starts.extend(range(pos, r.start))
        ends.extend(range(pos + 1, r.start + 1))
        for written, s, e in r.pieces:
            parts.append(written)
            starts.append(s)
            ends.append(e)
        pos = r.end
    parts.append(text[pos:])
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    return DigitView("".join(parts), tuple(runs), tuple(starts), tuple(ends))


# --- dates read aloud ---------------------------------------------------------------------------------------------

_KO_NUMERAL = "[공영일이삼사오육륙칠팔구십백천]"
#: A date in Korean numerals: "팔오년 일월 일일", "천구백팔십오년 십이월 삼십일일", "팔십오 년 1월 1일" (each part words or
#: digits; at least one part in words).
_KO_DATE = re.compile(
    r"(?P<y>" + _KO_NUMERAL + r"{2,7}|\d{2}|\d{4})\s*년\s*(?P<m>" + _KO_NUMERAL + r"{1,3}|\d{1,2})\s*월\s*"
    r"(?P<d>" + _KO_NUMERAL + r"{1,4}|\d{1,2})\s*일"
)
_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_EN_ORDINAL = re.compile(
    r"\b(?:(?P<tens>twenty|thirty)[\s-]?(?P<unit>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    r"(?P<word>" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r"|thirtieth))\b", re.IGNORECASE)
_MONTH_WORD = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)


def _korean_part(surface: str, year: bool) -> str | None:
    """A date part in Korean numerals as digits: a year read digit by digit ("팔오" → "85", "일구팔오" → "1985") or
    as a number ("팔십오" → "85", "천구백팔십오" → "1985"); a month or day as a number ("십이" → "12", "일" → "1")."""
    if surface.isdigit():
        return surface
    if year and len(surface) in (2, 4) and all(ch in _KO for ch in surface):
        return "".join(_KO[ch] for ch in surface)
    from assistant.nlu.entities.numbers import parse_korean_number  # a leaf module: imported where it is used

    value = parse_korean_number(surface)
    if value is None or not float(value).is_integer() or value < 0:
        return None
    return str(int(value)).zfill(2) if year and value < 100 else str(int(value))


def _korean_date_runs(text: str) -> list[SpokenRun]:
    out: list[SpokenRun] = []
    for m in _KO_DATE.finditer(text):
        if all(m.group(g).isdigit() for g in ("y", "m", "d")):
            continue  # written digits: the detectors read them as they are
        parts = [(_korean_part(m.group(g), g == "y"), m.start(g), m.end(g)) for g in ("y", "m", "d")]
        if any(p is None for p, _, _ in parts):
            continue
        for written, s, e in parts:
            assert written is not None
            out.append(SpokenRun(s, e, tuple((ch, s, e) for ch in written)))
    return out


def _english_date_runs(text: str) -> list[SpokenRun]:
    """Cardinals ("nineteen eighty five" → 1985) and ordinals ("first", "twenty-third") of a text that names a month."""
    if not _MONTH_WORD.search(text):
        return []
    from assistant.nlu.entities.english_numbers import english_numbers  # a leaf module: imported where it is used

    out: list[SpokenRun] = []
    for m in _EN_ORDINAL.finditer(text):  # first: "twenty-fifth" is no cardinal "twenty"
        value = (20 if m.group("tens").lower() == "twenty" else 30) + _ORDINALS[m.group("unit").lower()] \
            if m.group("tens") else 30 if m.group("word").lower() == "thirtieth" else _ORDINALS[m.group("word").lower()]
        out.append(SpokenRun(m.start(), m.end(), tuple((ch, m.start(), m.end()) for ch in str(value))))
    for n in english_numbers(text):
        if isinstance(n.value, int) and 0 < n.value <= 2100 and not any(n.start < r.end and r.start < n.end for r in out):
            out.append(SpokenRun(n.start, n.end, tuple((ch, n.start, n.end) for ch in str(n.value))))
    return out


def spoken_date_view(text: str) -> DigitView:
    """``text`` with a date read aloud written in digits, for the birth-date detector (:func:`assistant.nlu.pii.
    find_birth_dates`): Korean numeral dates ("팔오년 일월 일일" → "85년 1월 1일", "천구백팔십오년 …" → "1985년 …"),
    English number and ordinal words in a text that names a month ("nineteen eighty five january first" → "1985
    january 1"), and digits read one by one from 6 on ("팔오공일공일" → "850101", a ``YYMMDD`` date).

    Whether such a view holds a birth date is the detector's rule (a real date beside a word for birth), as for
    written dates: an ordinary number read aloud stays what it is (fewer than :data:`MIN_DIGITS` digits are never
    rewritten for the other detectors).

    Example:
        >>> spoken_date_view("팔오년 일월 일일생").text
        '85년 1월 1일생'
    """
    runs = [*_korean_date_runs(text), *_english_date_runs(text)]
    runs += [r for r in spoken_runs(text, 6) if not any(r.start < o.end and o.start < r.end for o in runs)]
    runs.sort(key=lambda r: r.start)
    kept: list[SpokenRun] = []
    for r in runs:
        if not kept or r.start >= kept[-1].end:
            kept.append(r)
    return _view(text, kept)
