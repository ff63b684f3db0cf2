"""Fresh-user s10 #4: "우리 아들", "어머니", "my mother" … set the beneficiary (child / parent) but not their sex,
which the words say. Expected sexes are the words' meanings (아들 son: male; 딸 daughter, 어머니 / 엄마 mother: female)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from connectors.eligibility.actions import KIN_SEX, beneficiary_sex


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def slots(p: MessageProcessor, sender: str) -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


@pytest.mark.parametrize(("message", "beneficiary", "sex"), [
    ("우리 아들이 받을 수 있는 혜택이 뭐가 있나요?", "child", "male"),
    ("딸이 받을 수 있는 혜택 알려주세요", "child", "female"),
    ("어머니가 받을 수 있는 혜택이 뭐가 있나요?", "parent", "female"),
    ("What benefits can my mother get?", "parent", "female"),
    ("What benefits can my son get?", "child", "male"),
    ("저는 남자인데 우리 엄마가 받을 수 있는 혜택이 뭐가 있나요?", "parent", "female"),  # the speaker's sex is not hers
])
def test_family_member_word_sets_their_sex(processor: MessageProcessor, message: str, beneficiary: str, sex: str) -> None:
    sender = f"kin-{message}"
    say(processor, message, sender)
    state = slots(processor, sender)
    assert (state["beneficiary"], state["sex"]) == (beneficiary, sex)


@pytest.mark.parametrize(("message", "beneficiary", "sex"), [
    ("저는 남자인데 부모님이 받을 수 있는 혜택이 뭐가 있나요?", "parent", None),  # s11 #2: was the parent "male"
    ("전 68세 여성이고 부모님이 받을 수 있는 혜택 있나요?", "parent", None),
    ("I'm a woman. What benefits can my parents get?", "parent", None),
    ("저는 남자인데 받을 수 있는 혜택이 뭐가 있나요?", "self", "male"),  # about the speaker: their own sex
    ("I'm a woman. What benefits can I get?", "self", "female"),
])
def test_the_speakers_own_sex_is_not_the_members(processor: MessageProcessor, message: str, beneficiary: str,
                                                  sex: str | None) -> None:
    sender = f"kin-speaker-{message}"
    say(processor, message, sender)
    state = slots(processor, sender)
    assert (state["beneficiary"], state["sex"]) == (beneficiary, sex)


@pytest.mark.parametrize("message", ["우리 아이가 받을 수 있는 혜택이 뭐가 있나요?", "부모님이 받을 수 있는 혜택 있나요?"])
def test_a_word_of_no_sex_sets_none(processor: MessageProcessor, message: str) -> None:
    sender = f"kin-none-{message}"
    say(processor, message, sender)
    assert slots(processor, sender)["sex"] is None


class _Tracker:
    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.latest_message = {"text": text, "entities": [{"entity": "beneficiary", "start": a, "end": b} for a, b in spans]}

    def latest_text(self) -> str:
        return str(self.latest_message["text"])


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("아들과 딸이 있어요", [(0, 2), (3, 4)], None),       # two members of different sexes: whose facts?
    ("my daughter and my son", [(0, 11), (16, 22)], None),
    ("아이와 엄마", [(0, 2), (3, 5)], None),               # one of no stated sex
    ("우리 아빠", [(3, 5)], "male"), ("my wife", [(0, 7)], "female"), ("", [], None),
])
def test_beneficiary_sex_reads_the_entity_words(text: str, spans: list[tuple[int, int]], expected: str | None) -> None:
    assert beneficiary_sex(_Tracker(text, spans)) == expected  # type: ignore[arg-type]


def test_every_gendered_word_of_the_beneficiary_lookup_is_known() -> None:
    """The bundled lookup's words that name a sex (checked by hand) are all in KIN_SEX, with that sex."""
    gendered = {"아들": "male", "딸": "female", "엄마": "female", "어머니": "female", "아버지": "male", "아빠": "male",
                "남편": "male", "아내": "female", "son": "male", "daughter": "female", "mother": "female",
                "father": "male", "husband": "male", "wife": "female"}
    assert {w: KIN_SEX.get(w) for w in gendered} == gendered
