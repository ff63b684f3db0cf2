"""The MyData provider sandbox: synthetic citizens behind an OAuth2 authorization-code exchange.

Modelled on the 공공 마이데이터 flow (the citizen authorizes an institution to receive their administrative
records): the assistant is an OAuth2 client (RFC 6749 §4.1, ``client_secret_post``), the scopes are record
types (:mod:`connectors.mydata.scopes`), and the citizen's approval is simulated with a test identity.

Endpoints (relative to where it is mounted):

* ``GET /oauth/authorize?response_type=code&client_id&redirect_uri&scope&state&login_hint=<identity>
  [&decision=approve|deny][&expires_in=s]`` → ``302`` to ``redirect_uri?code=…&state=…`` (or ``error=access_denied``).
  Sandbox stand-in for the provider's login-and-approve page: ``login_hint`` is the test identity that approves.
  Without ``login_hint`` it answers the sandbox *login page* (HTML): a tester picks a synthetic citizen and
  approves or denies, which follows the same redirect (the demo path of the conversation's consent step).
* ``POST /oauth/token`` (form: ``grant_type=authorization_code``, ``code``, ``redirect_uri``, ``client_id``,
  ``client_secret``) → ``{"access_token", "token_type": "Bearer", "expires_in", "scope"}``; codes are single-use
  and expire; errors per RFC 6749 §5.2 (``invalid_client`` 401, ``invalid_grant`` 400 …).
* ``POST /oauth/revoke`` (form: ``token``, ``client_id``, ``client_secret``) → 200 (RFC 7009).
* ``GET /records/{scope}`` with ``Authorization: Bearer`` → the record; ``401`` for an unknown, expired or revoked
  token, ``403 insufficient_scope`` for a scope the token does not carry (RFC 6750 §3.1).
* ``GET /sandbox/citizens`` (test identities), ``GET /sandbox/stats`` (request counters, no personal data),
  ``PUT /sandbox/fault`` / ``DELETE /sandbox/fault`` (make it fail: ``down`` 503, ``slow``, ``garbage`` non-JSON,
  ``wrong_shape`` JSON of the wrong shape), ``GET /health``.

Run alone: ``python -m connectors.mydata.sandbox [--host H] [--port N]``; or mount :func:`create_app`.
The sandbox never logs personal data (uvicorn's access log shows paths, which carry none).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from html import escape
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Form, Header, Query
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from connectors.mydata.citizens import CITIZENS, Citizen
from connectors.mydata.scopes import SCOPES

DEFAULT_CLIENT_ID = "assistant-sandbox"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
DEFAULT_REDIRECT_URI = "http://127.0.0.1/mydata/callback"


def redirect_allowed(registered: str, given: str) -> bool:
    """Whether ``given`` is the registered redirect URI: the same string, or, for a loopback one registered without a
    port (``http://127.0.0.1/mydata/callback``), the same URI at any port (RFC 8252 §7.3: "The authorization server
    MUST allow any port to be specified at the time of the request for loopback IP redirect URIs"). The sandbox run
    alone (``python -m connectors.mydata.sandbox``) then accepts the callback of an assistant on any local port
    (s45 probe: it needed ``--redirect-uri http://127.0.0.1:8000/mydata/callback``).

    >>> redirect_allowed("http://127.0.0.1/mydata/callback", "http://127.0.0.1:8000/mydata/callback")
    True
    >>> redirect_allowed("http://127.0.0.1/mydata/callback", "http://127.0.0.1:8000/other"), redirect_allowed(
    ...     "https://gov.example/cb", "https://gov.example:8443/cb")
    (False, False)
    """
    if given == registered:
        return True
    r, g = urlsplit(registered), urlsplit(given)
    loopback = {"127.0.0.1", "::1"}  # IP literals (§7.3); "localhost" is not one (§8.3)
    return r.scheme == g.scheme == "http" and r.port is None and r.hostname in loopback and g.hostname == r.hostname \
        and (r.path, r.query) == (g.path, g.query) and not g.fragment and g.username is None


@dataclass(frozen=True)
class ClientRegistration:
    """A registered OAuth2 client (the assistant): secret and its one redirect URI."""

    secret: str
    redirect_uri: str


@dataclass
class _Grant:
    client_id: str
    identity: str
    scopes: frozenset[str]
    expires_at: float
    redirect_uri: str = ""
    token_ttl: float = 0.0
    revoked: bool = False


@dataclass
class Fault:
    """A failure to inject: ``mode`` for record requests of ``scopes`` (empty: every token, revoke and record request)."""

    mode: Literal["down", "slow", "garbage", "wrong_shape"]
    delay_s: float = 0.0
    scopes: tuple[str, ...] = ()


@dataclass
class SandboxState:
    """The provider's state: clients, live codes and tokens, counters and an injected fault.

    Args:
        clients: client id → registration.
        clock: epoch seconds (inject a fake one to expire tokens in tests).
        token_ttl: longest token lifetime in seconds.
        code_ttl: authorization code lifetime in seconds.
    """

    clients: dict[str, ClientRegistration] = field(
        default_factory=lambda: {DEFAULT_CLIENT_ID: ClientRegistration(DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI)})
    clock: Callable[[], float] = time.time
    token_ttl: float = 3600.0
    code_ttl: float = 300.0
    citizens: dict[str, Citizen] = field(default_factory=lambda: dict(CITIZENS))
    codes: dict[str, _Grant] = field(default_factory=dict)
    tokens: dict[str, _Grant] = field(default_factory=dict)
    record_requests: Counter[str] = field(default_factory=Counter)
    token_requests: int = 0
    revoke_requests: int = 0
    fault: Fault | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        """Forget codes, tokens, counters and the fault (tests reuse one server)."""
        with self.lock:
            self.codes.clear()
            self.tokens.clear()
            self.record_requests.clear()
            self.token_requests = self.revoke_requests = 0
            self.fault = None

    def stats(self) -> dict[str, Any]:
        """Counters (no personal data)."""
        return {"record_requests": sum(self.record_requests.values()), "by_scope": dict(self.record_requests),
                "token_requests": self.token_requests, "revoke_requests": self.revoke_requests,
                "live_tokens": sum(1 for t in self.tokens.values() if not t.revoked and t.expires_at > self.clock())}


# --- records ------------------------------------------------------------------------------------------


def record(citizen: Citizen, scope: str, issued_at: float) -> dict[str, Any]:
    """The record ``scope`` of ``citizen`` as the provider returns it (JSON-ready)."""
    me = citizen.self_person
    base = {"record_type": scope, "document": SCOPES[scope].document_ko, "synthetic": True,
            "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(issued_at))}
    if scope == "resident_registration":
        return {**base, "address": citizen.address, "moved_in": citizen.moved_in.isoformat(),
                "members": [{"relation": p.relation, "name": p.name, "rrn": p.rrn, "birth_date": p.birth_date.isoformat(),
                             "sex": p.sex} for p in citizen.members]}
    if scope == "recipient_certificate":  # 수급자 증명서; "해당 없음" with no benefit
        start = f"{citizen.tax_year}-01-01"
        benefits = [{"kind": k, "since": start, "until": None} for k in citizen.welfare_benefits]
        return {**base, "name": me.name, "rrn": me.rrn, "status": "수급 중" if benefits else "해당 없음",
                "issuer": "가상시 샘플구청", "benefits": benefits}
    if scope == "near_poverty_certificate":  # 차상위계층 확인서
        certified = citizen.near_poverty
        return {**base, "name": me.name, "rrn": me.rrn, "status": "차상위계층" if certified else "해당 없음",
                "issuer": "가상시 샘플구청", "certified": certified,
                **({"since": f"{citizen.tax_year}-01-01", "until": None} if certified else {})}
    if scope == "health_insurance":
        kind, since, workplace = citizen.insurance
        return {**base, "name": me.name, "rrn": me.rrn, "phone": citizen.phone, "subscriber_type": kind,
                "acquired_on": since.isoformat(), "lost_on": None, "workplace": workplace}
    members = []
    for p in citizen.members:
        items = citizen.incomes.get(p.relation, ()) if p.relation != "자녀" else ()
        if items:
            members.append({"relation": p.relation, "name": p.name, "rrn": p.rrn,
                            "items": [{"kind": k, "amount": a} for k, a in items], "total": sum(a for _, a in items)})
    return {**base, "tax_year": citizen.tax_year, "members": members}


# --- app ----------------------------------------------------------------------------------------------


class FaultRequest(BaseModel):
    """``PUT /sandbox/fault``."""

    mode: Literal["down", "slow", "garbage", "wrong_shape"]
    delay_s: float = Field(0.0, ge=0, le=60)
    scopes: list[str] = Field(default_factory=list, description="only record requests for these scopes (empty: all requests)")


def _oauth_error(status: int, error: str, description: str = "") -> JSONResponse:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def create_app(state: SandboxState | None = None) -> FastAPI:
    """Build the sandbox provider app (``app.state.sandbox`` is its :class:`SandboxState`)."""
    st = state or SandboxState()
    app = FastAPI(title="MyData provider sandbox (synthetic citizens)", version="0.1.0", description=__doc__)
    app.state.sandbox = st

    async def faulted(scope: str | None) -> Response | None:
        f = st.fault
        if f is None or (f.scopes and scope not in f.scopes):
            return None
        if f.mode == "down":
            return JSONResponse({"error": "temporarily_unavailable"}, status_code=503)
        if f.mode == "slow":
            await asyncio.sleep(f.delay_s)
            return None
        if f.mode == "garbage":
            return Response(b"<html><body>\xff\xfe upstream error</body></html>", status_code=200, media_type="text/html")
        return JSONResponse({"unexpected": [1, 2, 3]})

    def client_ok(client_id: str, client_secret: str | None) -> ClientRegistration | None:
        reg = st.clients.get(client_id)
        if reg is None or (client_secret is not None and not secrets.compare_digest(reg.secret, client_secret)):
            return None
        return reg

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "citizens": len(st.citizens), "scopes": list(SCOPES)}

    @app.get("/oauth/authorize", response_model=None)
    async def authorize(response_type: str = Query(...), client_id: str = Query(...), redirect_uri: str = Query(...),
                        scope: str = Query(...), state: str = Query(""), login_hint: str | None = Query(None),
                        decision: Literal["approve", "deny"] = Query("approve"),
                        expires_in: float | None = Query(None, gt=0)) -> Response:
        reg = st.clients.get(client_id)
        if reg is None or not redirect_allowed(reg.redirect_uri, redirect_uri):  # RFC 6749 §4.1.2.1: never redirect to an unverified URI
            return _oauth_error(400, "invalid_request", "unknown client or redirect_uri mismatch")

        def back(**params: str) -> RedirectResponse:
            return RedirectResponse(f"{redirect_uri}?{urlencode({**params, 'state': state})}", status_code=302)

        if response_type != "code":
            return back(error="unsupported_response_type")
        scopes = frozenset(scope.split())
        if not scopes or not scopes <= set(SCOPES):
            return back(error="invalid_scope")
        if login_hint is None:
            query = {"response_type": response_type, "client_id": client_id, "redirect_uri": redirect_uri,
                     "scope": scope, "state": state, **({"expires_in": str(expires_in)} if expires_in else {})}
            return login_page(query, sorted(scopes))
        if login_hint not in st.citizens:
            return back(error="access_denied", error_description="unknown test identity")
        if decision == "deny":
            return back(error="access_denied")
        code = secrets.token_urlsafe(24)
        ttl = min(st.token_ttl, expires_in) if expires_in else st.token_ttl
        with st.lock:
            st.codes[code] = _Grant(client_id, login_hint, scopes, st.clock() + st.code_ttl, redirect_uri, ttl)
        return back(code=code)

    def login_page(query: dict[str, str], scopes: list[str]) -> HTMLResponse:
        docs = ", ".join(SCOPES[s].document_ko for s in scopes)
        rows = "".join(
            f'<li>{escape(who)}: <a href="?{escape(urlencode({**query, "login_hint": who}))}">승인 (approve)</a> · '
            f'<a href="?{escape(urlencode({**query, "login_hint": who, "decision": "deny"}))}">거부 (deny)</a></li>'
            for who in sorted(st.citizens))
        return HTMLResponse(
            "<!doctype html><html lang=ko><meta charset=utf-8><title>MyData sandbox login</title>"
            "<h1>공공 마이데이터 샌드박스 로그인</h1><p>가상의 시민을 골라 로그인합니다 (synthetic citizens only; "
            f"pick one to log in). 요청된 서류: {escape(docs)}</p><ul>{rows}</ul></html>",
            headers={"Cache-Control": "no-store"})

    @app.post("/oauth/token", response_model=None)
    async def token(grant_type: str = Form(...), code: str = Form(...), redirect_uri: str = Form(...),
                    client_id: str = Form(...), client_secret: str = Form(...)) -> Response:
        st.token_requests += 1
        bad = await faulted(None)
        if bad is not None:
            return bad
        if client_ok(client_id, client_secret) is None:
            return _oauth_error(401, "invalid_client")
        if grant_type != "authorization_code":
            return _oauth_error(400, "unsupported_grant_type")
        with st.lock:
            g = st.codes.pop(code, None)  # single use, even when the rest fails
        if g is None or g.client_id != client_id or g.redirect_uri != redirect_uri or g.expires_at <= st.clock():
            return _oauth_error(400, "invalid_grant")
        access = secrets.token_urlsafe(32)
        with st.lock:
            st.tokens[access] = _Grant(client_id, g.identity, g.scopes, st.clock() + g.token_ttl)
        return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": int(g.token_ttl),
                             "scope": " ".join(sorted(g.scopes))}, headers={"Cache-Control": "no-store"})

    @app.post("/oauth/revoke", response_model=None)
    async def revoke(token: str = Form(...), client_id: str = Form(...), client_secret: str = Form(...)) -> Response:
        st.revoke_requests += 1
        bad = await faulted(None)
        if bad is not None:
            return bad
        if client_ok(client_id, client_secret) is None:
            return _oauth_error(401, "invalid_client")
        with st.lock:
            t = st.tokens.get(token)
            if t is not None and t.client_id == client_id:
                t.revoked = True
        return Response(status_code=200)  # RFC 7009 §2.2: 200 also for an unknown token

    @app.get("/records/{scope}", response_model=None)
    async def records(scope: str, authorization: str = Header("")) -> Response:
        st.record_requests[scope] += 1
        bad = await faulted(scope)
        if bad is not None:
            return bad
        challenge = 'Bearer realm="mydata-sandbox"'
        if not authorization.startswith("Bearer "):
            return JSONResponse({"error": "invalid_request"}, 401, headers={"WWW-Authenticate": challenge})
        t = st.tokens.get(authorization[7:].strip())
        if t is None or t.revoked or t.expires_at <= st.clock():
            return JSONResponse({"error": "invalid_token"}, 401,
                                headers={"WWW-Authenticate": challenge + ', error="invalid_token"'})
        if scope not in SCOPES:
            return JSONResponse({"error": "not_found"}, 404)
        if scope not in t.scopes:
            return JSONResponse({"error": "insufficient_scope", "scope": scope}, 403,
                                headers={"WWW-Authenticate": challenge + f', error="insufficient_scope", scope="{scope}"'})
        return JSONResponse(record(st.citizens[t.identity], scope, st.clock()))

    @app.get("/sandbox/citizens")
    async def citizens() -> list[str]:
        return sorted(st.citizens)

    @app.get("/sandbox/stats")
    async def stats() -> dict[str, Any]:
        return st.stats()

    @app.put("/sandbox/fault")
    async def set_fault(req: FaultRequest) -> dict[str, str]:
        st.fault = Fault(req.mode, req.delay_s, tuple(req.scopes))
        return {"fault": req.mode}

    @app.delete("/sandbox/fault")
    async def clear_fault() -> dict[str, None]:
        st.fault = None
        return {"fault": None}

    return app


def main(argv: list[str] | None = None) -> int:
    """``python -m connectors.mydata.sandbox [--host H] [--port N] [--client-id ID --client-secret S --redirect-uri U]``."""
    import uvicorn

    p = argparse.ArgumentParser(prog="python -m connectors.mydata.sandbox", description="MyData provider sandbox")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8002)
    p.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    p.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    p.add_argument("--redirect-uri", default=DEFAULT_REDIRECT_URI)
    p.add_argument("--token-ttl", type=float, default=3600.0, help="longest access-token lifetime in seconds")
    args = p.parse_args(argv)
    state = SandboxState(clients={args.client_id: ClientRegistration(args.client_secret, args.redirect_uri)},
                         token_ttl=args.token_ttl)
    uvicorn.run(create_app(state), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
