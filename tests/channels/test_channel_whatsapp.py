"""WhatsApp channel: signed Cloud API notifications through the real app, replies sent to a real local fake of the
Graph API (POST /<phone-number-id>/messages), compared with the REST channel's answer to the same input; the
citizen's number never in a conversation id or a log line."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channel_helpers import rest_reply
from fake_platform import FakePlatform
from fastapi.testclient import TestClient

from assistant.channels import whatsapp
from assistant.channels.proactive import masked_id
from assistant.dialogue.messages import BotMessage
from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.server.app import create_app

URL = "/webhooks/whatsapp/webhook"
APP_SECRET = "whatsapp-app-secret-0123456789"
VERIFY = "verify-token-abc"
ACCESS = "EAAG-access-token"
NUMBER_ID = "106540352242922"
ID_KEY = "whatsapp-id-key-for-tests-0123456789"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePlatform]:
    with FakePlatform() as f:
        yield f


@pytest.fixture(scope="module")
def wa_client(channel_settings: Any, bundled_router: Any, fake: FakePlatform) -> Iterator[TestClient]:
    """The real app with WhatsApp configured against the fake Graph API (turns wait for their answer)."""
    settings = channel_settings.model_copy(update={
        "whatsapp_app_secret": APP_SECRET, "whatsapp_verify_token": VERIFY, "whatsapp_access_token": ACCESS,
        "whatsapp_phone_number_id": NUMBER_ID, "whatsapp_api_url": fake.url + "/v21.0", "whatsapp_id_key": ID_KEY,
        "holding_reply_after": 0.0, "connector_retries": 2})
    with TestClient(create_app(settings, router=bundled_router)) as c:
        yield c


def cipher() -> whatsapp.PhoneCipher:
    return whatsapp.PhoneCipher(whatsapp.conversation_key(ID_KEY.encode()))


def notification(wa_id: str, wamid: str, message: dict[str, Any]) -> bytes:
    """A ``messages`` notification as the Cloud API sends it."""
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER_ID},
            "contacts": [{"profile": {"name": "김민수"}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "id": wamid, "timestamp": "1764496800", **message}]}}]}]},
        ensure_ascii=False).encode("utf-8")


def text(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body}}


def post(client: TestClient, raw: bytes) -> None:
    r = client.post(URL, content=raw, headers={"Content-Type": "application/json",
                                               "X-Hub-Signature-256": whatsapp.signature(APP_SECRET, raw)})
    assert r.status_code == 200, r.text


def sent_to(fake: FakePlatform, wa_id: str, n: int = 1) -> list[dict[str, Any]]:
    """The message bodies sent to ``wa_id`` once there are ``n``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [b for _p, _a, b in fake.matching(lambda p, b: b.get("to") == wa_id)]
        if len(found) >= n:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{n} messages to the test number not sent in time")


def body_text(body: dict[str, Any]) -> str:
    return str(body["text"]["body"] if body["type"] == "text" else body["interactive"]["body"]["text"])


def test_verification_handshake(wa_client: TestClient) -> None:
    q = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    r = wa_client.get(URL, params=q)
    assert r.status_code == 200 and r.text == "1158201444"
    assert wa_client.get(URL, params={**q, "hub.verify_token": "wrong"}).status_code == 403
    assert wa_client.get(URL, params={**q, "hub.mode": "unsubscribe"}).status_code == 403


def test_signature_is_required(wa_client: TestClient) -> None:
    raw = notification("821011112222", "wamid.sig", text("안녕하세요"))
    assert wa_client.post(URL, content=raw).status_code == 403
    bad = whatsapp.signature("another-secret", raw)
    assert wa_client.post(URL, content=raw, headers={"X-Hub-Signature-256": bad}).status_code == 403
    good = whatsapp.signature(APP_SECRET, raw)
    assert wa_client.post(URL, content=raw + b" ", headers={"X-Hub-Signature-256": good}).status_code == 403


def test_korean_question_answered_and_the_number_stays_out_of_ids_and_logs(
        wa_client: TestClient, fake: FakePlatform, caplog: pytest.LogCaptureFixture) -> None:
    wa_id, question = "821012345678", "에너지바우처 신청 방법 알려주세요"
    ref = rest_reply(wa_client, "ref-w1", question)[0]
    with caplog.at_level(logging.DEBUG):
        post(wa_client, notification(wa_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRThBN0QyMzRGRAA=",
                                     text(question)))
        body = sent_to(fake, wa_id)[0]
    path, auth, _ = fake.matching(lambda p, b: b.get("to") == wa_id)[0]
    assert path == f"/v21.0/{NUMBER_ID}/messages" and auth == f"Bearer {ACCESS}"
    assert body["messaging_product"] == "whatsapp" and body["type"] == "text"
    cite = ref["custom"]["citations"][0]
    assert body_text(body).startswith(ref["text"] + "\n\n출처: " + f"{cite['title']} {cite['url']}")
    sid = cipher().conversation_id(wa_id)
    assert wa_id not in sid and cipher().wa_id(sid) == wa_id
    tracker = wa_client.app.state.processor.load(sid)  # type: ignore[attr-defined]
    assert [e.text for e in tracker.events if type(e).__name__ == "UserUttered"] == [question]
    assert wa_id not in json.dumps([e.to_json() if hasattr(e, "to_json") else str(e) for e in tracker.events],
                                   ensure_ascii=False, default=str)
    lines = [r.getMessage() + " " + json.dumps(r.__dict__, ensure_ascii=False, default=str) for r in caplog.records]
    assert any(sid in line for line in lines)  # the turn was logged, under its conversation id ...
    assert not any(wa_id in line or "12345678" in line for line in lines)  # ... never with the number


def test_buttons_and_a_tap_is_the_next_message(wa_client: TestClient, fake: FakePlatform) -> None:
    wa_id, ask = "821022223333", "청년 월세 지원"
    ref = rest_reply(wa_client, "ref-w2", ask)[0]
    assert ref["buttons"], "the reference answer has buttons"
    post(wa_client, notification(wa_id, "wamid.btn1", text(ask)))
    bodies = sent_to(fake, wa_id)
    titles = [b["title"] for b in ref["buttons"]]
    if len(titles) <= whatsapp.MAX_BUTTONS and all(len(t) <= whatsapp.MAX_TITLE for t in titles):
        last = bodies[-1]
        replies = [b["reply"] for b in last["interactive"]["action"]["buttons"]]
        assert [(r["title"], r["id"]) for r in replies] == [(b["title"], b["payload"]) for b in ref["buttons"]]
        tap = {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": replies[1]}}
    else:
        listed = "\n".join(f"{i}. {t}" for i, t in enumerate(titles, 1))
        assert listed in body_text(bodies[-1])
        tap = text("2")
    post(wa_client, notification(wa_id, "wamid.btn2", tap))
    answer = sent_to(fake, wa_id, len(bodies) + 1)[len(bodies)]
    expected = rest_reply(wa_client, "ref-w2", ref["buttons"][1]["payload"])[0]["text"]
    assert body_text(answer).startswith(expected)


def test_english_and_a_redelivered_message_is_one_turn(wa_client: TestClient, fake: FakePlatform) -> None:
    wa_id = "14155550123"
    ref = rest_reply(wa_client, "ref-w3", "Hello there")[0]["text"]
    raw = notification(wa_id, "wamid.en1", text("Hello there"))
    post(wa_client, raw)
    post(wa_client, raw)
    assert body_text(sent_to(fake, wa_id)[0]) == ref
    time.sleep(1.0)
    assert len(sent_to(fake, wa_id)) == 1
    tracker = wa_client.app.state.processor.load(cipher().conversation_id(wa_id))  # type: ignore[attr-defined]
    assert [e.text for e in tracker.events if type(e).__name__ == "UserUttered"] == ["Hello there"]


def test_statuses_and_other_types_are_acknowledged(wa_client: TestClient, fake: FakePlatform) -> None:
    wa_id = "821033334444"
    statuses = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": NUMBER_ID},
                                       "statuses": [{"id": "wamid.x", "status": "read", "recipient_id": wa_id}]}}]}]})
    post(wa_client, statuses.encode())
    post(wa_client, notification(wa_id, "wamid.img", {"type": "image", "image": {"id": "1", "mime_type": "image/jpeg"}}))
    time.sleep(0.5)
    assert fake.matching(lambda p, b: b.get("to") == wa_id) == []
    raw = b'{"entry": []}'
    r = wa_client.post(URL, content=raw, headers={"X-Hub-Signature-256": whatsapp.signature(APP_SECRET, raw)})
    assert r.status_code == 422 and "object" in r.json()["detail"]


def test_numbered_options_of_a_proactive_message_and_the_platform_down(wa_client: TestClient, fake: FakePlatform,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    wa_id = "821044445555"
    sid = cipher().conversation_id(wa_id)
    channels = wa_client.app.state.proactive_channels()  # type: ignore[attr-defined]
    buttons = tuple({"title": f"선택 {i}", "payload": p} for i, p in enumerate(["/deny", "/greet", "/thank", "/goodbye"], 1))
    channels.send("whatsapp", sid, [BotMessage("새로운 혜택이 있어요.", buttons)])
    alert = sent_to(fake, wa_id)[0]
    assert body_text(alert) == "새로운 혜택이 있어요.\n\n1. 선택 1\n2. 선택 2\n3. 선택 3\n4. 선택 4\n번호로 답해 주세요."
    pick = notification(wa_id, "wamid.pick", text("2"))
    post(wa_client, pick)
    expected = rest_reply(wa_client, "ref-w4", "/greet")[0]["text"]
    assert body_text(sent_to(fake, wa_id, 2)[1]) == expected
    post(wa_client, pick)  # redelivered: acknowledged, no second reply
    time.sleep(0.5)
    assert len(sent_to(fake, wa_id)) == 2
    fake.fail = True
    try:
        channels.send("whatsapp", sid, [BotMessage("두 번째 알림")])
    finally:
        fake.fail = False
    assert [m["text"] for m in channels.get("rest").outbox.fetch(sid).messages] == ["두 번째 알림"]
    # registered as a PushChannel (assistant/server/app.py): kept in the outbox, logged with the id masked
    failed = [r for r in caplog.records if r.getMessage().startswith("whatsapp push failed (ConnectorUnavailable)")]
    assert len(failed) == 1 and getattr(failed[0], "conversation_id", None) == masked_id(sid)
    assert not any(wa_id in r.getMessage() or wa_id in str(r.__dict__) for r in caplog.records)
    forged = "whatsapp:" + sid.split(":")[1][:-2] + "AA"  # not an id this server made: never sent, kept and logged
    channels.send("whatsapp", forged, [BotMessage("x")])
    assert [m["text"] for m in channels.get("rest").outbox.fetch(forged).messages] == ["x"]
    assert [r for r in caplog.records if r.getMessage().startswith("whatsapp push failed (InvalidInputError)")]
    assert len(sent_to(fake, wa_id)) == 2


def test_render_buttons_text_limits() -> None:
    three = (BotMessage("어느 쪽인가요?", ({"title": "남성", "payload": '/inform{"sex": "male"}'},
                                          {"title": "여성", "payload": '/inform{"sex": "female"}'})),)
    bodies, options = whatsapp.render("8210", three)
    assert options == [] and len(bodies) == 1 and bodies[0]["interactive"]["body"]["text"] == "어느 쪽인가요?"
    assert [b["reply"]["id"] for b in bodies[0]["interactive"]["action"]["buttons"]] == \
        ['/inform{"sex": "male"}', '/inform{"sex": "female"}']
    long_title = (BotMessage("지역을 고르세요", ({"title": "서울특별시 종로구 청운효자동 주민센터 방문 예약", "payload": "/a"},)),)
    bodies, options = whatsapp.render("8210", long_title)
    assert bodies[0]["type"] == "text" and options == ["/a"] and "1. 서울특별시 종로구 청운효자동 주민센터 방문 예약" in bodies[0]["text"]["body"]
    long_text = (BotMessage("가. " * 3000, ({"title": "예", "payload": "/affirm"},)),)
    bodies, _ = whatsapp.render("8210", long_text)
    assert [b["type"] for b in bodies] == ["text", "text", "interactive"]
    assert all(len(b["text"]["body"]) <= whatsapp.MAX_TEXT for b in bodies[:2])
    assert len(bodies[2]["interactive"]["body"]["text"]) <= whatsapp.MAX_BODY
    assert "".join(b["text"]["body"] for b in bodies[:2]).replace(" ", "") + \
        bodies[2]["interactive"]["body"]["text"].replace(" ", "") == ("가." * 3000)
    assert whatsapp.render("8210", (BotMessage(""),)) == ([], [])


def test_conversation_ids_are_keyed_and_stable() -> None:
    a, b = cipher(), whatsapp.PhoneCipher(whatsapp.conversation_key(b"another deployment"))
    assert a.conversation_id("821012345678") == a.conversation_id("821012345678")
    assert a.conversation_id("821012345678") != b.conversation_id("821012345678")
    assert a.conversation_id("821012345678") != a.conversation_id("821012345679")
    with pytest.raises(InvalidInputError):
        b.wa_id(a.conversation_id("821012345678"))
    with pytest.raises(InvalidConfigError):
        whatsapp.PhoneCipher(b"short")


def test_option_memory() -> None:
    memory = whatsapp.OptionMemory(size=1)
    for answer, payload in ((" 2. ", "/y"), ("2번", "/y"), ("1)", "/x"), ("3", None), ("네", None)):
        memory.remember("a", ["/x", "/y"])
        assert memory.take("a", answer) == payload
        assert memory.take("a", "1") is None  # the list answered only that message
    memory.remember("a", ["/x"])
    memory.remember("b", ["/z"])  # size 1: a's list is dropped
    assert memory.take("a", "1") is None and memory.take("b", "1") == "/z"


def test_partly_configured_whatsapp_is_a_configuration_error(channel_settings: Any, bundled_router: Any) -> None:
    with pytest.raises(InvalidConfigError, match="ASSISTANT_WHATSAPP_PHONE_NUMBER_ID"):
        create_app(channel_settings.model_copy(update={"whatsapp_app_secret": APP_SECRET, "whatsapp_verify_token": VERIFY,
                                                       "whatsapp_access_token": ACCESS}), router=bundled_router)
