"""The status records (수급자 증명서, 차상위계층 확인서) → welfare_recipient / near_poverty (issue #5, s7 item 2):
derivation table-driven, the sandbox's citizens checked against the 선정기준 computed here, and a real fetch."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from connectors.mydata.citizens import CITIZENS
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.derive import RecordShapeError, derive_record, to_facts
from connectors.mydata.median_income import MedianIncomeTable
from connectors.mydata.sandbox import SandboxState, record
from connectors.mydata.scopes import SCOPES

REF = dt.date(2026, 3, 14)


def recipient(*benefits: tuple[str, str, str | None]) -> dict[str, Any]:
    return {"record_type": "recipient_certificate", "name": "x", "rrn": "x", "status": "수급 중" if benefits else "해당 없음",
            "benefits": [{"kind": k, "since": s, "until": u} for k, s, u in benefits]}


@pytest.mark.parametrize("benefits, held", [
    ((), False),                                                     # "해당 없음": a known no
    ((("생계급여", "2025-01-01", None), ("의료급여", "2025-01-01", None)), True),
    ((("주거급여", "2026-03-14", None),), True),                      # in force from the reference date
    ((("주거급여", "2026-03-15", None),), False),                     # not yet
    ((("교육급여", "2024-03-01", "2026-02-28"),), False),              # ended before the reference date
    ((("교육급여", "2024-03-01", "2026-02-28"), ("의료급여", "2026-01-01", None)), True),
])
def test_recipient_certificate(benefits: tuple[tuple[str, str, str | None], ...], held: bool) -> None:
    piece = derive_record("recipient_certificate", recipient(*benefits), REF)
    assert piece == {"welfare_recipient": held, "as_of": "2026-03-14"}  # nothing else kept (no name, rrn, dates)
    assert to_facts({"recipient_certificate": piece}).welfare_recipient is held


@pytest.mark.parametrize("rec, certified", [
    ({"certified": False, "status": "해당 없음"}, False),
    ({"certified": True, "since": "2025-06-01", "until": None}, True),
    ({"certified": True, "since": "2025-06-01", "until": "2026-01-31"}, False),
])
def test_near_poverty_certificate(rec: dict[str, Any], certified: bool) -> None:
    piece = derive_record("near_poverty_certificate", {"record_type": "near_poverty_certificate", "rrn": "x", **rec}, REF)
    assert piece == {"near_poverty": certified, "as_of": "2026-03-14"}
    assert to_facts({"near_poverty_certificate": piece}).near_poverty is certified


@pytest.mark.parametrize("scope, rec", [
    ("recipient_certificate", {"record_type": "recipient_certificate"}),
    ("recipient_certificate", {"record_type": "recipient_certificate", "benefits": [{"kind": "기초연금", "since": "2025-01-01"}]}),
    ("recipient_certificate", {"record_type": "recipient_certificate", "benefits": [{"kind": "생계급여", "since": "어제"}]}),
    ("near_poverty_certificate", {"record_type": "near_poverty_certificate", "certified": "Y"}),
    ("near_poverty_certificate", {"record_type": "near_poverty_certificate", "certified": True}),  # no since
    ("near_poverty_certificate", {"record_type": "recipient_certificate", "benefits": []}),       # another record
])
def test_bad_status_records_are_provider_failures(scope: str, rec: Any) -> None:
    with pytest.raises(RecordShapeError):
        derive_record(scope, rec, REF)


def test_no_status_record_leaves_the_facts_unknown() -> None:
    facts = to_facts({})
    assert facts.welfare_recipient is None and facts.near_poverty is None


def test_the_scopes_name_the_real_documents() -> None:
    assert SCOPES["recipient_certificate"].document_ko == "수급자 증명서"
    assert SCOPES["near_poverty_certificate"].document_ko == "차상위계층 확인서"


def _pct(identity: str) -> float:
    c = CITIZENS[identity]
    return MedianIncomeTable().percent(2026, len(c.members), sum(a for items in c.incomes.values() for _, a in items))


@pytest.mark.parametrize("identity, welfare, near", [
    ("sandbox-01", False, False),  # 4 people, 60,000,000 a year: 77 % of the 2026 median (6,494,738 a month)
    ("sandbox-02", True, False),   # alone, 9,600,000 a year: 31.2 % of 2,564,238 → 생계·의료·주거급여
    ("sandbox-21", False, True),   # 2 people, 24,600,000 a year: 48.8 % of 4,199,292, nobody of school age → 차상위
])
def test_sandbox_citizens_by_the_selection_lines(identity: str, welfare: bool, near: bool) -> None:
    pct = _pct(identity)
    assert (pct <= 32) is (identity == "sandbox-02") and (48 < pct <= 50) is (identity == "sandbox-21")
    rec = record(CITIZENS[identity], "recipient_certificate", 0.0)
    assert derive_record("recipient_certificate", rec, REF)["welfare_recipient"] is welfare
    assert (rec["status"] == "해당 없음") is not welfare
    if identity == "sandbox-02":
        assert [b["kind"] for b in rec["benefits"]] == ["생계급여", "의료급여", "주거급여"]
    near_rec = record(CITIZENS[identity], "near_poverty_certificate", 0.0)
    assert derive_record("near_poverty_certificate", near_rec, REF)["near_poverty"] is near


def test_every_sandbox_citizen_holds_at_most_one_of_the_two() -> None:
    for c in CITIZENS.values():
        assert not (c.welfare_benefits and c.near_poverty), c.identity
    assert any(c.near_poverty for c in CITIZENS.values()) and any(c.welfare_benefits for c in CITIZENS.values())


def test_fetched_under_consent_and_only_the_yes_no_kept(connector: MyDataConnector,
                                                        sandbox: tuple[str, SandboxState]) -> None:
    pending = connector.request_consent("conv-s7", ["recipient_certificate", "near_poverty_certificate"],
                                        "eligibility_check", dt.timedelta(days=1))
    cid = connector.grant(pending.id, test_identity="sandbox-21").id
    connector.fetch(cid)
    kept = connector.store.records(cid)
    facts = to_facts(kept)
    assert facts.welfare_recipient is False and facts.near_poverty is True and facts.age is None
    assert set(kept) == {"recipient_certificate", "near_poverty_certificate"}
    assert all(set(piece) <= {"welfare_recipient", "near_poverty", "as_of"} for piece in kept.values())
    assert sandbox[1].stats()["by_scope"] == {"recipient_certificate": 1, "near_poverty_certificate": 1}
