"""Story-driven next-action prediction: Rasa's MemoizationPolicy, and a suffix look-up standing in for TEDPolicy.

A Rasa project with no ``config.yml`` runs Rasa's default policies: ``MemoizationPolicy``,
``RulePolicy``, ``UnexpecTEDIntentPolicy`` and ``TEDPolicy`` (max_history 5)
(https://rasa.com/docs/rasa/policies). Stories (``data/stories``) reach a conversation only
through the first and the last of these.

A conversation is read as Rasa featurizes it (``rasa/shared/core/domain.py``
``get_active_state``): one *state* before every action, made of

* ``prev_action``: the previous action's name;
* ``user``: the latest message's intent (``nlu_fallback`` below ``intent_threshold``, Rasa's
  FallbackClassifier) and the names of its entities that the intent uses (``use_entities`` /
  ``ignore_entities``; ``entity#role`` and ``entity#group`` too), as in Rasa's
  ``_get_featurized_entities``;
* ``active_loop``: the active form's name;
* ``slots``: the slots with ``influence_conversation`` as Rasa featurizes them: text, list
  and any other type → set or not; bool → its value; categorical → the value lowercased
  (one not listed → ``__other__``); float → its value.

Events are read as Rasa's ``DialogueStateTracker.applied_events`` reads them: since the latest
restart / session start, and a form's repeated executions collapse into one (the user turns that
answered the form's questions are dropped, their slots kept), so a story that writes a form as
``- action: f`` / ``- active_loop: f`` / ``- active_loop: null`` matches a live form that
asked several questions.

:class:`MemoizationPolicy` predicts the action that followed the last ``max_history`` states
in a story, exactly (Rasa's MemoizationPolicy: a shorter history only matches a story's start).
:class:`StorySuffixPolicy` is our stand-in for TEDPolicy, which generalises over stories with a
transformer we do not ship: the longest run of recent states (at most ``max_history``, at least
those since the latest user message) seen anywhere in a story predicts the action that most
often followed it there. Both predict ``action_listen`` where a story waits for the user.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    SlotSet,
    UserUttered,
)
from assistant.dialogue.forms import implicit_slot_events
from assistant.dialogue.policies import Prediction
from assistant.dialogue.rules import NLU_FALLBACK
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.domain import Domain
from assistant.nlu.stories import ActionStep, ActiveLoopStep, IntentStep, OrStep, SlotWasSetStep, Story

__all__ = ["DEFAULT_MAX_HISTORY", "MemoizationPolicy", "State", "StoryLookup", "StorySuffixPolicy", "states_of_events"]

#: Rasa's default ``max_history`` (``rasa.shared.core.constants.DEFAULT_MAX_HISTORY``).
DEFAULT_MAX_HISTORY = 5
_OTHER = "__other__"


@dataclass(frozen=True)
class State:
    """One featurized state (what Rasa's policies see before an action)."""

    prev_action: str | None
    intent: str | None
    entities: frozenset[str]
    active_loop: str | None
    slots: tuple[tuple[str, Any], ...]


class _Featurizer:
    """Reads events into states, for one domain and one intent threshold."""

    def __init__(self, domain: Domain, intent_threshold: float) -> None:
        self.domain = domain
        self.threshold = intent_threshold
        self.slot_defs = {n: s for n, s in domain.slots.items() if s.influence_conversation and s.type != "any"}
        self.entity_ok = {n for n, e in domain.entity_defs.items() if e.influence_conversation}

    def slot_feature(self, name: str, value: Any) -> Any:
        slot = self.slot_defs[name]
        if value is None:
            return None
        if slot.type == "bool":
            return bool(value)
        if slot.type == "categorical":
            text = str(value).lower()
            return text if text in {str(v).lower() for v in slot.values} else _OTHER
        if slot.type == "float":
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
        if slot.type == "list":
            return True if value else None
        return True

    def entities(self, intent: str | None, entities: Iterable[dict[str, Any]]) -> frozenset[str]:
        names: set[str] = set()
        for e in entities:
            name = e.get("entity")
            if not isinstance(name, str):
                continue
            names.add(name)
            for key in ("role", "group"):
                if e.get(key) is not None:
                    names.add(f"{name}#{e[key]}")
        names = {n for n in names if n.split("#", 1)[0] in self.entity_ok}
        spec = self.domain.intent_defs.get(intent or "")
        if spec is not None:
            if spec.use_entities is not None:
                names = {n for n in names if n.split("#", 1)[0] in spec.use_entities or n in spec.use_entities}
            names = {n for n in names if n.split("#", 1)[0] not in spec.ignore_entities}
        return frozenset(names)

    def states(self, events: Sequence[Event]) -> tuple[list[State], list[str]]:
        """The state before each action of ``events`` (already applied events), and the actions."""
        prev: str | None = None
        intent: str | None = None
        ents: frozenset[str] = frozenset()
        loop: str | None = None
        slots: dict[str, Any] = {}
        states: list[State] = []
        actions: list[str] = []

        def now() -> State:
            return State(prev, intent, ents, loop, tuple(sorted((k, v) for k, v in slots.items() if v is not None)))

        for e in events:
            if isinstance(e, ActionExecuted):
                if e.action_name in (None, ACTION_SESSION_START_NAME):
                    continue
                states.append(now())
                actions.append(e.action_name)
                prev = e.action_name
            elif isinstance(e, UserUttered):
                conf = float(e.intent.get("confidence") or 0.0)
                intent = e.intent_name if e.intent_name and conf >= self.threshold else NLU_FALLBACK
                ents = self.entities(intent, e.entities)
            elif isinstance(e, SlotSet) and e.name in self.slot_defs:
                slots[e.name] = self.slot_feature(e.name, e.value)
            elif isinstance(e, ActiveLoop):
                loop = e.name
        states.append(now())
        return states, actions


def collapse_loops(events: Sequence[Event]) -> list[Event]:
    """Rasa's ``applied_events`` loop handling: a form executed again (not on an unhappy path) drops the
    actions and user turns since its previous execution, and the execution itself; other events stay.

    ``events`` are already applied (restarts, session starts and rewinds handled).
    """
    loops = {e.name for e in events if isinstance(e, ActiveLoop) and e.name}
    out: list[Event] = []
    for e in events:
        if isinstance(e, ActionExecuted) and e.action_name in loops and not _first_or_unhappy(str(e.action_name), out):
            offset = 0
            for prior in reversed(out[:]):
                if isinstance(prior, ActionExecuted) and prior.action_name == e.action_name:
                    break
                if isinstance(prior, ActionExecuted | UserUttered):
                    del out[len(out) - 1 - offset]
                else:
                    offset += 1
        else:
            out.append(e)
    return out


def _first_or_unhappy(loop: str, done: list[Event]) -> bool:
    following: str | None = None
    for e in reversed(done):
        if isinstance(e, ActiveLoop) and e.name is None:
            return True
        if isinstance(e, ActionExecutionRejected) and e.action_name == loop:
            return True
        if isinstance(e, UserUttered) and following is not None and following != loop:
            return True
        if isinstance(e, ActionExecuted):
            if e.action_name == loop:
                return False
            following = e.action_name
    return True


def states_of_events(events: Sequence[Event], domain: Domain, intent_threshold: float) -> tuple[list[State], list[str]]:
    """States before each action of applied ``events`` plus the current one (last), and the actions taken."""
    return _Featurizer(domain, intent_threshold).states(collapse_loops(events))


def _story_events(story: Story, domain: Domain) -> Iterable[list[Event]]:
    """The events of a story (one list per combination of its ``or`` alternatives, at most 16), with a Rasa 2.x
    project's implicitly set slots after each user turn (:func:`~assistant.dialogue.forms.implicit_slot_events`)."""
    variants: list[list[Event]] = [[ActionExecuted(ACTION_LISTEN_NAME)]]
    last_was_action = False
    for step in story.steps:
        if isinstance(step, OrStep):
            options = [_user_events(a, domain) for a in step.alternatives if isinstance(a, IntentStep)]
            options += [[SlotSet(v.slot, v.value if not v.any_value else True) for v in a.slots]
                        for a in step.alternatives if isinstance(a, SlotWasSetStep)]
            if options and any(isinstance(a, IntentStep) for a in step.alternatives) and last_was_action:
                variants = [v + [ActionExecuted(ACTION_LISTEN_NAME)] for v in variants]
            if options:
                variants = [v + o for v in variants for o in options][:16]
            if any(isinstance(a, IntentStep) for a in step.alternatives):
                last_was_action = False
            continue
        if isinstance(step, IntentStep):
            add: list[Event] = ([ActionExecuted(ACTION_LISTEN_NAME)] if last_was_action else []) + _user_events(step, domain)
            last_was_action = False
        elif isinstance(step, ActionStep):
            if step.action is None:
                continue  # an end-to-end ``bot:`` step names no action
            add = [ActionExecuted(step.action)]
            last_was_action = True
        elif isinstance(step, SlotWasSetStep):
            add = [SlotSet(v.slot, True if v.any_value else v.value) for v in step.slots]
        elif isinstance(step, ActiveLoopStep):
            add = [ActiveLoop(step.name)]
        else:
            continue
        variants = [v + add for v in variants]
    if last_was_action:  # the bot then waits for the user
        variants = [v + [ActionExecuted(ACTION_LISTEN_NAME)] for v in variants]
    return variants


def _user_events(step: IntentStep, domain: Domain) -> list[Event]:
    ents = [{"entity": e.entity, "value": e.value, **({"role": e.role} if e.role else {}),
             **({"group": e.group} if e.group else {})} for e in step.entities]
    return [UserUttered(step.user, {"intent": {"name": step.intent, "confidence": 1.0}, "entities": ents}),
            *implicit_slot_events(domain, ents)]


class StoryLookup:
    """What followed each run of states in the stories.

    Args:
        stories: the project's stories (``data/stories``); rules are the RulePolicy's.
        domain: the domain (slots, entities, intents' ``use_entities``).
        intent_threshold: below it a live message reads as ``nlu_fallback``.
        max_history: how many states a key holds at most (Rasa's default 5).
    """

    def __init__(self, stories: Sequence[Story], domain: Domain, intent_threshold: float,
                 max_history: int = DEFAULT_MAX_HISTORY) -> None:
        self.domain = domain
        self.max_history = max_history
        self.threshold = intent_threshold
        self.exact: dict[tuple[State, ...], Counter[str]] = {}
        self.suffix: dict[tuple[State, ...], Counter[str]] = {}
        for story in stories:
            for events in _story_events(story, domain):
                states, actions = states_of_events(events, domain, 0.0)
                for i, action in enumerate(actions):
                    history = states[: i + 1]
                    self.exact.setdefault(tuple(history[-max_history:]), Counter())[action] += 1
                    for n in range(1, min(max_history, len(history)) + 1):
                        self.suffix.setdefault(tuple(history[-n:]), Counter())[action] += 1

    def __bool__(self) -> bool:
        return bool(self.exact)

    def history(self, tracker: DialogueStateTracker) -> list[State]:
        """The tracker's states, the current one last."""
        states, _ = states_of_events(tracker.applied_events(), self.domain, self.threshold)
        return states

    def recall(self, history: list[State]) -> str | None:
        """MemoizationPolicy: the action after exactly the last ``max_history`` states, or None."""
        seen = self.exact.get(tuple(history[-self.max_history:]))
        return _unique(seen)

    def recall_suffix(self, history: list[State]) -> str | None:
        """The action after the longest run of recent states seen in a story, or None.

        The run covers at least the states since the latest user message (capped at ``max_history``).
        """
        turn = next((k + 1 for k, s in enumerate(reversed(history)) if s.prev_action == ACTION_LISTEN_NAME), len(history))
        shortest = min(max(turn, 1), self.max_history)
        for n in range(min(self.max_history, len(history)), shortest - 1, -1):
            seen = self.suffix.get(tuple(history[-n:]))
            if seen:
                return seen.most_common(1)[0][0]
        return None


def _unique(seen: Counter[str] | None) -> str | None:
    if not seen:
        return None
    (first, n), *rest = seen.most_common(2)
    return first if not rest or rest[0][1] < n else None


class MemoizationPolicy:
    """Rasa's MemoizationPolicy over the project's stories (see the module docstring)."""

    name = "MemoizationPolicy"

    def __init__(self, lookup: StoryLookup) -> None:
        self.lookup = lookup

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """The memorised next action, or None."""
        if not self.lookup:
            return None
        action = self.lookup.recall(self.lookup.history(tracker))
        return Prediction(action, self.name) if action is not None else None


class StorySuffixPolicy:
    """Stand-in for Rasa's TEDPolicy: the longest recent run of states seen in a story (module docstring)."""

    name = "StorySuffixPolicy"

    def __init__(self, lookup: StoryLookup) -> None:
        self.lookup = lookup

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """The action that most often followed, or None."""
        if not self.lookup:
            return None
        action = self.lookup.recall_suffix(self.lookup.history(tracker))
        return Prediction(action, self.name, 0.5) if action is not None else None
