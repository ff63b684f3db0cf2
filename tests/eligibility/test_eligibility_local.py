"""Eligibility without a configured URL is checked in-process (fresh-user report items 2 and 13).

* ``assistant ask``/``chat`` run no server: with no ``eligibility_url`` the actions must evaluate over the
  catalogue in ``ASSISTANT_HOME`` (as ``assistant eligibility check`` does), never call the default local address,
  where nothing, or another server with another catalogue, may listen (a decoy server here).
* ``POST /check`` refuses unknown fields (422) and its ``counts`` cover the services requested.

Runs without ../shared/data (a synthetic catalogue); the verdicts are compared with the evaluator's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from elig_helpers import PINNED_TODAY  # type: ignore[import-not-found]
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker
from assistant.errors import InvalidInputError
from assistant.settings import Settings
from connectors.eligibility.actions import ActionCheckEligibility, ValidateEligibilityForm, actions
from connectors.eligibility.catalogue import Catalogue, ServiceInfo, UnknownServiceError
from connectors.eligibility.client import EligibilityClient, LocalEligibilityClient
from connectors.eligibility.evaluator import evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app, shared_service


def _svc(sid: str, title: str) -> ServiceInfo:
    return ServiceInfo(sid, title, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}", "보건복지부", ())


CATALOGUE = Catalogue.from_records([
    (_svc("KIDS", "유아학비 지원"), {"JA0110": 3, "JA0111": 5}),
    (_svc("OLD", "노인 일자리"), {"JA0110": 65, "JA0111": 120}),
    (_svc("SHOP", "소상공인 경영안정자금"), {"JA1102": "Y"}),
    (_svc("ANY", "누구나 상담"), {"JA0101": "Y", "JA0102": "Y"}),
], version="local-1")
FACTS = [Facts(), Facts(age=4), Facts(age=70, sex="male"), Facts(business_status="operating")]


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(CATALOGUE)))) as srv:
        yield srv


@pytest.mark.parametrize("facts", FACTS, ids=lambda f: repr(f.model_dump(exclude_none=True)))
@pytest.mark.parametrize("ids", [None, ["SHOP", "KIDS"]])
@pytest.mark.parametrize("statuses", [None, ["eligible", "unknown"]])
def test_in_process_equals_http(live: LiveServer, facts: Facts, ids: list[str] | None, statuses: list[str] | None) -> None:
    local = LocalEligibilityClient(EligibilityService(CatalogueSource.fixed(CATALOGUE)))
    with EligibilityClient(live.url, timeout=5.0, retries=1) as http:
        over_http = http.check(facts, ids, statuses)
    here = local.check(facts.model_dump(exclude_none=True), ids, statuses)
    assert here.catalogue_version == over_http.catalogue_version == "local-1"
    assert [r.to_json() for r in here.results] == [r.to_json() for r in over_http.results]
    # counts: over the services checked (before the status filter), computed with the evaluator
    expected = Counter(r.status for r in evaluate(CATALOGUE, facts, ids))
    want = {s: expected[s] for s in ("eligible", "not_eligible", "unknown")}
    assert here.counts == over_http.counts == want
    assert sum(want.values()) == (len(ids) if ids else len(CATALOGUE))


def test_in_process_errors_match_http() -> None:
    local = LocalEligibilityClient(EligibilityService(CatalogueSource.fixed(CATALOGUE)))
    with pytest.raises(UnknownServiceError, match="NOPE"):
        local.check(Facts(), ["NOPE"])
    with pytest.raises(InvalidInputError, match="invalid facts"):
        local.check({"agee": 3})
    with pytest.raises(InvalidInputError, match="unknown statuses"):
        local.check(Facts(), None, ["maybe"])
    assert local.find("유아학비 지원 받을 수 있나요?") == [{"service_id": "KIDS", "title": "유아학비 지원"}]
    assert local.health()["services"] == len(CATALOGUE)


@pytest.mark.parametrize("body", [
    {"facts": {"age": 67}, "service_id": ["KIDS"]},  # the misspelling the operator made: must not check everything
    {"facts": {}, "service_ids": ["KIDS"], "status": ["eligible"]},
    {"facts": {}, "extra": 1},
])
def test_unknown_request_fields_are_422(live: LiveServer, body: dict[str, Any]) -> None:
    r = httpx.post(f"{live.url}/check", json=body)
    assert r.status_code == 422
    bad = [k for k in body if k not in ("facts", "service_ids", "statuses")]
    assert [e["loc"][-1] for e in r.json()["detail"]] == bad
    assert httpx.post(f"{live.url}/services/find", json={"text": "유아학비", "limt": 3}).status_code == 422


def test_counts_cover_the_requested_services(live: LiveServer) -> None:
    r = httpx.post(f"{live.url}/check", json={"facts": {"age": 70}, "service_ids": ["OLD", "KIDS", "OLD"]}).json()
    assert r["counts"] == {"eligible": 2, "not_eligible": 1, "unknown": 0}  # OLD twice (as requested), KIDS once
    everything = httpx.post(f"{live.url}/check", json={"facts": {"age": 70}}).json()
    assert sum(everything["counts"].values()) == len(CATALOGUE)


# --- the actions with no eligibility URL: in-process, never the default local address --------------------


class _Decoy:
    """Another server on the default address, answering with another catalogue (the report's "worse" case)."""

    def __init__(self) -> None:
        self.calls = 0
        other = Catalogue.from_records([(_svc("DECOY", "다른 서버의 서비스"), {"JA0101": "Y"})], version="decoy")
        inner = create_app(service=EligibilityService(CatalogueSource.fixed(other)))

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.calls += 1
            await inner(scope, receive, send)

        from fastapi import FastAPI

        self.app = FastAPI()
        self.app.mount("/connectors/eligibility", app)


def _form_and_check(found: list[Any]) -> tuple[ValidateEligibilityForm, ActionCheckEligibility]:
    """The two actions that call the eligibility service, among all the connector's actions (the group question too)."""
    forms = [a for a in found if isinstance(a, ValidateEligibilityForm)]
    checks = [a for a in found if isinstance(a, ActionCheckEligibility)]
    assert len(forms) == 1 and len(checks) == 1, found
    return forms[0], checks[0]


def test_actions_without_url_check_in_process(tmp_path: Path) -> None:
    decoy = _Decoy()
    with LiveServer(decoy.app) as srv:
        port = int(srv.url.rsplit(":", 1)[1].split("/")[0])
        settings = Settings(home=tmp_path / "home", port=port)  # nothing imported; no eligibility_url
        assert settings.eligibility_url is None
        form, check = _form_and_check(actions(settings))
        assert isinstance(check.client, LocalEligibilityClient) and isinstance(form.client, LocalEligibilityClient)
        # one catalogue in the process: the embedded HTTP app of `assistant serve` and the actions share it
        assert check.client.service is form.client.service is shared_service(settings)
        assert create_app(settings).state.service is shared_service(settings)
        d = CollectingDispatcher()
        check.run(d, ProtocolTracker({"sender_id": "u", "slots": {"age": 4}}), {})
    assert decoy.calls == 0
    # the home holds no catalogue: the conversation says so (not "cannot reach the service", not the decoy's list)
    assert [m.get("response") for m in d.messages] == ["utter_eligibility_no_catalogue"]


def test_actions_with_url_use_http(tmp_path: Path, live: LiveServer) -> None:
    settings = Settings(home=tmp_path / "home", eligibility_url=live.url)
    form, check = _form_and_check(actions(settings))
    assert isinstance(check.client, EligibilityClient)
    assert check.client.base_url == live.url
    d = CollectingDispatcher()
    check.run(d, ProtocolTracker({"sender_id": "u", "slots": {"age": 4}}), {})
    assert "유아학비 지원" in str(d.messages[0].get("text"))


# --- a named service the catalogue lacks (fresh-user report item 6) ----------------------------------------

NAMED = Catalogue.from_records([
    (_svc("EV", "에너지바우처"), {"JA0110": 65, "JA0111": 120}),
    (_svc("KIDS", "유아학비 지원"), {"JA0110": 3, "JA0111": 5}),
    # a benefit the catalogue has only inside regional titles (출산지원금 지원, 출산장려금 지원: issue #2, s10-region)
    (_svc("YONGIN", "용인시 출산지원금 지원"), {"JA0101": "Y"}),
    (_svc("SUYEONG", "출산장려금 지원"), {"JA0101": "Y"}),
], version="named-1")


def _activation(text: str) -> ProtocolTracker:
    return ProtocolTracker({"sender_id": "m", "slots": {}, "latest_message": {"text": text, "intent": {"name": "check_eligibility"}},
                            "events": [{"event": "user", "text": text}, {"event": "active_loop", "name": "eligibility_form"}]})


@pytest.mark.parametrize(("text", "missing"), [
    ("기초연금 받을 수 있나요?", "기초연금"),
    ("아동수당 얼마 받을 수 있어요?", "아동수당"),
    ("실업급여 받을 수 있을까요", "실업급여"),
    ("에너지바우처 받을 수 있나요?", None),  # in the catalogue
    # held inside titles ("용인시 출산지원금 지원"): not missing (was said missing: the check looked for a title inside
    # the bare name "출산지원금", the other way round)
    ("출산지원금 얼마 받을 수 있어요?", None), ("출산장려금 받을 수 있나요?", None),
    ("제가 받을 수 있는 혜택이 뭐가 있나요?", None),  # no service named: the general questionnaire
])
def test_a_named_service_missing_from_the_catalogue_is_said_missing(text: str, missing: str | None) -> None:
    import yaml

    from connectors.eligibility.actions import named_missing_service

    client = LocalEligibilityClient(EligibilityService(CatalogueSource.fixed(NAMED)))
    assert named_missing_service(text, client) == missing
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "intents" / "domain.yml").read_text("utf-8"))
    d = CollectingDispatcher()
    events = ValidateEligibilityForm(client, 5).run(d, _activation(text), domain)
    asked = [e["value"] for e in events if e.get("name") == "requested_slot"]
    target = [e["value"] for e in events if e.get("name") == "eligibility_service_id"]
    d2 = CollectingDispatcher()
    ActionCheckEligibility(client, today=lambda: PINNED_TODAY).run(d2, _activation(text), domain)
    said = [(m.get("response"), m.get("service_name")) for m in d.messages]
    if missing:  # said first, then the general questionnaire goes on (no service targeted)
        assert said[0] == ("utter_eligibility_not_in_catalogue_other", missing)
        assert target == [None] and asked and asked[-1] is not None
        assert missing in domain["responses"]["utter_eligibility_not_in_catalogue_other"][1]["text"].format(service_name=missing)
    else:
        assert all(r != "utter_eligibility_not_in_catalogue_other" for r, _ in said)
        if "에너지바우처" in text:
            assert target == ["EV"]


def test_with_no_catalogue_no_service_is_said_missing(tmp_path: Path) -> None:
    """No catalogue imported: "기초연금 받을 수 있나요?" is not told "기초연금 is not in the catalogue, I'll look for others"
    (there is nothing to look in); the form stops and the check says the catalogue is not ready."""
    import yaml

    client = LocalEligibilityClient(EligibilityService(CatalogueSource.from_home(Settings(home=tmp_path / "empty"))))
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "intents" / "domain.yml").read_text("utf-8"))
    d = CollectingDispatcher()
    events = ValidateEligibilityForm(client, 5).run(d, _activation("기초연금 받을 수 있나요?"), domain)
    assert d.messages == [] and [e["value"] for e in events if e.get("name") == "requested_slot"] == [None]


def test_holding_finds_the_titles_that_hold_a_name_in_process_and_over_http() -> None:
    service = EligibilityService(CatalogueSource.fixed(NAMED))
    want = [{"service_id": "YONGIN", "title": "용인시 출산지원금 지원"}]
    assert LocalEligibilityClient(service).holding("출산지원금") == want
    assert LocalEligibilityClient(service).holding("출산 지원금") == want  # spaces ignored
    assert LocalEligibilityClient(service).holding("기초연금") == [] and LocalEligibilityClient(service).holding(" ") == []
    with LiveServer(create_app(service=service)) as srv, EligibilityClient(srv.url, timeout=5.0, retries=1) as http:
        assert http.holding("출산지원금") == want
        assert http.holding("지원", limit=2) == [{"service_id": "KIDS", "title": "유아학비 지원"}, want[0]]
        refused = httpx.post(f"{srv.url}/services/holding", json={"name": "출산지원금", "nope": 1}, timeout=5.0)
        assert refused.status_code == 422


def test_real_catalogue_birth_grant_is_not_said_missing() -> None:
    """On the real catalogue (../shared/data/gov24_benefits; skipped without it): the titles that hold 출산지원금 are
    read off the serviceList rows here, and the form opened by "출산지원금 받을 수 있나요?" does not say it is missing."""
    import json

    import yaml
    from tests.shared_paths import GOV24_DIR

    from connectors.eligibility.actions import named_missing_service

    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR}")
    rows = json.loads(path.read_text(encoding="utf-8"))["data"]
    holding = {r["서비스ID"] for r in rows if "출산지원금" in r["서비스명"].replace(" ", "")}
    assert {"336000000200", "405000000655"} <= holding  # 부산광역시 강서구's and 용인시's, read by hand
    client = LocalEligibilityClient(EligibilityService(CatalogueSource.from_gov24_dir(GOV24_DIR)))
    assert {d["service_id"] for d in client.holding("출산지원금", limit=50)} == holding
    assert named_missing_service("출산지원금 받을 수 있나요?", client) is None
    assert named_missing_service("기초연금 받을 수 있나요?", client) == "기초연금"  # no title holds it
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "intents" / "domain.yml").read_text("utf-8"))
    d = CollectingDispatcher()
    ValidateEligibilityForm(client, 5).run(d, _activation("출산지원금 받을 수 있나요?"), domain)
    assert all(m.get("response") != "utter_eligibility_not_in_catalogue_other" for m in d.messages), d.messages
