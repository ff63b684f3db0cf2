"""The English dev question set (bench/citizen_questions_en_dev.yaml, s23): well formed, its services real and apart
from every other question set (so choosing English settings on it leaves the held-out set blind), and reported by
bench/retrieval_gov24.py as its own ``en_dev`` rows, whole and by kind."""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from shared_paths import ROOT
from question_sets import catalogue_ids
from question_sets import questions as _questions
from tiny_catalogue import write_tiny_catalogue

sys.path.insert(0, str(ROOT / "bench"))
bench = importlib.import_module("retrieval_gov24")

DEV = ROOT / "bench" / "citizen_questions_en_dev.yaml"
OTHER_SETS = [ROOT / "bench" / name for name in (
    "citizen_questions.yaml", "citizen_questions_en_twins.yaml", "citizen_questions_en_heldout.yaml",
    "citizen_questions_ko_heldout_twins.yaml", "life_event_questions.yaml")]


def test_ids_run_in_order_and_every_question_has_exactly_the_fields() -> None:
    qs = _questions(DEV)
    assert [q["id"] for q in qs] == [f"d{i:03d}" for i in range(1, len(qs) + 1)]
    assert len({q["text"] for q in qs}) == len(qs)
    for q in qs:
        assert set(q) == {"id", "text", "language", "kind", "relevant"}, q["id"]


def test_the_set_is_english_of_the_three_kinds_in_the_planned_shares() -> None:
    qs = _questions(DEV)
    kinds = Counter(q["kind"] for q in qs)
    assert len(qs) >= 60 and set(kinds) == {"colloquial", "named", "regional"}
    assert kinds["colloquial"] >= 35 and kinds["named"] >= 8 and kinds["regional"] >= 8, kinds
    for q in qs:
        assert q["language"] == "en", q["id"]
        assert not re.search(r"[가-힣]", q["text"]), q["id"]  # no Korean words in an English question
        assert 5 <= len(q["text"].split()) <= 35, q["id"]
        rel = [str(s) for s in q["relevant"]]
        assert rel and len(set(rel)) == len(rel), q["id"]
        assert all(re.fullmatch(r"[0-9A-Z]{6,}", s) for s in rel), q["id"]


def test_no_relevant_service_is_in_any_other_question_set() -> None:
    others = {str(s) for path in OTHER_SETS for q in _questions(path) for s in q["relevant"]}
    assert all(path.exists() for path in OTHER_SETS)
    assert sorted({str(s) for q in _questions(DEV) for s in q["relevant"]} & others) == []


def test_every_relevant_service_is_in_the_catalogue() -> None:
    assert sorted({str(s) for q in _questions(DEV) for s in q["relevant"]} - catalogue_ids()) == []


def test_the_bench_reports_the_real_dev_file_by_default_whole_and_by_kind(tmp_path: Path) -> None:
    data = write_tiny_catalogue(tmp_path / "gov24")
    out = tmp_path / "r.json"
    assert bench.main(["--data", str(data), "--modes", "bm25", "--json", str(out), "--home", str(tmp_path / "home"),
                       "--heldout", str(tmp_path / "absent.yaml")]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["modes"]["bm25"]
    kinds = Counter(q["kind"] for q in _questions(DEV))
    assert rows["en_dev"]["n"] == sum(kinds.values())
    assert {k: rows[f"en_dev_{k}"]["n"] for k in kinds} == dict(kinds)
    assert "en_heldout" not in rows  # the dev rows stand on their own
    # the whole set's MRR is the question-weighted mean of its kinds' (each question counted once, in one kind)
    assert rows["en_dev"]["mrr@10"] == pytest.approx(
        sum(rows[f"en_dev_{k}"]["mrr@10"] * n for k, n in kinds.items()) / sum(kinds.values()))


def test_an_en_dev_file_given_on_the_command_line_replaces_the_default(tmp_path: Path) -> None:
    data = write_tiny_catalogue(tmp_path / "gov24")
    dev = tmp_path / "dev.yaml"
    dev.write_text(
        "questions:\n"
        "  - {id: d001, text: rent help for young people, language: en, kind: colloquial, relevant: [T0001]}\n"
        "  - {id: d002, text: energy voucher, language: en, kind: named, relevant: [T0002]}\n"
        "  - {id: d003, text: money when a baby is born, language: en, kind: colloquial, relevant: [T0003]}\n",
        encoding="utf-8")
    out = tmp_path / "r.json"
    assert bench.main(["--data", str(data), "--modes", "bm25", "--json", str(out), "--home", str(tmp_path / "home"),
                       "--heldout", str(tmp_path / "absent.yaml"), "--en-dev", str(dev)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["modes"]["bm25"]
    assert (rows["en_dev"]["n"], rows["en_dev_colloquial"]["n"], rows["en_dev_named"]["n"]) == (3, 2, 1)
    assert "en_dev_regional" not in rows
