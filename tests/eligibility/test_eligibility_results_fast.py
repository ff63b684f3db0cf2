"""The batch path of ``Evaluation.results`` (issue 5: 10,970 services in ≤ 50 ms) gives what the row-by-row path gives.

``results()`` explains each distinct condition set with one array operation (``Evaluation._explain_rows``), shares
facts-independent conditions across evaluations of one catalogue and fills :class:`ServiceResult` through its slots;
``explain(row)`` still walks pathways and groups in Python (``Evaluation._explain``) on one row at a time. Every
service's status, decided_by and missing must agree between the two, for people who know nothing, something or
everything, in several regions and as an organisation; and a result must not depend on which evaluations ran before it
on the same catalogue (the shared conditions).
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from elig_helpers import bench_eligibility  # type: ignore[import-not-found]

from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.codes import AGE_FROM, AGE_TO, CODES
from connectors.eligibility.evaluator import Evaluation, ServiceResult, evaluate
from connectors.eligibility.facts import Facts


def _bench_profiles() -> dict[str, Facts]:
    """The person profiles of ``bench/eligibility.py``."""
    return dict(bench_eligibility().PROFILES)


# the bench's profiles, plus two that only this test needs (a school-age welfare recipient, an organisation)
PROFILES = _bench_profiles() | {
    "recipient student": Facts(age=17, student_level="high", welfare_recipient=True, near_poverty=False,
                               region="서울특별시 강남구"),
    "organisation": Facts(organization_type="social_welfare_facility", business_status="none", region="전라남도 목포시"),
}


def _row_by_row(cat: Catalogue, facts: Facts) -> list[tuple[object, ...]]:
    ev = Evaluation(cat, facts)
    return [ev.explain(i) for i in range(len(cat))]


def _batch(cat: Catalogue, facts: Facts) -> list[tuple[object, ...]]:
    return [(r.status, r.decided_by, r.missing) for r in Evaluation(cat, facts).results()]


def _synthetic(n: int = 400, seed: int = 5) -> Catalogue:
    """Random coded conditions over every JA code (several pathways at once, age ranges, an unmapped code)."""
    rnd = random.Random(seed)
    records = []
    for i in range(n):
        cond: dict[str, object] = {c.code: "Y" for c in rnd.sample(CODES, rnd.randint(0, 6))}
        if rnd.random() < 0.5:
            lo = rnd.randint(0, 70)
            cond[AGE_FROM], cond[AGE_TO] = lo, lo + rnd.randint(0, 50)
        if rnd.random() < 0.03:
            cond["JA9999"] = "Y"
        records.append((ServiceInfo(f"S{i}", f"service {i}", f"https://example.org/{i}", "agency", ()), cond))
    return Catalogue.from_records(records)


@pytest.mark.parametrize("name", list(PROFILES))
def test_batch_equals_row_by_row_synthetic(name: str) -> None:
    cat = _synthetic()
    batch, rows = _batch(cat, PROFILES[name]), _row_by_row(cat, PROFILES[name])
    assert batch == rows
    # the catalogue exercises what it should: every status, several decided conditions, missing facts
    # (with nothing known nothing fails: every service is unknown)
    assert len({s for s, _d, _m in batch}) >= (1 if name == "nothing known" else 2)
    assert any(len(d) > 1 for _s, d, _m in batch)


@pytest.mark.parametrize("name", list(PROFILES))
def test_batch_equals_row_by_row_real(name: str, gov24_catalogue: Catalogue) -> None:
    assert _batch(gov24_catalogue, PROFILES[name]) == _row_by_row(gov24_catalogue, PROFILES[name])


def test_results_are_plain_service_results(gov24_catalogue: Catalogue) -> None:
    """Built through the slots, a result equals (and prints as) one built by ``__init__``, cites its own row and is
    still frozen."""
    results = evaluate(gov24_catalogue, PROFILES["everything known"])
    assert len(results) == len(gov24_catalogue)
    for row, r in enumerate(results):
        again = ServiceResult(**{f.name: getattr(r, f.name) for f in dataclasses.fields(ServiceResult)})
        assert again == r and repr(again) == repr(r)
        assert r.sources == (gov24_catalogue.sources[row],)
        assert (r.service_id, r.service_name) == (gov24_catalogue.services[row].service_id,
                                                  gov24_catalogue.services[row].title)
    with pytest.raises(dataclasses.FrozenInstanceError):
        results[0].status = "eligible"  # type: ignore[misc]


def test_shared_conditions_do_not_leak_between_people(gov24_dir) -> None:  # type: ignore[no-untyped-def]
    """Each profile's results on a catalogue that has served every other profile first equal its results on a fresh
    catalogue (nothing facts-dependent is kept in the catalogue's shared conditions)."""
    warm = Catalogue.from_gov24_dir(gov24_dir)
    for facts in PROFILES.values():
        evaluate(warm, facts)
    for name, facts in reversed(PROFILES.items()):
        fresh = Catalogue.from_gov24_dir(gov24_dir)
        assert [r.to_json() for r in evaluate(warm, facts)] == [r.to_json() for r in evaluate(fresh, facts)], name


def test_subset_in_the_order_asked(gov24_catalogue: Catalogue) -> None:
    ids = [s.service_id for s in gov24_catalogue.services[::-41]]
    facts = PROFILES["elder living alone"]
    every = {r.service_id: r for r in evaluate(gov24_catalogue, facts)}
    assert evaluate(gov24_catalogue, facts, ids) == [every[i] for i in ids]
    assert evaluate(gov24_catalogue, facts, []) == []


# s19 (issue 5, the p95): a check leaves fewer objects for the cyclic collector (decided_by / missing tuples pooled per
# catalogue, age and unmapped conditions shared), and a serving process freezes its heap after the catalogue loads.


def _left_alive(fn):  # type: ignore[no-untyped-def]
    """``(value, objects the collector tracks that fn() left alive, by type name)``, with the collector paused."""
    import collections
    import gc

    gc.collect()
    gc.disable()
    try:
        # the objects themselves stay referenced until the count is done: an object freed during fn() would
        # otherwise free its address, a new one could take it, and an id-only set would miss it (CI, stop 37: 599/600)
        alive_before = gc.get_objects()
        before = {id(o) for o in alive_before}
        value = fn()
        new = collections.Counter(type(o).__name__ for o in gc.get_objects() if id(o) not in before)
        del alive_before
    finally:
        gc.enable()
    return value, new


def test_a_repeated_check_leaves_about_one_object_per_service() -> None:
    cat = _synthetic(600, seed=11)
    facts = PROFILES["pregnant woman"]
    first, _ = _left_alive(lambda: Evaluation(cat, facts).results())
    again, new = _left_alive(lambda: Evaluation(cat, facts).results())
    assert [(r.status, r.decided_by, r.missing) for r in again] == [(r.status, r.decided_by, r.missing) for r in first]
    # the second call shares the first one's tuples: every decided_by and missing is the same object
    assert all(a.decided_by is b.decided_by and a.missing is b.missing for a, b in zip(first, again, strict=True))
    assert new["ServiceResult"] == len(cat) and new["Condition"] == 0
    # what else it leaves: the result list, the Evaluation and its few dicts (no tuple per row)
    assert sum(new.values()) - len(cat) < 40, new


def test_a_small_pool_starts_over_and_results_stay_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    import connectors.eligibility.evaluator as evaluator

    cat = _synthetic()
    want = {name: _row_by_row(cat, f) for name, f in PROFILES.items()}
    monkeypatch.setattr(evaluator, "_POOL_LIMIT", 5)
    for _ in range(2):
        for name, f in PROFILES.items():
            assert _batch(cat, f) == want[name]
    assert len(evaluator._shared(cat).pool) <= 5 + 2 * len(cat)  # emptied once past the bound, never kept growing


@pytest.fixture()
def unfrozen():  # type: ignore[no-untyped-def]
    import gc

    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test run keeps an ordinary heap


def test_a_serving_service_freezes_the_heap_after_each_load(unfrozen) -> None:  # type: ignore[no-untyped-def]
    import gc

    from connectors.eligibility.service import CatalogueSource, EligibilityService

    stamp = ["v1"]
    built: list[Catalogue] = []

    def load(s: str) -> Catalogue:
        built.append(_synthetic(50, seed=len(built)))
        return built[-1]

    def tracked(obj: object) -> bool:
        return any(o is obj for o in gc.get_objects())  # the permanent generation is not listed

    library = EligibilityService(CatalogueSource(load, lambda: stamp[0], "test"))
    cat = library.catalogue()
    assert gc.get_freeze_count() == 0 and tracked(cat.services[0])

    serving = EligibilityService(CatalogueSource(load, lambda: stamp[0], "test"), freeze_heap=True)
    cat = serving.catalogue()
    assert gc.get_freeze_count() > 0 and not tracked(cat.services[0])
    # what every evaluation shares was built before the freeze (each row's sources tuple)
    import connectors.eligibility.evaluator as evaluator

    assert not tracked(evaluator._shared(cat).sources[0])
    # a check's results are ordinary objects, collected as usual
    result = serving.check(Facts(age=30))[0]
    assert tracked(result)
    # a re-import (new stamp) loads again and freezes the new catalogue; the old one is released, not kept frozen
    import weakref

    old = weakref.ref(cat)
    del cat, result
    stamp[0] = "v2"
    new = serving.catalogue()
    assert new is built[-1] and not tracked(new.services[0])
    built.clear()
    gc.unfreeze()
    gc.collect()
    assert old() is None


def test_the_serving_processes_freeze_and_a_setting_turns_it_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.settings import Settings
    from connectors.eligibility.service import _SHARED, shared_service

    on = shared_service(Settings(home=tmp_path / "on"))
    off = shared_service(Settings(home=tmp_path / "off", eligibility_freeze_heap=False))
    try:
        assert on.freeze_heap and not off.freeze_heap
    finally:
        for key in [k for k in _SHARED if k[0].startswith(str(tmp_path))]:
            del _SHARED[key]
