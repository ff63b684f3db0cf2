"""Applications in the database: submit once per idempotency key, look up, move through the state machine.

Tables (prefixed ``task_`` so they can share a database with other stores):

* ``task_applications``: one row per application. ``receipt`` is the primary key; ``(applicant_id,
  idempotency_key)`` is UNIQUE, which is what makes a submission idempotent even when two retries race.
  ``request_hash`` (SHA-256 of the submitted service, facts and checklist) detects a key reused for a
  different request.
* ``task_application_events``: the state history (from, to, reason, time), oldest first.

State machine::

    submitted ──► in_review ──► approved
        │             │    └──► rejected
        └──► cancelled ◄┘

A MyData consent withdrawn before the decision (:meth:`ApplicationStore.withdraw_consent`) changes the checklist of
``submitted`` / ``in_review`` applications (documents supplied under it become ``provided: withdrawn``) and adds a
history entry with the state unchanged.

Cancelling is allowed from ``submitted`` and ``in_review``; cancelling an already cancelled application
returns it unchanged (a retried cancel is safe); every other move raises :class:`InvalidTransitionError`.
Moves are compare-and-set (``UPDATE ... WHERE state = :seen``), so two concurrent moves cannot both win.

Receipt numbers: ``TK-YYYYMMDD-XXXXXXXX``: the submission date in Korea (Asia/Seoul, UTC+9, the date the
status reply shows: :func:`connectors.tasks.dialogue.kst_date`) and 8 characters of Crockford base32
(``0-9A-Z`` without I, L, O, U: nothing to misread on a phone) drawn from :mod:`secrets` (40 bits). The
primary key makes them unique; a collision is redrawn, and so is a draw the personal-data detectors would read as a
number (:func:`new_receipt`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

from sqlalchemy import (
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from assistant.errors import InvalidInputError
from assistant.nlu.pii import find_personal_data
from assistant.stores.database import Database

State = Literal["submitted", "in_review", "approved", "rejected", "cancelled"]
STATES: tuple[State, ...] = ("submitted", "in_review", "approved", "rejected", "cancelled")
#: Allowed moves: state → the states it may go to.
TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"in_review", "cancelled"}),
    "in_review": frozenset({"approved", "rejected", "cancelled"}),
    "approved": frozenset(),
    "rejected": frozenset(),
    "cancelled": frozenset(),
}
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_ID_CHARS = 128

metadata = MetaData()
applications = Table(
    "task_applications",
    metadata,
    Column("receipt", String(32), primary_key=True),
    Column("applicant_id", String(MAX_ID_CHARS), nullable=False),
    Column("idempotency_key", String(MAX_ID_CHARS), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("service_id", String(64), nullable=False),
    Column("service_name", String(500), nullable=False),
    Column("state", String(16), nullable=False),
    Column("facts", Text, nullable=False),
    Column("checklist", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    UniqueConstraint("applicant_id", "idempotency_key", name="uq_task_applications_applicant_key"),
)
Index("ix_task_applications_applicant", applications.c.applicant_id)
application_events = Table(
    "task_application_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("receipt", String(32), ForeignKey("task_applications.receipt"), nullable=False, index=True),
    Column("from_state", String(16)),
    Column("to_state", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", Double, nullable=False),
)


class ApplicationNotFoundError(InvalidInputError, LookupError):
    """No application with that receipt number (for that applicant)."""


class InvalidTransitionError(InvalidInputError):
    """The application cannot move to the requested state from the one it is in."""


class IdempotencyConflictError(InvalidInputError):
    """The idempotency key was already used by this applicant for a different request."""


@dataclass(frozen=True)
class Application:
    """One stored application.

    Attributes:
        receipt: ``TK-YYYYMMDD-XXXXXXXX``.
        applicant_id: the applicant's pseudonymous id (never a resident registration number).
        service_id, service_name: the catalogue service applied for.
        state: one of :data:`STATES`.
        facts: the facts snapshot submitted (eligibility fact names → values).
        checklist: the documents checklist submitted (list of JSON objects).
        created_at, updated_at: seconds since the epoch (UTC).
        history: ``[{"from", "to", "reason", "at"}]`` oldest first.
    """

    receipt: str
    applicant_id: str
    service_id: str
    service_name: str
    state: State
    facts: dict[str, Any]
    checklist: list[dict[str, Any]]
    created_at: float
    updated_at: float
    history: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The HTTP representation (``created_at``/``updated_at`` as ISO 8601 UTC)."""
        return {"receipt": self.receipt, "applicant_id": self.applicant_id, "service_id": self.service_id,
                "service_name": self.service_name, "state": self.state, "facts": self.facts,
                "checklist": self.checklist, "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at),
                "history": [dict(h, at=_iso(h["at"])) for h in self.history]}


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


#: Asia/Seoul (no daylight saving since 1988, so a fixed UTC+9; no tz database needed); the receipt's date.
SEOUL = timezone(timedelta(hours=9), "KST")


#: Where a receipt is shown, as the PII detectors are asked about it in :func:`new_receipt`: alone, in the Korean
#: reply, inside an English sentence and in a URL path (the cancel call), upper and lower case.
_RECEIPT_CONTEXTS = ("{r}", "접수번호는 {r}예요", "Your receipt number is {r}.", "/applications/{r}/cancel", "{lower}")


def _token() -> str:
    """Eight Crockford base32 characters from :mod:`secrets` (tests replace this to force a draw)."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(8))


def reads_as_personal_data(receipt: str) -> bool:
    """Whether any personal-data detector (:func:`assistant.nlu.pii.find_personal_data`, system ids *not* exempted)
    finds something in ``receipt`` where it is shown (:data:`_RECEIPT_CONTEXTS`)."""
    return any(find_personal_data(c.format(r=receipt, lower=receipt.lower()), exempt_system_ids=False)
               for c in _RECEIPT_CONTEXTS)


def new_receipt(now: float | None = None) -> str:
    """A fresh receipt number ``TK-YYYYMMDD-XXXXXXXX`` (see the module docstring); the date is Korea's
    (Asia/Seoul) at ``now`` (seconds since the epoch; default the current time).

    A draw whose digits any personal-data detector reads as a card, phone, account or resident number
    (:func:`reads_as_personal_data`; about 0.04 % of draws, e.g. ``TK-20261130-78532JB4``: ``20261130-78532`` passes
    a card's Luhn check) is drawn again, so no receipt is masked even where the detectors do not know it is an id
    (they do: :mod:`assistant.nlu.system_ids`).
    """
    day = datetime.fromtimestamp(time.time() if now is None else now, SEOUL).strftime("%Y%m%d")
    while True:
        receipt = f"TK-{day}-{_token()}"
        if not reads_as_personal_data(receipt):
            return receipt


def request_hash(service_id: str, facts: dict[str, Any], checklist: list[dict[str, Any]]) -> str:
    """SHA-256 of the canonical JSON of what was submitted (keys sorted)."""
    body = json.dumps([service_id, facts, checklist], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _check_id(value: str, what: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_CHARS:
        raise InvalidInputError(f"{what} must be a non-empty string of at most {MAX_ID_CHARS} characters")


class ApplicationStore:
    """Applications and their history in SQLite or PostgreSQL.

    Args:
        url: SQLAlchemy URL (``sqlite:///<home>/tasks.db`` by default in the service).

    Example:
        >>> store = ApplicationStore("sqlite://")
        >>> app, created = store.submit("S1", "서비스", "u1", {"age": 70}, [], "key-1")
        >>> created, app.state, store.submit("S1", "서비스", "u1", {"age": 70}, [], "key-1")[0].receipt == app.receipt
        (True, 'submitted', True)
    """

    def __init__(self, url: str) -> None:
        self.db = Database(url, metadata, "task store")

    # --- writing ---------------------------------------------------------------------------------------

    def submit(self, service_id: str, service_name: str, applicant_id: str, facts: dict[str, Any],
               checklist: list[dict[str, Any]], idempotency_key: str) -> tuple[Application, bool]:
        """Store a new application, or return the one already stored under ``(applicant_id, idempotency_key)``.

        Returns:
            ``(application, created)``: ``created`` is false for a replay of an earlier submission.

        Raises:
            InvalidInputError: an empty or too long id or key.
            IdempotencyConflictError: the key was used by this applicant for a different request.
            StoreUnavailableError: the database cannot be reached.
        """
        _check_id(service_id, "service_id")
        _check_id(applicant_id, "applicant_id")
        _check_id(idempotency_key, "idempotency_key")
        digest = request_hash(service_id, facts, checklist)
        for _ in range(5):
            existing = self._by_key(applicant_id, idempotency_key)
            if existing is not None:
                return self._replay(existing, digest), False
            now = time.time()
            receipt = new_receipt(now)
            try:
                with self.db.write("submitting an application") as conn:
                    conn.execute(insert(applications).values(
                        receipt=receipt, applicant_id=applicant_id, idempotency_key=idempotency_key, request_hash=digest,
                        service_id=service_id, service_name=service_name or service_id, state="submitted",
                        facts=json.dumps(facts, ensure_ascii=False, sort_keys=True),
                        checklist=json.dumps(checklist, ensure_ascii=False), created_at=now, updated_at=now))
                    conn.execute(insert(application_events).values(receipt=receipt, from_state=None, to_state="submitted",
                                                                   reason="submitted", at=now))
            except IntegrityError:
                # Either a concurrent retry with the same key won (the loop returns its receipt) or the
                # receipt collided (the loop draws another).
                continue
            app = self.get(receipt)
            return app, True
        raise InvalidInputError("could not store the application: 5 receipt collisions in a row")

    def _replay(self, row: Any, digest: str) -> Application:
        if row.request_hash != digest:
            raise IdempotencyConflictError(
                f"idempotency key already used for application {row.receipt} with a different request; "
                "use a new key for a new application")
        return self.get(row.receipt)

    def transition(self, receipt: str, to: str, reason: str = "", applicant_id: str | None = None) -> Application:
        """Move an application to ``to`` (compare-and-set on its current state).

        Args:
            receipt: the receipt number.
            to: the target state.
            reason: stored in the history.
            applicant_id: when given, the application must belong to this applicant.

        Raises:
            ApplicationNotFoundError: no such receipt (for this applicant).
            InvalidTransitionError: the move is not allowed from the current state (the message names both
                and the allowed moves).
            InvalidInputError: ``to`` is not a state.
        """
        if to not in TRANSITIONS:
            raise InvalidInputError(f"unknown state {to!r}; states: {', '.join(STATES)}")
        for _ in range(10):
            current = self.get(receipt, applicant_id)
            if to == "cancelled" and current.state == "cancelled":
                return current  # a retried cancel
            if to not in TRANSITIONS[current.state]:
                allowed = ", ".join(sorted(TRANSITIONS[current.state])) or "none (final state)"
                raise InvalidTransitionError(
                    f"application {receipt} is {current.state}; it cannot become {to} (allowed from "
                    f"{current.state}: {allowed})")
            now = time.time()
            with self.db.write("updating an application") as conn:
                moved = conn.execute(update(applications).where(applications.c.receipt == receipt,
                                                                applications.c.state == current.state)
                                     .values(state=to, updated_at=now)).rowcount
                if moved:
                    conn.execute(insert(application_events).values(receipt=receipt, from_state=current.state, to_state=to,
                                                                   reason=reason or to, at=now))
            if moved:
                return self.get(receipt)
        raise InvalidTransitionError(f"application {receipt} kept changing while moving it to {to}; try again")

    def withdraw_consent(self, consent_id: str, applicant_id: str | None = None, reason: str = "revoked") -> list[Application]:
        """A MyData consent was revoked or expired: documents supplied under it are needed again.

        In every application not yet decided (``submitted``, ``in_review``; of ``applicant_id`` when given) each
        checklist item with ``provided: "mydata"`` and this ``consent_id`` becomes ``provided: "withdrawn"`` (the
        consent id stays, to say which consent it was), and the history gets an entry (state unchanged, reason
        ``"mydata consent <reason>: <record types> needed again"``). Decided applications are not changed: the
        office decided while the consent was valid. Compare-and-set on the stored checklist, so a concurrent
        change is re-read. Repeating it changes nothing more.

        Args:
            consent_id: the consent's id.
            applicant_id: only this applicant's applications (``None``: any applicant's, the admin).
            reason: ``"revoked"`` or ``"expired"``.

        Returns:
            The applications changed now, newest first.

        Raises:
            InvalidInputError: an empty or too long id, or another reason.
            StoreUnavailableError: the database cannot be reached.
        """
        _check_id(consent_id, "consent_id")
        if reason not in ("revoked", "expired"):
            raise InvalidInputError(f"reason must be revoked or expired, not {reason!r}")
        like = f'%"consent_id": {json.dumps(consent_id, ensure_ascii=False)}%'
        query = select(applications.c.receipt).where(applications.c.state.in_(("submitted", "in_review")),
                                                     applications.c.checklist.like(like))
        if applicant_id is not None:
            query = query.where(applications.c.applicant_id == applicant_id)
        with self.db.read("finding applications with MyData documents") as conn:
            receipts = [r.receipt for r in conn.execute(query.order_by(applications.c.created_at.desc())).all()]
        changed = []
        for receipt in receipts:
            app = self._withdraw_one(receipt, consent_id, reason)
            if app is not None:
                changed.append(app)
        return changed

    def _withdraw_one(self, receipt: str, consent_id: str, reason: str) -> Application | None:
        for _ in range(10):
            with self.db.read("reading an application") as conn:
                row = conn.execute(select(applications).where(applications.c.receipt == receipt)).first()
            if row is None or row.state not in ("submitted", "in_review"):
                return None
            items = json.loads(row.checklist)
            hit = [i for i in items if i.get("provided") == "mydata" and i.get("consent_id") == consent_id]
            if not hit:
                return None
            for i in hit:
                i["provided"] = "withdrawn"
            records = ", ".join(dict.fromkeys(str(i.get("mydata_record")) for i in hit))
            now = time.time()
            with self.db.write("withdrawing MyData documents") as conn:
                moved = conn.execute(update(applications).where(
                    applications.c.receipt == receipt, applications.c.state == row.state,
                    applications.c.checklist == row.checklist).values(
                    checklist=json.dumps(items, ensure_ascii=False), updated_at=now)).rowcount
                if moved:
                    conn.execute(insert(application_events).values(
                        receipt=receipt, from_state=row.state, to_state=row.state,
                        reason=f"mydata consent {reason}: {records} needed again", at=now))
            if moved:
                return self.get(receipt)
        raise InvalidTransitionError(f"application {receipt} kept changing while withdrawing MyData documents; try again")

    def cancel(self, receipt: str, applicant_id: str, reason: str = "cancelled by the applicant") -> Application:
        """Cancel the applicant's application (allowed while ``submitted`` or ``in_review``; idempotent).

        Raises:
            ApplicationNotFoundError, InvalidTransitionError: as :meth:`transition`.
        """
        return self.transition(receipt, "cancelled", reason, applicant_id)

    # --- reading ---------------------------------------------------------------------------------------

    def _by_key(self, applicant_id: str, key: str) -> Any:
        with self.db.read("looking up an idempotency key") as conn:
            return conn.execute(select(applications.c.receipt, applications.c.request_hash).where(
                applications.c.applicant_id == applicant_id, applications.c.idempotency_key == key)).first()

    def get(self, receipt: str, applicant_id: str | None = None) -> Application:
        """The application with its history.

        Raises:
            ApplicationNotFoundError: unknown receipt, or it belongs to another applicant (same message, so a
                receipt number cannot be probed).
        """
        with self.db.read("reading an application") as conn:
            row = conn.execute(select(applications).where(applications.c.receipt == receipt)).first()
            if row is None or (applicant_id is not None and row.applicant_id != applicant_id):
                raise ApplicationNotFoundError(f"no application with receipt number {receipt!r}")
            return _application(conn, row)

    def list(self, applicant_id: str) -> list[Application]:
        """The applicant's applications, newest first."""
        with self.db.read("listing applications") as conn:
            rows = conn.execute(select(applications).where(applications.c.applicant_id == applicant_id)
                                .order_by(applications.c.created_at.desc())).all()
            return [_application(conn, r) for r in rows]

    def count(self) -> int:
        """Number of stored applications (tests, health)."""
        with self.db.read("counting applications") as conn:
            return int(conn.execute(select(func.count()).select_from(applications)).scalar_one())


def _application(conn: Connection, row: Any) -> Application:
    events = conn.execute(select(application_events).where(application_events.c.receipt == row.receipt)
                          .order_by(application_events.c.id)).all()
    return Application(
        receipt=row.receipt, applicant_id=row.applicant_id, service_id=row.service_id, service_name=row.service_name,
        state=row.state, facts=json.loads(row.facts), checklist=json.loads(row.checklist),
        created_at=row.created_at, updated_at=row.updated_at,
        history=tuple({"from": e.from_state, "to": e.to_state, "reason": e.reason, "at": e.at} for e in events),
    )
