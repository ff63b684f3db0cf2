"""F9 on the bundled corpus (run.sh's home: knowledge/, no catalogue): an ended application period quoted from a page
is said to be ended.

The bundled pages state the period as a labelled line inside 신청 방법 ("- 신청기한(카탈로그 기재 기준): …", "-
Application period listed in the catalogue: 9 June 2025 – 31 December 2025."), not as a 신청기한 section, and the
English pages write English dates; before the fix the answer quoted "2025.6.9.(월) ~ 2025.12.31.(수)" with no ended
sentence. The ends below were read by hand off knowledge/ko/*.md and knowledge/en/*.md (the test checks the quoted
line is in the page); the clock is pinned before, on and after each end.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from shared_paths import PINNED_TODAY  # type: ignore[import-not-found]

from assistant.dialogue.messages import UserMessage

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture()
def ask(bundled_router):  # type: ignore[no-untyped-def]
    """Ask the bundled home's router with its composer's clock pinned to ``today`` (restored afterwards)."""
    composer = bundled_router.composer
    clock = composer.today

    def run(question: str, today: dt.date) -> str:
        composer.today = lambda: today
        return str(bundled_router.handle(UserMessage("bundled-periods", question)).to_json()["text"])

    yield run
    composer.today = clock


#: (question, page, the period as the page writes it, the day it ends, the ended sentence)
CASES = [
    ("에너지바우처 신청기간이 언제예요?", "ko/energy-voucher.md", "2025.6.9.(월) ~ 2025.12.31.(수)", dt.date(2025, 12, 31),
     "신청 기간이 지났습니다 (2025.12.31까지)."),
    ("연탄쿠폰 신청기간이 언제예요?", "ko/briquette-coupon.md", "2023.07.11. ~ 2023.08.25.", dt.date(2023, 8, 25),
     "신청 기간이 지났습니다 (2023.8.25까지)."),
    ("안양시 청년 월세 지원 신청기간이 언제예요?", "ko/anyang-youth-rent.md", "2025.1.31. ~ 2025.11.28.", dt.date(2025, 11, 28),
     "신청 기간이 지났습니다 (2025.11.28까지)."),
    ("평생교육이용권 신청기간이 언제예요?", "ko/lifelong-learning-voucher.md", "2025년 3월 ~ 11월", dt.date(2025, 11, 30),
     "신청 기간이 지났습니다 (2025.11까지)."),
    ("When is the application period for the energy voucher?", "en/energy-voucher.md",
     "9 June 2025 – 31 December 2025", dt.date(2025, 12, 31), "The application period ended on 31 December 2025."),
    ("When can I apply for the youth tomorrow savings account?", "en/youth-tomorrow-savings.md",
     "4 May 2026 – 20 May 2026", dt.date(2026, 5, 20), "The application period ended on 20 May 2026."),
]


@pytest.mark.parametrize(("question", "page", "period", "end", "note"), CASES)
def test_an_ended_period_on_a_bundled_page_is_said_to_have_ended(ask, question: str, page: str, period: str,  # type: ignore[no-untyped-def]
                                                                  end: dt.date, note: str) -> None:
    assert period in (KNOWLEDGE / page).read_text(encoding="utf-8")
    after = ask(question, end + dt.timedelta(days=1))
    assert period in after and note in after, after
    lines = after.splitlines()
    quoted = next(i for i, line in enumerate(lines) if period in line)
    assert note in "\n".join(lines[quoted:quoted + 6]), after  # said with the quoted period, not elsewhere
    assert ask(question, dt.date(2026, 12, 1) if end < dt.date(2026, 12, 1) else end + dt.timedelta(days=400)).count(note) == 1
    for today in (end, end - dt.timedelta(days=30)):  # its last day, and a day inside the window: still open
        before = ask(question, today)
        assert period in before and "지났습니다" not in before and "period ended" not in before, before


@pytest.mark.parametrize("question", ["유치원 학비 지원 언제 신청해요?", "How long do I have to apply for the infertility treatment support?"])
def test_an_always_open_period_gets_no_ended_sentence(ask, question: str) -> None:  # type: ignore[no-untyped-def]
    out = ask(question, dt.date(2026, 12, 1))
    assert ("상시" in out or "any time" in out) and "지났습니다" not in out and "period ended" not in out, out


def test_the_loaded_router_reads_periods_on_the_settings_day(bundled_router, bundled_settings) -> None:  # type: ignore[no-untyped-def]
    """load_router gives the composer ``Settings.period_today``'s clock (the tests pin it: tests/conftest.py)."""
    assert bundled_settings.period_today == PINNED_TODAY and bundled_router.composer.today() == PINNED_TODAY
