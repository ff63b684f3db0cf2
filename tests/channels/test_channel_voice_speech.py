"""The phone's text for the ear (fresh-user s9: bracket headings, bullets, "출처:" lines and the debris of cut URLs
were spoken; s10: a URL cut out of a sentence left "Apply online at, or …", now said as its site) and the read-back of a number keyed at a question without options ("3" at the income question)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import TWILIO_TOKEN
from fastapi.testclient import TestClient
from test_channel_push import Engine
from test_channel_voice import BASE, PATH, call_params, gather, post, said

from assistant.channels import voice
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.dialogue.processor import Turn
from assistant.server.app import create_app
from assistant.settings import Settings

# (written answer, what is said): Korean and English, and text that must stay as it is
SPEECH = [
    ("[신청 방법]\n○온라인 신청 : 복지로(www.bokjiro.go.kr)에서 신청 가능\n출처: (최종 수정 2026-05-07)",
     "신청 방법. 온라인 신청: 복지로에서 신청 가능."),
    ("… ○온라인 신청 : 복지로(https://www.bokjiro.go.kr) 신청 가능 출처: (최종 수정 2026-05-07)",
     "… 온라인 신청: 복지로 신청 가능."),
    ("【지원 대상】\r\n● 만 65세 이상\r\n※ 소득인정액이 선정기준액 이하\r\n- 신청·접수: 3-4월",
     "지원 대상. 만 65세 이상. 소득인정액이 선정기준액 이하. 신청·접수: 3-4월."),
    ("□ 오프라인 : 읍면동 행정복지센터 방문 신청 · 온라인 : bokjiro.go.kr 참고",
     "오프라인: 읍면동 행정복지센터 방문 신청. 온라인: bokjiro.go.kr 참고."),
    ("「국민기초생활 보장법」 제2조에 따라 기준 중위소득 (만 65세 이상) 의 30% 이하입니다.",
     "국민기초생활 보장법 제2조에 따라 기준 중위소득 (만 65세 이상) 의 30% 이하입니다."),
    ("**Who can apply**\n- You must be 65 or over\n• Live in Korea (see https://www.gov.kr/portal/x).\n"
     "Source: Basic Pension https://www.gov.kr/x", "Who can apply. You must be 65 or over. Live in Korea (see gov.kr)."),
    ("[How to apply]\nApply online at www.bokjiro.go.kr, or at your community centre.\nSources: 복지로",
     "How to apply. Apply online at bokjiro.go.kr, or at your community centre."),
    ("기초연금은 만 65세 이상 어르신께 드려요. 궁금한 점이 있으세요?", "기초연금은 만 65세 이상 어르신께 드려요. 궁금한 점이 있으세요?"),
    ("Is there anything else?", "Is there anything else?"),
    ("1. 첫째 서류\n2. 둘째 서류", "1. 첫째 서류. 2. 둘째 서류."),
    # fresh-user s10 #8: a URL that is a word of the sentence is said as its site, once; a local link goes with its colon
    ("You can apply on its official page: https://www.gov.kr/portal/rcvfvrSvc/dtlEx/PTR000050431",
     "You can apply on its official page: gov.kr."),
    ("공식 안내 페이지에서 신청해 주세요: https://www.gov.kr/portal/rcvfvrSvc/dtlEx/PTR000050431",
     "공식 안내 페이지에서 신청해 주세요: gov.kr."),
    ("- Energy voucher (Ministry): https://www.gov.kr/a\n- Basic Pension (Ministry): https://www.gov.kr/b",
     "Energy voucher (Ministry): gov.kr. Basic Pension (Ministry)."),
    ("Confirm it is you (within 10 minutes): http://127.0.0.1:8000/mydata/authorize?t=1\nThen I will continue here.",
     "Confirm it is you (within 10 minutes). Then I will continue here."),
    ("See the page at gov.kr/portal/rcvfvrSvc for details.", "See the page at gov.kr for details."),
]


@pytest.mark.parametrize("text,expected", SPEECH)
def test_spoken_text_cleans_text_for_the_ear(text: str, expected: str) -> None:
    assert voice.spoken_text(text) == expected


@pytest.mark.parametrize("digits,events,language,expected", [
    ("3", [{"event": "slot", "name": "income_pct", "value": 3}], "ko", "3으로 기록했어요."),
    ("50", [{"event": "slot", "name": "income_pct", "value": 50.0}], "ko", "50으로 기록했어요."),
    ("67", [{"event": "slot", "name": "age", "value": 67}], "ko", "67로 기록했어요."),
    ("2", [{"event": "slot", "name": "requested_slot", "value": "2"}], "ko", "2를 누르셨어요."),
    ("7", [], "ko", "7을 누르셨어요."),
    ("3", [{"event": "slot", "name": "income_pct", "value": 3}], "en", "I've recorded 3."),
    ("12", [{"event": "slot", "name": "age", "value": 13}], "en", "You pressed 12."),
])
def test_digits_readback(digits: str, events: list[dict[str, Any]], language: str, expected: str) -> None:
    assert voice.digits_readback(digits, events, language) == expected


class IncomeQuestion(Engine):
    """Asks the income question (no buttons); a number answers it (``income_pct`` stored), as the form does."""

    def handle_message(self, message: UserMessage) -> Turn:
        if message.text == "/greet":
            return Turn((BotMessage("가구 소득이 기준 중위소득의 몇 % 정도인가요?", (), {"language": "ko"}),), "ko", {})
        events = ({"event": "user", "text": message.text},
                  {"event": "slot", "name": "income_pct", "value": int(message.text)},
                  {"event": "slot", "name": "requested_slot", "value": None})
        return Turn((BotMessage("거주하시는 시·군·구를 알려 주세요.", (), {"language": "ko"}),), "ko", {}, events)


def test_a_number_keyed_at_the_income_question_is_read_back(tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path, twilio_auth_token=TWILIO_TOKEN, mydata_sweep_interval=0), router=object(),
                     processor=IncomeQuestion())
    with TestClient(app) as client:
        start = ET.fromstring(post(client, PATH, call_params("CA-inc")).text)
        assert said(start) == "가구 소득이 기준 중위소득의 몇 % 정도인가요?"
        url = gather(start).get("action", "")
        assert url.startswith(BASE)
        root = ET.fromstring(post(client, url, call_params("CA-inc", Digits="3")).text)
        assert said(root) == "3으로 기록했어요. 거주하시는 시·군·구를 알려 주세요."
