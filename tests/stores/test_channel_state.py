"""The channels' shared state (seen message ids, WhatsApp windows) on SQLite and PostgreSQL: one first caller per id
across store objects (two workers), expiry, windows that never move back."""

from __future__ import annotations

import threading

import pytest

from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.stores.channel_state import ChannelStateStore, Window


class TestChannelState:
    def test_one_first_caller_across_two_store_objects(self, db_url: str) -> None:
        a, b = ChannelStateStore(db_url), ChannelStateStore(db_url)  # two workers on one database
        try:
            assert a.first_seen("wa-wamid.1", now=1000.0) is True
            assert b.first_seen("wa-wamid.1", now=1001.0) is False
            assert a.first_seen("wa-wamid.1", now=1002.0) is False
            assert b.first_seen("wa-wamid.2", now=1003.0) is True
        finally:
            a.dispose()
            b.dispose()

    def test_concurrent_callers_get_one_true(self, db_url: str) -> None:
        stores = [ChannelStateStore(db_url) for _ in range(4)]
        results: list[bool] = []
        lock = threading.Lock()

        def claim(s: ChannelStateStore) -> None:
            got = s.first_seen("slack:T1:D1:U1|Ev123")
            with lock:
                results.append(got)

        threads = [threading.Thread(target=claim, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for s in stores:
            s.dispose()
        assert sorted(results) == [False, False, False, True]

    def test_an_expired_id_counts_as_new(self, db_url: str) -> None:
        store = ChannelStateStore(db_url, ttl=100.0)
        assert store.first_seen("k", now=1000.0) is True
        assert store.first_seen("k", now=1099.0) is False  # 99 s later: within the ttl
        assert store.first_seen("k", now=1101.0) is True  # 101 s after the first: expired, taken again
        assert store.first_seen("k", now=1102.0) is False
        store.dispose()

    def test_window_times_never_move_back(self, db_url: str) -> None:
        store = ChannelStateStore(db_url)
        assert store.window("whatsapp:x") == Window(None, None)
        store.record_inbound("whatsapp:x", 5000.0)
        store.record_inbound("whatsapp:x", 4000.0)  # a late redelivery of an older message
        assert store.window("whatsapp:x") == Window(5000.0, None)
        store.record_notice("whatsapp:x", 6000.0)
        store.record_inbound("whatsapp:x", 7000.0)
        assert store.window("whatsapp:x") == Window(7000.0, 6000.0)
        store.record_notice("whatsapp:y", 10.0)  # a notice before any inbound time is known
        assert store.window("whatsapp:y") == Window(None, 10.0)
        store.dispose()

    def test_bad_input(self) -> None:
        store = ChannelStateStore("sqlite://")
        for bad in ("", " ", "x" * 256):
            with pytest.raises(InvalidInputError):
                store.first_seen(bad)
            with pytest.raises(InvalidInputError):
                store.record_inbound(bad, 1.0)
        with pytest.raises(InvalidConfigError):
            ChannelStateStore("sqlite://", ttl=0)
