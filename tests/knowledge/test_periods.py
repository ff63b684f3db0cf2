"""Application periods (신청기한) read off the real catalogue: when each window ends and whether it has ended (F9).

Every text below is a 신청기한 value of ../shared/data/gov24_benefits/gov24_serviceDetail_snapshot.json (the last
test checks that each is there); the end of each was worked out by hand from the text: a month without a day ends
on its last day, an end without a year takes the start's, several windows end at the latest one.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

from assistant.knowledge.periods import Period, ended_note, labelled_periods, parse_period, today_in_seoul

TODAY = dt.date(2026, 12, 1)  # pinned: the day this table's statuses were worked out for

#: (신청기한 as written, its end by hand (None: no dated window), the status on TODAY)
PERIODS: list[tuple[str, dt.date | None, str]] = [
    ("2024.01.05~2024.01.12", dt.date(2024, 1, 12), "ended"),
    ("2023.07.11~2023.08.25", dt.date(2023, 8, 25), "ended"),
    ("2023-01-16~2023-02-10", dt.date(2023, 2, 10), "ended"),
    ("2022-11-15~2022-12-15", dt.date(2022, 12, 15), "ended"),
    ("2025.03.10~2025.03.31", dt.date(2025, 3, 31), "ended"),
    ("2025.6.9(월) ~ 2025.12.31(수)", dt.date(2025, 12, 31), "ended"),
    ("2025.1.21. ~ 12.20.", dt.date(2025, 12, 20), "ended"),  # the end's year is the start's
    ("2025-3.~2025.11.", dt.date(2025, 11, 30), "ended"),  # a month: its last day
    ("2025. 7.", dt.date(2025, 7, 31), "ended"),
    ("2025. 10. ~ 11.", dt.date(2025, 11, 30), "ended"),
    ("2025-01-13~2025.01.31.", dt.date(2025, 1, 31), "ended"),
    ("2025년 5월 초 ~ 6월 중순 공고 및 접수", dt.date(2025, 6, 30), "ended"),
    ("2025.12.17~2026.01.09", dt.date(2026, 1, 9), "ended"),
    ("2026. 1~2월 중 공고예정", dt.date(2026, 2, 28), "ended"),
    ("2026.2.23.(월)~3.6.(금) ", dt.date(2026, 3, 6), "ended"),
    ("2026-1학기: '26. 2. 25.(수) ~ 3. 12.(목)", dt.date(2026, 3, 12), "ended"),  # "2026-1학기" is a term, no month
    ("2026-1학기 신청기간 : 2026.1.5.~2026.5.20.", dt.date(2026, 5, 20), "ended"),
    ("2026년 1월(상반기), 7월(하반기)", dt.date(2026, 7, 31), "ended"),
    (" 2026.7~8월 진행", dt.date(2026, 8, 31), "ended"),
    ("2026.02.02~2026.11.30", dt.date(2026, 11, 30), "ended"),  # the day before TODAY
    ("1차 : '26. 3. 18. ~ 4. 6. / 2차: '26. 4. 30. ~ 5. 29. / 3차: '26. 9. 1. ~ 9. 22. / 4차: '26. 10. 29. ~ 11. 27. ",
     dt.date(2026, 11, 27), "ended"),  # four rounds: the last one's end
    ("2026.3.1. ~ 12.6 (예산소진시 사업종료)", dt.date(2026, 12, 6), "open"),
    ("2026. 5. 11.(월) ~ 12. 4.(금)", dt.date(2026, 12, 4), "open"),
    ("2026.01.01~2026.12.31", dt.date(2026, 12, 31), "open"),
    ("2026. 1. ~ 12.", dt.date(2026, 12, 31), "open"),
    ("2025-12~2026-12", dt.date(2026, 12, 31), "open"),
    ("2026년 3월 ~ 12월 (예정)", dt.date(2026, 12, 31), "open"),
    ("2025.03.17~2026.12.31", dt.date(2026, 12, 31), "open"),
    ("2026.01.01~2036.12.31", dt.date(2036, 12, 31), "open"),
    ("2026년 예정", dt.date(2026, 12, 31), "open"),  # a year alone: that year
    # dated, but the text also says applications are always open: never read as ended
    ("2026년 1월 중(※ 취약계층: 상시 신청 가능)", dt.date(2026, 1, 31), "unknown"),
    # no year: recurring or not dated, never ended
    ("상시신청", None, "unknown"),
    ("매년 1~2월", None, "unknown"),
    ("4월~11월", None, "unknown"),
    ("연도별 1월 중(1. 1. ~ 1. 31.)", None, "unknown"),
    ("신청년도 7.1.~ 신청년도 7.31.", None, "unknown"),
    ("월~금 09:00~18:00(공휴일 제외)", None, "unknown"),
    ("출산 또는 유산ㆍ사산을 한 날부터 12개월 이내", None, "unknown"),
    ("매월 20일까지(예산소진시 조기 마감)     ", None, "unknown"),
    ("접수기관 별 상이", None, "unknown"),
]


@pytest.mark.parametrize(("text", "end", "status"), PERIODS)
def test_the_end_and_status_of_a_real_period(text: str, end: dt.date | None, status: str) -> None:
    period = parse_period(text)
    assert period.end == end
    assert period.status(TODAY) == status


@pytest.mark.parametrize(("text", "end", "status"), [p for p in PERIODS if p[1] is not None and p[2] != "unknown"])
def test_a_window_is_open_on_its_last_day_and_ended_the_day_after(text: str, end: dt.date, status: str) -> None:
    period = parse_period(text)
    assert period.status(end) == "open" and period.status(end - dt.timedelta(days=30)) == "open"
    assert period.status(end + dt.timedelta(days=1)) == "ended"


@pytest.mark.parametrize(
    ("text", "ko", "en"),
    [
        ("2024.03.01~2024.03.31", "신청 기간이 지났습니다 (2024.3.31까지).", "The application period ended on 31 March 2024."),
        ("2025-3.~2025.11.", "신청 기간이 지났습니다 (2025.11까지).", "The application period ended in November 2025."),
        ("2025년 예정", "신청 기간이 지났습니다 (2025까지).", "The application period ended in 2025."),
    ],
)
def test_the_note_names_the_end_at_its_grain(text: str, ko: str, en: str) -> None:
    period = parse_period(text)
    assert ended_note(period, TODAY, "ko") == ko and ended_note(period, TODAY, "en") == en
    assert ended_note(period, period.end, "ko") == "" == ended_note(period, period.end, "en")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", None, "2026.02.01~2026.02.30", "2026.02.30", "미정"])
def test_no_date_or_an_impossible_end_gives_no_end_rather_than_a_shifted_one(text: str | None) -> None:
    period = parse_period(text)
    # "2026.02.30" does not exist: no end, never 2 March (which would be "ended" for a window never dated so)
    assert period.end is None and period.status(TODAY) == "unknown"
    assert ended_note(period, TODAY, "ko") == ""


def test_the_default_clock_is_the_day_in_seoul() -> None:
    from zoneinfo import ZoneInfo

    before = dt.datetime.now(ZoneInfo("Asia/Seoul")).date()
    today = today_in_seoul()
    after = dt.datetime.now(ZoneInfo("Asia/Seoul")).date()
    assert before <= today <= after


def test_every_period_of_the_table_is_a_real_catalogue_value() -> None:
    path = GOV24_DIR / "gov24_serviceDetail_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {path} (../shared/data/gov24_benefits is not in this checkout)")
    values = {r.get("신청기한") for r in json.loads(path.read_text(encoding="utf-8"))["data"]}
    assert [text for text, _e, _s in PERIODS if text not in values] == []
    assert isinstance(parse_period(next(iter(values - {None}))), Period)


# English dates (the bundled English pages: knowledge/en/*.md write "9 June 2025 – 31 December 2025"). Each end was
# worked out by hand: the same rules as the Korean texts (a yearless end takes the start's year, or the next year's
# when it would come before the start; a month alone ends on its last day; a window with no year never ends).
ENGLISH: list[tuple[str, dt.date | None, str]] = [
    ("9 June 2025 – 31 December 2025", dt.date(2025, 12, 31), "day"),  # knowledge/en/energy-voucher.md
    ("4 May 2026 – 20 May 2026.", dt.date(2026, 5, 20), "day"),  # knowledge/en/youth-tomorrow-savings.md
    ("June 9, 2025 – December 31, 2025", dt.date(2025, 12, 31), "day"),  # month-day-year
    ("June 9, 2025 – December 31", dt.date(2025, 12, 31), "day"),  # the end takes the start's year
    ("9 June – 31 December 2025", dt.date(2025, 12, 31), "day"),  # the year written once, at the end
    ("9–31 December 2025", dt.date(2025, 12, 31), "day"),
    ("June 9–30, 2025", dt.date(2025, 6, 30), "day"),  # the second day closes the window
    ("December 1, 2025 to January 9", dt.date(2026, 1, 9), "day"),  # across the new year
    ("from 9th of June 2025 until 31st December 2025", dt.date(2025, 12, 31), "day"),
    ("Sept. 3, 2025", dt.date(2025, 9, 3), "day"),
    ("June – November 2025", dt.date(2025, 11, 30), "month"),
    ("June 2025 - February", dt.date(2026, 2, 28), "month"),
    ("Deadline: 31 December", None, "day"),  # no year: every year's window
    ("you may apply in May", None, "day"),  # "may" is no month
    ("30 February 2026", None, "day"),  # impossible: no end rather than a shifted one
]


@pytest.mark.parametrize(("text", "end", "grain"), ENGLISH)
def test_english_dates_and_ranges(text: str, end: dt.date | None, grain: str) -> None:
    period = parse_period(text)
    assert (period.end, period.grain if end else "day") == (end, grain)
    if end is not None:
        assert period.status(end) == "open" and period.status(end + dt.timedelta(days=1)) == "ended"


@pytest.mark.parametrize("text", ["any time.", "Anytime", "all year round", "year-round, 2025–2026 budget"])
def test_an_english_always_open_text_never_ends(text: str) -> None:
    assert parse_period(text).status(TODAY) == "unknown"


# Labelled period lines inside another section, as the bundled Markdown pages write them (lines copied from
# knowledge/ko/*.md and knowledge/en/*.md; the test below checks each is there).
LABELLED: list[tuple[str, str, list[dt.date | None]]] = [
    ("ko/energy-voucher.md", "- 신청기한(카탈로그 기재 기준): 2025.6.9.(월) ~ 2025.12.31.(수). 해마다 일정이 바뀔 수 있으니 해당 연도 공고를 확인하세요.",
     [dt.date(2025, 12, 31)]),
    ("ko/briquette-coupon.md", "- 신청기간(카탈로그 기재 기준): 2023.07.11. ~ 2023.08.25. 최신 일정은 읍면동 행정복지센터나 담당 기관에 확인하세요.",
     [dt.date(2023, 8, 25)]),
    ("ko/anyang-youth-rent.md", "- 신청기간(카탈로그 기재 기준): 2025.1.31. ~ 2025.11.28. 올해 일정은 안양시 공고를 확인하세요.",
     [dt.date(2025, 11, 28)]),
    ("ko/lifelong-learning-voucher.md",
     "- 신청기간(카탈로그 기재 기준): 2025년 3월 ~ 11월. 모집 규모에 따라 연장되거나 일찍 마감될 수 있으니 해당 연도 공고를 확인하세요.",
     [dt.date(2025, 11, 30)]),
    ("ko/student-loan-general.md", "- 신청기간: 2026년 1학기는 2026.1.5. ~ 2026.5.20.", [dt.date(2026, 5, 20)]),
    ("ko/okcheon-youth-rent.md", "- 신청기간: 매년 3~4월(옥천군 홈페이지 공고 확인)", [None]),
    ("ko/nuri-kindergarten-fee.md", "- 신청기한: 상시", [None]),
    ("ko/changwon-birth-congratulation.md", "- 신청기한\n  - 첫 출산축하금: 출생신고일부터 1년 안", [None]),
    ("en/energy-voucher.md", "- Application period listed in the catalogue: 9 June 2025 – 31 December 2025. Check the "
     "current year's notice, as dates change.", [dt.date(2025, 12, 31)]),
    ("en/youth-tomorrow-savings.md", "- Application period: 4 May 2026 – 20 May 2026.", [dt.date(2026, 5, 20)]),
    ("en/childcare-idolbom.md", "- Deadline: any time.", [None]),
    ("ko/energy-voucher.md", "2025년도 사용기간(2025.7.1. ~ 2026.5.25.) 안에서 여름·겨울 구분 없이 자유롭게 쓸 수 있습니다.",
     []),  # a period of use, not of application: no label
]


@pytest.mark.parametrize(("page", "text", "ends"), LABELLED)
def test_labelled_period_lines_of_the_bundled_pages(page: str, text: str, ends: list[dt.date | None]) -> None:
    from pathlib import Path

    assert text in (Path(__file__).resolve().parents[2] / "knowledge" / page).read_text(encoding="utf-8")
    assert [p.end for p in labelled_periods("- 방문: 주민센터\n" + text + "\n- 온라인: 복지로")] == ends


# s34 fresh-user probe: 에너지바우처's "2025년도 사용기간(2025.7.1. ~ 2026.5.25.)" was quoted in December 2026 as if the
# voucher could still be used; a period of use with its dates in brackets is said to have ended.

@pytest.mark.parametrize(("page", "end"), [("ko/energy-voucher.md", dt.date(2026, 5, 25)),
                                           ("en/energy-voucher.md", dt.date(2026, 5, 25))])
def test_the_use_periods_of_the_bundled_pages(page: str, end: dt.date) -> None:
    from pathlib import Path

    from assistant.knowledge.periods import use_periods

    text = (Path(__file__).resolve().parents[2] / "knowledge" / page).read_text(encoding="utf-8")
    assert [p.end for p in use_periods(text)] == [end]


def test_the_use_period_note() -> None:
    from assistant.knowledge.periods import use_ended_note, use_periods

    [p] = use_periods("2025년도 사용기간(2025.7.1. ~ 2026.5.25.) 안에서 쓸 수 있습니다.")
    assert use_ended_note(p, dt.date(2026, 5, 26), "ko") == "이 사용기간은 끝났습니다 (2026.5.25까지)."
    assert use_ended_note(p, dt.date(2026, 5, 25), "ko") == ""  # the last day is still a day of use
    assert use_ended_note(p, dt.date(2026, 5, 26), "en") == "That period of use ended on 25 May 2026."


@pytest.mark.parametrize(("question", "note"), [("에너지바우처 얼마 받아요?", "이 사용기간은 끝났습니다 (2026.5.25까지)."),
                                               ("How much is the energy voucher?", "That period of use ended on 25 May 2026.")])
def test_an_ended_use_period_is_said_in_the_answer(processor, question: str, note: str) -> None:  # type: ignore[no-untyped-def]
    """The bundled engine pins today at 2026-12-01 (tests/shared_paths.py PINNED_TODAY), after the period's end."""
    from assistant.dialogue.messages import UserMessage

    turn = processor.handle_message(UserMessage("use", question, "rest"))
    lines = turn.messages[0].text.splitlines()
    quoted = next(i for i, line in enumerate(lines) if "2026.5.25" in line or "25 May 2026" in line)
    assert lines[quoted + 1] == note
