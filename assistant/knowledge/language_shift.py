"""The English → Korean direction of an embedder's query space, for cross-language dense retrieval.

A multilingual encoder puts a sentence and its translation close, but not together: every English query sits off
the Korean ones by a direction shared by all of them (the language's own component). Subtracting the difference of
the two languages' mean vectors makes the representations more language-neutral and helps cross-language retrieval
(Libovický, Rosa and Fraser 2020, "On the Language Neutrality of Pre-trained Multilingual Representations", Findings
of EMNLP, section 3: centering by language mean).

The direction is estimated on parallel text the project writes itself: the English → Korean glossary
(assistant/knowledge/glossary_en_ko.yaml), each English phrase against its Korean terms written as one query, both
with the embedder's ``query:`` prefix; ``shift = mean(English vectors) − mean(Korean vectors)``. It is fitted by
``bench/fit_language_shift.py`` and shipped as ``language_shift.json`` beside this module, for the one embedder it was
fitted with (``embedder``: :attr:`Embedder.name`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.errors import InvalidConfigError

SHIFT_FILE = Path(__file__).resolve().parent / "language_shift.json"


@dataclass(frozen=True)
class LanguageShift:
    """``vector``: shape ``(dim,)`` float32, English mean minus Korean mean; ``embedder``: the :attr:`Embedder.name`
    it was fitted with; ``pairs``: how many parallel phrases it was fitted on."""

    embedder: str
    vector: np.ndarray
    pairs: int

    def apply(self, query_vector: np.ndarray, weight: float) -> np.ndarray:
        """``query_vector − weight × vector``, L2-normalised; shape ``(dim,)`` float32.

        Raises:
            ValueError: the query vector's dimension is not the shift's.
        """
        q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if q.shape != self.vector.shape:
            raise ValueError(f"query vector of dimension {q.shape[0]}, language shift of {self.vector.shape[0]}")
        v = q - np.float32(weight) * self.vector
        return np.asarray(v / max(float(np.linalg.norm(v)), 1e-12), dtype=np.float32)

    @classmethod
    def load(cls, path: Path = SHIFT_FILE) -> LanguageShift:
        """Read a fitted shift (``{"embedder", "pairs", "vector"}`` JSON).

        Raises:
            InvalidConfigError: a missing or unreadable file, or fields of the wrong kind.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            vector = np.asarray(data["vector"], dtype=np.float32)
            shift = cls(embedder=str(data["embedder"]), vector=vector, pairs=int(data["pairs"]))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise InvalidConfigError(f"{path}: cannot read the language shift: {e}") from e
        if vector.ndim != 1 or not vector.size or not np.isfinite(vector).all():
            raise InvalidConfigError(f"{path}: 'vector' must be a non-empty list of finite numbers")
        return shift


def fit_language_shift(english: np.ndarray, korean: np.ndarray) -> np.ndarray:
    """``mean(english) − mean(korean)`` over rows, float32 ``(dim,)``; the rows are the query vectors of parallel
    phrases (any counts, same dimension).

    Raises:
        ValueError: an empty side or dimensions that differ.
    """
    e, k = np.asarray(english, dtype=np.float32), np.asarray(korean, dtype=np.float32)
    if e.ndim != 2 or k.ndim != 2 or not len(e) or not len(k) or e.shape[1] != k.shape[1]:
        raise ValueError(f"need two non-empty 2-d arrays of one dimension, got {e.shape} and {k.shape}")
    return np.asarray(e.mean(axis=0) - k.mean(axis=0), dtype=np.float32)


@lru_cache(maxsize=4)
def load_language_shift(path: str | None = None) -> LanguageShift:
    """The shift at ``path`` (default: the packaged ``language_shift.json``), read once per process.

    Raises:
        InvalidConfigError: see :meth:`LanguageShift.load`.
    """
    return LanguageShift.load(Path(path) if path else SHIFT_FILE)
