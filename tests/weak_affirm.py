"""Make a processor's NLU read one text as ``affirm`` with a given probability (what 👍 got in the field: 0.499)."""

from __future__ import annotations

from typing import Any

from assistant.dialogue.processor import MessageProcessor


def weak_affirm(processor: MessageProcessor, text: str, confidence: float) -> None:
    """From now on ``processor`` parses ``text`` as ``affirm`` at ``confidence`` (entities as the real NLU reads them)."""
    nlu = processor.nlu

    class _Parsed:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def to_rasa(self) -> dict[str, Any]:
            out = dict(self.inner.to_rasa())
            out["intent"] = {"name": "affirm", "confidence": confidence}
            out["intent_ranking"] = [out["intent"]]
            return out

    class _Weak:
        def __getattr__(self, name: str) -> Any:
            return getattr(nlu, name)

        def parse(self, t: str, **kw: Any) -> Any:
            parsed = nlu.parse(t, **kw)
            return _Parsed(parsed) if t == text else parsed

    processor.nlu = _Weak()  # type: ignore[assignment]
