"""The region a question names, read as a place only where it is one, and the ranking preference it gives.

A citizen who says where they live ("서울에서 임신하면 …", "충남 예산군 청년 …", or the conversation's ``region``
slot) wants that region's programmes and the national ones, not another local government's copy of the same
programme. The catalogue's local programmes are run by an agency named "<시·도> [<시·군·구>]" ("충청남도 예산군");
the places a question can name are read from those agency names (the index is the gazetteer) plus the usual short
names of the 시·도 (서울, 충남, 경기 …).

Many short place names are also common words: 예산 (budget / 예산군), 고령 (elderly / 고령군), 장수 (longevity / 장수군),
경기 (economy, a match / 경기도), 부여 (grant / 부여군), 광주 (광주광역시, and 경기도 광주시). The rule that decides
whether a word of the question names a place (:meth:`RegionReader.read`), in order:

1. A name written with its administrative suffix names a place: an official 시·도 name ("서울특별시", "충청남도"),
   a 시·도's short name ending in 시 or 도 ("서울시", "강원도") or a 시·군·구 name in full ("예산군", "고령군", "중구",
   "광주시").
2. A shorter form (a 시·군·구 without its 시/군/구, or a 시·도's short name: "예산", "고령", "서울", "경기") names
   a place only where it is read as one:

   a. Kiwi (kiwipiepy's morphological analysis) tags it as a proper noun (``NNP``) in the question: "충남 예산 청년"
      and "함양 주민" are tagged NNP, "예산 지원 사업", "고령 어르신", "장수 수당" are tagged NNG (common noun);
   b. or a particle or word of place or residence follows it: 에, 에서, 에 살/사는/거주, 사는, 살아, 거주, 쪽, 지역,
      주민, 시민, 군민, 구민, 도민 ("고령에 살아요", "예산에 사는 청년", which Kiwi tags NNG);
   c. or its 시·도 is named next to it ("충남 예산", "경남 고성").

   The word must start a word (no Hangul before it): "고령자" and "장수풍뎅이" are no places.
3. A 시·군·구 name several 시·도 have ("중구", "남구", "고성", "광주시") names every one of them unless a 시·도 is
   named too ("부산 중구" → 부산광역시 중구 only). The short name "광주" is the former 광주광역시 (now
   전남광주통합특별시); 경기도 광주시 is read when 경기 is named with it or the 시 is written ("광주시").

Own code rather than a library: no package reads Korean administrative names against this catalogue's agencies.
The names and the reading of an agency are :mod:`assistant.regions`' (one reading of places for answers, eligibility
and ranking); this module adds only the rule above for free text, where a short name is often a common word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.nlu.tokenizer import Token
from assistant.regions import SIDO, SIDO_ALIASES, agency_regions, official_sido

#: Official 시·도 names as the catalogue's agencies write them → their usual short and former names: the aliases of
#: :mod:`assistant.regions` (the one table of place names), plus "광주시", which a citizen of the former 광주광역시
#: writes as often as one of 경기도 광주시 (rule 3 reads it as either unless a 시·도 is named with it).
SIDO_SHORT: dict[str, tuple[str, ...]] = {
    sido: tuple(alias for alias, target in SIDO_ALIASES.items() if target == sido) + (("광주시",) if sido == official_sido("광주") else ())
    for sido in SIDO
}
#: what may follow a short name that reads it as a place (rule 2b)
_PLACE_AFTER = re.compile(r"^(?:\s*에\s*(?:서|살|사|거주|있)|\s*에(?![가-힣])|\s*(?:사는|살아|살고|거주|쪽|지역|주민|시민|군민|구민|도민))")


@dataclass(frozen=True, order=True)
class Place:
    """A local government: ``sido`` (official 시·도 name) and ``sigungu`` (its 시·군·구, or None for the 시·도 itself)."""

    sido: str
    sigungu: str | None = None

    def __str__(self) -> str:
        return self.sido if self.sigungu is None else f"{self.sido} {self.sigungu}"


def agency_place(agency: str) -> Place | None:
    """The local government an agency name is or belongs to ("충청남도 예산군" → ``Place("충청남도", "예산군")``;
    "서울특별시교육청" → ``Place("서울특별시")``), or None for a ministry or a national body ("보건복지부"): the reading of
    :func:`assistant.regions.agency_regions`, which the answers use too.

    >>> agency_place("충청남도 예산군"), agency_place("경기도"), agency_place("보건복지부")
    (Place(sido='충청남도', sigungu='예산군'), Place(sido='경기도', sigungu=None), None)
    """
    parts = agency_regions(agency)
    if not parts:
        return None
    return Place(parts[0], parts[1] if len(parts) > 1 else None)


def compatible(doc: Place, named: Place) -> bool:
    """Whether a document of ``doc`` serves a citizen of ``named``: the same 시·도, and the same 시·군·구 when both
    name one (a 시·도's programme serves every 시·군·구 in it; a citizen who named only the 시·도 may live in any)."""
    return doc.sido == named.sido and (doc.sigungu is None or named.sigungu is None or doc.sigungu == named.sigungu)


#: the conversation's slots that say where the citizen lives (assistant.dialogue.regional), read in this order
PLACE_SLOTS = ("programme_region", "region_district", "region")


def service_place(agency: str) -> str:
    """The local government that runs a service (``agency``: "충청북도 옥천군" → "충청북도 옥천군"), or ``""`` for a
    ministry or another national body (:func:`~assistant.regions.agency_regions`)."""
    return " ".join(agency_regions(agency or ""))


def lives_elsewhere(agency: str, slots: Mapping[str, Any]) -> str | None:
    """Where the conversation says the citizen lives (``slots``: the first of :data:`PLACE_SLOTS` that names a place,
    read by :func:`~assistant.regions.read_place`) when the local government ``agency`` does not serve it: another
    시·도, or another 시·군·구 of it when both name one (:func:`compatible`); None when it is served, the service is
    national, or the place is unknown. s44 probe: 옥천군's 청년 월세 지원 was prepared for a citizen who then said
    "서울 관악구요", and 강릉시's 미혼모 의료비 지원 was submitted for a citizen of 서울특별시.

    >>> lives_elsewhere("충청북도 옥천군", {"programme_region": "서울특별시 관악구"}), lives_elsewhere("충청북도 옥천군", {"region": "충청북도"})
    ('서울특별시 관악구', None)
    >>> lives_elsewhere("보건복지부", {"region": "부산광역시"}), lives_elsewhere("충청북도 옥천군", {})
    (None, None)
    """
    from assistant.regions import read_place

    doc = agency_place(agency or "")
    if doc is None:
        return None
    for slot in PLACE_SLOTS:
        value = slots.get(slot)
        area = read_place(value) if isinstance(value, str) and value.strip() else None
        if area is not None:
            return None if compatible(doc, Place(area.sido, area.sigungu)) else str(area)
    return None


@dataclass
class _Name:
    """One way of writing a place: the places it may name, whether it is written in full (rule 1), and whether it is
    first of all a 시·도's short name (rule 3: "광주" is 전남광주통합특별시 unless 경기 is named with it)."""

    places: set[Place]
    full: bool
    sido_first: bool


class RegionReader:
    """Reads the places a question names (see the module docstring for the rule).

    Args:
        agencies: the agency names of the index's documents (the 시·군·구 that run a programme).

    Example:
        >>> r = RegionReader(["충청남도 예산군", "경상북도 고령군", "서울특별시 중구", "부산광역시 중구"])
        >>> r.read("예산군 청년 지원", []), r.read("부산광역시 중구 청년", [])
        ((Place(sido='충청남도', sigungu='예산군'),), (Place(sido='부산광역시', sigungu='중구'),))
    """

    def __init__(self, agencies: Iterable[str]) -> None:
        names: dict[str, _Name] = {}
        for sido, shorts in SIDO_SHORT.items():
            names[sido] = _Name({Place(sido)}, True, True)
            for s in shorts:
                names[s] = _Name({Place(sido)}, s.endswith(("시", "도")), True)  # "서울시", "강원도": written as a place
        districts = sorted({p for a in agencies if (p := agency_place(a)) is not None and p.sigungu is not None})
        for p in districts:
            assert p.sigungu is not None
            for word, full in ((p.sigungu, True), (p.sigungu[:-1], False)):
                if len(word) < 2:
                    continue
                if word in names:
                    n = names[word]
                    n.places.add(p)
                    n.full = n.full and full
                else:
                    names[word] = _Name({p}, full, False)
        self._names = names
        self._pattern = re.compile(r"(?<![가-힣])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + ")")

    def read(self, text: str, tokens: list[Token] | None, guard: bool = True) -> tuple[Place, ...]:
        """The places ``text`` names: 시·군·구 first, then 시·도 (each sorted by name).

        Args:
            text: the question (only its first 500 characters are read).
            tokens: Kiwi tokens of ``text`` (offsets into it; rule 2a). None or ``[]``: rule 2a is not used.
            guard: False when ``text`` is known to be a place (a ``region`` slot's value): every name counts.

        Returns:
            The places named; a 시·도 is left out when one of its 시·군·구 is named. ``()`` when none.
        """
        accepted = [n for _s, _e, n in self._accepted(text, tokens, guard)]
        out: set[Place] = set()
        for n in accepted:
            places = set(n.places)
            others = {p.sido for m in accepted if m is not n and m.sido_first for p in m.places if p.sigungu is None}
            if others and not (n.sido_first and len(places) == 1):
                places = {p for p in places if p.sido in others} or (places if n.full else set())
            elif n.sido_first and not n.full:
                places = {p for p in places if p.sigungu is None}  # "광주" alone: the 시·도 (rule 3)
            out |= places
        out = {p for p in out if p.sigungu is not None or not any(d.sido == p.sido and d.sigungu for d in out)}
        return tuple(sorted(out, key=lambda p: (p.sigungu is None, p.sido, p.sigungu or "")))

    def spans(self, text: str, tokens: list[Token] | None) -> list[tuple[int, int]]:
        """The ``(start, end)`` offsets of the words of ``text`` that :meth:`read` reads as places (the same rule).

        Example:
            >>> RegionReader(["서울특별시 관악구"]).spans("서울특별시 관악구 사는 26살인데 월세 지원", [])
            [(0, 5), (6, 9)]
        """
        return [(s, e) for s, e, _n in self._accepted(text, tokens, True)]

    def _accepted(self, text: str, tokens: list[Token] | None, guard: bool) -> list[tuple[int, int, _Name]]:
        """The names of ``text[:500]`` read as places (rules 1 and 2), with their offsets."""
        text = text[:500]
        proper = [(t.start, t.end) for t in tokens or () if t.tag == "NNP"]
        spans = [(m.start(1), m.end(1), self._names[m.group(1)]) for m in self._pattern.finditer(text)]

        def reads_as_place(start: int, end: int, name: _Name, sidos: set[str]) -> bool:
            if not guard or name.full:
                return True
            if any(s <= start and end <= e for s, e in proper) or _PLACE_AFTER.match(text[end:]) is not None:
                return True
            return any(p.sido in sidos for p in name.places if p.sigungu is not None)

        # the 시·도 first (rule 2c needs them), then every name
        sido_spans = [(s, e, n) for s, e, n in spans if n.sido_first and reads_as_place(s, e, n, set())]
        sidos = {p.sido for _s, _e, n in sido_spans for p in n.places if p.sigungu is None}
        return [(s, e, n) for s, e, n in spans if reads_as_place(s, e, n, sidos)]


def preference(agency: str, places: tuple[Place, ...]) -> int:
    """How a document of ``agency`` suits a citizen of ``places``: 2 it is that region's (:func:`compatible`), 1 it is
    national (not a local government), 0 it is another region's; 1 for every document when ``places`` is empty."""
    if not places:
        return 1
    p = agency_place(agency)
    if p is None:
        return 1
    return 2 if any(compatible(p, n) for n in places) else 0
