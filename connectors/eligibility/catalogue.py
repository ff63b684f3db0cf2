"""The catalogue's coded conditions, packed into arrays for vectorised evaluation.

One row per service: a ``uint64`` of its ``"Y"`` flag codes (bit order :data:`~connectors.eligibility.codes.CODES`),
its age range, per group whether the group restricts, and the area it is limited to (from the managing
agency's name, :func:`~connectors.eligibility.regions.agency_area`; not a JA code). Built from the documents that
``assistant knowledge import gov24 DIR`` stored (``Document.meta["conditions"]``) or straight from the
catalogue's JSON folder (tests, benchmarks).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import InvalidInputError, LoaderError
from assistant.knowledge.documents import Document
from connectors.eligibility.codes import (
    CODE_BY_NAME,
    GROUP_BY_NAME,
    AGE_FROM,
    AGE_TO,
    ALL_AGES_FROM,
    ALL_AGES_TO,
    BIT,
    CODES,
    GROUPS,
    PATHWAYS,
    group_mask,
)
from connectors.eligibility.income_text import IncomeLimit, income_limit
from connectors.eligibility.regions import SIDO_INDEX, Area, agency_area, text_area
from connectors.eligibility.regions_local import agency_locality, local_agency_area, title_area
from connectors.eligibility.status_ways import OtherWay, ways_in
from connectors.eligibility.statuses import status_bits, statuses_in
from connectors.eligibility.target_groups import ApplicantKind, applicant_kind, groups_in
from connectors.eligibility.text_groups import Restriction, restriction_in
from connectors.eligibility.who_text import WhoCheck, all_of_check, says_only_income, who_check

logger = logging.getLogger(__name__)

#: An age range from at most this to at least :data:`BROAD_AGE_TO` is broad ("adults", "everyone"): it leaves room
#: for the named statuses of the service's text (:mod:`connectors.eligibility.statuses`).
BROAD_AGE_FROM, BROAD_AGE_TO = 19, 100
#: Groups in the order of ``Catalogue.restrict_matrix``'s columns (age last).
GROUP_ORDER: tuple[str, ...] = tuple(g.name for g in GROUPS) + ("age",)


#: The kinds of applicant a service may be limited to (``Catalogue.applicant`` numbers them from 1).
APPLICANT_KINDS: tuple[ApplicantKind, ...] = ("organization", "business_or_organization")
#: 소관기관유형 of local public bodies (지방공기업, 지방출자·출연기관) and of the 시·도 offices of education: their
#: services are inferred to be limited to the area their name carries when nothing else gives one (issue #5).
LOCAL_BODY_TYPES = frozenset({"지방공기업", "지방출자_출연기관", "교육청"})
#: Titles of fee reductions and discounts at a facility: anyone who uses it may qualify, so for such a service of a
#: local public body a person known to live elsewhere is ``unknown`` (to confirm), not ``not_eligible``.
_FACILITY_DISCOUNT = re.compile(r"감면|할인|면제|우대|무료\s*이용")
#: The JA codes that stand for a text group (:data:`~connectors.eligibility.text_groups.LEXICON`): a row whose
#: restricting codes include one of them is decided by its codes, not by the text.
GROUP_CODES: dict[str, tuple[str, ...]] = {
    "fishery": ("JA0314", "JA2202"), "farming": ("JA0313", "JA0315", "JA0316", "JA2202"),
    "student": ("JA0317", "JA0318", "JA0319", "JA0320"), "worker": ("JA0326",), "job_seeker": ("JA0327",),
    "disabled": ("JA0328",), "veteran": ("JA0329",), "patient": ("JA0330",), "pregnancy": ("JA0301", "JA0302", "JA0303"),
    "multicultural": ("JA0401",), "defector": ("JA0402",), "single_parent": ("JA0403",), "multi_child": ("JA0411",),
    "homeless": ("JA0412",), "women": ("JA0102",),
    "business": ("JA1101", "JA1102", "JA1103", "JA1201", "JA1202", "JA1299", "JA2101", "JA2102", "JA2103", "JA2201",
                 "JA2202", "JA2203", "JA2299"),
}
#: A text that opens the service beyond the agency's area: to the whole country ("전국민 누구나"), or to whoever
#: studies, works or is sited there as well as its residents ("거주 또는 재학", "소재, 거주": the facts hold no school
#: or workplace, so a residence elsewhere cannot rule the person out; regions_local decides the same for its texts).
#: No area is inferred from the agency's name then.
BEYOND_AREA = re.compile(r"전국|전\s*국민|모든\s*국민|국민\s*누구나|"
                         r"(?:거주|주소)\S*\s*(?:또는|이나|나|,|및)\s*(?:재학|재직|근무|소재|사업장)|"
                         r"(?:재학|재직|근무|소재)\S*\s*(?:또는|이나|,|및)\s*(?:거주|주소)")


class UnknownServiceError(InvalidInputError, LookupError):
    """A requested 서비스ID is not in the catalogue."""



#: The catalogue page's section that states its application period (gov24's 신청기한 field, a section of the imported
#: document): ``ServiceInfo.application_period`` is read from it, and an answer that says the period ended cites it
#: there, as the knowledge answers cite a quoted 신청기한 (``assistant.knowledge.composer.ASPECT_SECTIONS["period"]``).
PERIOD_SECTION = "신청기한"

@dataclass(frozen=True)
class ServiceInfo:
    """What a result cites: the service, its page on gov.kr and its legal basis.

    Attributes:
        service_id: 서비스ID.
        title: 서비스명.
        url: the gov.kr page (상세조회URL).
        agency: 소관기관명.
        legal_basis: the 법령 field, one law (article) per item.
        target_groups: the groups its 지원대상/선정기준 text names
            (:func:`~connectors.eligibility.target_groups.groups_in`; not part of the citation).
        text_area: the area its 지원대상/선정기준 text limits it to (:func:`~connectors.eligibility.regions.text_area`,
            or for a local public enterprise or foundation the agency's own area where its text or title supports
            it, :func:`~connectors.eligibility.regions_local.local_agency_area`, or the area its title names,
            :func:`~connectors.eligibility.regions_local.title_area`); used for the region condition only
            when the agency is not a local government.
        applicant: the kind of applicant its 지원대상 text limits it to (``"organization"``,
            ``"business_or_organization"``; :func:`~connectors.eligibility.target_groups.applicant_kind`), or ``None``.
        statuses: the named statuses its 지원대상/선정기준 text requires (국가유공자, 기초생활수급자, 차상위, 명장;
            :func:`~connectors.eligibility.statuses.statuses_in`); the condition ``STATUS`` where the codes leave room.
        status_ways: the other ways in its text names beside those statuses
            (:func:`~connectors.eligibility.status_ways.ways_in`): ``STATUS`` is their any-of, ``not_eligible`` only
            when every status and every way is known not to hold (an open way never is).
        restriction: the group its 지원대상/선정기준 text restricts it to (:func:`~connectors.eligibility.text_groups.restriction_in`):
            the condition ``GROUP``.
        agency_type: 소관기관유형 (``"지방공기업"``, ``"시군구"`` …; ``""`` when not known): a local public body's area is
            inferred from its name (:data:`LOCAL_BODY_TYPES`).
        beyond_area: its text opens it beyond its agency's area (:data:`BEYOND_AREA`: the whole country, or those who
            study or work there too): the area inferred from a local public body's name is then one to confirm for a
            person living elsewhere (``Catalogue.area_soft``), not a limit.
        who: the who-phrase of its 지원대상 text when that says more than "anyone of that age (living there)"
            (:func:`~connectors.eligibility.who_text.who_check`); the condition ``CHECK`` where the codes say only an age.
        application_period: its 신청기한 as the catalogue writes it (``""`` when none): part of the citation, so a
            list or an apply flow can say that a window has ended (:func:`~assistant.knowledge.periods.parse_period`).
        all_of: the requirements its 지원대상/선정기준 text says must all be met
            (:func:`~connectors.eligibility.who_text.all_of_check`), a phrase to check whatever else is coded.
        income: the income limit its 지원대상/선정기준 text states (:func:`~connectors.eligibility.income_text.income_limit`):
            the condition ``INCOME`` where it differs from the coded income bands.
    """

    service_id: str
    title: str
    url: str
    agency: str
    legal_basis: tuple[str, ...]
    target_groups: tuple[str, ...] = ()
    text_area: Area | None = None
    applicant: ApplicantKind | None = None
    statuses: tuple[str, ...] = ()
    status_ways: tuple[OtherWay, ...] = ()
    restriction: Restriction | None = None
    agency_type: str = ""
    beyond_area: bool = False
    who: WhoCheck | None = None
    application_period: str = ""
    all_of: WhoCheck | None = None
    income: IncomeLimit | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"service_id", "title", "url", "agency", "legal_basis": [...], "application_period"}``."""
        return {"service_id": self.service_id, "title": self.title, "url": self.url, "agency": self.agency,
                "legal_basis": list(self.legal_basis), "application_period": self.application_period}


def _is_yes(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper() == "Y"


def _age(service_id: str, code: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as e:
        raise LoaderError(f"service {service_id}: {code} must be a whole number of years, got {value!r}") from e


def _income_phrase(phrase: str, title: str) -> bool:
    """Whether a who-phrase says no more than an income limit (:func:`~connectors.eligibility.who_text.says_only_income`),
    the title's own words aside (``"저소득층 주거급여 지원 (소득인정액이 기준중위소득 47% 이하인 가구)"``: the
    parenthesised item)."""
    inner = phrase[len(title) + 2:-1] if phrase.startswith(f"{title} (") and phrase.endswith(")") else phrase
    return says_only_income(inner)


class Catalogue:
    """Coded conditions of every service, as arrays of length ``n`` (number of services).

    Attributes:
        services: :class:`ServiceInfo` per row.
        version: what it was built from (index version or file stamp); changes on re-import.
        y: ``uint64[n]``, bit ``i`` set when ``CODES[i]`` is ``"Y"``.
        age_lo, age_hi: ``int32[n]`` inclusive age range (meaningful where ``age_restricted``).
        age_restricted: ``bool[n]``.
        restricts: group name → ``bool[n]``, whether the group limits who is eligible.
        pathway: pathway name → ``bool[n]``, whether the service is open to that kind of applicant.
        no_conditions: ``bool[n]``, services with no coded condition at all.
        no_restriction: ``bool[n]``, services where no coded condition restricts (no code, or only codes that
            restrict nobody: 0–120 years, both sexes, 해당사항없음 …); nothing coded decides who gets them.
        pathway_restricts: ``bool[n, 3]``, per pathway (:data:`~connectors.eligibility.codes.PATHWAYS` order) whether
            one of its groups restricts: a person let in by a pathway where none does was decided by nothing coded.
        status_bits: ``uint8[n]``, the named statuses (bit ``i`` = :data:`~connectors.eligibility.statuses.STATUSES`
            ``[i]``) the row's text requires where the codes leave room for them (:attr:`ServiceInfo.statuses`; the
            individual pathway open, no personal or household code restricting, the age range broad — from 19 or
            less to 100 or more — or absent); 0 elsewhere.
        status_ways: the distinct :attr:`ServiceInfo.status_ways` tuples (index 0: none).
        status_ways_id: ``int16[n]``, the row's position in ``status_ways`` (0 where ``status_bits`` is 0 or the text
            names no other way).
        unmapped: row → the ``"Y"`` codes the table does not know.
        unmapped_codes: every unmapped code seen with a ``"Y"`` (logged once at load).
        areas: the distinct :class:`~connectors.eligibility.regions.Area` that services are limited to.
        area_index: area → its position in ``areas``.
        area_id: ``int32[n]``, position in ``areas`` of the row's area, -1 when not limited to an area.
        area_sido: ``int16[n]``, the area's 시·도 (position in :data:`~connectors.eligibility.regions.SIDO`), -1 if none.
        area_sigungu: ``bool[n]``, whether the area is one 시·군·구 (not a whole 시·도).
        area_from_text: ``bool[n]``, whether the area comes from the service's 지원대상/선정기준 text
            (``ServiceInfo.text_area``, used when the agency is not a local government) rather than its agency.
        applicant: ``int8[n]``, 0 when a person may apply, else the position in :data:`APPLICANT_KINDS` + 1
            (``ServiceInfo.applicant``: only an organisation, or a business or an organisation, applies); set only
            where the JA codes open the individual pathway (elsewhere the codes already limit who applies).
        area_inferred: ``bool[n]``, whether the area was inferred from the name of a local public body
            (:data:`LOCAL_BODY_TYPES`, :func:`~connectors.eligibility.regions_local.agency_locality`) because neither the
            agency (a local government) nor the text gave one; ``area_soft``: of those, a facility's fee reduction
            (title :data:`_FACILITY_DISCOUNT`), where living elsewhere leaves it to confirm.
        restrictions, restriction_id: the distinct text restrictions (:attr:`ServiceInfo.restriction`) and, per row,
            its position; -1 for none, or where the row's restricting JA codes stand for one of its groups
            (:data:`GROUP_CODES`: the codes decide), or where its named statuses apply (``status_bits``: STATUS decides).
        who_checks, who_id: the distinct who-phrases to check (:attr:`ServiceInfo.who`) and, per row, its position; -1
            unless the row's codes say only an age (the individual pathway open, the age range the one individual group
            that restricts) and no text group, named status or applicant kind applies: the condition ``CHECK``; a row
            whose text says its requirements must all be met (:attr:`ServiceInfo.all_of`) takes that phrase instead,
            whatever its codes (s42: 에너지바우처's 가구원특성기준 beside the coded income and the named 수급자).
        income_limits, income_id: the distinct income limits of the texts (:attr:`ServiceInfo.income`) and, per row, its
            position; -1 unless the individual pathway is open and the range the text accepts (its floor, if any, to its
            limit) differs from the coded income bands' (lowest to highest; any income where no band restricts): the
            condition ``INCOME``.

    Example:
        >>> cat = Catalogue.from_records([(ServiceInfo("S1", "t", "u", "a", ()), {"JA0102": "Y"})])
        >>> bool(cat.restricts["sex"][0])
        True
    """

    def __init__(self, services: list[ServiceInfo], conditions: list[Mapping[str, Any]], version: str = "") -> None:
        n = len(services)
        self.services = services
        self.version = version
        self.index = {s.service_id: i for i, s in enumerate(services)}
        self.y = np.zeros(n, dtype=np.uint64)
        self.age_lo = np.zeros(n, dtype=np.int32)
        self.age_hi = np.zeros(n, dtype=np.int32)
        self.age_restricted = np.zeros(n, dtype=bool)
        self.no_conditions = np.zeros(n, dtype=bool)
        self.unmapped: dict[int, tuple[str, ...]] = {}
        bits = [0] * n
        for row, (svc, cond) in enumerate(zip(services, conditions, strict=True)):
            b = 0
            unknown: list[str] = []
            for code, value in cond.items():
                if code in (AGE_FROM, AGE_TO) or not _is_yes(value):
                    continue
                if code in BIT:
                    b |= 1 << BIT[code]
                elif code.startswith("JA"):
                    unknown.append(code)
            bits[row] = b
            if unknown:
                self.unmapped[row] = tuple(sorted(unknown))
            lo, hi = _age(svc.service_id, AGE_FROM, cond.get(AGE_FROM)), _age(svc.service_id, AGE_TO, cond.get(AGE_TO))
            if lo is not None or hi is not None:
                lo = 0 if lo is None else lo
                hi = 200 if hi is None else hi
                if lo > hi:
                    raise LoaderError(f"service {svc.service_id}: {AGE_FROM}={lo} is above {AGE_TO}={hi}")
                self.age_lo[row], self.age_hi[row] = lo, hi
                self.age_restricted[row] = not (lo <= ALL_AGES_FROM and hi >= ALL_AGES_TO)
            self.no_conditions[row] = b == 0 and lo is None and hi is None and not unknown
        self.y[:] = np.asarray(bits, dtype=np.uint64) if n else self.y
        self.restricts: dict[str, np.ndarray] = {}
        present: dict[str, np.ndarray] = {p: np.zeros(n, dtype=bool) for p in PATHWAYS}
        for g in GROUPS:
            mask = np.uint64(group_mask(g.name))
            yg = self.y & mask
            restricts = yg != 0
            if g.exhaustive:
                restricts &= yg != mask
            if g.none_code:
                restricts &= (self.y & np.uint64(1 << BIT[g.none_code])) == 0
                mask |= np.uint64(1 << BIT[g.none_code])
            self.restricts[g.name] = restricts
            present[g.pathway] |= (self.y & mask) != 0
        business = present["small_business"] | present["organization"]
        present["individual"] |= ~business & ~self.no_conditions
        self.pathway = present
        #: ``bool[n, len(GROUP_ORDER)]``: whether each group (age last) restricts; ``bool[n, 3]`` pathways.
        self.restrict_matrix = np.stack([self.restricts[g.name] for g in GROUPS] + [self.age_restricted], axis=1)
        self.pathway_matrix = np.stack([present[p] for p in PATHWAYS], axis=1)
        self.sources = [s.to_json() for s in services]
        self.areas: list[Area] = []
        self.area_index: dict[Area, int] = {}
        self.area_id = np.full(n, -1, dtype=np.int32)
        self.area_sido = np.full(n, -1, dtype=np.int16)
        self.area_sigungu = np.zeros(n, dtype=bool)
        self.area_from_text = np.zeros(n, dtype=bool)
        # the text's applicant limits only services whose JA codes let a person in (the individual pathway);
        # the others are already limited to businesses or organisations by their codes
        self.applicant = np.asarray([0 if s.applicant is None else APPLICANT_KINDS.index(s.applicant) + 1 for s in services],
                                    dtype=np.int8).reshape(n)
        self.applicant[~present["individual"]] = 0
        self.no_restriction: np.ndarray = np.asarray(~self.restrict_matrix.any(axis=1), dtype=bool)
        self.no_restriction[list(self.unmapped)] = False  # an unmapped code may restrict: it says so itself
        broad_age = ~self.age_restricted | ((self.age_lo <= BROAD_AGE_FROM) & (self.age_hi >= BROAD_AGE_TO))
        room = present["individual"] & ~self.restricts["personal"] & ~self.restricts["household"] & broad_age
        self.status_bits = np.asarray([status_bits(s.statuses) if room[i] else 0 for i, s in enumerate(services)],
                                      dtype=np.uint8).reshape(n)
        self.status_ways: list[tuple[OtherWay, ...]] = [()]
        ways_index: dict[tuple[OtherWay, ...], int] = {(): 0}
        self.status_ways_id = np.zeros(n, dtype=np.int16)
        for i, info in enumerate(services):
            if self.status_bits[i] and info.status_ways:
                self.status_ways_id[i] = ways_index.setdefault(info.status_ways, len(self.status_ways))
                if self.status_ways_id[i] == len(self.status_ways):
                    self.status_ways.append(info.status_ways)
        #: ``bool[n, 3]``: whether any group of each pathway restricts (the age range belongs to the individual one)
        self.pathway_restricts = np.stack(
            [self.restrict_matrix[:, [k for k, name in enumerate(GROUP_ORDER)
                                      if (name == "age" and p == "individual") or
                                      (name != "age" and GROUP_BY_NAME[name].pathway == p)]].any(axis=1)
             for p in PATHWAYS], axis=1)
        self.area_inferred = np.zeros(n, dtype=bool)
        self.area_soft = np.zeros(n, dtype=bool)
        rindex: dict[Restriction, int] = {}
        self.restriction_id = np.full(n, -1, dtype=np.int32)
        for row, svc in enumerate(services):
            # where the named-status condition applies (STATUS: 수급자, 국가유공자 … with the ways its text lists,
            # connectors.eligibility.statuses) it decides; the text group would repeat or contradict it
            if svc.restriction is not None and not self.status_bits[row] and not self._coded(row, svc.restriction):
                self.restriction_id[row] = rindex.setdefault(svc.restriction, len(rindex))
        self.restrictions: list[Restriction] = list(rindex)
        for row, svc in enumerate(services):
            area = agency_area(svc.agency)
            if area is None and svc.text_area is not None:
                area = svc.text_area
                self.area_from_text[row] = True
            if area is None and svc.agency_type in LOCAL_BODY_TYPES:
                # a text open beyond the area ("전국민 누구나", "거주 또는 재학") still has the body's area: where the
                # facility or the programme is (고양국제꽃박람회's book café is in 고양시); living elsewhere is to confirm
                area = agency_locality(svc.agency)
                self.area_inferred[row] = area is not None
                self.area_soft[row] = area is not None and (svc.beyond_area
                                                            or _FACILITY_DISCOUNT.search(svc.title) is not None)
            if area is None:
                continue
            if area not in self.area_index:
                self.area_index[area] = len(self.areas)
                self.areas.append(area)
            self.area_id[row] = self.area_index[area]
            self.area_sido[row] = SIDO_INDEX[area.sido]
            self.area_sigungu[row] = area.sigungu is not None
        #: ``[(position in areas, area)]`` of the areas that list a few 시·군·구 (:meth:`Area.districts`)
        self.listed_areas: list[tuple[int, Area]] = [(i, a) for i, a in enumerate(self.areas) if len(a.districts()) > 1]
        # the who-phrase (CHECK) where the codes say only an age: the individual pathway open, age the one individual
        # group that restricts, and no text group, named status or applicant kind deciding who
        individual = [k for k, name in enumerate(GROUP_ORDER) if name == "age" or GROUP_BY_NAME[name].pathway == "individual"]
        only_age = self.age_restricted & (self.restrict_matrix[:, individual].sum(axis=1) == 1)
        age_only = present["individual"] & only_age & (self.restriction_id < 0) & (self.status_bits == 0) & (self.applicant == 0)
        windex: dict[WhoCheck, int] = {}
        self.who_id = np.full(n, -1, dtype=np.int32)
        # (s42) and where the codes add only the income band (income says how much, not who): 우리동네 복지기동대's
        # "위기상황에 처한 가구 중 긴급복지지원법상 지원 제외자" was listed as receivable on age and income alone
        income_only = (self.restricts["income"] & ~self.restricts["personal"] & ~self.restricts["household"]
                       & present["individual"] & (self.restriction_id < 0) & (self.status_bits == 0) & (self.applicant == 0))
        for row, svc in enumerate(services):
            who = svc.all_of or (svc.who if age_only[row] or (income_only[row] and svc.who is not None
                                                               and not _income_phrase(svc.who.phrase, svc.title)) else None)
            if who is not None:
                self.who_id[row] = windex.setdefault(who, len(windex))
        self.who_checks: list[WhoCheck] = list(windex)
        # the text's income limit where it differs from the coded bands (income_text): the condition INCOME
        low, high = np.full(n, np.inf), np.full(n, -np.inf)
        for c in CODES:
            if c.group == "income" and isinstance(c.value, tuple):
                has = ((self.y >> np.uint64(BIT[c.code])) & np.uint64(1)).astype(bool)
                low[has], high[has] = np.minimum(low[has], c.value[0]), np.maximum(high[has], c.value[1])
        bands = [(lo, hi) if r else (-np.inf, np.inf)
                 for lo, hi, r in zip(low.tolist(), high.tolist(), self.restricts["income"].tolist(), strict=True)]
        iindex: dict[IncomeLimit, int] = {}
        self.income_id = np.full(n, -1, dtype=np.int32)
        for row, svc in enumerate(services):
            text = svc.income
            if text is not None and present["individual"][row] and (text.floor or -np.inf, text.limit) != bands[row]:
                self.income_id[row] = iindex.setdefault(text, len(iindex))
        self.income_limits: list[IncomeLimit] = list(iindex)
        # Rows with the same coded conditions get the same verdict for any person: number them once so
        # an evaluation explains each distinct row once (455 distinct rows among the 1,097 services).
        unmapped_id = np.zeros(n, dtype=np.uint64)
        for k, row in enumerate(sorted(self.unmapped), start=1):
            unmapped_id[row] = k
        key = np.stack([self.y, self.age_lo.astype(np.int64).astype(np.uint64), self.age_hi.astype(np.int64).astype(np.uint64),
                        self.age_restricted.astype(np.uint64), self.no_conditions.astype(np.uint64), unmapped_id,
                        (self.status_bits != 0).astype(np.uint64), (self.income_id + 1).astype(np.uint64)], axis=1)
        #: ``int64[n]``: rows with equal signature have identical coded (JA) conditions; the area is apart.
        self.signature = (np.unique(key, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)
                          if n else np.zeros(0, dtype=np.int64))
        self.unmapped_codes = sorted({c for codes in self.unmapped.values() for c in codes})
        if self.unmapped_codes:
            logger.warning("unmapped eligibility condition codes", extra={"stage": "eligibility", "codes": self.unmapped_codes})

    def _coded(self, row: int, r: Restriction) -> bool:
        """Whether a JA code that restricts ``row`` already stands for one of the groups of ``r`` (장애인 coded as
        JA0328, 여성 as JA0102 …): the coded condition then decides who, and the text adds nothing."""
        for g in (*r.groups, *(g for g, _p in r.specific)):
            for code in GROUP_CODES.get(g, ()):
                group = CODE_BY_NAME[code].group
                if int(self.y[row]) >> BIT[code] & 1 and self.restricts[group][row]:
                    return True
        return False

    def __len__(self) -> int:
        return len(self.services)

    def rows(self, service_ids: Iterable[str] | None) -> np.ndarray:
        """Row numbers of ``service_ids`` (all rows when ``None``).

        Raises:
            UnknownServiceError: an id is not in the catalogue (the message names it).
        """
        if service_ids is None:
            return np.arange(len(self.services))
        out = []
        for sid in service_ids:
            if sid not in self.index:
                raise UnknownServiceError(f"service {sid!r} is not in the catalogue ({len(self)} services)")
            out.append(self.index[sid])
        return np.asarray(out, dtype=np.int64)

    @classmethod
    def from_records(cls, records: Iterable[tuple[ServiceInfo, Mapping[str, Any]]], version: str = "") -> Catalogue:
        """Build from ``(service, conditions)`` pairs; ``conditions`` maps JA codes to ``"Y"``/``None``/ints."""
        pairs = list(records)
        return cls([p[0] for p in pairs], [p[1] for p in pairs], version)

    @classmethod
    def from_documents(cls, docs: Iterable[Document], version: str = "") -> Catalogue:
        """Build from catalogue documents (those whose ``meta`` has ``conditions``; others are skipped)."""
        records = []
        for d in docs:
            cond = d.meta.get("conditions")
            if not isinstance(cond, dict):
                continue
            laws = tuple(x.strip() for x in str(d.meta.get("legal_basis") or "").splitlines() if x.strip())
            text = "\n".join(sec.text for sec in d.sections if sec.name in ("지원대상", "선정기준"))
            area = text_area(text, d.title) or local_agency_area(text, d.title, d.agency) or title_area(text, d.title, d.agency)
            target = "\n".join(sec.text for sec in d.sections if sec.name == "지원대상")
            period = "\n".join(sec.text for sec in d.sections if sec.name == PERIOD_SECTION)
            records.append((ServiceInfo(d.doc_id, d.title, d.url, d.agency, laws, groups_in(text), area,
                                        applicant_kind(target), statuses_in(text), ways_in(text), restriction_in(text),
                                        str(d.meta.get("agency_type") or ""), BEYOND_AREA.search(text) is not None,
                                        who_check(target or text, d.title), period, all_of_check(text),
                                        income_limit(text)), cond))
        return cls.from_records(records, version)

    @classmethod
    def from_gov24_dir(cls, root: Path) -> Catalogue:
        """Build straight from the catalogue's JSON folder (no import, no embeddings).

        Raises:
            LoaderError: as :func:`assistant.knowledge.loaders.load_gov24`.
        """
        from assistant.knowledge.loaders import GOV24_FILES, load_gov24

        stamp = "|".join(f"{n}:{(root / f).stat().st_mtime_ns}" for n, f in GOV24_FILES.items() if (root / f).exists())
        return cls.from_documents(load_gov24(root), version=f"dir:{root.resolve()}|{stamp}")


__all__ = ["APPLICANT_KINDS", "CODES", "Catalogue", "ServiceInfo", "UnknownServiceError"]
