"""Time of one turn for long messages of one repeated unit (no spaces, digits, Hangul, emoji, codes ...).

s35 fresh-user probe: 2,000 letters without a space took 16 s (a backtracking pattern in language detection) and
every other conversation waited behind it; "1" * 400 failed the turn (the number inf). This bench sends each shape,
at each length up to the REST channel's 4,000-character limit, through the engine of a home (in process, a fresh
conversation per message) and reports the seconds per turn, the slowest first, and the error if a turn failed.
Writes JSON (default bench/results/long_messages.json).

Usage:
    python bench/long_messages.py [--home DIR] [--lengths 1000,2000,3990] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: name -> the unit repeated to the length: runs without spaces of each script, digits, codes, and spaced words.
SHAPES = {
    "latin": "a", "hangul": "가", "digits": "1", "latin+digit": "a1", "hangul+digit": "가1", "at": "@", "dots": ".",
    "latin+dot": "a.", "digit+dash": "0-", "jamo": "ㅋ", "emoji": "😀", "emoji+hangul": "🙏가", "won": "1000원",
    "month": "월", "age": "3살", "year": "2026년", "phone-like": "0101234", "digit+comma": "1,", "url": "http://a.b/",
    "mail": "a@b.", "hangul words": "가 ", "latin words": "a ", "digit words": "1 ",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, default=None, help="ASSISTANT_HOME (default: the settings' home)")
    ap.add_argument("--lengths", default="1000,2000,3990", help="comma-separated message lengths in characters")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "long_messages.json")
    args = ap.parse_args(argv)
    if args.home is not None:
        os.environ["ASSISTANT_HOME"] = str(args.home)
    from assistant.cli import _processor
    from assistant.dialogue.messages import UserMessage

    processor = _processor(progress=False)
    processor.handle_message(UserMessage("bench-warm", "안녕하세요", channel="rest"))
    rows = []
    for length in [int(x) for x in args.lengths.split(",")]:
        for name, unit in SHAPES.items():
            text = (unit * (length // len(unit) + 1))[:length]
            t0 = time.perf_counter()
            error = None
            try:
                processor.handle_message(UserMessage(f"bench-long-{name}-{length}-{time.time_ns()}", text, channel="rest"))
            except Exception as e:  # noqa: BLE001 - a failed turn is a figure here
                error = f"{type(e).__name__}: {e}"[:200]
            rows.append({"shape": name, "length": length, "seconds": round(time.perf_counter() - t0, 3), "error": error})
    rows.sort(key=lambda r: -r["seconds"])
    for r in rows[:15]:
        print(f"{r['shape']:14} {r['length']:5d} chars {r['seconds']:7.2f} s{'  ' + r['error'] if r['error'] else ''}")
    report = {"home": str(processor_home(processor)), "cpu_count": os.cpu_count(), "max_seconds": rows[0]["seconds"],
              "failed": sum(1 for r in rows if r["error"]), "rows": rows}
    print(f"slowest {report['max_seconds']} s; {report['failed']} turns failed of {len(rows)}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


def processor_home(processor: object) -> object:
    """The home the engine was loaded from, where the processor says it."""
    settings = getattr(getattr(processor, "router", None), "settings", None)
    return getattr(settings, "home", os.environ.get("ASSISTANT_HOME", ""))


if __name__ == "__main__":
    raise SystemExit(main())
