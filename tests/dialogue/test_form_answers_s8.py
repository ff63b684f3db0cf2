"""Fresh-user test s8, defects 1, 8 and 9, through the real engine on the bundled corpus (its eligibility connector
asks the small catalogue of tests/engine_catalogue.py: age, then region, then income), in Korean and English:

* 1: a correction changes only the slot it names; the number it holds (the new value, or the old one quoted) never
  fills the slot the form asks for; the correction is acknowledged and the question is asked again;
* 8: the question that started the form, asked again while it runs, is answered "we're checking that now" and the
  question is asked again (never "nothing found");
* 9: a place answer stored as more than was typed is said back; several region entities of one place give the most
  specific one.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.corrections import is_correction, named_number_slot, repair_correction
from assistant.dialogue.events import SlotSet
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.understood import differs_from_typed, most_specific
from assistant.regions import place_for_language

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 105 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

GENERAL = {"ko": "제가 받을 수 있는 혜택이 뭐가 있나요?", "en": "What benefits can I get?"}
AGE = {"ko": "34세예요", "en": "I'm 34"}
#: (typed, stored): a place answer that keeps the form asking (a Busan resident of 34 may get T-YOUTH: income decides)
PLACE = {"ko": ("부산 해운대구", "부산광역시 해운대구"), "en": ("Haeundae-gu", "부산광역시 해운대구")}
#: corrections of the age (34 → 35: the same service still fits, so the form goes on)
AGE_FIXES = [("ko", "아니요, 나이는 35세예요"), ("ko", "아 잘못 말했어요 35살이에요"), ("en", "sorry, my age is 35 not 34"),
             ("en", "no, I'm actually 35"), ("en", "I meant 35 years old")]
#: corrections of the place (부산광역시 해운대구 → 부산광역시)
REGION_FIXES = [("ko", "아니요, 부산에 살아요", "부산광역시"), ("en", "actually I live in Busan", "부산광역시")]


def say(p: MessageProcessor, text: str, sender: str = "s1") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def slots(p: MessageProcessor, sender: str = "s1") -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


def _asking(p: MessageProcessor, slot: str, lang: str, place_first: bool = False) -> None:
    """Walk the form until it asks ``slot`` (age with the place given first; region; income_pct)."""
    say(p, GENERAL[lang])
    if place_first:
        say(p, PLACE[lang][0])
    elif slot in ("region", "income_pct"):
        say(p, AGE[lang])
    if slot == "income_pct":
        say(p, PLACE[lang][0])
    s = slots(p)
    assert s["requested_slot"] == slot, s


# --- defect 1 ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("requested", ["region", "income_pct"])
@pytest.mark.parametrize(("lang", "fix"), AGE_FIXES)
def test_an_age_correction_changes_only_the_age(processor, requested: str, lang: str, fix: str) -> None:  # type: ignore[no-untyped-def]
    _asking(processor, requested, lang)
    before = slots(processor)
    t = say(processor, fix)
    after = slots(processor)
    assert after["age"] == 35, (fix, after)
    assert after[requested] is None and after["requested_slot"] == requested, (fix, after)
    assert {k: v for k, v in after.items() if k not in ("age",)} == {k: v for k, v in before.items() if k not in ("age",)}
    assert responses(t) == ["utter_corrected_age", f"utter_ask_{requested}"], (fix, [m.text for m in t.messages])
    assert "35" in (t.messages[0].text or "")


@pytest.mark.parametrize("requested", ["age", "income_pct"])
@pytest.mark.parametrize(("lang", "fix", "region"), REGION_FIXES)
def test_a_place_correction_changes_only_the_place(processor, requested: str, lang: str, fix: str,  # type: ignore[no-untyped-def]
                                                  region: str) -> None:
    _asking(processor, requested, lang, place_first=requested == "age")
    assert slots(processor)["region"] == PLACE[lang][1]
    t = say(processor, fix)
    after = slots(processor)
    assert after["region"] == region and after[requested] is None and after["requested_slot"] == requested, after
    assert responses(t) == ["utter_corrected_region", f"utter_ask_{requested}"], [m.text for m in t.messages]
    said = t.messages[0].text or ""
    assert ("Busan" in said and "부산" not in said) if lang == "en" else region in said, said


@pytest.mark.parametrize(("lang", "fix"), [("en", "sorry, my income is 60% not 50%"), ("ko", "아니요, 소득은 60%예요 50% 말고요")])
def test_an_income_correction_at_the_age_question_never_fills_the_age(processor, lang: str, fix: str) -> None:  # type: ignore[no-untyped-def]
    _asking(processor, "age", lang)
    t = say(processor, fix)
    after = slots(processor)
    assert after["age"] is None, after
    assert after["income_pct"] == 60, after
    assert "utter_invalid_age" not in responses(t), responses(t)


@pytest.mark.parametrize(("lang", "answer"), [("ko", "중위소득 50%예요"), ("en", "about 50 percent")])
def test_a_plain_income_answer_still_fills_the_income(processor, lang: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    _asking(processor, "income_pct", lang)
    say(processor, answer)
    assert slots(processor)["income_pct"] == 50 and slots(processor)["age"] == 34


@pytest.mark.parametrize(("lang", "answer"), [("ko", "아니요, 소득은 중위소득 60%예요"), ("en", "no, my income is actually 60 percent")])
def test_a_correction_that_names_the_asked_slot_is_its_answer(processor, lang: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    _asking(processor, "income_pct", lang)
    say(processor, answer)
    assert slots(processor)["income_pct"] == 60 and slots(processor)["age"] == 34


def _nv(events: list[Any]) -> list[tuple[str, Any]]:
    return [(e.name, e.value) for e in events]


def test_repair_rules_without_the_engine() -> None:
    """The rules of :func:`repair_correction` on Rasa-shaped entities (what the NLU gives for these messages)."""
    form = ["age", "region", "income_pct"]
    numeric = {"age", "income_pct"}
    prev = {"age": 67, "region": "부산광역시", "income_pct": None}
    # "sorry, my age is 68 not 67": the age entity changed the age; 67 (the old age, quoted) must not be an income
    ents = [{"entity": "age", "value": 68, "start": 17, "end": 19}, {"entity": "number", "value": 67, "start": 24, "end": 26}]
    got = repair_correction("sorry, my age is 68 not 67", ents, [SlotSet("age", 68), SlotSet("income_pct", 67)],
                            "income_pct", prev, form, numeric, "age")
    assert got is not None and _nv(got[0]) == [("income_pct", None)] and _nv(got[1]) == [("age", 68)]
    # "no, I'm actually 68": only a bare number; the words say it is an age
    got = repair_correction("no, I'm actually 68", [{"entity": "number", "value": 68, "start": 17, "end": 19}],
                            [SlotSet("income_pct", 68)], "income_pct", prev, form, numeric, "region")
    assert got is not None and _nv(got[0]) == [("income_pct", None), ("age", 68)]
    # "아니 68" right after the age was answered: a correction of the last answer
    got = repair_correction("아니 68", [{"entity": "number", "value": 68, "start": 3, "end": 5}],
                            [SlotSet("income_pct", 68)], "income_pct", prev, form, numeric, "age")
    assert got is not None and _nv(got[1]) == [("age", 68)]
    # a plain answer, and an answer that gives another fact too, are left alone
    assert repair_correction("50%", [{"entity": "number", "value": 50, "start": 0, "end": 2}],
                             [SlotSet("income_pct", 50)], "income_pct", prev, form, numeric, "region") is None
    assert repair_correction("나이는 67세, 소득은 50", [{"entity": "age", "value": 67, "start": 4, "end": 7},
                                                  {"entity": "number", "value": 50, "start": 13, "end": 15}],
                             [SlotSet("income_pct", 50)], "income_pct", prev, form, numeric, "region") is None


@pytest.mark.parametrize(("text", "expected"), [("아니요, 나이는 68세예요", True), ("아 잘못 말했어요", True), ("sorry", True),
                                                ("I meant 68", True), ("50%", False), ("아니카 마을", False), ("I'm 68", False)])
def test_correction_cues(text: str, expected: bool) -> None:
    assert is_correction(text) is expected


@pytest.mark.parametrize(("text", "slot"), [("no, I'm actually 68", "age"), ("I am 68", "age"), ("68살", "age"),
                                            ("소득은 60퍼센트", "income_pct"), ("60 percent", "income_pct"), ("no, 68", None)])
def test_slot_cues(text: str, slot: str | None) -> None:
    assert named_number_slot(text, ["age", "income_pct"]) == slot


# --- defect 8 ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("at", ["age", "region", "income_pct"])
def test_the_starting_question_asked_again_says_it_is_being_checked(processor, lang: str, at: str) -> None:  # type: ignore[no-untyped-def]
    _asking(processor, at, lang)
    before = slots(processor)
    t = say(processor, GENERAL[lang])
    assert responses(t) == ["utter_form_in_progress_eligibility_form", f"utter_ask_{at}"], [m.text for m in t.messages]
    assert "utter_no_answer" not in responses(t)
    assert slots(processor) == before
    assert processor.tracker_state("s1")["active_loop"].get("name") == "eligibility_form"
    # and the form goes on from there
    say(processor, {"age": AGE, "region": {k: v[0] for k, v in PLACE.items()}, "income_pct": {"ko": "50%", "en": "50%"}}[at][lang])
    assert slots(processor)[at] is not None


# --- defect 9 ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "typed", "stored", "said"), [
    ("ko", "분당구", "경기도 성남시 분당구", "경기도 성남시 분당구로 알아들었어요."),
    ("en", "Haeundae-gu", "부산광역시 해운대구", "Got it: Haeundae-gu, Busan."),
])
def test_a_place_answer_stored_as_more_is_said_back(processor, lang: str, typed: str, stored: str, said: str) -> None:  # type: ignore[no-untyped-def]
    _asking(processor, "region", lang)
    t = say(processor, typed)
    assert slots(processor)["region"] == stored
    assert t.messages[0].text == said and responses(t)[0] == "utter_understood_region", [m.text for m in t.messages]


@pytest.mark.parametrize(("lang", "typed"), [("ko", "부산광역시 해운대구"), ("ko", "부산광역시 해운대구에 살아요"), ("en", "Haeundae-gu, Busan"),
                                             ("ko", "부산 해운대구"), ("ko", "부산 해운대구에 살아요")])  # 부산 is 부산광역시
def test_a_place_answer_stored_as_typed_is_not_said_back(processor, lang: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    _asking(processor, "region", lang)
    t = say(processor, typed)
    assert slots(processor)["region"] == "부산광역시 해운대구"
    assert "utter_understood_region" not in responses(t), [m.text for m in t.messages]


@pytest.mark.parametrize(("lang", "typed"), [("en", "Seoul Gangnam-gu"), ("en", "Gangnam-gu, Seoul"), ("ko", "서울 강남구"),
                                             ("ko", "강남구 서울")])
def test_several_region_entities_of_one_place_give_the_most_specific(processor, lang: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    _asking(processor, "region", lang)
    say(processor, typed)
    assert slots(processor)["region"] == "서울특별시 강남구"


def test_most_specific_and_english_place() -> None:
    assert most_specific(["서울특별시", "서울특별시 강남구"]) == "서울특별시 강남구"
    assert most_specific(["서울특별시 강남구", "서울특별시"]) == "서울특별시 강남구"
    assert most_specific(["서울특별시", "부산광역시"]) == "부산광역시"  # two places: Rasa's rule, the last
    assert most_specific([34, 35]) == 35
    assert place_for_language("경기도 성남시 분당구", "en") == "Bundang-gu, Seongnam-si, Gyeonggi-do"
    assert place_for_language("부산광역시 해운대구", "en") == "Haeundae-gu, Busan"
    assert differs_from_typed("분당구", "경기도 성남시 분당구", english=False)
    assert not differs_from_typed("Busan", "부산광역시", english=True)
    assert differs_from_typed("Bundang-gu", "경기도 성남시 분당구", english=True)
    # a name typed without its unit is the same name: nothing new to say back; another name is
    assert not differs_from_typed("서울에 살아요", "서울특별시", english=False)
    assert not differs_from_typed("부산 해운대구", "부산광역시 해운대구", english=False)
    assert differs_from_typed("광주 북구", "전남광주통합특별시 북구", english=False)
    assert differs_from_typed("분당", "경기도 성남시 분당구", english=False)
