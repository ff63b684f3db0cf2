"""The citizen's pages of the MyData consent step when it cannot go on: Korean first, then English, and what to do.

The callback opened without the browser's ticket cookie (another device, another browser) used to say, in English
only, "the MyData consent link is not valid: open it again from the conversation".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.mydata.api import FLOW_COOKIE, create_flow_router
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.ticket import TICKET_TTL_S, Ticket, sign

KEY = b"test-ticket-key"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def browser(connector: MyDataConnector) -> Iterator[tuple[TestClient, str]]:
    """A browser on the flow routes and the id of one pending consent; the conversation is never continued."""
    app = FastAPI()
    app.include_router(create_flow_router(connector, KEY, lambda sender, intent: pytest.fail("must not continue")),
                       prefix="/mydata")
    cid = connector.request_consent("conv-42", ["income"], "eligibility_check", dt.timedelta(days=1)).id
    with TestClient(app) as client:
        yield client, cid


def _paragraphs(html: str) -> list[str]:
    return [unescape(p) for p in re.findall(r"<p>(.*?)</p>", html, re.S)]


def _bilingual(html: str) -> tuple[str, str]:
    """The page's (Korean, English) paragraphs, checking Korean comes first and English has no Hangul."""
    ko, en = _paragraphs(html)
    assert HANGUL.search(ko) and not HANGUL.search(en), (ko, en)
    return ko, en


def test_callback_without_the_cookie_says_to_use_the_chat_browser(browser: tuple[TestClient, str]) -> None:
    client, cid = browser
    r = client.get(f"/mydata/callback?code=x&state={cid}")
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    ko, en = _bilingual(r.text)
    assert "같은 기기" in ko and "브라우저" in ko and "링크를 다시 열어 주세요" in ko
    assert "same browser" in en and "Open the MyData link from the chat again" in en


@pytest.mark.parametrize(
    ("ticket", "ko_word", "en_word"),
    [
        (lambda cid, now: sign(Ticket(cid, "conv-42", now + 600), b"not-our-key"), "올바르지 않아요", "not valid"),
        (lambda cid, now: "garbage", "올바르지 않아요", "not valid"),
        (lambda cid, now: sign(Ticket(cid, "conv-42", now - 1), KEY), "유효 시간이 지났어요", "expired"),
        (lambda cid, now: sign(Ticket("another-consent", "conv-42", now + 600), KEY), "맞지 않아요", "does not belong"),
    ],
    ids=["forged", "malformed", "expired", "other-consent"],
)
def test_bad_cookie_pages_are_bilingual(browser: tuple[TestClient, str], connector: MyDataConnector, ticket, ko_word: str,  # type: ignore[no-untyped-def]
                                        en_word: str) -> None:
    client, cid = browser
    client.cookies.set(FLOW_COOKIE, ticket(cid, connector.clock()), path="/mydata")
    r = client.get(f"/mydata/callback?code=x&state={cid}")
    assert r.status_code == 400
    ko, en = _bilingual(r.text)
    assert ko_word in ko and en_word in en
    assert connector.get_consent(cid).status(connector.clock()) == "pending"  # nothing granted


@pytest.mark.parametrize(("ticket", "ko_word", "en_word"), [
    (lambda cid, now: sign(Ticket(cid, "conv-42", now + 600), b"not-our-key"), "올바르지 않아요", "not valid"),
    (lambda cid, now: sign(Ticket(cid, "conv-42", now - TICKET_TTL_S), KEY), "유효 시간이 지났어요", "expired"),
    (lambda cid, now: sign(Ticket("no-such-consent", "conv-42", now + 600), KEY), "올바르지 않아요", "not valid"),
], ids=["forged", "expired", "unknown-consent"])
def test_bad_authorize_links_are_bilingual(browser: tuple[TestClient, str], connector: MyDataConnector, ticket, ko_word: str,  # type: ignore[no-untyped-def]
                                           en_word: str) -> None:
    client, cid = browser
    r = client.get("/mydata/authorize", params={"ticket": ticket(cid, connector.clock())}, follow_redirects=False)
    assert r.status_code == 400
    ko, en = _bilingual(r.text)
    assert ko_word in ko and en_word in en
