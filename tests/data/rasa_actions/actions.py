"""Custom actions written with rasa_sdk, exactly as a Rasa project would have them.

They run in the real ``rasa_sdk`` action server (``python -m rasa_sdk --actions actions``)
in a virtual environment of its own (tests/test_action_server_compat.py builds it); this
module is never imported by the assistant's own environment. The rules they apply are
stated in each docstring so the tests can compute the expected answers on their own.
"""

import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AgentUttered,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    FollowupAction,
    LoopInterrupted,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    StoryExported,
    UserUttered,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection
from rasa_sdk.types import DomainDict

SENIOR_AGE = 65
KNOWN_REGIONS = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종")


class ActionCheckAge(Action):
    """Reads slot ``age`` and the latest message's ``region`` entity.

    Sets ``age_group`` to ``senior`` when age >= 65, else ``adult`` (None when age is unset),
    sets ``region`` to the last ``region`` entity (None when there is none), says
    ``"{region} 거주 {age:g}세: {age_group}"`` and asks for response ``utter_age_group``
    with ``group`` and one button.
    """

    def name(self) -> Text:
        return "action_check_age"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        age = tracker.get_slot("age")
        regions = list(tracker.get_latest_entity_values("region"))
        region = regions[-1] if regions else None
        group = None if age is None else "senior" if float(age) >= SENIOR_AGE else "adult"
        if age is not None:
            dispatcher.utter_message(text=f"{region} 거주 {float(age):g}세: {group}")
        dispatcher.utter_message(response="utter_age_group", group=group, buttons=[{"title": "확인", "payload": "/affirm"}])
        return [SlotSet("age_group", group), SlotSet("region", region)]


class ActionEchoState(Action):
    """Sends back, as a custom JSON message, what rasa_sdk read from the request."""

    def name(self) -> Text:
        return "action_echo_state"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(json_message={
            "sender_id": tracker.sender_id,
            "slots": tracker.slots,
            "latest_intent": tracker.get_intent_of_latest_message(),
            "latest_text": tracker.latest_message.get("text"),
            "entities": [e.get("value") for e in tracker.latest_message.get("entities", [])],
            "active_loop": tracker.active_loop_name,
            "latest_action_name": tracker.latest_action_name,
            "followup_action": tracker.followup_action,
            "paused": tracker.is_paused(),
            "n_events": len(tracker.events),
            "event_names": [e.get("event") for e in tracker.events],
            "input_channel": tracker.get_latest_input_channel(),
            "domain_forms": domain.get("forms"),
            "domain_slot_types": {k: v.get("type") for k, v in domain.get("slots", {}).items()},
            "domain_intents": domain.get("intents"),
            "domain_entities": domain.get("entities"),
            "domain_responses": sorted(domain.get("responses", {})),
            "domain_session_config": domain.get("session_config"),
        })
        return []


class ActionSubmitApplication(Action):
    """Declines to run (ActionExecutionRejection) unless slot ``consent`` is true; then sets
    ``receipt`` to ``"R-" + sender_id``."""

    def name(self) -> Text:
        return "action_submit_application"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        if tracker.get_slot("consent") is not True:
            raise ActionExecutionRejection(self.name(), "no consent given")
        dispatcher.utter_message(text="접수되었습니다.")
        return [SlotSet("receipt", f"R-{tracker.sender_id}")]


class ActionCrash(Action):
    """Raises, as a buggy action would (rasa_sdk answers HTTP 500)."""

    def name(self) -> Text:
        return "action_crash"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        raise RuntimeError("bug in the action")


class ActionEveryEvent(Action):
    """Returns one event of every kind rasa_sdk can make (``rasa_sdk.events``), in this order."""

    def name(self) -> Text:
        return "action_every_event"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        return [
            UserUttered("안녕", {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}),
            BotUttered("반갑습니다", {"buttons": []}),
            SlotSet("age", 70),
            Restarted(),
            SessionStarted(),
            UserUtteranceReverted(),
            AllSlotsReset(),
            ReminderScheduled("remind", datetime.datetime(2030, 1, 1, 9, 0), name="r1"),
            ReminderCancelled(name="r1"),
            ActionReverted(),
            StoryExported(),
            FollowupAction("action_check_age"),
            ConversationPaused(),
            ConversationResumed(),
            ActionExecuted("action_listen"),
            AgentUttered("agent text"),
            ActiveLoop("benefit_form"),
            LoopInterrupted(True),
            ActionExecutionRejected("benefit_form"),
        ]


class ValidateBenefitForm(FormValidationAction):
    """Validates ``benefit_form``: ``age`` must be a number from 0 to 120 (stored as float),
    ``region`` one of KNOWN_REGIONS; a bad value is set to None and the user is told why
    (``"나이는 0에서 120 사이의 숫자로 알려 주세요."`` / response ``utter_ask_region_again``)."""

    def name(self) -> Text:
        return "validate_benefit_form"

    def validate_age(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: DomainDict) -> Dict[Text, Any]:
        try:
            age = float(slot_value)
        except (TypeError, ValueError):
            age = -1.0
        if 0 <= age <= 120:
            return {"age": age}
        dispatcher.utter_message(text="나이는 0에서 120 사이의 숫자로 알려 주세요.")
        return {"age": None}

    def validate_region(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[Text, Any]:
        if slot_value in KNOWN_REGIONS:
            return {"region": slot_value}
        dispatcher.utter_message(response="utter_ask_region_again", value=slot_value)
        return {"region": None}
