"""A database that goes away and comes back, in the middle of a conversation over the REST channel.

Real pieces: the app served by uvicorn on loopback, httpx as the channel, the tracker store on the session's
throwaway PostgreSQL, stopped (``pg_ctl stop -m immediate``: dropped connections, like a crash) and started again.
The conversation: a first message is answered; PostgreSQL stops; a message sent while it is down, and one whose
turn is already running in an action when it stops, each get the polite "try again" reply (200, not a 5xx with the
database's address), logged as an error with the conversation id; PostgreSQL starts; both message ids are
redelivered and answered; the store then holds each message exactly once, in order.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import httpx
import pytest
from dbservers import PostgresServer
from live_server import LiveServer

from assistant.dialogue.actions import FunctionAction
from assistant.server.app import create_app
from assistant.stores.trackers import SQLTrackerStore

URL = "/webhooks/rest/webhook"
SENDER = "outage-conv-7"


class Gate:
    """The knowledge action waits here (while ``armed``) until ``open()``."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, tracker, domain, context):  # type: ignore[no-untyped-def]
        if self.armed:
            self.entered.set()
            assert self.release.wait(30), "test never released the action"
        return self.original.run(tracker, domain, context)


def turn_failed(reply: list[dict[str, Any]]) -> bool:
    return [((m.get("custom") or {}).get("response")) for m in reply] == ["utter_turn_failed"]


def test_postgres_stops_mid_conversation_and_comes_back(bundled_settings, bundled_router, make_processor,  # type: ignore[no-untyped-def]
                                                        pg_server: PostgresServer, caplog: pytest.LogCaptureFixture) -> None:
    store = SQLTrackerStore(pg_server.create_database("outage_rest"), connect_timeout=2)
    p = make_processor(tracker_store=store)
    gate = Gate(p.action("action_answer_from_knowledge"))
    p.registry.register(FunctionAction("action_answer_from_knowledge", gate), replace=True)
    app = create_app(bundled_settings.model_copy(update={"holding_reply_after": 0}), router=bundled_router, processor=p)
    caplog.set_level(logging.ERROR)

    def send(c: httpx.Client, mid: str, text: str) -> httpx.Response:
        return c.post(URL, json={"sender": SENDER, "message": text, "message_id": mid})

    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as c:
        first = send(c, "m1", "에너지바우처 신청 방법")
        assert first.status_code == 200 and not turn_failed(first.json())
        stored_before = store.load(SENDER)

        # a turn already inside its action when the database stops: its save fails
        gate.armed = True
        running: dict[str, httpx.Response] = {}
        t = threading.Thread(target=lambda: running.setdefault("r", send(c, "m2", "기초연금 신청 방법")))
        t.start()
        assert gate.entered.wait(30)
        pg_server.stop()
        try:
            gate.release.set()
            t.join(60)
            gate.armed = False
            # a message sent while the database is down
            down = send(c, "m3", "연탄쿠폰 신청 방법")
            for r in (running["r"], down):
                assert r.status_code == 200 and turn_failed(r.json())
                assert "정부민원안내콜센터(110)" in r.json()[0]["text"]  # the polite Korean message, a number to call
                assert "127.0.0.1" not in r.text and "postgres" not in r.text.lower()
        finally:
            pg_server.start()
        failures = [r for r in caplog.records if r.levelno >= logging.ERROR and getattr(r, "conversation_id", None) == SENDER]
        assert len(failures) >= 2 and all("unavailable" in r.getMessage() for r in failures)

        # back: the redeliveries are answered (once each), and a redelivery of the first gets its first reply
        for mid, text in (("m2", "기초연금 신청 방법"), ("m3", "연탄쿠폰 신청 방법")):
            r = send(c, mid, text)
            assert r.status_code == 200 and not turn_failed(r.json()), r.text
            assert send(c, mid, text).content == r.content
        assert send(c, "m1", "에너지바우처 신청 방법").content == first.content

    events = store.load(SENDER)
    assert events[: len(stored_before)] == stored_before  # nothing written before the outage was lost or changed
    assert [e["message_id"] for e in events if e["event"] == "user"] == ["m1", "m2", "m3"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["에너지바우처 신청 방법", "기초연금 신청 방법", "연탄쿠폰 신청 방법"]
    assert store.count(SENDER) == len(events)
    store.engine.dispose()
