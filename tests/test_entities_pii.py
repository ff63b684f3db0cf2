"""Phone numbers and resident registration numbers: found, normalised, never shown in reprs or logs."""

from __future__ import annotations

import logging

import pytest

from entity_examples import TOK

from assistant.nlu.entities import PHONE, RRN, EntityPipeline, PiiEntitySpan, PiiExtractor
from assistant.nlu.entities.pii import is_rrn
from assistant.nlu.pii import find_pii


@pytest.mark.parametrize(
    "text, surface, value",
    [
        ("제 번호는 010-1234-5678로 연락주세요", "010-1234-5678", "01012345678"),
        ("01012345678", "01012345678", "01012345678"),
        ("+82 10 1234 5678 입니다", "+82 10 1234 5678", "01012345678"),
        ("+82-10-1234-5678", "+82-10-1234-5678", "01012345678"),
        ("02-123-4567로 전화", "02-123-4567", "021234567"),
        ("０１０-１２３４-５６７８", "０１０-１２３４-５６７８", "01012345678"),
        ("call +1 415 555 0123", "+1 415 555 0123", "+14155550123"),
    ],
)
def test_phone_numbers(text: str, surface: str, value: str) -> None:
    spans = PiiExtractor().extract(text, [])
    assert [(s.entity, s.text, s.value) for s in spans] == [(PHONE, surface, value)]
    assert text[spans[0].start : spans[0].end] == surface


@pytest.mark.parametrize(
    "text, surface",
    [("주민번호 900101-1234567 입니다", "900101-1234567"), ("9001011234567", "9001011234567"), ("051231 - 3234567", "051231 - 3234567")],
)
def test_rrn(text: str, surface: str) -> None:
    spans = PiiExtractor().extract(text, [])
    assert [(s.entity, s.text) for s in spans] == [(RRN, surface)]
    assert spans[0].value == "".join(ch for ch in surface if ch.isdigit())


@pytest.mark.parametrize("digits, ok", [("9001011234567", True), ("9002311234567", False), ("9013011234567", False), ("0002293000000", True), ("123", False)])
def test_is_rrn_checks_the_birth_date(digits: str, ok: bool) -> None:
    assert is_rrn(digits) is ok  # 2000-02-29 exists (G=3: 2000s); 1990-02-31 and month 13 do not


def test_rrn_and_phone_never_in_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    text = "주민번호 900101-1234567, 전화 010-9876-5432"
    caplog.set_level(logging.DEBUG)
    result = EntityPipeline(tokenizer=TOK).parse(text)
    shown = repr(result) + str(result.entities) + " ".join(map(str, result.pii)) + caplog.text
    assert {s.entity for s in result.pii} == {RRN, PHONE}
    for secret in ("900101", "1234567", "9001011234567", "9876", "01098765432"):
        assert secret not in shown
    assert all(isinstance(s, PiiEntitySpan) for s in result.pii)
    # the API still gets the values
    assert {s.to_json()["value"] for s in result.pii} == {"9001011234567", "01098765432"}


def test_business_numbers_are_phone_entities_but_not_personal_data() -> None:
    text = "상담은 1588-1234, 제 번호는 010-9876-5432"
    result = EntityPipeline(tokenizer=TOK).parse(text)
    phones = [(s.text, s.value, isinstance(s, PiiEntitySpan)) for s in result.entities if s.entity == PHONE]
    assert phones == [("1588-1234", "15881234", False), ("010-9876-5432", "01098765432", True)]
    assert [s.text for s in result.pii] == ["010-9876-5432"]


@pytest.mark.parametrize(
    "text",
    [
        "전화 010-1234-5678 로 주세요",
        "사무실 (02) 219-9364 또는 031.987.6543",
        "call +82 10 1234 5678 or +1 415 555 0123",
        "tel010-1234-5678",
        "０１０-１２３４-５６７８, 900101-1234567",
        "외국인등록번호 850315 5123456",
        "보건복지상담센터 129 또는 1588-1234",
        "서비스ID 000000465790 수정일 2026-01-29",
    ],
)
def test_entities_and_log_masking_find_the_same_personal_numbers(text: str) -> None:
    """One detector: every personal phone or resident number the entity stage finds is masked in logs, and no more."""
    entity = sorted((s.start, s.end) for s in PiiExtractor().extract(text, []) if isinstance(s, PiiEntitySpan))
    masked = sorted((s.start, s.end) for s in find_pii(text) if s.kind in ("phone", "rrn"))
    assert entity == masked
