"""Residence written in a service's text that no rule read (connectors/eligibility/regions_local.py), swept over the
real catalogue (skips when ../shared/data is absent).

* A list of 시·군·구 before a word of residence ("영양, 봉화, 고령, 성주, 청송군 거주 임산부", 경상북도안동의료원):
  the region is those 시·군·구 (since s9; before, one area per service gave their whole 시·도, so a resident of 안동시
  or 포항시 was not ruled out). Every such service of a local agency is found by an independent reading of the list
  here, and each gets its districts; a resident of a listed 군 meets it, of another 시·군 of the 시·도 does not.
* Decided: living there OR studying / being sited there ("영등포구 소재, 거주", "세종시 초·중·고등학생(거주 또는
  재학)") never rules anyone out by region: a child who lives elsewhere but goes to school there qualifies, and the facts
  hold no school location. Since s9 (fresh-user report s8 defect 3: a Busan resident was "eligible" for 고양시's book
  café and 세종시's scholarships) such a service of a local public body keeps its body's area as one to confirm
  (``area_soft``): a resident there meets it, a resident of another 시·도 is ``unknown`` with the REGION condition saying
  to confirm (never ``not_eligible`` by region), and an unknown region leaves it to ask.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import NONE, REGION
from connectors.eligibility.facts import Facts
from connectors.eligibility.regions import SIGUNGU, agency_area
from connectors.eligibility.regions_local import agency_locality
from connectors.eligibility.service import CatalogueSource, EligibilityService

ANDONG_OBSTETRICS = "O00066700004"  # 안동의료원 찾아가는 산부인과 서비스


@pytest.fixture(scope="module")
def catalogue() -> tuple[Catalogue, dict[str, Any]]:
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.loaders import load_gov24

    docs = {d.doc_id: d for d in load_gov24(GOV24_DIR)}
    return Catalogue.from_documents(docs.values()), docs


def first_item(doc: Any) -> str:
    text = "\n".join(sec.text for sec in doc.sections if sec.name in ("지원대상", "선정기준"))
    items = [i.strip() for i in re.split(r"[○□■•\n]|(?:^|\n)\s*(?:-|ㅇ|\d+\.)", text) if len(re.findall(r"[가-힣]", i)) >= 6]
    return items[0] if items else ""


def listed_sido(item: str) -> str | None:
    """An independent reading: two or more comma-separated words, each a 시·군·구 (full name, or the name less its
    last syllable) of one and the same 시·도, right before 거주/주소/주민등록; that 시·도 and the full names, as
    ``"경상북도 영양군·봉화군"``."""
    m = re.search(r"((?:[가-힣]+\s*,\s*)+[가-힣]+)\s*(?:에\s*)?(?:거주|주소|주민등록)", item)
    if m is None:
        return None
    words = [w.strip() for w in m.group(1).split(",")]
    homes = [{sido for sido, names in SIGUNGU.items() if any(w in (n, n[:-1]) for n in names)} for w in words]
    common = set.intersection(*homes) if homes and all(homes) else set()
    if len(words) < 2 or len(common) != 1:
        return None
    sido = next(iter(common))
    full = [next(n for n in SIGUNGU[sido] if w in (n, n[:-1])) for w in words]
    return f"{sido} {'·'.join(full)}"


def area_of(cat: Catalogue, sid: str) -> str | None:
    row = cat.index[sid]
    return None if cat.area_id[row] < 0 else str(cat.areas[int(cat.area_id[row])])


def test_a_list_of_districts_before_a_word_of_residence_limits_to_their_province(
        catalogue: tuple[Catalogue, dict[str, Any]]) -> None:
    cat, docs = catalogue
    expected = {sid: sido for sid, d in docs.items()
                if agency_area(d.agency) is None and agency_locality(d.agency) is not None
                and (sido := listed_sido(first_item(d))) is not None and sid in cat.index}
    assert ANDONG_OBSTETRICS in expected and expected[ANDONG_OBSTETRICS] == "경상북도 영양군·봉화군·고령군·성주군·청송군"
    assert {sid: area_of(cat, sid) for sid in expected} == expected
    service = EligibilityService(CatalogueSource.fixed(cat))
    pregnant = {"age": 31, "sex": "female", "pregnant": True}
    [seoul] = service.check(Facts(region="서울특별시", **pregnant), [ANDONG_OBSTETRICS])
    assert seoul.status == "not_eligible" and [c.code for c in seoul.decided_by] == [REGION]
    [cheongsong] = service.check(Facts(region="경상북도 청송군", **pregnant), [ANDONG_OBSTETRICS])
    assert cheongsong.status in ("eligible", "unknown") and "region" not in cheongsong.missing
    assert REGION not in [c.code for c in cheongsong.decided_by if cheongsong.status != "eligible"]
    for elsewhere in ("경상북도 안동시", "경상북도 포항시"):  # the hospital's own city and another: not listed
        [r] = service.check(Facts(region=elsewhere, **pregnant), [ANDONG_OBSTETRICS])
        assert r.status == "not_eligible" and [c.code for c in r.decided_by] == [REGION], elsewhere
        assert "영양군·봉화군·고령군·성주군·청송군" in r.decided_by[0].meaning
    [province] = service.check(Facts(region="경상북도", **pregnant), [ANDONG_OBSTETRICS])
    assert province.status == "unknown" and "region" in province.missing  # which 시·군 is to ask


def test_residence_or_school_or_site_applies_no_region(catalogue: tuple[Catalogue, dict[str, Any]]) -> None:
    cat, docs = catalogue
    either = {sid for sid, d in docs.items() if agency_area(d.agency) is None and sid in cat.index
              and re.search(r"거주\s*또는\s*재학|재학\s*또는\s*거주|소재\s*,\s*거주", first_item(d))}
    assert {"O00087300006", "O00088400001", "O00088400011"} <= either  # 영등포문화재단; 세종 scholarships
    homes = {sid: agency_locality(docs[sid].agency) for sid in either}
    assert {sid: area_of(cat, sid) for sid in either} == {sid: str(a) for sid, a in homes.items()}
    assert all(cat.area_soft[cat.index[sid]] for sid in either)
    service = EligibilityService(CatalogueSource.fixed(cat))
    for r in service.check(Facts(region="부산광역시", age=12), sorted(either)):
        assert r.status != "not_eligible", r.service_id
        region = [c for c in r.decided_by if c.code == REGION]
        assert not region or "확인 필요" in region[0].meaning, r.service_id
        assert "region" not in r.missing
    for sid in sorted(either):
        [inside] = service.check(Facts(region=str(homes[sid]), age=12), [sid])
        assert REGION not in [c.code for c in inside.decided_by if inside.status != "eligible"], sid
        [nowhere] = service.check(Facts(age=12), [sid])
        assert nowhere.status == "unknown" and "region" in nowhere.missing, sid


VICTIM_SERVICES = {  # read by hand: the first item of 지원대상 names victims only
    "138300000016",  # 가정폭력피해자 국민임대주택 우선 입주권 부여
    "138300000043",  # 지역디지털성범죄피해자지원센터
    "B27000100040",  # 무료 소송대리 서비스(가정폭력 · 성폭력피해자)
    "O00107400004",  # 긴급상황 진료지원사업 (천안의료원): 가정폭력 피해여성 및 동반 자녀
    "PTR000050701",  # 성폭력 피해자 보호시설 운영 지원
    "WII000000690",  # 성매매 피해아동 청소년 통합지원 사업
    "WII000001490",  # 가정폭력피해자 치료회복 프로그램 및 의료비 지원: 가정폭력 피해자 및 동반 아동
}


def test_services_only_for_victims_are_listed_last_with_a_note_for_anyone(catalogue: tuple[Catalogue, dict[str, Any]]) -> None:
    """가정폭력피해자 치료회복 프로그램 was "eligible" for any child: its coded conditions restrict nobody. Since s6-fixb
    nothing coded decides no "eligible" (``unknown``, reason ``NONE``), so it is no longer listed as one. A victim
    service that coded conditions do decide (성매매 피해아동 청소년 통합지원 사업: an age range a child of 7 meets)
    is still "eligible" while its text is for victims, a circumstance the facts never hold and the conversation does
    not ask: such services always carry that note and are ranked after the others."""
    from connectors.eligibility.actions import _line, rank_key

    cat, _docs = catalogue
    flagged = {s.service_id for s in cat.services if "victim" in s.target_groups}
    assert flagged == VICTIM_SERVICES
    service = EligibilityService(CatalogueSource.fixed(cat))
    child = Facts(age=7, sex="female", region="서울특별시 강북구")
    [therapy] = service.check(child, ["WII000001490"])
    # since s7-fixb its text's group (피해자, condition GROUP of connectors.eligibility.text_groups) is to confirm too
    assert therapy.status == "unknown" and [c.code for c in therapy.decided_by] == [NONE, "GROUP"] and not therapy.cautions
    assert not {r.service_id for r in service.check(child, statuses=["eligible"])} & VICTIM_SERVICES
    # a child confirmed to be a victim (target_groups): the service its codes decide is eligible, with the note
    child = Facts(age=7, sex="female", region="서울특별시 강북구", target_groups={"victim": True})
    results = service.check(child, statuses=["eligible"])
    by_id = {r.service_id: r for r in results}
    victims = [by_id[sid] for sid in sorted(VICTIM_SERVICES) if sid in by_id]
    assert [r.service_id for r in victims] == ["WII000000690"]
    [youth] = victims
    assert [c.code for c in youth.decided_by if c.code != REGION] == ["JA0110", "JA0111", "GROUP"]
    assert [c.group for c in youth.cautions] == ["victim"] and youth.cautions[0].fact == ""
    assert "여쭤보지 않았어요" in _line(youth, "ko") and "I have not asked" in _line(youth, "en")
    ranked = sorted(results, key=rank_key)
    plain = [i for i, r in enumerate(ranked) if not r.cautions]
    assert plain and ranked.index(youth) > max(plain)
    # every victim service listed as eligible carries the note, whatever else the facts say (a 16-year-old too)
    teen = [r for r in service.check(Facts(age=16, sex="male", target_groups={"victim": True}), sorted(VICTIM_SERVICES))
            if r.status == "eligible"]
    assert teen and all([c.group for c in r.cautions] == ["victim"] for r in teen)
