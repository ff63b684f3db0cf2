"""The REST channel, compatible with Rasa's ``POST /webhooks/rest/webhook``.

Request: ``{"sender": str, "message": str, "metadata"?: object, "message_id"?: str}``.
Rasa's REST channel has no message id; ours accepts one (``message_id`` or
``metadata.message_id``) so a channel's redelivery gets the stored reply
instead of a second turn (case C07).
Response: a list of ``{"recipient_id", "text", "buttons"?, "custom"?}``;
citations travel in ``custom.citations``. (Rasa docs: "Your Own Website" /
REST channel.)

Retrieval filters ride in Rasa's free-form ``metadata``:
``{"sender": "u1", "message": "...", "metadata": {"filters": {"agency": "서울특별시" | [...],
"language": "ko" | "en", "on_date": "YYYY-MM-DD"}}}`` (every key optional; see
:class:`~assistant.knowledge.retriever.RetrievalFilters`). :func:`to_user_message` validates them
(a bad value is an :class:`~assistant.errors.InvalidInputError`, HTTP 400) and sets
:data:`~assistant.knowledge.retriever.request_filters` for the request being handled, so the
knowledge answer of this turn only cites documents they allow; the metadata is kept as sent.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.errors import InvalidInputError
from assistant.knowledge.retriever import RetrievalFilters, request_filters

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


_FILTER_KEYS = ("agency", "language", "on_date")


def retrieval_filters(metadata: dict[str, Any]) -> RetrievalFilters | None:
    """The retrieval filters of a message's ``metadata.filters`` (None when it has none).

    Raises:
        InvalidInputError: ``filters`` is not an object, has a key other than ``agency`` / ``language`` /
            ``on_date``, or a value :class:`RetrievalFilters` rejects (blank agency, a language other than
            ko/en, a date that is not ``YYYY-MM-DD``).
    """
    raw = metadata.get("filters")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInputError("metadata.filters must be an object with agency, language and/or on_date")
    unknown = sorted(set(raw) - set(_FILTER_KEYS))
    if unknown:
        raise InvalidInputError(f"metadata.filters: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(_FILTER_KEYS)}")
    agency = raw.get("agency")
    agencies = [agency] if isinstance(agency, str) else agency if agency is not None else []
    if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
        raise InvalidInputError("metadata.filters.agency must be a string or a list of strings")
    for key in ("language", "on_date"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise InvalidInputError(f"metadata.filters.{key} must be a string")
    try:
        return RetrievalFilters(tuple(agencies), raw.get("language"), raw.get("on_date"))
    except InvalidInputError as e:
        raise InvalidInputError(f"metadata.filters: {e}") from e


def to_user_message(body: RestMessage) -> UserMessage:
    """Turn a webhook body into the engine's :class:`UserMessage` (``message_id`` goes into ``metadata``), and set
    this request's retrieval filters from ``metadata.filters`` (None when absent).

    Raises:
        InvalidInputError: bad ``metadata.filters`` (see :func:`retrieval_filters`).
    """
    request_filters.set(retrieval_filters(body.metadata))
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
