"""The client the alert dialogue uses to reach the benefit-alert API (:mod:`connectors.alerts.service`).

Every call has a timeout, bounded retries with backoff and a circuit breaker (:mod:`connectors.resilience`)
and carries the admin token (``Authorization: Bearer <ASSISTANT_API_TOKEN>``) when one is configured: the
alert API holds facts about citizens, so only the assistant calls it, on their behalf.

Retrying is safe: ``POST /subscriptions`` replaces the subscriber's subscription, ``DELETE`` of a deleted one
answers ``{"deleted": false}``. ``GET /alerts/{id}/pending`` marks what it returns delivered, so a retry after
a lost answer may miss those notifications (they stay in the store as ``delivered``); the conversation reads with
:meth:`AlertsClient.peek` and marks with :meth:`AlertsClient.acknowledge` instead (at least once).

Errors: :class:`~assistant.errors.ConnectorTimeout` / :class:`~assistant.errors.ConnectorUnavailable`
(:class:`~connectors.resilience.CircuitOpenError`) when the API is down or slow,
:class:`~assistant.errors.ConnectorError` for garbage, :class:`~connectors.alerts.store.SubscriptionNotFoundError`
for a 404 and :class:`~assistant.errors.InvalidInputError` for other refusals (401/403: the token; 400: bad facts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from assistant.errors import ConnectorError, InvalidInputError
from assistant.settings import Settings
from connectors.alerts.store import SubscriptionNotFoundError
from connectors.resilience import ConnectorClient, ServerError, json_body, path_segment


class AlertsClient(ConnectorClient):
    """HTTP client of the benefit-alert API.

    Args:
        base_url: e.g. ``http://127.0.0.1:8000/connectors/alerts``.
        timeout: seconds per HTTP attempt.
        retries: attempts in all (≥ 1).
        backoff: first wait between attempts in seconds (doubles, capped at 2 s).
        transport: an httpx transport (tests).
        breaker: the circuit breaker (default: the one shared by all clients of ``base_url``).
        api_token: the admin token sent with every call (``None``: none sent; the API then answers only on loopback).

    Example:
        >>> AlertsClient("http://127.0.0.1:8000/connectors/alerts/", timeout=2.0).base_url
        'http://127.0.0.1:8000/connectors/alerts'
    """

    service = "alerts"
    sends_admin_token = True

    @classmethod
    def settings_url(cls, settings: Settings) -> str:
        """``settings.alerts_base_url``."""
        return settings.alerts_base_url

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_token}"} if self.api_token else {}

    def _interpret(self, r: httpx.Response) -> Any:
        if r.status_code >= 500:
            raise ServerError(r.status_code, r.text[:200])
        payload = json_body(r, f"alerts service at {self.base_url}")
        if r.status_code >= 400:
            detail = str(payload.get("detail")) if isinstance(payload, dict) else str(payload)
            if r.status_code == 404:
                raise SubscriptionNotFoundError(detail)
            raise InvalidInputError(f"alerts service refused the request ({r.status_code}): {detail}")
        return payload

    def subscribe(self, subscriber_id: str, facts: Mapping[str, Any], consent_text: str, purpose: str,
                  channel: str = "widget", address: str | None = None) -> dict[str, Any]:
        """``POST /subscriptions`` with granted consent; replaces an earlier subscription of ``subscriber_id``.

        Args:
            subscriber_id: pseudonymous id (≤ 128 characters).
            facts: the facts snapshot (eligibility ``/check`` names).
            consent_text: what the citizen was shown and agreed to.
            purpose: why the facts are kept.
            channel: ``widget`` (pulled at the next visit) or ``rest``; address: default ``subscriber_id``.

        Returns:
            The subscription JSON (``{"subscriber_id", "channel", "facts", "consent", "last_eligible", ...}``).

        Raises:
            InvalidInputError: refused (bad facts, unknown channel, credentials).
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: the API is slow, down or broken.
        """
        body = {"subscriber_id": subscriber_id, "channel": channel, "address": address or subscriber_id,
                "facts": dict(facts), "consent": {"granted": True, "text": consent_text, "purpose": purpose}}
        out = self._http.request("POST", "/subscriptions", self._interpret, json=body, headers=self._headers())
        if not isinstance(out, dict) or out.get("subscriber_id") != subscriber_id:
            raise ConnectorError(f"alerts service at {self.base_url} answered /subscriptions with an unexpected shape")
        return out

    def is_subscribed(self, subscriber_id: str) -> bool:
        """``GET /subscriptions/{id}``: whether the subscriber has a subscription (404 → False).

        Raises:
            ConnectorError: the service is unreachable or answered something else.
        """
        try:
            out = self._http.request("GET", f"/subscriptions/{path_segment(subscriber_id, what='subscriber')}", self._interpret, headers=self._headers())
        except SubscriptionNotFoundError:
            return False
        if not isinstance(out, dict):
            raise ConnectorError(f"alerts service at {self.base_url} answered GET /subscriptions with an unexpected shape")
        return True

    def unsubscribe(self, subscriber_id: str) -> bool:
        """``DELETE /subscriptions/{id}``: deletes the subscription, its facts and undelivered notifications.

        Returns:
            Whether there was one to delete.
        """
        out = self._http.request("DELETE", f"/subscriptions/{path_segment(subscriber_id, what='subscriber')}", self._interpret, headers=self._headers())
        if not isinstance(out, dict) or not isinstance(out.get("deleted"), bool):
            raise ConnectorError(f"alerts service at {self.base_url} answered DELETE with an unexpected shape")
        return bool(out["deleted"])

    def pending(self, subscriber_id: str) -> list[dict[str, Any]]:
        """``GET /alerts/{id}/pending``: the widget inbox (the API marks what it returns delivered).

        Returns:
            Notification payloads, oldest first: ``{"type": "new_eligible_services", "services": [{"service_id",
            "service_name", "sources": [{"title", "url", "agency", "legal_basis"}]}], "catalogue_version", "id", ...}``.
        """
        # not idempotent although a GET: sent again after a lost answer, what the first one claimed would be lost
        out = self._http.request("GET", f"/alerts/{path_segment(subscriber_id, what='subscriber')}/pending", self._interpret, headers=self._headers(),
                                 idempotent=False)
        if not isinstance(out, list) or not all(isinstance(n, dict) for n in out):
            raise ConnectorError(f"alerts service at {self.base_url} answered /pending with an unexpected shape")
        return out

    def peek(self, subscriber_id: str) -> list[dict[str, Any]]:
        """``GET /alerts/{id}/pending?claim=false``: the inbox, nothing marked (see :meth:`acknowledge`).

        Returns:
            Notification payloads, oldest first, each with its ``id`` and delivery ``attempts``.
        """
        out = self._http.request("GET", f"/alerts/{path_segment(subscriber_id, what='subscriber')}/pending", self._interpret, headers=self._headers(),
                                 params={"claim": "false"})
        if not isinstance(out, list) or not all(isinstance(n, dict) and isinstance(n.get("id"), int) for n in out):
            raise ConnectorError(f"alerts service at {self.base_url} answered /pending with an unexpected shape")
        return out

    def acknowledge(self, subscriber_id: str, ids: list[int]) -> list[int]:
        """``POST /alerts/{id}/delivered``: mark told notifications delivered (safe to retry: only pending ones move).

        Returns:
            The ids this call moved.
        """
        out = self._http.request("POST", f"/alerts/{path_segment(subscriber_id, what='subscriber')}/delivered", self._interpret, headers=self._headers(),
                                 json={"ids": list(ids)}, idempotent=True)
        moved = out.get("delivered") if isinstance(out, dict) else None
        if not isinstance(moved, list) or not all(isinstance(i, int) for i in moved):
            raise ConnectorError(f"alerts service at {self.base_url} answered /delivered with an unexpected shape")
        return moved

    def run(self) -> dict[str, int]:
        """``POST /run``: one re-evaluation and delivery round in the server that holds the conversations (its
        ``conversation`` notifier pushes new matches into them at once).

        Returns:
            The counts ``{"evaluated", "notified", "delivered", "failed", "gave_up", "errors"}``.

        Raises:
            InvalidInputError: refused (401/403: the admin token).
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: the server is slow, down or broken.
        """
        out = self._http.request("POST", "/run", self._interpret, headers=self._headers())
        if not isinstance(out, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in out.values()):
            raise ConnectorError(f"alerts service at {self.base_url} answered /run with an unexpected shape")
        return {str(k): int(v) for k, v in out.items()}
