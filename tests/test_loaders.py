"""Loaders: Markdown/HTML/text front matter and sections; the catalogue's three views joined."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import LoaderError
from assistant.knowledge.loaders import clean_field, load_directory, load_gov24, load_html, load_markdown, load_text

MD = """---
doc_id: svc-1
title: 테스트 서비스
agency: 행정안전부
url: https://www.gov.kr/portal/rcvfvrSvc/dtlEx/1
language: ko
updated_at: 2026-01-29
service_id: "1"
---
# 테스트 서비스

## 지원 대상
- 만 65세 이상

## 신청 방법
주민센터 방문
"""


class TestMarkdown:
    def test_front_matter_and_sections(self, tmp_path: Path) -> None:
        p = tmp_path / "a.md"
        p.write_text(MD, encoding="utf-8")
        doc = load_markdown(p, "s")
        assert (doc.doc_id, doc.title, doc.agency, doc.updated_at) == ("svc-1", "테스트 서비스", "행정안전부", "2026-01-29")
        assert [s.name for s in doc.sections] == ["지원 대상", "신청 방법"]
        assert doc.sections[0].text == "- 만 65세 이상"
        assert doc.meta["service_id"] == "1"

    def test_bad_front_matter_names_the_file(self, tmp_path: Path) -> None:
        p = tmp_path / "bad.md"
        p.write_text("---\ntitle: [unclosed\n---\n# x\n\ntext\n", encoding="utf-8")
        with pytest.raises(LoaderError, match="bad.md"):
            load_markdown(p, "s")

    def test_non_utf8_is_a_clear_error(self, tmp_path: Path) -> None:
        p = tmp_path / "latin1.md"
        p.write_bytes("# café\n\n\xe9t\xe9".encode("latin-1"))
        with pytest.raises(LoaderError, match="not UTF-8"):
            load_markdown(p, "s")


def test_html_sections_and_meta(tmp_path: Path) -> None:
    p = tmp_path / "p.html"
    p.write_text(
        '<html lang="en"><head><title>T</title><meta name="agency" content="GDS"><meta name="url" content="https://x.gov/a">'
        "</head><body><h1>Apply for a blue badge</h1><h2>Who can apply</h2><p>People with a disability.</p>"
        "<h2>How to apply</h2><ul><li>Online</li><li>By post</li></ul><script>x()</script></body></html>",
        encoding="utf-8",
    )
    doc = load_html(p, "s")
    assert doc.title == "Apply for a blue badge" and doc.agency == "GDS" and doc.language == "en"
    assert [(s.name, s.text) for s in doc.sections] == [("Who can apply", "People with a disability."), ("How to apply", "Online\nBy post")]


def test_text_and_directory(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# not corpus", encoding="utf-8")
    (tmp_path / "a.txt").write_text("여권 발급 안내\n구청 민원실에서 신청합니다.", encoding="utf-8")
    docs = list(load_directory(tmp_path, source="d"))
    assert [d.title for d in docs] == ["여권 발급 안내"]
    assert load_text(tmp_path / "a.txt", "d").language == "ko"


def test_clean_field() -> None:
    assert clean_field(None) == ""
    assert clean_field("해당없음") == ""
    assert clean_field("방문신청||온라인신청") == "방문신청\n온라인신청"
    assert clean_field("a\r\n\r\nb") == "a\nb"


def _write_catalogue(root: Path, listing: list, detail: list | None = None, conds: list | None = None) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "gov24_serviceList_snapshot.json").write_text(json.dumps({"data": listing}, ensure_ascii=False), encoding="utf-8")
    if detail is not None:
        (root / "gov24_serviceDetail_snapshot.json").write_text(json.dumps({"data": detail}, ensure_ascii=False), encoding="utf-8")
    if conds is not None:
        (root / "gov24_supportConditions_snapshot.json").write_text(json.dumps({"data": conds}, ensure_ascii=False), encoding="utf-8")


class TestGov24:
    def test_join_tolerates_nulls_multivalues_and_missing_rows(self, tmp_path: Path) -> None:
        listing = [
            {"서비스ID": "A1", "서비스명": "가 서비스", "지원대상": "노인\r\n저소득", "신청방법": "방문||온라인", "소관기관명": "복지부",
             "상세조회URL": "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/A1", "수정일시": "20260129201825"},
            {"서비스ID": "B2", "서비스명": "나 서비스", "지원대상": None, "지원내용": "10만원"},
        ]
        detail = [{"서비스ID": "A1", "구비서류": "신분증", "법령": "노인복지법||시행령", "수정일시": "2026-02-01", "지원대상": None}]
        conds = [{"서비스ID": "A1", "JA0110": 65, "JA0111": None}]
        _write_catalogue(tmp_path, listing, detail, conds)
        a, b = load_gov24(tmp_path)
        assert a.doc_id == "A1" and a.updated_at == "2026-02-01"
        sec = {s.name: s.text for s in a.sections}
        assert sec["지원대상"] == "노인\n저소득"  # detail's null does not erase the list's value
        assert sec["신청방법"] == "방문\n온라인"
        assert sec["구비서류"] == "신분증"
        assert a.meta["conditions"] == {"JA0110": 65}
        assert a.meta["legal_basis"] == "노인복지법\n시행령"
        assert b.url == "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/B2"  # built from the id when missing
        assert [s.name for s in b.sections] == ["지원내용"]

    def test_missing_list_file(self, tmp_path: Path) -> None:
        with pytest.raises(LoaderError, match="gov24_serviceList_snapshot.json"):
            load_gov24(tmp_path)

    def test_malformed_json_names_line(self, tmp_path: Path) -> None:
        (tmp_path / "gov24_serviceList_snapshot.json").write_text('{"data": [', encoding="utf-8")
        with pytest.raises(LoaderError, match="not valid JSON"):
            load_gov24(tmp_path)

    def test_record_without_id(self, tmp_path: Path) -> None:
        _write_catalogue(tmp_path, [{"서비스명": "x"}])
        with pytest.raises(LoaderError, match="record 0 has no 서비스ID"):
            load_gov24(tmp_path)
