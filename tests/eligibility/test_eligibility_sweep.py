"""Sweep over every service of the real catalogue (1,097): a person built to satisfy its coded conditions
and its region is eligible, and one that breaks exactly one condition is not eligible with that
condition named (REGION for the region). A service whose 지원대상 text restricts it to a group
(:mod:`connectors.eligibility.text_groups`, condition GROUP) gets a person confirmed to belong to it
(``target_groups``), including a group its text names more narrowly than a fact records it (s10: a coarse fact
never establishes "사립학교 퇴직 교직원"); the per-group checks are in test_eligibility_text_groups.py. A local public body's service
(지방공기업, 지방출자·출연기관, 교육청 by the raw 소관기관유형) with no other area is limited to the area of its name:
another 시·도 breaks it (``unknown`` for a facility's fee reduction: non-residents may use it). Where nothing coded restricts (no condition to break), the
satisfying person is not eligible on nothing: unknown with the reason NONE, or eligible through the named
status its text requires (STATUS; the satisfying person holds every named status). A service whose codes say only an
age while its 지원대상 text names a narrower circle (:mod:`connectors.eligibility.who_text`, condition CHECK, fresh-user
report s8 defect 3) gets a person confirmed to belong to every lexicon group the phrase names; where it names none, no
fact establishes it, and the satisfying person is ``unknown`` with CHECK the one open condition (breaking a condition
still gives ``not_eligible``).

The synthetic people are computed from the raw supportConditions JSON with this file's own reading of
the codes (below), not from the evaluator's arrays; the region from the raw serviceList's 소관기관유형
(광역시도 / 시군구 = a local government) and 소관기관명, not from ``agency_area``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import Evaluation
from connectors.eligibility.facts import Facts

from elig_helpers import raw_rows  # type: ignore[import-not-found]
from test_eligibility_title_applicant import APPLICANT_HAND_READ  # type: ignore[import-not-found]

# Our own reading of the groups: code -> (fact, value that satisfies it). Income: a value inside the band.
SEX = {"JA0101": "male", "JA0102": "female"}
INCOME = {"JA0201": 30.0, "JA0202": 60.0, "JA0203": 90.0, "JA0204": 150.0, "JA0205": 300.0}
PERSONAL = {
    "JA0301": ("preparing_pregnancy", True), "JA0302": ("pregnant", True), "JA0303": ("recent_birth_or_adoption", True),
    "JA0313": ("farmer", True), "JA0314": ("fisher", True), "JA0315": ("livestock_farmer", True), "JA0316": ("forester", True),
    "JA0317": ("student_level", "elementary"), "JA0318": ("student_level", "middle"), "JA0319": ("student_level", "high"),
    "JA0320": ("student_level", "university"), "JA0326": ("employed", True), "JA0327": ("job_seeker", True),
    "JA0328": ("disabled", True), "JA0329": ("veteran", True), "JA0330": ("ill", True),
}
HOUSEHOLD = {
    "JA0401": "multicultural_family", "JA0402": "north_korean_defector", "JA0403": "single_parent_family",
    "JA0404": "single_person_household", "JA0411": "multi_child_household", "JA0412": "homeless_household",
    "JA0413": "new_resident", "JA0414": "extended_family",
}
BUSINESS_STATUS = {"JA1101": "pre_founder", "JA1102": "operating", "JA1103": "closing"}
BUSINESS_INDUSTRY = {"JA1201": "restaurant", "JA1202": "manufacturing", "JA1299": "other"}
ORG_TYPE = {"JA2101": "sme", "JA2102": "social_welfare_facility", "JA2103": "institution"}
ORG_INDUSTRY = {"JA2201": "manufacturing", "JA2202": "agriculture_forestry_fishery", "JA2203": "information_communication",
                "JA2299": "other"}
ALL_FALSE_PERSONAL = {f: (False if v is True else "none") for f, v in PERSONAL.values()}
LOCAL_TYPES = {"광역시도": "sido", "시군구": "sigungu"}
Plan = tuple[dict[str, Any], list[tuple[str, dict[str, Any], set[str]]]]


def _home(listing: dict[str, Any]) -> tuple[str, str | None] | None:
    """(시·도, 시·군·구 or None) of a local government's service, by the catalogue's own agency type."""
    kind = LOCAL_TYPES.get(listing["소관기관유형"])
    if kind is None:
        return None
    words = listing["소관기관명"].split()
    return (words[0], words[1]) if kind == "sigungu" else (words[0], None)


def _plan(row: dict[str, Any], listing: dict[str, Any], homes: list[tuple[str, str | None]],
          text_home: tuple[str, str | None] | None = None, applicant: str | None = None,
          groups: tuple[str, ...] = ()) -> Plan:
    """:func:`_plan_codes` plus the region: the service's own area, broken by another 시·도 and, for a
    시·군·구 service, by another 시·군·구 of the same 시·도 (``homes``: every local area of the catalogue).
    ``text_home``: for a service of a non-local agency, the area its 지원대상 text limits it to (read by
    ``text_area``; checked by hand in test_eligibility_region.py), broken by another 시·도.
    ``applicant``: the kind of applicant its 지원대상 names (hand read, test_eligibility_title_applicant.py); when
    its codes let a person in, the satisfying person applies as one (an organisation, or a business running) and
    applying as a person breaks it (APPLICANT)."""
    base, breaks = _plan_codes(row)
    if groups:  # the text restricts it to a group: the person is confirmed to belong to every group it names
        base = {**base, "target_groups": dict.fromkeys(groups, True)}
    if applicant is not None and "sex" in base:  # the individual plan: codes that let a person in
        # an organisation type its codes do not name, so that the individual pathway alone decides the codes
        unnamed = next((v for c, v in ORG_TYPE.items() if c not in _yes(row, ORG_TYPE)), "institution")
        base = {**base, **({"organization_type": unnamed} if applicant == "organization" else {"business_status": "operating"})}
        breaks = [*breaks, ("applicant", {"organization_type": "none", "business_status": "none"}, {"APPLICANT"})]
    home = _home(listing)
    if home is None and text_home is not None:
        sido, sigungu = text_home
        other_sido = next(h[0] for h in homes if h[0] != sido)
        return ({**base, "region": sido if sigungu is None else f"{sido} {sigungu}"},
                [*breaks, ("region (text): another 시·도", {"region": other_sido}, {"REGION"})])
    if home is None:
        return {**base, "region": "부산광역시 해운대구"}, breaks  # a national service: any region will do
    sido, sigungu = home
    base = {**base, "region": sido if sigungu is None else f"{sido} {sigungu}"}
    other_sido = next(h[0] for h in homes if h[0] != sido)
    breaks = [*breaks, ("region: another 시·도", {"region": other_sido}, {"REGION"})]
    if sigungu is not None:
        neighbour = next((h[1] for h in homes if h[0] == sido and h[1] not in (None, sigungu)), None)
        if neighbour is not None:
            breaks.append(("region: another 시·군·구", {"region": f"{sido} {neighbour}"}, {"REGION"}))
    return base, breaks


def _yes(row: dict[str, Any], codes: Any) -> list[str]:
    return [c for c in codes if row.get(c) == "Y"]


def _plan_codes(row: dict[str, Any]) -> Plan:
    """(facts that satisfy the row's codes, [(what is broken, facts that break only it, codes to be named)])."""
    sb = _yes(row, BUSINESS_STATUS) + _yes(row, BUSINESS_INDUSTRY)
    org = _yes(row, ORG_TYPE) + _yes(row, ORG_INDUSTRY)
    personal_y = _yes(row, ["JA0101", "JA0102", *INCOME, *PERSONAL, "JA0322", *HOUSEHOLD, "JA0410"])
    individual = bool(personal_y) or not (sb or org)
    if individual:
        base: dict[str, Any] = {"business_status": "none", "organization_type": "none", **ALL_FALSE_PERSONAL,
                                **{f: False for f in HOUSEHOLD.values()}}
        breaks: list[tuple[str, dict[str, Any], set[str]]] = []
        sexes = _yes(row, SEX)
        base["sex"] = SEX[sexes[0]] if sexes else "female"
        if len(sexes) == 1:
            breaks.append(("sex", {"sex": "female" if base["sex"] == "male" else "male"}, set(sexes)))
        bands = _yes(row, INCOME)
        base["income_pct_median"] = INCOME[bands[0]] if bands else 50.0
        if bands and len(bands) < 5:
            other = next(v for c, v in INCOME.items() if c not in bands)
            breaks.append(("income", {"income_pct_median": other}, set(bands)))
        traits = _yes(row, PERSONAL)
        if traits and row.get("JA0322") != "Y":
            fact, value = PERSONAL[traits[0]]
            base[fact] = value
            breaks.append(("personal", {fact: ALL_FALSE_PERSONAL[fact]}, set(traits)))
        else:  # no personal code restricts: the person holds the statuses a text may name (STATUS), veteran too
            base["veteran"] = True
        base.update({f: True for f in ("welfare_recipient", "near_poverty", "master_craftsman")})
        homes = _yes(row, HOUSEHOLD)
        if homes and row.get("JA0410") != "Y":
            base[HOUSEHOLD[homes[0]]] = True
            breaks.append(("household", {HOUSEHOLD[homes[0]]: False}, set(homes)))
        lo, hi = row.get("JA0110"), row.get("JA0111")
        base["age"] = 40 if lo is None else max(lo, 0)
        if lo is not None and not (lo <= 0 and hi >= 120):
            if lo >= 1:
                breaks.append(("age", {"age": lo - 1}, {"JA0110", "JA0111"}))
            if hi + 1 <= 130:
                breaks.append(("age", {"age": hi + 1}, {"JA0110", "JA0111"}))
        return base, breaks
    if sb:
        base = {"organization_type": "none", "business_status": BUSINESS_STATUS[_yes(row, BUSINESS_STATUS)[0]]}
        industries = _yes(row, BUSINESS_INDUSTRY)
        base["business_industry"] = BUSINESS_INDUSTRY[industries[0]] if industries else "other"
        breaks = [("business_status", {"business_status": "none"}, set(_yes(row, BUSINESS_STATUS)))]
        if industries and len(industries) < 3:
            other = next(v for c, v in BUSINESS_INDUSTRY.items() if c not in industries)
            breaks.append(("business_industry", {"business_industry": other}, set(industries)))
        return base, breaks
    types, industries = _yes(row, ORG_TYPE), _yes(row, ORG_INDUSTRY)
    base = {"business_status": "none", "organization_type": ORG_TYPE[types[0]] if types else "sme",
            "organization_industry": ORG_INDUSTRY[industries[0]] if industries else "other"}
    breaks = []
    if types:
        breaks.append(("organization_type", {"organization_type": "none"}, set(types)))
    if industries and len(industries) < 4:
        other = next(v for c, v in ORG_INDUSTRY.items() if c not in industries)
        breaks.append(("organization_industry", {"organization_industry": other}, set(industries)))
    return base, breaks


def _text_homes(cat: Catalogue) -> dict[str, tuple[str, str | None]]:
    """서비스ID → (시·도, 시·군·구) for services whose area comes from their 지원대상 text or, for a local public body,
    its name (``area_inferred``)."""
    # an area listing a few 시·군·구 (안동의료원's five 군): the person lives in the first of them
    out = {s.service_id: (s.text_area.sido, s.text_area.districts()[0] if s.text_area.sigungu else None)
           for i, s in enumerate(cat.services) if cat.area_from_text[i] and s.text_area is not None}
    for i in np.flatnonzero(cat.area_inferred):
        area = cat.areas[cat.area_id[i]]
        out[cat.services[i].service_id] = (area.sido, area.sigungu)
    return out


def _groups(cat: Catalogue) -> dict[str, tuple[str, ...]]:
    """서비스ID → the groups its text restricts it to (``ServiceInfo.restriction``), or that its who-phrase names
    (``ServiceInfo.who``, where the codes say only an age: CHECK)."""
    out: dict[str, tuple[str, ...]] = {}
    for i in np.flatnonzero(cat.restriction_id >= 0):
        # the groups a way in names plainly, and those its text narrows (``Restriction.specific``: "재직기간 1년 이상
        # 사립학교 퇴직 교직원" for worker): the citizen confirms the group; no coarse fact (employed) holds it (s10)
        r = cat.restrictions[cat.restriction_id[i]]
        out[cat.services[i].service_id] = (*r.groups, *(g for g, _phrase in r.specific))
    out.update({cat.services[i].service_id: cat.who_checks[cat.who_id[i]].groups for i in np.flatnonzero(cat.who_id >= 0)})
    return out


@pytest.fixture(scope="module")
def rows(gov24_dir: Path) -> list[dict[str, Any]]:
    return raw_rows(gov24_dir, "gov24_supportConditions_snapshot.json")


@pytest.fixture(scope="module")
def listings(gov24_dir: Path) -> dict[str, dict[str, Any]]:
    return {r["서비스ID"]: r for r in raw_rows(gov24_dir, "gov24_serviceList_snapshot.json")}


@pytest.fixture(scope="module")
def homes(listings: dict[str, dict[str, Any]]) -> list[tuple[str, str | None]]:
    return sorted({h for r in listings.values() if (h := _home(r)) is not None}, key=lambda h: (h[0], h[1] or ""))


def test_every_service_satisfied_then_broken_one_condition_at_a_time(
        rows: list[dict[str, Any]], listings: dict[str, dict[str, Any]], homes: list[tuple[str, str | None]],
        gov24_catalogue: Catalogue) -> None:
    assert len(rows) == len(gov24_catalogue) == 1097
    failures: list[str] = []
    broken_checked = region_checked = vacuous = 0
    cache: dict[str, Evaluation] = {}

    def judge(facts: dict[str, Any], sid: str) -> tuple[str, set[str]]:
        key = repr(sorted(facts.items()))
        if key not in cache:
            cache[key] = Evaluation(gov24_catalogue, Facts(**facts))
        status, decided, _missing = cache[key].explain(gov24_catalogue.index[sid])
        return status, {c.code for c in decided}

    text_homes = _text_homes(gov24_catalogue)
    groups = _groups(gov24_catalogue)
    soft = {gov24_catalogue.services[i].service_id for i in np.flatnonzero(gov24_catalogue.area_soft)}
    inferred = {gov24_catalogue.services[i].service_id for i in np.flatnonzero(gov24_catalogue.area_inferred)}
    to_check = {gov24_catalogue.services[i].service_id for i in np.flatnonzero(gov24_catalogue.who_id >= 0)
                if not (w := gov24_catalogue.who_checks[gov24_catalogue.who_id[i]]).groups and not w.all_of}
    # a text whose only way in no fact records, with a requirement on the person (s13 #1, VOU000009000: "장애 부모의
    # 12세 미만 비장애아동"; the parent's disability is no fact of the child's), or that names its groups only more
    # narrowly than a fact or an answer records them (s13 #6: "사립학교 퇴직 교직원"): to confirm, whoever asks
    unreadable = {gov24_catalogue.services[i].service_id for i in np.flatnonzero(gov24_catalogue.restriction_id >= 0)
                  if not ((r := gov24_catalogue.restrictions[gov24_catalogue.restriction_id[i]]).groups or r.ages)}
    # a text saying its requirements must all be met (s42, who_text.all_of_check): to check whatever is coded
    all_of = {s.service_id for s in gov24_catalogue.services if s.all_of is not None}
    assert len(all_of) == 32  # counted on the snapshot with a plain scan of both texts for "모두 충족/해당/만족 …"
    # a text whose income limit differs from its coded bands (s43, income_text): an income the two judge differently is
    # to check (INCOME), whichever way; the values are asserted service by service in test_eligibility_income_text.py
    income_text = {gov24_catalogue.services[i].service_id for i in np.flatnonzero(gov24_catalogue.income_id >= 0)}
    income_gaps = 0
    for row in rows:
        sid = row["서비스ID"]
        base, breaks = _plan(row, listings[sid], homes, text_homes.get(sid), APPLICANT_HAND_READ.get(sid), groups.get(sid, ()))
        status, named = judge(base, sid)
        if sid in income_text and status == "unknown" and "INCOME" in named:
            income_gaps += 1
        elif sid in all_of:
            if status != "unknown" or "CHECK" not in named:
                failures.append(f"{sid} {row['서비스명']}: requirements to meet all at once judged {status} by {sorted(named)}")
        elif not _plan_codes(row)[1]:  # nothing coded restricts: decided by a named status or by nothing
            vacuous += 1
            by_status = status == "eligible" and "STATUS" in named and named <= {"STATUS", "REGION", "APPLICANT", "GROUP"}
            # (s13 #6) a text naming its groups only narrowly adds its GROUP to confirm
            if not (by_status or (status, named) == ("unknown", {"NONE"})
                    or (sid in unreadable and (status, named) == ("unknown", {"GROUP", "NONE"}))):
                failures.append(f"{sid} {row['서비스명']}: nothing coded restricts, judged {status} by {sorted(named)}")
            without = {k: v for k, v in base.items() if k not in ("veteran", "welfare_recipient", "near_poverty",
                                                                    "master_craftsman")}
            if judge(without, sid)[0] != "unknown":  # no status known: nothing decides it
                failures.append(f"{sid} {row['서비스명']}: nothing coded restricts and no status known, not unknown")
        elif sid in to_check:  # the text names a circle no fact establishes: the phrase is to check
            if (status, named) != ("unknown", {"CHECK"}):
                failures.append(f"{sid} {row['서비스명']}: age-only service with a phrase to check judged {status} by {sorted(named)}")
        elif sid in unreadable:
            if (status, named) != ("unknown", {"GROUP"}):
                failures.append(f"{sid} {row['서비스명']}: a way in no fact records judged {status} by {sorted(named)}")
        elif status != "eligible":
            failures.append(f"{sid} {row['서비스명']}: satisfying person judged {status}")
        for what, change, codes in breaks:
            status, named = judge({**base, **change}, sid)
            if sid in soft and codes == {"REGION"}:  # a facility's fee reduction: living elsewhere is to confirm
                if status != "unknown" or "REGION" not in named:
                    failures.append(f"{sid} {row['서비스명']}: living elsewhere gave {status} naming {sorted(named)}")
                continue
            if sid in income_text and what == "income" and status == "unknown" and "INCOME" in named:
                income_gaps += 1
                continue
            broken_checked += 1
            region_checked += codes == {"REGION"}
            if status != "not_eligible" or not codes <= named:
                failures.append(f"{sid} {row['서비스명']}: breaking {what} gave {status} naming {sorted(named)}, expected {sorted(codes)}")
            elif named - codes - {c for c in named if c[:4] in ("JA11", "JA12", "JA21", "JA22")}:
                # only the broken condition is named (other pathways' closed conditions may be named too)
                failures.append(f"{sid}: breaking {what} also named {sorted(named - codes)}")
    assert not failures, f"{len(failures)} failures, e.g.:\n" + "\n".join(failures[:15])
    assert broken_checked > 1500  # most services restrict on something: the sweep really breaks conditions
    assert income_gaps <= 20  # the sweep's incomes (30, 60, 90, 150, 300 %) fall in a text's gap on a few rows only
    assert 20 <= vacuous <= 200  # the snapshot's services whose codes restrict nobody (0–120, every code ticked …)
    local = [r for r in listings.values() if _home(r) is not None]
    sigungu = [r for r in local if r["소관기관유형"] == "시군구"]
    assert len(local) == 785 and len(sigungu) == 645  # the snapshot's local governments (소관기관유형)
    # every local service broken by 시·도, and by 시·군·구; every text-limited one by 시·도
    assert text_homes and region_checked == len(local) + len(sigungu) + len(text_homes) - len(soft)
    # the local public bodies of the raw listing (소관기관유형) whose area comes from their name only
    bodies = {r["서비스ID"] for r in listings.values() if r["소관기관유형"] in ("지방공기업", "지방출자_출연기관", "교육청")}
    assert inferred <= bodies and len(inferred) >= 60 and soft <= inferred
    assert 30 <= len(to_check) <= 80  # s9: 62 age-only services whose text names a circle, 54 of them no lexicon group


def test_nothing_known_is_never_not_eligible(rows: list[dict[str, Any]], listings: dict[str, dict[str, Any]],
                                            homes: list[tuple[str, str | None]], gov24_catalogue: Catalogue) -> None:
    """With no facts nothing can fail and nothing is decided: a service with a condition to break is unknown, and
    one whose conditions restrict nobody is unknown too (reason NONE, or a named status to confirm), never eligible."""
    ev = Evaluation(gov24_catalogue, Facts())
    text_homes = _text_homes(gov24_catalogue)
    results = {s.service_id: ev.explain(i) for i, s in enumerate(gov24_catalogue.services)}
    for row in rows:
        _base, breaks = _plan(row, listings[row["서비스ID"]], homes, text_homes.get(row["서비스ID"]),
                              APPLICANT_HAND_READ.get(row["서비스ID"]), _groups(gov24_catalogue).get(row["서비스ID"], ()))
        status, decided, _missing = results[row["서비스ID"]]
        assert status == "unknown", row["서비스ID"]
        if not breaks:
            assert {c.code for c in decided} & {"NONE", "STATUS"}, row["서비스ID"]
