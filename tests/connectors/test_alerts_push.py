"""Benefit alerts pushed into the subscriber's conversation as soon as a run finds them
(connectors/alerts/conversation.py): the sealed conversation address, then the whole path over the real alerts API on
uvicorn and the engine with the trained bundled NLU: subscribe in the chat, change the catalogue, ``POST /run`` →
the conversation's turn (intent ``alerts_new``) tells the new service and its messages wait in the widget's outbox
(what ``/webhooks/rest/pending`` returns) before the citizen says anything; a messaging app's proactive channel gets
its own conversation's alerts; a failed wake keeps the notification for the greeting."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Sequence
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
from assistant.errors import InvalidInputError, StoreUnavailableError
from assistant.settings import Settings
from assistant.stores.outbox import OutboxStore
from connectors.alerts.conversation import (
    ADDRESS_PREFIX,
    ConversationNotifier,
    TOLD_SLOT,
    ConversationWaker,
    open_address,
    seal_address,
)
from connectors.alerts.engine import AlertEngine, ServiceEvaluator
from connectors.alerts.notifiers import DeliveryError, WidgetInboxNotifier
from connectors.alerts.service import create_app
from connectors.alerts.store import AlertStore
from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.service import CatalogueSource, EligibilityService

SENDER = "visitor-park"
SECRET = "alerts-push-secret-" + "p" * 40
TOKEN = "admin-token-for-alert-push-tests"
SENIOR = SERVICES[0][0]  # 어르신 난방비 지원 (age 65+, 서울특별시): added by the catalogue change
SLOTS = {"age": 70.0, "region": "서울특별시", "income_pct": 45.0}


def subscriber_of(sender: str) -> str:
    """HMAC-SHA256 of "alerts:" + sender id, computed here from its definition."""
    return "al:" + hmac.new(SECRET.encode(), f"alerts:{sender}".encode(), hashlib.sha256).hexdigest()


class TestSealedAddress:
    def test_round_trip_hides_the_sender_and_differs_each_time(self) -> None:
        a = seal_address(SECRET.encode(), "telegram", "+82-10-1234-5678")
        b = seal_address(SECRET.encode(), "telegram", "+82-10-1234-5678")
        assert a.startswith(ADDRESS_PREFIX) and a != b  # a fresh 96-bit nonce per seal
        assert "1234" not in a and "telegram" not in a
        assert open_address(SECRET.encode(), a) == open_address(SECRET.encode(), b) == ("telegram", "+82-10-1234-5678")

    def test_another_secret_or_an_altered_address_does_not_open(self) -> None:
        a = seal_address(SECRET.encode(), "rest", SENDER)
        with pytest.raises(InvalidInputError):
            open_address(b"another deployment", a)
        flipped = a[:-3] + ("A" if a[-3] != "A" else "B") + a[-2:]
        with pytest.raises(InvalidInputError):
            open_address(SECRET.encode(), flipped)
        for bad in ("", "conv1.", "conv1.!!!", SENDER):
            with pytest.raises(InvalidInputError):
                open_address(SECRET.encode(), bad)

    def test_notifier_without_a_waker_is_pull_only_and_refuses_other_addresses(self) -> None:
        n = ConversationNotifier()
        assert n.push is False and ConversationNotifier(lambda a: True).push is True
        with pytest.raises(DeliveryError):
            n.send(seal_address(SECRET.encode(), "rest", SENDER), {})
        with pytest.raises(InvalidInputError):
            n.validate_address("https://example.org/hook")
        n.validate_address(seal_address(SECRET.encode(), "rest", SENDER))

    def test_an_address_of_another_deployment_is_given_up_at_once(self) -> None:
        wake = ConversationWaker(lambda: b"this deployment", lambda s, i, c: [])
        with pytest.raises(DeliveryError) as e:
            ConversationNotifier(wake).send(seal_address(b"another deployment", "rest", SENDER), {})
        assert e.value.permanent


@dataclass
class Recording:
    """A messaging app's proactive channel (what a Telegram adapter registers): records what it sends."""

    name: str = "telegram"
    sent: list[tuple[str, list[str]]] = field(default_factory=list)

    def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        self.sent.append((recipient_id, [m.text for m in messages]))


class Holder:
    def __init__(self) -> None:
        self.cat = Catalogue.from_records(SERVICES[1:], version="v1")

    def source(self) -> CatalogueSource:
        return CatalogueSource(lambda _stamp: self.cat, lambda: self.cat.version, "test")


@dataclass
class World:
    """The alerts API (engine with the conversation notifier), the engine's conversations and the outbox."""

    url: str
    store: AlertStore
    holder: Holder
    outbox: OutboxStore
    telegram: Recording
    box: dict[str, Any]  # "p": the processor, "fail": make the next turn's delivery fail

    def run(self) -> dict[str, int]:
        r = httpx.post(f"{self.url}/run", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
        r.raise_for_status()
        return dict(r.json())


@pytest.fixture
def world(tmp_path: Path, make_processor: Any) -> Iterator[World]:
    holder = Holder()
    store = AlertStore(f"sqlite:///{tmp_path / 'alerts.db'}")
    outbox = OutboxStore(f"sqlite:///{tmp_path / 'outbox.db'}")
    telegram = Recording()
    channels = ProactiveChannels([PendingChannel(outbox), telegram])
    box: dict[str, Any] = {"fail": False}

    def run_turn(sender: str, intent: str, channel: str) -> Sequence[BotMessage]:
        # what assistant serve's proactive_turn does: the turn, then its messages through the channel's proactive channel
        if box["fail"]:
            raise StoreUnavailableError("outbox down (test)")
        turn = box["p"].trigger_intent(sender, intent, None, channel)
        channels.send(channel, sender, turn.messages)
        return turn.messages

    # as assistant serve wires it: the conversation's told-alerts slot is read before a turn is run
    wake = ConversationWaker(lambda: SECRET.encode(), run_turn, told=lambda s: box["p"].load(s).get_slot(TOLD_SLOT))
    engine = AlertEngine(store, ServiceEvaluator(EligibilityService(holder.source())),
                         {"widget": WidgetInboxNotifier(), "conversation": ConversationNotifier(wake)}, retry_delay=0.0)
    with LiveServer(create_app(Settings(home=tmp_path, api_token=TOKEN), engine)) as live:
        box["p"] = make_processor(connector_actions="connectors.alerts.actions", alerts_url=live.url, api_token=TOKEN,
                                  tasks_applicant_secret=SECRET, connector_timeout=5.0, connector_retries=2)
        yield World(live.url, store, holder, outbox, telegram, box)
    store.db.dispose()


def say(p: MessageProcessor, text: str, sender: str = SENDER, channel: str = "rest") -> Turn:
    return p.handle_message(UserMessage(sender, text, channel, {}))


def subscribe(w: World, sender: str = SENDER, channel: str = "rest") -> None:
    p = w.box["p"]
    say(p, "안녕하세요", sender, channel)
    p.tracker_store.append(sender, [SlotSet(k, v).to_json() for k, v in SLOTS.items()])
    assert [m.custom.get("response") for m in say(p, "/subscribe_alerts", sender, channel).messages] == ["utter_alerts_offer"]
    assert [m.custom.get("response") for m in say(p, "/affirm", sender, channel).messages] == ["utter_alerts_subscribed"]


def test_a_new_match_waits_in_the_widget_outbox_before_the_citizen_says_anything(world: World) -> None:
    subscribe(world)
    [sub] = world.store.all()
    assert sub.subscriber_id == subscriber_of(SENDER) and sub.channel == "conversation" and SENDER not in sub.address
    assert world.run() == {"evaluated": 0, "notified": 0, "delivered": 0, "failed": 0, "gave_up": 0, "errors": 0}
    assert list(world.outbox.fetch(SENDER).messages) == []

    world.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    report = world.run()
    assert (report["notified"], report["delivered"], report["failed"]) == (1, 1, 0)
    page = world.outbox.fetch(SENDER)  # what GET /webhooks/rest/pending?sender= returns when the widget opens
    [told] = page.messages
    assert f"- {SENIOR.title}: {SENIOR.url}" in str(told["text"]).splitlines()
    assert [(c["title"], c["url"]) for c in told["custom"]["citations"]] == [(SENIOR.title, SENIOR.url)]
    assert [n.status for n in world.store.notifications(sub.subscriber_id)] == ["delivered"]
    assert world.telegram.sent == []
    # the conversation's history holds the alert; the next greeting does not repeat it
    back = say(world.box["p"], "안녕하세요")
    assert [m.custom.get("response") for m in back.messages] == ["utter_greet"]
    assert world.run()["delivered"] == 0 and len(world.outbox.fetch(SENDER).messages) == 1


def test_a_messaging_app_conversation_gets_its_alerts_through_its_own_channel(world: World) -> None:
    subscribe(world, "tg-4242", channel="telegram")
    subscribe(world, SENDER)
    world.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    report = world.run()
    assert (report["notified"], report["delivered"]) == (2, 2)
    [(recipient, texts)] = world.telegram.sent
    assert recipient == "tg-4242" and any(SENIOR.url in t for t in texts)
    assert list(world.outbox.fetch("tg-4242").messages) == []  # not in the widget's outbox
    assert len(world.outbox.fetch(SENDER).messages) == 1


def test_a_failed_wake_keeps_the_notification_for_the_greeting(world: World) -> None:
    subscribe(world)
    world.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    world.box["fail"] = True
    report = world.run()
    assert (report["notified"], report["delivered"], report["failed"]) == (1, 0, 1)
    [note] = world.store.notifications(subscriber_of(SENDER))
    assert (note.status, note.attempts) == ("pending", 1) and "StoreUnavailableError" in str(note.last_error)
    back = say(world.box["p"], "안녕하세요")  # the next visit tells it
    assert [m.custom.get("response") for m in back.messages] == ["utter_greet", "utter_alerts_new_services"]
    world.box["fail"] = False
    turns = len(world.box["p"].load(SENDER).events)
    report = world.run()  # told at the greeting: acknowledged now without a turn, nothing pushed twice
    assert (report["delivered"], report["failed"]) == (1, 0)
    assert list(world.outbox.fetch(SENDER).messages) == [] and len(world.box["p"].load(SENDER).events) == turns
    assert [n.status for n in world.store.notifications(subscriber_of(SENDER))] == ["delivered"]
