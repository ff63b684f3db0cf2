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

E-mail addresses, URLs and domains count for neither language ("이메일은 hong.gildong@example.com 입니다" is Korean).
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
#: A whitespace-delimited token; it is a code (receipt, case, model number) when it holds both a digit and a Latin
#: letter (:func:`_without_codes`). Tested by two linear searches, not one pattern: ``\S*(?:\d\S*[A-Za-z]|…)\S*``
#: backtracked on a long token holding no digit (2,000 letters without a space: 16 s, blocking every conversation;
#: s35 fresh-user probe).
_TOKEN = re.compile(r"\S+")
#: An e-mail address, a URL or a bare domain ("hong.gildong@example.com", "https://www.bokjiro.go.kr", "gov.kr"): its
#: letters count for neither language (s35 probe: "이메일은 hong.gildong@example.com 입니다" was answered in English).
_ADDRESS_LIKE = re.compile(r"@|://|^www\.|^[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?:/\S*)?$")
_DIGIT = re.compile(r"\d")
#: ... unless it is a number with a short lowercase English suffix: ordinals, times, decades, units ("3rd", "10am").
_NUMBER_WITH_SUFFIX = re.compile(r"\d+(?:st|nd|rd|th|am|pm|s|km|kg|m|h)")
_LATIN = re.compile(r"[A-Za-z]")


def _without_codes(text: str) -> str:
    """``text`` with the Latin letters of its codes blanked (a code's Hangul, as in "TK-…-1234로", still counts)."""

    def blank(m: re.Match[str]) -> str:
        token = m.group()
        core = token.strip(".,!?;:()[]{}\"'’“”")
        if _ADDRESS_LIKE.search(core):
            return _LATIN.sub(" ", token)  # an e-mail address, a URL or a domain is in no language
        if not (_DIGIT.search(token) and _LATIN.search(token)):
            return token  # no code
        if _NUMBER_WITH_SUFFIX.fullmatch(core):
            return token
        return _LATIN.sub(" ", token)

    return _TOKEN.sub(blank, text)


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


_NAMES = {"english": "en", "korean": "ko", "영어": "en", "한국어": "ko", "한국말": "ko", "한글": "ko"}
#: "English please", "in English", "Can you tell me in English?", "Could you answer in Korean, please?", "Speak
#: English", "Do you speak English?", "English version please"
_ENGLISH_REQUEST = re.compile(
    r"(?:(?:can|could|would|will)\s+you\s+|do\s+you\s+|please\s+|i\s+(?:want|need|prefer)\s+(?:it\s+)?)*"
    r"(?:(?:tell|say|explain|answer|reply|write|speak|talk|respond|show|give|repeat)(?:\s+(?:to\s+)?(?:me|it|that|this|us))?\s+)?"
    r"(?:(?:it|that|this|the\s+answer)\s+)?(?:in\s+)?(english|korean)(?:\s+(?:language|version|answer))?(?:\s+please)?")
#: "영어로", "영어로요", "영어로 알려 주세요", "한국어로 해 줘", "영어로 설명해 주실 수 있나요", "영어 가능해요?"
_KOREAN_REQUEST = re.compile(
    r"(?:혹시|좀|다시)?\s*(영어|한국어|한국말|한글)(?:로\s*(?:는|요|좀|다시)?\s*"
    r"(?:(?:해|말해|알려|설명해|대답해|답해|안내해|바꿔|써|보여)\s*)?"
    r"(?:주세요|주십시오|줘요|줘|주실래요|주시겠어요|줄래요|줄래|주실\s*수\s*있(?:나요|어요|을까요)|주라|요|부탁(?:해요|드려요|합니다)?)?"
    r"|\s*(?:가능해요|가능한가요|가능하세요|돼요|되나요|되요|할\s*줄\s*아세요|하세요|해요))")
_FILLER = re.compile(r"[\s?.!~,]+")


def short_request_key(text: str) -> str:
    """``text`` lower-cased, each run of spaces and sentence punctuation (``?.!~,``) one space, stripped: the form
    in which the whole-message readers of short requests (:func:`requested_language`,
    :func:`assistant.dialogue.bot_challenge.asks_if_bot`) match their patterns.

    >>> short_request_key("  English, please!! ")
    'english please'
    """
    return _FILLER.sub(" ", (text or "").lower()).strip()


def requested_language(text: str) -> Language | None:
    """The language a message asks the assistant to speak, when it is nothing but that request, else None: the
    turn is then in that language whatever its own words are (:mod:`assistant.dialogue.language_switch`).

    >>> requested_language("English please"), requested_language("Can you tell me in English?")
    ('en', 'en')
    >>> requested_language("영어로 알려 주세요"), requested_language("한국어로 해 주세요"), requested_language("Korean please")
    ('en', 'ko', 'ko')
    >>> requested_language("How do I apply for the energy voucher?"), requested_language("영어 학원비 지원 있나요?")
    (None, None)
    """
    t = short_request_key(text)
    if not t or len(t) > 60:
        return None
    m = _ENGLISH_REQUEST.fullmatch(t) or _KOREAN_REQUEST.fullmatch(t)
    if m is None:
        return None
    name = _NAMES[m.group(1)]
    return "en" if name == "en" else "ko"
