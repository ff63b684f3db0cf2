"""Evaluation of the intent classifier (and entity extraction): metrics, calibration, reports.

* Per-intent precision / recall / F1, macro F1, accuracy and the confusion
  matrix come from scikit-learn (``precision_recall_fscore_support``,
  ``confusion_matrix``), so the definitions are the field's.
* Expected calibration error follows Guo et al. 2017, "On Calibration of
  Modern Neural Networks" (ICML, eq. 3): predictions are put into ``M = 15``
  equal-width confidence bins ``((m-1)/M, m/M]`` and
  ``ECE = sum_m |B_m| / n * |acc(B_m) - conf(B_m)|``.
* Out-of-scope metrics follow Larson et al. 2019, "An Evaluation Dataset for
  Intent Classification and Out-of-Scope Prediction" (EMNLP): *in-scope
  accuracy* is the share of in-scope queries given their right intent (a query
  wrongly rejected as out of scope counts as an error) and *out-of-scope
  recall* the share of out-of-scope queries rejected.
* Entity precision / recall / F1 count exact matches of ``(start, end, entity)``
  (the CoNLL-2003 convention, also Rasa's ``rasa test nlu`` entity report).

Example:
    >>> report = evaluate(classifier, test_examples)
    >>> report.accuracy, report.macro_f1, report.ece
    >>> write_report(report, Path("results/nlu"))   # report.json + confusion_matrix.png
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from assistant.errors import InvalidInputError
from assistant.nlu.types import EntitySpan, TrainingExample

if TYPE_CHECKING:
    from assistant.nlu.classifier import IntentClassifier

#: Bins of the expected calibration error (Guo et al. 2017 use 15).
ECE_BINS = 15


@dataclass(frozen=True)
class LabelMetrics:
    """Precision, recall, F1 (0..1) and support (count of gold examples) of one label."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class ReliabilityBin:
    """One confidence bin of a reliability diagram.

    Attributes:
        lower, upper: the bin's confidence interval ``(lower, upper]``.
        count: predictions in the bin; confidence: their mean confidence;
        accuracy: the share of them that were right (0 when the bin is empty).
    """

    lower: float
    upper: float
    count: int
    confidence: float
    accuracy: float


@dataclass(frozen=True)
class OosMetrics:
    """Out-of-scope metrics (Larson et al. 2019).

    Attributes:
        in_scope_accuracy: right intent among in-scope queries (rejections count as errors).
        oos_recall: out-of-scope queries rejected; oos_precision: rejections that were out of scope.
        in_scope_rejected: in-scope queries wrongly rejected (share).
        n_in_scope, n_oos: counts.
    """

    in_scope_accuracy: float
    oos_recall: float
    oos_precision: float
    in_scope_rejected: float
    n_in_scope: int
    n_oos: int


@dataclass(frozen=True)
class EntityMetrics:
    """Exact-match entity metrics, micro-averaged over all spans, plus per entity type."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    n_gold: int
    n_predicted: int
    per_type: dict[str, LabelMetrics] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassificationReport:
    """Everything :func:`evaluate` measures.

    Attributes:
        accuracy, macro_f1: over the decisions (out-of-scope included as a label when used).
        per_intent: label → metrics; labels: confusion-matrix order;
        confusion: ``confusion[i][j]`` = gold ``labels[i]`` predicted ``labels[j]``.
        worst_confusions: ``(gold, predicted, count)``, most frequent first (off-diagonal only).
        misclassified: ``{"text", "gold", "predicted", "confidence"}`` for each error.
        ece, reliability: calibration of the top intent's probability (15 bins).
        oos: out-of-scope metrics when an out-of-scope label is in gold or predictions.
        entities: when entity pairs were given.
    """

    accuracy: float
    macro_f1: float
    per_intent: dict[str, LabelMetrics]
    labels: list[str]
    confusion: list[list[int]]
    worst_confusions: list[tuple[str, str, int]]
    misclassified: list[dict[str, Any]]
    ece: float
    reliability: list[ReliabilityBin]
    n: int
    oos: OosMetrics | None = None
    entities: EntityMetrics | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (dataclasses → dicts, tuples → lists)."""
        out = asdict(self)
        out["worst_confusions"] = [{"gold": g, "predicted": p, "count": c} for g, p, c in self.worst_confusions]
        return out


def _safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def classification_metrics(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None
) -> tuple[float, float, dict[str, LabelMetrics], list[str], np.ndarray]:
    """Accuracy, macro F1, per-label metrics and the confusion matrix.

    Args:
        gold, predicted: one label per example (same length, at least one).
        labels: the label order (default: sorted union of gold and predicted).
            Macro F1 averages over labels that occur in ``gold`` (a label only
            ever predicted still counts in the confusion matrix).

    Returns:
        ``(accuracy, macro_f1, per_label, labels, confusion)``; ``confusion`` has
        shape ``(len(labels), len(labels))``, rows gold, columns predicted.

    Raises:
        InvalidInputError: lengths differ or nothing to evaluate.
    """
    if len(gold) != len(predicted):
        raise InvalidInputError(f"gold has {len(gold)} labels but predicted has {len(predicted)}")
    if not gold:
        raise InvalidInputError("nothing to evaluate: no examples")
    labs = list(labels) if labels is not None else sorted(set(gold) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(gold, predicted, labels=labs, zero_division=0)
    per = {lab: LabelMetrics(float(p[i]), float(r[i]), float(f[i]), int(s[i])) for i, lab in enumerate(labs)}
    in_gold = set(gold)
    macro = float(np.mean([per[lab].f1 for lab in labs if lab in in_gold]))
    acc = float(np.mean([g == q for g, q in zip(gold, predicted, strict=True)]))
    cm = confusion_matrix(gold, predicted, labels=labs)
    return acc, macro, per, labs, cm


def worst_confusions(labels: Sequence[str], confusion: np.ndarray, top: int = 10) -> list[tuple[str, str, int]]:
    """The ``top`` most frequent off-diagonal ``(gold, predicted, count)`` cells, largest first (ties by name)."""
    cells = [
        (str(labels[i]), str(labels[j]), int(confusion[i, j]))
        for i in range(len(labels))
        for j in range(len(labels))
        if i != j and confusion[i, j] > 0
    ]
    cells.sort(key=lambda c: (-c[2], c[0], c[1]))
    return cells[:top]


def expected_calibration_error(
    confidences: Sequence[float] | np.ndarray, correct: Sequence[bool] | np.ndarray, n_bins: int = ECE_BINS
) -> tuple[float, list[ReliabilityBin]]:
    """Expected calibration error and reliability bins (Guo et al. 2017, eq. 3).

    Args:
        confidences: the probability given to each predicted label, in [0, 1].
        correct: whether each prediction was right.
        n_bins: equal-width bins ``((m-1)/M, m/M]``; a confidence of exactly 0
            goes to the first bin.

    Returns:
        ``(ece, bins)`` with ``ece`` in [0, 1].

    Raises:
        InvalidInputError: lengths differ, no predictions, or a confidence outside [0, 1].
    """
    conf = np.asarray(confidences, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    if conf.shape != ok.shape or conf.ndim != 1:
        raise InvalidInputError(f"confidences {conf.shape} and correct {ok.shape} must be 1-d and of equal length")
    if conf.size == 0:
        raise InvalidInputError("no predictions to calibrate")
    if np.any(conf < 0) or np.any(conf > 1) or np.any(np.isnan(conf)):
        raise InvalidInputError("confidences must lie in [0, 1]")
    idx = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)
    ece = 0.0
    bins = []
    for m in range(n_bins):
        sel = idx == m
        cnt = int(sel.sum())
        mc = float(conf[sel].mean()) if cnt else 0.0
        ma = float(ok[sel].mean()) if cnt else 0.0
        ece += cnt / conf.size * abs(ma - mc)
        bins.append(ReliabilityBin(m / n_bins, (m + 1) / n_bins, cnt, mc, ma))
    return float(ece), bins


def oos_metrics(gold: Sequence[str], predicted: Sequence[str], oos_label: str) -> OosMetrics:
    """In-scope accuracy and out-of-scope recall/precision (Larson et al. 2019).

    Raises:
        InvalidInputError: lengths differ.
    """
    if len(gold) != len(predicted):
        raise InvalidInputError(f"gold has {len(gold)} labels but predicted has {len(predicted)}")
    ins = [(g, p) for g, p in zip(gold, predicted, strict=True) if g != oos_label]
    oos = [p for g, p in zip(gold, predicted, strict=True) if g == oos_label]
    rejected_oos = sum(p == oos_label for p in oos)
    rejected_total = sum(p == oos_label for p in predicted)
    return OosMetrics(
        in_scope_accuracy=_safe_div(sum(g == p for g, p in ins), len(ins)),
        oos_recall=_safe_div(rejected_oos, len(oos)),
        oos_precision=_safe_div(rejected_oos, rejected_total),
        in_scope_rejected=_safe_div(sum(p == oos_label for _, p in ins), len(ins)),
        n_in_scope=len(ins),
        n_oos=len(oos),
    )


def entity_metrics(pairs: Iterable[tuple[Sequence[EntitySpan], Sequence[EntitySpan]]]) -> EntityMetrics:
    """Entity precision / recall / F1 by exact ``(start, end, entity)`` match.

    Args:
        pairs: one ``(gold_spans, predicted_spans)`` per message. Values, roles
            and extractors are ignored; a span counts once even if repeated.

    Returns:
        Micro-averaged metrics and per-type metrics (support = gold spans of the type).
    """
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for gold_spans, pred_spans in pairs:
        g = {(s.start, s.end, s.entity) for s in gold_spans}
        p = {(s.start, s.end, s.entity) for s in pred_spans}
        for _, _, t in g:
            n_gold[t] += 1
        for _, _, t in p:
            n_pred[t] += 1
        for _, _, t in g & p:
            tp[t] += 1

    def prf(t: int, ng: int, npred: int) -> tuple[float, float, float]:
        prec, rec = _safe_div(t, npred), _safe_div(t, ng)
        return prec, rec, _safe_div(2 * prec * rec, prec + rec)

    per = {}
    for typ in sorted(set(n_gold) | set(n_pred)):
        pr, rc, f1 = prf(tp[typ], n_gold[typ], n_pred[typ])
        per[typ] = LabelMetrics(pr, rc, f1, n_gold[typ])
    T, G, P = sum(tp.values()), sum(n_gold.values()), sum(n_pred.values())
    pr, rc, f1 = prf(T, G, P)
    return EntityMetrics(pr, rc, f1, T, G, P, per)


def report_from_predictions(
    texts: Sequence[str],
    gold: Sequence[str],
    predicted: Sequence[str],
    confidences: Sequence[float] | np.ndarray,
    oos_label: str | None = None,
    entity_pairs: Iterable[tuple[Sequence[EntitySpan], Sequence[EntitySpan]]] | None = None,
    top_confusions: int = 10,
    top_labels: Sequence[str] | None = None,
) -> ClassificationReport:
    """Build a :class:`ClassificationReport` from decisions already made.

    Args:
        texts, gold, predicted: one per example (``predicted`` = the decision, after any rejection).
        confidences: the calibrated probability of each example's top-ranked intent.
        oos_label: the out-of-scope label, when one is used.
        top_labels: the top-ranked intent of each example when it can differ from
            the decision (a rejected message); ECE scores ``confidences`` against
            whether these are right. Default: ``predicted``.
    """
    acc, macro, per, labs, cm = classification_metrics(gold, predicted)
    conf = np.asarray(confidences, dtype=np.float64)
    tops = predicted if top_labels is None else top_labels
    correct = np.array([g == p for g, p in zip(gold, tops, strict=True)])
    ece, bins = expected_calibration_error(conf, correct)
    errors = [
        {"text": t, "gold": g, "predicted": p, "confidence": round(float(c), 4)}
        for t, g, p, c in zip(texts, gold, predicted, conf, strict=True)
        if g != p
    ]
    oos = None
    if oos_label is not None and (oos_label in gold or oos_label in predicted):
        oos = oos_metrics(gold, predicted, oos_label)
    return ClassificationReport(
        accuracy=acc,
        macro_f1=macro,
        per_intent=per,
        labels=labs,
        confusion=cm.tolist(),
        worst_confusions=worst_confusions(labs, cm, top_confusions),
        misclassified=errors,
        ece=ece,
        reliability=bins,
        n=len(gold),
        oos=oos,
        entities=entity_metrics(entity_pairs) if entity_pairs is not None else None,
    )


def evaluate(
    model: IntentClassifier,
    examples: Sequence[TrainingExample],
    vectors: np.ndarray | None = None,
    entity_pairs: Iterable[tuple[Sequence[EntitySpan], Sequence[EntitySpan]]] | None = None,
) -> ClassificationReport:
    """Evaluate a trained classifier on labelled examples.

    The decision for each example is the classifier's
    (:meth:`IntentClassifier.decide_vectors`): its out-of-scope label when the
    example is rejected, else the top intent. ECE scores the calibrated
    probability of the top-ranked intent against whether that intent is right
    (Guo et al.'s top-label calibration, independent of the rejection threshold).

    Args:
        model: a trained :class:`~assistant.nlu.classifier.IntentClassifier`.
        examples: gold intents (out-of-scope examples carry ``model.oos_label``).
        vectors: precomputed query embeddings ``(len(examples), dim)``; embedded here when None.
        entity_pairs: optional ``(gold_spans, predicted_spans)`` per message for entity F1.

    Raises:
        InvalidInputError: no examples, or ``vectors`` of the wrong shape.
    """
    if not examples:
        raise InvalidInputError("nothing to evaluate: no examples")
    texts = [e.text for e in examples]
    decisions = model.decide_texts(texts, vectors)
    return report_from_predictions(
        texts,
        [e.intent for e in examples],
        [d.label for d in decisions],
        [d.confidence for d in decisions],
        oos_label=model.oos_label,
        entity_pairs=entity_pairs,
        top_labels=[d.top.name for d in decisions],
    )


def cross_validate(
    make_model: Callable[[], IntentClassifier],
    examples: Sequence[TrainingExample],
    vectors: np.ndarray | None = None,
    k: int = 5,
    seed: int = 0,
) -> dict[str, Any]:
    """Stratified k-fold cross-validation (scikit-learn ``StratifiedKFold``, shuffled).

    Each fold trains a fresh model from ``make_model()`` on the other folds
    (embeddings computed once for all folds) and is evaluated with :func:`evaluate`.

    Args:
        make_model: returns an untrained classifier.
        examples: labelled examples; every intent needs at least ``k`` examples.
        vectors: precomputed embeddings of ``examples`` (embedded here when None).
        k: folds (2 or more).

    Returns:
        ``{"k", "folds": [{"accuracy", "macro_f1", "ece", ...}], "mean": {...}, "std": {...}}``.

    Raises:
        InvalidInputError: ``k < 2`` or an intent with fewer than ``k`` examples.
    """
    if k < 2:
        raise InvalidInputError(f"cross-validation needs k >= 2, got {k}")
    y = [e.intent for e in examples]
    small = sorted(lab for lab, n in Counter(y).items() if n < k)
    if small:
        raise InvalidInputError(f"intents with fewer than {k} examples cannot be split into {k} folds: {small}")
    if vectors is None:
        vectors = make_model().embedder.embed_queries([e.text for e in examples])
    folds = []
    for train_idx, test_idx in StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        model = make_model()
        model.fit_vectors(vectors[train_idx], [examples[i] for i in train_idx])
        rep = evaluate(model, [examples[i] for i in test_idx], vectors[test_idx])
        row = {"accuracy": rep.accuracy, "macro_f1": rep.macro_f1, "ece": rep.ece, "n": rep.n}
        if rep.oos is not None:
            row |= {"in_scope_accuracy": rep.oos.in_scope_accuracy, "oos_recall": rep.oos.oos_recall}
        folds.append(row)
    keys = [key for key in folds[0] if key != "n" and all(key in f for f in folds)]
    return {
        "k": k,
        "folds": folds,
        "mean": {key: float(np.mean([f[key] for f in folds])) for key in keys},
        "std": {key: float(np.std([f[key] for f in folds])) for key in keys},
    }


#: Up to this many intents the plot shows them all; beyond it, only the intents in a confusion (s15-fresh F8: Sara's
#: 59 intents were one dark diagonal cell and near-white elsewhere).
PLOT_ALL_UP_TO = 30
#: The most intents one plot shows (those in the most confused examples first), so that labels stay legible.
PLOT_MAX_LABELS = 60
#: Inches per cell and around the grid (labels, colour bar, title) of the confusion plot, at :data:`PLOT_DPI`.
PLOT_CELL_INCHES = 0.42
PLOT_MARGIN_INCHES = 3.2
PLOT_DPI = 100


@dataclass(frozen=True)
class ConfusionView:
    """What :func:`plot_confusion_matrix` draws.

    Attributes:
        labels: the intents shown, in the report's label order (rows gold, columns predicted).
        counts: ``(k, k)`` counts of the shown rows and columns.
        shares: ``counts`` divided by each gold intent's whole row (all its examples, also those predicted as an
            intent not shown), so a cell is the share of that gold intent's examples; 0 for an intent with none.
        hidden: how many intents are left out (no confusion, or beyond :data:`PLOT_MAX_LABELS`).
    """

    labels: list[str]
    counts: np.ndarray
    shares: np.ndarray
    hidden: int


def confusion_view(labels: Sequence[str], confusion: Sequence[Sequence[int]] | np.ndarray,
                   all_up_to: int = PLOT_ALL_UP_TO, max_labels: int = PLOT_MAX_LABELS) -> ConfusionView:
    """The part of a confusion matrix worth plotting, row-normalised.

    Up to ``all_up_to`` intents all are kept. Beyond it only the intents in at least one confusion (as the gold or
    the predicted intent of a wrong prediction) are kept; when more than ``max_labels`` are, those with the most
    wrongly predicted examples (as gold plus as predicted) are kept, ties in label order.

    Args:
        labels: the matrix's labels (``n``).
        confusion: ``(n, n)`` counts, rows gold, columns predicted.

    Raises:
        InvalidInputError: the matrix is not ``n`` by ``n``.
    """
    n = len(labels)
    cm = np.asarray(confusion, dtype=float) if n else np.zeros((0, 0))
    if cm.shape != (n, n):
        raise InvalidInputError(f"a confusion matrix of {n} labels must be {n}x{n}, got {cm.shape}")
    row_sums = cm.sum(axis=1)
    if n <= all_up_to:
        keep = list(range(n))
    else:
        off = cm - np.diag(np.diag(cm))
        wrong = off.sum(axis=1) + off.sum(axis=0)
        confused = [i for i in range(n) if wrong[i] > 0]
        if len(confused) > max_labels:
            confused = sorted(sorted(confused, key=lambda i: -wrong[i])[:max_labels])
        keep = confused
    counts = cm[np.ix_(keep, keep)]
    shares = counts / np.maximum(row_sums[keep][:, None], 1.0)  # a row with no examples is all zeros either way
    return ConfusionView([labels[i] for i in keep], counts, shares, n - len(keep))


def plot_confusion_matrix(labels: Sequence[str], confusion: Sequence[Sequence[int]] | np.ndarray, path: Path, title: str = "") -> Path:
    """Write a PNG heat map of the confusion matrix (rows gold, columns predicted; matplotlib Agg backend).

    The colour is each cell's share of its gold intent's examples (row-normalised, 0 to 1), so a small intent's
    confusions show as clearly as a large one's; every non-zero cell carries its count. The intents shown are
    :func:`confusion_view`'s (all up to :data:`PLOT_ALL_UP_TO`, else those in a confusion; the title says how many
    were left out). The figure is square, :data:`PLOT_CELL_INCHES` per intent plus :data:`PLOT_MARGIN_INCHES`, at
    :data:`PLOT_DPI`: ``round(dpi * (margin + cell * k))`` pixels a side for ``k`` intents shown, so the labels
    keep a legible 8-point font however many intents a project has.

    Returns:
        ``path``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    view = confusion_view(labels, confusion)
    k = len(view.labels)
    side = PLOT_MARGIN_INCHES + PLOT_CELL_INCHES * k
    fig, ax = plt.subplots(figsize=(side, side))
    try:
        image = ax.imshow(view.shares if k else np.zeros((1, 1)), cmap="Blues", vmin=0.0, vmax=1.0)
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        bar.set_label("share of the gold intent's examples", fontsize=8)
        ticks = list(range(k))
        ax.set_xticks(ticks, labels=view.labels, rotation=90, fontsize=8)
        ax.set_yticks(ticks, labels=view.labels, fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        for i in range(k):
            for j in range(k):
                if view.counts[i, j]:
                    ax.text(j, i, str(int(view.counts[i, j])), ha="center", va="center", fontsize=7,
                            color="white" if view.shares[i, j] > 0.5 else "black")
        heading = title
        if view.hidden:
            note = f"{k} of {k + view.hidden} intents: those in a confusion"
            heading = f"{title}\n{note}" if title else note
        if heading:
            ax.set_title(heading, fontsize=9)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=PLOT_DPI)
    finally:
        plt.close(fig)
    return path


def write_report(report: ClassificationReport, directory: Path, extra: dict[str, Any] | None = None) -> dict[str, Path]:
    """Write ``report.json`` (with ``extra`` merged at the top level) and ``confusion_matrix.png`` under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    data = report.to_json() | (extra or {})
    json_path = directory / "report.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=_json_default), encoding="utf-8")
    png = plot_confusion_matrix(report.labels, report.confusion, directory / "confusion_matrix.png")
    return {"json": json_path, "png": png}


def _json_default(o: object) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, float) and math.isnan(o):
        return None
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")
