"""SQLAlchemy engines for the connectors' own tables (tasks, alerts): SQLite by default, PostgreSQL by URL.

Same conventions as the tracker store (:mod:`assistant.stores.trackers`): ``postgres://`` and
``postgresql://`` URLs use the psycopg 3 driver, connections are checked before use, SQLite writers queue
on a lock (SQLite takes one writer at a time) and database outages become
:class:`~assistant.errors.StoreUnavailableError`.
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
from assistant.stores.trackers import normalize_url


class Database:
    """An engine plus the plumbing every connector store needs.

    Args:
        url: SQLAlchemy URL (``sqlite:///path.db``, ``sqlite://`` in memory, ``postgresql://...``).
        metadata: the tables to create if missing.
        what: the store's name in errors (``"task store"``).
        connect_timeout: seconds to wait for a connection (PostgreSQL) or a lock (SQLite).

    Raises:
        InvalidConfigError: the URL is not valid or its driver is missing.
        StoreUnavailableError: the database cannot be reached to create the tables.
    """

    def __init__(self, url: str, metadata: MetaData, what: str, connect_timeout: float = 5.0) -> None:
        self.url = normalize_url(url)
        self.what = what
        try:
            parsed = make_url(self.url)
        except Exception as e:  # ArgumentError with the bad URL
            raise InvalidConfigError(f"{what} URL is not valid: {e}") from e
        self.display_url = parsed.render_as_string(hide_password=True)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": connect_timeout}
            if parsed.database in (None, "", ":memory:"):
                kwargs["poolclass"] = StaticPool
            else:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["connect_args"] = {"connect_timeout": max(1, int(connect_timeout))}
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except Exception as e:  # NoSuchModuleError, or the DBAPI module is not installed
            raise InvalidConfigError(f"cannot use {what} {self.display_url}: {e}") from e
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
        self._write_lock: AbstractContextManager[Any] = threading.Lock() if self.is_sqlite else nullcontext()
        with self.errors("creating tables"):
            try:
                metadata.create_all(self.engine)
            except (IntegrityError, ProgrammingError):  # another worker created them at the same moment
                metadata.create_all(self.engine)

    @contextmanager
    def errors(self, op: str) -> Iterator[None]:
        """Turn connection failures into :class:`StoreUnavailableError` naming the store and ``op``."""
        try:
            yield
        except (OperationalError, InterfaceError) as e:
            raise self._unavailable(op, e) from e
        except DBAPIError as e:
            if e.connection_invalidated:
                raise self._unavailable(op, e) from e
            raise

    def _unavailable(self, op: str, e: DBAPIError) -> StoreUnavailableError:
        detail = str(e.orig).strip().splitlines()[0] if e.orig else type(e).__name__
        return StoreUnavailableError(f"{self.what} {self.display_url} is unavailable while {op}: {detail}")

    @contextmanager
    def write(self, op: str) -> Iterator[Connection]:
        """A connection in a transaction (committed on success), SQLite writers one at a time."""
        with self.errors(op), self._write_lock, self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self, op: str) -> Iterator[Connection]:
        """A connection for reading."""
        with self.errors(op), self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def _sqlite_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
