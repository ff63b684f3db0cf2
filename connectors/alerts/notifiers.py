"""Notifiers: how a benefit alert reaches a citizen on a channel that allows proactive messages.

A :class:`Notifier` has a ``channel`` name and is either *push* (``send`` delivers now: a REST callback, and
messaging apps such as KakaoTalk or Telegram, added as one more class registered by channel name) or *pull*
(the widget: notifications wait in the inbox until the widget's next session fetches them with
``GET /alerts/{subscriber}/pending``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from assistant.errors import ConnectorError, InvalidInputError
from assistant.http_retry import safe_to_resend
from connectors.alerts.callbacks import CallbackNotAllowedError, CallbackPolicy
from connectors.resilience import ServerError


class DeliveryError(ConnectorError):
    """A push notification could not be delivered (it stays in the outbox and is retried later).

    Attributes:
        permanent: retrying cannot help (the address is refused by policy); the outbox gives up at once.
    """

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Notifier(Protocol):
    """One channel's way to deliver an alert."""

    channel: str
    push: bool

    def validate_address(self, address: str) -> None:
        """Raise :class:`InvalidInputError` when ``address`` cannot be used on this channel."""
        ...

    def send(self, address: str, payload: Mapping[str, Any]) -> Sequence[int] | None:
        """Deliver now (push notifiers). ``payload`` holds the notification's ``id`` and delivery ``attempts``.

        Returns:
            ``None``, or the ids of the subscriber's notifications this delivery told besides this one (a
            conversation tells its whole inbox): the outbox marks them delivered too.

        Raises:
            DeliveryError: not delivered (the outbox retries later).
        """
        ...


class RestCallbackNotifier:
    """POSTs the payload as JSON to the subscriber's callback URL, if the callback policy allows it.

    The URL is checked by ``policy`` (:class:`~connectors.alerts.callbacks.CallbackPolicy`) when subscribing
    and again before every delivery; the request goes to the address that was checked (no second DNS
    look-up), redirects are not followed.

    A 2xx answer is a delivery. A failure that proves the callback did not get the notification (no connection,
    a 503 or 429 answer) is retried ``retries`` times with exponential backoff (tenacity) within one run; one after
    which it may have got it (a read timeout, a 500/502/504) is not sent again within the run, so a subscriber's
    system is not told twice in a second (RFC 9110 §9.2.2, :mod:`assistant.http_retry`). Either way the run reports
    :class:`DeliveryError` and the engine retries on a later run (at least once; payloads carry their id for
    de-duplication). A 4xx is not retried within the run.

    Args:
        timeout: seconds per attempt.
        retries: attempts per run (≥ 1).
        backoff: first wait in seconds.
        transport: an httpx transport (tests).
        policy: which callback hosts are allowed; default :class:`CallbackPolicy()` (loopback only, the
            development default; the service builds it from the settings).
    """

    channel = "rest"
    push = True

    def __init__(self, timeout: float = 5.0, retries: int = 3, backoff: float = 0.2,
                 transport: httpx.BaseTransport | None = None, policy: CallbackPolicy | None = None) -> None:
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.policy = policy or CallbackPolicy()
        # No kept-alive connections: they are pooled by address, so one checked for another host's TLS name
        # could be reused for this one.
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False,
                                  limits=httpx.Limits(max_keepalive_connections=0))

    def validate_address(self, address: str) -> None:
        """The address must be an ``http``/``https`` URL that the callback policy allows.

        Raises:
            CallbackNotAllowedError: refused (HTTP 422; the message says why).
        """
        self.policy.check(address)

    def send(self, address: str, payload: Mapping[str, Any]) -> None:
        """POST ``payload`` to ``address``.

        Raises:
            DeliveryError: after ``retries`` failed attempts, or a 4xx answer (the message names the host only);
                ``permanent`` when the policy refuses the address now (nothing is sent).
        """
        try:
            target = self.policy.check(address)
        except CallbackNotAllowedError as e:
            raise DeliveryError(f"callback not sent: {e}", permanent=True) from e
        host = target.host
        url, headers, extensions = target.pinned()

        sent = [0]

        def attempt() -> None:
            sent[0] += 1
            r = self._http.post(url, json=dict(payload), headers=headers, extensions=extensions)
            if r.status_code >= 500 or r.status_code == 429:
                raise ServerError(r.status_code, "callback answer")
            if r.status_code >= 400:
                raise DeliveryError(f"callback at {host} refused the notification (HTTP {r.status_code})")

        def resend(e: BaseException) -> bool:
            return isinstance(e, (httpx.TransportError, ServerError)) and safe_to_resend(
                e, idempotent=False, status=e.status if isinstance(e, ServerError) else None)

        try:
            Retrying(stop=stop_after_attempt(self.retries), wait=wait_exponential(multiplier=self.backoff, max=2.0),
                     retry=retry_if_exception(resend), reraise=True)(attempt)
        except (httpx.TransportError, ServerError) as e:
            raise DeliveryError(f"callback at {host} failed ({type(e).__name__}: {e}; "
                                f"{sent[0]} attempt{'s' if sent[0] != 1 else ''})") from e


class WidgetInboxNotifier:
    """Keeps notifications for the widget's next session (pull): nothing is sent; the inbox endpoint
    returns them and marks them delivered. The address is the widget's subscriber id."""

    channel = "widget"
    push = False

    def validate_address(self, address: str) -> None:
        """Any non-empty id."""
        if not address.strip():
            raise InvalidInputError("a widget subscription needs the widget's subscriber id as address")

    def send(self, address: str, payload: Mapping[str, Any]) -> None:
        """Not used: widget notifications are pulled."""
        raise DeliveryError("widget notifications are fetched by the widget, not pushed")


def default_notifiers(timeout: float = 5.0, retries: int = 3, policy: CallbackPolicy | None = None) -> dict[str, Notifier]:
    """``{"rest": RestCallbackNotifier, "widget": WidgetInboxNotifier}``; add messaging apps by channel name."""
    return {"rest": RestCallbackNotifier(timeout, retries, policy=policy), "widget": WidgetInboxNotifier()}
