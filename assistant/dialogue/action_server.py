"""Custom actions over Rasa's action-server HTTP protocol (what ``rasa_sdk`` serves).

The request is exactly Rasa's (``RemoteAction._action_call_format`` in
``rasa/core/actions/action.py``; the API spec at
https://rasa.com/docs/action-server/http-api-spec)::

    POST {action_endpoint_url}            e.g. http://localhost:5055/webhook
    {"next_action": "action_check_age", "sender_id": "u1",
     "tracker": <DialogueStateTracker.current_state(EventVerbosity.ALL)>,
     "domain": <domain_as_dict(domain)>, "version": "3.6.21"}

and so is the reading of the answer (``RemoteAction.run`` and ``rasa_sdk/endpoint.py``):

=========  ====================================================  =====================================
status     body                                                  result
=========  ====================================================  =====================================
200        ``{"events": [...], "responses": [...]}`` (or null)   :class:`ActionResult`
400        ``{"action_name": ..., "error": ...}``                ``[ActionExecutionRejected]`` (rejection)
404        ``{"action_name": ..., "error": ...}``                :class:`ActionNotFoundError`
503        anything                                              retried, then :class:`ActionServerUnavailable`
other 5xx  (``rasa_sdk``: the action raised)                     :class:`ActionServerResponseError`
other      anything; or a 200 body that is not the shape above   :class:`ActionServerResponseError`
=========  ====================================================  =====================================

No answer in time is :class:`ActionServerTimeout`; a server that cannot be
reached is :class:`ActionServerUnavailable`.

Retries. Rasa itself never retries an action call, and a custom action is not
idempotent in general (it may submit an application or send a notice), so a
request the server may have received is never sent again: only failures that
prove the request was not delivered are retried — the TCP connection could not
be made (``ConnectError``, ``ConnectTimeout``, no free pooled connection) or a
proxy answered 503 (RFC 9110 §15.6.4: the server is unable to handle the
request, i.e. did not handle it). A read timeout, a dropped connection after
sending, a 500/502/504 are not retried: the action may have run. Actions the
operator declares ``idempotent`` (look-ups) are also retried on those.
``retries`` counts attempts in all; waits grow exponentially from ``backoff``
seconds, capped at 2 s (tenacity).

Nothing of the tracker or the message text is logged; log lines carry the
conversation id, the action name, the URL and the status.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from assistant.dialogue.events import ActionExecutionRejected, Event
from assistant.dialogue.executors import (
    ActionError,
    ActionNotFoundError,
    ActionResult,
    ActionServerResponseError,
    ActionServerTimeout,
    ActionServerUnavailable,
)
from assistant.dialogue.tracker import DialogueStateTracker, EventVerbosity
from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.http_retry import NOT_SENT, safe_to_resend
from assistant.nlu.domain import Domain
from assistant.nlu.domain_dict import domain_as_dict
from assistant.settings import Settings

__all__ = ["RASA_VERSION", "ActionServerClient", "AsyncActionServerClient", "action_call_payload", "parse_action_response"]

logger = logging.getLogger(__name__)

#: The Rasa version we speak as (the last Rasa Open Source release, 3.6.21); ``rasa_sdk`` only
#: compares major.minor with its own and warns when they differ.
RASA_VERSION = "3.6.21"

_MAX_DETAIL = 200


class _ServerStatus(Exception):
    """A 5xx answer (retried only when it proves the request was not handled, or the action is idempotent)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


def action_call_payload(name: str, tracker: DialogueStateTracker, domain: Domain, version: str = RASA_VERSION) -> dict[str, Any]:
    """The JSON body Rasa posts to run action ``name`` (``RemoteAction._action_call_format``).

    Returns:
        ``{"next_action", "sender_id", "tracker", "domain", "version"}``; ``tracker`` is
        :meth:`DialogueStateTracker.current_state` with every event (``EventVerbosity.ALL``),
        ``domain`` is :func:`~assistant.nlu.domain_dict.domain_as_dict`. While the engine runs the action
        (``tracker.idempotency_key`` set, :mod:`assistant.dialogue.effects`) the tracker object also carries
        ``idempotency_key``: the same for every retry of this action call, so a back end can do its effect once
        (``rasa_sdk``'s ``Tracker.from_dict`` ignores the extra key; the HTTP client also sends it as the
        ``Idempotency-Key`` header).
    """
    state = tracker.current_state(EventVerbosity.ALL)
    key = getattr(tracker, "idempotency_key", None)
    if key:
        state["idempotency_key"] = key
    return {
        "next_action": name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "domain": domain_as_dict(domain),
        "version": version,
    }


def _detail(body: Any) -> str:
    """The server's ``error`` field, shortened (never the whole body: a 500 from rasa_sdk echoes the tracker)."""
    err = body.get("error") if isinstance(body, dict) else None
    return str(err)[:_MAX_DETAIL] if err is not None else ""


def parse_action_response(name: str, status: int, content: bytes, *, sender_id: str | None = None,
                          url: str | None = None) -> ActionResult:
    """Read an action server's answer to a call of action ``name`` (statuses below 500).

    Args:
        name: the action called.
        status: the HTTP status.
        content: the raw body.
        sender_id, url: context for the errors.

    Returns:
        :class:`ActionResult`; for a 400 rejection, ``[ActionExecutionRejected(action_name)]``.

    Raises:
        ActionNotFoundError: 404.
        ActionServerResponseError: another status, a body that is not JSON, or not the shape in the module docstring.
    """
    ctx: dict[str, Any] = {"action_name": name, "sender_id": sender_id, "url": url, "status": status}
    try:
        body = json.loads(content) if content.strip() else None
    except ValueError as e:  # json.JSONDecodeError and UnicodeDecodeError
        raise ActionServerResponseError(f"action server at {url} answered action {name!r} with malformed JSON (HTTP {status})",
                                        **ctx) from e
    if status == 400 and isinstance(body, dict) and isinstance(body.get("action_name"), str):
        logger.info("action rejected", extra={"conversation_id": sender_id, "action": name, "stage": "action", "status": status})
        return ActionResult([ActionExecutionRejected(body["action_name"] or name)], [])
    if status == 404:
        raise ActionNotFoundError(f"action server at {url} has no action {name!r}: {_detail(body)}", **ctx)
    if status != 200:
        raise ActionServerResponseError(f"action server at {url} answered action {name!r} with HTTP {status}: {_detail(body)}", **ctx)
    if body is None:  # rasa_sdk answers null when it ran nothing; Rasa reads it as no events
        return ActionResult([], [])
    if not isinstance(body, dict):
        raise ActionServerResponseError(f"action server at {url} answered action {name!r} with a JSON {type(body).__name__}, "
                                        "not an object with 'events' and 'responses'", **ctx)
    events_json, responses = body.get("events") or [], body.get("responses") or []
    if not isinstance(events_json, list) or not isinstance(responses, list):
        raise ActionServerResponseError(f"action server at {url} answered action {name!r} with 'events' or 'responses' "
                                        "that is not a list", **ctx)
    events: list[Event] = []
    for i, d in enumerate(events_json):
        try:
            events.append(Event.from_json(d))
        except InvalidInputError as e:
            raise ActionServerResponseError(f"action {name!r} returned a bad event #{i}: {e}", **ctx) from e
    for i, r in enumerate(responses):
        if not isinstance(r, dict):
            raise ActionServerResponseError(f"action {name!r} returned response #{i} that is a {type(r).__name__}, not an object",
                                            **ctx)
    return ActionResult(events, [dict(r) for r in responses])


class _Base:
    """What the sync and async clients share: configuration, the request body, retry rules, error mapping."""

    def __init__(self, url: str, timeout: float = 10.0, retries: int = 3, backoff: float = 0.2,
                 idempotent: Collection[str] = (), headers: Mapping[str, str] | None = None, version: str = RASA_VERSION) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InvalidConfigError(f"action endpoint URL must start with http:// or https://, got {url!r}")
        if retries < 1:
            raise InvalidConfigError(f"action retries counts attempts and must be at least 1, got {retries}")
        if timeout <= 0:
            raise InvalidConfigError(f"action timeout must be positive seconds, got {timeout}")
        self.url, self.timeout, self.retries, self.backoff = url, float(timeout), int(retries), float(backoff)
        self.idempotent = frozenset(idempotent)
        self.version = version
        self.headers = {"Content-Type": "application/json", **dict(headers or {})}

    def _body(self, name: str, tracker: DialogueStateTracker, domain: Domain) -> bytes:
        payload = action_call_payload(name, tracker, domain, self.version)
        try:
            return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (TypeError, ValueError) as e:
            raise InvalidInputError(f"conversation {tracker.sender_id!r}: the tracker or domain cannot be sent to action "
                                    f"{name!r} as JSON ({e})") from e

    def _headers(self, tracker: DialogueStateTracker) -> dict[str, str]:
        """The request headers; with the action call's ``Idempotency-Key`` (IETF draft-ietf-httpapi-idempotency-key-header)
        while the engine runs the action (:mod:`assistant.dialogue.effects`)."""
        key = getattr(tracker, "idempotency_key", None)
        return {**self.headers, "Idempotency-Key": key} if key else self.headers

    def _retry_kwargs(self, name: str, sender_id: str) -> dict[str, Any]:
        idempotent = name in self.idempotent

        def retry_on(e: BaseException) -> bool:  # only 5xx become _ServerStatus, so of the answers only 503 is resent
            return isinstance(e, (httpx.TransportError, _ServerStatus)) and safe_to_resend(
                e, idempotent, e.status if isinstance(e, _ServerStatus) else None)

        def log_retry(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            logger.warning("action server call retried", extra={
                "conversation_id": sender_id, "action": name, "stage": "action", "url": self.url,
                "attempt": state.attempt_number, "error": type(exc).__name__})

        return {"stop": stop_after_attempt(self.retries), "wait": wait_exponential(multiplier=self.backoff, max=2.0),
                "retry": retry_if_exception(retry_on), "before_sleep": log_retry, "reraise": True}

    def _check_status(self, r: httpx.Response) -> httpx.Response:
        if r.status_code >= 500:
            raise _ServerStatus(r.status_code)
        return r

    def _error(self, e: Exception, name: str, sender_id: str) -> ActionError:
        ctx: dict[str, Any] = {"action_name": name, "sender_id": sender_id, "url": self.url}
        tries = f"{self.retries} attempt{'s' if self.retries > 1 else ''} allowed"
        out: ActionError
        if isinstance(e, httpx.TimeoutException):
            maybe_ran = "" if isinstance(e, NOT_SENT) else "; the action may have run"
            out = ActionServerTimeout(f"action server at {self.url} did not answer action {name!r} within {self.timeout:g} s "
                                      f"({type(e).__name__}, {tries}{maybe_ran})", **ctx)
        elif isinstance(e, httpx.TransportError):
            out = ActionServerUnavailable(f"action server at {self.url} is unreachable for action {name!r} "
                                          f"({type(e).__name__}, {tries}); is it running?", **ctx)
        elif isinstance(e, _ServerStatus) and e.status == 503:
            out = ActionServerUnavailable(f"action server at {self.url} is unavailable (HTTP 503, {tries})", status=503, **ctx)
        elif isinstance(e, _ServerStatus):
            out = ActionServerResponseError(f"action {name!r} failed on the action server at {self.url} (HTTP {e.status}); "
                                            "see the action server's log", status=e.status, **ctx)
        else:  # pragma: no cover - only the errors above reach here
            raise e
        logger.error("action server call failed", extra={"conversation_id": sender_id, "action": name, "stage": "action",
                                                         "url": self.url, "error": type(out).__name__, "status": out.status})
        return out

    def _result(self, name: str, sender_id: str, r: httpx.Response) -> ActionResult:
        try:
            return parse_action_response(name, r.status_code, r.content, sender_id=sender_id, url=self.url)
        except ActionError as e:
            logger.error("action server call failed", extra={"conversation_id": sender_id, "action": name, "stage": "action",
                                                             "url": self.url, "error": type(e).__name__, "status": e.status})
            raise


class ActionServerClient(_Base):
    """Runs custom actions on a Rasa action server (``rasa_sdk``); an :class:`~assistant.dialogue.executors.ActionExecutor`.

    Args:
        url: the action endpoint, e.g. ``http://localhost:5055/webhook`` (Rasa's ``action_endpoint.url``).
        timeout: seconds per attempt (connect, send and the action's own run time together).
        retries: attempts in all (≥ 1); only undelivered requests are retried (module docstring).
        backoff: first wait between attempts, seconds (doubles, capped at 2 s).
        idempotent: names of actions that are safe to send twice; also retried after a timeout or a 5xx.
        headers: extra HTTP headers (e.g. an ``Authorization`` the action server requires).
        version: the Rasa version sent as ``version``.
        transport: an httpx transport (tests).

    Raises:
        InvalidConfigError: a URL that is not http(s), ``retries`` < 1 or ``timeout`` ≤ 0.

    Example:
        >>> client = ActionServerClient("http://localhost:5055/webhook", timeout=5.0)
        >>> client.url
        'http://localhost:5055/webhook'
    """

    def __init__(self, url: str, timeout: float = 10.0, retries: int = 3, backoff: float = 0.2, idempotent: Collection[str] = (),
                 headers: Mapping[str, str] | None = None, version: str = RASA_VERSION,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(url, timeout, retries, backoff, idempotent, headers, version)
        self._http = httpx.Client(timeout=self.timeout, transport=transport)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> ActionServerClient:
        """A client for ``settings.action_endpoint_url`` with the configured timeout and retries.

        Raises:
            InvalidConfigError: ``ASSISTANT_ACTION_ENDPOINT_URL`` is not set.
        """
        if not settings.action_endpoint_url:
            raise InvalidConfigError("no action server configured: set ASSISTANT_ACTION_ENDPOINT_URL (e.g. http://localhost:5055/webhook)")
        return cls(settings.action_endpoint_url, settings.action_timeout, settings.action_retries, **kwargs)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ActionServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, name: str, tracker: DialogueStateTracker, domain: Domain) -> ActionResult:
        """POST the action call and read the answer (the table in the module docstring).

        Raises:
            ActionNotFoundError, ActionServerTimeout, ActionServerUnavailable, ActionServerResponseError: as in the table.
            InvalidInputError: a slot value or domain entry that JSON cannot carry.
        """
        body, sender_id = self._body(name, tracker, domain), tracker.sender_id

        headers = self._headers(tracker)

        def send() -> httpx.Response:
            return self._check_status(self._http.post(self.url, content=body, headers=headers))

        try:
            r = Retrying(**self._retry_kwargs(name, sender_id))(send)
        except (httpx.TransportError, _ServerStatus) as e:
            raise self._error(e, name, sender_id) from e
        return self._result(name, sender_id, r)


class AsyncActionServerClient(_Base):
    """:class:`ActionServerClient` for ``asyncio`` callers (an :class:`~assistant.dialogue.executors.AsyncActionExecutor`).

    Same arguments, errors and retry rules; ``transport`` is an ``httpx.AsyncBaseTransport``.
    """

    def __init__(self, url: str, timeout: float = 10.0, retries: int = 3, backoff: float = 0.2, idempotent: Collection[str] = (),
                 headers: Mapping[str, str] | None = None, version: str = RASA_VERSION,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(url, timeout, retries, backoff, idempotent, headers, version)
        self._http = httpx.AsyncClient(timeout=self.timeout, transport=transport)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncActionServerClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def run(self, name: str, tracker: DialogueStateTracker, domain: Domain) -> ActionResult:
        """As :meth:`ActionServerClient.run`."""
        body, sender_id = self._body(name, tracker, domain), tracker.sender_id

        headers = self._headers(tracker)

        async def send() -> httpx.Response:
            return self._check_status(await self._http.post(self.url, content=body, headers=headers))

        try:
            r: httpx.Response = await AsyncRetrying(**self._retry_kwargs(name, sender_id))(send)
        except (httpx.TransportError, _ServerStatus) as e:
            raise self._error(e, name, sender_id) from e
        return self._result(name, sender_id, r)
