"""HTTP routes of the messaging and phone channels: ``POST /webhooks/{kakao,voice,telegram,slack,whatsapp}/webhook``.

Each route exists only when its channel is configured (:func:`create_router`): KakaoTalk with
``ASSISTANT_KAKAO_SKILL_SECRET``, the phone (Twilio) with ``ASSISTANT_TWILIO_AUTH_TOKEN``, Telegram with
``ASSISTANT_TELEGRAM_SECRET_TOKEN``, Slack with ``ASSISTANT_SLACK_SIGNING_SECRET`` and ``ASSISTANT_SLACK_BOT_TOKEN``,
WhatsApp with ``ASSISTANT_WHATSAPP_{APP_SECRET,VERIFY_TOKEN,ACCESS_TOKEN,PHONE_NUMBER_ID}``; a request without the channel's secret (or signature) is refused with 401 /
403 before anything is parsed. A route turns the platform's request into a
:class:`~assistant.dialogue.messages.UserMessage` with the platform's message id and runs the same turn as the
REST channel (the server's :class:`~assistant.server.turns.TurnScheduler`: per-conversation queue, exactly once
per message id, holding reply for a slow turn), then renders the replies in the platform's format (the adapters:
:mod:`~assistant.channels.kakao`, :mod:`~assistant.channels.voice`, :mod:`~assistant.channels.telegram`).
Slack and WhatsApp answer 200 at once and send the replies through the platform's API when the turn is done
(:func:`deliver`), so a platform's short timeout never cuts a turn and its redelivery of an unanswered request is
rare; a redelivered message id is acknowledged without a second reply (:class:`RecentIds`: a per-process cache in
front of the shared channel state, so also when the redelivery reaches another worker or a restarted server).

Push (when the platform's API is configured, :func:`assistant.server.app.build_proactive_channels`): a Telegram
turn answered with the holding reply has its answer pushed with ``sendMessage`` when it is ready (so does a KakaoTalk
turn without a ``callbackUrl``, through the Event API); a button tap is answered with ``answerCallbackQuery``; and
messages kept because an earlier push failed are pushed again after the conversation's next message
(:meth:`~assistant.channels.proactive.PushChannel.redeliver`). Without it (no bot token, no Event API and no Kakao
``callbackUrl``), the holding reply says the answer comes with the next message, the answer is kept in the outbox when
it is ready, and the conversation's next reply on that channel starts with it (with anything else kept: alerts, the
MyData continuation), in order and once.

Each channel waits as long as its platform lets a webhook take (``ASSISTANT_KAKAO_ANSWER_WITHIN``, 4 s of Kakao's
5 s; ``ASSISTANT_TELEGRAM_ANSWER_WITHIN``, 25 s) before the holding reply, not the REST channel's
``ASSISTANT_HOLDING_REPLY_AFTER``.

Logs name the channel, the conversation and the stage, never the text; the caller's phone number only as its
last two digits. (Lines also go through the masking log formatter, :mod:`assistant.logging_config`.)
"""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ValidationError

from assistant.channels import kakao, slack, telegram, voice, whatsapp
from assistant.channels.common import kept_in_front, next_message_holding, same_secret
from assistant.channels.proactive import PendingChannel, PushChannel, bot_message_of, masked_id
from assistant.dialogue.holding import is_holding
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.errors import AssistantError, InvalidConfigError
from assistant.server.errors import HttpError

logger = logging.getLogger(__name__)
#: Request bodies above this many bytes are refused with 413 (as the REST channel's).
MAX_BODY_BYTES = 64 * 1024
#: Seconds a Kakao callback stays usable (Kakao: one minute).
KAKAO_CALLBACK_WITHIN = 55.0
#: Seconds a held turn's answer is waited for before it is pushed or kept (past that, it stays stored in the
#: conversation only).
LATE_ANSWER_WITHIN = 300.0
#: Seconds the next reply waits for a held turn's answer to be kept (that turn has finished: it ran first).
KEPT_WAIT = 2.0
#: Seconds a finished held turn's answer waits before it is kept (a redelivery joined to the turn answers it).
REDELIVERY_GRACE = 0.2
#: (conversation, message id) pairs remembered as answered in a reply (the oldest forgotten first).
ANSWERED_KEPT = 10_000
_TOO_LONG = {"ko": "메시지가 너무 길어요({n}자, 최대 {limit}자). 질문을 짧게 줄여 다시 보내 주세요.",
             "en": "The message has {n} characters; the limit is {limit}. Please send a shorter message."}


def _json_body(raw: bytes, model: type[BaseModel]) -> Any:
    if len(raw) > MAX_BODY_BYTES:
        raise HttpError(413, f"request body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}")
    try:
        return model.model_validate_json(raw)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "body"
        raise HttpError(422 if first["type"] != "json_invalid" else 400, f"{where}: {first['msg']}") from e


def _too_long(message: UserMessage, limit: int) -> tuple[BotMessage, ...] | None:
    """A polite bilingual refusal when the message is over ``limit`` characters, else None."""
    n = len(message.text)
    if n <= limit:
        return None
    lang = "en" if message.metadata.get("language") == "en" else "ko"
    return (BotMessage(_TOO_LONG[lang].format(n=n, limit=limit), (), {"language": lang, "citations": []}),)


def callback_allowed(url: str, hosts: list[str]) -> bool:
    """Whether a Kakao ``callbackUrl`` may be POSTed to: ``https`` (or ``http`` to a loopback host) and a host that
    matches one of ``hosts`` (``*.kakao.com`` style wildcards). The URL comes in the request, so it is never
    followed to a host the deployment did not allow."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        return False
    if parts.scheme == "http" and host not in ("127.0.0.1", "localhost", "::1"):
        return False
    return any(fnmatch.fnmatchcase(host, h.lower()) for h in hosts)


def create_router(settings: Any, turns: Callable[[], Any], domain: Callable[[], Any],
                  proactive: Callable[[], Any] | None = None, channel_state: Callable[[], Any] | None = None) -> APIRouter:
    """The configured channels' webhook routes.

    Args:
        settings: :class:`~assistant.settings.Settings` (``kakao_skill_secret``, ``kakao_callback_hosts``,
            ``twilio_auth_token``, ``voice_public_url``, ``telegram_secret_token``, ``max_message_chars``).
        turns: the server's turn scheduler (``handle(UserMessage) -> Turn``), looked up per request.
        domain: the engine's domain, looked up per request (the holding reply itself comes from ``turns``).
        proactive: the server's :class:`~assistant.channels.proactive.ProactiveChannels` (called from a worker
            thread, it may open the outbox); a channel registered there as a
            :class:`~assistant.channels.proactive.PushChannel` pushes late answers and kept messages. ``None``: no push.
        channel_state: returns the store every worker shares (called from a worker thread, it may open it;
            :class:`~assistant.stores.channel_state.ChannelStateStore`): Slack's and WhatsApp's message ids already
            taken (:class:`RecentIds`) and the WhatsApp conversations' last inbound time. ``None``: per process only.

    Returns:
        A router with one route per configured channel (none when nothing is configured).
    """
    router = APIRouter()
    background: set[asyncio.Task[None]] = set()

    def keep(coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        background.add(task)
        task.add_done_callback(background.discard)

    #: conversations' late answers being waited for to be kept (no push), by conversation id
    keepers: dict[str, set[asyncio.Task[None]]] = {}
    #: (conversation, message id) of turns answered in a webhook's reply after all (a redelivery): not kept again
    answered: OrderedDict[tuple[str, str], None] = OrderedDict()

    async def registered(name: str) -> Any:
        if proactive is None:
            return None
        channels = await run_in_threadpool(proactive)
        return channels.registered(name)

    async def push_channel(name: str) -> PushChannel | None:
        channel = await registered(name)
        return channel if isinstance(channel, PushChannel) else None

    async def reply_of(message: UserMessage, messages: tuple[BotMessage, ...], held: bool) -> tuple[BotMessage, ...]:
        """The webhook's reply: with push, ``messages`` (the late answer and kept messages are pushed in the
        background); without it (a :class:`~assistant.channels.proactive.PendingChannel` registered for the channel),
        the kept messages in front of ``messages``, taken once, and a held turn's answer waited for and kept for
        the next reply (the holding text says so)."""
        channel = await registered(message.channel)
        if isinstance(channel, PushChannel) or not isinstance(channel, PendingChannel) \
                or not hasattr(channel.outbox, "fetch"):
            keep(after_turn(message, held))  # a held answer is pushed when the platform's API is set
            return messages
        sender, mid = message.sender_id, str(message.metadata.get("message_id") or "")
        if held:
            earlier = [t for t in keepers.get(sender, ()) if not t.done()]  # kept first: the answers stay in order
            keeper = asyncio.get_running_loop().create_task(_keep_late(message, channel, turns, answered, earlier))
            keepers.setdefault(sender, set()).add(keeper)
            keeper.add_done_callback(lambda t: _forget(keepers, sender, t))
            messages = next_message_holding(messages)
        else:
            answered[(sender, mid)] = None
            while len(answered) > ANSWERED_KEPT:
                answered.popitem(last=False)
            waiting = [t for t in keepers.get(sender, ()) if not t.done()]
            if waiting:  # this turn ran after the held one: its answer is being kept right now
                await asyncio.wait(waiting, timeout=KEPT_WAIT)
        try:
            kept = await run_in_threadpool(take_kept, channel.outbox, sender)
        except Exception as e:  # noqa: BLE001 - the outbox is down: answer without them (they stay kept)
            logger.error("%s kept messages not read (%s)", message.channel, type(e).__name__,
                         extra={"conversation_id": masked_id(sender), "channel": message.channel, "stage": "proactive"})
            return messages
        if kept:
            logger.info("%s kept messages sent in front of the reply", message.channel, extra={
                "conversation_id": masked_id(sender), "channel": message.channel, "stage": "proactive",
                "messages": len(kept)})
        return kept_in_front(kept, messages)

    async def after_turn(message: UserMessage, held: bool, first: asyncio.Future[Any] | None = None) -> None:
        """Push a held turn's answer, then what earlier pushes could not deliver (background, logged)."""
        channel = await push_channel(message.channel)
        if channel is None:
            return
        if held:
            await _push_late(message, channel, turns, first)
        try:
            await run_in_threadpool(channel.redeliver, message.sender_id)
        except Exception as e:  # noqa: BLE001 - a background task: they stay kept; log (without text) and end
            logger.error("%s redelivery failed (%s): messages stay kept", message.channel, type(e).__name__,
                         extra={"conversation_id": masked_id(message.sender_id), "channel": message.channel,
                                "stage": "proactive"})

    if settings.kakao_skill_secret:
        secret: str = settings.kakao_skill_secret

        @router.post("/webhooks/kakao/webhook")
        async def kakao_webhook(request: Request) -> JSONResponse:
            """A Kakao i Open Builder skill request → SkillResponse 2.0 (:mod:`assistant.channels.kakao`)."""
            given = request.headers.get("x-skill-secret") or request.query_params.get("secret")
            if not same_secret(given, secret):
                raise HttpError(401, "missing or wrong skill secret (X-Skill-Secret header)")
            body: kakao.SkillRequest = _json_body(await request.body(), kakao.SkillRequest)
            mid = kakao.message_id(body)
            message = kakao.to_user_message(body, mid)
            refused = _too_long(message, settings.max_message_chars)
            if refused is not None:
                return JSONResponse(kakao.render(refused))
            turn = await turns().handle(message, settings.kakao_answer_within)
            held = is_holding(turn.messages)
            logger.info("kakao turn", extra={"conversation_id": message.sender_id, "channel": kakao.CHANNEL,
                                             "stage": "channel", "holding": held})
            url = body.user_request.callback_url
            if held and url and callback_allowed(url, settings.kakao_callback_hosts):
                keep(_kakao_callback(url, message, turns))
                keep(after_turn(message, False))  # only what earlier pushes kept
                return JSONResponse(kakao.callback_ack(turn.messages))
            return JSONResponse(kakao.render(await reply_of(message, turn.messages, held)))

    if settings.twilio_auth_token:
        token: str = settings.twilio_auth_token

        @router.post("/webhooks/voice/webhook")
        async def voice_webhook(request: Request) -> Response:
            """A Twilio Voice request (form-encoded) → TwiML (:mod:`assistant.channels.voice`)."""
            raw = await request.body()
            if len(raw) > MAX_BODY_BYTES:
                raise HttpError(413, f"request body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}")
            form = await request.form()
            params = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            url = voice.public_url(str(request.url), settings.voice_public_url)
            if not voice.valid_signature(url, params, token, request.headers.get("x-twilio-signature")):
                raise HttpError(403, "missing or wrong X-Twilio-Signature")
            fields = dict(params)
            query = dict(request.query_params)
            turn_no, lang, _options = voice.call_state(query)
            language = lang or settings.voice_language
            try:
                message = voice.to_user_message(fields, query)
            except ValueError as e:
                if not fields.get("CallSid"):
                    raise HttpError(422, str(e)) from e
                again = BotMessage("다시 말씀해 주세요." if language == "ko" else "Please say that again.")
                return _twiml(voice.render((again,), language, url, turn_no - 1))
            logger.info("voice turn", extra={"conversation_id": message.sender_id, "channel": voice.CHANNEL,
                                             "stage": "channel", "caller": voice.caller_for_logs(fields.get("From"))})
            refused = _too_long(message, settings.max_message_chars)
            if refused is not None:
                return _twiml(voice.render(refused, language, url, turn_no))
            turn = await turns().handle(message)
            if is_holding(turn.messages):
                return _twiml(voice.render(turn.messages, language, url, turn_no, holding=True, said=message.text))
            spoken = turn.language if turn.language in voice.LOCALES else language
            messages = turn.messages
            if (number := voice.keyed_number(fields, query)) is not None:  # read back a number keyed at a question
                note = voice.digits_readback(number, turn.events, spoken)
                messages = (BotMessage(note, (), {"language": spoken}), *messages)
            return _twiml(voice.render(messages, spoken, url, turn_no))

    if settings.telegram_secret_token:
        tg_secret: str = settings.telegram_secret_token

        @router.post("/webhooks/telegram/webhook")
        async def telegram_webhook(request: Request) -> JSONResponse:
            """A Telegram Bot API update → a ``sendMessage`` in the response (:mod:`assistant.channels.telegram`)."""
            if not same_secret(request.headers.get("x-telegram-bot-api-secret-token"), tg_secret):
                raise HttpError(401, "missing or wrong X-Telegram-Bot-Api-Secret-Token")
            update: telegram.Update = _json_body(await request.body(), telegram.Update)
            message = telegram.to_user_message(update)
            if message is None:
                return JSONResponse({})
            chat = telegram.chat_id_of(message.sender_id)
            refused = _too_long(message, settings.max_message_chars)
            if refused is not None:
                return JSONResponse(telegram.render(chat, refused))
            if update.callback_query is not None and update.message is None:
                keep(_answer_callback(update.callback_query.id, message, push_channel))
            turn = await turns().handle(message, settings.telegram_answer_within)
            held = is_holding(turn.messages)
            logger.info("telegram turn", extra={"conversation_id": message.sender_id, "channel": telegram.CHANNEL,
                                                "stage": "channel", "holding": held})
            return JSONResponse(telegram.render(chat, await reply_of(message, turn.messages, held)))

    # Slack and WhatsApp push every reply; what an earlier push could not deliver goes out at the next message
    _slack_routes(router, settings, turns, keep, lambda m: after_turn(m, False), channel_state)
    _whatsapp_routes(router, settings, turns, keep, lambda m: after_turn(m, False), channel_state)
    return router


def _twiml(xml: str) -> Response:
    return Response(xml, media_type="application/xml")


async def _push_late(message: UserMessage, channel: PushChannel, turns: Callable[[], Any],
                     first: asyncio.Future[Any] | None = None) -> None:
    """Wait (at most :data:`LATE_ANSWER_WITHIN` s) for the answer of a turn that got the holding reply, by
    redelivering its message id (which joins the running turn or gets the stored answer), and push it through
    ``channel`` (kept in the outbox when the push fails)."""
    deadline = time.monotonic() + LATE_ANSWER_WITHIN
    extra = {"conversation_id": masked_id(message.sender_id), "channel": message.channel, "stage": "proactive"}
    try:
        turn = await asyncio.wait_for(asyncio.shield(first), LATE_ANSWER_WITHIN) if first is not None else None
        while (turn is None or is_holding(turn.messages)) and time.monotonic() < deadline:
            turn = await turns().handle(message)
        if turn is None or is_holding(turn.messages):
            raise TimeoutError(f"the turn did not finish within {LATE_ANSWER_WITHIN:g} s")
        await run_in_threadpool(channel.send, message.sender_id, turn.messages)
        logger.info("%s late answer sent or kept", message.channel, extra=extra)
    except Exception as e:  # noqa: BLE001 - a background task: log (without text) and end; the answer stays stored
        logger.error("%s late answer not pushed (%s): it stays stored for the next message", message.channel,
                     type(e).__name__, extra=extra)


async def _answer_callback(callback_query_id: str, message: UserMessage,
                           push_channel: Callable[[str], Coroutine[Any, Any, PushChannel | None]]) -> None:
    """``answerCallbackQuery`` for a button tap (Telegram shows a progress indicator until it is answered)."""
    channel = await push_channel(telegram.CHANNEL)
    pusher = getattr(channel, "pusher", None)
    if not isinstance(pusher, telegram.TelegramPusher):
        return
    try:
        await run_in_threadpool(pusher.answer_callback_query, callback_query_id)
    except Exception as e:  # noqa: BLE001 - a background task: the tap's answer still comes; log and end
        logger.warning("telegram answerCallbackQuery failed (%s)", type(e).__name__, extra={
            "conversation_id": masked_id(message.sender_id), "channel": telegram.CHANNEL, "stage": "channel"})


async def _kakao_callback(url: str, message: UserMessage, turns: Callable[[], Any]) -> None:
    """Wait for the held turn's answer (redelivering its message id, which joins the running turn or gets the stored
    answer) and POST it, as a SkillResponse, to Kakao's callback URL; within :data:`KAKAO_CALLBACK_WITHIN` s."""
    import httpx

    try:
        turn = await turns().handle(message, KAKAO_CALLBACK_WITHIN)
        if is_holding(turn.messages):
            raise TimeoutError("the turn did not finish within the callback's minute")
        async with httpx.AsyncClient(timeout=10.0) as client:
            r = await client.post(url, content=json.dumps(kakao.render(turn.messages), ensure_ascii=False).encode("utf-8"),
                                  headers={"Content-Type": "application/json"})
            r.raise_for_status()
        logger.info("kakao callback sent", extra={"conversation_id": message.sender_id, "channel": kakao.CHANNEL,
                                                  "stage": "channel"})
    except Exception as e:  # noqa: BLE001 - a background task: log (without text or URL) and end
        logger.error("kakao callback failed: %s", type(e).__name__, extra={"conversation_id": message.sender_id,
                                                                          "channel": kakao.CHANNEL, "stage": "channel"})


#: Seconds a Slack / WhatsApp reply may wait for its turn (holding replies included) before it is given up.
PUSH_WITHIN = 300.0


class SeenIds(Protocol):
    """The message ids every worker has seen (:class:`~assistant.stores.channel_state.ChannelStateStore`, wired in by
    the server: channels do not touch stores)."""

    def first_seen(self, key: str) -> bool:
        """Record ``key``; ``True`` only for the first caller in any process."""
        ...


class RecentIds:
    """The message ids seen lately: a platform's redelivery of a request already taken is acknowledged without a
    second reply. An in-process cache (bounded, oldest forgotten) in front of ``shared``, the ids every worker has
    seen (kept across restarts), so a redelivery that reaches another worker, or this one after a restart, is
    recognised too. When the shared store is down the cache alone decides (logged; the engine's exactly-once by message
    id still keeps the turn from running twice, and a reply may then be sent again).

    Args:
        size: ids remembered in process.
        shared: returns the shared store (looked up on first use; ``None``: in process only).

    Example:
        >>> seen = RecentIds(2)
        >>> seen.add("a"), seen.add("a"), seen.add("b"), seen.add("c"), seen.add("a")
        (True, False, True, True, True)
    """

    def __init__(self, size: int = 50_000, shared: Callable[[], SeenIds | None] | None = None) -> None:
        self.size = size
        self.shared = shared
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: str) -> bool:
        """Remember ``key``; ``False`` when it was already seen (here, or by any worker sharing the store). A blocking
        call when there is a shared store (run it in a worker thread)."""
        with self._lock:
            if key in self._ids:
                self._ids.move_to_end(key)
                return False
        first = True
        store = self.shared() if self.shared is not None else None
        if store is not None:
            stored = key if len(key) <= 200 else "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
            try:
                first = store.first_seen(stored)
            except AssistantError as e:  # the shared store is down: the in-process cache decides alone
                logger.warning("shared message id store unavailable (%s): deduplicating in this process only",
                               type(e).__name__, extra={"stage": "channel"})
        with self._lock:
            if key in self._ids:  # another request of this process took it meanwhile
                return False
            self._ids[key] = None
            while len(self._ids) > self.size:
                self._ids.popitem(last=False)
        return first


async def deliver(message: UserMessage, turns: Callable[[], Any], send: Callable[[tuple[BotMessage, ...]], None],
                  limit: int) -> None:
    """Run ``message``'s turn and ``send`` its replies (in a worker thread: the platform APIs are blocking calls):
    a slow turn's holding reply first, once, then its answer when the turn is done (redelivering the message id,
    which joins the running turn); at most :data:`PUSH_WITHIN` s. A failure is logged (channel, conversation, error
    type; never the text or the platform's ids) and ends the delivery."""
    channel = message.channel
    try:
        refused = _too_long(message, limit)
        if refused is not None:
            await run_in_threadpool(send, refused)
            return
        deadline = time.monotonic() + PUSH_WITHIN
        turn = await turns().handle(message)
        if is_holding(turn.messages):
            await run_in_threadpool(send, tuple(turn.messages))
            while is_holding(turn.messages) and time.monotonic() < deadline:
                turn = await turns().handle(message)
            if is_holding(turn.messages):
                raise TimeoutError(f"the turn did not finish within {PUSH_WITHIN:g} s")
        await run_in_threadpool(send, tuple(turn.messages))
        logger.info(f"{channel} reply sent", extra={"conversation_id": message.sender_id, "channel": channel,
                                                    "stage": "channel"})
    except Exception as e:  # noqa: BLE001 - a background task: log (without text) and end
        logger.error("%s reply failed: %s", channel, type(e).__name__, extra={
            "conversation_id": message.sender_id, "channel": channel, "stage": "channel"})


async def _in_order(first: Coroutine[Any, Any, None] | None, then: Coroutine[Any, Any, None]) -> None:
    """``first`` (the messages kept for the conversation, pushed again: an alert that waited for the citizen's reply),
    then ``then`` (the reply), so the kept messages arrive in front of the reply. Both log their own failures."""
    try:
        if first is not None:
            await first
    except Exception as e:  # noqa: BLE001 - a background task: the reply goes out anyway; they stay kept
        logger.error("kept messages not pushed (%s)", type(e).__name__, extra={"stage": "proactive"})
    await then


def _slack_routes(router: APIRouter, settings: Any, turns: Callable[[], Any],
                  keep: Callable[[Coroutine[Any, Any, None]], None],
                  kept: Callable[[UserMessage], Coroutine[Any, Any, None]] | None = None,
                  channel_state: Callable[[], Any] | None = None) -> None:
    """``POST /webhooks/slack/webhook`` (Events API and interactivity) when Slack is configured; ``kept(message)``
    pushes what earlier pushes to that conversation could not deliver; ``channel_state`` (the shared store) tells
    redeliveries seen by other workers."""
    secret, token = settings.slack_signing_secret, settings.slack_bot_token
    if not secret and not token:
        return
    if not secret or not token:
        raise InvalidConfigError("Slack needs both ASSISTANT_SLACK_SIGNING_SECRET and ASSISTANT_SLACK_BOT_TOKEN "
                                 f"(only {'the signing secret' if secret else 'the bot token'} is set)")
    api = slack.SlackApi(token, settings.slack_api_url, settings.connector_timeout, settings.connector_retries)
    seen = RecentIds(shared=channel_state)

    @router.post("/webhooks/slack/webhook")
    async def slack_webhook(request: Request) -> Response:
        """An Events API request or an interactivity payload → 200 at once; the reply via ``chat.postMessage``
        (:mod:`assistant.channels.slack`)."""
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise HttpError(413, f"request body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}")
        if not slack.valid_signature(secret, request.headers.get("x-slack-request-timestamp"),
                                     request.headers.get("x-slack-signature"), raw):
            raise HttpError(401, "missing, wrong or stale X-Slack-Signature / X-Slack-Request-Timestamp")
        thread_ts: str | None = None
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            try:
                payload = parse_qs(raw.decode("utf-8")).get("payload")
            except UnicodeDecodeError as e:
                raise HttpError(400, "the form is not UTF-8") from e
            if not payload:
                raise HttpError(422, "payload: an interactivity request carries a payload form field")
            message = slack.action_message(_json_body(payload[0].encode("utf-8"), slack.ActionPayload))
        else:
            envelope: slack.EventEnvelope = _json_body(raw, slack.EventEnvelope)
            if envelope.type == "url_verification":
                return JSONResponse({"challenge": envelope.challenge or ""})
            message = slack.to_user_message(envelope)
            thread_ts = message.metadata.get("thread_ts") if message is not None else None
        if message is None:
            return Response(status_code=200)
        if not await run_in_threadpool(seen.add, f"{message.sender_id}|{message.metadata['message_id']}"):
            logger.info("slack redelivery acknowledged", extra={"conversation_id": message.sender_id,
                                                                "channel": slack.CHANNEL, "stage": "channel",
                                                                "retry": request.headers.get("x-slack-retry-num")})
            return Response(status_code=200)
        _team, channel_id, _user = slack.parse_conversation_id(message.sender_id)

        def send(messages: tuple[BotMessage, ...]) -> None:
            body = slack.render(channel_id, messages, thread_ts)
            if body is not None:
                api.post_message(body)

        keep(_in_order(kept(message) if kept is not None else None,
                       deliver(message, turns, send, settings.max_message_chars)))
        return Response(status_code=200)


#: The numbered options sent per WhatsApp business number, shared by its route and its proactive channel.
_WA_OPTIONS: dict[str, whatsapp.OptionMemory] = {}


def whatsapp_cipher(settings: Any) -> whatsapp.PhoneCipher:
    """The conversation ids' cipher: keyed by ``whatsapp_id_key``, else by the deployment secret (the one the
    task back end and the alert addresses use, :func:`connectors.tasks.auth.deployment_secret`)."""
    if settings.whatsapp_id_key:
        secret = settings.whatsapp_id_key.encode("utf-8")
    else:
        from connectors.tasks.auth import deployment_secret

        secret = deployment_secret(settings)
    return whatsapp.PhoneCipher(whatsapp.conversation_key(secret))


def _whatsapp_config(settings: Any) -> tuple[str, str, str, str] | None:
    names = ("whatsapp_app_secret", "whatsapp_verify_token", "whatsapp_access_token", "whatsapp_phone_number_id")
    values = [getattr(settings, n) for n in names]
    if not any(values):
        return None
    missing = [f"ASSISTANT_{n.upper()}" for n, v in zip(names, values, strict=True) if not v]
    if missing:
        raise InvalidConfigError(f"WhatsApp is partly configured: set {', '.join(missing)} too (or none of them)")
    return values[0], values[1], values[2], values[3]


def _whatsapp_routes(router: APIRouter, settings: Any, turns: Callable[[], Any],
                     keep: Callable[[Coroutine[Any, Any, None]], None],
                     kept: Callable[[UserMessage], Coroutine[Any, Any, None]] | None = None,
                     channel_state: Callable[[], Any] | None = None) -> None:
    """``GET`` (verification) and ``POST`` (notifications) ``/webhooks/whatsapp/webhook`` when WhatsApp is configured;
    ``kept(message)`` pushes what earlier pushes to that conversation could not deliver; ``channel_state`` (the
    shared store) tells redeliveries seen by other workers and keeps each conversation's last inbound time (the
    24-hour window of :class:`~assistant.channels.whatsapp.WhatsAppChannel`)."""
    config = _whatsapp_config(settings)
    if config is None:
        return
    app_secret, verify_token, access_token, number_id = config
    api = whatsapp.WhatsAppApi(access_token, number_id, settings.whatsapp_api_url, settings.connector_timeout,
                               settings.connector_retries)
    cipher = whatsapp_cipher(settings)
    options = _WA_OPTIONS.setdefault(number_id, whatsapp.OptionMemory())
    seen = RecentIds(shared=channel_state)

    @router.get("/webhooks/whatsapp/webhook")
    async def whatsapp_verify(request: Request) -> PlainTextResponse:
        """Meta's subscription check: ``hub.challenge`` back when ``hub.verify_token`` is ours."""
        q = request.query_params
        if q.get("hub.mode") != "subscribe" or not same_secret(q.get("hub.verify_token"), verify_token):
            raise HttpError(403, "wrong hub.mode or hub.verify_token")
        return PlainTextResponse(q.get("hub.challenge") or "")

    @router.post("/webhooks/whatsapp/webhook")
    async def whatsapp_webhook(request: Request) -> Response:
        """A Cloud API notification → 200 at once; each message's reply via ``POST /<phone-number-id>/messages``
        (:mod:`assistant.channels.whatsapp`)."""
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise HttpError(413, f"request body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}")
        if not whatsapp.valid_signature(app_secret, request.headers.get("x-hub-signature-256"), raw):
            raise HttpError(403, "missing or wrong X-Hub-Signature-256")
        note: whatsapp.Notification = _json_body(raw, whatsapp.Notification)
        for phone_number_id, item in whatsapp.messages_of(note):
            # any message from the citizen (an image too) opens Meta's 24-hour window: recorded before its reply and
            # before kept messages are pushed again
            await run_in_threadpool(_record_inbound, channel_state, cipher.conversation_id(item.from_),
                                    whatsapp.sent_at(item))
            if whatsapp.text_of(item) is None:
                continue  # not a message to answer (an image, a location ...): it does not touch the options either
            if not await run_in_threadpool(seen.add, f"wa-{item.id}"):  # before reading it: a redelivery must not consume the numbered options
                logger.info("whatsapp redelivery acknowledged", extra={"channel": whatsapp.CHANNEL, "stage": "channel"})
                continue
            message = whatsapp.to_user_message(item, cipher, options)
            if message is None:
                continue
            keep(_in_order(kept(message) if kept is not None else None,
                           deliver(message, turns, _whatsapp_sender(api, options, message.sender_id, item.from_,
                                                                    phone_number_id), settings.max_message_chars)))
        return Response(status_code=200)


def _record_inbound(channel_state: Callable[[], Any] | None, sender_id: str, at: float) -> None:
    """Store the conversation's last inbound time (a store outage is logged: the push then learns the window from
    Meta's refusal)."""
    store = channel_state() if channel_state is not None else None
    if store is None:
        return
    try:
        store.record_inbound(sender_id, at)
    except AssistantError as e:
        logger.warning("whatsapp inbound time not stored (%s)", type(e).__name__,
                       extra={"conversation_id": masked_id(sender_id), "channel": whatsapp.CHANNEL, "stage": "channel"})


def _whatsapp_sender(api: whatsapp.WhatsAppApi, options: whatsapp.OptionMemory, sender_id: str, wa_id: str,
                     phone_number_id: str | None) -> Callable[[tuple[BotMessage, ...]], None]:
    """Sends a turn's replies to ``wa_id`` (held only in this closure, for this delivery) and remembers its options."""

    def send(messages: tuple[BotMessage, ...]) -> None:
        bodies, listed = whatsapp.render(wa_id, messages)
        for body in bodies:
            api.send(body, phone_number_id)
        if bodies:
            options.remember(sender_id, listed)

    return send


def push_channels(settings: Any, fallback: Any = None, channel_state: Any = None) -> list[Any]:
    """The proactive channels of the configured Slack and WhatsApp apps (:class:`~assistant.channels.slack.SlackChannel`,
    :class:`~assistant.channels.whatsapp.WhatsAppChannel`), each handing what it cannot deliver to ``fallback``.
    WhatsApp sends the re-engagement template ``whatsapp_template_name`` outside the 24-hour window, which it reads
    from ``channel_state`` (the shared store's conversation windows; ``None``: from Meta's refusal only).

    Raises:
        InvalidConfigError: a channel is partly configured.
    """
    out: list[Any] = []
    if settings.slack_signing_secret and settings.slack_bot_token:
        out.append(slack.SlackChannel(slack.SlackApi(settings.slack_bot_token, settings.slack_api_url,
                                                     settings.connector_timeout, settings.connector_retries), fallback))
    config = _whatsapp_config(settings)
    if config is not None:
        api = whatsapp.WhatsAppApi(config[2], config[3], settings.whatsapp_api_url, settings.connector_timeout,
                                   settings.connector_retries)
        name = getattr(settings, "whatsapp_template_name", None)
        template = whatsapp.Template(name, dict(settings.whatsapp_template_languages)) if name else None
        out.append(whatsapp.WhatsAppChannel(api, whatsapp_cipher(settings),
                                            _WA_OPTIONS.setdefault(config[3], whatsapp.OptionMemory()), fallback,
                                            template, channel_state))
    return out


async def _keep_late(message: UserMessage, channel: PendingChannel, turns: Callable[[], Any],
                     answered: Mapping[tuple[str, str], None], earlier: list[asyncio.Task[None]]) -> None:
    """Wait (at most :data:`LATE_ANSWER_WITHIN` s) for the answer of a turn that got the holding reply on a channel
    that cannot push, and keep it in ``channel``'s outbox for the conversation's next reply (after the ``earlier``
    held answers of the conversation), unless a redelivery of the message got it in its own reply meanwhile
    (``answered``)."""
    extra = {"conversation_id": masked_id(message.sender_id), "channel": message.channel, "stage": "proactive"}
    try:
        turn = await turns().handle(message, LATE_ANSWER_WITHIN)
        if is_holding(turn.messages):
            raise TimeoutError(f"the turn did not finish within {LATE_ANSWER_WITHIN:g} s")
        await asyncio.sleep(REDELIVERY_GRACE)  # a redelivery that joined the same turn answers it: keep nothing then
        if earlier:
            await asyncio.wait(earlier, timeout=LATE_ANSWER_WITHIN)
        if (message.sender_id, str(message.metadata.get("message_id") or "")) in answered:
            return
        await run_in_threadpool(channel.send, message.sender_id, turn.messages)
        logger.info("%s late answer kept for the next reply", message.channel, extra=extra)
    except Exception as e:  # noqa: BLE001 - a background task: log (without text) and end; the answer stays stored
        logger.error("%s late answer not kept (%s): it stays stored in the conversation", message.channel,
                     type(e).__name__, extra=extra)


def _forget(keepers: dict[str, set[asyncio.Task[None]]], sender: str, task: asyncio.Task[None]) -> None:
    tasks = keepers.get(sender)
    if tasks is not None:
        tasks.discard(task)
        if not tasks:
            del keepers[sender]


_TAKE_LOCK = threading.Lock()


def take_kept(outbox: Any, recipient_id: str) -> list[BotMessage]:
    """The messages kept in ``outbox`` for ``recipient_id`` (oldest first, one page), acknowledged as they are taken,
    so each is given once (under a lock: two webhook requests of one conversation never both take them).

    Raises:
        StoreUnavailableError: the outbox's database is down (nothing taken).
    """
    with _TAKE_LOCK:
        page = outbox.fetch(recipient_id)
        if not page.messages:
            return []
        outbox.fetch(recipient_id, page.cursor, 1)  # the next cursor acknowledges (deletes) what was taken
    return [bot_message_of(m) for m in page.messages]
