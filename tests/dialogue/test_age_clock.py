"""s11 #4 through the engine: a date typed at the age question without a word for birth ("1958-03-02") is read as
the date of birth by the form's age validator, and its age counts on the NLU's clock (the conversation's date in
Asia/Seoul), not on the machine's date. The NLU here runs on a fixed clock, 2030-03-02 09:00 in Seoul (00:00 UTC);
the ages are computed by hand: born 1958-03-02 → 72 that day (the machine's date, 2026, gave 68)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor
from assistant.nlu.entities.pipeline import EntityPipeline
from assistant.nlu.pipeline import NluPipeline
from assistant.stores.trackers import SQLTrackerStore

CLOCK = dt.datetime(2030, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.fixture(scope="module")
def fixed_clock_engine(bundled_settings: Any, bundled_router: Any) -> MessageProcessor:
    """The bundled engine with its NLU's entity pipeline on :data:`CLOCK` (the trained classifier is shared)."""
    from assistant.app_state import build_engine

    nlu = bundled_router.nlu
    entities = EntityPipeline.load(bundled_settings.nlu_dir / "entities", tokenizer=nlu.tokenizer, now=lambda: CLOCK)
    entities.warm_up()
    fixed = NluPipeline(nlu.embedder, nlu.classifier, entities, nlu.tokenizer)
    return build_engine(bundled_settings, fixed, bundled_router.embedder, bundled_router.retriever,
                        bundled_router.composer, SQLTrackerStore("sqlite://"))


@pytest.mark.parametrize(("typed", "age"), [("1958-03-02", 72), ("1958-03-03", 71), ("1958.03.02", 72)])
def test_a_date_at_the_age_question_counts_on_the_nlus_clock(fixed_clock_engine: MessageProcessor, typed: str,
                                                             age: int) -> None:
    sender = f"clock-{typed}"
    say = lambda text: fixed_clock_engine.handle_message(UserMessage(sender, text, "rest", {}))  # noqa: E731
    say("제가 받을 수 있는 혜택이 뭐가 있나요?")
    assert fixed_clock_engine.tracker_state(sender)["slots"]["requested_slot"] == "age"
    say(typed)
    slots = fixed_clock_engine.tracker_state(sender)["slots"]
    assert slots["age"] == age, slots
