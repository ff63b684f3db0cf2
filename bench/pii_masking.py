"""Speed and recall of log masking (:func:`assistant.nlu.pii.mask_pii`) on a 1,000-line log sample.

The sample is generated here, deterministically (seeded), in the shapes our
logs take (see ``assistant/logging_config.py``): text lines ``LEVEL logger:
message key=value``, JSON lines, uvicorn access lines and tracebacks; about one
line in five carries personal data (phone numbers in the forms citizens type,
resident registration numbers, e-mail, card and account numbers, addresses),
the rest carry the numbers logs are full of (timestamps, latencies, ids, ports,
amounts, dates). Every planted secret is recorded, so the run also reports
how many stayed visible (must be 0).

Measured (2 shared cores, load 8, median of 5 rounds): the regex phone
pattern before the merge 92 ms per 1,000 lines and 4 of 196 secrets left
visible ("(02) 219-9364" forms); libphonenumber since, 400-600 ms per 1,000
lines (p50 0.16 ms, p95 0.4-0.5 ms a line) and none visible. The cost is the
matcher parsing every digit group; timestamps and IPv4 addresses are blanked
before it runs (that halved p95).

Usage:
    python bench/pii_masking.py [--rounds 5] [--json bench/results/pii_masking.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.nlu.pii import mask_pii  # noqa: E402

_PHONES = ["010-{a}-{b}", "010{a}{b}", "010 {a} {b}", "+82 10 {a} {b}", "+82-10-{a}-{b}", "02-{c}-{b}", "031.{c}.{b}", "(02) {c}-{b}"]
_MESSAGES = [
    "기초연금 신청하려면 어떻게 해요", "다음주 금요일에 부산으로 이사 가요", "월 소득이 1,200만원이면 지원 대상인가요",
    "저는 만 65세인데 받을 수 있나요?", "how do I apply for the energy voucher", "2025년 3월 2일부터 12월 31일까지 신청",
    "보건복지상담센터 129 또는 1588-1234", "서비스ID 000000465790 수정일 2026-01-29", "중위소득 50% 이하, 월 최대 40만원",
]  # fmt: skip


def _secret(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(["phone", "phone", "phone", "rrn", "email", "card", "account", "address"])
    a, b, c = f"{rng.randint(2000, 9999)}", f"{rng.randint(1000, 9999)}", f"{rng.randint(200, 999)}"
    if kind == "phone":
        return kind, rng.choice(_PHONES).format(a=a, b=b, c=c)
    if kind == "rrn":
        return kind, f"{rng.randint(50, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}-{rng.choice('12')}{rng.randint(0, 999999):06d}"
    if kind == "email":
        return kind, f"user{rng.randint(1, 999)}@example.go.kr"
    if kind == "card":
        return kind, "4111 1111 1111 1111"
    if kind == "account":
        return kind, f"110-{c}-{rng.randint(100000, 999999)}"
    return kind, f"서울특별시 강남구 테헤란로 {rng.randint(1, 500)}"


def sample(n: int = 1000, seed: int = 7) -> tuple[list[str], list[str]]:
    """``n`` log lines and the secrets planted in them."""
    rng = random.Random(seed)
    lines, secrets = [], []
    for i in range(n):
        conv = f"{rng.getrandbits(64):016x}"
        msg = rng.choice(_MESSAGES)
        if rng.random() < 0.2:
            _, s = _secret(rng)
            secrets.append(s)
            msg = rng.choice([f"제 번호는 {s}이에요", f"연락처: {s}", f"{msg}\n{s}", f"my details {s} thanks"])
        shape = i % 4
        ms = rng.uniform(0.5, 900)
        if shape == 0:
            lines.append(f"INFO assistant.dialogue.processor: turn handled conversation_id='{conv}' channel='rest' latency_ms={ms:.3f} text={msg!r}")
        elif shape == 1:
            obj = {"time": f"2026-11-29T18:{i % 60:02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}+00:00", "level": "INFO",
                   "logger": "assistant.nlu.pipeline", "message": "parsed", "conversation_id": conv, "intent": "apply_benefit",
                   "confidence": round(rng.random(), 4), "text": msg}  # fmt: skip
            lines.append(json.dumps(obj, ensure_ascii=False))
        elif shape == 2:
            lines.append(f'INFO uvicorn.access: 10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1024, 65535)} - '
                         f'"POST /webhooks/rest/webhook HTTP/1.1" 200 {rng.randint(100, 99999)} {ms:.1f}ms')
        else:
            lines.append(f"WARNING assistant.connectors: retry attempt={rng.randint(1, 3)} after {ms:.0f} ms id={rng.randint(10**9, 10**12)} "
                         f"amount={rng.randint(1, 10**8)} message={msg!r}")
    return lines, secrets


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    lines, secrets = sample()
    mask_pii(lines[0])
    totals, per_line = [], []
    masked: list[str] = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        masked = []
        for ln in lines:
            t1 = time.perf_counter()
            masked.append(mask_pii(ln))
            per_line.append((time.perf_counter() - t1) * 1000)
        totals.append((time.perf_counter() - t0) * 1000)
    out_text = "\n".join(masked)
    leaked = sum(1 for s in secrets if s in out_text)
    result = {
        "what": "mask_pii over a generated 1,000-line log sample, sequential, warm",
        "lines": len(lines),
        "chars": sum(map(len, lines)),
        "secrets_planted": len(secrets),
        "secrets_left_visible": leaked,
        "ms_per_1000_lines_median": round(float(np.median(totals)), 2),
        "ms_per_line_p50": round(float(np.percentile(per_line, 50)), 4),
        "ms_per_line_p95": round(float(np.percentile(per_line, 95)), 4),
        "rounds": args.rounds,
    }
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
