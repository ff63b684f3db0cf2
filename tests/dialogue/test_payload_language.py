"""A button's payload ("/deny") keeps the conversation's language, whatever the page's ``metadata.language`` says
(a Korean-interface widget sent ``"ko"`` with every message and switched English conversations to Korean)."""

from __future__ import annotations

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn


def say(p: MessageProcessor, text: str, sender: str, **metadata: object) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", dict(metadata)))


@pytest.mark.parametrize("page_language", ["ko", "en", None])
def test_payload_keeps_english_conversation_english(processor, page_language: str | None) -> None:  # type: ignore[no-untyped-def]
    meta = {} if page_language is None else {"language": page_language}
    first = say(processor, "How do I apply for the energy voucher?", "p-en", **meta)
    assert first.language == "en"
    turn = say(processor, "/deny", "p-en", **meta)
    assert turn.intent["name"] == "deny"
    assert turn.language == "en"
    assert all(m.custom.get("language") in (None, "en") for m in turn.messages)
    assert processor.load("p-en").get_slot("language") == "en"


@pytest.mark.parametrize("page_language", ["en", None])
def test_payload_keeps_korean_conversation_korean(processor, page_language: str | None) -> None:  # type: ignore[no-untyped-def]
    meta = {} if page_language is None else {"language": page_language}
    assert say(processor, "에너지바우처 신청 방법 알려주세요", "p-ko", **meta).language == "ko"
    turn = say(processor, "/deny", "p-ko", **meta)
    assert turn.language == "ko"
    assert processor.load("p-ko").get_slot("language") == "ko"


def test_payload_opening_a_conversation_follows_the_page(processor) -> None:  # type: ignore[no-untyped-def]
    # nothing said yet: the page's language is all there is
    assert say(processor, "/greet", "p-new", language="en").language == "en"
    assert say(processor, "/greet", "p-new2").language == "ko"


def test_typed_text_still_follows_its_own_language(processor) -> None:  # type: ignore[no-untyped-def]
    assert say(processor, "How do I apply for the energy voucher?", "p-sw", language="ko").language == "en"
    assert say(processor, "에너지바우처 신청 방법 알려주세요", "p-sw", language="en").language == "ko"
