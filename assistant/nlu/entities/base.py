"""Building blocks shared by the entity extractors.

* :class:`EntityExtractor`: the protocol every extractor follows.
* :class:`PiiEntitySpan`: an :class:`~assistant.nlu.types.EntitySpan` whose
  ``repr``/``str`` never show the text or value (resident registration and
  phone numbers must not reach logs).
* :func:`safe_text`: a same-length copy of a message that Kiwi accepts.
* :func:`analyse`: tokens for a message, window by window when it is long (:func:`windows`).
* Morpheme-boundary helpers: :func:`boundaries`, :func:`trim_span`; :func:`fold` (same-length matching key).
* :class:`DisjointSpans`: the spans kept by a longest-first overlap rule.

Why morphemes decide boundaries: Korean attaches particles (조사, tags
``JK*``/``JX``/``JC``), endings (어미, ``E*``), the copula (``VCP``) and verb-
or adjective-forming suffixes (``XSV``/``XSA``: 신청*하*다) directly to the word,
so "강남구에서" is one space-delimited word but two morphemes. Kiwi knows the
closed classes and their allomorphs (으로/로, 이/가, 은/는 ...), which a
hand list of particle strings gets wrong on words ending in 이/도/만 ("주민이",
"서울시도" ...). Noun-forming suffixes (``XSN``: 들, 님, 시, 구) stay inside
entities: they are part of the name ("서울시", "강남구").
"""

from __future__ import annotations

import bisect
import logging
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from assistant.nlu.tokenizer import KoreanTokenizer, Token
from assistant.nlu.types import EntitySpan

logger = logging.getLogger(__name__)

#: Morpheme tags that may end a word but never end an entity: particles,
#: endings, copula, predicate-forming suffixes, punctuation and symbols.
_TRAILING_FUNCTION_PREFIXES = ("J", "E", "XSV", "XSA", "XSM", "VCP", "SF", "SP", "SS", "SE", "SO", "SW", "W_EMOJI")

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

#: Unit signs Kiwi tags SW (symbol) that belong to the number they follow without a space ("50%" is the percentage,
#: not "50" plus punctuation); :func:`trim_span` keeps them.
_UNIT_SIGNS = frozenset({"%", "％", "‰", "℃", "°"})

#: Longest text handed to Kiwi in one call (characters). A longer message is cut into windows of at most this
#: size, at a space where there is one, and every window is analysed; see :func:`analyse`.
DEFAULT_MAX_ANALYSED_CHARS = 1000
#: Most characters of one message analysed in all (5 x the server's default ``max_message_chars``, 4,000): beyond
#: it, the first and last halves of this many are analysed and the middle is not (the cost bound of a turn).
DEFAULT_MAX_TOTAL_ANALYSED_CHARS = 20_000
#: Where a window may end: after white space (a word is never cut where the window has a space in its second half).
_SPACES = frozenset(" \t\n\r\u3000\u00a0")


class EntityExtractor(Protocol):
    """Finds entities in a message.

    ``extract`` returns spans whose ``start``/``end`` are offsets into ``text``
    with ``text[start:end] == span.text``; ``tokens`` are the message's
    tokens from :class:`~assistant.nlu.tokenizer.KoreanTokenizer` (possibly
    only for windows of a long message; see :func:`analyse`).
    """

    name: str

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Entities in ``text``, in any order; never raises on odd text."""
        ...


@dataclass(frozen=True, repr=False)
class PiiEntitySpan(EntitySpan):
    """An entity that is personal data: its text and value never appear in ``repr``/``str``.

    ``to_json`` still returns them (the parse API answers the citizen's own
    message); mask before logging anything derived from ``to_json``.
    """

    pii: bool = field(default=True)

    def __repr__(self) -> str:
        return f"PiiEntitySpan(entity={self.entity!r}, start={self.start}, end={self.end}, text='***', extractor={self.extractor!r})"

    __str__ = __repr__


class DisjointSpans:
    """Non-overlapping ``[start, end)`` spans, sorted, with an overlap test in O(log n).

    The overlap rules keep candidates longest first and drop any that overlaps a kept one; a long message
    may hold thousands of candidates ("3시간 후 " repeated), so a scan of every kept span per candidate
    would be quadratic.

    Example:
        >>> kept = DisjointSpans()
        >>> kept.add(0, 5); kept.overlaps(4, 8), kept.overlaps(5, 8)
        (True, False)
    """

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` shares a character with a kept span."""
        i = bisect.bisect_left(self._starts, end)
        return i > 0 and self._ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        """Keep ``[start, end)``; the caller has checked :meth:`overlaps`."""
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def is_hangul(ch: str) -> bool:
    """True for Hangul syllables and jamo (compatibility jamo included)."""
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def safe_text(text: str) -> str:
    """A same-length copy of ``text`` that Kiwi accepts.

    Lone surrogates (possible in a Python ``str`` decoded with
    ``surrogateescape``) make Kiwi raise ``UnicodeDecodeError``; they become
    U+FFFD, one character for one, so offsets are unchanged.
    """
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def windows(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Consecutive ``(start, end)`` windows covering ``text`` (no gap, no overlap), each at most ``max_chars`` long.

    A window ends after the last white space of its second half when there is one, so no word is cut in two
    (an unbroken run longer than half a window is cut at the limit).

    Raises:
        InvalidInputError: ``max_chars`` < 2.
    """
    if max_chars < 2:
        from assistant.errors import InvalidInputError

        raise InvalidInputError(f"max_chars must be >= 2, got {max_chars}")
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + max_chars)
        if end < n:
            cut = next((i + 1 for i in range(end - 1, start + max_chars // 2 - 1, -1) if text[i] in _SPACES), None)
            end = cut if cut is not None else end
        out.append((start, end))
        start = end
    return out


def analyse(
    tokenizer: KoreanTokenizer,
    text: str,
    max_chars: int = DEFAULT_MAX_ANALYSED_CHARS,
    max_total_chars: int = DEFAULT_MAX_TOTAL_ANALYSED_CHARS,
) -> list[Token]:
    """Tokens of ``text`` with offsets into ``text``; a long message is analysed window by window.

    Kiwi's time grows faster than the length on unbroken runs (20,000 Hangul syllables without a space took
    0.76 s here), so no call gets more than ``max_chars`` characters: a longer message is cut into consecutive
    windows (:func:`windows`, at spaces) and each is tokenised, so extractors that need tokens see the WHOLE
    message (until session 8 only a head and a tail window were read, and a place, age or amount in the middle
    of a long message was lost). The total is bounded too: beyond ``max_total_chars`` only the first and last
    ``max_total_chars // 2`` characters are analysed (windowed the same way), and a warning is logged (lengths
    only, never the text); the regex-based PII detectors still scan the whole message.

    Args:
        tokenizer: the shared tokenizer (thread-safe).
        text: the original message.
        max_chars: the most characters in one tokeniser call (>= 2).
        max_total_chars: the most characters analysed in all (>= ``max_chars``).

    Returns:
        Tokens in text order; offsets index ``text``.
    """
    clean = safe_text(text)
    if len(clean) <= max_chars:
        return tokenizer.tokenize(clean)
    parts = [(0, len(clean))]
    if len(clean) > max(max_total_chars, max_chars):
        half = max(max_total_chars, max_chars) // 2
        parts = [(0, half), (len(clean) - half, len(clean))]
        logger.warning(
            "long message analysed in windows",
            extra={"stage": "nlu.entities", "chars": len(text), "analysed_chars": 2 * half},
        )
    tokens: list[Token] = []
    for lo, hi in parts:
        for start, end in windows(clean[lo:hi], max_chars):
            off = lo + start
            tokens += [Token(t.text, t.tag, t.start + off, t.end + off) for t in tokenizer.tokenize(clean[off : lo + end])]
    return tokens


def boundaries(tokens: list[Token]) -> tuple[set[int], set[int]]:
    """Morpheme boundaries: ``(starts, ends)`` offsets of the tokens."""
    return {t.start for t in tokens}, {t.end for t in tokens}


def is_function_tag(tag: str) -> bool:
    """True for tags that never end an entity (particles, endings, copula, punctuation ...)."""
    return tag.startswith(_TRAILING_FUNCTION_PREFIXES)


def trim_span(text: str, start: int, end: int, tokens: list[Token]) -> tuple[int, int]:
    """Shrink ``[start, end)`` so that it neither starts nor ends with function morphemes.

    Trailing particles, endings, the copula, predicate-forming suffixes and
    punctuation are cut ("강남구에서" → "강남구"), as are leading punctuation and
    surrounding spaces. Fused morphemes (Kiwi gives "할" as 하 + ᆯ래요 at the
    same offset) are handled by cutting only where a function morpheme starts
    after the last content morpheme began.

    Returns:
        The trimmed ``(start, end)``; ``(start, start)`` when nothing is left.
    """
    # tokens the span overlaps: one that straddles an edge ("Chungcheongbuk-do." is Kiwi's "do." as one token) is content
    # cut by the annotation, never a reason to cut the function morpheme before it (s15-fresh F5: "-do" was trimmed off)
    inside = [t for t in tokens if t.start < end and t.end > start and t.end > t.start]
    number_ends = {t.end for t in tokens if t.tag == "SN"}
    content = [t for t in inside if not is_function_tag(t.tag) or (t.text in _UNIT_SIGNS and t.start in number_ends)]
    if inside and content:
        first = min(t.start for t in content)
        last_content_start = max(t.start for t in content)
        cut = [t.start for t in inside if t not in content and t.start > last_content_start]
        new_end = min(cut) if cut else end
        new_end = max(new_end, max(t.end for t in content if t.start == last_content_start))
        start, end = max(start, first), min(end, new_end)
    elif inside and not content:
        return start, start
    while start < end and (text[start].isspace() or text[start] in _ZERO_WIDTH):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _ZERO_WIDTH):
        end -= 1
    return start, end


#: Apostrophes people type for McCune–Reischauer's ("Inch'ŏn", "Inch’ŏn", "Inchʼŏn"): one key.
_APOSTROPHES = frozenset("’‘ʼʻ`´′")


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in _ZERO_WIDTH or ch.isspace():
        return " "
    if ch in _APOSTROPHES:
        return "'"
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        n = ch
    low = n.lower()
    out = low if len(low) == 1 else n
    if not out.isascii():
        decomposed = unicodedata.normalize("NFKD", out)
        base, marks = decomposed[0], decomposed[1:]
        if marks and base.isascii() and base.isalpha() and all(unicodedata.combining(m) for m in marks):
            return base.lower()  # "ŏ" → "o", "é" → "e": a Latin letter without its diacritics (Hangul is left alone)
    return out


@lru_cache(maxsize=8)
def fold(text: str) -> str:
    """A same-length matching key: each character NFKC-normalised and lower-cased when that keeps it one character.

    Full-width Latin and digits become ASCII ("Ｓｅｏｕｌ６５" → "seoul65"), a Latin letter loses its
    diacritics ("Inchŏn" → "inchon"; a separate combining mark stays, and the lookup walk skips it), typographic
    apostrophes become "'", zero-width and other spaces become " ", everything else is kept, so
    offsets into the key are offsets into the original text. Cached for the
    last few messages, since every extractor folds the same message.
    """
    return "".join(map(_fold_char, text))
