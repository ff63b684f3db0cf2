"""The FastAPI app: REST channel, health, and the web widget.

Endpoints:
    ``GET /`` the web chat widget (static HTML/JS/CSS served here, no CDN);
    ``GET /health`` readiness and what is loaded;
    ``POST /webhooks/rest/webhook`` Rasa's REST channel;
    ``GET /webhooks/rest/pending?sender=&after=`` proactive messages waiting for the widget
    (:mod:`assistant.channels.proactive`);
    ``POST /webhooks/{kakao,voice,telegram,slack,whatsapp}/webhook`` the messaging and phone channels, when configured
    (:mod:`assistant.channels.webhooks`);
    ``POST /model/parse`` Rasa's NLU parse (intent, ranking, entities, language), plus ``out_of_scope``: the
    classifier's out-of-scope ``score``, its ``threshold`` (chosen on held-out data at training, or
    ``ASSISTANT_NLU_OOS_THRESHOLD``) and whether the message is ``rejected`` (score at or above it, or the explicit
    out_of_scope intent first);
    ``/conversations/{id}/...`` Rasa's conversation API and the handoff release
    (admin token, see :mod:`assistant.server.conversations`).

Turns run through the conversation engine
(:class:`~assistant.dialogue.processor.MessageProcessor`): state per sender id
in the tracker store, one turn at a time per conversation. REST turns are queued
per conversation before they take a worker thread, and a delivery whose turn
takes longer than ``ASSISTANT_HOLDING_REPLY_AFTER`` seconds gets a holding reply
(:mod:`assistant.server.turns`).

Bad requests get a 4xx with ``{"detail": "..."}`` saying what is wrong; the
server keeps serving. HTTP status codes are chosen only in this module.
"""

from __future__ import annotations

import json
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.channels.proactive import PendingChannel, ProactiveChannels
from assistant.channels.rest import CHANNEL, MIN_BODY_BYTES, RestMessage, max_body_bytes, render, to_user_message
from assistant.errors import AssistantError, InvalidInputError, MessageIdConflictError
from assistant.nlu.tokenizer import normalize_spaces
from assistant.server.errors import HttpError
from assistant.server.conversations import router as conversations_router
from assistant.server.turns import TurnScheduler
from assistant.settings import Settings, get_settings
from assistant.stores.outbox import MAX_FETCH

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent.parent / "channels" / "static"
#: Request bodies above this many bytes are refused with 413 before parsing (more when ``max_message_chars`` needs
#: it: :func:`~assistant.channels.rest.max_body_bytes`).
MAX_BODY_BYTES = MIN_BODY_BYTES


def widget_html(max_message_chars: int) -> str:
    """The widget page (``channels/static/index.html``) with the server's message limit on its text box
    (``maxlength``, the one source of the widget's limit and counter: ``settings.max_message_chars``).

    A browser's ``maxlength`` counts UTF-16 code units, the server code points: the widget never lets through a
    message the server refuses (an emoji counts 2 there, 1 here)."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return html.replace('<textarea id="chat-input"', f'<textarea id="chat-input" maxlength="{int(max_message_chars)}"', 1)


class ParseRequest(BaseModel):
    """Body of ``POST /model/parse`` (Rasa's shape)."""

    model_config = ConfigDict(extra="ignore")
    text: str = Field(description="the message to parse")
    message_id: str | None = None


M = TypeVar("M", bound=BaseModel)


def _parse_json_body(raw: bytes, content_type: str, model: type[M], text_field: str, max_chars: int, example: str) -> M:
    if "application/json" not in content_type.lower():
        raise HttpError(415, f"content type must be application/json, got {content_type or 'none'!r}")
    if len(raw) > (limit := max_body_bytes(max_chars)):
        # a citizen meets this by pasting a long text, like the character limit below: the same polite, bilingual words
        raise HttpError(
            413,
            f"메시지가 너무 길어요(요청 {len(raw)}바이트, 최대 {limit}바이트). 질문을 짧게 줄여 다시 보내 주세요. / "
            f"The message is too long: the request is {len(raw)} bytes; the limit is {limit}. "
            "Please send a shorter message.",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise HttpError(400, f"request body is not valid UTF-8 (byte {e.start})") from e
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as e:
        raise HttpError(400, f"request body is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from e
    if not isinstance(payload, dict):
        raise HttpError(422, f"expected a JSON object like {example}")
    try:
        body = model.model_validate(payload)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "body"
        raise HttpError(422, f"{where}: {first['msg']}") from e
    value = str(getattr(body, text_field))
    if not normalize_spaces(value).strip():
        raise HttpError(422, f"{text_field} is empty; send some text")
    if len(value) > max_chars:
        raise HttpError(
            413,
            f"메시지가 너무 길어요({len(value)}자, 최대 {max_chars}자). 질문을 짧게 줄여 다시 보내 주세요. / "
            f"The message has {len(value)} characters; the limit is {max_chars}. Please send a shorter message.",
        )
    return body


def _parse_webhook_body(raw: bytes, content_type: str, max_chars: int) -> RestMessage:
    return _parse_json_body(raw, content_type, RestMessage, "message", max_chars, '{"sender": "id", "message": "text"}')


def channel_state_url(settings: Settings) -> str:
    """The database the messaging channels share between workers (``channel_state_db_url``, else the outbox's)."""
    return settings.channel_state_db_url or settings.outbox_db_url or f"sqlite:///{settings.home / 'outbox.db'}"


def build_proactive_channels(settings: Settings, channel_state: Any = None) -> ProactiveChannels:
    """The deployment's proactive channels: ``rest`` keeps messages in the outbox (``outbox_db_url``, default SQLite
    ``<home>/outbox.db``) for the widget, or, with ``proactive_callback_url``, POSTs them there (callback-host policy
    of the alert callbacks) and keeps only the undelivered ones. ``telegram`` pushes through the Bot API with
    ``telegram_bot_token``, ``kakao`` through Open Builder's Event API with ``kakao_bot_id``, ``kakao_rest_api_key``
    and ``kakao_event_name`` (both keep what they could not push in the outbox and push it at the conversation's next
    message); without those settings they keep their messages, which the conversation's next reply on that channel
    carries in front; ``voice`` keeps its messages with a warning (the caller's number is never stored). ``whatsapp``
    reads its conversations' 24-hour windows from ``channel_state()`` (the shared
    :class:`~assistant.stores.channel_state.ChannelStateStore`, opened only when WhatsApp is configured)."""
    from assistant.channels import kakao, telegram, voice
    from assistant.channels.proactive import KeptChannel, ProactiveChannel, PushChannel
    from assistant.stores.outbox import OutboxStore

    box = OutboxStore(settings.outbox_db_url or f"sqlite:///{settings.home / 'outbox.db'}", settings.outbox_ttl)
    pending = PendingChannel(box)
    channels: list[ProactiveChannel] = [KeptChannel(box, voice.CHANNEL, voice.NO_PUSH_REASON)]
    if settings.telegram_bot_token:
        api = telegram.TelegramBotApi(settings.telegram_bot_token, settings.telegram_api_url, settings.connector_timeout,
                                      settings.connector_retries)
        channels.append(PushChannel(telegram.CHANNEL, telegram.TelegramPusher(api), PendingChannel(box, telegram.CHANNEL)))
    else:  # kept, and given in front of the conversation's next reply (assistant.channels.webhooks)
        channels.append(KeptChannel(box, telegram.CHANNEL, telegram.NO_PUSH_REASON))
    if settings.kakao_bot_id and settings.kakao_rest_api_key and settings.kakao_event_name:
        event_api = kakao.KakaoEventApi(settings.kakao_bot_id, settings.kakao_rest_api_key, settings.kakao_event_name,
                                        settings.kakao_event_user_type, settings.kakao_event_api_url,
                                        settings.connector_timeout, settings.connector_retries)
        channels.append(PushChannel(kakao.CHANNEL, kakao.KakaoPusher(event_api, settings.kakao_event_result_within), PendingChannel(box, kakao.CHANNEL)))
    else:
        channels.append(KeptChannel(box, kakao.CHANNEL, kakao.NO_PUSH_REASON))
    from assistant.channels.webhooks import push_channels

    state = channel_state() if channel_state is not None and settings.whatsapp_phone_number_id else None
    # Slack and WhatsApp, when configured: push() raises when not delivered (or defers: WhatsApp's template),
    # so the PushChannel keeps the messages in their own outbox and pushes them at the conversation's next message
    for pusher in push_channels(settings, channel_state=state):
        channels.append(PushChannel(pusher.name, pusher, PendingChannel(box, pusher.name)))
    if not settings.proactive_callback_url:
        return ProactiveChannels([pending, *channels])
    from assistant.channels.proactive import CallbackChannel
    from connectors.alerts.callbacks import CallbackPolicy
    from connectors.alerts.notifiers import RestCallbackNotifier

    poster = RestCallbackNotifier(settings.connector_timeout, settings.connector_retries,
                                  policy=CallbackPolicy.from_settings(settings))
    poster.validate_address(settings.proactive_callback_url)
    return ProactiveChannels([CallbackChannel(settings.proactive_callback_url, poster, fallback=pending), *channels])


def create_app(settings: Settings | None = None, router: Any = None, processor: Any = None) -> FastAPI:
    """Build the app.

    Args:
        settings: defaults to the environment's.
        router: an already loaded :class:`~assistant.dialogue.router.Router`
            (tests share one); when ``None`` the app prepares ``ASSISTANT_HOME``
            (imports the bundled corpus and trains if needed) and loads it at start.
        processor: the conversation engine; default: built over ``router`` with the
            configured tracker and lock stores.
    """
    settings = settings or get_settings()
    if router is not None and processor is None:
        from assistant.app_state import build_processor

        processor = build_processor(settings, router)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        loaded_here = app.state.router is None
        if loaded_here:
            from assistant.app_state import ensure_ready, load_router
            from assistant.knowledge.embedder import make_embedder

            embedder = make_embedder(settings.embedder, settings.embed_threads)
            await run_in_threadpool(ensure_ready, settings, embedder, False)
            app.state.router = await run_in_threadpool(load_router, settings, embedder)
        if app.state.processor is None:
            from assistant.app_state import build_processor

            app.state.processor = await run_in_threadpool(build_processor, settings, app.state.router)
        if loaded_here and settings.warm_up:  # models loaded here are cold: /health says ready once they are warm
            from assistant.server.warmup import warm_up

            app.state.warm_up = await run_in_threadpool(warm_up, settings, app.state.router)
        app.state.ready = True
        sweeper = None
        if settings.mydata_sweep_interval > 0:  # expired consents and untold withdrawals (connectors/mydata/withdrawals.py)
            from connectors.mydata.withdrawals import Sweeper

            sweeper = Sweeper(app.state.mydata_withdrawals, settings.mydata_sweep_interval).start()
        yield
        if sweeper is not None:
            sweeper.stop()

    app = FastAPI(title="Citizen assistant", version="0.1.0", lifespan=lifespan)
    app.state.router = router
    app.state.processor = processor
    app.state.ready = router is not None  # a router loaded at start (lifespan) is ready after its warm-up
    app.state.warm_up = None  # seconds per warm-up step (assistant.server.warmup), once it ran
    app.state.settings = settings
    app.state.turns = None
    app.state.proactive = None  # ProactiveChannels, built on first use (tests may set their own)
    app.state.channel_state = None  # ChannelStateStore, opened on first use
    app.include_router(conversations_router)

    @app.exception_handler(HttpError)
    async def _http_error(_req: Request, exc: HttpError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=exc.headers or None)

    @app.exception_handler(AssistantError)
    async def _domain_error(_req: Request, exc: AssistantError) -> JSONResponse:
        status = 409 if isinstance(exc, MessageIdConflictError) else 400 if isinstance(exc, InvalidInputError) else 503
        logger.error("request failed", extra={"stage": "server", "error": type(exc).__name__})
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        r = app.state.router
        if r is None or not app.state.ready:  # loading, or warming up (assistant.server.warmup)
            return JSONResponse({"status": "starting" if r is None else "warming_up"}, status_code=503)  # type: ignore[return-value]
        idx = r.retriever.index
        return {
            "status": "ok",
            "warm_up_s": app.state.warm_up,
            "index_version": idx.version,
            "documents": len(idx.docs),
            "chunks": len(idx.chunks),
            "embedder": idx.embedder_name,
            "intents": r.classifier.labels,
        }

    @app.post("/webhooks/rest/webhook")
    async def rest_webhook(request: Request) -> JSONResponse:
        raw = await request.body()
        body = _parse_webhook_body(raw, request.headers.get("content-type", ""), settings.max_message_chars)
        turn = await _turns().handle(to_user_message(body))
        return JSONResponse(render(body.sender, turn.messages))

    app.state.turn_scheduler = lambda: _turns()
    # KakaoTalk, phone (Twilio) and Telegram webhooks, each only when its secret is configured (assistant.channels.webhooks)
    from assistant.channels.webhooks import create_router as create_channel_router

    app.include_router(create_channel_router(settings, lambda: _turns(), lambda: app.state.processor.domain,
                                             proactive=lambda: _proactive(), channel_state=lambda: _channel_state()))
    proactive_lock = threading.Lock()
    state_lock = threading.Lock()

    def _channel_state() -> Any:
        # the store the channels share between workers (seen message ids, WhatsApp windows): opened on first use
        from assistant.stores.channel_state import ChannelStateStore

        with state_lock:
            if app.state.channel_state is None:
                app.state.channel_state = ChannelStateStore(channel_state_url(settings))
            return app.state.channel_state

    def _proactive() -> ProactiveChannels:
        # built once, on first use (creating the outbox's tables is I/O): see assistant.channels.proactive
        with proactive_lock:
            if app.state.proactive is None:
                app.state.proactive = build_proactive_channels(settings, _channel_state)
            channels: ProactiveChannels = app.state.proactive
            return channels

    app.state.proactive_channels = _proactive

    @app.get("/webhooks/rest/pending")
    async def rest_pending(sender: str = Query(..., min_length=1, max_length=200),
                           after: str = Query("", max_length=64),
                           limit: int = Query(MAX_FETCH, ge=1, le=MAX_FETCH)) -> JSONResponse:
        """Proactive messages for ``sender`` after the cursor ``after``: ``{"messages": [REST shape...],
        "cursor", "more"}``; the next call's ``after=cursor`` acknowledges them. Only as private as the sender id."""
        if any(ord(ch) < 32 for ch in sender) or not sender.strip():
            raise HttpError(422, "sender must be a non-empty printable id")
        channels = await run_in_threadpool(_proactive)
        prefix, colon, _rest = sender.partition(":")
        if colon and prefix != CHANNEL and channels.registered(prefix) is not None:
            # a messaging app's or the phone's conversation: its messages are pushed there (or kept for it), and its
            # id (a Telegram chat id is the user's id) is too guessable to guard them here
            raise HttpError(404, f"proactive messages of {prefix} conversations go to {prefix}, not to this route")
        channel: Any = channels.get(CHANNEL)
        while not isinstance(channel, PendingChannel) and getattr(channel, "fallback", None) is not None:
            channel = channel.fallback  # a callback channel keeps what it could not deliver in its fallback
        if not isinstance(channel, PendingChannel) or not hasattr(channel.outbox, "fetch"):
            raise HttpError(404, "this deployment keeps no proactive messages for the widget")
        page = await run_in_threadpool(channel.outbox.fetch, sender, after, limit)
        return JSONResponse({"messages": [dict(m, recipient_id=sender) for m in page.messages], "cursor": page.cursor,
                             "more": page.more}, headers={"Cache-Control": "no-store"})

    def _turns() -> TurnScheduler:
        # one scheduler per engine: conversation queues, joined redeliveries, holding replies (case C06)
        turns: TurnScheduler | None = app.state.turns
        if turns is None or turns.processor is not app.state.processor:
            turns = app.state.turns = TurnScheduler(app.state.processor, settings.holding_reply_after, settings.turn_queue_wait,
                                                    settings.turn_queue_max)
        return turns

    @app.post("/model/parse")
    async def model_parse(request: Request) -> JSONResponse:
        """Rasa's ``/model/parse``: intent, intent_ranking, entities (with offsets), plus language and out_of_scope."""
        raw = await request.body()
        body = _parse_json_body(raw, request.headers.get("content-type", ""), ParseRequest, "text", settings.max_message_chars,
                                '{"text": "message"}')
        parsed = await run_in_threadpool(app.state.router.nlu.parse, body.text)
        return JSONResponse(parsed.to_rasa())

    @app.get("/", include_in_schema=False)
    async def widget() -> HTMLResponse:
        return HTMLResponse(widget_html(settings.max_message_chars))

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        # browsers ask for /favicon.ico on pages without a <link rel=icon> (the MyData pages, JSON routes): the SVG
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The embedded eligibility service (its own OpenAPI at /connectors/eligibility/openapi.json); the
    # connector reaches it over HTTP through settings.eligibility_base_url, like an agency's endpoint.
    from connectors.eligibility.service import create_app as create_eligibility_app

    app.mount("/connectors/eligibility", create_eligibility_app(settings))
    # The embedded task back end and benefit-alert API (their own OpenAPI under each mount).
    from connectors.alerts.service import create_app as create_alerts_app
    from connectors.tasks.service import create_app as create_tasks_app

    app.mount("/connectors/tasks", create_tasks_app(settings))
    from connectors.shared import offer_retriever

    # the connectors in this process search with the engine's retriever, not a second index and encoder (connectors/shared.py)
    offer_retriever(settings.index_dir, lambda: app.state.router.retriever if app.state.router is not None else None)
    from connectors.alerts.conversation import ConversationWaker
    from connectors.tasks.auth import deployment_secret

    # a run that finds new benefits for a subscriber tells its conversation at once (connectors/alerts/conversation.py)
    # (an alert the conversation already told, e.g. at a greeting, is acknowledged without a new turn)
    from connectors.alerts.conversation import TOLD_SLOT

    waker = ConversationWaker(lambda: deployment_secret(settings), lambda s, i, c: app.state.proactive_turn(s, i, c),
                              told=lambda s: app.state.processor.load(s).get_slot(TOLD_SLOT))
    app.mount("/connectors/alerts", create_alerts_app(settings, wake=waker))
    # Public MyData: the provider sandbox (synthetic citizens only; production points ASSISTANT_MYDATA_URL
    # at the real provider) and the consent API (list, get, revoke, audit) behind the admin token.
    from fastapi import Depends

    from assistant.server.conversations import check_admin
    from connectors.mydata.api import create_router as create_consent_router
    from connectors.mydata.consent import MyDataConnector
    from connectors.mydata.sandbox import create_app as create_mydata_sandbox

    from connectors.mydata.sandbox import ClientRegistration, SandboxState
    from connectors.mydata.withdrawals import TaskBackEndSink, Withdrawals

    # registered with this deployment's client and redirect URI, so the demo's redirect comes back here
    app.mount("/connectors/mydata-sandbox", create_mydata_sandbox(SandboxState(clients={
        settings.mydata_client_id: ClientRegistration(settings.mydata_client_secret, settings.mydata_callback_url)})))
    connector: list[MyDataConnector] = []  # built on first use, once (its circuit breaker is shared)

    withdrawals: list[Withdrawals] = []

    def mydata() -> MyDataConnector:
        if not connector:
            c = MyDataConnector.from_settings(settings)
            # a consent revoked through the API reaches the task back end at once (connectors/mydata/withdrawals.py)
            withdrawals.append(Withdrawals(c, [TaskBackEndSink.from_settings(settings)]).attach())
            connector.append(c)
        return connector[0]

    def mydata_withdrawals() -> Withdrawals:
        mydata()
        return withdrawals[0]

    app.state.mydata_withdrawals = mydata_withdrawals

    app.include_router(create_consent_router(mydata), prefix="/mydata", dependencies=[Depends(check_admin)])
    # The citizen's consent step (public): /mydata/authorize (the chat's link) and /mydata/callback (the provider's
    # OAuth2 redirect), which grants the consent and continues the conversation with mydata_granted / mydata_denied.
    from connectors.mydata.api import create_flow_router
    from connectors.mydata.ticket import secret_key

    def proactive_turn(sender_id: str, intent: str, channel: str = CHANNEL, keep_going: bool = False) -> tuple[Any, ...]:
        """Run ``intent`` on the conversation and send its messages through ``channel``'s proactive channel.
        Called from a worker thread: the turn waits in the conversation's queue on the event loop. A failure to keep
        or send them is logged (without their text) and raised, or with ``keep_going`` only logged."""
        import anyio.from_thread

        p = app.state.processor
        turn = anyio.from_thread.run(app.state.turn_scheduler().exclusive, sender_id, p.trigger_intent, sender_id, intent,
                                     None, channel)
        try:  # the chat widget fetches them from /webhooks/rest/pending; a messaging app's channel sends them
            _proactive().send(channel, sender_id, turn.messages)
        except AssistantError as e:
            logger.error("proactive messages not kept: %s", type(e).__name__,
                         extra={"conversation_id": sender_id, "channel": channel, "stage": "proactive"})
            if not keep_going:
                raise
        return tuple(turn.messages)

    app.state.proactive_turn = proactive_turn  # what benefit alerts call (connectors.alerts.conversation)

    def channel_of(sender_id: str) -> str:
        """The channel the conversation last spoke on (its tracker's ``latest_input_channel``), else ``rest``."""
        try:
            channel = app.state.processor.load(sender_id).get_latest_input_channel()
        except (AttributeError, AssistantError):  # an engine without trackers, or the store is down
            return CHANNEL
        return str(channel) if channel else CHANNEL

    def continue_conversation(sender_id: str, intent: str) -> list[str]:
        # the callback page shows the texts too, even when the outbox is down; a Telegram or KakaoTalk conversation's
        # continuation goes to its own channel (pushed there when configured)
        return [m.text for m in proactive_turn(sender_id, intent, channel_of(sender_id), keep_going=True)]

    app.state.continue_conversation = continue_conversation  # what /mydata/callback calls (tests call it too)
    app.include_router(create_flow_router(mydata, secret_key(settings), continue_conversation,
                                          secure_cookie=settings.mydata_callback_url.startswith("https:")), prefix="/mydata")
    return app
