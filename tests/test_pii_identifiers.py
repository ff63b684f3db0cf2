"""Passport and driver's licence numbers, and e-mail addresses spelled out, are personal data (s42 closing note §3:
"passport/spelled e-mail unmasked"). Passport and licence numbers are 고유식별정보 with the resident registration number
(개인정보 보호법 시행령 제19조); their formats are the Korean passport's (a letter and eight digits until 2021, then
M123A4567: letter, three digits, letter, four digits) and the driver's licence's (region number or name, two-digit
year, six-digit serial, two check digits: 11-12-345678-90). The numbers below are made up in those formats by hand.
"""

from __future__ import annotations

import pytest
from test_pii import CLEAN  # type: ignore[import-not-found]

from assistant.nlu.pii import find_pii, mask_pii
from assistant.nlu.preprocess import sensitive_number_only
from assistant.stores.masking import mask_events

# (text, [(kind, substring written out by hand)])
CASES = [
    ("여권번호 M12345678 입니다", [("passport", "M12345678")]),
    ("passport number is M12345678", [("passport", "M12345678")]),
    ("My passport no. AB1234567, expires 2030", [("passport", "AB1234567")]),
    ("여권 M123A4567 로 신청했어요", [("passport", "M123A4567")]),
    ("M123A4567", [("passport", "M123A4567")]),  # the current format needs no cue
    ("운전면허 11-12-345678-90 이에요", [("license", "11-12-345678-90")]),
    ("면허번호 111234567890", [("license", "111234567890")]),
    ("서울 12-345678-90", [("license", "서울 12-345678-90")]),
    ("driver's license 11 12 345678 90", [("license", "11 12 345678 90")]),
    ("제 이메일은 hong123 골뱅이 naver 닷컴 이에요", [("email", "hong123 골뱅이 naver 닷컴")]),
    ("my email is hong.gd at gmail dot com", [("email", "hong.gd at gmail dot com")]),
    ("메일 hongildong 앳 네이버 닷컴 으로", [("email", "hongildong 앳 네이버 닷컴")]),
    ("kim99 골뱅이 daum 닷 net", [("email", "kim99 골뱅이 daum 닷 net")]),
    # s43 probe: the local part's dots said too ("hong" stayed raw in the tracker)
    ("My email is hong dot gildong at gmail dot com", [("email", "hong dot gildong at gmail dot com")]),
    ("제 메일은 kim 점 cs 골뱅이 naver 닷컴", [("email", "kim 점 cs 골뱅이 naver 닷컴")]),
    # a plain name before "at" is still an address; a sentence's word before it is not (below)
    ("hong at gmail dot com", [("email", "hong at gmail dot com")]),
    ("reach me at gildong at daum dot net", [("email", "gildong at daum dot net")]),
]

# words about passports, licences and mail that hold none
NOT_PERSONAL = [
    "여권 발급 비용 53000원", "여권 만료일 2027년 3월", "passport expires in 2027", "I live at home with my mom",
    "운전면허 취득 학원비 지원 50만원", "meet at 3 dot", "서비스 B27000100019", "D12345678",  # a bare old format
    "이메일 주소는 나중에 알려드릴게요", "면허 딴 지 12년 됐어요",
    # s43 probe: a place said in words after a verb is no spoken e-mail address
    "we met at naver dot com office", "I work at samsung dot com", "I applied at gov dot kr",
    "meet at kakao dot com headquarters",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_identifier_is_found_with_its_exact_span(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(s.kind, text[s.start:s.end]) for s in find_pii(text)] == expected


@pytest.mark.parametrize("text", NOT_PERSONAL + CLEAN)
def test_no_false_alarm(text: str) -> None:
    assert mask_pii(text) == text


def test_a_number_alone_is_a_sensitive_number() -> None:
    assert sensitive_number_only("M123A4567") == "passport"
    assert sensitive_number_only("11-12-345678-90") == "license"


def test_stored_events_hold_no_identifier() -> None:
    texts = [t for t, _ in CASES]
    events = [{"event": "user", "text": t, "parse_data": {"text": t}} for t in texts]
    stored = repr(mask_events(events))
    for _t, spans in CASES:
        for _kind, raw in spans:
            assert raw not in stored


def test_the_typed_number_warning_names_passport_and_licence() -> None:
    from assistant.dialogue.processor import _NUMBER_WARNING, _types_sensitive_number

    assert _types_sensitive_number("여권번호 M12345678 이에요") and _types_sensitive_number("운전면허 11-12-345678-90")
    assert "여권번호" in _NUMBER_WARNING["ko"] and "passport" in _NUMBER_WARNING["en"]
    assert not _types_sensitive_number("여권 발급 비용이 얼마예요?")
