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

from assistant.knowledge.periods import Period, ended_note, parse_period, today_in_seoul

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
