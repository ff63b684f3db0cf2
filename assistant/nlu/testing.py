"""``assistant test nlu``: evaluate the NLU pipeline of a Rasa project on held-out data or by cross-validation.

The pipeline (intent classifier + entity extractors, :class:`~assistant.nlu.pipeline.NluPipeline`)
is trained in memory on the project's NLU data and run on the test examples exactly as in a
conversation (:meth:`NluPipeline.parse`), so negation handling and out-of-scope rejection count.
Metrics come from :mod:`assistant.nlu.evaluation`: per-intent precision/recall/F1, macro F1,
confusion matrix (JSON and PNG), worst confusions, misclassified examples, expected calibration
error (Guo et al. 2017) and entity precision/recall/F1 by exact span and type. Predicted entities
are compared only for the entity types the project declares or annotates (built-in number/date
extractions of undeclared types are not errors).

Pretrained extractors (ours: the duckling-like numbers, dates, durations, phone and RRN extractor)
are scored only for the entity types that appear in the annotations (training or test data). Rasa's
``rasa test nlu`` removes its pretrained extractors (``PRETRAINED_EXTRACTORS``: Duckling, spaCy) from
the evaluated pipeline (``rasa/nlu/test.py``, ``remove_pretrained_extractors``), because nobody
annotates every number and date in test data: counting an unannotated "2" in Sara's "Rasa 2" as a
false positive measures the annotator, not the model. We keep a pretrained type that the data does
annotate (the bundled assistant annotates ``age``): there the annotator did mark them. The JSON says
which types were excluded (``entity_types_excluded``) and how many predictions that removed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import InvalidInputError
from assistant.knowledge.embedder import Embedder
from assistant.nlu.entities.duckling_time import DUCKLING_EXTRACTOR
from assistant.nlu.entities.numbers import EXTRACTOR as DUCKLING_LIKE
from assistant.nlu.evaluation import ClassificationReport, plot_confusion_matrix, report_from_predictions
from assistant.nlu.pipeline import NluPipeline
from assistant.nlu.project import Project, load_project
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.nlu.training_data import load_training_data
from assistant.nlu.types import EntitySpan, NluTrainingData, TrainingExample


#: Extractor names of the pretrained (built-in, not learnt from the project's data) entity extractors.
PRETRAINED_EXTRACTORS = frozenset({DUCKLING_LIKE, DUCKLING_EXTRACTOR})


def scored_entities(
    predicted: list[EntitySpan], entity_types: set[str], annotated_types: set[str]
) -> tuple[list[EntitySpan], list[EntitySpan]]:
    """The predicted entities that are scored, and the pretrained ones left out (see the module docstring).

    Args:
        predicted: one message's predicted entities.
        entity_types: the types the project declares, annotates or has lookup tables for.
        annotated_types: the types annotated in the training or test data.

    Returns:
        ``(kept, excluded)``: a prediction is kept when its type is in ``entity_types`` and, if a
        pretrained extractor (:data:`PRETRAINED_EXTRACTORS`) made it, in ``annotated_types``; ``excluded``
        are the pretrained predictions of a declared type left out by the second rule.
    """
    kept: list[EntitySpan] = []
    excluded: list[EntitySpan] = []
    for s in predicted:
        if s.entity not in entity_types:
            continue
        (excluded if s.extractor in PRETRAINED_EXTRACTORS and s.entity not in annotated_types else kept).append(s)
    return kept, excluded


@dataclass
class _Predictions:
    """Gold and predicted labels of held-out examples, in the argument order of ``report_from_predictions``."""

    texts: list[str] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    confidence: list[float] = field(default_factory=list)
    entity_pairs: list[tuple[list[EntitySpan], list[EntitySpan]]] = field(default_factory=list)
    top_labels: list[str] = field(default_factory=list)
    oos_label: str | None = None

    def extend(self, other: _Predictions) -> None:
        """Append another fold's predictions (each example is held out in exactly one fold)."""
        self.texts += other.texts
        self.gold += other.gold
        self.predicted += other.predicted
        self.confidence += other.confidence
        self.entity_pairs += other.entity_pairs
        self.top_labels += other.top_labels
        self.oos_label = self.oos_label or other.oos_label

    def report(self) -> ClassificationReport:
        """The classification report over every prediction held."""
        oos = self.oos_label
        return report_from_predictions(
            self.texts, self.gold, self.predicted, self.confidence,
            oos_label=oos if oos in set(self.gold) | set(self.predicted) else None,
            entity_pairs=self.entity_pairs, top_labels=self.top_labels,
        )


def _predict(
    pipeline: NluPipeline, examples: list[TrainingExample], entity_types: set[str], annotated_types: set[str]
) -> tuple[_Predictions, dict[str, int]]:
    """The pipeline's predictions on ``examples``, and the count of predictions left out per excluded entity type."""
    texts = [e.text for e in examples]
    vectors = pipeline.embedder.embed_queries(texts)
    parsed = [pipeline.parse(t, vector=v) for t, v in zip(texts, vectors, strict=True)]
    oos = pipeline.classifier.oos_label
    out = _Predictions(texts=texts, gold=[e.intent for e in examples],
                       predicted=[oos if p.nlu.is_out_of_scope and oos else p.nlu.intent.name for p in parsed],
                       confidence=[p.nlu.intent.confidence for p in parsed], top_labels=[p.nlu.intent.name for p in parsed],
                       oos_label=oos)
    excluded: dict[str, int] = {}
    for e, p in zip(examples, parsed, strict=True):
        kept, left_out = scored_entities(list(p.entities), entity_types, annotated_types)
        for s in left_out:
            excluded[s.entity] = excluded.get(s.entity, 0) + 1
        out.entity_pairs.append((list(e.entities), kept))
    return out, excluded


def _excluded_json(counts: dict[str, int]) -> dict[str, Any]:
    return {"entity_types_excluded": sorted(counts), "entity_predictions_excluded": dict(sorted(counts.items()))}


def _summary(rep: ClassificationReport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "intent_accuracy": rep.accuracy,
        "intent_macro_f1": rep.macro_f1,
        "entity_f1": rep.entities.f1 if rep.entities is not None else None,
        "entity_precision": rep.entities.precision if rep.entities is not None else None,
        "entity_recall": rep.entities.recall if rep.entities is not None else None,
        "calibration_ece": rep.ece,
        "n": rep.n,
        "per_intent": {k: {"precision": v.precision, "recall": v.recall, "f1": v.f1, "support": v.support} for k, v in rep.per_intent.items()},
        "worst_confusions": [{"gold": g, "predicted": p, "count": c} for g, p, c in rep.worst_confusions],
    }
    if rep.oos is not None:
        out["oos"] = {"in_scope_accuracy": rep.oos.in_scope_accuracy, "oos_recall": rep.oos.oos_recall}
    return out


def _subset(project: Project, examples: list[TrainingExample]) -> Project:
    data = project.nlu
    return Project(project.root, project.domain, NluTrainingData(examples, data.synonyms, data.regexes, data.lookups, data.sources),
                   config=project.config)


def evaluate_project(
    project_dir: Path,
    embedder: Embedder,
    nlu_file: Path | None = None,
    cross_validation: int | None = None,
    out_dir: Path | None = None,
    seed: int = 0,
    trained_model: Path | None = None,
    model_note: str = "",
) -> dict[str, Any]:
    """Evaluate the NLU of the project at ``project_dir``.

    Args:
        project_dir: a Rasa-style project (see :func:`~assistant.nlu.project.load_project`).
        embedder: the sentence encoder.
        nlu_file: held-out test data in Rasa NLU YAML (e.g. Sara's ``tests/test_nlu.yml``); the
            pipeline trains on the project's data and is tested on this file.
        cross_validation: instead, stratified k-fold cross-validation on the project's own data.
        out_dir: where to write ``report.json`` (everything, incl. confusion matrix, misclassified
            examples, reliability bins) and ``confusion_matrix.png``; nothing written when None.
        seed: fold shuffling seed.
        trained_model: with ``nlu_file``, a trained NLU folder (``NluPipeline.save``'s) to test instead of training
            one on the project in memory; the caller checks that it was trained on this project as it is now (the
            CLI: :func:`assistant.app_state.training_data_status`). None: train in memory.
        model_note: why this model (kept in ``result["model"]["reason"]``).

    Returns:
        ``{"intent_accuracy", "intent_macro_f1", "entity_f1", "per_intent", "calibration_ece", "model", ...}``;
        with cross-validation these are means over folds plus ``"folds"``. ``model`` says which model was tested:
        ``{"used": "trained" | "trained_in_memory" | "cross_validation", "path": folder or None, "reason": ...}``.

    Raises:
        InvalidInputError: both or neither of ``nlu_file`` / ``cross_validation`` given, k < 2,
            an intent with fewer than k examples, an empty test file, or ``trained_model`` with cross-validation.
        ModelNotFoundError: ``trained_model`` holds no trained NLU.
        InvalidConfigError: malformed project or test data (with file:line).
    """
    if (nlu_file is None) == (cross_validation is None):
        raise InvalidInputError("give either --nlu FILE (held-out test data) or --cross-validation N")
    project = load_project(project_dir)
    entity_types = set(project.domain.entities) | project.nlu.entity_types | set(project.nlu.lookups)
    tokenizer = KoreanTokenizer()
    if nlu_file is not None:
        test = load_training_data([nlu_file]).examples
        if not test:
            raise InvalidInputError(f"{nlu_file}: no test examples")
        model: dict[str, str | None]
        if trained_model is not None:
            pipeline = NluPipeline.load(trained_model, embedder, tokenizer)
            model = {"used": "trained", "path": str(trained_model), "reason": model_note}
        else:
            pipeline, _ = NluPipeline.train(project, embedder, tokenizer)
            model = {"used": "trained_in_memory", "path": None, "reason": model_note}
        test_types = {e.entity for ex in test for e in ex.entities}
        predictions, excluded = _predict(pipeline, test, entity_types | test_types, project.nlu.entity_types | test_types)
        rep = predictions.report()
        result = {**_summary(rep), **_excluded_json(excluded), "model": model}
        reports = [rep]
        pooled = rep
    else:
        from collections import Counter

        from sklearn.model_selection import StratifiedKFold

        k = int(cross_validation or 0)
        if trained_model is not None:
            raise InvalidInputError("cross-validation trains a model per fold: a trained model cannot be tested by it")
        examples = project.nlu.examples
        if k < 2:
            raise InvalidInputError(f"cross-validation needs at least 2 folds, got {k}")
        small = sorted(i for i, n in Counter(e.intent for e in examples).items() if n < k)
        if small:
            raise InvalidInputError(f"intents with fewer than {k} examples cannot be split into {k} folds: {small}")
        folds = []
        reports = []
        excluded = {}
        held_out = _Predictions()
        y = [e.intent for e in examples]
        for tr, te in StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
            pipeline, _ = NluPipeline.train(_subset(project, [examples[i] for i in tr]), embedder, tokenizer)
            fold_predictions, fold_excluded = _predict(pipeline, [examples[i] for i in te], entity_types, project.nlu.entity_types)
            for k_, n_ in fold_excluded.items():
                excluded[k_] = excluded.get(k_, 0) + n_
            held_out.extend(fold_predictions)
            rep = fold_predictions.report()
            reports.append(rep)
            folds.append(_summary(rep))
        keys = ("intent_accuracy", "intent_macro_f1", "entity_f1", "calibration_ece")
        result = {key: (float(np.mean([f[key] for f in folds])) if all(f[key] is not None for f in folds) else None) for key in keys}
        # Per-intent figures, worst confusions and the confusion matrix pool every fold's held-out predictions (each
        # example is predicted once, by the model that did not train on it), as Rasa's cross-validation reports do;
        # before s15 they came from the last fold alone while the headline figures were fold means (s15-fresh F7).
        pooled = held_out.report()
        pooled_summary = _summary(pooled)
        result["per_intent"] = pooled_summary["per_intent"]
        result["worst_confusions"] = pooled_summary["worst_confusions"]
        result["pooled"] = {key: pooled_summary[key] for key in (*keys, "n")}
        result["folds"] = [{key: f[key] for key in keys} for f in folds]
        result["k"] = k
        result["model"] = {"used": "cross_validation", "path": None, "reason": f"{k} models trained in memory, one per fold"}
        result.update(_excluded_json(excluded))
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        body: Any = [r.to_json() for r in reports] if len(reports) == 1 else {"pooled": pooled.to_json(), "folds": [r.to_json() for r in reports]}
        (out_dir / "report.json").write_text(json.dumps(body, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        plot_confusion_matrix(pooled.labels, pooled.confusion, out_dir / "confusion_matrix.png", title=str(project_dir))
        result["report_dir"] = str(out_dir)
    return result
