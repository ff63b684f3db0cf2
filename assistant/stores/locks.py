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
  ``SET key token NX PX lease`` to take it and a Lua script that deletes the key
  only if it still holds our token to release it; acquiring polls until
  ``wait`` seconds pass. Not FIFO. The lock is a short *lease* (default 10 s)
  that a background thread of the holder renews every third of it
  (``Lock.reacquire``: ``PEXPIRE`` if the token is still ours) while the turn
  runs, so a slow live turn keeps its conversation while a crashed worker's
  (SIGKILL: no release, no renewal) is free again within one lease, instead
  of stalling its conversations for a long fixed TTL. A turn still holding
  after ``ttl`` seconds (stuck) is no longer renewed and lapses.

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
#: Default longest time a Redis lock is held (seconds, renewals included): longer than any turn should take.
DEFAULT_TTL_S = 120.0
#: Default Redis lease (seconds): how long a crashed holder's lock outlives it; renewed every third of it.
DEFAULT_LEASE_S = 10.0


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


@dataclass
class _Held:
    """A Redis lock this process holds: renewed by :class:`RedisLockStore`'s renewal thread until released."""

    lock: Any
    conversation_id: str
    until: float  # time.monotonic() after which it is no longer renewed (``ttl``)
    guard: threading.Lock = field(default_factory=threading.Lock)  # a renewal and the release never overlap
    released: bool = False


class RedisLockStore:
    """Conversation locks in Redis, shared by several worker processes.

    Args:
        url: ``redis://host:port/db`` (``rediss://`` for TLS).
        lease: seconds a lock lives without renewal (``settings.lock_lease_s``): a crashed holder's conversation is
            free again within this time. The holder renews it every ``lease / 3`` seconds while its turn runs.
        ttl: longest time a lock is held, renewals included (``settings.lock_max_hold_s``): a turn stuck longer
            stops renewing and its lock lapses within one more lease (the tracker store's sequence check still
            rejects an interleaved write). ``lease`` is capped at ``ttl``.
        wait: default seconds to wait for a lock.
        prefix: key prefix; the key is ``prefix + conversation_id``.
        poll: seconds between attempts while waiting.

    Raises:
        InvalidConfigError: a URL redis-py cannot parse, or a lease or ttl that is not positive.
    """

    def __init__(
        self,
        url: str,
        *,
        lease: float = DEFAULT_LEASE_S,
        ttl: float = DEFAULT_TTL_S,
        wait: float = DEFAULT_WAIT_S,
        prefix: str = "assistant:lock:",
        poll: float = 0.005,
        socket_timeout: float = 5.0,
    ) -> None:
        import redis

        if lease <= 0 or ttl <= 0:
            raise InvalidConfigError(f"lock lease and ttl must be > 0 seconds, got lease={lease}, ttl={ttl}")
        try:
            self.client: Any = redis.Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)
        except ValueError as e:
            raise InvalidConfigError(f"lock store URL is not a Redis URL: {e}") from e
        self.url = url
        self.ttl = ttl
        self.lease = min(lease, ttl)
        self.wait = wait
        self.prefix = prefix
        self.poll = poll
        # Our own renewal loop (one thread for all held locks, alive while any is held): redis-py's Lock offers
        # reacquire()/extend() but no automatic renewal.
        self._held: dict[int, _Held] = {}
        self._mutex = threading.Lock()
        self._wake = threading.Event()
        self._renewer: threading.Thread | None = None

    @contextmanager
    def lock(self, conversation_id: str, wait: float | None = None) -> Iterator[None]:
        """See :meth:`LockStore.lock`. The lease is renewed while the block runs (up to ``ttl``). A lock that
        lapsed while held is logged, not raised: the tracker store's sequence check still rejects an interleaved write."""
        import redis

        wait = self.wait if wait is None else wait
        lk = self.client.lock(self.prefix + conversation_id, timeout=self.lease, sleep=self.poll, thread_local=False)
        try:
            acquired = lk.acquire(blocking=True, blocking_timeout=wait)
        except redis.exceptions.RedisError as e:
            raise StoreUnavailableError(f"lock store {self._where()} is unavailable (conversation {conversation_id!r}): {e}") from e
        if not acquired:
            raise LockTimeoutError(f"conversation {conversation_id!r} is busy: its lock was not free within {wait:g} s")
        held = _Held(lk, conversation_id, time.monotonic() + self.ttl)
        self._hold(held)
        try:
            yield
        finally:
            with held.guard:
                held.released = True
                self._drop(held)
                try:
                    lk.release()
                except redis.exceptions.LockNotOwnedError:
                    logger.warning("conversation lock expired while held", extra={"conversation_id": conversation_id, "stage": "lock"})
                except redis.exceptions.RedisError as e:  # the key expires by itself after the lease
                    logger.error("conversation lock release failed", extra={"conversation_id": conversation_id, "stage": "lock", "error": str(e)})

    def held(self) -> int:
        """Locks this store object holds (and renews) right now."""
        with self._mutex:
            return len(self._held)

    def _hold(self, held: _Held) -> None:
        with self._mutex:
            self._held[id(held)] = held
            if self._renewer is None:
                self._renewer = threading.Thread(target=self._renew_loop, name="redis-lock-renewal", daemon=True)
                self._renewer.start()

    def _drop(self, held: _Held) -> None:
        with self._mutex:
            self._held.pop(id(held), None)

    def _renew_loop(self) -> None:
        """Every ``lease / 3`` seconds, renew each held lock (reset its expiry to ``lease``); exits when none is held."""
        while True:
            self._wake.wait(self.lease / 3)
            with self._mutex:
                if not self._held:
                    self._renewer = None
                    return
                batch = list(self._held.values())
            for held in batch:
                self._renew(held)

    def _renew(self, held: _Held) -> None:
        import redis

        with held.guard:
            if held.released:
                return
            if time.monotonic() >= held.until:  # stuck: let it lapse
                self._drop(held)
                logger.warning("turn held its conversation lock past the longest hold: no longer renewed",
                               extra={"conversation_id": held.conversation_id, "stage": "lock", "ttl_s": self.ttl})
                return
            try:
                held.lock.reacquire()
            except redis.exceptions.LockNotOwnedError:  # lapsed (the process stalled past the lease) and maybe taken
                self._drop(held)
                logger.warning("conversation lock lapsed before its renewal", extra={"conversation_id": held.conversation_id,
                                                                                       "stage": "lock"})
            except redis.exceptions.RedisError as e:  # Redis unreachable for now: try again at the next tick
                logger.warning("conversation lock renewal failed", extra={"conversation_id": held.conversation_id,
                                                                            "stage": "lock", "error": str(e)})

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
