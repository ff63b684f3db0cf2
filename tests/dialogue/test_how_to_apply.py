"""A question of how, where or when to apply is answered from the documents' 신청 방법, even where applications can be
taken (assistant/dialogue/eligibility_route.py, asks_how_to_apply). s50 probe on the catalogue: "노인 일자리 신청 방법"
(read as apply_service 0.79) was shown a 청도군 programme's application checklist and asked "이대로 신청을
접수할까요?"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.eligibility_route import asks_how_to_apply
from assistant.dialogue.messages import UserMessage

PAGE = Path(__file__).resolve().parents[2] / "knowledge" / "ko"


@pytest.mark.parametrize("text", [
    "노인 일자리 신청 방법", "아이돌봄 신청하는 법", "에너지바우처 어떻게 신청해요?", "신청은 어디서 해요", "언제까지 신청해요?",
    "청년 월세 신청 기간", "어디서 신청하나요", "How do I apply for the energy voucher?", "how to apply", "where can I apply",
])
def test_a_question_of_how_to_apply(text: str) -> None:
    assert asks_how_to_apply(text)


@pytest.mark.parametrize("text", [
    "노인 일자리 신청할래요", "아이돌봄 서비스 신청하고 싶어요", "신청해 주세요", "신청 서류 뭐예요", "I want to apply for it",
    "apply for the energy voucher", "방법이 없나요",
])
def test_a_wish_to_apply_is_no_question_of_how(text: str) -> None:
    assert not asks_how_to_apply(text)


def test_how_to_apply_is_answered_from_the_page_where_applications_are_taken(make_processor: Any) -> None:
    """The bundled NLU reads "아이돌봄 신청하는 법" as apply_service; with a task back end configured (applications can be
    taken) it went to the application flow. The bundled 아이돌봄 서비스 page has a 신청 방법 section, which is cited."""
    page = next(p.read_text(encoding="utf-8") for p in PAGE.glob("*.md") if "title: 아이돌봄 서비스\n" in p.read_text(encoding="utf-8"))
    assert "## 신청 방법" in page
    p = make_processor(tasks_url="http://127.0.0.1:9", connector_retries=1, connector_timeout=1.0)
    turn = p.handle_message(UserMessage("how-to-apply", "아이돌봄 신청하는 법", "rest", {}))
    m = turn.messages[0]
    assert m.custom.get("response") == "action_answer_from_knowledge", m.text
    assert [(c["title"], c["section"]) for c in m.custom["citations"]][0] == ("아이돌봄 서비스", "신청 방법")
