"""The JSON that ``bench/nlu_clinc150.py --json PATH`` and ``bench/nlu_banking77.py --json PATH`` write is an interface
(issue 3: others script against it): each script runs here end to end on a small slice of its real data set
(../shared/data; skipped when absent) and the file must carry the keys the issue names. The figures of such a slice
mean nothing; only their ranges are checked. Slow: each loads the encoder and trains three or four classifiers.
"""

from __future__ import annotations

import csv
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from shared_paths import SHARED_DATA

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

pytestmark = pytest.mark.slow


def _unit(x: Any) -> bool:
    return isinstance(x, float) and 0.0 <= x <= 1.0


def test_clinc150_json_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = SHARED_DATA / "clinc150" / "data_full.json"
    if not source.exists():
        pytest.skip(f"{source} not found (the shared data is not in this checkout)")
    raw = json.loads(source.read_text(encoding="utf-8"))
    intents = sorted({y for _t, y in raw["train"]})[:6]
    per = {"train": 12, "val": 4, "test": 4}
    small = {split: [r for y in intents for r in [r for r in raw[split] if r[1] == y][:n]] for split, n in per.items()}
    small |= {f"oos_{split}": raw[f"oos_{split}"][: 3 * n] for split, n in per.items()}
    (tmp_path / "data_full.json").write_text(json.dumps(small), encoding="utf-8")
    bench = importlib.import_module("nlu_clinc150")
    nlu_data = importlib.import_module("nlu_data")
    monkeypatch.setattr(bench, "load_clinc150", lambda: nlu_data.load_clinc150(tmp_path / "data_full.json"))
    out_path = tmp_path / "out" / "clinc.json"
    assert bench.main(["--json", str(out_path), "--cache", str(tmp_path / "cache"), "--report", str(tmp_path / "report"),
                       "--embed-threads", "1"]) == 0
    out = json.loads(out_path.read_text(encoding="utf-8"))
    assert {"in_scope_accuracy", "oos_recall", "threshold", "train_seconds", "latency_ms_p50", "latency_ms_p95", "baseline"} <= set(out)
    assert _unit(out["in_scope_accuracy"]) and _unit(out["oos_recall"]) and isinstance(out["threshold"], float)
    assert out["train_seconds"] > 0 and 0 < out["latency_ms_p50"] <= out["latency_ms_p95"]
    for setting in ("oos_train", "oos_threshold"):  # the TF-IDF + logistic regression baseline, both ways, same run
        assert _unit(out["baseline"][setting]["in_scope_accuracy"]) and _unit(out["baseline"][setting]["oos_recall"])
    assert (tmp_path / "report" / "confusion_matrix.png").stat().st_size > 1000


def test_banking77_json_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = SHARED_DATA / "banking77"
    if not (source / "train.csv").exists():
        pytest.skip(f"{source} not found (the shared data is not in this checkout)")
    small_dir = tmp_path / "banking77"
    small_dir.mkdir()
    for split, n in (("train", 12), ("test", 4)):
        with (source / f"{split}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        cats = sorted({r["category"] for r in rows})[:6]
        keep = [r for c in cats for r in [r for r in rows if r["category"] == c][:n]]
        with (small_dir / f"{split}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["text", "category"])
            w.writeheader()
            w.writerows({"text": r["text"], "category": r["category"]} for r in keep)
    bench = importlib.import_module("nlu_banking77")
    nlu_data = importlib.import_module("nlu_data")
    monkeypatch.setattr(bench, "load_banking77", lambda: nlu_data.load_banking77(small_dir))
    out_path = tmp_path / "out" / "banking.json"
    assert bench.main(["--json", str(out_path), "--cache", str(tmp_path / "cache"), "--report", str(tmp_path / "report")]) == 0
    out = json.loads(out_path.read_text(encoding="utf-8"))
    assert {"accuracy", "macro_f1", "train_seconds", "latency_ms_p50", "latency_ms_p95", "baseline"} <= set(out)
    assert _unit(out["accuracy"]) and _unit(out["baseline"]["accuracy"])
