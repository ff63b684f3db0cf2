"""The service for the group the citizen names leads the answer (assistant/knowledge/target_groups.py
``group_first``).

s34 fresh-user probe on the bundled corpus: "장애가 있는 아이를 키우고 있어요" was answered with 아이돌봄 서비스 (every
family's babysitter service; 0.93), not 장애아가족 양육 지원 (for families raising a severely disabled child; 0.89):
the ranking put the general service first by a hair. The expected documents are read from the bundled pages' front
matter; the rule's unit cases use hits built from the same pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from pathlib import Path

import pytest
import yaml

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor
from assistant.knowledge.index import DocInfo
from assistant.knowledge.retriever import DocHit, RetrievalResult
from assistant.knowledge.target_groups import GROUP_SCORE_SHARE, asked_groups, asked_words, group_first

KO = Path(__file__).resolve().parents[2] / "knowledge" / "ko"


def page(name: str) -> dict[str, str]:
    """The front matter of knowledge/ko/<name>.md."""
    return dict(yaml.safe_load((KO / f"{name}.md").read_text(encoding="utf-8").split("---", 2)[1]))


DISABLED_CHILD = page("disabled-child-family-care")  # 장애아가족 양육 지원
CHILDCARE = page("childcare-idolbom")  # 아이돌봄 서비스
LANGUAGE = page("language-development-support")  # 언어발달지원


def hit(front: dict[str, str], score: float) -> DocHit:
    info = DocInfo(doc_id=front["doc_id"], title=front["title"], agency=front["agency"], url=front["url"],
                   language="ko", updated_at=str(front["updated_at"]), source="bundled", service_id=str(front["service_id"]))
    return DocHit(info, score, 0.8, 1.0, 1, 1, ())


@pytest.fixture(scope="module")
def retriever(bundled_router):  # type: ignore[no-untyped-def]
    return bundled_router.retriever


def result(retriever, query: str, hits: list[DocHit]) -> RetrievalResult:  # type: ignore[no-untyped-def]
    """The question as the bundled retriever reads it (its terms and their colloquial expansions), with ``hits``."""
    return replace(retriever.run(query, k=5), hits=tuple(hits))


def test_a_question_naming_a_group_names_it(retriever) -> None:  # type: ignore[no-untyped-def]
    assert asked_groups(asked_words(result(retriever, "장애가 있는 아이를 키우고 있어요", []))) == {"장애"}
    assert asked_groups(asked_words(result(retriever, "아이 돌봐주는 서비스 있어요?", []))) == frozenset()


def test_the_groups_service_close_behind_the_first_leads(retriever) -> None:  # type: ignore[no-untyped-def]
    """장애아가족 양육 지원 names the group (장애) and holds more of the question (장애, 양육 for 키우) than 아이돌봄
    서비스 (아이)."""
    hits = [hit(CHILDCARE, 0.93), hit(DISABLED_CHILD, 0.893), hit(LANGUAGE, 0.54)]
    ordered = group_first(hits, result(retriever, "장애가 있는 아이를 키우고 있어요", hits))
    assert [h.doc.doc_id for h in ordered] == [DISABLED_CHILD["doc_id"], CHILDCARE["doc_id"], LANGUAGE["doc_id"]]


@pytest.mark.parametrize("question, scores", [
    ("아이 돌봐주는 서비스 있어요?", (0.93, 0.893)),  # no group named: the ranking stands
    ("장애가 있는 아이를 키우고 있어요", (0.93, 0.93 * GROUP_SCORE_SHARE - 0.01)),  # too far behind
])
def test_otherwise_the_ranking_stands(retriever, question: str, scores: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    hits = [hit(CHILDCARE, scores[0]), hit(DISABLED_CHILD, scores[1])]
    assert group_first(hits, result(retriever, question, hits)) == hits


def test_a_first_hit_for_the_group_stays_first(retriever) -> None:  # type: ignore[no-untyped-def]
    hits = [hit(DISABLED_CHILD, 0.9), hit(CHILDCARE, 0.89)]
    assert group_first(hits, result(retriever, "장애아동 돌봄 서비스", hits)) == hits


def test_a_group_service_holding_no_more_of_the_question_stays_behind(retriever) -> None:  # type: ignore[no-untyped-def]
    """A title that holds what was asked keeps the lead over one that names the group but holds no more of the
    question: 아이돌봄 서비스 holds 아이 and 돌봄, 장애아가족 양육 지원 holds 장애 and 양육 for "장애 있는 아이 돌봄"."""
    hits = [hit(CHILDCARE, 0.93), hit(DISABLED_CHILD, 0.92)]
    assert group_first(hits, result(retriever, "장애 있는 아이 돌봄 서비스 있어요?", hits)) == hits


@pytest.mark.parametrize("text", ["장애가 있는 아이를 키우고 있어요", "장애아 키우는 집 지원 있나요?"])
def test_the_engine_answers_with_the_groups_service(processor: MessageProcessor, text: str) -> None:
    turn = processor.handle_message(UserMessage("group", text, "rest"))
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited and cited[0] == DISABLED_CHILD["doc_id"], [m.text for m in turn.messages]


TEEN_MOTHER = page("teen-mother-medical-cost")  # 청소년산모 임신·출산 의료비 지원
SCHOOL = page("school-education-cost")  # 초·중·고 교육비 지원


@pytest.mark.parametrize(("text", "expected"), [
    ("고등학생인데 임신했어요", TEEN_MOTHER),  # s36 second probe: a schoolgirl's pregnancy got 초·중·고 교육비 지원
    ("고등학생 학비 지원 있나요?", SCHOOL),  # a student's school costs: the group's title holds nothing more of it
    # s38 probe: an age in the teens names the group too (the page: 만 19세 이하); 25 does not
    ("18살인데 임신했어요", TEEN_MOTHER),
    ("25살인데 임신했어요", page("pregnancy-childbirth-medical-voucher")),
    # s39 probe: in English the general voucher's English page scored twice the teen service; the age decides
    ("I'm 17 and pregnant", TEEN_MOTHER),
    # a teen's student loan stays the loan's: the teen service's title holds nothing more of the question
    ("17살인데 학자금대출 받을 수 있나요?", page("student-loan-general")),
])
def test_a_pregnant_schoolgirl_is_answered_with_the_teen_mothers_service(processor: MessageProcessor, text: str,
                                                                          expected: dict[str, Any]) -> None:
    assert "청소년" in TEEN_MOTHER["title"] and "임신" in TEEN_MOTHER["title"]
    turn = processor.handle_message(UserMessage(f"teen-{text}", text, "rest"))
    cited = [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]
    assert cited and cited[0] == expected["doc_id"], [m.text for m in turn.messages]
