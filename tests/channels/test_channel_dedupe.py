"""A platform's redelivery reaching another worker (or the same one after a restart) gets no second reply: two real
app instances on one SQLite file (the shared channel state), each given the same Slack event or WhatsApp notification,
send one reply to the real local sandbox of the platform's API. The engine is the stand-in of ``test_channel_push``
(shared by both instances, as their tracker store would be)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_platform import FakePlatform
from fastapi.testclient import TestClient
from test_channel_push import Engine

from assistant.channels import slack, whatsapp
from assistant.server.app import create_app
from assistant.settings import Settings

SLACK_SECRET = "slack-signing-secret-0123456789abcdef"
WA_SECRET = "whatsapp-app-secret-0123456789"
NUMBER_ID = "106540352242922"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePlatform]:
    with FakePlatform() as f:
        yield f


def settings(home: Path, fake: FakePlatform, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "home": home, "tasks_applicant_secret": "dedupe-deployment-secret-" + "d" * 24, "mydata_sweep_interval": 0,
        "slack_signing_secret": SLACK_SECRET, "slack_bot_token": "xoxb-123-456-abcdef",
        "slack_api_url": fake.url + "/api", "whatsapp_app_secret": WA_SECRET, "whatsapp_verify_token": "verify-abc",
        "whatsapp_access_token": "EAAG-token", "whatsapp_phone_number_id": NUMBER_ID,
        "whatsapp_api_url": fake.url + "/v21.0", "whatsapp_id_key": "whatsapp-id-key-for-tests-0123456789",
        "connector_retries": 1, "connector_timeout": 2.0}
    values.update(extra)
    return Settings(**values)


def slack_event(channel: str, text: str, ts: str) -> bytes:
    return json.dumps({"token": "legacy", "team_id": "T0TEAM", "api_app_id": "A0APP", "type": "event_callback",
                       "event_id": f"Ev{ts.replace('.', '')}", "event_time": int(float(ts)),
                       "event": {"type": "message", "channel_type": "im", "user": "U0KIM", "text": text, "ts": ts,
                                 "channel": channel, "event_ts": ts},
                       "authorizations": [{"team_id": "T0TEAM", "user_id": "U0BOT", "is_bot": True}]},
                      ensure_ascii=False).encode("utf-8")


def post_slack(client: TestClient, body: bytes, retry: str | None = None) -> None:
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": slack.signature(SLACK_SECRET, stamp, body)}
    if retry:
        headers |= {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
    r = client.post("/webhooks/slack/webhook", content=body, headers=headers)
    assert r.status_code == 200, r.text


def post_whatsapp(client: TestClient, wa_id: str, wamid: str, text: str) -> None:
    raw = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": NUMBER_ID},
                                       "messages": [{"from": wa_id, "id": wamid, "timestamp": str(int(time.time())),
                                                     "type": "text", "text": {"body": text}}]}}]}]},
                     ensure_ascii=False).encode("utf-8")
    r = client.post("/webhooks/whatsapp/webhook", content=raw,
                    headers={"Content-Type": "application/json", "X-Hub-Signature-256": whatsapp.signature(WA_SECRET, raw)})
    assert r.status_code == 200, r.text


def settle(fake: FakePlatform, predicate: Any, n: int, within: float = 20.0) -> list[Any]:
    """The matching requests once there are ``n`` (at most ``within`` s), after a further second that a second reply
    would have used."""
    deadline = time.monotonic() + within
    while len(fake.matching(predicate)) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    return fake.matching(predicate)


def test_slack_event_delivered_to_two_workers_is_answered_once(tmp_path: Path, fake: FakePlatform) -> None:
    engine = Engine()
    body = slack_event("D0TWO", "안녕하세요", "1700000100.000100")
    with TestClient(create_app(settings(tmp_path, fake), router=object(), processor=engine)) as first, \
            TestClient(create_app(settings(tmp_path, fake), router=object(), processor=engine)) as second:
        post_slack(first, body)
        post_slack(second, body, retry="1")  # Slack's retry, routed to the other worker
        posted = settle(fake, lambda p, b: b.get("channel") == "D0TWO", 1)
    assert [b["text"] for _p, _a, b in posted] == ["답: 안녕하세요"]
    assert engine.handled == ["안녕하세요"]


def test_slack_redelivery_after_a_restart_is_answered_once(tmp_path: Path, fake: FakePlatform) -> None:
    engine = Engine()
    body = slack_event("D0RST", "청년 월세", "1700000200.000100")
    with TestClient(create_app(settings(tmp_path, fake), router=object(), processor=engine)) as before:
        post_slack(before, body)
        settle(fake, lambda p, b: b.get("channel") == "D0RST", 1)
    with TestClient(create_app(settings(tmp_path, fake), router=object(), processor=engine)) as after:
        post_slack(after, body, retry="2")
        posted = settle(fake, lambda p, b: b.get("channel") == "D0RST", 2, within=2.0)
    assert len(posted) == 1


def test_whatsapp_notification_delivered_to_two_workers_is_answered_once(tmp_path: Path, fake: FakePlatform) -> None:
    engine = Engine()
    wa_id = "821066660001"
    with TestClient(create_app(settings(tmp_path, fake), router=object(), processor=engine)) as first, \
            TestClient(create_app(settings(tmp_path, fake), router=object(), processor=engine)) as second:
        post_whatsapp(first, wa_id, "wamid.TWO1", "에너지바우처")
        post_whatsapp(second, wa_id, "wamid.TWO1", "에너지바우처")
        post_whatsapp(second, wa_id, "wamid.TWO2", "고마워요")  # a new message is still answered
        sent = settle(fake, lambda p, b: b.get("to") == wa_id, 2)
    assert sorted(b["text"]["body"] for _p, _a, b in sent) == ["답: 고마워요", "답: 에너지바우처"]


def test_without_the_shared_store_the_cache_still_dedupes_in_process() -> None:
    from assistant.channels.webhooks import RecentIds
    from assistant.errors import StoreUnavailableError

    class Down:
        calls = 0

        def first_seen(self, key: str) -> bool:
            Down.calls += 1
            raise StoreUnavailableError("channel state store is unavailable")

    seen = RecentIds(shared=lambda: Down())
    assert seen.add("wa-x") is True and seen.add("wa-x") is False
    assert Down.calls == 1  # the in-process front answered the second without asking the store
