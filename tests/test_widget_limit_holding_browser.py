"""The widget enforces the server's message limit and replaces its holding reply by the answer (fresh-user report s7,
defect 14: a 4,500-character paste was sent and refused; "요청하신 내용을 확인하고 있어요…" stayed in the chat).

The page is served by the real app (:func:`assistant.server.app.create_app`, its ``GET /`` and static files) with a
limit set in :class:`~assistant.settings.Settings`, no model loaded; the webhook's replies are played by Playwright's
request routing, so the holding reply comes exactly when the test wants it. Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from browser import SharedChromium
from live_server import LiveServer

from assistant.server.app import create_app
from assistant.settings import Settings

pytestmark = [pytest.mark.integration]

LIMIT = 120  # a limit other than the default 4000: the widget must take it from the server

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route


@pytest.fixture(scope="module")
def base_url(chromium: SharedChromium, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(home=tmp_path_factory.mktemp("home"), max_message_chars=LIMIT, mydata_sweep_interval=0)
    app = create_app(settings, router=object(), processor=object())  # the page and static files only
    with LiveServer(app) as live:
        yield live.url


@pytest.fixture()
def page(chromium: SharedChromium, base_url: str) -> Iterator[Page]:
    context = chromium.browser().new_context(locale="ko-KR")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.route("**/webhooks/rest/pending*", lambda route: route.fulfill(status=404, body="{}"))
    pg.goto(base_url + "/")
    pg.wait_for_selector("#chat[data-ready='true']", state="attached")
    try:
        yield pg
        assert errors == [], errors
    finally:
        context.close()


def test_the_text_box_takes_the_servers_limit(page: Page) -> None:
    box = page.locator("#chat-input")
    expect(box).to_have_attribute("maxlength", str(LIMIT))
    counter = page.locator("#chat-count")
    page.keyboard.insert_text("가" * (LIMIT * 9 // 10 - 1))  # below 90 % of the limit: no counter
    expect(counter).to_be_hidden()
    page.keyboard.insert_text("나")  # 90 %: the counter shows
    expect(counter).to_be_visible()
    expect(counter).to_have_text(f"{LIMIT * 9 // 10} / {LIMIT}자")
    page.keyboard.insert_text("다" * (LIMIT * 2))  # a paste longer than the limit is cut at the limit
    assert len(box.input_value()) == LIMIT
    expect(counter).to_have_text(f"{LIMIT}자까지 보낼 수 있어요. 나눠서 보내 주세요.")
    page.click("#lang-toggle")
    expect(counter).to_have_text(f"Messages can be up to {LIMIT} characters. Please send the rest separately.")
    box.fill("")
    page.keyboard.insert_text("x" * (LIMIT - 5))
    expect(counter).to_have_text(f"{LIMIT - 5} / {LIMIT} characters")


def test_a_pasted_long_message_is_sent_within_the_limit(page: Page) -> None:
    sent: list[dict[str, Any]] = []

    def webhook(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(status=200, content_type="application/json", body=json.dumps([{"recipient_id": "x", "text": "네"}]))

    page.route("**/webhooks/rest/webhook", webhook)
    page.locator("#chat-input").focus()
    page.keyboard.insert_text("주거 지원 " * 100)  # 600 characters pasted
    page.keyboard.press("Enter")
    expect(page.locator(".msg.bot .msg-text")).to_have_text(["네"])
    assert len(sent) == 1 and 0 < len(sent[0]["message"]) <= LIMIT
    expect(page.locator("#chat-count")).to_be_hidden()  # the box is empty again
    expect(page.locator(".msg.error")).to_have_count(0)


def test_the_answer_replaces_the_holding_reply(page: Page) -> None:
    holding = "요청하신 내용을 확인하고 있어요…"
    answer = "주거급여는 중위소득 48% 이하 가구가 받을 수 있어요."
    ids: list[str] = []

    def webhook(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        ids.append(body["message_id"])
        reply = ([{"recipient_id": body["sender"], "text": holding, "custom": {"pending": True}}] if len(ids) < 3
                 else [{"recipient_id": body["sender"], "text": answer}])
        route.fulfill(status=200, content_type="application/json", body=json.dumps(reply, ensure_ascii=False))

    page.route("**/webhooks/rest/webhook", webhook)
    page.fill("#chat-input", "주거급여 받을 수 있나요?")
    page.press("#chat-input", "Enter")
    expect(page.locator(".msg.bot.holding .msg-text")).to_have_text([holding])  # shown while the turn runs
    expect(page.locator(".msg.bot:not(.welcome) .msg-text")).to_have_text([answer], timeout=20_000)
    expect(page.locator(".msg.bot.holding")).to_have_count(0)
    assert page.locator("#chat-log").inner_text().count(holding) == 0
    assert len(ids) == 3 and len(set(ids)) == 1  # the same message redelivered until the answer came


def test_an_error_after_the_holding_reply_replaces_it_too(page: Page) -> None:
    holding = "잠시만요…"
    calls: list[int] = []

    def webhook(route: Route) -> None:
        calls.append(1)
        if len(calls) == 1:
            body = json.loads(route.request.post_data or "{}")
            route.fulfill(status=200, content_type="application/json",
                          body=json.dumps([{"recipient_id": body["sender"], "text": holding, "custom": {"pending": True}}]))
        else:
            route.fulfill(status=500, content_type="application/json", body=json.dumps({"detail": "boom"}))

    page.route("**/webhooks/rest/webhook", webhook)
    page.fill("#chat-input", "안녕하세요")
    page.press("#chat-input", "Enter")
    expect(page.locator(".msg.error")).to_have_count(1, timeout=20_000)
    expect(page.locator(".msg.bot.holding")).to_have_count(0)
