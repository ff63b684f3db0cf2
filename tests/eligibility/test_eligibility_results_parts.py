"""The parts of the s20 whole-catalogue path (issue 5: 10,970 services for one person in <= 50 ms).

``Evaluation.results`` now builds a row's explanation from its code part (once per distinct signature, from the codes
shown and still open in bit order) and its extra groups' part (once per distinct combination), and fills the results
through ``map`` over the slots. Its helpers are checked here against values computed another way, and the whole path
against the row-by-row :meth:`Evaluation.explain` on a catalogue whose rows come in combinations the real one does not
have (the bench's perturbed tiling: every copy's codes paired with another service's page, plus one random code).
"""

from __future__ import annotations

import hashlib
import json
import random

import numpy as np
import pytest
from elig_helpers import bench_eligibility  # type: ignore[import-not-found]

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.codes import BIT, CODES
from connectors.eligibility.evaluator import Evaluation, _bits, _flag_part, _mixed_radix, evaluate
from connectors.eligibility.facts import Facts



def test_bits_are_the_set_bits_lowest_first() -> None:
    rnd = random.Random(3)
    for value in [0, 1, 2**45, 2**64 - 1] + [rnd.getrandbits(64) for _ in range(200)]:
        assert _bits(value) == [i for i in range(64) if value & (1 << i)]


def test_mixed_radix_is_equal_exactly_where_every_column_is() -> None:
    rnd = np.random.default_rng(7)
    n = 500
    small = [(rnd.integers(0, 3, n), 3), (rnd.integers(0, 2, n), 2), (rnd.integers(0, 4, n), 4)]
    # radices whose product passes 2**62, so the key is renumbered on the way (and would overflow if it were not)
    large = small + [(rnd.integers(0, 2**20, n), 2**20), (rnd.integers(0, 2**25, n), 2**25), (rnd.integers(0, 2**30, n), 2**30)]
    for columns in (small, large):
        key = _mixed_radix(columns).tolist()
        rows = list(zip(*[c.tolist() for c, _r in columns], strict=True))
        for i in range(0, n, 7):
            for j in range(n):
                assert (key[i] == key[j]) == (rows[i] == rows[j])
    # the small one is the plain mixed-radix number
    assert _mixed_radix(small).tolist() == [(a * 2 + b) * 4 + c for a, b, c in zip(*[x.tolist() for x, _r in small], strict=True)]


def test_flag_part_splits_at_the_age_range_and_lists_each_fact_once() -> None:
    by_code = {c.code: c for c in CODES}
    # JA0101 (sex, before the age range), JA0201-JA0205 (income), JA1101 (business status, after it)
    shown = sum(1 << BIT[c] for c in ("JA0101", "JA0201", "JA0202", "JA1101"))
    still_open = sum(1 << BIT[c] for c in ("JA0201", "JA0202", "JA1101"))
    before, after, miss_before, miss_after = _flag_part(shown, still_open)
    assert [c.code for c in before] == ["JA0101", "JA0201", "JA0202"]
    assert [c.code for c in after] == ["JA1101"]
    assert all(c.value == "Y" and c.meaning == by_code[c.code].ko for c in before + after)
    # the two income codes decide the same fact: named once
    assert by_code["JA0201"].fact == by_code["JA0202"].fact
    assert miss_before == (by_code["JA0201"].fact,)
    assert miss_after == (by_code["JA1101"].fact,)
    assert _flag_part(0, 0) == ((), (), (), ())


@pytest.fixture(scope="module")
def perturbed(gov24_dir) -> Catalogue:  # type: ignore[no-untyped-def]
    return bench_eligibility().tiled(Catalogue.from_gov24_dir(gov24_dir), 3, perturbed=True)


PEOPLE = {
    "nothing known": Facts(),
    "elder in Busan": Facts(age=78, sex="male", income_pct_median=40, single_person_household=True, veteran=True,
                            region="부산광역시"),
    "worker in Seongnam": Facts(age=40, sex="female", income_pct_median=120, employed=True, disabled=False,
                                welfare_recipient=False, business_status="none", region="경기도 성남시"),
    "recipient student": Facts(age=17, student_level="high", welfare_recipient=True, near_poverty=False,
                               target_groups={"student": True}, region="서울특별시 강남구"),
}


@pytest.mark.parametrize("name", list(PEOPLE))
def test_results_equal_row_by_row_on_the_perturbed_tiling(name: str, perturbed: Catalogue) -> None:
    ev = Evaluation(perturbed, PEOPLE[name])
    batch = [(r.status, r.decided_by, r.missing) for r in ev.results()]
    assert batch == [ev.explain(i) for i in range(len(perturbed))]
    # the catalogue exercises both parts together: rows with a code part and an extra group's condition after it
    extra = {"REGION", "STATUS", "APPLICANT", "GROUP", "CHECK"}
    assert any(d and d[0].code not in extra and d[-1].code in extra for _s, d, _m in batch)


def test_perturbed_tiling_keeps_the_codes_and_moves_the_pages(gov24_dir) -> None:  # type: ignore[no-untyped-def]
    bench = bench_eligibility()
    cat = Catalogue.from_gov24_dir(gov24_dir)
    n = len(cat)
    big = bench.tiled(cat, 3, perturbed=True)
    assert len(big) == 3 * n and len({s.service_id for s in big.services}) == 3 * n
    # copy 0 is the catalogue itself; copy 1 row i has the page of row (i + 97) mod n and one code more at most
    assert [s.title for s in big.services[:n]] == [s.title for s in cat.services]
    assert (big.y[:n] == cat.y).all()
    for i in range(0, n, 13):
        assert big.services[n + i].title == cat.services[(i + 97) % n].title
        added = int(big.y[n + i]) & ~int(cat.y[i])
        assert int(big.y[n + i]) & int(cat.y[i]) == int(cat.y[i]) and bin(added).count("1") <= 1
    # rows no longer repeat: more distinct code signatures than the plain tiling
    assert len(np.unique(big.signature)) > len(np.unique(bench.tiled(cat, 3).signature))


def test_results_sha256_hashes_every_result_in_order(gov24_catalogue: Catalogue) -> None:
    bench = bench_eligibility()
    a = evaluate(gov24_catalogue, Facts(age=4))
    b = evaluate(gov24_catalogue, Facts())
    want = hashlib.sha256()
    for results in (a, b):
        want.update(json.dumps([r.to_json() for r in results], ensure_ascii=False, sort_keys=True).encode("utf-8"))
    assert bench.results_sha256([a, b]) == want.hexdigest()
    assert bench.results_sha256([b, a]) != want.hexdigest()
    assert bench.results_sha256([a, evaluate(gov24_catalogue, Facts(age=5))]) != bench.results_sha256([a, a])
