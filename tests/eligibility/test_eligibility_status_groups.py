"""The group question's status facts end to end (issue #5, session 10 item 3): ``high_voltage_customer`` (고압 전기 고객)
and ``business_status`` (사업자) have no question of their own; the group question offers 전기 고객 and 사업자 when a
remaining service needs them (a GROUP of the text, the APPLICANT kind "businesses or organisations"), Korean and
English answers name them, and the answer decides the services.

The conversation runs the bundled engine against a real eligibility service (uvicorn) over a small catalogue built
here: every service is for adults (the age is asked first), then:

* HV — a transformer subsidy for high-voltage customers (GROUP electricity; the fact high_voltage_customer decides);
* SHOP — a support whose 지원대상 names only businesses (APPLICANT business_or_organization; business_status decides:
  "none" rules it out, running one holds it);
* ART — for artists (GROUP artist), so that the question has a group no status fact stands for.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from connectors.eligibility.actions import conversation_facts, offered_groups
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.facts import Facts
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app
from connectors.eligibility.text_groups import Restriction
from tests.live_server import LiveServer

ADULT = {"JA0110": 19, "JA0111": 120}
HV, SHOP, ART = "S-HV", "S-SHOP", "S-ART"


def _svc(sid: str, title: str, restriction: Restriction | None = None, applicant: str | None = None) -> ServiceInfo:
    return ServiceInfo(sid, title, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}", "한국전력공사", (),
                       restriction=restriction, applicant=applicant)  # type: ignore[arg-type]


def status_catalogue() -> Catalogue:
    return Catalogue.from_records([
        (_svc(HV, "고효율 변압기 지원", Restriction(("electricity",))), ADULT),
        (_svc(SHOP, "소상공인 점포 지원", applicant="business_or_organization"), ADULT),
        (_svc(ART, "예술인 창작 준비금", Restriction(("artist",))), ADULT),
    ], version="s10-status-groups")


@pytest.fixture(scope="module")
def status_url() -> Iterator[str]:
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(status_catalogue())))) as live:
        yield live.url


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def asked(turn: Turn) -> str | None:
    last = turn.messages[-1].custom.get("response") if turn.messages else None
    return str(last).removeprefix("utter_ask_") if last and str(last).startswith("utter_ask_") else None


OPENING = {"ko": "제가 받을 수 있는 혜택이 뭐가 있나요?", "en": "What benefits can I get?"}
AGE = {"ko": "45세예요", "en": "I am 45 years old"}


def to_group_question(p: MessageProcessor, lang: str, sender: str) -> Turn:
    turn = say(p, OPENING[lang], sender)
    assert asked(turn) == "age", [m.text for m in turn.messages]
    turn = say(p, AGE[lang], sender)
    assert asked(turn) == "target_groups", [m.text for m in turn.messages]
    return turn


def test_the_status_groups_are_offered_for_the_services_that_need_them() -> None:
    """SHOP has no GROUP condition: only its missing business_status asks for the 사업자 button."""
    service = EligibilityService(CatalogueSource.fixed(status_catalogue()))
    facts = {"age": 45, "organization_type": "none"}
    unknown = service.check(Facts.model_validate(facts), statuses=["unknown"])
    assert {r.service_id for r in unknown} == {HV, SHOP, ART}
    # one service each, so the lexicon's order: rescuer, military, artist, fishery, farming, electricity, … business
    assert offered_groups(unknown, facts) == ["artist", "electricity", "business"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_question_offers_electricity_and_business(make_processor, status_url: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    p = make_processor(eligibility_url=status_url, eligibility_max_questions=5)
    turn = to_group_question(p, lang, f"sg-offer-{lang}")
    payloads = [b["payload"] for b in turn.messages[-1].buttons]
    assert '/inform{"target_group": "electricity"}' in payloads and '/inform{"target_group": "business"}' in payloads


@pytest.mark.parametrize("lang, answer, groups, verdicts", [
    # a high-voltage customer who runs a shop: HV holds; SHOP's kind of business is not said (unknown, not ruled out)
    ("ko", "한전 고압 고객이고 가게를 운영해요", {"electricity": True, "business": True},
     {HV: "eligible", SHOP: "unknown", ART: "unknown"}),
    ("en", "I'm a high-voltage customer and I run a small shop", {"electricity": True, "business": True},
     {HV: "eligible", SHOP: "unknown", ART: "unknown"}),
    # neither: both status facts false, so HV and SHOP are ruled out; ART stays to confirm (not offered as false)
    ("ko", "고압 고객은 아니고 사업은 안 해요", {"electricity": False, "business": False},
     {HV: "not_eligible", SHOP: "not_eligible", ART: "unknown"}),
    ("en", "I don't run a business and I'm not a high-voltage customer", {"business": False, "electricity": False},
     {HV: "not_eligible", SHOP: "not_eligible", ART: "unknown"}),
])
def test_answers_set_the_status_facts_and_decide(make_processor, status_url: str, lang: str, answer: str,  # type: ignore[no-untyped-def]
                                                 groups: dict[str, bool], verdicts: dict[str, str]) -> None:
    p = make_processor(eligibility_url=status_url, eligibility_max_questions=5)
    sender = f"sg-{lang}-{answer}"
    to_group_question(p, lang, sender)
    turn = say(p, answer, sender)
    slots = p.tracker_state(sender)["slots"]
    assert slots["target_groups"] == groups
    facts = conversation_facts(slots)
    assert facts.get("high_voltage_customer") is groups["electricity"]
    assert facts.get("business_status") == (None if groups["business"] else "none")
    service = EligibilityService(CatalogueSource.fixed(status_catalogue()))
    got = {r.service_id: r.status for r in service.check(Facts.model_validate(facts))}
    assert got == verdicts
    final = turn.messages[-1]
    assert p.tracker_state(sender)["active_loop"] == {}, [m.text for m in turn.messages]
    counts = final.custom["eligibility"]
    assert counts["eligible"] == sum(v == "eligible" for v in verdicts.values())
    # the list says what it went by, in the conversation's language: the group, never the fact's field name
    assert "high_voltage_customer" not in (final.text or "")
    if groups["electricity"]:
        assert ("electricity customers" if lang == "en" else "전기 고객") in (final.text or "")
