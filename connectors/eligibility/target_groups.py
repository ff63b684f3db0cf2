"""Who a service's own text says it is for (지원대상, 선정기준), checked against the person's facts (issue #5).

The coded conditions (JA codes) are often thinner than the text: a business loan may code only region and
income, so a child "meets every coded condition". The text still says 소상공인. This module reads a few target
groups from the 지원대상 and 선정기준 fields by keyword and says when *every* group the text names contradicts
a known fact; :class:`~connectors.eligibility.evaluator.ServiceResult` then carries that as ``cautions``, the
listing puts such services after the others and says why. It never makes a service ineligible: the words are
a hint, not a rule (the coded conditions and the citation stay what decides). The groups a text *restricts* a
service to beyond age (의사상자, 군 복무자, 예술인 …) are a condition instead: :mod:`connectors.eligibility.text_groups`
(condition ``GROUP``), which reuses this table's age groups as ways in.

==============  =================================================  =================================================
group           words in 지원대상/선정기준                          fits / contradicts (unknown fact: neither)
==============  =================================================  =================================================
``youth``       청년                                               age 15–39 (청년기본법 제3조: 19–34; 조례 up to 39;
                                                                   15 for 청소년·청년 programmes)
``teen``        청소년                                             age 9–24 (청소년기본법 제3조)
``child``       아동, 영유아, 영아, 유아, 어린이, 신생아, 아기       age 0–18 (아동복지법 제3조: 18세 미만)
``middle_aged`` 중장년, 중년                                        age 40–64
``elderly``     노인, 어르신, 고령자, 노령                           age 60 or more (노인복지법 65; many local
                                                                   programmes from 60)
``business``    사업자, 소상공인, 자영업, 중소기업, 법인, 창업        runs or starts a business (``business_status``
                                                                   other than ``none``, or an organisation);
                                                                   contradicts ``business_status: none``, or age < 18
``farming``     농업인, 농업경영체, 농가, 어업인, 어가, 임업인,       farmer, fisher, livestock farmer or forester;
                축산                                                contradicts when all four known false, or age < 15
==============  =================================================  =================================================

A text that also names another group or everyone (장애인, 국가유공자, 수급자, 한부모, 누구나, 개인 …: see
``_OTHERS``) gives no group: the service may be for the person through that one, which this table does not
judge; so does 일반 (the general public, as in "○ 일반 ○ 청소년 ○ 어린이"). Remark lines (``※ …``) are not read:
they name extras and exceptions ("※ 소상공인 추가 지원"). Words about a household or a carer are not read as the
beneficiary: when the text also says 양육, 부모, 보호자,
자녀, 가구, 가정, 세대 or 부양, the child and elderly words are ignored (a child allowance is applied for by the
parent; "노인을 부양하는 가구" is for the household). The table was written from the catalogue's own wording and
measured with ``bench/eligibility_ranking.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from connectors.eligibility.facts import Facts
from connectors.eligibility.text_groups import DISABILITY

Fit = Literal["fits", "contradicts", "unknown", "not_asked"]

_CARER = re.compile(r"양육|부모|보호자|자녀|가구|가정|세대|부양")
#: Words for other groups or for everyone: when the text names one of them, the service may be for the person
#: through it, so no caution is given (the table above does not judge those groups).
_OTHERS = re.compile(DISABILITY.pattern + r"|유공자|보훈|다자녀|임산부|임신|수급자|차상위|한부모|다문화|누구나|개인|일반인|(?<![가-힣])일반(?![가-힣])")
#: A remark line (``※ 소상공인 추가 지원 …``) names extras and exceptions, not who the service is for.
_REMARK = re.compile(r"^\s*[※*☞].*$", re.MULTILINE)


Judged = tuple[Fit, str]  # (how the person fits, the fact that decided it)


def _age_band(lo: int, hi: int) -> Callable[[Facts], Judged]:
    def fit(f: Facts) -> Judged:
        if f.age is None:
            return "unknown", "age"
        return ("fits" if lo <= f.age <= hi else "contradicts"), "age"
    return fit


def _business(f: Facts) -> Judged:
    if f.business_status not in (None, "none") or f.organization_type not in (None, "none"):
        return "fits", "business_status"
    if f.business_status == "none":
        return "contradicts", "business_status"
    if f.age is not None and f.age < 18:
        return "contradicts", "age"
    return "unknown", "business_status"


def _farming(f: Facts) -> Judged:
    flags = (f.farmer, f.fisher, f.livestock_farmer, f.forester)
    if any(x is True for x in flags):
        return "fits", "farmer"
    if all(x is False for x in flags):
        return "contradicts", "farmer"
    if f.age is not None and f.age < 15:
        return "contradicts", "age"
    return "unknown", "farmer"


@dataclass(frozen=True)
class TargetGroup:
    """One group a service's text may name: its words, labels, and how a person's facts fit it."""

    name: str
    pattern: re.Pattern[str]
    ko: str
    en: str
    fit: Callable[[Facts], Judged]
    carer_sensitive: bool = False


GROUPS: tuple[TargetGroup, ...] = (
    TargetGroup("youth", re.compile(r"청년"), "청년", "young adults", _age_band(15, 39)),
    TargetGroup("teen", re.compile(r"청소년"), "청소년", "teenagers", _age_band(9, 24)),
    TargetGroup("child", re.compile(r"아동|영유아|영아|유아|어린이|신생아|아기"), "아동", "children", _age_band(0, 18),
                carer_sensitive=True),
    TargetGroup("middle_aged", re.compile(r"중장년|중년"), "중장년", "middle-aged people", _age_band(40, 64)),
    TargetGroup("elderly", re.compile(r"노인|어르신|고령자|노령"), "노인", "older people", _age_band(60, 200),
                carer_sensitive=True),
    TargetGroup("business", re.compile(r"사업자|소상공인|자영업|중소기업|법인|창업"), "사업자·소상공인",
                "business owners", _business),
    TargetGroup("farming", re.compile(r"농업인|농업경영체|농가|어업인|어가|임업인|축산"), "농어업인", "farmers and fishers",
                _farming),
)


def _not_asked(_f: Facts) -> Judged:
    return "not_asked", ""


#: Circumstances a service is only for that the facts never record and the conversation does not ask about (being a
#: victim of domestic or sexual violence, of trafficking for sex, of crime or abuse): when the first item of the text
#: names one, the service is for that circumstance *whatever else the text says* ("가정폭력 피해자 및 동반 아동": a
#: child qualifies only with a victim), so it always carries a caution (``fact`` ``""``: not asked) and is listed
#: last. Read over the catalogue snapshot: 7 services (see tests/connectors/test_residence_texts.py).
QUALIFIERS: tuple[TargetGroup, ...] = (
    TargetGroup("victim", re.compile(r"(?:가정\s*폭력|성\s*폭력|성\s*범죄|성매매|스토킹|데이트\s*폭력|교제\s*폭력|학교\s*폭력|범죄|학대)"
                                     r"[^○\n]{0,40}?피해\s*(?:자|아동|여성|청소년|학생|를)"),
                "가정폭력·성폭력·범죄 등의 피해자", "victims of domestic or sexual violence, crime or abuse", _not_asked),
)
BY_NAME = {g.name: g for g in (*GROUPS, *QUALIFIERS)}
_FIRST_ITEM_SPLIT = re.compile(r"[○□■•\n]|(?:^|\n)\s*(?:-|ㅇ|\d+\.)")


def qualifiers_in(text: str) -> tuple[str, ...]:
    """The :data:`QUALIFIERS` the first item of a 지원대상/선정기준 text names (an item of 6 Hangul letters or more).

    Example:
        >>> qualifiers_in("○ 가정폭력 피해자 및 동반 아동"), qualifiers_in("○ 만 65세 이상 어르신")
        (('victim',), ())
    """
    items = [i.strip() for i in _FIRST_ITEM_SPLIT.split(_REMARK.sub("", text)) if len(re.findall(r"[가-힣]", i)) >= 6]
    return tuple(q.name for q in QUALIFIERS if items and q.pattern.search(items[0]))


def groups_in(text: str) -> tuple[str, ...]:
    """The target groups a 지원대상/선정기준 text names, in :data:`GROUPS` order.

    Example:
        >>> groups_in("만 19세~39세 청년"), groups_in("만 8세 미만 아동을 양육하는 부모"), groups_in("소상공인")
        (('youth',), (), ('business',))
    """
    quals = qualifiers_in(text)
    text = _REMARK.sub("", text)
    if _OTHERS.search(text):
        return quals
    carer = _CARER.search(text) is not None
    return tuple(g.name for g in GROUPS if g.pattern.search(text) and not (carer and g.carer_sensitive)) + quals


@dataclass(frozen=True)
class Caution:
    """A group the service's text names that the person's fact ``fact`` contradicts (shown with the listing)."""

    group: str
    ko: str
    en: str
    fact: str

    def to_json(self) -> dict[str, Any]:
        """``{"group", "ko", "en", "fact"}``."""
        return {"group": self.group, "ko": self.ko, "en": self.en, "fact": self.fact}


def cautions(groups: tuple[str, ...], facts: Facts) -> tuple[Caution, ...]:
    """The cautions for a service whose text names ``groups``: one per group when every named group contradicts
    a known fact (the person fits none of them); none when a group fits, one is unknown, or none is named. A
    :data:`QUALIFIERS` circumstance named is always a caution (``fact`` ``""``: the conversation does not ask it).

    Example:
        >>> [c.ko for c in cautions(("youth",), Facts(age=8))], cautions(("youth", "elderly"), Facts(age=70))
        (['청년'], ())
    """
    quals = tuple(Caution(q.name, q.ko, q.en, "") for q in QUALIFIERS if q.name in groups)
    alternatives = [name for name in groups if name not in {q.name for q in QUALIFIERS}]
    if not alternatives:
        return quals
    out = []
    for name in alternatives:
        g = BY_NAME[name]
        fit, fact = g.fit(facts)
        if fit != "contradicts":
            return quals
        out.append(Caution(g.name, g.ko, g.en, fact))
    return tuple(out) + quals


# --- who applies: a person, or only a business or an organisation ---------------------------------------

#: Kinds of applicant a service's 지원대상 text limits it to (:func:`applicant_kind`).
ApplicantKind = Literal["organization", "business_or_organization"]
#: Bullets of the items of a list (○ …, ㅇ …, - …, 1. …) and line breaks.
_ITEM_SPLIT = re.compile(r"(?:(?:^|\n)\s*(?:ㅇ|-|\d+\.)|[○■□•\n])\s*")
_BRACKETS = re.compile(r"\([^()]*\)|（[^（）]*）|\[[^\[\]]*\]|<[^<>]*>")
_TRAILER = re.compile(r"(?:[\s.,:;·ㆍ/\-]|들|등의|등|에\s*한함)+$")
#: head nouns of an organisation (법인/시설/단체): only someone applying for one can apply.
_ORG_HEAD = re.compile(r"(?:법인|단체|기관|시설|학교|어린이집|유치원|협회|조합|축협|농협|수협|상인회|상점가|시장|기구|센터)$")
#: head nouns of a business (소상공인, 기업, 사업자): someone running a business may apply (``business_status``).
_BUSINESS_HEAD = re.compile(r"(?:기업|업체|사업자|사업장|사업체|소상공인|자영업자|점포|가맹점|회사|중기업|소기업)$")
#: words for a person in an item ("개인 또는 단체", "예술인 및 단체", "농업인, 농업법인", "일반 국민", "양식업자,
#: 생산자단체"): a person may apply, so the item does not limit the applicant. Farms (농가, 농업경영체) are people
#: here (the farming group); 사업자 is a business, 소상공인 and 법인 are not persons in this sense.
_PERSON_IN_ITEM = re.compile(
    r"개인(?!사업)|국민|주민|시민|도민|구민|군민|누구나|사람|일반인|(?<![가-힣])일반(?![가-힣])|가구|가정|학생|본인|"
    r"청년|농가|어가|경영체|(?:농업|어업|임업|예술|장애|외국|고령|직장|민간|경제활동)인(?![가-힣])|"
    r"[가-힣](?<!사업)자\s*(?:및|또는|이나|,|·|ㆍ)")


def _head(item: str) -> str:
    """The head noun of a 지원대상 item: Korean noun phrases end with their head (``"…희망하는 전통시장, 상점가 및
    골목형상점가"`` → ``골목형상점가``), brackets and trailing 등/들 dropped."""
    for _ in range(3):
        item = _BRACKETS.sub("", item)
    words = re.split(r"[\s,·ㆍ/]+", _TRAILER.sub("", item).strip())
    return words[-1] if words else ""


def applicant_kind(text: str) -> ApplicantKind | None:
    """Whether a service's 지원대상 text names only businesses or organisations as who applies (issue #5: a
    food-business certification or a traditional market's product development listed as "eligible" for a child).

    Read conservatively, by item (bullets or lines; remark lines ``※ …``/``* …`` skipped): every item's head noun —
    the last word, as Korean noun phrases end with their head — is an organisation (법인, 단체, 기관, 시설, 학교,
    조합, 상인회, 상점가, 시장, 기구 …) or a business (기업, 업체, 사업자, 사업장, 소상공인, 점포 …), and no item names
    a person (개인, 국민, 주민, 누구나, 학생, 청년, 농가, a word ending in 인 like 예술인/농업인, or one in 자 in a list).
    The catalogue's 사용자구분 is no help here: it says "개인" for most of these services, and its JA codes
    code a person's age and sex on them.

    Returns:
        ``"organization"`` (every head an organisation: only someone applying for one), ``"business_or_organization"``
        (a business head too: someone running a business may apply), or ``None`` (a person may apply; not read).

    Example:
        >>> applicant_kind("○ 보호자를 동반한 4세~9세 어린이 단체(20명이상 30명 이하)")
        'organization'
        >>> applicant_kind("○ HACCP 인증 및 희망업체 ○ HACCP에 관심이 있는 일반 국민들") is None
        True
    """
    items = [i.strip() for i in _ITEM_SPLIT.split(_REMARK.sub("", text)) if i.strip()]
    if not items:
        return None
    business = False
    for item in items:
        head = _head(item)
        if _PERSON_IN_ITEM.search(item):
            return None
        if _BUSINESS_HEAD.search(head):
            business = True
        elif not _ORG_HEAD.search(head):
            return None
    return "business_or_organization" if business else "organization"


def applicant_fit(kind: ApplicantKind, facts: Facts) -> tuple[Fit, tuple[str, ...]]:
    """How a person's facts fit a service limited to ``kind`` of applicant, and the facts still open.

    Fits when applying for an organisation (``organization_type`` other than ``none``) or, for
    ``business_or_organization``, when running or starting a business (``business_status`` other than ``none``);
    contradicts when the facts rule both out (the conversation applies as a person: ``organization_type`` is
    ``none``); else unknown, missing those facts.

    Example:
        >>> applicant_fit("organization", Facts(organization_type="none")), applicant_fit("business_or_organization", Facts())
        (('contradicts', ()), ('unknown', ('business_status', 'organization_type')))
    """
    if facts.organization_type not in (None, "none"):
        return "fits", ()
    if kind == "business_or_organization" and facts.business_status not in (None, "none"):
        return "fits", ()
    missing = tuple(n for n, v, used in (("business_status", facts.business_status, kind == "business_or_organization"),
                                         ("organization_type", facts.organization_type, True)) if used and v is None)
    return ("unknown" if missing else "contradicts"), missing


__all__ = ["BY_NAME", "GROUPS", "QUALIFIERS", "qualifiers_in", "ApplicantKind", "Caution", "TargetGroup", "applicant_fit", "applicant_kind", "cautions",
           "groups_in"]
