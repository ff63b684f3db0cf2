"""The alerts API's admin token and the REST callback allow-list (server-side request forgery guard).

Each refusal is checked where it matters: at subscribe time (422, nothing stored) and at delivery time (the
notifier makes no request at all, even for a URL stored before the rules tightened or whose DNS changed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.errors import InvalidConfigError
from assistant.settings import Settings
from connectors.alerts.callbacks import CallbackNotAllowedError, CallbackPolicy, resolve_host
from connectors.alerts.engine import AlertEngine
from connectors.alerts.notifiers import RestCallbackNotifier, WidgetInboxNotifier
from connectors.alerts.service import create_app
from connectors.alerts.store import AlertStore

CONSENT = {"granted": True, "text": "새로 받을 수 있는 혜택이 생기면 알려 드립니다.", "purpose": "benefit alerts"}
PUBLIC = "93.184.215.14"  # a public (global) address; nothing connects to it in these tests

# A fixed DNS table: what each test host "resolves" to.
DNS: dict[str, list[str]] = {
    "hooks.example.org": [PUBLIC],
    "a.example.org": [PUBLIC],
    "internal.agency.test": ["10.20.0.7"],
    "meta.agency.test": ["169.254.169.254"],
    "v6meta.agency.test": ["fd00:ec2::254"],
    "mixed.example.org": [PUBLIC, "192.168.0.10"],
    "loop.example.org": ["127.0.0.1"],
    "mapped.example.org": ["::ffff:127.0.0.1"],
    "cgnat.example.org": ["100.100.100.200"],
}


def table(host: str, port: int) -> list[str]:
    if host not in DNS:
        raise OSError(f"{host} does not resolve")
    return DNS[host]


class Evaluator:
    """Eligibility stand-in: every subscriber is eligible for S1 (enough for subscribe's baseline)."""

    def version(self) -> str:
        return "v1"

    def eligible(self, facts: Any) -> tuple[str, dict[str, dict[str, Any]]]:
        return "v1", {"S1": {"service_id": "S1", "service_name": "서비스 S1", "sources": []}}


class Recorder:
    """An httpx transport that records every request and answers 200."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return httpx.Response(200, json={"ok": True})

        return httpx.MockTransport(handler)


def make_engine(tmp_path: Path, policy: CallbackPolicy, recorder: Recorder) -> AlertEngine:
    store = AlertStore(f"sqlite:///{tmp_path / 'alerts.db'}")
    rest = RestCallbackNotifier(timeout=1, retries=1, backoff=0.0, transport=recorder.transport(), policy=policy)
    return AlertEngine(store, Evaluator(), {"rest": rest, "widget": WidgetInboxNotifier()}, retry_delay=0.0)


# --- the policy ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("file:///etc/passwd", "http\\(s\\) URL"),
        ("ftp://hooks.example.org/x", "scheme 'ftp'"),
        ("gopher://hooks.example.org:70/_x", "scheme 'gopher'"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("http://user:pw@hooks.example.org/hook", "user name or password"),
        ("http://user@hooks.example.org/hook", "user name or password"),
        ("http:///no-host", "needs a host"),
        ("http://hooks.example.org:99999/", "port"),
        ("http://hooks.example.org/a b", "without spaces"),
        ("http://evil.example.net/hook", "'evil.example.net' is not allowed"),
        ("http://evilexample.org/hook", "not allowed"),  # "*.example.org" is a suffix with its dot
        ("http://10.20.0.7/hook", "not allowed"),  # an IP literal outside the listed networks
        ("http://meta.agency.test/latest/meta-data", "169.254.169.254"),  # named, but link-local
        ("http://v6meta.agency.test/", "fd00:ec2::254"),  # named, but a metadata address
        ("http://loop.example.org/", "127.0.0.1"),  # named, but loopback
        ("http://mapped.example.org/", "127.0.0.1"),  # IPv4-mapped IPv6 is read as its IPv4 address
        ("http://unknown.example.org/", "does not resolve"),
    ],
)
def test_policy_refusals(url: str, fragment: str) -> None:
    policy = CallbackPolicy(["hooks.example.org", "*.example.org", "internal.agency.test", "meta.agency.test",
                             "v6meta.agency.test", "loop.example.org", "mapped.example.org"],
                            allow_loopback=False, resolve=table)
    with pytest.raises(CallbackNotAllowedError, match=fragment):
        policy.check(url)


@pytest.mark.parametrize(
    ("entries", "url", "addresses"),
    [
        (["hooks.example.org"], "https://hooks.example.org/alerts?x=1", (PUBLIC,)),
        (["HOOKS.example.org."], "https://hooks.example.org./alerts", (PUBLIC,)),  # case and a trailing dot
        (["*.example.org"], "http://a.example.org:8443/x", (PUBLIC,)),
        (["internal.agency.test"], "http://internal.agency.test/hook", ("10.20.0.7",)),  # named: private is fine
        (["*", "10.20.0.0/16"], "http://10.20.0.9/hook", ("10.20.0.9",)),  # a listed network
        (["*"], f"http://{PUBLIC}/hook", (PUBLIC,)),
    ],
)
def test_policy_allows(entries: list[str], url: str, addresses: tuple[str, ...]) -> None:
    checked = CallbackPolicy(entries, allow_loopback=False, resolve=table).check(url)
    assert checked.addresses == addresses


@pytest.mark.parametrize("host", ["internal.agency.test", "mixed.example.org", "cgnat.example.org", "meta.agency.test"])
def test_wildcards_never_reach_private_addresses(host: str) -> None:
    """``*`` and ``*.suffix`` allow names, not addresses: one private address among several refuses the host."""
    policy = CallbackPolicy(["*", "*.agency.test"], allow_loopback=False, resolve=table)
    ip = table(host, 80)[-1]
    with pytest.raises(CallbackNotAllowedError, match=f"resolves to {ip}"):
        policy.check(f"http://{host}/hook")


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "localhost", "[::1]", "0.0.0.0"])
def test_numeric_and_loopback_spellings_are_refused_with_the_real_resolver(host: str) -> None:
    """Odd spellings of 127.0.0.1 resolve (getaddrinfo, no network needed) to loopback and are refused."""
    try:
        resolve_host(host.strip("[]"), 80)
    except OSError:
        pytest.skip(f"this resolver does not accept {host!r}")
    with pytest.raises(CallbackNotAllowedError):
        CallbackPolicy(["*"], allow_loopback=False).check(f"http://{host}:8000/conversations/x/tracker")


def test_loopback_only_in_development() -> None:
    dev = CallbackPolicy.from_settings(Settings(host="127.0.0.1"), resolve=lambda h, p: ["127.0.0.1"])
    assert dev.check("http://127.0.0.1:9000/hook").addresses == ("127.0.0.1",)
    assert dev.check("http://localhost:9000/hook").addresses == ("127.0.0.1",)
    with pytest.raises(CallbackNotAllowedError, match="not allowed"):
        dev.check("http://hooks.example.org/hook")  # nothing else is allowed by default
    prod = CallbackPolicy.from_settings(Settings(host="0.0.0.0"))
    for url in ("http://127.0.0.1:9000/hook", "http://localhost:9000/hook"):
        with pytest.raises(CallbackNotAllowedError, match="not allowed"):
            prod.check(url)


def test_settings_read_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ALERT_CALLBACK_HOSTS", " hooks.example.org, *.agency.test ,10.0.0.0/8")
    assert Settings().alert_callback_hosts == ["hooks.example.org", "*.agency.test", "10.0.0.0/8"]
    monkeypatch.delenv("ASSISTANT_ALERT_CALLBACK_HOSTS")
    assert Settings().alert_callback_hosts == []


@pytest.mark.parametrize("entry", ["https://hooks.example.org", "hooks.example.org:443", "hooks.example.org/x", "a b"])
def test_bad_allow_list_entries_are_config_errors(entry: str) -> None:
    with pytest.raises(InvalidConfigError, match="ASSISTANT_ALERT_CALLBACK_HOSTS entry"):
        CallbackPolicy([entry])


# --- the HTTP API ------------------------------------------------------------------------------------------


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def engine(tmp_path: Path, recorder: Recorder) -> Iterator[AlertEngine]:
    eng = make_engine(tmp_path, CallbackPolicy(["hooks.example.org"], allow_loopback=False, resolve=table), recorder)
    yield eng
    eng.store.db.dispose()


def body(address: str, subscriber: str = "c1") -> dict[str, Any]:
    return {"subscriber_id": subscriber, "channel": "rest", "address": address, "facts": {"age": 70}, "consent": CONSENT}


class TestApi:
    TOKEN = "alerts-admin-token-0123456789"

    def client(self, engine: AlertEngine, **settings: Any) -> TestClient:
        return TestClient(create_app(Settings(**settings), engine=engine))

    def test_no_token_is_401_and_nothing_is_stored(self, engine: AlertEngine) -> None:
        c = self.client(engine, api_token=self.TOKEN, host="0.0.0.0")
        ok = body("https://hooks.example.org/alerts")
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": self.TOKEN}):
            r = c.post("/subscriptions", json=ok, headers=headers)
            assert r.status_code == 401 and r.json()["error"] == "unauthorized", r.text
            assert r.headers["www-authenticate"] == "Bearer"
        for method, path in [("GET", "/subscriptions/c1"), ("DELETE", "/subscriptions/c1"), ("PUT", "/subscriptions/c1/facts"),
                             ("GET", "/alerts/c1/pending"), ("POST", "/run")]:
            assert c.request(method, path, json={"age": 3}).status_code == 401, (method, path)
        assert engine.store.all() == []

    def test_without_a_configured_token_a_public_bind_is_403(self, engine: AlertEngine) -> None:
        r = self.client(engine, api_token=None, host="0.0.0.0").post("/subscriptions", json=body("https://hooks.example.org/a"))
        assert r.status_code == 403 and "ASSISTANT_API_TOKEN" in r.json()["detail"]
        assert engine.store.all() == []

    def test_allowed_callback_is_201(self, engine: AlertEngine) -> None:
        c = self.client(engine, api_token=self.TOKEN, host="0.0.0.0")
        r = c.post("/subscriptions", json=body("https://hooks.example.org/alerts"), headers={"Authorization": f"Bearer {self.TOKEN}"})
        assert r.status_code == 201, r.text
        assert r.json()["address"] == "https://hooks.example.org/alerts"
        assert c.get("/subscriptions/c1", params={"token": self.TOKEN}).status_code == 200  # Rasa's ?token= works too

    @pytest.mark.parametrize("address", ["http://evil.example.net/hook", "http://169.254.169.254/latest/meta-data/",
                                         "http://127.0.0.1:8000/conversations/x/tracker", "file:///etc/passwd",
                                         "http://u:p@hooks.example.org/alerts"])
    def test_disallowed_callback_is_422(self, engine: AlertEngine, address: str) -> None:
        c = self.client(engine, api_token=self.TOKEN, host="0.0.0.0")
        r = c.post("/subscriptions", json=body(address), headers={"Authorization": f"Bearer {self.TOKEN}"})
        assert r.status_code == 422 and r.json()["error"] == "callback_not_allowed", r.text
        assert engine.store.all() == []


# --- delivery re-checks ---------------------------------------------------------------------------------------


def _pending(engine: AlertEngine, subscriber: str, address: str) -> int:
    """A stored subscription with ``address`` and one pending notification, written straight to the store
    (as if from before the allow-list existed)."""
    engine.store.upsert(subscriber, "rest", address, {"age": 70}, None, CONSENT["text"], CONSENT["purpose"])
    nid = engine.store.record_evaluation(engine.store.get(subscriber), "v1", "h", ["S1"], {"type": "new_eligible_services"})
    assert nid is not None
    return nid


@pytest.mark.parametrize("address", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/admin",
                                     "http://evil.example.net/hook", "gopher://hooks.example.org/"])
def test_a_stored_disallowed_url_is_never_called(engine: AlertEngine, recorder: Recorder, address: str) -> None:
    _pending(engine, "old", address)
    delivered, failed, gave_up = engine.deliver_due()
    assert recorder.requests == [] and (delivered, failed, gave_up) == (0, 0, 1)
    [note] = engine.store.notifications("old")
    assert note.status == "failed" and "callback not sent" in (note.last_error or "")
    assert engine.deliver_due() == (0, 0, 0) and recorder.requests == []  # given up: not retried


def test_a_host_whose_dns_changed_is_not_called(engine: AlertEngine, recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Allowed at subscribe time; by delivery the name points inside the network (DNS rebinding)."""
    engine.subscribe("c2", "rest", "https://hooks.example.org/alerts", CONSENT, {"age": 70})
    _pending(engine, "c2", "https://hooks.example.org/alerts")
    monkeypatch.setitem(DNS, "hooks.example.org", ["127.0.0.1"])
    assert engine.deliver_due() == (0, 0, 1) and recorder.requests == []


def test_an_allowed_callback_goes_to_the_checked_address(engine: AlertEngine, recorder: Recorder) -> None:
    _pending(engine, "c3", "https://hooks.example.org:8443/alerts?v=1")
    assert engine.deliver_due() == (1, 0, 0)
    [req] = recorder.requests
    assert (req.url.host, req.url.port, req.url.path, req.url.query) == (PUBLIC, 8443, "/alerts", b"v=1")
    assert req.headers["host"] == "hooks.example.org:8443"
    assert req.extensions["sni_hostname"] == "hooks.example.org"  # TLS checks the certificate of the name
    assert engine.store.notifications("c3")[0].status == "delivered"
