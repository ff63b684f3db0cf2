"""A bare stop ("취소", "cancel") read by what is waiting for it (assistant/dialogue/confirmation.py's table).

Fresh-user report: plain "취소" at the cancel-application question ("접수번호 … 신청을 취소할까요?") said "진행하던 것을
멈췄어요. 제출된 것은 없어요" — false (an application was submitted) and silent on whether it was cancelled. The kind:
a bare stop where a pending question or an application exists. Through the engine, with the real task back end
(uvicorn) and the real catalogue's checklist (skips without ../shared), Korean and English.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.dialogue.confirmation import echoed_stop_word
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

MIHONMO = "420000000161"  # 미혼모 의료비 지원 in the real catalogue (its 구비서류 make the checklist)
SAY = {
    "ko": {"apply": "{title} 신청할래요", "yes": "네", "cancel_app": "신청 취소해 주세요", "stop": "취소"},
    "en": {"apply": "I want to apply for {title}", "yes": "yes", "cancel_app": "cancel my application", "stop": "cancel"},
}
NOTHING_SUBMITTED = ("제출된 것은 없어요", "Nothing was submitted")


@pytest.mark.parametrize(("message", "question", "word"), [
    ("취소", "접수번호 TK-1 신청을 취소할까요? 취소하면 되돌릴 수 없어요.", "취소"),
    ("취소요", "접수번호 TK-1 신청을 취소할까요?", "취소"),
    ("취소해 주세요.", "접수번호 TK-1 신청을 취소할까요?", "취소"),
    ("그만", "알림을 그만 받을까요?", "그만"),
    ("cancel", "Shall I cancel application TK-1 (x, now submitted)?", "cancel"),
    ("Cancel it, please!", "Shall I cancel application TK-1?", "cancel"),
    ("취소", "이대로 신청을 접수할까요?", None),  # the apply question: a stop, not an echo
    ("cancel", "Shall I submit this application?", None),
    ("그만 물어보세요", "알림을 그만 받을까요?", None),  # more than the word
    ("", "신청을 취소할까요?", None),
])
def test_echoed_stop_word(message: str, question: str, word: str | None) -> None:
    assert echoed_stop_word(message, question) == word


@pytest.fixture(scope="module")
def backend(bundled_settings: Any) -> Iterator[tuple[Any, Any, str]]:
    """The task back end on uvicorn, its store, its executor and the title of 미혼모 의료비 지원."""
    from live_server import LiveServer  # type: ignore[import-not-found]
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    from assistant.dialogue.sdk import SdkActionExecutor
    from assistant.knowledge.loaders import load_gov24
    from connectors.tasks.actions import TaskContext, make_actions
    from connectors.tasks.checklist import ChecklistSource
    from connectors.tasks.service import create_app as tasks_app
    from connectors.tasks.store import ApplicationStore

    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    catalogue = list(load_gov24(GOV24_DIR))
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        store = ApplicationStore(f"sqlite:///{Path(tmp) / 'tasks.db'}")
        with LiveServer(tasks_app(store=store, checklists=ChecklistSource.fixed(catalogue))) as live:
            settings = bundled_settings.model_copy(update={"connector_actions": "", "tasks_url": live.url, "connector_timeout": 5.0,
                                                           "tasks_applicant_secret": "test-secret-" + "s" * 40})
            executor = SdkActionExecutor(make_actions(TaskContext(settings, catalogue=ChecklistSource.fixed(catalogue))))
            title = next(d.title for d in catalogue if d.doc_id == MIHONMO)
            yield (settings, executor, store), store, title
        store.db.dispose()


class _Talk:
    """One conversation (its own sender, so its own applicant at the back end) with the engine."""

    def __init__(self, processor: MessageProcessor, sender: str) -> None:
        self.processor, self.sender = processor, sender

    def __call__(self, text: str) -> Turn:
        return self.processor.handle_message(UserMessage(self.sender, text, "rest", {}))

    def slot(self, name: str) -> Any:
        return self.processor.load(self.sender).get_slot(name)


@pytest.fixture
def engine(backend: Any, bundled_router: Any, request: pytest.FixtureRequest) -> tuple[_Talk, Any, str]:
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    (settings, executor, _), store, title = backend
    p = build_processor(settings, bundled_router, SQLTrackerStore("sqlite://"), executor=executor)
    return _Talk(p, request.node.name), store, title


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def _submitted(say: _Talk, store: Any, title: str, lang: str) -> str:
    """Apply and say yes: the receipt (stored as submitted)."""
    assert responses(say(SAY[lang]["apply"].format(title=title))) == ["utter_task_checklist"]
    assert responses(say(SAY[lang]["yes"])) == ["utter_task_submitted"]
    receipt = str(say.slot("last_receipt"))
    assert store.get(receipt).state == "submitted"
    return receipt


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_stop_at_the_cancel_question_is_unclear_asks_again_then_a_yes_cancels(engine: Any, lang: str) -> None:
    say, store, title = engine
    receipt = _submitted(say, store, title, lang)
    asked = say(SAY[lang]["cancel_app"])
    assert responses(asked) == ["utter_task_confirm_cancel"] and receipt in asked.messages[0].text
    t = say(SAY[lang]["stop"])
    assert responses(t) == ["utter_unclear_stop", "utter_task_confirm_cancel"], [m.text for m in t.messages]
    assert SAY[lang]["stop"] in t.messages[0].text
    assert not any(n in m.text for m in t.messages for n in NOTHING_SUBMITTED)
    again = t.messages[1]
    assert again.text == asked.messages[0].text and again.buttons == asked.messages[0].buttons
    assert store.get(receipt).state == "submitted"  # nothing done on the unclear word
    done = say(SAY[lang]["yes"])
    assert responses(done) == ["utter_task_cancelled"] and store.get(receipt).state == "cancelled"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_same_stop_again_is_a_no(engine: Any, lang: str) -> None:
    say, store, title = engine
    receipt = _submitted(say, store, title, lang)
    say(SAY[lang]["cancel_app"])
    assert responses(say(SAY[lang]["stop"]))[0] == "utter_unclear_stop"
    t = say(SAY[lang]["stop"])
    assert responses(t) == ["utter_task_not_cancelled"] and receipt in t.messages[0].text
    assert store.get(receipt).state == "submitted"
    assert responses(say(SAY[lang]["yes"])) != ["utter_task_cancelled"]  # nothing pending any more
    assert store.get(receipt).state == "submitted"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_bare_stop_with_an_application_and_nothing_pending_offers_to_cancel_it(engine: Any, lang: str) -> None:
    say, store, title = engine
    receipt = _submitted(say, store, title, lang)
    t = say(SAY[lang]["stop"])
    assert responses(t) == ["utter_task_confirm_cancel"] and receipt in t.messages[0].text, [m.text for m in t.messages]
    assert not any(n in t.messages[0].text for n in NOTHING_SUBMITTED)
    assert store.get(receipt).state == "submitted"  # asked, not done


def test_a_stop_at_the_apply_question_still_says_nothing_was_submitted(engine: Any) -> None:
    say, store, title = engine
    before = store.count()
    say(SAY["ko"]["apply"].format(title=title))
    t = say("취소")
    assert responses(t) == ["utter_cancelled"] and NOTHING_SUBMITTED[0] in t.messages[0].text and store.count() == before


@pytest.mark.parametrize(("lang", "stop"), [("ko", "그만"), ("en", "stop")])
def test_another_stop_word_at_the_cancel_question_says_it_was_not_cancelled(engine: Any, lang: str, stop: str) -> None:
    """Not the question's own verb: a stop, and the reply says what was not done (never "nothing was submitted")."""
    say, store, title = engine
    receipt = _submitted(say, store, title, lang)
    say(SAY[lang]["cancel_app"])
    t = say(stop)
    assert responses(t) == ["utter_task_not_cancelled"] and receipt in t.messages[0].text, [m.text for m in t.messages]
    assert store.get(receipt).state == "submitted"


def test_a_stop_at_a_second_apply_question_names_what_was_not_submitted(engine: Any) -> None:
    say, store, title = engine
    _submitted(say, store, title, "ko")
    before = store.count()
    say(SAY["ko"]["apply"].format(title=title))
    t = say("취소")
    assert responses(t) == ["utter_task_not_submitted"] and title in t.messages[0].text, [m.text for m in t.messages]
    assert not any(n in t.messages[0].text for n in NOTHING_SUBMITTED) and store.count() == before
