"""The tracker store on SQLite and on a real PostgreSQL: exactly-once events, idempotent messages, outages."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter

import pytest
from dbservers import PostgresServer
from sqlalchemy import func, select

from assistant.errors import ConcurrentUpdateError, DuplicateMessageError, InvalidInputError, StoreUnavailableError
from assistant.stores.trackers import SQLTrackerStore, events_table, make_tracker_store, normalize_url, processed_messages


def ev(i: int, conv: str = "c", text: str = "안녕하세요 👋") -> dict:
    return {
        "event": "user",
        "timestamp": 1732870000.0 + i / 7,  # floats with long fractions must come back exact
        "text": f"{text} #{i}",
        "parse_data": {"intent": {"name": "greet", "confidence": 0.1 * (i % 10)}, "entities": [], "text": f"{text} #{i}",
                       "message_id": f"{conv}-{i}", "metadata": {"nested": {"k": [1, None, True]}}},
        "input_channel": "rest",
        "message_id": f"{conv}-{i}",
        "metadata": {},
    }


def rows(store: SQLTrackerStore, conv: str | None = None) -> int:
    q = select(func.count()).select_from(events_table)
    if conv is not None:
        q = q.where(events_table.c.conversation_id == conv)
    with store.engine.connect() as c:
        return int(c.execute(q).scalar() or 0)


class TestRoundTrip:
    def test_events_come_back_identical(self, store: SQLTrackerStore) -> None:
        events = [ev(i) for i in range(5)] + [{"event": "slot", "timestamp": 1.5, "name": "age", "value": None},
                                              {"event": "bot", "timestamp": 2, "text": "네", "data": {}, "metadata": {}}]
        assert store.append("c1", events, expected_seq=0) == 7
        assert store.load("c1") == json.loads(json.dumps(events))
        assert store.load("c1", after_seq=5) == events[5:]
        assert store.count("c1") == 7 and store.count("nobody") == 0
        assert store.load("nobody") == []
        assert store.conversation_ids() == ["c1"]

    def test_a_new_store_object_reads_the_same(self, store: SQLTrackerStore, store_url: str) -> None:
        store.append("c1", [ev(i) for i in range(3)])
        again = SQLTrackerStore(store_url)  # "server restart": new engine, same database
        assert again.load("c1") == store.load("c1")
        again.engine.dispose()


class TestExactlyOnce:
    def test_stale_expected_seq_writes_nothing(self, store: SQLTrackerStore) -> None:
        store.append("c", [ev(0), ev(1)], expected_seq=0)
        with pytest.raises(ConcurrentUpdateError, match="expected 1 stored events, found 2"):
            store.append("c", [ev(2)], expected_seq=1)
        with pytest.raises(ConcurrentUpdateError):
            store.append("c", [ev(2)], expected_seq=0)
        assert rows(store, "c") == 2
        assert store.append("c", [ev(2)], expected_seq=2) == 3

    def test_replaying_the_same_save_does_not_duplicate(self, store: SQLTrackerStore) -> None:
        batch = [ev(0), ev(1)]
        store.append("c", batch, expected_seq=0)
        for _ in range(3):  # the request is replayed with the same base
            with pytest.raises(ConcurrentUpdateError):
                store.append("c", batch, expected_seq=0)
        assert rows(store) == 2

    def test_concurrent_appends_from_threads(self, store: SQLTrackerStore) -> None:
        threads_n, appends, per = 8, 15, 3
        errors: list[BaseException] = []

        def work(t: int) -> None:
            try:
                for a in range(appends):
                    store.append("shared", [ev(t * 1000 + a * 10 + k, "shared") for k in range(per)])
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        ths = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        assert errors == []
        total = threads_n * appends * per
        assert rows(store, "shared") == total == store.count("shared")
        loaded = store.load("shared")
        ids = Counter(e["message_id"] for e in loaded)
        assert len(ids) == total and max(ids.values()) == 1  # none lost, none twice
        with store.engine.connect() as c:
            seqs = [r[0] for r in c.execute(select(events_table.c.seq).where(events_table.c.conversation_id == "shared").order_by(events_table.c.seq))]
        assert seqs == list(range(1, total + 1))
        position = {e["message_id"]: i for i, e in enumerate(loaded)}
        for t in range(threads_n):  # each append's events stay together and in order
            for a in range(appends):
                at = [position[f"shared-{t * 1000 + a * 10 + k}"] for k in range(per)]
                assert at == list(range(at[0], at[0] + per))

    def test_racing_writers_with_the_same_base_one_wins(self, store: SQLTrackerStore) -> None:
        store.append("race", [ev(0)], expected_seq=0)
        start = threading.Barrier(6)
        outcome: list[str] = []

        def work(i: int) -> None:
            start.wait()
            try:
                store.append("race", [ev(100 + i), ev(200 + i)], expected_seq=1)
                outcome.append("won")
            except ConcurrentUpdateError:
                outcome.append("lost")

        ths = [threading.Thread(target=work, args=(i,)) for i in range(6)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        assert sorted(outcome) == ["lost"] * 5 + ["won"]
        assert rows(store, "race") == 3

    def test_conversations_are_independent(self, store: SQLTrackerStore) -> None:
        store.append("a", [ev(0, "a")])
        store.append("b", [ev(0, "b"), ev(1, "b")])
        assert (store.count("a"), store.count("b")) == (1, 2)
        assert store.append("a", [ev(1, "a")], expected_seq=1) == 2


class TestIdempotency:
    REPLY = [{"recipient_id": "c", "text": "안녕하세요! 무엇을 도와드릴까요?"}]

    def test_redelivery_returns_the_same_reply_and_writes_nothing(self, store: SQLTrackerStore) -> None:
        assert store.reply_for("c", "wamid.1") is None
        store.append("c", [ev(0), ev(1)], expected_seq=0, message_id="wamid.1", reply=self.REPLY)
        assert store.reply_for("c", "wamid.1") == self.REPLY
        with pytest.raises(DuplicateMessageError) as e:
            store.append("c", [ev(2)], expected_seq=2, message_id="wamid.1", reply=[{"text": "different"}])
        assert e.value.reply == self.REPLY
        assert rows(store) == 2
        assert store.reply_for("other", "wamid.1") is None  # ids are per conversation

    def test_events_and_reply_commit_together(self, store: SQLTrackerStore) -> None:
        store.append("c", [ev(0)], expected_seq=0)
        with pytest.raises(ConcurrentUpdateError):  # stale: neither events nor reply are stored
            store.append("c", [ev(1)], expected_seq=0, message_id="m2", reply=self.REPLY)
        assert store.reply_for("c", "m2") is None and rows(store) == 1

    def test_record_reply(self, store: SQLTrackerStore) -> None:
        assert store.record_reply("c", "m1", {"ok": 1}) is True
        assert store.record_reply("c", "m1", {"ok": 2}) is False
        assert store.reply_for("c", "m1") == {"ok": 1}
        with store.engine.connect() as c:
            assert c.execute(select(func.count()).select_from(processed_messages)).scalar() == 1

    def test_concurrent_redeliveries_process_once(self, store: SQLTrackerStore) -> None:
        start = threading.Barrier(5)
        got: list[object] = []

        def work(i: int) -> None:
            start.wait()
            try:
                store.append("c", [ev(i)], message_id="dup", reply={"by": i})
                got.append(("stored", i))
            except DuplicateMessageError as e:
                got.append(("duplicate", e.reply))

        ths = [threading.Thread(target=work, args=(i,)) for i in range(5)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        stored = [g for g in got if g[0] == "stored"]
        assert len(stored) == 1 and rows(store) == 1
        assert all(g == ("duplicate", {"by": stored[0][1]}) for g in got if g[0] == "duplicate")  # type: ignore[index]


class TestBadInput:
    @pytest.mark.parametrize(
        "kwargs, fragment",
        [
            ({"sender_id": "", "events": []}, "non-empty"),
            ({"sender_id": "x" * 256, "events": []}, "limit is 255"),
            ({"sender_id": "c", "events": [{"text": "no name"}]}, "no 'event' name"),
            ({"sender_id": "c", "events": [{"event": "slot", "name": "a", "value": float("nan")}]}, "not JSON"),
            ({"sender_id": "c", "events": [{"event": "slot", "name": "a", "value": object()}]}, "not JSON"),
            ({"sender_id": "c", "events": [], "message_id": "m"}, "needs the reply"),
        ],
    )
    def test_clear_errors(self, kwargs: dict, fragment: str) -> None:
        store = SQLTrackerStore("sqlite://")
        with pytest.raises(InvalidInputError, match=fragment):
            store.append(**kwargs)
        assert rows(store) == 0

    def test_urls(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
        assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
        assert make_tracker_store(None, tmp_path).url == f"sqlite:///{tmp_path / 'trackers.db'}"
        assert (tmp_path / "trackers.db").exists()


class TestOutages:
    def test_postgres_goes_away_and_comes_back(self, pg_server: PostgresServer) -> None:
        store = SQLTrackerStore(pg_server.create_database("outage"), connect_timeout=2)
        store.append("c", [ev(0)], expected_seq=0)
        pg_server.stop()
        try:
            with pytest.raises(StoreUnavailableError, match=r"unavailable while appending to \(conversation 'c'\)") as e:
                store.append("c", [ev(1)], expected_seq=1)
            assert "postgres@127.0.0.1" in str(e.value) and isinstance(e.value, ConnectionError)
            with pytest.raises(StoreUnavailableError, match="while loading"):
                store.load("c")
        finally:
            pg_server.start()
        assert store.append("c", [ev(1)], expected_seq=1) == 2  # the next call reconnects
        assert [e["message_id"] for e in store.load("c")] == ["c-0", "c-1"]
        store.engine.dispose()

    def test_postgres_password_is_not_in_errors(self) -> None:
        from dbservers import free_port

        store_url = f"postgresql://user:s3cret@127.0.0.1:{free_port()}/db"
        with pytest.raises(StoreUnavailableError) as e:
            SQLTrackerStore(store_url, connect_timeout=1)
        assert "s3cret" not in str(e.value) and "***" in str(e.value)

    def test_sqlite_busy_is_a_clear_error(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        path = tmp_path / "t.db"
        store = SQLTrackerStore(f"sqlite:///{path}", connect_timeout=0.2)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            with pytest.raises(StoreUnavailableError, match="database is locked"):
                store.append("c", [ev(0)])
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.append("c", [ev(0)]) == 1
