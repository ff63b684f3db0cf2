"""Events: Rasa's wire shape in, the same shape out.

The expected dicts are written out by hand from Rasa 3.x's ``Event.as_dict``
(``rasa/shared/core/events.py``) and ``rasa_sdk/events.py``, not produced by our code.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from assistant.dialogue.events import (
    EVENT_TYPES,
    ActionExecuted,
    ActiveLoop,
    Event,
    LoopInterrupted,
    SlotSet,
    UserUttered,
    events_from_json,
    events_to_json,
)
from assistant.errors import InvalidInputError

TS = 1732870000.123456

PARSE = {
    "intent": {"name": "apply_benefit", "confidence": 0.91},
    "entities": [{"entity": "age", "value": 67, "start": 4, "end": 7, "extractor": "RegexEntityExtractor"}],
    "intent_ranking": [{"name": "apply_benefit", "confidence": 0.91}, {"name": "greet", "confidence": 0.05}],
    "text": "아니요, 67세예요",
    "message_id": "m-1",
    "metadata": {},
}

# Every event as Rasa 3.x serializes it.
RASA_EVENTS = [
    {"event": "user", "timestamp": TS, "text": "아니요, 67세예요", "parse_data": PARSE, "input_channel": "rest", "message_id": "m-1", "metadata": {}},
    {"event": "bot", "timestamp": TS, "text": "나이를 67세로 바꿨어요.", "data": {"buttons": [{"title": "네", "payload": "/affirm"}]}, "metadata": {}},
    {"event": "slot", "timestamp": TS, "name": "age", "value": 67},
    {"event": "slot", "timestamp": TS, "name": "household", "value": {"size": 2, "members": ["본인", "배우자"]}},
    {"event": "action", "timestamp": TS, "name": "utter_ask_age", "policy": "RulePolicy", "confidence": 1.0, "action_text": None, "hide_rule_turn": False},
    {"event": "action_execution_rejected", "timestamp": TS, "name": "benefit_form", "policy": "RulePolicy", "confidence": 0.9},
    {"event": "active_loop", "timestamp": TS, "name": "benefit_form"},
    {"event": "active_loop", "timestamp": TS, "name": None},
    {"event": "loop_interrupted", "timestamp": TS, "is_interrupted": True},
    {"event": "followup", "timestamp": TS, "name": "action_check_eligibility"},
    {"event": "entities", "timestamp": TS, "entities": [{"entity": "region", "value": "부산"}]},
    {"event": "user_featurization", "timestamp": TS, "use_text_for_featurization": False},
    {"event": "reminder", "timestamp": TS, "intent": "remind_deadline", "date_time": "2026-12-01T09:00:00+09:00",
     "entities": None, "name": "r1", "kill_on_user_msg": True},
    {"event": "cancel_reminder", "timestamp": TS, "name": "r1", "intent": None, "entities": None},
    {"event": "handoff", "timestamp": TS, "target": "call_center", "reason": "user_request"},
    {"event": "restart", "timestamp": TS},
    {"event": "session_started", "timestamp": TS},
    {"event": "rewind", "timestamp": TS},
    {"event": "undo", "timestamp": TS},
    {"event": "reset_slots", "timestamp": TS},
    {"event": "pause", "timestamp": TS},
    {"event": "resume", "timestamp": TS},
    {"event": "agent", "timestamp": TS, "text": "상담사 김민지입니다.", "data": {"agent_id": "a-7"}},
    {"event": "export", "timestamp": TS},
    {"event": "slot", "timestamp": TS, "name": "consent", "value": True, "metadata": {"source": "form"}},
]


class TestWireShape:
    @pytest.mark.parametrize("wire", RASA_EVENTS, ids=lambda d: d["event"])
    def test_round_trip_is_identity(self, wire: dict) -> None:
        assert Event.from_json(wire).to_json() == wire

    def test_every_event_type_is_covered(self) -> None:
        assert {d["event"] for d in RASA_EVENTS} == set(EVENT_TYPES)

    def test_round_trip_through_json_text(self) -> None:
        text = json.dumps(events_to_json(events_from_json(RASA_EVENTS)), ensure_ascii=False)
        assert json.loads(text) == RASA_EVENTS
        assert "67세" in text  # Korean stays readable, not \\u-escaped

    def test_rasa_sdk_payloads_are_completed_as_rasa_does(self) -> None:
        # rasa_sdk's UserUttered(text) sends parse_data=None and timestamp=None
        e = Event.from_json({"event": "user", "timestamp": None, "text": "안녕", "parse_data": None, "input_channel": None})
        d = e.to_json()
        assert isinstance(d["timestamp"], float)
        assert d["parse_data"] == {"intent": {}, "entities": [], "text": "안녕", "message_id": None, "metadata": {}}
        assert d["metadata"] == {} and d["message_id"] is None
        # rasa_sdk's ActionExecuted has no action_text / hide_rule_turn
        a = Event.from_json({"event": "action", "name": "action_listen", "policy": None, "confidence": None, "timestamp": 5})
        assert a.to_json() == {"event": "action", "timestamp": 5.0, "name": "action_listen", "policy": None,
                               "confidence": None, "action_text": None, "hide_rule_turn": False}

    def test_base_metadata_only_when_present(self) -> None:
        assert SlotSet("a", 1, timestamp=1.0).to_json() == {"event": "slot", "timestamp": 1.0, "name": "a", "value": 1}
        assert SlotSet("a", 1, timestamp=1.0, metadata={"k": 1}).to_json()["metadata"] == {"k": 1}

    def test_legacy_form_events(self) -> None:
        assert Event.from_json({"event": "form", "name": "f", "timestamp": 1}) == ActiveLoop("f", timestamp=1.0)
        assert Event.from_json({"event": "form_validation", "validate": False, "timestamp": 1}) == LoopInterrupted(True, timestamp=1.0)

    def test_user_properties(self) -> None:
        u = Event.from_json(RASA_EVENTS[0])
        assert isinstance(u, UserUttered)
        assert u.intent_name == "apply_benefit"
        assert u.entities[0]["value"] == 67


class TestImmutability:
    def test_events_are_frozen(self) -> None:
        with pytest.raises(dataclasses.FrozenInstanceError):
            SlotSet("a", 1).value = 2  # type: ignore[misc]

    def test_mutating_json_does_not_change_event(self) -> None:
        e = Event.from_json(RASA_EVENTS[0])
        d = e.to_json()
        d["parse_data"]["entities"].clear()
        assert e.to_json()["parse_data"]["entities"]

    def test_mutating_input_does_not_change_event(self) -> None:
        wire = json.loads(json.dumps(RASA_EVENTS[3]))
        e = Event.from_json(wire)
        wire["value"]["members"].append("자녀")
        assert e.to_json()["value"]["members"] == ["본인", "배우자"]


class TestBadInput:
    @pytest.mark.parametrize(
        "bad, fragment",
        [
            ("slot", "JSON object"),
            ({}, "'event' name"),
            ({"event": "teleport"}, "unknown event 'teleport'"),
            ({"event": "slot", "value": 1}, "'name' is required"),
            ({"event": "slot", "name": 3}, "'name' must be a string"),
            ({"event": "slot", "name": "a", "timestamp": "yesterday"}, "timestamp"),
            ({"event": "action"}, "needs 'name'"),
            ({"event": "user", "parse_data": []}, "'parse_data' must be an object"),
            ({"event": "action", "name": "a", "confidence": "high"}, "confidence"),
            ({"event": "entities", "entities": {"a": 1}}, "must be a list"),
        ],
    )
    def test_clear_errors(self, bad: object, fragment: str) -> None:
        with pytest.raises(InvalidInputError, match=fragment):
            Event.from_json(bad)  # type: ignore[arg-type]

    def test_unknown_event_lists_known_names(self) -> None:
        with pytest.raises(InvalidInputError) as e:
            Event.from_json({"event": "teleport"})
        for name in ("user", "bot", "slot", "action", "active_loop", "restart", "handoff"):
            assert name in str(e.value)

    def test_list_error_names_index(self) -> None:
        with pytest.raises(InvalidInputError, match="event #1"):
            events_from_json([{"event": "restart"}, {"event": "nope"}])

    def test_action_needs_a_name(self) -> None:
        with pytest.raises(InvalidInputError):
            ActionExecuted()
