"""Helpers for the MyData tests: the tests' clock and a provider client (imported by name, never from conftest)."""

from __future__ import annotations

from connectors.mydata.client import MyDataProviderClient
from connectors.mydata.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI

#: 2026-03-14 12:00 KST (03:00 UTC): the default "now" of the tests.
T0 = 1773457200.0


class FakeClock:
    """Epoch seconds that only move when a test moves them."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_client(url: str, **kw: object) -> MyDataProviderClient:
    opts: dict[str, object] = {"timeout": 1.0, "retries": 2, "backoff": 0.01, "breaker_fail_max": 50, "breaker_reset_s": 0.5}
    opts.update(kw)
    return MyDataProviderClient(url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, **opts)  # type: ignore[arg-type]
