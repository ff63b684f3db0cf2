"""Committed side-effect records (``tracker_effects``) are purged after the configured retention; undelivered ones stay.

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
from assistant.stores.trackers import DEFAULT_EFFECTS_RETENTION_S, SQLTrackerStore, make_tracker_store

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
    # 101 s after the first two were recorded (fx-new too, a few ms later: so it is aged by now + 101 as well)
    assert store.purge_effects(now=time.time() + 101) == 2
    assert kept(store) == [("fx-pending", False)]  # an effect not yet delivered is never purged
    assert store.pending_effects(SENDER)[0]["key"] == "fx-pending"


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
