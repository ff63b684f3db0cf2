"""What a citizen sees when the server refuses a message: polite and bilingual (Korean first), with the numbers.

A message over the 64 KiB body limit used to get ``request body is 69137 bytes; the limit is 65536`` (English, technical)
while one over the character limit got a bilingual ``메시지가 너무 길어요 ... / The message has ...``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.server.app import MAX_BODY_BYTES, create_app

URL = "/webhooks/rest/webhook"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def client(bundled_settings, bundled_router) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(bundled_settings, router=bundled_router)) as c:
        yield c


def _korean_then_english(detail: str) -> tuple[str, str]:
    ko, sep, en = detail.partition(" / ")
    assert sep, f"not bilingual: {detail!r}"
    assert HANGUL.search(ko) and not HANGUL.search(en), detail
    return ko, en


@pytest.mark.parametrize("chars", [(MAX_BODY_BYTES // 3) + 1000, 100_000])
def test_body_over_the_byte_limit_is_413_polite_and_bilingual(client: TestClient, chars: int) -> None:
    body = json.dumps({"sender": "u-long", "message": "가" * chars}, ensure_ascii=False).encode()
    assert len(body) > MAX_BODY_BYTES
    r = client.post(URL, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    ko, en = _korean_then_english(r.json()["detail"])
    assert "너무 길어요" in ko and "다시 보내 주세요" in ko
    assert f"{len(body)}바이트" in ko and f"{MAX_BODY_BYTES}바이트" in ko
    assert "too long" in en and "shorter message" in en
    assert str(len(body)) in en and str(MAX_BODY_BYTES) in en
    assert client.get("/health").status_code == 200


def test_character_limit_reply_has_the_same_shape(client: TestClient) -> None:
    r = client.post(URL, json={"sender": "u-long", "message": "집" * 10_018})
    assert r.status_code == 413
    ko, en = _korean_then_english(r.json()["detail"])
    assert "10018자" in ko and "10018 characters" in en
