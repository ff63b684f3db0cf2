"""Tracker store: each conversation's events, written exactly once, via SQLAlchemy.

SQLite under ``ASSISTANT_HOME`` by default (``trackers.db``, WAL mode, its own
file so turns never wait on document imports); PostgreSQL through a URL
(``postgresql://`` / ``postgres://`` are read as ``postgresql+psycopg://``).
The store persists plain event dicts (Rasa's event JSON); it knows nothing of
the dialogue engine, which converts (:func:`assistant.dialogue.tracker.load_tracker`).

Tables (prefixed ``tracker_`` so they can share a database with other stores):

* ``tracker_events``: ``(conversation_id, seq)`` primary key, ``type_name``,
  ``timestamp``, ``data`` (the event JSON, stored as text so it reads back
  byte-identical on SQLite and PostgreSQL).
* ``tracker_conversations``: one row per conversation with ``last_seq``, the
  compare-and-set guard of :meth:`SQLTrackerStore.append`.
* ``tracker_processed_messages``: ``(conversation_id, message_id)`` → the reply
  sent, so a channel's redelivery gets the same answer without a second turn.
* ``tracker_effects``: the side-effect outbox, ``(conversation_id, effect_key)`` →
  the custom action call's result (``{"events", "responses"}``), the turn it ran in,
  and ``committed``. :meth:`SQLTrackerStore.record_effect` writes a result as soon as
  the action returns (its own transaction, ``committed = 0``); :meth:`SQLTrackerStore.append`
  marks the turn's effects committed (or inserts them) in the same transaction as its
  events. A result still uncommitted is an effect whose turn was never stored: the
  engine reuses it when the turn is retried and delivers it otherwise
  (:mod:`assistant.dialogue.effects`).

Retention (:meth:`SQLTrackerStore.purge`, run at most once per ``purge_interval`` after a save
with effects or a message id; ``ASSISTANT_EFFECTS_RETENTION_S``, default 7 days):

* committed ``tracker_effects`` rows: deleted ``effects_retention`` seconds after they were committed
  (``committed_at``, the save of the turn that delivered them; an effect delivered a day after it was recorded
  is kept the full retention from its delivery). Rows committed before that column existed (a store made by an
  older version: the column is added when the store opens it) are counted from the first purge that sees them;
* undelivered (uncommitted) ones: deleted when older than ``effects_retention`` *and* their
  conversation has had no stored turn for ``effects_retention`` (or never had one): a conversation
  that never comes back. The action's side effect itself happened in its back end (which keeps
  it under the call's idempotency key); only the chance to tell this conversation about it is gone;
* ``tracker_processed_messages`` rows: deleted when older than the longer of ``effects_retention``
  and :data:`REDELIVERY_WINDOW_S` (7 days). The rule: a row must outlive every redelivery a channel
  may still make of its message, or that redelivery would run the turn a second time. The longest
  published retry window among the channels we serve is Meta's (WhatsApp Cloud API webhooks are
  retried for up to 7 days); Telegram keeps an unconfirmed update for 24 hours; Rasa's REST channel
  and our widget retry within seconds. A shorter ``effects_retention`` never shortens it.

Personal data at rest: events and replies are masked before they are written
(:mod:`assistant.stores.masking`: resident registration, phone, card and
account numbers, e-mail and street addresses read ``<rrn>``, ``<phone>`` ...),
so nothing read back from the store (tracker API, ``/story``, exports) holds a
raw value; the turn in progress keeps the raw text in memory.

Exactly once: ``append`` writes events with consecutive sequence numbers after
``last_seq`` and moves ``last_seq`` with ``UPDATE ... WHERE last_seq = :seen``
in the same transaction; a concurrent writer loses that race (or the primary
key) and nothing of its write is stored. Database outages raise
:class:`~assistant.errors.StoreUnavailableError`; connections are checked before
use (``pool_pre_ping``), so the call after the database returns succeeds. The
engine setup is the stores' shared :class:`~assistant.stores.database.Database`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    Boolean,
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError

from assistant.errors import (
    ConcurrentUpdateError,
    DuplicateMessageError,
    InvalidInputError,
)
from assistant.stores.database import Database
from assistant.stores.masking import mask_event, mask_events, mask_reply, user_pii
from assistant.stores.database import normalize_url as normalize_url  # re-exported: callers import it from here

logger = logging.getLogger(__name__)

#: Longest conversation id / channel message id accepted (characters).
MAX_ID_CHARS = 255
#: Retries of an ``append`` without ``expected_seq`` that lost a race to another writer.
APPEND_RETRIES = 50
#: Default seconds a committed ``tracker_effects`` row is kept (7 days; ``ASSISTANT_EFFECTS_RETENTION_S``).
DEFAULT_EFFECTS_RETENTION_S = 7 * 24 * 3600.0
#: Longest time between two purges of committed effects by one store object (seconds).
MAX_PURGE_INTERVAL_S = 3600.0
#: Shortest time a ``tracker_processed_messages`` row is kept (seconds): the longest channel redelivery window we
#: know of (WhatsApp Cloud API webhooks are retried for up to 7 days; Meta's "Webhooks" docs). See the module doc.
REDELIVERY_WINDOW_S = 7 * 24 * 3600.0

metadata = MetaData()

conversations = Table(
    "tracker_conversations",
    metadata,
    Column("conversation_id", String(MAX_ID_CHARS), primary_key=True),
    Column("last_seq", Integer, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
)
events_table = Table(
    "tracker_events",
    metadata,
    Column("conversation_id", String(MAX_ID_CHARS), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type_name", String(64), nullable=False),
    Column("timestamp", Double),
    Column("data", Text, nullable=False),
    PrimaryKeyConstraint("conversation_id", "seq", name="pk_tracker_events_conversation_seq"),
)
processed_messages = Table(
    "tracker_processed_messages",
    metadata,
    Column("conversation_id", String(MAX_ID_CHARS), nullable=False),
    Column("message_id", String(MAX_ID_CHARS), nullable=False),
    Column("reply", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    PrimaryKeyConstraint("conversation_id", "message_id", name="pk_tracker_processed_messages"),
)
effects_table = Table(
    "tracker_effects",
    metadata,
    Column("conversation_id", String(MAX_ID_CHARS), nullable=False),
    Column("effect_key", String(MAX_ID_CHARS), nullable=False),
    Column("turn_id", String(MAX_ID_CHARS), nullable=False),
    Column("action_name", String(MAX_ID_CHARS), nullable=False),
    Column("result", Text, nullable=False),
    Column("committed", Boolean, nullable=False),
    Column("created_at", Double, nullable=False),
    # when the turn's save committed it (epoch s); NULL while undelivered. Added after the first release: stores made
    # before it get the column from SQLTrackerStore._add_missing_columns and their committed rows a time at the next purge
    Column("committed_at", Double, nullable=True),
    PrimaryKeyConstraint("conversation_id", "effect_key", name="pk_tracker_effects"),
)
#: the purge's ``DELETE ... WHERE NOT committed AND created_at < :cutoff`` (undelivered effects) reads this
effects_purge_index = Index("ix_tracker_effects_committed_created", effects_table.c.committed, effects_table.c.created_at)
#: the purge's ``DELETE ... WHERE committed AND committed_at < :cutoff`` and its stamping of committed rows without
#: ``committed_at`` (``WHERE committed AND committed_at IS NULL``) read this, not the whole table
effects_committed_at_index = Index("ix_tracker_effects_committed_at", effects_table.c.committed, effects_table.c.committed_at)
#: the purge's ``DELETE ... WHERE created_at < :cutoff`` on processed message ids
processed_purge_index = Index("ix_tracker_processed_messages_created", processed_messages.c.created_at)


@dataclass(frozen=True)
class PurgeCounts:
    """Rows one :meth:`SQLTrackerStore.purge` deleted, per kind."""

    committed_effects: int = 0
    undelivered_effects: int = 0
    processed_messages: int = 0

    @property
    def total(self) -> int:
        """All rows deleted."""
        return self.committed_effects + self.undelivered_effects + self.processed_messages


class TrackerStore(Protocol):
    """Where conversations' events live. Events are Rasa event dicts, in order."""

    def load(self, sender_id: str, after_seq: int = 0) -> list[dict[str, Any]]:
        """Events with sequence number > ``after_seq`` (1-based), oldest first; ``[]`` if unknown. The dicts are new
        on every call and the caller owns them (:func:`~assistant.dialogue.tracker.load_tracker` adopts them into
        its events without copying)."""
        ...

    def count(self, sender_id: str) -> int:
        """Number of stored events (the last sequence number)."""
        ...

    def last_event(self, sender_id: str) -> tuple[int, dict[str, Any]] | None:
        """``(sequence number, event)`` of the last stored event; ``None`` if there is none."""
        ...

    def append(
        self,
        sender_id: str,
        events: Sequence[Mapping[str, Any]],
        expected_seq: int | None = None,
        *,
        message_id: str | None = None,
        reply: Any = None,
    ) -> int:
        """Append events atomically; returns the new event count."""
        ...

    def reply_for(self, sender_id: str, message_id: str) -> Any:
        """The reply recorded for a processed message id, or ``None``."""
        ...

    def record_reply(self, sender_id: str, message_id: str, reply: Any) -> bool:
        """Record a reply for a message id; ``False`` if one was already recorded."""
        ...

    def conversation_ids(self) -> list[str]:
        """Every conversation with stored events."""
        ...


def _check_id(value: str, what: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidInputError(f"{what} must be a non-empty string")
    if len(value) > MAX_ID_CHARS:
        raise InvalidInputError(f"{what} has {len(value)} characters; the limit is {MAX_ID_CHARS}")


def _dumps(value: Any, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"{what} is not JSON-serializable: {e}") from e


class SQLTrackerStore:
    """Tracker store over SQLAlchemy 2 (SQLite or PostgreSQL).

    Args:
        url: SQLAlchemy URL, e.g. ``sqlite:////var/lib/assistant/trackers.db`` or
            ``postgresql://user:pw@db/assistant``. ``sqlite://`` (in memory) is for
            tests: one connection, every call serialized.
        pool_size: PostgreSQL connections kept open (plus as many again on demand).
        connect_timeout: seconds before an unreachable database raises
            :class:`StoreUnavailableError` (PostgreSQL; SQLite waits this long for a busy file).
        effects_retention: seconds a committed ``tracker_effects`` row is kept after it was committed
            (``settings.effects_retention_s``, default 7 days); ``None`` keeps them. Committed rows are needed by
            nothing once their turn is stored (a retry of that turn is answered from its recorded reply): they are
            an audit trail. Uncommitted rows (effects not yet delivered) are purged only once their conversation has
            been idle that long too, and processed message ids after at least :data:`REDELIVERY_WINDOW_S` (module doc).
        purge_interval: seconds between purges this object runs after a turn's save (:meth:`purge`;
            default ``effects_retention / 10``, at most :data:`MAX_PURGE_INTERVAL_S`); the first runs after the
            first save with effects. A purge is one indexed ``DELETE`` after the save's transaction, at most one
            at a time, so no turn waits on more than one of them; its failure is logged, never raised.

    Raises:
        InvalidConfigError: an unparsable URL or a driver that is not installed.
        StoreUnavailableError: the database cannot be reached to create the tables.

    Example:
        >>> store = SQLTrackerStore("sqlite://")
        >>> store.append("u1", [{"event": "restart", "timestamp": 1.0}], expected_seq=0)
        1
        >>> store.load("u1")
        [{'event': 'restart', 'timestamp': 1.0}]
    """

    def __init__(self, url: str, *, pool_size: int = 10, connect_timeout: float = 5.0,
                 effects_retention: float | None = DEFAULT_EFFECTS_RETENTION_S, purge_interval: float | None = None) -> None:
        from assistant.errors import InvalidConfigError

        if effects_retention is not None and effects_retention <= 0:
            raise InvalidConfigError(f"effects retention must be > 0 seconds (or None to keep them), got {effects_retention}")
        if purge_interval is not None and purge_interval <= 0:
            raise InvalidConfigError(f"effects purge interval must be > 0 seconds, got {purge_interval}")
        # Engine, SQLite pragmas and BEGIN IMMEDIATE, the writer queue and outage errors: the stores' shared ones.
        self.db = Database(url, metadata, "tracker store", connect_timeout, pool_size=pool_size)
        self.url, self.display_url, self.is_sqlite = self.db.url, self.db.display_url, self.db.is_sqlite
        self.effects_retention = effects_retention
        self.purge_interval = purge_interval if purge_interval is not None else (
            min(effects_retention / 10, MAX_PURGE_INTERVAL_S) if effects_retention is not None else MAX_PURGE_INTERVAL_S)
        self._next_purge = 0.0  # time.monotonic() after which the next save with effects purges
        self._purging = threading.Lock()
        self._add_missing_columns()
        for index in (effects_purge_index, effects_committed_at_index, processed_purge_index):
            with self.db.errors("creating the purge indexes"):  # tables made by an older version lack them
                try:
                    index.create(self.engine, checkfirst=True)
                except (IntegrityError, ProgrammingError):  # another worker created it at the same moment
                    index.create(self.engine, checkfirst=True)

    def _add_missing_columns(self) -> None:
        """Add the columns a table made by an older version of this store lacks (``tracker_effects.committed_at``).

        ``metadata.create_all`` makes missing tables, never missing columns. One nullable column needs no migration
        framework (Alembic would add a version table and scripts for a single ``ALTER TABLE ... ADD COLUMN``); the
        rows it leaves NULL are handled where the column is read (:meth:`purge`). Several workers starting at once:
        PostgreSQL's ``ADD COLUMN IF NOT EXISTS`` (9.6+); SQLite has no such clause, so a "duplicate column" from a
        worker that added it first is read as done.

        Raises:
            StoreUnavailableError: the database cannot be reached.
        """
        from sqlalchemy import inspect
        from sqlalchemy.exc import OperationalError

        for table, column in ((effects_table, effects_table.c.committed_at),):
            with self.db.errors("reading the table's columns"):
                have = {c["name"] for c in inspect(self.engine).get_columns(table.name)}
            if column.name in have:
                continue
            kind = column.type.compile(dialect=self.engine.dialect)
            exists = "" if self.is_sqlite else "IF NOT EXISTS "
            ddl = f"ALTER TABLE {table.name} ADD COLUMN {exists}{column.name} {kind}"
            try:
                with self.engine.begin() as conn:
                    conn.exec_driver_sql(ddl)
            except OperationalError as e:
                if "duplicate column" not in str(e.orig).lower():
                    with self.db.errors(f"adding column {table.name}.{column.name}"):
                        raise
            logger.info("added column %s.%s (a table made by an older version)", table.name, column.name,
                        extra={"stage": "store"})

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (``self.db.engine``; assigning replaces it there)."""
        return self.db.engine

    @engine.setter
    def engine(self, value: Engine) -> None:
        self.db.engine = value

    @staticmethod
    def _about(sender_id: str | None) -> str | None:
        return f"conversation {sender_id!r}" if sender_id else None

    def _read(self, op: str, sender_id: str | None) -> AbstractContextManager[Connection]:
        return self.db.read(op, self._about(sender_id))

    # --- reading -------------------------------------------------------------------------------------

    def load(self, sender_id: str, after_seq: int = 0) -> list[dict[str, Any]]:
        """Events of ``sender_id`` with sequence number > ``after_seq``, oldest first.

        Raises:
            StoreUnavailableError: the database cannot be reached.
        """
        _check_id(sender_id, "sender_id")
        with self._read("loading", sender_id) as conn:
            rows = conn.execute(
                select(events_table.c.data)
                .where(events_table.c.conversation_id == sender_id, events_table.c.seq > after_seq)
                .order_by(events_table.c.seq)
            ).all()
        return [json.loads(r.data) for r in rows]

    def count(self, sender_id: str) -> int:
        """Number of stored events of ``sender_id`` (0 for an unknown conversation)."""
        _check_id(sender_id, "sender_id")
        with self._read("counting", sender_id) as conn:
            n = conn.execute(select(conversations.c.last_seq).where(conversations.c.conversation_id == sender_id)).scalar()
        return int(n or 0)

    def last_event(self, sender_id: str) -> tuple[int, dict[str, Any]] | None:
        """``(seq, event)`` of the conversation's last stored event (one indexed read); ``None`` for an unknown one.

        Raises:
            StoreUnavailableError: the database cannot be reached.
        """
        _check_id(sender_id, "sender_id")
        with self._read("reading the last event of", sender_id) as conn:
            row = conn.execute(select(events_table.c.seq, events_table.c.data).where(events_table.c.conversation_id == sender_id)
                               .order_by(events_table.c.seq.desc()).limit(1)).first()
        return None if row is None else (int(row.seq), json.loads(row.data))

    def conversation_ids(self) -> list[str]:
        """Every conversation id with stored events, sorted."""
        with self._read("listing conversations", None) as conn:
            return [r[0] for r in conn.execute(select(conversations.c.conversation_id).order_by(conversations.c.conversation_id))]

    def reply_for(self, sender_id: str, message_id: str) -> Any:
        """The reply recorded for ``message_id`` in this conversation, or ``None`` if it was not processed."""
        _check_id(sender_id, "sender_id")
        _check_id(message_id, "message_id")
        with self._read("reading a processed message", sender_id) as conn:
            raw = conn.execute(
                select(processed_messages.c.reply).where(
                    processed_messages.c.conversation_id == sender_id, processed_messages.c.message_id == message_id
                )
            ).scalar()
        return None if raw is None else json.loads(raw)

    # --- writing -------------------------------------------------------------------------------------

    def append(
        self,
        sender_id: str,
        events: Sequence[Mapping[str, Any]],
        expected_seq: int | None = None,
        *,
        message_id: str | None = None,
        reply: Any = None,
        effects: Sequence[Mapping[str, Any]] = (),
    ) -> int:
        """Append ``events`` to the conversation in one transaction.

        Args:
            sender_id: the conversation id.
            events: event dicts, each with a string ``event`` key (Rasa's shape).
            expected_seq: the event count the caller last saw. When given and the
                store holds a different count, nothing is written and
                :class:`ConcurrentUpdateError` is raised. When ``None`` the events
                go at the end, retrying if another writer got there first.
            message_id: the channel's message id; recorded with ``reply`` in the
                same transaction, so the turn's events and its reply are stored
                together or not at all.
            reply: the JSON reply sent for ``message_id`` (not ``None``).
            effects: the side effects whose events these are, each ``{"key", "turn_id", "action_name",
                "result"}`` (see :meth:`record_effect`): marked committed in the same transaction (inserted when
                :meth:`record_effect` could not write them), so an effect is committed exactly when its events are.
                An effect of another turn marked ``"recovered": True`` (its own save failed and this turn
                delivers it, :meth:`assistant.dialogue.effects.EffectJournal.adopt`) also marks that turn's id
                processed as a message id, with :func:`delivered_reply` of
                ``reply`` as its answer, so a late redelivery of it (its reply was lost, the channel retries after
                a restart) is answered from the store and appends nothing twice.

        Personal data is masked before anything is written (:mod:`assistant.stores.masking`):
        the stored events are :func:`~assistant.stores.masking.mask_events` of ``events`` and the
        stored reply is :func:`~assistant.stores.masking.mask_reply` of ``reply`` and ``events``;
        ``events`` and ``reply`` themselves are not changed.

        Returns:
            The conversation's event count after the append (= the last ``seq``).

        Raises:
            ConcurrentUpdateError: ``expected_seq`` is stale.
            DuplicateMessageError: ``message_id`` was already processed (its
                ``reply`` attribute holds the recorded reply); nothing written.
            InvalidInputError: a bad id, an event without ``event`` or one that is not JSON.
            StoreUnavailableError: the database cannot be reached.
        """
        _check_id(sender_id, "sender_id")
        if message_id is not None:
            _check_id(message_id, "message_id")
            if reply is None:
                raise InvalidInputError("append with a message_id needs the reply to record")
        for i, ev in enumerate(events):
            if not isinstance(ev, Mapping) or not isinstance(ev.get("event"), str):
                raise InvalidInputError(f"event #{i} of conversation {sender_id!r} has no 'event' name")
        # personal data never reaches the database (assistant.stores.masking): the caller's events stay raw in memory
        masked = mask_events(events)
        rows = []
        for i, ev in enumerate(masked):
            ts = ev.get("timestamp")
            rows.append(
                {
                    "type_name": ev["event"][:64],
                    "timestamp": float(ts) if isinstance(ts, (int, float)) and not isinstance(ts, bool) else None,
                    "data": _dumps(dict(ev), f"event #{i} of conversation {sender_id!r}"),
                }
            )
        masked_reply = mask_reply(reply, events) if message_id is not None else None
        reply_json = _dumps(masked_reply, "reply") if message_id is not None else None
        effect_rows = [_effect_row(e) for e in effects]
        # turns whose effects this append delivers (their own save failed): answered by it (see the docstring)
        delivered = {str(e["turn_id"]) for e in effects if e.get("recovered")} - {message_id}
        delivered_json = _dumps(delivered_reply(masked_reply), "reply") if delivered else None
        attempts = 1 if expected_seq is not None else APPEND_RETRIES
        for attempt in range(attempts):
            try:
                count = self._append_once(sender_id, rows, expected_seq, message_id, reply_json, effect_rows,
                                          {t: str(delivered_json) for t in sorted(delivered)})
                if effect_rows or message_id is not None:
                    self._purge_if_due()
                return count
            except _LostRace as e:
                if message_id is not None:
                    previous = self.reply_for(sender_id, message_id)
                    if previous is not None:
                        raise DuplicateMessageError(f"message {message_id!r} of {sender_id!r} was already processed", previous) from e
                if attempt == attempts - 1:
                    raise ConcurrentUpdateError(
                        f"conversation {sender_id!r} changed while appending {len(rows)} event(s): {e}; reload and retry"
                    ) from None
                time.sleep(0.001 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _append_once(
        self, sender_id: str, rows: list[dict[str, Any]], expected_seq: int | None, message_id: str | None, reply_json: str | None,
        effect_rows: Sequence[dict[str, Any]] = (), delivered: Mapping[str, str] | None = None,
    ) -> int:
        now = time.time()
        try:
            with self.db.write("appending to", self._about(sender_id)) as conn:
                if message_id is not None:
                    raw = conn.execute(
                        select(processed_messages.c.reply).where(
                            processed_messages.c.conversation_id == sender_id, processed_messages.c.message_id == message_id
                        )
                    ).scalar()
                    if raw is not None:
                        raise DuplicateMessageError(f"message {message_id!r} of {sender_id!r} was already processed", json.loads(raw))
                seen = conn.execute(select(conversations.c.last_seq).where(conversations.c.conversation_id == sender_id)).scalar()
                base = int(seen or 0)
                if expected_seq is not None and base != expected_seq:
                    raise _LostRace(f"expected {expected_seq} stored events, found {base}")
                new = base + len(rows)
                if rows:
                    if seen is None:
                        conn.execute(insert(conversations).values(conversation_id=sender_id, last_seq=new, created_at=now, updated_at=now))
                    else:
                        moved = conn.execute(
                            update(conversations)
                            .where(conversations.c.conversation_id == sender_id, conversations.c.last_seq == base)
                            .values(last_seq=new, updated_at=now)
                        )
                        if moved.rowcount != 1:
                            raise _LostRace(f"another writer moved past event {base}")
                    conn.execute(
                        insert(events_table),
                        [{"conversation_id": sender_id, "seq": base + 1 + i, **r} for i, r in enumerate(rows)],
                    )
                if message_id is not None:
                    conn.execute(
                        insert(processed_messages).values(conversation_id=sender_id, message_id=message_id, reply=reply_json, created_at=now)
                    )
                for e in effect_rows:
                    # committed_at: the first commit's time (a row committed before keeps its own)
                    marked = conn.execute(update(effects_table)
                                          .where(effects_table.c.conversation_id == sender_id, effects_table.c.effect_key == e["effect_key"])
                                          .values(committed=True, committed_at=func.coalesce(effects_table.c.committed_at, now)))
                    if marked.rowcount == 0:
                        conn.execute(insert(effects_table).values(conversation_id=sender_id, committed=True, created_at=now,
                                                                  committed_at=now, **e))
                for turn_id, answer in (delivered or {}).items():
                    done = conn.execute(select(processed_messages.c.message_id).where(
                        processed_messages.c.conversation_id == sender_id, processed_messages.c.message_id == turn_id)).first()
                    if done is None:
                        conn.execute(insert(processed_messages).values(conversation_id=sender_id, message_id=turn_id,
                                                                       reply=answer, created_at=now))
                return new
        except IntegrityError as e:  # a concurrent writer inserted the same seq / message id first
            raise _LostRace("a concurrent write used the same sequence number or message id") from e

    # --- side-effect outbox -----------------------------------------------------------------------------

    def record_effect(self, sender_id: str, key: str, *, turn_id: str, action_name: str, result: Mapping[str, Any]) -> bool:
        """Record a custom action call's result right after it ran, before its turn is stored (uncommitted).

        Args:
            key: the call's idempotency key (:func:`assistant.dialogue.effects.effect_key`).
            turn_id: the turn it ran in (the channel's message id, or one the engine chose).
            result: ``{"events": [...], "responses": [...]}`` in the action-server protocol's JSON; personal data is
                masked before it is written (:func:`~assistant.stores.masking.mask_reply`), as the events will be.

        Returns:
            ``True`` when recorded now, ``False`` when the key was recorded before (kept as it was).

        Raises:
            InvalidInputError: a bad id or a result that is not JSON. StoreUnavailableError: the database is down.
        """
        _check_id(sender_id, "sender_id")
        row = _effect_row({"key": key, "turn_id": turn_id, "action_name": action_name, "result": result})
        try:
            with self.db.write("recording an action's effect for", self._about(sender_id)) as conn:
                conn.execute(insert(effects_table).values(conversation_id=sender_id, committed=False, created_at=time.time(), **row))
        except IntegrityError:
            return False
        return True

    def purge(self, now: float | None = None) -> PurgeCounts:
        """Delete what the retention rules of the module doc let go, in one transaction: committed effects whose turn
        was stored (``committed_at``) more than ``effects_retention`` ago; undelivered effects older than it whose
        conversation has stored no turn for as long (or never did); processed message ids older than
        ``max(effects_retention, REDELIVERY_WINDOW_S)``. Nothing with ``effects_retention=None``. Committed rows
        without ``committed_at`` (made before the column existed) get ``now`` first.

        Args:
            now: the time to age rows against (epoch seconds; default: now).

        Returns:
            Rows deleted per kind.

        Raises:
            StoreUnavailableError: the database cannot be reached.
        """
        if self.effects_retention is None:
            return PurgeCounts()
        now = time.time() if now is None else now
        cutoff = now - self.effects_retention
        fx = effects_table.c
        # a conversation that stored a turn since the cutoff is alive: its undelivered effects wait for its next turn
        alive = select(conversations.c.conversation_id).where(conversations.c.conversation_id == fx.conversation_id,
                                                              conversations.c.updated_at >= cutoff).exists()
        with self.db.write("purging old effects and message ids", None) as conn:
            # a committed row without its commit time (committed by a version before the column, or by an older worker
            # still running during an upgrade) was committed no later than now: counted from now, so it is kept at
            # least the retention after its commit
            conn.execute(update(effects_table).where(fx.committed.is_(True), fx.committed_at.is_(None)).values(committed_at=now))
            committed = conn.execute(delete(effects_table).where(fx.committed.is_(True), fx.committed_at < cutoff)).rowcount
            undelivered = conn.execute(delete(effects_table).where(fx.committed.is_(False), fx.created_at < cutoff,
                                                                   ~alive)).rowcount
            processed = conn.execute(delete(processed_messages).where(
                processed_messages.c.created_at < now - max(self.effects_retention, REDELIVERY_WINDOW_S))).rowcount
        return PurgeCounts(int(committed or 0), int(undelivered or 0), int(processed or 0))

    def purge_effects(self, now: float | None = None) -> int:
        """:meth:`purge` (the earlier name), returning the number of rows deleted of every kind."""
        return self.purge(now).total

    def _purge_if_due(self) -> None:
        """Run :meth:`purge` when ``purge_interval`` has passed since the last one (one at a time; a turn that
        finds one running goes on). Errors are logged: the turn's save already succeeded."""
        if self.effects_retention is None or time.monotonic() < self._next_purge or not self._purging.acquire(blocking=False):
            return
        try:
            self._next_purge = time.monotonic() + self.purge_interval
            n = self.purge()
            if n.total:
                logger.info("purged %d committed and %d undelivered action effect(s) and %d processed message id(s) "
                            "older than the retention", n.committed_effects, n.undelivered_effects, n.processed_messages,
                            extra={"stage": "store", "retention_s": self.effects_retention})
        except Exception as e:  # noqa: BLE001 - housekeeping: the next interval tries again
            logger.warning("purging old action effects and message ids failed (%s); retried after the next interval", type(e).__name__,
                           extra={"stage": "store"})
        finally:
            self._purging.release()

    def effect_result(self, sender_id: str, key: str) -> dict[str, Any] | None:
        """The recorded result of the action call ``key`` (committed or not), or ``None``."""
        _check_id(sender_id, "sender_id")
        _check_id(key, "effect key")
        with self._read("reading an action's effect", sender_id) as conn:
            raw = conn.execute(select(effects_table.c.result).where(effects_table.c.conversation_id == sender_id,
                                                                    effects_table.c.effect_key == key)).scalar()
        return None if raw is None else dict(json.loads(raw))

    def pending_effects(self, sender_id: str) -> list[dict[str, Any]]:
        """The conversation's uncommitted effects, oldest first: ``{"key", "turn_id", "action_name", "result",
        "created_at"}`` each (results of actions whose turn was never stored)."""
        _check_id(sender_id, "sender_id")
        with self._read("reading pending effects", sender_id) as conn:
            rows = conn.execute(select(effects_table).where(effects_table.c.conversation_id == sender_id,
                                                            effects_table.c.committed.is_(False))
                                .order_by(effects_table.c.created_at, effects_table.c.effect_key)).all()
        return [{"key": r.effect_key, "turn_id": r.turn_id, "action_name": r.action_name, "result": json.loads(r.result),
                 "created_at": r.created_at} for r in rows]

    def effects(self, sender_id: str) -> list[dict[str, Any]]:
        """Every recorded effect of the conversation, oldest first, with ``committed``, ``created_at`` (recorded) and
        ``committed_at`` (its turn stored; ``None`` while undelivered), times in epoch seconds (for audits and tests)."""
        _check_id(sender_id, "sender_id")
        with self._read("reading effects", sender_id) as conn:
            rows = conn.execute(select(effects_table).where(effects_table.c.conversation_id == sender_id)
                                .order_by(effects_table.c.created_at, effects_table.c.effect_key)).all()
        return [{"key": r.effect_key, "turn_id": r.turn_id, "action_name": r.action_name, "result": json.loads(r.result),
                 "committed": bool(r.committed), "created_at": r.created_at, "committed_at": r.committed_at} for r in rows]

    def record_reply(self, sender_id: str, message_id: str, reply: Any) -> bool:
        """Record the reply sent for ``message_id`` without appending events.

        Returns:
            ``True`` if recorded, ``False`` if a reply was already recorded (kept as it was).
        """
        try:
            self.append(sender_id, [], expected_seq=None, message_id=message_id, reply=reply)
        except DuplicateMessageError:
            return False
        return True


    def mask_stored(self) -> tuple[int, int]:
        """Mask personal data in rows written before masking at rest (by an older version of this store).

        Each conversation in its own transaction: every event is replaced by
        :func:`~assistant.stores.masking.mask_event` of it (bot events also masking what the conversation's users
        said) and every recorded reply by :func:`~assistant.stores.masking.mask_reply`; sequence numbers and counts
        do not change, so it can run while the server serves. Idempotent: a second run changes nothing.
        When anything changed, the tables are compacted (SQLite ``VACUUM`` and a WAL checkpoint; PostgreSQL
        ``VACUUM FULL`` of the two tables, then a ``CHECKPOINT`` where the role may) so the old row versions leave
        the database files too. PostgreSQL's write-ahead log (until its segments are recycled), archived WAL and
        any backups taken before keep them.

        Returns:
            ``(events rewritten, replies rewritten)``.

        Raises:
            StoreUnavailableError: the database cannot be reached.
        """
        with self._read("listing conversations", None) as conn:
            ids = sorted({r[0] for r in conn.execute(select(conversations.c.conversation_id))}
                         | {r[0] for r in conn.execute(select(processed_messages.c.conversation_id).distinct())})
        events_changed = replies_changed = 0
        for cid in ids:
            with self.db.write("masking stored events of", self._about(cid)) as conn:
                rows = conn.execute(select(events_table.c.seq, events_table.c.data)
                                    .where(events_table.c.conversation_id == cid).order_by(events_table.c.seq)).all()
                events = [json.loads(r.data) for r in rows]
                pii = user_pii(events)
                for row, ev in zip(rows, events, strict=True):
                    masked = mask_event(ev, pii)
                    if masked != ev:
                        conn.execute(update(events_table).where(events_table.c.conversation_id == cid, events_table.c.seq == row.seq)
                                     .values(data=_dumps(masked, f"event {row.seq} of conversation {cid!r}")))
                        events_changed += 1
                replies = conn.execute(select(processed_messages.c.message_id, processed_messages.c.reply)
                                       .where(processed_messages.c.conversation_id == cid)).all()
                for mid, raw in replies:
                    reply = json.loads(raw)
                    masked_reply = mask_reply(reply, events)
                    if masked_reply != reply:
                        conn.execute(update(processed_messages).where(processed_messages.c.conversation_id == cid,
                                                                      processed_messages.c.message_id == mid)
                                     .values(reply=_dumps(masked_reply, "reply")))
                        replies_changed += 1
        if events_changed or replies_changed:
            self._compact()
        return events_changed, replies_changed

    def _compact(self) -> None:
        """Rewrite the tables' files without dead row versions (outside a transaction, as VACUUM must run)."""
        with self.db.errors("compacting"), self.db._write_lock:
            raw = self.engine.raw_connection()
            try:
                cur = raw.cursor()
                if self.is_sqlite:  # the driver connection is in autocommit mode (see assistant.stores.database)
                    cur.execute("VACUUM")
                    cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                else:
                    driver: Any = raw.driver_connection
                    driver.autocommit = True
                    try:
                        cur.execute(f"VACUUM FULL {events_table.name}, {processed_messages.name}")
                        try:  # flush now so the WAL segments holding the unmasked rows can be recycled sooner
                            cur.execute("CHECKPOINT")
                        except Exception as e:  # noqa: BLE001 - needs superuser or pg_checkpoint (PostgreSQL 15+)
                            logger.info("CHECKPOINT after masking not allowed for this role (%s): the write-ahead log keeps "
                                        "the unmasked rows until PostgreSQL recycles it", type(e).__name__)
                    finally:
                        driver.autocommit = False
                cur.close()
            finally:
                raw.close()


def delivered_reply(reply: Any) -> dict[str, Any]:
    """The answer recorded for a turn whose effects another turn delivered: the messages of that turn's ``reply``
    marked ``custom.recovered`` (the reply shape of :meth:`assistant.dialogue.processor.Turn.reply_json`, whose
    recovered messages the engine marks so), with its ``language``; no messages when that turn has no reply (a message
    without id: its reply is not recorded).

    Example:
        >>> delivered_reply({"messages": [{"text": "R-1", "custom": {"recovered": True}}, {"text": "hi", "custom": {}}],
        ...                  "language": "ko", "intent": {"name": "greet"}})
        {'messages': [{'text': 'R-1', 'custom': {'recovered': True}}], 'language': 'ko', 'intent': {}}
        >>> delivered_reply(None)
        {'messages': [], 'language': None, 'intent': {}}
    """
    if not isinstance(reply, Mapping):
        return {"messages": [], "language": None, "intent": {}}
    kept = [m for m in reply.get("messages") or [] if isinstance(m, Mapping) and (m.get("custom") or {}).get("recovered") is True]
    return {"messages": kept, "language": reply.get("language"), "intent": {}}


def _effect_row(effect: Mapping[str, Any]) -> dict[str, Any]:
    """An effect dict → the ``tracker_effects`` columns (result masked and serialised)."""
    for k in ("key", "turn_id", "action_name"):
        _check_id(effect.get(k), f"effect {k}")  # type: ignore[arg-type]
    return {"effect_key": effect["key"], "turn_id": effect["turn_id"], "action_name": effect["action_name"],
            "result": _dumps(mask_reply(dict(effect.get("result") or {})), f"result of {effect['action_name']!r}")}


class _LostRace(Exception):
    """Internal: another writer got there first; the transaction was rolled back."""


def default_tracker_store_url(home: Path) -> str:
    """``sqlite:///<home>/trackers.db``."""
    return f"sqlite:///{Path(home) / 'trackers.db'}"


def make_tracker_store(url: str | None, home: Path, *, effects_retention: float | None = DEFAULT_EFFECTS_RETENTION_S) -> SQLTrackerStore:
    """The configured tracker store: ``url`` if given, else SQLite under ``home``; committed effects kept
    ``effects_retention`` seconds (``settings.effects_retention_s``; ``None``: kept)."""
    return SQLTrackerStore(url or default_tracker_store_url(home), effects_retention=effects_retention)
