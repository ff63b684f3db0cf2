"""English names of checklist documents (task s9-fix item 2; fresh-user s8: an English apply request got its 구비서류
checklist in Korean under English headings).

The expected English names are written by hand; the catalogue sweep checks that every name the table gives for a
MyData record is the MyData connector's name of the record the checklist parser matched (two tables, one answer),
and that an English checklist has no unmarked Korean document name."""

from __future__ import annotations

import json
import re

import pytest

from connectors.mydata.scopes import SCOPES
from connectors.tasks.checklist import mydata_record_for, parse_required_documents
from connectors.tasks.dialogue import checklist_items, format_checklist
from connectors.tasks.document_names import IN_KOREAN, document_name, english_document_name

HANGUL = re.compile(r"[가-힣]")


@pytest.mark.parametrize(("korean", "english"), [
    ("신분증", "ID card"), ("신청인 신분증 사본", "copy of ID card"), ("신분증 지참", "ID card"),
    ("통장사본", "copy of bank book"), ("입금통장 사본", "copy of bank book"),
    ("주민등록등본", "resident registration certificate (household)"),
    ("주민등록표 등본", "resident registration certificate (household)"),
    ("주민등록 초본", "resident registration abstract"),
    ("가족관계증명서", "family relationship certificate"), ("혼인관계 증명서", "marriage relationship certificate"),
    ("재학증명서", "certificate of enrolment"), ("사업자등록증 사본", "copy of business registration certificate"),
    ("소득금액증명원", "certificate of income amount"),
    ("건강보험 자격득실 확인서", "health insurance eligibility certificate"),
    ("국민기초생활수급자 증명서", "basic livelihood security recipient certificate"),
    ("차상위계층 확인서", "near-poverty household certificate"),
    ("개인정보 수집·이용 동의서", "personal information consent form"), ("지원신청서", "application form"),
    ("임대차계약서 사본", "copy of lease contract"), ("위임장", "power of attorney"),
])
def test_known_documents_have_english_names(korean: str, english: str) -> None:
    assert english_document_name(korean) == english


@pytest.mark.parametrize("korean", [
    "경영체 등록증", "이용권 발급신청서", "보호자 신분증",  # another person's ID is not "ID card"
    "주민등록등본(가족 주소가 다른 경우 가족관계 증명서 추가제출 필요)-3개월 이내 발급분",  # more than the certificate
    "기초연금 수급자 증명서",  # another law's benefit: not the 국민기초생활 보장법 recipient certificate
    "", "사본",
])
def test_other_documents_have_none(korean: str) -> None:
    assert english_document_name(korean) is None


def test_document_name_by_language() -> None:
    assert document_name({"name": "통장사본"}, "ko") == "통장사본"
    assert document_name({"name": "통장사본"}, "en") == "copy of bank book"
    assert document_name({"name": "경영체 등록증"}, "en") == f"경영체 등록증 {IN_KOREAN}"
    both = {"name": "주민등록등본 또는 가족관계증명서", "alternatives": ["주민등록등본", "가족관계증명서"]}
    assert document_name(both, "en") == "resident registration certificate (household) or family relationship certificate"
    half = {"name": "소득금액증명원 또는 사업소득 확인서", "alternatives": ["소득금액증명원", "사업소득 확인서"]}
    assert document_name(half, "en") == f"소득금액증명원 또는 사업소득 확인서 {IN_KOREAN}"
    assert document_name({"name": "Form A"}, "en") == "Form A"  # nothing Korean: nothing to mark


FIELD = "- 신청서 및 개인정보 수집·이용 동의서\n- 통장사본 1부\n- 경영체 등록증\n○ 공무원 확인가능 서류\n- 주민등록표 등본"


@pytest.mark.parametrize(("language", "lines", "bring"), [
    ("en", ["- application form", "- personal information consent form", "- copy of bank book",
            f"- 경영체 등록증 {IN_KOREAN}",
            "- resident registration certificate (household) — the office checks it itself (nothing to submit)"],
     f"application form, personal information consent form, copy of bank book, 경영체 등록증 {IN_KOREAN}"),
    ("ko", ["- 신청서", "- 개인정보 수집·이용 동의서", "- 통장사본", "- 경영체 등록증",
            "- 주민등록표 등본 — 담당 기관이 직접 확인해요(제출 불필요)"],
     "신청서, 개인정보 수집·이용 동의서, 통장사본, 경영체 등록증"),
])
def test_the_checklist_reply_in_each_language(language: str, lines: list[str], bring: str) -> None:
    items = checklist_items([d.to_json() for d in parse_required_documents(FIELD)])
    shown, to_bring = format_checklist(items, "https://www.gov.kr/x", language)
    assert shown.splitlines() == lines
    assert to_bring == bring


def test_over_the_catalogue() -> None:
    """Every document of every real checklist: a MyData record's English name is the MyData connector's, and an
    English name is either free of Hangul or marked as Korean."""
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    path = GOV24_DIR / "gov24_serviceDetail_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {path}")
    rows = json.loads(path.read_text(encoding="utf-8"))["data"]
    named = total = 0
    for row in rows:
        for d in parse_required_documents(row.get("구비서류")):
            total += 1
            english = english_document_name(d.name)
            record = mydata_record_for(d.name)
            if english is not None:
                named += 1
                assert not HANGUL.search(english), (d.name, english)
                if record is not None and english in {s.document_en for s in SCOPES.values()}:
                    assert english == SCOPES[record].document_en, (d.name, english, record)
            shown = document_name(d.to_json(), "en")
            assert not HANGUL.search(shown) or shown.endswith(IN_KOREAN), (d.name, shown)
    assert total > 2000 and named / total > 0.25, (named, total)  # about a third of the 2,920 items at s9
