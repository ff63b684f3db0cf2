"""Static checks of the package: ruff (pyflakes, pycodestyle, bugbear) and mypy --strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "cmd",
    [[sys.executable, "-m", "ruff", "check", "assistant", "connectors", "bench", "tests"], [sys.executable, "-m", "mypy", "assistant", "connectors"]],
    ids=["ruff", "mypy-strict"],
)
def test_static_check(cmd: list[str]) -> None:
    if shutil.which(cmd[2]) is None and subprocess.run([sys.executable, "-m", cmd[2], "--version"], capture_output=True).returncode != 0:
        pytest.skip(f"{cmd[2]} is not installed (pip install '.[test]')")
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_no_test_imports_from_conftest() -> None:
    """``conftest`` is a different module in each folder; importing from it picks whichever was loaded first."""
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in (ROOT / "tests").rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip().startswith(("from conftest import", "import conftest"))
    ]
    assert offenders == [], "import helpers from a named module (e.g. shared_paths, live_server) instead: " + ", ".join(offenders)
