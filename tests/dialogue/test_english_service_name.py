"""A service asked by its common English name is answered from its English page.

s34 fresh-user probe: "How do I apply for the safe inheritance service?" was abstained on (gate 0.171): the bundled
English page of 안심상속서비스 called it only "One-stop property inquiry for the deceased or a ward" and never said
"inheritance", so no English word of the question was on the page. The page's title now starts with the service's
English name. The expected page is read from its front matter."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor

PAGE = Path(__file__).resolve().parents[2] / "knowledge" / "en" / "safe-inheritance.md"
FRONT = yaml.safe_load(PAGE.read_text(encoding="utf-8").split("---", 2)[1])


def test_the_page_names_the_service_in_english() -> None:
    assert "inheritance" in FRONT["title"].lower()


@pytest.mark.parametrize("text", ["What is the safe inheritance service?",
                                  "How do I apply for the safe inheritance service?"])
def test_the_english_name_is_answered_from_the_english_page(processor: MessageProcessor, text: str) -> None:
    turn = processor.handle_message(UserMessage("inheritance-en", text, "rest"))
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited and cited[0] == FRONT["doc_id"], [m.text for m in turn.messages]
    assert turn.messages[0].text.startswith(FRONT["title"])
