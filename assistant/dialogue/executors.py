"""Running custom actions: the executor interface, its errors, and the in-process executor.

The engine runs a custom action (anything that is not a response, a form or a
default action) through an :class:`ActionExecutor`::

    result = executor.run("action_check_eligibility", tracker, domain)
    tracker.update_with_events(result.events)      # already our Event objects
    for r in result.responses: ...                 # raw message dicts, see below

Two executors implement it: :class:`InProcessActionExecutor` (Python functions
registered by name) and :class:`~assistant.dialogue.action_server.ActionServerClient`
(Rasa's action-server HTTP protocol); :class:`AsyncActionExecutor` is the same
contract for ``asyncio`` callers.

``responses`` are the messages the action asked to send, in ``rasa_sdk``'s
``CollectingDispatcher.utter_message`` shape: ``text``, ``buttons``,
``elements``, ``custom``, ``image``, ``attachment``, ``response`` (and its
deprecated twin ``template``) plus any keyword arguments the action passed. A
message that names a ``response`` must be rendered from the domain by the
caller, with the other keys as template variables, as Rasa's
``RemoteAction._utter_responses`` does; :func:`response_name` reads the name.

A rejected action (Rasa's ``ActionExecutionRejection``: a form that cannot
handle this turn, or any action that declines to run) is not an error:
``run`` returns ``ActionResult([ActionExecutionRejected(name)], [])`` and
``result.rejected`` is true, so the engine lets the next policy choose.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, Protocol, runtime_checkable

from assistant.dialogue.events import ActionExecutionRejected, Event
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import AssistantError, ConnectorError, ConnectorTimeout, ConnectorUnavailable, InvalidConfigError
from assistant.nlu.domain import Domain

__all__ = [
    "ActionError",
    "ActionExecutionRejection",
    "ActionExecutor",
    "ActionNotFoundError",
    "ActionResult",
    "ActionServerResponseError",
    "ActionServerTimeout",
    "ActionServerUnavailable",
    "AsyncActionExecutor",
    "CollectingDispatcher",
    "InProcessActionExecutor",
    "PythonAction",
    "response_name",
]

logger = logging.getLogger(__name__)


# --- errors -----------------------------------------------------------------------------------------


class ActionError(ConnectorError):
    """A custom action could not be run or failed.

    Attributes:
        action_name: the action that was called.
        sender_id: the conversation it was called for (never the message text).
        url: the action server's URL, or None in process.
        status: the HTTP status the server answered, when it answered.
    """

    def __init__(self, message: str, *, action_name: str, sender_id: str | None = None, url: str | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.action_name, self.sender_id, self.url, self.status = action_name, sender_id, url, status


class ActionNotFoundError(ActionError, LookupError):
    """No action of that name: the action server answered 404, or none is registered in process."""


class ActionServerTimeout(ActionError, ConnectorTimeout):
    """The action server did not answer within the timeout (the action may still have run)."""


class ActionServerUnavailable(ActionError, ConnectorUnavailable):
    """The action server could not be reached (connection refused, DNS, 503), after the allowed attempts."""


class ActionServerResponseError(ActionError):
    """The action server answered, but unusably: a 5xx from the action, an unexpected status,
    a body that is not JSON, or JSON that is not ``{"events": [...], "responses": [...]}``."""


class ActionExecutionRejection(AssistantError):
    """Raise it in an in-process action to decline this turn (``rasa_sdk.interfaces.ActionExecutionRejection``).

    The executor turns it into an ``action_execution_rejected`` event.
    """

    def __init__(self, action_name: str, message: str | None = None) -> None:
        self.action_name = action_name
        self.message = message or f"custom action {action_name!r} rejected to run"
        super().__init__(self.message)


# --- results and interfaces ---------------------------------------------------------------------------


class ActionResult(NamedTuple):
    """What running an action produced (unpacks as ``events, responses``).

    Attributes:
        events: events to append to the tracker, in order.
        responses: messages to send, each a dict in ``utter_message`` shape (module docstring).
    """

    events: list[Event]
    responses: list[dict[str, Any]]

    @property
    def rejected(self) -> bool:
        """True when the action declined to run (an ``action_execution_rejected`` event)."""
        return any(isinstance(e, ActionExecutionRejected) for e in self.events)


@runtime_checkable
class ActionExecutor(Protocol):
    """Runs custom actions by name (in process or over the action-server protocol)."""

    def run(self, name: str, tracker: DialogueStateTracker, domain: Domain) -> ActionResult:
        """Run action ``name`` on the conversation's current state.

        Raises:
            ActionNotFoundError: no such action.
            ActionServerTimeout, ActionServerUnavailable, ActionServerResponseError: the remote call failed.
            ActionError: an in-process action raised.
        """
        ...


@runtime_checkable
class AsyncActionExecutor(Protocol):
    """:class:`ActionExecutor` for ``asyncio`` callers."""

    async def run(self, name: str, tracker: DialogueStateTracker, domain: Domain) -> ActionResult:
        """As :meth:`ActionExecutor.run`."""
        ...


def response_name(message: Mapping[str, Any]) -> str | None:
    """The domain response a message asks for (``response``, or the deprecated ``template``), if any."""
    name = message.get("response") or message.get("template")
    return name if isinstance(name, str) and name else None


# --- in process -----------------------------------------------------------------------------------------


class CollectingDispatcher:
    """Collects the messages an in-process action sends (``rasa_sdk.executor.CollectingDispatcher``).

    Example:
        >>> d = CollectingDispatcher()
        >>> d.utter_message(text="접수되었습니다.")
        >>> d.messages[0]["text"]
        '접수되었습니다.'
    """

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def utter_message(self, text: str | None = None, image: str | None = None, json_message: dict[str, Any] | None = None,
                      response: str | None = None, attachment: str | None = None,
                      buttons: list[dict[str, Any]] | None = None, elements: list[dict[str, Any]] | None = None,
                      **kwargs: Any) -> None:
        """Queue one message; the dict has the same keys as ``rasa_sdk`` sends over HTTP."""
        message: dict[str, Any] = {
            "text": text, "buttons": buttons or [], "elements": elements or [], "custom": json_message or {},
            "template": response, "response": response, "image": image, "attachment": attachment,
        }
        message.update(kwargs)
        self.messages.append(message)


#: An in-process action: ``(dispatcher, tracker, domain) -> events`` (``None`` means no events),
#: the signature of ``rasa_sdk.Action.run``. It must not mutate the tracker.
PythonAction = Callable[[CollectingDispatcher, DialogueStateTracker, Domain], Iterable[Event] | None]


class InProcessActionExecutor:
    """Runs Python actions registered by name, with the :class:`ActionExecutor` contract.

    Args:
        actions: initial ``{name: action}``.

    Example:
        >>> from assistant.dialogue.events import SlotSet
        >>> ex = InProcessActionExecutor()
        >>> @ex.action("action_hello")
        ... def hello(dispatcher, tracker, domain):
        ...     dispatcher.utter_message(text="hi")
        ...     return [SlotSet("greeted", True)]
        >>> events, responses = ex.run("action_hello", DialogueStateTracker("u1"), Domain())
        >>> [e.to_json()["value"] for e in events], responses[0]["text"]
        ([True], 'hi')
    """

    def __init__(self, actions: Mapping[str, PythonAction] | None = None) -> None:
        self._actions: dict[str, PythonAction] = {}
        for name, fn in (actions or {}).items():
            self.register(name, fn)

    def register(self, name: str, fn: PythonAction) -> None:
        """Register ``fn`` as action ``name``.

        Raises:
            InvalidConfigError: empty name, not callable, or already registered.
        """
        if not isinstance(name, str) or not name:
            raise InvalidConfigError("an action needs a non-empty name")
        if not callable(fn):
            raise InvalidConfigError(f"action {name!r} is not callable")
        if name in self._actions:
            raise InvalidConfigError(f"action {name!r} is registered twice")
        self._actions[name] = fn

    def action(self, name: str) -> Callable[[PythonAction], PythonAction]:
        """Decorator form of :meth:`register`."""
        def deco(fn: PythonAction) -> PythonAction:
            self.register(name, fn)
            return fn
        return deco

    @property
    def names(self) -> list[str]:
        """Registered action names, sorted."""
        return sorted(self._actions)

    def __contains__(self, name: object) -> bool:
        return name in self._actions

    def run(self, name: str, tracker: DialogueStateTracker, domain: Domain) -> ActionResult:
        """Run the registered action ``name``.

        Raises:
            ActionNotFoundError: ``name`` is not registered (the message lists the registered ones).
            ActionError: the action raised (the original exception is the cause), or returned
                something other than events.
        """
        fn = self._actions.get(name)
        if fn is None:
            raise ActionNotFoundError(f"no in-process action {name!r}; registered: {self.names}",
                                      action_name=name, sender_id=tracker.sender_id)
        dispatcher = CollectingDispatcher()
        try:
            out = fn(dispatcher, tracker, domain)
            events = list(out or [])
        except ActionExecutionRejection as e:
            logger.info("action rejected", extra={"conversation_id": tracker.sender_id, "action": name, "stage": "action"})
            return ActionResult([ActionExecutionRejected(e.action_name or name)], [])
        except Exception as e:
            logger.error("action failed", extra={"conversation_id": tracker.sender_id, "action": name, "stage": "action",
                                                 "error": type(e).__name__})
            raise ActionError(f"action {name!r} failed: {type(e).__name__}", action_name=name,
                              sender_id=tracker.sender_id) from e
        bad = [type(e).__name__ for e in events if not isinstance(e, Event)]
        if bad:
            raise ActionError(f"action {name!r} returned {bad[0]} where an Event belongs", action_name=name,
                              sender_id=tracker.sender_id)
        return ActionResult(events, dispatcher.messages)
