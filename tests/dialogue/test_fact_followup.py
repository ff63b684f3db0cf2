"""A fact about the person said right after a service was answered is answered with the lines of its page that speak
of it (s37 closing note, first of the harms left: "저 혼자 살아요" after 에너지바우처 and "저희 한부모 가정이에요" after
초·중·고 교육비 got "알겠어요. 어떤 점을 도와드릴까요?"; "청년인데 가능해요?" after 전세임대 the whole answer again, its
지원 대상 cut before the 청년 lines). assistant/dialogue/service_followup.py (``said_facts``, ``states_of_oneself``,
``detail_follow_up``), assistant/knowledge/fact_lines.py, ``AnswerComposer.lines_answer``. Through the engine on the
bundled corpus; the lines expected are read from the page itself."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.service_followup import said_facts, states_of_oneself
from assistant.knowledge.fact_lines import lines_about
from tests.dialogue.test_detail_followup import first_cited, page, say


def section(body: str, name: str) -> str:
    """The text of the section ``## name`` of a page's body."""
    return body.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]


def lines_with(text: str, word: str) -> list[str]:
    """The non-blank lines of ``text`` that hold ``word``, stripped."""
    return [ln.strip() for ln in text.splitlines() if word in ln.replace(" ", "")]


@pytest.mark.parametrize(("question", "fact", "title", "section_name", "word"), [
    ("에너지바우처 알려주세요", "저 혼자 살아요", "에너지바우처", "지원 내용", "1인가구"),
    ("초중고 교육비 지원 알려줘", "저희 한부모 가정이에요", "초·중·고 교육비 지원", "지원 대상", "한부모"),
    ("전세임대 알려줘", "청년인데 가능해요?", "기존주택 전세임대주택 지원사업", "지원 대상", "청년"),
    ("에너지바우처 알려주세요", "저 LPG 써요", "에너지바우처", "개요", "LPG"),
])
def test_a_fact_said_after_an_answer_gets_the_lines_of_its_page_about_it(
        processor: Any, question: str, fact: str, title: str, section_name: str, word: str) -> None:
    doc_id, body = page(title)
    expected = lines_with(section(body, section_name), word)
    assert expected  # the page speaks of the fact
    assert first_cited(say(processor, question)) == doc_id
    t = say(processor, fact)
    reply = t.messages[0].text
    assert first_cited(t) == doc_id and not t.messages[0].custom.get("abstained"), reply
    missing = [line for line in expected if line not in reply]
    # every line holding the word, but where the quote is cut at its length (…): the first ones all the same
    assert not missing or ("…" in reply and all(line in reply for line in expected[:3])), (missing, reply)
    assert f"[{section_name}]" in reply
    # only what speaks of it: a top-level line of the section that does not is left out
    others = [ln.strip() for ln in section(body, section_name).splitlines()
              if ln.startswith("- ") and word not in ln.replace(" ", "") and ln.strip() not in reply]
    assert all(o not in reply for o in others)
    assert others or section_name == "개요", "the section has other lines, left out"


def test_living_alone_quotes_the_one_person_amount_not_the_others(processor: Any) -> None:
    doc_id, body = page("에너지바우처")
    amounts = [ln.strip() for ln in section(body, "지원 내용").splitlines() if "인 가구" in ln]
    one = [a for a in amounts if a.startswith("- 1인")]
    assert len(one) == 1 and len(amounts) > 1
    say(processor, "에너지바우처 알려주세요")
    reply = say(processor, "저 혼자 살아요").messages[0].text
    assert one[0] in reply
    assert all(a not in reply for a in amounts if a != one[0])


def test_an_english_fact_after_an_english_answer(processor: Any) -> None:
    """"I use LPG" after the energy voucher's English answer: the English page's line naming LPG; "use" is no topic."""
    say(processor, "energy voucher")
    t = say(processor, "I use LPG")
    reply = t.messages[0].text
    assert "What it says about 'LPG'" in reply and "LPG" in reply.split("\n", 2)[2], reply
    assert "Amount per household" not in reply  # "use" (in "can be used") no longer picks lines


def test_a_fact_the_page_does_not_speak_of_gets_no_lines(processor: Any) -> None:
    """전세임대's page writes a one-person household only in its income table ("| 1인 |"): no line is quoted as if it
    spoke of living alone."""
    _, body = page("기존주택 전세임대주택 지원사업")
    assert "1인가구" not in body.replace(" ", "") and "혼자" not in body
    say(processor, "전세임대 알려줘")
    reply = say(processor, "저 혼자 살아요").messages[0].text
    assert "에 관한 부분이에요" not in reply


@pytest.mark.parametrize(("text", "facts"), [
    ("저 혼자 살아요", ["혼자"]), ("저희 한부모 가정이에요", ["한부모"]), ("남편이 장애인이에요", ["장애"]),
    ("에너지바우처 알려줘", []), ("혼자 사는 노인 지원 있나요?", ["혼자"]),
])
def test_said_facts(text: str, facts: list[str]) -> None:
    assert [f for f, _w in said_facts(text)] == facts


@pytest.mark.parametrize(("text", "facts", "stated"), [
    ("저 LPG 써요", False, True), ("I use LPG", False, True), ("저 임신했는데 지원 있어요?", False, False),
    ("청년 월세 지원 받고 싶어요", False, False), ("혼자 살아요", True, True), ("혼자 사는데 받을 수 있나요", True, False),
    ("My son is disabled", False, True), ("What about LPG", False, False),
])
def test_states_of_oneself(text: str, facts: bool, stated: bool) -> None:
    assert states_of_oneself(text, facts) is stated


def test_lines_about_keeps_the_list_a_line_is_nested_in_and_what_is_nested_in_it() -> None:
    text = ("요건은 다음과 같습니다.\n"
            "- 일반: 무주택자\n"
            "  - 1순위: 수급자, 한부모가족\n"
            "  - 2순위: 소득 50% 이하\n"
            "- 청년(19~39세): 대학생\n"
            "  - 1순위: 수급자\n"
            "\n"
            "| 가구원 수 | 50% |\n"
            "|---|---|\n"
            "| 1인 | 100원 |\n"
            "| 2인 | 200원 |")
    assert lines_about(text, [["한부모"]]) == "요건은 다음과 같습니다.\n- 일반: 무주택자\n  - 1순위: 수급자, 한부모가족"
    assert lines_about(text, [["청년"]]) == "요건은 다음과 같습니다.\n- 청년(19~39세): 대학생\n  - 1순위: 수급자"
    assert lines_about(text, [["|2인|"]]) == "| 가구원 수 | 50% |\n|---|---|\n| 2인 | 200원 |"
    assert lines_about(text, [["장애"]]) == ""


def test_lines_about_cuts_a_long_nested_list() -> None:
    text = "- 대상:\n" + "".join(f"  - 항목 {i}\n" for i in range(12))
    quoted = lines_about(text, [["대상"]]).splitlines()
    assert quoted[0] == "- 대상:" and quoted[1:-1] == [f"  - 항목 {i}" for i in range(8)] and quoted[-1] == "  …"


def test_a_fact_the_answered_page_never_speaks_of_is_said_so_with_who_is_eligible(processor: Any) -> None:
    """s37 note: "저 직장인인데 되나요?" after 에너지바우처 got "찾지 못했어요"; the page never speaks of 직장인, and
    the message alone finds nothing: the reply says so and quotes who is eligible, cited."""
    doc_id, body = page("에너지바우처")
    assert "직장인" not in body
    eligible = [ln.strip() for ln in section(body, "지원 대상").splitlines() if ln.strip()][:3]
    say(processor, "에너지바우처 알려주세요")
    t = say(processor, "저 직장인인데 되나요?")
    reply = t.messages[0].text
    assert "'직장인'에 관한 조건은 따로 찾지 못했어요" in reply and not t.messages[0].custom.get("abstained"), reply
    assert all(line in reply for line in eligible), reply
    cited = [(c["doc_id"], c["section"]) for c in t.messages[0].custom["citations"]]
    assert cited == [(doc_id, "지원 대상")]


def test_a_question_of_its_own_after_an_answer_is_still_answered_by_its_own_page(processor: Any) -> None:
    """A fact the answered page lacks but another page answers ("노인 기차 할인 되나요?" after 에너지바우처): that
    page's answer, not "the page does not speak of it"."""
    rail, _ = page("철도 공공할인 서비스(경로)")
    say(processor, "에너지바우처 알려주세요")
    t = say(processor, "노인 기차 할인도 되나요?")
    assert first_cited(t) == rail and "찾지 못했어요" not in t.messages[0].text, [m.text for m in t.messages]


@pytest.mark.parametrize(("fact", "size"), [("4인 가족이에요", 4), ("우리집 네명이에요", 4), ("식구가 다섯이에요", 5),
                                            ("저희 집 2식구예요", 2)])
def test_the_household_size_said_after_an_answer_gets_its_amount(processor: Any, fact: str, size: int) -> None:
    """s38 probe: "4인 가족이에요" after 에너지바우처 answered 언어발달지원, "식구가 다섯이에요" got "알겠어요"; the page
    gives an amount per household size (four and more alike)."""
    _, body = page("에너지바우처")
    amounts = {ln.strip() for ln in section(body, "지원 내용").splitlines() if "인" in ln and "가구:" in ln}
    expected = next(a for a in amounts if a.startswith(f"- {size}인") or (size >= 4 and a.startswith("- 4인 이상")))
    say(processor, "에너지바우처 알려주세요")
    reply = say(processor, fact).messages[0].text
    assert expected in reply and all(a not in reply for a in amounts - {expected}), reply
    assert f"'{size}인 가구'" in reply


@pytest.mark.parametrize(("question", "fact", "title", "word"), [
    ("초중고 교육비 지원 알려줘", "차상위예요", "초·중·고 교육비 지원", "차상위"),
    ("전세임대 알려줘", "신혼부부예요", "기존주택 전세임대주택 지원사업", "신혼부부"),
])
def test_a_few_words_saying_what_one_is_are_a_fact(processor: Any, question: str, fact: str, title: str,
                                                   word: str) -> None:
    """s38 probe: "차상위예요" after 교육비 answered 자활근로; "신혼부부예요" after 전세임대 quoted 지원 대상 from its
    start, cut before the 신혼부부 line."""
    doc_id, body = page(title)
    expected = lines_with(section(body, "지원 대상"), word)[0]
    say(processor, question)
    t = say(processor, fact)
    assert first_cited(t) == doc_id and expected in t.messages[0].text, t.messages[0].text


def test_a_question_about_a_fact_brings_a_short_list_whole(processor: Any) -> None:
    """s38 probe: "주말에도 돼요?" quoted the KTX and 새마을호 lines (토요일·일요일 제외) and left out 무궁화호, the
    one discounted at weekends: a list of a few items is quoted whole when a question names one."""
    _, body = page("철도 공공할인 서비스(경로)")
    items = [ln.strip() for ln in section(body, "지원 내용").splitlines() if ln.startswith("- ")]
    assert any("토요일" not in i for i in items) and any("토요일" in i for i in items)
    say(processor, "노인 교통비 할인")
    reply = say(processor, "주말에도 할인돼요?").messages[0].text
    assert all(i in reply for i in items), reply


def test_a_follow_up_is_answered_in_its_own_language(processor: Any) -> None:
    """s38 probe: "서류는요?" after an English answer was answered in English (the English title joined to it)."""
    say(processor, "아이돌봄 서비스 알려줘")
    say(processor, "how much does it cost?")
    t = say(processor, "서류는요?")
    assert t.messages[0].custom.get("language") == "ko" and "[구비 서류]" in t.messages[0].text, t.messages[0].text


@pytest.mark.parametrize("fact", ["저희 애 장애가 있어요", "아이가 장애가 있어요"])
def test_a_childs_disability_gets_the_lines_about_disabled_children_and_the_service_for_them(processor: Any,
                                                                                            fact: str) -> None:
    """s38 probe: after 아이돌봄 서비스 "저희 애 장애가 있어요" got every 장애 line, the parents' (장애부모가정) first,
    and no word of 장애아가족 양육 지원."""
    doc_id, body = page("아이돌봄 서비스")
    family, _ = page("장애아가족 양육 지원")
    parents = [line for line in body.splitlines() if "장애부모가정" in line]
    children = [line.strip() for line in body.splitlines() if "장애 자녀" in line or "장애아동" in line]
    assert parents and children
    sender = f"child-disabled-{fact}"
    assert first_cited(say(processor, "아이돌봄 서비스 알려줘", sender=sender)) == doc_id
    t = say(processor, fact, sender=sender)
    reply = t.messages[0].text
    assert first_cited(t) == doc_id and "'장애 아동'" in reply, reply
    assert all(line.lstrip("- ").strip() in reply for line in children if line.startswith("-")), reply
    assert not any(line.strip().lstrip("- ") in reply for line in parents), reply
    cited = [c["doc_id"] for m in t.messages for c in m.custom.get("citations", [])]
    assert family in cited and "[함께 확인할 서비스]" in reply


def test_ones_own_disability_keeps_every_disability_line(processor: Any) -> None:
    doc_id, body = page("아이돌봄 서비스")
    sender = "own-disability"
    assert first_cited(say(processor, "아이돌봄 서비스 알려줘", sender=sender)) == doc_id
    reply = say(processor, "저 장애가 있어요", sender=sender).messages[0].text
    assert "장애부모가정" in reply and "함께 확인할 서비스" not in reply, reply


@pytest.mark.parametrize("fact", ["결혼한지 3년 됐어요", "저희 결혼한지 3년 됐어요"])
def test_a_marriage_told_after_the_rental_answer_gets_its_newlywed_lines(processor: Any, fact: str) -> None:
    """s38 probe: "결혼한지 3년 됐어요" after 전세임대 got "알겠어요. 어떤 점을 도와드릴까요?"; the page says 혼인 7년 이내
    (결혼 → 혼인 in the colloquial glossary; a life event told with no question is said of oneself)."""
    doc_id, body = page("기존주택 전세임대주택 지원사업")
    newlyweds = lines_with(section(body, "지원 대상"), "혼인7년이내")
    assert newlyweds
    sender = f"married-{fact}"
    assert first_cited(say(processor, "전세임대 알려줘", sender=sender)) == doc_id
    t = say(processor, fact, sender=sender)
    reply = t.messages[0].text
    assert first_cited(t) == doc_id and "'결혼'" in reply, reply
    assert all(line.lstrip("- ") in reply for line in newlyweds), reply


def test_what_the_page_answered_does_not_speak_of_is_found_on_the_page_that_does(processor: Any) -> None:
    """s40 probe: "교육도 받아야 돼요?" after 운전면허 적성검사 간소화 (for "75세 아버지 운전면허 갱신 어떻게 해요?") got
    "'교육'에 관한 조건은 따로 찾지 못했어요", though 고령운전자 교통안전교육 is about that education; the question
    before, joined to it, finds that page. A question of the speaker ("저 직장인인데 되나요?") stays the page's own."""
    licence, _ = page("운전면허 적성검사 간소화 서비스 제공")
    education, body = page("고령운전자 교통안전교육 서비스 제공")
    assert "교육" in section(body, "개요")
    sender = "unmentioned-education"
    assert first_cited(say(processor, "75세 아버지 운전면허 갱신 어떻게 해요?", sender)) == licence
    t = say(processor, "교육도 받아야 돼요?", sender)
    assert first_cited(t) == education, t.messages[0].text
    # s41 probe: said first, that the page answered has nothing about it and this is another service
    head = t.messages[0].text.split("\n")[0]
    assert "운전면허 적성검사 간소화 서비스 제공" in head and "'교육'" in head and "고령운전자" not in head, head


@pytest.mark.parametrize("fact", ["저 수급자예요", "수급자여 나는", "수급자예요 나는"])
def test_a_kind_of_person_is_found_where_the_page_writes_its_stem(processor: Any, fact: str) -> None:
    """s42 probe: "저 수급자예요" after 연탄쿠폰, whose 지원 대상 says "수급권자: … 수급권자", got "'수급자'에 관한 조건은 따로
    찾지 못했어요"; "수급자여 나는" (dialect, the speaker said last) answered 산림복지서비스이용권 as a new question."""
    doc_id, body = page("연탄쿠폰")
    expected = lines_with(section(body, "지원 대상"), "수급권자")[0]
    sender = f"stem-{fact}"
    assert first_cited(say(processor, "연탄쿠폰 알려줘", sender)) == doc_id
    t = say(processor, fact, sender)
    text = t.messages[0].text
    assert first_cited(t) == doc_id and expected in text and "찾지 못했어요" not in text, text


def test_a_related_page_must_speak_of_what_the_question_before_was_about(processor: Any) -> None:
    """s42 probe: "주말에도 돼요?" after 아이돌봄 got the rail discount (its page says 토요일·일요일) as "a related
    service"; that page says nothing of 돌봄, so 아이돌봄's own page answers that it has nothing about 주말."""
    care, body = page("아이돌봄 서비스")
    assert "주말" not in body and "토요일" not in body
    sender = "weekend-care"
    assert first_cited(say(processor, "아이돌봄 신청했는데 대기가 너무 길어요", sender)) == care
    t = say(processor, "주말에도 돼요?", sender)
    text = t.messages[0].text
    assert first_cited(t) == care and "철도" not in text and "'주말'" in text, text


@pytest.mark.parametrize(("question", "fact", "title", "word"), [
    ("청년농업인 영농정착지원 알려줘", "저 농사 5년 했어요", "청년농업인 영농정착지원", "영농경력"),
    ("안심상속 알려줘", "동생이 신청해도 돼요?", "사망자 및 피후견인 재산조회 통합처리 신청(안심상속서비스)", "형제자매"),
])
def test_an_everyday_word_is_found_as_the_page_writes_it(processor: Any, question: str, fact: str, title: str,
                                                         word: str) -> None:
    """s42 probe: "농사" where the page says 영농 경력 and "동생" where it says 3순위 형제자매 got "찾지 못했어요"."""
    doc_id, body = page(title)
    expected = lines_with(section(body, "지원 대상"), word)[0].strip().lstrip("- ").strip()
    sender = f"page-word-{fact[:4]}"
    say(processor, question, sender)
    t = say(processor, fact, sender)
    text = t.messages[0].text
    assert first_cited(t) == doc_id and "찾지 못했어요" not in text and expected in text, text


def test_so_is_it_not_possible_asked_after_an_answer_is_about_that_service(processor: Any) -> None:
    """s42 probe: "그럼 안되는거에요?" (deny 0.98) got "지금 확인을 기다리는 요청이 없어서 …": a question, not a "no"."""
    doc_id, _ = page("청년농업인 영농정착지원")
    sender = "so-not-possible"
    say(processor, "청년농업인 영농정착지원 알려줘", sender)
    t = say(processor, "그럼 안되는거에요?", sender)
    assert first_cited(t) == doc_id and "기다리는 요청이 없어서" not in t.messages[0].text, t.messages[0].text
