"""No digit of a personal number is another entity (assistant/nlu/entities/pipeline.py, s15-fresh F4).

The bundled CRF read "4111 1111 1111 1111" after "my card is" as an ``age`` (value None), and in the eligibility form
that spoilt the valid age said in the same message ("Sorry, that doesn't look like an age I can use"). Card, account,
phone and resident registration numbers are found by the one detector log masking uses
(:func:`assistant.nlu.pii.find_pii`); any entity overlapping one is dropped, except the ``phone-number`` / ``rrn``
entities themselves. The expected spans below are written by hand."""

from __future__ import annotations

import pytest

from assistant.nlu.entities.pipeline import inside_personal_number, personal_numbers
from assistant.nlu.types import EntitySpan

CARD = "4111 1111 1111 1111"  # the Luhn-valid test Visa number


@pytest.mark.parametrize(("text", "expected"), [
    # s15-fresh F4's message: the birth date's age stays, the card is nothing
    (f"I was born on July 14, 1961. Email me at kim.test@example.com, my card is {CARD}",
     {("age", "July 14, 1961")}),
    (f"my card is {CARD}", set()),
    ("카드번호 1234-5678-9012-3456", set()),  # not Luhn-valid: a card by the word before it
    ("제 카드는 4111-1111-1111-1111이고 나이는 67세예요", {("age", "67세")}),
    ("계좌번호 110-123-456789 이고 70살이에요", {("age", "70살")}),
    ("전화번호 010-1234-5678, 나이는 70살", {("phone-number", "010-1234-5678"), ("age", "70살")}),
    ("I'm 70, call me on 010-9876-5432", {("age", "70"), ("phone-number", "010-9876-5432")}),
    ("주민번호 900101-1234567", {("rrn", "900101-1234567")}),
])
def test_no_entity_inside_a_personal_number(bundled_router, text: str, expected: set[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    found = {(e.entity, e.text) for e in bundled_router.nlu.parse(text).entities}
    assert found == expected


def test_the_spans_are_the_masking_detectors() -> None:
    text = f"card {CARD}, phone 010-1234-5678, 나이 70"
    card_at = text.index(CARD)
    phone_at = text.index("010")
    assert personal_numbers(text) == [(card_at, card_at + len(CARD)), (phone_at, phone_at + 13)]
    spans = personal_numbers(text)
    age_in_card = EntitySpan(entity="age", start=card_at, end=card_at + 4, text="4111")
    age_after = EntitySpan(entity="number", start=len(text) - 2, end=len(text), text="70")
    assert inside_personal_number(age_in_card, spans) and not inside_personal_number(age_after, spans)
    # an e-mail or an address is personal data but no number: entities in it stay (a district in an address)
    assert personal_numbers("서울시 강남구 테헤란로 123, kim@example.com") == []
