"""Paths the tests share (import this, never ``conftest``: several conftest modules exist and their names collide)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("ASSISTANT_SHARED_DATA", ROOT.parent / "shared" / "data"))
GOV24_DIR = SHARED_DATA / "gov24_benefits"
