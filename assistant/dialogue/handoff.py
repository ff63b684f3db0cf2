"""Human handoff: where a paused conversation's transcript goes.

:func:`transcript` turns a tracker's user and bot messages into
``[{"role": "user"|"bot", "text", "timestamp"}]`` with personal data masked
(:func:`assistant.nlu.pii.mask_pii`); a :class:`HandoffSink` delivers it:

* :class:`FileHandoffQueue` (default): appends one JSON line per handoff to
  ``ASSISTANT_HOME/handoff/queue.jsonl`` for an operator console to pick up.
* :class:`HttpHandoff`: POSTs the same JSON to ``ASSISTANT_HANDOFF_URL`` (httpx,
  with the connector timeout); a failure raises
  :class:`~assistant.errors.ConnectorUnavailable` and the action falls back to the queue.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, Protocol

import httpx

from assistant.dialogue.events import BotUttered, UserUttered
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import ConnectorUnavailable
from assistant.nlu.pii import mask_pii


def transcript(tracker: DialogueStateTracker, limit: int = 50) -> list[dict[str, Any]]:
    """The last ``limit`` user/bot messages of the conversation, PII masked, oldest first."""
    out: list[dict[str, Any]] = []
    for e in tracker.events:
        if isinstance(e, UserUttered) and e.text is not None:
            out.append({"role": "user", "text": mask_pii(e.text), "timestamp": e.timestamp})
        elif isinstance(e, BotUttered) and e.text:
            out.append({"role": "bot", "text": mask_pii(e.text), "timestamp": e.timestamp})
    return out[-limit:]


def handoff_record(tracker: DialogueStateTracker, reason: str, language: str) -> dict[str, Any]:
    """``{"conversation_id", "reason", "language", "requested_at", "slots", "transcript"}`` (slots' text masked)."""
    slots = {k: (mask_pii(v) if isinstance(v, str) else v) for k, v in tracker.slots.items() if v is not None}
    return {
        "conversation_id": tracker.sender_id,
        "reason": reason,
        "language": language,
        "requested_at": time.time(),
        "slots": slots,
        "transcript": transcript(tracker),
    }


class HandoffSink(Protocol):
    """Receives handoff records."""

    target: str

    def deliver(self, record: dict[str, Any]) -> None:
        """Hand the record over (raise on failure)."""
        ...


class FileHandoffQueue:
    """A JSON-lines queue file (one record per line, appended under a lock).

    Args:
        path: e.g. ``ASSISTANT_HOME/handoff/queue.jsonl`` (folders are created).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.target = f"queue:{path}"
        self._lock = threading.Lock()

    def deliver(self, record: dict[str, Any]) -> None:
        """Append ``record`` as one line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")

    def read(self) -> list[dict[str, Any]]:
        """Every queued record, oldest first (``[]`` when the file does not exist)."""
        if not self.path.exists():
            return []
        return [json.loads(x) for x in self.path.read_text(encoding="utf-8").splitlines() if x.strip()]


class HttpHandoff:
    """POSTs the record as JSON to ``url``.

    Raises (from :meth:`deliver`):
        ConnectorUnavailable: the endpoint cannot be reached or answers non-2xx.
    """

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url
        self.target = url
        self.timeout = timeout

    def deliver(self, record: dict[str, Any]) -> None:
        """POST ``record``."""
        try:
            r = httpx.post(self.url, json=record, timeout=self.timeout)
            r.raise_for_status()
        except httpx.HTTPError as e:
            raise ConnectorUnavailable(f"handoff endpoint {self.url} failed: {type(e).__name__}") from e


def queue_path(home: Path) -> Path:
    """``<home>/handoff/queue.jsonl``."""
    return home / "handoff" / "queue.jsonl"
