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
    ("오늘 서울 날씨 어때요?", "네 연결해 주세요"),  # so does the Korean one ("상담원 연결을 도와드릴 수 있어요")
])
def test_a_yes_to_the_offered_person_hands_off(processor: Any, first: str, yes: str) -> None:
    t = say(processor, first, "o1")
    last = t.messages[-1].text
    assert any(offer in last for offer in ("상담원에게 연결해 드릴게요", "상담원 연결을 도와드릴 수 있어요",
                                            "connect you to a person")), last
    say(processor, yes, "o1")
    assert processor.load("o1").paused


def test_a_yes_after_an_answer_offers_nothing(processor: Any) -> None:
    say(processor, "에너지바우처 알려줘", "o2")
    t = say(processor, "네", "o2")
    assert not processor.load("o2").paused and t.messages[0].custom.get("response") == "utter_nothing_to_confirm"


@pytest.mark.parametrize(("first", "then", "response"), [
    # s45 probe: handed to an agent; it asks what the assistant does
    ("can you book me a flight to jeju", "ok then what do you do?", "utter_capabilities"),
    ("오늘 서울 날씨 어때요?", "그럼 뭐 할 수 있어요?", "utter_capabilities"),
])
def test_a_question_after_the_offer_is_no_yes_to_it(processor: Any, first: str, then: str, response: str) -> None:
    say(processor, first, "o3")
    t = say(processor, then, "o3")
    assert not processor.load("o3").paused
    assert [m.custom.get("response") for m in t.messages] == [response], [m.text for m in t.messages]
