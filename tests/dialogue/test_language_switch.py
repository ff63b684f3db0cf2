"""A request for the other language answers the previous question again in it (s32 fresh-user probe: "English
please" after a Korean answer was read as ``repeat`` and got the Korean answer again; "Can you tell me in
English?" was out of scope). See assistant/dialogue/language_switch.py."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.nlu.language import requested_language


@pytest.mark.parametrize(("text", "language"), [
    ("English please", "en"),
    ("english, please!", "en"),
    ("Can you tell me in English?", "en"),
    ("Could you answer in English please?", "en"),
    ("Do you speak English?", "en"),
    ("in English", "en"),
    ("Korean please", "ko"),
    ("Can you explain it in Korean?", "ko"),
    ("영어로 알려주세요", "en"),
    ("영어로요", "en"),
    ("영어로 설명해 주실 수 있나요?", "en"),
    ("영어 가능해요?", "en"),
    ("한국어로 해주세요", "ko"),
    ("한국말로 해 줘", "ko"),
    # a question that names a language is no request for it
    ("영어 학원비 지원 있나요?", None),
    ("Is there English tutoring support?", None),
    ("How do I apply for the energy voucher in English?", None),
    ("에너지바우처 신청 방법", None),
    ("", None),
])
def test_requested_language(text: str, language: str | None) -> None:
    assert requested_language(text) == language


def _say(p: Any, text: str, sender: str = "ls") -> Any:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def _response(turn: Any) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


@pytest.mark.parametrize("switch", ["English please", "Can you tell me in English?", "영어로 알려주세요"])
def test_the_previous_answer_is_given_again_in_english_then_korean(make_processor: Any, switch: str) -> None:
    p = make_processor()
    korean = _say(p, "에너지바우처 신청 방법")
    assert _response(korean) == ["action_answer_from_knowledge"] and "[신청 방법]" in korean.messages[0].text
    cited = [c["doc_id"] for c in korean.messages[0].custom["citations"]]
    english = _say(p, switch)
    assert _response(english) == ["action_answer_from_knowledge"], [m.text for m in english.messages]
    m = english.messages[0]
    # the same service, its English page where the bundled corpus has one, under English headings
    assert m.custom["language"] == "en" and english.language == "en"
    assert "[How to apply]" in m.text and "[신청 방법]" not in m.text and "Source:" in m.text
    assert m.custom["citations"][0]["title"].startswith("Energy voucher")
    assert korean.messages[0].custom["citations"][0]["title"].startswith("에너지바우처") and cited
    back = _say(p, "한국어로 해주세요")
    assert _response(back) == ["action_answer_from_knowledge"] and back.language == "ko"
    assert back.messages[0].text == korean.messages[0].text  # the Korean answer again, word for word
    # the conversation stays in the language asked for: the next reply is Korean
    assert _say(p, "고마워요").language == "ko"


def test_a_switch_at_the_region_question_asks_it_again_and_answers_in_that_language(make_processor: Any) -> None:
    p = make_processor()
    assert _response(_say(p, "청년 월세 지원 있나요?")) == ["utter_ask_programme_region"]
    asked = _say(p, "Can you tell me in English?")  # out_of_scope 0.96 by the classifier
    assert _response(asked) == ["utter_ask_programme_region"] and "Where do you live" in asked.messages[0].text
    answered = _say(p, "I live in Anyang")
    assert _response(answered) == ["action_answer_from_knowledge"]
    m = answered.messages[0]
    assert m.custom["language"] == "en" and m.text.startswith("안양 청년 월세 지원 — 경기도 안양시")
    assert "[Who is eligible]" in m.text and "Source:" in m.text


@pytest.mark.parametrize(("text", "language", "words"), [
    ("English please", "en", "answer in English"),
    ("한국어로 해 주세요", "ko", "한국어로 안내해 드릴게요"),
])
def test_a_switch_with_nothing_before_says_so(make_processor: Any, text: str, language: str, words: str) -> None:
    turn = _say(make_processor(), text)
    assert _response(turn) == ["utter_language_switched"] and turn.language == language and words in turn.messages[0].text


@pytest.mark.parametrize(("word", "language"), [("asdfqwer", "ko"), ("dkssudgktpdy", "ko"), ("hello", "en")])
def test_one_latin_word_nobody_understood_keeps_the_conversations_language(processor: Any, word: str,
                                                                          language: str) -> None:
    """s38 probe: "asdfqwer" in a Korean conversation was refused in English. One Latin word read as out of scope
    says nothing of a language; a word the classifier understands ("hello": greet) is in its own."""
    sender = f"latin-{word}"
    processor.handle_message(UserMessage(sender, "에너지바우처 알려줘", "rest", {}))
    turn = processor.handle_message(UserMessage(sender, word, "rest", {}))
    text = turn.messages[0].text
    assert turn.to_json()["language"] == language
    assert any("가" <= ch <= "힣" for ch in text) is (language == "ko"), text
