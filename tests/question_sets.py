"""Reading the benchmark question sets and the real catalogue's service ids (the bench set tests share these)."""

from __future__ import annotations

import json
import re
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


def korean_text(text: str) -> bool:
    """A question written in Korean: at least 10 Hangul syllables, more than three times its Latin letters."""
    hangul = len(re.findall(r"[가-힣]", text))
    return hangul >= 10 and hangul > 3 * len(re.findall(r"[A-Za-z]", text))


def assert_twins_of_same_need(en: list[dict[str, Any]], ko: list[dict[str, Any]]) -> None:
    """Every English question of ``en`` has exactly one Korean twin in ``ko`` (``twin_of``, id ``<id>-ko``) of the same
    need: language ko, the same kind, the same relevant services; no two twins share an id or a text."""
    by_id = {q["id"]: q for q in en}
    assert sorted(q["twin_of"] for q in ko) == sorted(by_id)  # every English id once, no other
    assert len({q["id"] for q in ko}) == len(ko) and len({q["text"] for q in ko}) == len(ko)
    for q in ko:
        twin = by_id[q["twin_of"]]
        assert q["id"] == f"{q['twin_of']}-ko"
        assert q["language"] == "ko" and q["kind"] == twin["kind"], q["id"]
        assert [str(s) for s in q["relevant"]] == [str(s) for s in twin["relevant"]], q["id"]
