"""Helpers of the glossary tests: the keys of one dated block of assistant/knowledge/glossary_en_ko.yaml, the real
catalogue's text and English chatter that is no measured set (import this module by name, as ``shared_paths``)."""

from __future__ import annotations

import csv
import json
from functools import lru_cache

import pytest

from assistant.knowledge.glossary import DEFAULT_GLOSSARY, default_glossary, phrase_words
from shared_paths import GOV24_DIR, SHARED_DATA


def block_keys(marker: str) -> list[str]:
    """The keys written in the file's blocks that start with the comment ``marker`` (e.g. ``"# s23: paraphrases"``):
    from that comment to the next comment line that follows an entry; a block may appear several times. Each key as
    :class:`~assistant.knowledge.glossary.Glossary` keeps it (:func:`~assistant.knowledge.glossary.phrase_words`)."""
    keys: list[str] = []
    inside = entries_seen = False
    for line in DEFAULT_GLOSSARY.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text.startswith(marker):
            inside, entries_seen = True, False
        elif text.startswith("#"):
            if inside and entries_seen:
                inside = False
        elif inside and ":" in text:
            entries_seen = True
            keys.append(phrase_words(text.split(":", 1)[0].strip().strip('"')))  # as the glossary keeps it
    return keys


@lru_cache(maxsize=1)
def catalogue_text() -> str | None:
    """Every string field of the catalogue's serviceList and serviceDetail rows, one per line; ``None`` when the real
    catalogue is not at ``GOV24_DIR``."""
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        return None
    text: list[str] = []
    for name in ("gov24_serviceList_snapshot.json", "gov24_serviceDetail_snapshot.json"):
        rows = json.loads((GOV24_DIR / name).read_text(encoding="utf-8"))["data"]
        text += [v for r in rows for v in r.values() if isinstance(v, str)]
    return "\n".join(text)


@lru_cache(maxsize=1)
def english_chatter() -> tuple[str, ...] | None:
    """CLINC150's train, val, oos_train and oos_val questions and banking77's train questions (no set the retrieval or
    abstention figures are measured on): where a new glossary key fires in another sense, it is left out. ``None``
    when either dataset is absent under ``SHARED_DATA``."""
    clinc = SHARED_DATA / "clinc150" / "data_full.json"
    banking = sorted((SHARED_DATA / "banking77").glob("*train*"))
    if not clinc.exists() or not banking:
        return None
    data = json.loads(clinc.read_text(encoding="utf-8"))
    texts = [t for split in ("train", "val", "oos_train", "oos_val") for t, _ in data[split]]
    for path in banking:
        with path.open(encoding="utf-8") as f:
            texts += [row[0] for row in csv.reader(f) if row]
    return tuple(texts)


def korean_terms(text: str) -> set[str]:
    """Every Korean term the bundled glossary gives for ``text``."""
    return {t for _, terms in default_glossary().matches(text) for t in terms}


def keys_fired_on_chatter(keys: list[str]) -> set[str]:
    """Those of ``keys`` that match some question of :func:`english_chatter` (skips the calling test when the chatter
    datasets are absent)."""
    texts = english_chatter()
    if texts is None:
        pytest.skip(f"CLINC150 or banking77 not found under {SHARED_DATA}")
    assert len(texts) > 25_000
    wanted = set(keys)
    return {p for t in texts for p, _ in default_glossary().matches(t) if p in wanted}


def terms_missing_from_catalogue(keys: list[str]) -> dict[str, str]:
    """Key → a Korean term it gives that the catalogue's text never holds (skips the calling test when the real
    catalogue is absent)."""
    catalogue = catalogue_text()
    if catalogue is None:
        pytest.skip(f"real catalogue not found at {GOV24_DIR}")
    terms = default_glossary().terms
    return {k: t for k in keys for t in terms[k] if t not in catalogue}
