"""``RetrieverConfig.english_coverage_phrases`` (opt-in, s27): the ranking's lexical weight of a chatty English question.

By default an English question's ranking weight is ``w_lex_english`` x (distinct translated terms the index knows /
distinct English words), so a long question that names its topic in three glossary phrases among fifteen words keeps
a fifth of the weight. With ``english_coverage_phrases`` = n the share is at least min(1, phrases said / n). The
expected weights are computed here from the result's own terms and the config's numbers.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.knowledge.index import load_index
from assistant.knowledge.retriever import HybridRetriever, RetrieverConfig
from assistant.nlu.tokenizer import KoreanTokenizer

#: bench/citizen_questions_en_dev2.yaml e021 (a dev set), on the catalogue: Korean pages only, so the share of words is
#: translated terms known / English words
QUESTION = ("I keep bees and lost a big chunk of my colonies over the winter. Buying new bees and hives is expensive. "
            "Is there support for beekeepers to rebuild?")


@pytest.fixture(scope="module")
def index(gov24_settings):  # type: ignore[no-untyped-def]
    return load_index(gov24_settings.index_dir)


def _run(index, embedder, **overrides):  # type: ignore[no-untyped-def]
    cfg = replace(RetrieverConfig(), **overrides)
    return HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run(QUESTION, k=5)


def test_by_default_the_weight_is_the_share_of_words(index, embedder) -> None:  # type: ignore[no-untyped-def]
    r = _run(index, embedder)
    assert r.language == "en" and r.translated_terms
    share = len(set(r.known_terms)) / len(set(r.terms))
    assert 0 < share < 0.5  # a chatty question: most of its words are no glossary phrase
    assert r.lexical_weight == pytest.approx(RetrieverConfig().w_lex_english * share)


def test_phrases_said_raise_the_weight_of_a_chatty_question(index, embedder) -> None:  # type: ignore[no-untyped-def]
    base = _run(index, embedder)
    said = {p for p, terms in base.translations if any(t in index.vocabulary for t in terms)}
    assert len(said) >= 2
    w = RetrieverConfig().w_lex_english
    assert _run(index, embedder, english_coverage_phrases=1).lexical_weight == pytest.approx(w)
    n = 2 * len(said)
    assert _run(index, embedder, english_coverage_phrases=n).lexical_weight == pytest.approx(w * 0.5)
    # never below the share of words
    assert _run(index, embedder, english_coverage_phrases=1000).lexical_weight == pytest.approx(base.lexical_weight)


def test_a_korean_question_is_never_affected(index, embedder) -> None:  # type: ignore[no-untyped-def]
    q = "벌 키우는데 겨울 나고 나니 벌이 절반 넘게 죽었어요. 벌통 사는 데 보조받을 수 있을까요?"
    cfg = RetrieverConfig()
    a = HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run(q, k=5)
    b = HybridRetriever(index, embedder, KoreanTokenizer(), replace(cfg, english_coverage_phrases=1)).run(q, k=5)
    assert a.lexical_weight == b.lexical_weight and [h.doc.doc_id for h in a.hits] == [h.doc.doc_id for h in b.hits]
