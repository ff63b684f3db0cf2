"""One programme run by several regions ("청년 월세 지원 있나요?"): the assistant asks where the citizen lives, then
answers with that region's programme (and the national one), cited; a region known earlier ranks first
(assistant/dialogue/regional.py, assistant/knowledge/composer.py). On a small fixture corpus (the composer), the
bundled corpus (its 옥천군 and 안양시 youth-rent pages, through the engine, Korean and English) and the real
catalogue (slow; skips without ../shared)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.knowledge.composer import KOREAN_QUOTE_NOTE, AnswerComposer, agency_regions, programme_core, region_match
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import HybridRetriever
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings


def _doc(doc_id: str, title: str, agency: str, who: str, what: str) -> Document:
    return Document(doc_id, title, agency, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    (Section("지원대상", who), Section("지원내용", what), Section("신청방법", "주민센터 방문 또는 온라인 신청")),
                    {"service_id": doc_id})


# our own fixture text: three local governments' youth rent programmes, the national one, and an unrelated service
CORPUS = [
    _doc("R-OKC", "청년 월세 지원", "충청북도 옥천군", "옥천군에 주민등록을 둔 19~39세 무주택 청년", "월세 월 최대 10만원 지원"),
    _doc("R-ANY", "안양 청년 월세 지원", "경기도 안양시", "안양시에 사는 35~39세 무주택 청년 가구", "월 임차료 최대 20만원 지원"),
    _doc("R-BSJ", "청년월세 지원사업", "부산광역시 중구", "부산 중구에 사는 19~34세 무주택 청년", "월세 월 최대 15만원 지원"),
    _doc("N-MOL", "청년월세 특별지원", "국토교통부", "부모와 따로 사는 19~34세 무주택 청년", "실제 월세 월 최대 20만원, 최장 24개월"),
    _doc("X-GGP", "경기도 산후조리비 지원", "경기도", "경기도에 사는 출산 가정", "산후조리비 50만원 지역화폐"),
]
REGIONAL = {"R-OKC": "충청북도 옥천군", "R-ANY": "경기도 안양시", "R-BSJ": "부산광역시 중구"}
QUESTION = "청년 월세 지원 있나요?"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> tuple[HybridRetriever, AnswerComposer]:
    s = Settings(home=tmp_path_factory.mktemp("regional"))
    import_documents(s, "gov24", CORPUS, embedder, progress=False)
    idx = load_index(s.index_dir)
    tok = KoreanTokenizer()
    return HybridRetriever(idx, embedder, tok), AnswerComposer(idx, tok, threshold=0.0)


@pytest.mark.parametrize(("agency", "parts"), [
    ("충청북도 옥천군", ("충청북도", "옥천군")), ("경기도", ("경기도",)), ("국토교통부", ()),
    ("고양시청소년재단", ("경기도", "고양시")),  # a city's foundation is its city's (s14: it was read as national)
    ("전북특별자치도 순창군", ("전북특별자치도", "순창군")),
])
def test_agency_regions(agency: str, parts: tuple[str, ...]) -> None:
    assert agency_regions(agency) == parts


def test_programme_core_drops_the_region_and_generic_words() -> None:
    cores = {programme_core(d.title, d.agency) for d in CORPUS if d.doc_id in REGIONAL}
    assert cores == {"청년월세"}
    assert programme_core("(창원시) 출산축하금(시민1주년 축하금)", "경상남도 창원시") == "출산축하금"


@pytest.mark.parametrize(("agency", "where", "expected"), [
    ("경기도 안양시", "안양이요", 1), ("경기도 안양시", "경기도 안양시에 살아요", 2), ("충청북도 옥천군", "충북 옥천", 2),
    ("서울특별시 중구", "부산 중구", 0), ("부산광역시 중구", "부산 중구", 2), ("경기도", "경기도 안양시", 1),
    ("국토교통부", "안양", 0), ("경기도 안양시", "", 0),
])
def test_region_match(agency: str, where: str, expected: int) -> None:
    assert region_match(agency, where) == expected


def test_without_a_region_the_answer_offers_the_regions(small: tuple[HybridRetriever, AnswerComposer]) -> None:
    retriever, composer = small
    result = retriever.run(QUESTION, k=10)
    answer = composer.run(result)
    assert not answer.abstained and answer.programme.replace(" ", "") in {"청년월세지원", "청년월세지원사업"}
    labels = dict(answer.regions)
    assert len(labels) >= 2 and set(labels) <= set(REGIONAL.values())
    assert all(REGIONAL[c.doc_id] == label and c.section == "지원대상" for label, c in answer.regions)


@pytest.mark.parametrize("where", ["경기도 안양시", "안양"])
def test_with_a_region_its_programme_is_answered_and_the_national_one_cited(small: tuple[HybridRetriever, AnswerComposer],
                                                                            where: str) -> None:
    retriever, composer = small
    answer = composer.run(retriever.run(QUESTION, k=10), region=where)
    assert not answer.regions and answer.citations[0].doc_id == "R-ANY", answer.citations
    assert "안양시에 사는 35~39세" in answer.text
    cited = [c.doc_id for c in answer.citations]
    assert "N-MOL" in cited and not {"R-OKC", "R-BSJ"} & set(cited)  # the national one, no other region's
    assert "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/N-MOL" in answer.text


def test_a_question_that_names_the_region_is_answered_for_it(small: tuple[HybridRetriever, AnswerComposer]) -> None:
    retriever, composer = small
    answer = composer.run(retriever.run("부산 중구 청년 월세 지원 있나요?", k=10))
    assert answer.regions == () and answer.citations[0].doc_id == "R-BSJ", answer.citations


@pytest.mark.parametrize("question", [
    "경기가 안 좋아서 월세 내기 힘든데 청년 월세 지원 있나요?",  # 경기 (the economy), not 경기도
    "경기 침체로 가게를 접었어요. 청년 월세 지원 있나요?",
])
def test_a_place_name_inside_a_common_word_names_no_region(small: tuple[HybridRetriever, AnswerComposer],
                                                            question: str) -> None:
    # s52 probe on the catalogue: "이혼했는데 전남편이 양육비를 안 줘요" was answered with 영광군 신생아 양육비 지원, its
    # 전남 read inside 전남편; the question's places are those the retriever's reader accepts (result.places)
    retriever, composer = small
    result = retriever.run(question, k=10)
    assert result.places == ()
    answer = composer.run(result)
    assert len(answer.regions) >= 2 and set(dict(answer.regions)) <= set(REGIONAL.values()), answer.citations


def test_a_place_the_question_names_by_its_stem_is_answered_for_it(small: tuple[HybridRetriever, AnswerComposer]) -> None:
    retriever, composer = small
    answer = composer.run(retriever.run("안양 사는데 청년 월세 지원 있나요?", k=10))
    assert answer.regions == () and answer.citations[0].doc_id == "R-ANY", answer.citations


def test_a_region_with_no_programme_of_its_own_gets_the_national_one(small: tuple[HybridRetriever, AnswerComposer]) -> None:
    retriever, composer = small
    answer = composer.run(retriever.run(QUESTION, k=10), region="서울특별시 중구")  # 중구, but Seoul's: not 부산 중구
    assert answer.citations[0].doc_id == "N-MOL" and "R-BSJ" not in [c.doc_id for c in answer.citations]


def test_one_region_only_is_answered_without_asking(small: tuple[HybridRetriever, AnswerComposer]) -> None:
    retriever, composer = small
    answer = composer.run(retriever.run("산후조리비 지원 받을 수 있나요?", k=10))
    assert not answer.abstained and answer.regions == () and answer.citations[0].doc_id == "X-GGP"


# --- through the engine, on the bundled corpus (knowledge/ko/okcheon-youth-rent.md, anyang-youth-rent.md) -------

def say(p: MessageProcessor, text: str, sender: str = "s-rent") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def bundled_rent() -> dict[str, str]:
    """The bundled youth-rent pages: region label → doc id, read from their front matter."""
    from pathlib import Path

    import yaml

    out: dict[str, str] = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "knowledge/ko").glob("*youth-rent.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        out[" ".join(agency_regions(str(meta["agency"])))] = str(meta["doc_id"])
    return out


RENT = bundled_rent()


def test_the_bundled_corpus_has_two_regions_of_youth_rent() -> None:
    assert set(RENT) == {"충청북도 옥천군", "경기도 안양시"}


def test_korean_question_asks_the_region_then_answers_for_it(make_processor: Any) -> None:
    p = make_processor()
    asked = say(p, QUESTION)
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    m = asked.messages[0]
    assert set(m.custom["regions"]) == set(RENT) and all(r in m.text for r in RENT) and m.text.rstrip().endswith("?")
    assert {b["payload"] for b in m.buttons} == {"/inform" + json.dumps({"programme_region": r}, ensure_ascii=False) for r in RENT}
    assert {c["doc_id"] for c in m.custom["citations"]} == set(RENT.values())
    answered = say(p, "안양이요")  # a bare place name (the NLU reads it as anything)
    assert responses(answered) == ["action_answer_from_knowledge"], [x.text for x in answered.messages]
    cites = answered.messages[0].custom["citations"]
    assert cites[0]["doc_id"] == RENT["경기도 안양시"] and RENT["충청북도 옥천군"] not in {c["doc_id"] for c in cites}
    assert p.load("s-rent").get_slot("programme_region") == "경기도 안양시"
    again = say(p, QUESTION)  # known now: answered for 안양 at once
    assert responses(again) == ["action_answer_from_knowledge"]
    assert again.messages[0].custom["citations"][0]["doc_id"] == RENT["경기도 안양시"]


#: The youth-rent question as citizens ask it, each with its Korean twin: either language must ask where the citizen
#: lives (the bundled corpus has 옥천군's and 안양시's pages and English pages of other services, which an English
#: question's words also match: s17 saw "How do I apply for the youth rent support?" answered with 안양's page at once
#: and "Is there monthly rent support for young people?" abstain, while their Korean twins asked the region).
RENT_TWINS = [
    ("How do I apply for the youth rent support?", "청년 월세 지원 신청은 어떻게 해요?"),
    ("Is there monthly rent support for young people?", "청년 월세 지원 있나요?"),
    ("Can young people get help with their monthly rent?", "청년들 월세 도움 받을 수 있어요?"),
    # s32: with the language map on, the mapped first page kept its mapped score (1.0 against 안양's 0.643), so 안양's
    # page was no longer a "strong" hit and 옥천's was answered at once (with_top now keeps the plain score scale)
    ("Is there rent support for young people living alone?", "혼자 사는 청년 월세 지원 있나요?"),
]


#: Fixed in s19 (RetrieverConfig.translated_scoring "phrase"): these two ranked the English page of 청년내일저축계좌 (Youth
#: Tomorrow Savings: "young people", "monthly", "help") first, above 옥천군's and 안양시's pages (fused 1.098 against
#: 0.991 and 0.966), and the English gate rightly doubted that page (0.28, 0.18), so they abstained: the words of a
#: glossary phrase counted one by one on an English page ("monthly" without "rent"). Each phrase now counts once, by
#: its best way of saying it, and they ask the region like their Korean twins.
@pytest.mark.parametrize("text", [t for pair in RENT_TWINS for t in pair])
def test_the_rent_question_asks_the_region_in_either_language(make_processor: Any, text: str) -> None:
    p = make_processor()
    english = text.isascii()
    asked = say(p, text)
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    m = asked.messages[0]
    assert m.custom["language"] == ("en" if english else "ko")
    assert set(m.custom["regions"]) == set(RENT)
    assert {c["doc_id"] for c in m.custom["citations"]} == set(RENT.values())
    assert ("Where do you live" in m.text) == english
    button = next(b for b in m.buttons if "경기도 안양시" in b["payload"])
    answered = say(p, button["payload"])
    assert responses(answered) == ["action_answer_from_knowledge"], [x.text for x in answered.messages]
    cites = answered.messages[0].custom["citations"]
    assert cites[0]["doc_id"] == RENT["경기도 안양시"] and RENT["충청북도 옥천군"] not in {c["doc_id"] for c in cites}
    assert answered.messages[0].custom["language"] == ("en" if english else "ko")
    # "rent support" describes 월세 help, which the documents have: never "I have no service called '주거급여'" (s32)
    assert "no service called" not in answered.messages[0].text and "자료에 없어요" not in answered.messages[0].text


@pytest.mark.parametrize(("question", "reply", "label"), [
    ("청년 월세 지원 있나요?", "경기도요", "경기도 안양시"),
    ("청년 월세 지원 있나요?", "충청북도", "충청북도 옥천군"),
    ("Is there monthly rent support for young people?", "Gyeonggi-do", "경기도 안양시"),
    ("Is there monthly rent support for young people?", "I live in Chungcheongbuk-do", "충청북도 옥천군"),
])
def test_a_province_reply_gets_its_city_s_programme(make_processor: Any, question: str, reply: str, label: str) -> None:
    """s32: "경기도요" at the region question was told the documents have '청년 월세 지원' only in 경기도 안양시 and
    옥천군, "and none in 경기도": 안양시 is in 경기도. A citizen who names only their 시·도 gets the programme of the
    시·군·구 inside it, said first to be for that place's residents, and not the other province's."""
    p = make_processor()
    english = question.isascii()
    assert responses(say(p, question)) == ["utter_ask_programme_region"]
    answered = say(p, reply)
    assert responses(answered) == ["action_answer_from_knowledge"], [x.text for x in answered.messages]
    m = answered.messages[0]
    cites = {c["doc_id"] for c in m.custom["citations"]}
    assert m.custom["citations"][0]["doc_id"] == RENT[label] and cites == {RENT[label]}
    sido, sigungu = label.split()
    first = m.text.split("\n")[0]
    if english:
        assert first.startswith("In ") and "for its own residents" in first and "nothing on one elsewhere" in first
    else:
        assert first.startswith(f"{sido}에서는 {label}에서 운영하는") and "자료에 없어요" in first
    assert "운영하는 것만 있고" not in m.text and "they have nothing on one in" not in m.text


def bundled_birth() -> dict[str, str]:
    """The bundled pages of a local government's 출산 programme (category 임신·출산, a regional agency, 출산 or
    산후 in the title): region label → doc id, read from their front matter."""
    from pathlib import Path

    import yaml

    out: dict[str, str] = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "knowledge/ko").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        regions = agency_regions(str(meta["agency"]))
        if regions and meta.get("category") == "임신·출산" and ("출산" in meta["title"] or "산후" in meta["title"]):
            out[" ".join(regions)] = str(meta["doc_id"])
    return out


BIRTH = bundled_birth()


#: Known gap (s19 report), strict: on run.sh's home the English twin abstains. Its hits: the English page of the
#: national 건강보험 임신·출산 진료비 지원 first (fused 0.88: dense rank 1, "baby" and its Korean title's 출산), then
#: 창원시 0.82 and 경기도 0.74; the English gate gives 0.29 for that page (overlap 0.5, no translation). Past the gate, a
#: national page of the same kind first would answer with the regions' pages listed after it, not ask. The Korean twin
#: ranks 창원시 (돈 → 축하금) and 경기도 (아기, 출산, 신생아) first and asks. The English glossary's "money" is [지원금]
#: where 돈 is [지원금, 장려금, 축하금, 수당, 지원], and "have a baby" takes "baby" into 출산; with "money" as 돈 (tried with
#: the "best" scoring) the question ranks 창원시 first but 경기도 at 0.43 of it (the English lexical weight 0.7 and second
#: chunk 0.6 favour 창원's one-topic page), so it would answer 창원's programme as the citizen's: not done.
@pytest.mark.parametrize("text", [
    "아기 낳으면 돈 주나요?",
    pytest.param("Do I get money if I have a baby?", marks=pytest.mark.xfail(strict=True, reason="s19 report: abstains")),
])
def test_the_birth_question_asks_the_region_in_either_language(make_processor: Any, text: str) -> None:
    assert set(BIRTH) == {"경상남도 창원시", "경기도"}
    asked = say(make_processor(), text, "s-birth")
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    m = asked.messages[0]
    assert m.custom["language"] == ("en" if text.isascii() else "ko")
    assert set(m.custom["regions"]) == set(BIRTH)
    assert {c["doc_id"] for c in m.custom["citations"]} == set(BIRTH.values())


@pytest.fixture
def fixture_engine(bundled_settings: Settings, embedder: Any, tmp_path: Any) -> MessageProcessor:
    """The engine with the bundled NLU over the fixture corpus (English retrieval finds its youth-rent pages through
    the glossary; the bundled corpus has no English page about them). The answerability gate is fitted on real
    corpora, not on five pages: it answers everything here (this tests the conversation, not the gate)."""
    import shutil

    from assistant.app_state import build_processor, load_router
    from assistant.stores.trackers import SQLTrackerStore

    settings = bundled_settings.model_copy(update={"home": tmp_path / "home", "abstain_threshold": 0.0})
    shutil.copytree(bundled_settings.nlu_dir, settings.nlu_dir)
    import_documents(settings, "gov24", CORPUS, embedder, progress=False)
    return build_processor(settings, load_router(settings, embedder), SQLTrackerStore("sqlite://"), None)


def test_english_question_asks_in_english_and_a_button_answers_for_that_region(fixture_engine: MessageProcessor) -> None:
    p = fixture_engine
    asked = say(p, "Is there monthly rent support for young people?")
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    m = asked.messages[0]
    assert "Where do you live" in m.text and m.custom["language"] == "en"
    assert set(m.custom["regions"]) <= set(REGIONAL.values()) and len(m.custom["regions"]) >= 2
    button = next(b for b in m.buttons if "경기도 안양시" in b["payload"])  # titled in English: Anyang-si, Gyeonggi-do
    answered = say(p, button["payload"])
    a = answered.messages[0]
    assert a.custom["citations"][0]["doc_id"] == "R-ANY" and a.custom["language"] == "en"
    assert "[Who is eligible]" in a.text and a.text.count(KOREAN_QUOTE_NOTE) == 1  # the quotes are Korean: said once
    assert "N-MOL" in {c["doc_id"] for c in a.custom["citations"]}  # the national programme, cited


def test_korean_reply_naming_a_region_not_offered_says_there_is_none(fixture_engine: MessageProcessor) -> None:
    p = fixture_engine
    assert responses(say(p, QUESTION)) == ["utter_ask_programme_region"]
    answered = say(p, "서울 살아요")  # 서울특별시: none of the three; the national one answers
    assert answered.messages[0].custom["citations"][0]["doc_id"] == "N-MOL"
    assert p.load("s-rent").get_slot("programme_region") == "서울특별시"


def test_a_reply_without_a_region_drops_the_question(make_processor: Any) -> None:
    p = make_processor()
    say(p, QUESTION)
    t = say(p, "에너지바우처 받을 수 있나요?")
    assert responses(t) == ["action_answer_from_knowledge"] and "에너지바우처" in t.messages[0].text
    # the rent question is dropped; the energy-voucher question answered now is the one a place said next answers (s36)
    assert p.load("s-rent").get_slot("programme_region_pending")["query"] == "에너지바우처 받을 수 있나요?"


def bundled_doc(title_part: str) -> str:
    """The doc id of the one bundled Korean page whose title holds ``title_part`` (read from its front matter)."""
    from pathlib import Path

    import yaml

    ids = [str(meta["doc_id"]) for path in sorted((Path(__file__).resolve().parents[2] / "knowledge/ko").glob("*.md"))
           if title_part in str((meta := yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]))["title"])]
    assert len(ids) == 1, ids
    return ids[0]


#: Session 31's run check: at the region question a message that names a place but asks something of its own was
#: taken as where the citizen lives ("오늘 서울 날씨 어때요?" → "서울특별시에서 운영하는 것은 없어요" with the youth-rent
#: pages; "서울에 에너지바우처 있나요?" the same, never the energy voucher). Each is answered as it would be anywhere.
@pytest.mark.parametrize(("question", "reply", "expected"), [
    (QUESTION, "오늘 서울 날씨 어때요?", "utter_out_of_scope"),
    (QUESTION, "부산 맛집 추천해줘", "utter_out_of_scope"),
    ("Is there monthly rent support for young people?", "What's the weather in Seoul today?", "utter_out_of_scope"),
    (QUESTION, "서울에 에너지바우처 있나요?", "에너지바우처"),
    ("Is there monthly rent support for young people?", "Is there an energy voucher in Seoul?", "에너지바우처"),
])
def test_a_question_of_its_own_at_the_region_question_is_not_its_answer(make_processor: Any, question: str, reply: str,
                                                                         expected: str) -> None:
    p = make_processor()
    assert responses(say(p, question)) == ["utter_ask_programme_region"]
    t = say(p, reply)
    if expected.startswith("utter_"):
        assert responses(t) == [expected], [m.text for m in t.messages]
    else:
        assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
        cited = {c["doc_id"].removesuffix("-en") for c in t.messages[0].custom["citations"]}
        assert bundled_doc(expected) in cited and not cited & set(RENT.values()), cited
    assert p.load("s-rent").get_slot("programme_region") is None


#: Session 32: "I live in Seoul" at the English question's region question answered 청년내일저축계좌 (Youth Tomorrow
#: Savings Account): the region's preference moved 옥천군's and 안양시's pages down (0.91 → 0.71) below that national
#: English page (0.859), which was answered as "a secondary programme". Neither region runs it for 서울특별시: said so,
#: and the regions' pages listed, in either language.
@pytest.mark.parametrize(("question", "reply", "place"), [
    ("Is there monthly rent support for young people?", "I live in Seoul", "Seoul"),
    (QUESTION, "서울 살아요", "서울특별시"),
])
def test_a_region_without_the_programme_is_told_so_in_either_language(make_processor: Any, question: str, reply: str,
                                                                      place: str) -> None:
    p = make_processor()
    assert responses(say(p, question)) == ["utter_ask_programme_region"]
    t = say(p, reply)
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    m = t.messages[0]
    assert {c["doc_id"] for c in m.custom["citations"]} == set(RENT.values()) and place in m.text, m.text
    assert p.load("s-rent").get_slot("programme_region") == "서울특별시"


#: s32 probe: small talk or an out-of-scope question between the region question and the reply dropped the question
#: ("안양이요" then got "어떤 점을 도와드릴까요?"). Up to two such messages leave it open; a question answered in
#: between, or a third interruption, closes it.
@pytest.mark.parametrize(("between", "answers"), [
    (["ㅋㅋㅋ"], True),
    (["오늘 서울 날씨 어때요?"], True),
    (["ㅋㅋ", "오늘 날씨 어때?"], True),
    (["ㅋㅋ", "ㅎㅎ", "오늘 날씨 어때?"], False),
    (["에너지바우처 알려주세요"], False),
])
def test_the_region_question_stays_open_through_small_talk(make_processor: Any, between: list[str], answers: bool) -> None:
    p = make_processor()
    assert responses(say(p, QUESTION)) == ["utter_ask_programme_region"]
    for text in between:
        say(p, text)
    t = say(p, "안양이요")
    if answers:
        assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
        assert t.messages[0].custom["citations"][0]["doc_id"] == RENT["경기도 안양시"]
        assert p.load("s-rent").get_slot("programme_region") == "경기도 안양시"
    else:  # the rent question is closed: never answered for 안양 (after the energy voucher's answer, "안양이요" is
        # where the citizen lives for that one: s36)
        assert not {c["doc_id"] for m in t.messages for c in m.custom.get("citations", [])} & set(RENT.values())
        if between[-1] == "에너지바우처 알려주세요":
            assert responses(t) == ["utter_region_same_answer"], [m.text for m in t.messages]
        else:  # said alone, the place is where the citizen lives (s44: kept and said back), no answer to the rent question
            assert responses(t) == ["utter_kept_region", "utter_how_can_i_help"], [m.text for m in t.messages]
            assert p.load("s-rent").get_slot("programme_region") == "경기도 안양시"


def test_a_region_known_earlier_is_used_without_asking(make_processor: Any) -> None:
    p = make_processor()
    say(p, "서울 살아요")  # 서울특별시: neither region runs the bundled youth-rent programmes
    t = say(p, QUESTION)
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    m = t.messages[0]
    assert "서울특별시에서 운영하는 것은 없어요" in m.text and "서울특별시에서 운영하는 '" not in m.text  # never claims one exists
    assert {c["doc_id"] for c in m.custom["citations"]} == set(RENT.values())


def test_a_residence_said_with_an_address_is_used_without_asking(make_processor: Any) -> None:
    """s42 probe: "서울시 마포구 월드컵북로 400 살고 있어요 청년월세 돼요?" was asked where the speaker lives: the classifier
    reads the message without the address (ask_service_info), and the region slot is taken only from some intents.
    The region entity, said with a word of living there, is where the speaker lives; the address stays masked."""
    p = make_processor()
    t = say(p, "서울시 마포구 월드컵북로 400 살고 있어요 청년월세 돼요?", sender="s-address")
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    m = t.messages[0]
    assert "서울특별시 마포구에서 운영하는 것은 없어요" in m.text, m.text
    assert {c["doc_id"] for c in m.custom["citations"]} == set(RENT.values())
    assert p.load("s-address").get_slot("programme_region") == "서울특별시 마포구"
    assert "월드컵북로" not in json.dumps(p.tracker_state("s-address"), ensure_ascii=False)


# --- the real catalogue -----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_real_catalogue_youth_rent_asks_then_answers_anyang(gov24_settings: Settings, gov24_router: Any) -> None:
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))
    rows = rows.get("data", rows) if isinstance(rows, dict) else rows
    anyang = {str(r["서비스ID"]) for r in rows if "월세" in str(r.get("서비스명")) and "안양" in str(r.get("소관기관명"))}
    assert anyang, "the catalogue has 안양시's youth rent programme"
    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    asked = say(p, QUESTION)
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    assert "경기도 안양시" in asked.messages[0].custom["regions"]
    answered = say(p, "경기도 안양시에 살아요")
    assert answered.messages[0].custom["citations"][0]["doc_id"] in anyang


@pytest.mark.slow
def test_real_catalogue_english_asks_in_english_then_a_button_answers(gov24_settings: Settings, gov24_router: Any) -> None:
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    asked = say(p, "Is there monthly rent support for young people?")
    assert responses(asked) == ["utter_ask_programme_region"] and "Where do you live" in asked.messages[0].text
    button = next(b for b in asked.messages[0].buttons if "경기도 안양시" in b["payload"])
    m = say(p, button["payload"]).messages[0]
    assert m.custom["language"] == "en" and m.custom["citations"][0]["agency"] == "경기도 안양시"


#: knowledge/ko/infertility-treatment.md (보건복지부) and seoul-infertility-treatment.md (서울특별시)
INFERTILITY_NATIONAL, INFERTILITY_SEOUL = "svc-SME000000100", "svc-611000000159"


def test_a_national_version_answers_before_one_region_s_when_nobody_said_where(bundled_router) -> None:  # type: ignore[no-untyped-def]
    """s33 probe: "난임 시술비 지원 받고 싶어요" answered 서울시's programme (for 서울 residents only; retrieved first,
    1.0 against the ministry's 0.969) with the ministry's below it. Without a region, the national one answers and
    서울시's is listed after it under the heading that says regions' services are for their residents; a citizen of
    서울 still gets 서울시's first."""
    anywhere = bundled_router.handle(UserMessage("inf-1", "난임 시술비 지원 받고 싶어요", "rest", {})).answer
    assert anywhere is not None and not anywhere.abstained
    assert anywhere.citations[0].doc_id == INFERTILITY_NATIONAL, [c.doc_id for c in anywhere.citations]
    assert INFERTILITY_SEOUL in {c.doc_id for c in anywhere.citations}
    assert "지역에서 운영하는 서비스" in anywhere.text and "서울시 난임부부 시술비 지원 (서울특별시)" in anywhere.text
    seoul = bundled_router.handle(UserMessage("inf-2", "서울 사는데 난임 시술비 지원 받고 싶어요", "rest", {})).answer
    assert seoul is not None and seoul.citations[0].doc_id == INFERTILITY_SEOUL


@pytest.mark.parametrize("text", ["월세 지원 받고 싶어요", "청년 월세 지원 받고 싶어요"])
def test_wanting_a_kind_of_help_is_answered_not_asked_for_a_service_name(make_processor: Any, text: str) -> None:
    """s40: "월세 지원 받고 싶어요" (apply_service: wanting it) got the application flow's "어떤 서비스를 신청하실지 서비스
    이름으로 알려 주세요", which the citizen cannot answer and where nothing can be applied for; the documents answer
    it (here: the region question of the two youth-rent pages). "신청하고 싶어요" alone still asks the name."""
    p = make_processor()
    asked = say(p, text)
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    assert "서비스 이름으로" not in asked.messages[0].text
    plain = p.handle_message(UserMessage("s-apply-nothing", "신청하고 싶어요", "rest", {}))
    assert plain.messages[-1].custom.get("response") in ("utter_task_ask_service_name", "utter_task_ask_service")


def test_a_follow_up_about_a_towns_programme_answered_keeps_that_town(make_processor: Any) -> None:
    """s42 probe: "저 41살인데 가능?" after 옥천군's 청년 월세 지원 was answered asked the region again between the two
    towns' programmes; it is about the programme answered (its page's age rule: 19~39세)."""
    okcheon = RENT["충청북도 옥천군"]
    p = make_processor()
    first = say(p, "옥천군 청년월세 얼마 줘요", sender="s-okcheon")
    assert first.messages[0].custom["citations"][0]["doc_id"] == okcheon, first.messages[0].text
    t = say(p, "저 41살인데 가능?", sender="s-okcheon")
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    m = t.messages[0]
    assert m.custom["citations"][0]["doc_id"] == okcheon and m.custom.get("age_fits") is False, m.text


def test_wanting_a_benefit_the_documents_lack_says_so(make_processor: Any) -> None:
    """s42 probe: "주거급여 받고싶어요" (apply_service 0.78) got "어떤 서비스를 신청하실지 서비스 이름으로 알려 주세요"
    though it named one; no bundled title holds 주거급여, so the reply says it is not covered."""
    from tests.dialogue.test_detail_followup import KNOWLEDGE

    assert not any("주거급여" in path.read_text(encoding="utf-8").split("---", 2)[1] for path in KNOWLEDGE.glob("*.md"))
    m = say(make_processor(), "주거급여 받고싶어요", sender="s-want-missing").messages[-1]
    assert m.custom.get("response") == "utter_service_not_in_documents" and "'주거급여'" in m.text, m.text


def test_facts_said_to_the_region_question_ask_it_again(make_processor: Any) -> None:
    """s39 probe: "저 27살이에요 혼자살아요" to "어느 지역(시·군·구)에 사세요?" got "알겠어요. 어떤 점을 도와드릴까요?"
    and the question was lost; it is asked again, and the region then answers it."""
    p = make_processor()
    say(p, QUESTION)
    again = say(p, "저 27살이에요 혼자살아요")
    # the age is said to be kept (s47), then the question is asked again
    assert responses(again) == ["utter_kept_age", "utter_ask_programme_region"], [m.text for m in again.messages]
    assert "27" in (again.messages[0].text or "")
    assert set(again.messages[-1].custom["regions"]) == set(RENT)
    answered = say(p, "옥천 살아요")
    assert answered.messages[0].custom["citations"][0]["doc_id"] == RENT["충청북도 옥천군"], answered.messages[0].text


def _age_span(page: str) -> tuple[int, int]:
    """The (lowest, highest) age of the 지원 대상 line of a bundled youth-rent page that says an age range ("35~39세",
    "19세 이상 39세 이하"), read off the Markdown."""
    text = (Path(__file__).resolve().parents[2] / "knowledge" / "ko" / page).read_text(encoding="utf-8")
    who = text.split("## 지원 대상", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"(\d+)\s*(?:세\s*이상\s*|~|～)\s*(?:만\s*)?(\d+)\s*세", who)
    assert found, who
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("turns", [
    ["청년 월세 지원 받고 싶어요", "저 45살이에요"],  # the age said at the region question
    ["45살인데 청년 월세 지원 받을 수 있나요?"],  # the age said with the question
    # without eligibility data (the README's main job), where the English question is not the questionnaire's
    ["I'm 45, is there rent support for young people?"],
])
def test_an_age_no_regions_version_takes_is_said_at_once(make_processor: Any, turns: list[str]) -> None:
    """s47 note: the region was asked (again) although no region's 청년 월세 지원 takes a 45-year-old; now the verdict
    with each region's rule, and no region question."""
    spans = [_age_span("okcheon-youth-rent.md"), _age_span("anyang-youth-rent.md")]
    assert all(high < 45 for _low, high in spans)  # the premise, read off both pages
    p = make_processor(eligibility_url=None) if turns[0].isascii() else make_processor()
    for text in turns:
        t = p.handle_message(UserMessage("age-nowhere", text, "rest", {}))
    m = t.messages[-1]
    assert m.custom.get("response") == "utter_age_fits_no_region" and m.custom.get("age_fits") is False, m.text
    assert "45" in m.text and all(str(high) in m.text for _low, high in spans), m.text
    assert {c["doc_id"] for c in m.custom["citations"]} == {"svc-443000000661", "svc-383000000113"}
    assert p.load("age-nowhere").get_slot("programme_region_pending") is None


def test_an_age_some_regions_version_takes_still_asks_the_region(make_processor: Any) -> None:
    p = make_processor()
    p.handle_message(UserMessage("age-somewhere", "청년 월세 지원 받고 싶어요", "rest", {}))
    t = p.handle_message(UserMessage("age-somewhere", "저 30살이에요", "rest", {}))
    assert [m.custom.get("response") for m in t.messages] == ["utter_kept_age", "utter_ask_programme_region"]


def test_other_regions_asked_at_the_region_question_ask_it_again(make_processor: Any) -> None:
    """s50 probe: "다른 지역은요?" to "어느 지역(시·군·구)에 사세요?" got "찾지 못했어요". The question is asked again
    with the same regions' programmes, and a place said next that has none is told so."""
    p = make_processor()
    asked = p.handle_message(UserMessage("other-regions", "청년 월세 지원 받을 수 있나요", "rest", {})).messages[0]
    assert asked.custom.get("response") == "utter_ask_programme_region", asked.text
    again = p.handle_message(UserMessage("other-regions", "다른 지역은요?", "rest", {})).messages[0]
    assert again.custom.get("response") == "utter_ask_programme_region", again.text
    assert [c["doc_id"] for c in again.custom["citations"]] == [c["doc_id"] for c in asked.custom["citations"]]
    told = p.handle_message(UserMessage("other-regions", "서울이요", "rest", {})).messages[0]
    assert "서울특별시에서 운영하는 것은 없어요" in told.text, told.text
