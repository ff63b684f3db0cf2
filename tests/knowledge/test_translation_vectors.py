"""An English question's translation vector (s25): embedded with the question in one batch, kept by its text, so a
turn that runs the same question several times (the region's ranking, the judged one, the wider searches) embeds the
translation once, and every run ranks exactly as with a fresh embedding; and the composer's document terms, read at
warm-up."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.knowledge.documents import Document, Section
from assistant.knowledge.glossary import Glossary
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import HybridRetriever
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed as queries."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.name, self.dim, self.texts = inner, inner.name, inner.dim, []

    def warm_up(self) -> None:
        self.inner.warm_up()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)


def _doc(sid: str, title: str, target: str, content: str) -> Document:
    return Document(sid, title, "기관", f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}", "ko", "2026-01-01", "gov24",
                    (Section("지원대상", target), Section("지원내용", content)), {"service_id": sid})


DOCS = [_doc("A1", "청년 월세 지원", "부모와 따로 사는 무주택 청년", "월세를 최대 12개월 지원"),
        _doc("A2", "에너지바우처", "생계급여 수급 가구", "여름과 겨울 냉난방비를 지원"),
        _doc("A3", "출산지원금", "아이를 낳은 가정", "출산 가정에 지원금을 드립니다")]
GLOSSARY = Glossary({"rent": ["월세"], "young people": ["청년"], "heating": ["난방", "난방비"]})


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path_factory.mktemp("translation-vectors"))
    import_documents(s, "gov24", DOCS, embedder, progress=False)
    return load_index(s.index_dir)


def test_the_translation_is_embedded_once_and_ranks_as_a_fresh_one(index, embedder) -> None:  # type: ignore[no-untyped-def]
    counting = CountingEmbedder(embedder)
    r = HybridRetriever(index, counting, KoreanTokenizer(), glossary=GLOSSARY)
    question = "Rent support for young people"
    first = r.run(question, k=3)
    assert counting.texts == [question, "월세 청년"]  # one batch: the question, then its translation
    vector = embedder.embed_queries([question])[0]
    again = [r.run(question, k=3, query_vector=vector) for _ in range(3)]
    assert counting.texts == [question, "월세 청년"]  # nothing embedded again
    fresh = HybridRetriever(index, embedder, KoreanTokenizer(), glossary=GLOSSARY).run(question, k=3, query_vector=vector)
    for res in [first, *again]:
        assert [(h.doc.doc_id, round(h.score, 6)) for h in res.hits] == [(h.doc.doc_id, round(h.score, 6)) for h in fresh.hits]
    assert first.hits[0].doc.doc_id == "A1"


def test_a_korean_question_embeds_itself_only_and_the_cache_is_bounded(index, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import assistant.knowledge.retriever as retriever_module

    monkeypatch.setattr(retriever_module, "TRANSLATION_VECTOR_CACHE", 2)
    counting = CountingEmbedder(embedder)
    r = HybridRetriever(index, counting, KoreanTokenizer(), glossary=GLOSSARY)
    r.run("청년 월세 지원", k=3)
    assert counting.texts == ["청년 월세 지원"]
    for q in ["rent help", "heating help", "young people help"]:
        r.run(q, k=3)
    assert list(r._translation_vectors) == ["난방 난방비", "청년"]  # the two most recent, "월세" dropped first


def test_the_composer_reads_every_documents_terms_at_warm_up(index) -> None:  # type: ignore[no-untyped-def]
    """AnswerComposer.warm_up analyses every document once (s25: the first question citing a catalogue page paid
    ~10 ms for it), with the terms the lazy reading gives."""
    from assistant.knowledge.composer import AnswerComposer

    warm = AnswerComposer(index, KoreanTokenizer())
    warm.warm_up()
    assert set(warm._doc_terms) == {"A1", "A2", "A3"}
    lazy = AnswerComposer(index, KoreanTokenizer())
    assert {d: lazy._terms_of(d) for d in ("A1", "A2", "A3")} == warm._doc_terms
    assert {"월세", "청년"} <= warm._doc_terms["A1"]
