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
