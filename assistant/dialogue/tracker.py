"""The dialogue state tracker: a conversation's state, rebuilt by applying its events.

Semantics follow Rasa's ``DialogueStateTracker`` (``rasa/shared/core/trackers.py``):
the event list is append-only; ``restart`` and ``session_started`` reset the
state (history is kept); ``rewind`` / ``undo`` reset and replay the applied
events; :meth:`DialogueStateTracker.current_state` has the shape of Rasa's
``GET /conversations/{id}/tracker`` response.

Sessions (Rasa's ``session_config``): a new session starts when the tracker has
no applied events or when the latest user message is older than
``session_expiration_time`` minutes; :meth:`DialogueStateTracker.start_session`
appends Rasa's session-start sequence ``action_session_start``,
``session_started``, the carried-over ``slot`` events, ``action_listen``.

Persistence: :func:`load_tracker` / :func:`save_tracker` convert between the
tracker and a :class:`~assistant.stores.trackers.TrackerStore` (which stores
plain event dicts). ``save_tracker`` writes only the events appended since the
tracker was loaded or last saved, guarded by their sequence number, so
re-saving never duplicates an event.

Example:
    >>> t = DialogueStateTracker("u1", {"age": {"type": "float", "initial_value": None}})
    >>> t.update(SlotSet("age", 67))
    >>> t.get_slot("age")
    67
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    EntitiesAdded,
    Event,
    EventDict,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
    UserUtteranceReverted,
    events_from_json,
)
from assistant.errors import InvalidInputError
from assistant.stores.trackers import TrackerStore

logger = logging.getLogger(__name__)

#: Slot definitions: ``{name: {"type": "text", "initial_value": None, ...}}`` or
#: ``{name: obj}`` where ``obj`` has an ``initial_value`` attribute (the domain's slot objects).
SlotDefinitions = Mapping[str, Any]

_EMPTY_MESSAGE = UserUttered(None, timestamp=0.0)


class EventVerbosity(Enum):
    """Which events :meth:`DialogueStateTracker.current_state` includes (Rasa's ``include_events``)."""

    NONE = "NONE"
    APPLIED = "APPLIED"
    AFTER_RESTART = "AFTER_RESTART"
    ALL = "ALL"


@dataclass
class TrackerActiveLoop:
    """The active form: its name, whether a digression interrupted it, whether it
    rejected the last turn, and the parse data of the message that activated it."""

    name: str
    is_interrupted: bool = False
    rejected: bool = False
    trigger_message: dict[str, Any] | None = None


@dataclass(frozen=True)
class SessionConfig:
    """Rasa's ``session_config``.

    Attributes:
        session_expiration_time: minutes of user inactivity after which the next
            message starts a new session; ``0`` disables expiry. Rasa's default is 60.
        carry_over_slots: copy the slots set in the old session into the new one.
    """

    session_expiration_time: float = 60.0
    carry_over_slots: bool = True

    @property
    def sessions_enabled(self) -> bool:
        """Whether sessions expire at all."""
        return self.session_expiration_time > 0


def _initial_value(definition: Any) -> Any:
    if isinstance(definition, Mapping):
        return copy.deepcopy(definition.get("initial_value"))
    return copy.deepcopy(getattr(definition, "initial_value", None))


class DialogueStateTracker:
    """One conversation: its events and the state they produce.

    Args:
        sender_id: the conversation id.
        slots: slot definitions (see :data:`SlotDefinitions`). ``None`` accepts any
            slot name (Rasa's ``AnySlotDict``); with definitions, setting an unknown
            slot is logged and ignored, as in Rasa.

    Attributes:
        events: every event, in order (append-only; includes reverted ones).
        stored_event_count: how many leading events are known to be in the
            tracker store (set by :func:`load_tracker` / :func:`save_tracker`).
        followup_action: the action forced next (``action_listen`` after a reset,
            ``action_session_start`` after a restart), or ``None``.
        idempotency_key: set only while a custom action runs: the key of that action call
            (:func:`assistant.dialogue.effects.effect_key`), sent with the action call; not an event.
    """

    def __init__(self, sender_id: str, slots: SlotDefinitions | None = None) -> None:
        if not isinstance(sender_id, str) or not sender_id:
            raise InvalidInputError("a tracker needs a non-empty sender_id")
        self.sender_id = sender_id
        self.events: list[Event] = []
        self.stored_event_count = 0
        self._any_slot = slots is None
        self._initial: dict[str, Any] = {k: _initial_value(v) for k, v in (slots or {}).items()}
        self._slots: dict[str, Any] = {}
        self._paused = False
        self.latest_action: dict[str, str] = {}
        self.latest_message: UserUttered | None = _EMPTY_MESSAGE
        self._latest_entities: list[dict[str, Any]] = []
        self.latest_bot_utterance: BotUttered | None = None
        self.followup_action: str | None = ACTION_LISTEN_NAME
        self.idempotency_key: str | None = None
        self.active_loop: TrackerActiveLoop | None = None
        self._reset()

    def __deepcopy__(self, memo: dict[int, Any]) -> DialogueStateTracker:
        """A copy whose state (slots, loop, latest action and entities …) is its own while the events are shared.

        Events are immutable records (frozen dataclasses whose dicts nothing mutates; every accessor hands out deep
        copies), so the copy holds a new list of the same event objects. A form asks each question over such a copy
        (``assistant.dialogue.forms``), and deep-copying every event of a long conversation had cost ~110 ms a turn at
        900 events (120 questions). Updating the copy never changes this tracker.
        """
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        for key, value in vars(self).items():
            if key == "events":
                clone.__dict__[key] = list(value)
            elif isinstance(value, Event):
                clone.__dict__[key] = value
            else:
                clone.__dict__[key] = copy.deepcopy(value, memo)
        return clone

    # --- construction -------------------------------------------------------------------------------

    @classmethod
    def from_events(cls, sender_id: str, events: Iterable[Event], slots: SlotDefinitions | None = None) -> DialogueStateTracker:
        """A tracker with ``events`` applied in order."""
        tracker = cls(sender_id, slots)
        tracker.update_with_events(events)
        return tracker

    @classmethod
    def from_dicts(
        cls, sender_id: str, events: Iterable[Mapping[str, Any]], slots: SlotDefinitions | None = None, *,
        adopt: bool = False,
    ) -> DialogueStateTracker:
        """A tracker from event dicts in Rasa's wire shape (``adopt``: the dicts are handed over, not copied; see
        :func:`~assistant.dialogue.events.events_from_json`).

        Raises:
            InvalidInputError: a malformed event (the message names its index).
        """
        return cls.from_events(sender_id, events_from_json(events, adopt=adopt), slots)

    # --- updating -----------------------------------------------------------------------------------

    def update(self, event: Event) -> None:
        """Append ``event`` and apply it to the state."""
        if not isinstance(event, Event):
            raise InvalidInputError(f"tracker.update needs an Event, got {type(event).__name__}")
        self.events.append(event)
        self._apply(event)

    def update_with_events(self, events: Iterable[Event]) -> None:
        """Append and apply several events in order."""
        for e in events:
            self.update(e)

    def _apply(self, e: Event) -> None:  # noqa: C901 - one branch per event type, as in Rasa's apply_to
        if isinstance(e, UserUttered):
            self.latest_message = e
            self._latest_entities = list(e.entities)
            self.followup_action = None
        elif isinstance(e, ActionExecuted):
            self._set_latest_action(e)
        elif isinstance(e, BotUttered):
            self.latest_bot_utterance = e
        elif isinstance(e, SlotSet):
            self._set_slot(e.name, e.value)
        elif isinstance(e, Restarted):
            self._reset()
            self.followup_action = ACTION_SESSION_START_NAME
        elif isinstance(e, SessionStarted):
            self._reset()
        elif isinstance(e, (UserUtteranceReverted, ActionReverted)):
            self._reset()
            for applied in self.applied_events():
                self._apply(applied)
        elif isinstance(e, AllSlotsReset):
            self._reset_slots()
        elif isinstance(e, ActiveLoop):
            trigger = copy.deepcopy(self.latest_message.parse_data) if self.latest_message else None
            self.active_loop = TrackerActiveLoop(e.name, trigger_message=trigger) if e.name else None
        elif isinstance(e, LoopInterrupted):
            if self.active_loop is not None:
                self.active_loop.is_interrupted = e.is_interrupted
        elif isinstance(e, ActionExecutionRejected):
            if self.active_loop is not None and e.action_name == self.active_loop.name:
                self.active_loop.rejected = True
        elif isinstance(e, FollowupAction):
            self.followup_action = e.action_name
        elif isinstance(e, ConversationPaused):
            self._paused = True
        elif isinstance(e, ConversationResumed):
            self._paused = False
        elif isinstance(e, EntitiesAdded):
            # entities belong to the latest user message only, i.e. right after action_listen (Rasa)
            if self.latest_action_name == ACTION_LISTEN_NAME and self.latest_message is not None:
                self._latest_entities.extend(x for x in e.entities if x not in self._latest_entities)
        # reminders, handoff and featurization hints are recorded but change no state

    def _reset(self) -> None:
        """Initial state; the event list is kept."""
        self._reset_slots()
        self._paused = False
        self.latest_action = {}
        self.latest_message = _EMPTY_MESSAGE
        self._latest_entities = []
        self.latest_bot_utterance = None
        self.followup_action = ACTION_LISTEN_NAME
        self.active_loop = None

    def _reset_slots(self) -> None:
        self._slots = copy.deepcopy(self._initial)

    def _set_slot(self, name: str, value: Any) -> None:
        if self._any_slot or name in self._initial:
            self._slots[name] = copy.deepcopy(value)
        else:
            logger.warning("unknown slot ignored", extra={"conversation_id": self.sender_id, "slot": name})

    def _set_latest_action(self, e: ActionExecuted) -> None:
        self.latest_action = {"action_name": e.action_name} if e.action_name else {"action_text": e.action_text or ""}
        self.followup_action = None
        if self.active_loop is not None:
            self.active_loop.is_interrupted = False
            if e.action_name == self.active_loop.name:
                self.active_loop.rejected = False

    # --- reading state ------------------------------------------------------------------------------

    @property
    def slots(self) -> dict[str, Any]:
        """Current slot values by name (a copy)."""
        return copy.deepcopy(self._slots)

    def get_slot(self, name: str) -> Any:
        """A slot's current value (``None`` when unset or unknown)."""
        return copy.deepcopy(self._slots.get(name))

    @property
    def paused(self) -> bool:
        """True while a human has the conversation (between ``pause`` and ``resume``)."""
        return self._paused

    def is_paused(self) -> bool:
        """Same as :attr:`paused` (Rasa's name)."""
        return self._paused

    @property
    def active_loop_name(self) -> str | None:
        """The active form's name, or ``None``."""
        return self.active_loop.name if self.active_loop else None

    @property
    def latest_action_name(self) -> str | None:
        """Name (or end-to-end text) of the latest executed action."""
        return self.latest_action.get("action_name") or self.latest_action.get("action_text")

    @property
    def latest_entities(self) -> list[dict[str, Any]]:
        """Entities of the latest user message, including those added by ``entities`` events."""
        return copy.deepcopy(self._latest_entities)

    def latest_message_data(self) -> dict[str, Any] | None:
        """The latest user message's parse data with every entity (Rasa's ``latest_message``)."""
        if self.latest_message is None:
            return None
        data = copy.deepcopy(self.latest_message.parse_data)
        data["entities"] = self.latest_entities
        return data

    def get_latest_entity_values(self, entity_type: str, role: str | None = None, group: str | None = None) -> Iterator[Any]:
        """Values of the latest message's entities of ``entity_type`` (and role/group)."""
        for x in self._latest_entities:
            if x.get("entity") == entity_type and x.get("role") == role and x.get("group") == group:
                yield x.get("value")

    def get_latest_input_channel(self) -> str | None:
        """The channel of the latest ``user`` event."""
        for e in reversed(self.events):
            if isinstance(e, UserUttered):
                return e.input_channel
        return None

    @property
    def latest_event_time(self) -> float | None:
        """Timestamp of the last event."""
        return self.events[-1].timestamp if self.events else None

    @property
    def session_start_time(self) -> float | None:
        """Timestamp of the latest ``session_started`` event."""
        for e in reversed(self.events):
            if isinstance(e, SessionStarted):
                return e.timestamp
        return None

    def idx_after_latest_restart(self) -> int:
        """Index just after the latest ``restart`` (0 when never restarted)."""
        for i in range(len(self.events) - 1, -1, -1):
            if isinstance(self.events[i], Restarted):
                return i + 1
        return 0

    def events_after_latest_restart(self) -> list[Event]:
        """Events after the latest ``restart``, including reverted ones."""
        return self.events[self.idx_after_latest_restart() :]

    def slots_before_latest_message(self) -> dict[str, Any]:
        """Slot values set by the applied events before the latest user message (``{slot: value}``; a slot never set
        is absent): what a rejected or corrected value falls back to or is compared with."""
        values: dict[str, Any] = {}
        snapshot: dict[str, Any] = {}
        for e in self.applied_events():
            if isinstance(e, UserUttered):
                snapshot = dict(values)
            elif isinstance(e, SlotSet):
                values[e.name] = e.value
        return snapshot

    def applied_events(self) -> list[Event]:
        """Events that make up the current state: since the latest restart or session
        start, without the turns undone by ``rewind`` and ``undo``.

        (Rasa also drops repeated form executions here to featurize ML policies;
        we have no such policies, so that step is left out.)
        """
        applied: list[Event] = []
        for e in self.events:
            if isinstance(e, (Restarted, SessionStarted)):
                applied = []
            elif isinstance(e, ActionReverted):
                _undo_till(ActionExecuted, applied)
            elif isinstance(e, UserUtteranceReverted):
                _undo_till(UserUttered, applied)
                _undo_till(ActionExecuted, applied)
            else:
                applied.append(e)
        return applied

    def new_events(self) -> list[Event]:
        """Events appended since the tracker was loaded from or saved to the store."""
        return self.events[self.stored_event_count :]

    def current_state(self, verbosity: EventVerbosity = EventVerbosity.AFTER_RESTART) -> dict[str, Any]:
        """The tracker as Rasa's ``GET /conversations/{id}/tracker`` returns it.

        Keys: ``sender_id``, ``slots``, ``latest_message``, ``latest_event_time``,
        ``followup_action``, ``paused``, ``events`` (``None`` for
        ``EventVerbosity.NONE``), ``latest_input_channel``, ``active_loop``
        (``{}`` when none), ``latest_action``, ``latest_action_name``.
        """
        chosen = {
            EventVerbosity.ALL: lambda: list(self.events),
            EventVerbosity.AFTER_RESTART: self.events_after_latest_restart,
            EventVerbosity.APPLIED: self.applied_events,
        }.get(verbosity)
        return {
            "sender_id": self.sender_id,
            "slots": self.slots,
            "latest_message": self.latest_message_data(),
            "latest_event_time": self.latest_event_time,
            "followup_action": self.followup_action,
            "paused": self._paused,
            "events": [e.to_json() for e in chosen()] if chosen else None,
            "latest_input_channel": self.get_latest_input_channel(),
            "active_loop": dataclasses.asdict(self.active_loop) if self.active_loop else {},
            "latest_action": dict(self.latest_action),
            "latest_action_name": self.latest_action_name,
        }

    def events_as_json(self) -> list[EventDict]:
        """Every event in Rasa's wire shape."""
        return [e.to_json() for e in self.events]

    # --- sessions -----------------------------------------------------------------------------------

    def has_session_expired(self, config: SessionConfig, now: float | None = None) -> bool:
        """Whether the latest applied user message is older than the expiration time (Rasa's rule)."""
        if not config.sessions_enabled:
            return False
        last_user = next((e for e in reversed(self.applied_events()) if isinstance(e, UserUttered)), None)
        if last_user is None:
            return False
        now = time.time() if now is None else now
        return now - last_user.timestamp > config.session_expiration_time * 60

    def needs_session_start(self, config: SessionConfig, now: float | None = None) -> bool:
        """True for a new (or restarted) conversation and for an expired session."""
        return not self.applied_events() or self.has_session_expired(config, now)

    def start_session(self, config: SessionConfig, now: float | None = None) -> list[Event]:
        """Append Rasa's session-start sequence and return the appended events.

        ``action_session_start``, ``session_started``, one ``slot`` event per slot
        set in the ending session (when ``carry_over_slots``), ``action_listen``.
        """
        now = time.time() if now is None else now
        carried = [
            SlotSet(e.name, copy.deepcopy(e.value), timestamp=now, metadata=copy.deepcopy(e.metadata))
            for e in self.applied_events()
            if isinstance(e, SlotSet)
        ] if config.carry_over_slots else []
        events: list[Event] = [
            ActionExecuted(ACTION_SESSION_START_NAME, timestamp=now),
            SessionStarted(timestamp=now),
            *carried,
            ActionExecuted(ACTION_LISTEN_NAME, timestamp=now),
        ]
        self.update_with_events(events)
        return events

    def start_session_if_needed(self, config: SessionConfig, now: float | None = None) -> list[Event]:
        """:meth:`start_session` when :meth:`needs_session_start`; else ``[]``."""
        return self.start_session(config, now) if self.needs_session_start(config, now) else []


def _undo_till(kind: type[Event], done: list[Event]) -> None:
    """Drop events from the end of ``done`` up to and including the last ``kind``."""
    while done:
        if isinstance(done.pop(), kind):
            break


def load_tracker(store: TrackerStore, sender_id: str, slots: SlotDefinitions | None = None) -> DialogueStateTracker:
    """Rebuild a conversation's tracker from the store (an empty tracker for an unknown id).

    Raises:
        StoreUnavailableError: the database cannot be reached.
        InvalidInputError: a stored event cannot be parsed (names the conversation).
    """
    records = store.load(sender_id)
    try:  # the store's records are decoded afresh on every load and handed over (TrackerStore.load)
        tracker = DialogueStateTracker.from_dicts(sender_id, records, slots, adopt=True)
    except InvalidInputError as e:
        raise InvalidInputError(f"conversation {sender_id!r}: stored {e}") from e
    tracker.stored_event_count = len(records)
    return tracker


def save_tracker(
    store: TrackerStore, tracker: DialogueStateTracker, *, message_id: str | None = None, reply: Any = None,
    effects: Sequence[Mapping[str, Any]] = (),
) -> int:
    """Write the tracker's new events, exactly once.

    Only events after ``tracker.stored_event_count`` are written, and only if the
    store still holds exactly that many (optimistic concurrency), so saving twice
    writes nothing the second time and a stale tracker cannot overwrite or
    duplicate anything. With ``message_id``, ``reply`` is recorded in the same
    transaction (see :meth:`TrackerStore.append`), and so are ``effects`` (the custom action
    effects whose events these are, :mod:`assistant.dialogue.effects`; only passed when there are some).

    Returns:
        The conversation's event count in the store after saving.

    Raises:
        ConcurrentUpdateError: another writer appended first (reload and redo the turn).
        DuplicateMessageError: ``message_id`` was already processed.
        StoreUnavailableError: the database cannot be reached.
    """
    new = [e.to_json() for e in tracker.new_events()]
    if not new and message_id is None:
        return tracker.stored_event_count
    extra: dict[str, Any] = {"effects": list(effects)} if effects else {}
    count = store.append(tracker.sender_id, new, expected_seq=tracker.stored_event_count, message_id=message_id, reply=reply,
                         **extra)
    tracker.stored_event_count = count
    return count
