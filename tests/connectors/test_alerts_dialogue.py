"""The benefit-alert conversation (connectors/alerts/actions.py) over the real alerts API on uvicorn (SQLite store,
admin token required), with the trained bundled NLU: the consent offer lists the facts, a no stores nothing, a yes
stores one subscription under the keyed subscriber id, a catalogue change then ``POST /run`` is told once at the next
greeting with its gov.kr citation, unsubscribing deletes it, English, and an API that is down."""

from __future__ import annotations

import hashlib
import hmac
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_catalogue import SERVICES  # type: ignore[import-not-found]
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.dialogue.events import SlotSet
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.settings import Settings
from connectors.alerts.conversation import ConversationNotifier, open_address
from connectors.alerts.engine import AlertEngine, ServiceEvaluator
from connectors.alerts.notifiers import WidgetInboxNotifier
from connectors.alerts.service import create_app
from connectors.alerts.store import AlertStore
from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.service import CatalogueSource, EligibilityService

SENDER = "visitor-kim"  # not hex: it cannot appear in a hex digest by chance
SECRET = "alerts-test-secret-" + "s" * 40
TOKEN = "admin-token-for-alert-tests"
SENIOR = SERVICES[0][0]  # 어르신 난방비 지원 (age 65+, 서울특별시): added by the catalogue change
# the conversation's slots, and the facts they are (facts_from_slots: income_pct → income_pct_median, age as int)
SLOTS = {"age": 70.0, "region": "서울특별시", "income_pct": 45.0}
FACTS = {"age": 70, "region": "서울특별시", "income_pct_median": 45.0}


def subscriber_of(sender: str) -> str:
    """The keyed subscriber id, computed here from its definition (HMAC-SHA256 of "alerts:" + sender id)."""
    return "al:" + hmac.new(SECRET.encode(), f"alerts:{sender}".encode(), hashlib.sha256).hexdigest()


class Holder:
    """The alert engine's catalogue, swapped by the test (a re-import): v1 lacks the senior service."""

    def __init__(self) -> None:
        self.cat = Catalogue.from_records(SERVICES[1:], version="v1")

    def source(self) -> CatalogueSource:
        return CatalogueSource(lambda _stamp: self.cat, lambda: self.cat.version, "test")


@dataclass
class Api:
    url: str
    store: AlertStore
    holder: Holder

    def run(self) -> dict[str, int]:
        r = httpx.post(f"{self.url}/run", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        r.raise_for_status()
        return dict(r.json())


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    holder = Holder()
    store = AlertStore(f"sqlite:///{tmp_path / 'alerts.db'}")
    # pull only (no assistant in this process to wake): the conversation hears its alerts at the next greeting
    engine = AlertEngine(store, ServiceEvaluator(EligibilityService(holder.source())),
                         {"widget": WidgetInboxNotifier(), "conversation": ConversationNotifier()})
    with LiveServer(create_app(Settings(home=tmp_path, api_token=TOKEN), engine)) as live:
        yield Api(live.url, store, holder)
    store.db.dispose()


@pytest.fixture
def conv(make_processor: Any, api: Api) -> MessageProcessor:
    return make_processor(connector_actions="connectors.alerts.actions", alerts_url=api.url, api_token=TOKEN,
                          tasks_applicant_secret=SECRET, connector_timeout=2.0, connector_retries=2)


def say(p: MessageProcessor, text: str, sender: str = SENDER) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def text(turn: Turn) -> str:
    return "\n".join(m.text for m in turn.messages)


def responses(turn: Turn) -> list[str]:
    return [str(m.custom.get("response")) for m in turn.messages]


def with_facts(p: MessageProcessor, sender: str = SENDER, first: str = "안녕하세요") -> None:
    """Slots as the eligibility flow would leave them."""
    say(p, first, sender)
    p.tracker_store.append(sender, [SlotSet(k, v).to_json() for k, v in SLOTS.items()])


def test_offer_lists_the_facts_and_a_no_stores_nothing(conv: MessageProcessor, api: Api) -> None:
    with_facts(conv)
    offer = say(conv, "/subscribe_alerts")
    assert responses(offer) == ["utter_alerts_offer"]
    lines = text(offer).splitlines()
    for line in ("- 나이: 70", "- 사는 곳(시·군·구까지): 서울특별시", "- 소득(중위소득 대비 %): 45"):
        assert line in lines, text(offer)
    assert "다음에 이 대화창에" in text(offer) and "혜택 알림 그만" in text(offer)  # how told, how to stop
    assert [b["payload"] for b in offer.messages[0].buttons] == ["/affirm", "/deny"]
    assert api.store.all() == []  # nothing before the yes
    no = say(conv, "/deny")
    assert responses(no) == ["utter_alerts_not_subscribed_declined"]
    assert responses(say(conv, "/affirm")) != ["utter_alerts_subscribed"]  # a yes to nothing
    assert api.store.all() == []


def test_without_facts_it_offers_the_eligibility_check(conv: MessageProcessor, api: Api) -> None:
    turn = say(conv, "/subscribe_alerts")
    assert responses(turn) == ["utter_alerts_need_facts"]
    assert [b["payload"] for b in turn.messages[0].buttons] == ["/check_eligibility"]
    say(conv, "/affirm")
    assert api.store.all() == []


@pytest.mark.parametrize("yes", ["네", "👍", "좋아요"])
def test_a_typed_yes_to_the_eligibility_offer_starts_the_check(conv: MessageProcessor, api: Api, yes: str) -> None:
    """Case C02: the yes was answered "알겠어요. 어떤 점을 도와드릴까요?" (the subscribe rule with nothing pending)."""
    assert responses(say(conv, "새 혜택 알림 받고 싶어요")) == ["utter_alerts_need_facts"]
    turn = say(conv, yes)
    assert turn.to_json()["intent"]["name"] == "check_eligibility"
    assert "utter_how_can_i_help" not in responses(turn), text(turn)
    assert api.store.all() == []


def test_yes_subscribes_then_a_catalogue_change_is_told_once_at_the_next_visit(conv: MessageProcessor, api: Api) -> None:
    with_facts(conv)
    offer = say(conv, "새로운 혜택이 생기면 알려 주세요")
    assert responses(offer) == ["utter_alerts_offer"]
    done = say(conv, "/affirm")
    assert responses(done) == ["utter_alerts_subscribed"]
    [sub] = api.store.all()
    assert sub.subscriber_id == subscriber_of(SENDER) and SENDER not in sub.subscriber_id
    assert sub.channel == "conversation" and SENDER not in sub.address
    assert open_address(SECRET.encode(), sub.address) == ("rest", SENDER)  # sealed, opened only with the secret
    assert sub.facts == FACTS
    assert sub.consent["text"] == text(offer)  # what was shown is the consent record
    assert SENIOR.service_id not in sub.last_eligible

    assert api.run()["notified"] == 0  # nothing changed
    api.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    assert api.run()["notified"] == 1

    say(conv, "/session_start")  # the next visit: a new session (slots carried over)
    back = say(conv, "안녕하세요")
    assert responses(back) == ["utter_greet", "utter_alerts_new_services"], text(back)
    told = back.messages[1]
    assert f"- {SENIOR.title}: {SENIOR.url}" in told.text.splitlines()
    assert SENIOR.url.startswith("https://www.gov.kr/")
    assert [(c["title"], c["url"]) for c in told.custom["citations"]] == [(SENIOR.title, SENIOR.url)]
    again = say(conv, "안녕하세요")
    assert responses(again) == ["utter_greet"]  # told once
    assert [n.status for n in api.store.notifications(sub.subscriber_id)] == ["delivered"]

    ask = say(conv, "혜택 알림 그만 받을래요")
    assert responses(ask) == ["utter_alerts_confirm_unsubscribe"] and api.store.all() != []
    gone = say(conv, "/affirm")
    assert responses(gone) == ["utter_alerts_unsubscribed"] and api.store.all() == []
    assert responses(say(conv, "안녕하세요")) == ["utter_greet"]


def test_a_no_to_stopping_keeps_the_subscription(conv: MessageProcessor, api: Api) -> None:
    with_facts(conv)
    say(conv, "/subscribe_alerts")
    say(conv, "/affirm")
    say(conv, "/unsubscribe_alerts")
    assert responses(say(conv, "/deny")) == ["utter_alerts_kept"]
    assert [s.subscriber_id for s in api.store.all()] == [subscriber_of(SENDER)]


def test_english_flow(conv: MessageProcessor, api: Api) -> None:
    with_facts(conv, first="hello there")
    offer = say(conv, "notify me about new benefits")
    assert offer.language == "en" and responses(offer) == ["utter_alerts_offer"]
    assert "- age: 70" in text(offer).splitlines() and "Do you agree?" in text(offer)
    assert "Purpose: notify new government benefits" in text(offer)
    assert "I will tell you here" in text(say(conv, "/affirm"))
    assert api.store.get(subscriber_of(SENDER)).consent["text"] == text(offer)
    api.holder.cat = Catalogue.from_records(SERVICES, version="v2")
    assert api.run()["notified"] == 1
    back = say(conv, "hello there")
    assert "Good news" in text(back) and SENIOR.url in text(back)
    assert responses(say(conv, "stop benefit alerts")) == ["utter_alerts_confirm_unsubscribe"]
    assert "are stopped" in text(say(conv, "/affirm")) and api.store.all() == []


def test_other_conversations_are_other_subscribers(conv: MessageProcessor, api: Api) -> None:
    with_facts(conv, "a")
    say(conv, "/subscribe_alerts", "a")
    say(conv, "/affirm", "a")
    # "b" has no subscription: told at once, nothing asked; a yes afterwards stops nothing
    assert responses(say(conv, "/unsubscribe_alerts", "b")) == ["utter_alerts_not_subscribed"]
    assert responses(say(conv, "/affirm", "b")) != ["utter_alerts_unsubscribed"]
    assert [s.subscriber_id for s in api.store.all()] == [subscriber_of("a")]


@pytest.mark.parametrize(("lang", "stop"), [("ko", "혜택 알림 그만 받을래요"), ("en", "stop benefit alerts")])
def test_stopping_without_a_subscription_says_so_at_once(conv: MessageProcessor, api: Api, lang: str, stop: str) -> None:
    turn = say(conv, stop, "nobody")
    assert responses(turn) == ["utter_alerts_not_subscribed"] and turn.language == lang
    assert turn.messages[0].text == conv.domain.response("utter_alerts_not_subscribed", lang)["text"]
    assert not turn.messages[0].buttons and api.store.all() == []
    assert conv.load("nobody").get_slot("alerts_pending") is None


@pytest.mark.parametrize(("utterance", "intent"), [
    ("혜택 새로 나오면 저한테도 알려 주실 수 있나요", "subscribe_alerts"),
    ("please notify me when new benefits come out", "subscribe_alerts"),
    ("혜택 알림 이제 안 받고 싶어요", "unsubscribe_alerts"),
    ("please turn off the new benefit alerts", "unsubscribe_alerts"),
])
def test_classifier_knows_the_alert_intents(bundled_router: Any, bundled_settings: Settings, utterance: str,
                                            intent: str) -> None:
    top = bundled_router.nlu.parse(utterance).nlu.intent  # held-out phrasings, not in intents/nlu.yml
    assert (top.name, top.confidence >= bundled_settings.intent_threshold) == (intent, True)


def test_loaded_by_name() -> None:
    from assistant.dialogue.sdk import load_actions

    names = sorted(a.name() for a in load_actions(["connectors.alerts.actions"], Settings()))
    assert names == sorted(["action_offer_alerts", "action_subscribe_alerts", "action_offer_unsubscribe_alerts",
                            "action_unsubscribe_alerts", "action_alerts_declined", "action_deliver_alerts",
                            "action_alerts_after_questions"])
    assert "connectors.alerts.actions" in Settings.model_fields["connector_actions"].default.split(",")


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_api_down_is_a_polite_reply_with_a_handoff_offer(make_processor: Any) -> None:
    p = make_processor(connector_actions="connectors.alerts.actions", alerts_url=_closed_port_url(),
                       tasks_applicant_secret=SECRET, connector_timeout=1.0, connector_retries=1)
    with_facts(p)
    say(p, "/subscribe_alerts")
    turn = say(p, "/affirm")
    assert turn.error is None and responses(turn) == ["alerts_backend_failed"], text(turn)
    assert "상담원" in text(turn) and "http" not in text(turn)
    assert [b["payload"] for b in turn.messages[0].buttons] == ["/affirm", "/human_handoff"]
    assert turn.messages[0].custom["handoff_offer"]
    p.tracker_store.append(SENDER, [SlotSet("alerts_subscribed", True).to_json()])
    greet = say(p, "안녕하세요")  # delivery at a greeting stays silent when the API is down
    assert greet.error is None and responses(greet) == ["utter_greet"]


def test_an_unsure_yes_does_not_subscribe(conv: MessageProcessor, api: Api) -> None:
    """👍 as affirm at 0.499 (below ``consent_affirm_threshold``): asked once for a clear yes, then a no."""
    from weak_affirm import weak_affirm

    assert 0.499 < conv.settings.consent_affirm_threshold
    weak_affirm(conv, "👍", 0.499)
    with_facts(conv)
    say(conv, "/subscribe_alerts")
    again = say(conv, "👍")
    assert responses(again) == ["clear_yes"] and [b["payload"] for b in again.messages[0].buttons] == ["/affirm", "/deny"]
    assert api.store.all() == []
    assert responses(say(conv, "👍")) == ["utter_alerts_not_subscribed_declined"]
    assert api.store.all() == []
    # a clear yes after asking subscribes; a no after asking stores nothing
    say(conv, "/subscribe_alerts")
    say(conv, "👍")
    assert responses(say(conv, "/affirm")) == ["utter_alerts_subscribed"] and len(api.store.all()) == 1
    say(conv, "/unsubscribe_alerts")
    say(conv, "👍")
    assert responses(say(conv, "/deny")) == ["utter_alerts_kept"] and len(api.store.all()) == 1


# --- s47: alerts asked for before the facts are known are offered with the eligibility results ---

@pytest.fixture
def checker(make_processor: Any, api: Api) -> MessageProcessor:
    """:func:`conv` with the eligibility connector too (its form and check, over the session's small catalogue)."""
    return make_processor(connector_actions="connectors.eligibility.actions,connectors.alerts.actions", alerts_url=api.url,
                          api_token=TOKEN, tasks_applicant_secret=SECRET, connector_timeout=2.0, connector_retries=2)


#: answers to the eligibility form's questions, by the slot asked (anything else is answered "아니요")
FORM_ANSWERS = {"region": "서울에 살아요", "age": "70세예요", "income_pct": "45%"}


def finish_questions(p: MessageProcessor, first: Turn, sender: str = SENDER, limit: int = 15) -> tuple[Turn, list[str]]:
    """Answers the form's questions until it ends (each by :data:`FORM_ANSWERS`, else "아니요"); the last turn and the
    slots asked."""
    turn, asked = first, []
    for _ in range(limit):
        tracker = p.load(sender)
        if tracker.active_loop_name != "eligibility_form":
            return turn, asked
        want = str(tracker.get_slot("requested_slot"))
        asked.append(want)
        turn = say(p, FORM_ANSWERS.get(want, "아니요"), sender)
    raise AssertionError(f"the questions did not end after {limit} answers: {asked}")


def test_alerts_asked_before_the_facts_are_offered_after_the_results(checker: MessageProcessor, api: Api) -> None:
    """"새 혜택 나오면 알림 받고 싶어요" with nothing known: the check first (its button, or a yes), then, with the
    results, the alert offer listing the answers just given; a yes subscribes with those facts. Before s47 the
    citizen was told to ask for the alerts again after the check."""
    assert responses(say(checker, "새 혜택 나오면 알림 받고 싶어요")) == ["utter_alerts_need_facts"]
    start = say(checker, "네")
    assert checker.load(SENDER).active_loop_name == "eligibility_form", text(start)
    last, asked = finish_questions(checker, start)
    got = responses(last)
    assert got[-1] == "utter_alerts_offer", got
    assert last.messages[-2].custom.get("eligibility") is not None  # the results come first, then the offer
    lines = text(last).splitlines()
    assert "- 나이: 70" in lines and "- 사는 곳(시·군·구까지): 서울특별시" in lines and "- 소득(중위소득 대비 %): 45" in lines
    assert {"region", "age", "income_pct"} <= set(asked) and api.store.all() == []  # nothing before the yes
    assert checker.load(SENDER).get_slot("alerts_requested") is None  # offered once
    assert responses(say(checker, "/affirm")) == ["utter_alerts_subscribed"]
    [sub] = api.store.all()
    assert sub.facts["age"] == 70 and sub.facts["region"] == "서울특별시" and sub.facts["income_pct_median"] == 45.0


@pytest.mark.parametrize(("start", "ask", "lang"), [
    ("제가 받을 수 있는 혜택 알려주세요", "새 혜택 생기면 알림 받고 싶어요", "ko"),
    ("What benefits can I get?", "notify me about new benefits", "en"),
])
def test_alerts_asked_during_the_questions_are_offered_with_the_results(checker: MessageProcessor, api: Api,
                                                                        start: str, ask: str, lang: str) -> None:
    sender = f"during-{lang}"
    first = say(checker, start, sender)
    assert checker.load(sender).active_loop_name == "eligibility_form", text(first)
    told = say(checker, ask, sender)
    assert responses(told)[0] == "utter_alerts_after_questions"
    assert told.messages[0].text == checker.domain.response("utter_alerts_after_questions", lang)["text"]
    assert checker.load(sender).get_slot("alerts_requested") is True
    last, _asked = finish_questions(checker, told, sender)
    assert responses(last)[-1] == "utter_alerts_offer", responses(last)
    assert api.store.all() == []


def test_a_no_to_the_check_first_drops_the_alert_request(checker: MessageProcessor, api: Api) -> None:
    """A no to "먼저 받을 수 있는 혜택을 확인해 볼까요?" asks for neither: a check started later ends with its results
    alone."""
    say(checker, "새 혜택 나오면 알림 받고 싶어요")
    no = say(checker, "아니요")
    assert responses(no) == ["utter_how_can_i_help"] and checker.load(SENDER).get_slot("alerts_requested") is None
    last, _asked = finish_questions(checker, say(checker, "제가 받을 수 있는 혜택 알려주세요"))
    assert "utter_alerts_offer" not in responses(last) and last.messages[-1].custom.get("eligibility") is not None


def test_facts_said_with_the_request_are_offered_at_once(checker: MessageProcessor, api: Api) -> None:
    """s45 probe: "저 67살이고 전주 살아요 새로운 지원 나오면 알림 받을 수 있어요?" started the questionnaire with no
    offer. The age and the place it says are the facts the offer lists (전주 is one 시: 전북특별자치도 전주시)."""
    offer = say(checker, "저 67살이고 전주 살아요 새로운 지원 나오면 알림 받을 수 있어요?")
    assert responses(offer) == ["utter_alerts_offer"], text(offer)
    lines = text(offer).splitlines()
    assert "- 나이: 67" in lines and "- 사는 곳(시·군·구까지): 전북특별자치도 전주시" in lines
    assert responses(say(checker, "네")) == ["utter_alerts_subscribed"]
    [sub] = api.store.all()
    assert sub.facts == {"age": 67, "region": "전북특별자치도 전주시"}
