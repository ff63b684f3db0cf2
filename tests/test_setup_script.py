"""scripts/setup.sh installs once per checkout and pyproject.toml, so later starts need no package registry.

The script runs for real (bash) in a temporary copy of the checkout layout; ``.venv/bin/python`` there is a small
recording interpreter, so the test sees which pip installs the script asks for without touching the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$(dirname "$0")/../../calls.log"
exit 0
"""


def _checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", repo / "scripts" / "setup.sh")
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    bindir = repo / ".venv" / "bin"
    bindir.mkdir(parents=True)
    py = bindir / "python"
    py.write_text(FAKE_PYTHON, encoding="utf-8")
    py.chmod(0o755)
    return repo


def _run(repo: Path, **env: str) -> list[str]:
    log = repo / "calls.log"
    log.unlink(missing_ok=True)
    subprocess.run(["bash", "scripts/setup.sh"], cwd=repo, check=True, env={**os.environ, **env}, timeout=60)
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [c for c in calls if "pip install" in c]


def test_installs_once_then_skips(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    first = _run(repo)
    assert any("-e .[test]" in c for c in first), first
    assert (repo / ".venv" / ".assistant-setup-stamp").read_text(encoding="utf-8").startswith(str(repo))
    assert _run(repo) == []


def test_changed_pyproject_or_force_reinstalls(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    _run(repo)
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "2"\n', encoding="utf-8")
    assert any("-e .[test]" in c for c in _run(repo))
    assert _run(repo) == []
    assert any("-e .[test]" in c for c in _run(repo, ASSISTANT_SETUP_FORCE="1"))
