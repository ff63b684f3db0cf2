"""The retriever's region preference on a small corpus of one programme run by several regions and the nation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.knowledge.documents import Document, Section
from assistant.knowledge.glossary import Glossary
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.region_preference import Place
from assistant.knowledge.retriever import HybridRetriever, RetrieverConfig
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings


def _rent(doc_id: str, title: str, agency: str, where: str) -> Document:
    return Document(doc_id, title, agency, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    (Section("지원대상", f"{where}에 거주하는 19~34세 무주택 청년"),
                     Section("지원내용", "월 임차료 최대 20만원, 최대 12개월 청년 월세 지원")), {"service_id": doc_id})


DOCS = [
    _rent("R1", "청년 월세 지원", "충청북도 옥천군", "옥천군"),
    _rent("R2", "안양 청년 월세 지원", "경기도 안양시", "안양시"),
    _rent("R3", "청년 월세 지원사업", "충청남도 예산군", "예산군"),
    _rent("R4", "청년월세 한시 특별지원", "국토교통부", "전국"),
    Document("E1", "Energy voucher", "Ministry of Climate, Energy and Environment", "https://example.org/e1", "en", "2026-01-01",
             "bundled", (Section("Who is eligible", "Households on livelihood benefits with an elderly or disabled member"),
                         Section("What you get", "A card that pays part of the heating and cooling bills")), {"service_id": "E1"}),
    Document("E2", "Child-care service", "Ministry of Gender Equality and Family", "https://example.org/e2", "en", "2026-01-01",
             "bundled", (Section("Who is eligible", "Families with children under 12 where both parents work"),
                         Section("What you get", "A sitter comes to your home and looks after the children")),
             {"service_id": "E2"}),
]
REGION = RetrieverConfig(w_region_match=0.3, w_region_other=0.3)


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, embedder) -> HybridRetriever:  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path_factory.mktemp("regions"))
    import_documents(s, "gov24", DOCS[:4], embedder, progress=False)
    import_documents(s, "bundled", DOCS[4:], embedder, progress=False)
    glossary = Glossary({"rent": ["월세"], "young people": ["청년"], "support": ["지원"]})
    return HybridRetriever(load_index(s.index_dir), embedder, KoreanTokenizer(), config=REGION, glossary=glossary)


def _ids(retriever: HybridRetriever, query: str, **kw: object) -> list[str]:
    return [h.doc.doc_id for h in retriever.run(query, k=6, **kw).hits]  # type: ignore[arg-type]


def test_a_named_region_ranks_its_programme_then_the_national_one(retriever: HybridRetriever) -> None:
    res = retriever.run("충남 예산 사는데 청년 월세 지원 받을 수 있어요?", k=6)
    assert res.places == (Place("충청남도", "예산군"),)
    ids = [h.doc.doc_id for h in res.hits if h.doc.language == "ko"]
    assert ids[:2] == ["R3", "R4"]


def test_the_conversation_region_counts_when_the_question_names_none(retriever: HybridRetriever) -> None:
    ids = [d for d in _ids(retriever, "청년 월세 지원 있나요?", region="충청북도 옥천군") if d.startswith("R")]
    assert ids[:2] == ["R1", "R4"]
    # the question's own place wins over the conversation's
    ids = [d for d in _ids(retriever, "안양에 사는 청년인데 월세 지원 있어요?", region="충청북도 옥천군") if d.startswith("R")]
    assert ids[:2] == ["R2", "R4"]


def test_a_region_word_read_as_a_common_word_prefers_nothing(retriever: HybridRetriever) -> None:
    res = retriever.run("예산 범위에서 청년 월세 지원 해주나요?", k=6)
    assert res.places == ()
    plain = replace(retriever.config, w_region_match=0.0, w_region_other=0.0)
    other = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer, config=plain, glossary=retriever.glossary)
    assert [h.doc.doc_id for h in res.hits] == _ids(other, "예산 범위에서 청년 월세 지원 해주나요?")


def test_an_english_question_names_its_place_in_english(retriever: HybridRetriever) -> None:
    """s24: the Korean reader reads no romanised name; an English question's place is read in English."""
    res = retriever.run("I live in Yesan, South Chungcheong. Is there rent support for young people?", k=6)
    assert res.places == (Place("충청남도", "예산군"),)
    assert [h.doc.doc_id for h in res.hits if h.doc.language == "ko"][:2] == ["R3", "R4"]
    res = retriever.run("My son lives in Anyang. Rent support for young people?", k=6)
    assert (res.places, [h.doc.doc_id for h in res.hits if h.doc.language == "ko"][:2]) == ((Place("경기도", "안양시"),), ["R2", "R4"])


def test_english_words_that_only_sound_like_a_place_name_none(retriever: HybridRetriever) -> None:
    assert retriever.run("From now on, is there rent support for young people?", k=6).places == ()  # now + on ≠ 노원구
    off = replace(retriever.config, english_places=False)
    other = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer, config=off, glossary=retriever.glossary)
    assert other.run("I live in Yesan, South Chungcheong. Rent support for young people?", k=6).places == ()
