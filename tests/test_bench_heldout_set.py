"""The held-out English question set (bench/citizen_questions_en_heldout.yaml, s21): well formed, its services real,
and apart from the sets the glossary was tuned on, so its figure measures English on new needs."""

from __future__ import annotations

import re

from question_sets import catalogue_ids
from question_sets import questions as _questions
from shared_paths import ROOT

HELDOUT = ROOT / "bench" / "citizen_questions_en_heldout.yaml"
TUNED_ON = [ROOT / "bench" / "citizen_questions.yaml", ROOT / "bench" / "citizen_questions_en_twins.yaml"]


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


def test_every_relevant_service_is_in_the_catalogue() -> None:
    assert sorted({str(s) for q in _questions(HELDOUT) for s in q["relevant"]} - catalogue_ids()) == []
