"""The REST channel, compatible with Rasa's ``POST /webhooks/rest/webhook``.

Request: ``{"sender": str, "message": str, "metadata"?: object, "message_id"?: str}``.
Rasa's REST channel has no message id; ours accepts one (``message_id`` or
``metadata.message_id``) so a channel's redelivery gets the stored reply
instead of a second turn (case C07).
Response: a list of ``{"recipient_id", "text", "buttons"?, "custom"?}``;
citations travel in ``custom.citations``. (Rasa docs: "Your Own Website" /
REST channel.)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.dialogue.messages import BotMessage, UserMessage

CHANNEL = "rest"


class RestMessage(BaseModel):
    """The webhook's request body."""

    model_config = ConfigDict(extra="ignore")

    sender: str = Field(min_length=1, max_length=200)
    message: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    message_id: str | None = Field(default=None, min_length=1, max_length=255)

    @field_validator("sender")
    @classmethod
    def _sender_printable(cls, v: str) -> str:
        if not v.strip() or any(ord(ch) < 32 for ch in v):
            raise ValueError("sender must be a non-empty printable id")
        return v


def to_user_message(body: RestMessage) -> UserMessage:
    """Turn a webhook body into the engine's :class:`UserMessage` (``message_id`` goes into ``metadata``)."""
    metadata = dict(body.metadata)
    if body.message_id is not None:
        metadata["message_id"] = body.message_id
    return UserMessage(body.sender, body.message, CHANNEL, metadata)


def render(recipient_id: str, messages: tuple[BotMessage, ...]) -> list[dict[str, Any]]:
    """Render engine replies in Rasa's REST output shape."""
    out = []
    for m in messages:
        item: dict[str, Any] = {"recipient_id": recipient_id, "text": m.text}
        if m.buttons:
            item["buttons"] = [dict(b) for b in m.buttons]
        if m.custom:
            item["custom"] = m.custom
        out.append(item)
    return out
