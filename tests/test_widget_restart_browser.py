"""The widget's ``/restart`` in a real headless Chromium against the real server (the fixtures of
tests/test_widget_browser.py and tests/conftest.py's ``server_url``): the reply says the conversation starts over (``utter_restart`` of
intents/domain.yml, in the conversation's language), what the citizen told is forgotten (the region chosen for a
regional programme is asked again), and the next question is answered as a fresh one, in the same conversation
(same sender)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from tests.test_widget_browser import REPLY_TIMEOUT_MS, _ask, expect, page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

if TYPE_CHECKING:
    from playwright.sync_api import Page

DOMAIN = yaml.safe_load((Path(__file__).resolve().parent.parent / "intents" / "domain.yml").read_text(encoding="utf-8"))


def response_text(name: str, lang: str) -> str:
    """The domain's text of response ``name`` in ``lang`` for the citizen themself: the variant whose only
    condition is the English language slot, or the one without conditions (Korean)."""
    wanted = [{"type": "slot", "name": "language", "value": "en"}] if lang == "en" else []
    return str(next(v["text"] for v in DOMAIN["responses"][name] if (v.get("condition") or []) == wanted))


RENT = "청년 월세 지원 있나요?"  # two regions run it in the bundled corpus (knowledge/ko/*youth-rent.md)


def test_restart_forgets_what_the_citizen_told(page: Page) -> None:  # noqa: F811
    sender = page.evaluate("sessionStorage.getItem('assistant.sender')")
    _ask(page, RENT)  # asked where the citizen lives, a button per region
    bot = page.locator(".msg.bot").last
    expect(bot.locator(".msg-text")).to_contain_text("어느 지역")
    bot.get_by_role("button", name="경기도 안양시").click()
    expect(page.locator(".msg.bot .msg-text").last).to_contain_text("안양 청년 월세 지원", timeout=REPLY_TIMEOUT_MS)
    _ask(page, RENT)  # the region is known now: answered at once
    expect(page.locator(".msg.bot .msg-text").last).to_contain_text("안양 청년 월세 지원")
    body = _ask(page, "/restart")
    assert body["message"] == "/restart" and body["sender"] == sender
    expect(page.locator(".msg.bot .msg-text").last).to_have_text(response_text("utter_restart", "ko"))
    _ask(page, RENT)  # forgotten: asked again, in the same conversation
    expect(page.locator(".msg.bot .msg-text").last).to_contain_text("어느 지역")
    assert page.evaluate("sessionStorage.getItem('assistant.sender')") == sender


def test_restart_in_english(page: Page) -> None:  # noqa: F811
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _ask(page, "How do I apply for the energy voucher?")
    _ask(page, "/restart")
    expect(page.locator(".msg.bot .msg-text").last).to_have_text(response_text("utter_restart", "en"))
    _ask(page, "How do I apply for the energy voucher?")  # answered as a fresh question, cited
    hrefs = [a.get_attribute("href") or "" for a in page.locator(".msg.bot").last.locator(".citations a").all()]
    assert any(h.startswith("https://www.gov.kr/") for h in hrefs), hrefs
