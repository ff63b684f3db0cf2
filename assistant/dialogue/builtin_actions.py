"""The built-in actions (Rasa's default actions plus ours).

Rasa's: ``action_restart`` (``utter_restart`` if defined, then ``restart``),
``action_session_start`` (``session_started`` + carried-over slots +
``action_listen``), ``action_default_fallback`` (``utter_ask_rephrase``; unlike
Rasa we keep the user message instead of reverting it, so the transcript shows
what was not understood), ``action_deactivate_loop``.

Ours: ``action_answer_from_knowledge`` (retrieval + answer composer; the
message keeps ``custom.citations`` and ``custom.abstained``),
``action_handoff`` (``utter_handoff``, ``handoff`` + ``pause`` events, the
masked transcript delivered to the handoff sink), ``action_repeat`` (the bot's
messages of the previous turn again), ``action_clarify`` (buttons for the two
closest intents).
"""

from __future__ import annotations

import logging
from typing import Any

from assistant.dialogue.actions import ActionListen, ActionRegistry, TurnContext
from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    HandoffRequested,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from assistant.dialogue.handoff import FileHandoffQueue, handoff_record
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import AssistantError
from assistant.nlu.domain import Domain

logger = logging.getLogger(__name__)

#: Intents whose questions are answered from documents.
KNOWLEDGE_INTENTS = frozenset({"ask_service_info", "check_eligibility", "apply_service"})
REQUESTED_SLOT = "requested_slot"


def top_intent(tracker: DialogueStateTracker) -> tuple[str | None, float]:
    """The latest message's top intent and its confidence (``(None, 0.0)`` when there is none)."""
    intent = tracker.latest_message.intent if tracker.latest_message else {}
    name = intent.get("name")
    return (name if isinstance(name, str) and name else None), float(intent.get("confidence") or 0.0)


def intent_probability(tracker: DialogueStateTracker, name: str) -> float:
    """The latest message's probability for intent ``name`` (0 when not ranked)."""
    data = tracker.latest_message.parse_data if tracker.latest_message else {}
    for r in data.get("intent_ranking") or []:
        if isinstance(r, dict) and r.get("name") == name:
            return float(r.get("confidence") or 0.0)
    return 0.0


class ActionAnswerFromKnowledge:
    """Answer the latest message from documents, or abstain.

    Abstaining sends ``utter_no_answer`` when the intent was a confident
    knowledge question, else ``utter_out_of_scope`` (the first router's rule).
    """

    name = "action_answer_from_knowledge"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event: the answer with citations, or the abstaining response."""
        text = context.query or (tracker.latest_message.text if tracker.latest_message else None) or ""
        answer = context.answer(text, intent_probability(tracker, "out_of_scope"))
        if answer is not None and not answer.abstained:
            custom = {"citations": [c.__dict__ for c in answer.citations], "abstained": False, "language": context.language,
                      "response": self.name}
            return [BotUttered(answer.text, {"custom": custom})]
        intent, conf = top_intent(tracker)
        confident = intent in KNOWLEDGE_INTENTS and conf >= context.settings.intent_threshold
        return [context.utter(tracker, "utter_no_answer" if confident else "utter_out_of_scope")]


class ActionRestart:
    """``utter_restart`` (when defined), then ``restart``; the engine then runs ``action_session_start``."""

    name = "action_restart"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The events."""
        said = [context.utter(tracker, "utter_restart")] if context.has_response("utter_restart") else []
        return [*said, Restarted()]


class ActionSessionStart:
    """``session_started``, the slots carried over (domain ``session_config``), ``action_listen``."""

    name = "action_session_start"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The events."""
        carried: list[Event] = []
        if domain.session_config.carry_over_slots_to_new_session:
            carried = [SlotSet(e.name, e.value) for e in tracker.applied_events() if isinstance(e, SlotSet)]
        return [SessionStarted(), *carried, ActionExecuted(ACTION_LISTEN_NAME)]


class ActionDefaultFallback:
    """``utter_ask_rephrase``."""

    name = "action_default_fallback"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event."""
        return [context.utter(tracker, "utter_ask_rephrase")]


class ActionDeactivateLoop:
    """Rasa's ``action_deactivate_loop``: ``active_loop: null`` and ``requested_slot: null``."""

    name = "action_deactivate_loop"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The events (none when no form is active)."""
        return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)] if tracker.active_loop_name else []


class ActionHandoff:
    """Hand the conversation to a person and pause it.

    The masked transcript goes to ``context.handoff`` (HTTP endpoint or queue
    file); when that fails it is appended to the fallback queue and the error
    is logged with the conversation id. The bot stays silent until a
    ``resume`` event (``POST /conversations/{id}/resume``).
    """

    name = "action_handoff"

    def __init__(self, fallback_queue: FileHandoffQueue | None = None, reason: str = "user_request") -> None:
        self.fallback_queue = fallback_queue
        self.reason = reason

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """``utter_handoff``, ``handoff``, ``pause``."""
        intent, _ = top_intent(tracker)
        reason = self.reason if intent == "human_handoff" else (
            "repeated_invalid_input" if tracker.active_loop_name else self.reason)
        said = context.utter(tracker, "utter_handoff")
        record = handoff_record(tracker, reason, context.language)
        record["transcript"].append({"role": "bot", "text": said.text, "timestamp": said.timestamp})
        target = self._deliver(record, context, tracker.sender_id)
        return [said, HandoffRequested(target, reason), ConversationPaused()]

    def _deliver(self, record: dict[str, Any], context: TurnContext, sender_id: str) -> str | None:
        sinks = [s for s in (context.handoff, self.fallback_queue) if s is not None]
        for sink in sinks:
            try:
                sink.deliver(record)
                return sink.target
            except (AssistantError, OSError) as e:
                logger.error("handoff delivery failed", extra={"conversation_id": sender_id, "stage": "handoff",
                                                               "target": sink.target, "error": type(e).__name__})
        if not sinks:
            logger.warning("handoff requested but no handoff sink is configured", extra={"conversation_id": sender_id, "stage": "handoff"})
        return None


class ActionRepeat:
    """Send again the bot messages of the previous turn (between the two latest user messages)."""

    name = "action_repeat"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """Copies of those ``bot`` events, or ``utter_nothing_to_repeat`` / ``utter_ask_rephrase`` when there were none."""
        users = [i for i, e in enumerate(tracker.events) if isinstance(e, UserUttered)]
        if len(users) >= 2:
            prev = [e for e in tracker.events[users[-2] + 1 : users[-1]] if isinstance(e, BotUttered)]
            if prev:
                return [BotUttered(e.text, {**e.data, "custom": {**(e.data.get("custom") or {}), "repeated": True}}) for e in prev]
        name = "utter_nothing_to_repeat" if context.has_response("utter_nothing_to_repeat") else "utter_ask_rephrase"
        return [context.utter(tracker, name)]


class ActionClarify:
    """Ask which of the two closest intents was meant: buttons titled by ``utter_clarify_<intent>``, payload ``/<intent>``."""

    name = "action_clarify"

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event with two buttons."""
        ranking = [r for r in (tracker.latest_message.parse_data.get("intent_ranking") or []) if isinstance(r, dict)] \
            if tracker.latest_message else []
        buttons = []
        for r in ranking[:2]:
            title = context.utter(tracker, f"utter_clarify_{r['name']}").text or str(r["name"])
            buttons.append({"title": title, "payload": f"/{r['name']}"})
        said = context.utter(tracker, "utter_clarify")
        return [BotUttered(said.text, {**said.data, "buttons": buttons})]


def register_builtins(registry: ActionRegistry, fallback_queue: FileHandoffQueue | None = None) -> None:
    """Register every built-in action on ``registry``."""
    for action in (
        ActionListen(),
        ActionAnswerFromKnowledge(),
        ActionRestart(),
        ActionSessionStart(),
        ActionDefaultFallback(),
        ActionDeactivateLoop(),
        ActionHandoff(fallback_queue),
        ActionRepeat(),
        ActionClarify(),
    ):
        registry.register(action, replace=True)
