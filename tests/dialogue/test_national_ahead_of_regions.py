"""A national service well ahead of the regions' programme, whose title names what theirs does not, answers; the
regions' versions are listed after it (assistant/knowledge/composer.py, the branch before ``regional_spread``).

s48 probe on the real catalogue: "폐렴 예방접종 무료인가요?" ranked 질병관리청's 65세 이상 폐렴구균 국가예방접종사업 first
(1.32) and two regions' 인플루엔자 예방접종 (0.98, 0.95) after it; the reply asked "어느 지역에 사세요?" among the
influenza programmes, never naming the pneumococcal one. On the catalogue home; the titles are read from the
catalogue's list."""

from __future__ import annotations

import json
from typing import Any

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
