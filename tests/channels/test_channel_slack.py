"""Slack channel: signed Events API and interactivity requests through the real app, replies posted to a real local
fake of the Web API (chat.postMessage), compared with the REST channel's answer to the same input."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from channel_helpers import rest_reply
from fake_platform import FakePlatform
from fastapi.testclient import TestClient

from assistant.channels import slack
from assistant.channels.proactive import masked_id
from assistant.dialogue.messages import BotMessage
from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.server.app import create_app

URL = "/webhooks/slack/webhook"
SECRET = "slack-signing-secret-0123456789abcdef"
TOKEN = "xoxb-123-456-abcdef"
TEAM, BOT = "T0TEAM", "U0BOT"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePlatform]:
    with FakePlatform() as f:
        yield f


@pytest.fixture(scope="module")
def slack_client(channel_settings: Any, bundled_router: Any, fake: FakePlatform) -> Iterator[TestClient]:
    """The real app with Slack configured against the fake Web API (turns wait for their answer: no holding reply)."""
    settings = channel_settings.model_copy(update={"slack_signing_secret": SECRET, "slack_bot_token": TOKEN,
                                                   "slack_api_url": fake.url + "/api", "holding_reply_after": 0.0,
                                                   "connector_retries": 2})
    with TestClient(create_app(settings, router=bundled_router)) as c:
        yield c


def signed(body: bytes, ts: int | None = None, secret: str = SECRET, **headers: str) -> dict[str, str]:
    """Headers Slack sends with ``body``: a fresh timestamp and its v0 signature."""
    stamp = str(int(time.time()) if ts is None else ts)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": slack.signature(secret, stamp, body), **headers}


def event(kind: str, channel: str, user: str, text: str, ts: str, **extra: Any) -> bytes:
    """An ``event_callback`` as the Events API sends it."""
    inner = {"type": kind, "user": user, "text": text, "ts": ts, "channel": channel, "event_ts": ts, **extra}
    if kind == "message":
        inner.setdefault("channel_type", "im")
    return json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0APP", "type": "event_callback",
                       "event_id": f"Ev{ts.replace('.', '')}", "event_time": int(float(ts)), "event": inner,
                       "authorizations": [{"team_id": TEAM, "user_id": BOT, "is_bot": True}]},
                      ensure_ascii=False).encode("utf-8")


def post_event(client: TestClient, body: bytes, **headers: str) -> None:
    r = client.post(URL, content=body, headers={"Content-Type": "application/json", **signed(body, **headers)})
    assert r.status_code == 200 and r.content == b"", r.text


def posted_to(fake: FakePlatform, channel: str, n: int = 1) -> list[dict[str, Any]]:
    """The chat.postMessage bodies for ``channel`` once there are ``n`` of them."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [b for p, _a, b in fake.matching(lambda p, b: b.get("channel") == channel)]
        if len(found) >= n:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{n} messages for {channel} not posted in time")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def section_text(body: dict[str, Any]) -> str:
    return "\n\n".join(unescape(b["text"]["text"]) for b in body["blocks"] if b["type"] == "section")


def test_signature_matches_slacks_documented_example() -> None:
    # api.slack.com "Verifying requests from Slack": the worked example's secret, timestamp, body and signature
    body = (b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
            b"channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
            b"response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
            b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert slack.signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body) == expected
    assert slack.valid_signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", expected, body, now=1531420618 + 299)
    assert not slack.valid_signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", expected, body, now=1531420618 + 301)
    assert not slack.valid_signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", expected, body + b"x", now=1531420618)


def test_unsigned_stale_or_forged_requests_are_refused(slack_client: TestClient) -> None:
    body = event("message", "D0REF", "U0A", "안녕하세요", "1700000000.000100")
    assert slack_client.post(URL, content=body).status_code == 401
    assert slack_client.post(URL, content=body, headers=signed(body, secret="another-secret")).status_code == 401
    assert slack_client.post(URL, content=body, headers=signed(body, ts=int(time.time()) - 400)).status_code == 401
    stamp = str(int(time.time()))
    forged = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": slack.signature(SECRET, stamp, body)}
    assert slack_client.post(URL, content=body + b" ", headers=forged).status_code == 401


def test_url_verification_answers_the_challenge(slack_client: TestClient) -> None:
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    r = slack_client.post(URL, content=body, headers={"Content-Type": "application/json", **signed(body)})
    assert r.status_code == 200 and r.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_korean_direct_message_is_answered_through_chat_post_message(slack_client: TestClient, fake: FakePlatform) -> None:
    question = "에너지바우처 신청 방법 알려주세요"
    ref = rest_reply(slack_client, "ref-s1", question)
    post_event(slack_client, event("message", "D0KO", "U0KIM", question, "1700000001.000100"))
    body = posted_to(fake, "D0KO")[0]
    auth = fake.matching(lambda p, b: b.get("channel") == "D0KO")[0][1]
    assert auth == f"Bearer {TOKEN}"
    assert section_text(body) == "\n\n".join(m["text"] for m in ref if m.get("text"))
    cite = ref[0]["custom"]["citations"][0]
    context = [b for b in body["blocks"] if b["type"] == "context"][0]["elements"]
    assert context[0]["text"] == "출처:" and context[1]["text"] == f"<{cite['url']}|{cite['title']}>"
    assert body["text"].startswith(ref[0]["text"][:100]) and "thread_ts" not in body


def test_buttons_and_a_click_is_the_next_message(slack_client: TestClient, fake: FakePlatform) -> None:
    ask = "청년 월세 지원"
    ref = rest_reply(slack_client, "ref-s2", ask)[0]
    assert ref["buttons"], "the reference answer has buttons"
    post_event(slack_client, event("message", "D0BTN", "U0LEE", ask, "1700000002.000100"))
    body = posted_to(fake, "D0BTN")[0]
    elements = [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(e["text"]["text"], e["value"]) for e in elements] == [(b["title"], b["payload"]) for b in ref["buttons"]]
    assert len({e["action_id"] for e in elements}) == len(elements)
    click = {"type": "block_actions", "team": {"id": TEAM, "domain": "t"}, "user": {"id": "U0LEE", "team_id": TEAM},
             "api_app_id": "A0APP", "token": "legacy", "trigger_id": "1.2.3", "channel": {"id": "D0BTN", "name": "dm"},
             "container": {"type": "message", "channel_id": "D0BTN", "message_ts": "1700000002.000200"},
             "response_url": "https://hooks.slack.com/actions/T0TEAM/1/x",
             "actions": [{**elements[1], "block_id": "b1", "action_ts": "1700000003.000300"}]}
    form = urlencode({"payload": json.dumps(click, ensure_ascii=False)}).encode()
    r = slack_client.post(URL, content=form, headers={"Content-Type": "application/x-www-form-urlencoded", **signed(form)})
    assert r.status_code == 200
    answer = posted_to(fake, "D0BTN", 2)[1]
    expected = rest_reply(slack_client, "ref-s2", ref["buttons"][1]["payload"])[0]["text"]
    assert section_text(answer).startswith(expected)


def test_english_mention_redelivered_is_one_turn_in_its_thread(slack_client: TestClient, fake: FakePlatform) -> None:
    ref = rest_reply(slack_client, "ref-s3", "Hello there")[0]["text"]
    body = event("app_mention", "C0GEN", "U0PARK", f"<@{BOT}> Hello there", "1700000004.000100")
    post_event(slack_client, body)
    post_event(slack_client, body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    # the same message also comes as a message event when the app reads the channel: still one turn
    post_event(slack_client, event("message", "C0GEN", "U0PARK", f"<@{BOT}> Hello there", "1700000004.000100",
                                   channel_type="channel"))
    first = posted_to(fake, "C0GEN")[0]
    assert section_text(first) == ref and first["thread_ts"] == "1700000004.000100"
    time.sleep(1.0)
    assert len(posted_to(fake, "C0GEN")) == 1
    tracker = slack_client.app.state.processor.load(slack.conversation_id(TEAM, "C0GEN", "U0PARK"))  # type: ignore[attr-defined]
    assert [e.text for e in tracker.events if type(e).__name__ == "UserUttered"] == ["Hello there"]


def test_bot_own_edited_and_other_events_are_acknowledged_and_ignored(slack_client: TestClient, fake: FakePlatform) -> None:
    bodies = [event("message", "D0IGN", BOT, "내 메시지", "1700000005.000100"),
              event("message", "D0IGN", "U0X", "봇", "1700000005.000200", bot_id="B0OTHER"),
              event("message", "D0IGN", "U0X", "수정", "1700000005.000300", subtype="message_changed"),
              event("reaction_added", "D0IGN", "U0X", "", "1700000005.000400"),
              event("message", "D0IGN", "U0X", f"<@{BOT}>", "1700000005.000500")]
    for body in bodies:
        post_event(slack_client, body)
    post_event(slack_client, event("message", "D0IGN", "U0X", "안녕하세요", "1700000005.000600"))
    assert len(posted_to(fake, "D0IGN")) == 1  # only the last one was answered
    body = b'{"type": "event_callback", "event": {"user": "U1"}}'
    r = slack_client.post(URL, content=body, headers={"Content-Type": "application/json", **signed(body)})
    assert r.status_code == 422 and "event.type" in r.json()["detail"]


def test_proactive_messages_are_posted_and_kept_when_slack_is_down(slack_client: TestClient, fake: FakePlatform,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    channels = slack_client.app.state.proactive_channels()  # type: ignore[attr-defined]
    sid = slack.conversation_id(TEAM, "D0PUSH", "U0CHOI")
    channels.send("slack", sid, [BotMessage("새로운 혜택이 있어요: 에너지바우처", ({"title": "자세히", "payload": "/affirm"},))])
    body = posted_to(fake, "D0PUSH")[0]
    assert section_text(body) == "새로운 혜택이 있어요: 에너지바우처"
    assert [b for b in body["blocks"] if b["type"] == "actions"][0]["elements"][0]["value"] == "/affirm"
    fake.fail = True
    try:
        channels.send("slack", sid, [BotMessage("두 번째 알림")])
    finally:
        fake.fail = False
    kept = channels.get("rest").outbox.fetch(sid).messages
    assert [m["text"] for m in kept] == ["두 번째 알림"]
    # registered as a PushChannel (assistant/server/app.py): kept in the outbox, logged with the id masked
    failed = [r for r in caplog.records if r.getMessage().startswith("slack push failed (ConnectorUnavailable)")]
    assert len(failed) == 1 and getattr(failed[0], "conversation_id", None) == masked_id(sid)
    channels.send("slack", "telegram:501", [BotMessage("x")])  # not a Slack conversation: never posted, kept, logged
    assert [m["text"] for m in channels.get("rest").outbox.fetch("telegram:501").messages] == ["x"]
    assert [r for r in caplog.records if r.getMessage().startswith("slack push failed (InvalidInputError)")]


def test_render_limits_and_escaping() -> None:
    buttons = tuple({"title": f"선택지 {i} " + "가" * 80, "payload": "/inform" + "x" * 2100 if i == 0 else f"/p{i}"}
                    for i in range(30))
    out = slack.render("D1", (BotMessage("A & B <b>" + " 다" * 3000, buttons, {"citations": [], "language": "ko"}),))
    assert out is not None
    sections = [b for b in out["blocks"] if b["type"] == "section"]
    assert len(sections) == 3 and all(len(s["text"]["text"]) <= slack.MAX_SECTION for s in sections)
    assert sections[0]["text"]["text"].startswith("A &amp; B &lt;b&gt;")
    actions = [b for b in out["blocks"] if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    first = actions[0]["elements"][0]
    assert len(first["text"]["text"]) == slack.MAX_BUTTON_TEXT and first["text"]["text"].endswith("…")
    assert first["value"] == ("선택지 0 " + "가" * 80)  # a payload over Slack's 2,000 characters: the title instead
    assert slack.render("D1", (BotMessage(""),)) is None


def test_plain_text_and_conversation_ids() -> None:
    assert slack.plain_text("<@U0BOT> 청년 &amp; 월세 <https://www.gov.kr/x|정부24> 알려줘") == "청년 & 월세 정부24 알려줘"
    assert slack.parse_conversation_id("slack:T1:D2:U3") == ("T1", "D2", "U3")
    with pytest.raises(InvalidInputError):
        slack.parse_conversation_id("slack:T1:D2")


def test_half_configured_slack_is_a_configuration_error(channel_settings: Any, bundled_router: Any) -> None:
    with pytest.raises(InvalidConfigError, match="ASSISTANT_SLACK_BOT_TOKEN"):
        create_app(channel_settings.model_copy(update={"slack_signing_secret": SECRET}), router=bundled_router)
