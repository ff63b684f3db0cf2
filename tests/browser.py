"""The widget's browser tests' shared parts: Debian's Chromium, its flags, and one headless browser for every module.

Import it by name (``from browser import CHROMIUM, SharedChromium``), never from ``conftest``. The browser itself is
the ``chromium`` fixture of tests/conftest.py (a :class:`SharedChromium`); a module's ``page`` fixture opens its own
browser context on ``chromium.browser()``, so the modules share one launch of Chromium and of Playwright's driver
(each launch costs seconds of CPU on a busy 2-core machine) but no cookies, storage or pages.

Why not a plain session-scoped browser: while a sync Playwright is alive it marks its event loop as the main thread's
running loop between calls (playwright/_impl/_greenlets.py), and a test that runs an asyncio loop of its own then
fails. tests/conftest.py therefore closes the shared browser before any test that does not use it; the next browser
test launches it again. In the default order (the test_widget_*_browser modules are collected one after another)
it is launched once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dbservers import free_port, stop_process

if TYPE_CHECKING:
    from playwright.sync_api import Browser

#: Debian's Chromium (``apt-get install -y chromium``); Playwright's own browser downloads are not used.
CHROMIUM = Path("/usr/bin/chromium")
#: Headless, no sandbox (CI runs as root), nothing fetched from the network by the browser itself.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: How long ``assistant serve`` may take to answer /health (it loads the models; slower on a busy machine).
STARTUP_TIMEOUT_S = float(os.environ.get("ASSISTANT_TEST_STARTUP_TIMEOUT_S", "180"))


def missing_chromium() -> str | None:
    """Why the browser tests cannot run here (Chromium or Playwright absent), or ``None`` when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found; install it with `apt-get install -y chromium`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


class SharedChromium:
    """One headless Chromium under one sync Playwright, launched on first use and again after :meth:`close`.

    ``browser()`` returns the running :class:`playwright.sync_api.Browser`; give every test its own
    ``browser().new_context(...)`` and close it when the test ends.
    """

    def __init__(self) -> None:
        self._playwright: Any = None  # the sync_playwright() context manager
        self._browser: Browser | None = None

    @property
    def running(self) -> bool:
        """Whether a browser is launched now."""
        return self._browser is not None

    def browser(self) -> Browser:
        """The shared browser, launched now if it is not running.

        Raises:
            playwright.sync_api.Error: Chromium did not start.
        """
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            manager = sync_playwright()
            pw = manager.__enter__()
            try:
                self._browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            except BaseException:
                manager.__exit__(None, None, None)
                raise
            self._playwright = manager
        return self._browser

    def close(self) -> None:
        """Close the browser and stop Playwright's driver (nothing when none is running)."""
        browser, manager = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None:
                browser.close()
        finally:
            if manager is not None:
                manager.__exit__(None, None, None)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _log_tail(path: Path, limit: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return "<no server log>"


@contextmanager
def serve_subprocess(home: Path) -> Iterator[str]:
    """Run the real server (``python -m assistant serve``) on a free local port with ``ASSISTANT_HOME=home``, from
    ``home`` as its working directory (nothing is written into the checkout); yield its base URL once ``/health``
    answers 200, stop it afterwards. Its output goes to ``home/server.log``.

    Raises:
        pytest.fail.Exception: the server exited, or was not healthy within ``STARTUP_TIMEOUT_S`` (with the log's tail).
    """
    import pytest

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = home / "server.log"
    # keep the checkout importable even when the package is not installed
    python_path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {**os.environ, "ASSISTANT_HOME": str(home), "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join([*python_path, str(PROJECT_ROOT)])}
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=home, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(f"{base}/health"):
            if proc.poll() is not None:
                pytest.fail(f"server exited with code {proc.returncode} before becoming healthy:\n{_log_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"server not healthy after {STARTUP_TIMEOUT_S:.0f}s:\n{_log_tail(log_path)}")
            time.sleep(0.5)
        yield base
    finally:
        stop_process(proc)
