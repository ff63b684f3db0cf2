"""A place said right after an answer is where the citizen lives, and the question is answered for it (session 35's
note, item 1: "난임부부 시술비 지원 알려주세요" then "서울 강남구에 살아요" got "어떤 점을 도와드릴까요?", never
서울시's own programme, which the bundled corpus holds). When the region runs no version of its own, the document that
answered is named again with what it means for that place instead of the whole answer repeated
(assistant/dialogue/regional.py: ``same_answer``; assistant/dialogue/builtin_actions.py). Through the engine on the
bundled corpus; the expected documents are read from the pages' front matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def doc_id(language: str, title: str) -> str:
    """The doc id of the one bundled page of ``language`` whose title is ``title`` (its front matter)."""
    ids = [str(meta["doc_id"]) for path in sorted((KNOWLEDGE / language).glob("*.md"))
           if str((meta := yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]))["title"]) == title]
    assert len(ids) == 1, ids
    return ids[0]


def say(p: MessageProcessor, text: str, sender: str = "s-after") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def cited(turn: Turn) -> list[str]:
    return [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


NATIONAL = "난임부부 시술비 지원"
SEOUL = "서울시 난임부부 시술비 지원"


@pytest.mark.parametrize("place", ["서울 강남구에 살아요", "서울 살아요", "저 서울특별시 강남구 살아요"])
def test_a_place_with_its_own_programme_gets_it(make_processor: Any, place: str) -> None:
    p = make_processor()
    first = say(p, "난임부부 시술비 지원 알려주세요")
    assert cited(first)[0] == doc_id("ko", NATIONAL)
    t = say(p, place)
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    assert cited(t)[0] == doc_id("ko", SEOUL) and SEOUL in t.messages[0].text
    assert p.load("s-after").get_slot("programme_region") == "서울특별시" or \
        str(p.load("s-after").get_slot("programme_region")).startswith("서울특별시")


def test_a_follow_up_s_aspect_is_answered_for_the_place(make_processor: Any) -> None:
    p = make_processor()
    say(p, "난임부부 시술비 지원 알려주세요")
    follow = say(p, "어디서 신청해요?")
    assert cited(follow)[0] == doc_id("ko", NATIONAL)
    t = say(p, "서울 살아요")
    m = t.messages[0]
    assert m.custom["citations"][0]["doc_id"] == doc_id("ko", SEOUL)
    assert "[신청 방법]" in m.text and "[지원 대상]" not in m.text, m.text  # the aspect asked, for 서울


@pytest.mark.parametrize(("question", "place", "said", "title", "language"), [
    ("난임부부 시술비 지원 알려주세요", "부산 살아요", "부산광역시", NATIONAL, "ko"),
    ("에너지바우처 알려주세요", "부산 해운대구 살아요", "부산광역시 해운대구", "에너지바우처", "ko"),
    ("What is the energy voucher?", "I live in Busan", "Busan", "Energy voucher (에너지바우처)", "en"),
])
def test_a_place_without_its_own_version_is_told_the_national_one_holds(
        make_processor: Any, question: str, place: str, said: str, title: str, language: str) -> None:
    p = make_processor()
    assert cited(say(p, question))[0] == doc_id(language, title)
    t = say(p, place)
    assert responses(t) == ["utter_region_same_answer"], [m.text for m in t.messages]
    m = t.messages[0]
    assert cited(t) == [doc_id(language, title)] and said in m.text and title in m.text
    assert ("national" if language == "en" else "전국") in m.text
    assert len(m.text) < 300  # not the whole answer again
    assert p.load("s-after").get_slot("programme_region")


@pytest.mark.parametrize(("place", "response", "said"), [
    ("부산 살아요", "utter_region_same_answer_elsewhere", "부산광역시"),
    ("안양 살아요", "utter_region_same_answer_here", "경기도 안양시"),
])
def test_a_local_service_is_said_to_be_for_its_residents(make_processor: Any, place: str, response: str, said: str) -> None:
    p = make_processor()
    assert cited(say(p, "안양 청년 월세 지원 알려줘"))[0] == doc_id("ko", "안양 청년 월세 지원")
    t = say(p, place)
    assert responses(t) == [response], [m.text for m in t.messages]
    text = t.messages[0].text
    assert said in text and "안양 청년 월세 지원" in text
    # only the other place's service is said to be missing there; never that the citizen's own place runs it
    assert ("없어요" in text) == (response == "utter_region_same_answer_elsewhere")


def test_a_question_of_its_own_after_an_answer_is_answered(make_processor: Any) -> None:
    p = make_processor()
    say(p, "난임부부 시술비 지원 알려주세요")
    t = say(p, "서울에 에너지바우처 있나요?")
    assert cited(t)[0] == doc_id("ko", "에너지바우처")


def test_an_aspect_follow_up_stays_on_the_service(make_processor: Any) -> None:
    p = make_processor()
    say(p, "에너지바우처 알려주세요")
    t = say(p, "서류는요?")
    assert cited(t)[0] == doc_id("ko", "에너지바우처") and "[구비 서류]" in t.messages[0].text


def test_a_yes_at_the_region_question_chooses_no_region(make_processor: Any) -> None:
    """s36 second probe: "네" at "어느 지역에 사세요?" answered for 충청북도 옥천군 (the one button whose title shared
    군 with "시·군·구")."""
    p = make_processor()
    first = say(p, "청년 월세 지원 알려줘")
    assert responses(first) == ["utter_ask_programme_region"]
    t = say(p, "네")
    # the question is asked again with the same places (s37: it was dropped, "nothing waits for a confirmation")
    assert responses(t) == ["utter_ask_programme_region"], [m.text for m in t.messages]
    assert sorted(b["title"] for b in t.messages[0].buttons) == sorted(b["title"] for b in first.messages[0].buttons)
    assert p.load("s-after").get_slot("programme_region") is None
    assert cited(say(p, "안양이요"))[0] == doc_id("ko", "안양 청년 월세 지원")


@pytest.mark.parametrize(("question", "place", "said"), [
    ("출산하면 뭐 받아요?", "수원이요", "경기도 수원시"),
    ("출산하면 뭐 받아요?", "경기도 성남시 살아요", "경기도 성남시"),
])
def test_a_national_answer_names_the_region_s_own_programme_too(make_processor: Any, question: str, place: str,
                                                                 said: str) -> None:
    """s42 probe: "출산하면 뭐 받아요?" then "수원이요" was told 수원시 runs no version of the national 임신·출산 진료비,
    never that 경기도 pays 산후조리비 (a page the bundled corpus holds, run by 경기도)."""
    p = make_processor()
    first = say(p, question)
    national = cited(first)[0]
    assert national == doc_id("ko", "건강보험 임신·출산 진료비 지원")
    t = say(p, place)
    assert responses(t) == ["utter_region_local_too"], [m.text for m in t.messages]
    text = t.messages[0].text
    local = doc_id("ko", "경기도산후조리비지원")
    assert list(dict.fromkeys(cited(t))) == [local, national]  # each section used is cited
    assert said in text and "경기도산후조리비지원" in text and "건강보험 임신·출산 진료비 지원" in text
    assert "[지원 내용]" in text and "50만원" in text  # its answer follows: 출생아 1인당 50만원 상당 (the page)


def _domain_variant(name: str, language: str, asked: bool) -> str:
    """The text of response ``name``'s variant for ``language`` and a place asked about (or said to be lived in), read
    off intents/domain.yml."""
    domain = yaml.safe_load((KNOWLEDGE.parent / "intents" / "domain.yml").read_text(encoding="utf-8"))
    for variant in domain["responses"][name]:
        cond = {c["name"]: c["value"] for c in variant.get("condition", [])}
        if cond.get("language", "ko") == language and bool(cond.get("place_asked")) == asked:
            return str(variant["text"])
    raise AssertionError(f"no variant of {name} for {language}, asked={asked}")


@pytest.mark.parametrize(("question", "title", "place_said", "region", "response", "language"), [
    # s46 probe: "그럼 수원은 뭐 있어요" after 대구's 난임 programme was told "경기도 수원시에 사시는군요"
    (SEOUL, SEOUL, "그럼 수원은 뭐 있어요", "경기도 수원시", "utter_region_same_answer_elsewhere", "ko"),
    ("난임부부 시술비 지원 알려주세요", NATIONAL, "부산은요?", "부산광역시", "utter_region_same_answer", "ko"),
    ("What is the energy voucher?", "Energy voucher (에너지바우처)", "What about Busan?", "Busan",
     "utter_region_same_answer", "en"),
])
def test_a_place_asked_about_is_answered_for_but_not_kept_as_the_citizens(
        make_processor: Any, question: str, title: str, place_said: str, region: str, response: str,
        language: str) -> None:
    p = make_processor()
    language_dir = "en" if language == "en" else "ko"
    assert cited(say(p, question))[0] == doc_id(language_dir, title)
    t = say(p, place_said)
    assert responses(t) == [response], [m.text for m in t.messages]
    text = t.messages[0].text
    head = _domain_variant(response, language, asked=True).split("{region}", 1)[1].split("{", 1)[0]
    assert region in text and head in text, text  # "… 의 경우를 알려 드릴게요." / "About Busan: …"
    lived = _domain_variant(response, language, asked=False).split("{region}", 1)[0]
    assert lived not in text  # "알겠어요, " / "Thanks, I'll keep "
    assert p.load("s-after").get_slot("programme_region") is None


def test_a_place_said_as_where_one_is_with_a_question_is_still_kept(make_processor: Any) -> None:
    """"I'm in Busan, does it apply?" asks, but says where the citizen is: kept, the lived-in variant."""
    p = make_processor()
    assert cited(say(p, "What is the energy voucher?"))[0] == doc_id("en", "Energy voucher (에너지바우처)")
    t = say(p, "I'm in Busan, does it apply?")
    assert responses(t) == ["utter_region_same_answer"], [m.text for m in t.messages]
    assert _domain_variant("utter_region_same_answer", "en", asked=False).split("{region}", 1)[0] in t.messages[0].text
    assert p.load("s-after").get_slot("programme_region")
