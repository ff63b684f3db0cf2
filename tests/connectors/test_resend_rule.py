"""When a failed request is sent again (assistant/http_retry.py, RFC 9110 §9.2.2), over the real back ends.

Before (s20 note): every connector and channel client resent any request after a read timeout or a 5xx, so a
Telegram push whose answer came late was shown twice or three times, a subscriber's callback was told twice, and the
alerts inbox read (a GET that claims what it returns) came back empty on the resend: the notifications the first
read claimed were lost without an error. Look-ups sent as POST and requests with an ``Idempotency-Key`` are still
resent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from live_server import LateAnswers, LiveServer  # type: ignore[import-not-found]

from assistant.errors import ConnectorTimeout
from assistant.http_retry import is_idempotent, safe_to_resend
from connectors.alerts.client import AlertsClient
from connectors.alerts.engine import AlertEngine, ServiceEvaluator
from connectors.alerts.notifiers import DeliveryError, RestCallbackNotifier, WidgetInboxNotifier
from connectors.alerts.service import create_app as create_alerts_app
from connectors.alerts.store import AlertStore
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.client import EligibilityClient
from connectors.eligibility.service import CatalogueSource, EligibilityService
from connectors.eligibility.service import create_app as create_eligibility_app
from connectors.resilience import CircuitBreaker
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.client import TasksClient
from connectors.tasks.service import create_app as create_tasks_app
from connectors.tasks.store import ApplicationStore

# --- the rule itself: each row is RFC 9110 §9.2.2 / §15.6.4 and RFC 6585 §4 read by hand -------------------------

SENT_NOT_ANSWERED = [httpx.ReadTimeout("late"), httpx.RemoteProtocolError("dropped"), httpx.ReadError("reset")]
NOT_SENT = [httpx.ConnectError("refused"), httpx.ConnectTimeout("no syn-ack"), httpx.PoolTimeout("no connection")]


@pytest.mark.parametrize("error", NOT_SENT)
@pytest.mark.parametrize("idempotent", [False, True])
def test_a_request_that_never_left_is_always_resent(error: Exception, idempotent: bool) -> None:
    assert safe_to_resend(error, idempotent) is True


@pytest.mark.parametrize("error", SENT_NOT_ANSWERED)
def test_a_request_that_may_have_been_handled_is_resent_only_when_idempotent(error: Exception) -> None:
    assert safe_to_resend(error, idempotent=False) is False
    assert safe_to_resend(error, idempotent=True) is True


@pytest.mark.parametrize(("status", "not_idempotent", "idempotent"),
                         [(429, True, True), (503, True, True),  # said it did not handle it
                          (500, False, True), (502, False, True), (504, False, True)])  # may have handled it
def test_answers(status: int, not_idempotent: bool, idempotent: bool) -> None:
    error = RuntimeError(f"HTTP {status}")
    assert safe_to_resend(error, False, status) is not_idempotent
    assert safe_to_resend(error, True, status) is idempotent


@pytest.mark.parametrize(("method", "headers", "expected"),
                         [("GET", None, True), ("get", None, True), ("PUT", None, True), ("DELETE", None, True),
                          ("HEAD", None, True), ("OPTIONS", None, True), ("POST", None, False), ("PATCH", None, False),
                          ("POST", {"Idempotency-Key": "fx-1"}, True), ("POST", {"idempotency-key": "fx-1"}, True),
                          ("POST", {"Idempotency-Key": "  "}, False), ("POST", {"X-Request-Id": "r1"}, False)])
def test_idempotent_by_method_and_key(method: str, headers: dict[str, str] | None, expected: bool) -> None:
    assert is_idempotent(method, headers) is expected


# --- over real back ends -------------------------------------------------------------------------------------------

def _catalogue(version: str, services: list[str]) -> Catalogue:
    """Services open to anyone aged 60 or more."""
    return Catalogue.from_records(
        [(ServiceInfo(s, f"서비스 {s}", f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{s}", "기관", ()), {"JA0110": 60, "JA0111": 130})
         for s in services], version=version)


class Holder:
    def __init__(self) -> None:
        self.cat = _catalogue("v1", ["S1"])

    def source(self) -> CatalogueSource:
        return CatalogueSource(lambda _stamp: self.cat, lambda: self.cat.version, "test")


@pytest.fixture
def alerts(db_url: str) -> Iterator[tuple[AlertEngine, Holder]]:
    holder, store = Holder(), AlertStore(db_url)
    yield AlertEngine(store, ServiceEvaluator(EligibilityService(holder.source())), {"widget": WidgetInboxNotifier()},
                      retry_delay=0.0), holder
    store.db.dispose()


CONSENT = {"granted": True, "text": "새로 받을 수 있는 혜택이 생기면 알려 드립니다.", "purpose": "benefit alerts"}


def test_an_inbox_read_whose_answer_was_lost_is_an_error_not_an_empty_inbox(alerts: tuple[AlertEngine, Holder]) -> None:
    engine, holder = alerts
    app = LateAnswers(create_alerts_app(engine=engine), "GET", "/alerts/w1/pending")
    with LiveServer(app) as live, AlertsClient(live.url, timeout=0.5, retries=3, backoff=0.01,
                                               breaker=CircuitBreaker("alerts-test")) as client:
        r = httpx.post(f"{live.url}/subscriptions", json={"subscriber_id": "w1", "channel": "widget", "address": "w1",
                                                          "facts": {"age": 70}, "consent": CONSENT})
        assert r.status_code == 201, r.text
        holder.cat = _catalogue("v2", ["S1", "S2"])
        assert httpx.post(f"{live.url}/run").json()["notified"] == 1
        # the first read claims S2's notification and its answer is lost: the caller must hear that, not "nothing new"
        with pytest.raises(ConnectorTimeout, match="1 attempt; not sent again: it may have been handled"):
            client.pending("w1")
        assert app.hits == 1
        # the non-claiming read and the acknowledgement (safe to resend) still work as before
        assert client.peek("w1") == []


def test_a_look_up_sent_as_post_is_resent_after_a_late_answer(tmp_path: Any) -> None:
    holder = Holder()
    app = LateAnswers(create_eligibility_app(service=EligibilityService(holder.source())), "POST", "/check")
    with LiveServer(app) as live, EligibilityClient(live.url, timeout=0.5, retries=3, backoff=0.01,
                                                    breaker=CircuitBreaker("elig-test")) as client:
        report = client.check({"age": 70})
        assert app.hits == 2  # the late one, then the resend that answered
        assert [r.service_id for r in report.results if r.status == "eligible"] == ["S1"]


def test_a_cancellation_is_resent_and_a_submission_by_key_gives_one_application(db_url: str) -> None:
    store = ApplicationStore(db_url)
    try:
        app = LateAnswers(create_tasks_app(store=store, checklists=ChecklistSource.fixed([])), "POST", "/applications/",
                          prefix=True)
        with LiveServer(app) as live, TasksClient(live.url, timeout=0.5, retries=3, backoff=0.01,
                                                  breaker=CircuitBreaker("tasks-test")) as client:
            r = client.submit("S1", "u1", {"age": 70}, [], "conv-9:S1")
            cancelled = client.cancel(r.receipt, "u1", "mistake")  # its first answer is late: resent, a no-op
            assert app.hits == 2 and cancelled.state == "cancelled"
            assert [h["to"] for h in cancelled.history].count("cancelled") == 1
            assert store.count() == 1
    finally:
        store.db.dispose()


class CallbackHook:
    """A subscriber's real callback server: ``mode`` ``late`` (takes it, answers after 1.5 s) or ``busy`` (503 first)."""

    def __init__(self, mode: str) -> None:
        self.mode, self.received, self.app = mode, 0, FastAPI()

        @self.app.post("/hook")
        async def hook(request: Request) -> JSONResponse:
            self.received += 1
            if self.mode == "late" and self.received == 1:
                await asyncio.sleep(1.5)
            if self.mode == "busy" and self.received == 1:
                return JSONResponse({"error": "busy"}, status_code=503)
            return JSONResponse({"ok": True})


def test_a_callback_that_may_have_got_the_notice_is_not_told_again_in_the_run() -> None:
    hook = CallbackHook("late")
    with LiveServer(hook.app) as live:
        notifier = RestCallbackNotifier(timeout=0.5, retries=3, backoff=0.01)
        with pytest.raises(DeliveryError, match="1 attempt"):
            notifier.send(f"{live.url}/hook", {"id": 1, "type": "new_eligible_services"})
        assert hook.received == 1


def test_a_callback_that_said_busy_is_told_again_in_the_run() -> None:
    hook = CallbackHook("busy")
    with LiveServer(hook.app) as live:
        RestCallbackNotifier(timeout=2, retries=3, backoff=0.01).send(f"{live.url}/hook", {"id": 1})
        assert hook.received == 2
