"""Service-title matchers follow a live index reload: a service imported while serving is named at once."""

from __future__ import annotations

from assistant.dialogue.knowledge_base import IndexTitleMatcher
from assistant.dialogue.router import Router
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import HybridRetriever
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings


def _doc(doc_id: str, title: str, source: str = "gov24") -> Document:
    return Document(doc_id, title, "경기도 수원시", f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", source,
                    (Section("지원대상", f"{title} 대상: 수원시에 사는 청년"), Section("지원내용", "월 10만원 지원")), {"service_id": doc_id})


OLD = _doc("T1", "수원 청년 교통비 지원")
NEW = _doc("T2", "새봄 청년 응원금")
PAGE = _doc("B1", "청년 마음건강 바우처 안내", source="bundled")
ASK_NEW = "새봄청년응원금 받을 수 있나요?"


def test_matcher_sees_a_service_imported_after_it_was_built(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path)
    import_documents(settings, "gov24", [OLD], embedder, progress=False)
    retriever = HybridRetriever(load_index(settings.index_dir), embedder, KoreanTokenizer())
    catalogue, every = IndexTitleMatcher(retriever, source="gov24"), IndexTitleMatcher(retriever)
    assert catalogue.find("수원 청년 교통비 지원 받을 수 있나요") == [OLD.title]
    assert catalogue.find(ASK_NEW) == [] and every.find(ASK_NEW) == []
    import_documents(settings, "gov24", [OLD, NEW], embedder, progress=False)
    import_documents(settings, "bundled", [PAGE], embedder, progress=False)
    assert catalogue.find(ASK_NEW) == [NEW.title]  # no retrieval ran in between: the matcher refreshes itself
    assert retriever.index.docs.keys() == {"T1", "T2", "B1"}
    assert catalogue.find("청년마음건강바우처 안내 좀") == []  # another source is not in the catalogue matcher
    assert every.find("청년마음건강바우처 안내 좀") == [PAGE.title]
    import_documents(settings, "gov24", [NEW], embedder, progress=False)  # re-import without T1: its name is gone
    assert catalogue.find("수원 청년 교통비 지원 받을 수 있나요") == []


def test_processor_routes_a_newly_imported_service_to_the_eligibility_form(tmp_path, embedder, bundled_settings,
                                                                           bundled_router) -> None:  # type: ignore[no-untyped-def]
    """The processor's ``check_eligibility → eligibility_form`` route (:class:`EligibilityRoute`) reads the live
    catalogue matcher: a confident question naming a service not yet imported describes a kind of help and is
    answered from the documents; once the service is imported (no restart) it names a catalogue service and starts
    the questionnaire."""
    from assistant.app_state import build_processor
    from assistant.dialogue.actions import TurnContext
    from assistant.dialogue.eligibility_route import EligibilityRoute
    from assistant.dialogue.events import UserUttered
    from assistant.dialogue.tracker import DialogueStateTracker
    from assistant.stores.trackers import SQLTrackerStore

    settings = bundled_settings.model_copy(update={"home": tmp_path})
    import_documents(settings, "gov24", [OLD], embedder, progress=False)
    retriever = HybridRetriever(load_index(settings.index_dir), embedder, KoreanTokenizer())
    r = bundled_router
    router = Router(settings, r.embedder, r.nlu, retriever, r.composer, r.domain)
    p = build_processor(settings, router, SQLTrackerStore("sqlite://"))
    [(action, route)] = p.policies.tasks.routes["check_eligibility"]
    assert action == "eligibility_form" and isinstance(route, EligibilityRoute)
    tracker = DialogueStateTracker("reload")
    tracker.update(UserUttered(ASK_NEW, {"intent": {"name": "check_eligibility", "confidence": 1.0}}))
    context = TurnContext(settings, p.domain)
    services = p.context_defaults["services"]
    assert services.find(ASK_NEW) == [] and route.catalogue(ASK_NEW) == []
    assert route(tracker, context) is False  # a kind of help the catalogue does not hold: the documents answer
    import_documents(settings, "gov24", [OLD, NEW], embedder, progress=False)
    assert services.find(ASK_NEW) == [NEW.title] and route.catalogue(ASK_NEW) == [NEW.title]
    assert route(tracker, context) is True
