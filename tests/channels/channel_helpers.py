"""Secrets and the reference REST call shared by the channel tests (imported by name, not from conftest)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

KAKAO_SECRET = "kakao-skill-secret-0123456789"
TWILIO_TOKEN = "twilio-auth-token-abcdef"
TELEGRAM_SECRET = "telegram_secret-token_0123456789"


def rest_reply(client: TestClient, sender: str, text: str) -> list[dict[str, Any]]:
    """What the REST channel answers ``text`` in a fresh conversation ``sender`` (the reference rendering)."""
    r = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert r.status_code == 200, r.text
    out: list[dict[str, Any]] = r.json()
    return out
