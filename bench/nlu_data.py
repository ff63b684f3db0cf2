"""Shared helpers of the NLU benchmarks: read CLINC150 / Banking77, cache embeddings.

Embedding the 23,700 CLINC150 and 13,083 Banking77 utterances takes minutes on
two cores, so each set is embedded once and cached as ``.npy`` under a cache
directory (default ``/tmp/nlu_cache``), keyed by the embedder's name and a
SHA-1 of the texts: a changed text or model never reuses a stale file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.knowledge.embedder import Embedder  # noqa: E402

SHARED_DATA = Path(os.environ.get("ASSISTANT_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEFAULT_CACHE = Path("/tmp/nlu_cache")
OOS = "out_of_scope"


def require(path: Path) -> Path:
    """``path`` if it exists; else print why the benchmark is skipped and exit 0 (the data is never copied here:
    it lives in ../shared/data or wherever ``ASSISTANT_SHARED_DATA`` points)."""
    if not path.exists():
        print(f"skipped: {path} is absent (the benchmark reads ../shared/data; set ASSISTANT_SHARED_DATA)")
        raise SystemExit(0)
    return path


def load_clinc150(path: Path | None = None) -> dict[str, list[tuple[str, str]]]:
    """CLINC150 ``data_full.json`` (Larson et al. 2019): split → ``[(text, intent)]``.

    The ``oos_*`` splits are relabelled ``out_of_scope``. Keys: train, val, test,
    oos_train, oos_val, oos_test.
    """
    path = require(path or SHARED_DATA / "clinc150" / "data_full.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {k: [(str(t), OOS if k.startswith("oos") else str(y)) for t, y in rows] for k, rows in raw.items()}


def load_banking77(directory: Path | None = None) -> dict[str, list[tuple[str, str]]]:
    """Banking77 (Casanueva et al. 2020) ``train.csv`` / ``test.csv``: split → ``[(text, intent)]``."""
    directory = require(directory or SHARED_DATA / "banking77")
    out: dict[str, list[tuple[str, str]]] = {}
    for split in ("train", "test"):
        with (directory / f"{split}.csv").open(encoding="utf-8", newline="") as f:
            out[split] = [(r["text"], r["category"]) for r in csv.DictReader(f)]
    return out


def cached_embeddings(embedder: Embedder, texts: list[str], cache: Path = DEFAULT_CACHE, batch: int = 64) -> np.ndarray:
    """Query embeddings ``(len(texts), dim)`` float32, read from / written to ``cache``."""
    h = hashlib.sha1(("\x00".join([embedder.name, *texts])).encode("utf-8")).hexdigest()[:16]
    path = cache / f"{embedder.name}-{len(texts)}-{h}.npy"
    if path.exists():
        return np.load(path)
    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    parts = []
    for i in range(0, len(texts), batch):
        parts.append(embedder.embed_queries(texts[i : i + batch]))
        if (i // batch) % 20 == 0:
            print(f"  embedded {i + batch}/{len(texts)} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    x = np.concatenate(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, x)
    tmp.replace(path)
    return x
