"""HTTP API over consents for the assistant server to mount (e.g. at ``/mydata``).

* ``GET /consents?citizen_ref=`` → ``[Consent]`` (the token is never shown)
* ``GET /consents/{id}`` → ``Consent`` (404 for an unknown id)
* ``POST /consents/{id}/revoke`` → ``{"consent", "deleted_records", "provider_revoked"}``
* ``GET /audit?consent_id=&citizen_ref=&limit=`` → ``[AuditEntry]``: read-only, there is no route that changes
  or deletes an audit row (and the database refuses it anyway, see :mod:`connectors.mydata.store`).

Who acts is taken from the ``X-Assistant-Actor`` header (default ``api``) and written to the audit log. The
router has no authentication of its own: mount it behind the server's operator authentication, since it lists
consents of every citizen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Header, HTTPException, Query

from connectors.mydata.consent import MyDataConnector
from connectors.mydata.scopes import UnknownConsentError


def create_router(connector: MyDataConnector | Callable[[], MyDataConnector]) -> APIRouter:
    """The consent API router.

    Args:
        connector: the connector, or a zero-argument factory called per request (so the server can build it
            lazily from settings, and tests can swap it).

    Example:
        >>> from fastapi import FastAPI
        >>> app = FastAPI()
        >>> app.include_router(create_router(lambda: None), prefix="/mydata")  # doctest: +SKIP
    """
    get: Callable[[], MyDataConnector] = connector if callable(connector) and not isinstance(connector, MyDataConnector) \
        else (lambda: connector)
    router = APIRouter(tags=["mydata"])

    def one(c: MyDataConnector, consent_id: str) -> Any:
        try:
            return c.get_consent(consent_id)
        except UnknownConsentError as e:
            raise HTTPException(404, str(e)) from e

    @router.get("/consents")
    def list_consents(citizen_ref: str | None = Query(None, max_length=255)) -> list[dict[str, Any]]:
        c = get()
        now = c.clock()
        return [x.to_json(now) for x in c.list_consents(citizen_ref)]

    @router.get("/consents/{consent_id}")
    def get_consent(consent_id: str) -> dict[str, Any]:
        c = get()
        return dict(one(c, consent_id).to_json(c.clock()))

    @router.post("/consents/{consent_id}/revoke")
    def revoke(consent_id: str, x_assistant_actor: str = Header("api", max_length=255)) -> dict[str, Any]:
        c = get()
        one(c, consent_id)
        r = c.revoke(consent_id, actor=x_assistant_actor)
        return {"consent": r.consent.to_json(c.clock()), "deleted_records": r.deleted_records,
                "provider_revoked": r.provider_revoked}

    @router.get("/audit")
    def audit(consent_id: str | None = None, citizen_ref: str | None = None,
              limit: int = Query(1000, ge=1, le=10_000)) -> list[dict[str, Any]]:
        return [asdict(e) for e in get().audit(consent_id, citizen_ref, limit)]

    return router
