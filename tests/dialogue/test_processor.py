"""The engine's turn: idempotent redelivery (C07), restarts (C08), persistence across a
processor restart, sessions, and faults (store unavailable, a failing action)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from sqlalchemy import create_engine

from assistant.dialogue.actions import FunctionAction
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.stores.trackers import SQLTrackerStore


def say(p: MessageProcessor, text: str, sender: str = "c1", **metadata: object) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", dict(metadata)))


def events(p: MessageProcessor, sender: str = "c1") -> list[dict]:
    return p.tracker_store.load(sender)


def test_c07_same_message_id_twice_is_one_turn(processor) -> None:  # type: ignore[no-untyped-def]
    first = say(processor, "에너지바우처 신청 방법", message_id="m-0002")
    n = len(events(processor))
    second = say(processor, "에너지바우처 신청 방법", message_id="m-0002")
    assert second.replayed and not first.replayed
    assert [m.text for m in second.messages] == [m.text for m in first.messages]
    assert second.messages[0].custom["citations"] == first.messages[0].custom["citations"]
    assert second.to_json() == first.to_json()
    stored = events(processor)
    assert len(stored) == n  # nothing ran again
    assert sum(1 for e in stored if e["event"] == "user") == 1
    assert [e["message_id"] for e in stored if e["event"] == "user"] == ["m-0002"]
    third = say(processor, "에너지바우처 신청 방법", message_id="m-0003")  # a new id is a new turn
    assert not third.replayed and sum(1 for e in events(processor) if e["event"] == "user") == 2


def test_c08_restarts_grow_the_event_list_linearly_and_survive_a_new_processor(make_processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = SQLTrackerStore(f"sqlite:///{tmp_path / 'trackers.db'}")
    p = make_processor(tracker_store=store)
    say(p, "안녕하세요")
    counts = [len(events(p))]
    for _ in range(6):
        t = say(p, "/restart")
        assert t.intent["name"] == "restart"
        counts.append(len(events(p)))
    # every restart turn adds exactly Rasa's restart sequence; after a restart the language slot is unset,
    # so from the second restart on the turn also sets it again: linear growth, nothing duplicated
    restart_turn = ["user", "action:action_restart", "bot", "restart", "action:action_session_start", "session_started",
                    "action:action_listen"]  # bot: utter_restart, said before the restart (the widget shows it)
    stored = events(p)
    kinds = [e["event"] + (f":{e['name']}" if e["event"] == "action" else "") for e in stored]
    for i, (a, b) in enumerate(zip(counts, counts[1:], strict=False)):
        expected = restart_turn if i == 0 else restart_turn[:1] + ["slot"] + restart_turn[1:]
        assert kinds[a:b] == expected, (i, kinds[a:b])
    assert say(p, "반가워요").messages
    before = events(p)
    assert sum(1 for e in before if e["event"] == "restart") == 6
    again = make_processor(tracker_store=SQLTrackerStore(f"sqlite:///{tmp_path / 'trackers.db'}"))
    assert events(again) == before  # identical after a "server restart"
    assert again.tracker_state("c1") == p.tracker_state("c1")


def test_a_new_processor_continues_the_form_where_it_stopped(make_processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'trackers.db'}"
    p = make_processor(tracker_store=SQLTrackerStore(url))
    say(p, "제가 받을 수 있는 지원이 있나요?")
    say(p, "67세예요")
    q = make_processor(tracker_store=SQLTrackerStore(url))
    s = q.tracker_state("c1")
    assert s["active_loop"]["name"] == "eligibility_form" and s["slots"]["requested_slot"] == "region" and s["slots"]["age"] == 67
    t = say(q, "서울에 살아요")  # the test catalogue's senior service is Seoul's: income decides it next
    assert [m.custom["response"] for m in t.messages] == ["utter_ask_income_pct"]
    assert q.tracker_state("c1")["slots"]["region"] == "서울특별시"


def test_unavailable_tracker_store_gives_a_polite_message_and_logs_the_conversation(make_processor, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    store = SQLTrackerStore(f"sqlite:///{tmp_path / 'trackers.db'}")
    p = make_processor(tracker_store=store)
    assert say(p, "안녕하세요", sender="down-1").messages
    # the database goes away: point the store at a PostgreSQL port nobody listens on
    store.engine = create_engine("postgresql+psycopg://u:p@127.0.0.1:9/x", connect_args={"connect_timeout": 1}, pool_pre_ping=True)
    with caplog.at_level(logging.ERROR):
        t = say(p, "안녕하세요", sender="down-1")
    assert t.error == "store_unavailable" and len(t.messages) == 1
    assert "죄송해요" in t.messages[0].text and t.messages[0].custom["abstained"] is True
    assert any(getattr(r, "conversation_id", None) == "down-1" and "unavailable" in r.getMessage() for r in caplog.records)
    en = say(p, "hello there", sender="down-1")
    assert en.language == "en" and en.messages[0].text.startswith("Sorry")


def test_a_failing_action_keeps_the_user_event_and_apologises(make_processor, caplog) -> None:  # type: ignore[no-untyped-def]
    p = make_processor()

    def boom(tracker, domain, context):  # type: ignore[no-untyped-def]
        raise RuntimeError("back end exploded")

    p.registry.register(FunctionAction("action_answer_from_knowledge", boom), replace=True)
    with caplog.at_level(logging.ERROR):
        t = say(p, "에너지바우처 신청 방법", sender="f1")
    assert t.error == "turn_failed" and "죄송해요" in t.messages[0].text
    stored = events(p, "f1")
    assert [e["text"] for e in stored if e["event"] == "user"] == ["에너지바우처 신청 방법"]
    assert "action_answer_from_knowledge" not in [e.get("name") for e in stored]
    assert stored[-1]["event"] == "action" and stored[-1]["name"] == "action_listen"
    assert any(getattr(r, "conversation_id", None) == "f1" for r in caplog.records)
    assert say(p, "안녕하세요", sender="f1").error is None  # the next turn works


def test_custom_action_without_action_server_is_a_clear_error(processor) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from assistant.dialogue.actions import ActionNotFoundError

    tracker = processor.load("x")
    with pytest.raises(ActionNotFoundError, match="no action server configured for action 'action_check_status'"):
        processor.action("action_check_status").run(tracker, processor.domain, None)


def test_session_expires_after_inactivity(processor) -> None:  # type: ignore[no-untyped-def]
    say(processor, "안녕하세요", sender="s1")
    stored = events(processor, "s1")
    assert [e["event"] for e in stored].count("session_started") == 1
    # age the conversation: rewrite it with timestamps two hours old (the domain expires sessions after 60 min)
    old = [{**e, "timestamp": e["timestamp"] - 7200} for e in stored]
    processor.tracker_store.append("s2", old, expected_seq=0)
    say(processor, "안녕하세요", sender="s2")
    assert [e["event"] for e in events(processor, "s2")].count("session_started") == 2
    assert time.time() - events(processor, "s2")[-1]["timestamp"] < 60


def test_max_actions_per_turn_stops_a_runaway_turn(make_processor) -> None:  # type: ignore[no-untyped-def]
    p = make_processor(max_actions_per_turn=2)
    from assistant.dialogue.events import FollowupAction

    # an action that always asks for itself again would loop forever without the limit
    p.registry.register(FunctionAction("action_answer_from_knowledge", lambda t, d, c: [FollowupAction("action_answer_from_knowledge")]),
                        replace=True)
    t = say(p, "에너지바우처 신청 방법", sender="loop")
    assert t.error is None
    names = [e.get("name") for e in events(p, "loop") if e["event"] == "action"]
    assert names.count("action_answer_from_knowledge") == 2 and names[-1] == "action_listen"
