"""s45 probe turns on the real catalogue (../shared/data/gov24_benefits; skipped without it): a service named by its
parenthesised qualifier is no longer the answer; "who can get it?" quotes 선정기준 with 지원대상
(assistant/knowledge/composer.py ``CRITERIA_SECTION``); everyday words for family (손주, 영감) find the services the
catalogue words otherwise (assistant/knowledge/glossary_ko_colloquial.yaml). Expected ids and sections are read from
the imported documents."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def conv(gov24_settings: Settings, gov24_router: Any) -> Any:
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    return build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)


def _doc(router: Any, title: str, agency: str | None = None) -> Any:
    docs = [d for d in router.composer.index.docs.values() if d.title == title and (agency is None or d.agency == agency)]
    assert len(docs) == 1, (title, agency, len(docs))
    return docs[0]


def test_a_group_in_parentheses_does_not_name_a_service(conv: Any, gov24_router: Any) -> None:
    """s45 probe: answered with 의왕시 상하수도 요금 감면(장애인)."""
    jeonju = _doc(gov24_router, "장애인가정 양육비용 지원", "전북특별자치도 전주시")
    turn = conv.handle_message(UserMessage("qual", "전주 사는데 장애인 가정 양육비 지원 있나요", "rest"))
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited[:1] == [jeonju.doc_id], [m.text for m in turn.messages]


@pytest.mark.parametrize(("follow_up", "heading"), [("who can get it?", "[Selection criteria]"),
                                                    ("누가 대상이에요?", "[선정 기준]")])
def test_who_can_get_it_quotes_the_selection_criteria(conv: Any, gov24_router: Any, follow_up: str,
                                                      heading: str) -> None:
    """s45 probe: "who can get it?" about 연탄쿠폰 quoted 지원대상 only, without who is chosen (수급권자, 차상위 …)."""
    coupon = _doc(gov24_router, "연탄쿠폰")
    sender = f"crit-{heading}"
    conv.handle_message(UserMessage(sender, "연탄쿠폰 뭐예요", "rest"))
    turn = conv.handle_message(UserMessage(sender, follow_up, "rest"))
    answer = turn.messages[0]
    sections = [c["section"] for c in answer.custom.get("citations", []) if c["doc_id"] == coupon.doc_id]
    assert "지원대상" in sections and "선정기준" in sections, (sections, answer.text)
    criteria = next(c.text for c in gov24_router.composer._doc_chunks[coupon.doc_id] if c.section == "선정기준")
    first_line = next(line.strip() for line in criteria.splitlines() if line.strip())
    assert heading in answer.text and first_line[:20] in answer.text, answer.text


@pytest.mark.parametrize(("question", "title", "agency", "holds"), [
    # s45 probe: abstained; the colloquial 손주 is the catalogue's 조손 / 손자녀
    ("손주 키우는 할머니인데 대구 달서구 살아요 지원 있어요?", "달서구 조손가족 수당", "대구광역시 달서구", "조손"),
    # s45 probe: answered 참전유공자명예수당 (for living veterans); 영감 is the 배우자 the page names
    ("혹시 우리 영감이 참전유공자인디 돌아가셨어라 부산 남구 사는디 뭐 받을 수 있당가", "보훈명예수당 지급",
     "부산광역시 남구", "사망한 참전유공자의 배우자"),
])
def test_everyday_words_for_family_find_the_service(conv: Any, gov24_router: Any, question: str, title: str,
                                                    agency: str, holds: str) -> None:
    doc = _doc(gov24_router, title, agency)
    assert holds in " ".join(c.text for c in gov24_router.composer._doc_chunks[doc.doc_id])  # the premise
    turn = conv.handle_message(UserMessage(f"family-{title}", question, "rest"))
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited[:1] == [doc.doc_id], [m.text for m in turn.messages]
