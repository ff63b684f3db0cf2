"""s15 (issue #5): a registered disabled member of the household (``household_disabled``, the 'disabled_family' way in
of the 장애인가정 출산지원금 texts, s14 #2) is asked where it decides, read from an answer to the disability question,
and read from an opening that states it.

The conversation runs the bundled engine against a real eligibility service (uvicorn) over two real services of the
catalogue, both "장애인가정 출산지원금 지원". Read by hand from the snapshot:

* 311000000106 (서울특별시 은평구): codes JA0102 (women), ages 18–44, JA0303 (출산/입양); its 지원대상 is "신생아의
  출산일부터 신청일 현재까지 은평구에 거주하는 장애인가정 중 … 출산한 등록 여성장애인 또는 남성장애인의 배우자": a
  장애인가정 is required (the mother's own disability or her husband's);
* 631000000119 (울산광역시): the same codes; "출생아의 부 또는 모가 … 등록 장애인", 울산 거주.

So a 33-year-old woman in 은평구 is ruled out by 631000000119's region, and 311000000106 turns on the household: with a
disabled member (or her own disability) only the birth is left unknown (JA0303), with none it is ruled out. A man is
ruled out by JA0102, so nothing about the household is asked. Since s16 the form asks the birth where it decides
(tests/eligibility/test_eligibility_family_words.py); these conversations skip it (``/skip``), so the service stays
"could fit" as they expect.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.nlu.household import disabled_member, household_disability_said

IDS = ("311000000106", "631000000119")
OPENING = {"ko": "은평구에 사는 33살 여성이에요. 받을 수 있는 혜택이 뭐가 있나요?", "en": "What benefits can I get?"}
#: The answers to each question, for the English conversation (the Korean opening says age, place and sex).
ANSWERS = {"en": {"age": "33", "region": "Eunpyeong-gu, Seoul", "sex": "female"}}
NO = {"ko": "아니요", "en": "no"}
YES = {"ko": "네", "en": "yes"}
HOUSEHOLD_QUESTION = {"ko": "같은 세대(주민등록상)의 가족 중에 장애인으로 등록된 분이 있나요?",
                      "en": "Is anyone in your household"}




def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def slots(p: MessageProcessor, sender: str) -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


def responses(turn: Turn) -> list[Any]:
    return [m.custom.get("response") for m in turn.messages]


def to_question(p: MessageProcessor, lang: str, sender: str, opening: str | None = None) -> Turn:
    """The opening, then the answers of :data:`ANSWERS` to whatever is asked, until the disability question."""
    turn = say(p, opening or OPENING[lang], sender)
    for _ in range(4):
        asked = slots(p, sender)["requested_slot"]
        if asked == "disabled":
            return turn
        assert asked in ANSWERS.get(lang, {}), (asked, [m.text for m in turn.messages])
        turn = say(p, ANSWERS[lang][asked], sender)
    raise AssertionError(slots(p, sender))


def skip_birth(p: MessageProcessor, sender: str, turn: Turn) -> Turn:
    """The birth question skipped, when it is asked (s16: asked where it decides; these tests leave it unknown)."""
    if slots(p, sender)["requested_slot"] == "recent_birth_or_adoption":
        return say(p, "/skip", sender)
    return turn


def verdict(turn: Turn) -> dict[str, int]:
    counts = turn.messages[-1].custom["eligibility"]
    return {"eligible": counts["eligible"], "unknown": counts["unknown"]}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("member", "unknown"), [(True, 1), (False, 0)])
def test_the_household_is_asked_after_the_persons_own_disability(make_processor, subset_url: str, lang: str,  # type: ignore[no-untyped-def]
                                                                 member: bool, unknown: int) -> None:
    """A woman who is not disabled herself is asked whether someone in her household is: a disabled husband keeps
    311000000106 (only the birth left to confirm); no disabled member rules it out. Before s15 the form never asked
    it, and the service stayed "could fit" for everyone."""
    p = make_processor(eligibility_url=subset_url)
    sender = f"household-{lang}-{member}"
    to_question(p, lang, sender)
    turn = say(p, NO[lang], sender)
    state = slots(p, sender)
    assert (state["disabled"], state["requested_slot"]) == (False, "household_disabled"), state
    assert HOUSEHOLD_QUESTION[lang] in (turn.messages[-1].text or ""), [m.text for m in turn.messages]
    turn = say(p, (YES if member else NO)[lang], sender)
    turn = skip_birth(p, sender, turn)
    state = slots(p, sender)
    assert (state["household_disabled"], state["requested_slot"]) == (member, None), state
    assert verdict(turn) == {"eligible": 0, "unknown": unknown}, turn.messages[-1].text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_household_is_not_asked_where_the_persons_own_disability_holds(make_processor, subset_url: str,  # type: ignore[no-untyped-def]
                                                                           lang: str) -> None:
    """A disabled mother ("등록 여성장애인") holds the 장애인가정 way in herself: nothing about the household is asked."""
    p = make_processor(eligibility_url=subset_url)
    sender = f"own-{lang}"
    to_question(p, lang, sender)
    turn = skip_birth(p, sender, say(p, YES[lang], sender))
    state = slots(p, sender)
    assert (state["disabled"], state["household_disabled"], state["requested_slot"]) == (True, None, None), state
    assert verdict(turn) == {"eligible": 0, "unknown": 1}


@pytest.mark.parametrize(("opening", "sex"), [
    ("은평구에 사는 33살 남성이에요. 받을 수 있는 혜택이 뭐가 있나요?", "male"),
])
def test_the_household_is_not_asked_where_it_decides_nothing(make_processor, subset_url: str, opening: str,  # type: ignore[no-untyped-def]
                                                              sex: str) -> None:
    """A man is ruled out of both by JA0102 (women): neither his disability nor his household is asked."""
    p = make_processor(eligibility_url=subset_url)
    turn = say(p, opening, "man")
    state = slots(p, "man")
    assert (state["sex"], state["requested_slot"], state["household_disabled"]) == (sex, None, None), state
    assert verdict(turn) == {"eligible": 0, "unknown": 0}


@pytest.mark.parametrize(("lang", "answer"), [
    ("ko", "장애인 가정이에요"),
    ("ko", "남편이 장애인이에요"),
    ("en", "We are a family with a disabled member"),
    ("en", "My husband is disabled"),
])
def test_a_household_answer_at_the_disability_question_is_the_household(make_processor, subset_url: str,  # type: ignore[no-untyped-def]
                                                                        lang: str, answer: str) -> None:
    """s13 #2 undid "장애인 가정이에요" as the person's own disability but recorded nothing; the NLU reads these answers
    as inform, so the form said "그 답변은 알아듣지 못했어요" and dropped them, and "남편이 …" turned the questions to the
    spouse ("배우자분은 장애인으로 등록되어 있나요?"). Now: household_disabled true, the person's own disability left
    unknown (it is not the answer), about the same person. The household holds 311000000106's only group way in, so
    her own disability decides nothing left and is not asked again: the verdict follows (the birth to confirm)."""
    p = make_processor(eligibility_url=subset_url)
    sender = f"answer-{answer}"
    to_question(p, lang, sender)
    turn = say(p, answer, sender)
    said = responses(turn)
    turn = skip_birth(p, sender, turn)
    state = slots(p, sender)
    assert (state["household_disabled"], state["disabled"], state["beneficiary"], state["requested_slot"]) == \
        (True, None, "self", None), (state, said)
    assert said[0] == "utter_disabled_household_not_own" and "utter_invalid_value" not in said, said
    assert verdict(turn) == {"eligible": 0, "unknown": 1}


@pytest.mark.parametrize(("lang", "opening"), [
    ("ko", "장애인 가정이에요. 받을 수 있는 혜택이 뭐가 있나요?"),
    ("ko", "우리 집이 장애인 가정인데 받을 수 있는 거 있어요?"),
    ("en", "We are a family with a disabled member. What benefits can we get?"),
])
def test_an_opening_stating_a_disabled_household_starts_the_questions_with_it(make_processor, subset_url: str,  # type: ignore[no-untyped-def]
                                                                              lang: str, opening: str) -> None:
    """s13/s14: these openings went to the documents (the route took 장애인, 가정 for the kind of help). Now the
    questionnaire starts with household_disabled known, and the household is not asked."""
    p = make_processor(eligibility_url=subset_url)
    sender = f"opening-{opening}"
    turn = say(p, opening, sender)
    state = slots(p, sender)
    assert p.tracker_state(sender)["active_loop"].get("name") == "eligibility_form", responses(turn)
    assert (state["household_disabled"], state["disabled"], state["requested_slot"]) == (True, None, "age"), state
    answers = {"age": "33", "region": "은평구" if lang == "ko" else "Eunpyeong-gu, Seoul", "sex": "여성" if lang == "ko" else "female",
               "disabled": NO[lang], "recent_birth_or_adoption": "/skip"}
    for _ in range(5):
        asked = slots(p, sender)["requested_slot"]
        if asked is None:
            break
        assert asked in answers, asked
        turn = say(p, answers[asked], sender)
    assert slots(p, sender)["requested_slot"] is None
    assert verdict(turn) == {"eligible": 0, "unknown": 1}


def test_a_question_about_help_for_disabled_households_still_goes_to_the_documents(make_processor,  # type: ignore[no-untyped-def]
                                                                                    subset_url: str) -> None:
    p = make_processor(eligibility_url=subset_url)
    turn = say(p, "장애인 가정 지원 받을 수 있나요?", "topic")
    assert responses(turn)[0] == "action_answer_from_knowledge"
    assert not p.tracker_state("topic")["active_loop"]


@pytest.mark.parametrize(("text", "said", "member"), [
    ("장애인 가정이에요. 받을 수 있는 혜택이 뭐가 있나요?", True, None),
    ("우리 집이 장애인 가정인데 받을 수 있는 거 있어요?", True, None),
    ("We are a family with a disabled member. What benefits can we get?", True, None),
    ("남편이 장애인이에요", True, "spouse"),
    ("아이가 장애가 있어요", True, "child"),
    ("my son has a disability", True, "child"),
    ("My husband is disabled", True, "spouse"),
    ("장애인 가정 지원 받을 수 있나요?", False, None),      # a kind of help, not the citizen's household
    ("장애인이에요", False, None),                          # the person's own
    ("남편이 비장애인이에요", False, None),
])
def test_what_states_a_disabled_household(text: str, said: bool, member: str | None) -> None:
    assert household_disability_said(text) is said
    assert disabled_member(text) == member


@pytest.mark.parametrize(("text", "terms"), [
    ("장애인 가정이에요. 받을 수 있는 혜택이 뭐가 있나요?", []),
    ("우리 집이 장애인 가정인데 받을 수 있는 거 있어요?", []),
    ("We are a family with a disabled member. What benefits can we get?", []),
    ("장애인 가정 지원 받을 수 있나요?", ["장애인", "가정"]),
])
def test_a_stated_household_is_no_kind_of_help(text: str, terms: list[str]) -> None:
    from assistant.dialogue.eligibility_route import topic_terms
    from assistant.nlu.tokenizer import KoreanTokenizer

    assert topic_terms(text, [], KoreanTokenizer()) == terms
