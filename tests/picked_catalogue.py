"""A conversation engine over a few picked real catalogue records (the tests' shared way to build one).

The records are read with the gov24 loader from ``../shared/data/gov24_benefits`` (the caller skips when it is
absent), imported into a fresh home with the bundled NLU copied in, and served by the engine the server builds.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor
from assistant.knowledge.ingest import import_documents
from assistant.settings import Settings
from shared_paths import GOV24_DIR


def picked_documents(pick: set[tuple[str, str]]) -> list[Any]:
    """The catalogue's documents whose ``(title, agency)`` is in ``pick`` (any order; fewer when the data lacks one)."""
    from assistant.knowledge.loaders import load_gov24

    return [d for d in load_gov24(GOV24_DIR) if (d.title, d.agency) in pick]


def processor_over(bundled_settings: Settings, embedder: Any, home: Path, docs: list[Any],
                   abstain_threshold: float) -> MessageProcessor:
    """An engine (SQLite tracker store in memory, no lock store) over ``docs`` in ``home``, the bundled NLU copied in,
    answering with the gate's ``abstain_threshold`` (0.0 answers everything, 1.0 abstains on everything)."""
    from assistant.app_state import build_processor, load_router
    from assistant.stores.trackers import SQLTrackerStore

    settings = bundled_settings.model_copy(update={"home": home, "abstain_threshold": abstain_threshold})
    shutil.copytree(bundled_settings.nlu_dir, settings.nlu_dir)
    import_documents(settings, "gov24", docs, embedder, progress=False)
    return build_processor(settings, load_router(settings, embedder), SQLTrackerStore("sqlite://"), None)


def engine_over_picked(pick: set[tuple[str, str]], bundled_settings: Settings, embedder: Any, home: Path) -> MessageProcessor:
    """:func:`processor_over` the catalogue's documents ``pick`` names, answering everything (threshold 0.0). Skips when
    ../shared/data/gov24_benefits is absent; fails when one of ``pick`` is not in it."""
    import pytest

    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    docs = picked_documents(pick)
    assert len(docs) == len(pick), sorted((d.title, d.agency) for d in docs)
    return processor_over(bundled_settings, embedder, home, docs, 0.0)


def first_reply(p: MessageProcessor, text: str, sender: str) -> Any:
    """The first bot message of ``p``'s answer to ``text`` from ``sender`` over the REST channel."""
    return p.handle_message(UserMessage(sender, text, "rest", {})).messages[0]


def cited_ids(reply: Any) -> list[str]:
    """The doc ids a bot message cites, in order (``custom["citations"]``; empty when it cites none)."""
    return [c["doc_id"] for c in reply.custom.get("citations") or []]
