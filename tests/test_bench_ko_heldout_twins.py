"""The Korean twins of the held-out English questions (bench/citizen_questions_ko_heldout_twins.yaml, s22) and their
paired comparison in bench/retrieval_gov24.py: one Korean twin per held-out id, of the same need (same kind, same
relevant services), its services real; the bench pairs them by ``twin_of`` and counts, per pair, whether English ranks
the first relevant service worse, equal or better. Like the English held-out set, never tune on it."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest
import yaml
from shared_paths import ROOT
from question_sets import assert_twins_of_same_need, catalogue_ids, korean_text
from tiny_catalogue import write_tiny_catalogue


sys.path.insert(0, str(ROOT / "bench"))
bench = importlib.import_module("retrieval_gov24")

HELDOUT = ROOT / "bench" / "citizen_questions_en_heldout.yaml"
TWINS = ROOT / "bench" / "citizen_questions_ko_heldout_twins.yaml"


def _questions(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def test_one_korean_twin_per_held_out_question_of_the_same_need() -> None:
    assert_twins_of_same_need(_questions(HELDOUT), _questions(TWINS))


def test_each_twin_is_korean_text() -> None:
    for q in _questions(TWINS):
        assert korean_text(q["text"]), (q["id"], q["text"])


def test_every_relevant_service_is_in_the_catalogue() -> None:
    assert sorted({str(s) for q in _questions(TWINS) for s in q["relevant"]} - catalogue_ids()) == []


def test_the_bench_pairs_the_real_files_in_the_english_order() -> None:
    pairs = bench.heldout_pairs(HELDOUT, TWINS)
    en = _questions(HELDOUT)
    ko = {q["twin_of"]: q for q in _questions(TWINS)}
    assert [p[0] for p in pairs] == [q["id"] for q in en]
    for (qid, en_text, ko_text, rel, kind), q in zip(pairs, en, strict=True):
        assert (en_text, ko_text, kind) == (q["text"], ko[qid]["text"], q["kind"])
        assert rel == {str(s) for s in q["relevant"]}


def _write(path: Path, questions: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"questions": questions}, allow_unicode=True), encoding="utf-8")
    return path


EN = [{"id": "e1", "text": "rent help", "language": "en", "kind": "colloquial", "relevant": ["T0001"]},
      {"id": "e2", "text": "energy voucher", "language": "en", "kind": "named", "relevant": ["T0002"]}]


@pytest.mark.parametrize("twin", [
    {"id": "x-ko", "twin_of": "e9", "kind": "colloquial", "relevant": ["T0001"]},  # no such English question
    {"id": "e1-ko", "twin_of": "e1", "kind": "colloquial", "relevant": ["T0002"]},  # another service
    {"id": "e1-ko", "twin_of": "e1", "kind": "named", "relevant": ["T0001"]},  # another kind
])
def test_a_twin_of_another_need_is_refused(tmp_path: Path, twin: dict) -> None:
    en = _write(tmp_path / "en.yaml", EN)
    ko = _write(tmp_path / "ko.yaml", [{"text": "월세 지원", "language": "ko", **twin}])
    with pytest.raises(ValueError):
        bench.heldout_pairs(en, ko)


def test_two_twins_of_one_question_are_refused(tmp_path: Path) -> None:
    en = _write(tmp_path / "en.yaml", EN)
    twin = {"twin_of": "e1", "language": "ko", "kind": "colloquial", "relevant": ["T0001"]}
    ko = _write(tmp_path / "ko.yaml", [{"id": "a", "text": "월세", **twin}, {"id": "b", "text": "월세 지원", **twin}])
    with pytest.raises(ValueError, match="two twins"):
        bench.heldout_pairs(en, ko)


def test_pairs_compare_ranks_with_a_miss_below_every_rank() -> None:
    pairs = [("a", 1, 1), ("b", 0, 3), ("c", 2, 0), ("d", 0, 0), ("e", 5, 2)]
    c = bench.compare_pairs(pairs)
    assert (c["n"], c["english_worse"], c["equal"], c["english_better"]) == (5, 2, 2, 1)
    assert c["mrr@10_en"] == pytest.approx((1 + 1 / 2 + 1 / 5) / 5)
    assert c["mrr@10_ko"] == pytest.approx((1 + 1 / 3 + 1 / 2) / 5)
    assert c["english_worse_pairs"] == [{"id": "b", "en_rank": None, "ko_rank": 3}, {"id": "e", "en_rank": 5, "ko_rank": 2}]
    assert [(p["id"], p["en_rank"], p["ko_rank"]) for p in c["pairs"]] == [
        ("a", 1, 1), ("b", None, 3), ("c", 2, None), ("d", None, None), ("e", 5, 2)]


def test_the_run_reports_the_twins_by_kind_and_the_pairs_agree_with_the_rows(tmp_path: Path) -> None:
    data = write_tiny_catalogue(tmp_path / "gov24")
    en = _write(tmp_path / "en.yaml", EN + [
        {"id": "e3", "text": "money when a baby is born", "language": "en", "kind": "colloquial", "relevant": ["T0003"]}])
    ko = _write(tmp_path / "ko.yaml", [
        {"id": "e1-ko", "twin_of": "e1", "text": "월세 좀 도와주는 거 있나요", "language": "ko", "kind": "colloquial",
         "relevant": ["T0001"]},
        {"id": "e2-ko", "twin_of": "e2", "text": "에너지바우처 신청", "language": "ko", "kind": "named", "relevant": ["T0002"]},
        {"id": "e3-ko", "twin_of": "e3", "text": "애 낳으면 주는 돈", "language": "ko", "kind": "colloquial",
         "relevant": ["T0003"]}])
    out = tmp_path / "r.json"
    assert bench.main(["--data", str(data), "--modes", "bm25", "--json", str(out), "--home", str(tmp_path / "home"),
                       "--heldout", str(en), "--ko-heldout-twins", str(ko)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    rows = result["modes"]["bm25"]
    assert (rows["ko_heldout_twins"]["n"], rows["ko_heldout_twins_colloquial"]["n"], rows["ko_heldout_twins_named"]["n"]) \
        == (3, 2, 1)
    assert (rows["en_heldout"]["n"], rows["en_heldout_colloquial"]["n"], rows["en_heldout_named"]["n"]) == (3, 2, 1)
    c = result["heldout_pairs"]["bm25"]
    assert c["n"] == 3 and c["english_worse"] + c["equal"] + c["english_better"] == 3
    # every English question has its twin, so each side's MRR on the pairs is its set's MRR row
    assert c["mrr@10_en"] == pytest.approx(rows["en_heldout"]["mrr@10"])
    assert c["mrr@10_ko"] == pytest.approx(rows["ko_heldout_twins"]["mrr@10"])
    assert len(c["english_worse_pairs"]) == c["english_worse"]
    assert [p["id"] for p in c["pairs"]] == ["e1", "e2", "e3"]
