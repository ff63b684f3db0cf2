"""When an HTTP request may be sent again after a failure: the one rule every client of ours follows.

RFC 9110 §9.2.2 ("Idempotent Methods"): a client SHOULD NOT automatically retry a request with a non-idempotent
method unless it knows the request is idempotent anyway, or can tell that the original request was never applied.
So, for each failed attempt:

* the request provably did not reach the server (the TCP connection could not be made, no free pooled connection):
  send it again, whatever it is;
* the server answered that it did not handle it: 503 (RFC 9110 §15.6.4, "unable to handle the request") or 429
  (RFC 6585 §4, rate limited): send it again;
* anything else after the request left (a read timeout, a connection dropped mid-answer, a 500/502/504): send it
  again only when the request is idempotent: an idempotent method (GET, HEAD, OPTIONS, TRACE, PUT, DELETE), an
  ``Idempotency-Key`` header (IETF draft-ietf-httpapi-idempotency-key-header: the back end does the effect once
  per key), or the caller says so (a look-up sent as POST). A GET with an effect (one that claims what it
  returns) must say ``idempotent=False``: sent again after a lost answer, what the first one claimed is lost.

Sending a push or a submission twice is what this prevents: a Telegram message after a read timeout arrived twice
before (s20 note).
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

__all__ = ["IDEMPOTENT_METHODS", "NOT_HANDLED_STATUSES", "NOT_SENT", "is_idempotent", "safe_to_resend"]

#: Transport errors raised before a byte of the request reached the server.
NOT_SENT: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

#: RFC 9110 §9.2.2.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})

#: Answers that say the server did not handle the request.
NOT_HANDLED_STATUSES = frozenset({429, 503})


def is_idempotent(method: str, headers: Mapping[str, str] | None = None) -> bool:
    """Whether a request may be sent twice by its method (RFC 9110 §9.2.2) or its ``Idempotency-Key`` header.

    Example:
        >>> is_idempotent("GET"), is_idempotent("post"), is_idempotent("POST", {"idempotency-key": "k1"})
        (True, False, True)
    """
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return any(k.lower() == "idempotency-key" and str(v).strip() for k, v in (headers or {}).items())


def safe_to_resend(error: BaseException, idempotent: bool, status: int | None = None) -> bool:
    """Whether a failed attempt may be sent again.

    Args:
        error: what the attempt raised (an ``httpx`` error, or the caller's own error for an answer).
        idempotent: whether the request is idempotent (:func:`is_idempotent`, or the caller's knowledge).
        status: the HTTP status when ``error`` stands for an answer (e.g. a 5xx), else ``None``.

    Returns:
        True for a request that did not reach the server (:data:`NOT_SENT`) or was answered 429/503; for an
        idempotent request also after any other transport error or a 5xx; False otherwise.

    Example:
        >>> safe_to_resend(httpx.ReadTimeout("slow"), idempotent=False)
        False
        >>> safe_to_resend(httpx.ConnectError("refused"), idempotent=False)
        True
    """
    if isinstance(error, NOT_SENT) or status in NOT_HANDLED_STATUSES:
        return True
    if not idempotent:
        return False
    return isinstance(error, httpx.TransportError) or (status is not None and status >= 500)
