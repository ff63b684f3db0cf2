"""The task back end as an HTTP service (FastAPI; OpenAPI at ``/openapi.json``).

Endpoints (relative to where it is mounted; ``assistant serve`` mounts it at ``/connectors/tasks``):

* ``POST /applications`` ``{"service_id", "applicant_id", "facts", "checklist", "idempotency_key",
  "service_name"?}`` → 201 with the application (``created: true``), or 200 with the one already stored
  under that key (``created: false``); 409 ``idempotency_conflict`` when the key was used for another request.
  The key may come as the ``Idempotency-Key`` header instead (IETF draft-ietf-httpapi-idempotency-key-header;
  the engine's per-call key travels so); both given and different: 400 ``invalid_input``.
* ``GET /applications/{receipt}?applicant_id=`` → the application with its history (404 if unknown or not
  the applicant's).
* ``GET /applications?applicant_id=`` → the applicant's applications, newest first.
* ``POST /applications/{receipt}/cancel`` ``{"applicant_id", "reason"?}`` → the cancelled application
  (409 ``invalid_transition`` once approved or rejected).
* ``POST /applications/{receipt}/transition`` ``{"to", "reason"?}`` → the sandbox back office moves an
  application (``in_review``, ``approved``, ``rejected``); 409 on a move the state machine forbids.
* ``POST /consent-withdrawals`` ``{"consent_id", "applicant_id"?, "reason"?: "revoked" | "expired"}`` → ``{"consent_id",
  "applications": [...]}``: the MyData consent was withdrawn, so in the applications not yet decided
  (``submitted``, ``in_review``) every document supplied under it becomes ``provided: withdrawn`` (needed again)
  and the history says so; decided applications are left as they are. Safe to repeat.
* ``GET /checklist/{service_id}`` → the service's required-documents checklist (404 if not in the catalogue).
* ``GET /health``.

Who may call (:mod:`connectors.tasks.auth`): ``/applications...`` needs either an applicant key
(``X-Applicant-Key``: the caller acts as the applicant ``applicant_id_for_key(key)``; an ``applicant_id`` in
the request, if any, must be that one, else 403; another applicant's receipt is 404, like an unknown one) or
the admin token (``Authorization: Bearer <ASSISTANT_API_TOKEN>``; without a token set, only while the server
is bound to a loopback address), which may name any applicant and alone may ``transition``. No credentials:
401 (403 when no token is set and the server is not on loopback). ``/checklist`` and ``/health`` are open
(catalogue data only).

Errors are ``{"detail": "...", "error": "<code>"}`` with codes ``not_found``, ``invalid_transition``,
``idempotency_conflict``, ``invalid_input``, ``store_unavailable``, ``unauthorized``, ``forbidden``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.auth import AccessDeniedError, check_admin, denied_json
from assistant.errors import AssistantError, InvalidInputError, StoreUnavailableError
from assistant.settings import Settings
from connectors.eligibility.catalogue import UnknownServiceError
from connectors.eligibility.facts import Facts
from connectors.tasks.auth import APPLICANT_KEY_HEADER, MAX_KEY_CHARS, MIN_KEY_CHARS, applicant_id_for_key
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
    provided: Literal["pending", "citizen", "mydata", "official", "withdrawn"] = Field(
        "pending", description="how the document reaches the office: not yet, by the citizen, through MyData under "
        "consent_id, checked by the office itself, or withdrawn (the MyData consent was revoked before a decision: "
        "needed again)")
    consent_id: str | None = Field(None, min_length=1, max_length=64,
                                   description="the MyData consent the document is supplied under (provided: mydata "
                                   "or withdrawn); the record's content is never sent")

    @model_validator(mode="after")
    def _consent_matches(self) -> ChecklistItem:
        if self.provided in ("mydata", "withdrawn") and not (self.consent_id and self.mydata_record):
            raise ValueError(f"provided: {self.provided} needs the consent_id and the mydata_record it is supplied under")
        if self.consent_id and self.provided not in ("mydata", "withdrawn"):
            raise ValueError("consent_id is only for a document supplied through MyData (provided: mydata)")
        return self


class SubmitRequest(BaseModel):
    """An application."""

    model_config = ConfigDict(extra="forbid")

    service_id: str = Field(min_length=1, max_length=64, description="서비스ID of the catalogue service")
    service_name: str = Field("", max_length=500)
    applicant_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS,
                                     description="pseudonymous applicant id (never a resident registration number); "
                                     "required from the admin, implied by an applicant key")
    facts: Facts = Field(description="the eligibility facts the application relies on (same schema as /check)")
    checklist: list[ChecklistItem] = Field(default_factory=list)
    idempotency_key: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS,
                                        description="the same key on a retry returns the same application; may "
                                        "come as the Idempotency-Key header instead (one of them is required)")


    @model_validator(mode="after")
    def _nothing_withdrawn_yet(self) -> SubmitRequest:
        if any(i.provided == "withdrawn" for i in self.checklist):
            raise ValueError("a new application cannot have withdrawn documents (only the back end marks them)")
        return self


#: The request header that may carry a submission's idempotency key (IETF draft-ietf-httpapi-idempotency-key-header).
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


def submission_key(body_key: str | None, header_key: str | None) -> str:
    """The submission's idempotency key: the ``Idempotency-Key`` header's or the body's ``idempotency_key``.

    Raises:
        InvalidInputError: neither is given, the header is empty or too long, or both are given and differ.

    Example:
        >>> submission_key(None, "fx-1"), submission_key("k1", None), submission_key("k1", "k1")
        ('fx-1', 'k1', 'k1')
    """
    if header_key is not None and not 1 <= len(header_key) <= MAX_ID_CHARS:
        raise InvalidInputError(f"{IDEMPOTENCY_KEY_HEADER} must be 1-{MAX_ID_CHARS} characters")
    if body_key is not None and header_key is not None and body_key != header_key:
        raise InvalidInputError(f"the {IDEMPOTENCY_KEY_HEADER} header and idempotency_key differ: send one key")
    key = header_key if header_key is not None else body_key
    if key is None:
        raise InvalidInputError(f"an idempotency key is required (the {IDEMPOTENCY_KEY_HEADER} header or idempotency_key)")
    return key


def _item_json(item: ChecklistItem) -> dict[str, Any]:
    """The item as stored: ``consent_id`` only when there is one (so applications without MyData documents are
    stored, and hashed for idempotency, as before it existed)."""
    out = item.model_dump()
    if out.get("consent_id") is None:
        out.pop("consent_id", None)
    return out


class CancelRequest(BaseModel):
    """A cancellation by the applicant (``applicant_id`` implied by an applicant key; the admin may omit it)."""

    applicant_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS)
    reason: str = Field("", max_length=1000)


class ConsentWithdrawalRequest(BaseModel):
    """A MyData consent was revoked (or expired): documents supplied under it are no longer supplied."""

    model_config = ConfigDict(extra="forbid")

    consent_id: str = Field(min_length=1, max_length=64)
    applicant_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS,
                                     description="implied by an applicant key; the admin may omit it (any applicant)")
    reason: Literal["revoked", "expired"] = "revoked"


class TransitionRequest(BaseModel):
    """A back-office decision."""

    to: Literal["in_review", "approved", "rejected"]
    reason: str = Field("", max_length=1000)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the admin, or the applicant ``applicant_id`` (from an applicant key)."""

    admin: bool
    applicant_id: str | None = None

    def applicant(self, given: str | None) -> str | None:
        """The applicant the request acts for (``None``: the admin, for any applicant).

        Raises:
            AccessDeniedError: 403, an applicant naming another applicant.
        """
        if not self.admin:
            if given is not None and given != self.applicant_id:
                raise AccessDeniedError(403, "applicant_id does not match the applicant key")
            return self.applicant_id
        return given

    def named_applicant(self, given: str | None) -> str:
        """As :meth:`applicant`, where one applicant must be named.

        Raises:
            AccessDeniedError: as :meth:`applicant`.
            InvalidInputError: the admin did not name one.
        """
        applicant = self.applicant(given)
        if applicant is None:
            raise InvalidInputError("applicant_id is required (or send the applicant's X-Applicant-Key)")
        return applicant


def caller_of(settings: Settings, request: Request) -> Caller:
    """The caller of ``request`` (see the module docstring).

    Raises:
        AccessDeniedError: 401 for a malformed applicant key or a missing/wrong admin token; 403 when no token
            is configured and the server is not bound to a loopback address.
    """
    key = request.headers.get(APPLICANT_KEY_HEADER)
    if key is not None:
        if not MIN_KEY_CHARS <= len(key) <= MAX_KEY_CHARS:
            raise AccessDeniedError(401, f"{APPLICANT_KEY_HEADER} must be {MIN_KEY_CHARS}-{MAX_KEY_CHARS} characters")
        return Caller(admin=False, applicant_id=applicant_id_for_key(key))
    check_admin(settings, request.headers.get("authorization"), request.query_params.get("token"))
    return Caller(admin=True)


def _caller(request: Request) -> Caller:
    return caller_of(request.app.state.settings, request)


#: The caller of a request, as a FastAPI dependency.
CallerDep = Annotated[Caller, Depends(_caller)]


def _error(exc: AssistantError) -> JSONResponse:
    if isinstance(exc, AccessDeniedError):
        body, status, headers = denied_json(exc)
        return JSONResponse(body, status_code=status, headers=headers)
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
    from assistant.settings import get_settings

    settings = settings or get_settings()
    if store is None:
        store = ApplicationStore(settings.tasks_db_url or f"sqlite:///{settings.home / 'tasks.db'}")
    if checklists is None:
        checklists = ChecklistSource.from_home(settings.db_url, settings.index_dir)
    app = FastAPI(title="Tasks (applications, status, cancellation)", version="0.1.0", description=__doc__)
    app.state.store, app.state.checklists, app.state.settings = store, checklists, settings

    @app.exception_handler(AssistantError)
    async def _domain_error(_req: Request, exc: AssistantError) -> JSONResponse:
        return _error(exc)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "applications": await run_in_threadpool(store.count)}

    @app.post("/applications", status_code=201)
    async def submit(req: SubmitRequest, who: CallerDep,
                     idempotency_key: Annotated[str | None, Header(alias=IDEMPOTENCY_KEY_HEADER)] = None) -> JSONResponse:
        applicant = who.named_applicant(req.applicant_id)
        key = submission_key(req.idempotency_key, idempotency_key)
        app_, created = await run_in_threadpool(
            store.submit, req.service_id, req.service_name, applicant, req.facts.model_dump(exclude_none=True),
            [_item_json(i) for i in req.checklist], key)
        return JSONResponse({**app_.to_json(), "created": created}, status_code=201 if created else 200)

    @app.get("/applications")
    async def list_applications(who: CallerDep, applicant_id: str | None = Query(None, min_length=1, max_length=MAX_ID_CHARS)
                                ) -> list[dict[str, Any]]:
        return [a.to_json() for a in await run_in_threadpool(store.list, who.named_applicant(applicant_id))]

    @app.get("/applications/{receipt}")
    async def status(receipt: str, who: CallerDep, applicant_id: str | None = Query(None, min_length=1, max_length=MAX_ID_CHARS)
                     ) -> dict[str, Any]:
        return (await run_in_threadpool(store.get, receipt, who.applicant(applicant_id))).to_json()

    @app.post("/applications/{receipt}/cancel")
    async def cancel(receipt: str, req: CancelRequest, who: CallerDep) -> dict[str, Any]:
        reason = req.reason or "cancelled by the applicant"
        return (await run_in_threadpool(store.transition, receipt, "cancelled", reason, who.applicant(req.applicant_id))).to_json()

    @app.post("/consent-withdrawals")
    async def consent_withdrawal(req: ConsentWithdrawalRequest, who: CallerDep) -> dict[str, Any]:
        changed = await run_in_threadpool(store.withdraw_consent, req.consent_id, who.applicant(req.applicant_id),
                                          req.reason)
        return {"consent_id": req.consent_id, "applications": [a.to_json() for a in changed]}

    @app.post("/applications/{receipt}/transition")
    async def transition(receipt: str, req: TransitionRequest, who: CallerDep) -> dict[str, Any]:
        if not who.admin:
            raise AccessDeniedError(403, "only the back office (admin token) moves an application")
        return (await run_in_threadpool(store.transition, receipt, req.to, req.reason)).to_json()

    @app.get("/checklist/{service_id}")
    async def checklist(service_id: str, records: Annotated[list[str] | None, Query()] = None) -> dict[str, Any]:
        found = await run_in_threadpool(checklists.checklist, service_id,
                                        list(MYDATA_RECORD_TYPES) if records is None else records)
        if found is None:
            raise UnknownServiceError(f"service {service_id!r} is not in the catalogue")
        return found.to_json()

    return app
