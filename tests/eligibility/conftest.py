"""Fixtures for the eligibility tests: the real catalogue (skips when ../shared/data is absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from elig_helpers import FILES, GOV24_DIR, subset_service

from connectors.eligibility.catalogue import Catalogue


@pytest.fixture(scope="session")
def gov24_dir() -> Path:
    """The real catalogue folder."""
    if not (GOV24_DIR / FILES[2]).exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    return GOV24_DIR


@pytest.fixture(scope="session")
def gov24_catalogue(gov24_dir: Path) -> Catalogue:
    """The real catalogue's conditions, built straight from the JSON (no import, no embeddings)."""
    return Catalogue.from_gov24_dir(gov24_dir)


@pytest.fixture(scope="module")
def subset_url(request: pytest.FixtureRequest, gov24_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live eligibility service over the test module's ``IDS`` (a few real catalogue services), started once per
    module (:func:`elig_helpers.subset_service`)."""
    ids = tuple(request.module.IDS)
    with subset_service(gov24_dir, tmp_path_factory.mktemp("cat-subset"), ids) as url:
        yield url
