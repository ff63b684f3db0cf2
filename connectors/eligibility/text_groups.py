"""The group a service's own 지원대상/선정기준 text restricts it to, as a condition (issue #5, fresh-user report s7 item 4).

The coded conditions (JA codes) are often thinner than the text: 군 복무기간 이자면제 codes only an age range, so
every 34-year-old "met every condition" although the text says 군 복무자; 고효율 변압기 지원 is for a 고압고객 of
한국전력; 예술활동준비금 for a registered 예술인. This module reads such a restriction from the text, and the
evaluator makes it one more AND condition (``GROUP``): ``eligible`` only when a known fact confirms the group,
``not_eligible`` only when known facts contradict every way in the text names, else ``unknown`` with the group to
confirm (:data:`CONFIRM_FACT` missing). :mod:`connectors.eligibility.target_groups` (age-named groups, cautions) and
:mod:`connectors.eligibility.statuses` (국가유공자, 수급자 … where the codes leave room) stay as they are: this is the
occupation and circumstance part they do not read.

How a text is read (kept simple and conservative; why not a model: the 1,097 texts are short lists whose first
item names who the service is for, and a keyword table can be read, tested and corrected by a caseworker):

* remark lines (``※ …``, ``* …``) are dropped; the text is split into items at bullets (○ □ ■ • ㅇ - 1.) and lines;
  items with fewer than 4 Hangul letters, and headers ("사업대상", "지원 대상 :") are skipped; so are (s8) labels of
  what, when or how much ("사업기간:", "지원내용:", "지급물품:"), rate headings ("사용료 50% 감면", "100분의 80 감면")
  and lead-ins ("다음 각 목의 감면자", "① 내지 ③를 충족하는 사람"); a label of who ("지원대상 : …") is cut off its item;
* an age first ("65세 이상 노인") restricts only when later items name groups and every item is read: it is then one
  way in among them ("65세 이상 노인 / 장애인 / 다자녀 부모"; not 유아학비's "3~5세 유아 … 추가지원: 저소득층 유아"); an age group beside a group in one item, with its ages written ("청년 및
  신혼부부(18세 ~ 39세)"), is a way in too;
* the **first item** decides whether the text restricts: it must name a group of :data:`LEXICON` and not the
  general public (:data:`_GENERAL`: 누구나, 일반 국민, 주민, 구민, 사용자, 이용객 …); a text whose any item says
  everyone (:data:`_GENERAL_STRONG`: 누구나, 일반 국민, 모든 국민 …) or starts with "개인, …" gives no restriction;
* the restriction's ways in are then every group named by any item (alternatives: "장애인, 국가유공자, 의사상자 …"),
  plus the age ranges of items that name an age and no group ("만 65세 이상인 사람"), plus the age groups of
  :mod:`~connectors.eligibility.target_groups` named by such an item ("○ 경로우대자 : 65세 이상 노인"); within an item
  that names a group the age words qualify it ("65세 이상 독거노인 중 의료급여수급자": a 수급자 of that age), they are
  not another way in; an item that only states an income or assets limit ("기준중위소득 120% 이하", :data:`_CRITERION`)
  is a criterion on every way in and is skipped (s9: 예술활동준비금 was open only by it); an item that names none of these (a detail, an unread way in, residents or users in general:
  "65세 이상 서대문 구민" counts by its age) makes the restriction *open*: known facts then never rule the person out
  (``unknown``, not ``not_eligible``).

The lexicon below was written from the 지원대상 wording of the services the report's personas were told "fit", then
checked over the catalogue snapshot (``python bench/eligibility_ranking.py --text-groups``): of the 241 services a
person may apply for whose codes restrict by age at most (where the text is all that says who), 78 read as restricted
to a group, 64 as for the general public, and 99 were not read (95 since s8 skips headings, labels and lead-ins) (a heading, an age, a place, a circumstance outside the
lexicon: the report lists their first words); 160 rows carry the condition in all (where no JA code already stands
for the group and no named status applies). Where the codes stand for a group (장애인 as JA0328 …, ``GROUP_CODES`` in
:mod:`~connectors.eligibility.catalogue`) or the named statuses apply (STATUS), those decide and the text adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from assistant.knowledge.age_rule import AGE_BOUND
from assistant.nlu.household import HOUSEHOLD_DISABILITY as _HOUSEHOLD_DISABILITY

if TYPE_CHECKING:  # facts.py validates its ``target_groups`` keys against LEXICON_NAMES: import only for typing
    from connectors.eligibility.facts import Facts

State = Literal[0, 1, 2]  # not_eligible, unknown, eligible (as the evaluator's int8 statuses)
NOT, UNKNOWN, YES = 0, 1, 2
#: The fact a person confirms (or denies) belonging to a text group with: ``{"artist": true, "military": false}``.
CONFIRM_FACT = "target_groups"
#: "장애" as the name of a disability (장애인, 발달장애, 장애아동, 장애정도가 심한 …), not inside the words that say
#: there is none or that mean something else (s12 #2: "비장애아동" of VOU000009000 read as a disabled group):
#: 비장애 (non-disabled), 무장애 (barrier-free: 무장애 편의시설), 장애(가) 없는, 장애물 (an obstacle), 장애 유무·여부
#: (whether or not, "장애 유무와 관계없이").
DISABILITY = re.compile(r"(?<![비무])장애(?!물|\s*(?:가|는|를|이)?\s*없|\s*(?:유무|여부))")
#: A phrase saying the person has no disability ("12세 미만 비장애아동", "비장애인이에요", "장애가 없는 형제자매"): where
#: an item (or an answer's clause) says it, any other 장애 in it qualifies someone else ("장애 부모의 … 비장애아동":
#: the parent), so it names no disabled group; in an answer it denies the group.
NO_DISABILITY = re.compile(r"비\s*장애|장애\s*(?:가|는|이)?\s*없|\bnon-?\s?disabled\b|\bwithout\s+(?:a\s+|any\s+)?disabilit",
                           re.IGNORECASE)


#: A household or a family member with a disability, not the person's own (s13 #2: "장애인 가정이에요", "우리 집이 장애인
#: 가정", "가족 중에 장애인이 있어요", "a household with a disabled member"): no fact of :class:`Facts` records a household
#: member's disability, so such words are not the person's ``disabled`` (nor a "no": they say nothing of the person).
HOUSEHOLD_DISABILITY = _HOUSEHOLD_DISABILITY  # one pattern for the answers and the route (s15: moved, members named too)


#: A catalogue text's words for a household with a registered disabled member (the 장애인가정 출산지원금 texts:
#: "장애인가정", "장애인 세대", "남성장애인의 배우자", "신생아의 부 또는 모가 … 등록한 장애인"; not "장애인 세대주", the person
#: themself): the ``disabled_family`` group, held by the person's own disability or a household member's
#: (``household_disabled``), so "장애인" inside these words is not the person's own ``disabled`` group (s14 #2).
HOUSEHOLD_WAY = re.compile(r"장애인\s*(?:가정|가구|세대)(?!\s*주)|장애인의\s*배우자|장애\s*부모\s*가정|"
                           r"(?<![가-힣])(?:부|모)\s*(?:또는|나|·)\s*(?:부|모)\s*가[^○\n]{0,40}?장애인")
#: A household phrase narrowed by the kind of disability ("중증 장애인 가정", "장애정도가 심한 장애인 세대"): not the plain
#: requirement :func:`restriction_in` reads from a first item.
_NARROWED_HOUSEHOLD = re.compile(r"(?:중증|심한|발달|정신|뇌병변|시각|청각)\s*장애인\s*(?:가정|가구|세대)")


#: The groups a first item naming a 장애인가정 may name beside it and still be read as that requirement alone
#: (:func:`restriction_in`): 311000000106's "… 출산한 등록 여성장애인 또는 남성장애인의 배우자" names the birth (coded as
#: JA0303, which decides it) and the mother with her own disability (a way into ``disabled_family`` too).
_HOUSEHOLD_ITEM_GROUPS = frozenset({"disabled", "disabled_family", "pregnancy", "women"})


def names_household_disability(text: str) -> bool:
    """Whether ``text`` speaks of a household or family member's disability (:data:`HOUSEHOLD_DISABILITY`), not of
    the person's own.

    Examples:
        >>> names_household_disability("장애인 가정이에요"), names_household_disability("a household with a disabled member")
        (True, True)
        >>> names_household_disability("장애인이에요"), names_household_disability("I have a disability")
        (False, False)
    """
    return HOUSEHOLD_DISABILITY.search(text) is not None


def names_disability(text: str) -> bool:
    """Whether ``text`` names a disability of the person it describes (:data:`DISABILITY`, and no
    :data:`NO_DISABILITY` phrase: "장애 부모의 12세 미만 비장애아동" is about a child without one).

    Examples:
        >>> names_disability("만 18세 이상 발달장애인"), names_disability("장애 부모의 12세 미만 비장애아동")
        (True, False)
        >>> names_disability("무장애 편의시설 설치"), names_disability("장애 유무와 관계없이 누구나")
        (False, False)
    """
    return DISABILITY.search(text) is not None and NO_DISABILITY.search(text) is None


def names_own_disability(item: str) -> bool:
    """:func:`names_disability`, outside the words for a household with a disabled member (:data:`HOUSEHOLD_WAY`):
    "거주하는 장애인 가정" names the ``disabled_family`` group only; "등록 여성장애인 또는 남성장애인의 배우자" also names the
    person's own disability (여성장애인).

    Example:
        >>> names_own_disability("해남군에 거주하는 장애인 가정"), names_own_disability("등록 여성장애인 또는 남성장애인의 배우자")
        (False, True)
    """
    return names_disability(HOUSEHOLD_WAY.sub(" ", item))


def _flag(*names: str) -> Callable[[Facts], tuple[int, tuple[str, ...]]]:
    """Fits when one of the boolean facts ``names`` is true, contradicts when all are known false."""
    def fit(f: Facts) -> tuple[int, tuple[str, ...]]:
        values = [getattr(f, n) for n in names]
        if any(v is True for v in values):
            return YES, ()
        if all(v is False for v in values):
            return NOT, ()
        return UNKNOWN, tuple(n for n, v in zip(names, values, strict=True) if v is None)
    return fit


def _student(f: Facts) -> tuple[int, tuple[str, ...]]:
    if f.student_level is None:
        return UNKNOWN, ("student_level",)
    return (NOT if f.student_level == "none" else YES), ()


def _business(f: Facts) -> tuple[int, tuple[str, ...]]:
    if f.business_status not in (None, "none") or f.organization_type not in (None, "none"):
        return YES, ()
    if f.business_status == "none" and f.organization_type == "none":
        return NOT, ()
    return UNKNOWN, tuple(n for n in ("business_status", "organization_type") if getattr(f, n) is None)


def _women(f: Facts) -> tuple[int, tuple[str, ...]]:
    return (UNKNOWN, ("sex",)) if f.sex is None else ((YES if f.sex == "female" else NOT), ())


def _none(_f: Facts) -> tuple[int, tuple[str, ...]]:
    """A group no fact of :class:`Facts` records: only ``target_groups`` confirms it."""
    return UNKNOWN, ()


@dataclass(frozen=True)
class LexGroup:
    """A group a text may restrict a service to.

    Attributes:
        name: key in ``Facts.target_groups`` and in the condition's value.
        pattern: words of the catalogue's 지원대상/선정기준 that name it.
        ko, en: labels ("예술인", "artists").
        fit: ``facts -> (state, facts still missing)`` from the facts that record the group, if any (``_none``: no
            fact records it; ``target_groups`` alone confirms it).
        plain: for a group a fact records (``fit``), the words that name the group as that fact does (근로자, 직장인
            for ``employed``; 기초생활수급자, 차상위계층 for ``welfare_recipient``/``near_poverty``): an item that names
            the group otherwise, or with a qualifier ("사립학교 퇴직 교직원", "장애인활동지원사", "수산물 수출 관련 개인"),
            names a narrower circle the fact does not establish (:func:`names_plainly`).
    """

    name: str
    pattern: re.Pattern[str]
    ko: str
    en: str
    fit: Callable[[Facts], tuple[int, tuple[str, ...]]] = _none
    plain: re.Pattern[str] | None = None


# Written from the 지원대상 wording of the snapshot (see the module docstring). Order matters only for display.
LEXICON: tuple[LexGroup, ...] = (
    LexGroup("rescuer", re.compile(r"의사상자|의상자|의사자"), "의사상자", "people injured or killed while rescuing others"),
    LexGroup("military", re.compile(r"장병|군인|(?<![가-힣])병사|군\s*복무|현역병|사회복무요원|상근예비역|대체복무|군무원|"
                                    r"전역\s*(?:예정)?자|의무복무"), "군인·장병·군 복무자", "soldiers and people in military service"),
    LexGroup("artist", re.compile(r"예술인|예술가|예술활동|예술\s*단체|문화예술\s*(?:종사|인력)"), "예술인", "artists"),
    LexGroup("fishery", re.compile(r"어업인|어업|수산|어가(?![가-힣])|어선|양식(?:업|장|어)|어촌|해녀|선원"), "어업인·수산업",
             "fishers and the fisheries", _flag("fisher")),
    LexGroup("farming", re.compile(r"농업인|농업경영체|농업|농가|농촌|농민|축산|임업인|임업|귀농|귀촌|영농|산림경영"), "농업인·축산·임업",
             "farmers, livestock farmers and foresters", _flag("farmer", "livestock_farmer", "forester")),
    LexGroup("electricity", re.compile(r"고객|전기\s*(?:설비|사용|수용)|변압기|전력\s*(?:사용|수요)"), "전기 고객·설비 소유자",
             "electricity customers and owners of electrical installations", _flag("high_voltage_customer")),
    LexGroup("student", re.compile(r"학생|재학|대학원생|학교\s*내|휴학|졸업\s*예정|교육생|수강생|연수생"), "학생", "students", _student),
    LexGroup("worker", re.compile(r"근로자|직장인|재직자|재직\s*중|종사자|노동자|종업원|피보험자|교사|교원|강사|근무자|사원|직원"),
             "근로자·재직자", "employees", _flag("employed")),
    LexGroup("job_seeker", re.compile(r"구직|실업|미취업|취업\s*(?:준비|희망)|경력\s*단절|실직"), "구직자", "job seekers",
             _flag("job_seeker")),
    LexGroup("tenant", re.compile(r"임차인|세입자|전세|월세|임차|임대\s*주택\s*(?:거주|입주)|입주자|입주민"), "임차인·입주자",
             "tenants"),
    LexGroup("owner", re.compile(r"소유자|소유주|점유자|건축주|(?<!무)주택\s*(?:소유|보유)|(?<!무)단독\s*주택|토지|건축물|매도|"
                                 r"공동주택|아파트"), "주택·건물·토지 소유자", "owners of a house, building or land"),
    LexGroup("vehicle", re.compile(r"경유차|자동차|차량|건설기계|지게차|굴착기|운전(?:자|면허)|이륜차|화물차"), "차량 소유자·운전자",
             "vehicle owners and drivers"),
    LexGroup("business", re.compile(r"사업자|소상공인|자영업|중소기업|중견기업|기업체|창업|예비\s*창업|(?<![가-힣])상인|상인회|점포|가맹점|"
                                    r"법인(?!\s*(?:이|의\s*장))|스타트업|벤처"), "사업자·소상공인", "business owners", _business),
    LexGroup("victim", re.compile(r"피해자|피해\s*(?:아동|여성|청소년|학생|가족|주민|농가|어가)|피해를\s*입은|재난|이재민|"
                                  r"사고\s*(?:희생자|피해)|피구조자|소송\s*구조"), "피해자·재난 이재민·소송구조 대상",
             "victims (crime, fraud, disaster) and legal-aid recipients"),
    LexGroup("debtor", re.compile(r"채무자|채무|연체|신용(?:평점|등급|불량|회복)|파산|회생|대출\s*(?:이용|받은|차주)|학자금\s*대출"),
             "채무자·신용 취약자", "debtors and people with low credit"),
    LexGroup("heir", re.compile(r"상속|후견인|사망자|유족|유가족"), "상속인·후견인·유족", "heirs, guardians and bereaved families"),
    LexGroup("patient", re.compile(r"(?<![상전차])환자|질환|진단을?\s*받은|치료(?:가|를)?\s*(?:필요|받는|중)|난임|희귀|중증|치매"), "환자",
             "patients", _flag("ill")),
    LexGroup("disabled", DISABILITY, "장애인", "people with a disability", _flag("disabled")),
    LexGroup("disabled_family", HOUSEHOLD_WAY, "장애인 가정(세대원 중 등록 장애인)",
             "households with a registered disabled member", _flag("disabled", "household_disabled")),
    LexGroup("veteran", re.compile(r"유공자|보훈|참전|고엽제|제대군인"), "국가유공자·보훈대상자", "veterans and national merit recipients",
             _flag("veteran")),
    LexGroup("low_income", re.compile(r"수급자|수급권자|차상위|저소득|기초생활|의료급여|생계급여|주거급여"), "기초생활수급자·차상위·저소득",
             "welfare recipients and low-income households", _flag("welfare_recipient", "near_poverty")),
    LexGroup("pregnancy", re.compile(r"임산부|임신|산모|출산|임부|난임|예비\s*부모|신생아를?\s*(?:둔|출산)"), "임산부·출산", "pregnancy and birth",
             _flag("pregnant", "recent_birth_or_adoption", "preparing_pregnancy")),
    LexGroup("single_parent", re.compile(r"한부모|조손"), "한부모·조손가족", "single-parent families", _flag("single_parent_family")),
    LexGroup("multicultural", re.compile(r"다문화|결혼\s*이민|이주\s*여성|외국인\s*(?:주민|근로자|배우자)|난민"), "다문화·이주민",
             "multicultural families and migrants", _flag("multicultural_family")),
    LexGroup("defector", re.compile(r"북한\s*이탈|새터민|탈북"), "북한이탈주민", "North Korean defectors", _flag("north_korean_defector")),
    LexGroup("multi_child", re.compile(r"다자녀|다둥이|세\s*자녀|셋째"), "다자녀가구", "households with many children",
             _flag("multi_child_household")),
    LexGroup("homeless", re.compile(r"노숙|쪽방|무주택"), "무주택·노숙인", "households without a home", _flag("homeless_household")),
    LexGroup("newlywed", re.compile(r"신혼\s*부부|예비\s*(?:신혼\s*)?부부|혼인\s*(?:신고|예정)|결혼\s*예정"), "신혼부부",
             "newlyweds"),
    LexGroup("women", re.compile(r"여성(?!\s*가족부)|(?<![가-힣])여자"), "여성", "women", _women),
)
#: The words that name a group as the fact that records it does (:attr:`LexGroup.plain`), for the groups a fact
#: records; each starts a word (not "낙농가", "장애인활동지원사" is cut off by :func:`names_plainly`'s residue). Written
#: from the snapshot's 지원대상 wording of the 158 restrictions that name such a group (session 10, issue #5).
_PLAIN_WORDS: dict[str, str] = {
    "fishery": r"어업인|어가|어민",
    "farming": r"농업인|농업경영체|농가|농민|축산\s*(?:농가|업인|인)|임업인",
    # high_voltage_customer is defined as a 고압 customer or the owner of the receiving installation
    "electricity": r"고압\s*(?:전기\s*)?(?:고객|수전|수용가)|수전\s*설비",
    "student": r"(?:초등|중등|고등|대|대학|대학원|초중고|초·중·고)?(?:학생|재학생)|재학\s*중인\s*(?:자|사람|학생)",
    "worker": r"근로자|직장인|재직자|노동자|임금\s*근로자",
    "job_seeker": r"구직자|미취업자|실업자|실직자|구직\s*중인\s*(?:자|사람)",
    "business": r"소상공인|자영업자|개인\s*사업자|사업자|예비\s*창업자|창업자|중소기업|기업체|법인",
    "patient": r"환자|질환자|질병자",
    "disabled": r"(?:등록\s*)?장애인",
    "disabled_family": r"장애인\s*(?:가정|가구|세대)",
    "veteran": r"국가\s*유공자|(?:국가\s*)?보훈\s*대상자|독립\s*유공자|참전\s*유공자|유공자",
    "low_income": r"(?:국민\s*)?기초\s*(?:생활\s*)?(?:보장\s*)?수급(?:자|권자|가구)?|(?:법정\s*)?차상위\s*(?:계층)?|"
                  r"저소득\s*(?:층|가구|가정|주민)?|(?:생계|의료|주거|교육)\s*급여\s*수급(?:자|권자|가구)|수급자|수급권자",
    "single_parent": r"(?:법정\s*)?한부모\s*(?:가족|가정|가구)?|조손\s*(?:가족|가정|가구)?",
    "multicultural": r"다문화\s*(?:가족|가정|가구)?|결혼\s*이민자",
    "defector": r"북한\s*이탈\s*주민|새터민|탈북민",
    "multi_child": r"다자녀\s*(?:가족|가정|가구)?|다둥이\s*(?:가족|가정|가구)?",
    "pregnancy": r"임산부|임신부|임부|산모|출산\s*가정",
    "women": r"여성|여자",
    "homeless": r"무주택\s*(?:세대|가구|자)?",
}
LEXICON = tuple(replace(g, plain=re.compile(r"(?<![가-힣])(?:" + _PLAIN_WORDS[g.name] + ")")) if g.name in _PLAIN_WORDS else g
                for g in LEXICON)
BY_NAME: dict[str, LexGroup] = {g.name: g for g in LEXICON}
LEXICON_NAMES: tuple[str, ...] = tuple(BY_NAME)

#: The general public, strong words: the service is for everyone (within its codes and region), even when the item
#: names a group too ("장병, 군무원, 일반 국민") and whichever item says it.
_GENERAL_STRONG = re.compile(r"누구나|누구든지|일반\s*국민|일반인|전\s*국민|모든\s*(?:국민|주민|시민|도민|구민|군민|사람|이용자)|"
                             r"(?:^|[,·ㆍ]\s*)일반\s*(?:$|[,·ㆍ(])|관심\s*(?:이\s*)?있는\s*(?:국민|사람|시민|주민|자)")
#: Residents or users in general ("동대문구민", "성남사랑상품권 사용자", "지역 주민 모두"): the general public when the
#: first item says it; in a later item one way in among the listed groups ("65세 이상 서대문 구민"), which no fact
#: decides (an open way in, or its age).
_GENERAL = re.compile(_GENERAL_STRONG.pattern + r"|"
                      r"(?:국민|주민|시민|도민|구민|군민|지역민|지역\s*주민)(?:\s*(?:등(?![가-힣])|전체|모두)|$|[,.·)(])|"
                      r"(?:이용|사용|희망|신청)(?:하는|하고자\s*하는|을\s*원하는)\s*(?:자|사람|국민|시민)(?:\s|$|[,.)])|"
                      r"사용자(?:\s|$)|이용자(?:\s|$)|이용객|관람객|방문객|승객|구매자")
_GENERAL_WEAK = re.compile(r"(?<![가-힣])개인(?!\s*(?:사업|한정|신용))")
#: "개인" first in a list ("개인, 중소·중견기업 …", "개인 또는 단체"): individuals in general are one way in.
_GENERAL_LEAD = re.compile(r"^개인\s*(?:[,·ㆍ]|또는|및|이나)")
#: a lead-in that announces the list below ("아래의 한가지 기준을 충족하는 …", "이용대상자는 다음 각호와 같다"): not an item.
_LEAD_IN = re.compile(r"(?:아래|다음)(?:의|과|와)?\s*(?:각\s*[호목]|한\s*가지|어느\s*하나|기준|요건|조건|사항)|다음\s*(?:각\s*[호목])?(?:와|과)\s*같|"
                      r"[①-⑳1-9]\s*(?:내지|부터|~|-)\s*[①-⑳1-9]\S*\s*(?:를|을)?\s*(?:모두\s*)?충족")
#: A label that names who before its content ("지원대상 : 3~5세 유아", "사업대상: 관내 …"): the content is the item.
_WHO_LABEL = re.compile(r"^\s*(?:(?:지원|사업|수혜|신청|이용|감면|할인)\s*)?대상(?:자)?\s*[:：]\s*|^\s*(?:지원|자격|신청)\s*요건\s*[:：]\s*")
#: A label whose content says what, when or how much, not who ("사업기간:", "지원내용:", "지급물품:"): not an item.
_WHAT_LABEL = re.compile(r"^\s*(?:사업|지원|신청|접수|운영)?\s*(?:기간|규모|내용|금액|물품|방법|절차|일정|장소|시간|예산)\s*[:：]|"
                         r"^\s*지급\s*(?:물품|금액|내용)\s*[:：]")
#: A heading that gives a rate ("사용료 50% 감면", "100분의 80 감면", "체육시설 이용료 감면(50%)"): names a part, not who.
_RATE = re.compile(r"(?:\d+\s*%|100\s*분의\s*\d+|\d+\s*천?\s*원)")
_RATE_WORD = re.compile(r"감면|할인|면제")
#: Alternatives within one item ("청년 및 신혼부부", "노인, 장애인").
#: An income or assets limit ("기준중위소득 120% 이하", "소득인정액이 …"): a criterion every way in must meet (the
#: coded income band and the citizen's income decide it), not a way in of its own (예술활동준비금, s9).
_CRITERION = re.compile(r"중위\s*소득|소득\s*인정액|소득\s*(?:기준|수준|금액)|재산\s*(?:기준|가액|금액)|건강\s*보험료")
_AND_OR = re.compile(r"\s(?:및|또는|이나)\s|[,·ㆍ/]")
_REMARK = re.compile(r"^\s*[※*☞].*$", re.MULTILINE)
_ITEM_SPLIT = re.compile(r"(?:(?:^|\n)\s*(?:ㅇ|-|\d+\.|[①-⑳]))|[○■□•◦▶\n]")
_HEADER = re.compile(r"^\s*[<\[(]?\s*(?:지원\s*대상|사업\s*대상|선정\s*기준|신청\s*자격|대상자?|자격\s*요건)\s*[>\])]?\s*[:：]?\s*$")
#: a header in brackets ("<소규모 발굴조사 지원사업>", "[신청자격]"): names a part, not who.
_BRACKETED = re.compile(r"^[<\[【〈《][^>\]】〉》]*[>\]】〉》]\s*$")
_AGE = AGE_BOUND  # "만 65세 이상": (age, 이상|이하|미만|초과)
_AGE_RANGE = re.compile(r"(?:만\s*)?(\d{1,3})\s*세?\s*(?:~|-|∼|부터)\s*(?:만\s*)?(\d{1,3})\s*세")


@dataclass(frozen=True)
class Restriction:
    """The ways into a service whose first 지원대상 item restricts it to a group.

    Attributes:
        groups: :data:`LEXICON` names any item names (alternatives: one fitting is enough).
        ages: ``(lo, hi)`` inclusive age ranges of items that name an age and no group, and of the age groups of
            :data:`~connectors.eligibility.target_groups.GROUPS` an item names (청년 15–39 …).
        open: an item names none of these (a way in the table does not read): known facts never rule out.
        specific: ``(group, phrase)`` for the groups a fact records that every item naming them narrows
            (:func:`names_plainly` false: "재직기간 1년 이상 사립학교 퇴직 교직원" for ``worker``): the fact is coarser than
            the text, so it decides nothing; only the citizen confirming the group (``target_groups``) holds it, and
            nothing rules it out (:func:`restriction_state`). ``phrase``: the first such item, at most 60 characters.
        within: the groups of ``specific`` that every item narrows as a part of the group the fact records ("의료급여
            수급자 중 관내 전입자": some of the recipients, :func:`names_within`): the fact's "no" (or the citizen's)
            rules that way in out; its "yes" still decides nothing (s11).
        without: groups the text requires the person *not* to belong to, on every way in (s13 #1: VOU000009000
            언어발달지원 is for "장애 부모의 12세 미만 비장애아동", children without a disability: ``("disabled",)``): a
            fact or answer that holds one rules the service out (:func:`restriction_state`); ``quote`` is the item
            that says so (at most 60 characters), shown as the condition's meaning.
        requires: groups the person must belong to on every way in (s14 #2: the 장애인가정 출산지원금 texts, whose first
            item names a 장애인가정: ``("disabled_family",)``, held by ``disabled`` or ``household_disabled``); a fact or
            answer that rules one out rules the service out; ``quote`` is that item.
    """

    groups: tuple[str, ...]
    ages: tuple[tuple[int, int], ...] = ()
    open: bool = False
    specific: tuple[tuple[str, str], ...] = ()
    within: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    quote: str = ""
    requires: tuple[str, ...] = ()

    def ko(self) -> str:
        """The groups in Korean, ``"예술인, 군인·장병·군 복무자"``; a narrowed group as its text writes it
        (``"'재직기간 1년 이상 사립학교 퇴직 교직원'"``); a requirement of :attr:`without` as its item writes it."""
        return ", ".join([*(BY_NAME[g].ko for g in self.groups), *(f"'{phrase}'" for _g, phrase in self.specific),
                          *((f"'{self.quote}'",) if self.quote else ())])

    def en(self) -> str:
        """The groups in English; a narrowed group as ``"employees of the kind its text names"``; a requirement of
        :attr:`without` as ``"the people its text names (without a disability)"`` (no Hangul)."""
        return ", ".join([*(BY_NAME[g].en for g in self.groups),
                          *(f"{BY_NAME[g].en} of the kind its text names" for g, _p in self.specific),
                          *((f"the people its text names ({' and '.join(_WITHOUT_EN[g] for g in self.without)})",)
                            if self.without else ()),
                          *((f"the people its text names ({' and '.join(BY_NAME[g].en for g in self.requires)})",)
                            if self.requires else ())])


#: How a requirement of :attr:`Restriction.without` reads in English.
_WITHOUT_EN = {"disabled": "without a disability"}


def _without_disability(items: list[str]) -> Restriction | None:
    """The restriction of a text whose first item is for people *without* a disability and no item names any group
    (VOU000009000: "장애 부모의 12세 미만 비장애아동으로 …"): having no disability is a requirement on the person
    (:attr:`Restriction.without`), and the rest of the item (a disabled parent: a household member's disability, which
    no fact records) is a way in no fact decides (``open``). Where another item names a group ("○ 기초생활수급자 ○
    비장애인 형제자매") the 비장애 item is one alternative, not a requirement on every way in: ``None`` (read as before).

    Example:
        >>> r = _without_disability(["장애 부모의 12세 미만 비장애아동으로 기준 중위소득 120% 이하의 가구"])
        >>> r.without, r.open, r.groups
        (('disabled',), True, ())
        >>> _without_disability(["기초생활수급자", "비장애인 형제자매"]) is None
        True
    """
    if not items or not NO_DISABILITY.search(items[0]) or any(groups_named(i) for i in items):
        return None
    return Restriction((), (), True, without=("disabled",), quote=_short(items[0]))


def _rate_heading(item: str) -> bool:
    """"사용료 50% 감면", "100분의 80 감면": a rate and a discount word, no group, no age, short."""
    return (len(item) <= 40 and _RATE.search(item) is not None and _RATE_WORD.search(item) is not None
            and not groups_named(item) and not _AGE.search(item) and not _AGE_RANGE.search(item))


def _items(text: str) -> list[str]:
    text = _REMARK.sub("", text)
    out = []
    for raw in _ITEM_SPLIT.split(text):
        item = _WHO_LABEL.sub("", raw.strip(), count=1).strip()
        if (len(re.findall(r"[가-힣]", item)) < 4 or _HEADER.match(item) or _LEAD_IN.search(item)
                or _BRACKETED.match(item) or _WHAT_LABEL.match(item) or _rate_heading(item)):
            continue
        out.append(item)
    return out


#: "장애 부모 : 한쪽 부모가 … 등록 장애인": a term, then what it means.
_DEFINES = re.compile(r"^\s*([가-힣][가-힣\s]{1,15}?)\s*[:：]\s*\S")


def _defining_nothing(items: list[str]) -> list[str]:
    """``items`` without those that define a term an earlier item used (VOU000009000: "장애 부모의 12세 미만
    비장애아동" then "장애 부모 : 한쪽 부모가 … 등록 장애인"): a definition says what the term means, not one more way
    in (the parent's disability is no group of the child's).

    Example:
        >>> _defining_nothing(["장애 부모의 12세 미만 비장애아동", "장애 부모 : 한쪽 부모가 등록 장애인", "한부모 가족"])
        ['장애 부모의 12세 미만 비장애아동', '한부모 가족']
    """
    out: list[str] = []
    for item in items:
        m = _DEFINES.match(item)
        term = re.sub(r"\s+", "", m.group(1)) if m else ""
        if term and any(term in re.sub(r"\s+", "", earlier) for earlier in out):
            continue
        out.append(item)
    return out


def _ages(item: str) -> list[tuple[int, int]]:
    out = [(int(a), int(b)) for a, b in _AGE_RANGE.findall(item)]
    for n, kind in _AGE.findall(item):
        v = int(n)
        out.append({"이상": (v, 200), "초과": (v + 1, 200), "이하": (0, v), "미만": (0, v - 1)}[kind])
    return out


def _age_groups(item: str) -> list[tuple[int, int]]:
    from connectors.eligibility.target_groups import GROUPS as AGE_NAMED

    bands = {"youth": (15, 39), "teen": (9, 24), "child": (0, 18), "middle_aged": (40, 64), "elderly": (60, 200)}
    return [bands[g.name] for g in AGE_NAMED if g.name in bands and g.pattern.search(item)]


#: Words that say no more about who than the plain word does: a law's phrasing (에 따른, 등록된), the household (세대,
#: 가구, 가족 …), proof (증명서, 확인증, 다둥이행복카드 소지자, "국가보훈처장이 발행한 국가유공자증서를 소지한자": s11, the
#: document that shows one belongs to the group narrows nothing), a rate (이용료의 100분의 10 감면); and, for the groups a household fact
#: records, its children or parents ("다자녀 가정의 자녀", "한부모가족 아동").
_PLAIN_EXTRA = re.compile(r"따른|따라|의한|등록된|등록한|해당하는|해당|세대주|세대|가구|가정|가족|계층|본인|"
                          r"(?:[가-힣]+(?:이|가)\s*)?(?:발행|발급)(?:한|된|받은)|증명서|확인서|확인증|증서를?|수첩|등본|초본|신분증|"
                          r"[가-힣]{0,4}\s*카드|소지(?:자|한\s*자|한\s*사람|시)?|"
                          r"복지\s*카드|카드|경우|이용료|사용료|감면|할인|분의|우선|포함|자격(?:을|이)?\s*갖춘|자격|명")
_HOUSEHOLD_EXTRA = re.compile(r"자녀|아동|부모|보호\s*대상자|독거")
#: A group's own subject matter, which describes what the service does for the group, not a narrower circle: the
#: high-voltage customer's transformer ("고압고객용 일반 변압기를 … 고효율 변압기로 교체하는 고객").
_GROUP_EXTRA: dict[str, re.Pattern[str]] = {"electricity": re.compile(r"변압기|교체|고효율|정격\s*전압|용량|고객|설비")}
_HOUSEHOLD = frozenset({"low_income", "single_parent", "multicultural", "multi_child", "defector", "homeless"})
#: A part that denies what it names ("사업자 등록 사실 여부가 없는 자", "기초생활수급자가 아닌"): not the group.
_DENIES = re.compile(r"없는|아닌|아니|제외|않은|않는")
_PART_SPLIT = re.compile(r"\s(?:및|또는|이나|혹은)\s|[,·ㆍ/]|\s등(?:\s|$)")
_PARENS_INNER = re.compile(r"\(([^()]*)\)|（([^（）]*)）|\[([^\[\]]*)\]")


def names_plainly(name: str, item: str) -> bool:
    """Whether ``item`` names the group ``name`` as the fact that records it does (:attr:`LexGroup.plain`), so that
    fact establishes (or rules out) the item's way in; always true for a group no fact records.

    Read by alternative (split at 및, 또는, commas; a bracket's list is read too): one alternative names it plainly when
    it has a plain word, denies nothing, and nothing is left once its plain words, the words of anyone
    of an age living there (:func:`~connectors.eligibility.who_text._residue`: places, ages, 국민, 거주 …) and the
    law's and household's wording (:data:`_PLAIN_EXTRA`) are removed. Why a residue and not a list of narrow words:
    the narrowing words are open-ended (사립학교, 퇴직, 활동지원사, 수출, 낙농가 …), the general ones are few.

    Examples:
        >>> names_plainly("worker", "중소기업 근로자"), names_plainly("worker", "재직기간 1년 이상 사립학교 퇴직 교직원")
        (False, False)
        >>> names_plainly("low_income", "65세 이상 기초생활수급자, 차상위계층 등"), names_plainly("disabled", "장애인활동지원사")
        (True, False)
    """
    from connectors.eligibility.who_text import _LAW, _residue

    group = BY_NAME[name]
    if group.plain is None:
        return True
    item = _LAW.sub(" ", item)
    inner = [x for m in _PARENS_INNER.finditer(item) for x in _PART_SPLIT.split(next(g for g in m.groups() if g is not None))]
    parts = [p for p in _PART_SPLIT.split(_PARENS_INNER.sub(" ", item)) + inner if p.strip()]
    for part in parts:
        if not group.plain.search(part) or _DENIES.search(part):
            continue
        rest = _PLAIN_EXTRA.sub(" ", group.plain.sub(" ", part))
        if name in _HOUSEHOLD:  # a household's fact holds for its members: "다자녀 가정의 자녀", "독거노인 가구 중 수급자"
            rest = _HOUSEHOLD_EXTRA.sub(" ", rest)
        if name in _GROUP_EXTRA:
            rest = _GROUP_EXTRA[name].sub(" ", rest)
        if not _residue(rest):
            return True
    return False


#: "X 중 …" after a group's plain word (brackets are taken out first): the item names some of that group.
_AMONG = re.compile(r"^\s*중(?![가-힣])")


def names_within(name: str, item: str) -> bool:
    """Whether ``item`` names a part of the group ``name`` as its fact records it: one alternative has the group's
    plain word (:attr:`LexGroup.plain`) with nothing but an age or a place before it, then "중" ("65세 이상 의료급여
    수급권자 중 틀니 시술을 완료한 자", "기초생활수급자(생계, 의료) 중 관내 전입자"), and denies nothing. Then whoever the
    fact says is not in the group is not in the item either; "기초연금 수급자 중 …" (another benefit before the word)
    is no part of it.

    Examples:
        >>> names_within("low_income", "기초생활수급자(생계, 의료) 중 관내 전입자")
        True
        >>> names_within("low_income", "목포시에 주민등록을 둔 기초연금 수급자 중 만 70세 이상 노인")
        False
        >>> names_within("disabled", "장애인활동지원사")
        False
    """
    from connectors.eligibility.who_text import _LAW, _residue

    group = BY_NAME[name]
    if group.plain is None:
        return False
    for part in _PART_SPLIT.split(_PARENS_INNER.sub(" ", _LAW.sub(" ", item))):  # "수급자(생계, 의료) 중": one part
        if _DENIES.search(part):
            continue
        for m in group.plain.finditer(part):
            if _AMONG.match(part[m.end():]) and not _residue(part[:m.start()]):
                return True
    return False


def groups_named(item: str) -> tuple[str, ...]:
    """The :data:`LEXICON` groups one item names, in lexicon order.

    Example:
        >>> groups_named("학자금대출을 받은 군 복무자")
        ('military', 'debtor')
    """
    return tuple(g.name for g in LEXICON if g.pattern.search(item) and (g.name != "disabled" or names_own_disability(item)))


def restriction_in(text: str) -> Restriction | None:
    """The restriction a 지원대상/선정기준 text puts on who gets the service (module docstring), or ``None``.

    Examples:
        >>> restriction_in("○ 경기도 의사상자 등록자")
        Restriction(groups=('rescuer',), ages=(), open=False, specific=(), within=(), without=(), quote='', requires=())
        >>> restriction_in("재직기간 1년 이상 사립학교 퇴직 교직원").specific
        (('worker', '재직기간 1년 이상 사립학교 퇴직 교직원'),)
        >>> restriction_in("○ 장병, 군무원, 일반 국민") is None, restriction_in("만 65세 이상 노인") is None
        (True, True)
    """
    items = _defining_nothing(_items(text))
    if not items:
        return None
    if (lacking := _without_disability(items)) is not None:
        return lacking
    if HOUSEHOLD_WAY.search(items[0]) and not _NARROWED_HOUSEHOLD.search(items[0]) and not _GENERAL.search(items[0]) \
            and set(groups_named(items[0])) <= _HOUSEHOLD_ITEM_GROUPS:
        # "…에 거주하는 장애인 가정": for households with a disabled member: a requirement on the person, held by their
        # own or a member's disability (s14 #2); not where the item lists other ways in ("노인세대, 장애인세대, 한부모 가족")
        return Restriction((), requires=("disabled_family",), quote=_short(items[0]))
    first = groups_named(items[0])
    if _GENERAL.search(items[0]):
        return None
    if not first and not (_ages(items[0]) + _age_groups(items[0]) and len(items) > 1
                          and any(groups_named(i) for i in items[1:])):
        # an age first ("65세 이상 노인") restricts only as one of listed ways in ("장애인", "다자녀 부모" after it)
        return None
    groups: dict[str, None] = {}
    narrowed: dict[str, str] = {}
    within: dict[str, bool] = {}
    ages: list[tuple[int, int]] = []
    is_open = False
    for item in items:
        named = groups_named(item)
        if _GENERAL_STRONG.search(item) or _GENERAL_LEAD.match(item):
            return None
        if first and not named and _CRITERION.search(item) and not _ages(item) + _age_groups(item):
            continue  # "기준중위소득 120% 이하": a limit on every way in, not one more way in
        if not named and (_GENERAL.search(item) or _GENERAL_WEAK.search(item)):
            found = _ages(item)  # "65세 이상 서대문 구민": a way in by age (the residence is the region's business)
            ages.extend(found)
            is_open |= not found
            continue
        for g in named:  # a group a fact records, named with a qualifier: the fact is coarser than the text
            if names_plainly(g, item):
                groups[g] = None
            else:
                narrowed.setdefault(g, item)
                within[g] = within.get(g, True) and names_within(g, item)
        if named and _age_groups(item) and _AND_OR.search(item) and (said := _ages(item)):
            # "청년 및 신혼부부(18세 ~ 39세)": the age group, with its ages written, is a way in; not "가정폭력 피해자 및
            # 동반 아동" (the victim's children: no age written)
            ages.extend(said)
        if not named:  # an item without a group is a way in by age ("만 65세 이상인 사람", "청년"), or one not read
            found = _ages(item) + _age_groups(item)
            ages.extend(found)
            is_open |= not found
    if not first and is_open:  # an age first reads as one way in only in a list the table reads whole
        return None
    ordered = tuple(g.name for g in LEXICON if g.name in groups)
    specific = tuple((g.name, _short(narrowed[g.name])) for g in LEXICON if g.name in narrowed and g.name not in groups)
    return Restriction(ordered, tuple(dict.fromkeys(ages)), is_open, specific,
                       tuple(g for g, _phrase in specific if within[g]))


def _short(item: str, limit: int = 60) -> str:
    item = re.sub(r"\s+", " ", item).strip()
    return item if len(item) <= limit else item[:limit - 1].rstrip() + "…"


def group_state(name: str, facts: Facts) -> tuple[int, tuple[str, ...]]:
    """How ``facts`` fit one :data:`LEXICON` group: ``(state, facts still missing)``; an explicit
    ``facts.target_groups[name]`` decides first (true: fits; false: does not)."""
    told: Mapping[str, bool] | None = facts.target_groups
    if told is not None and name in told:
        return (YES if told[name] else NOT), ()
    state, missing = BY_NAME[name].fit(facts)
    return state, (missing if state == UNKNOWN else ()) + ((CONFIRM_FACT,) if state == UNKNOWN else ())


def restriction_state(r: Restriction, facts: Facts,
                      known: Mapping[str, tuple[int, tuple[str, ...]]] | None = None) -> tuple[int, tuple[str, ...]]:
    """``(state, missing)`` of a restriction for ``facts``: eligible when one way in fits (a group, or an age range
    holding the age); not eligible when every way in is known not to and the restriction is not ``open``; else
    unknown, missing the facts that would decide (``target_groups`` always among them: the citizen can confirm).
    A narrowed group (:attr:`Restriction.specific`) is never held by a fact or an answer: the facts that record the
    group coarsely (``employed`` for "사립학교 퇴직 교직원", ``fisher`` for "수산물 수출 관련 개인") and the citizen's
    confirming the broad group (``target_groups``: "근로자·재직자", "어업인·수산업") say less than its phrase, so it
    stays to confirm (s13 #6; before, ``target_groups`` held it); a "no" rules out a part of the group
    (:attr:`Restriction.within`: "의료급여수급자 중 …").
    ``known``: :func:`group_states` of ``facts``, when the caller judges many restrictions for one person.

    Example:
        >>> from connectors.eligibility.facts import Facts
        >>> r = Restriction(("artist",))
        >>> restriction_state(r, Facts()), restriction_state(r, Facts(target_groups={"artist": True}))
        ((1, ('target_groups',)), (2, ()))
    """
    held = True
    needed: list[str] = []
    for g in r.requires:  # "장애인 가정": the person must belong to the group, on every way in (s14 #2)
        s, m = known[g] if known is not None else group_state(g, facts)
        if s == NOT:
            return NOT, ()
        held &= s == YES
        needed.extend(m)
    if r.requires and not (r.groups or r.ages or r.specific or r.open):
        return (YES, ()) if held else (UNKNOWN, tuple(dict.fromkeys(needed)))
    state, missing_ = _ways_state(r, facts, known)
    if state == YES and not held:
        return UNKNOWN, tuple(dict.fromkeys(needed))
    return state, tuple(dict.fromkeys([*missing_, *needed])) if state == UNKNOWN else missing_


def _ways_state(r: Restriction, facts: Facts,
                known: Mapping[str, tuple[int, tuple[str, ...]]] | None) -> tuple[int, tuple[str, ...]]:
    """:func:`restriction_state` of the ways in, apart from :attr:`Restriction.requires`."""
    states: list[int] = []
    missing: list[str] = []
    for g in r.without:  # "비장애아동": the person must not belong to the group
        s, m = known[g] if known is not None else group_state(g, facts)
        if s == YES:
            return NOT, ()
        missing.extend(x for x in m if x != CONFIRM_FACT)
    for g, _phrase in r.specific:  # a narrowed group: nothing coarser than its phrase holds it (s13 #6)
        if g in r.within and (known[g] if known is not None else group_state(g, facts))[0] == NOT:
            states.append(NOT)  # "수급자 중 …" for someone known not to be a recipient: a part of the group rules out
            continue
        states.append(UNKNOWN)
        missing.append(CONFIRM_FACT)
    for g in r.groups:
        s, m = known[g] if known is not None else group_state(g, facts)
        if s == YES:
            return YES, ()
        states.append(s)
        missing.extend(m)
    for lo, hi in r.ages:
        if facts.age is None:
            states.append(UNKNOWN)
            missing.append("age")
        elif lo <= facts.age <= hi:
            return YES, ()
        else:
            states.append(NOT)
    if r.open or UNKNOWN in states or not states:
        return UNKNOWN, tuple(dict.fromkeys(missing or [CONFIRM_FACT]))
    return NOT, ()


def group_states(facts: Facts) -> dict[str, tuple[int, tuple[str, ...]]]:
    """:func:`group_state` of every :data:`LEXICON` group for ``facts``."""
    return {g.name: group_state(g.name, facts) for g in LEXICON}


#: English words an answer to the questionnaire's group question names a group with ("I'm an artist", "job seeker"):
#: :data:`LEXICON`'s patterns are the catalogue's Korean wording, so they read Korean answers only.
ANSWER_EN: dict[str, re.Pattern[str]] = {name: re.compile(p, re.IGNORECASE) for name, p in {
    "rescuer": r"\brescu", "military": r"\bsoldier|\bmilitary|\barmy\b|\bnavy\b|conscript|service\s*(?:member|man|woman)",
    "artist": r"\bartist", "fishery": r"\bfisher|\bfishing\b|\bfisheries\b|aquaculture",
    "farming": r"\bfarm|\blivestock|\bforest(?:er|ry)", "electricity": r"electricity|high[- ]voltage|\bkepco\b",
    "student": r"\bstudent|\benrolled\b|\bat (?:school|university|college)\b",
    "worker": r"\bemployee|\bemployed\b|\bworker|\bteacher|\bstaff\b",
    "job_seeker": r"job[- ]?seek|\bunemploy|looking for (?:a )?(?:job|work)|out of work",
    "tenant": r"\btenant|\brenter|\brent(?:ing)?\b|\blease", "owner": r"(?:home|house|property|land)\s*owner|landlord|"
    r"own (?:a|my|the) (?:house|home|building|land|flat|apartment)",
    "vehicle": r"\bcar\b|\bvehicle|\bdriver", "business": r"business|self[- ]employed|shop\s*owner|\bstart-?up|entrepreneur|"
    r"\b(?:run|own|have)\s+(?:a|my|our)\s+(?:\w+\s+)?(?:shop|store|restaurant|caf[eé]|company|firm)\b|sole\s+trader|freelanc",
    "victim": r"\bvictim|\bdisaster", "debtor": r"\bdebt|\bloans?\b|\bcredit\b|bankrupt", "heir": r"\bheir|inherit|guardian|bereaved",
    "patient": r"\bpatient|\bill\b|illness|disease|diagnos", "disabled": r"(?<!non-)(?<!non)\bdisab",
    "disabled_family": HOUSEHOLD_DISABILITY.pattern,
    "veteran": r"\bveteran|national merit", "low_income": r"basic livelihood|welfare recipient|near[- ]poverty|low[- ]income",
    "pregnancy": r"pregnan|gave birth|\bexpecting\b", "single_parent": r"single[- ]parent|grandparent",
    "multicultural": r"multicultural|immigra|\bmigrant|refugee", "defector": r"defector|north korea",
    "multi_child": r"(?:three|3) or more children|many children|multi[- ]child", "homeless": r"homeless|no home\b",
    "newlywed": r"newly\s*wed|just married|getting married", "women": r"\bwoman\b|\bfemale\b",
}.items()}
#: Korean words an answer names a group with beyond the catalogue's wording (:data:`LEXICON` reads the catalogue, where
#: "가게" or "한전" would name no group): "가게를 운영해요", "식당을 해요", "한전 고압으로 받아요".
ANSWER_KO: dict[str, re.Pattern[str]] = {name: re.compile(p) for name, p in {
    "business": r"가게|식당|장사|매장|사장|영업\s*(?:중|하고)|사업\s*(?:을|은|는)?\s*(?:안\s*)?(?:해|하고|하는|운영)|사업체|회사\s*(?:를|을)?\s*운영",
    "electricity": r"고압|한전|한국전력|수전\s*설비|특고압",
    # (s43) everyday words for being out of work or looking for it: "백수에요" was "알아듣지 못했어요" at the question
    # (a word of having none, "일 없어요", would read as a denial of the group: not among them)
    "job_seeker": r"백수|무직|실직|취준|취업\s*준비|일\s*(?:자리)?\s*(?:을|를)?\s*(?:구하|찾|잃)|직장\s*(?:을)?\s*잃",
    "worker": r"(?:회사|직장)\s*(?:에|을|를)?\s*다(?:니|녀)(?!다가|었|던)|월급\s*(?:받|쟁이)",
}.items()}
#: Where an answer's clauses part: "예술인이고 구직자예요", "예술인은 아니고 구직자예요", "artist, but not a student".
_CLAUSE = re.compile(r"(?<=[가-힣])(?:고|며|지만|는데|인데)\s+|[,.;/·]|\b(?:and|but)\b", re.IGNORECASE)
#: A clause that denies what it names ("학생은 아니에요", "장애는 없어요", "not a student").
_DENIED = re.compile(r"아니|않|없|(?<![가-힣])안\s|(?<![가-힣])못\s|\bnot\b|n't\b|\bno\b|\bnever\b|\bneither\b|\bnor\b",
                     re.IGNORECASE)
#: "None of these" said in words ("해당 없음", "해당 사항이 없어요", "none of them").
NONE_OF_THESE = re.compile(r"해당\s*(?:사항|되는\s*것)?\s*(?:이|은|는)?\s*(?:없|안)|아무\s*것도|아무데도|^\s*없(?:어요|습니다|음|다)|"
                           r"\bnone\b|\bneither\b|\bnothing\b|\bnot any\b", re.IGNORECASE)


def groups_answered(text: str) -> dict[str, bool]:
    """The :data:`LEXICON` groups an answer names, each true, or false when its clause denies it (Korean by the
    lexicon's own patterns and :data:`ANSWER_KO`, English by :data:`ANSWER_EN`); ``{}`` when it names none.

    Examples:
        >>> groups_answered("예술인이고 구직 중이에요")
        {'artist': True, 'job_seeker': True}
        >>> groups_answered("I'm not a student, but I'm a job seeker")
        {'student': False, 'job_seeker': True}
    """
    out: dict[str, bool] = {}
    for clause in _CLAUSE.split(text):
        household = names_household_disability(clause)  # "장애인 가정이에요": a member's disability, not the person's
        named = [g.name for g in LEXICON if (g.pattern.search(clause) or ANSWER_EN[g.name].search(clause)
                 or (g.name in ANSWER_KO and ANSWER_KO[g.name].search(clause))) and not (g.name == "disabled" and household)]
        if household and "disabled_family" not in named:  # the household's way in (s14 #2)
            named.append("disabled_family")
        denied = _DENIED.search(clause) is not None
        for name in named:
            out[name] = out.get(name, False) or not denied
        if NO_DISABILITY.search(clause) and "disabled" not in out and not household:  # "비장애인이에요": no disability, said as a fact
            out["disabled"] = False
    return out


def restriction_json(r: Restriction) -> dict[str, Any]:
    """``{"groups", "ages", "open", "specific", "within", "without", "requires"}`` (for debugging and the bench)."""
    return {"groups": list(r.groups), "ages": [list(a) for a in r.ages], "open": r.open,
            "specific": [list(x) for x in r.specific], "within": list(r.within), "without": list(r.without),
            "requires": list(r.requires)}


__all__ = ["ANSWER_EN", "ANSWER_KO", "BY_NAME", "CONFIRM_FACT", "DISABILITY", "HOUSEHOLD_DISABILITY", "HOUSEHOLD_WAY", "LEXICON",
           "NO_DISABILITY", "names_disability", "names_own_disability", "names_household_disability", "NONE_OF_THESE", "groups_answered", "LEXICON_NAMES", "LexGroup", "Restriction", "group_state", "group_states",
           "groups_named", "names_plainly", "names_within",
           "restriction_in", "restriction_json", "restriction_state"]
