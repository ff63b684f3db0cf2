"""A provider that is down, slow, or answers garbage: ConnectorUnavailable / ConnectorTimeout after bounded
retries, nothing (not even part of a multi-record fetch) stored, the failure audited; the circuit breaker stops
calling a failing provider and lets a trial call through after its reset time."""

from __future__ import annotations

import datetime as dt
import socket
import time
from pathlib import Path

import pytest

from assistant.errors import ConnectorTimeout, ConnectorUnavailable
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.derive import RecordShapeError
from connectors.mydata.sandbox import Fault, SandboxState
from connectors.mydata.store import ConsentStore

from mydata_helpers import FakeClock, make_client  # type: ignore[import-not-found]

ALL = ["resident_registration", "health_insurance", "income"]


def granted(c: MyDataConnector, scopes: list[str]) -> str:
    pending = c.request_consent("conv-9", scopes, "eligibility_check", dt.timedelta(days=1))
    return c.grant(pending.id, test_identity="sandbox-01").id


@pytest.mark.parametrize("mode, error, outcome", [
    ("down", ConnectorUnavailable, "provider_unavailable"),
    ("garbage", ConnectorUnavailable, "provider_unavailable"),
    ("wrong_shape", RecordShapeError, "provider_unavailable"),
])
def test_bad_provider_stores_nothing(connector: MyDataConnector, sandbox: tuple[str, SandboxState], mode: str,
                                     error: type[Exception], outcome: str) -> None:
    cid = granted(connector, ALL)
    sandbox[1].fault = Fault(mode)  # type: ignore[arg-type]
    with pytest.raises(error):
        connector.fetch(cid)
    assert issubclass(error, ConnectorUnavailable)
    assert connector.store.count_records() == 0
    fetches = [(r.scope, r.outcome) for r in connector.audit(cid) if r.action == "fetch"]
    assert fetches[0] == ("health_insurance", outcome)
    assert fetches[1:] == [("income", "not_attempted"), ("resident_registration", "not_attempted")]
    # retried: 2 attempts for a 5xx or a non-JSON body; a JSON body of the wrong shape is a 200 and not retried
    assert sandbox[1].stats()["by_scope"] == {"health_insurance": 1 if mode == "wrong_shape" else 2}


def test_slow_provider_times_out(tmp_path: Path, sandbox: tuple[str, SandboxState], clock: FakeClock) -> None:
    c = MyDataConnector(ConsentStore(f"sqlite:///{tmp_path / 'm.db'}"), make_client(sandbox[0], timeout=0.2), clock=clock)
    cid = granted(c, ["income"])
    sandbox[1].fault = Fault("slow", delay_s=0.6)
    t = time.monotonic()
    with pytest.raises(ConnectorTimeout, match="within 0.2 s"):
        c.fetch(cid)
    assert time.monotonic() - t < 1.5  # 2 attempts × 0.2 s, not 2 × 0.6 s
    assert sandbox[1].stats()["by_scope"] == {"income": 2}
    assert c.store.count_records() == 0
    assert [r.outcome for r in c.audit(cid) if r.action == "fetch"] == ["provider_timeout"]


def test_one_failing_record_discards_the_others(connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
    """resident_registration and health_insurance succeed, income fails: none of the three is kept."""
    cid = granted(connector, ALL)
    sandbox[1].fault = Fault("down", scopes=("income",))
    with pytest.raises(ConnectorUnavailable):
        connector.fetch(cid)
    assert sandbox[1].stats()["by_scope"] == {"health_insurance": 1, "income": 2}
    assert connector.store.count_records() == 0
    fetches = [(r.scope, r.outcome) for r in connector.audit(cid) if r.action == "fetch"]
    assert fetches == [("health_insurance", "discarded"), ("income", "provider_unavailable"), ("resident_registration", "not_attempted")]
    sandbox[1].fault = None
    assert set(connector.fetch(cid)) == set(ALL)  # the next call succeeds (no turn lost)
    assert connector.store.count_records() == 3


def test_provider_unreachable(tmp_path: Path, clock: FakeClock) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    c = MyDataConnector(ConsentStore(f"sqlite:///{tmp_path / 'm.db'}"), make_client(f"http://127.0.0.1:{port}"), clock=clock)
    pending = c.request_consent("conv-9", ["income"], "eligibility_check", dt.timedelta(days=1))
    with pytest.raises(ConnectorUnavailable, match="unreachable"):
        c.grant(pending.id, test_identity="sandbox-01")
    assert c.get_consent(pending.id).status(clock()) == "pending"  # nothing activated
    assert c.audit(pending.id)[-1].outcome == "provider_unavailable"


def test_token_exchange_failure_activates_nothing(connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
    pending = connector.request_consent("conv-9", ["income"], "eligibility_check", dt.timedelta(days=1))
    sandbox[1].fault = Fault("down")
    with pytest.raises(ConnectorUnavailable):
        connector.grant(pending.id, test_identity="sandbox-01")
    assert sandbox[1].stats()["token_requests"] == 1  # a 5xx on the exchange is not retried: the code is single-use
    assert connector.get_consent(pending.id).stored_status == "pending"


def test_circuit_breaker_opens_and_recovers(tmp_path: Path, sandbox: tuple[str, SandboxState], clock: FakeClock) -> None:
    client = make_client(sandbox[0], breaker_fail_max=2, breaker_reset_s=0.3)
    c = MyDataConnector(ConsentStore(f"sqlite:///{tmp_path / 'm.db'}"), client, clock=clock)
    cid = granted(c, ["income"])
    sandbox[1].fault = Fault("down")
    for _ in range(2):
        with pytest.raises(ConnectorUnavailable, match="HTTP 503"):
            c.fetch(cid)
    assert sandbox[1].stats()["record_requests"] == 4  # 2 calls × 2 attempts
    with pytest.raises(ConnectorUnavailable, match="circuit open"):
        c.fetch(cid)
    assert sandbox[1].stats()["record_requests"] == 4  # the open breaker made no HTTP call
    sandbox[1].fault = None
    time.sleep(0.35)
    assert c.fetch(cid)["income"]["household_annual_income_krw"] == 60_000_000  # trial call succeeds, breaker closes
    assert client.breaker.state == "closed"


def test_refusals_do_not_trip_the_breaker(tmp_path: Path, sandbox: tuple[str, SandboxState], clock: FakeClock) -> None:
    from connectors.mydata.scopes import ConsentError

    client = make_client(sandbox[0], breaker_fail_max=2)
    c = MyDataConnector(ConsentStore(f"sqlite:///{tmp_path / 'm.db'}"), client, clock=clock)
    cid = granted(c, ["income"])
    token = c.get_consent(cid).access_token
    assert token
    for _ in range(3):
        with pytest.raises(ConsentError):
            client.get_record(token, "health_insurance")  # 403: the provider is fine
    assert client.breaker.state == "closed"
