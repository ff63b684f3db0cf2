"""A need said after a fact or an event ("남편이 실직했어요 애들 학비가 걱정이에요", s38 fresh-user probe: refused as
out of scope; the gate scored the whole 0.32, its last sentence alone, restated, 0.51) is answered from what follows
the first sentence when the whole finds no answer (assistant/dialogue/fact_question.py ``later_sentences``,
``ActionAnswerFromKnowledge``); a worry said of a subject ("애들 학비가 걱정이에요", out_of_scope 0.63) is a
statement of a need; a life event told in the catalogue's word ("남편이 실직했어요") is read as an event. Through the
engine on the bundled corpus; the pages are read from their front matter and text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.fact_question import later_sentences
from assistant.nlu.tokenizer import KoreanTokenizer
from tests.dialogue.test_detail_followup import first_cited, page, say

KNOWLEDGE_EN = Path(__file__).resolve().parents[2] / "knowledge" / "en"
FEES = "유아학비 (누리과정) 지원"
SCHOOL = "초·중·고 교육비 지원"


@pytest.fixture(scope="module")
def tokenizer() -> KoreanTokenizer:
    return KoreanTokenizer()


@pytest.mark.parametrize(("text", "later"), [
    ("남편이 실직했어요 애들 학비 지원 있나요?", ["애들 학비 지원 있나요?"]),
    ("남편이 실직했어요. 애들 학비가 걱정이에요.", ["애들 학비가 걱정이에요."]),
    ("저 혼자 살아요. 75살이에요. 뭐 받을 수 있어요?", ["75살이에요. 뭐 받을 수 있어요?", "뭐 받을 수 있어요?"]),
    # a connective ending joins its clause to what follows; one sentence, with or without its mark, has no later part
    ("엄마가 돌아가셨는데 은행 계좌를 몰라요", []),
    ("에너지바우처 알려줘", []),
    ("에너지바우처 받을 수 있나요?!", []),
])
def test_later_sentences(tokenizer: KoreanTokenizer, text: str, later: list[str]) -> None:
    assert later_sentences(text, tokenizer) == later


def cited(turn: Any) -> list[str]:
    return [c["doc_id"] for m in turn.messages for c in m.custom.get("citations", [])]


@pytest.mark.parametrize("text", ["남편이 실직했어요 애들 학비가 걱정이에요", "남편이 실직했어요 애들 학비 지원 있나요?",
                                  "애들 학비가 걱정이에요"])
def test_a_need_said_after_an_event_is_answered(processor: Any, text: str) -> None:
    fees, body = page(FEES)
    school, school_body = page(SCHOOL)
    assert "학비" in FEES and "학비" in body  # the pages are about what is asked
    assert "교육비" in school_body
    t = say(processor, text, sender=f"need-{text}")
    reply = t.messages[0]
    assert not reply.custom.get("abstained") and first_cited(t) == fees, reply.text
    assert school in cited(t)  # the school years' fees are listed with it: "애들" may be of any age


def test_a_worry_about_nothing_the_documents_offer_is_still_refused(processor: Any) -> None:
    t = say(processor, "날씨가 걱정이에요", sender="need-weather")
    assert t.messages[0].custom.get("abstained") and first_cited(t) is None, t.messages[0].text


def test_a_job_loss_told_in_the_catalogues_word_is_answered_from_the_pages_about_it(processor: Any) -> None:
    """"남편이 실직했어요" got "알겠어요. 어떤 점을 도와드릴까요?" (the told-event rule read only a verb's stem, 돌아가,
    not 실직 with 하다): the bundled pages about it are the 구직급여 recipients' 조기재취업수당 and 직업능력개발수당."""
    ids = {page(title)[0] for title in ("조기재취업수당", "직업능력개발수당")}
    assert all("구직급여" in page(title)[1] for title in ("조기재취업수당", "직업능력개발수당"))
    t = say(processor, "남편이 실직했어요", sender="need-jobloss")
    assert not t.messages[0].custom.get("abstained") and first_cited(t) in ids, t.messages[0].text


@pytest.mark.parametrize("text", ["Can I get help with childcare? Both of us work.",
                                  "Both of us work. Can I get help with childcare?"])
def test_an_english_question_beside_a_statement_is_answered(processor: Any, text: str) -> None:
    """s38 probe: abstained (the gate scored the whole 0.35: "both", "us", "work" are not on the page; the question
    alone 0.79). 아이돌봄 서비스 answers it, from its English page or its Korean one."""
    import yaml

    korean, _ = page("아이돌봄 서비스")
    front, body = (KNOWLEDGE_EN / "childcare-idolbom.md").read_text(encoding="utf-8").split("---", 2)[1:]
    english = str(yaml.safe_load(front)["doc_id"])
    assert "child-care" in body.lower()
    t = say(processor, text, sender=f"need-en-{text}")
    reply = t.messages[0]
    assert not reply.custom.get("abstained") and reply.text.startswith("Child-care"), reply.text
    assert first_cited(t) in {korean, english}, reply.custom.get("citations")
