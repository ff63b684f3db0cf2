"""Connector actions in the Rasa-SDK shape: the same action in-process and behind the action-server protocol."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.action_server import ActionServerClient
from assistant.dialogue.events import SlotSet, UserUttered
from assistant.dialogue.executors import ActionError, ActionExecutionRejection, ActionNotFoundError, CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker, SdkActionExecutor, create_action_app, load_actions, slot_set
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import InvalidConfigError
from assistant.nlu.domain import Domain
from assistant.settings import Settings
from tests.live_server import LiveServer


class Double:
    """Doubles the ``number`` entity into slot ``doubled``; rejects a turn without one; fails on 13."""

    def name(self) -> str:
        return "action_double"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        values = list(tracker.get_latest_entity_values("number"))
        if not values:
            raise ActionExecutionRejection("action_double", "no number")
        if values[0] == 13:
            raise RuntimeError("unlucky")
        dispatcher.utter_message(text=f"{tracker.sender_id}: {values[0] * 2}", json_message={"intent": tracker.get_intent_of_latest_message()})
        return [slot_set("doubled", values[0] * 2)]


def _tracker(number: int | None) -> DialogueStateTracker:
    t = DialogueStateTracker("u-7")
    ents = [{"entity": "number", "value": number, "start": 0, "end": 2}] if number is not None else []
    t.update(UserUttered("21", {"intent": {"name": "inform", "confidence": 0.9}, "entities": ents}))
    return t


def test_protocol_tracker_reads_like_rasa_sdk() -> None:
    t = ProtocolTracker({"sender_id": "s", "slots": {"a": 1}, "active_loop": {"name": "f"},
                         "latest_message": {"text": "hi", "intent": {"name": "greet"},
                                            "entities": [{"entity": "x", "value": 1, "role": "from"}, {"entity": "x", "value": 2}]}})
    assert t.get_slot("a") == 1 and t.get_slot("b") is None
    assert t.active_loop_name == "f" and t.latest_text() == "hi"
    assert list(t.get_latest_entity_values("x")) == [1, 2]
    assert list(t.get_latest_entity_values("x", entity_role="from")) == [1]


def test_in_process_and_action_server_give_the_same_result() -> None:
    local = SdkActionExecutor([Double()]).run("action_double", _tracker(21), Domain())
    assert [e.to_json()["value"] for e in local.events if isinstance(e, SlotSet)] == [42]
    assert local.responses[0]["text"] == "u-7: 42" and local.responses[0]["custom"] == {"intent": "inform"}
    with LiveServer(create_action_app([Double()])) as server, \
            ActionServerClient(f"{server.url}/webhook", timeout=5, retries=1) as client:
        remote = client.run("action_double", _tracker(21), Domain())
    def strip(events: list[Any]) -> list[dict[str, Any]]:
        return [{k: v for k, v in e.to_json().items() if k != "timestamp"} for e in events]

    assert strip(remote.events) == strip(local.events)
    assert remote.responses == local.responses


def test_rejection_unknown_action_and_failure() -> None:
    ex = SdkActionExecutor([Double()])
    assert ex.run("action_double", _tracker(None), Domain()).rejected
    with pytest.raises(ActionError, match="RuntimeError"):
        ex.run("action_double", _tracker(13), Domain())
    with pytest.raises(ActionNotFoundError, match="no action server configured"):
        ex.run("action_other", _tracker(1), Domain())
    with LiveServer(create_action_app([Double()])) as server, \
            ActionServerClient(f"{server.url}/webhook", timeout=5, retries=1) as client:
        assert client.run("action_double", _tracker(None), Domain()).rejected
        with pytest.raises(ActionNotFoundError):
            client.run("action_other", _tracker(1), Domain())
        with pytest.raises(ActionError):
            client.run("action_double", _tracker(13), Domain())


def test_duplicate_names_and_bad_modules_are_config_errors() -> None:
    with pytest.raises(InvalidConfigError, match="twice"):
        SdkActionExecutor([Double(), Double()])
    with pytest.raises(InvalidConfigError, match="cannot be imported"):
        load_actions(["connectors.no_such_module"], Settings())
    with pytest.raises(InvalidConfigError, match="no actions"):
        load_actions(["json"], Settings())
    assert Settings(connector_actions=" a , ,b").connector_action_modules == ["a", "b"]


def test_buttons_an_action_adds_to_a_domain_response_are_kept() -> None:
    from assistant.dialogue.actions import RemoteAction, TurnContext
    from tests.shared_paths import ROOT

    class Offer:
        def name(self) -> str:
            return "action_offer"

        def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
            dispatcher.utter_message(response="utter_form_offer_exit", buttons=[{"title": "Apply", "payload": "/apply_service"}])
            return []

    domain = Domain.load(ROOT / "intents" / "domain.yml")
    events = RemoteAction("action_offer", SdkActionExecutor([Offer()])).run(_tracker(1), domain, TurnContext(Settings(), domain))
    own = [b["payload"] for b in domain.response("utter_form_offer_exit", "ko")["buttons"]]
    assert [b["payload"] for b in events[0].data["buttons"]] == [*own, "/apply_service"]
