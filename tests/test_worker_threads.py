"""The test processes' encoder threads (tests/worker_threads.py, exported by tests/conftest.py): the cores shared out among xdist's
workers, so 2 workers on 2 cores do not run 4 spinning OpenMP threads."""

from __future__ import annotations

import os

import pytest
from worker_threads import worker_threads


@pytest.mark.parametrize(("workers", "cores", "want"), [
    (None, 2, None), ("1", 2, None), ("2", 2, 1), ("2", 4, 2), ("3", 8, 2), ("4", 2, 1), ("16", 1, 1)])
def test_cores_are_shared_out_among_workers(monkeypatch: pytest.MonkeyPatch, workers: str | None, cores: int,
                                            want: int | None) -> None:
    if workers is None:
        monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)
    else:
        monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", workers)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert worker_threads() == want


def test_this_run_exported_its_share() -> None:
    """Under xdist this process (and every server a test starts) has a thread count in its environment: the share,
    unless the caller had set its own (``setdefault``)."""
    share = worker_threads()
    if share is None:
        pytest.skip("one test process: the encoder keeps its default (every core)")
    assert int(os.environ["OMP_NUM_THREADS"]) >= 1 and int(os.environ["ASSISTANT_EMBED_THREADS"]) >= 1
