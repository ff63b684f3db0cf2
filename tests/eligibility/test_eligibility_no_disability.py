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
    """314000000114: "중증 장애인 가정에 … 무장애 편의시설 설치": the 장애인 가정 names the group (narrowed: a household
    with a person with a severe disability), 무장애 alone would not."""
    text = details["314000000114"]["지원대상"]
    r = restriction_in(text)
    assert r is not None and "disabled" in dict(r.specific)
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
    # s13 #2: a household or family member's disability is not the person's own (no fact records it)
    ("장애인 가정이에요", {}),
    ("우리 집이 장애인 가정이에요", {}),
    ("가족 중에 장애인이 있어요", {}),
    ("장애 부모 가정이에요", {}),
    ("We are a household with a disabled member", {}),
    ("a family with a disabled child", {}),
    ("장애인 가정이고 구직 중이에요", {"job_seeker": True}),  # the other group said is still read
    ("저는 장애인이고 장애인 가정이에요", {"disabled": True}),  # the person's own, said in its clause
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
    assert groups_answer(t) is None


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
