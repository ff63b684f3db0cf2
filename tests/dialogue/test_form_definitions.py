"""A question about the form's question ("중위소득이 뭔데요?") gets the term's definition, cited to the law that defines
it, and the same question again; it is not an invalid answer (fresh-user test s9: it was answered "0에서 1000 사이의
퍼센트로 알려 주세요"). assistant/dialogue/definitions.py. The bundled engine catalogue (tests/engine_catalogue.py) makes
the form ask age, then region, then income."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.definitions import SOURCES, TERMS, defined_slot
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

START = {"ko": "제가 받을 수 있는 지원이 있나요?", "en": "What benefits can I get?"}
AGE = {"ko": "67세예요", "en": "I am 67 years old"}
REGION = {"ko": "서울에 살아요", "en": "I live in Seoul"}
ALL = set(TERMS)


@pytest.mark.parametrize(("text", "requested", "expected"), [
    ("중위소득이 뭔데요?", "income_pct", "income_pct"),
    ("기준 중위소득이 뭐예요", "age", "income_pct"),      # a term of another slot: that slot's definition
    ("What is the median income?", "income_pct", "income_pct"),
    ("what's median income", "region", "income_pct"),
    ("그게 뭔데요?", "income_pct", "income_pct"),         # pointing at the question just asked
    ("what does that mean?", "disabled", "disabled"),
    ("무슨 말이에요?", "veteran", "veteran"),
    ("차상위계층이 뭐예요?", "age", "near_poverty"),
    ("기초생활수급자가 뭔가요", "income_pct", "welfare_recipient"),
    ("What counts as a single-parent family?", "age", "single_parent_family"),
    ("국가유공자는 무슨 뜻이에요?", "age", "veteran"),
    ("농업인 기준이 뭐죠?", "age", "farmer"),
    # s16: the household's terms are longer than 장애인 (the person's own): they win, whichever question is asked
    ("장애인 가정이 뭐예요?", "household_disabled", "household_disabled"),
    ("장애인 가족이 무슨 뜻이에요?", "disabled", "household_disabled"),
    ("What counts as a family with a disabled member?", "household_disabled", "household_disabled"),
    ("장애인이 뭐예요?", "household_disabled", "disabled"),
    # not a question about a term of the form
    ("기초연금이 뭐예요?", "income_pct", None),          # a service: a digression for the documents
    ("What is the energy voucher?", "income_pct", None),
    ("중위소득 50%예요", "income_pct", None),             # an answer, not a question
    ("장애인이에요", "disabled", None),
    ("그게 뭔데요?", None, None),                          # no question being asked: nothing to point at
    ("그게 뭔데요?", "pregnant", None),                    # no definition for that slot
    ("", "income_pct", None),
])
def test_which_slot_a_meaning_question_asks_about(text: str, requested: str | None, expected: str | None) -> None:
    assert defined_slot(text, requested, ALL.__contains__) == expected


def test_every_defined_slot_has_its_law_and_a_response_in_both_languages(bundled_settings: Any) -> None:
    from assistant.nlu.training_data import Domain

    domain = Domain.load(bundled_settings.intents_dir / "domain.yml")
    # s13 #4: 1인 가구 and 다자녀 are defined by each programme's conditions, not by one law: defined, no citation
    unsourced = {"single_person_household", "multi_child_household"}
    assert set(SOURCES) == set(TERMS) - unsourced
    for slot in TERMS:
        assert slot in domain.forms["eligibility_form"].required_slots
        variants = domain.response_variants[f"utter_define_{slot}"]
        assert len(variants) == 2 and (slot in unsourced or SOURCES[slot]["url"].startswith("https://www.law.go.kr/"))


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


@pytest.mark.parametrize(("lang", "question"), [
    ("ko", "중위소득이 뭔데요?"), ("ko", "그게 무슨 뜻이에요?"),
    ("en", "What is median income?"), ("en", "what does that mean?"),
])
def test_at_the_income_question_the_term_is_defined_then_asked_again(processor: MessageProcessor, lang: str,
                                                                     question: str) -> None:
    sender = f"def-{lang}-{len(question)}"
    say(processor, START[lang], sender)
    say(processor, AGE[lang], sender)
    say(processor, REGION[lang], sender)
    assert processor.tracker_state(sender)["slots"]["requested_slot"] == "income_pct"
    for _ in range(processor.settings.max_reasks + 1):  # asked more often than the re-ask limit: never counted
        t = say(processor, question, sender)
        assert responses(t) == ["utter_define_income_pct", "utter_ask_income_pct"], [m.text for m in t.messages]
        assert not any(m.custom.get("form_invalid") for m in t.messages)
        cited = t.messages[0].custom["citations"]
        assert [(c["title"], c["section"]) for c in cited] == [("국민기초생활 보장법", "제2조 제11호 (기준 중위소득)")]
        assert ("중위소득" in t.messages[0].text) if lang == "ko" else ("median income" in t.messages[0].text)
    state = processor.tracker_state(sender)
    assert state["slots"]["income_pct"] is None and state["active_loop"]["name"] == "eligibility_form"
    t = say(processor, "50%" if lang == "en" else "50%요", sender)
    assert "utter_define_income_pct" not in responses(t)
    assert processor.tracker_state(sender)["slots"]["income_pct"] == 50


def test_another_slots_term_at_the_age_question_is_defined_and_the_age_asked_again(processor: MessageProcessor) -> None:
    say(processor, START["ko"], "def-age")
    t = say(processor, "차상위계층이 뭐예요?", "def-age")
    assert responses(t) == ["utter_define_near_poverty", "utter_ask_age"], [m.text for m in t.messages]
    assert processor.tracker_state("def-age")["slots"]["requested_slot"] == "age"


def test_a_question_about_a_service_is_still_a_digression(processor: MessageProcessor) -> None:
    say(processor, START["ko"], "def-svc")
    say(processor, AGE["ko"], "def-svc")
    say(processor, REGION["ko"], "def-svc")
    t = say(processor, "연탄값 지원이 뭐예요?", "def-svc")
    assert responses(t) == ["action_answer_from_knowledge", "utter_ask_income_pct"], [m.text for m in t.messages]


@pytest.mark.parametrize(("text", "expected"), [
    ("왜 물어보세요?", True), ("그걸 왜 알아야 해요", True), ("이거 어디에 쓰는 거예요?", True),
    ("um, what's this for?", True), ("why do you need my income?", True), ("Why are you asking?", True),
    ("왜 안 돼요?", False), ("what is the energy voucher for seniors", False), ("67세예요", False), ("", False),
])
def test_why_questions(text: str, expected: bool) -> None:
    from assistant.dialogue.definitions import asks_why

    assert asks_why(text) is expected


@pytest.mark.parametrize(("lang", "question"), [("ko", "왜 물어보세요?"), ("en", "um, what's this for?")])
def test_why_the_form_asks_is_said_then_the_question_again(processor: MessageProcessor, lang: str, question: str) -> None:
    sender = f"why-{lang}"
    say(processor, START[lang], sender)
    say(processor, AGE[lang], sender)
    t = say(processor, question, sender)
    assert responses(t) == ["utter_why_asked", "utter_ask_region"], [m.text for m in t.messages]
    assert not any(m.custom.get("form_invalid") for m in t.messages)


@pytest.mark.parametrize(("name", "language", "beneficiary", "said"), [
    ("utter_corrected_age", "en", "child", "Got it, I've changed your child's age to 5."),
    ("utter_corrected_age", "en", "parent", "Got it, I've changed your parent's age to 5."),
    ("utter_corrected_age", "en", None, "Got it, I've changed your age to 5."),
    ("utter_corrected_age", "ko", "child", "알겠어요, 자녀분 나이를 5세로 고쳤어요."),
    ("utter_corrected_age", "ko", "spouse", "알겠어요, 배우자분 나이를 5세로 고쳤어요."),
    ("utter_corrected_age", "ko", None, "알겠어요, 나이를 5세로 고쳤어요."),
    ("utter_kept_age", "en", "child", "Noted: your child's age is 5."),
    ("utter_kept_age", "ko", "parent", "부모님 나이는 5세로 기억할게요."),
])
def test_a_corrected_or_kept_age_names_whose_age_it_is(bundled_settings: Any, name: str, language: str,
                                                      beneficiary: str | None, said: str) -> None:
    """"my son is 4" … "actually he just turned 5" was answered "changed your age to 5" (fresh-user s9)."""
    from assistant.dialogue.responses import render_response
    from assistant.nlu.training_data import Domain

    domain = Domain.load(bundled_settings.intents_dir / "domain.yml")
    event = render_response(domain, name, language=language, slots={"beneficiary": beneficiary, "language": language}, value=5)
    assert event.text == said
