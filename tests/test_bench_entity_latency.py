"""``bench/entity_latency.py`` runs against the entity pipeline as it is (it broke once when a fourth built-in
extractor, ranges, was added: the stage names were a fixed tuple zipped strictly against the extractors)."""

from __future__ import annotations

import pytest

import importlib
import json
import sys
from pathlib import Path

from assistant.nlu.entities.pipeline import EntityPipeline

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 105 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
bench = importlib.import_module("entity_latency")


def test_one_round_times_every_builtin_extractor(tmp_path: Path) -> None:
    out = tmp_path / "entity_latency.json"
    assert bench.main(["--rounds", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    builtin = {type(e).__name__ for e in EntityPipeline().duckling_extractors}
    names = {"NumberExtractor": "numbers", "DateExtractor": "dates", "DucklingTimeExtractor": "dates",
             "PiiExtractor": "pii", "RangeExtractor": "ranges",
             "EnglishNumberExtractor": "english_numbers"}
    expected = {names[n] for n in builtin} | {"tokenize", "regex", "lookup", "crf", "negation"}
    assert set(result["stages"]) == expected
    for row in [result["total"], *result["stages"].values()]:
        assert 0 <= row["p50_ms"] <= row["p95_ms"] <= row["max_ms"]
    assert result["rounds"] == 1
