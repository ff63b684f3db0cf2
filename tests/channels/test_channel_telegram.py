"""Telegram channel: Bot API updates in, one sendMessage method call in the webhook response, through the real app."""

from __future__ import annotations

from typing import Any

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
