"""s11 #1: whom a question is about, for the everyday words for family members (the ``beneficiary`` lookup and
synonyms of intents/nlu.yml): 어머님, 아버님, 시어머니, 장모님, mom, my dad … are parents; 할머니, 할아버지, my
grandmother … are grandparents (a value of their own: a grandparent is not the citizen, so Public MyData, the citizen's
own records, is never offered for them, and the questions and the reply call them 조부모님 / your grandparent).

The expected values are the words' meanings, written here by hand; each word is tried inside a sentence with a
particle after it (Korean) or inside a question (English), as a citizen would say it."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 116 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

PARENT_KO = ["어머님", "아버님", "엄마 아빠", "친정엄마", "친정어머니", "시어머니", "시어머님", "시아버지", "시아버님", "시부모님",
             "장모님", "장모", "장인어른", "엄마", "아빠", "어머니", "아버지", "부모님"]
GRAND_KO = ["할머니", "할아버지", "할머님", "할아버님", "외할머니", "외할아버지", "친할머니", "친할아버지", "조부모님"]
PARENT_EN = ["mom", "dad", "mum", "my mom", "my dad", "my mum", "my parent", "my mother-in-law", "my father-in-law",
             "my parents-in-law", "my mother", "my father", "my parents"]
GRAND_EN = ["grandmother", "grandfather", "grandma", "grandpa", "my grandmother", "my grandfather", "my grandma",
            "my grandpa", "my grandparents", "my grandparent"]


def _ko(word: str) -> str:
    """The word with 이/가 as its last syllable asks (a final consonant takes 이)."""
    return word + ("이" if (ord(word[-1]) - 0xAC00) % 28 else "가")


def _beneficiaries(router: Any, text: str) -> list[tuple[str, str]]:
    parsed = router.nlu.parse(text)
    return [(text[e.start:e.end], e.value) for e in parsed.entities if e.entity == "beneficiary"]


@pytest.mark.parametrize(("word", "value"), [*((w, "parent") for w in PARENT_KO), *((w, "grandparent") for w in GRAND_KO)])
def test_korean_family_words_are_found_with_a_particle(bundled_router: Any, word: str, value: str) -> None:
    for text in (f"{_ko(word)} 받을 수 있는 혜택이 뭐가 있나요?", f"우리 {_ko(word)} 기초연금 대상인지 궁금해요"):
        assert _beneficiaries(bundled_router, text) == [(word, value)], text


@pytest.mark.parametrize(("word", "value"), [*((w, "parent") for w in PARENT_EN), *((w, "grandparent") for w in GRAND_EN)])
def test_english_family_words_are_found(bundled_router: Any, word: str, value: str) -> None:
    for text in (f"What benefits can {word} get?", f"Is there any support for {word}?"):
        assert _beneficiaries(bundled_router, text) == [(word, value)], text


@pytest.mark.parametrize("text", ["한부모 가족 지원 받을 수 있나요?", "부모급여 받을 수 있나요?", "전통 장인 지원 사업이 있나요?",
                                  "What benefits can I get?"])
def test_words_that_name_no_family_member_are_not_one(bundled_router: Any, text: str) -> None:
    """한부모 (single parent: the citizen), 부모급여 (a service's name), 장인 (a master artisan) are no one to ask about."""
    assert _beneficiaries(bundled_router, text) == []


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


@pytest.mark.parametrize(("message", "sex", "ask"), [
    ("할머니가 받을 수 있는 혜택이 뭐가 있나요?", "female", "조부모님의 만 나이"),
    ("What benefits can my grandfather get?", "male", "How old is your grandparent"),
])
def test_a_grandparent_is_asked_about_as_one_and_mydata_is_not_offered(processor: MessageProcessor, message: str,
                                                                       sex: str, ask: str) -> None:
    sender = f"grand-{message}"
    turn = say(processor, message, sender)
    slots = processor.tracker_state(sender)["slots"]
    assert (slots["beneficiary"], slots["sex"], slots["requested_slot"]) == ("grandparent", sex, "age"), slots
    said = [m.custom.get("response") for m in turn.messages]
    assert "utter_eligibility_offer_mydata" not in said, said
    assert not any("MyData" in (m.text or "") or "마이데이터" in (m.text or "") for m in turn.messages)
    assert ask in (turn.messages[-1].text or ""), [m.text for m in turn.messages]


@pytest.mark.parametrize(("lang", "opening", "age", "place", "income", "said"), [
    ("ko", "할머니가 받을 수 있는 혜택이 뭐가 있나요?", "82세", "서울", "40%", "조부모님 기준"),
    ("en", "What benefits can my grandmother get?", "82", "Seoul", "40%", "for your grandparent"),
])
def test_the_answer_says_whom_it_is_for(processor: MessageProcessor, lang: str, opening: str, age: str, place: str,
                                        income: str, said: str) -> None:
    """The answer's facts line names the grandparent ("조부모님 기준, 만 82세, 여성, …"), not "you" / 본인."""
    sender = f"grand-answer-{lang}"
    say(processor, opening, sender)
    turn = None
    for answer in (age, place, income):
        if processor.tracker_state(sender)["slots"]["requested_slot"] is None:
            break
        turn = say(processor, answer, sender)
    assert turn is not None and processor.tracker_state(sender)["slots"]["requested_slot"] is None
    texts = " ".join(m.text or "" for m in turn.messages)
    assert said in texts, texts


@pytest.mark.parametrize(("lang", "mine", "mother", "back"), [
    ("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?", "어머니가 받을 수 있는 혜택이 뭐가 있나요?", "제가 받을 수 있는 혜택이 뭐가 있나요?"),
    ("en", "What benefits can I get?", "What benefits can my mother get?", "What benefits can I get?"),
])
def test_a_switch_of_person_while_the_questions_run_keeps_each_persons_answers(
        processor: MessageProcessor, lang: str, mine: str, mother: str, back: str) -> None:
    """s14 #1: the opening question about someone else, asked while the questions are still running, starts them
    again for that person (each way), and what was typed for each person comes back when the questions return to
    them. Before s14 the question about the citizen, asked during the mother's questions, got "지금 그걸 확인하고
    있어요" and her questions went on; and the citizen's answers were cleared on the round trip, so asked again."""
    sender = f"switch-{lang}"

    def slots(*names: str) -> dict[str, Any]:
        state = processor.tracker_state(sender)["slots"]
        return {n: state[n] for n in names}

    say(processor, mine, sender)
    say(processor, "40", sender)
    assert slots("beneficiary", "age", "requested_slot") == {"beneficiary": "self", "age": 40, "requested_slot": "region"}
    say(processor, mother, sender)  # while the citizen's region is asked
    assert slots("beneficiary", "age", "requested_slot") == {"beneficiary": "parent", "age": None, "requested_slot": "age"}
    say(processor, "82", sender)
    assert slots("beneficiary", "age", "requested_slot") == {"beneficiary": "parent", "age": 82, "requested_slot": "region"}
    say(processor, back, sender)  # while the mother's region is asked
    assert slots("beneficiary", "age", "requested_slot") == {"beneficiary": "self", "age": 40, "requested_slot": "region"}
    say(processor, mother, sender)
    assert slots("beneficiary", "age", "requested_slot") == {"beneficiary": "parent", "age": 82, "requested_slot": "region"}


@pytest.mark.parametrize(("lang", "mine"), [("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?"), ("en", "What benefits can I get?")])
def test_the_same_question_about_the_same_person_does_not_start_again(processor: MessageProcessor, lang: str,
                                                                     mine: str) -> None:
    """Asked again about the same person while the questions run, the opening question is no switch: the answers stay
    and the question waiting is asked again (s8 defect 8's "지금 그걸 확인하고 있어요")."""
    sender = f"same-{lang}"
    say(processor, mine, sender)
    say(processor, "40", sender)
    asked = processor.tracker_state(sender)["slots"]["requested_slot"]
    say(processor, mine, sender)
    state = processor.tracker_state(sender)["slots"]
    assert (state["beneficiary"], state["age"], state["requested_slot"]) == ("self", 40, asked)


@pytest.mark.parametrize(("lang", "mine", "age", "mother"), [
    ("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?", "40", "어머니가 받을 수 있는 혜택이 뭐가 있나요?"),
    ("en", "What benefits can I get?", "40", "What benefits can my mother get?"),
])
def test_the_introduction_is_said_once_per_conversation(processor: MessageProcessor, lang: str, mine: str, age: str,
                                                        mother: str) -> None:
    """s15 (s14 "seen, not fixed"): the questionnaire introduces itself (with the MyData offer, for the citizen) on
    its first start only; started again for the mother, then for the citizen, it goes straight to its question.
    Before, each restart said it again: utter_eligibility_intro for the mother, the MyData offer again for the
    citizen."""
    sender = f"intro-once-{lang}"
    intros = {"utter_eligibility_offer_mydata", "utter_eligibility_intro"}

    def said(t: Turn) -> list[Any]:
        return [m.custom.get("response") for m in t.messages]

    first = say(processor, mine, sender)
    assert said(first) == ["utter_eligibility_offer_mydata", "utter_ask_age"], said(first)
    say(processor, age, sender)
    for text, who in ((mother, "parent"), (mine, "self"), (mother, "parent")):
        t = say(processor, text, sender)
        slots = processor.tracker_state(sender)["slots"]
        assert slots["beneficiary"] == who and slots["requested_slot"] is not None, slots
        assert not intros & set(said(t)), said(t)
