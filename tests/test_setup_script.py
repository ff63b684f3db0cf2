"""scripts/setup.sh installs once per checkout and pyproject.toml, so later starts need no package registry.

The script runs for real (bash) in a temporary copy of the checkout layout; ``.venv/bin/python`` there is a small
recording interpreter, so the test sees which pip installs the script asks for without touching the network.
"""

from __future__ import annotations

import hashlib
import json
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


# --- a .venv shared with another checkout (fresh-user s8, s7 #7) ------------------------------------------------------

def _venv_with_editable(tmp_path: Path, points_to: Path) -> Path:
    """A real venv (no pip) whose distribution ``x`` is an editable install of ``points_to`` (PEP 610
    direct_url.json, as pip writes it), and whose ``assistant`` is importable from ``points_to``."""
    import sys

    venv = tmp_path / "shared-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    info = site / "x-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: x\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "direct_url.json").write_text(json.dumps({"dir_info": {"editable": True}, "url": points_to.as_uri()}),
                                          encoding="utf-8")
    (site / "__editable__.x.pth").write_text(str(points_to) + "\n", encoding="utf-8")
    (points_to / "assistant").mkdir(parents=True, exist_ok=True)
    (points_to / "assistant" / "__init__.py").write_text("", encoding="utf-8")
    return venv


def _linked_checkout(tmp_path: Path, venv: Path) -> Path:
    repo = _checkout(tmp_path)
    shutil.rmtree(repo / ".venv")
    (repo / ".venv").symlink_to(venv)
    return repo


def test_a_venv_whose_editable_install_is_another_checkouts_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "main"
    venv = _venv_with_editable(tmp_path, other)
    before = {p: p.read_bytes() for p in venv.rglob("*") if p.is_file() and not p.is_symlink()}
    repo = _linked_checkout(tmp_path, venv)
    r = subprocess.run(["bash", "scripts/setup.sh"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert f"its editable 'x' is another checkout's, {other.resolve()}" in r.stderr, r.stderr
    assert "rm .venv && ./scripts/setup.sh" in r.stderr
    # nothing in the shared venv changed: no stamp, no install
    assert {p: p.read_bytes() for p in venv.rglob("*") if p.is_file() and not p.is_symlink()} == before


def test_a_venv_whose_editable_install_is_this_checkout_is_used(tmp_path: Path) -> None:
    """The same venv seen from its own checkout (also through a link to the checkout's folder): no refusal; with a
    stamp of this checkout's install nothing is installed."""
    repo = _checkout(tmp_path)
    shutil.rmtree(repo / ".venv")
    venv = _venv_with_editable(tmp_path, repo.resolve())
    (repo / ".venv").symlink_to(venv)
    stamp = f"{repo} {hashlib.sha256((repo / 'pyproject.toml').read_bytes()).hexdigest()}\n"
    (venv / ".assistant-setup-stamp").write_text(stamp, encoding="utf-8")
    r = subprocess.run(["bash", "scripts/setup.sh"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    alias = tmp_path / "alias"
    alias.symlink_to(repo)
    (venv / ".assistant-setup-stamp").write_text(stamp.replace(str(repo), str(alias)), encoding="utf-8")
    r = subprocess.run(["bash", "scripts/setup.sh"], cwd=alias, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PWD": str(alias)})  # bash keeps the logical path: $(pwd) is the alias
    assert r.returncode == 0 and r.stderr == "", r.stderr
