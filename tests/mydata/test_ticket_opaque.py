"""The MyData link's ticket is opaque and unforgeable (fresh-user report s7, defect 9).

The ticket used to be ``base64(JSON)`` + an HMAC: anyone who saw the link (a screenshot, the history) could read
the conversation id in it and poll ``/webhooks/rest/pending?sender=<id>`` for that conversation's pushed
messages. These tests decode the ticket every way base64 allows and look for the ids; alter it, let it expire,
replay it, and use one conversation's ticket against another's consent, through the real flow routes and the
sandbox provider.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mydata_helpers import T0, FakeClock  # type: ignore[import-not-found]

from assistant.errors import InvalidInputError
from connectors.mydata.api import FLOW_COOKIE, create_flow_router
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.sandbox import SandboxState
from connectors.mydata.ticket import TICKET_TTL_S, ExpiredTicketError, Ticket, sign, verify

KEY = b"test-ticket-key-0123456789"
SENDER_A, SENDER_B = "widget-alice-7f3a9c", "widget-bob-52e1d0"


def _decodings(token: str) -> list[bytes]:
    """Every base64 / base64url decoding of the token and of each ``.``-separated part, at each of the 4 offsets."""
    out = [token.encode()]
    for part in [token, *token.split(".")]:
        for off in range(4):
            s = part[off:]
            s = s + "=" * (-len(s) % 4)
            for dec in (base64.urlsafe_b64decode, base64.b64decode):
                try:
                    out.append(dec(s))
                except (binascii.Error, ValueError):
                    pass
    return out


class TestTicketFormat:
    def test_ids_not_decodable_and_round_trip(self) -> None:
        t = Ticket("consent-1234abcd", SENDER_A, T0 + 600)
        token = sign(t, KEY)
        assert re.fullmatch(r"[A-Za-z0-9_\-]+", token), token  # fits in a URL query without escaping
        for raw in _decodings(token):
            for secret in (SENDER_A, "alice", "consent-1234abcd", "1234abcd"):
                assert secret.encode() not in raw, (secret, raw)
        assert verify(token, KEY, T0) == t
        assert sign(t, KEY) != token  # random IV: two links of one consent differ

    @pytest.mark.parametrize("pos", [0, 10, 40, -5, -1])
    def test_altered_ticket_refused(self, pos: int) -> None:
        token = sign(Ticket("c1", SENDER_A, T0 + 600), KEY)
        i = pos % len(token)
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        # a character that changes the decoded bytes (the last character's low bits can be padding, so move far)
        swapped = alphabet[(alphabet.index(token[i]) + 32) % 64]
        forged = token[:i] + swapped + token[i + 1:]
        with pytest.raises(InvalidInputError) as e:
            verify(forged, KEY, T0)
        assert not isinstance(e.value, ExpiredTicketError) and forged not in str(e.value)

    @pytest.mark.parametrize("token", ["", "garbage", "a.b", "한글티켓", "=" * 8, "x" * 2000])
    def test_malformed_refused(self, token: str) -> None:
        with pytest.raises(InvalidInputError):
            verify(token, KEY, T0)

    def test_other_key_refused(self) -> None:
        with pytest.raises(InvalidInputError):
            verify(sign(Ticket("c1", SENDER_A, T0 + 600), b"another-deployment"), KEY, T0)

    def test_expiry_is_exact(self) -> None:
        token = sign(Ticket("c1", SENDER_A, T0 + 600), KEY)
        assert verify(token, KEY, T0 + 599).consent_id == "c1"
        with pytest.raises(ExpiredTicketError):
            verify(token, KEY, T0 + 600)


@pytest.fixture
def flow(connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> Iterator[tuple[TestClient, list[tuple[str, str]]]]:
    """A browser on the flow routes; the conversations it continues are recorded as (sender, intent)."""
    continued: list[tuple[str, str]] = []

    def continue_conversation(sender: str, intent: str) -> list[str]:
        continued.append((sender, intent))
        return [f"continued {intent}"]

    app = FastAPI()
    app.include_router(create_flow_router(connector, KEY, continue_conversation), prefix="/mydata")
    with TestClient(app) as client:
        yield client, continued


def _consent(connector: MyDataConnector, sender: str) -> str:
    return connector.request_consent(sender, ["income"], "eligibility_check", dt.timedelta(days=1)).id


def _approve_at_sandbox(client: TestClient, ticket: str, sandbox_url: str) -> httpx.Response:
    """Open the link, approve at the sandbox as sandbox-01, follow the redirect to our callback."""
    r = client.get("/mydata/authorize", params={"ticket": ticket}, follow_redirects=False)
    assert r.status_code == 302, r.text
    provider = r.headers["location"]
    page = httpx.get(provider)
    href = next(h.replace("&amp;", "&") for h in re.findall(r'href="\?([^"]+)"', page.text)
                if "login_hint=sandbox-01" in h and "decision=deny" not in h)
    back = httpx.get(provider.split("?")[0] + "?" + href, follow_redirects=False)
    cb = urlsplit(back.headers["location"])
    return client.get(f"{cb.path}?{cb.query}")


class TestFlowWithOpaqueTickets:
    def test_tampered_or_expired_link_fetches_nothing(self, flow: tuple[TestClient, list[tuple[str, str]]],
                                                      connector: MyDataConnector, sandbox: tuple[str, SandboxState],
                                                      clock: FakeClock) -> None:
        client, continued = flow
        cid = _consent(connector, SENDER_A)
        good = sign(Ticket(cid, SENDER_A, T0 + TICKET_TTL_S), KEY)
        tampered = good[:20] + ("A" if good[20] != "A" else "B") + good[21:]
        assert client.get("/mydata/authorize", params={"ticket": tampered}, follow_redirects=False).status_code == 400
        client.cookies.set(FLOW_COOKIE, tampered, path="/mydata")
        assert client.get(f"/mydata/callback?code=x&state={cid}").status_code == 400
        clock.now = T0 + TICKET_TTL_S
        assert client.get("/mydata/authorize", params={"ticket": good}, follow_redirects=False).status_code == 400
        client.cookies.set(FLOW_COOKIE, good, path="/mydata")
        assert client.get(f"/mydata/callback?code=x&state={cid}").status_code == 400
        assert continued == [] and sandbox[1].stats()["token_requests"] == 0
        assert connector.get_consent(cid).stored_status == "pending"

    def test_a_ticket_reaches_only_its_own_conversation_and_only_once(
            self, flow: tuple[TestClient, list[tuple[str, str]]], connector: MyDataConnector,
            sandbox: tuple[str, SandboxState]) -> None:
        client, continued = flow
        cid_a, cid_b = _consent(connector, SENDER_A), _consent(connector, SENDER_B)
        ticket_b = sign(Ticket(cid_b, SENDER_B, T0 + TICKET_TTL_S), KEY)
        # B's ticket in the cookie, A's consent in the provider's state: refused, A untouched
        client.get("/mydata/authorize", params={"ticket": ticket_b}, follow_redirects=False)
        assert client.get(f"/mydata/callback?code=x&state={cid_a}").status_code == 400
        assert continued == [] and connector.get_consent(cid_a).stored_status == "pending"
        # B's ticket completes B's consent and continues B's conversation, never A's
        r = _approve_at_sandbox(client, ticket_b, sandbox[0])
        assert r.status_code == 200 and "continued mydata_granted" in r.text
        assert continued == [(SENDER_B, "mydata_granted")]
        assert connector.get_consent(cid_b).stored_status == "active"
        assert connector.get_consent(cid_a).stored_status == "pending"
        tokens = sandbox[1].stats()["token_requests"]
        # replaying the same link: the consent is no longer pending, nothing more happens
        assert client.get("/mydata/authorize", params={"ticket": ticket_b}, follow_redirects=False).status_code == 409
        client.cookies.set(FLOW_COOKIE, ticket_b, path="/mydata")
        assert client.get(f"/mydata/callback?code=replayed&state={cid_b}").status_code == 409
        assert continued == [(SENDER_B, "mydata_granted")] and sandbox[1].stats()["token_requests"] == tokens
