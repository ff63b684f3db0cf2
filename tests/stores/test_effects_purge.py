"""Committed side-effect records (``tracker_effects``) are purged after the configured retention; undelivered ones
only once their conversation has been idle as long; processed message ids after the channels' redelivery window.

Real stores: a SQLite file and a database on the session's throwaway PostgreSQL (``db_url``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from assistant.errors import InvalidConfigError
from assistant.settings import Settings
from assistant.stores.trackers import (
    DEFAULT_EFFECTS_RETENTION_S,
    REDELIVERY_WINDOW_S,
    PurgeCounts,
    SQLTrackerStore,
    make_tracker_store,
)

SENDER = "citizen-9"


def effect(key: str, turn: str) -> dict[str, Any]:
    return {"key": key, "turn_id": turn, "action_name": "action_submit", "result": {"events": [], "responses": [{"text": key}]}}


def commit(store: SQLTrackerStore, *effects: dict[str, Any]) -> None:
    """A turn's save: its events with its effects, committed together."""
    store.append(SENDER, [{"event": "action", "name": "action_submit", "timestamp": time.time()}], effects=list(effects))


def kept(store: SQLTrackerStore) -> list[tuple[str, bool]]:
    return sorted((e["key"], e["committed"]) for e in store.effects(SENDER))


def test_purge_deletes_committed_rows_older_than_the_retention_only(db_url: str) -> None:
    store = SQLTrackerStore(db_url, effects_retention=100.0, purge_interval=3600.0)
    commit(store, effect("fx-old", "m1"))
    store.record_effect(SENDER, "fx-pending", turn_id="m2", action_name="action_submit", result={"events": [], "responses": []})
    t_recorded = time.time()
    assert store.purge_effects(now=t_recorded + 50) == 0  # younger than the retention: kept
    commit(store, effect("fx-new", "m3"))
    assert kept(store) == [("fx-new", True), ("fx-old", True), ("fx-pending", False)]
    # 101 s after the first two were recorded (fx-new too, a few ms later: so it is aged by now + 101 as well);
    # the conversation stored its last turn (fx-new) just before: alive at now + 99, idle at now + 101
    assert store.purge(now=time.time() + 99).committed_effects == 0
    counts = store.purge(now=time.time() + 101)
    assert (counts.committed_effects, counts.undelivered_effects) == (2, 1)
    assert kept(store) == [] and store.pending_effects(SENDER) == []


def test_a_save_with_effects_purges_once_the_interval_has_passed(db_url: str) -> None:
    store = SQLTrackerStore(db_url, effects_retention=0.4, purge_interval=0.3)
    commit(store, effect("fx-1", "m1"))  # the first save with effects purges (nothing is old yet)
    time.sleep(0.5)  # fx-1 is now older than the retention
    store.append(SENDER, [{"event": "action", "name": "action_listen"}])  # a save without effects purges nothing
    assert kept(store) == [("fx-1", True)]
    commit(store, effect("fx-2", "m2"))  # the interval passed: this save purges fx-1, keeps itself
    assert kept(store) == [("fx-2", True)]
    time.sleep(0.5)
    store._next_purge = time.monotonic() + 60  # not due: the next save does not purge even though fx-2 is old
    commit(store, effect("fx-3", "m3"))
    assert kept(store) == [("fx-2", True), ("fx-3", True)]


def test_without_retention_nothing_is_purged(db_url: str) -> None:
    store = SQLTrackerStore(db_url, effects_retention=None, purge_interval=0.01)
    commit(store, effect("fx-1", "m1"))
    time.sleep(0.05)
    commit(store, effect("fx-2", "m2"))
    assert store.purge_effects(now=time.time() + 10 * DEFAULT_EFFECTS_RETENTION_S) == 0
    assert kept(store) == [("fx-1", True), ("fx-2", True)]


def test_the_purge_reads_an_index_made_also_on_tables_of_an_older_version(db_url: str) -> None:
    from sqlalchemy import text

    first = SQLTrackerStore(db_url)
    with first.engine.begin() as conn:  # a database made before the index existed
        conn.execute(text("DROP INDEX ix_tracker_effects_committed_created"))
    first.db.dispose()
    again = SQLTrackerStore(db_url)
    names = {ix["name"] for ix in inspect(again.engine).get_indexes("tracker_effects")}
    assert "ix_tracker_effects_committed_created" in names


def test_the_retention_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_EFFECTS_RETENTION_S", "3600")
    settings = Settings(home=tmp_path)
    assert settings.effects_retention_s == 3600.0
    store = make_tracker_store(None, tmp_path, effects_retention=settings.effects_retention_s)
    assert (store.effects_retention, store.purge_interval) == (3600.0, 360.0)
    assert Settings.model_fields["effects_retention_s"].default == DEFAULT_EFFECTS_RETENTION_S  # one default
    with pytest.raises(InvalidConfigError):
        SQLTrackerStore("sqlite://", effects_retention=0)


def _age_rows(store: SQLTrackerStore, table: str, seconds: float) -> None:
    """Move every row of ``table`` ``seconds`` into the past (as if recorded then)."""
    from sqlalchemy import text

    with store.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET created_at = created_at - :s"), {"s": seconds})


def test_undelivered_effects_wait_while_their_conversation_is_alive(db_url: str) -> None:
    store = SQLTrackerStore(db_url, effects_retention=100.0, purge_interval=3600.0)
    store.record_effect(SENDER, "fx-lost", turn_id="m1", action_name="action_submit", result={"events": [], "responses": []})
    store.record_effect("never-stored", "fx-orphan", turn_id="m1", action_name="action_submit",
                        result={"events": [], "responses": []})  # a conversation whose first turn was never saved
    _age_rows(store, "tracker_effects", 500)  # both recorded 500 s ago
    store.append(SENDER, [{"event": "action", "name": "action_listen"}])  # SENDER stored a turn just now: alive
    counts = store.purge()
    assert (counts.committed_effects, counts.undelivered_effects, counts.processed_messages) == (0, 1, 0)
    assert store.pending_effects("never-stored") == []
    assert [e["key"] for e in store.pending_effects(SENDER)] == ["fx-lost"]  # still delivered at its next turn
    # the conversation never comes back: once its last turn is older than the retention, the effect goes too
    assert store.purge(now=time.time() + 101).undelivered_effects == 1
    assert store.pending_effects(SENDER) == []


def test_processed_message_ids_outlive_the_redelivery_window(db_url: str) -> None:
    store = SQLTrackerStore(db_url, effects_retention=100.0, purge_interval=3600.0)
    store.append(SENDER, [{"event": "user", "text": "안녕하세요"}], message_id="m-1", reply={"messages": ["hi"]})
    t = time.time()
    # the effects' retention (100 s) has long passed, but a channel may still redeliver m-1 for 7 days
    assert store.purge(now=t + 101).processed_messages == 0
    assert store.purge(now=t + REDELIVERY_WINDOW_S - 60).processed_messages == 0
    assert store.reply_for(SENDER, "m-1") == {"messages": ["hi"]}
    assert store.purge(now=t + REDELIVERY_WINDOW_S + 1).processed_messages == 1
    assert store.reply_for(SENDER, "m-1") is None
    assert len(store.load(SENDER)) == 1  # the conversation's events are not touched


def test_a_longer_retention_keeps_processed_ids_longer(db_url: str) -> None:
    store = SQLTrackerStore(db_url, effects_retention=REDELIVERY_WINDOW_S * 2, purge_interval=3600.0)
    store.append(SENDER, [{"event": "user", "text": "hi"}], message_id="m-1", reply={"messages": []})
    t = time.time()
    assert store.purge(now=t + REDELIVERY_WINDOW_S * 2 - 60).processed_messages == 0
    assert store.purge(now=t + REDELIVERY_WINDOW_S * 2 + 1).processed_messages == 1


def test_a_save_with_a_message_id_runs_the_purge(db_url: str) -> None:
    store = SQLTrackerStore(db_url, effects_retention=100.0, purge_interval=0.01)
    store.append("old", [{"event": "user", "text": "hi"}], message_id="m-old", reply={"messages": []})
    _age_rows(store, "tracker_processed_messages", REDELIVERY_WINDOW_S + 10)
    time.sleep(0.02)
    store.append(SENDER, [{"event": "user", "text": "hi"}], message_id="m-new", reply={"messages": []})  # no effects
    assert store.reply_for("old", "m-old") is None and store.reply_for(SENDER, "m-new") == {"messages": []}


def test_processed_purge_index_made_on_older_tables(db_url: str) -> None:
    from sqlalchemy import text

    first = SQLTrackerStore(db_url)
    with first.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_tracker_processed_messages_created"))
    first.db.dispose()
    again = SQLTrackerStore(db_url)
    assert "ix_tracker_processed_messages_created" in {ix["name"] for ix in inspect(again.engine).get_indexes("tracker_processed_messages")}


def test_retention_counts_from_the_commit_not_from_the_record(db_url: str) -> None:
    """An effect recorded long before its turn was stored (a turn that never came back, delivered by the
    conversation's next turn) is kept the whole retention after that delivery: it was purged at once before."""
    store = SQLTrackerStore(db_url, effects_retention=100.0, purge_interval=3600.0)
    store.record_effect(SENDER, "fx-late", turn_id="m1", action_name="action_submit", result={"events": [], "responses": []})
    _age_rows(store, "tracker_effects", 500)  # recorded 500 s ago; its turn's save failed
    before = time.time()
    commit(store, {**effect("fx-late", "m1"), "recovered": True})  # delivered (committed) by the next turn now
    after = time.time()
    (row,) = store.effects(SENDER)
    assert row["committed"] and before <= row["committed_at"] <= after
    assert row["created_at"] <= before - 500  # the recording time is kept as it was
    assert store.purge(now=before + 99).committed_effects == 0  # 599 s after recording, 99 s after commit: kept
    assert kept(store) == [("fx-late", True)]
    assert store.purge(now=after + 101).committed_effects == 1
    assert kept(store) == []


def test_a_second_commit_of_an_effect_keeps_its_first_commit_time(db_url: str) -> None:
    store = SQLTrackerStore(db_url, effects_retention=100.0, purge_interval=3600.0)
    commit(store, effect("fx-1", "m1"))
    (first,) = store.effects(SENDER)
    with store.engine.begin() as conn:  # committed 50 s ago
        from sqlalchemy import text

        conn.execute(text("UPDATE tracker_effects SET committed_at = committed_at - 50"))
    commit(store, effect("fx-1", "m1"))  # the same effect in a later save (a redone turn reusing the result)
    (again,) = store.effects(SENDER)
    assert again["committed_at"] == pytest.approx(first["committed_at"] - 50)


def _old_schema(url: str) -> None:
    """``tracker_effects`` as the store made it before ``committed_at`` existed (written out: the previous version)."""
    from sqlalchemy import Boolean, Column, Double, Index, MetaData, PrimaryKeyConstraint, String, Table, Text, create_engine

    md = MetaData()
    old = Table("tracker_effects", md,
                Column("conversation_id", String(255), nullable=False), Column("effect_key", String(255), nullable=False),
                Column("turn_id", String(255), nullable=False), Column("action_name", String(255), nullable=False),
                Column("result", Text, nullable=False), Column("committed", Boolean, nullable=False),
                Column("created_at", Double, nullable=False),
                PrimaryKeyConstraint("conversation_id", "effect_key", name="pk_tracker_effects"))
    Index("ix_tracker_effects_committed_created", old.c.committed, old.c.created_at)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    md.create_all(engine)
    now = time.time()
    with engine.begin() as conn:
        conn.execute(old.insert(), [
            {"conversation_id": SENDER, "effect_key": "fx-old", "turn_id": "m1", "action_name": "action_submit",
             "result": '{"events": [], "responses": []}', "committed": True, "created_at": now - 1000},
            {"conversation_id": SENDER, "effect_key": "fx-pending", "turn_id": "m2", "action_name": "action_submit",
             "result": '{"events": [], "responses": []}', "committed": False, "created_at": now - 10}])
    engine.dispose()


def test_a_store_made_by_an_older_version_gets_the_commit_time_column(db_url: str) -> None:
    _old_schema(db_url)
    store = SQLTrackerStore(db_url, effects_retention=100.0, purge_interval=3600.0)
    assert "committed_at" in {c["name"] for c in inspect(store.engine).get_columns("tracker_effects")}
    assert "ix_tracker_effects_committed_at" in {ix["name"] for ix in inspect(store.engine).get_indexes("tracker_effects")}
    rows = {e["key"]: e for e in store.effects(SENDER)}
    assert (rows["fx-old"]["committed_at"], rows["fx-pending"]["committed_at"]) == (None, None)  # rows kept as they were
    # the old committed row was recorded 1,000 s ago; when it was committed is unknown (no later than now): it is
    # counted from the first purge that sees it, never purged before the retention has passed after its commit
    t = time.time()
    store.append(SENDER, [{"event": "action", "name": "action_listen"}])  # the conversation is alive
    assert store.purge(now=t).committed_effects == 0
    assert store.effects(SENDER)[0]["committed_at"] == t
    commit(store, effect("fx-new", "m3"))  # the upgraded table takes new commits with their time
    assert [e["committed_at"] is not None for e in store.effects(SENDER) if e["key"] == "fx-new"] == [True]
    assert store.purge(now=t + 99) == PurgeCounts(0, 0, 0)  # fx-old 1,099 s after recording: kept
    store.db.dispose()
    again = SQLTrackerStore(db_url, effects_retention=100.0)  # opening an upgraded store again changes nothing
    assert kept(again) == [("fx-new", True), ("fx-old", True), ("fx-pending", False)]
    # fx-new was committed a few ms after t: at t + 101 both committed rows and the idle conversation's pending one go
    assert again.purge(now=time.time() + 101) == PurgeCounts(2, 1, 0)


def test_two_workers_upgrading_at_once_both_start(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second worker read the old columns, then the first added the column: its ALTER finds it there
    (SQLite: "duplicate column", read as done; PostgreSQL: ``IF NOT EXISTS``)."""
    import sqlalchemy

    _old_schema(db_url)
    first = SQLTrackerStore(db_url)
    real = sqlalchemy.inspect

    class StaleColumns:
        def __init__(self, engine: Any) -> None:
            self.real = real(engine)

        def get_columns(self, table: str) -> list[dict[str, Any]]:
            return [c for c in self.real.get_columns(table) if c["name"] != "committed_at"]

    monkeypatch.setattr(sqlalchemy, "inspect", StaleColumns)
    first._add_missing_columns()  # what the second worker runs: no error
    monkeypatch.undo()
    assert [c["name"] for c in inspect(first.engine).get_columns("tracker_effects")].count("committed_at") == 1
