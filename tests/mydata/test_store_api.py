"""The consent store on SQLite and PostgreSQL (the audit log refuses UPDATE/DELETE at the database), and the
consent HTTP API (list, get, revoke; audit read-only, no route that changes it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from connectors.mydata.api import create_router
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.sandbox import SandboxState
from connectors.mydata.store import AuditEntry, ConsentStore

from mydata_helpers import T0, FakeClock, make_client  # type: ignore[import-not-found]


class TestAuditAppendOnly:
    def test_database_refuses_update_and_delete(self, store_url: str) -> None:
        store = ConsentStore(store_url)
        store.append_audit(AuditEntry(at=1.0, actor="assistant", action="fetch", outcome="ok", consent_id="c1", scope="income"))
        for sql in ("UPDATE mydata_audit SET outcome = 'denied_scope'", "UPDATE mydata_audit SET actor = 'someone-else' WHERE id = 1",
                    "DELETE FROM mydata_audit", "DELETE FROM mydata_audit WHERE id = 1"):
            with pytest.raises(DBAPIError, match="append-only"):
                with store.engine.begin() as conn:
                    conn.execute(text(sql))
        if not store.is_sqlite:
            with pytest.raises(DBAPIError, match="append-only"):
                with store.engine.begin() as conn:
                    conn.execute(text("TRUNCATE mydata_audit"))
        rows = store.audit()
        assert [(r.actor, r.outcome, r.consent_id) for r in rows] == [("assistant", "ok", "c1")]
        store.append_audit(AuditEntry(at=2.0, actor="operator", action="revoke", outcome="ok", consent_id="c1"))
        assert len(store.audit()) == 2  # inserting still works
        ConsentStore(store_url)  # opening again (tables and triggers exist) is fine
        store.engine.dispose()

    def test_store_api_has_no_audit_mutator(self) -> None:
        audit_methods = {m for m in dir(ConsentStore) if "audit" in m and not m.startswith("_")}
        assert audit_methods == {"append_audit", "audit"}

    def test_whole_flow_on_each_database(self, store_url: str, sandbox: tuple[str, SandboxState], clock: FakeClock) -> None:
        client = make_client(sandbox[0])
        c = MyDataConnector(ConsentStore(store_url), client, clock=clock)
        pending = c.request_consent("conv-1", ["resident_registration", "income"], "eligibility_check", dt.timedelta(days=7))
        cid = c.grant(pending.id, test_identity="sandbox-01").id
        c.fetch(cid)
        assert c.facts(cid).age == 35
        assert c.store.count_records(cid) == 2
        assert c.revoke(cid).deleted_records == 2
        assert c.store.count_records() == 0
        assert [r.action for r in c.audit(cid)] == ["request", "grant", "fetch", "fetch", "revoke"]
        c.store.engine.dispose()
        client.close()


@pytest.fixture
def api(connector: MyDataConnector) -> TestClient:
    app = FastAPI()
    app.include_router(create_router(lambda: connector), prefix="/mydata")
    return TestClient(app)


class TestApi:
    def test_list_get_revoke(self, api: TestClient, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        pending = connector.request_consent("conv-5", ["resident_registration", "health_insurance"], "eligibility_check",
                                            dt.timedelta(days=1))
        cid = connector.grant(pending.id, test_identity="sandbox-03").id
        connector.fetch(cid)
        other = connector.request_consent("conv-6", ["income"], "eligibility_check", dt.timedelta(days=1))

        listed = api.get("/mydata/consents", params={"citizen_ref": "conv-5"}).json()
        assert [x["id"] for x in listed] == [cid]
        assert listed[0]["status"] == "active" and listed[0]["scopes"] == ["health_insurance", "resident_registration"]
        assert "access_token" not in listed[0] and connector.get_consent(cid).access_token not in str(listed)
        assert {x["id"] for x in api.get("/mydata/consents").json()} == {cid, other.id}
        one = api.get(f"/mydata/consents/{cid}").json()
        assert one["notice_ko"] == pending.notice_ko and one["expires_at"] == T0 + 86400
        assert api.get("/mydata/consents/nope").status_code == 404
        assert api.post("/mydata/consents/nope/revoke").status_code == 404

        r = api.post(f"/mydata/consents/{cid}/revoke", headers={"X-Assistant-Actor": "operator-1"})
        assert r.status_code == 200
        body = r.json()
        assert (body["deleted_records"], body["provider_revoked"], body["consent"]["status"]) == (2, True, "revoked")
        assert connector.store.count_records() == 0
        audit = api.get("/mydata/audit", params={"consent_id": cid}).json()
        assert [(a["action"], a["actor"]) for a in audit][-1] == ("revoke", "operator-1")
        assert [a["scope"] for a in audit if a["action"] == "fetch"] == ["health_insurance", "resident_registration"]

    def test_audit_cannot_be_changed_through_the_api(self, api: TestClient, connector: MyDataConnector) -> None:
        connector.request_consent("conv-5", ["income"], "eligibility_check", dt.timedelta(days=1))
        before = api.get("/mydata/audit").json()
        assert len(before) == 1
        for method in ("post", "put", "patch", "delete"):
            for path in ("/mydata/audit", f"/mydata/audit/{before[0]['id']}"):
                assert getattr(api, method)(path).status_code in (404, 405)
        assert api.get("/mydata/audit").json() == before
        routes = [(r.path, sorted(r.methods)) for r in create_router(lambda: connector).routes]  # type: ignore[attr-defined]
        assert [r for r in routes if "audit" in r[0]] == [("/audit", ["GET"])]
        assert sorted(routes) == [("/audit", ["GET"]), ("/consents", ["GET"]), ("/consents/{consent_id}", ["GET"]),
                                  ("/consents/{consent_id}/revoke", ["POST"])]


def test_default_store_under_home(tmp_path: Path) -> None:
    from assistant.settings import Settings

    s = Settings(home=tmp_path / "home", mydata_url="http://127.0.0.1:1/")
    c = MyDataConnector.from_settings(s)
    assert (tmp_path / "home" / "mydata.db").exists()
    assert c.client.base_url == "http://127.0.0.1:1"
    assert Settings(home=tmp_path, port=9000).mydata_base_url == "http://127.0.0.1:9000/connectors/mydata-sandbox"
