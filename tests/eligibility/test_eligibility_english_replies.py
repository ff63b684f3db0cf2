"""English replies of the eligibility connector print no Hangul (issue #5, s7 item 4), except what has no English
form: service names (서비스명), agencies that are not local governments (ministries, public corporations) and the
laws cited (법령). Places (the facts echoed, the REGION reasons, local-government agencies), statuses, ways in and
the "no coded conditions" note are in English.

Over the real catalogue (skips without ../shared/data), in process: the result lists for a grid of people and the
one-service answer for every service.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from elig_helpers import PINNED_TODAY  # type: ignore[import-not-found]

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker
from connectors.eligibility.actions import TARGET_SLOT, ActionCheckEligibility, english_agency
from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.client import LocalEligibilityClient
from connectors.eligibility.regions import agency_area
from connectors.eligibility.service import CatalogueSource, EligibilityService

HANGUL = re.compile(r"[가-힣]")

PEOPLE: list[dict[str, Any]] = [
    {"age": 67, "region": "부산광역시 해운대구", "income_pct": 40.0, "welfare_recipient": False},
    {"age": 4, "region": "서울특별시 마포구", "beneficiary": "child"},
    {"age": 35, "region": "경기도 성남시 분당구", "sex": "female", "disabled": True},
    {"age": 22, "region": "전남광주통합특별시 남구", "near_poverty": True},
    {"age": 50, "region": "제주특별자치도 제주시", "veteran": True, "master_craftsman": False},
]


def _allowed(catalogue: Catalogue) -> list[str]:
    """The Korean words an English reply may keep, longest first: service names, non-local agencies, laws."""
    words = {s.title for s in catalogue.services}
    words |= {s.agency for s in catalogue.services if agency_area(s.agency) is None}
    words |= {law for s in catalogue.services for law in s.legal_basis}
    return sorted(words, key=len, reverse=True)


def _stripped(text: str, allowed: list[str]) -> str:
    for w in allowed:
        if w in text:
            text = text.replace(w, "")
    return text


@pytest.fixture(scope="module")
def action(gov24_catalogue: Catalogue) -> ActionCheckEligibility:
    return ActionCheckEligibility(LocalEligibilityClient(EligibilityService(CatalogueSource.fixed(gov24_catalogue))),
                                  today=lambda: PINNED_TODAY)


def _reply(action: ActionCheckEligibility, slots: dict[str, Any]) -> str:
    d = CollectingDispatcher()
    action.run(d, ProtocolTracker({"sender_id": "en", "slots": {**slots, "language": "en"}}), {})
    return "\n".join(str(m.get("text") or "") for m in d.messages)


@pytest.mark.parametrize("person", PEOPLE, ids=[p["region"] for p in PEOPLE])
def test_result_lists_in_english_print_no_hangul(action: ActionCheckEligibility, gov24_catalogue: Catalogue,
                                                 person: dict[str, Any]) -> None:
    text = _reply(action, person)
    assert "Based on what you told me" in text
    left = HANGUL.findall(_stripped(text, _allowed(gov24_catalogue)))
    assert not left, text


def test_the_facts_echoed_name_the_place_in_english(action: ActionCheckEligibility) -> None:
    text = _reply(action, PEOPLE[0])
    assert "living in Haeundae-gu, Busan" in text and "부산" not in text
    assert "living in Bundang-gu, Seongnam-si, Gyeonggi-do" in _reply(action, PEOPLE[2])


def test_one_service_answers_in_english_print_no_hangul(action: ActionCheckEligibility, gov24_catalogue: Catalogue) -> None:
    allowed = _allowed(gov24_catalogue)
    failures = []
    for person in PEOPLE[:3]:
        for svc in gov24_catalogue.services:
            text = _reply(action, {**person, TARGET_SLOT: svc.service_id})
            left = HANGUL.findall(_stripped(text, allowed))
            if left:
                failures.append(f"{svc.service_id}: {''.join(left)[:40]} in {text[:300]!r}")
    assert not failures, f"{len(failures)} replies with Hangul, e.g.:\n" + "\n".join(failures[:5])


def test_a_local_agency_is_named_in_english() -> None:
    assert english_agency("경기도 성남시") == "Seongnam-si, Gyeonggi-do" and english_agency("서울특별시") == "Seoul"
    assert english_agency("보건복지부") == "보건복지부"  # no English form in the catalogue: kept, cited as written


@pytest.mark.parametrize(("lang", "section"), [("en", "Support conditions"), ("ko", "지원 조건")])
def test_result_citations_name_the_conditions_section_in_the_citizens_language(action: ActionCheckEligibility,
                                                                              lang: str, section: str) -> None:
    # The widget prints a citation's section on its source card: the API view's name ("supportConditions") was shown.
    d = CollectingDispatcher()
    action.run(d, ProtocolTracker({"sender_id": lang, "slots": {**PEOPLE[0], "language": lang}}), {})
    sections = {c["section"] for m in d.messages for c in m["custom"].get("citations", [])}
    assert sections == {section}
