"""The task conversation (connectors/tasks/actions.py) over the real task back end on uvicorn, with the
trained bundled NLU: apply with the 구비서류 checklist and a yes, idempotent confirmation, status, cancel,
isolation between conversations, English, and a back end that is down, slow or answers garbage."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import LateAnswers, LiveServer  # type: ignore[import-not-found]
from shared_paths import GOV24_DIR  # type: ignore[import-not-found]
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from assistant.dialogue.events import SlotSet
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.dialogue.sdk import SdkActionExecutor
from assistant.errors import StoreUnavailableError
from assistant.knowledge.documents import Document
from assistant.settings import Settings
from assistant.stores.trackers import SQLTrackerStore
from connectors.tasks.actions import TaskContext, make_actions
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.dialogue import applicant_id_for
from connectors.tasks.service import create_app
from connectors.tasks.store import ApplicationStore

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 45 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

MIHONMO = "420000000161"  # 미혼모 의료비 지원: cases (공통/산전관리비/분만비) and an office-checked 주민등록등본
NK = "449000000114"  # 벼 이삭(NK)비료 지원: 주민등록등본, 소득금액증명원(…), 경영체 등록증
MYDATA_KO = "공공 마이데이터로 받을 수 있어요"
OFFICIAL_KO = "담당 기관이 직접 확인해요"


@pytest.fixture(scope="module")
def catalogue() -> list[Document]:
    """The real catalogue's documents (skips when ../shared/data is absent)."""
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.loaders import load_gov24

    return load_gov24(GOV24_DIR)


@dataclass
class Backend:
    url: str
    store: ApplicationStore

    def move(self, receipt: str, to: str) -> None:
        """The sandbox back office decides."""
        httpx.post(f"{self.url}/applications/{receipt}/transition", json={"to": to}, timeout=5).raise_for_status()


#: The deployment secret the conversations' applicant keys are derived from in these tests.
SECRET = "test-secret-" + "s" * 40


@pytest.fixture
def backend(catalogue: list[Document], tmp_path: Path) -> Iterator[Backend]:
    store = ApplicationStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    with LiveServer(create_app(store=store, checklists=ChecklistSource.fixed(catalogue))) as live:
        yield Backend(live.url, store)
    store.db.dispose()


def _processor(bundled_settings: Settings, bundled_router: Any, catalogue: list[Document], url: str,
               tracker_store: SQLTrackerStore | None = None, today: dt.date | None = None,
               **overrides: Any) -> MessageProcessor:
    from assistant.app_state import build_processor

    settings = bundled_settings.model_copy(update={"connector_actions": "", "tasks_url": url, "connector_timeout": 2.0,
                                                   "tasks_applicant_secret": SECRET,
                                                   "connector_retries": 2, **overrides})
    clock = {} if today is None else {"today": lambda: today}
    executor = SdkActionExecutor(make_actions(TaskContext(settings, catalogue=ChecklistSource.fixed(catalogue), **clock)))
    return build_processor(settings, bundled_router, tracker_store or SQLTrackerStore("sqlite://"), executor=executor)


@pytest.fixture
def conv(bundled_settings: Settings, bundled_router: Any, catalogue: list[Document], backend: Backend) -> MessageProcessor:
    return _processor(bundled_settings, bundled_router, catalogue, backend.url)


def say(p: MessageProcessor, text: str, sender: str = "c1", **metadata: Any) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", dict(metadata)))


def text(turn: Turn) -> str:
    return "\n".join(m.text for m in turn.messages)


def responses(turn: Turn) -> list[str]:
    return [str(m.custom.get("response")) for m in turn.messages]


def set_slots(p: MessageProcessor, sender: str, **slots: Any) -> None:
    """Slots as the eligibility flow would leave them (appended to the conversation's events)."""
    say(p, "안녕하세요", sender)
    p.tracker_store.append(sender, [SlotSet(k, v).to_json() for k, v in slots.items()])


def slot(p: MessageProcessor, name: str, sender: str = "c1") -> Any:
    return p.tracker_state(sender)["slots"].get(name)


def receipt_of(turn: Turn) -> str:
    import re

    m = re.search(r"TK-\d{8}-[0-9A-Z]{8}", text(turn))
    assert m, text(turn)
    return m.group(0)


# --- apply --------------------------------------------------------------------------------------------


#: (service id, agency, updated) read by hand off gov24_serviceList_snapshot.json (소관기관명, 수정일시)
CITED = [(MIHONMO, "강원특별자치도 강릉시", "2026-05-07"), (NK, "충청남도 천안시", "2026-05-08")]


@pytest.mark.parametrize(("service_id", "agency", "updated"), CITED)
@pytest.mark.parametrize(("ask", "language"), [("{} 신청할래요", "ko"), ("{} 신청하고 싶어요", "ko"), ("I want to apply for {}", "en")])
def test_the_checklist_cites_the_service_it_quotes(conv: MessageProcessor, catalogue: list[Document], service_id: str,
                                                   agency: str, updated: str, ask: str, language: str) -> None:
    """Fresh-user s10 #21: the checklist quotes the catalogue's 구비서류, so it cites the service there (it had none)."""
    title = next(d.title for d in catalogue if d.doc_id == service_id)
    shown = say(conv, ask.format(title), f"cite-{service_id}-{language}")
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    [message] = shown.messages
    assert message.custom["citations"] == [{"doc_id": service_id, "title": title, "agency": agency,
                                            "url": f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{service_id}",
                                            "section": "구비서류", "updated_at": updated}]
    assert message.custom["abstained"] is False


def test_apply_shows_the_checklist_and_a_yes_submits_one_application(conv: MessageProcessor, backend: Backend,
                                                                      catalogue: list[Document]) -> None:
    title = next(d.title for d in catalogue if d.doc_id == MIHONMO)
    assert [d.doc_id for d in catalogue if d.title == title] == [MIHONMO]  # the name is unambiguous
    # the service is 강릉시's (its residents only): the citizen lives there (s44: this was 서울특별시, and submitted)
    set_slots(conv, "c1", age=24.0, income_pct=45.0, region="강원특별자치도")
    shown = say(conv, f"{title} 신청할래요")
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    body = text(shown)
    # the lines, written by hand from the record's 구비서류 (gov24_serviceDetail_snapshot.json)
    for line in ("- [공통] 신분증", "- [공통] 혼인관계증명서 (상세)", "- [산전관리비] 임신확인서", "- [분만비] 출생증명서",
                 f"- 주민등록등본 — {OFFICIAL_KO}"):
        assert line in body.splitlines() or any(x.startswith(line) for x in body.splitlines()), line
    assert "직접 준비하실 서류: 신분증, 혼인관계증명서, 가족관계증명서, 임신확인서, 진료비영수증, 상세내역서, 출생증명서, 영수증" in body
    assert [b["payload"] for b in shown.messages[0].buttons] == ["/affirm", "/deny"]
    assert backend.store.count() == 0  # nothing before the yes

    done = say(conv, "/affirm", message_id="m-yes")
    receipt = receipt_of(done)
    assert responses(done) == ["utter_task_submitted"] and "접수번호" in text(done)
    assert backend.store.count() == 1
    app = backend.store.get(receipt, applicant_id_for("c1", SECRET.encode()))
    assert app.service_id == MIHONMO and app.service_name == title
    assert app.facts == {"age": 24, "income_pct_median": 45.0, "region": "강원특별자치도"}
    assert [(c["name"], c["provided"]) for c in app.checklist][-1] == ("주민등록등본", "official")
    assert {c["provided"] for c in app.checklist[:-1]} == {"pending"}
    assert slot(conv, "last_receipt") == receipt and slot(conv, "task_pending") is None

    again = say(conv, "/affirm", message_id="m-yes")  # the channel redelivers the confirming message
    assert again.replayed and receipt_of(again) == receipt and backend.store.count() == 1


BRIQUETTE = "145000000111"  # 연탄쿠폰: 신청기한 "2023.07.11~2023.08.25" (gov24_serviceDetail_snapshot.json)


def test_a_local_service_says_whose_residents_it_is_for_before_the_question(conv: MessageProcessor,
                                                                          catalogue: list[Document]) -> None:
    """s44 probe: 미혼모 의료비 지원 (강원특별자치도 강릉시, 소관기관명) was prepared and submitted for a citizen whose
    residence was never asked; the apply question now says whose residents it is for. A national service says none."""
    agency = next(d.agency for d in catalogue if d.doc_id == MIHONMO)
    assert agency == "강원특별자치도 강릉시"
    body = text(say(conv, f"/apply_service{json.dumps({'service_id': MIHONMO})}", "res-local"))
    note = f"이 서비스는 {agency}에서 운영하며 그곳 주민이 대상이에요."
    assert note in body and body.index(note) < body.index("이대로 신청을 접수할까요?"), body
    national = text(say(conv, f"/apply_service{json.dumps({'service_id': BRIQUETTE})}", "res-national"))
    assert "이대로 신청을 접수할까요?" in national and "그곳 주민이 대상" not in national, national


@pytest.mark.parametrize("region", ["서울특별시 관악구", "강원특별자치도 원주시"])
def test_a_local_service_is_not_taken_for_a_citizen_of_another_place(conv: MessageProcessor, backend: Backend,
                                                                     region: str) -> None:
    """Another 시·도, or another 시·군·구 of the same 시·도: no checklist, nothing stored."""
    sender = f"res-else-{region}"
    set_slots(conv, sender, programme_region=region)
    shown = say(conv, f"/apply_service{json.dumps({'service_id': MIHONMO})}", sender)
    assert responses(shown) == ["utter_task_other_region"], text(shown)
    assert "강원특별자치도 강릉시" in text(shown) and region in text(shown)
    assert backend.store.count() == 0 and slot(conv, "task_pending", sender) is None


def test_a_place_said_after_the_checklist_stops_the_submission(conv: MessageProcessor, backend: Backend) -> None:
    """s44 probe: "서울 관악구요" after 옥천군's checklist was "어떤 점을 도와드릴까요?" and the application waited for a
    yes; a yes now submits nothing for a citizen of another place."""
    sender = "res-after"
    shown = say(conv, f"/apply_service{json.dumps({'service_id': MIHONMO})}", sender)
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    told = say(conv, "서울 관악구요", sender)
    assert slot(conv, "programme_region", sender) == "서울특별시 관악구"
    assert responses(told) == ["utter_kept_region", "utter_task_other_region"], text(told)
    assert "강원특별자치도 강릉시" in text(told) and slot(conv, "task_pending", sender) is None
    done = say(conv, "/affirm", sender)
    assert "utter_task_submitted" not in responses(done), text(done)
    assert backend.store.count() == 0


def _same_name(catalogue: list[Document], name: str) -> dict[str, str]:
    """{서비스ID: agency} of the services whose title holds ``name``, spaces ignored (read off the catalogue here)."""
    wanted = name.replace(" ", "")
    return {d.doc_id: d.agency for d in catalogue if wanted in d.title.replace(" ", "")}


def _payload_ids(turn: Turn) -> set[str]:
    return {json.loads(b["payload"].split("/apply_service", 1)[1])["service_id"]
            for m in turn.messages for b in m.buttons or [] if b["payload"].startswith("/apply_service")}


def test_a_name_several_local_governments_run_asks_which_first(conv: MessageProcessor, backend: Backend,
                                                               catalogue: list[Document]) -> None:
    """s44 probe: "청년 월세 지원 받고 싶어요" went straight to 충청북도 옥천군's checklist (its title is exactly the name)
    though 경기도 안양시 runs "안양 청년 월세 지원"; the citizen's residence was unknown. The bodies are offered first,
    and a place said then chooses the one it serves."""
    same = _same_name(catalogue, "청년 월세 지원")
    assert sorted(same.values()) == ["경기도 안양시", "충청북도 옥천군"]
    asked = say(conv, "청년 월세 지원 받고 싶어요", "one-name")
    assert responses(asked) == ["utter_task_choose_place"], text(asked)
    assert _payload_ids(asked) == set(same) and "충청북도 옥천군" in text(asked) and "경기도 안양시" in text(asked)
    assert slot(conv, "task_pending", "one-name") is None
    shown = say(conv, "안양이요", "one-name")
    anyang = next(i for i, a in same.items() if a == "경기도 안양시")
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    assert slot(conv, "task_pending", "one-name")["service_id"] == anyang
    assert backend.store.count() == 0


def test_a_wish_for_a_kind_of_help_is_answered_where_applications_are_taken(conv: MessageProcessor, backend: Backend,
                                                                           catalogue: list[Document]) -> None:
    """s56 probe on the catalogue: "대학생 등록금 지원 받고 싶어요" (apply_service) names no service, and the application
    flow asked for a service name, which the citizen cannot know. Where applications can be taken too, the documents
    answer it, as they did where none can (s40): here the bundled page that speaks of 등록금."""
    import yaml

    text_said = "대학생 등록금 지원 받고 싶어요"
    assert not [d.title for d in catalogue if d.title in text_said]  # no catalogue title named
    bundled = Path(__file__).resolve().parents[2] / "knowledge" / "ko"
    pages = [p for p in bundled.glob("*.md") if "등록금" in p.read_text(encoding="utf-8")]
    ids = {str(yaml.safe_load(p.read_text(encoding="utf-8").split("---", 2)[1])["doc_id"]) for p in pages}
    turn = say(conv, text_said, "kind-of-help")
    assert "utter_task_ask_service_name" not in responses(turn) and "utter_task_ask_service" not in responses(turn)
    cited = [c["doc_id"] for c in turn.messages[0].custom.get("citations") or []]
    assert ids and cited[:1] and cited[0] in ids, (text(turn), cited)
    assert backend.store.count() == 0


def test_a_place_none_of_them_serves_takes_nothing(conv: MessageProcessor, backend: Backend) -> None:
    say(conv, "청년 월세 지원 받고 싶어요", "one-name-else")
    told = say(conv, "부산 살아요", "one-name-else")
    assert responses(told) == ["utter_kept_region", "utter_task_other_region"], text(told)
    assert "충청북도 옥천군" in text(told) and "경기도 안양시" in text(told) and "부산광역시" in text(told)
    assert slot(conv, "task_pending", "one-name-else") is None and backend.store.count() == 0


def test_a_known_place_goes_to_the_service_run_there(conv: MessageProcessor, catalogue: list[Document]) -> None:
    set_slots(conv, "one-name-known", programme_region="경기도 안양시")
    shown = say(conv, "청년 월세 지원 신청하고 싶어요", "one-name-known")
    anyang = next(i for i, a in _same_name(catalogue, "청년 월세 지원").items() if a == "경기도 안양시")
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    assert slot(conv, "task_pending", "one-name-known")["service_id"] == anyang


@pytest.mark.parametrize(("language", "note"), [
    ("ko", "신청 기간이 지났습니다 (2023.8.25까지)."), ("en", "The application period ended on 25 August 2023.")])
def test_applying_to_an_ended_window_says_so_before_the_question(bundled_settings: Settings, bundled_router: Any,
                                                                 catalogue: list[Document], backend: Backend,
                                                                 language: str, note: str) -> None:
    """F9: the apply flow never submits to an ended window without saying so: the note comes with the checklist,
    before the yes/no question, and nothing is stored before the yes."""
    p = _processor(bundled_settings, bundled_router, catalogue, backend.url, today=dt.date(2026, 12, 1))
    set_slots(p, "late", language=language)
    shown = say(p, f"/apply_service{json.dumps({'service_id': BRIQUETTE})}", "late")
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    body = text(shown)
    question = "Shall I submit the application?" if language == "en" else "이대로 신청을 접수할까요?"
    assert note in body and body.index(note) < body.index(question), body
    assert backend.store.count() == 0

    within = _processor(bundled_settings, bundled_router, catalogue, backend.url, today=dt.date(2023, 8, 25))
    set_slots(within, "early", language=language)
    open_ = text(say(within, f"/apply_service{json.dumps({'service_id': BRIQUETTE})}", "early"))
    assert question in open_ and "지났습니다" not in open_ and "period ended" not in open_, open_


class FailingOnce(SQLTrackerStore):
    """A tracker store whose next write fails (the turn's events are lost after its actions ran)."""

    fail_next = False

    def append(self, *args: Any, **kwargs: Any) -> int:
        if self.fail_next:
            self.fail_next = False
            raise StoreUnavailableError("tracker store went away")
        return super().append(*args, **kwargs)


def test_a_confirmation_redelivered_after_a_lost_turn_is_one_application(
        bundled_settings: Settings, bundled_router: Any, catalogue: list[Document], backend: Backend) -> None:
    trackers = FailingOnce("sqlite://")
    p = _processor(bundled_settings, bundled_router, catalogue, backend.url, tracker_store=trackers)
    say(p, f"/apply_service{json.dumps({'service_id': NK})}")
    trackers.fail_next = True
    lost = say(p, "/affirm", message_id="m-7")
    assert lost.error == "store_unavailable" and backend.store.count() == 1  # submitted, but the turn was not saved
    redelivered = say(p, "/affirm", message_id="m-7")  # same message id: the action runs again, same key
    assert not redelivered.replayed and responses(redelivered) == ["utter_task_submitted"]
    assert backend.store.count() == 1
    assert [a.receipt for a in backend.store.list(applicant_id_for("c1", SECRET.encode()))] == [receipt_of(redelivered)]
    other = say(p, f"/apply_service{json.dumps({'service_id': NK})}")  # a new intent to apply is a new application
    assert responses(other) == ["utter_task_checklist"]
    say(p, "/affirm", message_id="m-8")
    assert backend.store.count() == 2


def test_a_submission_with_every_log_level_on_is_logged(conv: MessageProcessor, backend: Backend,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    """With DEBUG on (``assistant serve --verbose``) the submission's log line used ``extra={"created": ...}``, a
    LogRecord attribute, so the logger raised KeyError and the citizen got the turn-failed apology (found when xdist
    ran this after a test that enabled DEBUG)."""
    caplog.set_level(logging.DEBUG)
    say(conv, f"/apply_service{json.dumps({'service_id': NK})}")
    done = say(conv, "/affirm")
    receipt = receipt_of(done)
    assert responses(done) == ["utter_task_submitted"] and backend.store.count() == 1
    [record] = [r for r in caplog.records if r.getMessage() == "application submitted"]
    assert record.newly_stored is True and record.service_id == NK  # type: ignore[attr-defined]
    assert receipt not in record.getMessage()


def test_a_no_submits_nothing(conv: MessageProcessor, backend: Backend) -> None:
    say(conv, f"/apply_service{json.dumps({'service_id': NK})}")
    no = say(conv, "/deny")
    assert responses(no) == ["utter_task_not_submitted"] and "접수하지 않았어요" in text(no)
    later_yes = say(conv, "/affirm")  # a yes to nothing: no application
    assert "utter_task_submitted" not in responses(later_yes)
    assert backend.store.count() == 0 and slot(conv, "task_pending") is None


def test_a_name_inside_a_longer_word_is_not_the_service_asked_for(conv: MessageProcessor, catalogue: list[Document]) -> None:
    """s45 probe: "용인시 출산지원금 신청하고 싶어요" found 출산지원서비스 (충주시, 서산시) by its name 출산지원, inside
    출산지원금, and was told it is not for 용인 residents; the catalogue has 용인시 출산지원금 지원."""
    [yongin] = [d.doc_id for d in catalogue if "용인시출산지원금" in d.title.replace(" ", "")]
    shown = say(conv, "용인시 출산지원금 신청하고 싶어요", "held-1")
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    assert slot(conv, "task_pending", "held-1")["service_id"] == yongin


def test_the_name_after_where_one_lives_is_the_service(conv: MessageProcessor, catalogue: list[Document]) -> None:
    """The name is the request's last words a title holds ("…사는데 출산지원금"), and the place known chooses among them."""
    [gangseo] = [d.doc_id for d in catalogue if "출산지원금" in d.title and d.agency == "부산광역시 강서구"]
    set_slots(conv, "held-2", programme_region="부산광역시 강서구")
    shown = say(conv, "출산지원금 신청할래요", "held-2")
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    assert slot(conv, "task_pending", "held-2")["service_id"] == gangseo
    # only the 시·도 known: its 시·군·구's versions are offered, never another 시·도's told it is not theirs
    busan = {d.doc_id for d in catalogue if "출산지원금" in d.title and d.agency.startswith("부산광역시 ")}
    assert len(busan) > 1
    set_slots(conv, "held-3", programme_region="부산광역시")
    offered = say(conv, "출산지원금 신청할래요", "held-3")
    assert _payload_ids(offered) == busan, text(offered)


@pytest.mark.parametrize(("repeat", "yes"), [("다시 말해줘", "네"), ("say that again", "yes")])
def test_a_yes_after_the_question_is_said_again_submits(conv: MessageProcessor, backend: Backend, repeat: str,
                                                      yes: str) -> None:
    """s45 probe: "다시 말해줘" said the checklist and "이대로 신청을 접수할까요?" again, and the yes to it was "지금
    확인을 기다리는 요청이 없어서 접수되거나 바뀐 것은 없어요"."""
    sender = f"repeat-{yes}"
    first = say(conv, f"/apply_service{json.dumps({'service_id': NK})}", sender)
    again = say(conv, repeat, sender)
    assert [m.text for m in again.messages] == [m.text for m in first.messages]
    done = say(conv, yes, sender)
    assert responses(done) == ["utter_task_submitted"], text(done)
    assert backend.store.count() == 1


def test_button_payload_loads_the_actions_by_name(make_processor: Any, backend: Backend,
                                                  gov24_details: dict[str, dict[str, Any]]) -> None:
    p = make_processor(connector_actions="connectors.tasks.actions", tasks_url=backend.url)
    shown = say(p, f"/apply_service{json.dumps({'service_id': NK})}")
    body = text(shown)
    assert "벼 이삭(NK)비료 지원" in body
    assert f"- 주민등록등본 — {MYDATA_KO}" in body.splitlines()
    assert f"- 소득금액증명원 (직불금 비수령 농가) — {MYDATA_KO}" in body.splitlines()
    assert "직접 준비하실 서류: 경영체 등록증" in body
    assert gov24_details[NK]["구비서류"].count(",") == 2  # three documents in the record, all three shown
    say(p, "/affirm", message_id="m-1")
    assert backend.store.count() == 1
    unknown = say(p, '/apply_service{"service_id": "000000000000"}')
    assert responses(unknown) == ["utter_task_unknown_service"]


def test_the_service_comes_from_the_eligibility_listing(conv: MessageProcessor, backend: Backend,
                                                        catalogue: list[Document]) -> None:
    names = {d.doc_id: d.title for d in catalogue if d.doc_id in (MIHONMO, NK)}
    listing = [{"service_id": sid, "service_name": names[sid]} for sid in (MIHONMO, NK)]
    set_slots(conv, "c1", eligible_services=listing)
    which = say(conv, "신청할게요")
    assert responses(which) == ["utter_task_ask_service"]
    assert [b["payload"] for b in which.messages[0].buttons] == [
        f"/apply_service{json.dumps({'service_id': s}, ensure_ascii=False)}" for s in (MIHONMO, NK)]
    picked = say(conv, "벼 이삭비료 지원 신청할래요")
    assert responses(picked) == ["utter_task_checklist"] and names[NK] in text(picked)
    assert slot(conv, "task_pending")["service_id"] == NK


# --- status and cancel ----------------------------------------------------------------------------------


def _apply(p: MessageProcessor, service_id: str, mid: str, sender: str = "c1") -> str:
    say(p, f"/apply_service{json.dumps({'service_id': service_id})}", sender)
    return receipt_of(say(p, "/affirm", sender, message_id=mid))


def test_status_by_receipt_and_as_a_list(conv: MessageProcessor, backend: Backend) -> None:
    first = _apply(conv, NK, "m-1")
    second = _apply(conv, MIHONMO, "m-2")
    one = say(conv, f"{first} 조회해 주세요")
    assert responses(one) == ["utter_task_status"] and first in text(one) and "접수됨" in text(one)
    backend.move(first, "in_review")
    assert "심사 중" in text(say(conv, f"접수번호 {first.lower()} 어떻게 됐어요?"))
    listed = say(conv, "신청한 거 어떻게 됐어요?")
    assert responses(listed) == ["utter_task_status_list"]
    lines = [line for line in text(listed).splitlines() if line.startswith("- TK-")]
    apps = backend.store.list(applicant_id_for("c1", SECRET.encode()))
    from datetime import UTC, datetime, timedelta

    def day(t: float) -> str:
        return (datetime.fromtimestamp(t, UTC) + timedelta(hours=9)).date().isoformat()

    assert lines == [f"- {second} 미혼모 의료비 지원: 접수됨 ({day(apps[0].created_at)})",
                     f"- {first} 벼 이삭(NK)비료 지원: 심사 중 ({day(apps[1].created_at)})"]
    assert responses(say(conv, "TK-20200101-00000000 조회해 주세요")) == ["utter_task_not_found"]


def test_cancel_with_confirmation_and_a_decided_one_cannot_be(conv: MessageProcessor, backend: Backend) -> None:
    first = _apply(conv, NK, "m-1")
    second = _apply(conv, MIHONMO, "m-2")
    ask = say(conv, "신청 취소하고 싶어요")
    assert responses(ask) == ["utter_task_confirm_cancel"] and second in text(ask)  # the latest one
    assert [b["payload"] for b in ask.messages[0].buttons] == ["/affirm", "/deny", f'/cancel_application{{"receipt": "{first}"}}']
    assert backend.store.get(second).state == "submitted"  # nothing before the yes
    done = say(conv, "/affirm")
    assert responses(done) == ["utter_task_cancelled"] and backend.store.get(second).state == "cancelled"
    backend.move(first, "in_review")
    backend.move(first, "approved")
    refused = say(conv, f"{first} 취소해 주세요")
    assert responses(refused) == ["utter_task_cannot_cancel"] and "승인됨" in text(refused)
    assert backend.store.get(first).state == "approved"
    assert responses(say(conv, "신청 취소하고 싶어요")) == ["utter_task_nothing_to_cancel"]
    again = say(conv, f"{second} 취소해 주세요")
    assert responses(again) == ["utter_task_already_cancelled"]


def test_a_no_keeps_the_application(conv: MessageProcessor, backend: Backend) -> None:
    receipt = _apply(conv, NK, "m-1")
    say(conv, f"{receipt} 취소해 주세요")
    assert responses(say(conv, "/deny")) == ["utter_task_not_cancelled"]
    assert backend.store.get(receipt).state == "submitted"


def test_another_conversation_can_neither_see_nor_cancel_it(conv: MessageProcessor, backend: Backend) -> None:
    receipt = _apply(conv, NK, "m-1", sender="owner")
    assert responses(say(conv, f"{receipt} 조회해 주세요", "stranger")) == ["utter_task_not_found"]
    assert responses(say(conv, f"{receipt} 취소해 주세요", "stranger")) == ["utter_task_not_found"]
    assert responses(say(conv, "/affirm", "stranger")) != ["utter_task_cancelled"]
    assert responses(say(conv, "신청한 거 어떻게 됐어요?", "stranger")) == ["utter_task_no_applications"]
    assert backend.store.get(receipt).state == "submitted"


def test_english_flow(conv: MessageProcessor, backend: Backend) -> None:
    which = say(conv, "I want to apply for a benefit")
    # no candidate to offer: asked for the name, not to "choose one below" (no buttons)
    assert which.language == "en" and responses(which) == ["utter_task_ask_service_name"]
    assert "Which service" in text(which) and "below" not in text(which) and not which.messages[0].buttons
    shown = say(conv, f"/apply_service{json.dumps({'service_id': NK})}")
    # the documents named in English where their kind is known, else in Korean marked so (task s9-fix item 2)
    assert "To prepare yourself: 경영체 등록증 (in Korean)" in text(shown)
    assert "- resident registration certificate (household) — available through Public MyData" in text(shown).splitlines()
    done = say(conv, "/affirm", message_id="e-1")
    receipt = receipt_of(done)
    assert f"Your receipt number is {receipt}" in text(done) and backend.store.count() == 1
    status = say(conv, f"what's the status of {receipt}?")
    assert responses(status) == ["utter_task_status"] and "submitted" in text(status)
    ask = say(conv, "please withdraw my application")
    assert responses(ask) == ["utter_task_confirm_cancel"] and "Shall I cancel" in text(ask)
    assert "has been cancelled" in text(say(conv, "/affirm")) and backend.store.get(receipt).state == "cancelled"


# --- the NLU keeps "stop" and "cancel my application" apart --------------------------------------------------


@pytest.mark.parametrize(("utterance", "intent"), [
    ("하던 거 멈춰 주세요", "cancel"), ("please stop this", "cancel"),
    ("제가 신청했던 거 취소하려고요", "cancel_application"), ("please withdraw my benefit application", "cancel_application"),
    ("제 신청 처리 상태가 궁금해요", "check_application_status"), ("what is the status of my benefit application", "check_application_status"),
])
def test_classifier_separates_the_task_intents(bundled_router: Any, bundled_settings: Settings, utterance: str,
                                               intent: str) -> None:
    top = bundled_router.nlu.parse(utterance).nlu.intent  # held-out phrasings, not in intents/nlu.yml
    assert (top.name, top.confidence >= bundled_settings.intent_threshold) == (intent, True)


@pytest.mark.parametrize("utterance", ["TK-20261129-ABCD1234 조회해 주세요", "tk-20261129-abcd1234로 신청한 거 취소해 줘"])
def test_receipt_numbers_are_entities(bundled_router: Any, utterance: str) -> None:
    ents = bundled_router.nlu.parse(utterance).to_rasa()["entities"]
    assert [(e["entity"], e["start"], e["end"]) for e in ents if e["entity"] == "receipt"] == [("receipt", 0, 20)]


def test_cancel_stops_while_cancel_application_cancels(conv: MessageProcessor, backend: Backend) -> None:
    receipt = _apply(conv, NK, "m-1")
    say(conv, f"/apply_service{json.dumps({'service_id': MIHONMO})}")
    stop = say(conv, "취소")
    # "취소" at the apply question, with an application on record: the question's "no" (nothing submitted), and the
    # earlier application is not cancelled (the reading of a bare stop word: assistant/dialogue/confirmation.py)
    assert responses(stop) == ["utter_task_not_submitted"] and backend.store.get(receipt).state == "submitted"
    assert backend.store.count() == 1
    assert responses(say(conv, "신청한 거 취소해 주세요")) == ["utter_task_confirm_cancel"]


def test_served_by_the_action_server_by_name() -> None:
    from assistant.dialogue.sdk import create_action_app, load_actions

    app = create_action_app(load_actions(["connectors.tasks.actions"], Settings()))
    with LiveServer(app) as live:
        names = [a["name"] for a in httpx.get(f"{live.url}/actions", timeout=5).json()]
    assert names == sorted(["action_prepare_application", "action_submit_application", "action_application_status",
                            "action_prepare_cancellation", "action_cancel_application", "action_task_declined",
                            "action_reconcile_mydata_documents"])
    assert "connectors.tasks.actions" in Settings.model_fields["connector_actions"].default.split(",")


# --- faults ---------------------------------------------------------------------------------------------------


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_back_end_down_is_a_polite_reply_with_a_handoff_offer(bundled_settings: Settings, bundled_router: Any,
                                                              catalogue: list[Document]) -> None:
    p = _processor(bundled_settings, bundled_router, catalogue, _closed_port_url())
    for message in (f"/apply_service{json.dumps({'service_id': NK})}", "신청한 거 어떻게 됐어요?", "신청 취소하고 싶어요"):
        turn = say(p, message)
        assert turn.error is None and responses(turn) == ["task_backend_failed"], text(turn)
        assert "상담원" in text(turn) and "http" not in text(turn)
        assert turn.messages[0].buttons[-1]["payload"] == "/human_handoff" and turn.messages[0].custom["handoff_offer"]
    events = p.tracker_store.load("c1")
    assert sum(1 for e in events if e["event"] == "user") == 3  # every turn kept
    assert slot(p, "task_pending") is None


def test_slow_back_end_then_try_again_is_still_one_application(bundled_settings: Settings, bundled_router: Any,
                                                               catalogue: list[Document], tmp_path: Path) -> None:
    store = ApplicationStore(f"sqlite:///{tmp_path / 'slow.db'}")
    slow = LateAnswers(create_app(store=store, checklists=ChecklistSource.fixed(catalogue)), "POST", "/applications",
                       delay=1.5, times=2)
    with LiveServer(slow) as live:
        p = _processor(bundled_settings, bundled_router, catalogue, live.url, connector_timeout=0.5, connector_retries=2)
        say(p, f"/apply_service{json.dumps({'service_id': NK})}")
        late = say(p, "/affirm", message_id="m-1")
        assert late.error is None and responses(late) == ["task_backend_failed"] and late.messages[0].custom["error"] == "timeout"
        assert [b["payload"] for b in late.messages[0].buttons] == ["/affirm", "/human_handoff"]
        assert store.count() == 1  # the back end stored it; the answer came too late
        retry = say(p, "/affirm", message_id="m-2")  # "try again": a new message, the same key
        assert responses(retry) == ["utter_task_submitted"]
        assert store.count() == 1 and receipt_of(retry) == store.list(applicant_id_for("c1", SECRET.encode()))[0].receipt
    store.db.dispose()


def test_giving_up_after_a_failed_attempt_does_not_claim_nothing_was_sent(
        bundled_settings: Settings, bundled_router: Any, catalogue: list[Document], tmp_path: Path) -> None:
    store = ApplicationStore(f"sqlite:///{tmp_path / 'slow.db'}")
    slow = LateAnswers(create_app(store=store, checklists=ChecklistSource.fixed(catalogue)), "POST", "/applications",
                       delay=1.5, times=2)
    with LiveServer(slow) as live:
        p = _processor(bundled_settings, bundled_router, catalogue, live.url, connector_timeout=0.5, connector_retries=2)
        say(p, f"/apply_service{json.dumps({'service_id': NK})}")
        say(p, "/affirm", message_id="m-1")
        assert responses(say(p, "/deny")) == ["utter_task_submission_unknown"]
    store.db.dispose()


def test_garbage_from_the_back_end_submits_nothing(bundled_settings: Settings, bundled_router: Any,
                                                   catalogue: list[Document], tmp_path: Path) -> None:
    store = ApplicationStore(f"sqlite:///{tmp_path / 'g.db'}")
    real = create_app(store=store, checklists=ChecklistSource.fixed(catalogue))
    garbage = FastAPI()

    @garbage.post("/applications")
    async def html() -> PlainTextResponse:
        return PlainTextResponse("<html>maintenance</html>", status_code=200)

    garbage.mount("/", real)  # everything else (the checklist) works
    with LiveServer(garbage) as live:
        p = _processor(bundled_settings, bundled_router, catalogue, live.url)
        say(p, f"/apply_service{json.dumps({'service_id': NK})}")
        turn = say(p, "/affirm", message_id="m-1")
        assert responses(turn) == ["task_backend_failed"] and turn.messages[0].custom["error"] == "error"
        assert "상담원" in text(turn) and store.count() == 0
    store.db.dispose()


def test_a_listed_service_this_back_end_cannot_take_points_to_its_official_page(conv: MessageProcessor) -> None:
    page = "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/000000000000"
    set_slots(conv, "c1", eligible_services=[{"service_id": "000000000000", "service_name": "어느 지자체 서비스", "url": page}])
    reply = say(conv, '/apply_service{"service_id": "000000000000"}')
    assert responses(reply) == ["utter_task_apply_elsewhere"]
    assert page in text(reply) and "어느 지자체 서비스" in text(reply)
    assert slot(conv, "task_pending") is None


@pytest.mark.parametrize("unsure", ["음.. 잘 모르겠는데", "모르겠어요"])
def test_an_unsure_answer_to_the_apply_question_asks_it_again(conv: MessageProcessor, backend: Backend,
                                                              unsure: str) -> None:
    """s44 probe: "음.. 잘 모르겠는데" at "이대로 신청을 접수할까요?" got the offer of help and the application was
    dropped unsaid; then "네 신청해주세요" was told nothing was waiting. Now it is said that nothing was done, and the
    question is asked again; a yes after it submits."""
    sender = f"unsure-{unsure}"
    say(conv, f"/apply_service{json.dumps({'service_id': NK})}", sender)
    again = say(conv, unsure, sender)
    assert responses(again)[0] == "utter_unclear_stop", [m.text for m in again.messages]
    assert "이대로 신청을 접수할까요?" in again.messages[-1].text
    assert backend.store.count() == 0 and slot(conv, "task_pending", sender) is not None
    done = say(conv, "/affirm", sender, message_id=f"m-{sender}")
    assert responses(done) == ["utter_task_submitted"] and backend.store.count() == 1


def test_an_unsure_yes_neither_submits_nor_cancels(conv: MessageProcessor, backend: Backend) -> None:
    """👍 as affirm at 0.499 (below ``consent_affirm_threshold``): asked once for a clear yes, then a no."""
    from weak_affirm import weak_affirm

    assert 0.499 < conv.settings.consent_affirm_threshold
    weak_affirm(conv, "👍", 0.499)
    say(conv, f"/apply_service{json.dumps({'service_id': NK})}")
    again = say(conv, "👍")
    assert responses(again) == ["clear_yes"] and [b["payload"] for b in again.messages[0].buttons] == ["/affirm", "/deny"]
    assert backend.store.count() == 0
    assert responses(say(conv, "👍")) == ["utter_task_not_submitted"] and backend.store.count() == 0
    assert slot(conv, "task_pending") is None
    # a clear yes after asking submits; an unsure yes to a cancellation, then a no, keeps it
    say(conv, f"/apply_service{json.dumps({'service_id': NK})}")
    say(conv, "👍")
    receipt = receipt_of(say(conv, "/affirm", message_id="m-9"))
    assert backend.store.count() == 1
    say(conv, f"{receipt} 취소해 주세요")
    assert responses(say(conv, "👍")) == ["clear_yes"]
    assert responses(say(conv, "/deny")) == ["utter_task_not_cancelled"]
    assert backend.store.get(receipt).state == "submitted"


def test_the_which_service_prompt_gives_an_example_from_the_loaded_catalogue(
        conv: MessageProcessor, catalogue: list[Document]) -> None:
    """Fresh-user report item 12: the prompt's example must be a service of the loaded catalogue (it was
    "기초연금 신청할래요", which the snapshot lacks, so saying it asked the same question again)."""
    import re

    titles = {d.title: d.doc_id for d in catalogue}
    assert "기초연금" not in titles  # the old example: not in the 1,097-service snapshot
    for opening, language, pattern in (("신청할게요", "ko", r'\(예: "(.+) 신청할래요"\)'),
                                       ("I want to apply for a benefit", "en", r'\(for example: "I want to apply for (.+)"\)')):
        which = say(conv, opening, sender=f"ex-{language}")
        assert responses(which) == ["utter_task_ask_service_name"] and which.language == language
        m = re.search(pattern, text(which))
        assert m is not None, text(which)
        example = m.group(1)
        assert example in titles and sum(d.title == example for d in catalogue) == 1
        # saying the example as the prompt suggests shows that service's checklist
        picked = say(conv, f"{example} 신청할래요", sender=f"ex-{language}")
        assert responses(picked) == ["utter_task_checklist"] and slot(conv, "task_pending", f"ex-{language}")["service_id"] == titles[example]


def test_a_name_said_otherwise_than_the_title_offers_the_titles_that_hold_its_words(
        conv: MessageProcessor, catalogue: list[Document]) -> None:
    """s51 probe: "산모 건강관리 서비스 신청하고 싶어요" was told "'산모 건강관리 서비스'라는 이름의 서비스는 … 찾지
    못했어요", though several local governments' 산모·신생아 건강관리 programmes are in the catalogue (no title holds the
    name as said). Those whose titles hold 산모 and 건강관리 are offered (read off the catalogue)."""
    import re

    holding = {d.doc_id for d in catalogue if "산모" in d.title and "건강관리" in re.sub(r"\s+", "", d.title)}
    assert len(holding) >= 2 and not any("산모건강관리서비스" in re.sub(r"\s+", "", d.title) for d in catalogue)
    turn = say(conv, "산모 건강관리 서비스 신청하고 싶어요", sender="word-wise")
    from connectors.tasks.actions import OFFERED_KEY

    offered = {s["service_id"] for m in turn.messages for s in m.custom.get(OFFERED_KEY) or []}
    assert responses(turn) != ["utter_task_name_not_found"], text(turn)
    assert offered and offered <= holding, (text(turn), offered)


def test_no_example_without_a_catalogue() -> None:
    from connectors.tasks.actions import _example
    from connectors.tasks.dialogue import ServiceNames

    assert ServiceNames(None).example() is None and _example(None, "ko") == "" and _example(None, "en") == ""


# --- ids typed by the citizen never leave their path segment (fresh-user test s9) ---------------------------

@pytest.mark.parametrize("typed", ["../../etc", "..", ".", "a/b", "x?y=1", "a#b", "a\\b", "%2e%2e/x", " "])
def test_a_typed_service_id_that_is_not_one_segment_is_an_unknown_service(conv: MessageProcessor, backend: Backend,
                                                                         typed: str) -> None:
    t = say(conv, f"/apply_service{json.dumps({'service_id': typed})}", sender=f"seg-{typed!r}")
    assert responses(t) == ["utter_task_unknown_service"], text(t)
    assert backend.store.count() == 0


def test_the_clients_refuse_such_ids_before_sending(backend: Backend) -> None:
    from connectors.resilience import path_segment
    from connectors.tasks.client import TasksClient
    from connectors.eligibility.catalogue import UnknownServiceError
    from connectors.tasks.store import ApplicationNotFoundError

    assert path_segment("TK-20261130-AB12CD34") == "TK-20261130-AB12CD34"
    assert path_segment("rest:a b") == "rest%3Aa%20b"
    assert path_segment("%2e%2e") == "%252e%252e"  # decoded once by the server: the literal text, not a dot segment
    with TasksClient(backend.url, timeout=2.0, retries=1) as client:
        with pytest.raises(UnknownServiceError, match="no such service"):
            client.checklist("../../etc")
        with pytest.raises(ApplicationNotFoundError, match="no such receipt"):
            client.status("../applications")
        with pytest.raises(ApplicationNotFoundError):
            client.cancel("a/b", applicant_id="x")
        with pytest.raises(UnknownServiceError):  # one segment, escaped, and answered by the real back end
            client.checklist("%2e%2e")


def _one(catalogue: list[Document], held: str, agency: str) -> str:
    """The 서비스ID of the one service whose title holds ``held`` (spaces ignored) run by ``agency``."""
    [found] = [i for i, a in _same_name(catalogue, held).items() if a == agency]
    return found


@pytest.mark.parametrize(("message", "held", "agency"), [
    # s45 probe: eight bodies' services offered although the request says where the citizen lives
    ("저 부산 강서구 사는데 출산지원금 신청할래요", "출산지원금", "부산광역시 강서구"),
    # the mother's place chooses among the services of that name
    ("어머니 대신 치매치료관리비 지원 신청하고 싶어요 남원 사세요", "치매치료관리비", "전북특별자치도 남원시"),
    # s45 probe: "수술비 지원", the name less its first word, found (통영형)어르신 인공관절 수술비 지원
    ("부산 사는데 인공달팽이관 수술비 지원 신청하려구요", "인공달팽이관", "부산광역시"),
])
def test_the_place_the_request_says_chooses_the_service(conv: MessageProcessor, catalogue: list[Document],
                                                       message: str, held: str, agency: str) -> None:
    shown = say(conv, message, "said-place")
    assert responses(shown) == ["utter_task_checklist"], text(shown)
    assert slot(conv, "task_pending", "said-place")["service_id"] == _one(catalogue, held, agency)


def test_a_name_many_places_run_asks_where_one_lives_first(conv: MessageProcessor, catalogue: list[Document],
                                                          backend: Backend) -> None:
    """s45 probe: "출산지원금 신청할래요" listed eight places' services; where the citizen lives is asked, and the place
    said next chooses (one served: its checklist; several: those; none: said so)."""
    holding = _same_name(catalogue, "출산지원금")
    assert len(set(holding.values())) > 5 and all(" " in a or a.endswith(("시", "도")) for a in holding.values())
    asked = say(conv, "출산지원금 신청할래요", "ask-place")
    assert responses(asked) == ["utter_task_ask_place"], text(asked)
    assert _payload_ids(asked) <= set(holding) and "어느 지역" in text(asked)
    shown = say(conv, "부산 강서구 살아요", "ask-place")
    assert responses(shown)[-1] == "utter_task_checklist", text(shown)
    assert slot(conv, "task_pending", "ask-place")["service_id"] == _one(catalogue, "출산지원금", "부산광역시 강서구")
    say(conv, "출산지원금 신청할래요", "ask-place-2")
    several = say(conv, "부산이요", "ask-place-2")
    assert responses(several)[-1] == "utter_task_ask_service", text(several)
    assert _payload_ids(several) == {i for i, a in holding.items() if a.startswith("부산광역시 ")}
    say(conv, "출산지원금 신청할래요", "ask-place-3")
    none = say(conv, "서울 종로구요", "ask-place-3")
    assert responses(none)[-1] == "utter_task_other_region", text(none)
    assert "서울특별시 종로구" in text(none) and backend.store.count() == 0


def test_a_word_before_the_name_is_not_part_of_it(conv: MessageProcessor, catalogue: list[Document]) -> None:
    """s45 probe: "그럼 청년도약계좌 신청해줘" was told "'그럼 청년도약계좌'라는 이름의 서비스는 …"."""
    assert not _same_name(catalogue, "청년도약계좌")
    told = say(conv, "그럼 청년도약계좌 신청해줘", "lead-word")
    assert responses(told) == ["utter_task_name_not_found"], text(told)
    assert "'청년도약계좌'" in text(told) and "그럼" not in text(told)


@pytest.mark.parametrize("yes", ["그래도 신청해 주세요", "신청해 주세요"])
def test_a_request_to_apply_that_names_nothing_at_the_question_is_the_yes(conv: MessageProcessor, backend: Backend,
                                                                          yes: str) -> None:
    """s45 probe: "그래도 신청해 주세요" at "이대로 신청을 접수할까요?" was told "'그래도'라는 이름의 서비스는 찾지
    못했어요", and the application kept waiting. It is read as the yes; a yes that is not an ``affirm`` is asked once
    for a clear one before anything is submitted (connectors/consent.py), and "네" then submits."""
    asked = say(conv, "연탄쿠폰 신청", f"yes-{yes}")
    assert responses(asked) == ["utter_task_checklist"], text(asked)
    again = say(conv, yes, f"yes-{yes}")
    assert responses(again) == ["clear_yes"] and backend.store.count() == 0, text(again)
    done = say(conv, "네", f"yes-{yes}")
    assert responses(done) == ["utter_task_submitted"], text(done)
    assert backend.store.count() == 1
