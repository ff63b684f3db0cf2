"""Other services than the one just answered (assistant/dialogue/other_services.py). s50 probe on the bundled corpus:
after "에너지바우처 대상이 누구예요?" was answered, "그거 말고 다른 건요?" got "어떤 점을 도와드릴까요?", and "다른
건요?", "이거 말고 비슷한 거 있어요?" and "anything else besides that?" the out-of-scope reply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.other_services import asks_for_others, others_query

PAGES = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.mark.parametrize("text", [
    "다른 건요?", "그거 말고 다른 건요?", "이거 말고 비슷한 거 있어요?", "또 있어요?", "다른 지원은요?", "그 외에는요?",
    "anything else?", "anything else besides that?", "any other services like this?", "other options?",
])
def test_asks_for_others(text: str) -> None:
    assert asks_for_others(text)


@pytest.mark.parametrize("text", [
    "다른 지역은요?", "다른 서류도 필요해요?", "다른 방법은 없나요?", "에너지바우처 대상이 누구예요?", "other documents?",
    "고마워요", "이 서비스는 언제까지 신청해요? 다른 사람이 대신 해도 되나요? 서류는 뭐가 필요하죠?",  # a question of its own
])
def test_no_others_asked(text: str) -> None:
    assert not asks_for_others(text)


def test_the_names_set_aside_leave_the_question() -> None:
    """In any case and spacing, each name the title goes by; a question that still says what is needed is kept."""
    assert others_query(("Energy voucher (에너지바우처)",), "heating", "Who can get the energy voucher?", None) \
        == "heating Who can get the ?"
    assert others_query(("에너지바우처",), "냉난방비(이용권) 지원", "에너지 바우처 대상이 누구예요?", None) == "냉난방비 지원 대상이 누구예요?"


def _page(title: str) -> str:
    """The bundled page of ``title`` (Korean or English), read from knowledge/."""
    return next(text for p in PAGES.rglob("*.md") if f"title: {title}\n" in (text := p.read_text(encoding="utf-8")))


def _cited(turn: Any) -> list[str]:
    return [c["title"] for m in turn.messages for c in (m.custom.get("citations") or [])]


def test_others_are_services_like_the_one_answered_and_never_it(make_processor: Any) -> None:
    """에너지바우처 is a 냉난방비 voucher; what is answered next is a heating (난방) programme of another title, and a
    third ask sets both aside (answered with a third, or told there is no other)."""
    p = make_processor()
    first = p.handle_message(UserMessage("others", "에너지바우처 대상이 누구예요?", "rest", {}))
    assert _cited(first)[0] == "에너지바우처"
    other = p.handle_message(UserMessage("others", "그거 말고 다른 건요?", "rest", {}))
    m = other.messages[0]
    assert m.custom.get("response") == "action_answer_from_knowledge", m.text
    titles = _cited(other)
    assert titles and not any("에너지바우처" in t for t in titles)
    assert "난방" in _page(titles[0])
    third = p.handle_message(UserMessage("others", "또 있어요?", "rest", {}))
    t = third.messages[0]
    assert t.custom.get("response") in ("action_answer_from_knowledge", "utter_no_other_service"), t.text
    assert not any("에너지바우처" in c or c == titles[0] for c in _cited(third))
    if t.custom.get("response") == "utter_no_other_service":
        assert "'에너지바우처' 말고" in t.text


def test_others_in_english(make_processor: Any) -> None:
    p = make_processor()
    p.handle_message(UserMessage("others-en", "Who can get the energy voucher?", "rest", {}))
    turn = p.handle_message(UserMessage("others-en", "anything else besides that?", "rest", {}))
    m = turn.messages[0]
    assert m.custom.get("response") in ("action_answer_from_knowledge", "utter_no_other_service"), m.text
    assert m.custom.get("language") == "en"
    assert not any("에너지바우처" in c for c in _cited(turn))


def test_without_an_answer_before_it_keeps_its_route(make_processor: Any) -> None:
    turn = make_processor().handle_message(UserMessage("others-none", "다른 건요?", "rest", {}))
    assert turn.messages[0].custom.get("response") != "utter_no_other_service"
