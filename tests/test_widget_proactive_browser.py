"""The widget's delivery and proactive messages in a real headless Chromium (Playwright) against the real app.

The app is create_app over the engine on the bundled router (trained once per session by tests/conftest.py),
served by uvicorn on a free port (tests/live_server.py), with the holding reply after 1 s. The knowledge action
is wrapped so that a test can make it slow (3 s, a slow back end as in case C06) and count its runs. The MyData
consent step runs against the sandbox provider this app mounts, in a second tab, as a citizen would.

The shared headless Chromium of tests/browser.py (closed before any test that does not use it: Playwright's event
loop and other tests' loops do not mix in one process).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from browser import SharedChromium
from dbservers import free_port
from live_server import LiveServer

from assistant.dialogue.actions import FunctionAction
from assistant.server.app import create_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WEBHOOK = "/webhooks/rest/webhook"
PENDING = "/webhooks/rest/pending"
SLOW_S = 3.0
HOLD_S = 1.0
QUESTION = "에너지바우처 신청 방법"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request


class SlowKnowledge:
    """The knowledge action, slow while ``slow`` is set; counts its runs per conversation."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.slow = threading.Event()
        self.runs: list[str] = []

    def __call__(self, tracker, domain, context):  # type: ignore[no-untyped-def]
        self.runs.append(tracker.sender_id)
        if self.slow.is_set():
            time.sleep(SLOW_S)
        return self.original.run(tracker, domain, context)


@pytest.fixture(scope="module")
def served(chromium, bundled_settings, bundled_router, make_processor, tmp_path_factory):  # type: ignore[no-untyped-def]
    """(base URL, app, SlowKnowledge): the real app on a free port; MyData goes to the sandbox it mounts
    (``chromium`` first: it skips without a browser before the server starts)."""
    port = free_port()
    home = tmp_path_factory.mktemp("widget-proactive-home")
    for name in ("index", "nlu"):  # the trained artefacts; the databases start empty
        if (bundled_settings.home / name).exists():
            shutil.copytree(bundled_settings.home / name, home / name)
    overrides = {"host": "127.0.0.1", "port": port, "holding_reply_after": HOLD_S, "home": home}
    settings = bundled_settings.model_copy(update=overrides)
    processor = make_processor(**overrides)
    slow = SlowKnowledge(processor.action("action_answer_from_knowledge"))
    processor.registry.register(FunctionAction("action_answer_from_knowledge", slow), replace=True)
    app = create_app(settings, router=bundled_router, processor=processor)
    with LiveServer(app, port=port) as live:
        yield live.url, app, slow


@pytest.fixture()
def page(chromium: SharedChromium, served: Any) -> Iterator[Page]:
    context = chromium.browser().new_context(locale="ko-KR", viewport={"width": 360, "height": 740})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(served[0] + "/")
    pg.wait_for_selector("#chat[data-ready='true']", state="attached")
    try:
        yield pg
        assert errors == [], f"JavaScript errors on the page: {errors}"
    finally:
        context.close()


def _posts(pg: Page) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []

    def seen(r: Request) -> None:
        if r.url.endswith(WEBHOOK) and r.method == "POST":
            bodies.append(json.loads(r.post_data or "{}"))

    pg.on("request", seen)
    return bodies


def test_message_id_is_kept_when_a_network_error_is_retried(page: Page, served: Any) -> None:
    slow: SlowKnowledge = served[2]
    slow.slow.clear()
    bodies = _posts(page)
    failed: list[str] = []

    def flaky(route: Any) -> None:
        if not failed:  # the first delivery is lost on the way
            failed.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**" + WEBHOOK, flaky)
    sender = page.evaluate("sessionStorage.getItem('assistant.sender')")
    runs_before = slow.runs.count(sender)
    page.fill("#chat-input", QUESTION)
    page.press("#chat-input", "Enter")
    expect(page.locator(".msg.bot .citations a").first).to_be_visible(timeout=60_000)
    expect(page.locator(".msg.error")).to_have_count(0)
    expect(page.locator(".msg.notice")).to_have_count(0)  # the "sending again" notice is gone
    # the lost delivery and its retry (and, if the first turn of a cold engine outlasts the holding delay,
    # follow-ups after a holding reply): one message id throughout
    assert len(failed) == 1 and len(bodies) >= 2, bodies
    ids = {b["message_id"] for b in bodies}
    assert len(ids) == 1 and re.fullmatch(r"m-[0-9a-f-]{32,36}", ids.pop())
    assert all(b["sender"] == sender and b["message"] == QUESTION and b["metadata"] == {} for b in bodies)
    assert slow.runs.count(sender) == runs_before + 1
    # the next message has a new id
    expect(page.locator("#chat-send")).to_be_enabled()
    n = len(bodies)
    page.fill("#chat-input", "고마워요")
    page.press("#chat-input", "Enter")
    expect(page.locator(".msg.user")).to_have_count(2)
    expect(page.locator("#chat-send")).to_be_enabled(timeout=60_000)
    assert len(bodies) > n and bodies[n]["message_id"] != bodies[0]["message_id"]


def test_holding_reply_then_final_answer_without_typing(page: Page, served: Any) -> None:
    slow: SlowKnowledge = served[2]
    slow.slow.set()
    try:
        bodies = _posts(page)
        sender = page.evaluate("sessionStorage.getItem('assistant.sender')")
        page.fill("#chat-input", QUESTION)
        page.press("#chat-input", "Enter")
        holding = page.locator(".msg.bot.holding")
        expect(holding).to_have_count(1, timeout=10_000)
        expect(holding.locator(".msg-text")).to_have_text("요청하신 내용을 확인하고 있어요. 잠시만 기다려 주세요.")
        expect(page.locator("#chat-typing")).to_be_visible()
        # the answer needs no typing: it arrives after the slow action finishes, and replaces the holding reply
        # (which stayed in the chat before: fresh-user report s7, defect 14); until then it was shown once,
        # not once per redelivery
        answer = page.locator(".msg.bot:not(.holding)")
        expect(answer.locator(".citations a").first).to_be_visible(timeout=30_000)
        expect(holding).to_have_count(0)
        assert "요청하신 내용을 확인하고 있어요" not in page.locator("#chat-log").inner_text()
        expect(page.locator(".msg.user")).to_have_count(1)
        expect(page.locator("#chat-send")).to_be_enabled()
        assert len(bodies) >= 2 and len({b["message_id"] for b in bodies}) == 1, bodies
        assert slow.runs.count(sender) == 1  # one turn, however many deliveries
    finally:
        slow.slow.clear()


def test_reload_while_holding_redelivers_the_same_id_and_shows_the_answer(page: Page, served: Any) -> None:
    slow: SlowKnowledge = served[2]
    slow.slow.set()
    try:
        bodies = _posts(page)
        sender = page.evaluate("sessionStorage.getItem('assistant.sender')")
        page.fill("#chat-input", QUESTION)
        page.press("#chat-input", "Enter")
        expect(page.locator(".msg.bot.holding")).to_have_count(1, timeout=10_000)
        page.reload()  # the citizen reloads while the answer is on its way
        page.wait_for_selector("#chat[data-ready='true']", state="attached")
        expect(page.locator(".msg.user .msg-text")).to_have_text([QUESTION])
        expect(page.locator(".msg.bot .citations a").first).to_be_visible(timeout=30_000)
        expect(page.locator("#chat-send")).to_be_enabled()
        after_reload = _posts(page)
        assert len(bodies) >= 2 and len({b["message_id"] for b in bodies}) == 1, bodies
        assert slow.runs.count(sender) == 1
        assert page.evaluate("sessionStorage.getItem('assistant.inflight')") is None
        page.reload()  # nothing in flight any more: nothing is sent again
        page.wait_for_selector("#chat[data-ready='true']", state="attached")
        page.wait_for_timeout(500)
        assert after_reload == [] and page.locator(".msg.user").count() == 0
    finally:
        slow.slow.clear()


def test_mydata_consent_in_another_tab_continues_in_the_widget(page: Page, served: Any) -> None:
    base = served[0]
    page.fill("#chat-input", "마이데이터로 불러와 주세요")
    page.press("#chat-input", "Enter")
    expect(page.locator(".msg.bot .bot-button").first).to_be_visible(timeout=30_000)
    expect(page.locator("#chat-send")).to_be_enabled()
    page.locator(".msg.bot .bot-button", has_text="동의합니다").click()
    link = page.locator(".msg.bot a.msg-link")
    expect(link).to_have_count(1, timeout=30_000)
    href = link.get_attribute("href") or ""
    assert href.startswith(base + "/mydata/authorize?ticket="), href
    bots_before = page.locator(".msg.bot").count()
    with page.context.expect_page() as popup_info:
        link.click()
    provider = popup_info.value
    provider.wait_for_load_state()
    assert "/connectors/mydata-sandbox/" in provider.url
    citizen = provider.locator("a[href*='login_hint=sandbox-01']:not([href*='decision=deny'])").first
    citizen.click()
    provider.wait_for_url(re.compile(r".*/mydata/callback\?.*"))
    expect(provider.locator("body")).to_contain_text("대화창으로 돌아가 주세요")
    callback_text = provider.locator("body").inner_text()
    provider.close()
    page.bring_to_front()
    # the continuation reaches the widget without the citizen typing
    proactive = page.locator(".msg.bot.proactive")
    expect(proactive.first).to_be_visible(timeout=15_000)
    texts = proactive.locator(".msg-text").all_inner_texts()
    assert texts and all(t.strip() and t.strip().splitlines()[0] in callback_text for t in texts), (texts, callback_text)
    assert page.locator(".msg.bot").count() == bots_before + len(texts)
    # shown once: a reload (same session, cursor remembered) does not repeat it
    page.reload()
    page.wait_for_selector("#chat[data-ready='true']", state="attached")
    with page.expect_response(lambda r: PENDING in r.url) as resp:
        pass
    assert resp.value.json()["messages"] == []
