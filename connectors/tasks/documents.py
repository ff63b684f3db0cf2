"""Application documents supplied through Public MyData under the citizen's consent (issue #5).

A checklist item whose document MyData can supply (``mydata_record``, see :mod:`connectors.tasks.checklist`)
goes with the application in one of these ways (its ``provided`` field):

* ``mydata`` with ``consent_id``: a live consent of this conversation covers the record, so the office may
  obtain it from the provider under that consent. The application stores the consent id and the record
  type only, never the record's content (the assistant fetches nothing for this).
* ``pending``: no such consent; the citizen brings it, or consents first (the MyData offer).
* ``withdrawn`` (set by the task back end, :meth:`connectors.tasks.store.ApplicationStore.withdraw_consent`):
  the consent was revoked or expired before the office decided; the document is needed again.

Which consents count (:func:`usable_consent`): active now (granted, not revoked, not expired), granted the
record's scope, and given for a purpose in :data:`DOCUMENT_PURPOSES`. A consent given only to check
eligibility (``eligibility_check``) does not let the assistant send documents to an agency with an
application: purpose limitation (개인정보 보호법 제18조 제1항: personal data may not be provided beyond the
purpose consented to), so the citizen is asked for a consent for the application itself.

The consents are read from the MyData connector's consent store (:class:`MyDataConsents`); the conversation
is known there only as :func:`connectors.mydata.ticket.citizen_ref` of its sender id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import AssistantError
from connectors.tasks.document_names import document_name

if TYPE_CHECKING:
    from assistant.settings import Settings
    from connectors.mydata.consent import MyDataConnector
    from connectors.mydata.store import Consent

logger = logging.getLogger(__name__)

#: Consent purposes (:data:`connectors.mydata.scopes.PURPOSES`) under which a record may go to an agency with
#: an application.
DOCUMENT_PURPOSES = frozenset({"application"})
#: The purpose the MyData offer asks for when it is made for an application.
APPLICATION_PURPOSE = "application"

_WORDS = {
    "ko": {"heading": "공공 마이데이터 서류:", "attached": "공공 마이데이터로 첨부했어요(동의 {consent})",
           "can_attach": "마이데이터 제공에 동의하시면 첨부할 수 있어요(동의하지 않으시면 직접 준비해 주세요)",
           "withdrawn": "마이데이터 동의가 철회되어 다시 필요해요", "offer": "마이데이터로 서류 첨부하기"},
    "en": {"heading": "Public MyData documents:", "attached": "attached from Public MyData (consent {consent})",
           "can_attach": "can be attached from Public MyData if you consent (otherwise please prepare them yourself)",
           "withdrawn": "needed again: the MyData consent was withdrawn", "offer": "Attach documents with MyData"},
}


def words(language: str) -> dict[str, str]:
    """The fixed words of document replies in ``language`` (``ko`` for anything but ``en``)."""
    return _WORDS["en" if language == "en" else "ko"]


class ConsentView(Protocol):
    """What the task actions need to know about a conversation's MyData consents."""

    def consents(self, sender_id: str) -> list[Consent]:
        """The conversation's consents, oldest first."""
        ...

    def now(self) -> float:
        """The consent store's clock (epoch seconds)."""
        ...


class MyDataConsents:
    """:class:`ConsentView` over the MyData connector's consent store.

    Args:
        settings: ``mydata_*`` settings (the store URL and the key of :func:`~connectors.mydata.ticket.citizen_ref`).
        connector: the connector whose store and clock to read (tests); default: built from settings on first use.
    """

    def __init__(self, settings: Settings, connector: MyDataConnector | None = None) -> None:
        self.settings = settings
        self._connector = connector
        self._lock = threading.Lock()
        self._key: bytes | None = None

    @property
    def connector(self) -> MyDataConnector:
        """The connector (built from settings on first use)."""
        with self._lock:
            if self._connector is None:
                from connectors.mydata.consent import MyDataConnector

                self._connector = MyDataConnector.from_settings(self.settings)
            return self._connector

    def consents(self, sender_id: str) -> list[Consent]:
        """The conversation's consents, oldest first."""
        from connectors.mydata.ticket import citizen_ref, secret_key

        if self._key is None:
            self._key = secret_key(self.settings)
        return self.connector.list_consents(citizen_ref(sender_id, self._key))

    def now(self) -> float:
        """The connector's clock."""
        return float(self.connector.clock())


def usable_consent(record: str, consents: Iterable[Consent], now: float) -> Consent | None:
    """The newest consent that lets ``record`` go with an application: active at ``now``, ``record`` granted,
    purpose in :data:`DOCUMENT_PURPOSES` (see the module docstring); ``None`` when there is none.

    Example:
        >>> from connectors.mydata.store import Consent
        >>> c = Consent("c1", "conv-x", ("income",), "application", "", "", "active", 0.0, 100.0, granted_scopes=("income",))
        >>> usable_consent("income", [c], 50.0).id, usable_consent("income", [c], 150.0)
        ('c1', None)
    """
    ok = [c for c in consents
          if c.purpose in DOCUMENT_PURPOSES and record in c.granted_scopes and c.status(now) == "active"
          and (c.token_expires_at is None or now < c.token_expires_at)]
    return max(ok, key=lambda c: (c.granted_at or c.created_at, c.id)) if ok else None


def live_consents(view: ConsentView | None, sender_id: str) -> tuple[list[Consent], float] | None:
    """The conversation's consents and the store's clock; ``None`` when there is no consent store or it cannot be
    read (then nothing is attached and nothing is withdrawn: the application goes on with the documents to bring,
    never with a guess)."""
    if view is None:
        return None
    try:
        return view.consents(sender_id), view.now()
    except AssistantError as e:
        logger.warning("consent store unavailable; MyData documents left as they are",
                       extra={"conversation_id": sender_id, "stage": "action", "error": type(e).__name__})
        return None


def attach_documents(items: Sequence[Mapping[str, Any]], consents: Iterable[Consent], now: float) -> list[dict[str, Any]]:
    """The checklist items with each MyData-suppliable document marked as supplied under a usable consent.

    Args:
        items: checklist items (:func:`connectors.tasks.dialogue.checklist_items`).
        consents: the conversation's consents.
        now: epoch seconds of the consent store's clock.

    Returns:
        Copies of ``items``: those with a ``mydata_record`` a usable consent covers get ``provided: "mydata"`` and
        its ``consent_id``; other MyData-suppliable ones ``provided: "pending"`` without a ``consent_id``; documents
        the office checks itself stay ``official``.
    """
    consents = list(consents)
    out: list[dict[str, Any]] = []
    for raw in items:
        item = dict(raw)
        record = item.get("mydata_record")
        if record and item.get("provided") != "official":
            c = usable_consent(str(record), consents, now)
            item.pop("consent_id", None)
            item["provided"] = "mydata" if c else "pending"
            if c:
                item["consent_id"] = c.id
        out.append(item)
    return out


def needed_records(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """The record types of MyData-suppliable documents not yet attached (sorted, each once)."""
    return sorted({str(i["mydata_record"]) for i in items
                   if i.get("mydata_record") and i.get("provided") in ("pending", "withdrawn")})


def documents_summary(items: Iterable[Mapping[str, Any]], language: str) -> str:
    """What happens to the MyData-suppliable documents, as reply lines (``""`` when there are none).

    One line per state, e.g. ``"- 주민등록등본, 소득금액증명원: 공공 마이데이터로 첨부했어요(동의 1a2b3c4d)"``; the
    consent is named by the first 8 characters of its id (enough to find it in the consent list). In English the
    documents are named by :func:`connectors.tasks.document_names.document_name`.
    """
    w = words(language)
    attached: dict[str, list[str]] = {}
    can, withdrawn = [], []
    for i in items:
        if not i.get("mydata_record"):
            continue
        name = document_name(i, language)
        if i.get("provided") == "mydata" and i.get("consent_id"):
            attached.setdefault(str(i["consent_id"]), []).append(name)
        elif i.get("provided") == "withdrawn":
            withdrawn.append(name)
        elif i.get("provided") == "pending":
            can.append(name)
    lines = [f"- {', '.join(dict.fromkeys(names))}: {w['attached'].format(consent=cid[:8])}" for cid, names in attached.items()]
    if withdrawn:
        lines.append(f"- {', '.join(dict.fromkeys(withdrawn))}: {w['withdrawn']}")
    if can:
        lines.append(f"- {', '.join(dict.fromkeys(can))}: {w['can_attach']}")
    return "\n".join(lines)


def lapsed_consents(items: Iterable[Mapping[str, Any]], consents: Iterable[Consent], now: float) -> list[str]:
    """Consent ids the items were supplied under that no longer allow it (revoked or expired), each once.

    A consent id not among ``consents`` is left alone (it is not this conversation's to judge).
    """
    by_id = {c.id: c for c in consents}
    out: list[str] = []
    for i in items:
        cid = i.get("consent_id")
        if i.get("provided") != "mydata" or not cid:
            continue
        c = by_id.get(str(cid))
        if c is not None and c.status(now) in ("revoked", "expired") and cid not in out:
            out.append(str(cid))
    return out
