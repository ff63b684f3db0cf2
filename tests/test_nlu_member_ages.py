"""assistant.nlu.entities.member_ages: the family member an age names ("my 4 year old", "my 80-year-old mother").

The expected member of each sentence is its meaning, written by hand; the age spans are built where the sentence has
them (the rule reads spans the other extractors made)."""

from __future__ import annotations

import pytest

from assistant.nlu.entities.member_ages import with_member_of_age
from assistant.nlu.types import EntitySpan


def _members(text: str, age_text: str, age: int) -> list[tuple[str, str]]:
    start = text.index(age_text)
    spans = [EntitySpan("age", start, start + len(age_text), age_text, age)]
    return [(e.text, e.value) for e in with_member_of_age(text, spans) if e.entity == "beneficiary"]


@pytest.mark.parametrize(("text", "age_text", "age", "members"), [
    ("What can I get for my 4 year old?", "4 year old", 4, [("my", "child")]),
    ("my 4-year-old needs kindergarten support", "4-year-old", 4, [("my", "child")]),
    ("benefits for my 7 yo", "7 yo", 7, [("my", "child")]),
    ("our little 3 year old goes to daycare", "3 year old", 3, [("our", "child")]),
    ("my 80-year-old mother lives alone", "80-year-old", 80, [("mother", "parent")]),
    ("my 45 year old husband is disabled", "45 year old", 45, [("husband", "spouse")]),
    ("my 90 year old grandma", "90 year old", 90, [("grandma", "grandparent")]),
    ("my 2 year old twins", "2 year old", 2, [("twins", "child")]),
    ("우리 4살짜리가 어린이집 다녀요", "4살", 4, [("우리", "child")]),
    ("저희 일곱 살배기", "일곱 살", 7, [("저희", "child")]),
    # no one: a thing's age, an adult's age with no noun, the citizen's own, a Korean family word after 짜리 (the
    # lookup's own entity), no possessive
    ("my 4 year old car broke down", "4 year old", 4, []),
    ("my 80 year old needs care", "80 year old", 80, []),
    ("I'm 40 years old", "40 years old", 40, []),
    ("우리 4살짜리 아들", "4살", 4, []),
    ("a 4 year old can apply", "4 year old", 4, []),
])
def test_the_member_an_age_names(text: str, age_text: str, age: int, members: list[tuple[str, str]]) -> None:
    assert _members(text, age_text, age) == members


def test_an_existing_beneficiary_is_kept_and_not_doubled() -> None:
    text = "my 10 year old daughter"
    spans = [EntitySpan("age", 3, 14, "10 year old", 10), EntitySpan("beneficiary", 15, 23, "daughter", "child")]
    assert with_member_of_age(text, spans) == spans
