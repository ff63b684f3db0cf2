"""A MyData fetch happens once per key: retried after the database went away, it neither calls the provider nor audits again.

``action_fetch_mydata`` gives the connector the engine's key of its call (``tracker.idempotency_key``,
:func:`assistant.dialogue.effects.effect_key`); the connector records the key with the fetched pieces and the fetch's
``ok`` audit rows in one transaction, and a fetch with a recorded key reads what was kept. Real parts: the sandbox
provider on uvicorn (its counters are the provider's calls), the consent store and the tracker store in one database
(a SQLite file, or a database on the session's throwaway PostgreSQL: ``db_url``), the project's domain and rules with
the real MyData actions; messages are payloads (``/mydata_granted`` is what the provider's callback triggers).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mydata_helpers import FakeClock, make_client  # type: ignore[import-not-found]
from shared_paths import ROOT  # type: ignore[import-not-found]

from assistant.dialogue.actions import ActionRegistry
from assistant.dialogue.builtin_actions import register_builtins
from assistant.dialogue.effects import effect_key
from assistant.dialogue.events import SlotSet
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.policies import PolicyEnsemble
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.sdk import SdkActionExecutor
from assistant.errors import StoreUnavailableError
from assistant.nlu.project import load_project
from assistant.settings import Settings
from assistant.stores.locks import make_lock_store
from assistant.stores.trackers import SQLTrackerStore
from connectors.mydata.actions import ALL_SCOPES, actions
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.sandbox import SandboxState
from connectors.mydata.store import ConsentStore
from connectors.mydata.ticket import citizen_ref, secret_key

SENDER = "conv-fetch-1"
FETCH = "action_fetch_mydata"


class _PayloadsOnly:
    def parse(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("payload messages only")

    def embed_queries(self, texts: list[str]) -> Any:
        raise AssertionError("payload messages only")


class FaultyStore(SQLTrackerStore):
    """A real tracker store whose next turn save raises ``save_fault``."""

    def __init__(self, url: str) -> None:
        super().__init__(url, connect_timeout=0.5)
        self.save_fault: BaseException | None = None

    def append(self, sender_id: str, events: Any, expected_seq: int | None = None, **kw: Any) -> int:
        if events and self.save_fault is not None:
            fault, self.save_fault = self.save_fault, None
            raise fault
        return super().append(sender_id, events, expected_seq, **kw)


class HookedConnector(MyDataConnector):
    """The real connector; ``after_fetch`` runs once right after a fetch returned (the database goes away there)."""

    after_fetch: Callable[[], None] | None = None

    def fetch(self, *args: Any, **kwargs: Any) -> dict[str, dict[str, Any]]:
        out = super().fetch(*args, **kwargs)
        hook, self.after_fetch = self.after_fetch, None
        if hook is not None:
            hook()
        return out


@pytest.fixture
def parts(db_url: str, sandbox: tuple[str, SandboxState], clock: FakeClock, tmp_path: Path) -> Iterator[tuple[Any, ...]]:
    """(engine, tracker store, connector, sandbox state, consent id): a granted consent waiting to be fetched."""
    settings = Settings(home=tmp_path / "home", mydata_url=sandbox[0], mydata_redirect_uri="http://127.0.0.1/mydata/callback")
    client = make_client(sandbox[0])
    connector = HookedConnector(ConsentStore(db_url), client, clock=clock)
    store = FaultyStore(db_url)
    project = load_project(ROOT / "intents")
    registry = ActionRegistry(SdkActionExecutor(actions(settings, connector)))
    register_builtins(registry)
    policies = PolicyEnsemble(project.rules, None, (), project.domain, settings.intent_threshold)
    engine = MessageProcessor(settings, project.domain, _PayloadsOnly(), _PayloadsOnly(), policies, registry,  # type: ignore[arg-type]
                              store, make_lock_store(None))
    consent = connector.request_consent(citizen_ref(SENDER, secret_key(settings)), ALL_SCOPES, "eligibility_check",
                                        dt.timedelta(days=1))
    connector.grant(consent.id, test_identity="sandbox-01")
    say(engine, "/greet", "m-0")
    store.append(SENDER, [SlotSet("mydata_pending_consent", consent.id).to_json()])
    yield engine, store, connector, sandbox[1], consent.id
    client.close()
    connector.store.engine.dispose()
    store.engine.dispose()


def say(engine: MessageProcessor, text: str, mid: str) -> Turn:
    return engine.handle_message(UserMessage(SENDER, text, "rest", {"message_id": mid}))


def fetch_audit(connector: MyDataConnector, consent_id: str) -> list[tuple[str | None, str]]:
    """The consent's fetch audit rows, (scope, outcome), sorted."""
    return sorted((e.scope, e.outcome) for e in connector.audit(consent_id) if e.action == "fetch")


def responses(turn: Turn) -> list[str]:
    return [str(m.custom.get("response")) for m in turn.messages]


def filled(store: SQLTrackerStore) -> list[str]:
    """Slots the stored conversation had filled from MyData (``mydata_filled_slots`` events), in order."""
    return [e["name"] for e in store.load(SENDER) if e["event"] == "slot" and e["name"] == "mydata_consent_id"]


def test_a_fetch_whose_turn_failed_to_save_is_not_repeated(parts: tuple[Any, ...]) -> None:
    engine, store, connector, provider, cid = parts
    store.save_fault = StoreUnavailableError("the database went away at the commit")
    assert say(engine, "/mydata_granted", "m-1").error == "store_unavailable"
    assert provider.stats()["record_requests"] == len(ALL_SCOPES)
    again = say(engine, "/mydata_granted", "m-1")  # the redelivered trigger: the recorded result is reused
    assert again.error is None and "utter_mydata_fetched" in responses(again)
    assert provider.stats()["record_requests"] == len(ALL_SCOPES)
    assert fetch_audit(connector, cid) == sorted((s, "ok") for s in ALL_SCOPES)
    assert filled(store) == ["mydata_consent_id"]


def test_a_fetch_retried_after_the_database_went_away_calls_the_provider_and_audits_once(
        parts: tuple[Any, ...], db_url: str, request: pytest.FixtureRequest) -> None:
    engine, store, connector, provider, cid = parts
    holder: list[sqlite3.Connection] = []
    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")

        def go_away() -> None:  # another connection takes the file's write lock: every write fails (busy)
            conn = sqlite3.connect(path, timeout=0.1, isolation_level=None, check_same_thread=False)
            conn.execute("BEGIN EXCLUSIVE")
            holder.append(conn)

        def come_back() -> None:
            holder.pop().execute("ROLLBACK")
    else:  # the server stops right after the fetch was kept: the rest of the action and the save fail
        server = request.getfixturevalue("pg_server")
        go_away, come_back = server.stop, server.start

    connector.after_fetch = go_away
    try:
        assert say(engine, "/mydata_granted", "m-1").error == "store_unavailable"
    finally:
        come_back()
    assert provider.stats()["record_requests"] == len(ALL_SCOPES)
    assert store.pending_effects(SENDER) == []  # nothing recorded of the action: the retry runs it again ...
    again = say(engine, "/mydata_granted", "m-1")
    assert again.error is None and "utter_mydata_fetched" in responses(again), [m.text for m in again.messages]
    assert provider.stats()["record_requests"] == len(ALL_SCOPES)  # ... and the fetch with the same key is not redone
    assert fetch_audit(connector, cid) == sorted((s, "ok") for s in ALL_SCOPES)
    assert filled(store) == ["mydata_consent_id"]
    assert engine.tracker_state(SENDER)["slots"]["mydata_consent_id"] == cid


def test_the_key_is_per_consent_and_a_new_key_fetches_again(parts: tuple[Any, ...]) -> None:
    _, _, connector, provider, cid = parts
    key = effect_key(SENDER, "m-1", 0, FETCH)
    first = connector.fetch(cid, key=key)
    assert connector.fetch(cid, key=key) == first and provider.stats()["record_requests"] == len(ALL_SCOPES)
    connector.fetch(cid, ["income"], key=effect_key(SENDER, "m-2", 0, FETCH))  # another turn: a new fetch
    assert provider.stats()["record_requests"] == len(ALL_SCOPES) + 1
    connector.fetch(cid, ["income"])  # no key: every call fetches (as before keys)
    assert provider.stats()["record_requests"] == len(ALL_SCOPES) + 2
    assert [o for _, o in fetch_audit(connector, cid)] == ["ok"] * (len(ALL_SCOPES) + 2)
    assert connector.store.fetch_done(cid, key) == tuple(sorted(ALL_SCOPES))


def test_a_key_done_before_still_needs_a_valid_consent(parts: tuple[Any, ...]) -> None:
    from connectors.mydata.scopes import ConsentError

    _, _, connector, provider, cid = parts
    key = effect_key(SENDER, "m-1", 0, FETCH)
    connector.fetch(cid, key=key)
    connector.revoke(cid)
    with pytest.raises(ConsentError):
        connector.fetch(cid, key=key)
    assert provider.stats()["record_requests"] == len(ALL_SCOPES)
    assert sorted(o for _, o in fetch_audit(connector, cid)) == ["denied_revoked"] * len(ALL_SCOPES) + ["ok"] * len(ALL_SCOPES)
