"""The MyData connector: consents, the OAuth2 exchange, fetching under consent, facts, revocation, audit.

The conversation (or the HTTP API) calls, in order:

1. :meth:`MyDataConnector.request_consent` → a *pending* :class:`Consent` whose ``notice_ko`` / ``notice_en`` say
   exactly which records will be fetched, what is kept, for what purpose and until when. Show it; ask for a yes.
2. After the citizen's explicit yes, :meth:`~MyDataConnector.grant` runs the OAuth2 exchange with the provider
   (production: with the ``authorization_code`` the provider's redirect brought back, see
   :meth:`~MyDataConnector.authorization_url`; sandbox: ``test_identity`` approves). A no: :meth:`~MyDataConnector.revoke`.
3. :meth:`~MyDataConnector.fetch` reads records from the provider, only under a valid (active, unexpired,
   unrevoked) consent that covers every scope asked; otherwise :class:`ConsentError` and no HTTP call at all.
   Only derived facts are stored (:mod:`connectors.mydata.derive`), all scopes of one call or none.
4. :meth:`~MyDataConnector.facts` → :class:`connectors.eligibility.facts.Facts` for the eligibility service.
5. :meth:`~MyDataConnector.list_consents`, :meth:`~MyDataConnector.revoke` (deletes what was fetched under it and
   revokes the token at the provider), :meth:`~MyDataConnector.audit`.

Every request, grant, fetch (one row per scope, allowed or not) and revocation is written to the append-only
audit log with who did it (``actor``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.errors import ConnectorError, ConnectorTimeout, InvalidInputError
from assistant.nlu.pii import find_pii
from assistant.settings import Settings
from connectors.eligibility.facts import Facts
from connectors.mydata.client import MyDataProviderClient
from connectors.mydata.derive import SEOUL, derive_record, seoul_date, to_facts
from connectors.mydata.median_income import MedianIncomeTable
from connectors.mydata.scopes import SCOPES, ConsentError, UnknownConsentError, check_purpose, check_scopes
from connectors.mydata.store import AuditEntry, Consent, ConsentStore, default_consent_store_url

logger = logging.getLogger(__name__)

#: Longest consent accepted (a year, the usual ceiling of 보유·이용기간 in 공공 마이데이터 notices).
MAX_VALID_FOR = dt.timedelta(days=365)


@dataclass(frozen=True)
class Revocation:
    """What a revocation did: the consent now, fetched-record rows deleted, whether the provider revoked the token."""

    consent: Consent
    deleted_records: int
    provider_revoked: bool


def notice(scopes: Sequence[str], purpose: str, expires_at: float) -> tuple[str, str]:
    """The consent notice in Korean and English: records, what is kept, purpose, until when, how to withdraw."""
    p = check_purpose(purpose)
    until = dt.datetime.fromtimestamp(expires_at, SEOUL)
    docs_ko = ", ".join(SCOPES[s].document_ko for s in scopes)
    docs_en = ", ".join(SCOPES[s].document_en for s in scopes)
    keeps_ko = "; ".join(f"{SCOPES[s].document_ko}에서 {SCOPES[s].keeps_ko}" for s in scopes)
    keeps_en = "; ".join(f"from the {SCOPES[s].document_en}: {SCOPES[s].keeps_en}" for s in scopes)
    ko = (f"공공 마이데이터로 다음 서류를 가져옵니다: {docs_ko}.\n"
          f"목적: {p.ko}.\n"
          f"보관하는 정보: {keeps_ko}. 서류 원본과 주민등록번호·주소·연락처는 보관하지 않습니다.\n"
          f"동의 기간: {until:%Y년 %m월 %d일 %H:%M}(한국시간)까지.\n"
          "동의는 언제든 철회할 수 있고, 철회하면 가져온 정보는 삭제됩니다. 동의하시겠어요?")
    en = (f"Through Public MyData I will fetch: {docs_en}.\n"
          f"Purpose: {p.en}.\n"
          f"What is kept: {keeps_en}. The documents themselves, your resident registration number, address and "
          "phone number are not kept.\n"
          f"Valid until: {until:%Y-%m-%d %H:%M} (Korea time).\n"
          "You can withdraw at any time; withdrawing deletes what was fetched. Do you agree?")
    return ko, en


class MyDataConnector:
    """Consent-bound access to a MyData provider.

    Args:
        store: where consents, derived facts and the audit log live.
        client: the provider's OAuth2 client.
        clock: epoch seconds (inject a fake clock to test expiry).
        actor: who is acting when a call names no ``actor`` (the assistant's id).
        median_table: 기준 중위소득 table for ``income_pct_median`` (default: 2025/2026 고시).

    Example:
        >>> from connectors.mydata.store import ConsentStore
        >>> c = MyDataConnector(ConsentStore("sqlite://"), MyDataProviderClient("http://127.0.0.1:9", "id", "s", "http://x/cb"))
        >>> pending = c.request_consent("conv-1", ["income"], "eligibility_check", dt.timedelta(days=1))
        >>> pending.status(c.clock())
        'pending'
    """

    def __init__(self, store: ConsentStore, client: MyDataProviderClient, *, clock: Callable[[], float] = time.time,
                 actor: str = "assistant", median_table: MedianIncomeTable | None = None) -> None:
        self.store, self.client, self.clock, self.actor = store, client, clock, actor
        self.median_table = median_table or MedianIncomeTable()
        #: called with the revoked consent after :meth:`revoke` (e.g. :class:`connectors.mydata.withdrawals.Withdrawals`
        #: tells the task back end at once); a failing hook is logged, the revocation stands
        self.after_revoke: list[Callable[[Consent], object]] = []

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], float] = time.time) -> MyDataConnector:
        """The connector configured by ``ASSISTANT_MYDATA_*`` settings (store default: ``mydata.db`` under home)."""
        client = MyDataProviderClient(settings.mydata_base_url, settings.mydata_client_id, settings.mydata_client_secret,
                                      settings.mydata_callback_url, timeout=settings.connector_timeout,
                                      retries=settings.connector_retries)
        return cls(ConsentStore(settings.mydata_db_url or default_consent_store_url(settings.home)), client, clock=clock)

    # --- helpers -------------------------------------------------------------------------------------

    def _audit(self, actor: str | None, action: str, outcome: str, consent: Consent | None = None,
               consent_id: str | None = None, scope: str | None = None, detail: str = "") -> None:
        self.store.append_audit(AuditEntry(self.clock(), actor or self.actor, action, outcome,
                                           consent.id if consent else consent_id, consent.citizen_ref if consent else None,
                                           scope, detail))
        logger.info("mydata %s %s", action, outcome,
                    extra={"consent_id": consent.id if consent else consent_id, "scope": scope, "stage": "mydata"})

    def get_consent(self, consent_id: str) -> Consent:
        """The consent.

        Raises:
            UnknownConsentError: no consent has this id.
        """
        c = self.store.get_consent(consent_id)
        if c is None:
            raise UnknownConsentError(f"no MyData consent {consent_id!r}")
        return c

    def _purge(self, c: Consent, actor: str | None) -> None:
        """Delete what was fetched under an expired consent (kept no longer than consented)."""
        n = self.store.delete_records(c.id)
        self._audit(actor, "purge", "expired", c, detail=f"deleted {n} fetched records")

    # --- the flow ------------------------------------------------------------------------------------

    def request_consent(self, citizen_ref: str, scopes: Sequence[str], purpose: str, valid_for: dt.timedelta,
                        actor: str | None = None) -> Consent:
        """Record a pending consent and the notice to show the citizen.

        Args:
            citizen_ref: pseudonymous id of the citizen (e.g. the conversation id); not a name, phone or RRN.
            scopes: record types (:data:`connectors.mydata.scopes.SCOPES`).
            purpose: a key of :data:`connectors.mydata.scopes.PURPOSES`.
            valid_for: how long the consent lasts once recorded (at most :data:`MAX_VALID_FOR`).

        Returns:
            The pending consent; show ``notice_ko`` or ``notice_en`` and ask for a clear yes.

        Raises:
            InvalidInputError: unknown scope or purpose, a bad duration, or a ``citizen_ref`` that is empty,
                longer than 255 characters or contains personal data.
        """
        if not isinstance(citizen_ref, str) or not citizen_ref.strip() or len(citizen_ref) > 255:
            raise InvalidInputError("citizen_ref must be a non-empty pseudonymous id of at most 255 characters")
        if find_pii(citizen_ref):
            raise InvalidInputError("citizen_ref must be pseudonymous: it looks like personal data")
        sc = check_scopes(scopes)
        check_purpose(purpose)
        if not isinstance(valid_for, dt.timedelta) or not dt.timedelta(0) < valid_for <= MAX_VALID_FOR:
            raise InvalidInputError(f"valid_for must be a duration between 0 and {MAX_VALID_FOR.days} days")
        now = self.clock()
        expires = now + valid_for.total_seconds()
        ko, en = notice(sc, purpose, expires)
        c = Consent(uuid.uuid4().hex, citizen_ref, sc, purpose, ko, en, "pending", now, expires)
        self.store.add_consent(c)
        self._audit(actor, "request", "pending", c, detail=" ".join(sc))
        return c

    def authorization_url(self, consent_id: str) -> str:
        """Production: the provider's authorization page for a pending consent (``state`` = the consent id)."""
        c = self.get_consent(consent_id)
        return self.client.authorize_url(c.scopes, c.id, expires_in=c.expires_at - self.clock())

    def grant(self, consent_id: str, *, authorization_code: str | None = None, test_identity: str | None = None,
              actor: str | None = None) -> Consent:
        """After the citizen's explicit yes: exchange an authorization code for a token and activate the consent.

        Args:
            authorization_code: what the provider's redirect returned (production).
            test_identity: sandbox only: the synthetic citizen who approves (e.g. ``"sandbox-01"``).

        Returns:
            The active consent (``granted_scopes`` = what the provider granted of what was asked).

        Raises:
            UnknownConsentError: no such consent.
            ConsentError: the consent is not pending (active, revoked or expired), the citizen denied at the
                provider, or the provider granted none of the scopes.
            InvalidInputError: neither ``authorization_code`` nor ``test_identity``.
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: the provider failed (nothing activated).
        """
        c = self.get_consent(consent_id)
        status = c.status(self.clock())
        if status != "pending":
            self._audit(actor, "grant", f"denied_{status}", c)
            raise ConsentError(f"MyData consent {c.id} is {status}, not pending: request a new one")
        if not authorization_code and not test_identity:
            raise InvalidInputError("grant needs the provider's authorization_code (or a sandbox test_identity)")
        try:
            code = authorization_code or self.client.sandbox_approve(
                c.scopes, c.id, str(test_identity), expires_in=c.expires_at - self.clock())
            token = self.client.exchange_code(code)
        except (ConnectorError, ConsentError) as e:
            self._audit(actor, "grant", _outcome(e), c)
            raise
        granted = tuple(s for s in token.scopes if s in c.scopes)
        now = self.clock()
        if not granted:
            self._revoke_at_provider(token.access_token)
            self._audit(actor, "grant", "denied_scope", c)
            raise ConsentError(f"MyData provider granted none of the scopes of consent {c.id}")
        if not self.store.activate(c.id, now, granted, token.access_token, min(now + token.expires_in, c.expires_at)):
            self._revoke_at_provider(token.access_token)
            self._audit(actor, "grant", "denied_not_pending", c)
            raise ConsentError(f"MyData consent {c.id} was withdrawn while it was being granted")
        self._audit(actor, "grant", "ok", c, detail=" ".join(granted))
        return self.get_consent(c.id)

    def _check(self, consent_id: str, scopes: tuple[str, ...], actor: str | None, action: str) -> Consent:
        """The consent if it is valid now and covers ``scopes``; else audit the refusal and raise ConsentError."""
        c = self.store.get_consent(consent_id)
        if c is None:
            for s in scopes or (None,):
                self._audit(actor, action, "denied_no_consent", consent_id=consent_id, scope=s)
            raise UnknownConsentError(f"no MyData consent {consent_id!r}: nothing fetched")
        now = self.clock()
        status = c.status(now)
        if status == "active" and c.token_expires_at is not None and now >= c.token_expires_at:
            status = "expired"
        if status != "active":
            for s in scopes or (None,):
                self._audit(actor, action, f"denied_{status}", c, scope=s)
            if status == "expired" and self.store.count_records(c.id):
                self._purge(c, actor)
            raise ConsentError(f"MyData consent {c.id} is {status}: nothing fetched")
        outside = [s for s in scopes if s not in c.granted_scopes]
        if outside:
            for s in scopes:
                self._audit(actor, action, "denied_scope" if s in outside else "not_attempted", c, scope=s)
            raise ConsentError(f"MyData consent {c.id} does not cover {', '.join(outside)}: nothing fetched")
        return c

    def fetch(self, consent_id: str, scopes: Sequence[str] | str | None = None, actor: str | None = None,
              key: str | None = None) -> dict[str, dict[str, Any]]:
        """Fetch records under a consent and keep the facts derived from them.

        Args:
            scopes: record types to fetch (default: all the consent granted).
            key: an idempotency key (the engine's key of the action call, ``tracker.idempotency_key``): the provider
                call and the fetch's audit rows happen once per key and consent. A retry with a key whose fetch was
                kept (the turn's save failed after it, the database went away) checks the consent again (a consent
                withdrawn since refuses, audited) and returns what that fetch kept, without calling the provider or
                auditing it again. The pieces, the key and the ``ok`` audit rows are written in one transaction.

        Returns:
            scope → the derived piece stored (see :mod:`connectors.mydata.derive`).

        Raises:
            UnknownConsentError, ConsentError: no valid consent covering every scope (no HTTP call was made), or the
                provider refused the token (401/403).
            InvalidInputError: an unknown scope name.
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: the provider failed; nothing of this call is stored.
        """
        if scopes is None:
            c0 = self.store.get_consent(consent_id)
            asked = (c0.granted_scopes or c0.scopes) if c0 else ()
        else:
            asked = check_scopes(scopes)
        c = self._check(consent_id, asked, actor, "fetch")
        assert c.access_token is not None
        if key is not None and (earlier := self.store.fetch_done(c.id, key)) is not None:
            kept = self.store.records(c.id)
            logger.info("mydata fetch done before with this key: what it kept is used, the provider is not called again",
                        extra={"consent_id": c.id, "stage": "mydata", "scopes": list(earlier)})
            return {s: kept[s] for s in asked if s in kept}
        reference = seoul_date(self.clock())
        pieces: dict[str, dict[str, Any]] = {}
        for i, s in enumerate(asked):
            try:
                pieces[s] = derive_record(s, self.client.get_record(c.access_token, s), reference)
            except (ConnectorError, ConsentError) as e:
                for done in pieces:
                    self._audit(actor, "fetch", "discarded", c, scope=done, detail="another record of the same call failed")
                self._audit(actor, "fetch", _outcome(e), c, scope=s)
                for rest in asked[i + 1:]:
                    self._audit(actor, "fetch", "not_attempted", c, scope=rest)
                raise
        now = self.clock()
        ok = [AuditEntry(now, actor or self.actor, "fetch", "ok", c.id, c.citizen_ref, s, "") for s in asked]
        if not self.store.save_records(c.id, pieces, now, key=key, audit=ok):  # the ok rows only with the records
            for s in asked:
                self._audit(actor, "fetch", "discarded", c, scope=s, detail="consent withdrawn during the fetch")
            raise ConsentError(f"MyData consent {c.id} was withdrawn during the fetch: nothing kept")
        for s in asked:
            logger.info("mydata %s %s", "fetch", "ok", extra={"consent_id": c.id, "scope": s, "stage": "mydata"})
        return pieces

    def facts(self, consent_id: str, actor: str | None = None) -> Facts:
        """The eligibility :class:`Facts` derived from what was fetched under a valid consent (unknown = ``None``).

        Raises:
            UnknownConsentError, ConsentError: the consent is missing, pending, revoked or expired.
        """
        c = self._check(consent_id, (), actor, "facts")
        return to_facts(self.store.records(c.id), self.median_table)

    def list_consents(self, citizen_ref: str | None = None) -> list[Consent]:
        """Consents, oldest first (of one citizen if given)."""
        return self.store.list_consents(citizen_ref)

    def _revoke_at_provider(self, token: str) -> bool:
        try:
            self.client.revoke_token(token)
            return True
        except ConnectorError as e:
            logger.warning("mydata token revocation at the provider failed: %s", type(e).__name__, extra={"stage": "mydata"})
            return False

    def revoke(self, consent_id: str, actor: str | None = None) -> Revocation:
        """Withdraw a consent: delete what was fetched under it and revoke the token at the provider.

        Local deletion happens first and always; if the provider cannot be told (down), ``provider_revoked`` is
        ``False`` and the token (already erased here) simply lapses at its expiry. Revoking twice is harmless.

        Raises:
            UnknownConsentError: no such consent.
        """
        c = self.get_consent(consent_id)
        if c.stored_status in ("revoked", "declined"):  # already withdrawn, or never granted
            return Revocation(c, 0, False)
        deleted = self.store.revoke(c.id, self.clock())
        told = self._revoke_at_provider(c.access_token) if c.access_token else False
        self._audit(actor, "revoke", "ok" if told or not c.access_token else "ok_provider_not_told", c,
                    detail=f"deleted {deleted} fetched records")
        revoked = self.get_consent(c.id)
        for hook in self.after_revoke:
            try:
                hook(revoked)
            except Exception as e:  # noqa: BLE001 - the revocation is done and its withdrawal notice is kept
                logger.warning("after-revoke hook failed: %s", type(e).__name__, extra={"consent_id": c.id, "stage": "mydata"})
        return Revocation(revoked, deleted, told)

    def decline(self, consent_id: str, actor: str | None = None) -> Consent:
        """The citizen (or the provider) said no to a pending request: mark it ``declined``, audited as ``decline``.

        Not a withdrawal: nothing was granted or fetched, so the consent list does not show it as withdrawn, the audit
        has no ``revoke`` and no withdrawal notice goes to the task back end. A request no longer pending is left
        as it is (declining twice, or after a grant, changes nothing: a granted consent is withdrawn with :meth:`revoke`).

        Raises:
            UnknownConsentError: no such consent.
        """
        c = self.get_consent(consent_id)
        if self.store.decline(c.id):
            self._audit(actor, "decline", "declined", c)
        return self.get_consent(c.id)

    def audit(self, consent_id: str | None = None, citizen_ref: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Audit rows, oldest first (read-only)."""
        return self.store.audit(consent_id, citizen_ref, limit)


def _outcome(e: BaseException) -> str:
    if isinstance(e, ConsentError):
        return "provider_refused"
    if isinstance(e, ConnectorTimeout):
        return "provider_timeout"
    if isinstance(e, ConnectionError):
        return "provider_unavailable"
    return "provider_error"
