"""The benefit questionnaire's answers (fresh-user report s6, items 1, 2, 6, 9, 10), through the engine on the bundled
corpus, in Korean and English.

The bundled engine catalogue (tests/engine_catalogue.py) makes the form ask age, then region, then income. The
expected areas are computed from :data:`connectors.eligibility.regions.SIGUNGU` (the one list of 시·군·구), not typed.
"""

from __future__ import annotations

import re

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from connectors.eligibility.regions import GENERAL_GU, SIDO, SIGUNGU, Area, normalise_region, place_spans, places_in_text
from connectors.eligibility.regions_en import romanise

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 128 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

START = {"ko": "제가 받을 수 있는 혜택이 뭐가 있나요?", "en": "What benefits can I get?"}
AGE = {"ko": "67세예요", "en": "I am 67 years old"}
#: What an answer to the form's question is not.
NOT_ANSWERS = {"utter_invalid_age", "utter_invalid_region", "utter_invalid_income_pct", "utter_invalid_value",
               "utter_explain_age", "utter_explain_region", "utter_explain_income_pct", "utter_form_offer_exit",
               "utter_form_given_up", "utter_goodbye", "utter_thank", "utter_greet"}


def say(p: MessageProcessor, text: str, sender: str = "f1") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def slots(p: MessageProcessor, sender: str = "f1") -> dict[str, Any]:
    return dict(p.tracker_state(sender)["slots"])


def sido_of(district: str) -> list[str]:
    """The 시·도 that have a 시·군·구 called ``district`` (from the table, independently of the reader)."""
    return [s for s, names in SIGUNGU.items() if district in names]


def moved_on(p: MessageProcessor, turn: Turn, sido: str, sender: str = "f1") -> None:
    """After the region answer: the engine catalogue's only service a 67-year-old may get is 서울특별시's (it also
    codes an income band), so in 서울 the form asks income next; anywhere else nothing is left to ask and the
    form ends with the result."""
    got = responses(turn)
    assert not NOT_ANSWERS & set(got) and not any(m.custom.get("form_invalid") for m in turn.messages), got
    if sido == "서울특별시":
        assert got[-1] == "utter_ask_income_pct", got
    else:
        state = p.tracker_state(sender)
        assert not state["active_loop"] and state["slots"]["requested_slot"] is None, got
        assert "eligibility" in turn.messages[-1].custom, got


def at_region_question(p: MessageProcessor, lang: str, sender: str = "f1") -> None:
    say(p, START[lang], sender)
    say(p, AGE[lang], sender)
    assert slots(p, sender)["requested_slot"] == "region"


# --- item 1: a 시·군·구 alone at the region question ----------------------------------------------------------

@pytest.mark.parametrize(("text", "district"), [
    ("수원", "수원시"), ("수원시", "수원시"), ("성남", "성남시"), ("고양시", "고양시"), ("의정부", "의정부시"),
    ("창원", "창원시"), ("전주시", "전주시"), ("강남구", "강남구"), ("해운대구", "해운대구"), ("저는 수원시 살아요", "수원시"),
])
def test_places_in_text_reads_a_district_alone(text: str, district: str) -> None:
    [sido] = sido_of(district)
    assert places_in_text(text) == (Area(sido, district),)


@pytest.mark.parametrize("text", ["중구", "동구", "서구", "남구", "북구", "강서구", "고성"])
def test_places_in_text_lists_every_sido_of_an_ambiguous_district(text: str) -> None:
    names = [n for n in ("중구", "동구", "서구", "남구", "북구", "강서구", "고성군") if n.startswith(text)]
    want = {Area(s, names[0]) for s in sido_of(names[0])}
    # a 일반구 of the same name (포항시 남구·북구) is one more reading: its city (s7)
    want |= {Area(s, city) for (s, city), gus in GENERAL_GU.items() if names[0] in gus}
    assert len(want) > 1 and set(places_in_text(text)) == want


@pytest.mark.parametrize("text", ["고령자 혜택", "경기도 중구", "서울 부산", "오늘 날씨", ""])
def test_places_in_text_reads_no_place_from_other_words(text: str) -> None:
    assert places_in_text(text) == ()


@pytest.mark.parametrize(("lang", "text", "district"), [
    ("ko", "수원", "수원시"), ("ko", "의정부시", "의정부시"), ("ko", "강남구", "강남구"), ("ko", "해운대구", "해운대구"),
    ("ko", "창원이요", "창원시"), ("ko", "저는 수원시 살아요", "수원시"),
    ("en", "Gangnam-gu", "강남구"), ("en", "Suwon", "수원시"), ("en", "Goyang", "고양시"), ("en", "Changwon-si", "창원시"),
])
def test_an_unambiguous_district_alone_is_an_answer(processor, lang: str, text: str, district: str) -> None:  # type: ignore[no-untyped-def]
    at_region_question(processor, lang)
    t = say(processor, text)
    got = responses(t)
    [sido] = sido_of(district)
    assert slots(processor)["region"] == f"{sido} {district}", got
    moved_on(processor, t, sido)


@pytest.mark.parametrize(("lang", "district", "sido_answer", "sido"), [
    ("ko", "중구", "서울이요", "서울특별시"), ("ko", "강서구", "부산", "부산광역시"), ("ko", "남구", "울산이요", "울산광역시"),
    ("en", "Jung-gu", "Daegu", "대구광역시"), ("en", "Gangseo-gu", "Seoul", "서울특별시"),
])
def test_an_ambiguous_district_asks_which_sido(processor, lang: str, district: str, sido_answer: str, sido: str) -> None:  # type: ignore[no-untyped-def]
    at_region_question(processor, lang)
    t = say(processor, district)
    got = responses(t)
    korean = district if lang == "ko" else next(n for ns in SIGUNGU.values() for n in ns
                                                 if f"{romanise(n[:-1])}-{romanise(n[-1])}".lower() == district.lower())
    asked = t.messages[-1].text or ""
    assert got == ["utter_ask_region_sido"], got
    # the question names the district as the citizen wrote it: Hangul in Korean, its English name (no Hangul) in English
    assert (korean in asked) if lang == "ko" else (district in asked and not re.search("[가-힣]", asked)), asked
    assert not any(m.custom.get("form_invalid") for m in t.messages)
    assert slots(processor)["region"] is None
    t = say(processor, sido_answer)
    assert slots(processor)["region"] == f"{sido} {korean}"
    moved_on(processor, t, sido)


def test_a_district_alone_never_counts_as_a_failure(make_processor) -> None:  # type: ignore[no-untyped-def]
    """max_reasks=0: a failure would explain the format at once; 중구 then 수원 are both understood."""
    p = make_processor(max_reasks=0)
    at_region_question(p, "ko", "f2")
    assert responses(say(p, "중구", "f2")) == ["utter_ask_region_sido"]
    t = say(p, "아 아니고 수원이요", "f2")
    assert slots(p, "f2")["region"] == "경기도 수원시"
    moved_on(p, t, "경기도", "f2")


@pytest.mark.parametrize(("lang", "text", "area"), [
    ("ko", "서울 마포구", "서울특별시 마포구"), ("en", "Haeundae-gu, Busan", "부산광역시 해운대구"),
    ("en", "Seongnam-si, Gyeonggi-do", "경기도 성남시"),
])
def test_a_district_with_its_sido_still_works(processor, lang: str, text: str, area: str) -> None:  # type: ignore[no-untyped-def]
    at_region_question(processor, lang)
    t = say(processor, text)
    assert slots(processor)["region"] == area
    moved_on(processor, t, area.split()[0])


# --- item 2: a value for the asked slot is an answer, whatever unsure small talk says ----------------------------

@pytest.mark.parametrize(("lang", "text", "area"), [
    ("en", "Uijeongbu-si", "경기도 의정부시"), ("en", "Seongnam", "경기도 성남시"), ("en", "Gangnam-gu", "서울특별시 강남구"),
    ("ko", "의정부", "경기도 의정부시"),
])
def test_a_city_name_does_not_end_the_questionnaire(processor, lang: str, text: str, area: str) -> None:  # type: ignore[no-untyped-def]
    at_region_question(processor, lang)
    t = say(processor, text)
    assert slots(processor)["region"] == area, responses(t)
    moved_on(processor, t, area.split()[0])  # the result, not "Goodbye"


@pytest.mark.parametrize(("lang", "text"), [("ko", "안녕히 계세요"), ("en", "bye"), ("en", "Goodbye")])
def test_a_real_goodbye_still_ends_the_questionnaire(processor, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    at_region_question(processor, lang)
    t = say(processor, text)
    assert responses(t)[-1] == "utter_goodbye" and not processor.tracker_state("f1")["active_loop"]


@pytest.mark.parametrize(("lang", "text"), [("ko", "고마워요"), ("en", "thank you")])
def test_a_real_thanks_is_small_talk_then_the_question_again(processor, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    at_region_question(processor, lang)
    t = say(processor, text)
    assert responses(t) == ["utter_thank", "utter_ask_region"]
    assert slots(processor)["region"] is None


def test_an_unsure_goodbye_that_answers_nothing_still_ends_the_form(processor) -> None:  # type: ignore[no-untyped-def]
    """The rule's other side, forced: a goodbye below the threshold that no validator reads stops the form."""
    p = processor
    at_region_question(p, "en")
    p.settings = p.settings.model_copy(update={"form_answer_intent_threshold": 1.0})  # every goodbye is "unsure"
    t = say(p, "Goodbye")
    assert responses(t)[-1] == "utter_goodbye" and not p.tracker_state("f1")["active_loop"]


# --- item 6: a registration number typed with a question and facts ---------------------------------------------

@pytest.mark.parametrize(("lang", "text", "age", "region"), [
    ("ko", "제 주민번호 650312-2345678 인데 기초연금 받을 수 있나요? 나이는 61살이고 부산 살아요", 61, "부산광역시"),
    ("ko", "주민번호 650312-2345678 이에요. 받을 수 있는 혜택이 뭐가 있나요? 67세이고 서울 살아요", 67, "서울특별시"),
    ("en", "My resident number is 650312-2345678. Can I get the basic pension? I am 61 and live in Busan.", 61, "부산광역시"),
])
def test_a_typed_registration_number_warns_and_the_question_is_still_handled(processor, lang: str, text: str, age: int,
                                                                             region: str) -> None:  # type: ignore[no-untyped-def]
    import json

    t = say(processor, text, "rrn")
    got = responses(t)
    assert got[0] == "utter_pii_warning" and "utter_how_can_i_help" not in got, got
    assert t.intent["name"] == "check_eligibility"  # type: ignore[index]
    state = processor.tracker_state("rrn")
    assert state["slots"]["age"] == age and state["slots"]["region"] == region
    assert "eligibility" in t.messages[-1].custom or state["active_loop"].get("name") == "eligibility_form", got
    number = "650312-2345678"
    assert number not in json.dumps(state["slots"], ensure_ascii=False)  # never a fact, never sent to the service
    assert all(number not in json.dumps(m.custom, ensure_ascii=False) for m in t.messages)


def test_the_intent_text_keeps_a_question_asked_beside_the_number() -> None:
    from assistant.nlu.pii import find_pii
    from assistant.nlu.preprocess import without_personal_data

    text = "제 주민번호 650312-2345678 인데 기초연금 받을 수 있나요? 나이는 61살이고 부산 살아요"
    out = without_personal_data(text)
    assert "기초연금 받을 수 있나요?" in out and "나이는 61살이고 부산 살아요" in out and not find_pii(out)
    # a sentence that only carries the number still goes when another one remains
    assert without_personal_data("제 주민번호는 650312-2345678 이에요. 기초연금 받을 수 있나요?") == "기초연금 받을 수 있나요?"


# --- item 9: facts in the opening message ---------------------------------------------------------------------

def _age_on_today(year: int, month: int, day: int) -> int:
    import datetime as dt

    today = dt.date.today()
    return today.year - year - ((today.month, today.day) < (month, day))


@pytest.mark.parametrize(("lang", "text"), [
    ("ko", "저는 1958년 3월 2일생 여성이고 부산 해운대구에 살아요. 받을 수 있는 혜택이 뭐가 있나요?"),
    ("en", "I was born on 1958-03-02, I'm a woman and I live in Haeundae-gu, Busan. What benefits can I get?"),
])
def test_every_fact_of_the_opening_message_is_taken_before_asking(processor, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, text, "open")
    s = slots(processor, "open")
    assert s["age"] == _age_on_today(1958, 3, 2) and s["sex"] == "female" and s["region"] == "부산광역시 해운대구"
    got = responses(t)
    assert not {"utter_ask_age", "utter_ask_sex", "utter_ask_region"} & set(got), got


@pytest.mark.parametrize(("text", "age"), [
    ("2024년 3월 2일에 이사했는데 받을 수 있는 혜택이 뭐가 있나요?", None),  # a date that is not a birth date
    ("생년월일은 1990-05-01 이에요. 받을 수 있는 혜택이 있나요?", _age_on_today(1990, 5, 1)),
])
def test_only_a_birth_date_gives_the_age(processor, text: str, age: int | None) -> None:  # type: ignore[no-untyped-def]
    say(processor, text, "birth")
    assert slots(processor, "birth")["age"] == age


@pytest.mark.parametrize("text", ["여성 창업 지원 받을 수 있나요?", "Can women get startup support?"])
def test_a_group_named_in_a_question_is_not_the_citizens_sex(processor, text: str) -> None:  # type: ignore[no-untyped-def]
    say(processor, text, "sex")
    assert slots(processor, "sex")["sex"] is None


# --- item 10: a question about a child -------------------------------------------------------------------------
# A general question about the child starts the questionnaire; one about a kind of help for the child ("유치원 다니는
# 아이 학비 지원 받을 수 있나요?") is answered from the documents (assistant/dialogue/eligibility_route.py).

@pytest.mark.parametrize(("lang", "opening", "age_answer", "asked", "said"), [
    ("ko", "우리 아이가 받을 수 있는 혜택이 뭐가 있나요?", "4살이에요", "자녀", "자녀 기준"),
    ("en", "Which benefits can my son get?", "4", "your child", "for your child"),
])
def test_a_question_about_a_child_is_answered_for_the_child(processor, lang: str, opening: str, age_answer: str,
                                                            asked: str, said: str) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, opening, "child")
    assert slots(processor, "child")["beneficiary"] == "child"
    assert responses(t)[-1] == "utter_ask_age" and asked in (t.messages[-1].text or "")
    t = say(processor, age_answer, "child")
    assert slots(processor, "child")["age"] == 4
    assert said in (t.messages[-1].text or "") and "eligibility" in t.messages[-1].custom


@pytest.mark.parametrize(("text", "who"), [
    ("유치원 다니는 4살 아이 학비 지원 받을 수 있나요?", "child"), ("초등학생 아들이 받을 수 있는 혜택이 있나요?", "child"),
    ("What support can my 4-year-old daughter who goes to kindergarten get?", "child"),
    ("어머니가 받으실 수 있는 혜택이 뭐가 있을까요", "parent"), ("제가 받을 수 있는 혜택이 뭐가 있나요?", "self"),
])
def test_whom_the_question_is_about(processor, text: str, who: str) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, text, "who")
    assert slots(processor, "who")["beneficiary"] == who, responses(t)


@pytest.mark.parametrize(("text", "region"), [
    ("수원에 사는 67세인데 받을 수 있는 혜택이 뭐가 있나요?", "경기도 수원시"),
    ("I'm 67 and live in Suwon. What benefits can I get?", "경기도 수원시"),
    ("67세인데 받을 수 있는 혜택이 뭐가 있나요?", None),
])
def test_a_district_in_the_opening_message_is_the_region(processor, text: str, region: str | None) -> None:  # type: ignore[no-untyped-def]
    say(processor, text, "open2")
    assert slots(processor, "open2")["region"] == region


# --- the NLU's region values ("서울특별시 마포구" for 마포구) read together with the 시·도 said beside them ---------------

def _unique_district(sido: str) -> str:
    """The first 시·군·구 of ``sido`` that no other 시·도 has (from the table)."""
    return next(n for n in SIGUNGU[sido] if len(sido_of(n)) == 1)


@pytest.mark.parametrize("sido", [s for s in SIDO if any(len(sido_of(n)) == 1 for n in SIGUNGU.get(s, ()))])
def test_the_nlu_values_of_a_sido_and_its_district_are_one_place(sido: str) -> None:
    from connectors.eligibility.actions import _one_place

    name = _unique_district(sido)
    assert _one_place([sido, f"{sido} {name}"]) == f"{sido} {name}"
    assert _one_place([f"{sido} {name}", sido]) == f"{sido} {name}"


def test_a_bare_ambiguous_district_takes_the_sido_said_beside_it() -> None:
    from connectors.eligibility.actions import _one_place

    for sido in sido_of("중구"):
        assert _one_place([sido, "중구"]) == f"{sido} 중구"
    other = next(s for s in SIDO if "중구" not in SIGUNGU.get(s, ()))
    assert _one_place([other, "중구"]) is None  # no 중구 there


def test_values_that_name_two_places_are_no_place() -> None:
    from connectors.eligibility.actions import _one_place

    seoul, busan = "서울특별시", "부산광역시"
    assert _one_place([busan, f"{seoul} {_unique_district(seoul)}"]) is None
    assert _one_place([seoul, busan]) is None
    a, b = [n for n in SIGUNGU[seoul] if len(sido_of(n)) == 1][:2]
    assert _one_place([f"{seoul} {a}", f"{seoul} {b}"]) is None


@pytest.mark.parametrize("text", ["서울특별시 서울특별시", "부산광역시 부산시", "서울특별시 서울특별시 마포구", "경기도 서울"])
def test_a_sido_is_never_read_as_a_district(text: str) -> None:
    with pytest.raises(ValueError):
        normalise_region(text)


def test_a_district_named_like_a_sido_short_form_is_still_a_district() -> None:
    # 경기도 광주시: "광주시" is also how people write the former 광주광역시
    assert "광주시" in SIGUNGU["경기도"] and normalise_region("경기도 광주시") == Area("경기도", "광주시")


# --- what a "can I get…" question is about: facts about the person are not a kind of help -------------------

@pytest.mark.parametrize("text", [
    "수원에 사는 67세인데 받을 수 있는 혜택이 뭐가 있나요?", "저는 해운대 살아요. 받을 수 있는 혜택이 있나요?",
    "생년월일은 1990-05-01 이에요. 받을 수 있는 혜택이 있나요?",
    "주민번호 650312-2345678 이에요. 받을 수 있는 혜택이 뭐가 있나요? 67세이고 서울 살아요",
    "I was born on 1958-03-02 and I'm a woman. What benefits can I get?",
    # living alone is a fact about the person (s10 issue 2, item 1), however it is said
    "우리 엄마 80세고 대구에 혼자 사시는데 뭐 받을 수 있어요?", "아버지가 혼자 계세요. 받을 수 있는 혜택 있나요?",
    "저 혼자 살아요 받을 수 있는 지원 뭐 있어요", "독거노인인데 받을 수 있는 거 있어요?",
    "My mother lives alone. What can she get?",
])
def test_facts_about_the_person_are_no_topic(text: str) -> None:
    from assistant.dialogue.eligibility_route import topic_terms
    from assistant.nlu.tokenizer import KoreanTokenizer

    assert topic_terms(text, [], KoreanTokenizer()) == []


def test_a_fact_entity_inside_a_word_leaves_no_stray_topic() -> None:
    """The age entity "67세" inside "67세이고": the rest of the word ("이고") is no noun."""
    from assistant.dialogue.eligibility_route import topic_terms
    from assistant.nlu.tokenizer import KoreanTokenizer

    text = "받을 수 있는 혜택이 뭐가 있나요? 67세이고 서울 살아요"
    ents = [{"entity": kind, "start": text.index(said), "end": text.index(said) + len(said)}
            for kind, said in (("age", "67세"), ("region", "서울"))]
    assert topic_terms(text, ents, KoreanTokenizer()) == []


@pytest.mark.parametrize(("text", "topic"), [("고령자 혜택 뭐가 있나요", "고령자"), ("유치원 다니는 아이 학비 지원 받을 수 있나요?", "학비")])
def test_a_kind_of_help_is_still_a_topic(text: str, topic: str) -> None:
    from assistant.dialogue.eligibility_route import topic_terms
    from assistant.nlu.tokenizer import KoreanTokenizer

    assert topic in topic_terms(text, [], KoreanTokenizer())


@pytest.mark.parametrize(("text", "names"), [("수원에 사는", ["수원"]), ("고령자 혜택", []), ("부산 해운대구요", ["부산", "해운대구"])])
def test_place_spans_are_the_names_places_in_text_reads(text: str, names: list[str]) -> None:
    assert [text[a:b] for a, b in place_spans(text)] == names


@pytest.mark.parametrize(("korean", "english"), [
    # official English names (road signs, government sites), not computed by the function under test
    ("중구", "Jung-gu"), ("강서구", "Gangseo-gu"), ("수원시", "Suwon-si"), ("고성군", "Goseong-gun"),
    ("경기도 성남시", "Seongnam-si, Gyeonggi-do"), ("부산광역시 해운대구", "Haeundae-gu, Busan"), ("제주특별자치도", "Jeju"),
    ("세종특별자치시", "Sejong"), ("서울특별시", "Seoul"), ("Jung-gu", "Jung-gu"),
])
def test_english_place_name(korean: str, english: str) -> None:
    from connectors.eligibility.regions_en import english_place_name

    assert english_place_name(korean) == english


# --- s18 item 2: an age that names the member ("my 4 year old", "my 80-year-old mother") -------------------------
# English puts the age before the family word or leaves the word out; before, such a message had an ``age`` and no
# ``beneficiary``, so the age was the citizen's (the questionnaire asked about "you" with age 4). The Korean twins say
# the same; the member and age are the sentences' meaning, written by hand.
MEMBER_AGES = [
    ("What benefits can my 4 year old get?", "child", 4),
    ("What benefits can my 4-year-old get?", "child", 4),
    ("What benefits can my 10 year old daughter get?", "child", 10),
    ("What benefits are there for my 7 yo?", "child", 7),
    ("What benefits can my 80-year-old mother get?", "parent", 80),
    ("우리 아이 4살인데 받을 수 있는 혜택이 뭐가 있나요?", "child", 4),
    ("우리 4살짜리가 받을 수 있는 혜택이 뭐가 있나요?", "child", 4),
    ("80세 어머니가 받으실 수 있는 혜택이 뭐가 있을까요?", "parent", 80),
]


@pytest.mark.parametrize(("text", "who", "age"), MEMBER_AGES)
def test_an_age_that_names_the_member_is_the_members(processor, text: str, who: str, age: int) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, text, "member-age")
    got = slots(processor, "member-age")
    assert (got["beneficiary"], got["age"]) == (who, age), (responses(t), t.messages[-1].text)
    assert "utter_ask_age" not in responses(t)  # the age was said: not asked again
    said = {"child": ("your child", "자녀"), "parent": ("your parent", "부모")}[who]
    assert any(w in (t.messages[-1].text or "") for w in said), t.messages[-1].text  # the question names the member


@pytest.mark.parametrize("text", ["My 4 year old car broke down, what benefits can I get?", "I'm 40. What benefits can I get?",
                                  "What benefits can my 80 year old get?"])
def test_an_age_with_no_member_stays_the_citizens_or_no_ones(processor, text: str) -> None:  # type: ignore[no-untyped-def]
    """A thing's age, the citizen's own age, and a "my 80 year old" with no noun (an adult: no one for sure) name no
    family member."""
    say(processor, text, "no-member")
    assert slots(processor, "no-member")["beneficiary"] in (None, "self")
