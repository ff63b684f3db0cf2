"""s18 item 4: "아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?" — whose benefits? The assistant asks, with 본인 / 아이
buttons, instead of deciding alone (before: the lookup's "아이" started the questionnaire about the child).

The expected readings are the sentences' meaning, written by hand: a statement of having a child with no one named as
receiving is unclear; "제가 받을 수 있는", "우리 아이가 받을 수 있는", "what can he get" name the person.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.whose_benefits import RESPONSE, has_child_spans, whose_unclear

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 60 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow


def _entities(text: str, *words: str) -> list[dict[str, Any]]:
    """A ``beneficiary`` entity at each of ``words`` in ``text`` (where the lookup puts them)."""
    return [{"entity": "beneficiary", "value": "child", "start": text.index(w), "end": text.index(w) + len(w)} for w in words]


@pytest.mark.parametrize(("text", "words", "unclear"), [
    ("아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", ("아이",), True),
    ("자녀가 둘 있어요. 받을 수 있는 지원이 뭐가 있나요?", ("자녀",), True),
    ("I have two kids. What benefits are there?", ("kids",), True),
    ("We have a 4 year old son, which benefits are there?", ("son",), True),
    ("아이가 있는데 제가 받을 수 있는 혜택이 뭐가 있나요?", ("아이",), False),  # the citizen named
    ("I have two kids, what can I get?", ("kids",), False),
    ("아이가 있는데 아이가 받을 수 있는 혜택이 뭐가 있나요?", ("아이",), False),  # the child named again, as receiving
    ("I have a son, what can he get?", ("son",), False),
    ("우리 아이가 받을 수 있는 혜택이 뭐가 있나요?", ("아이",), False),  # no statement of having: about the child
    ("제가 받을 수 있는 혜택이 뭐가 있나요?", (), False),
])
def test_whose_benefits_is_unclear_only_when_no_one_is_named(text: str, words: tuple[str, ...], unclear: bool) -> None:
    entities = _entities(text, *words)
    if text.startswith("아이가 있는데 아이가"):
        entities.append({"entity": "beneficiary", "value": "child", "start": 8, "end": 10})
    assert whose_unclear(text, entities) is unclear, has_child_spans(text)


@pytest.mark.parametrize(("text", "has_child"), [
    # a birth to come ("have a baby" is the glossary's 출산) is no child the citizen has: the regional childbirth
    # question must reach the 출산 programmes (tests/dialogue/test_regional_kind_engine.py), not the questionnaire
    ("Do I get money if I have a baby?", False),
    ("What do we get when we have a child?", False),
    ("Once I have a baby can I get leave?", False),
    ("If we have kids, is there support?", False),
    ("I have a baby. What can I get?", True),
    ("We have two kids", True),
])
def test_a_birth_to_come_is_not_a_child_the_citizen_has(text: str, has_child: bool) -> None:
    assert bool(has_child_spans(text)) is has_child


def say(p: MessageProcessor, text: str, sender: str, language: str | None = None) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {"language": language} if language else {}))


def slots(p: MessageProcessor, sender: str) -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


OPENINGS = [("ko", "아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", ("본인", "아이"), "자녀"),
            ("en", "I have two kids. What benefits are there?", ("Me", "My child"), "your child")]


@pytest.mark.parametrize(("lang", "opening", "titles", "child_word"), OPENINGS)
@pytest.mark.parametrize("who", ["self", "child"])
def test_an_unclear_opening_asks_whose_benefits_and_the_button_decides(processor, lang: str, opening: str,  # type: ignore[no-untyped-def]
                                                                      titles: tuple[str, str], child_word: str,
                                                                      who: str) -> None:
    sender = f"whose-{lang}-{who}"
    t = say(processor, opening, sender)
    last = t.messages[-1]
    assert last.custom.get("response") == RESPONSE, [m.text for m in t.messages]
    buttons = list(last.buttons)
    assert [b["title"] for b in buttons] == list(titles)
    payloads = {json.loads(b["payload"][b["payload"].index("{"):])["beneficiary"]: b["payload"] for b in buttons}
    assert set(payloads) == {"self", "child"} and all(p.startswith("/check_eligibility{") for p in payloads.values())
    state = slots(processor, sender)
    assert state["requested_slot"] is None and state["beneficiary"] in (None, "self")  # nothing decided, no question yet
    t = say(processor, payloads[who], sender)
    state = slots(processor, sender)
    assert state["beneficiary"] == who, [m.text for m in t.messages]
    assert state["requested_slot"] is not None or "유형" in " ".join(m.text or "" for m in t.messages) \
        or any("eligibility" in str(m.custom.get("response")) for m in t.messages), [m.text for m in t.messages]
    asked = t.messages[-1].text or ""
    assert (child_word in asked) == (who == "child"), asked  # the question names the child only when about the child


@pytest.mark.parametrize(("text", "who"), [
    ("아이가 있는데 제가 받을 수 있는 혜택이 뭐가 있나요?", "self"),
    ("우리 아이가 받을 수 있는 혜택이 뭐가 있나요?", "child"),
    ("I have a son, what can he get?", "child"),
    ("I have two kids, what can I get?", "self"),
])
def test_an_opening_that_names_the_person_is_not_asked(processor, text: str, who: str) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, text, "named")
    assert RESPONSE not in [m.custom.get("response") for m in t.messages]
    state = slots(processor, "named")
    assert (state["beneficiary"] or "self") == who and state["requested_slot"] is not None, [m.text for m in t.messages]


# --- s19: a parent, grandparent or spouse too, and the facts the opening stated travel with the member's button -------

def _said(text: str, *found: tuple[str, str, int | float]) -> list[dict[str, Any]]:
    """Entities at the words of ``text``: ``(entity, said, value)`` each (where the NLU puts them)."""
    return [{"entity": kind, "value": value, "start": text.index(said), "end": text.index(said) + len(said)}
            for kind, said, value in found]


@pytest.mark.parametrize(("text", "found", "members"), [
    ("어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", [("beneficiary", "어머니", "parent")], [("parent", "어머니", None)]),
    ("80세 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", [("age", "80세", 80), ("beneficiary", "어머니", "parent")],
     [("parent", "어머니", 80)]),
    ("어머니가 80세이신데 받을 수 있는 혜택이 뭐가 있나요?", [("beneficiary", "어머니", "parent"), ("age", "80세", 80)],
     [("parent", "어머니", 80)]),
    ("남편이 있는데 받을 수 있는 혜택이 뭐가 있나요?", [("beneficiary", "남편", "spouse")], [("spouse", "남편", None)]),
    ("부모님을 모시고 있는데 받을 수 있는 혜택이 있나요?", [("beneficiary", "부모님", "parent")], [("parent", "부모님", None)]),
    ("할머니께서 계신데 받을 수 있는 지원이 있나요?", [], [("grandparent", "할머니", None)]),
    ("My mother is 80. What benefits are there?", [("beneficiary", "My mother", "parent"), ("age", "80", 80)],
     [("parent", "mother", 80)]),
    ("I live with my father. What benefits are there?", [("beneficiary", "father", "parent")], [("parent", "father", None)]),
    ("4살 아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", [("age", "4살", 4), ("beneficiary", "아이", "child")],
     [("child", "아이", 4)]),
    ("4살짜리 아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", [("age", "4살", 4), ("beneficiary", "아이", "child")],
     [("child", "아이", 4)]),
    ("I have a 4 year old son, which benefits are there?", [("age", "4 year old", 4), ("beneficiary", "son", "child")],
     [("child", "son", 4)]),
    # an age that is not next to the member is not theirs: "35살인데" is the citizen's
    ("35살인데 아이가 있어요. 받을 수 있는 혜택이 뭐가 있나요?", [("age", "35살", 35), ("beneficiary", "아이", "child")],
     [("child", "아이", None)]),
    # two members, each with the age said next to them
    ("4살 아이가 있고 80세 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?",
     [("age", "4살", 4), ("beneficiary", "아이", "child"), ("age", "80세", 80), ("beneficiary", "어머니", "parent")],
     [("child", "아이", 4), ("parent", "어머니", 80)]),
    # the person named: no question
    ("My mother is 80, what can she get?", [("beneficiary", "My mother", "parent"), ("age", "80", 80)], []),
    ("어머니가 80세인데 대구에서 혼자 지내세요. 받으실 수 있는 혜택이 있나요?",
     [("beneficiary", "어머니", "parent"), ("age", "80세", 80)], []),  # 받으실: said of her, never of oneself
    ("어머니가 계신데 제가 받을 수 있는 혜택이 뭐가 있나요?", [("beneficiary", "어머니", "parent")], []),
    ("어머니가 받을 수 있는 혜택이 뭐가 있나요?", [("beneficiary", "어머니", "parent")], []),  # no statement of having
    ("아버지가 혼자 계세요. 받을 수 있는 혜택 있나요?", [("beneficiary", "아버지", "parent")], []),  # his living alone
    ("If I have a husband, can I get anything?", [], []),
])
def test_who_an_unclear_opening_states_and_the_age_it_gives_them(text: str, found: list[tuple[str, str, Any]],
                                                                  members: list[tuple[str, str, int | None]]) -> None:
    from assistant.dialogue.whose_benefits import unclear_members

    got = unclear_members(text, _said(text, *found))
    assert [(m.who, m.word, m.age) for m in got] == members


def _buttons(turn: Turn) -> dict[str, tuple[str, dict[str, Any]]]:
    """The question's buttons by the person they choose: ``{who: (title, payload entities)}``."""
    last = turn.messages[-1]
    assert last.custom.get("response") == RESPONSE, [m.text for m in turn.messages]
    out = {}
    for b in last.buttons:
        assert b["payload"].startswith("/check_eligibility{")
        entities = json.loads(b["payload"][b["payload"].index("{"):])
        out[entities["beneficiary"]] = (b["title"], entities)
    return out


AGED_OPENINGS = [
    # (language, opening, member, the member's button title, age, a word of the question, the member's age question)
    ("ko", "4살 아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", "child", "아이", 4, "아이가 받는 혜택", "자녀분의 만 나이"),
    ("en", "I have a 4 year old son, which benefits are there?", "child", "My child", 4, "benefits for your child",
     "How old is your child"),
    ("ko", "어머니가 80세이신데 받을 수 있는 혜택이 뭐가 있나요?", "parent", "어머니", 80, "어머니가 받는 혜택",
     "부모님의 만 나이"),
    ("en", "My mother is 80. What benefits are there?", "parent", "My mother", 80, "benefits for your mother",
     "How old is your parent"),
]
#: The sex each opening's family word says (s20: it travels with the member's button): 아이 none, son male, mother female.
AGED_SEX = {"4살 아이가": None, "I have a 4 year old son": "male", "어머니가 80세이신데": "female", "My mother is 80": "female"}


def _sex_of(opening: str) -> dict[str, str]:
    sex = next(v for k, v in AGED_SEX.items() if opening.startswith(k))
    return {"sex": sex} if sex else {}


@pytest.mark.parametrize(("lang", "opening", "who", "title", "age", "question", "age_question"), AGED_OPENINGS)
def test_the_members_button_carries_the_age_the_opening_gave(processor, lang: str, opening: str, who: str,  # type: ignore[no-untyped-def]
                                                              title: str, age: int, question: str,
                                                              age_question: str) -> None:
    sender = f"aged-{who}-{lang}"
    t = say(processor, opening, sender)
    assert question in (t.messages[-1].text or "")
    choices = _buttons(t)
    assert choices == {"self": ("Me" if lang == "en" else "본인", {"beneficiary": "self"}),
                       who: (title, {"beneficiary": who, "age": age} | _sex_of(opening))}
    state = slots(processor, sender)
    assert state["beneficiary"] is None and state["age"] is None  # the number was the member's, not the citizen's
    t = say(processor, "/check_eligibility" + json.dumps(choices[who][1], ensure_ascii=False), sender)
    state = slots(processor, sender)
    assert (state["beneficiary"], state["age"]) == (who, age), [m.text for m in t.messages]
    # the questions go on (or the list comes) without the age asked again, and nothing is put aside as the citizen's
    assert state["requested_slot"] != "age" and not state.get("facts_by_person"), state
    assert age_question not in " ".join(m.text or "" for m in t.messages), [m.text for m in t.messages]


@pytest.mark.parametrize(("lang", "opening", "who", "title", "age", "question", "age_question"), AGED_OPENINGS)
def test_me_after_an_opening_with_a_members_age_does_not_take_it(processor, lang: str, opening: str, who: str,  # type: ignore[no-untyped-def]
                                                                  title: str, age: int, question: str,
                                                                  age_question: str) -> None:
    sender = f"aged-self-{who}-{lang}"
    choices = _buttons(say(processor, opening, sender))
    t = say(processor, "/check_eligibility" + json.dumps(choices["self"][1]), sender)
    state = slots(processor, sender)
    # before: 본인 checked the catalogue for a citizen of 4 (the child's age)
    assert state["beneficiary"] == "self" and state["age"] is None and state["requested_slot"] == "age", \
        [m.text for m in t.messages]


@pytest.mark.parametrize(("lang", "opening", "who", "title", "asked", "sex"), [
    ("ko", "어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", "parent", "어머니", "부모님의 만 나이", "female"),
    ("ko", "남편이 있는데 받을 수 있는 혜택이 뭐가 있나요?", "spouse", "남편", "배우자분의 만 나이", "male"),
    ("en", "I live with my father. What benefits are there?", "parent", "My father", "How old is your parent", "male"),
])
def test_a_parent_or_spouse_opening_asks_whose_benefits(processor, lang: str, opening: str, who: str, title: str,  # type: ignore[no-untyped-def]
                                                        asked: str, sex: str) -> None:
    sender = f"member-{who}-{lang}"
    choices = _buttons(say(processor, opening, sender))
    assert choices == {"self": ("Me" if lang == "en" else "본인", {"beneficiary": "self"}),
                       who: (title, {"beneficiary": who, "sex": sex})}
    t = say(processor, "/check_eligibility" + json.dumps(choices[who][1]), sender)
    assert slots(processor, sender)["beneficiary"] == who
    assert asked in (t.messages[-1].text or ""), [m.text for m in t.messages]


def test_an_opening_naming_the_mother_as_receiving_goes_to_her_questions(processor) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, "My mother is 80, what can she get?", "she-gets")
    assert RESPONSE not in [m.custom.get("response") for m in t.messages]
    state = slots(processor, "she-gets")
    assert (state["beneficiary"], state["age"]) == ("parent", 80) and state["requested_slot"] not in (None, "age")


# --- s20: an opening that describes the member ("elderly", "연로하신") is asked too; the member's sex and place travel
# with their button, not with 본인's; a typed answer picks the same branch as the button --------------------------------

def _responses(turn: Turn) -> list[Any]:
    return [m.custom.get("response") for m in turn.messages]


@pytest.mark.parametrize(("text", "words"), [
    # the words that describe the member are part of the statement (a household fact), not a kind of help
    ("I have an elderly mother. What benefits are there?", ("elderly", "mother")),
    ("연로하신 어머니가 계신데 어떤 혜택이 있나요?", ("연로하신", "어머니")),
    ("나이 드신 아버지가 계신데 받을 수 있는 혜택이 있나요?", ("나이 드신", "아버지")),
    ("고령의 어머니를 모시고 있는데 어떤 혜택이 있나요?", ("고령의", "어머니")),
    ("어머니가 연세가 많으신데 받을 수 있는 혜택이 있나요?", ("어머니", "연세가 많으신")),
    ("I take care of my father. What benefits are there?", ("take care", "father")),
    ("My mother is elderly. What benefits are there?", ("mother", "elderly")),
])
def test_words_describing_the_member_are_in_the_statement_not_a_topic(text: str, words: tuple[str, ...]) -> None:
    from assistant.dialogue.eligibility_route import topic_terms
    from assistant.nlu.household import member_statements
    from assistant.nlu.tokenizer import KoreanTokenizer

    found = member_statements(text)
    assert len(found) == 1 and found[0][2] == "parent", found
    start, end = found[0][:2]
    assert all(start <= text.index(w) and text.index(w) + len(w) <= end for w in words), (found, text[start:end])
    assert topic_terms(text, [], KoreanTokenizer()) == []


@pytest.mark.parametrize(("text", "topic"), [
    ("어머니 치매 검사 지원 있나요?", "치매"),  # no statement: a kind of help, about the mother
    ("연로하신 어머니가 계신데 치매 검사 지원 있나요?", "치매"),  # a statement and a kind of help
    ("What benefits are there for elderly people?", "elderly"),  # "elderly" outside a statement is still a topic
])
def test_a_kind_of_help_named_beside_the_member_is_still_a_topic(text: str, topic: str) -> None:
    from assistant.dialogue.eligibility_route import topic_terms
    from assistant.nlu.tokenizer import KoreanTokenizer

    assert topic in topic_terms(text, [], KoreanTokenizer())


@pytest.mark.parametrize(("lang", "opening", "title"), [
    ("en", "I have an elderly mother. What benefits are there?", "My mother"),
    ("ko", "연로하신 어머니가 계신데 어떤 혜택이 있나요?", "어머니"),
    ("ko", "어머니가 연세가 많으신데 받을 수 있는 혜택이 있나요?", "어머니"),
    ("en", "I take care of my father. What benefits are there?", "My father"),
])
def test_an_opening_describing_an_elder_asks_whose_benefits(processor, lang: str, opening: str, title: str) -> None:  # type: ignore[no-untyped-def]
    # before s20: "elderly" / "연로" / "care" counted as a kind of help, and the documents answered (no question)
    sender = f"elder-{opening}"
    choices = _buttons(say(processor, opening, sender))
    assert choices["self"][0] == ("Me" if lang == "en" else "본인") and choices["parent"][0] == title
    state = slots(processor, sender)
    assert state["requested_slot"] is None and state["beneficiary"] is None


def test_a_kind_of_help_for_the_mother_still_goes_to_the_documents(processor) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, "어머니 치매 검사 지원 있나요?", "dementia")
    assert RESPONSE not in _responses(t)
    assert slots(processor, "dementia")["requested_slot"] is None  # no questionnaire: the documents answer


@pytest.mark.parametrize(("text", "found", "members"), [
    # (opening, entities where the NLU puts them, [(who, sex, region)])
    ("부산에 사시는 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", [("region", "부산", "부산광역시")],
     [("parent", "female", "부산광역시")]),
    ("부산 해운대구에 사시는 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?",
     [("region", "부산", "부산광역시"), ("region", "해운대구", "부산광역시 해운대구")], [("parent", "female", "부산광역시 해운대구")]),
    ("80세 아버지가 계신데 대구에 사세요. 받을 수 있는 혜택이 뭐가 있나요?", [("age", "80세", 80), ("region", "대구", "대구광역시")],
     [("parent", "male", "대구광역시")]),  # 사세요: said of him
    ("I have a mother who lives in Busan. What benefits are there?", [("region", "Busan", "부산광역시")],
     [("parent", "female", "부산광역시")]),
    ("My mother is 80 and lives in Busan. What benefits are there?", [("age", "80", 80), ("region", "Busan", "부산광역시")],
     [("parent", "female", "부산광역시")]),
    ("I have an elderly mother. She lives in Busan. What benefits are there?", [("region", "Busan", "부산광역시")],
     [("parent", "female", "부산광역시")]),
    # the household's place is the member's too
    ("저희는 부산에 살아요. 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", [("region", "부산", "부산광역시")],
     [("parent", "female", "부산광역시")]),
    ("We live in Busan. I have an elderly father. What benefits are there?", [("region", "Busan", "부산광역시")],
     [("parent", "male", "부산광역시")]),
    ("I live with my father in Busan. What benefits are there?", [("region", "Busan", "부산광역시")],
     [("parent", "male", "부산광역시")]),
    # the citizen's own place is not the member's
    ("I live in Seoul and I have an elderly mother. What benefits are there?", [("region", "Seoul", "서울특별시")],
     [("parent", "female", None)]),
    # family words of no sex; a son, a wife
    ("부모님을 모시고 있는데 받을 수 있는 혜택이 있나요?", [], [("parent", None, None)]),
    ("아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", [], [("child", None, None)]),
    ("아들이 있는데 받을 수 있는 혜택이 뭐가 있나요?", [], [("child", "male", None)]),
    ("I have a wife. What benefits are there?", [], [("spouse", "female", None)]),
    ("We have two kids. What benefits are there?", [], [("child", None, None)]),
])
def test_the_member_gets_the_sex_their_word_says_and_the_place_said_for_them(
        text: str, found: list[tuple[str, str, Any]], members: list[tuple[str, str | None, str | None]]) -> None:
    from assistant.dialogue.whose_benefits import unclear_members

    got = unclear_members(text, _said(text, *found))
    assert [(m.who, m.sex, m.region) for m in got] == members


@pytest.mark.parametrize(("text", "found", "household", "citizen"), [
    ("저희는 부산에 살아요. 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", [("region", "부산", "부산광역시")], "부산광역시", None),
    ("부산에서 부모님을 모시고 있는데 받을 수 있는 혜택이 있나요?", [("region", "부산", "부산광역시")], "부산광역시", None),
    ("부산에 사시는 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", [("region", "부산", "부산광역시")], None, None),
    ("I live in Seoul and I have an elderly mother. What benefits are there?", [("region", "Seoul", "서울특별시")], None,
     "서울특별시"),
])
def test_whose_a_place_of_the_opening_is(text: str, found: list[tuple[str, str, Any]], household: str | None,
                                         citizen: str | None) -> None:
    from assistant.dialogue.whose_benefits import opening_places

    places = opening_places(text, _said(text, *found))
    assert (places.household, places.citizen) == (household, citizen)


PLACED_OPENINGS = [
    # (language, opening, the member's payload, the citizen's payload)
    ("ko", "부산에 사시는 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?",
     {"beneficiary": "parent", "sex": "female", "region": "부산광역시"}, {"beneficiary": "self"}),
    ("en", "I have an elderly mother who lives in Busan. What benefits are there?",
     {"beneficiary": "parent", "sex": "female", "region": "부산광역시"}, {"beneficiary": "self"}),
    # the household's place goes with both
    ("ko", "저희는 부산에 살아요. 아버지가 계신데 받을 수 있는 혜택이 뭐가 있나요?",
     {"beneficiary": "parent", "sex": "male", "region": "부산광역시"}, {"beneficiary": "self", "region": "부산광역시"}),
    ("en", "We live in Busan. I have an elderly father. What benefits are there?",
     {"beneficiary": "parent", "sex": "male", "region": "부산광역시"}, {"beneficiary": "self", "region": "부산광역시"}),
]


@pytest.mark.parametrize(("lang", "opening", "member", "own"), PLACED_OPENINGS)
def test_the_members_sex_and_place_go_with_their_button_and_are_not_asked(processor, lang: str, opening: str,  # type: ignore[no-untyped-def]
                                                                          member: dict[str, Any],
                                                                          own: dict[str, Any]) -> None:
    sender = f"placed-member-{opening}"
    choices = _buttons(say(processor, opening, sender))
    assert (choices["parent"][1], choices["self"][1]) == (member, own)
    # nothing decided before the choice: the opening's place is not left in the region slot (each button carries it)
    assert slots(processor, sender)["region"] is None
    t = say(processor, "/check_eligibility" + json.dumps(member, ensure_ascii=False), sender)
    state = slots(processor, sender)
    assert (state["beneficiary"], state["sex"], state["region"]) == ("parent", member["sex"], member["region"])
    assert state["requested_slot"] not in ("sex", "region"), [m.text for m in t.messages]
    # before: the opening's place was put aside as the citizen's and the mother's region asked again
    assert not state.get("facts_by_person"), state


@pytest.mark.parametrize(("lang", "opening", "member", "own"), PLACED_OPENINGS)
def test_me_does_not_take_the_members_sex_or_place(processor, lang: str, opening: str, member: dict[str, Any],  # type: ignore[no-untyped-def]
                                                   own: dict[str, Any]) -> None:
    sender = f"placed-self-{opening}"
    choices = _buttons(say(processor, opening, sender))
    t = say(processor, "/check_eligibility" + json.dumps(choices["self"][1], ensure_ascii=False), sender)
    state = slots(processor, sender)
    # before: 본인 checked a citizen living in the mother's Busan; the household's Busan is the citizen's too
    assert (state["beneficiary"], state["sex"], state["region"]) == ("self", None, own.get("region")), \
        [m.text for m in t.messages]
    assert state["requested_slot"] == "age"


@pytest.mark.parametrize(("lang", "opening", "typed", "who"), [
    ("ko", "80세 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", "어머니요", "parent"),
    ("ko", "80세 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", "엄마", "parent"),
    ("ko", "80세 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", "제 거요", "self"),
    ("ko", "80세 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", "저요", "self"),
    ("ko", "4살 아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", "우리 아이요", "child"),
    ("en", "My mother is 80. What benefits are there?", "me", "self"),
    ("en", "My mother is 80. What benefits are there?", "my mom", "parent"),
    ("en", "My mother is 80. What benefits are there?", "for my mother please", "parent"),
    ("en", "My mother is 80. What benefits are there?", "myself", "self"),
])
def test_a_typed_answer_to_whose_benefits_picks_the_buttons_branch(processor, lang: str, opening: str, typed: str,  # type: ignore[no-untyped-def]
                                                                   who: str) -> None:
    # before s20: only a button's exact title was its button; "어머니요", "제 거요", "myself" were ordinary messages
    typed_sender, button_sender = f"typed-{opening}-{typed}", f"pressed-{opening}-{typed}"
    choices = _buttons(say(processor, opening, typed_sender))
    _buttons(say(processor, opening, button_sender))
    t = say(processor, typed, typed_sender)
    say(processor, "/check_eligibility" + json.dumps(choices[who][1], ensure_ascii=False), button_sender)
    assert RESPONSE not in _responses(t)
    facts = ("beneficiary", "age", "sex", "region", "requested_slot", "facts_by_person")
    typed_state, pressed = slots(processor, typed_sender), slots(processor, button_sender)
    assert typed_state["beneficiary"] == who, [m.text for m in t.messages]
    assert {k: typed_state.get(k) for k in facts} == {k: pressed.get(k) for k in facts}


@pytest.mark.parametrize("typed", ["아빠", "어머니 연세가 82세예요 그런데 신청은 어디서 해요?", "네"])
def test_other_typed_answers_are_not_read_as_a_choice(typed: str) -> None:
    from assistant.dialogue.whose_benefits import Member, buttons, typed_choice

    # "아빠" names a parent, but not the mother whose button is shown; the rest are no choice at all
    assert typed_choice(typed, buttons([Member("parent", "어머니", 80, "female")], "ko")) is None


# --- s20: a member stated, the citizen named as receiving: the questions are the citizen's; the member's facts are kept
# for the member --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "member_kept"), [
    ("어머니가 계신데 제가 받을 수 있는 혜택이 뭐가 있나요?", None),
    ("남편이 있는데 제가 받을 수 있는 혜택이 뭐가 있나요?", None),
    ("어머니가 80세이신데 제가 받을 수 있는 혜택이 뭐가 있나요?", ("parent", {"age": 80})),
    ("My mother is 80. What can I get?", ("parent", {"age": 80})),
    ("부산에 사시는 어머니가 계신데 제가 받을 수 있는 혜택이 뭐가 있나요?", ("parent", {"region": "부산광역시"})),
])
def test_an_opening_naming_the_citizen_asks_the_citizens_questions(processor, text: str,  # type: ignore[no-untyped-def]
                                                                  member_kept: tuple[str, dict[str, Any]] | None) -> None:
    # before s20: the citizen was named (no whose-benefits question) but the questions followed the mother's word, and
    # her 80 was the age checked
    sender = f"citizen-named-{text}"
    t = say(processor, text, sender)
    assert RESPONSE not in _responses(t)
    state = slots(processor, sender)
    assert state["beneficiary"] == "self" and state["requested_slot"] in ("age", "region"), [m.text for m in t.messages]
    kept = state.get("facts_by_person") or {}
    if member_kept is None:
        assert not kept
    else:
        who, facts = member_kept
        assert kept == {who: facts}
        assert all(state[name] is None for name in facts)  # not the citizen's


@pytest.mark.parametrize(("text", "spans"), [
    ("어머니가 계신데 제가 받을 수 있는 혜택이 뭐가 있나요?", [(0, 7)]),
    ("My mother is 80. What can I get?", [(0, 15)]),
    ("my mother is 82", []),  # an answer during the questionnaire: still about her (s16)
    ("어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?", []),  # no one named: the whose-benefits question
    ("어머니가 80세인데 제가 모시고 살아요. 어머니가 받으실 수 있는 혜택이 있나요?", []),  # 받으실: said of her
])
def test_a_member_statement_names_no_one_asked_about_only_when_the_citizen_is_named(text: str,
                                                                                   spans: list[tuple[int, int]]) -> None:
    from assistant.nlu.household import citizen_named_over_member_spans

    assert citizen_named_over_member_spans(text) == spans


# --- a home without eligibility data (run.sh's bundled corpus): no question whose answer leads nowhere (s20) ----------

@pytest.mark.parametrize(("lang", "opening"), [
    ("ko", "부산에 사시는 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?"),
    ("ko", "4살 아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?"),
    ("en", "I have an elderly mother. What benefits are there?"),
    ("ko", "저는 200살인데 받을 수 있는 혜택이 뭐가 있나요?"),
    ("en", "I'm 200 years old. What benefits can I get?"),
])
def test_without_eligibility_data_an_opening_says_so_at_once(make_processor, lang: str,  # type: ignore[no-untyped-def]
                                                                           opening: str) -> None:
    """Before (fresh ./scripts/run.sh home, s20 probe): the whose-benefits buttons, then whichever was pressed
    answered utter_eligibility_no_catalogue; the citizen's choice was asked for nothing. Now the same reply as
    "제가 받을 수 있는 혜택이 뭐가 있나요?" gets there, at once."""
    p = make_processor(eligibility_url=None)  # the session's engine has a test eligibility service; run.sh's has none
    turn = say(p, opening, f"nodata-{lang}-{len(opening)}", lang)
    assert _responses(turn) == ["utter_eligibility_no_catalogue"], [m.text for m in turn.messages]
    assert not any(m.buttons for m in turn.messages)
    assert p.tracker_state(f"nodata-{lang}-{len(opening)}")["active_loop"] == {}
