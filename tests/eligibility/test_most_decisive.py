"""The form's next question (``most_decisive``) reads each service's deciding facts once, and chooses as before.

``most_decisive`` had called ``deciding_missing(r)`` for every pair of askable slot and unknown service: over the real
catalogue (about 1,000 services unknown at the form's first question, 7 askable slots) that was ~100 ms of a turn that
opened the eligibility form (profile of bench/webhook_latency.py: "실업급여 … 받을 수 있나요?" took 170 ms). The choice
must equal the definition read pair by pair, for people who know nothing, something or everything, whatever the order
of the askable slots.
"""

from __future__ import annotations

import random

import pytest

from connectors.eligibility.actions import deciding_missing, fact_name, most_decisive
from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.evaluator import Evaluation, ServiceResult
from connectors.eligibility.facts import Facts

ASKABLE = ["age", "region", "income_pct", "disabled", "job_seeker", "single_person_household", "target_groups",
           "pregnant", "farmer", "veteran", "sex", "no_such_slot"]


def pair_by_pair(unknown: list[ServiceResult], askable: list[str]) -> str | None:
    """The definition: the askable slot whose fact most unknown services miss (first in ``askable`` on a tie)."""
    scores = {s: sum(1 for r in unknown if fact_name(s) in deciding_missing(r)) for s in askable}
    best = max(askable, key=lambda s: (scores[s], -askable.index(s)), default=None)
    return best if best is not None and scores[best] > 0 else None


PEOPLE = {
    "nothing": {},
    "age only": {"age": 34},
    "young seeker in Seoul": {"age": 27, "region": "서울특별시", "job_seeker": True},
    "older, disabled, low income": {"age": 71, "disabled": True, "income_pct_median": 40.0, "region": "부산광역시"},
}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_the_choice_equals_the_pair_by_pair_definition(who: str, gov24_catalogue: Catalogue) -> None:
    unknown = [r for r in Evaluation(gov24_catalogue, Facts.model_validate(PEOPLE[who])).results() if r.status == "unknown"]
    assert unknown
    rng = random.Random(7)
    orders = [ASKABLE, list(reversed(ASKABLE))] + [rng.sample(ASKABLE, k) for k in (1, 3, 6, len(ASKABLE))]
    for askable in orders:
        assert most_decisive(unknown, askable) == pair_by_pair(unknown, askable), askable
    assert most_decisive(unknown, []) is None
    assert most_decisive([], ASKABLE) is None
