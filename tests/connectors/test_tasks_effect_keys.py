"""One application per intent to apply across a failed save: the submit action uses the engine's key of its call.

The engine gives every custom action call an idempotency key (:func:`assistant.dialogue.effects.effect_key` of
conversation, turn, call index and action: ``tracker.idempotency_key``); ``action_submit_application`` sends it to
the task back end (body and ``Idempotency-Key`` header), which stores one application per key. Real parts: the task
back end's HTTP service on uvicorn over an application store, and the tracker store, each a SQLite file or a database
on the session's throwaway PostgreSQL (``db_url``); the engine runs the project's own domain and rules with the real
task actions (messages are payloads, so no trained NLU is needed). The turn's save is broken three ways: it fails at
the commit, the database goes away while the back end is called (not even the action's result is recorded), and a
turn without a message id is redone on a conflict after its result could not be recorded. Without message ids, the
citizen re-sends the message after the first two (one application), and says the same words again after the first
application was stored (a second one, on purpose).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import LiveServer  # type: ignore[import-not-found]
from shared_paths import GOV24_DIR, ROOT  # type: ignore[import-not-found]

from assistant.dialogue.actions import ActionRegistry
from assistant.dialogue.builtin_actions import register_builtins
from assistant.dialogue.effects import effect_key
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.policies import PolicyEnsemble
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.sdk import SdkActionExecutor
from assistant.errors import StoreUnavailableError
from assistant.knowledge.documents import Document
from assistant.nlu.project import load_project
from assistant.settings import Settings
from assistant.stores.locks import make_lock_store
from assistant.stores.trackers import SQLTrackerStore
from connectors.tasks.actions import TaskContext, make_actions
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.dialogue import applicant_id_for
from connectors.tasks.service import create_app
from connectors.tasks.store import ApplicationStore

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 21 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

NK = "449000000114"  # 벼 이삭(NK)비료 지원 (a service of the real catalogue)
SENDER = "citizen-7"
SECRET = "test-secret-" + "s" * 40
SUBMIT = "action_submit_application"


@pytest.fixture(scope="module")
def catalogue() -> list[Document]:
    """The real catalogue's documents (skips when ../shared/data is absent)."""
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.loaders import load_gov24

    return [d for d in load_gov24(GOV24_DIR) if d.doc_id == NK]


@dataclass
class Recorder:
    """ASGI middleware in front of the task back end: the ``Idempotency-Key`` of every ``POST /applications``, and
    ``after_submit`` run once after the back end has handled one but before the last byte of its answer is sent
    (the database goes away there). Run after the answer was sent, it raced the engine: on a quiet machine the
    engine saved the turn before ``pg_ctl stop`` had finished."""

    app: Any
    keys: list[str | None] = field(default_factory=list)
    after_submit: Callable[[], None] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        submit = scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/applications"
        if submit:
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            self.keys.append(headers.get("idempotency-key"))
        if not submit:
            await self.app(scope, receive, send)
            return

        async def send_after_hook(message: Any) -> None:
            last = message["type"] == "http.response.body" and not message.get("more_body", False)
            if last and self.after_submit is not None:
                hook, self.after_submit = self.after_submit, None
                hook()
            await send(message)

        await self.app(scope, receive, send_after_hook)


@dataclass
class Backend:
    url: str
    store: ApplicationStore
    recorder: Recorder

    def applications(self) -> list[tuple[str, str]]:
        """(receipt, stored idempotency key) of the conversation's applications."""
        from sqlalchemy import select

        from connectors.tasks.store import applications

        with self.store.db.read("test") as conn:
            rows = conn.execute(select(applications.c.receipt, applications.c.idempotency_key)
                                .where(applications.c.applicant_id == applicant_id_for(SENDER, SECRET.encode()))).all()
        return [(r.receipt, r.idempotency_key) for r in rows]


@pytest.fixture
def tasks_db(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The application store's own database beside the tracker store's (same kind)."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'tasks.db'}"
    return str(request.getfixturevalue("pg_server").create_database(f"tasks_{tmp_path.name[-20:]}".replace("-", "_")))


@pytest.fixture
def backend(catalogue: list[Document], tasks_db: str) -> Iterator[Backend]:
    store = ApplicationStore(tasks_db)
    recorder = Recorder(create_app(settings=Settings(), store=store, checklists=ChecklistSource.fixed(catalogue)))
    with LiveServer(recorder) as live:
        yield Backend(live.url, store, recorder)
    store.db.dispose()


class _PayloadsOnly:
    def parse(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("payload messages only")

    def embed_queries(self, texts: list[str]) -> Any:
        raise AssertionError("payload messages only")


class FaultyStore(SQLTrackerStore):
    """A real tracker store; ``save_fault`` breaks the next turn save (raised, or a callable run first: another
    process appends), ``record_fault`` the next record of an action's result."""

    def __init__(self, url: str) -> None:
        super().__init__(url, connect_timeout=0.5)
        self.save_fault: BaseException | Callable[[], None] | None = None
        self.record_fault: BaseException | None = None

    def append(self, sender_id: str, events: Any, expected_seq: int | None = None, **kw: Any) -> int:
        fault, self.save_fault = (self.save_fault, None) if events else (None, self.save_fault)
        if isinstance(fault, BaseException):
            raise fault
        if fault is not None:
            fault()
        return super().append(sender_id, events, expected_seq, **kw)

    def record_effect(self, *args: Any, **kwargs: Any) -> bool:
        fault, self.record_fault = self.record_fault, None
        if fault is not None:
            raise fault
        return super().record_effect(*args, **kwargs)


def make_engine(tmp_path: Path, store: SQLTrackerStore, backend: Backend, catalogue: list[Document]) -> MessageProcessor:
    """The project's domain and rules (intents/) with the real task actions over ``backend``."""
    project = load_project(ROOT / "intents")
    settings = Settings(home=tmp_path / "home", tasks_url=backend.url, tasks_applicant_secret=SECRET,
                        connector_timeout=5.0, connector_retries=1)
    ctx = TaskContext(settings, catalogue=ChecklistSource.fixed(catalogue), mydata=False)
    registry = ActionRegistry(SdkActionExecutor(make_actions(ctx)))
    register_builtins(registry)
    policies = PolicyEnsemble(project.rules, None, (), project.domain, settings.intent_threshold)
    return MessageProcessor(settings, project.domain, _PayloadsOnly(), _PayloadsOnly(), policies, registry,  # type: ignore[arg-type]
                            store, make_lock_store(None))


def say(engine: MessageProcessor, text: str, mid: str | None = None) -> Turn:
    return engine.handle_message(UserMessage(SENDER, text, "rest", {"message_id": mid} if mid else {}))


def responses(turn: Turn) -> list[str]:
    return [str(m.custom.get("response")) for m in turn.messages]


def receipts_said(store: SQLTrackerStore) -> list[str]:
    """The receipt numbers the stored conversation told the citizen (the first in each bot event that has one)."""
    import re

    return [found[0] for e in store.load(SENDER) if e["event"] == "bot"
            if (found := re.findall(r"TK-\d{8}-[0-9A-Z]{8}", e.get("text") or ""))]


def outage(db_url: str, request: pytest.FixtureRequest) -> tuple[Callable[[], None], Callable[[], None]]:
    """``(go_away, come_back)`` for the tracker store's database: SQLite, another connection holds the file's
    write lock (every write here fails); PostgreSQL, the whole server stops (and starts again)."""
    if not db_url.startswith("sqlite"):
        server = request.getfixturevalue("pg_server")
        return server.stop, server.start
    path = db_url.removeprefix("sqlite:///")
    holder: list[sqlite3.Connection] = []

    def go_away() -> None:
        conn = sqlite3.connect(path, timeout=0.1, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN EXCLUSIVE")
        holder.append(conn)

    def come_back() -> None:
        holder.pop().execute("ROLLBACK")

    return go_away, come_back


def offer(engine: MessageProcessor) -> None:
    shown = say(engine, "/apply_service" + json.dumps({"service_id": NK}), "m-apply")
    assert responses(shown) == ["utter_task_checklist"], [m.text for m in shown.messages]


def test_a_save_that_fails_at_the_commit_is_one_application_with_the_engine_key(
        tmp_path: Path, db_url: str, backend: Backend, catalogue: list[Document]) -> None:
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend, catalogue)
    offer(engine)
    store.save_fault = StoreUnavailableError("the database went away at the commit")
    assert say(engine, "/affirm", "m-yes").error == "store_unavailable"
    key = effect_key(SENDER, "m-yes", 0, SUBMIT)
    assert backend.recorder.keys == [key]  # the engine's key of the call, as the Idempotency-Key header
    assert [k for _, k in backend.applications()] == [key]  # ... and the key the application is stored under

    again = say(engine, "/affirm", "m-yes")  # the channel redelivers the confirming message
    assert again.error is None and responses(again) == ["utter_task_submitted"]
    assert backend.recorder.keys == [key]  # the recorded result was reused: the back end was not called again
    (receipt, _), = backend.applications()
    assert receipts_said(store) == [receipt]


def test_when_the_database_goes_away_during_the_submission_the_retry_sends_the_same_key(
        tmp_path: Path, db_url: str, backend: Backend, catalogue: list[Document], request: pytest.FixtureRequest) -> None:
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend, catalogue)
    offer(engine)
    go_away, come_back = outage(db_url, request)
    backend.recorder.after_submit = go_away
    try:
        assert say(engine, "/affirm", "m-yes").error == "store_unavailable"
    finally:
        come_back()
    assert store.pending_effects(SENDER) == []  # not even the result was recorded: the retry calls the back end again
    again = say(engine, "/affirm", "m-yes")
    assert again.error is None and responses(again) == ["utter_task_submitted"], [m.text for m in again.messages]
    key = effect_key(SENDER, "m-yes", 0, SUBMIT)
    assert backend.recorder.keys == [key, key]  # called twice with the same key ...
    (receipt, stored_key), = backend.applications()  # ... and the back end made one application
    assert stored_key == key and receipts_said(store) == [receipt]


def test_a_turn_without_message_id_redone_on_a_conflict_submits_once(
        tmp_path: Path, db_url: str, backend: Backend, catalogue: list[Document]) -> None:
    """No message id (a channel without ids): the engine's turn id is kept across the redo, where a key made from
    the confirming user event (its timestamp) changed, so the back end stored a second application."""
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend, catalogue)
    offer(engine)

    def other_worker() -> None:  # a process without the shared lock appends first: ConcurrentUpdateError, redo
        SQLTrackerStore.append(store, SENDER, [{"event": "slot", "name": "language", "value": "ko", "timestamp": 3.0}])

    store.record_fault = StoreUnavailableError("the database was busy when the result was to be recorded")
    store.save_fault = other_worker
    turn = say(engine, "/affirm")
    assert turn.error is None and responses(turn) == ["utter_task_submitted"], [m.text for m in turn.messages]
    assert len(backend.recorder.keys) == 2 and len(set(backend.recorder.keys)) == 1  # called again, same key
    (receipt, stored_key), = backend.applications()
    assert stored_key == backend.recorder.keys[0] and stored_key.startswith("fx-")
    assert receipts_said(store) == [receipt]


def test_try_again_after_a_failed_attempt_resends_that_attempts_key(
        tmp_path: Path, db_url: str, backend: Backend, catalogue: list[Document]) -> None:
    """A "try again" is a new turn (a new engine key), but the first attempt may have been stored: it re-sends the
    first attempt's key (kept in ``task_pending``)."""
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend, catalogue)
    offer(engine)

    calls: list[int] = []
    real_app = backend.recorder.app

    async def drop_first(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and not calls:
            calls.append(1)

            async def swallow(message: Any) -> None:
                return None

            await real_app(scope, receive, swallow)  # stored, answer dropped ...
            await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": b'{"detail": "lost", "error": "internal"}'})
            return
        await real_app(scope, receive, send)

    backend.recorder.app = drop_first
    failed = say(engine, "/affirm", "m-yes")
    assert "task_backend_failed" in json.dumps(failed.reply_json()) and "/affirm" in json.dumps(failed.reply_json())
    assert len(backend.applications()) == 1  # stored although the client saw a failure
    retried = say(engine, "/affirm", "m-retry")
    assert responses(retried) == ["utter_task_submitted"], [m.text for m in retried.messages]
    first = effect_key(SENDER, "m-yes", 0, SUBMIT)
    assert set(backend.recorder.keys) == {first}  # the retry re-sent the first attempt's key, not its own
    (receipt, _), = backend.applications()
    assert receipts_said(store) == [receipt]


def test_the_back_end_takes_the_key_from_the_header(backend: Backend) -> None:
    body = {"service_id": NK, "applicant_id": "ak:" + "0" * 64, "facts": {"age": 40}, "checklist": []}
    first = httpx.post(f"{backend.url}/applications", json=body, headers={"Idempotency-Key": "fx-1"}, timeout=10)
    again = httpx.post(f"{backend.url}/applications", json={**body, "idempotency_key": "fx-1"},
                       headers={"Idempotency-Key": "fx-1"}, timeout=10)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["receipt"] == again.json()["receipt"] and backend.store.count() == 1
    differ = httpx.post(f"{backend.url}/applications", json={**body, "idempotency_key": "fx-2"},
                        headers={"Idempotency-Key": "fx-1"}, timeout=10)
    missing = httpx.post(f"{backend.url}/applications", json=body, timeout=10)
    assert (differ.status_code, differ.json()["error"]) == (400, "invalid_input")
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_input")
    assert backend.store.count() == 1


def offer_without_id(engine: MessageProcessor) -> None:
    shown = say(engine, "/apply_service" + json.dumps({"service_id": NK}))
    assert responses(shown) == ["utter_task_checklist"], [m.text for m in shown.messages]


def test_a_message_without_id_resent_after_the_database_went_away_submits_once(
        tmp_path: Path, db_url: str, backend: Backend, catalogue: list[Document], request: pytest.FixtureRequest) -> None:
    """A channel without message ids; the database goes away while the back end stores the application (not even
    the action's result is recorded, the turn is not stored); the citizen sends the same yes again. The re-sent
    message meets the same stored conversation, so it gets the same turn key and the back end the same key: one
    application. (With a fresh turn id per delivery the back end stored a second one.)"""
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend, catalogue)
    offer_without_id(engine)
    stored = store.count(SENDER)
    go_away, come_back = outage(db_url, request)
    backend.recorder.after_submit = go_away
    try:
        assert say(engine, "/affirm").error == "store_unavailable"
    finally:
        come_back()
    assert store.count(SENDER) == stored and store.pending_effects(SENDER) == []  # nothing of the turn was stored
    again = say(engine, " /affirm ")  # the same message (spaces are not part of it)
    assert again.error is None and responses(again) == ["utter_task_submitted"], [m.text for m in again.messages]
    assert len(backend.recorder.keys) == 2 and len(set(backend.recorder.keys)) == 1  # called twice, the same key ...
    (receipt, stored_key), = backend.applications()  # ... one application
    assert stored_key == backend.recorder.keys[0] and receipts_said(store) == [receipt]


def test_a_trigger_repeated_after_the_database_went_away_submits_once(
        tmp_path: Path, db_url: str, backend: Backend, catalogue: list[Document], request: pytest.FixtureRequest) -> None:
    """``trigger_intent`` (``POST /conversations/{id}/trigger_intent``) has no message id either: the caller's repeat
    of the same intent and entities against the same stored conversation is the same turn."""
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend, catalogue)
    offer_without_id(engine)
    go_away, come_back = outage(db_url, request)
    backend.recorder.after_submit = go_away
    try:
        with pytest.raises(StoreUnavailableError):  # the API answers 503 (assistant.server)
            engine.trigger_intent(SENDER, "affirm")
    finally:
        come_back()
    again = engine.trigger_intent(SENDER, "affirm")
    assert again.error is None and responses(again) == ["utter_task_submitted"], [m.text for m in again.messages]
    assert len(backend.recorder.keys) == 2 and len(set(backend.recorder.keys)) == 1
    (receipt, _), = backend.applications()
    assert receipts_said(store) == [receipt]


def test_a_message_without_id_resent_after_a_failed_save_reuses_the_recorded_result(
        tmp_path: Path, db_url: str, backend: Backend, catalogue: list[Document]) -> None:
    """The result was recorded, the save failed at the commit: the re-sent message's turn has the same key, finds the
    recorded result and does not call the back end again (nor delivers that result a second time as undelivered)."""
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend, catalogue)
    offer_without_id(engine)
    store.save_fault = StoreUnavailableError("the database went away at the commit")
    assert say(engine, "/affirm").error == "store_unavailable"
    assert len(store.pending_effects(SENDER)) == 1
    again = say(engine, "/affirm")
    assert again.error is None and responses(again) == ["utter_task_submitted"], [m.text for m in again.messages]
    assert len(backend.recorder.keys) == 1 and store.pending_effects(SENDER) == []
    (receipt, _), = backend.applications()
    assert receipts_said(store) == [receipt]


def test_a_deliberate_second_identical_application_is_made(
        tmp_path: Path, db_url: str, backend: Backend, catalogue: list[Document]) -> None:
    """The same two messages again after the first application was stored: the stored conversation has changed, so
    the second yes is a new intent to apply (a new key, a second application), not a re-send."""
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend, catalogue)
    for _ in range(2):
        offer_without_id(engine)
        done = say(engine, "/affirm")
        assert responses(done) == ["utter_task_submitted"], [m.text for m in done.messages]
    keys = backend.recorder.keys
    assert len(keys) == 2 and keys[0] != keys[1]
    assert sorted(k for _, k in backend.applications()) == sorted(keys)
    assert receipts_said(store) == [r for r, _ in sorted(backend.applications(), key=lambda a: keys.index(a[1]))]
