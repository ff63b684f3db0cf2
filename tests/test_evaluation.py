"""Evaluation metrics against values worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InvalidInputError
from assistant.nlu.evaluation import (
    classification_metrics,
    cross_validate,
    entity_metrics,
    expected_calibration_error,
    oos_metrics,
    report_from_predictions,
    worst_confusions,
    write_report,
)
from assistant.nlu.types import EntitySpan, TrainingExample

# A tiny confusion, counted by hand:
#   gold a a a b b c  (6 examples)
#   pred a a b b c c
# a: tp 2, fp 0, fn 1 -> P 1, R 2/3, F1 0.8
# b: tp 1, fp 1, fn 1 -> P 1/2, R 1/2, F1 1/2
# c: tp 1, fp 1, fn 0 -> P 1/2, R 1, F1 2/3
GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "c"]


class TestClassificationMetrics:
    def test_per_label_macro_accuracy_confusion(self) -> None:
        acc, macro, per, labels, cm = classification_metrics(GOLD, PRED)
        assert labels == ["a", "b", "c"]
        assert acc == pytest.approx(4 / 6)
        assert (per["a"].precision, per["a"].recall, per["a"].f1, per["a"].support) == pytest.approx((1.0, 2 / 3, 0.8, 3))
        assert (per["b"].precision, per["b"].recall, per["b"].f1) == pytest.approx((0.5, 0.5, 0.5))
        assert (per["c"].precision, per["c"].recall, per["c"].f1) == pytest.approx((0.5, 1.0, 2 / 3))
        assert macro == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
        assert cm.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]

    def test_worst_confusions_are_off_diagonal_largest_first(self) -> None:
        cm = np.array([[5, 3, 1], [0, 4, 0], [2, 3, 7]])
        assert worst_confusions(["x", "y", "z"], cm, top=3) == [("x", "y", 3), ("z", "y", 3), ("z", "x", 2)]

    def test_bad_input_raises(self) -> None:
        with pytest.raises(InvalidInputError):
            classification_metrics(["a"], ["a", "b"])
        with pytest.raises(InvalidInputError):
            classification_metrics([], [])

    def test_report_lists_misclassified_examples(self) -> None:
        texts = [f"t{i}" for i in range(6)]
        rep = report_from_predictions(texts, GOLD, PRED, [0.9] * 6)
        assert [(m["text"], m["gold"], m["predicted"]) for m in rep.misclassified] == [("t2", "a", "b"), ("t4", "b", "c")]
        assert rep.oos is None and rep.entities is None
        json.dumps(rep.to_json())  # serialisable


class TestCalibration:
    def test_ece_known_answer(self) -> None:
        # bin (0.6, 0.667]: conf 0.65 x4, 3 right -> |0.75 - 0.65| = 0.10, weight 4/10
        # bin (0.933, 1]:   conf 0.95 x6, 6 right -> |1.0 - 0.95| = 0.05, weight 6/10
        conf = [0.65] * 4 + [0.95] * 6
        correct = [True, True, True, False] + [True] * 6
        ece, bins = expected_calibration_error(conf, correct)
        assert ece == pytest.approx(0.4 * 0.10 + 0.6 * 0.05)
        assert len(bins) == 15 and sum(b.count for b in bins) == 10
        filled = [b for b in bins if b.count]
        assert [(b.count, b.confidence, b.accuracy) for b in filled] == [(4, pytest.approx(0.65), 0.75), (6, pytest.approx(0.95), 1.0)]

    def test_bin_edges_are_right_closed(self) -> None:
        # 1/15 belongs to the first bin (0, 1/15]; 0 is put there too; 1.0 to the last
        _, bins = expected_calibration_error([0.0, 1 / 15, 1.0], [True, True, True])
        assert bins[0].count == 2 and bins[-1].count == 1

    def test_perfect_calibration_is_zero(self) -> None:
        conf = [0.8] * 10
        correct = [True] * 8 + [False] * 2
        assert expected_calibration_error(conf, correct)[0] == pytest.approx(0.0)

    def test_rejects_out_of_range(self) -> None:
        with pytest.raises(InvalidInputError):
            expected_calibration_error([1.2], [True])


    def test_ece_scores_the_top_label_not_the_rejection(self) -> None:
        # two messages, both rejected as oos; the top intent was right for the first only
        rep = report_from_predictions(["x", "y"], ["a", "oos"], ["oos", "oos"], [0.6, 0.6], oos_label="oos", top_labels=["a", "b"])
        # one bin with conf 0.6, accuracy 1/2 -> ECE 0.1; the decisions' accuracy is 1/2 too but counts "y" right
        assert rep.ece == pytest.approx(0.1)
        assert rep.oos is not None and rep.oos.in_scope_accuracy == 0.0 and rep.oos.oos_recall == 1.0


class TestOutOfScopeAndEntities:
    def test_oos_metrics(self) -> None:
        gold = ["a", "b", "b", "oos", "oos", "oos"]
        pred = ["a", "oos", "b", "oos", "a", "oos"]
        m = oos_metrics(gold, pred, "oos")
        # in-scope: a right, b rejected (an error), b right -> 2/3; oos: 2 of 3 rejected; 3 rejections, 2 right
        assert (m.in_scope_accuracy, m.oos_recall, m.oos_precision, m.in_scope_rejected) == pytest.approx((2 / 3, 2 / 3, 2 / 3, 1 / 3))
        assert (m.n_in_scope, m.n_oos) == (3, 3)

    def test_entity_exact_match(self) -> None:
        def s(entity: str, start: int, end: int) -> EntitySpan:
            return EntitySpan(entity, start, end, "x" * (end - start))

        pairs = [
            ([s("district", 0, 3), s("date", 5, 9)], [s("district", 0, 3), s("date", 5, 8)]),  # one exact, one boundary miss
            ([s("amount", 2, 6)], [s("amount", 2, 6), s("district", 7, 9)]),  # exact + a spurious one
            ([], []),
        ]
        m = entity_metrics(pairs)
        # tp 2, gold 3, predicted 4
        assert (m.true_positives, m.n_gold, m.n_predicted) == (2, 3, 4)
        assert (m.precision, m.recall, m.f1) == pytest.approx((0.5, 2 / 3, 2 * 0.5 * (2 / 3) / (0.5 + 2 / 3)))
        assert m.per_type["district"].precision == pytest.approx(0.5) and m.per_type["district"].recall == 1.0
        assert m.per_type["date"].f1 == 0.0 and m.per_type["amount"].f1 == 1.0

    def test_wrong_type_same_span_is_a_miss(self) -> None:
        m = entity_metrics([([EntitySpan("date", 0, 2, "12")], [EntitySpan("amount", 0, 2, "12")])])
        assert m.true_positives == 0 and m.f1 == 0.0


class TestReports:
    def test_write_json_and_png(self, tmp_path: Path) -> None:
        rep = report_from_predictions([f"t{i}" for i in range(6)], GOLD, PRED, [0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
        paths = write_report(rep, tmp_path, {"dataset": "tiny"})
        data = json.loads(paths["json"].read_text(encoding="utf-8"))
        assert data["dataset"] == "tiny" and data["confusion"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
        assert data["worst_confusions"][0] == {"gold": "a", "predicted": "b", "count": 1}
        assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    def test_cross_validate_on_separable_vectors(self) -> None:
        from assistant.nlu.classifier import IntentClassifier, IntentClassifierConfig

        class Fixed:
            """Stands in for the embedder: cross_validate gets the vectors, so it never embeds."""

            name, dim = "fixed", 2

            def embed_queries(self, texts: list[str]) -> np.ndarray:
                raise AssertionError("vectors were given; nothing should be embedded")

        rng = np.random.default_rng(0)
        centres = {"a": (1.0, 0.0), "b": (0.0, 1.0), "c": (-1.0, -1.0)}
        ex = [TrainingExample(f"{lab} {i}", lab) for lab in centres for i in range(10)]
        X = np.array([centres[e.intent] for e in ex]) + rng.normal(0, 0.05, (30, 2))
        cfg = IntentClassifierConfig(lexical=False)
        res = cross_validate(lambda: IntentClassifier(Fixed(), cfg), ex, X, k=5)  # type: ignore[arg-type]
        assert res["k"] == 5 and len(res["folds"]) == 5
        assert sum(f["n"] for f in res["folds"]) == 30
        assert res["mean"]["accuracy"] == 1.0

    def test_cross_validate_needs_k_examples_per_intent(self) -> None:
        ex = [TrainingExample("x", "a")] * 5 + [TrainingExample("y", "b")] * 2
        with pytest.raises(InvalidInputError, match="fewer than 3"):
            cross_validate(lambda: None, ex, np.zeros((7, 2)), k=3)  # type: ignore[arg-type,return-value]
