"""Seams for other parts: handoff over HTTP (with the queue as fallback), a validate_<form>
custom action, the action-server executor hook, and concurrent turns of one conversation."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from assistant.dialogue.actions import FunctionAction
from assistant.dialogue.events import BotUttered, SlotSet
from assistant.dialogue.handoff import HttpHandoff
from assistant.dialogue.messages import UserMessage


def say(p, text: str, sender: str = "c1"):  # type: ignore[no-untyped-def]
    return p.handle_message(UserMessage(sender, text, "rest", {}))


class _Sink(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers["content-length"]))
        _Sink.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_handoff_posts_the_masked_transcript_and_falls_back_to_the_queue(make_processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = HTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/handoff"
        p = make_processor(home=tmp_path)
        p.context_defaults["handoff"] = HttpHandoff(url, timeout=2)
        say(p, "주민번호 900101-1234567 인데 기초연금 되나요")
        say(p, "상담원 연결해 주세요")
        assert len(_Sink.received) == 1
        record = _Sink.received[0]
        assert record["conversation_id"] == "c1" and "900101-1234567" not in json.dumps(record, ensure_ascii=False)
        assert [e["target"] for e in p.tracker_state("c1")["events"] if e["event"] == "handoff"] == [url]
        assert not (tmp_path / "handoff" / "queue.jsonl").exists()
    finally:
        server.shutdown()
    # the endpoint is gone now: the record goes to the queue file instead, and the user is still handed off
    p.resume("c1")
    say(p, "상담원 연결해 주세요")
    queued = (tmp_path / "handoff" / "queue.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(queued) == 1 and p.tracker_state("c1")["paused"] is True


def test_validate_form_custom_action_decides(make_processor) -> None:  # type: ignore[no-untyped-def]
    p = make_processor()

    def only_seoul(tracker, domain, context):  # type: ignore[no-untyped-def]
        region = tracker.get_slot("region")
        if region is not None and region != "서울특별시":
            return [SlotSet("region", None), BotUttered("서울 거주자만 이용할 수 있어요.", {"custom": {"response": "custom"}})]
        return []

    p.registry.register(FunctionAction("validate_eligibility_form", only_seoul))
    say(p, "제가 받을 수 있는 지원이 있나요?")
    say(p, "67세예요")
    t = say(p, "부산에 살아요")
    assert [m.text for m in t.messages][0] == "서울 거주자만 이용할 수 있어요."
    assert p.tracker_state("c1")["slots"]["region"] is None and p.tracker_state("c1")["slots"]["requested_slot"] == "region"
    t = say(p, "서울에 살아요")
    assert p.tracker_state("c1")["slots"]["region"] == "서울특별시"
    assert [m.custom["response"] for m in t.messages] == ["utter_ask_income_pct"]


def test_unknown_custom_actions_go_to_the_executor(make_processor) -> None:  # type: ignore[no-untyped-def]
    p = make_processor()
    calls: list[str] = []

    class Executor:
        def run(self, name, tracker, domain):  # type: ignore[no-untyped-def]
            calls.append(name)
            return [SlotSet("region", "서울특별시")], [{"text": "from the action server"}, {"response": "utter_greet"}]

    p.registry.executor = Executor()
    events = p.action("action_lookup_status").run(p.load("x"), p.domain, _context(p))
    assert calls == ["action_lookup_status"]
    assert [type(e).__name__ for e in events] == ["SlotSet", "BotUttered", "BotUttered"]
    assert events[1].text == "from the action server" and events[2].data["custom"]["response"] == "utter_greet"


def _context(p):  # type: ignore[no-untyped-def]
    from assistant.dialogue.actions import TurnContext

    return TurnContext(p.settings, p.domain, "rest", "ko")


def test_turns_of_one_conversation_never_interleave(make_processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.stores.trackers import SQLTrackerStore

    p = make_processor(tracker_store=SQLTrackerStore(f"sqlite:///{tmp_path / 't.db'}"))
    texts = [f"안녕하세요 {i}" for i in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        turns = list(pool.map(lambda t: say(p, t, "same"), texts))
    assert all(t.error is None and t.messages for t in turns)
    stored = p.tracker_store.load("same")
    users = [e["text"] for e in stored if e["event"] == "user"]
    assert sorted(users) == sorted(texts)  # each once
    # each turn is contiguous: a user event is always followed by its own actions up to action_listen
    kinds = [(e["event"], e.get("name")) for e in stored]
    for i, k in enumerate(kinds):
        if k[0] == "user":
            rest = kinds[i + 1 :]
            end = next(j for j, x in enumerate(rest) if x == ("action", "action_listen"))
            assert all(x[0] != "user" for x in rest[:end])
