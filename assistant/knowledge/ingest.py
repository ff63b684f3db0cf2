"""Import: documents → document store + a new retrieval index, atomically.

Order of work, so that a failure at any step leaves the previous state intact:
load and validate every document → chunk → embed (cached by content hash)
→ build the new index version → replace the source's documents in one
transaction → point ``CURRENT`` at the new index.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import numpy as np
from tqdm import tqdm

from assistant.knowledge.chunking import chunk_document, dense_text, lexical_text
from assistant.knowledge.documents import Chunk, Document, content_hash
from assistant.knowledge.embedder import Embedder
from assistant.knowledge.index import activate_version, build_index, discard_version
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms
from assistant.settings import Settings
from assistant.stores.documents import DocumentStore

logger = logging.getLogger(__name__)

EMBED_BATCH = 32


@dataclass(frozen=True)
class ImportReport:
    """What an import did.

    Attributes:
        source: the source replaced.
        documents: documents of this source now in the index.
        changed: documents added or changed; removed: documents dropped.
        chunks: chunks in the whole index; embedded: distinct texts embedded now;
        cached: distinct texts whose vectors came from the cache; seconds: wall time of the import;
        chunks_per_second: embedded chunks per second of embedding time.
    """

    source: str
    documents: int
    changed: int
    removed: int
    chunks: int
    embedded: int
    cached: int
    seconds: float
    embed_seconds: float
    version: str

    @property
    def chunks_per_second(self) -> float:
        """Embedded chunks per second of embedding time (0 when nothing was embedded)."""
        return self.embedded / self.embed_seconds if self.embed_seconds > 0 else 0.0


def _embed_all(
    store: DocumentStore, embedder: Embedder, texts: list[str], progress: bool
) -> tuple[np.ndarray, int, int, float]:
    keys = [content_hash(embedder.name, "passage", t) for t in texts]
    cached = store.cached_embeddings(embedder.name, list(set(keys)))
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cached}.items())
    reused = len(cached)
    t0 = time.perf_counter()
    if todo:
        embedder.warm_up()
        bar = tqdm(total=len(todo), desc="embedding chunks", unit="chunk", disable=not progress)
        for start in range(0, len(todo), EMBED_BATCH):
            part = todo[start : start + EMBED_BATCH]
            vecs = embedder.embed_passages([t for _, t in part])
            new = {k: v for (k, _), v in zip(part, vecs, strict=True)}
            store.put_embeddings(embedder.name, new)
            cached.update(new)
            bar.update(len(part))
        bar.close()
    seconds = time.perf_counter() - t0
    dim = embedder.dim if not cached else next(iter(cached.values())).shape[0]
    vectors = np.stack([cached[k] for k in keys]) if keys else np.zeros((0, dim), dtype=np.float32)
    return vectors, len(todo), reused, seconds


def import_documents(
    settings: Settings,
    source: str,
    docs: list[Document],
    embedder: Embedder,
    tokenizer: KoreanTokenizer | None = None,
    progress: bool = True,
    store: DocumentStore | None = None,
) -> ImportReport:
    """Replace ``source``'s documents with ``docs`` and rebuild the index.

    Args:
        settings: gives ``ASSISTANT_HOME`` (store and index locations).
        source: the source name; its previous documents are all replaced.
        docs: the new documents (already loaded and validated).
        embedder: must be the embedder the server will query with.
        progress: show a progress bar on stderr while embedding.

    Returns:
        An :class:`ImportReport`.

    Raises:
        IndexBuildError: the index could not be written; nothing changed.
    """
    t0 = time.perf_counter()
    settings.home.mkdir(parents=True, exist_ok=True)
    store = store or DocumentStore(settings.db_url)
    tokenizer = tokenizer or KoreanTokenizer()
    docs = [d if d.source == source else replace(d, source=source) for d in docs]
    new_ids = {d.doc_id for d in docs}
    kept = [d for d in store.all_documents() if d.source != source and d.doc_id not in new_ids]
    all_docs = kept + list(docs)
    chunks: list[Chunk] = []
    owners: list[Document] = []
    for d in all_docs:
        for c in chunk_document(d):
            chunks.append(c)
            owners.append(d)
    dense_idx = [i for i, c in enumerate(chunks) if c.dense]
    vectors, embedded, reused, embed_s = _embed_all(store, embedder, [dense_text(owners[i], chunks[i]) for i in dense_idx], progress)
    terms = [lexical_terms(tokenizer.tokenize(lexical_text(d, c))) for d, c in zip(owners, chunks, strict=True)]
    version = build_index(settings.index_dir, all_docs, chunks, terms, vectors, np.asarray(dense_idx, dtype=np.int64), embedder.name)
    try:
        changed, removed = store.replace_source(source, docs)
    except Exception:
        discard_version(settings.index_dir, version)
        raise
    activate_version(settings.index_dir, version)
    report = ImportReport(
        source=source,
        documents=len(docs),
        changed=changed,
        removed=removed,
        chunks=len(chunks),
        embedded=embedded,
        cached=reused,
        seconds=time.perf_counter() - t0,
        embed_seconds=embed_s,
        version=version,
    )
    logger.info("knowledge import finished", extra={"stage": "import", "source": source, "documents": len(docs)})
    return report

