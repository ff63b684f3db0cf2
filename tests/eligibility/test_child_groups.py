"""A child is not asked whether they run a business or are an artist (fresh-user probe s41).

The group question offers the groups the remaining services' texts restrict them to; for a person younger than
``CHILD_BELOW`` (15) the groups no child belongs to (:data:`~connectors.eligibility.actions.ADULT_GROUPS`) are left
out, as the adult-only yes/no questions are; where nothing else is left the question is not asked at all.
The validate action runs on a small catalogue in process, with the real domain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker
from connectors.eligibility.actions import OFFERED_SLOT, ValidateEligibilityForm, offered_groups
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.client import LocalEligibilityClient
from connectors.eligibility.facts import Facts
from connectors.eligibility.service import CatalogueSource, EligibilityService
from connectors.eligibility.text_groups import Restriction

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "intents" / "domain.yml").read_text("utf-8"))
EVERY_AGE = {"JA0110": 0, "JA0111": 120}


def _svc(sid: str, title: str, groups: tuple[str, ...]) -> tuple[ServiceInfo, dict[str, Any]]:
    return (ServiceInfo(sid, title, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}", "보건복지부", (),
                        restriction=Restriction(groups)), EVERY_AGE)


ADULTS_ONLY = Catalogue.from_records([_svc("ART", "예술인 창작 준비금", ("artist",)),
                                      _svc("SHOP", "소상공인 경영 지원", ("business",)),
                                      _svc("ART2", "예술인 공연 관람", ("artist",))], version="adult-groups")
WITH_DISABLED = Catalogue.from_records([*[(s, {"JA0110": 0, "JA0111": 120}) for s in ADULTS_ONLY.services],
                                        _svc("DIS", "장애아동 재활", ("disabled",))], version="child-groups")


def _unknown(catalogue: Catalogue, facts: dict[str, Any]) -> list[Any]:
    return EligibilityService(CatalogueSource.fixed(catalogue)).check(Facts.model_validate(facts), statuses=["unknown"])


def test_the_adult_groups_are_offered_to_an_adult_only() -> None:
    assert offered_groups(_unknown(WITH_DISABLED, {"age": 35}), {"age": 35}) == ["artist", "business", "disabled"]
    assert offered_groups(_unknown(WITH_DISABLED, {"age": 4}), {"age": 4}) == ["disabled"]
    assert offered_groups(_unknown(WITH_DISABLED, {"age": 15}), {"age": 15}) == ["artist", "business", "disabled"]


def _plan(catalogue: Catalogue, age: int) -> dict[str, Any]:
    tracker = ProtocolTracker({"sender_id": "child", "slots": {"age": age, "region": "서울특별시", "income_pct": 80},
                               "latest_message": {"text": "80%", "intent": {"name": "inform"}, "entities": []},
                               "events": [{"event": "active_loop", "name": "eligibility_form"},
                                          {"event": "user", "text": "80%"}]})
    client = LocalEligibilityClient(EligibilityService(CatalogueSource.fixed(catalogue)))
    events = ValidateEligibilityForm(client, 5).run(CollectingDispatcher(), tracker, DOMAIN)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_child_is_not_asked_the_group_question_when_every_group_is_an_adults() -> None:
    assert _plan(ADULTS_ONLY, 35)["requested_slot"] == "target_groups"
    assert _plan(ADULTS_ONLY, 35)[OFFERED_SLOT] == ["artist", "business"]
    slots = _plan(ADULTS_ONLY, 4)
    assert slots["requested_slot"] != "target_groups" and OFFERED_SLOT not in slots


def test_a_child_is_offered_the_groups_a_child_may_belong_to() -> None:
    slots = _plan(WITH_DISABLED, 4)
    assert slots["requested_slot"] == "target_groups" and slots[OFFERED_SLOT] == ["disabled"]
