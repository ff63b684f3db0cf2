"""Personal data the s35 fresh-user probe found stored raw, and the fix for each kind.

* A Korean road-name address written in English ("123 Teheran-ro, Gangnam-gu, Seoul") was not masked: the romanised
  forms (…-ro, …-daero, …-gil, number before or after) are addresses now.
* An entity read inside an address ("101동 202호" as the ``age``) filled a slot with a wrong fact and the raw flat
  number: entities holding digits inside an address or e-mail are dropped (the district, without digits, stays).
* A mistyped date of birth beside a word for birth ("1990년 2월 31일생") was not masked (no real date): it is now.
"""

from __future__ import annotations

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor
from assistant.nlu.pii import find_personal_data
from assistant.stores.masking import mask_text


@pytest.mark.parametrize(("text", "masked"), [
    ("I live at 123 Teheran-ro, Gangnam-gu, Seoul", "I live at <address>"),
    ("I live at 45 Sejong-daero, Jung-gu, Seoul.", "I live at <address>."),
    ("My address is Olympic-ro 43-gil 88, Songpa-gu", "My address is <address>"),
    ("Teheran-ro 123, Gangnam-gu please", "<address> please"),
    ("123, Teheran-ro", "<address>"),
])
def test_romanised_road_name_addresses_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", ["I live in Gangnam-gu", "Is the office on Sejong-daero?", "the 2 Jongno-gu offices",
                                  "I'm 30 and live in Busan"])
def test_a_district_or_a_road_without_a_number_is_no_address(text: str) -> None:
    assert [s.kind for s in find_personal_data(text)] == []


@pytest.mark.parametrize(("text", "masked"), [
    ("1990년 2월 31일생이에요", "<birthdate>생이에요"),
    ("생년월일은 1990년 2월 31일", "생년월일은 <birthdate>"),
    ("born on 31 February 1990", "born on <birthdate>"),
    ("생일이 1990년 2월 31일이에요", "생일이 <birthdate>이에요"),  # until s35 kept as "no such date"
    ("팔오년 이월 삼십일생", "<birthdate>생"),  # read aloud: 85년 2월 30일생
    ("2025년 2월 30일까지 신청", "2025년 2월 30일까지 신청"),  # no word for birth: a (wrong) deadline
    ("생년월일은 1990년 13월 1일", "생년월일은 1990년 13월 1일"),  # no month 13: no date at all
])
def test_a_mistyped_date_of_birth_is_still_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize(("text", "raw"), [
    ("주소는 서울시 강남구 테헤란로 123, 101동 202호예요", ["101동", "202호", "테헤란로 123"]),
    ("I'm 34 and I live at 123 Teheran-ro, Gangnam-gu, Seoul", ["Teheran-ro", "123 "]),
    ("생년월일은 1990년 2월 31일이에요", ["2월 31일", "1990-02-31"]),
])
def test_nothing_of_it_is_stored_and_no_slot_is_read_from_it(processor: MessageProcessor, text: str,
                                                              raw: list[str]) -> None:
    processor.handle_message(UserMessage("pii-s35", text, "rest"))
    events = processor.tracker_store.load("pii-s35")
    stored = repr(events)
    assert not [r for r in raw if r in stored]
    ages = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "age"]
    assert all(a in (None, 34) for a in ages), ages  # no flat number as an age
    entities = [e for ev in events if ev.get("event") == "user" for e in ev["parse_data"]["entities"]]
    assert not [e for e in entities if e["entity"] in ("age", "number", "amount-of-money") and e.get("value") != 34]
