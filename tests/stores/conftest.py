"""Fixtures for the stores: real PostgreSQL and Redis (Debian packages), started once per session.

Tests that need them skip with the reason when the binaries are absent.
``store_url`` is parametrized so every store test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.stores.trackers import SQLTrackerStore



@pytest.fixture
def store_url(db_url: str) -> str:
    """An empty database (the suite's ``db_url``: SQLite and PostgreSQL)."""
    return db_url


@pytest.fixture
def store(store_url: str) -> Iterator[SQLTrackerStore]:
    """A tracker store on an empty database (SQLite and PostgreSQL)."""
    s = SQLTrackerStore(store_url)
    yield s
    s.engine.dispose()
