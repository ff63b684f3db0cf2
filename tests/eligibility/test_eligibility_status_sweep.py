"""Sweep over the real catalogue's status services (issue #5, s7 item 1): STATUS decides against a person known to
hold none of a service's statuses and none of the other ways its text names, and never against one who holds one.

Skips (through the ``gov24_catalogue`` fixture) when ../shared/data/gov24_benefits is absent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import STATUS, Evaluation
from connectors.eligibility.facts import Facts
from connectors.eligibility.status_ways import OtherWay
from connectors.eligibility.statuses import BY_NAME, STATUS_FACTS

#: Read by hand from each text (지원대상/선정기준): the services whose statuses and decidable ways are the only ways
#: in, with those ways. Every other status service names a way no fact decides (residents, volunteers, "… 등").
HAND_READ_DECIDABLE: dict[str, tuple[str, ...]] = {
    "300000000123": ("single_parent_family",),          # 한부모, 기초주거·교육급여 수급자 및 차상위계층
    "301000000127": (), "301000000140": ("single_parent_family",), "303000000112": (), "304000000198": (),
    "307000000115": ("disabled",),                      # 심한 장애인, 기초생활수급자, 국가유공자(…)
    "369000000110": (), "373000000122": (), "397000000107": (), "403000000158": (), "432000000233": (),
    "440000000127": (), "461000000110": (), "468100000017": (), "476000000135": (), "531000000115": (),
    "538000000103": (), "544000000104": (),
    "568000000108": ("single_parent_family",),          # 수급자 또는 차상위, 장애인 중 차상위, 한부모, 국가유공자
    "B55037300001": ("disabled", "multi_child_household"),  # 에너지복지요금: 수급자, 차상위, 중증 장애인, 유공자, 3자녀
    "B55353000001": (),                                 # 에너지바우처: 생계·의료·주거·교육급여 수급자 and a trait
}


def _failing(ways: tuple[OtherWay, ...]) -> dict[str, Any]:
    """Facts under which none of ``ways`` holds (age below every threshold, each trait false)."""
    facts: dict[str, Any] = {"age": 40}
    for way in ways:
        for fact, want in way.tests:
            if fact == "age":
                facts["age"] = min(facts["age"], int(want) - 1)
            else:
                facts[fact] = False
    return facts


def _status_rows(cat: Catalogue) -> list[int]:
    return np.flatnonzero(cat.status_bits).tolist()


def test_none_held_is_not_eligible_by_status(gov24_catalogue: Catalogue) -> None:
    cat = gov24_catalogue
    rows = _status_rows(cat)
    assert 60 <= len(rows) <= 80  # the snapshot's services whose codes leave room for a named status (67)
    none_held = {f: False for f in STATUS_FACTS}
    decided, failures = set(), []
    for row in rows:
        sid, ways = cat.services[row].service_id, cat.status_ways[cat.status_ways_id[row]]
        ev = Evaluation(cat, Facts(**none_held, **_failing(ways)))
        status, conds, missing = ev.explain(row)
        if any(w.key == "open" for w in ways):
            if ev.groups["status"][row] != 1 or status == "not_eligible" and STATUS in {c.code for c in conds}:
                failures.append(f"{sid}: an open way, yet STATUS decided {status}")
            continue
        decided.add(sid)
        # nothing else known can fail (region unknown, codes leave room): STATUS alone decides, and says so
        if status != "not_eligible" or [c.code for c in conds] != [STATUS] or missing:
            failures.append(f"{sid} {cat.services[row].title}: none held gave {status} by {[c.code for c in conds]}")
        elif not conds[0].meaning.startswith("해당 없음:"):
            failures.append(f"{sid}: STATUS meaning {conds[0].meaning!r}")
        if tuple(sorted(w.key for w in ways)) != tuple(sorted(HAND_READ_DECIDABLE.get(sid, ("<not hand-read>",)))):
            failures.append(f"{sid}: ways {[w.key for w in ways]}, read by hand {HAND_READ_DECIDABLE.get(sid)}")
    assert not failures, "\n".join(failures)
    assert decided == set(HAND_READ_DECIDABLE)


def test_one_status_held_is_never_decided_against_by_status(gov24_catalogue: Catalogue) -> None:
    cat = gov24_catalogue
    failures = []
    for row in _status_rows(cat):
        svc = cat.services[row]
        ways = cat.status_ways[cat.status_ways_id[row]]
        for name in svc.statuses:
            if not int(cat.status_bits[row]) >> [s.name for s in BY_NAME.values()].index(name) & 1:
                continue  # a status the codes already code (국가보훈대상자, JA0329): not read again
            facts = {**{f: False for f in STATUS_FACTS}, **_failing(ways), BY_NAME[name].fact: True}
            ev = Evaluation(cat, Facts(**facts))
            status, conds, _missing = ev.explain(row)
            if ev.groups["status"][row] != 2 or status == "not_eligible" and STATUS in {c.code for c in conds}:
                failures.append(f"{svc.service_id} {svc.title}: holding {name} gave {status} by {[c.code for c in conds]}")
        for way in (w for w in ways if w.tests):  # a decidable way that holds: never ruled out by STATUS
            facts = {**{f: False for f in STATUS_FACTS}, **_failing(ways)}
            facts.update({f: (want if f == "age" else True) for f, want in way.tests})
            ev = Evaluation(cat, Facts(**facts))
            if ev.groups["status"][row] == 0:
                failures.append(f"{svc.service_id}: way {way.key} held, STATUS decided against")
    assert not failures, "\n".join(failures)


def test_nothing_known_leaves_every_status_service_unknown_by_status(gov24_catalogue: Catalogue) -> None:
    ev = Evaluation(gov24_catalogue, Facts())
    rows = _status_rows(gov24_catalogue)
    assert (ev.groups["status"][rows] == 1).all()
