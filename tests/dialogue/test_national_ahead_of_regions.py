"""A national service well ahead of the regions' programme, whose title names what theirs does not, answers; the
regions' versions are listed after it (assistant/knowledge/composer.py, the branch before ``regional_spread``).

s48 probe on the real catalogue: "폐렴 예방접종 무료인가요?" ranked 질병관리청's 65세 이상 폐렴구균 국가예방접종사업 first
(1.32) and two regions' 인플루엔자 예방접종 (0.98, 0.95) after it; the reply asked "어느 지역에 사세요?" among the
influenza programmes, never naming the pneumococcal one. On the catalogue home; the titles are read from the
catalogue's list."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from shared_paths import GOV24_DIR


def _titles(word: str) -> dict[str, str]:
    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))["data"]
    return {str(r["서비스ID"]): str(r["서비스명"]) for r in rows if word in str(r["서비스명"])}


def test_the_national_service_the_question_names_answers_with_the_regions_listed(gov24_router: Any) -> None:
    pneumococcal = _titles("폐렴")
    assert len(pneumococcal) == 1  # the catalogue's one pneumococcal programme (질병관리청's)
    turn = gov24_router.handle(UserMessage("pneumo", "폐렴 예방접종 무료인가요?", "rest", {}))
    answer = turn.answer
    assert answer is not None and not answer.abstained and not answer.regions, turn.messages[0].text
    assert answer.citations[0].doc_id in pneumococcal, turn.messages[0].text
    flu = _titles("인플루엔자")
    # the regions' influenza programmes that were asked about are still named, after it, for their residents
    assert any(c.doc_id in flu for c in answer.citations[1:]), [c.title for c in answer.citations]


def test_the_regions_programme_asked_for_still_asks_the_region(gov24_router: Any) -> None:
    turn = gov24_router.handle(UserMessage("flu", "인플루엔자 예방접종 무료로 맞을 수 있나요?", "rest", {}))
    assert turn.answer is not None and turn.answer.regions, [m.text for m in turn.messages]


@pytest.mark.parametrize("text", ["임신했는데 받을 수 있는 거 있어요?", "임신했는데 받을 수 있는 지원 뭐 있어요?",
                                  "I'm pregnant. What help is there?"])
def test_a_national_service_of_the_question_answers_before_regions_narrower_programmes(gov24_router: Any, text: str) -> None:
    """s48 probe: "임신했는데 받을 수 있는 거 있어요?" asked a region among regions' 엽산제·철분제 and 친환경농산물
    programmes; 보건복지부's 건강보험 임신·출산 진료비 지원 (every insured pregnancy) ranked third at 0.92 of the first.
    s54 probe: said with 지원 뭐, it ranked fourth at 0.87 of the first among the regions' kind of help, and was
    passed over for being of their kind; said in English, fourth at 0.88, and passed over for naming the question's
    word only in Korean."""
    national = {k: v for k, v in _titles("임신").items() if v == "건강보험 임신·출산 진료비 지원"}
    assert len(national) == 1
    turn = gov24_router.handle(UserMessage("pregnant", text, "rest", {}))
    answer = turn.answer
    assert answer is not None and not answer.abstained and not answer.regions, turn.messages[0].text
    assert answer.citations[0].doc_id in national, turn.messages[0].text


def test_a_national_service_for_a_narrow_group_does_not_answer_for_everyone(gov24_router: Any) -> None:
    """The national service that answers before the regions' must not be for a group the question does not name:
    "결혼하면 지원금 나오는 데 있나요" was answered, while this was written, with 결혼이민자 역량강화지원 (for marriage
    migrants; its title holds 결혼) instead of the regions' 결혼축하금 (bench/life_event_questions.yaml)."""
    migrants = {k for k, v in _titles("결혼이민자").items()}
    assert migrants
    turn = gov24_router.handle(UserMessage("marry", "결혼하면 지원금 나오는 데 있나요", "rest", {}))
    assert turn.answer is not None and not turn.answer.abstained, turn.messages[0].text
    assert turn.answer.citations[0].doc_id not in migrants, turn.messages[0].text
