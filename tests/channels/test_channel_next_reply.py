"""KakaoTalk and Telegram without push (no bot token, no Event API, no Kakao ``callbackUrl``): each webhook waits
for its platform's budget, not the REST channel's holding delay; an answer that still comes after the holding reply
is kept and delivered in front of the conversation's next reply, in order and once (fresh-user test s9: the citizen
got only the holding text and never the answer).

Through the real app (create_app) with the stand-in engine of :mod:`test_channel_push` (``답: <text>`` after a delay),
platform payloads shaped as Kakao's SkillPayload and Telegram's Update.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from channel_helpers import KAKAO_SECRET, TELEGRAM_SECRET
from fastapi.testclient import TestClient
from test_channel_push import ALERT_TEXT, Engine, FakePlatform, deliver_alert, pending, settings_for

from assistant.channels.common import NEXT_MESSAGE_HOLDING
from assistant.channels.proactive import KeptChannel
from assistant.server.app import create_app

TG_URL = "/webhooks/telegram/webhook"
TG_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
KAKAO_URL = "/webhooks/kakao/webhook"
KAKAO_HEADERS = {"X-Skill-Secret": KAKAO_SECRET}
NO_PUSH = {"telegram_bot_token": None, "kakao_bot_id": None, "kakao_skill_secret": KAKAO_SECRET}


@pytest.fixture(scope="module")
def platform() -> Iterator[FakePlatform]:
    """The fake Bot API / Event API: records any push (none is expected here)."""
    fake = FakePlatform()
    with fake.server:
        yield fake


def tg_update(update_id: int, chat: int, text: str, language: str = "ko") -> dict[str, Any]:
    """A private chat's text message as the Bot API sends it."""
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1764496800, "text": text,
        "from": {"id": chat, "is_bot": False, "first_name": "민수", "language_code": language},
        "chat": {"id": chat, "type": "private", "first_name": "민수"}}}


def skill(user: str, utterance: str, lang: str | None = None) -> dict[str, Any]:
    """A Kakao i Open Builder SkillPayload without ``callbackUrl`` (the block has callbacks off)."""
    request: dict[str, Any] = {"timezone": "Asia/Seoul", "utterance": utterance, "lang": lang,
                               "user": {"id": user, "type": "botUserKey", "properties": {}}}
    return {"intent": {"id": "i1", "name": "폴백 블록"}, "userRequest": request,
            "bot": {"id": "b1", "name": "민원봇"}, "action": {"name": "skill", "clientExtra": None, "params": {}}}


def kept_soon(client: TestClient, sender: str, n: int, within: float = 5.0) -> list[str]:
    """The outbox's texts for ``sender`` once ``n`` are kept (or whatever is there after ``within`` s)."""
    deadline = time.monotonic() + within
    while len(texts := pending(client, sender)) < n and time.monotonic() < deadline:
        time.sleep(0.02)
    return texts


def test_each_webhook_waits_for_its_platforms_budget_not_the_rest_holding_delay(
        tmp_path: Path, platform: FakePlatform) -> None:
    # a 1 s turn: REST (with a message id) holds after 0.2 s, but Kakao (4 s) and Telegram (25 s) get the answer
    engine = Engine(delay=1.0)
    app = create_app(settings_for(tmp_path, platform, holding_reply_after=0.2, **NO_PUSH), router=object(),
                     processor=engine)
    with TestClient(app) as client:
        rest = client.post("/webhooks/rest/webhook", json={"sender": "w1", "message": "기초연금",
                                                           "metadata": {"message_id": "m1"}}).json()
        assert rest[0]["custom"]["pending"] is True
        tg = client.post(TG_URL, json=tg_update(1, 7001, "기초연금 자격"), headers=TG_HEADERS).json()
        assert tg == {"method": "sendMessage", "chat_id": 7001, "text": "답: 기초연금 자격"}
        kakao = client.post(KAKAO_URL, json=skill("uk-1", "에너지바우처 신청 방법 알려주세요"), headers=KAKAO_HEADERS).json()
        assert kakao["template"]["outputs"] == [{"simpleText": {"text": "답: 에너지바우처 신청 방법 알려주세요"}}]


def test_telegram_late_answer_comes_in_front_of_the_next_reply_once(tmp_path: Path, platform: FakePlatform) -> None:
    engine = Engine(delay=1.0)
    app = create_app(settings_for(tmp_path, platform, telegram_answer_within=0.2, **NO_PUSH), router=object(),
                     processor=engine)
    with TestClient(app) as client:
        assert isinstance(app.state.proactive_channels().registered("telegram"), KeptChannel)
        held = client.post(TG_URL, json=tg_update(11, 7011, "기초연금 자격"), headers=TG_HEADERS).json()
        assert held == {"method": "sendMessage", "chat_id": 7011, "text": NEXT_MESSAGE_HOLDING["ko"]}
        assert kept_soon(client, "telegram:7011", 1) == ["답: 기초연금 자격"]
        engine.delay = 0.0
        nxt = client.post(TG_URL, json=tg_update(12, 7011, "안녕"), headers=TG_HEADERS).json()
        assert nxt["text"] == "답: 기초연금 자격\n\n답: 안녕"
        assert pending(client, "telegram:7011") == []  # taken: given once
        again = client.post(TG_URL, json=tg_update(13, 7011, "고마워요"), headers=TG_HEADERS).json()
        assert again["text"] == "답: 고마워요"
        assert engine.handled == ["기초연금 자격", "안녕", "고마워요"]  # the held turn ran once
        assert platform.requests == []  # nothing pushed anywhere


def test_next_message_during_the_slow_turn_is_held_too_and_both_answers_come_in_order(
        tmp_path: Path, platform: FakePlatform) -> None:
    # the citizen writes again at once: that turn queues behind the slow one past the budget, so it is held too;
    # both answers are kept in the order of the messages and come in front of the next reply
    engine = Engine(delay=0.8)
    app = create_app(settings_for(tmp_path, platform, telegram_answer_within=0.2, **NO_PUSH), router=object(),
                     processor=engine)
    with TestClient(app) as client:
        assert client.post(TG_URL, json=tg_update(21, 7021, "첫 질문"), headers=TG_HEADERS).json()["text"] \
            == NEXT_MESSAGE_HOLDING["ko"]
        engine.delay = 0.0
        assert client.post(TG_URL, json=tg_update(22, 7021, "두 번째"), headers=TG_HEADERS).json()["text"] \
            == NEXT_MESSAGE_HOLDING["ko"]
        assert kept_soon(client, "telegram:7021", 2) == ["답: 첫 질문", "답: 두 번째"]
        nxt = client.post(TG_URL, json=tg_update(23, 7021, "세 번째"), headers=TG_HEADERS).json()
        assert nxt["text"] == "답: 첫 질문\n\n답: 두 번째\n\n답: 세 번째"


def test_english_holding_text_says_the_answer_comes_with_the_next_message(tmp_path: Path, platform: FakePlatform) -> None:
    engine = Engine(delay=0.6)
    app = create_app(settings_for(tmp_path, platform, telegram_answer_within=0.2, kakao_answer_within=0.2, **NO_PUSH),
                     router=object(), processor=engine)
    with TestClient(app) as client:
        tg = client.post(TG_URL, json=tg_update(31, 7031, "How do I apply for the energy voucher?", "en"),
                         headers=TG_HEADERS).json()
        assert tg["text"] == NEXT_MESSAGE_HOLDING["en"]
        kakao = client.post(KAKAO_URL, json=skill("uk-31", "How do I apply for the energy voucher?", "en"),
                            headers=KAKAO_HEADERS).json()
        assert kakao["template"]["outputs"] == [{"simpleText": {"text": NEXT_MESSAGE_HOLDING["en"]}}]
        assert kept_soon(client, "kakao:uk-31", 1) == ["답: How do I apply for the energy voucher?"]


def test_kakao_without_callback_url_late_answer_and_alert_come_with_the_next_reply(
        tmp_path: Path, platform: FakePlatform) -> None:
    # a budget of 1.5 s: the later fast turns must be answered within it even on a loaded 2-core machine (0.2 s was
    # not, at load 4-10: "고마워요" got the holding reply)
    engine = Engine(delay=3.0)
    app = create_app(settings_for(tmp_path, platform, kakao_answer_within=1.5, **NO_PUSH), router=object(),
                     processor=engine)
    with TestClient(app) as client:
        assert isinstance(app.state.proactive_channels().registered("kakao"), KeptChannel)
        held = client.post(KAKAO_URL, json=skill("uk-41", "에너지바우처 신청 방법 알려주세요"), headers=KAKAO_HEADERS).json()
        assert held == {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": NEXT_MESSAGE_HOLDING["ko"]}}]}}
        assert kept_soon(client, "kakao:uk-41", 1) == ["답: 에너지바우처 신청 방법 알려주세요"]
        assert deliver_alert(app, client, "kakao", "kakao:uk-41") == (1, 0, 0)  # an alert kept after it
        engine.delay = 0.0
        nxt = client.post(KAKAO_URL, json=skill("uk-41", "고마워요"), headers=KAKAO_HEADERS).json()
        text = "\n\n".join(o["simpleText"]["text"] for o in nxt["template"]["outputs"])
        assert text == f"답: 에너지바우처 신청 방법 알려주세요\n\n{ALERT_TEXT}\n\n답: 고마워요"
        last = client.post(KAKAO_URL, json=skill("uk-41", "네"), headers=KAKAO_HEADERS).json()
        assert last["template"]["outputs"] == [{"simpleText": {"text": "답: 네"}}]
        assert platform.requests == []


def test_redelivered_update_that_gets_the_answer_is_not_kept_again(tmp_path: Path, platform: FakePlatform) -> None:
    engine = Engine(delay=0.6)
    app = create_app(settings_for(tmp_path, platform, telegram_answer_within=0.4, **NO_PUSH), router=object(),
                     processor=engine)
    with TestClient(app) as client:
        first = client.post(TG_URL, json=tg_update(51, 7051, "주거급여"), headers=TG_HEADERS).json()
        assert first["text"] == NEXT_MESSAGE_HOLDING["ko"]
        again = client.post(TG_URL, json=tg_update(51, 7051, "주거급여"), headers=TG_HEADERS).json()  # Telegram retries
        assert again["text"] == "답: 주거급여"
        time.sleep(0.6)  # past the keeper's grace
        assert pending(client, "telegram:7051") == []
        engine.delay = 0.0
        assert client.post(TG_URL, json=tg_update(52, 7051, "네"), headers=TG_HEADERS).json()["text"] == "답: 네"
        assert engine.handled == ["주거급여", "네"]
