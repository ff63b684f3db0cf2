"""Dates in Korea and the alert consent text as a citizen reads it.

* a receipt number's date is the Korean (Asia/Seoul) date of the submission, the same date the status reply
  shows (:func:`connectors.tasks.dialogue.kst_date`): at 2026-11-29 23:30 UTC it is already 2026-11-30 in Korea;
* the alert offer shows the sex as 남성/여성 (male/female) and the income as a whole percentage.
"""

from __future__ import annotations

import calendar

import pytest

from connectors.alerts.actions import format_facts
from connectors.tasks.dialogue import RECEIPT_PATTERN, kst_date
from connectors.tasks.store import _iso, new_receipt


@pytest.mark.parametrize(("utc", "korean_day"), [
    ((2026, 11, 29, 23, 30, 0), "20261130"),  # after 15:00 UTC it is the next day in Korea
    ((2026, 11, 29, 14, 59, 59), "20261129"),
    ((2026, 11, 29, 15, 0, 0), "20261130"),
    ((2026, 12, 31, 16, 0, 0), "20270101"),
])
def test_receipt_date_is_the_korean_date_the_status_shows(utc: tuple[int, ...], korean_day: str) -> None:
    t = float(calendar.timegm(utc))
    receipt = new_receipt(t)
    assert RECEIPT_PATTERN.fullmatch(receipt)
    assert receipt.split("-")[1] == korean_day
    assert kst_date(_iso(t)).replace("-", "") == korean_day  # the status reply's date agrees


def test_alert_offer_shows_sex_words_and_a_rounded_income() -> None:
    facts = {"age": 67, "sex": "male", "income_pct_median": 249.912, "region": "경기도 성남시"}
    ko = format_facts(facts, "ko").splitlines()
    assert "- 성별: 남성" in ko and "- 소득(중위소득 대비 %): 250" in ko
    assert not any("male" in line or "249.9" in line for line in ko)
    en = format_facts({**facts, "sex": "female", "income_pct_median": 249.4}, "en").splitlines()
    assert "- sex: female" in en and "- income (% of median): 249" in en
    assert "- 성별: 여성" in format_facts({"sex": "female"}, "ko").splitlines()
    assert "- 소득(중위소득 대비 %): 45" in format_facts({"income_pct_median": 45.0}, "ko").splitlines()


def test_alert_offer_shows_the_groups_answered_by_their_labels() -> None:
    """s44 probe: the consent text showed "해당하는지: {'business': False, 'victim': False, …}", a raw Python dict. The
    labels are the group question's own (connectors/eligibility/text_groups.py LEXICON)."""
    from connectors.eligibility.text_groups import LEXICON

    label = {g.name: g.ko for g in LEXICON}
    line = next(x for x in format_facts({"target_groups": {"business": False, "artist": True}}, "ko").splitlines()
                if x.startswith("- 서비스가 정한 대상"))
    assert line.endswith(f"{label['artist']}: 예; {label['business']}: 아니요"), line
    assert "{" not in line and "False" not in line and "'" not in line
    en = format_facts({"target_groups": {"victim": False}}, "en")
    assert "False" not in en and "{" not in en and next(g.en for g in LEXICON if g.name == "victim") + ": no" in en
