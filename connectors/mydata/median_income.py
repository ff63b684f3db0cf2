"""기준 중위소득 (standard median income) by household size, and income as a percentage of it.

Source: 보건복지부 고시 「기준 중위소득 및 생계·의료·주거·교육급여 선정기준과 최저보장수준」, the monthly
amounts in KRW decided by the 중앙생활보장위원회 each summer for the next year (국민기초생활 보장법 제2조 제11호,
제6조의2). Figures used here:

* 2025 (보건복지부 고시 제2024-150호, decided 2024-07-25): 1인 2,392,013 · 2인 3,932,658 · 3인 5,025,353 ·
  4인 6,097,773 · 5인 7,108,192 · 6인 8,064,805. Checked against the table on the 여성가족부 page
  mogef.go.kr/sp/fam/sp_fam_f016.do (2–6인) and press reports of the decision (1인, 4인).
* 2026 (decided 2025-08-01 by the 제77차 중앙생활보장위원회): 1인 2,564,238 · 2인 4,199,292 · 3인 5,359,036 ·
  4인 6,494,738 · 5인 7,556,719 · 6인 8,555,952. Found only in secondary reports of the ministry's announcement,
  not in the gazette text itself: verify against the 고시 before relying on it in production, or pass your own
  table to :class:`MedianIncomeTable`.

Households of 7 or more: each further member adds the difference between the 6- and 5-person amounts (the rule
stated in the 고시).
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant.errors import InvalidConfigError, InvalidInputError

#: Monthly 기준 중위소득 in KRW: year → (1인, 2인, 3인, 4인, 5인, 6인).
MEDIAN_INCOME_KRW: dict[int, tuple[int, ...]] = {
    2025: (2_392_013, 3_932_658, 5_025_353, 6_097_773, 7_108_192, 8_064_805),
    2026: (2_564_238, 4_199_292, 5_359_036, 6_494_738, 7_556_719, 8_555_952),
}


class MedianIncomeTable:
    """Monthly median income by year and household size.

    Args:
        table: year → monthly KRW amounts for households of 1..6 people (at least 6 values, increasing).

    Raises:
        InvalidConfigError: an empty table or a row that is not 6 increasing positive amounts.

    Example:
        >>> t = MedianIncomeTable()
        >>> t.monthly(2026, 4)
        6494738
        >>> round(t.percent(2026, 1, 2_564_238 * 12 // 2), 1)
        50.0
    """

    def __init__(self, table: Mapping[int, tuple[int, ...]] | None = None) -> None:
        self.table = dict(MEDIAN_INCOME_KRW if table is None else table)
        if not self.table:
            raise InvalidConfigError("median income table is empty")
        for year, row in self.table.items():
            if len(row) < 6 or any(a <= 0 for a in row) or any(b <= a for a, b in zip(row, row[1:], strict=False)):
                raise InvalidConfigError(f"median income table {year}: need 6 increasing positive monthly amounts, got {row}")

    def year_for(self, year: int) -> int | None:
        """The table year used for ``year``: that year, else the latest earlier one, else ``None``."""
        earlier = [y for y in self.table if y <= year]
        return max(earlier) if earlier else None

    def monthly(self, year: int, household_size: int) -> int:
        """기준 중위소득 (KRW a month) for a household of ``household_size`` in ``year``.

        Raises:
            InvalidInputError: household size below 1, or no table for ``year`` or earlier.
        """
        if household_size < 1:
            raise InvalidInputError(f"household size must be at least 1, got {household_size}")
        y = self.year_for(year)
        if y is None:
            raise InvalidInputError(f"no median income table for {year} or earlier (have {sorted(self.table)})")
        row = self.table[y]
        if household_size <= len(row):
            return row[household_size - 1]
        step = row[5] - row[4]
        return row[5] + step * (household_size - 6)

    def percent(self, year: int, household_size: int, annual_income_krw: float) -> float:
        """Household income as a percentage of the median: ``annual / 12 / monthly(year, size) * 100``.

        Raises:
            InvalidInputError: as :meth:`monthly`, or a negative income.
        """
        if annual_income_krw < 0:
            raise InvalidInputError("annual income must not be negative")
        return annual_income_krw / 12 / self.monthly(year, household_size) * 100
