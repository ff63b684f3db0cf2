"""A benefit alert pushed while a yes/no question waits ("혜택 알림을 중단하고 … 삭제할까요?"): the alert is told, then
the question is asked again, so the citizen's "네" / "yes" answers the question they saw last, never the alert
(assistant/dialogue/confirmation.py). Over the real alerts API on uvicorn, the trained bundled NLU, the tracker
store and the widget's outbox, in Korean and English (the world of tests/connectors/test_alerts_form.py)."""

from __future__ import annotations

import pytest
from engine_catalogue import SERVICES  # type: ignore[import-not-found]
from test_alerts_form import FACTS, SENDER, World, responses, subscriber_of, world  # noqa: F401 (the fixture)

from assistant.dialogue.events import SlotSet
from connectors.eligibility.catalogue import Catalogue

SENIOR = SERVICES[0][0]  # 어르신 난방비 지원: added by the catalogue change
STOP = {"ko": "혜택 알림 그만 받을래요", "en": "Please stop my benefit alerts"}
HELLO = {"ko": "안녕하세요", "en": "Hello"}


def subscribed_and_asked_to_stop(w: World, lang: str) -> str:
    """Subscribe with facts, then ask to stop: the assistant asks for a clear yes. Returns the question's text."""
    w.say(HELLO[lang])
    w.p.tracker_store.append(SENDER, [SlotSet(k, v).to_json() for k, v in FACTS.items()])
    assert responses(w.say("/subscribe_alerts")) == ["utter_alerts_offer"]
    assert responses(w.say("/affirm")) == ["utter_alerts_subscribed"]
    asked = w.say(STOP[lang])
    assert responses(asked) == ["utter_alerts_confirm_unsubscribe"], [m.text for m in asked.messages]
    assert asked.messages[-1].text.rstrip().endswith("?")
    return asked.messages[-1].text


def push(w: World) -> list[dict[str, object]]:
    w.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    report = w.run()
    assert (report["notified"], report["delivered"], report["failed"]) == (1, 1, 0)
    return list(w.outbox.fetch(SENDER).messages)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_yes_after_a_pushed_alert_answers_the_pending_question(world: World, lang: str) -> None:  # noqa: F811
    question = subscribed_and_asked_to_stop(world, lang)
    pushed = push(world)
    # the alert first, then the same question again (what the next message answers)
    assert responses(pushed) == ["utter_alerts_new_services", "utter_alerts_confirm_unsubscribe"]
    assert f"- {SENIOR.title}: {SENIOR.url}" in str(pushed[0]["text"]).splitlines()
    assert pushed[1]["text"] == question and (pushed[1].get("custom") or {}).get("repeated") is True  # type: ignore[union-attr]
    assert [n.status for n in world.store.notifications(subscriber_of(SENDER))] == ["delivered"]
    yes = world.say({"ko": "네", "en": "yes"}[lang])
    assert responses(yes) == ["utter_alerts_unsubscribed"], [m.text for m in yes.messages]
    assert [s.subscriber_id for s in world.store.all()] == []  # the subscription (and its facts) is gone


def test_no_after_a_pushed_alert_keeps_the_alerts(world: World) -> None:  # noqa: F811
    subscribed_and_asked_to_stop(world, "ko")
    assert responses(push(world))[-1] == "utter_alerts_confirm_unsubscribe"
    no = world.say("아니요")
    assert responses(no) == ["utter_alerts_kept"], [m.text for m in no.messages]
    assert [n.status for n in world.store.notifications(subscriber_of(SENDER))] == ["delivered"]
    assert [s.subscriber_id for s in world.store.all()] == [subscriber_of(SENDER)]  # still subscribed
