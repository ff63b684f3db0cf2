"""Benefit alerts pushed into the subscriber's own conversation as soon as a run finds them (issue #5).

The alert dialogue subscribes on the ``conversation`` channel: the address is the conversation's channel name and
sender id, sealed (:func:`seal_address`, AES-256-GCM under a key derived with HKDF-SHA256 from the deployment
secret; RFC 5869, NIST SP 800-38D), so the alert store never holds the raw sender id (a chat id, a phone number)
and the address unlocks nothing else. When a run writes a notification for such a subscriber,
:class:`ConversationNotifier` (a push notifier) hands the address to a :class:`ConversationWaker` in the
assistant's process, which opens it and runs a turn on that conversation with the intent ``alerts_new``
(like the MyData callback's ``mydata_granted``); the rule ``alerts_new → action_deliver_alerts`` reads the inbox
and tells the new services in the conversation's language, with citations, and the turn's messages go out
through the conversation channel's proactive channel (:mod:`assistant.channels.proactive`): the widget's
outbox, fetched from ``/webhooks/rest/pending`` as soon as the widget opens, or a messaging app's channel
registered under its name (KakaoTalk, Telegram ... plug in there, not here).

Nothing is lost: delivery is at least once, deduplicated by notification id. The turn's action only reads the
inbox and records what it told in the conversation's :data:`TOLD_SLOT` (saved with the turn); a notification is
marked delivered once the turn was kept and its messages sent (the waker's answer here), or, for a greeting's
telling, at the conversation's next read of the inbox. A turn that was not kept, or whose messages were not sent,
marks nothing: the notification is told again (a failed push counts an attempt, so the conversation knows its
earlier telling was lost). A notification the conversation already told is never told twice. A wake that told nothing (no assistant in this process, e.g. ``assistant alerts
run`` from cron; the inbox could not be read) is a :class:`~connectors.alerts.notifiers.DeliveryError`, retried
by later runs with backoff, and the greeting of the citizen's next visit still tells it.

Why our own sealing instead of a table: the alert back end may run apart from the assistant (an agency's), so
the address travels with the subscription; the primitives are the ``cryptography`` package's.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from assistant.dialogue.messages import BotMessage
from assistant.errors import AssistantError, InvalidInputError
from connectors.alerts.notifiers import DeliveryError

CHANNEL = "conversation"
WAKE_INTENT = "alerts_new"
ALERT_RESPONSE = "utter_alerts_new_services"
ADDRESS_PREFIX = "conv1."
_INFO = b"citizen-assistant alerts conversation address v1"
_AAD = b"alerts-conversation-address"
_NONCE_BYTES = 12

#: runs a turn: ``(sender_id, intent, channel) -> the turn's messages`` (already sent to the channel).
TurnRunner = Callable[[str, str, str], Sequence[BotMessage]]


def _key(secret: bytes) -> bytes:
    if not secret:
        raise ValueError("the address key needs a non-empty deployment secret")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)


def seal_address(secret: bytes, channel: str, sender_id: str) -> str:
    """The sealed ``conversation`` address of ``sender_id`` on ``channel``.

    Returns:
        ``"conv1."`` + base64url (no padding) of a 12-byte random nonce and the AES-256-GCM ciphertext of
        ``["channel", "sender_id"]`` (JSON); a new nonce each call, so two seals of one sender differ.

    Raises:
        ValueError: an empty secret, channel or sender id.
    """
    if not channel or not sender_id:
        raise ValueError("seal_address needs a channel and a sender id")
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(secret)).encrypt(nonce, json.dumps([channel, sender_id]).encode("utf-8"), _AAD)
    return ADDRESS_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")


def open_address(secret: bytes, address: str) -> tuple[str, str]:
    """``(channel, sender_id)`` of a :func:`seal_address` address.

    Raises:
        InvalidInputError: not such an address, altered, or sealed under another secret.
    """
    if not address.startswith(ADDRESS_PREFIX):
        raise InvalidInputError("not a conversation address")
    body = address[len(ADDRESS_PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = AESGCM(_key(secret)).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _AAD)
        channel, sender = json.loads(plain)
    except (InvalidTag, ValueError, binascii.Error, TypeError) as e:
        raise InvalidInputError("the conversation address does not open with this deployment's secret") from e
    if not isinstance(channel, str) or not isinstance(sender, str):
        raise InvalidInputError("the conversation address does not hold a channel and a sender id")
    return channel, sender


#: The conversation slot of alerts told and not yet acknowledged: ``{"<notification id>": attempts when told}``.
TOLD_SLOT = "alerts_told"


def told_before(told: Any, note: Mapping[str, Any]) -> bool:
    """Whether ``note`` (an inbox entry with ``id`` and ``attempts``) was told in a kept turn of the conversation whose
    :data:`TOLD_SLOT` is ``told``, and no delivery of it failed since (a failed one counts an attempt: the telling
    did not reach the citizen, so it is told again)."""
    if not isinstance(told, Mapping) or not isinstance(note.get("id"), int):
        return False
    return bool(told.get(str(note["id"])) == note.get("attempts", 0))


class ConversationWaker:
    """Opens a conversation address and runs the ``alerts_new`` turn on it (in the assistant's process).

    Args:
        secret: the deployment secret (called once per wake; :func:`connectors.tasks.auth.deployment_secret`).
        run_turn: runs the turn in the conversation's queue and sends its messages through the conversation
            channel's proactive channel (``assistant serve`` passes its own); raises when the turn could not be
            kept or its messages not sent, so nothing is marked delivered.
        told: the conversation's :data:`TOLD_SLOT` by sender id (``None``: not known here). A notification the
            conversation already told in a kept turn is acknowledged without a new turn (delivery is at least
            once: the greeting may have told it, or the acknowledgement after a push was lost).

    Example:
        >>> told = []
        >>> wake = ConversationWaker(lambda: b"k" * 32, lambda s, i, c: told.append((s, i, c)) or [
        ...     BotMessage("새 혜택", custom={"response": ALERT_RESPONSE, "alert_id": 7})])
        >>> wake(seal_address(b"k" * 32, "rest", "web-1"), {"id": 7, "attempts": 0}), told
        ([7], [('web-1', 'alerts_new', 'rest')])
    """

    def __init__(self, secret: Callable[[], bytes], run_turn: TurnRunner,
                 told: Callable[[str], Any] | None = None) -> None:
        self.secret, self.run_turn, self.told = secret, run_turn, told

    def __call__(self, address: str, note: Mapping[str, Any] | None = None) -> list[int]:
        """The ids of the notifications the conversation has told (empty: it told none).

        Raises:
            InvalidInputError: the address does not open.
            AssistantError: the turn or its delivery failed.
        """
        channel, sender = open_address(self.secret(), address)
        if note is not None and self.told is not None and isinstance(note.get("id"), int):
            try:
                seen = self.told(sender)
            except AssistantError:
                seen = None  # the turn's action deduplicates too
            if told_before(seen, note):
                return [int(note["id"])]
        messages = self.run_turn(sender, WAKE_INTENT, channel)
        alerts = [m for m in messages if m.custom.get("response") == ALERT_RESPONSE]
        ids = [int(m.custom["alert_id"]) for m in alerts if isinstance(m.custom.get("alert_id"), int)]
        if alerts and len(ids) < len(alerts) and note is not None and isinstance(note.get("id"), int):
            ids.append(int(note["id"]))  # an action (server) that does not say which: it told the inbox
        return ids


class ConversationNotifier:
    """The ``conversation`` channel's notifier: push through a :class:`ConversationWaker` when there is one.

    Args:
        wake: ``(address, notification) →`` the ids told (or a bool: told or not); ``None`` (no assistant in this
            process): the notifier is pull-only, and the notifications wait in the inbox for the greeting or a
            run in the server.
    """

    channel = CHANNEL

    def __init__(self, wake: Callable[..., Any] | None = None) -> None:
        self.wake = wake
        self.push = wake is not None

    def validate_address(self, address: str) -> None:
        """A :func:`seal_address` address (its form; only the assistant opens it).

        Raises:
            InvalidInputError: another kind of address.
        """
        if not address.startswith(ADDRESS_PREFIX) or len(address) <= len(ADDRESS_PREFIX) + 16:
            raise InvalidInputError("a conversation subscription needs a sealed conversation address (conv1.…)")

    def send(self, address: str, payload: Mapping[str, Any]) -> list[int]:
        """Wake the conversation so it tells its alerts now.

        Returns:
            The ids of the other notifications the turn told (the outbox marks them delivered too).

        Raises:
            DeliveryError: no waker, a turn that did not tell this notification, or a failure (``permanent`` when
                the address does not open: another deployment's secret).
        """
        if self.wake is None:
            raise DeliveryError("no assistant in this process to tell the conversation")
        nid = payload.get("id")
        try:
            told = self.wake(address, payload)
        except InvalidInputError as e:
            raise DeliveryError(f"conversation address refused: {e}", permanent=True) from e
        except AssistantError as e:
            raise DeliveryError(f"the conversation was not told ({type(e).__name__})") from e
        if isinstance(told, bool):
            if not told:
                raise DeliveryError("the conversation's turn told no alert (inbox not read)")
            return []
        ids = [int(i) for i in told]
        if not ids or (isinstance(nid, int) and nid not in ids):
            raise DeliveryError("the conversation's turn did not tell this alert")
        return [i for i in ids if i != nid]
