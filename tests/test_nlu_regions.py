"""English (and Korean) 시·군·구 as ``region`` entities in the bundled NLU, outside the eligibility form.

The expected value of each name is computed by the eligibility connector's own readers
(:func:`connectors.eligibility.regions.normalise_region` and ``regions_en.normalise_english_region``), not
from the generated data; ``intents/regions.yml`` must be what ``scripts/region_lookup.py`` writes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from shared_paths import ROOT

from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig
from assistant.nlu.project import load_project
from connectors.eligibility.regions import SIGUNGU, normalise_region
from connectors.eligibility.regions_en import normalise_english_region, romanise


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("region_lookup", ROOT / "scripts" / "region_lookup.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    project = load_project(ROOT / "intents")
    p = EntityPipeline(EntityPipelineConfig(extractors=["regex", "lookup", "duckling"]))
    p.train(project.nlu, entity_names=list(project.domain.entities))
    return p


def _regions(pipe: EntityPipeline, text: str) -> list[tuple[str, object]]:
    return [(e.text, e.value) for e in pipe.extract(text) if e.entity == "region"]


_COUNT: dict[str, int] = {}
for _names in SIGUNGU.values():
    for _n in _names:
        _COUNT[_n] = _COUNT.get(_n, 0) + 1
UNIQUE = sorted((sido, n) for sido, names in SIGUNGU.items() for n in names if _COUNT[n] == 1 and n != "광주시")
AMBIGUOUS = sorted(n for n, c in _COUNT.items() if c > 1)


def test_the_generated_file_is_up_to_date() -> None:
    assert (ROOT / "intents" / "regions.yml").read_text(encoding="utf-8") == _script().render()


@pytest.mark.parametrize(
    ("text", "place", "reader_input"),
    [
        ("I live in Haeundae-gu, Busan", "Haeundae-gu", "Haeundae-gu"),
        ("My mother lives in Mapo district", "Mapo district", "Mapo District"),
        ("Gangnam-gu", "Gangnam-gu", "Gangnam-gu"),
        ("I moved here, in Suwon, last year", "Suwon", "Suwon"),
        ("we live in seongnam si", "seongnam si", "Seongnam-si"),
        ("Kangnam-gu, Seoul", "Kangnam-gu", "Kangnam-gu"),  # McCune–Reischauer
        ("I'm from Jongro-gu", "Jongro-gu", "Jongro-gu"),  # letter by letter (RR says Jongno)
        ("Gapyeong County", "Gapyeong County", "Gapyeong County"),
    ],
)
def test_english_names_give_what_the_form_reads(pipe: EntityPipeline, text: str, place: str, reader_input: str) -> None:
    found = [(t, v) for t, v in _regions(pipe, text) if t == place]
    assert found == [(place, str(normalise_english_region(reader_input)))]
    assert text[text.index(place) : text.index(place) + len(place)] == place


@pytest.mark.parametrize(("sido", "name"), UNIQUE)
def test_every_unique_sigungu_in_korean_and_english(pipe: EntityPipeline, sido: str, name: str) -> None:
    expected = str(normalise_region(f"{sido} {name}"))
    assert _regions(pipe, f"{name}에 살아요") == [(name, expected)]
    english = f"{romanise(name[:-1]).capitalize()}-{romanise(name[-1])}"
    assert _regions(pipe, f"I live in {english} now") == [(english, expected)]


@pytest.mark.parametrize("name", AMBIGUOUS)
def test_ambiguous_names_are_not_guessed(pipe: EntityPipeline, name: str) -> None:
    english = f"{romanise(name[:-1]).capitalize()}-{romanise(name[-1])}"
    with pytest.raises(ValueError):
        normalise_english_region(english)  # the form's reader needs the 시·도 too
    assert _regions(pipe, f"I live in {english}") == [(english, name)]  # the name, no 시·도 attached


@pytest.mark.parametrize("text", ["서구 문화가 궁금해요", "남구 북구", "my soul", "동구 밖 과수원길", "Gumiho stories"])
def test_words_that_are_not_districts(pipe: EntityPipeline, text: str) -> None:
    """Two-syllable 구 names are Korean words too (서구: the West); English needs the word to stand alone."""
    assert _regions(pipe, text) == []


def test_a_district_and_its_province_in_one_message(pipe: EntityPipeline) -> None:
    assert _regions(pipe, "부산 해운대구에 살아요") == [("부산", "부산광역시"), ("해운대구", str(normalise_region("부산 해운대구")))]
    assert _regions(pipe, "Jung-gu, Busan") == [("Jung-gu", "중구"), ("Busan", "부산광역시")]


def test_the_script_check_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = _script()
    assert mod.main(["--check"]) == 0
    stale = tmp_path / "regions.yml"
    stale.write_text("nlu: []\n", encoding="utf-8")
    monkeypatch.setattr(mod, "OUT", stale)
    assert mod.main(["--check"]) == 1


#: (McCune–Reischauer or older spelling, the Revised Romanization name, the Korean name): all three must give one value.
MR_SIDO = [
    ("Pusan", "Busan", "부산"), ("Taegu", "Daegu", "대구"), ("Inch'ŏn", "Incheon", "인천"), ("Inchon", "Incheon", "인천"),
    ("Inch’on", "Incheon", "인천"), ("INCHON", "Incheon", "인천"), ("Kwangju", "Gwangju", "광주"), ("Taejŏn", "Daejeon", "대전"),
    ("Taejon", "Daejeon", "대전"), ("Ulsan", "Ulsan", "울산"), ("Sejong", "Sejong", "세종"), ("Cheju", "Jeju", "제주"),
    ("Cheju-do", "Jeju", "제주도"), ("Kyŏnggi", "Gyeonggi", "경기"), ("Kyonggi-do", "Gyeonggi", "경기도"),
    ("Kangwŏn", "Gangwon", "강원"), ("Kangwon-do", "Gangwon", "강원도"),
    ("North Ch'ungch'ŏng", "North Chungcheong", "충청북도"), ("Ch'ungch'ŏng-bukdo", "Chungcheongbuk-do", "충북"),
    ("South Chungchong", "South Chungcheong", "충청남도"), ("Ch'ungnam", "Chungnam", "충남"),
    ("North Chŏlla", "North Jeolla", "전북"), ("Chonbuk", "Jeonbuk", "전라북도"), ("South Cholla Province", "South Jeolla", "전남"),
    ("Chŏnnam", "Jeonnam", "전라남도"), ("North Kyŏngsang", "North Gyeongsang", "경북"), ("Kyongbuk", "Gyeongbuk", "경상북도"),
    ("South Kyongsang", "South Gyeongsang", "경남"), ("Kyŏngnam", "Gyeongnam", "경상남도"),
    ("Pusan Metropolitan City", "Busan Metropolitan City", "부산광역시"),
    ("Incho\u0306n", "Incheon", "인천"),  # the breve typed as a combining mark after its letter
]  # fmt: skip


@pytest.mark.parametrize(("mr", "rr", "korean"), MR_SIDO)
def test_mccune_reischauer_sido_names_give_the_revised_romanization_value(pipe: EntityPipeline, mr: str, rr: str, korean: str) -> None:
    (ko_text, ko_value), = _regions(pipe, f"{korean}에 살아요")
    assert ko_text == korean and isinstance(ko_value, str) and ko_value
    assert _regions(pipe, f"I live in {rr} now") == [(rr, ko_value)]
    assert _regions(pipe, f"I live in {mr} now") == [(mr, ko_value)]
    assert _regions(pipe, f"{mr}에서 왔어요") == [(mr, ko_value)]  # an English name with a Korean particle


@pytest.mark.parametrize(
    ("mr", "rr"),
    [("Sŏngnam", "Seongnam"), ("Ch'ŏngju", "Cheongju"), ("Chongju-si", "Cheongju-si"), ("Ch'ŏnan", "Cheonan"),
     ("P'ohang", "Pohang"), ("Ch'angwŏn", "Changwon"), ("Kimhae", "Gimhae"), ("Koyang", "Goyang"), ("Chŏnju", "Jeonju")],
)  # fmt: skip
def test_mccune_reischauer_city_names(pipe: EntityPipeline, mr: str, rr: str) -> None:
    (_, rr_value), = _regions(pipe, f"I live in {rr}")
    assert _regions(pipe, f"I live in {mr}") == [(mr, rr_value)]


@pytest.mark.parametrize("text", ["I love Ch'ungch'ŏng food", "Chŏlla cuisine", "Kyongsang dialect", "Chungcheong", "my soul", "Sŏul"])
def test_bare_halves_and_english_words_are_not_guessed(pipe: EntityPipeline, text: str) -> None:
    """"Ch'ungch'ŏng" names two 도 (North and South): no region; MR "Sŏul" is "soul"."""
    assert _regions(pipe, text) == []
