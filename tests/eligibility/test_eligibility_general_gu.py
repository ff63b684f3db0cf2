"""A 일반구 said alone (분당구, 덕양구, 수지구, 상당구 …) is read as "<시·도> <시> <구>" and counts as its city
(issue #5, s7 item 3): table-driven over every 일반구 of :data:`connectors.eligibility.regions.GENERAL_GU`, in Korean
and English, then through the engine's questionnaire."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.regions import (
    GENERAL_GU,
    GENERAL_GU_STEMS,
    SIGUNGU,
    Area,
    general_gu_place,
    normalise_region,
    places_in_text,
)
from connectors.eligibility.regions_en import english_general_gu, english_place_name, find_english_region

ALL_GU = [(sido, city, gu) for (sido, city), gus in GENERAL_GU.items() for gu in gus]
#: 일반구 names a 자치구 also has (포항's 남구·북구): said alone they are ambiguous, and the form asks the 시·도.
SHARED = {gu for _, _, gu in ALL_GU if any(gu in names for names in SIGUNGU.values())}


def test_the_table_is_consistent() -> None:
    assert len(ALL_GU) == 39 and SHARED == {"남구", "북구"}
    for sido, city, gu in ALL_GU:
        assert city in SIGUNGU[sido] and city.endswith("시") and gu.endswith("구"), (sido, city, gu)
        assert not sido.endswith("광역시") and not sido.endswith("특별시")  # a 일반구 is never in a 광역시
    for stem, (sido, city) in GENERAL_GU_STEMS.items():
        assert any(g.startswith(stem) for g in GENERAL_GU[(sido, city)]) or stem in ("마산", "진해"), stem


@pytest.mark.parametrize(("sido", "city", "gu"), ALL_GU)
def test_a_general_gu_alone_names_its_city(sido: str, city: str, gu: str) -> None:
    area = Area(sido, city)
    for text in (gu, f"{gu}에 살아요", f"저는 {gu}요"):
        found = places_in_text(text)
        if gu in SHARED:
            assert area in found and len(found) > 1, text  # 남구: 포항 or a 광역시's 남구
        else:
            assert found == (area,), text
            assert general_gu_place(found[0], text) == f"{sido} {city} {gu}"
    assert places_in_text(f"{city[:-1]} {gu}") == (area,)  # "포항 남구", "성남 분당구"
    assert normalise_region(f"{sido} {gu}") == area  # "경기도 분당구"
    assert normalise_region(f"{sido} {city} {gu}") == area
    assert Facts(region=f"{sido} {gu}").region == f"{sido} {city}"


@pytest.mark.parametrize(("sido", "city", "gu"), ALL_GU)
def test_a_general_gu_in_english(sido: str, city: str, gu: str) -> None:
    name = english_place_name(gu)  # "Bundang-gu"
    area = Area(sido, city)
    alone = find_english_region(f"I live in {name}")
    if gu in SHARED:
        assert alone is None  # Nam-gu: several 시·도 have one
    else:
        assert alone == area, name
    with_city = find_english_region(f"{name}, {english_place_name(city)}")
    assert with_city == area, name
    assert english_general_gu(area, f"I live in {name}") == f"{sido} {city} {gu}"


@pytest.mark.parametrize(("text", "expected"), [
    ("분당구", "경기도 성남시 분당구"), ("덕양구에 살아요", "경기도 고양시 덕양구"), ("수지구요", "경기도 용인시 수지구"),
    ("상당구", "충청북도 청주시 상당구"), ("분당에 살아요", "경기도 성남시 분당구"), ("마산이요", "경상남도 창원시"),
])
def test_hand_read_examples(text: str, expected: str) -> None:
    (area,) = places_in_text(text)
    assert general_gu_place(area, text) == expected


def test_a_general_gu_satisfies_its_city_and_province() -> None:
    cat = Catalogue.from_records([
        (ServiceInfo("CITY", "성남시 서비스", "u", "경기도 성남시", ()), {"JA0110": 19, "JA0111": 64}),
        (ServiceInfo("PROV", "경기도 서비스", "u", "경기도", ()), {"JA0110": 19, "JA0111": 64}),
        (ServiceInfo("OTHER", "수원시 서비스", "u", "경기도 수원시", ()), {"JA0110": 19, "JA0111": 64}),
    ])
    res = {r.service_id: r.status for r in evaluate(cat, Facts(age=30, region="경기도 분당구"))}
    assert res == {"CITY": "eligible", "PROV": "eligible", "OTHER": "not_eligible"}


# --- through the questionnaire (the engine's catalogue: age, then region) --------------------------------------


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def slot(p: MessageProcessor, sender: str, name: str) -> Any:
    return p.tracker_state(sender)["slots"][name]


@pytest.mark.parametrize(("lang", "answer", "region"), [
    ("ko", "분당구", "경기도 성남시 분당구"), ("ko", "상당구에 살아요", "충청북도 청주시 상당구"),
    ("en", "Bundang-gu", "경기도 성남시 분당구"), ("en", "I live in Suji-gu", "경기도 용인시 수지구"),
])
def test_the_form_reads_a_general_gu(processor, lang: str, answer: str, region: str) -> None:  # type: ignore[no-untyped-def]
    sender = f"gu-{lang}-{answer}"
    say(processor, "제가 받을 수 있는 혜택이 뭐가 있나요?" if lang == "ko" else "What benefits can I get?", sender)
    say(processor, "67세예요" if lang == "ko" else "I am 67 years old", sender)
    assert slot(processor, sender, "requested_slot") == "region"
    turn = say(processor, answer, sender)
    assert slot(processor, sender, "region") == region, [m.text for m in turn.messages]
    assert not any(m.custom.get("form_invalid") for m in turn.messages)


def test_pohang_nam_gu_asks_the_province_then_completes(processor) -> None:  # type: ignore[no-untyped-def]
    sender = "gu-pohang"
    say(processor, "제가 받을 수 있는 혜택이 뭐가 있나요?", sender)
    say(processor, "67세예요", sender)
    turn = say(processor, "남구", sender)
    assert turn.messages[-1].custom.get("response") == "utter_ask_region_sido"
    say(processor, "경북이요", sender)
    assert slot(processor, sender, "region") == "경상북도 포항시 남구"
