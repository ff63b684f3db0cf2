""""Are you a human?" is told the assistant is a program (s33 fresh-user probe: read as human_handoff and handed to
an agent; "너 사람이야?" refused as out of scope), and "What can you do?" what it can do (refused as out of scope;
"뭘 도와줄 수 있어?" started the eligibility check). See assistant/dialogue/bot_challenge.py."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.bot_challenge import asks_capabilities, asks_if_bot, expresses_frustration
from assistant.dialogue.messages import UserMessage


@pytest.mark.parametrize(("text", "expected"), [
    ("너 사람이야?", True), ("사람이에요?", True), ("혹시 챗봇인가요", True), ("진짜 사람 맞아요?", True),
    ("로봇이야?", True), ("너 누구야?", True), ("Are you a human?", True), ("are you a bot", True),
    ("Is this a bot?", True), ("am I talking to a real person?", True), ("Are you an AI?", True), ("who are you?", True),
    # asking for a person is the handoff, not this question
    ("사람이랑 얘기하고 싶어요", False), ("사람 불러주세요", False), ("상담원 연결해 주세요", False),
    ("Can I talk to a human?", False), ("I want to speak to a real person", False), ("human please", False),
    ("에너지바우처 대상이 누구예요?", False), ("Who is eligible for the energy voucher?", False),
    # s42 probe: the two asked together was read as out of scope
    ("너 사람이야 기계야", True), ("사람이에요 아니면 로봇이에요?", True), ("기계 고장났어요", False), ("사람이 필요해요", False),
    # s43 probe: who made it (out of scope); who made a service is no question about the assistant
    ("who made you?", True), ("Who built this bot?", True), ("너 누가 만들었어?", True), ("이 챗봇 누가 만들었어요?", True),
    ("누가 만든 제도예요?", False), ("에너지바우처 누가 만들었어요", False), ("Who made the energy voucher?", False),
])
def test_asks_if_bot(text: str, expected: bool) -> None:
    assert asks_if_bot(text) is expected


@pytest.mark.parametrize(("text", "language"), [("너 사람이야?", "ko"), ("Are you a human?", "en"), ("너 누구야?", "ko")])
def test_the_assistant_says_it_is_a_program_and_does_not_hand_off(make_processor: Any, text: str, language: str) -> None:
    p = make_processor()
    turn = p.handle_message(UserMessage("bot-q", text, "rest", {}))
    assert [m.custom.get("response") for m in turn.messages] == ["utter_iamabot"], [m.text for m in turn.messages]
    m = turn.messages[0]
    assert m.custom["language"] == language and "110" in m.text
    assert ("not a person" in m.text) if language == "en" else ("사람이 아니라" in m.text)
    assert not p.load("bot-q").paused and [b["payload"] for b in m.buttons] == ["/human_handoff"]
    # asking for a person still hands off
    asked = p.handle_message(UserMessage("bot-q2", "사람이랑 얘기하고 싶어요", "rest", {}))
    assert [x.custom.get("response") for x in asked.messages] == ["utter_handoff"]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_without_a_catalogue_the_benefits_question_gets_citizen_wording(make_processor: Any, language: str) -> None:
    """s33 probe: "…조건이 정리된 서비스 목록(정부24 카탈로그)이 아직 준비되지 않았어요" is set-up wording; the citizen is
    told what they can do instead (ask by name, 복지로's calculator, 110). (The bundled test home has the conditions,
    so the response is rendered from the domain as the eligibility action renders it.)"""
    from assistant.dialogue.responses import render_response

    p = make_processor()
    text = render_response(p.domain, "utter_eligibility_no_catalogue", language=language, channel="rest",
                           slots={"language": language}).text
    assert "bokjiro" in text and "110" in text
    assert ("카탈로그" not in text and "준비되지" not in text) if language == "ko" else ("catalogue" not in text)


@pytest.mark.parametrize(("text", "expected"), [
    ("뭘 도와줄 수 있어?", True), ("여기서 뭘 할 수 있어요?", True), ("무엇을 도와주실 수 있나요?", True),
    ("챗봇은 무슨 기능이 있나요?", True), ("뭐 물어봐도 돼?", True), ("What can you do?", True),
    ("what can you help me with", True), ("How can you help?", True), ("what can I ask you?", True),
    # what the citizen can receive or apply for is a question about benefits, not about the assistant
    ("어떤 도움을 받을 수 있나요?", False), ("뭘 신청할 수 있어?", False), ("What benefits can you help me with?", False),
    ("에너지바우처 뭐 할 수 있어?", False), ("What can I get?", False), ("너 사람이야?", False),
    # s45 probe: said after a reply ("ok then what do you do?" was a yes to the offered person)
    ("ok then what do you do?", True), ("so, what can you do?", True), ("그럼 뭐 할 수 있어요?", True),
    ("ok then what do I need?", False), ("그럼 뭐 받을 수 있어요?", False),
])
def test_asks_capabilities(text: str, expected: bool) -> None:
    assert asks_capabilities(text) is expected


@pytest.mark.parametrize(("text", "language"), [("what can you do?", "en"), ("뭘 도와줄 수 있어?", "ko")])
def test_what_the_assistant_can_do_is_told(make_processor: Any, text: str, language: str) -> None:
    p = make_processor()
    turn = p.handle_message(UserMessage("can", text, "rest", {}))
    assert [m.custom.get("response") for m in turn.messages] == ["utter_capabilities"], [m.text for m in turn.messages]
    m = turn.messages[0]
    assert m.custom["language"] == language
    # an example question of each kind of help it names, and that it says when it does not know
    assert ("energy voucher" in m.text and "don't know" in m.text) if language == "en" \
        else ("에너지바우처" in m.text and "모른다고" in m.text)
    assert p.load("can").active_loop is None  # no eligibility questionnaire started


@pytest.mark.parametrize(("text", "expected"), [
    ("쓸모없네 ㅅㅂ", True), ("너 진짜 멍청하다", True), ("아 짜증나", True), ("도움이 안 되네요", True), ("ㅅㅂ", True),
    ("말귀를 못 알아듣네", True), ("this is useless", True), ("You are so stupid", True), ("wtf", True),
    # annoyance beside a question is the question; other words that only look alike are not annoyance
    ("짜증나는데 에너지바우처 신청 어떻게 해요?", False), ("답답해서 그런데 상담원 연결해 주세요", False),
    ("쓰레기 분리수거 언제예요?", False), ("장애가 있어요", False), ("안 돼요", False), ("ㅋㅋㅋ", False),
    ("감사합니다", False), ("Is this useful for students?", False),
    # s42 probe: a swear first, "why so complicated"; a question about a complicated procedure is no annoyance
    ("ㅅㅂ 왜 이렇게 복잡해", True), ("왜 이렇게 복잡해요", True), ("신청 절차가 복잡한가요?", False),
    ("복잡한 서류 없이 신청할 수 있나요", False),
])
def test_expresses_frustration(text: str, expected: bool) -> None:
    assert expresses_frustration(text) is expected


@pytest.mark.parametrize(("text", "language"), [("쓸모없네 ㅅㅂ", "ko"), ("너 진짜 멍청하다", "ko"), ("this is useless", "en")])
def test_annoyance_gets_an_apology_and_the_offer_of_a_person(make_processor: Any, text: str, language: str) -> None:
    """s35 probe: "쓸모없네 ㅅㅂ" got "지금 확인을 기다리는 요청이 없어서 …", "너 진짜 멍청하다" the out-of-scope reply."""
    p = make_processor()
    turn = p.handle_message(UserMessage("annoyed", text, "rest", {}))
    assert [m.custom.get("response") for m in turn.messages] == ["utter_frustration"], [m.text for m in turn.messages]
    m = turn.messages[0]
    assert m.custom["language"] == language and "110" in m.text
    assert ("sorry" in m.text) if language == "en" else ("죄송해요" in m.text)
    assert [b["payload"] for b in m.buttons] == ["/human_handoff"] and not p.load("annoyed").paused


@pytest.mark.parametrize(("text", "expected"), [
    ("ㅠㅠㅠㅠ", True), ("ㅜㅜ", True), ("흑흑 ㅠㅠ", True), ("😭😭", True), ("T_T", True),
    ("신청이 안 돼요 ㅠㅠ", False), ("ㅋㅋㅋ", False), ("...", False), ("죽고 싶어요 ㅠㅠ", False),
    # s43 probe: feelings said with nothing asked (the out-of-scope reply, "Thanks. What would you like to know?")
    ("너무 힘들어서 눈물만 나요 ㅠㅠ", True), ("아무도 안 도와줘요", True), ("I feel hopeless", True),
    ("I'm so stressed I can't stop crying", True), ("너무 외로워요", True),
    # … and feelings with a question about help: the documents answer
    ("너무 외로운데 어르신 프로그램 있나요?", False), ("I feel lonely, is there a programme for seniors?", False),
    ("너무 힘들어서 지원 받고 싶어요", False),
])
def test_expresses_sadness(text: str, expected: bool) -> None:
    from assistant.dialogue.bot_challenge import expresses_sadness

    assert expresses_sadness(text) is expected


def test_crying_alone_gets_a_kind_word_and_the_offer_of_a_person(make_processor: Any) -> None:
    """s42 probe: "ㅠㅠㅠㅠ" got the out-of-scope reply ("그 질문은 여기서 답해 드리기 어려워요")."""
    p = make_processor()
    turn = p.handle_message(UserMessage("crying", "ㅠㅠㅠㅠ", "rest", {}))
    assert [m.custom.get("response") for m in turn.messages] == ["utter_sad"], [m.text for m in turn.messages]
    m = turn.messages[0]
    assert "1577-0199" in m.text and "어려워요" not in m.text and [b["payload"] for b in m.buttons] == ["/human_handoff"]


@pytest.mark.parametrize("text", ["너무 힘들어서 눈물만 나요 ㅠㅠ", "I feel hopeless", "I'm so stressed I can't stop crying"])
def test_feelings_get_a_kind_word_and_the_lines(make_processor: Any, text: str) -> None:
    """s43 probe: refused as out of scope, or thanked and moved past."""
    p = make_processor()
    turn = p.handle_message(UserMessage("feelings", text, "rest", {}))
    assert [m.custom.get("response") for m in turn.messages] == ["utter_sad"], [m.text for m in turn.messages]
    assert "1577-0199" in turn.messages[0].text and "109" in turn.messages[0].text
