"""Chunking: documents → passages that keep the field or heading they came from.

Long sections are split with LangChain's ``RecursiveCharacterTextSplitter``
(paragraph → line → sentence boundaries). Every chunk is indexed lexically
(BM25). Dense embeddings cost about 0.45 ms per token on two cores and the
encoder's cost grows with length, so only the chunks that describe *what a
service is and who it is for* get one, cut to :data:`DENSE_CHARS` characters
(measured: this keeps catalogue import under the 100 s budget; see bench/).
"""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.knowledge.documents import Chunk, Document

CHUNK_CHARS = 600
CHUNK_OVERLAP = 60
#: Characters of a chunk (after its title prefix) fed to the encoder.
DENSE_CHARS = 200
#: Catalogue fields that get an embedding (first piece only). Of the two
#: purpose fields only the first present one is embedded (the summary repeats the purpose).
GOV24_DENSE_SECTIONS = frozenset({"지원대상", "지원내용"})
GOV24_PURPOSE_SECTIONS = ("서비스목적요약", "서비스목적")

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
    names = {s.name for s in doc.sections}
    purpose = next((p for p in GOV24_PURPOSE_SECTIONS if p in names), None)
    for section in doc.sections:
        pieces = _splitter.split_text(section.text) or [section.text]
        for i, piece in enumerate(pieces):
            if is_catalogue:
                dense = i == 0 and (section.name in GOV24_DENSE_SECTIONS or section.name == purpose)
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
