"""A three-service catalogue in the open-API file layout, for tests of the benchmarks' own plumbing (no real data).

The rows are the team's own: three real programme names with one-line summaries, enough for a benchmark to import,
query and report on without ``../shared``.
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.knowledge.loaders import GOV24_FILES

#: serviceList rows (서비스ID T0001..T0003); each 서비스목적요약 differs from its 서비스명 and is ≥ 12 characters, so each
#: is one known-item query of bench/retrieval_gov24.py.
ROWS = [
    {"서비스ID": "T0001", "서비스명": "청년 월세 지원", "서비스목적요약": "청년의 월세 부담을 덜어 줍니다",
     "지원대상": "만 19~34세 무주택 청년", "소관기관명": "국토교통부"},
    {"서비스ID": "T0002", "서비스명": "에너지바우처", "서비스목적요약": "취약계층의 냉난방비를 지원합니다",
     "지원대상": "기초생활수급 가구", "소관기관명": "산업통상자원부"},
    {"서비스ID": "T0003", "서비스명": "첫만남이용권", "서비스목적요약": "출생 아동에게 바우처를 지급합니다",
     "지원대상": "출생 신고된 아동", "소관기관명": "보건복지부"},
]


def write_tiny_catalogue(root: Path) -> Path:
    """Create directory ``root`` holding :data:`ROWS` as the serviceList file and return it.

    Raises:
        FileExistsError: ``root`` exists already.
    """
    root.mkdir()
    (root / GOV24_FILES["list"]).write_text(json.dumps({"data": ROWS}, ensure_ascii=False), encoding="utf-8")
    return root
