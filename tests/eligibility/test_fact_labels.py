"""Every fact the eligibility service knows has a label a citizen can read in both languages.

Found: a Korean reply's facts line read "…, 다자녀가구, employed, 개인 기준" (``employed`` had no Korean label, and
eleven other Facts fields had none either). The right labels are the JA codes' own meanings (codes.py, from the
gov24 API's field descriptions) or the table's.
"""

from __future__ import annotations

import re

import pytest

from connectors.eligibility.actions import _describe_facts, _fact_label
from connectors.eligibility.facts import Facts

HANGUL = re.compile(r"[가-힣]")


@pytest.mark.parametrize("name", sorted(Facts.model_fields))
def test_every_fact_has_a_korean_label(name: str) -> None:
    label = _fact_label(name, "ko")
    assert HANGUL.search(label), f"{name} → {label!r}"


@pytest.mark.parametrize("name", sorted(Facts.model_fields))
def test_every_fact_has_an_english_label(name: str) -> None:
    label = _fact_label(name, "en")
    assert "_" not in label and not HANGUL.search(label), f"{name} → {label!r}"


@pytest.mark.parametrize(("lang", "expected"), [("ko", "근로자/직장인"), ("en", "employee")])
def test_employed_reads_as_its_code_meaning(lang: str, expected: str) -> None:
    # JA0326's meaning in codes.py: 근로자/직장인 / employee.
    assert _fact_label("employed", lang) == expected


def test_the_facts_line_of_a_korean_reply_has_no_english_fact_name() -> None:
    line = _describe_facts({"age": 36, "sex": "female", "multi_child_household": True, "employed": True,
                            "household_disabled": True, "forester": True}, "self", "ko")
    assert "employed" not in line and "household" not in line and "forester" not in line
    for part in ("만 36세", "다자녀가구", "근로자/직장인", "임업인", "장애인 가정(같은 세대에 등록 장애인)"):
        assert part in line, line


@pytest.mark.parametrize(("lang", "woman"), [("ko", "여성"), ("en", "female")])
def test_a_fact_said_twice_is_listed_once(lang: str, woman: str) -> None:
    # fresh-user probe s42: "여자" at the group question set the sex and the group 여성; the line read
    # "만 4세, 여성, 서울특별시 강남구, 중위소득 80%, 여성"
    line = _describe_facts({"age": 4, "sex": "female", "target_groups": {"women": True}}, "self", lang)
    assert line.lower().count(woman) == 1, line
