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

Back pressure: at most ``queue_max`` turns of one conversation run or wait in
the queue; a new message beyond that is refused with HTTP 429 and
``Retry-After`` (a client sending faster than turns finish, or a stuck action,
cannot pile up work), while a redelivery of a queued or answered message id is
still joined or answered.

Replies are masked as the tracker store records them
(:func:`assistant.stores.masking.mask_reply`: the user's personal data where
the assistant echoes it, and resident registration, card and account numbers),
so the first delivery and any redelivery of a message id get the same bytes.

This is per process; across several workers the lock store (Redis) and the
tracker store's message-id record keep a turn from running twice.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from fastapi.concurrency import run_in_threadpool

from assistant.dialogue.holding import holding_turn
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import Turn, check_redelivery
from assistant.errors import InvalidConfigError, LockTimeoutError, StoreUnavailableError
from assistant.server.errors import HttpError
from assistant.stores.masking import mask_reply

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
        queue_max: REST turns of one conversation that may be running or queued at once
            (``ASSISTANT_TURN_QUEUE_MAX``); a new message beyond that gets 429.

    Raises:
        InvalidConfigError: ``queue_max`` below 1.

    Example:
        >>> scheduler = TurnScheduler(processor, hold_after=2.0)  # doctest: +SKIP
        >>> turn = await scheduler.handle(UserMessage("u1", "안녕하세요", "rest", {"message_id": "m-1"}))  # doctest: +SKIP
    """

    def __init__(self, processor: Any, hold_after: float = 2.0, queue_wait: float = 60.0, queue_max: int = 8) -> None:
        if queue_max < 1:
            raise InvalidConfigError(f"turn queue maximum must be at least 1, got {queue_max}")
        self.processor = processor
        self.hold_after = hold_after
        self.queue_wait = queue_wait
        self.queue_max = queue_max
        #: seconds a refused client is told to wait (``Retry-After``): about when a queued turn answers or holds
        self.retry_after = max(1, math.ceil(hold_after))
        self._queues: dict[str, _Queue] = {}
        self._turns: dict[str, int] = {}  # REST turns per conversation, from acceptance until they end
        self._inflight: dict[tuple[str, str], asyncio.Task[Turn]] = {}
        #: the language of each conversation's latest answered turn (bounded, oldest dropped): a holding reply to a
        #: button's payload ("/deny" has no language of its own) speaks the conversation's language
        self._languages: OrderedDict[str, str] = OrderedDict()

    async def handle(self, message: UserMessage, hold_after: float | None = None) -> Turn:
        """The reply to one delivery: the turn's answer, a stored one, or the holding reply.

        ``hold_after``: this delivery's own wait in seconds before the holding reply (a channel's budget: Kakao's
        skill timeout, Telegram's webhook), instead of the scheduler's ``hold_after``; ``0`` waits however long.

        Raises:
            HttpError: 429 with ``Retry-After`` when ``queue_max`` turns of the conversation are already running or
                queued and this delivery is a new message (not a redelivery of one of them, nor of an answered one).
            LockTimeoutError: the conversation's earlier turns did not finish within ``queue_wait`` seconds.
            AssistantError: whatever the engine raises for bad input.
        """
        mid = _message_id(message)
        key = (message.sender_id, mid) if mid is not None else None
        task = self._inflight.get(key) if key is not None else None
        if task is None:
            if self._turns.get(message.sender_id, 0) >= self.queue_max:
                return await self._refuse(message, mid)
            task = self._spawn(message, mid)
            if key is not None:
                self._inflight[key] = task
        else:
            logger.info("redelivery joins the running turn", extra={"conversation_id": message.sender_id,
                                                                    "channel": message.channel, "stage": "server"})
        if mid is None:  # a task too: a client that goes away must not release the queue while its turn still runs
            return await asyncio.shield(task)
        wait = self.hold_after if hold_after is None else hold_after
        if wait <= 0:
            return await asyncio.shield(task)
        try:
            return await asyncio.wait_for(asyncio.shield(task), wait)
        except TimeoutError:
            logger.info("turn still running: holding reply", extra={"conversation_id": message.sender_id,
                                                                    "channel": message.channel, "stage": "server"})
            return holding_turn(self.processor.domain, message, mid, self._languages.get(message.sender_id))

    async def _refuse(self, message: UserMessage, mid: str | None) -> Turn:
        """A delivery over ``queue_max``: its stored answer if the message id was answered before, else 429."""
        if mid is not None and (stored := await self._stored_reply(message, mid)) is not None:
            return Turn.from_reply(stored)
        waiting = self._turns.get(message.sender_id, 0)
        logger.warning("turn queue full: message refused", extra={"conversation_id": message.sender_id, "channel": message.channel,
                                                                  "stage": "server", "queued": waiting, "limit": self.queue_max})
        raise HttpError(
            429,
            f"이전 메시지를 아직 처리하고 있어요({waiting}건). {self.retry_after}초 뒤에 다시 보내 주세요. / "
            f"Still working on this conversation's earlier messages ({waiting} waiting, the limit is {self.queue_max}); "
            f"please send this message again in {self.retry_after} s.",
            {"Retry-After": str(self.retry_after)},
        )

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
        if mid is not None and (stored := await self._stored_reply(message, mid)) is not None:
            return Turn.from_reply(stored)  # already answered: no need to queue behind the conversation's other turns
        async with self._conversation(message.sender_id):
            turn: Turn = await run_in_threadpool(self.processor.handle_message, message)
        return _as_stored(turn)

    async def _stored_reply(self, message: UserMessage, mid: str) -> Any:
        """The reply recorded for ``mid``, or ``None``; also ``None`` when the tracker store cannot be reached, so the
        turn goes to the engine, which answers with its polite "try again" message and logs the outage
        (a 503 here would show the client the database's address instead)."""
        try:
            stored = await run_in_threadpool(self.processor.tracker_store.reply_for, message.sender_id, mid)
            if stored is not None:  # a redelivery must repeat the text (else MessageIdConflictError: 409)
                await run_in_threadpool(check_redelivery, self.processor.tracker_store, message, mid)
            return stored
        except StoreUnavailableError:
            logger.warning("tracker store unavailable: stored reply not checked", extra={
                "conversation_id": message.sender_id, "channel": message.channel, "stage": "server"})
            return None

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
        self._turns[message.sender_id] = self._turns.get(message.sender_id, 0) + 1
        task = asyncio.get_running_loop().create_task(self._run(message, mid))
        task.add_done_callback(self._finished(message.sender_id, mid))
        return task

    def _finished(self, sender_id: str, mid: str | None) -> Callable[[asyncio.Task[Turn]], None]:
        def done(task: asyncio.Task[Turn]) -> None:
            left = self._turns.get(sender_id, 0) - 1
            if left > 0:
                self._turns[sender_id] = left
            else:
                self._turns.pop(sender_id, None)
            if mid is not None and self._inflight.get((sender_id, mid)) is task:
                del self._inflight[(sender_id, mid)]
            if not task.cancelled() and (e := task.exception()) is not None:  # retrieved here: no "never retrieved" warning
                logger.error("turn failed: %s", type(e).__name__, extra={"conversation_id": sender_id, "stage": "server"})
            elif not task.cancelled() and task.result().language in ("ko", "en"):
                self._languages[sender_id] = task.result().language
                self._languages.move_to_end(sender_id)
                while len(self._languages) > _LANGUAGES_KEPT:
                    self._languages.popitem(last=False)
        return done


_LANGUAGES_KEPT = 50_000  # conversations whose language a holding reply remembers (a few MB at most)


def _as_stored(turn: Turn) -> Turn:
    """The turn with its messages masked as the tracker store records its reply
    (:func:`assistant.stores.masking.mask_reply`), so the first delivery and a redelivery get the same bytes."""
    if turn.replayed:
        return turn
    reply = turn.reply_json()
    masked = mask_reply(reply, turn.events)
    return turn if masked == reply else replace(turn, messages=Turn.from_reply(masked).messages)


def _message_id(message: UserMessage) -> str | None:
    mid = (message.metadata or {}).get("message_id")
    return str(mid) if mid not in (None, "") else None
