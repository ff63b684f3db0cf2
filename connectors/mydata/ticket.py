"""Signed tickets that carry the consent step from the chat to the browser and back, and pseudonymous citizen refs.

The conversation's consent step follows the OAuth2 authorization-code flow (RFC 6749 §4.1):

1. the chat shows a link to our ``GET /mydata/authorize?ticket=…``; the ticket (signed here) names the pending
   consent and the conversation, and expires;
2. that route puts the ticket in an HttpOnly cookie and redirects the browser to the provider's authorization
   page with ``state`` = the consent id (the conversation id never goes to the provider);
3. the provider redirects back to ``GET /mydata/callback?code=…&state=…``; the cookie tells which conversation
   it belongs to, and ``state`` must equal the cookie's consent id (RFC 6749 §10.12: ``state`` bound to the
   user agent, against cross-site request forgery).

The ticket is opaque and unforgeable: a Fernet token (``cryptography.fernet``: AES-128-CBC encryption and an
HMAC-SHA256 over it, spec https://github.com/fernet/spec) of the consent id, the conversation id and the expiry.
Why Fernet rather than a signed readable token (our earlier ``base64(JSON).HMAC``, itsdangerous, a JWT): a link seen
by someone else (a screenshot, the browser history) must not tell them the conversation id, since the widget's
``/webhooks/rest/pending?sender=`` is only as private as that id; signing alone leaves the payload readable.
``cryptography`` is already a dependency and well kept; we write no cipher code. The ticket is also single-use in
effect: ``/authorize`` and ``/callback`` act only on a consent that is still pending, and the callback ends that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken

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
    digest = hmac.new(key, b"citizen:" + sender_id.encode(), hashlib.sha256).hexdigest()[:32]
    ref = "conv-" + digest
    from assistant.nlu.pii import find_pii

    if find_pii(ref):
        # a run of hex digits that reads as a phone, card or registration number ("…01012345678…") is refused by the
        # consent store as personal data (CI s33: a widget conversation's MyData offer failed at random); such a ref
        # is written in letters only (each hex digit as a–p), and every other ref stays as before (stored consents)
        ref = "conv-" + "".join(chr(ord("a") + int(ch, 16)) for ch in digest)
    return ref


class ExpiredTicketError(InvalidInputError):
    """A ticket whose signature is ours but whose time (:data:`TICKET_TTL_S`) has passed."""


@dataclass(frozen=True)
class Ticket:
    """What a ticket says: the pending consent, the conversation, and when it stops being valid (epoch s)."""

    consent_id: str
    sender_id: str
    expires_at: float


def _fernet(key: bytes) -> Fernet:
    """The Fernet cipher of a ticket key of any length (its own subkey, HMAC-SHA256 of a fixed label: Fernet wants 32 bytes)."""
    return Fernet(base64.urlsafe_b64encode(hmac.new(key, b"assistant-mydata-ticket-fernet-v1", hashlib.sha256).digest()))


_NOT_VALID = "the MyData consent link is not valid: open it again from the conversation"


def sign(t: Ticket, key: bytes) -> str:
    """The opaque ticket of ``t``: a Fernet token without its ``=`` padding (URL-safe characters ``[A-Za-z0-9_-]``).

    Each call gives a different token (random IV); none holds the ids in a decodable form without ``key``.
    """
    body = json.dumps({"c": t.consent_id, "s": t.sender_id, "e": int(t.expires_at)}, separators=(",", ":")).encode()
    return _fernet(key).encrypt(body).decode().rstrip("=")


def verify(token: str, key: bytes, now: float) -> Ticket:
    """The ticket if it was made with ``key``, is unaltered and has not expired at ``now`` (epoch s).

    Raises:
        InvalidInputError: malformed, altered or made with another key (the message never echoes the token).
        ExpiredTicketError: expired (an :class:`InvalidInputError`).
    """
    token = (token or "").strip()
    try:
        raw = _fernet(key).decrypt(token + "=" * (-len(token) % 4))
        d = json.loads(raw)
        t = Ticket(str(d["c"]), str(d["s"]), float(d["e"]))
    except (InvalidToken, ValueError, KeyError, TypeError):
        raise InvalidInputError(_NOT_VALID) from None
    if now >= t.expires_at:
        raise ExpiredTicketError("the MyData consent link has expired: ask for MyData again in the conversation")
    return t
