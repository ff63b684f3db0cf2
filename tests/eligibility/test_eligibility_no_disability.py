"""s12 #2: "장애" inside words that say there is no disability (비장애, 장애가 없는), or that mean something else (무장애
편의시설: barrier-free; 장애물: an obstacle; 장애 유무: whether or not), names no disabled group: not in the text groups
(condition GROUP), not in the other ways in beside a status (STATUS), not in a citizen's answer.

Expected values are read by hand from the texts: VOU000009000 언어발달지원 is for "장애 부모의 12세 미만 비장애아동"
(children *without* a disability whose parent has one; the next line defines 장애 부모), so a disability is no way in
for the child the question is about."""

from __future__ import annotations

from pathlib import Path

import pytest
from elig_helpers import FILES, raw_rows

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import Evaluation
from connectors.eligibility.facts import Facts
from connectors.eligibility.status_ways import ways_in
from connectors.eligibility.text_groups import groups_answered, groups_named, restriction_in


@pytest.mark.parametrize(("item", "disabled"), [
    ("만18세이상 발달장애인", True),
    ("장애정도가 심한 장애인", True),
    ("만 6세 미만 발달장애(지연)영유아", True),
    ("중증장애아동", True),
    ("장애 부모의 12세 미만 비장애아동으로 기준 중위소득 120% 이하의 가구", False),
    ("비장애 형제자매", False),
    ("장애가 없는 형제자매", False),
    ("장애 유무와 관계없이 관내 청소년", False),
    ("무장애 편의시설을 설치하려는 시설", False),
    ("장애물 없는 생활환경 인증 건축물", False),
])
def test_only_a_disability_of_the_person_names_the_group(item: str, disabled: bool) -> None:
    assert ("disabled" in groups_named(item)) is disabled


@pytest.fixture(scope="module")
def details(gov24_dir: Path) -> dict[str, dict[str, str]]:
    return {r["서비스ID"]: r for r in raw_rows(gov24_dir, FILES[1])}


def test_vou000009000_requires_no_disability_and_a_way_in_no_fact_records(details: dict[str, dict[str, str]]) -> None:
    """The real text: its first item is about non-disabled children (s13 #1: having no disability is a requirement on
    the child, not nothing), its "장애 부모 : …" line defines the parent (a household member's disability: no fact of
    the child records it, so that part is a way in to confirm: open)."""
    text = details["VOU000009000"]["지원대상"]
    assert "비장애아동" in text and "장애 부모 :" in text  # the snapshot's wording this test reads
    r = restriction_in(text)
    assert r is not None
    assert (r.groups, r.ages, r.open, r.specific, r.without) == ((), (), True, (), ("disabled",))
    assert r.quote == "장애 부모의 12세 미만 비장애아동으로 기준 중위소득 120% 이하의 가구"


@pytest.mark.parametrize(("disabled", "told", "status"), [
    (True, None, "not_eligible"),   # a disabled child: "비장애아동" rules it out
    (None, True, "not_eligible"),   # the group question's answer "장애인" (target_groups) alike
    (False, None, "unknown"),       # no disability: the disabled parent is still to confirm
    (None, None, "unknown"),
])
def test_vou000009000_rules_out_a_disabled_child_and_leaves_the_others_to_confirm(
        gov24_catalogue: Catalogue, disabled: bool | None, told: bool | None, status: str) -> None:
    """A 10-year-old in Seoul at 50 % of the median income meets its codes (JA0110-0111: ages 0-11, JA0201: income
    0-50 %). The text asks for a child *without* a disability of a disabled parent: a disabled child is not eligible
    (GROUP decides it), any other child is to confirm (the parent's disability is no fact of the child's)."""
    facts = Facts(age=10, region="서울특별시", income_pct_median=50, disabled=disabled,
                  target_groups=None if told is None else {"disabled": told})
    result = next(r for r in Evaluation(gov24_catalogue, facts).results() if r.service_id == "VOU000009000")
    assert result.status == status
    group = [c for c in result.decided_by if c.code == "GROUP"]
    assert len(group) == 1 and group[0].value == "without:disabled|open"
    assert "비장애아동" in group[0].meaning and "without a disability" in group[0].meaning_en
    if status == "unknown":
        assert ("disabled" in result.missing) is (disabled is None and told is None)


def test_a_non_disabled_alternative_is_no_requirement_on_every_way_in() -> None:
    """"○ 기초생활수급자 ○ 비장애인 형제자매": two ways in; a disabled 수급자 still gets in (no ``without``)."""
    r = restriction_in("○ 기초생활수급자\n○ 비장애인 형제자매")
    assert r is not None and r.without == () and r.groups == ("low_income",) and r.open
    one = restriction_in("○ 만 18세 미만 비장애 형제자매")
    assert one is not None and one.without == ("disabled",)


def test_barrier_free_does_not_name_a_disability_but_a_disabled_household_still_does(
        details: dict[str, dict[str, str]]) -> None:
    """314000000114: "중증 장애인 가정에 … 무장애 편의시설 설치": the 장애인 가정 names the household group (s14 #2:
    ``disabled_family``, not the person's own ``disabled``; narrowed: a household with a person with a severe
    disability, so no fact holds it), 무장애 alone would not."""
    text = details["314000000114"]["지원대상"]
    r = restriction_in(text)
    assert r is not None and "disabled_family" in dict(r.specific) and not r.requires
    assert "disabled" not in dict(r.specific) and "disabled" not in r.groups
    without = restriction_in(text.replace("중증 장애인 가정에", "가정에"))
    assert without is None or ("disabled" not in dict(without.specific) and "disabled" not in without.groups)


def test_a_non_disabled_way_beside_a_status_is_not_a_disability() -> None:
    """Beside 기초생활수급자, "비장애인 형제자매" is a way in no fact decides (open), not "장애인"."""
    assert [w.key for w in ways_in("○ 기초생활수급자\n○ 비장애인 형제자매")] == ["open"]
    assert [w.key for w in ways_in("○ 기초생활수급자\n○ 장애인")] == ["disabled"]


@pytest.mark.parametrize(("text", "answer"), [
    ("비장애인이에요", {"disabled": False}),
    ("장애는 없어요", {"disabled": False}),
    ("I'm non-disabled", {"disabled": False}),
    ("장애인이에요", {"disabled": True}),
    ("I have a disability", {"disabled": True}),
])
def test_an_answer_saying_no_disability_denies_the_group(text: str, answer: dict[str, bool]) -> None:
    assert groups_answered(text) == answer


@pytest.mark.parametrize(("text", "answer"), [
    # s13 #2: a household or family member's disability is not the person's own; s14 #2: it is the household's way
    # in (disabled_family: the 장애인가정 출산지원금 services)
    ("장애인 가정이에요", {"disabled_family": True}),
    ("우리 집이 장애인 가정이에요", {"disabled_family": True}),
    ("가족 중에 장애인이 있어요", {"disabled_family": True}),
    ("장애 부모 가정이에요", {"disabled_family": True}),
    ("We are a household with a disabled member", {"disabled_family": True}),
    ("a family with a disabled child", {"disabled_family": True}),
    ("장애인 가정은 아니에요", {"disabled_family": False}),
    ("장애인 가정이고 구직 중이에요", {"disabled_family": True, "job_seeker": True}),  # the other group said is still read
    ("저는 장애인이고 장애인 가정이에요", {"disabled": True, "disabled_family": True}),  # the person's own, in its clause
    ("I am disabled", {"disabled": True}),
])
def test_a_household_members_disability_is_not_the_persons(text: str, answer: dict[str, bool]) -> None:
    assert groups_answered(text) == answer


@pytest.mark.parametrize("text", ["장애인 가정이에요", "We are a household with a disabled member"])
def test_the_group_question_answered_with_a_disabled_household_sets_no_disability(text: str) -> None:
    """At the group question offering 장애인 and 예술인, "장애인 가정이에요" names no group of the person: the answer
    is not {"disabled": True} (before s13 it was, and the services for 장애인 counted the citizen in)."""
    from assistant.dialogue.sdk import ProtocolTracker
    from connectors.eligibility.actions import GROUPS_SLOT, OFFERED_SLOT, groups_answer

    t = ProtocolTracker({"slots": {"requested_slot": GROUPS_SLOT, OFFERED_SLOT: ["disabled", "artist"]}, "events": [],
                         "latest_message": {"text": text, "entities": [], "intent": {"name": "inform", "confidence": 0.9}}})
    assert (groups_answer(t) or {}).get("disabled") is not True


@pytest.mark.parametrize(("text", "undone"), [
    ("장애인 가정이에요", True),
    ("우리 집이 장애인 가정이라서요", True),
    ("We're a household with a disabled member", True),
    ("네", False),
    ("Yes", False),
    ("저는 장애인이고 장애인 가정이에요", False),  # the person's own, said too
])
def test_a_disabled_household_answering_the_disability_question_is_undone(text: str, undone: bool) -> None:
    """s13 #2: at "장애인으로 등록되어 있나요?", an answer read as yes that speaks of a household member's disability is
    not the person's: the form undoes it (disabled back to unknown, utter_disabled_household_not_own, asked again)."""
    from assistant.dialogue.sdk import ProtocolTracker
    from connectors.eligibility.actions import household_disability_answer

    slots = {"requested_slot": "disabled", "disabled": True}
    t = ProtocolTracker({"slots": slots, "events": [], "latest_message": {"text": text, "entities": []}})
    assert household_disability_answer(t, slots) is undone


#: The four 장애인가정 출산지원금 services (s14 #2), each with a place its region condition holds (its agency's, by hand:
#: 은평구, 여수시, 해남군, 울산광역시) and the text's words that ask for a household with a disabled member.
DISABLED_FAMILY_BIRTH = [
    ("311000000106", "서울특별시 은평구", "남성장애인의 배우자"),
    ("481000000108", "전라남도 여수시", "신생아의 부 또는 모가"),
    ("493000000305", "전라남도 해남군", "장애인 가정"),
    ("631000000119", "울산광역시", "출생아의 부 또는 모가"),
]


@pytest.mark.parametrize(("sid", "region", "words"), DISABLED_FAMILY_BIRTH)
def test_a_disabled_household_is_a_requirement_of_the_birth_grants(details: dict[str, dict[str, str]], sid: str,
                                                                  region: str, words: str) -> None:
    """s14 #2: the texts ask for a 장애인가정 (the newborn's father or mother a registered disabled person): one
    requirement (``disabled_family``), held by the person's own disability or a household member's; not the person's
    own ``disabled`` group (before s14: 481000000108 read it so, the three others named nothing the codes did not)."""
    text = details[sid]["지원대상"]
    assert words in text  # the snapshot's wording this test reads
    r = restriction_in(text)
    assert r is not None and r.requires == ("disabled_family",)
    assert (r.groups, r.ages, r.specific, r.open) == ((), (), (), False)


@pytest.mark.parametrize(("sid", "region", "words"), DISABLED_FAMILY_BIRTH)
@pytest.mark.parametrize(("disabled", "household", "told", "status"), [
    (False, True, None, "eligible"),        # a mother whose husband is disabled (311000000106: "남성장애인의 배우자")
    (True, None, None, "eligible"),          # a disabled mother ("등록 여성장애인")
    (False, False, None, "not_eligible"),    # no one in the household is disabled
    (False, None, None, "unknown"),          # before s14: eligible (311, 493, 631) or to confirm by target_groups
    (None, None, True, "eligible"),          # the group question's "장애인 가정" (target_groups.disabled_family)
    (None, None, False, "not_eligible"),
])
def test_the_birth_grants_of_a_disabled_household(gov24_catalogue: Catalogue, sid: str, region: str, words: str,
                                                  disabled: bool | None, household: bool | None, told: bool | None,
                                                  status: str) -> None:
    """A 33-year-old woman who just gave birth (JA0303 출산/입양, the services' code), living where the service is."""
    facts = Facts(age=33, sex="female", region=region, income_pct_median=80, recent_birth_or_adoption=True,
                  disabled=disabled, household_disabled=household,
                  target_groups=None if told is None else {"disabled_family": told})
    result = next(r for r in Evaluation(gov24_catalogue, facts).results() if r.service_id == sid)
    assert result.status == status, result
    group = [c for c in result.decided_by if c.code == "GROUP"]
    assert [c.value for c in group] == ["requires:disabled_family"]
    if status == "unknown":
        assert "household_disabled" in result.missing and "disabled" not in result.missing
        assert "households with a registered disabled member" in group[0].meaning_en


def test_a_list_of_households_is_ways_in_not_a_requirement(details: dict[str, dict[str, str]]) -> None:
    """547000000143 "노인세대, 장애인세대, 한부모 가족": 장애인세대 is one way in beside the others (``disabled_family``
    among the groups), not a requirement on every way in."""
    r = restriction_in(details["547000000143"]["지원대상"])
    assert r is not None and not r.requires and {"disabled_family", "single_parent"} <= set(r.groups)
    assert "disabled" not in r.groups
