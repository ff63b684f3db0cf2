"""A fact said inside a question or request, with no form active, is answered, not met with "how can I help?" (F10's
second part, s17; assistant/dialogue/fact_question.py).

"강남구에서 전입신고 하고 싶어요" was read as ``inform`` (0.55) and the rule for a fact outside a form replied
"알겠어요. 어떤 점을 도와드릴까요?", dropping the question. The expected form of each message (question/request or
statement) is written by hand; the engine runs on the bundled home.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.fact_question import asks_or_requests
from assistant.dialogue.messages import UserMessage

QUESTIONS = [
    "강남구에서 전입신고 하고 싶어요", "마포구에서 받고 싶어요", "부산에서 여권 발급 받을 수 있나요", "강남구 주민센터 어디예요",
    "서울에서 전입신고 어떻게 해요", "광주 북구에서 주거급여 신청 되나요?", "대구 사는데 에너지바우처 받을 수 있나요",
    "성남시에서 청년기본소득 신청하려면", "강남구에서 할 수 있는 거 알려주세요", "수원 사는데 뭐 받을 수 있어요",
    "I live in Busan, how do I apply for housing benefit?", "Can I get help in Gangnam-gu", "I want to apply in Seoul",
]
STATEMENTS = [
    "강남구", "강남구요", "강남구에 살아요", "서울 강남구에 살아요", "부산이에요", "저는 대전에 살아요", "부산 해운대구",
    "65세예요", "I live in Busan", "Seoul", "Gangnam-gu, Seoul",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_and_requests_are_told_apart(text: str) -> None:
    assert asks_or_requests(text)


@pytest.mark.parametrize("text", [*STATEMENTS, ""])
def test_statements_are_not_questions(text: str) -> None:
    assert not asks_or_requests(text)


def _actions(turn: Any) -> list[str]:
    return [e["name"] for e in turn.events if e.get("event") == "action"]


@pytest.mark.parametrize("text", QUESTIONS[:6])
def test_a_question_with_a_place_is_answered_outside_a_form(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage("fact-q", text, "rest", {}))
    responses = [m.custom.get("response") for m in turn.messages]
    assert "utter_how_can_i_help" not in responses, (turn.intent, responses)
    if turn.intent["name"] == "inform":  # the classifier's reading varies by retrain; when it is inform, the policy answers
        assert "action_answer_from_knowledge" in _actions(turn), _actions(turn)
        # answered from the documents, or told that they lack it: never "out of scope" (it asks about a service)
        assert "utter_out_of_scope" not in responses, responses


@pytest.mark.parametrize("text", ["강남구에 살아요", "부산이에요", "I live in Busan"])
def test_a_bare_fact_outside_a_form_still_gets_the_offer_of_help(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage(f"fact-s-{text}", text, "rest", {}))
    assert turn.intent["name"] == "inform"
    # s44: a place said alone is kept and said back before the offer (assistant.dialogue.regional.residence_statement)
    assert [m.custom.get("response") for m in turn.messages] == ["utter_kept_region", "utter_how_can_i_help"]


def test_the_router_answers_it_too(bundled_router: Any) -> None:
    turn = bundled_router.handle(UserMessage("fact-r", "강남구에서 전입신고 하고 싶어요", "rest", {}))
    assert turn.action not in ("utter_how_can_i_help", "utter_out_of_scope"), turn.action
    assert bundled_router.handle(UserMessage("fact-r", "강남구에 살아요", "rest", {})).action == "utter_how_can_i_help"


# --- the policy on a given tracker (no model) ----------------------------------------------------------------------

def _tracker(text: str, intent: str = "inform", loop: str | None = None) -> Any:
    from assistant.dialogue.events import ActionExecuted, SessionStarted, UserUttered
    from assistant.dialogue.tracker import DialogueStateTracker

    t = DialogueStateTracker("unit")
    t.update_with_events([ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.0),
                          ActionExecuted("action_listen", timestamp=1.0),
                          UserUttered(text, {"intent": {"name": intent, "confidence": 0.9}}, "rest", "m1", timestamp=2.0)])
    if loop is not None:
        t.active_loop = loop  # type: ignore[misc]
    return t


class _Rules:
    def __init__(self, action: str | None) -> None:
        self.action = action

    def predict(self, tracker: Any, context: Any) -> Any:
        from assistant.dialogue.policies import Prediction

        return Prediction(self.action, "RulePolicy") if self.action else None


@pytest.mark.parametrize(("text", "intent", "ruled", "expected"), [
    ("강남구에서 전입신고 하고 싶어요", "inform", "utter_how_can_i_help", "action_answer_from_knowledge"),
    ("강남구에서 전입신고 하고 싶어요", "inform", None, "action_answer_from_knowledge"),
    ("강남구에서 전입신고 하고 싶어요", "inform", "action_mydata_ask_again", None),  # a rule waiting for an answer keeps it
    ("강남구에 살아요", "inform", "utter_how_can_i_help", None),  # a statement: the offer of help stays
    ("강남구에서 전입신고 하고 싶어요", "ask_service_info", None, None),  # not inform: other policies' business
    ("/inform{\"region\": \"강남구\"}", "inform", "utter_how_can_i_help", None),  # a button's payload
])
def test_the_policy_replaces_only_the_offer_of_help(text: str, intent: str, ruled: str | None, expected: str | None) -> None:
    from assistant.dialogue.actions import TurnContext
    from assistant.dialogue.fact_question import FactQuestionPolicy
    from assistant.nlu.domain import Domain
    from assistant.settings import Settings

    context = TurnContext(Settings(), Domain())
    pred = FactQuestionPolicy(_Rules(ruled)).predict(_tracker(text, intent), context)
    assert (pred.action if pred else None) == expected


def test_a_need_stated_and_read_as_out_of_scope_is_answered(processor: Any) -> None:
    """s36 second probe: "겨울에 난방비가 너무 많이 나와요" (out_of_scope 0.83) got the out-of-scope reply; 연탄쿠폰's
    overview calls it a 난방비 지원사업 and 에너지바우처's a 냉난방비 지원사업."""
    from pathlib import Path

    import yaml

    ko = Path(__file__).resolve().parents[2] / "knowledge" / "ko"
    heating = {}
    for name in ("briquette-coupon", "energy-voucher"):
        _, front, body = (ko / f"{name}.md").read_text(encoding="utf-8").split("---", 2)
        assert "난방비" in body.split("## 개요", 1)[1].split("##", 1)[0]
        heating[str(yaml.safe_load(front)["doc_id"])] = name
    turn = processor.handle_message(UserMessage("need", "겨울에 난방비가 너무 많이 나와요", "rest"))
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited and cited[0] in heating and set(heating) <= set(cited), [m.text for m in turn.messages]


@pytest.mark.parametrize("text", ["날씨가 너무 더워요", "축구 좋아해요", "오늘 기분이 좋아요"])
def test_out_of_scope_talk_stays_out_of_scope(processor: Any, text: str) -> None:
    turn = processor.handle_message(UserMessage("talk", text, "rest"))
    assert not [c for m in turn.messages for c in m.custom.get("citations", [])], [m.text for m in turn.messages]


def test_a_need_for_someone_to_mind_the_child_is_no_request_for_an_agent(processor: Any) -> None:
    """s37 fresh-user probe: "맞벌이라 아이 봐줄 사람이 필요해요" (human_handoff) was handed to an agent and the next
    questions held for them; 아이돌봄 서비스 is for families whose child has no one to mind them (its overview)."""
    from pathlib import Path

    import yaml

    page = (Path(__file__).resolve().parents[2] / "knowledge" / "ko" / "childcare-idolbom.md").read_text(encoding="utf-8")
    _, front, body = page.split("---", 2)
    assert "맞벌이" in body.split("## 개요", 1)[1].split("##", 1)[0]
    turn = processor.handle_message(UserMessage("mind", "맞벌이라 아이 봐줄 사람이 필요해요", "rest"))
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited[:1] == [str(yaml.safe_load(front)["doc_id"])] and not processor.load("mind").paused


@pytest.mark.parametrize("text", ["상담할 사람이 필요해요", "상담원 연결해 주세요", "사람이랑 얘기하고 싶어요",
                                  "사람 바꿔줘", "진짜 사람이랑 하고 싶어"])  # s45 probe: "사람 바꿔줘" not handed off
def test_a_request_for_someone_to_talk_to_still_hands_off(processor: Any, text: str) -> None:
    processor.handle_message(UserMessage("talk-to", text, "rest"))
    assert processor.load("talk-to").paused
