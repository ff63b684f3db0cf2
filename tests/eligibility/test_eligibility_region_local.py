"""The region of services run by local public enterprises and foundations (connectors/eligibility/regions_local.py).

The agency table and the text table are written by hand; the catalogue test checks the set of services of the real
snapshot that gain their agency's area from :func:`local_agency_area` against the list read by hand (all 118 services
of 지방공기업 and 지방출자·출연기관 were read; the 19 below restrict by residence, the others do not: see
NOT_RESTRICTED for the ones the issue named)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import REGION, evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.regions import Area, text_area
from connectors.eligibility.regions_local import agency_locality, local_agency_area

AGENCIES: list[tuple[str, Area | None]] = [
    ("광진구시설관리공단", Area("서울특별시", "광진구")),
    ("목포시의료원", Area("전남광주통합특별시", "목포시")),
    ("제주특별자치도개발공사", Area("제주특별자치도", None)),
    ("강원특별자치도삼척의료원", Area("강원특별자치도", "삼척시")),
    ("서울특별시금천구시설관리공단", Area("서울특별시", "금천구")),
    ("(재)달성교육재단", Area("대구광역시", "달성군")),
    ("재단법인시흥시인재양성재단", Area("경기도", "시흥시")),
    ("고양도시관리공사", Area("경기도", "고양시")),
    ("부산시설공단", Area("부산광역시", None)),
    ("광주환경공단", Area("전남광주통합특별시", None)),  # 광주 = the former 광주광역시
    ("울산광역시중구도시관리공단", Area("울산광역시", "중구")),
    ("중구시설관리공단", None),  # 중구 of which 시·도?
    ("한국전력공사", None),
    ("서민금융진흥원", None),
]


@pytest.mark.parametrize(("agency", "area"), AGENCIES)
def test_agency_locality(agency: str, area: Area | None) -> None:
    assert agency_locality(agency) == area


TEXTS: list[tuple[str, str, str, Area | None]] = [
    ("관내 만 18세 이상 성인 중 초등학력 미이수자", "초등학력 인정 문해교실", "기장군도시관리공단", Area("부산광역시", "기장군")),
    ("○ (공통)충남도내 주소를 두고 있는 만 65세 이상 취약계층", "무료검진", "충청남도홍성의료원", Area("충청남도", None)),
    ("본원을 이용하는 지역주민", "심방세동 관리", "전북특별자치도남원의료원", Area("전북특별자치도", None)),
    ("경형자동차 소지자", "거주자우선주차 요금감면(경차)", "광진구시설관리공단", Area("서울특별시", "광진구")),
    ("주소지가 경기도인 예술인 및 단체", "활동비 지원", "고양문화재단", Area("경기도", None)),
    ("공고일 현재 부모의 주민등록이 화성시에 1년 이상 되어 있는 사람", "장학금", "화성시인재육성재단", Area("경기도", "화성시")),
    # not restricted
    ("장애인", "공영주차장 이용요금 감면(장애인)", "광진구시설관리공단", None),  # anyone who parks there
    ("기존주택등 매도 신청자", "기존주택 매입 사업", "제주특별자치도개발공사", None),  # a seller may live anywhere
    ("영월군 관내 아동복지시설 이용 아동", "건강증진", "강원특별자치도영월의료원", None),  # a facility there
    ("○ 영등포구 관내 고등학교 2, 3학년 학생", "장학금", "재단법인영등포구미래교육재단", None),  # a school there
    ("영등포구 소재, 거주 초등학교 3학년", "오케스트라", "재단법인영등포문화재단", None),  # sited or living
    ("세종시 초·중·고등학생(거주 또는 재학)", "장학금", "재단법인세종특별자치시인재육성평생교육진흥원", None),
    ("○ 평창군에 주소를 두고 있는 주민 ○ 국가유공자", "캠핑장 이용요금 감면", "평창군시설관리공단", None),  # alternatives
    ("○ 국가유공자 ○ 관내 거주자", "교육 지원", "광진구시설관리공단", None),  # residence in a later item only
    ("· 도내 전통시장, 상점가", "통큰 세일", "재단법인경기도시장상권진흥원", None),  # 도내 shops, not residence
    ("부산 거주 청년", "청년 지원", "서울시설공단", None),  # another 시·도 named
    ("관내 거주자", "지원", "경기도 성남시", None),  # a local government: agency_area decides
]


@pytest.mark.parametrize(("text", "title", "agency", "area"), TEXTS)
def test_local_agency_area(text: str, title: str, agency: str, area: Area | None) -> None:
    assert local_agency_area(text, title, agency) == area


#: read by hand: the snapshot's services of local public enterprises and foundations that gain their agency's area.
LOCAL_HAND_READ = {
    "348000000350": Area("대구광역시", "달성군"),  # "달성군에 등록기준지 및 주소지를 2년이상 두고 있는 군민 또는 그의 자녀"
    "O00228500002": Area("대구광역시", "달성군"),  # the same condition (달성 장학금(글로벌))
    "O00021200005": Area("부산광역시", "기장군"),  # "관내 만 18세 이상 성인 중 초등학력 미이수자"
    "O00022600012": Area("서울특별시", "광진구"),  # 거주자우선주차 요금감면(경차)
    "O00023000001": Area("서울특별시", "도봉구"),  # 거주자우선주차 요금감면
    "O00024200004": Area("서울특별시", "종로구"),  # 종로구 거주자우선주차 요금감면
    "O00026200004": Area("인천광역시", None),  # "만 65세 이상 고령자 [인천관내 8개 구(도서지역 제외)]"
    "O00043900003": Area("경기도", None),  # "신청자격 : 경기도 거주 '장애인복지법' 제32조에 따라 등록된 19세 이상 장애인"
    "O00046400015": Area("경기도", None),  # 고양문화재단: "주소지가 경기도인 예술인 및 단체"
    "O00049300006": Area("경기도", "남양주시"),  # "기본요건 : 관내 만 18세 미만 ... 4자녀 이상 가구"
    "O00051300006": Area("경기도", "시흥시"),  # "거주요건 - ... 주민등록초본 상 시흥시에서 1년 이상 연속 거주자"
    "O00058400005": Area("경기도", "화성시"),  # "본인 또는 부모·친권자의 주민등록이 화성시에 1년 이상"
    "O00066700004": Area("경상북도", "영양군·봉화군·고령군·성주군·청송군"),  # 안동의료원: "영양, 봉화, 고령, 성주, 청송군 거주 임산부" (s9: the five 군)
    "O00081200001": Area("부산광역시", "수영구"),  # "부산 수영구에 3년 이상 주소가 되어 있으며, 사실상 거주"
    "O00100600007": Area("전북특별자치도", None),  # 남원의료원: "본원을 이용하는 지역주민" (extent not given: the 시·도)
    "O00101100007": Area("전북특별자치도", None),  # "전북 지역에서 음악활동을 영위하는 도민 누구나"
    "O00107500001": Area("충청남도", None),  # "충청남도에 계속하여 1년 이상 거주중인 대학교 재학생"
    "O00109100011": Area("충청남도", None),  # 홍성의료원: "(공통)충남도내 주소를 두고 있는 만 65세 이상 취약계층"
    "O00113600003": Area("충청북도", None),  # "충청북도에 주소를 두고, 활동 실적 등이 있는 문화예술단체 및 예술인"
    "O00388400008": Area("강원특별자치도", None),  # "강원특별자치도 내 주소를 둔 19세 이상 등록 장애인"
}
#: the services the issue named, read by hand: no residence condition in their text (they stay unrestricted).
NOT_RESTRICTED = {
    "O00097000001",  # 목포시의료원 공공보건의료지원: 영암·장성·곡성·신안 women, 새터민, 노숙인, 외국인근로자 …
    "O00030500002",  # 제주특별자치도개발공사 기존주택 매입: "기존주택등 매도 신청자"
    "O00022600001",  # 광진구시설관리공단 공영주차장 감면(장애인): "장애인"
    "O00022600035",  # 광진구시설관리공단 문화체육시설 감면(병역명문가): "병역명문가"
}


def test_catalogue_services_of_local_agencies(gov24_catalogue: Catalogue, gov24_dir: Path) -> None:
    rows = {r["서비스ID"]: r for r in json.loads((gov24_dir / "gov24_serviceDetail_snapshot.json").read_text("utf-8"))["data"]}
    got = {}
    for sid, r in rows.items():
        text = "\n".join(str(r.get(k) or "") for k in ("지원대상", "선정기준"))
        if text_area(text, r["서비스명"]) is None and (a := local_agency_area(text, r["서비스명"], r["소관기관명"])):
            got[sid] = a
    assert got == LOCAL_HAND_READ
    cat = gov24_catalogue
    for sid in NOT_RESTRICTED:  # the text gives no area; a local public body's name may (inferred, text_groups issue)
        row = cat.index[sid]
        assert not cat.area_from_text[row] and (cat.area_id[row] == -1 or cat.area_inferred[row]), sid
    for sid, area in LOCAL_HAND_READ.items():
        assert cat.areas[int(cat.area_id[cat.index[sid]])] == area and cat.area_from_text[cat.index[sid]], sid


def test_a_seoul_resident_is_not_offered_gijang_literacy_classes(gov24_catalogue: Catalogue) -> None:
    (res,) = evaluate(gov24_catalogue, Facts(age=70, region="서울특별시 광진구"), ["O00021200005"])
    assert res.status == "not_eligible"
    assert [c.value for c in res.decided_by if c.code == REGION] == ["부산광역시 기장군"]
    (res,) = evaluate(gov24_catalogue, Facts(age=70, region="부산 기장군"), ["O00021200005"])
    assert REGION not in {c.code for c in res.decided_by if res.status == "not_eligible"}
