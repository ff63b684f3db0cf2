"""The assistant's OAuth2 client of the MyData provider (the sandbox, or the real provider in production).

Every call has a timeout, bounded retries with exponential backoff (tenacity) and goes through a circuit
breaker (:class:`connectors.resilience.CircuitBreaker`, shared by all connectors): after ``breaker_fail_max`` failed calls in a row the breaker opens and calls fail at once,
without touching the network, for ``breaker_reset_s`` seconds; then one trial call decides.

What is retried: record reads and token revocation (idempotent) on transport errors, timeouts, 5xx and
unusable answers; the code-for-token exchange only when the connection could not be made (a code is single
use, so a request that may have reached the provider is never sent twice). 4xx answers are never retried.

Errors: :class:`ConnectorTimeout` (slow), :class:`ConnectorUnavailable` (down, 5xx, garbage, breaker open),
:class:`ConsentError` (401: token expired or revoked; 403: scope not granted; ``access_denied``),
:class:`ConnectorError` (other refusals, e.g. ``invalid_client``). Messages name the provider URL, never a token
or personal data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from assistant.errors import ConnectorError, ConnectorTimeout, ConnectorUnavailable, InvalidInputError
from connectors.resilience import CircuitBreaker, CircuitOpenError, path_segment
from connectors.mydata.scopes import ConsentError

logger = logging.getLogger(__name__)


class _Retryable(Exception):
    """A 5xx or unusable answer (retried for idempotent calls)."""


def _not_a_failure(e: BaseException) -> bool:
    """A refusal (consent, bad input, another 4xx): the provider is up and answered, so the breaker ignores it."""
    if isinstance(e, (ConsentError, InvalidInputError)):
        return True
    return isinstance(e, ConnectorError) and not isinstance(e, (ConnectorTimeout, ConnectorUnavailable))


@dataclass(frozen=True)
class Token:
    """An access token: its value (not in ``repr``), granted scopes and lifetime in seconds."""

    access_token: str = field(repr=False)
    scopes: tuple[str, ...]
    expires_in: float


class MyDataProviderClient:
    """HTTP client of a MyData provider's OAuth2 and record endpoints.

    Args:
        base_url: e.g. ``http://127.0.0.1:8002`` or ``http://127.0.0.1:8000/connectors/mydata-sandbox``.
        client_id, client_secret: the assistant's registration at the provider.
        redirect_uri: the registered redirect URI.
        timeout: seconds per HTTP attempt.
        retries: attempts in all (≥ 1).
        backoff: first wait between attempts in seconds (doubles, capped at 2 s).
        breaker_fail_max: failed calls in a row that open the circuit.
        breaker_reset_s: seconds the circuit stays open before a trial call.
        transport: an httpx transport (tests).

    Raises:
        InvalidInputError: ``retries`` < 1.

    Example:
        >>> c = MyDataProviderClient("http://127.0.0.1:8002", "assistant-sandbox", "secret", "http://127.0.0.1/cb")
        >>> c.authorize_url(["income"], state="c1", login_hint="sandbox-01").split("?")[0]
        'http://127.0.0.1:8002/oauth/authorize'
    """

    def __init__(self, base_url: str, client_id: str, client_secret: str, redirect_uri: str, *, timeout: float = 5.0,
                 retries: int = 3, backoff: float = 0.2, breaker_fail_max: int = 5, breaker_reset_s: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        if retries < 1:
            raise InvalidInputError(f"retries must be at least 1, got {retries}")
        self.base_url = base_url.rstrip("/")
        self.client_id, self._secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport, follow_redirects=False)
        # Only failures of the provider count; a refusal (consent, bad input) says the provider is up.
        self.breaker = CircuitBreaker("MyData provider", fail_max=breaker_fail_max, reset_timeout=breaker_reset_s,
                                      ignore=_not_a_failure)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> MyDataProviderClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ------------------------------------------------------------------------------------

    def _call(self, what: str, attempt: Any, retry_on: tuple[type[BaseException], ...]) -> Any:
        def retried() -> Any:
            retrying = Retrying(stop=stop_after_attempt(self.retries), wait=wait_exponential(multiplier=self.backoff, max=2.0),
                                retry=retry_if_exception_type(retry_on), reraise=True)
            try:
                return retrying(attempt)
            except httpx.TimeoutException as e:
                raise ConnectorTimeout(f"MyData provider at {self.base_url} did not answer {what} within {self.timeout} s "
                                       f"({self.retries} attempts)") from e
            except httpx.TransportError as e:
                raise ConnectorUnavailable(f"MyData provider at {self.base_url} is unreachable for {what} "
                                           f"({type(e).__name__}, {self.retries} attempts)") from e
            except _Retryable as e:
                raise ConnectorUnavailable(f"MyData provider at {self.base_url} failed {what}: {e}") from e

        try:
            return self.breaker.call(retried)
        except CircuitOpenError as e:
            raise CircuitOpenError(f"MyData provider at {self.base_url}: circuit open after repeated failures; "
                                   f"{what} not attempted", e.retry_in) from e

    def _json(self, r: httpx.Response, what: str) -> dict[str, Any]:
        if r.status_code >= 500:
            raise _Retryable(f"HTTP {r.status_code}")
        try:
            body = r.json()
        except ValueError:
            raise _Retryable(f"HTTP {r.status_code} with a body that is not JSON") from None
        if not isinstance(body, dict):
            raise _Retryable(f"HTTP {r.status_code} with JSON that is not an object")
        if r.status_code == 401 and what != "the token exchange":
            raise ConsentError(f"MyData provider at {self.base_url} refused the access token for {what} "
                               "(expired or revoked): ask the citizen for a new consent")
        if r.status_code == 403:
            raise ConsentError(f"MyData provider at {self.base_url} refused {what}: the token does not carry that scope")
        if r.status_code >= 400:
            raise ConnectorError(f"MyData provider at {self.base_url} refused {what} "
                                 f"(HTTP {r.status_code}, {str(body.get('error', ''))[:60]})")
        return body

    # --- OAuth2 --------------------------------------------------------------------------------------

    def authorize_url(self, scopes: list[str] | tuple[str, ...], state: str, login_hint: str | None = None,
                      expires_in: float | None = None) -> str:
        """The authorization request URL the citizen opens (RFC 6749 §4.1.1)."""
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                  "scope": " ".join(scopes), "state": state}
        if login_hint:
            params["login_hint"] = login_hint
        if expires_in:
            params["expires_in"] = str(int(expires_in))
        return f"{self.base_url}/oauth/authorize?{urlencode(params)}"

    def sandbox_approve(self, scopes: list[str] | tuple[str, ...], state: str, identity: str,
                        expires_in: float | None = None, decision: str = "approve") -> str:
        """Sandbox only: the test ``identity`` answers the authorization request; returns the authorization code.

        Raises:
            ConsentError: the citizen (identity) denied, or the identity is unknown.
            ConnectorError: the provider rejected the request or redirected with another state.
            ConnectorTimeout, ConnectorUnavailable: as for every call.
        """
        url = self.authorize_url(scopes, state, identity, expires_in) + f"&decision={decision}"

        def attempt() -> str:
            r = self._http.get(url)
            if r.status_code >= 500:
                raise _Retryable(f"HTTP {r.status_code}")
            if r.status_code != 302:
                raise ConnectorError(f"MyData provider at {self.base_url} refused the authorization request (HTTP {r.status_code})")
            q = parse_qs(urlsplit(r.headers.get("location", "")).query)
            if q.get("state", [""])[0] != state:
                raise ConnectorError(f"MyData provider at {self.base_url} answered the authorization with another state")
            if "error" in q:
                raise ConsentError(f"the citizen's authorization at the MyData provider ended with {q['error'][0]}")
            if not q.get("code"):
                raise _Retryable("authorization redirect without a code")
            return str(q["code"][0])

        return str(self._call("the authorization", attempt, (httpx.TransportError, _Retryable)))

    def exchange_code(self, code: str) -> Token:
        """``POST /oauth/token``: the authorization code for an access token (RFC 6749 §4.1.3).

        Raises:
            ConnectorError: ``invalid_grant`` (used or expired code) or ``invalid_client``.
            ConnectorTimeout, ConnectorUnavailable: as for every call.
        """
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "client_id": self.client_id, "client_secret": self._secret}

        def attempt() -> Token:
            body = self._json(self._http.post("/oauth/token", data=form), "the token exchange")
            tok, scope, exp = body.get("access_token"), body.get("scope"), body.get("expires_in")
            if not isinstance(tok, str) or not tok or not isinstance(scope, str) or not isinstance(exp, (int, float)) \
                    or str(body.get("token_type", "")).lower() != "bearer":
                raise ConnectorUnavailable(f"MyData provider at {self.base_url} answered the token exchange with an unexpected shape")
            return Token(tok, tuple(sorted(scope.split())), float(exp))

        result: Token = self._call("the token exchange", attempt, (httpx.ConnectError, httpx.ConnectTimeout))
        return result

    def revoke_token(self, token: str) -> None:
        """``POST /oauth/revoke`` (RFC 7009).

        Raises:
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: as for every call.
        """
        form = {"token": token, "client_id": self.client_id, "client_secret": self._secret}

        def attempt() -> None:
            r = self._http.post("/oauth/revoke", data=form)
            if r.status_code >= 500:
                raise _Retryable(f"HTTP {r.status_code}")
            if r.status_code != 200:
                raise ConnectorError(f"MyData provider at {self.base_url} refused the token revocation (HTTP {r.status_code})")

        self._call("the token revocation", attempt, (httpx.TransportError, _Retryable))

    def get_record(self, token: str, scope: str) -> dict[str, Any]:
        """``GET /records/{scope}`` with the bearer token.

        Raises:
            ConsentError: 401 (token expired or revoked) or 403 (scope not granted).
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: as for every call.
        """
        def attempt() -> dict[str, Any]:
            r = self._http.get(f"/records/{path_segment(scope, ConsentError, 'record type')}", headers={"Authorization": f"Bearer {token}"})
            return self._json(r, f"the {scope} record")

        result: dict[str, Any] = self._call(f"the {scope} record", attempt, (httpx.TransportError, _Retryable))
        return result

