"""A life event told in everyday Korean is answered by the page about it, and a death is met with condolences (s37
closing note: "아버지가 돌아가셨어요" got "알겠어요. 어떤 점을 도와드릴까요?", "아버지가 돌아가셨어요. 뭘 해야 하나요?"
and "어머니가 돌아가셨는데 재산이 얼마나 있는지 몰라요" "찾지 못했어요", though 안심상속 is the 재산조회 of "돌아가신
분"). assistant/knowledge/composer.py ``AnswerComposer.about_told_event``; assistant/dialogue/builtin_actions.py
``tells_a_death``. Through the engine on the bundled corpus; the page is read from its front matter and text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.builtin_actions import tells_a_death
from tests.dialogue.test_detail_followup import first_cited, page, say

KNOWLEDGE_EN = Path(__file__).resolve().parents[2] / "knowledge" / "en"
INHERITANCE = "사망자 및 피후견인 재산조회 통합처리 신청(안심상속서비스)"
CONDOLENCES = "삼가 고인의 명복을 빕니다."


@pytest.mark.parametrize("told", [
    "아버지가 돌아가셨어요",
    "아버지가 돌아가셨어요. 뭘 해야 하나요?",
    "어머니가 돌아가셨는데 재산이 얼마나 있는지 몰라요",
    # s38 probe: "알겠어요. 어떤 점을 도와드릴까요?" (계좌 found 청년내일저축계좌 first; the page says 금융거래, which
    # the colloquial glossary now gives for 은행 and 계좌; restated as a question of support it found nothing, so the
    # statement as said is answered)
    "엄마가 지난주에 돌아가셨는데 은행 계좌를 몰라요",
    # s40 probe: 어머니 ranked 아이돌봄 서비스 first ("알겠어요. 어떤 점을 도와드릴까요?"); the page about the death told
    # is among the first hits
    "어머니가 어제 돌아가셨어요", "어머니가 돌아가셨어요",
])
def test_a_death_told_gets_condolences_and_the_page_about_it(processor: Any, told: str) -> None:
    doc_id, body = page(INHERITANCE)
    overview = body.split("## 개요\n", 1)[1].split("\n## ", 1)[0]
    assert "돌아가신 분" in overview and "금융" in overview  # the page is about what the citizen told
    t = say(processor, told, sender=f"told-{told}")
    reply = t.messages[0].text
    assert reply.startswith(CONDOLENCES + "\n"), reply
    assert first_cited(t) == doc_id and not t.messages[0].custom.get("abstained"), reply


def test_a_death_with_a_question_the_page_does_not_speak_of_abstains_with_condolences(processor: Any) -> None:
    """장례비 is not on the 안심상속 page (nor any bundled page): no answer is made up from it."""
    _, body = page(INHERITANCE)
    assert "장례" not in body
    t = say(processor, "할머니가 돌아가셨어요 장례비 지원 있나요?")
    reply = t.messages[0].text
    assert reply.startswith(CONDOLENCES + "\n") and t.messages[0].custom.get("abstained"), reply
    assert first_cited(t) is None


def test_a_question_about_a_death_that_has_not_happened_gets_no_condolences(processor: Any) -> None:
    doc_id, _ = page(INHERITANCE)
    t = say(processor, "부모님 돌아가시면 재산 조회 어떻게 해요?")
    assert first_cited(t) == doc_id and CONDOLENCES not in t.messages[0].text


@pytest.mark.parametrize(("text", "told"), [
    ("아버지가 돌아가셨어요", True), ("어머니가 별세하셨는데요", True), ("My mother passed away last week", True),
    ("I lost my father in May", True), ("부모님 돌아가시면 재산 조회는?", False), ("사망자 재산 조회", False),
    ("I lost my job", False),
])
def test_tells_a_death(text: str, told: bool) -> None:
    assert tells_a_death(text) is told


def test_a_death_told_with_words_the_page_lacks_is_no_service_name(processor: Any) -> None:
    """s38 probe: "엄마가 지난주에 돌아가셨는데 은행 계좌를 몰라요" got "'돌아가셨는데은행계좌'라는 서비스는 … 없어서":
    a clause joined to 은행 계좌 was read as an account's name. Condolences, and no such name."""
    t = say(processor, "엄마가 지난주에 돌아가셨는데 은행 계좌를 몰라요")
    reply = t.messages[0].text
    assert reply.startswith(CONDOLENCES + "\n") and "돌아가셨는데은행" not in reply, reply


@pytest.mark.parametrize("told", ["My father passed away, what should I do?", "My mother died last week",
                                  # s40 probe: out_of_scope 0.60 refused it though the page is about the death told
                                  "My father passed away last week. What should I do?",
                                  # s41 probe: refused (find, out and owned were words the page lacks)
                                  "My mother died yesterday. How can I find out what she owned?",
                                  "my mom passed away last month, how can i find out what she owned?"])
def test_a_death_told_in_english_gets_condolences_and_the_english_page(processor: Any, told: str) -> None:
    """s38 probe: "My father passed away, what should I do?" (out_of_scope 0.38) got "Sorry, I can't answer that
    here"; the Safe Inheritance Service has an English page."""
    english = [p for p in (KNOWLEDGE_EN.glob("*.md")) if "안심상속" in p.read_text(encoding="utf-8").split("---", 2)[1]]
    assert len(english) == 1
    doc_id = yaml.safe_load(english[0].read_text(encoding="utf-8").split("---", 2)[1])["doc_id"]
    t = say(processor, told)
    reply = t.messages[0].text
    assert reply.startswith("I'm very sorry for your loss.\n"), reply
    assert first_cited(t) == doc_id and not t.messages[0].custom.get("abstained"), reply


def test_a_birth_supposed_is_answered_by_the_page_titled_with_it(processor: Any) -> None:
    """"출산하면 뭐 받아요?" abstained (gate 0.235, s38 probe): 출산 is the catalogue's word for the event and the first
    page's title holds it (건강보험 임신·출산 진료비 지원, whose 지원 내용 says what one gets)."""
    doc_id, body = page("건강보험 임신·출산 진료비 지원")
    assert "출산" in body.split("## 지원 내용\n", 1)[1].split("\n## ", 1)[0]
    t = say(processor, "출산하면 뭐 받아요?", sender="birth-supposed")
    assert first_cited(t) == doc_id and not t.messages[0].custom.get("abstained"), t.messages[0].text
    assert "[지원 내용]" in t.messages[0].text


def test_an_account_question_still_finds_the_savings_account(processor: Any) -> None:
    """계좌 → 금융, 예금 in the colloquial glossary adds words; it takes none away: 청년내일저축계좌 still answers."""
    doc_id, _ = page("자산형성지원사업(청년내일저축계좌)")
    t = say(processor, "계좌 만들고 싶어요", sender="account")
    assert first_cited(t) == doc_id and not t.messages[0].custom.get("abstained"), t.messages[0].text


@pytest.mark.parametrize(("korean", "english"), [("저 실직했어요", "I just lost my job")])
def test_a_job_loss_told_in_english_is_answered_as_its_korean_twin(processor: Any, korean: str, english: str) -> None:
    """s39 probe: "I just lost my job" abstained where "저 실직했어요" was answered: the glossary translates the
    event to 실직, which the pages write 실업 (실업급여); the colloquial glossary's words for it count in English too."""
    doc_id, body = page("조기재취업수당")
    assert "실업" in body.split("## 개요\n", 1)[1].split("\n## ", 1)[0] and "실직" not in body
    ko = say(processor, korean, sender="job-ko")
    assert first_cited(ko) == doc_id, ko.messages[0].text
    en = say(processor, english, sender="job-en")
    assert first_cited(en) == doc_id and not en.messages[0].custom.get("abstained"), en.messages[0].text
    # s40 probe: the workplace said with the event is part of it (the pages say 사업장), and "어떻게 해야 되나요" after
    # it asks what to do, no out-of-scope chatter (the out-of-scope reply)
    fired = say(processor, "남편이 회사에서 짤렸어요 어떻게 해야 되나요", sender="job-fired")
    assert first_cited(fired) == doc_id, fired.messages[0].text


def test_a_pets_death_is_no_death_the_inheritance_page_is_about(processor: Any) -> None:
    """s40: "My cat passed away last week" was answered with the Safe Inheritance Service: "cat" was found inside
    "application"; an English word of the message is held as a word of the page."""
    doc_id, _ = page(INHERITANCE)
    t = say(processor, "My cat passed away last week", sender="told-cat")
    cited = [c["doc_id"] for m in t.messages for c in m.custom.get("citations", [])]
    assert not any(d.removesuffix("-en") == doc_id or d.startswith(doc_id) for d in cited), t.messages[-1].text


@pytest.mark.parametrize("asked", ["both of us work, who can watch our 2 year old?", "we both work, can someone watch my baby?"])
def test_working_parents_asking_who_watches_their_child_get_the_childcare_service(processor: Any, asked: str) -> None:
    """s42 probe: abstained ("work" led to 자활근로; the glossary had "both parents work" but not "both of us work",
    and no word for watching a child)."""
    english = [p for p in KNOWLEDGE_EN.glob("*.md") if "아이돌봄 서비스" in p.read_text(encoding="utf-8").split("---", 2)[1]]
    assert len(english) == 1
    doc_id = yaml.safe_load(english[0].read_text(encoding="utf-8").split("---", 2)[1])["doc_id"]
    t = say(processor, asked, sender=f"watch-{asked[:8]}")
    assert first_cited(t) == doc_id and not t.messages[0].custom.get("abstained"), t.messages[0].text
