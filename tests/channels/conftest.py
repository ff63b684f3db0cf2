"""The real app with the KakaoTalk, phone and Telegram channels configured, shared by this folder's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.server.app import create_app

KAKAO_SECRET = "kakao-skill-secret-0123456789"
TWILIO_TOKEN = "twilio-auth-token-abcdef"
TELEGRAM_SECRET = "telegram_secret-token_0123456789"


@pytest.fixture(scope="module")
def channel_settings(bundled_settings: Any) -> Any:
    """The bundled assistant's settings with each channel's secret set."""
    return bundled_settings.model_copy(update={"kakao_skill_secret": KAKAO_SECRET, "twilio_auth_token": TWILIO_TOKEN,
                                               "telegram_secret_token": TELEGRAM_SECRET})


@pytest.fixture(scope="module")
def client(channel_settings: Any, bundled_router: Any) -> Iterator[TestClient]:
    """The real app (lifespan run) over the bundled router, every channel configured."""
    with TestClient(create_app(channel_settings, router=bundled_router)) as c:
        yield c


def rest_reply(client: TestClient, sender: str, text: str) -> list[dict[str, Any]]:
    """What the REST channel answers ``text`` in a fresh conversation ``sender`` (the reference rendering)."""
    r = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert r.status_code == 200, r.text
    out: list[dict[str, Any]] = r.json()
    return out
