"""A message that only says where the citizen lives, with no question waiting for it (s44; from the s43 probe).

"충청도 대전이유" was searched for as a question (이유 read as the noun 'reason') and answered with 옥천군's 청년 월세
지원 as a related service; "저 수원 살아요" got the offer of help but the place was lost (the NLU tagged no region),
so "청년 월세 지원" next asked the region again. And once 수원 was known, a corpus with no document of 수원시 read
"경기도 수원시" as 경기도 and said "경기도 수원시에서는 경기도 안양시에서 운영하는 '청년 월세 지원'이 있어요".
assistant/dialogue/regional.py ``residence_statement``, ``RegionFollowUpPolicy``;
assistant/dialogue/builtin_actions.py ``_residence_only``; assistant/knowledge/composer.py ``_inside``. Through the
engine on the bundled corpus; the programmes' places are read from the bundled pages' agencies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.regional import residence_statement
from assistant.nlu.tokenizer import KoreanTokenizer

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge" / "ko"


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def youth_rent_agencies() -> list[str]:
    """The agencies of the bundled pages titled with 청년 월세 (read from the pages' front matter)."""
    out = []
    for page in sorted(KNOWLEDGE.glob("*.md")):
        meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---", 2)[1])
        if "청년 월세" in str(meta["title"]):
            out.append(str(meta["agency"]))
    return out


@pytest.fixture(scope="module")
def tokenizer() -> KoreanTokenizer:
    return KoreanTokenizer()


@pytest.mark.parametrize(("text", "place"), [
    ("충청도 대전이유", "대전광역시"), ("부산 사는데예", "부산광역시"), ("저 수원 살아요", "경기도 수원시"),
    ("경상도 창원입니더", "경상남도 창원시"), ("대전 시민이에요", "대전광역시"), ("대전요", "대전광역시"),
    ("저는 서울 강남구에 살고 있어요", "서울특별시 강남구"), ("대구 달서구 거주중입니다", "대구광역시 달서구"),
    ("I live in Busan", "부산광역시"), ("We're in Suwon", "경기도 수원시"),
])
def test_a_place_said_alone_is_where_the_citizen_lives(tokenizer: KoreanTokenizer, text: str, place: str) -> None:
    assert residence_statement(text, tokenizer) == place


@pytest.mark.parametrize("text", [
    "서울에서 뭐 받을 수 있어요", "서울 날씨", "저 서울 살고 27살이에요", "옥천에서 왔어요", "부산 살아요?",
    "I live in Busan and need help", "충청도요", "대전 청년 월세 지원", "탈락한이유",
])
def test_a_question_more_facts_or_no_one_place_is_not(tokenizer: KoreanTokenizer, text: str) -> None:
    assert residence_statement(text, tokenizer) is None


def test_a_place_in_dialect_is_kept_not_searched(processor: MessageProcessor) -> None:
    turn = say(processor, "충청도 대전이유", "res-1")
    assert all(not m.custom.get("citations") for m in turn.messages), [m.text for m in turn.messages]
    assert "대전광역시" in turn.messages[0].text
    assert processor.tracker_state("res-1")["slots"]["programme_region"] == "대전광역시"


def test_a_place_the_nlu_did_not_tag_is_kept_for_the_next_question(processor: MessageProcessor) -> None:
    agencies = youth_rent_agencies()
    assert len(agencies) >= 2 and not any("수원" in a for a in agencies)  # the corpus has no 수원 version
    say(processor, "저 수원 살아요", "res-2")
    text = say(processor, "청년 월세 지원", "res-2").messages[0].text
    assert "어느 지역" not in text, text  # the place was kept, not asked again
    assert "경기도 수원시에서 운영하는 것은 없어요" in text, text
    # never another 시·군·구's programme said to be in 수원시
    assert not re.search(r"경기도 수원시에서는 .* 운영하는", text), text
    for agency in agencies:
        assert agency in text


def test_a_province_alone_still_gets_the_programme_of_its_city(processor: MessageProcessor) -> None:
    """The rule the 시·군·구 check narrows: "경기도요" names no 시·군·구, and 안양시's programme is answered, said to be
    for 안양시's residents."""
    anyang = next(a for a in youth_rent_agencies() if a.startswith("경기도"))
    say(processor, "청년 월세 지원", "res-3")
    text = say(processor, "경기도요", "res-3").messages[0].text
    assert text.startswith(f"경기도에서는 {anyang}에서 운영하는"), text


def test_a_place_corrected_after_an_answer_is_the_one_meant(processor: MessageProcessor) -> None:
    """s44 probe: "아 창원 아니고 김해요" after 창원시's 출산축하금 was "어떤 점을 도와드릴까요?" (two places read)."""
    say(processor, "창원에서 애 낳았는데 축하금 있어요?", "res-fix")
    turn = say(processor, "아 창원 아니고 김해요", "res-fix")
    assert processor.tracker_state("res-fix")["slots"]["programme_region"] == "경상남도 김해시", [m.text for m in turn.messages]
    assert "경상남도 김해시" in turn.messages[0].text
    # s47 (s45 probe): 창원시's service is for 창원시's residents, not "the service 경상남도 창원시 runs" for a citizen of
    # 김해시 (both are in 경상남도, which matched)
    assert turn.messages[0].custom.get("response") == "utter_region_same_answer_elsewhere", turn.messages[0].text
    assert "경상남도 창원시 주민을 위한 서비스" in turn.messages[0].text
