"""Fixtures for the MyData tests: the sandbox provider served for real (uvicorn on a free port), a fake clock
shared by the sandbox and the connector, a connector on a fresh SQLite consent store, and PostgreSQL via
tests/stores/dbservers.py (skips when PostgreSQL is not installed)."""

from __future__ import annotations

import itertools
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stores"))
from dbservers import PostgresServer, missing_postgres, start_postgres  # noqa: E402

from connectors.mydata.client import MyDataProviderClient  # noqa: E402
from connectors.mydata.consent import MyDataConnector  # noqa: E402
from connectors.mydata.sandbox import (  # noqa: E402
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    SandboxState,
    create_app,
)
from connectors.mydata.store import ConsentStore  # noqa: E402

#: 2026-03-14 12:00 KST (03:00 UTC): the default "now" of the tests.
T0 = 1773457200.0


class FakeClock:
    """Epoch seconds that only move when a test moves them."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Live:
    """An ASGI app served by uvicorn in a thread on a free port."""

    def __init__(self, app: object) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))  # type: ignore[arg-type]
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def _sandbox_server(clock: FakeClock) -> Iterator[tuple[Live, SandboxState]]:
    state = SandboxState(clock=clock)
    live = Live(create_app(state))
    yield live, state
    live.stop()


@pytest.fixture
def sandbox(_sandbox_server: tuple[Live, SandboxState], clock: FakeClock) -> tuple[str, SandboxState]:
    """(base URL, state) of the running sandbox, reset: no codes, tokens, counters or fault; clock at T0."""
    live, state = _sandbox_server
    state.reset()
    state.token_ttl = 3600.0
    clock.now = T0
    return live.url, state


def make_client(url: str, **kw: object) -> MyDataProviderClient:
    opts: dict[str, object] = {"timeout": 1.0, "retries": 2, "backoff": 0.01, "breaker_fail_max": 50, "breaker_reset_s": 0.5}
    opts.update(kw)
    return MyDataProviderClient(url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, **opts)  # type: ignore[arg-type]


@pytest.fixture
def connector(sandbox: tuple[str, SandboxState], clock: FakeClock, tmp_path: Path) -> Iterator[MyDataConnector]:
    """A connector to the sandbox on an empty SQLite consent store, with the fake clock."""
    client = make_client(sandbox[0])
    c = MyDataConnector(ConsentStore(f"sqlite:///{tmp_path / 'mydata.db'}"), client, clock=clock)
    yield c
    client.close()
    c.store.engine.dispose()


_db_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster (tests/stores/dbservers.py)."""
    reason = missing_postgres()
    if reason:
        pytest.skip(reason)
    server = start_postgres()
    yield server
    server.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mydata.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"mydata{next(_db_names)}")
