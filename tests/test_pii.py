"""Personal data is found and masked: table-driven per kind, no false alarms on service facts, and in every log line."""

from __future__ import annotations

import io
import json
import logging

import pytest

from assistant.logging_config import configure_logging
from assistant.nlu.pii import find_pii, mask_pii

# (text, [(kind, personal-data substring)]) — the substrings are written out by hand, not derived from the patterns.
CASES = [
    ("제 주민번호는 900101-1234567 입니다", [("rrn", "900101-1234567")]),
    ("주민등록번호 9001012234567", [("rrn", "9001012234567")]),
    ("외국인등록번호 850315 5123456", [("rrn", "850315 5123456")]),
    ("전화 010-1234-5678 로 주세요", [("phone", "010-1234-5678")]),
    ("01012345678", [("phone", "01012345678")]),
    ("call +82 10 1234 5678 please", [("phone", "+82 10 1234 5678")]),
    ("사무실 02-123-4567", [("phone", "02-123-4567")]),
    ("031.987.6543 으로", [("phone", "031.987.6543")]),
    ("사무실 (02) 219-9364", [("phone", "(02) 219-9364")]),
    ("인터넷전화 070-1234-5678, 안심번호 0505-123-4567", [("phone", "070-1234-5678"), ("phone", "0505-123-4567")]),
    ("０１０-１２３４-５６７８", [("phone", "０１０-１２３４-５６７８")]),
    ("call +1 415 555 0123", [("phone", "+1 415 555 0123")]),
    # a letter touching the number (a label, or an escaped newline in a JSON log line) must not hide it
    ("tel010-1234-5678", [("phone", "010-1234-5678")]),
    ('{"text": "신청\\n010-1234-5678"}', [("phone", "010-1234-5678")]),
    ("９００１０１-１２３４５６７", [("rrn", "９００１０１-１２３４５６７")]),
    # s41 probe: the two parts said apart, each after a word for the number or the part
    ("주민번호 뒷자리 1234567 알려드릴게요 앞자리는 900101", [("rrn", "1234567"), ("rrn", "900101")]),
    ("주민등록번호 앞 6자리 900101 뒷 7자리 1234567", [("rrn", "900101"), ("rrn", "1234567")]),
    ("my RRN is 900101 then 1234567", [("rrn", "900101"), ("rrn", "1234567")]),
    ("카드 4111 1111 1111 1111 결제", [("card", "4111 1111 1111 1111")]),
    ("card 5500-0000-0000-0004", [("card", "5500-0000-0000-0004")]),
    ("계좌 110-123-456789 로 입금", [("account", "110-123-456789")]),
    ("통장 번호는 12345678901234", [("account", "12345678901234")]),
    ("my account is 1002345678901", [("account", "1002345678901")]),
    ("메일 hong.gildong@example.go.kr", [("email", "hong.gildong@example.go.kr")]),
    ("서울특별시 강남구 테헤란로 152 에 살아요", [("address", "서울특별시 강남구 테헤란로 152")]),
    ("부산광역시 해운대구 센텀중앙로 79, 101동 1203호", [("address", "부산광역시 해운대구 센텀중앙로 79, 101동 1203호")]),
    ("역삼동 123-4번지 거주", [("address", "역삼동 123-4번지")]),
    ("세종대로 110", [("address", "세종대로 110")]),
    ("I live at 10 Downing Street.", [("address", "10 Downing Street.")]),
    (
        "이름 홍길동, 900101-1234567, 010-9876-5432, 서울시 마포구 월드컵북로 400",
        [("rrn", "900101-1234567"), ("phone", "010-9876-5432"), ("address", "서울시 마포구 월드컵북로 400")],
    ),
]

# Text that must NOT be masked: catalogue facts, dates, amounts, public numbers, districts alone.
CLEAN = [
    "서비스ID 000000465790 수정일 2026-01-29",
    "온라인으로 1월 3일까지 신청하세요",
    "강남구에서 주민등록등본 발급",
    "월 최대 40만원, 중위소득 50% 이하, 만 65세 이상",
    "보건복지상담센터 129 또는 1588-1234",
    '{"time": "2026-11-29T18:41:27.225+00:00", "peer": "10.0.185.180:56769", "latency_ms": 134.559, "id": 156359046175}',
    # s42: "카드 4111 1111 1111 1112" (Luhn 불일치) left this table: a number written as a card, in four groups, is
    # the citizen's card mistyped and is masked (test_pii_birthdates_cards); ungrouped, a Luhn failure is no card
    "주문번호 4111111111111112 (Luhn 불일치)",
    "2025년 3월 2일부터 12월 31일까지",
    "👍🙏🇰🇷",
    "전화번호 뒷자리 5678 이에요",  # a phone number's last four digits identify no one
    "사업자등록번호 1234567890",  # ten digits: a business's, public
    "",
    # machine identifiers whose digits read as a number (a UUID, a catalogue service id, a hex token)
    "동의 6f21ea69-2729-4110-a1fb-b311c971aaa5 확인",
    "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/B01000300003",
    "consent 4f3a01012345678901234567890abcde",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_finds_each_kind_with_exact_span(text: str, expected: list[tuple[str, str]]) -> None:
    spans = find_pii(text)
    assert [(s.kind, text[s.start : s.end]) for s in spans] == expected


@pytest.mark.parametrize("text", CLEAN)
def test_no_false_alarms_on_service_facts(text: str) -> None:
    assert find_pii(text) == []
    assert mask_pii(text) == text


def test_mask_replaces_with_labels() -> None:
    assert mask_pii("전화 010-1234-5678, 주민번호 900101-1234567") == "전화 <phone>, 주민번호 <rrn>"


def test_invalid_dates_are_not_resident_numbers() -> None:
    # month 13 and day 32 cannot be the birth date part of a resident registration number
    assert find_pii("901301-1234567") == []
    assert find_pii("900132-1234567") == []


def test_long_input_is_linear_time() -> None:
    text = "1" * 20000 + " 010-1234-5678 " + "가" * 20000
    assert [s.kind for s in find_pii(text)] == ["phone"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_log_path_is_masked(fmt: str) -> None:
    buf = io.StringIO()
    handler = configure_logging(verbose=True, fmt=fmt, stream=buf)
    try:
        log = logging.getLogger("assistant.test")
        log.info("message with 010-1234-5678")
        log.info("args %s", "900101-1234567")
        log.warning("extra", extra={"conversation_id": "c1", "text": "메일 a.b@example.com"})
        try:
            raise ValueError("card 4111 1111 1111 1111")
        except ValueError:
            log.exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    out = buf.getvalue()
    for secret in ("010-1234-5678", "900101-1234567", "a.b@example.com", "4111 1111 1111 1111"):
        assert secret not in out
    for label in ("<phone>", "<rrn>", "<email>", "<card>"):
        assert label in out
    if fmt == "json":
        lines = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
        assert [ln["message"] for ln in lines][:2] == ["message with <phone>", "args <rrn>"]
        assert lines[2]["conversation_id"] == "c1"
        assert "<card>" in lines[3]["exc"]


def test_bad_log_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="log format"):
        configure_logging(fmt="xml")
