"""Texts the group reading skipped before (issue #5, s8 item 3): headings, labels and lead-ins are not items, and an
age first reads as one way in when groups follow it ("65세 이상 노인 / 장애인 / 다자녀 부모").

Hand-read table: the four age-only-coded services of the real catalogue whose text the reading now reads (it read
none of them before), with the ways in a caseworker reads there; then the sweep: of the age-only-coded services,
at most 95 stay unread (99 before). An age first with a way in the table cannot read after it stays unread (유아학비:
"3~5세 유아 … 추가지원: 저소득층 유아" is no list of ways in).
"""

from __future__ import annotations

import numpy as np
import pytest

from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.text_groups import _GENERAL, _GENERAL_LEAD, _items, restriction_in

# (texts written like the catalogue's) → (groups, open)
SHAPES = [
    ("○ 사업기간: 2026. 8. ~ 10.\n○ 지원대상: 요건을 충족하는 청년 및 신혼부부(18세 ~ 39세)\n○ 지원규모: 200가구",
     ("newlywed",), ((18, 39),), False),  # labels of what/when are not items; 청년 (18~39) is a way in beside 신혼부부
    ("○ 65세 이상 노인\n○ 등록 장애인\n○ 다자녀 부모", ("disabled", "multi_child"), ((65, 200), (60, 200)), False),
    ("○ 사용료 50% 감면\n○ 「노인복지법」에 따른 65세 이상의 노인\n○ 「장애인복지법」에 따른 등록장애인", ("disabled",),
     ((65, 200), (60, 200)), False),  # a rate heading is no item
    ("○ 100분의 50 감면\n○ 다음 각 목의 감면자\n○ 국가유공자", ("veteran",), (), False),  # a lead-in is no item
]


@pytest.mark.parametrize(("text", "groups", "ages", "is_open"), SHAPES)
def test_headings_and_labels_are_not_items(text: str, groups: tuple[str, ...], ages: tuple[tuple[int, int], ...],
                                           is_open: bool) -> None:
    r = restriction_in(text)
    assert r is not None and (r.groups, r.ages, r.open) == (groups, ages, is_open)


def test_an_age_group_beside_a_group_is_a_way_in_only_with_its_ages() -> None:
    r = restriction_in("○ 가정폭력 피해자 및 동반 아동")  # the victim's children, not any child
    assert r is not None and (r.groups, r.ages) == (("victim",), ())


@pytest.mark.parametrize("text", ["노인복지법에 정한 만 65세 이상 노인", "○ 관내 65세 이상 어르신(주민등록지 기준)",
                                  "○ 지원대상 : 국공립 및 사립유치원에 다니는 3~5세 유아"])
def test_an_age_alone_still_restricts_nothing(text: str) -> None:
    assert restriction_in(text) is None


#: service id → (the groups named as ways in, open, the groups named more narrowly than their fact: s10), read by
#: hand from its 지원대상/선정기준.
READ_NOW = {
    "338000000419": ({"newlywed"}, True, set()),  # 사업기간 label skipped; 청년 및 신혼부부(18~39세); "가구당 최대 …" not read
    # 12세 이하; HPV: 12~17세 여성 청소년 (women) and "18~26세 저소득층 여성" (low income narrowed by age and sex);
    # "B형 간염 … 양성 산모로부터 출생한 영유아" (the infants, not pregnancy as the fact records it); 65세 이상
    "477000000134": ({"women"}, False, {"low_income", "pregnancy"}),
    "630000000669": ({"disabled", "multi_child"}, False, set()),  # 65세 이상 노인 / 장애인 / 다자녀 부모
    # rate heading skipped; 국가유공자, 부산시민, … 장애인(본인), "다자녀 가족할인[… 확인증 또는 등본+신분증)" (proof: plain)
    "O00020700003": ({"disabled", "veteran", "multi_child"}, True, set()),
}


@pytest.fixture(scope="module")
def texts(gov24_dir):  # type: ignore[no-untyped-def]
    from assistant.knowledge.loaders import load_gov24

    docs = list(load_gov24(gov24_dir))
    return Catalogue.from_documents(docs), {
        d.doc_id: "\n".join(s.text for s in d.sections if s.name in ("지원대상", "선정기준")) for d in docs}


def test_the_texts_read_now(texts) -> None:  # type: ignore[no-untyped-def]
    _cat, by_id = texts
    got = {}
    for sid in READ_NOW:
        r = restriction_in(by_id[sid])
        got[sid] = None if r is None else (set(r.groups), r.open, {g for g, _phrase in r.specific})
    assert got == READ_NOW


def test_sweep_of_the_age_only_coded_services(texts) -> None:  # type: ignore[no-untyped-def]
    cat, by_id = texts
    only_age = cat.pathway["individual"] & ~cat.restrict_matrix[:, :-1].any(axis=1)
    unread = []
    for i in np.flatnonzero(only_age):
        sid = cat.services[i].service_id
        items = _items(by_id[sid])
        if restriction_in(by_id[sid]) is None and not (items and (_GENERAL.search(items[0]) or _GENERAL_LEAD.match(items[0]))):
            unread.append(sid)
    assert not set(READ_NOW) & set(unread)
    assert "000000465790" in unread  # 유아학비: its 저소득층 item is an extra, not a way in
    assert len(unread) <= 95, len(unread)
