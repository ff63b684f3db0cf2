"""The application checklist knows the two status records MyData supplies (issue #5, s8 item 2): 수급자 증명서
(``recipient_certificate``) and 차상위계층 확인서 (``near_poverty_certificate``).

The expected records per service were read by hand from the real catalogue's 구비서류 field (every service whose
field mentions 수급 or 차상위, as printed on the day: the lines are in the comments), independently of the
checklist's patterns. A service outside the table must get neither record.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connectors.tasks.checklist import build_checklist, mydata_record_for, parse_required_documents

GOV24_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gov24_benefits"
R, N = "recipient_certificate", "near_poverty_certificate"

#: service id → the status records its own document names carry (read by hand; {} = none: a status without a
#: document, another law's benefit, or "수급자 및 차상위계층 증명서", which names both). Since s9 a certificate inside
#: another item's parentheses marks that item with the first record its note names (checklist.note_record).
EXPECTED: dict[str, set[str]] = {
    "135200000090": {R},  # 신분증, 장애인 복지카드, 기초생활수급자증명서
    "135200005034": set(),  # ③ 기초생활수급자 및 차상위계층 증명서 1부 (names both)
    "179038700004": set(),  # 기초생활보장수급자 및 차상위 계층 자격확인 서류 구비 (a sentence, both)
    "301000000140": {R},  # 대상자 증빙자료(수급자 증명서, 차상위계층 확인서, …) (in parentheses: the first, since s9)
    "303000000112": set(),  # 생계 의료급여 수급자 자격확인 후 지급여부 결정함 (not a document)
    "304000000134": {R},  # …, 수급자 증명서 등 기타 증빙서류
    "312000000117": {R},  # 증빙서류(장애인등록증, 기초수급자증명서, …) (in parentheses: the first record named)
    "320000000111": set(),  # *주거급여, 차상위 자격이 없을 시 자격 신청 필수 (a remark)
    "338000000400": set(),  # 기초생활수급권자의 건강생활비 차감내역 지원할 경우, … 통장사본 (a case)
    "345000000108": {R},  # 2자녀 가정(수급자 증명서 추가제출 필요) (in parentheses: to submit)
    "358000000120": set(),  # 11. 사회보장수급증명서 (another certificate)
    "382000000174": set(),  # 연금수급권자 확인서 (a pension)
    "414000000107": {R},  # -기초생활수급자격 증명서
    "416000000101": {R, N},  # 국민기초생활수급자 증면서 (sic) // 차상위계층확인서
    "420000000174": {R, N},  # 국민기초생활수급자 증명서 // 차상위 계층인 경우 차상위계층 확인서 및 …
    "429000000646": {N},  # 기초연금 수급자 증명서, 장애인 연금 수급자 증명서 (other laws) // 차상위 확인서 사본
    "457000000112": set(),  # … 수급자 또는 차상위 계층임을 증빙할 수 있는 자료 (any proof)
    "476000000135": {N},  # 차상위계층 증명서
    "482000000138": {R},  # 각 해당 가정별 증명 서류(한부모가족 증명서, 수급자 증명서, …) (in parentheses)
    "484000000400": {R, N},  # 기초생활보장수급자 증명서 // 차상위계층 증명서 (and the statuses as headers)
    "511000000144": set(),  # 수급권자임을 증명할 수 있는 서류 사본 (any proof)
    "522000000109": {R},  # - 수급자증명서
    "540000000123": set(),  # 보조금 수급 자격 책정 (not a document)
    "541000000123": set(),  # 동의서 수급 대상자 개인별 (a consent form)
    "553000000583": {R},  # 자격증명서(장애인등록증, 국민기초생활보장 수급자 증명서) (in parentheses)
    "567000000102": set(),  # 자격증명 서류(기초생활수급 및 차상위 증명서) (in parentheses, names both: neither)
    "626000000647": set(),  # 비수급자 확인서
    "626000000659": set(),  # 증빙서류(주민등록등본, 수급자증명서 - …) (in parentheses: the first named, 등본, marks it)
    "641000000124": {R},  # ③ 국민기초생활수급자 증명서
    "641000000802": {R},  # 기초생활수급자 등 : 수급권자 증명서
    "645000000147": {R},  # - 국민기초생활수급자증명서
    "B37003100009": {R},  # 수급자증명서 또는 차상위계층확인서 1부 (alternatives: the first MyData supplies)
    "B55258400207": set(),  # 저소득층(기초생활수급자･차상위계층) 증빙서류 (any proof)
    "B55283600001": {R},  # 1. 국민기초생활수급자 증명서
    "B55353000001": set(),  # 대상자(수급자) 위임장 (a power of attorney)
    "GMO000000010": {R, N},  # 국민기초생활수급자 증명서 // 차상위계층 확인서
    "O00002700007": {R},  # 신청인 제출서류 : …, 기초생활수급자 증명서, …
    "O00007100009": set(),  # *65세 이상의 노인/…/국민기초수급자/…: 주민등록증 등 (a remark)
    "O00009200001": {R},  # 4. 국민기초생활수급자 증명서
    "O00011000008": set(),  # 신분증 및 증빙서류(…, 주민등록등본, …, 기초생활수급자증명서 등) (the first named: 등본)
    "O00018400001": set(),  # 국민기초생활수급자를 증빙할 수 있는 서류 (any proof)
    "O00023100009": {R},  # ○ 기초생활수급자 - 수급자증명서(매달 제출)
    "O00049300006": {R, N},  # 4자녀 : 기초생활수급자 증명서 // 5자녀 이상 : …, 차상위계층 증명서, … 중 택 1
    "O00054100001": set(),  # 우선선발계층의 경우 증빙서류(가족관계증명서 수급자증명서 …) (one run of words, not a list)
    "O00058400005": set(),  # 법정 수급자, 차상위계층, 한부모가정 증명서 중 해당되는 서류 (statuses listed)
    "O00084400005": {R},  # 각 취약계층에 따른 증빙서류(수급자증명서, 차상위본인부담경감증명서, …) (in parentheses)
    "PTR000051505": {R},  # …, 수급자 증명(해당자), …
    "SD0000019989": set(),  # 의료급여 수급자 : 국민기초생활보장법에 의한 증명서류 (any proof)
    "WII000001290": {R},  # 기초생활수급자 또는 차상위계층 : 수급자증명서 또는 차상위계층 대상 증명서 (alternatives)
}


@pytest.fixture(scope="module")
def documents():  # type: ignore[no-untyped-def]
    from assistant.knowledge.loaders import load_gov24

    if not (GOV24_DIR / "gov24_serviceDetail_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    return list(load_gov24(GOV24_DIR))


def test_status_records_over_the_real_catalogue(documents) -> None:  # type: ignore[no-untyped-def]
    mentions = {d.doc_id for d in documents
                if re.search("수급|차상위", next((s.text for s in d.sections if s.name == "구비서류"), ""))}
    assert mentions == set(EXPECTED), "the table no longer covers the catalogue's mentions: read the new ones"
    wrong = {}
    for d in documents:
        got = {x.mydata_record for x in build_checklist(d).documents} & {R, N}
        if got != EXPECTED.get(d.doc_id, set()):
            wrong[d.doc_id] = (sorted(got), sorted(EXPECTED.get(d.doc_id, set())))
    assert wrong == {}


@pytest.mark.parametrize("name, record", [
    ("국민기초생활수급자 증명서", R), ("기초수급자증명서", R), ("수급권자 증명서", R), ("기초생활수급자격 증명서", R),
    ("기초생활수급자 - 수급자증명서", R), ("차상위계층 확인서", N), ("차상위 확인서 사본", N), ("차상위계층 대상 증명서", N),
    ("차상위 계층인 경우 차상위계층 확인서", N),
    ("기초연금 수급자 증명서 사본", None), ("장애인 연금 수급자 증명서", None), ("사회보장수급증명서", None),
    ("비수급자 확인서", None), ("차상위본인부담경감증명서", None), ("기초생활수급자 및 차상위계층 증명서", None),
    ("차상위계층", None),
])
def test_names(name: str, record: str | None) -> None:
    assert mydata_record_for(name) == record


@pytest.mark.parametrize("text, names, records", [
    ("- 대상자 증빙자료(수급자 증명서, 차상위계층 확인서, 한부모가족 증명서 등)", ["대상자 증빙자료"], [R]),
    ("- 재직증명서(또는 건강보험자격득실확인서; 근로자인 경우)", ["재직증명서"], ["health_insurance"]),
    ("- 유족확인서류(주민등록등본, 가족관계증명서, 제적등본 등)", ["유족확인서류"], ["resident_registration"]),
    ("- 2자녀 가정(수급자 증명서 추가제출 필요)", ["2자녀 가정"], [R]),
    ("- 개인정보 및 활용동의서(주민등록등본 및 건강보험증 상 등재된 인원)", ["개인정보 및 활용동의서"], [None]),
    ("- 자격증명 서류(기초생활수급 및 차상위 증명서)", ["자격증명 서류"], [None]),
    ("- 통장사본(본인 명의)", ["통장사본"], [None]),
])
def test_a_certificate_inside_another_items_parentheses(text: str, names: list[str], records: list[str | None]) -> None:
    docs = parse_required_documents(text)
    assert [d.name for d in docs] == names and [d.mydata_record for d in docs] == records


def test_a_record_mydata_cannot_fetch_is_not_marked() -> None:
    docs = parse_required_documents("- 수급자증명서\n- 차상위계층 확인서", available_records=("resident_registration",))
    assert [d.mydata_record for d in docs] == [None, None]
