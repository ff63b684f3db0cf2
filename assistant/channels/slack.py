"""The Slack channel: Events API and interactivity requests in (``POST /webhooks/slack/webhook``), Web API out.

Requests (Slack docs, "Events API", "Verifying requests from Slack", "Handling user interaction"):

* ``{"type": "url_verification", "challenge"}`` when the Request URL is saved: answered with the challenge.
* ``{"type": "event_callback", "team_id", "event_id", "authorizations"?: [{"user_id"}], "event": {...}}`` with
  ``event.type`` ``message`` (``channel_type`` ``im``: a direct message to the app) or ``app_mention`` (the app
  mentioned in a channel): ``{"user", "text", "channel", "ts", "thread_ts"?, "subtype"?, "bot_id"?}``. Messages
  with a ``subtype`` (edits, joins, bot messages) or a ``bot_id``, and those of the app's own bot user
  (``authorizations[].user_id``), are acknowledged and ignored.
* An interactivity request, form-encoded ``payload=<JSON>`` with ``{"type": "block_actions", "team": {"id"},
  "user": {"id"}, "channel": {"id"}, "actions": [{"action_id", "value", "action_ts"}]}``: a click on one of our
  buttons; the button's ``value`` (its payload) is the citizen's next message.

Every request is signed: ``X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp
+ ":" + raw body)>``; a timestamp more than :data:`MAX_SKEW` seconds away from now is refused (replays)
(:func:`valid_signature`).

Slack wants an answer within 3 s, so the route answers 200 at once and the reply goes out through the Web API
``chat.postMessage`` (``Authorization: Bearer <bot token>``) when the turn is done (:class:`SlackApi`); Slack
redelivers an unanswered event (``X-Slack-Retry-Num``), and the message id (below) makes a redelivery the same turn.

Rendering (:func:`render`): the turn's texts as ``section`` blocks (mrkdwn, at most :data:`MAX_SECTION` characters
each; ``&``, ``<``, ``>`` escaped), buttons as an ``actions`` block of ``button`` elements (``value`` the payload),
the sources as a ``context`` block of links, and the whole text in ``text`` (the notification's fallback).

Ids: the conversation is ``slack:<team>:<channel>:<user>`` (one per person and place: a direct message channel or
a channel where people mention the app); the message id is ``slack-<channel>-<ts>`` (the message's own timestamp,
unique in its channel, the same in a redelivery and in the ``message`` and ``app_mention`` events of one message);
a click is ``slack-<channel>-<action_ts>``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from assistant.channels.common import citations_of, language_of, same_secret, split_text
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.errors import AssistantError, InvalidInputError

logger = logging.getLogger(__name__)
CHANNEL = "slack"
#: Seconds a request's timestamp may be away from now (Slack's recommendation: five minutes).
MAX_SKEW = 300
#: Characters of a section block's text (Slack: 3000).
MAX_SECTION = 3000
#: Characters of a button's text (Slack: 75) and bytes of its value (Slack: 2000 characters).
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
#: Elements of one actions block (Slack: 25) and of one context block (Slack: 10); blocks per message (50).
MAX_ACTIONS = 25
MAX_CONTEXT = 10
MAX_BLOCKS = 50
#: Characters of the top-level ``text`` (Slack truncates above 40,000; notifications show far less).
MAX_FALLBACK = 4000
DEFAULT_API_URL = "https://slack.com/api"
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature ``v0=<hex HMAC-SHA256(secret, "v0:<timestamp>:<body>")>`` (Slack docs,
    "Verifying requests from Slack"; its worked example is checked in tests/channels/test_channel_slack.py).

    Example:
        >>> signature("secret", "1531420618", b"{}").startswith("v0=")
        True
    """
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def valid_signature(signing_secret: str, timestamp: str | None, header: str | None, body: bytes,
                    now: float | None = None) -> bool:
    """Whether ``header`` (``X-Slack-Signature``) signs ``body`` at ``timestamp`` (``X-Slack-Request-Timestamp``,
    Unix seconds) and the timestamp is within :data:`MAX_SKEW` s of ``now`` (default: the clock); constant time."""
    if not timestamp or not timestamp.isdigit() or header is None:
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW:
        return False
    return same_secret(header, signature(signing_secret, timestamp, body))


class SlackEvent(BaseModel):
    """The inner ``event`` of an ``event_callback`` (the fields this channel reads)."""

    model_config = ConfigDict(extra="ignore")
    type: str
    user: str | None = None
    text: str | None = None
    channel: str | None = None
    channel_type: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    subtype: str | None = None
    bot_id: str | None = None


class SlackAuthorization(BaseModel):
    """One ``authorizations`` item: the installation the event is for (its ``user_id`` is the app's bot user)."""

    model_config = ConfigDict(extra="ignore")
    user_id: str | None = None


class EventEnvelope(BaseModel):
    """An Events API request: ``url_verification`` or ``event_callback`` (others are acknowledged and ignored)."""

    model_config = ConfigDict(extra="ignore")
    type: str
    challenge: str | None = None
    team_id: str | None = None
    event_id: str | None = None
    event: SlackEvent | None = None
    authorizations: list[SlackAuthorization] = Field(default_factory=list)


class _Id(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str


class BlockAction(BaseModel):
    """One clicked element of a ``block_actions`` payload."""

    model_config = ConfigDict(extra="ignore")
    action_id: str | None = None
    value: str | None = None
    action_ts: str | None = None


class ActionPayload(BaseModel):
    """An interactivity ``payload`` (the fields this channel reads)."""

    model_config = ConfigDict(extra="ignore")
    type: str
    team: _Id | None = None
    user: _Id
    channel: _Id | None = None
    actions: list[BlockAction] = Field(default_factory=list)


def conversation_id(team: str, channel: str, user: str) -> str:
    """``slack:<team>:<channel>:<user>`` (Slack's ids: no personal data in them)."""
    return f"{CHANNEL}:{team}:{channel}:{user}"


def parse_conversation_id(sender_id: str) -> tuple[str, str, str]:
    """``(team, channel, user)`` of ``slack:<team>:<channel>:<user>``.

    Raises:
        InvalidInputError: not a Slack conversation id.
    """
    parts = sender_id.split(":")
    if len(parts) != 4 or parts[0] != CHANNEL or not all(parts[1:]):
        raise InvalidInputError(f"not a slack conversation id: {sender_id!r}")
    return parts[1], parts[2], parts[3]


def plain_text(text: str) -> str:
    """Slack's message text as the citizen typed it: mentions removed (``<@U123>``), links as their label or URL,
    ``&amp;`` / ``&lt;`` / ``&gt;`` unescaped (Slack docs, "Formatting text for app surfaces")."""
    t = _MENTION.sub(" ", text)
    t = _LINK.sub(lambda m: m.group(2) or m.group(1), t)
    t = t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]+", " ", t).strip()


def to_user_message(envelope: EventEnvelope) -> UserMessage | None:
    """The engine's message for an ``event_callback``, or ``None`` when there is nothing to answer (another
    request type or event type, an edit or other subtype, a bot's or our own message, an empty text).

    ``metadata``: ``message_id`` ``slack-<channel>-<ts>`` and, for ``app_mention`` or a threaded message,
    ``thread_ts`` (the reply goes to the same thread).
    """
    e = envelope.event
    if envelope.type != "event_callback" or e is None or e.type not in ("message", "app_mention"):
        return None
    if e.type == "message" and e.channel_type not in ("im", None):
        return None  # channel messages come in as app_mention; a plain channel message is not for us
    own = {a.user_id for a in envelope.authorizations if a.user_id}
    if e.subtype or e.bot_id or not e.user or e.user in own or not e.channel or not e.ts:
        return None
    text = plain_text(e.text or "")
    if not text:
        return None
    metadata: dict[str, Any] = {"message_id": f"slack-{e.channel}-{e.ts}"}
    if e.thread_ts or e.type == "app_mention":
        metadata["thread_ts"] = e.thread_ts or e.ts
    return UserMessage(conversation_id(envelope.team_id or "-", e.channel, e.user), text, CHANNEL, metadata)


def action_message(payload: ActionPayload) -> UserMessage | None:
    """The engine's message for a ``block_actions`` click on one of our buttons (its ``value``), or ``None``
    (another payload type, no channel, no value)."""
    if payload.type != "block_actions" or payload.channel is None or not payload.actions:
        return None
    act = payload.actions[0]
    if not act.value or not act.value.strip():
        return None
    team = payload.team.id if payload.team is not None else "-"
    mid = f"slack-{payload.channel.id}-{act.action_ts or act.action_id or ''}"
    return UserMessage(conversation_id(team, payload.channel.id, payload.user.id), act.value, CHANNEL,
                       {"message_id": mid})


def escape(text: str) -> str:
    """``text`` safe in mrkdwn: ``&``, ``<``, ``>`` as entities (the only characters Slack asks to escape)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(channel: str, messages: Sequence[BotMessage], thread_ts: str | None = None) -> dict[str, Any] | None:
    """The turn's replies as one ``chat.postMessage`` body (see the module docstring).

    Returns:
        ``{"channel", "text", "blocks": [...], "thread_ts"?}``; ``None`` for a turn without text or buttons (a person
        has the conversation: nothing to send).
    """
    texts = [m.text.strip() for m in messages if m.text and m.text.strip()]
    buttons = [b for m in messages for b in m.buttons if str(b.get("title") or b.get("payload") or "").strip()]
    if not texts and not buttons:
        return None
    blocks: list[dict[str, Any]] = []
    for piece in split_text(escape("\n\n".join(texts)), MAX_SECTION) if texts else []:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": piece}})
    for start in range(0, len(buttons), MAX_ACTIONS):
        elements = []
        for i, b in enumerate(buttons[start:start + MAX_ACTIONS], start):
            title = str(b.get("title") or b.get("payload")).strip()
            value = str(b.get("payload") or title).strip()
            if len(value) > MAX_BUTTON_VALUE:
                value = title[:MAX_BUTTON_VALUE]  # read by the NLU like typed text
            label = title if len(title) <= MAX_BUTTON_TEXT else title[: MAX_BUTTON_TEXT - 1] + "…"
            elements.append({"type": "button", "action_id": f"button-{i}", "value": value,
                             "text": {"type": "plain_text", "text": label, "emoji": True}})
        blocks.append({"type": "actions", "elements": elements})
    cites = citations_of(messages)
    if cites:
        word = "Source" if language_of(messages) == "en" else "출처"
        links = []
        for c in cites[: MAX_CONTEXT - 1]:
            title, url = escape(str(c.get("title") or "").strip()), str(c.get("url") or "").strip()
            links.append({"type": "mrkdwn", "text": f"<{url}|{title or url}>" if url else title})
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"{word}:"}, *links]})
    fallback = "\n\n".join(texts) or " / ".join(str(b.get("title") or b.get("payload")) for b in buttons)
    if len(fallback) > MAX_FALLBACK:
        fallback = fallback[: MAX_FALLBACK - 1] + "…"
    out: dict[str, Any] = {"channel": channel, "text": fallback, "blocks": blocks[:MAX_BLOCKS]}
    if thread_ts:
        out["thread_ts"] = thread_ts
    return out


class SlackApi:
    """The Web API calls this channel makes (``chat.postMessage``), over :class:`~connectors.resilience.ResilientHttp`
    (timeout per attempt, bounded retries with backoff on transport errors, 5xx and 429, a circuit breaker).

    Args:
        token: the bot token (``xoxb-...``), sent as ``Authorization: Bearer``.
        base_url: the Web API's base (``https://slack.com/api``; tests point it at a local fake).
        timeout: seconds per attempt.
        retries: attempts in all.
        backoff: first wait between attempts in seconds.
    """

    def __init__(self, token: str, base_url: str = DEFAULT_API_URL, timeout: float = 8.0, retries: int = 3,
                 backoff: float = 0.2) -> None:
        from connectors.resilience import ResilientHttp

        self.token = token
        self.http = ResilientHttp("Slack API", base_url, timeout, retries, backoff)

    def post_message(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Call ``chat.postMessage`` with ``body`` (:func:`render`'s output).

        Returns:
            Slack's answer (``{"ok": true, "ts", "channel", ...}``).

        Raises:
            InvalidInputError: Slack refused the call (``{"ok": false, "error"}``: ``channel_not_found``,
                ``invalid_auth`` ...); not retried.
            ConnectorTimeout, ConnectorUnavailable: Slack did not answer (after the retries).
        """
        from connectors.resilience import platform_json

        def interpret(r: httpx.Response) -> dict[str, Any]:
            data = platform_json(r, "Slack API")
            if not isinstance(data, dict) or not data.get("ok"):
                error = data.get("error") if isinstance(data, dict) else None
                raise InvalidInputError(f"Slack refused chat.postMessage: {error or r.status_code}")
            return data

        return self.http.request("POST", "/chat.postMessage", interpret, json=dict(body), headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json; charset=utf-8"})

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()


class SlackChannel:
    """Proactive messages (alerts, MyData callbacks, a slow turn's answer) to a Slack conversation: one
    ``chat.postMessage`` to the conversation's channel (:class:`~assistant.channels.proactive.ProactiveChannel`).

    Args:
        api: the Web API client.
        fallback: where messages go when Slack cannot be reached (the outbox); ``None``: the error propagates.
    """

    name = CHANNEL

    def __init__(self, api: SlackApi, fallback: Any = None) -> None:
        self.api, self.fallback = api, fallback

    def push(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """Post ``messages`` to ``recipient_id``'s channel now (no fallback).

        Raises:
            InvalidInputError: ``recipient_id`` is not a Slack conversation id, or Slack refused the message.
            ConnectorTimeout, ConnectorUnavailable: Slack could not be reached.
        """
        _team, channel, _user = parse_conversation_id(recipient_id)
        body = render(channel, messages)
        if body is not None:
            self.api.post_message(body)

    def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """:meth:`push`; when that fails, log the error (conversation id and error type) and keep the messages in
        ``fallback``.

        Raises:
            InvalidInputError: ``recipient_id`` is not a Slack conversation id.
            AssistantError: not delivered and no fallback (or the fallback's own error).
        """
        parse_conversation_id(recipient_id)
        try:
            self.push(recipient_id, messages)
        except AssistantError as e:
            logger.error("slack push failed: %s", type(e).__name__, extra={
                "conversation_id": recipient_id, "channel": CHANNEL, "stage": "proactive", "kept": self.fallback is not None})
            if self.fallback is None:
                raise
            self.fallback.send(recipient_id, messages)
