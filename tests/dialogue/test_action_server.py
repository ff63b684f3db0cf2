"""The action-server client against a real local HTTP server (uvicorn on a free port) that
misbehaves on purpose: slow, failing, malformed, unknown action, rejection, or not there.

The server counts the requests it receives per conversation, so each test checks how many
times an action was actually delivered: an action that may have run is never sent twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from dbservers import free_port  # type: ignore[import-not-found]
from live_server import LiveServer  # type: ignore[import-not-found]
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from assistant.dialogue.action_server import RASA_VERSION, ActionServerClient, AsyncActionServerClient, action_call_payload
from assistant.dialogue.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from assistant.dialogue.executors import (
    ActionExecutor,
    ActionNotFoundError,
    ActionServerResponseError,
    ActionServerTimeout,
    ActionServerUnavailable,
    AsyncActionExecutor,
)
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import ConnectorTimeout, ConnectorUnavailable, InvalidConfigError, InvalidInputError
from assistant.nlu.domain import Domain
from assistant.nlu.domain_dict import domain_as_dict
from assistant.settings import Settings

SLOW_SECONDS = 1.0


class Recorder:
    """What the server received: request count per (path, sender_id) and the last body per sender."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.bodies: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def record(self, path: str, body: dict[str, Any]) -> int:
        with self.lock:
            key = (path, str(body.get("sender_id")))
            self.calls[key] += 1
            self.bodies[key[1]] = body
            return self.calls[key]


def make_app(rec: Recorder) -> FastAPI:
    app = FastAPI()

    async def receive(request: Request, path: str) -> tuple[dict[str, Any], int]:
        body = json.loads(await request.body())
        return body, rec.record(path, body)

    @app.post("/ok")
    async def ok(request: Request) -> Any:
        body, _ = await receive(request, "ok")
        # answers with values derived from the request, so the test sees the request arrived intact
        age = body["tracker"]["slots"].get("age")
        return {"events": [{"event": "slot", "timestamp": None, "name": "echo", "value": body["next_action"]},
                           {"event": "slot", "timestamp": None, "name": "age_next_year", "value": None if age is None else age + 1},
                           {"event": "bot", "text": "저장했어요", "data": {}}],
                "responses": [{"text": f"{body['sender_id']} 님, 확인했어요", "buttons": []},
                              {"response": "utter_done", "template": "utter_done", "age": age}]}

    @app.post("/slow")
    async def slow(request: Request) -> Any:
        await receive(request, "slow")
        await asyncio.sleep(SLOW_SECONDS)
        return {"events": [], "responses": []}

    @app.post("/status/{code}/then-ok")
    async def status_then_ok(code: int, request: Request) -> Any:
        _, n = await receive(request, f"status{code}")
        if n == 1:
            return JSONResponse({"error": "boom", "request_body": "secret tracker"}, status_code=code)
        return {"events": [{"event": "slot", "name": "attempt", "value": n}], "responses": []}

    @app.post("/raw/{kind}")
    async def raw(kind: str, request: Request) -> Any:
        body, _ = await receive(request, kind)
        bodies = {
            "malformed": b'{"events": [', "html": b"<html>Bad Gateway</html>", "empty": b"", "null": b"null",
            "list": b"[]", "events-not-list": b'{"events": {"event": "slot"}}',
            "unknown-event": b'{"events": [{"event": "slot", "name": "a", "value": 1}, {"event": "teleport"}]}',
            "bad-slot": b'{"events": [{"event": "slot", "value": 1}]}',
            "response-not-object": b'{"events": [], "responses": ["hello"]}',
            "no-keys": b"{}",
        }
        return Response(bodies[kind], media_type="application/json")

    @app.post("/notfound")
    async def notfound(request: Request) -> Any:
        body, _ = await receive(request, "notfound")
        name = body["next_action"]
        return JSONResponse({"error": f"No registered action found for name '{name}'.", "action_name": name}, status_code=404)

    @app.post("/reject")
    async def reject(request: Request) -> Any:
        body, _ = await receive(request, "reject")
        return JSONResponse({"error": "form cannot handle this", "action_name": body["next_action"]}, status_code=400)

    @app.post("/bad-request")
    async def bad_request(request: Request) -> Any:
        await receive(request, "bad-request")
        return JSONResponse({"error": "Invalid body request"}, status_code=400)

    @app.post("/domain-missing")
    async def domain_missing(request: Request) -> Any:
        body, _ = await receive(request, "domain-missing")
        return JSONResponse({"error": "domain missing", "action_name": body["next_action"]}, status_code=449)

    return app


@pytest.fixture(scope="module")
def rec() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def server(rec: Recorder) -> Iterator[LiveServer]:
    with LiveServer(make_app(rec)) as s:
        yield s


DOMAIN = Domain(intents=["inform"], responses={"utter_done": [{"text": "완료: {age}"}]})


def tracker(sender: str, age: float | None = 67.0) -> DialogueStateTracker:
    t = DialogueStateTracker(sender, {"age": {"initial_value": None}, "echo": {}, "age_next_year": {}, "attempt": {}})
    t.update_with_events([ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.0),
                          ActionExecuted("action_listen", timestamp=1.0),
                          UserUttered("예순일곱 살이에요", {"intent": {"name": "inform", "confidence": 0.8}}, "rest", "m1", timestamp=2.0)])
    if age is not None:
        t.update(SlotSet("age", age, timestamp=3.0))
    return t


def client(server: LiveServer, path: str, **kw: Any) -> ActionServerClient:
    kw.setdefault("timeout", 5.0)
    kw.setdefault("backoff", 0.01)
    return ActionServerClient(f"{server.url}{path}", **kw)


class TestHappyPath:
    def test_events_and_responses(self, server: LiveServer, rec: Recorder) -> None:
        with client(server, "/ok") as c:
            result = c.run("action_store_age", tracker("happy-1", 67.0), DOMAIN)
        assert [e.to_json()["event"] for e in result.events] == ["slot", "slot", "bot"]
        assert [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)] == [("echo", "action_store_age"), ("age_next_year", 68.0)]
        assert isinstance(result.events[2], BotUttered) and result.events[2].text == "저장했어요"
        assert result.responses[0]["text"] == "happy-1 님, 확인했어요"
        assert result.responses[1] == {"response": "utter_done", "template": "utter_done", "age": 67.0}
        assert not result.rejected and rec.calls[("ok", "happy-1")] == 1

    def test_request_is_rasas_action_call(self, server: LiveServer, rec: Recorder) -> None:
        t = tracker("shape-1")
        t.update_with_events([Restarted(timestamp=4.0), ActionExecuted("action_listen", timestamp=5.0)])
        with client(server, "/ok") as c:
            c.run("action_store_age", t, DOMAIN)
        body = rec.bodies["shape-1"]
        assert set(body) == {"next_action", "sender_id", "tracker", "domain", "version"}
        assert (body["next_action"], body["sender_id"], body["version"]) == ("action_store_age", "shape-1", RASA_VERSION)
        state = body["tracker"]
        assert {"sender_id", "slots", "latest_message", "latest_event_time", "followup_action", "paused", "events",
                "latest_input_channel", "active_loop", "latest_action", "latest_action_name"} <= set(state)
        # every event, also those before the restart (Rasa sends EventVerbosity.ALL)
        assert state["events"] == t.events_as_json() and len(state["events"]) == 7
        assert state["slots"] == {"age": None, "echo": None, "age_next_year": None, "attempt": None}  # reset by the restart
        # the restart also forgot the latest message; the latest input channel is read from all events (as in Rasa)
        assert state["latest_message"]["text"] is None and state["latest_input_channel"] == "rest"
        assert state["latest_action_name"] == "action_listen" and state["active_loop"] == {} and state["paused"] is False
        assert body["domain"] == domain_as_dict(DOMAIN)
        assert body == json.loads(json.dumps(action_call_payload("action_store_age", t, DOMAIN)))

    def test_null_and_empty_bodies_mean_no_events(self, server: LiveServer) -> None:
        with client(server, "/raw/null") as c:
            assert c.run("a", tracker("null-1"), DOMAIN) == ([], [])
        for kind in ("empty", "no-keys"):
            with client(server, f"/raw/{kind}") as c:
                assert c.run("a", tracker(f"{kind}-1"), DOMAIN) == ([], [])

    def test_implements_the_executor_protocols(self, server: LiveServer) -> None:
        with client(server, "/ok") as c:
            assert isinstance(c, ActionExecutor)
        assert isinstance(AsyncActionServerClient(f"{server.url}/ok"), AsyncActionExecutor)


class TestRasaErrorAnswers:
    def test_400_with_action_name_is_a_rejection(self, server: LiveServer, rec: Recorder) -> None:
        with client(server, "/reject", retries=3) as c:
            result = c.run("benefit_form", tracker("reject-1"), DOMAIN)
        assert result.rejected and result.responses == []
        assert [(type(e), e.action_name) for e in result.events] == [(ActionExecutionRejected, "benefit_form")]
        assert rec.calls[("reject", "reject-1")] == 1
        # applied to a tracker whose active form is that action, the form is marked rejected (as in Rasa)
        t = tracker("reject-1b")
        t.update(ActiveLoop("benefit_form"))
        t.update_with_events(result.events)
        assert t.active_loop is not None and t.active_loop.rejected

    def test_404_is_action_not_found(self, server: LiveServer, rec: Recorder) -> None:
        with client(server, "/notfound", retries=3) as c, pytest.raises(ActionNotFoundError) as e:
            c.run("action_nope", tracker("nf-1"), DOMAIN)
        assert isinstance(e.value, LookupError) and e.value.status == 404 and e.value.action_name == "action_nope"
        assert "No registered action found for name 'action_nope'" in str(e.value)
        assert rec.calls[("notfound", "nf-1")] == 1

    @pytest.mark.parametrize(("path", "status"), [("/bad-request", 400), ("/domain-missing", 449)])
    def test_other_4xx_are_response_errors(self, server: LiveServer, rec: Recorder, path: str, status: int) -> None:
        with client(server, path, retries=3) as c, pytest.raises(ActionServerResponseError) as e:
            c.run("a", tracker(f"4xx-{status}"), DOMAIN)
        assert e.value.status == status and rec.calls[(path.strip("/"), f"4xx-{status}")] == 1


class TestMalformedAnswers:
    @pytest.mark.parametrize(("kind", "says"), [
        ("malformed", "malformed JSON"), ("html", "malformed JSON"), ("list", "JSON list"),
        ("events-not-list", "not a list"), ("unknown-event", "bad event #1: unknown event 'teleport'"),
        ("bad-slot", "bad event #0: 'slot' event: 'name' is required"), ("response-not-object", "response #0"),
    ])
    def test_clear_error_and_no_retry(self, server: LiveServer, rec: Recorder, kind: str, says: str) -> None:
        with client(server, f"/raw/{kind}", retries=3) as c, pytest.raises(ActionServerResponseError) as e:
            c.run("action_x", tracker(f"mal-{kind}"), DOMAIN)
        assert says in str(e.value) and "action_x" in str(e.value) and e.value.status == 200
        assert rec.calls[(kind, f"mal-{kind}")] == 1


class TestFaultsAndRetries:
    def test_timeout_is_not_retried(self, server: LiveServer, rec: Recorder) -> None:
        started = time.monotonic()
        with client(server, "/slow", timeout=0.3, retries=3) as c, pytest.raises(ActionServerTimeout) as e:
            c.run("action_submit", tracker("slow-1"), DOMAIN)
        assert isinstance(e.value, ConnectorTimeout) and isinstance(e.value, TimeoutError)
        assert "may have run" in str(e.value) and time.monotonic() - started < SLOW_SECONDS
        assert rec.calls[("slow", "slow-1")] == 1  # delivered once: never sent again

    def test_timeout_retried_for_an_idempotent_action(self, server: LiveServer, rec: Recorder) -> None:
        with client(server, "/slow", timeout=0.2, retries=3, idempotent={"action_lookup"}) as c:
            with pytest.raises(ActionServerTimeout):
                c.run("action_lookup", tracker("slow-2"), DOMAIN)
        assert rec.calls[("slow", "slow-2")] == 3

    def test_500_is_not_retried_and_leaks_no_body(self, server: LiveServer, rec: Recorder) -> None:
        with client(server, "/status/500/then-ok", retries=3) as c, pytest.raises(ActionServerResponseError) as e:
            c.run("action_submit", tracker("s500-1"), DOMAIN)
        assert e.value.status == 500 and "secret tracker" not in str(e.value)
        assert rec.calls[("status500", "s500-1")] == 1

    def test_500_then_200_for_an_idempotent_action(self, server: LiveServer, rec: Recorder) -> None:
        with client(server, "/status/500/then-ok", retries=3, idempotent=["action_lookup"]) as c:
            result = c.run("action_lookup", tracker("s500-2"), DOMAIN)
        assert [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)] == [("attempt", 2)]
        assert rec.calls[("status500", "s500-2")] == 2

    @pytest.mark.parametrize("code", [502, 504])
    def test_gateway_errors_are_not_retried(self, server: LiveServer, rec: Recorder, code: int) -> None:
        with client(server, f"/status/{code}/then-ok", retries=3) as c, pytest.raises(ActionServerResponseError):
            c.run("action_submit", tracker(f"s{code}"), DOMAIN)
        assert rec.calls[(f"status{code}", f"s{code}")] == 1

    def test_503_then_200_is_retried(self, server: LiveServer, rec: Recorder, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING, "assistant.dialogue.action_server"):
            with client(server, "/status/503/then-ok", retries=3) as c:
                result = c.run("action_submit", tracker("s503-1"), DOMAIN)
        assert [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)] == [("attempt", 2)]
        assert rec.calls[("status503", "s503-1")] == 2
        retried = [r for r in caplog.records if r.getMessage() == "action server call retried"]
        assert [getattr(r, "conversation_id", None) for r in retried] == ["s503-1"]

    def test_503_only_with_one_attempt(self, server: LiveServer, rec: Recorder) -> None:
        with client(server, "/status/503/then-ok", retries=1) as c, pytest.raises(ActionServerUnavailable) as e:
            c.run("action_submit", tracker("s503-2"), DOMAIN)
        assert e.value.status == 503 and rec.calls[("status503", "s503-2")] == 1

    def test_connection_refused_is_retried_then_unavailable(self, caplog: pytest.LogCaptureFixture) -> None:
        url = f"http://127.0.0.1:{free_port()}/webhook"  # nothing listens there
        with caplog.at_level(logging.WARNING, "assistant.dialogue.action_server"):
            with ActionServerClient(url, timeout=2.0, retries=3, backoff=0.01) as c, pytest.raises(ActionServerUnavailable) as e:
                c.run("action_submit", tracker("down-1"), DOMAIN)
        assert isinstance(e.value, ConnectorUnavailable) and isinstance(e.value, ConnectionError)
        assert url in str(e.value) and "ConnectError" in str(e.value) and e.value.sender_id == "down-1"
        assert len([r for r in caplog.records if r.getMessage() == "action server call retried"]) == 2
        failed = [r for r in caplog.records if r.getMessage() == "action server call failed"]
        assert len(failed) == 1 and getattr(failed[0], "conversation_id", None) == "down-1"

    def test_server_that_comes_up_during_retries(self, rec: Recorder, caplog: pytest.LogCaptureFixture) -> None:
        """Connection refused on the first attempts, then the server starts: the call succeeds, delivered once."""
        late = LiveServer(make_app(rec))
        timer = threading.Timer(0.3, late.__enter__)
        timer.start()
        try:
            with caplog.at_level(logging.WARNING, "assistant.dialogue.action_server"), \
                    ActionServerClient(f"{late.url}/ok", timeout=2.0, retries=8, backoff=0.1) as c:
                result = c.run("action_late", tracker("late-1"), DOMAIN)
            assert [r for r in caplog.records if r.getMessage() == "action server call retried"]  # refused at first
            assert [e.value for e in result.events if isinstance(e, SlotSet)][0] == "action_late"
            assert rec.calls[("ok", "late-1")] == 1
        finally:
            timer.join()
            late.__exit__()


class TestAsyncClient:
    def test_same_results_and_errors(self, server: LiveServer, rec: Recorder) -> None:
        async def main() -> None:
            async with AsyncActionServerClient(f"{server.url}/ok", backoff=0.01) as c:
                result = await c.run("action_store_age", tracker("async-1", 30.0), DOMAIN)
                assert [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)] == [
                    ("echo", "action_store_age"), ("age_next_year", 31.0)]
            async with AsyncActionServerClient(f"{server.url}/slow", timeout=0.3, retries=3) as c:
                with pytest.raises(ActionServerTimeout):
                    await c.run("action_submit", tracker("async-2"), DOMAIN)
            async with AsyncActionServerClient(f"{server.url}/status/503/then-ok", retries=3, backoff=0.01) as c:
                result = await c.run("action_submit", tracker("async-3"), DOMAIN)
                assert result.events[0].to_json()["value"] == 2
            async with AsyncActionServerClient(f"{server.url}/reject") as c:
                assert (await c.run("benefit_form", tracker("async-4"), DOMAIN)).rejected

        asyncio.run(main())
        assert rec.calls[("ok", "async-1")] == 1 and rec.calls[("slow", "async-2")] == 1
        assert rec.calls[("status503", "async-3")] == 2 and rec.calls[("reject", "async-4")] == 1


class TestConfiguration:
    @pytest.mark.parametrize(("kw", "says"), [
        ({"url": "localhost:5055/webhook"}, "http"), ({"url": ""}, "http"), ({"retries": 0}, "at least 1"), ({"timeout": 0}, "positive"),
    ])
    def test_bad_config(self, kw: dict[str, Any], says: str) -> None:
        args: dict[str, Any] = {"url": "http://localhost:5055/webhook", **kw}
        with pytest.raises(InvalidConfigError, match=says):
            ActionServerClient(**args)

    def test_from_settings(self) -> None:
        with pytest.raises(InvalidConfigError, match="ASSISTANT_ACTION_ENDPOINT_URL"):
            ActionServerClient.from_settings(Settings())
        s = Settings(action_endpoint_url="http://127.0.0.1:5055/webhook", action_timeout=2.5, action_retries=4)
        with ActionServerClient.from_settings(s) as c:
            assert (c.url, c.timeout, c.retries) == ("http://127.0.0.1:5055/webhook", 2.5, 4)

    def test_settings_from_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert Settings().action_endpoint_url is None
        monkeypatch.setenv("ASSISTANT_ACTION_ENDPOINT_URL", "http://actions:5055/webhook")
        monkeypatch.setenv("ASSISTANT_ACTION_TIMEOUT", "7.5")
        monkeypatch.setenv("ASSISTANT_ACTION_RETRIES", "1")
        s = Settings()
        assert (s.action_endpoint_url, s.action_timeout, s.action_retries) == ("http://actions:5055/webhook", 7.5, 1)

    def test_unserializable_slot_is_bad_input_not_a_request(self, server: LiveServer, rec: Recorder) -> None:
        t = tracker("nan-1", age=float("nan"))
        with client(server, "/ok") as c, pytest.raises(InvalidInputError, match="nan-1"):
            c.run("action_store_age", t, DOMAIN)
        assert rec.calls[("ok", "nan-1")] == 0
