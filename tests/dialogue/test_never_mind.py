"""A no that says never mind ("아니요 됐어요", "no thanks") stops the eligibility questions where the question is no
yes/no one (assistant/dialogue/policies.py: ``never_minds``, FormPolicy); a plain "아니요" is still the form's to
read. Through the engine on the bundled corpus."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def slots(p: MessageProcessor, sender: str) -> dict[str, Any]:
    return dict(p.load(sender).slots)


@pytest.mark.parametrize("text", ["아니요 됐어요", "됐어요 필요 없어요", "no thanks", "never mind"])
def test_a_no_that_says_never_mind_stops_the_questions(processor: MessageProcessor, text: str) -> None:
    """s45 probe: "아니요 됐어요" at the income question was refused as a percentage and the questions went on."""
    asked = say(processor, "제가 받을 수 있는 혜택 알려주세요", "nm")
    assert processor.load("nm").active_loop_name == "eligibility_form", [m.text for m in asked.messages]
    assert slots(processor, "nm").get("requested_slot") in ("age", "region")  # not a yes/no question
    stopped = say(processor, text, "nm")
    assert responses(stopped) == ["utter_cancelled"], [m.text for m in stopped.messages]
    assert processor.load("nm").active_loop_name is None


def test_a_plain_no_is_still_read_by_the_form(processor: MessageProcessor) -> None:
    say(processor, "제가 받을 수 있는 혜택 알려주세요", "nm2")
    said = say(processor, "아니요", "nm2")
    assert processor.load("nm2").active_loop_name == "eligibility_form", [m.text for m in said.messages]
    assert "utter_cancelled" not in responses(said)
