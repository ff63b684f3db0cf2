"""Import: documents → document store + a new retrieval index, atomically.

Order of work, so that a failure at any step leaves the previous state intact:
load and validate every document → chunk → embed (cached by content hash)
→ build the new index version → replace the source's documents in one
transaction → point ``CURRENT`` at the new index.

Retraction (:func:`retract_documents`) follows the same order without a
re-import: the remaining documents are re-chunked, their vectors come from the
embedding cache and their BM25 terms from the previous version's
``lexical_terms.json``, so nothing is embedded or tokenized again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.errors import InvalidInputError
from assistant.knowledge.chunking import chunk_document, dense_text, lexical_text
from assistant.knowledge.documents import Chunk, Document, content_hash
from assistant.knowledge.embedder import Embedder
from assistant.knowledge.index import activate_version, build_index, current_version, discard_version, load_lexical_terms
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
        chunks: chunks in the whole index (every source); embedded: distinct texts embedded now (any source's);
        cached: distinct texts whose vectors came from the cache (any source's); seconds: wall time of the import;
        chunks_per_second: embedded texts per second of embedding time (the model's loading not counted);
        retracted_skipped: documents left out because they were retracted from this source;
        source_chunks: this source's chunks; source_dense: those of them that are embedded (the others are
        searched by their words only: :func:`~assistant.knowledge.chunking.chunk_document`);
        index_documents, index_sources: documents and sources in the whole index.
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
    retracted_skipped: int = 0
    source_chunks: int = 0
    source_dense: int = 0
    index_documents: int = 0
    index_sources: int = 0

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
    if todo:
        embedder.warm_up()  # loading the model is not embedding time (the import's rate is texts per second of embedding)
    t0 = time.perf_counter()
    if todo:
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


def tokenizer_name() -> str:
    """Identity of the lexical analysis: the kiwipiepy version and a hash of the module that turns text into
    terms (:mod:`assistant.nlu.tokenizer`), so cached BM25 terms are never reused after either changes."""
    import kiwipiepy

    import assistant.nlu.tokenizer as tok_module

    source = Path(tok_module.__file__).read_bytes() if tok_module.__file__ else b""
    return f"kiwipiepy-{kiwipiepy.__version__}-{hashlib.sha256(source).hexdigest()[:12]}"


def _build(
    settings: Settings, all_docs: list[Document], embedder: Embedder, tokenizer: KoreanTokenizer, progress: bool, store: DocumentStore
) -> tuple[str, int, int, int, float, dict[str, tuple[int, int]]]:
    """Chunk, embed (cache first) and tokenize (previous version's terms first) ``all_docs`` and write a new,
    not yet active, index version. Returns ``(version, chunks, embedded, reused, embed_seconds, per_source)``,
    ``per_source``: source → (its chunks, those of them that are embedded)."""
    chunks: list[Chunk] = []
    owners: list[Document] = []
    for d in all_docs:
        for c in chunk_document(d):
            chunks.append(c)
            owners.append(d)
    dense_idx = [i for i, c in enumerate(chunks) if c.dense]
    vectors, embedded, reused, embed_s = _embed_all(store, embedder, [dense_text(owners[i], chunks[i]) for i in dense_idx], progress)
    tok_name = tokenizer_name()
    previous = load_lexical_terms(settings.index_dir, tok_name)
    texts = [lexical_text(d, c) for d, c in zip(owners, chunks, strict=True)]
    keys = [content_hash("lexical", t) for t in texts]
    terms = [previous[k] if k in previous else lexical_terms(tokenizer.tokenize(t)) for k, t in zip(keys, texts, strict=True)]
    version = build_index(settings.index_dir, all_docs, chunks, terms, vectors, np.asarray(dense_idx, dtype=np.int64), embedder.name,
                          lexical_keys=keys, tokenizer_name=tok_name)
    per_source: dict[str, tuple[int, int]] = {}
    for d, c in zip(owners, chunks, strict=True):
        n, dense = per_source.get(d.source, (0, 0))
        per_source[d.source] = (n + 1, dense + int(c.dense))
    return version, len(chunks), embedded, reused, embed_s, per_source


@dataclass(frozen=True)
class RetractReport:
    """What a retraction did.

    Attributes:
        source: the source; retracted: the ids removed, sorted; documents: documents of the
        source still in the index; chunks: chunks in the whole index; embedded: texts that had
        to be embedded (0 when the cache was complete); seconds: wall time; version: the new index version.
    """

    source: str
    retracted: tuple[str, ...]
    documents: int
    chunks: int
    embedded: int
    seconds: float
    version: str


def retract_documents(
    settings: Settings,
    source: str,
    doc_ids: Sequence[str] | None,
    embedder: Embedder,
    tokenizer: KoreanTokenizer | None = None,
    store: DocumentStore | None = None,
) -> RetractReport:
    """Remove documents from the document store and from every index (FAISS, BM25) without a re-import.

    Args:
        source: the source that owns the documents (``gov24``, ``bundled``, ``dir:<path>``).
        doc_ids: the documents to retract; they are recorded, so re-importing ``source`` leaves them
            out until ``DocumentStore.restore``. ``None`` or empty: remove the whole source (nothing
            recorded; importing it again brings it back).
        embedder: the embedder the index was built with (only used for vectors missing from the cache).

    Returns:
        A :class:`RetractReport`.

    Raises:
        InvalidInputError: the source has no documents, or an id is not one of its documents
            (nothing is changed). InvalidConfigError: ``embedder`` is not the index's embedder.
        IndexBuildError: the new index could not be written; nothing changed.
    """
    t0 = time.perf_counter()
    store = store or DocumentStore(settings.db_url)
    tokenizer = tokenizer or KoreanTokenizer()
    owned = store.document_ids(source)
    if not owned:
        known = ", ".join(sorted(store.sources())) or "none"
        raise InvalidInputError(f"source {source!r} has no documents (sources: {known})")
    wanted = list(dict.fromkeys(doc_ids or []))
    missing = [d for d in wanted if d not in owned]
    if missing:
        already = store.retracted(source) & set(missing)
        note = f" ({', '.join(sorted(already))} already retracted)" if already else ""
        raise InvalidInputError(f"not documents of source {source!r}: {', '.join(missing[:20])}{note}; nothing was retracted")
    drop = set(wanted) if wanted else owned
    version_before = current_version(settings.index_dir)
    if version_before is not None:
        from assistant.errors import InvalidConfigError

        manifest = json.loads((settings.index_dir / version_before / "manifest.json").read_text(encoding="utf-8"))
        built_with = manifest.get("embedder")
        if built_with != embedder.name:
            raise InvalidConfigError(f"the index was built with {built_with}, not {embedder.name}; retract with the same embedder")
    remaining = [d for d in store.all_documents() if not (d.source == source and d.doc_id in drop)]
    version, n_chunks, embedded, _reused, _s, _per_source = _build(settings, remaining, embedder, tokenizer, False, store)
    try:
        removed = store.retract(source, wanted or None, when=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    except Exception:
        discard_version(settings.index_dir, version)
        raise
    activate_version(settings.index_dir, version)
    logger.info("knowledge retraction finished", extra={"stage": "retract", "source": source, "documents": len(removed)})
    return RetractReport(source, tuple(removed), len(owned) - len(removed), n_chunks, embedded, time.perf_counter() - t0, version)


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
    retracted = store.retracted(source)
    skipped = sum(1 for d in docs if d.doc_id in retracted)
    docs = [d for d in docs if d.doc_id not in retracted]
    new_ids = {d.doc_id for d in docs}
    kept = [d for d in store.all_documents() if d.source != source and d.doc_id not in new_ids]
    all_docs = kept + list(docs)
    version, n_chunks, embedded, reused, embed_s, per_source = _build(settings, all_docs, embedder, tokenizer, progress, store)
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
        chunks=n_chunks,
        embedded=embedded,
        cached=reused,
        seconds=time.perf_counter() - t0,
        embed_seconds=embed_s,
        version=version,
        retracted_skipped=skipped,
        source_chunks=per_source.get(source, (0, 0))[0],
        source_dense=per_source.get(source, (0, 0))[1],
        index_documents=len(all_docs),
        index_sources=len({d.source for d in all_docs}),
    )
    logger.info("knowledge import finished", extra={"stage": "import", "source": source, "documents": len(docs)})
    return report

