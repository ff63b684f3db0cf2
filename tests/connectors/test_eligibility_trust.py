"""Eligibility results that can be trusted (issue #5; fresh-user report s6 items 3, 11 and 15).

* Nothing coded decides no "eligible": a service whose coded conditions restrict nobody (0–120 years, every code
  ticked) — or that lets the person in by a pathway where nothing restricts — is ``unknown`` with the reason
  ``NONE`` and no fact to ask, and still ``not_eligible`` in another area.
* The named status a service's text requires (국가유공자, 기초생활수급자, 차상위, 대한민국명장) where the codes leave
  room for it is the condition ``STATUS``: held only when the person is known to hold one, never silently satisfied.
* The listing ranks by distinct conditions met: an age pair is one condition, a broad age range ("19 or over") none.
* The one-service reply says what is still to confirm instead of "받으실 수 있어요".
* A withdrawn MyData consent is listed with its withdrawal date, not its expiry.

Synthetic catalogues check the rules; sweeps over the real catalogue (../shared/data, skipped without it) check the
report's people and a grid of people against the raw 지원대상/선정기준 text, read here with this file's own word list.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from connectors.eligibility.actions import ActionCheckEligibility, rank_key, specific_conditions
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import STATUS, Condition, Evaluation, ServiceResult, evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.statuses import statuses_in

GOV24 = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "gov24_benefits"
ALL_PERSONAL = {c: "Y" for c in ("JA0101", "JA0102", "JA0322", "JA0328", "JA0329", "JA0410", "JA0411")}


def _svc(sid: str, agency: str = "보건복지부", statuses: tuple[str, ...] = ()) -> ServiceInfo:
    return ServiceInfo(sid, f"서비스 {sid}", f"https://www.gov.kr/{sid}", agency, ("법 제1조",), statuses=statuses)


def _codes(r: ServiceResult) -> list[str]:
    return [c.code for c in r.decided_by]


# --- nothing coded decides: unknown (NONE) -------------------------------------------------------------------


def test_codes_that_restrict_nobody_decide_nothing() -> None:
    cat = Catalogue.from_records([
        (_svc("OPEN"), {"JA0110": 0, "JA0111": 120, **ALL_PERSONAL}),            # every code ticked, all ages
        (_svc("LOCAL", "서울특별시 마포구"), {"JA0110": 0, "JA0111": 200}),          # only its area decides
        (_svc("KIDS"), {"JA0110": 0, "JA0111": 7}),                               # a real condition
        # organisations restricted, a person let in by 0–120 alone (보령시시설관리공단 청소년수련관's shape)
        (_svc("ORGS"), {"JA0110": 0, "JA0111": 120, "JA0322": "Y", "JA2103": "Y"}),
    ])
    facts = Facts(age=4, region="서울특별시 마포구", organization_type="none")
    got = {r.service_id: r for r in evaluate(cat, facts)}
    for sid in ("OPEN", "LOCAL", "ORGS"):
        assert got[sid].status == "unknown" and _codes(got[sid]) == ["NONE"] and got[sid].missing == (), sid
    assert got["KIDS"].status == "eligible" and _codes(got["KIDS"]) == ["JA0110", "JA0111"]
    other = {r.service_id: r for r in evaluate(cat, Facts(age=4, region="서울특별시 강남구"))}
    assert other["LOCAL"].status == "not_eligible" and _codes(other["LOCAL"]) == ["REGION"]
    # an organisation applying to ORGS is decided by its organisation-type code
    (org,) = evaluate(cat, Facts(organization_type="institution"), ["ORGS"])
    assert org.status == "eligible" and _codes(org) == ["JA2103"]


# --- named statuses from the text: STATUS ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("○ 소득기준 : '국민기초생활보장법'에 따른 생계·의료·주거·교육급여 수급자", ("welfare_recipient",)),
    ("○ 대한민국명장 선정자, 국제기능올림픽대회 입상자", ("master_craftsman",)),
    ("○ 국가유공자 ○ 장애인 ○ 국민기초생활수급자 및 차상위계층", ("veteran", "welfare_recipient", "near_poverty")),
    ("○ 의료급여수급자", ("welfare_recipient",)),
    ("○ 5·18민주유공자임을 증명할 수 있는 사람", ("veteran",)),
    ("○ 기초연금 수급자", ()),                                    # a pension, not 기초생활보장
    ("○ 구직급여 수급자격 인정자", ()),                              # 수급자격: entitlement, not a status
    ("○ 생계·의료·주거급여 수급자에 해당하지 않는 가구", ()),          # named to exclude it
    ("○ 만 65세 이상 어르신\n※ 기초생활수급자는 추가 지원", ()),        # a remark line
    ("○ 만 19세~39세 청년", ()),
])
def test_statuses_read_from_the_text(text: str, expected: tuple[str, ...]) -> None:
    assert statuses_in(text) == expected


def _energy_like() -> Catalogue:
    """에너지바우처's shape: income band 0–50 % coded, all ages, every personal code ticked; the text requires a
    생계·의료·주거·교육급여 recipient. And the same text on a 65-or-over service (the codes' age is the way in there)."""
    return Catalogue.from_records([
        (_svc("VOUCHER", statuses=("welfare_recipient",)), {"JA0110": 0, "JA0111": 120, "JA0201": "Y", **ALL_PERSONAL}),
        (_svc("SENIOR", statuses=("welfare_recipient",)), {"JA0110": 65, "JA0111": 120}),
        (_svc("DISABLED", statuses=("veteran",)), {"JA0110": 19, "JA0111": 120, "JA0328": "Y"}),
        (_svc("MASTER", statuses=("master_craftsman",)), {"JA0110": 19, "JA0111": 120}),
    ])


def test_a_named_status_is_never_silently_satisfied() -> None:
    cat = _energy_like()
    (r,) = evaluate(cat, Facts(age=67, income_pct_median=40.0), ["VOUCHER"])
    assert r.status == "unknown" and r.missing == ("welfare_recipient",)
    status = next(c for c in r.decided_by if c.code == STATUS)
    assert status.value == "welfare_recipient" and "확인 필요" in status.meaning and "생계·의료·주거·교육급여" in status.meaning
    (yes,) = evaluate(cat, Facts(age=67, income_pct_median=40.0, welfare_recipient=True), ["VOUCHER"])
    assert yes.status == "eligible" and _codes(yes) == ["JA0201", STATUS] and "확인 필요" not in yes.decided_by[-1].meaning
    # a known "no" rules it out when the text names no other way in (s7: STATUS decides); the income band rules out too
    (no,) = evaluate(cat, Facts(age=67, income_pct_median=40.0, welfare_recipient=False), ["VOUCHER"])
    assert no.status == "not_eligible" and _codes(no) == [STATUS] and no.missing == ()
    assert no.decided_by[0].meaning.startswith("해당 없음: 기초생활보장 수급자")
    (rich,) = evaluate(cat, Facts(age=67, income_pct_median=150.0), ["VOUCHER"])
    assert rich.status == "not_eligible" and _codes(rich) == ["JA0201"]
    # 19 or over alone, text for 대한민국명장: unknown until the status is known
    (master,) = evaluate(cat, Facts(age=67), ["MASTER"])
    assert master.status == "unknown" and master.missing == ("master_craftsman",)


def test_a_named_status_does_not_override_codes_that_already_say_who() -> None:
    cat = _energy_like()
    # a narrow coded age (65 or over) is itself the way in such a text names; a coded trait (장애인) too
    (senior,) = evaluate(cat, Facts(age=67), ["SENIOR"])
    assert senior.status == "eligible" and STATUS not in _codes(senior)
    (disabled,) = evaluate(cat, Facts(age=40, disabled=True), ["DISABLED"])
    assert disabled.status == "eligible" and _codes(disabled) == ["JA0328", "JA0110", "JA0111"]
    assert not cat.status_bits[[cat.index["SENIOR"], cat.index["DISABLED"]]].any()


# --- ranking ------------------------------------------------------------------------------------------------


def _result(sid: str, *conds: tuple[str, Any]) -> ServiceResult:
    return ServiceResult(sid, sid, "eligible", tuple(Condition(c, c, c, v) for c, v in conds), (), ())


def test_ranking_counts_distinct_conditions_and_not_a_broad_age() -> None:
    broad = _result("A-broad", ("JA0110", 19), ("JA0111", 120))
    narrow = _result("B-narrow", ("JA0110", 65), ("JA0111", 120))
    several = _result("C-several", ("JA0201", "Y"), ("JA0202", "Y"), ("JA0110", 0), ("JA0111", 7), ("REGION", "서울특별시"))
    status = _result("D-status", ("JA0110", 19), ("JA0111", 120), (STATUS, "veteran"))
    assert [specific_conditions(r) for r in (broad, narrow, several, status)] == [0, 1, 3, 1]
    assert [r.service_id for r in sorted([broad, narrow, status, several], key=rank_key)] == \
        ["C-several", "B-narrow", "D-status", "A-broad"]  # B and D tie on one condition: by name


# --- the one-service reply ------------------------------------------------------------------------------------


class _Dispatcher:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def utter_message(self, **kw: Any) -> None:
        self.messages.append(kw)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_one_service_reply_says_what_is_still_to_confirm(lang: str) -> None:
    (r,) = evaluate(_energy_like(), Facts(age=67, income_pct_median=40.0), ["VOUCHER"])
    d = _Dispatcher()
    ActionCheckEligibility(client=None)._one(d, r, "만 67세" if lang == "ko" else "age 67", lang)  # type: ignore[arg-type]
    text = d.messages[0]["text"]
    if lang == "ko":
        assert "받으실 수 있어요" not in text and "확인이 필요한 조건: 기초생활보장 수급자" in text
        assert "기초생활보장 수급 여부" in text
    else:
        assert "I can't tell yet; still to confirm: basic livelihood security recipient" in text
        assert "basic livelihood security benefits" in text


# --- the real catalogue ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    if not (GOV24 / "gov24_supportConditions_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24} (../shared/data/gov24_benefits is not in this checkout)")
    return Catalogue.from_gov24_dir(GOV24)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    if not (GOV24 / "gov24_serviceDetail_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24}")
    rows = json.loads((GOV24 / "gov24_serviceDetail_snapshot.json").read_text(encoding="utf-8"))["data"]
    return {r["서비스ID"]: f"{r.get('지원대상') or ''}\n{r.get('선정기준') or ''}" for r in rows}


REPORT = {  # the report's people, as the conversation sends them (applying as a person)
    "child": {"age": 4, "region": "서울특별시 마포구", "organization_type": "none"},
    "adult": {"age": 35, "organization_type": "none"},
    "elder": {"age": 67, "region": "부산광역시 해운대구", "organization_type": "none"},
}
#: The services the s8 fresh-user report found listed as eligible for a Busan 67-year-old on their age alone: 장병
#: 인권상담, 한식진흥, 한문 고전 자문, 학점은행제 상담, 고양꽃전시관 북카페 (the last a 고양시 body's facility).
S8_NARROW = {"129000000009", "154300005020", "B55214300001", "B55288100001", "O00046800001"}
#: This file's own reading of "a text that names a restrictive status" (remark lines dropped).
RESTRICTIVE = re.compile(r"국가유공자|기초생활수급자|기초수급자|수급권자|차상위|대한민국명장")


def _grid() -> list[dict[str, Any]]:
    regions = [None, "서울특별시 마포구", "부산광역시 해운대구", "경기도 성남시", "전라남도"]
    return [{"age": a, "region": r, "organization_type": "none"} for a in (0, 4, 9, 15, 22, 35, 50, 67, 80) for r in regions]


def test_report_people_are_offered_nothing_decided_by_nothing(catalogue: Catalogue) -> None:
    child = {r.service_id: r for r in evaluate(catalogue, Facts(**REPORT["child"]),
                                                ["B55374800006", "O00022300001", "WII000001490", "B55435200002"])}
    assert all(r.status != "eligible" and r.decided_by for r in child.values()), child
    elder = {r.service_id: r for r in evaluate(catalogue, Facts(**REPORT["elder"]), ["B49000700206", "B41000200012"])}
    master, transformer = elder["B49000700206"], elder["B41000200012"]  # 계속종사장려금 (명장), 고효율 변압기
    assert master.status == "unknown" and master.missing == ("master_craftsman",)
    offered = 0
    for name, facts in REPORT.items():
        eligible = sorted((r for r in evaluate(catalogue, Facts(**facts)) if r.status == "eligible"), key=rank_key)
        # s9 (fresh-user report s8 defect 3): the services whose codes say only an age while their text names a
        # narrower circle are "to check" (CHECK), so a person known by age and region alone is offered few or none
        assert not {r.service_id for r in eligible} & S8_NARROW, name
        offered += len(eligible)
        top = eligible[:5]
        # services decided by something specific come first: no broad-age-only service ranks above one (with the text
        # groups, s7-fixb, the eligible lists are short, so the top 5 may hold both kinds)
        spec = [specific_conditions(r) for r in eligible]
        first_broad = next((i for i, n in enumerate(spec) if n == 0), len(spec))
        assert all(n == 0 for n in spec[first_broad:]), (name, spec)
        assert transformer.service_id not in {r.service_id for r in top} or name == "child", name
    assert offered  # the elder is still offered the rail discount for over-65s (its text says no more than the age)


def test_energy_voucher_is_to_confirm_not_a_firm_yes(catalogue: Catalogue) -> None:
    (r,) = evaluate(catalogue, Facts(age=67, income_pct_median=40.0, organization_type="none"), ["B55353000001"])
    assert r.status == "unknown" and "welfare_recipient" in r.missing and STATUS in _codes(r)
    (yes,) = evaluate(catalogue, Facts(age=67, income_pct_median=40.0, organization_type="none", welfare_recipient=True),
                      ["B55353000001"])
    # the status holds; the text's "소득기준과 가구원특성기준을 모두 충족하는 가구" is still to check (s42)
    assert yes.status == "unknown" and _codes(yes) == ["CHECK"] and "가구원특성기준" in yes.decided_by[0].meaning


def test_sweep_no_eligible_without_a_deciding_condition(catalogue: Catalogue, texts: dict[str, str]) -> None:
    """A grid of 45 people over the whole catalogue: every eligible verdict names what decided it (never empty, never
    NONE), and one decided by a broad age range alone never has a text naming a restrictive status."""
    remark = re.compile(r"^\s*[※*☞].*$", re.MULTILINE)
    checked = 0
    failures: list[str] = []
    for facts in _grid():
        ev = Evaluation(catalogue, Facts(**facts))
        for r in ev.results():
            if r.status != "eligible":
                continue
            checked += 1
            if not r.decided_by or "NONE" in _codes(r):
                failures.append(f"{facts}: {r.service_id} eligible by {_codes(r)}")
            elif specific_conditions(r) == 0 and RESTRICTIVE.search(remark.sub("", texts[r.service_id])) \
                    and "해당하지 않" not in texts[r.service_id]:
                failures.append(f"{facts}: {r.service_id} {r.service_name} eligible on a broad age, text names a status")
    # the grid does reach eligible services (fewer since s7-fixb: a text group is to confirm; 60 since s9: an age-only
    # service whose text names a narrower circle is to check, CHECK)
    assert checked > 40
    assert not failures, f"{len(failures)} failures, e.g.:\n" + "\n".join(failures[:10])


def test_http_check_of_the_report_services(catalogue: Catalogue) -> None:
    from fastapi.testclient import TestClient

    from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app

    app = create_app(service=EligibilityService(CatalogueSource.fixed(catalogue)))
    with TestClient(app) as http:
        out = http.post("/check", json={"facts": {"age": 4, "region": "서울특별시 마포구"},
                                        "service_ids": ["B55374800006", "O00022300001", "WII000001490"]}).json()
    assert [r["status"] for r in out["results"]] != ["eligible"] * 3
    assert all(r["decided_by"] for r in out["results"])
    assert all(r["status"] != "eligible" for r in out["results"])


# --- MyData consent listing (report item 15) --------------------------------------------------------------------


def test_a_withdrawn_consent_is_listed_with_its_withdrawal_date(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from connectors.mydata.actions import MyDataDialogue
    from connectors.mydata.store import Consent

    seoul = dt.timezone(dt.timedelta(hours=9))
    created = dt.datetime(2026, 11, 1, 10, tzinfo=seoul).timestamp()
    revoked = dt.datetime(2026, 11, 30, 12, tzinfo=seoul).timestamp()
    expires = dt.datetime(2026, 12, 30, 12, tzinfo=seoul).timestamp()
    d = MyDataDialogue.__new__(MyDataDialogue)
    d._connector = SimpleNamespace(clock=lambda: revoked + 60)  # type: ignore[assignment]
    d._lock = __import__("threading").Lock()

    def consent(stored: str, revoked_at: float | None) -> Consent:
        return Consent("c1", "ref", ("resident_registration",), "eligibility_check", "", "", stored, created, expires,
                       created, revoked_at)

    withdrawn = consent("revoked", revoked)
    assert d.consent_line(withdrawn, False).endswith("2026년 11월 30일에 철회됨")
    assert "12월 30일" not in d.consent_line(withdrawn, False)
    assert d.consent_line(withdrawn, True).endswith("withdrawn on 2026-11-30")
    assert d.consent_line(consent("active", None), False).endswith("동의 중 · 2026년 12월 30일까지")
    d._connector = SimpleNamespace(clock=lambda: expires + 60)  # type: ignore[assignment]
    assert d.consent_line(consent("active", None), False).endswith("2026년 12월 30일에 만료됨")


def test_the_questionnaire_does_not_ask_first_what_only_a_named_status_needs() -> None:
    """A "no" to 국가보훈대상자 leaves a STATUS service to confirm when its text names a way in no fact decides (an open
    way, s7), so three such services weigh less than two whose coded 장애인 condition a "no" decides; the fact is
    still listed as missing in the API. Where the status is the only way in, a "no" decides: it counts."""
    from connectors.eligibility.actions import deciding_missing, most_decisive
    from connectors.eligibility.status_ways import OPEN

    def vet(sid: str, open_way: bool) -> ServiceInfo:
        return ServiceInfo(sid, f"서비스 {sid}", f"https://www.gov.kr/{sid}", "보건복지부", ("법 제1조",), statuses=("veteran",),
                           status_ways=(OPEN,) if open_way else ())

    cat = Catalogue.from_records(
        [(vet(f"VET{i}", True), {"JA0110": 19, "JA0111": 120}) for i in range(3)]
        + [(_svc(f"DIS{i}"), {"JA0110": 19, "JA0111": 120, "JA0328": "Y"}) for i in range(2)]
        + [(vet("ONLY", False), {"JA0110": 19, "JA0111": 120})])
    unknown = [r for r in evaluate(cat, Facts(age=40)) if r.status == "unknown"]
    assert len(unknown) == 6 and all(r.missing for r in unknown)
    assert [deciding_missing(r) for r in unknown] == [(), (), (), ("disabled",), ("disabled",), ("veteran",)]
    assert most_decisive(unknown, ["veteran", "disabled"]) == "disabled"
    assert most_decisive(unknown[:3], ["veteran", "disabled"]) is None
    assert most_decisive(unknown[3:], ["veteran", "disabled"]) == "disabled"  # 2 against 1
    assert most_decisive(unknown[-1:], ["veteran", "disabled"]) == "veteran"
