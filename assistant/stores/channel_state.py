"""What the messaging channels must share between server processes, in SQLite or PostgreSQL.

Two small tables (prefixed ``channel_`` so they can share a database with the outbox):

* ``channel_seen_ids``: the platform message ids already taken (Slack's and WhatsApp's redeliveries of a request
  must not get a second reply, whichever worker receives them and after a restart). :meth:`ChannelStateStore.first_seen`
  inserts the id with ``INSERT ... ON CONFLICT DO NOTHING``: exactly one caller, in any process, sees it first.
  Rows older than ``ttl`` are deleted (at most once a minute per process) and no longer count.
* ``channel_windows``: per conversation, the time of the citizen's last inbound message and of the last
  re-engagement notice (a WhatsApp template) sent after it. WhatsApp delivers free-form messages only within 24 hours
  of the citizen's last message, so the channel reads this before it pushes (:mod:`assistant.channels.whatsapp`).

Keys and conversation ids are stored as the channels give them: conversation ids (``whatsapp:<token>``,
``slack:<team>:<channel>:<user>``) and platform message ids, never a phone number in clear. The store knows nothing of
the dialogue engine or the channels (DESIGN.md: channels do not touch stores; the server wires this in).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import Column, Double, Index, MetaData, String, Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.stores.database import Database

#: Longest key or conversation id stored.
MAX_KEY_CHARS = 255
#: Seconds between two purges of expired seen ids by one store object.
PURGE_EVERY = 60.0

metadata = MetaData()
seen_ids = Table(
    "channel_seen_ids",
    metadata,
    Column("key", String(MAX_KEY_CHARS), primary_key=True),
    Column("seen_at", Double, nullable=False),
)
windows = Table(
    "channel_windows",
    metadata,
    Column("conversation_id", String(MAX_KEY_CHARS), primary_key=True),
    Column("inbound_at", Double, nullable=True),
    Column("notice_at", Double, nullable=True),
)
Index("ix_channel_seen_ids_seen_at", seen_ids.c.seen_at)


@dataclass(frozen=True)
class Window:
    """One conversation's times (Unix seconds; ``None`` when unknown).

    Attributes:
        inbound_at: the citizen's last inbound message (the platform's timestamp of it).
        notice_at: the last re-engagement notice sent to the conversation.
    """

    inbound_at: float | None
    notice_at: float | None


def _check(key: str, what: str) -> None:
    if not isinstance(key, str) or not key.strip():
        raise InvalidInputError(f"{what} must be a non-empty string")
    if len(key) > MAX_KEY_CHARS:
        raise InvalidInputError(f"{what} has {len(key)} characters; the limit is {MAX_KEY_CHARS}")


class ChannelStateStore:
    """Seen message ids and conversation windows shared by every worker (see the module docstring).

    Args:
        url: SQLAlchemy URL (``sqlite:///outbox.db``, ``sqlite://`` in memory, ``postgresql://...``).
        ttl: seconds a seen id counts (default 7 days: longer than Slack's and Meta's redeliveries) and a window row
            is kept after its last change.

    Raises:
        InvalidConfigError: bad URL or ``ttl`` <= 0. StoreUnavailableError: the database cannot be reached.

    Example:
        >>> store = ChannelStateStore("sqlite://")
        >>> store.first_seen("wa-wamid.1"), store.first_seen("wa-wamid.1")
        (True, False)
        >>> store.record_inbound("whatsapp:abc", 1000.0); store.window("whatsapp:abc")
        Window(inbound_at=1000.0, notice_at=None)
    """

    def __init__(self, url: str, ttl: float = 7 * 24 * 3600.0) -> None:
        if ttl <= 0:
            raise InvalidConfigError(f"channel state ttl must be > 0 seconds, got {ttl}")
        self.db = Database(url, metadata, "channel state store")
        self.ttl = ttl
        self._insert = sqlite_insert if self.db.is_sqlite else pg_insert
        self._purged = 0.0
        self._purge_lock = threading.Lock()

    def first_seen(self, key: str, now: float | None = None) -> bool:
        """Record ``key`` (a channel's message id); ``True`` only for the first caller within ``ttl``, in any
        process sharing the database.

        Raises:
            InvalidInputError: an empty or too long key. StoreUnavailableError: the database is down.
        """
        _check(key, "message id")
        now = time.time() if now is None else now
        self._purge(now)
        with self.db.write("recording a message id") as conn:
            # an expired row of the same key does not count: it is replaced
            conn.execute(delete(seen_ids).where(seen_ids.c.key == key, seen_ids.c.seen_at < now - self.ttl))
            # RETURNING, not rowcount: the PostgreSQL driver's rowcount of a skipped insert is not 0
            added = conn.execute(self._insert(seen_ids).values(key=key, seen_at=now)
                                 .on_conflict_do_nothing(index_elements=["key"]).returning(seen_ids.c.key)).first()
        return added is not None

    def _purge(self, now: float) -> None:
        with self._purge_lock:
            if now - self._purged < PURGE_EVERY:
                return
            self._purged = now
        with self.db.write("purging seen message ids") as conn:
            conn.execute(delete(seen_ids).where(seen_ids.c.seen_at < now - self.ttl))
            conn.execute(delete(windows).where(windows.c.inbound_at < now - self.ttl,
                                               (windows.c.notice_at.is_(None)) | (windows.c.notice_at < now - self.ttl)))

    def record_inbound(self, conversation_id: str, at: float) -> None:
        """The citizen wrote at ``at`` (Unix seconds); an older time than the one stored changes nothing (a late
        redelivery never shortens the window).

        Raises:
            InvalidInputError: bad conversation id. StoreUnavailableError: the database is down.
        """
        _check(conversation_id, "conversation id")
        with self.db.write("recording an inbound message time") as conn:
            conn.execute(self._insert(windows).values(conversation_id=conversation_id, inbound_at=at)
                         .on_conflict_do_nothing(index_elements=["conversation_id"]))
            conn.execute(update(windows).where(windows.c.conversation_id == conversation_id,
                                               (windows.c.inbound_at.is_(None)) | (windows.c.inbound_at < at))
                         .values(inbound_at=at))

    def record_notice(self, conversation_id: str, at: float) -> None:
        """A re-engagement notice went to the conversation at ``at`` (Unix seconds).

        Raises:
            InvalidInputError: bad conversation id. StoreUnavailableError: the database is down.
        """
        _check(conversation_id, "conversation id")
        with self.db.write("recording a re-engagement notice") as conn:
            conn.execute(self._insert(windows).values(conversation_id=conversation_id, notice_at=at)
                         .on_conflict_do_nothing(index_elements=["conversation_id"]))
            conn.execute(update(windows).where(windows.c.conversation_id == conversation_id).values(notice_at=at))

    def window(self, conversation_id: str) -> Window:
        """The conversation's times (both ``None`` for a conversation never recorded).

        Raises:
            InvalidInputError: bad conversation id. StoreUnavailableError: the database is down.
        """
        _check(conversation_id, "conversation id")
        with self.db.read("reading a conversation window") as conn:
            row = conn.execute(select(windows.c.inbound_at, windows.c.notice_at)
                               .where(windows.c.conversation_id == conversation_id)).first()
        return Window(None, None) if row is None else Window(row.inbound_at, row.notice_at)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.db.dispose()
