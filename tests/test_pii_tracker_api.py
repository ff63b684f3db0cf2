"""Every field of a personal-data entity is masked in the tracker API (s8 fresh-user defect 6b).

``GET /conversations/h1/tracker`` served a birth-date entity as ``"value": "<birthdate>"`` but ``"text": "1985년 1월
1일"`` and ``"additional_info": {"value": "1985-01-01T00:00:00.000+09:00", ...}``. Sweep: one message per kind of
personal data (typed and spoken) through the REST channel of the real app (uvicorn, bundled NLU), then the tracker API;
no form of the value may appear anywhere in it, and each entity over the data reads as the mask in every field.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.server.app import create_app
from assistant.stores.masking import mask_events

#: (kind, message, the forms the data may take in the tracker: as written, as digits, as a parsed value)
SWEEP = [
    ("rrn", "제 주민등록번호는 880514-1357913 이에요", ["880514-1357913", "8805141357913"]),
    ("phone", "연락처는 010-9753-1864 입니다", ["010-9753-1864", "01097531864", "1097531864"]),
    ("card", "카드번호 4539-1488-0343-6467 로 결제했어요", ["4539-1488-0343-6467", "4539148803436467"]),
    ("account", "계좌번호 302-1122-3344-51 로 환급받고 싶어요", ["302-1122-3344-51", "30211223344" + "51"]),
    ("email", "메일은 hong.gildong77@example.org 로 주세요", ["hong.gildong77", "example.org"]),
    ("birthdate", "생년월일은 1985년 1월 1일이에요", ["1985", "1월 1일", "01-01"]),
    ("birthdate", "I was born on March 2, 1958", ["1958", "March 2", "03-02"]),
    ("address", "주소는 서울특별시 종로구 세종대로 209 입니다", ["세종대로 209", "세종대로"]),
    ("phone", "제 번호는 공일공 이사육팔 일삼오칠이에요", ["이사육팔", "01024681357", "1024681357"]),
    ("rrn", "주민번호는 팔오공일공일 다시 일이삼사오육칠이에요", ["팔오공일공일", "8501011234567", "850101-1234567"]),
    ("rrn", "주민번호 뒷자리 1357913 알려드릴게요 앞자리는 880514", ["1357913", "880514"]),
]


def leaked_forms(forms: list[str], body: str) -> list[str]:
    """The forms found in ``body``; a form that starts or ends with a digit counts only where no digit flanks it.

    A float timestamp is no birth year: ``"timestamp":1796287965.0701985`` holds the digits ``1985`` (CI stop 27 failed
    on exactly that), while ``"1985-01-01"`` or ``1985년`` is the year itself.
    """
    def pattern(form: str) -> str:
        head = r"(?<!\d)" if form[:1].isdigit() else ""
        tail = r"(?!\d)" if form[-1:].isdigit() else ""
        return head + re.escape(form) + tail
    return [f for f in forms if re.search(pattern(f), body)]


def test_a_timestamp_holding_the_digits_is_no_leak_but_the_value_is() -> None:
    body = '{"timestamp":1796287965.0701985,"id":801097531864}'
    assert leaked_forms(["1985", "1097531864", "세종대로"], body) == []
    assert leaked_forms(["1985", "01-01"], '{"value":"1985-01-01T00:00:00"}') == ["1985", "01-01"]
    assert leaked_forms(["1985", "1월 1일"], "생년월일은 1985년 1월 1일이에요") == ["1985", "1월 1일"]
    assert leaked_forms(["hong.gildong77"], "mail hong.gildong77@example.org") == ["hong.gildong77"]


def _leaves(value: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, k)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v, key)]
    return [(key, value)]


def assert_entity_masked(entity: dict[str, Any], masked_text: str) -> None:
    """An entity over a mask reads as its masked span in every field that could hold the data."""
    token = masked_text[entity["start"] : entity["end"]]
    assert re.search(r"<[a-z]+>", token), (entity, masked_text)
    assert entity["value"] == token and entity.get("text", token) == token, entity
    for key, leaf in _leaves(entity.get("additional_info") or {}):
        if key not in ("unit", "grain", "type") and not isinstance(leaf, bool) and leaf is not None:
            assert leaf == token, (key, leaf, entity)


def test_every_field_of_an_entity_over_personal_data_is_masked() -> None:
    text = "생년월일은 1985년 1월 1일이에요"
    start, end = text.index("1985"), text.index("일이에요") + 1
    entity = {"entity": "time", "start": start, "end": end, "text": text[start:end], "value": "1985-01-01T00:00:00.000+09:00",
              "extractor": "duckling-like", "confidence": 1.0,
              "additional_info": {"value": "1985-01-01T00:00:00.000+09:00", "grain": "day", "type": "value",
                                  "values": [{"value": "1985-01-01T00:00:00.000+09:00", "grain": "day", "type": "value"}],
                                  "year": 1985}}
    (user,) = mask_events([{"event": "user", "text": text, "parse_data": {"text": text, "entities": [entity]}}])
    masked = user["parse_data"]["entities"][0]
    assert user["text"] == "생년월일은 <birthdate>이에요"
    assert_entity_masked(masked, user["text"])
    assert masked["value"] == "<birthdate>"
    assert masked["additional_info"]["grain"] == "day" and masked["entity"] == "time"
    assert "1985" not in repr(user)


def test_a_date_of_birth_echoed_in_another_field_of_the_message_is_masked() -> None:
    # metadata (or any other field) holding the same date in another written form
    text = "생년월일은 1985년 1월 1일이에요"
    (user,) = mask_events([{"event": "user", "text": text, "metadata": {"dob": "1985-01-01"},
                            "parse_data": {"text": text, "entities": []}}])
    assert user["metadata"] == {"dob": "<birthdate>"}


@pytest.mark.parametrize(("kind", "message", "forms"), SWEEP, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(SWEEP)])
def test_tracker_api_serves_no_personal_data(make_processor: Any, bundled_settings: Any, bundled_router: Any,
                                             kind: str, message: str, forms: list[str]) -> None:
    p = make_processor()
    app = create_app(bundled_settings.model_copy(update={"holding_reply_after": 0}), router=bundled_router, processor=p)
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as c:
        r = c.post("/webhooks/rest/webhook", json={"sender": "h1", "message": message, "message_id": "m1"})
        assert r.status_code == 200, r.text
        tracker = c.get("/conversations/h1/tracker", params={"include_events": "ALL"})
    assert tracker.status_code == 200
    body = tracker.text
    assert leaked_forms(forms, body) == [], body
    users = [e for e in tracker.json()["events"] if e["event"] == "user"]
    assert f"<{kind}>" in users[-1]["text"]
    latest = tracker.json()["latest_message"]
    for entity in [*users[-1]["parse_data"]["entities"], *latest["entities"]]:
        if re.search(r"<[a-z]+>", users[-1]["text"][entity["start"] : entity["end"]]):
            assert_entity_masked(entity, users[-1]["text"])
