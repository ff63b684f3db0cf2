"""The question sets written as English/Korean pairs in one blind sitting (bench/citizen_questions_en_dev2.yaml with
_ko_dev2_twins.yaml, s27; bench/citizen_questions_en_heldout2.yaml with _ko_heldout2_twins.yaml, s28;
bench/citizen_questions_en_dev3.yaml with _ko_dev3_twins.yaml, s29): every English
question has one Korean twin of the same need, each side is in its language, every service is real, and no service of
a pair set is in any other bench set (what makes a held-out set measure anything)."""

from __future__ import annotations

import importlib
import re
import sys

import pytest
from question_sets import assert_twins_of_same_need, catalogue_ids, korean_text, questions
from shared_paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
bench = importlib.import_module("retrieval_gov24")

BENCH = ROOT / "bench"
PAIRED = {"dev2": ("citizen_questions_en_dev2.yaml", "citizen_questions_ko_dev2_twins.yaml"),
          "heldout2": ("citizen_questions_en_heldout2.yaml", "citizen_questions_ko_heldout2_twins.yaml"),
          "dev3": ("citizen_questions_en_dev3.yaml", "citizen_questions_ko_dev3_twins.yaml")}
KINDS = {"colloquial", "named", "regional"}


@pytest.mark.parametrize("name", sorted(PAIRED))
def test_each_english_question_has_one_korean_twin_of_the_same_need(name: str) -> None:
    en_file, ko_file = PAIRED[name]
    en, ko = questions(BENCH / en_file), questions(BENCH / ko_file)
    assert len({q["id"] for q in en}) == len(en) == 60
    assert_twins_of_same_need(en, ko)
    for q in en:
        assert q["language"] == "en" and q["kind"] in KINDS and q["relevant"], q["id"]
        assert len(re.findall(r"[A-Za-z]", q["text"])) >= 15 and not re.search(r"[가-힣]", q["text"]), q["id"]
    assert all(korean_text(q["text"]) for q in ko)
    assert len({q["text"] for q in en}) == len(en)


@pytest.mark.parametrize("name", sorted(PAIRED))
def test_every_service_of_a_pair_set_is_in_the_catalogue(name: str) -> None:
    ids = {str(s) for f in PAIRED[name] for q in questions(BENCH / f) for s in q["relevant"]}
    assert sorted(ids - catalogue_ids()) == []


@pytest.mark.parametrize("name", sorted(PAIRED))
def test_no_service_of_a_pair_set_is_in_another_bench_set(name: str) -> None:
    own = set(PAIRED[name])
    mine = {str(s) for f in own for q in questions(BENCH / f) for s in q["relevant"]}
    others = sorted(p for p in BENCH.glob("*questions*.yaml") if p.name not in own)
    assert len(others) >= 10
    for path in others:
        theirs = {str(s) for q in questions(path) for s in q.get("relevant", [])}
        assert sorted(mine & theirs) == [], path.name


@pytest.mark.parametrize("name", sorted(PAIRED))
def test_the_bench_pairs_the_real_files(name: str) -> None:
    en_file, ko_file = PAIRED[name]
    pairs = bench.heldout_pairs(BENCH / en_file, BENCH / ko_file)
    assert [p[0] for p in pairs] == [q["id"] for q in questions(BENCH / en_file)]
