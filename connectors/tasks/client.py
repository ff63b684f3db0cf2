"""The client the assistant uses to reach the task back end (embedded or an agency's) over HTTP.

Every call has a timeout, bounded retries with backoff and a circuit breaker (:mod:`connectors.resilience`).
Retrying a submission is safe because the back end stores at most one application per
``(applicant_id, idempotency_key)``: a retry after a timeout (the first attempt may have been stored) gets
the same receipt back. Callers must give a key that stays the same for one intent to apply, never draw a
fresh one per attempt: the conversation's submit action gives the engine's key of its call
(``tracker.idempotency_key``), which every retry of that turn gets again.

Credentials (:mod:`connectors.tasks.auth`): a call made with ``applicant_key=`` acts as that applicant
(``X-Applicant-Key``; the back end derives the applicant id from it); otherwise the client sends the admin
token it was built with (``api_token``, from ``ASSISTANT_API_TOKEN`` in :meth:`TasksClient.from_settings`).

Errors: :class:`~assistant.errors.ConnectorTimeout` / :class:`~assistant.errors.ConnectorUnavailable`
(:class:`~connectors.resilience.CircuitOpenError`) when the back end is down or slow,
:class:`~assistant.errors.ConnectorError` for garbage, and the back end's refusals as
:class:`~connectors.tasks.store.ApplicationNotFoundError`, :class:`~connectors.tasks.store.InvalidTransitionError`,
:class:`~connectors.tasks.store.IdempotencyConflictError` or :class:`~assistant.errors.InvalidInputError`.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from assistant.errors import ConnectorError, InvalidInputError
from assistant.settings import Settings
from connectors.eligibility.catalogue import UnknownServiceError
from connectors.eligibility.facts import Facts
from connectors.resilience import ConnectorClient, ServerError, json_body, path_segment
from connectors.tasks.auth import APPLICANT_KEY_HEADER
from connectors.tasks.checklist import RequiredDocument
from connectors.tasks.store import ApplicationNotFoundError, IdempotencyConflictError, InvalidTransitionError


@dataclass(frozen=True)
class Receipt:
    """What the back end says about an application.

    Attributes:
        receipt: the receipt number (``TK-YYYYMMDD-XXXXXXXX`` for the embedded back end).
        service_id, service_name: the service applied for.
        state: ``submitted``, ``in_review``, ``approved``, ``rejected`` or ``cancelled``.
        created: true when this call stored it (false: an earlier submission with the same key).
        created_at, updated_at: ISO 8601 UTC.
        history: ``[{"from", "to", "reason", "at"}]``.
        checklist: the documents checklist stored with it.
    """

    receipt: str
    service_id: str
    service_name: str
    state: str
    created: bool
    created_at: str
    updated_at: str
    history: tuple[dict[str, Any], ...]
    checklist: tuple[dict[str, Any], ...]


class TasksClient(ConnectorClient):
    """HTTP client of the task back end.

    Args:
        base_url: e.g. ``http://127.0.0.1:8000/connectors/tasks``.
        timeout: seconds per HTTP attempt.
        retries: attempts in all (≥ 1).
        backoff: first wait between attempts in seconds (doubles, capped at 2 s).
        transport: an httpx transport (tests).
        breaker: the circuit breaker (default: the one shared by all clients of ``base_url``).
        api_token: the admin token sent when a call has no ``applicant_key``.

    Example:
        >>> client = TasksClient("http://127.0.0.1:8000/connectors/tasks", timeout=2.0)
        >>> client.base_url
        'http://127.0.0.1:8000/connectors/tasks'
    """

    service = "tasks"
    sends_admin_token = True

    @classmethod
    def settings_url(cls, settings: Settings) -> str:
        """``settings.tasks_base_url``."""
        return settings.tasks_base_url

    def _headers(self, applicant_key: str | None) -> dict[str, str]:
        if applicant_key is not None:
            return {APPLICANT_KEY_HEADER: applicant_key}
        return {"Authorization": f"Bearer {self.api_token}"} if self.api_token else {}

    def _interpret(self, r: httpx.Response) -> Any:
        if r.status_code >= 500:
            raise ServerError(r.status_code, r.text[:200])
        where = f"tasks service at {self.base_url}"
        payload = json_body(r, where)
        if r.status_code >= 400:
            detail = str(payload.get("detail")) if isinstance(payload, dict) else str(payload)
            code = payload.get("error") if isinstance(payload, dict) else None
            if code == "not_found":
                raise (UnknownServiceError if "catalogue" in detail else ApplicationNotFoundError)(detail)
            if code == "invalid_transition":
                raise InvalidTransitionError(detail)
            if code == "idempotency_conflict":
                raise IdempotencyConflictError(detail)
            raise InvalidInputError(f"tasks service refused the request ({r.status_code}): {detail}")
        return payload

    def _receipt(self, out: Any) -> Receipt:
        try:
            return Receipt(str(out["receipt"]), str(out["service_id"]), str(out["service_name"]), str(out["state"]),
                           bool(out.get("created", False)), str(out["created_at"]), str(out["updated_at"]),
                           tuple(dict(h) for h in out["history"]), tuple(dict(c) for c in out["checklist"]))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ConnectorError(f"tasks service at {self.base_url} answered with an unexpected shape ({e!r})") from e

    def submit(self, service_id: str, applicant_id: str | None, facts: Facts | Mapping[str, Any],
               checklist: Sequence[RequiredDocument | Mapping[str, Any]], idempotency_key: str,
               service_name: str = "", *, applicant_key: str | None = None) -> Receipt:
        """``POST /applications``: apply once per ``idempotency_key`` (retries return the same receipt).

        Args:
            service_id: 서비스ID.
            applicant_id: pseudonymous applicant id (``None`` with ``applicant_key``: the one it implies).
            facts: the facts snapshot (a :class:`Facts` or a mapping of fact names).
            checklist: items from :func:`~connectors.tasks.checklist.build_checklist` (or their JSON, with
                ``provided`` set).
            idempotency_key: stable for one intent to apply (the engine's key of the action call, see
                :mod:`connectors.tasks.actions`); sent in the body and as the ``Idempotency-Key`` header.
            service_name: shown back in status look-ups.
            applicant_key: act as the applicant of this key (see :mod:`connectors.tasks.auth`).

        Raises:
            IdempotencyConflictError: the key was used for a different request.
            InvalidInputError: the request was refused (bad facts, empty ids).
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: the back end is slow, down or broken.
        """
        facts_json = facts.model_dump(exclude_none=True) if isinstance(facts, Facts) else dict(facts)
        items = [c.to_json() if isinstance(c, RequiredDocument) else dict(c) for c in checklist]
        body: dict[str, Any] = {"service_id": service_id, "service_name": service_name, "facts": facts_json,
                                "checklist": items, "idempotency_key": idempotency_key}
        if applicant_id is not None:
            body["applicant_id"] = applicant_id
        # the key also as the Idempotency-Key header (IETF draft-ietf-httpapi-idempotency-key-header), as the engine
        # sends it to action servers: a back end that reads only the header does the submission once per key too
        headers = {**self._headers(applicant_key), "Idempotency-Key": idempotency_key}
        return self._receipt(self._http.request("POST", "/applications", self._interpret, json=body, headers=headers))

    def status(self, receipt: str, applicant_id: str | None = None, *, applicant_key: str | None = None) -> Receipt:
        """``GET /applications/{receipt}`` as the applicant of ``applicant_key``, or as the admin (of ``applicant_id``
        when given, else of any applicant).

        Raises:
            ApplicationNotFoundError: unknown receipt or another applicant's.
            InvalidInputError: refused (401/403: missing or wrong credentials).
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: as :meth:`submit`.
        """
        params = {"applicant_id": applicant_id} if applicant_id is not None else None
        return self._receipt(self._http.request("GET", f"/applications/{path_segment(receipt, ApplicationNotFoundError, 'receipt')}", self._interpret, params=params,
                                                headers=self._headers(applicant_key)))

    def list(self, applicant_id: str | None = None, *, applicant_key: str | None = None) -> list[Receipt]:
        """``GET /applications``: the applicant's applications, newest first."""
        params = {"applicant_id": applicant_id} if applicant_id is not None else None
        out = self._http.request("GET", "/applications", self._interpret, params=params, headers=self._headers(applicant_key))
        if not isinstance(out, list):
            raise ConnectorError(f"tasks service at {self.base_url} answered /applications with {type(out).__name__}")
        return [self._receipt(o) for o in out]

    def cancel(self, receipt: str, applicant_id: str | None = None, reason: str = "", *,
               applicant_key: str | None = None) -> Receipt:
        """``POST /applications/{receipt}/cancel`` (safe to retry: cancelling a cancelled one is a no-op).

        Raises:
            InvalidTransitionError: already approved or rejected.
            ApplicationNotFoundError, ConnectorTimeout, ConnectorUnavailable, ConnectorError: as :meth:`status`.
        """
        body: dict[str, Any] = {"reason": reason}
        if applicant_id is not None:
            body["applicant_id"] = applicant_id
        return self._receipt(self._http.request("POST", f"/applications/{path_segment(receipt, ApplicationNotFoundError, 'receipt')}/cancel", self._interpret, json=body,
                                                headers=self._headers(applicant_key), idempotent=True))

    def withdraw_consent(self, consent_id: str, applicant_id: str | None = None, reason: str = "revoked", *,
                         applicant_key: str | None = None) -> builtins.list[Receipt]:
        """``POST /consent-withdrawals``: documents supplied under the MyData consent ``consent_id`` are needed again
        in the applications not yet decided (safe to retry: a second call changes nothing).

        Args:
            consent_id: the revoked or expired consent.
            applicant_id: as the admin, only this applicant's applications (default: any applicant's).
            reason: ``"revoked"`` or ``"expired"``.
            applicant_key: act as the applicant of this key.

        Returns:
            The applications changed by this call.

        Raises:
            InvalidInputError, ConnectorTimeout, ConnectorUnavailable, ConnectorError: as :meth:`status`.
        """
        body: dict[str, Any] = {"consent_id": consent_id, "reason": reason}
        if applicant_id is not None:
            body["applicant_id"] = applicant_id
        out = self._http.request("POST", "/consent-withdrawals", self._interpret, json=body,
                                 headers=self._headers(applicant_key), idempotent=True)
        if not isinstance(out, dict) or not isinstance(out.get("applications"), list):
            raise ConnectorError(f"tasks service at {self.base_url} answered /consent-withdrawals with an unexpected shape")
        return [self._receipt(o) for o in out["applications"]]

    def checklist(self, service_id: str, records: Sequence[str] | None = None) -> dict[str, Any]:
        """``GET /checklist/{service_id}``: the checklist JSON (see :meth:`Checklist.to_json`).

        Args:
            records: the MyData record types that can be fetched (default: the back end's list).

        Raises:
            UnknownServiceError: the service is not in the catalogue.
        """
        params = {"records": list(records)} if records is not None else None
        out = self._http.request("GET", f"/checklist/{path_segment(service_id, UnknownServiceError, 'service in the catalogue')}", self._interpret, params=params)
        if not isinstance(out, dict) or not isinstance(out.get("documents"), list):
            raise ConnectorError(f"tasks service at {self.base_url} answered /checklist with an unexpected shape")
        return out
