"""The required-documents checklist of a service, from the catalogue's 구비서류 field.

The field is free text written by each agency: lines with bullets (``-``, ``○``, ``ㅇ``, ``1)``, ``①`` …),
group headers (``○ 신청인 제출서류``, ``< 방문 신청 시 지참서류 >``), labelled lines (``- 공통: 신분증, …``),
items separated by commas or ``및``, alternatives joined by ``또는``, notes in parentheses and remarks after
``※``. :func:`parse_required_documents` turns it into :class:`RequiredDocument` items; remarks (``※``, ``*``)
are not documents and are left out (the raw field is kept in :class:`Checklist` for the citation).

Documents under a header that says the office checks them itself (``공무원 확인가능 서류``,
``행정정보공동이용``, ``신청인 미제출``) are marked ``official_check``: the citizen consents instead of
submitting them.

Which documents Public MyData can supply (:data:`MYDATA_DOCUMENTS`): a document whose name (spaces
removed) matches one of these patterns is marked with the MyData record type that carries it, when that
record type is among those the MyData connector can fetch (``available_records``):

=========================  ================================================  =============================
record type                documents (as the catalogue spells them)          not matched (other documents)
=========================  ================================================  =============================
``resident_registration``  주민등록표 등본, 주민등록등본, 주민등록 등·초본     주민등록초본 alone (an abstract,
                                                                             a different certificate)
``health_insurance``       건강보험 자격득실 확인서, 건강보험자격득실확인서    건강보험증, 건강보험료 납부확인서
``income``                 소득금액증명(원)                                   소득확인증명서 (a 홈택스 form),
                                                                             원천징수영수증
``recipient_certificate``  (국민)기초생활(보장)수급자 증명서, 수급자증명서,     기초연금·장애인연금 수급자 증명서,
                           기초수급자증명서, 수급권자 증명서,                 사회보장수급증명서, 비수급자 확인서,
                           기초생활수급자격 증명서                            "기초생활수급자 및 차상위계층 증명서"
``near_poverty_certificate`` 차상위계층 확인서/증명서, 차상위 확인서,          차상위본인부담경감증명서, "차상위계층"
                           차상위계층 대상 증명서                             alone (a status, not a document)
=========================  ================================================  =============================

The name must *start* with the certificate (after a case such as "차상위 계층인 경우" or "… -"); "A 또는 B" is
marked with the first alternative MyData supplies. Since s9 a certificate named inside another item's parentheses
("증빙서류(장애인등록증, 수급자증명서 등)", "재직증명서(또는 건강보험자격득실확인서)") marks that item with its record
(:func:`note_record`: the note's first part that names one and ends with it), so MyData can supply the proof.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.knowledge.documents import Document
from assistant.knowledge.loaders import clean_field

#: (record type, pattern over the document name with whitespace removed, the record's Korean name).
MYDATA_DOCUMENTS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("resident_registration", re.compile(r"주민등록(?:표)?(?:등본|등[·ㆍ.,]?초본|등\(초\)본)"), "주민등록표 등본"),
    ("health_insurance", re.compile(r"건강보험(?:료)?자격득실"), "건강보험 자격득실 확인서"),
    ("income", re.compile(r"소득금액증명"), "소득금액증명"),
    # The name starts with the certificate (spaces removed): a 국민기초생활 보장법 수급자 증명서 however the agency
    # shortens it (기초생활수급자 증명서, 기초수급자증명서, 수급권자 증명서, 기초생활수급자격 증명서); not 기초연금·장애인연금
    # 수급자 증명서 (other laws' benefits), 사회보장수급증명서, 비수급자 확인서, nor "기초생활수급자 및 차상위계층 증명서"
    # (which of the two depends on the person: neither is marked); after a case and a dash ("기초생활수급자 - 수급자증명서").
    ("recipient_certificate", re.compile(r"^(?:.*[-–])?(?:국민)?(?:기초(?:생활)?(?:보장)?)?수급(?:권)?자(?:격)?증[명면]"),
     "수급자 증명서"),
    # 차상위계층 확인서 (also 차상위계층 증명서, 차상위 확인서, 차상위계층 대상 증명서), optionally after the case it is for
    # ("차상위 계층인 경우 차상위계층 확인서"); not 차상위 본인부담경감 증명서 (a health-insurance certificate).
    ("near_poverty_certificate", re.compile(r"^(?:.*(?:경우|시))?차상위(?:계층)?(?:대상)?(?:확인서|증명서|확인|증명)"),
     "차상위계층 확인서"),
)
#: The record types the MyData connector is expected to fetch (its own list wins when given).
MYDATA_RECORD_TYPES: tuple[str, ...] = tuple(r for r, _, _ in MYDATA_DOCUMENTS)

_NONE = {"해당없음", "없음", "구비서류없음", "구비서류 없음", "해당사항없음", "해당사항 없음", "없음(온라인신청)", "-"}
_BULLET = re.compile(r"^(?:[-–—•·∙○ㅇ◦●■□▪▶►▷◎◆◇√✔❍⊙◈]+|\d{1,2}[).]|\(\d{1,2}\)|[①-⑳]|[가-하][.)])\s*")
_BRACKETED = re.compile(r"^[<\[【〈《［]\s*(.+?)\s*[>\]】〉》］]\s*[:：]?\s*(.*)$")
_LABEL = re.compile(r"^((?:[^:：()]|\([^()]*\)){1,40}?)\s*[:：]\s*(.*)$")
_LEADING_CASE = re.compile(r"^[(（]([^()（）]{1,20})[)）]\s*(.+)$")
_HEADER_WORDS = ("제출", "확인", "구비", "지참", "필요", "공통", "신청시", "신청 시", "방문", "대상")
_OFFICIAL_WORDS = ("공무원", "행정정보", "미제출", "담당자 확인", "담당자확인")
#: A document name ends like a document (신청서, 증명서, 등본, 사본, 영수증 …), so ``및`` after it separates two.
_DOC_END = re.compile(r"(?:서|증|본|원|권|표|장|록|부|류|사진|자료|영수증|명세|내역|카드)(?:\s*\d+\s*부)?(?:\s*\(.*\))?$")
#: A line that only names a case (``2. 방문신청``, ``대리인 방문 시``) heads the items below it.
_CASE_HEADER = re.compile(r"(?:신청|신청\s*시|경우|시)$")
_NO_DOCS = re.compile(r"^(?:별도\s*)?(?:구비\s*서류|제출\s*서류|서류)?\s*(?:없음|불필요)$")


@dataclass(frozen=True)
class RequiredDocument:
    """One document of a service's checklist.

    Attributes:
        name: the document as the catalogue names it (notes in parentheses and quantities removed).
        note: the parenthesised remarks (``"상세"``, ``"해당자에 한함"``), ``; ``-joined, or ``""``.
        applies_to: the case it is needed in (the label before ``:``, e.g. ``"분만비"``, ``"대리인 방문 시"``),
            ``""`` = always.
        group: the header it is listed under (``"신청인 제출 서류"``), or ``""``.
        official_check: the office checks it itself (listed under 공무원 확인가능 서류 / 행정정보공동이용).
        alternatives: for ``"A 또는 B"``, ``("A", "B")``; empty otherwise.
        mydata_record: the MyData record type that supplies it (:data:`MYDATA_DOCUMENTS`), or ``None``.
    """

    name: str
    note: str = ""
    applies_to: str = ""
    group: str = ""
    official_check: bool = False
    alternatives: tuple[str, ...] = ()
    mydata_record: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The checklist item as JSON (what the task back end stores with an application)."""
        return {"name": self.name, "note": self.note, "applies_to": self.applies_to, "group": self.group,
                "official_check": self.official_check, "alternatives": list(self.alternatives),
                "mydata_record": self.mydata_record}


@dataclass(frozen=True)
class Checklist:
    """A service's checklist with what cites it.

    Attributes:
        service_id, service_name, url: the catalogue service and its gov.kr page.
        documents: the parsed items in catalogue order.
        source_text: the 구비서류 field as published (for display and citation).
        how_to_apply: the 신청방법 field; office: the 접수기관 field (``""`` when absent).
        application_period: the 신청기한 field (``""`` when absent): the apply flow says when it has ended (F9).
    """

    service_id: str
    service_name: str
    url: str
    documents: tuple[RequiredDocument, ...]
    source_text: str
    how_to_apply: str = ""
    office: str = ""
    mydata_records: tuple[str, ...] = field(default=())
    application_period: str = ""

    def to_json(self) -> dict[str, Any]:
        """``{"service_id", "service_name", "url", "documents": [...], "mydata_records", "source_text",
        "how_to_apply", "office", "application_period"}``; ``mydata_records`` are the record types MyData could supply."""
        return {"service_id": self.service_id, "service_name": self.service_name, "url": self.url,
                "documents": [d.to_json() for d in self.documents], "mydata_records": list(self.mydata_records),
                "source_text": self.source_text, "how_to_apply": self.how_to_apply, "office": self.office,
                "application_period": self.application_period}


def mydata_record_for(name: str, available_records: Iterable[str] = MYDATA_RECORD_TYPES) -> str | None:
    """The MyData record type that supplies the document ``name``, if it is one ``available_records`` has.

    Example:
        >>> mydata_record_for("주민등록표 등본"), mydata_record_for("주민등록초본"), mydata_record_for("통장사본")
        ('resident_registration', None, None)
    """
    compact = re.sub(r"\s+", "", name)
    available = set(available_records)
    for record, pattern, _ in MYDATA_DOCUMENTS:
        if record in available and pattern.search(compact):
            return record
    return None


#: Where a parenthesised note lists documents: commas, semicolons and the words for "or".
#: What may follow the certificate's name in a note part: its last syllable(s), a quantity, "지참", "(추가)제출 필요".
_NOTE_TAIL = re.compile(r"(?:서|원|본|명서|명원|확인서|증명서|증명원|자료)?(?:\d+부)?(?:을|를)?(?:지참|(?:추가)?제출)?(?:필요)?")
_NOTE_SPLIT = re.compile(r"[,、;；/]|\s(?:또는|혹은|or)\s|^(?:또는|혹은)\s")


def note_record(note: str, available_records: Iterable[str] = MYDATA_RECORD_TYPES) -> str | None:
    """The MyData record a certificate named inside an item's parentheses supplies (s9): ``"증빙서류(주민등록등본,
    가족관계증명서 등)"``, ``"재직증명서(또는 건강보험자격득실확인서)"``, ``"2자녀 가정(수급자 증명서 추가제출 필요)"``.

    Each note part (split at commas, semicolons and 또는/혹은; a remark after " - " dropped) must name the certificate
    as :func:`mydata_record_for` reads a name and end like a document, or say it is to be brought or submitted
    (지참, 제출); not a description of people ("주민등록등본 및 건강보험증 상 등재된 인원") nor "기초생활수급 및 차상위
    증명서" (which of the two depends on the person, as for a name). The first such record, in the note's order.

    Example:
        >>> note_record("주민등록등본, 가족관계증명서 등"), note_record("주민등록등본 및 건강보험증 상 등재된 인원")
        ('resident_registration', None)
    """
    available = set(available_records)
    for part in _NOTE_SPLIT.split(note):
        compact = re.sub(r"\s+", "", re.split(r"\s[-–]\s", part)[0]).strip(".")
        compact = re.sub(r"등$", "", compact)
        for record, pattern, _ in MYDATA_DOCUMENTS:
            m = pattern.search(compact)
            if record in available and m is not None and _NOTE_TAIL.fullmatch(compact[m.end():]):
                return record
    return None


def _split_top(text: str, seps: str) -> list[str]:
    """Split on any character of ``seps`` outside (), [], 「」 and <>."""
    out: list[str] = []
    depth, cur = 0, list[str]()
    for ch in text:
        if ch in "([「『<〈（":
            depth += 1
        elif ch in ")]」』>〉）" and depth:
            depth -= 1
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [p.strip() for p in out if p.strip()]


def _split_top_words(text: str, pattern: str) -> list[str]:
    """Split on ``pattern`` where it occurs outside parentheses and brackets."""
    depth, depths = 0, []
    for ch in text:
        if ch in "([「『<〈（":
            depth += 1
        elif ch in ")]」』>〉）" and depth:
            depth -= 1
        depths.append(depth)
    out, last = [], 0
    for m in re.finditer(pattern, text):
        if depths[m.start()] == 0:
            out.append(text[last : m.start()])
            last = m.end()
    out.append(text[last:])
    return [p.strip() for p in out if p.strip()]


def _split_and(item: str) -> list[str]:
    """Split ``A 및 B`` (and ``A와 B`` is left alone) where ``A`` ends like a document name."""
    parts = _split_top_words(item, r"\s*(?<![가-힣])및\s+|\s+및\s*")
    out: list[str] = []
    for p in parts:
        if out and not _DOC_END.search(out[-1]):
            out[-1] = f"{out[-1]} 및 {p}"
        else:
            out.append(p)
    return [p for p in out if p]


def _trailing_paren(text: str) -> int | None:
    """Start of the balanced parenthesis group that ends ``text`` (nested groups allowed), or ``None``."""
    if not text.endswith((")", "）")):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] in ")）":
            depth += 1
        elif text[i] in "(（":
            depth -= 1
            if depth == 0:
                return i
    return None


def _clean_name(item: str) -> tuple[str, str]:
    """``(name, note)``: trailing parentheses become the note; quantities and a trailing 등 go."""
    notes: list[str] = []
    name = item.strip(" .;")
    while True:
        name = re.sub(r"\s*(?:각\s*)?\d+\s*부\s*$", "", name)
        name = re.sub(r"\s+등$", "", name)
        start = _trailing_paren(name)
        if not start:
            break
        notes.insert(0, name[start + 1 : -1].strip())
        name = name[:start].rstrip()
    return name.strip(" .;"), "; ".join(n for n in notes if n)


def _merge_fragments(parts: list[str]) -> list[str]:
    """Join a comma part that does not end like a document to a next one that sums up with 등
    (``취업취약계층, 취업보호대상자 등 증빙서류`` is one document)."""
    out: list[str] = []
    carry = ""
    for i, p in enumerate(parts):
        p = f"{carry}, {p}" if carry else p
        carry = ""
        if i + 1 < len(parts) and not _DOC_END.search(p) and " 등 " in parts[i + 1]:
            carry = p
        else:
            out.append(p)
    return out


def parse_required_documents(text: str | None, available_records: Iterable[str] = MYDATA_RECORD_TYPES) -> list[RequiredDocument]:
    """Parse a 구비서류 field into checklist items (see the module docstring for the conventions).

    Args:
        text: the field as published (``\\r\\n`` and ``||`` allowed); ``None``/``해당없음`` → ``[]``.
        available_records: the MyData record types that can be fetched.

    Returns:
        Items in the order they appear, each distinct ``(name, applies_to, group)`` once.

    Example:
        >>> [d.name for d in parse_required_documents("- 신청서 및 개인정보 수집·이용 동의서\\n- 통장사본 1부")]
        ['신청서', '개인정보 수집·이용 동의서', '통장사본']
    """
    body = clean_field(text)
    if not body or body.replace(" ", "") in {n.replace(" ", "") for n in _NONE}:
        return []
    available = tuple(available_records)
    out: list[RequiredDocument] = []
    seen: set[tuple[str, str, str]] = set()
    group, official = "", False
    # a header that names a case ("대리신청", "방문 신청 시"): the items under it are needed in that case only (s45
    # probe: 에너지바우처's 위임장 and 대리인의 신분증 사본, under ○대리신청, were listed for every applicant to bring)
    header_case = ""
    for raw in body.split("\n"):
        line = raw.strip()
        if not line or line[0] in "※*☞":
            continue
        while True:
            stripped = _BULLET.sub("", line, count=1)
            if stripped == line:
                break
            line = stripped.strip()
        if not line or line[0] in "※*☞":
            continue
        applies_to = ""
        m = _BRACKETED.match(line)
        if m:
            group, line = m.group(1).strip(), m.group(2).strip()
            official, header_case = any(w in group for w in _OFFICIAL_WORDS), ""
        elif "," not in line and not _DOC_END.search(line) and _CASE_HEADER.search(line) and len(line) <= 25:
            group, line = line, ""
            official, header_case = False, group if "대리" in group else ""
        elif "," not in line and not line.startswith("기타") and re.search(r"서류\s*(?:\([^()]*\))?\s*[:：]?$", line) and any(w in line for w in _HEADER_WORDS):
            group, line = line.rstrip(" :："), ""
            official, header_case = any(w in group for w in _OFFICIAL_WORDS), ""
        else:
            m = _LABEL.match(line)
            if m:
                label, line = m.group(1).strip(), m.group(2).strip()
                if not line or any(w in label for w in ("제출", "확인", "구비")):
                    group = label
                    official, header_case = any(w in label for w in _OFFICIAL_WORDS), ""
                else:
                    applies_to = label
        if not line or line.replace(" ", "") in {n.replace(" ", "") for n in _NONE} or _NO_DOCS.match(line):
            continue
        m = _LEADING_CASE.match(line)
        if m and not applies_to:
            applies_to, line = m.group(1).strip(), m.group(2).strip()
        applies_to = applies_to or header_case
        for item in _merge_fragments(_split_top(line, ",、;；")):
            for part in _split_and(item):
                alts = tuple(a for a in (_clean_name(x)[0] for x in _split_top_words(part, r"\s+또는\s+")) if a)
                name, note = _clean_name(part)
                if not name or (name, applies_to, group) in seen:
                    continue
                seen.add((name, applies_to, group))
                record = next((r for r in (mydata_record_for(a, available) for a in (alts or (name,))) if r), None)
                if record is None and note:  # a certificate inside the item's parentheses (증빙서류(수급자 증명서 …))
                    record = note_record(note, available)
                out.append(RequiredDocument(name, note, applies_to, group, official,
                                            alts if len(alts) > 1 else (), record))
    return out


def build_checklist(doc: Document, available_records: Iterable[str] = MYDATA_RECORD_TYPES) -> Checklist:
    """The checklist of one catalogue document (as :func:`~assistant.knowledge.loaders.load_gov24` builds it)."""
    sections = {s.name: s.text for s in doc.sections}
    docs = tuple(parse_required_documents(sections.get("구비서류"), available_records))
    records = tuple(dict.fromkeys(d.mydata_record for d in docs if d.mydata_record))
    return Checklist(doc.doc_id, doc.title, doc.url, docs, sections.get("구비서류", ""),
                     sections.get("신청방법", ""), sections.get("접수기관", ""), records, sections.get("신청기한", ""))


class ChecklistSource:
    """Catalogue documents by 서비스ID, reloaded when their version stamp changes (a re-import).

    Args:
        load: returns the documents (may be slow).
        version: a cheap stamp that changes when they change.
    """

    def __init__(self, load: Callable[[], Iterable[Document]], version: Callable[[], str]) -> None:
        self._load, self._version = load, version
        self._docs: dict[str, Document] = {}
        self._stamp: str | None = None
        self._lock = threading.Lock()

    def documents(self) -> dict[str, Document]:
        """Every catalogue service's document by 서비스ID (reloaded after a re-import; do not mutate).

        The same dict object is returned until the catalogue changes, so callers may cache what they
        derive from it (e.g. a name matcher) keyed on its identity.
        """
        stamp = self._version()
        with self._lock:
            if self._stamp != stamp:
                self._docs = {d.doc_id: d for d in self._load() if d.source == "gov24" or "conditions" in d.meta}
                self._stamp = stamp
            return self._docs

    def document(self, service_id: str) -> Document | None:
        """The service's document, or ``None`` when the catalogue does not have it."""
        return self.documents().get(service_id)

    def checklist(self, service_id: str, available_records: Iterable[str] = MYDATA_RECORD_TYPES) -> Checklist | None:
        """The service's checklist, or ``None`` when the catalogue does not have it."""
        doc = self.document(service_id)
        return None if doc is None else build_checklist(doc, available_records)

    @classmethod
    def from_home(cls, db_url: str, index_dir: Path) -> ChecklistSource:
        """The document store at ``db_url``; stamp: the active index version under ``index_dir``."""
        from assistant.knowledge.index import current_version
        from assistant.stores.documents import DocumentStore

        return cls(lambda: DocumentStore(db_url).all_documents(), lambda: current_version(index_dir) or "")

    @classmethod
    def from_gov24_dir(cls, root: Path) -> ChecklistSource:
        """The catalogue's JSON folder; stamp: the files' modification times."""
        from assistant.knowledge.loaders import load_gov24

        return cls(lambda: load_gov24(root),
                   lambda: "|".join(str(p.stat().st_mtime_ns) for p in sorted(root.glob("gov24_*_snapshot.json"))))

    @classmethod
    def fixed(cls, docs: Iterable[Document]) -> ChecklistSource:
        """Fixed documents (tests)."""
        docs = list(docs)
        return cls(lambda: docs, lambda: "fixed")
