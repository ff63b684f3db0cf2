"""Ranking of the eligibility listing: does the target-group text (지원대상/선정기준) lift the services that are
really for the person into the top of the list?

The problem: "most specific first" counts coded conditions met, so a loosely coded service (a business loan with
only region and income coded) can rank high for a child. The measurement re-creates that situation where the
answer is known:

* **label**: a service is *for* the person when every coded condition of the real catalogue holds (the agency's
  own JA codes, age range and region: :class:`~connectors.eligibility.evaluator.Evaluation` on the full catalogue);
* **loosely coded catalogue**: the same services with the age range (JA0110/JA0111), the occupation codes
  (JA0313–JA0316 농업인·어업인·축산업인·임업인) and the business codes (JA11xx, JA12xx) removed, which is how a
  loosely coded service looks; the listing is built from it, so services whose hidden codes exclude the person
  show up as eligible, as in the example;
* **people**: synthetic citizens (seeded) with every fact the listing uses known (age 0–90, sex, income,
  region, the form's yes/no facts, 15 % farmers, 10 % running a business), as ``bench/eligibility_questions.py``;
* **rankings** of the loosely coded eligible list: ``coded`` (most coded conditions met, then name: the old
  order) and ``coded+text`` (:func:`connectors.eligibility.actions.rank_key`: services whose text names only
  contradicted groups last).

Figures: mean precision@5 and @10 (share of the top k that is really for the person), and of the cautions
(services pushed down): precision (share really not for the person) and recall (share of the falsely listed
services that got one). The text predictor never sees the hidden codes.

    python bench/eligibility_ranking.py [--people 300]

Prints a table and writes ``bench/results/eligibility_ranking.json``. Needs ../shared/data/gov24_benefits.

    python bench/eligibility_ranking.py --text-groups [--top 30]

The text-group restriction (:mod:`connectors.eligibility.text_groups`, condition GROUP) and the region inferred for
local public bodies (fresh-user report s7, item 4): for the report's personas, the eligible count and the top of the
listing (``rank_key`` order) with each service's agency and 지원대상 opening, to be read by a person; and the lexicon's
coverage: of the services that only an age range (or nothing) codes for a person — where the text is all that says
who — how many the lexicon reads as restricted, as for the general public, or leaves unread (their openings are
listed, most frequent first words, for the next lexicon entries). Writes ``bench/results/eligibility_text_groups.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys

import numpy as np
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from connectors.eligibility.actions import conversation_facts, rank_key  # noqa: E402
from connectors.eligibility.catalogue import Catalogue, ServiceInfo  # noqa: E402
from connectors.eligibility.evaluator import Evaluation, ServiceResult  # noqa: E402
from connectors.eligibility.facts import Facts  # noqa: E402
from connectors.eligibility.target_groups import groups_in  # noqa: E402
from shared_paths import GOV24_DIR  # noqa: E402

HIDDEN = {"JA0110", "JA0111", "JA0313", "JA0314", "JA0315", "JA0316", "JA1101", "JA1102", "JA1103", "JA1201",
          "JA1202", "JA1299"}
REGIONS = ["서울특별시", "부산광역시", "경기도 성남시", "전남광주통합특별시", "강원특별자치도", "대구광역시", "충청남도 천안시"]
FLAGS = ["disabled", "veteran", "pregnant", "single_parent_family", "multi_child_household", "job_seeker"]


def person(rng: random.Random) -> dict[str, Any]:
    """A synthetic citizen with every listed fact known."""
    age = rng.randint(0, 90)
    farmer = age >= 18 and rng.random() < 0.15
    business = age >= 20 and rng.random() < 0.10
    facts: dict[str, Any] = {"age": float(age), "region": rng.choice(REGIONS), "income_pct": float(rng.choice([30, 45, 60, 90, 150])),
                             "sex": rng.choice(["male", "female"]), "farmer": farmer, "fisher": False,
                             "livestock_farmer": False, "forester": False,
                             "business_status": "operating" if business else "none",
                             **{s: rng.random() < 0.15 for s in FLAGS}}
    if facts["sex"] == "male" or not 18 <= age <= 45:
        facts["pregnant"] = False
    return facts


def catalogues() -> tuple[Catalogue, Catalogue]:
    """The real catalogue and its loosely coded copy (the :data:`HIDDEN` codes removed)."""
    from assistant.knowledge.loaders import load_gov24

    docs = load_gov24(GOV24_DIR)
    full = Catalogue.from_documents(docs)
    records = []
    for d in docs:
        cond = d.meta.get("conditions")
        if not isinstance(cond, dict):
            continue
        text = "\n".join(s.text for s in d.sections if s.name in ("지원대상", "선정기준"))
        records.append((ServiceInfo(d.doc_id, d.title, d.url, d.agency, (), groups_in(text)),
                        {k: v for k, v in cond.items() if k not in HIDDEN}))
    return full, Catalogue.from_records(records)


def old_key(r: ServiceResult) -> tuple[int, str]:
    return (-sum(c.code != "NONE" for c in r.decided_by), r.service_name)


#: The personas of the fresh-user report s7 (item 4) and of the issue's brief.
PERSONAS: dict[str, dict[str, Any]] = {
    "34 in 경기도 성남시": {"age": 34, "region": "경기도 성남시"},
    "67-year-old woman, no region": {"age": 67, "sex": "female"},
    "67-year-old woman, income 40 %, 부산 해운대구 (the report's CLI facts)": {"age": 67, "sex": "female",
                                                                          "income_pct_median": 40.0, "region": "부산 해운대구"},
    "child of 4 in 서울 마포구": {"age": 4, "region": "서울특별시 마포구"},
    "25-year-old university student in 부산": {"age": 25, "student_level": "university", "region": "부산광역시"},
}


def text_groups_report(top: int, path: Path) -> None:
    """Personas (eligible count and top ``top``) and lexicon coverage; prints them and writes ``path``."""
    from collections import Counter

    from assistant.knowledge.loaders import load_gov24
    from connectors.eligibility.text_groups import _GENERAL, _GENERAL_LEAD, _items, restriction_in

    docs = load_gov24(GOV24_DIR)
    cat = Catalogue.from_documents(docs)
    texts = {d.doc_id: "\n".join(s.text for s in d.sections if s.name in ("지원대상", "선정기준")) for d in docs}
    out: dict[str, Any] = {"services": len(cat), "personas": {}}
    for name, facts in PERSONAS.items():
        ev = Evaluation(cat, Facts(**facts))
        listed = sorted((r for r in ev.results() if r.status == "eligible"), key=rank_key)
        print(f"\n{name}: {len(listed)} eligible; {ev.counts()}")
        rows = []
        for k, r in enumerate(listed[:top], start=1):
            svc = cat.services[cat.index[r.service_id]]
            items = _items(texts[r.service_id])
            opening = (items[0] if items else texts[r.service_id])[:70]
            rows.append({"service_id": r.service_id, "title": r.service_name, "agency": svc.agency,
                         "decided_by": [c.code for c in r.decided_by], "opening": opening})
            print(f"  {k:2d}. {r.service_name[:36]} | {svc.agency} | {'+'.join(c.code for c in r.decided_by)} | {opening[:50]}")
        out["personas"][name] = {"facts": facts, "counts": ev.counts(), "eligible": len(listed), "top": rows}
    # coverage: services a person may apply for whose codes restrict by age at most (the text is all that says who)
    only_age = cat.pathway["individual"] & ~cat.restrict_matrix[:, :-1].any(axis=1)
    kinds: Counter[str] = Counter()
    unread: Counter[str] = Counter()
    for i in np.flatnonzero(only_age):
        sid = cat.services[i].service_id
        items = _items(texts[sid])
        if restriction_in(texts[sid]) is not None:
            kinds["restricted"] += 1
        elif items and (_GENERAL.search(items[0]) or _GENERAL_LEAD.match(items[0])):
            kinds["general public"] += 1
        else:
            kinds["not read (no lexicon group in the first item)"] += 1
            if items:
                unread[items[0].split()[0][:12]] += 1
    groups: Counter[str] = Counter(g for r_id in cat.restriction_id[cat.restriction_id >= 0] for g in cat.restrictions[r_id].groups)
    out["coverage"] = {"age_or_nothing_coded": int(only_age.sum()), **kinds,
                       "restricted_rows": int((cat.restriction_id >= 0).sum()),
                       "open_restrictions_rows": int(sum(cat.restrictions[r].open for r in cat.restriction_id[cat.restriction_id >= 0])),
                       "rows_per_group": dict(groups.most_common()),
                       "area_inferred": int(cat.area_inferred.sum()), "area_soft": int(cat.area_soft.sum()),
                       "unread_first_words": dict(unread.most_common(25))}
    print(f"\ncoverage: {json.dumps(out['coverage'], ensure_ascii=False)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the comparison (or, with ``--text-groups``, the personas and the lexicon's coverage)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=300)
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "eligibility_ranking.json")
    ap.add_argument("--text-groups", action="store_true", help="personas and lexicon coverage instead")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args(argv)
    if not (GOV24_DIR / "gov24_supportConditions_snapshot.json").exists():
        print(f"skipped: no catalogue in {GOV24_DIR}")
        return 0
    if args.text_groups:
        text_groups_report(args.top, ROOT / "bench" / "results" / "eligibility_text_groups.json")
        return 0
    full, loose = catalogues()
    rng = random.Random(11)
    prec: dict[str, dict[int, list[float]]] = {"coded": {5: [], 10: []}, "coded+text": {5: [], 10: []}}
    flagged = flagged_false = falsely_listed = falsely_listed_flagged = 0
    for _ in range(args.people):
        facts = Facts.model_validate(conversation_facts(person(rng)))
        truth = {r.service_id for r in Evaluation(full, facts).results() if r.status == "eligible"}
        listed = [r for r in Evaluation(loose, facts).results() if r.status == "eligible"]
        for name, key in (("coded", old_key), ("coded+text", rank_key)):
            ranked = sorted(listed, key=key)  # type: ignore[arg-type]
            for k in (5, 10):
                top = ranked[:k]
                if top:
                    prec[name][k].append(sum(r.service_id in truth for r in top) / len(top))
        for r in listed:
            wrong = r.service_id not in truth
            falsely_listed += wrong
            if r.cautions:
                flagged += 1
                flagged_false += wrong
                falsely_listed_flagged += wrong
    rows = {name: {f"precision@{k}": round(statistics.mean(v), 3) for k, v in by_k.items()} for name, by_k in prec.items()}
    caution = {"flagged": flagged, "precision": round(flagged_false / flagged, 3) if flagged else None,
               "recall": round(falsely_listed_flagged / falsely_listed, 3) if falsely_listed else None,
               "falsely_listed": falsely_listed}
    print(f"eligibility listing, {args.people} synthetic people, {len(full)} services; codes hidden: {', '.join(sorted(HIDDEN))}")
    print(f"{'ranking':12} {'precision@5':>12} {'precision@10':>13}")
    for name, r in rows.items():
        print(f"{name:12} {r['precision@5']:>12} {r['precision@10']:>13}")
    print(f"cautions: {flagged} services pushed down; precision {caution['precision']}, recall {caution['recall']} "
          f"of {falsely_listed} falsely listed")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"people": args.people, "services": len(full), "hidden_codes": sorted(HIDDEN),
                                     "rankings": rows, "cautions": caution}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
