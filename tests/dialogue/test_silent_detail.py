"""An aspect asked of a detail the service just answered does not speak of (s42 closing note §3, probe H4: "전세임대주택
신청자격 알려주세요" then "보증금은 얼마까지 지원돼요?" answered 청년 월세 지원's 월 10만원: the word 보증금, absent
from the 전세임대 page, made it a question of its own). Such a detail, named by no document title, is asked of the
page answered: its own answer to the aspect, after a sentence that the page says nothing of the detail. A word a title
holds ("기차 할인" → 철도 공공할인) is still a question of its own, and a detail the page holds (학자금대출's 금리) is
answered plainly. Through the engine on the bundled corpus; the pages' words are checked in the pages themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def _say(p: Any, text: str, sender: str) -> Any:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def _titles(turn: Any) -> list[str]:
    return list(dict.fromkeys(c["title"] for m in turn.messages for c in m.custom.get("citations", [])))


def _page(name: str) -> str:
    return (KNOWLEDGE / "ko" / name).read_text(encoding="utf-8")


def test_a_detail_the_page_never_names_is_asked_of_that_page(make_processor: Any) -> None:
    assert "보증금" not in _page("jeonse-rental-housing.md")  # the premise, read from the page
    p = make_processor()
    _say(p, "전세임대주택 신청자격 알려주세요", "s-silent")
    turn = _say(p, "보증금은 얼마까지 지원돼요?", "s-silent")
    text = "\n".join(m.text for m in turn.messages)
    assert _titles(turn) == ["기존주택 전세임대주택 지원사업"], text
    assert "'보증금'에 관한 내용이 없어요" in text and "[지원 내용]" in text
    assert "월세 10만원" not in text


def test_in_english_the_aspect_word_is_no_detail(make_processor: Any) -> None:
    p = make_processor()
    _say(p, "What is the jeonse rental housing support?", "s-silent-en")
    turn = _say(p, "How much of the deposit is covered?", "s-silent-en")
    text = "\n".join(m.text for m in turn.messages)
    assert "기존주택 전세임대주택 지원사업" in _titles(turn)[0]
    assert "'covered'" not in text


@pytest.mark.parametrize(("first", "then", "cited", "silent"), [
    ("에너지바우처 알려주세요", "그럼 기차 할인은 얼마에요?", "철도 공공할인 서비스(경로)", False),  # a title's word: its own question
    ("학자금 대출 알려줘", "금리는 얼마예요?", "일반 상환 학자금대출", False),  # the page holds 금리
])
def test_a_titled_word_or_a_word_on_the_page_is_answered_plainly(make_processor: Any, first: str, then: str, cited: str,
                                                                silent: bool) -> None:
    p = make_processor()
    _say(p, first, "s-plain")
    turn = _say(p, then, "s-plain")
    text = "\n".join(m.text for m in turn.messages)
    assert _titles(turn)[0] == cited
    assert ("내용이 없어요" in text) is silent


def test_where_to_call_about_the_service_is_its_contact_not_a_person(make_processor: Any) -> None:
    """s43 probe: "전화 문의는 어디로 해요?" after an answer read as human_handoff in ten conversations ("상담원에게 연결해
    드릴게요"), and the next question waited for the agent. The page's 문의 line is its answer (energy-voucher.md)."""
    assert "1600-3190" in _page("energy-voucher.md")
    p = make_processor()
    _say(p, "에너지바우처 알려주세요", "s-contact")
    turn = _say(p, "전화 문의는 어디로 해요?", "s-contact")
    assert _titles(turn)[0] == "에너지바우처" and "1600-3190" in "\n".join(m.text for m in turn.messages)
    assert not p.load("s-contact").paused
    nxt = _say(p, "서류는요?", "s-contact")
    assert "[구비 서류]" in "\n".join(m.text for m in nxt.messages)
    asked = _say(p, "상담원 연결해 주세요", "s-contact")  # a person asked for is still a handoff
    assert p.load("s-contact").paused, [m.text for m in asked.messages]


def test_how_long_after_an_answer_asks_the_period_of_that_service(make_processor: Any) -> None:
    """s43 probe: "how long?" after an English answer was out of scope."""
    p = make_processor()
    _say(p, "What is the energy voucher?", "s-how-long")
    turn = _say(p, "how long?", "s-how-long")
    assert _titles(turn) and "Energy voucher" in _titles(turn)[0], [m.text for m in turn.messages]
    # s44: "long" is the question's own word, not a detail the page is silent on
    assert "says nothing about" not in turn.messages[0].text, turn.messages[0].text
