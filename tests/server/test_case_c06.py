"""Case C06 (../shared/cases/cases.yaml): a slow action and a channel that redelivers.

The eligibility back end answers after 5 s; the channel delivers message id m-0001, then redelivers it after
3 s and 6 s. Expected: each delivery acknowledged quickly, the back end called once, one final answer, and a
short holding message while waiting.

Real pieces: the back end is an HTTP service (uvicorn on loopback) that sleeps before answering and counts its
calls; the custom action calls it over HTTP with httpx; the assistant is the real app served by uvicorn and the
channel is an HTTP client. The action replaces ``action_answer_from_knowledge`` (what the policy runs for an
eligibility question naming a known service) and appends the back end's verdict to the knowledge answer.

The timeline runs at full scale (marked slow) and at half scale (default suite).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from live_server import LiveServer

from assistant.dialogue.actions import FunctionAction
from assistant.dialogue.holding import is_holding
from assistant.dialogue.responses import bot_event
from assistant.server.app import create_app

URL = "/webhooks/rest/webhook"
QUESTION = "에너지바우처 받을 수 있나요?"


def slow_backend(delay: float) -> tuple[FastAPI, list[dict[str, Any]]]:
    """An eligibility back end that answers after ``delay`` seconds; returns the app and its call log."""
    app = FastAPI()
    calls: list[dict[str, Any]] = []

    @app.post("/check")
    async def check(body: dict[str, Any]) -> dict[str, Any]:
        calls.append(body)
        await asyncio.sleep(delay)
        return {"service": body.get("service"), "verdict": "unknown", "missing": ["age", "income_pct"]}

    return app, calls


@pytest.mark.parametrize("scale", [pytest.param(1.0, marks=pytest.mark.slow), 0.5], ids=["full", "half"])
def test_c06_slow_backend_and_redelivered_message_id(scale: float, bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    backend_delay, redeliveries, hold = 5.0 * scale, (3.0 * scale, 6.0 * scale), 1.0 * scale
    backend_app, calls = slow_backend(backend_delay)
    settings = bundled_settings.model_copy(update={"holding_reply_after": hold})
    p = make_processor()
    knowledge = p.action("action_answer_from_knowledge")

    with LiveServer(backend_app) as backend:
        def check_eligibility(tracker, domain, context):  # type: ignore[no-untyped-def]
            r = httpx.post(backend.url + "/check", json={"service": "에너지바우처", "sender_id": tracker.sender_id}, timeout=30)
            r.raise_for_status()
            verdict = r.json()
            return [*knowledge.run(tracker, domain, context),
                    bot_event(f"자격 확인 결과: {verdict['verdict']} (더 필요한 정보: {', '.join(verdict['missing'])})")]

        p.registry.register(FunctionAction("action_answer_from_knowledge", check_eligibility), replace=True)
        body = {"sender": "c06", "message": QUESTION, "message_id": "m-0001"}

        async def channel() -> list[tuple[float, float, Any]]:
            """Deliver at 0 s, redeliver at the given offsets, then (as a channel polls) every ``hold`` seconds until
            the answer comes; (sent at, answered after, reply) per delivery."""
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
                t0 = time.monotonic()

                async def deliver(at: float) -> tuple[float, float, Any]:
                    await asyncio.sleep(max(0.0, at - (time.monotonic() - t0)))
                    sent = time.monotonic()
                    r = await c.post(URL, json=body)
                    assert r.status_code == 200, r.text
                    return sent - t0, time.monotonic() - sent, r.json()

                out = list(await asyncio.gather(*(deliver(at) for at in (0.0, *redeliveries))))
                while is_holding(out[-1][2]) and time.monotonic() - t0 < 60:
                    out.append(await deliver(time.monotonic() - t0 + hold))
                return out

        with LiveServer(create_app(settings, router=bundled_router, processor=p)) as server:
            assert httpx.post(server.url + URL, json={"sender": "warm", "message": "안녕하세요"}, timeout=60).status_code == 200
            deliveries = asyncio.run(channel())
            later = httpx.post(server.url + URL, json=body, timeout=30).json()  # one more redelivery, after the answer
    pending = [is_holding(reply) for _, _, reply in deliveries]
    for sent_at, took, _ in deliveries:
        assert took < hold + 1.5, f"delivery at {sent_at:.1f} s took {took:.2f} s"  # acknowledged quickly
    # holding while the back end works (it cannot answer before 5 s; the redelivery at 3 s is answered by 4 s),
    # then exactly one final answer, after which the channel stops redelivering
    assert pending[:2] == [True, True] and pending[-1] is False and pending.count(False) == 1
    assert deliveries[-1][0] >= backend_delay
    for _, _, reply in deliveries[:-1]:
        (m,) = reply
        assert m["custom"]["response"] == "utter_please_wait" and m["custom"]["message_id"] == "m-0001"
        assert m["text"] == "요청하신 내용을 확인하고 있어요. 잠시만 기다려 주세요."
    final = deliveries[-1][2]
    assert final[-1]["text"].startswith("자격 확인 결과: unknown") and final[0]["custom"]["citations"]
    assert later == final  # a redelivery after the answer gets the stored reply
    assert len(calls) == 1 and calls[0]["sender_id"] == "c06"  # the back end was called once

    events = p.tracker_store.load("c06")
    assert [e["message_id"] for e in events if e["event"] == "user"] == ["m-0001"]
    assert [e["text"] for e in events if e["event"] == "bot"] == [m["text"] for m in final]  # no holding text stored
    assert [e["name"] for e in events if e["event"] == "action"].count("action_answer_from_knowledge") == 1
