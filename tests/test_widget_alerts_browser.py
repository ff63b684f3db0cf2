"""A benefit alert reaches the web widget as soon as it opens (connectors/alerts/conversation.py), in a real headless
Chromium (Playwright) against the real app on uvicorn: the conversation subscribes, the citizen leaves the page, the
catalogue changes and ``POST /connectors/alerts/run`` finds the new service; when the citizen comes back, the widget
shows the alert (with its gov.kr link) before they type anything, once.

The shared headless Chromium of tests/browser.py, one browser context per test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from browser import SharedChromium
from dbservers import free_port
from engine_catalogue import SERVICES  # type: ignore[import-not-found]
from live_server import LiveServer

from assistant.dialogue.events import SlotSet
from assistant.dialogue.messages import UserMessage
from assistant.server.app import create_app
from connectors.alerts.engine import ServiceEvaluator
from connectors.eligibility.catalogue import Catalogue
from connectors.eligibility.service import CatalogueSource, EligibilityService

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PENDING = "/webhooks/rest/pending"
SENIOR = SERVICES[0][0]  # 어르신 난방비 지원 (age 65+, 서울특별시): added by the catalogue change

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import Page


class Holder:
    def __init__(self) -> None:
        self.cat = Catalogue.from_records(SERVICES[1:], version="v1")

    def source(self) -> CatalogueSource:
        return CatalogueSource(lambda _stamp: self.cat, lambda: self.cat.version, "test")


@pytest.fixture(scope="module")
def served(chromium, bundled_settings, bundled_router, make_processor, tmp_path_factory):  # type: ignore[no-untyped-def]
    """(base URL, app, Holder): the real app on a free port; its alert engine evaluates the swappable catalogue
    (``chromium`` first: it skips without a browser before the server starts)."""
    port = free_port()
    home = tmp_path_factory.mktemp("widget-alerts-home")
    for name in ("index", "nlu"):
        if (bundled_settings.home / name).exists():
            shutil.copytree(bundled_settings.home / name, home / name)
    overrides = {"host": "127.0.0.1", "port": port, "home": home, "mydata_sweep_interval": 0.0}
    settings = bundled_settings.model_copy(update=overrides)
    app = create_app(settings, router=bundled_router, processor=make_processor(**overrides))
    holder = Holder()
    [alerts] = [r for r in app.routes if getattr(r, "path", "") == "/connectors/alerts"]
    alerts.app.state.engine.evaluator = ServiceEvaluator(EligibilityService(holder.source()))  # type: ignore[attr-defined]
    with LiveServer(app, port=port) as live:
        yield live.url, app, holder


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


def test_a_new_benefit_alert_shows_when_the_widget_opens(page: Page, served: Any) -> None:
    base, app, holder = served
    sender = page.evaluate("window.sessionStorage.getItem('assistant.sender')")
    assert sender
    p = app.state.processor
    # the conversation as the eligibility flow leaves it, then the consent to alerts (as tests/connectors do)
    p.handle_message(UserMessage(sender, "안녕하세요", "rest", {}))
    p.tracker_store.append(sender, [SlotSet(k, v).to_json() for k, v in
                                    {"age": 70.0, "region": "서울특별시", "income_pct": 45.0}.items()])
    assert [m.custom.get("response") for m in p.handle_message(UserMessage(sender, "/subscribe_alerts", "rest", {})).messages] \
        == ["utter_alerts_offer"]
    assert [m.custom.get("response") for m in p.handle_message(UserMessage(sender, "/affirm", "rest", {})).messages] \
        == ["utter_alerts_subscribed"]

    page.goto("about:blank")  # the citizen leaves; the same tab keeps its session (sessionStorage)
    holder.cat = Catalogue.from_records(SERVICES, version="v2")
    report = httpx.post(f"{base}/connectors/alerts/run", timeout=60).json()
    assert (report["notified"], report["delivered"], report["failed"]) == (1, 1, 0), report

    page.goto(base + "/")  # comes back: a returning session fetches what waited for it at once
    page.wait_for_selector("#chat[data-ready='true']", state="attached")
    alert = page.locator(".msg.bot.proactive")
    expect(alert).to_have_count(1, timeout=15_000)
    expect(alert.locator(".msg-text")).to_contain_text(SENIOR.title)
    assert page.locator(f".msg.bot.proactive a[href='{SENIOR.url}']").count() >= 1
    assert page.locator(".msg.user").count() == 0  # nothing typed
    # shown once: a reload does not repeat it
    page.reload()
    page.wait_for_selector("#chat[data-ready='true']", state="attached")
    with page.expect_response(lambda r: PENDING in r.url) as resp:
        pass
    assert resp.value.json()["messages"] == []
