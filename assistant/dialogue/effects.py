"""Exactly-once side effects of custom actions across a failed save, a crash or a redone turn.

A custom action (a connector's in-process action, or one on an action server) may do something outside the
conversation: submit an application, subscribe to alerts, fetch MyData records. The turn's events are stored
after its actions ran (:mod:`assistant.dialogue.processor`), so the effect can happen and the save then fail
(the database went away, the process was killed, another worker wrote first). The turn is then retried (the
channel redelivers the message id, or the engine redoes it on the new state) and must neither do the effect a
second time nor lose it. Every custom action call of a turn goes through one :class:`EffectJournal`:

1. the call gets a key, :func:`effect_key` of (conversation, turn id, call index in the turn, action name): the
   turn id is the channel's message id (else :func:`assistant.dialogue.processor.turn_key` of the message's text
   and the stored conversation, kept across redos), so a retry of the same turn, or the citizen's re-send of a
   message without id whose turn was never stored, gives the same call the same key. The action receives it (``tracker.idempotency_key``
   in-process, ``"idempotency_key"`` in the tracker JSON and the ``Idempotency-Key`` header over HTTP) and can
   give it to a back end that does one thing per key (the task back end does, per submission key);
2. before calling, the journal looks the key up in the store's outbox (``tracker_effects``): a result recorded
   by an earlier attempt is reused and the action is not called again;
3. right after the call, its result is recorded (its own small transaction, uncommitted);
4. the turn's save marks the turn's effects committed in the same transaction as its events
   (:meth:`~assistant.stores.trackers.SQLTrackerStore.append` with ``effects``);
5. effects still uncommitted when another turn of the conversation starts (a turn that never came back: a
   channel without message ids, a citizen who wrote something else) are delivered first: their events and
   messages are appended before the new message (policy ``recovered``) and committed with it; the same save
   records their turn's message id as processed, answered with the recovered messages, so when the channel
   redelivers that message late (after a restart) it gets them from the store and nothing is appended twice.

What stays with the back end: when the database is already gone at step 3, the result exists only in memory
and the save fails too; the retried turn calls the action again, with the same key, and only a back end that
honours the key does the effect once. Several workers need the shared lock store (as for everything else):
step 5 reads another worker's effects in flight as undelivered ones otherwise.

Source for the pattern: the transactional outbox (C. Richardson, *Microservices Patterns*, 2018, ch. 3.3.7)
and idempotency keys (IETF draft-ietf-httpapi-idempotency-key-header).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from assistant.dialogue.events import ActionExecutionRejected
from assistant.dialogue.executors import ActionResult
from assistant.errors import StoreUnavailableError

logger = logging.getLogger(__name__)


def effect_key(conversation_id: str, turn_id: str, index: int, action_name: str) -> str:
    """The idempotency key of one custom action call: ``"fx-"`` + 40 hex digits of SHA-256 over the four parts.

    Args:
        conversation_id: the sender id. turn_id: the turn's message id (or the engine's turn id).
        index: the call's place among the turn's custom action calls (0-based). action_name: the action.

    Example:
        >>> effect_key("u1", "m-7", 0, "action_submit") == effect_key("u1", "m-7", 0, "action_submit")
        True
        >>> effect_key("u1", "m-7", 0, "action_submit") != effect_key("u1", "m-7", 1, "action_submit")
        True
    """
    raw = "\0".join((conversation_id, turn_id, str(index), action_name)).encode("utf-8")
    return "fx-" + hashlib.sha256(raw).hexdigest()[:40]


@runtime_checkable
class EffectStore(Protocol):
    """What the journal needs of a tracker store (:class:`~assistant.stores.trackers.SQLTrackerStore` has it)."""

    def record_effect(self, sender_id: str, key: str, *, turn_id: str, action_name: str, result: Any) -> bool:
        """Record a call's result, uncommitted."""
        ...

    def effect_result(self, sender_id: str, key: str) -> dict[str, Any] | None:
        """A recorded result, or None."""
        ...

    def pending_effects(self, sender_id: str) -> list[dict[str, Any]]:
        """Uncommitted effects, oldest first."""
        ...


def result_json(result: ActionResult) -> dict[str, Any]:
    """An :class:`ActionResult` as the action-server protocol's JSON (``{"events", "responses"}``)."""
    return {"events": [e.to_json() for e in result.events], "responses": [dict(r) for r in result.responses]}


def result_from_json(name: str, data: dict[str, Any]) -> ActionResult:
    """The :class:`ActionResult` a recorded result describes (read with the action-server parser)."""
    from assistant.dialogue.action_server import parse_action_response

    body = {"events": list(data.get("events") or []), "responses": list(data.get("responses") or [])}
    return parse_action_response(name, 200, json.dumps(body, ensure_ascii=False).encode("utf-8"), url="effect outbox")


@dataclass
class EffectJournal:
    """The custom action calls of one turn (see the module docstring).

    Args:
        store: the tracker store (its outbox); sender_id: the conversation; turn_id: the turn's id.

    Attributes:
        calls: the calls of this turn so far, in order: ``{"key", "turn_id", "action_name", "result"}``.
        adopted: undelivered effects of earlier turns delivered in this one (same shape).
    """

    store: EffectStore
    sender_id: str
    turn_id: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    adopted: list[dict[str, Any]] = field(default_factory=list)

    def run(self, name: str, call: Callable[[str], ActionResult]) -> ActionResult:
        """Do the call ``call(key)`` of action ``name`` once (reuse a recorded result; record a new one).

        Raises:
            whatever ``call`` raises (nothing is recorded then); StoreUnavailableError: the outbox cannot be read.
        """
        key = effect_key(self.sender_id, self.turn_id, len(self.calls), name)
        recorded = self.store.effect_result(self.sender_id, key)
        if recorded is not None:
            logger.info("action call done before: its recorded result is reused, the action is not called again",
                        extra={"conversation_id": self.sender_id, "stage": "action", "action": name})
            self.calls.append({"key": key, "turn_id": self.turn_id, "action_name": name, "result": recorded})
            return result_from_json(name, recorded)
        result = call(key)
        data = result_json(result)
        entry: dict[str, Any] = {"key": key, "turn_id": self.turn_id, "action_name": name, "result": data}
        self.calls.append(entry)
        if any(isinstance(e, ActionExecutionRejected) for e in result.events):
            entry["rejected"] = True
            return result
        try:
            self.store.record_effect(self.sender_id, key, turn_id=self.turn_id, action_name=name, result=data)
        except StoreUnavailableError as e:  # the save will fail too; the retry calls again with the same key
            logger.error("an action's result could not be recorded (%s): a retry of this turn calls it again with the "
                         "same idempotency key", type(e).__name__,
                         extra={"conversation_id": self.sender_id, "stage": "action", "action": name})
        return result

    def undelivered(self) -> list[dict[str, Any]]:
        """Uncommitted effects of other turns of this conversation (their turns were never stored), oldest first."""
        return [e for e in self.store.pending_effects(self.sender_id) if e["turn_id"] != self.turn_id]

    def adopt(self, effect: dict[str, Any]) -> ActionResult:
        """Take an undelivered effect into this turn (committed with it, marked ``recovered``: the store then records
        its turn's message id as processed, so a late redelivery of that message appends nothing twice); returns its
        result."""
        self.adopted.append({**{k: effect[k] for k in ("key", "turn_id", "action_name", "result")}, "recovered": True})
        return result_from_json(str(effect["action_name"]), dict(effect["result"]))

    def forget_calls(self) -> None:
        """The turn's events after the user message were dropped (an action failed): its calls stay uncommitted
        and are delivered with the next turn."""
        self.calls.clear()

    def to_commit(self) -> list[dict[str, Any]]:
        """The effects the turn's save commits: the adopted ones (``"recovered": True``) and this turn's calls (not
        rejections)."""
        return [*self.adopted, *({k: c[k] for k in ("key", "turn_id", "action_name", "result")}
                                 for c in self.calls if not c.get("rejected"))]


def journal_for(store: Any, sender_id: str, turn_id: str) -> EffectJournal | None:
    """A journal over ``store``, or None when the store has no outbox (then calls run unjournaled)."""
    return EffectJournal(store, sender_id, turn_id) if isinstance(store, EffectStore) else None


__all__ = ["EffectJournal", "EffectStore", "effect_key", "journal_for", "result_from_json", "result_json"]
