"""A button's words typed as text answer the question that shows it (assistant.dialogue.typed_buttons; fresh-user
test s7, defect 1: "네, 취소할게요" typed under "…신청을 취소할까요?" was read as "stop" and the application stayed).

The sweep reads every response of the bundled domain that has buttons with intent payloads (every confirmation the
domain can ask: cancel an application, stop alerts, apply, MyData consent, revoke …, and the form's yes/no questions),
in every language variant, and types each title (with its spacing and punctuation changed) under it. The engine tests
go through the trained bundled NLU and the real task back end."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.events import BotUttered, Event, UserUttered
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.typed_buttons import offered_button, typed_button, typed_button_parse
from assistant.nlu.tokenizer import KoreanTokenizer

DOMAIN = Path(__file__).resolve().parents[2] / "intents" / "domain.yml"
TOKENIZER = KoreanTokenizer()


def _variants_with_buttons() -> list[tuple[str, int, str, list[dict[str, str]]]]:
    """(response, variant index, text, buttons) for every variant of intents/domain.yml whose buttons have payloads."""
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]
    out = []
    for name, variants in responses.items():
        for i, v in enumerate(variants):
            buttons = [b for b in v.get("buttons") or [] if str(b.get("payload", "")).startswith("/")]
            if buttons:
                out.append((name, i, str(v.get("text", "")), buttons))
    return out


VARIANTS = _variants_with_buttons()


def _asked(text: str, buttons: list[dict[str, str]]) -> list[Event]:
    return [UserUttered("...", {}), BotUttered(text, {"buttons": buttons})]


def _retyped(title: str) -> list[str]:
    """The title as people type it: without its punctuation, with a full stop or "!", with doubled spaces."""
    bare = re.sub(r"[,.!]", "", title)
    return [title, bare, f"{bare}.", f"{bare}!", bare.replace(" ", "  "), title.upper() if title.isascii() else title]


def test_the_sweep_covers_every_confirmation_the_domain_asks() -> None:
    names = {n for n, *_ in VARIANTS}
    # the confirmations of the domain's rules (tests/dialogue/test_answers_and_confirmations.py reads them from rules.yml)
    assert {"utter_task_confirm_cancel", "utter_task_checklist", "utter_mydata_offer", "utter_mydata_confirm_revoke",
            "utter_alerts_confirm_unsubscribe", "utter_alerts_offer", "utter_mydata_ask_again"} <= names
    yes_titles = {b["title"] for *_, bs in VARIANTS for b in bs if b["payload"] == "/affirm"}
    assert {"네, 취소할게요", "Yes, cancel it", "네, 중단할게요", "Yes, stop them", "네, 신청할게요", "동의합니다", "철회합니다"} <= yes_titles


@pytest.mark.parametrize(("name", "index", "text", "buttons"), VARIANTS, ids=[f"{n}[{i}]" for n, i, *_ in VARIANTS])
def test_every_button_title_typed_is_that_button(name: str, index: int, text: str, buttons: list[dict[str, str]]) -> None:
    events = _asked(text, buttons)
    for b in buttons:
        if sum(re.sub(r"\W", "", o["title"]).casefold() == re.sub(r"\W", "", b["title"]).casefold() for o in buttons) > 1:
            continue  # two buttons with one title: the NLU decides
        for typed in _retyped(b["title"]):
            got = typed_button(typed, events, TOKENIZER)
            assert got is not None and got["payload"] == b["payload"], (name, typed, got)


def _restated_yes(title: str) -> str | None:
    """The yes button's action in other words: "네, 취소할게요" → "네 취소해 주세요", "Yes, stop them" → "yes please,
    stop them now"; None for a title that names no action after its yes word ("예", "동의합니다")."""
    korean = re.match(r"^(네|예),?\s+([가-힣]{2})", title)
    english = re.match(r"^Yes,?\s+([A-Za-z ]+)$", title)
    if korean:
        return f"{korean.group(1)} {korean.group(2)}해 주세요"
    return f"yes please, {english.group(1).lower()} now" if english else None


RESTATABLE = [(n, i, t, bs) for n, i, t, bs in VARIANTS
              if any(b["payload"] == "/affirm" and _restated_yes(b["title"]) for b in bs)]


def test_the_restated_yes_sweep_covers_the_confirmations() -> None:
    assert {"utter_task_confirm_cancel", "utter_task_checklist", "utter_alerts_confirm_unsubscribe",
            "utter_alerts_offer"} <= {n for n, *_ in RESTATABLE}


@pytest.mark.parametrize(("name", "index", "text", "buttons"), RESTATABLE, ids=[f"{n}[{i}]" for n, i, *_ in RESTATABLE])
def test_a_yes_that_restates_the_yes_button_is_the_yes(name: str, index: int, text: str, buttons: list[dict[str, str]]) -> None:
    """"네 취소해 주세요" under "네, 취소할게요": the yes word, then the button's action in other words → the /affirm button."""
    yes = next(b for b in buttons if b["payload"] == "/affirm")
    typed = _restated_yes(yes["title"])
    assert typed is not None
    got = typed_button(typed, _asked(text, buttons), TOKENIZER)
    assert got is not None and got["payload"] == "/affirm", (name, typed, got)


CANCEL_KO = ("접수번호 TK-20261130-GC9HK9R5 (미혼모 의료비 지원, 현재 접수됨) 신청을 취소할까요? 취소하면 되돌릴 수 없어요.",
             [{"title": "네, 취소할게요", "payload": "/affirm"}, {"title": "아니요", "payload": "/deny"}])
STOP_EN = ("Shall I stop the benefit alerts and delete the facts kept for them?",
           [{"title": "Yes, stop them", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}])


@pytest.mark.parametrize(("asked", "typed", "payload"), [
    (CANCEL_KO, "네 취소해 주세요", "/affirm"),
    (CANCEL_KO, "네, 신청 철회해 주세요", "/affirm"),  # 신청 is in the question
    (CANCEL_KO, "아니요 취소하지 마세요", "/deny"),
    (CANCEL_KO, "네, 취소하지 마세요", None),  # a yes with a negated rest is no yes
    (CANCEL_KO, "네 근데 취소하면 환불돼요?", None),  # a question after the yes is a question
    (CANCEL_KO, "네 오늘 날씨 좋네요", None),  # the rest says nothing of the question
    (CANCEL_KO, "취소", None),  # no yes word, no title: the NLU decides
    (CANCEL_KO, "yes cancel it", None),  # not this question's button
    (STOP_EN, "yes please stop them", "/affirm"),
    (STOP_EN, "Yes, stop", "/affirm"),
    (STOP_EN, "no don't stop them", "/deny"),
    (STOP_EN, "yes but what is this?", None),
])
def test_yes_or_no_with_a_restatement(asked: tuple[str, list[dict[str, str]]], typed: str, payload: str | None) -> None:
    got = typed_button(typed, _asked(*asked), TOKENIZER)
    assert (got or {}).get("payload") == payload, got


def test_only_the_previous_turn_s_buttons_count() -> None:
    text, buttons = CANCEL_KO
    events: list[Event] = [*_asked(text, buttons), UserUttered("에너지바우처가 뭐예요?", {}), BotUttered("에너지바우처는 …", {})]
    assert typed_button("네, 취소할게요", events, TOKENIZER) is None


def test_a_consent_notice_is_not_restated_by_any_word_of_it() -> None:
    """The MyData offer asks no "?" question: only its yes button's own words restate it."""
    notice = "주민등록표 등본과 건강보험 자격득실 확인서를 가져와 자격 확인에만 써요.\n\n동의 여부를 분명하게 알려 주세요."
    buttons = [{"title": "동의합니다", "payload": "/affirm"}, {"title": "동의하지 않습니다", "payload": "/deny"}]
    assert typed_button("네, 등본만요", _asked(notice, buttons), TOKENIZER) is None
    assert (typed_button("네, 동의해요", _asked(notice, buttons), TOKENIZER) or {}).get("payload") == "/affirm"
    assert (typed_button("동의하지 않습니다.", _asked(notice, buttons), TOKENIZER) or {}).get("payload") == "/deny"


def _response(name: str, lang: str) -> tuple[str, list[dict[str, str]]]:
    """The text and buttons of ``name``'s English ("en") or Korean (unconditioned) variant in intents/domain.yml."""
    for v in yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"][name]:
        if ("condition" in v) == (lang == "en"):
            return str(v["text"]), list(v["buttons"])
    raise AssertionError(name)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_yes_to_an_offer_presses_its_one_button(lang: str) -> None:
    """Case C02: "먼저 받을 수 있는 혜택을 확인해 볼까요?" over one button "혜택 자격 확인하기"."""
    got = offered_button(_asked(*_response("utter_alerts_need_facts", lang)), TOKENIZER)
    assert (got or {}).get("payload") == "/check_eligibility"


@pytest.mark.parametrize(("text", "buttons"), [
    # the button does not restate the question: a yes to "anything else?" is no handoff
    ("다른 것도 도와드릴까요?", [{"title": "상담원 연결", "payload": "/human_handoff"}]),
    # two buttons restate it: which one the yes means is not known
    ("혜택을 확인해 볼까요?", [{"title": "혜택 확인", "payload": "/check_eligibility"},
                          {"title": "혜택 알림 확인", "payload": "/subscribe_alerts"}]),
    # a yes button: the NLU's affirm reaches it by itself
    ("혜택을 확인해 볼까요?", [{"title": "네, 확인할게요", "payload": "/affirm"}, {"title": "혜택 확인", "payload": "/check_eligibility"}]),
    # no question asked
    ("혜택 자격을 확인할 수 있어요.", [{"title": "혜택 자격 확인하기", "payload": "/check_eligibility"}]),
    # only a no restates it
    ("확인을 그만할까요?", [{"title": "그만 확인", "payload": "/deny"}]),
])
def test_a_yes_presses_no_button_it_does_not_single_out(text: str, buttons: list[dict[str, str]]) -> None:
    assert offered_button(_asked(text, buttons), TOKENIZER) is None


def test_a_yes_presses_the_button_a_message_marks_as_its_offer() -> None:
    """A knowledge answer marks its eligibility-check button (``custom.offers``); it asks no "?" question."""
    buttons = [{"title": "받을 수 있는지 확인하기", "payload": "/check_eligibility"}]
    events: list[Event] = [UserUttered("...", {}),
                           BotUttered("에너지바우처 안내예요.", {"buttons": buttons, "custom": {"offers": ["check_eligibility"]}})]
    assert (offered_button(events, TOKENIZER) or {}).get("payload") == "/check_eligibility"
    unmarked: list[Event] = [UserUttered("...", {}), BotUttered("에너지바우처 안내예요.", {"buttons": buttons})]
    assert offered_button(unmarked, TOKENIZER) is None


def test_only_a_yes_presses_the_offered_button() -> None:
    text, buttons = _response("utter_alerts_need_facts", "ko")
    nlu = {"intent": {"name": "affirm", "confidence": 0.46}, "entities": []}

    def payload(p: str) -> dict[str, Any]:
        return {"intent": {"name": p.lstrip("/"), "confidence": 1.0}, "entities": []}

    assert typed_button_parse("👍", _asked(text, buttons), TOKENIZER, nlu, payload)["intent"]["name"] == "check_eligibility"
    other = {"intent": {"name": "deny", "confidence": 0.9}, "entities": []}
    assert typed_button_parse("아니요", _asked(text, buttons), TOKENIZER, other, payload) is other


# --- through the engine: cancelling an application with the button's words typed -------------------------------

MIHONMO = "420000000161"  # 미혼모 의료비 지원


@pytest.fixture
def tasks(bundled_settings, bundled_router, tmp_path):  # type: ignore[no-untyped-def]
    """An engine whose apply/cancel flow talks to the real task back end on uvicorn (skips without the catalogue)."""
    from live_server import LiveServer  # type: ignore[import-not-found]
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    from assistant.app_state import build_processor
    from assistant.dialogue.sdk import SdkActionExecutor
    from assistant.knowledge.loaders import load_gov24
    from assistant.stores.trackers import SQLTrackerStore
    from connectors.tasks.actions import TaskContext, make_actions
    from connectors.tasks.checklist import ChecklistSource
    from connectors.tasks.service import create_app as tasks_app
    from connectors.tasks.store import ApplicationStore

    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    catalogue = [d for d in load_gov24(GOV24_DIR) if d.doc_id == MIHONMO]
    store = ApplicationStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    with LiveServer(tasks_app(store=store, checklists=ChecklistSource.fixed(catalogue))) as live:
        settings = bundled_settings.model_copy(update={"connector_actions": "", "tasks_url": live.url, "connector_timeout": 5.0,
                                                       "tasks_applicant_secret": "test-secret-" + "s" * 40})
        executor = SdkActionExecutor(make_actions(TaskContext(settings, catalogue=ChecklistSource.fixed(catalogue))))
        yield build_processor(settings, bundled_router, SQLTrackerStore("sqlite://"), executor=executor), store
    store.db.dispose()


def say(p: MessageProcessor, text: str, sender: str = "c1", **metadata: Any) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", dict(metadata)))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def receipt_of(turn: Turn) -> str:
    m = re.search(r"TK-\d{8}-[0-9A-Z]{8}", "\n".join(m.text for m in turn.messages))
    assert m, [m.text for m in turn.messages]
    return m.group(0)


@pytest.mark.parametrize(("lang", "apply_yes", "ask", "typed"), [
    ("ko", "네, 신청할게요", "신청 취소하고 싶어요", "네, 취소할게요"),
    ("ko", "네 신청할게요", "신청 취소하고 싶어요", "네 취소해 주세요"),
    ("en", "Yes, apply", "please withdraw my application", "yes cancel it"),
])
def test_typing_the_buttons_applies_and_cancels(tasks, lang: str, apply_yes: str, ask: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    import json

    p, store = tasks
    say(p, "안녕하세요" if lang == "ko" else "Hello")  # a button's payload keeps the conversation's language
    shown = say(p, f"/apply_service{json.dumps({'service_id': MIHONMO})}", message_id="m-0")
    assert responses(shown) == ["utter_task_checklist"]
    submitted = say(p, apply_yes, message_id="m-1")
    assert submitted.messages[-1].custom.get("response") == "utter_task_submitted", responses(submitted)
    receipt = receipt_of(submitted)
    asked = say(p, ask)
    assert responses(asked) == ["utter_task_confirm_cancel"], responses(asked)
    done = say(p, typed)
    assert responses(done) == ["utter_task_cancelled"], [m.text for m in done.messages]
    assert store.get(receipt).state == "cancelled"
    user = [e for e in p.tracker_state("c1")["events"] if e["event"] == "user"][-1]
    assert user["text"] == typed and user["parse_data"]["intent"]["name"] == "affirm"
    assert user["parse_data"]["typed_button"] in {b["title"] for b in asked.messages[0].buttons}


def test_a_negated_yes_under_the_cancel_question_cancels_nothing(tasks) -> None:  # type: ignore[no-untyped-def]
    import json

    p, store = tasks
    say(p, f"/apply_service{json.dumps({'service_id': MIHONMO})}")
    receipt = receipt_of(say(p, "네, 신청할게요", message_id="m-1"))
    assert responses(say(p, "신청 취소하고 싶어요")) == ["utter_task_confirm_cancel"]
    t = say(p, "아니요, 취소하지 마세요")
    assert responses(t) == ["utter_task_not_cancelled"], responses(t)
    assert store.get(receipt).state == "submitted"
