"""Session 6 fresh-user defects (items 4, 5, 7, 8, 12, 13, 14, 15; /work/agent-notes/s6-fresh-full.md), through the
real engine on the bundled corpus (its eligibility connector asks the small test catalogue of
tests/engine_catalogue.py), the real REST server and a real uvicorn, in Korean and English."""

from __future__ import annotations

import io
import logging
import re
import threading
import time
from typing import Any

import httpx
import pytest
import yaml
from dbservers import free_port  # type: ignore[import-not-found]
from fastapi.testclient import TestClient

from assistant.dialogue.eligibility_route import topic_terms
from assistant.dialogue.holding import holding_turn
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.nlu.pii import find_pii
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.server.app import create_app
from assistant.stores.masking import mask_reply, mask_text

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 45 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

URL = "/webhooks/rest/webhook"
GENERAL = {"ko": "제가 받을 수 있는 혜택이 뭐가 있나요?", "en": "What benefits can I get?"}


def say(p: MessageProcessor, text: str, sender: str = "s1", **metadata: Any) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", dict(metadata)))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def loop(p: MessageProcessor, sender: str = "s1") -> str | None:
    return (p.tracker_state(sender)["active_loop"] or {}).get("name")


# --- item 5: "can I get …" about one kind of help is answered from the documents ------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("제가 받을 수 있는 혜택이 뭐가 있나요?", []),
    ("우리 어머니가 받을 수 있는 지원이 있나요?", []),
    ("What benefits could my mother get?", []),
    ("연탄값 지원되나요", ["연탄", "값"]),
    ("Is there any help with heating costs for elderly people?", ["heating", "costs", "elderly"]),
    # an everyday verb for a life event is the topic (s13): 낳 "give birth", 키우 "raise"; 애 and 지원금 stay general
    ("애 낳으면 지원금 있어요?", ["낳"]),
    ("애 키우는데 받을 수 있는 거 있어요?", ["키우"]),
])
def test_topic_terms_tell_a_general_question_from_one_about_a_kind_of_help(text: str, expected: list[str]) -> None:
    assert topic_terms(text, [], KoreanTokenizer()) == expected


def test_person_entities_are_not_a_topic() -> None:
    text = "부산 사는 67세인데 받을 수 있는 혜택 있나요?"
    ents = [{"entity": "region", "start": 0, "end": 2}, {"entity": "age", "start": 6, "end": 9}]
    assert text[0:2] == "부산" and text[6:9] == "67세"
    assert topic_terms(text, ents, KoreanTokenizer()) == []


def test_a_can_i_get_question_about_one_kind_of_help_is_answered_with_citations_and_the_check_offered(processor) -> None:  # type: ignore[no-untyped-def]
    # Its topic words decide, not the classifier's confidence (under the .6 action threshold before s11-nlu's annotations, .62 after: either way an
    # answer from the documents with the check offered, never the questionnaire straight away).
    t = say(processor, "연탄값 지원되나요")
    assert t.intent["name"] == "check_eligibility"
    assert responses(t) == ["action_answer_from_knowledge"] and loop(processor) is None
    m = t.messages[0]
    assert any("연탄" in c["title"] for c in m.custom["citations"]), m.custom["citations"]
    assert [b["payload"] for b in m.buttons] == ["/check_eligibility"]
    started = say(processor, m.buttons[0]["payload"])  # the offer starts the questionnaire
    assert loop(processor) == "eligibility_form" and responses(started)[-1] == "utter_ask_age"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_general_question_still_starts_the_questionnaire(processor, lang: str) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, GENERAL[lang])
    assert loop(processor) == "eligibility_form" and responses(t)[-1] == "utter_ask_age"


@pytest.mark.parametrize(("text", "title"), [("유치원 다니는 4살 아이 학비 지원 받을 수 있나요?", "유아학비"),
                                             ("Can I get the energy voucher?", "에너지바우처")])
def test_a_one_shot_question_never_ends_with_a_questionnaire_question(processor, text: str, title: str) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, text, one_shot=True)
    assert loop(processor) is None and not any(str(r).startswith("utter_ask_") for r in responses(t)), responses(t)
    assert any(title in c["title"] for c in t.to_json()["citations"]), t.to_json()


def test_a_one_shot_general_question_is_not_a_questionnaire(processor) -> None:  # type: ignore[no-untyped-def]
    t = say(processor, GENERAL["ko"], one_shot=True)
    assert loop(processor) is None and not any(str(r).startswith("utter_ask_") for r in responses(t)), responses(t)


def test_assistant_ask_sends_one_shot_messages(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from assistant import cli

    seen: list[UserMessage] = []

    class Engine:
        def handle_message(self, message: UserMessage) -> Turn:
            seen.append(message)
            return Turn((), "ko", {"name": "check_eligibility", "confidence": 1.0})

    monkeypatch.setattr(cli, "_processor", lambda progress=True, filters=None: Engine())
    assert cli.main(["ask", "--json", "연탄값 지원되나요"]) == 0
    assert [m.metadata.get("one_shot") for m in seen] == [True]


@pytest.mark.parametrize(("text", "title"), [("에너지바우처 받을 수 있나요?", "에너지바우처"), ("연탄 쿠폰 받을 수 있나요", "연탄쿠폰"),
                                             ("Can I get the energy voucher?", "에너지바우처")])
def test_without_eligibility_data_a_named_service_is_answered_from_its_documents(make_processor, text: str,
                                                                                 title: str) -> None:  # type: ignore[no-untyped-def]
    p = make_processor(eligibility_url=None)  # the bundled corpus alone: no catalogue, no eligibility service
    t = say(p, text)
    assert "utter_eligibility_no_catalogue" not in responses(t) and loop(p) is None
    assert any(title in c["title"] for c in t.to_json()["citations"]), t.to_json()
    assert not t.messages[0].buttons  # no check to offer here
    general = say(p, GENERAL["ko"], sender="s2")  # the general question still says plainly it cannot check here
    assert responses(general) == ["utter_eligibility_no_catalogue"]


def test_without_a_catalogue_applying_for_a_named_service_says_how_from_its_documents(make_processor) -> None:  # type: ignore[no-untyped-def]
    p = make_processor(eligibility_url=None, tasks_url=None)  # the bundled corpus alone: nothing can be applied for here
    t = say(p, "에너지바우처 신청할래요")
    assert t.intent["name"] == "apply_service"
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    assert any("에너지바우처" in c["title"] for c in t.messages[0].custom["citations"])
    assert p.tracker_state("s1")["slots"].get("task_pending") is None


def test_without_a_catalogue_applying_by_another_name_says_how_from_its_documents(make_processor) -> None:  # type: ignore[no-untyped-def]
    """s36 probe: "전세임대 신청하고 싶어요" (기존주택 전세임대주택 지원사업's page says how) got "이 도우미에서는 신청을
    받지 않는 서비스예요 … '전세임대 신청 방법'이라고 물어봐 주세요"; and for a service the documents lack, that
    suggested question only found nothing."""
    p = make_processor(eligibility_url=None, tasks_url=None)
    t = say(p, "전세임대 신청하고 싶어요")
    assert responses(t) == ["action_answer_from_knowledge"], [m.text for m in t.messages]
    assert t.messages[0].custom["citations"][0]["title"] == "기존주택 전세임대주택 지원사업"
    assert "[신청 방법]" in t.messages[0].text
    lacking = say(p, "긴급복지 지원 신청하고 싶어요", sender="s2")
    # s44: no service of that name was found (not "not taken here", as if the assistant knew it)
    assert responses(lacking) == ["utter_task_name_not_found"], [m.text for m in lacking.messages]
    assert "신청 방법'이라고" not in lacking.messages[0].text and "110" in lacking.messages[0].text


# --- item 4: a question while a confirmation is pending; a yes or a stop with nothing pending -----------------

MIHONMO = "420000000161"  # 미혼모 의료비 지원 in the real catalogue (its 구비서류 make the checklist)


@pytest.fixture
def tasks(bundled_settings, bundled_router, tmp_path):  # type: ignore[no-untyped-def]
    """An engine whose apply flow talks to the real task back end on uvicorn (skips without the real catalogue)."""
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
    catalogue = [d for d in load_gov24(GOV24_DIR)]
    store = ApplicationStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    with LiveServer(tasks_app(store=store, checklists=ChecklistSource.fixed(catalogue))) as live:
        settings = bundled_settings.model_copy(update={"connector_actions": "", "tasks_url": live.url, "connector_timeout": 5.0,
                                                       "tasks_applicant_secret": "test-secret-" + "s" * 40})
        executor = SdkActionExecutor(make_actions(TaskContext(settings, catalogue=ChecklistSource.fixed(catalogue))))
        title = next(d.title for d in catalogue if d.doc_id == MIHONMO)
        yield build_processor(settings, bundled_router, SQLTrackerStore("sqlite://"), executor=executor), store, title
    store.db.dispose()


@pytest.mark.parametrize(("lang", "apply", "question", "yes"), [
    ("ko", "{title} 신청할래요", "에너지바우처 신청 방법이 궁금해요", "네"),
    ("en", "I want to apply for {title}", "How do I apply for the energy voucher?", "yes"),
])
def test_a_question_before_confirming_is_answered_then_the_confirmation_is_asked_again(
        tasks, lang: str, apply: str, question: str, yes: str) -> None:  # type: ignore[no-untyped-def]
    p, store, title = tasks
    shown = say(p, apply.format(title=title))
    assert responses(shown) == ["utter_task_checklist"], [m.text for m in shown.messages]
    asked = shown.messages[-1]
    for q in (question, question):  # twice: each question is answered and the confirmation asked again
        t = say(p, q)
        assert responses(t) == ["action_answer_from_knowledge", "utter_task_checklist"], responses(t)
        assert t.messages[0].custom["citations"] and t.messages[-1].text == asked.text
        assert t.messages[-1].custom.get("repeated") is True and t.messages[-1].buttons == asked.buttons
        assert store.count() == 0
    done = say(p, yes)
    assert responses(done) == ["utter_task_submitted"] and store.count() == 1
    again = say(p, yes)  # nothing pending any more
    assert responses(again) == ["utter_nothing_to_confirm"] and store.count() == 1


def test_cancel_while_a_confirmation_is_pending_says_what_stopped(tasks) -> None:  # type: ignore[no-untyped-def]
    p, store, title = tasks
    say(p, f"{title} 신청할래요")
    t = say(p, "취소")
    assert responses(t) == ["utter_cancelled"] and "제출된 것은 없어요" in t.messages[0].text and store.count() == 0


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_yes_with_nothing_pending_says_nothing_was_done(processor, lang: str) -> None:  # type: ignore[no-untyped-def]
    yes, stop = ("네", "취소") if lang == "ko" else ("yes", "cancel")
    t = say(processor, yes)
    assert responses(t) == ["utter_nothing_to_confirm"]
    assert ("없어서" in t.messages[0].text) if lang == "ko" else ("nothing was submitted" in t.messages[0].text)
    t = say(processor, stop)
    assert responses(t) == ["utter_nothing_in_progress"]


def test_confirming_actions_are_read_from_the_rules(processor) -> None:  # type: ignore[no-untyped-def]
    from assistant.dialogue.confirmation import confirming_actions
    from assistant.nlu.project import load_project

    rules = load_project(processor.settings.intents_dir).rules
    got = confirming_actions(rules)
    assert {"action_prepare_application", "action_prepare_cancellation", "action_revoke_consent",
            "action_offer_unsubscribe_alerts"} <= got
    assert not {"action_submit_application", "action_cancel_application"} & got  # results of a yes, not questions


# --- item 13: after a handoff and /resume the old questionnaire does not come back ---------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
def test_handoff_ends_the_questionnaire_and_resume_starts_fresh(processor, lang: str) -> None:  # type: ignore[no-untyped-def]
    say(processor, GENERAL[lang])
    say(processor, "67세예요" if lang == "ko" else "I am 67 years old")
    assert loop(processor) == "eligibility_form"
    say(processor, "상담원 연결해 주세요" if lang == "ko" else "I want to talk to a person")
    state = processor.tracker_state("s1")
    assert state["paused"] is True and loop(processor) is None and state["slots"]["age"] == 67
    processor.resume("s1")
    t = say(processor, "안녕하세요" if lang == "ko" else "hello")
    assert responses(t) == ["utter_greet"], responses(t)


# --- item 12: the personal-data warning is stored -----------------------------------------------------------

def test_the_warning_is_in_the_tracker_the_story_and_the_handoff_transcript(bundled_settings, bundled_router,
                                                                            make_processor, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    p = make_processor(home=tmp_path)  # its own handoff queue file
    with TestClient(create_app(bundled_settings, router=bundled_router, processor=p)) as c:
        first = c.post(URL, json={"sender": "w1", "message": "제 주민번호는 900101-1234567입니다. 연탄 쿠폰 받을 수 있나요?"}).json()
        assert first[0]["custom"]["response"] == "utter_pii_warning" and len(first) >= 2
        events = c.get("/conversations/w1/tracker").json()["events"]
        bots = [e for e in events if e["event"] == "bot"]
        assert bots[0]["text"] == first[0]["text"] and bots[0]["data"]["custom"]["response"] == "utter_pii_warning"
        assert "900101-1234567" not in json.dumps(events, ensure_ascii=False)
        steps = yaml.safe_load(c.get("/conversations/w1/story").text)["stories"][0]["steps"]
        names = [s.get("action") or s.get("intent") for s in steps if "action" in s or "intent" in s]
        assert names.index("utter_pii_warning") == names.index(first[1]["custom"]["response"]) - 1
        again = c.post(URL, json={"sender": "w1", "message": "다시 말해 주세요"}).json()  # repeat: the answer, not the warning
        assert "utter_pii_warning" not in [m["custom"].get("response") for m in again]
        c.post(URL, json={"sender": "w1", "message": "상담원 연결해 주세요"})
    record = json.loads((tmp_path / "handoff" / "queue.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    texts = [x["text"] for x in record["transcript"] if x["role"] == "bot"]
    assert first[0]["text"] in texts
    assert not any("1234567" in x["text"] for x in record["transcript"])


# --- item 14: a message id used again with other text --------------------------------------------------------

def test_a_redelivered_message_id_with_different_text_is_409(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(bundled_settings, router=bundled_router, processor=make_processor())) as c:
        body = {"sender": "r9", "message": "제 번호는 010-2345-6789예요. 연탄 쿠폰 받을 수 있나요", "message_id": "m-1"}
        a = c.post(URL, json=body)
        assert a.status_code == 200
        assert c.post(URL, json=body).json() == a.json()  # the same text: the stored reply
        other = c.post(URL, json={**body, "message": "안녕하세요"})
        assert other.status_code == 409 and "m-1" in other.json()["detail"] and "different" in other.json()["detail"]
        users = [e for e in c.get("/conversations/r9/tracker").json()["events"] if e["event"] == "user"]
        assert len(users) == 1  # nothing of the conflicting delivery was stored


# --- item 8: ids that look like numbers are not personal data ----------------------------------------------

@pytest.mark.parametrize("stamp", ["20261130-030435-9511-835052", "20251231-235959-1-000000", "20260101-000000-123456-999999"])
def test_a_catalogue_version_is_not_an_account_number(stamp: str) -> None:
    assert find_pii(stamp) == [] and find_pii(f"version {stamp}.") == []
    reply = {"custom": {"eligibility": {"eligible": 3, "catalogue_version": stamp}}, "text": f"catalogue {stamp}"}
    assert mask_reply(reply) == reply


@pytest.mark.parametrize("text", ["계좌 110-234-567890 으로 보내 주세요", "국민은행 123-45-678901", "카드 4111-1111-1111-1111"])
def test_real_account_and_card_numbers_are_still_masked(text: str) -> None:
    spans = find_pii(text)
    assert [s.kind for s in spans] in (["account"], ["card"]) and "<" in mask_text(text)


# --- item 7: the access log of a real server ---------------------------------------------------------------

def test_the_access_log_shows_no_query_values(bundled_settings, bundled_router, make_processor) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from assistant.logging_config import configure_logging

    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging(stream=stream)
    port = free_port()
    app = create_app(bundled_settings, router=bundled_router, processor=make_processor())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        secret = "web-e70ffc47-1b2c-4d5e-8f90-123456789abc"
        httpx.get(f"{base}/webhooks/rest/pending?sender={secret}", timeout=10)
        httpx.get(f"{base}/mydata/callback?code=AUTHCODE123&state=STATE456", timeout=10)
        httpx.get(f"{base}/health?ticket=TICKET789", timeout=10)
    finally:
        server.should_exit = True
        thread.join(10)
        for h in list(root.handlers):
            root.removeHandler(h)
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])
    log = stream.getvalue()
    assert re.search(r'GET /webhooks/rest/pending\?sender=… HTTP/1\.1" \d{3}', log), log[-2000:]
    assert "/mydata/callback?code=…&state=…" in log and "/health?ticket=…" in log
    for value in (secret, "e70ffc47", "AUTHCODE123", "STATE456", "TICKET789"):
        assert value not in log


# --- item 15: cosmetic ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "age", "correction", "said"), [
    ("ko", "65세예요", "아니요, 나이는 67세예요", "알겠어요, 나이를 67세로 고쳤어요."),
    ("en", "I am 65 years old", "no, I am actually 67 years old", "Got it, I've changed your age to 67."),
])
def test_an_age_correction_says_the_unit(processor, lang: str, age: str, correction: str, said: str) -> None:  # type: ignore[no-untyped-def]
    say(processor, GENERAL[lang])
    say(processor, age)
    say(processor, "서울에 살아요" if lang == "ko" else "I live in Seoul")
    t = say(processor, correction)
    assert responses(t)[0] == "utter_corrected_age" and t.messages[0].text == said
    assert processor.tracker_state("s1")["slots"]["age"] == 67


@pytest.mark.parametrize(("text", "meta", "conversation", "expected"), [
    ("How do I apply for the energy voucher?", "ko", "en", "en"),   # an English message on a Korean page
    ("에너지바우처 신청 방법", "en", "ko", "ko"),
    ("12345", "ko", "en", "ko"),                                    # no letters: the page's language
    ("12345", None, "en", "en"),                                    # no letters, no page: the conversation's
    ("/affirm", "ko", "en", "en"),                                  # a button: the conversation's
])
def test_the_holding_reply_follows_the_language_of_the_message(processor, text: str, meta: str | None,
                                                                conversation: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    msg = UserMessage("h", text, "rest", {"language": meta} if meta else {})
    turn = holding_turn(processor.domain, msg, "m-1", conversation)
    assert turn.language == expected and turn.messages[0].custom["language"] == expected


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_restart_says_so(processor, lang: str) -> None:  # type: ignore[no-untyped-def]
    say(processor, GENERAL[lang])
    t = say(processor, "/restart")
    assert responses(t)[0] == "utter_restart" and t.messages[0].text
    assert loop(processor) is None
