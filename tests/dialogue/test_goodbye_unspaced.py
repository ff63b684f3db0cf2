"""A goodbye typed without its space is a goodbye (s41 probe: "안녕히계세요" got the greeting, read as greet 0.76).
Through the engine on the bundled NLU."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage


@pytest.mark.parametrize(("text", "response"), [
    ("안녕히계세요", "utter_goodbye"), ("안녕히가세요", "utter_goodbye"), ("안녕히 계세요", "utter_goodbye"),
    ("안녕하세요", "utter_greet"),
])
def test_goodbye_with_or_without_its_space(processor: Any, text: str, response: str) -> None:
    t = processor.handle_message(UserMessage(f"bye-{text}", text, "rest", {}))
    assert [m.custom.get("response") for m in t.messages] == [response], [m.text for m in t.messages]
