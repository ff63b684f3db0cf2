"""A request to be phoned back is told that nobody will call (s32 fresh-user probe: "연락처는 010-1234-5678
연락주세요" got "알겠어요. 어떤 점을 도와드릴까요?", as if the number had been taken down; "전화 주세요" got "상담원에게
연결해 드릴게요", read as a promised call). See assistant/dialogue/callback.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.callback import asks_for_callback, gives_own_number
from assistant.dialogue.messages import UserMessage


@pytest.mark.parametrize(("text", "expected"), [
    ("연락처는 010-1234-5678 연락주세요", True),
    ("전화 주세요", True),
    ("전화해 주실 수 있나요?", True),
    ("문자 좀 보내 주세요", False),  # 보내: a different verb; the pattern reads 문자 + a request to the listener only
    ("문자 부탁드려요", True),
    ("콜백 바랍니다", True),
    ("Please call me back", True),
    ("can someone call me?", True),
    ("Could you give me a call?", True),
    ("text me the details", True),
    ("110으로 전화하면 되나요?", False),  # asks how to call an agency
    ("상담 전화번호 알려주세요", False),
    ("전화로 물어보고 싶은데요", False),
    ("What number do I call?", False),
    ("에너지바우처 신청 방법", False),
])
def test_asks_for_callback(text: str, expected: bool) -> None:
    assert asks_for_callback(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("제 번호는 010-1234-5678이에요", True),
    ("010-1234-5678", True),
    ("my number is 010 1234 5678", True),
    ("전화는 010-1234-5678이에요. 주거급여 받을 수 있나요?", False),  # a question beside the number
    ("1588-1234", False),  # a business number identifies nobody
    ("제 번호는 없어요", False),
])
def test_gives_own_number(text: str, expected: bool) -> None:
    assert gives_own_number(text) is expected


def _say(p: Any, sender: str, text: str) -> Any:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


@pytest.mark.parametrize(("text", "language"), [
    ("연락처는 010-1234-5678 연락주세요", "ko"),  # inform 0.98
    ("제 번호는 010-1234-5678이에요", "ko"),  # inform
    ("전화 주세요", "ko"),  # human_handoff
    ("Please call me back at 010-1234-5678", "en"),  # human_handoff
    ("can someone call me?", "en"),  # a human_handoff training example
])
def test_a_callback_request_is_told_nobody_calls(make_processor: Any, text: str, language: str) -> None:
    p = make_processor()
    turn = _say(p, "cb", text)
    assert [m.custom.get("response") for m in turn.messages] == ["utter_no_callback"], [m.text for m in turn.messages]
    m = turn.messages[0]
    assert m.custom["language"] == language and "110" in m.text
    assert ("can't phone or text you" in m.text) if language == "en" else ("전화나 문자를 드릴 수 없" in m.text)
    # not handed off: the conversation is not paused, and the button starts the chat handoff when the citizen wants it
    assert not p.load("cb").paused
    assert [b["payload"] for b in m.buttons] == ["/human_handoff"]
    handed = _say(p, "cb", "/human_handoff")
    assert [x.custom.get("response") for x in handed.messages] == ["utter_handoff"] and p.load("cb").paused
    # the number never reaches the store: every event as stored holds the mask, not the digits
    stored = json.dumps(p.tracker_state("cb")["events"], ensure_ascii=False)
    assert "1234-5678" not in stored and "12345678" not in stored and "1234 5678" not in stored


def test_other_requests_keep_their_route(make_processor: Any) -> None:
    """An alerts subscription's "연락 주세요" is no callback request, a question beside a number is answered as asked,
    and a plain handoff request still hands off."""
    p = make_processor()
    alerts = _say(p, "a", "받을 수 있는 혜택이 새로 생기면 연락 주세요")
    assert alerts.intent["name"] == "subscribe_alerts"
    assert "utter_no_callback" not in [m.custom.get("response") for m in alerts.messages]
    asked = _say(p, "b", "전화는 010-1234-5678이에요. 에너지바우처 신청 방법 알려주세요")
    assert "utter_no_callback" not in [m.custom.get("response") for m in asked.messages]
    assert asked.messages[0].custom["citations"][0]["title"].replace(" ", "").startswith("에너지바우처")
    # s45 probe: a number and a name beside the service wanted got only the no-callback reply (s47): answered as asked
    named = _say(p, "d", "010-2345-6789 홍길동인데 에너지바우처 문의하고 싶어요")
    assert "utter_no_callback" not in [m.custom.get("response") for m in named.messages], [m.text for m in named.messages]
    assert named.messages[0].custom["citations"][0]["title"].replace(" ", "").startswith("에너지바우처")
    handoff = _say(p, "c", "상담원 연결해 주세요")
    assert [m.custom.get("response") for m in handoff.messages] == ["utter_handoff"]


@pytest.mark.parametrize(("ask", "callback", "words"), [
    ("상담원 연결해 주세요", "전화 주세요", "전화가 아니라 이 대화창에서"),
    ("I want to talk to a person", "Please call me back", "not by phone"),
])
def test_a_callback_request_while_waiting_for_an_agent_is_told_nobody_calls(make_processor: Any, ask: str,
                                                                             callback: str, words: str) -> None:
    """s33 probe: "전화 주세요" during a handoff got only "상담원 연결을 기다리고 있어요"."""
    p = make_processor()
    assert [m.custom.get("response") for m in _say(p, "w", ask).messages] == ["utter_handoff"] and p.load("w").paused
    waiting = _say(p, "w", callback)
    assert [m.custom.get("response") for m in waiting.messages] == ["utter_handoff_waiting"]
    assert words in waiting.messages[0].text and "110" in waiting.messages[0].text
    still = _say(p, "w", "아직이에요?")  # no callback asked: the waiting message alone
    assert words not in still.messages[0].text


@pytest.mark.parametrize(("text", "language", "service"), [
    ("에너지바우처 문의하려고요. 전화로 연락주세요 010-2345-6789", "ko", "에너지바우처"),  # s33 probe
    ("Can you call me back about the energy voucher?", "en", "에너지바우처"),
])
def test_a_question_beside_a_callback_request_is_answered_then_told_nobody_calls(make_processor: Any, text: str,
                                                                                 language: str, service: str) -> None:
    p = make_processor()
    turn = _say(p, "q", text)
    said = [m.custom.get("response") for m in turn.messages]
    assert said == ["action_answer_from_knowledge", "utter_no_callback"], [m.text for m in turn.messages]
    cited = turn.messages[0].custom["citations"][0]
    assert service in cited["title"].replace(" ", "")  # the English page is titled "Energy voucher (에너지바우처)"
    assert "110" in turn.messages[1].text
    stored = json.dumps(p.tracker_state("q")["events"], ensure_ascii=False)
    assert "2345-6789" not in stored and "23456789" not in stored
