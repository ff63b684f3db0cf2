"""Static checks of the package: ruff (pyflakes, pycodestyle, bugbear) and mypy --strict."""

from __future__ import annotations

import ast
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
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


_LOG_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("n", logging.INFO, "p", 1, "m", None, None))) | {"message", "asctime"}


def _extra_keys(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, key) of every constant key of a dict literal given as ``extra=`` or assigned to a name ``extra``."""
    for node in ast.walk(tree):
        dicts: list[ast.expr] = []
        if isinstance(node, ast.Call):
            dicts = [kw.value for kw in node.keywords if kw.arg == "extra"]
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "extra" for t in node.targets):
            dicts = [node.value]
        for d in dicts:
            if isinstance(d, ast.Dict):
                yield from ((d.lineno, k.value) for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))


def test_log_extras_never_name_a_log_record_attribute() -> None:
    """``logger.info(..., extra={"created": ...})`` raises KeyError inside ``Logger.makeRecord`` as soon as the level is
    enabled (``assistant serve --verbose``): it failed every application submission at INFO. No ``extra`` of the
    package may name an attribute of :class:`logging.LogRecord` (the set is read off a real record, not written here)."""
    assert {"created", "name", "msg", "args", "levelname", "module", "process"} <= _LOG_RECORD_ATTRIBUTES  # the probe works
    clashes = [
        f"{p.relative_to(ROOT)}:{line} {key!r}"
        for folder in ("assistant", "connectors")
        for p in sorted((ROOT / folder).rglob("*.py"))
        for line, key in _extra_keys(ast.parse(p.read_text(encoding="utf-8")))
        if key in _LOG_RECORD_ATTRIBUTES
    ]
    assert clashes == [], "rename these log extras (they clash with LogRecord attributes): " + ", ".join(clashes)


def test_the_extra_scan_finds_a_clash() -> None:
    """The scan above reads both forms it claims to (a call's ``extra=`` and an ``extra = {...}`` assignment)."""
    code = 'log.info("x", extra={"stage": 1, "created": 2})\nextra = {"module": 3}\nlog.info("y", extra=extra)\n'
    assert sorted(_extra_keys(ast.parse(code))) == [(1, "created"), (1, "stage"), (2, "module")]
