"""A home's NLU knows what it was trained on (assistant/app_state.py ``training_data.json``): ``ensure_ready`` (what
``assistant serve`` and ``assistant ask`` run first) retrains when the bundled project's files changed since (an
upgrade, an operator's edit), and leaves a model trained on another project alone. Found by a new user who served a
home trained by an older checkout: the new intents were silently not served."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.app_state import TRAINING_DATA_FILE, ensure_ready, train_nlu, training_data_status
from assistant.nlu.pipeline import NluPipeline
from assistant.settings import Settings

EXAMPLES = {
    "greet": ["안녕하세요", "hello", "hi there", "좋은 아침이에요", "안녕", "good morning"],
    "goodbye": ["잘 있어요", "bye", "see you later", "안녕히 계세요", "goodbye", "다음에 봐요"],
}
NEW = {"ask_weather": ["오늘 날씨 어때요", "what's the weather like", "비 와요?", "is it raining", "내일 맑아요?", "weather today"]}


def _write_project(root: Path, intents: dict[str, list[str]]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "domain.yml").write_text('version: "3.1"\nintents: [' + ", ".join(intents) + "]\n", encoding="utf-8")
    lines = ['version: "3.1"', "nlu:"]
    for name, examples in intents.items():
        lines += [f"- intent: {name}", "  examples: |"] + [f"    - {e}" for e in examples]
    (root / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def home(bundled_settings: Settings, tmp_path: Path) -> Settings:
    """A copy of the bundled home (its index, so ensure_ready imports nothing) whose intents are a small project."""
    shutil.copytree(bundled_settings.home, tmp_path / "home", ignore=shutil.ignore_patterns("*.db", "cache"))
    _write_project(tmp_path / "intents", EXAMPLES)
    return bundled_settings.model_copy(update={"home": tmp_path / "home", "intents_dir": tmp_path / "intents"})


def test_the_record_names_the_project_and_digests_its_files(bundled_settings: Settings) -> None:
    record = json.loads((bundled_settings.nlu_dir / TRAINING_DATA_FILE).read_text(encoding="utf-8"))
    root = bundled_settings.intents_dir.resolve()
    assert record["project"] == str(root)
    assert "nlu.yml" in record["files"] and "domain.yml" in record["files"]
    digest = hashlib.sha256()
    for name in record["files"]:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    assert record["sha256"] == digest.hexdigest()
    assert training_data_status(bundled_settings) == ("current", root)


def test_an_edited_bundled_project_is_retrained_at_start(home: Settings, embedder: Any) -> None:
    # the copied model was trained on the repository's intents/, not on this home's project: left alone
    assert training_data_status(home)[0] == "current" and training_data_status(home)[1] != home.intents_dir.resolve()
    ensure_ready(home, embedder, progress=False)
    assert "ask_weather" not in NluPipeline.load(home.nlu_dir, embedder).classifier.labels
    train_nlu(home, embedder)
    assert training_data_status(home) == ("current", home.intents_dir.resolve())
    trained_at = (home.nlu_dir / "pipeline.json").stat().st_mtime_ns
    ensure_ready(home, embedder, progress=False)  # nothing changed: no training
    assert (home.nlu_dir / "pipeline.json").stat().st_mtime_ns == trained_at

    _write_project(home.intents_dir, EXAMPLES | NEW)  # the operator adds an intent
    assert training_data_status(home)[0] == "changed"
    ensure_ready(home, embedder, progress=False)
    assert training_data_status(home)[0] == "current"
    nlu = NluPipeline.load(home.nlu_dir, embedder)
    assert set(nlu.classifier.labels) == {"greet", "goodbye", "ask_weather"}


def test_a_model_of_another_project_is_never_replaced(home: Settings, embedder: Any, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    other = tmp_path / "other"
    _write_project(other, EXAMPLES | NEW)
    train_nlu(home, embedder, other)
    _write_project(other, EXAMPLES)  # that project changes; the home's own intents are a different project
    assert training_data_status(home) == ("changed", other.resolve())
    trained_at = (home.nlu_dir / "pipeline.json").stat().st_mtime_ns
    with caplog.at_level("WARNING"):
        ensure_ready(home, embedder, progress=False)
    assert (home.nlu_dir / "pipeline.json").stat().st_mtime_ns == trained_at
    assert f"assistant train --project {other.resolve()}" in caplog.text


def test_a_model_without_a_record_is_kept_with_a_warning(home: Settings, embedder: Any,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    (home.nlu_dir / TRAINING_DATA_FILE).unlink()
    assert training_data_status(home) == ("unknown", None)
    trained_at = (home.nlu_dir / "pipeline.json").stat().st_mtime_ns
    with caplog.at_level("WARNING"):
        ensure_ready(home, embedder, progress=False)
    assert (home.nlu_dir / "pipeline.json").stat().st_mtime_ns == trained_at
    assert "no record of its training data" in caplog.text
