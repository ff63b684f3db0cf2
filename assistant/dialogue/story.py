"""A conversation as Rasa 3.x story YAML (``GET /conversations/{id}/story``).

Each session (a ``session_started`` event begins one) becomes one story:
user turns as ``intent`` steps (with their entities), actions as ``action``
steps (``action_listen`` and ``action_session_start`` are implicit, as in
Rasa's export), ``slot_was_set`` and ``active_loop`` steps; the engine's personal-data warning (a
``bot`` event with no action) as ``action: utter_pii_warning``. Sessions without a
user message are left out. Rasa's own export is
``rasa/shared/core/training_data/story_writer/yaml_story_writer.py``.
"""

from __future__ import annotations

from typing import Any

import yaml

from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from assistant.dialogue.tracker import DialogueStateTracker

_IMPLICIT = frozenset({ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME})
#: The engine's warning about a typed resident registration, card or account number (a stored ``bot`` event).
PII_WARNING = "utter_pii_warning"


def _user_step(e: UserUttered) -> dict[str, Any]:
    step: dict[str, Any] = {"intent": e.intent_name or "nlu_fallback"}
    ents = []
    for x in e.entities:
        item: dict[str, Any] = {str(x.get("entity")): x.get("value")}
        for k in ("role", "group"):
            if x.get(k) is not None:
                item[k] = x[k]
        ents.append(item)
    if ents:
        step["entities"] = ents
    return step


def _steps(events: list[Event]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for e in events:
        if isinstance(e, UserUttered):
            steps.append(_user_step(e))
        elif isinstance(e, ActionExecuted) and e.action_name and e.action_name not in _IMPLICIT:
            steps.append({"action": e.action_name})
        elif isinstance(e, BotUttered) and (e.data.get("custom") or {}).get("response") == PII_WARNING:
            steps.append({"action": PII_WARNING})  # said by the engine itself, with no action event
        elif isinstance(e, SlotSet):
            if steps and "slot_was_set" in steps[-1]:
                steps[-1]["slot_was_set"].append({e.name: e.value})
            else:
                steps.append({"slot_was_set": [{e.name: e.value}]})
        elif isinstance(e, ActiveLoop):
            steps.append({"active_loop": e.name})
    return steps


def tracker_to_story_yaml(tracker: DialogueStateTracker) -> str:
    """The conversation's sessions as a ``stories:`` YAML document (``version: "3.1"``)."""
    sessions: list[list[Event]] = [[]]
    for e in tracker.events:
        if isinstance(e, (SessionStarted, Restarted)):
            sessions.append([])
        else:
            sessions[-1].append(e)
    stories: list[dict[str, Any]] = []
    for events in sessions:
        if any(isinstance(e, UserUttered) for e in events):
            stories.append({"story": f"{tracker.sender_id}, story {len(stories) + 1}", "steps": _steps(events)})
    return yaml.safe_dump({"version": "3.1", "stories": stories}, allow_unicode=True, sort_keys=False)
