"""``assistant serve``'s first start: the app prepares an empty ``ASSISTANT_HOME`` (imports the bundled corpus and
trains the NLU, :func:`assistant.app_state.ensure_ready`) before it loads the models and says ready.

What ``ensure_ready`` builds in an empty home is what tests/conftest.py's ``bundled_settings`` builds once per
session (the same function on an empty temporary home); building it again here would cost a minute of CPU. So
this test checks the app's part: ``create_app`` with no router calls ``ensure_ready`` on its own, still empty,
home before loading, and then answers from what was built (the call copies the session's built index and NLU,
then runs the real ``ensure_ready``, which finds them). The widget's browser tests start ``assistant serve`` on
such a copy (tests/conftest.py's ``server_url``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant import app_state
from assistant.knowledge import embedder as embedder_module
from assistant.knowledge.index import current_version
from assistant.server.app import create_app
from assistant.settings import Settings


def test_an_empty_home_is_prepared_at_start_then_served(bundled_settings: Settings, embedder: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real_ensure_ready = app_state.ensure_ready
    seen: list[tuple[Path, bool, bool]] = []

    def ensure_ready(settings: Settings, emb: Any, progress: bool = True) -> None:
        seen.append((settings.home, current_version(settings.index_dir) is None,
                     not (settings.nlu_dir / "pipeline.json").exists()))
        for name in ("index", "nlu"):  # what the import and the training build (see the module's docstring)
            shutil.copytree(bundled_settings.home / name, settings.home / name)
        real_ensure_ready(settings, emb, progress)

    monkeypatch.setattr(app_state, "ensure_ready", ensure_ready)
    monkeypatch.setattr(embedder_module, "make_embedder", lambda *_a, **_k: embedder)  # the session's (weights load once)
    home = tmp_path / "home"
    settings = Settings(home=home, warm_up=False, mydata_sweep_interval=0, eligibility_url=bundled_settings.eligibility_url)
    app = create_app(settings)
    assert app.state.router is None and not app.state.ready
    with TestClient(app) as client:
        assert seen == [(home, True, True)]  # called once, on the empty home, before anything loaded
        assert client.get("/health").status_code == 200
        [reply, *_] = client.post("/webhooks/rest/webhook", json={"sender": "first", "message": "에너지바우처 신청 방법"}).json()
        assert reply["text"] and any(c["url"].startswith("https://www.gov.kr/") for c in reply["custom"]["citations"])
