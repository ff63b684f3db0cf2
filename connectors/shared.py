"""One knowledge retriever (index + embedder) per process for the connectors: the engine's, when the assistant runs.

``assistant serve`` loads the knowledge retriever once (:func:`assistant.app_state.load_router`: the index, the
e5 encoder, the tokenizer). The connectors that need it in the same process (the task connector's English service
names, :mod:`connectors.tasks.service_search`) take that one through :func:`knowledge_retriever` instead of
loading a second copy: the server offers a getter with :func:`offer_retriever` (a getter, not the object, so a
re-import that swaps the engine's router is followed at once). Without an engine in the process (the action
server ``python -m connectors``, a CLI, tests), :func:`knowledge_retriever` loads one retriever over
``settings.index_dir`` and keeps it for the process.

The eligibility service has the same rule for the catalogue (:func:`connectors.eligibility.service.shared_service`,
used by the embedded HTTP app, the in-process client of the actions and the alert engine).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_LOCK = threading.Lock()
_OFFERED: dict[str, Callable[[], Any]] = {}
_LOADED: dict[tuple[str, str], Any] = {}


def _key(index_dir: Path) -> str:
    return str(Path(index_dir).resolve())


def offer_retriever(index_dir: Path, getter: Callable[[], Any]) -> None:
    """Register the engine's retriever over ``index_dir`` for the connectors of this process.

    Args:
        index_dir: the index the engine answers from (``settings.index_dir``).
        getter: returns the engine's current retriever (``None`` while it is not loaded yet).
    """
    with _LOCK:
        _OFFERED[_key(index_dir)] = getter


def withdraw_retriever(index_dir: Path) -> None:
    """Forget the engine's retriever over ``index_dir`` (the server is shutting down; tests)."""
    with _LOCK:
        _OFFERED.pop(_key(index_dir), None)


def knowledge_retriever(settings: Any, load: Callable[[Any], Any] | None = None) -> Any:
    """The knowledge retriever over ``settings.index_dir`` for this process.

    The engine's, when one was offered and is loaded; else one loaded with ``load`` (default
    :func:`connectors.tasks.service_search.load_retriever`) on first use and kept for the process (keyed by the
    index directory and the embedder name).

    Raises:
        ModelNotFoundError: no index there (or one built with another embedder); nothing is kept, so a later
            call after an import loads it.
    """
    key = _key(settings.index_dir)
    with _LOCK:
        getter = _OFFERED.get(key)
    if getter is not None and (engine := getter()) is not None:
        return engine
    own = (key, str(settings.embedder))
    with _LOCK:
        if own not in _LOADED:
            if load is None:
                from connectors.tasks.service_search import load_retriever

                load = load_retriever
            _LOADED[own] = load(settings)
            logger.info("knowledge retriever loaded for the connectors (no engine in this process)",
                        extra={"stage": "connectors"})
        return _LOADED[own]


def forget_loaded() -> None:
    """Drop the retrievers :func:`knowledge_retriever` loaded itself (tests)."""
    with _LOCK:
        _LOADED.clear()
