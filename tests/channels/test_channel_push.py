"""Proactive push on Telegram (Bot API sendMessage / answerCallbackQuery), KakaoTalk (Open Builder's Event API) and
the phone (kept, never pushed), through the real app (create_app) against REAL local HTTP servers standing in for
the platforms' APIs (a fake Bot API and a fake Event API that record every request).

The engine is a stand-in (fixed replies, a configurable delay): these tests are about where messages go when nobody
asked for them right now (benefit alerts, the MyData callback's continuation, a turn that finished after its holding
reply), not how replies are made, so no trained model is needed and the file runs in seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest
from channel_helpers import TELEGRAM_SECRET
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from live_server import LiveServer

from assistant.channels import kakao, telegram
from assistant.channels.proactive import KeptChannel, PushChannel, masked_id
from assistant.dialogue.events import UserUttered
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.dialogue.processor import Turn
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import ConnectorTimeout, ConnectorUnavailable, InvalidConfigError, InvalidInputError
from assistant.server.app import create_app
from assistant.settings import Settings
from connectors.alerts.conversation import seal_address
from dbservers import free_port

BOT_TOKEN = "123456789:AAH-test_token_abcdefghijklmnop"
KAKAO_BOT = "65a1b2c3d4e5f60718293a4b"
KAKAO_KEY = "rest-api-key-0123456789abcdef"
KAKAO_EVENT = "assistant_push"
SECRET = "push-deployment-secret-" + "z" * 24
PENDING = "/webhooks/rest/pending"
TG_URL = "/webhooks/telegram/webhook"
TG_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
HOLDING_KO = "요청하신 내용을 확인하고 있어요. 잠시만 기다려 주세요."  # holding.py's built-in text (domain without it)
ALERT_TEXT = "새로 받을 수 있는 혜택: 어르신 난방비 지원"


class FakePlatform:
    """A real HTTP server recording requests: ``/bot<token>/<method>`` (Telegram), ``/v2/bots/<id>/talk`` and
    ``/v1/tasks/<taskId>`` (Kakao). ``mode``: ``ok``; ``down`` (HTTP 500, Kakao 503); ``busy`` (HTTP 503: not
    handled, so worth sending again); ``slow`` (Telegram answers after 1.5 s: the message was handled, the answer is late);
    ``refuse`` (Telegram 403 / Kakao status FAIL). ``task_mode``, the Kakao task result (the shapes of Kakao's chatbot guide, "메시지 발송 성공, 실패 결과
    조회"): ``ok`` (ALL SUCCESS); ``failed`` (the user's delivery failed, with its error); ``unknown_user`` (the user
    id did not resolve: counted, not listed); ``pending`` (no outcome yet, ever); ``missing`` (404 twice, then ok)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"
        self.task_mode = "ok"
        self.tasks: dict[str, str] = {}  # taskId -> the user id it was sent to
        self.lock = threading.RLock()
        app = FastAPI()

        @app.post("/bot{token}/{method}")
        async def bot_api(token: str, method: str, request: Request) -> JSONResponse:
            body = await request.json()
            with self.lock:
                self.requests.append({"api": "telegram", "token": token, "method": method, "body": body})
            if self.mode == "down":
                return JSONResponse({"ok": False, "error_code": 500, "description": "Internal"}, status_code=500)
            if self.mode == "busy":
                return JSONResponse({"ok": False, "error_code": 503, "description": "Service Unavailable"}, status_code=503)
            if self.mode == "slow":
                await anyio.sleep(1.5)
            if self.mode == "refuse":
                return JSONResponse({"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
                                    status_code=403)
            return JSONResponse({"ok": True, "result": {"message_id": len(self.requests)} if method == "sendMessage" else True})

        @app.post("/v2/bots/{bot_id}/talk")
        async def event_api(bot_id: str, request: Request) -> JSONResponse:
            body = await request.json()
            with self.lock:
                self.requests.append({"api": "kakao", "bot_id": bot_id, "auth": request.headers.get("authorization"),
                                      "body": body})
            if self.mode == "down":
                return JSONResponse({"message": "server error"}, status_code=503)
            if self.mode == "refuse":
                return JSONResponse({"taskId": "t-x", "status": "FAIL", "message": "no such event"})
            task = f"t-{len(self.requests)}"
            self.tasks[task] = body["user"][0]["id"]
            return JSONResponse({"taskId": task, "status": "SUCCESS", "timestamp": int(time.time() * 1000)})

        @app.get("/v1/tasks/{task_id}")
        async def task_result(task_id: str, request: Request) -> JSONResponse:
            with self.lock:
                self.requests.append({"api": "kakao-task", "task": task_id, "auth": request.headers.get("authorization")})
                lookups = len(self.calls("kakao-task"))
            if task_id not in self.tasks or (self.task_mode == "missing" and lookups <= 2):
                return JSONResponse({"message": "task not found"}, status_code=404)
            done = {"taskId": task_id, "allRequestCount": 1}
            if self.task_mode in ("ok", "missing"):
                return JSONResponse({**done, "status": "ALL SUCCESS", "successCount": 1, "fail": {"count": 0, "list": []}})
            if self.task_mode == "pending":
                return JSONResponse({**done, "status": "", "successCount": 0, "fail": {"count": 0, "list": []}})
            if self.task_mode == "unknown_user":
                return JSONResponse({**done, "status": "1 FAIL", "successCount": 0, "userKeyResolvingFailCount": 1,
                                     "fail": {"count": 1, "list": []}})
            return JSONResponse({**done, "status": "1 FAIL", "successCount": 0, "fail": {"count": 1, "list": [{
                "userId": self.tasks[task_id], "reqUserType": "botUserKey", "createdAt": int(time.time()),
                "errorMsg": {"errorType": 201, "msg": "Bot skill server responded with an HTTP error."}}]}})

        self.server = LiveServer(app)

    def calls(self, api: str, method: str | None = None) -> list[dict[str, Any]]:
        with self.lock:  # reentrant: the task route counts under it
            return [r for r in self.requests if r["api"] == api and (method is None or r.get("method") == method)]

    def wait_for(self, api: str, method: str | None, n: int, within: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        while len(got := self.calls(api, method)) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return got


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    """A fresh platform (its own port) per test: a request of an earlier test that its client gave up on (a connector
    timeout on a loaded machine) reaches the earlier test's server, never this test's call counts or task ids."""
    fake = FakePlatform()
    with fake.server:
        yield fake


class NoResponses:
    """A domain without ``utter_please_wait``: the holding reply is the built-in text."""

    def response(self, *args: Any, **kwargs: Any) -> Any:
        raise InvalidConfigError("no responses here")


class Replies:
    """The tracker store surface the turn scheduler reads: stored replies by message id."""

    def __init__(self) -> None:
        self.replies: dict[tuple[str, str], dict[str, Any]] = {}
        self.users: dict[str, list[dict[str, Any]]] = {}

    def reply_for(self, sender_id: str, mid: str) -> dict[str, Any] | None:
        return self.replies.get((sender_id, mid))

    def load(self, sender_id: str) -> list[dict[str, Any]]:
        return self.users.get(sender_id, [])


class Engine:
    """The engine's surface the app touches: ``handle_message`` (answers ``답: <text>`` after ``delay`` s, stores
    the reply), ``trigger_intent`` (an alert's or the MyData callback's replies), ``load`` (the conversation's
    channel) and ``domain``."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.domain = NoResponses()
        self.tracker_store = Replies()
        self.channels: dict[str, str] = {}
        self.handled: list[str] = []

    def handle_message(self, message: UserMessage) -> Turn:
        time.sleep(self.delay)
        self.handled.append(message.text)
        self.channels[message.sender_id] = message.channel or "rest"
        turn = Turn((BotMessage(f"답: {message.text}", (), {"language": "ko"}),), "ko", {"name": "x", "confidence": 1.0})
        mid = str(message.metadata.get("message_id"))
        self.tracker_store.users.setdefault(message.sender_id, []).append(
            {"event": "user", "message_id": mid, "text": message.text})
        self.tracker_store.replies[(message.sender_id, mid)] = turn.reply_json()
        return turn

    def trigger_intent(self, sender_id: str, intent: str, entities: Any = None, channel: str = "rest") -> Turn:
        if intent == "alerts_new":
            msgs = (BotMessage(ALERT_TEXT, (), {"response": "utter_alerts_new_services", "language": "ko"}),)
        else:
            msgs = (BotMessage("마이데이터로 다음 정보를 채웠어요: 나이 34", (), {"language": "ko"}),
                    BotMessage("이어서 자격을 확인할까요?", ({"title": "예", "payload": "/affirm"},), {"language": "ko"}))
        return Turn(msgs, "ko", {"name": intent, "confidence": 1.0})

    def load(self, sender_id: str) -> DialogueStateTracker:
        tracker = DialogueStateTracker(sender_id)
        if sender_id in self.channels:
            tracker.update(UserUttered("안녕", {"intent": {"name": "greet", "confidence": 1.0}},
                                       input_channel=self.channels[sender_id]))
        return tracker


def settings_for(tmp_path: Path, platform: FakePlatform, **extra: Any) -> Settings:
    values: dict[str, Any] = {"home": tmp_path, "tasks_applicant_secret": SECRET, "connector_retries": 2,
                              "connector_timeout": 10.0, "telegram_secret_token": TELEGRAM_SECRET,
                              "telegram_bot_token": BOT_TOKEN, "telegram_api_url": platform.server.url,
                              "kakao_bot_id": KAKAO_BOT, "kakao_rest_api_key": KAKAO_KEY, "kakao_event_name": KAKAO_EVENT,
                              "kakao_event_api_url": platform.server.url, "mydata_sweep_interval": 0}
    values.update(extra)
    return Settings(**values)


def deliver_alert(app: Any, client: TestClient, channel: str, sender: str) -> tuple[int, int, int]:
    """Subscribe ``sender`` on ``channel`` (a ``conversation`` alert address) and run the alert engine's delivery."""
    [alerts] = [r for r in app.routes if getattr(r, "path", "") == "/connectors/alerts"]
    engine = alerts.app.state.engine
    key = f"al:{sender}"
    engine.store.upsert(key, "conversation", seal_address(SECRET.encode(), channel, sender), {"age": 70}, None, "동의", "알림")
    engine.store.record_evaluation(engine.store.get(key), "v2", "h", ["S1"], {"type": "new_eligible_services", "services": []})
    result: tuple[int, int, int] = client.portal.call(anyio.to_thread.run_sync, engine.deliver_due)
    assert [n.status for n in engine.store.notifications(key)] == ["delivered"]
    return result


def pending(client: TestClient, sender: str) -> list[str]:
    """The texts kept in the outbox for ``sender`` (read from the store: the widget's route refuses the messaging
    apps' and the phone's conversations)."""
    store = client.app.state.proactive_channels().get("rest").outbox  # type: ignore[attr-defined]
    return [m["text"] for m in store.fetch(sender).messages]


def message_update(update_id: int, chat: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "text": text,
                                                "from": {"id": chat, "is_bot": False, "language_code": "ko"},
                                                "chat": {"id": chat, "type": "private"}}}


class TestTelegram:
    def test_alert_of_a_telegram_conversation_arrives_at_send_message(self, tmp_path: Path, platform: FakePlatform) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        with TestClient(app) as client:
            assert deliver_alert(app, client, "telegram", "telegram:9001") == (1, 0, 0)
            [call] = platform.calls("telegram")
            assert call["token"] == BOT_TOKEN and call["method"] == "sendMessage"
            assert call["body"] == {"chat_id": 9001, "text": ALERT_TEXT}
            assert pending(client, "telegram:9001") == []  # pushed, not kept

    def test_mydata_continuation_goes_to_the_conversations_own_channel(self, tmp_path: Path,
                                                                       platform: FakePlatform) -> None:
        engine = Engine()
        engine.channels["telegram:9002"] = "telegram"  # the conversation spoke on Telegram
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=engine)
        with TestClient(app) as client:
            texts = client.portal.call(anyio.to_thread.run_sync, app.state.continue_conversation, "telegram:9002",
                                       "mydata_granted")
            [call] = platform.calls("telegram", "sendMessage")
            assert call["body"] == {"chat_id": 9002, "text": "\n\n".join(texts),
                                    "reply_markup": {"inline_keyboard": [[{"text": "예", "callback_data": "/affirm"}]]}}
            assert pending(client, "telegram:9002") == []

    def test_slow_turn_gets_the_holding_reply_and_its_answer_is_pushed(self, tmp_path: Path,
                                                                      platform: FakePlatform) -> None:
        engine = Engine(delay=1.0)
        app = create_app(settings_for(tmp_path, platform, telegram_answer_within=0.2), router=object(), processor=engine)
        with TestClient(app) as client:
            r = client.post(TG_URL, json=message_update(31, 9003, "기초연금 자격"), headers=TG_HEADERS)
            assert r.status_code == 200 and r.json() == {"method": "sendMessage", "chat_id": 9003, "text": HOLDING_KO}
            [call] = platform.wait_for("telegram", "sendMessage", 1)
            assert call["body"] == {"chat_id": 9003, "text": "답: 기초연금 자격"}
            assert engine.handled == ["기초연금 자격"]  # one turn: the push waited for it, never ran it again

    def test_button_tap_is_answered_with_answer_callback_query(self, tmp_path: Path, platform: FakePlatform) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        tap = {"update_id": 41, "callback_query": {"id": "cq-77", "data": "/affirm", "chat_instance": "1",
                                                   "from": {"id": 9004, "is_bot": False},
                                                   "message": {"message_id": 1, "date": 0, "chat": {"id": 9004, "type": "private"}}}}
        with TestClient(app) as client:
            r = client.post(TG_URL, json=tap, headers=TG_HEADERS)
            assert r.json() == {"method": "sendMessage", "chat_id": 9004, "text": "답: /affirm"}
            [call] = platform.wait_for("telegram", "answerCallbackQuery", 1)
            assert call["body"] == {"callback_query_id": "cq-77"}

    def test_platform_down_keeps_the_messages_logs_masked_and_pushes_them_at_the_next_message(
            self, tmp_path: Path, platform: FakePlatform, caplog: pytest.LogCaptureFixture) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        platform.mode = "busy"  # 503: not handled, so sent again
        with TestClient(app) as client, caplog.at_level(logging.ERROR, logger="assistant.channels.proactive"):
            assert deliver_alert(app, client, "telegram", "telegram:90051234") == (1, 0, 0)
            assert len(platform.calls("telegram", "sendMessage")) == 2  # connector_retries attempts, then kept
            assert pending(client, "telegram:90051234") == [ALERT_TEXT]  # nothing lost
            [record] = [r for r in caplog.records if "push failed" in r.getMessage()]
            assert record.conversation_id == "telegram:…1234"  # type: ignore[attr-defined]
            assert "90051234" not in record.getMessage() and "90051234" not in str(record.__dict__.values())
            platform.mode = "ok"
            r = client.post(TG_URL, json=message_update(51, 90051234, "안녕하세요"), headers=TG_HEADERS)
            assert r.json()["text"] == "답: 안녕하세요"
            calls = platform.wait_for("telegram", "sendMessage", 3)
            assert calls[2]["body"] == {"chat_id": 90051234, "text": ALERT_TEXT}
            deadline = time.monotonic() + 5
            while pending(client, "telegram:90051234") and time.monotonic() < deadline:
                time.sleep(0.02)
            assert pending(client, "telegram:90051234") == []  # acknowledged once pushed

    def test_the_widgets_route_does_not_serve_pushed_channels(self, tmp_path: Path, platform: FakePlatform) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        platform.mode = "down"
        with TestClient(app) as client:
            app.state.proactive_channels().send("telegram", "telegram:9010", [BotMessage("알림")])
            assert pending(client, "telegram:9010") == ["알림"]
            for sender in ("telegram:9010", "kakao:uk-1", "voice:CA1"):
                r = client.get(PENDING, params={"sender": sender})
                assert r.status_code == 404 and sender.split(":")[0] in r.json()["detail"]
            assert pending(client, "telegram:9010") == ["알림"]  # still kept: the route neither read nor acknowledged it
            assert client.get(PENDING, params={"sender": "web:1"}).status_code == 200  # other ids: the widget's

    def test_refused_push_is_not_retried_and_is_kept(self, tmp_path: Path, platform: FakePlatform) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        platform.mode = "refuse"
        with TestClient(app) as client:
            app.state.proactive_channels().send("telegram", "telegram:9006", [BotMessage("알림")])
            assert len(platform.calls("telegram")) == 1  # a 403 (bot blocked) is not worth retrying
            assert pending(client, "telegram:9006") == ["알림"]

    def test_without_a_bot_token_messages_wait_in_the_outbox(self, tmp_path: Path, platform: FakePlatform) -> None:
        settings = settings_for(tmp_path, platform, telegram_bot_token=None, kakao_bot_id=None)
        app = create_app(settings, router=object(), processor=Engine())
        with TestClient(app) as client:
            assert deliver_alert(app, client, "telegram", "telegram:9007") == (1, 0, 0)
            assert pending(client, "telegram:9007") == [ALERT_TEXT] and platform.requests == []


class TestKakao:
    def test_alert_of_a_kakao_conversation_runs_the_event_block(self, tmp_path: Path, platform: FakePlatform) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        with TestClient(app) as client:
            assert deliver_alert(app, client, "kakao", "kakao:botuserkey-81") == (1, 0, 0)
            [call] = platform.calls("kakao")
            assert call["bot_id"] == KAKAO_BOT and call["auth"] == f"KakaoAK {KAKAO_KEY}"
            assert call["body"] == {"event": {"name": KAKAO_EVENT, "data": {"text": ALERT_TEXT}},
                                    "user": [{"type": "botUserKey", "id": "botuserkey-81"}]}
            assert pending(client, "kakao:botuserkey-81") == []

    def test_slow_turn_without_callback_url_is_pushed_through_the_event_api(
            self, tmp_path: Path, platform: FakePlatform) -> None:
        from channel_helpers import KAKAO_SECRET

        engine = Engine(delay=1.0)  # Kakao's 4 s, shortened so the test stays fast
        settings = settings_for(tmp_path, platform, kakao_answer_within=0.2, kakao_skill_secret=KAKAO_SECRET)
        app = create_app(settings, router=object(), processor=engine)
        skill = {"userRequest": {"utterance": "청년 월세", "user": {"id": "uk-31", "type": "botUserKey"}},
                 "action": {}, "intent": {}, "bot": {}}
        with TestClient(app) as client:
            r = client.post("/webhooks/kakao/webhook", json=skill, headers={"X-Skill-Secret": KAKAO_SECRET})
            assert r.json()["template"]["outputs"] == [{"simpleText": {"text": HOLDING_KO}}]
            [call] = platform.wait_for("kakao", None, 1)
            assert call["body"]["event"]["data"] == {"text": "답: 청년 월세"}
            assert call["body"]["user"] == [{"type": "botUserKey", "id": "uk-31"}]
            assert engine.handled == ["청년 월세"]

    @pytest.mark.parametrize("mode,attempts", [("down", 2), ("refuse", 1)])
    def test_kakao_failure_keeps_the_messages(self, tmp_path: Path, platform: FakePlatform, mode: str, attempts: int,
                                              caplog: pytest.LogCaptureFixture) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        platform.mode = mode
        with TestClient(app) as client, caplog.at_level(logging.ERROR, logger="assistant.channels.proactive"):
            assert deliver_alert(app, client, "kakao", "kakao:userkey-5678") == (1, 0, 0)
            assert len(platform.calls("kakao")) == attempts
            assert pending(client, "kakao:userkey-5678") == [ALERT_TEXT]
            assert [r.conversation_id for r in caplog.records if "push failed" in r.getMessage()] == ["kakao:…5678"]  # type: ignore[attr-defined]

    def test_delivered_alert_looks_up_the_users_result_once(self, tmp_path: Path, platform: FakePlatform) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        with TestClient(app) as client:
            assert deliver_alert(app, client, "kakao", "kakao:botuserkey-82") == (1, 0, 0)
            [sent] = platform.calls("kakao")
            [lookup] = platform.calls("kakao-task")
            assert lookup["task"] in platform.tasks and lookup["auth"] == f"KakaoAK {KAKAO_KEY}"
            assert pending(client, "kakao:botuserkey-82") == []

    @pytest.mark.parametrize("task_mode", ["failed", "unknown_user"])
    def test_users_failed_delivery_keeps_the_messages(self, tmp_path: Path, platform: FakePlatform, task_mode: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
        user = "botuserkey-0123456789"
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        platform.task_mode = task_mode
        with TestClient(app) as client, caplog.at_level(logging.DEBUG):
            assert deliver_alert(app, client, "kakao", f"kakao:{user}") == (1, 0, 0)  # Kakao took the request ...
            assert len(platform.calls("kakao")) == 1 and len(platform.calls("kakao-task")) == 1
            assert pending(client, f"kakao:{user}") == [ALERT_TEXT]  # ... but the user's delivery failed: kept
            failed = [r for r in caplog.records if r.getMessage() == "kakao push failed (KakaoDeliveryFailed): "
                                                                     "messages kept in the outbox"]
            assert [r.conversation_id for r in failed] == ["kakao:…6789"]  # type: ignore[attr-defined]
            assert not any(user in r.getMessage() or user in str(r.__dict__) for r in caplog.records)
            # kept like any failed push: pushed at the conversation's next message once Kakao delivers again
            platform.task_mode = "ok"
            channel = client.app.state.proactive_channels().get("kakao")  # type: ignore[attr-defined]
            assert channel.redeliver(f"kakao:{user}") == 1 and pending(client, f"kakao:{user}") == []

    def test_result_not_known_in_time_counts_as_delivered_with_a_warning(
            self, tmp_path: Path, platform: FakePlatform, caplog: pytest.LogCaptureFixture) -> None:
        app = create_app(settings_for(tmp_path, platform, kakao_event_result_within=0.6), router=object(),
                         processor=Engine())
        platform.task_mode = "pending"
        with TestClient(app) as client, caplog.at_level(logging.WARNING, logger="assistant.channels.kakao"):
            assert deliver_alert(app, client, "kakao", "kakao:userkey-4321") == (1, 0, 0)
            assert 2 <= len(platform.calls("kakao-task")) <= 4  # looked up every 0.25 s for 0.6 s
            assert pending(client, "kakao:userkey-4321") == []
            [warning] = [r for r in caplog.records if "result unknown" in r.getMessage()]
            assert warning.conversation_id == "kakao:…4321"  # type: ignore[attr-defined]

    def test_task_not_found_yet_is_asked_again(self, tmp_path: Path, platform: FakePlatform) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        platform.task_mode = "missing"
        with TestClient(app) as client:
            assert deliver_alert(app, client, "kakao", "kakao:userkey-77") == (1, 0, 0)
            assert len(platform.calls("kakao-task")) == 3 and pending(client, "kakao:userkey-77") == []

    def test_task_result_shapes(self) -> None:
        # the two documented failure examples: an unresolvable user id (counted, not listed) and a skill error
        unresolved = kakao.task_result({"taskId": "bf46", "status": "1 FAIL", "allRequestCount": 2, "successCount": 1,
                                        "userKeyResolvingFailCount": 1, "fail": {"count": 1, "list": []}})
        assert (unresolved.complete, unresolved.succeeded, unresolved.failed, unresolved.errors) == (True, 1, 1, ())
        body = {"taskId": "861f", "status": "1 FAIL", "allRequestCount": 1, "successCount": 0,
                "fail": {"count": 1, "list": [{"userId": "u-9", "reqUserType": "botUserKey",
                                               "errorMsg": {"errorType": 201, "msg": "u-9: skill server error"}}]}}
        skill = kakao.task_result(body, "u-9")  # the user id is taken out of Kakao's text
        assert (skill.complete, skill.failed, skill.errors) == (True, 1, (("201", "…: skill server error"),))
        assert kakao.task_result({"allRequestCount": 1, "successCount": 0, "fail": {}}).complete is False
        assert kakao.task_result({"allRequestCount": 0}).complete is False

    def test_event_text_lists_buttons_and_sources_within_the_limit(self) -> None:
        msgs = (BotMessage("성별을 알려 주세요.", ({"title": "남성", "payload": "/m"}, {"title": "여성", "payload": "/f"}),
                           {"language": "ko", "citations": [{"title": "기초연금", "url": "https://www.gov.kr/x"}]}),)
        assert kakao.event_text(msgs) == "성별을 알려 주세요.\n\n1. 남성\n2. 여성\n\n출처: 기초연금 https://www.gov.kr/x"
        long = kakao.event_text((BotMessage("가" * 3000),))
        assert len(long) == kakao.MAX_TEXT and long.endswith("…")

    def test_event_api_settings_are_checked(self) -> None:
        with pytest.raises(InvalidInputError, match="user id type"):
            kakao.KakaoEventApi(KAKAO_BOT, KAKAO_KEY, KAKAO_EVENT, user_type="phone")
        with pytest.raises(InvalidInputError, match="event name"):
            kakao.KakaoEventApi(KAKAO_BOT, KAKAO_KEY, "")


class TestPhone:
    def test_voice_conversation_messages_are_kept_with_a_warning(self, tmp_path: Path, platform: FakePlatform,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
        app = create_app(settings_for(tmp_path, platform), router=object(), processor=Engine())
        with TestClient(app) as client, caplog.at_level(logging.WARNING, logger="assistant.channels.proactive"):
            channel = app.state.proactive_channels().registered("voice")
            assert isinstance(channel, KeptChannel)
            assert deliver_alert(app, client, "voice", "voice:CA0123456789abcdef") == (1, 0, 0)
            assert pending(client, "voice:CA0123456789abcdef") == [ALERT_TEXT]  # kept, not dropped
            assert platform.requests == []  # and nothing pushed anywhere
            [record] = [r for r in caplog.records if "no push possible" in r.getMessage()]
            assert "caller's number is never stored" in record.getMessage()
            assert record.conversation_id == "voice:…cdef"  # type: ignore[attr-defined]


class TestClients:
    def test_bot_api_retries_unavailable_and_never_shows_the_token(self, platform: FakePlatform) -> None:
        platform.mode = "busy"
        api = telegram.TelegramBotApi(BOT_TOKEN, platform.server.url + "/", timeout=2.0, retries=3, backoff=0.01)
        with pytest.raises(ConnectorUnavailable) as caught:
            telegram.TelegramPusher(api).push("telegram:5", (BotMessage("x"),))
        assert len(platform.calls("telegram")) == 3 and BOT_TOKEN not in str(caught.value)

    @pytest.mark.parametrize(("mode", "error"), [("down", ConnectorUnavailable), ("slow", ConnectorTimeout)])
    def test_a_push_that_may_have_been_delivered_is_sent_once(self, platform: FakePlatform, mode: str,
                                                              error: type[Exception]) -> None:
        """A 500 or a late answer: the platform may have shown the message, so it is not sent again at once (RFC 9110
        §9.2.2); the proactive layer keeps it for the next message instead. Before: 3 copies on a citizen's phone."""
        platform.mode = mode
        api = telegram.TelegramBotApi(BOT_TOKEN, platform.server.url + "/", timeout=0.5, retries=3, backoff=0.01)
        with pytest.raises(error, match="1 attempt; not sent again: it may have been handled") as caught:
            telegram.TelegramPusher(api).push("telegram:5", (BotMessage("x"),))
        assert BOT_TOKEN not in str(caught.value)
        # the client may give up before the platform's handler has recorded the request (a loaded host: CI s40 saw 0)
        assert len(platform.wait_for("telegram", "sendMessage", 1)) == 1

    def test_unreachable_bot_api_is_an_error_of_the_push(self) -> None:
        api = telegram.TelegramBotApi(BOT_TOKEN, f"http://127.0.0.1:{free_port()}", timeout=1.0, retries=1)
        with pytest.raises(ConnectorUnavailable):
            api.call("sendMessage", {"chat_id": 1, "text": "x"})

    def test_pushers_refuse_other_channels_ids(self) -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
        with pytest.raises(InvalidInputError):
            telegram.TelegramPusher(telegram.TelegramBotApi(BOT_TOKEN, transport=transport)).push("kakao:1", (BotMessage("x"),))
        with pytest.raises(InvalidInputError):
            kakao.KakaoPusher(kakao.KakaoEventApi(KAKAO_BOT, KAKAO_KEY, KAKAO_EVENT, transport=transport)).push(
                "telegram:1", (BotMessage("x"),))

    def test_masked_id_keeps_the_channel_and_four_characters(self) -> None:
        for conversation, shown in [("telegram:123456789", "telegram:…6789"), ("kakao:abc", "kakao:…"),
                                    ("voice:CA99887766", "voice:…7766"), ("web-abcdef", "…cdef")]:
            assert masked_id(conversation) == shown

    def test_push_channel_without_fallback_raises(self) -> None:
        class Down:
            def push(self, recipient_id: str, messages: tuple[BotMessage, ...]) -> None:
                raise ConnectorUnavailable("down")

        with pytest.raises(ConnectorUnavailable):
            PushChannel("telegram", Down()).send("telegram:1", [BotMessage("x")])


def test_real_engine_mydata_continuation_of_a_telegram_conversation_is_pushed(
        tmp_path: Path, platform: FakePlatform, bundled_settings: Settings, bundled_router: Any) -> None:
    """The trained engine: a conversation that spoke on Telegram gets the MyData callback's continuation (here the
    citizen declined at the provider: ``mydata_denied``) by ``sendMessage`` to its chat, found from its tracker."""
    settings = bundled_settings.model_copy(update={
        "telegram_secret_token": TELEGRAM_SECRET, "telegram_bot_token": BOT_TOKEN, "telegram_api_url": platform.server.url,
        "outbox_db_url": f"sqlite:///{tmp_path / 'outbox.db'}", "connector_retries": 1})
    app = create_app(settings, router=bundled_router)
    with TestClient(app) as client:
        first = client.post(TG_URL, json=message_update(61, 9061, "안녕하세요"), headers=TG_HEADERS).json()
        assert first["chat_id"] == 9061 and first["text"]
        texts = client.portal.call(anyio.to_thread.run_sync, app.state.continue_conversation, "telegram:9061",
                                   "mydata_denied")
        assert texts and all(texts)
        [call] = platform.wait_for("telegram", "sendMessage", 1)
        assert call["body"]["chat_id"] == 9061 and call["body"]["text"] == "\n\n".join(t.strip() for t in texts)
        tracker = app.state.processor.load("telegram:9061")
        assert tracker.get_latest_input_channel() == "telegram"
