"""Fixtures for the MyData tests: the sandbox provider served for real (uvicorn on a free port), a fake clock
shared by the sandbox and the connector, a connector on a fresh SQLite consent store, and PostgreSQL via
tests/stores/dbservers.py (skips when PostgreSQL is not installed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from live_server import LiveServer
from mydata_helpers import T0, FakeClock, make_client  # noqa: F401 - fixtures below use them

from connectors.mydata.consent import MyDataConnector  # noqa: E402
from connectors.mydata.sandbox import (  # noqa: E402
    SandboxState,
    create_app,
)
from connectors.mydata.store import ConsentStore  # noqa: E402

@pytest.fixture(scope="session")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def _sandbox_server(clock: FakeClock) -> Iterator[tuple[LiveServer, SandboxState]]:
    state = SandboxState(clock=clock)
    live = LiveServer(create_app(state)).start()
    yield live, state
    live.stop()


@pytest.fixture
def sandbox(_sandbox_server: tuple[LiveServer, SandboxState], clock: FakeClock) -> tuple[str, SandboxState]:
    """(base URL, state) of the running sandbox, reset: no codes, tokens, counters or fault; clock at T0."""
    live, state = _sandbox_server
    state.reset()
    state.token_ttl = 3600.0
    clock.now = T0
    return live.url, state


@pytest.fixture
def connector(sandbox: tuple[str, SandboxState], clock: FakeClock, tmp_path: Path) -> Iterator[MyDataConnector]:
    """A connector to the sandbox on an empty SQLite consent store, with the fake clock."""
    client = make_client(sandbox[0])
    c = MyDataConnector(ConsentStore(f"sqlite:///{tmp_path / 'mydata.db'}"), client, clock=clock)
    yield c
    client.close()
    c.store.engine.dispose()




@pytest.fixture
def store_url(db_url: str) -> str:
    """An empty database (the suite's ``db_url``: SQLite and PostgreSQL)."""
    return db_url


