"""A region followed by a polite ending or the copula ("동탄구요", "분당구예요", "해운대구인데요", "강남구고요") is one
``region`` entity whose span excludes the ending (``text[start:end]`` is the name as typed), for every Korean 시·군·구
name the bundled lookup knows; and in English ("Bundang-gu please", "it's Haeundae-gu").

Kiwi does not always cut before the ending: it reads "동탄구요" as 동탄 + 구요 (an ending), "흥덕구고요" and
"영덕군요" as one unknown noun, "장안구인데요" with 구이. Expected values are the training data's own (each name's
synonym value, read from the data here, not through the pipeline).
"""

from __future__ import annotations

import pytest
from shared_paths import ROOT

from assistant.nlu.entities.lookup import entry_key
from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig
from assistant.nlu.project import load_project

_PROJECT = load_project(ROOT / "intents")


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    p = EntityPipeline(EntityPipelineConfig(extractors=["regex", "lookup", "duckling"]))
    p.train(_PROJECT.nlu, entity_names=list(_PROJECT.domain.entities))
    return p


def _names() -> dict[str, str]:
    """Every Korean name of a 시·군·구 (ending in 구, 시, 군) that the region table lists or a synonym gives a region
    value, with that value."""
    nlu = _PROJECT.nlu
    canonical = {entry_key(k): v for k, v in nlu.synonyms.items()}
    entries = nlu.lookups["region"]
    names = {e: canonical.get(entry_key(e), e) for e in entries}
    values = set(names.values())
    names.update({k: v for k, v in nlu.synonyms.items() if v in values})
    return {n: v for n, v in names.items() if n[-1] in "구시군" and all("가" <= c <= "힣" or c == " " for c in n)}


NAMES = _names()


def _final_consonant(syllable: str) -> bool:
    return (ord(syllable) - 0xAC00) % 28 != 0


def _endings(name: str) -> list[str]:
    """요, the copula (예요 after a vowel, 이에요 after a consonant), 인데요, 고요/이고요."""
    final = _final_consonant(name[-1])
    return ["요", "이에요" if final else "예요", "인데요", "이고요" if final else "고요", "에서요"]


def test_the_table_covers_the_names() -> None:
    assert len(NAMES) > 250 and {"분당구", "동탄구", "해운대구", "강남구", "가평군", "수원시"} <= set(NAMES)


@pytest.mark.parametrize("ending_kind", range(5))
def test_every_region_name_with_an_ending(pipe: EntityPipeline, ending_kind: int) -> None:
    wrong = []
    for name, value in sorted(NAMES.items()):
        text = name + _endings(name)[ending_kind]
        got = [(e.text, e.value, text[e.start : e.end]) for e in pipe.extract(text) if e.entity == "region"]
        if got != [(name, value, name)]:
            wrong.append((text, got, value))
    assert wrong == []


@pytest.mark.parametrize(("text", "name"), [
    ("동탄구요", "동탄구"), ("분당구예요", "분당구"), ("해운대구인데요", "해운대구"), ("강남구고요", "강남구"),
    ("가평군이에요", "가평군"), ("수원시요", "수원시"), ("저는 흥덕구고요, 나이는 67세예요", "흥덕구"),
])  # fmt: skip
def test_the_reported_messages(pipe: EntityPipeline, text: str, name: str) -> None:
    (region,) = [e for e in pipe.extract(text) if e.entity == "region"]
    assert region.text == name == text[region.start : region.end] and region.value == NAMES[name]


@pytest.mark.parametrize(("text", "place", "value"), [
    ("Bundang-gu please", "Bundang-gu", "경기도 성남시 분당구"),
    ("it's Haeundae-gu", "Haeundae-gu", "부산광역시 해운대구"),
    ("Gangnam-gu, thanks", "Gangnam-gu", "서울특별시 강남구"),
])  # fmt: skip
def test_english_variants(pipe: EntityPipeline, text: str, place: str, value: str) -> None:
    assert [(e.text, e.value) for e in pipe.extract(text) if e.entity == "region"] == [(place, value)]
    assert value == NAMES[{"Bundang-gu": "분당구", "Haeundae-gu": "해운대구", "Gangnam-gu": "강남구"}[place]]


@pytest.mark.parametrize("text", ["그렇구요", "좋구요", "광주시청에 가요", "시고요", "구요", "강남구청이요", "수정해 주세요"])
def test_endings_alone_and_other_words_are_no_region(pipe: EntityPipeline, text: str) -> None:
    assert [e for e in pipe.extract(text) if e.entity == "region"] == []
