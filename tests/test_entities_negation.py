"""Negation cues and scopes (case C04)."""

from __future__ import annotations

import pytest

from entity_examples import TOK

from assistant.nlu.entities import EntityPipeline, negated_spans, negations
from assistant.nlu.types import EntitySpan, NluTrainingData



@pytest.mark.parametrize(
    "text, cue, kind, scope",
    [
        ("아동수당 신청 안 할래요, 그냥 취소하고 싶어요", "안", "not", "아동수당 신청 안 할래요"),
        ("신청하지 않을래요", "않", "not", "신청하지 않"),
        ("못 가요", "못", "cannot", "못 가요"),
        ("하지 마세요", "마", "prohibit", "하지 마"),
        ("저는 이 지역 주민이 아니에요. 그래도 도서관 카드 만들 수 있나요?", "아니", "is-not", "저는 이 지역 주민이 아니"),
        ("그래요. 소득이 없어요", "없", "absence", "소득이 없"),
        ("I don't want to apply for the child allowance, I want to cancel it", "don't", "not", "don't want to apply for the child allowance"),
        ("I am not a resident.", "not", "not", "not a resident"),
    ],
)
def test_cue_and_scope(text: str, cue: str, kind: str, scope: str) -> None:
    found = negations(text, TOK.tokenize(text))
    assert [(n.cue, n.kind, text[n.scope_start : n.scope_end]) for n in found] == [(cue, kind, scope)]
    assert text[found[0].start : found[0].end] == cue


@pytest.mark.parametrize("text", ["안녕하세요", "신청할래요", "저는 주민이에요", "I want to apply", "안내 부탁해요", ""])
def test_no_negation(text: str) -> None:
    assert negations(text, TOK.tokenize(text)) == []


def test_resident_is_negated_but_the_next_sentence_is_not() -> None:
    text = "저는 이 지역 주민이 아니에요. 그래도 도서관 카드 만들 수 있나요?"
    pipe = EntityPipeline(tokenizer=TOK)
    pipe.train(NluTrainingData(lookups={"resident": ["주민"], "service": ["도서관 카드"]}))
    result = pipe.parse(text)
    by_entity = {e.entity: e for e in result.entities}
    assert result.is_negated(by_entity["resident"]) is True
    assert result.is_negated(by_entity["service"]) is False


def test_negated_spans_helper() -> None:
    text = "아동수당 신청 안 할래요, 그냥 취소하고 싶어요"
    benefit = EntitySpan("benefit", 0, 4, "아동수당")
    cancel = EntitySpan("action", text.index("취소"), text.index("취소") + 2, "취소")
    assert negated_spans(text, TOK.tokenize(text), [benefit, cancel]) == [benefit]
