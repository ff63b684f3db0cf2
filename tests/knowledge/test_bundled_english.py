"""English questions on the bundled corpus, which mixes English pages with Korean ones.

The rerank stage's character-bigram overlap is high between an English question and any English page (common
English bigrams), so adding it to the English pages' scores put every English page above a Korean document that
answers the question ("Is there rent support for young people?" answered with 전세임대주택 while 안양 and 옥천 run
청년 월세 지원, which have no English page). The expected services are read from knowledge/ko/*-youth-rent.md.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.knowledge.retriever import HybridRetriever

RENT = {"383000000113", "443000000661"}  # knowledge/ko/anyang-youth-rent.md, okcheon-youth-rent.md


@pytest.mark.parametrize(("question", "within"), [("Is there rent support for young people?", 1),
                                                  ("Can young people get help with their monthly rent?", 3)])
def test_an_english_question_finds_the_korean_rent_programmes(bundled_router, question: str, within: int) -> None:  # type: ignore[no-untyped-def]
    retriever: HybridRetriever = bundled_router.retriever
    hits = retriever.run(question, k=5).hits
    assert {h.doc.service_id for h in hits[:within]} & RENT, [h.doc.title for h in hits]


def test_the_fault_was_the_language_lift(bundled_router) -> None:  # type: ignore[no-untyped-def]
    retriever: HybridRetriever = bundled_router.retriever
    lifted = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer,
                             config=replace(retriever.config, rerank_language_slots=False), glossary=retriever.glossary)
    hits = lifted.run("Is there rent support for young people?", k=5).hits
    assert hits[0].doc.language == "en" and hits[0].doc.service_id not in RENT


def test_an_english_question_with_an_english_page_still_gets_it(bundled_router) -> None:  # type: ignore[no-untyped-def]
    """The service's English page answers: since s19 (each glossary phrase counted once, ``translated_scoring``) the
    service's Korean page may rank as the hit, its English page then an alternate, and the composer quotes the page in
    the question's language either way."""
    result = bundled_router.retriever.run("Who can get the energy voucher?", k=5)
    top = result.hits[0]
    assert top.doc.service_id == "B55353000001"
    assert "en" in {d.language for d in (top.doc, *top.alternates) if d.service_id == "B55353000001"}
    quoted = bundled_router.composer._pick_doc(result)
    assert quoted.service_id == "B55353000001" and quoted.language == "en"
