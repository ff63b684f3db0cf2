"""Retriever and composer on a small corpus: one hit per service, language preference, glossary."""

from __future__ import annotations

import re

import pytest

from assistant.knowledge.composer import AnswerComposer
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.glossary import Glossary
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import HybridRetriever
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings

VOUCHER_KO = (Section("지원대상", "생계급여 또는 의료급여 수급 가구 중 노인, 장애인, 영유아가 있는 가구"),
              Section("지원내용", "여름과 겨울 냉난방비를 에너지바우처로 지원합니다"),
              Section("신청방법", "주민센터 방문 신청"))


def _docs() -> tuple[list[Document], list[Document]]:
    catalogue = [
        Document("B1", "에너지바우처", "산업통상부", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/B1", "ko", "2026-01-01", "gov24", VOUCHER_KO,
                 {"service_id": "B1"}),
        Document("C2", "연탄쿠폰", "산업통상부", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/C2", "ko", "2026-01-01", "gov24",
                 (Section("지원대상", "연탄을 사용하는 저소득 가구"), Section("지원내용", "연탄 구입 쿠폰 지급")), {"service_id": "C2"}),
    ]
    bundled = [
        Document("svc-B1", "에너지바우처", "산업통상부", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/B1", "ko", "2026-01-01", "bundled",
                 (Section("지원 대상", "수급 가구 중 노인·장애인·영유아 가구"), Section("신청 방법", "주민센터")), {"service_id": "B1"}),
        Document("svc-B1-en", "Energy voucher (에너지바우처)", "산업통상부", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/B1", "en", "2026-01-01",
                 "bundled", (Section("Who is eligible", "Households receiving livelihood or medical benefits with an elderly, disabled or infant member"),
                             Section("How to apply", "Visit the community centre")), {"service_id": "B1"}),
    ]
    return catalogue, bundled


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path_factory.mktemp("small"))
    catalogue, bundled = _docs()
    import_documents(s, "gov24", catalogue, embedder, progress=False)
    import_documents(s, "bundled", bundled, embedder, progress=False)
    idx = load_index(s.index_dir)
    tok = KoreanTokenizer()
    glossary = Glossary({"heating": ["난방", "난방비"], "energy voucher": ["에너지바우처"], "briquette": ["연탄"]})
    return HybridRetriever(idx, embedder, tok, glossary=glossary), AnswerComposer(idx, tok, threshold=0.0)


def test_one_hit_per_service(parts) -> None:  # type: ignore[no-untyped-def]
    retriever, _ = parts
    hits = retriever.run("에너지바우처 냉난방비 지원", k=5).hits
    sids = [h.doc.service_id for h in hits]
    assert sids[0] == "B1" and len(sids) == len(set(sids))
    assert {d.doc_id for d in [hits[0].doc, *hits[0].alternates]} == {"B1", "svc-B1", "svc-B1-en"}


def test_korean_question_cites_the_catalogue_record(parts) -> None:  # type: ignore[no-untyped-def]
    retriever, composer = parts
    ans = composer.run(retriever.run("에너지바우처 누가 받을 수 있어요?", k=5))
    assert ans.citations[0].doc_id == "B1"


def test_english_question_quotes_the_english_page(parts) -> None:  # type: ignore[no-untyped-def]
    retriever, composer = parts
    ans = composer.run(retriever.run("Who can get the energy voucher for heating?", k=5))
    assert ans.language == "en" and ans.citations[0].doc_id == "svc-B1-en"
    assert "Households receiving livelihood" in ans.text


def test_glossary_gives_english_queries_korean_terms(parts) -> None:  # type: ignore[no-untyped-def]
    retriever, _ = parts
    res = retriever.run("Is there a coupon for briquette heating?", k=5)
    assert "연탄" in res.translated_terms and "난방" in res.translated_terms
    assert res.lexical_weight > 0


def test_glossary_phrases_match_longest_first() -> None:
    g = Glossary({"energy": ["에너지"], "energy voucher": ["에너지바우처"], "voucher": ["바우처"]})
    assert g.translate("the Energy Voucher, and a voucher") == ["에너지바우처", "바우처"]


# --- an English answer quoting the Korean catalogue says so once, in English, above the quotes (task s9-fix item 5) ---

@pytest.fixture(scope="module")
def catalogue_only(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    """The Korean catalogue records alone: an English question can only be answered by quoting Korean text."""
    s = Settings(home=tmp_path_factory.mktemp("small-ko"))
    import_documents(s, "gov24", _docs()[0], embedder, progress=False)
    idx = load_index(s.index_dir)
    tok = KoreanTokenizer()
    glossary = Glossary({"heating": ["난방", "난방비"], "energy voucher": ["에너지바우처"], "briquette": ["연탄"]})
    return HybridRetriever(idx, embedder, tok, glossary=glossary), AnswerComposer(idx, tok, threshold=0.0)


def test_an_english_answer_quoting_korean_text_says_it_once_above_the_quotes(catalogue_only) -> None:  # type: ignore[no-untyped-def]
    from assistant.knowledge.composer import KOREAN_QUOTE_NOTE

    retriever, composer = catalogue_only
    ans = composer.run(retriever.run("Who can get the energy voucher for heating?", k=5))
    assert ans.language == "en" and ans.citations[0].doc_id == "B1"
    assert "[Who is eligible]" in ans.text and "생계급여" in ans.text.split("[", 1)[1]  # Korean under an English heading
    assert ans.text.count(KOREAN_QUOTE_NOTE) == 1
    assert ans.text.index(KOREAN_QUOTE_NOTE) < ans.text.index("\n[")  # above the first quoted section
    assert not re.search(r"[가-힣]", KOREAN_QUOTE_NOTE)
    korean = composer.run(retriever.run("에너지바우처 누가 받을 수 있어요?", k=5))
    assert korean.citations[0].doc_id == "B1" and KOREAN_QUOTE_NOTE not in korean.text


def test_no_note_over_english_quotes(parts) -> None:  # type: ignore[no-untyped-def]
    from assistant.knowledge.composer import KOREAN_QUOTE_NOTE

    retriever, composer = parts
    ans = composer.run(retriever.run("Who can get the energy voucher for heating?", k=5))
    assert ans.citations[0].doc_id == "svc-B1-en" and KOREAN_QUOTE_NOTE not in ans.text
