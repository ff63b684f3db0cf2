"""STATUS as an any-of: the statuses a text names and the other ways in beside them (issue #5, s7 item 1).

Texts are the shapes found in the real catalogue (quoted from 지원대상/선정기준), read by hand: which other ways in
each names, and whether a fact can decide them.
"""

from __future__ import annotations

import pytest

from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import STATUS, evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.status_ways import OtherWay, status_state, ways_in
from connectors.eligibility.statuses import statuses_in


@pytest.mark.parametrize(("text", "keys"), [
    # the statuses alone
    ("○ 취약계층 : 수급자 ,차상위 계층", []),
    ("○ 생계, 의료 수급권자", []),                                                    # "생계" is a cut list, no group
    ("○ 65세이상 의료급여수급자 및 차상위본인부담경감 대상자 1종, 2종", []),
    ("○ 차상위수급자 중 65세 이상 노인, 장애인, 다문화가족/법정한부모가족", []),     # they narrow the status
    ("○ 국민기초생활보장에 따른 수급자 및 차상위계층\n※ 시설수급자는 제외", []),
    # income and household traits both required (에너지바우처): the traits are no way in
    ("○ 소득기준과 가구원특성기준을 모두 충족하는 가구\n- 소득기준 : 생계·의료·주거·교육급여 수급자\n〮 장애인 : 등록된 장애인", []),
    # decidable ways beside the statuses
    ("○ 한부모, 기초주거. 교육급여 수급자 및 차상위계층", ["single_parent_family"]),
    ("○ 기초생활수급자\n○ 차상위계층\n○ 장애의 정도가 심한 장애인\n○ 3자녀 이상 가구", ["disabled", "multi_child_household"]),
    ("○ 만65세이상 노인, 장애인, 생계·의료급여 수급자", ["age>=65", "disabled"]),
    ("○ 국가유공자, 만성질환자, 55세 이상 단독세대", ["ill", "age>=55+single_person_household"]),
    ("- 「국민기초생활보장법」상의 수급자 및 그 자녀에 해당하는 자", []),                # the status's own family
    ("○ 국가유공자 및 장애인", ["disabled"]),
    # ways no fact decides: open
    ("○ 기초수급자, 차상위계층 등", ["open"]),                                       # "등": the list goes on
    ("○ 국민기초생활수급자 또는 가구건강보험료 본인부담금 합산액이 기준중위소득 100%이하인 가구", ["open"]),
    ("○ 국민기초생활 보장법에 따른 수급자\n○ 주민등록상 고양시 거주자", ["open"]),
    ("○ 대한민국명장 선정자, 국제기능올림픽대회 및 전국기능경기대회 명장부 입상자", ["open"]),
    ("구로구민 누구나\n수강료 면제대상: 55세이상 구민, 국민기초생활수급자", ["open"]),
    ("○ 기초생활수급자\n○ 자원봉사증을 소지한 사람", ["open"]),
    ("○ 기초생활수급자\n○ 학교 밖 청소년의 수련활동", ["open"]),
    # a header or a tier label is no way in
    ("○ 당진시에 6개월 이상 거주하는 자 중 다음 각 호의 어느 하나에 해당하는 자\n - 수급자 또는 차상위계층", []),
    ("○ 100분의 50 감면\n - 「국민기초생활 보장법」에 따른 수급자", []),
])
def test_other_ways_read_from_the_text(text: str, keys: list[str]) -> None:
    assert statuses_in(text)  # every case names a status
    assert sorted(w.key for w in ways_in(text)) == sorted(keys)


def test_a_parenthesised_exclusion_does_not_negate_the_status_before_it() -> None:
    # 성북구 인플루엔자: "국가유공자(국가예방접종 사업 대상자 제외 …)" excludes others, not 국가유공자
    text = "○ 장애정도가 심한 장애인, 기초생활수급자, 국가유공자(국가예방접종 사업 대상자 제외, 기초생활수급자의 경우 만 50세 이상)"
    assert statuses_in(text) == ("veteran", "welfare_recipient")
    assert statuses_in("(* 의료급여 수급자 및 다른 법률에 의해 지원받는 가구 제외)") == ()


@pytest.mark.parametrize(("facts", "expected"), [
    ({}, 1),
    ({"disabled": True}, 2), ({"disabled": False}, 0),
    ({"age": 64}, 0), ({"age": 65}, 1), ({"age": 70, "single_person_household": True}, 2),
    ({"age": 70, "single_person_household": False}, 0),
])
def test_a_way_holds_only_when_all_its_facts_hold(facts: dict[str, object], expected: int) -> None:
    way = {"disabled": OtherWay("disabled", "장애인", "d", (("disabled", True),)),
           "age": OtherWay("age>=65+single", "65세 이상 1인가구", "a", (("age", 65), ("single_person_household", True)))}
    which = way["disabled"] if "disabled" in facts else way["age"]
    assert which.state(Facts(**facts)) == expected  # type: ignore[arg-type]


def _cat() -> Catalogue:
    broad = {"JA0110": 0, "JA0111": 120}
    text = "○ 기초생활수급자\n○ 차상위계층\n○ 장애의 정도가 심한 장애인\n○ 3자녀 이상 가구"
    rows = [("ONLY", "○ 국민기초생활보장에 따른 수급자 및 차상위계층"), ("ANY", text),
            ("OPEN", "○ 국민기초생활수급자\n○ 관내 주민")]
    return Catalogue.from_records([
        (ServiceInfo(sid, sid, "u", "보건복지부", ("법",), statuses=statuses_in(t), status_ways=ways_in(t)), broad)
        for sid, t in rows])


NONE_HELD = {"welfare_recipient": False, "near_poverty": False, "veteran": False, "master_craftsman": False}


def test_status_is_not_eligible_only_when_every_way_is_known_not_to_hold() -> None:
    cat = _cat()
    res = {r.service_id: r for r in evaluate(cat, Facts(age=40, **NONE_HELD))}
    only = res["ONLY"]
    assert only.status == "not_eligible" and [c.code for c in only.decided_by] == [STATUS]
    assert only.decided_by[0].meaning == "해당 없음: 기초생활보장 수급자(생계·의료·주거·교육급여) 또는 차상위계층 (지원대상 문구 기준)"
    assert only.decided_by[0].value == "welfare_recipient|near_poverty" and only.missing == ()
    # ANY: disability and children still unknown → to confirm, asking them
    assert res["ANY"].status == "unknown" and set(res["ANY"].missing) == {"disabled", "multi_child_household"}
    assert "장애인" in res["ANY"].decided_by[0].meaning and "확인 필요" in res["ANY"].decided_by[0].meaning
    # OPEN: residents qualify, no fact says who is one → never ruled out by STATUS
    assert res["OPEN"].status == "unknown" and res["OPEN"].missing == ()
    (no,) = evaluate(cat, Facts(age=40, disabled=False, multi_child_household=False, **NONE_HELD), ["ANY"])
    assert no.status == "not_eligible" and no.decided_by[0].meaning.startswith("해당 없음:")
    assert "장애인 또는 다자녀가구" in no.decided_by[0].meaning and "none of:" in no.decided_by[0].meaning_en
    # a way that holds leaves it to confirm (the keyword reading may drop the rest of the item), never a firm yes
    (dis,) = evaluate(cat, Facts(age=40, disabled=True, **NONE_HELD), ["ANY"])
    assert dis.status == "unknown" and STATUS in [c.code for c in dis.decided_by]


@pytest.mark.parametrize("held", ["welfare_recipient", "near_poverty"])
def test_one_status_held_is_never_decided_against(held: str) -> None:
    cat = _cat()
    facts = Facts(age=40, disabled=False, multi_child_household=False, **{**NONE_HELD, held: True})  # type: ignore[arg-type]
    for r in evaluate(cat, facts, ["ONLY", "ANY"]):
        assert r.status == "eligible" and r.decided_by[-1].meaning.startswith("자격:"), r


def test_unknown_statuses_stay_unknown() -> None:
    (r,) = evaluate(_cat(), Facts(age=40, welfare_recipient=False), ["ONLY"])
    assert r.status == "unknown" and r.missing == ("near_poverty",)


def test_status_state_table() -> None:
    way = OtherWay("disabled", "장애인", "d", (("disabled", True),))
    # bits: welfare 0b10 named; held / open masks
    assert status_state(0b10, 0b10, 0, (way,), Facts(disabled=False)) == 2
    assert status_state(0, 0b10, 0b10, (), Facts()) == 1
    assert status_state(0, 0b10, 0, (), Facts()) == 0
    assert status_state(0, 0b10, 0, (way,), Facts()) == 1
    assert status_state(0, 0b10, 0, (way,), Facts(disabled=False)) == 0


def test_the_openapi_schema_documents_the_status_facts() -> None:
    from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app

    schema = create_app(service=EligibilityService(CatalogueSource.fixed(_cat()))).openapi()
    facts = next(v for k, v in schema["components"]["schemas"].items() if k.startswith("Facts"))["properties"]
    assert "수급자 증명서" in facts["welfare_recipient"]["description"]
    assert "차상위계층 확인서" in facts["near_poverty"]["description"]
    assert "대한민국명장" in facts["master_craftsman"]["description"]
    condition = schema["components"]["schemas"]["ConditionModel"]["properties"]["code"]["description"]
    assert "해당 없음" in condition and "|open" in condition
