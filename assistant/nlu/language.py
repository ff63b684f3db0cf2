"""Language detection for Korean and English messages.

Own code rather than a library (langdetect, fastText lid): the assistant only
needs to tell Korean from English, and a script count does that exactly and in
microseconds, with no model to ship. Hangul in the message decides Korean
(citizens mix English words into Korean, rarely the reverse).
"""

from __future__ import annotations

from typing import Literal

Language = Literal["ko", "en"]


def _is_hangul(ch: str) -> bool:
    code = ord(ch)
    return (
        0xAC00 <= code <= 0xD7A3  # syllables
        or 0x1100 <= code <= 0x11FF  # jamo
        or 0x3130 <= code <= 0x318F  # compatibility jamo (ㅋㅋ, ㅎㅇ)
    )


def detect_language(text: str, default: Language = "ko") -> Language:
    """Return ``"ko"`` or ``"en"`` for a message.

    Args:
        text: the user message, any length.
        default: returned when the text has no letters at all (emoji, digits).

    Returns:
        ``"ko"`` when Hangul makes up at least 20 % of the letters, ``"en"``
        when there are Latin letters and less Hangul, else ``default``.

    Example:
        >>> detect_language("에너지바우처 신청 방법")
        'ko'
        >>> detect_language("How do I apply for the energy voucher?")
        'en'
    """
    hangul = latin = 0
    for ch in text[:2000]:
        if _is_hangul(ch):
            hangul += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if hangul == 0 and latin == 0:
        return default
    if hangul >= 0.2 * (hangul + latin):
        return "ko"
    return "en"
