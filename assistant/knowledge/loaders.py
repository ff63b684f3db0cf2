"""Loaders: files and the public-service catalogue → :class:`Document`.

Supported:

* Markdown (``.md``) with YAML front matter; sections are headings
  (parsed with markdown-it-py).
* HTML (``.html``/``.htm``) via BeautifulSoup; sections are ``h2``/``h3``.
* Plain text (``.txt``), optionally with the same front matter.
* PDF (``.pdf``) via pypdf: sections follow the outline (bookmarks) when the
  file has one, else one section per page (``p. N``).
* Word (``.docx``) via python-docx: sections are ``Heading`` paragraphs.
  PDF and DOCX cannot carry front matter: their metadata comes from the file's
  own properties (title, author → agency, modified → updated_at) and is
  overridden by a sidecar ``<name>.meta.yml`` next to the file.
* The Korean public-service catalogue in its open-API JSON form (행정안전부
  "대한민국 공공서비스(혜택) 정보", data.go.kr 15113968, gov24/v3):
  ``serviceList``, ``serviceDetail`` and ``supportConditions`` joined on 서비스ID.

Front matter keys: ``doc_id``, ``title``, ``agency``, ``url``, ``language``,
``updated_at`` (required: doc_id, title); anything else goes to ``meta``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import LoaderError
from assistant.knowledge.documents import Document, Section
from assistant.nlu.language import detect_language

_FRONT_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)

#: Catalogue fields that become sections, in the order a citizen reads them.
GOV24_SECTIONS = (
    "서비스목적요약",
    "서비스목적",
    "지원대상",
    "선정기준",
    "지원내용",
    "신청방법",
    "신청기한",
    "구비서류",
    "접수기관",
    "문의처",
    "법령",
)
GOV24_FILES = {
    "list": "gov24_serviceList_snapshot.json",
    "detail": "gov24_serviceDetail_snapshot.json",
    "conditions": "gov24_supportConditions_snapshot.json",
}
_EMPTY_VALUES = {"", "해당없음", "없음", "-", "null", "None"}


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise LoaderError(f"{path}: file not found") from e
    except UnicodeDecodeError as e:
        raise LoaderError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    m = _FRONT_RE.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as e:
        raise LoaderError(f"{path}: front matter is not valid YAML: {e}") from e
    if not isinstance(meta, dict):
        raise LoaderError(f"{path}: front matter must be a mapping of keys to values")
    return meta, text[m.end() :]


def _make_document(path: Path, meta: dict[str, Any], sections: list[Section], source: str, fallback_title: str) -> Document:
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        raise LoaderError(f"{path}: the document has no text")
    title = str(meta.pop("title", "") or fallback_title).strip()
    if not title:
        raise LoaderError(f"{path}: no title (add 'title:' to the front matter)")
    doc_id = str(meta.pop("doc_id", "") or path.stem)
    body = " ".join(s.text for s in sections)
    for bound in ("effective_from", "effective_to"):  # retrieval filters compare these as ISO dates
        value = meta.get(bound)
        if value in (None, ""):
            meta.pop(bound, None)
            continue
        try:
            meta[bound] = (value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])).isoformat()[:10]
        except ValueError:
            raise LoaderError(f"{path}: {bound} must be a date YYYY-MM-DD, not {value!r}") from None
    updated = meta.pop("updated_at", "")
    if isinstance(updated, (dt.date, dt.datetime)):
        updated = updated.isoformat()[:10]
    return Document(
        doc_id=doc_id,
        title=title,
        agency=str(meta.pop("agency", "") or ""),
        url=str(meta.pop("url", "") or ""),
        language=str(meta.pop("language", "") or detect_language(body)),
        updated_at=str(updated or ""),
        source=source,
        sections=tuple(sections),
        meta={k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in meta.items()},
    )


def load_markdown(path: Path, source: str) -> Document:
    """Load a Markdown file; sections are its headings (``#`` level 2 and below).

    Raises:
        LoaderError: unreadable file, bad front matter, no title or no text.
    """
    from markdown_it import MarkdownIt

    meta, body = _split_front_matter(path, _read_text(path))
    lines = body.splitlines()
    tokens = MarkdownIt("commonmark").parse(body)
    headings: list[tuple[int, int, str]] = []  # (line, level, text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map:
            headings.append((tok.map[0], int(tok.tag[1]), tokens[i + 1].content.strip()))
    h1 = next((h[2] for h in headings if h[1] == 1), "")
    sections: list[Section] = []
    path_stack: dict[int, str] = {}
    bounds = [h for h in headings if h[1] >= 2]
    first_line = bounds[0][0] if bounds else len(lines)
    intro = "\n".join(line for line in lines[:first_line] if not line.startswith("# ")).strip()
    if intro:
        sections.append(Section("개요" if meta.get("language", "ko") == "ko" else "Overview", intro))
    for n, (line, level, text) in enumerate(bounds):
        path_stack = {lv: t for lv, t in path_stack.items() if lv < level}
        path_stack[level] = text
        end = bounds[n + 1][0] if n + 1 < len(bounds) else len(lines)
        content = "\n".join(lines[line + 1 : end]).strip()
        name = " > ".join(path_stack[lv] for lv in sorted(path_stack))
        sections.append(Section(name, content))
    return _make_document(path, meta, sections, source, h1)


def load_html(path: Path, source: str) -> Document:
    """Load an HTML page; sections are ``h2``/``h3`` headings, meta tags give agency/url/updated_at.

    Raises:
        LoaderError: unreadable file or no text.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_text(path), "html.parser")
    for bad in soup(["script", "style", "nav", "footer"]):
        bad.decompose()
    meta: dict[str, Any] = {}
    for tag in soup.find_all("meta"):
        name, content = tag.get("name"), tag.get("content")
        if name and content and name in {"doc_id", "agency", "url", "language", "updated_at", "title"}:
            meta[name] = content
    html_tag = soup.find("html")
    if html_tag and html_tag.get("lang") and "language" not in meta:
        meta["language"] = str(html_tag.get("lang"))[:2]
    h1 = soup.find("h1")
    title = (h1.get_text(" ", strip=True) if h1 else "") or (soup.title.get_text(strip=True) if soup.title else "")
    sections: list[Section] = []
    current: str = "개요"
    buf: list[str] = []
    body = soup.body or soup
    for el in body.find_all(["h2", "h3", "p", "li", "td", "dd", "dt", "pre"]):
        if el.name in ("h2", "h3"):
            if buf:
                sections.append(Section(current, "\n".join(buf)))
            current, buf = el.get_text(" ", strip=True), []
        elif el.find_parent(["li", "td", "dd"]) is None or el.name in ("li", "td", "dd"):
            text = el.get_text(" ", strip=True)
            if text:
                buf.append(text)
    if buf:
        sections.append(Section(current, "\n".join(buf)))
    return _make_document(path, meta, sections, source, title)


def load_text(path: Path, source: str) -> Document:
    """Load a plain-text file (optional front matter); the whole body is one section."""
    meta, body = _split_front_matter(path, _read_text(path))
    first = body.strip().splitlines()[0] if body.strip() else ""
    return _make_document(path, meta, [Section("본문", body.strip())], source, first[:80])


def _sidecar_meta(path: Path) -> dict[str, Any]:
    side = path.with_name(path.name + ".meta.yml")
    if not side.exists():
        return {}
    try:
        meta = yaml.safe_load(_read_text(side)) or {}
    except yaml.YAMLError as e:
        raise LoaderError(f"{side}: not valid YAML: {e}") from e
    if not isinstance(meta, dict):
        raise LoaderError(f"{side}: must be a mapping of keys to values")
    return meta


def load_pdf(path: Path, source: str) -> Document:
    """Load a PDF's text layer (pypdf).

    Sections follow the outline (top-level and nested bookmarks, each running
    to the next bookmark's page) when there is one, else one section per page
    named ``p. N`` (1-based). A scanned PDF without a text layer has no text
    and is rejected rather than indexed empty (OCR is out of scope).

    Raises:
        LoaderError: unreadable, encrypted or text-less PDF.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise LoaderError(f"{path}: the PDF is encrypted; export an unencrypted copy")
        pages = [(pg.extract_text() or "").strip() for pg in reader.pages]
        info: Any = reader.metadata or {}
        marks: list[tuple[int, str]] = []

        def walk(items: list[Any], prefix: str) -> None:
            for it in items:
                if isinstance(it, list):
                    walk(it, marks[-1][1] + " > " if marks else prefix)  # children of the bookmark before
                    continue
                try:
                    page = reader.get_destination_page_number(it)
                    if page is not None:
                        marks.append((page, prefix + str(it.title).strip()))
                except Exception:  # a bookmark to nowhere: keep the others  # noqa: BLE001
                    continue

        walk(list(reader.outline or []), "")
    except (PdfReadError, OSError, ValueError) as e:
        raise LoaderError(f"{path}: not a readable PDF ({e})") from e
    if not any(pages):
        raise LoaderError(f"{path}: the PDF has no text layer (scanned?); OCR it first")
    sections: list[Section] = []
    marks = sorted({(p, t) for p, t in marks if 0 <= p < len(pages)})
    if marks:
        if marks[0][0] > 0:
            sections.append(Section("개요", "\n".join(pages[: marks[0][0]])))
        for n, (page, title) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else len(pages)
            sections.append(Section(title, "\n".join(pages[page : max(end, page + 1)])))
    else:
        sections = [Section(f"p. {i + 1}", text) for i, text in enumerate(pages)]
    meta: dict[str, Any] = {}
    if info.get("/Title"):
        meta["title"] = str(info["/Title"])
    if info.get("/Author"):
        meta["agency"] = str(info["/Author"])
    meta.update(_sidecar_meta(path))
    first = next((ln for text in pages for ln in text.splitlines() if ln.strip()), "")
    return _make_document(path, meta, sections, source, first[:80])


def load_docx(path: Path, source: str) -> Document:
    """Load a Word ``.docx``: ``Heading N`` paragraphs start sections; tables are read row by row.

    Raises:
        LoaderError: not a readable .docx, or no text.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as e:
        raise LoaderError(f"{path}: not a readable .docx ({e})") from e
    title = ""
    sections: list[Section] = []
    stack: dict[int, str] = {}
    current, buf = "개요", list[str]()
    for para in d.paragraphs:
        text = para.text.strip()
        style = (para.style.name if para.style is not None else "") or ""
        if not text:
            continue
        if style == "Title" and not title:
            title = text
        elif style.startswith("Heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            if level == 1 and not title:
                title = text
                continue
            if buf:
                sections.append(Section(current, "\n".join(buf)))
            stack = {lv: t for lv, t in stack.items() if lv < level}
            stack[level] = text
            current, buf = " > ".join(stack[lv] for lv in sorted(stack)), []
        else:
            buf.append(text)
    if buf:
        sections.append(Section(current, "\n".join(buf)))
    for table in d.tables:
        rows = [" | ".join(c.text.strip() for c in row.cells) for row in table.rows]
        if any(r.strip(" |") for r in rows):
            sections.append(Section("표", "\n".join(rows)))
    props = d.core_properties
    meta: dict[str, Any] = {}
    if props.title:
        meta["title"] = props.title
    if props.author:
        meta["agency"] = props.author
    if props.modified:
        meta["updated_at"] = props.modified.date().isoformat()
    meta.update(_sidecar_meta(path))
    return _make_document(path, meta, sections, source, title)


LOADERS = {".md": load_markdown, ".markdown": load_markdown, ".html": load_html, ".htm": load_html, ".txt": load_text, ".pdf": load_pdf, ".docx": load_docx}


def load_directory(root: Path, source: str | None = None) -> Iterator[Document]:
    """Yield a document for every supported file under ``root`` (recursively, sorted).

    ``README.md`` files are documentation of the folder, not corpus, and are skipped.

    Raises:
        LoaderError: ``root`` is not a directory, or a file fails to load.
    """
    if not root.is_dir():
        raise LoaderError(f"{root}: not a directory")
    src = source or f"dir:{root.resolve()}"
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in LOADERS and path.name.lower() != "readme.md":
            yield LOADERS[path.suffix.lower()](path, src)


# --- the public-service catalogue ------------------------------------------------


def clean_field(value: Any) -> str:
    """Normalise one catalogue value: ``None``/placeholders → ``""``, ``\\r\\n`` → ``\\n``,
    ``||`` multi-values → one per line."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    parts = [p.strip() for p in text.split("||")]
    text = "\n".join(p for p in parts if p)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n", text).strip()
    return "" if text in _EMPTY_VALUES else text


def _iso_date(value: Any) -> str:
    text = clean_field(value)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 8:
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
    return ""


def _read_rows(path: Path, required: bool) -> list[dict[str, Any]]:
    if not path.exists():
        if required:
            raise LoaderError(f"{path}: catalogue file not found (expected {path.name})")
        return []
    try:
        payload = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as e:
        raise LoaderError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from e
    except json.JSONDecodeError as e:
        raise LoaderError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
    rows = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(rows, list):
        raise LoaderError(f"{path}: expected a JSON object with a 'data' list of services")
    good = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise LoaderError(f"{path}: record {i} is not an object")
        if not clean_field(row.get("서비스ID")):
            raise LoaderError(f"{path}: record {i} has no 서비스ID")
        good.append(row)
    return good


def load_gov24(root: Path, exclude_sections: frozenset[str] = frozenset()) -> list[Document]:
    """Load the catalogue's three API views from ``root`` and join them on 서비스ID.

    Args:
        root: directory holding ``gov24_serviceList_snapshot.json`` (required),
            ``gov24_serviceDetail_snapshot.json`` and
            ``gov24_supportConditions_snapshot.json`` (optional; missing rows tolerated).
        exclude_sections: catalogue fields to leave out (benchmarks leave out
            서비스목적요약 when it is the query).

    Returns:
        One :class:`Document` per service in serviceList order; ``doc_id`` is
        the 서비스ID, ``meta`` holds service_id, category, support type, legal
        basis, online URL and the coded ``conditions`` (JA… codes).

    Raises:
        LoaderError: a file is missing, not UTF-8, not JSON, or a record has no 서비스ID.
    """
    if not root.is_dir():
        raise LoaderError(f"{root}: not a directory (expected the catalogue folder)")
    listing = _read_rows(root / GOV24_FILES["list"], required=True)
    details = {clean_field(r["서비스ID"]): r for r in _read_rows(root / GOV24_FILES["detail"], required=False)}
    conds = {clean_field(r["서비스ID"]): r for r in _read_rows(root / GOV24_FILES["conditions"], required=False)}
    docs: list[Document] = []
    seen: set[str] = set()
    for row in listing:
        sid = clean_field(row["서비스ID"])
        if sid in seen:
            continue
        seen.add(sid)
        detail = details.get(sid, {})
        merged = {**row, **{k: v for k, v in detail.items() if clean_field(v)}}
        if "문의처" not in merged and row.get("전화문의"):
            merged["문의처"] = row["전화문의"]
        title = clean_field(merged.get("서비스명"))
        if not title:
            raise LoaderError(f"{root / GOV24_FILES['list']}: service {sid} has no 서비스명")
        sections = [
            Section(name, clean_field(merged.get(name)))
            for name in GOV24_SECTIONS
            if name not in exclude_sections and clean_field(merged.get(name))
        ]
        if not sections:
            sections = [Section("서비스명", title)]
        cond = {k: v for k, v in conds.get(sid, {}).items() if k.startswith("JA") and v is not None}
        docs.append(
            Document(
                doc_id=sid,
                title=title,
                agency=clean_field(merged.get("소관기관명")),
                url=clean_field(row.get("상세조회URL")) or f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}",
                language="ko",
                updated_at=_iso_date(merged.get("수정일시")),
                source="gov24",
                sections=tuple(sections),
                meta={
                    "service_id": sid,
                    "category": clean_field(row.get("서비스분야")),
                    "support_type": clean_field(merged.get("지원유형")),
                    "agency_type": clean_field(row.get("소관기관유형")),
                    "legal_basis": clean_field(merged.get("법령")),
                    "online_url": clean_field(merged.get("온라인신청사이트URL")),
                    "conditions": cond,
                },
            )
        )
    return docs
