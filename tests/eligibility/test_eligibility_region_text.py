"""The region condition read from a service's own 지원대상/선정기준 text (:func:`text_area`).

The table rows are written by hand (phrases from the catalogue and made-up ones); the catalogue test
checks the set of services that gain an area from their text against the list read by hand (each of the
six texts names residence in one area as a condition of the whole service).
"""

from __future__ import annotations

import pytest

from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import REGION, Evaluation, evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.regions import Area, text_area

TEXT_TABLE: list[tuple[str, str, Area | None]] = [
    ("1. 현재 경상남도 거주 중이면서 거주기간이 3개월 이상인 분 중", "경남동행론", Area("경상남도", None)),
    ("경남 거주 청년", "", Area("경상남도", None)),
    ("목포시에 거주하는 65세 이상 노인", "", Area("전남광주통합특별시", "목포시")),
    ("제주특별자치도에 주민등록을 둔 사람", "", Area("제주특별자치도", None)),
    ("광진구 관내 거주자", "", Area("서울특별시", "광진구")),
    ("인천광역시 연수구 거주(소재)하는 전문예술단체", "", Area("인천광역시", "연수구")),
    ("- 충남도민 누구나 이용 가능", "", Area("충청남도", None)),
    ("포천시민", "", Area("경기도", "포천시")),
    ("서대문구민", "", Area("서울특별시", "서대문구")),
    ("경상남도 거주자. 창원시 거주 우대", "", Area("경상남도", None)),  # the broader reading
    # not read
    ("중구 거주자", "", None),  # which 중구?
    ("강남구민", "", Area("서울특별시", "강남구")),
    ("남구민", "", None),  # 남구 is in several 시·도
    ("영등포구 관내 고등학교 재학생", "", None),  # a school there, not residence
    ("영월군 관내 아동복지시설 이용 아동", "", None),
    ("경기도 거주자 제외", "", None),  # an exclusion
    ("화, 고령, 성주, 청송군 거주 임산부", "", None),  # the last item of a list
    ("서울특별시 거주 또는 경기도 소재 직장인", "", None),  # two regions
    ("부산 거주 청년 또는 경남 거주 청년", "", None),
    ("○ 가정폭력 피해여성 ○ 충남 거주 새터민", "", None),  # an alternative in a later item
    ("○ 국가유공자 ○ 부산시민(신분증)", "시티투어버스 이용요금 감면", None),  # fee reductions list alternatives
    ("주민등록상 고양시 거주자", "킨텍스 캠핑장 이용요금 감면", None),
    ("주민등록등본상 거주지 관할", "", None),  # no region named
    ("국내 거주 외국인", "", None),
    ("서울대학교 재학생", "", None),
    ("인천광역시 명예시민증 소지자", "", None),
]


@pytest.mark.parametrize(("text", "title", "area"), TEXT_TABLE)
def test_text_area_table(text: str, title: str, area: Area | None) -> None:
    assert text_area(text, title) == area


#: read by hand: every service whose agency is not a local government and whose text limits it to one area.
HAND_READ = {
    "B55370100029": Area("경상남도", None),  # 경남동행론: "현재 경상남도 거주 중이면서 거주기간이 3개월 이상"
    "O00022600025": Area("서울특별시", "광진구"),  # "광진구 거주자우선주차 배정자 중 모두의주차장 공유자"
    "O00085500004": Area("서울특별시", "동대문구"),  # "○동대문구 구민"
    "O00089500005": Area("울산광역시", None),  # "○ 공고일 현재 본인 또는 보호자 울산 거주자"
    "O00092100001": Area("인천광역시", "연수구"),  # "인천광역시 연수구 거주(소재)하는 전문예술단체"
    "O00108700001": Area("충청남도", None),  # "- 충남도민 누구나 이용 가능"
}


def test_catalogue_services_limited_by_their_text(gov24_catalogue: Catalogue) -> None:
    from test_eligibility_region_local import LOCAL_HAND_READ  # type: ignore[import-not-found]
    from test_eligibility_title_applicant import TITLE_HAND_READ  # type: ignore[import-not-found]

    cat = gov24_catalogue
    got = {s.service_id: cat.areas[int(cat.area_id[i])] for i, s in enumerate(cat.services) if cat.area_from_text[i]}
    # a named residence, a local agency's own area, or the agency's own area its title starts with
    assert got == {**HAND_READ, **LOCAL_HAND_READ, **TITLE_HAND_READ}


def test_gyeongnam_loan_is_not_for_a_seongnam_resident(gov24_catalogue: Catalogue) -> None:
    """The fresh user's profile: 67 years, 경기도 성남시, income 50 %: 경남동행론 is not_eligible by REGION."""
    facts = Facts(age=67, region="경기도 성남시", income_pct_median=50.0)
    (res,) = evaluate(gov24_catalogue, facts, ["B55370100029"])
    assert res.status == "not_eligible"
    region = [c for c in res.decided_by if c.code == REGION]
    assert [(c.value, c.meaning, c.meaning_en) for c in region] == [
        ("경상남도", "거주지: 경상남도 (지원대상 문구 기준)", "resident of Gyeongsangnam-do (from the eligibility text)")]
    ev = Evaluation(gov24_catalogue, facts)
    row = gov24_catalogue.index["B55370100029"]
    assert ev.explain(row)[0] == "not_eligible"
    # a resident of 경상남도 with the same facts is not turned away by the region
    (res,) = evaluate(gov24_catalogue, Facts(age=67, region="경남 창원시", income_pct_median=50.0), ["B55370100029"])
    assert REGION not in {c.code for c in res.decided_by} or res.status != "not_eligible"


def test_agency_area_wins_over_the_text() -> None:
    """A local government's service keeps its agency's area; a non-local one takes the text's."""
    cat = Catalogue.from_records([
        (ServiceInfo("L", "t", "u", "경기도 성남시", (), (), Area("경상남도", None)), {}),
        (ServiceInfo("N", "t", "u", "서민금융진흥원", (), (), Area("경상남도", None)), {}),
        (ServiceInfo("P", "t", "u", "서민금융진흥원", ()), {}),
    ])
    assert cat.areas[int(cat.area_id[0])] == Area("경기도", "성남시") and not cat.area_from_text[0]
    assert cat.areas[int(cat.area_id[1])] == Area("경상남도", None) and cat.area_from_text[1]
    assert cat.area_id[2] == -1
    ev = Evaluation(cat, Facts(region="경기도 성남시"))
    assert [int(s) for s in ev.groups["region"]] == [2, 0, 2]
    named = {r.service_id: [c.meaning for c in r.decided_by if c.code == REGION] for r in ev.results()}
    assert named["N"] == ["거주지: 경상남도 (지원대상 문구 기준)"]
