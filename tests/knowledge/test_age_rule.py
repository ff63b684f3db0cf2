"""An age stated to a service's answer is judged against the service's age rule, not left to the citizen (s36 second
probe: "저 41살이에요" after 청년농업인 영농정착지원 quoted "만 18세 이상 만 40세 미만" and said nothing more).
assistant/knowledge/age_rule.py; assistant/dialogue/builtin_actions.py (``utter_age_fits`` / ``utter_age_does_not_fit``).

The rules expected of the bundled pages were read off each page's 지원 대상 by hand (the line quoted beside each)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.age_rule import AgeRule, age_rule, birth_rule, stated_age
from assistant.knowledge.periods import today_in_seoul

KO = Path(__file__).resolve().parents[2] / "knowledge" / "ko"


def eligibility(name: str) -> str:
    body = (KO / f"{name}.md").read_text(encoding="utf-8")
    m = re.search(r"^## 지원 대상\n(.*?)(?=^## |\Z)", body, re.M | re.S)
    assert m is not None
    return m.group(1)


@pytest.mark.parametrize(("name", "line", "bounds"), [
    ("young-farmer-settlement", "만 18세 이상 만 40세 미만", (18, True, 40, False)),
    ("korail-senior-discount", "만 65세 이상 노인", (65, True, None, True)),
    ("okcheon-youth-rent", "나이: 19세 이상 39세 이하", (19, True, 39, True)),
    ("youth-housing-dream-account", "만 19세 ~ 34세", (19, True, 34, True)),
    ("student-loan-general", "나이: 만 55세 이하", (None, True, 55, True)),
    ("teen-mother-medical-cost", "만 19세 이하의 임신부", (None, True, 19, True)),
    ("youth-tomorrow-savings", "만 15세 이상 39세 이하", (15, True, 39, True)),
])
def test_a_pages_age_rule_is_read(name: str, line: str, bounds: tuple[Any, ...]) -> None:
    section = eligibility(name)
    assert line in section
    rule = age_rule(section)
    assert rule is not None and (rule.low, rule.low_inclusive, rule.high, rule.high_inclusive) == bounds


@pytest.mark.parametrize(("name", "why"), [
    ("language-development-support", "12세 미만인 비장애 아동: the child's age"),
    ("nuri-kindergarten-fee", "만 3~5세 유아: the child's"),
    ("briquette-coupon", "65세 이상 is one of several ways in (다음 중 하나 이상)"),
    ("hpv-vaccination", "birth years and several ages"),
    ("disabled-child-family-care", "18세 미만 … 장애아동: the child's"),
    ("rare-disease-medical-cost", "ages of single items, indented under others"),
])
def test_no_rule_is_read_where_the_age_is_not_the_askers_alone(name: str, why: str) -> None:
    assert age_rule(eligibility(name)) is None, why


@pytest.mark.parametrize(("age", "fits"), [(17, False), (18, True), (39, True), (40, False)])
def test_bounds_are_kept_as_written(age: int, fits: bool) -> None:
    assert AgeRule(18, True, 40, False, "만 18세 이상 만 40세 미만").fits(age) is fits


@pytest.mark.parametrize(("text", "age"), [
    ("저 41살이에요", 41), ("저희 아버지가 64살이신데 맞을 수 있어요?", 64), ("I'm 41", 41), ("my dad is 70 years old", 70),
    ("65세 이상 폐렴구균 예방접종", None), ("19세 미만 자녀", None), ("아이가 5살, 저는 35살", None), ("월 소득 200만원", None),
])
def test_the_stated_age(text: str, age: int | None) -> None:
    assert stated_age(text) == age


def say(p: Any, text: str, sender: str = "age") -> Any:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def doc_id(name: str) -> str:
    return str(yaml.safe_load((KO / f"{name}.md").read_text(encoding="utf-8").split("---", 2)[1])["doc_id"])


@pytest.mark.parametrize(("age", "response"), [("41", "utter_age_does_not_fit"), ("35", "utter_age_fits")])
def test_an_age_after_an_answer_is_judged(processor: Any, age: str, response: str) -> None:
    say(processor, "청년농업인 영농정착지원 알려줘")
    t = say(processor, f"저 {age}살이에요")
    cited = [c["doc_id"] for m in t.messages for c in m.custom.get("citations", [])]
    assert cited[0] == doc_id("young-farmer-settlement"), [m.text for m in t.messages]
    first = t.messages[0].text.splitlines()[0]
    assert f"{age}세" in first and "18세 이상 40세 미만" in first
    assert ("맞지 않아" in first) is (response == "utter_age_does_not_fit"), first
    assert t.messages[0].custom.get("age_fits") is (response == "utter_age_fits")


def test_an_age_in_the_question_is_judged_in_english(processor: Any) -> None:
    t = say(processor, "I'm 70. Can I get a discount on the train?")
    first = t.messages[0].text.splitlines()[0]
    assert "(70)" in first and "65 or over" in first and "within" in first, [m.text for m in t.messages]


def test_a_childs_age_is_not_judged_against_the_parent(processor: Any) -> None:
    t = say(processor, "아이가 5살인데 유아학비 받을 수 있나요?")
    assert "age_fits" not in t.messages[0].custom and "나이 기준" not in t.messages[0].text


@pytest.mark.parametrize(("today", "age", "fits"), [
    # born by 1961-12-31, judged on 2026-12-05: 63 → born 1962-12-06 … 1963-12-05; 64 → 1961-12-06 … 1962-12-05
    # (either side); 65 → 1960-12-06 … 1961-12-05
    (date(2026, 12, 5), 63, False), (date(2026, 12, 5), 64, None), (date(2026, 12, 5), 65, True),
    # on 2026-01-01: 64 → 1961-01-02 … 1962-01-01 (either side); 65 → 1960-01-02 … 1961-01-01
    (date(2026, 1, 1), 64, None), (date(2026, 1, 1), 65, True), (date(2026, 1, 1), 63, False),
])
def test_a_birth_date_rule_is_judged_against_an_age(today: date, age: int, fits: bool | None) -> None:
    """s38 probe: "저 63살이에요" after 65세 이상 폐렴구균 got no verdict: its rule is a birth date."""
    section = eligibility("pneumococcal-vaccine-65plus")
    assert "2026년 기준 1961년 12월 31일 이전에 태어난 분" in section
    rule = birth_rule(section, today)
    assert rule is not None and rule.born_by == date(1961, 12, 31)
    assert rule.fits(age) is fits


def test_a_birth_date_given_for_another_year_is_not_read() -> None:
    assert birth_rule(eligibility("pneumococcal-vaccine-65plus"), date(2027, 3, 1)) is None
    assert birth_rule(eligibility("briquette-coupon"), date(2026, 12, 5)) is None


def test_an_age_after_the_pneumococcal_answer_is_judged_by_its_birth_date(processor: Any) -> None:
    today = today_in_seoul()
    readable = today.year == 2026  # the page's date is 2026년 기준
    for age, fits in ((60, False), (70, True)):
        sender = f"pneumo-{age}"
        say(processor, "폐렴구균 예방접종 알려줘", sender)
        t = say(processor, f"저 {age}살이에요", sender)
        first = t.messages[0].text.splitlines()[0]
        if not readable:
            assert "age_fits" not in t.messages[0].custom, first
            continue
        assert f"{age}세" in first and "1961년 12월 31일 이전 출생" in first, first
        assert t.messages[0].custom.get("age_fits") is fits, first
