"""A question about a kind of help that no document answers gets the eligibility check offered (issue 2, s14 item 2).

"애 키우는데 받을 수 있는 거 있어요?" is check_eligibility about a kind of help (topic word 키우, s13): the route leaves
it to the documents, and on the catalogue home the answerability gate trusted none (the first hits are ten regions'
birth programmes: BM25 and dense disagree, the margin is small), so the citizen got ``utter_no_answer`` ("서비스 이름을
넣어서 다시 질문해 주시거나 …") although the questionnaire could still look for benefits. Now such a turn says that
no document answers and offers the check (a button), in both languages; other questions still abstain as before.

A small home of real catalogue records (../shared/data/gov24_benefits, read at test time; skipped without it), with
the gate's cut at 1.0 so that every retrieval abstains: this tests the turn after an abstention, not the gate.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.settings import Settings
from picked_catalogue import picked_documents, processor_over
from shared_paths import GOV24_DIR

PICK = {("출산지원금 지원", "부산광역시 강서구"), ("출산양육지원금 지원", "경상북도 성주군"), ("아이돌봄 서비스", "성평등가족부"),
        ("에너지바우처", "기후에너지환경부")}


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    """The bundled NLU over the picked catalogue records (a gov24 import: eligibility data exists), every answer
    abstaining (``abstain_threshold`` 1.0: the gate's probability is below 1)."""
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    docs = picked_documents(PICK)
    assert len(docs) == len(PICK), [(d.title, d.agency) for d in docs]
    return processor_over(bundled_settings, embedder, tmp_path_factory.mktemp("offer") / "home", docs, 1.0)


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


@pytest.mark.parametrize(("lang", "question", "words"), [
    ("ko", "애 키우는데 받을 수 있는 거 있어요?", ("찾지 못했어요", "받을 수 있는 혜택을 확인해 드릴게요")),
    ("ko", "애 키우는데 지원금 있나요?", ("찾지 못했어요", "받을 수 있는 혜택을 확인해 드릴게요")),
    ("en", "I'm raising a kid, is there any support?", ("couldn't find", "check which benefits you could get")),
])
def test_no_document_answers_a_kind_of_help_the_check_is_offered(engine: MessageProcessor, lang: str, question: str,
                                                                 words: tuple[str, ...],
                                                                 request: pytest.FixtureRequest) -> None:
    turn = say(engine, question, request.node.name)
    assert turn.intent["name"] == "check_eligibility"
    assert [m.custom.get("response") for m in turn.messages] == ["utter_no_answer_offer_check"], [m.text for m in turn.messages]
    m = turn.messages[0]
    assert all(w in m.text for w in words), m.text
    assert m.custom["language"] == lang and m.custom["abstained"] is True and m.custom["citations"] == []
    assert [b["payload"] for b in m.buttons] == ["/check_eligibility"]
    assert m.buttons[0]["title"] == ("받을 수 있는지 확인하기" if lang == "ko" else "Check whether I qualify")


@pytest.mark.parametrize("question", ["에너지바우처 신청 방법 알려주세요", "오늘 서울 날씨 어때요?"])
def test_other_questions_still_abstain_without_the_offer(engine: MessageProcessor, question: str,
                                                        request: pytest.FixtureRequest) -> None:
    """A question about a service (ask_service_info) or out of scope: no eligibility question, no offer."""
    turn = say(engine, question, request.node.name)
    assert [m.custom.get("response") for m in turn.messages] in (["utter_no_answer"], ["utter_out_of_scope"]), \
        [m.text for m in turn.messages]
    assert not turn.messages[0].buttons


def test_the_offered_button_starts_the_check(engine: MessageProcessor) -> None:
    """The button's payload is the route's own "/check_eligibility" (the questionnaire, not the documents again), and
    the check can run here (the home's store holds the catalogue's conditions): not "자격 확인을 할 수 없어요"."""
    say(engine, "애 키우는데 받을 수 있는 거 있어요?", "press")
    turn = say(engine, "/check_eligibility", "press")
    got = [m.custom.get("response") for m in turn.messages]
    assert "utter_no_answer" not in got and "utter_no_answer_offer_check" not in got
    assert "utter_eligibility_no_catalogue" not in got, [m.text for m in turn.messages]


# --- homes where the check cannot run (s15 item 3): nothing offers it ---------------------------------------------

def own_home(bundled_settings: Settings, embedder: Any, home: Any, store: bool) -> MessageProcessor:
    """The picked records imported into ``home`` with no eligibility service configured: the embedded check reads
    the catalogue's conditions from ``<home>/assistant.db`` (CatalogueSource.from_home). ``store`` False: that store
    is removed (an index copied alone, as /tmp/s14-rank-home), so the check cannot run there."""
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    p = processor_over(bundled_settings.model_copy(update={"eligibility_url": None}), embedder, home,
                       picked_documents(PICK), 1.0)
    if not store:
        for name in ("assistant.db", "assistant.db-wal", "assistant.db-shm"):
            (home / name).unlink(missing_ok=True)
    return p


def test_a_home_with_the_catalogue_in_its_store_offers_a_check_that_runs(
        bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    p = own_home(bundled_settings, embedder, tmp_path_factory.mktemp("stored") / "home", store=True)
    turn = say(p, "애 키우는데 받을 수 있는 거 있어요?", "stored")
    assert [m.custom.get("response") for m in turn.messages] == ["utter_no_answer_offer_check"]
    pressed = say(p, "/check_eligibility", "stored")
    assert "utter_eligibility_no_catalogue" not in [m.custom.get("response") for m in pressed.messages], \
        [m.text for m in pressed.messages]


def test_a_home_whose_store_lacks_the_catalogue_offers_no_check(
        bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Before: the offer, then "/check_eligibility" → utter_eligibility_no_catalogue ("아직 이곳에서는 자격 확인을 할 수
    없어요"). Now the dead end it is (utter_no_answer, no button), and a general question gets the honest reply."""
    from assistant.errors import ModelNotFoundError
    from connectors.eligibility.service import CatalogueSource

    storeless = own_home(bundled_settings, embedder, tmp_path_factory.mktemp("storeless") / "home", store=False)
    with pytest.raises(ModelNotFoundError):  # the premise: the embedded check has nothing to read there
        CatalogueSource.from_home(storeless.settings).load("")
    turn = say(storeless, "애 키우는데 받을 수 있는 거 있어요?", "storeless")
    assert [m.custom.get("response") for m in turn.messages] == ["utter_no_answer"], [m.text for m in turn.messages]
    assert not turn.messages[0].buttons
    general = say(storeless, "제가 받을 수 있는 혜택이 뭐가 있나요?", "storeless-general")
    assert [m.custom.get("response") for m in general.messages] == ["utter_eligibility_no_catalogue"]


def test_the_bundled_corpus_home_offers_no_check(make_processor: Any) -> None:
    """``./scripts/run.sh``'s home (the bundled corpus only, no catalogue): no check offered, in either language."""
    p = make_processor(eligibility_url=None)  # the session's engine has a test eligibility service; run.sh's has none
    for i, question in enumerate(["애 키우는데 받을 수 있는 거 있어요?", "I'm raising a kid, is there any support?",
                                  "기초연금 받을 수 있나요?"]):
        turn = say(p, question, f"bundled-{i}")
        for m in turn.messages:
            assert m.custom.get("response") != "utter_no_answer_offer_check", m.text
            assert "/check_eligibility" not in [b.get("payload") for b in m.buttons or []], m.text


# --- the real catalogue (all 1,097 services; the session's one import) -------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("question", ["애 키우는데 받을 수 있는 거 있어요?", "I'm raising a kid, is there any support?"])
def test_real_catalogue_everyday_child_raising_is_no_dead_end(gov24_settings: Settings, gov24_router: Any,
                                                              question: str) -> None:
    """On the whole catalogue the gate trusts no document for these (s14: utter_no_answer before); the reply is the
    check offered (or, should the ranking change, an answer or the region question), never the dead end."""
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    turn = say(p, question, "real")
    got = [m.custom.get("response") for m in turn.messages]
    assert got in (["utter_no_answer_offer_check"], ["action_answer_from_knowledge"], ["utter_ask_programme_region"]), got
    if got == ["utter_no_answer_offer_check"]:
        assert [b["payload"] for b in turn.messages[0].buttons] == ["/check_eligibility"]
