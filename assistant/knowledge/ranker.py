"""Learned rerank stage (opt-in, ``RetrieverConfig(rerank="learned")``): a linear pairwise ranker over the fused top documents.

The retriever's fusion ranks the right service in its top 30 for 99.5 % of the known-item queries
but often one place too low, behind the same programme of another local government. This stage
rescores the ``rerank_depth`` best fused documents of the query's language with a linear model over
features the retriever already has (:data:`FEATURES`): the fused, dense and lexical scores and
ranks, the whole-document and per-field character-bigram overlap (:class:`RankFeatures`), the title's
overlap with the query, and whether the query names the region of the document's agency.

The model is a pairwise logistic regression (RankNet with a linear scorer: Burges et al. 2005,
"Learning to Rank using Gradient Descent", ICML; fitted as scikit-learn ``LogisticRegression`` on
feature differences of a relevant and a non-relevant document of the same query), so at run time a
document's score is one dot product ``w · (x - mean) / scale``. Its weights ship as
``assistant/knowledge/learned_ranker.json`` and are refitted by ``bench/fit_ranker.py``, which
trains on queries that are *not* the benchmark's (see that script for the split). Measured, it does not
beat the shipped character-overlap rerank (figures in :mod:`assistant.knowledge.retriever`), so it is not
the default; it is kept as the place where a new signal (a feature column) can be tried and refitted.

Hand-written rather than a library ranker: scikit-learn has no learning-to-rank estimator, and a
dot product over 21 numbers needs no runtime dependency (LightGBM/XGBoost would add one for a
linear model's job).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from assistant.errors import InvalidConfigError
from assistant.regions import agency_regions
from assistant.regions import region_names as place_names

RANKER_FILE = Path(__file__).with_name("learned_ranker.json")

#: Feature names, in column order of :meth:`RankFeatures.matrix`.
FEATURES = (
    "fused",            # the fusion stage's score
    "fused_gap",        # fused minus the query's best fused score (<= 0)
    "inv_fused_rank",   # 1 / fused rank
    "dense_norm",       # dense score rescaled over the pool (0..1), as fused uses it
    "lex_norm",         # lexical score / the query's best (0..1)
    "inv_dense_rank",   # 1 / dense rank (0: not retrieved densely)
    "inv_lex_rank",     # 1 / lexical rank (0: not retrieved lexically)
    "overlap_doc",      # IDF-weighted share of the query's bigrams anywhere in the document
    "overlap_field",    # the same against the best single field chunk
    "overlap_field2",   # the same against the second-best field chunk
    "overlap_purpose",  # the same against the purpose field (서비스목적요약/서비스목적), best chunk
    "overlap_target",   # ... against 지원대상
    "overlap_content",  # ... against 지원내용
    "purpose_in_query", # IDF-weighted share of the purpose field's bigrams that occur in the query (best chunk)
    "target_in_query",  # ... of 지원대상's
    "content_in_query", # ... of 지원내용's
    "title_in_query",   # share of the title's bigrams that occur in the query
    "query_in_title",   # IDF-weighted share of the query's bigrams that occur in the title
    "log_doc_bigrams",  # log(1 + distinct bigrams of the document): long documents overlap by chance
    "region_match",     # the query names the agency's region (1: its most specific part, 0.5: a wider one)
    "other_region",     # the query names a region that is not the agency's
)

_SEGMENT = "\x1e"
#: Field groups with features of their own (catalogue section names); other sections count only in the best-field columns.
FIELD_GROUPS = {"purpose": ("서비스목적요약", "서비스목적"), "target": ("지원대상",), "content": ("지원내용",)}


def _bigrams(text: str) -> set[str]:
    """Distinct character bigrams of ``text`` (lower-cased, whitespace removed), never across a ``\\x1e`` boundary."""
    out: set[str] = set()
    for seg in text.lower().split(_SEGMENT):
        seg = "".join(seg.split())
        out.update(seg[i : i + 2] for i in range(len(seg) - 1))
    return out


def region_names(agency: str) -> list[frozenset[str]]:
    """The region names of a local government's agency, widest first: for each part of
    :func:`assistant.regions.agency_regions` (the one reading of an agency's places), every name it is written with
    (:func:`assistant.regions.region_names`: itself, its stem, a 시·도's short and former forms).

    ``"경기도 수원시"`` → ``[{"경기도", "경기"}, {"수원시", "수원"}]``; a central agency (``"교육부"``) → ``[]``.
    A one-syllable stem is never a name (``중구`` is written only ``중구``: ``중`` would match anywhere).
    """
    return [place_names(part) for part in agency_regions(agency)]


@dataclass(frozen=True)
class RankerModel:
    """A fitted linear ranker: ``score(x) = weights · (x - mean) / scale + bias``.

    Attributes:
        features: the feature names the columns follow (must equal :data:`FEATURES`).
        mean, scale: standardisation, shape ``(len(features),)``.
        weights: shape ``(len(features),)``; bias: a constant (does not change the order).
        meta: how it was fitted (training set, split, measured figures).
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float = 0.0
    meta: dict[str, Any] | None = None

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Scores ``(n,)`` of a feature matrix ``x`` of shape ``(n, len(features))``."""
        return np.asarray(((x - self.mean) / self.scale) @ self.weights + self.bias, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        """The JSON form :meth:`load` reads."""
        return {"features": list(self.features), "mean": [round(float(v), 6) for v in self.mean],
                "scale": [round(float(v), 6) for v in self.scale], "weights": [round(float(v), 6) for v in self.weights],
                "bias": round(float(self.bias), 6), "meta": self.meta or {}}

    @classmethod
    def load(cls, path: Path) -> RankerModel:
        """Read a model written by :meth:`to_json`.

        Raises:
            InvalidConfigError: the file is missing, not JSON, or its features or shapes do not match :data:`FEATURES`.
        """
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InvalidConfigError(f"learned ranker {path}: cannot read it ({e})") from e
        try:
            features = tuple(str(f) for f in raw["features"])
            arrays = [np.asarray(raw[k], dtype=np.float64) for k in ("mean", "scale", "weights")]
            bias = float(raw.get("bias", 0.0))
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidConfigError(f"learned ranker {path}: malformed ({e})") from e
        if features != FEATURES:
            raise InvalidConfigError(f"learned ranker {path}: features {list(features)} are not this version's {list(FEATURES)}; "
                                     "refit it with bench/fit_ranker.py")
        if any(a.shape != (len(FEATURES),) for a in arrays) or not all(np.isfinite(a).all() for a in arrays):
            raise InvalidConfigError(f"learned ranker {path}: mean, scale and weights must be {len(FEATURES)} finite numbers each")
        if (arrays[1] <= 0).any():
            raise InvalidConfigError(f"learned ranker {path}: scale must be positive")
        return cls(features, arrays[0], arrays[1], arrays[2], bias, raw.get("meta") or {})


@functools.lru_cache(maxsize=4)
def load_ranker(path: str | None = None) -> RankerModel:
    """The ranker at ``path`` (default: the packaged ``learned_ranker.json``), read once per process.

    Raises:
        InvalidConfigError: see :meth:`RankerModel.load`.
    """
    return RankerModel.load(Path(path) if path else RANKER_FILE)


class RankFeatures:
    """What the rank features need from an index, built once per index version.

    Holds a binary document-by-bigram and chunk-by-bigram matrix (scikit-learn ``CountVectorizer``),
    the BM25 IDF of every bigram over documents, each document's title bigrams and its agency's region
    names. Building it takes about two seconds for the 1,097-service catalogue (:meth:`warm_up`).

    Args:
        doc_order: document ids in index order; chunk_texts: ``(doc_id, section, text)`` of every chunk, title chunk included;
        titles, agencies: doc_id → title / agency.
    """

    def __init__(self, doc_order: list[str], chunk_texts: list[tuple[str, str, str]], titles: dict[str, str],
                 agencies: dict[str, str]) -> None:
        self._doc_order = doc_order
        self._chunk_texts = chunk_texts
        self._titles = titles
        self._agencies = agencies
        self._ready = False

    def warm_up(self) -> None:
        """Build the matrices (idempotent)."""
        if self._ready:
            return
        texts: dict[str, list[str]] = {d: [] for d in self._doc_order}
        for d, _, t in self._chunk_texts:
            texts.setdefault(d, []).append(t)
        order = list(texts)
        vectorizer = CountVectorizer(analyzer=_bigrams, binary=True)
        docs = vectorizer.fit_transform([_SEGMENT.join(texts[d]) for d in order]).tocsr()
        self._vocab: dict[str, int] = {str(g): int(i) for g, i in vectorizer.vocabulary_.items()}
        n = max(len(order), 1)
        df = np.asarray(docs.sum(axis=0)).ravel()
        self._idf = np.log1p((n - df + 0.5) / (df + 0.5))
        self._idf_unseen = float(np.log1p((n + 0.5) / 0.5))
        self._docs = docs
        self._doc_row = {d: i for i, d in enumerate(order)}
        self._doc_size = np.log1p(np.asarray(docs.sum(axis=1)).ravel())
        self._chunks = vectorizer.transform([t for _, _, t in self._chunk_texts]).tocsr()
        self._chunk_total = np.asarray(self._chunks @ self._idf).ravel()  # sum of IDF over each chunk's bigrams
        group_of = {sec: g for g, secs in FIELD_GROUPS.items() for sec in secs}
        self._chunk_group = [group_of.get(sec, "") for _, sec, _ in self._chunk_texts]
        self._chunk_rows: dict[str, list[int]] = {}
        for i, (d, _, _) in enumerate(self._chunk_texts):
            self._chunk_rows.setdefault(d, []).append(i)
        self._title_grams = {d: _bigrams(t) for d, t in self._titles.items()}
        self._regions = {d: region_names(a) for d, a in self._agencies.items()}
        self._all_regions = sorted({n for rs in self._regions.values() for r in rs for n in r}, key=len, reverse=True)
        self._ready = True

    def overlap(self, query: str, doc_ids: list[str]) -> np.ndarray:
        """IDF-weighted share (0..1) of the query's distinct bigrams that occur in each document, shape ``(len(doc_ids),)``
        (the formula of :class:`~assistant.knowledge.retriever.CharOverlapReranker`)."""
        return self.matrix(query, doc_ids, {}, only_overlap=True)[:, FEATURES.index("overlap_doc")]

    def matrix(self, query: str, doc_ids: list[str], signals: dict[str, list[float]], only_overlap: bool = False) -> np.ndarray:
        """The feature matrix ``(len(doc_ids), len(FEATURES))`` of ``doc_ids`` for ``query``.

        Args:
            signals: the fusion-stage columns (``fused``, ``fused_gap``, ``inv_fused_rank``, ``dense_norm``,
                ``lex_norm``, ``inv_dense_rank``, ``inv_lex_rank``), one value per document each; missing → 0.
        """
        self.warm_up()
        x = np.zeros((len(doc_ids), len(FEATURES)))
        for name, values in signals.items():
            x[:, FEATURES.index(name)] = values
        grams = _bigrams(query)
        if not grams or not doc_ids:
            return x
        cols = np.fromiter((self._vocab[g] for g in grams if g in self._vocab), dtype=np.int64)
        weights = self._idf[cols]
        total = float(weights.sum()) + self._idf_unseen * (len(grams) - len(cols))
        known = [i for i, d in enumerate(doc_ids) if d in self._doc_row]
        if known and len(cols):
            rows = [self._doc_row[doc_ids[i]] for i in known]
            x[known, FEATURES.index("overlap_doc")] = (self._docs[rows][:, cols] @ weights) / total
        if only_overlap:
            return x
        f_field, f_field2 = FEATURES.index("overlap_field"), FEATURES.index("overlap_field2")
        for i in known:
            x[i, FEATURES.index("log_doc_bigrams")] = self._doc_size[self._doc_row[doc_ids[i]]]
        if known and len(cols):
            # one sparse product over the chunks of all candidates, then per document: the best two chunks and
            # the best chunk of each field group, in both directions (query in chunk, chunk in query)
            spans = [self._chunk_rows.get(doc_ids[i], []) for i in known]
            flat = [r for sp in spans for r in sp]
            shared = np.asarray(self._chunks[flat][:, cols] @ weights).ravel()  # IDF of the bigrams each chunk shares with q
            start = 0
            for i, sp in zip(known, spans, strict=True):
                part = shared[start : start + len(sp)]
                start += len(sp)
                if not len(sp):
                    continue
                q_side = np.sort(part)[::-1] / total
                x[i, f_field] = q_side[0]
                x[i, f_field2] = q_side[1] if len(q_side) > 1 else 0.0
                for r, v in zip(sp, part, strict=True):
                    g = self._chunk_group[r]
                    if g:
                        col_q, col_c = FEATURES.index(f"overlap_{g}"), FEATURES.index(f"{g}_in_query")
                        x[i, col_q] = max(x[i, col_q], v / total)
                        if self._chunk_total[r] > 0:
                            x[i, col_c] = max(x[i, col_c], v / self._chunk_total[r])
        q_idf = {g: (self._idf[self._vocab[g]] if g in self._vocab else self._idf_unseen) for g in grams}
        squashed = "".join(query.lower().split())
        named = [r for r in self._all_regions if r in squashed]
        for i, d in enumerate(doc_ids):
            tg = self._title_grams.get(d, set())
            if tg:
                x[i, FEATURES.index("title_in_query")] = len(tg & grams) / len(tg)
                x[i, FEATURES.index("query_in_title")] = sum(q_idf[g] for g in tg & grams) / total
            regions = self._regions.get(d, [])
            own = {n for r in regions for n in r}
            if regions:
                if any(n in squashed for n in regions[-1]):
                    x[i, FEATURES.index("region_match")] = 1.0
                elif any(n in squashed for r in regions[:-1] for n in r):
                    x[i, FEATURES.index("region_match")] = 0.5
            # a named region counts as "other" unless it is (part of) one of this agency's names
            if any(not any(n in o for o in own) for n in named):
                x[i, FEATURES.index("other_region")] = 1.0
        return x
