"""Words of a colloquial question that name no topic are no terms of it (s41).

Kiwi reads the connective ending of "구하는데" as 는/ETM + 데/NNB and the copula of "70인데" as 인/NNG, and tags the
pronouns 우리, 저희, 뭐, 울 NP: each was a content term no page holds, so the answerability overlap of a colloquial
question fell ("전세 구하는데 도움 받을 수 있나요": 전세, 구하, 데, 도움 → 0.25) and it was refused although
기존주택 전세임대주택 지원사업 was ranked first. "도움" is how a citizen says 지원 (the colloquial glossary).
Through the engine on the bundled corpus; the expected page is read from the page itself.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.knowledge.glossary import default_colloquial
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms
from tests.dialogue.test_detail_followup import first_cited, page, say

JEONSE = "기존주택 전세임대주택 지원사업"


@pytest.fixture(scope="module")
def tok() -> KoreanTokenizer:
    return KoreanTokenizer()


@pytest.mark.parametrize(("text", "expected"), [
    ("전세 구하는데 도움 받을 수 있나요", ["전세", "구하", "도움"]),
    ("아이가 아픈데 병원비", ["아이", "아프", "병원비", "병원", "원비"]),
    ("울 아부지 70인데 기차표 할인 되나?", ["아부지", "아부", "부지", "70", "기차표", "기차", "차표", "할인"]),
    ("우리 엄마 80인데요", ["엄마", "80"]),
    ("저희 아이가 뭐 받을 수 있어요", ["아이"]),
])
def test_words_that_name_no_topic_are_no_terms(tok: KoreanTokenizer, text: str, expected: list[str]) -> None:
    assert lexical_terms(tok.tokenize(text)) == expected


def test_a_person_counted_by_number_keeps_its_noun_elsewhere(tok: KoreanTokenizer) -> None:
    # only the copula read as a noun right after a number goes; 인 of a word, or spaced apart, stays a noun
    assert "인" not in lexical_terms(tok.tokenize("70인데"))
    assert "인권" in lexical_terms(tok.tokenize("70세 인권 교육"))


def test_help_is_said_as_support() -> None:
    assert "지원" in default_colloquial().terms["도움"]


@pytest.mark.parametrize("question", ["전세 구하는데 도움 받을 수 있나요", "결혼했는데 신혼부부 받을수있는거뭐있어요"])
def test_a_colloquial_question_about_jeonse_is_answered(processor: Any, question: str) -> None:
    title, body = page(JEONSE)
    assert "전세" in body and "신혼부부" in body
    t = say(processor, question, sender=f"colloq-{question}")
    reply = t.messages[0]
    assert not reply.custom.get("abstained") and first_cited(t) == title, reply.text


@pytest.mark.parametrize(("question", "heading"), [
    ("자궁경부암 예방접종 무료 대상", "[지원 대상]"),
    ("중학생 딸 자궁경부암 백신 무료에요?", "[지원 내용]"),
])
def test_the_cervical_cancer_vaccine_is_the_hpv_page(processor: Any, question: str, heading: str) -> None:
    """s41 probe: refused, the page never saying 자궁경부암; the HPV vaccine is what a citizen calls it."""
    title, body = page("HPV 국가예방접종사업")
    assert "자궁경부암" not in body and "HPV" in body  # the premise: only the glossary joins them
    t = say(processor, question, sender=f"colloq-{question}")
    reply = t.messages[0]
    assert not reply.custom.get("abstained") and first_cited(t) == title and heading in reply.text, reply.text


def test_a_vaccine_no_page_serves_is_still_refused(processor: Any) -> None:
    t = say(processor, "독감 백신 무료인가요", sender="colloq-flu")
    assert t.messages[0].custom.get("abstained"), t.messages[0].text


@pytest.mark.parametrize("question", ["My child has a speech delay, is there support?",
                                      "My daughter is a late talker. Can she get speech therapy?"])
def test_a_child_late_to_talk_is_the_language_development_page(processor: Any, question: str) -> None:
    """s54 probe: "My child has a speech delay, is there support?" abstained; the page never says delay or talker, the
    glossary says them as 언어발달 (its overview: 언어발달 진단과 재활). Whom it is for (children of parents with a
    disability) is the page's to say."""
    title, body = page("언어발달지원")
    assert "언어발달" in body and "delay" not in body.lower() and "talker" not in body.lower()
    t = say(processor, question, sender=f"colloq-{question}")
    reply = t.messages[0]
    assert not reply.custom.get("abstained") and first_cited(t) == title, reply.text
