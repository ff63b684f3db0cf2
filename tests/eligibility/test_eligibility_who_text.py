"""Session 9 (issue #5; fresh-user report s8 defect 3): who a service is for when its codes say only an age
(:mod:`connectors.eligibility.who_text`, condition CHECK), 고압 전기 고객 / 사업자 as status facts, and a few listed
districts held as one service's area.

The texts below are the catalogue's own 지원대상 wording (quoted); what each should give was decided by reading them.
The sweep over the real catalogue (test_eligibility_sweep.py) covers every service; the openfisca-style situations are
in cases/narrow.yaml.
"""

from __future__ import annotations

import pytest

from connectors.eligibility.actions import conversation_facts
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import REGION, evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.regions import Area
from connectors.eligibility.text_groups import restriction_in
from connectors.eligibility.who_text import CHECK, WhoCheck, is_general, who_check

#: (지원대상, 서비스명) → the phrase holds this text (None: the text says no more than age and residence), groups named.
WHO_TABLE = [
    # narrow: a circle no JA code stands for
    ("○ 장병, 군무원, 일반 국민", "장병 인권상담 지원", "장병, 군무원", ("military",)),
    # s15: its 학생 and 종사자 are narrowed (한식을 전공하는, 셰프 등 한식): no group a confirmation settles (see below)
    ("한식관련 전문 교육기관, 한식을 전공하는 학생 및 예비 종사자, 셰프 등 한식 종사자, 기타 한식에 관심있는 국민 등",
     "한식진흥 및 음식관광활성화", "한식관련 전문 교육기관", ()),
    ("원문 번역, 원문 탈초, 이체자 판독, 한자 어휘 등 한문·한자와 관련된 다양한 궁금증에 대해 자문을 필요로 하는 국민 누구나 가능.",
     "한문 고전 자문 서비스", "자문을 필요로 하는", ()),
    ("학점은행제를 이용하고자 하거나, 이용하고 있는 모든 국민", "학점은행제 상담 서비스", "학점은행제를", ()),
    ("○ 지원대상 : 국공립 및 사립유치원에 다니는 3~5세 유아", "유아학비 (누리과정) 지원", "유치원에 다니는", ()),
    ("○ 가정위탁아동", "가정위탁아동 양육보조금 지원", "가정위탁아동", ()),
    ("○ 부부가 모두 보성군에 주소를 두고 거주", "신혼부부 전입 이사비용 지원", "부부가", ("newlywed",)),
    # general: anyone (living there, of that age)
    ("전국민 누구나", "고양꽃전시관 북카페 무료 이용", None, ()),
    ("노인복지법에 정한 만 65세 이상 노인", "철도 공공할인 서비스(경로)", None, ()),
    ("서울시민 누구나", "무료 세무상담 서비스", None, ()),
    ("동대문구 거주 만 4세이상 주민", "구강보건서비스", None, ()),
    ("○ 0~18세(영유아,청소년), 만65세이상, 임산부, 장애인, 관내지역주민 등", "구강보건서비스", None, ()),
    ("○ 만 14세 이상이면 누구든지 가능", "지역화폐(마포사랑상품권)", None, ()),
    ("체험가능연령 : 5세 ~ 7세", "어린이 교통안전체험관", None, ()),
    # s10: getting, buying or not yet having had the service's own subject is no circle (the codes decide)
    ("○ 수돗물을 공급받는 가정", "우리집 수돗물 안심 확인제 지원", None, ()),
    ("○ 할인된 비용으로 상품권을 구매하는 간접 혜택", "지역화폐(동작사랑상품권)", None, ()),
    ("65세 이상 연령에서 폐렴구균 23가 다당 백신(PPSV23)을 접종하지 않은 성인", "65세 이상 폐렴구균 국가예방접종사업", None, ()),
    # … but wanting or needing it names a circle of the interested (fresh-user s8), and another thing received does too
    ("○ 수돗물을 공급받는 가정", "가정용 정수기 설치 지원", "수돗물을 공급받는", ()),
    ("다른 백신을 접종하지 않은 성인", "65세 이상 폐렴구균 국가예방접종사업", "다른 백신을", ()),
    ("○ 정신질환자 및 정신건강 고위험군\n○ 거제 시민 누구나", "정신건강사업 지원", None, ()),
    # s43: requirements under labels: the age, income and residence lines the codes carry are passed over
    ("○ 소 득 : 중위소득 150%이하\n○ 연 령 : 만65세 이상\n○ 선정기준\n1. 치매, 우울증, 스트레스, 자살충동 등으로 인하여 "
     "심리상담이 필요하다는 발급일로부터 6개월 이내의 의사 진단서·소견서, 보건소장 추천이 있는 경우",
     "지역사회서비스 투자사업(어르신 생기발랄)", "심리상담이 필요하다는", ()),
    ("○ 연령기준: 18세 이상 ~ 65세 미만\n○ 거주기준: 신청일 기준 연제구에 6개월 이상 주민등록 되어있는 자\n"
     "○ 자격기준➊ 신청일 기준 미취업자 ➋ 「고용24」에 구직등록한 자", "연제구 면접사진 촬영비 지원", "미취업자", ()),
]


@pytest.mark.parametrize(("target", "title", "phrase", "groups"), WHO_TABLE, ids=[t[1] for t in WHO_TABLE])
def test_who_check_reads_the_text(target: str, title: str, phrase: str | None, groups: tuple[str, ...]) -> None:
    got = who_check(target, title)
    if phrase is None:
        assert got is None
    else:
        assert got is not None and phrase in got.phrase and len(got.phrase) <= 90
        assert set(groups) <= set(got.groups)


def test_general_items() -> None:
    assert is_general("광진구 구민 누구나") and is_general("은평구민 및 관할 동 거주민")
    assert not is_general("노원구 거주 미니태양광 설치 신청자(예산범위 내)")
    assert not is_general("어린이집을 다니는 0~2세 외국인 아동")


def _one(title: str, target: str, conditions: dict[str, object], agency: str = "교육부", agency_type: str = "") -> Catalogue:
    info = ServiceInfo("S1", title, "https://www.gov.kr/x", agency, ("법",), agency_type=agency_type,
                       who=who_check(target, title), restriction=restriction_in(target))
    return Catalogue.from_records([(info, conditions)])


AGE_ONLY = {"JA0101": "Y", "JA0102": "Y", "JA0110": 19, "JA0111": 120, "JA0201": "Y", "JA0202": "Y", "JA0203": "Y",
            "JA0204": "Y", "JA0205": "Y", "JA0322": "Y", "JA0410": "Y"}


def test_an_age_only_service_with_a_narrow_text_is_to_check() -> None:
    cat = _one("학점은행제 상담 서비스", "학점은행제를 이용하고자 하거나, 이용하고 있는 모든 국민", AGE_ONLY)
    [r] = evaluate(cat, Facts(age=67, sex="female", income_pct_median=40))
    assert r.status == "unknown" and [c.code for c in r.decided_by] == [CHECK] and r.missing == ()
    assert "학점은행제를 이용하고자" in r.decided_by[0].meaning and "확인 필요" in r.decided_by[0].meaning
    assert "not in its coded conditions" in r.decided_by[0].meaning_en
    [young] = evaluate(cat, Facts(age=12))  # the age still rules out
    assert young.status == "not_eligible" and [c.code for c in young.decided_by] == ["JA0110", "JA0111"]


def test_a_group_the_facts_establish_settles_the_check() -> None:
    cat = _one("장병 인권상담 지원", "○ 장병, 군무원, 일반 국민", AGE_ONLY)
    [r] = evaluate(cat, Facts(age=21))
    assert r.status == "unknown" and r.missing == ("target_groups",)
    [soldier] = evaluate(cat, Facts(age=21, target_groups={"military": True}))
    assert soldier.status == "eligible" and [c.code for c in soldier.decided_by] == ["JA0110", "JA0111", CHECK]
    [civilian] = evaluate(cat, Facts(age=21, target_groups={"military": False}))
    assert civilian.status == "unknown"  # "일반 국민" is a way in too: never ruled out by the phrase


def test_a_general_text_leaves_the_age_to_decide() -> None:
    cat = _one("철도 공공할인 서비스(경로)", "노인복지법에 정한 만 65세 이상 노인", {**AGE_ONLY, "JA0110": 65})
    [r] = evaluate(cat, Facts(age=67))
    assert r.status == "eligible" and [c.code for c in r.decided_by] == ["JA0110", "JA0111"]


def test_no_check_where_other_codes_decide() -> None:
    # a personal code restricts too (장애인, JA0328): the codes say who, the text is not read as CHECK
    cat = _one("학점은행제 상담 서비스", "학점은행제를 이용하고자 하거나, 이용하고 있는 모든 국민",
               {**AGE_ONLY, "JA0328": "Y", "JA0322": None})
    assert (cat.who_id == -1).all()
    [r] = evaluate(cat, Facts(age=67, income_pct_median=40, disabled=True))
    assert r.status == "eligible"


def test_an_income_band_says_how_much_not_who() -> None:
    # s42 probe: 우리동네 복지기동대 (income band coded) was listed as receivable on age and income alone, its text
    # "위기상황에 처한 가구 중 긴급복지지원법상 지원 제외자 …" unread; with the band restricting, the phrase is still to check
    banded = {**AGE_ONLY, "JA0204": None, "JA0205": None}
    cat = _one("학점은행제 상담 서비스", "학점은행제를 이용하고자 하거나, 이용하고 있는 모든 국민", banded)
    [r] = evaluate(cat, Facts(age=67, income_pct_median=40))
    assert r.status == "unknown" and [c.code for c in r.decided_by] == [CHECK] and "학점은행제를" in r.decided_by[0].meaning
    # a phrase that says no more than the band the codes carry is not to check
    cat = _one("저소득층 주거급여 지원", "소득인정액이 기준중위소득 47% 이하인 가구", banded)
    assert (cat.who_id == -1).all()
    [r] = evaluate(cat, Facts(age=67, income_pct_median=40))
    assert r.status == "eligible"


def test_a_local_bodys_service_open_to_everyone_is_located_in_its_area() -> None:
    cat = _one("고양꽃전시관 북카페 무료 이용", "전국민 누구나", AGE_ONLY, agency="고양국제꽃박람회",
               agency_type="지방출자_출연기관")
    info = cat.services[0]
    cat = Catalogue.from_records([(ServiceInfo(**{**{f: getattr(info, f) for f in info.__dataclass_fields__},
                                                  "beyond_area": True}), AGE_ONLY)])
    assert str(cat.areas[cat.area_id[0]]) == "경기도 고양시" and cat.area_soft[0]
    [busan] = evaluate(cat, Facts(age=67, region="부산광역시 해운대구"))
    assert busan.status == "unknown" and [c.code for c in busan.decided_by] == [REGION] and busan.missing == ()
    assert "다른 지역 주민도 대상인지 확인 필요" in busan.decided_by[0].meaning
    [goyang] = evaluate(cat, Facts(age=67, region="경기도 고양시"))
    assert goyang.status == "eligible"
    [nowhere] = evaluate(cat, Facts(age=67))
    assert nowhere.status == "unknown" and nowhere.missing == ("region",)


def test_a_few_listed_districts_are_the_area() -> None:
    info = ServiceInfo("S1", "찾아가는 산부인과", "u", "경상북도안동의료원", (),
                       text_area=Area("경상북도", "영양군·봉화군·청송군"))
    cat = Catalogue.from_records([(info, {"JA0102": "Y", "JA0110": 18, "JA0111": 44})])
    statuses = {region: evaluate(cat, Facts(age=30, sex="female", region=region))[0].status
                for region in ("경상북도 영양군", "경상북도 청송군", "경상북도 안동시", "경상북도 포항시", "경상남도 거창군")}
    assert statuses == {"경상북도 영양군": "eligible", "경상북도 청송군": "eligible", "경상북도 안동시": "not_eligible",
                        "경상북도 포항시": "not_eligible", "경상남도 거창군": "not_eligible"}
    [r] = evaluate(cat, Facts(age=30, sex="female", region="경상북도"))
    assert r.status == "unknown" and "region" in r.missing
    [out] = evaluate(cat, Facts(age=30, sex="female", region="경상북도 안동시"))
    assert out.decided_by[-1].value == "경상북도 영양군·봉화군·청송군"
    assert "Yeongyang-gun" in out.decided_by[-1].meaning_en and not any("가" <= ch <= "힣" for ch in out.decided_by[-1].meaning_en)


def test_an_income_line_is_not_a_way_in() -> None:
    text = "신청인의 소득인정액이 기준중위소득 120% 이하인 예술활동증명 완료 예술인\n○ 기준중위소득 120% 이하"
    r = restriction_in(text)
    assert r is not None and r.groups == ("artist",) and not r.open
    # a line naming a way in no table reads still opens it
    opened = restriction_in("예술활동증명 완료 예술인\n○ 지역 문화기획자")
    assert opened is not None and opened.open


def test_high_voltage_customer_and_business_are_status_facts() -> None:
    target = "○ 고압고객용 일반 변압기를 1차 정격전압 22.9kV이하 3상 고효율 변압기로 교체하는 고객"
    cat = _one("고효율 변압기 지원", target, {**AGE_ONLY, "JA0110": 18})
    assert Facts.model_fields["high_voltage_customer"].description
    yes, no, unknown = (evaluate(cat, Facts(age=40, high_voltage_customer=v))[0] for v in (True, False, None))
    assert (yes.status, no.status, unknown.status) == ("eligible", "not_eligible", "unknown")
    assert "high_voltage_customer" in unknown.missing
    # the group question's answer gives the status facts the conversation sends
    said = conversation_facts({"target_groups": {"electricity": True, "business": False}})
    assert said["high_voltage_customer"] is True and said["business_status"] == "none"
    assert "business_status" not in conversation_facts({"target_groups": {"business": True}})  # which kind: to ask
    kept = conversation_facts({"target_groups": {"business": False}, "business_status": "operating"})
    assert kept["business_status"] == "operating"  # a slot that holds it wins
    shop = _one("소상공인 역량강화 교육", "○ 소상공인 및 예비창업자", AGE_ONLY)
    assert evaluate(shop, Facts(age=40, business_status="none", organization_type="none"))[0].status == "not_eligible"
    assert evaluate(shop, Facts(age=40, business_status="operating"))[0].status == "eligible"


def test_who_check_value_type() -> None:
    w = who_check("○ 가정위탁아동", "가정위탁아동 양육보조금 지원")
    assert isinstance(w, WhoCheck) and w.phrase == "가정위탁아동" and w.groups == ()


#: s15 (s13 #6's kind, for CHECK): real services whose who-phrase names a group only more narrowly than the group
#: (read by hand from the 지원대상 text), a person their codes fit, and the broad group confirmed at the group question.
#: Before, the confirmation held the phrase (CHECK "해당", the service eligible); a broad "학생" says less than "한식을
#: 전공하는 학생", "사업자" less than "사업장 소재지가 중구 관내에 있는 청년사업자".
NARROWED_WHO = [
    ("154300005020", "한식을 전공하는 학생", ("student", "worker"),
     {"age": 30, "region": "서울특별시", "business_status": "operating", "business_industry": "restaurant"}),
    ("341000000312", "사업장 소재지가 중구 관내에 있는 청년사업자", ("business",),
     {"age": 30, "region": "대구광역시 중구", "business_status": "operating", "business_industry": "restaurant"}),
    ("348000000434", "강사수당", ("worker",), {"age": 30, "region": "대구광역시 달성군"}),
]


@pytest.mark.parametrize(("sid", "words", "narrowed", "facts"), NARROWED_WHO, ids=[t[0] for t in NARROWED_WHO])
def test_a_broad_answer_does_not_hold_a_narrowed_who_phrase(gov24_catalogue: Catalogue, sid: str, words: str,
                                                           narrowed: tuple[str, ...], facts: dict[str, object]) -> None:
    from connectors.eligibility.evaluator import Evaluation

    i = gov24_catalogue.index[sid]
    who = gov24_catalogue.who_checks[gov24_catalogue.who_id[i]]
    assert words in who.phrase and who.narrowed == narrowed and not set(narrowed) & set(who.groups)
    told = Facts(**facts, target_groups=dict.fromkeys(narrowed, True))  # type: ignore[arg-type]
    status, decided, missing = Evaluation(gov24_catalogue, told).explain(i)
    check = [c for c in decided if c.code == CHECK]
    assert status == "unknown" and len(check) == 1 and check[0].meaning.startswith("확인 필요"), (status, decided)
    assert "target_groups" not in missing  # no answer to the group question would settle it: not asked for it
    assert all(g in check[0].meaning_en or _en(g) in check[0].meaning_en for g in narrowed)


def _en(group: str) -> str:
    from connectors.eligibility.text_groups import BY_NAME

    return BY_NAME[group].en


def test_a_doctors_note_under_labelled_requirements_is_to_check(gov24_catalogue: Catalogue) -> None:
    """s42 §3: 어르신 생기발랄 (울산) was eligible on age and income while its 지원대상 asks for a doctor's note."""
    [r] = evaluate(gov24_catalogue, Facts(age=70, income_pct_median=100, region="울산광역시"), ["631000000735"])
    assert r.status == "unknown" and [c.code for c in r.decided_by] == [CHECK]
    assert "진단서" in r.decided_by[0].meaning and "not in its coded conditions" in r.decided_by[0].meaning_en
