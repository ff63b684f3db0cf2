"""Document store: documents, chunks and an embedding cache, via SQLAlchemy.

SQLite under ``ASSISTANT_HOME`` by default; any SQLAlchemy URL (PostgreSQL)
works. The store keeps plain records only; it knows nothing of dialogue.

Replacement policy: importing a source replaces every document of that source
in ONE transaction, so a failed import leaves the previous documents intact,
and re-importing never duplicates.

Retraction: :meth:`DocumentStore.retract` deletes documents of a source and
records their ids, so a later import of that source leaves them out until
:meth:`DocumentStore.restore`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict

import numpy as np
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from assistant.knowledge.documents import Document, Section

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(200), primary_key=True),
    Column("source", String(500), nullable=False, index=True),
    Column("content_hash", String(64), nullable=False),
    Column("record", Text, nullable=False),
)
embeddings = Table(
    "embeddings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("model", String(200), nullable=False),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),
)


retractions = Table(
    "retractions",
    metadata,
    Column("source", String(500), primary_key=True),
    Column("doc_id", String(200), primary_key=True),
    Column("retracted_at", String(40), nullable=False),
)


def _doc_to_json(doc: Document) -> str:
    return json.dumps(asdict(doc), ensure_ascii=False)


def _doc_from_json(text: str) -> Document:
    d = json.loads(text)
    d["sections"] = tuple(Section(**s) for s in d["sections"])
    return Document(**d)


class DocumentStore:
    """Persistent documents and embedding cache.

    Args:
        url: SQLAlchemy database URL, e.g. ``sqlite:///models/assistant.db``.

    Example:
        >>> store = DocumentStore("sqlite://")
        >>> store.replace_source("demo", [])
        (0, 0)
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    def replace_source(self, source: str, docs: Iterable[Document]) -> tuple[int, int]:
        """Replace all documents of ``source`` by ``docs`` atomically.

        A document whose ``doc_id`` exists under another source moves to this one.

        Returns:
            ``(added_or_changed, removed)`` counts relative to the previous state.
        """
        docs = list(docs)
        with self.engine.begin() as conn:
            old = {r.doc_id: r.content_hash for r in conn.execute(select(documents.c.doc_id, documents.c.content_hash).where(documents.c.source == source))}
            conn.execute(delete(documents).where(documents.c.source == source))
            ids = [d.doc_id for d in docs]
            for start in range(0, len(ids), 500):
                conn.execute(delete(documents).where(documents.c.doc_id.in_(ids[start : start + 500])))
            if docs:
                conn.execute(
                    insert(documents),
                    [{"doc_id": d.doc_id, "source": source, "content_hash": d.content_hash, "record": _doc_to_json(d)} for d in docs],
                )
        changed = sum(1 for d in docs if old.get(d.doc_id) != d.content_hash)
        removed = len(set(old) - {d.doc_id for d in docs})
        return changed, removed

    def all_documents(self) -> list[Document]:
        """Every document, ordered by source then doc_id."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents.c.record).order_by(documents.c.source, documents.c.doc_id))
            return [_doc_from_json(r.record) for r in rows]

    def sources(self) -> dict[str, int]:
        """Document counts per source."""
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for (src,) in conn.execute(select(documents.c.source)):
                out[src] = out.get(src, 0) + 1
        return out

    def document_ids(self, source: str) -> set[str]:
        """The ids of ``source``'s documents."""
        with self.engine.connect() as conn:
            return {r.doc_id for r in conn.execute(select(documents.c.doc_id).where(documents.c.source == source))}

    def retract(self, source: str, doc_ids: Iterable[str] | None = None, when: str = "") -> list[str]:
        """Delete documents of ``source`` in one transaction.

        Args:
            source: the source that owns them.
            doc_ids: the documents to delete and record as retracted (a later import of
                ``source`` leaves them out); ``None`` deletes the whole source and records nothing.
            when: ISO timestamp stored with the record.

        Returns:
            The ids deleted, sorted.
        """
        with self.engine.begin() as conn:
            owned = {r.doc_id for r in conn.execute(select(documents.c.doc_id).where(documents.c.source == source))}
            ids = sorted(owned if doc_ids is None else set(doc_ids) & owned)
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                conn.execute(delete(documents).where(documents.c.source == source, documents.c.doc_id.in_(part)))
            if doc_ids is not None:
                wanted = sorted(set(doc_ids))
                for start in range(0, len(wanted), 500):
                    conn.execute(delete(retractions).where(retractions.c.source == source,
                                                           retractions.c.doc_id.in_(wanted[start : start + 500])))
                if wanted:
                    conn.execute(insert(retractions), [{"source": source, "doc_id": d, "retracted_at": when} for d in wanted])
        return ids

    def retracted(self, source: str) -> set[str]:
        """Ids recorded as retracted from ``source``."""
        with self.engine.connect() as conn:
            return {r.doc_id for r in conn.execute(select(retractions.c.doc_id).where(retractions.c.source == source))}

    def retractions(self) -> dict[str, list[tuple[str, str]]]:
        """Every recorded retraction: source → ``[(doc_id, retracted_at ISO timestamp), ...]`` sorted by time, then id."""
        out: dict[str, list[tuple[str, str]]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(retractions.c.source, retractions.c.doc_id, retractions.c.retracted_at)
                                .order_by(retractions.c.source, retractions.c.retracted_at, retractions.c.doc_id))
            for r in rows:
                out.setdefault(r.source, []).append((r.doc_id, r.retracted_at))
        return out

    def restore(self, source: str, doc_ids: Iterable[str]) -> list[str]:
        """Forget retractions, so the next import of ``source`` brings these documents back; returns those forgotten."""
        wanted = sorted(set(doc_ids))
        with self.engine.begin() as conn:
            known = {r.doc_id for r in conn.execute(select(retractions.c.doc_id).where(retractions.c.source == source))}
            found = [d for d in wanted if d in known]
            for start in range(0, len(found), 500):
                conn.execute(delete(retractions).where(retractions.c.source == source, retractions.c.doc_id.in_(found[start : start + 500])))
        return found

    def cached_embeddings(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among ``keys`` for ``model``."""
        found: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                rows = conn.execute(
                    select(embeddings.c.key, embeddings.c.dim, embeddings.c.vector).where(
                        embeddings.c.key.in_(part), embeddings.c.model == model
                    )
                )
                for r in rows:
                    found[r.key] = np.frombuffer(r.vector, dtype=np.float32, count=r.dim).copy()
        return found

    def put_embeddings(self, model: str, items: dict[str, np.ndarray]) -> None:
        """Cache vectors by content key (existing keys are left as they are)."""
        if not items:
            return
        with self.engine.begin() as conn:
            existing = set(self.cached_embeddings(model, list(items)))
            rows = [
                {"key": k, "model": model, "dim": int(v.shape[0]), "vector": np.asarray(v, dtype=np.float32).tobytes()}
                for k, v in items.items()
                if k not in existing
            ]
            if rows:
                conn.execute(insert(embeddings), rows)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
