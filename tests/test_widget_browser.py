"""End-to-end test of the web chat widget in a real headless Chromium.

Starts the real server (``python -m assistant serve``) on a free port with a
fresh ``ASSISTANT_HOME`` holding a copy of the session's built index and trained
NLU (tests/conftest.py's bundled home: the server loads them instead of importing
and training again; the first start of an empty home is tests/server/test_first_start.py's; the fixture
``server_url`` is tests/conftest.py's, shared with tests/test_widget_restart_browser.py),
then drives the shared headless Chromium (tests/browser.py) through Playwright's sync API.
Playwright's own browser downloads are not used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from browser import SharedChromium

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPLY_TIMEOUT_MS = 60_000
WEBHOOK_PATH = "/webhooks/rest/webhook"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route


@pytest.fixture()
def page(chromium: SharedChromium, server_url: str) -> Iterator[Page]:
    """A fresh Korean-locale page (its own browser context on the shared Chromium) with the widget loaded and ready."""
    context = chromium.browser().new_context(
        locale="ko-KR", viewport={"width": 360, "height": 740}
    )
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(server_url + "/")
    pg.wait_for_selector("#chat[data-ready='true']", state="attached")
    try:
        yield pg
        assert errors == [], f"JavaScript errors on the page: {errors}"
    finally:
        context.close()


def _ask(pg: Page, text: str) -> dict:
    """Type ``text`` into the widget, press Enter, wait for the reply; return the request body."""
    users_before = pg.locator(".msg.user").count()
    bots_before = pg.locator(".msg.bot").count()
    others_before = pg.locator(".msg.error, .msg.notice").count()
    pg.fill("#chat-input", text)
    with pg.expect_request(
        lambda r: r.url.endswith(WEBHOOK_PATH) and r.method == "POST"
    ) as request_info:
        pg.press("#chat-input", "Enter")
    body = json.loads(request_info.value.post_data or "{}")
    user_msgs = pg.locator(".msg.user")
    expect(user_msgs).to_have_count(users_before + 1)
    expect(user_msgs.last.locator(".msg-text")).to_have_text(text)
    # Wait until the turn ends: a bot message (the server may send several), or an
    # error / "no reply" notice, which fails the test with its text instead of a timeout.
    pg.wait_for_function(
        """n => document.querySelectorAll('.msg.bot').length > n.bots
               || document.querySelectorAll('.msg.error, .msg.notice').length > n.others""",
        arg={"bots": bots_before, "others": others_before},
        timeout=REPLY_TIMEOUT_MS,
    )
    problems = pg.locator(".msg.error, .msg.notice").all_inner_texts()
    assert problems[others_before:] == [], f"widget showed an error instead of a reply to {text!r}"
    assert pg.locator(".msg.bot").count() > bots_before
    # Input is re-enabled and cleared once the turn is over.
    expect(pg.locator("#chat-send")).to_be_enabled(timeout=REPLY_TIMEOUT_MS)
    expect(pg.locator("#chat-input")).to_have_value("")
    return body


def test_page_loads_in_korean(page: Page) -> None:
    expect(page).to_have_title("정부 서비스 도우미")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text("정부 서비스 도우미")
    log = page.locator("#chat-log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.locator("#chat-send")).to_have_text("보내기")
    expect(page.locator("#chat-input")).to_be_focused()
    # The input has a real label.
    expect(page.get_by_label("질문 입력")).to_have_id("chat-input")
    assert page.evaluate("document.getElementById('chat-input').tagName") == "TEXTAREA"
    assert page.evaluate("document.getElementById('chat-send').tagName") == "BUTTON"
    sender = page.evaluate("sessionStorage.getItem('assistant.sender')")
    assert isinstance(sender, str) and len(sender) >= 16


def test_korean_question_gets_cited_answer(page: Page) -> None:
    body = _ask(page, "에너지바우처 신청 방법")
    assert body["message"] == "에너지바우처 신청 방법"
    # the page opened in Korean but the citizen chose no language: the text's own language decides
    assert body["metadata"] == {}
    sender = page.evaluate("sessionStorage.getItem('assistant.sender')")
    assert body["sender"] == sender

    bot = page.locator(".msg.bot").last
    expect(bot.locator(".msg-text")).not_to_be_empty()
    links = page.locator(".msg.bot .citations a")
    assert links.count() >= 1
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert any(h.startswith("https://www.gov.kr/") for h in hrefs), hrefs
    first = links.first
    expect(first).to_have_attribute("target", "_blank")
    assert "noopener" in (first.get_attribute("rel") or "")
    expect(page.locator(".msg.bot .citations-title").first).to_have_text("출처")
    expect(page.locator("#chat-input")).to_be_focused()


def test_language_toggle_switches_ui_to_english(page: Page) -> None:
    toggle = page.locator("#lang-toggle")
    expect(toggle).to_have_text("English")
    assert page.evaluate("document.getElementById('lang-toggle').tagName") == "BUTTON"
    toggle.click()
    expect(page.locator("#chat-input")).to_have_attribute(
        "placeholder", "Ask about a government service"
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title("Government services assistant")
    expect(page.locator("h1")).to_have_text("Government services assistant")
    expect(page.locator("#chat-send")).to_have_text("Send")
    expect(toggle).to_have_text("한국어")
    # And back again.
    toggle.click()
    expect(page.locator("#chat-input")).to_have_attribute(
        "placeholder", "궁금한 정부 서비스를 물어보세요"
    )
    expect(page.locator("html")).to_have_attribute("lang", "ko")


def test_english_question_gets_cited_answer(page: Page) -> None:
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    body = _ask(page, "How do I apply for the energy voucher?")
    assert body["metadata"] == {"language": "en"}
    bot = page.locator(".msg.bot").last
    expect(bot.locator(".msg-text")).not_to_be_empty()
    links = page.locator(".msg.bot .citations a")
    assert links.count() >= 1
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    assert any(h.startswith("https://www.gov.kr/") for h in hrefs), hrefs
    expect(page.locator(".msg.bot .citations-title").first).to_have_text("Sources")


def test_out_of_scope_question_has_no_citations(page: Page) -> None:
    _ask(page, "오늘 서울 날씨 어때요?")
    bots = page.locator(".msg.bot")
    assert bots.count() >= 1
    expect(bots.first.locator(".msg-text")).not_to_be_empty()
    expect(page.locator(".citations a")).to_have_count(0)


def test_tab_from_input_reaches_send_button(page: Page) -> None:
    page.focus("#chat-input")
    page.keyboard.press("Tab")
    expect(page.locator("#chat-send")).to_be_focused()


def test_enter_on_empty_input_sends_nothing(page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if WEBHOOK_PATH in r.url else None)
    messages_before = page.locator(".msg").count()
    page.focus("#chat-input")
    page.keyboard.press("Enter")
    page.fill("#chat-input", "   \n  ")
    page.keyboard.press("Enter")
    page.click("#chat-send")
    page.wait_for_timeout(500)
    expect(page.locator(".msg")).to_have_count(messages_before)
    expect(page.locator(".msg.user")).to_have_count(0)
    assert requests == []


def test_shift_enter_inserts_newline(page: Page) -> None:
    page.focus("#chat-input")
    page.keyboard.type("첫 줄")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("둘째 줄")
    expect(page.locator("#chat-input")).to_have_value("첫 줄\n둘째 줄")
    expect(page.locator(".msg.user")).to_have_count(0)


def test_typing_indicator_and_sending_disabled_while_waiting(page: Page) -> None:
    held: list[Route] = []
    page.route("**" + WEBHOOK_PATH, lambda route: held.append(route))
    page.fill("#chat-input", "에너지바우처 신청 방법")
    page.press("#chat-input", "Enter")
    expect(page.locator("#chat-typing")).to_be_visible()
    expect(page.locator("#chat-send")).to_be_disabled()
    expect(page.locator("#chat-input")).to_have_attribute("readonly", "")
    # Enter while waiting does not send a second message.
    page.fill("#chat-input", "두 번째 질문", force=True)
    page.press("#chat-input", "Enter")
    page.wait_for_timeout(300)
    assert len(held) == 1
    expect(page.locator(".msg.user")).to_have_count(1)
    held[0].fulfill(
        status=200,
        content_type="application/json",
        body=json.dumps([{"recipient_id": "x", "text": "답변"}]),
    )
    expect(page.locator(".msg.bot .msg-text")).to_have_text("답변")
    expect(page.locator("#chat-typing")).to_be_hidden()
    expect(page.locator("#chat-send")).to_be_enabled()
    expect(page.locator(".msg.user")).to_have_count(1)
    expect(page.locator("#chat-input")).to_be_focused()


def test_server_error_shows_detail_and_reenables_input(page: Page) -> None:
    """A non-2xx reply is shown politely (with its detail) and the input comes back."""
    page.route(
        "**" + WEBHOOK_PATH,
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body=json.dumps({"detail": "engine is warming up"}),
        ),
    )
    page.fill("#chat-input", "에너지바우처 신청 방법")
    page.press("#chat-input", "Enter")
    error = page.locator("#chat-log .msg.error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("engine is warming up")
    expect(page.locator("#chat-send")).to_be_enabled()
    expect(page.locator("#chat-input")).not_to_have_attribute("readonly", "")
    expect(page.locator("#chat-typing")).to_be_hidden()


def test_bot_text_is_rendered_as_text_and_unsafe_urls_are_not_links(page: Page) -> None:
    reply = [
        {
            "recipient_id": "x",
            "text": '<img src=x onerror="window.__pwned=1">줄1\n줄2',
            "buttons": [{"title": "에너지바우처", "payload": "/ask_service_info"}],
            "custom": {
                "citations": [
                    {"doc_id": "a", "title": "나쁜 링크", "agency": "기관", "url": "javascript:window.__pwned=2",
                     "section": "개요", "updated_at": "2026-05-07T09:00:00"},
                    {"doc_id": "b", "title": "좋은 링크", "agency": "기관", "url": "https://www.gov.kr/x",
                     "section": "신청 방법", "updated_at": "2026-05-07"},
                ],
                "abstained": False,
                "language": "ko",
            },
        }
    ]
    page.route(
        "**" + WEBHOOK_PATH,
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(reply)),
    )
    page.fill("#chat-input", "테스트")
    page.press("#chat-input", "Enter")
    bot = page.locator(".msg.bot").last
    expect(bot.locator(".msg-text")).to_have_text('<img src=x onerror="window.__pwned=1">줄1\n줄2')
    assert bot.locator("img").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    links = bot.locator(".citations a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://www.gov.kr/x")
    expect(bot.locator(".citations")).to_contain_text("나쁜 링크")
    expect(bot.locator(".citations")).to_contain_text("2026-05-07 수정")
    # Bot buttons are real buttons that send their payload and show their title.
    button = bot.locator("button.bot-button")
    expect(button).to_have_text("에너지바우처")
    with page.expect_request(lambda r: r.url.endswith(WEBHOOK_PATH)) as request_info:
        button.focus()
        page.keyboard.press("Enter")
    assert json.loads(request_info.value.post_data or "{}")["message"] == "/ask_service_info"
    expect(page.locator(".msg.user").last).to_contain_text("에너지바우처")


def _type_and_wait(pg: Page, text: str) -> dict:
    """Type ``text``, press Enter and wait until the turn is over (input enabled again); return the request body."""
    pg.fill("#chat-input", text)
    with pg.expect_request(lambda r: r.url.endswith(WEBHOOK_PATH) and r.method == "POST") as request_info:
        pg.press("#chat-input", "Enter")
    expect(pg.locator("#chat-input")).to_have_value("", timeout=REPLY_TIMEOUT_MS)
    expect(pg.locator("#chat-send")).to_be_enabled(timeout=REPLY_TIMEOUT_MS)
    return json.loads(request_info.value.post_data or "{}")


#: What the citizen sees while waiting for a counsellor (intents/domain.yml, written out here as read on the page).
CANCEL_BUTTON = "상담원 연결 취소 / 도우미와 다시 대화"
WAITING_REPLY = ("상담원 연결을 기다리고 있어요. 남기신 메시지는 상담원에게 전달돼요. 기다리지 않고 도우미와 다시 대화하려면 아래 "
                 "버튼을 누르거나 '상담원 연결 취소'라고 말씀해 주세요.")
STILL_WAITING_REPLY = ("메시지를 상담원에게 전달했어요. 아직 상담원을 기다리는 중이에요. 도우미와 다시 대화하려면 아래 버튼을 누르거나 "
                       "'상담원 연결 취소'라고 말씀해 주세요.")
HANDOFF_NOTICE = "상담원에게 전달했어요. 답변을 기다리고 있어요."
NO_REPLY_NOTICE = "답변을 받지 못했어요. 질문을 바꿔서 다시 물어봐 주세요."


def _empty_replies(pg: Page) -> None:
    """From now on the webhook answers ``[]`` (what the server answers once a counsellor has spoken: the bot is
    silent; the counsellor's replies reach the citizen through the counsellor's own system)."""
    pg.route("**" + WEBHOOK_PATH, lambda route: route.fulfill(status=200, content_type="application/json", body="[]"))


def test_handoff_silence_shows_a_calm_waiting_status(page: Page, server_url: str) -> None:
    """While a conversation waits for a counsellor (s10-flow) every message is answered with where it went and a
    way back (a "상담원 연결 취소 / 도우미와 다시 대화" button): first "상담원 연결을 기다리고 있어요 …", then "메시지를
    상담원에게 전달했어요 …", never "no answer came back, rephrase"; once a counsellor has the conversation the bot is
    silent and the widget says the message went to the counsellor (also after the still-waiting reply, and after a
    reload); "상담원 연결 취소" ends the wait, and then an empty reply is again "no answer"."""
    _ask(page, "상담원 연결해 주세요")
    bot = page.locator(".msg.bot")
    expect(bot.last.locator(".msg-text")).to_contain_text("상담원에게 연결해 드릴게요")
    expect(bot.last.locator("button.bot-button")).to_have_text(CANCEL_BUTTON)
    bots = bot.count()

    # the first message after the handoff: the waiting reply with the way back
    _type_and_wait(page, "여보세요? 아직 기다려야 하나요?")
    expect(bot).to_have_count(bots + 1, timeout=REPLY_TIMEOUT_MS)
    expect(bot.last.locator(".msg-text")).to_have_text(WAITING_REPLY)
    expect(bot.last.locator("button.bot-button")).to_have_text(CANCEL_BUTTON)
    # each later one: the still-waiting reply, once per message, each with the button (the latest one live)
    for n, text in enumerate(["언제쯤 연결되나요?", "아직 멀었나요?"], start=2):
        _type_and_wait(page, text)
        expect(bot).to_have_count(bots + n, timeout=REPLY_TIMEOUT_MS)
        expect(bot.last.locator(".msg-text")).to_have_text(STILL_WAITING_REPLY)
        expect(bot.last.locator("button.bot-button")).to_have_text(CANCEL_BUTTON)
        expect(bot.last.locator("button.bot-button")).not_to_have_attribute("aria-disabled", "true")
    assert page.locator(".msg.notice").count() == 0  # no "no answer" and no status notice: the bot said where it went

    # a counsellor has the conversation (the bot is silent: []): the widget says the message went to them, calmly
    _empty_replies(page)
    _type_and_wait(page, "상담원님 계세요?")
    expect(page.locator(".msg.notice.handoff")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator(".msg.notice.handoff").last).to_have_text(HANDOFF_NOTICE)
    assert bot.count() == bots + 3
    assert NO_REPLY_NOTICE not in " ".join(page.locator(".msg.notice").all_inner_texts())

    # the status survives a reload (same tab: same conversation)
    page.reload()
    page.wait_for_selector("#chat[data-ready='true']", state="attached")
    _empty_replies(page)
    _type_and_wait(page, "아직인가요?")
    expect(page.locator(".msg.notice.handoff")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator(".msg.notice.handoff").last).to_have_text(HANDOFF_NOTICE)

    # the reloaded page shows no earlier messages (no button): the citizen says the words the replies gave, to the
    # real server again; the assistant has the conversation and says so
    page.unroute("**" + WEBHOOK_PATH)
    _ask(page, "상담원 연결 취소")
    expect(page.locator(".msg.bot").last.locator(".msg-text")).to_have_text(
        "상담원 연결을 취소했어요. 다시 도우미와 대화하실 수 있어요. 무엇을 도와드릴까요?", timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("#chat-send")).to_be_enabled(timeout=REPLY_TIMEOUT_MS)
    # no longer with a person: an empty reply is "no answer" again, not the counsellor's status
    _empty_replies(page)
    _type_and_wait(page, "테스트")
    expect(page.locator(".msg.notice").last).to_have_text(NO_REPLY_NOTICE)
    expect(page.locator(".msg.notice.handoff")).to_have_count(1)

    # the button of the handoff reply ends the wait the same way
    page.unroute("**" + WEBHOOK_PATH)
    _ask(page, "상담원 연결해 주세요")
    with page.expect_request(lambda r: r.url.endswith(WEBHOOK_PATH) and r.method == "POST") as request_info:
        page.locator(".msg.bot").last.locator("button.bot-button", has_text=CANCEL_BUTTON).click()
    assert json.loads(request_info.value.post_data or "{}")["message"] == "/end_handoff"
    expect(page.locator(".msg.bot").last.locator(".msg-text")).to_have_text(
        "상담원 연결을 취소했어요. 다시 도우미와 대화하실 수 있어요. 무엇을 도와드릴까요?", timeout=REPLY_TIMEOUT_MS)
