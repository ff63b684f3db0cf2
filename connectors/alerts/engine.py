"""Re-evaluate subscriptions when the catalogue or the facts change, and deliver the notifications.

:meth:`AlertEngine.run_once` (what ``assistant alerts run`` calls from cron) does, for each subscription
whose catalogue version or facts hash differs from its last evaluation: evaluate, compare the eligible
services with the last evaluation, and write a notification listing the *new* ones (with their citations)
in the same transaction as the evaluation. Then it delivers every due push notification; a failure is
recorded and retried on a later run with exponential delay, never lost. A subscription's first evaluation
(at subscribe time) is the baseline: it notifies nothing, since the citizen has just seen their results.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.errors import AssistantError, InvalidInputError
from connectors.alerts.notifiers import DeliveryError, Notifier
from connectors.alerts.store import AlertStore, Subscription
from connectors.eligibility.facts import Facts, parse_facts

logger = logging.getLogger(__name__)
#: the channels whose notifications the conversation reads from the inbox (GET /alerts/{id}/pending)
PULL_CHANNELS = ("widget", "conversation")


class Evaluator(Protocol):
    """Where eligibility comes from (in-process service or the HTTP client)."""

    def version(self) -> str:
        """The current catalogue version (cheap)."""
        ...

    def eligible(self, facts: Facts) -> tuple[str, dict[str, dict[str, Any]]]:
        """``(catalogue_version, {service_id: {"service_id", "service_name", "sources"}})`` of eligible services."""
        ...


class ServiceEvaluator:
    """An in-process :class:`~connectors.eligibility.service.EligibilityService` (follows re-imports)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def version(self) -> str:
        """The loaded catalogue's version (reloads it when the import changed)."""
        return str(self.service.catalogue().version)

    def eligible(self, facts: Facts) -> tuple[str, dict[str, dict[str, Any]]]:
        """Eligible services for ``facts``."""
        ev, results = self.service.run(facts, None, ["eligible"])
        return str(ev.catalogue.version), {r.service_id: {"service_id": r.service_id, "service_name": r.service_name,
                                                          "sources": list(r.sources)} for r in results}


class ClientEvaluator:
    """An :class:`~connectors.eligibility.client.EligibilityClient` (the embedded service or an agency's)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def version(self) -> str:
        """``GET /health`` → ``catalogue_version``."""
        return str(self.client.health()["catalogue_version"])

    def eligible(self, facts: Facts) -> tuple[str, dict[str, dict[str, Any]]]:
        """``POST /check`` with ``statuses=["eligible"]``."""
        rep = self.client.check(facts, statuses=["eligible"])
        return rep.catalogue_version, {r.service_id: {"service_id": r.service_id, "service_name": r.service_name,
                                                      "sources": list(r.sources)} for r in rep.results}


@dataclass(frozen=True)
class RunReport:
    """What one run did: subscriptions evaluated, notifications created, delivered, failed (will retry),
    given up, and evaluation errors."""

    evaluated: int = 0
    notified: int = 0
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0
    errors: int = 0

    def to_json(self) -> dict[str, int]:
        """The counts as JSON."""
        return dict(self.__dict__)


def facts_hash(facts: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical facts JSON (what "the facts changed" compares)."""
    return hashlib.sha256(json.dumps(dict(facts), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class AlertEngine:
    """Subscriptions, re-evaluation and delivery.

    Args:
        store: the :class:`AlertStore`.
        evaluator: eligibility (:class:`ServiceEvaluator` or :class:`ClientEvaluator`).
        notifiers: channel name → :class:`Notifier`.
        resolve_facts: turns a subscription's ``facts_ref`` into facts (e.g. through MyData); ``None``: refs
            are refused at subscribe time.
        retry_delay: seconds before the first redelivery of a failed push (doubles per attempt, capped at 1 h).
        max_attempts: push attempts (runs) before a notification is marked ``failed`` (kept for operators).
    """

    def __init__(self, store: AlertStore, evaluator: Evaluator, notifiers: Mapping[str, Notifier],
                 resolve_facts: Callable[[str], Facts] | None = None, retry_delay: float = 60.0, max_attempts: int = 10) -> None:
        self.store, self.evaluator, self.notifiers = store, evaluator, dict(notifiers)
        self.resolve_facts, self.retry_delay, self.max_attempts = resolve_facts, retry_delay, max_attempts

    def subscribe(self, subscriber_id: str, channel: str, address: str, consent: Mapping[str, Any],
                  facts: Facts | Mapping[str, Any] | None = None, facts_ref: str | None = None) -> Subscription:
        """Subscribe with consent and take the baseline evaluation.

        Args:
            consent: ``{"granted": true, "text": what the citizen agreed to, "purpose": why}``.
            facts: the facts snapshot; or ``facts_ref`` for facts resolved at each run.

        Raises:
            InvalidInputError: no granted consent, unknown channel (the message lists them), bad address,
                invalid facts, or neither/both of ``facts`` and ``facts_ref``.
        """
        if consent.get("granted") is not True or not str(consent.get("text", "")).strip():
            raise InvalidInputError("a subscription needs the citizen's consent: {\"granted\": true, \"text\": ..., \"purpose\": ...}")
        if channel not in self.notifiers:
            raise InvalidInputError(f"unknown channel {channel!r}; channels: {', '.join(sorted(self.notifiers))}")
        self.notifiers[channel].validate_address(address)
        if (facts is None) == (facts_ref is None):
            raise InvalidInputError("give either facts or facts_ref")
        if facts_ref is not None and self.resolve_facts is None:
            raise InvalidInputError("facts_ref is not supported here (no facts resolver configured)")
        snapshot = None
        if facts is not None:
            snapshot = (facts if isinstance(facts, Facts) else parse_facts(dict(facts))).model_dump(exclude_none=True)
        self.store.upsert(subscriber_id, channel, address, snapshot, facts_ref, str(consent["text"]),
                          str(consent.get("purpose", "")))
        self._evaluate(self.store.get(subscriber_id), baseline=True)
        return self.store.get(subscriber_id)

    def update_facts(self, subscriber_id: str, facts: Facts | Mapping[str, Any]) -> None:
        """Replace the facts snapshot; the next run re-evaluates (and notifies new matches)."""
        f = facts if isinstance(facts, Facts) else parse_facts(dict(facts))
        self.store.set_facts(subscriber_id, f.model_dump(exclude_none=True))

    def _facts(self, sub: Subscription) -> Facts:
        if sub.facts_ref is not None:
            assert self.resolve_facts is not None
            return self.resolve_facts(sub.facts_ref)
        return parse_facts(sub.facts or {})

    def _evaluate(self, sub: Subscription, baseline: bool = False, version: str | None = None) -> tuple[bool, bool]:
        """Evaluate one subscription if its catalogue or facts changed; ``(evaluated, notification_written)``."""
        facts = self._facts(sub)
        digest = facts_hash(facts.model_dump(exclude_none=True))
        if not baseline and sub.last_version == version and sub.last_facts_hash == digest:
            return False, False
        cat_version, eligible = self.evaluator.eligible(facts)
        new = [sid for sid in eligible if sid not in set(sub.last_eligible)]
        payload = None
        if new and not baseline and sub.last_version is not None:
            payload = {"type": "new_eligible_services", "subscriber_id": sub.subscriber_id,
                       "catalogue_version": cat_version, "services": [eligible[s] for s in new],
                       "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        return True, self.store.record_evaluation(sub, cat_version, digest, sorted(eligible), payload) is not None

    def run_once(self) -> RunReport:
        """Re-evaluate every changed subscription, then deliver due push notifications."""
        evaluated = notified = errors = 0
        version = self.evaluator.version()
        for sub in self.store.all():
            try:
                did, wrote = self._evaluate(sub, version=version)
                evaluated += int(did)
                notified += int(wrote)
            except AssistantError as e:
                errors += 1
                self.store.record_error(sub.subscriber_id, str(e))
                logger.warning("alert evaluation failed", extra={"stage": "alerts", "error": type(e).__name__})
        delivered, failed, gave_up = self.deliver_due()
        return RunReport(evaluated, notified, delivered, failed, gave_up, errors)

    def deliver_due(self) -> tuple[int, int, int]:
        """Send due push notifications; returns ``(delivered, failed_will_retry, gave_up)``."""
        push = [c for c, n in self.notifiers.items() if n.push]
        delivered = failed = gave_up = 0
        for note in self.store.due(push):
            if self.store.status(note.id) != "pending":  # told meanwhile: an earlier push of this run told its whole inbox
                delivered += 1
                continue
            try:
                # with its id, so a receiver can drop a repeat (delivery is at least once) and a conversation can
                # tell whether it already told this one; with the attempts, whether the last telling was lost
                told = self.notifiers[note.channel].send(note.address, dict(note.payload, id=note.id, attempts=note.attempts))
            except DeliveryError as e:
                if self.store.status(note.id) == "delivered":  # told meanwhile (a conversation push tells its whole inbox)
                    delivered += 1
                    continue
                give_up = e.permanent or note.attempts + 1 >= self.max_attempts
                delay = min(self.retry_delay * 2 ** note.attempts, 3600.0)
                self.store.mark_failed_attempt(note.id, str(e), time.time() + delay, give_up)
                gave_up += int(give_up)
                failed += int(not give_up)
                continue
            self.store.mark_delivered([note.id, *(int(i) for i in told or ())])
            delivered += 1
        return delivered, failed, gave_up

    def waiting(self) -> tuple[int, int]:
        """``(notifications, subscribers)`` pending on channels this engine cannot push (the widget, and the
        ``conversation`` channel in a process without an assistant): they wait in the inbox for the subscriber's
        next widget session (or a run inside ``assistant serve``)."""
        return self.store.waiting([c for c, n in self.notifiers.items() if not n.push])

    def pending(self, subscriber_id: str, channels: Sequence[str] = PULL_CHANNELS, claim: bool = True) -> list[dict[str, Any]]:
        """The inbox (``widget`` and ``conversation`` notifications by default): pending notifications (payloads
        with their ``id`` and delivery ``attempts``).

        Args:
            claim: mark them delivered as they are returned (one that another reader claimed first is not
                returned): at-most-once, for a reader that shows them at once. ``False``: only read them; the
                reader calls :meth:`acknowledge` once what it told is kept (the conversation: at-least-once,
                deduplicated by id, :mod:`connectors.alerts.actions`).
        """
        notes = self.store.pending_for(subscriber_id, channels)
        if not claim:
            return [dict(n.payload, id=n.id, attempts=n.attempts) for n in notes]
        claimed = set(self.store.claim([n.id for n in notes]))
        return [dict(n.payload, id=n.id, attempts=n.attempts) for n in notes if n.id in claimed]

    def acknowledge(self, subscriber_id: str, ids: Sequence[int]) -> list[int]:
        """Mark the subscriber's notifications ``ids`` delivered (those still pending); returns the ids moved."""
        return self.store.acknowledge(subscriber_id, ids)
