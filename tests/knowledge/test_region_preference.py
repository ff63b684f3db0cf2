"""The place reader behind the region preference: a region word counts only where it is read as a place.

Each row gives a question and the places a Korean reader takes it to name, written by hand (not computed by the
reader's own tables); both readings of the common-word place names (예산 budget / 예산군, 고령 elderly / 고령군, 장수
longevity / 장수군, 경기 economy / 경기도, 부여 grant / 부여군) and of the names several regions share (광주, 중구, 고성).
"""

from __future__ import annotations

import pytest

from assistant.knowledge.region_preference import Place, RegionReader, agency_place, compatible, preference
from assistant.nlu.tokenizer import KoreanTokenizer

AGENCIES = [
    "충청남도 예산군", "경상북도 고령군", "전북특별자치도 장수군", "충청남도 부여군", "경상남도 함양군",
    "서울특별시 중구", "부산광역시 중구", "대구광역시 중구", "서울특별시 용산구", "경기도 광주시", "경기도 안양시",
    "강원특별자치도 고성군", "경상남도 고성군", "전남광주통합특별시 북구", "서울특별시", "보건복지부", "서울특별시교육청",
]


@pytest.fixture(scope="module")
def reader() -> RegionReader:
    return RegionReader(AGENCIES)


@pytest.fixture(scope="module")
def tok() -> KoreanTokenizer:
    return KoreanTokenizer()


YESAN = Place("충청남도", "예산군")
GORYEONG = Place("경상북도", "고령군")
JANGSU = Place("전북특별자치도", "장수군")
BUYEO = Place("충청남도", "부여군")
GWANGJU_SIDO = Place("전남광주통합특별시")
GWANGJU_GG = Place("경기도", "광주시")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # common words: no place
        ("예산 지원 사업이 뭐가 있어요", ()),
        ("고령 어르신 돌봄 서비스", ()),
        ("장수 수당 신청", ()),
        ("고령자 일자리 있나요", ()),
        ("경기 침체로 가게가 어려운데 소상공인 지원", ()),
        ("지원금 부여 대상이 누구예요", ()),
        # the same words read as places
        ("예산군 청년 월세 지원", (YESAN,)),
        ("충남 예산 청년 지원", (YESAN,)),
        ("예산에 사는 청년인데요", (YESAN,)),
        ("고령군 출산장려금", (GORYEONG,)),
        ("고령에 살아요", (GORYEONG,)),
        ("장수에서 귀농하려는데", (JANGSU,)),
        ("부여 주민인데 받을 수 있나요", (BUYEO,)),
        ("경기 광주 청년 지원", (GWANGJU_GG,)),
        # 광주: the former 광주광역시 unless 경기 is named; 광주시 alone is either
        ("광주 사는데 청년 지원", (GWANGJU_SIDO,)),
        ("광주시 청년", (GWANGJU_GG, GWANGJU_SIDO)),
        # a 구 several cities have: each, unless the city is named
        ("중구 청년 지원", (Place("대구광역시", "중구"), Place("부산광역시", "중구"), Place("서울특별시", "중구"))),
        ("부산 중구 청년 지원", (Place("부산광역시", "중구"),)),
        ("강원도 고성 주민", (Place("강원특별자치도", "고성군"),)),
        ("서울에서 임신하면 받을 수 있는 거 뭐 있어요", (Place("서울특별시"),)),
        ("서울특별시 용산구 임산부", (Place("서울특별시", "용산구"),)),
        ("안양 청년 월세 지원", (Place("경기도", "안양시"),)),
        ("Is there rent support for young people?", ()),
    ],
)
def test_reads_a_region_word_as_a_place_only_where_it_is_one(reader: RegionReader, tok: KoreanTokenizer,
                                                             text: str, expected: tuple[Place, ...]) -> None:
    assert reader.read(text, tok.tokenize(text)) == expected


def test_a_slot_value_is_a_place_without_the_guard(reader: RegionReader) -> None:
    assert reader.read("예산", None) == ()
    assert reader.read("예산", None, guard=False) == (YESAN,)
    assert reader.read("경기도 안양시", None, guard=False) == (Place("경기도", "안양시"),)


@pytest.mark.parametrize(
    ("agency", "place"),
    [("충청남도 예산군", YESAN), ("서울특별시", Place("서울특별시")), ("보건복지부", None),
     # an education office and a local foundation are their place's bodies (s14; they were None, read as national)
     ("서울특별시교육청", Place("서울특별시")), ("재단법인종로복지재단", Place("서울특별시", "종로구")),
     ("경기도 성남시 분당구", None)],
)
def test_agency_place(agency: str, place: Place | None) -> None:
    assert agency_place(agency) == place


def test_preference_tiers() -> None:
    seoul = (Place("서울특별시"),)
    assert preference("서울특별시 용산구", seoul) == 2  # a district of the named 시·도
    assert preference("서울특별시", (Place("서울특별시", "용산구"),)) == 2  # the 시·도 of the named district
    assert preference("보건복지부", seoul) == 1
    assert preference("부산광역시 중구", seoul) == 0
    assert preference("부산광역시 중구", ()) == 1
    assert not compatible(Place("서울특별시", "중구"), Place("서울특별시", "용산구"))
