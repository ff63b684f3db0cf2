"""Scheduling the REST channel's turns on the event loop: per-conversation queues, joined redeliveries, holding replies.

A turn is blocking work (NLU, tracker store, actions), so it runs in anyio's
worker-thread pool (``run_in_threadpool``, 40 threads by default). If every
queued turn went to the pool at once, many turns of ONE conversation would
each take a thread only to wait there for that conversation's lock, and once
they held every thread the other conversations would stall (thread-pool
starvation). So :class:`TurnScheduler` queues a conversation's turns on an
``asyncio.Lock`` first (first come, first served: ``asyncio.Lock`` wakes its
waiters in order) and hands a turn to the pool only when it is that
conversation's turn: a conversation uses at most one worker thread.

Redelivery (cases C06, C07): a delivery whose message id is already being
processed joins that turn instead of running it again. A delivery waits at
most ``hold_after`` seconds for its turn's answer; when the turn takes longer
(a slow action or back end) it is answered with a holding reply
(:func:`assistant.dialogue.holding.holding_turn`, ``custom.pending`` true) and
the turn goes on; its answer is stored with the message id, so a later
redelivery gets it (the engine's exactly-once by message id, see
:meth:`assistant.stores.trackers.SQLTrackerStore.append`). A delivery without
a message id cannot fetch a late answer, so it waits for the turn.

This is per process; across several workers the lock store (Redis) and the
tracker store's message-id record keep a turn from running twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi.concurrency import run_in_threadpool

from assistant.dialogue.holding import holding_turn
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import Turn
from assistant.errors import LockTimeoutError

T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass
class _Queue:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class TurnScheduler:
    """Runs turns of the engine from async code; see the module docstring.

    Args:
        processor: the engine: ``handle_message(UserMessage) -> Turn``, ``domain``
            and ``tracker_store.reply_for(sender_id, message_id)``.
        hold_after: seconds a delivery with a message id waits for the answer
            before it gets the holding reply; ``0`` waits for the turn however long.
        queue_wait: seconds a turn may wait behind its conversation's earlier turns.

    Example:
        >>> scheduler = TurnScheduler(processor, hold_after=2.0)  # doctest: +SKIP
        >>> turn = await scheduler.handle(UserMessage("u1", "안녕하세요", "rest", {"message_id": "m-1"}))  # doctest: +SKIP
    """

    def __init__(self, processor: Any, hold_after: float = 2.0, queue_wait: float = 60.0) -> None:
        self.processor = processor
        self.hold_after = hold_after
        self.queue_wait = queue_wait
        self._queues: dict[str, _Queue] = {}
        self._inflight: dict[tuple[str, str], asyncio.Task[Turn]] = {}

    async def handle(self, message: UserMessage) -> Turn:
        """The reply to one delivery: the turn's answer, a stored one, or the holding reply.

        Raises:
            LockTimeoutError: the conversation's earlier turns did not finish within ``queue_wait`` seconds.
            AssistantError: whatever the engine raises for bad input.
        """
        mid = _message_id(message)
        if mid is None:  # a task too: a client that goes away must not release the queue while its turn still runs
            return await asyncio.shield(self._spawn(message, None))
        key = (message.sender_id, mid)
        task = self._inflight.get(key)
        if task is None:
            task = self._inflight[key] = self._spawn(message, mid)
        else:
            logger.info("redelivery joins the running turn", extra={"conversation_id": message.sender_id,
                                                                    "channel": message.channel, "stage": "server"})
        if self.hold_after <= 0:
            return await asyncio.shield(task)
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.hold_after)
        except TimeoutError:
            logger.info("turn still running: holding reply", extra={"conversation_id": message.sender_id,
                                                                    "channel": message.channel, "stage": "server"})
            return holding_turn(self.processor.domain, message, mid)

    async def exclusive(self, sender_id: str, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` in the threadpool while holding ``sender_id``'s place in the queue (the admin routes
        that write to a conversation: appended messages, triggered intents, resume), so they never interleave
        with its turns.

        Raises:
            LockTimeoutError: the conversation stayed busy longer than ``queue_wait``.
        """
        async with self._conversation(sender_id):
            return await run_in_threadpool(fn, *args)

    def pending(self, sender_id: str) -> int:
        """Turns of ``sender_id`` running or queued in this process (0 when idle)."""
        q = self._queues.get(sender_id)
        return q.users if q else 0

    async def _run(self, message: UserMessage, mid: str | None) -> Turn:
        if mid is not None:  # already answered: no need to queue behind the conversation's other turns
            stored = await run_in_threadpool(self.processor.tracker_store.reply_for, message.sender_id, mid)
            if stored is not None:
                return Turn.from_reply(stored)
        async with self._conversation(message.sender_id):
            turn: Turn = await run_in_threadpool(self.processor.handle_message, message)
            return turn

    @asynccontextmanager
    async def _conversation(self, sender_id: str) -> AsyncIterator[None]:
        q = self._queues.get(sender_id)
        if q is None:
            q = self._queues[sender_id] = _Queue()
        q.users += 1
        try:
            try:
                await asyncio.wait_for(q.lock.acquire(), self.queue_wait)
            except TimeoutError as e:
                raise LockTimeoutError(
                    f"conversation {sender_id!r} is busy: its earlier turns did not finish within {self.queue_wait:g} s") from e
            try:
                yield
            finally:
                q.lock.release()
        finally:
            q.users -= 1
            if q.users == 0 and self._queues.get(sender_id) is q:
                del self._queues[sender_id]

    def _spawn(self, message: UserMessage, mid: str | None) -> asyncio.Task[Turn]:
        task = asyncio.get_running_loop().create_task(self._run(message, mid))
        task.add_done_callback(self._finished(message.sender_id, mid))
        return task

    def _finished(self, sender_id: str, mid: str | None) -> Callable[[asyncio.Task[Turn]], None]:
        def done(task: asyncio.Task[Turn]) -> None:
            if mid is not None and self._inflight.get((sender_id, mid)) is task:
                del self._inflight[(sender_id, mid)]
            if not task.cancelled() and (e := task.exception()) is not None:  # retrieved here: no "never retrieved" warning
                logger.error("turn failed: %s", type(e).__name__, extra={"conversation_id": sender_id, "stage": "server"})
        return done


def _message_id(message: UserMessage) -> str | None:
    mid = (message.metadata or {}).get("message_id")
    return str(mid) if mid not in (None, "") else None
