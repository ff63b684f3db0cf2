"""The real app with the KakaoTalk, phone and Telegram channels configured, shared by this folder's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.server.app import create_app
from channel_helpers import KAKAO_SECRET, TELEGRAM_SECRET, TWILIO_TOKEN


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
