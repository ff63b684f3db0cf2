"""The clients the assistant uses to ask the eligibility service: over HTTP (an agency's, or one configured
with ``ASSISTANT_ELIGIBILITY_URL``) or in-process (:class:`LocalEligibilityClient`, when no URL is configured).

Every call has a timeout, bounded retries with exponential backoff (tenacity) on transport errors,
timeouts and 5xx answers, and a circuit breaker shared by every client of the same URL
(:mod:`connectors.resilience`); 4xx answers are not retried. Failures become :class:`ConnectorTimeout`,
:class:`ConnectorUnavailable` (:class:`~connectors.resilience.CircuitOpenError` while the circuit is open) or
:class:`ConnectorError`; a bad request becomes :class:`InvalidInputError`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import httpx

from assistant.errors import ConnectorError, InvalidInputError
from assistant.settings import Settings
from connectors.eligibility.catalogue import UnknownServiceError
from connectors.eligibility.target_groups import Caution
from connectors.eligibility.evaluator import Condition, ServiceResult
from connectors.eligibility.facts import Facts
from connectors.resilience import ConnectorClient, ServerError, json_body

if TYPE_CHECKING:
    from connectors.eligibility.service import EligibilityService, StatusName

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EligibilityReport:
    """What a check returned.

    Attributes:
        catalogue_version: the catalogue the service evaluated.
        counts: ``{"eligible", "not_eligible", "unknown"}`` over the services checked (``service_ids`` or the whole catalogue).
        results: one :class:`ServiceResult` per service returned.
    """

    catalogue_version: str
    counts: dict[str, int]
    results: list[ServiceResult]


def _result(d: Mapping[str, Any]) -> ServiceResult:
    return ServiceResult(
        service_id=str(d["service_id"]),
        service_name=str(d["service_name"]),
        status=d["status"],
        decided_by=tuple(Condition(c["code"], c["meaning"], c["meaning_en"], c["value"]) for c in d["decided_by"]),
        missing=tuple(d["missing"]),
        sources=tuple(d["sources"]),
        cautions=tuple(Caution(str(c["group"]), str(c["ko"]), str(c["en"]), str(c["fact"])) for c in d.get("cautions") or ()),
    )


class EligibilityClient(ConnectorClient):
    """HTTP client of the eligibility service.

    Args:
        base_url: e.g. ``http://127.0.0.1:8000/connectors/eligibility``.
        timeout: seconds per HTTP attempt.
        retries: attempts in all (≥ 1).
        backoff: first wait between attempts in seconds (doubles, capped at 2 s).
        transport: an httpx transport (tests).
        breaker: the circuit breaker (default: the one shared by all clients of ``base_url``).

    Example:
        >>> client = EligibilityClient("http://127.0.0.1:8000/connectors/eligibility", timeout=2.0)
        >>> client.base_url
        'http://127.0.0.1:8000/connectors/eligibility'
    """

    service = "eligibility"

    @classmethod
    def settings_url(cls, settings: Settings) -> str:
        """``settings.eligibility_base_url``."""
        return settings.eligibility_base_url

    def _interpret(self, r: httpx.Response) -> Any:
        if r.status_code >= 500:
            raise ServerError(r.status_code, r.text[:200])
        payload = json_body(r, f"eligibility service at {self.base_url}")
        detail = payload.get("detail") if isinstance(payload, dict) else None
        if r.status_code == 404 and "catalogue" in str(detail):
            raise UnknownServiceError(str(detail))
        if r.status_code >= 400:
            raise InvalidInputError(f"eligibility service refused the request ({r.status_code}): {detail}")
        return payload

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        # every call of this service is a look-up (its POSTs carry facts in the body, never an effect): safe to resend
        return self._http.request(method, path, self._interpret, json=body, idempotent=True)

    def health(self) -> dict[str, Any]:
        """``GET /health``.

        Raises:
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: as for :meth:`check`.
        """
        out = self._request("GET", "/health")
        if not isinstance(out, dict):
            raise ConnectorError(f"eligibility service at {self.base_url} answered /health with {type(out).__name__}")
        return out

    def find(self, text: str, limit: int = 5) -> list[dict[str, str]]:
        """``POST /services/find``: services named in ``text`` (``[{"service_id", "title"}]``, longest name first).

        Raises:
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: as for :meth:`check`.
        """
        out = self._request("POST", "/services/find", {"text": text[:2000], "limit": limit})
        if not isinstance(out, list) or not all(isinstance(d, dict) and "service_id" in d for d in out):
            raise ConnectorError(f"eligibility service at {self.base_url} answered /services/find with an unexpected shape")
        return [{"service_id": str(d["service_id"]), "title": str(d.get("title", ""))} for d in out]

    def holding(self, name: str, limit: int = 5) -> list[dict[str, str]]:
        """``POST /services/holding``: services whose title holds ``name`` (``[{"service_id", "title"}]``).

        Raises:
            ConnectorTimeout, ConnectorUnavailable, ConnectorError: as for :meth:`check`.
        """
        out = self._request("POST", "/services/holding", {"name": name[:200], "limit": limit})
        if not isinstance(out, list) or not all(isinstance(d, dict) and "service_id" in d for d in out):
            raise ConnectorError(f"eligibility service at {self.base_url} answered /services/holding with an unexpected shape")
        return [{"service_id": str(d["service_id"]), "title": str(d.get("title", ""))} for d in out]

    def check(self, facts: Facts | Mapping[str, Any], service_ids: list[str] | None = None,
              statuses: list[str] | None = None) -> EligibilityReport:
        """``POST /check``: judge ``facts`` against ``service_ids`` (default all).

        Args:
            facts: a :class:`Facts` or a mapping validated as one (unknown names are refused).
            service_ids: only these 서비스ID.
            statuses: only results with these statuses.

        Raises:
            InvalidInputError: the facts are invalid (locally or per the service).
            UnknownServiceError: a service id is not in the catalogue.
            ConnectorTimeout, ConnectorUnavailable: after ``retries`` attempts, or at once while the circuit
                is open (:class:`~connectors.resilience.CircuitOpenError`).
            ConnectorError: the answer is not what the schema promises.
        """
        facts = _as_facts(facts)
        body: dict[str, Any] = {"facts": facts.model_dump(exclude_none=True)}
        if service_ids is not None:
            body["service_ids"] = service_ids
        if statuses is not None:
            body["statuses"] = statuses
        out = self._request("POST", "/check", body)
        try:
            return EligibilityReport(str(out["catalogue_version"]), dict(out["counts"]), [_result(d) for d in out["results"]])
        except (KeyError, TypeError, AttributeError) as e:
            raise ConnectorError(f"eligibility service at {self.base_url} answered with an unexpected shape ({e!r})") from e


class LocalEligibilityClient:
    """The eligibility service called in-process, with :class:`EligibilityClient`'s interface (``find``, ``check``,
    ``health``): what the actions use when no eligibility URL is configured, so ``assistant ask``/``chat`` (no server)
    and ``assistant serve`` check over the catalogue in ``ASSISTANT_HOME`` without an HTTP hop to a default
    address where nothing, or another server, may listen. Same answers as ``POST /check`` of
    :func:`~connectors.eligibility.service.create_app` over the same service (no catalogue imported: an empty
    report, as over HTTP).

    Args:
        service: the :class:`~connectors.eligibility.service.EligibilityService` (e.g.
            :func:`~connectors.eligibility.service.shared_service` of the settings).

    Example:
        >>> from connectors.eligibility.catalogue import Catalogue, ServiceInfo
        >>> from connectors.eligibility.service import CatalogueSource, EligibilityService
        >>> cat = Catalogue.from_records([(ServiceInfo("S1", "t", "u", "a", ()), {"JA0102": "Y"})])
        >>> LocalEligibilityClient(EligibilityService(CatalogueSource.fixed(cat))).check({"sex": "female"}).counts
        {'not_eligible': 0, 'unknown': 0, 'eligible': 1}
    """

    def __init__(self, service: EligibilityService) -> None:
        self.service = service
        self.base_url = f"in-process:{service.source.describe}"

    def health(self) -> dict[str, Any]:
        """``{"status", "services", "catalogue_version", "unmapped_codes"}`` as ``GET /health``.

        Raises:
            ModelNotFoundError: no catalogue imported.
        """
        cat = self.service.catalogue()
        return {"status": "ok", "services": len(cat), "catalogue_version": cat.version, "unmapped_codes": cat.unmapped_codes}

    def find(self, text: str, limit: int = 5) -> list[dict[str, str]]:
        """Services named in ``text`` (``[{"service_id", "title"}]``, longest name first), as ``/services/find``."""
        return self.service.find(text[:2000], limit)

    def holding(self, name: str, limit: int = 5) -> list[dict[str, str]]:
        """Services whose title holds ``name`` (spaces ignored), as ``/services/holding``."""
        return self.service.holding(name[:200], limit)

    def check(self, facts: Facts | Mapping[str, Any], service_ids: list[str] | None = None,
              statuses: list[str] | None = None) -> EligibilityReport:
        """As :meth:`EligibilityClient.check`, evaluated in this process.

        Raises:
            InvalidInputError: the facts are invalid, or a status is not a status name.
            UnknownServiceError: a service id is not in the catalogue.
            LoaderError: the catalogue's conditions are malformed.
        """
        facts = _as_facts(facts)
        bad = [s for s in statuses or () if s not in ("eligible", "not_eligible", "unknown")]
        if bad:
            raise InvalidInputError(f"unknown statuses {bad}: use eligible, not_eligible or unknown")
        ev, results = self.service.run(facts, service_ids, cast("list[StatusName] | None", statuses), allow_empty=True)
        rows = None if service_ids is None else ev.catalogue.rows(service_ids)
        return EligibilityReport(ev.catalogue.version, ev.counts(rows), results)

    def close(self) -> None:
        """Nothing to close (the interface of :class:`EligibilityClient`)."""

    def __enter__(self) -> LocalEligibilityClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_facts(facts: Facts | Mapping[str, Any]) -> Facts:
    """``facts`` as :class:`Facts` (a mapping is validated; unknown names are refused).

    Raises:
        InvalidInputError: the facts are invalid (the first error named).
    """
    if isinstance(facts, Facts):
        return facts
    from pydantic import ValidationError

    try:
        return Facts.model_validate(dict(facts))
    except ValidationError as e:
        raise InvalidInputError(f"invalid facts: {_first_error(e)}") from e


def _first_error(e: Any) -> str:
    first = e.errors()[0]
    where = ".".join(str(x) for x in first["loc"]) or "facts"
    return f"{where}: {first['msg']}"
