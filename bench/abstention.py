"""How well the answerability gate separates answerable from unanswerable questions.

In-corpus: bench/citizen_questions.yaml (each has the services that answer it)
and its English twins (bench/citizen_questions_en_twins.yaml).
Out-of-corpus: tests/data/out_of_corpus.yaml (Korean and English chatter and
off-topic requests) plus CLINC150's ``oos_test`` (1,000 real out-of-scope
English queries; ../shared/data/clinc150).

Reports AUROC of the combined answerability score against the top dense
cosine alone (the single-signal baseline), and at the configured threshold:
the share of in-corpus questions answered, answered with a relevant service
first, and of out-of-corpus questions wrongly answered. JSON goes to
bench/results/abstention.json.

Usage:
    python bench/abstention.py --home DIR     # a home with the catalogue imported and the NLU trained
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import yaml
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.app_state import load_router  # noqa: E402
from assistant.dialogue.messages import UserMessage  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--clinc", type=Path, default=ROOT.parent / "shared" / "data" / "clinc150" / "data_full.json")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "abstention.json")
    args = ap.parse_args(argv)
    router = load_router(Settings(home=args.home))
    pos = yaml.safe_load((ROOT / "bench" / "citizen_questions.yaml").read_text(encoding="utf-8"))["questions"]
    twins = ROOT / "bench" / "citizen_questions_en_twins.yaml"
    if twins.exists():
        pos += [{**q, "kind": "en_twin"} for q in yaml.safe_load(twins.read_text(encoding="utf-8"))["questions"]]
    neg = [(q, "team") for q in yaml.safe_load((ROOT / "tests" / "data" / "out_of_corpus.yaml").read_text(encoding="utf-8"))["questions"]]
    if args.clinc.exists():
        neg += [(row[0], "clinc_oos") for row in json.loads(args.clinc.read_text(encoding="utf-8"))["oos_test"]]

    def score(text: str) -> tuple[float, float, bool, list[str], list[str]]:
        vec = router.embedder.embed_queries([text])[0]
        p_oos = router.classifier.predict_vector(vec, text)
        p = next((x.confidence for x in p_oos if x.name == "out_of_scope"), 0.0)
        res = router.retriever.run(text, k=5, query_vector=vec)
        s, sig = router.composer.answerability(res, p)
        turn = router.handle(UserMessage("bench", text, "bench")).to_json()
        top = [h.doc.service_id or h.doc.doc_id for h in res.hits[:1]]
        answered = bool(turn["citations"])  # answered from documents (small talk is not an answer)
        return s, float(sig.get("dense", 0.0)), answered, [c["doc_id"] for c in turn["citations"]], top

    rows = []
    for q in pos:
        s, d, answered, cited, top = score(q["text"])
        rows.append({"label": 1, "kind": q.get("kind", ""), "score": s, "dense": d, "answered": answered,
                     "correct": answered and bool(cited) and cited[0] in set(q["relevant"]),
                     "correct_top": bool(top) and top[0] in set(q["relevant"])})
    for text, kind in neg:
        s, d, answered, _, _ = score(text)
        rows.append({"label": 0, "kind": kind, "score": s, "dense": d, "answered": answered, "correct": False, "correct_top": False})
    y = np.array([r["label"] for r in rows])
    result = {
        "in_corpus": int(y.sum()),
        "out_of_corpus": int((1 - y).sum()),
        "auroc_answerability": float(roc_auc_score(y, [r["score"] for r in rows])),
        "auroc_dense_only": float(roc_auc_score(y, [r["dense"] for r in rows])),
        "threshold": router.settings.abstain_threshold,
        "in_corpus_answered": float(np.mean([r["answered"] for r in rows if r["label"] == 1])),
        "in_corpus_answered_correctly": float(np.mean([r["correct"] for r in rows if r["label"] == 1])),
        "out_of_corpus_answered": float(np.mean([r["answered"] for r in rows if r["label"] == 0])),
        "by_kind": {},
        "threshold_sweep": [],
    }
    for th in (0.3, 0.35, 0.4, 0.42, 0.45, 0.5, 0.55, 0.6):
        ans_pos = [r["score"] >= th for r in rows if r["label"] == 1]
        ok_pos = [r["score"] >= th and r["correct_top"] for r in rows if r["label"] == 1]
        ans_neg = [r["score"] >= th for r in rows if r["label"] == 0]
        result["threshold_sweep"].append({"threshold": th, "in_corpus_answered": float(np.mean(ans_pos)),
                                          "in_corpus_correct": float(np.mean(ok_pos)), "out_of_corpus_answered": float(np.mean(ans_neg))})
    for kind in sorted({r["kind"] for r in rows}):
        sub = [r for r in rows if r["kind"] == kind]
        result["by_kind"][kind] = {"n": len(sub), "answered": float(np.mean([r["answered"] for r in sub])),
                                   "correct": float(np.mean([r["correct"] for r in sub]))}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
