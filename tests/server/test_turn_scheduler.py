"""REST turns on the event loop (assistant/server/turns.py): one conversation's queued turns cannot starve the
others of worker threads; redeliveries of a running message id join it; holding replies while a turn is slow.

The app is the real one (create_app + the engine over the bundled router) driven in this test's own event loop
through httpx's ASGI transport, so anyio's worker-thread limit can be lowered to 4 threads: the starvation then
shows with 8 queued turns instead of 41.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio.to_thread
import httpx

from assistant.dialogue.actions import FunctionAction
from assistant.server.app import create_app

URL = "/webhooks/rest/webhook"
THREADS = 4


class BlockingKnowledge:
    """Wraps the knowledge action: turns of conversation ``busy`` wait in it until ``release`` is set."""

    def __init__(self, original: Any, sender: str = "busy") -> None:
        self.original, self.sender = original, sender
        self.entered = 0
        self.calls: list[str] = []
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, tracker, domain, context):  # type: ignore[no-untyped-def]
        with self._lock:
            self.calls.append(tracker.sender_id)
        if tracker.sender_id == self.sender:
            with self._lock:
                self.entered += 1
            assert self.release.wait(30), "test never released the blocked action"
        return self.original.run(tracker, domain, context)


def app_with_blocking_action(settings, router, make_processor, **overrides):  # type: ignore[no-untyped-def]
    p = make_processor()
    blocking = BlockingKnowledge(p.action("action_answer_from_knowledge"))
    p.registry.register(FunctionAction("action_answer_from_knowledge", blocking), replace=True)
    return create_app(settings.model_copy(update=overrides), router=router, processor=p), p, blocking


async def wait_until(pred, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not pred():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


def test_other_conversations_progress_while_one_has_many_queued_turns(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    app, p, blocking = app_with_blocking_action(bundled_settings, bundled_router, make_processor)
    queued = 2 * THREADS  # more queued turns of one conversation than there are worker threads

    async def scenario() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60) as c:
            busy = [asyncio.create_task(c.post(URL, json={"sender": "busy", "message": f"에너지바우처 신청 방법 {i}번"}))
                    for i in range(queued)]
            await wait_until(lambda: blocking.entered == 1)
            await asyncio.sleep(0.3)  # the other queued turns reach their waiting place
            try:
                # while busy's first turn is stuck and 7 more wait behind it, another conversation gets answers
                for text in ("안녕하세요", "연탄 쿠폰 받을 수 있나요"):
                    r = await asyncio.wait_for(c.post(URL, json={"sender": "other", "message": text}), 15)
                    assert r.status_code == 200 and r.json()[0]["recipient_id"] == "other"
                assert blocking.entered == 1 and not any(t.done() for t in busy)
                assert app.state.turns.pending("busy") == queued  # all queued in the scheduler, one in a thread
                assert "other" in blocking.calls  # the second message went through the (same) knowledge action
            finally:
                blocking.release.set()
            replies = await asyncio.gather(*busy)
        assert [r.status_code for r in replies] == [200] * queued
        assert app.state.turns.pending("busy") == 0 and app.state.turns.pending("other") == 0

    asyncio.run(scenario())
    texts = [e["text"] for e in p.tracker_store.load("busy") if e["event"] == "user"]
    assert texts == [f"에너지바우처 신청 방법 {i}번" for i in range(queued)]  # each once, first come first served


def test_redelivery_of_a_running_message_id_joins_it_and_gets_the_holding_reply(bundled_settings, bundled_router,
                                                                                  make_processor) -> None:  # type: ignore[no-untyped-def]
    app, p, blocking = app_with_blocking_action(bundled_settings, bundled_router, make_processor, holding_reply_after=0.3)
    body = {"sender": "busy", "message": "What is the energy voucher?", "message_id": "m-77"}

    async def scenario() -> tuple[list[Any], Any, Any]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60) as c:
            first = await c.post(URL, json=body)
            second = await c.post(URL, json=body)
            assert blocking.entered == 1  # the redelivery did not start a second turn
            blocking.release.set()
            await wait_until(lambda: app.state.turns.pending("busy") == 0)
            final = await c.post(URL, json=body)
            again = await c.post(URL, json=body)
        return [first.json(), second.json()], final.json(), again.json()

    holding, final, again = asyncio.run(scenario())
    for reply in holding:
        (m,) = reply
        assert m["custom"]["pending"] is True and m["custom"]["response"] == "utter_please_wait"
        assert m["custom"]["message_id"] == "m-77" and m["custom"]["language"] == "en"
        assert m["text"] == "I'm still working on your request. One moment, please."
    assert final == again and not any((m.get("custom") or {}).get("pending") for m in final)
    assert blocking.calls == ["busy"]  # the action ran once for four deliveries
    events = p.tracker_store.load("busy")
    assert [e["message_id"] for e in events if e["event"] == "user"] == ["m-77"]
    bot_texts = [e["text"] for e in events if e["event"] == "bot"]
    assert [m["text"] for m in final] == bot_texts  # the holding reply is not stored; the answer is, once


def test_a_delivery_without_message_id_waits_for_its_answer(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    app, p, blocking = app_with_blocking_action(bundled_settings, bundled_router, make_processor, holding_reply_after=0.2)

    async def scenario() -> Any:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60) as c:
            task = asyncio.create_task(c.post(URL, json={"sender": "busy", "message": "에너지바우처 신청 방법"}))
            await wait_until(lambda: blocking.entered == 1)
            await asyncio.sleep(0.5)  # longer than holding_reply_after: no id to fetch a late answer with, so no holding reply
            assert not task.done()
            blocking.release.set()
            return (await task).json()

    reply = asyncio.run(scenario())
    assert reply and not reply[0]["custom"].get("pending")
    assert [m["text"] for m in reply] == [e["text"] for e in p.tracker_store.load("busy") if e["event"] == "bot"]


def test_a_turn_queued_longer_than_turn_queue_wait_gets_503(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    app, p, blocking = app_with_blocking_action(bundled_settings, bundled_router, make_processor, turn_queue_wait=0.3)

    async def scenario() -> tuple[Any, Any]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60) as c:
            first = asyncio.create_task(c.post(URL, json={"sender": "busy", "message": "에너지바우처 신청 방법"}))
            await wait_until(lambda: blocking.entered == 1)
            try:
                second = await c.post(URL, json={"sender": "busy", "message": "기초연금 신청 방법"})
            finally:
                blocking.release.set()
            return await first, second

    first, second = asyncio.run(scenario())
    assert first.status_code == 200
    assert second.status_code == 503 and "busy" in second.json()["detail"] and "0.3 s" in second.json()["detail"]
    assert [e["text"] for e in p.tracker_store.load("busy") if e["event"] == "user"] == ["에너지바우처 신청 방법"]
    assert app.state.turns.pending("busy") == 0


def test_an_admin_write_waits_for_the_conversations_running_turn() -> None:
    """``exclusive`` (the /conversations/{id}/trigger_intent, /messages and /resume routes) queues behind the turn."""
    from assistant.server.turns import TurnScheduler

    order: list[str] = []
    release = threading.Event()

    class Processor:
        def handle_message(self, message: Any) -> Any:
            order.append("turn started")
            assert release.wait(10)
            order.append("turn ended")
            from assistant.dialogue.processor import Turn
            return Turn((), "ko", {})

    async def main() -> None:
        s = TurnScheduler(Processor(), hold_after=0)
        from assistant.dialogue.messages import UserMessage

        turn = asyncio.create_task(s.handle(UserMessage("c1", "hi", "rest", {})))
        await wait_until(lambda: order == ["turn started"])
        write = asyncio.create_task(s.exclusive("c1", order.append, "admin write"))
        other = asyncio.create_task(s.exclusive("c2", order.append, "other conversation"))
        await other  # another conversation is not held up
        assert order == ["turn started", "other conversation"] and not write.done()
        release.set()
        await asyncio.gather(turn, write)
        assert order == ["turn started", "other conversation", "turn ended", "admin write"]

    asyncio.run(main())


def test_holding_reply_to_a_button_payload_speaks_the_conversation_language(make_processor) -> None:  # type: ignore[no-untyped-def]
    """A button's payload ("/deny") has no language of its own (read alone, "/deny" looks English) and the widget sends
    none, or a stale page language, with it: the holding reply follows the conversation's language."""
    import re

    from assistant.dialogue.messages import BotMessage, UserMessage
    from assistant.dialogue.processor import Turn
    from assistant.server.turns import TurnScheduler

    domain = make_processor().domain
    spoken: dict[str, str] = {}

    class SlowOnPayload:
        def __init__(self) -> None:
            self.domain = domain
            self.tracker_store = self

        def reply_for(self, sender_id: str, message_id: str) -> None:
            return None

        def handle_message(self, message: UserMessage) -> Turn:
            text = message.text or ""
            if text.startswith("/"):
                threading.Event().wait(0.6)
            else:
                spoken[message.sender_id] = "ko" if re.search("[가-힣]", text) else "en"
            return Turn((BotMessage("ok", (), {}),), spoken[message.sender_id], {"name": "x", "confidence": 1.0})

    async def scenario() -> list[str]:
        scheduler = TurnScheduler(SlowOnPayload(), hold_after=0.2)
        await scheduler.handle(UserMessage("ko-1", "제가 받을 수 있는 혜택이 뭐가 있나요?", "rest", {"message_id": "a"}))
        await scheduler.handle(UserMessage("en-1", "What benefits can I get?", "rest", {"message_id": "b"}))
        ko = await scheduler.handle(UserMessage("ko-1", "/deny", "rest", {"message_id": "c"}))
        en = await scheduler.handle(UserMessage("en-1", "/affirm", "rest", {"message_id": "d", "language": "ko"}))
        await asyncio.sleep(0.8)
        assert ko.messages[0].custom.get("pending") is True and en.messages[0].custom.get("pending") is True
        return [ko.language, en.language]

    assert asyncio.run(scenario()) == ["ko", "en"]
