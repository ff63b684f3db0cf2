"""Retraction without a re-import, and retrieval filters (agency, language, date in effect), on a tiny corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import InvalidConfigError, InvalidInputError, LoaderError
from assistant.knowledge.chunking import chunk_document
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.index import current_version, load_index
from assistant.knowledge.ingest import import_documents, retract_documents
from assistant.knowledge.loaders import load_markdown
from assistant.knowledge.retriever import HybridRetriever, RetrievalFilters
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings
from assistant.stores.documents import DocumentStore

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 36 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow


def _doc(doc_id: str, title: str, agency: str, target: str, benefit: str, **meta: str) -> Document:
    return Document(doc_id, title, agency, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    (Section("지원대상", target), Section("지원내용", benefit)), {"service_id": doc_id, **meta})


#: Four services about the same need (a child's daycare or school costs) from different agencies and periods,
#: plus one with a word no other has (썰매장), to see a retracted document's terms leave the index.
CORPUS = [
    _doc("S1", "보육료 지원", "보건복지부", "어린이집을 이용하는 만 0~5세 아동", "어린이집 보육료를 정부가 지원"),
    _doc("S2", "종로구 보육료 추가 지원", "서울특별시 종로구", "종로구에 사는 어린이집 이용 아동", "보육료 차액을 구가 지원",
         effective_from="2026-03-01", effective_to="2026-12-31"),
    _doc("S3", "서울시 보육료 특별 지원", "서울특별시교육청", "서울 어린이집 이용 아동", "보육료 특별 지원금", effective_to="2025-12-31"),
    _doc("S4", "어린이집 보육료 바우처", "서울특별시", "서울 거주 어린이집 이용 아동", "보육료 바우처", effective_from="2027-01-01"),
    _doc("S5", "눈썰매장 무료 이용", "강원특별자치도", "도민 가족", "겨울 눈썰매장 썰매장 입장료 면제"),
]


@pytest.fixture()
def home(tmp_path: Path, embedder) -> Settings:  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path / "home")
    import_documents(s, "gov24", CORPUS, embedder, progress=False)
    return s


def _retriever(settings: Settings, embedder) -> HybridRetriever:  # type: ignore[no-untyped-def]
    return HybridRetriever(load_index(settings.index_dir), embedder, KoreanTokenizer())


def _ids(retriever: HybridRetriever, query: str, filters: RetrievalFilters | None = None) -> list[str]:
    return [h.doc.doc_id for h in retriever.run(query, k=10, filters=filters).hits]


def _expected(docs: list[Document], keep) -> set[str]:  # type: ignore[no-untyped-def]
    return {d.doc_id for d in docs if keep(d)}


# ---- filters -----------------------------------------------------------------------------------------------------


def test_agency_filter_keeps_the_agency_and_its_sub_units(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    r = _retriever(home, embedder)
    q = "어린이집 보육료 지원"
    assert set(_ids(r, q)) >= {"S1", "S2", "S3", "S4"}  # unfiltered, every daycare service is a candidate
    # 서울특별시 covers 서울특별시 and 서울특별시 종로구, not 서울특별시교육청 (another body whose name merely starts alike)
    got = _ids(r, q, RetrievalFilters(agencies=("서울특별시",)))
    assert set(got) == _expected(CORPUS, lambda d: d.agency in ("서울특별시", "서울특별시 종로구"))
    got = _ids(r, q, RetrievalFilters(agencies=("보건복지부", "서울특별시교육청")))
    assert set(got) == {"S1", "S3"}
    assert _ids(r, q, RetrievalFilters(agencies=("  서울특별시   종로구 ",))) == ["S2"]  # whitespace is collapsed


def test_date_filter_keeps_documents_in_effect_that_day(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    r = _retriever(home, embedder)
    q = "어린이집 보육료 지원"
    daycare = [d for d in CORPUS if d.doc_id != "S5"]
    for day in ("2025-06-30", "2026-02-28", "2026-03-01", "2026-12-31", "2027-01-01"):
        def in_effect(d: Document, day: str = day) -> bool:
            lo, hi = d.meta.get("effective_from", "0000-00-00"), d.meta.get("effective_to", "9999-99-99")
            return bool(lo <= day <= hi)

        got = set(_ids(r, q, RetrievalFilters(on_date=day))) - {"S5"}
        assert got == _expected(daycare, in_effect), day
    # the bounds themselves are spelled out for one day, independently of the helper above
    assert set(_ids(r, q, RetrievalFilters(on_date="2026-06-01"))) - {"S5"} == {"S1", "S2"}


def test_filters_combine_and_an_empty_selection_returns_nothing(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    r = _retriever(home, embedder)
    assert _ids(r, "보육료", RetrievalFilters(agencies=("서울특별시",), on_date="2026-06-01")) == ["S2"]
    assert _ids(r, "보육료", RetrievalFilters(agencies=("국방부",))) == []
    assert _ids(r, "보육료", RetrievalFilters(language="en")) == []


def test_national_filter_keeps_only_agencies_that_name_no_region(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    r = _retriever(home, embedder)
    got = set(_ids(r, "어린이집 보육료 지원", RetrievalFilters(national=True)))
    # 보건복지부 is a ministry; 서울특별시 종로구, 서울특별시 and 강원특별자치도 are local governments, and 서울특별시교육청
    # is 서울특별시's education office (s14: it was read as naming no region, and so kept as national)
    assert "S1" in got and not got & {"S2", "S3", "S4", "S5"}
    assert RetrievalFilters(national=True).active and not RetrievalFilters().active


def test_provinces_filter_keeps_every_body_of_the_province(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    r = _retriever(home, embedder)
    got = set(_ids(r, "어린이집 보육료 지원", RetrievalFilters(provinces=("서울특별시",))))
    # 서울특별시 종로구 (S2), 서울특별시 (S4) and 서울특별시교육청 (S3) are 서울특별시's; 보건복지부 and 강원특별자치도 are not
    assert got == {"S2", "S3", "S4"}
    assert RetrievalFilters(provinces=("서울특별시",)).active


def test_region_and_national_reads_the_places_province_and_the_nation(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.knowledge.region_preference import Place

    r = _retriever(home, embedder)
    got = [h.doc.doc_id for h in r.region_and_national("어린이집 보육료 지원", (Place("서울특별시", "종로구"),), k=5)]
    # 종로구's, 서울특별시's own, its education office's and the ministry's; never 강원특별자치도's; each document once
    assert {"S1", "S2", "S3", "S4"} <= set(got) and "S5" not in got and len(got) == len(set(got))


def test_default_filters_apply_when_run_gets_none(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    r = _retriever(home, embedder)
    r.default_filters = RetrievalFilters(agencies=("보건복지부",))
    assert _ids(r, "어린이집 보육료") == ["S1"]
    assert "S2" in _ids(r, "어린이집 보육료", RetrievalFilters())  # an explicit empty filter overrides the default


@pytest.mark.parametrize("kwargs", [{"on_date": "2026-13-01"}, {"on_date": "yesterday"}, {"agencies": ("",)}, {"language": "fr"}])
def test_bad_filters_are_clear_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        RetrievalFilters(**kwargs)  # type: ignore[arg-type]


def test_markdown_effective_dates_are_validated(tmp_path: Path) -> None:
    ok = tmp_path / "a.md"
    ok.write_text("---\ntitle: A\nagency: X\neffective_from: 2026-03-01\n---\n# A\n\n## 지원대상\n누구나\n", encoding="utf-8")
    assert load_markdown(ok, "dir").meta["effective_from"] == "2026-03-01"
    bad = tmp_path / "b.md"
    bad.write_text("---\ntitle: B\neffective_to: soon\n---\n# B\n\n## 지원대상\n누구나\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="effective_to"):
        load_markdown(bad, "dir")


# ---- retraction --------------------------------------------------------------------------------------------------


class CountingTokenizer(KoreanTokenizer):
    """Counts the texts it tokenizes."""

    calls = 0

    def tokenize(self, text: str):  # type: ignore[no-untyped-def]
        type(self).calls += 1
        return super().tokenize(text)


def test_retract_removes_a_document_everywhere_without_reembedding(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    before = load_index(home.index_dir)
    gone = next(d for d in CORPUS if d.doc_id == "S5")
    gone_chunks = chunk_document(gone)
    assert "썰매" in before.vocabulary and "S5" in _ids(_retriever(home, embedder), "눈썰매장 입장료")
    CountingTokenizer.calls = 0
    rep = retract_documents(home, "gov24", ["S5"], embedder, tokenizer=CountingTokenizer())
    assert rep.retracted == ("S5",) and rep.documents == len(CORPUS) - 1
    assert rep.embedded == 0 and CountingTokenizer.calls == 0  # vectors from the cache, BM25 terms from the previous version
    after = load_index(home.index_dir)
    assert after.version != before.version
    assert "S5" not in after.docs and all(c.doc_id != "S5" for c in after.chunks)
    assert len(after.chunks) == len(before.chunks) - len(gone_chunks)
    assert after.dense.ntotal == before.dense.ntotal - sum(c.dense for c in gone_chunks)
    assert "썰매" not in after.vocabulary
    assert "S5" not in {d.doc_id for d in DocumentStore(home.db_url).all_documents()}
    assert "S5" not in _ids(_retriever(home, embedder), "눈썰매장 입장료")
    # the other documents are untouched and still found the same way
    assert _ids(_retriever(home, embedder), "어린이집 보육료", RetrievalFilters(agencies=("보건복지부",))) == ["S1"]


def test_reimport_leaves_a_retracted_document_out_until_restored(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    retract_documents(home, "gov24", ["S5"], embedder)
    rep = import_documents(home, "gov24", CORPUS, embedder, progress=False)
    assert rep.retracted_skipped == 1 and rep.documents == len(CORPUS) - 1
    assert "S5" not in load_index(home.index_dir).docs
    assert DocumentStore(home.db_url).restore("gov24", ["S5", "S9"]) == ["S5"]
    rep = import_documents(home, "gov24", CORPUS, embedder, progress=False)
    assert rep.retracted_skipped == 0 and "S5" in load_index(home.index_dir).docs


def test_retract_whole_source_and_bad_requests(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    other = Document("B1", "에너지바우처", "기후에너지환경부", "https://example.org/b1", "ko", "", "bundled",
                     (Section("지원대상", "수급 가구"),), {"service_id": "B1"})
    import_documents(home, "bundled", [other], embedder, progress=False)
    version = current_version(home.index_dir)
    with pytest.raises(InvalidInputError, match="S404"):
        retract_documents(home, "gov24", ["S1", "S404"], embedder)
    with pytest.raises(InvalidInputError, match="B1"):
        retract_documents(home, "gov24", ["B1"], embedder)  # another source's document
    with pytest.raises(InvalidInputError, match="no documents"):
        retract_documents(home, "nosuch", None, embedder)

    class OtherModel:
        name, dim = "another-model", embedder.dim

    with pytest.raises(InvalidConfigError, match="built with"):
        retract_documents(home, "gov24", ["S1"], OtherModel())  # type: ignore[arg-type]
    assert current_version(home.index_dir) == version  # nothing changed
    rep = retract_documents(home, "gov24", None, embedder)
    assert set(rep.retracted) == {d.doc_id for d in CORPUS} and rep.documents == 0
    idx = load_index(home.index_dir)
    assert set(idx.docs) == {"B1"} and DocumentStore(home.db_url).retracted("gov24") == set()
    import_documents(home, "gov24", CORPUS, embedder, progress=False)  # a whole-source removal is not remembered
    assert set(load_index(home.index_dir).docs) == {"B1", *(d.doc_id for d in CORPUS)}


# ---- command line ------------------------------------------------------------------------------------------------


def _cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env, timeout=300)


def test_cli_retract_and_restore(home: Settings) -> None:
    r = _cli(["knowledge", "retract", "gov24", "S5", "S4"], home.home)
    assert r.returncode == 0, r.stderr
    assert "retracted 2 documents from gov24 (3 left)" in r.stdout
    assert set(load_index(home.index_dir).docs) == {"S1", "S2", "S3"}
    r = _cli(["knowledge", "retract", "gov24", "S404"], home.home)
    assert r.returncode == 2 and r.stderr.startswith("error:") and "S404" in r.stderr
    r = _cli(["knowledge", "retract", "gov24", "S5", "--restore"], home.home)
    assert r.returncode == 0 and "restored 1" in r.stdout
    assert DocumentStore(home.db_url).retracted("gov24") == {"S4"}


def test_cli_ask_with_agency_filter(bundled_settings) -> None:  # type: ignore[no-untyped-def]
    q = "에너지바우처 신청 방법"
    r = _cli(["ask", "--json", "--agency", "기후에너지환경부", q], bundled_settings.home)
    assert r.returncode == 0, r.stderr
    cited = json.loads(r.stdout)["citations"]
    assert cited and cited[0]["title"] == "에너지바우처"
    r = _cli(["ask", "--json", "--agency", "산림청", q], bundled_settings.home)
    out = json.loads(r.stdout)
    assert all(c["agency"].startswith("산림청") for c in out["citations"]) and all(c["title"] != "에너지바우처" for c in out["citations"])
    r = _cli(["ask", "--json", "--on", "2026-02-30", q], bundled_settings.home)
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr
