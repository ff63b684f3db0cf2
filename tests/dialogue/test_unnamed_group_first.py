"""A service for people the question does not name is not presented as the answer for anyone (issue 2, s52 probe).

On the catalogue, "아버지 장례비 지원 받을 수 있나요" was answered with 아산시's 국가보훈대상자 장례비 지원 (for veterans'
families), the only strong hit, quoted whole as if for anyone's father: now it is listed with whom it is for, as a
national one already was. "치과 임플란트 노인 지원" was answered with 북한이탈주민 의료지원 (for North Korean
defectors), the one national hit among the regions' 의치보철 and 불소도포 programmes: a national service for an unnamed
group no longer leads them. The first test runs the engine over a few picked real records (../shared/data/gov24_benefits,
read at test time; skipped without it), the second the whole catalogue (slow); whom each is for is read from the rows.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.processor import MessageProcessor
from assistant.settings import Settings
from picked_catalogue import engine_over_picked, first_reply
from test_region_choices_fit import rows

PICK = {("국가보훈대상자 장례비 지원", "충청남도 아산시"), ("가정폭력피해자 치료회복 프로그램 및 의료비 지원", "성평등가족부"),
        ("금천구 구민안전보험", "서울특별시 금천구"), ("효행장려금 지급", "충청남도 태안군"),
        ("북한이탈주민 의료지원", "통일부")}


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    return engine_over_picked(PICK, bundled_settings, embedder, tmp_path_factory.mktemp("unnamed-group") / "home")


def row_of(title: str) -> dict[str, Any]:
    return next(r for r in rows() if r["서비스명"] == title and (r["서비스명"], r["소관기관명"]) in PICK)


def test_a_region_s_service_for_an_unnamed_group_is_listed_with_whom_it_is_for(engine: MessageProcessor) -> None:
    funeral = row_of("국가보훈대상자 장례비 지원")
    who = str(funeral["지원대상"]).splitlines()[0].strip(" ○")
    assert "보훈" in funeral["서비스명"] and who
    reply = first_reply(engine, "아버지 장례비 지원 받을 수 있나요", "funeral")
    cited = [c["doc_id"] for c in reply.custom.get("citations") or []]
    assert cited and cited[0] == str(funeral["서비스ID"]), reply.text
    assert who in reply.text and "[지원 대상]" not in reply.text and "[신청 방법]" not in reply.text, reply.text


@pytest.mark.slow
def test_a_national_service_for_an_unnamed_group_does_not_lead_the_regions(gov24_settings: Any, gov24_router: Any) -> None:
    """The whole catalogue (a small index does not rank 북한이탈주민 의료지원 among the regions' programmes)."""
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    defectors = {str(r["서비스ID"]) for r in rows() if "북한이탈주민" in str(r["서비스명"])}
    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    reply = first_reply(p, "치과 임플란트 노인 지원", "implant")
    cited = [c["doc_id"] for c in reply.custom.get("citations") or []]
    assert defectors and not set(cited) & defectors, reply.text
