"""English replies of the dialogue layer name places in English (fresh-user report: "I changed your region to
서울특별시 강남구"), through the engine on the bundled corpus with the small test catalogue (tests/engine_catalogue.py).

Sweep: in English conversations that give, correct and keep a place, answer the programme-region question and stop,
no reply but a knowledge answer's quotes holds Hangul, except the names that have no English form here (a cited
service's title and agency, a programme's name in quotes) and the Korean terms the English questions gloss
("만 나이", "중위소득")."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 40 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

HANGUL = re.compile(r"[가-힣]")
GLOSSES = ("만 나이", "중위소득")  # Korean terms an English question explains in brackets on purpose
GENERAL = "What benefits can I get?"


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def _left_hangul(text: str, custom: dict[str, Any]) -> list[str]:
    for c in custom.get("citations") or []:
        for name in (c.get("title"), c.get("agency")):
            if name:
                text = text.replace(str(name), "")
    text = re.sub(r"'[^']*'", "", text)  # a programme's own name, quoted
    for gloss in GLOSSES:
        text = text.replace(gloss, "")
    return re.findall(r"[가-힣][가-힣\s]*", text)


CONVERSATIONS = [
    [GENERAL, "I'm 34", "Haeundae-gu, Busan", "Actually I live in Gangnam-gu, Seoul"],
    [GENERAL, "I live in Busan", "I'm 34"],
    [GENERAL, "I'm 34", "Jung-gu", "Busan"],
    [GENERAL, "I'm 34", "Busan", "No, I live in Suwon"],
    ["Is there monthly rent support for young people?", "I live in Seoul"],
    ["Is there monthly rent support for young people?", "cancel"],
    ["Is there monthly rent support for young people?", "I live in Anyang"],
    ["yes", "cancel", "I live in Daegu"],
]


@pytest.mark.parametrize("turns", CONVERSATIONS, ids=[" / ".join(c) for c in CONVERSATIONS])
def test_english_replies_name_places_in_english(make_processor: Any, turns: list[str]) -> None:
    p = make_processor()
    seen: list[str] = []
    for i, text in enumerate(turns):
        for m in say(p, text, "s-en").messages:
            seen.append(str(m.custom.get("response")))
            if m.custom.get("response") == "action_answer_from_knowledge":
                continue  # quotes of the Korean catalogue, labelled as such
            assert m.custom.get("language") in (None, "en"), (text, m.text)
            left = _left_hangul(m.text, m.custom)
            assert not left, f"turn {i} {text!r}: {m.text!r} keeps {left}"
            for b in m.buttons:
                assert not HANGUL.search(b["title"]), (text, b)
    assert seen


def test_a_corrected_place_is_said_in_english_and_in_full(make_processor: Any) -> None:
    p = make_processor()
    for text in (GENERAL, "I'm 34", "Haeundae-gu, Busan"):
        say(p, text, "s-fix")
    t = say(p, "Actually I live in Gangnam-gu, Seoul", "s-fix")
    # the domain's own message for the region (utter_corrected_region) names the place in English, in full
    corrected = next(m for m in t.messages if m.custom.get("response") == "utter_corrected_region")
    assert corrected.text == "Got it, I've changed where you live to Gangnam-gu, Seoul.", [m.text for m in t.messages]
    assert p.load("s-fix").get_slot("region") == "서울특별시 강남구"  # the value stays Korean (the connector reads it)


def test_a_kept_place_is_said_in_english(make_processor: Any) -> None:
    p = make_processor()
    say(p, GENERAL, "s-kept")
    t = say(p, "I live in Busan", "s-kept")
    assert t.messages[0].custom.get("response") == "utter_kept_region" and t.messages[0].text == "Noted: you live in Busan."


def test_korean_corrections_keep_korean_names(make_processor: Any) -> None:
    p = make_processor()
    for text in ("제가 받을 수 있는 지원이 있나요?", "34세예요", "부산 해운대구"):
        say(p, text, "s-ko")
    t = say(p, "아니요, 서울 강남구에 살아요", "s-ko")
    texts = [m.text for m in t.messages if m.custom.get("response") == "utter_corrected_region"]
    assert texts == ["알겠어요, 사시는 곳을 서울특별시 강남구로 고쳤어요."], [m.text for m in t.messages]
