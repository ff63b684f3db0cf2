"""A section the question asks about is quoted whole (up to ASKED_EXCERPT_CHARS), others stay short.

s33 fresh-user probe: "생계급여 받고 있고 애가 셋인데 에너지바우처 받을 수 있나요?" quoted 에너지바우처's 지원 대상 cut at
"한부모가족 …", before 다자녀 가구 (the citizen's own group) and the exclusion; "지원 대상 전부 보여주세요" got the same
cut. The expected text is the bundled page's own section, read from knowledge/ko/energy-voucher.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.composer import ASKED_EXCERPT_CHARS, ELIGIBILITY_EXCERPT_CHARS, EXCERPT_CHARS

KO = Path(__file__).resolve().parents[2] / "knowledge/ko"


def _section(page: str, heading: str) -> str:
    """The text under ``## heading`` of a bundled page, stripped."""
    text = (KO / page).read_text(encoding="utf-8").split("---", 2)[2]
    m = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m is not None, f"{page} has no '## {heading}'"
    return m.group(1).strip()


def test_the_page_section_is_longer_than_a_short_excerpt() -> None:
    """The premise: 에너지바우처's 지원 대상 is cut at the short excerpt length, and fits the asked one."""
    section = _section("energy-voucher.md", "지원 대상")
    assert EXCERPT_CHARS < len(section) <= ASKED_EXCERPT_CHARS
    assert "다자녀 가구" in section[EXCERPT_CHARS:]


@pytest.mark.parametrize("question", ["생계급여 받고 있고 애가 셋인데 에너지바우처 받을 수 있나요?",
                                      "에너지바우처 지원 대상 전부 보여주세요"])
def test_the_eligibility_asked_about_is_quoted_whole(bundled_router, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_router.handle(UserMessage("asked-whole", question, "rest", {})).answer
    assert answer is not None and not answer.abstained
    assert answer.citations[0].section == "지원 대상"
    assert _section("energy-voucher.md", "지원 대상") in answer.text


def test_a_section_not_asked_about_stays_short_but_who_is_eligible(make_processor) -> None:  # type: ignore[no-untyped-def]
    """"에너지바우처 알려줘" asks nothing in particular: each section quoted is the short excerpt, but who is eligible,
    quoted whole up to ELIGIBILITY_EXCERPT_CHARS (s38 fresh-user probe: the list cut before 다자녀 가구 can read as not
    including the citizen)."""
    turn = make_processor().handle_message(UserMessage("asked-whole-2", "에너지바우처 알려줘", "rest", {}))
    assert [m.custom.get("response") for m in turn.messages] == ["action_answer_from_knowledge"]
    text = turn.messages[0].text
    section = _section("energy-voucher.md", "지원 대상")
    assert len(section) <= ELIGIBILITY_EXCERPT_CHARS and f"[지원 대상]\n{section}" in text
    quoted = re.findall(r"\n\[([^\]]+)\]\n(.*?)(?=\n\n|\Z)", text, re.S)
    assert quoted and all(len(q) <= EXCERPT_CHARS + 2 for name, q in quoted if name != "지원 대상")


@pytest.mark.parametrize("question", ["65세 이상 폐렴 예방접종 무료인가요?", "Is the pneumococcal vaccine free for people over 65?"])
def test_is_it_free_quotes_what_is_paid_for(bundled_router, question: str) -> None:  # type: ignore[no-untyped-def]
    """s33 probe: "…무료인가요?" got who qualifies and how to apply, not 지원 내용 (무료/free was no cost cue)."""
    answer = bundled_router.handle(UserMessage("free", question, "rest", {})).answer
    assert answer is not None and not answer.abstained
    assert "폐렴" in answer.citations[0].title or "neumococcal" in answer.citations[0].title
    assert any(c.section in ("지원 내용", "What you get") for c in answer.citations), [c.section for c in answer.citations]


def test_an_english_section_longer_than_its_first_chunk_is_quoted_whole(bundled_router) -> None:  # type: ignore[no-untyped-def]
    """s39 fresh-user probe: "can I get the energy voucher?" quoted who is eligible up to its first chunk's end ("… a
    patient with a severe, rare or severe intractable disease …,") with no mark: single-parent, child-headed and
    multi-child households and the exclusion were left out. The section comes whole, its items at their depth."""
    page = (KO.parent / "en" / "energy-voucher.md").read_text(encoding="utf-8").split("---", 2)[2]
    m = re.search(r"^## Who is eligible\s*$(.*?)(?=^## |\Z)", page, re.M | re.S)
    assert m is not None
    section = m.group(1).strip()
    assert "single-parent" in section and len(section) <= ASKED_EXCERPT_CHARS
    answer = bundled_router.handle(UserMessage("asked-whole-en", "can I get the energy voucher?", "rest", {})).answer
    assert answer is not None and not answer.abstained and answer.language == "en"
    assert section in answer.text, answer.text
