"""The income limit a service's own 지원대상/선정기준 text states, where it differs from its coded income bands.

The catalogue codes income in five bands of 기준 중위소득 (JA0201–JA0205: 0–50, 51–75, 76–100, 101–200, over 200 %;
:mod:`connectors.eligibility.codes`). Many texts state a limit between the band edges, and some codes contradict
their own text: 예술활동준비금 codes up to 100 % while its text says "기준 중위소득 120% 이하", 무료 소송대리 (예술인,
선원, 가정폭력 피해자) code up to 100 % with "125% 이하" in the text, 해남형 청년 주거비 up to 100 % against "150%
이하"; the other way, 치매진단(감별)검사비 codes up to 200 % with "120% 이하", 연탄쿠폰 up to 75 % with "60% 이하", and
eleven services code no income at all while the text states a limit (산모·신생아 건강관리 "150% 이하", 미혼모 의료비
"120% 이하" …). By the codes alone a person at 110 % of the median was told 예술활동준비금 is out of reach, and one at
150 % that the 치매 test subsidy is theirs (fresh-user report s41, closing note s42 §3).

What the evaluator makes of it (condition ``INCOME``, :mod:`connectors.eligibility.evaluator`): where the text and the
codes disagree about a person's known income (one says within, the other says above), the service is ``unknown`` with
the text's phrase to check; never ``eligible`` and never ``not_eligible`` on the text alone (the text may hold
exceptions the reading misses: "기준중위소득 150% 초과 출산가정" as an 예외지원 group). Where the codes say nothing on
income and the person's income is unknown, the service is ``unknown`` with the income missing. Where they agree the
codes decide, as before.

How the limit is read: every "중위소득 … N% 이하/이내/미만/↓" (a range "N% ~ M% 이하" gives M; "기준 중위소득의", "대비"
and a year between the words are allowed); the service's limit is the largest (a text with several programmes —
"법정한부모 63%↓, 가족돌봄청년 120%↓" — is open up to the widest one; narrower ones are among the things to check). A
mention with no limit word ("150% 초과", "40%의 60%이상") is not a limit, and a limit whose figure the text also names
from above ("120% 이하(무료), 120% 초과(이용료의 40% 본인부담)", "150% 이하 … 예외지원 … 150% 초과 출산가정", "140%
이하인 경우(국비 지원) … 140% 이상인 경우(시비 지원)") splits the support, not who gets it: no limit. A regular expression rather than a parser:
the phrases are formulaic, and a caseworker can read the pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: "기준 중위소득 120% 이하", "중위소득63%↓", "기준중위소득 50% 초과 ~130% 이하", "2026년 기준중위소득 100% 기준 이하",
#: "기준 중위소득의 120% 이내", "기준 중위소득 140% ~ 160% 이하".
_LIMIT = re.compile(
    r"중위\s*소득[^\n%\d]{0,8}?(?:\d{4}\s*년\s*)?(?P<first>\d{1,3}(?:\.\d+)?)\s*%"
    r"(?:\s*(?P<above>초과|이상)?\s*[~∼\-]\s*(?P<second>\d{1,3}(?:\.\d+)?)\s*%)?"
    r"\s*(?:기준\s*)?(?P<word>이하|이내|미만|↓|以下)")
#: "기준 중위소득 120% 초과(이용료의 40% 본인부담)", "150% 초과 출산가정", "140% 이상인 경우(시비 지원)": the same
#: figure as the limit with the other side named too, so the figure splits the support (a fee, a funder), not who gets it.
_ABOVE = re.compile(r"중위\s*소득[^\n%\d]{0,8}?(?:\d{4}\s*년\s*)?(?P<value>\d{1,3}(?:\.\d+)?)\s*%\s*(?:초과|이상)(?!\s*[~∼\-])")
_BULLET = re.compile(r"^[\s○●◦▪■□◆◇※\-·ㆍ*•]+")
_MAX_PHRASE = 100


@dataclass(frozen=True)
class IncomeLimit:
    """An income limit read from a service's text.

    Attributes:
        limit: the largest limit stated, in percent of 기준 중위소득 (e.g. ``120.0``).
        strict: the limit is exclusive ("미만"): a person exactly at it is above.
        phrase: the line it was read from (bullets dropped, at most 100 characters around the limit).
        floor: the lower end where the limit closes a range ("50% 초과 ~130% 이하": 50.0), else ``None``;
        floor_strict: the floor is exclusive ("초과"; a bare "120%~160%" or "이상" includes it).
    """

    limit: float
    strict: bool
    phrase: str
    floor: float | None = None
    floor_strict: bool = False

    def within(self, pct: float) -> bool:
        """Whether an income of ``pct`` percent of the median is within the limit.

        Example:
            >>> IncomeLimit(120.0, False, "").within(120.0), IncomeLimit(120.0, True, "").within(120.0)
            (True, False)
            >>> [IncomeLimit(130.0, False, "", 50.0, True).within(p) for p in (50.0, 50.5, 130.0)]
            [False, True, True]
        """
        if self.floor is not None and (pct <= self.floor if self.floor_strict else pct < self.floor):
            return False
        return pct < self.limit if self.strict else pct <= self.limit


def income_limit(text: str) -> IncomeLimit | None:
    """The income limit of a 지원대상/선정기준 ``text`` (module docstring), or ``None`` when it states none.

    Example:
        >>> income_limit("○ 예술활동증명 완료 예술인\\n○ 가구 소득인정액 기준 중위소득 120% 이하").limit
        120.0
        >>> r = income_limit("○ (가구소득) 가구 기준중위소득 50% 초과 ~130% 이하")
        >>> r.limit, r.floor, r.floor_strict
        (130.0, 50.0, True)
        >>> income_limit("법정한부모(중위소득63%↓,청소년한부모는72%↓)").limit
        63.0
        >>> income_limit("○ 관내 기준중위소득 150%초과 출산가정") is None
        True
        >>> income_limit("기준 중위소득 120% 이하(무료), 기준 중위소득 120% 초과(이용료의 40% 본인부담)") is None
        True
    """
    best: re.Match[str] | None = None
    for m in _LIMIT.finditer(text):
        if best is None or float(m.group("second") or m.group("first")) > float(best.group("second") or best.group("first")):
            best = m
    if best is None:
        return None
    value = float(best.group("second") or best.group("first"))
    if any(float(m.group("value")) == value for m in _ABOVE.finditer(text)):
        return None
    floor = float(best.group("first")) if best.group("second") else None
    strict, floor_strict, start, end = best.group("word") == "미만", best.group("above") == "초과", best.start(), best.end()
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:len(text) if line_end < 0 else line_end]
    at, upto = start - line_start, end - line_start
    if len(line) > _MAX_PHRASE:  # keep the limit with some words before and after it, cut at spaces
        lo, hi = max(0, at - 50), min(len(line), upto + 40)
        if lo:
            lo = line.find(" ", lo, at) + 1 or lo
        if hi < len(line):
            hi = line.rfind(" ", upto, hi) if line.rfind(" ", upto, hi) > 0 else hi
        line = ("…" if lo else "") + line[lo:hi].strip() + ("…" if hi < len(line) else "")
    return IncomeLimit(value, strict, _BULLET.sub("", line).strip(), floor, floor_strict)


__all__ = ["IncomeLimit", "income_limit"]
