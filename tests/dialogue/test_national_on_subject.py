"""A national service about what was asked answers before one region's service that is less so, and a place said
after an answer that listed other places' services answers the question for it (assistant/knowledge/composer.py
``_on_subject``; assistant/dialogue/regional.py ``ANSWER_RESPONSE``).

s34 probe on the bundled corpus: "아기 낳으면 받을 수 있는 지원 있어요?" (낳 → 출산) answered 경기도산후조리비지원 (for
경기도 residents only) to a citizen of unknown place; "창원이요" next was "어떤 점을 도와드릴까요?"; "대전 사는데 …"
was told only of 경기도's programme, never of 건강보험 임신·출산 진료비 지원 (every mother's). The expected documents are
read from the bundled pages' front matter."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

KO = Path(__file__).resolve().parents[2] / "knowledge" / "ko"


def page(name: str) -> dict[str, str]:
    """The front matter of knowledge/ko/<name>.md."""
    return dict(yaml.safe_load((KO / f"{name}.md").read_text(encoding="utf-8").split("---", 2)[1]))


NATIONAL = page("pregnancy-childbirth-medical-voucher")  # 건강보험 임신·출산 진료비 지원, 보건복지부
GYEONGGI = page("gyeonggi-postpartum-care")  # 경기도산후조리비지원, 경기도
CHANGWON = page("changwon-birth-congratulation")  # (창원시) 출산축하금, 경상남도 창원시
QUESTION = "아기 낳으면 받을 수 있는 지원 있어요?"


def say(p: MessageProcessor, text: str, sender: str = "birth") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest"))


def first_cited(turn: Turn) -> str:
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited, [m.text for m in turn.messages]
    return str(cited[0])


def test_without_a_place_the_national_service_answers_and_the_regions_are_listed(processor: MessageProcessor) -> None:
    turn = say(processor, QUESTION)
    assert first_cited(turn) == NATIONAL["doc_id"]
    text = turn.messages[0].text
    assert text.startswith(NATIONAL["title"])
    listed = text.split("지역에서 운영하는 서비스", 1)[1]  # each region's programme after the heading, for its residents
    assert f"{GYEONGGI['title']} ({GYEONGGI['agency']})" in listed and f"({CHANGWON['agency']})" in listed
    assert turn.messages[0].custom["regions"] == [GYEONGGI["agency"], CHANGWON["agency"]]


@pytest.mark.parametrize("reply", ["창원이요", "창원 살아요", "경상남도 창원시"])
def test_a_place_said_after_the_listed_regions_answers_for_it(processor: MessageProcessor, reply: str) -> None:
    say(processor, QUESTION)
    turn = say(processor, reply)
    assert first_cited(turn) == CHANGWON["doc_id"]
    assert NATIONAL["doc_id"] in [c["doc_id"] for c in turn.messages[0].custom["citations"]]  # cited after it


def test_a_place_with_none_of_its_own_gets_the_national_service_said_so(processor: MessageProcessor) -> None:
    turn = say(processor, "대전 사는데 " + QUESTION)
    assert first_cited(turn) == NATIONAL["doc_id"]
    assert turn.messages[0].text.startswith("제가 가진 자료에는 대전광역시에서 운영하는 '출산' 관련 서비스가 없어요.")
    assert GYEONGGI["doc_id"] not in [c["doc_id"] for c in turn.messages[0].custom["citations"]]


def test_a_question_of_its_own_after_the_list_is_answered_as_usual(processor: MessageProcessor) -> None:
    say(processor, QUESTION)
    turn = say(processor, "서울에 에너지바우처 있나요?")
    assert "에너지바우처" in turn.messages[0].text.split("\n", 1)[0]


def test_a_regional_programme_asked_by_its_own_words_still_answers(processor: MessageProcessor) -> None:
    """산후조리비 is held by 경기도's title alone: no national service is about it, so 경기도's answers as before."""
    assert first_cited(say(processor, "산후조리비 지원 받고 싶어요")) == GYEONGGI["doc_id"]


def test_the_region_s_own_service_is_found_below_the_first_hits(processor: MessageProcessor) -> None:
    """s34 fresh-user probe: "아기가 태어났어요 …" then "창원에 살아요" was told 창원시 runs no '출산' service; its
    출산축하금 ranks below the first ten for that wording and is found among 창원's and the national documents."""
    say(processor, "아기가 태어났어요. 받을 수 있는 지원이 뭐가 있나요?")
    turn = say(processor, "창원에 살아요")
    assert first_cited(turn) == CHANGWON["doc_id"]
    assert "관련 서비스가 없어요" not in turn.messages[0].text


@pytest.mark.parametrize(("statement", "expected"), [
    ("아기 낳았어요", NATIONAL["doc_id"]),  # a life event stated: the support for it
    ("월세", None),  # a topic alone: the youth-rent programmes, run by two regions, ask where the citizen lives
])
def test_a_need_stated_is_answered_as_the_question_it_implies(processor: MessageProcessor, statement: str,
                                                               expected: str | None) -> None:
    """s34 fresh-user probe: "아기 낳았어요" and "월세" (inform) got "알겠어요. 어떤 점을 도와드릴까요?"."""
    turn = say(processor, statement)
    said = [m.custom.get("response") for m in turn.messages]
    assert "utter_how_can_i_help" not in said, [m.text for m in turn.messages]
    if expected is None:
        assert said == ["utter_ask_programme_region"]
    else:
        assert first_cited(turn) == expected


@pytest.mark.parametrize(("statement", "said"), [
    # s44: a place said alone is kept and said back first (assistant.dialogue.regional.residence_statement)
    ("강남구에 살아요", ["utter_kept_region", "utter_how_can_i_help"]), ("34살이요", ["utter_how_can_i_help"])])
def test_a_fact_alone_keeps_the_offer_of_help(processor: MessageProcessor, statement: str, said: list[str]) -> None:
    turn = say(processor, statement)
    assert [m.custom.get("response") for m in turn.messages] == said


@pytest.mark.parametrize(("question", "follow_up"), [
    ("청년 월세 지원 신청 하고싶은데 저 옥천 살아요", "서류는요?"),
    ("이사왔는데 옥천으로요. 청년 월세 지원 있어요?", "그럼 서류는요?"),
])
def test_the_place_a_question_names_is_kept_for_the_follow_up(processor: MessageProcessor, question: str,
                                                               follow_up: str) -> None:
    """s34 fresh-user probe: the answer was 옥천군's, then "서류는요?" asked "어느 지역(시·군·구)에 사세요?"."""
    doc = first_cited(say(processor, question))
    assert doc == page("okcheon-youth-rent")["doc_id"]
    turn = say(processor, follow_up)
    assert [m.custom.get("response") for m in turn.messages] != ["utter_ask_programme_region"]
    assert first_cited(turn) == doc
    assert "구비" in turn.messages[0].text or "서류" in turn.messages[0].text


@pytest.mark.parametrize(("question", "reply", "lang"), [
    ("경남 사는데 아기 낳으면 받을 수 있는 지원 있어요?", "창원이요", "ko"),
    ("I live in Gyeongsangnam-do. Is there support when I have a baby?", "Changwon", "en"),
])
def test_a_province_whose_city_runs_one_is_not_told_it_has_none(processor: MessageProcessor, question: str, reply: str,
                                                                lang: str) -> None:
    """s45 probe on the catalogue: "부산 사는데 출산하면 뭐 받아요?" was told 부산광역시 runs no '출산' service, beside
    강서구's and 수영구's. A citizen who names only the 시·도 is told which 시·군·구 of it run one, asked which is theirs,
    and answered the national service; the 시·군·구 said next answers the question for it."""
    sender = f"province-{lang}"
    turn = say(processor, question, sender)
    text = turn.messages[0].text
    assert first_cited(turn).startswith(NATIONAL["doc_id"])  # the English page's id ends with -en
    assert "관련 서비스가 없어요" not in text and "I found no" not in text
    city = CHANGWON["agency"].split()[-1]  # 창원시
    if lang == "ko":
        assert text.startswith(f"경상남도에서는 {city}에서 그 지역 주민을 대상으로 '출산' 관련 서비스를 운영해요."), text
    else:
        assert text.startswith("In Gyeongsangnam-do, my documents have '출산' services run by Changwon-si"), text
    again = say(processor, reply, sender)
    assert first_cited(again).startswith(CHANGWON["doc_id"])
