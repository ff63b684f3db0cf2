"""Latency of entity extraction for one message: all extractors, warm, one at a time.

Builds an :class:`~assistant.nlu.entities.EntityPipeline` with lookup tables
(the 17 metropolitan areas and provinces, 25 Seoul districts, 20 documents),
two regexes, synonyms, and a CRF trained on the annotated examples of
``tests/entity_examples.py``, then times ``pipeline.parse`` (Kiwi
tokenization + regex + lookup + numbers/dates/PII + CRF + negation) on
citizen-style messages in Korean and English, each repeated. Also times each
stage alone so a regression can be placed. Pinned to at most 2 CPU cores
where the OS allows.

Target: intent + entities p95 <= 20 ms together, so entities should stay
under about 8 ms p95.

Usage:
    python bench/entity_latency.py [--rounds 30] [--json bench/results/entity_latency.json]
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
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from entity_examples import EXAMPLES  # noqa: E402  (the tests' annotated set)

from assistant.nlu.entities import EntityPipeline  # noqa: E402
from assistant.nlu.entities.base import analyse  # noqa: E402
from assistant.nlu.entities.negation import negations  # noqa: E402
from assistant.nlu.types import NluTrainingData  # noqa: E402

CITIES = "서울특별시 서울 부산 대구 인천 광주 대전 울산 세종 경기도 강원도 충청북도 충청남도 전라북도 전라남도 경상북도 경상남도 제주도".split()
DISTRICTS = ("종로구 중구 용산구 성동구 광진구 동대문구 중랑구 성북구 강북구 도봉구 노원구 은평구 서대문구 마포구 양천구 강서구 구로구 "
             "금천구 영등포구 동작구 관악구 서초구 강남구 송파구 강동구").split()  # fmt: skip
DOCUMENTS = ("주민등록등본 주민등록초본 가족관계증명서 기본증명서 혼인관계증명서 건강보험자격득실확인서 소득금액증명원 "
             "납세증명서 지방세납세증명서 건축물대장 토지대장 등기부등본 인감증명서 본인서명사실확인서 출입국사실증명 "
             "장애인증명서 국가유공자증 재학증명서 졸업증명서 병적증명서").split()  # fmt: skip

MESSAGES = [
    "서울시 강남구에서 주민등록등본 발급받고 싶어요",
    "다음주 금요일에 부산으로 이사 가요",
    "저는 만 65세인데 기초연금 받을 수 있나요?",
    "월 소득이 1,200만원이면 지원 대상인가요",
    "3억 5천만원짜리 집 전세 대출 가능할까요",
    "제 번호는 010-1234-5678이에요 연락 주세요",
    "아동수당 신청 안 할래요, 그냥 취소하고 싶어요",
    "저는 이 지역 주민이 아니에요. 그래도 도서관 카드 만들 수 있나요?",
    "1990년 2월 31일생이에요",
    "마포구청에서 가족관계증명서 떼려면 뭐가 필요해요?",
    "내일 오전에 주민센터 가도 되나요",
    "에너지바우처 받을 수 있나요?",
    "감사합니다!! 🙏🙏🔥",
    "I am 67 years old and live in Seoul, can I get the basic pension?",
    "I don't want to apply for the child allowance, I want to cancel it",
    "next Friday I move to Busan",
    "우리 아이가 일곱 살인데 어떤 지원이 있나요? 남편은 마흔다섯 살이고 연 소득은 5천만원 정도예요",
    "집주인이 보증금 문제로 또 편지를 보냈어요. 제가 주거급여를 받을 수 있나요?",
]


def _pct(xs: list[float]) -> dict[str, float]:
    a = np.array(xs) * 1000
    return {"p50_ms": round(float(np.percentile(a, 50)), 3), "p95_ms": round(float(np.percentile(a, 95)), 3),
            "max_ms": round(float(a.max()), 3), "n": len(xs)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "entity_latency.json")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[:2]
        os.sched_setaffinity(0, cpus)
    data = NluTrainingData(
        examples=list(EXAMPLES),
        lookups={"city": CITIES, "district": DISTRICTS, "document": DOCUMENTS},
        regexes={"district": [r"[가-힣]{1,4}구(?=청)"], "account": [r"\d{3,6}-\d{2,6}-\d{2,6}"]},
        synonyms={"서울": "서울특별시", "등본": "주민등록등본", "초본": "주민등록초본"},
    )
    pipe = EntityPipeline()
    t0 = time.perf_counter()
    pipe.warm_up()
    report = pipe.train(data)
    train_s = time.perf_counter() - t0
    for m in MESSAGES:  # warm caches
        pipe.parse(m)
    total: list[float] = []
    stages: dict[str, list[float]] = {k: [] for k in ("tokenize", "regex", "lookup", "numbers", "dates", "pii", "ranges", "crf", "negation")}
    # stage names by extractor class, so a new built-in extractor adds a stage instead of breaking the bench
    kinds = {"NumberExtractor": "numbers", "DateExtractor": "dates", "DucklingTimeExtractor": "dates",
             "PiiExtractor": "pii", "RangeExtractor": "ranges",
             "EnglishNumberExtractor": "english_numbers"}
    duck = {kinds.get(type(e).__name__, type(e).__name__): e for e in pipe.duckling_extractors}
    for name in duck:
        stages.setdefault(name, [])
    for _ in range(args.rounds):
        for m in MESSAGES:
            t = time.perf_counter()
            pipe.parse(m)
            total.append(time.perf_counter() - t)
            t = time.perf_counter()
            tokens = analyse(pipe.tokenizer, m)
            stages["tokenize"].append(time.perf_counter() - t)
            for name, ext in [("regex", pipe.regex), ("lookup", pipe.lookup), ("crf", pipe.crf), *duck.items()]:
                t = time.perf_counter()
                ext.extract(m, tokens)
                stages[name].append(time.perf_counter() - t)
            t = time.perf_counter()
            negations(m, tokens)
            stages["negation"].append(time.perf_counter() - t)
    long_inputs = {
        "20000_hangul_no_spaces": "가나다라마바사" * 2857,
        "c03_repeated_600": "집주인이 보증금 문제로 또 편지를 보냈어요. " * 600 + "제가 주거급여를 받을 수 있나요?",
    }
    long_ms = {}
    for name, text in long_inputs.items():
        times = []
        for _ in range(5):
            t = time.perf_counter()
            pipe.parse(text)
            times.append(time.perf_counter() - t)
        long_ms[name] = {"chars": len(text), **_pct(times)}
    result = {
        "what": "EntityPipeline.parse on one message (all extractors), warm, sequential",
        "messages": len(MESSAGES),
        "rounds": args.rounds,
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "train_seconds": round(train_s, 2),
        "train_report": {k: v for k, v in report.items() if k != "seconds"},
        "total": _pct(total),
        "stages": {k: _pct(v) for k, v in stages.items() if v},
        "long_messages": long_ms,
        "target_p95_ms": 8.0,
    }
    print(f"{'stage':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, row in [("ALL", result["total"]), *result["stages"].items()]:
        print(f"{name:<10} {row['p50_ms']:>8.3f} {row['p95_ms']:>8.3f} {row['max_ms']:>8.3f}")
    for name, row in long_ms.items():
        print(f"long: {name} ({row['chars']} chars): p50 {row['p50_ms']:.1f} ms, max {row['max_ms']:.1f} ms")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
