"""Which messages only ask how to check (:func:`assistant.dialogue.typed_buttons.asks_how_to_check`).

After a refused Public MyData offer, or under an answer that offers the eligibility check, such a message is the check
(tests/mydata/test_consent_dialogue.py drives the conversation); anything that asks about a step or a service is not.
"""

from __future__ import annotations

import pytest

from assistant.dialogue.typed_buttons import asks_how_to_check


@pytest.mark.parametrize("text", [
    "그럼 어떻게 확인해요?", "어떻게 확인하죠", "그러면 어떻게 알아봐요?", "어떻게 알 수 있어요?", "음 그럼 어떻게 알아요",
    "마이데이터 없이 어떻게 확인해요?", "그럼 제가 직접 어떻게 확인하나요?", "다른 방법은요?", "다른 방법 있어요?",
    "그럼 다른 방법은 없나요?", "then how do I check?", "How can I check then?", "how else can I find out?",
    "so how do I know if I qualify?", "is there another way?", "other way?", "How do I check without MyData?",
])
def test_asks_how_to_check(text: str) -> None:
    assert asks_how_to_check(text)


@pytest.mark.parametrize("text", [
    "신청은 어떻게 해요?", "에너지바우처는 어떻게 확인해요?", "신청 결과 어떻게 확인해요?", "어떻게 신청해요?", "어떻게요?",
    "다른 서비스는요?", "how do I apply?", "how do I check my application status?", "is there another benefit?",
    "어떻게 확인했어요 다 맞아요", "",
])
def test_asks_something_else(text: str) -> None:
    assert not asks_how_to_check(text)
