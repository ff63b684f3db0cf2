"""YAML situations (cases/*.yaml) → expected eligibility, on real catalogue services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import evaluate
from connectors.eligibility.facts import parse_facts

from elig_helpers import raw_rows  # type: ignore[import-not-found]

CASES_DIR = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, Any], gov24_catalogue: Catalogue, gov24_dir: Path) -> None:
    (result,) = evaluate(gov24_catalogue, parse_facts(case["input"]), [case["service"]])
    expected = case["output"]
    assert result.status == expected["status"]
    codes = [c.code for c in result.decided_by]
    assert set(codes) == set(expected["decided_by"]) and len(codes) == len(set(codes))
    assert set(result.missing) == set(expected["missing"])
    assert len(result.missing) == len(set(result.missing))
    # the citation: the service, its gov.kr page and the 법령 field of serviceDetail, one law per item
    detail = {r["서비스ID"]: r for r in raw_rows(gov24_dir, "gov24_serviceDetail_snapshot.json")}[case["service"]]
    laws = [x.strip() for x in (detail.get("법령") or "").split("||") if x.strip()]
    (source,) = result.sources
    assert source["service_id"] == case["service"] and source["legal_basis"] == laws
    assert source["url"].startswith("https://www.gov.kr/") and case["service"] in source["url"]
    for c in result.decided_by:  # every condition carries its meaning
        assert c.meaning and c.meaning_en
