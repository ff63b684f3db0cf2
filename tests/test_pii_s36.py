"""Personal data the s36 fresh-user probe found stored raw: an apartment's building and unit after a lot-number
address ("부산광역시 해운대구 우동 1234-5 101동 202호") was kept as "… <address> 101동 202호", with 101 and 202 as
number entities. The unit is part of the address after a lot number too, and a building-and-unit pair anywhere is
the home itself (assistant/nlu/pii.py: ``_ADDR_LOT``'s unit tail, ``_ADDR_APARTMENT``)."""

from __future__ import annotations

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor
from assistant.nlu.pii import find_personal_data
from assistant.stores.masking import mask_text


@pytest.mark.parametrize(("text", "masked"), [
    ("저는 부산광역시 해운대구 우동 1234-5 101동 202호에 살아요", "저는 부산광역시 해운대구 <address>에 살아요"),
    ("우동 1234번지 3호", "<address>"),
    ("강남구 역삼동 123-45, 5동 1203호", "강남구 <address>"),
    ("101동 202호예요", "<address>예요"),
    ("센텀중앙로 79, 101동 1503호", "센텀중앙로 79, <address>"),
    # the second probe: a 번길 road address kept its building number, floor and unit; an English apartment number
    ("경기도 안양시 동안구 평촌대로 223번길 45, 3층 301호요", "<address>요"),
    ("평촌대로 223번길 45, 3층 301호", "<address>"),
    ("강남구 테헤란로 123 5층", "<address>"),
    ("I live at Apt 1203, 45 Haeundae-ro, Busan", "I live at <address>, <address>"),
])
def test_the_building_and_unit_are_masked_with_the_address(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", ["3인 가구 월 200만원", "2동 주민센터 가요", "1호선 타고 가요", "연탄 200장",
                                  "온라인으로 1월에 신청", "3층으로 오세요", "I need 2 units of help"])
def test_numbers_that_are_no_home_stay(text: str) -> None:
    assert [s.kind for s in find_personal_data(text)] == []


def test_nothing_of_the_unit_is_stored(processor: MessageProcessor) -> None:
    processor.handle_message(UserMessage("pii-s36", "저는 부산광역시 해운대구 우동 1234-5 101동 202호에 살아요", "rest"))
    events = processor.tracker_store.load("pii-s36")
    stored = repr(events)
    assert not [raw for raw in ("1234-5", "101동", "202호") if raw in stored]
    entities = [e for ev in events if ev.get("event") == "user" for e in ev["parse_data"]["entities"]]
    assert not [e for e in entities if any(d in str(e.get("value")) for d in ("101", "202", "1234"))], entities
