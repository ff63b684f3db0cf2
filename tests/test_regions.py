"""assistant/regions.py: places read one way for the composer, the dialogue and the eligibility connector.

Expected values are written out by hand from the official names (행정안전부 행정구역; the catalogue's agency names),
not computed with the module's own helpers; the catalogue sweep compares with the connector's own rule."""

from __future__ import annotations

import json

import pytest

from assistant import regions
from assistant.knowledge import composer
from connectors.eligibility.regions import Area, agency_area
from shared_paths import GOV24_DIR


def test_the_composer_names_are_the_shared_functions() -> None:
    for name in ("agency_regions", "programme_core", "programme_core_title", "region_match"):
        assert getattr(composer, name) is getattr(regions, name)
    assert composer._region_names is regions.region_names


@pytest.mark.parametrize(("agency", "parts"), [
    ("충청북도 옥천군", ("충청북도", "옥천군")), ("경기도", ("경기도",)), ("전남광주통합특별시 북구", ("전남광주통합특별시", "북구")),
    ("국토교통부", ()), ("", ()),
    # an education office, a local foundation, enterprise or hospital is its place's own body (s14: they were read as
    # naming no region, so a national-only search and the answer counted them as the nation's)
    ("고양시청소년재단", ("경기도", "고양시")), ("서울특별시교육청", ("서울특별시",)), ("경기도교육청", ("경기도",)),
    ("재단법인종로복지재단", ("서울특별시", "종로구")), ("대구의료원", ("대구광역시",)),
    ("강원특별자치도영월의료원", ("강원특별자치도", "영월군")), ("(재)달성교육재단", ("대구광역시", "달성군")),
    ("전남광주통합특별시교육청", ("전남광주통합특별시",)), ("부산시설공단", ("부산광역시",)),
    # national bodies, although the name starts with a place
    ("인천국제공항공사", ()), ("서울올림픽기념국민체육진흥공단", ()), ("한국장학재단", ()),
])
def test_agency_regions(agency: str, parts: tuple[str, ...]) -> None:
    assert regions.agency_regions(agency) == parts


def catalogue_rows() -> list[dict[str, str]]:
    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return list(rows.get("data", rows) if isinstance(rows, dict) else rows)


def test_every_catalogue_agency_is_read_as_the_eligibility_connector_reads_it() -> None:
    """A local government (시·도, 시·군·구) is read by the connector's rule, part for part."""
    agencies = {str(r.get("소관기관명") or "") for r in catalogue_rows()}
    local = 0
    for agency in agencies:
        area = agency_area(agency)
        if area is not None:
            assert regions.agency_regions(agency) == tuple(p for p in (area.sido, area.sigungu) if p), agency
        local += area is not None
    assert local > 200  # the snapshot's 시·도 and 시·군·구 (222 시·군·구 agencies)


#: the catalogue's own kinds of agency (serviceList 소관기관유형): national ones and every other
NATIONAL_TYPES = {"중앙행정기관", "공공기관"}
LOCAL_TYPES = {"광역시도", "시군구", "교육청", "지방공기업", "지방출자_출연기관"}


def test_an_agency_names_a_region_exactly_when_the_catalogue_calls_it_local() -> None:
    """Every service's 소관기관명 is read as naming a region exactly when its 소관기관유형 is a local one; counted by
    hand from the snapshot: 26 services of 교육청, 59 of 지방공기업 and 59 of 지방출자_출연기관 were read as national
    before s14 (168 services are 중앙행정기관 or 공공기관)."""
    rows = catalogue_rows()
    assert {r["소관기관유형"] for r in rows} == NATIONAL_TYPES | LOCAL_TYPES
    wrong = [(r["소관기관명"], r["소관기관유형"]) for r in rows
             if bool(regions.agency_regions(r["소관기관명"])) != (r["소관기관유형"] in LOCAL_TYPES)]
    assert wrong == []
    kinds = [r["소관기관유형"] for r in rows if agency_area(r["소관기관명"]) is None and regions.agency_regions(r["소관기관명"])]
    assert (kinds.count("교육청"), kinds.count("지방공기업"), kinds.count("지방출자_출연기관"), len(kinds)) == (26, 59, 59, 144)
    assert sum(r["소관기관유형"] in NATIONAL_TYPES for r in rows) == 168


def test_an_education_office_is_its_province() -> None:
    """Each 교육청 of the snapshot is its 시·도's (the 시·도 its name starts with, from the official list)."""
    offices = {r["소관기관명"] for r in catalogue_rows() if r["소관기관유형"] == "교육청"}
    assert len(offices) == 16
    for office in offices:
        (sido,) = [s for s in regions.SIDO if office == s + "교육청"]
        assert regions.agency_regions(office) == (sido,)


@pytest.mark.parametrize(("part", "names"), [
    ("옥천군", {"옥천군", "옥천"}),
    ("중구", {"중구"}),  # a one-syllable stem is no name of its own
    ("충청북도", {"충청북도", "충청북", "충북"}),
    ("서울특별시", {"서울특별시", "서울", "서울시"}),
    ("전북특별자치도", {"전북특별자치도", "전북", "전라북도", "전라북"}),
    ("전남광주통합특별시", {"전남광주통합특별시", "전남광주", "전남", "전라남도", "전라남", "광주", "광주광역시"}),
])
def test_region_names(part: str, names: set[str]) -> None:
    assert regions.region_names(part) == names


@pytest.mark.parametrize(("agency", "where", "expected"), [
    ("경기도 안양시", "안양이요", 1), ("경기도 안양시", "경기도 안양시에 살아요", 2), ("충청북도 옥천군", "충북 옥천", 2),
    ("충청북도 옥천군", "충북옥천군", 2),
    ("서울특별시 중구", "부산 중구", 0), ("서울특별시 중구", "부산중구", 0), ("부산광역시 중구", "부산 중구", 2),
    ("경기도", "경기도 안양시", 1), ("국토교통부", "안양", 0), ("경기도 안양시", "", 0),
    # the 2026 merger: 광주광역시 and 전라남도 are 전남광주통합특별시, so their old and short names name it
    ("전남광주통합특별시 여수시", "전남 여수", 2), ("전남광주통합특별시 순천시", "전라남도 순천시", 2),
    ("전남광주통합특별시 북구", "광주 북구", 2), ("전남광주통합특별시 북구", "광주광역시 북구에 살아요", 2),
    # 광주 alone is the former 광주광역시; with 경기 it is 경기도 광주시
    ("전남광주통합특별시 북구", "경기 광주시", 0), ("경기도 광주시", "경기 광주시", 2), ("경기도 광주시", "광주 북구", 0),
    ("경기도", "경기 광주시", 1),
])
def test_region_match(agency: str, where: str, expected: int) -> None:
    assert regions.region_match(agency, where) == expected


@pytest.mark.parametrize(("title", "agency", "core", "core_title"), [
    ("안양 청년 월세 지원", "경기도 안양시", "청년월세", "청년 월세 지원"),
    ("청년월세 지원사업", "부산광역시 중구", "청년월세", "청년월세 지원사업"),
    ("(창원시) 출산축하금(시민1주년 축하금)", "경상남도 창원시", "출산축하금", "출산축하금"),
    ("광주 북구 아빠 육아휴직 장려금 지원", "전남광주통합특별시 북구", "아빠육아휴직장려금", "아빠 육아휴직 장려금 지원"),
    ("서울시 난임부부 시술비 지원", "서울특별시", "난임부부시술비", "난임부부 시술비 지원"),
    ("청년월세 특별지원", "국토교통부", "청년월세특별", "청년월세 특별지원"),
])
def test_programme_core(title: str, agency: str, core: str, core_title: str) -> None:
    assert regions.programme_core(title, agency) == core
    assert regions.programme_core_title(title, agency) == core_title


@pytest.mark.parametrize(("text", "area"), [
    ("안양이요", Area("경기도", "안양시")), ("충북 옥천군에 살아요", Area("충청북도", "옥천군")), ("부산", Area("부산광역시", None)),
    ("I live in Anyang", Area("경기도", "안양시")), ("Anyang", Area("경기도", "안양시")), ("Okcheon-gun", Area("충청북도", "옥천군")),
    ("Seongnam, Gyeonggi-do", Area("경기도", "성남시")), ("I live in Busan.", Area("부산광역시", None)),
    ("중구", None), ("Jung-gu", None),  # several 시·도 have one: not guessed
    ("청년 월세 지원", None), ("Is there rent support for young people?", None), ("", None),
])
def test_read_place(text: str, area: Area | None) -> None:
    assert regions.read_place(text) == area


@pytest.mark.parametrize(("place", "language", "expected"), [
    ("부산광역시", "en", "Busan"), ("경기도 안양시", "en", "Anyang-si, Gyeonggi-do"), ("충청북도 옥천군", "en", "Okcheon-gun, Chungcheongbuk-do"),
    ("서울특별시 중구", "en", "Jung-gu, Seoul"), ("부산광역시", "ko", "부산광역시"), ("Busan", "en", "Busan"),
    ("국토교통부", "en", "국토교통부"),  # an agency's own name: no English form here
])
def test_place_for_language(place: str, language: str, expected: str) -> None:
    assert regions.place_for_language(place, language) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Haeundae", True), ("Haeundae-gu", True), ("Bundang-gu, Seongnam", True), ("Jung-gu", True), ("Busan.", True),
    ("부산 해운대구", True), ("해운대구", True), ("분당", True),
    ("해운대구요", False), ("I live in Busan", False), ("yes", False), ("123", False), ("", False), ("soul", False),
])
def test_only_place_names(text: str, expected: bool) -> None:
    """Fresh-user s10 #3: a reply that is only a place name says nothing about the conversation's language."""
    assert regions.only_place_names(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    # fresh-user s10 #2: a 일반구 said without its unit kept only its city (행정구역: 성남시 분당구, 용인시 수지구 …)
    ("I live in Bundang", "경기도 성남시 분당구"), ("Bundang", "경기도 성남시 분당구"), ("Suji", "경기도 용인시 수지구"),
    ("Dongtan", "경기도 화성시 동탄구"), ("Jinhae", "경상남도 창원시 진해구"), ("Deogyang-gu", "경기도 고양시 덕양구"),
    ("I live in Ilsan", "경기도 고양시"), ("Masan", "경상남도 창원시"),  # 일산동구/일산서구, 마산합포구/마산회원구: the city
    ("I live in Seongnam", "경기도 성남시"),
])
def test_english_general_gu_with_or_without_its_unit(text: str, expected: str) -> None:
    from connectors.eligibility.regions_en import english_general_gu, find_english_region

    area = find_english_region(text)
    assert area is not None and english_general_gu(area, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("분당 살아요", "경기도 성남시 분당구"), ("분당에 살아요", "경기도 성남시 분당구"), ("수지요", "경기도 용인시 수지구"),
    ("동탄 살아요", "경기도 화성시 동탄구"), ("일산이요", "경기도 고양시"), ("성남 살아요", "경기도 성남시"),
])
def test_korean_general_gu_stem(text: str, expected: str) -> None:
    from connectors.eligibility.regions import general_gu_place, places_in_text

    (area,) = places_in_text(text)
    assert general_gu_place(area, text) == expected
