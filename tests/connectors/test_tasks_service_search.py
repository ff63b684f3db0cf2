"""English service names for applying, found with the knowledge retriever (connectors/tasks/service_search.py): a
real hybrid retriever (bundled e5 embedder, the project's glossary) over an index of 30 real catalogue services, the
term specificity computed over the whole real catalogue; then the apply conversation with the trained bundled NLU."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.documents import Document
from assistant.settings import Settings
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.service_search import SPECIFIC_SHARE, ServiceSearch, requested_name

NAMED = ("에너지바우처", "주거급여", "장기요양", "난방비", "난임")


def titles_with(term: str) -> dict[str, str]:
    """서비스ID → 서비스명 of the real catalogue's titles holding ``term``, read here from the JSON itself."""
    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))["data"]
    return {r["서비스ID"]: r["서비스명"] for r in rows if term in r["서비스명"]}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Document]:
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.loaders import load_gov24

    return {d.doc_id: d for d in load_gov24(GOV24_DIR)}


@pytest.fixture(scope="module")
def retriever(catalogue: dict[str, Document], embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from assistant.knowledge.index import load_index
    from assistant.knowledge.ingest import import_documents
    from assistant.knowledge.retriever import HybridRetriever
    from assistant.nlu.tokenizer import KoreanTokenizer

    named = [d for d in catalogue.values() if any(t in d.title for t in NAMED)]
    others = [d for d in list(catalogue.values())[:40] if d not in named][:22]
    settings = Settings(home=tmp_path_factory.mktemp("service-search"))
    import_documents(settings, "gov24", named + others, embedder, progress=False)
    r = HybridRetriever(load_index(settings.index_dir), embedder, KoreanTokenizer())
    r.warm_up()
    return r


@pytest.mark.parametrize(("text", "terms"), [
    ("I'd like to apply for the energy voucher", ["에너지바우처"]),
    ("apply for housing benefit please", ["주거급여"]),
    ("I want to apply for heating costs support", ["난방비"]),
    ("apply for long-term care", ["장기요양", "노인장기요양"]),
])
def test_an_english_name_finds_the_services_whose_title_holds_its_korean_term(
        catalogue: dict[str, Document], retriever: Any, text: str, terms: list[str]) -> None:
    limit = max(1, int(len(catalogue) * SPECIFIC_SHARE))
    expected = {k: v for t in terms if len(titles_with(t)) <= limit for k, v in titles_with(t).items()}
    assert expected  # each case names a specific term of the real catalogue
    found = ServiceSearch(retriever).find(text, catalogue)
    assert {s.service_id: s.name for s in found} == expected
    assert all(s.agency == catalogue[s.service_id].agency for s in found)


@pytest.mark.parametrize("text", ["I want to apply for a benefit", "apply for support", "에너지바우처 신청하고 싶어요",
                                  "please apply", ""])
def test_no_specific_name_no_candidate(catalogue: dict[str, Document], retriever: Any, text: str) -> None:
    # "benefit" → 급여/혜택/수당 and "support" → 지원 are in too many titles to name one; Korean has no glossary terms
    # (its titles are matched by ServiceNames before any search); "apply" is the request itself
    assert ServiceSearch(retriever).find(text, catalogue) == []


def test_no_index_means_no_search(catalogue: dict[str, Document]) -> None:
    def missing() -> Any:
        raise FileNotFoundError("no index")

    search = ServiceSearch(missing)
    assert search.find("apply for the energy voucher", catalogue) == [] and search.retriever() is None


def test_apply_in_english_shows_the_named_services_checklist(catalogue: dict[str, Document], retriever: Any,
                                                             bundled_settings: Settings, bundled_router: Any,
                                                             tmp_path: Path) -> None:
    from live_server import LiveServer  # type: ignore[import-not-found]

    from assistant.app_state import build_processor
    from assistant.dialogue.sdk import SdkActionExecutor
    from assistant.stores.trackers import SQLTrackerStore
    from connectors.tasks.actions import TaskContext, make_actions
    from connectors.tasks.service import create_app
    from connectors.tasks.store import ApplicationStore

    [voucher] = titles_with("에너지바우처")
    source = ChecklistSource.fixed(list(catalogue.values()))
    store = ApplicationStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    with LiveServer(create_app(store=store, checklists=source)) as live:
        settings = bundled_settings.model_copy(update={"connector_actions": "", "tasks_url": live.url, "connector_timeout": 2.0,
                                                       "tasks_applicant_secret": "s" * 40, "connector_retries": 1})
        ctx = TaskContext(settings, catalogue=source, retriever=retriever, mydata=False)
        p = build_processor(settings, bundled_router, SQLTrackerStore("sqlite://"), executor=SdkActionExecutor(make_actions(ctx)))
        turn = p.handle_message(UserMessage("en-1", "I'd like to apply for the energy voucher", "rest", {}))
        assert turn.language == "en"
        assert [m.custom.get("response") for m in turn.messages] == ["utter_task_checklist"], turn.messages
        assert "에너지바우처" in turn.messages[0].text
        assert p.load("en-1").slots["task_pending"]["service_id"] == voucher
        housing = p.handle_message(UserMessage("en-2", "I want to apply for housing benefit", "rest", {}))
        assert [m.custom.get("response") for m in housing.messages] == ["utter_task_ask_service"]
        assert sorted(json.loads(b["payload"].removeprefix("/apply_service"))["service_id"] for b in housing.messages[0].buttons) \
            == sorted(titles_with("주거급여"))
        # s45 probe: the glossary's 난임시술 names one title only, 경상북도's 남성 난임시술 지원; for a citizen whose
        # place is unknown that local service is one choice among those retrieved, not the checklist
        local = [i for i, t in titles_with("난임시술").items() if catalogue[i].agency == "경상북도"]
        national = [i for i, d in catalogue.items() if "난임" in d.title and d.agency == "보건복지부"]
        assert local and national
        infertility = p.handle_message(UserMessage("en-3", "apply for the infertility treatment support", "rest", {}))
        assert [m.custom.get("response") for m in infertility.messages] == ["utter_task_ask_service"], infertility.messages
        offered = [json.loads(b["payload"].removeprefix("/apply_service"))["service_id"] for b in infertility.messages[0].buttons]
        assert offered[0] == local[0] and set(national) & set(offered), offered
        assert p.load("en-3").slots.get("task_pending") is None
        assert store.count() == 0  # nothing submitted without the citizen's yes
    store.db.dispose()


@pytest.mark.parametrize(("text", "name"), [
    ("미혼모 의료비 지원 신청할래요", "미혼모 의료비 지원"), ("신청할래요", None),
    ("Apply for the energy voucher", "energy voucher"),
    # s38 probe: the citizen's name and a masked phone number were told back as the service's name
    ("홍길동 <phone> 기초연금 신청", "기초연금"), ("<rrn> 주거급여 신청하고 싶어요", "주거급여"),
])
def test_the_name_a_request_to_apply_gives(text: str, name: str | None) -> None:
    assert requested_name(text) == name
