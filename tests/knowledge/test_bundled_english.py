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


def _english_pages() -> list[tuple[str, str]]:
    """(title, service id) of every bundled English page, read from knowledge/en/*.md front matter."""
    from pathlib import Path

    import yaml

    out = []
    for path in sorted((Path(__file__).resolve().parents[2] / "knowledge/en").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        out.append((str(meta["title"]), str(meta.get("service_id") or meta.get("doc_id") or "")))
    return out


@pytest.mark.parametrize(("question", "title_start"), [
    # s32 probe: both said "The official service catalogue has this service in Korean only" over their English page
    # (its text writes the Korean names in parentheses, 읍면동 주민센터)
    ("How can I get the Nuri kindergarten fee support?", "Early childhood education fee support"),
    ("Youth tomorrow savings account eligibility", "Youth Tomorrow Savings Account"),
    ("Who can get the energy voucher?", "Energy voucher"),
])
def test_an_english_page_is_not_said_to_be_korean_only(bundled_router, question: str, title_start: str) -> None:  # type: ignore[no-untyped-def]
    from assistant.dialogue.messages import UserMessage
    from assistant.knowledge.composer import KOREAN_QUOTE_NOTE

    assert any(t.startswith(title_start) for t, _id in _english_pages())  # the bundled corpus has its English page
    answer = bundled_router.handle(UserMessage("en-note", question, "rest", {})).answer
    assert answer is not None and not answer.abstained and answer.citations[0].title.startswith(title_start)
    assert KOREAN_QUOTE_NOTE not in answer.text


def test_a_korean_page_quoted_in_english_says_so(bundled_router) -> None:  # type: ignore[no-untyped-def]
    """The note stays where it is true: 연탄쿠폰 has no English page (knowledge/ko/briquette-coupon.md only)."""
    from assistant.dialogue.messages import UserMessage
    from assistant.knowledge.composer import KOREAN_QUOTE_NOTE

    assert not any("연탄" in t or "riquette" in t for t, _id in _english_pages())
    answer = bundled_router.handle(UserMessage("en-note-2", "Who can get the briquette coupon?", "rest", {})).answer
    assert answer is not None and not answer.abstained and "연탄" in answer.citations[0].title
    assert answer.text.count(KOREAN_QUOTE_NOTE) == 1
