"""A short follow-up about the service just answered is answered about that service (s16 F1; service_followup.py).

Before: after "에너지바우처 신청 방법", "구비서류는 뭐예요?" got utter_no_answer, and after "How do I apply for the energy
voucher?", "Who is eligible?" got the eligibility questionnaire's "I can't check eligibility here yet" (the bundled
home has no eligibility data; with it, the general questionnaire started). The expected sections and sentences are
read off knowledge/ko/energy-voucher.md and knowledge/en/energy-voucher.md in the tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.service_followup import asked_aspects, help_of_its_own

ROOT = Path(__file__).resolve().parents[2]
VOUCHER_KO = "svc-B55353000001"
VOUCHER_EN = "svc-B55353000001-en"
INFERTILITY_KO = "svc-SME000000100"


def section(name: str, lang: str, heading: str) -> str:
    """The first line of a section of a bundled page (read off the Markdown file)."""
    text = (ROOT / "knowledge" / lang / name).read_text(encoding="utf-8")
    body = re.split(r"^## ", text, flags=re.M)
    part = next(s for s in body if s.startswith(heading))
    return part.split("\n", 1)[1].strip().splitlines()[0].lstrip("- ").strip()


def say(p: MessageProcessor, sender: str, text: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def cited(turn: Turn) -> list[dict[str, Any]]:
    """The citations of the turn's messages, in order."""
    return [c for m in turn.messages for c in m.custom.get("citations") or []]


def test_korean_follow_ups_are_about_the_service_just_answered(make_processor: Any) -> None:
    p = make_processor()
    first = say(p, "fu-ko", "에너지바우처 신청 방법")
    assert cited(first)[0]["doc_id"] == VOUCHER_KO  # the premise
    papers = say(p, "fu-ko", "구비서류는 뭐예요?")
    assert cited(papers)[0]["doc_id"] == VOUCHER_KO and cited(papers)[0]["section"] == "구비 서류"
    # "- 공통: 에너지이용권 발급 신청서(읍면동에 비치), …": the page's 구비 서류
    assert section("energy-voucher.md", "ko", "구비 서류")[:20] in papers.messages[-1].text
    who = say(p, "fu-ko", "누가 받을 수 있어요?")
    assert cited(who)[0]["doc_id"] == VOUCHER_KO and cited(who)[0]["section"] == "지원 대상"
    assert section("energy-voucher.md", "ko", "지원 대상") in who.messages[-1].text
    assert who.messages[-1].custom.get("response") == "action_answer_from_knowledge"
    when = say(p, "fu-ko", "언제까지 신청해요?")
    assert cited(when)[0]["doc_id"] == VOUCHER_KO and "2025.12.31" in when.messages[-1].text


#: s32 fresh-user probe: "비용은요?", "온라인으로도 되나요?", "몇살까지요?" after an answer got "찾지 못했어요" or the
#: out-of-scope reply though the page just cited says it; each is the section that says it, of that page.
@pytest.mark.parametrize(("opening", "follow_up", "page", "heading"), [
    ("아이돌봄 서비스 알려주세요", "비용은요?", "childcare-idolbom.md", "지원 내용"),
    ("HPV 국가예방접종사업 알려주세요", "몇살까지요?", "hpv-vaccination.md", "지원 대상"),
    ("안심상속서비스 알려주세요", "온라인으로도 되나요?", "safe-inheritance.md", "신청 방법"),
    # read as repeat 0.41: the last answer (신청 방법) was said again
    ("아이돌봄 서비스 신청 방법 알려줘", "얼마예요?", "childcare-idolbom.md", "지원 내용"),
    # s40 probe: out_of_scope 0.76 ("borrow" was read as a kind of help of its own); the page is Korean only
    ("일반 상환 학자금대출 알려줘", "How much can I borrow?", "student-loan-general.md", "지원 내용"),
    # s41 probe: read as cancel 0.36 ("사시는 지역은 묻지 않을게요": no region had been asked) and skip 0.47 ("알겠어요")
    ("연탄쿠폰 알려줘", "그거 얼마에요", "briquette-coupon.md", "지원 내용"),
    ("폐렴구균 예방접종 대상", "어디 가서 맞아요?", "pneumococcal-vaccine-65plus.md", "신청 방법"),
    # s45 probe: the out-of-scope reply, or "찾지 못했어요", though the page says it
    ("폐렴구균 예방접종 어데서 맞노", "돈 드나", "pneumococcal-vaccine-65plus.md", "지원 내용"),
    ("I want to take out a student loan", "what's the interest rate?", "student-loan-general.md", "지원 내용"),
    ("I want to start farming, I'm 30. Any settlement support?", "how much per month?", "young-farmer-settlement.md",
     "지원 내용"),
    ("My son has a rare disease, is there help with hospital bills?", "we are a family of 4, does income matter?",
     "rare-disease-medical-cost.md", "지원 대상"),
])
def test_a_cost_age_or_online_follow_up_answers_that_section(make_processor: Any, opening: str, follow_up: str, page: str,
                                                             heading: str) -> None:
    p = make_processor()
    first = say(p, "fu-aspect", opening)
    doc_id = cited(first)[0]["doc_id"]
    meta = (ROOT / "knowledge" / "ko" / page).read_text(encoding="utf-8")
    assert f"doc_id: {doc_id}" in meta  # the premise: the page asked for
    t = say(p, "fu-aspect", follow_up)
    assert cited(t)[0]["doc_id"] == doc_id and cited(t)[0]["section"] == heading, [m.text for m in t.messages]
    assert section(page, "ko", heading) in t.messages[-1].text


def test_english_who_is_eligible_answers_from_the_service_not_the_questionnaire(make_processor: Any) -> None:
    p = make_processor()
    first = say(p, "fu-en", "How do I apply for the energy voucher?")
    assert cited(first)[0]["doc_id"] == VOUCHER_EN
    who = say(p, "fu-en", "Who is eligible?")
    custom = who.messages[-1].custom
    assert custom.get("response") == "action_answer_from_knowledge", who.messages[-1].text
    assert cited(who)[0]["doc_id"] == VOUCHER_EN and cited(who)[0]["section"] == "Who is eligible"
    assert section("energy-voucher.md", "en", "Who is eligible") in who.messages[-1].text
    docs = say(p, "fu-en", "What documents do I need?")
    assert cited(docs)[0]["doc_id"] == VOUCHER_EN and cited(docs)[0]["section"] == "Required documents"
    much = say(p, "fu-en", "How much is it?")
    assert cited(much)[0]["doc_id"] == VOUCHER_EN and "295,200" in much.messages[-1].text


def test_without_an_earlier_answer_the_follow_up_is_not_guessed(make_processor: Any) -> None:
    p = make_processor()
    turn = say(p, "fu-none", "구비서류는 뭐예요?")
    assert cited(turn) == [] and turn.messages[-1].custom.get("response") == "utter_no_answer"


def test_the_general_question_and_another_service_keep_their_route(make_processor: Any) -> None:
    p = make_processor()
    say(p, "fu-other", "에너지바우처 신청 방법")
    general = say(p, "fu-other", "제가 받을 수 있는 혜택이 뭐가 있나요?")
    assert all(c["doc_id"] != VOUCHER_KO for c in cited(general))
    other = say(p, "fu-other", "난임 시술비 지원 서류는요?")  # names another kind of help: a question of its own
    assert cited(other) and cited(other)[0]["doc_id"] == INFERTILITY_KO, [m.text[:80] for m in other.messages]


@pytest.mark.parametrize(("text", "aspects"), [
    ("구비서류는 뭐예요?", ["documents"]),
    ("신청은 어디서 해요?", ["apply"]),
    ("언제까지예요?", ["period"]),
    ("자격이 어떻게 돼요?", ["eligibility"]),
    ("얼마 받아요?", ["benefit"]),
    ("문의는 어디로 해요?", ["apply", "contact"]),
    ("Who is eligible?", ["eligibility"]),
    ("What documents do I need?", ["documents"]),
    ("What's the deadline?", ["period"]),
    ("How much is it?", ["benefit"]),
    ("제가 받을 수 있는 혜택이 뭐가 있나요?", []),
    ("자격 확인해 주세요", []),
    ("Check my eligibility", []),
    ("안녕하세요", []),
    ("비용은요?", ["benefit"]), ("How much does it cost?", ["benefit"]), ("What are the fees?", ["benefit"]),
    ("온라인으로도 되나요?", ["apply"]), ("Can I do it online?", ["apply"]), ("몇살까지요?", ["eligibility"]),
    # s40 probe: the out-of-scope reply after HPV and the energy voucher
    ("Where do I go?", ["apply"]), ("Where can I get it?", ["apply", "eligibility"]),
    # s45 probe: what it costs, its interest, a month's amount, whether income counts
    ("돈 드나", ["benefit"]), ("이자는 얼마예요?", ["benefit"]), ("what's the interest rate?", ["benefit"]),
    ("how much per month?", ["benefit"]), ("does income matter?", ["eligibility"]), ("소득 상관있어요?", ["eligibility"]),
    # s39/s40: a doubt about one's income is who is eligible
    ("소득이 높은데 안되나요?", ["eligibility"]), ("What if my income is too high?", ["eligibility"]),
    ("어디 가서 맞아요?", ["apply"]),
    ("매년 받을수있어요?", ["eligibility", "benefit"]), ("Can I get it every year?", ["eligibility", "benefit"]),
    ("다시 말해 주세요", []),
])
def test_asked_aspects(text: str, aspects: list[str]) -> None:
    assert asked_aspects(text) == aspects


#: A reply to "어디에 사세요?" is where the citizen lives only when it names no kind of help of its own (s32): a place
#: with a question about something else is a question. The words are the topic words less the place, the aspects of
#: a service and the pending question's own words.
@pytest.mark.parametrize(("text", "besides", "words"), [
    ("서울 살아요", "", []),
    ("부산 해운대구에 사는데 받을 수 있는 거 있나요?", "", []),
    ("안양인데 서류 뭐 필요해요?", "", []),
    ("오늘 서울 날씨 어때요?", "", ["날씨"]),
    ("서울에 에너지바우처 있나요?", "", ["에너지", "바우처"]),
    ("부산 맛집 추천해줘", "", ["맛집"]),  # 추천 asks for a list, no kind of help (GENERAL_KO since s47: "맞춤 혜택 추천해 주세요")
    ("안양 청년 월세 신청 어떻게 해요?", "청년 월세 지원 있나요?", []),
    ("안양 청년 월세 신청 어떻게 해요?", "", ["청년", "월세"]),
])
def test_help_of_its_own(text: str, besides: str, words: list[str]) -> None:
    from assistant.nlu.tokenizer import KoreanTokenizer

    assert help_of_its_own(text, [], KoreanTokenizer(), besides=besides) == words


def test_a_confident_cancel_after_an_answer_is_still_a_cancel(make_processor: Any) -> None:
    p = make_processor()
    say(p, "fu-cancel", "연탄쿠폰 알려줘")
    t = say(p, "fu-cancel", "취소")
    assert not cited(t) and [m.custom.get("response") for m in t.messages] != ["utter_region_question_dropped"]


def test_a_request_to_repeat_still_repeats(make_processor: Any) -> None:
    p = make_processor()
    first = say(p, "fu-repeat", "아이돌봄 서비스 신청 방법 알려줘")
    again = say(p, "fu-repeat", "다시 말해줘")
    assert again.messages[-1].custom.get("repeated") is True
    assert again.messages[-1].text == first.messages[-1].text


@pytest.mark.parametrize(("question", "sections"), [
    ("How much do I get?", ["benefit"]), ("How much is the energy voucher?", ["benefit"]),
    ("How many hours of childcare do I get?", ["benefit"]),
    ("How do I apply?", ["apply"]), ("Can I get the energy voucher?", ["eligibility", "benefit"]),
])
def test_how_much_asks_what_is_given_only(question: str, sections: list[str]) -> None:
    """s35 probe: "How much do I get?" was read as how to apply ("how") and who can get it ("do I get") as well."""
    from assistant.knowledge.composer import _aspects

    assert _aspects((), question) == sections


def test_an_english_how_much_follow_up_quotes_what_you_get_alone(processor) -> None:  # type: ignore[no-untyped-def]
    processor.handle_message(UserMessage("how-much", "What is the energy voucher?", "rest"))
    turn = processor.handle_message(UserMessage("how-much", "How much do I get?", "rest"))
    text = turn.messages[0].text
    assert "[What you get]" in text and "[Who is eligible]" not in text and "[How to apply]" not in text, text
    assert "KRW 295,200" in text  # the 1-person amount of the bundled English page


#: s41 probe: refused although the page just cited says it (빌리, 나오: how much can be borrowed, what is paid: aspects)
@pytest.mark.parametrize(("opening", "follow_up", "page", "line_word"), [
    ("학자금대출 금리 얼마에요?", "생활비도 빌릴수있어요?", "student-loan-general.md", "생활비 대출"),
    ("희귀질환자 의료비 지원 알려줘", "간병비 나와요?", "rare-disease-medical-cost.md", "간병비: 월"),
])
def test_a_colloquial_verb_follow_up_is_answered_from_the_page(make_processor: Any, opening: str, follow_up: str, page: str,
                                                              line_word: str) -> None:
    text = (ROOT / "knowledge" / "ko" / page).read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if line_word in x and not x.startswith("#")).lstrip("- ").strip()
    p = make_processor()
    first = say(p, f"fu-verb-{page}", opening)
    doc_id = cited(first)[0]["doc_id"]
    assert f"doc_id: {doc_id}" in text  # the premise: the page asked for
    t = say(p, f"fu-verb-{page}", follow_up)
    reply = t.messages[-1]
    assert not reply.custom.get("abstained") and cited(t)[0]["doc_id"] == doc_id, reply.text
    assert line[:40] in reply.text and "빌리" not in reply.text.split("\n")[0]


@pytest.mark.parametrize("income", ["중위소득 100프로 정도에요", "소득은 중위 100%쯤이에요"])
def test_an_income_said_after_an_answer_stays_with_that_service(make_processor: Any, income: str) -> None:
    """s41 probe: after 아이돌봄 서비스, "중위소득 100프로 정도에요" answered 장애아가족 양육 지원 (정도 read as a topic
    word its "장애 정도" held), "소득은 중위 100%쯤이에요" got "알겠어요"."""
    text = (ROOT / "knowledge" / "ko" / "childcare-idolbom.md").read_text(encoding="utf-8")
    limit = next(x for x in text.splitlines() if x.lstrip("- ").startswith("소득 기준")).lstrip("- ").strip()
    p = make_processor()
    first = say(p, f"fu-income-{income}", "아이돌봄서비스 시간당얼마에요")
    doc_id = cited(first)[0]["doc_id"]
    assert f"doc_id: {doc_id}" in text
    t = say(p, f"fu-income-{income}", income)
    assert cited(t) and cited(t)[0]["doc_id"] == doc_id, [m.text for m in t.messages]
    assert limit in t.messages[-1].text


def test_how_often_quotes_what_is_given_with_its_frequency(make_processor: Any) -> None:
    """s41 probe: "매년 받을수있어요?" after 예술활동준비금 quoted who is eligible and when to apply, not "격년제"."""
    text = (ROOT / "knowledge" / "ko" / "artist-activity-grant.md").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "격년" in x).lstrip("- ").strip()
    p = make_processor()
    say(p, "fu-often", "예술인 창작준비금 받고싶어요")
    say(p, "fu-often", "얼마에요?")
    t = say(p, "fu-often", "매년 받을수있어요?")
    assert f"doc_id: {cited(t)[0]['doc_id']}" in text and line in t.messages[-1].text, [m.text for m in t.messages]


@pytest.mark.parametrize(("age", "page"), [("저 18살인데요", "teen-mother-medical-cost.md"),
                                           ("저 28살인데요", "pregnancy-childbirth-medical-voucher.md")])
def test_a_teen_age_said_after_the_answer_leads_to_the_teen_service_listed(make_processor: Any, age: str, page: str) -> None:
    """s41 probe: "저 18살인데요" after the pregnancy voucher (청소년산모 listed after it) quoted the general voucher."""
    p = make_processor()
    first = say(p, f"fu-teen-{age}", "임신했는데 병원비 지원 되나요?")
    teen = (ROOT / "knowledge" / "ko" / "teen-mother-medical-cost.md").read_text(encoding="utf-8")
    assert any(f"doc_id: {c['doc_id']}" in teen for c in cited(first)[1:])  # the premise: listed after the answer
    t = say(p, f"fu-teen-{age}", age)
    text = (ROOT / "knowledge" / "ko" / page).read_text(encoding="utf-8")
    assert f"doc_id: {cited(t)[0]['doc_id']}" in text, [m.text for m in t.messages]


@pytest.mark.parametrize("follow_up", ["what about weekends?", "Is it valid on Saturdays?", "Does it work on weekends?"])
def test_an_english_word_the_korean_page_says_in_its_own_words_is_quoted(make_processor: Any, follow_up: str) -> None:
    """s41 probe: "what about weekends?" after the rail discount got "I found no condition about 'weekends'", "Is it
    valid on Saturdays?" the out-of-scope reply (and "Does it work on weekends?" in s40); the page (Korean only) says
    토요일·일요일 (the glossary: weekends → 주말, 토요일, 일요일)."""
    text = (ROOT / "knowledge" / "ko" / "korail-senior-discount.md").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "토요일" in x).lstrip("- ").strip()
    p = make_processor()
    first = say(p, f"fu-weekend-{follow_up}", "I'm 70, do I get a discount on KTX?")
    assert f"doc_id: {cited(first)[0]['doc_id']}" in text  # the premise: the page asked for
    t = say(p, f"fu-weekend-{follow_up}", follow_up)
    reply = t.messages[-1].text
    assert line in reply and "no condition" not in reply, reply


def _doc_id(page: str) -> str:
    return re.search(r"^doc_id:\s*(\S+)", (ROOT / "knowledge" / "ko" / page).read_text(encoding="utf-8"), re.M).group(1)


def _line(page: str, holding: str) -> str:
    text = (ROOT / "knowledge" / "ko" / page).read_text(encoding="utf-8")
    return next(x for x in text.splitlines() if holding in x).lstrip("- ").strip()


def test_an_age_said_as_a_bare_number_finds_the_page_and_the_discount_is_asked(make_processor: Any) -> None:
    """s44 probe: "나 70인데 기차표 할인 되나" was refused ("70" a search word no page holds), and "몇 프로 할인이에요?"
    after the page was too."""
    p = make_processor()
    first = say(p, "fu-rail", "나 70인데 기차표 할인 되나")
    assert cited(first) and cited(first)[0]["doc_id"] == _doc_id("korail-senior-discount.md"), first.messages[0].text
    how_much = say(p, "fu-rail", "몇 프로 할인이에요?")
    assert _line("korail-senior-discount.md", "KTX") in how_much.messages[-1].text, how_much.messages[-1].text


def test_how_many_times_after_an_answer_is_what_the_page_says_of_it(make_processor: Any) -> None:
    """s44 probe: "몇 번까지 지원돼요?" after 서울시 난임부부 시술비 지원 was "찾지 못했어요"; the page says 총 25회."""
    p = make_processor()
    say(p, "fu-times", "애기가 안생겨서 시술비 지원 받고 싶어요")
    say(p, "fu-times", "서울 살아요")
    t = say(p, "fu-times", "몇 번까지 지원돼요?")
    assert cited(t) and cited(t)[0]["doc_id"] == _doc_id("seoul-infertility-treatment.md"), t.messages[-1].text
    assert "25회" in t.messages[-1].text


def test_where_in_dialect_after_an_answer_is_where_to_go(make_processor: Any) -> None:
    """s44 probe: "어데서 맞아요?" after the 폐렴구균 page was out of scope (the README says 어데 is read as 어디)."""
    p = make_processor()
    say(p, "fu-where", "우리 할매가 폐렴 주사 공짜로 맞을 수 있당가")
    t = say(p, "fu-where", "어데서 맞아요?")
    assert cited(t) and cited(t)[0]["doc_id"] == _doc_id("pneumococcal-vaccine-65plus.md"), t.messages[-1].text
    assert not t.messages[-1].custom.get("abstained")
