"""``bench/retrieval_gov24.py``: the known-item set's fixed dev/test split (settings are chosen on dev, test is only
reported) and ``--config`` overrides of boolean fields (before session 19, ``colloquial=False`` measured the shipped
configuration: the text "False" is true)."""

from __future__ import annotations

import hashlib
import importlib
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
bench = importlib.import_module("retrieval_gov24")

QUERIES = [f"{w} 지원 사업 {i}번" for i, w in enumerate(["청년 월세", "출산 장려금", "보훈 명예수당", "장학금", "안전보험"] * 40)]


def test_the_split_is_the_first_hex_digit_of_the_seeded_sha256() -> None:
    for q in QUERIES[:20]:
        digit = hashlib.sha256(("s19-split:" + q).encode("utf-8")).hexdigest()[0]
        assert bench.split_of(q) == ("dev" if digit in "01234567" else "test")


def test_the_split_depends_on_the_text_only_so_shared_queries_fall_in_one_half() -> None:
    shuffled = QUERIES[:]
    random.Random(7).shuffle(shuffled)
    assert {q: bench.split_of(q) for q in QUERIES} == {q: bench.split_of(q) for q in shuffled}
    assert bench.split_of("관내 거주 국가보훈대상자 지원") == bench.split_of("관내 거주 국가보훈대상자 지원")


def test_both_halves_are_used() -> None:
    halves = [bench.split_of(q) for q in QUERIES]
    # 200 texts, p = 1/2 each: a half below 70 would be a 1-in-10^5 event for a fair split
    assert 70 <= halves.count("dev") <= 130
    assert set(halves) == {"dev", "test"}


@pytest.mark.parametrize(("raw", "value"), [("False", False), ("false", False), ("0", False), ("off", False),
                                            ("True", True), ("yes", True), ("1", True)])
def test_a_boolean_field_reads_its_value_as_a_boolean(raw: str, value: bool) -> None:
    assert bench.config_overrides([f"colloquial={raw}"]) == {"colloquial": value}


def test_other_fields_keep_number_and_text_values() -> None:
    assert bench.config_overrides(["w_region_other=0.25", "rerank_depth=50", "rerank=learned"]) == {
        "w_region_other": 0.25, "rerank_depth": 50, "rerank": "learned"}


@pytest.mark.parametrize("item", ["colloquial=maybe", "no_such_field=1", "colloquial"])
def test_a_wrong_item_is_refused(item: str) -> None:
    with pytest.raises(SystemExit):
        bench.config_overrides([item])


def test_identical_summaries_widen_each_rows_relevant_set_and_keep_the_rows() -> None:
    pairs = [("재난 피해 보상", {"A"}), ("청년 월세", {"B"}), ("재난 피해 보상", {"C"}), ("재난 피해 보상", {"D"})]
    out = bench.same_text_relevant(pairs)
    assert [q for q, _ in out] == [q for q, _ in pairs]
    assert [r for _, r in out] == [{"A", "C", "D"}, {"B"}, {"A", "C", "D"}, {"A", "C", "D"}]
    assert pairs[0][1] == {"A"}  # the strict rows are not changed in place


SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "gov24_benefits"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data/gov24_benefits is absent")
def test_the_catalogues_shared_summaries_are_counted_from_the_raw_list() -> None:
    # independent count: read serviceList directly and apply the query rule by hand
    import json
    from collections import Counter

    rows = json.loads((SHARED / bench.GOV24_FILES["list"]).read_text(encoding="utf-8"))["data"]
    texts = []
    for r in rows:
        q = " ".join(str(r.get("서비스목적요약") or "").split())
        if len(q) >= 12 and q != " ".join(str(r.get("서비스명") or "").split()) and q != "상동":
            texts.append(q)
    shared = {t: n for t, n in Counter(texts).items() if n > 1}
    widened = [r for _, r in bench.same_text_relevant(bench.known_item_set(SHARED)) if len(r) > 1]
    assert len(widened) == sum(shared.values())
