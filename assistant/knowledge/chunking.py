"""Chunking: documents → passages that keep the field or heading they came from.

Long sections are split with LangChain's ``RecursiveCharacterTextSplitter``
(paragraph → line → sentence boundaries). Every chunk is indexed lexically
(BM25). Dense embeddings cost about 0.45-0.75 ms per token on two cores (0.74
measured in s25 on the development machine, ~54 tokens a chunk) and the
encoder's cost grows with length, so only a catalogue service's title, who it is
for and what one gets are embedded, cut to :data:`DENSE_CHARS` characters: 3,291
chunks for the 1,097-service catalogue, embedded in 133 s at 24.7 chunks/s on
that machine (bench/results/retrieval_gov24.json, ``import``): over the issue's
100 s budget there; at 0.45 ms a token it would be about 80 s (not measured).
"""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.knowledge.documents import Chunk, Document

CHUNK_CHARS = 600
CHUNK_OVERLAP = 60
#: Characters of a chunk (after its title prefix) fed to the encoder.
DENSE_CHARS = 200
#: Catalogue fields that get an embedding (first piece only): who it is for and what one gets. The purpose fields
#: (serviceList's 서비스목적요약, serviceDetail's 서비스목적) get none since s25: a row of its own for the one-line
#: restatement of a service drew questions about the broad topic away from the pages that answer them. Measured on the
#: 1,097-service catalogue (hybrid R@1/R@5/MRR@10, bench/retrieval_gov24.py): the index `assistant knowledge import
#: gov24` serves, Korean citizen questions MRR .902 → .910, English twins .936 → .963, English dev .810 → .812, life
#: events .890 → .890; the known-item index (queries = the summaries, left out) .873/.965/.913 → .877/.964/.914; and a
#: quarter fewer chunks to embed (4,388 → 3,291). Both fields stay in BM25 and in answers.
GOV24_DENSE_SECTIONS = frozenset({"지원대상", "지원내용"})

#: Every document gets a short chunk of its title and agency (cheap to embed; a
#: name-like question matches it best). Never quoted as an answer.
TITLE_SECTION = "서비스명"

_splitter = RecursiveCharacterTextSplitter(
    chunk_size=CHUNK_CHARS,
    chunk_overlap=CHUNK_OVERLAP,
    separators=["\n\n", "\n", ". ", "다. ", " ", ""],
)


def chunk_document(doc: Document) -> list[Chunk]:
    """Split a document into chunks, one or more per section, in order.

    Returns:
        Chunks with ids ``<doc_id>#<n>``; ``dense`` marks those to embed.
    """
    chunks: list[Chunk] = [Chunk(f"{doc.doc_id}#0", doc.doc_id, TITLE_SECTION, f"{doc.title} ({doc.agency})" if doc.agency else doc.title, True)]
    is_catalogue = doc.source == "gov24"
    for section in doc.sections:
        pieces = _splitter.split_text(section.text) or [section.text]
        for i, piece in enumerate(pieces):
            if is_catalogue:
                dense = i == 0 and section.name in GOV24_DENSE_SECTIONS
            else:
                dense = i < 2
            chunks.append(Chunk(f"{doc.doc_id}#{len(chunks)}", doc.doc_id, section.name, piece, dense))
    return chunks


def dense_text(doc: Document, chunk: Chunk) -> str:
    """The text embedded for a chunk: title, section, then the start of the passage
    (the title chunk is embedded as it is)."""
    if chunk.section == TITLE_SECTION:
        return chunk.text
    return f"{doc.title} | {chunk.section}: {chunk.text[:DENSE_CHARS]}"


def lexical_text(doc: Document, chunk: Chunk) -> str:
    """The text indexed by BM25 for a chunk: title, agency (a region's name) and section give context to every passage."""
    return f"{doc.title}\n{doc.agency}\n{chunk.section}\n{chunk.text}"
