"""Timeouts, bounded retries and circuit breakers for the connectors' HTTP clients.

Every connector call goes through :class:`ResilientHttp`: one ``httpx`` request per attempt with a timeout,
bounded attempts with exponential backoff (tenacity) on transport errors, timeouts and 5xx answers (a request that is
not idempotent only where the failure proves it was not handled: :mod:`assistant.http_retry`), all inside
a :class:`CircuitBreaker` shared by every client of the same back end (:func:`breaker_for`). Failures become
:class:`~assistant.errors.ConnectorTimeout`, :class:`~assistant.errors.ConnectorUnavailable` (with
:class:`CircuitOpenError` when the breaker fails fast) or :class:`~assistant.errors.ConnectorError` (an answer
that is not what the schema promises). A refusal of the request (4xx, raised by the caller's ``interpret`` as an
:class:`~assistant.errors.InvalidInputError`) is neither retried nor counted against the back end.

The breaker is the pattern of M. T. Nygard, *Release It!* (2nd ed., 2018), ch. 5 "Circuit Breaker".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from assistant.errors import AssistantError, ConnectorError, ConnectorTimeout, ConnectorUnavailable, InvalidInputError
from assistant.http_retry import is_idempotent, safe_to_resend

T = TypeVar("T")
BreakerState = Literal["closed", "open", "half-open"]


class CircuitOpenError(ConnectorUnavailable):
    """The back end failed ``fail_max`` calls in a row; calls fail fast until ``reset_timeout`` has passed.

    Attributes:
        retry_in: seconds until a trial call will be let through (0 while another trial runs).
    """

    def __init__(self, message: str, retry_in: float = 0.0) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class ServerError(Exception):
    """A 5xx answer (retried; raise it from ``interpret``)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status


class CircuitBreaker:
    """Closed → open after ``fail_max`` consecutive failed calls → half-open after ``reset_timeout`` s.

    In half-open, one trial call at a time goes through (others fail fast); its success closes the circuit,
    its failure opens it again for another ``reset_timeout``. Errors for which ``ignore(exc)`` is true (the
    caller's own fault, e.g. a 4xx) count as neither failure nor success.

    Our own rather than ``pybreaker``: pybreaker 1.4.1 holds its lock for the whole guarded call
    (``CircuitBreaker.call``: ``with self._lock: return self.state.call(...)``), so every request to a back
    end would wait for the one before it (measured: 4 threads × 0.5 s calls took 2.0 s). Here the lock guards
    only the state changes.

    Args:
        name: shown in errors (the back end).
        fail_max: consecutive failures that open the circuit (≥ 1).
        reset_timeout: seconds the circuit stays open before a trial call.
        ignore: errors that do not count.
        clock: monotonic seconds (tests).

    Example:
        >>> b = CircuitBreaker("demo", fail_max=1, reset_timeout=60)
        >>> b.state
        'closed'
    """

    def __init__(self, name: str, fail_max: int = 5, reset_timeout: float = 30.0,
                 ignore: Callable[[BaseException], bool] = lambda e: isinstance(e, InvalidInputError),
                 clock: Callable[[], float] = time.monotonic) -> None:
        if fail_max < 1 or reset_timeout < 0:
            raise InvalidInputError(f"circuit breaker {name}: fail_max must be ≥ 1 and reset_timeout ≥ 0, "
                                    f"got {fail_max}, {reset_timeout}")
        self.name, self.fail_max, self.reset_timeout = name, fail_max, reset_timeout
        self._ignore, self._clock = ignore, clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        """``closed``, ``open`` (failing fast) or ``half-open`` (the next call is a trial)."""
        with self._lock:
            return self._state()

    @property
    def failures(self) -> int:
        """Consecutive failed calls counted so far."""
        return self._failures

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        return "half-open" if self._clock() - self._opened_at >= self.reset_timeout else "open"

    def call(self, func: Callable[[], T]) -> T:
        """Run ``func`` under the breaker.

        Raises:
            CircuitOpenError: the circuit is open (or a trial call is already running); ``func`` was not called.
            Exception: whatever ``func`` raised (counted unless ``ignore`` says otherwise).
        """
        with self._lock:
            state = self._state()
            if state == "open" or (state == "half-open" and self._trial_running):
                assert self._opened_at is not None
                wait = max(0.0, self.reset_timeout - (self._clock() - self._opened_at))
                raise CircuitOpenError(f"{self.name} is failing: {_open_reason(self.fail_max, wait)}", wait)
            trial = state == "half-open"
            if trial:
                self._trial_running = True
        try:
            result = func()
        except BaseException as e:
            with self._lock:
                if trial:
                    self._trial_running = False
                if not self._ignore(e):
                    self._failures += 1
                    if trial or self._failures >= self.fail_max:
                        self._opened_at = self._clock()
            raise
        with self._lock:
            self._trial_running = False
            self._failures = 0
            self._opened_at = None
        return result

    def reset(self) -> None:
        """Close the circuit and forget the failures (operators, tests)."""
        with self._lock:
            self._failures, self._opened_at, self._trial_running = 0, None, False


def _open_reason(fail_max: int, wait: float) -> str:
    return f"circuit open after {fail_max} failed calls in a row; not calling it for another {wait:.1f} s"


_BREAKERS: dict[str, CircuitBreaker] = {}
_BREAKERS_LOCK = threading.Lock()


def breaker_for(key: str, fail_max: int = 5, reset_timeout: float = 30.0) -> CircuitBreaker:
    """The process-wide breaker of one back end (``key``: its base URL), created on first use.

    Every client of the same back end shares it, so a client made per turn still sees the open circuit.
    ``fail_max`` and ``reset_timeout`` apply when it is created.
    """
    with _BREAKERS_LOCK:
        b = _BREAKERS.get(key)
        if b is None:
            b = _BREAKERS[key] = CircuitBreaker(key, fail_max, reset_timeout)
        return b


class ResilientHttp:
    """An ``httpx.Client`` whose requests have a timeout, bounded retries with backoff and a circuit breaker.

    Args:
        name: the connector (``"eligibility"``, ``"tasks"``): errors say ``"<name> service at <url> ..."``.
        base_url: the back end's base URL.
        timeout: seconds per attempt.
        retries: attempts in all (≥ 1).
        backoff: first wait between attempts in seconds (doubles, capped at 2 s).
        transport: an httpx transport (tests).
        breaker: default :func:`breaker_for` ``base_url``.
    """

    def __init__(self, name: str, base_url: str, timeout: float = 5.0, retries: int = 3, backoff: float = 0.2,
                 transport: httpx.BaseTransport | None = None, breaker: CircuitBreaker | None = None) -> None:
        if retries < 1:
            raise InvalidInputError(f"retries must be at least 1, got {retries}")
        if timeout <= 0:
            raise InvalidInputError(f"timeout must be positive, got {timeout}")
        self.name, self.base_url = name, base_url.rstrip("/")
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.breaker = breaker or breaker_for(self.base_url)
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def request(self, method: str, path: str, interpret: Callable[[httpx.Response], T], *,
                json: Any = None, params: Any = None, headers: Mapping[str, str] | None = None,
                idempotent: bool | None = None) -> T:
        """Send one logical request; ``interpret`` turns an answer into the result or raises.

        ``interpret`` raises :class:`ServerError` for an answer worth retrying (5xx, 429), an
        :class:`~assistant.errors.InvalidInputError` (or subclass) for a refusal, :class:`ConnectorError`
        for garbage. Which failures are retried is :func:`assistant.http_retry.safe_to_resend`'s rule (RFC 9110
        §9.2.2): an idempotent request after any transport error, timeout or :class:`ServerError`; any other only
        when it never reached the back end or was answered 429/503, so a push or a submission is not done twice
        after a read timeout.

        Args:
            idempotent: whether the request may be sent twice; ``None``: by its method and ``Idempotency-Key``
                header (:func:`assistant.http_retry.is_idempotent`). Say ``True`` for a look-up sent as POST,
                ``False`` for a GET with an effect.

        Raises:
            ConnectorTimeout: every attempt timed out (or the last did).
            ConnectorUnavailable: unreachable or 5xx after ``retries`` attempts; :class:`CircuitOpenError`
                when the breaker is open (nothing was sent).
            ConnectorError, InvalidInputError: from ``interpret``.
        """
        resendable = is_idempotent(method, headers) if idempotent is None else idempotent
        sent = [0]  # attempts made, for the error message

        def attempt() -> T:
            sent[0] += 1
            return interpret(self.http.request(method, path, json=json, params=params, headers=headers))

        def retried() -> T:
            retrying = Retrying(
                stop=stop_after_attempt(self.retries),
                wait=wait_exponential(multiplier=self.backoff, max=2.0),
                retry=retry_if_exception(lambda e: isinstance(e, (httpx.TransportError, ServerError)) and safe_to_resend(
                    e, resendable, e.status if isinstance(e, ServerError) else None)),
                reraise=True,
            )
            return retrying(attempt)

        where = f"{self.name} service at {self.base_url}"

        def tries() -> str:
            return f"{sent[0]} attempt{'s' if sent[0] != 1 else ''}" + (
                "" if resendable or sent[0] >= self.retries else "; not sent again: it may have been handled")

        try:
            return self.breaker.call(retried)
        except httpx.TimeoutException as e:
            raise ConnectorTimeout(f"{where} did not answer within {self.timeout} s ({tries()})") from e
        except httpx.TransportError as e:
            raise ConnectorUnavailable(f"{where} is unreachable ({type(e).__name__}, {tries()})") from e
        except ServerError as e:
            raise ConnectorUnavailable(f"{where} failed ({e}; {tries()})") from e
        except CircuitOpenError as e:
            raise CircuitOpenError(f"{where} is failing: {_open_reason(self.breaker.fail_max, e.retry_in)}",
                                   e.retry_in) from e


def json_body(r: httpx.Response, where: str) -> Any:
    """The JSON of an answer, or :class:`ConnectorError` naming ``where`` when it is not JSON."""
    try:
        return r.json()
    except ValueError as e:
        raise ConnectorError(f"{where} answered {r.status_code} with non-JSON") from e


def platform_json(r: httpx.Response, where: str) -> Any:
    """A messaging platform's answer (Telegram, Kakao, Slack, WhatsApp): :class:`ServerError` (retried) for 429 and
    5xx, else its JSON (:func:`json_body`); the caller reads the platform's own refusal shape.

    Raises:
        ServerError: rate limited or a server error. ConnectorError: not JSON.
    """
    if r.status_code == 429 or r.status_code >= 500:
        raise ServerError(r.status_code, f"{where}: {'rate limited' if r.status_code == 429 else 'server error'}")
    return json_body(r, where)




#: What the assistant says when a back end fails (Korean and English); every variant offers a handoff.
_FAILURE_TEXT = {
    "timeout": {"ko": "죄송합니다. {what} 시스템의 응답이 늦어지고 있습니다. 잠시 후 다시 시도하시거나 상담원 연결을 원하시면 말씀해 주세요.",
                "en": "Sorry, the {what} system is slow to answer right now. Please try again in a moment, or ask for an agent."},
    "unavailable": {"ko": "죄송합니다. 지금 {what} 시스템에 연결할 수 없습니다. 잠시 후 다시 시도하시거나 상담원 연결을 원하시면 말씀해 주세요.",
                    "en": "Sorry, the {what} system cannot be reached right now. Please try again later, or ask for an agent."},
    "error": {"ko": "죄송합니다. {what} 시스템에서 예상하지 못한 응답이 왔습니다. 상담원 연결을 원하시면 말씀해 주세요.",
              "en": "Sorry, the {what} system gave an unexpected answer. You can ask for an agent."},
}
_WHAT = {"eligibility": {"ko": "자격 확인", "en": "eligibility"}, "tasks": {"ko": "신청", "en": "application"},
         "mydata": {"ko": "공공 마이데이터", "en": "MyData"}}


def failure_reply(exc: ConnectorError, connector: str, language: str = "ko") -> dict[str, Any]:
    """The polite reply and handoff offer for a failed connector call (for the dialogue's connector actions).

    Args:
        exc: the connector error (:class:`ConnectorTimeout`, :class:`ConnectorUnavailable` incl.
            :class:`CircuitOpenError`, or another :class:`ConnectorError`).
        connector: ``eligibility``, ``tasks``, ``mydata`` (or any name, shown as is).
        language: ``ko`` or ``en`` (anything else: ``ko``).

    Returns:
        ``{"kind": "timeout"|"unavailable"|"error", "text", "handoff_offer": True, "retry_in": s | None}``;
        the text never includes the error message (which names URLs).

    Example:
        >>> failure_reply(ConnectorTimeout("x"), "tasks", "en")["kind"]
        'timeout'
    """
    kind = "timeout" if isinstance(exc, ConnectorTimeout) else "unavailable" if isinstance(exc, ConnectorUnavailable) else "error"
    lang = language if language in ("ko", "en") else "ko"
    what = _WHAT.get(connector, {}).get(lang, connector)
    return {"kind": kind, "text": _FAILURE_TEXT[kind][lang].format(what=what), "handoff_offer": True,
            "retry_in": exc.retry_in if isinstance(exc, CircuitOpenError) else None}


__all__ = ["CircuitBreaker", "CircuitOpenError", "ResilientHttp", "ServerError", "breaker_for", "failure_reply", "json_body"]


C = TypeVar("C", bound="ConnectorClient")


def path_segment(value: object, not_found: type[AssistantError] = InvalidInputError, what: str = "id") -> str:
    """``value`` as one URL path segment of a connector request (percent-encoded, nothing left unescaped).

    Ids in connector paths come from citizens (a typed ``/apply_service{"service_id": ...}`` payload, a receipt
    number, a REST sender id): an id that is not one segment must never reach another path of the back end
    (``"../../etc"`` made the tasks client GET ``/connectors/etc``, fresh-user test s9). Starlette and most servers
    decode ``%2F`` before routing, so escaping alone is not enough: such ids are refused.

    Args:
        value: the id. not_found: the error raised for an id that cannot exist (e.g. the client's own
            "no such service"), so callers' usual handling applies. what: the id's name in the message.

    Returns:
        the percent-encoded segment (``urllib.parse.quote(..., safe="")``).

    Raises:
        not_found: empty, ``.`` or ``..``, or containing ``/``, ``\\``, ``?``, ``#`` or a control character.
    """
    text = str(value)
    if not text.strip() or text in (".", "..") or any(ch in text for ch in "/\\?#") or \
            any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise not_found(f"no such {what}: {text[:40]!r}")
    return quote(text, safe="")


class ConnectorClient:
    """Base of the connectors' HTTP clients: one :class:`ResilientHttp` (timeout, retries, breaker), the
    ``from_settings`` wiring and the context-manager plumbing. Subclasses set ``service`` (its name in
    errors), implement :meth:`settings_url` and interpret answers themselves.

    Args:
        base_url: the back end's base URL.
        timeout: seconds per HTTP attempt.
        retries: attempts in all (≥ 1).
        backoff: first wait between attempts in seconds (doubles, capped at 2 s).
        transport: an httpx transport (tests).
        breaker: the circuit breaker (default: the one shared by all clients of ``base_url``).
        api_token: the admin token the subclass sends (``None``: none). :meth:`from_settings` fills it from
            ``settings.api_token`` when the class sets ``sends_admin_token``.
    """

    service = "connector"
    #: Whether :meth:`from_settings` gives the client the deployment's admin token (back ends behind it).
    sends_admin_token = False

    def __init__(self, base_url: str, timeout: float = 5.0, retries: int = 3, backoff: float = 0.2,
                 transport: httpx.BaseTransport | None = None, breaker: CircuitBreaker | None = None,
                 api_token: str | None = None) -> None:
        self._http = ResilientHttp(self.service, base_url, timeout, retries, backoff, transport, breaker)
        self.base_url, self.breaker = self._http.base_url, self._http.breaker
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.api_token = api_token

    @classmethod
    def settings_url(cls, settings: Any) -> str:
        """The back end's base URL in :class:`~assistant.settings.Settings`."""
        raise NotImplementedError

    @classmethod
    def from_settings(cls: type[C], settings: Any) -> C:
        """A client for :meth:`settings_url` with the configured timeout, retries and shared breaker."""
        url = cls.settings_url(settings).rstrip("/")
        return cls(url, settings.connector_timeout, settings.connector_retries,
                   breaker=breaker_for(url, settings.connector_breaker_failures, settings.connector_breaker_reset),
                   api_token=settings.api_token if cls.sends_admin_token else None)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
