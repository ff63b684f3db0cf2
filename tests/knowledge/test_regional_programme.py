"""Regional variants among the strong hits, not only the top hit's programme (composer.regional_programme)."""

from __future__ import annotations

from assistant.knowledge.composer import regional_programme, regional_variants
from assistant.knowledge.index import DocInfo
from assistant.knowledge.retriever import DocHit


def _hit(doc_id: str, title: str, agency: str, score: float) -> DocHit:
    doc = DocInfo(doc_id, title, agency, f"https://example.org/{doc_id}", "ko", "2026-01-01", "gov24", doc_id)
    return DocHit(doc, score, 0.8, 1.0, 1, 1, ())


NATIONAL = _hit("N1", "건강보험 임신·출산 진료비 지원", "보건복지부", 1.0)
BIRTH = [_hit("B1", "출산장려금 지원", "경기도 의정부시", 0.95), _hit("B2", "인제군 출산장려금 지원", "강원특별자치도 인제군", 0.9),
         _hit("B3", "출산장려금 지원", "부산광역시 수영구", 0.85)]


def test_a_programme_behind_another_top_hit_is_found() -> None:
    hits = (NATIONAL, *BIRTH, _hit("X", "청년 월세 지원", "충청북도 옥천군", 0.8))
    assert regional_variants(hits) == ([], [])  # the top hit's programme only: none
    anchor, regional, national = regional_programme(hits)
    assert anchor is BIRTH[0]
    assert [h.doc.doc_id for h in regional] == ["B1", "B2", "B3"] and national == []


def test_weak_hits_and_hits_past_the_top_k_do_not_count() -> None:
    weak = (NATIONAL, BIRTH[0], _hit("B2", "인제군 출산장려금 지원", "강원특별자치도 인제군", 0.5))
    assert regional_programme(weak) == (None, [], [])  # 0.5 < 0.7 x 1.0
    far = (NATIONAL, BIRTH[0], *[_hit(f"Y{i}", f"다른 사업 {i}", "보건복지부", 0.99) for i in range(4)], BIRTH[1])
    assert regional_programme(far) == (None, [], [])  # the second region is 7th, past the top 5


def test_one_hit_per_region_and_the_national_variant() -> None:
    hits = (_hit("M", "청년월세 특별지원", "국토교통부", 1.0), _hit("R1", "청년 월세 지원", "충청북도 옥천군", 0.95),
            _hit("R2", "청년 월세 지원사업", "충청북도 옥천군", 0.9), _hit("R3", "안양 청년 월세 지원", "경기도 안양시", 0.85))
    anchor, regional, national = regional_programme(hits)
    assert anchor is hits[0]
    assert [h.doc.doc_id for h in regional] == ["R1", "R3"] and [h.doc.doc_id for h in national] == ["M"]
