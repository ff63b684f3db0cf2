"""The sandbox's OAuth2 protocol over raw HTTP (what a production provider must also do), its synthetic
citizens, starting it alone, and: personal data never reaches the logs."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from assistant.errors import ConnectorUnavailable
from assistant.logging_config import configure_logging
from tests.dbservers import stop_process
from connectors.mydata.citizens import CITIZENS, _fixed, _generated
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, Fault, SandboxState
from connectors.mydata.scopes import ConsentError

from mydata_helpers import T0, FakeClock  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parents[2]


class TestSyntheticCitizens:
    def test_twenty_deterministic_and_clearly_synthetic(self) -> None:
        assert len(CITIZENS) == 21  # 20, and sandbox-21 (a 차상위계층 household) from s7
        assert _fixed() + _generated(18) == list(CITIZENS.values())  # same on every build
        rrns = [p.rrn for c in CITIZENS.values() for p in c.members]
        assert len(set(rrns)) == len(rrns)
        for c in CITIZENS.values():
            assert re.fullmatch(r"010-0000-\d{4}", c.phone) and c.address.startswith("가상시 ")
            for p in c.members:
                assert re.fullmatch(r"\d{6}-[1-4]0000\d{2}", p.rrn)
                assert p.rrn[:6] == p.birth_date.strftime("%y%m%d")
                assert int(p.rrn[7]) % 2 == (1 if p.sex == "male" else 0)
                assert (int(p.rrn[7]) >= 3) == (p.birth_date.year >= 2000)
        kinds = {len(c.members) for c in CITIZENS.values()}
        assert 1 in kinds and max(kinds) >= 4


def _authorize(url: str, scope: str, who: str = "sandbox-01", **extra: str) -> httpx.Response:
    params = {"response_type": "code", "client_id": DEFAULT_CLIENT_ID, "redirect_uri": DEFAULT_REDIRECT_URI,
              "scope": scope, "state": "s1", "login_hint": who, **extra}
    return httpx.get(f"{url}/oauth/authorize", params=params)


def _code(url: str, scope: str, **extra: str) -> str:
    r = _authorize(url, scope, **extra)
    assert r.status_code == 302
    q = parse_qs(urlsplit(r.headers["location"]).query)
    assert q["state"] == ["s1"]
    return q["code"][0]


def _token(url: str, code: str, secret: str = DEFAULT_CLIENT_SECRET) -> httpx.Response:
    return httpx.post(f"{url}/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                                  "redirect_uri": DEFAULT_REDIRECT_URI, "client_id": DEFAULT_CLIENT_ID,
                                                  "client_secret": secret})


class TestOAuthProtocol:
    def test_code_token_records(self, sandbox: tuple[str, SandboxState], clock: FakeClock) -> None:
        url, state = sandbox
        code = _code(url, "income resident_registration")
        assert _token(url, code, secret="wrong").status_code == 401  # invalid_client, and the code is spent
        code = _code(url, "income resident_registration")
        r = _token(url, code)
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        tok = r.json()
        assert (tok["token_type"], tok["scope"], tok["expires_in"]) == ("Bearer", "income resident_registration", 3600)
        assert _token(url, code).json() == {"error": "invalid_grant"}  # single use
        auth = {"Authorization": f"Bearer {tok['access_token']}"}
        rec = httpx.get(f"{url}/records/resident_registration", headers=auth).json()
        assert rec["synthetic"] is True and [m["relation"] for m in rec["members"]] == ["본인", "배우자", "자녀", "자녀"]
        assert httpx.get(f"{url}/records/income", headers=auth).json()["tax_year"] == 2025
        denied = httpx.get(f"{url}/records/health_insurance", headers=auth)
        assert denied.status_code == 403 and 'error="insufficient_scope"' in denied.headers["www-authenticate"]
        assert httpx.get(f"{url}/records/income").status_code == 401
        clock.now = T0 + 3600
        expired = httpx.get(f"{url}/records/income", headers=auth)
        assert expired.status_code == 401 and expired.json() == {"error": "invalid_token"}
        assert state.stats()["by_scope"] == {"resident_registration": 1, "income": 3, "health_insurance": 1}

    def test_revoked_token_and_expired_code(self, sandbox: tuple[str, SandboxState], clock: FakeClock) -> None:
        url, _ = sandbox
        tok = _token(url, _code(url, "income")).json()["access_token"]
        form = {"token": tok, "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}
        assert httpx.post(f"{url}/oauth/revoke", data=form).status_code == 200
        assert httpx.get(f"{url}/records/income", headers={"Authorization": f"Bearer {tok}"}).status_code == 401
        code = _code(url, "income")
        clock.now = T0 + 301  # codes live 300 s
        assert _token(url, code).json() == {"error": "invalid_grant"}

    def test_authorize_errors(self, sandbox: tuple[str, SandboxState]) -> None:
        url, _ = sandbox
        assert _authorize(url, "income", redirect_uri="http://evil.example/cb").status_code == 400  # never redirected
        for extra, error in ((("scope", "passport"),), "invalid_scope"), ((("decision", "deny"),), "access_denied"), \
                ((("login_hint", "nobody"),), "access_denied"):
            params = dict(extra)
            r = _authorize(url, params.pop("scope", "income"), who=params.pop("login_hint", "sandbox-01"), **params)
            assert r.status_code == 302 and parse_qs(urlsplit(r.headers["location"]).query)["error"] == [error]

    def test_expires_in_caps_the_token(self, sandbox: tuple[str, SandboxState]) -> None:
        url, _ = sandbox
        assert _token(url, _code(url, "income", expires_in="120")).json()["expires_in"] == 120


def test_sandbox_starts_alone(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "connectors.mydata.sandbox", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        assert r.json() == {"status": "ok", "citizens": 21, "scopes": ["resident_registration", "health_insurance", "income",
                                                                         "recipient_certificate", "near_poverty_certificate"]}
        assert len(httpx.get(f"http://127.0.0.1:{port}/sandbox/citizens").json()) == 21
        # s45 probe: run alone, it refused the callback of an assistant on its default port (it needed
        # --redirect-uri with the port); a loopback redirect URI is accepted at any port (RFC 8252 §7.3)
        from assistant.settings import Settings

        callback = Settings(home=tmp_path).mydata_callback_url
        assert urlsplit(callback).port is not None and urlsplit(callback).hostname == "127.0.0.1"
        url = f"http://127.0.0.1:{port}"
        code = parse_qs(urlsplit(_authorize(url, "income", redirect_uri=callback).headers["location"]).query)["code"][0]
        token = httpx.post(f"{url}/oauth/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": callback,
                                                       "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET})
        assert token.status_code == 200 and token.json()["scope"] == "income"
        other_path = callback.replace("/mydata/callback", "/elsewhere")
        assert _authorize(url, "income", redirect_uri=other_path).status_code == 400  # only the registered path
    finally:
        stop_process(proc, 10)


@pytest.fixture(params=["text", "json"])
def captured_logs(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    buf = io.StringIO()
    configure_logging(verbose=True, fmt=request.param, stream=buf)
    yield buf
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in saved[0]:
        root.addHandler(h)
    root.setLevel(saved[1])


def test_personal_data_never_logged(captured_logs: io.StringIO, connector: MyDataConnector, sandbox: tuple[str, SandboxState],
                                    clock: FakeClock) -> None:
    """The whole flow at DEBUG, with failures (garbage, 401, out of scope, expiry), through the masking handler:
    no RRN, phone, address, name or birth date of any household member, and no token, appears in the output."""
    tokens = []
    for who in ("sandbox-01", "sandbox-02", "sandbox-05"):
        pending = connector.request_consent(f"conv-{who}", ["resident_registration", "health_insurance", "income"],
                                            "eligibility_check", dt.timedelta(hours=1))
        cid = connector.grant(pending.id, test_identity=who).id
        tokens.append(connector.get_consent(cid).access_token)
        connector.fetch(cid)
        connector.facts(cid)
        sandbox[1].fault = Fault("wrong_shape")
        with pytest.raises(ConnectorUnavailable):
            connector.fetch(cid)
        sandbox[1].fault = None
        connector.revoke(cid)
        with pytest.raises(ConsentError):
            connector.fetch(cid)
    out = captured_logs.getvalue()
    assert "mydata fetch ok" in out and "mydata revoke ok" in out  # the capture saw the connector's lines
    secrets = [t for t in tokens if t]
    for who in ("sandbox-01", "sandbox-02", "sandbox-05"):
        c = CITIZENS[who]
        secrets += [c.address, c.phone, c.address.split(",")[0]]
        for p in c.members:
            secrets += [p.rrn, p.rrn.replace("-", ""), p.name, p.birth_date.isoformat()]
    leaked = [s for s in secrets if s in out]
    assert leaked == []
