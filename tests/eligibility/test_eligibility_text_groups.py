"""The group a service's own text restricts it to (text_groups, condition GROUP) and the area of a local public body
(fresh-user report s7, item 4): hand-read texts, then one test per lexicon group over the real catalogue."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import Evaluation
from connectors.eligibility.facts import Facts, parse_facts
from connectors.eligibility.text_groups import LEXICON, LEXICON_NAMES, Restriction, restriction_in
from assistant.errors import InvalidInputError

# Hand-read 지원대상 texts of the catalogue (services the report's personas were told "fit") → the groups named as
# the fact records them, and those named more narrowly (s10: a fisher is not thereby "수산물 수출 관련 개인", a student
# not a "또래상담자": only the citizen's confirmation holds these).
READ = [
    ("○ 경기도 의사상자 등록자", ("rescuer",), ()),
    ("ㅇ 학자금대출을 받은 군 복무자\n - 병역법 제16조에 따른 현역병", ("military", "debtor"), ()),
    ("「예술인 복지법」제2조에 따른 예술인", ("artist",), ()),
    ("수산물 수출 관련 개인 또는 단체", (), ("fishery",)),
    ("○ 고압고객용 일반 변압기를 고효율 변압기로 교체하는 고객", ("electricity",), ()),
    ("초등, 중등, 고등학교 내 또래상담자", (), ("student",)),
    ("<소규모 발굴조사 지원사업>\n○ 단독주택으로서 대지면적 792㎡ 이하", ("owner",), ()),
    # s11: the proof of belonging narrows nothing; "상환자" (a repayer) and "전환자" name no patient
    ("○ 국가유공자 : 국가보훈처장이 발행한 국가유공자증서를 소지한자\n○ 다둥이 : 다둥이행복카드 소지자(세자녀)",
     ("veteran", "multi_child"), ()),
    ("○ 기초생활수급증명서", ("low_income",), ()),
    ("○ 65세이상 기초생활수급자 및 차상위 건강보험 전환자", ("low_income",), ()),
    ("○ 분할상환약정을 유지한 성실상환자 중 학자금 대출 연체자", ("debtor",), ()),
    # the group's relatives, or the group's word inside another job, are a narrower (other) circle
    ("○ 국가유공자와 독립유공자 유족 또는 가족", ("heir",), ("veteran",)),
    ("○ 장애인활동지원사", (), ("disabled",)),
]
GENERAL = ["○ 장병, 군무원, 일반 국민", "전국민 누구나", "학점은행제를 이용하고자 하거나, 이용하고 있는 모든 국민",
           "○ 개인, 중소·중견기업, 공공기관 또는 비영리 법인·단체", "노인복지법에 정한 만 65세 이상 노인",
           "신분증 및 경로우대증에 생년월일이 만 65세 이상인 회원", "○ 성남사랑상품권 사용자"]


@pytest.mark.parametrize(("text", "groups", "narrowed"), READ)
def test_a_text_restricted_to_a_group_names_it(text: str, groups: tuple[str, ...], narrowed: tuple[str, ...]) -> None:
    r = restriction_in(text)
    assert r is not None and r.groups == groups and tuple(g for g, _phrase in r.specific) == narrowed


@pytest.mark.parametrize("text", GENERAL)
def test_the_general_public_or_an_age_alone_restricts_nothing(text: str) -> None:
    assert restriction_in(text) is None


def test_ways_in_are_alternatives_with_ages() -> None:
    r = restriction_in("○ 장애인 : 등록 장애인\n○ 국가유공자 : 국가유공자증서를 소지한자\n○ 경로우대자 : 65세 이상 노인")
    assert r == Restriction(("disabled", "veteran"), ((65, 200), (60, 200)), False)
    ev = Evaluation(_one(r), Facts(age=70))  # unknown disability and veteran status, but 65 or over: a way in fits
    assert ev.explain(0)[0] == "eligible"
    ev = Evaluation(_one(r), Facts(age=40, disabled=False, veteran=False))  # every way in known not to fit
    status, decided, _ = ev.explain(0)
    assert status == "not_eligible" and "GROUP" in {c.code for c in decided}


def _one(r: Restriction | None, agency: str = "국방부", agency_type: str = "중앙행정기관", title: str = "t") -> Catalogue:
    svc = ServiceInfo("S1", title, "u", agency, (), restriction=r, agency_type=agency_type)
    return Catalogue.from_records([(svc, {"JA0110": 19, "JA0111": 99})])


def test_an_open_restriction_never_rules_out() -> None:
    """An item the table does not read (a detail, another way in): known facts leave it unknown, not not_eligible."""
    r = Restriction(("student",), (), True)
    status, decided, missing = Evaluation(_one(r), Facts(age=30, student_level="none")).explain(0)
    assert status == "unknown" and "GROUP" in {c.code for c in decided} and "target_groups" in missing


def test_target_groups_fact_is_validated() -> None:
    assert parse_facts({"target_groups": {"artist": True}}).target_groups == {"artist": True}
    with pytest.raises(InvalidInputError, match="unknown target group"):
        parse_facts({"target_groups": {"astronaut": True}})


@pytest.mark.parametrize(("agency", "title", "elsewhere"), [
    ("목포시의료원", "공공보건의료지원 사업", "not_eligible"),
    ("용산구시설관리공단", "용산문화체육센터 프로그램 할인(경로)", "unknown"),  # a facility's discount: to confirm
])
def test_a_local_public_bodys_area_is_inferred_from_its_name(agency: str, title: str, elsewhere: str) -> None:
    cat = _one(None, agency, "지방출자_출연기관" if "의료원" in agency else "지방공기업", title)
    assert bool(cat.area_inferred[0])
    area = cat.areas[cat.area_id[0]]
    home = f"{area.sido} {area.sigungu}"
    assert Evaluation(cat, Facts(age=70, region=home)).explain(0)[0] == "eligible"
    status, decided, missing = Evaluation(cat, Facts(age=70)).explain(0)
    assert status == "unknown" and missing == ("region",)
    assert "추정" in next(c.meaning for c in decided if c.code == "REGION")
    status, decided, missing = Evaluation(cat, Facts(age=70, region="부산광역시 해운대구")).explain(0)
    assert status == elsewhere and "REGION" in {c.code for c in decided} and "region" not in missing
    # a national body of the same kind of name is not limited
    assert not Catalogue.from_records([(ServiceInfo("S2", title, "u", agency, (), agency_type="공공기관"), {})]).area_inferred[0]


# --- one test per lexicon group over the real catalogue ---------------------------------------------------------

@pytest.fixture(scope="module")
def by_group(gov24_catalogue: Catalogue) -> dict[str, list[int]]:
    """group → rows whose (active) text restriction names that group among its ways in."""
    out: dict[str, list[int]] = {g.name: [] for g in LEXICON}
    for i in np.flatnonzero(gov24_catalogue.restriction_id >= 0):
        for g in gov24_catalogue.restrictions[gov24_catalogue.restriction_id[i]].groups:
            out[g].append(int(i))
    return out


OUTSIDE: dict[str, dict[str, Any]] = {  # facts that record not being in the group (else target_groups false)
    "fishery": {"fisher": False}, "farming": {"farmer": False, "livestock_farmer": False, "forester": False},
    "student": {"student_level": "none"}, "worker": {"employed": False}, "job_seeker": {"job_seeker": False},
    "business": {"business_status": "none", "organization_type": "none"}, "patient": {"ill": False},
    "disabled": {"disabled": False}, "veteran": {"veteran": False},
    "low_income": {"welfare_recipient": False, "near_poverty": False},
    "pregnancy": {"pregnant": False, "recent_birth_or_adoption": False, "preparing_pregnancy": False},
    "single_parent": {"single_parent_family": False}, "multicultural": {"multicultural_family": False},
    "defector": {"north_korean_defector": False}, "multi_child": {"multi_child_household": False},
    "homeless": {"homeless_household": False}, "women": {"sex": "male"},
}


@pytest.mark.parametrize("group", LEXICON_NAMES)
def test_each_group_in_is_not_decided_against_and_outside_is_not_eligible(
        group: str, by_group: dict[str, list[int]], gov24_catalogue: Catalogue) -> None:
    """In the group (confirmed): GROUP holds and never decides against. Outside it (its own facts say no, every other
    group denied): never eligible; not_eligible naming GROUP where no age, unread way in or narrowed group
    (``Restriction.specific``, s10) is left; unknown facts: the GROUP stays to confirm."""
    rows = by_group[group]
    if not rows:
        pytest.skip(f"no service of the snapshot restricts to {group} outside its coded conditions")
    cat = gov24_catalogue
    others = {h: False for h in LEXICON_NAMES if h != group}
    own = OUTSIDE.get(group)
    inside = Evaluation(cat, Facts(target_groups={group: True}))
    outside = Evaluation(cat, Facts(**(own or {}), target_groups=others if own else {**others, group: False}))
    unknown = Evaluation(cat, Facts())
    assert (inside.groups["text"][rows] == 2).all()
    for row in rows:
        r = cat.restrictions[cat.restriction_id[row]]
        status, decided, _missing = inside.explain(row)
        assert not (status == "not_eligible" and "GROUP" in {c.code for c in decided}), cat.services[row].title
        status, decided, _missing = outside.explain(row)
        assert status != "eligible", cat.services[row].title
        if any(g not in r.within for g, _p in r.specific):
            # another way in names a group more narrowly than its fact ("장애인활동지원사"), not as a part of it
            # ("수급자 중 관내 전입자", ``within``): no "no" rules it out
            assert status == "unknown" and "GROUP" in {c.code for c in decided}, (group, cat.services[row].title)
        elif not r.ages and not r.open:
            assert status == "not_eligible" and "GROUP" in {c.code for c in decided}, (group, cat.services[row].title)
        status, decided, missing = unknown.explain(row)
        assert status == "unknown" and "GROUP" in {c.code for c in decided} and "target_groups" in missing


@pytest.mark.parametrize(("text", "within"), [
    ("○ 기초생활수급자(생계, 의료) 중 관내 전입자", ("low_income",)),  # some of the recipients
    ("부산진구 거주 65세 이상 의료급여수급자 중 당해 검진대상자", ("low_income",)),  # an age and a place before: still a part
    ("목포시에 주민등록을 둔 기초연금 수급자 중 만 70세 이상 노인", ()),  # 기초연금 is another benefit
    ("○ 장애인활동지원사", ()),  # the care workers, not some of the disabled
    ("재직기간 1년 이상 사립학교 퇴직 교직원", ()),
])
def test_a_part_of_a_group_is_read_as_within_it(text: str, within: tuple[str, ...]) -> None:
    r = restriction_in(text)
    assert r is not None and not r.groups and r.within == within


def test_a_no_rules_out_a_part_of_the_group_a_yes_does_not_hold_it() -> None:
    """"수급자 중 관내 전입자": not a recipient (nor near poverty) → not eligible; a recipient, or the citizen
    confirming the group → still to confirm (s13 #6). A narrowed group that is no part ("장애인활동지원사") is never ruled out."""
    part = _one(restriction_in("○ 기초생활수급자(생계, 의료) 중 관내 전입자"))
    status, decided, _ = Evaluation(part, Facts(age=40, welfare_recipient=False, near_poverty=False)).explain(0)
    assert status == "not_eligible" and [c.code for c in decided] == ["GROUP"]
    status, _decided, missing = Evaluation(part, Facts(age=40, welfare_recipient=True)).explain(0)
    assert status == "unknown" and missing == ("target_groups",)
    assert Evaluation(part, Facts(age=40, target_groups={"low_income": False})).explain(0)[0] == "not_eligible"
    # the citizen confirming the broad group says no more than the fact: still to confirm (s13 #6; was eligible)
    assert Evaluation(part, Facts(age=40, target_groups={"low_income": True})).explain(0)[0] == "unknown"
    other = _one(restriction_in("○ 장애인활동지원사"))
    assert Evaluation(other, Facts(age=40, disabled=False, target_groups={"disabled": False})).explain(0)[0] == "unknown"


@pytest.mark.parametrize(("sid", "group", "coarse"), [
    # real services whose text names an occupation more narrowly than the fact or the lexicon group records it
    ("B55263500011", "worker", {"employed": True}),  # 사립학교 교직원 퇴직수당: "재직기간 1년 이상 사립학교 퇴직 교직원"
    ("537000000137", "worker", {"employed": True}),  # 민간보육교사 명절휴가비: "정부미지원 어린이집 보육교사 …"
    ("B55396800001", "fishery", {"fisher": True}),  # 어촌체험휴양마을 보험가입 지원: "전국어촌체험휴양마을"
    ("119200000130", "fishery", {"fisher": True}),  # 리스크안전망 구축: "수산물 수출 관련 개인 또는 단체"
    ("476100000033", "farming", {"farmer": True}),  # 원유 항생제 검사키트 지원: "임실군 관내 낙농가(착유농가)"
    ("644000000849", "farming", {"farmer": True}),  # 청년자립형 스마트팜: "영농기반이 부족한 신규 창업 청년농업인"
])
def test_a_coarse_fact_or_answer_leaves_a_narrowed_occupation_to_confirm(
        gov24_catalogue: Catalogue, sid: str, group: str, coarse: dict[str, Any]) -> None:
    """s13 #6: the GROUP condition of a service whose text names a narrower circle than the fact (employed, fisher,
    farmer) or the group question's answer (근로자·재직자, 어업인·수산업, 농업인·축산·임업: ``target_groups``) is to
    confirm for either, never held (before s13 the answer held it: GROUP eligible). Read by hand from each text."""
    cat = gov24_catalogue
    row = cat.index[sid]
    r = cat.restrictions[cat.restriction_id[row]]
    assert group in dict(r.specific) and group not in r.groups  # the text names the group narrowly only
    for facts in (Facts(**coarse), Facts(target_groups={group: True}), Facts(**coarse, target_groups={group: True})):
        ev = Evaluation(cat, facts)
        assert ev.groups["text"][row] == 1, (sid, facts)
        status, decided, _missing = ev.explain(row)
        group_meanings = [c.meaning for c in decided if c.code == "GROUP"]
        assert status == "unknown" and group_meanings and group_meanings[0].startswith("확인 필요"), (sid, facts, decided)
