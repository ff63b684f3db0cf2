"""PDF and DOCX loaders: sections from the outline / headings, metadata from the file and its sidecar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.errors import LoaderError
from assistant.knowledge.loaders import load_directory, load_docx, load_pdf

fpdf = pytest.importorskip("fpdf", reason="fpdf2 (test extra) writes the PDFs these tests read")
docx = pytest.importorskip("docx", reason="python-docx is a runtime dependency")


def _pdf(path: Path, pages: list[tuple[str | None, str]], title: str = "", author: str = "") -> Path:
    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=12)
    for heading, text in pages:
        pdf.add_page()
        if heading:
            pdf.start_section(heading)
        pdf.multi_cell(0, 8, text)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.output(str(path))
    return path


def test_pdf_outline_gives_sections_and_metadata(tmp_path: Path) -> None:
    p = _pdf(
        tmp_path / "pension.pdf",
        [("Who can apply", "Residents aged 65 or over can apply."), ("How to apply", "Apply at the community centre.")],
        title="Basic Pension Guide",
        author="Ministry of Health and Welfare",
    )
    doc = load_pdf(p, "s")
    assert (doc.title, doc.agency, doc.doc_id) == ("Basic Pension Guide", "Ministry of Health and Welfare", "pension")
    assert [(s.name, s.text) for s in doc.sections] == [
        ("Who can apply", "Residents aged 65 or over can apply."),
        ("How to apply", "Apply at the community centre."),
    ]
    assert doc.language == "en"


def test_pdf_without_outline_is_one_section_per_page_and_sidecar_wins(tmp_path: Path) -> None:
    p = _pdf(tmp_path / "leaflet.pdf", [(None, "First page text."), (None, "Second page text.")], title="Inner title")
    (tmp_path / "leaflet.pdf.meta.yml").write_text(
        "doc_id: leaflet-1\ntitle: Housing leaflet\nagency: City Hall\nurl: https://example.org/l.pdf\nupdated_at: 2026-03-01\n",
        encoding="utf-8",
    )
    doc = load_pdf(p, "s")
    assert [s.name for s in doc.sections] == ["p. 1", "p. 2"]
    assert (doc.doc_id, doc.title, doc.agency, doc.url, doc.updated_at) == (
        "leaflet-1", "Housing leaflet", "City Hall", "https://example.org/l.pdf", "2026-03-01",
    )


def test_bad_pdfs_are_clear_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf at all")
    with pytest.raises(LoaderError, match="not a readable PDF"):
        load_pdf(junk, "s")
    empty = fpdf.FPDF()
    empty.add_page()
    empty.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(LoaderError, match="no text layer"):
        load_pdf(tmp_path / "scan.pdf", "s")


def _docx(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("기초연금 안내", level=1)
    d.add_paragraph("어르신의 생활 안정을 돕는 연금입니다.")
    d.add_heading("지원대상", level=2)
    d.add_paragraph("만 65세 이상, 소득인정액이 선정기준액 이하인 분")
    d.add_heading("소득인정액", level=3)
    d.add_paragraph("소득평가액과 재산의 소득환산액을 더한 금액")
    d.add_heading("신청방법", level=2)
    d.add_paragraph("주민센터 또는 국민연금공단 지사 방문")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "가구", "선정기준액"
    t.cell(1, 0).text, t.cell(1, 1).text = "단독가구", "228만원"
    d.core_properties.author = "보건복지부"
    d.core_properties.modified = dt.datetime(2026, 2, 3, 9, 0)
    d.save(str(path))
    return path


def test_docx_headings_tables_and_properties(tmp_path: Path) -> None:
    doc = load_docx(_docx(tmp_path / "pension.docx"), "s")
    assert (doc.title, doc.agency, doc.updated_at, doc.language) == ("기초연금 안내", "보건복지부", "2026-02-03", "ko")
    assert [s.name for s in doc.sections] == ["개요", "지원대상", "지원대상 > 소득인정액", "신청방법", "표"]
    assert doc.sections[1].text == "만 65세 이상, 소득인정액이 선정기준액 이하인 분"
    assert doc.sections[-1].text == "가구 | 선정기준액\n단독가구 | 228만원"


def test_bad_docx_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 broken zip")
    with pytest.raises(LoaderError, match="not a readable .docx"):
        load_docx(bad, "s")


def test_directory_picks_up_pdf_and_docx_but_not_sidecars(tmp_path: Path) -> None:
    _pdf(tmp_path / "a.pdf", [("Intro", "Some text here.")], title="A")
    (tmp_path / "a.pdf.meta.yml").write_text("agency: X\n", encoding="utf-8")
    _docx(tmp_path / "b.docx")
    docs = list(load_directory(tmp_path))
    assert sorted(d.doc_id for d in docs) == ["a", "b"]
    assert next(d for d in docs if d.doc_id == "a").agency == "X"
