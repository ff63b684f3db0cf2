"""Resident memory of ``assistant serve`` once every connector has loaded what it needs (issue #5: one index, one
eligibility service per process).

Starts ``python -m assistant serve`` on an existing home (nothing is imported: the home must hold an index), waits
for ``GET /health``, then makes each connector load its parts: an English apply request (the task connector's
service search: the knowledge retriever), an eligibility check over the embedded API (the catalogue) and an alert
round (the alert engine's eligibility service). Prints a table of VmRSS / VmHWM (MiB) after each step and writes
JSON under ``bench/results/``.

Usage::

    python bench/serve_rss.py --home /tmp/s6-home [--repo DIR] [--label after] [--port 8765]

``--repo`` runs another checkout's code (e.g. the commit before a change, unpacked with ``git archive``) with this
interpreter, to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent


def memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of ``pid`` in MiB (from /proc; Linux only)."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def main() -> int:
    """Run the measurement (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, required=True, help="an ASSISTANT_HOME with an imported index (not modified)")
    ap.add_argument("--repo", type=Path, default=HERE.parent, help="the checkout whose code runs (default: this one)")
    ap.add_argument("--label", default="current")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--threads", type=int, default=1, help="ASSISTANT_EMBED_THREADS (default 1)")
    args = ap.parse_args()
    if not (args.home / "index" / "CURRENT").exists():
        print(f"error: {args.home} holds no index; import the catalogue first", file=sys.stderr)
        return 2
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_HOME=str(args.home), ASSISTANT_EMBED_THREADS=str(args.threads), ASSISTANT_HOST="127.0.0.1",
               ASSISTANT_PORT=str(args.port), ASSISTANT_MYDATA_SWEEP_INTERVAL="0")
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(args.port)], cwd=args.repo, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{args.port}"
    rows: list[dict[str, object]] = []
    try:
        deadline = time.monotonic() + 600
        while True:
            if proc.poll() is not None:
                print(proc.stderr.read() if proc.stderr else "", file=sys.stderr)
                return 1
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the server did not start in 600 s")
            time.sleep(1)
        rows.append({"step": "started", **memory(proc.pid)})
        sender = f"rss-bench-{uuid.uuid4().hex[:8]}"
        steps = [
            ("english apply (task service search)", "POST", "/webhooks/rest/webhook",
             {"sender": sender, "message": "I want to apply for the energy voucher"}),
            ("eligibility check (catalogue)", "POST", "/connectors/eligibility/check", {"facts": {"age": 70}}),
            ("alert round (alert engine)", "POST", "/connectors/alerts/run", None),
        ]
        for name, method, path, body in steps:
            t0 = time.perf_counter()
            r = httpx.request(method, base + path, json=body, timeout=300)
            r.raise_for_status()
            rows.append({"step": name, "seconds": round(time.perf_counter() - t0, 2), **memory(proc.pid)})
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"{'step':40} {'VmRSS MiB':>10} {'VmHWM MiB':>10}")
    for row in rows:
        print(f"{row['step']!s:40} {row['VmRSS']:>10.0f} {row['VmHWM']:>10.0f}")
    out = HERE / "results" / f"serve_rss_{args.label}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"label": args.label, "home": str(args.home), "steps": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
