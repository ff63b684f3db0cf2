"""The task API binds each application to its applicant: another applicant cannot read, list or cancel it,
nobody without credentials can do anything, and only the admin moves applications in the back office."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.settings import Settings
from connectors.resilience import CircuitBreaker
from connectors.tasks.auth import applicant_id_for_key, applicant_key
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.client import TasksClient
from connectors.tasks.service import create_app
from connectors.tasks.store import ApplicationNotFoundError, ApplicationStore

FACTS = {"age": 70, "income_pct_median": 40.0}
SECRET = "deployment-secret-0123456789abcdef0123"
KEY_A = applicant_key(SECRET, "telegram:1001")
KEY_B = applicant_key(SECRET, "telegram:1002")
TOKEN = "tasks-admin-token-0123456789"


def submit_body(key: str = "k1", **extra: Any) -> dict[str, Any]:
    return {"service_id": "S1", "service_name": "기초연금", "facts": FACTS, "idempotency_key": key, **extra}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ApplicationStore]:
    s = ApplicationStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    yield s
    s.db.dispose()


def client(store: ApplicationStore, **settings: Any) -> TestClient:
    conf = Settings(**({"api_token": TOKEN, "host": "0.0.0.0"} | settings))
    return TestClient(create_app(conf, store=store, checklists=ChecklistSource.fixed([])))


def test_applicant_key_is_an_hmac_of_the_sender_id() -> None:
    expected = hmac.new(SECRET.encode(), b"telegram:1001", hashlib.sha256).hexdigest()
    assert KEY_A == expected and KEY_A != KEY_B
    assert applicant_key("another-secret-0123456789abcdef01", "telegram:1001") != KEY_A
    assert applicant_id_for_key(KEY_A) == "ak:" + hashlib.sha256(KEY_A.encode()).hexdigest()
    with pytest.raises(ValueError):
        applicant_key("", "telegram:1001")


class TestApplicantBinding:
    def test_the_applicant_reads_and_cancels_their_own(self, store: ApplicationStore) -> None:
        c = client(store)
        r = c.post("/applications", json=submit_body(), headers={"X-Applicant-Key": KEY_A})
        assert r.status_code == 201, r.text
        receipt = r.json()["receipt"]
        assert r.json()["applicant_id"] == applicant_id_for_key(KEY_A)
        assert store.get(receipt).applicant_id == applicant_id_for_key(KEY_A)  # the key itself is not stored
        assert c.get(f"/applications/{receipt}", headers={"X-Applicant-Key": KEY_A}).json()["state"] == "submitted"
        assert [a["receipt"] for a in c.get("/applications", headers={"X-Applicant-Key": KEY_A}).json()] == [receipt]
        done = c.post(f"/applications/{receipt}/cancel", json={}, headers={"X-Applicant-Key": KEY_A})
        assert done.status_code == 200 and done.json()["state"] == "cancelled"

    def test_another_applicant_cannot_read_list_or_cancel(self, store: ApplicationStore) -> None:
        c = client(store)
        receipt = c.post("/applications", json=submit_body(), headers={"X-Applicant-Key": KEY_A}).json()["receipt"]
        b = {"X-Applicant-Key": KEY_B}
        read = c.get(f"/applications/{receipt}", headers=b)
        assert read.status_code == 404 and read.json()["error"] == "not_found"
        unknown = c.get("/applications/TK-20240101-00000000", headers=b).json()["detail"]
        assert read.json()["detail"].replace(receipt, "R") == unknown.replace("TK-20240101-00000000", "R")  # no probing
        assert c.get("/applications", headers=b).json() == []
        assert c.post(f"/applications/{receipt}/cancel", json={}, headers=b).status_code == 404
        # naming A's applicant id with B's key is refused outright
        a_id = applicant_id_for_key(KEY_A)
        assert c.get(f"/applications/{receipt}", params={"applicant_id": a_id}, headers=b).status_code == 403
        assert c.get("/applications", params={"applicant_id": a_id}, headers=b).status_code == 403
        assert c.post(f"/applications/{receipt}/cancel", json={"applicant_id": a_id}, headers=b).status_code == 403
        assert c.post("/applications", json=submit_body("k9", applicant_id=a_id), headers=b).status_code == 403
        # and the applicant cannot act as the back office
        moved = c.post(f"/applications/{receipt}/transition", json={"to": "approved"}, headers={"X-Applicant-Key": KEY_A})
        assert moved.status_code == 403
        assert store.get(receipt).state == "submitted" and store.count() == 1

    @pytest.mark.parametrize("key", ["short", "x" * 257])
    def test_malformed_keys_are_401(self, store: ApplicationStore, key: str) -> None:
        assert client(store).get("/applications", headers={"X-Applicant-Key": key}).status_code == 401


class TestCredentials:
    ROUTES = [("POST", "/applications", submit_body(applicant_id="u1")), ("GET", "/applications?applicant_id=u1", None),
              ("GET", "/applications/{r}?applicant_id=u1", None), ("POST", "/applications/{r}/cancel", {"applicant_id": "u1"}),
              ("POST", "/applications/{r}/transition", {"to": "in_review"})]

    def _receipt(self, store: ApplicationStore) -> str:
        return store.submit("S1", "기초연금", "u1", FACTS, [], "seed")[0].receipt

    @pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
    def test_without_credentials_everything_is_401(self, store: ApplicationStore, headers: dict[str, str]) -> None:
        c, r = client(store), self._receipt(store)
        for method, path, body in self.ROUTES:
            got = c.request(method, path.format(r=r), json=body, headers=headers)
            assert got.status_code == 401 and got.json()["error"] == "unauthorized", (method, path, got.text)
        assert store.get(r).state == "submitted" and store.count() == 1

    def test_no_token_on_a_public_bind_is_403(self, store: ApplicationStore) -> None:
        c, r = client(store, api_token=None, host="0.0.0.0"), self._receipt(store)
        for method, path, body in self.ROUTES:
            assert c.request(method, path.format(r=r), json=body).status_code == 403, (method, path)

    def test_the_admin_token_reads_any_and_runs_the_back_office(self, store: ApplicationStore) -> None:
        c, r = client(store), self._receipt(store)
        admin = {"Authorization": f"Bearer {TOKEN}"}
        assert c.get(f"/applications/{r}", headers=admin).json()["applicant_id"] == "u1"
        assert c.get(f"/applications/{r}", params={"applicant_id": "u2"}, headers=admin).status_code == 404
        assert c.post(f"/applications/{r}/transition", json={"to": "in_review"}, headers=admin).json()["state"] == "in_review"
        assert c.post("/applications", json=submit_body("k2"), headers=admin).status_code == 400  # must name an applicant
        assert c.get("/checklist/S1").status_code == 404 and c.get("/health").status_code == 200  # open: catalogue data

    def test_loopback_development_needs_no_token(self, store: ApplicationStore) -> None:
        c, r = client(store, api_token=None, host="127.0.0.1"), self._receipt(store)
        assert c.get(f"/applications/{r}").status_code == 200


def test_tasks_client_with_applicant_keys_over_http(store: ApplicationStore) -> None:
    app = create_app(Settings(api_token=TOKEN, host="0.0.0.0"), store=store, checklists=ChecklistSource.fixed([]))
    with LiveServer(app) as live, TasksClient(live.url, timeout=5, backoff=0.01, breaker=CircuitBreaker("t")) as c:
        mine = c.submit("S1", None, FACTS, [], "k1", service_name="기초연금", applicant_key=KEY_A)
        assert c.status(mine.receipt, applicant_key=KEY_A).state == "submitted"
        with pytest.raises(ApplicationNotFoundError):
            c.status(mine.receipt, applicant_key=KEY_B)
        with pytest.raises(ApplicationNotFoundError):
            c.cancel(mine.receipt, applicant_key=KEY_B)
        assert c.list(applicant_key=KEY_B) == []
        assert c.cancel(mine.receipt, applicant_key=KEY_A).state == "cancelled"
    with TasksClient.from_settings(Settings(api_token=TOKEN, tasks_url=live.url)) as admin:
        assert admin.api_token == TOKEN
    with LiveServer(app) as live, TasksClient(live.url, timeout=5, backoff=0.01, breaker=CircuitBreaker("t2"),
                                              api_token=TOKEN) as admin:
        assert admin.status(mine.receipt).state == "cancelled"  # the admin reads any applicant's


def test_the_deployment_secret_is_created_once_under_the_home_and_kept_private(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import stat

    from assistant.settings import Settings
    from connectors.tasks.auth import SECRET_FILE, deployment_secret

    settings = Settings(home=tmp_path / "home")
    first = deployment_secret(settings)
    assert len(first) == 64 and deployment_secret(settings) == first  # stable across calls (and restarts)
    assert stat.S_IMODE((tmp_path / "home" / SECRET_FILE).stat().st_mode) == 0o600
    assert deployment_secret(Settings(home=tmp_path / "other")) != first
    assert deployment_secret(Settings(home=tmp_path / "home", tasks_applicant_secret="configured")) == b"configured"
