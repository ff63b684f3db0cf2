"""One conversation with the catalogue's engine, for the tests that read the reply the citizen gets (the
``gov24_settings`` / ``gov24_router`` fixtures: their router answers one message at a time, so each conversation
gets its own processor and an in-memory tracker store)."""

from __future__ import annotations

from typing import Any


def first_reply(settings: Any, router: Any, *texts: str, sender: str = "talk") -> Any:
    """The first message (a :class:`~assistant.dialogue.messages.BotMessage`: ``text``, ``custom`` with
    ``citations``, ``regions``, ``response`` …) of the reply to the last of ``texts``, said in order in one
    conversation. Raises AssertionError when ``texts`` is empty."""
    from assistant.app_state import build_processor
    from assistant.dialogue.messages import UserMessage
    from assistant.stores.trackers import SQLTrackerStore

    assert texts, "no message to say"
    processor = build_processor(settings, router, SQLTrackerStore("sqlite://"), None)
    turn = None
    for text in texts:
        turn = processor.handle_message(UserMessage(sender, text, "rest", {}))
    assert turn is not None
    return turn.messages[0]
