"""Proactive messages: bot messages sent without a user message to answer (issue #5).

Something other than the citizen's message continues a conversation: the MyData provider's redirect
(``/mydata/callback`` triggers ``mydata_granted``), a benefit alert, a turn that finished after its holding
reply. Those messages go out through a :class:`ProactiveChannel` chosen by the conversation's channel name:

* :class:`PendingChannel` (``rest``, the default): pull. The messages wait in an :class:`Outbox` (the SQL
  :class:`~assistant.stores.outbox.OutboxStore`) until the web widget fetches them with
  ``GET /webhooks/rest/pending?sender=<id>&after=<cursor>``; each is returned until the client's next cursor
  acknowledges it, so nothing is lost and a re-fetch with the same cursor returns the same messages.
* :class:`CallbackChannel`: push. Each message is POSTed, in the REST channel's shape
  (``{"recipient_id", "text", "buttons"?, "custom"?}``, what Rasa's ``callback`` channel posts), to a callback
  URL by a :class:`JsonPoster` (the alerts' :class:`~connectors.alerts.notifiers.RestCallbackNotifier`: its
  callback-host policy, retries and backoff); when it fails, the messages go to the fallback channel.
* :class:`PushChannel`: push through a messaging platform's API (a :class:`Pusher`: Telegram's ``sendMessage``,
  :class:`~assistant.channels.telegram.TelegramPusher`; KakaoTalk's Event API,
  :class:`~assistant.channels.kakao.KakaoPusher`). When the platform is down or refuses, the messages are kept in
  the fallback's outbox (nothing is lost), an error is logged with the conversation id masked
  (:func:`masked_id`), and :meth:`PushChannel.redeliver` pushes them at the conversation's next message.
* :class:`KeptChannel`: a channel that cannot push at all (the phone: the caller's number is never stored, so
  nothing can call back). Its messages are kept in the outbox, and a warning says so: never a silent drop.
* Any other messaging app (Slack ...) is one more class with ``name`` and ``send`` registered in
  :class:`ProactiveChannels` under its channel name.

Privacy: the pending route is only as private as the sender id, exactly like Rasa's REST channel (whoever
knows a sender id can post as that conversation and read its replies). The widget makes its sender id from
``crypto.randomUUID()`` (122 random bits); an integration that uses guessable sender ids (a phone number, a
user name) must not expose the pending route.

Channels do not touch stores (DESIGN.md): :class:`PendingChannel` is given an :class:`Outbox`; the server wires
the SQL store in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from assistant.channels.rest import render
from assistant.dialogue.messages import BotMessage
from assistant.errors import AssistantError, InvalidConfigError

logger = logging.getLogger(__name__)
#: Characters of a conversation id that logs of proactive deliveries show (its end).
SHOWN_ID_CHARS = 4


class ProactiveChannel(Protocol):
    """One channel's way to send bot messages nobody asked for right now.

    Attributes:
        name: the channel name conversations use (``rest``, ``telegram`` ...).
    """

    name: str

    def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """Deliver (push) or keep for the recipient's client (pull), in order.

        Raises:
            AssistantError: not delivered and not kept (e.g. ``StoreUnavailableError``); the caller decides.
        """
        ...


class Outbox(Protocol):
    """Where a pull channel keeps messages (:class:`~assistant.stores.outbox.OutboxStore`)."""

    def append(self, recipient_id: str, items: Sequence[Mapping[str, Any]]) -> list[int]:
        """Keep ``items`` for ``recipient_id``; returns their sequence numbers."""
        ...


class JsonPoster(Protocol):
    """POSTs one JSON object to an address (:class:`~connectors.alerts.notifiers.RestCallbackNotifier`)."""

    def send(self, address: str, payload: Mapping[str, Any]) -> None:
        """Deliver ``payload``; raises an ``AssistantError`` when it was not delivered."""
        ...


class PendingChannel:
    """Pull: keeps the messages, in the REST channel's shape, until the widget fetches them.

    Args:
        outbox: where they wait.
        name: the channel name (default ``rest``).

    Example:
        >>> from assistant.stores.outbox import OutboxStore
        >>> box = OutboxStore("sqlite://")
        >>> PendingChannel(box).send("web-1", [BotMessage("동의가 완료됐어요.")])
        >>> box.fetch("web-1").messages[0]["text"]
        '동의가 완료됐어요.'
    """

    def __init__(self, outbox: Outbox, name: str = "rest") -> None:
        self.outbox = outbox
        self.name = name

    def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """Keep ``messages`` for ``recipient_id`` (nothing when empty).

        Raises:
            StoreUnavailableError: the outbox's database is down (nothing kept).
        """
        if messages:
            self.outbox.append(recipient_id, render(recipient_id, tuple(messages)))


class CallbackChannel:
    """Push: POSTs each message to ``url`` in the REST channel's shape; on failure, hands them to ``fallback``.

    Args:
        url: the callback URL (one per deployment, like Rasa's ``callback`` channel in credentials.yml).
        poster: does the POST (policy, retries, backoff).
        fallback: where undelivered messages go (the pending channel: fetched at the widget's next session);
            ``None``: the error propagates.
        name: the channel name (default ``rest``).
    """

    def __init__(self, url: str, poster: JsonPoster, fallback: ProactiveChannel | None = None, name: str = "rest") -> None:
        self.url, self.poster, self.fallback, self.name = url, poster, fallback, name

    def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """POST the messages in order; the first failure sends it and the rest to ``fallback``.

        Raises:
            AssistantError: a failed POST when there is no fallback (or the fallback's own error).
        """
        items = render(recipient_id, tuple(messages))
        for i, item in enumerate(items):
            try:
                self.poster.send(self.url, item)
            except AssistantError:
                if self.fallback is None:
                    raise
                self.fallback.send(recipient_id, tuple(messages)[i:])
                return


def masked_id(conversation_id: str) -> str:
    """A conversation id as logs of proactive deliveries show it: the channel prefix and the last
    :data:`SHOWN_ID_CHARS` characters (``telegram:…6789``), since a messaging app's id names one person.

    Example:
        >>> masked_id("telegram:123456789"), masked_id("kakao:ab"), masked_id("web-1234567")
        ('telegram:…6789', 'kakao:…', '…4567')
    """
    prefix, sep, rest = conversation_id.rpartition(":")
    if not sep:
        prefix, rest = "", conversation_id
    shown = rest[-SHOWN_ID_CHARS:] if len(rest) > SHOWN_ID_CHARS else ""
    return f"{prefix}{sep}…{shown}"


def bot_message_of(item: Mapping[str, Any]) -> BotMessage:
    """The engine's message for one kept item in the REST channel's shape (``{"text", "buttons"?, "custom"?}``),
    the inverse of :func:`~assistant.channels.rest.render` for one message."""
    buttons = tuple(dict(b) for b in item.get("buttons") or () if isinstance(b, Mapping))
    custom = item.get("custom")
    return BotMessage(str(item.get("text") or ""), buttons, dict(custom) if isinstance(custom, Mapping) else {})


class PushDeferred(AssistantError):
    """A :class:`Pusher` did not deliver the messages now but told the citizen there is something waiting (WhatsApp
    outside its 24-hour window: a re-engagement template went out instead): the messages are kept and go out at the
    conversation's next message. Not a failure of the platform (logged as info, not as an error)."""


class Pusher(Protocol):
    """One messaging platform's way to deliver bot messages now (its HTTP API)."""

    def push(self, recipient_id: str, messages: tuple[BotMessage, ...]) -> None:
        """Deliver ``messages`` (in order) to the conversation ``recipient_id`` (``telegram:<chat id>`` ...).

        Raises:
            AssistantError: not delivered (the platform is down, slow, or refused them; a bad recipient id).
        """
        ...


class PushChannel:
    """Push through a platform's API; on failure keep the messages in ``fallback``'s outbox, log, and redeliver later.

    Args:
        name: the channel name (``telegram``, ``kakao``).
        pusher: the platform's API client (:class:`Pusher`).
        fallback: where undelivered messages are kept (the outbox); ``None``: the error propagates.

    Example:
        >>> from assistant.stores.outbox import OutboxStore
        >>> class Down:
        ...     def push(self, recipient_id, messages):
        ...         raise AssistantError("platform down")
        >>> box = OutboxStore("sqlite://")
        >>> PushChannel("telegram", Down(), PendingChannel(box, "telegram")).send("telegram:42", [BotMessage("안녕")])
        >>> [m["text"] for m in box.fetch("telegram:42").messages]
        ['안녕']
    """

    def __init__(self, name: str, pusher: Pusher, fallback: PendingChannel | None = None) -> None:
        self.name, self.pusher, self.fallback = name, pusher, fallback

    def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """Push ``messages``; when that fails, keep them in the fallback's outbox (logged as an error); when the pusher
        defers them (:class:`PushDeferred`), keep them too (logged as info).

        Raises:
            AssistantError: not pushed and no fallback, or the fallback's own error (e.g. the outbox is down).
        """
        if not messages:
            return
        try:
            self.pusher.push(recipient_id, tuple(messages))
        except PushDeferred as e:
            if self.fallback is None:
                raise
            self.fallback.send(recipient_id, messages)
            logger.info("%s messages kept for the conversation's next message: %s", self.name, e,
                        extra={"conversation_id": masked_id(recipient_id), "channel": self.name, "stage": "proactive",
                               "messages": len(messages)})
        except AssistantError as e:
            logger.error("%s push failed (%s): %s", self.name, type(e).__name__,
                         "messages kept in the outbox" if self.fallback is not None else "messages not kept",
                         extra={"conversation_id": masked_id(recipient_id), "channel": self.name, "stage": "proactive"})
            if self.fallback is None:
                raise
            self.fallback.send(recipient_id, messages)

    def redeliver(self, recipient_id: str) -> int:
        """Push the messages kept for ``recipient_id`` (oldest first) and acknowledge them once pushed.

        Called when the conversation shows the platform works again (its next message). Messages that fail again stay
        kept.

        Returns:
            How many were pushed (0: none kept, or no outbox).

        Raises:
            AssistantError: the push failed (they stay kept), or the outbox cannot be read.
        """
        fetch = getattr(self.fallback.outbox, "fetch", None) if self.fallback is not None else None
        if fetch is None:
            return 0
        page = fetch(recipient_id)
        if not page.messages:
            return 0
        self.pusher.push(recipient_id, tuple(bot_message_of(m) for m in page.messages))
        fetch(recipient_id, page.cursor, 1)  # the next cursor acknowledges (deletes) what was pushed
        logger.info("%s kept messages pushed", self.name, extra={
            "conversation_id": masked_id(recipient_id), "channel": self.name, "stage": "proactive",
            "messages": len(page.messages)})
        return len(page.messages)


class KeptChannel(PendingChannel):
    """A channel that cannot push (the phone: the caller's number is never stored, see
    :mod:`~assistant.channels.voice`): its proactive messages are kept in the outbox, and each keeping is logged as a
    warning naming why, so none is dropped silently. They expire with the outbox's ``ttl`` (the widget's pending route
    does not serve a registered channel's ids; an operator reads them in the outbox database).

    Args:
        outbox: where they are kept.
        name: the channel name (``voice``).
        reason: why nothing is pushed (logged).
    """

    def __init__(self, outbox: Outbox, name: str, reason: str) -> None:
        super().__init__(outbox, name)
        self.reason = reason

    def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """Keep ``messages`` and log a warning (nothing is pushed).

        Raises:
            StoreUnavailableError: the outbox's database is down (nothing kept).
        """
        if not messages:
            return
        super().send(recipient_id, messages)
        logger.warning("%s: no push possible (%s); %d proactive message(s) kept in the outbox", self.name,
                       self.reason, len(messages),
                       extra={"conversation_id": masked_id(recipient_id), "channel": self.name, "stage": "proactive"})


class ProactiveChannels:
    """Proactive channels by name (what the server and connectors call).

    Args:
        channels: the registered channels; their ``name`` is the key.
        default: the name used for a conversation whose channel has none (``rest``).

    Raises:
        InvalidConfigError: ``default`` is not among them.
    """

    def __init__(self, channels: Sequence[ProactiveChannel], default: str = "rest") -> None:
        self.channels = {c.name: c for c in channels}
        if default not in self.channels:
            raise InvalidConfigError(f"default proactive channel {default!r} is not registered; "
                                     f"channels: {', '.join(sorted(self.channels)) or 'none'}")
        self.default = default

    def registered(self, name: str) -> ProactiveChannel | None:
        """The channel registered as ``name`` itself, or ``None`` (no default)."""
        return self.channels.get(name)

    def get(self, name: str | None) -> ProactiveChannel:
        """The channel called ``name``; the default one for ``None`` or a channel without proactive messages."""
        return self.channels.get(name or self.default) or self.channels[self.default]

    def send(self, channel: str | None, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """Send through :meth:`get` ``(channel)``."""
        self.get(channel).send(recipient_id, messages)
