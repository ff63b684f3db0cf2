"""The retriever's rerank stage (whole-query character-bigram overlap) on a tiny corpus."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from assistant.knowledge.chunking import chunk_document, dense_text
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import CharOverlapReranker, HybridRetriever, RetrieverConfig
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings


def _doc(doc_id: str, agency: str, benefit: str) -> Document:
    return Document(doc_id, "청년 월세 지원", agency, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    (Section("지원대상", "무주택 청년 1인 가구"), Section("지원내용", benefit)), {"service_id": doc_id})


#: The same programme run by three local governments; only the amounts differ (the case the rerank is for).
CORPUS = [
    _doc("R1", "경기도 안양시", "청년에게 월 20만원의 월세를 최대 12개월 지원"),
    _doc("R2", "경기도 수원시", "청년에게 월 30만원의 월세를 최대 10개월 지원"),
    _doc("R3", "서울특별시", "청년에게 월 10만원의 월세를 최대 12개월 지원"),
    Document("E1", "Youth rent support", "Seoul", "https://example.org/e1", "en", "2026-01-01", "bundled",
             (Section("Who", "young people renting alone"), Section("What", "up to 200,000 won a month for rent")), {}),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, embedder) -> Settings:  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path_factory.mktemp("rerank"))
    import_documents(s, "gov24", CORPUS[:3], embedder, progress=False)
    import_documents(s, "bundled", CORPUS[3:], embedder, progress=False)
    return s


def _bigrams(text: str) -> set[str]:
    s = "".join(text.lower().split())
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _expected_overlap(query: str, doc_id: str) -> float:
    """The documented formula computed directly from the documents' chunks with Python sets."""
    chunk_grams = {d.doc_id: set().union(*(_bigrams(c.text) for c in chunk_document(d))) for d in CORPUS}
    n = len(CORPUS)

    def idf(g: str) -> float:
        df = sum(g in grams for grams in chunk_grams.values())
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    q = _bigrams(query)
    return sum(idf(g) for g in q & chunk_grams[doc_id]) / sum(idf(g) for g in q)


def test_overlap_is_the_idf_weighted_share_of_query_bigrams(settings: Settings) -> None:
    rr = CharOverlapReranker(load_index(settings.index_dir))
    query = "청년 월 30만원 월세 지원 (수원)"  # "(수" and "원)" occur in no document: they count against every one
    got = rr.scores(query, ["R1", "R2", "R3", "E1", "missing"])
    for d in ("R1", "R2", "R3", "E1"):
        assert got[d] == pytest.approx(_expected_overlap(query, d), rel=1e-9)
    assert got["missing"] == 0.0
    assert got["R2"] > got["R1"] > 0 and got["R2"] < 1.0
    assert rr.scores("a", ["R1"]) == {"R1": 0.0}  # no bigram at all


def test_rerank_puts_the_document_with_the_questions_amount_first(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    index = load_index(settings.index_dir)
    retriever = HybridRetriever(index, embedder, KoreanTokenizer())
    res = retriever.run("청년에게 월세 월 30만원 최대 10개월 지원", k=5)
    top = res.hits[0]
    assert top.doc.doc_id == "R2"
    by_id = {h.doc.doc_id: h for h in res.hits}
    korean = [h for h in res.hits if h.doc.language == "ko"]
    w = retriever.config.w_field_overlap
    if any(h.doc.language != "ko" for h in res.hits):
        # a pool that mixes languages (E1 is English): the query-language documents are reordered by fused + w *
        # overlap among the places their fused scores held (rerank_language_slots), so another language's page keeps
        # its place against them
        assert sorted(h.score for h in korean) == pytest.approx(sorted(h.fused for h in korean))
        assert [h.doc.doc_id for h in korean] == [h.doc.doc_id for h in sorted(korean, key=lambda h: -(h.fused + w * h.field_overlap))]
    else:
        for h in res.hits:  # score = fused + w * overlap for documents in the query's language
            assert h.score == pytest.approx(h.fused + w * h.field_overlap)
    assert [h.score for h in res.hits] == sorted((h.score for h in res.hits), reverse=True)
    assert by_id["R2"].field_overlap > by_id["R1"].field_overlap
    assert "E1" not in by_id or by_id["E1"].field_overlap == 0.0  # another language is never reranked


def test_rerank_off_and_other_modes_leave_the_fused_order(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    index = load_index(settings.index_dir)
    for cfg in (RetrieverConfig(w_field_overlap=0.0), replace(RetrieverConfig(), mode="bm25"), replace(RetrieverConfig(), mode="dense")):
        hits = HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run("청년 월 30만원 월세", k=5).hits
        assert all(h.field_overlap == 0.0 and h.score == h.fused for h in hits)


def test_english_question_is_not_reranked_against_korean_documents(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    retriever = HybridRetriever(load_index(settings.index_dir), embedder, KoreanTokenizer())
    res = retriever.run("rent support of 300,000 won a month for young people", k=5)
    assert res.language == "en"
    assert all(h.field_overlap == 0.0 for h in res.hits if h.doc.language == "ko")



def test_lexical_second_adds_the_second_best_chunk(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    index = load_index(settings.index_dir)
    cfg = RetrieverConfig(mode="bm25", w_doc_lex=0.0, lexical_second=0.5)
    hits = HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run("청년 월세 지원 월 30만원", k=5).hits
    assert hits
    for h in hits:
        raw = sorted((c.lexical for c in h.chunks if c.lexical > 0), reverse=True)
        assert len(raw) >= 2  # title, target and benefit chunks all match
        assert h.lexical == pytest.approx(raw[0] + 0.5 * raw[1])
    plain = HybridRetriever(index, embedder, KoreanTokenizer(), replace(cfg, lexical_second=0.0)).run("청년 월세 지원 월 30만원", k=5).hits
    assert all(h.lexical == pytest.approx(max(c.lexical for c in h.chunks)) for h in plain)


def test_gate_reads_the_best_chunk_when_a_second_chunk_ranks(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    """With ``lexical_second`` the ranking adds a second BM25 chunk, but the gate's view (gate_lexical, its rank and the
    fused score) is the fusion without it: the same values the plain configuration gives for the same documents."""
    index = load_index(settings.index_dir)
    q = "청년 월세 지원 월 30만원"
    cfg = RetrieverConfig(w_doc_lex=0.0, lexical_second=0.5)
    second = {h.doc.doc_id: h for h in HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run(q, k=5).hits}
    plain = {h.doc.doc_id: h for h in HybridRetriever(index, embedder, KoreanTokenizer(), replace(cfg, lexical_second=0.0)).run(q, k=5).hits}
    assert set(second) == set(plain)
    assert sum(h.doc.language == "ko" for h in second.values()) == 3
    for d, h in second.items():
        raw = sorted((c.lexical for c in h.chunks if c.lexical > 0), reverse=True) or [0.0]
        if h.doc.language == "ko":  # title, target and benefit chunks all match
            assert len(raw) >= 2 and h.lexical == pytest.approx(raw[0] + 0.5 * raw[1]) and h.gate_lexical == pytest.approx(raw[0])
        else:
            assert h.lexical == h.gate_lexical == 0.0
        assert h.gate_lexical == pytest.approx(plain[d].lexical)
        assert h.gate_lexical_rank == plain[d].lexical_rank and h.gate_fused == pytest.approx(plain[d].fused)
        # without a second chunk counting, the gate's view is the ranking's
        assert (plain[d].gate_lexical, plain[d].gate_lexical_rank, plain[d].gate_fused) == (plain[d].lexical, plain[d].lexical_rank,
                                                                                            plain[d].fused)


def test_answerability_signals_ignore_the_second_chunk(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    """The composer's bm25, agreement and margin signals for the same top document are those of the plain fusion."""
    from assistant.knowledge.composer import AnswerComposer

    index = load_index(settings.index_dir)
    composer = AnswerComposer(index, KoreanTokenizer(), threshold=0.0)
    q = "월세 30만원 지원받는 청년"
    cfg = RetrieverConfig(lexical_second=1.0)
    res_second = HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run(q, k=5)
    res_plain = HybridRetriever(index, embedder, KoreanTokenizer(), replace(cfg, lexical_second=0.0)).run(q, k=5)
    assert res_second.hits[0].lexical > res_plain.hits[0].lexical  # the ranking's BM25 is larger
    assert res_second.hits[0].doc.doc_id == res_plain.hits[0].doc.doc_id == "R2"
    s2, s1 = composer.answerability(res_second)[1], composer.answerability(res_plain)[1]
    for name in ("bm25", "agree", "margin", "dense", "overlap"):
        assert s2[name] == pytest.approx(s1[name]), name


def _doc_bigrams(doc_id: str) -> set[str]:
    doc = next(d for d in CORPUS if d.doc_id == doc_id)
    return set().union(*(_bigrams(c.text) for c in chunk_document(doc)))


def test_similarity_is_the_jaccard_of_the_documents_bigram_sets(settings: Settings) -> None:
    rr = CharOverlapReranker(load_index(settings.index_dir))
    ids = ["R1", "R2", "R3", "E1", "missing"]
    sim = rr.similarity(ids)
    for i, a in enumerate(ids[:4]):
        for j, b in enumerate(ids[:4]):
            ga, gb = _doc_bigrams(a), _doc_bigrams(b)
            assert sim[i, j] == pytest.approx(len(ga & gb) / len(ga | gb), rel=1e-9), (a, b)
    assert (sim[4] == 0).all() and (sim[:, 4] == 0).all()
    assert min(sim[0, 1], sim[0, 2], sim[1, 2]) > 0.6 > 0.05 > sim[0, 3]  # one programme's copies are alike; English is not


def test_sibling_overlap_decides_among_copies_of_one_programme(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    """With ``w_sibling_overlap`` each head document gains w x (its overlap - the mean overlap of its siblings, the head
    documents at least ``sibling_similarity`` alike): computed here from the hits' own overlaps and the Jaccard of the
    documents' bigram sets, and the copy that says the question's amount first."""
    index = load_index(settings.index_dir)
    q = "청년에게 월세 월 30만원 최대 10개월 지원"
    cfg = RetrieverConfig(w_sibling_overlap=2.0, sibling_similarity=0.5, rerank_language_slots=False)
    hits = {h.doc.doc_id: h for h in HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run(q, k=5).hits}
    korean = [d for d in ("R1", "R2", "R3") if d in hits]
    assert korean == ["R1", "R2", "R3"]
    for d in korean:
        group = [e for e in korean
                 if len(_doc_bigrams(d) & _doc_bigrams(e)) / len(_doc_bigrams(d) | _doc_bigrams(e)) >= 0.5]
        assert len(group) == 3  # the three copies of one programme are each other's siblings
        mean = sum(hits[e].field_overlap for e in group) / len(group)
        expected = hits[d].fused + cfg.w_field_overlap * hits[d].field_overlap + 2.0 * (hits[d].field_overlap - mean)
        assert hits[d].score == pytest.approx(expected)
    assert max(korean, key=lambda d: hits[d].score) == "R2"
    if "E1" in hits:
        assert hits["E1"].score == pytest.approx(hits["E1"].fused)  # another language: no overlap, no siblings


def test_translated_dense_query_adds_the_glossary_translations_vector(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    """``w_dense_translated``: an English question's dense query is normalise(v(q) + w v(Korean terms)); each Korean
    hit's dense score is then its best chunk's cosine with that vector (the chunks re-embedded here)."""
    from assistant.knowledge.glossary import Glossary

    index = load_index(settings.index_dir)
    glossary = Glossary({"rent": ["월세"], "young people": ["청년"]})
    q = "rent support for young people"
    cfg = RetrieverConfig(w_dense_translated=0.5, dense_second=0.0)
    retriever = HybridRetriever(index, embedder, KoreanTokenizer(), cfg, glossary=glossary)
    v = embedder.embed_queries([q])[0] + 0.5 * embedder.embed_queries(["월세 청년"])[0]
    v = v / math.sqrt(float(v @ v))
    def passages(doc_id: str) -> np.ndarray:  # the vectors the index holds: dense_text of the dense chunks
        doc = next(d for d in CORPUS if d.doc_id == doc_id)
        return embedder.embed_passages([dense_text(doc, c) for c in chunk_document(doc) if c.dense])

    res = retriever.run(q, k=5)
    assert res.translated_terms and res.language == "en"
    korean = [h for h in res.hits if h.doc.language == "ko"]
    assert {h.doc.doc_id for h in korean} == {"R1", "R2", "R3"}
    for h in korean:
        assert h.dense == pytest.approx(float(max(passages(h.doc.doc_id) @ v)), abs=1e-5)
    plain = HybridRetriever(index, embedder, KoreanTokenizer(), replace(cfg, w_dense_translated=0.0), glossary=glossary).run(q, k=5)
    own = embedder.embed_queries([q])[0]
    for h in (h for h in plain.hits if h.doc.language == "ko"):
        assert h.dense == pytest.approx(float(max(passages(h.doc.doc_id) @ own)), abs=1e-5)


def test_title_siblings_are_other_agencies_copies_of_the_title(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    """``sibling_by="title"``: R1-R3 share the title "청년 월세 지원" (Dice 1) under three agencies, so each is the others'
    sibling; the score adds w x (overlap - the three's mean overlap)."""
    index = load_index(settings.index_dir)
    q = "청년에게 월세 월 30만원 최대 10개월 지원"
    cfg = RetrieverConfig(w_sibling_overlap=2.0, sibling_by="title", sibling_similarity=0.99, rerank_language_slots=False)
    hits = {h.doc.doc_id: h for h in HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run(q, k=5).hits}
    mean = sum(hits[d].field_overlap for d in ("R1", "R2", "R3")) / 3
    for d in ("R1", "R2", "R3"):
        assert hits[d].score == pytest.approx(hits[d].fused + hits[d].field_overlap + 2.0 * (hits[d].field_overlap - mean))
