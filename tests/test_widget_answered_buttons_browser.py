"""An answered message's buttons do nothing (task s9-fix item 3; fresh-user s8 UX nit: an earlier "아니요" clicked after
the question was answered sent /deny, and the assistant said "지금 확인을 기다리는 요청이 없어서…").

A message's buttons are retired once one of them is clicked or a newer bot message arrives (an answer, a holding reply,
a proactive message): they stay on screen and in the tab order, readable, marked ``aria-disabled="true"`` (their group
is labelled "이미 답한 선택지" / "Options already answered"); clicking one, or pressing Enter on it, sends nothing.

The page is served by the real app (its ``GET /`` and static files, no model loaded); the webhook's replies are
played by Playwright's request routing. Debian's Chromium (/usr/bin/chromium).
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

pytestmark = [pytest.mark.integration, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

YES_NO = [{"title": "네", "payload": "/affirm"}, {"title": "아니요", "payload": "/deny"}]


@pytest.fixture(scope="module")
def base_url(chromium: SharedChromium, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(home=tmp_path_factory.mktemp("home"), mydata_sweep_interval=0)
    app = create_app(settings, router=object(), processor=object())  # the page and static files only
    with LiveServer(app) as live:
        yield live.url


class Webhook:
    """Plays the REST channel: each request gets the next of ``replies``; the request bodies are kept."""

    def __init__(self, replies: list[list[dict[str, Any]]]) -> None:
        self.replies, self.sent = replies, list[dict[str, Any]]()

    def __call__(self, route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        self.sent.append(body)
        reply = self.replies[min(len(self.sent), len(self.replies)) - 1]
        route.fulfill(status=200, content_type="application/json", body=json.dumps(reply, ensure_ascii=False))


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


def _type(pg: Page, text: str) -> None:
    pg.fill("#chat-input", text)
    pg.press("#chat-input", "Enter")


def _idle(pg: Page) -> None:
    expect(pg.locator("#chat-send")).to_be_enabled()


def test_a_clicked_choice_retires_its_message_and_an_old_no_sends_nothing(page: Page) -> None:
    hook = Webhook([[{"recipient_id": "x", "text": "이대로 신청을 접수할까요?", "buttons": YES_NO}],
                    [{"recipient_id": "x", "text": "접수했어요. 알림도 받으실래요?", "buttons": YES_NO}]])
    page.route("**/webhooks/rest/webhook", hook)
    _type(page, "신청할래요")
    first = page.locator(".msg.bot .msg-buttons").nth(0)
    expect(first.locator(".bot-button")).to_have_count(2)
    assert first.locator(".bot-button").nth(1).get_attribute("aria-disabled") is None  # the open question

    first.locator(".bot-button", has_text="네").click()
    expect(page.locator(".msg.bot .msg-buttons")).to_have_count(2)
    _idle(page)
    assert [s["message"] for s in hook.sent] == ["신청할래요", "/affirm"]
    # the answered message: readable, focusable, aria-disabled, the chosen one pressed; its group says it is answered
    old = first.locator(".bot-button")
    assert [old.nth(i).get_attribute("aria-disabled") for i in range(2)] == ["true", "true"]
    assert [old.nth(i).get_attribute("aria-pressed") for i in range(2)] == ["true", None]
    assert [old.nth(i).is_visible() for i in range(2)] == [True, True]
    assert old.nth(1).evaluate("b => b.disabled") is False  # not removed from the tab order
    assert old.nth(1).inner_text() == "아니요"
    expect(first).to_have_attribute("aria-label", "이미 답한 선택지")
    # the newer question's buttons are live
    newer = page.locator(".msg.bot .msg-buttons").nth(1)
    assert newer.locator(".bot-button").nth(1).get_attribute("aria-disabled") is None
    expect(newer).to_have_attribute("aria-label", "선택지")

    # clicking the earlier "아니요", by mouse or keyboard, sends nothing and adds nothing to the chat
    users = page.locator(".msg.user").count()
    old.nth(1).click(force=True)  # force: Playwright itself treats aria-disabled buttons as disabled
    old.nth(1).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    page.wait_for_timeout(300)
    assert len(hook.sent) == 2 and page.locator(".msg.user").count() == users

    # the screen-reader label follows the interface language
    page.click("#lang-toggle")
    expect(first).to_have_attribute("aria-label", "Options already answered")
    expect(newer).to_have_attribute("aria-label", "Options")


def test_a_newer_bot_message_retires_earlier_choices_unanswered(page: Page) -> None:
    hook = Webhook([[{"recipient_id": "x", "text": "마이데이터로 정보를 가져올까요?", "buttons": YES_NO}],
                    [{"recipient_id": "x", "text": "나이를 알려 주세요."}]])
    page.route("**/webhooks/rest/webhook", hook)
    _type(page, "받을 수 있는 혜택이 뭐예요?")
    expect(page.locator(".msg.bot .bot-button")).to_have_count(2)
    _idle(page)
    _type(page, "67살이에요")  # typed instead of a click: the reply is a newer bot message
    expect(page.locator(".msg.bot .msg-text").last).to_have_text("나이를 알려 주세요.")
    buttons = page.locator(".msg.bot .bot-button")
    assert [buttons.nth(i).get_attribute("aria-disabled") for i in range(2)] == ["true", "true"]
    assert [buttons.nth(i).get_attribute("aria-pressed") for i in range(2)] == [None, None]  # none was chosen
    _idle(page)
    buttons.nth(0).click(force=True)
    page.wait_for_timeout(300)
    assert len(hook.sent) == 2


def test_several_messages_of_one_turn_keep_their_buttons(page: Page) -> None:
    """The messages of one reply are all new: a text after the question does not retire the question's buttons."""
    hook = Webhook([[{"recipient_id": "x", "text": "이대로 신청을 접수할까요?", "buttons": YES_NO},
                     {"recipient_id": "x", "text": "서류는 나중에 내도 돼요."}],
                    [{"recipient_id": "x", "text": "접수했어요."}]])
    page.route("**/webhooks/rest/webhook", hook)
    _type(page, "신청할래요")
    expect(page.locator(".msg.bot .msg-text").last).to_have_text("서류는 나중에 내도 돼요.")
    _idle(page)
    button = page.locator(".msg.bot .bot-button", has_text="아니요")
    assert button.get_attribute("aria-disabled") is None
    button.click()
    expect(page.locator(".msg.bot .msg-text").last).to_have_text("접수했어요.")
    assert [s["message"] for s in hook.sent] == ["신청할래요", "/deny"]
