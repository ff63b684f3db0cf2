"""Benefit-alert subscriptions and their notification outbox, in SQLite or PostgreSQL.

Tables (prefixed ``alert_``):

* ``alert_subscriptions``: one per subscriber (pseudonymous id): the channel and its address, the facts
  snapshot (JSON) or a reference to where the facts live, the consent record (text shown, purpose, time),
  and the last evaluation (catalogue version, facts hash, eligible service ids).
* ``alert_notifications``: the outbox. A notification is written in the same transaction as the
  evaluation that produced it, so it is never lost; delivery moves it from ``pending`` to ``delivered``, or
  records the error, counts the attempt and schedules the next (``failed`` after ``max_attempts``, kept).

Unsubscribing deletes the subscription, its facts and its undelivered notifications.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Double, Index, Integer, MetaData, String, Table, Text, delete, insert, select, update

from assistant.errors import InvalidInputError
from assistant.stores.database import Database

MAX_ID_CHARS = 128
metadata = MetaData()
subscriptions = Table(
    "alert_subscriptions",
    metadata,
    Column("subscriber_id", String(MAX_ID_CHARS), primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("address", Text, nullable=False),
    Column("facts", Text),
    Column("facts_ref", String(256)),
    Column("consent_text", Text, nullable=False),
    Column("consent_purpose", Text, nullable=False),
    Column("consent_at", Double, nullable=False),
    Column("last_version", String(512)),
    Column("last_facts_hash", String(64)),
    Column("last_eligible", Text),
    Column("last_error", Text),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
)
notifications = Table(
    "alert_notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscriber_id", String(MAX_ID_CHARS), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("address", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Double, nullable=False),
    Column("last_error", Text),
    Column("created_at", Double, nullable=False),
    Column("delivered_at", Double),
)
Index("ix_alert_notifications_due", notifications.c.status, notifications.c.next_attempt_at)
Index("ix_alert_notifications_subscriber", notifications.c.subscriber_id, notifications.c.status)


class SubscriptionNotFoundError(InvalidInputError, LookupError):
    """No subscription for that subscriber."""


@dataclass(frozen=True)
class Subscription:
    """One subscriber's alert subscription.

    Attributes:
        subscriber_id: pseudonymous id.
        channel: notifier name (``rest``, ``widget``, or a registered messaging app).
        address: where the channel delivers (callback URL; the widget's subscriber id; a chat id).
        facts: the facts snapshot (fact name → value), or ``None`` when ``facts_ref`` is used.
        facts_ref: a reference resolved at evaluation time (e.g. a MyData consent id), or ``None``.
        consent: ``{"text", "purpose", "at"}``.
        last_version, last_facts_hash: what the last evaluation saw (``None`` before the first).
        last_eligible: service ids eligible at the last evaluation.
        last_error: why the last evaluation failed, if it did.
    """

    subscriber_id: str
    channel: str
    address: str
    facts: dict[str, Any] | None
    facts_ref: str | None
    consent: dict[str, Any]
    last_version: str | None
    last_facts_hash: str | None
    last_eligible: tuple[str, ...]
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        """The HTTP representation."""
        return {"subscriber_id": self.subscriber_id, "channel": self.channel, "address": self.address,
                "facts": self.facts, "facts_ref": self.facts_ref, "consent": self.consent,
                "last_catalogue_version": self.last_version, "last_eligible": list(self.last_eligible),
                "last_error": self.last_error}


@dataclass(frozen=True)
class Notification:
    """One outbox entry.

    Attributes:
        id: database id.
        subscriber_id, channel, address: where it goes.
        payload: the JSON sent (``{"type": "new_eligible_services", "services": [...], ...}``).
        status: ``pending``, ``delivered`` or ``failed``.
        attempts: delivery attempts so far; last_error: the last failure.
    """

    id: int
    subscriber_id: str
    channel: str
    address: str
    payload: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None


def _sub(row: Any) -> Subscription:
    return Subscription(row.subscriber_id, row.channel, row.address, json.loads(row.facts) if row.facts else None,
                        row.facts_ref, {"text": row.consent_text, "purpose": row.consent_purpose, "at": row.consent_at},
                        row.last_version, row.last_facts_hash, tuple(json.loads(row.last_eligible or "[]")), row.last_error)


def _note(row: Any) -> Notification:
    return Notification(row.id, row.subscriber_id, row.channel, row.address, json.loads(row.payload), row.status,
                        row.attempts, row.last_error)


class AlertStore:
    """Subscriptions and the notification outbox.

    Args:
        url: SQLAlchemy URL (default in the service: SQLite ``<home>/alerts.db``).
    """

    def __init__(self, url: str) -> None:
        self.db = Database(url, metadata, "alert store")

    def upsert(self, subscriber_id: str, channel: str, address: str, facts: dict[str, Any] | None, facts_ref: str | None,
               consent_text: str, consent_purpose: str) -> None:
        """Create or replace a subscription (a replaced one starts a fresh evaluation history)."""
        now = time.time()
        with self.db.write("subscribing") as conn:
            conn.execute(delete(subscriptions).where(subscriptions.c.subscriber_id == subscriber_id))
            conn.execute(insert(subscriptions).values(
                subscriber_id=subscriber_id, channel=channel, address=address,
                facts=None if facts is None else json.dumps(facts, ensure_ascii=False, sort_keys=True), facts_ref=facts_ref,
                consent_text=consent_text, consent_purpose=consent_purpose, consent_at=now, created_at=now, updated_at=now))

    def get(self, subscriber_id: str) -> Subscription:
        """The subscription.

        Raises:
            SubscriptionNotFoundError: none for this subscriber.
        """
        with self.db.read("reading a subscription") as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.subscriber_id == subscriber_id)).first()
        if row is None:
            raise SubscriptionNotFoundError(f"no alert subscription for subscriber {subscriber_id!r}")
        return _sub(row)

    def all(self) -> list[Subscription]:
        """Every subscription, by subscriber id."""
        with self.db.read("listing subscriptions") as conn:
            return [_sub(r) for r in conn.execute(select(subscriptions).order_by(subscriptions.c.subscriber_id))]

    def set_facts(self, subscriber_id: str, facts: dict[str, Any]) -> None:
        """Replace the facts snapshot (the next run re-evaluates).

        Raises:
            SubscriptionNotFoundError: none for this subscriber.
        """
        with self.db.write("updating facts") as conn:
            n = conn.execute(update(subscriptions).where(subscriptions.c.subscriber_id == subscriber_id).values(
                facts=json.dumps(facts, ensure_ascii=False, sort_keys=True), updated_at=time.time())).rowcount
        if not n:
            raise SubscriptionNotFoundError(f"no alert subscription for subscriber {subscriber_id!r}")

    def delete(self, subscriber_id: str) -> bool:
        """Unsubscribe: delete the subscription, its facts and its undelivered notifications."""
        with self.db.write("unsubscribing") as conn:
            conn.execute(delete(notifications).where(notifications.c.subscriber_id == subscriber_id,
                                                     notifications.c.status != "delivered"))
            return bool(conn.execute(delete(subscriptions).where(subscriptions.c.subscriber_id == subscriber_id)).rowcount)

    def record_evaluation(self, sub: Subscription, version: str, facts_hash: str, eligible: list[str],
                          payload: dict[str, Any] | None) -> int | None:
        """Store an evaluation and, in the same transaction, its notification (if ``payload``).

        The update is compare-and-set on the previous evaluation, so two concurrent runs cannot both notify.

        Returns:
            The new notification's id, or ``None`` (no payload, or another run recorded this change first).
        """
        now = time.time()
        with self.db.write("recording an evaluation") as conn:
            prev = subscriptions.c.last_version
            same = prev.is_(None) if sub.last_version is None else prev == sub.last_version
            same_hash = (subscriptions.c.last_facts_hash.is_(None) if sub.last_facts_hash is None
                         else subscriptions.c.last_facts_hash == sub.last_facts_hash)
            moved = conn.execute(update(subscriptions).where(subscriptions.c.subscriber_id == sub.subscriber_id, same, same_hash)
                                 .values(last_version=version, last_facts_hash=facts_hash, last_eligible=json.dumps(eligible),
                                         last_error=None, updated_at=now)).rowcount
            if not moved or payload is None:
                return None
            result = conn.execute(insert(notifications).values(
                subscriber_id=sub.subscriber_id, channel=sub.channel, address=sub.address,
                payload=json.dumps(payload, ensure_ascii=False), status="pending", attempts=0, next_attempt_at=now,
                created_at=now))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def record_error(self, subscriber_id: str, error: str) -> None:
        """Remember why an evaluation failed (it is retried on the next run)."""
        with self.db.write("recording an evaluation error") as conn:
            conn.execute(update(subscriptions).where(subscriptions.c.subscriber_id == subscriber_id).values(last_error=error[:1000]))

    def due(self, channels: list[str], now: float | None = None) -> list[Notification]:
        """Pending notifications of ``channels`` whose next attempt is due, oldest first."""
        now = time.time() if now is None else now
        with self.db.read("listing due notifications") as conn:
            rows = conn.execute(select(notifications).where(notifications.c.status == "pending",
                                                            notifications.c.channel.in_(channels),
                                                            notifications.c.next_attempt_at <= now)
                                .order_by(notifications.c.id))
            return [_note(r) for r in rows]

    def pending_for(self, subscriber_id: str, channel: str | Sequence[str]) -> list[Notification]:
        """A subscriber's pending notifications on ``channel`` (one name or several: the inbox), oldest first."""
        names = [channel] if isinstance(channel, str) else list(channel)
        with self.db.read("reading the inbox") as conn:
            rows = conn.execute(select(notifications).where(notifications.c.subscriber_id == subscriber_id,
                                                            notifications.c.channel.in_(names),
                                                            notifications.c.status == "pending").order_by(notifications.c.id))
            return [_note(r) for r in rows]

    def waiting(self, channels: Sequence[str]) -> tuple[int, int]:
        """``(notifications, subscribers)`` still pending on ``channels`` (what no push has told yet)."""
        from sqlalchemy import func

        with self.db.read("counting waiting notifications") as conn:
            row = conn.execute(select(func.count(notifications.c.id), func.count(notifications.c.subscriber_id.distinct()))
                               .where(notifications.c.status == "pending", notifications.c.channel.in_(list(channels)))).one()
        return int(row[0]), int(row[1])

    def acknowledge(self, subscriber_id: str, ids: Sequence[int]) -> list[int]:
        """Mark ``ids`` delivered, each only if it is this subscriber's and still pending; returns the ids moved (the
        inbox API passes what a conversation says it told: another subscriber's ids are left alone)."""
        moved: list[int] = []
        if ids:
            now = time.time()
            with self.db.write("acknowledging notifications") as conn:
                for nid in dict.fromkeys(int(i) for i in ids):
                    if conn.execute(update(notifications).where(notifications.c.id == nid,
                                                                notifications.c.subscriber_id == subscriber_id,
                                                                notifications.c.status == "pending")
                                    .values(status="delivered", delivered_at=now)).rowcount:
                        moved.append(nid)
        return moved

    def claim(self, ids: list[int]) -> list[int]:
        """Mark notifications delivered, each only if still pending; returns the ids this call moved (two readers of
        one inbox, the greeting and a conversation push, never both tell the same notification)."""
        moved: list[int] = []
        if ids:
            now = time.time()
            with self.db.write("claiming notifications") as conn:
                for nid in ids:
                    if conn.execute(update(notifications).where(notifications.c.id == nid, notifications.c.status == "pending")
                                    .values(status="delivered", delivered_at=now)).rowcount:
                        moved.append(nid)
        return moved

    def status(self, nid: int) -> str | None:
        """A notification's status (``None`` when it is gone: unsubscribed)."""
        with self.db.read("reading a notification") as conn:
            row = conn.execute(select(notifications.c.status).where(notifications.c.id == nid)).first()
        return None if row is None else str(row.status)

    def mark_delivered(self, ids: list[int]) -> None:
        """Mark notifications delivered."""
        if ids:
            with self.db.write("marking notifications delivered") as conn:
                conn.execute(update(notifications).where(notifications.c.id.in_(ids), notifications.c.status == "pending")
                             .values(status="delivered", delivered_at=time.time()))

    def mark_failed_attempt(self, nid: int, error: str, retry_at: float, give_up: bool) -> None:
        """Count a failed delivery attempt; schedule the next at ``retry_at`` or give up (``failed``, kept)."""
        with self.db.write("recording a failed delivery") as conn:
            # only while pending: a notification another reader told meanwhile stays delivered
            conn.execute(update(notifications).where(notifications.c.id == nid, notifications.c.status == "pending").values(
                attempts=notifications.c.attempts + 1, last_error=error[:1000], next_attempt_at=retry_at,
                status="failed" if give_up else "pending"))

    def notifications(self, subscriber_id: str | None = None) -> list[Notification]:
        """All notifications (of one subscriber), oldest first (tests, operators)."""
        q = select(notifications).order_by(notifications.c.id)
        if subscriber_id is not None:
            q = q.where(notifications.c.subscriber_id == subscriber_id)
        with self.db.read("listing notifications") as conn:
            return [_note(r) for r in conn.execute(q)]
