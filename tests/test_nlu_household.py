"""Living alone, said in everyday words, read as a fact about the person (assistant/nlu/household.py).

Fresh-user report s10, issue 2 item 1: "우리 엄마 80세고 대구에 혼자 사시는데 뭐 받을 수 있어요?" was read as a question
about a kind of help called 혼자. The expected values below are what each sentence means, read by hand.
"""

from __future__ import annotations

import pytest

from assistant.nlu.household import lives_alone, lives_alone_spans


@pytest.mark.parametrize(("text", "expected"), [
    # saying it: 살다 / 사시다 / 계시다 / 지내다 after 혼자 or 홀로, and the nouns
    ("우리 엄마 80세고 대구에 혼자 사시는데 뭐 받을 수 있어요?", True),
    ("혼자 사세요", True), ("저 혼자 살아요", True), ("아버지 혼자 계세요", True), ("혼자 계시는 어머니", True),
    ("혼자 삽니다", True), ("혼자 산 지 5년 됐어요", True), ("할머니가 홀로 지내세요", True), ("혼자서 살고 있어요", True),
    ("독거노인 지원", True), ("홀몸 어르신이에요", True), ("1인 가구예요", True), ("일인가구", True), ("단독 세대", True),
    ("My mother lives alone", True), ("I live by myself", True), ("he lives on his own", True),
    # denying it
    ("혼자 사는 건 아니에요", False), ("혼자 살지 않아요", False), ("혼자 안 살아요", False), ("독거노인 아닌데요", False),
    ("She doesn't live alone", False),
    # other words that start the same way: not about the household
    ("혼자 신청할 수 있나요?", None), ("혼자서 사업을 해요", None), ("혼자 사용해도 돼요?", None), ("사진 혼자 찍어요", None),
    ("가족이랑 같이 살아요", None), ("", None),
])
def test_what_a_message_says_about_living_alone(text: str, expected: bool | None) -> None:
    assert lives_alone(text) is expected


def test_spans_point_at_the_words_that_say_it() -> None:
    text = "우리 엄마 80세고 대구에 혼자 사시는데 뭐 받을 수 있어요?"
    assert [text[a:b] for a, b in lives_alone_spans(text)] == ["혼자 사"]
    text = "My mother lives alone and my father is a 독거노인"
    assert [text[a:b] for a, b in lives_alone_spans(text)] == ["lives alone", "독거"]
