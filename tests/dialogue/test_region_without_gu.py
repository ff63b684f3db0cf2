"""Fresh-user test s9, defect 12, through the engine on the bundled corpus: a district written without 구 after its
city ("서울 강남", "부산 해운대에 살아요") kept only the city. Expected values are the connector's own region names."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def slots(p: MessageProcessor, sender: str) -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


@pytest.mark.parametrize(("typed", "expected"), [
    ("서울 강남", "서울특별시 강남구"), ("부산 해운대", "부산광역시 해운대구"), ("부산 해운대에 살아요", "부산광역시 해운대구"),
    ("서울 마포구", "서울특별시 마포구"),      # with its 구, as before
    ("서울", "서울특별시"),                   # the 시·도 alone stays the 시·도
])
def test_a_district_without_gu_after_its_city_is_kept(processor: MessageProcessor, typed: str, expected: str) -> None:
    sender = f"gu-{typed}"
    say(processor, "제가 받을 수 있는 혜택이 뭐가 있나요?", sender)
    say(processor, "67세예요", sender)
    say(processor, typed, sender)
    assert slots(processor, sender)["region"] == expected
