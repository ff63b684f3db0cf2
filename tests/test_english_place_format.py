"""One English writing of a place (task s9-fix item 1; fresh-user s8: the eligibility replies said "Seoul Gangnam-gu",
the form's messages "Gangnam-gu, Seoul").

Every English reply writes a place the way an English address does, the smallest unit first with commas between
("Gangnam-gu, Seoul"), through one writer (:func:`connectors.eligibility.regions_en.english_place_name`, reached from
:func:`assistant.regions.place_for_language`); a list of places is joined with "; ". Each path that names a place in
English is checked here against the same expected string: the form's said-back values, the eligibility facts echoed,
the REGION condition, a local agency, the facts of an alert subscription, the regional follow-up's list and the knowledge answer's "other regions".
The form and correction messages are also checked through the engine (tests/dialogue/test_form_answers_s8.py,
tests/dialogue/test_english_replies.py)."""

from __future__ import annotations

import pytest

from assistant.dialogue.understood import differs_from_typed, said_values
from assistant.knowledge.composer import missing_variant_text
from assistant.regions import place_for_language, places_for_language
from connectors.alerts.actions import format_facts
from connectors.eligibility.actions import _describe_facts, english_agency
from connectors.eligibility.evaluator import region_condition
from connectors.eligibility.regions import SIDO, SIGUNGU, Area
from connectors.eligibility.regions_en import english_place_name, find_english_region

#: Written by hand from the Revised Romanization (2000) and the address order of English (smallest unit first).
EXPECTED = {
    "서울특별시 강남구": "Gangnam-gu, Seoul",
    "부산광역시 해운대구": "Haeundae-gu, Busan",
    "경기도 성남시": "Seongnam-si, Gyeonggi-do",
    "경기도 성남시 분당구": "Bundang-gu, Seongnam-si, Gyeonggi-do",
    "충청북도 옥천군": "Okcheon-gun, Chungcheongbuk-do",
    "서울특별시": "Seoul",
    "중구": "Jung-gu",
    # a merged 시·도 joins its two names (s44 probe: "Jeonnamgwangju" hid the 광주 an English reader looks for)
    "전남광주통합특별시": "Jeonnam-Gwangju",
    "전남광주통합특별시 북구": "Buk-gu, Jeonnam-Gwangju",
}


@pytest.mark.parametrize(("korean", "english"), EXPECTED.items())
def test_the_one_writer_puts_the_smallest_unit_first(korean: str, english: str) -> None:
    assert english_place_name(korean) == english
    assert place_for_language(korean, "en") == english
    assert place_for_language(korean, "ko") == korean


def test_every_district_written_in_english_reads_back_to_itself() -> None:
    """All 224 시·군·구 of the tables: the English writing starts with the district, ends with its 시·도, and the
    English reader takes it back to the same place (so a citizen can type what the assistant wrote)."""
    wrong = []
    count = 0
    for sido, districts in SIGUNGU.items():
        for gu in districts:
            count += 1
            shown = place_for_language(f"{sido} {gu}", "en")
            parts = shown.split(", ")
            if (parts[0], parts[-1]) != (english_place_name(gu), english_place_name(sido)) or find_english_region(shown) != Area(sido, gu):
                wrong.append((sido, gu, shown, find_english_region(shown)))
    assert count > 200 and not wrong, wrong[:10]
    assert all(find_english_region(place_for_language(s, "en")) == Area(s, None) for s in SIDO)


@pytest.mark.parametrize(("korean", "english"), [(k, v) for k, v in EXPECTED.items() if " " in k])
def test_every_english_place_path_writes_it_the_same_way(korean: str, english: str) -> None:
    # the form's messages ({value_en} of utter_understood_region / utter_corrected_region)
    assert said_values("region", korean) == {"value": korean, "value_en": english}
    assert not differs_from_typed(english, korean, english=True)  # typed as we write it: nothing to say back
    # the eligibility connector: the facts echoed, a REGION condition, a local agency
    assert _describe_facts({"age": 67, "region": korean}, None, "en") == f"age 67, living in {english}"
    assert _describe_facts({"age": 67, "region": korean}, None, "ko") == f"만 67세, {korean}"
    sido, _, rest = korean.partition(" ")
    assert region_condition(Area(sido, rest or None)).meaning_en.startswith(f"resident of {english} ")
    if len(korean.split()) == 2:  # an agency is a 시·도 or a 시·군·구 (agency_area); a 일반구 is no agency of its own
        assert english_agency(korean) == english
    # the facts a benefit-alert subscription shows
    assert f"- where you live (down to the city/district): {english}" in format_facts({"region": korean, "age": 67}, "en").splitlines()
    assert f"- 사는 곳(시·군·구까지): {korean}" in format_facts({"region": korean, "age": 67}, "ko").splitlines()
    # the knowledge answer's sentence before other regions' variants
    assert f"for {english} in my documents" in missing_variant_text("en", "p", place_for_language(korean, "en"), "x", False)


def test_a_list_of_places_keeps_each_place_whole() -> None:
    """The regional follow-up ("… run by several local governments: …") and the knowledge answer's other regions:
    an English place has commas of its own, so places are separated by "; " (Korean keeps ", ")."""
    labels = ["경기도 안양시", "충청북도 옥천군", "부산광역시 중구", "경기도 안양시"]
    assert places_for_language(labels, "en") == "Anyang-si, Gyeonggi-do; Okcheon-gun, Chungcheongbuk-do; Jung-gu, Busan"
    assert places_for_language(labels, "ko") == "경기도 안양시, 충청북도 옥천군, 부산광역시 중구"
    assert places_for_language([], "en") == ""
