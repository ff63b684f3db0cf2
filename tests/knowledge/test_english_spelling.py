"""English words misspelled are read as the glossary words they misspell (s42 closing note §3: "enrgy vouchr apply
how" found nothing). Only a word no dictionary knows is changed, only to a glossary word that near, with the same
first letter; names and real words stay as written. The corrections below are written out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.glossary import default_glossary, edit_distance


@pytest.mark.parametrize(("a", "b", "d"), [
    ("vouchr", "voucher", 1), ("enrgy", "energy", 1), ("chidlcare", "childcare", 1), ("benfit", "benefit", 1),
    ("scholership", "scholarship", 1), ("apply", "apple", 1), ("suwon", "seoul", 4), ("", "abc", 3), ("same", "same", 0),
])
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert edit_distance(a, b) == d == edit_distance(b, a)


@pytest.mark.parametrize(("text", "read"), [
    ("enrgy vouchr apply how", "energy voucher apply how"),
    ("how do i aply for the enregy voucher", "how do i apply for the energy voucher"),
    ("what is the chidlcare benfit", "what is the childcare benefit"),
    ("pention for elderly", "pension for elderly"),
    ("disabilty allowance", "disability allowance"),
    ("unemployment benifits", "unemployment benefits"),
    # known words, names and short words are left alone
    ("I live in Suwon with my wife", "I live in Suwon with my wife"),
    ("tell me about jeonse housing", "tell me about jeonse housing"),
    ("wealth management help", "wealth management help"),
    ("is the shingles shot free", "is the shingles shot free"),
    ("에너지바우처 신청", "에너지바우처 신청"),
])
def test_misspelled_words_are_read_as_the_glossary_writes_them(text: str, read: str) -> None:
    assert default_glossary().spelled(text) == read


def test_a_misspelled_question_is_answered(make_processor: Any) -> None:
    p = make_processor()
    turn = p.handle_message(UserMessage("s-spelling", "enrgy vouchr apply how", "rest", {}))
    cited = [c["title"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited and "에너지바우처" in cited[0], [m.text for m in turn.messages]
