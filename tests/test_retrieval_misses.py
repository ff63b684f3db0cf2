"""bench/retrieval_gov24.py's miss report: title similarity and the cause given to each known-item miss."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.knowledge.documents import Document, Section
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import HybridRetriever
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from retrieval_gov24 import miss_report, title_dice  # noqa: E402


def test_title_dice_counts_shared_character_bigrams() -> None:
    # 출산장려금지원: 출산 산장 장려 려금 금지 지원 (6); 출산장려금: 출산 산장 장려 려금 (4); shared 4 -> 2*4/10
    assert title_dice("출산장려금 지원", "출산장려금") == pytest.approx(0.8)
    assert title_dice("출산장려금 지원(양평군)", "출산장려금 지원") == 1.0  # the parenthesised part is left out
    assert title_dice("청년 월세 지원", "출산장려금") == 0.0


def _doc(doc_id: str, title: str, agency: str, text: str) -> Document:
    return Document(doc_id, title, agency, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    (Section("지원내용", text),), {"service_id": doc_id})


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, embedder) -> HybridRetriever:  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path_factory.mktemp("misses"))
    import_documents(s, "gov24", [
        _doc("A1", "출산장려금 지원", "경기도 양평군", "둘째 이상 출산 가정에 출산장려금 지급"),
        _doc("A2", "출산장려금 지원", "부산광역시 수영구", "셋째아 출생 시 양육비와 축하 선물 제공, 다자녀 가정 우대"),
        _doc("B1", "청년 월세 지원", "서울특별시", "무주택 청년에게 월 20만원 월세 지원"),
    ], embedder, progress=False)
    return HybridRetriever(load_index(s.index_dir), embedder, KoreanTokenizer())


def test_each_miss_gets_its_cause(retriever: HybridRetriever) -> None:
    shared = "출산 가정에 출산장려금 지급"
    queries = [
        (shared, {"A1"}), (shared, {"A2"}),  # the same text for two services: one of them cannot be first
        ("셋째아 출생 축하 선물과 양육비, 다자녀 우대", {"A1"}),  # A2's own words, target A1: same title, other agency
        ("무주택 청년 월세 20만원", {"A2"}),  # B1 wins: another programme
    ]
    misses = miss_report(retriever, queries)
    by_query = {(m["query"], m["target"]["id"]): m for m in misses}  # type: ignore[index]
    assert sum(m["cause"] == "shared_query" for m in misses) == 1
    same = by_query[("셋째아 출생 축하 선물과 양육비, 다자녀 우대", "A1")]
    assert same["winner"]["id"] == "A2" and same["cause"] == "same_programme_other_agency"  # type: ignore[index]
    other = by_query[("무주택 청년 월세 20만원", "A2")]
    assert other["winner"]["id"] == "B1" and other["cause"] == "other_programme" and other["rank"] in (2, 3)  # type: ignore[index]
    assert len(misses) == 3
