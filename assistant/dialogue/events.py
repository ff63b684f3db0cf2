"""Conversation events in Rasa's event JSON format.

A conversation is an append-only list of events; the tracker's state (slots,
active loop, paused ...) is what you get by applying them in order
(:mod:`assistant.dialogue.tracker`). Every event serializes with
:meth:`Event.to_json` to exactly the dict Rasa 3.x writes (``Event.as_dict`` in
``rasa/shared/core/events.py``) and reads back with :meth:`Event.from_json`, so
a custom action written for ``rasa_sdk`` receives and returns the same shapes::

    {"event": "user", "timestamp": 1.7e9, "text": "안녕하세요", "parse_data": {...},
     "input_channel": "rest", "message_id": "m1", "metadata": {}}
    {"event": "slot", "timestamp": 1.7e9, "name": "age", "value": 67}
    {"event": "action", "timestamp": 1.7e9, "name": "action_listen", "policy": null,
     "confidence": null, "action_text": null, "hide_rule_turn": false}

Sources: Rasa docs "Events" (action server, https://rasa.com/docs/action-server/events)
and ``rasa_sdk/events.py`` for the payloads; Rasa's ``rasa/shared/core/events.py``
for the fields it adds (``metadata``, ``action_text``, ``hide_rule_turn``).

Two deviations, both additive: ``handoff`` is our event (Rasa has none; a
handoff there is a custom action plus ``pause``), and ``cancel_reminder`` keeps
its ``name``/``intent``/``entities`` (Rasa's ``as_dict`` drops them).

Events are frozen dataclasses; the base fields ``timestamp`` (Unix seconds,
default now) and ``metadata`` are keyword-only, the event's own fields may be
positional: ``SlotSet("age", 67)``.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

from assistant.errors import InvalidInputError

#: An event as plain JSON (what the stores persist and the HTTP API returns).
EventDict = dict[str, Any]

#: Rasa's reserved action names that events refer to.
ACTION_LISTEN_NAME = "action_listen"
ACTION_SESSION_START_NAME = "action_session_start"
ACTION_RESTART_NAME = "action_restart"


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputError(f"{what} must be a number, got {type(value).__name__}")
    return float(value) if isinstance(value, int) else value


def _opt_str(d: Mapping[str, Any], key: str, event: str) -> str | None:
    v = d.get(key)
    if v is not None and not isinstance(v, str):
        raise InvalidInputError(f"'{event}' event: '{key}' must be a string or null, got {type(v).__name__}")
    return v


def _req_str(d: Mapping[str, Any], key: str, event: str) -> str:
    v = _opt_str(d, key, event)
    if v is None:
        raise InvalidInputError(f"'{event}' event: '{key}' is required")
    return v


#: True while :func:`events_from_json` parses records its caller hands over (``adopt=True``): their nested objects
#: become the events' own instead of being deep-copied
_ADOPTING: ContextVar[bool] = ContextVar("adopting_event_dicts", default=False)


def _opt_dict(d: Mapping[str, Any], key: str, event: str) -> dict[str, Any]:
    v = d.get(key)
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise InvalidInputError(f"'{event}' event: '{key}' must be an object, got {type(v).__name__}")
    return v if _ADOPTING.get() else copy.deepcopy(v)


def _opt_float(d: Mapping[str, Any], key: str, event: str) -> float | None:
    v = d.get(key)
    return None if v is None else _number(v, f"'{event}' event: '{key}'")


@dataclass(frozen=True)
class Event:
    """Base of every event: ``timestamp`` (Unix seconds) and ``metadata``.

    Subclasses set ``type_name`` (the JSON ``event`` value) and implement
    :meth:`_fields_json` / :meth:`_from_fields` for their own fields.
    """

    type_name: ClassVar[str] = ""
    _: KW_ONLY
    timestamp: float = field(default_factory=time.time)
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> EventDict:
        """The event in Rasa's wire shape (a fresh dict; safe to mutate)."""
        d: EventDict = {"event": self.type_name, "timestamp": self.timestamp}
        if self.metadata:
            d["metadata"] = copy.deepcopy(self.metadata)
        d.update(copy.deepcopy(self._fields_json()))
        return d

    def _fields_json(self) -> EventDict:
        return {}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(**common)

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> Event:
        """Parse one event dict (Rasa's wire shape).

        A missing or null ``timestamp`` becomes now and a missing ``metadata``
        becomes ``{}``, as in Rasa. Legacy ``form`` / ``form_validation`` events
        read as ``active_loop`` / ``loop_interrupted``.

        Raises:
            InvalidInputError: not an object, no ``event`` key, an unknown event
                name (the message lists the known ones) or a field of the wrong type.
        """
        if not isinstance(d, Mapping):
            raise InvalidInputError(f"an event must be a JSON object, got {type(d).__name__}")
        name = d.get("event")
        if not isinstance(name, str):
            raise InvalidInputError("an event needs an 'event' name (e.g. 'user', 'bot', 'slot', 'action')")
        if name == "form_validation":  # legacy: validate=True means not interrupted
            name, d = "loop_interrupted", {**d, "is_interrupted": not d.get("validate", True)}
        elif name == "form":
            name = "active_loop"
        cls = EVENT_TYPES.get(name)
        if cls is None:
            raise InvalidInputError(f"unknown event '{name}'; known events: {', '.join(sorted(EVENT_TYPES))}")
        ts = d.get("timestamp")
        common: dict[str, Any] = {
            "timestamp": time.time() if ts is None else _number(ts, f"'{name}' event: 'timestamp'"),
            "metadata": _opt_dict(d, "metadata", name),
        }
        return cls._from_fields(d, common)


@dataclass(frozen=True)
class UserUttered(Event):
    """``user``: the user said something. ``parse_data`` is the NLU result
    (``intent``, ``entities``, ``intent_ranking``, ``text``, ``message_id``,
    ``metadata``); missing keys are filled as Rasa does."""

    type_name: ClassVar[str] = "user"
    text: str | None = None
    parse_data: dict[str, Any] = field(default_factory=dict)
    input_channel: str | None = None
    message_id: str | None = None

    def __post_init__(self) -> None:
        given = self.parse_data
        full: dict[str, Any] = {
            "intent": given.get("intent") or {},
            "entities": list(given.get("entities") or []),
            "text": self.text,
            "message_id": self.message_id,
            "metadata": self.metadata,
        }
        full.update(given)
        object.__setattr__(self, "parse_data", full)

    @property
    def intent(self) -> dict[str, Any]:
        """``{"name": str, "confidence": float}`` or ``{}``."""
        return dict(self.parse_data.get("intent") or {})

    @property
    def intent_name(self) -> str | None:
        """The top intent's name, if any."""
        name = self.intent.get("name")
        return name if isinstance(name, str) else None

    @property
    def entities(self) -> list[dict[str, Any]]:
        """The NLU entities (``entity``, ``value``, ``start``, ``end`` ...)."""
        return [e for e in self.parse_data.get("entities") or [] if isinstance(e, dict)]

    def _fields_json(self) -> EventDict:
        return {
            "text": self.text,
            "parse_data": self.parse_data,
            "input_channel": self.input_channel,
            "message_id": self.message_id,
            "metadata": self.metadata,
        }

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(
            _opt_str(d, "text", "user"),
            _opt_dict(d, "parse_data", "user"),
            _opt_str(d, "input_channel", "user"),
            _opt_str(d, "message_id", "user"),
            **common,
        )


@dataclass(frozen=True)
class BotUttered(Event):
    """``bot``: the assistant said ``text``; ``data`` holds buttons, custom payloads, citations."""

    type_name: ClassVar[str] = "bot"
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def _fields_json(self) -> EventDict:
        return {"text": self.text, "data": self.data, "metadata": self.metadata}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(_opt_str(d, "text", "bot"), _opt_dict(d, "data", "bot"), **common)


@dataclass(frozen=True)
class AgentUttered(Event):
    """``agent``: a human agent said ``text`` (recorded only, as in Rasa; ``data`` is any JSON)."""

    type_name: ClassVar[str] = "agent"
    text: str | None = None
    data: Any = None

    def _fields_json(self) -> EventDict:
        return {"text": self.text, "data": self.data}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(_opt_str(d, "text", "agent"), copy.deepcopy(d.get("data")), **common)


@dataclass(frozen=True)
class SlotSet(Event):
    """``slot``: set slot ``name`` to ``value`` (``None`` resets it)."""

    type_name: ClassVar[str] = "slot"
    name: str
    value: Any = None

    def _fields_json(self) -> EventDict:
        return {"name": self.name, "value": self.value}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(_req_str(d, "name", "slot"), copy.deepcopy(d.get("value")), **common)


@dataclass(frozen=True)
class ActionExecuted(Event):
    """``action``: the assistant ran ``action_name``, predicted by ``policy`` with ``confidence``."""

    type_name: ClassVar[str] = "action"
    action_name: str | None = None
    policy: str | None = None
    confidence: float | None = None
    action_text: str | None = None
    hide_rule_turn: bool = False

    def __post_init__(self) -> None:
        if self.action_name is None and self.action_text is None:
            raise InvalidInputError("'action' event: needs 'name' (or an end-to-end 'action_text')")

    def _fields_json(self) -> EventDict:
        return {
            "name": self.action_name,
            "policy": self.policy,
            "confidence": self.confidence,
            "action_text": self.action_text,
            "hide_rule_turn": self.hide_rule_turn,
        }

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(
            _opt_str(d, "name", "action"),
            _opt_str(d, "policy", "action"),
            _opt_float(d, "confidence", "action"),
            _opt_str(d, "action_text", "action"),
            bool(d.get("hide_rule_turn", False)),
            **common,
        )


@dataclass(frozen=True)
class ActionExecutionRejected(Event):
    """``action_execution_rejected``: an action (usually a form) refused to run this turn."""

    type_name: ClassVar[str] = "action_execution_rejected"
    action_name: str
    policy: str | None = None
    confidence: float | None = None

    def _fields_json(self) -> EventDict:
        return {"name": self.action_name, "policy": self.policy, "confidence": self.confidence}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        n = "action_execution_rejected"
        return cls(_req_str(d, "name", n), _opt_str(d, "policy", n), _opt_float(d, "confidence", n), **common)


@dataclass(frozen=True)
class ActiveLoop(Event):
    """``active_loop``: a form (loop) is activated (``name``) or deactivated (``None``)."""

    type_name: ClassVar[str] = "active_loop"
    name: str | None

    def _fields_json(self) -> EventDict:
        return {"name": self.name}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(_opt_str(d, "name", "active_loop"), **common)


@dataclass(frozen=True)
class LoopInterrupted(Event):
    """``loop_interrupted``: the active form was interrupted (a digression) or resumed."""

    type_name: ClassVar[str] = "loop_interrupted"
    is_interrupted: bool

    def _fields_json(self) -> EventDict:
        return {"is_interrupted": self.is_interrupted}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(bool(d.get("is_interrupted", False)), **common)


@dataclass(frozen=True)
class FollowupAction(Event):
    """``followup``: run ``action_name`` next, bypassing prediction."""

    type_name: ClassVar[str] = "followup"
    action_name: str

    def _fields_json(self) -> EventDict:
        return {"name": self.action_name}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(_req_str(d, "name", "followup"), **common)


@dataclass(frozen=True)
class EntitiesAdded(Event):
    """``entities``: entities added to the latest user message after NLU."""

    type_name: ClassVar[str] = "entities"
    entities: list[dict[str, Any]] = field(default_factory=list)

    def _fields_json(self) -> EventDict:
        return {"entities": self.entities}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        ents = d.get("entities") or []
        if not isinstance(ents, list):
            raise InvalidInputError("'entities' event: 'entities' must be a list")
        return cls(copy.deepcopy(ents), **common)


@dataclass(frozen=True)
class DefinePrevUserUtteredFeaturization(Event):
    """``user_featurization``: whether the last user turn was read by text or by intent."""

    type_name: ClassVar[str] = "user_featurization"
    use_text_for_featurization: bool

    def _fields_json(self) -> EventDict:
        return {"use_text_for_featurization": self.use_text_for_featurization}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(bool(d.get("use_text_for_featurization")), **common)


@dataclass(frozen=True)
class ReminderScheduled(Event):
    """``reminder``: trigger ``intent`` at ``date_time`` (ISO 8601). Recorded only; scheduling comes later."""

    type_name: ClassVar[str] = "reminder"
    intent: str
    date_time: str
    entities: Any = None
    name: str = field(default_factory=lambda: str(uuid.uuid1()))
    kill_on_user_msg: bool = True

    def _fields_json(self) -> EventDict:
        return {
            "intent": self.intent,
            "date_time": self.date_time,
            "entities": self.entities,
            "name": self.name,
            "kill_on_user_msg": self.kill_on_user_msg,
        }

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        name = _opt_str(d, "name", "reminder") or str(uuid.uuid1())
        return cls(
            _req_str(d, "intent", "reminder"),
            _req_str(d, "date_time", "reminder"),
            copy.deepcopy(d.get("entities")),
            name,
            bool(d.get("kill_on_user_msg", True)),
            **common,
        )


@dataclass(frozen=True)
class ReminderCancelled(Event):
    """``cancel_reminder``: cancel reminders matching ``name`` / ``intent`` / ``entities`` (all if none)."""

    type_name: ClassVar[str] = "cancel_reminder"
    name: str | None = None
    intent: str | None = None
    entities: Any = None

    def _fields_json(self) -> EventDict:
        return {"name": self.name, "intent": self.intent, "entities": self.entities}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        n = "cancel_reminder"
        return cls(_opt_str(d, "name", n), _opt_str(d, "intent", n), copy.deepcopy(d.get("entities")), **common)


@dataclass(frozen=True)
class HandoffRequested(Event):
    """``handoff`` (ours, not Rasa's): the conversation was handed to a human.

    ``target`` names the queue or endpoint, ``reason`` why (``user_request``,
    ``repeated_invalid_input``, ``low_confidence`` ...). The engine pairs it
    with :class:`ConversationPaused`; on its own it changes no state.
    """

    type_name: ClassVar[str] = "handoff"
    target: str | None = None
    reason: str | None = None

    def _fields_json(self) -> EventDict:
        return {"target": self.target, "reason": self.reason}

    @classmethod
    def _from_fields(cls, d: Mapping[str, Any], common: dict[str, Any]) -> Event:
        return cls(_opt_str(d, "target", "handoff"), _opt_str(d, "reason", "handoff"), **common)


@dataclass(frozen=True)
class Restarted(Event):
    """``restart``: forget the conversation's state; history is kept. Triggers ``action_session_start``."""

    type_name: ClassVar[str] = "restart"


@dataclass(frozen=True)
class SessionStarted(Event):
    """``session_started``: a new session begins; state resets (slots may be carried over after it)."""

    type_name: ClassVar[str] = "session_started"


@dataclass(frozen=True)
class UserUtteranceReverted(Event):
    """``rewind``: undo the latest user message and everything after it."""

    type_name: ClassVar[str] = "rewind"


@dataclass(frozen=True)
class ActionReverted(Event):
    """``undo``: undo the latest action and the events it produced."""

    type_name: ClassVar[str] = "undo"


@dataclass(frozen=True)
class AllSlotsReset(Event):
    """``reset_slots``: every slot back to its initial value."""

    type_name: ClassVar[str] = "reset_slots"


@dataclass(frozen=True)
class StoryExported(Event):
    """``export``: the conversation was exported as a story (recorded only; Rasa writes no other field)."""

    type_name: ClassVar[str] = "export"


@dataclass(frozen=True)
class ConversationPaused(Event):
    """``pause``: the assistant stays silent (a human has taken over)."""

    type_name: ClassVar[str] = "pause"


@dataclass(frozen=True)
class ConversationResumed(Event):
    """``resume``: the assistant takes the conversation back."""

    type_name: ClassVar[str] = "resume"


#: JSON ``event`` name → class.
EVENT_TYPES: dict[str, type[Event]] = {
    c.type_name: c
    for c in (
        UserUttered,
        BotUttered,
        SlotSet,
        ActionExecuted,
        ActionExecutionRejected,
        ActiveLoop,
        LoopInterrupted,
        FollowupAction,
        EntitiesAdded,
        DefinePrevUserUtteredFeaturization,
        ReminderScheduled,
        ReminderCancelled,
        HandoffRequested,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
        ActionReverted,
        AllSlotsReset,
        ConversationPaused,
        ConversationResumed,
        AgentUttered,
        StoryExported,
    )
}


def events_from_json(items: Iterable[Mapping[str, Any]], *, adopt: bool = False) -> list[Event]:
    """Parse a list of event dicts; the error names the index of a bad one.

    Args:
        items: event dicts in Rasa's wire shape.
        adopt: the caller hands the dicts over (freshly decoded JSON it keeps no reference to, as a tracker store's
            records): their nested objects (``parse_data``, ``metadata`` …) become the events' own instead of being
            deep-copied. Deep-copying them was most of a long conversation's load (~50 ms at 900 events).

    Raises:
        InvalidInputError: as :meth:`Event.from_json`, prefixed with ``event #i``.
    """
    out: list[Event] = []
    token = _ADOPTING.set(adopt)
    try:
        for i, d in enumerate(items):
            try:
                out.append(Event.from_json(d))
            except InvalidInputError as e:
                raise InvalidInputError(f"event #{i}: {e}") from e
    finally:
        _ADOPTING.reset(token)
    return out


def events_to_json(events: Iterable[Event]) -> list[EventDict]:
    """Serialize events in order (Rasa's wire shape)."""
    return [e.to_json() for e in events]
