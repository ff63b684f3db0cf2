"""The MyData consent dialogue end to end: the conversation engine (trained bundled NLU), the connector actions
in-process, the real sandbox provider over HTTP, and the citizen's browser step (/mydata/authorize → the
sandbox's login page → /mydata/callback) driven like a browser would.

Expected values are computed here from the sandbox citizen's own data (connectors/mydata/citizens.py) and the
published 2026 기준 중위소득, not read from the code under test."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mydata_helpers import T0, FakeClock  # type: ignore[import-not-found]
from weak_affirm import weak_affirm

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor
from assistant.dialogue.sdk import SdkActionExecutor
from assistant.nlu.project import load_project
from assistant.nlu.stories import IntentStep, OrStep
from assistant.settings import Settings
from assistant.stores.trackers import SQLTrackerStore
from connectors.mydata.actions import actions as mydata_actions
from connectors.mydata.api import create_flow_router
from connectors.mydata.citizens import CITIZENS
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.sandbox import SandboxState
from connectors.mydata.scopes import ConsentError
from connectors.mydata.ticket import Ticket, secret_key, sign

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 45 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

REPO_INTENTS = Path(__file__).resolve().parents[2] / "intents"
#: The fact slots the lead adds to the domain for the eligibility form (simulated in a copy of intents/).
LEAD_SLOTS = {"sex": {"type": "categorical", "values": ["male", "female"]},
              **{n: {"type": "bool"} for n in ("disabled", "veteran", "single_person_household", "multi_child_household",
                                                "single_parent_family", "employed", "homeless_household")}}
#: 2026 기준 중위소득, 4-person household, KRW a month (보건복지부, 제77차 중앙생활보장위원회, 2025-08-01).
MEDIAN_2026_4 = 6_494_738
DAY = 86400


def _kst(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone(dt.timedelta(hours=9)))


def _age(birth: dt.date, on: dt.date) -> int:
    years = on.year - birth.year
    return years - 1 if (on.month, on.day) < (birth.month, birth.day) else years


@pytest.fixture(scope="module")
def lead_intents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """intents/ with the eligibility fact slots added (what the lead's branch brings)."""
    d = tmp_path_factory.mktemp("intents")
    for f in REPO_INTENTS.glob("*.yml"):
        shutil.copy(f, d / f.name)
    dom = yaml.safe_load((d / "domain.yml").read_text(encoding="utf-8"))
    for name, spec in LEAD_SLOTS.items():
        dom["slots"].setdefault(name, {**spec, "influence_conversation": False, "mappings": [{"type": "custom"}]})
    (d / "domain.yml").write_text(yaml.safe_dump(dom, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return d


class Chat:
    """One conversation: the engine, the connector, a browser (TestClient with cookies) and the sandbox."""

    def __init__(self, processor: MessageProcessor, connector: MyDataConnector, browser: TestClient,
                 sandbox: tuple[str, SandboxState], sender: str) -> None:
        self.p, self.c, self.browser, self.sandbox, self.sender = processor, connector, browser, sandbox, sender
        self.texts: list[str] = []

    def say(self, text: str, language: str | None = None) -> list[Any]:
        meta = {"language": language} if language else {}
        turn = self.p.handle_message(UserMessage(self.sender, text, "rest", meta))
        assert turn.error is None, turn
        self.texts += [m.text for m in turn.messages]
        return list(turn.messages)

    def slot(self, name: str) -> Any:
        return self.p.load(self.sender).get_slot(name)

    def stats(self) -> dict[str, Any]:
        return self.sandbox[1].stats()

    def authenticate(self, link_text: str, who: str = "sandbox-01", decision: str = "approve") -> httpx.Response:
        """Open the chat's link, log in at the sandbox's login page as ``who``, follow the redirect back."""
        link = re.search(r"https?://\S+/mydata/authorize\?ticket=[\w.\-]+", link_text)
        assert link, link_text
        r = self.browser.get("/mydata" + link.group(0).split("/mydata", 1)[1], follow_redirects=False)
        assert r.status_code == 302, r.text
        provider = r.headers["location"]
        assert provider.startswith(self.sandbox[0]) and "login_hint" not in provider
        page = httpx.get(provider)  # the sandbox's login page: pick a synthetic citizen
        assert page.status_code == 200 and "sandbox-01" in page.text
        hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="\?([^"]+)"', page.text)]
        chosen = next(h for h in hrefs if f"login_hint={who}" in h and ("decision=deny" in h) == (decision == "deny"))
        back = httpx.get(provider.split("?")[0] + "?" + chosen, follow_redirects=False)
        assert back.status_code == 302
        cb = urlsplit(back.headers["location"])
        assert cb.path == "/mydata/callback"
        response = self.browser.get(f"{cb.path}?{cb.query}")
        self.texts += [response.text]
        return response


@pytest.fixture
def make_chat(bundled_settings: Settings, bundled_router: Any, connector: MyDataConnector, sandbox: tuple[str, SandboxState],
              lead_intents: Path) -> Iterator[Any]:
    from assistant.app_state import build_processor
    from connectors.eligibility.actions import actions as eligibility_actions

    clients: list[TestClient] = []

    def make(sender: str = "conv-test-1", intents_dir: Path | None = None) -> Chat:
        settings = bundled_settings.model_copy(update={
            "intents_dir": intents_dir or lead_intents, "connector_actions": "", "mydata_url": sandbox[0],
            "mydata_redirect_uri": "http://127.0.0.1/mydata/callback"})
        processor = build_processor(settings, bundled_router, SQLTrackerStore("sqlite://"),
                                    executor=SdkActionExecutor([*mydata_actions(settings, connector), *eligibility_actions(settings)]))
        app = FastAPI()

        def continue_conversation(sid: str, intent: str) -> list[str]:
            return [m.text for m in processor.trigger_intent(sid, intent).messages]

        app.include_router(create_flow_router(connector, secret_key(settings), continue_conversation), prefix="/mydata")
        client = TestClient(app)
        clients.append(client)
        return Chat(processor, connector, client, sandbox, sender)

    yield make
    for c in clients:
        c.close()


def _offer_and_grant(chat: Chat, ask: str = "마이데이터로 불러와 주세요", language: str | None = None) -> str:
    chat.say(ask, language)
    cid = chat.slot("mydata_pending_consent")
    link = chat.say("/affirm")
    r = chat.authenticate(link[0].text)
    assert r.status_code == 200, r.text
    return str(cid)


class TestOffer:
    def test_offer_names_records_purpose_and_expiry(self, make_chat: Any, connector: MyDataConnector) -> None:
        chat = make_chat()
        msgs = chat.say("마이데이터로 불러와 주세요")
        text = msgs[0].text
        for doc in ("주민등록표 등본", "건강보험 자격득실 확인서", "소득금액증명"):
            assert doc in text
        assert "자격 확인" in text and "복지 혜택" in text  # why
        assert _kst(T0 + 30 * DAY).strftime("%Y년 %m월 %d일") in text  # until when (30 days, Korea time)
        assert "보관하지 않습니다" in text and "철회" in text  # what is (not) kept, how to withdraw
        assert [(b["title"], b["payload"]) for b in msgs[0].buttons] == [("동의합니다", "/affirm"), ("동의하지 않습니다", "/deny")]
        cid = chat.slot("mydata_pending_consent")
        consent = connector.get_consent(cid)
        assert consent.status(T0) == "pending" and consent.expires_at == T0 + 30 * DAY
        assert chat.sender not in consent.citizen_ref  # pseudonymous, stable per conversation
        assert chat.stats()["token_requests"] == 0 and chat.stats()["record_requests"] == 0

    def test_english(self, make_chat: Any) -> None:
        chat = make_chat("conv-en")
        msgs = chat.say("fetch my records", "en")
        text = msgs[0].text
        for doc in ("resident registration certificate", "health insurance eligibility certificate", "certificate of income amount"):
            assert doc in text
        assert "eligible" in text and _kst(T0 + 30 * DAY).strftime("%Y-%m-%d") in text
        assert [b["title"] for b in msgs[0].buttons] == ["I agree", "I do not agree"]
        link = chat.say("/affirm")
        assert chat.authenticate(link[0].text).status_code == 200
        assert chat.slot("age") == _age(CITIZENS["sandbox-01"].members[0].birth_date, _kst(T0).date())
        assert "filled in" in chat.texts[-1] and "resident registration certificate" in chat.texts[-1]


class TestNoGrantWithoutAClearYes:
    @pytest.mark.parametrize("no", ["/deny", "아니요, 동의하지 않아요"])
    def test_deny_fetches_nothing(self, make_chat: Any, connector: MyDataConnector, no: str) -> None:
        chat = make_chat()
        chat.say("공공 마이데이터로 확인해 줘")
        cid = chat.slot("mydata_pending_consent")
        reply = chat.say(no)
        assert "가져오지 않았어요" in reply[0].text
        assert chat.stats()["token_requests"] == 0 and chat.stats()["record_requests"] == 0
        assert connector.get_consent(cid).status(T0) == "declined" and chat.slot("mydata_pending_consent") is None
        chat.say("/affirm")  # a later yes grants nothing
        assert chat.stats()["token_requests"] == 0 and "authorize" not in chat.texts[-1]

    @pytest.mark.parametrize(("ask", "language"), [
        ("그럼 어떻게 확인해요?", None), ("다른 방법은요?", None), ("마이데이터 없이 어떻게 알 수 있어요?", None),
        ("then how do I check?", "en"), ("is there another way?", "en"), ("how else can I find out?", "en")])
    def test_how_else_to_check_after_a_no_is_the_eligibility_check(self, make_chat: Any, ask: str,
                                                                   language: str | None) -> None:
        # s44 probe: "그럼 어떻게 확인해요?" after the no read as dont_know and got "어떤 점을 도와드릴까요?"
        chat = make_chat()
        chat.say("fetch my records" if language else "마이데이터로 불러와 주세요", language)
        chat.say("/deny")
        reply = chat.say(ask, language)
        # where this engine has no eligibility data for the route, the check says where else to check (복지로, 110);
        # where its eligibility actions can plan, the questionnaire starts
        if chat.p.load(chat.sender).active_loop_name != "eligibility_form":
            assert [m.custom.get("response") for m in reply] == ["utter_eligibility_no_catalogue"], [m.text for m in reply]
            assert "110" in reply[0].text and ("bokjiro" in reply[0].text or "복지로" in reply[0].text)
        assert chat.p.load(chat.sender).latest_message.intent_name == "check_eligibility"
        assert chat.stats()["token_requests"] == 0 and chat.stats()["record_requests"] == 0

    def test_another_question_after_a_no_is_not_the_check(self, make_chat: Any) -> None:
        chat = make_chat()
        chat.say("마이데이터로 불러와 주세요")
        chat.say("/deny")
        chat.say("에너지바우처 신청은 어떻게 해요?")
        assert chat.p.load(chat.sender).latest_message.intent_name != "check_eligibility"
        assert "에너지바우처" in chat.texts[-1]

    def test_unclear_is_asked_once_then_dropped(self, make_chat: Any, connector: MyDataConnector) -> None:
        chat = make_chat()
        chat.say("마이데이터로 불러와 주세요")
        cid = chat.slot("mydata_pending_consent")
        again = chat.say("글쎄요")
        assert "분명한 동의" in again[0].text and [b["payload"] for b in again[0].buttons] == ["/affirm", "/deny"]
        assert connector.get_consent(cid).status(T0) == "pending"
        dropped = chat.say("음...")
        assert "취소했어요" in dropped[0].text
        assert connector.get_consent(cid).status(T0) == "declined"
        chat.say("/affirm")
        assert chat.stats()["token_requests"] == 0 and chat.stats()["record_requests"] == 0
        assert not any("/mydata/authorize" in t for t in chat.texts)

    def test_an_unsure_affirm_is_not_consent(self, make_chat: Any, connector: MyDataConnector,
                                              bundled_settings: Settings) -> None:
        """👍 read as affirm with probability 0.499 (below ``consent_affirm_threshold``) is the unclear path:
        asked once more, then dropped; no link, no token, no record."""
        chat = make_chat()
        weak_affirm(chat.p, "👍", 0.499)
        assert 0.499 < bundled_settings.consent_affirm_threshold
        chat.say("마이데이터로 불러와 주세요")
        cid = chat.slot("mydata_pending_consent")
        again = chat.say("👍")
        assert "분명한 동의" in again[0].text and [b["payload"] for b in again[0].buttons] == ["/affirm", "/deny"]
        assert connector.get_consent(cid).status(T0) == "pending" and not any("/mydata/authorize" in t for t in chat.texts)
        dropped = chat.say("👍")
        assert "취소했어요" in dropped[0].text and connector.get_consent(cid).status(T0) == "declined"
        assert chat.stats()["token_requests"] == 0 and not any("/mydata/authorize" in t for t in chat.texts)

    def test_a_clear_yes_after_an_unsure_one_grants(self, make_chat: Any) -> None:
        chat = make_chat()
        weak_affirm(chat.p, "👍", 0.499)
        chat.say("마이데이터로 불러와 주세요")
        assert "분명한 동의" in chat.say("👍")[0].text
        link = chat.say("/affirm")
        assert "/mydata/authorize?ticket=" in link[0].text

    def test_denied_at_the_provider(self, make_chat: Any, connector: MyDataConnector) -> None:
        chat = make_chat()
        chat.say("마이데이터로 불러와 주세요")
        cid = chat.slot("mydata_pending_consent")
        link = chat.say("/affirm")
        r = chat.authenticate(link[0].text, decision="deny")
        assert r.status_code == 200 and "가져오지 않았어요" in r.text
        assert chat.stats()["token_requests"] == 0 and chat.stats()["record_requests"] == 0
        assert connector.get_consent(cid).status(T0) == "declined"


class TestDeclinedIsNotWithdrawn:
    """Fresh-user report item 9: offers said no to (or left unclear) are not consents, so the list does not show
    them as withdrawn and the audit has no ``revoke`` for them; only a granted consent withdrawn later is."""

    def test_declined_offers_are_not_listed_nor_audited_as_revoked(self, make_chat: Any, connector: MyDataConnector) -> None:
        chat = make_chat()
        chat.say("마이데이터로 불러와 주세요")
        first = chat.slot("mydata_pending_consent")
        chat.say("아니요")  # declined
        chat.say("마이데이터로 불러와 주세요")
        second = chat.slot("mydata_pending_consent")
        chat.say("글쎄요")
        chat.say("음...")  # unclear twice: dropped
        third = _offer_and_grant(chat)
        assert len({first, second, third}) == 3
        assert [connector.get_consent(c).status(T0) for c in (first, second, third)] == ["declined", "declined", "active"]
        listing = chat.say("내가 동의한 거 보여줘")[0].text
        lines = [ln for ln in listing.splitlines() if ln.startswith("- ")]
        assert len(lines) == 1 and "동의 중" in lines[0] and "철회됨" not in listing
        actions = [(e.consent_id, e.action, e.outcome) for e in connector.audit()]
        assert (first, "decline", "declined") in actions and (second, "decline", "declined") in actions
        assert not [a for a in actions if a[1] == "revoke"]
        # revoking a declined request changes nothing; withdrawing the granted one is a revoke
        assert connector.revoke(first).deleted_records == 0 and connector.get_consent(first).status(T0) == "declined"
        chat.say("마이데이터 동의 철회할게요")
        chat.say("/affirm")
        revokes = [e.consent_id for e in connector.audit() if e.action == "revoke"]
        assert revokes == [third]
        assert "철회됨" in chat.say("내가 동의한 거 보여줘")[0].text


class TestGrantAndFetch:
    def test_yes_fetches_once_and_fills_slots(self, make_chat: Any, connector: MyDataConnector) -> None:
        chat = make_chat()
        cid = _offer_and_grant(chat)
        assert chat.stats()["by_scope"] == {"resident_registration": 1, "health_insurance": 1, "income": 1,
                                            "recipient_certificate": 1, "near_poverty_certificate": 1}
        assert chat.stats()["token_requests"] == 1
        me = CITIZENS["sandbox-01"]
        today = _kst(T0).date()
        kids = [_age(p.birth_date, today) for p in me.members if p.relation == "자녀"]
        income = sum(a for items in me.incomes.values() for _, a in items)
        assert chat.slot("age") == _age(me.members[0].birth_date, today) == 35
        assert chat.slot("sex") == "female"
        assert chat.slot("income_pct") == pytest.approx(income / 12 / MEDIAN_2026_4 * 100)
        assert chat.slot("multi_child_household") is (sum(a < 19 for a in kids) >= 2)
        assert chat.slot("single_parent_family") is False and chat.slot("single_person_household") is False
        assert chat.slot("employed") is True  # 직장가입자
        assert chat.slot("disabled") is None and chat.slot("veteran") is None  # the records do not tell
        # 77 % of the median income: the certificates answer "해당 없음", a known no
        assert income / 12 / MEDIAN_2026_4 * 100 > 50
        assert chat.slot("welfare_recipient") is False and chat.slot("near_poverty") is False
        assert chat.slot("mydata_household") == [{"relation": p.relation, "age": _age(p.birth_date, today), "sex": p.sex}
                                                 for p in me.members[1:]]
        assert chat.slot("mydata_consent_id") == cid and chat.slot("mydata_pending_consent") is None
        summary = chat.texts[-1]
        assert "주민등록표 등본: 나이, 성별" in summary and "건강보험 자격득실 확인서: 직장 가입" in summary
        assert "소득금액증명: 기준 중위소득" in summary
        assert "수급자 증명서: 기초생활보장 수급자 여부" in summary and "차상위계층 확인서: 차상위계층 여부" in summary

    def test_only_slots_of_the_domain_are_set(self, make_chat: Any) -> None:
        chat = make_chat("conv-repo-domain", intents_dir=REPO_INTENTS)
        _offer_and_grant(chat)
        state = chat.p.load(chat.sender).current_state()
        set_names = {e["name"] for e in state["events"] if e["event"] == "slot"}
        domain = yaml.safe_load((REPO_INTENTS / "domain.yml").read_text(encoding="utf-8"))
        assert set_names <= set(domain["slots"]) | {"requested_slot"}
        assert chat.slot("age") == 35

    def test_form_pauses_for_the_offer_and_continues(self, make_chat: Any) -> None:
        chat = make_chat("conv-form")
        ask = chat.say("제가 받을 수 있는 혜택이 뭐가 있나요?")
        assert chat.p.load(chat.sender).active_loop_name == "eligibility_form", [m.text for m in ask]
        offer = chat.say("마이데이터로 불러와 주세요")
        assert "주민등록표 등본" in offer[0].text and len(offer) == 1  # no "invalid age", no re-ask
        link = chat.say("/affirm")
        page = chat.authenticate(link[0].text)
        tracker = chat.p.load(chat.sender)
        # The form resumes with MyData's facts; on the engine tests' catalogue (tests/engine_catalogue.py) they
        # decide every service, so it asks nothing more and the verdicts follow.
        from collections import Counter

        from connectors.eligibility.actions import conversation_facts, specific_conditions
        from connectors.eligibility.evaluator import Evaluation
        from connectors.eligibility.facts import Facts
        from tests.engine_catalogue import engine_catalogue

        facts = Facts.model_validate(conversation_facts(tracker.slots))
        results = Evaluation(engine_catalogue(), facts).results()
        counts = Counter(r.status for r in results)
        assert counts["unknown"] == 0 and tracker.active_loop_name is None
        # those open to any adult (no condition beyond a broad age range) are listed apart, not counted as fitting
        fitted = sum(1 for r in results if r.status == "eligible" and specific_conditions(r) > 0)
        assert (f"받으실 수 있는 서비스가 {fitted}개" if fitted else "아직 조건이 모두 맞는 서비스는 없어요") in page.text


class TestListRevokeExpiry:
    def test_list_and_revoke_in_chat(self, make_chat: Any, connector: MyDataConnector) -> None:
        chat = make_chat()
        cid = _offer_and_grant(chat)
        assert connector.store.count_records(cid) == 5
        listing = chat.say("내가 동의한 거 보여줘")[0].text
        assert "동의 중" in listing and "소득금액증명" in listing and _kst(T0 + 30 * DAY).strftime("%Y년 %m월 %d일") in listing
        confirm = chat.say("마이데이터 동의 철회할게요")
        assert "철회할까요" in confirm[0].text and connector.get_consent(cid).status(T0) == "active"  # confirm first
        done = chat.say("/affirm")
        assert "5건을 삭제" in done[0].text
        assert connector.store.count_records(cid) == 0 and connector.get_consent(cid).status(T0) == "revoked"
        for slot in ("age", "sex", "income_pct", "multi_child_household", "employed", "mydata_household", "mydata_consent_id"):
            assert chat.slot(slot) is None, slot
        n = chat.stats()["record_requests"]
        with pytest.raises(ConsentError):
            connector.fetch(cid)
        chat.p.trigger_intent(chat.sender, "mydata_granted")  # a replayed callback fetches nothing either
        assert chat.stats()["record_requests"] == n and chat.slot("age") is None
        assert "철회됨" in chat.say("내가 동의한 거 보여줘")[0].text

    @pytest.mark.parametrize("answer", ["/affirm", "/deny"])
    def test_revoke_while_the_form_asks(self, make_chat: Any, connector: MyDataConnector, answer: str) -> None:
        """s45 probe: "마이데이터 동의 철회할게요" while the eligibility form asked where the citizen lives was read as a
        place ("사시는 곳으로 알아듣지 못했어요") and the consent stayed active. The form pauses for the withdrawal
        question and resumes after the answer."""
        chat = make_chat(f"conv-revoke-form-{answer[1:]}")
        cid = _offer_and_grant(chat)
        chat.say("어머니가 받을 수 있는 혜택 알려줘")  # the mother's facts: MyData's are the citizen's, so the form asks
        asking = chat.p.load(chat.sender)
        assert asking.active_loop_name == "eligibility_form", chat.texts[-2:]
        question = asking.get_slot("requested_slot")
        confirm = chat.say("마이데이터 동의 철회할게요")
        assert [m.custom.get("response") for m in confirm] == ["utter_mydata_confirm_revoke"], [m.text for m in confirm]
        assert connector.get_consent(cid).status(T0) == "active" and chat.p.load(chat.sender).active_loop_name is None
        done = chat.say(answer)
        responses = [m.custom.get("response") for m in done]
        if answer == "/affirm":
            assert responses[0] == "utter_mydata_revoked" and connector.get_consent(cid).status(T0) == "revoked"
            assert connector.store.count_records(cid) == 0
        else:
            assert responses[0] == "utter_mydata_revoke_kept" and connector.get_consent(cid).status(T0) == "active"
        resumed = chat.p.load(chat.sender)
        assert resumed.active_loop_name == "eligibility_form" and resumed.get_slot("requested_slot") == question
        assert resumed.get_slot("beneficiary") == "parent"  # still the mother's questions
        assert len(done) >= 2 and f"utter_ask_{question}" in responses[1:], responses

    def test_nothing_to_revoke_while_the_form_asks_asks_again(self, make_chat: Any) -> None:
        chat = make_chat("conv-revoke-none-form")
        chat.say("제가 받을 수 있는 혜택이 뭐가 있나요?")
        question = chat.p.load(chat.sender).get_slot("requested_slot")
        reply = chat.say("마이데이터 동의 철회할게요")
        assert [m.custom.get("response") for m in reply] == ["utter_mydata_nothing_to_revoke", f"utter_ask_{question}"]
        assert chat.p.load(chat.sender).active_loop_name == "eligibility_form"

    def test_revoke_not_confirmed_keeps_it(self, make_chat: Any, connector: MyDataConnector) -> None:
        chat = make_chat()
        cid = _offer_and_grant(chat)
        chat.say("마이데이터 동의 철회할게요")
        assert "그대로" in chat.say("/deny")[0].text
        assert connector.get_consent(cid).status(T0) == "active" and chat.slot("age") == 35

    def test_expired_consent_fetches_nothing(self, make_chat: Any, clock: FakeClock) -> None:
        chat = make_chat()
        _offer_and_grant(chat)
        n = chat.stats()["record_requests"]
        clock.now = T0 + 31 * DAY
        turn = chat.p.trigger_intent(chat.sender, "mydata_granted")
        assert "유효한 마이데이터 동의가 없어서" in turn.messages[0].text
        assert chat.stats()["record_requests"] == n

    def test_consent_expired_before_the_callback(self, make_chat: Any, clock: FakeClock, connector: MyDataConnector) -> None:
        chat = make_chat()
        chat.say("마이데이터로 불러와 주세요")
        link = chat.say("/affirm")[0].text
        clock.now = T0 + 16 * 60  # the link's ticket lives 15 minutes
        m = re.search(r"/mydata/authorize\?ticket=[\w.\-]+", link)
        assert m and chat.browser.get(m.group(0), follow_redirects=False).status_code == 400
        assert chat.stats()["token_requests"] == 0 and chat.stats()["record_requests"] == 0


class TestCallbackIsBound:
    def test_forged_missing_or_mismatched_ticket(self, make_chat: Any, connector: MyDataConnector) -> None:
        chat = make_chat()
        chat.say("마이데이터로 불러와 주세요")
        cid = chat.slot("mydata_pending_consent")
        forged = sign(Ticket(cid, "someone-else", T0 + 600), b"not-our-key")
        assert chat.browser.get(f"/mydata/authorize?ticket={forged}", follow_redirects=False).status_code == 400
        assert chat.browser.get(f"/mydata/callback?code=x&state={cid}").status_code == 400  # no cookie
        key = secret_key(chat.p.settings)
        other = sign(Ticket("another-consent", chat.sender, T0 + 600), key)
        chat.browser.cookies.set("mydata_flow", other, path="/mydata")
        assert chat.browser.get(f"/mydata/callback?code=x&state={cid}").status_code == 400  # state ≠ ticket
        assert chat.stats()["token_requests"] == 0 and connector.get_consent(cid).status(T0) == "pending"


#: me → mother → me, in both languages (s13 #3)
ROUND_TRIP = [
    ("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?", "마이데이터로 불러와 주세요", "어머니가 받을 수 있는 혜택이 뭐가 있나요?", "82",
     "제가 받을 수 있는 혜택이 뭐가 있나요?"),
    ("en", "What benefits can I get?", "use MyData", "What benefits can my mother get?", "82", "What benefits can I get?"),
]


class TestSomeoneElse:
    """s12 #1: the citizen's MyData records describe the citizen, not the mother the questions are about. Written by
    hand: the form about a parent asks "부모님의 만 나이" / "How old is your parent" (the domain's parent variants)."""

    @pytest.mark.parametrize(("lang", "opening", "ask", "said", "question"), [
        ("ko", "어머니가 받을 수 있는 혜택이 뭐가 있나요?", "마이데이터로 불러와 주세요", "부모님의 정보는 채울 수 없어요", "부모님의 만 나이"),
        ("en", "What benefits can my mother get?", "use MyData", "they don't describe your parent", "How old is your parent"),
    ])
    def test_no_offer_for_a_parent_and_the_form_goes_on(self, make_chat: Any, connector: MyDataConnector,
                                                        lang: str, opening: str, ask: str, said: str,
                                                        question: str) -> None:
        chat = make_chat(f"conv-mother-{lang}")
        chat.say(opening, lang)
        assert (chat.slot("beneficiary"), chat.slot("requested_slot")) == ("parent", "age")
        replies = [m.text or "" for m in chat.say(ask, lang)]
        assert any(said in t for t in replies), replies
        assert not any("주민등록표 등본" in t or "resident registration certificate" in t for t in replies), replies
        assert chat.slot("mydata_pending_consent") is None and connector.list_consents() == []
        assert chat.p.load(chat.sender).active_loop_name == "eligibility_form"
        assert question in replies[-1], replies  # the form asks its question again
        chat.say("82", lang)  # and takes the answer
        assert chat.slot("age") == 82
        assert chat.stats()["token_requests"] == 0 and chat.stats()["record_requests"] == 0

    @pytest.mark.parametrize(("lang", "mine", "ask", "mother", "said"), [
        ("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?", "마이데이터로 불러와 주세요", "어머니가 받을 수 있는 혜택이 뭐가 있나요?",
         "아무것도 가져오지 않고"),
        ("en", "What benefits can I get?", "use MyData", "What benefits can my mother get?", "I fetched nothing"),
    ])
    def test_a_consent_granted_for_me_fetches_nothing_for_my_mother(self, make_chat: Any, connector: MyDataConnector,
                                                                    lang: str, mine: str, ask: str, mother: str,
                                                                    said: str) -> None:
        chat = make_chat(f"conv-switch-{lang}")
        chat.say(mine, lang)
        chat.say(ask, lang)
        cid = chat.slot("mydata_pending_consent")
        assert cid
        link = chat.say("/affirm", lang)
        chat.say(mother, lang)  # before finishing at the provider, the citizen asks about the mother
        assert chat.slot("beneficiary") == "parent"
        page = chat.authenticate(link[0].text)
        assert page.status_code == 200
        assert said in page.text, page.text
        # the sandbox citizen is 35 (test_yes_fetches_once_and_fills_slots): never the mother's age
        assert chat.slot("age") is None and chat.slot("income_pct") is None and chat.slot("mydata_household") is None
        assert chat.stats()["record_requests"] == 0
        assert connector.get_consent(cid).status(T0) == "revoked" and connector.store.count_records(cid) == 0


    @pytest.mark.parametrize(("lang", "mine", "ask", "mother", "age", "back"), ROUND_TRIP)
    def test_my_mydata_facts_are_not_my_mothers(self, make_chat: Any, lang: str, mine: str, ask: str, mother: str,
                                                age: str, back: str) -> None:
        """s13 #3, the part that works: after the citizen's MyData filled their facts, questions about the mother start
        from none of them (``employed``, filled by MyData and asked by no question of the form, leaked before s13)."""
        chat = make_chat(f"conv-mother-{lang}")
        chat.say(mine, lang)
        _offer_and_grant(chat, ask, lang)
        assert chat.slot("employed") is True and chat.slot("age") == 35  # the sandbox citizen's records
        chat.say(mother, lang)
        assert chat.slot("beneficiary") == "parent"
        assert {k: chat.slot(k) for k in ("age", "employed", "income_pct", "sex")} == {
            "age": None, "employed": None, "income_pct": None, "sex": "female"}  # her sex is her word's ("어머니")
        chat.say(age, lang)
        assert chat.slot("age") == 82 and chat.slot("employed") is None

    @pytest.mark.parametrize(("lang", "mine", "ask", "mother", "age", "back"), ROUND_TRIP)
    def test_my_mydata_facts_come_back_after_asking_about_my_mother(
            self, make_chat: Any, lang: str, mine: str, ask: str, mother: str, age: str, back: str) -> None:
        """s13 #3: the round trip me → mother → me. The sandbox citizen's records (35, female, 직장 가입, the income
        test_yes_fetches_once_and_fills_slots computes) fill the citizen's facts; the mother's questions start empty and
        her age (82) is hers; back to the citizen, the MyData facts are the citizen's again and 82 is not. The question
        back to the citizen comes while the mother's questions are still running (the region is asked): before s14 it
        was answered "지금 그걸 확인하고 있어요" and the mother's questions went on (beneficiary stayed parent)."""
        chat = make_chat(f"conv-roundtrip-{lang}")
        chat.say(mine, lang)
        _offer_and_grant(chat, ask, lang)
        me = CITIZENS["sandbox-01"]
        income = sum(a for items in me.incomes.values() for _, a in items) / 12 / MEDIAN_2026_4 * 100
        mine_now = {"age": 35, "sex": "female", "employed": True, "income_pct": pytest.approx(income)}
        assert {k: chat.slot(k) for k in mine_now} == mine_now
        chat.say(mother, lang)
        assert chat.slot("beneficiary") == "parent"
        # none of the citizen's facts is hers (employed: filled by MyData, no question of the form, leaked before s13);
        # her sex is her word's ("어머니", "mother")
        assert {k: chat.slot(k) for k in mine_now} == {**dict.fromkeys(mine_now), "sex": "female"}
        chat.say(age, lang)
        assert chat.slot("age") == 82
        assert chat.p.load(chat.sender).active_loop_name == "eligibility_form"  # her questions go on
        chat.say(back, lang)
        assert chat.slot("beneficiary") == "self"
        assert {k: chat.slot(k) for k in mine_now} == mine_now  # the citizen's own records, not the mother's 82

    @pytest.mark.parametrize(("lang", "mine", "correct", "mother", "back"), [
        ("ko", "부산에 사는데 제가 받을 수 있는 혜택이 뭐가 있나요?", "제 나이는 36살이에요", "어머니가 받을 수 있는 혜택이 뭐가 있나요?",
         "제가 받을 수 있는 혜택이 뭐가 있나요?"),
        ("en", "I live in Busan. What benefits can I get?", "Actually I'm 36", "What benefits can my mother get?",
         "What benefits can I get?"),
    ])
    def test_what_i_typed_and_corrected_comes_back_after_asking_about_my_mother(
            self, make_chat: Any, lang: str, mine: str, correct: str, mother: str, back: str) -> None:
        """s14 #1: facts the citizen typed (부산, in the opening) and a MyData value they corrected (MyData's age 35 → 36,
        said after the result) are theirs on the round trip me → mother → me → mother: before s14 the typed region was
        cleared and asked again, and the corrected age came back as MyData's 35. The mother's own answers (82, 대구)
        come back when the questions turn to her again."""
        chat = make_chat(f"conv-typed-{lang}")
        chat.say(mine, lang)
        assert chat.slot("region") == "부산광역시"
        _offer_and_grant(chat, "use MyData" if lang == "en" else "마이데이터로 불러와 주세요", lang)
        assert chat.slot("age") == 35  # the sandbox citizen's records (test_yes_fetches_once_and_fills_slots)
        chat.say(correct, lang)
        assert chat.slot("age") == 36
        me = CITIZENS["sandbox-01"]
        income = sum(a for items in me.incomes.values() for _, a in items) / 12 / MEDIAN_2026_4 * 100
        mine_now = {"age": 36, "region": "부산광역시", "sex": "female", "employed": True, "income_pct": pytest.approx(income)}
        assert {k: chat.slot(k) for k in mine_now} == mine_now
        chat.say(mother, lang)
        assert chat.slot("beneficiary") == "parent"
        assert {k: chat.slot(k) for k in mine_now} == {**dict.fromkeys(mine_now), "sex": "female"}
        chat.say("82", lang)
        chat.say("Daegu" if lang == "en" else "대구", lang)
        hers = {"age": 82, "region": "대구광역시"}
        assert {k: chat.slot(k) for k in hers} == hers
        chat.say(back, lang)
        assert chat.slot("beneficiary") == "self"
        assert {k: chat.slot(k) for k in mine_now} == mine_now  # typed, corrected and MyData's: all the citizen's
        chat.say(mother, lang)
        assert chat.slot("beneficiary") == "parent"
        assert {k: chat.slot(k) for k in (*hers, "employed", "income_pct")} == {**hers, "employed": None, "income_pct": None}


def test_no_personal_data_in_messages_events_or_logs(make_chat: Any, connector: MyDataConnector,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    chat = make_chat("conv-pii")
    _offer_and_grant(chat)
    chat.say("내가 동의한 거 보여줘")
    chat.say("마이데이터 동의 철회할게요")
    chat.say("/affirm")
    me = CITIZENS["sandbox-01"]
    secrets = [me.phone, me.address, *(p.rrn for p in me.members), *(p.name for p in me.members),
               *(p.birth_date.isoformat() for p in me.members)]
    bot_events = [e for e in chat.p.load(chat.sender).current_state()["events"] if e["event"] == "bot"]
    haystacks = {"messages": "\n".join(chat.texts), "bot events": repr(bot_events), "logs": caplog.text}
    for where, text in haystacks.items():
        for s in secrets:
            assert s not in text, f"{where} leaks personal data"
    refs = {c.citizen_ref for c in connector.list_consents()}
    assert chat.sender not in refs and all(chat.sender not in (r.citizen_ref or "") for r in connector.audit())


def test_unclear_rule_lists_cover_the_domain() -> None:
    """Every intent except the clear answers must lead somewhere after the offer (ask again, then drop); a question
    is answered and the offer asked again."""
    project = load_project(REPO_INTENTS)
    clear = {"affirm", "deny", "cancel", "goodbye", "use_mydata", "human_handoff", "mydata_granted", "mydata_denied",
             "alerts_new"}  # the last three: external events only (trigger_intent), never the citizen's answer
    questions = {"ask_service_info", "check_eligibility"}  # answered, then the offer is asked again (a digression)
    for rule_name in ("Anything but a clear answer to the MyData offer is asked once more",
                      "Still no clear answer drops the MyData request"):
        rule = next(r for r in project.rules if r.name == rule_name)
        step = rule.steps[1]
        assert isinstance(step, OrStep)
        listed = {a.intent for a in step.alternatives if isinstance(a, IntentStep)}
        assert listed == (set(project.domain.intents) - clear - questions) | {"nlu_fallback"}, rule_name
    for rule_name in ("A question right after the MyData offer is answered, then the offer is asked again",
                      "A question after asking again is answered, then asked again"):
        rule = next(r for r in project.rules if r.name == rule_name)
        step = rule.steps[1]
        assert isinstance(step, OrStep)
        assert {a.intent for a in step.alternatives if isinstance(a, IntentStep)} == questions, rule_name


def test_link_points_next_to_the_callback() -> None:
    from connectors.mydata.actions import authorize_link

    assert authorize_link(Settings(mydata_redirect_uri="https://gov.example/bot/mydata/callback")) == \
        "https://gov.example/bot/mydata/authorize"
