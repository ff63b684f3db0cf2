"""A service whose only coded condition is being an adult fits everyone: the result lists it apart ("성인이면 누구나
이용할 수 있는 서비스"), never among the services the citizen's facts earned (s33 probe: a 34-year-old in 안양 at 50%
was told "받으실 수 있는 서비스가 2개 있어요", first 산업재산권 정보제공 수수료 감면, "충족: 만 19세 이상"). When the
form stopped with facts left that decide services, the result offers to answer more questions (``/check_eligibility``).

A stand-in client evaluates a small catalogue with the real evaluator (as test_eligibility_periods.py does)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from elig_helpers import CatalogueClient  # type: ignore[import-not-found]

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker
from connectors.eligibility.actions import ActionCheckEligibility
from connectors.eligibility.catalogue import Catalogue, ServiceInfo

ADULT = {"JA0110": 19, "JA0111": 120}  # "만 19세 이상": a broad age range, which says nothing about who it is for
YOUTH = {"JA0110": 19, "JA0111": 39}
FARMER = {"JA0110": 19, "JA0111": 120, "JA0313": "Y"}  # 농업인


def _info(sid: str, name: str) -> ServiceInfo:
    return ServiceInfo(sid, name, f"https://www.gov.kr/{sid}", "보건복지부", (), application_period="상시신청")


def _message(records: list[tuple[ServiceInfo, dict[str, Any]]], slots: dict[str, Any],
             domain: dict[str, Any] | None = None) -> dict[str, Any]:
    d = CollectingDispatcher()
    ActionCheckEligibility(CatalogueClient(Catalogue.from_records(records)), today=lambda: dt.date(2026, 12, 1)).run(  # type: ignore[arg-type]
        d, ProtocolTracker({"sender_id": "s", "slots": slots}), domain or {})
    assert len(d.messages) == 1
    return d.messages[0]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_service_for_any_adult_is_listed_apart(lang: str) -> None:
    message = _message([(_info("ANY", "수수료 감면"), ADULT), (_info("YOUNG", "청년 지원"), YOUTH)],
                       {"age": 34, "language": lang})
    text = str(message["text"])
    first, *rest = text.splitlines()
    assert ("1 services in the catalogue fit" in first) if lang == "en" else ("받으실 수 있는 서비스가 1개" in first)
    assert rest[0].startswith("1. 청년 지원")
    general = next(line for line in rest if "수수료 감면" in line)
    assert general.startswith("Open to any adult" if lang == "en" else "나이 조건만 있어 성인이면 누구나")
    # only the fitted service is offered to apply for
    assert [b["payload"] for b in message["buttons"]] == ['/apply_service{"service_id": "YOUNG"}']
    assert message["custom"]["eligibility"]["eligible"] == 2 and message["custom"]["eligibility"]["general"] == 1


def test_with_only_services_for_any_adult_none_is_said_to_fit() -> None:
    text = str(_message([(_info("ANY", "수수료 감면"), ADULT)], {"age": 34, "language": "ko"})["text"])
    assert "아직 조건이 모두 맞는 서비스는 없어요" in text and "받으실 수 있는 서비스가" not in text
    assert "누구나 이용할 수 있는 서비스도 1개 있어요: 수수료 감면 (https://www.gov.kr/ANY)." in text


def test_facts_left_to_ask_offer_more_questions() -> None:
    domain = {"forms": {"eligibility_form": {"required_slots": ["age", "farmer"]}}}
    message = _message([(_info("FARM", "농업인 지원"), FARMER)], {"age": 34, "language": "ko"}, domain)
    assert "더 필요한 정보: 농업인 여부" in str(message["text"])
    assert message["buttons"][-1] == {"title": "질문에 더 답하고 확인하기", "payload": "/check_eligibility"}
    done = _message([(_info("FARM", "농업인 지원"), FARMER)], {"age": 34, "farmer": False, "language": "ko"}, domain)
    assert all(b["payload"] != "/check_eligibility" for b in done.get("buttons") or [])
