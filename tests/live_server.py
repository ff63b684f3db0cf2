"""A real HTTP server for tests: an ASGI app served by uvicorn in a background thread on a free local port.

One implementation for every test that starts a service (connector back ends, sandboxes, action servers,
callbacks). Import it by name (``from live_server import LiveServer``), never from ``conftest``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from dbservers import free_port


class LiveServer:
    """``with LiveServer(app) as live: httpx.get(live.url + "/health")``; or ``start()`` / ``stop()``.

    Args:
        app: any ASGI app.
        port: a fixed port (default: a free one).

    Raises:
        RuntimeError: uvicorn did not start within 20 s.
    """

    def __init__(self, app: Any, port: int | None = None) -> None:
        import uvicorn

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        """Start serving and wait until the port accepts connections."""
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LateAnswers:
    """ASGI wrapper: the first ``times`` requests of ``method`` to ``path`` (or, with ``prefix``, any path under it)
    are handled by the real app (their effect happens), then their answers are held back ``delay`` s: past a
    client's timeout, the "did it arrive?" case of a retry.

    Attributes:
        hits: every request that matched. slowed: how many of them were held back.
    """

    def __init__(self, app: Any, method: str, path: str, delay: float = 1.5, times: int = 1, prefix: bool = False) -> None:
        self.app, self.method, self.path, self.delay = app, method, path, delay
        self.times, self.prefix = times, prefix
        self.hits = self.slowed = 0

    def _matches(self, scope: Any) -> bool:
        path = scope.get("path", "")
        return scope["type"] == "http" and scope["method"] == self.method and (
            path.startswith(self.path) if self.prefix else path == self.path)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        import asyncio

        if not self._matches(scope):
            await self.app(scope, receive, send)
            return
        self.hits += 1
        if self.slowed >= self.times:
            await self.app(scope, receive, send)
            return
        self.slowed += 1

        async def late(message: Any) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(self.delay)
            await send(message)

        await self.app(scope, receive, late)
