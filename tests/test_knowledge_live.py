"""A running retriever follows imports and retractions; ``knowledge status`` lists retractions;
retrieval filters from the REST channel's ``metadata.filters``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.channels.rest import RestMessage, to_user_message
from assistant.cli import main as cli_main
from assistant.errors import InvalidInputError
from assistant.knowledge.composer import AnswerComposer
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents, retract_documents
from assistant.knowledge.retriever import HybridRetriever, RetrievalFilters, request_filters
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings


def _doc(doc_id: str, title: str, agency: str, target: str, benefit: str) -> Document:
    return Document(doc_id, title, agency, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    (Section("지원대상", target), Section("지원내용", benefit)), {"service_id": doc_id})


CORPUS = [
    _doc("L1", "연탄쿠폰", "산업통상부", "연탄을 사용하는 저소득 가구", "연탄 구입 쿠폰 지급"),
    _doc("L2", "강원 연탄 추가 지원", "강원특별자치도", "강원도에 사는 연탄 사용 가구", "연탄 구입비 추가 지원"),
    _doc("L3", "어린이집 보육료 지원", "보건복지부", "어린이집 이용 아동", "보육료 지원"),
]
NEW = _doc("L4", "난방유 바우처", "산업통상부", "등유 보일러를 쓰는 저소득 가구", "난방유 구입 바우처")


@pytest.fixture()
def home(tmp_path: Path, embedder) -> Settings:  # type: ignore[no-untyped-def]
    s = Settings(home=tmp_path / "home")
    import_documents(s, "gov24", CORPUS, embedder, progress=False)
    return s


def _ids(retriever: HybridRetriever, query: str) -> list[str]:
    return [h.doc.doc_id for h in retriever.run(query, k=10).hits]


def test_running_retriever_follows_retract_and_import(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    tok = KoreanTokenizer()
    index = load_index(home.index_dir)
    retriever = HybridRetriever(index, embedder, tok)
    composer = AnswerComposer(index, tok, threshold=0.0)
    assert "L1" in _ids(retriever, "연탄 쿠폰")
    assert retriever.refresh() is False  # nothing changed: no reload

    retract_documents(home, "gov24", ["L1"], embedder)  # as another process would (the CLI), on disk only
    assert "L1" not in _ids(retriever, "연탄 쿠폰")  # the next query sees the new version
    assert retriever.index.version != index.version and set(retriever.index.docs) == {"L2", "L3"}

    import_documents(home, "extra", [NEW], embedder, progress=False)
    result = retriever.run("난방유 바우처 신청", k=5)
    assert result.hits[0].doc.doc_id == "L4"
    answer = composer.run(result)  # the composer quotes from the index the hits came from
    assert not answer.abstained and answer.citations[0].doc_id == "L4" and "등유 보일러" in answer.text


def test_follow_index_off_keeps_the_loaded_index(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    retriever = HybridRetriever(load_index(home.index_dir), embedder, KoreanTokenizer(), follow_index=False)
    retract_documents(home, "gov24", ["L1"], embedder)
    assert "L1" in _ids(retriever, "연탄 쿠폰") and retriever.refresh() is False


def test_status_lists_retractions_with_source_ids_and_time(home: Settings, embedder, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    retract_documents(home, "gov24", ["L2", "L1"], embedder)
    monkeypatch.setenv("ASSISTANT_HOME", str(home.home))
    assert cli_main(["knowledge", "status"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sources"] == {"gov24": 1}
    rows = out["retractions"]["gov24"]
    assert [r["doc_id"] for r in rows] == ["L1", "L2"]
    assert all(r["retracted_at"][:4].isdigit() and "T" in r["retracted_at"] for r in rows)
    assert cli_main(["knowledge", "retract", "gov24", "L1", "--restore"]) == 0
    capsys.readouterr()
    assert cli_main(["knowledge", "status"]) == 0
    assert [r["doc_id"] for r in json.loads(capsys.readouterr().out)["retractions"]["gov24"]] == ["L2"]


def test_rest_metadata_filters_reach_retrieval(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    retriever = HybridRetriever(load_index(home.index_dir), embedder, KoreanTokenizer())
    assert {"L1", "L2"} <= set(_ids(retriever, "연탄 구입 지원"))
    body = RestMessage.model_validate({"sender": "u1", "message": "연탄 구입 지원",
                                       "metadata": {"filters": {"agency": "강원특별자치도", "on_date": "2026-05-01"}}})
    token = request_filters.set(None)
    try:
        msg = to_user_message(body)
        assert msg.metadata["filters"] == {"agency": "강원특별자치도", "on_date": "2026-05-01"}  # kept as sent
        assert request_filters.get() == RetrievalFilters(("강원특별자치도",), None, "2026-05-01")
        assert _ids(retriever, "연탄 구입 지원") == ["L2"]
        # an explicit filter argument still wins over the request's
        assert "L1" in [h.doc.doc_id for h in retriever.run("연탄 구입 지원", k=10, filters=RetrievalFilters()).hits]
    finally:
        request_filters.reset(token)
    assert "L1" in _ids(retriever, "연탄 구입 지원")  # outside the request: no filter


def test_rest_message_without_filters_sets_none() -> None:
    token = request_filters.set(RetrievalFilters(language="en"))
    try:
        to_user_message(RestMessage.model_validate({"sender": "u1", "message": "hi", "metadata": {"language": "en"}}))
        assert request_filters.get() is None  # a previous request's filters never leak into this one
    finally:
        request_filters.reset(token)


@pytest.mark.parametrize("filters", [
    {"agency": ""},
    {"language": "fr"},
    {"on_date": "01/05/2026"},
    {"agencies": ["서울특별시"]},  # unknown key
    {"agency": 3},
    "서울특별시",
])
def test_bad_rest_filters_are_clear_errors(filters: object) -> None:
    body = RestMessage.model_validate({"sender": "u1", "message": "연탄", "metadata": {"filters": filters}})
    with pytest.raises(InvalidInputError, match="filters"):
        to_user_message(body)


def test_rest_filters_accept_a_list_of_agencies_and_language() -> None:
    token = request_filters.set(None)
    try:
        to_user_message(RestMessage.model_validate({"sender": "u1", "message": "x",
                                                    "metadata": {"filters": {"agency": ["서울특별시", "경기도"], "language": "ko"}}}))
        assert request_filters.get() == RetrievalFilters(("서울특별시", "경기도"), "ko", None)
    finally:
        request_filters.reset(token)


def test_rest_webhook_filters_reach_the_knowledge_answer(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    """Through the real app (create_app + engine, httpx ASGI transport): the filters of ``metadata.filters`` are the
    ones the knowledge action's retrieval sees in its worker thread, and they decide what is cited."""
    import asyncio

    import httpx

    from assistant.dialogue.actions import FunctionAction
    from assistant.server.app import create_app

    p = make_processor()
    original = p.action("action_answer_from_knowledge")
    seen: list[RetrievalFilters | None] = []

    def recording(tracker, domain, context):  # type: ignore[no-untyped-def]
        seen.append(request_filters.get())
        return original.run(tracker, domain, context)

    p.registry.register(FunctionAction("action_answer_from_knowledge", recording), replace=True)
    app = create_app(bundled_settings, router=bundled_router, processor=p)
    q = "에너지바우처 신청 방법"

    async def ask(sender: str, metadata: dict[str, object]) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60) as c:
            return await c.post("/webhooks/rest/webhook", json={"sender": sender, "message": q, "metadata": metadata})

    def cited(r: httpx.Response) -> list[dict[str, str]]:
        assert r.status_code == 200, r.text
        return [c for m in r.json() for c in m.get("custom", {}).get("citations", [])]

    plain = cited(asyncio.run(ask("f0", {})))
    assert plain and plain[0]["title"] == "에너지바우처" and seen[-1] is None
    narrowed = cited(asyncio.run(ask("f1", {"filters": {"agency": "산림청"}})))
    assert seen[-1] == RetrievalFilters(("산림청",))
    assert all(c["agency"].startswith("산림청") and c["title"] != "에너지바우처" for c in narrowed)
    again = cited(asyncio.run(ask("f2", {})))  # the next request without filters is not narrowed
    assert seen[-1] is None and again[0]["title"] == "에너지바우처"
    bad = asyncio.run(ask("f3", {"filters": {"on_date": "2026-02-30"}}))
    assert bad.status_code == 400 and "filters" in bad.text
