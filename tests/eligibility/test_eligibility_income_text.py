"""The income limit a service's own text states, where it differs from its coded bands (s43; closing note s42 §3).

A person at 110 % of the median was told 예술활동준비금 (codes: up to 100 %; its text: "기준중위소득 120% 이하") was out
of reach, and one at 150 % that 치매진단(감별)검사비 (codes: up to 200 %; text: "120% 이하") was theirs. Between the two
the verdict is now "to check" with the text's phrase (condition ``INCOME``), never a promise and never a refusal on the
text alone. The limits below were read by hand from each service's 지원대상/선정기준 on gov.kr (the snapshot's
serviceDetail), not from the parser.
"""

from __future__ import annotations

import pytest

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import INCOME, Evaluation, evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.income_text import income_limit


@pytest.mark.parametrize(("text", "limit", "floor"), [
    ("신청인의 소득인정액이 기준중위소득 120% 이하인 예술활동증명 완료 예술인", 120.0, None),
    ("건강보험료 본인부담금 합산액이 기준중위소득 125% 이하인 자", 125.0, None),
    ("기준중위 소득 52% 이하 가정의 아동", 52.0, None),  # a space inside 중위소득
    ("소득기준 : 기본 중위 소득 60% 이하", 60.0, None),
    ("국민기초생활수급자/중위소득 50% 이내 차상위계층/중위소득 63% 이내 한부모 가구", 63.0, None),  # the widest one
    ("법정한부모(중위소득63%↓,청소년한부모는72%↓), 가족돌봄청년(중위소득120%↓)", 120.0, None),
    ("강보험료 본인부담금 합산금액이 2026년 기준중위소득 100% 기준 이하여야 함", 100.0, None),
    ("(가구소득) 가구 기준중위소득 50% 초과 ~130% 이하", 130.0, 50.0),
    ("기준중위소득 120%~160%이하인 아동(만7~18세)", 160.0, 120.0),
])
def test_the_limit_is_read_from_the_text(text: str, limit: float, floor: float | None) -> None:
    read = income_limit(text)
    assert read is not None and (read.limit, read.floor) == (limit, floor)


@pytest.mark.parametrize("text", [
    "○ 관내 기준중위소득 150%초과 출산가정",  # above a figure: who, not a limit
    "소득인정액이 기준 중위소득의 40%를 초과한 경우",
    "가구 전체의 총 근로사업소득이 기준중위소득 40%의 60%이상이어야 함",
    "기준 중위소득 120% 이하(무료), 기준 중위소득 120% 초과(이용료의 40% 본인부담)",  # a fee split, open to all
    "-기준 중위소득 140% 이하인 경우(국비 지원)\n-기준 중위소득 140% 이상인 경우(시비 지원)",  # a funder split
    "소득 기준 없음", "",
])
def test_no_limit_where_the_text_states_none(text: str) -> None:
    assert income_limit(text) is None


#: service → (the limit its 지원대상/선정기준 states, the top of its coded income bands; None: no band restricts),
#: read by hand from the snapshot's pages and supportConditions rows
HAND_READ = {
    "999000000038": (120.0, 100.0),  # 예술활동준비금 지원 사업
    "B27000100019": (125.0, 100.0),  # 무료 소송대리 서비스(예술인)
    "B27000100030": (125.0, 100.0),  # 무료 소송대리 서비스(선원)
    "493000000113": (150.0, 100.0),  # 해남형 청년 주거비 지원
    "338000000400": (120.0, 200.0),  # 치매진단(감별)검사비 지원
    "145000000111": (60.0, 75.0),  # 연탄쿠폰
    "135200000103": (125.0, 200.0),  # 장애인법률구조지원
    "420000000161": (120.0, None),  # 미혼모 의료비 지원
}


def _limit(cat: Catalogue, sid: str) -> float | None:
    i = int(cat.income_id[cat.index[sid]])
    return None if i < 0 else cat.income_limits[i].limit


def test_the_catalogue_keeps_the_limits_that_differ_from_the_codes(gov24_catalogue: Catalogue) -> None:
    for sid, (limit, _top) in HAND_READ.items():
        assert _limit(gov24_catalogue, sid) == limit, sid
    # a fee or funder split (장애아가족 양육 지원: 120% 이하 무료 / 초과 40% 본인부담; 치매치료관리비: 140% 이하 국비 / 이상
    # 시비) and an exception group above the limit (산모·신생아 건강관리 지원 목포: "150% 초과 출산가정 등") are no limit;
    # a text whose limit is the coded top (저소득 주민 국민건강보험료 지원: "50%이하", coded 0–50) adds nothing
    for sid in ("SPE000000120", "470000000132", "480000000108", "308000000120"):
        assert _limit(gov24_catalogue, sid) is None, sid
    # the snapshot's 1,097 services: 51 texts state a range other than the codes' (checked by hand on a sample)
    assert 40 <= int((gov24_catalogue.income_id >= 0).sum()) <= 70


def _one(cat: Catalogue, sid: str, **facts: object) -> tuple[str, set[str], tuple[str, ...]]:
    r = evaluate(cat, Facts(**facts), [sid])[0]  # type: ignore[arg-type]
    return r.status, {c.code for c in r.decided_by}, r.missing


def test_above_the_coded_bands_but_within_the_text_is_to_check(gov24_catalogue: Catalogue) -> None:
    artist = {"age": 35, "target_groups": {"artist": True}, "region": "서울특별시"}
    # 110 %: the codes (≤ 100 %) fail, the text (≤ 120 %) holds
    status, named, missing = _one(gov24_catalogue, "999000000038", income_pct_median=110, **artist)
    assert (status, INCOME in named, missing) == ("unknown", True, ())
    # 130 %: both fail
    assert _one(gov24_catalogue, "999000000038", income_pct_median=130, **artist)[0] == "not_eligible"
    # 90 %: both hold
    assert _one(gov24_catalogue, "999000000038", income_pct_median=90, **artist)[0] == "eligible"


def test_within_the_coded_bands_but_above_the_text_is_to_check(gov24_catalogue: Catalogue) -> None:
    elder = {"age": 65, "ill": True, "region": "부산광역시 수영구"}  # 치매진단(감별)검사비: 수영구, 60+ (its text)
    assert _one(gov24_catalogue, "338000000400", income_pct_median=100, **elder)[0] == "eligible"
    assert _one(gov24_catalogue, "338000000400", income_pct_median=120, **elder)[0] == "eligible"  # 이하: inclusive
    status, named, missing = _one(gov24_catalogue, "338000000400", income_pct_median=150, **elder)
    assert (status, named, missing) == ("unknown", {INCOME}, ())
    assert _one(gov24_catalogue, "338000000400", income_pct_median=250, **elder)[0] == "not_eligible"


def test_codes_that_contradict_their_text_do_not_rule_out(gov24_catalogue: Catalogue) -> None:
    # 난치병 치료 후원 (충청남도) codes 76 % and over (JA0203–JA0205) while its text says "기준 중위소득 80% 이하"
    patient = {"age": 40, "ill": True, "region": "충청남도"}
    assert _one(gov24_catalogue, "644000000184", income_pct_median=30, **patient)[:2] == ("unknown", {INCOME})
    assert _one(gov24_catalogue, "644000000184", income_pct_median=78, **patient)[0] == "eligible"
    assert _one(gov24_catalogue, "644000000184", income_pct_median=150, **patient)[:2] == ("unknown", {INCOME})


def test_no_coded_band_and_an_unknown_income_asks_for_it(gov24_catalogue: Catalogue) -> None:
    mother = {"age": 25, "sex": "female", "region": "강원특별자치도 강릉시"}  # 미혼모 의료비 지원: no income code
    r = evaluate(gov24_catalogue, Facts(**mother), ["420000000161"])[0]  # type: ignore[arg-type]
    income = [c for c in r.decided_by if c.code == INCOME]
    assert r.status == "unknown" and "income_pct_median" in r.missing
    assert income and "120% 이하" in income[0].meaning and income[0].value == "120%"
    assert "120% or less" in income[0].meaning_en


@pytest.mark.parametrize("pct", [None, 30.0, 55.0, 62.0, 78.0, 110.0, 125.0, 150.0, 250.0])
def test_batch_and_row_by_row_agree_for_incomes_in_the_gaps(gov24_catalogue: Catalogue, pct: float | None) -> None:
    facts = Facts(age=40, income_pct_median=pct, disabled=True, ill=True, region="충청남도 천안시")
    ev = Evaluation(gov24_catalogue, facts)
    batch = [(r.status, r.decided_by, r.missing) for r in ev.results()]
    assert batch == [Evaluation(gov24_catalogue, facts).explain(i) for i in range(len(gov24_catalogue))]
    # the INCOME condition is named exactly where the evaluation left the service to check for it
    named = {i for i, (_s, d, _m) in enumerate(batch) if INCOME in {c.code for c in d}}
    assert named == set(((ev.groups["income_text"] == 1) & (ev.status == 1)).nonzero()[0].tolist())
