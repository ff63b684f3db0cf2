"""s16 (issue #5): family words in the eligibility conversation, and the birth question.

1. An opening that states a household member's disability ("남편이 장애인인데 받을 수 있는 혜택 있어요?", "My husband is
   disabled, what can we get?") asks about the citizen, whose household has a disabled member (``household_disabled``
   true), unless it names the member as whom the benefits are for ("남편이 받을 수 있는 거", "what can he get?"): then
   the questions are about the member, who is disabled. Before s16 the first family word made every such opening a
   question about the member ("배우자분의 만 나이가 어떻게 되나요?", household_disabled unset).
2. A family word in an answer is the answer of the person the questions are about ("아이랑 부산에 살아요" at the
   citizen's region question), unless the answer states that member's own age, sex or place ("어머니는 대구에
   사세요", "어머니 나이는 82세예요"): the citizen has started talking about them, and the questions start again about
   them, the citizen's answers kept aside. Before s16 the ``beneficiary`` entity mapping switched the person on any
   family word and the citizen's answers became the child's ("자녀 기준, 만 40세, 부산광역시").
3. JA0303 출산/입양 (``recent_birth_or_adoption``) is asked where it decides. The catalogue subset is the four
   "장애인가정 출산지원금 지원" services, read by hand from the snapshot: 311000000106 (서울특별시 은평구), 481000000108
   (여수시), 493000000305 (해남군), 631000000119 (울산광역시); each codes JA0102 (women), ages 18–44 and JA0303 as its
   only personal code, and its 지원대상 requires a 장애인가정. A 33-year-old woman in 은평구 whose household has a
   registered disabled member is ruled out of the three others by their region, so 311000000106 turns on the birth:
   eligible when she had a baby, ruled out when she did not.
4. "장애인 가정이 뭐예요?" at the household question is defined (장애인복지법 제2조, 제32조), not answered with the
   person's own disability's definition.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.eligibility_route import asked_about
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.nlu.household import household_disability_said

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 121 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

IDS = ("311000000106", "481000000108", "493000000305", "631000000119")
YES = {"ko": "네", "en": "yes"}
NO = {"ko": "아니요", "en": "no"}


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def slots(p: MessageProcessor, sender: str, *names: str) -> dict[str, Any]:
    state = p.tracker_state(sender)["slots"]
    return {n: state.get(n) for n in names}


def responses(turn: Turn) -> list[Any]:
    return [m.custom.get("response") for m in turn.messages]


# --- 1. openings ---------------------------------------------------------------------------------------------------

#: Family words (Korean: the word, its subject particle, the kind; English: the word, its pronoun, the kind).
KINDS_KO = [("남편", "이", "spouse"), ("아내", "가", "spouse"), ("어머니", "가", "parent"), ("아버지", "가", "parent"),
            ("엄마", "가", "parent"), ("아이", "가", "child"), ("아들", "이", "child"), ("딸", "이", "child")]
KINDS_EN = [("husband", "he", "spouse"), ("wife", "she", "spouse"), ("mother", "she", "parent"),
            ("father", "he", "parent"), ("son", "he", "child"), ("daughter", "she", "child")]


def _entities(router: Any, text: str) -> list[dict[str, Any]]:
    parsed = router.nlu.parse(text)
    return [{"entity": e.entity, "value": e.value, "start": e.start, "end": e.end} for e in parsed.entities]


@pytest.mark.parametrize(("word", "particle", "kind"), KINDS_KO)
def test_a_korean_opening_naming_a_disabled_member_is_about_the_citizen(bundled_router: Any, word: str, particle: str,
                                                                        kind: str) -> None:
    """The NLU finds the member (a ``beneficiary`` entity of its kind); the statement of a spouse's disability makes it
    no one the question is about, unless the member is named again as who would receive ("X가 받을 수 있는 거"). A
    dependant's (a child's, a parent's) is about them (s17: "아이가 장애인인데 받을 수 있는 혜택" is the child's
    question, their services coded by the child's age), unless the citizen is named as who would receive ("제가")."""
    statement = f"{word}{particle} 장애인인데 받을 수 있는 혜택 있어요?"
    ents = _entities(bundled_router, statement)
    assert [e["value"] for e in ents if e["entity"] == "beneficiary"] == [kind], ents
    expected = kind if kind in ("child", "parent") else "self"
    assert (asked_about(statement, ents), household_disability_said(statement)) == (expected, True)
    for_citizen = f"{word}{particle} 장애인인데 제가 받을 수 있는 혜택 있어요?"
    assert asked_about(for_citizen, _entities(bundled_router, for_citizen)) == "self"
    for_member = f"{word}{particle} 장애인인데 {word}{particle} 받을 수 있는 거 있어요?"
    assert asked_about(for_member, _entities(bundled_router, for_member)) == kind


@pytest.mark.parametrize(("word", "pronoun", "kind"), KINDS_EN)
def test_an_english_opening_naming_a_disabled_member_is_about_the_citizen(bundled_router: Any, word: str, pronoun: str,
                                                                          kind: str) -> None:
    statement = f"My {word} is disabled, what can we get?"
    ents = _entities(bundled_router, statement)
    assert [e["value"] for e in ents if e["entity"] == "beneficiary"] == [kind], ents
    assert (asked_about(statement, ents), household_disability_said(statement)) == ("self", True)
    for_member = f"My {word} is disabled, what can {pronoun} get?"
    assert asked_about(for_member, _entities(bundled_router, for_member)) == kind


@pytest.mark.parametrize(("lang", "opening", "who", "household", "disabled", "asks"), [
    ("ko", "남편이 장애인인데 받을 수 있는 혜택 있어요?", "self", True, None, "만 나이가 어떻게 되세요?"),
    ("en", "My husband is disabled, what can we get?", "self", True, None, "How old are you"),
    ("ko", "남편이 장애인인데 남편이 받을 수 있는 거 있어요?", "spouse", None, True, "배우자분의 만 나이"),
    ("en", "My husband is disabled, what can he get?", "spouse", None, True, "How old is your spouse"),
])
def test_the_opening_starts_the_questions_about_the_right_person(make_processor, subset_url: str, lang: str,  # type: ignore[no-untyped-def]
                                                                 opening: str, who: str, household: bool | None,
                                                                 disabled: bool | None, asks: str) -> None:
    """Before s16 all four asked "배우자분의 만 나이가 어떻게 되나요?" / "How old is your spouse", household_disabled unset
    and the spouse's disability unset."""
    p = make_processor(eligibility_url=subset_url)
    sender = f"opening-{opening}"
    turn = say(p, opening, sender)
    state = slots(p, sender, "beneficiary", "household_disabled", "disabled", "requested_slot")
    assert state == {"beneficiary": who, "household_disabled": household, "disabled": disabled, "requested_slot": "age"}, state
    assert asks in (turn.messages[-1].text or ""), [m.text for m in turn.messages]


# --- 2. family words in answers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "opening", "answer", "region"), [
    ("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?", "아이랑 부산에 살아요", "부산광역시"),
    ("en", "What benefits can I get?", "I live in Busan with my son", "부산광역시"),
])
def test_a_family_word_in_an_answer_keeps_the_person(processor: MessageProcessor, lang: str, opening: str, answer: str,
                                                     region: str) -> None:
    """The answer to the citizen's region question, with the child named as whom they live with: the citizen's."""
    sender = f"keep-{lang}"
    say(processor, opening, sender)
    say(processor, "40", sender)
    assert slots(processor, sender, "requested_slot") == {"requested_slot": "region"}
    say(processor, answer, sender)
    state = slots(processor, sender, "beneficiary", "age", "region", "facts_by_person")
    assert state == {"beneficiary": "self", "age": 40, "region": region, "facts_by_person": None}, state


@pytest.mark.parametrize(("lang", "opening", "answer", "region"), [
    ("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?", "어머니는 대구에 사세요", "대구광역시"),
    ("en", "What benefits can I get?", "My mother lives in Daegu", "대구광역시"),
])
def test_an_answer_stating_a_members_place_switches_to_them(processor: MessageProcessor, lang: str, opening: str,
                                                            answer: str, region: str) -> None:
    """The citizen, asked where they live, says where their mother lives: the questions start again about the mother
    (her place kept, the citizen's age 40 put aside for the citizen, not made hers), and the citizen's age comes back
    when the questions return to them."""
    sender = f"switch-{lang}"
    say(processor, opening, sender)
    say(processor, "40", sender)
    say(processor, answer, sender)
    state = slots(processor, sender, "beneficiary", "age", "region", "facts_by_person")
    assert state == {"beneficiary": "parent", "age": None, "region": region, "facts_by_person": {"self": {"age": 40}}}, state
    assert slots(processor, sender, "requested_slot")["requested_slot"] != "region"  # her place is not asked again
    say(processor, opening, sender)
    assert slots(processor, sender, "beneficiary", "age") == {"beneficiary": "self", "age": 40}


@pytest.mark.parametrize(("lang", "opening", "answer"), [
    ("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?", "어머니 나이는 82세예요"),
    ("en", "What benefits can I get?", "my mother is 82"),
])
def test_an_answer_stating_a_members_age_is_theirs(processor: MessageProcessor, lang: str, opening: str, answer: str) -> None:
    sender = f"age-{lang}"
    say(processor, opening, sender)
    say(processor, answer, sender)
    assert slots(processor, sender, "beneficiary", "age") == {"beneficiary": "parent", "age": 82}


def test_the_members_own_answer_while_asked_about_them_is_no_switch(processor: MessageProcessor) -> None:
    """Asked about the mother, "어머니는 82세세요" is her answer: the same person, nothing put aside."""
    sender = "mother-own"
    say(processor, "어머니가 받을 수 있는 혜택이 뭐가 있나요?", sender)
    say(processor, "어머니는 82세세요", sender)
    state = slots(processor, sender, "beneficiary", "age", "facts_by_person", "requested_slot")
    assert state == {"beneficiary": "parent", "age": 82, "facts_by_person": None, "requested_slot": "region"}, state


# --- 3. the birth -------------------------------------------------------------------------------------------------

BIRTH_QUESTION = {"ko": "최근 1년(12개월) 안에 출산하거나", "en": "had a baby or adopted a child in the last 12 months"}
OPENING = {"ko": "은평구에 사는 33살 여성이에요. 받을 수 있는 혜택이 뭐가 있나요?", "en": "What benefits can I get?"}
ANSWERS_EN = {"age": "33", "region": "Eunpyeong-gu, Seoul", "sex": "female", "disabled": "no", "household_disabled": "yes"}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("birth", "eligible"), [(True, 1), (False, 0)])
def test_the_birth_is_asked_and_decides_the_birth_grants(make_processor, subset_url: str, lang: str,  # type: ignore[no-untyped-def]
                                                         birth: bool, eligible: int) -> None:
    """A woman in 은평구 (33, not disabled herself, a disabled member in her household) is asked the birth last: "yes"
    makes 311000000106 eligible, "no" rules it out (nothing left to confirm). Before s16 the form never asked it and the
    service stayed "could fit" (unknown 1). English answers each question (eight at most here: the default five would
    stop before the birth, as it would for any sixth fact)."""
    p = make_processor(eligibility_url=subset_url, eligibility_max_questions=8)
    sender = f"birth-{lang}-{birth}"
    turn = say(p, OPENING[lang], sender)
    answers = ANSWERS_EN if lang == "en" else {"disabled": NO["ko"], "household_disabled": YES["ko"]}
    for _ in range(6):
        asked = slots(p, sender, "requested_slot")["requested_slot"]
        if asked == "recent_birth_or_adoption":
            break
        assert asked in answers, (asked, [m.text for m in turn.messages])
        turn = say(p, answers[asked], sender)
    assert BIRTH_QUESTION[lang] in (turn.messages[-1].text or ""), [m.text for m in turn.messages]
    assert [b["payload"] for b in turn.messages[-1].buttons] == ["/affirm", "/deny", "/skip"]
    turn = say(p, (YES if birth else NO)[lang], sender)
    assert slots(p, sender, "recent_birth_or_adoption", "requested_slot") == \
        {"recent_birth_or_adoption": birth, "requested_slot": None}
    counts = turn.messages[-1].custom["eligibility"]
    assert (counts["eligible"], counts["unknown"]) == (eligible, 0), turn.messages[-1].text
    assert ("장애인가정 출산지원금 지원" in (turn.messages[-1].text or "")) is birth


def test_the_birth_is_not_asked_about_a_mother(make_processor, subset_url: str) -> None:  # type: ignore[no-untyped-def]
    """Nor about a parent (as the pregnancy question is not): 어머니 33세 in 은평구 is asked her disability and household,
    never a birth."""
    p = make_processor(eligibility_url=subset_url)
    sender = "birth-mother"
    say(p, "은평구에 사시는 어머니가 받을 수 있는 혜택이 뭐가 있나요?", sender)
    seen = []
    for answer in ("33", "여성", "아니요", "네", "아니요"):
        asked = slots(p, sender, "requested_slot")["requested_slot"]
        if asked is None:
            break
        seen.append(asked)
        say(p, answer, sender)
    assert "recent_birth_or_adoption" not in seen and slots(p, sender, "beneficiary")["beneficiary"] == "parent", seen


# --- 4. the definition --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "question", "said"), [
    ("ko", "장애인 가정이 뭐예요?", "장애인복지법 제32조에 따라 등록한 장애인이 있는 가정"),
    ("en", "What counts as a family with a disabled member?", "registered as a person with a disability under Article 32"),
])
def test_the_household_term_is_defined_at_its_question(make_processor, subset_url: str, lang: str, question: str,  # type: ignore[no-untyped-def]
                                                       said: str) -> None:
    """Before s16 "장애인 가정이 뭐예요?" got utter_define_disabled (the person's own registration)."""
    p = make_processor(eligibility_url=subset_url, eligibility_max_questions=8)
    sender = f"define-{lang}"
    say(p, OPENING[lang], sender)
    answers = ANSWERS_EN if lang == "en" else {}
    for _ in range(5):
        asked = slots(p, sender, "requested_slot")["requested_slot"]
        if asked == "disabled":
            break
        say(p, answers[asked], sender)
    say(p, NO[lang], sender)
    assert slots(p, sender, "requested_slot")["requested_slot"] == "household_disabled"
    turn = say(p, question, sender)
    assert responses(turn) == ["utter_define_household_disabled", "utter_ask_household_disabled"], responses(turn)
    assert said in (turn.messages[0].text or "")
    cited = [(c["title"], c["section"]) for c in turn.messages[0].custom["citations"]]
    assert cited == [("장애인복지법", "제2조 (장애인의 정의), 제32조 (장애인 등록)")]


@pytest.mark.parametrize(("lang", "question", "said"), [
    ("ko", "장애인 가정이 뭐예요?", "장애인복지법 제32조에 따라 등록한 장애인이 있는 가정"),
    ("ko", "장애인가정이 무슨 뜻이에요?", "장애인복지법 제32조에 따라 등록한 장애인이 있는 가정"),
    ("en", "What counts as a family with a disabled member?", "registered as a person with a disability under Article 32"),
])
def test_the_household_term_is_defined_outside_the_form_too(processor: MessageProcessor, lang: str, question: str,
                                                            said: str) -> None:
    """s17: outside the form the same question went to the documents (none defines the term); now the form's own
    definition answers, with the same citation, and no form starts."""
    sender = f"define-outside-{question}"
    turn = say(processor, question, sender)
    assert responses(turn) == ["utter_define_household_disabled"], [m.text for m in turn.messages]
    assert said in (turn.messages[0].text or "")
    cited = [(c["title"], c["section"]) for c in turn.messages[0].custom["citations"]]
    assert cited == [("장애인복지법", "제2조 (장애인의 정의), 제32조 (장애인 등록)")]
    assert not processor.tracker_state(sender)["active_loop"]


@pytest.mark.parametrize("question", ["장애인 가정 지원이 뭐예요?", "장애인 가정 출산지원금이 뭐예요?", "장애인이 뭐예요?"])
def test_a_question_about_help_or_another_term_is_no_household_definition(processor: MessageProcessor, question: str) -> None:
    turn = say(processor, question, f"define-not-{question}")
    assert "utter_define_household_disabled" not in responses(turn), responses(turn)


# --- 5. a dependant's disability (s17) -----------------------------------------------------------------------------
# "아이가 장애가 있어요" states the child's own disability: the questions are about the child (whose services the
# catalogue codes by the child's age) and the child's ``disabled`` is set, never the citizen's. Before s17 an opening
# asked about the citizen (household_disabled set) and an answer at another question was dropped or read as the
# citizen's household.

@pytest.mark.parametrize(("opening", "who", "asks"), [
    ("아이가 장애가 있어요. 받을 수 있는 지원은?", "child", "자녀분"),
    ("어머니가 장애가 있으세요. 받을 수 있는 혜택이 뭐가 있나요?", "parent", "부모님"),
    ("My son has a disability. What benefits can he get?", "child", "your child"),
])
def test_an_opening_stating_a_dependants_disability_asks_about_them(make_processor, subset_url: str, opening: str,  # type: ignore[no-untyped-def]
                                                                    who: str, asks: str) -> None:
    p = make_processor(eligibility_url=subset_url)
    sender = f"dependant-{opening}"
    turn = say(p, opening, sender)
    assert p.tracker_state(sender)["active_loop"].get("name") == "eligibility_form", responses(turn)
    state = slots(p, sender, "beneficiary", "disabled", "household_disabled", "requested_slot", "facts_by_person")
    assert state == {"beneficiary": who, "disabled": True, "household_disabled": None, "requested_slot": "age",
                     "facts_by_person": None}, state
    assert asks in (turn.messages[-1].text or ""), [m.text for m in turn.messages]


@pytest.mark.parametrize(("opening", "answer", "who"), [
    ("제가 받을 수 있는 혜택이 뭐가 있나요?", "아이가 장애가 있어요", "child"),
    ("제가 받을 수 있는 혜택이 뭐가 있나요?", "어머니가 장애가 있으세요", "parent"),
    ("What benefits can I get?", "My son has a disability", "child"),
])
def test_an_answer_stating_a_dependants_disability_turns_to_them(processor: MessageProcessor, opening: str, answer: str,
                                                                 who: str) -> None:
    """Asked the citizen's region (their age said), the citizen says their child is disabled: the questions start again
    about the child, who is disabled; the citizen's age is put aside for them and their own disability is not set."""
    sender = f"dependant-answer-{answer}"
    say(processor, opening, sender)
    say(processor, "40", sender)
    assert slots(processor, sender, "requested_slot") == {"requested_slot": "region"}
    say(processor, answer, sender)
    state = slots(processor, sender, "beneficiary", "disabled", "age", "facts_by_person")
    assert state == {"beneficiary": who, "disabled": True, "age": None, "facts_by_person": {"self": {"age": 40}}}, state
    say(processor, opening, sender)  # back to the citizen: their age back, their own disability never set
    assert slots(processor, sender, "beneficiary", "age", "disabled") == {"beneficiary": "self", "age": 40, "disabled": None}


# --- 6. the same questions in both languages (s17) ----------------------------------------------------------------
# s16 noted that English conversations asked five questions before the birth one where Korean asked fewer. The reason
# was the conversations, not the language: the Korean opening said age, place and sex ("은평구에 사는 33살 여성이에요"),
# the English one nothing ("What benefits can I get?"), so English spent the five questions of a run
# (``eligibility_max_questions``) on those three first. The same conversation asks the same facts in the same order.

TWINS = [
    ("은평구에 사는 33살 여성이에요. 받을 수 있는 혜택이 뭐가 있나요?",
     "I'm a 33-year-old woman living in Eunpyeong-gu, Seoul. What benefits can I get?"),
    ("제가 받을 수 있는 혜택이 뭐가 있나요?", "What benefits can I get?"),
]
TWIN_ANSWERS = {
    "ko": {"age": "33", "region": "은평구", "sex": "여성", "disabled": "아니요", "household_disabled": "네",
           "recent_birth_or_adoption": "네"},
    "en": {"age": "33", "region": "Eunpyeong-gu, Seoul", "sex": "female", "disabled": "no", "household_disabled": "yes",
           "recent_birth_or_adoption": "yes"},
}


def _asked(p: MessageProcessor, lang: str, opening: str, sender: str) -> tuple[list[str], dict[str, Any]]:
    """The facts the form asks, in order, each answered from :data:`TWIN_ANSWERS`; and the facts at the end."""
    say(p, opening, sender)
    asked: list[str] = []
    for _ in range(8):
        slot = slots(p, sender, "requested_slot")["requested_slot"]
        if slot is None:
            break
        asked.append(slot)
        say(p, TWIN_ANSWERS[lang][slot], sender)
    return asked, slots(p, sender, "age", "region", "sex", "disabled", "household_disabled", "recent_birth_or_adoption")


@pytest.mark.parametrize(("korean", "english"), TWINS)
def test_the_same_conversation_asks_the_same_facts_in_both_languages(make_processor, subset_url: str, korean: str,  # type: ignore[no-untyped-def]
                                                                     english: str) -> None:
    p = make_processor(eligibility_url=subset_url)
    ko, ko_facts = _asked(p, "ko", korean, f"twin-ko-{korean}")
    en, en_facts = _asked(p, "en", english, f"twin-en-{english}")
    assert ko == en, (ko, en)
    assert ko_facts == en_facts, (ko_facts, en_facts)
    if korean.startswith("은평구"):  # age, place and sex said: three questions, the birth the last
        assert ko == ["disabled", "household_disabled", "recent_birth_or_adoption"], ko


@pytest.mark.parametrize(("text", "sex"), [
    ("I'm a 33-year-old woman living in Eunpyeong-gu, Seoul.", "woman"),  # s17: no sex read, one question more
    ("I am a 67 year old man", "man"),
    ("I'm a retired man", "man"),
    ("I'm a woman", "woman"),
    ("I'm married to a man", None),  # the speaker's spouse, not the speaker
    ("I'm a single mom", None),
])
def test_an_english_speaker_states_their_sex_as_a_korean_one_does(text: str, sex: str | None) -> None:
    from connectors.eligibility.actions import _SEX_STATED

    m = _SEX_STATED.search(text)
    assert (m.group("en") if m else None) == sex
