"""Apply → receipt → cancel with receipts that used to be masked as a card or phone number (s8 fresh-user defect 2).

The back end is forced to issue the receipts the fresh-user run saw mangled (its generator replaced by one returning
them: the generator's own redraw would never issue them). The conversation must show the real number, keep it in the
``last_receipt`` slot (read back from the masking tracker store) and cancel that application.
Real pieces: the task back end on uvicorn over the real catalogue, the trained bundled NLU, the SQL tracker store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer  # type: ignore[import-not-found]
from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.sdk import SdkActionExecutor
from assistant.knowledge.documents import Document
from assistant.settings import Settings
from assistant.stores.masking import mask_reply
from assistant.stores.trackers import SQLTrackerStore
from connectors.tasks import store as task_store
from connectors.tasks.actions import TaskContext, make_actions
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.service import create_app
from connectors.tasks.store import ApplicationStore

NK = "449000000114"  # 벼 이삭(NK)비료 지원
SECRET = "test-secret-" + "r" * 40


@pytest.fixture(scope="module")
def catalogue() -> list[Document]:
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.loaders import load_gov24

    return load_gov24(GOV24_DIR)


def say(p: MessageProcessor, text: str, **metadata: Any) -> Turn:
    return p.handle_message(UserMessage("citizen", text, "rest", dict(metadata)))


def shown(turn: Turn) -> str:
    """The reply as the server sends it (masked like bot text, :func:`mask_reply`)."""
    reply = mask_reply({"messages": [{"text": m.text} for m in turn.messages]})
    return "\n".join(m["text"] for m in reply["messages"])


@pytest.fixture
def issued(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    receipt: str = request.param
    monkeypatch.setattr(task_store, "new_receipt", lambda now=None: receipt)
    return receipt


@pytest.fixture
def backend(catalogue: list[Document], tmp_path: Path) -> Iterator[tuple[str, ApplicationStore]]:
    apps = ApplicationStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    with LiveServer(create_app(store=apps, checklists=ChecklistSource.fixed(catalogue))) as live:
        yield live.url, apps
    apps.db.dispose()


@pytest.mark.parametrize("issued", ["TK-20261130-78532JB4", "TK-20261130-336732XG", "TK-20261130-WT054174"], indirect=True)
def test_a_receipt_that_looked_like_a_number_is_shown_kept_and_cancelled(
        issued: str, backend: tuple[str, ApplicationStore], bundled_settings: Settings, bundled_router: Any,
        catalogue: list[Document], tmp_path: Path) -> None:
    from assistant.app_state import build_processor

    url, apps = backend
    settings = bundled_settings.model_copy(update={"connector_actions": "", "tasks_url": url, "connector_timeout": 5.0,
                                                   "tasks_applicant_secret": SECRET, "connector_retries": 1})
    executor = SdkActionExecutor(make_actions(TaskContext(settings, catalogue=ChecklistSource.fixed(catalogue))))
    p = build_processor(settings, bundled_router, SQLTrackerStore(f"sqlite:///{tmp_path / 'trackers.db'}"), executor=executor)

    say(p, f"/apply_service{json.dumps({'service_id': NK})}")
    done = say(p, "/affirm", message_id="m-yes")
    assert issued in shown(done), shown(done)
    assert apps.get(issued).state == "submitted"
    assert p.tracker_state("citizen")["slots"]["last_receipt"] == issued  # read back from the masking store

    ask = say(p, "신청 취소하고 싶어요")
    assert issued in shown(ask), shown(ask)
    cancelled = say(p, "/affirm")
    assert [m.custom.get("response") for m in cancelled.messages] == ["utter_task_cancelled"], shown(cancelled)
    assert issued in shown(cancelled) and apps.get(issued).state == "cancelled"

    # the citizen types the number back (lower case, as a phone keyboard may): still found
    status = say(p, f"{issued.lower()} 조회해 주세요")
    assert issued in shown(status) and "취소" in shown(status), shown(status)
    events = p.tracker_store.load("citizen")
    assert all("<card>" not in json.dumps(e, ensure_ascii=False) and "<phone>" not in json.dumps(e, ensure_ascii=False)
               for e in events)
