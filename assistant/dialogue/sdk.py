"""Connector actions written once, run in-process or behind Rasa's action-server protocol.

A connector action has ``rasa_sdk``'s shape (``rasa_sdk.Action``)::

    class ActionCheckEligibility:
        def name(self) -> str: return "action_check_eligibility"
        def run(self, dispatcher, tracker, domain) -> list[dict]: ...

``tracker`` is a :class:`ProtocolTracker` (the read API of ``rasa_sdk.Tracker`` over the
protocol's tracker JSON), ``domain`` the protocol's domain dict, ``dispatcher`` a
:class:`~assistant.dialogue.executors.CollectingDispatcher`, and the events returned are the
protocol's event dicts (:func:`slot_set`, :func:`followup_action` …, like ``rasa_sdk.events``).
Because only the protocol's data crosses the boundary, the same class runs

* in-process: :class:`SdkActionExecutor` builds the exact request an action server would get
  (:func:`~assistant.dialogue.action_server.action_call_payload`) and reads the answer with
  :func:`~assistant.dialogue.action_server.parse_action_response`, so both paths share one parser;
* behind an action server: :func:`create_action_app` serves ``POST /webhook`` (Rasa's
  action-server HTTP API, https://rasa.com/docs/action-server/http-api-spec), e.g.
  ``python -m connectors``; a Rasa bot or this engine (``ASSISTANT_ACTION_ENDPOINT_URL``) calls it;
* under ``rasa_sdk`` itself: its ``Tracker``/``CollectingDispatcher`` have the same methods.

Why our own ``ProtocolTracker`` rather than ``rasa_sdk.Tracker``: ``rasa_sdk`` pins Sanic and
its own dependency tree; the engine must run without it. The class implements only the
documented read methods the connectors use.

Connector modules are loaded by name (``ASSISTANT_CONNECTOR_ACTIONS``, see
:func:`load_actions`): each exposes ``actions(settings) -> list[action]``, so the engine never
imports ``connectors`` directly.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from assistant.dialogue.action_server import action_call_payload, parse_action_response
from assistant.dialogue.executors import (
    ActionError,
    ActionExecutionRejection,
    ActionExecutor,
    ActionResult,
    CollectingDispatcher,
)
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import AssistantError, InvalidConfigError
from assistant.nlu.domain import Domain

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = [
    "ContextAction",
    "ProtocolTracker",
    "SdkAction",
    "StepAction",
    "SdkActionExecutor",
    "create_action_app",
    "followup_action",
    "load_actions",
    "slot_set",
]

logger = logging.getLogger(__name__)

EventDict = dict[str, Any]


def slot_set(name: str, value: Any) -> EventDict:
    """The ``slot`` event (``rasa_sdk.events.SlotSet``)."""
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def followup_action(name: str) -> EventDict:
    """The ``followup`` event (``rasa_sdk.events.FollowupAction``): run ``name`` next."""
    return {"event": "followup", "timestamp": None, "name": name}


def active_loop(name: str | None) -> EventDict:
    """The ``active_loop`` event (``rasa_sdk.events.ActiveLoop``); ``None`` ends the loop."""
    return {"event": "active_loop", "timestamp": None, "name": name}


class ProtocolTracker:
    """``rasa_sdk.Tracker``'s read API over the action-server protocol's ``tracker`` JSON.

    Args:
        state: the ``tracker`` object of an action call (:meth:`DialogueStateTracker.current_state`).

    Example:
        >>> t = ProtocolTracker({"sender_id": "u1", "slots": {"age": 67},
        ...                      "latest_message": {"intent": {"name": "inform"}, "entities": [{"entity": "age", "value": 67}]}})
        >>> t.get_slot("age"), list(t.get_latest_entity_values("age")), t.get_intent_of_latest_message()
        (67, [67], 'inform')
    """

    def __init__(self, state: Mapping[str, Any]) -> None:
        self.sender_id: str = str(state.get("sender_id") or "")
        self.slots: dict[str, Any] = dict(state.get("slots") or {})
        self.latest_message: dict[str, Any] = dict(state.get("latest_message") or {})
        self.events: list[EventDict] = list(state.get("events") or [])
        self.active_loop: dict[str, Any] = dict(state.get("active_loop") or {})
        self.latest_action_name: str | None = state.get("latest_action_name")
        self.latest_input_channel: str | None = state.get("latest_input_channel")
        #: the engine's key for this action call (the same on every retry of it), or None
        #: (:mod:`assistant.dialogue.effects`): give it to a back end that does something once per key
        self.idempotency_key: str | None = str(state["idempotency_key"]) if state.get("idempotency_key") else None

    @classmethod
    def from_dict(cls, state: Mapping[str, Any]) -> ProtocolTracker:
        """Same as the constructor (``rasa_sdk.Tracker.from_dict``)."""
        return cls(state)

    def get_slot(self, key: str) -> Any:
        """The slot's value, or None when unset or unknown."""
        return self.slots.get(key)

    @property
    def active_loop_name(self) -> str | None:
        """The active form's name, or None."""
        name = self.active_loop.get("name")
        return str(name) if name else None

    def get_intent_of_latest_message(self) -> str | None:
        """The latest user message's intent name, or None."""
        intent = self.latest_message.get("intent") or {}
        name = intent.get("name") if isinstance(intent, dict) else None
        return str(name) if name else None

    def get_latest_entity_values(self, entity_type: str, entity_role: str | None = None,
                                 entity_group: str | None = None) -> Iterator[Any]:
        """Values of entity ``entity_type`` (with that role/group when given) in the latest user message."""
        for e in self.latest_message.get("entities") or []:
            if e.get("entity") != entity_type:
                continue
            if entity_role is not None and e.get("role") != entity_role:
                continue
            if entity_group is not None and e.get("group") != entity_group:
                continue
            yield e.get("value")

    def latest_text(self) -> str:
        """The latest user message's text ("" when none)."""
        return str(self.latest_message.get("text") or "")


class SdkAction(Protocol):
    """A connector action: ``rasa_sdk.Action``'s interface over protocol data."""

    def name(self) -> str:
        """The action's name as the domain lists it."""
        ...

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        """Do the action; send messages with ``dispatcher``; return protocol event dicts.

        Raise :class:`~assistant.dialogue.executors.ActionExecutionRejection` to decline the turn.
        """
        ...


C = TypeVar("C")
T = TypeVar("T")


class ContextAction(Generic[C]):
    """Base of a connector action that shares a context object with its siblings (``rasa_sdk.Action``'s shape).

    Subclasses set ``action_name`` and implement :meth:`run`. The connectors' actions of one module share one
    context (settings, the back end's client factory, secrets), built once by the module's ``actions(settings)``.

    Args:
        ctx: the shared context, kept as ``self.ctx``.
    """

    action_name: ClassVar[str] = ""

    def __init__(self, ctx: C) -> None:
        self.ctx = ctx

    def name(self) -> str:
        """The action's name in the domain (``action_name``)."""
        return self.action_name

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        """Do the action (see :class:`SdkAction`)."""
        raise NotImplementedError


class StepAction(ContextAction[C], Generic[C, T]):
    """A :class:`ContextAction` whose :meth:`run` builds one per-run "turn" object (the language, who the citizen
    is to the back end, reply helpers: :meth:`turn`) and hands it to :meth:`step`, so each action is only its step.

    Example:
        >>> class Hello(StepAction[str, str]):
        ...     action_name = "action_hello"
        ...     def turn(self, dispatcher, tracker, domain): return f"{self.ctx} {tracker.sender_id}"
        ...     def step(self, t): return [slot_set("greeting", t)]
        >>> Hello("hi").run(CollectingDispatcher(), ProtocolTracker({"sender_id": "u1"}), {})[0]["value"]
        'hi u1'
    """

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        """``step(turn(dispatcher, tracker, domain))``."""
        return self.step(self.turn(dispatcher, tracker, domain))

    def turn(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> T:
        """The per-run object :meth:`step` works with."""
        raise NotImplementedError

    def step(self, t: T) -> list[EventDict]:
        """Do the action with the run's turn object; return protocol event dicts."""
        raise NotImplementedError


def _index(actions: Iterable[SdkAction]) -> dict[str, SdkAction]:
    out: dict[str, SdkAction] = {}
    for a in actions:
        name = a.name()
        if not isinstance(name, str) or not name:
            raise InvalidConfigError(f"connector action {a!r} has no name")
        if name in out:
            raise InvalidConfigError(f"connector action {name!r} is defined twice")
        out[name] = a
    return out


def call_action(action: SdkAction, payload: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """Run ``action`` on one protocol request; the HTTP status and body an action server answers.

    Returns:
        ``(200, {"events", "responses"})``; ``(400, {"action_name", "error"})`` when the action
        rejects the turn. Other exceptions propagate (the server answers 500).
    """
    name = action.name()
    tracker = ProtocolTracker.from_dict(payload.get("tracker") or {})
    dispatcher = CollectingDispatcher()
    try:
        events = action.run(dispatcher, tracker, dict(payload.get("domain") or {}))
    except ActionExecutionRejection as e:
        return 400, {"action_name": e.action_name or name, "error": str(e)}
    return 200, {"events": list(events or []), "responses": dispatcher.messages}


class SdkActionExecutor:
    """Runs connector actions in-process with the :class:`ActionExecutor` contract; other names go to ``fallback``.

    Args:
        actions: the connector actions.
        fallback: runs every other custom action (e.g. the action-server client); None → such a
            call raises :class:`~assistant.dialogue.executors.ActionNotFoundError` via
            :class:`~assistant.dialogue.actions.NoActionServer`.

    Raises:
        InvalidConfigError: two actions share a name.
    """

    def __init__(self, actions: Iterable[SdkAction], fallback: ActionExecutor | None = None) -> None:
        from assistant.dialogue.actions import NoActionServer

        self._actions = _index(actions)
        self.fallback: ActionExecutor = fallback or NoActionServer()

    @property
    def names(self) -> list[str]:
        """The in-process action names, sorted."""
        return sorted(self._actions)

    def run(self, name: str, tracker: DialogueStateTracker, domain: Domain) -> ActionResult:
        """Run ``name`` (in-process when it is a connector action).

        Raises:
            ActionError: the action raised (the cause is kept) or returned a malformed event.
            ActionNotFoundError: not a connector action and the fallback has none.
        """
        action = self._actions.get(name)
        if action is None:
            return self.fallback.run(name, tracker, domain)
        payload = action_call_payload(name, tracker, domain)
        try:
            status, body = call_action(action, payload)
        except AssistantError:
            raise
        except Exception as e:
            logger.error("connector action failed", extra={"conversation_id": tracker.sender_id, "action": name,
                                                            "stage": "action", "error": type(e).__name__})
            raise ActionError(f"action {name!r} failed: {type(e).__name__}", action_name=name,
                              sender_id=tracker.sender_id) from e
        return parse_action_response(name, status, json.dumps(body, ensure_ascii=False, default=str).encode(),
                                     sender_id=tracker.sender_id, url="in-process")


def load_actions(modules: Sequence[str], settings: Settings) -> list[SdkAction]:
    """Import each module by name and collect ``module.actions(settings)``.

    Raises:
        InvalidConfigError: a module cannot be imported or has no ``actions`` function.
    """
    out: list[SdkAction] = []
    for mod_name in modules:
        try:
            module = importlib.import_module(mod_name)
        except ImportError as e:
            raise InvalidConfigError(f"connector actions module {mod_name!r} cannot be imported: {e}") from e
        factory = getattr(module, "actions", None)
        if not callable(factory):
            raise InvalidConfigError(f"connector actions module {mod_name!r} has no actions(settings) function")
        out.extend(factory(settings))
    return out


def create_action_app(actions: Iterable[SdkAction]) -> FastAPI:
    """An action server speaking Rasa's protocol for ``actions``.

    Routes: ``POST /webhook`` (200 ``{"events", "responses"}``; 400 ``{"action_name", "error"}`` on a
    rejection; 404 for an unknown action; 500 ``{"action_name", "error"}`` when the action raises),
    ``GET /health`` (``{"status": "ok"}``) and ``GET /actions`` (``[{"name": ...}]``), as ``rasa_sdk`` serves.

    Raises:
        InvalidConfigError: two actions share a name.
    """
    index = _index(actions)
    app = FastAPI(title="Connector actions (Rasa action-server protocol)")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/actions")
    async def list_actions() -> list[dict[str, str]]:
        return [{"name": n} for n in sorted(index)]

    @app.post("/webhook")
    async def webhook(request: Request) -> JSONResponse:
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"action_name": None, "error": "the request body is not JSON"}, status_code=400)
        name = payload.get("next_action") if isinstance(payload, dict) else None
        action = index.get(name) if isinstance(name, str) else None
        if action is None:
            return JSONResponse({"action_name": name, "error": f"No registered action found for name '{name}'."},
                                status_code=404)
        try:
            status, body = await run_in_threadpool(call_action, action, payload)
        except Exception as e:  # rasa_sdk answers 500 with the error
            logger.error("connector action failed", extra={"action": name, "stage": "action", "error": type(e).__name__})
            return JSONResponse({"action_name": name, "error": type(e).__name__}, status_code=500)
        return JSONResponse(json.loads(json.dumps(body, default=str)), status_code=status)

    return app
