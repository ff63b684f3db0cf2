"""s18 item 4: "아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?" — whose benefits? The assistant asks, with 본인 / 아이
buttons, instead of deciding alone (before: the lookup's "아이" started the questionnaire about the child).

The expected readings are the sentences' meaning, written by hand: a statement of having a child with no one named as
receiving is unclear; "제가 받을 수 있는", "우리 아이가 받을 수 있는", "what can he get" name the person.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.whose_benefits import RESPONSE, has_child_spans, whose_unclear


def _entities(text: str, *words: str) -> list[dict[str, Any]]:
    """A ``beneficiary`` entity at each of ``words`` in ``text`` (where the lookup puts them)."""
    return [{"entity": "beneficiary", "value": "child", "start": text.index(w), "end": text.index(w) + len(w)} for w in words]


@pytest.mark.parametrize(("text", "words", "unclear"), [
    ("아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", ("아이",), True),
    ("자녀가 둘 있어요. 받을 수 있는 지원이 뭐가 있나요?", ("자녀",), True),
    ("I have two kids. What benefits are there?", ("kids",), True),
    ("We have a 4 year old son, which benefits are there?", ("son",), True),
    ("아이가 있는데 제가 받을 수 있는 혜택이 뭐가 있나요?", ("아이",), False),  # the citizen named
    ("I have two kids, what can I get?", ("kids",), False),
    ("아이가 있는데 아이가 받을 수 있는 혜택이 뭐가 있나요?", ("아이",), False),  # the child named again, as receiving
    ("I have a son, what can he get?", ("son",), False),
    ("우리 아이가 받을 수 있는 혜택이 뭐가 있나요?", ("아이",), False),  # no statement of having: about the child
    ("제가 받을 수 있는 혜택이 뭐가 있나요?", (), False),
])
def test_whose_benefits_is_unclear_only_when_no_one_is_named(text: str, words: tuple[str, ...], unclear: bool) -> None:
    entities = _entities(text, *words)
    if text.startswith("아이가 있는데 아이가"):
        entities.append({"entity": "beneficiary", "value": "child", "start": 8, "end": 10})
    assert whose_unclear(text, entities) is unclear, has_child_spans(text)


@pytest.mark.parametrize(("text", "has_child"), [
    # a birth to come ("have a baby" is the glossary's 출산) is no child the citizen has: the regional childbirth
    # question must reach the 출산 programmes (tests/dialogue/test_regional_kind_engine.py), not the questionnaire
    ("Do I get money if I have a baby?", False),
    ("What do we get when we have a child?", False),
    ("Once I have a baby can I get leave?", False),
    ("If we have kids, is there support?", False),
    ("I have a baby. What can I get?", True),
    ("We have two kids", True),
])
def test_a_birth_to_come_is_not_a_child_the_citizen_has(text: str, has_child: bool) -> None:
    assert bool(has_child_spans(text)) is has_child


def say(p: MessageProcessor, text: str, sender: str, language: str | None = None) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {"language": language} if language else {}))


def slots(p: MessageProcessor, sender: str) -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


OPENINGS = [("ko", "아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", ("본인", "아이"), "자녀"),
            ("en", "I have two kids. What benefits are there?", ("Me", "My child"), "your child")]


@pytest.mark.parametrize(("lang", "opening", "titles", "child_word"), OPENINGS)
@pytest.mark.parametrize("who", ["self", "child"])
def test_an_unclear_opening_asks_whose_benefits_and_the_button_decides(processor, lang: str, opening: str,  # type: ignore[no-untyped-def]
                                                                      titles: tuple[str, str], child_word: str,
                                                                      who: str) -> None:
    sender = f"whose-{lang}-{who}"
    t = say(processor, opening, sender)
    last = t.messages[-1]
    assert last.custom.get("response") == RESPONSE, [m.text for m in t.messages]
    buttons = list(last.buttons)
    assert [b["title"] for b in buttons] == list(titles)
    payloads = {json.loads(b["payload"][b["payload"].index("{"):])["beneficiary"]: b["payload"] for b in buttons}
    assert set(payloads) == {"self", "child"} and all(p.startswith("/check_eligibility{") for p in payloads.values())
    state = slots(processor, sender)
    assert state["requested_slot"] is None and state["beneficiary"] in (None, "self")  # nothing decided, no question yet
    t = say(processor, payloads[who], sender)
    state = slots(processor, sender)
    assert state["beneficiary"] == who and state["requested_slot"] is not None, [m.text for m in t.messages]
    asked = t.messages[-1].text or ""
    assert (child_word in asked) == (who == "child"), asked  # the question names the child only when about the child


@pytest.mark.parametrize(("text", "who"), [
    ("아이가 있는데 제가 받을 수 있는 혜택이 뭐가 있나요?", "self"),
    ("우리 아이가 받을 수 있는 혜택이 뭐가 있나요?", "child"),
    ("I have a son, what can he get?", "child"),
    ("I have two kids, what can I get?", "self"),
])
def test_an_opening_that_names_the_person_is_not_asked(processor, text: str, who: str) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, text, "named")
    assert RESPONSE not in [m.custom.get("response") for m in t.messages]
    state = slots(processor, "named")
    assert (state["beneficiary"] or "self") == who and state["requested_slot"] is not None, [m.text for m in t.messages]
