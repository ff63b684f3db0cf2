"""The learned rerank stage (assistant/knowledge/ranker.py) on a tiny corpus.

Expected values are computed here from the documents' text with Python sets, not with the module's code."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InvalidConfigError
from assistant.knowledge.chunking import chunk_document
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.ranker import FEATURES, RankerModel, load_ranker, region_names
from assistant.knowledge.retriever import HybridRetriever, RetrieverConfig
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings


def _doc(doc_id: str, title: str, agency: str, target: str, benefit: str) -> Document:
    return Document(doc_id, title, agency, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    (Section("서비스목적", f"{title}으로 청년 주거 안정"), Section("지원대상", target), Section("지원내용", benefit)),
                    {"service_id": doc_id})


CORPUS = [
    _doc("A1", "안양 청년 월세 지원", "경기도 안양시", "안양시에 사는 무주택 청년", "월 20만원 월세를 12개월 지원"),
    _doc("S1", "수원 청년 월세 지원", "경기도 수원시", "수원시에 사는 무주택 청년", "월 20만원 월세를 12개월 지원"),
    _doc("C1", "청년 월세 한시 특별지원", "국토교통부", "부모와 따로 사는 무주택 청년", "월 최대 20만원 월세를 12개월 지원"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path_factory.mktemp("ranker"))
    import_documents(s, "gov24", CORPUS, embedder, progress=False)
    return load_index(s.index_dir)


def _grams(text: str) -> set[str]:
    s = "".join(text.lower().split())
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _model(tmp_path: Path, weights: dict[str, float]) -> Path:
    path = tmp_path / "ranker.json"
    n = len(FEATURES)
    path.write_text(json.dumps({"features": list(FEATURES), "mean": [0.0] * n, "scale": [1.0] * n,
                                "weights": [weights.get(f, 0.0) for f in FEATURES], "bias": 0.0}), encoding="utf-8")
    return path


def test_region_names_of_local_and_central_agencies() -> None:
    assert region_names("경기도 수원시") == [{"경기도", "경기"}, {"수원시", "수원"}]
    assert region_names("서울특별시 중구") == [{"서울특별시", "서울", "서울시"}, {"중구"}]  # never the one-syllable 중
    # the 시·도's short and former names are the ones assistant/regions.py reads (전남, 광주 for the merged 시·도)
    assert {"전남", "광주", "전라남도"} <= region_names("전남광주통합특별시 구례군")[0]
    assert region_names("전남광주통합특별시 구례군")[1] == {"구례군", "구례"}
    assert region_names("교육부") == [] and region_names("") == []


def test_model_file_errors_are_clear(tmp_path: Path) -> None:
    good = json.loads(_model(tmp_path, {"fused": 1.0}).read_text(encoding="utf-8"))
    cases = {
        "missing.json": None,
        "notjson.json": "{",
        "features.json": {**good, "features": ["fused"]},
        "shape.json": {**good, "weights": [1.0]},
        "scale.json": {**good, "scale": [0.0] * len(FEATURES)},
        "nan.json": {**good, "mean": [float("nan")] * len(FEATURES)},
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        with pytest.raises(InvalidConfigError, match="learned ranker"):
            RankerModel.load(path)


def test_model_scores_are_the_standardised_dot_product(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    mean, scale, w = rng.normal(size=len(FEATURES)), rng.uniform(0.5, 2, len(FEATURES)), rng.normal(size=len(FEATURES))
    model = RankerModel(FEATURES, mean, scale, w, 0.25)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    x = rng.normal(size=(4, len(FEATURES)))
    expected = [sum((x[i, j] - mean[j]) / scale[j] * w[j] for j in range(len(FEATURES))) + 0.25 for i in range(4)]
    assert RankerModel.load(path).scores(x) == pytest.approx(expected, abs=1e-4)  # JSON keeps 6 decimals


def test_packaged_ranker_loads() -> None:
    model = load_ranker()
    assert model.features == FEATURES and np.isfinite(model.weights).all()


def test_feature_matrix_matches_hand_computed_values(index) -> None:  # type: ignore[no-untyped-def]
    from assistant.knowledge.retriever import _Loaded

    features = _Loaded(index).features
    query = "수원시 무주택 청년 월세 20만원"
    ids = ["A1", "S1", "C1"]
    x = features.matrix(query, ids, {"fused": [0.5, 0.4, 0.3]})
    col = {f: i for i, f in enumerate(FEATURES)}
    chunks = {d.doc_id: chunk_document(d) for d in CORPUS}
    doc_grams = {d: set().union(*(_grams(c.text) for c in cs)) for d, cs in chunks.items()}
    n = len(CORPUS)

    def idf(g: str) -> float:
        df = sum(g in gs for gs in doc_grams.values())
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    q = _grams(query)
    total = sum(idf(g) for g in q)
    for i, d in enumerate(ids):
        assert x[i, col["fused"]] == [0.5, 0.4, 0.3][i]
        assert x[i, col["overlap_doc"]] == pytest.approx(sum(idf(g) for g in q & doc_grams[d]) / total)
        target = next(c for c in chunks[d] if c.section == "지원대상")
        tg = _grams(target.text)
        assert x[i, col["overlap_target"]] == pytest.approx(sum(idf(g) for g in q & tg) / total)
        assert x[i, col["target_in_query"]] == pytest.approx(sum(idf(g) for g in q & tg) / sum(idf(g) for g in tg))
        per_chunk = sorted((sum(idf(g) for g in q & _grams(c.text)) / total for c in chunks[d]), reverse=True)
        assert x[i, col["overlap_field"]] == pytest.approx(per_chunk[0])
        assert x[i, col["overlap_field2"]] == pytest.approx(per_chunk[1])
        title = _grams(next(c for c in CORPUS if c.doc_id == d).title)
        assert x[i, col["title_in_query"]] == pytest.approx(len(title & q) / len(title))
        assert x[i, col["log_doc_bigrams"]] == pytest.approx(math.log1p(len(doc_grams[d])))
    # the query names 수원(시): S1's own city, A1's province only (경기 is not in the query), C1 is central
    assert x[:, col["region_match"]].tolist() == [0.0, 1.0, 0.0]
    assert x[:, col["other_region"]].tolist() == [1.0, 0.0, 1.0]
    assert x[1, col["overlap_target"]] > x[0, col["overlap_target"]]


def test_learned_rerank_orders_the_head_by_the_model(index, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    query = "경기 청년 월세 지원 안양"
    overlap_cfg = RetrieverConfig()
    plain = HybridRetriever(index, embedder, KoreanTokenizer(), overlap_cfg).run(query, k=3)
    # a model that only looks at whether the query names the agency's own city
    cfg = replace(overlap_cfg, rerank="learned", ranker_path=str(_model(tmp_path, {"region_match": 1.0, "fused": 1e-3})))
    res = HybridRetriever(index, embedder, KoreanTokenizer(), cfg).run(query, k=3)
    assert res.hits[0].doc.doc_id == "A1"
    by_id = {h.doc.doc_id: h for h in res.hits}
    assert by_id["A1"].learned > by_id["S1"].learned
    # the head keeps the overlap stage's set of scores; only their assignment follows the model
    assert sorted(h.score for h in res.hits) == pytest.approx(sorted(h.score for h in plain.hits))
    assert [h.score for h in res.hits] == sorted((h.score for h in res.hits), reverse=True)
    for h in res.hits:
        assert h.fused == pytest.approx({p.doc.doc_id: p.fused for p in plain.hits}[h.doc.doc_id])


def test_second_lexical_chunk_counts_for_translated_queries_only(index, embedder) -> None:  # type: ignore[no-untyped-def]
    cfg = RetrieverConfig(mode="bm25", w_doc_lex=0.0, lexical_second=0.0, lexical_second_translated=0.5)
    retriever = HybridRetriever(index, embedder, KoreanTokenizer(), cfg)
    english = retriever.run("monthly rent for youth", k=3)
    assert english.language == "en" and english.translated_terms and english.hits
    for h in english.hits:
        raw = sorted((c.lexical for c in h.chunks if c.lexical > 0), reverse=True)
        assert len(raw) >= 2
        assert h.lexical == pytest.approx(raw[0] + 0.5 * raw[1])
    korean = retriever.run("청년 월세 지원", k=3)
    assert korean.hits and not korean.translated_terms
    assert all(h.lexical == pytest.approx(max(c.lexical for c in h.chunks)) for h in korean.hits)
