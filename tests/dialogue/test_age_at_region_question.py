"""An age said at the region question is judged once the region is given (s45 probe: "청년농업인 영농정착지원 알려줘",
"I'm 41 years old", then the region: the rule was quoted, never that 41 is outside it). Two faults behind it, both
fixed here: the age rule of the catalogue's pages was not read where the line starts with a list marker ("○ 연령 :",
"가. 연령 :") or writes the range "이상 ～ 만 40세 미만", or names the applicant's birth years (출생자); and the age said
at the region question, joined to the waiting question, was not judged with the region's answer.
assistant/knowledge/age_rule.py, assistant/dialogue/builtin_actions.py (_age_judgement)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.knowledge.age_rule import age_rule
from assistant.settings import Settings
from picked_catalogue import picked_documents, processor_over
from shared_paths import GOV24_DIR


@pytest.mark.parametrize("line", [
    "○ 연령 : 사업 시행연도 기준 만 18세 이상 ~ 만 40세 미만",
    "가. 연령 : 사업 시행연도 기준 만 18세 이상 ～ 만 40세 미만(‘26년 사업 기준 : 1986.1.1 ∼ 2008.12.31. 출생자)",
    "1) 연령: 만 18세 이상 〜 만 40세 미만",
    "① 나이 : 만 18세 이상 만 40세 미만",
])
def test_the_catalogues_list_markers_and_tildes_are_read(line: str) -> None:
    rule = age_rule(line)
    assert rule is not None and (rule.low, rule.low_inclusive, rule.high, rule.high_inclusive) == (18, True, 40, False)


@pytest.mark.parametrize("line", ["○ 연령: 2020년 이후 출생아", "가. 연령 : 만 6세 미만 아동"])
def test_an_age_line_about_a_child_is_still_not_read(line: str) -> None:
    assert age_rule(line) is None


PICK = {("청년농업인 영농정착지원", "농림축산식품부"), ("청년농업인 영농정착 지원", "경상남도"),
        ("춘천시 청년농업인 영농정착 지원", "강원특별자치도 춘천시")}


def _docs() -> list[Any]:
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    docs = picked_documents(PICK)
    assert len(docs) == 3, [(d.title, d.agency) for d in docs]
    return docs


def _bounds_written(section: str) -> tuple[int, int] | None:
    """The two ages of the section's 연령 line, read here with a plain regex (the test's own reading)."""
    line = next((x for x in section.splitlines() if "연령" in x), None)
    ages = re.findall(r"(\d+)\s*세", line or "")
    return (int(ages[0]), int(ages[1])) if len(ages) >= 2 else None


def test_the_real_pages_age_rules_are_read() -> None:
    read = 0
    for doc in _docs():
        section = next(s.text for s in doc.sections if s.name == "지원대상")
        written = _bounds_written(section)
        if written is None:  # 춘천시's page says the ages on a line about residence, not an age line: not read
            assert age_rule(section) is None, doc.agency
            continue
        rule = age_rule(section)
        assert rule is not None and (rule.low, rule.high) == written, (doc.agency, section[:200])
        read += 1
    assert read == 2


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    return processor_over(bundled_settings, embedder, tmp_path_factory.mktemp("age-region") / "home", _docs(), 0.0)


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


@pytest.mark.parametrize(("lang", "age", "place", "said"), [
    ("ko", "저 41살이에요", "경남이요", "41세"),
    ("en", "I'm 41 years old", "Gyeongnam", "(41)"),
])
def test_an_age_said_at_the_region_question_is_judged_with_the_regions_answer(engine: MessageProcessor, lang: str,
                                                                              age: str, place: str, said: str) -> None:
    sender = f"age-region-{lang}"
    first = say(engine, "청년농업인 영농정착지원 알려줘", sender)
    assert first.messages[-1].custom.get("response") == "utter_ask_programme_region", [m.text for m in first.messages]
    again = say(engine, age, sender)
    # the age is said to be kept, then the question is asked again
    assert [m.custom.get("response") for m in again.messages] == ["utter_kept_age", "utter_ask_programme_region"]
    assert "41" in (again.messages[0].text or "")
    answer = say(engine, place, sender).messages[-1]
    # 경상남도's or the national one (both say 만 18세 이상 만 40세 미만; 춘천시's is not 경남's)
    assert answer.custom["citations"][0]["agency"] in ("경상남도", "농림축산식품부"), answer.custom["citations"]
    # 41 is outside 만 18세 이상 만 40세 미만 (read above from the page itself)
    assert answer.custom.get("age_fits") is False and said in (answer.text or ""), answer.text
