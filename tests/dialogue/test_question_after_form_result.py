"""A new question right after the eligibility questionnaire's result is answered as a question, not read as a correction
(session 17, found on the README's first command).

On ``./scripts/run.sh``'s home (the bundled corpus, no catalogue) "제가 받을 수 있는 혜택이 뭐가 있나요?" gets "자격 확인을
할 수 없어요" (the questionnaire's result there). The next message "저 67살인데 기초연금 받을 수 있나요?" holds an age, so
:class:`~assistant.dialogue.after_form.CorrectionAfterFormPolicy` read it as a correction: "알겠어요, 나이를 67세로
고쳤어요" and the same result again; "Can I get help with kindergarten fees for my 4 year old?" got "I've changed your
age to 4" and never the 유아학비 answer it gets in a new conversation. A message that is not ``inform`` and names a
service, a benefit or a kind of help keeps its own route.

The expected reply of each question is the one the same engine gives it as the first message of a new conversation
(computed in the test, not written down), and the corrections of tests/dialogue/test_after_form_corrections.py still
hold there.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

START = {"ko": "제가 받을 수 있는 혜택이 뭐가 있나요?", "en": "What benefits can I get?"}


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[Any]:
    return [m.custom.get("response") for m in turn.messages]


def cited(turn: Turn) -> list[str]:
    return [c.get("title") for m in turn.messages for c in (m.custom.get("citations") or [])]


QUESTIONS = [
    ("ko", "저 67살인데 기초연금 받을 수 있나요?"),
    ("ko", "우리 아이 4살인데 유치원비 지원 받을 수 있나요?"),
    ("en", "Can I get help with kindergarten fees for my 4 year old?"),
    ("en", "I'm 67, can I get the basic pension?"),
]


@pytest.mark.parametrize(("lang", "question"), QUESTIONS)
def test_a_question_after_the_no_catalogue_result_is_answered_as_in_a_new_conversation(make_processor: Any, lang: str,
                                                                                      question: str) -> None:
    p = make_processor(eligibility_url=None)  # run.sh's home: no eligibility service, no catalogue
    first = say(p, START[lang], "after")
    assert responses(first) == ["utter_eligibility_no_catalogue"], [m.text for m in first.messages]
    t = say(p, question, "after")
    fresh = say(p, question, "fresh")
    assert not any(str(r).startswith("utter_corrected") for r in responses(t)), [m.text for m in t.messages]
    assert responses(t) == responses(fresh), ([m.text for m in t.messages], [m.text for m in fresh.messages])
    assert cited(t) == cited(fresh)


def test_the_kindergarten_question_is_answered_with_its_service(make_processor: Any) -> None:
    """The premise of the English row above: in a new conversation it is the 유아학비 answer, cited."""
    p = make_processor(eligibility_url=None)
    t = say(p, "Can I get help with kindergarten fees for my 4 year old?", "k")
    assert any("유아학비" in (title or "") for title in cited(t)), [m.text for m in t.messages]


@pytest.mark.parametrize(("lang", "question"), [("ko", "저 67살인데 기초연금 받을 수 있나요?"),
                                                ("en", "Can I get help with kindergarten fees for my 4 year old?")])
def test_a_question_after_a_real_result_is_no_correction(processor: MessageProcessor, lang: str, question: str) -> None:
    """With the test catalogue the questionnaire gives a real result; a question naming a kind of help after it is
    not a correction either (no "changed your age", the general result not repeated as corrected)."""
    say(processor, START[lang], "real")
    say(processor, "67세예요" if lang == "ko" else "I'm 67", "real")
    say(processor, "서울" if lang == "ko" else "Seoul", "real")
    result = say(processor, "40%", "real")
    assert any("eligibility" in m.custom for m in result.messages), [m.text for m in result.messages]
    t = say(processor, question, "real")
    assert not any(str(r).startswith("utter_corrected") for r in responses(t)), [m.text for m in t.messages]
