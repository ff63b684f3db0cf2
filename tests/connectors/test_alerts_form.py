"""A benefit alert pushed while a form waits for an answer (intents/rules.yml, connectors/alerts/conversation.py):
the alert is told first, then the form asks its question again, so the citizen's next message answers the form.
The push (``/alerts_new``) is never read as the slot's value nor counted as an invalid answer, and a reply to the
alert ("고마워요") is a digression, not the value. Over the real alerts API on uvicorn, the trained bundled NLU and
the eligibility connector on the session's test catalogue."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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
from connectors.alerts.conversation import ConversationNotifier, ConversationWaker
from connectors.alerts.engine import AlertEngine, ServiceEvaluator
from connectors.alerts.notifiers import WidgetInboxNotifier
from connectors.alerts.service import create_app
from connectors.alerts.store import AlertStore
from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.service import CatalogueSource, EligibilityService

SENDER = "visitor-choi"
SECRET = "alerts-form-secret-" + "f" * 40
TOKEN = "admin-token-for-alert-form-tests"
SENIOR = SERVICES[0][0]  # 어르신 난방비 지원 (age 65+): added by the catalogue change
FACTS = {"age": 70.0, "region": "서울특별시", "income_pct": 45.0}
ROOT = Path(__file__).resolve().parents[2]


def subscriber_of(sender: str) -> str:
    return "al:" + hmac.new(SECRET.encode(), f"alerts:{sender}".encode(), hashlib.sha256).hexdigest()


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
    p: MessageProcessor

    def run(self) -> dict[str, int]:
        r = httpx.post(f"{self.url}/run", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
        r.raise_for_status()
        return dict(r.json())

    def say(self, text: str) -> Turn:
        return self.p.handle_message(UserMessage(SENDER, text, "rest", {}))


@pytest.fixture
def world(tmp_path: Path, make_processor: Any) -> Iterator[World]:
    holder = Holder()
    store = AlertStore(f"sqlite:///{tmp_path / 'alerts.db'}")
    outbox = OutboxStore(f"sqlite:///{tmp_path / 'outbox.db'}")
    channels = ProactiveChannels([PendingChannel(outbox)])
    box: dict[str, MessageProcessor] = {}

    def run_turn(sender: str, intent: str, channel: str) -> Sequence[BotMessage]:
        turn = box["p"].trigger_intent(sender, intent, None, channel)
        channels.send(channel, sender, turn.messages)
        return turn.messages

    engine = AlertEngine(store, ServiceEvaluator(EligibilityService(holder.source())),
                         {"widget": WidgetInboxNotifier(),
                          "conversation": ConversationNotifier(ConversationWaker(lambda: SECRET.encode(), run_turn))},
                         retry_delay=0.0)
    with LiveServer(create_app(Settings(home=tmp_path, api_token=TOKEN), engine)) as live:
        box["p"] = make_processor(connector_actions="connectors.eligibility.actions,connectors.alerts.actions",
                                  alerts_url=live.url, api_token=TOKEN, tasks_applicant_secret=SECRET,
                                  connector_timeout=5.0, connector_retries=2)
        yield World(live.url, store, holder, outbox, box["p"])
    store.db.dispose()


def responses(turn: Turn | Sequence[dict[str, Any]]) -> list[str | None]:
    if isinstance(turn, Turn):
        return [m.custom.get("response") for m in turn.messages]
    return [(m.get("custom") or {}).get("response") for m in turn]


def subscribed_and_asked_for_age(w: World) -> None:
    """Subscribe with facts (age 70 ...), then start a new eligibility check with no facts in the conversation: the
    form asks the age and waits."""
    w.say("안녕하세요")
    w.p.tracker_store.append(SENDER, [SlotSet(k, v).to_json() for k, v in FACTS.items()])
    assert responses(w.say("/subscribe_alerts")) == ["utter_alerts_offer"]
    assert responses(w.say("/affirm")) == ["utter_alerts_subscribed"]
    w.p.tracker_store.append(SENDER, [SlotSet(k, None).to_json() for k in FACTS])
    asked = w.say("제가 받을 수 있는 혜택이 뭐가 있나요?")
    assert responses(asked)[-1] == "utter_ask_age"
    assert w.p.load(SENDER).active_loop_name == "eligibility_form"


def test_an_alert_pushed_while_the_form_asks_is_told_then_the_form_asks_again(world: World) -> None:
    subscribed_and_asked_for_age(world)
    world.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    report = world.run()
    assert (report["notified"], report["delivered"], report["failed"]) == (1, 1, 0)
    pushed = list(world.outbox.fetch(SENDER).messages)
    # the alert first, the form's question last (what the next message answers); no "I did not understand the age"
    assert responses(pushed) == ["utter_alerts_new_services", "utter_ask_age"]
    assert f"- {SENIOR.title}: {SENIOR.url}" in str(pushed[0]["text"]).splitlines()
    assert not any("form_invalid" in (m.get("custom") or {}) for m in pushed)
    tracker = world.p.load(SENDER)
    assert tracker.active_loop_name == "eligibility_form" and tracker.get_slot("requested_slot") == "age"
    assert tracker.get_slot("age") is None
    # a reply to the alert is not the age: thanks is a digression, and the form asks again
    thanks = world.say("고마워요")
    assert responses(thanks) == ["utter_thank", "utter_ask_age"] and world.p.load(SENDER).get_slot("age") is None
    # the answer to the form's question fills the slot, and the form goes on
    answered = world.say("70살이에요")
    tracker = world.p.load(SENDER)
    assert tracker.get_slot("age") == 70 and tracker.get_slot("requested_slot") != "age"
    assert "utter_invalid_age" not in responses(answered)
    assert [n.status for n in world.store.notifications(subscriber_of(SENDER))] == ["delivered"]


def test_every_form_lets_a_pushed_alert_through_and_asks_again() -> None:
    """The whole kind: each form of the domain has the rule that tells a pushed alert and returns to the form."""
    from assistant.nlu.project import load_project
    from assistant.nlu.stories import ActionStep, ActiveLoopStep, IntentStep

    project = load_project(ROOT / "intents")
    for form in project.domain.forms:
        found = [r for r in project.rules
                 if any(isinstance(c, ActiveLoopStep) and c.name == form for c in r.condition)
                 and r.steps and isinstance(r.steps[0], IntentStep) and r.steps[0].intent == "alerts_new"]
        assert found, f"no rule tells a pushed benefit alert while {form} asks"
        actions = [s.action for s in found[0].steps if isinstance(s, ActionStep)]
        assert actions == ["action_deliver_alerts", form], (form, actions)


@pytest.mark.parametrize(("stop", "answer", "after"), [
    ("혜택 알림 그만 받을래요", "네", "utter_alerts_unsubscribed"),
    ("알림 끊어줘", "아니요", "utter_alerts_kept"),
])
def test_stopping_alerts_while_the_form_asks_pauses_it(world: World, stop: str, answer: str, after: str) -> None:
    """s45 probe: "혜택 알림 그만 받을래요" at the form's question was refused as an answer ("숫자처럼 짧은 값 하나로
    답해 주세요") and the alerts kept. The stop question pauses the form; after the yes or no it asks again."""
    subscribed_and_asked_for_age(world)
    asked = world.say(stop)
    assert responses(asked) == ["utter_alerts_confirm_unsubscribe"], [m.text for m in asked.messages]
    assert world.p.load(SENDER).active_loop_name is None
    done = world.say(answer)
    assert responses(done) == [after, "utter_ask_age"], [m.text for m in done.messages]
    tracker = world.p.load(SENDER)
    assert tracker.active_loop_name == "eligibility_form" and tracker.get_slot("requested_slot") == "age"
    held = [s.subscriber_id for s in world.store.all()]
    assert held == ([] if answer == "네" else [subscriber_of(SENDER)])
    answered = world.say("70살이에요")
    assert world.p.load(SENDER).get_slot("age") == 70 and "utter_invalid_age" not in responses(answered)
