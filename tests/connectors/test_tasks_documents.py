"""Documents supplied through MyData in the task back end (connectors/tasks/store.py, service.py, client.py) and
the helpers that decide which consent covers a document (connectors/tasks/documents.py): SQLite and PostgreSQL,
real uvicorn for the HTTP API. The conversation over both sandboxes is in tests/mydata/test_application_documents.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.errors import InvalidInputError
from connectors.mydata.store import Consent
from connectors.resilience import CircuitBreaker
from connectors.tasks.auth import applicant_id_for_key
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.client import TasksClient
from connectors.tasks.documents import attach_documents, documents_summary, lapsed_consents, needed_records, usable_consent
from connectors.tasks.service import create_app
from connectors.tasks.store import ApplicationStore

FACTS = {"age": 40}
KEY_A, KEY_B = "a" * 40, "b" * 40


def item(name: str, record: str | None = None, provided: str = "pending", consent: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "mydata_record": record, "provided": provided}
    if consent:
        out["consent_id"] = consent
    return out


def consent(cid: str, scopes: tuple[str, ...], purpose: str = "application", status: str = "active",
            expires_at: float = 1000.0, granted_at: float = 10.0) -> Consent:
    return Consent(cid, "conv-x", scopes, purpose, "", "", status, 0.0, expires_at, granted_at=granted_at,
                   granted_scopes=scopes if status != "pending" else ())


class TestWhichConsent:
    def test_active_granted_and_for_an_application(self) -> None:
        rr = ("resident_registration",)
        assert usable_consent("resident_registration", [consent("c1", rr)], 50.0).id == "c1"  # type: ignore[union-attr]
        assert usable_consent("income", [consent("c1", rr)], 50.0) is None  # scope not granted
        assert usable_consent("resident_registration", [consent("c1", rr, purpose="eligibility_check")], 50.0) is None
        assert usable_consent("resident_registration", [consent("c1", rr, status="revoked")], 50.0) is None
        assert usable_consent("resident_registration", [consent("c1", rr, status="pending")], 50.0) is None
        assert usable_consent("resident_registration", [consent("c1", rr, expires_at=40.0)], 50.0) is None  # expired
        newest = [consent("old", rr, granted_at=10.0), consent("new", rr, granted_at=20.0)]
        assert usable_consent("resident_registration", newest, 50.0).id == "new"  # type: ignore[union-attr]

    def test_attach_marks_only_covered_documents(self) -> None:
        items = [item("주민등록등본", "resident_registration"), item("소득금액증명원", "income"), item("통장사본"),
                 item("건강보험 자격득실 확인서", "health_insurance", "official")]
        out = attach_documents(items, [consent("c1", ("resident_registration",))], 50.0)
        assert [(i["provided"], i.get("consent_id")) for i in out] == \
            [("mydata", "c1"), ("pending", None), ("pending", None), ("official", None)]
        assert items[0]["provided"] == "pending"  # the input is not changed
        assert needed_records(out) == ["income"]
        # attaching again without the consent takes the document back
        assert attach_documents(out, [], 50.0)[0] == item("주민등록등본", "resident_registration")
        summary = documents_summary(out, "en")
        # in English the records by their English names (connectors/mydata/scopes.py), in Korean as the catalogue has them
        assert summary.splitlines() == ["- resident registration certificate (household): attached from Public MyData (consent c1)",
                                        "- certificate of income amount: can be attached from Public MyData if you consent "
                                        "(otherwise please prepare them yourself)"]
        assert documents_summary(out, "ko").splitlines()[0].startswith("- 주민등록등본: ")
        assert documents_summary([item("통장사본")], "ko") == ""

    def test_lapsed_consents(self) -> None:
        items = [item("a", "income", "mydata", "c1"), item("b", "resident_registration", "mydata", "c2"),
                 item("c", "income", "mydata", "c3"), item("d", "income", "withdrawn", "c4")]
        consents = [consent("c1", ("income",), status="revoked"), consent("c2", ("resident_registration",)),
                    consent("c4", ("income",), status="revoked")]
        assert lapsed_consents(items, consents, 50.0) == ["c1"]  # c3 is not this conversation's, c4 is done
        assert lapsed_consents(items, [consent("c2", ("resident_registration",), expires_at=40.0)], 50.0) == ["c2"]


@pytest.fixture
def store(db_url: str) -> Iterator[ApplicationStore]:
    s = ApplicationStore(db_url)
    yield s
    s.db.dispose()


class TestWithdrawInTheStore:
    def test_only_undecided_applications_of_that_consent_change(self, store: ApplicationStore) -> None:
        docs = [item("주민등록등본", "resident_registration", "mydata", "c1"), item("소득금액증명원", "income", "mydata", "c2"),
                item("통장사본")]
        a, _ = store.submit("S1", "", "u1", FACTS, docs, "k1")
        b, _ = store.submit("S1", "", "u1", FACTS, docs, "k2")
        c, _ = store.submit("S1", "", "u2", FACTS, docs, "k1")
        for to in ("in_review", "approved"):
            store.transition(b.receipt, to)
        changed = store.withdraw_consent("c1", "u1")
        assert [x.receipt for x in changed] == [a.receipt]
        got = store.get(a.receipt)
        assert [(i["provided"], i.get("consent_id")) for i in got.checklist] == \
            [("withdrawn", "c1"), ("mydata", "c2"), ("pending", None)]
        assert got.state == "submitted" and got.history[-1]["reason"] == "mydata consent revoked: resident_registration needed again"
        assert (got.history[-1]["from"], got.history[-1]["to"]) == ("submitted", "submitted")
        assert store.get(b.receipt).checklist == docs  # decided: unchanged
        assert store.get(c.receipt).checklist == docs  # another applicant's
        assert store.withdraw_consent("c1", "u1") == [] and len(store.get(a.receipt).history) == 2  # repeating: nothing
        assert [x.receipt for x in store.withdraw_consent("c1", None, "expired")] == [c.receipt]  # the admin: anyone's
        assert store.get(c.receipt).history[-1]["reason"].startswith("mydata consent expired")
        with pytest.raises(InvalidInputError):
            store.withdraw_consent("c1", "u1", "forgotten")


def test_http_consent_withdrawal_and_checklist_validation(db_url: str) -> None:
    store = ApplicationStore(db_url)
    try:
        with LiveServer(create_app(store=store, checklists=ChecklistSource.fixed([]))) as live, \
                TasksClient(live.url, timeout=5, backoff=0.01, breaker=CircuitBreaker("t-docs")) as client:
            docs = [item("주민등록등본", "resident_registration", "mydata", "c1")]
            r = client.submit("S1", None, FACTS, docs, "k1", applicant_key=KEY_A)
            other = client.submit("S1", None, FACTS, docs, "k1", applicant_key=KEY_B)
            assert r.checklist[0]["consent_id"] == "c1"
            changed = client.withdraw_consent("c1", applicant_key=KEY_A)
            assert [x.receipt for x in changed] == [r.receipt] and changed[0].checklist[0]["provided"] == "withdrawn"
            assert client.status(other.receipt, applicant_key=KEY_B).checklist[0]["provided"] == "mydata"  # not A's
            assert store.get(r.receipt).applicant_id == applicant_id_for_key(KEY_A)
            # the checklist must say under which consent a MyData document is supplied, and only then
            for bad in ([item("주민등록등본", "resident_registration", "mydata")],
                        [item("통장사본", None, "mydata", "c1")],
                        [item("통장사본", None, "citizen", "c1")],
                        [item("주민등록등본", "resident_registration", "withdrawn", "c1")]):
                with pytest.raises(InvalidInputError):
                    client.submit("S1", None, FACTS, bad, "k-bad", applicant_key=KEY_A)
            plain = client.submit("S1", None, FACTS, [item("통장사본")], "k3", applicant_key=KEY_A)
            assert "consent_id" not in plain.checklist[0]  # stored as before the field existed
            bad_reason = httpx.post(f"{live.url}/consent-withdrawals", json={"consent_id": "c1", "reason": "forgotten"},
                                    headers={"X-Applicant-Key": KEY_A})
            assert bad_reason.status_code == 422
    finally:
        store.db.dispose()


def test_an_unreadable_consent_store_attaches_and_withdraws_nothing() -> None:
    from assistant.errors import StoreUnavailableError
    from connectors.tasks.documents import live_consents

    class Down:
        def consents(self, sender_id: str) -> list[Consent]:
            raise StoreUnavailableError("consent store went away")

        def now(self) -> float:
            return 0.0

    assert live_consents(Down(), "u1") is None and live_consents(None, "u1") is None
    items = [item("주민등록등본", "resident_registration", "mydata", "c1")]
    assert attach_documents(items, [], 0.0)[0]["provided"] == "pending"  # what the actions do without consents
