"""Evaluate a person's facts against the whole catalogue at once.

Statuses are computed with numpy over every service (a few array operations per condition group);
explanations are built afterwards for the rows asked for, cached per distinct condition within one call.
Three-valued logic: ``eligible`` > ``unknown`` > ``not_eligible``; conditions of one pathway combine
with AND (minimum), pathways with OR (maximum). See :mod:`connectors.eligibility.codes` for the rules.

Region (not a JA code; :mod:`connectors.eligibility.regions`): a service run by a local government is
limited to that area's residents. It is one more AND group, common to every pathway: ``not_eligible``
when the person's 시·도 differs (or the 시·군·구 differs when both are known), ``unknown`` with ``region``
missing when the region is unknown (or only the 시·도 is known and the service is one 시·군·구's), held when
they match. Results name it as the condition ``REGION``. When the agency is not a local government, the
area may come from the service's 지원대상/선정기준 text instead (``Catalogue.area_from_text``); the
condition's meaning then says "지원대상 문구 기준" / "from the eligibility text".

Applicant (not a JA code; :func:`~connectors.eligibility.target_groups.applicant_kind`): a service whose 지원대상
names only organisations (or businesses and organisations) as who applies is another AND group common to every
pathway, ``APPLICANT``: held when the person applies for an organisation (or runs a business, where businesses
qualify), ``not_eligible`` when the facts rule that out (the conversation applies as a person), else ``unknown``
with ``organization_type`` (and ``business_status``) missing. So a traditional market's product development or a
group visit for 20 children is never listed as "eligible" for a person whatever their coded conditions say.

Nothing coded (fresh-user report s6, item 3): a service where no coded condition restricts (0–120 years, both
sexes, 해당사항없음 …) is ``unknown`` with the reason ``NONE`` ("조건 코드 없음: 지원대상·선정기준을 확인하세요") and
no missing fact, never ``eligible`` with nothing that decided it; a region or applicant that fails still makes
it ``not_eligible``.

Text group (not a JA code; :mod:`connectors.eligibility.text_groups`, fresh-user report s7 item 4): a service whose
지원대상 text restricts it to a group no JA code stands for (의사상자, 군 복무자, 예술인, 어업·수산, 전기 고객, 학생 …)
is one more AND group common to every pathway, ``GROUP``: held when a fact confirms one of the text's ways in
(``target_groups``, or the fact that records the group: ``fisher``, ``student_level`` …, or an age the text names),
``not_eligible`` only when known facts rule out every way in, else ``unknown`` with ``target_groups`` (and the facts
that would decide) missing; the condition's meaning says "확인 필요: 예술인 대상 (지원대상 문구 기준)". A fact that records
a group coarsely (``employed``, ``disabled``, ``fisher`` …) decides it only where the text names the group as the fact
does (s10: "근로자", "등록 장애인"); a narrowed naming ("재직기간 1년 이상 사립학교 퇴직 교직원", "장애인활동지원사") is
``Restriction.specific``: unknown until ``target_groups`` confirms it, never ruled out, and the meaning quotes it.

Inferred region (``Catalogue.area_inferred``): a local public body's service (지방공기업, 지방출자·출연기관, 교육청) with
no area from its agency or its text is limited to the area its name carries (목포시의료원 → 목포시); the REGION
condition's meaning says "소관기관 소재지에서 추정". For a facility's fee reduction (``area_soft``) a residence elsewhere
leaves it ``unknown`` (to confirm whether non-residents may use it), with no fact missing.

Who to check (not a JA code; :mod:`connectors.eligibility.who_text`, fresh-user report s8 defect 3): a service whose
codes say only an age while its 지원대상 text names a narrower circle (장병 인권상담: "장병, 군무원, 일반 국민"; 학점은행제
상담: "학점은행제를 이용하고자 하거나 …"; 유아학비: "유치원에 다니는 3~5세 유아") is one more AND group, ``CHECK``:
``unknown`` with the phrase to check in its meaning ("확인 필요: 지원대상 '…'"), ``target_groups`` missing when the phrase
names a group of the lexicon; held when the citizen confirmed such a group (``target_groups``); never ``not_eligible``.

Named status (not a JA code; :mod:`connectors.eligibility.statuses`): where the codes leave room for it, the
국가유공자, 기초생활수급자, 차상위 or 대한민국명장 its text names is one more AND group common to every pathway,
``STATUS``: held when the person is known to hold one of them; ``not_eligible`` when every named status is known
false *and* every other way in the text names (장애인, 65세 이상, 한부모 …, :mod:`connectors.eligibility.status_ways`)
is known not to hold — a way no fact decides (주민, 자원봉사자 …) keeps it ``unknown``; else ``unknown`` with the
unknown facts missing. 에너지바우처 (income band coded; the text requires a 생계·의료·주거·교육급여 recipient *and*
a household trait) is therefore ``unknown`` until ``welfare_recipient`` is known, and ``not_eligible`` when it is
known false.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from dataclasses import dataclass, fields
from itertools import repeat
from operator import itemgetter
from typing import Any, Literal

import numpy as np

from connectors.eligibility.catalogue import APPLICANT_KINDS, Catalogue
from connectors.eligibility.codes import (
    AGE_FROM,
    AGE_MEANINGS,
    AGE_TO,
    BIT,
    CODES,
    GROUPS,
    PATHWAYS,
    group_mask,
)
from connectors.eligibility.facts import Facts
from connectors.eligibility.income_text import IncomeLimit
from connectors.eligibility.regions import SIDO_INDEX, Area
from connectors.eligibility.status_ways import OtherWay, status_state
from connectors.eligibility.statuses import held_bits, names_of
from connectors.eligibility.target_groups import Caution, applicant_fit, cautions
from connectors.eligibility.text_groups import Restriction, group_states, restriction_state
from connectors.eligibility.who_text import ALL_OF_EN, CHECK, WhoCheck, check_state

Status = Literal["eligible", "not_eligible", "unknown"]
NOT, UNKNOWN, YES = np.int8(0), np.int8(1), np.int8(2)
_NAMES: dict[int, Status] = {0: "not_eligible", 1: "unknown", 2: "eligible"}
_MASKS = {g.name: group_mask(g.name) for g in GROUPS}
#: Groups in matrix column order (age last, as in ``Catalogue.restrict_matrix``) and per pathway.
_GROUP_ORDER: tuple[str, ...] = tuple(g.name for g in GROUPS) + ("age",)
_PATHWAY_GROUPS: tuple[tuple[int, ...], ...] = tuple(
    tuple(i for i, n in enumerate(_GROUP_ORDER) if (n == "age" and p == "individual")
          or (n != "age" and next(g for g in GROUPS if g.name == n).pathway == p))
    for p in PATHWAYS
)

#: Group columns in the order :meth:`Evaluation._explain` visits them (pathway by pathway), and each column's pathway.
_EXPLAIN_ORDER: list[int] = [g for groups in _PATHWAY_GROUPS for g in groups]
assert sorted(_EXPLAIN_ORDER) == list(range(len(_GROUP_ORDER)))  # each group in exactly one pathway
_GROUP_PATHWAY: list[int] = [next(p for p, groups in enumerate(_PATHWAY_GROUPS) if g in groups)
                             for g in range(len(_GROUP_ORDER))]
_EXPLAIN_BITS = np.asarray([1 << j for j in range(len(_EXPLAIN_ORDER))], dtype=np.int64)
#: Each column of :data:`_EXPLAIN_ORDER`'s code mask (0 for the age range): a row's contributing columns times this is
#: the union of their codes' bits.
_EXPLAIN_FLAG_MASKS = np.asarray([0 if _GROUP_ORDER[g] == "age" else group_mask(_GROUP_ORDER[g]) for g in _EXPLAIN_ORDER],
                                 dtype=np.uint64)
_AGE_MISSING = ("age",)
_AGE_COLUMN = _GROUP_ORDER.index("age")

@dataclass(frozen=True, slots=True)
class Condition:
    """One coded condition in an explanation.

    Attributes:
        code: the JA code; ``"NONE"`` for a service with no coded condition; ``"REGION"`` (not a JA code)
            for the area a local government's service is limited to (from its 소관기관명).
        meaning: Korean meaning (API description); meaning_en: English.
        value: ``"Y"`` for a flag code, the number of years for JA0110/JA0111, the area for REGION
            (``"경기도 성남시"``).
    """

    code: str
    meaning: str
    meaning_en: str
    value: str | int

    def to_json(self) -> dict[str, Any]:
        """``{"code", "meaning", "meaning_en", "value"}``."""
        return {"code": self.code, "meaning": self.meaning, "meaning_en": self.meaning_en, "value": self.value}


@dataclass(frozen=True, slots=True)
class ServiceResult:
    """The verdict for one service.

    Attributes:
        service_id, service_name: the service.
        status: ``eligible`` (every coded condition and the region hold), ``not_eligible`` (one fails)
            or ``unknown``.
        decided_by: for ``eligible`` the conditions met, for ``not_eligible`` the conditions failed,
            for ``unknown`` the conditions still open.
        missing: fact names that would decide the open conditions (empty unless ``unknown``).
        sources: the service's citation (id, title, gov.kr URL, agency, legal basis from 법령).
        cautions: for ``eligible`` only, the groups its 지원대상/선정기준 text names when the facts contradict every
            one of them (:func:`~connectors.eligibility.target_groups.cautions`): a hint for ranking and for the
            citizen, never a verdict.
    """

    service_id: str
    service_name: str
    status: Status
    decided_by: tuple[Condition, ...]
    missing: tuple[str, ...]
    sources: tuple[dict[str, Any], ...]
    cautions: tuple[Caution, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"service_id", "service_name", "status", "decided_by", "missing", "sources", "cautions"}``."""
        return {"service_id": self.service_id, "service_name": self.service_name, "status": self.status,
                "decided_by": [c.to_json() for c in self.decided_by], "missing": list(self.missing),
                "sources": list(self.sources), "cautions": [c.to_json() for c in self.cautions]}


#: ``__set__`` of each :class:`ServiceResult` slot, in field order (a fast path that builds it without ``__init__``).
_RESULT_SLOTS = tuple(getattr(ServiceResult, f.name).__set__ for f in fields(ServiceResult))
assert tuple(f.name for f in fields(ServiceResult)) == ("service_id", "service_name", "status", "decided_by", "missing",
                                                        "sources", "cautions")
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)
_FLAG_COND = {c.code: Condition(c.code, c.ko, c.en, "Y") for c in CODES}
#: The flag condition and the fact of each code, by its bit.
_FLAG_BY_BIT = tuple(_FLAG_COND[c.code] for c in CODES)
_FACT_BY_BIT = tuple(c.fact for c in CODES)
_NO_CONDITIONS = Condition("NONE", "조건 코드 없음: 지원대상·선정기준을 확인하세요",
                           "no coded conditions: read its target group and selection criteria", "-")
_ONLY_NO_CONDITIONS = (_NO_CONDITIONS,)
#: The code of the region condition in results (not a JA code).
REGION = "REGION"
#: The code of the applicant condition in results (not a JA code): only an organisation (or a business) applies.
APPLICANT = "APPLICANT"
#: The code of the named-status condition in results (not a JA code): the text names 국가유공자, 수급자 ….
STATUS = "STATUS"
#: The code of "no coded condition restricts" in results.
NONE = "NONE"
#: The code of the text-group condition in results (not a JA code): the text restricts the service to 예술인, 군 복무자 ….
GROUP = "GROUP"
#: The code of the text's income limit in results (not a JA code; :mod:`connectors.eligibility.income_text`).
INCOME = "INCOME"
_INCOME_FACT = "income_pct_median"


def income_condition(limit: IncomeLimit, income_known: bool) -> Condition:
    """The ``INCOME`` condition (always to confirm) of a text's income limit that differs from the coded bands; value:
    the limit in percent of 기준 중위소득 (``"120%"``). ``income_known``: the person's income is known and the text and
    the codes judge it differently (else the codes say nothing on income and the income is still to give)."""
    figure = f"{limit.limit:g}%"
    word_en = "below" if limit.strict else "or less"
    if income_known:
        return Condition(INCOME, f"확인 필요: 소득 기준 '{limit.phrase}' (지원대상·선정기준 문구 기준, 조건 코드의 소득 구간과 달라요)",
                         f"to confirm: the income limit its eligibility text states, median income {figure} {word_en} "
                         "(its coded income bands say otherwise)", figure)
    return Condition(INCOME, f"확인 필요: 소득 기준 '{limit.phrase}' (지원대상·선정기준 문구 기준)",
                     f"to confirm: the income limit its eligibility text states, median income {figure} {word_en}", figure)


def group_condition(r: Restriction, state: int) -> Condition:
    """The ``GROUP`` condition of a text restriction (:mod:`connectors.eligibility.text_groups`); value: the group
    names ``"|"``-separated (age ranges of the ways in as ``"age:65-200"``; a group its text narrows beyond what the
    fact records as ``"specific:worker"``, :attr:`Restriction.specific`, quoted in the Korean meaning; a group the
    person must not belong to as ``"without:disabled"``, :attr:`Restriction.without`; a group required on every way in
    as ``"requires:disabled_family"``, :attr:`Restriction.requires`; ``"open"`` last
    when an item names a way in the table does not read, so that known facts never rule the person out:
    :attr:`Restriction.open`)."""
    ages = " 또는 ".join(f"만 {lo}세~{hi}세" if hi < 200 else f"만 {lo}세 이상" for lo, hi in r.ages)
    ages_en = " or ".join(f"age {lo}–{hi}" if hi < 200 else f"age {lo} or over" for lo, hi in r.ages)
    ko = " 또는 ".join(x for x in (r.ko(), ages) if x)
    en = " or ".join(x for x in (r.en(), ages_en) if x)
    value = "|".join([*r.groups, *(f"age:{lo}-{hi}" for lo, hi in r.ages), *(f"specific:{g}" for g, _p in r.specific),
                      *(f"without:{g}" for g in r.without), *(f"requires:{g}" for g in r.requires),
                      *(("open",) if r.open else ())])
    if state == UNKNOWN:
        return Condition(GROUP, f"확인 필요: {ko} 대상 (지원대상 문구 기준)", f"to confirm: for {en} (from the eligibility text)", value)
    if state == NOT:
        return Condition(GROUP, f"대상: {ko} (지원대상 문구 기준, 해당하지 않음)",
                         f"for {en} (from the eligibility text; does not apply)", value)
    return Condition(GROUP, f"대상: {ko} (지원대상 문구 기준)", f"for {en} (from the eligibility text)", value)


def who_condition(w: WhoCheck, state: int) -> Condition:
    """The ``CHECK`` condition of a who-phrase (:mod:`connectors.eligibility.who_text`); value: the phrase. ``state``:
    held (the citizen confirmed a group it names) or to confirm; an all-of phrase (:attr:`WhoCheck.all_of`) is only
    ever to confirm."""
    if state == YES:
        return Condition(CHECK, f"지원대상: '{w.phrase}' (지원대상 문구 기준, 해당)",
                         "who it is for: as its eligibility text says (you belong to a group it names)", w.phrase)
    if w.all_of:
        return Condition(CHECK, f"확인 필요: 모두 충족해야 하는 요건 '{w.phrase}' (코드로는 일부만 정해져 있어요)",
                         f"to confirm: {ALL_OF_EN} (only some of them are coded)", w.phrase)
    return Condition(CHECK, f"확인 필요: 지원대상 '{w.phrase}' (조건 코드에는 없는 내용이에요)",
                     "to confirm: who it is for, as its eligibility text says (not in its coded conditions): "
                     + (", ".join(_group_en(g) for g in (*w.groups, *w.narrowed)) or "read the text cited"), w.phrase)


def _group_en(name: str) -> str:
    from connectors.eligibility.text_groups import BY_NAME

    return BY_NAME[name].en


def status_condition(bits: int, held: bool, ways: tuple[OtherWay, ...] = (), failed: bool = False) -> Condition:
    """The ``STATUS`` condition of the statuses ``bits`` (:data:`~connectors.eligibility.statuses.STATUSES` mask).

    ``held``: the person holds one of them (the meaning names those); ``failed``: the person is known to hold none
    of them nor any other way ``ways`` (``해당 없음``, the statuses and ways named); else the meaning says it is to be
    confirmed (``확인 필요``), naming the other ways too. The value lists the status names, ``"|"``-separated
    (``"welfare_recipient|near_poverty"``), then ``"|open"`` when the text names a way in no fact decides (a "no" to
    the statuses cannot rule the service out); the other ways are in the meaning only.
    """
    named = names_of(bits)
    ko, en = " 또는 ".join(s.ko for s in named), " or ".join(s.en for s in named)
    value = "|".join(s.name for s in named) + ("|open" if not held and any(not w.tests for w in ways) else "")
    if held:
        return Condition(STATUS, f"자격: {ko} (지원대상 문구 기준)", f"status: {en} (from the eligibility text)", value)
    if ways:
        ko += "".join(f" 또는 {w.ko}" for w in ways)
        en += "".join(f" or {w.en}" for w in ways)
    if failed:
        return Condition(STATUS, f"해당 없음: {ko} (지원대상 문구 기준)",
                         f"none of: {en} (from the eligibility text)", value)
    return Condition(STATUS, f"확인 필요: {ko} (지원대상 문구 기준)",
                     f"to confirm: {en} (from the eligibility text)", value)
_APPLICANT_CONDITIONS = {
    "organization": Condition(APPLICANT, "신청 주체: 법인·단체·기관 (지원대상 문구 기준)",
                              "applicant: an organisation (from the eligibility text)", "organization"),
    "business_or_organization": Condition(APPLICANT, "신청 주체: 사업자·기업 또는 법인·단체 (지원대상 문구 기준)",
                                          "applicant: a business or an organisation (from the eligibility text)",
                                          "business_or_organization"),
}


def region_condition(area: Area, from_text: bool = False, inferred: bool = False, elsewhere_open: bool = False) -> Condition:
    """The ``REGION`` condition of a service limited to ``area`` (value: the area, e.g. ``"경기도 성남시"``; the English
    meaning names it as English writes it, ``"resident of Seongnam-si, Gyeonggi-do"``).

    ``from_text``: the area was read from the service's 지원대상/선정기준 text
    (:func:`~connectors.eligibility.regions.text_area`), not from its managing agency; the meaning says so.
    ``inferred``: the area was inferred from the name of the local public body that runs it (``Catalogue.area_inferred``:
    목포시의료원 → 목포시); ``elsewhere_open``: the person lives elsewhere and the service is a facility's fee
    reduction or its text opens it beyond the area (``"전국민 누구나"``, ``"거주 또는 재학"``), so whether people living
    elsewhere qualify is to confirm.
    """
    from connectors.eligibility.regions_en import english_place_name

    # an English reply prints no Hangul (s7 item 4), smallest unit first: "Haeundae-gu, Busan"; an area of a few
    # listed 시·군·구: each of them, then the 시·도 ("Yeongyang-gun, Bonghwa-gun, …, Gyeongsangbuk-do")
    listed = area.districts() if area.sigungu else []
    en = (", ".join(english_place_name(d) for d in listed) + ", " + english_place_name(area.sido) if len(listed) > 1
          else english_place_name(str(area)))
    if inferred:
        ko = f"거주지: {area} (소관기관 소재지에서 추정)"
        en = f"resident of {en} (inferred from where the managing agency is)"
        if elsewhere_open:
            ko, en = ko + ", 다른 지역 주민도 대상인지 확인 필요", en + "; to confirm whether people living elsewhere qualify"
        return Condition(REGION, ko, en, str(area))
    if from_text:
        return Condition(REGION, f"거주지: {area} (지원대상 문구 기준)",
                         f"resident of {en} (from the eligibility text)", str(area))
    return Condition(REGION, f"거주지: {area} (소관기관 기준)", f"resident of {en} (from the managing agency)", str(area))


#: Most tuples :meth:`Evaluation._pooled` keeps per catalogue before it starts over (a few thousand recur per person;
#: the bound keeps a long-running service's pool from growing with every new combination of facts).
_POOL_LIMIT = 200_000
_UNMAPPED_CONDITIONS: dict[str, Condition] = {}


def _unmapped_condition(code: str) -> Condition:
    """The condition of a code the table does not map (one object per code, shared by every result)."""
    cond = _UNMAPPED_CONDITIONS.get(code)
    if cond is None:
        cond = _UNMAPPED_CONDITIONS.setdefault(code, Condition(code, "매핑되지 않은 조건 코드", "unmapped condition code", "Y"))
    return cond


#: The facts a who-phrase can leave missing (:func:`~connectors.eligibility.who_text.check_state`): none is a JA code's
#: fact nor ``age``, so :meth:`Evaluation.results` may put the code part's missing facts before the who-phrase's without
#: deduplicating them against each other (what :meth:`Evaluation._with_region` would do).
_WHO_MISSING = frozenset({"target_groups"})
assert not _WHO_MISSING & ({c.fact for c in CODES} | {"age"})


def _mixed_radix(columns: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """One ``int64`` per row that is equal exactly where every column is: ``columns`` are ``(values, radix)`` with
    ``0 <= values < radix``, combined as digits of a mixed-radix number; where the number could pass ``2**62`` the
    digits so far are first renumbered densely (:func:`numpy.unique`), so it never overflows.

    Example:
        >>> _mixed_radix([(np.array([1, 1, 0]), 2), (np.array([2, 2, 2]), 3)]).tolist()
        [5, 5, 2]
    """
    key, span = np.zeros(len(columns[0][0]), dtype=np.int64), 1
    for values, radix in columns:
        radix = max(int(radix), 1)
        if span * radix >= 1 << 62:
            uniq, inv = np.unique(key, return_inverse=True)
            key, span = inv.reshape(-1).astype(np.int64), len(uniq)
        key = key * radix + values
        span *= radix
    return key


def _bits(value: int) -> list[int]:
    """The positions of the set bits of ``value``, lowest first (one step per set bit, not per code).

    Example:
        >>> _bits(0b101001)
        [0, 3, 5]
    """
    out = []
    while value:
        low = value & -value
        out.append(low.bit_length() - 1)
        value ^= low
    return out


_ALL_BITS = 2**64 - 1
#: The codes of the groups :meth:`Evaluation._explain` visits before the age range (sex, income, personal, household).
_BEFORE_AGE = sum(group_mask(_GROUP_ORDER[g]) for g in _EXPLAIN_ORDER[:_EXPLAIN_ORDER.index(_AGE_COLUMN)])
# the explain order is the codes' bit order (each group's codes above the previous group's): what _flag_part relies on
_FLAG_COLUMNS = [g for g in _EXPLAIN_ORDER if g != _AGE_COLUMN]
assert all(max(_bits(group_mask(_GROUP_ORDER[a]))) < min(_bits(group_mask(_GROUP_ORDER[b])))
           for a, b in zip(_FLAG_COLUMNS, _FLAG_COLUMNS[1:], strict=False))


def _flag_part(shown: int, still_open: int) -> tuple[tuple[Condition, ...], tuple[Condition, ...], tuple[str, ...], tuple[str, ...]]:
    """The flag groups' part of a code explanation (:meth:`Evaluation._explain_rows`): ``(before, after,
    missing_before, missing_after)``: the conditions of the codes ``shown`` before and after the age range's place
    (:data:`_BEFORE_AGE`), in bit order, and the facts of the codes ``still_open`` (deduplicated, ``after`` without
    those of ``before``; ``age`` is no code's fact, so it goes between them unchanged).

    Example:
        >>> b, a, mb, ma = _flag_part(1 << BIT["JA0101"] | 1 << BIT["JA2101"], 0)
        >>> [c.code for c in b], [c.code for c in a], mb, ma
        (['JA0101'], ['JA2101'], (), ())
    """
    return (tuple(_FLAG_BY_BIT[i] for i in _bits(shown & _BEFORE_AGE)),
            tuple(_FLAG_BY_BIT[i] for i in _bits(shown & ~_BEFORE_AGE)),
            (before := tuple(dict.fromkeys(_FACT_BY_BIT[i] for i in _bits(still_open & _BEFORE_AGE)))),
            tuple(f for f in dict.fromkeys(_FACT_BY_BIT[i] for i in _bits(still_open & ~_BEFORE_AGE)) if f not in before))


class _Shared:
    """What every evaluation of one catalogue shares (issue 5: built per call it was a fifth of the time for 10,970
    services, and its garbage made the collector run more): ``conditions``, the facts-independent conditions
    (``REGION``, ``GROUP``, ``CHECK``, ``STATUS``) keyed by what they are built from (a :class:`Condition` is immutable,
    so results may share it; two threads filling it at once at worst build one twice, equal), and ``sources``, each
    row's ``sources`` tuple (its one citation dict, ``Catalogue.sources``)."""

    __slots__ = ("ages", "conditions", "has_target_groups", "ids", "names", "pool", "sources", "__weakref__")

    def __init__(self, cat: Catalogue) -> None:
        self.conditions: dict[tuple[Any, ...], Condition] = {}
        self.sources: list[tuple[dict[str, Any], ...]] = [(s,) for s in cat.sources]
        #: each row's service id and name, and whether its text names target groups (``ServiceInfo.target_groups``)
        self.ids: list[str] = [s.service_id for s in cat.services]
        self.names: list[str] = [s.title for s in cat.services]
        self.has_target_groups = np.asarray([bool(s.target_groups) for s in cat.services], dtype=bool).reshape(len(cat))
        #: (from, to) → the JA0110/JA0111 pair of an age range
        self.ages: dict[tuple[int, int], tuple[Condition, ...]] = {}
        #: the ``decided_by`` and ``missing`` tuples results share (:meth:`Evaluation._pooled`)
        self.pool: dict[tuple[Any, ...], tuple[Any, ...]] = {}


_SHARED: weakref.WeakKeyDictionary[Catalogue, _Shared] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def prepare(catalogue: Catalogue) -> None:
    """Build now what every evaluation of ``catalogue`` shares (each row's ``sources`` tuple), which the first
    evaluation would otherwise build: a service that freezes its heap after loading a catalogue
    (:class:`~connectors.eligibility.service.EligibilityService`, ``freeze_heap``) calls it first, so those objects are
    frozen with the catalogue rather than scanned by every full collection after."""
    _shared(catalogue)


def _shared(cat: Catalogue) -> _Shared:
    """The catalogue's :class:`_Shared` parts, built on first use."""
    shared = _SHARED.get(cat)
    if shared is None:
        with _SHARED_LOCK:
            shared = _SHARED.get(cat)
            if shared is None:
                shared = _SHARED[cat] = _Shared(cat)
    return shared


class Evaluation:
    """The statuses of every service for one person (the vectorised part), with explanations on demand.

    Attributes:
        status: ``int8[n]``: 0 not_eligible, 1 unknown, 2 eligible.
        conditions_status: ``int8[n]``: the status by the JA codes alone (before the region).
        groups: group name → ``int8[n]`` status of that group (2 where it does not restrict);
            ``"age"``, ``"region"`` and ``"applicant"`` too.
        pathways: pathway → ``int8[n]`` (0 where the service is not open to that pathway), region, applicant and
            status included.
    """

    def __init__(self, catalogue: Catalogue, facts: Facts) -> None:
        self.catalogue, self.facts = catalogue, facts
        cat = catalogue
        true_bits, false_bits = facts.code_bits()
        self.true_bits, self.false_bits = true_bits, false_bits
        t, not_f = np.uint64(true_bits), np.uint64(~false_bits & (2**64 - 1))
        self.groups: dict[str, np.ndarray] = {}
        for g in GROUPS:
            yg = cat.y & np.uint64(_MASKS[g.name])
            passed = (yg & t) != 0
            failed = (yg & not_f) == 0
            s = np.where(failed, NOT, UNKNOWN).astype(np.int8)
            s[passed] = YES
            s[~cat.restricts[g.name]] = YES
            self.groups[g.name] = s
        if facts.age is None:
            age = np.where(cat.age_restricted, UNKNOWN, YES).astype(np.int8)
        else:
            inside = (cat.age_lo <= facts.age) & (facts.age <= cat.age_hi)
            age = np.where(~cat.age_restricted | inside, YES, NOT).astype(np.int8)
        self.groups["age"] = age
        self.groups["income_text"] = self._income_text(cat, facts)
        self._conditions_pathways: dict[str, np.ndarray] = {}
        for p in PATHWAYS:
            names = [g.name for g in GROUPS if g.pathway == p] + (["age"] if p == "individual" else [])
            s = np.minimum.reduce([self.groups[n] for n in names])
            self._conditions_pathways[p] = np.where(cat.pathway[p], s, NOT).astype(np.int8)
        status = np.maximum.reduce([self._conditions_pathways[p] for p in PATHWAYS])
        # let in only by a pathway where nothing coded restricts, and no named status to decide it: nothing decided
        # it, so it is unknown with the reason NONE (fresh-user report s6, item 3)
        decided = np.zeros(len(cat), dtype=bool)
        for k, p in enumerate(PATHWAYS):
            decided |= (self._conditions_pathways[p] == YES) & cat.pathway_restricts[:, k]
        self.vacuous = (status == YES) & ~decided & (cat.status_bits == 0)
        status[self.vacuous] = UNKNOWN
        status[cat.no_conditions] = UNKNOWN
        if cat.unmapped:
            rows = np.fromiter(cat.unmapped, dtype=np.int64)
            status[rows] = np.minimum(status[rows], UNKNOWN)
        self.conditions_status = status
        # region: one more AND group shared by every pathway, so min(region, max over pathways) is the
        # same as AND-ing it inside each pathway
        region = self._region(cat, facts.area())
        # a facility's fee reduction run by a local public body (area inferred from its name): living elsewhere
        # leaves it to confirm, it does not rule the person out
        region[cat.area_soft & (region == NOT)] = UNKNOWN
        self.groups["region"] = region
        # the group the service's own text restricts it to (text_groups): one more AND group, like the region
        gstates = group_states(facts) if cat.restrictions else {}
        self._restriction = [restriction_state(r, facts, gstates) for r in cat.restrictions]
        tstates = np.asarray([s for s, _m in self._restriction] + [YES], dtype=np.int8)
        self.groups["text"] = tstates[cat.restriction_id]  # -1 (no restriction) picks the last: YES
        applicant = np.full(len(cat), YES, dtype=np.int8)
        self._applicant_missing: dict[int, tuple[str, ...]] = {}
        for k, kind in enumerate(APPLICANT_KINDS, start=1):
            fit, self._applicant_missing[k] = applicant_fit(kind, facts)
            applicant[cat.applicant == k] = {"fits": YES, "unknown": UNKNOWN, "contradicts": NOT}[fit]
        self.groups["applicant"] = applicant
        self._held, self._open = held_bits(facts)
        named = cat.status_bits.astype(np.int64)
        known = self._held | self._open
        self.groups["status"] = np.where((named == 0) | (named & self._held != 0), YES,
                                         np.where(named & known != 0, UNKNOWN, NOT)).astype(np.int8)
        # rows whose text names other ways in: their any-of, one per distinct set of ways (a few dozen rows)
        with_ways = np.flatnonzero((cat.status_ways_id > 0) & (self.groups["status"] != YES))
        for row in with_ways.tolist():
            self.groups["status"][row] = status_state(self._held, int(named[row]), self._open,
                                                      cat.status_ways[cat.status_ways_id[row]], facts)
        # who the text is for where the codes say only an age (who_text): one more AND group, never NOT
        self._who = [check_state(w, facts) for w in cat.who_checks]
        wstates = np.asarray([s for s, _m in self._who] + [YES], dtype=np.int8)
        self.groups["who"] = wstates[cat.who_id]  # -1 (no check) picks the last: YES
        extra = np.minimum.reduce([region, applicant, self.groups["status"], self.groups["text"], self.groups["who"],
                                   self.groups["income_text"]])
        self.pathways = {p: np.minimum(v, extra) for p, v in self._conditions_pathways.items()}
        self.status = np.minimum(status, extra)
        self._cache: dict[tuple[Any, ...], tuple[tuple[Condition, ...], tuple[str, ...]]] = {}
        # conditions that depend on the catalogue and a group's state only (not on other facts): built once per
        # catalogue and shared by every evaluation (issue 5: formatting them per call was a fifth of the time)
        self._shared = _shared(cat)
        self._conditions = self._shared.conditions

    def _income_text(self, cat: Catalogue, facts: Facts) -> np.ndarray:
        """``int8[n]`` status of the text's income limit (``INCOME``; :mod:`connectors.eligibility.income_text`): to
        confirm where the person's known income is within one of the text's limit and the coded bands and not the other
        (난치병 치료 후원 codes 76 % and over against its text's "80% 이하": 30 % is to confirm, not ruled out), or where
        no band restricts and the income is unknown; else held. Where the
        codes alone fail the income and the text's limit holds, the income group is lifted to held here (the text
        decides it is to confirm, not ruled out): rows with such a limit have a signature of their own
        (``Catalogue.signature``), so the explanation memo stays per signature."""
        state = np.full(len(cat), YES, dtype=np.int8)
        rows = np.flatnonzero(cat.income_id >= 0)
        if not len(rows):
            return state
        pct = facts.income_pct_median
        if pct is None:
            state[rows[~cat.restricts["income"][rows]]] = UNKNOWN
            return state
        limits = [cat.income_limits[i] for i in cat.income_id[rows].tolist()]
        text_ok = np.asarray([lim.within(pct) for lim in limits], dtype=bool)
        income = self.groups["income"]
        gap = rows[text_ok != (income[rows] == YES)]
        income[gap] = YES
        state[gap] = UNKNOWN
        return state

    @staticmethod
    def _region(cat: Catalogue, area: Area | None) -> np.ndarray:
        """``int8[n]`` status of the region group for a person living in ``area`` (``None``: unknown)."""
        restricted = cat.area_id >= 0
        if area is None:
            return np.where(restricted, UNKNOWN, YES).astype(np.int8)
        same_sido = cat.area_sido == SIDO_INDEX[area.sido]
        if area.sigungu is None:
            inside = np.where(cat.area_sigungu, UNKNOWN, YES)
        else:
            # the person's own 시·군·구, and the areas that list it among a few (Area.districts: 안동의료원's five 군)
            ids = [cat.area_index.get(area, -2)] + [i for i, a in cat.listed_areas
                                                    if a.sido == area.sido and area.sigungu in a.districts()]
            inside = np.where(~cat.area_sigungu | np.isin(cat.area_id, ids), YES, NOT)
        return np.where(restricted & ~same_sido, NOT, np.where(restricted, inside, YES)).astype(np.int8)

    def _with_region(self, explained: tuple[Status, tuple[Condition, ...], tuple[str, ...]], state0: int,
                     area_id: int, rstate: int, akind: int = 0, kind: int = 0, astate: int = 2,
                     sbits: int = 0, sstate: int = 2, ways_id: int = 0, rid: int = -1,
                     tstate: int = 2, wid: int = -1, wstate: int = 2,
                     iid: int = -1, istate: int = 2) -> tuple[Status, tuple[Condition, ...], tuple[str, ...]]:
        """Combine the JA-code explanation (status ``state0``) with the region group (``rstate``; ``akind``: 1 the
        area is from the text, 2 inferred from a local public body's name, 4 a facility's fee reduction among those),
        the applicant group (``kind``: ``Catalogue.applicant``; ``astate`` its status), the named-status group
        (``sbits``: ``Catalogue.status_bits``; ``sstate`` its status; ``ways_id``: ``Catalogue.status_ways_id``) and
        the text group (``rid``: ``Catalogue.restriction_id``; ``tstate`` its status), the who-phrase (``wid``:
        ``Catalogue.who_id``; ``wstate`` its status) and the text's income limit (``iid``: ``Catalogue.income_id``;
        ``istate`` its status)."""
        state = min(state0, rstate, astate, sstate, tstate, wstate, istate)
        decided, missing = (explained[1], explained[2]) if state0 == state else ((), ())
        shared = self._conditions
        if sbits and sstate == state:
            held = sbits & self._held if sstate == YES else 0
            ways = self.catalogue.status_ways[ways_id]
            key: tuple[Any, ...] = ("status", held or sbits, bool(held), -1 if held else ways_id, sstate == NOT)
            if (cond := shared.get(key)) is None:
                cond = shared[key] = status_condition(held or sbits, bool(held), () if held else ways, sstate == NOT)
            decided = decided + (cond,)
            if sstate == UNKNOWN:
                missing = missing + tuple(dict.fromkeys(
                    [s.fact for s in names_of(sbits & self._open)]
                    + [f for w in ways if w.state(self.facts) == UNKNOWN and all(x.tests for x in ways)
                       for f in w.missing(self.facts)]))
        if kind and astate == state:
            decided = decided + (_APPLICANT_CONDITIONS[APPLICANT_KINDS[kind - 1]],)
            missing = missing + (self._applicant_missing[kind] if astate == UNKNOWN else ())
        if rid >= 0 and tstate == state:
            key = ("group", rid, tstate)
            if (cond := shared.get(key)) is None:
                cond = shared[key] = group_condition(self.catalogue.restrictions[rid], tstate)
            decided = decided + (cond,)
            missing = missing + self._restriction[rid][1]
        if wid >= 0 and wstate == state:
            key = ("who", wid, wstate)
            if (cond := shared.get(key)) is None:
                cond = shared[key] = who_condition(self.catalogue.who_checks[wid], wstate)
            decided = decided + (cond,)
            missing = missing + tuple(m for m in self._who[wid][1] if m not in missing)
        if iid >= 0 and istate == state == UNKNOWN:
            known = self.facts.income_pct_median is not None
            key = ("income", iid, known)
            if (cond := shared.get(key)) is None:
                cond = shared[key] = income_condition(self.catalogue.income_limits[iid], known)
            decided = decided + (cond,)
            missing = missing + (() if known or _INCOME_FACT in missing else (_INCOME_FACT,))
        if area_id >= 0 and rstate == state:
            key = ("region", area_id, rstate, akind)
            if key not in self._cache:
                elsewhere = bool(akind & 4) and rstate == UNKNOWN and self.facts.region is not None
                ckey = ("region", area_id, bool(akind & 1), bool(akind & 2), elsewhere)
                if (cond := shared.get(ckey)) is None:
                    cond = shared[ckey] = region_condition(self.catalogue.areas[area_id], bool(akind & 1),
                                                           bool(akind & 2), elsewhere)
                self._cache[key] = ((cond,), ("region",) if rstate == UNKNOWN and not elsewhere else ())
            conds, miss = self._cache[key]
            decided, missing = decided + conds, missing + miss
        name = _NAMES[state]
        if decided is explained[1] and missing is explained[2] and explained[0] == name:
            return explained  # nothing added: the same triple, not one more object per row for the collector (issue 5)
        return (name, *self._pooled(decided, missing))

    def _pooled(self, decided: tuple[Condition, ...], missing: tuple[str, ...]) -> tuple[tuple[Condition, ...], tuple[str, ...]]:
        """``decided`` and ``missing`` as the catalogue's pool already holds them (equal tuples; the pool keeps the first
        one built): the tuples of one call over 10,970 services were ~15k of the ~28k objects it left for the cyclic
        collector (issue 5), and the same few thousand recur call after call. ``decided`` is keyed by its conditions'
        identities (every :class:`Condition` in a result is a long-lived shared one, and the pooled tuple keeps them
        alive, so an identity is never reused while its key is there); the pool is emptied past :data:`_POOL_LIMIT`."""
        pool = self._shared.pool
        if len(pool) > _POOL_LIMIT:
            pool.clear()
        if decided:
            decided = pool.setdefault(tuple(map(id, decided)), decided)
        if missing:
            missing = pool.setdefault(missing, missing)
        return decided, missing

    def counts(self, rows: np.ndarray | None = None) -> dict[str, int]:
        """``{"eligible": n, "not_eligible": n, "unknown": n}`` over ``rows`` (default: the whole catalogue)."""
        values = np.bincount(self.status if rows is None else self.status[rows], minlength=3)
        return {_NAMES[i]: int(values[i]) for i in range(3)}

    def _group_explain(self, group: str, yrow: int, lo: int, hi: int, state: int) -> tuple[tuple[Condition, ...], tuple[str, ...]]:
        if group == "age":
            key: tuple[Any, ...] = ("age", lo, hi, state)
            if key not in self._cache:
                # the pair depends on the catalogue's range only: shared by every evaluation (issue 5: built per call
                # they were 1,700 of the ~21k objects a call over 10,970 services left for the collector to scan)
                pair = self._shared.ages.get((lo, hi))
                if pair is None:
                    pair = self._shared.ages[(lo, hi)] = (Condition(AGE_FROM, *AGE_MEANINGS[AGE_FROM], lo),
                                                          Condition(AGE_TO, *AGE_MEANINGS[AGE_TO], hi))
                self._cache[key] = (pair, ("age",) if state == UNKNOWN else ())
            return self._cache[key]
        yg = yrow & _MASKS[group]
        key = (group, yg, state)
        if key not in self._cache:
            shown = yg & self.true_bits if state == YES else yg
            conds = tuple(_FLAG_BY_BIT[i] for i in _bits(shown))
            missing: tuple[str, ...] = ()
            if state == UNKNOWN:
                open_bits = yg & ~self.true_bits & ~self.false_bits
                missing = tuple(dict.fromkeys(_FACT_BY_BIT[i] for i in _bits(open_bits)))
            self._cache[key] = (conds, missing)
        return self._cache[key]

    def _explain(self, yrow: int, lo: int, hi: int, state: int, gstates: list[int], restricts: list[bool],
                 pstates: list[int], present: list[bool], unmapped: tuple[str, ...],
                 no_conditions: bool) -> tuple[Status, tuple[Condition, ...], tuple[str, ...]]:
        if no_conditions:  # no code at all, or let in by a pathway where nothing coded restricts (``vacuous``)
            return _NAMES[state], (_NO_CONDITIONS,), ()
        decided: list[Condition] = []
        missing: list[str] = []
        for p, (ps, here) in enumerate(zip(pstates, present, strict=True)):
            if not here or ps != state:
                continue
            for g in _PATHWAY_GROUPS[p]:
                if restricts[g] and gstates[g] == state:
                    conds, miss = self._group_explain(_GROUP_ORDER[g], yrow, lo, hi, state)
                    decided.extend(conds)
                    missing.extend(miss)
        if unmapped and state == UNKNOWN:
            decided.extend(_unmapped_condition(c) for c in unmapped)
        # each code belongs to one group and each group to one pathway, so ``decided`` has no repeats
        return _NAMES[state], tuple(decided), tuple(dict.fromkeys(missing))

    def _explain_rows(self, sigs: np.ndarray, reps: np.ndarray,
                      alone: set[int] | None = None) -> dict[int, tuple[Status, tuple[Condition, ...], tuple[str, ...]]]:
        """``{signature: _explain(row)}`` for the rows ``reps`` (one per signature ``sigs``), equal to :meth:`_explain`
        row by row (tests/eligibility/test_eligibility_results_fast.py): which groups explain a row (restricting, in the
        row's state, in a pathway open to it and in that state) is one array operation here, a bit mask per row in
        :meth:`_explain`'s order (pathway by pathway), instead of Python loops over pathways and groups (issue 5).

        That order is the codes' bit order with the age range between the household and the business groups
        (:data:`_BEFORE_AGE`), so the flag groups' conditions are the codes shown (of the explaining groups: all of
        them, or for ``eligible`` those the facts hold) in bit order, and their missing facts those of the codes still
        open; both are arrays here, and the Python part runs once per distinct pair of them in this call
        (:func:`_flag_part`). The age range's pair of conditions (shared per catalogue) goes between the two halves, and
        unmapped codes after. The decided and missing tuples are pooled (:meth:`_pooled`), except, when ``alone`` is
        given, those of a signature not in it: :meth:`results` then only concatenates them with an extra part and pools
        the concatenation."""
        cat = self.catalogue
        state = self.conditions_status[reps]
        gmat = np.stack([self.groups[n][reps] for n in _GROUP_ORDER], axis=1)
        pmat = np.stack([self._conditions_pathways[p][reps] for p in PATHWAYS], axis=1)
        same = state[:, None]
        contrib = (cat.restrict_matrix[reps] & (gmat == same) & (pmat[:, _GROUP_PATHWAY] == same)
                   & cat.pathway_matrix[reps][:, _GROUP_PATHWAY])
        ordered = contrib[:, _EXPLAIN_ORDER]
        # the codes of the flag groups that explain the row (group masks are disjoint bits, so the sum is their union)
        codes = cat.y[reps] & (ordered.astype(np.uint64) @ _EXPLAIN_FLAG_MASKS)
        shown = np.where(state == YES, codes & np.uint64(self.true_bits), codes)
        still_open = np.where(state == UNKNOWN, codes & np.uint64(~(self.true_bits | self.false_bits) & _ALL_BITS), 0)
        with_age = ordered[:, _EXPLAIN_ORDER.index(_AGE_COLUMN)]
        nc = cat.no_conditions[reps] | self.vacuous[reps]
        unmapped, ages, pool = cat.unmapped, self._shared.ages, self._shared.pool
        names = _NAMES
        parts: dict[tuple[int, int], tuple[tuple[Condition, ...], tuple[Condition, ...], tuple[str, ...], tuple[str, ...]]] = {}
        memo: dict[int, tuple[Status, tuple[Condition, ...], tuple[str, ...]]] = {}
        for s, row, st, show, opened, aged, lo, hi, none in zip(
                sigs.tolist(), reps.tolist(), state.tolist(), shown.tolist(), still_open.tolist(), with_age.tolist(),
                cat.age_lo[reps].tolist(), cat.age_hi[reps].tolist(), nc.tolist(), strict=True):
            if none:
                memo[s] = (names[st], _ONLY_NO_CONDITIONS, ())
                continue
            part = parts.get((show, opened))
            if part is None:
                part = parts[(show, opened)] = _flag_part(show, opened)
            before, after, miss_before, miss_after = part
            if aged:
                pair = ages.get((lo, hi))
                if pair is None:
                    pair = ages[(lo, hi)] = (Condition(AGE_FROM, *AGE_MEANINGS[AGE_FROM], lo),
                                             Condition(AGE_TO, *AGE_MEANINGS[AGE_TO], hi))
                decided = before + pair + after
                missing = miss_before + _AGE_MISSING + miss_after if st == UNKNOWN else miss_before + miss_after
            else:
                decided, missing = before + after, miss_before + miss_after
            if st == UNKNOWN and row in unmapped:
                decided = decided + tuple(_unmapped_condition(c) for c in unmapped[row])
            if alone is None or s in alone:
                if decided:
                    decided = pool.setdefault(tuple(map(id, decided)), decided)
                if missing:
                    missing = pool.setdefault(missing, missing)
            memo[s] = (names[st], decided, missing)
        return memo

    def _matrices(self, rows: np.ndarray) -> tuple[list[Any], ...]:
        cat = self.catalogue
        gmat = np.stack([self.groups[n][rows] for n in _GROUP_ORDER], axis=1)
        pmat = np.stack([self._conditions_pathways[p][rows] for p in PATHWAYS], axis=1)
        return (cat.y[rows].tolist(), cat.age_lo[rows].tolist(), cat.age_hi[rows].tolist(),
                self.conditions_status[rows].tolist(), gmat.tolist(), cat.restrict_matrix[rows].tolist(), pmat.tolist(),
                cat.pathway_matrix[rows].tolist(), (cat.no_conditions[rows] | self.vacuous[rows]).tolist())

    def explain(self, row: int) -> tuple[Status, tuple[Condition, ...], tuple[str, ...]]:
        """``(status, decided_by, missing)`` of one service (row number in the catalogue)."""
        y, lo, hi, st, g, r, ps, pr, nc = self._matrices(np.asarray([row]))
        explained = self._explain(y[0], lo[0], hi[0], st[0], g[0], r[0], ps[0], pr[0],
                                  self.catalogue.unmapped.get(row, ()), nc[0])
        return self._with_region(explained, st[0], int(self.catalogue.area_id[row]), int(self.groups["region"][row]),
                                 int(self._area_kind()[row]), int(self.catalogue.applicant[row]),
                                 int(self.groups["applicant"][row]), int(self.catalogue.status_bits[row]),
                                 int(self.groups["status"][row]), int(self.catalogue.status_ways_id[row]),
                                 int(self.catalogue.restriction_id[row]), int(self.groups["text"][row]),
                                 int(self.catalogue.who_id[row]), int(self.groups["who"][row]),
                                 int(self.catalogue.income_id[row]), int(self.groups["income_text"][row]))

    def _area_kind(self) -> np.ndarray:
        """``int64[n]``: 1 area from the text, 2 inferred from a local public body's name, 4 a facility's fee reduction."""
        cat = self.catalogue
        return (cat.area_from_text.astype(np.int64) + 2 * cat.area_inferred.astype(np.int64)
                + 4 * cat.area_soft.astype(np.int64))

    def results(self, rows: np.ndarray | None = None) -> list[ServiceResult]:
        """:class:`ServiceResult` for ``rows`` (default: every service), in that order.

        A row's explanation is its JA-code part (the signature's, :meth:`_explain_rows`; dropped when another group
        sets a lower status) followed by its extra groups' part (status, applicant, text group, who-phrase, region:
        :meth:`_with_region`). Within one call each part is built once: the code part once per distinct signature
        whose rows keep it, the extra part once per distinct combination of the extra groups that decide (a few
        hundred: there are only so many areas, statuses and texts), and their concatenation once per distinct pair.
        Every memo is per call and keyed by what the facts make of the conditions, so a catalogue whose rows are all
        different pays no more than one step per row (issue 5). Equal, row by row, to :meth:`explain`.
        """
        cat = self.catalogue
        rows = np.arange(len(cat)) if rows is None else np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return []
        pool = self._shared.pool
        if len(pool) > _POOL_LIMIT:  # checked once per call here: a call adds at most a few tuples per row
            pool.clear()
        state = self.status[rows]
        keep = self.conditions_status[rows] == state  # the JA-code part stays (else a lower extra group decided)
        xid, xparts = self._extra_parts(rows, state)
        sig = np.where(keep, cat.signature[rows], -1)
        kept = np.flatnonzero(keep)
        uniq, first = np.unique(sig[kept], return_index=True)
        alone = set(np.unique(sig[keep & (xid < 0)]).tolist())  # signatures some row takes as they are
        memo = self._explain_rows(uniq, rows[kept[first]], alone)
        pair = (sig + 1) * (len(xparts) + 1) + (xid + 1)
        _, pfirst, pinv = np.unique(pair, return_index=True, return_inverse=True)
        combined: list[tuple[Status, tuple[Condition, ...], tuple[str, ...]]] = []
        for s, x in zip(sig[pfirst].tolist(), xid[pfirst].tolist(), strict=True):
            if x < 0:  # no extra group decides: the code part as it is
                combined.append(memo[s])
            elif s < 0:  # an extra group decides alone
                combined.append(xparts[x])
            else:
                code, extra = memo[s], xparts[x]
                decided, missing = code[1] + extra[1], code[2] + extra[2]
                if missing:
                    missing = pool.setdefault(missing, missing)
                combined.append((extra[0], pool.setdefault(tuple(map(id, decided)), decided), missing))
        return self._build(rows, [combined[k] for k in pinv.reshape(-1).tolist()])

    def _extra_parts(self, rows: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, list[tuple[Status, tuple[Condition, ...], tuple[str, ...]]]]:
        """``(xid, parts)``: for each row of ``rows`` (final status ``state``), the index in ``parts`` of the
        ``(status, decided_by, missing)`` its extra groups (named status, applicant, text group, who-phrase, text income
        limit, region) add, or -1 where none of them is in the row's status; ``parts`` has one entry per distinct
        combination of the groups that are, built by :meth:`_with_region` over an empty code part. Exact to prepend the
        code part: the only missing facts deduplicated across parts are the who-phrase's ``target_groups``
        (:data:`_WHO_MISSING`), which no JA code's fact is, and a row with a who-phrase has no other extra group before
        it; and the income limit's ``income_pct_median``, missing only where no income band restricts (so the code
        part never names it)."""
        cat, groups = self.catalogue, self.groups
        sbits = cat.status_bits[rows].astype(np.int64)
        sstate, astate = groups["status"][rows], groups["applicant"][rows]
        tstate, wstate, rstate = groups["text"][rows], groups["who"][rows], groups["region"][rows]
        iid, istate = cat.income_id[rows].astype(np.int64), groups["income_text"][rows]
        kind = cat.applicant[rows].astype(np.int64)
        rid, wid = cat.restriction_id[rows].astype(np.int64), cat.who_id[rows].astype(np.int64)
        area, ways = cat.area_id[rows].astype(np.int64), cat.status_ways_id[rows].astype(np.int64)
        akind = self._area_kind()[rows]
        c_s, c_a = (sbits != 0) & (sstate == state), (kind != 0) & (astate == state)
        c_t, c_w, c_r = (rid >= 0) & (tstate == state), (wid >= 0) & (wstate == state), (area >= 0) & (rstate == state)
        c_i = (iid >= 0) & (istate == state) & (state == UNKNOWN)
        any_extra = c_s | c_a | c_t | c_w | c_r | c_i
        key = _mixed_radix([(state.astype(np.int64), 3), (np.where(c_s, sbits, 0), 256),
                            (np.where(c_s, ways, 0), len(cat.status_ways)), (np.where(c_a, kind, 0), len(APPLICANT_KINDS) + 1),
                            (np.where(c_t, rid + 1, 0), len(cat.restrictions) + 1), (np.where(c_w, wid + 1, 0), len(cat.who_checks) + 1),
                            (np.where(c_r, area + 1, 0), len(cat.areas) + 1), (np.where(c_r, akind, 0), 8),
                            (np.where(c_i, iid + 1, 0), len(cat.income_limits) + 1)])
        sub = np.flatnonzero(any_extra)
        xid = np.full(len(rows), -1, dtype=np.int64)
        if not len(sub):
            return xid, []
        _, xfirst, xinv = np.unique(key[sub], return_index=True, return_inverse=True)
        xid[sub] = xinv.reshape(-1)
        at = sub[xfirst]
        parts = [
            self._with_region((_NAMES[st], (), ()), st, a, rs, t, k, ast, sb, sst, w, ri, ts, wi, ws, ii, ist)
            for st, a, rs, t, k, ast, sb, sst, w, ri, ts, wi, ws, ii, ist in zip(
                state[at].tolist(), area[at].tolist(), rstate[at].tolist(), akind[at].tolist(), kind[at].tolist(),
                astate[at].tolist(), sbits[at].tolist(), sstate[at].tolist(), ways[at].tolist(), rid[at].tolist(),
                tstate[at].tolist(), wid[at].tolist(), wstate[at].tolist(), iid[at].tolist(), istate[at].tolist(),
                strict=True)
        ]
        return xid, parts

    def _build(self, rows: np.ndarray, triples: list[tuple[Status, tuple[Condition, ...], tuple[str, ...]]]) -> list[ServiceResult]:
        """One :class:`ServiceResult` per row of ``rows`` from its ``(status, decided_by, missing)`` triple, plus the
        row's id, name, sources and (eligible rows only) cautions. Built field by field with :func:`map` over the slot
        descriptors, so the per-row work runs in C rather than in a Python loop (issue 5: the loop over 10,970 rows
        was a quarter of a whole-catalogue check); the result is the same objects ``ServiceResult(...)`` builds."""
        shared = self._shared
        n = len(triples)
        if len(rows) == len(self.catalogue) and n and rows[0] == 0 and rows[-1] == n - 1 and bool((np.diff(rows) == 1).all()):
            ids, names, sources = shared.ids, shared.names, shared.sources
        else:
            pick = rows.tolist()
            ids = [shared.ids[r] for r in pick]
            names = [shared.names[r] for r in pick]
            sources = [shared.sources[r] for r in pick]
        out = list(map(ServiceResult.__new__, repeat(ServiceResult, n)))
        set_id, set_name, set_status, set_decided, set_missing, set_sources, set_cautions = _RESULT_SLOTS
        for setter, values in ((set_id, ids), (set_name, names), (set_status, map(_FIRST, triples)),
                               (set_decided, map(_SECOND, triples)), (set_missing, map(_THIRD, triples)),
                               (set_sources, sources), (set_cautions, repeat(()))):
            deque(map(setter, out, values), 0)
        # cautions: only for an eligible row whose text names groups (a few hundred), one per distinct set of groups
        warned: dict[tuple[str, ...], tuple[Caution, ...]] = {}
        services = self.catalogue.services
        for k in np.flatnonzero(shared.has_target_groups[rows] & (self.status[rows] == YES)).tolist():
            groups = services[int(rows[k])].target_groups
            hint = warned.get(groups)
            if hint is None:
                hint = warned[groups] = cautions(groups, self.facts)
            set_cautions(out[k], hint)
        return out

    def result(self, row: int) -> ServiceResult:
        """The full :class:`ServiceResult` of one row."""
        return self.results(np.asarray([row]))[0]


def evaluate(catalogue: Catalogue, facts: Facts, service_ids: list[str] | None = None) -> list[ServiceResult]:
    """Judge ``facts`` against ``service_ids`` (default: the whole catalogue), in catalogue order or the order asked.

    Raises:
        UnknownServiceError: a requested service is not in the catalogue.

    Example:
        >>> from connectors.eligibility.catalogue import ServiceInfo
        >>> cat = Catalogue.from_records([(ServiceInfo("S1", "t", "u", "a", ()), {"JA0110": 3, "JA0111": 5})])
        >>> evaluate(cat, Facts(age=4))[0].status
        'eligible'
    """
    rows = catalogue.rows(service_ids)
    return Evaluation(catalogue, facts).results(rows)


__all__ = ["APPLICANT", "BIT", "CHECK", "GROUP", "INCOME", "NONE", "REGION", "STATUS", "Condition", "Evaluation", "ServiceResult", "Status",
           "evaluate", "group_condition", "income_condition", "prepare", "region_condition", "status_condition", "who_condition"]
