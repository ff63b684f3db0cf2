"""s12 #4: "I'm a single mom" / "싱글맘이에요" is the citizen saying who they are, a single-parent household (한부모,
JA0403 ``single_parent_family``), not a question about their mother (s11 made "mom" a parent word). Expected values
are the sentences' meanings, written by hand."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor
from assistant.nlu.household import single_parent_said, speaker_kin_spans


def say(p: MessageProcessor, text: str, sender: str) -> list[Any]:
    return list(p.handle_message(UserMessage(sender, text, "rest", {})).messages)


def slots_after(processor: MessageProcessor, message: str, conversation: str) -> dict[str, Any]:
    """The slots after ``message`` opens a conversation of its own (``conversation``-``message``)."""
    sender = f"{conversation}-{message}"
    say(processor, message, sender)
    return dict(processor.tracker_state(sender)["slots"])


@pytest.mark.parametrize(("message", "beneficiary"), [
    ("싱글맘이에요. 받을 수 있는 혜택이 뭐가 있나요?", "self"),
    ("저는 싱글대디인데 받을 수 있는 지원이 있나요?", "self"),
    ("I'm a single mom. What benefits can I get?", "self"),
    ("I am a single dad, what support can I get?", "self"),
    ("I'm a single mom. What benefits can my son get?", "child"),
])
def test_a_single_parent_speaks_of_themself(processor: MessageProcessor, message: str, beneficiary: str) -> None:
    slots = slots_after(processor, message, "single")
    assert (slots["beneficiary"], slots["single_parent_family"]) == (beneficiary, True), slots
    assert slots["requested_slot"] != "single_parent_family"


@pytest.mark.parametrize(("message", "beneficiary"), [
    ("What benefits can my mom get?", "parent"),
    ("엄마가 받을 수 있는 혜택이 뭐가 있나요?", "parent"),
])
def test_a_mother_asked_about_is_still_a_parent(processor: MessageProcessor, message: str, beneficiary: str) -> None:
    slots = slots_after(processor, message, "mother")
    assert (slots["beneficiary"], slots["single_parent_family"]) == (beneficiary, None), slots


@pytest.mark.parametrize(("text", "said"), [
    ("싱글맘이에요", True), ("한부모 가정인데 지원 있나요?", True), ("미혼모인데요", True),
    ("I'm a single mom", True), ("We're a single-parent family", True),
    ("한부모가족 지원 받을 수 있나요?", False),  # asks about a service: says nothing of the citizen
    ("What benefits can my mom get?", False), ("single-parent family support", False),
])
def test_single_parent_statements(text: str, said: bool) -> None:
    assert single_parent_said(text) is said


@pytest.mark.parametrize(("text", "word", "role"), [
    ("I'm a single mom", "mom", True), ("As a working dad, what can I get?", "dad", True),
    ("저는 싱글 엄마예요", "엄마", True), ("What can my mom get?", "mom", False), ("엄마가 받을 수 있나요?", "엄마", False),
])
def test_a_kin_word_naming_the_speaker_is_no_one_else(text: str, word: str, role: bool) -> None:
    start = text.index(word)
    assert any(s <= start and start + len(word) <= e for s, e in speaker_kin_spans(text)) is role
