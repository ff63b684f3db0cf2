"""불임, the everyday word for 난임, finds the 난임 pages (s36 fresh-user probe: "불임 시술 지원 되나요?" was refused
while "난임 시술비 지원 되나여" was answered). assistant/knowledge/glossary_ko_colloquial.yaml; through the engine on
the bundled corpus."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.glossary import default_colloquial


def test_the_glossary_maps_the_everyday_word() -> None:
    assert "난임" in default_colloquial().terms["불임"]


@pytest.mark.parametrize("question", ["불임 시술 지원 되나요?", "불임 부부 지원 있어요?"])
def test_the_everyday_word_finds_the_infertility_pages(processor: Any, question: str) -> None:
    turn = processor.handle_message(UserMessage("c36", question, "rest", {}))
    m = turn.messages[0]
    assert not m.custom.get("abstained"), m.text
    assert "난임부부 시술비 지원" in m.custom["citations"][0]["title"]
