"""Import: re-importing replaces and never duplicates; a failed import keeps the previous index."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IndexBuildError, ModelNotFoundError
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.index import current_version, load_index
from assistant.knowledge.ingest import import_documents
from assistant.settings import Settings


def _doc(i: int, text: str = "만 65세 이상 어르신에게 지원합니다.") -> Document:
    return Document(f"d{i}", f"서비스 {i}", "기관", f"https://www.gov.kr/{i}", "ko", "2026-01-01", "t",
                    (Section("지원대상", text), Section("신청방법", "주민센터 방문")))


def test_reimport_replaces_without_duplicates(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path)
    first = import_documents(s, "t", [_doc(1), _doc(2)], embedder, progress=False)
    assert first.documents == 2 and first.changed == 2
    again = import_documents(s, "t", [_doc(1), _doc(2)], embedder, progress=False)
    assert again.changed == 0 and again.embedded == 0 and again.cached == first.embedded
    idx = load_index(s.index_dir)
    assert sorted(idx.docs) == ["d1", "d2"]
    assert len(idx.chunks) == first.chunks  # same chunks, not twice as many
    edited = import_documents(s, "t", [_doc(1, "만 70세 이상")], embedder, progress=False)
    assert (edited.changed, edited.removed) == (1, 1)
    idx = load_index(s.index_dir)
    assert sorted(idx.docs) == ["d1"]
    assert any("만 70세 이상" in c.text for c in idx.chunks)
    assert not any("만 65세" in c.text for c in idx.chunks)


def test_sources_are_independent(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path)
    import_documents(s, "a", [_doc(1)], embedder, progress=False)
    import_documents(s, "b", [_doc(2)], embedder, progress=False)
    import_documents(s, "a", [_doc(3)], embedder, progress=False)
    assert sorted(load_index(s.index_dir).docs) == ["d2", "d3"]


def test_failed_build_keeps_previous_index(tmp_path: Path, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path)
    import_documents(s, "t", [_doc(1)], embedder, progress=False)
    before = current_version(s.index_dir)

    import bm25s

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(bm25s.BM25, "save", boom)
    with pytest.raises(IndexBuildError, match="previous index is kept"):
        import_documents(s, "t", [_doc(1), _doc(2)], embedder, progress=False)
    assert current_version(s.index_dir) == before
    assert sorted(load_index(s.index_dir).docs) == ["d1"]


def test_two_homes_do_not_interfere(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    a, b = Settings(home=tmp_path / "a"), Settings(home=tmp_path / "b")
    import_documents(a, "t", [_doc(1)], embedder, progress=False)
    with pytest.raises(ModelNotFoundError, match="no knowledge index"):
        load_index(b.index_dir)
    import_documents(b, "t", [_doc(2)], embedder, progress=False)
    assert sorted(load_index(a.index_dir).docs) == ["d1"]
    assert sorted(load_index(b.index_dir).docs) == ["d2"]


def test_import_summary_counts_this_source_apart_from_the_index(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Fresh-user s10 #5: the summary printed the whole index's chunks and the other sources' cached vectors as if
    they were the source's. Each _doc is a title chunk and two short sections of one chunk each: three chunks, all
    embedded (chunking.py: the title, and the first two pieces of each section of a non-gov24 document); the
    embedded texts carry the title ("서비스 1" …), so no two are the same (counted by hand below)."""
    from assistant.cli import import_summary

    s = Settings(home=tmp_path)
    a = import_documents(s, "a", [_doc(1), _doc(2), _doc(3)], embedder, progress=False)
    assert (a.documents, a.source_chunks, a.source_dense, a.chunks, a.index_documents, a.index_sources) == (3, 9, 9, 9, 3, 1)
    assert (a.embedded, a.cached) == (9, 0)
    b = import_documents(s, "b", [_doc(4)], embedder, progress=False)
    assert (b.documents, b.source_chunks, b.source_dense, b.chunks, b.index_documents, b.index_sources) == (1, 3, 3, 12, 4, 2)
    assert (b.embedded, b.cached) == (3, 9)  # the index is rebuilt: source a's nine vectors come from the cache
    line = import_summary(b)
    assert line.startswith("imported 1 document from b (1 new or changed, 0 removed): 3 chunks, 3 of them embedded; "
                           "the index now holds 12 chunks of 4 documents from 2 sources; vectors: 3 computed now, "
                           "9 reused from the cache; ")
