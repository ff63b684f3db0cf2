"""English (romanised) names of where a person lives → the same area as the Korean names
(connectors/eligibility/regions_en.py).

The expected spellings below are the official Revised Romanization names as the governments themselves write
them in English (Seongnam-si, Jeju-do, Gyeongsangbuk-do, Jongno-gu, Gangneung-si, Miryang-si …), typed here by
hand, not produced by the romaniser under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InvalidInputError
from connectors.eligibility.facts import Facts, parse_facts
from connectors.eligibility.regions import SIDO, SIDO_ALIASES, SIGUNGU, agency_area, normalise_region

from elig_helpers import raw_rows  # type: ignore[import-not-found]

#: Official English / RR names and the Korean name of the same place.
OFFICIAL = [
    ("Seongnam-si, Gyeonggi-do", "경기도 성남시"), ("Jeju-do", "제주특별자치도"), ("Gyeongsangbuk-do", "경상북도"),
    ("Gyeongsangnam-do", "경상남도"), ("Chungcheongbuk-do", "충청북도"), ("Chungcheongnam-do", "충청남도"),
    ("Jeollanam-do", "전라남도"), ("Jeollabuk-do", "전라북도"), ("Jeonbuk State", "전북특별자치도"),
    ("Gangwon State", "강원특별자치도"), ("Gangwon-do", "강원도"), ("Gyeonggi Province", "경기도"),
    ("Seoul", "서울특별시"), ("Busan", "부산광역시"), ("Jeju", "제주"), ("Daegu Metropolitan City", "대구광역시"),
    ("Incheon Metropolitan City", "인천광역시"), ("Gwangju Metropolitan City", "광주광역시"), ("Daejeon", "대전"),
    ("Ulsan", "울산"), ("Sejong Special Self-Governing City", "세종특별자치시"), ("Jeju Special Self-Governing Province", "제주특별자치도"),
    ("Seoul Special City", "서울특별시"), ("North Gyeongsang Province", "경상북도"), ("South Chungcheong", "충청남도"),
    ("Jongno-gu, Seoul", "서울특별시 종로구"), ("Jungnang-gu, Seoul", "서울특별시 중랑구"), ("Gangnam-gu, Seoul", "서울특별시 강남구"),
    ("Haeundae-gu, Busan", "부산광역시 해운대구"), ("Busanjin-gu, Busan", "부산광역시 부산진구"), ("Suseong-gu, Daegu", "대구광역시 수성구"),
    ("Michuhol-gu, Incheon", "인천광역시 미추홀구"), ("Yuseong-gu, Daejeon", "대전광역시 유성구"), ("Ulju-gun, Ulsan", "울산광역시 울주군"),
    ("Gangneung-si, Gangwon State", "강원특별자치도 강릉시"), ("Cheorwon-gun, Gangwon-do", "강원도 철원군"),
    ("Ulleung-gun, Gyeongsangbuk-do", "경상북도 울릉군"), ("Miryang-si, Gyeongsangnam-do", "경상남도 밀양시"),
    ("Uijeongbu-si, Gyeonggi-do", "경기도 의정부시"), ("Namyangju-si, Gyeonggi-do", "경기도 남양주시"),
    ("Cheonan-si, Chungcheongnam-do", "충청남도 천안시"), ("Jeongeup-si, Jeollabuk-do", "전라북도 정읍시"),
    ("Gwangyang-si, Jeollanam-do", "전라남도 광양시"), ("Seogwipo-si, Jeju-do", "제주도 서귀포시"),
    ("Gunwi-gun, Daegu", "대구광역시 군위군"), ("Gwangju-si, Gyeonggi-do", "경기도 광주시"), ("Gwangju", "광주"),
]


@pytest.mark.parametrize(("english", "korean"), OFFICIAL)
def test_official_english_names_read_as_the_korean_ones(english: str, korean: str) -> None:
    assert normalise_region(english) == normalise_region(korean)
    assert Facts(region=english).region == str(normalise_region(korean))


@pytest.mark.parametrize("text", [
    "Seongnam, Gyeonggi-do", "Gyeonggi-do, Seongnam-si", "seongnam si, gyeonggi do", "SEONGNAM-SI GYEONGGI-DO",
    "Seongnam City, Gyeonggi Province", "  Seongnam ,Gyeonggi  ", "Seong-nam, Gyeong-gi", "Seongnam-si",
    "Bundang-gu, Seongnam-si, Gyeonggi-do", "Gyeonggi-do Seongnam-si Bundang-gu", "Seongnam, Gyeonggi, South Korea",
])
def test_spaces_commas_hyphens_case_and_order(text: str) -> None:
    assert normalise_region(text) == normalise_region("경기도 성남시")


@pytest.mark.parametrize("text", ["I like apples", "my house", "hello", "123 Teheran-ro, Gangnam-gu, Seoul",
                                  "Tokyo", "New York", "Seoul, Busan", "Seongnam, Seoul", "Korea"])
def test_what_is_not_one_region_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        normalise_region(text)
    with pytest.raises(InvalidInputError):
        parse_facts({"region": text})


def test_a_district_name_of_several_cities_needs_its_city() -> None:
    with pytest.raises(ValueError, match="several 시·도"):
        normalise_region("Jung-gu")
    assert str(normalise_region("Jung-gu, Busan")) == "부산광역시 중구"
    assert str(normalise_region("Jung-gu, Seoul")) == "서울특별시 중구"
    with pytest.raises(ValueError, match="several 시·도"):
        normalise_region("Goseong-gun")
    assert str(normalise_region("Goseong-gun, Gangwon")) == "강원특별자치도 고성군"


def test_the_names_read_are_the_catalogues_local_governments(gov24_dir: Path) -> None:
    """The 시·군·구 table is exactly the catalogue's local-government agencies (plus Jeju's two cities), and each
    of them, written as '<name>-<unit>, <시·도>' in RR, reads back as the agency's area."""
    from connectors.eligibility.regions_en import romanise

    rows = raw_rows(gov24_dir, "gov24_serviceList_snapshot.json")
    agencies = {r["소관기관명"] for r in rows if r["소관기관유형"] == "시군구"}
    table = {f"{s} {g}" for s, names in SIGUNGU.items() for g in names}
    assert table - agencies == {"제주특별자치도 제주시", "제주특별자치도 서귀포시"} and agencies <= table
    assert set(SIGUNGU) == set(SIDO)
    unit = {"시": "si", "군": "gun", "구": "gu", "도": "do"}
    for agency in sorted(agencies):
        sido, name = agency.split()
        area = agency_area(agency)
        short = next(k for k, v in SIDO_ALIASES.items() if v == sido and len(k) == 2)  # 충청북도 → 충북 (Chungbuk)
        english = f"{romanise(name[:-1]).title()}-{unit[name[-1]]}, {romanise(short).title()}"
        assert normalise_region(english) == area, english


#: McCune–Reischauer spellings as older maps and documents print them (typed by hand, with and without breves).
MCCUNE_REISCHAUER = [
    ("Pusan", "부산광역시"), ("Taegu", "대구광역시"), ("Inch'ŏn", "인천광역시"), ("Inchon", "인천광역시"),
    ("Kwangju", "광주"), ("Taejŏn", "대전광역시"), ("Taejon", "대전광역시"), ("Cheju", "제주특별자치도"),
    ("Kyŏnggi-do", "경기도"), ("Kyonggi Province", "경기도"), ("North Ch'ungch'ŏng", "충청북도"),
    ("South Kyŏngsang Province", "경상남도"), ("Kangwŏn-do", "강원특별자치도"), ("Chŏnju, North Chŏlla", "전북특별자치도 전주시"),
    ("Sŏngnam, Kyŏnggi-do", "경기도 성남시"), ("Suwŏn", "경기도 수원시"), ("Ch'ŏngju", "충청북도 청주시"),
    ("Kangnam-gu, Seoul", "서울특별시 강남구"), ("Yŏngdŭngp'o-gu, Seoul", "서울특별시 영등포구"), ("P'ohang", "경상북도 포항시"),
]


@pytest.mark.parametrize(("english", "korean"), MCCUNE_REISCHAUER)
def test_mccune_reischauer_spellings_read_as_the_korean_ones(english: str, korean: str) -> None:
    assert normalise_region(english) == normalise_region(korean)


def test_mccune_reischauer_english_words_are_not_places() -> None:
    from connectors.eligibility.regions_en import find_english_region

    with pytest.raises(ValueError):
        normalise_region("soul")  # Sŏul (서울) in MR: an English word, not read
    assert find_english_region("bless my soul") is None
    assert str(find_english_region("My father lives in Taegu now")) == "대구광역시"
    assert str(find_english_region("I live in Suwŏn, Kyŏnggi Province.")) == "경기도 수원시"


@pytest.mark.parametrize(("sentence", "place"), [
    ("please give me your responses only in french from now on", None),  # now + on is not 노원구 (CLINC150 train)
    ("I live in Hae undae", None),  # syllables written apart: English words inside a sentence
    ("I live in North Chungcheong", "충청북도"),
    ("my dad lives in Gangnam District, Seoul", "서울특별시 강남구"),
    ("We moved to Jung District, Daegu last year", "대구광역시 중구"),
    ("she is in Daegu Jung gu", "대구광역시 중구"),
    ("Gyeonggi do Suwon si is where I live", "경기도 수원시"),
    ("Busan Metropolitan City helps", "부산광역시"),
])
def test_a_sentence_joins_words_written_apart_only_through_a_name_or_a_unit(sentence: str, place: str | None) -> None:
    """Inside a sentence, ordinary English words run together are no place (s24: "from now on" read as Nowon); a
    name written with its unit or its North/South as separate words still is."""
    from connectors.eligibility.regions_en import find_english_region

    found = find_english_region(sentence)
    assert (str(found) if found else None) == place


def test_a_reply_that_is_only_a_place_still_joins_its_syllables() -> None:
    assert normalise_region("Hae undae") == normalise_region("부산광역시 해운대구")


def test_english_chatter_names_a_place_only_in_a_word_that_is_one() -> None:
    """Over every CLINC150 and banking77 question, a place is read only where one word of the sentence (as written
    between spaces, punctuation dropped) is a key of that place by itself: no place is made of English words."""
    import csv
    import json
    import re

    from connectors.eligibility.regions_en import find_english_region, table
    from shared_paths import SHARED_DATA  # type: ignore[import-not-found]

    clinc, banking = SHARED_DATA / "clinc150" / "data_full.json", SHARED_DATA / "banking77"
    if not clinc.is_file() or not banking.is_dir():
        pytest.skip(f"CLINC150/banking77 not found under {SHARED_DATA} (see ../shared/data/SOURCES.md)")
    data = json.loads(clinc.read_text(encoding="utf-8"))
    questions = [q for part in data.values() for q, _intent in part]
    for f in sorted(banking.glob("*.csv")):
        with f.open(encoding="utf-8") as fh:
            questions += [row[0] for row in csv.reader(fh)][1:]
    assert len(questions) > 30_000
    keys = table()
    read = 0
    for q in questions:
        area = find_english_region(q)
        if area is None:
            continue
        read += 1
        words = {re.sub(r"[^a-z]", "", w.lower()) for w in q.split()}
        assert any((area.sido, area.sigungu) in keys.get(w, ()) or (area.sido, None) in keys.get(w, ()) for w in words), q
    assert read >= 1  # "in seoul, what things can i do"


def _every_run_read(text: str):
    """find_english_region without its filter: every run of up to six words, longest first, read by
    normalise_english_region (the reference the filtered search must agree with)."""
    import re

    from connectors.eligibility.regions_en import normalise_english_region

    words = text[:300].split()
    for size in range(min(6, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            chunk = " ".join(words[i:i + size]).strip(" .!?\"'()")
            if re.search(r"[A-Za-z]", chunk):
                try:
                    return normalise_english_region(chunk, in_sentence=True)
                except ValueError:
                    continue
    return None


@pytest.mark.parametrize("name", [
    "Seongnam, Gyeonggi-do", "Gangnam-gu, Seoul", "Haeundae", "Jung-gu, Daegu", "Bundang-gu", "North Chungcheong",
    "Inch'ŏn", "Suwon City", "Nam-gu, Pohang", "Busan Metropolitan City", "Hae undae", "Ilsan", "Dongtan",
    "Mapo gu", "Xyzabc-gu, Seoul", "Gyeonggi do Suwon si", "Jeju-do", "Sejong",
])
def test_the_word_filter_never_changes_what_a_sentence_names(name: str) -> None:
    """Skipping runs with a word no place name contains (s25, 7x faster over CLINC150) reads the same place as
    reading every run, wherever the name stands in a sentence."""
    from connectors.eligibility.regions_en import find_english_region

    chatter = ["how do i apply for the child allowance", "my mother moved last year and needs help with rent",
               "can you tell me from now on what benefits i get", "what is the deadline"]
    for sentence in chatter:
        words = sentence.split()
        for i in range(len(words) + 1):
            text = " ".join([*words[:i], "in", name, *words[i:]])
            assert find_english_region(text) == _every_run_read(text), text
