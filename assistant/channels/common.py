"""What the messaging and phone channels share: secret checks, citations as text, text splitting.

The channel adapters (:mod:`~assistant.channels.kakao`, :mod:`~assistant.channels.voice`,
:mod:`~assistant.channels.telegram`) turn a platform's request into a
:class:`~assistant.dialogue.messages.UserMessage` and the engine's
:class:`~assistant.dialogue.messages.BotMessage` s into the platform's reply; the HTTP routes that call them are in
:mod:`assistant.channels.webhooks`.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.dialogue.messages import BotMessage

#: The holding reply of a channel that cannot push (no bot token / Event API, no Kakao callback): the answer is kept
#: and comes in front of the conversation's next reply, so the citizen is told to send a message.
NEXT_MESSAGE_HOLDING = {
    "ko": "답변을 준비하는 데 시간이 조금 걸리고 있어요. 잠시 뒤 아무 메시지나 보내 주시면 그 답장 앞에 답변을 함께 보내 드릴게요.",
    "en": "The answer is taking a little longer. Send me any message in a moment and the answer will come with my reply.",
}


def same_secret(given: str | None, expected: str) -> bool:
    """Whether ``given`` equals ``expected``, compared in constant time (no timing hint about the secret).

    Example:
        >>> same_secret("s3cret", "s3cret"), same_secret(None, "s3cret"), same_secret("s3cre", "s3cret")
        (True, False, False)
    """
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def citations_of(messages: Sequence[BotMessage]) -> list[dict[str, Any]]:
    """The distinct citations (``custom.citations`` items: ``title``, ``agency``, ``url`` ...) of ``messages``, in
    order, one per URL (or per title when there is no URL)."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for m in messages:
        for c in m.custom.get("citations") or []:
            if not isinstance(c, dict):
                continue
            key = str(c.get("url") or c.get("title") or "")
            if key and key not in seen:
                seen.add(key)
                out.append(c)
    return out


def source_line(citations: Sequence[dict[str, Any]], language: str, limit: int = 2) -> str:
    """A short written source line: ``출처: <title> <url>`` (``Source:`` in English), at most ``limit`` sources.

    Returns ``""`` when there is no citation.

    Example:
        >>> source_line([{"title": "에너지바우처", "url": "https://www.gov.kr/x"}], "ko")
        '출처: 에너지바우처 https://www.gov.kr/x'
    """
    parts = []
    for c in list(citations)[:limit]:
        title, url = str(c.get("title") or "").strip(), str(c.get("url") or "").strip()
        parts.append(" ".join(p for p in (title, url) if p))
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return ("Source: " if language == "en" else "출처: ") + " / ".join(parts)


def split_text(text: str, limit: int) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters (code points), at the last paragraph, line or sentence
    break in the second half of each piece, else a space there, else hard; no piece is empty and joining them (with
    the breaks) gives the text back.

    Raises:
        ValueError: ``limit`` below 1.

    Example:
        >>> split_text("가나다. 라마바. 사아자.", 9)
        ['가나다. 라마바.', '사아자.']
        >>> split_text("가. 나다라마바사아자차", 6)
        ['가. 나다라', '마바사아자차']
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "? ", "! ", " "):
            at = window.rfind(sep)
            if at > limit // 2:  # a break early in the window would leave many short pieces: try a weaker one
                cut = at + len(sep.strip())  # a sentence keeps its punctuation
                break
        if cut <= 0 or cut > limit:
            cut = limit
        piece, rest = rest[:cut].strip(), rest[cut:].strip()
        if piece:
            pieces.append(piece)
    if rest:
        pieces.append(rest)
    return pieces


def language_of(messages: Iterable[BotMessage], default: str = "ko") -> str:
    """The language (``ko`` / ``en``) the replies carry in ``custom.language`` (the last one that has it)."""
    language = default
    for m in messages:
        lang = m.custom.get("language")
        if lang in ("ko", "en"):
            language = str(lang)
    return language


def next_message_holding(messages: Sequence[BotMessage]) -> tuple[BotMessage, ...]:
    """A holding reply (``custom.pending``) of a channel that cannot push, reworded to say the answer comes with
    the next message (:data:`NEXT_MESSAGE_HOLDING`, in the holding reply's ``custom.language``); other messages
    unchanged.

    Example:
        >>> next_message_holding([BotMessage("잠시만요", (), {"pending": True, "language": "en"})])[0].text
        'The answer is taking a little longer. Send me any message in a moment and the answer will come with my reply.'
    """
    out = []
    for m in messages:
        if m.custom.get("pending") is True:
            lang = "en" if m.custom.get("language") == "en" else "ko"
            m = BotMessage(NEXT_MESSAGE_HOLDING[lang], m.buttons, {**m.custom, "response": "next_message_holding"})
        out.append(m)
    return tuple(out)


def kept_in_front(kept: Sequence[BotMessage], messages: Sequence[BotMessage]) -> tuple[BotMessage, ...]:
    """``kept`` (messages that could not be sent when they were made: a late answer, an alert), oldest first, in front
    of this turn's ``messages``; the kept ones lose their buttons (they answered an earlier question, and the
    platform shows one set of buttons: this turn's).

    Example:
        >>> [m.text for m in kept_in_front([BotMessage("앞", ({"title": "예", "payload": "/affirm"},))], [BotMessage("뒤")])]
        ['앞', '뒤']
    """
    return (*(BotMessage(m.text, (), dict(m.custom)) for m in kept), *messages)
