"""Messages that enter and leave the engine, independent of any channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UserMessage:
    """A user's utterance as a channel delivers it.

    Attributes:
        sender_id: the conversation id; text: the utterance; channel: e.g. ``rest``;
        metadata: channel extras (message id, preferred language ``{"language": "en"}``).
    """

    sender_id: str
    text: str
    channel: str = "rest"
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BotMessage:
    """A reply: text, optional buttons, and ``custom`` data (citations, intent, language)."""

    text: str
    buttons: tuple[dict[str, str], ...] = ()
    custom: dict[str, Any] = field(default_factory=dict)
