"""What a citizen says of the household's means or size opens the eligibility questions as a fact about them, never as
the kind of help asked about (s47, from the s45 fresh-user probe: "I'm 41, I live in Nowon, Seoul, we are a family of
three and my income is low. What can I get?" was answered with 서울런, a service for 6–24-year-olds; "소득이 없어요 받을
수 있는 지원 있나요" with a list of regions; "세 식구예요 받을 수 있는 혜택 알려주세요" was declined). And the general
request in the words the probe used ("혜택 조회해 주세요" was read as an application-status look-up, "받을수있는 혜택" and
"what support is there for me" as out of scope). assistant/nlu/household.py, assistant/dialogue/eligibility_route.py;
through the engine on the bundled corpus with the session's eligibility service."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.eligibility_route import topic_terms
from assistant.dialogue.messages import UserMessage
from assistant.nlu.household import means_statement_spans
from assistant.nlu.tokenizer import KoreanTokenizer


@pytest.mark.parametrize(("text", "said"), [
    ("소득이 없어요 받을 수 있는 지원 있나요", ["소득이 없어요"]),
    ("세 식구고 수입이 거의 없는데 뭐 받을 수 있어요?", ["세 식구고", "수입이 거의 없는데"]),
    ("4인 가구인데 받을 수 있는 혜택 있나요", ["4인 가구인데"]),
    ("저희 가족은 5명이에요", ["가족은 5명이에요"]),
    ("저소득층인데 받을 수 있는 혜택 있어요?", ["저소득층인데"]),
    ("형편이 많이 어려워요", ["형편이 많이 어려워요"]),
    ("기초생활수급자에요. 받을 수 있는 혜택 뭐 있어요?", ["기초생활수급자에요"]),
    ("my income is low. What can I get?", ["my income is low"]),
    ("we are a family of three and we don't earn much", ["we are a family of three", "we don't earn much"]),
    ("We're a low-income family of four.", ["We're a low-income family of four"]),
    ("I have no income, what help is there?", ["I have no income"]),
])
def test_a_statement_of_means_or_size_is_found(text: str, said: list[str]) -> None:
    assert [text[a:b] for a, b in means_statement_spans(text)] == said


@pytest.mark.parametrize("text", [
    "저소득층 지원 받을 수 있나요?",   # asks about help for low-income households
    "소득이 적은 노인 지원 있어요?",   # who the help is for, not what the speaker says of themself
    "3인 가구 기준 중위소득이 얼마예요?",
    "low income housing support",
    "what is the income limit for a family of",
])
def test_a_question_about_such_help_is_no_statement(text: str) -> None:
    assert means_statement_spans(text) == []


def test_a_statement_leaves_no_topic_but_the_help_named_stays() -> None:
    tok = KoreanTokenizer()

    def topics(text: str) -> list[str]:
        return topic_terms(text, [], tok, means_are_facts=True)

    assert topics("세 식구고 소득이 적어요. 뭐 받을 수 있어요?") == []
    assert topics("my income is low. What can I get?") == []
    assert topics("혜택 조회해 주세요") == []
    # the kind of help beside the statement is still what is asked about
    assert "연탄" in topics("소득이 없어요 연탄 지원 받을 수 있나요")
    assert topics("저소득층 지원 받을 수 있나요?") != []
    # after an answer, "저 수급자예요" asks about that kind of person in the page: the follow-up readers keep it
    assert "수급자" in topic_terms("저 수급자예요", [], tok)


def _open(processor: Any, sender: str, text: str) -> Any:
    turn = processor.handle_message(UserMessage(sender, text, "rest", {}))
    return turn, processor.load(sender)


@pytest.mark.parametrize(("text", "slots"), [
    ("I'm 41, I live in Nowon, Seoul, we are a family of three and my income is low. What can I get?",
     {"age": 41.0, "region": "서울특별시 노원구"}),
    ("저 41살이고 서울 노원구 살아요. 세 식구고 소득이 적어요. 뭐 받을 수 있어요?", {"age": 41.0, "region": "서울특별시 노원구"}),
    ("기초생활수급자에요. 받을 수 있는 혜택 뭐 있어요?", {"welfare_recipient": True}),
    ("소득이 없어요 받을 수 있는 지원 있나요", {}),
    ("We're a low-income family of four. What benefits can we get?", {}),
])
def test_the_opening_starts_the_questions_with_its_facts(processor: Any, text: str, slots: dict[str, Any]) -> None:
    turn, tracker = _open(processor, "means", text)
    # the questions start (or, where the facts said already decide this small catalogue, its verdicts come at once)
    verdicts = [m for m in turn.messages if m.custom.get("eligibility") is not None]
    assert tracker.active_loop_name == "eligibility_form" or verdicts, [m.text for m in turn.messages]
    # no service presented as the answer from the documents
    assert not any(m.custom.get("citations") and m.custom.get("eligibility") is None for m in turn.messages)
    assert {k: tracker.get_slot(k) for k in slots} == slots
    assert tracker.get_slot("requested_slot") not in slots


@pytest.mark.parametrize("text", [
    "혜택 조회해 주세요", "받을수있는 혜택", "나한테 맞는 복지 찾아줘", "what support is there for me",  # the probe's words
    "받을 수 있는 혜택 조회", "내가 받을 수 있는 지원 찾아줘",  # not in intents/nlu.yml
])
def test_the_general_request_in_the_probes_words_starts_the_questions(processor: Any, text: str) -> None:
    turn, tracker = _open(processor, "general", text)
    assert turn.to_json()["intent"]["name"] == "check_eligibility"
    assert tracker.active_loop_name == "eligibility_form", [m.text for m in turn.messages]
