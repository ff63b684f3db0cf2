"""A colloquial word counts once in BM25: its best way of saying it, not every catalogue synonym summed.

The fault (session 9): "돌아가" → 사망, 유족, 장례 searched as three terms of their own, so a funeral-grant document that
says all three outscored, lexically, the service the question asked for (재산 조회), and the answerability gate's margin
fell below the cut on the real catalogue: "아버지가 돌아가셨는데 재산이 뭐 있는지 한번에 알아보는 방법 있어요?" abstained.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.glossary import ColloquialGlossary
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import HybridRetriever, RetrieverConfig
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings

GLOSSARY = ColloquialGlossary({"돌아가": ["사망", "유족", "장례"]})
QUESTION = "아버지가 돌아가셨는데 재산 조회 방법"


def _doc(doc_id: str, title: str, *sections: tuple[str, str]) -> Document:
    return Document(doc_id, title, "행정안전부", f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    tuple(Section(name, text) for name, text in sections), {"service_id": doc_id})


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, embedder) -> HybridRetriever:  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path_factory.mktemp("colloquial-scoring"))
    docs = [
        _doc("P1", "안심상속 재산 조회 통합처리", ("지원대상", "상속인"), ("지원내용", "재산 조회를 한 번에 신청")),
        _doc("F1", "유족 장례비 지원", ("지원대상", "사망한 보훈대상자의 유족"), ("지원내용", "장례비와 사망 위로금 지급, 유족 장례 지원")),
        _doc("X1", "청년 월세 지원", ("지원대상", "무주택 청년"), ("지원내용", "월세 지원")),
    ]
    import_documents(settings, "gov24", docs, embedder, progress=False)
    return HybridRetriever(load_index(settings.index_dir), embedder, KoreanTokenizer(), colloquial=GLOSSARY)


def test_a_group_scores_its_best_alternative(retriever: HybridRetriever) -> None:
    bm25 = retriever.index.bm25
    plain = ["재산", "조회"]
    groups = [[("사망",), ("유족",), ("장례",)]]
    got = retriever._lexical(plain, bm25, None, groups)
    each = np.stack([bm25.get_scores([t]) for t in ("사망", "유족", "장례")])
    expected = bm25.get_scores(["재산"]) + bm25.get_scores(["조회"]) + each.max(axis=0)
    assert got and all(v == pytest.approx(expected[row], rel=1e-5) for row, v in got.items())
    assert set(got) == {int(i) for i in np.flatnonzero(expected > 0)}
    # summing the synonyms instead gives a row that holds all three more than its best one
    assert each.sum(axis=0).max() > each.max(axis=0).max()


def test_the_expansion_does_not_outweigh_the_question(retriever: HybridRetriever) -> None:
    best = retriever.run(QUESTION, k=3)
    assert best.expansions == (("돌아가", ("사망", "유족", "장례")),)
    lexical = {h.doc.doc_id: h.lexical for h in best.hits}
    assert lexical["P1"] > lexical["F1"]
    assert best.hits[0].doc.doc_id == "P1"
    # the summed form (the fault) lets the funeral grant, which says 사망, 유족 and 장례, outscore it lexically
    summed = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer,
                             replace(RetrieverConfig(), expansion_scoring="sum"), colloquial=GLOSSARY).run(QUESTION, k=3)
    lexical_sum = {h.doc.doc_id: h.lexical for h in summed.hits}
    assert lexical_sum["F1"] > lexical_sum["P1"]


def test_a_word_said_twice_counts_twice(retriever: HybridRetriever) -> None:
    once = retriever.run("돌아가셨어요 재산", k=3)
    twice = retriever.run("돌아가셨어요 돌아가신 분 재산", k=3)
    assert once.terms.count("돌아가") == 1 and twice.terms.count("돌아가") == 2
    f1_once = next(h.lexical for h in once.hits if h.doc.doc_id == "F1")
    f1_twice = next(h.lexical for h in twice.hits if h.doc.doc_id == "F1")
    assert f1_twice > f1_once


@pytest.mark.slow
def test_inheritance_question_is_answered_on_the_real_catalogue(gov24_router) -> None:  # type: ignore[no-untyped-def]
    """The regression on the 1,097-service catalogue: answered, citing 안심상속 (사망자 재산조회 통합처리)."""
    out = gov24_router.handle(UserMessage("t", "아버지가 돌아가셨는데 재산이 뭐 있는지 한번에 알아보는 방법 있어요?", "cli")).to_json()
    assert out["citations"], out["text"]
    assert out["citations"][0]["doc_id"] == "174000000013"  # 사망자 및 피후견인 재산조회 통합처리 신청(안심상속서비스), 행정안전부

