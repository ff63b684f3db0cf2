"""The programme-region question answered by a place typed in English ("I live in Anyang", "Anyang", "Okcheon-gun"),
after a Korean or an English question (assistant/dialogue/regional.py reading romanised names through
assistant/regions.py). Through the engine, on our own small fixture corpus: three local governments' youth rent
programmes and the national one."""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.knowledge.documents import Document, Section
from assistant.knowledge.ingest import import_documents
from assistant.settings import Settings


def _doc(doc_id: str, title: str, agency: str, who: str, what: str, papers: str | None = None) -> Document:
    sections = (Section("지원대상", who), Section("지원내용", what), Section("신청방법", "주민센터 방문 또는 온라인 신청"))
    if papers is not None:
        sections += (Section("구비서류", papers),)
    return Document(doc_id, title, agency, f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{doc_id}", "ko", "2026-01-01", "gov24",
                    sections, {"service_id": doc_id})


#: each region's own documents (구비서류), told apart by a word only that region's list holds
PAPERS = {"T-OKC": "옥천군 청년 월세 신청서, 임대차계약서 사본", "T-ANY": "안양시 월세 지원 신청서, 월세 이체 내역, 통장 사본"}

CORPUS = [
    _doc("T-OKC", "청년 월세 지원", "충청북도 옥천군", "옥천군에 주민등록을 둔 19~39세 무주택 청년", "월세 월 최대 10만원 지원",
         PAPERS["T-OKC"]),
    _doc("T-ANY", "안양 청년 월세 지원", "경기도 안양시", "안양시에 사는 35~39세 무주택 청년 가구", "월 임차료 최대 20만원 지원",
         PAPERS["T-ANY"]),
    _doc("T-BSJ", "청년월세 지원사업", "부산광역시 중구", "부산 중구에 사는 19~34세 무주택 청년", "월세 월 최대 15만원 지원"),
    _doc("T-MOL", "청년월세 특별지원", "국토교통부", "부모와 따로 사는 19~34세 무주택 청년", "실제 월세 월 최대 20만원, 최장 24개월"),
    _doc("T-GGP", "경기도 산후조리비 지원", "경기도", "경기도에 사는 출산 가정", "산후조리비 50만원 지역화폐"),
]
HANGUL = re.compile(r"[가-힣]")
QUESTIONS = {"ko": "청년 월세 지원 있나요?", "en": "Is there monthly rent support for young people?"}


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    """The bundled NLU over the fixture corpus; the answerability gate answers everything (it is fitted on real
    corpora, not on five pages: this tests the conversation). Each test talks as its own sender."""
    from assistant.app_state import build_processor, load_router
    from assistant.stores.trackers import SQLTrackerStore

    settings = bundled_settings.model_copy(update={"home": tmp_path_factory.mktemp("typed") / "home", "abstain_threshold": 0.0})
    shutil.copytree(bundled_settings.nlu_dir, settings.nlu_dir)
    import_documents(settings, "gov24", CORPUS, embedder, progress=False)
    return build_processor(settings, load_router(settings, embedder), SQLTrackerStore("sqlite://"), None)


@pytest.fixture
def sender(request: pytest.FixtureRequest) -> str:
    return request.node.name


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("typed", "doc_id", "label"), [
    ("I live in Anyang", "T-ANY", "경기도 안양시"),
    ("Anyang", "T-ANY", "경기도 안양시"),
    ("Okcheon-gun", "T-OKC", "충청북도 옥천군"),
    ("I live in Okcheon, North Chungcheong", "T-OKC", "충청북도 옥천군"),
])
def test_a_typed_english_place_answers_for_that_region(engine: MessageProcessor, sender: str, lang: str, typed: str,
                                                       doc_id: str, label: str) -> None:
    asked = say(engine, QUESTIONS[lang], sender)
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    assert label in asked.messages[0].custom["regions"]
    answered = say(engine, typed, sender)
    assert responses(answered) == ["action_answer_from_knowledge"], [m.text for m in answered.messages]
    cited = [c["doc_id"] for c in answered.messages[0].custom["citations"]]
    assert cited[0] == doc_id and not ({"T-OKC", "T-ANY", "T-BSJ"} - {doc_id}) & set(cited), cited
    assert engine.load(sender).get_slot("programme_region") == label


def test_a_typed_english_place_not_offered_is_read_as_its_area(engine: MessageProcessor, sender: str) -> None:
    """"I live in Seoul": none of the regions runs it; the national programme answers, and the region kept is
    서울특별시 (the area of the English name), as for "서울 살아요"."""
    assert responses(say(engine, QUESTIONS["en"], sender)) == ["utter_ask_programme_region"]
    answered = say(engine, "I live in Seoul", sender)
    assert responses(answered) == ["action_answer_from_knowledge"]
    assert answered.messages[0].custom["citations"][0]["doc_id"] == "T-MOL"
    assert engine.load(sender).get_slot("programme_region") == "서울특별시"


def test_the_english_question_names_the_regions_in_english(engine: MessageProcessor, sender: str) -> None:
    """Item 5 of the brief: no Hangul in the English question but the programme's own (Korean) name; the buttons
    say the regions in English and carry the Korean label as the value."""
    m = say(engine, QUESTIONS["en"], sender).messages[0]
    labels = m.custom["regions"]
    english = {"충청북도 옥천군": "Okcheon-gun, Chungcheongbuk-do", "경기도 안양시": "Anyang-si, Gyeonggi-do",
               "부산광역시 중구": "Jung-gu, Busan"}
    assert [b["title"] for b in m.buttons] == [english[label] for label in labels]
    assert [b["payload"] for b in m.buttons] == ["/inform" + json.dumps({"programme_region": label}, ensure_ascii=False)
                                                 for label in labels]
    programme = re.search(r"'([^']+)'", m.text)
    assert programme is not None and not HANGUL.search(m.text.replace(programme.group(1), "")), m.text
    assert "; ".join(english[label] for label in labels) in m.text  # one place's commas, "; " between places


@pytest.mark.parametrize(("lang", "stop"), [("ko", "취소"), ("en", "cancel")])
def test_a_stop_at_the_region_question_drops_it(engine: MessageProcessor, sender: str, lang: str, stop: str) -> None:
    assert responses(say(engine, QUESTIONS[lang], sender)) == ["utter_ask_programme_region"]
    t = say(engine, stop, sender)
    assert responses(t) == ["utter_region_question_dropped"], [m.text for m in t.messages]
    assert ("제출" not in t.messages[0].text) and ("submitted" not in t.messages[0].text)
    later = say(engine, "Anyang" if lang == "en" else "안양이요", sender)  # no longer an answer to the question
    assert not any(c for m in later.messages for c in m.custom.get("citations", [])), [m.text for m in later.messages]
    # "안양이요" alone says where the citizen lives (s44: kept, and said back); a bare English name does not
    assert engine.load(sender).get_slot("programme_region") == (None if lang == "en" else "경기도 안양시")


def assert_region_documents(answered: Turn, doc_id: str) -> None:
    """The turn answers from the documents, citing ``doc_id`` first, with that region's documents (every paper of its
    list, none of the other region's) rather than an overview."""
    assert responses(answered) == ["action_answer_from_knowledge"], [m.text for m in answered.messages]
    m = answered.messages[0]
    assert m.custom["citations"][0]["doc_id"] == doc_id, m.custom["citations"]
    other = next(k for k in PAPERS if k != doc_id)
    own_word, other_word = PAPERS[doc_id].split()[0], PAPERS[other].split()[0]
    assert own_word in m.text and other_word not in m.text, m.text
    assert all(paper in m.text for paper in PAPERS[doc_id].split(", ")), m.text  # the documents, not an overview


@pytest.mark.parametrize(("lang", "aspect", "place", "doc_id"), [
    ("ko", "구비서류는요?", "안양이요", "T-ANY"),
    ("ko", "필요한 서류는 뭐예요?", "옥천군에 살아요", "T-OKC"),
    ("en", "what documents do I need?", "Anyang", "T-ANY"),
])
def test_an_aspect_asked_at_the_region_question_is_answered_for_the_region(engine: MessageProcessor, sender: str, lang: str,
                                                                            aspect: str, place: str, doc_id: str) -> None:
    """Session 17: "구비서류는요?" while the region was asked got "찾지 못했어요" (the follow-up knew no service: the
    latest answer was the region question). The question is asked again, with the aspect joined to it, and the
    region's answer gives that region's documents (its own list, not the other region's)."""
    assert responses(say(engine, QUESTIONS[lang], sender)) == ["utter_ask_programme_region"]
    again = say(engine, aspect, sender)
    assert responses(again) == ["utter_ask_programme_region"], [m.text for m in again.messages]
    assert_region_documents(say(engine, place, sender), doc_id)


@pytest.mark.parametrize(("lang", "reply", "doc_id"), [
    ("ko", "안양인데 서류 뭐 필요해요?", "T-ANY"),
    ("ko", "옥천군 살아요. 구비서류는요?", "T-OKC"),
    ("en", "I live in Anyang, what documents do I need?", "T-ANY"),
])
def test_a_region_with_an_aspect_answers_that_aspect_for_the_region(engine: MessageProcessor, sender: str, lang: str,
                                                                     reply: str, doc_id: str) -> None:
    """Session 32: the region and an aspect in one reply ("안양인데 서류 뭐 필요해요?") answered the programme's overview for
    the region (the aspect was dropped); the aspect is joined to the pending question, as when it is asked first."""
    assert responses(say(engine, QUESTIONS[lang], sender)) == ["utter_ask_programme_region"]
    assert_region_documents(say(engine, reply, sender), doc_id)
    assert engine.load(sender).get_slot("programme_region") == {"T-ANY": "경기도 안양시", "T-OKC": "충청북도 옥천군"}[doc_id]
