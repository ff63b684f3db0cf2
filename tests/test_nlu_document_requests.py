"""A document asked for with a verb of issuing is a question about getting it, never a cancel (F10, s17).

"등본 떼고 싶어요" (떼다: to have a certificate issued) was read as ``cancel`` at 0.82, "초본 좀 떼 주세요" as ``cancel`` at
0.78, "가족관계 증명서 떼 주세요" as ``revoke_consent``, "소득금액증명 떼려고요" as ``use_mydata``, "초본 떼 줘요" as
``out_of_scope`` (rejected) and "강남구에서 등본 떼고 싶어요" as ``inform``: 16 of 32 such phrasings wrong on the bundled
model (bench/nlu_document_requests.py). The pipeline's document-request rule (assistant/nlu/pipeline.py ``_document_request_ranking``) reads a
``document`` entity with a word of issuing (떼다, its misspelling 때다, 발급, 뽑다, 출력; get/issue/print/copy) as
``ask_service_info`` unless the message also carries the words of another reading (신청 → apply_service, 마이데이터 →
use_mydata, 자격 or 받을 수 → check_eligibility). The expected intent of each phrasing below is its meaning, written by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.nlu.classifier import IntentPrediction
from assistant.nlu.entities.pipeline import EntityResult
from assistant.nlu.pipeline import DOCUMENT_REQUEST_INTENT, _document_request_ranking
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.nlu.types import EntitySpan

#: Getting a certificate issued, in the ways citizens write it (spacing, a typo, a place, polite and plain endings).
DOCUMENT_REQUESTS = [
    "등본 떼고 싶어요", "주민등록등본 떼려면 어떻게 해요", "가족관계증명서 떼는 법", "초본 좀 떼 주세요", "등본 떼러 왔어요",
    "주민등록초본 떼고싶은데요", "등본떼고싶어요", "등본 뗄려면 어디로 가요", "등본 떼야 되는데 어떻게 해요",
    "인감증명서 떼고 싶어요", "가족관계 증명서 떼 주세요", "기본증명서 떼는 방법 알려주세요",
    "건강보험 자격득실 확인서 떼고 싶어요", "소득금액증명 떼려고요", "등본 한 통 떼 주실 수 있나요",
    "주민등록 등본 떼고 싶습니다", "등본 좀 떼줘", "초본 떼 줘요", "혼인관계증명서 떼려면요", "등본 떼고 시퍼요",
    "등본 뗄 수 있어요?", "주민등록표 등본 떼고 싶어요", "등본 때고 싶어요", "주민등록초본 뽑고 싶어요", "등본 출력하고 싶어요",
    "강남구에서 주민등록등본 발급받고 싶어요", "강남구에서 등본 떼고 싶어요", "부산에서 가족관계증명서 떼려면 어떻게 해요",
    "서울 종로구에서 초본 발급 되나요?", "How do I get a copy of my resident registration?",
    "I need to print my family relation certificate",
]
#: Real cancel phrasings: still cancels (an application, or what is under way).
CANCELS = [
    ("신청 취소할래요", "cancel_application"), ("접수한 거 취소해 주세요", "cancel_application"),
    ("cancel my application", "cancel_application"), ("신청한 거 취소하고 싶어요", "cancel_application"),
    ("그만할래요", "cancel"), ("cancel", "cancel"), ("취소해 주세요", "cancel"),
]
#: A document with a verb of issuing AND the words of another reading: that reading stays.
OTHER_READINGS = [
    ("등본 마이데이터로 불러와 주세요", "use_mydata"),
    ("등본 떼서 기초연금 신청할래요", "apply_service"),
    ("등본 떼면 기초연금 받을 수 있나요", "check_eligibility"),
]


@pytest.fixture(scope="module")
def nlu(bundled_router: Any) -> Any:
    return bundled_router.nlu


@pytest.mark.parametrize("text", DOCUMENT_REQUESTS)
def test_a_document_request_is_a_question_about_getting_it(nlu: Any, text: str) -> None:
    parsed = nlu.parse(text)
    assert parsed.nlu.intent.name == "ask_service_info", [(p.name, round(p.confidence, 2)) for p in parsed.nlu.ranking[:3]]
    assert not parsed.nlu.is_out_of_scope
    assert any(e.entity == "document" for e in parsed.entities)


@pytest.mark.parametrize(("text", "intent"), CANCELS)
def test_real_cancels_stay_cancels(nlu: Any, text: str, intent: str) -> None:
    assert nlu.parse(text).nlu.intent.name == intent


@pytest.mark.parametrize(("text", "intent"), OTHER_READINGS)
def test_the_words_of_another_reading_keep_it(nlu: Any, text: str, intent: str) -> None:
    assert nlu.parse(text).nlu.intent.name == intent


# --- the rule on a given ranking (no model) ----------------------------------------------------------------------

TOK = KoreanTokenizer()


def _result(text: str, document: str | None) -> EntityResult:
    spans = ()
    if document is not None:
        start = text.index(document)
        spans = (EntitySpan("document", start, start + len(document), document, document, extractor="lookup"),)
    return EntityResult(spans, (), ())


RANKING = (IntentPrediction("cancel", 0.6), IntentPrediction("revoke_consent", 0.2),
           IntentPrediction(DOCUMENT_REQUEST_INTENT, 0.15), IntentPrediction("greet", 0.05))


def test_every_intent_above_the_request_gives_it_its_probability() -> None:
    text = "등본 떼고 싶어요"
    ranking, changed = _document_request_ranking(RANKING, _result(text, "등본"), text, TOK)
    assert changed
    probs = {p.name: p.confidence for p in ranking}
    assert ranking[0].name == DOCUMENT_REQUEST_INTENT
    assert probs[DOCUMENT_REQUEST_INTENT] == pytest.approx(0.6 + 0.2 + 0.15)
    assert probs["cancel"] == 0.0 and probs["revoke_consent"] == 0.0 and probs["greet"] == pytest.approx(0.05)
    assert sum(probs.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(("text", "document"), [
    ("이 스티커 떼 주세요", None),  # 떼다 without a document: detaching, not the rule's business
    ("이제 손 떼고 싶어요", None),
    ("등본 필요 없어요 취소해 주세요", "등본"),  # a document without a word of issuing
])
def test_no_document_or_no_issuing_word_leaves_the_ranking(text: str, document: str | None) -> None:
    assert _document_request_ranking(RANKING, _result(text, document), text, TOK) == (RANKING, False)


def test_a_project_without_the_request_intent_is_left_alone() -> None:
    text = "등본 떼고 싶어요"
    ranking = tuple(p for p in RANKING if p.name != DOCUMENT_REQUEST_INTENT)
    assert _document_request_ranking(ranking, _result(text, "등본"), text, TOK) == (ranking, False)
