"""A household described in the opening message ("혼자 사시는데") reaches the eligibility check as a fact.

Fresh-user report s10, issue 2 item 1: "우리 엄마 80세고 대구에 혼자 사시는데 뭐 받을 수 있어요?" got "찾지 못했어요":
the eligibility route took 혼자 for the kind of help asked about and sent the message to the documents. Here a small
catalogue of its own (two 대구 services for people 65 and over, one coded JA0404 1인가구 only) is served over HTTP,
and the conversation must check the mother (80, 대구, living alone) against it. Expected verdicts read off the codes
by hand: 80 ≥ 65 and 대구 fit both; JA0404 fits only when she lives alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app
from tests.live_server import LiveServer

SERVICES = [
    (ServiceInfo("T-ALONE", "독거어르신 도시락 배달", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/T-ALONE", "대구광역시",
                 ("노인복지법 제27조의2",)), {"JA0110": 65, "JA0111": 200, "JA0404": "Y"}),
    (ServiceInfo("T-OLD", "어르신 교통비 지원", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/T-OLD", "대구광역시",
                 ("노인복지법 제26조",)), {"JA0110": 65, "JA0111": 200}),
]


@pytest.fixture(scope="module")
def household_url() -> Iterator[str]:
    cat = Catalogue.from_records(SERVICES, version="household-tests")
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(cat)))) as live:
        yield live.url


def _check(make_processor: Any, url: str, text: str, sender: str) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    p = make_processor(eligibility_url=url)
    turn = p.handle_message(UserMessage(sender, text, "rest", {}))
    state = p.tracker_state(sender)
    last = turn.messages[-1]
    return state["slots"], last.custom, [c.get("doc_id") or c.get("service_id") for c in last.custom.get("citations") or []]


@pytest.mark.parametrize("text", [
    "우리 엄마 80세고 대구에 혼자 사시는데 뭐 받을 수 있어요?",
    "어머니가 80세인데 대구에서 혼자 지내세요. 받으실 수 있는 혜택이 있나요?",
    "대구 사는 80세 독거노인인데 받을 수 있는 혜택 뭐가 있어요?",
])
def test_the_mother_living_alone_is_checked_with_that_fact(make_processor, household_url: str, text: str) -> None:  # type: ignore[no-untyped-def]
    slots, custom, cited = _check(make_processor, household_url, text, "alone")
    assert slots["age"] == 80 and slots["region"] == "대구광역시" and slots["single_person_household"] is True
    assert custom.get("eligibility", {}).get("eligible") == 2, custom
    assert set(cited) == {"T-ALONE", "T-OLD"}


def test_the_beneficiary_is_the_mother(make_processor, household_url: str) -> None:  # type: ignore[no-untyped-def]
    slots, _custom, _cited = _check(make_processor, household_url, "우리 엄마 80세고 대구에 혼자 사시는데 뭐 받을 수 있어요?", "mom")
    assert slots["beneficiary"] == "parent"


def test_denied_living_alone_rules_out_the_single_household_service(make_processor, household_url: str) -> None:  # type: ignore[no-untyped-def]
    slots, custom, cited = _check(make_processor, household_url,
                                  "우리 엄마 80세고 대구에 사시는데 혼자 사시는 건 아니에요. 뭐 받을 수 있어요?", "family")
    assert slots["single_person_household"] is False
    assert custom.get("eligibility", {}).get("eligible") == 1 and cited == ["T-OLD"], custom


@pytest.mark.parametrize(("opening", "question", "answer", "eligible"), [
    ("우리 엄마 80세고 대구에 사시는데 뭐 받을 수 있어요?", "부모님은 혼자 사시나요?", "네", {"T-ALONE", "T-OLD"}),
    ("우리 엄마 80세고 대구에 사시는데 뭐 받을 수 있어요?", "부모님은 혼자 사시나요?", "아니요", {"T-OLD"}),
    ("우리 엄마 80세고 대구에 사시는데 뭐 받을 수 있어요?", "부모님은 혼자 사시나요?", "네 혼자 사세요", {"T-ALONE", "T-OLD"}),
    ("My mother is 80 and lives in Daegu. What benefits can she get?", "Does your parent live alone", "yes",
     {"T-ALONE", "T-OLD"}),
    ("My mother is 80 and lives in Daegu. What benefits can she get?", "Does your parent live alone", "no", {"T-OLD"}),
])
def test_unsaid_household_is_asked_where_it_decides(make_processor, household_url: str, opening: str,  # type: ignore[no-untyped-def]
                                                    question: str, answer: str, eligible: set[str]) -> None:
    """s12 #3: T-ALONE (JA0404) is decided by living alone only: the form asks it, in the beneficiary's words."""
    p = make_processor(eligibility_url=household_url)
    sender = f"unsaid-{opening}-{answer}"
    turn = p.handle_message(UserMessage(sender, opening, "rest", {}))
    slots = p.tracker_state(sender)["slots"]
    assert (slots["age"], slots["region"], slots["requested_slot"]) == (80, "대구광역시", "single_person_household"), slots
    assert question in (turn.messages[-1].text or ""), [m.text for m in turn.messages]
    turn = p.handle_message(UserMessage(sender, answer, "rest", {}))
    last = turn.messages[-1].custom
    assert p.tracker_state(sender)["slots"]["single_person_household"] is (len(eligible) == 2)
    assert last.get("eligibility", {}).get("eligible") == len(eligible), [m.text for m in turn.messages]
    assert {c.get("doc_id") for c in last.get("citations") or []} == eligible


def test_living_alone_is_not_asked_where_it_decides_nothing(make_processor, household_url: str) -> None:  # type: ignore[no-untyped-def]
    """At 60 both services are ruled out by age (65 and over): whether she lives alone decides nothing, so it is
    not asked and the answer follows at once."""
    slots, custom, _cited = _check(make_processor, household_url, "우리 엄마 60세고 대구에 사시는데 뭐 받을 수 있어요?", "young")
    assert slots["requested_slot"] is None and slots["single_person_household"] is None
    assert custom.get("eligibility", {}).get("eligible") == 0, custom


@pytest.mark.parametrize(("opening", "ask", "definition", "question"), [
    ("우리 엄마 80세고 대구에 사시는데 뭐 받을 수 있어요?", "1인 가구가 뭐예요?", "주민등록표 등본에 세대원이 본인 한 사람뿐이면",
     "부모님은 혼자 사시나요?"),
    ("My mother is 80 and lives in Daegu. What benefits can she get?", "What counts as a single-person household?",
     "the household has no one else", "Does your parent live alone"),
])
def test_what_living_alone_means_is_answered_then_asked_again(make_processor, household_url: str, opening: str,  # type: ignore[no-untyped-def]
                                                              ask: str, definition: str, question: str) -> None:
    """s13 #4: "1인 가구가 뭐예요?" at the living-alone question got no definition (the form read it as an answer it
    could not take); now the domain's utter_define_single_person_household answers, and the question comes again."""
    p = make_processor(eligibility_url=household_url)
    sender = f"define-alone-{opening}"
    p.handle_message(UserMessage(sender, opening, "rest", {}))
    assert p.tracker_state(sender)["slots"]["requested_slot"] == "single_person_household"
    turn = p.handle_message(UserMessage(sender, ask, "rest", {}))
    texts = [m.text or "" for m in turn.messages]
    assert any(definition in t for t in texts), texts
    assert question in texts[-1], texts
    slots = p.tracker_state(sender)["slots"]
    assert (slots["requested_slot"], slots["single_person_household"]) == ("single_person_household", None)
