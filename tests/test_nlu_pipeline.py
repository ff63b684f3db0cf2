"""The NLU pipeline end to end on the bundled assistant: cases C01, C02 and C04, /model/parse, and the lookup compound rule."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from assistant.nlu.entities import LookupEntityExtractor
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.server.app import create_app

TOK = KoreanTokenizer()


def ents(parsed) -> list[tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    for e in parsed.entities:
        assert parsed.text[e.start : e.end] == e.text
    return [(e.entity, e.text, e.value) for e in parsed.entities]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("주민센터에 가야 해요", []),  # 주민 heads the compound 주민센터
        ("주민등록등본 발급", []),
        ("이 지역 주민이에요", [("resident", "주민", "주민")]),
        ("부산시민이에요", [("city", "부산", "부산"), ("resident", "시민", "시민")]),  # the next noun is itself a match
    ],
)
def test_lookup_does_not_match_the_head_of_a_compound_noun(text: str, expected: list[tuple[str, str, str]]) -> None:
    ext = LookupEntityExtractor({"resident": ["주민", "시민"], "city": ["부산"]})
    assert [(s.entity, s.text, s.value) for s in ext.extract(text, TOK.tokenize(text))] == expected


def test_c01_entities_without_particles(bundled_router) -> None:  # type: ignore[no-untyped-def]
    nlu = bundled_router.nlu
    p = nlu.parse("서울시 강남구에서 주민등록등본 발급받고 싶어요")
    # no "resident" inside 주민등록등본; the document gets its official name (intents/nlu.yml synonyms); a 시·군·구 in one
    # 시·도 gets "<시·도> <시·군·구>", as the eligibility form's region reader gives it (intents/regions.yml)
    assert ents(p) == [("region", "서울시", "서울특별시"), ("region", "강남구", "서울특별시 강남구"),
                       ("document", "주민등록등본", "주민등록표 등본")]  # fmt: skip
    p = nlu.parse("다음주 금요일에 부산으로 이사 가요")
    today = dt.datetime.now(ZoneInfo("Asia/Seoul")).date()
    monday_next = today + dt.timedelta(days=7 - today.weekday())
    expected_friday = (monday_next + dt.timedelta(days=4)).isoformat()  # weeks run Monday..Sunday
    assert ents(p) == [("time", "다음주 금요일", expected_friday), ("region", "부산", "부산광역시")]


def test_c04_negation(bundled_router) -> None:  # type: ignore[no-untyped-def]
    nlu = bundled_router.nlu
    for text in ("아동수당 신청 안 할래요, 그냥 취소하고 싶어요", "I don't want to apply for the child allowance, I want to cancel it",
                 "신청 안 할래요", "기초연금 신청은 안 할게요"):
        p = nlu.parse(text)
        assert not (p.nlu.intent.name == "apply_service" and p.nlu.intent.confidence >= 0.5), (text, p.nlu.intent)
    p = nlu.parse("저는 이 지역 주민이 아니에요. 그래도 도서관 카드 만들 수 있나요?")
    assert ("resident", "주민", False) in ents(p)
    assert p.nlu.intent.name in ("check_eligibility", "ask_service_info")
    assert ("resident", "주민", True) in ents(nlu.parse("저는 이 지역 주민이에요"))
    # without negation the apply intent is kept
    assert nlu.parse("기초연금 신청할래요").nlu.intent.name == "apply_service"


@pytest.mark.parametrize(
    ("text", "negated"),
    [("기초연금 신청은 안 할게요", True), ("I don't want to apply", True), ("기초연금 신청할래요", False), ("안 되면 어떡하죠? 신청할래요", False)],
)
def test_negated_action_intent_gives_its_mass_to_deny(bundled_router, text: str, negated: bool) -> None:  # type: ignore[no-untyped-def]
    from assistant.nlu.classifier import IntentPrediction
    from assistant.nlu.pipeline import NEGATED_KEEP, _negate_ranking

    ranking = (IntentPrediction("apply_service", 0.8), IntentPrediction("deny", 0.1), IntentPrediction("greet", 0.1))
    out, which = _negate_ranking(ranking, bundled_router.nlu.entities.parse(text), text, TOK)
    if negated:
        assert which == "apply_service"
        assert dict((p.name, round(p.confidence, 6)) for p in out) == {
            "deny": round(0.1 + 0.8 * (1 - NEGATED_KEEP), 6), "apply_service": round(0.8 * NEGATED_KEEP, 6), "greet": 0.1,
        }
        assert out[0].name == "deny"
    else:
        assert which is None and out == ranking


@pytest.mark.parametrize("text", ["👍", "🙏🇰🇷", "👨‍👩‍👧", "감사합니다!! 🙏🙏🔥", "\u200b\u200b", "ａｂｃ　６５세", "가" * 20000])
def test_c02_odd_messages_parse(bundled_router, text: str) -> None:  # type: ignore[no-untyped-def]
    p = bundled_router.nlu.parse(text)
    ents(p)
    assert 0.0 <= p.nlu.intent.confidence <= 1.0
    if text.startswith("감사합니다"):
        assert p.nlu.intent.name == "thank"  # the words of a mixed message drive its intent


def test_model_parse_endpoint(bundled_router, bundled_settings) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(create_app(bundled_settings, bundled_router))
    text = "저는 67세이고 강남구에 살아요"
    r = client.post("/model/parse", json={"text": text})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"text", "intent", "intent_ranking", "entities", "language"}
    assert body["language"] == "ko" and body["text"] == text
    ranking = body["intent_ranking"]
    assert ranking[0] == body["intent"] and all(a["confidence"] >= b["confidence"] for a, b in zip(ranking, ranking[1:], strict=False))
    got = {(e["entity"], e["value"], text[e["start"] : e["end"]], e["extractor"] is not None) for e in body["entities"]}
    assert ("age", 67, "67세", True) in got and ("region", "서울특별시 강남구", "강남구", True) in got
    for bad, status in (({"text": ""}, 422), ({"txt": "x"}, 422), ({"text": "x" * 5000}, 413)):
        assert client.post("/model/parse", json=bad).status_code == status
    assert client.post("/model/parse", content=b"{", headers={"content-type": "application/json"}).status_code == 400


def test_model_parse_shape_in_english_and_its_out_of_scope_block(bundled_router, bundled_settings) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(create_app(bundled_settings, bundled_router))
    text = "I am 68 years old and live in Busan"
    body = client.post("/model/parse", json={"text": text}).json()
    assert body["language"] == "en" and body["text"] == text
    assert set(body["intent"]) == {"name", "confidence"} and all(set(r) == {"name", "confidence"} for r in body["intent_ranking"])
    assert abs(sum(r["confidence"] for r in body["intent_ranking"]) - 1.0) < 1e-3  # calibrated probabilities
    for e in body["entities"]:
        assert {"entity", "start", "end", "value", "extractor"} <= set(e) and text[e["start"] : e["end"]] == e["text"]
    assert ("age", 68, "68 years old") in {(e["entity"], e["value"], e["text"]) for e in body["entities"]}
    oos = body["out_of_scope"]
    threshold = bundled_router.nlu.classifier.oos_threshold
    assert set(oos) == {"rejected", "score", "threshold"} and oos["threshold"] == round(threshold, 6)
    assert oos["rejected"] == (oos["score"] >= oos["threshold"] or body["intent"]["name"] == "out_of_scope")


def test_the_out_of_scope_threshold_is_configuration(bundled_settings, embedder, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """ASSISTANT_NLU_OOS_THRESHOLD replaces the threshold chosen at training: 0 rejects every message, 1 none by score."""
    from assistant.app_state import load_router
    from assistant.settings import Settings

    text = "기초연금 받을 수 있나요?"
    seen = {}
    for value in ("0", "1"):
        monkeypatch.setenv("ASSISTANT_NLU_OOS_THRESHOLD", value)
        settings = Settings(home=bundled_settings.home, eligibility_url=bundled_settings.eligibility_url)
        assert settings.nlu_oos_threshold == float(value)
        body = TestClient(create_app(settings, load_router(settings, embedder))).post("/model/parse", json={"text": text}).json()
        assert body["out_of_scope"]["threshold"] == float(value)
        seen[value] = body["out_of_scope"]["rejected"]
    assert seen == {"0": True, "1": False}
