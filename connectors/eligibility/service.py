"""The eligibility HTTP service (FastAPI; OpenAPI schema at ``/openapi.json``, docs at ``/docs``).

Endpoints (relative to where it is mounted; ``assistant serve`` mounts it at ``/connectors/eligibility``):

* ``POST /check`` ``{"facts": {...}, "service_ids": [...]?, "statuses": [...]?}`` →
  ``{"catalogue_version", "counts", "results": [{"service_id", "service_name", "status", "decided_by",
  "missing", "sources"}]}``; ``counts`` covers the services checked (``service_ids`` or the whole catalogue);
  an unknown field is refused with 422.
* ``POST /services/find`` ``{"text", "limit"?}`` → ``[{"service_id", "title"}]``: the services a message names.
* ``POST /services/holding`` ``{"name", "limit"?}`` → ``[{"service_id", "title"}]``: the services whose title holds
  a benefit's name ("출산지원금" → 출산지원금 지원 …).
* ``GET /codes`` the JA code table (code, group, pathway, Korean and English meaning, fact).
* ``GET /health`` ``{"status", "services", "catalogue_version", "unmapped_codes"}``.

The catalogue is read from the document store of ``ASSISTANT_HOME`` (what ``assistant knowledge import
gov24 DIR`` stored) on first use and read again whenever the index version changes (a re-import), or from
a catalogue JSON folder when started with ``--gov24-dir``.
"""

from __future__ import annotations

import gc
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import AssistantError, InvalidInputError, ModelNotFoundError
from assistant.settings import Settings
from connectors.eligibility.catalogue import Catalogue, UnknownServiceError
from connectors.eligibility.codes import code_table
from connectors.eligibility.evaluator import Evaluation, ServiceResult
from connectors.eligibility.facts import Facts

StatusName = Literal["eligible", "not_eligible", "unknown"]


class CatalogueSource:
    """Where the conditions come from: a loader plus a cheap version stamp that changes when they change.

    Args:
        load: builds the :class:`Catalogue` (may be slow: reads the store).
        version: returns the current stamp (called on every request; must be cheap).
        describe: shown in errors.
    """

    def __init__(self, load: Callable[[str], Catalogue], version: Callable[[], str], describe: str) -> None:
        self._load, self._version, self.describe = load, version, describe

    def version(self) -> str:
        """The current stamp (cheap)."""
        return self._version()

    def load(self, stamp: str) -> Catalogue:
        """Build the catalogue; ``stamp`` becomes its version."""
        return self._load(stamp)

    @classmethod
    def from_home(cls, settings: Settings) -> CatalogueSource:
        """The document store of ``settings.home``; the stamp is the active index version (changes on import)."""
        from assistant.knowledge.index import current_version

        def version() -> str:
            return current_version(settings.index_dir) or ""

        def load(stamp: str) -> Catalogue:
            from assistant.stores.documents import DocumentStore

            if not (settings.home / "assistant.db").exists():
                raise ModelNotFoundError(f"{settings.home} has no document store; run: assistant knowledge import gov24 DIR")
            cat = Catalogue.from_documents(DocumentStore(settings.db_url).all_documents(), version=stamp)
            if not len(cat):
                raise ModelNotFoundError(
                    f"{settings.home} holds no catalogue conditions; run: assistant knowledge import gov24 DIR")
            return cat

        return cls(load, version, str(settings.home))

    @classmethod
    def from_gov24_dir(cls, root: Path) -> CatalogueSource:
        """The catalogue's JSON folder; the stamp is the files' modification times."""

        def version() -> str:
            return "|".join(str(p.stat().st_mtime_ns) for p in sorted(root.glob("gov24_*_snapshot.json")))

        return cls(lambda _stamp: Catalogue.from_gov24_dir(root), version, str(root))

    @classmethod
    def fixed(cls, catalogue: Catalogue) -> CatalogueSource:
        """An already built catalogue (tests)."""
        return cls(lambda _stamp: catalogue, lambda: catalogue.version, "in-memory catalogue")


def settle_heap(catalogue: Catalogue) -> None:
    """Build what every evaluation of ``catalogue`` shares (:func:`~connectors.eligibility.evaluator.prepare`), then
    :func:`gc.unfreeze` (a catalogue frozen before is released), :func:`gc.collect` and :func:`gc.freeze`: every object
    alive now moves to the permanent generation, which the cyclic collector never scans, so its full collections
    cost what a check leaves behind instead of the whole heap (issue 5; CPython's own advice for long-lived heaps,
    https://docs.python.org/3/library/gc.html#gc.freeze). Objects frozen stay collectable by reference counting;
    only a reference cycle among them that dies later waits for the next call (the next reload) to be collected.
    Process-wide: meant for a process that serves checks."""
    from connectors.eligibility.evaluator import prepare

    prepare(catalogue)
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class EligibilityService:
    """Evaluates facts against the current catalogue, reloading it when its source changes.

    Thread-safe; the catalogue is loaded on first use.

    Args:
        source: where the catalogue comes from.
        freeze_heap: after each (re)load, collect and :func:`gc.freeze` the process's heap (:func:`settle_heap`), so
            the catalogue and everything loaded before it are never scanned again by the cyclic collector. Issue 5: a
            whole-catalogue check over 10,970 services leaves ~14k objects for the collector, which then ran a full
            collection of the ~105k-object heap every two or three checks: p95 ~100-150 ms against p50 35-45 ms. The
            serving processes set it (``python -m connectors.eligibility``, and ``assistant serve`` through
            :func:`shared_service` by ``Settings.eligibility_freeze_heap``); it is process-wide, so a library caller
            leaves it off.

    Example:
        >>> from connectors.eligibility.catalogue import ServiceInfo
        >>> cat = Catalogue.from_records([(ServiceInfo("S1", "t", "u", "a", ()), {"JA0102": "Y"})])
        >>> EligibilityService(CatalogueSource.fixed(cat)).check(Facts(sex="male"))[0].status
        'not_eligible'
    """

    def __init__(self, source: CatalogueSource, *, freeze_heap: bool = False) -> None:
        self.source = source
        self.freeze_heap = freeze_heap
        self._catalogue: Catalogue | None = None
        self._stamp: str | None = None
        self._lock = threading.Lock()
        self._matcher: tuple[Catalogue, Any, dict[str, str]] | None = None

    def catalogue(self) -> Catalogue:
        """The current catalogue (reloaded when the source's stamp changed).

        Raises:
            ModelNotFoundError: the source holds no catalogue.
            LoaderError: the conditions are malformed.
        """
        stamp = self.source.version()
        cat = self._catalogue
        if cat is not None and self._stamp == stamp:
            return cat
        with self._lock:
            if self._catalogue is None or self._stamp != stamp:
                self._catalogue = self.source.load(stamp)
                self._stamp = stamp
                if self.freeze_heap:
                    settle_heap(self._catalogue)
            return self._catalogue

    def catalogue_or_empty(self) -> Catalogue:
        """:meth:`catalogue`, or an empty one when the source holds none yet (nothing imported is not an outage:
        a check answers with zero services and the conversation says the catalogue is missing)."""
        try:
            return self.catalogue()
        except ModelNotFoundError:
            return Catalogue([], [], version="")

    def evaluation(self, facts: Facts) -> Evaluation:
        """The vectorised statuses of every service for ``facts``."""
        return Evaluation(self.catalogue(), facts)

    def check(self, facts: Facts, service_ids: list[str] | None = None,
              statuses: list[StatusName] | None = None) -> list[ServiceResult]:
        """Results for ``service_ids`` (default all), optionally only those with a status in ``statuses``.

        Raises:
            UnknownServiceError: a requested service is not in the catalogue.
        """
        return self.run(facts, service_ids, statuses)[1]

    def run(self, facts: Facts, service_ids: list[str] | None = None,
            statuses: list[StatusName] | None = None, *, allow_empty: bool = False) -> tuple[Evaluation, list[ServiceResult]]:
        """Like :meth:`check`, also returning the :class:`Evaluation` (whole-catalogue statuses and counts).

        ``allow_empty``: a source without a catalogue evaluates as an empty one (the HTTP API: the conversation
        says the catalogue is missing) instead of raising :class:`ModelNotFoundError` (the CLI).
        """
        cat = self.catalogue_or_empty() if allow_empty else self.catalogue()
        ev = Evaluation(cat, facts)
        rows = cat.rows(service_ids)
        if statuses is not None and len(rows):
            wanted = {"not_eligible": 0, "unknown": 1, "eligible": 2}
            keep = np.isin(ev.status[rows], [wanted[s] for s in statuses])
            rows = rows[keep]
        return ev, ev.results(rows)

    def find(self, text: str, limit: int = 5) -> list[dict[str, str]]:
        """Services whose name the text mentions, longest name first (the engine's
        :class:`~assistant.dialogue.knowledge_base.ServiceTitleMatcher`, so both sides agree on what names a service).

        Returns:
            up to ``limit`` ``{"service_id", "title"}``.
        """
        from assistant.dialogue.knowledge_base import ServiceTitleMatcher

        cat = self.catalogue_or_empty()
        with self._lock:
            if self._matcher is None or self._matcher[0] is not cat:
                self._matcher = (cat, ServiceTitleMatcher(s.title for s in cat.services),
                                 {s.title: s.service_id for s in reversed(cat.services)})
            _cat, matcher, ids = self._matcher
        return [{"service_id": ids[t], "title": t} for t in matcher.find(text)[:limit]]

    def holding(self, name: str, limit: int = 5) -> list[dict[str, str]]:
        """Services whose title holds ``name`` (spaces ignored): "출산지원금" → 출산지원금 지원, 용인시 출산지원금 지원 …,
        in catalogue order. The other direction of :meth:`find` (the name in a title, not a title in a message): what
        says whether the catalogue has a benefit a citizen named (the composer's
        :meth:`~assistant.knowledge.composer.AnswerComposer.missing_service` reads document titles the same way).

        Returns:
            up to ``limit`` ``{"service_id", "title"}``; ``[]`` for a blank name.
        """
        key = re.sub(r"\s+", "", name)
        if not key:
            return []
        cat = self.catalogue_or_empty()
        found = (s for s in cat.services if key in re.sub(r"\s+", "", s.title))
        return [{"service_id": s.service_id, "title": s.title} for s in itertools.islice(found, limit)]

    def warm(self) -> dict[str, float]:
        """Do once what the first requests would: load the catalogue, build the service-name matcher of
        :meth:`find` and evaluate one person over the whole catalogue. The standalone service runs this before it
        opens its port (fresh-user s10 #7: under load its first ``/services/find`` took longer than the assistant's
        connector timeout, and the citizen's first eligibility question failed although ``/health`` was ok).

        Returns:
            seconds per step, ``{"catalogue", "find", "check"}``.

        Raises:
            ModelNotFoundError: the source holds no catalogue.
        """
        from assistant.server.warmup import WARM_UP_FACTS, WARM_UP_KO

        steps: dict[str, float] = {}
        for name, step in (("catalogue", self.catalogue), ("find", lambda: self.find(WARM_UP_KO)),
                           ("check", lambda: self.run(Facts.model_validate(WARM_UP_FACTS)))):
            t0 = time.perf_counter()
            step()
            steps[name] = round(time.perf_counter() - t0, 3)
        return steps


_SHARED: dict[tuple[str, str], EligibilityService] = {}
_SHARED_LOCK = threading.Lock()


def shared_service(settings: Settings) -> EligibilityService:
    """The one :class:`EligibilityService` over the catalogue in ``settings.home`` in this process: the embedded
    HTTP app (:func:`create_app`) and the in-process client of the actions
    (:class:`~connectors.eligibility.client.LocalEligibilityClient`) share it, so the catalogue is built once."""
    key = (str(settings.home.resolve()), settings.db_url)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = EligibilityService(CatalogueSource.from_home(settings), freeze_heap=settings.eligibility_freeze_heap)
        return _SHARED[key]


# --- HTTP schema ---------------------------------------------------------------------------------------


class ConditionModel(BaseModel):
    """A condition: the JA code (or REGION), its meaning and its value in the catalogue."""

    code: str = Field(description="JA code, e.g. JA0328; JA0110/JA0111 are the age range; NONE = no coded condition "
                      "restricts (nothing decides the service: always with status unknown, read 지원대상/선정기준); "
                      "REGION (not a JA code) = the service is run by a local government and limited to its residents "
                      "(area read from 소관기관명; the fact is `region`); APPLICANT = only an organisation or a business "
                      "applies (from 지원대상); STATUS = a named status its 지원대상/선정기준 text requires (국가유공자, "
                      "기초생활수급자, 차상위계층, 대한민국명장; value: the status names joined by '|'; facts `veteran`, "
                      "`welfare_recipient`, `near_poverty`, `master_craftsman`): the any-of of those statuses and the "
                      "other ways in the text names (장애인, 65세 이상, 한부모 …: facts `disabled`, `age`, "
                      "`single_parent_family` …); held when the person is known to hold a status; not_eligible ('해당 "
                      "없음') when every status and every other way is known not to hold; else unknown ('확인 필요'). "
                      "A value ending '|open' means the text also names a way no fact decides (residents, volunteers …): "
                      "such a service is never not_eligible by STATUS")
    meaning: str = Field(description="Korean meaning (API field description; for REGION '거주지: 경기도 성남시 (소관기관 기준)', or '(지원대상 문구 기준)' when read from the service's text)")
    meaning_en: str
    value: str | int = Field(description='"Y" for a flag code, years for JA0110/JA0111, the area for REGION ("경기도 성남시")')


class SourceModel(BaseModel):
    """The citation of a result."""

    service_id: str
    title: str
    url: str = Field(description="the service's page on gov.kr (상세조회URL)")
    agency: str
    legal_basis: list[str] = Field(description="laws and articles from the catalogue's 법령 field")
    application_period: str = Field("", description="the catalogue's 신청기한 (application period) as written; "
                                    "'' when it has none")


class ResultModel(BaseModel):
    """The verdict for one service."""

    service_id: str
    service_name: str
    status: StatusName
    decided_by: list[ConditionModel] = Field(
        description="eligible: the conditions met; not_eligible: the conditions failed; unknown: the conditions still open")
    missing: list[str] = Field(description="names of the facts that would decide the open conditions")
    sources: list[SourceModel]


class FindRequest(BaseModel):
    """A message to look for service names in (unknown fields are refused with 422)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=2000, description="the citizen's message")
    limit: int = Field(5, ge=1, le=50)


class HoldingRequest(BaseModel):
    """A benefit name to look for inside service titles (unknown fields are refused with 422)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=200, description="a benefit's name, e.g. 출산지원금")
    limit: int = Field(5, ge=1, le=50)


class FoundService(BaseModel):
    """A service named in the message."""

    service_id: str
    title: str


class CheckRequest(BaseModel):
    """An eligibility check. Unknown fields are refused with 422 (a misspelt ``service_id`` must not silently
    check the whole catalogue)."""

    model_config = ConfigDict(extra="forbid")

    facts: Facts
    service_ids: list[str] | None = Field(None, description="only these 서비스ID (default: the whole catalogue)")
    statuses: list[StatusName] | None = Field(None, description="only results with these statuses (default: all)")


class CheckResponse(BaseModel):
    """Results in catalogue order (or the order of ``service_ids``); counts over the services checked (the
    requested ``service_ids``, else the whole catalogue), before the ``statuses`` filter."""

    catalogue_version: str
    counts: dict[str, int]
    results: list[ResultModel]


def create_app(settings: Settings | None = None, service: EligibilityService | None = None) -> FastAPI:
    """Build the eligibility app.

    Args:
        settings: its ``home`` is the catalogue's source when ``service`` is not given.
        service: an already configured :class:`EligibilityService` (tests, ``--gov24-dir``).
    """
    if service is None:
        from assistant.settings import get_settings

        service = shared_service(settings or get_settings())
    app = FastAPI(title="Eligibility (public-service catalogue coded conditions)", version="0.1.0",
                  description=__doc__)
    app.state.service = service

    @app.exception_handler(AssistantError)
    async def _domain_error(_req: Request, exc: AssistantError) -> JSONResponse:
        status = 404 if isinstance(exc, UnknownServiceError) else 400 if isinstance(exc, InvalidInputError) else 503
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        cat = await run_in_threadpool(service.catalogue)
        return {"status": "ok", "services": len(cat), "catalogue_version": cat.version, "unmapped_codes": cat.unmapped_codes}

    @app.get("/codes")
    async def codes() -> list[dict[str, object]]:
        return code_table()

    @app.post("/services/find", response_model=list[FoundService])
    async def find(req: FindRequest) -> list[dict[str, str]]:
        """Services named in a message (e.g. "에너지바우처 받을 수 있나요?"), longest name first."""
        return await run_in_threadpool(service.find, req.text, req.limit)

    @app.post("/services/holding", response_model=list[FoundService])
    async def holding(req: HoldingRequest) -> list[dict[str, str]]:
        """Services whose title holds a benefit's name (e.g. "출산지원금" → 출산지원금 지원), catalogue order."""
        return await run_in_threadpool(service.holding, req.name, req.limit)

    @app.post("/check", response_model=CheckResponse)
    async def check(req: CheckRequest) -> Response:
        def run() -> bytes:
            ev, results = service.run(req.facts, req.service_ids, req.statuses, allow_empty=True)
            rows = None if req.service_ids is None else ev.catalogue.rows(req.service_ids)
            body = {"catalogue_version": ev.catalogue.version, "counts": ev.counts(rows),
                    "results": [r.to_json() for r in results]}
            return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

        # Serialised here rather than re-validated against CheckResponse (it documents the schema; the
        # results are built from the same fields): validating 10k results costs more than evaluating them.
        return Response(await run_in_threadpool(run), media_type="application/json")

    return app
