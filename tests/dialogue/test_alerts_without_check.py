"""Benefit alerts where no eligibility check can run are refused at once, with what the citizen can do instead
(assistant/dialogue/alerts_route.py). s38 fresh-user probe on the README's main job: "에너지바우처 알림 받고 싶어요" →
the check's button → "한꺼번에 확인해 드릴 수 없어요" → 👍 → "기다리는 요청이 없어요". Through the engine on the bundled
corpus (no eligibility URL, no catalogue: ``has_data()`` is False there); the response is read from the domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.alerts_route import RESPONSE
from assistant.dialogue.messages import UserMessage

DOMAIN = Path(__file__).resolve().parents[2] / "intents" / "domain.yml"


def texts(name: str) -> list[str]:
    return [v["text"] for v in yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"][name]]


@pytest.mark.parametrize("text", ["에너지바우처 알림 받고 싶어요", "새 혜택 알림 받고 싶어요"])
def test_alerts_without_a_check_are_refused_in_one_turn_without_a_dead_end_button(make_processor: Any, text: str) -> None:
    p = make_processor(eligibility_url=None)  # the session's engine has a test eligibility service; run.sh's has none
    turn = p.handle_message(UserMessage(f"alerts-{text}", text, "rest", {}))
    reply = turn.messages[0]
    assert reply.text == texts(RESPONSE)[-1], reply.text  # the Korean variant (the last, unconditioned)
    assert not any(b.get("payload") == "/check_eligibility" for m in turn.messages for b in (m.buttons or [])), turn.messages


def test_with_eligibility_data_the_check_is_still_offered(processor: Any) -> None:
    assert processor.settings.eligibility_url  # the session's engine: a test eligibility service
    turn = processor.handle_message(UserMessage("alerts-data", "새 혜택 알림 받고 싶어요", "rest", {}))
    assert turn.messages[0].custom.get("response") == "utter_alerts_need_facts", turn.messages[0].text
    assert any(b.get("payload") == "/check_eligibility" for b in turn.messages[0].buttons or [])


def test_wanting_alerts_in_english_is_not_read_as_stopping_them(make_processor: Any) -> None:
    """s38 probe: "I want benefit alerts" was read as unsubscribe_alerts (0.50) and got "Shall I stop the benefit
    alerts …?"; it is the English refusal (the first variant, conditioned on English)."""
    p = make_processor(eligibility_url=None)
    turn = p.handle_message(UserMessage("alerts-en", "I want benefit alerts", "rest", {}))
    assert turn.messages[0].text == texts(RESPONSE)[0], turn.messages[0].text
    stop = p.handle_message(UserMessage("alerts-en-stop", "stop my benefit alerts", "rest", {}))
    assert "stop" in stop.messages[0].text.lower()  # stopping them is still stopping them
