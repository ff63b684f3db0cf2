"""A turn whose conversation another process changed meanwhile (several workers WITHOUT a shared lock store):
nothing of the stale turn is stored, the turn is redone on the new state and answered, and the log names the fix.
With the shared lock store this cannot happen (tests/server/test_multiworker.py shows the warning never appears)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.stores.trackers import SQLTrackerStore


class InterleavingStore(SQLTrackerStore):
    """A tracker store where "another worker" appends a whole turn of its own just before each of the first
    ``conflicts`` appends of this engine (as a second process without the shared lock would)."""

    def __init__(self, url: str, conflicts: int) -> None:
        super().__init__(url)
        self.conflicts = conflicts

    def append(self, sender_id: str, events: Any, expected_seq: int | None = None, **kw: Any) -> int:
        if self.conflicts > 0 and kw.get("message_id", "").startswith("mine"):
            self.conflicts -= 1
            n = len(self.load(sender_id))
            other = f"other-{self.conflicts}"
            super().append(sender_id, [{"event": "user", "text": "안녕하세요", "timestamp": 1.0, "message_id": other,
                                        "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}},
                                       {"event": "action", "name": "action_listen", "timestamp": 1.0}],
                           expected_seq=n, message_id=other, reply={"messages": []})
        return super().append(sender_id, events, expected_seq, **kw)


@pytest.mark.parametrize("conflicts, answered", [(1, True), (2, True), (3, False)])
def test_a_turn_overtaken_by_another_process_is_redone(make_processor, tmp_path, caplog, conflicts: int, answered: bool) -> None:  # type: ignore[no-untyped-def]
    store = InterleavingStore(f"sqlite:///{tmp_path / 't.db'}", conflicts)
    engine = make_processor(tracker_store=store)
    with caplog.at_level(logging.WARNING, logger="assistant.dialogue.processor"):
        turn = engine.handle_message(UserMessage("conflict", "에너지바우처 받을 수 있나요?", "rest", {"message_id": "mine-1"}))
    warnings = [r for r in caplog.records if "ASSISTANT_LOCK_STORE_URL" in r.getMessage()]
    assert len(warnings) == min(conflicts, 3)
    users = [e.get("message_id") for e in store.load("conflict") if e.get("event") == "user"]
    others = [f"other-{i}" for i in reversed(range(conflicts))]
    if answered:  # redone on the new state: the other turns first, then this one, once
        assert users == [*others, "mine-1"]
        assert store.reply_for("conflict", "mine-1") is not None and turn.error is None
        assert any("바우처" in (m.text or "") for m in turn.messages)
    else:  # three tries overtaken: a polite "try again", nothing of this turn stored, the channel may redeliver
        assert users == others
        assert store.reply_for("conflict", "mine-1") is None
        assert turn.error == "store_unavailable"
