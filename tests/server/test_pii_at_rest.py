"""Personal data sent through the REST channel never reaches the database, the tracker API or /story, while the turn
in progress still sees the raw text, and a redelivered message id gets the first reply byte for byte.

Real pieces: the app served by uvicorn on loopback, httpx as the channel, the engine over the bundled router, a
SQLite tracker store in a file (read back as raw bytes). Every action that speaks is wrapped so that the assistant
also echoes the user's message: the worst case for bot text and for the reply recorded for the message id.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from live_server import LiveServer

from assistant.dialogue.events import BotUttered
from assistant.server.app import create_app
from assistant.stores.trackers import SQLTrackerStore

URL = "/webhooks/rest/webhook"
#: (kind, value, message): numbers chosen so they appear nowhere else in the database
MESSAGES = [
    ("rrn", "880514-1357913", "제 주민등록번호는 880514-1357913 이에요"),
    ("phone", "010-9753-1864", "연락처는 010-9753-1864 입니다"),
    ("card", "4539-1488-0343-6467", "카드번호 4539-1488-0343-6467 로 결제했어요"),
    ("account", "302-1122-3344-51", "계좌번호 302-1122-3344-51 로 환급받고 싶어요"),
    ("address", "서울특별시 종로구 세종대로 209", "주소는 서울특별시 종로구 세종대로 209 입니다"),
    ("address", "12 Baker Street", "I live at 12 Baker Street, London"),
    # bare digits are also read as a `number` entity (value 9001011234567 / 1098765432) that the reply shows
    ("rrn", "9001011234567", "주민등록번호 9001011234567 입니다"),
    ("phone", "01098765432", "연락처 01098765432 로 주세요"),
]
PLAIN = "기초연금 신청 방법 알려주세요"


def needles() -> list[str]:
    """Each value as written and as bare digits (an entity's normalized value)."""
    out = []
    for _, raw, _ in MESSAGES:
        out.append(raw)
        digits = re.sub(r"\D", "", raw)
        if len(digits) >= 7:
            out += [digits, digits.lstrip("0")]  # as a JSON number the leading zero goes
    return [*out, "세종대로 209", "Baker Street"]


def leaks(text: str) -> list[str]:
    return [n for n in needles() if n in text]


DONE: set[str | None] = set()


class Echo:
    """Wraps an action: when it speaks, the assistant also repeats the user's message (and records what it saw)."""

    def __init__(self, inner: Any, seen: list[str]) -> None:
        self.inner, self.seen, self.name = inner, seen, inner.name
        self.done = DONE

    def run(self, tracker, domain, context):  # type: ignore[no-untyped-def]
        events = self.inner.run(tracker, domain, context)
        latest = tracker.latest_message
        if any(isinstance(e, BotUttered) for e in events) and latest is not None and latest.message_id not in self.done:
            self.done.add(latest.message_id)  # once a turn
            said = latest.text or ""
            self.seen.append(said)
            events = [*events, BotUttered(f"말씀하신 내용: {said}", {})]
        return events


def test_personal_data_sent_over_rest_is_masked_at_rest(bundled_settings, bundled_router, make_processor,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    db = tmp_path / "trackers.db"
    p = make_processor(tracker_store=SQLTrackerStore(f"sqlite:///{db}"))
    seen: list[str] = []
    original = p.action
    p.action = lambda name: Echo(original(name), seen)  # type: ignore[method-assign]
    app = create_app(bundled_settings.model_copy(update={"holding_reply_after": 0}), router=bundled_router, processor=p)
    sender = "citizen-1"
    sent = [*MESSAGES, ("plain", "", PLAIN)]

    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as c:
        first = {}
        for i, (_, _, text) in enumerate(sent):
            r = c.post(URL, json={"sender": sender, "message": text, "message_id": f"m{i}"})
            assert r.status_code == 200, r.text
            assert leaks(r.text) == []
            first[i] = r.content
        for i, (_, _, text) in enumerate(sent):  # redelivery: the stored reply, the same bytes
            r = c.post(URL, json={"sender": sender, "message": text, "message_id": f"m{i}"})
            assert r.content == first[i]
        tracker = c.get(f"/conversations/{sender}/tracker", params={"include_events": "ALL"})
        story = c.get(f"/conversations/{sender}/story")
        # the admin routes that write answer with the stored (masked) state too
        appended = c.post(f"/conversations/{sender}/messages", json={"text": "제 번호는 010-9753-1864 입니다", "sender": "user"})
        triggered = c.post(f"/conversations/{sender}/trigger_intent",
                           json={"name": "greet", "entities": {"phone-number": "010-9753-1864"}})
    assert appended.status_code == 200 and triggered.status_code == 200, (appended.text, triggered.text)
    assert leaks(appended.text) == [] and leaks(triggered.text) == []
    assert [e["text"] for e in appended.json()["events"] if e["event"] == "user"][-1] == "제 번호는 <phone> 입니다"
    assert tracker.status_code == 200 and story.status_code == 200

    # the turn in progress saw the raw text (NLU and actions need it)
    assert [t for t in seen if t in {m for _, _, m in sent}] == [m for _, _, m in sent]
    assert leaks(tracker.text) == [] and leaks(story.text) == []
    events = tracker.json()["events"]
    users = [e for e in events if e["event"] == "user"]
    # each message stored once, masked where it held personal data, unchanged otherwise
    assert [e["message_id"] for e in users] == [f"m{i}" for i in range(len(sent))]
    assert [e["text"] for e in users] == [text.replace(raw, f"<{kind}>") if raw else text for kind, raw, text in sent]
    bots = [e["text"] for e in events if e["event"] == "bot" and e["text"].startswith("말씀하신 내용:")]
    assert bots == [f"말씀하신 내용: {u['text']}" for u in users]
    assert "- rrn: <rrn>" in story.text  # the story's entity values are the masked ones

    p.tracker_store.engine.dispose()
    raw = b"".join(f.read_bytes() for f in tmp_path.iterdir() if f.name.startswith("trackers.db"))
    assert PLAIN.encode() in raw  # the raw read finds text that is stored
    assert [n for n in needles() if n.encode() in raw] == []
