"""One SQLAlchemy engine setup for every store: SQLite by default, PostgreSQL by URL.

Used by the tracker store (:mod:`assistant.stores.trackers`) and the connectors' stores (consents, tasks,
alerts). Connectors may import stores, so this lives here and not under ``connectors/``.

What every store gets from :class:`Database`:

* ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver (:func:`normalize_url`).
* Connections are checked before use (``pool_pre_ping``), so the first call after the database comes back
  succeeds.
* SQLite: WAL journal, ``synchronous=NORMAL`` (a committed transaction survives a process crash),
  ``foreign_keys=ON``; the driver's own transaction handling is switched off so that writes can start with
  ``BEGIN IMMEDIATE`` (SQLAlchemy documentation, "Serializable isolation / Savepoints / Transactional DDL" for
  pysqlite): a writer takes SQLite's write lock before it reads, so a read-then-write transaction never fails
  half-way with ``SQLITE_BUSY`` because another process wrote in between. Writers of one process queue on a
  lock (SQLite takes one writer at a time; queueing here avoids its busy-wait back-off). An in-memory database
  (``sqlite://``) is one shared connection, so reads queue on that lock too.
* Outages (connection refused, dropped, timed out) become :class:`~assistant.errors.StoreUnavailableError`
  naming the store, the operation and, if given, what it was about; the password is never in the message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.pool import StaticPool

from assistant.errors import InvalidConfigError, StoreUnavailableError


def normalize_url(url: str) -> str:
    """Map ``postgres://`` / ``postgresql://`` to the psycopg (v3) driver; other URLs unchanged.

    Example:
        >>> normalize_url("postgres://u@h/db")
        'postgresql+psycopg://u@h/db'
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Database:
    """An engine plus the plumbing every store needs (see the module docstring).

    Args:
        url: SQLAlchemy URL (``sqlite:///path.db``, ``sqlite://`` in memory, ``postgresql://...``).
        metadata: the tables to create if missing.
        what: the store's name in errors (``"task store"``).
        connect_timeout: seconds to wait for a connection (PostgreSQL) or for a busy file (SQLite).
        pool_size: PostgreSQL connections kept open (plus as many again on demand); ``None`` keeps
            SQLAlchemy's default (5 + 10).

    Attributes:
        url: the normalized URL; display_url: the same with the password as ``***``.
        is_sqlite, is_memory: the backend; engine: the SQLAlchemy engine.

    Raises:
        InvalidConfigError: the URL is not valid or its driver is missing.
        StoreUnavailableError: the database cannot be reached to create the tables.

    Example:
        >>> from sqlalchemy import Column, Integer, Table, insert, select
        >>> md = MetaData()
        >>> t = Table("t", md, Column("x", Integer))
        >>> db = Database("sqlite://", md, "demo store")
        >>> with db.write("inserting") as conn:
        ...     _ = conn.execute(insert(t).values(x=1))
        >>> with db.read("reading") as conn:
        ...     conn.execute(select(t.c.x)).scalar()
        1
    """

    def __init__(self, url: str, metadata: MetaData, what: str, connect_timeout: float = 5.0, *,
                 pool_size: int | None = None) -> None:
        self.url = normalize_url(url)
        self.what = what
        try:
            parsed = make_url(self.url)
        except Exception as e:  # ArgumentError with the bad URL
            raise InvalidConfigError(f"{what} URL is not valid: {e}") from e
        self.display_url = parsed.render_as_string(hide_password=True)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.is_memory = self.is_sqlite and parsed.database in (None, "", ":memory:")
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": connect_timeout}
            if self.is_memory:
                kwargs["poolclass"] = StaticPool
            elif parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["connect_args"] = {"connect_timeout": max(1, int(connect_timeout))}
            if pool_size is not None:
                kwargs.update(pool_size=pool_size, max_overflow=pool_size)
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except Exception as e:  # NoSuchModuleError, or the DBAPI module is not installed
            raise InvalidConfigError(f"cannot use {what} {self.display_url}: {e}") from e
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        # A reentrant lock: a (mistaken) nested write in one thread fails with a database error instead of hanging.
        self._write_lock: AbstractContextManager[Any] = threading.RLock() if self.is_sqlite else nullcontext()
        self._read_lock: AbstractContextManager[Any] = self._write_lock if self.is_memory else nullcontext()
        with self.errors("creating tables"):
            try:
                metadata.create_all(self.engine)
            except (IntegrityError, ProgrammingError):  # another worker created them at the same moment
                metadata.create_all(self.engine)

    @contextmanager
    def errors(self, op: str, about: str | None = None) -> Iterator[None]:
        """Turn connection failures into :class:`StoreUnavailableError`.

        Args:
            op: what was being done (``"appending to"``), read after "while".
            about: what it concerned (``"conversation 'c1'"``), shown in parentheses; no personal data.

        Raises:
            StoreUnavailableError: the database could not be reached or the connection dropped; other
                database errors (integrity, programming) pass through unchanged.
        """
        try:
            yield
        except (OperationalError, InterfaceError) as e:
            raise self._unavailable(op, about, e) from e
        except DBAPIError as e:
            if e.connection_invalidated:
                raise self._unavailable(op, about, e) from e
            raise

    def _unavailable(self, op: str, about: str | None, e: DBAPIError) -> StoreUnavailableError:
        where = f" ({about})" if about else ""
        detail = str(e.orig).strip().splitlines()[0] if e.orig else type(e).__name__
        return StoreUnavailableError(f"{self.what} {self.display_url} is unavailable while {op}{where}: {detail}")

    @contextmanager
    def write(self, op: str, about: str | None = None) -> Iterator[Connection]:
        """A connection in a transaction, committed when the block ends without an exception.

        SQLite: writers of this process one at a time, each transaction ``BEGIN IMMEDIATE``.

        Raises:
            StoreUnavailableError: as :meth:`errors`.
        """
        with self.errors(op, about), self._write_lock, self.engine.connect() as conn:
            if self.is_sqlite:
                conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def read(self, op: str, about: str | None = None) -> Iterator[Connection]:
        """A connection for reading (its implicit transaction is rolled back at the end).

        Raises:
            StoreUnavailableError: as :meth:`errors`.
        """
        with self.errors(op, about), self._read_lock, self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def _sqlite_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # Take transaction control from the sqlite3 module; _sqlite_begin emits BEGIN itself.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")
