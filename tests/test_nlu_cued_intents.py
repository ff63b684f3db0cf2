"""A request for alerts or for a person says so (assistant/nlu/pipeline.py ``CUED_INTENTS``, ``_uncued_ranking``):
"받을 수 있는 혜택 알려줘요" (tell me the benefits I can get) was read as subscribe_alerts 0.73 and got the alerts offer,
the answers after it lost; "언어치료도 돼요?" after an answer was human_handoff 0.49 and waited for an agent (s44
probe). A request to apply says so too: "노인 일자리 구하고 싶어요" (I want to find a job for the elderly) was
apply_service 0.97 and was asked which service to apply for (s53 probe). A request to skip a question says so:
"자활근로 하고 싶어요" (I want to do 자활근로) was skip 0.44 and got "어떤 점을 도와드릴까요?" (s54 probe). A goodbye and a
cancel say so: "부모님 돌아가시면 뭐 받아요" was goodbye 0.36 and was bid farewell, "끝까지 못 받으면 어떡해요" cancel 0.45 and
was told nothing was under way (s57 probe). Read through the bundled NLU; the examples are intents/nlu.yml's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.messages import UserMessage
from assistant.nlu.pipeline import ALERT_CUE, APPLY_CUE, CANCEL_CUE, GOODBYE_CUE, HANDOFF_CUE, REPEAT_CUE, SKIP_CUE

NLU = Path(__file__).resolve().parents[1] / "intents" / "nlu.yml"


def examples(intent: str) -> list[str]:
    data = yaml.safe_load(NLU.read_text(encoding="utf-8"))
    block = next(b for b in data["nlu"] if b.get("intent") == intent)
    return [line[2:].strip() for line in block["examples"].splitlines() if line.strip().startswith("- ")]


@pytest.mark.parametrize(("intent", "cue"), [("subscribe_alerts", ALERT_CUE), ("human_handoff", HANDOFF_CUE),
                                             ("repeat", REPEAT_CUE), ("apply_service", APPLY_CUE),
                                             ("skip", SKIP_CUE), ("goodbye", GOODBYE_CUE),
                                             ("cancel", CANCEL_CUE)])
def test_every_example_says_what_its_request_says(intent: str, cue: Any) -> None:
    said = examples(intent)
    assert len(said) >= 25
    assert [e for e in said if not cue.search(e)] == []


@pytest.mark.parametrize("text", ["받을 수 있는 혜택 알려줘요", "받을수있는지원금알려줘"])
def test_tell_me_what_i_can_get_is_no_request_for_alerts(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] not in ("subscribe_alerts", "thank"), turn.intent
    assert turn.intent["name"] == "check_eligibility", turn.intent


@pytest.mark.parametrize("text", ["새로운 혜택 생기면 알려주세요", "정책 바뀌어서 대상이 되면 알려 주세요",
                                  "notify me about new benefits"])
def test_a_request_for_alerts_is_still_one(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] == "subscribe_alerts", turn.intent


def test_a_follow_up_question_is_no_request_for_a_person(processor: Any) -> None:
    processor.handle_message(UserMessage("cue-therapy", "우리애가 발달장애인데 돌봄 지원 있나요", "rest", {}))
    turn = processor.handle_message(UserMessage("cue-therapy", "언어치료도 돼요?", "rest", {}))
    assert turn.intent["name"] != "human_handoff", turn.intent
    assert all(m.custom.get("response") != "utter_handoff" for m in turn.messages), [m.text for m in turn.messages]


@pytest.mark.parametrize("text", ["상담원 연결해 주세요", "사람이랑 얘기하고 싶어요", "Can I talk to a real person?"])
def test_a_request_for_a_person_is_still_one(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] == "human_handoff", turn.intent


@pytest.mark.parametrize("text", ["노인 일자리 구하고 싶어요", "일자리 구하고 싶어요"])
def test_a_wish_to_find_something_is_no_application(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] != "apply_service", turn.intent
    assert all(m.custom.get("response") not in ("utter_task_ask_service_name", "utter_task_ask_service")
               for m in turn.messages), [m.text for m in turn.messages]


@pytest.mark.parametrize("text", ["기초연금 신청할래요", "에너지바우처 접수해 주세요", "sign me up for the energy voucher",
                                  "청년 월세 지원 받고 싶어요"])
def test_a_request_to_apply_is_still_one(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] == "apply_service", turn.intent


@pytest.mark.parametrize("text", ["자활근로 하고 싶어요", "평생교육바우처 하고 싶어요"])
def test_a_wish_to_do_a_service_is_no_skip(processor: Any, text: str) -> None:
    title = {"자활근로": "자활근로(기초, 차상위)", "평생교육바우처": "평생교육바우처 지원"}[text.split()[0]]
    pages = Path(__file__).resolve().parents[1] / "knowledge" / "ko"
    assert any(f"title: {title}\n" in p.read_text(encoding="utf-8") for p in pages.glob("*.md"))
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] != "skip", turn.intent
    cited = [c["title"] for m in turn.messages for c in m.custom.get("citations") or []]
    assert cited[:1] == [title], [m.text for m in turn.messages]


@pytest.mark.parametrize("text", ["건너뛸래요", "이 질문은 스킵할게요", "skip this question", "I'll pass on that"])
def test_a_request_to_skip_is_still_one(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] == "skip", turn.intent


def responses(turn: Any) -> list[str]:
    return [str(m.custom.get("response")) for m in turn.messages]


@pytest.mark.parametrize("text", ["부모님 돌아가시면 뭐 받아요", "퇴사하면 뭐 받아요", "종료된 사업인가요"])
def test_a_question_is_no_goodbye(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] != "goodbye", turn.intent
    assert "utter_goodbye" not in responses(turn), [m.text for m in turn.messages]


@pytest.mark.parametrize("text", ["안녕히 계세요", "이만 가볼게요", "오늘은 여기까지 할게요", "bye", "see you later"])
def test_a_goodbye_is_still_one(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] == "goodbye", turn.intent
    assert "utter_goodbye" in responses(turn), [m.text for m in turn.messages]


def test_a_question_is_no_cancel(processor: Any) -> None:
    turn = processor.handle_message(UserMessage("cue-never", "끝까지 못 받으면 어떡해요", "rest", {}))
    assert turn.intent["name"] != "cancel", turn.intent
    assert "utter_nothing_in_progress" not in responses(turn), [m.text for m in turn.messages]


@pytest.mark.parametrize("text", ["그만할래요", "취소해 주세요", "cancel", "never mind, cancel"])
def test_a_cancel_is_still_one(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"cue-{text}", text, "rest", {}))
    assert turn.intent["name"] == "cancel", turn.intent
