"""The answerability overlap reads what a service is about, not the papers it asks for (s10 fresh user, issue 2 item 1).

"How do I get a copy of my resident registration certificate?" is out of corpus (no bundled page is about issuing a
certificate), yet it was answered with the infertility treatment page: the page's "Required documents" section lists a
"Resident registration copy" and an "eligibility certificate", so four of the question's words were counted as covered.
Read by hand off knowledge/en/infertility-treatment.md: outside "Required documents" the page says "resident
registration" (who is eligible) and never "copy" or "certificate".
"""

from __future__ import annotations

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.composer import OVERLAP_LEFT_OUT, _key, covered_terms

QUESTION = "How do I get a copy of my resident registration certificate?"
INFERTILITY_EN = "svc-SME000000100-en"


def test_required_documents_do_not_count_in_the_overlap(bundled_router) -> None:  # type: ignore[no-untyped-def]
    result = bundled_router.retriever.run(QUESTION, k=5)
    assert {"copy", "resident", "registration", "certificate"} <= set(result.terms)
    doc_terms = bundled_router.composer._terms_of(INFERTILITY_EN)
    covered = covered_terms(result, doc_terms) & {"copy", "resident", "registration", "certificate"}
    assert covered == {"resident", "registration"}


def test_the_left_out_sections_are_the_required_documents_in_both_languages() -> None:
    # the bundled Korean pages' heading "구비 서류", the catalogue's 구비서류 and the English "Required documents"
    assert {_key("구비 서류"), _key("구비서류"), _key("Required documents")} == OVERLAP_LEFT_OUT


def test_the_question_abstains(bundled_router) -> None:  # type: ignore[no-untyped-def]
    turn = bundled_router.handle(UserMessage("overlap-sections", QUESTION))
    assert turn.answer is None or turn.answer.abstained, turn.answer
