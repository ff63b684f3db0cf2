"""HTTP API over consents for the assistant server to mount (e.g. at ``/mydata``).

* ``GET /consents?citizen_ref=`` → ``[Consent]`` (the token is never shown)
* ``GET /consents/{id}`` → ``Consent`` (404 for an unknown id)
* ``POST /consents/{id}/revoke`` → ``{"consent", "deleted_records", "provider_revoked"}``
* ``GET /audit?consent_id=&citizen_ref=&limit=`` → ``[AuditEntry]``: read-only, there is no route that changes
  or deletes an audit row (and the database refuses it anyway, see :mod:`connectors.mydata.store`).

Who acts is taken from the ``X-Assistant-Actor`` header (default ``api``) and written to the audit log. The
router has no authentication of its own: mount it behind the server's operator authentication, since it lists
consents of every citizen.

:func:`create_flow_router` is the citizen's side (``/authorize`` and the OAuth2 ``/callback``), mounted without
the admin token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from html import escape
from typing import Any

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.errors import ConnectorError, InvalidInputError
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.scopes import ConsentError, UnknownConsentError
from connectors.mydata.ticket import ExpiredTicketError, verify


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


# --- the citizen's consent step in the browser (public: no admin token) ---------------------------------

#: Cookie that binds the provider's redirect to the browser that opened the chat's link (RFC 6749 §10.12).
FLOW_COOKIE = "mydata_flow"


# What the citizen reads when the consent step cannot go on: Korean first, then English, and what to do next.
_NO_TICKET = ["이 브라우저에는 진행 중인 마이데이터 동의 요청이 없어요. 대화하던 브라우저(같은 기기)에서 대화창의 마이데이터 "
              "링크를 다시 열어 주세요.",
              "This browser has no MyData consent request in progress. Open the MyData link from the chat again, in the "
              "same browser (on the same device) where you are chatting."]
_BAD_LINK = ["마이데이터 동의 링크가 올바르지 않아요. 대화하던 브라우저에서 대화창의 링크를 다시 열어 주세요.",
             "This MyData consent link is not valid. Open the link from the chat again, in the browser where you are "
             "chatting."]
_EXPIRED = ["마이데이터 동의 링크의 유효 시간이 지났어요. 대화창에서 마이데이터 연결을 다시 요청해 주세요.",
            "This MyData consent link has expired. Ask for MyData again in the chat."]
_WRONG_STATE = ["제공기관의 응답이 이 브라우저의 동의 요청과 맞지 않아요. 대화하던 브라우저에서 대화창의 마이데이터 링크를 다시 "
                "열어 주세요.",
                "The provider's answer does not belong to this browser's consent request. Open the MyData link from "
                "the chat again, in the browser where you are chatting."]


def _ticket_error_lines(e: InvalidInputError) -> list[str]:
    return _EXPIRED if isinstance(e, ExpiredTicketError) else _BAD_LINK


def _html_lines(text: str) -> str:
    """One reply as HTML: its ``- item`` lines (the assistant's lists: fetched records, consents) as a ``<ul>``, other
    lines as paragraphs; everything escaped."""
    out: list[str] = []
    items: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("- "):
            items.append(f"<li>{escape(line[2:].strip())}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line.strip():
            out.append(f"<p>{escape(line.strip())}</p>")
    return "".join(out)


def _page(status: int, title: str, lines: list[str]) -> HTMLResponse:
    body = "".join(_html_lines(x) for x in lines)
    return HTMLResponse(f"<!doctype html><html lang=ko><meta charset=utf-8><title>{escape(title)}</title>"
                        f"<h1>{escape(title)}</h1>{body}</html>", status_code=status, headers={"Cache-Control": "no-store"})


def create_flow_router(connector: MyDataConnector | Callable[[], MyDataConnector], key: bytes,
                       continue_conversation: Callable[[str, str], list[str]], *, secure_cookie: bool = False) -> APIRouter:
    """The citizen-facing routes of the consent step (mount at ``/mydata``, without the admin token).

    * ``GET /authorize?ticket=`` (the link the chat shows, see :mod:`connectors.mydata.ticket`): checks the
      ticket and that the consent is still pending, sets the ``mydata_flow`` cookie (HttpOnly, SameSite=Lax,
      path ``/mydata``) and redirects (302) to the provider's authorization page (``state`` = consent id).
    * ``GET /callback?code=&state=`` or ``?error=&state=`` (the provider's redirect, registered as
      ``ASSISTANT_MYDATA_REDIRECT_URI``): the cookie's ticket must name the consent in ``state``; then the
      consent is granted with the code (or withdrawn on ``error``), and the conversation continues with the
      intent ``mydata_granted`` (or ``mydata_denied``). The page shows the assistant's replies and asks the
      citizen to return to the chat. 400 for a missing, forged or expired ticket or a ``state`` mismatch;
      409 when the consent is no longer pending; 503 when the provider fails (nothing granted).

    Args:
        connector: the connector, or a zero-argument factory.
        key: the ticket key (:func:`connectors.mydata.ticket.secret_key`).
        continue_conversation: ``(sender_id, intent) -> reply texts``, e.g. the engine's ``trigger_intent``.
        secure_cookie: set the cookie's ``Secure`` flag (behind HTTPS).
    """
    get: Callable[[], MyDataConnector] = connector if callable(connector) and not isinstance(connector, MyDataConnector) \
        else (lambda: connector)
    router = APIRouter(tags=["mydata-consent-step"])

    @router.get("/authorize", response_model=None)
    def authorize(ticket: str = Query(..., max_length=2000)) -> Response:
        c = get()
        try:
            t = verify(ticket, key, c.clock())
            consent = c.get_consent(t.consent_id)
        except InvalidInputError as e:
            return _page(400, "MyData", _ticket_error_lines(e))
        except UnknownConsentError:
            return _page(400, "MyData", _BAD_LINK)
        if consent.status(c.clock()) != "pending":
            return _page(409, "MyData", ["이 동의 요청은 더 이상 진행할 수 없어요. 대화창에서 다시 요청해 주세요.",
                                         "This consent request can no longer be completed: ask again in the chat."])
        r = RedirectResponse(c.authorization_url(consent.id), status_code=302)
        r.set_cookie(FLOW_COOKIE, ticket, max_age=max(1, int(t.expires_at - c.clock())), path="/mydata",
                     httponly=True, samesite="lax", secure=secure_cookie)
        return r

    @router.get("/callback", response_model=None)
    def callback(request: Request, state: str = Query("", max_length=255), code: str | None = Query(None, max_length=2000),
                 error: str | None = Query(None, max_length=100)) -> Response:
        c = get()
        cookie = request.cookies.get(FLOW_COOKIE, "")
        if not cookie:  # opened in another browser or device than the chat's link, or cookies are blocked
            return _page(400, "MyData", _NO_TICKET)
        try:
            t = verify(cookie, key, c.clock())
        except InvalidInputError as e:
            return _page(400, "MyData", _ticket_error_lines(e))
        if t.consent_id != state:
            return _page(400, "MyData", _WRONG_STATE)
        if error or not code:
            try:  # the citizen said no at the provider: a pending request is declined, not withdrawn
                if c.get_consent(t.consent_id).stored_status == "pending":
                    c.decline(t.consent_id, actor="citizen")
                else:
                    c.revoke(t.consent_id, actor="citizen")
            except UnknownConsentError:
                return _page(400, "MyData", _BAD_LINK)
            replies = continue_conversation(t.sender_id, "mydata_denied")
            page = _page(200, "MyData", [*replies, "대화창으로 돌아가 주세요. / Please return to the chat."])
        else:
            try:
                c.grant(t.consent_id, authorization_code=code, actor="citizen")
            except ConsentError:
                return _page(409, "MyData", ["이 동의 요청은 더 이상 진행할 수 없어요. 대화창에서 다시 요청해 주세요.",
                                             "This consent request can no longer be completed: ask again in the chat."])
            except ConnectorError:
                return _page(503, "MyData", ["마이데이터 제공기관에 연결하지 못했어요. 잠시 후 다시 시도해 주세요.",
                                             "The MyData provider could not be reached; please try again later."])
            replies = continue_conversation(t.sender_id, "mydata_granted")
            page = _page(200, "MyData", [*replies, "대화창으로 돌아가 주세요. / Please return to the chat."])
        page.delete_cookie(FLOW_COOKIE, path="/mydata")
        return page

    return router
