"""Which chunks get an embedding (assistant/knowledge/chunking.py)."""

from __future__ import annotations

from assistant.knowledge.chunking import chunk_document
from assistant.knowledge.documents import Document, Section


def _doc(source: str, *sections: tuple[str, str]) -> Document:
    return Document("SVC1", "청년 월세 지원", "국토교통부", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/SVC1", "ko",
                    "2026-01-01", source, tuple(Section(n, t) for n, t in sections))


def _embedded(doc: Document) -> dict[str, bool]:
    return {c.section: c.dense for c in chunk_document(doc)}


def test_a_catalogue_service_embeds_its_title_who_it_is_for_and_what_one_gets_only() -> None:
    """The purpose fields (서비스목적요약, 서비스목적) stay lexical only (s25: as dense rows of their own, these one-line
    restatements drew broad-topic questions away from the pages that answer them); so does how to apply."""
    doc = _doc("gov24", ("서비스목적요약", "청년의 주거비 부담을 덜어줍니다"), ("서비스목적", "무주택 청년에게 월세를 지원"),
               ("지원대상", "만 19~34세 무주택 청년"), ("지원내용", "월 최대 20만원, 12개월"), ("신청방법", "복지로 온라인 신청"))
    assert _embedded(doc) == {"서비스명": True, "서비스목적요약": False, "서비스목적": False, "지원대상": True,
                              "지원내용": True, "신청방법": False}


def test_only_the_first_piece_of_a_long_catalogue_field_is_embedded() -> None:
    long_text = "무주택 청년에게 월세를 지원합니다. " * 60  # ~1,200 characters: several 600-character pieces
    chunks = [c for c in chunk_document(_doc("gov24", ("지원대상", long_text))) if c.section == "지원대상"]
    assert len(chunks) > 1
    assert [c.dense for c in chunks] == [True] + [False] * (len(chunks) - 1)


def test_a_document_outside_the_catalogue_embeds_the_first_two_pieces_of_each_section() -> None:
    doc = _doc("bundled", ("서비스목적요약", "요약"), ("본문", "내용 " * 400))
    dense = [(c.section, c.dense) for c in chunk_document(doc)]
    assert dense[:4] == [("서비스명", True), ("서비스목적요약", True), ("본문", True), ("본문", True)]
    assert all(not d for _s, d in dense[4:]) and len(dense) > 4
