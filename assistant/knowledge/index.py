"""The retrieval index: FAISS (dense) + BM25 (lexical) over chunks, on disk.

Layout under ``ASSISTANT_HOME``::

    index/CURRENT            name of the active version (replaced atomically)
    index/<version>/         manifest.json, docs.json, chunks.json,
                             dense.faiss, dense_rows.npy, bm25/, bm25_docs/,
                             lexical_terms.json (each chunk's BM25 terms by content
                             hash, so a rebuild re-tokenizes only what changed)

A new version is fully written before ``CURRENT`` points at it
(``os.replace``), so a failed build never damages the index in use.
"""

from __future__ import annotations

import calendar
import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from assistant.errors import IndexBuildError, ModelNotFoundError

from assistant.knowledge.documents import Chunk, Document

logging.getLogger("bm25s").setLevel(logging.WARNING)

LEXICAL_TERMS_FILE = "lexical_terms.json"

#: BM25 parameters (Robertson & Zaragoza 2009 defaults for short passages).
BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(frozen=True)
class DocInfo:
    """What a citation and a retrieval filter need about a document.

    Attributes:
        effective_from, effective_to: ISO dates (``YYYY-MM-DD``) bounding when the document is in
            effect (from its ``meta``; ``""`` = unbounded on that side).
    """

    doc_id: str
    title: str
    agency: str
    url: str
    language: str
    updated_at: str
    source: str
    service_id: str
    effective_from: str = ""
    effective_to: str = ""


@dataclass
class KnowledgeIndex:
    """An index loaded in memory: chunks, docs, FAISS and BM25.

    Attributes:
        chunks: all chunks; row ``i`` of BM25 is ``chunks[i]``.
        docs: doc_id → :class:`DocInfo`.
        dense: FAISS inner-product index over the dense chunks.
        dense_rows: ``dense_rows[j]`` is the chunk row of FAISS vector ``j``.
        bm25: the BM25 model over :func:`~assistant.knowledge.chunking.lexical_text`.
        bm25_docs: a BM25 model over whole documents (all chunks' terms); row
            ``i`` is ``doc_order[i]``.
        vocabulary: the lexical terms seen in the corpus.
        embedder_name: the embedder that built the vectors; queries must use the same.
        home: the ``index/`` directory it was loaded from (``None`` when built in memory); a
            :class:`~assistant.knowledge.retriever.HybridRetriever` follows its ``CURRENT`` pointer.
    """

    chunks: list[Chunk]
    docs: dict[str, DocInfo]
    dense: faiss.Index
    dense_rows: np.ndarray
    bm25: bm25s.BM25
    bm25_docs: bm25s.BM25
    doc_order: list[str]
    vocabulary: frozenset[str]
    embedder_name: str
    version: str
    home: Path | None = None


def build_index(
    home_index: Path,
    docs: list[Document],
    chunks: list[Chunk],
    chunk_terms: list[list[str]],
    vectors: np.ndarray,
    dense_rows: np.ndarray,
    embedder_name: str,
    lexical_keys: list[str] | None = None,
    tokenizer_name: str = "",
) -> str:
    """Write a new index version (not yet active; see :func:`activate_version`).

    Args:
        home_index: the ``index/`` directory under ``ASSISTANT_HOME``.
        docs: every document in the index.
        chunks: every chunk, in row order.
        chunk_terms: lexical terms of each chunk (same order as ``chunks``).
        vectors: ``(n_dense, dim)`` float32 unit vectors.
        dense_rows: ``(n_dense,)`` int64 chunk rows of ``vectors``.
        embedder_name: recorded in the manifest.
        lexical_keys: content hash of each chunk's lexical text (same order); with
            ``tokenizer_name`` they are written to ``lexical_terms.json`` for :func:`load_lexical_terms`.

    Returns:
        The new version's name.

    Raises:
        IndexBuildError: writing failed; nothing was changed.
    """
    home_index.mkdir(parents=True, exist_ok=True)
    version = new_version_name(home_index)
    tmp = home_index / f".building-{version}"
    try:
        tmp.mkdir()
        doc_rows = [
            {
                "doc_id": d.doc_id,
                "title": d.title,
                "agency": d.agency,
                "url": d.url,
                "language": d.language,
                "updated_at": d.updated_at,
                "source": d.source,
                "service_id": str(d.meta.get("service_id", "")),
                "effective_from": str(d.meta.get("effective_from") or ""),
                "effective_to": str(d.meta.get("effective_to") or ""),
            }
            for d in docs
        ]
        (tmp / "docs.json").write_text(json.dumps(doc_rows, ensure_ascii=False), encoding="utf-8")
        (tmp / "chunks.json").write_text(
            json.dumps([[c.chunk_id, c.doc_id, c.section, c.text, c.dense] for c in chunks], ensure_ascii=False),
            encoding="utf-8",
        )
        dim = int(vectors.shape[1]) if vectors.size else 0
        index = faiss.IndexFlatIP(max(dim, 1))
        if vectors.size:
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(index, str(tmp / "dense.faiss"))
        np.save(tmp / "dense_rows.npy", dense_rows.astype(np.int64))
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        bm25.index([t if t else ["∅"] for t in chunk_terms], show_progress=False)
        bm25.save(str(tmp / "bm25"))
        doc_terms: dict[str, list[str]] = {d.doc_id: [] for d in docs}
        for c, terms in zip(chunks, chunk_terms, strict=True):
            doc_terms[c.doc_id].extend(terms)
        bm25_docs = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        bm25_docs.index([doc_terms[d.doc_id] or ["∅"] for d in docs], show_progress=False)
        bm25_docs.save(str(tmp / "bm25_docs"))
        if lexical_keys is not None:
            cache = {"tokenizer": tokenizer_name, "terms": dict(zip(lexical_keys, chunk_terms, strict=True))}
            (tmp / LEXICAL_TERMS_FILE).write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
        manifest = {
            "version": version,
            "embedder": embedder_name,
            "dim": dim,
            "documents": len(docs),
            "chunks": len(chunks),
            "dense_chunks": int(len(dense_rows)),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        tmp.rename(home_index / version)
    except Exception as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise IndexBuildError(f"building the index failed, the previous index is kept: {e}") from e
    return version


def new_version_name(home_index: Path, now_ns: int | None = None) -> str:
    """A name for the next index version that sorts (as a string) after the active one's.

    Names are ``YYYYmmdd-HHMMSS-<nanoseconds, 9 digits>-<pid>`` in UTC: later builds sort later, which is how a
    running :class:`~assistant.knowledge.composer.AnswerComposer` tells the index a result came from is newer than
    its own (``result.index.version > self.index.version``). Before session 28 the name was the local second, the pid
    and ``monotonic_ns() % 10**6``, which wraps every millisecond: two builds in one second sorted in either order, and
    a composer could stay on the older index and fail on a document only the newer one holds (a flaky
    tests/test_knowledge_live.py). A clock that went back (or a CURRENT written by a faster clock) is stepped over: the
    name is at least one nanosecond after the active version's.

    Args:
        home_index: the ``index/`` directory (its ``CURRENT`` is read, if any).
        now_ns: the time in ns since the epoch (default: ``time.time_ns()``).

    Returns:
        the new version's name.
    """
    now = time.time_ns() if now_ns is None else now_ns
    active = current_version(home_index)
    if active is not None:
        now = max(now, _version_ns(active) + 1)
    seconds, ns = divmod(now, 10**9)
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime(seconds)) + f"-{ns:09d}-{os.getpid()}"


def _version_ns(version: str) -> int:
    """The build time a version name records, in ns since the epoch (0 for a name this cannot read). A name of the
    older form (second, pid, ...) gives the last nanosecond of its second: a new name in that second would sort before
    it ("-000…" < "-<pid>")."""
    m = re.fullmatch(r"(\d{8}-\d{6})(?:-(\d{9})-\d+)?(?:-.*)?", version)
    if m is None:
        return 0
    seconds = calendar.timegm(time.strptime(m.group(1), "%Y%m%d-%H%M%S"))
    return seconds * 10**9 + (int(m.group(2)) if m.group(2) else 10**9 - 1)


def activate_version(home_index: Path, version: str) -> None:
    """Point ``CURRENT`` at ``version`` atomically and delete older versions."""
    pointer_tmp = home_index / f".CURRENT-{version}"
    pointer_tmp.write_text(version, encoding="utf-8")
    os.replace(pointer_tmp, home_index / "CURRENT")
    _remove_old_versions(home_index, keep=version)


def discard_version(home_index: Path, version: str) -> None:
    """Delete a built version that was never activated."""
    shutil.rmtree(home_index / version, ignore_errors=True)


def _remove_old_versions(home_index: Path, keep: str) -> None:
    for child in home_index.iterdir():
        if child.is_dir() and child.name != keep and not child.name.startswith(".building-"):
            shutil.rmtree(child, ignore_errors=True)


def current_version(home_index: Path) -> str | None:
    """The active version name, or ``None`` when no index was built."""
    pointer = home_index / "CURRENT"
    if not pointer.exists():
        return None
    return pointer.read_text(encoding="utf-8").strip() or None


def load_lexical_terms(home_index: Path, tokenizer_name: str) -> dict[str, list[str]]:
    """The active version's chunk terms by lexical-text hash (empty when absent or from another tokenizer)."""
    version = current_version(home_index)
    path = home_index / version / LEXICAL_TERMS_FILE if version else None
    if path is None or not path.exists():
        return {}
    try:
        blob = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if blob.get("tokenizer") != tokenizer_name or not isinstance(blob.get("terms"), dict):
        return {}
    return {str(k): list(v) for k, v in blob["terms"].items()}


def load_index(home_index: Path) -> KnowledgeIndex:
    """Load the active index.

    Raises:
        ModelNotFoundError: no index has been built under this home.
    """
    version = current_version(home_index)
    if version is None or not (home_index / version).is_dir():
        raise ModelNotFoundError(
            f"no knowledge index under {home_index}; run 'assistant knowledge import dir knowledge/' "
            "or 'assistant knowledge import gov24 DIR'"
        )
    d = home_index / version
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    docs = {r["doc_id"]: DocInfo(**r) for r in json.loads((d / "docs.json").read_text(encoding="utf-8"))}
    chunks = [Chunk(cid, did, sec, text, dense) for cid, did, sec, text, dense in json.loads((d / "chunks.json").read_text(encoding="utf-8"))]
    bm25 = bm25s.BM25.load(str(d / "bm25"))
    bm25_docs = bm25s.BM25.load(str(d / "bm25_docs"))
    vocab = frozenset(bm25.vocab_dict.keys()) if getattr(bm25, "vocab_dict", None) else frozenset()
    return KnowledgeIndex(
        chunks=chunks,
        docs=docs,
        dense=faiss.read_index(str(d / "dense.faiss")),
        dense_rows=np.load(d / "dense_rows.npy"),
        bm25=bm25,
        bm25_docs=bm25_docs,
        doc_order=list(docs),
        vocabulary=vocab,
        embedder_name=manifest["embedder"],
        version=version,
        home=home_index,
    )


def pointer_stamp(home_index: Path) -> tuple[int, int] | None:
    """A cheap identity of the ``CURRENT`` pointer (inode, mtime in ns), or ``None`` when absent: it changes
    whenever an import or a retraction activates a new version (the pointer is replaced by ``os.replace``).
    One ``stat`` call (microseconds), so it can be checked on every query."""
    try:
        st = (home_index / "CURRENT").stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)
