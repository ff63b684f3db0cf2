"""Who may read or cancel an application: its applicant (by applicant key) or the admin.

An **applicant key** is a secret that only the applicant's side holds, sent as ``X-Applicant-Key``. The task
back end never stores it: the application's ``applicant_id`` is derived from it (:func:`applicant_id_for_key`,
SHA-256), so knowing a receipt number or an ``applicant_id`` (both appear in answers and logs) is not enough
to read or cancel an application, and the database holds nothing that unlocks one.

The assistant turns a conversation into a key with :func:`applicant_key`: HMAC-SHA256 of the conversation's
sender id under a secret of the deployment (RFC 2104). A plain hash of the sender id would not do: sender ids
of some channels are not secret (a Telegram chat id, a phone number), and anyone could hash them.

The admin (``Authorization: Bearer <ASSISTANT_API_TOKEN>``, :mod:`assistant.auth`) may name any applicant and
is the only caller of the back-office ``transition``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.settings import Settings

#: The request header that carries an applicant key.
APPLICANT_KEY_HEADER = "X-Applicant-Key"
#: Shortest accepted key (characters): 32 hex digits or URL-safe base64 characters are ≥ 128 bits from a CSPRNG.
MIN_KEY_CHARS = 32
MAX_KEY_CHARS = 256


def applicant_id_for_key(key: str) -> str:
    """The pseudonymous ``applicant_id`` that applications submitted with ``key`` are stored under.

    Returns:
        ``"ak:" +`` the hex SHA-256 of the key (67 characters).

    Example:
        >>> applicant_id_for_key("k" * 32)[:11]
        'ak:5e318f8c'
    """
    return "ak:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def applicant_key(secret: str | bytes, sender_id: str) -> str:
    """The applicant key of a conversation: hex HMAC-SHA256 of ``sender_id`` under ``secret`` (64 characters).

    Args:
        secret: a secret of the deployment (at least 32 random bytes; never sent to the task back end).
        sender_id: the conversation's sender id (as the channel gives it).

    Raises:
        ValueError: an empty secret or sender id.
    """
    if not secret or not sender_id:
        raise ValueError("applicant_key needs a non-empty secret and sender id")
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(raw, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()


#: File under ``ASSISTANT_HOME`` holding the generated secret when none is configured.
SECRET_FILE = "tasks_applicant.secret"


def deployment_secret(settings: Settings) -> bytes:
    """The secret :func:`applicant_key` uses: ``settings.tasks_applicant_secret`` (``ASSISTANT_TASKS_APPLICANT_SECRET``),
    else a random 32-byte one created once under the home (file mode 0600) and read from there afterwards.

    Raises:
        OSError: the home is not writable and no secret is configured.
    """
    if settings.tasks_applicant_secret:
        return settings.tasks_applicant_secret.encode("utf-8")
    path = settings.home / SECRET_FILE
    if not path.exists():
        settings.home.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")
