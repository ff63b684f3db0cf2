"""The server's one HTTP error: raised by its routes, answered as ``{"detail": ...}`` with its status."""

from __future__ import annotations

from collections.abc import Mapping


class HttpError(Exception):
    """An error with its HTTP status (the app's handler answers ``{"detail": detail}`` with ``status``).

    Args:
        status: the HTTP status code.
        detail: what went wrong, for the client.
        headers: response headers to send with it (``{"Retry-After": "2"}`` on a 429).
    """

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
