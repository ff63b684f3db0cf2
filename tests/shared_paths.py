"""Paths the tests share (import this, never ``conftest``: several conftest modules exist and their names collide)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("ASSISTANT_SHARED_DATA", ROOT.parent / "shared" / "data"))
GOV24_DIR = SHARED_DATA / "gov24_benefits"

import datetime as _dt  # noqa: E402 - kept beside the constant it serves

#: The day the tests read application periods (신청기한) against (``Settings.period_today``): the day their expected
#: texts were checked (s17/s18, 2026-12-01). Pinned so the suite gives the same result next year: with the real
#: clock, eligibility-list lines and answers gain "신청 기간이 지났습니다 (…까지)." as catalogue windows close.
PINNED_TODAY = _dt.date(2026, 12, 1)
