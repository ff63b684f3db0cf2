"""Records → facts, table-driven with households written by hand; the 기준 중위소득 table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.errors import ConnectorUnavailable, InvalidConfigError, InvalidInputError
from connectors.mydata.derive import RecordShapeError, age_on, derive_record, seoul_date, to_facts
from connectors.mydata.median_income import MedianIncomeTable

REF = dt.date(2026, 3, 14)


def household(*members: tuple[str, str, str]) -> dict[str, Any]:
    return {"record_type": "resident_registration",
            "members": [{"relation": r, "birth_date": b, "sex": s, "name": "x", "rrn": "x"} for r, b, s in members]}


@pytest.mark.parametrize("members, expected", [
    # single parent: mother + a 10-year-old
    ((("본인", "1985-01-01", "female"), ("자녀", "2015-06-01", "male")),
     {"household_size": 2, "single_parent_family": True, "multi_child_household": False, "extended_family": False,
      "single_person_household": False, "children_under_19": 1}),
    # the child turned 18 on 2026-03-14: no longer a child for 한부모 (under 18) but still under 19
    ((("본인", "1980-01-01", "male"), ("자녀", "2008-03-14", "female")),
     {"single_parent_family": False, "children_under_19": 1}),
    # grandparent + grandchild (조손가족), no children in the household
    ((("본인", "1950-05-05", "female"), ("손자녀", "2016-02-02", "male")),
     {"single_parent_family": True, "extended_family": False}),
    # three generations: parents of 본인, spouse, two children (one aged 19: not counted for 다자녀)
    ((("본인", "1975-01-01", "male"), ("배우자", "1976-01-01", "female"), ("자녀", "2007-01-01", "male"),
      ("자녀", "2012-01-01", "female"), ("부", "1948-01-01", "male"), ("모", "1950-01-01", "female")),
     {"household_size": 6, "extended_family": True, "single_parent_family": False, "multi_child_household": False,
      "children_under_19": 1}),
])
def test_household_flags(members: tuple[tuple[str, str, str], ...], expected: dict[str, Any]) -> None:
    piece = derive_record("resident_registration", household(*members), REF)
    assert {k: piece[k] for k in expected} == expected


@pytest.mark.parametrize("birth, on, age", [
    ("2000-02-29", "2025-02-28", 24), ("2000-02-29", "2025-03-01", 25), ("2000-02-29", "2028-02-29", 28),
    ("1990-03-15", "2026-03-14", 35), ("1990-03-15", "2026-03-15", 36), ("2026-03-14", "2026-03-14", 0),
])
def test_age(birth: str, on: str, age: int) -> None:
    assert age_on(dt.date.fromisoformat(birth), dt.date.fromisoformat(on)) == age


def test_seoul_date() -> None:
    at = dt.datetime(2026, 12, 31, 15, 0, tzinfo=dt.timezone.utc).timestamp()  # 2027-01-01 00:00 KST
    assert seoul_date(at) == dt.date(2027, 1, 1) and seoul_date(at - 1) == dt.date(2026, 12, 31)


@pytest.mark.parametrize("rec, employed, kind", [
    ({"subscriber_type": "직장가입자", "lost_on": None}, True, "employee"),
    ({"subscriber_type": "직장가입자", "lost_on": "2026-01-31"}, None, "none"),  # lost before the reference date
    ({"subscriber_type": "피부양자", "lost_on": None}, None, "dependent"),
    ({"subscriber_type": "의료급여수급권자"}, None, "medical_aid"),
])
def test_health(rec: dict[str, Any], employed: bool | None, kind: str) -> None:
    piece = derive_record("health_insurance", {"record_type": "health_insurance", **rec}, REF)
    assert (piece["employed"], piece["insurance_type"]) == (employed, kind)


@pytest.mark.parametrize("scope, rec", [
    ("resident_registration", {"record_type": "income", "members": []}),  # another record type
    ("resident_registration", household(("배우자", "1980-01-01", "male"))),  # no 본인
    ("resident_registration", household(("본인", "1980-13-01", "male"))),  # bad date
    ("resident_registration", household(("본인", "1980-01-01", "M"))),  # bad sex
    ("health_insurance", {"record_type": "health_insurance", "subscriber_type": "unknown"}),
    ("income", {"record_type": "income", "tax_year": 2025, "members": [{"items": [{"amount": -1}]}]}),
    ("income", {"record_type": "income", "tax_year": 2025, "members": [{"items": [{"amount": "100"}]}]}),
    ("income", {"record_type": "income", "tax_year": True, "members": []}),
    ("income", ["not", "an", "object"]),
])
def test_bad_records_are_provider_failures(scope: str, rec: Any) -> None:
    with pytest.raises(RecordShapeError) as e:
        derive_record(scope, rec, REF)
    assert isinstance(e.value, ConnectorUnavailable)


class TestMedianIncome:
    def test_published_figures(self) -> None:
        t = MedianIncomeTable()
        assert [t.monthly(2025, n) for n in range(1, 7)] == [2_392_013, 3_932_658, 5_025_353, 6_097_773, 7_108_192, 8_064_805]
        assert t.monthly(2026, 1) == 2_564_238 and t.monthly(2026, 4) == 6_494_738

    def test_seven_or_more(self) -> None:
        t = MedianIncomeTable()
        step = 8_555_952 - 7_556_719
        assert t.monthly(2026, 7) == 8_555_952 + step and t.monthly(2026, 9) == 8_555_952 + 3 * step

    def test_year_fallback_and_errors(self) -> None:
        t = MedianIncomeTable()
        assert t.monthly(2027, 1) == 2_564_238  # the latest earlier table until a 2027 one is configured
        with pytest.raises(InvalidInputError, match="no median income table for 2024"):
            t.monthly(2024, 1)
        with pytest.raises(InvalidInputError):
            t.monthly(2026, 0)
        with pytest.raises(InvalidConfigError):
            MedianIncomeTable({2026: (3, 2, 1, 4, 5, 6)})
        with pytest.raises(InvalidConfigError):
            MedianIncomeTable({})

    def test_configured_table_used_by_facts(self) -> None:
        pieces = {"resident_registration": {"age": 40, "sex": "male", "household_size": 2, "single_person_household": False,
                                            "multi_child_household": False, "single_parent_family": False,
                                            "extended_family": False},
                  "income": {"household_annual_income_krw": 24_000_000, "tax_year": 2025, "as_of": "2026-03-14"}}
        assert to_facts(pieces).income_pct_median == pytest.approx(2_000_000 / 4_199_292 * 100)
        own = MedianIncomeTable({2026: (1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 6_000_000)})
        assert to_facts(pieces, own).income_pct_median == pytest.approx(100.0)
        old = MedianIncomeTable({2030: (1, 2, 3, 4, 5, 6)})
        assert to_facts(pieces, old).income_pct_median is None  # no table for 2026: unknown, not guessed
