"""A 시·군·구 that several 시·도 have, said after its 시·도 ("부산 강서구"), fills the place slot with both
(assistant/dialogue/forms.py ``qualified_places``). s45 probe: the lookup read 부산광역시 and a bare 강서구 (서울 has one
too), and the ``region`` slot held "강서구", which no reader could place. Through the engine on the bundled corpus; the
expected places are read from the region tables (connectors/eligibility/regions.py)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from connectors.eligibility.regions import places_in_text


@pytest.mark.parametrize(("text", "said"), [
    ("저 부산 강서구 사는데 출산지원금 신청할래요", "부산 강서구"),
    ("서울 강서구 사는데 청년월세 신청할래요", "서울 강서구"),
    ("대구 중구 살아요 받을 수 있는 지원 있나요?", "대구 중구"),
])
def test_a_district_of_several_cities_is_read_under_the_city_said(processor: Any, text: str, said: str) -> None:
    [area] = places_in_text(said)  # the premise: the pair names one place, the district alone several
    assert len(places_in_text(said.split()[1])) > 1
    processor.handle_message(UserMessage(f"place-{said}", text, "rest", {}))
    assert processor.load(f"place-{said}").get_slot("region") == f"{area.sido} {area.sigungu}"


def test_a_district_said_alone_stays_as_said(processor: Any) -> None:
    processor.handle_message(UserMessage("place-alone", "강서구 사는데 출산지원금 신청할래요", "rest", {}))
    assert processor.load("place-alone").get_slot("region") == "강서구"
