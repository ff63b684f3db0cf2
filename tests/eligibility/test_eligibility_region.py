"""The region condition: a local government's service is limited to its residents.

* :func:`agency_area` over every distinct agency name of the real catalogue, checked against the
  catalogue's own 소관기관유형 (광역시도 / 시군구 = a local government), plus hand-written rows;
* :func:`normalise_region` (short and former names, errors that name the valid 시·도);
* the vectorised region group against a plain scalar reading, on a synthetic catalogue;
* the ``region`` fact through the HTTP schema and the CLI (``--url`` to a live service).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.errors import InvalidInputError
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import REGION, Evaluation, evaluate
from connectors.eligibility.facts import Facts, load_facts, parse_facts
from connectors.eligibility.regions import SIDO, SIDO_ALIASES, Area, agency_area, normalise_region
from connectors.eligibility.regions_en import english_place_name
from connectors.eligibility.regions_local import agency_locality
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app

from elig_helpers import raw_rows  # type: ignore[import-not-found]

# --- agency → area ------------------------------------------------------------------------------------

AGENCY_TABLE = [
    ("경기도 성남시", Area("경기도", "성남시")),
    ("서울특별시", Area("서울특별시", None)),
    ("서울특별시 강남구", Area("서울특별시", "강남구")),
    ("전남광주통합특별시", Area("전남광주통합특별시", None)),
    ("전남광주통합특별시 북구", Area("전남광주통합특별시", "북구")),
    ("대구광역시 군위군", Area("대구광역시", "군위군")),
    ("인천광역시 제물포구", Area("인천광역시", "제물포구")),
    ("세종특별자치시", Area("세종특별자치시", None)),
    ("  부산광역시   영도구 ", Area("부산광역시", "영도구")),  # extra spaces
    ("보건복지부", None),
    ("서울특별시교육청", None),  # an education office, not the local government
    ("서울특별시금천구시설관리공단", None),  # a local public corporation
    ("(재)전남광주통합특별시청소년미래재단", None),
    ("재단법인경기도시장상권진흥원", None),
    ("경기도 평생교육진흥원", None),  # a 시·도 followed by something that is not a 시·군·구
    ("경기도 성남시 분당구", None),  # not a name the catalogue uses for an agency: not guessed
    ("서울", None),  # agencies use official names only
    ("", None),
]


@pytest.mark.parametrize(("agency", "area"), AGENCY_TABLE)
def test_agency_area_table(agency: str, area: Area | None) -> None:
    assert agency_area(agency) == area


@pytest.fixture(scope="module")
def listings(gov24_dir: Path) -> list[dict[str, Any]]:
    return raw_rows(gov24_dir, "gov24_serviceList_snapshot.json")


def test_agency_area_over_every_real_agency_name(listings: list[dict[str, Any]]) -> None:
    """Every distinct 소관기관명: an area exactly for the local governments by the catalogue's own 소관기관유형,
    the whole 시·도 for 광역시도 and the named 시·군·구 for 시군구."""
    kinds = {(r["소관기관명"], r["소관기관유형"]) for r in listings}
    assert len({name for name, _ in kinds}) == len(kinds)  # each name has one type
    unclassified = []
    for name, kind in sorted(kinds):
        got = agency_area(name)
        if kind == "광역시도":
            expected: Area | None = Area(name, None)
        elif kind == "시군구":
            sido, sigungu = name.split(" ")
            expected = Area(sido, sigungu)
        else:
            expected = None
        if got != expected:
            unclassified.append((name, kind, got))
    assert unclassified == []
    per_service = Counter(agency_area(r["소관기관명"]) is not None for r in listings)
    types = Counter(r["소관기관유형"] for r in listings)
    assert per_service[True] == types["광역시도"] + types["시군구"] == 785
    # every 시·도 the catalogue names is in the table, and the table names no other
    assert {r["소관기관명"].split()[0] for r in listings if r["소관기관유형"] in ("광역시도", "시군구")} == set(SIDO)


def test_catalogue_arrays_follow_the_agency(gov24_catalogue: Catalogue, listings: list[dict[str, Any]]) -> None:
    by_id = {r["서비스ID"]: r for r in listings}
    for row, svc in enumerate(gov24_catalogue.services):
        area = agency_area(by_id[svc.service_id]["소관기관명"])
        if gov24_catalogue.area_from_text[row]:  # a non-local agency: the area is read from the text
            assert area is None and svc.text_area is not None
            area = svc.text_area
        elif gov24_catalogue.area_inferred[row]:  # a local public body (raw 소관기관유형): the area of its name
            assert area is None and by_id[svc.service_id]["소관기관유형"] in ("지방공기업", "지방출자_출연기관", "교육청")
            area = agency_locality(svc.agency)
        aid = int(gov24_catalogue.area_id[row])
        assert (aid >= 0) == (area is not None)
        if area is not None:
            assert gov24_catalogue.areas[aid] == area
            assert SIDO[gov24_catalogue.area_sido[row]] == area.sido
            assert bool(gov24_catalogue.area_sigungu[row]) == (area.sigungu is not None)


# --- the person's region ------------------------------------------------------------------------------

REGION_TABLE = [
    ("부산광역시", "부산광역시"), ("부산", "부산광역시"), ("서울", "서울특별시"), ("서울시 강남구", "서울특별시 강남구"),
    ("경기", "경기도"), ("경기 성남시", "경기도 성남시"), ("경기도 성남시 분당구", "경기도 성남시"),
    ("강원도 춘천시", "강원특별자치도 춘천시"), ("강원", "강원특별자치도"), ("전라북도", "전북특별자치도"), ("전북", "전북특별자치도"),
    ("제주도", "제주특별자치도"), ("제주 서귀포시", "제주특별자치도 서귀포시"), ("세종시", "세종특별자치시"),
    ("광주광역시 북구", "전남광주통합특별시 북구"), ("광주", "전남광주통합특별시"), ("전남 여수시", "전남광주통합특별시 여수시"),
    ("전라남도", "전남광주통합특별시"), ("충북", "충청북도"), ("충남 천안시", "충청남도 천안시"), ("경북", "경상북도"),
    ("경남", "경상남도"), ("대구 군위군", "대구광역시 군위군"), ("  울산광역시  울주군 ", "울산광역시 울주군"),
]


@pytest.mark.parametrize(("text", "normal"), REGION_TABLE)
def test_region_short_forms(text: str, normal: str) -> None:
    assert str(normalise_region(text)) == normal
    assert Facts(region=text).region == normal
    assert parse_facts({"region": text}).area() == normalise_region(normal)


def test_every_alias_names_an_official_sido_and_every_sido_is_accepted() -> None:
    assert set(SIDO_ALIASES.values()) <= set(SIDO)
    assert not set(SIDO_ALIASES) & set(SIDO)
    for sido in SIDO:
        assert normalise_region(sido) == Area(sido, None)
    # every 시·도 has a short form
    assert set(SIDO) - set(SIDO_ALIASES.values()) == set()


@pytest.mark.parametrize(("region", "message"), [
    ("평양", "unknown region '평양'"), ("Pyongyang", "not a 시·도 or 시·군·구 name in English"), ("", "region is empty"),
    ("경기도 성남시 중원구 상대원동 123", "at most one 시·군·구"), ("서울특별시 역삼동", "at most one 시·군·구"),
])
def test_bad_region_is_invalid_input(region: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as e:
        parse_facts({"region": region})
    text = str(e.value)
    assert text.startswith("facts: region:")
    if "unknown region" in message:
        assert all(s in text for s in SIDO)  # the valid names are listed
    assert "상대원동" not in text and "123" not in text  # an address is not echoed


def test_region_must_be_a_string(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="region"):
        parse_facts({"region": 26})
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"age": 67, "region": "부산"}, ensure_ascii=False), encoding="utf-8")
    assert load_facts(path) == Facts(age=67, region="부산광역시")


# --- the region group, vectorised, against a scalar reading ------------------------------------------

AGENCIES = ["경기도 성남시", "경기도 수원시", "경기도", "부산광역시", "부산광역시 영도구", "전남광주통합특별시 북구",
            "보건복지부", "서울특별시교육청"]
CONDITIONS: list[dict[str, Any]] = [
    {"JA0110": 14, "JA0111": 120},  # age only
    {"JA1102": "Y"},  # small business only
    {"JA0101": None},  # no coded condition at all
    {"JA0110": 65, "JA0111": 120, "JA9901": "Y"},  # an unmapped code
]
SYNTH = Catalogue.from_records([
    (ServiceInfo(f"S{i}-{j}", f"서비스 {i}-{j}", f"https://www.gov.kr/x/{i}-{j}", agency, ()), cond)
    for i, agency in enumerate(AGENCIES) for j, cond in enumerate(CONDITIONS)
], version="region-1")
PEOPLE = [Facts(), Facts(age=67), Facts(age=67, region="부산"), Facts(age=67, region="경기도"),
          Facts(age=67, region="경기도 성남시"), Facts(age=10, region="경기도 성남시"), Facts(age=67, region="경기 수원시"),
          Facts(region="광주 북구", business_status="operating"), Facts(region="부산 영도구", business_status="none"),
          Facts(age=70, region="서울특별시 강남구")]
RANK = {"not_eligible": 0, "unknown": 1, "eligible": 2}


def _region_state(agency: str, region: str | None) -> str:
    """Plain reading of the rule, on the strings."""
    words = agency.split()
    if agency in ("보건복지부", "서울특별시교육청"):
        return "eligible"
    if region is None:
        return "unknown"
    person = region.split()
    if person[0] != words[0]:
        return "not_eligible"
    if len(words) == 1:
        return "eligible"
    if len(person) == 1:
        return "unknown"
    return "eligible" if person[1] == words[1] else "not_eligible"


@pytest.mark.parametrize("facts", PEOPLE, ids=lambda f: repr(f.model_dump(exclude_none=True)))
def test_region_is_one_more_and_group(facts: Facts) -> None:
    without = Facts(**facts.model_dump(exclude={"region"}))
    national = {r.service_id[3:]: r for r in evaluate(SYNTH, without) if r.service_id.startswith("S6-")}  # 보건복지부
    ev = Evaluation(SYNTH, facts)
    results = ev.results()
    assert results == [ev.result(i) for i in range(len(SYNTH))]  # explanations shared only between equal rows
    for r in results:
        i, j = (int(x) for x in r.service_id[1:].split("-"))
        agency = AGENCIES[i]
        codes_only = national[str(j)]  # the same coded conditions without any region
        region = _region_state(agency, facts.region)
        expected = min(codes_only.status, region, key=RANK.__getitem__)
        assert r.status == expected, (agency, CONDITIONS[j])
        named = [c for c in r.decided_by if c.code == REGION]
        restricted = agency_area(agency) is not None
        # REGION is named when the region is what decides at this status, and never otherwise
        assert bool(named) == (restricted and region == r.status), (agency, CONDITIONS[j])
        if named:
            (c,) = named
            assert c.value == str(agency_area(agency)) == agency
            assert c.meaning == f"거주지: {agency} (소관기관 기준)" and c.meaning_en == f"resident of {english_place_name(agency)} (from the managing agency)"
        assert ("region" in r.missing) == (restricted and region == "unknown" == r.status)
        # the JA part of the explanation is the one without a region whenever it decides at this status
        ja = [c for c in r.decided_by if c.code != REGION]
        assert ja == (list(codes_only.decided_by) if codes_only.status == r.status else [])


def test_counts_and_status_filter_include_the_region() -> None:
    service = EligibilityService(CatalogueSource.fixed(SYNTH))
    facts = Facts(age=67, region="부산광역시")
    ev, rows = service.run(facts, statuses=["not_eligible"])
    assert {r.service_id for r in rows} == {s.service_id for s, st in zip(SYNTH.services, ev.status.tolist(), strict=True) if st == 0}
    assert "S0-0" in {r.service_id for r in rows}  # 성남시's service for someone in Busan
    assert ev.counts()["not_eligible"] == len(rows)


# --- HTTP schema and CLI ------------------------------------------------------------------------------


def test_http_schema_documents_region_and_refuses_unknown_regions() -> None:
    client = TestClient(create_app(service=EligibilityService(CatalogueSource.fixed(SYNTH))))
    schema = client.get("/openapi.json").json()
    desc = schema["components"]["schemas"]["Facts"]["properties"]["region"]["description"]
    assert "경기도 성남시" in desc and "REGION" in desc and all(s in desc for s in SIDO) and "부산 → 부산광역시" in desc
    assert "REGION" in schema["components"]["schemas"]["ConditionModel"]["properties"]["code"]["description"]
    ok = client.post("/check", json={"facts": {"age": 67, "region": "경기 성남시"}, "service_ids": ["S0-0"]})
    assert ok.status_code == 200
    (r,) = ok.json()["results"]
    assert r["status"] == "eligible" and r["decided_by"][-1] == {
        "code": "REGION", "meaning": "거주지: 경기도 성남시 (소관기관 기준)",
        "meaning_en": "resident of Seongnam-si, Gyeonggi-do (from the managing agency)", "value": "경기도 성남시"}
    bad = client.post("/check", json={"facts": {"region": "평양"}})
    assert bad.status_code == 422 and "서울특별시" in json.dumps(bad.json(), ensure_ascii=False)


def test_cli_reads_region_from_the_facts_file(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"age": 67, "region": "부산"}, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home")}
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(SYNTH)))) as live:
        def cli(*extra: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "assistant", "eligibility", "check", "--facts", str(facts),
                                   "--url", live.url, "--service", "S0-0", "--service", "S6-0", *extra],
                                  capture_output=True, text=True, env=env, timeout=120)

        r = cli("--json")
        assert r.returncode == 0, r.stderr
        seongnam, national = json.loads(r.stdout)
        assert seongnam["status"] == "not_eligible" and [c["code"] for c in seongnam["decided_by"]] == ["REGION"]
        assert national["status"] == "eligible"
        text = cli()
        assert text.returncode == 0, text.stderr
        assert "REGION 거주지: 경기도 성남시 (소관기관 기준) 경기도 성남시" in text.stdout
