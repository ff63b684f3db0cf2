"""The question sets written as English/Korean pairs in one blind sitting (bench/citizen_questions_en_dev2.yaml with
_ko_dev2_twins.yaml, s27; bench/citizen_questions_en_heldout2.yaml with _ko_heldout2_twins.yaml, s28): every English
question has one Korean twin of the same need, each side is in its language, every service is real, and no service of
a pair set is in any other bench set (what makes a held-out set measure anything)."""

from __future__ import annotations

import importlib
import re
import sys

import pytest
from question_sets import catalogue_ids, questions
from shared_paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
bench = importlib.import_module("retrieval_gov24")

BENCH = ROOT / "bench"
PAIRED = {"dev2": ("citizen_questions_en_dev2.yaml", "citizen_questions_ko_dev2_twins.yaml"),
          "heldout2": ("citizen_questions_en_heldout2.yaml", "citizen_questions_ko_heldout2_twins.yaml")}
KINDS = {"colloquial", "named", "regional"}


def _hangul(text: str) -> int:
    return len(re.findall(r"[가-힣]", text))


def _latin(text: str) -> int:
    return len(re.findall(r"[A-Za-z]", text))


@pytest.mark.parametrize("name", sorted(PAIRED))
def test_each_english_question_has_one_korean_twin_of_the_same_need(name: str) -> None:
    en_file, ko_file = PAIRED[name]
    en = {q["id"]: q for q in questions(BENCH / en_file)}
    ko = questions(BENCH / ko_file)
    assert len(en) == len(questions(BENCH / en_file)) == 60
    assert sorted(q["twin_of"] for q in ko) == sorted(en)
    for q in ko:
        twin = en[q["twin_of"]]
        assert q["id"] == f"{twin['id']}-ko" and q["language"] == "ko" and twin["language"] == "en"
        assert q["kind"] == twin["kind"] and q["kind"] in KINDS, q["id"]
        assert [str(s) for s in q["relevant"]] == [str(s) for s in twin["relevant"]] != [], q["id"]
        assert _hangul(q["text"]) >= 10 and _hangul(q["text"]) > 3 * _latin(q["text"]), q["id"]
        assert _latin(twin["text"]) >= 15 and _hangul(twin["text"]) == 0, twin["id"]
    assert len({q["text"] for q in ko}) == len(ko) and len({q["text"] for q in en.values()}) == len(en)


@pytest.mark.parametrize("name", sorted(PAIRED))
def test_every_service_of_a_pair_set_is_in_the_catalogue(name: str) -> None:
    ids = {str(s) for f in PAIRED[name] for q in questions(BENCH / f) for s in q["relevant"]}
    assert sorted(ids - catalogue_ids()) == []


@pytest.mark.parametrize("name", sorted(PAIRED))
def test_no_service_of_a_pair_set_is_in_another_bench_set(name: str) -> None:
    own = set(PAIRED[name])
    mine = {str(s) for f in own for q in questions(BENCH / f) for s in q["relevant"]}
    others = sorted(p for p in BENCH.glob("*questions*.yaml") if p.name not in own)
    assert len(others) >= 8
    for path in others:
        theirs = {str(s) for q in questions(path) for s in q.get("relevant", [])}
        assert sorted(mine & theirs) == [], path.name


@pytest.mark.parametrize("name", sorted(PAIRED))
def test_the_bench_pairs_the_real_files(name: str) -> None:
    en_file, ko_file = PAIRED[name]
    pairs = bench.heldout_pairs(BENCH / en_file, BENCH / ko_file)
    assert [p[0] for p in pairs] == [q["id"] for q in questions(BENCH / en_file)]
