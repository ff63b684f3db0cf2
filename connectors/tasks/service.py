"""The task back end as an HTTP service (FastAPI; OpenAPI at ``/openapi.json``).

Endpoints (relative to where it is mounted; ``assistant serve`` mounts it at ``/connectors/tasks``):

* ``POST /applications`` ``{"service_id", "applicant_id", "facts", "checklist", "idempotency_key",
  "service_name"?}`` → 201 with the application (``created: true``), or 200 with the one already stored
  under that key (``created: false``); 409 ``idempotency_conflict`` when the key was used for another request.
* ``GET /applications/{receipt}?applicant_id=`` → the application with its history (404 if unknown or not
  the applicant's).
* ``GET /applications?applicant_id=`` → the applicant's applications, newest first.
* ``POST /applications/{receipt}/cancel`` ``{"applicant_id", "reason"?}`` → the cancelled application
  (409 ``invalid_transition`` once approved or rejected).
* ``POST /applications/{receipt}/transition`` ``{"to", "reason"?}`` → the sandbox back office moves an
  application (``in_review``, ``approved``, ``rejected``); 409 on a move the state machine forbids.
* ``GET /checklist/{service_id}`` → the service's required-documents checklist (404 if not in the catalogue).
* ``GET /health``.

Errors are ``{"detail": "...", "error": "<code>"}`` with codes ``not_found``, ``invalid_transition``,
``idempotency_conflict``, ``invalid_input``, ``store_unavailable``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import AssistantError, InvalidInputError, StoreUnavailableError
from assistant.settings import Settings
from connectors.eligibility.catalogue import UnknownServiceError
from connectors.eligibility.facts import Facts
from connectors.tasks.checklist import MYDATA_RECORD_TYPES, ChecklistSource
from connectors.tasks.store import (
    MAX_ID_CHARS,
    ApplicationNotFoundError,
    ApplicationStore,
    IdempotencyConflictError,
    InvalidTransitionError,
)


class ChecklistItem(BaseModel):
    """One required document as the checklist builder produced it, plus whether it is provided."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    note: str = ""
    applies_to: str = ""
    group: str = ""
    official_check: bool = False
    alternatives: list[str] = Field(default_factory=list)
    mydata_record: str | None = Field(None, description="MyData record type that supplies it, e.g. resident_registration")
    provided: Literal["pending", "citizen", "mydata", "official"] = Field(
        "pending", description="how the document reaches the office: not yet, by the citizen, through MyData, "
        "or checked by the office itself")


class SubmitRequest(BaseModel):
    """An application."""

    model_config = ConfigDict(extra="forbid")

    service_id: str = Field(min_length=1, max_length=64, description="서비스ID of the catalogue service")
    service_name: str = Field("", max_length=500)
    applicant_id: str = Field(min_length=1, max_length=MAX_ID_CHARS,
                              description="pseudonymous applicant id (never a resident registration number)")
    facts: Facts = Field(description="the eligibility facts the application relies on (same schema as /check)")
    checklist: list[ChecklistItem] = Field(default_factory=list)
    idempotency_key: str = Field(min_length=1, max_length=MAX_ID_CHARS,
                                 description="the same key on a retry returns the same application")


class CancelRequest(BaseModel):
    """A cancellation by the applicant."""

    applicant_id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    reason: str = Field("", max_length=1000)


class TransitionRequest(BaseModel):
    """A back-office decision."""

    to: Literal["in_review", "approved", "rejected"]
    reason: str = Field("", max_length=1000)


def _error(exc: AssistantError) -> JSONResponse:
    if isinstance(exc, (ApplicationNotFoundError, LookupError)):
        return JSONResponse({"detail": str(exc), "error": "not_found"}, status_code=404)
    if isinstance(exc, InvalidTransitionError):
        return JSONResponse({"detail": str(exc), "error": "invalid_transition"}, status_code=409)
    if isinstance(exc, IdempotencyConflictError):
        return JSONResponse({"detail": str(exc), "error": "idempotency_conflict"}, status_code=409)
    if isinstance(exc, InvalidInputError):
        return JSONResponse({"detail": str(exc), "error": "invalid_input"}, status_code=400)
    if isinstance(exc, StoreUnavailableError):
        return JSONResponse({"detail": str(exc), "error": "store_unavailable"}, status_code=503)
    return JSONResponse({"detail": str(exc), "error": "internal"}, status_code=500)


def create_app(settings: Settings | None = None, store: ApplicationStore | None = None,
               checklists: ChecklistSource | None = None) -> FastAPI:
    """Build the task back end.

    Args:
        settings: where the defaults come from (``tasks_db_url`` or SQLite ``<home>/tasks.db``; the
            catalogue imported into ``home`` for checklists).
        store: an already open :class:`ApplicationStore` (tests, PostgreSQL).
        checklists: where checklists come from (default: the document store of ``settings.home``).
    """
    if store is None or checklists is None:
        from assistant.settings import get_settings

        settings = settings or get_settings()
    if store is None:
        assert settings is not None
        store = ApplicationStore(settings.tasks_db_url or f"sqlite:///{settings.home / 'tasks.db'}")
    if checklists is None:
        assert settings is not None
        checklists = ChecklistSource.from_home(settings.db_url, settings.index_dir)
    app = FastAPI(title="Tasks (applications, status, cancellation)", version="0.1.0", description=__doc__)
    app.state.store, app.state.checklists = store, checklists

    @app.exception_handler(AssistantError)
    async def _domain_error(_req: Request, exc: AssistantError) -> JSONResponse:
        return _error(exc)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "applications": await run_in_threadpool(store.count)}

    @app.post("/applications", status_code=201)
    async def submit(req: SubmitRequest) -> JSONResponse:
        app_, created = await run_in_threadpool(
            store.submit, req.service_id, req.service_name, req.applicant_id, req.facts.model_dump(exclude_none=True),
            [i.model_dump() for i in req.checklist], req.idempotency_key)
        return JSONResponse({**app_.to_json(), "created": created}, status_code=201 if created else 200)

    @app.get("/applications")
    async def list_applications(applicant_id: str = Query(min_length=1, max_length=MAX_ID_CHARS)) -> list[dict[str, Any]]:
        return [a.to_json() for a in await run_in_threadpool(store.list, applicant_id)]

    @app.get("/applications/{receipt}")
    async def status(receipt: str, applicant_id: str = Query(min_length=1, max_length=MAX_ID_CHARS)) -> dict[str, Any]:
        return (await run_in_threadpool(store.get, receipt, applicant_id)).to_json()

    @app.post("/applications/{receipt}/cancel")
    async def cancel(receipt: str, req: CancelRequest) -> dict[str, Any]:
        reason = req.reason or "cancelled by the applicant"
        return (await run_in_threadpool(store.cancel, receipt, req.applicant_id, reason)).to_json()

    @app.post("/applications/{receipt}/transition")
    async def transition(receipt: str, req: TransitionRequest) -> dict[str, Any]:
        return (await run_in_threadpool(store.transition, receipt, req.to, req.reason)).to_json()

    @app.get("/checklist/{service_id}")
    async def checklist(service_id: str, records: Annotated[list[str] | None, Query()] = None) -> dict[str, Any]:
        found = await run_in_threadpool(checklists.checklist, service_id,
                                        list(MYDATA_RECORD_TYPES) if records is None else records)
        if found is None:
            raise UnknownServiceError(f"service {service_id!r} is not in the catalogue")
        return found.to_json()

    return app
