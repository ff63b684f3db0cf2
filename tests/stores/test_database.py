"""The stores' shared engine setup (assistant.stores.database.Database) on SQLite: concurrent read-then-write
transactions from two "processes" (two Database objects, so no shared in-process lock) lose no update."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update

from assistant.errors import InvalidConfigError, StoreUnavailableError
from assistant.stores.database import Database

metadata = MetaData()
counters = Table("counters", metadata, Column("name", String(16), primary_key=True), Column("value", Integer, nullable=False))


def bump(db: Database, n: int, errors: list[BaseException]) -> None:
    for _ in range(n):
        try:
            with db.write("bumping") as conn:
                value = conn.execute(select(counters.c.value).where(counters.c.name == "c")).scalar_one()
                conn.execute(update(counters).where(counters.c.name == "c").values(value=value + 1))
        except Exception as e:  # collected and asserted on
            errors.append(e)


def bump_concurrently(dbs: list[Database], n: int) -> int:
    """Seed the counter through ``dbs[0]``, bump it ``n`` times from one thread per entry, return its value."""
    with dbs[0].write("seeding") as conn:
        conn.execute(insert(counters).values(name="c", value=0))
    errors: list[BaseException] = []
    threads = [threading.Thread(target=bump, args=(db, n, errors)) for db in dbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with dbs[-1].read("reading") as conn:
        return int(conn.execute(select(counters.c.value)).scalar_one())


def test_read_then_write_from_two_engines_loses_nothing(tmp_path: Path) -> None:
    """Without BEGIN IMMEDIATE the second writer's read-then-write fails with SQLITE_BUSY (or loses an update)."""
    url = f"sqlite:///{tmp_path / 'c.db'}"
    one, two = Database(url, metadata, "test store", 10.0), Database(url, metadata, "test store", 10.0)
    assert bump_concurrently([one, two, one, two], 40) == 4 * 40
    one.dispose()
    two.dispose()


def test_in_memory_database_is_shared_by_threads() -> None:
    db = Database("sqlite://", metadata, "test store")
    assert bump_concurrently([db] * 4, 50) == 4 * 50


def test_errors_name_the_store_the_operation_and_what_it_was_about() -> None:
    from dbservers import free_port

    with pytest.raises(StoreUnavailableError, match=r"^demo store postgresql\+psycopg://u:\*\*\*@127\.0\.0\.1:\d+/d is unavailable "
                                                     r"while creating tables: "):
        Database(f"postgres://u:pw@127.0.0.1:{free_port()}/d", metadata, "demo store", 1.0)
    db = Database("sqlite://", metadata, "demo store")
    db.engine.dispose()
    db.engine = __import__("sqlalchemy").create_engine(f"postgresql+psycopg://u:pw@127.0.0.1:{free_port()}/d",
                                                       connect_args={"connect_timeout": 1})
    with pytest.raises(StoreUnavailableError, match=r"while reading \(conversation 'c1'\): "):
        with db.read("reading", "conversation 'c1'"):
            pass


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://x"])
def test_bad_urls_are_config_errors(url: str) -> None:
    with pytest.raises(InvalidConfigError, match="demo store"):
        Database(url, metadata, "demo store")
