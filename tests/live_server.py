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
