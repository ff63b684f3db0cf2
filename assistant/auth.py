"""The admin token check, shared by the server's admin endpoints and the connectors' HTTP services.

Scheme (the same everywhere): ``Authorization: Bearer <ASSISTANT_API_TOKEN>`` (or Rasa's ``?token=``),
compared in constant time. Without a configured token the endpoints answer only when the server is bound to
a loopback address (``ASSISTANT_HOST`` 127.0.0.1, ::1 or localhost, the default), so a development box works
without setup and a server bound to a public address refuses until a token is set.

It lives here, not in :mod:`assistant.server`, because connectors may not import the server.
"""

from __future__ import annotations

import hmac
from typing import Any

from assistant.errors import AssistantError
from assistant.settings import Settings

#: Host names and addresses that count as loopback (the server is then reachable from this machine only).
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class AccessDeniedError(AssistantError, PermissionError):
    """A request without the credentials an endpoint needs.

    Attributes:
        status: 401 (missing or wrong credentials) or 403 (the endpoint is disabled for this caller).
    """

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a bind address or host name) is loopback-only."""
    return host.strip().lower().strip("[]") in LOOPBACK


def given_token(authorization: str | None, query_token: str | None = None) -> str:
    """The bearer token of an ``Authorization`` header value, else ``query_token``, else ``""``."""
    header = authorization or ""
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return query_token or ""


def is_admin(settings: Settings, authorization: str | None, query_token: str | None = None) -> bool:
    """Whether the request carries the admin token (or none is needed: no token set, loopback host)."""
    if not settings.api_token:
        return is_loopback_host(settings.host)
    given = given_token(authorization, query_token)
    return bool(given) and hmac.compare_digest(given.encode(), settings.api_token.encode())


def check_admin(settings: Settings, authorization: str | None, query_token: str | None = None) -> None:
    """Refuse a request without the admin token (see the module docstring).

    Raises:
        AccessDeniedError: 401 for a missing or wrong token; 403 when no token is configured and the
            server is not bound to a loopback address.
    """
    if is_admin(settings, authorization, query_token):
        return
    if not settings.api_token:
        raise AccessDeniedError(403, "admin endpoints are disabled: set ASSISTANT_API_TOKEN, or bind the server to 127.0.0.1")
    raise AccessDeniedError(401, "missing or wrong admin token: send 'Authorization: Bearer <token>'")


def denied_json(exc: AccessDeniedError) -> tuple[dict[str, Any], int, dict[str, str]]:
    """``(body, status, headers)`` of the HTTP answer to ``exc`` (``WWW-Authenticate`` on a 401, RFC 6750)."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return {"detail": exc.detail, "error": "unauthorized" if exc.status == 401 else "forbidden"}, exc.status, headers
