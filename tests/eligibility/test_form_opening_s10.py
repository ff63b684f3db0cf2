"""How the eligibility form opens (fresh-user test s10): which service it checks, and what it says first.

* #11: the "받을 수 있는지 확인하기" button (``/check_eligibility``) under the documents answer about 에너지바우처 checks
  에너지바우처 (the service the answer cited), not the whole catalogue: the payload names nothing, the conversation does.
* the nit: "가장 중요한 것부터 몇 가지만 여쭤볼게요" was said and then nothing was asked (the answer came at once): the
  introduction is said only when a question follows.
* #9: MyData fetches the citizen's own records, so the form about a mother (``beneficiary`` parent) does not offer it.

The validate action runs on a small catalogue in process (:class:`LocalEligibilityClient`), with the real domain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker
from connectors.eligibility.actions import ValidateEligibilityForm, service_text
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.client import LocalEligibilityClient
from connectors.eligibility.service import CatalogueSource, EligibilityService

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "intents" / "domain.yml").read_text("utf-8"))

# 에너지바우처 coded on income only (중위소득 0~50%); the other two on age: the general questionnaire asks age first
# (two services need it), the check of 에너지바우처 alone asks income.
CATALOGUE = Catalogue.from_records([
    (ServiceInfo("EV", "에너지바우처", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/EV", "기후에너지환경부", ()), {"JA0201": "Y"}),
    (ServiceInfo("OLD", "어르신 교통비", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/OLD", "보건복지부", ()), {"JA0110": 65, "JA0111": 120}),
    (ServiceInfo("KID", "유아학비 지원", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/KID", "교육부", ()), {"JA0110": 3, "JA0111": 5}),
], version="s10-flow")


def _client() -> LocalEligibilityClient:
    return LocalEligibilityClient(EligibilityService(CatalogueSource.fixed(CATALOGUE)))


def _offer(title: str) -> dict[str, Any]:
    """The bot event of a documents answer that cites ``title`` and offers the check (as ActionAnswerFromKnowledge)."""
    return {"event": "bot", "text": "…", "data": {"buttons": [{"title": "받을 수 있는지 확인하기", "payload": "/check_eligibility"}],
                                                   "custom": {"citations": [{"doc_id": "svc-x", "title": title}],
                                                              "offers": ["check_eligibility"]}}}


def _tracker(text: str, before: list[dict[str, Any]] | None = None, slots: dict[str, Any] | None = None,
             entities: list[dict[str, Any]] | None = None) -> ProtocolTracker:
    latest = {"text": text, "intent": {"name": "check_eligibility"}, "entities": entities or []}
    return ProtocolTracker({"sender_id": "s10", "slots": dict(slots or {}), "latest_message": latest,
                            "events": [*(before or []), {"event": "user", "text": text},
                                       {"event": "active_loop", "name": "eligibility_form"}]})


def _run(tracker: ProtocolTracker) -> tuple[list[Any], dict[str, Any]]:
    d = CollectingDispatcher()
    events = ValidateEligibilityForm(_client(), 5).run(d, tracker, DOMAIN)
    return [m.get("response") for m in d.messages], {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("title", ["에너지바우처", "Energy voucher (에너지바우처)"])
def test_the_offer_button_checks_the_service_the_answer_was_about(title: str) -> None:
    before = [{"event": "user", "text": "에너지바우처 받을 수 있나요?"}, _offer(title)]
    tracker = _tracker("/check_eligibility", before)
    assert service_text(tracker) == title
    said, slots = _run(tracker)
    assert slots["eligibility_service_id"] == "EV"
    assert slots["requested_slot"] == "income_pct"  # what 에너지바우처 needs; never region, never age


def test_the_button_with_no_answer_before_it_is_the_general_questionnaire() -> None:
    tracker = _tracker("/check_eligibility")
    assert service_text(tracker) == ""
    _said, slots = _run(tracker)
    assert slots["eligibility_service_id"] is None and slots["requested_slot"] == "age"


def test_a_typed_question_still_names_its_own_service() -> None:
    tracker = _tracker("유아학비 지원 받을 수 있나요?", [_offer("에너지바우처")])  # typed: the text decides, not an old offer
    assert service_text(tracker) == "유아학비 지원 받을 수 있나요?"
    assert _run(tracker)[1]["eligibility_service_id"] == "KID"


def test_the_introduction_is_said_only_when_a_question_follows() -> None:
    said, slots = _run(_tracker("에너지바우처 받을 수 있나요?"))
    assert slots["requested_slot"] == "income_pct" and said == ["utter_eligibility_offer_mydata"]
    # the facts already decide it: no question follows, so no "몇 가지만 여쭤볼게요"
    said, slots = _run(_tracker("에너지바우처 받을 수 있나요?", slots={"income_pct": 40}))
    assert slots["requested_slot"] is None and said == []


@pytest.mark.parametrize(("text", "who"), [("우리 어머니가 에너지바우처 받을 수 있나요?", "parent"),
                                           ("Can my son get the energy voucher (에너지바우처)?", "child")])
def test_mydata_is_not_offered_for_someone_else(text: str, who: str) -> None:
    ents = [{"entity": "beneficiary", "value": who, "start": 0, "end": 2}]
    said, slots = _run(_tracker(text, entities=ents))
    assert slots["beneficiary"] == who and slots["requested_slot"] == "income_pct"
    assert said == ["utter_eligibility_intro"]
    intro = DOMAIN["responses"]["utter_eligibility_intro"]
    assert all("buttons" not in v and "마이데이터" not in v["text"] and "MyData" not in v["text"] for v in intro)
    assert {v.get("condition", [{}])[0].get("value", "ko") for v in intro} == {"en", "ko"}  # both languages
