"""Helpers for the eligibility tests: paths, raw catalogue rows, a small copy of a few services, a live server.

Imported by name (``from elig_helpers import ...``), never from ``conftest``: conftest module names collide."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared_paths import PINNED_TODAY  # noqa: F401 - re-exported: the eligibility tests' clock



ROOT = Path(__file__).resolve().parents[2]
GOV24_DIR = Path(os.environ.get("ASSISTANT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "gov24_benefits"
FILES = ("gov24_serviceList_snapshot.json", "gov24_serviceDetail_snapshot.json", "gov24_supportConditions_snapshot.json")
#: A few services with different kinds of conditions (see cases/*.yaml for what each codes).
SMALL_IDS = ("000000465790", "322000000125", "135200000103", "328000000120", "149200000030")


def bench_eligibility():  # type: ignore[no-untyped-def]
    """``bench/eligibility.py`` as a module (its person profiles, ``tiled``, ``results_sha256``), loaded from its file
    under its own name: ``eligibility`` alone would be this test package."""
    import importlib.util
    import sys

    name = "bench_eligibility"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "eligibility.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


def raw_rows(root: Path, name: str) -> list[dict]:  # type: ignore[type-arg]
    """The ``data`` records of one catalogue file."""
    rows: list[dict] = json.loads((root / name).read_text(encoding="utf-8"))["data"]  # type: ignore[type-arg]
    return rows


def write_subset(src: Path, dst: Path, ids: tuple[str, ...], edit: dict[str, dict[str, object]] | None = None) -> Path:
    """Copy the records of ``ids`` from the three catalogue files into ``dst``; ``edit`` overrides
    supportConditions fields per service id."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        payload = json.loads((src / name).read_text(encoding="utf-8"))
        rows = [dict(r) for r in payload["data"] if r["서비스ID"] in ids]
        if name == FILES[2] and edit:
            for r in rows:
                r.update(edit.get(r["서비스ID"], {}))
        (dst / name).write_text(json.dumps({"data": rows}, ensure_ascii=False), encoding="utf-8")
    return dst


@contextmanager
def subset_service(src: Path, dst: Path, ids: tuple[str, ...]) -> Iterator[str]:
    """A real eligibility service (uvicorn, :class:`tests.live_server.LiveServer`) over the records of ``ids`` copied
    from the catalogue folder ``src`` into ``dst`` (:func:`write_subset`); yields its base URL."""
    from connectors.eligibility.catalogue import Catalogue
    from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app
    from tests.live_server import LiveServer

    cat = Catalogue.from_gov24_dir(write_subset(src, dst, ids))
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(cat)))) as live:
        yield live.url


class CatalogueClient:
    """``EligibilityClient.check`` in process over a :class:`~connectors.eligibility.catalogue.Catalogue` with the real
    evaluator (the verdicts are computed, not scripted): for driving the eligibility actions without a server."""

    def __init__(self, catalogue: object) -> None:
        self.catalogue = catalogue

    def check(self, facts: dict[str, object], service_ids: list[str] | None = None,
              statuses: list[str] | None = None) -> object:
        """The report ``EligibilityClient.check`` would give (counts over every service, results filtered)."""
        from collections import Counter

        from connectors.eligibility.client import EligibilityReport
        from connectors.eligibility.evaluator import evaluate
        from connectors.eligibility.facts import Facts

        res = evaluate(self.catalogue, Facts.model_validate(facts), service_ids)  # type: ignore[arg-type]
        if statuses:
            res = [r for r in res if r.status in statuses]
        counts = Counter(r.status for r in evaluate(self.catalogue, Facts.model_validate(facts)))  # type: ignore[arg-type]
        return EligibilityReport("test", {k: counts[k] for k in ("eligible", "not_eligible", "unknown")}, res)
