"""The conversation HTTP API (Rasa-compatible subset), its token rules, and C07 over the REST channel."""

from __future__ import annotations

import yaml
from fastapi.testclient import TestClient

from assistant.server.app import create_app

URL = "/webhooks/rest/webhook"


def client_for(settings, router, make_processor) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(settings, router=router, processor=make_processor()))


def test_tracker_messages_trigger_story_and_resume(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    with client_for(bundled_settings, bundled_router, make_processor) as c:
        assert c.post(URL, json={"sender": "h1", "message": "안녕하세요"}).status_code == 200
        tr = c.get("/conversations/h1/tracker").json()
        assert tr["sender_id"] == "h1" and tr["latest_message"]["text"] == "안녕하세요"
        assert tr["latest_message"]["intent"]["name"] == "greet" and tr["slots"]["language"] == "ko"
        assert [e["event"] for e in tr["events"]][:2] == ["action", "session_started"]

        appended = c.post("/conversations/h1/messages", json={"text": "에너지바우처", "sender": "user"}).json()
        assert appended["events"][-1]["event"] in ("user", "slot") and appended["latest_message"]["text"] == "에너지바우처"
        assert not any(e["event"] == "bot" for e in appended["events"][-2:])  # nothing predicted

        trig = c.post("/conversations/h1/trigger_intent", json={"name": "greet"}).json()
        assert trig["messages"][0]["recipient_id"] == "h1" and trig["messages"][0]["custom"]["response"] == "utter_greet"
        assert trig["tracker"]["latest_message"]["intent"] == {"name": "greet", "confidence": 1.0}
        assert c.post("/conversations/h1/trigger_intent", json={"name": "no_such_intent"}).status_code == 400

        story = yaml.safe_load(c.get("/conversations/h1/story").text)
        steps = story["stories"][0]["steps"]
        assert {"intent": "greet"} in steps and {"action": "utter_greet"} in steps
        assert steps.index({"intent": "greet"}) < steps.index({"action": "utter_greet"})

        c.post(URL, json={"sender": "h1", "message": "상담원 연결해 주세요"})
        assert c.get("/conversations/h1/tracker").json()["paused"] is True
        waiting = c.post(URL, json={"sender": "h1", "message": "여보세요?"}).json()  # answered once (s9) ...
        assert [m["custom"]["response"] for m in waiting] == ["utter_handoff_waiting"]
        still = c.post(URL, json={"sender": "h1", "message": "여보세요??"}).json()  # ... and again while nobody picked up (s10 #5)
        assert [m["custom"]["response"] for m in still] == ["utter_handoff_still_waiting"]
        assert [set(m) >= {"recipient_id", "text", "buttons"} for m in still] == [True]  # Rasa's REST shape
        assert [b["payload"] for b in still[0]["buttons"]] == ["/end_handoff"]
        assert c.post("/conversations/h1/resume").json()["paused"] is False
        assert c.post(URL, json={"sender": "h1", "message": "안녕하세요"}).json()[0]["custom"]["response"] == "utter_greet"

        unknown = c.get("/conversations/nobody/tracker").json()
        assert unknown["events"] == [] and unknown["latest_message"]["text"] is None
        assert c.get("/conversations/h1/tracker?include_events=SOME").status_code == 422


def test_c07_over_rest_same_message_id_same_reply(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    with client_for(bundled_settings, bundled_router, make_processor) as c:
        body = {"sender": "r1", "message": "연탄 쿠폰 받을 수 있나요", "message_id": "m-0002"}
        a = c.post(URL, json=body).json()
        b = c.post(URL, json=body).json()
        assert a == b and a[0]["custom"]["citations"]
        via_metadata = c.post(URL, json={"sender": "r1", "message": "연탄 쿠폰 받을 수 있나요", "metadata": {"message_id": "m-0002"}}).json()
        assert via_metadata == a
        users = [e for e in c.get("/conversations/r1/tracker").json()["events"] if e["event"] == "user"]
        assert len(users) == 1 and users[0]["message_id"] == "m-0002"


def test_admin_endpoints_need_a_token_when_not_on_loopback(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    public = bundled_settings.model_copy(update={"host": "0.0.0.0"})
    with TestClient(create_app(public, router=bundled_router, processor=make_processor())) as c:
        r = c.get("/conversations/a/tracker")
        assert r.status_code == 403 and "ASSISTANT_API_TOKEN" in r.json()["detail"]
        assert c.post(URL, json={"sender": "a", "message": "안녕하세요"}).status_code == 200  # the channel stays open
    secured = bundled_settings.model_copy(update={"host": "0.0.0.0", "api_token": "s3cret"})
    with TestClient(create_app(secured, router=bundled_router, processor=make_processor())) as c:
        assert c.get("/conversations/a/tracker").status_code == 401
        assert c.get("/conversations/a/tracker", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert c.get("/conversations/a/tracker", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/conversations/a/tracker?token=s3cret").status_code == 200
        assert c.post("/conversations/a/resume", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    # a token is required on loopback too once one is configured
    local = bundled_settings.model_copy(update={"api_token": "s3cret"})
    with TestClient(create_app(local, router=bundled_router, processor=make_processor())) as c:
        assert c.get("/conversations/a/story").status_code == 401
