"""A custom action's side effect happens exactly once when the turn's save fails after it (assistant.dialogue.effects).

Real stores: a SQLite file and a database on the session's throwaway PostgreSQL (``db_url``). The save is killed
between the effect and the commit in three ways: the store raises ``StoreUnavailableError`` on the turn's append (the
database went away at the commit), the process "dies" there (a ``BaseException`` no handler catches; a new engine
over the same database is the restart), and the database really goes away inside the action (SQLite: another
connection holds the write lock; PostgreSQL: the server is stopped), so not even the effect's record is written.
The back end counts every call; exactly-once is counted there and in the store.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.dialogue.action_server import ActionServerClient
from assistant.dialogue.actions import ActionRegistry
from assistant.dialogue.builtin_actions import register_builtins
from assistant.dialogue.effects import effect_key
from assistant.dialogue.events import ActionExecuted, SlotSet, UserUttered
from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.policies import PolicyEnsemble
from assistant.dialogue.processor import MessageProcessor
from assistant.dialogue.sdk import ProtocolTracker, SdkActionExecutor, slot_set
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import ConcurrentUpdateError, StoreUnavailableError
from assistant.nlu.domain import Domain
from assistant.nlu.project import load_project
from assistant.settings import Settings
from assistant.stores.locks import make_lock_store
from assistant.stores.trackers import SQLTrackerStore

DOMAIN = """
version: "3.1"
intents: [greet, apply]
slots:
  last_receipt:
    type: text
    influence_conversation: false
    mappings:
    - type: custom
responses:
  utter_greet:
  - text: "안녕하세요"
  utter_submitted:
  - text: "접수번호 {receipt}"
actions: [action_submit]
"""
RULES = """
version: "3.1"
rules:
- rule: apply
  steps:
  - intent: apply
  - action: action_submit
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
"""
SENDER = "citizen-1"


class Backend:
    """A task back end. ``honours_key``: one application per idempotency key (as connectors/tasks does);
    otherwise every call makes a new one (the worst case: an effect with no key of its own)."""

    def __init__(self, honours_key: bool = False) -> None:
        self.honours_key = honours_key
        self.calls: list[str | None] = []
        self.applications: dict[str, str] = {}
        self.during_call: Any = None  # run after the effect, inside the action (the database goes away here)

    def submit(self, key: str | None) -> str:
        self.calls.append(key)
        if self.honours_key and key in self.applications:
            return self.applications[key]
        receipt = f"R-{len(self.applications) + 1}"
        self.applications[key or receipt] = receipt
        if self.during_call is not None:
            self.during_call()
        return receipt


class Submit:
    """``action_submit`` written as a connector action (rasa_sdk's shape)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def name(self) -> str:
        return "action_submit"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        receipt = self.backend.submit(tracker.idempotency_key)
        dispatcher.utter_message(response="utter_submitted", receipt=receipt)
        return [slot_set("last_receipt", receipt)]


class _PayloadsOnly:
    def parse(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("payload messages only")

    def embed_queries(self, texts: list[str]) -> Any:
        raise AssertionError("payload messages only")


class Killed(BaseException):
    """The process dies here (SIGKILL): no handler runs, nothing after it happens."""


class FaultyStore(SQLTrackerStore):
    """A real store whose next turn save (an append with events) fails: ``fault`` is raised, or a callable is run
    first (another process appends, for the conflict redo)."""

    def __init__(self, url: str) -> None:
        super().__init__(url, connect_timeout=0.3)
        self.fault: BaseException | Any = None

    def append(self, sender_id: str, events: Any, expected_seq: int | None = None, **kw: Any) -> int:
        fault, self.fault = self.fault, None
        if fault is not None and events:
            if isinstance(fault, BaseException):
                raise fault
            fault()
        return super().append(sender_id, events, expected_seq, **kw)


def make_engine(tmp_path: Path, store: SQLTrackerStore, backend: Backend) -> MessageProcessor:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (root / "data" / "rules.yml").write_text(RULES, encoding="utf-8")
    proj = load_project(root)
    settings = Settings(home=tmp_path / "home")
    registry = ActionRegistry(SdkActionExecutor([Submit(backend)]))
    register_builtins(registry)
    policies = PolicyEnsemble(proj.rules, None, (), proj.domain, settings.intent_threshold)
    return MessageProcessor(settings, proj.domain, _PayloadsOnly(), _PayloadsOnly(), policies, registry,  # type: ignore[arg-type]
                            store, make_lock_store(None))


def say(engine: MessageProcessor, text: str, mid: str) -> Any:
    return engine.handle_message(UserMessage(SENDER, text, "rest", {"message_id": mid}))


def stored(store: SQLTrackerStore) -> DialogueStateTracker:
    return DialogueStateTracker.from_dicts(SENDER, store.load(SENDER))


def user_ids(store: SQLTrackerStore) -> list[str | None]:
    return [e.message_id for e in stored(store).events if isinstance(e, UserUttered)]


def receipt_slots(store: SQLTrackerStore) -> list[Any]:
    return [e.value for e in stored(store).events if isinstance(e, SlotSet) and e.name == "last_receipt"]


def test_a_save_that_fails_after_the_effect_is_retried_without_a_second_effect(tmp_path: Path, db_url: str) -> None:
    backend = Backend()  # counts every call: no key of its own to hide a second one
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend)
    store.fault = StoreUnavailableError("the database went away at the commit")
    first = say(engine, "/apply", "m1")
    assert first.error == "store_unavailable" and len(backend.calls) == 1
    assert user_ids(store) == []  # nothing of the turn was stored ...
    pending = store.pending_effects(SENDER)  # ... but the effect's result was, uncommitted
    assert [(p["action_name"], p["turn_id"], p["key"]) for p in pending] == [("action_submit", "m1", effect_key(SENDER, "m1", 0, "action_submit"))]
    assert backend.calls == [pending[0]["key"]]  # the action was given the call's key

    again = say(engine, "/apply", "m1")  # the channel redelivers the message id
    assert again.error is None and not again.replayed
    assert len(backend.calls) == 1, "the retried turn called the back end again"
    assert [m.text for m in again.messages] == ["접수번호 R-1"]
    assert user_ids(store) == ["m1"] and receipt_slots(store) == ["R-1"]
    assert [(e["key"], e["committed"]) for e in store.effects(SENDER)] == [(pending[0]["key"], True)]
    assert store.pending_effects(SENDER) == []

    third = say(engine, "/apply", "m1")  # a late redelivery gets the stored reply, nothing runs
    assert third.replayed and [m.text for m in third.messages] == ["접수번호 R-1"] and len(backend.calls) == 1


def test_a_process_killed_between_the_effect_and_the_commit_answers_once_after_restart(tmp_path: Path, db_url: str) -> None:
    backend = Backend()
    store = FaultyStore(db_url)
    store.fault = Killed()
    with pytest.raises(Killed):
        say(make_engine(tmp_path, store, backend), "/apply", "m1")
    store.engine.dispose()
    assert len(backend.calls) == 1

    restarted = FaultyStore(db_url)  # a new process over the same database
    answer = say(make_engine(tmp_path, restarted, backend), "/apply", "m1")
    assert answer.error is None and [m.text for m in answer.messages] == ["접수번호 R-1"]
    assert len(backend.calls) == 1 and len(backend.applications) == 1
    assert user_ids(restarted) == ["m1"] and receipt_slots(restarted) == ["R-1"]


def test_an_effect_whose_turn_never_came_back_is_delivered_first_in_the_next_turn(tmp_path: Path, db_url: str) -> None:
    backend = Backend()
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend)
    store.fault = StoreUnavailableError("gone")
    assert say(engine, "/apply", "m1").error == "store_unavailable"
    # the citizen writes something else instead of the same message id coming back
    turn = say(engine, "/greet", "m2")
    assert [m.text for m in turn.messages] == ["접수번호 R-1", "안녕하세요"]
    assert turn.messages[0].custom.get("recovered") is True
    events = stored(store).events
    recovered = next(i for i, e in enumerate(events) if isinstance(e, ActionExecuted) and e.action_name == "action_submit")
    m2 = next(i for i, e in enumerate(events) if isinstance(e, UserUttered) and e.message_id == "m2")
    assert recovered < m2 and events[recovered].policy == "recovered"
    assert receipt_slots(store) == ["R-1"] and len(backend.calls) == 1
    assert [e["committed"] for e in store.effects(SENDER)] == [True] and store.pending_effects(SENDER) == []
    # the next turn delivers nothing again
    assert [m.text for m in say(engine, "/greet", "m3").messages] == ["안녕하세요"]
    assert receipt_slots(store) == ["R-1"] and len(backend.calls) == 1


def test_a_turn_redone_after_another_writer_reuses_its_effect(tmp_path: Path) -> None:
    backend = Backend()
    store = FaultyStore(f"sqlite:///{tmp_path / 't.db'}")
    engine = make_engine(tmp_path, store, backend)
    assert say(engine, "/greet", "m0").error is None

    def other_worker() -> None:  # a process without the shared lock appends a turn first: ConcurrentUpdateError
        n = store.count(SENDER)
        SQLTrackerStore.append(store, SENDER, [{"event": "user", "text": "/greet", "timestamp": 2.0, "message_id": "x1",
                                                "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}},
                                               {"event": "action", "name": "action_listen", "timestamp": 2.0}],
                               expected_seq=n, message_id="x1", reply={"messages": []})

    store.fault = other_worker
    turn = say(engine, "/apply", "m1")
    assert turn.error is None and [m.text for m in turn.messages] == ["접수번호 R-1"]
    assert len(backend.calls) == 1, "the redone turn called the back end again"
    assert user_ids(store) == ["m0", "x1", "m1"] and receipt_slots(store) == ["R-1"]
    with pytest.raises(ConcurrentUpdateError):  # (what the redo absorbed)
        store.append(SENDER, [{"event": "restart"}], expected_seq=0)


def test_when_the_database_is_gone_before_the_record_the_key_makes_the_retry_safe(
        tmp_path: Path, db_url: str, request: pytest.FixtureRequest) -> None:
    backend = Backend(honours_key=True)
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend)
    holder: list[Any] = []
    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")

        def go_away() -> None:  # another connection takes the write lock: every write here fails (busy)
            conn = sqlite3.connect(path, timeout=0.1, isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")
            holder.append(conn)

        def come_back() -> None:
            holder.pop().execute("ROLLBACK")
    else:
        server = request.getfixturevalue("pg_server")
        go_away, come_back = server.stop, server.start

    backend.during_call = go_away
    try:
        assert say(engine, "/apply", "m1").error == "store_unavailable"
    finally:
        backend.during_call = None
        come_back()
    answer = say(engine, "/apply", "m1")
    assert answer.error is None and [m.text for m in answer.messages] == ["접수번호 R-1"]
    key = effect_key(SENDER, "m1", 0, "action_submit")
    assert backend.calls == [key, key]  # called again (nothing was recorded), with the same key ...
    assert backend.applications == {key: "R-1"}  # ... so the back end made one application
    assert user_ids(store) == ["m1"] and receipt_slots(store) == ["R-1"]


def test_the_action_server_gets_the_key_in_the_tracker_and_as_a_header() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"events": [], "responses": []})

    client = ActionServerClient("http://actions.test/webhook", transport=httpx.MockTransport(handler))
    tracker = DialogueStateTracker("c1")
    client.run("action_submit", tracker, Domain())
    tracker.idempotency_key = "fx-abc"
    client.run("action_submit", tracker, Domain())
    assert "Idempotency-Key" not in seen[0].headers and "idempotency_key" not in json.loads(seen[0].content)["tracker"]
    assert seen[1].headers["Idempotency-Key"] == "fx-abc"
    assert json.loads(seen[1].content)["tracker"]["idempotency_key"] == "fx-abc"
    assert ProtocolTracker(json.loads(seen[1].content)["tracker"]).idempotency_key == "fx-abc"



def bot_texts(store: SQLTrackerStore) -> list[str]:
    return [e["text"] for e in store.load(SENDER) if e["event"] == "bot"]


@pytest.mark.parametrize("second_mid", ["m2", None])
def test_a_late_redelivery_after_its_effect_was_delivered_by_another_turn_appends_nothing(
        tmp_path: Path, db_url: str, second_mid: str | None) -> None:
    """m1's action ran, its save failed; the next turn (m2, or a message without id) delivered m1's effect; the
    server restarts and the channel redelivers m1 (its reply was lost): nothing runs, nothing is appended, and
    m1 gets the messages that delivered its effect (none when the delivering turn had no reply to record)."""
    backend = Backend()
    store = FaultyStore(db_url)
    engine = make_engine(tmp_path, store, backend)
    store.fault = StoreUnavailableError("the database went away at the commit")
    assert say(engine, "/apply", "m1").error == "store_unavailable"
    recovery = engine.handle_message(UserMessage(SENDER, "/greet", "rest", {"message_id": second_mid} if second_mid else {}))
    assert [m.text for m in recovery.messages] == ["접수번호 R-1", "안녕하세요"]
    stored_before = store.load(SENDER)
    store.engine.dispose()

    restarted = FaultyStore(db_url)  # a new process over the same database
    late = say(make_engine(tmp_path, restarted, backend), "/apply", "m1")
    assert late.replayed and late.error is None
    assert [m.text for m in late.messages] == (["접수번호 R-1"] if second_mid else [])
    assert restarted.load(SENDER) == stored_before, "the late redelivery appended events"
    assert bot_texts(restarted) == ["접수번호 R-1", "안녕하세요"] and receipt_slots(restarted) == ["R-1"]
    assert len(backend.calls) == 1
    again = say(make_engine(tmp_path, restarted, backend), "/apply", "m1")  # and once more: the same answer
    assert again.replayed and [m.text for m in again.messages] == [m.text for m in late.messages]
    assert restarted.load(SENDER) == stored_before
