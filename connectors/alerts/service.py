"""Benefit-alert HTTP API (FastAPI; mounted at ``/connectors/alerts`` by ``assistant serve``).

* ``POST /subscriptions`` ``{"subscriber_id", "channel": "rest"|"widget"|"conversation"|..., "address", "facts" | "facts_ref",
  "consent": {"granted": true, "text", "purpose"}}`` → the subscription (baseline evaluation taken).
* ``GET /subscriptions/{subscriber_id}``; ``PUT /subscriptions/{subscriber_id}/facts`` (facts changed);
  ``DELETE /subscriptions/{subscriber_id}`` (deletes its facts and undelivered notifications).
* ``GET /alerts/{subscriber_id}/pending`` → the inbox of ``widget`` and ``conversation`` notifications, each with
  its ``id`` and delivery ``attempts`` (returned notifications are marked delivered; with ``?claim=false`` they
  are only read, and ``POST /alerts/{subscriber_id}/delivered`` ``{"ids": [...]}`` marks them delivered once the
  reader has kept what it told: the conversation's at-least-once delivery, :mod:`connectors.alerts.actions`).
  ``conversation`` notifications are also pushed into the conversation at once by ``assistant serve``
  (:mod:`connectors.alerts.conversation`).
* ``POST /run`` → one re-evaluation and delivery round (what ``assistant alerts run`` does).

Every endpoint needs the admin token (:mod:`assistant.auth`: ``Authorization: Bearer <ASSISTANT_API_TOKEN>``;
without a token set, only while the server is bound to a loopback address): subscriptions are made by the
assistant on the citizen's behalf after the consent dialogue, and hold facts about the citizen, so no
citizen-facing client calls this API directly. Refusals: 401 (missing or wrong token), 403 (no token set and
not on loopback), 422 (a callback URL the policy refuses, :mod:`connectors.alerts.callbacks`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.auth import AccessDeniedError, check_admin, denied_json
from assistant.errors import AssistantError, InvalidInputError, StoreUnavailableError
from assistant.settings import Settings
from connectors.alerts.callbacks import CallbackNotAllowedError, CallbackPolicy
from connectors.alerts.engine import PULL_CHANNELS, AlertEngine
from connectors.alerts.store import MAX_ID_CHARS


class ConsentModel(BaseModel):
    """The citizen's consent to be re-evaluated and notified."""

    granted: bool
    text: str = Field(min_length=1, max_length=4000, description="what the citizen was shown and agreed to")
    purpose: str = Field("", max_length=1000)


class SubscribeRequest(BaseModel):
    """A subscription."""

    subscriber_id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    channel: str = Field(min_length=1, max_length=32, description="rest, widget, or a registered messaging app")
    address: str = Field(min_length=1, max_length=2000, description="callback URL (rest), subscriber id (widget), chat id")
    facts: dict[str, Any] | None = Field(None, description="facts snapshot (eligibility /check schema)")
    facts_ref: str | None = Field(None, max_length=256, description="reference to facts resolved at each run")
    consent: ConsentModel


class AcknowledgeRequest(BaseModel):
    """Notifications a conversation told and kept (its turn was saved and its messages sent)."""

    ids: list[int] = Field(max_length=1000, description="notification ids (from GET /alerts/{id}/pending?claim=false)")


def build_engine(settings: Settings, wake: Callable[..., Any] | None = None) -> AlertEngine:
    """The engine of ``settings``: SQLite ``<home>/alerts.db`` (or ``alerts_db_url``), eligibility over HTTP when
    ``eligibility_url`` is set, else in-process over the catalogue in ``home`` (the process's
    :func:`~connectors.eligibility.service.shared_service`); REST, widget and conversation
    notifiers (the conversation one pushes through ``wake``, a
    :class:`~connectors.alerts.conversation.ConversationWaker`, when given; else it only keeps them in the inbox)."""
    from connectors.alerts.engine import ClientEvaluator, Evaluator, ServiceEvaluator
    from connectors.alerts.notifiers import default_notifiers
    from connectors.alerts.store import AlertStore

    evaluator: Evaluator
    if settings.eligibility_url:
        from connectors.eligibility.client import EligibilityClient

        evaluator = ClientEvaluator(EligibilityClient.from_settings(settings))
    else:
        from connectors.eligibility.service import shared_service

        # the process's one eligibility service (the embedded HTTP app and the actions use it too): one catalogue
        evaluator = ServiceEvaluator(shared_service(settings))
    store = AlertStore(settings.alerts_db_url or f"sqlite:///{settings.home / 'alerts.db'}")
    notifiers = default_notifiers(settings.connector_timeout, settings.connector_retries, CallbackPolicy.from_settings(settings))
    from connectors.alerts.conversation import ConversationNotifier

    notifiers[ConversationNotifier.channel] = ConversationNotifier(wake)
    return AlertEngine(store, evaluator, notifiers)


def create_app(settings: Settings | None = None, engine: AlertEngine | None = None,
               wake: Callable[..., Any] | None = None) -> FastAPI:
    """Build the alerts app (``engine`` default: :func:`build_engine` of ``settings`` and ``wake``; ``settings``
    default: the environment's, also for the admin token)."""
    from assistant.settings import get_settings

    settings = settings or get_settings()
    if engine is None:
        engine = build_engine(settings, wake)
    eng = engine
    conf = settings

    def admin(request: Request) -> None:
        check_admin(conf, request.headers.get("authorization"), request.query_params.get("token"))

    app = FastAPI(title="Benefit alerts", version="0.1.0", description=__doc__, dependencies=[Depends(admin)])
    app.state.engine = eng

    @app.exception_handler(AccessDeniedError)
    async def _denied(_req: Request, exc: AccessDeniedError) -> JSONResponse:
        body, status, headers = denied_json(exc)
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(CallbackNotAllowedError)
    async def _callback_refused(_req: Request, exc: CallbackNotAllowedError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "error": "callback_not_allowed"}, status_code=422)

    @app.exception_handler(AssistantError)
    async def _domain_error(_req: Request, exc: AssistantError) -> JSONResponse:
        status = (404 if isinstance(exc, LookupError) else 400 if isinstance(exc, InvalidInputError)
                  else 503)
        if isinstance(exc, StoreUnavailableError):
            status = 503
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.post("/subscriptions", status_code=201)
    async def subscribe(req: SubscribeRequest) -> dict[str, Any]:
        sub = await run_in_threadpool(eng.subscribe, req.subscriber_id, req.channel, req.address, req.consent.model_dump(),
                                      req.facts, req.facts_ref)
        return sub.to_json()

    @app.get("/subscriptions/{subscriber_id}")
    async def get_subscription(subscriber_id: str) -> dict[str, Any]:
        return (await run_in_threadpool(eng.store.get, subscriber_id)).to_json()

    @app.put("/subscriptions/{subscriber_id}/facts")
    async def update_facts(subscriber_id: str, facts: dict[str, Any]) -> dict[str, Any]:
        await run_in_threadpool(eng.update_facts, subscriber_id, facts)
        return (await run_in_threadpool(eng.store.get, subscriber_id)).to_json()

    @app.delete("/subscriptions/{subscriber_id}")
    async def unsubscribe(subscriber_id: str) -> dict[str, Any]:
        return {"deleted": await run_in_threadpool(eng.store.delete, subscriber_id)}

    @app.get("/alerts/{subscriber_id}/pending")
    async def pending(subscriber_id: str, claim: bool = True) -> list[dict[str, Any]]:
        return await run_in_threadpool(eng.pending, subscriber_id, PULL_CHANNELS, claim)

    @app.post("/alerts/{subscriber_id}/delivered")
    async def delivered(subscriber_id: str, req: AcknowledgeRequest) -> dict[str, list[int]]:
        return {"delivered": await run_in_threadpool(eng.acknowledge, subscriber_id, req.ids)}

    @app.post("/run")
    async def run() -> dict[str, int]:
        return (await run_in_threadpool(eng.run_once)).to_json()

    return app
