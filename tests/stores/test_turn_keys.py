"""The turn key of a message without a channel message id (:func:`assistant.dialogue.processor.turn_key`): the same
message against the same stored conversation is the same turn; anything stored in between makes a new one.

Real stores: a SQLite file and a database on the session's throwaway PostgreSQL (``db_url``).
"""

from __future__ import annotations

import hashlib
import unicodedata

import pytest

from assistant.dialogue.processor import turn_key
from assistant.errors import StoreUnavailableError
from assistant.stores.trackers import SQLTrackerStore


def test_the_same_message_against_the_same_stored_conversation_is_the_same_turn(db_url: str) -> None:
    store = SQLTrackerStore(db_url)
    empty = turn_key(store, "c1", "네, 신청할게요")
    assert empty == turn_key(store, "c1", "  네,   신청할게요 ")  # runs of spaces are not part of the message
    assert empty == turn_key(store, "c1", unicodedata.normalize("NFD", "네, 신청할게요"))  # decomposed Hangul
    assert empty != turn_key(store, "c1", "아니요")
    other = turn_key(store, "c2", "네, 신청할게요")
    assert empty != other  # another conversation
    store.append("c1", [{"event": "user", "text": "안녕하세요", "timestamp": 10.0}])
    first = turn_key(store, "c1", "네, 신청할게요")
    assert first != empty and first == turn_key(store, "c1", "네, 신청할게요")
    store.append("c1", [{"event": "bot", "text": "무엇을 도와드릴까요?", "timestamp": 11.0}])  # anything stored moves it
    assert turn_key(store, "c1", "네, 신청할게요") not in (first, empty)
    assert turn_key(store, "c2", "네, 신청할게요") == other  # c2 stored nothing


def test_the_key_is_the_hash_of_the_parts_as_documented(db_url: str) -> None:
    store = SQLTrackerStore(db_url)
    store.append("c1", [{"event": "user", "text": "a", "timestamp": 1.5}, {"event": "action", "name": "action_listen",
                                                                          "timestamp": 2.25}])
    raw = "\0".join(("c1", "2", "action", "2.25", "네"))
    assert turn_key(store, "c1", " 네") == "turn-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def test_messages_differing_only_in_masked_personal_data_are_the_same_turn(db_url: str) -> None:
    """The documented limit: the text is compared as stored (masked), as a redelivery's is."""
    store = SQLTrackerStore(db_url)
    assert turn_key(store, "c1", "제 번호는 010-1234-5678이에요") == turn_key(store, "c1", "제 번호는 010-9876-5432이에요")


def test_a_store_that_cannot_be_reached_raises_store_unavailable() -> None:
    """The turn cannot run then either: the engine answers with its polite store-unavailable message."""
    from sqlalchemy import create_engine

    store = SQLTrackerStore("sqlite://")
    store.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 1})
    with pytest.raises(StoreUnavailableError):
        turn_key(store, "c1", "네")


def test_the_last_event_is_read_in_one_query(db_url: str) -> None:
    store = SQLTrackerStore(db_url)
    assert store.last_event("c1") is None
    store.append("c1", [{"event": "user", "text": "a", "timestamp": 1.0}, {"event": "bot", "text": "b", "timestamp": 2.0}])
    store.append("c2", [{"event": "restart", "timestamp": 3.0}])
    assert store.last_event("c1") == (2, store.load("c1")[-1]) and store.last_event("c1")[1]["text"] == "b"  # type: ignore[index]
    assert store.last_event("c2") == (1, {"event": "restart", "timestamp": 3.0})
