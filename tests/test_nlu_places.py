"""intents/places.yml (scripts/place_examples.py): place-only inform examples and the 시·도 + two-syllable 구 entries,
generated from the eligibility connector's region tables; and what they change in the trained bundled NLU (fresh-user
test s7, defects 2 and 12: "Busan" read as greet, "Seongnam-si" as goodbye, "광주 북구" without 북구)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from connectors.eligibility.regions import SIDO, SIGUNGU, normalise_region

ROOT = Path(__file__).resolve().parents[1]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("place_examples", ROOT / "scripts" / "place_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data() -> list[dict[str, Any]]:
    return list(yaml.safe_load((ROOT / "intents" / "places.yml").read_text(encoding="utf-8"))["nlu"])


def test_the_file_is_what_the_script_writes() -> None:
    assert (ROOT / "intents" / "places.yml").read_text(encoding="utf-8") == _script().render()


def test_every_sido_is_a_place_only_example_in_both_languages() -> None:
    inform = next(b for b in _data() if b.get("intent") == "inform")
    examples = [line[2:] for line in inform["examples"].splitlines() if line.startswith("- ")]
    plain = [re.sub(r"\[([^\]]+)\]\(region\)", r"\1", e) for e in examples]
    assert all(re.fullmatch(r"(\[[^\]]+\]\(region\)[ ,]*)+", e) for e in examples), examples  # places and nothing else
    korean = {normalise_region(p).sido for p in plain if re.search(r"[가-힣]", p)}
    assert korean == set(SIDO)
    from connectors.eligibility.regions_en import normalise_english_region

    english: set[str] = set()
    for p in plain:
        if re.search(r"[가-힣]", p):
            continue
        try:
            area = normalise_english_region(p)
        except ValueError:  # a 구 name that several 시·도 have ("Nam-gu"): a place all the same
            continue
        if area.sigungu is None:
            english.add(area.sido)
    assert english == set(SIDO)


def test_the_two_syllable_districts_of_several_sido_are_places_after_their_sido() -> None:
    shared = {gu for gu in {g for gs in SIGUNGU.values() for g in gs} if len(gu) == 2
              and sum(gu in gs for gs in SIGUNGU.values()) > 1}
    assert {"북구", "남구", "동구", "서구", "중구"} <= shared
    synonyms = {b["synonym"]: [line[2:] for line in b["examples"].splitlines() if line.startswith("- ")]
                for b in _data() if "synonym" in b}
    expected = {f"{sido} {gu}" for sido, gs in SIGUNGU.items() for gu in gs if gu in shared}
    assert set(synonyms) == expected
    for value, names in synonyms.items():
        for name in names:  # each written form is the same place for the form's own reader
            area = normalise_region(name)
            assert f"{area.sido} {area.sigungu}" == value, (name, area)
    assert "광주 북구" in synonyms["전남광주통합특별시 북구"] and "대구 북구" in synonyms["대구광역시 북구"]


@pytest.mark.parametrize("text", ["Busan", "Haeundae-gu", "Seongnam-si", "Gangnam", "Daejeon"])
def test_a_bare_english_place_is_no_greeting_or_goodbye(bundled_router: Any, text: str) -> None:
    parsed = bundled_router.nlu.parse(text).to_rasa()
    assert parsed["intent"]["name"] not in {"greet", "goodbye", "thank"}, parsed["intent"]
    assert [e["entity"] for e in parsed["entities"]] == ["region"]


@pytest.mark.parametrize(("text", "value"), [("광주 북구", "전남광주통합특별시 북구"), ("대구 북구", "대구광역시 북구"),
                                             ("울산광역시 동구", "울산광역시 동구")])
def test_a_sido_and_its_two_syllable_district_are_one_place(bundled_router: Any, text: str, value: str) -> None:
    ents = [e for e in bundled_router.nlu.parse(text).to_rasa()["entities"] if e["entity"] == "region"]
    assert value in [e["value"] for e in ents], ents
    area = normalise_region(text)  # the form's reader agrees
    assert f"{area.sido} {area.sigungu}" == value
