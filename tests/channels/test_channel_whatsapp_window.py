"""WhatsApp's 24-hour customer service window through the real app and a real local sandbox of the Graph API
(``fake_platform``: a number in ``closed`` has free-form messages refused with Meta's code 131047): a proactive
message inside the window goes free-form; outside it (known from the stored time of the citizen's last message, or
from Meta's refusal) the approved template goes out instead, once, and the message itself waits for the citizen's
reply. The engine is the stand-in of ``test_channel_push`` (no trained model: these tests are about delivery)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_platform import FakePlatform
from fastapi.testclient import TestClient
from test_channel_push import Engine

from assistant.channels import whatsapp
from assistant.dialogue.messages import BotMessage
from assistant.server.app import create_app
from assistant.settings import Settings

URL = "/webhooks/whatsapp/webhook"
APP_SECRET = "whatsapp-app-secret-0123456789"
NUMBER_ID = "106540352242922"
ID_KEY = "whatsapp-id-key-for-tests-0123456789"
TEMPLATE = "assistant_new_notice"
DAY = 24 * 3600


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    """A fresh sandbox (its own port) per test: a request of an earlier test that its client gave up on (a connector
    timeout on a loaded machine) reaches the earlier test's sandbox, never this test's records."""
    with FakePlatform() as f:
        yield f


def settings(home: Path, fake: FakePlatform, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "home": home, "tasks_applicant_secret": "window-deployment-secret-" + "w" * 24, "mydata_sweep_interval": 0,
        "whatsapp_app_secret": APP_SECRET, "whatsapp_verify_token": "verify-token-abc",
        "whatsapp_access_token": "EAAG-access-token", "whatsapp_phone_number_id": NUMBER_ID,
        "whatsapp_api_url": fake.url + "/v21.0", "whatsapp_id_key": ID_KEY, "connector_retries": 1,
        "connector_timeout": 10.0, "whatsapp_template_name": TEMPLATE,
        "whatsapp_template_languages": "ko=ko,en=en_US"}
    values.update(extra)
    return Settings(**values)


def sid(wa_id: str) -> str:
    return whatsapp.PhoneCipher(whatsapp.conversation_key(ID_KEY.encode())).conversation_id(wa_id)


def post(client: TestClient, wa_id: str, wamid: str, text: str, sent: float) -> None:
    """The citizen's message as a signed Cloud API notification, ``sent`` (Unix seconds) as its timestamp."""
    raw = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": NUMBER_ID},
                                       "messages": [{"from": wa_id, "id": wamid, "timestamp": str(int(sent)),
                                                     "type": "text", "text": {"body": text}}]}}]}]},
                     ensure_ascii=False).encode("utf-8")
    r = client.post(URL, content=raw, headers={"Content-Type": "application/json",
                                               "X-Hub-Signature-256": whatsapp.signature(APP_SECRET, raw)})
    assert r.status_code == 200, r.text


def bodies_to(fake: FakePlatform, wa_id: str, n: int, within: float = 20.0) -> list[dict[str, Any]]:
    """The accepted message bodies sent to ``wa_id`` once there are ``n`` (then a short wait for any more)."""
    deadline = time.monotonic() + within
    while len(fake.matching(lambda p, b: b.get("to") == wa_id)) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    return [b for _p, _a, b in fake.matching(lambda p, b: b.get("to") == wa_id)]


def kept(client: TestClient, conversation: str) -> list[str]:
    box = client.app.state.proactive_channels().get("rest").outbox  # type: ignore[attr-defined]
    return [m["text"] for m in box.fetch(conversation).messages]


def alert(client: TestClient, conversation: str, text: str, language: str = "ko") -> None:
    client.app.state.proactive_channels().send("whatsapp", conversation,  # type: ignore[attr-defined]
                                               [BotMessage(text, (), {"language": language})])


def expected_template(wa_id: str, code: str, notice: str) -> dict[str, Any]:
    """The template message exactly as the Cloud API documents it (``type: template``, name, language code, one body
    parameter), written out by hand."""
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id, "type": "template",
            "template": {"name": TEMPLATE, "language": {"code": code},
                         "components": [{"type": "body", "parameters": [{"type": "text", "text": notice}]}]}}


def test_inside_the_window_a_proactive_message_goes_free_form(tmp_path: Path, fake: FakePlatform) -> None:
    wa_id = "821055550001"
    with TestClient(create_app(settings(tmp_path, fake), router=object(), processor=Engine())) as client:
        post(client, wa_id, "wamid.in1", "안녕하세요", time.time() - 3600)  # an hour ago: inside the window
        assert [b["text"]["body"] for b in bodies_to(fake, wa_id, 1)] == ["답: 안녕하세요"]
        alert(client, sid(wa_id), "새로 받을 수 있는 혜택: 에너지바우처")
        sent = bodies_to(fake, wa_id, 2)
        assert sent[1] == {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id,
                           "type": "text", "text": {"body": "새로 받을 수 있는 혜택: 에너지바우처", "preview_url": False}}
        assert len(sent) == 2 and fake.refused == [] and kept(client, sid(wa_id)) == []


def test_outside_the_window_the_template_goes_once_and_the_message_waits_for_the_reply(
        tmp_path: Path, fake: FakePlatform, caplog: pytest.LogCaptureFixture) -> None:
    wa_id, conversation = "821055550002", sid("821055550002")
    engine = Engine()
    with caplog.at_level(logging.DEBUG), \
            TestClient(create_app(settings(tmp_path, fake), router=object(), processor=engine)) as client:
        post(client, wa_id, "wamid.old", "안녕하세요", time.time() - DAY - 3600)  # 25 hours ago
        assert len(bodies_to(fake, wa_id, 1)) == 1  # its reply
        fake.closed.add(wa_id)  # and Meta's window is closed now
        alert(client, conversation, "새로 받을 수 있는 혜택: 에너지바우처")
        sent = bodies_to(fake, wa_id, 2)
        assert sent[1] == expected_template(wa_id, "ko", whatsapp.NOTICE["ko"])
        assert whatsapp.NOTICE["ko"].startswith("새 알림이 있어요")
        assert fake.refused == []  # the stored time said so: no free-form attempt first
        assert kept(client, conversation) == ["새로 받을 수 있는 혜택: 에너지바우처"]
        alert(client, conversation, "마이데이터 조회가 끝났어요")  # a second one meanwhile: no second template
        assert len(bodies_to(fake, wa_id, 3, within=1.0)) == 2
        assert kept(client, conversation) == ["새로 받을 수 있는 혜택: 에너지바우처", "마이데이터 조회가 끝났어요"]

    # a restart (or another worker) on the same database knows the window and that the template already went out
    with TestClient(create_app(settings(tmp_path, fake), router=object(), processor=engine)) as client:
        alert(client, conversation, "세 번째 알림")
        assert len(bodies_to(fake, wa_id, 3, within=1.0)) == 2 and fake.refused == []
        fake.closed.discard(wa_id)  # the citizen answers the template: the window opens again
        post(client, wa_id, "wamid.new", "네", time.time())
        texts = [b["text"]["body"] for b in bodies_to(fake, wa_id, 4)[2:]]  # the kept messages first, then the reply
        assert texts == ["새로 받을 수 있는 혜택: 에너지바우처\n\n마이데이터 조회가 끝났어요\n\n세 번째 알림", "답: 네"]
        deadline = time.monotonic() + 10
        while kept(client, conversation) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kept(client, conversation) == []
    lines = [r.getMessage() + json.dumps(r.__dict__, ensure_ascii=False, default=str) for r in caplog.records]
    assert any("re-engagement template sent" in line for line in lines)
    assert not any(wa_id in line for line in lines)


def test_meta_refusal_131047_falls_back_to_the_template(tmp_path: Path, fake: FakePlatform) -> None:
    wa_id, conversation = "14155550199", sid("14155550199")  # no stored time: never wrote since the feature
    fake.closed.add(wa_id)
    with TestClient(create_app(settings(tmp_path, fake), router=object(), processor=Engine())) as client:
        alert(client, conversation, "New benefit: energy voucher", language="en")
        sent = bodies_to(fake, wa_id, 1)
        assert [b["text"]["body"] for b in fake.refused] == ["New benefit: energy voucher"]  # tried free-form first
        assert sent == [expected_template(wa_id, "en_US", whatsapp.NOTICE["en"])]
        assert kept(client, conversation) == ["New benefit: energy voucher"]


def test_without_a_template_a_refused_message_is_kept_as_before(tmp_path: Path, fake: FakePlatform,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    wa_id, conversation = "821055550003", sid("821055550003")
    fake.closed.add(wa_id)
    with caplog.at_level(logging.ERROR), TestClient(create_app(settings(tmp_path, fake, whatsapp_template_name=None),
                                                               router=object(), processor=Engine())) as client:
        alert(client, conversation, "알림")
        assert len(fake.refused) == 1 and bodies_to(fake, wa_id, 1, within=0.5) == []
        assert kept(client, conversation) == ["알림"]
        assert [r.getMessage() for r in caplog.records if "push failed" in r.getMessage()] == \
            ["whatsapp push failed (WindowClosed): messages kept in the outbox"]


def test_template_languages_setting() -> None:
    assert Settings(whatsapp_template_languages="ko=ko, en=en_GB").whatsapp_template_languages == {"ko": "ko",
                                                                                                   "en": "en_GB"}
    for bad in ("ko", "fr=fr", "ko="):
        with pytest.raises(ValueError):
            Settings(whatsapp_template_languages=bad)
    only_ko = whatsapp.Template(TEMPLATE, {"ko": "ko"})
    assert only_ko.body("1", "en")["template"]["language"] == {"code": "ko"}  # the first language stands in
    assert only_ko.body("1", "en")["template"]["components"][0]["parameters"][0]["text"] == whatsapp.NOTICE["ko"]
    assert all("\n" not in n and "     " not in n for n in whatsapp.NOTICE.values())  # Meta's parameter rules
