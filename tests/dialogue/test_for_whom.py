"""A question about a kind of help that only services for particular people give is answered with each of them and
whom it is for, not with one as if it were for anyone (s39 fresh-user probe: "병원비 너무 비싸요 지원되는거있나요" got
건강보험 임신·출산 진료비 지원, a service for pregnancy and birth only, quoted whole).

Through the engine on the bundled corpus; the titles and whom-it-is-for lines are read from the pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.knowledge.target_groups import unasked_stage
from tests.dialogue.test_detail_followup import first_cited, page, say
from tests.dialogue.test_excluded_group import section

PREGNANCY = "건강보험 임신·출산 진료비 지원"
RARE = "희귀질환자 의료비 지원사업"
MEDICAL_AID = "의료급여 (의료급여 건강생활 유지비)"


def who_line(body: str) -> str:
    """The first line of a page's 지원 대상, without its list mark."""
    return next(line.strip().lstrip("- ").strip() for line in section(body, "지원 대상").splitlines() if line.strip())


@pytest.mark.parametrize(("title", "asked", "stage"), [
    (PREGNANCY, "병원비너무비싸요지원되는거있나요", "임신"),
    (PREGNANCY, "아기병원비지원있어요", None),  # the question names the stage by another word
    (PREGNANCY, "임신했는데병원비지원", None),
    ("난임부부 시술비 지원", "시험관시술비지원", None),
    ("난임부부 시술비 지원", "병원비지원", "난임"),
    (MEDICAL_AID, "병원비지원", "의료급여"),
    (MEDICAL_AID, "기초생활수급자인데병원비", None),
    ("에너지바우처", "병원비지원", None),
    ("실종아동 보호 및 지원", "아들이지적장애2급이에요", "실종"),
    ("실종아동 보호 및 지원", "아이를잃어버렸어요", None),
])
def test_unasked_stage(title: str, asked: str, stage: str | None) -> None:
    assert unasked_stage(title, asked) == stage


def test_a_kind_of_help_only_particular_people_get_lists_whom_each_is_for(processor: Any) -> None:
    t = say(processor, "병원비 너무 비싸요 지원되는거있나요", sender="whom-1")
    reply = t.messages[0]
    assert not reply.custom.get("abstained"), reply.text
    cited = [c["doc_id"] for c in reply.custom["citations"]]
    for title in (PREGNANCY, RARE, MEDICAL_AID):
        doc_id, body = page(title)
        assert doc_id in cited and title in reply.text
        assert who_line(body)[:40] in reply.text  # whom it is for, in the page's words
    pregnancy, body = page(PREGNANCY)
    benefit = section(body, "지원 내용").strip().splitlines()[0].lstrip("- ").strip()
    assert benefit not in reply.text  # no one service is quoted as the answer
    # the citizen then says which fits: that service's lines
    follow = say(processor, "임신 중이에요", sender="whom-1")
    assert first_cited(follow) == pregnancy, follow.messages[0].text


def test_a_question_that_names_the_stage_still_gets_its_service(processor: Any) -> None:
    pregnancy, _ = page(PREGNANCY)
    for text in ("아기 병원비 지원 있어요?", "임신했는데 병원비 지원 있어요?"):
        t = say(processor, text, sender=f"whom-{text}")
        assert first_cited(t) == pregnancy, t.messages[0].text
        assert "[" in t.messages[0].text  # the page itself is quoted (its headings)


@pytest.mark.parametrize("question", ["청소년 교통비 지원", "버스비 지원 있나요 청소년"])
def test_one_service_for_people_the_question_does_not_name_is_shown_with_whom_it_is_for(processor: Any, question: str) -> None:
    """s41 probe: "청소년 교통비 지원" was answered with 청소년산모 임신·출산 의료비 지원 quoted whole, as if it were the
    answer; it is for pregnant teenagers, which the question does not say."""
    title, body = page("청소년산모 임신·출산 의료비 지원")
    who = body.split("## 지원 대상", 1)[1].strip().splitlines()[0].lstrip("- ").strip()
    t = say(processor, question, sender=f"whom-one-{question}")
    reply = t.messages[0].text
    assert first_cited(t) == title and who in reply and "[개요]" not in reply and "[지원 내용]" not in reply, reply
