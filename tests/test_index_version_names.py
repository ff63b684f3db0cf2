"""Index version names sort in build order (assistant.knowledge.index.new_version_name): a running composer follows a
result's index only when its version sorts after its own, so two builds in one second must sort in the order they were
built (the old names wrapped every millisecond and could not)."""

from __future__ import annotations

import calendar
import time
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.knowledge.index import activate_version, build_index, current_version, new_version_name
from assistant.knowledge.documents import Chunk, Document


def _build(home_index: Path, n: int) -> str:
    doc = Document(doc_id=f"D{n}", title=f"문서 {n}", agency="기관", url="https://www.gov.kr/", language="ko",
                   updated_at="", source="test", sections=())
    chunk = Chunk(chunk_id=f"D{n}#0", doc_id=f"D{n}", section="지원내용", text="연탄 쿠폰", dense=False)
    version = build_index(home_index, [doc], [chunk], [["연탄", "쿠폰"]], np.zeros((0, 4), np.float32),
                          np.zeros(0, np.int64), "test")
    activate_version(home_index, version)
    return version


def test_builds_in_quick_succession_sort_in_build_order(tmp_path: Path) -> None:
    names = [_build(tmp_path / "index", n) for n in range(40)]  # many within one second
    assert names == sorted(names) and len(set(names)) == len(names)
    assert current_version(tmp_path / "index") == names[-1]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 4_000_000_000 * 10**9), st.integers(1, 10**10))
def test_a_later_time_gives_a_later_name(t: int, dt: int) -> None:
    empty = Path("/nonexistent-index-dir")
    assert new_version_name(empty, t) < new_version_name(empty, t + dt)


def test_the_name_is_the_utc_time(tmp_path: Path) -> None:
    t = calendar.timegm((2026, 12, 3, 7, 5, 9, 0, 0, 0)) * 10**9 + 42
    assert new_version_name(tmp_path, t).startswith("20261203-070509-000000042-")


def test_a_clock_that_went_back_still_names_a_later_version(tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()
    ahead = new_version_name(index, time.time_ns() + 3600 * 10**9)  # written by a clock an hour ahead
    (index / "CURRENT").write_text(ahead, encoding="utf-8")
    assert new_version_name(index) > ahead
    (index / "CURRENT").write_text("20991231-235959-4242-123456", encoding="utf-8")  # the pre-s28 form
    assert new_version_name(index) > "20991231-235959-4242-123456"
