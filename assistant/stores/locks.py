"""Lock store: one turn at a time per conversation; different conversations in parallel.

The server runs a turn synchronously in FastAPI's thread pool
(``run_in_threadpool(router.handle, ...)``), so the locks here are blocking,
thread-safe context managers, taken around the whole turn (load tracker → run →
save)::

    with lock_store.lock(message.sender_id):
        tracker = load_tracker(store, message.sender_id)
        ...
        save_tracker(store, tracker)

* :class:`InMemoryLockStore` (default, one process): first come, first served
  per conversation (a ticket queue, like Rasa's lock store), so a user's
  messages are processed in the order they arrived.
* :class:`RedisLockStore` (several workers): redis-py's ``Lock``, i.e.
  ``SET key token NX PX ttl`` to take it and a Lua script that deletes the key
  only if it still holds our token to release it; acquiring polls until
  ``wait`` seconds pass. The ``ttl`` frees a lock whose worker died. Not FIFO.

Both raise :class:`~assistant.errors.LockTimeoutError` when the lock is not
free within ``wait`` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.errors import InvalidConfigError, LockTimeoutError, StoreUnavailableError

logger = logging.getLogger(__name__)

#: Default seconds to wait for a conversation's lock before giving up.
DEFAULT_WAIT_S = 60.0
#: Default lifetime of a Redis lock (seconds): longer than any turn should take.
DEFAULT_TTL_S = 120.0


class LockStore(Protocol):
    """Serializes the turns of one conversation."""

    def lock(self, conversation_id: str, wait: float | None = None) -> AbstractContextManager[None]:
        """Hold the conversation's lock for the ``with`` block.

        Raises:
            LockTimeoutError: not acquired within ``wait`` seconds (the store's default if ``None``).
            StoreUnavailableError: the lock backend (Redis) cannot be reached.
        """
        ...


@dataclass
class _Queue:
    cond: threading.Condition = field(default_factory=threading.Condition)
    next_ticket: int = 0
    serving: int = 0
    users: int = 0
    abandoned: set[int] = field(default_factory=set)


class InMemoryLockStore:
    """Per-conversation FIFO locks inside one process.

    Entries exist only while someone holds or waits for a conversation's lock,
    so memory does not grow with the number of conversations.

    Args:
        wait: default seconds to wait for a lock.

    Example:
        >>> locks = InMemoryLockStore()
        >>> with locks.lock("u1"):
        ...     pass
    """

    def __init__(self, wait: float = DEFAULT_WAIT_S) -> None:
        self.wait = wait
        self._mutex = threading.Lock()
        self._queues: dict[str, _Queue] = {}

    @contextmanager
    def lock(self, conversation_id: str, wait: float | None = None) -> Iterator[None]:
        """See :meth:`LockStore.lock`."""
        with self._mutex:
            q = self._queues.setdefault(conversation_id, _Queue())
            ticket = q.next_ticket
            q.next_ticket += 1
            q.users += 1
        try:
            self._wait_for_turn(q, ticket, self.wait if wait is None else wait, conversation_id)
            try:
                yield
            finally:
                with q.cond:
                    self._advance(q)
        finally:
            with self._mutex:
                q.users -= 1
                if q.users == 0:
                    del self._queues[conversation_id]

    @staticmethod
    def _advance(q: _Queue) -> None:
        q.serving += 1
        while q.serving in q.abandoned:  # skip tickets whose holders gave up waiting
            q.abandoned.discard(q.serving)
            q.serving += 1
        q.cond.notify_all()

    @staticmethod
    def _wait_for_turn(q: _Queue, ticket: int, wait: float, conversation_id: str) -> None:
        deadline = time.monotonic() + wait
        with q.cond:
            while q.serving != ticket:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    q.abandoned.add(ticket)
                    raise LockTimeoutError(f"conversation {conversation_id!r} is busy: its lock was not free within {wait:g} s")
                q.cond.wait(remaining)

    def is_locked(self, conversation_id: str) -> bool:
        """Whether someone holds or waits for the conversation's lock."""
        with self._mutex:
            return conversation_id in self._queues


class RedisLockStore:
    """Conversation locks in Redis, shared by several worker processes.

    Args:
        url: ``redis://host:port/db`` (``rediss://`` for TLS).
        ttl: seconds after which a held lock expires (a crashed worker's lock frees itself).
        wait: default seconds to wait for a lock.
        prefix: key prefix; the key is ``prefix + conversation_id``.
        poll: seconds between attempts while waiting.

    Raises:
        InvalidConfigError: a URL redis-py cannot parse.
    """

    def __init__(
        self,
        url: str,
        *,
        ttl: float = DEFAULT_TTL_S,
        wait: float = DEFAULT_WAIT_S,
        prefix: str = "assistant:lock:",
        poll: float = 0.005,
        socket_timeout: float = 5.0,
    ) -> None:
        import redis

        try:
            self.client: Any = redis.Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)
        except ValueError as e:
            raise InvalidConfigError(f"lock store URL is not a Redis URL: {e}") from e
        self.url = url
        self.ttl = ttl
        self.wait = wait
        self.prefix = prefix
        self.poll = poll

    @contextmanager
    def lock(self, conversation_id: str, wait: float | None = None) -> Iterator[None]:
        """See :meth:`LockStore.lock`. A lock that expired while held is logged, not raised:
        the tracker store's sequence check still rejects an interleaved write."""
        import redis

        wait = self.wait if wait is None else wait
        lk = self.client.lock(self.prefix + conversation_id, timeout=self.ttl, sleep=self.poll, thread_local=False)
        try:
            acquired = lk.acquire(blocking=True, blocking_timeout=wait)
        except redis.exceptions.RedisError as e:
            raise StoreUnavailableError(f"lock store {self._where()} is unavailable (conversation {conversation_id!r}): {e}") from e
        if not acquired:
            raise LockTimeoutError(f"conversation {conversation_id!r} is busy: its lock was not free within {wait:g} s")
        try:
            yield
        finally:
            try:
                lk.release()
            except redis.exceptions.LockNotOwnedError:
                logger.warning("conversation lock expired while held", extra={"conversation_id": conversation_id, "stage": "lock"})
            except redis.exceptions.RedisError as e:  # the key expires by itself after ttl
                logger.error("conversation lock release failed", extra={"conversation_id": conversation_id, "stage": "lock", "error": str(e)})

    def _where(self) -> str:
        kw = self.client.connection_pool.connection_kwargs
        return f"redis://{kw.get('host', '?')}:{kw.get('port', '?')}"

    def ping(self) -> bool:
        """True when Redis answers.

        Raises:
            StoreUnavailableError: it does not.
        """
        import redis

        try:
            return bool(self.client.ping())
        except redis.exceptions.RedisError as e:
            raise StoreUnavailableError(f"lock store {self._where()} is unavailable: {e}") from e


def make_lock_store(url: str | None, **kwargs: Any) -> InMemoryLockStore | RedisLockStore:
    """``RedisLockStore(url)`` for a ``redis://`` / ``rediss://`` URL, else the in-memory store."""
    if not url:
        return InMemoryLockStore(**{k: v for k, v in kwargs.items() if k == "wait"})
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise InvalidConfigError(f"lock store URL must start with redis:// or rediss:// (got {url.split(':', 1)[0]}://...)")
    return RedisLockStore(url, **kwargs)
