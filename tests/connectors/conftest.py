"""Fixtures for the task and alert connectors: databases (SQLite and a real PostgreSQL from the Debian
packages, via tests/stores/dbservers.py), live uvicorn servers on free ports, and the real catalogue."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest


ROOT = Path(__file__).resolve().parents[2]
GOV24_DIR = Path(os.environ.get("ASSISTANT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "gov24_benefits"


@pytest.fixture(scope="session")
def gov24_details() -> dict[str, dict[str, Any]]:
    """The real catalogue's serviceDetail records by 서비스ID (skips when ../shared/data is absent)."""
    import json

    path = GOV24_DIR / "gov24_serviceDetail_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    return {r["서비스ID"]: r for r in json.loads(path.read_text(encoding="utf-8"))["data"]}
