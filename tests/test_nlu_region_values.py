"""Every ``region`` value the bundled NLU can emit is a name the eligibility connector accepts; 일반구 and
ambiguous English names are region entities the eligibility form reads.

Expected values come from the connector's own tables and readers (:mod:`connectors.eligibility.regions`:
``SIDO``, ``SIDO_ALIASES``, ``GENERAL_GU``, ``normalise_region``, ``general_gu_value``, ``places_in_text``), not
from the generated data (intents/regions.yml, intents/places.yml, nlu.yml).
"""

from __future__ import annotations

import pytest
from shared_paths import ROOT

from assistant.nlu.entities.lookup import entry_key
from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig
from assistant.nlu.project import load_project
from connectors.eligibility.regions import (
    GENERAL_GU,
    GENERAL_GU_STEMS,
    SIDO,
    SIDO_ALIASES,
    SIGUNGU,
    Area,
    general_gu_value,
    normalise_region,
    places_in_text,
)
from connectors.eligibility.regions_en import romanise

_PROJECT = load_project(ROOT / "intents")
_AUTONOMOUS = {n for names in SIGUNGU.values() for n in names}
#: 일반구 of one city whose name no 자치구 has → (시·도, 시)
UNIQUE_GU = sorted((gu, sido, city) for (sido, city), gus in GENERAL_GU.items() for gu in gus if gu not in _AUTONOMOUS)
SHARED_GU = sorted({gu for gus in GENERAL_GU.values() for gu in gus if gu in _AUTONOMOUS})


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    p = EntityPipeline(EntityPipelineConfig(extractors=["regex", "lookup", "duckling"]))
    p.train(_PROJECT.nlu, entity_names=list(_PROJECT.domain.entities))
    return p


def _regions(pipe: EntityPipeline, text: str) -> list[tuple[str, object]]:
    return [(e.text, e.value) for e in pipe.extract(text) if e.entity == "region"]


def _emittable_values() -> set[str]:
    """What the trained lookup can give for ``region``: each entry through the synonyms (by the matching key, as
    the lookup extractor applies them), and the canonical value of every synonym of a region entry."""
    nlu = _PROJECT.nlu
    by_key = {entry_key(variant): value for variant, value in nlu.synonyms.items()}
    entries = nlu.lookups["region"]
    values = {by_key.get(entry_key(e), e) for e in entries}
    return values | {v for k, v in by_key.items() if v in values or k in {entry_key(e) for e in entries}}


def _accepted(value: str) -> bool:
    """The connector reads ``value`` as it is: its own canonical form of an area, a 일반구 value it keeps, or a
    시·군·구 name several 시·도 have, for which the form asks which 시·도 (``places_in_text`` gives several areas)."""
    try:
        area = normalise_region(value)
    except ValueError:
        return len(places_in_text(value)) > 1 and value in _AUTONOMOUS
    return str(area) == value or general_gu_value(value) == value


def test_every_region_value_is_a_name_the_eligibility_connector_accepts() -> None:
    values = _emittable_values()
    assert len(values) > 250  # 시·도, 시·군·구 and 일반구
    assert sorted(v for v in values if not _accepted(v)) == []
    assert set(SIDO) <= values


@pytest.mark.parametrize("name", ["광주", "광주광역시", "전남", "전라남도", "전남광주", "Gwangju", "Kwangju", "South Jeolla",
                                  "Jeonnam", "Chŏnnam"])  # fmt: skip
def test_gwangju_and_jeonnam_give_the_merged_sido(pipe: EntityPipeline, name: str) -> None:
    """Since the 2026 merger both are 전남광주통합특별시 for the connector; the NLU says the same."""
    expected = SIDO_ALIASES.get("광주광역시")
    assert expected in SIDO and expected == SIDO_ALIASES["전라남도"]
    assert _regions(pipe, f"{name}에 살아요") == [(name, expected)]


def test_a_gwangju_district_gives_one_sido_value(pipe: EntityPipeline) -> None:
    found = _regions(pipe, "광주 북구에 살아요")
    assert [v for _, v in found] == [str(normalise_region("광주광역시 북구"))]


@pytest.mark.parametrize(("gu", "sido", "city"), UNIQUE_GU)
def test_a_general_gu_alone_carries_its_city(pipe: EntityPipeline, gu: str, sido: str, city: str) -> None:
    """분당구, "Bundang-gu": the 일반구 with its 시·도 and city, the value the form keeps (its conditions read the city)."""
    value = f"{sido} {city} {gu}"
    assert general_gu_value(value) == value and normalise_region(value) == Area(sido, city)
    assert _regions(pipe, f"{gu}에 살아요") == [(gu, value)]
    english = f"{romanise(gu[:-1]).capitalize()}-gu"
    assert _regions(pipe, f"I live in {english}") == [(english, value)]
    assert _regions(pipe, f"{city} {gu}에 살아요") == [(f"{city} {gu}", value)]  # after its city: one entity


@pytest.mark.parametrize(("stem", "sido", "city"), sorted((s, *a) for s, a in GENERAL_GU_STEMS.items()))
def test_general_gu_stems_the_connector_reads(pipe: EntityPipeline, stem: str, sido: str, city: str) -> None:
    (text, value), = _regions(pipe, f"{stem}에 살아요")
    gus = [g for g in GENERAL_GU[(sido, city)] if g.startswith(stem)]
    assert text == stem and value == (f"{sido} {city} {gus[0]}" if len(gus) == 1 else f"{sido} {city}")
    assert normalise_region(str(value)) == Area(sido, city)


@pytest.mark.parametrize("gu", SHARED_GU)
def test_an_ambiguous_english_gu_is_a_bare_name_the_form_asks_about(pipe: EntityPipeline, gu: str) -> None:
    """"Nam-gu" alone: 부산/대구/울산/전남광주's 자치구 or 포항시's 일반구; the value is the Korean name, which the
    form's reader finds in several places (and so asks which 시·도)."""
    english = f"{romanise(gu[:-1]).capitalize()}-gu"
    assert _regions(pipe, english) == [(english, gu)]
    areas = set(places_in_text(gu))
    cities = {Area(s, c) for (s, c), gus in GENERAL_GU.items() if gu in gus}
    autonomous = {Area(s, gu) for s, names in SIGUNGU.items() if gu in names}
    assert cities and autonomous and areas == cities | autonomous


@pytest.mark.parametrize("text", ["수정해 주세요", "동안 뭐 했어요", "만세!", "서북쪽으로 가요"])
def test_general_gu_words_that_are_everyday_words(pipe: EntityPipeline, text: str) -> None:
    assert _regions(pipe, text) == []
