"""Fixtures for the task and alert connectors: databases (SQLite and a real PostgreSQL from the Debian
packages, via tests/stores/dbservers.py), live uvicorn servers on free ports, and the real catalogue."""

from __future__ import annotations

import itertools
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stores"))
from dbservers import PostgresServer, free_port, missing_postgres, start_postgres  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
GOV24_DIR = Path(os.environ.get("ASSISTANT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "gov24_benefits"
_names = itertools.count()


@pytest.fixture(scope="session")
def pg() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster (skips when it is not installed)."""
    reason = missing_postgres()
    if reason:
        pytest.skip(reason)
    server = start_postgres()
    yield server
    server.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'connector.db'}"
    server: PostgresServer = request.getfixturevalue("pg")
    return server.create_database(f"c{os.getpid()}_{next(_names)}")


class LiveServer:
    """An ASGI app served by uvicorn in a background thread on a free local port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def gov24_details() -> dict[str, dict[str, Any]]:
    """The real catalogue's serviceDetail records by 서비스ID (skips when ../shared/data is absent)."""
    import json

    path = GOV24_DIR / "gov24_serviceDetail_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    return {r["서비스ID"]: r for r in json.loads(path.read_text(encoding="utf-8"))["data"]}
