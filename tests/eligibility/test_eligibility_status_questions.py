"""The questionnaire asks the named statuses (issue #5, s7 item 2): yes/no, "모르겠어요" leaves them unknown, chosen
by the same fewest-questions-first rule; and `assistant eligibility check --facts` decides by them.

The conversation runs the bundled engine against a real eligibility service (uvicorn) over a small catalogue built
here, whose services make the statuses the most decisive facts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import STATUS
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app
from tests.live_server import LiveServer

BROAD = {"JA0110": 0, "JA0111": 120}
WELFARE, NEAR, BOTH, SENIOR = "S-WELFARE", "S-NEAR", "S-BOTH", "S-SENIOR"


def _svc(sid: str, title: str, statuses: tuple[str, ...] = ()) -> ServiceInfo:
    return ServiceInfo(sid, title, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}", "보건복지부", ("국민기초생활 보장법 제7조",),
                       statuses=statuses)


def status_catalogue() -> Catalogue:
    """Welfare decides two services (WELFARE, BOTH), near-poverty two (NEAR, BOTH), age one (SENIOR): the form asks
    welfare_recipient first (domain order breaks the tie with near_poverty), then near_poverty, then age."""
    return Catalogue.from_records([
        (_svc(WELFARE, "수급자 난방비", ("welfare_recipient",)), BROAD),
        (_svc(NEAR, "차상위 쓰레기봉투", ("near_poverty",)), BROAD),
        (_svc(BOTH, "저소득 이사비", ("welfare_recipient", "near_poverty")), BROAD),
        (_svc(SENIOR, "어르신 목욕비"), {"JA0110": 65, "JA0111": 120}),
    ], version="s7-status")


@pytest.fixture(scope="module")
def status_url() -> Iterator[str]:
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(status_catalogue())))) as live:
        yield live.url


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def asked(turn: Turn) -> str | None:
    last = turn.messages[-1].custom.get("response") if turn.messages else None
    return str(last).removeprefix("utter_ask_") if last and str(last).startswith("utter_ask_") else None


CONVERSATION = {
    "ko": ("제가 받을 수 있는 혜택이 뭐가 있나요?", "아니요", "모르겠어요", "67세예요", "기초생활보장 수급자", "차상위계층"),
    "en": ("What benefits can I get?", "no", "I don't know", "I am 67 years old", "basic livelihood security benefit",
           "near-poverty household"),
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_statuses_asked_no_and_dont_know(make_processor, status_url: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    opening, no, dont_know, age, welfare_words, near_words = CONVERSATION[lang]
    p = make_processor(eligibility_url=status_url, eligibility_max_questions=5)
    sender = f"s7-{lang}"
    turn = say(p, opening, sender)
    assert asked(turn) == "welfare_recipient", [m.text for m in turn.messages]
    assert welfare_words in (turn.messages[-1].text or "")
    assert [b["payload"] for b in turn.messages[-1].buttons] == ["/affirm", "/deny", "/dont_know"]
    turn = say(p, no, sender)
    assert p.tracker_state(sender)["slots"]["welfare_recipient"] is False
    assert asked(turn) == "near_poverty" and near_words in (turn.messages[-1].text or "")
    turn = say(p, dont_know, sender)  # unknown, never assumed, and not asked again
    slots = p.tracker_state(sender)["slots"]
    assert slots["near_poverty"] is None and "near_poverty" in (slots.get("skipped_slots") or [])
    assert asked(turn) == "age"
    turn = say(p, age, sender)
    assert p.tracker_state(sender)["active_loop"] == {}
    final = turn.messages[-1]
    assert final.custom["eligibility"]["eligible"] == 1  # the senior service only
    # NEAR and BOTH: near-poverty still unknown; so of the four, WELFARE is ruled out by the known "no"
    assert final.custom["eligibility"]["unknown"] == 2


def test_a_yes_makes_the_status_service_eligible(make_processor, status_url: str) -> None:  # type: ignore[no-untyped-def]
    p = make_processor(eligibility_url=status_url, eligibility_max_questions=5)
    say(p, "제가 받을 수 있는 혜택이 뭐가 있나요?", "s7-yes")
    turn = say(p, "네", "s7-yes")
    assert p.tracker_state("s7-yes")["slots"]["welfare_recipient"] is True
    # WELFARE and BOTH are decided (held); near_poverty now decides only NEAR, tied with age: the domain's order
    # (age first) breaks the tie
    assert asked(turn) == "age"
    turn = say(p, "67세예요", "s7-yes")
    assert asked(turn) == "near_poverty"


def test_a_child_is_never_asked_whether_they_are_a_master_craftsman() -> None:
    from connectors.eligibility.actions import ADULT_ONLY, _implausible

    assert "master_craftsman" in ADULT_ONLY and _implausible("master_craftsman", {"age": 4})
    assert not _implausible("welfare_recipient", {"age": 4})  # a household's status: asked about a child too


# --- the CLI --------------------------------------------------------------------------------------------------


def _run_cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module")
def voucher_home(gov24_dir: Path, tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    """A home with 에너지바우처 (B55353000001) and 차상위계층 쓰레기봉투 (531000000115) imported for real."""
    from elig_helpers import write_subset  # type: ignore[import-not-found]

    from assistant.knowledge.ingest import import_documents
    from assistant.knowledge.loaders import load_gov24
    from assistant.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("home-s7"))
    folder = write_subset(gov24_dir, tmp_path_factory.mktemp("cat-s7"), ("B55353000001", "531000000115"))
    import_documents(settings, "gov24", load_gov24(folder), embedder, progress=False)
    return settings.home


@pytest.mark.parametrize("facts, voucher, bags", [
    ({"age": 67, "income_pct_median": 40.0, "welfare_recipient": False, "near_poverty": False},
     "not_eligible", "not_eligible"),
    # 수급자 holds, but 에너지바우처's text asks "소득기준과 가구원특성기준을 모두 충족하는 가구" (a household member old,
    # an infant, disabled …): no fact stands for that, so it is to check, never a promise (s42; was "eligible")
    ({"age": 67, "income_pct_median": 40.0, "welfare_recipient": True, "near_poverty": False}, "unknown", "not_eligible"),
    ({"age": 40, "income_pct_median": 40.0, "welfare_recipient": True, "near_poverty": False}, "unknown", "not_eligible"),
    ({"age": 67, "income_pct_median": 40.0}, "unknown", "unknown"),
])
def test_cli_decides_by_the_status_facts(voucher_home: Path, tmp_path: Path, facts: dict[str, Any], voucher: str,
                                        bags: str) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({**facts, "region": "경상남도 진주시", "organization_type": "none"}), encoding="utf-8")
    r = _run_cli(["eligibility", "check", "--facts", str(path), "--json"], voucher_home)
    assert r.returncode == 0, r.stderr
    out = {x["service_id"]: x for x in json.loads(r.stdout)}
    assert out["B55353000001"]["status"] == voucher and out["531000000115"]["status"] == bags
    if facts.get("welfare_recipient"):  # the status holds: the all-of requirement alone is left, to check
        assert [c["code"] for c in out["B55353000001"]["decided_by"]] == ["CHECK"]
        assert "가구원특성기준" in out["B55353000001"]["decided_by"][0]["meaning"] and out["B55353000001"]["missing"] == []
        del out["B55353000001"]
    for x in out.values():
        status = next(c for c in x["decided_by"] if c["code"] == STATUS)
        if x["status"] == "not_eligible":
            assert status["meaning"].startswith("해당 없음:") and x["missing"] == []
        if x["status"] == "unknown":
            assert set(x["missing"]) & {"welfare_recipient", "near_poverty"}
