"""The conversation's one out-of-scope rule (assistant/dialogue/oos.py, issue 3): the explicit out_of_scope intent at
``settings.oos_threshold``, or the classifier's score at the trained (or configured) threshold for a message whose top
intent is no knowledge question.

Before session 14 the trained threshold was read only by ``assistant test nlu``, the benches and ``/model/parse``: a
message the NLU itself rejected by score was still answered by its top intent. The expected values here are computed
from the intent ranking of each parse (``1 -`` the best in-scope probability), not read from the rule."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.oos import oos_reading, rejects
from assistant.settings import Settings

S = Settings()  # oos_threshold 0.5, nlu_oos_threshold None


@pytest.mark.parametrize(("top", "p_oos", "score", "threshold", "override", "expected"), [
    # the explicit class alone, whatever the score
    ("out_of_scope", 0.5, 0.1, 0.9, None, True),
    ("chitchat", 0.5, 0.0, None, None, True),
    ("ask_service_info", 0.62, 0.3, 0.9, None, True),
    ("out_of_scope", 0.49, 0.1, 0.9, None, False),
    # the score at the trained threshold (>=), not for knowledge questions
    ("chitchat", 0.2, 0.64, 0.64, None, True),
    ("chitchat", 0.2, 0.639999, 0.64, None, False),
    ("greet", 0.0, 0.7, 0.6, None, True),
    ("ask_service_info", 0.2, 0.95, 0.6, None, False),
    ("check_eligibility", 0.2, 0.95, 0.6, None, False),
    ("apply_service", 0.2, 0.95, 0.6, None, False),
    # a threshold above 1 (the shipped model's: the class alone met the recall target) rejects nothing by score
    ("chitchat", 0.2, 0.99, 1.0000001, None, False),
    # configuration wins over the trained threshold, both ways
    ("chitchat", 0.2, 0.5, 0.9, 0.5, True),
    ("chitchat", 0.2, 0.8, 0.6, 0.81, False),
    ("chitchat", 0.2, 0.8, None, 0.8, True),
    # no score (a button's payload, a parse from before session 14): the class alone
    ("chitchat", 0.2, None, 0.6, 0.0, False),
    (None, 0.0, None, None, None, False),
])
def test_the_rule_on_plain_values(top: str | None, p_oos: float, score: float | None, threshold: float | None,
                                  override: float | None, expected: bool) -> None:
    settings = S.model_copy(update={"nlu_oos_threshold": override})
    assert rejects(top, p_oos, score, threshold, settings) is expected


@pytest.mark.parametrize(("parse", "expected"), [
    ({}, (None, None)),
    ({"out_of_scope": None}, (None, None)),
    ({"out_of_scope": {"score": 0.4}}, (None, None)),
    ({"out_of_scope": {"score": "0.4", "threshold": 0.5}}, (None, None)),
    ({"out_of_scope": {"score": True, "threshold": 0.5}}, (None, None)),
    ({"out_of_scope": [0.4, 0.5]}, (None, None)),
    ({"out_of_scope": {"rejected": False, "score": 0.4, "threshold": 1}}, (0.4, 1.0)),
])
def test_a_parse_without_a_usable_block_has_no_score(parse: dict[str, Any], expected: tuple[float | None, float | None]) -> None:
    assert oos_reading(parse) == expected


def _reading(processor: Any, text: str) -> tuple[dict[str, Any], float, float]:
    """The parse, its out_of_scope probability and its score computed from the ranking."""
    parse = processor.nlu.parse(text).to_rasa()
    ranking = {r["name"]: r["confidence"] for r in parse["intent_ranking"]}
    score = 1.0 - max(c for n, c in ranking.items() if n != "out_of_scope")
    return parse, ranking.get("out_of_scope", 0.0), score


def _responses(turn: Any) -> list[Any]:
    return [m.custom.get("response") for m in turn.messages]


def test_the_parse_carries_the_score_and_the_trained_threshold(processor, bundled_settings) -> None:  # type: ignore[no-untyped-def]
    """Every parse (the tracker's parse_data, /model/parse) holds the classifier's score and the threshold it used:
    the one chosen at training and written to the model's meta.json."""
    import json

    meta = json.loads((bundled_settings.nlu_dir / "meta.json").read_text(encoding="utf-8"))
    for text in ("기초연금 받을 수 있나요?", "오늘 서울 날씨 어때요?", "hello"):
        parse, _p, score = _reading(processor, text)
        block = parse["out_of_scope"]
        assert block["threshold"] == round(meta["oos_threshold"], 6)
        assert block["score"] == pytest.approx(score, abs=2e-6)
        assert block["rejected"] == (block["score"] >= block["threshold"] or parse["intent"]["name"] == "out_of_scope")


#: a doubtful message whose top intent is no knowledge question, out_of_scope below 0.5 and a top intent below
#: intent_threshold (the bundled NLU: dont_know 0.26, out_of_scope 0.24; checked in each test): it went to the documents
DOUBTFUL = "그거 어떻게 되는 거예요"


def _actions(processor: Any, sender: str) -> list[str]:
    """The actions run after the conversation's last user message."""
    events = processor.tracker_state(sender)["events"]
    last = max(i for i, e in enumerate(events) if e["event"] == "user")
    return [e["name"] for e in events[last:] if e["event"] == "action" and e["name"] != "action_listen"]


def test_a_configured_threshold_turns_a_doubtful_non_knowledge_message_away(make_processor, bundled_settings) -> None:  # type: ignore[no-untyped-def]
    base = make_processor()
    parse, p_oos, score = _reading(base, DOUBTFUL)
    assert parse["intent"]["name"] not in {"ask_service_info", "check_eligibility", "apply_service"}
    assert p_oos < 0.5 and parse["intent"]["confidence"] < bundled_settings.intent_threshold, parse["intent_ranking"][:3]
    below = make_processor(nlu_oos_threshold=round(score - 0.01, 6))  # the score reaches it: turned away at once
    assert _responses(below.handle_message(UserMessage("below", DOUBTFUL, "rest", {}))) == ["utter_out_of_scope"]
    assert _actions(below, "below") == ["utter_out_of_scope"]
    above = make_processor(nlu_oos_threshold=min(1.0, round(score + 0.01, 6)))  # it does not: the documents are asked
    above.handle_message(UserMessage("above", DOUBTFUL, "rest", {}))
    assert _actions(above, "above")[:1] == ["action_answer_from_knowledge"]


@pytest.mark.parametrize(("text", "lang"), [("에너지바우처 신청하려면 어떻게 해요?", "ko"), ("How do I apply for the energy voucher?", "en")])
def test_a_knowledge_question_is_never_turned_away_by_the_score(make_processor, text: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Threshold 0 rejects every other message the policies do not place first by score; a question about a service
    the bundled documents hold still gets them, with citations."""
    p = make_processor(nlu_oos_threshold=0.0)
    parse, p_oos, score = _reading(p, text)
    assert parse["intent"]["name"] in {"ask_service_info", "check_eligibility"} and p_oos < 0.5 and score > 0.0
    turn = p.handle_message(UserMessage(f"k-{lang}", text, "rest", {"language": lang}))
    assert "utter_out_of_scope" not in _responses(turn)
    assert any(m.custom.get("citations") for m in turn.messages), [m.text for m in turn.messages]


def test_a_doubtful_knowledge_question_still_goes_to_the_documents(make_processor) -> None:  # type: ignore[no-untyped-def]
    """A message read as a knowledge question, however doubtful (the bundled NLU: check_eligibility 0.63 for a pet; s46:
    "고양이 키우고 싶어요", apply_service 0.46 before, is now out of scope), is searched for and abstains by the
    documents' gate, not by the score."""
    text = "강아지 키우는데 지원 있어요?"
    p = make_processor(nlu_oos_threshold=0.0)
    parse, p_oos, _score = _reading(p, text)
    assert parse["intent"]["name"] in {"ask_service_info", "check_eligibility", "apply_service"} and p_oos < 0.5
    p.handle_message(UserMessage("pet", text, "rest", {}))
    assert _actions(p, "pet")[:1] == ["action_answer_from_knowledge"]


def test_the_first_router_uses_the_same_rule(bundled_router, bundled_settings) -> None:  # type: ignore[no-untyped-def]
    """assistant/dialogue/router.py (the knowledge-only router) turns away by the same rule: before the documents are
    searched (no answer in the turn) when the score reaches the configured threshold, not when it stays below."""
    nlu = bundled_router.nlu.parse(DOUBTFUL).nlu
    assert nlu.intent.name not in {"ask_service_info", "check_eligibility", "apply_service"}
    assert nlu.probability("out_of_scope") < 0.5 and nlu.intent.confidence < bundled_settings.intent_threshold
    score = 1.0 - max(p.confidence for p in nlu.ranking if p.name != "out_of_scope")
    try:
        bundled_router.settings = bundled_settings.model_copy(update={"nlu_oos_threshold": round(score - 0.01, 6)})
        turn = bundled_router.handle(UserMessage("r", DOUBTFUL, "rest", {}))
        assert turn.action == "utter_out_of_scope" and turn.answer is None
        bundled_router.settings = bundled_settings.model_copy(update={"nlu_oos_threshold": min(1.0, round(score + 0.01, 6))})
        turn = bundled_router.handle(UserMessage("r", DOUBTFUL, "rest", {}))
        assert turn.answer is not None  # the documents were asked
    finally:
        bundled_router.settings = bundled_settings


#: Real service questions (bench/citizen_questions.yaml and its English twins; never training data) the explicit
#: out_of_scope class took (p >= 0.5) before session 15: the bundled ask_service_info examples all named a programme,
#: and none told a situation and asked whether any help exists.
ONCE_TURNED_AWAY = [
    ("헤어진 남친이 제 사진이랑 영상을 인터넷에 퍼뜨렸어요. 지우는 거 도와주는 곳 있나요?", "ko"),
    ("화물차 운전하는데 밤에 고속도로 타면 통행료 깎아준다던데 어떻게 받아요?", "ko"),
    ("중1딸래미 자궁경부암주사 무료로맞을수잇나요", "ko"),
    ("성동구 사는데 집 안 미세먼지가 걱정돼요. 공기 상태 재보는 기계 빌려주나요?", "ko"),
    ("대전 사는 66살인데 지하철 공짜로 타려면 카드 어디서 만들어요?", "ko"),
    ("My ex-boyfriend spread my photos and videos on the internet. Is there anywhere that can help me get them deleted?", "en"),
    ("My company hasn't paid my wages for three months and I've run out of money to live on. Is there anywhere I can "
     "borrow money at a low rate?", "en"),
    ("I drive a truck, and I heard expressway tolls are discounted if you drive at night. How do I get that?", "en"),
    ("i use a coal briquete boiler is there help with briquette costs", "en"),
]


@pytest.mark.parametrize(("text", "lang"), ONCE_TURNED_AWAY)
def test_a_service_question_told_as_a_situation_goes_to_the_documents(make_processor, text: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    p = make_processor()
    parse, p_oos, _score = _reading(p, text)
    assert p_oos < 0.5 and parse["intent"]["name"] in {"ask_service_info", "check_eligibility", "apply_service"}, \
        parse["intent_ranking"][:3]
    p.handle_message(UserMessage(f"svc-{lang}", text, "rest", {"language": lang}))
    assert _actions(p, f"svc-{lang}")[:1] == ["action_answer_from_knowledge"]


@pytest.mark.parametrize(("text", "lang", "region"), [
    ("다음주 금요일에 부산으로 이사 가요", "ko", "부산광역시"),  # case C01's second message
    ("I'm moving to Busan next Friday", "en", "부산광역시"),
])
def test_a_move_told_outside_a_form_is_a_fact_not_out_of_scope(make_processor, text: str, lang: str, region: str) -> None:  # type: ignore[no-untyped-def]
    """Before session 15 the out_of_scope class read C01's "다음주 금요일에 부산으로 이사 가요" and the reply was
    utter_out_of_scope; a fact told outside a form is offered help (intents/rules.yml), with its place and date read."""
    p = make_processor()
    parse, p_oos, _score = _reading(p, text)
    assert parse["intent"]["name"] == "inform" and p_oos < 0.5, parse["intent_ranking"][:3]
    assert {(e["entity"], e["value"]) for e in parse["entities"] if e["entity"] == "region"} == {("region", region)}
    assert any(e["entity"] == "time" for e in parse["entities"]), parse["entities"]
    turn = p.handle_message(UserMessage(f"move-{lang}", text, "rest", {"language": lang}))
    assert _responses(turn) == ["utter_how_can_i_help"]
