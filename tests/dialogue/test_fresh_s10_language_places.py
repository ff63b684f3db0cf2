"""Fresh-user test s10, defects 1-3, through the engine on the bundled corpus (its eligibility form asks the
session's small test catalogue):

1. a mostly-English message with a Korean place name ("I'm 67 and live in 해운대구") was answered in Korean;
2. a 일반구 written without its unit in English ("I live in Bundang") or Korean ("분당 살아요") kept only its city;
3. a Korean conversation answering the region question with a romanised name ("Haeundae") switched to English.

Expected regions are written by hand from the 일반구 of each city (행정안전부 행정구역: 성남시 분당구, 용인시 수지구,
고양시 일산동구·일산서구, 창원시 진해구).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

_HANGUL = re.compile(r"[가-힣]")


def say(p: MessageProcessor, text: str, sender: str, **metadata: object) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", dict(metadata)))


def slots(p: MessageProcessor, sender: str) -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


def text_of(turn: Turn) -> str:
    return " ".join(m.text for m in turn.messages)


@pytest.mark.parametrize("message", ["I'm 67 and live in 해운대구", "My mother is 80 and lives in 대구 수성구",
                                     "What benefits can I get in 부산?"])
def test_english_message_with_a_korean_place_is_answered_in_english(processor: MessageProcessor, message: str) -> None:
    turn = say(processor, message, f"en-ko-{message}")
    assert turn.language == "en"
    assert slots(processor, f"en-ko-{message}")["language"] == "en"
    assert turn.messages and all(m.custom.get("language") in (None, "en") for m in turn.messages)


def _korean_form_at_region(p: MessageProcessor, sender: str) -> None:
    say(p, "제가 받을 수 있는 혜택이 뭐가 있나요?", sender)
    turn = say(p, "67세예요", sender)
    assert slots(p, sender)["requested_slot"] == "region", text_of(turn)


@pytest.mark.parametrize(("typed", "expected"), [
    ("Haeundae", "부산광역시 해운대구"), ("Haeundae-gu", "부산광역시 해운대구"), ("Bundang", "경기도 성남시 분당구"),
    ("Busan", "부산광역시"),
])
def test_romanised_place_answer_keeps_a_korean_conversation_korean(processor: MessageProcessor, typed: str,
                                                                   expected: str) -> None:
    sender = f"ko-rom-{typed}"
    _korean_form_at_region(processor, sender)
    turn = say(processor, typed, sender)
    assert turn.language == "ko"
    state = slots(processor, sender)
    assert state["language"] == "ko" and state["region"] == expected
    assert _HANGUL.search(text_of(turn)), text_of(turn)  # the next question (or the result) in Korean


def test_korean_place_answer_keeps_an_english_conversation_english(processor: MessageProcessor) -> None:
    sender = "en-hangul-place"
    say(processor, "What benefits can I get?", sender)
    say(processor, "I'm 67", sender)
    assert slots(processor, sender)["requested_slot"] == "region"
    turn = say(processor, "해운대구", sender)
    assert turn.language == "en"
    assert slots(processor, sender)["region"] == "부산광역시 해운대구"
    assert not _HANGUL.search(text_of(turn)), text_of(turn)


def test_a_sentence_still_switches_the_language(processor: MessageProcessor) -> None:
    sender = "ko-switch"
    _korean_form_at_region(processor, sender)
    assert say(processor, "I live in Haeundae", sender).language == "en"  # a sentence in English is English


@pytest.mark.parametrize(("typed", "expected"), [
    ("I live in Bundang", "경기도 성남시 분당구"), ("Bundang", "경기도 성남시 분당구"),
    ("I live in Suji, Yongin", "경기도 용인시 수지구"), ("Jinhae", "경상남도 창원시 진해구"),
    ("I live in Ilsan", "경기도 고양시"),  # 일산동구 or 일산서구: the city only
    ("Bundang-gu", "경기도 성남시 분당구"),  # with its unit, as before
])
def test_romanised_general_gu_keeps_its_gu_in_english(processor: MessageProcessor, typed: str, expected: str) -> None:
    sender = f"en-gu-{typed}"
    say(processor, "What benefits can I get?", sender)
    say(processor, "I'm 40", sender)
    assert slots(processor, sender)["requested_slot"] == "region"
    say(processor, typed, sender)
    assert slots(processor, sender)["region"] == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("분당 살아요", "경기도 성남시 분당구"), ("수지요", "경기도 용인시 수지구"), ("일산이요", "경기도 고양시"),
])
def test_general_gu_stem_keeps_its_gu_in_korean(processor: MessageProcessor, typed: str, expected: str) -> None:
    sender = f"ko-gu-{typed}"
    _korean_form_at_region(processor, sender)
    say(processor, typed, sender)
    assert slots(processor, sender)["region"] == expected


def test_opening_message_with_a_romanised_general_gu(processor: MessageProcessor) -> None:
    sender = "en-open-bundang"
    say(processor, "I'm 40 and live in Bundang. What benefits can I get?", sender)
    assert slots(processor, sender)["region"] == "경기도 성남시 분당구"
