"""A value for another slot of the eligibility form, given at a question, is an answer to that slot (fresh-user test
s9: "Bundang-gu" alone at the AGE question was read as a skip).

Through the engine on the bundled corpus, in Korean and English: a new value is stored and said
(``utter_kept_<slot>``), a value the slot already holds is acknowledged the same way, and the question asked is asked
again; never a skip, a "cannot skip" or an invalid answer, whatever the intent (also with the ``skip`` and
``dont_know`` intents given explicitly as Rasa payloads). A percentage is the income at any question, never an age.
Expected values come from the eligibility connector's readers, not from the NLU.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from connectors.eligibility.regions import general_gu_value

GENERAL = {"ko": "제가 받을 수 있는 혜택이 뭐가 있나요?", "en": "What benefits can I get?"}
AGE = {"ko": "34세예요", "en": "I'm 34"}
BUNDANG = general_gu_value("경기도 성남시 분당구")
#: What the form says when an answer is not taken: none may follow a value for another slot.
NOT_TAKEN = {"utter_skipped", "utter_cannot_skip", "utter_cannot_skip_age", "utter_dont_know_required",
             "utter_dont_know_age", "utter_invalid_age", "utter_invalid_value", "utter_invalid_region",
             "utter_invalid_income_pct", "utter_explain_age", "utter_form_offer_exit"}


def say(p: MessageProcessor, text: str, sender: str = "o1") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def slots(p: MessageProcessor, sender: str = "o1") -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


def _region_answers() -> list[tuple[str, str]]:
    return [("ko", "분당구"), ("en", "Bundang-gu"), ("ko", "분당구요"), ("en", "Bundang-gu please")]


@pytest.mark.parametrize(("lang", "place"), _region_answers())
def test_a_region_at_the_age_question_is_stored_and_the_age_asked_again(processor, lang: str, place: str) -> None:  # type: ignore[no-untyped-def]
    assert BUNDANG == "경기도 성남시 분당구"
    say(processor, GENERAL[lang])
    assert slots(processor)["requested_slot"] == "age"
    t = say(processor, place)
    got = responses(t)
    s = slots(processor)
    assert s["region"] == BUNDANG and s["age"] is None and s["requested_slot"] == "age", (got, s)
    assert got[0] == "utter_kept_region" and got[-1] == "utter_ask_age" and not NOT_TAKEN & set(got), got
    assert not s.get("skipped_slots")


@pytest.mark.parametrize(("lang", "place"), _region_answers())
def test_a_known_region_said_again_at_the_age_question_is_acknowledged_not_a_skip(processor, lang: str,
                                                                                   place: str) -> None:  # type: ignore[no-untyped-def]
    say(processor, GENERAL[lang])
    say(processor, place)  # the region first: stored, the age asked again
    assert slots(processor)["region"] == BUNDANG
    t = say(processor, place)  # the same region again: no slot changes
    got = responses(t)
    s = slots(processor)
    assert got == ["utter_kept_region", "utter_ask_age"], [m.text for m in t.messages]
    assert s["region"] == BUNDANG and s["age"] is None and s["requested_slot"] == "age" and not s.get("skipped_slots")
    assert not any(m.custom.get("form_invalid") for m in t.messages)
    say(processor, AGE[lang])  # and the form goes on
    assert slots(processor)["age"] == 34


@pytest.mark.parametrize("intent", ["skip", "dont_know"])
def test_a_skip_intent_that_holds_a_known_region_is_no_skip(processor, intent: str) -> None:  # type: ignore[no-untyped-def]
    """The NLU's reading is given outright (Rasa's ``/intent{entities}`` payload): the intent says skip, the message
    holds a value for the region the form already has."""
    say(processor, GENERAL["en"])
    say(processor, "Bundang-gu")
    payload = "/" + intent + json.dumps({"region": BUNDANG}, ensure_ascii=False)
    t = say(processor, payload)
    got = responses(t)
    assert got == ["utter_kept_region", "utter_ask_age"], got
    s = slots(processor)
    assert s["age"] is None and s["requested_slot"] == "age" and not s.get("skipped_slots")
    plain = say(processor, "/" + intent)  # without a value it is what it says: age is required, so explained
    assert responses(plain)[-1] == "utter_ask_age" and set(responses(plain)) & NOT_TAKEN


@pytest.mark.parametrize(("lang", "percent"), [("ko", "50%"), ("ko", "50프로"), ("en", "50 percent"), ("en", "fifty percent")])
def test_a_percentage_at_the_age_question_is_the_income_never_the_age(processor, lang: str, percent: str) -> None:  # type: ignore[no-untyped-def]
    say(processor, GENERAL[lang])
    t = say(processor, percent)
    s = slots(processor)
    assert s["age"] is None and s["income_pct"] == 50 and s["requested_slot"] == "age", (responses(t), s)
    assert responses(t)[0] == "utter_kept_income_pct" and responses(t)[-1] == "utter_ask_age"


@pytest.mark.parametrize(("lang", "answer"), [("ko", "40~50%"), ("en", "about forty to fifty percent")])
def test_a_percentage_range_at_the_income_question_asks_for_one_number(processor, lang: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    say(processor, GENERAL[lang])
    # a 67-year-old in Seoul: the engine catalogue (tests/engine_catalogue.py) still has services that need the income
    say(processor, "I am 67 years old" if lang == "en" else "67세예요")
    say(processor, "I live in Seoul" if lang == "en" else "서울에 살아요")
    assert slots(processor)["requested_slot"] == "income_pct"
    t = say(processor, answer)
    assert slots(processor)["income_pct"] is None and slots(processor)["requested_slot"] == "income_pct"
    assert responses(t) == ["utter_invalid_income_pct_a_range", "utter_ask_income_pct"], [m.text for m in t.messages]
