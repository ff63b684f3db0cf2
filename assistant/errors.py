"""The assistant's exception hierarchy.

One root, :class:`AssistantError`; each subclass also inherits the builtin it
stands in for, so callers that catch ``ValueError`` or ``FileNotFoundError``
keep working. HTTP status codes are chosen only at the edge
(:mod:`assistant.server.errors`).
"""

from __future__ import annotations


class AssistantError(Exception):
    """Root of every error the assistant raises on purpose."""


class InvalidConfigError(AssistantError, ValueError):
    """A configuration value or a component name is not valid."""


class InvalidInputError(AssistantError, ValueError):
    """A user message or request body cannot be processed (empty, too long, bad encoding)."""


class LoaderError(AssistantError, ValueError):
    """A document or catalogue file is missing, unreadable or malformed.

    The message names the file and, where known, the record that failed.
    """


class ModelNotFoundError(AssistantError, FileNotFoundError):
    """A trained artifact (index, classifier) is missing under ``ASSISTANT_HOME``."""


class IndexBuildError(AssistantError, RuntimeError):
    """Building or swapping a retrieval index failed; the previous index is kept."""


class StoreUnavailableError(AssistantError, ConnectionError):
    """A database or Redis server cannot be reached or refused the operation.

    The message names the store and the conversation; the next call reconnects.
    """


class ConcurrentUpdateError(AssistantError, RuntimeError):
    """Another writer appended to the conversation first (optimistic concurrency).

    Reload the tracker and redo the turn; nothing of the failed write was stored.
    """


class DuplicateMessageError(ConcurrentUpdateError):
    """A channel message id was already processed; ``reply`` is the stored reply."""

    def __init__(self, message: str, reply: object = None) -> None:
        super().__init__(message)
        self.reply = reply


class MessageIdConflictError(AssistantError, ValueError):
    """A message id already processed came again with different text (HTTP 409): a client bug or a reused id.
    The same text again is a redelivery and gets the stored reply."""


class LockTimeoutError(AssistantError, TimeoutError):
    """A conversation lock could not be acquired in time (another turn holds it)."""


class ConnectorError(AssistantError, RuntimeError):
    """A connector's back end (eligibility, MyData, tasks) failed or answered something unusable.

    The message names the connector and the URL, never personal data.
    """


class ConnectorTimeout(ConnectorError, TimeoutError):
    """A connector's back end did not answer within the timeout, after the allowed retries."""


class ConnectorUnavailable(ConnectorError, ConnectionError):
    """A connector's back end could not be reached or kept failing (5xx), after the allowed retries."""
