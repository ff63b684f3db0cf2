"""Where a person lives and which area a service is limited to (the ``region`` condition).

The catalogue's JA codes say nothing about region, yet most of its services are run by a local
government (소관기관명 "경기도 성남시", "서울특별시", …) and in practice only that area's residents can get
them. The area is read from the agency name (:func:`agency_area`); when the agency is not a local
government, a second source is the service's own 지원대상/선정기준 text naming residence in one area
(:func:`text_area`, e.g. 서민금융진흥원's 경남동행론: "현재 경상남도 거주 중이면서"). It is not a JA code
(results name it ``REGION``).

Sources: the agency names of the 1,097-service snapshot in ``shared/data/gov24_benefits`` (its
소관기관유형 says which agencies are local governments: 광역시도 = 시·도, 시군구 = 시·군·구), and the
official names of the 시·도 as the snapshot writes them. The snapshot already has 강원특별자치도,
전북특별자치도 and one merged 전남광주통합특별시 (the former 광주광역시 and 전라남도: its 시·군·구 are 광주's
동구/서구/남구/북구/광산구 and 전남's 시·군), so the old names of those areas map to the new ones.

Rules (:func:`agency_area`): an agency is a local government exactly when its name is an official 시·도
name, optionally followed by one 시·군·구 name (a word ending in 시, 군 or 구). Everything else has no
region restriction: national ministries and agencies, public corporations, and also the 시·도 education
offices (``서울특별시교육청``) and local public corporations and foundations (``서울시설공단``,
``재단법인종로복지재단``), whose services are not reliably limited to residents (a student at a Seoul school
may live in 경기도), so we do not guess.

Person side (:func:`normalise_region`): the 시·도 as its official name or a common short/old form
(:data:`SIDO_ALIASES`), optionally followed by the 시·군·구; a 일반구 after a city (``경기도 성남시 분당구``)
is dropped, since the 일반구 is not a local government and services are at the city level.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: The 시·도 as the catalogue's agency names write them (17 areas before the 광주·전남 merger; 16 here).
SIDO: tuple[str, ...] = (
    "서울특별시", "부산광역시", "대구광역시", "인천광역시", "대전광역시", "울산광역시", "세종특별자치시",
    "경기도", "강원특별자치도", "충청북도", "충청남도", "전북특별자치도", "전남광주통합특별시",
    "경상북도", "경상남도", "제주특별자치도",
)
SIDO_INDEX: dict[str, int] = {s: i for i, s in enumerate(SIDO)}

#: Short and former names → the official 시·도 name. "광주" means 광주광역시 (now part of
#: 전남광주통합특별시); 경기도 광주시 is written with its 시·도 ("경기 광주시").
SIDO_ALIASES: dict[str, str] = {
    "서울": "서울특별시", "서울시": "서울특별시",
    "부산": "부산광역시", "부산시": "부산광역시",
    "대구": "대구광역시", "대구시": "대구광역시",
    "인천": "인천광역시", "인천시": "인천광역시",
    "대전": "대전광역시", "대전시": "대전광역시",
    "울산": "울산광역시", "울산시": "울산광역시",
    "세종": "세종특별자치시", "세종시": "세종특별자치시",
    "경기": "경기도",
    "강원": "강원특별자치도", "강원도": "강원특별자치도",
    "충북": "충청북도",
    "충남": "충청남도",
    "전북": "전북특별자치도", "전라북도": "전북특별자치도",
    "전남": "전남광주통합특별시", "전라남도": "전남광주통합특별시",
    "광주": "전남광주통합특별시", "광주광역시": "전남광주통합특별시",
    "전남광주": "전남광주통합특별시",
    "경북": "경상북도",
    "경남": "경상남도",
    "제주": "제주특별자치도", "제주도": "제주특별자치도",
}

_SGG_SUFFIXES = ("시", "군", "구")
_HANGUL = re.compile(r"[가-힣]")
_LATIN = re.compile(r"[A-Za-z]")

#: The 시·군·구 of each 시·도: the 222 local governments that are 소관기관 (소관기관유형 시군구) in the catalogue
#: snapshot, plus 제주시 and 서귀포시 (the two administrative cities of 제주특별자치도, which has no 시·군·구 of its
#: own and whose cities residents write in addresses). Used to read English names (:mod:`.regions_en`); Korean
#: input does not need it (any name ending in 시, 군 or 구 is read as a 시·군·구).
SIGUNGU: dict[str, tuple[str, ...]] = {
    "서울특별시": ("강남구", "강동구", "강북구", "강서구", "관악구", "광진구", "구로구", "금천구", "노원구", "도봉구", "동대문구",
              "동작구", "마포구", "서대문구", "서초구", "성동구", "성북구", "송파구", "양천구", "영등포구", "용산구", "은평구",
              "종로구", "중구", "중랑구"),
    "부산광역시": ("강서구", "금정구", "기장군", "남구", "동구", "동래구", "부산진구", "사상구", "사하구", "서구", "수영구",
              "연제구", "영도구", "중구", "해운대구"),
    "대구광역시": ("군위군", "남구", "달서구", "달성군", "북구", "서구", "수성구", "중구"),
    "인천광역시": ("강화군", "계양구", "남동구", "미추홀구", "부평구", "서해구", "연수구", "영종구", "옹진군", "제물포구"),
    "대전광역시": ("대덕구", "동구", "서구", "유성구"),
    "울산광역시": ("남구", "동구", "북구", "울주군", "중구"),
    "세종특별자치시": (),
    "경기도": ("가평군", "고양시", "과천시", "광명시", "광주시", "구리시", "군포시", "김포시", "남양주시", "동두천시", "부천시",
            "성남시", "수원시", "시흥시", "안산시", "안성시", "안양시", "양주시", "양평군", "여주시", "연천군", "오산시",
            "용인시", "의왕시", "의정부시", "이천시", "파주시", "평택시", "포천시", "하남시", "화성시"),
    "강원특별자치도": ("강릉시", "고성군", "동해시", "삼척시", "속초시", "양구군", "양양군", "영월군", "원주시", "인제군", "정선군",
                "철원군", "춘천시", "태백시", "평창군", "홍천군", "화천군", "횡성군"),
    "충청북도": ("괴산군", "단양군", "보은군", "영동군", "옥천군", "음성군", "제천시", "증평군", "진천군", "청주시", "충주시"),
    "충청남도": ("계룡시", "공주시", "금산군", "논산시", "당진시", "보령시", "부여군", "서산시", "서천군", "아산시", "예산군",
             "천안시", "청양군", "태안군", "홍성군"),
    "전북특별자치도": ("고창군", "군산시", "김제시", "남원시", "무주군", "부안군", "순창군", "완주군", "익산시", "임실군", "장수군",
                "전주시", "정읍시", "진안군"),
    "전남광주통합특별시": ("강진군", "고흥군", "곡성군", "광양시", "구례군", "나주시", "남구", "담양군", "동구", "목포시", "무안군",
                  "보성군", "북구", "서구", "순천시", "신안군", "여수시", "영광군", "영암군", "완도군", "장성군", "장흥군",
                  "진도군", "함평군", "해남군", "화순군"),
    "경상북도": ("경산시", "경주시", "고령군", "구미시", "김천시", "문경시", "봉화군", "상주시", "성주군", "안동시", "영덕군",
             "영양군", "영주시", "영천시", "예천군", "울릉군", "울진군", "의성군", "청도군", "청송군", "칠곡군", "포항시"),
    "경상남도": ("거제시", "거창군", "고성군", "김해시", "남해군", "밀양시", "사천시", "산청군", "양산시", "의령군", "진주시",
             "창녕군", "창원시", "통영시", "하동군", "함안군", "함양군", "합천군"),
    "제주특별자치도": ("제주시", "서귀포시"),
}


#: 일반구 (general districts): the 구 of a 시 of 500,000 people or more that is not a 광역시 (지방자치법 제3조 제3항).
#: A 일반구 is no local government (services are the city's), so a person living there lives in its 시 for every
#: region condition; people name it alone all the same ("분당구에 살아요"). Source: 행정안전부 행정구역 현황
#: (부천시's 원미구·소사구·오정구 again from 2024-01-01; 화성시's 만세구·효행구·병점구·동탄구 from 2026-02-01).
GENERAL_GU: dict[tuple[str, str], tuple[str, ...]] = {
    ("경기도", "수원시"): ("장안구", "권선구", "팔달구", "영통구"),
    ("경기도", "성남시"): ("수정구", "중원구", "분당구"),
    ("경기도", "안양시"): ("만안구", "동안구"),
    ("경기도", "안산시"): ("상록구", "단원구"),
    ("경기도", "고양시"): ("덕양구", "일산동구", "일산서구"),
    ("경기도", "용인시"): ("처인구", "기흥구", "수지구"),
    ("경기도", "부천시"): ("원미구", "소사구", "오정구"),
    ("경기도", "화성시"): ("만세구", "효행구", "병점구", "동탄구"),
    ("충청북도", "청주시"): ("상당구", "서원구", "흥덕구", "청원구"),
    ("충청남도", "천안시"): ("동남구", "서북구"),
    ("전북특별자치도", "전주시"): ("완산구", "덕진구"),
    ("경상북도", "포항시"): ("남구", "북구"),
    ("경상남도", "창원시"): ("의창구", "성산구", "마산합포구", "마산회원구", "진해구"),
}
#: Stems of 일반구 (and of former cities now 일반구) people say alone, read like a full name: "분당에 살아요",
#: "일산", "마산", "진해" (others are everyday words: 동안 "during", 수정 "edit", 만세, 동남, 서북 …, and are not read).
GENERAL_GU_STEMS: dict[str, tuple[str, str]] = {
    "분당": ("경기도", "성남시"), "일산": ("경기도", "고양시"), "수지": ("경기도", "용인시"), "기흥": ("경기도", "용인시"),
    "영통": ("경기도", "수원시"), "동탄": ("경기도", "화성시"), "병점": ("경기도", "화성시"), "덕양": ("경기도", "고양시"),
    "마산": ("경상남도", "창원시"), "진해": ("경상남도", "창원시"),
}


class Area(NamedTuple):
    """An area a service is limited to, or where a person lives.

    Attributes:
        sido: official 시·도 name (one of :data:`SIDO`).
        sigungu: the 시·군·구 name, or ``None`` for the whole 시·도 (or when not known); for a service limited to the
            residents of a few 시·군·구 of one 시·도 (경상북도안동의료원's "영양, 봉화, 고령, 성주, 청송군 거주 임산부",
            :func:`~connectors.eligibility.regions_local.local_agency_area`), their names joined with ``"·"``
            (:meth:`districts`); a person's area is always one 시·군·구.
    """

    sido: str
    sigungu: str | None

    def __str__(self) -> str:
        return self.sido if self.sigungu is None else f"{self.sido} {self.sigungu}"

    def districts(self) -> tuple[str, ...]:
        """The 시·군·구 the area covers: ``()`` for a whole 시·도, one name, or the listed few.

        Example:
            >>> Area("경상북도", "영양군·청송군").districts(), Area("경상북도", None).districts()
            (('영양군', '청송군'), ())
        """
        return () if self.sigungu is None else tuple(self.sigungu.split("·"))


def _is_sigungu(word: str) -> bool:
    return len(word) >= 2 and word.endswith(_SGG_SUFFIXES)


_ALL_SIGUNGU_NAMES = frozenset(n for names in SIGUNGU.values() for n in names)


def _names_sido(word: str) -> bool:
    """Whether ``word`` is a 시·도 name (official or short form) that no 시·군·구 has ("서울특별시", "부산시";
    not "광주시", which 경기도 has)."""
    return (word in SIDO_INDEX or word in SIDO_ALIASES) and word not in _ALL_SIGUNGU_NAMES


def agency_area(agency: str) -> Area | None:
    """The area a service is limited to, from its managing agency's name (소관기관명).

    Args:
        agency: e.g. ``"경기도 성남시"``, ``"서울특별시"``, ``"보건복지부"``.

    Returns:
        ``Area(시·도, 시·군·구 or None)`` for a local government, ``None`` for any other agency
        (no region restriction). Pure: depends on the name only.

    Example:
        >>> agency_area("경기도 성남시"), agency_area("서울특별시"), agency_area("서울특별시교육청")
        (Area(sido='경기도', sigungu='성남시'), Area(sido='서울특별시', sigungu=None), None)
    """
    words = agency.split()
    if not words or words[0] not in SIDO_INDEX:
        return None
    if len(words) == 1:
        return Area(words[0], None)
    if len(words) == 2 and _is_sigungu(words[1]):
        return Area(words[0], words[1])
    return None


def normalise_region(text: str) -> Area:
    """Read where a person lives: a 시·도 (official name or a short form), optionally its 시·군·구.

    Accepted: ``"부산광역시"``, ``"부산"``, ``"경기도 성남시"``, ``"경기 성남시"``, ``"경기도 성남시 분당구"``
    (the 일반구 is dropped), ``"경기도 분당구"`` (a 일반구 of :data:`GENERAL_GU` → its city, 경기도 성남시),
    ``"광주광역시 북구"`` (→ 전남광주통합특별시 북구); text without Hangul is read as
    English (Revised Romanization, either order, e.g. ``"Seongnam, Gyeonggi-do"``, ``"Gangnam-gu, Seoul"``,
    ``"Busan"``: see :func:`connectors.eligibility.regions_en.normalise_english_region`).

    Raises:
        ValueError: empty text, an unknown 시·도 (the message lists the valid names), or what follows
            the 시·도 is not one 시·군·구 name (a word ending in 시, 군 or 구). Only the first word is
            quoted in messages (the rest may be an address).
    """
    words = text.split()
    if not words:
        raise ValueError("region is empty; give a 시·도 such as 부산광역시 or 경기도 성남시")
    if _HANGUL.search(text) is None and _LATIN.search(text) is not None:
        from connectors.eligibility.regions_en import normalise_english_region

        return normalise_english_region(text)
    sido = SIDO_ALIASES.get(words[0], words[0])
    if sido not in SIDO_INDEX:
        raise ValueError(f"unknown region {words[0]!r}: the 시·도 must be one of {', '.join(SIDO)} "
                         f"(or a short form: {', '.join(SIDO_ALIASES)})")
    rest = words[1:]
    if rest and _names_sido(rest[0]):  # "서울특별시 서울특별시": a 시·도 is not a 시·군·구 (a reader's double)
        raise ValueError(f"region: after {sido} give a 시·군·구, not another 시·도 name")
    if len(rest) == 2 and rest[0].endswith("시") and rest[1].endswith("구"):
        rest = rest[:1]  # 일반구 of a city (성남시 분당구): the city is the local government
    if not rest:
        return Area(sido, None)
    if len(rest) == 1 and (city := next((c for (sd, c), gus in GENERAL_GU.items() if sd == sido and rest[0] in gus), None)):
        return Area(sido, city)  # a 일반구 after its 시·도 ("경기도 분당구"): its city
    if len(rest) == 1 and _is_sigungu(rest[0]):
        return Area(sido, rest[0])
    # the text is not echoed: it may be a street address (personal data must not reach logs)
    raise ValueError(f"region: after {sido} give at most one 시·군·구 (a name ending in 시, 군 or 구), "
                     "not a street address")


#: A 시·군·구 name or its stem (광진구, 광진; 수원시, 수원) → the areas it names: one (unambiguous) or several
#: (중구, 강서구, 고성: their 시·도 must be said). Derived from :data:`SIGUNGU`, the one list of 시·군·구.
SIGUNGU_BY_WORD: dict[str, frozenset[Area]] = {}
for _sido, _names in SIGUNGU.items():
    for _name in _names:
        for _word in {_name, _name[:-1]}:
            if len(_word) >= 2:
                SIGUNGU_BY_WORD[_word] = SIGUNGU_BY_WORD.get(_word, frozenset()) | {Area(_sido, _name)}
# A 일반구 names its city (분당구 → 경기도 성남시); 포항's 남구·북구 join the 자치구 of the same name (asked which).
for (_sido, _city), _gus in GENERAL_GU.items():
    for _gu in _gus:
        SIGUNGU_BY_WORD[_gu] = SIGUNGU_BY_WORD.get(_gu, frozenset()) | {Area(_sido, _city)}
for _stem, (_sido, _city) in GENERAL_GU_STEMS.items():
    SIGUNGU_BY_WORD[_stem] = SIGUNGU_BY_WORD.get(_stem, frozenset()) | {Area(_sido, _city)}
# "광주시" is 경기도 광주시, and also how people write the former 광주광역시 (now in 전남광주통합특별시).
SIGUNGU_BY_WORD["광주시"] = SIGUNGU_BY_WORD["광주시"] | {Area("전남광주통합특별시", None)}

_PLACE_WORDS = sorted({*SIGUNGU_BY_WORD, *SIDO, *SIDO_ALIASES}, key=len, reverse=True)
#: a place name that starts a word and ends it, or is followed by a particle or a word of residence
#: ("수원이요", "강남구에 살아요", "부산 해운대구요"); "고령자" is not 고령군.
#: what may follow a place name: the end, a non-Hangul letter, a particle or a word of residence
_AFTER_PLACE = r"(?=$|[^가-힣]|에|은|는|이|요|로|으로|예요|입니다|살|쪽|인데|이고|이며)"
_PLACE_IN_TEXT = re.compile(r"(?<![가-힣])(" + "|".join(map(re.escape, _PLACE_WORDS)) + r")" + _AFTER_PLACE)


def places_in_text(text: str) -> tuple[Area, ...]:
    """The areas a short Korean answer names, for a person's place of residence.

    A 시·도 (official name or short form, :data:`SIDO_ALIASES`) and a 시·군·구 written in full or as its stem
    (:data:`SIGUNGU_BY_WORD`: "수원", "수원시", "강남구", "해운대구") are read where they start a word and end it
    (or a particle follows: "수원이요", "강남구에 살아요").

    Returns:
        One area when the place is clear ("수원" → 경기도 수원시; "서울 중구" → 서울특별시 중구; "부산" →
        부산광역시); several when a 시·군·구 name belongs to several 시·도 and none is said ("중구" → the 중구 of
        서울, 부산, 대구, 울산); none when no place is named, or the names do not fit together (two 시·도, or a
        시·군·구 of another 시·도).

    Example:
        >>> places_in_text("수원이요"), places_in_text("저는 부산 해운대구에 살아요")
        ((Area(sido='경기도', sigungu='수원시'),), (Area(sido='부산광역시', sigungu='해운대구'),))
        >>> sorted(a.sido for a in places_in_text("중구"))
        ['대구광역시', '부산광역시', '서울특별시', '울산광역시']
    """
    sidos: set[str] = set()
    districts: list[frozenset[Area]] = []
    for m in _PLACE_IN_TEXT.finditer(text[:300]):
        word = m.group(1)
        sido = SIDO_ALIASES.get(word, word)
        if sido in SIDO_INDEX:
            sidos.add(sido)
        else:
            districts.append(SIGUNGU_BY_WORD[word])
    if len(sidos) > 1:
        return ()
    if not districts:
        return tuple(Area(s, None) for s in sidos)
    # a city and its 일반구 ("수원 영통구", "포항 남구") name one area; two other 시·군·구 names fit nowhere
    named = frozenset.intersection(*districts)
    areas = named if not sidos else frozenset(a for a in named if a.sido in sidos)
    if not areas and sidos:
        return ()
    return tuple(sorted(areas, key=lambda a: (SIDO_INDEX[a.sido], a.sigungu or "")))


def general_gu_place(area: Area, text: str) -> str:
    """``area`` as text, with the 일반구 of its city that ``text`` names ("분당구에 살아요", area 경기도 성남시 →
    ``"경기도 성남시 분당구"``), in full or by the stem people use for it alone (:data:`GENERAL_GU_STEMS`: "분당에
    살아요", "수지요"; a stem that names several 일반구, "일산" of 일산동구 and 일산서구, keeps the city);
    ``str(area)`` when the text names none (or ``area`` is not a city with 일반구).

    Example:
        >>> general_gu_place(Area("경기도", "성남시"), "분당구요"), general_gu_place(Area("경기도", "성남시"), "성남")
        ('경기도 성남시 분당구', '경기도 성남시')
        >>> general_gu_place(Area("경기도", "성남시"), "분당 살아요"), general_gu_place(Area("경기도", "고양시"), "일산이요")
        ('경기도 성남시 분당구', '경기도 고양시')
    """
    for gu in GENERAL_GU.get((area.sido, area.sigungu or ""), ()):
        if re.search(rf"(?<![가-힣]){gu}", text):
            return f"{area} {gu}"
    for gu in GENERAL_GU.get((area.sido, area.sigungu or ""), ()):  # its stem alone, as people say it: "분당 살아요"
        if GENERAL_GU_STEMS.get(gu[:-1]) == (area.sido, area.sigungu) and re.search(rf"(?<![가-힣]){gu[:-1]}{_AFTER_PLACE}", text):
            return f"{area} {gu}"
    return str(area)


def complete_general_gu(sido: str, name: str) -> str | None:
    """``"<시·도> <시> <구>"`` for a 일반구 ``name`` of a city in ``sido`` ("경상북도", "남구" → ``"경상북도 포항시
    남구"``), else ``None``."""
    for (s, city), gus in GENERAL_GU.items():
        if s == sido and name in gus:
            return f"{s} {city} {name}"
    return None


def general_gu_value(value: str) -> str | None:
    """``value`` when it is ``"<시·도> <시> <일반구>"`` of a known 일반구 (official 시·도 name), else ``None``."""
    words = value.split()
    if len(words) == 3 and words[2] in GENERAL_GU.get((words[0], words[1]), ()):
        return value
    return None


def place_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` character offsets of the place names in ``text`` that :func:`places_in_text` reads
    (a 시·도 or a 시·군·구 in full or as its stem, followed by a particle, a space or the end: "수원에 사는" →
    ``[(0, 2)]``; "고령자" names no place). For readers that must tell where the person lives from what they ask.

    Example:
        >>> place_spans("수원에 사는 67세인데"), place_spans("고령자 혜택")
        ([(0, 2)], [])
    """
    return [m.span(1) for m in _PLACE_IN_TEXT.finditer(text)]


__all__ = ["GENERAL_GU", "GENERAL_GU_STEMS", "SIDO", "SIDO_ALIASES", "SIDO_INDEX", "SIGUNGU", "SIGUNGU_BY_WORD", "Area",
           "agency_area", "complete_general_gu", "general_gu_place", "general_gu_value", "normalise_region", "place_spans",
           "places_in_text"]


# --- the area a service's own text limits it to ------------------------------------------------------
#
# Own code, not a library: the rule is a handful of Korean patterns tied to our 시·도/시·군·구 tables.

#: Names of a 시·군·구 that belong to one 시·도 only (a bare "중구" or "고성군" says nothing without its 시·도;
#: "광주시" is also read as the former 광주광역시, so it is left out too).
_UNIQUE_SGG: dict[str, str] = {}
_SGG_COUNT: dict[str, int] = {}
for _sido, _names in SIGUNGU.items():
    for _name in _names:
        _SGG_COUNT[_name] = _SGG_COUNT.get(_name, 0) + 1
        _UNIQUE_SGG[_name] = _sido
_UNIQUE_SGG = {k: v for k, v in _UNIQUE_SGG.items() if _SGG_COUNT[k] == 1 and k != "광주시"}
_ALL_SGG = sorted(_SGG_COUNT, key=len, reverse=True)
_SIDO_NAMES = sorted((*SIDO, *SIDO_ALIASES), key=len, reverse=True)
_ALT_SIDO = "|".join(map(re.escape, _SIDO_NAMES))
_ALT_SGG = "|".join(map(re.escape, _ALL_SGG))
#: region name (a 시·도, a 시·도 and its 시·군·구, or a 시·군·구), a short gap (에, 내, 지역에 …), then a word of
#: residence; the name must start a word (so 강남구 never reads as 남구).
_RESIDENCE = re.compile(
    rf"(?<![가-힣])(?P<sido>{_ALT_SIDO})?(?:\s*(?P<sgg>{_ALT_SGG}))?"
    r"(?P<gap>\s*(?:에서|에|내|지역에|지역)?\s*)"
    r"(?P<kw>거주|주민등록|관내|도민|시민|구민|군민|민(?![가-힣]))")
#: after 관내, these words mean a school or business located there, not where the person lives.
_NOT_RESIDENCE_AFTER = re.compile(r"^\s*(?:에\s*)?(?:소재|[^\s]*(?:학교|초등|중학|고등|대학|초ㆍ|초·|사업|기관|시설|기업|단체|병원))")
#: titles of services that list alternative groups (any one of them qualifies), e.g. fee reductions:
#: a residence named there is one group among others, not a condition of the whole service.
_ALTERNATIVES_TITLE = re.compile(r"감면|할인|면제|우대")
#: bullets of the items of a list (○ 국가유공자 ○ 부산시민 …).
_BULLET = re.compile(r"(?:(?:^|\n)\s*(?:ㅇ|-|\d+\.)|[○■□•])\s*")
_EXCLUDED_AFTER = re.compile(r"^[^.\n○]{0,15}(?:제외|이외|외의|아닌)")
_LIST_BEFORE = re.compile(r"[,，·ㆍ/]\s*$|(?:및|또는|와|과)\s+$")
_OFFICIAL_SIDO = re.compile("|".join(map(re.escape, SIDO)))


def text_area(text: str, title: str = "") -> Area | None:
    """The area a service's 지원대상/선정기준 text limits it to, when it names residence in one place.

    Conservative reading: a region name (a 시·도 in its official or short form, optionally with its
    시·군·구, or a 시·군·구 whose name belongs to one 시·도 only) that starts a word and is followed within a
    few characters (에, 내, 지역에) by a word of residence: 거주, 주민등록, 관내, 도민/시민/구민/군민, or 민
    right after the name (``"포천시민"``). Examples: ``"경상남도 거주"``, ``"경남 거주"``, ``"목포시에 거주"``,
    ``"제주특별자치도에 주민등록"``, ``"광진구 관내 거주"``, ``"충남도민"``. Not read: 관내 followed by a school
    or business (``"영등포구 관내 고등학교"``), a mention followed by 제외/이외 (an exclusion), the last item
    of a list (``"고령, 성주, 청송군 거주"``), and "도내"/"시내" (they need the agency's own area, which a
    local government's service already has). Items of a list may be alternatives (``"○ 가정폭력 피해여성
    ○ 충남 거주 새터민"``): with two or more items the mention must be in the first one, and a service whose
    title says it lists alternative groups (감면, 할인, 면제, 우대) is not read at all.

    Args:
        text: the 지원대상 and 선정기준 sections of one service.
        title: the service's name (서비스명), for the alternatives rule.

    Returns:
        The area, or ``None`` when no residence is named, or when the text names more than one region
        (different areas with residence words, or another 시·도 by its official name anywhere). When one
        mention is a whole 시·도 and another a 시·군·구 in it, the whole 시·도 (the broader reading) is kept.

    Example:
        >>> text_area("1. 현재 경상남도 거주 중이면서 거주기간이 3개월 이상인 분")
        Area(sido='경상남도', sigungu=None)
    """
    if _ALTERNATIVES_TITLE.search(title):
        return None
    items = [i for i in _BULLET.split(text) if i.strip()]
    first_item_end = len(text) if len(items) < 2 else text.index(items[0]) + len(items[0])
    found: set[Area] = set()
    for m in _RESIDENCE.finditer(text):
        sido_word, sgg = m.group("sido"), m.group("sgg")
        if sido_word is None and sgg is None:
            continue
        kw = m.group("kw")
        name_end = m.end("sgg") if sgg is not None else m.end("sido")
        if kw == "민" and (m.group("gap") or not text[name_end - 1].endswith(("시", "도", "군", "구"))):
            continue
        after = text[m.end():]
        if kw == "관내" and _NOT_RESIDENCE_AFTER.match(after):
            continue
        if m.start() >= first_item_end:
            return None  # a residence in a later item of a list: maybe one alternative among others
        if _EXCLUDED_AFTER.match(after) or _LIST_BEFORE.search(text[max(0, m.start() - 6):m.start()]):
            return None
        if sido_word is not None:
            sido = SIDO_ALIASES.get(sido_word, sido_word)
            if sgg is not None and sgg not in SIGUNGU.get(sido, ()):
                return None  # a 시·군·구 of another 시·도: read nothing rather than guess
            found.add(Area(sido, sgg))
        elif sgg in _UNIQUE_SGG:
            found.add(Area(_UNIQUE_SGG[sgg], sgg))
        else:
            return None  # "중구 거주": which 중구 is not known
    if not found:
        return None
    sidos = {a.sido for a in found} | set(_OFFICIAL_SIDO.findall(text))
    if len(sidos) != 1:
        return None
    if len(found) == 1:
        return next(iter(found))
    whole = Area(next(iter(sidos)), None)
    return whole if whole in found else None


__all__ += ["text_area"]
