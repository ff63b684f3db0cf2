"""A question about doing something with a catalogue service one has is asked of its page, not the eligibility
questionnaire (s57 probe on the catalogue): "아이돌봄 서비스 선생님 바꿀 수 있어요?" (can I change the childcare
teacher?) is check_eligibility 0.65 and names a catalogue service, so the questionnaire started on the service's coded
conditions ("만 나이가 어떻게 되세요?"); the bundled corpus, with no catalogue, answered from the page. "… 받을 수
있어요?" still starts it. The service's id is read from the catalogue rows."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.eligibility_route import asks_to_use
from catalogue_talk import first_reply  # type: ignore[import-not-found]

CHANGE = "아이돌봄 서비스 선생님 바꿀 수 있어요?"


@pytest.mark.parametrize(("text", "titles", "using"), [
    (CHANGE, ["아이돌봄 서비스"], True), ("아이돌봄 서비스 시간 연장 되나요?", ["아이돌봄 서비스"], True),
    ("에너지바우처 카드 재발급 할 수 있어요?", ["에너지바우처"], True),
    ("국민내일배움카드 잃어버렸는데 어떻게 해요", [], True), ("Can I switch my childcare teacher?", [], True),
    ("아이돌봄 서비스 받을 수 있어요?", ["아이돌봄 서비스"], False), ("에너지바우처 신청할 수 있나요", ["에너지바우처"], False),
    ("Can I get the energy voucher?", [], False), ("아이돌봄 서비스 맞벌이인데 이용할 수 있어요?", ["아이돌봄 서비스"], False),
    # the words inside a title named are its name, not a thing asked to do (안정지원 holds 정지, no word of these)
    ("훈련 연장급여 받을 수 있나요", ["훈련연장급여"], False), ("생활안정지원금 받을 수 있어요?", [], False),
    ("학업중단학생 학습지원 받을 수 있나요", ["의무교육단계 미취학‧학업중단학생 학습지원(꿈이음)"], False),
])
def test_what_asks_to_do_something_with_a_service(text: str, titles: list[str], using: bool) -> None:
    assert asks_to_use(text, titles) is using


def test_no_catalogue_title_asked_for_reads_as_using_it() -> None:
    """Every title of the catalogue, asked whether one can get it, is no request to do something with it (titles
    hold 연장, 중단 …: "훈련연장급여", "여수시 신혼부부 보금자리 지원 중단 신청")."""
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    rows = json.loads(path.read_text(encoding="utf-8"))
    titles = [str(r["서비스명"]) for r in (rows["data"] if isinstance(rows, dict) else rows)]
    assert [t for t in titles if asks_to_use(f"{t} 받을 수 있어요?", [t])] == []


def _childcare_id() -> str:
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))
    ids = [str(r["서비스ID"]) for r in (rows["data"] if isinstance(rows, dict) else rows) if r["서비스명"] == "아이돌봄 서비스"]
    assert len(ids) == 1, ids
    return ids[0]


def test_changing_the_teacher_is_asked_of_the_page(gov24_settings: Any, gov24_router: Any) -> None:
    reply = first_reply(gov24_settings, gov24_router, CHANGE)
    assert reply.custom.get("response") != "utter_eligibility_offer_mydata", reply.text
    cited = reply.custom.get("citations") or []
    assert cited and cited[0]["doc_id"] == _childcare_id(), reply.text


def test_whether_one_can_get_it_still_starts_the_questionnaire(gov24_settings: Any, gov24_router: Any) -> None:
    reply = first_reply(gov24_settings, gov24_router, "아이돌봄 서비스 받을 수 있어요?")
    assert reply.custom.get("response") == "utter_eligibility_offer_mydata", reply.text
