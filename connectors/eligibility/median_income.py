"""Income in won as a percentage of the 기준 중위소득 (standard median income) for the household's size.

The eligibility form asks for the household income as a percentage of the median income ("50%"), which most
citizens do not know; many answer with what they earn ("한 달에 200만원", "연봉 3천만원", "about 2 million won a
month"). Before this module that was refused ("0에서 1000 사이의 퍼센트로 알려 주세요", s33 probe). Now the form asks
how many people the household has and converts: percentage = monthly income ÷ the median income of that household
size × 100.

Source of :data:`MEDIAN_INCOME_2026`: 보건복지부 고시 「2026년 기준 중위소득 및 생계·의료급여 선정기준과 최저보장수준」
(중앙생활보장위원회 의결, 2025년 8월; 국민기초생활 보장법 제2조 제11호, 제6조의2), monthly amounts in won for
households of 1 to 7 people. A household of 8 or more adds, per person, the difference between the 7- and the
6-person amounts (the 고시's rule). The figures agree with the catalogue's own tables (../shared/data/gov24_benefits:
"기준 중위소득 140% … 1인 가구 3,589,933원", "200% … 7인 가구 19,030,300원").

The percentage is only as good as the income the citizen gives: the 소득인정액 that programmes use counts assets
and deducts some income, so the result is an estimate the reply says it is.
"""

from __future__ import annotations

import re

#: 2026 기준 중위소득, monthly, in won, by household size (people), see the module docstring.
MEDIAN_INCOME_2026: dict[int, int] = {1: 2_564_238, 2: 4_199_292, 3: 5_359_036, 4: 6_494_738, 5: 7_556_719,
                                      6: 8_555_952, 7: 9_515_150}
#: The year of the table.
MEDIAN_INCOME_YEAR = 2026
#: Household sizes the form accepts (a larger one is read as a mistake).
MAX_HOUSEHOLD = 20
#: Words that say an amount is a year's income (divided by 12); otherwise it is read as a month's.
_ANNUAL = re.compile(r"연봉|연\s*소득|연간|1\s*년에?|일\s*년에?|한\s*해|per\s+year|a\s+year|annual|yearly|/\s*year", re.IGNORECASE)


def median_income(size: int) -> int:
    """The monthly 기준 중위소득 in won of a household of ``size`` people (:data:`MEDIAN_INCOME_2026`).

    Raises:
        ValueError: ``size`` is not between 1 and :data:`MAX_HOUSEHOLD`.

    >>> median_income(1), median_income(4), median_income(8)
    (2564238, 6494738, 10474348)
    """
    if not 1 <= size <= MAX_HOUSEHOLD:
        raise ValueError(f"household size must be 1..{MAX_HOUSEHOLD}, got {size}")
    if size in MEDIAN_INCOME_2026:
        return MEDIAN_INCOME_2026[size]
    step = MEDIAN_INCOME_2026[7] - MEDIAN_INCOME_2026[6]
    return MEDIAN_INCOME_2026[7] + (size - 7) * step


def monthly_won(amount: float, text: str) -> float:
    """The monthly amount of ``amount`` won said in ``text``: a year's ("연봉 3천만원", "30 million won a year")
    divided by 12, else the amount itself.

    >>> monthly_won(30_000_000, "연봉 3천만원이요"), monthly_won(2_000_000, "한 달에 200만원")
    (2500000.0, 2000000.0)
    """
    return float(amount) / 12 if _ANNUAL.search(text) else float(amount)


def income_percentage(monthly: float, size: int) -> float:
    """``monthly`` won as a percentage of the median income of a household of ``size`` people, to one decimal.

    Raises:
        ValueError: ``monthly`` is negative, or ``size`` is out of range (:func:`median_income`).

    >>> income_percentage(2_000_000, 2), income_percentage(2_564_238, 1)
    (47.6, 100.0)
    """
    if monthly < 0:
        raise ValueError(f"income must be >= 0, got {monthly}")
    return round(monthly / median_income(size) * 100, 1)


def won_text(amount: float, lang: str) -> str:
    """``amount`` won as a reply writes it: "200만원", "250만 5천원", "2,000,000 won".

    >>> won_text(2_000_000, "ko"), won_text(2_505_000, "ko"), won_text(2_000_000, "en")
    ('200만원', '250만 5,000원', '2,000,000 won')
    """
    whole = int(round(amount))
    if lang == "en":
        return f"{whole:,} won"
    man, rest = divmod(whole, 10_000)
    if man and rest:
        return f"{man:,}만 {rest:,}원"
    return f"{man:,}만원" if man else f"{rest:,}원"
