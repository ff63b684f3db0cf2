"""A request for benefit alerts while the eligibility questions wait is told when it can be made (after the questions:
the alerts keep the facts they collect), and the question is asked again, nothing stored or refused (s45 probe: "새
혜택 생기면 알려줘" / "notify me about new benefits" were refused as target groups). intents/rules.yml; through the
engine on the bundled corpus."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage


@pytest.mark.parametrize(("start", "ask", "lang"), [
    ("제가 받을 수 있는 혜택 알려주세요", "새 혜택 생기면 알림 받고 싶어요", "ko"),
    ("What benefits can I get?", "notify me about new benefits", "en"),
])
def test_an_alert_request_inside_the_questions_is_told_when_and_the_question_asked_again(
        processor: Any, start: str, ask: str, lang: str) -> None:
    sender = f"alerts-in-form-{lang}"
    first = processor.handle_message(UserMessage(sender, start, "rest", {}))
    tracker = processor.load(sender)
    assert tracker.active_loop_name == "eligibility_form", [m.text for m in first.messages]
    asked = tracker.get_slot("requested_slot")
    turn = processor.handle_message(UserMessage(sender, ask, "rest", {}))
    got = [m.custom.get("response") for m in turn.messages]
    assert got == ["utter_alerts_after_questions", f"utter_ask_{asked}"], [m.text for m in turn.messages]
    tracker = processor.load(sender)
    assert tracker.active_loop_name == "eligibility_form" and tracker.get_slot("requested_slot") == asked
    assert tracker.get_slot("alerts_pending") is None and not any(m.custom.get("form_invalid") for m in turn.messages)
