"""The REST channel's length limits: the message is measured in characters once decoded (``max_message_chars``),
whatever the client's JSON escaping; the raw body cap only guards the parser and is larger than any message within
the limit can take (assistant/channels/rest.py ``max_body_bytes``).

A body written with ASCII escapes (Python's ``json.dumps`` default: "\\uac00" for 가, 6 bytes; an emoji as a
surrogate pair, 12 bytes) used to be refused by its bytes (64 KiB) although the message was within, or only a little
over, the character limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.channels.rest import max_body_bytes
from assistant.server.app import create_app

URL = "/webhooks/rest/webhook"
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("limit", [1, 500, 4000, 12_000, 30_000, 100_000])
@pytest.mark.parametrize("char", ["가", "a", "😀", "\u200b", '"'])
def test_the_worst_written_body_within_the_limit_fits_the_cap(limit: int, char: str) -> None:
    """The longest body a client can send for a message at the limit: every character escaped, the longest sender
    and message id, some metadata."""
    body = json.dumps({"sender": "😀" * 200, "message": char * limit, "message_id": "😀" * 255,
                       "metadata": {"filters": {"agency": ["보건복지부", "서울특별시"], "language": "ko", "on_date": "2026-01-01"}}},
                      ensure_ascii=True).encode()
    assert len(body) <= max_body_bytes(limit)


@pytest.fixture(scope="module")
def client(bundled_settings: Any, bundled_router: Any) -> Iterator[TestClient]:
    with TestClient(create_app(bundled_settings, router=bundled_router)) as c:
        yield c


def test_an_escaped_message_over_the_limit_is_told_its_characters_not_its_bytes(client: TestClient) -> None:
    """The fresh-user report's case: a 15,018-character paste sent ASCII-escaped (about 90 KB)."""
    text = ("기초연금 신청 자격이 궁금합니다. " * 900)[:15_018]
    body = json.dumps({"sender": "u-esc", "message": text}).encode()  # ensure_ascii: "\uXXXX"
    assert len(body) > 64 * 1024 and len(text) == 15_018
    r = client.post(URL, content=body, headers=JSON)
    assert r.status_code == 413
    detail = r.json()["detail"]
    assert "15018자" in detail and "15018 characters" in detail and "바이트" not in detail
    assert client.get("/health").status_code == 200


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_an_escaped_message_within_the_limit_is_answered(client: TestClient, bundled_settings: Any, ensure_ascii: bool) -> None:
    text = ("집주인이 보증금 문제로 또 편지를 보냈어요. " * 200)[:3_950] + " 전세임대주택 지원 받을 수 있나요?"
    assert len(text) <= bundled_settings.max_message_chars
    body = json.dumps({"sender": f"u-ok-{ensure_ascii}", "message": text}, ensure_ascii=ensure_ascii).encode()
    r = client.post(URL, content=body, headers=JSON)
    assert r.status_code == 200 and r.json()[0]["text"]


def test_a_larger_message_limit_raises_the_body_cap(bundled_settings: Any, bundled_router: Any) -> None:
    """With ``max_message_chars`` 25,000, a message of 22,000 emoji written as surrogate-pair escapes (264 KB, over
    the 256 KiB floor) is within the limit and parsed; 25,001 is refused for its characters."""
    settings = bundled_settings.model_copy(update={"max_message_chars": 25_000})
    with TestClient(create_app(settings, router=bundled_router)) as c:
        body = json.dumps({"text": "😀" * 22_000}).encode()
        assert len(body) > 256 * 1024
        r = c.post("/model/parse", content=body, headers=JSON)
        assert r.status_code == 200, r.text
        assert r.json()["text"] == "😀" * 22_000
        over = c.post("/model/parse", content=json.dumps({"text": "😀" * 25_001}).encode(), headers=JSON)
        assert over.status_code == 413 and "25001 characters" in over.json()["detail"]
        huge = c.post("/model/parse", content=json.dumps({"text": "😀" * 40_000}).encode(), headers=JSON)
        assert huge.status_code == 413 and f"{max_body_bytes(25_000)}바이트" in huge.json()["detail"]
