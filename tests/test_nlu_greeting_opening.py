"""A greeting that opens a request is no greeting only (assistant/nlu/pipeline.py ``after_greeting``): "안녕하세요 기초연금
문의드려요" was greet 0.40 and got the greeting alone, the question lost (s57 probe). A greeting with nothing asked
after it ("안녕하세요 처음 왔어요", "안녕하세요~ 문의 좀 드리려고요", intents/nlu.yml's own greet examples) stays one.
Read through the bundled NLU and engine; the expected pages are the bundled corpus's (knowledge/ko)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.nlu.pipeline import after_greeting
from tests.test_nlu_cued_intents import examples


@pytest.mark.parametrize(("text", "rest"), [
    ("안녕하세요 기초연금 문의드려요", "기초연금 문의드려요"),
    ("안녕하세요, 에너지바우처 문의드려요", "에너지바우처 문의드려요"),
    ("안녕하세요~~ 에너지바우처요", "에너지바우처요"),
    ("여보세요? 아이돌봄 서비스요", "아이돌봄 서비스요"),
    ("수고하십니다. 주거급여 문의요", "주거급여 문의요"),
    ("Hi, energy voucher please", "energy voucher please"),
    ("hello there, what is the energy voucher", "what is the energy voucher"),
    ("good morning! energy voucher", "energy voucher"),
])
def test_what_a_greeting_opens(text: str, rest: str) -> None:
    assert after_greeting(text) == rest


@pytest.mark.parametrize("text", ["안녕하세요", "안녕하세요!!", "안녕히 계세요", "안녕히가세요", "hello", "highschool grant",
                                  "heyday", "하이킹 지원", "저기요?", "에너지바우처 안녕하세요"])
def test_no_greeting_opens_these(text: str) -> None:
    assert after_greeting(text) is None


def test_the_domains_greetings_open_nothing_but_small_talk(processor: Any) -> None:
    """Every greet example of intents/nlu.yml is still a greeting, those with words after the greeting too."""
    said = examples("greet")
    assert sum(after_greeting(e) is not None for e in said) >= 5  # e.g. "안녕하세요 처음 왔어요", "hello, I'm new here"
    read = {e: processor.nlu.parse(e).nlu.intent.name for e in said}
    assert {e: i for e, i in read.items() if i != "greet"} == {}


@pytest.mark.parametrize(("text", "title"), [("안녕하세요 에너지바우처 문의드려요", "에너지바우처"),
                                             ("안녕하세요 아이돌봄 서비스 문의드려요", "아이돌봄 서비스")])
def test_a_greeting_that_opens_a_question_is_answered(processor: Any, text: str, title: str) -> None:
    turn = processor.handle_message(UserMessage(f"greet-{text}", text, "rest", {}))
    assert turn.intent["name"] in ("ask_service_info", "check_eligibility"), turn.intent
    cited = [c["title"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited and cited[0] == title, [m.text for m in turn.messages]


def test_a_greeting_that_opens_a_question_out_of_scope_is_told_so(processor: Any) -> None:
    turn = processor.handle_message(UserMessage("greet-weather", "안녕하세요 오늘 날씨 어때요", "rest", {}))
    assert turn.intent["name"] == "out_of_scope", turn.intent
    assert all(m.custom.get("response") != "utter_greet" for m in turn.messages)


@pytest.mark.parametrize("text", ["안녕하세요 처음 왔어요", "안녕하세요 저는 김철수입니다", "안녕하세요 챗봇님"])
def test_a_greeting_with_nothing_asked_is_greeted(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"greet-{text}", text, "rest", {}))
    assert turn.intent["name"] == "greet", turn.intent
