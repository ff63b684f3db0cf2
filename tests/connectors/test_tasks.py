"""The task back end: store (SQLite and PostgreSQL), HTTP service through TasksClient on a real uvicorn,
idempotency under retries and races, the state machine, faults, and the checklist from real 구비서류."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live_server import LateAnswers, LiveServer  # type: ignore[import-not-found]
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from assistant.errors import ConnectorError, ConnectorTimeout, ConnectorUnavailable
from connectors.resilience import CircuitBreaker, CircuitOpenError
from connectors.tasks.checklist import ChecklistSource, mydata_record_for, parse_required_documents
from connectors.tasks.client import TasksClient
from connectors.tasks.service import create_app
from connectors.tasks.store import (
    ApplicationNotFoundError,
    ApplicationStore,
    IdempotencyConflictError,
    InvalidTransitionError,
)

FACTS = {"age": 70, "income_pct_median": 40.0}
RECEIPT = re.compile(r"^TK-\d{8}-[0-9A-HJKMNP-TV-Z]{8}$")


@pytest.fixture
def store(db_url: str) -> Iterator[ApplicationStore]:
    s = ApplicationStore(db_url)
    yield s
    s.db.dispose()


# --- store: SQLite and PostgreSQL --------------------------------------------------------------------


class TestApplicationStore:
    def test_submit_status_cancel(self, store: ApplicationStore) -> None:
        app, created = store.submit("S1", "기초연금", "u1", FACTS, [{"name": "신분증"}], "k1")
        assert created and app.state == "submitted" and RECEIPT.match(app.receipt)
        got = store.get(app.receipt, "u1")
        assert (got.service_id, got.facts, got.checklist) == ("S1", FACTS, [{"name": "신분증"}])
        cancelled = store.cancel(app.receipt, "u1")
        assert cancelled.state == "cancelled"
        assert [h["to"] for h in cancelled.history] == ["submitted", "cancelled"]
        assert store.cancel(app.receipt, "u1").state == "cancelled"  # a retried cancel is a no-op
        assert len(store.get(app.receipt).history) == 2

    def test_same_key_twice_is_one_application(self, store: ApplicationStore) -> None:
        a, c1 = store.submit("S1", "", "u1", FACTS, [], "k1")
        b, c2 = store.submit("S1", "", "u1", FACTS, [], "k1")
        assert (c1, c2, a.receipt) == (True, False, b.receipt)
        assert store.count() == 1
        other, created = store.submit("S1", "", "u2", FACTS, [], "k1")  # keys are per applicant
        assert created and other.receipt != a.receipt and store.count() == 2

    def test_racing_retries_store_one(self, store: ApplicationStore) -> None:
        receipts: list[str] = []
        errors: list[BaseException] = []

        def go() -> None:
            try:
                receipts.append(store.submit("S1", "", "u1", FACTS, [], "race")[0].receipt)
            except BaseException as e:  # noqa: B036 - reported below
                errors.append(e)

        threads = [threading.Thread(target=go) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and len(set(receipts)) == 1 and store.count() == 1

    def test_key_reused_for_another_request(self, store: ApplicationStore) -> None:
        store.submit("S1", "", "u1", FACTS, [], "k1")
        with pytest.raises(IdempotencyConflictError, match="different request"):
            store.submit("S2", "", "u1", FACTS, [], "k1")
        assert store.count() == 1

    @pytest.mark.parametrize(
        ("path", "bad", "allowed"),
        [([], "approved", "cancelled, in_review"),
         (["in_review", "approved"], "cancelled", "none"),
         (["in_review", "rejected"], "in_review", "none"),
         (["cancelled"], "in_review", "none")],
    )
    def test_invalid_transitions(self, store: ApplicationStore, path: list[str], bad: str, allowed: str) -> None:
        app, _ = store.submit("S1", "", "u1", FACTS, [], "k1")
        for to in path:
            store.transition(app.receipt, to)
        state = path[-1] if path else "submitted"
        with pytest.raises(InvalidTransitionError, match=f"is {state}; it cannot become {bad} .*{allowed}"):
            store.transition(app.receipt, bad)
        assert store.get(app.receipt).state == state

    def test_not_found_and_other_applicant(self, store: ApplicationStore) -> None:
        app, _ = store.submit("S1", "", "u1", FACTS, [], "k1")
        for receipt, who in [("TK-20260101-00000000", "u1"), (app.receipt, "someone-else")]:
            with pytest.raises(ApplicationNotFoundError):
                store.get(receipt, who)
        with pytest.raises(ApplicationNotFoundError):
            store.cancel(app.receipt, "someone-else")
        assert store.get(app.receipt).state == "submitted"


def test_receipts_are_unique_and_well_formed() -> None:
    store = ApplicationStore("sqlite://")
    receipts = {store.submit("S1", "", "u", {}, [], f"k{i}")[0].receipt for i in range(300)}
    assert len(receipts) == 300 and all(RECEIPT.match(r) for r in receipts)


# --- HTTP: real uvicorn, TasksClient ---------------------------------------------------------------


@pytest.fixture
def tasks_app(db_url: str) -> Iterator[tuple[FastAPI, ApplicationStore]]:
    store = ApplicationStore(db_url)
    yield create_app(store=store, checklists=ChecklistSource.fixed([])), store
    store.db.dispose()


def test_http_submit_status_cancel_list(tasks_app: tuple[FastAPI, ApplicationStore]) -> None:
    app, store = tasks_app
    with LiveServer(app) as live, TasksClient(live.url, timeout=5, backoff=0.01, breaker=CircuitBreaker("t")) as c:
        r = c.submit("S1", "u1", FACTS, [{"name": "주민등록등본", "mydata_record": "resident_registration",
                                          "provided": "mydata", "consent_id": "c-1"}], "k1", service_name="기초연금")
        assert r.created and r.state == "submitted" and RECEIPT.match(r.receipt)
        again = c.submit("S1", "u1", FACTS, [{"name": "주민등록등본", "mydata_record": "resident_registration",
                                              "provided": "mydata", "consent_id": "c-1"}], "k1", service_name="기초연금")
        assert (again.created, again.receipt) == (False, r.receipt)
        assert store.count() == 1
        assert c.status(r.receipt, "u1").checklist[0]["provided"] == "mydata"
        assert [x.receipt for x in c.list("u1")] == [r.receipt]
        httpx.post(f"{live.url}/applications/{r.receipt}/transition", json={"to": "in_review"}).raise_for_status()
        assert c.status(r.receipt, "u1").state == "in_review"
        assert c.cancel(r.receipt, "u1").state == "cancelled"
        with pytest.raises(ApplicationNotFoundError):
            c.status(r.receipt, "u2")
        with pytest.raises(IdempotencyConflictError):
            c.submit("S2", "u1", FACTS, [], "k1")
        r2 = c.submit("S1", "u1", FACTS, [], "k2")
        httpx.post(f"{live.url}/applications/{r2.receipt}/transition", json={"to": "in_review"}).raise_for_status()
        httpx.post(f"{live.url}/applications/{r2.receipt}/transition", json={"to": "approved"}).raise_for_status()
        with pytest.raises(InvalidTransitionError, match="approved; it cannot become cancelled"):
            c.cancel(r2.receipt, "u1")
        bad = httpx.post(f"{live.url}/applications/{r2.receipt}/transition", json={"to": "submitted"})
        assert bad.status_code == 422
        assert c.breaker.state == "closed"  # refusals do not count against the back end


def test_retry_after_timeout_creates_one_application(tasks_app: tuple[FastAPI, ApplicationStore]) -> None:
    app, store = tasks_app
    slow = LateAnswers(app, "POST", "/applications", delay=1.5)
    with LiveServer(slow) as live, TasksClient(live.url, timeout=0.5, retries=3, backoff=0.01,
                                                breaker=CircuitBreaker("t")) as c:
        r = c.submit("S1", "u1", FACTS, [], "conv-1:S1")
        assert slow.slowed == 1
        assert r.created is False  # the first attempt stored it; the retry got its receipt back
        assert store.count() == 1 and store.get(r.receipt).receipt == r.receipt


def _fault_app(kind: str, hits: list[int]) -> FastAPI:
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    async def any_path(request: Request, path: str) -> Response:
        hits.append(1)
        if kind == "garbage":
            return PlainTextResponse("<html>maintenance</html>", status_code=200)
        if kind == "slow":
            await asyncio.sleep(2)
        return PlainTextResponse("boom", status_code=500)

    return app


@pytest.mark.parametrize(("kind", "error", "attempts"),
                         [("down", ConnectorUnavailable, 2), ("slow", ConnectorTimeout, 2), ("garbage", ConnectorError, 1),
                          ("5xx", ConnectorUnavailable, 2)])
def test_back_end_faults_are_clear_errors(kind: str, error: type[Exception], attempts: int) -> None:
    hits: list[int] = []
    if kind == "down":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{s.getsockname()[1]}"
        with TasksClient(url, timeout=0.3, retries=2, backoff=0.01, breaker=CircuitBreaker("t")) as c, \
                pytest.raises(error, match="tasks service at .* is unreachable"):
            c.submit("S1", "u1", FACTS, [], "k")
        return
    with LiveServer(_fault_app(kind, hits)) as live, \
            TasksClient(live.url, timeout=0.3, retries=2, backoff=0.01, breaker=CircuitBreaker("t")) as c, \
            pytest.raises(error) as info:
        c.submit("S1", "u1", FACTS, [], "k")
    assert len(hits) == attempts
    assert "u1" not in str(info.value)  # no applicant data in errors


# --- circuit breaker --------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_breaker_opens_fails_fast_and_recovers_half_open() -> None:
    clock = Clock()
    calls: list[int] = []
    healthy = {"ok": False}

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if healthy["ok"]:
            return httpx.Response(200, json=[])
        return httpx.Response(503, text="down")

    breaker = CircuitBreaker("tasks", fail_max=3, reset_timeout=10, clock=clock)
    c = TasksClient("http://tasks.test", timeout=1, retries=2, backoff=0.001, transport=httpx.MockTransport(handler),
                    breaker=breaker)
    for _ in range(3):
        with pytest.raises(ConnectorUnavailable, match="2 attempts"):
            c.list("u1")
    assert breaker.state == "open" and len(calls) == 6
    with pytest.raises(CircuitOpenError, match="circuit open after 3 failed calls"):
        c.list("u1")
    assert len(calls) == 6  # failed fast: nothing sent
    clock.t = 10.5
    assert breaker.state == "half-open"
    with pytest.raises(ConnectorUnavailable):  # the trial fails: open again
        c.list("u1")
    assert breaker.state == "open" and len(calls) == 8
    clock.t = 21
    healthy["ok"] = True
    assert c.list("u1") == [] and breaker.state == "closed" and breaker.failures == 0


def test_breaker_ignores_refusals_and_resets_on_success() -> None:
    breaker = CircuitBreaker("x", fail_max=2, reset_timeout=10)
    c = TasksClient("http://tasks.test", timeout=1, retries=1, transport=httpx.MockTransport(
        lambda r: httpx.Response(404, json={"detail": "no application", "error": "not_found"})), breaker=breaker)
    for _ in range(5):
        with pytest.raises(ApplicationNotFoundError):
            c.status("TK-1", "u1")
    assert breaker.state == "closed" and breaker.failures == 0


def test_eligibility_client_has_the_breaker_too() -> None:
    from connectors.eligibility.client import EligibilityClient
    from connectors.eligibility.facts import Facts

    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(500, text="x")

    c = EligibilityClient("http://elig.test", timeout=1, retries=1, transport=httpx.MockTransport(handler),
                          breaker=CircuitBreaker("e", fail_max=2, reset_timeout=60))
    for _ in range(2):
        with pytest.raises(ConnectorUnavailable):
            c.check(Facts())
    with pytest.raises(CircuitOpenError, match="eligibility service at http://elig.test is failing"):
        c.check(Facts())
    assert len(calls) == 2


def test_breakers_are_shared_per_base_url() -> None:
    a = TasksClient("http://shared.test/tasks")
    b = TasksClient("http://shared.test/tasks/")
    assert a.breaker is b.breaker and TasksClient("http://other.test").breaker is not a.breaker


# --- checklist from the real catalogue ---------------------------------------------------------------


def _names(items: list[Any]) -> list[tuple[str, str, bool, str | None]]:
    return [(d.name, d.applies_to, d.official_check, d.mydata_record) for d in items]


# Expected items written by hand from each record's 구비서류 (gov24_serviceDetail_snapshot.json).
EXPECTED: dict[str, list[tuple[str, str, bool, str | None]]] = {
    # ○ 신청인 제출 서류 / - 공통: … / - 산전관리비: … / - 분만비: … / ○ 공무원 확인가능 서류 - 주민등록등본
    "420000000161": [("신분증", "공통", False, None), ("혼인관계증명서", "공통", False, None),
                     ("가족관계증명서", "공통", False, None), ("임신확인서", "산전관리비", False, None),
                     ("진료비영수증", "산전관리비", False, None), ("상세내역서", "산전관리비", False, None),
                     ("출생증명서", "분만비", False, None), ("영수증", "분만비", False, None),
                     ("상세내역서", "분만비", False, None), ("주민등록등본", "", True, "resident_registration")],
    # 방문신청 필수 : 신분증 / 신청인 제출서류 (3) / 공무원 확인가능 서류: 주민등록등본, 가족관계증명서
    "427000000197": [("신분증", "방문신청 필수", False, None), ("영월군 다자녀가정 교육비 지원 신청서", "", False, None),
                     ("통장사본", "", False, None), ("재학증명서", "", False, None),
                     ("주민등록등본", "", True, "resident_registration"), ("가족관계증명서", "", True, None)],
    # <온라인 신청 시 제출서류> : 없음 / <방문 신청 시 지참서류> 1) 본인 방문 시 … 2) 대리인 방문 시 …
    "O00388400008": [("장애인증명서", "본인 방문 시", False, None), ("신분증", "본인 방문 시", False, None),
                     ("장애인증명서", "대리인 방문 시", False, None), ("신분증", "대리인 방문 시", False, None),
                     ("위임장", "대리인 방문 시", False, None)],
    # 주민등록등본, 소득금액증명원(직불금 비수령 농가), 경영체 등록증
    "449000000114": [("주민등록등본", "", False, "resident_registration"), ("소득금액증명원", "", False, "income"),
                     ("경영체 등록증", "", False, None)],
    # - 사업참여 신청서 및 개인정보 수집·이용·제공 동의서 / - 취업취약계층, 취업보호대상자 등 증빙서류(해당자에 한함)
    "629000000186": [("사업참여 신청서", "", False, None), ("개인정보 수집·이용·제공 동의서", "", False, None),
                     ("취업취약계층, 취업보호대상자 등 증빙서류", "", False, None)],
    "476000000114": [],  # 구비서류없음
    "401000000502": [],  # 해당없음
}


@pytest.mark.parametrize("service_id", sorted(EXPECTED))
def test_checklist_of_real_records(service_id: str, gov24_details: dict[str, dict[str, Any]]) -> None:
    assert _names(parse_required_documents(gov24_details[service_id]["구비서류"])) == EXPECTED[service_id]


def test_checklist_notes_alternatives_and_quantities(gov24_details: dict[str, dict[str, Any]]) -> None:
    items = parse_required_documents(gov24_details["421000000630"]["구비서류"])
    first = items[0]
    assert first.alternatives == ("비급여 보장구 급여(구입) 신청서", "비급여 보장구 급여(수리) 신청서")
    rx = next(d for d in items if d.name.endswith("보조기기 처방전"))
    assert rx.note == "비급여 보장구 급여(구입) 신청시"  # nested parentheses kept whole, "1부" dropped
    items = parse_required_documents(gov24_details["420000000161"]["구비서류"])
    assert items[1].note == "상세" and items[-1].group.startswith("공무원 확인가능 서류")


def test_mydata_mapping_respects_available_records() -> None:
    assert mydata_record_for("건강보험 자격득실 확인서") == "health_insurance"
    assert mydata_record_for("건강보험자격득실확인서") == "health_insurance"
    assert mydata_record_for("소득금액증명원") == "income"
    assert mydata_record_for("주민등록 등·초본") == "resident_registration"
    assert mydata_record_for("주민등록초본") is None and mydata_record_for("건강보험료 납부확인서") is None
    assert mydata_record_for("주민등록등본", available_records=["income"]) is None
    items = parse_required_documents("주민등록등본, 소득금액증명원", available_records=["income"])
    assert [d.mydata_record for d in items] == [None, "income"]


def test_checklist_endpoint(gov24_details: dict[str, dict[str, Any]]) -> None:
    from assistant.knowledge.documents import Document, Section

    rec = gov24_details["449000000114"]
    doc = Document("449000000114", "t", "a", "https://www.gov.kr/x", "ko", "", "gov24",
                   (Section("신청방법", "방문"), Section("구비서류", rec["구비서류"])), {"conditions": {}})
    app = create_app(store=ApplicationStore("sqlite://"), checklists=ChecklistSource.fixed([doc]))
    with LiveServer(app) as live, TasksClient(live.url, breaker=CircuitBreaker("t")) as c:
        out = c.checklist("449000000114")
        assert [d["name"] for d in out["documents"]] == ["주민등록등본", "소득금액증명원", "경영체 등록증"]
        assert out["mydata_records"] == ["resident_registration", "income"] and out["how_to_apply"] == "방문"
        only_income = c.checklist("449000000114", records=["income"])
        assert only_income["mydata_records"] == ["income"]
        from connectors.eligibility.catalogue import UnknownServiceError

        with pytest.raises(UnknownServiceError):
            c.checklist("nope")


@pytest.mark.parametrize(("exc", "kind"), [(ConnectorTimeout("http://x slow"), "timeout"),
                                           (CircuitOpenError("http://x open", 12.0), "unavailable"),
                                           (ConnectorError("http://x garbage"), "error")])
@pytest.mark.parametrize("language", ["ko", "en"])
def test_failure_reply_is_polite_and_offers_handoff(exc: ConnectorError, kind: str, language: str) -> None:
    from connectors.resilience import failure_reply

    out = failure_reply(exc, "tasks", language)
    assert out["kind"] == kind and out["handoff_offer"] is True and "http://" not in out["text"]
    assert ("상담원" in out["text"]) if language == "ko" else ("agent" in out["text"])
    assert out["retry_in"] == (12.0 if isinstance(exc, CircuitOpenError) else None)


def test_documents_under_a_proxy_header_are_for_a_proxy_only() -> None:
    """s45 probe: 에너지바우처's 구비서류 (as published) lists 위임장 and 대리인의 신분증 사본 under "○대리신청"; every
    applicant was told to bring them. They apply to that case, and the list to bring says so."""
    from connectors.tasks.dialogue import checklist_items, format_checklist

    text = ("○공통서류\r\n - 에너지이용권 발급 신청서(읍면동 비치)\r\n - 전기요금고지서(여름 바우처) 또는 에너지 요금고지서(겨울 바우처)"
            "\r\n○대리신청\r\n - 대상자(수급자) 위임장\r\n - 대리인의 신분증 사본")
    items = parse_required_documents(text)
    assert [(d.name, d.applies_to) for d in items] == [
        ("에너지이용권 발급 신청서", ""), ("전기요금고지서(여름 바우처) 또는 에너지 요금고지서", ""),
        ("대상자(수급자) 위임장", "대리신청"), ("대리인의 신분증 사본", "대리신청")]
    _lines, bring = format_checklist(checklist_items([d.to_json() for d in items]), "https://www.gov.kr/x", "ko")
    assert bring == ("에너지이용권 발급 신청서, 전기요금고지서(여름 바우처) 또는 에너지 요금고지서, "
                     "대상자(수급자) 위임장 (대리 신청 시에만), 대리인의 신분증 사본 (대리 신청 시에만)")
