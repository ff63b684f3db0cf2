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

#: The least raw body cap (bytes) of a webhook request: a larger body is refused with 413 before it is parsed.
#: Well above what a message within the default 4,000 characters takes (48 KB at worst), so that a message over
#: that limit is told its length in characters, however its JSON is written (a pasted 15,018-character text sent
#: ASCII-escaped is 90 KB: refused for its 15,018 characters, not its bytes).
MIN_BODY_BYTES = 256 * 1024
#: The most bytes one character of the message can take in a JSON body: an astral character (an emoji) written
#: ASCII-escaped as a UTF-16 surrogate pair, ``"\ud83d\ude00"`` (RFC 8259 §7). Hangul escaped is 6 (``"\uac00"``),
#: UTF-8 3.
ESCAPED_BYTES_PER_CHAR = 12
#: Room for the rest of the body (sender ≤ 200 characters, message_id ≤ 255, metadata) at that worst escaping.
BODY_OVERHEAD_BYTES = 16 * 1024


def max_body_bytes(max_message_chars: int) -> int:
    """The raw body cap of a request whose message may have ``max_message_chars`` characters (code points).

    The message's limit is measured on the decoded message (characters, ``settings.max_message_chars``); the raw
    cap only guards the parser, so it is large enough for any message within that limit however the client's JSON
    writes it (UTF-8, or ASCII with ``\\uXXXX`` escapes as Python's ``json.dumps`` does by default): at least
    :data:`MIN_BODY_BYTES`, else ``max_message_chars × ESCAPED_BYTES_PER_CHAR + BODY_OVERHEAD_BYTES``.

    >>> max_body_bytes(4000), max_body_bytes(30000)
    (262144, 376384)
    """
    return max(MIN_BODY_BYTES, max_message_chars * ESCAPED_BYTES_PER_CHAR + BODY_OVERHEAD_BYTES)


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
