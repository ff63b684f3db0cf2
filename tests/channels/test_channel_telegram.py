"""Telegram channel: Bot API updates in, one sendMessage method call in the webhook response, through the real app."""

from __future__ import annotations

from typing import Any

import pytest
from channel_helpers import TELEGRAM_SECRET, rest_reply
from fastapi.testclient import TestClient

from assistant.channels import telegram
from assistant.dialogue.messages import BotMessage

URL = "/webhooks/telegram/webhook"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


def message_update(update_id: int, chat: int, text: str, language: str = "ko") -> dict[str, Any]:
    """An Update with a text message, shaped as the Bot API sends it."""
    return {"update_id": update_id, "message": {
        "message_id": update_id * 10, "date": 1764496800, "text": text,
        "from": {"id": chat, "is_bot": False, "first_name": "민수", "language_code": language},
        "chat": {"id": chat, "type": "private", "first_name": "민수"}}}


def callback_update(update_id: int, chat: int, data: str) -> dict[str, Any]:
    """An Update for a tap on an inline keyboard button."""
    return {"update_id": update_id, "callback_query": {
        "id": f"cq-{update_id}", "chat_instance": "-1", "data": data,
        "from": {"id": chat, "is_bot": False, "first_name": "민수", "language_code": "ko"},
        "message": {"message_id": 1, "date": 1764496800, "text": "…", "chat": {"id": chat, "type": "private"}}}}


def test_secret_token_is_required(client: TestClient) -> None:
    body = message_update(1, 501, "안녕하세요")
    assert client.post(URL, json=body).status_code == 401
    assert client.post(URL, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": "x" * 20}).status_code == 401


def test_korean_answer_with_source_line(client: TestClient) -> None:
    question = "에너지바우처 신청 방법 알려주세요"
    ref = rest_reply(client, "ref-t1", question)[0]
    r = client.post(URL, json=message_update(2, 502, question), headers=HEADERS)
    assert r.status_code == 200
    out = r.json()
    assert out["method"] == "sendMessage" and out["chat_id"] == 502
    cite = ref["custom"]["citations"][0]
    assert out["text"].startswith(ref["text"] + "\n\n")
    assert out["text"].endswith(f"출처: {cite['title']} {cite['url']}") or f"출처: {cite['title']} {cite['url']} / " in out["text"]


def test_buttons_become_an_inline_keyboard_and_a_tap_is_the_next_message(client: TestClient) -> None:
    ask = "청년 월세 지원"
    ref = rest_reply(client, "ref-t2", ask)[0]
    out = client.post(URL, json=message_update(3, 503, ask), headers=HEADERS).json()
    keys = [k for row in out["reply_markup"]["inline_keyboard"] for k in row]
    assert [(k["text"], k["callback_data"]) for k in keys] == [(b["title"], b["payload"]) for b in ref["buttons"]]
    tapped = client.post(URL, json=callback_update(4, 503, keys[1]["callback_data"]), headers=HEADERS).json()
    expected = rest_reply(client, "ref-t2", ref["buttons"][1]["payload"])[0]["text"]
    assert tapped["text"].startswith(expected)


def test_english_and_redelivered_update_is_one_turn(client: TestClient) -> None:
    ref = rest_reply(client, "ref-t3", "Hello there")[0]["text"]
    first = client.post(URL, json=message_update(5, 504, "Hello there", "en"), headers=HEADERS).json()
    again = client.post(URL, json=message_update(5, 504, "Hello there", "en"), headers=HEADERS).json()
    assert first["text"] == ref and again == first
    tracker = client.app.state.processor.load("telegram:504")  # type: ignore[attr-defined]
    assert [e.text for e in tracker.events if type(e).__name__ == "UserUttered"] == ["Hello there"]


def test_updates_without_text_are_acknowledged(client: TestClient) -> None:
    edited = {"update_id": 6, "edited_message": {"message_id": 1, "date": 0, "chat": {"id": 505, "type": "private"},
                                                 "text": "수정"}}
    photo = {"update_id": 7, "message": {"message_id": 2, "date": 0, "chat": {"id": 505, "type": "private"},
                                         "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]}}
    for body in (edited, photo):
        r = client.post(URL, json=body, headers=HEADERS)
        assert r.status_code == 200 and r.json() == {}
    assert client.post(URL, json={"message": {}}, headers=HEADERS).status_code == 422


def test_render_long_payload_and_text() -> None:
    long_payload = '/inform{"programme_region": "' + "서울특별시 종로구 " * 5 + '"}'
    msgs = (BotMessage("가" * 5000, ({"title": "종로구", "payload": long_payload}, {"title": "예", "payload": "/affirm"})),)
    out = telegram.render(77, msgs)
    assert len(out["text"]) == telegram.MAX_TEXT and out["text"].endswith("…")
    keys = out["reply_markup"]["inline_keyboard"][0]
    assert keys == [{"text": "종로구", "callback_data": "종로구"}, {"text": "예", "callback_data": "/affirm"}]
    assert all(len(k["callback_data"].encode()) <= telegram.MAX_CALLBACK_DATA for k in keys)
    assert telegram.render(77, ()) == {}


def _greeting(language: str) -> str:
    """``utter_greet`` as the bundled domain file writes it (read here, not through the engine)."""
    import yaml

    from shared_paths import ROOT

    variants = yaml.safe_load((ROOT / "intents" / "domain.yml").read_text(encoding="utf-8"))["responses"]["utter_greet"]
    [text] = [v["text"] for v in variants if ("condition" in v) == (language == "en")]
    return str(text)


def test_start_and_help_commands_are_the_greeting_not_a_cancel(client: TestClient) -> None:
    # /start is every Telegram user's first message (fresh-user s9: it was read as "cancel")
    for i, (text, language) in enumerate([("/start", "ko"), ("/start ref-42", "ko"), ("/start@GovHelpBot", "ko"),
                                          ("/help", "ko"), ("/start", "en"), ("/help@GovHelpBot", "en")]):
        chat = 520 + i
        out = client.post(URL, json=message_update(20 + i, chat, text, language), headers=HEADERS).json()
        assert out["chat_id"] == chat and out["text"] == _greeting(language), text
        tracker = client.app.state.processor.load(f"telegram:{chat}")  # type: ignore[attr-defined]
        [user] = [e for e in tracker.events if type(e).__name__ == "UserUttered"]
        assert user.intent_name == "greet"


def test_group_members_each_have_their_own_conversation(client: TestClient) -> None:
    group = -1001234567890

    def in_group(update_id: int, user: int, text: str) -> dict[str, Any]:
        return {"update_id": update_id, "message": {
            "message_id": update_id, "date": 1764496800, "text": text,
            "from": {"id": user, "is_bot": False, "first_name": "민수", "language_code": "ko"},
            "chat": {"id": group, "type": "supergroup", "title": "동네 모임"}}}

    first = client.post(URL, json=in_group(40, 7101, "저는 67세예요"), headers=HEADERS).json()
    second = client.post(URL, json=in_group(41, 7102, "안녕하세요"), headers=HEADERS).json()
    assert first["chat_id"] == group and second["chat_id"] == group  # replies go to the group
    load = client.app.state.processor.load  # type: ignore[attr-defined]
    texts = {sender: [e.text for e in load(sender).events if type(e).__name__ == "UserUttered"]
             for sender in (f"telegram:{group}:7101", f"telegram:{group}:7102", f"telegram:{group}")}
    assert texts == {f"telegram:{group}:7101": ["저는 67세예요"], f"telegram:{group}:7102": ["안녕하세요"],
                     f"telegram:{group}": []}
    assert telegram.chat_id_of(f"telegram:{group}:7101") == group
    tap = callback_update(42, 7102, "/affirm")
    tap["callback_query"]["message"]["chat"] = {"id": group, "type": "supergroup"}
    tap["callback_query"]["from"]["id"] = 7102
    msg = telegram.to_user_message(telegram.Update.model_validate(tap))
    assert msg is not None and msg.sender_id == f"telegram:{group}:7102" and msg.text == "/affirm"


def test_commands_and_conversation_ids() -> None:
    assert [telegram.command_payload(t) for t in ("/start", "/START", "/start  deep_link-1", "/help@Bot_1 x")] \
        == ["/greet"] * 4
    assert [telegram.command_payload(t) for t in ("/affirm", "/inform{\"age\": 3}", "start", "/starting", "")] \
        == [None] * 5
    private = telegram.to_user_message(telegram.Update.model_validate(message_update(9, 555, "/start")))
    assert private is not None and (private.sender_id, private.text) == ("telegram:555", "/greet")
    for bad in ("telegram:12:ab", "kakao:12", "telegram:x"):
        with pytest.raises(ValueError, match="not a telegram conversation id"):
            telegram.chat_id_of(bad)
