"""The server's one HTTP error: raised by its routes, answered as ``{"detail": ...}`` with its status."""

from __future__ import annotations


class HttpError(Exception):
    """An error with its HTTP status (the app's handler answers ``{"detail": detail}`` with ``status``)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
