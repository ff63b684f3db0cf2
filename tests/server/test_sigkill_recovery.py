"""Crash under load: ``assistant serve`` is SIGKILLed while conversations are running, restarted on the same home and
tracker store, and every turn that was not acknowledged is redelivered with its message id. Then the store must hold
each turn's user event exactly once, in order, every conversation must load, and already-answered message ids must
get the reply first sent. Also the load benchmark's quick mode.

Real processes: the server runs as ``python -m assistant serve`` (bench/rest_load.py starts it), the client is
httpx over loopback, the store is a SQLite file or the session's throwaway PostgreSQL.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from shared_paths import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def bench() -> ModuleType:
    """bench/rest_load.py as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("rest_load", ROOT / "bench" / "rest_load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["rest_load"] = module
    spec.loader.exec_module(module)
    return module


def test_sigkill_mid_load_then_redelivery_loses_and_duplicates_nothing(db_url: str, bundled_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rl = bench()
    home = rl.copy_home(bundled_settings.home, tmp_path / "home")
    work = rl.plan(8, 6, prefix="crash")
    kill_after = 16
    server = rl.start_server(home, db_url)
    killed: list[int] = []

    def crash(res) -> None:  # type: ignore[no-untyped-def]
        if not killed and len(res.acked) >= kill_after:
            killed.append(len(res.acked))
            server.kill()

    try:
        res = asyncio.run(rl.drive(server.url, work, stop_on_transport_error=True, on_ack=crash))
    finally:
        server.kill()
    assert killed == [kill_after] and server.proc.returncode == -9
    before = dict(res.acked)
    cut_off = len(res.errors)  # conversations whose request was in flight (or sent) when the server died
    assert cut_off >= 1 and len(before) < 48
    # what the store holds right after the crash: acknowledged turns all there, nothing twice
    mid_check = rl.verify_store(db_url, work, before)
    assert (mid_check["lost"], mid_check["duplicated"], mid_check["unexpected"]) == (0, 0, 0), mid_check["problems"]

    res.errors.clear()
    server = rl.start_server(home, db_url)
    try:
        asyncio.run(rl.drive(server.url, work, result=res))  # redeliver the unacknowledged turns, then go on
        again = rl.DriveResult()
        replay = {conv: [(mid, text) for mid, text in turns if (conv, mid) in before] for conv, turns in work.items()}
        asyncio.run(rl.drive(server.url, replay, result=again))  # redeliver turns answered before the crash
    finally:
        server.stop()
    assert res.errors == [] and again.errors == [] and len(res.acked) == 48
    assert again.acked == before  # an already-processed message id gets the reply first sent
    check = rl.verify_store(db_url, work, res.acked)
    assert check["problems"] == [] and check["user_events"] == 48, check


def test_rest_load_quick_mode_writes_figures(bundled_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rl = bench()
    out = tmp_path / "rest_load.json"
    code = rl.main(["--conversations", "5", "--turns", "3", "--stores", "sqlite", "--home", str(bundled_settings.home),
                    "--json", str(out)])
    result = json.loads(out.read_text(encoding="utf-8"))
    r = result["results"]["sqlite"]
    assert code == 0 and r["turns_sent"] == r["turns_acked"] == 15 and r["errors"] == 0
    assert r["store"]["user_events"] == 15 and r["store"]["lost"] == r["store"]["duplicated"] == 0
    assert 0 < r["latency_ms_p50"] <= r["latency_ms_p95"] <= r["latency_ms_p99"] <= r["latency_ms_max"]
    assert r["turns_per_s"] > 0 and result["workload"] == {**result["workload"], "conversations": 5, "turns": 3}
