"""The phone channel: Twilio Voice webhooks (form-encoded, signed) answered with TwiML, through the real app."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from channel_helpers import TWILIO_TOKEN, rest_reply
from fastapi.testclient import TestClient

from assistant.channels import voice
from assistant.dialogue.messages import BotMessage

BASE = "http://testserver"
PATH = "/webhooks/voice/webhook"
CALLER = "+821098765432"


def sign(url: str, form: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    """X-Twilio-Signature as Twilio's docs describe it (written here, apart from the channel's code)."""
    data = url + "".join(f"{k}{form[k]}" for k in sorted(form))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def call_params(call_sid: str, **extra: str) -> dict[str, str]:
    """The parameters Twilio sends with a voice request."""
    return {"AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01", "CallSid": call_sid, "CallStatus": "in-progress",
            "Direction": "inbound", "From": CALLER, "Caller": CALLER, "To": "+8215880000", "Called": "+8215880000",
            "FromCountry": "KR", **extra}


def post(client: TestClient, url: str, form: dict[str, str], signature: str | None = "auto") -> Any:
    path = url[len(BASE):] if url.startswith(BASE) else url
    headers = {} if signature is None else {"X-Twilio-Signature": sign(BASE + path, form) if signature == "auto" else signature}
    return client.post(path, data=form, headers=headers)


def twiml(response: Any) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ET.fromstring(response.text)


def gather(root: ET.Element) -> ET.Element:
    g = root.find("Gather")
    assert g is not None and g.get("input") == "speech dtmf" and g.get("method") == "POST"
    return g


def said(root: ET.Element) -> str:
    return " ".join(s.text or "" for s in gather(root).iter("Say"))


def test_signature_matches_twilio_documented_example() -> None:
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234", "From": "+14158675309",
              "To": "+18005551212"}
    assert voice.twilio_signature("https://mycompany.com/myapp.php?foo=1&bar=2", params, "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_unsigned_or_badly_signed_requests_are_refused(client: TestClient) -> None:
    form = call_params("CA-sig")
    assert post(client, PATH, form, signature=None).status_code == 403
    assert post(client, PATH, form, signature=sign(BASE + PATH, form, "another-token")).status_code == 403
    tampered = sign(BASE + PATH, form)
    assert post(client, PATH, {**form, "SpeechResult": "상담원"}, signature=tampered).status_code == 403
    assert post(client, PATH, form).status_code == 200


def test_call_start_greets_in_korean_and_gathers(client: TestClient) -> None:
    root = twiml(post(client, PATH, call_params("CA-start")))
    g = gather(root)
    assert g.get("language") == "ko-KR" and g.find("Say").get("language") == "ko-KR"  # type: ignore[union-attr]
    greet = rest_reply(client, "ref-v1", "/greet")[0]["text"]
    assert voice.spoken_text(greet) in said(root)
    q = parse_qs(urlsplit(g.get("action", "")).query)
    assert q["turn"] == ["1"] and q["lang"] == ["ko"]
    assert [e.tag for e in root] == ["Gather", "Say", "Hangup"]  # silence: goodbye, then hang up


def test_speech_answer_speaks_sources_not_urls(client: TestClient) -> None:
    start = twiml(post(client, PATH, call_params("CA-q1")))
    question = "에너지바우처 신청 방법 알려주세요"
    ref = rest_reply(client, "ref-v2", question)[0]
    root = twiml(post(client, gather(start).get("action", ""), call_params("CA-q1", SpeechResult=question, Confidence="0.91")))
    text = said(root)
    assert "http" not in text and "www." not in text
    cite = ref["custom"]["citations"][0]
    assert f"출처는 {cite['agency']}의 {cite['title']}입니다." in text
    assert voice.spoken_text(ref["text"]).split(" ")[0] in text


def test_english_call_uses_en_us(client: TestClient) -> None:
    start = twiml(post(client, PATH, call_params("CA-en")))
    root = twiml(post(client, gather(start).get("action", ""), call_params("CA-en", SpeechResult="Hello there")))
    g = gather(root)
    assert g.get("language") == "en-US"
    assert rest_reply(client, "ref-v3", "Hello there")[0]["text"].split(" ")[0] in said(root)
    assert parse_qs(urlsplit(g.get("action", "")).query)["lang"] == ["en"]


def test_buttons_are_numbered_and_a_key_picks_one(client: TestClient) -> None:
    start = twiml(post(client, PATH, call_params("CA-dtmf")))
    ask = "청년 월세 지원"
    ref = rest_reply(client, "ref-v4", ask)[0]
    buttons = ref["buttons"]
    assert len(buttons) >= 2
    root = twiml(post(client, gather(start).get("action", ""), call_params("CA-dtmf", SpeechResult=ask)))
    g = gather(root)
    for i, b in enumerate(buttons, 1):
        assert f"{i}번, {b['title']}." in said(root)
    assert g.get("numDigits") == "1"
    q = parse_qs(urlsplit(g.get("action", "")).query)
    assert q["o2"] == [buttons[1]["payload"]] and q["turn"] == ["2"]
    # the caller presses 2: the engine gets the second button's payload, as the REST channel's click would send it
    picked = twiml(post(client, g.get("action", ""), call_params("CA-dtmf", Digits="2")))
    expected = rest_reply(client, "ref-v4", buttons[1]["payload"])[0]["text"]
    assert voice.spoken_text(expected) in said(picked)


def test_repeated_request_is_one_turn(client: TestClient) -> None:
    start = twiml(post(client, PATH, call_params("CA-rep")))
    url = gather(start).get("action", "")
    form = call_params("CA-rep", SpeechResult="안녕하세요")
    first, second = post(client, url, form), post(client, url, form)
    assert first.text == second.text
    tracker = client.app.state.processor.load("voice:CA-rep")  # type: ignore[attr-defined]
    users = [e.text for e in tracker.events if type(e).__name__ == "UserUttered"]
    assert users == ["/greet", "안녕하세요"]


def test_caller_number_is_not_logged_or_stored(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        start = twiml(post(client, PATH, call_params("CA-pii")))
        post(client, gather(start).get("action", ""), call_params("CA-pii", SpeechResult="안녕하세요"))
    digits = CALLER.lstrip("+")
    for rec in caplog.records:
        line = rec.getMessage() + " " + " ".join(str(v) for v in vars(rec).values())
        assert digits not in line and "1098765432" not in line
    assert any(getattr(r, "caller", None) == "…32" for r in caplog.records)
    tracker = client.app.state.processor.load("voice:CA-pii")  # type: ignore[attr-defined]
    assert "1098765432" not in str([vars(e) for e in tracker.events])


def test_render_holding_redirects_to_the_same_turn() -> None:
    xml = voice.render((BotMessage("잠시만 기다려 주세요."),), "ko", BASE + PATH + "?turn=3&lang=ko&o1=%2Fgreet", 3,
                       holding=True, said="안녕하세요")
    root = ET.fromstring(xml)
    assert [e.tag for e in root] == ["Say", "Redirect"]
    q = parse_qs(urlsplit(root.find("Redirect").text or "").query)  # type: ignore[union-attr]
    assert q == {"turn": ["3"], "lang": ["ko"], "said": ["안녕하세요"]}


def test_render_escapes_and_caps_options() -> None:
    buttons = tuple({"title": f"<옵션 & {i}>", "payload": f"/p{i}"} for i in range(12))
    root = ET.fromstring(voice.render((BotMessage("a < b & c https://x.example/y", buttons),), "en", BASE + PATH, 0))
    text = " ".join(s.text or "" for s in root.iter("Say"))
    assert "a < b & c" in text and "https" not in text
    assert "Press 9 for <옵션 & 8." in text and "Press 10" not in text
    assert parse_qs(urlsplit(root.find("Gather").get("action", "")).query)["o9"] == ["/p8"]  # type: ignore[union-attr]
