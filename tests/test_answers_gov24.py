"""Answers on the real catalogue (../shared/data/gov24_benefits): right service, cited; abstain otherwise.

Expected service ids were read off the catalogue records by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.dialogue.messages import UserMessage

pytestmark = pytest.mark.slow
NURI = "000000465790"  # 유아학비 (누리과정) 지원, 교육부


def ask(router, text: str) -> dict:  # type: ignore[no-untyped-def]
    return router.handle(UserMessage("t", text, "cli")).to_json()


def test_issue_example_kindergarten_fees(gov24_router) -> None:  # type: ignore[no-untyped-def]
    out = ask(gov24_router, "유치원 다니는 4살 아이 학비 지원 받을 수 있나요?")
    assert not out["abstained"] and out["language"] == "ko"
    top = out["citations"][0]
    assert top["doc_id"] == NURI
    assert top["title"] == "유아학비 (누리과정) 지원" and top["agency"] == "교육부"
    assert top["url"] == f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{NURI}"
    assert top["updated_at"] == "2026-01-29"
    sections = {c["section"] for c in out["citations"]}
    assert {"지원대상", "신청방법"} <= sections
    assert "유아학비 (누리과정) 지원" in out["text"]
    assert "복지로" in out["text"]  # how to apply, quoted from 신청방법


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("연탄보일러 쓰는데 연탄값 지원되나요", "연탄쿠폰"),
        ("에너지바우처 신청은 어디서 해요?", "에너지바우처"),
        ("딸이 HPV 예방접종 무료로 맞을 수 있나요?", "HPV 국가예방접종사업"),
        ("에너지바우쳐신청어디서해요", "에너지바우처"),
    ],
)
def test_korean_questions_find_named_service(gov24_router, question: str, title: str) -> None:  # type: ignore[no-untyped-def]
    out = ask(gov24_router, question)
    assert not out["abstained"]
    assert out["citations"][0]["title"] == title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("How do I apply for the energy voucher for heating and cooling costs?", "에너지바우처"),
        ("Is there support for kindergarten fees for 3 to 5 year olds?", "유아학비 (누리과정) 지원"),
    ],
)
def test_english_question_gets_the_same_service(gov24_router, question: str, title: str) -> None:  # type: ignore[no-untyped-def]
    out = ask(gov24_router, question)
    assert out["language"] == "en"
    assert not out["abstained"], out
    assert out["citations"][0]["title"] == title
    assert "Source:" in out["text"]


def test_out_of_corpus_questions_abstain(gov24_router) -> None:  # type: ignore[no-untyped-def]
    questions = yaml.safe_load((Path(__file__).parent / "data" / "out_of_corpus.yaml").read_text(encoding="utf-8"))["questions"]
    answered = [q for q in questions if ask(gov24_router, q)["citations"]]  # small talk replies are fine, documents are not
    assert answered == []


def test_weather_gets_honest_fallback(gov24_router) -> None:  # type: ignore[no-untyped-def]
    out = ask(gov24_router, "오늘 서울 날씨 어때요?")
    assert out["abstained"] and out["citations"] == []
    assert "답" in out["text"] or "안내" in out["text"]
