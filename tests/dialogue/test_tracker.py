"""The dialogue state tracker: state from events, Rasa's tracker JSON, sessions, store round trips."""

from __future__ import annotations

import pytest

from assistant.dialogue.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    EntitiesAdded,
    FollowupAction,
    HandoffRequested,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
    UserUtteranceReverted,
)
from assistant.dialogue.tracker import DialogueStateTracker, EventVerbosity, SessionConfig, load_tracker, save_tracker
from assistant.errors import ConcurrentUpdateError, InvalidInputError
from assistant.stores.trackers import SQLTrackerStore

SLOTS = {
    "age": {"type": "float", "initial_value": None},
    "region": {"type": "text", "initial_value": "서울"},
    "consent": {"type": "bool", "initial_value": False},
}


def user(text: str, intent: str, ts: float, entities: list | None = None, channel: str = "rest", mid: str | None = None) -> UserUttered:
    return UserUttered(text, {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}, channel, mid, timestamp=ts)


def listen(ts: float) -> ActionExecuted:
    return ActionExecuted("action_listen", timestamp=ts)


class TestState:
    def test_empty_tracker_matches_rasa(self) -> None:
        # Rasa 3.x: a fresh tracker after _reset(), with current_state(EventVerbosity.ALL)
        assert DialogueStateTracker("u1", SLOTS).current_state(EventVerbosity.ALL) == {
            "sender_id": "u1",
            "slots": {"age": None, "region": "서울", "consent": False},
            "latest_message": {"intent": {}, "entities": [], "text": None, "message_id": None, "metadata": {}},
            "latest_event_time": None,
            "followup_action": "action_listen",
            "paused": False,
            "events": [],
            "latest_input_channel": None,
            "active_loop": {},
            "latest_action": {},
            "latest_action_name": None,
        }

    def test_a_form_turn(self) -> None:
        ents = [{"entity": "age", "value": 67, "start": 7, "end": 10}]
        t = DialogueStateTracker.from_events(
            "u1",
            [
                listen(1),
                user("기초연금 신청할래요", "apply_pension", 2, mid="m1"),
                ActionExecuted("pension_form", policy="RulePolicy", confidence=1.0, timestamp=3),
                ActiveLoop("pension_form", timestamp=3),
                SlotSet("requested_slot", "age", timestamp=3),
                BotUttered("나이가 어떻게 되세요?", {"buttons": []}, timestamp=3),
                listen(4),
                user("아니요, 나이는 67세예요", "inform", 5, ents, mid="m2"),
                EntitiesAdded([{"entity": "region", "value": "부산"}], timestamp=5),
            ],
            {**SLOTS, "requested_slot": {"type": "any"}},
        )
        state = t.current_state(EventVerbosity.NONE)
        assert state["events"] is None
        assert state["slots"] == {"age": None, "region": "서울", "consent": False, "requested_slot": "age"}
        assert state["latest_message"]["text"] == "아니요, 나이는 67세예요"
        assert state["latest_message"]["entities"] == ents + [{"entity": "region", "value": "부산"}]
        assert state["latest_message"]["message_id"] == "m2"
        assert state["latest_event_time"] == 5
        assert state["followup_action"] is None
        assert state["latest_input_channel"] == "rest"
        assert state["active_loop"] == {
            "name": "pension_form",
            "is_interrupted": False,
            "rejected": False,
            "trigger_message": t.events[1].to_json()["parse_data"],
        }
        assert state["latest_action"] == {"action_name": "action_listen"}
        assert state["latest_action_name"] == "action_listen"
        assert list(t.get_latest_entity_values("age")) == [67]
        assert list(t.get_latest_entity_values("region")) == ["부산"]
        assert t.latest_bot_utterance is not None and t.latest_bot_utterance.text == "나이가 어떻게 되세요?"

    def test_entities_added_only_right_after_listen(self) -> None:
        t = DialogueStateTracker.from_events("u", [listen(1), user("hi", "greet", 2), ActionExecuted("utter_greet", timestamp=3)])
        t.update(EntitiesAdded([{"entity": "x", "value": 1}], timestamp=4))
        assert t.latest_entities == []

    def test_loop_interrupt_reject_and_deactivate(self) -> None:
        t = DialogueStateTracker.from_events("u", [listen(1), user("a", "apply", 2), ActiveLoop("f", timestamp=3)])
        t.update(LoopInterrupted(True, timestamp=4))
        assert t.active_loop is not None and t.active_loop.is_interrupted
        t.update(ActionExecutionRejected("f", timestamp=5))
        assert t.active_loop.rejected
        t.update(ActionExecuted("f", timestamp=6))  # running the form again clears both flags (Rasa)
        assert not t.active_loop.is_interrupted and not t.active_loop.rejected
        t.update(ActiveLoop(None, timestamp=7))
        assert t.active_loop is None and t.current_state()["active_loop"] == {}

    def test_slots(self) -> None:
        t = DialogueStateTracker("u", SLOTS)
        t.update(SlotSet("age", 67, timestamp=1))
        t.update(SlotSet("unknown_slot", 1, timestamp=2))  # not in the domain: ignored, as in Rasa
        assert t.slots == {"age": 67, "region": "서울", "consent": False}
        t.update(AllSlotsReset(timestamp=3))
        assert t.slots == {"age": None, "region": "서울", "consent": False}
        free = DialogueStateTracker("u")  # no definitions: any slot
        free.update(SlotSet("anything", [1, 2], timestamp=1))
        assert free.get_slot("anything") == [1, 2]

    def test_slot_values_are_copies(self) -> None:
        t = DialogueStateTracker("u")
        t.update(SlotSet("docs", ["신분증"], timestamp=1))
        t.slots["docs"].append("통장사본")
        assert t.get_slot("docs") == ["신분증"]

    def test_pause_resume_handoff_followup(self) -> None:
        t = DialogueStateTracker("u")
        t.update(HandoffRequested("call_center", "user_request", timestamp=1))
        assert not t.paused  # the handoff event records; pause pauses
        t.update(ConversationPaused(timestamp=2))
        assert t.paused and t.is_paused()
        t.update(ConversationResumed(timestamp=3))
        assert not t.paused
        t.update(FollowupAction("action_check", timestamp=4))
        assert t.followup_action == "action_check"

    def test_restart(self) -> None:
        t = DialogueStateTracker.from_events(
            "u", [listen(1), user("a", "x", 2), SlotSet("age", 3, timestamp=3), ConversationPaused(timestamp=3)], SLOTS
        )
        t.update(ActionExecuted("action_restart", timestamp=4))
        t.update(Restarted(timestamp=4))
        assert t.slots["age"] is None and not t.paused
        assert t.followup_action == "action_session_start"
        assert t.events_after_latest_restart() == []
        assert t.applied_events() == []
        assert len(t.events) == 6  # history is kept
        assert t.current_state()["events"] == []
        assert len(t.current_state(EventVerbosity.ALL)["events"]) == 6


class TestRevert:
    def test_rewind_undoes_the_latest_user_turn(self) -> None:
        a = user("A", "a", 2)
        t = DialogueStateTracker.from_events(
            "u",
            [listen(1), a, SlotSet("age", 1, timestamp=3), listen(4), user("B", "b", 5), SlotSet("age", 2, timestamp=6)],
            SLOTS,
        )
        t.update(UserUtteranceReverted(timestamp=7))
        assert t.get_slot("age") == 1
        assert t.latest_message == a
        assert t.latest_action_name == "action_listen"  # the listen before A; the one before B is undone
        assert [e.timestamp for e in t.applied_events()] == [1, 2, 3]
        assert len(t.events_after_latest_restart()) == 7  # reverted events stay in the history

    def test_undo_reverts_the_latest_action_and_its_events(self) -> None:
        t = DialogueStateTracker.from_events(
            "u", [listen(1), user("A", "a", 2), ActionExecuted("action_set", timestamp=3), SlotSet("age", 5, timestamp=3)], SLOTS
        )
        t.update(ActionReverted(timestamp=4))
        assert t.get_slot("age") is None
        assert t.latest_action_name == "action_listen"


class TestSessions:
    CFG = SessionConfig(session_expiration_time=60, carry_over_slots=True)

    def test_new_conversation_needs_a_session(self) -> None:
        t = DialogueStateTracker("u")
        assert t.needs_session_start(self.CFG, now=100)
        new = t.start_session(self.CFG, now=100)
        assert [e.to_json()["event"] for e in new] == ["action", "session_started", "action"]
        assert [getattr(e, "action_name", None) for e in new] == ["action_session_start", None, "action_listen"]
        assert not t.needs_session_start(self.CFG, now=101)
        assert t.session_start_time == 100

    @pytest.mark.parametrize("minutes_later, expired", [(59.9, False), (60.1, True)])
    def test_expiry_after_inactivity(self, minutes_later: float, expired: bool) -> None:
        t = DialogueStateTracker("u", SLOTS)
        t.start_session(self.CFG, now=0)
        t.update_with_events([user("A", "a", 10), SlotSet("age", 70, timestamp=11)])
        now = 10 + minutes_later * 60
        assert t.has_session_expired(self.CFG, now) is expired
        assert t.start_session_if_needed(self.CFG, now) == ([] if not expired else t.events[-4:])

    def test_carry_over_slots(self) -> None:
        t = DialogueStateTracker("u", SLOTS)
        t.start_session(self.CFG, now=0)
        t.update_with_events([user("A", "a", 10), SlotSet("age", 70, timestamp=11), SlotSet("region", "부산", timestamp=11)])
        new = t.start_session(self.CFG, now=10_000)
        assert [e.to_json()["event"] for e in new] == ["action", "session_started", "slot", "slot", "action"]
        assert t.slots == {"age": 70, "region": "부산", "consent": False}
        assert t.latest_message is not None and t.latest_message.text is None  # the new session has no user message yet

    def test_no_carry_over(self) -> None:
        t = DialogueStateTracker("u", SLOTS)
        t.start_session(self.CFG, now=0)
        t.update_with_events([user("A", "a", 10), SlotSet("age", 70, timestamp=11)])
        t.start_session(SessionConfig(60, carry_over_slots=False), now=10_000)
        assert t.slots == {"age": None, "region": "서울", "consent": False}

    def test_zero_disables_expiry(self) -> None:
        t = DialogueStateTracker("u")
        t.start_session(self.CFG, now=0)
        t.update(user("A", "a", 10))
        assert not t.has_session_expired(SessionConfig(0), now=10**9)

    def test_restart_then_session_start(self) -> None:
        t = DialogueStateTracker("u")
        t.start_session(self.CFG, now=0)
        t.update_with_events([user("/restart", "restart", 1), ActionExecuted("action_restart", timestamp=2), Restarted(timestamp=2)])
        assert t.needs_session_start(self.CFG, now=3)
        t.start_session(self.CFG, now=3)
        assert t.applied_events()[-1].to_json()["name"] == "action_listen"
        assert isinstance(t.events[-3], ActionExecuted) and isinstance(t.events[-2], SessionStarted)


class TestPersistence:
    def test_save_writes_only_new_events_once(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        store = SQLTrackerStore(f"sqlite:///{tmp_path / 't.db'}")
        t = load_tracker(store, "u1", SLOTS)
        assert t.events == []
        t.start_session(SessionConfig(), now=1)
        t.update_with_events([user("안녕하세요", "greet", 2), ActionExecuted("utter_greet", timestamp=3)])
        assert save_tracker(store, t) == 5
        assert save_tracker(store, t) == 5  # re-saving writes nothing
        assert store.count("u1") == 5
        again = load_tracker(SQLTrackerStore(store.url), "u1", SLOTS)  # a restarted server
        assert again.events == t.events
        assert again.current_state(EventVerbosity.ALL) == t.current_state(EventVerbosity.ALL)
        again.update(SlotSet("age", 70, timestamp=4))
        assert save_tracker(store, again) == 6
        assert store.load("u1", after_seq=5) == [{"event": "slot", "timestamp": 4.0, "name": "age", "value": 70}]

    def test_a_stale_tracker_cannot_write(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        store = SQLTrackerStore(f"sqlite:///{tmp_path / 't.db'}")
        a, b = load_tracker(store, "u1"), load_tracker(store, "u1")
        a.update(user("A", "a", 1))
        b.update(user("B", "b", 1))
        save_tracker(store, a)
        with pytest.raises(ConcurrentUpdateError):
            save_tracker(store, b)
        assert [e["text"] for e in store.load("u1")] == ["A"]

    def test_bad_stored_event_names_the_conversation(self) -> None:
        store = SQLTrackerStore("sqlite://")
        store.append("u9", [{"event": "teleport", "timestamp": 1}])
        with pytest.raises(InvalidInputError, match="u9"):
            load_tracker(store, "u9")
