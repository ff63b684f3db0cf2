"""Fixtures for the task and alert connectors: databases (SQLite and a real PostgreSQL from the Debian
packages, via tests/stores/dbservers.py), live uvicorn servers on free ports, and the real catalogue."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest

from dbservers import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
GOV24_DIR = Path(os.environ.get("ASSISTANT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "gov24_benefits"
_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'connector.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"c{os.getpid()}_{next(_names)}")


@pytest.fixture(scope="session")
def gov24_details() -> dict[str, dict[str, Any]]:
    """The real catalogue's serviceDetail records by 서비스ID (skips when ../shared/data is absent)."""
    import json

    path = GOV24_DIR / "gov24_serviceDetail_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    return {r["서비스ID"]: r for r in json.loads(path.read_text(encoding="utf-8"))["data"]}
