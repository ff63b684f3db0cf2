"""What the task conversation needs besides the back end: who the applicant is, which key makes a
submission idempotent, which facts go with it, which service or receipt a message names, and how a
checklist or an application reads in a reply (Korean and English).

Used by :mod:`connectors.tasks.actions`; kept apart so the actions read as the conversation they run.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from assistant.dialogue.knowledge_base import ServiceTitleMatcher, title_has_name
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.document_names import document_name

logger = logging.getLogger(__name__)

#: A receipt number of the embedded back end (:func:`connectors.tasks.store.new_receipt`), also inside
#: Korean text ("TK-20261129-ABCD1234로"), in any letter case.
RECEIPT_PATTERN = re.compile(r"(?<![0-9A-Za-z])TK-\d{8}-[0-9A-Za-z]{8}(?![0-9A-Za-z])", re.IGNORECASE)
#: Keys of a checklist item the back end accepts (``connectors.tasks.service.ChecklistItem``).
CHECKLIST_KEYS = ("name", "note", "applies_to", "group", "official_check", "alternatives", "mydata_record", "provided",
                  "consent_id")
#: Korea Standard Time (no daylight saving since 1988): dates are shown as the citizen's calendar has them.
KST = timezone(timedelta(hours=9))
#: At most this many checklist items are listed in one message (the rest: a count and the catalogue link).
MAX_SHOWN_DOCUMENTS = 15

_STATE_NAMES = {
    "ko": {"submitted": "접수됨", "in_review": "심사 중", "approved": "승인됨", "rejected": "반려됨", "cancelled": "취소됨"},
    "en": {"submitted": "submitted", "in_review": "in review", "approved": "approved", "rejected": "rejected",
           "cancelled": "cancelled"},
}
_WORDS = {
    "ko": {"mydata": "공공 마이데이터로 받을 수 있어요", "mydata_attached": "공공 마이데이터로 첨부",
           "mydata_withdrawn": "마이데이터 동의 철회됨: 다시 필요해요", "official": "담당 기관이 직접 확인해요(제출 불필요)",
           "none_listed": "카탈로그에 등록된 구비서류가 없어요", "nothing": "없음", "more": "외 {n}건(전체 목록: {url})",
           "proxy_only": "대리 신청 시에만",
           "handoff": "상담원 연결", "retry": "다시 시도", "cancel_other": "{receipt} 취소"},
    "en": {"mydata": "available through Public MyData", "mydata_attached": "attached from Public MyData",
           "mydata_withdrawn": "MyData consent withdrawn: needed again", "official": "the office checks it itself (nothing to submit)",
           "none_listed": "the catalogue lists no required documents", "nothing": "nothing", "more": "and {n} more (full list: {url})",
           "proxy_only": "only if someone applies for you",
           "handoff": "Talk to a person", "retry": "Try again", "cancel_other": "Cancel {receipt}"},
}


def words(language: str) -> dict[str, str]:
    """The fixed words of task replies in ``language`` (``ko`` for anything but ``en``)."""
    return _WORDS["en" if language == "en" else "ko"]


def state_name(state: str, language: str) -> str:
    """An application state as the citizen reads it (``"in_review"`` → ``"심사 중"`` / ``"in review"``)."""
    return _STATE_NAMES["en" if language == "en" else "ko"].get(state, state)


def applicant_id_for(sender_id: str, secret: bytes) -> str:
    """The applicant id the task back end stores a conversation's applications under: ``"ak:"`` + SHA-256 of its
    applicant key (:func:`connectors.tasks.auth.applicant_key`, an HMAC of the sender id under the deployment's
    secret). Stable per conversation; the back end never sees the sender id, and knowing it is not enough.

    Example:
        >>> applicant_id_for("u1", b"s" * 32) == applicant_id_for("u1", b"s" * 32) != applicant_id_for("u2", b"s" * 32)
        True
    """
    from connectors.tasks.auth import applicant_id_for_key, applicant_key

    return applicant_id_for_key(applicant_key(secret, sender_id))


def idempotency_key(applicant_id: str, service_id: str, message_id: str) -> str:
    """The submission key of one confirmation when the caller gave no key of its own: SHA-256 of applicant,
    service and the confirming message's id.

    The engine gives every action call a key (``tracker.idempotency_key``, :mod:`assistant.dialogue.effects`),
    which :class:`connectors.tasks.actions.SubmitApplication` uses; this one is for a caller without it (a Rasa
    server). A redelivered message (same id) or a retried call gets the same key, so the back end stores one
    application (see :mod:`connectors.tasks.client`).
    """
    raw = "\0".join((applicant_id, service_id, message_id)).encode("utf-8")
    return "k-" + hashlib.sha256(raw).hexdigest()[:40]


def confirming_message_id(latest_message: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> str:
    """The id of the user message being answered: the channel's ``message_id`` (event or metadata), else
    ``t:<timestamp>`` of the latest ``user`` event (then a redelivery cannot be recognised: a channel
    without message ids cannot tell a redelivery from a new message)."""
    mid = latest_message.get("message_id") or (latest_message.get("metadata") or {}).get("message_id")
    if mid not in (None, ""):
        return f"m:{mid}"
    user = next((e for e in reversed(events) if e.get("event") == "user"), None)
    return f"t:{user.get('timestamp') if user else ''}"


def receipts_in(text: str, entity_values: Iterable[Any] = ()) -> list[str]:
    """Receipt numbers named by the ``receipt`` entities, then in ``text`` (upper-cased, each once, in order)."""
    found = [str(v) for v in entity_values if v] + [m.group(0) for m in RECEIPT_PATTERN.finditer(text or "")]
    return list(dict.fromkeys(r.strip().upper() for r in found if RECEIPT_PATTERN.fullmatch(r.strip())))


def kst_date(iso: str) -> str:
    """``YYYY-MM-DD`` in Korea Standard Time of an ISO 8601 UTC instant (``...Z``); the input when unreadable."""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(KST).date().isoformat()
    except (ValueError, AttributeError):
        return str(iso)


def checklist_items(documents: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The checklist JSON as the application stores it: documents the office checks itself are
    ``provided: official``, the rest ``pending``; :func:`connectors.tasks.documents.attach_documents` then marks
    those a MyData consent covers."""
    out = []
    for d in documents:
        item = {k: d[k] for k in CHECKLIST_KEYS if k in d and k not in ("provided", "consent_id")}
        item["provided"] = "official" if d.get("official_check") else "pending"
        out.append(item)
    return out


def format_checklist(documents: Sequence[Mapping[str, Any]], url: str, language: str) -> tuple[str, str]:
    """The checklist as reply text: ``(lines, to_bring)``.

    Document names are the catalogue's; in English the ones :func:`connectors.tasks.document_names.document_name`
    knows in English, the rest in Korean marked "(in Korean)".

    ``lines``: one ``- `` line per document (``[case] name (note) — MyData / attached from MyData / office
    checks``), at most :data:`MAX_SHOWN_DOCUMENTS` then the count of the rest with ``url``; ``to_bring``: the
    documents the citizen prepares (neither MyData-suppliable nor checked by the office), comma-separated, or
    the word for nothing. A document is "attached" when its item says ``provided: mydata`` (see
    :mod:`connectors.tasks.documents`).
    """
    w = words(language)
    if not documents:
        return f"- {w['none_listed']}", w["nothing"]
    lines = []
    for d in documents[:MAX_SHOWN_DOCUMENTS]:
        case = f"[{d['applies_to']}] " if d.get("applies_to") else ""
        note = f" ({d['note']})" if d.get("note") else ""
        if d.get("official_check"):
            mark = f" — {w['official']}"
        elif d.get("provided") == "mydata":
            mark = f" — {w['mydata_attached']}"
        elif d.get("provided") == "withdrawn":
            mark = f" — {w['mydata_withdrawn']}"
        else:
            mark = f" — {w['mydata']}" if d.get("mydata_record") else ""
        lines.append(f"- {case}{document_name(d, language)}{note}{mark}")
    if len(documents) > MAX_SHOWN_DOCUMENTS:
        lines.append("- " + w["more"].format(n=len(documents) - MAX_SHOWN_DOCUMENTS, url=url))
    # a document needed only when someone else applies (위임장 under ○대리신청) says so: not every applicant brings it
    bring = list(dict.fromkeys(document_name(d, language) + (f" ({w['proxy_only']})" if "대리" in str(d.get("applies_to") or "") else "")
                               for d in documents if not d.get("official_check") and not d.get("mydata_record")))
    return "\n".join(lines), ", ".join(bring) if bring else w["nothing"]


@dataclass(frozen=True)
class ServiceRef:
    """A catalogue service a message names: 서비스ID, name and agency (``""`` when unknown)."""

    service_id: str
    name: str
    agency: str = ""


class ServiceNames:
    """Finds catalogue services named in a message (by title, longest first; a shared title gives every
    service that has it), over the catalogue a :class:`ChecklistSource` knows; rebuilt after a re-import.

    Args:
        source: the catalogue, or a callable that makes it on first use (None: no catalogue).
    """

    def __init__(self, source: ChecklistSource | Callable[[], ChecklistSource | None] | None) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._built_for: int | None = None
        self._matcher = ServiceTitleMatcher(())
        self._by_title: dict[str, list[ServiceRef]] = {}
        self._example: tuple[int, str | None] | None = None

    def _catalogue(self) -> ChecklistSource | None:
        if self._source is None or isinstance(self._source, ChecklistSource):
            return self._source
        self._source = self._source()
        return self._source

    def documents(self) -> Mapping[str, Any]:
        """The catalogue's documents by 서비스ID (empty when it cannot be read)."""
        try:
            source = self._catalogue()
            return source.documents() if source is not None else {}
        except Exception as e:  # noqa: BLE001 - the catalogue cannot be read: ask which service instead
            logger.warning("service catalogue unavailable", extra={"stage": "action", "error": type(e).__name__})
            return {}

    def example(self) -> str | None:
        """A service title of the loaded catalogue to give as an example of naming a service (``None``: no catalogue).

        Never a service the catalogue lacks (fresh-user report item 12: the prompt offered "기초연금 신청할래요",
        which the 1,097-service snapshot does not have, and looped on its own example): the first title, shortest
        first, that names exactly one service when said as "<title> 신청할래요".
        """
        docs = self.documents()
        if self._example is not None and self._example[0] == id(docs):
            return self._example[1]
        counts = Counter(d.title for d in docs.values())
        found: str | None = None
        for title in sorted((t for t, n in counts.items() if n == 1 and t), key=lambda t: (len(t), t))[:200]:
            refs = self.find(f"{title} 신청할래요")
            if len(refs) == 1 and refs[0].name == title:
                found = title
                break
        self._example = (id(docs), found)
        return found

    def holding(self, name: str) -> list[ServiceRef]:
        """The services whose title holds ``name`` (spaces ignored: "유아학비" → 유아학비 (누리과정) 지원), in the
        catalogue's order; empty when none does or the catalogue cannot be read."""
        wanted = re.sub(r"\s+", "", name)
        if not wanted:
            return []
        return [ServiceRef(d.doc_id, d.title, d.agency) for d in self.documents().values()
                if wanted in re.sub(r"\s+", "", d.title)]

    def holding_words(self, name: str) -> list[ServiceRef]:
        """The services whose title holds each word of ``name`` but those that say it is help
        (:func:`~assistant.dialogue.knowledge_base.title_has_name`), in the catalogue's order; empty when none does or
        the catalogue cannot be read. A name said otherwise than the title: "산모 건강관리 서비스" is 부여군's 산모·신생아
        건강관리 지원사업 and the like (s51 probe: "'산모 건강관리 서비스'라는 이름의 서비스는 … 찾지 못했어요" beside
        nine such titles)."""
        return [ServiceRef(d.doc_id, d.title, d.agency) for d in self.documents().values() if title_has_name(d.title, name)]

    def find(self, text: str) -> list[ServiceRef]:
        """The services whose title the text names (the longest title named; several if they share it)."""
        try:
            source = self._catalogue()
            docs = source.documents() if source is not None else {}
        except Exception as e:  # the catalogue cannot be read: ask which service instead of failing the turn
            logger.warning("service catalogue unavailable", extra={"stage": "action", "error": type(e).__name__})
            return []
        with self._lock:
            if self._built_for != id(docs):
                by_title: dict[str, list[ServiceRef]] = {}
                for d in docs.values():
                    by_title.setdefault(d.title, []).append(ServiceRef(d.doc_id, d.title, d.agency))
                self._by_title, self._matcher, self._built_for = by_title, ServiceTitleMatcher(by_title), id(docs)
            titles = self._matcher.find(text)
            return list(self._by_title.get(titles[0], [])) if titles else []
