"""An English question's glossary phrase counts once in BM25: its best way of saying it (s19, issue 2).

The fault (s18 report): on a pool of Korean and English pages (the bundled corpus) an English page scored the words
of a glossary phrase one by one ("monthly" of "monthly rent" without "rent", "young" + "people"), while a Korean
page scored the phrase's translation: "Is there monthly rent support for young people?" ranked the English page of
청년내일저축계좌 (monthly savings for young people) above the two youth-rent pages and abstained. Now each phrase is a
group of alternatives (:attr:`RetrieverConfig.translated_scoring`): its English words, on a row that holds all of
them (:class:`AllWords`), or its Korean translation (``phrase``, shipped: all its Korean terms summed, as before;
``best``: one Korean word at a time).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.knowledge.documents import Document, Section
from assistant.knowledge.glossary import Glossary
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import AllWords, HybridRetriever, RetrieverConfig
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings

GLOSSARY = Glossary({"monthly rent": ["월세"], "young people": ["청년"], "support": ["지원"]})
QUESTION = "Is there monthly rent support for young people?"
BM25 = RetrieverConfig(mode="bm25")


def _doc(doc_id: str, title: str, language: str, *sections: tuple[str, str]) -> Document:
    return Document(doc_id, title, "보건복지부", f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", language, "2026-01-01",
                    "gov24", tuple(Section(name, text) for name, text in sections), {"service_id": doc_id})


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, embedder) -> HybridRetriever:  # type: ignore[no-untyped-def]
    """Our own fixture text: a Korean youth-rent page, an English savings page that says "monthly", "young people" and
    "support" but no rent, and an unrelated Korean page; BM25 only, so the ranking is the lexical one."""
    settings = Settings(home=tmp_path_factory.mktemp("translated-phrases"))
    docs = [
        _doc("RENT", "청년 월세 지원", "ko", ("지원대상", "무주택 청년"), ("지원내용", "월세 월 최대 20만원 지원")),
        _doc("SAVE-en", "Youth savings account", "en",
             ("Who is eligible", "Young people who work"),
             ("What you get", "Monthly matching support: the government adds to what you save")),
        _doc("X1", "에너지바우처", "ko", ("지원대상", "기초생활수급 가구"), ("지원내용", "난방비 지원")),
    ]
    import_documents(settings, "gov24", docs, embedder, progress=False)
    return HybridRetriever(load_index(settings.index_dir), embedder, KoreanTokenizer(), BM25, glossary=GLOSSARY)


def test_all_words_scores_only_where_every_word_is(retriever: HybridRetriever) -> None:
    bm25 = retriever.index.bm25
    got = retriever._lexical([], bm25, None, [[AllWords(("monthly", "rent"))]])
    assert got == {}  # no row holds "rent": "monthly" alone is no "monthly rent"
    young, people = bm25.get_scores(["young"]), bm25.get_scores(["people"])
    both = retriever._lexical([], bm25, None, [[AllWords(("young", "people"))]])
    expected = np.where((young > 0) & (people > 0), young + people, 0.0)
    assert both and set(both) == {int(i) for i in np.flatnonzero(expected > 0)}
    assert all(v == pytest.approx(expected[row], rel=1e-5) for row, v in both.items())
    # a plain tuple sums what it finds (a Korean word's pieces), as before
    loose = retriever._lexical([], bm25, None, [[("monthly", "rent")]])
    assert loose and all(v == pytest.approx(bm25.get_scores(["monthly"])[row], rel=1e-5) for row, v in loose.items())


@pytest.mark.parametrize("scoring", ["phrase", "best"])
def test_each_phrase_counts_once_by_its_best_alternative(retriever: HybridRetriever, scoring: str) -> None:
    best = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer,
                           replace(BM25, translated_scoring=scoring), glossary=GLOSSARY).run(QUESTION, k=3)
    assert [p for p, _k in best.translations] == ["monthly rent", "support", "young people"]
    assert best.hits[0].doc.doc_id == "RENT", [(h.doc.doc_id, h.lexical) for h in best.hits]
    lexical = {h.doc.doc_id: h.lexical for h in best.hits}
    assert lexical["RENT"] > lexical["SAVE-en"] > 0
    # the summed form (the fault): the English page's "monthly", "young", "people", "support" outscore the rent page
    summed = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer,
                             replace(BM25, translated_scoring="sum"), glossary=GLOSSARY).run(QUESTION, k=3)
    assert summed.hits[0].doc.doc_id == "SAVE-en", [(h.doc.doc_id, h.lexical) for h in summed.hits]


def test_the_gate_reads_the_lexical_signals_it_was_fitted_on(retriever: HybridRetriever) -> None:
    """The English gate was fitted with every translated term and English word summed: its lexical signal for a page
    is the same under either scoring (only the ranking changed)."""
    best = {h.doc.doc_id: h.gate_lexical for h in retriever.run(QUESTION, k=3).hits}
    summed = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer,
                             replace(BM25, translated_scoring="sum"), glossary=GLOSSARY).run(QUESTION, k=3)
    assert best == pytest.approx({h.doc.doc_id: h.gate_lexical for h in summed.hits}, rel=1e-6)


def test_phrase_scoring_keeps_a_korean_pages_translation_summed(retriever: HybridRetriever) -> None:
    """``phrase`` scores a Korean page by the whole translation, as ``sum`` did: the rent page's lexical score is the
    same under both (it holds none of the English words), while ``best`` counts one Korean word per phrase."""
    def lexical(scoring: str) -> float:
        r = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer,
                            replace(BM25, translated_scoring=scoring), glossary=Glossary({"youth rent": ["청년", "월세"]}))
        return next(h.lexical for h in r.run("youth rent", k=3).hits if h.doc.doc_id == "RENT")
    assert lexical("phrase") == pytest.approx(lexical("sum"), rel=1e-6)
    assert lexical("best") < lexical("sum")


def test_korean_questions_do_not_take_this_path(retriever: HybridRetriever) -> None:
    summed = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer,
                             replace(BM25, translated_scoring="sum"), glossary=GLOSSARY)
    for text in ("청년 월세 지원 있나요?", "난방비 지원"):
        a, b = retriever.run(text, k=3), summed.run(text, k=3)
        assert [(h.doc.doc_id, h.score) for h in a.hits] == [(h.doc.doc_id, h.score) for h in b.hits]
