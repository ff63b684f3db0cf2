"""Places, read one way everywhere: agency names, a citizen's words (Korean or English), and names for replies.

The names themselves (the 시·도, their short and former forms, the 시·군·구 of each, 일반구, and their romanised
English spellings) live in the eligibility connector's tables, :mod:`connectors.eligibility.regions` and
:mod:`connectors.eligibility.regions_en`: they are the source of truth, derived from the catalogue snapshot, and
this module only reads them (a table is data, not connector behaviour: the engine still loads the connector's
actions by name). What used to be parsed apart in the answer composer (an agency's regions, a region's names, the
provinces), in the regional follow-up of the dialogue and in the eligibility connector is parsed here:

* :func:`agency_regions`: the region an agency name belongs to (a local government by :func:`~connectors.eligibility.
  regions.agency_area`, the connector's rule; an education office, local foundation or hospital by the place its
  name starts with);
* :func:`region_names`: every name a region is written with (itself, its stem, its short and former forms);
* :func:`region_match`: how many parts of an agency's region a place the citizen named matches;
* :func:`programme_core` / :func:`programme_core_title`: a programme's title without its region's names;
* :func:`read_place`: the place a short reply names, Korean (:func:`~connectors.eligibility.regions.
  places_in_text`) or English (:func:`~connectors.eligibility.regions_en.find_english_region`);
* :func:`place_for_language`: a place (or an agency's region) as a reply in that language writes it.

Own code, not a library: no library reads Korean agency names or the romanised place names of Korea's local
governments (the romanisation itself is ``koroman`` / ``ko-pron``, inside the connector's tables).
"""

from __future__ import annotations

import functools
import re

from connectors.eligibility.regions import (
    SIDO,
    SIDO_ALIASES,
    SIDO_INDEX,
    Area,
    agency_area,
    normalise_region,
    place_spans,
    places_in_text,
    text_area,
)
from connectors.eligibility.regions_local import agency_locality
from connectors.eligibility.regions_en import english_place_name, find_english_region, names_places_only, normalise_english_region

#: Endings of a local government's name (a 시·도's first: "통합특별시" before "특별시"), longest first.
LOCAL_SUFFIXES = ("통합특별시", "특별자치시", "특별자치도", "특별시", "광역시", "도", "시", "군", "구")
_SIDO_SUFFIXES = ("통합특별시", "특별자치시", "특별자치도", "특별시", "광역시", "도", "시")
_HANGUL = re.compile(r"[가-힣]")


def _stem(name: str, suffixes: tuple[str, ...] = LOCAL_SUFFIXES) -> str:
    """``name`` without its unit ("옥천군" → "옥천", "전남광주통합특별시" → "전남광주"); itself when the stem would be
    shorter than two syllables ("중구")."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def official_sido(name: str) -> str | None:
    """The official 시·도 name of ``name`` (official, short or former: "충북", "전라남도", "광주광역시"), else ``None``.

    >>> official_sido("충북"), official_sido("전라남도"), official_sido("옥천군")
    ('충청북도', '전남광주통합특별시', None)
    """
    official = SIDO_ALIASES.get(name, name)
    return official if official in SIDO_INDEX else None


#: Official 시·도 name → every name it is written with (official, short and former forms, and their stems).
SIDO_NAMES: dict[str, frozenset[str]] = {
    sido: frozenset({sido, _stem(sido, _SIDO_SUFFIXES)}
                    | {n for alias, target in SIDO_ALIASES.items() if target == sido for n in (alias, _stem(alias, _SIDO_SUFFIXES))})
    for sido in SIDO
}
#: The stems of every 시·도 name ("서울", "충청북", "전남", "광주" …): a place text that holds one names a 시·도.
PROVINCE_STEMS: frozenset[str] = frozenset(
    _stem(n, _SIDO_SUFFIXES) for n in (*SIDO, *SIDO_ALIASES) if len(_stem(n, _SIDO_SUFFIXES)) >= 2)


#: A name that marks a national body although it starts with a place: "서울올림픽기념국민체육진흥공단" (named after
#: the Seoul Olympics), "인천국제공항공사" (the country's airport), "한국…", "국립…" (소관기관유형 공공기관 in the catalogue).
_NATIONAL_NAME = re.compile(r"국민|국립|국가|공항|^한국|^대한")


@functools.lru_cache(maxsize=8192)  # pure; the retriever reads it for each candidate of each query (~23 calls a query)
def agency_regions(agency: str) -> tuple[str, ...]:
    """The region an agency belongs to, widest first (``("충청북도", "옥천군")``); ``()`` for a ministry or any other
    national body ("국토교통부", "한국장학재단", "인천국제공항공사").

    A local government is read by the eligibility connector's rule (:func:`~connectors.eligibility.regions.agency_area`:
    an official 시·도 name, optionally one 시·군·구). Any other agency whose name starts with a place is that place's
    own body (s14): an education office ("서울특별시교육청" → 서울특별시), a local foundation, enterprise or hospital
    ("대구의료원" → 대구광역시, "강원특별자치도영월의료원" → 강원특별자치도 영월군, "재단법인종로복지재단" → 서울특별시
    종로구), read by :func:`~connectors.eligibility.regions_local.agency_locality`, unless the name marks a national body
    (:data:`_NATIONAL_NAME`) or it is a local government's form the connector refuses ("경기도 성남시 분당구"). So a
    national-only search, the answer's "national" programmes and the region preference
    never count a 시·도's education office or a city's foundation as the nation's. (Whether such a service is *limited*
    to that region's residents is the eligibility connector's question, read from its text:
    :func:`~connectors.eligibility.regions_local.local_agency_area`; here it is whose programme it is.)

    >>> agency_regions("충청북도 옥천군"), agency_regions("국토교통부"), agency_regions("경기도")
    (('충청북도', '옥천군'), (), ('경기도',))
    >>> agency_regions("경기도교육청"), agency_regions("대구의료원"), agency_regions("인천국제공항공사")
    (('경기도',), ('대구광역시',), ())
    """
    area = agency_area(agency)
    words = agency.split()
    # a local government's form the connector refuses ("경기도 성남시 분당구": a 시·도 word, then more than one
    # 시·군·구) stays unread; a body's name is one word after its 재단법인/(재) prefix
    if area is None and not _NATIONAL_NAME.search(agency) and not (len(words) > 1 and words[0] in SIDO_INDEX):
        area = agency_locality(agency)
    if area is None:
        return ()
    return (area.sido,) if area.sigungu is None else (area.sido, area.sigungu)


#: a bullet or number that may open an eligibility section's first line ("○ ", "- ", "1. ")
_LEADING_MARKS = re.compile(r"^[\s○ㅇ●•▪\-*·※□■◦]*(?:\d+[.)]\s*)?")


def eligibility_regions(eligibility: str, title: str, agency: str) -> tuple[str, ...]:
    """The region a national body's service is limited to by its eligibility section (``eligibility``: 지원대상 /
    선정기준 text; ``title``: 서비스명; ``agency``: 소관기관명), widest first as :func:`agency_regions`; ``()`` for a
    local body's service (its agency says where) or one open wherever the citizen lives. Read: residence in one place
    (:func:`~connectors.eligibility.regions.text_area`: 서민금융진흥원's 경남동행론, "현재 경상남도 거주 중이면서"), or a
    place that opens the section (한국중부발전's 발전소주변지역 전기요금지원(보령발전본부): "충남 보령시 오천면, 주교면 …
    의 주택용 및 산업용 전력고객"): s57 probe, "전기세 지원" answered the 보령 page as if anyone could have it.

    >>> eligibility_regions("○ 충남 보령시 오천면, 주교면의 주택용 및 산업용 전력고객", "발전소주변지역 전기요금지원", "한국중부발전(주)")
    ('충청남도', '보령시')
    >>> eligibility_regions("1. 현재 경상남도 거주 중이면서 거주기간이 3개월 이상인 분", "경남동행론", "서민금융진흥원")
    ('경상남도',)
    >>> eligibility_regions("○ 기초생활수급자 ○ 차상위계층", "에너지복지요금 지원", "한국지역난방공사")
    ()
    >>> eligibility_regions("충남 보령시 오천면 주민", "전기요금지원", "충청남도 보령시")  # a local body's: its agency says
    ()
    """
    if agency_regions(agency):
        return ()
    area = text_area(eligibility, title)
    opening = _LEADING_MARKS.sub("", eligibility, count=1)[:25]
    if area is None and [a for a, _b in place_spans(opening)][:1] == [0]:
        named = places_in_text(opening)  # the places of the opening words, read together (충남 보령시: one)
        area = named[0] if len(named) == 1 else None
    if area is None:
        return ()
    return (area.sido,) if area.sigungu is None else (area.sido, area.sigungu)


def region_names(part: str) -> frozenset[str]:
    """Every name one region (a part of :func:`agency_regions`) is written with: itself, its stem ("옥천군" →
    "옥천"), and for a 시·도 its short and former forms ("충청북도" → "충북", "충청북"; "전남광주통합특별시" → "전남",
    "광주", "전라남도" …: :data:`~connectors.eligibility.regions.SIDO_ALIASES`).

    >>> sorted(region_names("옥천군")), sorted(region_names("충청북도"))
    (['옥천', '옥천군'], ['충북', '충청북', '충청북도'])
    """
    sido = official_sido(part)
    if sido is not None:
        return SIDO_NAMES[sido] | {part}
    stem = _stem(part)
    return frozenset({part, stem})


def _strip_region(title: str, agency: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", title)
    for name in sorted({n for part in agency_regions(agency) for n in region_names(part)}, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


_GENERIC_TAIL = re.compile(r"(?:지원사업|지원금|지원|사업|지급|안내|서비스|제도)+$")


def programme_core(title: str, agency: str) -> str:
    """The programme a title names without its region and generic words, spaces and punctuation:
    "안양 청년 월세 지원" (경기도 안양시) and "청년 월세 지원" (충청북도 옥천군) are both ``"청년월세"``.

    >>> programme_core("안양 청년 월세 지원", "경기도 안양시"), programme_core("청년월세 지원사업", "부산광역시 중구")
    ('청년월세', '청년월세')
    """
    core = re.sub(r"[\W_]+", "", _strip_region(title, agency)).lower()
    return _GENERIC_TAIL.sub("", core) or core


def programme_core_title(title: str, agency: str) -> str:
    """The title without its region's names and parenthesised parts ("안양 청년 월세 지원" → "청년 월세 지원")."""
    return re.sub(r"\s+", " ", _strip_region(title, agency)).strip()


def region_match(agency: str, where: str) -> int:
    """How well a place the citizen named (``where``: "경기도 안양시", "안양", "서울특별시 중구", "충북 옥천") matches an
    agency's region: the number of its parts (:func:`agency_regions`) named by any of their names
    (:func:`region_names`), or 0 when none is, or when another 시·도 is named ("부산 중구" is not 서울특별시 중구).

    A part is named when any of its names occurs in ``where`` with its spaces removed (a place is often run
    together: "충북옥천군"). Which 시·도 ``where`` means is the connector's reading
    (:func:`~connectors.eligibility.regions.places_in_text`: "광주 북구" is 전남광주통합특별시's, "경기 광주시" is 경기도's);
    where it reads nothing (run-together text), a 시·도 name other than the agency's is enough for no match.

    >>> region_match("경기도 안양시", "안양이요"), region_match("서울특별시 중구", "부산 중구"), region_match("국토교통부", "안양")
    (1, 0, 0)
    """
    squashed = re.sub(r"\s+", "", where)
    parts = agency_regions(agency)
    if not parts or not squashed:
        return 0
    hits = [p for p in parts if any(n in squashed for n in region_names(p))]
    province = official_sido(parts[0])
    if province is None:
        return len(hits)
    areas = places_in_text(where)
    if areas:  # the connector's reading of the place: another 시·도 ("부산 중구", "경기 광주시" for 전남광주) is no match
        return len(hits) if any(a.sido == province for a in areas) else 0
    # run-together text the reader does not split ("부산중구"): a 시·도 named that is not the agency's
    if parts[0] not in hits and any(pv in squashed for pv in PROVINCE_STEMS):
        return 0
    return len(hits)


def read_place(text: str) -> Area | None:
    """The one place a short reply names, Korean ("안양이요", "충북 옥천군에 살아요") or English ("I live in Anyang",
    "Okcheon-gun", "Seongnam, Gyeonggi-do"), else ``None`` (none named, or several: a bare "중구").

    Korean is read by :func:`~connectors.eligibility.regions.places_in_text`, text without Hangul by
    :func:`~connectors.eligibility.regions_en.find_english_region` (Revised Romanization and McCune–Reischauer
    spellings, derived from the same tables).

    >>> read_place("I live in Anyang"), read_place("옥천군이요")
    (Area(sido='경기도', sigungu='안양시'), Area(sido='충청북도', sigungu='옥천군'))
    """
    if _HANGUL.search(text):
        areas = places_in_text(text)
        return areas[0] if len(areas) == 1 else None
    return find_english_region(text)


def only_place_names(text: str) -> bool:
    """Whether ``text`` is nothing but place names ("Haeundae", "Bundang-gu, Seongnam", "해운대구", "부산 해운대구"),
    the kind of answer that says where the citizen lives and nothing about the language they speak: a Korean
    conversation answered "Haeundae" at the region question stays Korean (fresh-user s10 #3), an English one
    answered "해운대구" stays English. Korean is read by :func:`~connectors.eligibility.regions.place_spans` (every
    letter inside a place name: "해운대구요" is Korean), text without Hangul by
    :func:`~connectors.eligibility.regions_en.normalise_english_region` (every word a place name: "I live in
    Haeundae" is English; "Jung-gu", which several 시·도 have, is a place name too:
    :func:`~connectors.eligibility.regions_en.names_places_only`).

    >>> only_place_names("Haeundae"), only_place_names("부산 해운대구"), only_place_names("해운대구요"), only_place_names("I live in Busan")
    (True, True, False, False)
    """
    text = text.strip()
    if not re.search(r"[A-Za-z가-힣]", text):
        return False
    if _HANGUL.search(text):
        inside: set[int] = set()
        for start, end in place_spans(text):
            inside.update(range(start, end))
        return all(i in inside for i, ch in enumerate(text) if ch.isalpha())
    return names_places_only(text)


def place_for_language(place: str, language: str) -> str:
    """A place (or a region label such as "경기도 안양시") as a reply in ``language`` writes it: unchanged in Korean,
    the Revised Romanization with its units in English, smallest unit first ("부산광역시" → "Busan", "경기도 안양시" →
    "Anyang-si, Gyeonggi-do": :func:`~connectors.eligibility.regions_en.english_place_name`, the one writer of an
    English place). Text that is not a place name is
    returned unchanged (a service's or an agency's own name has no English form to give).

    >>> place_for_language("부산광역시", "en"), place_for_language("경기도 안양시", "en"), place_for_language("부산광역시", "ko")
    ('Busan', 'Anyang-si, Gyeonggi-do', '부산광역시')
    """
    if language != "en" or not _HANGUL.search(place):
        return place
    words = place.split()
    known = all(official_sido(w) is not None or w.endswith(("시", "군", "구")) for w in words)
    return english_place_name(place) if words and known else place


def places_for_language(places: list[str] | tuple[str, ...], language: str) -> str:
    """Several places (or agencies' regions) as one reply in ``language`` lists them: each by
    :func:`place_for_language`, repeated ones once, joined with ", " in Korean and "; " in English (an English place
    has commas of its own: "Anyang-si, Gyeonggi-do; Okcheon-gun, Chungcheongbuk-do").

    >>> places_for_language(["경기도 안양시", "충청북도 옥천군"], "en"), places_for_language(["경기도 안양시", "부산광역시"], "ko")
    ('Anyang-si, Gyeonggi-do; Okcheon-gun, Chungcheongbuk-do', '경기도 안양시, 부산광역시')
    """
    shown = dict.fromkeys(place_for_language(p, language) for p in places)
    return ("; " if language == "en" else ", ").join(shown)


__all__ = ["LOCAL_SUFFIXES", "PROVINCE_STEMS", "SIDO", "SIDO_ALIASES", "SIDO_NAMES", "Area", "agency_area", "agency_regions",
           "english_place_name", "find_english_region", "normalise_english_region", "normalise_region", "official_sido", "only_place_names",
           "place_for_language", "place_spans", "places_for_language", "places_in_text", "programme_core", "programme_core_title", "read_place",
           "region_match", "region_names"]
