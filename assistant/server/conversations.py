"""Rasa's conversation HTTP API (a compatible subset) and the handoff release.

Endpoints (Rasa's "HTTP API" reference, https://rasa.com/docs/rasa/pages/http-api):

* ``GET /conversations/{id}/tracker?include_events=AFTER_RESTART`` (``ALL``,
  ``APPLIED``, ``AFTER_RESTART``, ``NONE``): the tracker state (events, slots,
  latest message, active loop, paused).
* ``POST /conversations/{id}/messages`` ``{"text", "sender": "user"}``: log a
  user message without predicting; returns the tracker.
* ``POST /conversations/{id}/trigger_intent`` ``{"name", "entities"?}``: run a
  turn as if the user had sent the intent; returns ``{"tracker", "messages"}``.
* ``GET /conversations/{id}/story``: the conversation as Rasa story YAML.
* ``POST /conversations/{id}/resume``: release a conversation handed to a
  person (``resume`` event); ours, Rasa has no such endpoint.

Personal data: every tracker these endpoints return is read back from the
tracker store, where it is masked (:mod:`assistant.stores.masking`), and the
messages of ``trigger_intent`` are masked like the replies the store records.

Authentication: ``Authorization: Bearer <ASSISTANT_API_TOKEN>`` (or Rasa's
``?token=``). Without a configured token these endpoints answer only when the
server is bound to a loopback address (``ASSISTANT_HOST`` 127.0.0.1, ::1 or
localhost, the default); bound elsewhere they answer 403 until a token is set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.auth import AccessDeniedError
from assistant.auth import check_admin as check_admin_token
from assistant.dialogue.responses import message_to_json
from assistant.dialogue.story import tracker_to_story_yaml
from assistant.dialogue.tracker import EventVerbosity
from assistant.server.errors import HttpError
from assistant.settings import Settings
from assistant.stores.masking import mask_reply

T = TypeVar("T")


class AppendMessage(BaseModel):
    """Body of ``POST /conversations/{id}/messages`` (Rasa's shape)."""

    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1, max_length=64 * 1024)
    sender: str = "user"


class TriggerIntent(BaseModel):
    """Body of ``POST /conversations/{id}/trigger_intent``."""

    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1, max_length=200)
    entities: dict[str, Any] = Field(default_factory=dict)


def check_admin(request: Request) -> None:
    """FastAPI dependency: the admin token (see the module docstring).

    Raises:
        HttpError: 401 for a missing or wrong token, 403 when no token is
            configured and the server is not bound to a loopback address.
    """
    settings: Settings = request.app.state.settings
    try:
        check_admin_token(settings, request.headers.get("authorization"), request.query_params.get("token"))
    except AccessDeniedError as e:
        raise HttpError(e.status, e.detail) from e


def _conversation_id(cid: str) -> str:
    if not cid.strip() or len(cid) > 200 or any(ord(ch) < 32 for ch in cid):
        raise HttpError(422, "conversation id must be 1-200 printable characters")
    return cid


router = APIRouter(dependencies=[Depends(check_admin)])


@router.get("/conversations/{cid}/tracker")
async def get_tracker(request: Request, cid: str, include_events: str = Query("AFTER_RESTART")) -> JSONResponse:
    """The tracker state."""
    try:
        verbosity = EventVerbosity(include_events.upper())
    except ValueError as e:
        raise HttpError(422, f"include_events must be one of {[v.value for v in EventVerbosity]}") from e
    state = await run_in_threadpool(request.app.state.processor.tracker_state, _conversation_id(cid), verbosity)
    return JSONResponse(state)


async def _exclusive(request: Request, cid: str, fn: Callable[..., T], *args: Any) -> T:
    """Run a write to conversation ``cid`` in its turn queue (never interleaved with its turns); without the
    server's scheduler (an app that only mounts this router), in the threadpool directly."""
    scheduler = getattr(request.app.state, "turn_scheduler", None)
    if scheduler is None:
        return await run_in_threadpool(fn, *args)
    result: T = await scheduler().exclusive(cid, fn, *args)
    return result


@router.post("/conversations/{cid}/messages")
async def append_message(request: Request, cid: str, body: AppendMessage) -> JSONResponse:
    """Log a user message without predicting."""
    if body.sender != "user":
        raise HttpError(422, "only sender 'user' is supported")
    p = request.app.state.processor
    await _exclusive(request, cid, p.append_user_message, _conversation_id(cid), body.text)
    # the state as stored (personal data masked, assistant.stores.masking), not the in-memory tracker's raw text
    state = await run_in_threadpool(p.tracker_state, cid)
    return JSONResponse(state)


@router.post("/conversations/{cid}/trigger_intent")
async def trigger_intent(request: Request, cid: str, body: TriggerIntent) -> JSONResponse:
    """Run a turn for an intent; ``{"tracker", "messages"}``."""
    p = request.app.state.processor
    turn = await _exclusive(request, cid, p.trigger_intent, _conversation_id(cid), body.name, body.entities)
    state = await run_in_threadpool(p.tracker_state, cid)
    messages = mask_reply([{"recipient_id": cid, **message_to_json(m)} for m in turn.messages], turn.events)  # as stored
    return JSONResponse({"tracker": state, "messages": messages})


@router.get("/conversations/{cid}/story")
async def get_story(request: Request, cid: str) -> PlainTextResponse:
    """The conversation as Rasa story YAML."""
    tracker = await run_in_threadpool(request.app.state.processor.load, _conversation_id(cid))
    return PlainTextResponse(tracker_to_story_yaml(tracker), media_type="application/x-yaml; charset=utf-8")


@router.post("/conversations/{cid}/resume")
async def resume(request: Request, cid: str) -> JSONResponse:
    """Give a handed-off conversation back to the assistant."""
    state = await _exclusive(request, cid, request.app.state.processor.resume, _conversation_id(cid))
    return JSONResponse(state)
