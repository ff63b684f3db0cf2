"""A tiny fake of the Slack Web API and the WhatsApp Cloud (Graph) API, served for real by the channel tests
(``LiveServer``): it records every request it receives and answers as the platform does; ``fail`` makes it answer
503 (the platform down); a WhatsApp id in ``closed`` has its 24-hour customer service window closed: a free-form
message to it is refused as Meta does (HTTP 400, error code 131047; kept in ``refused``), a template is accepted. Import it by name (``from fake_platform import FakePlatform``)."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from live_server import LiveServer


class FakePlatform:
    """``with FakePlatform() as fake: ...``: ``fake.url``; ``fake.requests`` as ``(path, authorization, json)``."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.fail = False
        self.closed: set[str] = set()
        self.refused: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        app = FastAPI()

        @app.post("/api/chat.postMessage")
        async def post_message(request: Request) -> JSONResponse:
            body = await request.json()
            if self.fail:
                return JSONResponse({"ok": False, "error": "service_unavailable"}, status_code=503)
            self._record(request, body)
            if not request.headers.get("authorization", "").startswith("Bearer xoxb-"):
                return JSONResponse({"ok": False, "error": "not_authed"})  # Slack answers 200 with ok false
            return JSONResponse({"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"})

        @app.post("/v21.0/{number}/messages")
        async def messages(number: str, request: Request) -> JSONResponse:
            body = await request.json()
            if self.fail:
                return JSONResponse({"error": {"message": "down", "code": 2}}, status_code=503)
            if body.get("to") in self.closed and body.get("type") != "template":
                with self._lock:
                    self.refused.append(body)
                return JSONResponse({"error": {
                    "message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
                    "error_data": {"messaging_product": "whatsapp", "details": "Message failed to send because more "
                                   "than 24 hours have passed since the customer last replied to this number."},
                    "fbtrace_id": "AbCdEf123"}}, status_code=400)
            self._record(request, body)
            return JSONResponse({"messaging_product": "whatsapp", "contacts": [{"input": body.get("to"),
                                 "wa_id": body.get("to")}], "messages": [{"id": f"wamid.out{len(self.requests)}"}]})

        self.server = LiveServer(app)
        self.url = self.server.url

    def _record(self, request: Request, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append((request.url.path, request.headers.get("authorization", ""), body))

    def wait_for(self, predicate: Any, timeout: float = 60.0) -> list[tuple[str, str, dict[str, Any]]]:
        """The recorded requests matching ``predicate(path, json)``, once there is at least one (polls)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [r for r in self.requests if predicate(r[0], r[2])]
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no matching request within {timeout} s; received {len(self.requests)}")

    def matching(self, predicate: Any) -> list[tuple[str, str, dict[str, Any]]]:
        """The recorded requests matching ``predicate(path, json)`` now."""
        with self._lock:
            return [r for r in self.requests if predicate(r[0], r[2])]

    def __enter__(self) -> FakePlatform:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
