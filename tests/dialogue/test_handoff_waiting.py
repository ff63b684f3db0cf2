"""After a handoff the citizen's later messages reach the agent (appended to the handoff's queue entry, PII masked as
the transcript) and the first one is answered once with "상담원 연결을 기다리고 있어요 …" / "You're waiting for an
agent…", the later ones with a shorter "still waiting" (fresh-user s9: they reached nobody and got no reply; s10 #5: an
empty reply list with no way back), both saying how to come back. Real engine, real queue file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.dialogue.handoff import WAITING, FileHandoffQueue, queue_path
from assistant.dialogue.messages import UserMessage
from assistant.nlu.pii import mask_pii

RRN, PHONE = "900101-1234567", "010-2345-6789"


def say(p: Any, text: str, sender: str) -> list[str]:
    return [m.text for m in p.handle_message(UserMessage(sender, text, "rest", {})).messages]


def said(p: Any, name: str, lang: str) -> list[str]:
    """The domain's response ``name`` in ``lang``, as the one reply."""
    return [p.domain.response(name, lang)["text"]]


def test_messages_after_handoff_reach_the_queue_and_the_first_is_answered_once(make_processor: Any, tmp_path: Path) -> None:
    p = make_processor(home=tmp_path)
    assert say(p, "상담원 연결해 주세요", "hk1")  # utter_handoff
    assert p.tracker_state("hk1")["paused"] is True
    detail = f"제 주민번호는 {RRN}이고 연락처는 {PHONE}입니다. 기초연금 신청이 거절됐어요"
    assert say(p, detail, "hk1") == said(p, "utter_handoff_waiting", "ko")
    assert said(p, "utter_handoff_waiting", "ko")[0].startswith("상담원 연결을 기다리고 있어요")
    assert WAITING["ko"].startswith("상담원 연결을 기다리고 있어요")  # the built-in text (a domain without the response)
    assert say(p, "여보세요?", "hk1") == said(p, "utter_handoff_still_waiting", "ko")  # never an empty reply
    assert say(p, "아직이에요?", "hk1") == said(p, "utter_handoff_still_waiting", "ko")
    assert p.tracker_state("hk1")["paused"] is True

    raw = queue_path(tmp_path).read_text(encoding="utf-8")
    assert RRN not in raw and PHONE not in raw and "1234567" not in raw
    lines = [json.loads(x) for x in raw.splitlines()]
    assert [r["type"] for r in lines] == ["handoff", "message", "message", "message"]
    assert [r["text"] for r in lines[1:]] == [mask_pii(detail), "여보세요?", "아직이에요?"]
    handoff_at = [e["timestamp"] for e in p.tracker_state("hk1")["events"] if e["event"] == "handoff"]
    assert [r["handoff_at"] for r in lines[1:]] == handoff_at * 3
    [entry] = FileHandoffQueue(queue_path(tmp_path)).entries()
    assert entry["conversation_id"] == "hk1"
    assert [t["text"] for t in entry["transcript"]][-3:] == [mask_pii(detail), "여보세요?", "아직이에요?"]
    assert [t["role"] for t in entry["transcript"]][-4:] == ["bot", "user", "user", "user"]


def test_english_and_a_second_handoff_answer_the_first_message_again(make_processor: Any, tmp_path: Path) -> None:
    p = make_processor(home=tmp_path)
    say(p, "I want to talk to a human agent", "hk2")
    assert p.tracker_state("hk2")["paused"] is True
    assert say(p, "hello? is anyone there?", "hk2") == said(p, "utter_handoff_waiting", "en")
    assert said(p, "utter_handoff_waiting", "en")[0].startswith("You're waiting for an agent")
    assert WAITING["en"].startswith("You're waiting for an agent")
    assert say(p, "hello??", "hk2") == said(p, "utter_handoff_still_waiting", "en")
    p.resume("hk2")
    say(p, "I want to talk to a human agent", "hk2")
    assert say(p, "still there?", "hk2") == said(p, "utter_handoff_waiting", "en")  # once per handoff
    entries = FileHandoffQueue(queue_path(tmp_path)).entries()
    assert len(entries) == 2
    assert [t["text"] for t in entries[0]["transcript"]][-2:] == ["hello? is anyone there?", "hello??"]
    assert entries[1]["transcript"][-1]["text"] == "still there?"


def test_messages_after_handoff_are_posted_to_the_handoff_endpoint(make_processor: Any, tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from assistant.dialogue.handoff import HttpHandoff

    received: list[dict[str, Any]] = []

    class Sink(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            received.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        p = make_processor(home=tmp_path)
        p.context_defaults["handoff"] = HttpHandoff(f"http://127.0.0.1:{server.server_port}/handoff", timeout=2)
        say(p, "상담원 연결해 주세요", "hk3")
        assert say(p, f"제 번호는 {PHONE}예요", "hk3") == said(p, "utter_handoff_waiting", "ko")
        assert say(p, "여보세요?", "hk3") == said(p, "utter_handoff_still_waiting", "ko")
    finally:
        server.shutdown()
    assert [(r["type"], r["conversation_id"]) for r in received] == [("handoff", "hk3"), ("message", "hk3"),
                                                                      ("message", "hk3")]
    assert [r["text"] for r in received[1:]] == [mask_pii(f"제 번호는 {PHONE}예요"), "여보세요?"]
    assert PHONE not in json.dumps(received, ensure_ascii=False)
    assert not queue_path(tmp_path).exists()  # all went to the endpoint
