"""Human handoff: where a paused conversation's transcript goes.

:func:`transcript` turns a tracker's user and bot messages into
``[{"role": "user"|"bot", "text", "timestamp"}]`` with personal data masked
(:func:`assistant.nlu.pii.mask_pii`); a :class:`HandoffSink` delivers it:

* :class:`FileHandoffQueue` (default): appends one JSON line per handoff to
  ``ASSISTANT_HOME/handoff/queue.jsonl`` for an operator console to pick up.
* :class:`HttpHandoff`: POSTs the same JSON to ``ASSISTANT_HANDOFF_URL`` (httpx,
  with the connector timeout); a failure raises
  :class:`~assistant.errors.ConnectorUnavailable` and the action falls back to the queue.

A handoff record has ``"type": "handoff"``. While the conversation waits for the person (paused), each later message
of the citizen goes to the same sink as a ``"type": "message"`` record (:func:`message_record`: the conversation id,
the handoff it follows, the text PII masked as the transcript), so the agent sees what the citizen added;
:meth:`FileHandoffQueue.entries` folds them into their handoff's transcript. Until an agent speaks (an ``agent`` event)
every message is answered, so a widget with no agent never shows nothing: the first one with :func:`waiting_text` (the
domain's ``utter_handoff_waiting`` when it has one), later ones with :data:`STILL_WAITING`; both say how to come back,
and a message that asks for it (:func:`ends_wait`: "상담원 연결 취소", "talk to the assistant again", the
:data:`END_PAYLOAD` button) ends the wait (``resume``). Once an agent has spoken the bot stays silent.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any, Protocol

import httpx

from assistant.dialogue.events import AgentUttered, BotUttered, ConversationPaused, HandoffRequested, UserUttered
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


#: The domain response that answers the first message after a handoff (optional: :data:`WAITING` otherwise).
WAITING_RESPONSE = "utter_handoff_waiting"
#: The domain response that answers each later message while no agent has picked up (optional: :data:`STILL_WAITING`).
STILL_WAITING_RESPONSE = "utter_handoff_still_waiting"
#: The domain response said when the citizen ends the wait (optional: :data:`ENDED`).
ENDED_RESPONSE = "utter_handoff_ended"
#: The payload of the "talk to the assistant again" button (an intent with no examples: a button only).
END_PAYLOAD = "/end_handoff"
#: The built-in text of the first answer after a handoff, by language (it says how to come back).
WAITING = {
    "ko": "상담원 연결을 기다리고 있어요. 남기신 메시지는 상담원에게 전달돼요. 기다리지 않고 도우미와 다시 대화하려면 "
          "'상담원 연결 취소'라고 말씀해 주세요.",
    "en": "You're waiting for an agent. Your messages are passed on to them. To stop waiting and talk to the assistant "
          "again, say 'cancel the agent'.",
}
#: The built-in answer to later messages while no agent has picked up, by language.
STILL_WAITING = {
    "ko": "메시지를 상담원에게 전달했어요. 아직 상담원을 기다리는 중이에요. 도우미와 다시 대화하려면 '상담원 연결 취소'라고 말씀해 주세요.",
    "en": "I've passed your message on; you're still waiting for an agent. To talk to the assistant again, say 'cancel the agent'.",
}
#: The built-in answer when the citizen ends the wait, by language.
ENDED = {
    "ko": "상담원 연결을 취소했어요. 다시 도우미와 대화하실 수 있어요. 무엇을 도와드릴까요?",
    "en": "I've cancelled the request for an agent. You're talking to the assistant again: how can I help?",
}
#: What a citizen says to stop waiting for an agent, Korean and English, matched on the whole message (Korean with
#: its spaces removed, final punctuation ignored): the request's cancellation or a wish to talk to the assistant again.
#: The cancel words alone ("취소", "그만", "cancel") count too: while waiting there is nothing else for them to cancel;
#: "신청 취소하고 싶어요" or "cancel my application" do not (they are for the agent).
_KO_ENDING = r"(?:요|할게요?|할래요?|할게여|해요?|해줘|해주세요|해 ?주세요|합니다|하고싶어요?|하고싶은데요?|하기|됐어요|돼요|주세요)?"
_END_WAIT = re.compile(
    # an interjection first ("아 그냥 취소할게요": s42 probe, still waiting)
    r"(?:아|어|음|흠|에이|에휴|아이고)?,?"
    r"(?:(?:상담원|상담사|상담|상담원연결|상담사연결|연결)(?:요청)?(?:은|을|를)?(?:취소|그만|안할래요?|안할게요?|필요없어요?|안해도돼요?)"
    + _KO_ENDING
    + r"|(?:그냥|그럼)?(?:취소|그만)" + _KO_ENDING
    # "아니 그냥 됐어요", "이제 필요 없어요": never mind (s36 probe: the citizen stayed queued, the message forwarded)
    + r"|(?:아니|아뇨|아니요|아니에요)?,?(?:그냥|이제|벌써)?(?:됐어요?|됐습니다|됐네요|필요없어요?|필요없습니다|안기다릴래요?|안할래요?"
      r"|안할게요?)(?:그냥)?"
    + r"|(?:그냥|다시)?(?:도우미|챗봇|봇|상담봇)(?:랑|이랑|과|하고|와|한테)?(?:다시)?(?:대화|얘기|이야기)(?:할래요?|할게요?|하고싶어요?|해요?|하기|"
      r"할래|하고싶은데요?)?"
    + r"|(?:ok(?:ay)?,? )?(?:never ?mind|cancel|stop waiting|forget it)(?:,? (?:please|thanks))?"
    + r"|(?:please )?cancel (?:the |my )?(?:agent|handoff|human|person|agent request|request for an? (?:agent|person|human))"
      r"(?:,? please)?"
    + r"|(?:i want to |i'd like to |let me |can i |please )?(?:talk|go|get|chat|speak) (?:back )?(?:to|with) the "
      r"(?:assistant|bot|chatbot)(?: again)?(?:,? please)?"
    + r"|(?:back to the (?:assistant|bot|chatbot))(?:,? please)?"
    + r"|i don'?t (?:need|want) (?:an? )?(?:agent|human|person)(?: anymore| any more)?"
    + r"|상담원연결취소/도우미와다시대화|cancel the agent / talk to the assistant again"  # the button's titles, typed or
    # sent back as text by a channel that returns a quick reply's label
    + r"|/end_handoff.*)"
)


def waiting_text(language: str) -> str:
    """:data:`WAITING` in ``language`` (Korean for any other)."""
    return WAITING["en" if language == "en" else "ko"]


def ends_wait(text: str | None) -> bool:
    """Whether ``text`` asks to stop waiting for an agent: the :data:`END_PAYLOAD` button, or a phrase of
    :data:`_END_WAIT` ("상담원 연결 취소", "도우미와 다시 대화할래요", "cancel the agent", "back to the assistant").

    Example:
        >>> ends_wait("상담원 연결 취소할게요"), ends_wait("Talk to the assistant again"), ends_wait("아직이에요?")
        (True, True, False)
        >>> ends_wait("아니 그냥 됐어요"), ends_wait("이제 필요 없어요"), ends_wait("신청 다 됐어요?")
        (True, True, False)
        >>> ends_wait("신청 취소하고 싶어요"), ends_wait("cancel my application")  # for the agent, not the wait
        (False, False)
    """
    t = re.sub(r"[\s.!?~。]+$", "", (text or "").strip().lower())
    compact = t.replace(" ", "") if re.search(r"[가-힣]", t) else re.sub(r"\s+", " ", t)
    return _END_WAIT.fullmatch(compact) is not None


def agent_joined(tracker: DialogueStateTracker) -> bool:
    """Whether a human agent has spoken (an ``agent`` event) since the conversation's latest pause: then the agent
    has the conversation and the bot says nothing."""
    for e in reversed(tracker.events):
        if isinstance(e, ConversationPaused):
            return False
        if isinstance(e, AgentUttered):
            return True
    return False


def since_handoff(tracker: DialogueStateTracker) -> tuple[int, float | None]:
    """How many user messages the conversation has since its latest pause (the handoff), and the timestamp of
    that handoff's ``handoff`` event (``None`` when there is none)."""
    users = 0
    for e in reversed(tracker.events):
        if isinstance(e, ConversationPaused):
            break
        if isinstance(e, UserUttered):
            users += 1
    at = next((e.timestamp for e in reversed(tracker.events) if isinstance(e, HandoffRequested)), None)
    return users, at


def message_record(tracker: DialogueStateTracker) -> dict[str, Any] | None:
    """The conversation's latest user message as a record for the handoff sink: ``{"type": "message",
    "conversation_id", "handoff_at" (the ``handoff`` event's timestamp, or None), "role": "user", "text" (PII
    masked), "timestamp"}``; ``None`` when it has no user message with text."""
    for e in reversed(tracker.events):
        if isinstance(e, UserUttered):
            if e.text is None:
                return None
            return {"type": "message", "conversation_id": tracker.sender_id, "handoff_at": since_handoff(tracker)[1],
                    "role": "user", "text": mask_pii(e.text), "timestamp": e.timestamp}
    return None


def handoff_record(tracker: DialogueStateTracker, reason: str, language: str) -> dict[str, Any]:
    """``{"conversation_id", "reason", "language", "requested_at", "slots", "transcript"}`` (slots' text masked)."""
    slots = {k: (mask_pii(v) if isinstance(v, str) else v) for k, v in tracker.slots.items() if v is not None}
    return {
        "type": "handoff",
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

    def entries(self) -> list[dict[str, Any]]:
        """The handoff records, oldest first, each with the citizen's later messages (``"type": "message"``
        lines) appended to its ``transcript`` (``{"role": "user", "text", "timestamp"}``): a message joins the
        latest earlier handoff of its conversation. Messages whose handoff is not in the file are left out."""
        out: list[dict[str, Any]] = []
        latest: dict[str, dict[str, Any]] = {}
        for record in self.read():
            if record.get("type") == "message":
                entry = latest.get(str(record.get("conversation_id")))
                if entry is not None:
                    entry["transcript"].append({k: record.get(k) for k in ("role", "text", "timestamp")})
                continue
            entry = dict(record, transcript=list(record.get("transcript") or []))
            latest[str(record.get("conversation_id"))] = entry
            out.append(entry)
        return out


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
