"""Whether the documents answer a question does not depend on whose it is: a question that names the person by a
family word and an age is judged as the question without them when both rank the same first page
(:meth:`assistant.dialogue.knowledge_base.RetrievalKnowledge._judged_without_person`).

s49 probe on the real catalogue: "70살 어머니 치매 검사 무료로 받을 수 있나요" ranked 치매진단(감별)검사비 지원 first,
yet abstained (70, 살, 어머니 are on no page about a test), while "치매 검사 무료로 받을 수 있나요" was answered. The
titles are read from the catalogue's list."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.nlu.household import without_person_words
from shared_paths import GOV24_DIR


def _titles(*words: str) -> dict[str, str]:
    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))["data"]
    return {str(r["서비스ID"]): str(r["서비스명"]) for r in rows if all(w in str(r["서비스명"]) for w in words)}


@pytest.mark.parametrize(("text", "asked"), [
    ("70살 어머니 치매 검사 무료로 받을 수 있나요", "치매 검사 무료로 받을 수 있나요"),
    ("우리 엄마가 치매인데 기저귀 지원 있어요?", "치매인데 기저귀 지원 있어요?"),
    ("시어머니께서 75세이신데 백내장 수술비 지원", "백내장 수술비 지원"),
    ("70대 아버지 보청기 지원", "보청기 지원"),
    ("딸기 농가 장인정신 지원", "딸기 농가 장인정신 지원"),  # no family word inside another word
    ("65세 이상 폐렴구균 예방접종", "65세 이상 폐렴구균 예방접종"),  # a bound, not a person's age
])
def test_the_words_that_say_who_the_person_is(text: str, asked: str) -> None:
    assert without_person_words(text) == asked


def test_a_question_about_a_relative_is_answered_as_the_question_itself(gov24_settings: Any, gov24_router: Any) -> None:
    """Through the conversation engine: the dementia test programme is cited first (answered, or its region asked
    among the regions' dementia programmes); through the first router, a dementia programme is answered."""
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    tests, dementia = _titles("치매", "검사"), _titles("치매")
    assert tests  # the catalogue's dementia test programmes
    text = "70살 어머니 치매 검사 무료로 받을 수 있나요"
    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    first = p.handle_message(UserMessage("person-words", text, "rest", {})).messages[0]
    cited = [c["doc_id"] for c in first.custom.get("citations") or []]
    assert cited and cited[0] in tests and set(cited) <= set(dementia), first.text
    assert first.custom.get("response") in ("action_answer_from_knowledge", "utter_ask_programme_region"), first.text
    turn = gov24_router.handle(UserMessage("person-words-router", text, "rest", {}))
    assert turn.answer is not None and not turn.answer.abstained and turn.answer.citations[0].doc_id in dementia


def test_a_relative_does_not_make_an_unanswered_question_answered(gov24_router: Any) -> None:
    """No catalogue service is about hearing aids (보청기, none in a title): the question stays unanswered."""
    assert not _titles("보청기")
    turn = gov24_router.handle(UserMessage("person-words-none", "70대 아버지 보청기 지원", "rest", {}))
    assert turn.answer is None or turn.answer.abstained, turn.messages[0].text
