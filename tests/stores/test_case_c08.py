"""Case C08 (../shared/cases/cases.yaml): events duplicated across restarts.

Send 안녕하세요, restart the conversation six times (/restart), send 반가워요,
then restart the server (a new store object on the same database) and load the
conversation. Expected: the stored event count grows linearly with the turns,
the event list is identical before and after the server restart, and SQLite and
PostgreSQL give the same event list.

Turns are built the way Rasa logs them (user → action → its events →
action_listen; a restart runs ``action_restart`` then ``action_session_start``),
with a deterministic clock so both databases receive the same events.
"""

from __future__ import annotations

from pathlib import Path

from dbservers import PostgresServer

from assistant.dialogue.events import ActionExecuted, BotUttered, Restarted, UserUttered
from assistant.dialogue.tracker import EventVerbosity, SessionConfig, load_tracker, save_tracker
from assistant.stores.trackers import SQLTrackerStore

CONFIG = SessionConfig(session_expiration_time=60, carry_over_slots=True)


class Clock:
    def __init__(self) -> None:
        self.t = 1_732_870_000.0

    def __call__(self) -> float:
        self.t += 0.25
        return self.t


def turn(store: SQLTrackerStore, sender: str, text: str, intent: str, clock: Clock, n: int) -> int:
    """One turn, as the engine will run it: load, session check, user, actions, save."""
    tracker = load_tracker(store, sender)
    tracker.start_session_if_needed(CONFIG, now=clock())
    tracker.update(UserUttered(text, {"intent": {"name": intent, "confidence": 1.0}}, "rest", f"m{n}", timestamp=clock()))
    if intent == "restart":
        tracker.update(ActionExecuted("action_restart", policy="RulePolicy", confidence=1.0, timestamp=clock()))
        tracker.update(Restarted(timestamp=clock()))
        assert tracker.followup_action == "action_session_start"
        tracker.start_session(CONFIG, now=clock())
    else:
        tracker.update(ActionExecuted("utter_greet", policy="RulePolicy", confidence=1.0, timestamp=clock()))
        tracker.update(BotUttered("안녕하세요! 무엇을 도와드릴까요?", {}, timestamp=clock()))
        tracker.update(ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0, timestamp=clock()))
    return save_tracker(store, tracker, message_id=f"m{n}", reply=[{"recipient_id": sender, "text": "ok"}])


def run_case(url: str) -> tuple[list[int], list[dict]]:
    store = SQLTrackerStore(url)
    clock = Clock()
    counts = [turn(store, "c08", "안녕하세요", "greet", clock, 0)]
    for i in range(6):
        counts.append(turn(store, "c08", "/restart", "restart", clock, i + 1))
    counts.append(turn(store, "c08", "반가워요", "greet", clock, 7))
    # a redelivery of any turn is answered from the store and adds nothing
    assert store.reply_for("c08", "m3") == [{"recipient_id": "c08", "text": "ok"}]
    before = store.load("c08")
    store.engine.dispose()

    restarted = SQLTrackerStore(url)  # the server process restarts
    after = restarted.load("c08")
    assert after == before
    tracker = load_tracker(restarted, "c08")
    assert len(tracker.events) == counts[-1]
    state = tracker.current_state(EventVerbosity.AFTER_RESTART)
    assert state["latest_message"]["text"] == "반가워요"
    # after the last restart: session start (3 events) + the greeting turn (4 events)
    assert [e["event"] for e in state["events"]] == ["action", "session_started", "action", "user", "action", "bot", "action"]
    restarted.engine.dispose()
    return counts, after


def assert_linear(counts: list[int]) -> None:
    # greeting turn: session start (3) + 4 events; each restart turn: 6 events; last greeting: 4 events
    deltas = [b - a for a, b in zip(counts, counts[1:], strict=False)]
    assert counts[0] == 7
    assert deltas[:6] == [6] * 6  # constant per restart: no re-written history
    assert deltas[6] == 4
    assert counts[-1] == 7 + 6 * 6 + 4


def test_c08_sqlite_and_postgres_agree(tmp_path: Path, pg_server: PostgresServer) -> None:
    counts_sqlite, events_sqlite = run_case(f"sqlite:///{tmp_path / 'c08.db'}")
    counts_pg, events_pg = run_case(pg_server.create_database("c08"))
    assert_linear(counts_sqlite)
    assert counts_pg == counts_sqlite
    assert events_pg == events_sqlite
    assert len(events_sqlite) == counts_sqlite[-1]
    assert sum(1 for e in events_sqlite if e["event"] == "restart") == 6
