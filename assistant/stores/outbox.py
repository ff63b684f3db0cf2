"""Outbox: bot messages waiting for a pull channel (the web widget) to fetch them, in SQLite or PostgreSQL.

Proactive messages (a conversation continued by the MyData callback, a benefit alert) cannot be answered
to a request, so the REST channel keeps them here until the widget asks (``GET /webhooks/rest/pending``,
see :mod:`assistant.channels.proactive`). The store persists plain JSON records (the REST channel's message
shape); it knows nothing of the dialogue engine.

Tables (prefixed ``outbox_`` so they can share a database with other stores):

* ``outbox_recipients``: one row per recipient: ``last_seq`` (the compare-and-set counter of its messages) and
  ``epoch`` (random, chosen when the row is created; a cursor from an older epoch reads from the start).
* ``outbox_messages``: ``(recipient_id, seq)`` primary key, the message JSON, ``created_at``.

Cursor semantics: :meth:`OutboxStore.fetch` returns the messages after the client's cursor, oldest first, and
the cursor of the last one returned. Fetching again with the *same* cursor returns the same messages (a
response lost on the way is not a message lost); fetching with the *new* cursor acknowledges everything up to
it, and those rows are deleted. Sequence numbers of one recipient are allocated by an ``UPDATE ... SET
last_seq = last_seq + 1`` on its row, which holds the row lock until commit, so a reader never sees message
``n + 1`` before message ``n`` is committed (a global autoincrement id could commit out of order on
PostgreSQL and a cursor would skip the late one). Messages not fetched within ``ttl`` seconds are deleted.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Double, Index, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from assistant.errors import InvalidInputError
from assistant.stores.database import Database
from assistant.stores.masking import mask_reply

#: Longest recipient id (the REST channel's sender id is at most 200 characters).
MAX_ID_CHARS = 255
#: Most messages one fetch returns; the client fetches again with the returned cursor for more.
MAX_FETCH = 100
_CREATE_RETRIES = 5

metadata = MetaData()
recipients = Table(
    "outbox_recipients",
    metadata,
    Column("recipient_id", String(MAX_ID_CHARS), primary_key=True),
    Column("epoch", String(16), nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("updated_at", Double, nullable=False),
)
messages = Table(
    "outbox_messages",
    metadata,
    Column("recipient_id", String(MAX_ID_CHARS), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    PrimaryKeyConstraint("recipient_id", "seq", name="pk_outbox_messages_recipient_seq"),
)
Index("ix_outbox_messages_created", messages.c.created_at)
Index("ix_outbox_recipients_updated", recipients.c.updated_at)


@dataclass(frozen=True)
class OutboxPage:
    """One fetch.

    Attributes:
        messages: the message dicts after the cursor, oldest first (at most ``limit``).
        cursor: give it to the next fetch (acknowledges these messages); ``""`` while the recipient has none.
        more: more messages wait after ``cursor``.
    """

    messages: tuple[dict[str, Any], ...]
    cursor: str
    more: bool


def _check_recipient(recipient_id: str) -> None:
    if not isinstance(recipient_id, str) or not recipient_id.strip():
        raise InvalidInputError("recipient_id must be a non-empty string")
    if len(recipient_id) > MAX_ID_CHARS:
        raise InvalidInputError(f"recipient_id has {len(recipient_id)} characters; the limit is {MAX_ID_CHARS}")


def parse_cursor(cursor: str | None) -> tuple[str, int] | None:
    """``"<epoch>-<seq>"`` → ``(epoch, seq)``; ``None`` or ``""`` → ``None`` (from the start).

    Raises:
        InvalidInputError: any other shape.
    """
    if not cursor:
        return None
    epoch, sep, seq = cursor.partition("-")
    if not sep or not epoch.isalnum() or len(epoch) > 16 or not seq.isdigit() or len(seq) > 12:
        raise InvalidInputError(f"cursor {cursor[:40]!r} is not one this server returned (expected '<epoch>-<number>')")
    return epoch, int(seq)


class OutboxStore:
    """Bot messages waiting to be fetched, per recipient (see the module docstring).

    Args:
        url: SQLAlchemy URL (``sqlite:///outbox.db``, ``sqlite://`` in memory, ``postgresql://...``).
        ttl: seconds an unfetched message is kept (default 7 days).

    Raises:
        InvalidConfigError: bad URL or ``ttl`` ≤ 0. StoreUnavailableError: the database cannot be reached.

    Example:
        >>> box = OutboxStore("sqlite://")
        >>> box.append("web-1", [{"text": "안녕하세요"}])
        [1]
        >>> page = box.fetch("web-1")
        >>> [m["text"] for m in page.messages], page.more
        (['안녕하세요'], False)
        >>> box.fetch("web-1", page.cursor).messages
        ()
    """

    def __init__(self, url: str, ttl: float = 7 * 24 * 3600.0) -> None:
        from assistant.errors import InvalidConfigError

        if ttl <= 0:
            raise InvalidConfigError(f"outbox ttl must be > 0 seconds, got {ttl}")
        self.db = Database(url, metadata, "outbox store")
        self.ttl = ttl

    def append(self, recipient_id: str, items: Sequence[Mapping[str, Any]]) -> list[int]:
        """Store ``items`` (JSON-serialisable dicts) for ``recipient_id``, in order, atomically; resident registration,
        card and account numbers in their strings are stored masked (as the tracker store masks bot text).

        Returns:
            Their sequence numbers (consecutive; ``[]`` for no items).

        Raises:
            InvalidInputError: bad recipient id or an item that is not JSON-serialisable.
            StoreUnavailableError: the database is down (nothing stored).
        """
        _check_recipient(recipient_id)
        if not items:
            return []
        try:
            # stored like the tracker store's bot text: resident registration, card and account numbers masked
            rows = [json.dumps(mask_reply(dict(m)), ensure_ascii=False) for m in items]
        except (TypeError, ValueError) as e:
            raise InvalidInputError(f"outbox messages must be JSON objects: {e}") from e
        for attempt in range(_CREATE_RETRIES):
            try:
                return self._append_once(recipient_id, rows)
            except IntegrityError:  # another writer created the recipient's row first: its row exists now
                if attempt == _CREATE_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _append_once(self, recipient_id: str, rows: list[str]) -> list[int]:
        now = time.time()
        with self.db.write("appending to the outbox") as conn:
            conn.execute(delete(messages).where(messages.c.created_at < now - self.ttl))
            n = len(rows)
            moved = conn.execute(update(recipients).where(recipients.c.recipient_id == recipient_id)
                                 .values(last_seq=recipients.c.last_seq + n, updated_at=now)
                                 .returning(recipients.c.last_seq)).scalar()
            if moved is None:
                conn.execute(insert(recipients).values(recipient_id=recipient_id, epoch=secrets.token_hex(4),
                                                       last_seq=n, updated_at=now))
                moved = n
            first = int(moved) - n + 1
            conn.execute(insert(messages), [{"recipient_id": recipient_id, "seq": first + i, "message": r, "created_at": now}
                                            for i, r in enumerate(rows)])
            return list(range(first, first + n))

    def fetch(self, recipient_id: str, cursor: str | None = None, limit: int = MAX_FETCH) -> OutboxPage:
        """The messages after ``cursor`` (see the module docstring); acknowledges (deletes) those up to it.

        Args:
            cursor: the ``cursor`` of the previous page, or ``None``/``""`` for everything pending. A cursor of an
                older epoch (the recipient's row expired and was made again) reads from the start.
            limit: at most this many (1..:data:`MAX_FETCH`).

        Raises:
            InvalidInputError: bad recipient id, cursor or limit.
            StoreUnavailableError: the database is down.
        """
        _check_recipient(recipient_id)
        if not 1 <= limit <= MAX_FETCH:
            raise InvalidInputError(f"limit must be 1..{MAX_FETCH}, got {limit}")
        parsed = parse_cursor(cursor)
        now = time.time()
        # read without the write lock (widgets poll often and mostly find nothing); delete only what was acknowledged
        with self.db.read("reading the outbox") as conn:
            row = conn.execute(select(recipients.c.epoch, recipients.c.last_seq)
                               .where(recipients.c.recipient_id == recipient_id)).first()
            if row is None:
                return OutboxPage((), "", False)
            after = parsed[1] if parsed is not None and parsed[0] == row.epoch and parsed[1] <= row.last_seq else 0
            got = conn.execute(select(messages.c.seq, messages.c.message)
                               .where(messages.c.recipient_id == recipient_id, messages.c.seq > after,
                                      messages.c.created_at >= now - self.ttl)
                               .order_by(messages.c.seq).limit(limit + 1)).all()
            acknowledged = after > 0 and conn.execute(
                select(messages.c.seq).where(messages.c.recipient_id == recipient_id, messages.c.seq <= after).limit(1)
            ).first() is not None
        if acknowledged:
            with self.db.write("acknowledging outbox messages") as conn:
                conn.execute(delete(messages).where(messages.c.recipient_id == recipient_id, messages.c.seq <= after))
        page = got[:limit]
        last = page[-1].seq if page else after
        return OutboxPage(tuple(json.loads(r.message) for r in page), f"{row.epoch}-{last}", len(got) > limit)

    def purge(self, now: float | None = None) -> int:
        """Delete messages older than ``ttl`` and recipients idle that long with nothing pending.

        Returns:
            Messages deleted.
        """
        now = time.time() if now is None else now
        with self.db.write("purging the outbox") as conn:
            n = conn.execute(delete(messages).where(messages.c.created_at < now - self.ttl)).rowcount
            pending = select(messages.c.recipient_id).where(messages.c.recipient_id == recipients.c.recipient_id).exists()
            conn.execute(delete(recipients).where(recipients.c.updated_at < now - self.ttl, ~pending))
        return int(n or 0)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.db.dispose()
