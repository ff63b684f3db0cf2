"""s13 #5: a form question that makes no sense about the person the questions are about is not asked ("부모님은 현재
임신 중인가요?", "Is your grandparent pregnant at the moment?"). Expected sets are written by hand from the form's
required slots in intents/domain.yml: the adult questions (국가보훈, 농업, 임신, 구직, 명장, 1인 가구) are not for a child
under 15; the pregnancy question is not for a parent, a grandparent, a man or someone 60 or older. s16: the birth or
adoption question (JA0303, ``recent_birth_or_adoption``) is an adult one too, and not for a parent, a grandparent or
someone 60 or older; a man is asked it (his spouse's birth, or an adoption, counts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from connectors.eligibility.actions import FORM, implausible

DOMAIN = Path(__file__).resolve().parents[2] / "intents" / "domain.yml"


@pytest.fixture(scope="module")
def form_slots() -> list[str]:
    return list(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["forms"][FORM]["required_slots"])


@pytest.mark.parametrize(("who", "skipped"), [
    ({"beneficiary": "parent", "age": 82}, {"pregnant", "recent_birth_or_adoption"}),
    ({"beneficiary": "parent", "age": 48, "sex": "female"}, {"pregnant", "recent_birth_or_adoption"}),  # never asked
    ({"beneficiary": "grandparent"}, {"pregnant", "recent_birth_or_adoption"}),
    ({"beneficiary": "self", "sex": "male", "age": 35}, {"pregnant"}),
    ({"beneficiary": "self", "age": 67}, {"pregnant", "recent_birth_or_adoption"}),
    ({"beneficiary": "spouse", "sex": "female", "age": 33}, set()),
    ({"beneficiary": "self", "sex": "female", "age": 31}, set()),
    ({"beneficiary": "child", "age": 4}, {"veteran", "farmer", "pregnant", "job_seeker", "master_craftsman",
                                          "single_person_household", "recent_birth_or_adoption"}),
])
def test_the_questions_not_asked_about_each_person(form_slots: list[str], who: dict[str, Any], skipped: set[str]) -> None:
    assert {s for s in form_slots if implausible(s, who)} == skipped
