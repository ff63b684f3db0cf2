"""Reading the benchmark question sets and the real catalogue's service ids (the bench set tests share these)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from shared_paths import GOV24_DIR


def questions(path: Path) -> list[dict[str, Any]]:
    """The ``questions`` list of a bench question file (bench/citizen_questions*.yaml)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def catalogue_ids() -> set[str]:
    """Every 서비스ID of the real catalogue's service list; skips the calling test when ../shared is absent."""
    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    if not path.exists():
        pytest.skip(f"the real catalogue is absent ({path}); see ../shared/data/SOURCES.md")
    return {str(r["서비스ID"]).strip() for r in json.loads(path.read_text(encoding="utf-8"))["data"]}
