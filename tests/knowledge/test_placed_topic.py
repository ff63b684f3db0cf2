"""The named place's own page answers only when it holds what the question asks about (s16 F11; assistant/knowledge/topic.py).

"서울시 강남구에서 주민등록등본 발급받고 싶어요" was answered, cited, with 서울시 난임부부 시술비 지원 on the bundled corpus:
the answerability gate counts the place's words on the place's own page (RetrieverConfig.gate_place_words), and the
page's 지원 대상 says "주민등록이 된 대한민국 국민" and its 지원 내용 "발급받은" (read by hand off
knowledge/ko/seoul-infertility-treatment.md: outside 구비 서류 it never says 등본). The same kind: other certificates
(인감증명서, 가족관계증명서, 여권, 전입신고) and other places (경기도's page lists 가족관계증명서 only under 구비 서류).
The expected pages and words are read off the bundled Markdown files in the tests, not from the code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.topic import GENERIC_WORDS, holds_topic, topic_compounds
from assistant.nlu.tokenizer import KoreanTokenizer

ROOT = Path(__file__).resolve().parents[2]
SEOUL = "svc-611000000159"  # knowledge/ko/seoul-infertility-treatment.md (서울특별시)
GYEONGGI = "svc-641000000137"  # knowledge/ko/gyeonggi-postpartum-care.md (경기도)
PAGES = {SEOUL: "seoul-infertility-treatment.md", GYEONGGI: "gyeonggi-postpartum-care.md"}


def page_text(doc_id: str) -> str:
    """The page's text without its front matter and its 구비 서류 section (the papers it asks for), spaces removed."""
    text = (ROOT / "knowledge" / "ko" / PAGES[doc_id]).read_text(encoding="utf-8").split("---", 2)[2]
    sections = re.split(r"^## ", text, flags=re.M)
    return re.sub(r"\s+", "", "".join(s for s in sections if not s.startswith("구비 서류")))


#: (question, the named place's page that ranks first, the question's specific word that page does not hold)
NOT_ON_THE_PAGE = [
    ("서울시 강남구에서 주민등록등본 발급받고 싶어요", SEOUL, "등본"),
    ("서울시에서 인감증명서 발급받고 싶어요", SEOUL, "인감"),
    ("서울시 강남구 전입신고 하려고요", SEOUL, "전입"),
    ("경기도에서 가족관계증명서 발급", GYEONGGI, "가족관계증명서"),
]


def test_the_pages_hold_the_place_and_generic_words_not_the_topic() -> None:
    seoul = page_text(SEOUL)
    # the words that let the page pass before: the place, 발급 and 주민등록 (지원 대상), never 등본
    assert "서울시" in seoul and "주민등록" in seoul and "발급" in seoul
    for question, doc, missing in NOT_ON_THE_PAGE:
        assert missing not in page_text(doc), question
    assert "가족관계증명서" in (ROOT / "knowledge" / "ko" / PAGES[GYEONGGI]).read_text(encoding="utf-8")  # under 구비 서류


@pytest.mark.parametrize(("question", "doc", "missing"), NOT_ON_THE_PAGE)
def test_a_question_the_place_page_does_not_hold_abstains(bundled_router: Any, question: str, doc: str,
                                                         missing: str) -> None:
    result = bundled_router.retriever.run(question, k=5)
    assert result.hits[0].doc.doc_id == doc  # the premise: the named place's page ranks first
    assert result.said_terms  # and the gate counts the place's words on it
    score, signals = bundled_router.composer.answerability(result)
    assert score == 0.0 and signals["topic"] == 0.0
    turn = bundled_router.handle(UserMessage("placed-topic", question))
    assert turn.answer is None or turn.answer.abstained  # (the router may read one as small talk: no answer either)
    assert turn.to_json()["citations"] == []


def test_the_fault_was_the_place_words(bundled_router: Any) -> None:
    # without the topic rule the gate passes the 서울 page (what the citizen saw); with it the page is judged no answer
    result = bundled_router.retriever.run(NOT_ON_THE_PAGE[0][0], k=5)
    _, signals = bundled_router.composer.answerability(result)
    fitted = bundled_router.composer.gate.probability({k: v for k, v in signals.items() if k != "topic"})
    assert fitted >= bundled_router.composer.threshold


def test_only_a_place_and_generic_words_is_no_topic(bundled_router: Any) -> None:
    result = bundled_router.retriever.run("서울시 지원 신청", k=5)
    assert result.hits[0].doc.agency == "서울특별시" and result.topic == ()
    assert bundled_router.composer.answerability(result)[0] == 0.0


#: real regional questions the place's page answers (its words read off the page: 난임, 시술; 산후조리비)
ANSWERED = [
    ("서울 사는데 난임 시술 지원 받을 수 있어요?", SEOUL),
    ("서울시 난임 시술비 지원", SEOUL),
    ("경기도 사는데 산후조리 지원 받을 수 있나요", GYEONGGI),  # Kiwi: 산후조리 one word; the page: 산후조리비
    ("경기도 산후조리비 신청", GYEONGGI),
]


@pytest.mark.parametrize(("question", "doc"), ANSWERED)
def test_regional_questions_the_page_holds_are_still_answered(bundled_router: Any, question: str, doc: str) -> None:
    turn = bundled_router.handle(UserMessage("placed-topic", question))
    cited = turn.to_json()["citations"]
    assert cited and cited[0]["doc_id"] == doc, turn.to_json()["text"][:200]


def test_the_engine_says_it_does_not_know_with_the_offer(make_processor: Any) -> None:
    p = make_processor()
    turn = p.handle_message(UserMessage("placed-topic-engine", NOT_ON_THE_PAGE[0][0], "rest", {}))
    custom = turn.messages[-1].custom
    assert custom.get("response") == "utter_no_answer" and custom.get("citations") == []
    # the helpful offer: where else to ask (정부24, 110) and a person
    assert "정부24" in turn.messages[-1].text and "110" in turn.messages[-1].text


def test_topic_compounds_and_holds_topic() -> None:
    tok = KoreanTokenizer()
    text = "서울시 강남구에서 주민등록등본 발급받고 싶어요"
    spans = [(0, 3), (4, 7)]  # 서울시, 강남구
    assert topic_compounds(tok.tokenize(text), spans) == (("주민", "등록", "등본"),)
    assert "발급" in GENERIC_WORDS and "신청" in GENERIC_WORDS and "지원" in GENERIC_WORDS
    seoul = page_text(SEOUL)
    assert not holds_topic([("주민", "등록", "등본")], frozenset({"주민", "등록", "발급"}), seoul)
    assert holds_topic([("난임",), ("시술",)], frozenset(), seoul)
    # a word of three syllables by its stem (버스비 → 버스 on a page that says 시내버스)
    assert holds_topic([("버스비",)], frozenset(), "시내버스,마을버스이용시")
    # no compound: a colloquial word through its catalogue words; a one-syllable stem (사: "서울 사는데") is no topic
    assert holds_topic([], frozenset(), "출산가정", expansions=[("낳", ("출산",))])
    assert not holds_topic([], frozenset({"사"}), "사는", others=["사"])
    assert not holds_topic([], frozenset({"지원", "신청"}), "지원신청", others=["지원", "신청"])
