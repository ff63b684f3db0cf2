"""The operating-point arithmetic of ``bench/nlu_clinc150_heads.py`` (its CLINC150 figures rest on it)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
from scipy.special import softmax

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
heads = importlib.import_module("nlu_clinc150_heads")

K = 3  # in-scope intents; index K is the out_of_scope class


def _split(rng: np.random.Generator, gold: np.ndarray, right: np.ndarray, margin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logits ``(n, K + 1)`` whose argmax is gold where ``right``, another in-scope intent elsewhere; penultimate features."""
    z = rng.normal(0, 0.1, size=(len(gold), K + 1))
    for i, (g, ok, m) in enumerate(zip(gold, right, margin, strict=True)):
        z[i, g if ok else (g + 1) % K] += m
    return z, rng.normal(size=(len(gold), 4)).astype(np.float32)


def test_measure_counts_rejections_and_recall_as_defined() -> None:
    rng = np.random.default_rng(1)
    y: dict[str, np.ndarray] = {}
    out = {}
    for split, n in (("train", 60), ("val", 40), ("test", 50)):
        y[split] = rng.integers(0, K, n)
        out[split] = _split(rng, y[split], rng.random(n) < 0.8, rng.uniform(1, 6, n))
    for split, n in (("oos_train", 10), ("oos_val", 20), ("oos_test", 30)):
        y[split] = np.full(n, -1)
        out[split] = _split(rng, rng.integers(0, K, n), np.ones(n, bool), rng.uniform(0, 2.5, n))
    # two test out-of-scope messages ranked out_of_scope first: rejected whatever the threshold
    out["oos_test"][0][:2, K] += 50

    r = heads.measure(out, y, K, oos_class=True)

    p = {s: softmax(out[s][0] / r["temperature"], axis=1) for s in ("val", "oos_val", "test", "oos_test")}
    assert r["closed_set_accuracy_test"] == np.mean(out["test"][0].argmax(1) == y["test"])
    score = {s: 1 - p[s][:, :K].max(1) for s in p}
    forced_oos = p["oos_val"].argmax(1) == K
    s_oos_val = np.sort(np.where(forced_oos, 1e6, score["oos_val"]))[::-1]
    thr = s_oos_val[int(np.ceil(0.85 * len(s_oos_val))) - 1]  # highest threshold reaching val recall 0.85
    point = r["scores"]["maxp"]["val_recall_0.85"]
    assert point["threshold"] == thr
    test_top = p["test"].argmax(1)
    expected_acc = np.mean((test_top == y["test"]) & (test_top != K) & (score["test"] < thr))
    expected_rec = np.mean((p["oos_test"].argmax(1) == K) | (score["oos_test"] >= thr))
    assert point["in_scope_accuracy"] == expected_acc
    assert point["oos_recall"] == expected_rec
    assert expected_rec >= 2 / 30  # the forced two count as recalled
    assert set(r["scores"]) == {"maxp", "energy", "entropy", "knn1", "knn10", "combiner"}
