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
* A messaging app (KakaoTalk, Telegram, Slack) is one more class with ``name`` and ``send`` registered in
  :class:`ProactiveChannels` under its channel name.

Privacy: the pending route is only as private as the sender id, exactly like Rasa's REST channel (whoever
knows a sender id can post as that conversation and read its replies). The widget makes its sender id from
``crypto.randomUUID()`` (122 random bits); an integration that uses guessable sender ids (a phone number, a
user name) must not expose the pending route.

Channels do not touch stores (DESIGN.md): :class:`PendingChannel` is given an :class:`Outbox`; the server wires
the SQL store in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from assistant.channels.rest import render
from assistant.dialogue.messages import BotMessage
from assistant.errors import InvalidConfigError


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
        from assistant.errors import AssistantError

        for i, item in enumerate(items):
            try:
                self.poster.send(self.url, item)
            except AssistantError:
                if self.fallback is None:
                    raise
                self.fallback.send(recipient_id, tuple(messages)[i:])
                return


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

    def get(self, name: str | None) -> ProactiveChannel:
        """The channel called ``name``; the default one for ``None`` or a channel without proactive messages."""
        return self.channels.get(name or self.default) or self.channels[self.default]

    def send(self, channel: str | None, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """Send through :meth:`get` ``(channel)``."""
        self.get(channel).send(recipient_id, messages)
