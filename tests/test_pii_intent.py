"""Personal data in a message must not change its intent, and a typed registration/card/account number is warned about.

Fresh-user report item 4: "전화는 010-1234-5678이에요. 주거급여 받을 수 있나요?" was read as ``inform`` 0.49
(``check_eligibility`` 0.998 without the number).
"""

from __future__ import annotations

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.nlu.pii import find_pii
from assistant.nlu.preprocess import without_personal_data

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 185 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("text", "expected"), [
    ("주거급여 받을 수 있나요?", "주거급여 받을 수 있나요?"),  # nothing personal: unchanged
    ("전화는 010-1234-5678이에요. 주거급여 받을 수 있나요?", "주거급여 받을 수 있나요?"),
    ("주거급여 받을 수 있나요? 이메일은 hong@example.com 이에요.", "주거급여 받을 수 있나요?"),
    ("제 전화번호는 010-1234-5678이에요", "제 전화번호는 이에요"),  # one sentence: the span goes, the words stay
    ("my phone number is 010-1234-5678", "my phone number is"),
    ("010-1234-5678", "010-1234-5678"),  # nothing but the number: nothing else to read
    ("900101-1234567. 010-1234-5678", "900101-1234567. 010-1234-5678"),
    ("주민번호 900101-1234567 카드 4111-1111-1111-1111 있어요", "주민번호 카드 있어요"),
    ("1588-1234로 전화하면 되나요?", "1588-1234로 전화하면 되나요?"),  # a business number is nobody's personal data
])
def test_without_personal_data(text: str, expected: str) -> None:
    assert without_personal_data(text) == expected
    assert not find_pii(expected) or expected == text


QUESTIONS = {
    "ko": ["주거급여 받을 수 있나요?", "에너지바우처 신청 방법이 뭐예요?", "기초연금 신청할래요", "상담원 연결해 주세요"],
    "en": ["Can I get housing benefit?", "How do I apply for the energy voucher?", "I want to talk to a person"],
}
PERSONAL = {
    "ko": ["전화는 010-1234-5678이에요.", "제 주민번호는 900101-1234567입니다.", "이메일은 hong@example.com 이에요.",
           "계좌는 110-123-456789예요.", "카드번호 4111-1111-1111-1111 입니다.", "주소는 서울특별시 마포구 월드컵북로 396이에요."],
    "en": ["My phone is 010-1234-5678.", "My resident number is 900101-1234567.", "My email is hong@example.com.",
           "My account is 110-123-456789.", "My card is 4111 1111 1111 1111.", "I live at 12 High Street."],
}
CASES = [(q, p, first) for lang, qs in QUESTIONS.items() for q in qs for p in PERSONAL[lang] for first in (True, False)]


@pytest.mark.parametrize(("question", "personal", "first"), CASES)
def test_personal_data_does_not_change_the_intent(bundled_router, question: str, personal: str, first: bool) -> None:  # type: ignore[no-untyped-def]
    assert find_pii(personal), personal  # the table holds personal data the detector finds
    nlu = bundled_router.nlu
    clean = nlu.parse(question).nlu.intent
    text = f"{personal} {question}" if first else f"{question} {personal}"
    parsed = nlu.parse(text)
    assert parsed.nlu.intent.name == clean.name, (text, parsed.nlu.intent, clean)
    assert parsed.nlu.intent.confidence >= 0.5
    assert parsed.text == text  # the message itself is kept as written (entities' offsets refer to it)


def test_reported_case_and_phone_entity_kept(bundled_router) -> None:  # type: ignore[no-untyped-def]
    text = "전화는 010-1234-5678이에요. 주거급여 받을 수 있나요?"
    parsed = bundled_router.nlu.parse(text)
    assert parsed.nlu.intent.name == "check_eligibility"
    assert parsed.nlu.intent.confidence > 0.9
    phones = [e for e in parsed.entities if e.entity == "phone-number"]
    assert [text[e.start:e.end] for e in phones] == ["010-1234-5678"]


@pytest.mark.parametrize("text", ["010-1234-5678", "제 전화번호는 010-1234-5678이에요", "my phone number is 010-1234-5678"])
def test_a_message_giving_a_phone_number_is_still_inform(bundled_router, text: str) -> None:  # type: ignore[no-untyped-def]
    assert bundled_router.nlu.parse(text).nlu.intent.name == "inform"


@pytest.mark.parametrize(("text", "warned", "lang"), [
    ("제 주민번호는 900101-1234567입니다. 주거급여 받을 수 있나요?", True, "ko"),
    ("카드번호 4111-1111-1111-1111 입니다", True, "ko"),
    ("계좌는 110-123-456789예요", True, "ko"),
    ("TK-20200101-00000000 조회해 주세요", False, "ko"),  # a receipt number shaped like an account number: no cue word
    ("사건번호 2024-123-456789 처리 상황 알려주세요", False, "ko"),
    ("My resident number is 900101-1234567. Can I get housing benefit?", True, "en"),
    ("전화는 010-1234-5678이에요. 주거급여 받을 수 있나요?", False, "ko"),  # a phone number is asked for in handoffs
    ("주거급여 받을 수 있나요?", False, "ko"),
])
def test_reply_starts_with_a_warning_for_registration_card_account_numbers(make_processor, text: str, warned: bool, lang: str) -> None:  # type: ignore[no-untyped-def]
    turn = make_processor().handle_message(UserMessage("pii-warn", text, channel="rest"))
    first = turn.messages[0]
    assert (first.custom.get("response") == "utter_pii_warning") is warned, [m.text for m in turn.messages]
    if warned:
        assert ("입력하지 마세요" in first.text) is (lang == "ko")
        assert ("don't type" in first.text) is (lang == "en")
        assert len(turn.messages) >= 2  # the question is still answered after the warning
        assert not find_pii(first.text)


@pytest.mark.parametrize(("text", "paid_in", "lang"), [
    # s46 probe: the warning, then "which service?" (ko) or 청년 월세 지원 (en) as if the money could be sent from here
    ("계좌번호 110-123-456789로 지원금 넣어주세요", True, "ko"),
    ("국민은행 123456-01-234567 계좌로 입금해 주세요", True, "ko"),
    ("Please deposit the grant into my account 110-123-456789", True, "en"),
    ("Send the money to my bank account 110-123-456789", True, "en"),
    ("제 계좌번호는 국민은행 123456-01-234567이에요", False, "ko"),  # an account told, no payment asked: answered as before
    ("Can I pay it with card 4111-1111-1111-1111?", False, "en"),  # a card, no account: answered as before
])
def test_a_request_to_pay_into_the_account_typed_says_where_benefits_are_paid(
        make_processor, text: str, paid_in: bool, lang: str) -> None:  # type: ignore[no-untyped-def]
    turn = make_processor().handle_message(UserMessage("pii-paid-in", text, channel="rest"))
    first = turn.messages[0]
    assert first.custom.get("response") == "utter_pii_warning" and not find_pii(first.text)
    where = "담당 기관에 등록한 본인 명의 계좌" if lang == "ko" else "the account you register with the agency"
    assert (where in first.text) is paid_in, first.text
    # nothing else is answered to a request no service here can serve (no retrieval over the account's words)
    assert (len(turn.messages) == 1) is paid_in, [m.text for m in turn.messages]
