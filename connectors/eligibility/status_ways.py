"""The other ways in a text names beside its named statuses: when a known "no" rules a service out (issue #5).

A service whose 지원대상/선정기준 names 기초생활수급자, 차상위, 국가유공자 or 대한민국명장
(:mod:`connectors.eligibility.statuses`) is often a list of alternatives: "수급자, 차상위계층, 장애인, 65세 이상 노인,
한부모가족, 관내 주민 …". The condition ``STATUS`` is then the *any-of* of the named statuses and these other ways
in. This module reads the other ways, by keyword, list item by list item (a line, cut at commas and slashes):

* a piece that names a status is a status alternative; inside it, a part after 또는/및 that names another group
  ("수급자 또는 건강보험료 … 100% 이하인 가구", "국가유공자 및 장애인") is one more way in;
* a piece that names a group a fact can decide is a *decidable* way (:data:`_DECIDABLE`): 장애인 → ``disabled``,
  "65세 이상 노인" → ``age`` ≥ 65, 한부모 → ``single_parent_family`` …; its facts combine with AND
  ("55세 이상 단독세대": 55 or over *and* living alone);
* a piece that names anything else (residents of a place, volunteers, 의사상자, students, a premium or income
  threshold no fact holds, or words this reader does not know) is an *open* way: no fact decides it, so a service with
  one is never ruled out by ``STATUS``;
* headers ("다음 각 호의 어느 하나에 해당하는 자", "100분의 50 감면"), a status's own family ("그 유족", "그 자녀")
  and the pieces after "수급자 중 …" (they narrow the status; they are no way in) are not ways;
* "…을 모두 충족하는 가구" (에너지바우처: income *and* household traits) means the statuses are required: no other way.

Reading errs towards *open*: a wrong open way leaves a service ``unknown`` (to confirm), a missed one would rule a
citizen out of a benefit they hold, which the assistant must never do on a keyword reading.

Example:
    >>> [w.key for w in ways_in("○ 기초생활수급자\\n○ 장애인\\n○ 65세 이상 노인")]
    ['disabled', 'age>=65']
    >>> [w.key for w in ways_in("○ 수급자, 차상위계층\\n○ 관내 주민")]
    ['open']
    >>> ways_in("○ 소득기준과 가구원특성기준을 모두 충족하는 가구\\n- 소득기준 : 생계급여 수급자\\n- 장애인")
    ()
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.eligibility.facts import Facts
from connectors.eligibility.statuses import STATUSES, statuses_in
from connectors.eligibility.text_groups import DISABILITY, names_disability

#: Remark and proviso lines ("※ …", "- 단, …") name exceptions and extras, not who the service is for.
_REMARK = re.compile(r"^\s*(?:[※*☞]|[-·ㆍ]?\s*단\s*[,，]).*$", re.MULTILINE)
#: A fragment of a benefit list cut at a comma ("생계, 의료 수급권자"), or a class number ("1종, 2종").
_FRAGMENT = re.compile(r"^(?:생계|의료|주거|교육)(?:급여)?$|^\d+\s*[종급]$")
#: "… 등": the list goes on (others the text does not name).
_ETC = re.compile(r"\s등\s*[)）]?\s*$")
_BULLET = re.compile(r"^\s*(?:[○◦•·ㆍ〮\-－–]+|\d+\s*[.)]|[가-하]\s*[.)])\s*")
_PIECES = re.compile(r"\s*[,，、/]\s*")
_PARTS = re.compile(r"\s+(?:또는|및)\s+")
#: The statuses are required, the rest are further conditions (에너지바우처).
_ALL_REQUIRED = re.compile(r"모두\s*충족")
#: A header or a list's lead-in, never a way in.
_HEADER = re.compile(r"다음\s*각|어느\s*하나(?:라도)?\s*(?:에\s*)?(?:충족|해당)하는|각\s*호의")
#: Labels of a discount list's tiers and the like ("100분의 50 감면", "○ 지원대상").
_LABEL = re.compile(r"감면|면제|할인|지원대상\s*$|이용고객|제출|적용|지원\s*가능|선정$|우선")
#: A status's own family or companions ("국가유공자 및 그 유족"): they follow the status, no way of their own.
_COMPANION = re.compile(r"^(?:그\s*)?(?:유족|가족|자녀|배우자|보호자|동반자?)")
#: "수급자 중 …": what follows narrows the status (same line).
_AMONG = re.compile(r"(?:자|층|가구)\s*중\s")
#: Groups no fact holds: a way in that nothing decides.
_OPEN = re.compile(
    r"보험료|소득|중위|위기|자원봉사|병역|의사상자|의사자|의상자|무연고|기증|헌혈|포로|회원|단체|인솔|학생|학교|재학|"
    r"시설|주민|시민|군민|구민|도민|거주|주소|소년|소녀|지역특화|소외|취약|모범|납세|차량|자동차|공무|군인|교직원|카드|기부|"
    r"피해|제대|희생|공헌|여성농업인|행려|노숙|외국인|쪽방|주취|요청|고령|경로당|기관|기업|개인|사례관리|수당|연금|"
    r"활동지원|희귀|중증질환|산정특례|임직원|관내|출신|입상|대회|수상|선수")


@dataclass(frozen=True)
class OtherWay:
    """One way in beside the named statuses.

    Attributes:
        key: ``"disabled"``, ``"age>=65"``, ``"single_parent_family"`` … (the facts it tests, ``+``-joined), or
            ``"open"`` for a way no fact decides.
        ko, en: how a reply names it ("장애인", "65세 이상"; "그 밖의 대상" / "others the text names").
        tests: ``(fact, threshold)`` pairs, all required: a boolean fact must be ``True``; ``("age", n)`` means
            age ≥ ``n`` years. Empty for an open way.
    """

    key: str
    ko: str
    en: str
    tests: tuple[tuple[str, int | bool], ...] = ()

    def state(self, facts: Facts) -> int:
        """0 known not to hold, 1 unknown, 2 holds (an open way is always 1)."""
        if not self.tests:
            return 1
        state = 2
        for fact, want in self.tests:
            value = getattr(facts, fact)
            if value is None:
                state = 1
            elif not (value >= want if fact == "age" else value is want):
                return 0
        return state

    def missing(self, facts: Facts) -> tuple[str, ...]:
        """The facts still unknown that would decide it."""
        return tuple(f for f, _ in self.tests if getattr(facts, f) is None)


OPEN = OtherWay("open", "그 밖의 대상", "others the text names")
#: Decidable groups: (pattern, fact, Korean and English label). Age: "NN세 이상", or 65 for 노인/경로/어르신.
_DECIDABLE: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (DISABILITY, "disabled", "장애인", "registered disability"),  # not 비장애, 무장애 … (names_disability)
    (re.compile(r"한부모|조손"), "single_parent_family", "한부모·조손가족", "single-parent family"),
    (re.compile(r"다자녀|다둥이|[두세2-9]\s*자녀|자녀를?\s*[2-9두세]\s*명|[두세]\s*명\s*이상의\s*자녀"), "multi_child_household",
     "다자녀가구", "household with several children"),
    (re.compile(r"다문화|결혼이민"), "multicultural_family", "다문화가족", "multicultural family"),
    (re.compile(r"임산부|임신"), "pregnant", "임산부", "pregnant"),
    (re.compile(r"북한이탈|북향민"), "north_korean_defector", "북한이탈주민", "North Korean defector"),
    (re.compile(r"단독세대|독거|1인\s*가구"), "single_person_household", "1인가구", "single-person household"),
    (re.compile(r"질환자|질병"), "ill", "질환자", "illness"),
)
_AGE = re.compile(r"(\d{1,3})\s*세\s*이상")
_ELDER = re.compile(r"노인|경로|어르신")


def _decidable(piece: str) -> OtherWay | None:
    """The decidable way a piece names (its facts AND-ed), or ``None``."""
    tests: list[tuple[str, int | bool]] = []
    ko: list[str] = []
    en: list[str] = []
    age = _AGE.search(piece)
    if age or _ELDER.search(piece):
        years = int(age.group(1)) if age else 65
        tests.append(("age", years))
        ko.append(f"{years}세 이상")
        en.append(f"aged {years} or over")
    for pattern, fact, k, e in _DECIDABLE:
        if pattern.search(piece) and fact not in (f for f, _ in tests):
            if fact == "single_parent_family" and "사회복지" in piece:
                continue
            if fact == "disabled" and not names_disability(piece):  # "비장애 형제자매": no disability (s12 #2)
                continue
            tests.append((fact, True))
            ko.append(k)
            en.append(e)
    if not tests:
        return None
    return OtherWay("+".join(f if f != "age" else f"age>={v}" for f, v in tests), " ".join(ko), " and ".join(en), tuple(tests))


def _classify(piece: str, fallback_open: bool) -> OtherWay | None:
    piece = piece.strip(" \t()[]「」『』:")
    if (len(re.findall(r"[가-힣]", piece)) < 2 or _FRAGMENT.match(piece) or _HEADER.search(piece)
            or _COMPANION.match(piece) or "제외" in piece):
        return None
    if _OPEN.search(piece):
        return OPEN
    way = _decidable(piece)
    if way is not None:
        return way
    if _LABEL.search(piece):
        return None
    return OPEN if fallback_open else None


def _names_status(text: str) -> bool:
    return bool(statuses_in(text))


def ways_in(text: str) -> tuple[OtherWay, ...]:
    """The other ways in that a 지원대상/선정기준 text names beside its statuses (distinct, in text order; an open way
    at most once). Only meaningful for a text that names a status (:func:`~connectors.eligibility.statuses.statuses_in`).

    Example:
        >>> [w.key for w in ways_in("○ 만65세이상 노인, 장애의 정도가 심한 장애인, 생계·의료급여 수급자")]
        ['age>=65', 'disabled']
        >>> ways_in("○ 차상위수급자 중 65세 이상 노인, 장애인")  # they narrow the status: no other way
        ()
        >>> [w.key for w in ways_in("○ 국민기초생활수급자 또는 가구건강보험료 합산액이 기준중위소득 100%이하인 가구")]
        ['open']
    """
    text = _REMARK.sub("", text)
    if _ALL_REQUIRED.search(text):
        return ()
    found: dict[str, OtherWay] = {}
    for raw in text.splitlines():
        line = _BULLET.sub("", raw).strip()
        if not line:
            continue
        narrowed = False
        for piece in _PIECES.split(line):
            if narrowed:
                continue
            if _ETC.search(piece):
                found.setdefault(OPEN.key, OPEN)
            if _names_status(piece):
                for part in _PARTS.split(piece):
                    way = None if _names_status(part) else _classify(part, fallback_open=False)
                    if way is not None:
                        found.setdefault(way.key, way)
                among = _AMONG.search(piece)
                narrowed = among is not None and _names_status(piece[:among.end()])
                continue
            way = _classify(piece, fallback_open=True)
            if way is not None:
                found.setdefault(way.key, way)
    return tuple(found.values())


def status_state(bits_held: int, bits_named: int, bits_open: int, ways: tuple[OtherWay, ...], facts: Facts) -> int:
    """The ``STATUS`` group's state (0 not eligible, 1 unknown, 2 held) for a service naming the statuses
    ``bits_named`` (bit ``i`` = ``STATUSES[i]``) and the other ways ``ways``: held when a named status is held (as
    before this module); not eligible only when every named status is known false and every way is known not to hold
    (an open way never is); else unknown. A decidable way that holds leaves it unknown, never held: the keyword
    reading drops what else the item asks ("소득 60% 이하인 한부모 가구"), so it may rule out, never rule in."""
    if bits_named & bits_held:
        return 2
    if bits_named & bits_open or any(w.state(facts) for w in ways):
        return 1
    return 0


assert len(STATUSES) <= 8  # status bits fit the catalogue's uint8 column

__all__ = ["OPEN", "OtherWay", "status_state", "ways_in"]
