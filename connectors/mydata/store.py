"""The consent store: consents, what was fetched under each, and an append-only audit log (SQLAlchemy).

SQLite under ``ASSISTANT_HOME`` (``mydata.db``) by default, PostgreSQL through a URL. Tables:

* ``mydata_consents``: ``id``, ``citizen_ref`` (pseudonymous: a conversation id or the like, never a name or
  a resident registration number), ``scopes`` (JSON list), ``purpose``, the notice shown (``notice_ko``,
  ``notice_en``), ``status`` (``pending`` / ``active`` / ``revoked``; *expired* is read from ``expires_at``),
  ``created_at``, ``expires_at``, ``granted_at``, ``revoked_at`` (epoch seconds, UTC), and the provider's access
  token while the consent is active (cleared on revocation).
* ``mydata_fetched_records``: ``(consent_id, scope)`` → the facts derived from that record (JSON), never the raw
  record; deleted with the consent's revocation.
* ``mydata_audit``: ``id``, ``at``, ``actor`` (assistant or operator id), ``action`` (``request`` / ``grant`` /
  ``fetch`` / ``revoke``), ``consent_id``, ``citizen_ref``, ``scope``, ``outcome``, ``detail`` (no personal data).
  Append-only: this class has no method that changes or deletes a row, and a trigger makes the database refuse
  ``UPDATE`` and ``DELETE`` on it (SQLite ``RAISE(ABORT)``; PostgreSQL a ``BEFORE UPDATE OR DELETE`` row trigger
  and a ``BEFORE TRUNCATE`` statement trigger).
* ``mydata_fetch_keys``: ``(consent_id, fetch_key)`` → the scopes and time of a fetch made with an idempotency key
  (the engine's key of the action call), written in the same transaction as the records and the fetch's audit rows,
  so a retry with the key reads what was kept instead of calling the provider and auditing again.
* ``mydata_withdrawal_notices``: ``consent_id``, ``reason`` (``revoked`` / ``expired``), ``created_at``,
  ``reported_at``, ``attempts``, ``last_error``: the withdrawals the task back end must hear of
  (:mod:`connectors.mydata.withdrawals`).
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    DDL,
    Column,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from assistant.stores.database import Database


metadata = MetaData()

consents = Table(
    "mydata_consents", metadata,
    Column("id", String(64), primary_key=True),
    Column("citizen_ref", String(255), nullable=False, index=True),
    Column("scopes", Text, nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("notice_ko", Text, nullable=False),
    Column("notice_en", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("expires_at", Double, nullable=False),
    Column("granted_at", Double),
    Column("revoked_at", Double),
    Column("granted_scopes", Text),
    Column("access_token", Text),
    Column("token_expires_at", Double),
)
fetched_records = Table(
    "mydata_fetched_records", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consent_id", String(64), ForeignKey("mydata_consents.id"), nullable=False, index=True),
    Column("scope", String(64), nullable=False),
    Column("fetched_at", Double, nullable=False),
    Column("data", Text, nullable=False),
    UniqueConstraint("consent_id", "scope", name="uq_mydata_fetched_consent_scope"),
)
audit_log = Table(
    "mydata_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Double, nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(16), nullable=False),
    Column("consent_id", String(64)),
    Column("citizen_ref", String(255)),
    Column("scope", String(64)),
    Column("outcome", String(32), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

#: Fetches made with an idempotency key (connectors/mydata/consent.py ``fetch(key=...)``): one row per key and consent.
fetch_keys = Table(
    "mydata_fetch_keys", metadata,
    Column("consent_id", String(64), primary_key=True),
    Column("fetch_key", String(255), primary_key=True),
    Column("scopes", Text, nullable=False),
    Column("fetched_at", Double, nullable=False),
)

#: Withdrawals (revoked or expired consents) the task back end must hear of (connectors/mydata/withdrawals.py): one row
#: per consent, written in the revocation's own transaction (or by the expiry sweep), ``reported_at`` once told.
withdrawal_notices = Table(
    "mydata_withdrawal_notices",
    metadata,
    Column("consent_id", String(64), primary_key=True),
    Column("reason", String(16), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("reported_at", Double),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
)


@dataclass(frozen=True)
class WithdrawalNotice:
    """A consent the task back end must hear was withdrawn: ``reason`` ``revoked`` or ``expired``."""

    consent_id: str
    reason: str
    created_at: float
    attempts: int


def _ddl(sql: str) -> DDL:
    return DDL(sql)  # type: ignore[no-untyped-call]


_SQLITE_TRIGGERS = [
    _ddl("CREATE TRIGGER IF NOT EXISTS mydata_audit_no_update BEFORE UPDATE ON mydata_audit "
        "BEGIN SELECT RAISE(ABORT, 'mydata_audit is append-only'); END"),
    _ddl("CREATE TRIGGER IF NOT EXISTS mydata_audit_no_delete BEFORE DELETE ON mydata_audit "
        "BEGIN SELECT RAISE(ABORT, 'mydata_audit is append-only'); END"),
]
_PG_TRIGGERS = [
    _ddl("CREATE OR REPLACE FUNCTION mydata_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'mydata_audit is append-only'; END $$"),
    _ddl("CREATE TRIGGER mydata_audit_no_change BEFORE UPDATE OR DELETE ON mydata_audit "
        "FOR EACH ROW EXECUTE FUNCTION mydata_audit_append_only()"),
    _ddl("CREATE TRIGGER mydata_audit_no_truncate BEFORE TRUNCATE ON mydata_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION mydata_audit_append_only()"),
]
for _stmt in _SQLITE_TRIGGERS:
    event.listen(audit_log, "after_create", _stmt.execute_if(dialect="sqlite"))
for _stmt in _PG_TRIGGERS:
    event.listen(audit_log, "after_create", _stmt.execute_if(dialect="postgresql"))


@dataclass(frozen=True)
class Consent:
    """One consent as stored. Times are epoch seconds (UTC); ``access_token`` is never in ``repr`` or JSON."""

    id: str
    citizen_ref: str
    scopes: tuple[str, ...]
    purpose: str
    notice_ko: str
    notice_en: str
    stored_status: str
    created_at: float
    expires_at: float
    granted_at: float | None = None
    revoked_at: float | None = None
    granted_scopes: tuple[str, ...] = ()
    access_token: str | None = field(default=None, repr=False)
    token_expires_at: float | None = None

    def status(self, now: float) -> str:
        """``pending``, ``active``, ``revoked``, ``declined`` (a request the citizen or the provider said no to: never
        granted, so never withdrawn) or ``expired`` (``expires_at`` passed and not revoked or declined) at ``now``."""
        if self.stored_status in ("revoked", "declined"):
            return self.stored_status
        if now >= self.expires_at:
            return "expired"
        return self.stored_status

    def to_json(self, now: float) -> dict[str, Any]:
        """JSON-ready, with the status at ``now`` and without the token."""
        d = asdict(self)
        d.pop("access_token")
        d.pop("stored_status")
        d["status"] = self.status(now)
        d["scopes"], d["granted_scopes"] = list(self.scopes), list(self.granted_scopes)
        return d


@dataclass(frozen=True)
class AuditEntry:
    """One audit row: who did what under which consent, when, and how it ended."""

    at: float
    actor: str
    action: str
    outcome: str
    consent_id: str | None = None
    citizen_ref: str | None = None
    scope: str | None = None
    detail: str = ""
    id: int | None = None


def _consent(row: Any) -> Consent:
    return Consent(row.id, row.citizen_ref, tuple(json.loads(row.scopes)), row.purpose, row.notice_ko, row.notice_en,
                   row.status, row.created_at, row.expires_at, row.granted_at, row.revoked_at,
                   tuple(json.loads(row.granted_scopes or "[]")), row.access_token, row.token_expires_at)


def _add_notice(conn: Connection, consent_id: str, reason: str, at: float) -> None:
    if conn.execute(select(withdrawal_notices.c.consent_id).where(withdrawal_notices.c.consent_id == consent_id)).first() is None:
        conn.execute(insert(withdrawal_notices).values(consent_id=consent_id, reason=reason, created_at=at, attempts=0))


def default_consent_store_url(home: Path) -> str:
    """``sqlite:///<home>/mydata.db``."""
    return f"sqlite:///{Path(home) / 'mydata.db'}"


class ConsentStore:
    """Consents, fetched facts and the audit log in SQLite or PostgreSQL.

    Args:
        url: SQLAlchemy URL (``sqlite://`` in memory for doctests; ``postgresql://`` read as psycopg 3).

    Raises:
        InvalidConfigError: an unparsable URL or a missing driver.
        StoreUnavailableError: the database cannot be reached.

    Example:
        >>> s = ConsentStore("sqlite://")
        >>> s.append_audit(AuditEntry(at=0.0, actor="assistant", action="fetch", outcome="denied_no_consent"))
        >>> [e.outcome for e in s.audit()]
        ['denied_no_consent']
    """

    def __init__(self, url: str) -> None:
        # The engine, SQLite pragmas, writer queue and outage errors are the stores' shared ones.
        self.db = Database(url, metadata, "consent store")
        self.url, self.engine, self.display_url, self.is_sqlite = self.db.url, self.db.engine, self.db.display_url, self.db.is_sqlite

    def _tx(self, op: str) -> AbstractContextManager[Connection]:
        return self.db.write(op)

    # --- consents ------------------------------------------------------------------------------------

    def add_consent(self, c: Consent) -> None:
        """Insert a new consent."""
        with self._tx("adding a consent") as conn:
            conn.execute(insert(consents).values(
                id=c.id, citizen_ref=c.citizen_ref, scopes=json.dumps(list(c.scopes)), purpose=c.purpose,
                notice_ko=c.notice_ko, notice_en=c.notice_en, status=c.stored_status, created_at=c.created_at,
                expires_at=c.expires_at))

    def get_consent(self, consent_id: str) -> Consent | None:
        """The consent, or ``None``."""
        with self.db.read("reading a consent") as conn:
            row = conn.execute(select(consents).where(consents.c.id == consent_id)).first()
        return None if row is None else _consent(row)

    def list_consents(self, citizen_ref: str | None = None) -> list[Consent]:
        """Consents (of ``citizen_ref`` if given), oldest first."""
        q = select(consents).order_by(consents.c.created_at, consents.c.id)
        if citizen_ref is not None:
            q = q.where(consents.c.citizen_ref == citizen_ref)
        with self.db.read("listing consents") as conn:
            return [_consent(r) for r in conn.execute(q)]

    def activate(self, consent_id: str, at: float, granted_scopes: tuple[str, ...], token: str, token_expires_at: float) -> bool:
        """Mark a *pending* consent active with its token; ``False`` if it was not pending."""
        with self._tx("granting a consent") as conn:
            n = conn.execute(update(consents).where(consents.c.id == consent_id, consents.c.status == "pending").values(
                status="active", granted_at=at, granted_scopes=json.dumps(list(granted_scopes)),
                access_token=token, token_expires_at=token_expires_at)).rowcount
        return bool(n)

    def revoke(self, consent_id: str, at: float) -> int:
        """Mark revoked, clear the token and delete what was fetched under it, in one transaction.

        Returns:
            The number of fetched-record rows deleted.
        """
        with self._tx("revoking a consent") as conn:
            n = conn.execute(delete(fetched_records).where(fetched_records.c.consent_id == consent_id)).rowcount
            conn.execute(update(consents).where(consents.c.id == consent_id).values(
                status="revoked", revoked_at=at, access_token=None, token_expires_at=None))
            _add_notice(conn, consent_id, "revoked", at)
        return int(n)

    def decline(self, consent_id: str) -> bool:
        """Mark a pending request declined (nothing was fetched; no withdrawal notice: it was never granted).

        Returns:
            Whether it was pending (and is now declined).
        """
        with self._tx("declining a consent request") as conn:
            n = conn.execute(update(consents).where((consents.c.id == consent_id) & (consents.c.status == "pending"))
                             .values(status="declined", access_token=None, token_expires_at=None)).rowcount
        return bool(n)

    # --- withdrawal notices (connectors/mydata/withdrawals.py) ---------------------------------------

    def expire(self, consent_id: str, at: float) -> int:
        """An expired consent: delete what was fetched under it and record its withdrawal notice, in one transaction
        (only once: a consent already noticed is left alone). Returns the fetched-record rows deleted."""
        with self._tx("expiring a consent") as conn:
            n = conn.execute(delete(fetched_records).where(fetched_records.c.consent_id == consent_id)).rowcount
            _add_notice(conn, consent_id, "expired", at)
        return int(n)

    def expired_without_notice(self, now: float) -> list[Consent]:
        """Consents granted (``active``) whose ``expires_at`` passed and that have no withdrawal notice yet."""
        q = (select(consents).outerjoin(withdrawal_notices, withdrawal_notices.c.consent_id == consents.c.id)
             .where(consents.c.status == "active", consents.c.expires_at <= now, withdrawal_notices.c.consent_id.is_(None))
             .order_by(consents.c.expires_at))
        with self.db.read("finding expired consents") as conn:
            return [_consent(r) for r in conn.execute(q)]

    def unreported_withdrawals(self, limit: int = 500) -> list[WithdrawalNotice]:
        """Notices not yet told to the task back end, oldest first."""
        q = (select(withdrawal_notices).where(withdrawal_notices.c.reported_at.is_(None))
             .order_by(withdrawal_notices.c.created_at).limit(limit))
        with self.db.read("listing withdrawal notices") as conn:
            return [WithdrawalNotice(r.consent_id, r.reason, r.created_at, r.attempts) for r in conn.execute(q)]

    def withdrawal_reported(self, consent_id: str, at: float) -> None:
        """The task back end was told."""
        with self._tx("marking a withdrawal reported") as conn:
            conn.execute(update(withdrawal_notices).where(withdrawal_notices.c.consent_id == consent_id)
                         .values(reported_at=at, attempts=withdrawal_notices.c.attempts + 1, last_error=None))

    def withdrawal_failed(self, consent_id: str, error: str) -> None:
        """Telling the task back end failed (the next sweep tries again)."""
        with self._tx("recording a failed withdrawal report") as conn:
            conn.execute(update(withdrawal_notices).where(withdrawal_notices.c.consent_id == consent_id)
                         .values(attempts=withdrawal_notices.c.attempts + 1, last_error=error[:1000]))

    # --- fetched records -----------------------------------------------------------------------------

    def save_records(self, consent_id: str, pieces: Mapping[str, Mapping[str, Any]], at: float, *,
                     key: str | None = None, audit: Sequence[AuditEntry] = ()) -> bool:
        """Store (replace) the derived pieces of several scopes at once: all or nothing.

        Args:
            key: the fetch's idempotency key, recorded with the pieces (see :meth:`fetch_done`); when it was recorded
                before (a concurrent retry won), nothing is written and the earlier fetch stands.
            audit: rows appended in the same transaction (the fetch's ``ok`` rows), so they exist exactly when the
                pieces (and the key) do.

        Returns:
            ``False`` (and nothing stored) when the consent is no longer active (revoked during the fetch).

        Raises:
            StoreUnavailableError: the database cannot be reached (nothing stored).
        """
        try:
            with self._tx("storing fetched records") as conn:
                return self._save_records(conn, consent_id, pieces, at, key, audit)
        except IntegrityError:  # a concurrent fetch with the same key stored first: its records and audit stand
            if key is None:
                raise
            return True

    def _save_records(self, conn: Connection, consent_id: str, pieces: Mapping[str, Mapping[str, Any]], at: float,
                      key: str | None, audit: Sequence[AuditEntry]) -> bool:
        active = conn.execute(select(consents.c.status).where(consents.c.id == consent_id)).scalar()
        if active != "active":
            return False
        if key is not None:
            if conn.execute(select(fetch_keys.c.fetch_key).where(fetch_keys.c.consent_id == consent_id,
                                                                 fetch_keys.c.fetch_key == key)).first() is not None:
                return True
            conn.execute(insert(fetch_keys).values(consent_id=consent_id, fetch_key=key,
                                                   scopes=json.dumps(sorted(pieces)), fetched_at=at))
        for e in audit:
            values = asdict(e)
            values.pop("id")
            conn.execute(insert(audit_log).values(**values))
        for scope, piece in pieces.items():
            conn.execute(delete(fetched_records).where(fetched_records.c.consent_id == consent_id,
                                                       fetched_records.c.scope == scope))
            conn.execute(insert(fetched_records).values(consent_id=consent_id, scope=scope, fetched_at=at,
                                                        data=json.dumps(dict(piece), ensure_ascii=False)))
        return True

    def fetch_done(self, consent_id: str, key: str) -> tuple[str, ...] | None:
        """The scopes of the fetch made under ``consent_id`` with idempotency key ``key``, or ``None`` if there was none."""
        with self.db.read("reading a fetch key") as conn:
            raw = conn.execute(select(fetch_keys.c.scopes).where(fetch_keys.c.consent_id == consent_id,
                                                                 fetch_keys.c.fetch_key == key)).scalar()
        return None if raw is None else tuple(json.loads(raw))

    def delete_records(self, consent_id: str) -> int:
        """Delete what was fetched under a consent (its expiry); returns the rows deleted."""
        with self._tx("deleting fetched records") as conn:
            return int(conn.execute(delete(fetched_records).where(fetched_records.c.consent_id == consent_id)).rowcount)

    def records(self, consent_id: str) -> dict[str, dict[str, Any]]:
        """scope → derived piece stored under the consent."""
        with self.db.read("reading fetched records") as conn:
            rows = conn.execute(select(fetched_records.c.scope, fetched_records.c.data)
                                .where(fetched_records.c.consent_id == consent_id)).all()
        return {r.scope: json.loads(r.data) for r in rows}

    def count_records(self, consent_id: str | None = None) -> int:
        """Stored fetched-record rows (of one consent, or all)."""
        q = select(fetched_records.c.id)
        if consent_id is not None:
            q = q.where(fetched_records.c.consent_id == consent_id)
        with self.db.read("counting fetched records") as conn:
            return len(conn.execute(q).all())

    # --- audit (append-only) -------------------------------------------------------------------------

    def append_audit(self, e: AuditEntry) -> None:
        """Append one audit row (there is no way to change or remove it)."""
        values = asdict(e)
        values.pop("id")
        with self._tx("writing the audit log") as conn:
            conn.execute(insert(audit_log).values(**values))

    def audit(self, consent_id: str | None = None, citizen_ref: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Audit rows, oldest first, optionally of one consent or citizen."""
        q = select(audit_log).order_by(audit_log.c.id).limit(limit)
        if consent_id is not None:
            q = q.where(audit_log.c.consent_id == consent_id)
        if citizen_ref is not None:
            q = q.where(audit_log.c.citizen_ref == citizen_ref)
        with self.db.read("reading the audit log") as conn:
            return [AuditEntry(r.at, r.actor, r.action, r.outcome, r.consent_id, r.citizen_ref, r.scope, r.detail, r.id)
                    for r in conn.execute(q)]


