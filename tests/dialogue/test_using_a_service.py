"""A question about doing something with a catalogue service one has is asked of its page, not the eligibility
questionnaire (s57 probe on the catalogue): "아이돌봄 서비스 선생님 바꿀 수 있어요?" (can I change the childcare
teacher?) is check_eligibility 0.65 and names a catalogue service, so the questionnaire started on the service's coded
conditions ("만 나이가 어떻게 되세요?"); the bundled corpus, with no catalogue, answered from the page. "… 받을 수
있어요?" still starts it. The service's id is read from the catalogue rows."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.eligibility_route import USING_ASKED

CHANGE = "아이돌봄 서비스 선생님 바꿀 수 있어요?"


@pytest.mark.parametrize(("text", "using"), [
    (CHANGE, True), ("아이돌봄 서비스 시간 연장 되나요?", True), ("에너지바우처 카드 재발급 할 수 있어요?", True),
    ("국민내일배움카드 잃어버렸는데 어떻게 해요", True), ("Can I switch my childcare teacher?", True),
    ("아이돌봄 서비스 받을 수 있어요?", False), ("에너지바우처 신청할 수 있나요", False),
    ("Can I get the energy voucher?", False), ("아이돌봄 서비스 맞벌이인데 이용할 수 있어요?", False),
])
def test_what_asks_to_do_something_with_a_service(text: str, using: bool) -> None:
    assert bool(USING_ASKED.search(text)) is using


def _first(settings: Any, router: Any, text: str) -> Any:
    from assistant.app_state import build_processor
    from assistant.dialogue.messages import UserMessage
    from assistant.stores.trackers import SQLTrackerStore

    processor = build_processor(settings, router, SQLTrackerStore("sqlite://"), None)
    return processor.handle_message(UserMessage("using", text, "rest", {})).messages[0]


def _childcare_id() -> str:
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))
    ids = [str(r["서비스ID"]) for r in (rows["data"] if isinstance(rows, dict) else rows) if r["서비스명"] == "아이돌봄 서비스"]
    assert len(ids) == 1, ids
    return ids[0]


def test_changing_the_teacher_is_asked_of_the_page(gov24_settings: Any, gov24_router: Any) -> None:
    reply = _first(gov24_settings, gov24_router, CHANGE)
    assert reply.custom.get("response") != "utter_eligibility_offer_mydata", reply.text
    cited = reply.custom.get("citations") or []
    assert cited and cited[0]["doc_id"] == _childcare_id(), reply.text


def test_whether_one_can_get_it_still_starts_the_questionnaire(gov24_settings: Any, gov24_router: Any) -> None:
    reply = _first(gov24_settings, gov24_router, "아이돌봄 서비스 받을 수 있어요?")
    assert reply.custom.get("response") == "utter_eligibility_offer_mydata", reply.text
