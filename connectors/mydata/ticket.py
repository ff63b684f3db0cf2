"""Signed tickets that carry the consent step from the chat to the browser and back, and pseudonymous citizen refs.

The conversation's consent step follows the OAuth2 authorization-code flow (RFC 6749 §4.1):

1. the chat shows a link to our ``GET /mydata/authorize?ticket=…``; the ticket (signed here) names the pending
   consent and the conversation, and expires;
2. that route puts the ticket in an HttpOnly cookie and redirects the browser to the provider's authorization
   page with ``state`` = the consent id (the conversation id never goes to the provider);
3. the provider redirects back to ``GET /mydata/callback?code=…&state=…``; the cookie tells which conversation
   it belongs to, and ``state`` must equal the cookie's consent id (RFC 6749 §10.12: ``state`` bound to the
   user agent, against cross-site request forgery).

Why our own HMAC rather than a library (itsdangerous, PyJWT): neither is a dependency of the project and the
format needed is one line of stdlib (``hmac`` + ``base64``); tokens never leave our own origin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import InvalidInputError

if TYPE_CHECKING:
    from assistant.settings import Settings

#: Longest time between the chat's link and the provider's redirect back (seconds).
TICKET_TTL_S = 15 * 60


def secret_key(settings: Settings) -> bytes:
    """The signing key: ``settings.mydata_state_secret``, else one derived from the client secret (stable per deployment)."""
    if settings.mydata_state_secret:
        return settings.mydata_state_secret.encode()
    return hmac.new(settings.mydata_client_secret.encode(), b"assistant-mydata-state-v1", hashlib.sha256).digest()


def citizen_ref(sender_id: str, key: bytes) -> str:
    """A stable pseudonym of a conversation id for the consent store (keyed hash: not reversible by guessing ids).

    Example:
        >>> citizen_ref("telegram-12345", b"k") == citizen_ref("telegram-12345", b"k") != citizen_ref("telegram-12346", b"k")
        True
    """
    return "conv-" + hmac.new(key, b"citizen:" + sender_id.encode(), hashlib.sha256).hexdigest()[:32]


class ExpiredTicketError(InvalidInputError):
    """A ticket whose signature is ours but whose time (:data:`TICKET_TTL_S`) has passed."""


@dataclass(frozen=True)
class Ticket:
    """What a ticket says: the pending consent, the conversation, and when it stops being valid (epoch s)."""

    consent_id: str
    sender_id: str
    expires_at: float


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sign(t: Ticket, key: bytes) -> str:
    """``<base64url(JSON)>.<base64url(HMAC-SHA256)>``."""
    body = _b64(json.dumps({"c": t.consent_id, "s": t.sender_id, "e": int(t.expires_at)}, separators=(",", ":")).encode())
    return body + "." + _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def verify(token: str, key: bytes, now: float) -> Ticket:
    """The ticket if its signature is ours and it has not expired.

    Raises:
        InvalidInputError: malformed or forged (the message never echoes the token).
        ExpiredTicketError: expired (an :class:`InvalidInputError`).
    """
    body, _, mac = (token or "").partition(".")
    good = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    if not body or not hmac.compare_digest(mac, good):
        raise InvalidInputError("the MyData consent link is not valid: open it again from the conversation")
    try:
        d = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        t = Ticket(str(d["c"]), str(d["s"]), float(d["e"]))
    except (ValueError, KeyError, TypeError):
        raise InvalidInputError("the MyData consent link is not valid: open it again from the conversation") from None
    if now >= t.expires_at:
        raise ExpiredTicketError("the MyData consent link has expired: ask for MyData again in the conversation")
    return t
