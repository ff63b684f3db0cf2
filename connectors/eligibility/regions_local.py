"""The region of services run by local public enterprises and foundations (지방공기업, 지방출자·출연기관: 시설관리공단,
도시공사, 의료원, 장학재단 ...), when their text supports it.

Such an agency belongs to one area (광진구시설관리공단: 서울특별시 광진구; 목포시의료원: 목포시), but its services are
not limited to that area's residents as a rule: a fee reduction at a facility is for whoever uses it (국가유공자,
장애인 from anywhere), a hospital's programme for the patients it treats, a housing purchase for whoever sells a
house there. So :func:`agency_area` (local governments only) gives them no region, and :func:`text_area` reads only
a region *named* with a word of residence. This module adds the two cases where the text refers to the agency's
own area without naming it, read by hand over the 118 services of these agencies in the catalogue snapshot
(see the tests and the session note for each one):

* the first condition of 지원대상/선정기준 requires residence in "the area" without naming it: ``관내`` (not followed
  by a school, business or facility: ``관내 고등학교`` is where one studies), ``지역주민``/``지역민``, or
  ``도내·시내·군내·구내`` followed by 주소/거주/주민등록 (``충남도내 주소를 두고 있는``), and the text names no other
  시·도; a title that lists alternative groups (감면, 할인, 면제, 우대) is not read, as in :func:`text_area`;
* the first condition names the agency's own area (its 시·도 or 시·군·구) next to a word of residence (주소,
  주민등록, 거주, 군민 …) that :func:`text_area` does not read because words stand between them (``"달성군에
  등록기준지 및 주소지를 2년이상 두고 있는 군민"``, ``"주민등록이 화성시에"``), unless a school or a site there
  qualifies too (``"영등포구 소재, 거주"``, ``"(거주 또는 재학)"``);
* the first condition lists several 시·군·구 of the agency's 시·도 before a word of residence (``"영양, 봉화, 고령,
  성주, 청송군 거주 임산부"``, 경상북도안동의료원): those 시·군·구 (an :class:`Area` whose ``sigungu`` joins them with
  ``"·"``; since s9 a service holds the listed few, not their whole 시·도), :func:`_listed_areas`;
* the title is a 거주자우선주차 (residents' priority parking: on-street spaces allotted to the residents of the
  시·군·구 by its ordinance under 주차장법 제10조), whatever the groups listed.

Decided: a text where living there is one way among others (``"영등포구 소재, 거주"``, ``"세종시 초·중·고등학생(거주
또는 재학)"``: a school or a site there qualifies too) gives no region. The facts hold no school location, so a
residence elsewhere cannot rule the person out; the service is listed with its text cited.

The area is the agency's locality (:func:`agency_locality`): the 시·도 its name starts with, and the 시·군·구 that
follows or starts it, written in full (광진구) or as its stem (목포, 고양, 달성).

A third case reads the title (:func:`title_area`): a service whose name starts with its agency's own 시·도 or
시·군·구 as a word of its own ("경기도 의사상자 의료비 감면", "전북특별자치도 SOS 장학금") is that area's programme
unless its text says otherwise (another 시·도 named; or, for a title listing alternative groups, a first item that
does not itself start with the area: "아산시 생태곤충원 입장료 감면" names a facility, its reductions are for
장애인 from anywhere, while "경기도 의사상자 등록자" qualifies the group by the area).
"""

from __future__ import annotations

import re

from connectors.eligibility.regions import (
    _ALTERNATIVES_TITLE,
    _BULLET,
    _NOT_RESIDENCE_AFTER,
    SIDO,
    SIDO_ALIASES,
    SIGUNGU,
    Area,
    agency_area,
)

_PREFIXES = re.compile(r"^(?:\(재\)|\(사\)|재단법인|사단법인)\s*")
_SIDO_NAMES = sorted((*SIDO, *SIDO_ALIASES), key=len, reverse=True)
#: 시·군·구 name or stem (광진구, 광진; 목포시, 목포) → its areas (a stem shared by two 시·도 is ambiguous).
_SGG_BY_WORD: dict[str, set[Area]] = {}
for _sido, _names in SIGUNGU.items():
    for _name in _names:
        for _word in {_name, _name[:-1]}:
            if len(_word) >= 2:
                _SGG_BY_WORD.setdefault(_word, set()).add(Area(_sido, _name))
_SGG_WORDS = sorted(_SGG_BY_WORD, key=len, reverse=True)
_HANGUL = re.compile(r"[가-힣]")
#: unnamed residence in the agency's own area (see the module docstring).
_LOCAL_RESIDENCE = re.compile(r"관내|지역\s*주민|지역민|(?:도|시|군|구)내\s*(?:에\s*)?(?:\d+\s*년\s*이상\s*)?(?:주소|거주|주민등록)")
_OTHER_SIDO = re.compile("|".join(map(re.escape, _SIDO_NAMES)))
#: a word of residence after the area's name (within 25 characters), or before it (주소지가 경기도, 주민등록이 화성시에).
_RESIDENCE_WORD = re.compile(r"주소|주민등록|거주|(?<=[시군구도])민(?![가-힣])|(?:도|시|군|구)민(?:\s|$|[^가-힣]|또는|으로|이)")
_RESIDENCE_BEFORE = re.compile(r"(?:주소지?|주민등록)(?:가|이|을|를)?\s*$")
#: living there OR studying / being sited there (영등포구 소재, 거주 …; 거주 또는 재학): residence is one way among others.
_SCHOOL_OR_SITE = re.compile(r"^\s*(?:에\s*)?소재|(?:거주|주소)\s*(?:또는|이나|나|,)\s*(?:재학|소재)|(?:재학|소재)\s*(?:또는|이나|,)\s*(?:거주|주소)")
#: residents' priority parking (거주자우선주차제): allotted to residents of the 시·군·구 by its ordinance.
_RESIDENT_PARKING = re.compile(r"거주자\s*우선\s*주차")


def agency_locality(agency: str) -> Area | None:
    """The area a local public enterprise's or foundation's name places it in (``None``: none, or ambiguous).

    Examples:
        >>> agency_locality("광진구시설관리공단")
        Area(sido='서울특별시', sigungu='광진구')
        >>> agency_locality("강원특별자치도삼척의료원")
        Area(sido='강원특별자치도', sigungu='삼척시')
        >>> agency_locality("부산시설공단")
        Area(sido='부산광역시', sigungu=None)
    """
    name = _PREFIXES.sub("", agency.strip())
    sido = None
    for s in _SIDO_NAMES:
        if name.startswith(s):
            sido, name = SIDO_ALIASES.get(s, s), name[len(s):]
            break
    for word in _SGG_WORDS:
        if name.startswith(word):
            areas = {a for a in _SGG_BY_WORD[word] if sido is None or a.sido == sido}
            if len(areas) == 1:
                return next(iter(areas))
            break
    return Area(sido, None) if sido is not None else None


def local_agency_area(text: str, title: str, agency: str) -> Area | None:
    """The area of a non-government local agency's service when its text or title supports it (module docstring).

    Args:
        text: the 지원대상 and 선정기준 sections; title: 서비스명; agency: 소관기관명.

    Returns:
        The agency's locality, or ``None`` (a local government: :func:`agency_area` decides; no locality; no support).

    Example:
        >>> local_agency_area("관내 만 18세 이상 성인 중 초등학력 미취득자", "초등학력 인정 문해교실", "기장군도시관리공단")
        Area(sido='부산광역시', sigungu='기장군')
    """
    if agency_area(agency) is not None:
        return None
    area = agency_locality(agency)
    if area is None:
        return None
    if _RESIDENT_PARKING.search(title):
        return area
    if _ALTERNATIVES_TITLE.search(title):
        return None
    items = [i for i in _BULLET.split(text) if len(_HANGUL.findall(i)) >= 6]
    if not items:
        return None
    first = items[0]
    if any(SIDO_ALIASES.get(s, s) != area.sido for s in _OTHER_SIDO.findall(first)):
        return None  # another 시·도 named: not the agency's own area
    named = _own_area_named(first, area)
    if named is not None:
        return named
    listed = _listed_areas(first, area.sido)
    if listed is not None:
        return listed
    for m in _LOCAL_RESIDENCE.finditer(first):
        cue = m.group()
        if cue == "관내" and _NOT_RESIDENCE_AFTER.match(first[m.end():]):
            continue
        if cue.startswith("도내") or cue.startswith("지역"):
            return Area(area.sido, None)  # "도내": the 시·도; "지역주민": an extent not given, the broader reading
        return area
    return None


#: names a title may start with as a word of their own: official 시·도 names and the aliases that end in 시/도
#: ("서울시", "강원도"); bare short forms are left out ("경기 살리기" is the economy, "경기 및 행사" a match).
_TITLE_SIDO = sorted([*SIDO, *(a for a in SIDO_ALIASES if a.endswith(("시", "도")) and len(a) >= 3)], key=len, reverse=True)
_TITLE_START = re.compile(rf"^(?P<sido>{'|'.join(map(re.escape, _TITLE_SIDO))})?\s*(?P<sgg>[가-힣]{{1,5}}(?:시|군|구))?\s")


def title_area(text: str, title: str, agency: str) -> Area | None:
    """The area a non-government local agency's service title starts with, when it is the agency's own (module docstring).

    Args:
        text: the 지원대상 and 선정기준 sections; title: 서비스명; agency: 소관기관명.

    Returns:
        The area the title names (its 시·도, or the 시·군·구 when named), or ``None``: a local government
        (:func:`agency_area` decides), an agency without a locality (a national one: its title may name one
        branch), a title that does not start with a region word, a region other than the agency's, a text
        naming another 시·도, or an alternatives title whose first item does not start with the area.

    Examples:
        >>> title_area("○ 경기도 의사상자 등록자", "경기도 의사상자 의료비 감면", "경기도의료원")
        Area(sido='경기도', sigungu=None)
        >>> title_area("심한 장애로 등록된 장애인 아산시민", "아산시 생태곤충원 입장료 감면", "아산시시설관리공단") is None
        True
    """
    if agency_area(agency) is not None:
        return None
    own = agency_locality(agency)
    m = _TITLE_START.match(title.strip())
    if own is None or m is None or not (m.group("sido") or m.group("sgg")):
        return None
    sido = SIDO_ALIASES.get(m.group("sido") or "", m.group("sido") or own.sido)
    sgg = m.group("sgg")
    if sido != own.sido or (sgg is not None and (sgg not in SIGUNGU.get(sido, ()) or own.sigungu not in (None, sgg))):
        return None
    if any(SIDO_ALIASES.get(x, x) != sido for x in _OTHER_SIDO.findall(text)):
        return None  # the text names another 시·도: it says otherwise
    area = Area(sido, sgg)
    if _ALTERNATIVES_TITLE.search(title):
        items = [i.strip() for i in _BULLET.split(text) if i.strip()]
        named = m.group().strip()
        if not items or not items[0].startswith(named):
            return None
    return area


#: several 시·군·구 (names or stems) listed before one word of residence: "영양, 봉화, 고령, 성주, 청송군 거주 임산부".
_LISTED = re.compile(r"((?:[가-힣]{2,5}\s*[,·ㆍ]\s*)+[가-힣]{2,5})\s*(?:에\s*)?(?:거주|주소|주민등록)")


def _listed_areas(item: str, sido: str) -> Area | None:
    """The area of a list of 시·군·구 of the agency's 시·도 before a word of residence (the catalogue's
    경상북도안동의료원 programme "영양, 봉화, 고령, 성주, 청송군 거주 임산부": five 군, none of them 안동).

    Every listed word must be a 시·군·구 (or its stem) of ``sido`` and none may be followed by 소재 or 재학 (a
    site or a school there qualifies too). Returns the listed 시·군·구 in the list's order, joined with ``"·"``
    (:meth:`Area.districts`): residents of other 시·도, and of the other 시·군 of the same 시·도 (안동시 itself), are
    ruled out; a resident whose 시·군·구 is not known is asked for it.

    Example:
        >>> _listed_areas("영양, 봉화, 고령, 성주, 청송군 거주 임산부", "경상북도")
        Area(sido='경상북도', sigungu='영양군·봉화군·고령군·성주군·청송군')
    """
    for m in _LISTED.finditer(item):
        if _SCHOOL_OR_SITE.search(item[m.end() - 2:m.end() + 25]):
            continue
        words = [w.strip() for w in re.split(r"[,·ㆍ]", m.group(1)) if w.strip()]
        areas: dict[Area, None] = {}
        for w in words:
            found = {a for a in _SGG_BY_WORD.get(w, ()) if a.sido == sido}
            if len(found) != 1:
                areas = {}
                break
            areas.update(dict.fromkeys(found))
        if len(areas) >= 2:
            return Area(sido, "·".join(str(a.sigungu) for a in areas))
    return None


def _own_area_named(item: str, area: Area) -> Area | None:
    """The agency's own area named in ``item`` near a word of residence (either order, a few words apart):
    ``"달성군에 등록기준지 및 주소지를 2년이상 두고 있는 군민"``, ``"주민등록이 화성시에 1년 이상"``, ``"경기도 거주"``;
    not when it says 소재 right after the name or "거주 또는 재학" (a school or a site there qualifies too). The 시·군·구 when it is the one named,
    else the whole 시·도."""
    sido_names = [n for n in _SIDO_NAMES if SIDO_ALIASES.get(n, n) == area.sido]
    sgg_names = [area.sigungu, area.sigungu[:-1]] if area.sigungu else []
    for names, level in ((sgg_names, area), (sido_names, Area(area.sido, None))):
        for name in sorted(names, key=len, reverse=True):
            for m in re.finditer(rf"(?<![가-힣]){re.escape(name)}", item):
                after, before = item[m.end():m.end() + 25], item[max(0, m.start() - 12):m.start()]
                if _SCHOOL_OR_SITE.search(after):
                    continue  # "영등포구 소재, 거주", "세종시 학생(거주 또는 재학)": living there is one way among others
                if _RESIDENCE_WORD.search(after) or _RESIDENCE_BEFORE.search(before):
                    return level
    return None
