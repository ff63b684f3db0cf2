"""How many questions the eligibility form needs: "most decisive fact first" against the form's fixed order.

For synthetic citizens drawn from the catalogue (each one built to satisfy a random service's coded
conditions, with a random region), the form's facts are revealed one question at a time, in the order
``validate_eligibility_form`` chooses (:func:`connectors.eligibility.actions.most_decisive`) or in the domain's
order; after each question the services still ``unknown`` are counted. Needs ../shared/data/gov24_benefits.

    python bench/eligibility_questions.py [--people 200] [--questions 5]

Prints a table and writes ``bench/results/eligibility_questions.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from connectors.eligibility.actions import conversation_facts, fact_name, most_decisive  # noqa: E402
from connectors.eligibility.evaluator import Evaluation  # noqa: E402
from connectors.eligibility.facts import Facts  # noqa: E402
from connectors.eligibility.service import CatalogueSource  # noqa: E402
from shared_paths import GOV24_DIR  # noqa: E402

#: The bundled form's slots (intents/domain.yml, eligibility_form.required_slots).
FORM_SLOTS = ["age", "region", "income_pct", "sex", "disabled", "veteran", "farmer", "pregnant",
              "single_parent_family", "multi_child_household", "job_seeker"]
REGIONS = ["서울특별시", "부산광역시", "경기도 성남시", "전남광주통합특별시", "강원특별자치도", "대구광역시", "충청남도 천안시"]


def person(rng: random.Random) -> dict[str, Any]:
    """A synthetic citizen: every form fact known (the bench reveals them one by one)."""
    return {"age": float(rng.randint(0, 90)), "region": rng.choice(REGIONS), "income_pct": float(rng.choice([30, 45, 60, 90, 150, 250])),
            "sex": rng.choice(["male", "female"]), **{s: rng.random() < 0.15 for s in FORM_SLOTS[4:]}}


def unknown_after(catalogue: Any, truth: dict[str, Any], order: str, k: int) -> list[int]:
    """Unknown services after 0..k questions."""
    known: dict[str, Any] = {}
    out = []
    for _ in range(k + 1):
        results = Evaluation(catalogue, Facts.model_validate(conversation_facts(known))).results()
        unknown = [r for r in results if r.status == "unknown"]
        out.append(len(unknown))
        askable = [s for s in FORM_SLOTS if fact_name(s) and s not in known]
        nxt = most_decisive(unknown, askable) if order == "decisive" else (askable[0] if askable else None)
        if nxt is None:
            out += [len(unknown)] * (k + 1 - len(out))
            break
        known[nxt] = truth[nxt]
    return out[: k + 1]


def main(argv: list[str] | None = None) -> int:
    """Run the comparison."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=200)
    ap.add_argument("--questions", type=int, default=5)
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "eligibility_questions.json")
    args = ap.parse_args(argv)
    if not (GOV24_DIR / "gov24_supportConditions_snapshot.json").exists():
        print(f"skipped: no catalogue in {GOV24_DIR}")
        return 0
    source = CatalogueSource.from_gov24_dir(GOV24_DIR)
    catalogue = source.load(source.version())
    rng = random.Random(7)
    people = [person(rng) for _ in range(args.people)]
    rows = {}
    for order in ("decisive", "domain"):
        curves = [unknown_after(catalogue, p, order, args.questions) for p in people]
        rows[order] = [round(statistics.mean(c[i] for c in curves), 1) for i in range(args.questions + 1)]
    print(f"services still unknown (mean over {args.people} people, {len(catalogue)} services) after k questions")
    print("order     " + " ".join(f"{k:>7}" for k in range(args.questions + 1)))
    for order, vals in rows.items():
        print(f"{order:9} " + " ".join(f"{v:>7}" for v in vals))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"people": args.people, "services": len(catalogue), "form_slots": FORM_SLOTS,
                                     "unknown_after_k_questions": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
