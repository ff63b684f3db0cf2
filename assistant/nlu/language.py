"""Language detection for Korean and English messages.

Own code rather than a library (langdetect, fastText lid): the assistant only
needs to tell Korean from English, and a count of words by script does that in
microseconds, with no model to ship (a language identifier trained on sentences
reads a two-word mixed message no better, and would be one more model).

Words, not letters, are counted: one Korean word (a place, a service name,
"해운대구", "기초연금") written inside an English sentence is one word against
the sentence's several, where counting letters made its Hangul syllables
outweigh the English ("I'm 67 and live in 해운대구" read as Korean: 4 syllables
against 11 letters passed the old 20 % share). Citizens also write English terms
inside Korean ("HPV 예방접종 무료인가요", "KTX 할인"): an acronym (two or more
capitals) counts for neither language.

Codes count for neither language either: a receipt or case number quoted in a Korean message
("TK-20261201-7V6P51E1 취소해 주세요") is a run of letters mixed with digits, and its letters read as four English
words (TK, V, P, E) outweighed the Korean ones, so the reply came in English whenever the random part held enough
letters (CI, session 10). A whitespace token with both a digit and a Latin letter is a code unless it is a number
with a short lowercase suffix ("3rd", "10am", "20s"), which is English.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["ko", "en"]


def _is_hangul(ch: str) -> bool:
    code = ord(ch)
    return (
        0xAC00 <= code <= 0xD7A3  # syllables
        or 0x1100 <= code <= 0x11FF  # jamo
        or 0x3130 <= code <= 0x318F  # compatibility jamo (ㅋㅋ, ㅎㅇ)
    )


#: English function words: a message with as many English as Korean words is English when one of these is among
#: them ("What about 해운대구 출산지원금?"); English nouns in a Korean message ("Hi 안녕하세요") are not.
ENGLISH_FUNCTION_WORDS = frozenset({
    "i", "i'm", "im", "i've", "i'd", "my", "me", "we", "our", "you", "your", "he", "she", "his", "her", "they", "their",
    "it", "is", "are", "am", "was", "were", "be", "do", "does", "did", "can", "could", "will", "would", "should",
    "may", "the", "a", "an", "this", "that", "what", "which", "who", "how", "when", "where", "why", "there", "in",
    "on", "at", "for", "to", "of", "from", "with", "about", "and", "or", "but", "not", "if", "live", "lives",
})
_WORD = re.compile(r"[A-Za-z'’\u1100-\u11FF\u3130-\u318F\uAC00-\uD7A3]+")
_ACRONYM = re.compile(r"[A-Z]{2,}s?")
#: A whitespace-delimited token holding both a digit and a Latin letter: a code (receipt, case, model number).
_CODE = re.compile(r"\S*(?:\d\S*[A-Za-z]|[A-Za-z]\S*\d)\S*")
#: ... unless it is a number with a short lowercase English suffix: ordinals, times, decades, units ("3rd", "10am").
_NUMBER_WITH_SUFFIX = re.compile(r"\d+(?:st|nd|rd|th|am|pm|s|km|kg|m|h)")
_LATIN = re.compile(r"[A-Za-z]")


def _without_codes(text: str) -> str:
    """``text`` with the Latin letters of its codes blanked (a code's Hangul, as in "TK-…-1234로", still counts)."""

    def blank(m: re.Match[str]) -> str:
        core = m.group().strip(".,!?;:()[]{}\"'’“”")
        if _NUMBER_WITH_SUFFIX.fullmatch(core):
            return m.group()
        return _LATIN.sub(" ", m.group())

    return _CODE.sub(blank, text)


def detect_language(text: str, default: Language = "ko") -> Language:
    """Return ``"ko"`` or ``"en"`` for a message: the language of more of its words.

    A word is a run of Latin letters (with in-word apostrophes: "I'm") or of Hangul; a word with any Hangul is
    Korean ("Seoul에"). Acronyms ("HPV", "KTX", "LHs") and codes
    (a token with both digits and Latin letters, "TK-20261201-7V6P51E1", but not "3rd" or "10am") count for neither
    language (see the module docstring).

    Args:
        text: the user message, any length (the first 2,000 characters are read).
        default: returned when the text has no letters at all (emoji, digits), and when it has as many Korean as
            English words and none of them is an English function word (:data:`ENGLISH_FUNCTION_WORDS`): the
            caller passes the conversation's or the page's language.

    Returns:
        ``"ko"`` when more words are Korean, ``"en"`` when more are English; on a tie ``"en"`` when an English
        function word is among them, else ``default``. Only acronyms among Latin words and no Hangul: ``default``.

    Example:
        >>> detect_language("에너지바우처 신청 방법")
        'ko'
        >>> detect_language("How do I apply for the energy voucher?")
        'en'
        >>> detect_language("I'm 67 and live in 해운대구")
        'en'
        >>> detect_language("HPV 예방접종 무료인가요")
        'ko'
        >>> detect_language("TK-20261201-7V6P51E1 취소해 주세요")
        'ko'
    """
    korean = english = 0
    function_word = False
    for m in _WORD.finditer(_without_codes(text[:2000])):
        word = m.group().strip("'’")
        if not word:
            continue
        if any(_is_hangul(ch) for ch in word):
            korean += 1
        elif not _ACRONYM.fullmatch(word):
            english += 1
            function_word = function_word or word.lower().replace("’", "'") in ENGLISH_FUNCTION_WORDS
    if korean > english:
        return "ko"
    if english > korean:
        return "en"
    if korean and function_word:
        return "en"
    return default
