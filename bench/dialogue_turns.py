"""Dialogue engine: turn latency through :class:`MessageProcessor`, and an event audit.

Runs ``--conversations`` conversations of ``--turns`` turns each, ``--workers`` at a time
(threads; one process), on the bundled home, with the tracker store at ``--store`` (default a
fresh SQLite file). Each conversation mixes a greeting, the eligibility form (age, region, skip),
a knowledge question and a repeat. Afterwards it counts every conversation's stored events:
user events must equal the turns sent and no (conversation, message id) may appear twice.

Prints p50/p95/max turn latency (ms) and the audit; writes ``bench/results/dialogue_turns.json``.

Usage:
    python bench/dialogue_turns.py [--home DIR] [--conversations 20] [--turns 8] [--workers 4] [--store URL]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.app_state import build_processor, ensure_ready, load_router  # noqa: E402
from assistant.dialogue.messages import UserMessage  # noqa: E402
from assistant.knowledge.embedder import make_embedder  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.stores.trackers import SQLTrackerStore  # noqa: E402

SCRIPT = ["안녕하세요", "제가 받을 수 있는 지원이 있나요?", "에너지바우처가 뭐예요?", "67세예요", "뭐라고요?", "부산에 살아요",
          "건너뛸래요", "What is the energy voucher?"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "assistant-bench-home")
    ap.add_argument("--conversations", type=int, default=20)
    ap.add_argument("--turns", type=int, default=len(SCRIPT))
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--store", default=None, help="tracker store URL (default: a fresh SQLite file)")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "dialogue_turns.json")
    args = ap.parse_args()

    settings = Settings(home=args.home, embed_threads=1)
    embedder = make_embedder(settings.embedder, settings.embed_threads)
    ensure_ready(settings, embedder, progress=False)
    store_url = args.store or f"sqlite:///{Path(tempfile.mkdtemp()) / 'trackers.db'}"
    processor = build_processor(settings, load_router(settings, embedder), SQLTrackerStore(store_url))

    def conversation(i: int) -> list[float]:
        out = []
        for j in range(args.turns):
            t0 = time.perf_counter()
            turn = processor.handle_message(UserMessage(f"bench-{i}", SCRIPT[j % len(SCRIPT)], "rest", {"message_id": f"m-{i}-{j}"}))
            out.append((time.perf_counter() - t0) * 1000)
            assert turn.error is None, turn.error
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        latencies = [x for xs in pool.map(conversation, range(args.conversations)) for x in xs]
    wall = time.perf_counter() - t0
    users = dup = 0
    for i in range(args.conversations):
        events = processor.tracker_store.load(f"bench-{i}")
        ids = Counter(e.get("message_id") for e in events if e["event"] == "user")
        users += sum(ids.values())
        dup += sum(n - 1 for n in ids.values() if n > 1)
    lat = np.array(latencies)
    result = {
        "store": SQLTrackerStore(store_url).display_url.split(":")[0], "conversations": args.conversations, "turns": args.turns,
        "workers": args.workers, "turns_total": len(latencies), "wall_s": round(wall, 2),
        "p50_ms": round(float(np.percentile(lat, 50)), 1), "p95_ms": round(float(np.percentile(lat, 95)), 1),
        "max_ms": round(float(lat.max()), 1), "user_events": users, "expected_user_events": args.conversations * args.turns,
        "duplicated": dup,
    }
    print(f"{'store':8} {'turns':>6} {'workers':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'user events':>12} {'dup':>4}")
    print(f"{result['store']:8} {result['turns_total']:>6} {args.workers:>7} {result['p50_ms']:>7} {result['p95_ms']:>7} "
          f"{result['max_ms']:>7} {users:>5}/{result['expected_user_events']:<6} {dup:>4}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
