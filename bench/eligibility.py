"""Eligibility: the whole catalogue evaluated for one person, p50/p95 in ms.

Measures, per person profile and repeated:

* ``statuses``: the vectorised part (every service's status, counts);
* ``results``: statuses plus a :class:`ServiceResult` (decided_by, missing, sources) for every service;
  ``EligibilityService.check`` as the serving processes build it (``freeze_heap=True``: the heap is collected and
  frozen after the catalogue loads, :func:`~connectors.eligibility.service.settle_heap`; ``--no-freeze`` measures
  a library caller's service, which leaves the collector alone); the full (generation-2) collections that ran
  during the stage are counted;
* ``http``: ``POST /check`` for the whole catalogue through :class:`EligibilityClient` to the service on a
  loopback uvicorn (JSON both ways).

on the real catalogue (1,097 services) and on a 10× catalogue (10,970 services: every record repeated
under new ids, restricted age ranges shifted by the copy number so rows stay distinct) for the full-catalogue figure (10,974 services in the API, fetched 2026-07-12); the linear
extrapolation from 1,097 is printed next to it. Target: whole catalogue for one person ≤ 50 ms.

A second 10× catalogue (``tiled_10x_perturbed``, ``results`` only) makes the copies differ beyond their ages: copy
``k >= 1`` pairs each record's coded conditions with another service's page (agency, texts: the region, applicant,
named-status, text-group and who conditions; :func:`tiled`'s ``perturbed``) and adds one random code, so an evaluation
that shares work between rows with equal conditions gains far less from the repeats than on the plain tiling (a real
catalogue of 10,974 services does not repeat its rows).

Every stage's results are also hashed (sha256 of every ``ServiceResult.to_json()`` per profile, in order, per
catalogue): printed and written to the JSON, so a faster evaluator can show its results are identical
(``--check-sha256 OLD.json`` exits 1 when a hash differs from that file's). Per profile, the ``results`` stage's
p50/p95 (wall and CPU) are printed and written too.
Two profiles give a region (시·도 only, and 시·도 + 시·군·구), so the REGION condition of the 785 local
governments' services is exercised in all three ways (unknown, 시·도 only, full).

Usage:
    python bench/eligibility.py [--gov24-dir DIR] [--rounds 30] [--tiled-rounds 20] [--no-http] [--no-freeze]
        [--no-perturbed] [--check-sha256 OLD.json] [--json PATH]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from connectors.eligibility.catalogue import Catalogue  # noqa: E402
from connectors.eligibility.client import EligibilityClient  # noqa: E402
from connectors.eligibility.evaluator import Evaluation  # noqa: E402
from connectors.eligibility.facts import Facts  # noqa: E402
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app  # noqa: E402

FULL_CATALOGUE = 10_974
PROFILES = {
    "nothing known": Facts(),
    "4-year-old": Facts(age=4),
    "pregnant woman": Facts(age=31, sex="female", income_pct_median=85, pregnant=True, employed=True),
    "elder living alone": Facts(age=78, sex="male", income_pct_median=40, single_person_household=True, disabled=False,
                                veteran=True, homeless_household=True, region="부산광역시"),
    "everything known": Facts(age=40, sex="female", income_pct_median=120, preparing_pregnancy=False, pregnant=False,
                              recent_birth_or_adoption=False, farmer=False, fisher=False, livestock_farmer=False,
                              forester=False, student_level="none", employed=True, job_seeker=False, disabled=False,
                              veteran=False, ill=False, multicultural_family=False, north_korean_defector=False,
                              single_parent_family=False, single_person_household=False, multi_child_household=True,
                              homeless_household=False, new_resident=False, extended_family=False,
                              business_status="none", organization_type="none", region="경기도 성남시"),
}


def tiled(cat: Catalogue, times: int, perturbed: bool = False) -> Catalogue:
    """The catalogue's records repeated ``times`` times under new service ids; in copy ``k`` a restricted
    age range is shifted by ``k`` years, so most rows stay distinct (explanations are shared only
    between rows with identical conditions).

    ``perturbed``: copy ``k >= 1`` also gives row ``i``'s conditions the page (:class:`ServiceInfo`, under its id with
    ``-k``) of row ``(i + 97 k) mod n``, so the region, applicant, named-status, text-group and who conditions come
    in other combinations with the codes, and adds one code drawn at random (seeded) to each row's codes."""
    from dataclasses import replace

    from connectors.eligibility.codes import AGE_FROM, AGE_TO, CODES

    rnd = random.Random(20)
    n = len(cat)
    records = []
    for k in range(times):
        for i in range(n):
            cond: dict[str, object] = {c.code: "Y" for b, c in enumerate(CODES) if int(cat.y[i]) >> b & 1}
            if cat.age_restricted[i]:
                cond[AGE_FROM], cond[AGE_TO] = int(cat.age_lo[i]) + k, int(cat.age_hi[i]) + k
            elif cat.age_hi[i]:
                cond[AGE_FROM], cond[AGE_TO] = int(cat.age_lo[i]), int(cat.age_hi[i])
            s = cat.services[i]
            if perturbed and k:
                s = cat.services[(i + 97 * k) % n]
                cond[rnd.choice(CODES).code] = "Y"
            records.append((replace(s, service_id=f"{s.service_id}-{k}"), cond))
    return Catalogue.from_records(records, version=f"{cat.version}x{times}{'p' if perturbed else ''}")


def results_sha256(results_per_profile: list[list[Any]]) -> str:
    """sha256 of every result's ``to_json()``, profile by profile in order (keys sorted, UTF-8)."""
    h = hashlib.sha256()
    for results in results_per_profile:
        h.update(json.dumps([r.to_json() for r in results], ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return h.hexdigest()


def timings(fn, rounds: int, cpu: list[float] | None = None) -> list[float]:  # type: ignore[no-untyped-def]
    """Wall-clock ms of ``rounds`` calls after one warm call; the process's CPU ms of each call appended to ``cpu``
    (on a shared machine the wall time also counts the time other processes held the cores)."""
    fn()  # warm
    out = []
    for _ in range(rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c0) * 1000)
    return out


def stats(ms: list[float], cpu: list[float] | None = None) -> dict[str, float]:
    a = np.asarray(ms)
    out = {"p50_ms": round(float(np.percentile(a, 50)), 3), "p95_ms": round(float(np.percentile(a, 95)), 3),
           "max_ms": round(float(a.max()), 3), "n": len(ms)}
    if cpu:
        out |= {"cpu_p50_ms": round(float(np.percentile(cpu, 50)), 3), "cpu_p95_ms": round(float(np.percentile(cpu, 95)), 3)}
    return out


class FullCollections:
    """Counts the cyclic collector's full (generation-2) collections while installed (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self.n += 1


def measure(cat: Catalogue, rounds: int, http: bool, freeze: bool = True, http_rounds: int | None = None) -> dict[str, Any]:
    """p50/p95/max per stage over :data:`PROFILES`, through one :class:`EligibilityService` over ``cat`` (loaded, and
    with ``freeze`` its heap settled, before the first timing), as the serving processes run it; also the ``results``
    stage per profile (``per_profile``: wall and CPU p50/p95) and the sha256 of every profile's results
    (:func:`results_sha256`, ``results_sha256``)."""
    all_ms: dict[str, list[float]] = {"statuses": [], "results": [], "http": []}
    service = EligibilityService(CatalogueSource.fixed(cat), freeze_heap=freeze)
    service.catalogue()  # the load (and the freeze) happen here, as at a service's first request or warm-up
    server = None
    if http:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(service=service),
                                               host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.02)
        client = EligibilityClient(f"http://127.0.0.1:{port}", timeout=30)
    full = FullCollections()
    cpu: list[float] = []
    per_profile: dict[str, dict[str, float]] = {}
    for name, facts in PROFILES.items():
        all_ms["statuses"] += timings(lambda f=facts: service.evaluation(f).counts(), rounds)
        gc.callbacks.append(full)
        mine: list[float] = []
        wall = timings(lambda f=facts: service.check(f), rounds, mine)
        gc.callbacks.remove(full)
        all_ms["results"] += wall
        cpu += mine
        per_profile[name] = stats(wall, mine)
        if http:
            all_ms["http"] += timings(lambda f=facts: client.check(f), http_rounds or max(3, rounds // 3))
    if server is not None:
        client.close()
        server.should_exit = True
    out: dict[str, Any] = {k: stats(v, cpu if k == "results" else None) for k, v in all_ms.items() if v}
    out["results"]["full_collections"] = full.n
    out["per_profile"] = per_profile
    out["results_sha256"] = results_sha256([service.check(f) for f in PROFILES.values()])
    return out


def _print_per_profile(label: str, m: dict[str, Any]) -> None:
    print(f"'results' per profile, {label} (wall p50/p95, CPU p50/p95 ms):")
    for name, st in m["per_profile"].items():
        print(f"  {name:20} {st['p50_ms']:7.2f} / {st['p95_ms']:7.2f}   CPU {st['cpu_p50_ms']:7.2f} / {st['cpu_p95_ms']:7.2f}")


STAGES = ("statuses", "results", "http")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_dir = Path(os.environ.get("ASSISTANT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "gov24_benefits"
    ap.add_argument("--gov24-dir", type=Path, default=default_dir)
    ap.add_argument("--rounds", type=int, default=30, help="timed calls per profile and stage, real catalogue")
    ap.add_argument("--tiled-rounds", type=int, default=20,
                    help="timed calls per profile on the 10x catalogues (HTTP: a sixth of it, at least 3)")
    ap.add_argument("--no-http", action="store_true", help="skip the HTTP round trip")
    ap.add_argument("--no-freeze", action="store_true", help="a service that does not freeze the heap after loading")
    ap.add_argument("--no-perturbed", action="store_true", help="skip the perturbed 10x catalogue")
    ap.add_argument("--check-sha256", type=Path, metavar="OLD.json",
                    help="compare the results' sha256 with those of an earlier run's JSON; exit 1 if one differs")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "eligibility.json")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    cat = Catalogue.from_gov24_dir(args.gov24_dir)
    load_s = time.perf_counter() - t0
    big = tiled(cat, 10)
    real = measure(cat, args.rounds, not args.no_http, not args.no_freeze)
    full = measure(big, args.tiled_rounds, not args.no_http, not args.no_freeze, http_rounds=max(3, args.tiled_rounds // 6))
    shuffled = None if args.no_perturbed else measure(tiled(cat, 10, perturbed=True), args.tiled_rounds, False,
                                                      not args.no_freeze)
    scale = FULL_CATALOGUE / len(cat)
    extrapolated = {k: {m: round(real[k][m] * scale, 3) for m in ("p50_ms", "p95_ms")} for k in STAGES if k in real}
    counts = {name: Evaluation(cat, f).counts() for name, f in PROFILES.items()}

    print(f"catalogue: {len(cat)} services ({int((cat.area_id >= 0).sum())} limited to a region) from {args.gov24_dir} "
          f"(conditions loaded in {load_s * 1000:.0f} ms); "
          f"profiles: {len(PROFILES)}; cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; "
          f"heap frozen after load: {not args.no_freeze}")
    print(f"{'stage':10} {'services':>9} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}   linear x{scale:.2f} p50/p95")
    for stage in STAGES:
        if stage not in real:
            continue
        r, f, e = real[stage], full[stage], extrapolated[stage]
        print(f"{stage:10} {len(cat):>9} {r['p50_ms']:>9.2f} {r['p95_ms']:>9.2f} {r['max_ms']:>9.2f}")
        print(f"{stage:10} {len(big):>9} {f['p50_ms']:>9.2f} {f['p95_ms']:>9.2f} {f['max_ms']:>9.2f}   "
              f"{e['p50_ms']:.2f} / {e['p95_ms']:.2f}")
        if shuffled is not None and stage in shuffled:
            p = shuffled[stage]
            print(f"{stage:10} {len(big):>9} {p['p50_ms']:>9.2f} {p['p95_ms']:>9.2f} {p['max_ms']:>9.2f}   (perturbed copies)")
    print(f"full collections during 'results': {real['results']['full_collections']} ({len(cat)} services), "
          f"{full['results']['full_collections']} ({len(big)} services); 'results' CPU time p50/p95: "
          f"{real['results']['cpu_p50_ms']:.2f}/{real['results']['cpu_p95_ms']:.2f} ms ({len(cat)}), "
          f"{full['results']['cpu_p50_ms']:.2f}/{full['results']['cpu_p95_ms']:.2f} ms ({len(big)})"
          + ("" if shuffled is None else f", {shuffled['results']['cpu_p50_ms']:.2f}/"
             f"{shuffled['results']['cpu_p95_ms']:.2f} ms ({len(big)}, perturbed)"))
    _print_per_profile(f"{len(cat)} services", real)
    _print_per_profile(f"{len(big)} services", full)
    if shuffled is not None:
        _print_per_profile(f"{len(big)} services, perturbed copies", shuffled)
    print("statuses per profile (1,097 services):")
    for name, c in counts.items():
        print(f"  {name:20} {c}")
    sha = {"catalogue": real["results_sha256"], "tiled_10x": full["results_sha256"]}
    if shuffled is not None:
        sha["tiled_10x_perturbed"] = shuffled["results_sha256"]
    for name, h in sha.items():
        print(f"results sha256 {name:20} {h}")
    out = {
        "catalogue_services": len(cat), "region_services": int((cat.area_id >= 0).sum()), "tiled_services": len(big), "full_catalogue_services": FULL_CATALOGUE,
        "conditions_load_ms": round(load_s * 1000, 1), "rounds": args.rounds, "tiled_rounds": args.tiled_rounds,
        "profiles": list(PROFILES),
        "cpu_count": os.cpu_count(), "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()], "catalogue": real, "tiled_10x": full, "linear_extrapolation_10974": extrapolated,
        "target_ms": 50, "statuses_per_profile": counts, "freeze_heap": not args.no_freeze,
    }
    if shuffled is not None:
        out["tiled_10x_perturbed"] = shuffled
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    if args.check_sha256 is not None:
        old = json.loads(args.check_sha256.read_text(encoding="utf-8"))
        differ = [name for name, h in sha.items() if name in old and old[name].get("results_sha256") != h]
        compared = [name for name in sha if name in old and "results_sha256" in old[name]]
        print(f"results sha256 against {args.check_sha256}: " + ("DIFFERENT: " + ", ".join(differ) if differ
                                                                 else f"identical ({', '.join(compared) or 'nothing to compare'})"))
        if differ:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
