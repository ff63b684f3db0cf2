"""Benefit alerts: a catalogue change or a facts change that makes a new service eligible notifies once
(to a real local HTTP callback server, or the widget inbox); failures are retried on the next run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live_server import LiveServer  # type: ignore[import-not-found]
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from connectors.alerts.engine import AlertEngine, ServiceEvaluator
from connectors.alerts.notifiers import RestCallbackNotifier, WidgetInboxNotifier
from connectors.alerts.service import create_app
from connectors.alerts.store import AlertStore
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.service import CatalogueSource, EligibilityService

CONSENT = {"granted": True, "text": "새로 받을 수 있는 혜택이 생기면 알려 드립니다.", "purpose": "benefit alerts"}


def _svc(sid: str) -> ServiceInfo:
    return ServiceInfo(sid, f"서비스 {sid}", f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}", "기관", ("기초연금법 제3조",))


def _catalogue(version: str, extra: bool) -> Catalogue:
    """S1: age 65+ (a 70-year-old is eligible); S2: age 0-5; with ``extra`` also S3: age 60+ (new match)."""
    records: list[tuple[ServiceInfo, dict[str, Any]]] = [(_svc("S1"), {"JA0110": 65, "JA0111": 130}),
                                                         (_svc("S2"), {"JA0110": 0, "JA0111": 5})]
    if extra:
        records.append((_svc("S3"), {"JA0110": 60, "JA0111": 130}))
    return Catalogue.from_records(records, version=version)


class Holder:
    """A catalogue source whose catalogue the test swaps (a re-import)."""

    def __init__(self) -> None:
        self.cat = _catalogue("v1", extra=False)

    def source(self) -> CatalogueSource:
        return CatalogueSource(lambda _stamp: self.cat, lambda: self.cat.version, "test")


class Callback:
    """A real HTTP callback server recording what it received; fails the first ``fail`` requests with 503."""

    def __init__(self, fail: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        self.fail = fail
        self.app = FastAPI()

        @self.app.post("/hook")
        async def hook(request: Request) -> JSONResponse:
            self.attempts += 1
            if self.attempts <= self.fail:
                return JSONResponse({"error": "busy"}, status_code=503)
            self.received.append(await request.json())
            return JSONResponse({"ok": True})


@pytest.fixture
def holder() -> Holder:
    return Holder()


@pytest.fixture
def engine(db_url: str, holder: Holder) -> Iterator[AlertEngine]:
    store = AlertStore(db_url)
    yield AlertEngine(store, ServiceEvaluator(EligibilityService(holder.source())),
                      {"rest": RestCallbackNotifier(timeout=2, retries=2, backoff=0.01), "widget": WidgetInboxNotifier()},
                      retry_delay=0.0)
    store.db.dispose()


def test_catalogue_change_notifies_once_over_a_real_callback(engine: AlertEngine, holder: Holder) -> None:
    cb = Callback()
    with LiveServer(cb.app) as live:
        sub = engine.subscribe("citizen-1", "rest", f"{live.url}/hook", CONSENT, {"age": 70})
        assert sub.last_eligible == ("S1",)
        assert engine.run_once().notified == 0 and cb.received == []  # nothing changed
        holder.cat = _catalogue("v2", extra=True)
        report = engine.run_once()
        assert (report.evaluated, report.notified, report.delivered) == (1, 1, 1)
        assert len(cb.received) == 1
        body = cb.received[0]
        assert body["type"] == "new_eligible_services" and body["catalogue_version"] == "v2"
        assert [s["service_id"] for s in body["services"]] == ["S3"]  # S1 was already eligible
        assert body["services"][0]["sources"][0]["legal_basis"] == ["기초연금법 제3조"]
        again = engine.run_once()
        assert (again.evaluated, again.notified, again.delivered) == (0, 0, 0) and len(cb.received) == 1


def test_facts_change_notifies(engine: AlertEngine) -> None:
    cb = Callback()
    with LiveServer(cb.app) as live:
        engine.subscribe("citizen-2", "rest", f"{live.url}/hook", CONSENT, {"age": 70})
        engine.update_facts("citizen-2", {"age": 4})  # now about the child: S2 becomes eligible
        assert engine.run_once().notified == 1
        assert [s["service_id"] for s in cb.received[0]["services"]] == ["S2"]
        assert engine.run_once().notified == 0 and len(cb.received) == 1


def test_failing_callback_is_retried_on_the_next_run(engine: AlertEngine, holder: Holder) -> None:
    cb = Callback(fail=2)  # retries=2 within a run: the first run fails twice
    with LiveServer(cb.app) as live:
        engine.subscribe("citizen-3", "rest", f"{live.url}/hook", CONSENT, {"age": 70})
        holder.cat = _catalogue("v2", extra=True)
        first = engine.run_once()
        assert (first.notified, first.delivered, first.failed) == (1, 0, 1) and cb.attempts == 2
        [note] = engine.store.notifications("citizen-3")
        assert (note.status, note.attempts) == ("pending", 1) and "503" in (note.last_error or "")
        second = engine.run_once()
        assert (second.notified, second.delivered) == (0, 1) and len(cb.received) == 1
        assert engine.store.notifications("citizen-3")[0].status == "delivered"


def test_widget_inbox_over_http(engine: AlertEngine, holder: Holder) -> None:
    with LiveServer(create_app(engine=engine)) as live:
        r = httpx.post(f"{live.url}/subscriptions", json={"subscriber_id": "w1", "channel": "widget", "address": "w1",
                                                          "facts": {"age": 70}, "consent": CONSENT})
        assert r.status_code == 201, r.text
        holder.cat = _catalogue("v2", extra=True)
        assert httpx.post(f"{live.url}/run").json()["notified"] == 1
        pending = httpx.get(f"{live.url}/alerts/w1/pending").json()
        assert [[s["service_id"] for s in p["services"]] for p in pending] == [["S3"]]
        assert httpx.get(f"{live.url}/alerts/w1/pending").json() == []  # marked delivered
        assert httpx.delete(f"{live.url}/subscriptions/w1").json() == {"deleted": True}
        assert httpx.get(f"{live.url}/subscriptions/w1").status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [({"consent": {"granted": False, "text": "x"}}, "consent"),
     ({"channel": "fax"}, "unknown channel 'fax'; channels: rest, widget"),
     ({"facts": {"agee": 3}}, "agee")],
)
def test_subscribe_refusals(engine: AlertEngine, body: dict[str, Any], message: str) -> None:
    base = {"subscriber_id": "x", "channel": "widget", "address": "x", "facts": {"age": 70}, "consent": CONSENT}
    with LiveServer(create_app(engine=engine)) as live:
        r = httpx.post(f"{live.url}/subscriptions", json={**base, **body})
        assert r.status_code == 400 and __import__("re").search(message, r.json()["detail"])
    assert engine.store.all() == []


def test_cli_alerts_run(tmp_path: Any, holder: Holder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``assistant alerts run`` against an eligibility service over HTTP and the alert store in ASSISTANT_HOME."""
    import json

    from assistant.cli import main
    from assistant.settings import Settings
    from connectors.alerts.service import build_engine
    from connectors.eligibility.service import create_app as create_eligibility_app

    with LiveServer(create_eligibility_app(service=EligibilityService(holder.source()))) as elig:
        monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
        monkeypatch.setenv("ASSISTANT_ELIGIBILITY_URL", elig.url)
        build_engine(Settings()).subscribe("cli-1", "widget", "cli-1", CONSENT, {"age": 70})
        holder.cat = _catalogue("v2", extra=True)
        assert main(["alerts", "run", "--json"]) == 0
        assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["notified"] == 1
        assert main(["alerts", "run", "--json"]) == 0
        assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["notified"] == 0
        assert [p["services"][0]["service_id"] for p in build_engine(Settings()).pending("cli-1")] == ["S3"]
