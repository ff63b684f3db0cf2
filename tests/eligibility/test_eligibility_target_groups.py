"""Target groups named by a service's 지원대상/선정기준 text (connectors/eligibility/target_groups.py): which
groups a text names, when the facts contradict them, the cautions through the evaluator and the HTTP API, and
the listing's order with the reason shown (connectors/eligibility/actions.py)."""

from __future__ import annotations

import pytest
from live_server import LiveServer  # type: ignore[import-not-found]

from connectors.eligibility.actions import _line, rank_key
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.client import EligibilityClient
from connectors.eligibility.evaluator import Evaluation
from connectors.eligibility.facts import Facts
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app
from connectors.eligibility.target_groups import cautions, groups_in

# texts written like the catalogue's 지원대상 fields
TEXTS = [
    ("○ 성남시에 주민등록을 둔 만 19세~39세 청년", ("youth",)),
    ("○ 관내 소상공인 및 자영업자", ("business",)),
    ("○ 농업경영체에 등록된 농업인", ("farming",)),
    ("○ 만 65세 이상 어르신", ("elderly",)),
    ("○ 만 8세 미만 아동을 양육하는 부모", ()),  # for the parent: the child word is not the beneficiary
    ("○ 홀로 사는 노인을 부양하는 가구", ()),
    ("○ 장애인, 국가유공자, 청소년", ()),  # another group the table does not judge: no caution possible
    ("○ 만 40세~64세 중장년 구직자", ("middle_aged",)),
    ("○ 기준 중위소득 50% 이하 가구", ()),
]


@pytest.mark.parametrize(("text", "groups"), TEXTS)
def test_groups_named_by_the_text(text: str, groups: tuple[str, ...]) -> None:
    assert groups_in(text) == groups


@pytest.mark.parametrize(("groups", "facts", "expected"), [
    (("youth",), Facts(age=8), ["youth"]), (("youth",), Facts(age=25), []), (("youth",), Facts(), []),
    (("youth", "elderly"), Facts(age=70), []), (("youth", "elderly"), Facts(age=50), ["youth", "elderly"]),
    (("business",), Facts(age=8), ["business"]), (("business",), Facts(age=40), []),  # unknown: no caution
    (("business",), Facts(age=40, business_status="none"), ["business"]),
    (("business",), Facts(age=40, business_status="operating"), []),
    (("farming",), Facts(age=40, farmer=False, fisher=False, livestock_farmer=False, forester=False), ["farming"]),
    (("farming",), Facts(age=40, farmer=False), []),  # fisher etc. unknown
    (("farming",), Facts(age=40, fisher=True), []), (("elderly",), Facts(age=59), ["elderly"]),
    (("elderly",), Facts(age=60), []), (("child",), Facts(age=18), []), (("child",), Facts(age=19), ["child"]),
])
def test_cautions_only_when_every_named_group_is_contradicted(groups: tuple[str, ...], facts: Facts, expected: list[str]) -> None:
    assert [c.group for c in cautions(groups, facts)] == expected


def _catalogue() -> Catalogue:
    # L1: a loan coded only by income; its text says 소상공인. L2: a youth service coded by age. L3: coded by income,
    # its text names no group.
    return Catalogue.from_records([
        (ServiceInfo("L1", "소상공인 경영안정자금", "https://www.gov.kr/L1", "중소벤처기업부", (), ("business",)), {"JA0201": "Y"}),
        (ServiceInfo("L2", "청년 월세 지원", "https://www.gov.kr/L2", "국토교통부", (), ("youth",)), {"JA0110": 19, "JA0111": 39}),
        (ServiceInfo("L3", "에너지바우처", "https://www.gov.kr/L3", "산업통상자원부", (), ()), {"JA0201": "Y"}),
    ])


def test_the_loosely_coded_loan_goes_after_the_others_for_a_child_and_says_why() -> None:
    child = Facts(age=8, income_pct_median=40)
    results = {r.service_id: r for r in Evaluation(_catalogue(), child).results()}
    assert results["L1"].status == "eligible" and [c.group for c in results["L1"].cautions] == ["business"]
    assert results["L2"].status == "not_eligible" and results["L2"].cautions == ()  # only eligible ones get cautions
    ranked = [r.service_id for r in sorted((r for r in results.values() if r.status == "eligible"), key=rank_key)]
    # both meet one coded condition; by name alone 소상공인… would come before 에너지바우처
    assert sorted(["소상공인 경영안정자금", "에너지바우처"]) == ["소상공인 경영안정자금", "에너지바우처"]
    assert ranked == ["L3", "L1"]
    assert "참고: 지원대상 설명은 사업자·소상공인 대상이라 말씀해 주신 나이 정보와 맞지 않을 수 있어요" in _line(results["L1"], "ko")
    assert "its eligibility text is for business owners, which does not match your" in _line(results["L1"], "en")
    adult = {r.service_id: r for r in Evaluation(_catalogue(), Facts(age=30, income_pct_median=40)).results()}
    assert adult["L1"].cautions == () and adult["L2"].cautions == ()


def test_cautions_cross_the_http_api() -> None:
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(_catalogue())))) as live, \
            EligibilityClient(live.url, timeout=5.0, retries=2, backoff=0.01) as client:
        report = client.check(Facts(age=8, income_pct_median=40), ["L1"])
    assert [(c.group, c.ko, c.fact) for c in report.results[0].cautions] == [("business", "사업자·소상공인", "age")]


@pytest.mark.parametrize("text", ["○ 일반  ○ 청소년  ○ 어린이",
                                  "○ 배출가스 5등급 경유차 소유자\n※ 소상공인 추가 지원을 받고자 하는 차량 소유자는 …"])
def test_the_general_public_and_remarks_name_no_group(text: str) -> None:
    assert groups_in(text) == ()
