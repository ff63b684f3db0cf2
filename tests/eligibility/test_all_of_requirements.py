"""A text that says its requirements must all be met is to check, never a promise (s42; fresh-user probe s41 C21/C22).

에너지바우처 codes 중위소득 0~50 % and names 생계·의료·주거·교육급여 수급자; its 지원대상 says "소득기준과 가구원특성기준을
모두 충족하는 가구" (a household member who is old, an infant, disabled …). A 40-year-old recipient was told "받으실 수
있어요". 아이돌봄 서비스 codes the child's age and an income band; its text asks a childcare gap (맞벌이 …) as well.
The expected phrases below are read from the catalogue texts themselves.
"""

from __future__ import annotations

import pytest

from connectors.eligibility.actions import ActionCheckEligibility, check_what, to_check_only
from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.who_text import ALL_OF_EN, all_of_check
from tests.connectors.test_eligibility_trust import _Dispatcher

VOUCHER, CHILDCARE = "B55353000001", "423000000362"


def test_a_recipient_without_the_household_trait_is_not_promised_the_energy_voucher(gov24_catalogue: Catalogue) -> None:
    (r,) = evaluate(gov24_catalogue, Facts(age=40, income_pct_median=30, welfare_recipient=True), [VOUCHER])
    assert r.status == "unknown" and [c.code for c in r.decided_by] == ["CHECK"] and r.missing == ()
    assert "소득기준과 가구원특성기준을 모두 충족하는 가구" in r.decided_by[0].meaning
    assert "가구원특성기준 : 주민등록표상의 수급자(본인) 또는 세대원" in r.decided_by[0].meaning
    assert to_check_only(r)
    # a failed status still rules the person out: the check never lifts a "no"
    (no,) = evaluate(gov24_catalogue, Facts(age=40, income_pct_median=30, welfare_recipient=False), [VOUCHER])
    assert no.status == "not_eligible" and "CHECK" not in [c.code for c in no.decided_by]


def test_a_child_of_the_right_age_and_income_is_not_promised_childcare(gov24_catalogue: Catalogue) -> None:
    (r,) = evaluate(gov24_catalogue, Facts(age=4, income_pct_median=80), [CHILDCARE])
    assert r.status == "unknown" and [c.code for c in r.decided_by] == ["CHECK"]
    assert "부모의 취업 등 양육 공백" in r.decided_by[0].meaning
    (old,) = evaluate(gov24_catalogue, Facts(age=13, income_pct_median=80), [CHILDCARE])
    assert old.status == "not_eligible"  # over 12: the coded age decides as before


@pytest.mark.parametrize("text", [
    "○ 혼인신고일 기준, 남녀 모두 만 49세 이하인 부부",          # 481000000368: 모두 of people
    "- 단, 부모 모두 비취업으로 가정에서 아동을 양육하는 경우는 정부 지원 대상 제외",  # 423000000362
    "- 부부가 모두 보성군에 주소를 두고 거주",                  # 489000000140's first requirement
    "○ 아래 요건 중 하나에 해당하는 중소기업",                 # any of, not all of
])
def test_all_of_is_not_read_in_words_of_people_or_any_of(text: str) -> None:
    assert all_of_check(text) is None


def test_a_short_all_of_line_takes_the_requirements_after_it() -> None:
    text = ("○ 아래 세가지 요건을 모두 충족하는 대상자\n 1. 신청일 현재 주민등록등본상 주소지가 기장군\n"
            " 2. 「장애인복지법」상 장애정도가 심한장애인\n 3. 「국민기초생활보장법」상 기초수급자 또는 차상위")
    check = all_of_check(text)
    assert check is not None and check.all_of and check.groups == ()
    assert check.phrase == ("아래 세가지 요건을 모두 충족하는 대상자 / 신청일 현재 주민등록등본상 주소지가 기장군 / "
                            "「장애인복지법」상 장애정도가 심한장애인 / 「국민기초생활보장법」상 기초수급자 또는 차상위")


def test_a_long_phrase_is_cut_after_a_whole_requirement(gov24_catalogue: Catalogue) -> None:
    phrase = gov24_catalogue.services[gov24_catalogue.index[VOUCHER]].all_of.phrase  # type: ignore[union-attr]
    assert len(phrase) <= 160 and phrase.endswith(" / …")
    assert phrase.split(" / ")[-2] == "가구원특성기준 : 주민등록표상의 수급자(본인) 또는 세대원이 다음 어느 하나에 해당하는 경우"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_reply_says_what_to_check_and_promises_nothing(gov24_catalogue: Catalogue, lang: str) -> None:
    (r,) = evaluate(gov24_catalogue, Facts(age=40, income_pct_median=30, welfare_recipient=True), [VOUCHER])
    d = _Dispatcher()
    ActionCheckEligibility(client=None)._one(d, r, "수급자" if lang == "ko" else "a recipient", lang)  # type: ignore[arg-type]
    text = d.messages[0]["text"]
    assert d.messages[0]["json_message"]["eligibility"] == {"service_id": VOUCHER, "status": "unknown"}
    if lang == "ko":
        assert "받으실 수 있어요" not in text and "아직 받으실 수 있다고 말씀드릴 수 없어요" in text
        assert "확인이 필요한 조건: 모두 충족해야 하는 요건 '소득기준과 가구원특성기준을 모두 충족하는 가구" in text
        assert check_what(r, "ko").startswith("모두 충족해야 하는 요건 '소득기준과 가구원특성기준")
    else:
        assert "you meet" not in text and f"I can't tell yet; still to confirm: {ALL_OF_EN}" in text
        assert check_what(r, "en") == ALL_OF_EN
