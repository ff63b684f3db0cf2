"""A no (or a yes) that names what the citizen means now is asked about, not answered "nothing is waiting for a yes"
(s36 fresh-user probe: "에너지 바우처 받을수잇나요" then "ㄴㄴ 연탄쿠폰이요", and "유치원 학비 지원이요" then "아 아니다
어린이집이요", each got "지금 확인을 기다리는 요청이 없어서 …"). assistant/dialogue/confirmation.py; through the
engine on the bundled corpus."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn


def say(p: MessageProcessor, text: str, sender: str = "m1") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def test_a_no_naming_another_service_answers_it(processor: Any) -> None:
    first = say(processor, "에너지 바우처 받을수잇나요")
    assert first.messages[0].custom["citations"][0]["title"] == "에너지바우처"
    t = say(processor, "ㄴㄴ 연탄쿠폰이요")
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    assert t.messages[0].custom["citations"][0]["title"] == "연탄쿠폰"


def test_a_no_naming_another_kind_of_help_is_asked_about(processor: Any) -> None:
    say(processor, "유치원 학비 지원이요")
    t = say(processor, "아 아니다 어린이집이요")
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    assert t.messages[0].custom["citations"] and not t.messages[0].custom.get("abstained")


@pytest.mark.parametrize("reply", ["네", "아니요", "아니 그게 아니고", "yes", "no"])
def test_a_bare_yes_or_no_still_says_nothing_is_waiting(processor: Any, reply: str) -> None:
    say(processor, "에너지바우처 알려주세요")
    t = say(processor, reply)
    assert responses(t) == ["utter_nothing_to_confirm"], [m.text for m in t.messages]
