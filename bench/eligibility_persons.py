"""Statuses over the whole catalogue for four representative persons (issue #5, session 9: how many ``eligible``
results a change turns into ``unknown``). Prints a table and writes JSON: per person, each service's status and the
codes that decided it, so two runs (e.g. two checkouts) can be compared service by service.

    python bench/eligibility_persons.py [--gov24-dir DIR] [--json PATH]

Compare a branch with its base: run it from each checkout with a different ``--json`` and diff the statuses.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's connectors, not an installed copy

from connectors.eligibility.catalogue import Catalogue  # noqa: E402
from connectors.eligibility.evaluator import Evaluation  # noqa: E402
from connectors.eligibility.facts import Facts  # noqa: E402
PERSONS = {
    "busan_elder_67f": {"age": 67, "sex": "female", "income_pct_median": 40, "region": "부산광역시 해운대구"},
    "seongnam_child_4": {"age": 4, "sex": "male", "income_pct_median": 80, "region": "경기도 성남시"},
    "mapo_worker_30f": {"age": 30, "sex": "female", "income_pct_median": 120, "employed": True, "region": "서울특별시 마포구"},
    "daejeon_student_20m": {"age": 20, "sex": "male", "income_pct_median": 60, "student_level": "university",
                            "region": "대전광역시 유성구"},
}


def main() -> int:
    """Evaluate each person over the catalogue; print counts; write ``{person: {service_id: [status, codes]}}``."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gov24-dir", type=Path, default=ROOT / ".." / "shared" / "data" / "gov24_benefits")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "eligibility_persons.json")
    args = ap.parse_args()
    cat = Catalogue.from_gov24_dir(args.gov24_dir)
    out: dict[str, dict[str, list[object]]] = {}
    print(f"{'person':22} {'eligible':>8} {'unknown':>8} {'not_eligible':>12}")
    for name, facts in PERSONS.items():
        results = Evaluation(cat, Facts.model_validate(facts)).results()
        out[name] = {r.service_id: [r.status, [c.code for c in r.decided_by]] for r in results}
        n = Counter(r.status for r in results)
        print(f"{name:22} {n['eligible']:>8} {n['unknown']:>8} {n['not_eligible']:>12}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
