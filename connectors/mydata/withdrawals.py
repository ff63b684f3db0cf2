"""Withdrawn MyData consents reach the task back end at once, not at the next status look-up (issue #5).

A consent is withdrawn when it is revoked (in the chat, through ``POST /mydata/consents/{id}/revoke``, or by the
citizen at the provider) or when it expires. Documents attached to applications under it must then be needed
again (개인정보 보호법 제37조: processing stops when consent is withdrawn; 제21조: data kept no longer than the
purpose allows), which the task back end does on ``POST /consent-withdrawals``
(:meth:`connectors.tasks.store.ApplicationStore.withdraw_consent`).

How it is kept reliable (an outbox, like the alert notifications):

* the revocation writes a *withdrawal notice* in its own transaction (``mydata_withdrawal_notices``,
  :meth:`~connectors.mydata.store.ConsentStore.revoke`), and :class:`Withdrawals` registered on the connector's
  ``after_revoke`` tells the back end right away;
* :meth:`Withdrawals.sweep` finds consents whose ``expires_at`` passed, deletes what was fetched under them and
  writes their notice (once), then tells every notice not yet told; :class:`Sweeper` runs it in ``assistant
  serve`` every ``ASSISTANT_MYDATA_SWEEP_INTERVAL`` seconds (and at start: what expired while it was down);
* a back end that is down leaves the notice untold (error and attempts recorded) for the next sweep; the call is
  idempotent on the back end, so telling twice changes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.errors import AssistantError
from connectors.mydata.store import AuditEntry, Consent

if TYPE_CHECKING:
    from assistant.settings import Settings
    from connectors.mydata.consent import MyDataConnector
    from connectors.tasks.client import TasksClient

logger = logging.getLogger(__name__)


class WithdrawalSink(Protocol):
    """Something that must hear of withdrawn consents (the task back end)."""

    def consent_withdrawn(self, consent_id: str, reason: str) -> None:
        """Act on the withdrawal (idempotent).

        Raises:
            AssistantError: not done (it is retried at the next sweep).
        """
        ...


class TaskBackEndSink:
    """``POST /consent-withdrawals`` on the task back end, as the admin (any applicant's applications).

    Args:
        client_factory: makes a :class:`~connectors.tasks.client.TasksClient` per call (timeouts, retries, breaker).
    """

    def __init__(self, client_factory: Callable[[], TasksClient]) -> None:
        self.client_factory = client_factory

    @classmethod
    def from_settings(cls, settings: Settings) -> TaskBackEndSink:
        """The deployment's task back end (``settings.tasks_base_url``, admin token)."""
        from connectors.tasks.client import TasksClient

        return cls(lambda: TasksClient.from_settings(settings))

    def consent_withdrawn(self, consent_id: str, reason: str) -> None:
        """Tell the back end; raises the client's ``ConnectorError`` kinds."""
        with self.client_factory() as client:
            client.withdraw_consent(consent_id, reason=reason)


@dataclass(frozen=True)
class SweepReport:
    """One sweep: consents found expired now, notices told, notices whose telling failed (kept for the next)."""

    expired: int = 0
    reported: int = 0
    failed: int = 0


class Withdrawals:
    """Tells the sinks of withdrawn consents (see the module docstring).

    Args:
        connector: the MyData connector (its store and clock).
        sinks: who must hear (default none: notices are kept untold).

    Example:
        >>> # w = Withdrawals(connector, [TaskBackEndSink.from_settings(settings)]).attach()
    """

    def __init__(self, connector: MyDataConnector, sinks: Sequence[WithdrawalSink]) -> None:
        self.connector, self.sinks = connector, list(sinks)
        self._lock = threading.Lock()  # one report at a time per process (a sweep and a revocation may meet)

    def attach(self) -> Withdrawals:
        """Register on the connector's ``after_revoke`` (a revocation is told at once); returns ``self``."""
        self.connector.after_revoke.append(self._revoked)
        return self

    def _revoked(self, _consent: Consent) -> None:
        self.report()

    def report(self) -> tuple[int, int]:
        """Tell every untold notice to every sink, oldest first; ``(told, failed)``."""
        if not self.sinks:
            return 0, 0
        told = failed = 0
        store = self.connector.store
        with self._lock:
            for notice in store.unreported_withdrawals():
                try:
                    for sink in self.sinks:
                        sink.consent_withdrawn(notice.consent_id, notice.reason)
                except AssistantError as e:
                    failed += 1
                    store.withdrawal_failed(notice.consent_id, f"{type(e).__name__}: {e}")
                    logger.warning("consent withdrawal not told: %s", type(e).__name__,
                                   extra={"consent_id": notice.consent_id, "stage": "mydata"})
                    continue
                store.withdrawal_reported(notice.consent_id, self.connector.clock())
                told += 1
        return told, failed

    def sweep(self) -> SweepReport:
        """Expire the consents whose time passed (delete their fetched records, write their notice, audit), then
        :meth:`report`."""
        c = self.connector
        now = c.clock()
        expired = c.store.expired_without_notice(now)
        for consent in expired:
            deleted = c.store.expire(consent.id, now)
            c.store.append_audit(_audit_entry(now, c.actor, consent, deleted))
        told, failed = self.report()
        return SweepReport(len(expired), told, failed)


def _audit_entry(now: float, actor: str, consent: Consent, deleted: int) -> AuditEntry:
    return AuditEntry(now, actor, "purge", "expired", consent.id, consent.citizen_ref, None,
                      f"deleted {deleted} fetched records; withdrawal noticed")


class Sweeper:
    """Runs :meth:`Withdrawals.sweep` now and then every ``interval`` seconds on a daemon thread.

    Args:
        withdrawals: what to run (built on first use by the factory, so starting costs nothing).
        interval: seconds between sweeps (> 0).
    """

    def __init__(self, withdrawals: Callable[[], Withdrawals], interval: float) -> None:
        self.withdrawals, self.interval = withdrawals, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Sweeper:
        """Start the thread (once); returns ``self``."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mydata-withdrawal-sweeper", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.withdrawals().sweep()
                if report.expired or report.reported or report.failed:
                    logger.info("mydata withdrawal sweep", extra={"stage": "mydata", **report.__dict__})
            except Exception as e:  # noqa: BLE001 - a sweep that failed (database down) is tried again later
                logger.warning("mydata withdrawal sweep failed: %s", type(e).__name__, extra={"stage": "mydata"})
            self._stop.wait(self.interval)
