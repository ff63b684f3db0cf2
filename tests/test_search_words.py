"""Retrieval does not search for the personal data a citizen typed, nor for the words naming it.

s44 probe: "계좌번호 110-123-456789 로 지원금 받을 수 있나요" got the typed-number warning and then
자산형성지원사업(청년내일저축계좌), matched on 계좌. :func:`assistant.nlu.preprocess.search_words` removes such a datum
with its label; the processor's retrieval query and its embedding are read without them.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.dialogue.messages import UserMessage
from assistant.nlu.pii import find_pii
from assistant.nlu.preprocess import search_words

ACCOUNT, CARD, RRN, PHONE = "110-123-456789", "4111-1111-1111-1111", "900101-1234567", "010-1234-5678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"계좌번호 {ACCOUNT} 로 지원금 받을 수 있나요", "로 지원금 받을 수 있나요"),
        (f"제 계좌 {ACCOUNT} 인데 지원금 받을 수 있나요", "인데 지원금 받을 수 있나요"),
        (f"카드번호 {CARD} 으로 결제되나요", "으로 결제되나요"),
        (f"제 주민번호 {RRN}인데 에너지바우처 대상인지 봐주세요", "인데 에너지바우처 대상인지 봐주세요"),
        (f"제 전화번호는 {PHONE}이에요. 주거급여 되나요?", "이에요. 주거급여 되나요?"),
        (f"연락처: {PHONE} 아이돌봄 신청하고 싶어요", "아이돌봄 신청하고 싶어요"),
        (f"my account number is {ACCOUNT} can I get the support money", "can I get the support money"),
        (f"My phone number: {PHONE}. How do I apply for the energy voucher?", ". How do I apply for the energy voucher?"),
        ("이메일 hong123@naver.com 으로 안내 받을 수 있나요", "으로 안내 받을 수 있나요"),
        # the word stays where no number follows it, and a number alone stays (the NLU reads it as such)
        ("청년내일저축계좌 신청 방법 알려줘", "청년내일저축계좌 신청 방법 알려줘"),
        (ACCOUNT, ACCOUNT),
        # where one lives and one's age are kept
        ("서울 관악구 봉천로 12 사는데 주거급여 되나요", "서울 관악구 봉천로 12 사는데 주거급여 되나요"),
        ("1958년 3월 2일생인데 기초연금 받나요", "1958년 3월 2일생인데 기초연금 받나요"),
    ],
)
def test_search_words(text: str, expected: str) -> None:
    assert search_words(text) == expected


_LABELS = ["계좌번호", "제 계좌", "통장번호는", "카드번호", "제 카드", "주민번호", "전화번호는", "연락처", "my account number is",
           "card number:", "my phone number is", ""]
_NUMBERS = [ACCOUNT, "3333-01-1234567", CARD, "5500 0000 0000 0004", RRN, PHONE, "01098765432"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_LABELS), st.sampled_from(_NUMBERS), st.sampled_from(["로 지원금 받을 수 있나요", "주거급여 되나요?",
                                                                          "how do I apply for housing benefit?"]))
def test_no_datum_and_no_label_is_left(label: str, number: str, question: str) -> None:
    out = search_words(f"{label} {number} {question}".strip())
    assert out == question
    assert not find_pii(out)


def _cited(turn) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["title"] for m in turn.messages for c in m.custom.get("citations", [])]


def test_an_account_number_finds_no_savings_account(make_processor) -> None:  # type: ignore[no-untyped-def]
    turn = make_processor().handle_message(UserMessage("acct-1", f"계좌번호 {ACCOUNT} 로 지원금 받을 수 있나요", channel="rest"))
    assert turn.messages[0].custom.get("response") == "utter_pii_warning"
    assert not [t for t in _cited(turn) if "계좌" in t]


def test_the_question_beside_a_phone_number_is_answered(make_processor) -> None:  # type: ignore[no-untyped-def]
    turn = make_processor().handle_message(UserMessage("phone-1", f"제 전화번호 {PHONE} 인데 에너지바우처 신청 되나요",
                                                       channel="rest"))
    assert _cited(turn)[:1] == ["에너지바우처"]
