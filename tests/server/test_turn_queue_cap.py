"""The cap on queued turns per conversation (ASSISTANT_TURN_QUEUE_MAX, assistant/server/turns.py), over real HTTP.

The app is served by uvicorn on loopback; the knowledge action of conversation ``busy`` blocks until the test
releases it, so turns pile up. With a cap of 2: the running turn and one queued turn are accepted (each gets the
holding reply), a third new message gets 429 with ``Retry-After`` and a JSON ``detail``, a redelivery of the queued
message id still joins it, a redelivery of an answered message id still gets its stored answer, other
conversations are not affected, and the store holds each accepted message once and the refused one not at all.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest
from live_server import LiveServer

from assistant.dialogue.actions import FunctionAction
from assistant.errors import InvalidConfigError
from assistant.server.app import create_app
from assistant.server.turns import TurnScheduler
from assistant.settings import Settings

URL = "/webhooks/rest/webhook"


class Gate:
    """The knowledge action of conversation ``busy`` waits here until ``open()``; ``close()`` blocks again."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.event = threading.Event()
        self.entered = 0

    def __call__(self, tracker, domain, context):  # type: ignore[no-untyped-def]
        if tracker.sender_id == "busy":
            self.entered += 1
            assert self.event.wait(30), "test never opened the gate"
        return self.original.run(tracker, domain, context)

    def open(self) -> None:
        self.event.set()

    def close(self) -> None:
        self.event = threading.Event()


def post(c: httpx.Client, mid: str | None, text: str, sender: str = "busy") -> httpx.Response:
    body = {"sender": sender, "message": text, **({"message_id": mid} if mid else {})}
    return c.post(URL, json=body)


def pending(r: httpx.Response) -> bool:
    return r.status_code == 200 and any((m.get("custom") or {}).get("pending") for m in r.json())


def answer_of(c: httpx.Client, mid: str, text: str, sender: str = "busy", timeout: float = 60) -> httpx.Response:
    """The reply to message ``mid`` once it is answered: a turn that outlasts ``holding_reply_after`` (a loaded CI
    machine runs even a greeting past 0.3 s) first gets the holding reply, and the channel's redelivery of the same id
    then gets the stored answer."""
    deadline = time.monotonic() + timeout
    while True:
        r = post(c, mid, text, sender)
        if r.status_code != 200 or not pending(r):
            return r
        assert time.monotonic() < deadline, f"{mid} never answered"
        time.sleep(0.1)


def wait_until(pred, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_settings_default_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().turn_queue_max == 8
    monkeypatch.setenv("ASSISTANT_TURN_QUEUE_MAX", "3")
    assert Settings().turn_queue_max == 3
    monkeypatch.setenv("ASSISTANT_TURN_QUEUE_MAX", "0")
    with pytest.raises(ValueError, match="turn_queue_max"):
        Settings()
    with pytest.raises(InvalidConfigError, match="at least 1"):
        TurnScheduler(object(), queue_max=0)


def test_a_full_queue_refuses_new_messages_with_429_and_still_joins_redeliveries(bundled_settings, bundled_router,  # type: ignore[no-untyped-def]
                                                                                 make_processor) -> None:
    p = make_processor()
    gate = Gate(p.action("action_answer_from_knowledge"))
    p.registry.register(FunctionAction("action_answer_from_knowledge", gate), replace=True)
    settings = bundled_settings.model_copy(update={"turn_queue_max": 2, "holding_reply_after": 0.3})
    app = create_app(settings, router=bundled_router, processor=p)

    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as c:
        assert pending(post(c, "m1", "에너지바우처 신청 방법 1번"))  # running, blocked in the action
        wait_until(lambda: gate.entered == 1)
        assert pending(post(c, "m2", "에너지바우처 신청 방법 2번"))  # queued behind it
        assert app.state.turns.pending("busy") == 2

        refused = post(c, "m3", "에너지바우처 신청 방법 3번")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"  # ceil(holding_reply_after)
        assert refused.headers["content-type"].startswith("application/json")
        detail = refused.json()["detail"]
        assert "2 waiting" in detail and "limit is 2" in detail and "again in 1 s" in detail
        assert post(c, None, "에너지바우처 신청 방법 4번").status_code == 429  # without a message id too
        assert pending(post(c, "m2", "에너지바우처 신청 방법 2번"))  # a redelivery of the queued id joins it
        assert pending(post(c, "m1", "에너지바우처 신청 방법 1번"))  # and of the running one
        other = answer_of(c, "o1", "안녕하세요", sender="other")  # the cap is per conversation
        assert other.status_code == 200 and not pending(other) and other.json()
        assert gate.entered == 1

        gate.open()
        wait_until(lambda: app.state.turns.pending("busy") == 0)
        answered = post(c, "m1", "에너지바우처 신청 방법 1번")
        assert answered.status_code == 200 and not pending(answered)
        accepted = answer_of(c, "m3", "에너지바우처 신청 방법 3번")  # the refused message, sent again later
        assert accepted.status_code == 200 and not pending(accepted) and accepted.json()

        # full again: an answered message id is still answered from the store, a new one refused
        gate.close()
        assert pending(post(c, "m5", "에너지바우처 신청 방법 5번"))
        wait_until(lambda: gate.entered == 4)
        assert pending(post(c, "m6", "에너지바우처 신청 방법 6번"))
        again = post(c, "m1", "에너지바우처 신청 방법 1번")
        assert again.status_code == 200 and again.content == answered.content
        assert post(c, "m7", "에너지바우처 신청 방법 7번").status_code == 429
        gate.open()
        wait_until(lambda: app.state.turns.pending("busy") == 0)

    users = [e for e in p.tracker_store.load("busy") if e["event"] == "user"]
    assert [(e["message_id"], e["text"]) for e in users] == [
        (f"m{i}", f"에너지바우처 신청 방법 {i}번") for i in (1, 2, 3, 5, 6)]  # each accepted once, refused ones never
    assert app.state.turns._turns == {}  # nothing left counted
