"""Documents, sections and chunks: the records the knowledge base holds."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


def content_hash(*parts: str) -> str:
    """SHA-256 hex digest of the parts joined by NUL; stable across runs."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class Section:
    """A named part of a document (a catalogue field such as 지원대상, or a heading path)."""

    name: str
    text: str


@dataclass(frozen=True)
class Document:
    """One document of the corpus.

    Attributes:
        doc_id: stable id; for a catalogue service, its 서비스ID.
        title, agency, url: shown in citations.
        language: ``"ko"`` or ``"en"``.
        updated_at: ISO date (``YYYY-MM-DD``) of the source's last update, or ``""``.
        source: the import that owns it (``gov24``, ``dir:<path>``); re-importing
            a source replaces all of its documents.
        sections: the document's parts, in order.
        meta: extra fields (service_id, category, legal basis, coded conditions).
    """

    doc_id: str
    title: str
    agency: str
    url: str
    language: str
    updated_at: str
    source: str
    sections: tuple[Section, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Hash of everything that affects chunks and citations."""
        body = json.dumps(
            [self.title, self.agency, self.url, self.language, self.updated_at, [(s.name, s.text) for s in self.sections]],
            ensure_ascii=False,
        )
        return content_hash(body)


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage.

    Attributes:
        chunk_id: ``<doc_id>#<n>``.
        doc_id: the owning document.
        section: the field or heading the text came from.
        text: the passage text (shown and quoted).
        dense: whether the chunk gets an embedding (see :mod:`assistant.knowledge.chunking`).
    """

    chunk_id: str
    doc_id: str
    section: str
    text: str
    dense: bool = True
