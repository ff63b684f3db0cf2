"""The held-out English question set (bench/citizen_questions_en_heldout.yaml, s21): well formed, its services real,
and apart from the sets the glossary was tuned on, so its figure measures English on new needs."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from shared_paths import GOV24_DIR, ROOT

HELDOUT = ROOT / "bench" / "citizen_questions_en_heldout.yaml"
TUNED_ON = [ROOT / "bench" / "citizen_questions.yaml", ROOT / "bench" / "citizen_questions_en_twins.yaml"]


def _questions(path):  # type: ignore[no-untyped-def]
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def test_the_set_is_well_formed_english() -> None:
    qs = _questions(HELDOUT)
    assert len(qs) >= 40
    assert len({q["id"] for q in qs}) == len(qs) and len({q["text"] for q in qs}) == len(qs)
    for q in qs:
        assert q["language"] == "en" and q["kind"] in {"colloquial", "named", "regional"}, q["id"]
        assert q["relevant"] and all(re.fullmatch(r"[0-9A-Z]{6,}", str(s)) for s in q["relevant"]), q["id"]
        assert not re.search(r"[가-힣]", q["text"]), q["id"]  # no Korean words in an English question


def test_its_first_services_are_outside_the_sets_the_glossary_was_tuned_on() -> None:
    tuned = {str(s) for path in TUNED_ON for q in _questions(path) for s in q["relevant"]}
    assert [q["id"] for q in _questions(HELDOUT) if str(q["relevant"][0]) in tuned] == []


def catalogue_ids() -> set[str]:
    """Every 서비스ID of the real catalogue's service list; skips the calling test when ../shared is absent."""
    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    if not path.exists():
        pytest.skip(f"the real catalogue is absent ({path}); see ../shared/data/SOURCES.md")
    return {str(r["서비스ID"]).strip() for r in json.loads(path.read_text(encoding="utf-8"))["data"]}


def test_every_relevant_service_is_in_the_catalogue() -> None:
    assert sorted({str(s) for q in _questions(HELDOUT) for s in q["relevant"]} - catalogue_ids()) == []
