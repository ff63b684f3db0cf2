"""Tokenizers: Korean morphemes through kiwipiepy, English words, with offsets.

Every :class:`Token` carries ``start``/``end`` offsets into the ORIGINAL text,
so ``text[token.start:token.end]`` is the surface the token came from.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from kiwipiepy import Kiwi

#: Kiwi (Sejong) tags kept as content terms for lexical search: nouns, verb and
#: adjective stems, roots, foreign words, numbers, Hanja.
CONTENT_TAGS = frozenset(
    {"NNG", "NNP", "NNB", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "MAG", "VV-R", "VA-R", "VV-I", "VA-I"}
)
#: Function-like nouns and stems that carry no topic ("데": Kiwi reads the connective ending of "구하는데", "아픈데" as
#: 는/ETM + 데/NNB, so a colloquial question held a term no page answers to; s41, "전세 구하는데 도움 받을 수 있나요").
_STOP_FORMS = frozenset({"수", "것", "거", "데", "등", "때", "하", "있", "없", "되", "받", "이", "그", "저", "좀", "어떻", "어떡하"})
_EN_STOP = frozenset(
    "a an the of to for in on at by and or is are am was be do does did i me my you your we our it this that "
    "what how can could would should will with from about there any get have has as if so".split()
)
_WORD_RE = re.compile(r"[A-Za-z0-9]+")
#: Hangul syllables and jamo (compatibility, extended A/B).
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]")
#: Latin letters: ASCII, Latin-1 and Extended-A/B (McCune–Reischauer ŏ, ŭ), Extended Additional, full-width.
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]")
_NON_SPACE_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class Token:
    """One token: its normalised form, tag and offsets into the original text.

    Attributes:
        text: the form used for matching (lower-cased Latin; Korean morpheme base).
        tag: the kiwipiepy part-of-speech tag (``SL`` for Latin words).
        start: offset of the first character in the original text.
        end: offset one past the last character.
    """

    text: str
    tag: str
    start: int
    end: int


class Tokenizer(Protocol):
    """Turns text into tokens with offsets."""

    def tokenize(self, text: str) -> list[Token]:
        """Return the tokens of ``text`` in order."""
        ...


def normalize_spaces(text: str) -> str:
    """Replace zero-width, non-breaking and full-width spaces by plain spaces, keeping length.

    Lone surrogates (possible in a ``str`` decoded with ``surrogateescape``)
    become U+FFFD: Kiwi raises ``UnicodeDecodeError`` on them.
    Offsets stay valid because each such character maps to exactly one character.
    """
    out = []
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")
        elif ch in "\u200b\u200c\u200d\u2060\ufeff":
            out.append(" ")
        elif ch.isspace() or unicodedata.category(ch) == "Zs":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def script_views(text: str) -> tuple[str, str] | None:
    """The Korean and the Latin part of a mixed-script text, each as long as ``text`` (the rest blanked).

    Kiwi reads Hangul differently after Latin words: in "Can I get the 난임부부 시술비 지원?" it takes 난임부부 as one
    noun and in "What is 난임부부 시술비?" 시술비 too, where the Korean phrase alone gives 난임 + 부부, 시술 + 비 (kiwipiepy
    0.24). So a mixed text is analysed as two texts of its own length: the Korean view keeps every space-separated
    word that holds Hangul or no Latin letter (a particle attached to a Latin word, "KTX를", stays Korean; so do
    digits, Hanja and punctuation on their own) and blanks the Latin words, so Korean words keep their Korean
    context ("저는 IVF 시술 받았어요" → "저는 ... 시술 받았어요"); the Latin view holds only the Latin words. Blanks
    are spaces, so offsets into either view are offsets into ``text``.

    Args:
        text: text whose whitespace is plain spaces (:func:`normalize_spaces`).

    Returns:
        ``(korean_view, latin_view)``, or None when ``text`` is not mixed (no Hangul word or no Latin word): it is
        analysed whole.

    Example:
        >>> script_views("Can I get the 난임부부?")
        ('              난임부부?', 'Can I get the      ')
    """
    if not _HANGUL_RE.search(text) or not _LATIN_RE.search(text):
        return None
    korean = list(text)
    latin = [" "] * len(text)
    any_latin = False
    for m in _NON_SPACE_RE.finditer(text):
        word = m.group()
        if _LATIN_RE.search(word) and not _HANGUL_RE.search(word):
            any_latin = True
            korean[m.start() : m.end()] = " " * len(word)
            latin[m.start() : m.end()] = word
    return ("".join(korean), "".join(latin)) if any_latin else None


#: Serialises every use of the shared Kiwi: its thread safety is not documented.
_KIWI_LOCK = threading.Lock()
_KIWI: Kiwi | None = None


def shared_kiwi() -> Kiwi:
    """The process's one kiwipiepy model, loaded on the first call (thread-safe; later calls return it at once).

    Loading a ``Kiwi()`` and its first analysis (which builds the model's search tables lazily) cost about 4 s of CPU
    with kiwipiepy 0.24 on the 2-core machine; nothing here changes a Kiwi after loading (no user words), so every
    :class:`KoreanTokenizer` reads the same one instead of paying that again. Callers hold ``_KIWI_LOCK`` while they
    use it (as :meth:`KoreanTokenizer.tokenize` does).

    Returns:
        the loaded, warmed ``kiwipiepy.Kiwi``.
    """
    global _KIWI
    if _KIWI is None:
        with _KIWI_LOCK:
            if _KIWI is None:
                kiwi = Kiwi()
                kiwi.tokenize("가")  # the first analysis builds the search tables: pay it here, not in a request
                _KIWI = kiwi
    return _KIWI


class KoreanTokenizer:
    """Korean and mixed-language tokenizer over kiwipiepy.

    Kiwi splits run-together Hangul ("기초연금신청자격" → 기초/연금/신청/자격)
    and tags Latin words ``SL``, so one tokenizer serves both languages. In a
    text mixing Hangul words and Latin words the two are analysed apart
    (:func:`script_views`), so a Korean term reads the same inside an English
    sentence as in a Korean one.
    The Kiwi model loads lazily in :meth:`warm_up` (about 4 s, once per process: :func:`shared_kiwi`).

    Example:
        >>> tok = KoreanTokenizer()
        >>> [t.text for t in tok.tokenize("강남구에서 신청")]
        ['강남구', '에서', '신청']
    """

    def __init__(self) -> None:
        self._kiwi: Kiwi | None = None
        #: Every tokenizer of the process shares one Kiwi (:func:`shared_kiwi`), so they share its lock too.
        self._lock = _KIWI_LOCK

    def warm_up(self) -> None:
        """Load the Kiwi model (idempotent; the process's one model, :func:`shared_kiwi`)."""
        if self._kiwi is None:
            self._kiwi = shared_kiwi()

    def tokenize(self, text: str) -> list[Token]:
        """Return morphemes with offsets into ``text``.

        Args:
            text: any string; empty gives ``[]``.

        Returns:
            Tokens in text order; Latin words are lower-cased in ``Token.text``.
        """
        self.warm_up()
        assert self._kiwi is not None
        if not text.strip():
            return []
        clean = normalize_spaces(text)
        views = script_views(clean)
        tokens = []
        with self._lock:  # one Kiwi instance serves all request threads; thread safety is not documented
            analysed = [t for v in views or (clean,) if v.strip() for t in self._kiwi.tokenize(v)]
        for t in sorted(analysed, key=lambda t: t.start) if views else analysed:
            form = t.form.lower() if t.tag == "SL" else t.form
            tokens.append(Token(form, t.tag, t.start, t.start + t.len))
        return mend_final_periods(tokens)

    def tokenize_many(self, texts: list[str]) -> list[list[Token]]:
        """Tokenize a batch (same result as calling :meth:`tokenize` on each)."""
        return [self.tokenize(t) for t in texts]


def mend_final_periods(tokens: list[Token]) -> list[Token]:
    """Kiwi's tokens with a sentence's full stop taken off the Latin word or number it ends on.

    kiwipiepy (0.24) reads a Latin word followed by a full stop as an abbreviation and often splits it in two:
    "over the winter." gives ``win`` + ``ter.``, "expensive." ``expe`` + ``nsive.``, "benefits." ``benef`` + ``its.``,
    and "65." is one number ``65.``; followed by "?", "!" or "," the same words come out whole. So an English
    question's last word never matched the glossary's or the catalogue's spelling of it. Here touching Latin pieces
    are joined again (Kiwi gives two ``SL`` tokens with no gap only in this case) and a final "." comes off a Latin
    word or number as its own ``SF`` token, unless the word is a dotted abbreviation ("U.S.", "a.m.", "e.g."), whose
    other dots show it.

    Args:
        tokens: tokens in text order, offsets into one text (as :meth:`KoreanTokenizer.tokenize` builds them).

    Returns:
        The mended tokens, offsets still into the same text (``text[start:end]`` is each token's surface).
    """
    joined: list[Token] = []
    for t in tokens:
        prev = joined[-1] if joined else None
        if t.tag == "SL" and prev is not None and prev.tag == "SL" and prev.end == t.start:
            joined[-1] = Token(prev.text + t.text, "SL", prev.start, t.end)
        else:
            joined.append(t)
    out: list[Token] = []
    for t in joined:
        body = t.text[:-1]
        if t.tag in ("SL", "SN") and t.text.endswith(".") and body and "." not in body:
            out.append(Token(body, t.tag, t.start, t.end - 1))
            out.append(Token(".", "SF", t.end - 1, t.end))
        else:
            out.append(t)
    return out


def lexical_terms(tokens: list[Token], bigrams: bool = True) -> list[str]:
    """Content terms of a token list, for BM25 and term overlap.

    Keeps nouns, stems, roots, Latin words and numbers; drops particles,
    endings, punctuation, stop words and pronouns (``NP``: 우리, 저희, 뭐, 울; they name no topic). "인" read as a
    noun right after a number is the copula of "70인데" (Kiwi: 70/SN 인/NNG 데/NNB) and is dropped too. Compound nouns of three or more
    syllables also contribute their syllable bigrams, so an unsplit compound
    or a typo ("에너지바우쳐신청") still shares terms with the right document
    (``bigrams=False``: without them, e.g. for a synonym that must weigh what the word it stands for weighs).

    Returns:
        Terms in order, with repeats (BM25 counts term frequency).
    """
    terms: list[str] = []
    prev: Token | None = None
    for t in tokens:
        after, prev = prev, t
        if t.tag not in CONTENT_TAGS:
            continue
        form = t.text
        if form == "인" and after is not None and after.tag == "SN" and after.end == t.start:
            continue
        if t.tag == "SL":
            if form in _EN_STOP or len(form) < 2:
                continue
            terms.append(form)
            continue
        if form in _STOP_FORMS:
            continue
        terms.append(form)
        if bigrams and t.tag in ("NNG", "NNP") and len(form) >= 3:
            terms.extend(form[i : i + 2] for i in range(len(form) - 1))
    return terms
