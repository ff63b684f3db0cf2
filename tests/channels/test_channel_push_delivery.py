"""The Slack / WhatsApp delivery of a turn (assistant.channels.webhooks.deliver) with the real turn scheduler and
engine: a slow turn sends the holding reply once, then its answer; an over-long message gets the refusal."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from assistant.channels.webhooks import RecentIds, deliver
from assistant.dialogue.holding import is_holding
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.server.turns import TurnScheduler


class SlowEngine:
    """The real engine, each turn started ``delay`` s late (a slow back end)."""

    def __init__(self, processor: Any, delay: float) -> None:
        self.processor, self.delay = processor, delay

    def handle_message(self, message: UserMessage) -> Any:
        time.sleep(self.delay)
        return self.processor.handle_message(message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.processor, name)


def test_slow_turn_sends_the_holding_reply_once_then_the_answer(make_processor: Any) -> None:
    reference = make_processor().handle_message(UserMessage("ref", "에너지바우처 신청 방법 알려주세요", "rest",
                                                            {"message_id": "r1"}))
    scheduler = TurnScheduler(SlowEngine(make_processor(), 1.5), hold_after=0.3)
    sent: list[tuple[BotMessage, ...]] = []
    message = UserMessage("slack:T:D:U", "에너지바우처 신청 방법 알려주세요", "slack", {"message_id": "slack-D-1.0"})
    asyncio.run(deliver(message, lambda: scheduler, sent.append, 4000))
    assert len(sent) == 2 and is_holding(sent[0]) and not is_holding(sent[1])
    assert [m.text for m in sent[1]] == [m.text for m in reference.messages]


def test_over_long_message_is_refused_without_a_turn(make_processor: Any) -> None:
    processor = make_processor()
    sent: list[tuple[BotMessage, ...]] = []
    message = UserMessage("whatsapp:x", "가" * 101, "whatsapp", {"message_id": "wa-1"})
    asyncio.run(deliver(message, lambda: TurnScheduler(processor), sent.append, 100))
    assert len(sent) == 1 and "101" in sent[0][0].text and "100" in sent[0][0].text
    assert processor.tracker_store.load("whatsapp:x") == []


def test_a_failed_send_is_logged_without_the_text(make_processor: Any, caplog: Any) -> None:
    def broken(_messages: tuple[BotMessage, ...]) -> None:
        raise ConnectionError("platform down")

    message = UserMessage("slack:T:D:U2", "안녕하세요 비밀문장", "slack", {"message_id": "slack-D-2.0"})
    asyncio.run(deliver(message, lambda: TurnScheduler(make_processor()), broken, 4000))
    failed = [r for r in caplog.records if "reply failed" in r.getMessage()]
    assert len(failed) == 1 and "ConnectionError" in failed[0].getMessage()
    assert getattr(failed[0], "conversation_id", None) == "slack:T:D:U2"
    assert not any("비밀문장" in r.getMessage() for r in caplog.records if r.name.startswith("assistant.channels"))


def test_recent_ids_forget_the_oldest() -> None:
    seen = RecentIds(size=2)
    assert [seen.add(k) for k in ("a", "b", "a", "c", "b", "a")] == [True, True, False, True, True, True]
