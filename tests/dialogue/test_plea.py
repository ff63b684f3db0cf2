"""A plea for help is asked what it is about, with the person offered, and a plea that says what it is about is
answered from the documents or told they lack it (assistant/dialogue/plea.py).

s50 probe on the bundled corpus: "도와주세요", "급해요 도와주세요" and "I need help" got the out-of-scope reply,
"도움이 필요해요" "도움이 되었다니 다행이에요" (read as thank), "전세 사기 당했어요 도와주세요" the out-of-scope reply,
then (with the plea read) 장애아가족 양육 지원 for "도와주세요. 받을 수 있는 지원이 있나요?"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.plea import plea_spans, without_plea

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.mark.parametrize(("text", "plea"), [
    ("도와주세요", "도와주세요"), ("급해요 도와주세요", "도와주세요"), ("제발 좀 도와줘", "도와줘"),
    ("도움이 필요해요", "도움이 필요"), ("도움 좀 부탁드려요", "도움 좀 부탁"), ("저 좀 도와주실 수 있나요", "도와주실 수"),
    ("I need help", "I need help"), ("help", "help"), ("Can someone help?", "Can someone help"),
    ("please help me", "please help"),
])
def test_a_plea_is_read(text: str, plea: str) -> None:
    spans = plea_spans(text)
    assert spans and text[spans[0][0]:spans[0][1]] == plea


@pytest.mark.parametrize("text", [
    "도와주셔서 감사합니다", "도와줘서 고마워요", "아무도 안 도와줘요", "도움이 됐어요", "도움이 많이 되었어요",
    "무엇을 도와드릴까요", "에너지바우처 신청 방법", "thanks for your help", "the help desk number", "",
])
def test_no_plea_is_read_where_there_is_none(text: str) -> None:
    assert plea_spans(text) == []


def test_the_plea_words_are_left_out() -> None:
    assert without_plea("전세 사기 당했어요 도와주세요").split() == ["전세", "사기", "당했어요"]
    assert without_plea("I need help with my rent").split() == ["with", "my", "rent"]


@pytest.mark.parametrize(("text", "language"), [
    ("도와주세요", "ko"), ("급해요 도와주세요", "ko"), ("도움이 필요해요", "ko"), ("제발 좀 도와주세요 ㅠ", "ko"),
    ("I need help", "en"),
    # read as a knowledge question ("Can you help me?" got "I couldn't find this in the documents") or the eligibility
    # check ("저 좀 도와주실 수 있나요" started the questionnaire)
    ("Can you help me?", "en"), ("저 좀 도와주실 수 있나요", "ko"),
])
def test_a_plea_alone_is_asked_what_it_is_about_with_the_person(make_processor: Any, text: str, language: str) -> None:
    turn = make_processor().handle_message(UserMessage("plea", text, "rest", {}))
    assert [m.custom.get("response") for m in turn.messages] == ["utter_ask_what_help"], [m.text for m in turn.messages]
    m = turn.messages[0]
    assert m.custom["language"] == language and "110" in m.text
    assert [b["payload"] for b in m.buttons] == ["/human_handoff"]


@pytest.mark.parametrize(("text", "response"), [
    ("도와주셔서 감사합니다", "utter_thank"), ("상담원 연결 도와주세요", "utter_handoff"),
    ("아무도 안 도와줘요", "utter_sad"), ("취소 좀 도와주세요", "utter_nothing_in_progress"),
])
def test_thanks_a_person_asked_for_and_feelings_keep_their_replies(make_processor: Any, text: str, response: str) -> None:
    turn = make_processor().handle_message(UserMessage("not-plea", text, "rest", {}))
    assert turn.messages[0].custom.get("response") == response, [m.text for m in turn.messages]


def test_a_plea_about_what_no_page_covers_is_told_the_documents_lack_it(make_processor: Any) -> None:
    """No bundled page speaks of fraud (사기): the documents' no-answer (which offers a person), not the refusal and
    not an unrelated page."""
    assert not any("사기" in f.read_text(encoding="utf-8") for f in KNOWLEDGE.rglob("*.md"))
    turn = make_processor().handle_message(UserMessage("plea-fraud", "전세 사기 당했어요 도와주세요", "rest", {}))
    m = turn.messages[0]
    assert m.custom.get("response") == "utter_no_answer" and not m.custom.get("citations"), m.text


def test_a_plea_about_a_birth_is_answered_from_a_page_about_it(make_processor: Any) -> None:
    """The cited page's file speaks of 출산 (childbirth)."""
    turn = make_processor().handle_message(UserMessage("plea-birth", "아기 낳았는데 도와주세요", "rest", {}))
    m = turn.messages[0]
    cited = m.custom.get("citations") or []
    assert cited and not m.custom.get("abstained"), m.text
    pages = [f.read_text(encoding="utf-8") for f in (KNOWLEDGE / "ko").glob("*.md")]
    page = next(p for p in pages if cited[0]["title"] in p)
    assert "출산" in page
