"""Benefit alerts are delivered at least once, deduplicated by notification id (connectors/alerts/actions.py,
connectors/alerts/conversation.py): a notification is marked delivered only once the turn that told it was kept
(and, when pushed, its messages sent). Real stores fail for real: the widget's outbox (SQLite) and the tracker store
(SQLite) are write-locked by another connection while a turn runs; the alert store is SQLite or PostgreSQL.

Before: the turn's inbox read marked the notification delivered, so an outbox write or a tracker save that failed
afterwards lost it (logged only)."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_catalogue import SERVICES  # type: ignore[import-not-found]
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.channels.proactive import PendingChannel, ProactiveChannels
from assistant.dialogue.events import SlotSet
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.settings import Settings
from assistant.stores.outbox import OutboxStore
from assistant.stores.trackers import SQLTrackerStore
from connectors.alerts.client import AlertsClient
from connectors.alerts.conversation import TOLD_SLOT, ConversationNotifier, ConversationWaker
from connectors.alerts.engine import AlertEngine, ServiceEvaluator
from connectors.alerts.notifiers import WidgetInboxNotifier
from connectors.alerts.service import create_app
from connectors.alerts.store import AlertStore
from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.service import CatalogueSource, EligibilityService

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 21 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

SENDER = "visitor-jung"
SECRET = "alerts-delivery-secret-" + "d" * 40
TOKEN = "admin-token-for-alert-delivery-tests"
SENIOR = SERVICES[0][0]  # 어르신 난방비 지원 (age 65+): added by the catalogue change
SLOTS = {"age": 70.0, "region": "서울특별시", "income_pct": 45.0}
FACTS = {"age": 70, "region": "서울특별시", "income_pct_median": 45.0}  # the facts of SLOTS


def subscriber_of(sender: str) -> str:
    return "al:" + hmac.new(SECRET.encode(), f"alerts:{sender}".encode(), hashlib.sha256).hexdigest()


@contextmanager
def write_locked(path: Path) -> Iterator[None]:
    """Another connection holds SQLite's write lock on ``path`` (readers go on: WAL), as a long writer would."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


class Holder:
    def __init__(self) -> None:
        self.cat = Catalogue.from_records(SERVICES[1:], version="v1")

    def source(self) -> CatalogueSource:
        return CatalogueSource(lambda _stamp: self.cat, lambda: self.cat.version, "test")


@dataclass
class World:
    url: str
    store: AlertStore
    holder: Holder
    outbox: OutboxStore
    outbox_path: Path
    trackers_path: Path
    p: MessageProcessor
    woken: list[str] = field(default_factory=list)

    def run(self) -> dict[str, int]:
        r = httpx.post(f"{self.url}/run", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        r.raise_for_status()
        return dict(r.json())

    def say(self, text: str) -> Turn:
        return self.p.handle_message(UserMessage(SENDER, text, "rest", {}))

    def told_in_outbox(self) -> list[str]:
        return [str(m["text"]) for m in self.outbox.fetch(SENDER).messages
                if (m.get("custom") or {}).get("response") == "utter_alerts_new_services"]

    def alert_turns(self) -> int:
        return sum(1 for e in self.p.tracker_store.load(SENDER) if e.get("event") == "user" and e.get("text") == "/alerts_new")


@pytest.fixture
def world(tmp_path: Path, db_url: str, make_processor: Any) -> Iterator[World]:
    holder = Holder()
    store = AlertStore(db_url)
    outbox_path, trackers_path = tmp_path / "outbox.db", tmp_path / "trackers.db"
    outbox = OutboxStore(f"sqlite:///{outbox_path}")
    channels = ProactiveChannels([PendingChannel(outbox)])
    box: dict[str, Any] = {}

    def run_turn(sender: str, intent: str, channel: str) -> Sequence[BotMessage]:
        # assistant serve's proactive turn: the turn (kept in the tracker store), then its messages to the outbox
        box["w"].woken.append(sender)
        turn = box["p"].trigger_intent(sender, intent, None, channel)
        channels.send(channel, sender, turn.messages)
        return turn.messages

    wake = ConversationWaker(lambda: SECRET.encode(), run_turn, told=lambda s: box["p"].load(s).get_slot(TOLD_SLOT))
    engine = AlertEngine(store, ServiceEvaluator(EligibilityService(holder.source())),
                         {"widget": WidgetInboxNotifier(), "conversation": ConversationNotifier(wake)}, retry_delay=0.0)
    with LiveServer(create_app(Settings(home=tmp_path, api_token=TOKEN), engine)) as live:
        box["p"] = make_processor(tracker_store=SQLTrackerStore(f"sqlite:///{trackers_path}", connect_timeout=0.5),
                                  connector_actions="connectors.alerts.actions", alerts_url=live.url, api_token=TOKEN,
                                  tasks_applicant_secret=SECRET, connector_timeout=5.0, connector_retries=2)
        box["w"] = World(live.url, store, holder, outbox, outbox_path, trackers_path, box["p"])
        yield box["w"]
    store.db.dispose()


def subscribe(w: World) -> None:
    w.say("안녕하세요")
    w.p.tracker_store.append(SENDER, [SlotSet(k, v).to_json() for k, v in SLOTS.items()])
    assert [m.custom.get("response") for m in w.say("/subscribe_alerts").messages] == ["utter_alerts_offer"]
    assert [m.custom.get("response") for m in w.say("/affirm").messages] == ["utter_alerts_subscribed"]


def notes(w: World) -> list[tuple[str, int]]:
    return [(n.status, n.attempts) for n in w.store.notifications(subscriber_of(SENDER))]


def test_an_outbox_write_that_fails_after_the_turn_read_the_inbox_loses_nothing(world: World) -> None:
    subscribe(world)
    world.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    with write_locked(world.outbox_path):
        report = world.run()  # the turn tells the alert and is kept; its messages cannot be written to the outbox
    assert (report["notified"], report["delivered"], report["failed"]) == (1, 0, 1)
    assert notes(world) == [("pending", 1)]  # not marked delivered: one failed attempt, retried
    assert world.told_in_outbox() == [] and world.alert_turns() == 1
    report = world.run()  # the outbox is back: told again (the first telling never reached the widget), once
    assert (report["delivered"], report["failed"]) == (1, 0) and notes(world) == [("delivered", 1)]
    [told] = world.told_in_outbox()
    assert f"- {SENIOR.title}: {SENIOR.url}" in told.splitlines()
    # nothing more: no third telling at the next run or at the greeting
    assert world.run()["delivered"] == 0
    assert [m.custom.get("response") for m in world.say("안녕하세요").messages] == ["utter_greet"]
    assert len(world.told_in_outbox()) == 1 and world.alert_turns() == 2


def test_a_greeting_whose_turn_is_not_saved_tells_the_alert_again(world: World) -> None:
    subscribe(world)
    # a run in a process without the assistant (cron): the notification waits for the greeting
    cron = AlertEngine(world.store, ServiceEvaluator(EligibilityService(world.holder.source())),
                       {"conversation": ConversationNotifier()})
    world.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    assert cron.run_once().notified == 1 and notes(world) == [("pending", 0)]
    with write_locked(world.trackers_path):
        failed = world.say("안녕하세요")  # the action read the inbox and told it; the turn could not be saved
    assert failed.error == "store_unavailable"
    assert notes(world) == [("pending", 0)]  # not lost
    back = world.say("안녕하세요")
    assert [m.custom.get("response") for m in back.messages] == ["utter_greet", "utter_alerts_new_services"]
    [told] = [m for m in back.messages if m.custom.get("response") == "utter_alerts_new_services"]
    assert told.custom["alert_id"] == world.store.notifications(subscriber_of(SENDER))[0].id
    # told in a kept turn: the server's next run acknowledges it without waking the conversation again
    report = world.run()
    assert (report["delivered"], report["failed"]) == (1, 0) and notes(world) == [("delivered", 0)]
    assert world.woken == [] and world.told_in_outbox() == []
    assert [m.custom.get("response") for m in world.say("안녕하세요").messages] == ["utter_greet"]


def test_a_lost_acknowledgement_is_not_told_twice(world: World) -> None:
    """The greeting told it and was kept, but the acknowledgement never came (nothing acknowledges a greeting
    until the next read): the next greeting acknowledges it and says nothing new."""
    subscribe(world)
    cron = AlertEngine(world.store, ServiceEvaluator(EligibilityService(world.holder.source())),
                       {"conversation": ConversationNotifier()})
    world.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    cron.run_once()
    first = world.say("안녕하세요")
    assert [m.custom.get("response") for m in first.messages] == ["utter_greet", "utter_alerts_new_services"]
    [nid] = [n.id for n in world.store.notifications(subscriber_of(SENDER))]
    assert notes(world) == [("pending", 0)] and world.p.load(SENDER).get_slot(TOLD_SLOT) == {str(nid): 0}
    again = world.say("안녕하세요")
    assert [m.custom.get("response") for m in again.messages] == ["utter_greet"]
    assert notes(world) == [("delivered", 0)] and world.p.load(SENDER).get_slot(TOLD_SLOT) is None


def test_the_inbox_api_reads_without_claiming_and_acknowledges_only_the_subscribers_own(world: World) -> None:
    store = world.store
    engine = AlertEngine(store, ServiceEvaluator(EligibilityService(world.holder.source())), {"widget": WidgetInboxNotifier()})
    engine.subscribe("a", "widget", "a", {"granted": True, "text": "t"}, FACTS)
    engine.subscribe("b", "widget", "b", {"granted": True, "text": "t"}, FACTS)
    world.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    engine.run_once()
    with AlertsClient(world.url, timeout=5, api_token=TOKEN) as client:
        [a] = client.peek("a")
        [b] = client.peek("b")
        assert client.peek("a") == [a] and (a["attempts"], a["id"] != b["id"]) == (0, True)  # read twice, still there
        assert client.acknowledge("a", [b["id"], a["id"], a["id"]]) == [a["id"]]  # b's id is not a's to mark
        assert client.peek("a") == [] and client.acknowledge("a", [a["id"]]) == []
        assert [n["id"] for n in client.peek("b")] == [b["id"]]
