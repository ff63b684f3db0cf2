"""Application documents from Public MyData (connectors/tasks/documents.py): the conversation engine with the
trained bundled NLU, the MyData and task actions in-process, the MyData sandbox and the task back end both served
for real over HTTP, and the citizen's browser step at the provider (as tests/mydata/test_consent_dialogue.py).

What is expected is read from the real catalogue record of the service (its 구비서류 names 주민등록등본 and
소득금액증명원, which the sandbox's 주민등록표 등본 and 소득금액증명 records supply) and from the consent store,
not from the code under test."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from live_server import LiveServer  # type: ignore[import-not-found]
from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

from assistant.dialogue.sdk import SdkActionExecutor
from assistant.knowledge.documents import Document
from assistant.settings import Settings
from assistant.stores.trackers import SQLTrackerStore
from connectors.mydata.actions import actions as mydata_actions
from connectors.mydata.api import create_flow_router
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.sandbox import SandboxState
from connectors.mydata.scopes import SCOPES
from connectors.mydata.ticket import citizen_ref, secret_key
from connectors.tasks.actions import TaskContext, make_actions
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.dialogue import applicant_id_for
from connectors.tasks.documents import MyDataConsents
from connectors.tasks.service import create_app
from connectors.tasks.store import ApplicationStore

from mydata_helpers import T0  # type: ignore[import-not-found]
from test_consent_dialogue import Chat  # type: ignore[import-not-found]

NK = "449000000114"  # 벼 이삭(NK)비료 지원: 주민등록등본, 소득금액증명원(직불금 비수령 농가), 경영체 등록증
SECRET = "test-secret-" + "s" * 40
#: Keys a stored checklist item may have: the catalogue's description of the document and how it is provided.
ITEM_KEYS = {"name", "note", "applies_to", "group", "official_check", "alternatives", "mydata_record", "provided", "consent_id"}


@pytest.fixture(scope="module")
def catalogue() -> list[Document]:
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.loaders import load_gov24

    return load_gov24(GOV24_DIR)


@pytest.fixture(scope="module")
def nk_documents(catalogue: list[Document]) -> dict[str, str]:
    """The record type each MyData-suppliable document of NK's 구비서류 needs, read from the catalogue text by
    hand-written patterns (the test's own reading, not the checklist parser's)."""
    doc = next(d for d in catalogue if d.doc_id == NK)
    text = next(s.text for s in doc.sections if s.name == "구비서류")
    assert "주민등록등본" in text and "소득금액증명원" in text
    return {"주민등록등본": "resident_registration", "소득금액증명원": "income"}


@pytest.fixture
def tasks_backend(catalogue: list[Document], tmp_path: Path) -> Iterator[tuple[str, ApplicationStore]]:
    store = ApplicationStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    with LiveServer(create_app(store=store, checklists=ChecklistSource.fixed(catalogue))) as live:
        yield live.url, store
    store.db.dispose()


@pytest.fixture
def make_chat(bundled_settings: Settings, bundled_router: Any, connector: MyDataConnector, sandbox: tuple[str, SandboxState],
              catalogue: list[Document], tasks_backend: tuple[str, ApplicationStore]) -> Iterator[Any]:
    from assistant.app_state import build_processor

    clients: list[TestClient] = []

    def make(sender: str = "conv-apply-1") -> Chat:
        settings = bundled_settings.model_copy(update={
            "connector_actions": "", "mydata_url": sandbox[0], "mydata_redirect_uri": "http://127.0.0.1/mydata/callback",
            "tasks_url": tasks_backend[0], "tasks_applicant_secret": SECRET, "connector_timeout": 2.0,
            "connector_retries": 2})
        ctx = TaskContext(settings, catalogue=ChecklistSource.fixed(catalogue), consents=MyDataConsents(settings, connector))
        executor = SdkActionExecutor([*mydata_actions(settings, connector), *make_actions(ctx)])
        processor = build_processor(settings, bundled_router, SQLTrackerStore("sqlite://"), executor=executor)
        app = FastAPI()

        def continue_conversation(sid: str, intent: str) -> list[str]:
            return [m.text for m in processor.trigger_intent(sid, intent).messages]

        app.include_router(create_flow_router(connector, secret_key(settings), continue_conversation), prefix="/mydata")
        client = TestClient(app)
        clients.append(client)
        chat = Chat(processor, connector, client, sandbox, sender)
        chat.settings = settings  # type: ignore[attr-defined]
        return chat

    yield make
    for c in clients:
        c.close()


def apply(chat: Chat, service_id: str = NK) -> list[Any]:
    return chat.say("/apply_service" + json.dumps({"service_id": service_id}))


def stored(chat: Chat, store: ApplicationStore) -> list[Any]:
    return store.list(applicant_id_for(chat.sender, SECRET.encode()))


def receipt_in(texts: list[str]) -> str:
    m = re.search(r"TK-\d{8}-[0-9A-Z]{8}", "\n".join(texts))
    assert m, texts
    return m.group(0)


def granted_for_application(chat: Chat, connector: MyDataConnector) -> str:
    """The citizen takes the offer on the checklist, agrees and authenticates at the sandbox; the consent id."""
    offer = chat.say("/use_mydata")
    cid = str(chat.slot("mydata_pending_consent"))
    assert "신청서 작성과 구비서류" in offer[0].text  # the purpose shown is the application's
    link = chat.say("/affirm")
    r = chat.authenticate(link[0].text)
    assert r.status_code == 200, r.text
    assert connector.get_consent(cid).status(T0) == "active"
    return cid


class TestAttach:
    def test_without_consent_nothing_is_fetched_and_the_offer_is_made(self, make_chat: Any, sandbox: tuple[str, SandboxState],
                                                                      nk_documents: dict[str, str]) -> None:
        chat = make_chat()
        shown = apply(chat)
        text = shown[0].text
        assert "/use_mydata" in [b["payload"] for b in shown[0].buttons]
        assert "마이데이터 제공에 동의하시면 첨부할 수 있어요" in text
        for name in nk_documents:
            assert name in text.split("공공 마이데이터 서류:")[1]
        assert "첨부했어요" not in text
        pending = chat.slot("task_pending")
        assert {i["name"]: i["provided"] for i in pending["checklist"] if i.get("mydata_record")} == \
            {n: "pending" for n in nk_documents}
        assert sandbox[1].stats()["record_requests"] == 0 and sandbox[1].stats()["token_requests"] == 0

    def test_consent_for_the_application_attaches_the_documents_by_consent_id(
            self, make_chat: Any, connector: MyDataConnector, tasks_backend: tuple[str, ApplicationStore],
            nk_documents: dict[str, str]) -> None:
        chat = make_chat()
        apply(chat)
        cid = granted_for_application(chat, connector)
        consent = connector.get_consent(cid)
        # only the records this application's documents need, for the application's purpose
        assert consent.purpose == "application" and set(consent.scopes) == set(nk_documents.values())
        # after the grant the checklist is shown again (a follow-up), now with the documents attached
        assert any("공공 마이데이터로 첨부했어요" in t and f"동의 {cid[:8]}" in t for t in chat.texts), chat.texts[-3:]
        done = chat.say("/affirm")
        receipt = receipt_in([m.text for m in done])
        assert f"동의 {cid[:8]}" in done[0].text
        app = tasks_backend[1].get(receipt)
        mydata_items = {i["name"]: i for i in app.checklist if i.get("mydata_record")}
        assert {n: (i["provided"], i.get("consent_id"), i["mydata_record"]) for n, i in mydata_items.items()} == \
            {n: ("mydata", cid, r) for n, r in nk_documents.items()}
        # the back end keeps the consent id and the record type, never the record's content
        assert all(set(i) <= ITEM_KEYS for i in app.checklist)
        other = [i for i in app.checklist if not i.get("mydata_record")]
        assert other and all(i["provided"] == "pending" and "consent_id" not in i for i in other)

    def test_an_eligibility_consent_does_not_send_documents_with_an_application(
            self, make_chat: Any, connector: MyDataConnector, nk_documents: dict[str, str]) -> None:
        chat = make_chat()
        ref = citizen_ref(chat.sender, secret_key(chat.settings))
        c = connector.request_consent(ref, ["resident_registration", "income"], "eligibility_check", dt.timedelta(days=30))
        connector.grant(c.id, test_identity="sandbox-01")
        shown = apply(chat)
        assert "첨부했어요" not in shown[0].text and "/use_mydata" in [b["payload"] for b in shown[0].buttons]
        assert all(i["provided"] == "pending" for i in chat.slot("task_pending")["checklist"] if i.get("mydata_record"))

    def test_a_consent_revoked_between_the_checklist_and_the_yes_is_not_used(
            self, make_chat: Any, connector: MyDataConnector, tasks_backend: tuple[str, ApplicationStore]) -> None:
        chat = make_chat()
        apply(chat)
        cid = granted_for_application(chat, connector)
        connector.revoke(cid)  # e.g. withdrawn on another channel
        done = chat.say("/affirm")
        app = tasks_backend[1].get(receipt_in([m.text for m in done]))
        assert all(i["provided"] == "pending" and "consent_id" not in i for i in app.checklist if i.get("mydata_record"))
        assert "첨부했어요" not in done[0].text and "동의하시면 첨부할 수 있어요" in done[0].text


class TestWithdraw:
    def test_revoking_in_the_conversation_marks_the_documents_needed_again(
            self, make_chat: Any, connector: MyDataConnector, tasks_backend: tuple[str, ApplicationStore],
            nk_documents: dict[str, str]) -> None:
        chat = make_chat()
        apply(chat)
        cid = granted_for_application(chat, connector)
        receipt = receipt_in([m.text for m in chat.say("/affirm")])
        chat.say("/revoke_consent")
        out = chat.say("/affirm")
        assert connector.get_consent(cid).status(T0) == "revoked"
        told = "\n".join(m.text for m in out)
        assert "철회했어요" in told and receipt in told
        for name in nk_documents:
            assert name in told.split(receipt)[1]
        app = tasks_backend[1].get(receipt)
        assert {i["name"]: i["provided"] for i in app.checklist if i.get("mydata_record")} == {n: "withdrawn" for n in nk_documents}
        assert app.state == "submitted"
        assert [h["reason"] for h in app.history][-1] == "mydata consent revoked: " + ", ".join(
            dict.fromkeys(i["mydata_record"] for i in app.checklist if i.get("mydata_record"))) + " needed again"
        status = chat.say("/check_application_status" + json.dumps({"receipt": receipt}))
        assert "동의가 철회되어 다시 필요해요" in status[0].text

    def test_a_revocation_the_back_end_missed_is_found_by_the_status_look_up(
            self, make_chat: Any, connector: MyDataConnector, tasks_backend: tuple[str, ApplicationStore]) -> None:
        chat = make_chat()
        apply(chat)
        cid = granted_for_application(chat, connector)
        receipt = receipt_in([m.text for m in chat.say("/affirm")])
        connector.revoke(cid)  # not through the conversation: nobody told the task back end
        assert {i["provided"] for i in tasks_backend[1].get(receipt).checklist if i.get("mydata_record")} == {"mydata"}
        listed = chat.say("/check_application_status")
        assert receipt in listed[0].text and "다시 필요해요" in listed[0].text
        assert {i["provided"] for i in tasks_backend[1].get(receipt).checklist if i.get("mydata_record")} == {"withdrawn"}

    def test_a_decided_application_is_left_as_decided(self, make_chat: Any, connector: MyDataConnector,
                                                      tasks_backend: tuple[str, ApplicationStore]) -> None:
        chat = make_chat()
        apply(chat)
        cid = granted_for_application(chat, connector)
        receipt = receipt_in([m.text for m in chat.say("/affirm")])
        url, store = tasks_backend
        for to in ("in_review", "approved"):
            httpx.post(f"{url}/applications/{receipt}/transition", json={"to": to}, timeout=5).raise_for_status()
        chat.say("/revoke_consent")
        out = chat.say("/affirm")
        assert connector.get_consent(cid).status(T0) == "revoked"
        assert receipt not in "\n".join(m.text for m in out)
        app = store.get(receipt)
        assert app.state == "approved" and {i["provided"] for i in app.checklist if i.get("mydata_record")} == {"mydata"}


def test_english(make_chat: Any, connector: MyDataConnector, nk_documents: dict[str, str]) -> None:
    chat = make_chat("conv-apply-en")
    shown = chat.say("/apply_service" + json.dumps({"service_id": NK}), "en")
    text = shown[0].text
    assert "Public MyData documents:" in text and "can be attached from Public MyData if you consent" in text
    assert ("Attach documents with MyData", "/use_mydata") in [(b["title"], b["payload"]) for b in shown[0].buttons]
    offer = chat.say("/use_mydata", "en")
    assert "preparing a benefit application" in offer[0].text
    link = chat.say("/affirm", "en")
    assert chat.authenticate(link[0].text).status_code == 200
    done = chat.say("/affirm", "en")
    cid = connector.list_consents(citizen_ref(chat.sender, secret_key(chat.settings)))[-1].id
    assert f"attached from Public MyData (consent {cid[:8]})" in done[0].text
    listed = done[0].text.split("Public MyData documents:")[1]
    for record in nk_documents.values():  # an English reply names them in English (the MyData records' own names)
        assert SCOPES[record].document_en in listed, listed
