"""The widget never switches a conversation's language by itself (headless Chromium, no assistant server).

The page, its script and its stylesheet are served from the checkout through Playwright's request routing, and
the REST webhook is answered by the test, so this runs in seconds. Checked: a button's payload carries no
``metadata.language`` (a Korean interface used to send ``"ko"`` with "/deny" and switch an English conversation
to Korean), typed text carries it only once the citizen chose the interface language with the toggle, and a bot
message's hidden speaker label is in the message's language ("Assistant:" for English) whatever the interface's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from browser import SharedChromium

pytestmark = [pytest.mark.integration]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

STATIC = Path(__file__).resolve().parent.parent / "assistant" / "channels" / "static"
ORIGIN = "http://widget.test"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml"}
EN_REPLY = [{"recipient_id": "x", "text": "Do you want to apply for the energy voucher?",
             "buttons": [{"title": "No", "payload": "/deny"}], "custom": {"language": "en"}}]
KO_REPLY = [{"recipient_id": "x", "text": "알겠어요. 다른 도움이 필요하면 말씀해 주세요.", "custom": {"language": "ko"}}]


class FakeServer:
    """Answers the page's requests: static files from the checkout, the webhook from ``replies`` (in order)."""

    def __init__(self, replies: list[list[dict[str, Any]]]) -> None:
        self.replies = replies
        self.bodies: list[dict[str, Any]] = []
        self.not_found: list[str] = []

    def handle(self, route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path == "/webhooks/rest/webhook":
            self.bodies.append(json.loads(route.request.post_data or "{}"))
            route.fulfill(status=200, content_type="application/json", body=json.dumps(self.replies.pop(0)))
        elif path == "/webhooks/rest/pending":
            route.fulfill(status=200, content_type="application/json", body=json.dumps({"messages": [], "more": False}))
        else:
            name = "index.html" if path == "/" else path.removeprefix("/static/")
            file = STATIC / name
            if "/" in name or not file.is_file():
                self.not_found.append(path)
                route.fulfill(status=404, body="not found")
                return
            route.fulfill(status=200, content_type=TYPES.get(file.suffix, "application/octet-stream"), body=file.read_bytes())


@pytest.fixture()
def browser(chromium: SharedChromium) -> Iterator[Any]:
    """The shared headless Chromium (tests/browser.py); the browser contexts a test opened are closed after it."""
    shared = chromium.browser()
    before = set(shared.contexts)
    try:
        yield shared
    finally:
        for context in shared.contexts:
            if context not in before:
                context.close()


def _open(browser: Any, server: FakeServer) -> tuple[Page, list[str]]:
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(ORIGIN + "/**", server.handle)
    page.goto(ORIGIN + "/")
    page.wait_for_selector("#chat[data-ready='true']", state="attached")
    return page, errors


def _type(page: Page, server: FakeServer, text: str) -> dict[str, Any]:
    bots = page.locator(".msg.bot").count()
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    expect(page.locator(".msg.bot")).to_have_count(bots + 1)
    return server.bodies[-1]


def _click(page: Page, server: FakeServer, title: str) -> dict[str, Any]:
    bots = page.locator(".msg.bot").count()
    page.locator(".bot-button", has_text=title).last.click()
    expect(page.locator(".msg.bot")).to_have_count(bots + 1)
    return server.bodies[-1]


def test_button_payload_sends_no_language_and_labels_follow_the_message(browser: Any) -> None:
    server = FakeServer([EN_REPLY, KO_REPLY])
    page, errors = _open(browser, server)
    expect(page.locator("html")).to_have_attribute("lang", "ko")  # the interface opened in Korean

    first = _type(page, server, "How do I apply for the energy voucher?")
    assert first["metadata"] == {}  # no explicit choice yet: the server reads the text's language
    label = page.locator(".msg.bot").last.locator(".visually-hidden").first
    expect(label).to_have_text("Assistant:")
    expect(label).to_have_attribute("lang", "en")

    second = _click(page, server, "No")
    assert second["message"] == "/deny"
    assert second["metadata"] == {}
    expect(page.locator(".msg.bot").last.locator(".visually-hidden").first).to_have_text("도우미:")
    assert errors == []
    assert server.not_found == []
    # the page names its icon (headless Chromium fetches no icon itself, so the test fetches it): a browser with no
    # <link rel=icon> asks for /favicon.ico, which was a 404 in the console
    icon = page.evaluate("""() => { const l = document.querySelector('link[rel=icon]');
        return l ? fetch(l.href).then(r => [r.status, r.headers.get('content-type')]) : null; }""")
    assert icon == [200, "image/svg+xml"]


def test_explicit_choice_goes_with_typed_text_only(browser: Any) -> None:
    server = FakeServer([EN_REPLY, KO_REPLY])
    page, errors = _open(browser, server)
    page.click("#lang-toggle")  # the citizen chooses English
    expect(page.locator("html")).to_have_attribute("lang", "en")

    typed = _type(page, server, "energy voucher")
    assert typed["metadata"] == {"language": "en"}
    clicked = _click(page, server, "No")
    assert clicked["message"] == "/deny" and clicked["metadata"] == {}

    # a Korean reply keeps its Korean label in the English interface, and switching back re-labels nothing
    ko_label = page.locator(".msg.bot").last.locator(".visually-hidden").first
    expect(ko_label).to_have_text("도우미:")
    page.click("#lang-toggle")
    expect(page.locator(".msg.bot").first.locator(".visually-hidden").first).to_have_text("Assistant:")
    assert errors == []


def test_interface_follows_the_conversation_language_once_answered(browser: Any) -> None:
    """Fresh-user report item 14: the labels followed only the browser's language (English labels around Korean
    replies in an en-US browser). Without a toggle choice, the interface takes the latest reply's language, also
    after a reload; a toggle choice still wins."""
    server = FakeServer([EN_REPLY, KO_REPLY])
    page, errors = _open(browser, server)
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#chat-input")).to_have_attribute("placeholder", "궁금한 정부 서비스를 물어보세요")

    _type(page, server, "How do I apply for the energy voucher?")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#chat-input")).to_have_attribute("placeholder", "Ask about a government service")
    expect(page.locator("#lang-toggle")).to_have_text("한국어")
    expect(page.locator(".msg.welcome .msg-text")).to_contain_text("Hello!")

    page.reload()
    page.wait_for_selector("#chat[data-ready='true']", state="attached")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the conversation is English

    _type(page, server, "알겠어요")  # the conversation turns Korean: so does the interface
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#chat-input")).to_have_attribute("placeholder", "궁금한 정부 서비스를 물어보세요")
    assert all(b["metadata"] == {} for b in server.bodies)  # following a reply is no choice sent to the server
    assert errors == []


def test_toggle_choice_wins_over_the_reply_language(browser: Any) -> None:
    server = FakeServer([KO_REPLY])
    page, errors = _open(browser, server)
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _type(page, server, "에너지바우처")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".msg.bot").last.locator(".visually-hidden").first).to_have_text("도우미:")
    assert errors == []
