"""``events_from_json(..., adopt=True)``: a tracker store's records become the events' own, without a deep copy (s26).

Loading a conversation deep-copied every event's ``parse_data`` and ``metadata`` (~50 ms a turn at 900 events). The
store decodes its records afresh on every load and hands them over (``TrackerStore.load``), so
:func:`~assistant.dialogue.tracker.load_tracker` adopts them. Any other caller still gets copies, even after an
adopting parse failed half way.
"""

from __future__ import annotations

import json

import pytest

from assistant.dialogue.events import UserUttered, events_from_json
from assistant.dialogue.tracker import DialogueStateTracker, load_tracker, save_tracker
from assistant.errors import InvalidInputError
from assistant.stores.trackers import SQLTrackerStore

RECORD = {"event": "user", "timestamp": 1.0, "text": "안녕하세요", "metadata": {"message_id": "m1"},
          "parse_data": {"intent": {"name": "greet", "confidence": 0.99}, "entities": []}}


def test_adopted_records_are_the_events_own_and_others_are_copied() -> None:
    record = json.loads(json.dumps(RECORD))
    (adopted,) = events_from_json([record], adopt=True)
    assert isinstance(adopted, UserUttered)
    assert adopted.parse_data["intent"] is record["parse_data"]["intent"] and adopted.metadata is record["metadata"]
    (copied,) = events_from_json([record])
    assert copied.parse_data["intent"] == record["parse_data"]["intent"]
    assert copied.parse_data["intent"] is not record["parse_data"]["intent"] and copied.metadata is not record["metadata"]


def test_a_failed_adopting_parse_leaves_the_default_copying() -> None:
    with pytest.raises(InvalidInputError, match="event #1"):
        events_from_json([json.loads(json.dumps(RECORD)), {"event": "no_such_event"}], adopt=True)
    record = json.loads(json.dumps(RECORD))
    (copied,) = events_from_json([record])
    assert copied.parse_data["intent"] is not record["parse_data"]["intent"]


def test_a_loaded_tracker_equals_the_saved_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = SQLTrackerStore(f"sqlite:///{tmp_path / 't.db'}")
    (event,) = events_from_json([RECORD])
    tracker = DialogueStateTracker.from_events("c1", [event])
    save_tracker(store, tracker)
    first, second = load_tracker(store, "c1"), load_tracker(store, "c1")
    assert [e.to_json() for e in first.events] == [event.to_json()]
    # each load decodes its own records: two loads share no object
    assert first.events[0].parse_data == second.events[0].parse_data
    assert first.events[0].parse_data["intent"] is not second.events[0].parse_data["intent"]
