"""The catalogue's coded support conditions (``supportConditions``, the ``JA…`` codes) and what each means.

Source of the code meanings: 행정안전부 "대한민국 공공서비스(혜택) 정보" open API, data.go.kr 15113968,
``GET https://api.odcloud.kr/api/gov24/v3/supportConditions`` (field descriptions of the v3 response),
checked against the 1,097-service snapshot in ``shared/data/gov24_benefits`` (values ``"Y"``/``null``,
ages as integers).

Semantics (documented here once; the evaluator follows them):

* Region is not a JA code: the area of a local government's service comes from its 소관기관명 and is
  one more AND group common to every pathway (:mod:`connectors.eligibility.regions`, condition REGION).
* Codes come in **groups**. Within a group the ``"Y"`` codes are alternatives (OR): the person must have
  at least one of them. Across groups the conditions all hold (AND).
* A group with no ``"Y"`` does not restrict. A group whose "해당사항없음" code (JA0322, JA0410) is ``"Y"``
  does not restrict either: the service is open to people with none of the listed traits, so we read the
  group as unrestricted (reading it as "only people with none of the traits" would, e.g., exclude a
  disabled child from 유아학비, whose row ticks JA0322 alone).
* An **exhaustive** group (every person falls in exactly one code: sex, income band, industry) whose codes
  are all ``"Y"`` does not restrict, so an unknown fact does not make it unknown.
* Age: JA0110..JA0111 is an inclusive range of 만 나이 (completed years); ``null`` = no age restriction;
  a range starting at 0 and ending at 120 or later (the catalogue writes 0–120 and 0–200 for "all ages")
  does not restrict.
* The codes describe three kinds of applicant (**pathways**): an individual (sex, age, income, personal
  traits, household), a small business (소상공인: JA11xx status, JA12xx industry) and an organization
  (법인/시설/단체: JA21xx type, JA22xx industry). A service with codes of several kinds is open to any of
  them (OR across pathways), as its 사용자구분 says (e.g. "개인||법인/시설/단체"). Age alone does not open
  the individual pathway of a business-only service (one service, B55101400003, codes an age on an
  organization-only row; it is ignored there). Known cost of OR: two "개인||소상공인" youth-founder services
  (341000000312, 559000000440) really mean a young person *who runs a business*; a 19–39-year-old without
  one is judged eligible there.

Oddities seen in the 1,097-service snapshot: no row is all null; 89 have no age range; 299 code 0–120 and
two code an upper age of 200 (read as "all ages" when starting at 0); income bands are always contiguous;
9 services are male-only (아빠 육아휴직 장려금, 입영지원금 …) and 78 female-only; 300000000137 (a
소상공인 road-use fee) ticks every personal code and no business code, so it restricts nobody.

Not mapped (absent from the v3 data; they exist in the older v1 field list): JA0103..JA0109 (age bands),
JA0304..JA0312 (장애 정도, 보훈 구분, 제대군인), JA0323..JA0325 (질환 구분). A ``"Y"`` on any code not in
:data:`CODES` makes the service ``unknown`` at best, never ``eligible``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Pathway = Literal["individual", "small_business", "organization"]
PATHWAYS: tuple[Pathway, ...] = ("individual", "small_business", "organization")


@dataclass(frozen=True)
class Code:
    """One flag code (value ``"Y"`` or ``null``).

    Attributes:
        code: the API field name, e.g. ``"JA0328"``.
        group: the group it belongs to (see :data:`GROUPS`).
        ko, en: its meaning (Korean as in the API description, English ours).
        fact: the :class:`~connectors.eligibility.facts.Facts` field that decides it ("" for a
            해당사항없음 code, which no fact decides).
        value: the fact value that satisfies it: ``True`` for a yes/no fact, the enum value for an
            enum fact, ``(low, high]`` percent of median income for an income band.
    """

    code: str
    group: str
    ko: str
    en: str
    fact: str
    value: bool | str | tuple[float, float]


@dataclass(frozen=True)
class Group:
    """A group of alternative codes.

    Attributes:
        name: group name (also the key in results).
        pathway: which kind of applicant it describes.
        exhaustive: every applicant falls under exactly one code, so "all Y" means no restriction.
        none_code: the 해당사항없음 code whose "Y" lifts the restriction, if the group has one.
    """

    name: str
    pathway: Pathway
    exhaustive: bool
    none_code: str | None = None


GROUPS: tuple[Group, ...] = (
    Group("sex", "individual", exhaustive=True),
    Group("income", "individual", exhaustive=True),
    Group("personal", "individual", exhaustive=False, none_code="JA0322"),
    Group("household", "individual", exhaustive=False, none_code="JA0410"),
    Group("business_status", "small_business", exhaustive=False),
    Group("business_industry", "small_business", exhaustive=True),
    Group("organization_type", "organization", exhaustive=False),
    Group("organization_industry", "organization", exhaustive=True),
)
GROUP_BY_NAME = {g.name: g for g in GROUPS}

_INF = float("inf")

#: Every flag code we map, in bit order (at most 64: the catalogue packs them in one uint64 per service).
CODES: tuple[Code, ...] = (
    Code("JA0101", "sex", "남성", "male", "sex", "male"),
    Code("JA0102", "sex", "여성", "female", "sex", "female"),
    Code("JA0201", "income", "중위소득 0~50%", "median income 0-50%", "income_pct_median", (-_INF, 50.0)),
    Code("JA0202", "income", "중위소득 51~75%", "median income 51-75%", "income_pct_median", (50.0, 75.0)),
    Code("JA0203", "income", "중위소득 76~100%", "median income 76-100%", "income_pct_median", (75.0, 100.0)),
    Code("JA0204", "income", "중위소득 101~200%", "median income 101-200%", "income_pct_median", (100.0, 200.0)),
    Code("JA0205", "income", "중위소득 200% 초과", "median income over 200%", "income_pct_median", (200.0, _INF)),
    Code("JA0301", "personal", "예비부모/난임", "preparing for parenthood / infertility", "preparing_pregnancy", True),
    Code("JA0302", "personal", "임산부", "pregnant", "pregnant", True),
    Code("JA0303", "personal", "출산/입양", "gave birth / adopted", "recent_birth_or_adoption", True),
    Code("JA0313", "personal", "농업인", "farmer", "farmer", True),
    Code("JA0314", "personal", "어업인", "fisher", "fisher", True),
    Code("JA0315", "personal", "축산업인", "livestock farmer", "livestock_farmer", True),
    Code("JA0316", "personal", "임업인", "forester", "forester", True),
    Code("JA0317", "personal", "초등학생", "elementary school student", "student_level", "elementary"),
    Code("JA0318", "personal", "중학생", "middle school student", "student_level", "middle"),
    Code("JA0319", "personal", "고등학생", "high school student", "student_level", "high"),
    Code("JA0320", "personal", "대학생/대학원생", "university or graduate student", "student_level", "university"),
    Code("JA0322", "personal", "해당사항없음", "none of these (no restriction)", "", True),
    Code("JA0326", "personal", "근로자/직장인", "employee", "employed", True),
    Code("JA0327", "personal", "구직자/실업자", "job seeker / unemployed", "job_seeker", True),
    Code("JA0328", "personal", "장애인", "person with a disability", "disabled", True),
    Code("JA0329", "personal", "국가보훈대상자", "veteran / national merit recipient", "veteran", True),
    Code("JA0330", "personal", "질병/질환자", "person with an illness", "ill", True),
    Code("JA0401", "household", "다문화가족", "multicultural family", "multicultural_family", True),
    Code("JA0402", "household", "북한이탈주민", "North Korean defector", "north_korean_defector", True),
    Code("JA0403", "household", "한부모가정/조손가정", "single-parent or grandparent-grandchild family", "single_parent_family", True),
    Code("JA0404", "household", "1인가구", "single-person household", "single_person_household", True),
    Code("JA0410", "household", "해당사항없음", "none of these (no restriction)", "", True),
    Code("JA0411", "household", "다자녀가구", "household with many children", "multi_child_household", True),
    Code("JA0412", "household", "무주택세대", "household owning no home", "homeless_household", True),
    Code("JA0413", "household", "신규전입", "newly moved in", "new_resident", True),
    Code("JA0414", "household", "확대가족", "extended family", "extended_family", True),
    Code("JA1101", "business_status", "예비창업자", "about to start a business", "business_status", "pre_founder"),
    Code("JA1102", "business_status", "영업중", "running a business", "business_status", "operating"),
    Code("JA1103", "business_status", "생계곤란/폐업예정자", "business in hardship / closing", "business_status", "closing"),
    Code("JA1201", "business_industry", "음식점업", "restaurant", "business_industry", "restaurant"),
    Code("JA1202", "business_industry", "제조업", "manufacturing", "business_industry", "manufacturing"),
    Code("JA1299", "business_industry", "기타업종", "other industry", "business_industry", "other"),
    Code("JA2101", "organization_type", "중소기업", "small or medium enterprise", "organization_type", "sme"),
    Code("JA2102", "organization_type", "사회복지시설", "social welfare facility", "organization_type", "social_welfare_facility"),
    Code("JA2103", "organization_type", "기관/단체", "institution or association", "organization_type", "institution"),
    Code("JA2201", "organization_industry", "제조업", "manufacturing", "organization_industry", "manufacturing"),
    Code("JA2202", "organization_industry", "농업,임업 및 어업", "agriculture, forestry and fishing", "organization_industry", "agriculture_forestry_fishery"),
    Code("JA2203", "organization_industry", "정보통신업", "information and communication", "organization_industry", "information_communication"),
    Code("JA2299", "organization_industry", "기타업종", "other industry", "organization_industry", "other"),
)
CODE_BY_NAME = {c.code: c for c in CODES}
BIT = {c.code: i for i, c in enumerate(CODES)}

#: The age range codes (integers, not flags).
AGE_FROM, AGE_TO = "JA0110", "JA0111"
AGE_MEANINGS = {AGE_FROM: ("대상연령(시작)", "target age from (years)"), AGE_TO: ("대상연령(종료)", "target age to (years)")}
#: A range from at most this to at least :data:`ALL_AGES_TO` does not restrict.
ALL_AGES_FROM, ALL_AGES_TO = 0, 120

#: Codes of the older (v1) field list that the v3 catalogue no longer sends; reported, not mapped.
KNOWN_UNMAPPED = {
    **{f"JA010{i}": "연령대 (v1)" for i in range(3, 10)},
    "JA0304": "심한 장애 (v1)", "JA0305": "심하지 않은 장애 (v1)", "JA0306": "독립유공자 (v1)",
    "JA0307": "국가유공자 (v1)", "JA0308": "참전유공자 (v1)", "JA0309": "보훈보상대상자 (v1)",
    "JA0310": "특수임무유공자 (v1)", "JA0311": "5·18민주유공자 (v1)", "JA0312": "제대군인 (v1)",
    "JA0323": "질병/부상/질환자 (v1)", "JA0324": "중증·난치·희귀질환자 (v1)", "JA0325": "요양환자/치매환자 (v1)",
}

assert len(CODES) <= 64, "flag codes must fit in one uint64"


def group_mask(group: str) -> int:
    """Bit mask of the codes of ``group`` (the 해당사항없음 code excluded)."""
    g = GROUP_BY_NAME[group]
    return sum(1 << BIT[c.code] for c in CODES if c.group == group and c.code != g.none_code)


def code_table() -> list[dict[str, object]]:
    """The table as JSON-able rows ``{code, group, pathway, ko, en, fact, value}`` (ages included)."""
    rows: list[dict[str, object]] = [
        {"code": k, "group": "age", "pathway": "individual", "ko": v[0], "en": v[1], "fact": "age", "value": None}
        for k, v in AGE_MEANINGS.items()
    ]
    for c in CODES:
        value: object = list(c.value) if isinstance(c.value, tuple) else c.value
        if isinstance(c.value, tuple):
            value = [None if abs(x) == _INF else x for x in c.value]
        rows.append({"code": c.code, "group": c.group, "pathway": GROUP_BY_NAME[c.group].pathway,
                     "ko": c.ko, "en": c.en, "fact": c.fact, "value": value})
    return rows
