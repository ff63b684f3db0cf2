"""A question about a newborn, in Korean or English, is answered with the national service every mother of a baby
under two can use, the regions' own listed after it for their residents (s36 probe: "What support is there for a
newborn baby?" got 경기도산후조리비지원 alone, a 경기도 programme for a citizen of unknown place; "신생아 지원 뭐
있어요?" got 기존주택 전세임대주택, whose page names a 신생아 household type). Colloquial glossary: 신생아 → 출산;
assistant/knowledge/subject.py: an English phrase's translation counts with its colloquial catalogue words.

Through the engine on the bundled corpus; the pages are found by their front matter and what makes the national one
the answer (it covers a baby under two) is checked on its own text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.messages import UserMessage

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def front(language: str, name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((KNOWLEDGE / language / f"{name}.md").read_text(encoding="utf-8").split("---", 2)[1]))


@pytest.mark.parametrize(("question", "language"), [
    ("신생아 지원 뭐 있어요?", "ko"),
    ("What support is there for a newborn baby?", "en"),
])
def test_a_newborn_question_gets_the_national_service_first(processor: Any, question: str, language: str) -> None:
    national = front(language, "pregnancy-childbirth-medical-voucher")
    regional = front("ko", "gyeonggi-postpartum-care")
    body = (KNOWLEDGE / "ko" / "pregnancy-childbirth-medical-voucher.md").read_text(encoding="utf-8")
    assert "2세 미만" in body and regional["agency"] == "경기도"  # a baby's costs, everywhere; 경기도's own
    turn = processor.handle_message(UserMessage("newborn", question, "rest"))
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited and cited[0] == national["doc_id"], [m.text for m in turn.messages]
    assert regional["doc_id"] in cited[1:], [m.text for m in turn.messages]
    text = turn.messages[0].text
    header = "Run by local governments" if language == "en" else "지역에서 운영하는 서비스"
    assert text.index(header) < text.index(regional["url"])  # listed as a region's, for its residents
