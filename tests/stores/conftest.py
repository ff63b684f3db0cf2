"""Fixtures for the stores: real PostgreSQL and Redis (Debian packages), started once per session.

Tests that need them skip with the reason when the binaries are absent.
``store_url`` is parametrized so every store test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbservers import PostgresServer

from assistant.stores.trackers import SQLTrackerStore

_db_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trackers.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"t{next(_db_names)}")


@pytest.fixture
def store(store_url: str) -> Iterator[SQLTrackerStore]:
    """A tracker store on an empty database (SQLite and PostgreSQL)."""
    s = SQLTrackerStore(store_url)
    yield s
    s.engine.dispose()
