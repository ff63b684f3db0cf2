"""KakaoTalk skill channel: Open Builder's SkillPayload in, SkillResponse 2.0 out, through the real app."""

from __future__ import annotations

import time
from typing import Any

import pytest
from channel_helpers import KAKAO_SECRET, rest_reply
from fastapi import FastAPI
from fastapi.testclient import TestClient
from live_server import LiveServer

from assistant.channels import kakao
from assistant.dialogue.messages import BotMessage
from assistant.server.app import create_app

URL = "/webhooks/kakao/webhook"
HEADERS = {"X-Skill-Secret": KAKAO_SECRET}


def skill_request(utterance: str, user: str, *, callback_url: str | None = None, extra: dict[str, Any] | None = None,
                  lang: str = "ko") -> dict[str, Any]:
    """A SkillPayload as Open Builder sends it (fields from Kakao's "응답 타입별 JSON 포맷")."""
    user_request: dict[str, Any] = {
        "timezone": "Asia/Seoul", "params": {"ignoreMe": "true"}, "block": {"id": "blk-1", "name": "폴백 블록"},
        "utterance": utterance, "lang": lang,
        "user": {"id": user, "type": "botUserKey", "properties": {"botUserKey": user, "bot_user_key": user}},
    }
    if callback_url is not None:
        user_request["callbackUrl"] = callback_url
    return {"intent": {"id": "blk-1", "name": "폴백 블록"}, "userRequest": user_request,
            "bot": {"id": "bot-1", "name": "민원 도우미"},
            "action": {"name": "assistant", "clientExtra": extra, "params": {}, "id": "act-1", "detailParams": {}}}


def texts(response: dict[str, Any]) -> list[str]:
    return [o["simpleText"]["text"] for o in response["template"]["outputs"]]


def test_refuses_without_the_secret(client: TestClient) -> None:
    body = skill_request("안녕하세요", "k-0")
    assert client.post(URL, json=body).status_code == 401
    assert client.post(URL, json=body, headers={"X-Skill-Secret": "wrong-secret-0123456789"}).status_code == 401
    assert client.post(URL + "?secret=" + KAKAO_SECRET, json=body).status_code == 200


def test_not_registered_without_a_secret(bundled_settings: Any, bundled_router: Any) -> None:
    with TestClient(create_app(bundled_settings, router=bundled_router)) as c:
        assert c.post(URL, json=skill_request("안녕하세요", "k-x"), headers=HEADERS).status_code == 404
        assert c.post("/webhooks/telegram/webhook", json={"update_id": 1}).status_code == 404
        assert c.post("/webhooks/voice/webhook", data={"CallSid": "CA1"}).status_code == 404


def test_korean_answer_with_source_line(client: TestClient) -> None:
    question = "에너지바우처 신청 방법 알려주세요"
    ref = rest_reply(client, "ref-k1", question)
    r = client.post(URL, json=skill_request(question, "k-1"), headers=HEADERS)
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "2.0"
    outs = texts(body)
    assert 1 <= len(outs) <= kakao.MAX_OUTPUTS and all(len(t) <= kakao.MAX_TEXT for t in outs)
    joined = "\n\n".join(outs)
    cite = ref[0]["custom"]["citations"][0]
    assert ref[0]["text"].split("\n")[0] in joined
    assert f"출처: {cite['title']} {cite['url']}" in joined


def test_english_greeting_and_quick_reply_payload(client: TestClient) -> None:
    ref = rest_reply(client, "ref-k2", "Hello there")
    r = client.post(URL, json=skill_request("Hello there", "k-2", lang="en"), headers=HEADERS)
    assert texts(r.json()) == [ref[0]["text"]]
    # a tapped quick reply: the chat shows its title, the engine gets our payload from clientExtra
    tapped = client.post(URL, json=skill_request("인사하기", "k-3", extra={"payload": "/greet"}), headers=HEADERS).json()
    greet_ko = rest_reply(client, "ref-k3", "/greet")[0]["text"]
    assert texts(tapped) == [greet_ko]


def test_conversation_is_per_kakao_user(client: TestClient) -> None:
    client.post(URL, json=skill_request("안녕하세요", "k-4"), headers=HEADERS)
    tracker = client.app.state.processor.load("kakao:k-4")  # type: ignore[attr-defined]
    users = [e for e in tracker.events if type(e).__name__ == "UserUttered"]
    assert [u.text for u in users] == ["안녕하세요"]
    assert str(users[0].metadata.get("message_id", "")).startswith("kakao-")


def test_render_limits() -> None:
    long = "가" * 30 + ". " + ("나다라마바사 " * 350)  # about 2,480 characters: three bubbles
    buttons = tuple({"title": f"선택지 번호 {i} 아주 긴 제목입니다", "payload": f'/inform{{"n": {i}}}'} for i in range(12))
    out = kakao.render((BotMessage(long, buttons, {"language": "ko", "citations": []}),))
    outs = texts(out)
    assert len(outs) == 3 and all(0 < len(t) <= kakao.MAX_TEXT for t in outs)
    assert "".join(outs).replace(" ", "").replace("\n", "") == long.replace(" ", "")
    quick = out["template"]["quickReplies"]
    assert len(quick) == kakao.MAX_QUICK_REPLIES
    assert all(len(q["label"]) <= kakao.MAX_LABEL and q["action"] == "message" for q in quick)
    assert quick[0]["label"] == "선택지 번호 0 아주 긴…" and quick[0]["messageText"] == "선택지 번호 0 아주 긴 제목입니다"
    assert quick[3]["extra"] == {"payload": '/inform{"n": 3}'}
    # more than three bubbles' worth: the third is cut with "…"
    huge = kakao.render((BotMessage("문장입니다. " * 700),))
    assert len(texts(huge)) == 3 and texts(huge)[-1].endswith("…") and len(texts(huge)[-1]) <= kakao.MAX_TEXT


class SlowProcessor:
    """The engine, with each turn ``delay`` seconds slower (a slow back end)."""

    def __init__(self, inner: Any, delay: float) -> None:
        self.inner, self.delay = inner, delay

    def handle_message(self, message: Any) -> Any:
        time.sleep(self.delay)
        return self.inner.handle_message(message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_slow_turn_holds_then_calls_back(channel_settings: Any, bundled_router: Any, make_processor: Any) -> None:
    """Kakao's 5 s timeout: the skill answers with useCallback in time; the answer is POSTed to the callback URL."""
    received: list[dict[str, Any]] = []
    hook = FastAPI()

    @hook.post("/cb/{token}")
    async def cb(token: str, body: dict[str, Any]) -> dict[str, str]:
        received.append(body)
        return {"taskId": token, "status": "SUCCESS"}

    settings = channel_settings.model_copy(update={"holding_reply_after": 1.0, "kakao_callback_hosts": ["127.0.0.1"]})
    app = create_app(settings, router=bundled_router, processor=SlowProcessor(make_processor(), 4.0))
    with LiveServer(hook) as callback, TestClient(app) as c:
        t0 = time.monotonic()
        r = c.post(URL, json=skill_request("안녕하세요", "k-5", callback_url=callback.url + "/cb/t-1"), headers=HEADERS)
        took = time.monotonic() - t0
        assert r.status_code == 200 and took < 5.0
        ack = r.json()
        assert ack["useCallback"] is True and ack["data"]["text"]
        deadline = time.monotonic() + 15
        while not received and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(received) == 1
    assert received[0]["version"] == "2.0" and "안녕하세요" in received[0]["template"]["outputs"][0]["simpleText"]["text"]
    assert "pending" not in str(received[0])


def test_callback_url_host_policy() -> None:
    from assistant.channels.webhooks import callback_allowed

    assert callback_allowed("https://bot-api.kakao.com/v1/callback/abc", ["*.kakao.com"])
    assert not callback_allowed("https://kakao.com.evil.example/x", ["*.kakao.com"])
    assert not callback_allowed("http://bot-api.kakao.com/x", ["*.kakao.com"])  # plain http only to loopback
    assert not callback_allowed("https://169.254.169.254/latest", ["*.kakao.com"])
    assert callback_allowed("http://127.0.0.1:9/cb", ["127.0.0.1"])


@pytest.mark.parametrize("utterance", ["", "   "])
def test_blank_utterance_is_answered(client: TestClient, utterance: str) -> None:
    r = client.post(URL, json=skill_request(utterance, "k-6"), headers=HEADERS)
    assert r.status_code == 200  # Kakao shows any error to the citizen: the engine answers a blank message
    assert texts(r.json()) and all(t.strip() for t in texts(r.json()))


def test_bad_payload_is_422(client: TestClient) -> None:
    r = client.post(URL, json={"userRequest": {"utterance": "hi"}}, headers=HEADERS)
    assert r.status_code == 422 and "user" in r.json()["detail"]
    assert client.post(URL, content=b"{not json", headers={**HEADERS, "content-type": "application/json"}).status_code == 400

