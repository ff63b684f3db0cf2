"""``copy.deepcopy(tracker)`` shares the (immutable) events and copies the state (s26).

A form asks each question over a deep copy of the tracker (``assistant.dialogue.forms``); copying every event of a
long conversation had cost ~110 ms a turn at 900 events. The copy must still be independent: whatever is applied to
it leaves the original's events and state as they were, and its state equals a tracker rebuilt from the same events.
"""

from __future__ import annotations

import copy

from assistant.dialogue.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SlotSet,
    UserUttered,
    events_from_json,
    events_to_json,
)
from assistant.dialogue.tracker import DialogueStateTracker

SLOTS = {"age": {"type": "float"}, "region": {"type": "text"}, "requested_slot": {"type": "any"}, "facts": {"type": "any", "initial_value": {"a": [1]}}}


def conversation() -> DialogueStateTracker:
    t = DialogueStateTracker("c1", SLOTS)
    t.update_with_events([
        ActionExecuted("action_listen"),
        UserUttered("67세예요", {"intent": {"name": "inform", "confidence": 0.9},
                                "entities": [{"entity": "age", "value": 67, "start": 0, "end": 3}]}),
        SlotSet("age", 67.0),
        ActionExecuted("eligibility_form"),
        ActiveLoop("eligibility_form"),
        SlotSet("requested_slot", "region"),
        BotUttered("어디에 사세요?", {"custom": {"response": "utter_ask_region"}}),
        ActionExecuted("action_listen"),
    ])
    return t


def state(t: DialogueStateTracker) -> dict[str, object]:
    return {"slots": t.slots, "loop": t.active_loop_name, "latest_action": t.latest_action_name,
            "entities": t.latest_entities, "events": events_to_json(t.events), "paused": t.paused,
            "followup": t.followup_action, "message": t.latest_message_data()}


def test_the_copy_shares_the_events_and_equals_the_original() -> None:
    t = conversation()
    view = copy.deepcopy(t)
    assert view is not t and view.events is not t.events
    assert all(a is b for a, b in zip(view.events, t.events, strict=True))
    assert state(view) == state(t)
    rebuilt = DialogueStateTracker.from_events("c1", events_from_json(events_to_json(t.events)), SLOTS)
    assert state(view) == state(rebuilt)


def test_updating_the_copy_leaves_the_original_as_it_was() -> None:
    t = conversation()
    before = copy.deepcopy(state(t))
    view = copy.deepcopy(t)
    view.update_with_events([SlotSet("region", "부산광역시"), SlotSet("facts", {"a": [2]}), ActiveLoop(None),
                             UserUttered("잘 모르겠어요", {"intent": {"name": "dont_know", "confidence": 0.8}})])
    view._slots["age"] = 1.0  # even a write into the copy's state dicts stays there
    assert state(t) == before
    assert view.get_slot("region") == "부산광역시" and t.get_slot("region") is None
    assert len(view.events) == len(t.events) + 4


def test_a_copy_keeps_its_own_memo_identity() -> None:
    t = conversation()
    pair = copy.deepcopy([t, t])
    assert pair[0] is pair[1] and pair[0] is not t
