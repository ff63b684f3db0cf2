"""One index and one eligibility service per process (connectors/shared.py, connectors/eligibility/service.py):
the task connector's English service search takes the engine's retriever in ``assistant serve`` (and follows a
swapped router), loads one of its own only without an engine and keeps it; the alert engine evaluates with the
process's shared eligibility service, the one the embedded eligibility app and the actions' client use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import ModelNotFoundError
from assistant.settings import Settings
from connectors import shared
from connectors.tasks.actions import TaskContext


class Retriever:
    """Stands for a loaded retriever (only identity matters here); ``run`` makes it one for ServiceSearch."""

    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, query: str, k: int = 10) -> Any:
        raise AssertionError("not searched in these tests")


@pytest.fixture(autouse=True)
def clean_registry(tmp_path: Path) -> Iterator[None]:
    shared.forget_loaded()
    yield
    shared.withdraw_retriever(tmp_path / "index")
    shared.forget_loaded()


def test_the_engines_retriever_is_used_and_followed_when_swapped(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    box = {"r": None}
    loads: list[str] = []
    shared.offer_retriever(settings.index_dir, lambda: box["r"])
    first, second = Retriever("engine-1"), Retriever("engine-2")
    box["r"] = first  # type: ignore[assignment]
    assert shared.knowledge_retriever(settings, load=lambda s: loads.append("own") or Retriever("own")) is first
    box["r"] = second  # type: ignore[assignment]  # a re-import swapped the engine's router
    assert TaskContext(settings, mydata=False).search.retriever() is second
    assert loads == []  # no second index or encoder loaded


def test_without_an_engine_one_retriever_is_loaded_and_kept_for_the_process(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    loads: list[Retriever] = []

    def load(_s: Any) -> Retriever:
        loads.append(Retriever(f"own-{len(loads)}"))
        return loads[-1]

    a = shared.knowledge_retriever(settings, load=load)
    b = shared.knowledge_retriever(settings.model_copy(), load=load)
    assert a is b and len(loads) == 1
    # an engine offered later (the server started) is preferred from then on
    engine = Retriever("engine")
    shared.offer_retriever(settings.index_dir, lambda: engine)
    assert shared.knowledge_retriever(settings, load=load) is engine and len(loads) == 1


def test_a_failed_load_is_not_kept_and_two_task_contexts_share_one_retriever(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(home=tmp_path)  # nothing imported: no index
    with pytest.raises(ModelNotFoundError):
        shared.knowledge_retriever(settings)
    assert TaskContext(settings, mydata=False).search.retriever() is None  # apply asks for the name instead
    loads: list[Retriever] = []
    monkeypatch.setattr("connectors.tasks.service_search.load_retriever",
                        lambda s: loads.append(Retriever("own")) or loads[-1])
    one, two = TaskContext(settings, mydata=False), TaskContext(settings, mydata=False)
    assert one.search.retriever() is two.search.retriever() is loads[0] and len(loads) == 1


def test_the_server_offers_its_engines_retriever_to_the_task_connector(bundled_settings: Settings,
                                                                       bundled_router: Any) -> None:
    from assistant.server.app import create_app

    app = create_app(bundled_settings, router=bundled_router, processor=object())
    try:
        ctx = TaskContext(bundled_settings, mydata=False)
        assert ctx.search.retriever() is bundled_router.retriever is app.state.router.retriever
    finally:
        shared.withdraw_retriever(bundled_settings.index_dir)


def test_the_alert_engine_evaluates_with_the_shared_eligibility_service(tmp_path: Path) -> None:
    from connectors.alerts.engine import ServiceEvaluator
    from connectors.alerts.service import build_engine
    from connectors.eligibility.actions import actions
    from connectors.eligibility.service import create_app as create_eligibility_app
    from connectors.eligibility.service import shared_service

    settings = Settings(home=tmp_path)
    engine = build_engine(settings)
    assert isinstance(engine.evaluator, ServiceEvaluator)
    service = shared_service(settings)
    assert engine.evaluator.service is service
    assert create_eligibility_app(settings).state.service is service
    clients = [a.client for a in actions(settings) if hasattr(a, "client")]  # the actions that call the service
    assert len(clients) == 2 and all(c.service is service for c in clients)
    engine.store.db.dispose()
