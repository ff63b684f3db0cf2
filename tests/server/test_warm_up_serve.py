"""A real ``assistant serve`` warms its models up before ``/health`` says ready, and the first turn after that comes
back within the configured holding delay (fresh-user report s7, defect 10: cold, the first turn's holding reply
took 5.5 s with ``holding_reply_after`` 2 s; warm 2.0 s).

The server runs as a subprocess on the session's trained bundled home (no import, no training at its start).
Timing figures go to the report (``-s`` prints them); the assertions are on the configured holding delay.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from dbservers import free_port, stop_process

from assistant.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
HOLD_S = 1.5  # ASSISTANT_HOLDING_REPLY_AFTER for this server


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - local URL
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def _post(url: str, body: dict[str, Any]) -> tuple[float, list[dict[str, Any]]]:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:  # noqa: S310 - local URL
        return time.perf_counter() - t0, json.loads(r.read())


def test_health_ready_only_after_warm_up_and_first_turn_within_the_holding_delay(bundled_settings: Settings,
                                                                                 tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    env = {**os.environ, "ASSISTANT_HOME": str(bundled_settings.home), "ASSISTANT_HOLDING_REPLY_AFTER": str(HOLD_S),
           "ASSISTANT_ELIGIBILITY_URL": str(bundled_settings.eligibility_url or ""), "ASSISTANT_WARM_UP": "true",
           "ASSISTANT_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'trackers.db'}", "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]])}
    t_start = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        health: Any = None
        seen: list[int] = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-3000:]
            try:
                status, health = _get(base + "/health")
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
                continue
            seen.append(status)
            if status == 200:  # the first ready answer already carries the finished warm-up's step times
                break
            assert health.get("status") in ("starting", "warming_up")
            time.sleep(0.1)
        else:
            pytest.fail("server not ready after 300 s:\n" + log_path.read_text(errors="replace")[-3000:])
        t_ready = time.perf_counter() - t_start
        steps = health["warm_up_s"]
        assert set(steps) == {"parse", "retrieval", "answer_terms", "eligibility", "turn"}
        assert all(v >= 0 for v in steps.values()), steps  # every step ran without error
        # the first turn after ready: a delivery with a message id is answered, or held, within the configured delay
        elapsed, reply = _post(base + "/webhooks/rest/webhook",
                               {"sender": "first-citizen", "message": "기초연금 신청 방법 알려 주세요", "message_id": "m-1"})
        assert reply and all(isinstance(m.get("text"), str) for m in reply)
        held = any((m.get("custom") or {}).get("pending") for m in reply)
        assert elapsed < 2 * HOLD_S, (elapsed, held)  # cold it was 5.5 s for a 2 s delay (2.75 x)
        elapsed2, _ = _post(base + "/webhooks/rest/webhook",
                            {"sender": "second-citizen", "message": "How do I apply for the energy voucher?", "message_id": "m-2"})
        print(f"\nready after {t_ready:.1f} s (warm-up {steps}); first turn {elapsed:.2f} s "
              f"({'held' if held else 'answered'}), second {elapsed2:.2f} s; holding delay {HOLD_S} s")
    finally:
        stop_process(proc)
