"""The in-process action executor: same contract as the action-server client."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.events import ActionExecutionRejected, ActiveLoop, Event, SlotSet, UserUttered
from assistant.dialogue.executors import (
    ActionError,
    ActionExecutionRejection,
    ActionExecutor,
    ActionNotFoundError,
    ActionResult,
    CollectingDispatcher,
    InProcessActionExecutor,
    response_name,
)
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import InvalidConfigError
from assistant.nlu.domain import Domain

DOMAIN = Domain(intents=["inform"], responses={"utter_age_group": [{"text": "구분: {group}"}]})


def age_group(dispatcher: CollectingDispatcher, tracker: DialogueStateTracker, domain: Domain) -> list[Event]:
    """senior at 65 or older, else adult; the region entity of the latest message is stored."""
    age = tracker.get_slot("age")
    group = "senior" if age >= 65 else "adult"
    regions = list(tracker.get_latest_entity_values("region"))
    dispatcher.utter_message(text=f"{age:g}세", buttons=[{"title": "네", "payload": "/affirm"}])
    dispatcher.utter_message(response="utter_age_group", group=group)
    return [SlotSet("age_group", group), SlotSet("region", regions[-1] if regions else None)]


def tracker(age: float) -> DialogueStateTracker:
    t = DialogueStateTracker("u1", {"age": {}, "age_group": {}, "region": {}})
    text = "부산 사는 사람"
    t.update_with_events([UserUttered(text, {"intent": {"name": "inform", "confidence": 1.0},
                                            "entities": [{"entity": "region", "value": "부산", "start": 0, "end": 2}]}),
                          SlotSet("age", age)])
    return t


@pytest.fixture()
def executor() -> InProcessActionExecutor:
    return InProcessActionExecutor({"action_age_group": age_group})


@pytest.mark.parametrize(("age", "group"), [(64.0, "adult"), (65.0, "senior"), (80.5, "senior")])
def test_runs_a_registered_action(executor: InProcessActionExecutor, age: float, group: str) -> None:
    result = executor.run("action_age_group", tracker(age), DOMAIN)
    assert isinstance(result, ActionResult) and not result.rejected
    assert [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)] == [("age_group", group), ("region", "부산")]
    text, templated = result.responses
    assert text["text"] == f"{age:g}세" and text["buttons"] == [{"title": "네", "payload": "/affirm"}]
    assert response_name(templated) == "utter_age_group" and templated["group"] == group and templated["text"] is None
    # same keys rasa_sdk's CollectingDispatcher sends over HTTP
    assert set(text) == {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}


def test_action_does_not_touch_the_tracker(executor: InProcessActionExecutor) -> None:
    t = tracker(70.0)
    before = t.events_as_json()
    executor.run("action_age_group", t, DOMAIN)
    assert t.events_as_json() == before and t.get_slot("age_group") is None


def test_unknown_action_lists_registered_ones(executor: InProcessActionExecutor) -> None:
    executor.register("action_b", lambda d, t, dom: None)
    with pytest.raises(ActionNotFoundError, match=r"\['action_age_group', 'action_b'\]") as e:
        executor.run("action_nope", tracker(1.0), DOMAIN)
    assert isinstance(e.value, LookupError) and e.value.sender_id == "u1"


def test_rejection_becomes_an_event() -> None:
    ex = InProcessActionExecutor()

    @ex.action("benefit_form")
    def form(dispatcher: CollectingDispatcher, tracker: DialogueStateTracker, domain: Domain) -> list[Event]:
        raise ActionExecutionRejection("benefit_form", "cannot fill any slot from this message")

    result = ex.run("benefit_form", tracker(1.0), DOMAIN)
    assert result.rejected and result.responses == []
    assert [(type(e), e.action_name) for e in result.events] == [(ActionExecutionRejected, "benefit_form")]
    t = tracker(1.0)
    t.update(ActiveLoop("benefit_form"))
    t.update_with_events(result.events)
    assert t.active_loop is not None and t.active_loop.rejected


def test_failing_action_is_wrapped_with_its_cause() -> None:
    ex = InProcessActionExecutor({"action_bad": lambda d, t, dom: [SlotSet("x", 1 / 0)]})
    with pytest.raises(ActionError, match="action_bad.*ZeroDivisionError") as e:
        ex.run("action_bad", tracker(1.0), DOMAIN)
    assert isinstance(e.value.__cause__, ZeroDivisionError) and e.value.action_name == "action_bad"


@pytest.mark.parametrize("bad", [[{"event": "slot", "name": "x", "value": 1}], ["SlotSet"], [None]])
def test_non_events_are_refused(bad: list[Any]) -> None:
    ex = InProcessActionExecutor({"action_dicts": lambda d, t, dom: bad})
    with pytest.raises(ActionError, match="where an Event belongs"):
        ex.run("action_dicts", tracker(1.0), DOMAIN)


def test_none_means_no_events() -> None:
    ex = InProcessActionExecutor({"action_quiet": lambda d, t, dom: None})
    assert ex.run("action_quiet", tracker(1.0), DOMAIN) == ([], [])


def test_registration_errors(executor: InProcessActionExecutor) -> None:
    with pytest.raises(InvalidConfigError, match="twice"):
        executor.register("action_age_group", age_group)
    with pytest.raises(InvalidConfigError, match="non-empty"):
        executor.register("", age_group)
    with pytest.raises(InvalidConfigError, match="not callable"):
        executor.register("action_x", "age_group")  # type: ignore[arg-type]
    assert executor.names == ["action_age_group"] and "action_age_group" in executor and "action_x" not in executor


def test_is_an_action_executor(executor: InProcessActionExecutor) -> None:
    assert isinstance(executor, ActionExecutor)


def test_response_name_reads_response_or_template() -> None:
    assert response_name({"response": "utter_a", "template": "utter_a"}) == "utter_a"
    assert response_name({"template": "utter_old"}) == "utter_old"
    assert response_name({"text": "hi", "response": None, "template": None}) is None
