"""A question whose topic a page holds only among the papers to bring is not answered with that page (s40 fresh-user
probe: "주민등록초본 떼고싶은데요" was answered with 경기도산후조리비지원, whose 구비 서류 lists 주민등록초본;
``AnswerComposer.papers_only``). Through the engine on the bundled corpus; the page is read from its text."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dialogue.test_detail_followup import first_cited, page, say
from tests.dialogue.test_excluded_group import section

POSTPARTUM = "경기도산후조리비지원"


@pytest.mark.parametrize("text", ["주민등록초본 떼고싶은데요", "주민등록초본 발급 어떻게 해요?"])
def test_a_paper_a_page_asks_for_is_not_what_the_page_is_about(processor: Any, text: str) -> None:
    doc_id, body = page(POSTPARTUM)
    papers = section(body, "구비 서류")
    assert "주민등록초본" in papers and "초본" not in body.replace(papers, "")  # only among the papers
    t = say(processor, text, sender=f"papers-{text}")
    assert first_cited(t) != doc_id, t.messages[0].text


def test_the_papers_of_a_service_asked_for_are_still_answered(processor: Any) -> None:
    doc_id, body = page(POSTPARTUM)
    t = say(processor, "경기도 산후조리비 서류 뭐 필요해요?", sender="papers-asked")
    assert first_cited(t) == doc_id and "[구비 서류]" in t.messages[0].text, t.messages[0].text
    assert "주민등록초본" in t.messages[0].text
