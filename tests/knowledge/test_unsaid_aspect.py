"""A service the documents have, named, asked only something its page never speaks of (``AnswerComposer.
_unsaid_of_named``): the answer says the page does not say it and quotes whom to ask, never the page whole as if it
answered. s57 probe on the bundled corpus: "에너지바우처 카드 잃어버렸어요" (I lost my energy voucher card) was answered
with the page's overview, eligibility and amounts, which say nothing of a card; "에너지바우처 카드 재발급 어떻게 해요"
abstained and asked the citizen to name the service they had named. Expected values are read from the bundled page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage

PAGE = Path(__file__).resolve().parents[2] / "knowledge" / "ko" / "energy-voucher.md"


def _section(name: str) -> str:
    """The text of the bundled energy-voucher page's section ``name`` (its "## name" heading to the next)."""
    text = PAGE.read_text(encoding="utf-8")
    m = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m is not None, f"the page has no section {name}"
    return m.group(1).strip()


def _title() -> str:
    m = re.search(r"^title: (.+)$", PAGE.read_text(encoding="utf-8"), re.M)
    assert m is not None
    return m.group(1).strip()


def _answer(router: Any, text: str) -> Any:
    turn = router.handle(UserMessage(f"unsaid-{abs(hash(text))}", text, "rest", {}))
    assert turn.answer is not None, turn.messages[0].text
    return turn.answer


@pytest.mark.parametrize("text", ["에너지바우처 카드 잃어버렸어요", "에너지바우처 카드 재발급 어떻게 해요"])
def test_what_a_named_page_never_says_is_said_so_with_whom_to_ask(bundled_router: Any, text: str) -> None:
    assert "카드" not in PAGE.read_text(encoding="utf-8"), "the page now speaks of a card: pick another word"
    answer = _answer(bundled_router, text)
    assert not answer.abstained, answer.text
    first = answer.text.splitlines()[0]
    assert f"'{_title()}'" in first and "'카드'" in first, first
    contact = _section("문의")
    assert contact in answer.text, answer.text
    # none of the page's other sections is quoted as if it answered
    assert _section("지원 대상").splitlines()[0] not in answer.text, answer.text
    assert [(c.title, c.section) for c in answer.citations] == [(_title(), "문의")]


@pytest.mark.parametrize("text", [
    "에너지바우처 등유도 돼요?",  # the page says 등유 (Kiwi may read 등 + 유도)
    "에너지바우처 신청 어떻게 해요",  # how to apply: the page says
    "에너지바우처 신청하려는데요, 카드 있어야 돼요?",  # told and asked in parts: answered as before
    "에너지바우처 카드 나이 제한 있어요?",  # an aspect asked (나이: who is eligible), which a section answers
])
def test_what_a_named_page_says_is_answered_from_it(bundled_router: Any, text: str) -> None:
    answer = _answer(bundled_router, text)
    assert not answer.abstained, answer.text
    assert "내용이 없어요" not in answer.text.splitlines()[0], answer.text
    assert answer.citations[0].title == _title()
