"""Tracker store under concurrent load: append latency per turn and exactly-once events.

100 conversations × 20 turns, one thread per conversation, all at once, directly
against :class:`~assistant.stores.trackers.SQLTrackerStore` (no HTTP, no NLU).
A turn appends 4 events (user, action, bot, action_listen) with
``expected_seq`` and the channel message id + reply in the same transaction,
as the engine will. Afterwards the database is counted: rows per conversation,
sequence numbers 1..80 without gaps, every event's marker exactly once, one
processed-message row per turn.

SQLite: a file under a temp dir (WAL, synchronous=NORMAL). PostgreSQL: a
throwaway Debian cluster with fsync ON (tests/stores/dbservers.py), or
``--pg-url``. Prints a table and writes bench/results/tracker_store.json.

Also: one conversation alone (200 sequential turns), the uncontended append cost.

Usage:
    python bench/tracker_store.py [--conversations 100] [--turns 20] [--pg-url URL] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "stores"))

from assistant.stores.trackers import SQLTrackerStore, events_table, processed_messages  # noqa: E402

EVENTS_PER_TURN = 4


def turn_events(conv: str, turn: int, now: float) -> list[dict[str, Any]]:
    """A turn's 4 events; each carries a unique ``metadata.marker`` so duplicates can be counted."""
    text = f"{conv} 턴 {turn}: 기초연금 신청 자격이 궁금해요"
    events = [
        {"event": "user", "timestamp": now, "text": text, "input_channel": "rest", "message_id": f"{conv}:{turn}", "metadata": {},
         "parse_data": {"intent": {"name": "ask_service_info", "confidence": 0.93}, "entities": [], "text": text,
                        "message_id": f"{conv}:{turn}", "metadata": {}}},
        {"event": "action", "timestamp": now, "name": "action_answer", "policy": "RulePolicy", "confidence": 1.0,
         "action_text": None, "hide_rule_turn": False},
        {"event": "bot", "timestamp": now, "text": f"답변 {conv}:{turn}", "data": {"custom": {"citations": []}}, "metadata": {}},
        {"event": "action", "timestamp": now, "name": "action_listen", "policy": "RulePolicy", "confidence": 1.0,
         "action_text": None, "hide_rule_turn": False},
    ]
    for k, e in enumerate(events):
        e["metadata"] = {"marker": f"{conv}:{turn}:{k}"}
    return events


def run(url: str, conversations: int, turns: int) -> dict[str, Any]:
    store = SQLTrackerStore(url, pool_size=max(5, conversations // 4))
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(conversations)

    def conversation(i: int) -> None:
        conv = f"bench-{i:03d}"
        seq = 0
        mine: list[float] = []
        start.wait()
        for t in range(turns):
            batch = turn_events(conv, t, time.time())
            t0 = time.perf_counter()
            try:
                seq = store.append(conv, batch, expected_seq=seq, message_id=f"{conv}:{t}", reply=[{"text": f"답변 {t}"}])
            except Exception as e:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(f"{conv} turn {t}: {type(e).__name__}: {e}")
                seq = store.count(conv)
                continue
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=conversation, args=(i,)) for i in range(conversations)]
    wall0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - wall0

    expected_rows = conversations * turns * EVENTS_PER_TURN
    with store.engine.connect() as c:
        total_rows = int(c.execute(select(func.count()).select_from(events_table)).scalar() or 0)
        replies = int(c.execute(select(func.count()).select_from(processed_messages)).scalar() or 0)
        gaps = 0
        for i in range(conversations):
            conv = f"bench-{i:03d}"
            seqs = [r[0] for r in c.execute(select(events_table.c.seq).where(events_table.c.conversation_id == conv).order_by(events_table.c.seq))]
            gaps += int(seqs != list(range(1, turns * EVENTS_PER_TURN + 1)))
    markers: Counter[str] = Counter()
    for i in range(conversations):
        for e in store.load(f"bench-{i:03d}"):
            markers[e["metadata"]["marker"]] += 1
    duplicated = sum(n - 1 for n in markers.values() if n > 1)
    lost = expected_rows - len(markers)
    store.engine.dispose()
    lat = np.asarray(latencies)
    return {
        "turns_ok": int(lat.size),
        "errors": len(errors),
        "error_examples": errors[:5],
        "events_expected": expected_rows,
        "events_in_db": total_rows,
        "events_lost": lost,
        "events_duplicated": duplicated,
        "conversations_with_seq_gaps": gaps,
        "distinct_events": len(markers),
        "processed_message_rows": replies,
        "append_ms_p50": round(float(np.percentile(lat, 50)), 2) if lat.size else None,
        "append_ms_p95": round(float(np.percentile(lat, 95)), 2) if lat.size else None,
        "append_ms_max": round(float(lat.max()), 2) if lat.size else None,
        "turns_per_s": round(lat.size / wall, 1),
        "wall_s": round(wall, 2),
    }


def run_sequential(url: str, turns: int = 200) -> dict[str, Any]:
    """One conversation, one thread: the uncontended cost of a turn's append."""
    store = SQLTrackerStore(url)
    seq, lat = 0, []
    for t in range(turns):
        batch = turn_events("solo", t, time.time())
        t0 = time.perf_counter()
        seq = store.append("solo", batch, expected_seq=seq, message_id=f"solo:{t}", reply=[{"text": "ok"}])
        lat.append((time.perf_counter() - t0) * 1000)
    store.engine.dispose()
    return {"append_ms_p50": round(float(np.percentile(lat, 50)), 2), "append_ms_p95": round(float(np.percentile(lat, 95)), 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--conversations", type=int, default=100)
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--pg-url", help="use this PostgreSQL database instead of starting a throwaway cluster")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "tracker_store.json")
    args = ap.parse_args(argv)

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(f"sqlite:///{tmp}/trackers.db", args.conversations, args.turns)
        results["sqlite"]["uncontended"] = run_sequential(f"sqlite:///{tmp}/solo.db")
    server = None
    if args.pg_url:
        results["postgresql"] = run(args.pg_url, args.conversations, args.turns)
        results["postgresql"]["uncontended"] = run_sequential(args.pg_url)
    else:
        from dbservers import missing_postgres, start_postgres

        reason = missing_postgres()
        if reason:
            results["postgresql"] = {"skipped": reason}
        else:
            server = start_postgres(fsync=True)
            try:
                results["postgresql"] = run(server.create_database("bench"), args.conversations, args.turns)
                results["postgresql"]["uncontended"] = run_sequential(server.create_database("bench_solo"))
            finally:
                server.destroy()

    cols = ["turns_ok", "errors", "events_in_db", "events_lost", "events_duplicated", "append_ms_p50", "append_ms_p95", "turns_per_s"]
    print(f"{'store':<11}" + "".join(f"{c:>19}" for c in cols))
    for name, r in results.items():
        print(f"{name:<11}" + ("".join(f"{str(r.get(c)):>19}" for c in cols) if "skipped" not in r else f"  skipped: {r['skipped']}"))
    out = {
        "workload": {"conversations": args.conversations, "turns": args.turns, "events_per_turn": EVENTS_PER_TURN,
                     "threads": args.conversations, "what": "SQLTrackerStore.append with expected_seq + message id/reply per turn"},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "notes": "SQLite: WAL, synchronous=NORMAL. PostgreSQL: throwaway local cluster, fsync=on (unless --pg-url).",
        "results": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, r in results.items():
        if "uncontended" in r:
            u = r["uncontended"]
            print(f"{name}: one conversation alone, append p50 {u['append_ms_p50']} ms, p95 {u['append_ms_p95']} ms")
    print(f"wrote {args.json}")
    bad = any(r.get("errors") or r.get("events_lost") or r.get("events_duplicated") for r in results.values() if "skipped" not in r)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
