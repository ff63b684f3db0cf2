"""Helpers of the glossary tests: the keys of one dated block of assistant/knowledge/glossary_en_ko.yaml, and the
real catalogue's text (import this module by name, as ``shared_paths``)."""

from __future__ import annotations

import json
from functools import lru_cache

from assistant.knowledge.glossary import DEFAULT_GLOSSARY
from shared_paths import GOV24_DIR


def block_keys(marker: str) -> list[str]:
    """The keys written in the file's blocks that start with the comment ``marker`` (e.g. ``"# s23: paraphrases"``):
    from that comment to the next comment line that follows an entry; a block may appear several times."""
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
            keys.append(text.split(":", 1)[0].strip().strip('"').lower())
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
