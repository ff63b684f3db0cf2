"""A yes to the person an "I don't know" reply offers takes the offer (s37 fresh-user probe, three times: "네" after
"… 원하시면 상담원에게 연결해 드릴게요" got "지금 확인을 기다리는 요청이 없어서 …"). assistant/dialogue/confirmation.py:
``offered_a_person``; through the engine on the bundled corpus."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage


def say(p: Any, text: str, sender: str) -> Any:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


@pytest.mark.parametrize(("first", "yes"), [
    ("내일배움카드 알려주세요", "네"),  # utter_service_not_in_documents
    ("What is the weather like in Seoul?", "yes"),  # the English out-of-scope reply offers a person too
])
def test_a_yes_to_the_offered_person_hands_off(processor: Any, first: str, yes: str) -> None:
    t = say(processor, first, "o1")
    last = t.messages[-1].text
    assert "상담원에게 연결해 드릴게요" in last or "connect you to a person" in last, last
    say(processor, yes, "o1")
    assert processor.load("o1").paused


def test_a_yes_after_an_answer_offers_nothing(processor: Any) -> None:
    say(processor, "에너지바우처 알려줘", "o2")
    t = say(processor, "네", "o2")
    assert not processor.load("o2").paused and t.messages[0].custom.get("response") == "utter_nothing_to_confirm"
