"""Proactive messages (assistant/channels/proactive.py) and the widget's pending route
(``GET /webhooks/rest/pending``), including the MyData callback's continuation reaching it.

The app is the real one (create_app) over a stand-in engine whose ``trigger_intent`` returns fixed replies: these
tests are about where the replies go, not how they are made, so no trained model is needed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from assistant.channels.proactive import CallbackChannel, PendingChannel, ProactiveChannels
from assistant.dialogue.events import SlotSet
from assistant.dialogue.messages import BotMessage
from assistant.dialogue.processor import Turn
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import ConnectorError, InvalidConfigError
from assistant.server.app import create_app
from assistant.settings import Settings
from assistant.stores.outbox import OutboxStore
from connectors.alerts.conversation import TOLD_SLOT

URL = "/webhooks/rest/pending"


class StandIn:
    """The engine's surface the app touches here: ``trigger_intent`` (records its calls) and ``domain``."""

    domain = None

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def trigger_intent(self, sender_id: str, intent: str, entities: Any = None, channel: str = "rest") -> Turn:
        self.calls.append((sender_id, intent))
        msgs = (BotMessage("마이데이터로 다음 정보를 채웠어요: 나이 34", (), {"response": "utter_mydata_fetched"}),
                BotMessage("이어서 자격을 확인할까요?", ({"title": "예", "payload": "/affirm"},)))
        return Turn(msgs, "ko", {"name": intent, "confidence": 1.0})


@pytest.fixture
def app_and_engine(tmp_path: Path) -> tuple[Any, StandIn]:
    engine = StandIn()
    return create_app(Settings(home=tmp_path), router=object(), processor=engine), engine


def test_pending_route_returns_rest_shape_and_acknowledges_by_cursor(app_and_engine: tuple[Any, StandIn]) -> None:
    app, _ = app_and_engine
    with TestClient(app) as client:
        channels: ProactiveChannels = app.state.proactive_channels()
        channels.send("rest", "web-1", [BotMessage("알림 하나", (), {"language": "ko"})])
        r = client.get(URL, params={"sender": "web-1"})
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        body = r.json()
        assert body["messages"] == [{"recipient_id": "web-1", "text": "알림 하나", "custom": {"language": "ko"}}]
        assert body["more"] is False and body["cursor"]
        assert client.get(URL, params={"sender": "web-1"}).json()["messages"] == body["messages"]  # same cursor
        assert client.get(URL, params={"sender": "web-2"}).json()["messages"] == []  # another conversation
        channels.send(None, "web-1", [BotMessage("알림 둘")])
        nxt = client.get(URL, params={"sender": "web-1", "after": body["cursor"]}).json()
        assert [m["text"] for m in nxt["messages"]] == ["알림 둘"]
        assert client.get(URL, params={"sender": "web-1", "after": nxt["cursor"]}).json()["messages"] == []


@pytest.mark.parametrize("params,status", [({}, 422), ({"sender": ""}, 422), ({"sender": "a\x01b"}, 422),
                                           ({"sender": "x" * 201}, 422), ({"sender": "web-1", "after": "nope"}, 400),
                                           ({"sender": "web-1", "limit": "0"}, 422)])
def test_pending_route_refuses_bad_queries(app_and_engine: tuple[Any, StandIn], params: dict[str, str], status: int) -> None:
    app, _ = app_and_engine
    with TestClient(app) as client:
        r = client.get(URL, params=params)
        assert r.status_code == status, r.text
        assert "detail" in r.json()


def test_mydata_continuation_is_kept_for_the_widget(app_and_engine: tuple[Any, StandIn]) -> None:
    """What /mydata/callback calls after the provider's redirect: the engine's replies go to the callback page AND
    wait for the widget at the pending route."""
    app, engine = app_and_engine
    with TestClient(app) as client:
        continue_conversation = app.state.continue_conversation
        texts = client.portal.call(anyio.to_thread.run_sync, continue_conversation, "web-9", "mydata_granted")
        assert engine.calls == [("web-9", "mydata_granted")]
        assert texts == ["마이데이터로 다음 정보를 채웠어요: 나이 34", "이어서 자격을 확인할까요?"]
        got = client.get(URL, params={"sender": "web-9"}).json()["messages"]
        assert [m["text"] for m in got] == texts
        assert got[1]["buttons"] == [{"title": "예", "payload": "/affirm"}]
        assert got[0]["custom"] == {"response": "utter_mydata_fetched"}


class Poster:
    """A JsonPoster that fails from the ``fail_from``-th call on."""

    def __init__(self, fail_from: int | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.fail_from = fail_from

    def send(self, address: str, payload: Mapping[str, Any]) -> None:
        if self.fail_from is not None and len(self.sent) >= self.fail_from:
            raise ConnectorError("callback down")
        self.sent.append((address, dict(payload)))


class TestChannels:
    def test_callback_posts_rasa_callback_shape(self) -> None:
        poster = Poster()
        CallbackChannel("https://hooks.example/cb", poster).send("u1", [BotMessage("a"), BotMessage("b", ({"title": "t", "payload": "/p"},))])
        assert poster.sent == [("https://hooks.example/cb", {"recipient_id": "u1", "text": "a"}),
                               ("https://hooks.example/cb", {"recipient_id": "u1", "text": "b",
                                                             "buttons": [{"title": "t", "payload": "/p"}]})]

    def test_callback_failure_keeps_the_undelivered_rest_for_the_widget(self) -> None:
        box = OutboxStore("sqlite://")
        poster = Poster(fail_from=1)
        CallbackChannel("https://hooks.example/cb", poster, fallback=PendingChannel(box)).send(
            "u1", [BotMessage("a"), BotMessage("b"), BotMessage("c")])
        assert [p["text"] for _, p in poster.sent] == ["a"]
        assert [m["text"] for m in box.fetch("u1").messages] == ["b", "c"]

    def test_callback_failure_without_fallback_raises(self) -> None:
        with pytest.raises(ConnectorError):
            CallbackChannel("https://hooks.example/cb", Poster(fail_from=0)).send("u1", [BotMessage("a")])

    def test_registry_by_name_and_default(self) -> None:
        box, other = OutboxStore("sqlite://"), OutboxStore("sqlite://")

        class Telegram:
            name = "telegram"

            def __init__(self) -> None:
                self.sent: list[tuple[str, Sequence[BotMessage]]] = []

            def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
                self.sent.append((recipient_id, messages))

        tg = Telegram()
        channels = ProactiveChannels([PendingChannel(box), tg, PendingChannel(other, name="widget")])
        channels.send("telegram", "chat-1", [BotMessage("x")])
        channels.send("kakao", "k-1", [BotMessage("y")])  # no proactive channel of its own: the default keeps it
        channels.send("widget", "w-1", [BotMessage("z")])
        assert [(r, [m.text for m in ms]) for r, ms in tg.sent] == [("chat-1", ["x"])]
        assert [m["text"] for m in box.fetch("k-1").messages] == ["y"]
        assert [m["text"] for m in other.fetch("w-1").messages] == ["z"] and box.fetch("w-1").messages == ()
        with pytest.raises(InvalidConfigError, match="telegram"):
            ProactiveChannels([tg], default="rest")


def test_deployment_with_a_callback_url_posts_and_keeps_what_failed(tmp_path: Path) -> None:
    """``ASSISTANT_PROACTIVE_CALLBACK_URL``: a real callback receiver gets each message in the REST shape; when it
    is down, the messages wait at the pending route instead."""
    from fastapi import FastAPI
    from live_server import LiveServer

    from dbservers import free_port

    got: list[dict[str, Any]] = []
    receiver = FastAPI()

    @receiver.post("/cb")
    async def cb(body: dict[str, Any]) -> dict[str, str]:
        got.append(body)
        return {"ok": "yes"}

    with LiveServer(receiver) as live:
        settings = Settings(home=tmp_path, proactive_callback_url=live.url + "/cb", connector_retries=1)
        app = create_app(settings, router=object(), processor=StandIn())
        with TestClient(app) as client:
            app.state.proactive_channels().send("rest", "web-5", [BotMessage("콜백으로 보냄")])
            assert got == [{"recipient_id": "web-5", "text": "콜백으로 보냄"}]
            assert client.get(URL, params={"sender": "web-5"}).json()["messages"] == []

    closed = Settings(home=tmp_path / "down", proactive_callback_url=f"http://127.0.0.1:{free_port()}/cb", connector_retries=1)
    app = create_app(closed, router=object(), processor=StandIn())
    with TestClient(app) as client:
        app.state.proactive_channels().send("rest", "web-6", [BotMessage("못 보냄")])
        assert [m["text"] for m in client.get(URL, params={"sender": "web-6"}).json()["messages"]] == ["못 보냄"]


class AlertStandIn(StandIn):
    """``trigger_intent`` answers ``alerts_new`` as action_deliver_alerts does; records the channel too.

    ``load`` is the engine's other surface the served alert waker reads: the conversation's tracker, whose
    ``alerts_told`` slot (``{"<notification id>": attempts when told}``) is ``told[sender]``."""

    def __init__(self) -> None:
        super().__init__()
        self.channels: list[str] = []
        self.told: dict[str, dict[str, int]] = {}

    def trigger_intent(self, sender_id: str, intent: str, entities: Any = None, channel: str = "rest") -> Turn:
        self.calls.append((sender_id, intent))
        self.channels.append(channel)
        msg = BotMessage("새로 받을 수 있는 혜택: 어르신 난방비 지원", (), {"response": "utter_alerts_new_services"})
        return Turn((msg,), "ko", {"name": intent, "confidence": 1.0})

    def load(self, sender_id: str) -> DialogueStateTracker:
        tracker = DialogueStateTracker(sender_id)
        if sender_id in self.told:
            tracker.update(SlotSet(TOLD_SLOT, self.told[sender_id]))
        return tracker


@pytest.mark.parametrize("channel", ["rest", "telegram"])
def test_served_alerts_wake_the_conversation_through_its_proactive_channel(tmp_path: Path, channel: str) -> None:
    """``assistant serve`` wires the alert engine's conversation notifier to its own turns: a due notification of a
    ``conversation`` subscription runs ``alerts_new`` on the sealed sender's conversation, on its channel, and the
    messages reach that channel's proactive channel (the widget's pending route for ``rest``)."""
    from connectors.alerts.conversation import seal_address

    secret = "serve-secret-" + "x" * 30
    engine = AlertStandIn()
    app = create_app(Settings(home=tmp_path, tasks_applicant_secret=secret), router=object(), processor=engine)
    sent: list[tuple[str, list[str]]] = []

    class Telegram:
        name = "telegram"

        def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
            sent.append((recipient_id, [m.text for m in messages]))

    app.state.proactive = ProactiveChannels([PendingChannel(OutboxStore("sqlite://")), Telegram()])
    [alerts] = [r for r in app.routes if getattr(r, "path", "") == "/connectors/alerts"]
    alert_engine = alerts.app.state.engine  # type: ignore[attr-defined]
    assert alert_engine.notifiers["conversation"].push is True
    store = alert_engine.store
    store.upsert("al:1", "conversation", seal_address(secret.encode(), channel, "web-7"), {"age": 70}, None, "동의", "알림")
    store.record_evaluation(store.get("al:1"), "v2", "h", ["S1"], {"type": "new_eligible_services", "services": []})
    with TestClient(app) as client:
        assert client.portal.call(anyio.to_thread.run_sync, alert_engine.deliver_due) == (1, 0, 0)
        assert engine.calls == [("web-7", "alerts_new")] and engine.channels == [channel]
        got = [m["text"] for m in client.get(URL, params={"sender": "web-7"}).json()["messages"]]
        if channel == "rest":
            assert got == ["새로 받을 수 있는 혜택: 어르신 난방비 지원"] and sent == []
        else:
            assert got == [] and sent == [("web-7", ["새로 받을 수 있는 혜택: 어르신 난방비 지원"])]
        assert client.portal.call(anyio.to_thread.run_sync, alert_engine.deliver_due) == (0, 0, 0)  # told once
        assert engine.calls == [("web-7", "alerts_new")]
    assert [n.status for n in store.notifications("al:1")] == ["delivered"]


@pytest.mark.parametrize(("told_attempts", "turns"), [(0, 0), (1, 1)])
def test_served_waker_acknowledges_an_alert_the_conversation_already_told(tmp_path: Path, told_attempts: int,
                                                                         turns: int) -> None:
    """The served waker reads the conversation's ``alerts_told`` slot through the engine's ``load``: a notification
    told in a kept turn (e.g. at a greeting) with the attempts it has now is marked delivered without a new turn; one
    told at another attempt count (a delivery failed since) is told again."""
    from connectors.alerts.conversation import seal_address

    secret = "serve-secret-" + "y" * 30
    engine = AlertStandIn()
    app = create_app(Settings(home=tmp_path, tasks_applicant_secret=secret), router=object(), processor=engine)
    app.state.proactive = ProactiveChannels([PendingChannel(OutboxStore("sqlite://"))])
    [alerts] = [r for r in app.routes if getattr(r, "path", "") == "/connectors/alerts"]
    alert_engine = alerts.app.state.engine  # type: ignore[attr-defined]
    store = alert_engine.store
    store.upsert("al:2", "conversation", seal_address(secret.encode(), "rest", "web-8"), {"age": 70}, None, "동의", "알림")
    store.record_evaluation(store.get("al:2"), "v2", "h", ["S1"], {"type": "new_eligible_services", "services": []})
    [note] = store.notifications("al:2")
    assert note.attempts == 0
    engine.told["web-8"] = {str(note.id): told_attempts}
    with TestClient(app) as client:
        assert client.portal.call(anyio.to_thread.run_sync, alert_engine.deliver_due) == (1, 0, 0)
    assert engine.calls == [("web-8", "alerts_new")] * turns
    assert [n.status for n in store.notifications("al:2")] == ["delivered"]
