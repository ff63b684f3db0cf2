"""Rasa 3.x stories and rules as plain values, for the dialogue engine to consume.

Follows the Rasa 3.x format (https://rasa.com/docs/rasa/stories,
https://rasa.com/docs/rasa/rules): steps are ``intent`` (with ``entities``),
``user`` (end-to-end text, annotations allowed), ``action``, ``bot``,
``slot_was_set``, ``active_loop``, ``checkpoint`` and ``or``; rules also have
``condition`` (``active_loop`` / ``slot_was_set`` steps),
``wait_for_user_input`` (default true) and ``conversation_start``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.nlu.annotations import parse_example
from assistant.nlu.yaml_io import LineDict, LineList, Reporter, to_plain

__all__ = [
    "ActionStep",
    "ActiveLoopStep",
    "CheckpointStep",
    "IntentStep",
    "OrStep",
    "Rule",
    "SlotValue",
    "SlotWasSetStep",
    "Step",
    "Story",
    "StoryEntity",
    "read_rules",
    "read_stories",
]


@dataclass(frozen=True)
class StoryEntity:
    """An entity in a story's user turn (``- entity_name: value``); ``any_value`` for the bare ``- entity_name`` form."""

    entity: str
    value: Any = None
    role: str | None = None
    group: str | None = None
    any_value: bool = False


@dataclass(frozen=True)
class IntentStep:
    """A user turn: ``intent`` and/or end-to-end ``user`` text (plain, with ``entities`` from its annotations)."""

    intent: str | None
    entities: tuple[StoryEntity, ...] = ()
    user: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ActionStep:
    """A bot turn: an ``action`` name or end-to-end ``bot`` text."""

    action: str | None
    bot: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class SlotValue:
    """``slot_was_set`` entry; ``any_value`` for the bare ``- slot_name`` form."""

    slot: str
    value: Any = None
    any_value: bool = False


@dataclass(frozen=True)
class SlotWasSetStep:
    """Slots the story expects to have been set."""

    slots: tuple[SlotValue, ...]
    source: str | None = None


@dataclass(frozen=True)
class ActiveLoopStep:
    """``active_loop: name``; ``name`` None for ``active_loop: null`` (the loop ended)."""

    name: str | None
    source: str | None = None


@dataclass(frozen=True)
class CheckpointStep:
    """A checkpoint joining stories."""

    name: str
    source: str | None = None


@dataclass(frozen=True)
class OrStep:
    """Any one of the alternatives (user turns or slot_was_set steps)."""

    alternatives: tuple[IntentStep | SlotWasSetStep, ...]
    source: str | None = None


Step = IntentStep | ActionStep | SlotWasSetStep | ActiveLoopStep | CheckpointStep | OrStep


@dataclass(frozen=True)
class Story:
    """A story: its name, steps and metadata."""

    name: str
    steps: tuple[Step, ...]
    metadata: dict[str, Any] | None = None
    source: str | None = None


@dataclass(frozen=True)
class Rule:
    """A rule: ``condition`` steps that must hold before it applies, and its steps."""

    name: str
    steps: tuple[Step, ...]
    condition: tuple[Step, ...] = ()
    wait_for_user_input: bool = True
    conversation_start: bool = False
    metadata: dict[str, Any] | None = None
    source: str | None = None


def _entities(value: Any, src: str, reporter: Reporter) -> tuple[StoryEntity, ...]:
    """Rasa's story entities: ``- name`` (any value), or ``- name: value`` with optional ``role``/``group`` keys."""
    out = []
    for e in value if isinstance(value, list) else []:
        if isinstance(e, str):
            out.append(StoryEntity(str(e), any_value=True))
            continue
        if not isinstance(e, dict):
            reporter.error("story-format", f"entity {e!r}: write '- name: value' (optionally with role: and group:)", src)
            continue
        role, group = e.get("role"), e.get("group")
        for k, v in e.items():
            if k not in ("role", "group"):
                out.append(StoryEntity(str(k), to_plain(v), None if role is None else str(role), None if group is None else str(group)))
    return tuple(out)


def _slots(value: Any, src: str, reporter: Reporter) -> tuple[SlotValue, ...]:
    out = []
    for s in value if isinstance(value, list) else [value]:
        if isinstance(s, str):
            out.append(SlotValue(str(s), any_value=True))
        elif isinstance(s, dict):
            out.extend(SlotValue(str(k), to_plain(v)) for k, v in s.items())
        else:
            reporter.error("story-format", f"slot_was_set entry {s!r}: write '- slot_name: value'", src)
    return tuple(out)


def _step(item: Any, src: str, reporter: Reporter) -> Step | None:
    if not isinstance(item, dict):
        reporter.error("story-format", f"step {item!r} must be a mapping like 'intent: x' or 'action: y'", src)
        return None
    if "intent" in item or "user" in item:
        user = item.get("user")
        entities = _entities(item.get("entities"), src, reporter)
        if isinstance(user, str):
            parsed = parse_example(str(user).strip())
            for p in parsed.problems:
                reporter.error("annotation-syntax", p, src)
            entities += tuple(StoryEntity(e.entity, e.value, e.role, e.group) for e in parsed.entities)
            user = parsed.text
        intent = item.get("intent")
        return IntentStep(None if intent is None else str(intent), entities, user, src)
    if "action" in item or "bot" in item:
        action, bot = item.get("action"), item.get("bot")
        return ActionStep(None if action is None else str(action), None if bot is None else str(bot), src)
    if "slot_was_set" in item:
        return SlotWasSetStep(_slots(item["slot_was_set"], src, reporter), src)
    if "active_loop" in item:
        loop = item["active_loop"]
        return ActiveLoopStep(None if loop is None else str(loop), src)
    if "checkpoint" in item:
        return CheckpointStep(str(item["checkpoint"]), src)
    if "or" in item:
        alts = []
        for alt, line in _lines(item["or"], src):
            s = _step(alt, line, reporter)
            if isinstance(s, IntentStep | SlotWasSetStep):
                alts.append(s)
            elif s is not None:
                reporter.error("story-format", "'or' alternatives must be intents or slot_was_set", line)
        return OrStep(tuple(alts), src)
    reporter.error("story-format", f"unknown step keys {sorted(map(str, item))}", src,
                   "use intent, user, action, bot, slot_was_set, active_loop, checkpoint or or")
    return None


def _lines(value: Any, default_src: str) -> list[tuple[Any, str]]:
    if not isinstance(value, list):
        return []
    path = default_src.rsplit(":", 1)[0]
    lines = value.item_lines if isinstance(value, LineList) else None
    return [(v, f"{path}:{lines[i]}" if lines else default_src) for i, v in enumerate(value)]


def _steps(value: Any, src: str, reporter: Reporter) -> tuple[Step, ...]:
    out = []
    for item, line in _lines(value, src):
        s = _step(item, line, reporter)
        if s is not None:
            out.append(s)
    return tuple(out)


def _blocks(value: Any, key: str, path: Path, reporter: Reporter) -> list[tuple[LineDict, str]]:
    out = []
    for item, src in _lines(value, f"{path}:1"):
        if isinstance(item, LineDict) and key in item:
            out.append((item, f"{path}:{item.key_lines.get(key, item.line)}"))
        else:
            reporter.error("story-format", f"each item under '{key}s' needs a '{key}:' name", src)
    return out


def read_stories(value: Any, path: Path, reporter: Reporter) -> list[Story]:
    """The stories of one file's ``stories:`` list."""
    return [
        Story(str(b[("story")]), _steps(b.get("steps"), src, reporter), to_plain(b.get("metadata")), src)
        for b, src in _blocks(value, "story", path, reporter)
    ]


def read_rules(value: Any, path: Path, reporter: Reporter) -> list[Rule]:
    """The rules of one file's ``rules:`` list."""
    out = []
    for b, src in _blocks(value, "rule", path, reporter):
        condition = _steps(b.get("condition"), src, reporter)
        for c in condition:
            if not isinstance(c, ActiveLoopStep | SlotWasSetStep):
                reporter.error("rule-format", f"rule {b['rule']!r}: a condition holds only active_loop and slot_was_set steps", c.source or src)
        out.append(Rule(str(b["rule"]), _steps(b.get("steps"), src, reporter), condition, b.get("wait_for_user_input", True) is not False,
                        bool(b.get("conversation_start", False)), to_plain(b.get("metadata")), src))
    return out
