"""A small annotated Korean training set for the entity tests (cities, districts, documents).

Annotations are written inline as ``[text](entity)`` and converted to
:class:`~assistant.nlu.types.TrainingExample` here, so the tests do not depend
on the Rasa YAML reader.
"""

from __future__ import annotations

import re

from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.nlu.types import EntitySpan, TrainingExample

#: One tokenizer for all entity tests: loading Kiwi takes seconds, so it is loaded once per test session.
TOK = KoreanTokenizer()

_ANN = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")

ANNOTATED = [
    "[부산](city)으로 이사 가요",
    "[대구](city)로 이사했어요",
    "[인천](city)에서 이사 왔어요",
    "[광주](city)에 살아요",
    "[울산](city)으로 전입신고 하려고요",
    "다음 달에 [수원](city)으로 이사해요",
    "[청주](city)에서 [제주](city)로 이사 가요",
    "[전주](city)에 사는데 지원받을 수 있나요",
    "저는 [춘천](city)에 살고 있어요",
    "[포항](city)으로 이사 예정입니다",
    "[강남구](district)에서 신청할게요",
    "[서초구](district)에 살아요",
    "[마포구](district) 주민센터 어디예요",
    "[해운대구](district)로 전입했어요",
    "[노원구](district)에서 [주민등록등본](document) 떼고 싶어요",
    "[송파구](district) 구청에서 받았어요",
    "[주민등록등본](document) 발급받고 싶어요",
    "[가족관계증명서](document)가 필요해요",
    "[건강보험자격득실확인서](document) 어디서 떼요",
    "[주민등록초본](document)을 온라인으로 받을 수 있나요",
    "[소득금액증명원](document) 발급 방법 알려주세요",
    "[기본증명서](document)는 어떻게 받아요",
    "[부산](city) [해운대구](district)에서 [가족관계증명서](document) 발급돼요?",
    "[대구](city) [수성구](district)로 이사했는데 [주민등록초본](document) 필요해요",
    "[인천](city) [연수구](district)에 살아요",
    "[서울](city)에서 [주민등록등본](document)을 떼려고요",
    "안녕하세요",
    "신청 방법 알려주세요",
    "감사합니다",
    "지원금 받을 수 있나요",
]


def parse_annotated(line: str, intent: str = "inform") -> TrainingExample:
    """``"[부산](city)으로"`` → TrainingExample("부산으로", entities=(EntitySpan("city", 0, 2, "부산"),))."""
    text = ""
    spans = []
    pos = 0
    for m in _ANN.finditer(line):
        text += line[pos : m.start()]
        start = len(text)
        text += m.group(1)
        spans.append(EntitySpan(entity=m.group(2), start=start, end=len(text), text=m.group(1)))
        pos = m.end()
    text += line[pos:]
    return TrainingExample(text=text, intent=intent, entities=tuple(spans))


EXAMPLES = [parse_annotated(line) for line in ANNOTATED]
