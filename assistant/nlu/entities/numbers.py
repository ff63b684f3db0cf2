"""Numbers, amounts of money (KRW) and ages, Korean and English.

Why our own parser: the Korean numeral libraries on PyPI were measured and
fall short. ``korean-number`` 1.0.2 (``kor2num``) gives "3억 5천만" →
110,000,000, "1,200만" → 10,000, "5천" → 1,000 and "일흔" → 1 (the right
answers are 350,000,000, 12,000,000, 5,000 and 70); none finds numbers inside
a sentence or reports offsets. Korean numerals are a small closed grammar
(Sino-Korean digits, 십/백/천 inside a group of four, 만/억/조/경 between
groups, native 하나…아흔 for counting and ages), so :func:`parse_korean_number`
implements it directly.

Where a number is, is decided by Kiwi's tags, not by a regex: a run of ``SN``
(digits) and ``NR`` (numeral) morphemes, plus native determiners (한/두/세/네/스무,
tag ``MM``) before a counter (``NNB``). That keeps "이" (this), "일" (work)
and "사" (company) out of numbers unless Kiwi reads them as numerals.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.nlu.entities.base import fold
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

NUMBER = "number"
MONEY = "amount-of-money"
AGE = "age"
#: A number with a percent sign or word ("50%", "50 percent", "오십 퍼센트", "50프로"): value the number (50, not 0.5),
#: ``additional_info`` ``{"value": 50, "unit": "percent"}``. Duckling has no such dimension (it gives a ``number``
#: over "50" and leaves the sign); the income question asks for a percentage of the median income, so the unit is
#: part of the answer and the entity's span.
PERCENT = "percentage"
EXTRACTOR = "duckling-like"
#: Oldest plausible age (years). An age expression above it ("200살") is still an ``age`` entity (the person
#: said it was an age), flagged ``additional_info["valid"] = False``; the dialogue's age validator then answers
#: that it is out of range instead of the NLU silently turning it into a plain number.
MAX_AGE = 130
#: Numerals at or above this are not read as numbers: past 2**53 (about 9.007e15) a float no longer holds every
#: integer, and "1" * 400 overflowed to inf, which no tracker store can save (s35 fresh-user probe: the turn failed).
#: 10**16 is 1경, beyond any amount of money or count a citizen gives.
MAX_NUMBER = 10**16

_SINO = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6, "칠": 7, "팔": 8, "구": 9}
_SMALL = {"십": 10, "백": 100, "천": 1000}
_BIG = {"만": 10**4, "억": 10**8, "조": 10**12, "경": 10**16}
_NATIVE = {
    "하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "석": 3, "넷": 4, "네": 4, "넉": 4, "다섯": 5, "여섯": 6,
    "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60,
    "일흔": 70, "여든": 80, "아흔": 90,
}  # fmt: skip
_WORDS = sorted([*_SINO, *_SMALL, *_BIG, *_NATIVE], key=len, reverse=True)
_PIECE = re.compile(r"(\d+(?:\.\d+)?)|(" + "|".join(_WORDS) + ")")
_NATIVE_DETERMINERS = frozenset({"한", "두", "세", "네", "스무"})
_AGE_COUNTERS = frozenset({"살", "세"})
#: Words for age in Korean: "나이는 70이에요", "제 나이 일흔".
_AGE_NOUNS = frozenset({"나이", "연세", "연령"})
#: Family members whose age is stated as "my mother is 82", "my son's 4".
_EN_KIN = (
    r"mother|father|mom|mum|dad|son|daughter|child|kid|baby|wife|husband|grandmother|grandfather|grandma|grandpa|"
    r"brother|sister|parent|partner"
)
#: English cues before a number that make it an age: "I'm 70", "I am 70", "aged 70", "at the age of 70",
#: "my age is 66", "my mother is 82", "my son's 4".
EN_AGE_CUE = (
    r"\b(?:i\s*['’]?\s*m|i\s+am|i\s+turned|i\s*['’]?\s*ll\s+be|i\s+will\s+be|(?:he|she)\s*['’]?\s*s|"
    r"(?:he|she)\s+is|turning|turned|aged?|age\s*:|(?:my|his|her|our|their)\s+age\s+is|at\s+the\s+age\s+of|"
    r"(?:my|his|her|our|their)\s+(?:" + _EN_KIN + r")\s*(?:['’]\s*s|\s+is|\s+turned|\s+will\s+be))"
)
_EN_AGE_BEFORE = re.compile(EN_AGE_CUE + r"\s*$")
#: The same cues with a bound word before the number ("aged over 65", "I'm under 19", "he is at least 70"): an
#: age, whose span starts at the number so that :mod:`~assistant.nlu.entities.open_ranges` makes it an interval.
_EN_AGE_BEFORE_BOUND = re.compile(
    EN_AGE_CUE + r"\s+(?:over|under|above|below|at\s+least|at\s+most|more\s+than|less\s+than|older\s+than|"
    r"younger\s+than|no\s+more\s+than|no\s+less\s+than|not\s+more\s+than|not\s+less\s+than|up\s+to)\s+$"
)
#: English cues after a number: "70 years old", "70-year-old", "70 years of age", "70 yo".
_EN_AGE_AFTER = re.compile(r"\s*-?\s*(?:(?:years?|yrs?)(?:\s+|-)old\b|(?:years?|yrs?)\s+of\s+age\b|y\s*/\s*o\b|y\.o\.|yo\b)")
#: What may not follow a number read as an age from a cue before it: a unit or a larger number ("I'm 70% sure",
#: "I am 70 dollars short", "aged 70 minutes").
_NOT_AGE_AFTER = re.compile(
    r"\s*(?:[%$₩￦/°-]|[.,]\d|(?:percent|per|dollars?|usd|won|krw|kg|kilos?|pounds?|lbs?|cm|km|m|miles?|minutes?|mins?|"
    r"hours?|hrs?|days?|weeks?|months?|times|degrees?|th|st|nd|rd|k)\b|(?:years?|yrs?)\s+(?:older|younger|ago|later|before|after)\b)"
)
_MONEY_COUNTERS = frozenset({"원"})
#: A percent sign or word right after a number (on the folded text: "％" is "%"): %, percent, per cent, pct, 퍼센트,
#: 프로 (spoken Korean for percent: "50프로"; not the 프로 of 프로그램, 프로젝트, 프로필 ...).
PERCENT_AFTER = re.compile(
    r"\s*(?:%|퍼센트|프로(?!그|젝|필|세|모|포|듀|야|게|축|농|페|레|토|판|파)|"
    r"(?:percent|per\s*-?\s*cent|pct)(?![a-z]))"
)
#: An English scale word after digits: "1.5 million won", "2 billion".
_EN_SCALE_AFTER = re.compile(r"\s+(?P<w>thousand|million|billion)(?![a-z])")
_EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}


def _as_number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def parse_korean_number(surface: str) -> int | float | None:
    """Parse a Korean, Arabic or mixed numeral.

    Args:
        surface: e.g. "삼십오", "3억 5천만", "1,200만", "５천", "일흔다섯", "3.5".
            Spaces and digit-group commas are ignored; full-width digits work.

    Returns:
        The value (``int`` when integral), or None when ``surface`` is not a
        well-formed numeral ("삼삼", "만억", "열삼십") or its value is :data:`MAX_NUMBER` or more.

    Example:
        >>> parse_korean_number("3억 5천만")
        350000000
    """
    s = unicodedata.normalize("NFKC", surface)
    s = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", " ", s)  # zero-width spaces count as spaces
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    if re.search(r"\d\s+\d", s):
        return None  # "3 4" is two numbers
    s = re.sub(r"\s+", "", s)
    if not s:
        return None
    total = 0.0
    section = 0.0
    cur: float | None = None
    native: int | None = None
    last_small = 10**5
    last_big = 10**20
    pos = 0
    for m in _PIECE.finditer(s):
        if m.start() != pos:
            return None
        pos = m.end()
        digits, word = m.group(1), m.group(2)
        if digits is not None or word in _SINO:
            if cur is not None or native is not None:
                return None
            cur = float(digits) if digits is not None else float(_SINO[word])
        elif word in _SMALL:
            unit = _SMALL[word]
            if native is not None or unit >= last_small:
                return None
            section += (1.0 if cur is None else cur) * unit
            cur, last_small = None, unit
        elif word in _BIG:
            unit = _BIG[word]
            if unit >= last_big:
                return None
            group = section + (cur or 0.0) + (native or 0)
            total += (group if group else 1.0) * unit
            section, cur, native, last_small, last_big = 0.0, None, None, 10**5, unit
        else:
            value = _NATIVE[word]
            if cur is not None or section:
                return None
            if native is None:
                native = value
            elif native % 10 == 0 and value < 10 and native >= 10:
                native += value
            else:
                return None
    if pos != len(s):
        return None
    number = total + section + (cur or 0.0) + (native or 0)
    if not number < MAX_NUMBER:
        return None  # a run of 16+ digits (or inf, nan) is no amount a citizen means: an id, a paste, a key held down
    return _as_number(number)


def _is_numeral(tokens: list[Token], i: int) -> bool:
    t = tokens[i]
    if t.tag in ("SN", "NR"):
        return True
    return (
        t.tag == "MM"
        and t.text in _NATIVE_DETERMINERS
        and i + 1 < len(tokens)
        and tokens[i + 1].tag == "NNB"
        and tokens[i + 1].text != "세"  # "세 세" is not a thing; 세 as a counter follows digits
    )


def _blank(gap: str) -> bool:
    """Only spaces: ASCII, no-break, full-width or zero-width (U+200B is no ``str.isspace`` character)."""
    return fold(gap).strip() == ""


#: Native tens and units, and Sino-Korean digits, that a spoken number says apart: "일흔 둘" (72), "서른 다섯 살", "칠십 이
#: 살" (speech-to-text writes the words apart; s44 probe: "일흔 둘" was read as 70 and 2).
_NATIVE_TENS = frozenset({"열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔"})
_NATIVE_UNITS = frozenset({"하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉", "한", "두", "세", "네"})
_SINO_DIGITS = frozenset({"일", "이", "삼", "사", "오", "육", "칠", "팔", "구"})


def _joinable(text: str, prev: Token, nxt: Token) -> bool:
    """May ``nxt`` continue the numeral ending with ``prev``? Adjacent, or after a space (any kind) next to a 만/억/조:
    "3억 5천만", "5 만원" (50,000 won, not 5 and 10,000), "100\u00a0만 원"; or a unit after its tens, said apart:
    "일흔 둘", "칠십 이"."""
    if nxt.start == prev.end:
        return True
    gap = text[prev.end : nxt.start]
    if not _blank(gap) or len(gap) > 2:
        return False
    if prev.text in _NATIVE_TENS and nxt.text in _NATIVE_UNITS or prev.text.endswith("십") and nxt.text in _SINO_DIGITS \
            and nxt.tag == "NR":
        return True
    big_side = prev.text[-1:] in _BIG or nxt.text[:1] in _BIG
    return big_side and nxt.tag in ("SN", "NR")


#: A word that says what a number counts, right after it ("3명", "두 분", "4 kids", "2 times"): the ``number`` entity
#: then carries ``additional_info["counted"]`` (the word), and the dialogue never reads it as an age or a percentage
#: (s45 probe: "3명" at the age question was kept as age 3, "I meant 4 kids" at the income question as 4 %).
COUNTED_AFTER = re.compile(
    r"\s*(명|인(?![가-힣])|개(?![가-힣])|가구|세대|마리|번(?![지호])|회(?![가-힣])|차례|장(?![가-힣])|권|"
    r"채|곳|군데|kids?\b|children\b|child\b|people\b|persons?\b|members?\b|times\b|sons?\b|daughters?\b|babies\b|"
    r"grandchildren\b)", re.I)

#: A minus said before a number: "-5살", "마이너스 5살" (an age below zero is said to be one, not read as 5).
_MINUS_BEFORE = re.compile(r"(?:(?<![0-9A-Za-z가-힣.])[-−–]|마이너스\s?)$")


def _next_word(tokens: list[Token], j: int, text: str, end: int) -> Token | None:
    """The token at ``j`` if it follows ``end`` after at most one space (any kind: "65\u200b세" is 65세)."""
    if j < len(tokens) and tokens[j].start >= end and _blank(text[end : tokens[j].start]) and tokens[j].start - end <= 1:
        return tokens[j]
    return None


class NumberExtractor:
    """Numbers, KRW amounts and ages from a tokenised message.

    Entities (Duckling's names where Duckling has the dimension):

    * ``number``: ``int``/``float`` value ("삼십오" → 35, "1,200" → 1200).
    * ``amount-of-money``: ``int`` KRW ("3억 5천만원" → 350000000, "5천원",
      "₩5,000", "5,000 won", "KRW 5000").
    * ``age``: years ("만 65세", "65살", "칠십세", "일흔 살" → 70, "나이는 70",
      "65 years old", "70-year-old", "70 years of age", "aged 65", "I'm 70");
      the span includes "만" (full age) when present. ``additional_info``:
      ``{"value", "unit": "year", "valid"}``; an age over :data:`MAX_AGE` or
      not whole ("200살") is still ``age`` with ``valid: False`` and
      ``reason: "out_of_range"``, so the dialogue's validator can say so.
      Not ages: "70%", "70 dollars", "I'm 70% sure", "2070년".

    Example:
        >>> text = "3억 5천만원"
        >>> [(s.entity, s.value) for s in NumberExtractor().extract(text, KoreanTokenizer().tokenize(text))]
        [('amount-of-money', 350000000)]
    """

    name = EXTRACTOR

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Number, money and age spans (``extractor="duckling-like"``, ``confidence=1.0``)."""
        out: list[EntitySpan] = []
        key = fold(text)
        i = 0
        while i < len(tokens):
            if not _is_numeral(tokens, i):
                i += 1
                continue
            j = i + 1
            while j < len(tokens) and _is_numeral(tokens, j) and _joinable(text, tokens[j - 1], tokens[j]):
                j += 1
            start, end = tokens[i].start, max(t.end for t in tokens[i:j])
            while end - start > 1 and text[end - 1] in ".,":  # Kiwi keeps a sentence's full stop on digits: "I'm 70."
                end -= 1
            value = parse_korean_number(text[start:end])
            if value is not None and (minus := _MINUS_BEFORE.search(text, 0, start)) is not None:
                value, start = -value, minus.start()
            if value is not None:
                scale = _EN_SCALE_AFTER.match(key, end) if text[start:end].isascii() else None
                if scale is not None:  # "1.5 million won": digits with an English scale word
                    value = _as_number(round(value * _EN_SCALES[scale.group("w")], 6))
                    end = scale.end()
                    j = next((k for k in range(j, len(tokens)) if tokens[k].start >= end), len(tokens))
                out.append(self._classify(text, key, tokens, i, j, start, end, value))
            i = j
        return out

    def _classify(
        self, text: str, key: str, tokens: list[Token], i: int, j: int, start: int, end: int, value: int | float
    ) -> EntitySpan:
        nxt = _next_word(tokens, j, text, end)
        entity = NUMBER
        percent = PERCENT_AFTER.match(key, end)
        if percent is not None:
            return EntitySpan(PERCENT, start, percent.end(), text[start : percent.end()], value, extractor=self.name,
                              confidence=1.0, additional_info={"value": value, "unit": "percent"})
        if nxt is not None and nxt.text in _MONEY_COUNTERS and nxt.tag.startswith("NN"):
            entity, end, value = MONEY, nxt.end, round(value)
        elif nxt is not None and nxt.tag == "SL" and nxt.text in ("won", "krw"):
            entity, end, value = MONEY, nxt.end, round(value)
        elif nxt is not None and nxt.text in _AGE_COUNTERS and nxt.tag == "NNB":
            entity, end = AGE, nxt.end
            prev = tokens[i - 1] if i > 0 else None
            if prev is not None and prev.text == "만" and _blank(text[prev.end : start]) and start - prev.end <= 1:
                start = prev.start
        elif self._korean_age_noun_before(text, tokens, i, start):
            entity = AGE
        else:
            after = _EN_AGE_AFTER.match(key[end:])
            before = re.search(r"\bkrw\s*$|[₩￦]\s*$", key[:start])
            cue = _EN_AGE_BEFORE.search(key[:start])
            bounded_cue = cue is None and _EN_AGE_BEFORE_BOUND.search(key[max(0, start - 80) : start]) is not None
            if after:
                entity, end = AGE, end + after.end()
            elif before:
                entity, start, value = MONEY, before.start(), round(value)
            elif cue and not _NOT_AGE_AFTER.match(key[end:]):
                entity = AGE
                if cue.group(0).strip().startswith("age"):
                    start = cue.start()  # "aged 65" is the entity's text, as before
            elif bounded_cue and not _NOT_AGE_AFTER.match(key[end:]):
                entity = AGE  # "aged over 65": the bound word before the number makes it an interval (open_ranges)
        info = None
        if entity == NUMBER and (counted := COUNTED_AFTER.match(text, end)) is not None:
            info = {"value": value, "counted": counted.group(1).lower()}
        if entity == AGE:
            valid = 0 <= value <= MAX_AGE and float(value).is_integer()
            info = {"value": value, "unit": "year", "valid": valid}
            if not valid:
                info.update(reason="out_of_range", max=MAX_AGE)
        return EntitySpan(
            entity=entity,
            start=start,
            end=end,
            text=text[start:end],
            value=int(value) if entity == MONEY else value,
            extractor=self.name,
            confidence=1.0,
            additional_info=info,
        )

    @staticmethod
    def _korean_age_noun_before(text: str, tokens: list[Token], i: int, start: int) -> bool:
        """True after 나이/연세/연령, optionally with a particle ("나이는 70", "제 나이 일흔")."""
        j = i - 1
        if j >= 0 and tokens[j].tag.startswith("J"):
            j -= 1
        if j < 0 or tokens[j].text not in _AGE_NOUNS or not tokens[j].tag.startswith("NN"):
            return False
        return text[tokens[j].end : start].strip() == "" or tokens[j + 1].tag.startswith("J") and start - tokens[j].end <= 3
