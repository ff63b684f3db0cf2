"""An orthogonal map from an embedder's English query space onto its Korean one, for cross-language dense retrieval.

A multilingual encoder puts an English phrase near its Korean translation, but the two languages' vectors still differ
by more than one shared direction (:mod:`assistant.knowledge.language_shift` removes only the mean difference). The
classic remedy from cross-lingual word embeddings is a linear map learned on a bilingual dictionary and constrained to
be orthogonal, so that it rotates the space without distorting distances: ``W = argmin ||E W − K||_F`` over orthogonal
``W``, solved in closed form by the SVD of ``Eᵀ K`` (Schönemann 1966, "A generalized solution of the orthogonal
Procrustes problem", Psychometrika 31; used for bilingual embeddings by Xing et al. 2015, NAACL, "Normalized word
embedding and orthogonal transform for bilingual word translation", and Smith et al. 2017, ICLR, "Offline bilingual word
vectors, orthogonal transformations and the inverted softmax").

The dictionary is the project's own English → Korean glossary (assistant/knowledge/glossary_en_ko.yaml): each English
phrase (``E``'s row) against its Korean terms written as one query (``K``'s row), both embedded with the ``query:``
prefix. An English question's vector ``q`` is then searched as ``q + w · qW``, L2-normalised (its own vector keeps what
the glossary does not cover). ``bench/fit_language_shift.py`` fits it into ``language_map.npz`` beside this module, for
the one embedder it was fitted with.

Measured on the catalogue (s30, hybrid MRR@10 of English questions, w = 1, the dev sets the weight was chosen on):
en_dev .910 → .953, en_dev2 .831 → .864, en_twins .963 → .957, en_dev3 .701 → .740; dense alone on en_dev3 .552 → .665.
It is off by default (``RetrieverConfig.w_language_map`` = 0): the answers built on the mapped ranking got worse on the
sets the English answerability gate was fitted on (see that field for the figures and why).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.errors import InvalidConfigError

MAP_FILE = Path(__file__).resolve().parent / "language_map.npz"


@dataclass(frozen=True)
class LanguageMap:
    """``matrix``: shape ``(dim, dim)`` float32, orthogonal (English row vector ``q`` ↦ ``q @ matrix``);
    ``embedder``: the :attr:`Embedder.name` it was fitted with; ``pairs``: the parallel phrases it was fitted on;
    ``glossary_sha256``: the first 16 hex digits of the glossary file's SHA-256 at fitting time."""

    embedder: str
    matrix: np.ndarray
    pairs: int
    glossary_sha256: str = ""

    @property
    def dim(self) -> int:
        """The vector dimension the map applies to."""
        return int(self.matrix.shape[0])

    def apply(self, query_vector: np.ndarray, weight: float) -> np.ndarray:
        """``q + weight × (q @ matrix)``, L2-normalised; shape ``(dim,)`` float32.

        Raises:
            ValueError: the query vector's dimension is not the map's.
        """
        q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise ValueError(f"query vector of dimension {q.shape[0]}, language map of {self.dim}")
        v = q + np.float32(weight) * (q @ self.matrix)
        return np.asarray(v / max(float(np.linalg.norm(v)), 1e-12), dtype=np.float32)

    def save(self, path: Path) -> None:
        """Write the map as a compressed ``.npz`` (``matrix`` stored as float16: the rotation's entries need no more)."""
        np.savez_compressed(path, matrix=self.matrix.astype(np.float16), embedder=np.array(self.embedder),
                            pairs=np.array(self.pairs), glossary_sha256=np.array(self.glossary_sha256))

    @classmethod
    def load(cls, path: Path = MAP_FILE) -> LanguageMap:
        """Read a fitted map (``.npz`` with ``matrix``, ``embedder``, ``pairs``, ``glossary_sha256``).

        Raises:
            InvalidConfigError: a missing or unreadable file, a matrix that is not square and finite, or fields of the
                wrong kind.
        """
        try:
            with np.load(path, allow_pickle=False) as z:
                matrix = np.asarray(z["matrix"], dtype=np.float32)
                out = cls(embedder=str(z["embedder"]), matrix=matrix, pairs=int(z["pairs"]),
                          glossary_sha256=str(z["glossary_sha256"]) if "glossary_sha256" in z.files else "")
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise InvalidConfigError(f"{path}: cannot read the language map: {e}") from e
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or not matrix.size or not np.isfinite(matrix).all():
            raise InvalidConfigError(f"{path}: 'matrix' must be a square array of finite numbers, not {matrix.shape}")
        return out


def fit_language_map(english: np.ndarray, korean: np.ndarray) -> np.ndarray:
    """The orthogonal ``W`` minimising ``||english @ W − korean||_F``: ``U Vᵀ`` from the SVD ``englishᵀ korean = U S Vᵀ``
    (Schönemann 1966). Rows are the query vectors of parallel phrases, row i of one side the translation of row i of
    the other. Returns float32 ``(dim, dim)``.

    Raises:
        ValueError: the two sides differ in shape, or are empty or not 2-d.
    """
    e, k = np.asarray(english, dtype=np.float64), np.asarray(korean, dtype=np.float64)
    if e.ndim != 2 or e.shape != k.shape or not len(e):
        raise ValueError(f"need two non-empty 2-d arrays of one shape (row i parallel to row i), got {e.shape} and {k.shape}")
    u, _, vt = np.linalg.svd(e.T @ k)
    return np.asarray(u @ vt, dtype=np.float32)


@lru_cache(maxsize=4)
def load_language_map(path: str | None = None) -> LanguageMap:
    """The map at ``path`` (default: the packaged ``language_map.npz``), read once per process.

    Raises:
        InvalidConfigError: see :meth:`LanguageMap.load`.
    """
    return LanguageMap.load(Path(path) if path else MAP_FILE)
