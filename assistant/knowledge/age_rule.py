"""The age rule a service's eligibility section states for the person it serves, and the age a message states.

s36 second probe: "청년농업인 영농정착지원 알려줘" then "저 41살이에요" quoted who is eligible ("만 18세 이상 만 40세
미만") without saying that 41 is outside it; a citizen should not have to work that out. With the rule read from the
page and the age read from the message, the answer first says whether the age fits (the other conditions stay the
citizen's to check).

Own code, not a library: the rules are Korean catalogue sentences ("나이: 사업 시행연도 기준 만 18세 이상 만 40세
미만", "만 19세 ~ 34세", "65세 이상 운전자"), read only where the age is the line's subject:

* a line that starts with 나이/연령/기본 요건, or a top-level line (no indent) where the bound is followed by the
  person it describes (사람, 노인, 어르신, 청년, 성인, 임신부, 운전자, 무주택 …: "만 65세 이상 노인", "35~39세 무주택
  청년 가구");
* never a line about a child or a birth year (아동, 자녀, 유아, 영아, 아기, 생후, 출생, …년생: those ages are the
  child's, not the asker's), and never a section that offers alternatives ("다음 중 하나", "하나 이상": 연탄쿠폰's 65세
  이상 is one way in among 수급권자 and 차상위계층);
* exactly one rule in the section, else none (several ages: which one applies is not read here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

#: a bound on both sides: "만 18세 이상 만 40세 미만", "19세 이상 39세 이하", "만 19세 ~ 34세", "35~39세"
#: (the catalogue writes the range's tilde as ~, ∼, the full-width ～ or 〜, also after 이상: "만 18세 이상 ～ 만 40세 미만")
_RANGE = re.compile(r"(?:만\s*)?(\d{1,3})\s*세?\s*(?:(이상|초과)\s*[~∼～〜]?\s*(?:만\s*)?|[~∼～〜]\s*(?:만\s*)?)(\d{1,3})\s*세\s*(이하|미만)?")
#: a bound on one side: "만 65세 이상", "만 55세 이하", "19세 이하의" (the catalogue's 지원대상 reader,
#: :mod:`connectors.eligibility.text_groups`, reads ages with it too)
AGE_BOUND = re.compile(r"(?:만\s*)?(\d{1,3})\s*세\s*(이상|초과|이하|미만)")
#: the person a bound on a top-level line must describe right after it (a particle or 인 between)
_PERSON_AFTER = re.compile(r"^\s*(?:인|의)?\s*(?:사람|노인|어르신|청년|성인|임신부|임산부|운전자|분|국민|내국인|무주택|근로자|구직자)")
#: a line that names the age as what it is about, after the catalogue's list markers ("- ", "○ ", "가. ", "1) ", "①")
_AGE_LINE = re.compile(r"^\s*(?:[-○●◦·•▪■□*※]\s*|[가-하]\s*[.)]\s*|\(?\d{1,2}\s*[.)]\s*|[①-⑳]\s*)?(?:나이|연령|기본\s*요건)\s*:")
#: a line about a child's age or a birth year: not the asker's age
_CHILD_LINE = re.compile(r"아동|자녀|유아|영아|아기|생후|출생|년생|소아|세대|가구원")
#: on a line that names the age as its subject, only a child named makes it a child's: its birth years ("1986.1.1 ∼
#: 2008.12.31. 출생자", s47: 청년농업인 영농정착 지원's 연령 line) are the applicant's own
_CHILD_ON_AGE_LINE = re.compile(r"아동|자녀|유아|영아|아기|생후|소아|출생아|가구원")
#: a section that lists ways in, any one of which is enough
_ALTERNATIVES = re.compile(r"중\s*(?:어느\s*)?하나|하나\s*이상|어느\s*하나")


@dataclass(frozen=True)
class AgeRule:
    """Ages ``low``..``high`` in years (None: no bound on that side), each bound inclusive or not, and the rule as the
    page wrote it (``text``)."""

    low: int | None
    low_inclusive: bool
    high: int | None
    high_inclusive: bool
    text: str

    def fits(self, age: int) -> bool:
        """Whether ``age`` (years) is within the rule."""
        if self.low is not None and (age < self.low or (age == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (age > self.high or (age == self.high and not self.high_inclusive)))

    def describe(self, language: str) -> str:
        """The rule in words: "만 18세 이상 40세 미만" / "aged 18 or over and under 40"."""
        if language == "en":
            parts = []
            if self.low is not None:
                parts.append(f"{self.low} or over" if self.low_inclusive else f"over {self.low}")
            if self.high is not None:
                parts.append(f"{self.high} or under" if self.high_inclusive else f"under {self.high}")
            return "aged " + " and ".join(parts)
        parts = []
        if self.low is not None:
            parts.append(f"{self.low}세 {'이상' if self.low_inclusive else '초과'}")
        if self.high is not None:
            parts.append(f"{self.high}세 {'이하' if self.high_inclusive else '미만'}")
        return "만 " + " ".join(parts)


#: a top-level line that serves those born by a date ("2026년 기준 1961년 12월 31일 이전에 태어난 분"): the year, month
#: and day of the last birth date served
_BORN_BY = re.compile(r"(?:(\d{4})\s*년\s*기준\s*)?(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일\s*(?:이전|까지)\s*(?:에\s*)?(?:태어난|출생한)\s*"
                      r"(?:분|사람|노인|어르신|국민)")


@dataclass(frozen=True)
class BirthRule:
    """Those born on or before ``born_by`` are served (the page: "1961년 12월 31일 이전에 태어난 분"), judged against
    an age in full years on ``today`` (the page's rule is a birth date; a citizen says an age: "저 63살이에요").
    ``text``: the rule as the page wrote it."""

    born_by: date
    today: date
    text: str

    def fits(self, age: int) -> bool | None:
        """Whether a person of ``age`` full years today was born by :attr:`born_by`: True when every birthday that
        age allows is on or before it, False when none is, None when it depends on the birthday (the judgement is
        then left to the citizen)."""
        latest = _years_before(self.today, age)  # a birthday today: this age since today
        earliest = _years_before(self.today, age + 1) + timedelta(days=1)  # turns age + 1 tomorrow
        if latest <= self.born_by:
            return True
        if earliest > self.born_by:
            return False
        return None

    def describe(self, language: str) -> str:
        """The rule in words: "1961년 12월 31일 이전 출생" / "born on or before 31 December 1961"."""
        d = self.born_by
        if language == "en":
            return f"born on or before {d.day} {d.strftime('%B')} {d.year}"
        return f"{d.year}년 {d.month}월 {d.day}일 이전 출생"


def _years_before(day: date, years: int) -> date:
    """``day`` ``years`` years earlier (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_rule(section: str, today: date) -> BirthRule | None:
    """The one birth-date rule an eligibility section states on its top-level lines for the person served
    (:data:`_BORN_BY`), judged on ``today``, or None (none, several, a section of alternatives, or a date given for
    another year than today's: "2026년 기준 …" read in 2027 says nothing of who is served then).

    >>> rule = birth_rule("- 2026년 기준 1961년 12월 31일 이전에 태어난 분으로, 65세가 된 뒤 …", date(2026, 12, 5))
    >>> rule.fits(63), rule.fits(64), rule.fits(65), rule.describe("ko")
    (False, None, True, '1961년 12월 31일 이전 출생')
    """
    if _ALTERNATIVES.search(section):
        return None
    found = set()
    for line in section.splitlines():
        if line.strip() and not line[:1].isspace():
            for m in _BORN_BY.finditer(line):
                if m.group(1) and int(m.group(1)) != today.year:
                    return None  # the page's date is for another year ("2026년 기준"): today's is not read from it
                try:
                    found.add((date(int(m.group(2)), int(m.group(3)), int(m.group(4))), m.group(0).strip()))
                except ValueError:
                    continue
    dates = {d for d, _t in found}
    if len(dates) != 1:
        return None
    born_by, text = sorted(found)[0]
    return BirthRule(born_by, today, text)


def _rules_of_line(line: str, top_level: bool) -> list[AgeRule]:
    age_line = bool(_AGE_LINE.match(line))
    if (_CHILD_ON_AGE_LINE if age_line else _CHILD_LINE).search(line):
        return []
    if not (age_line or top_level):
        return []
    out = []
    taken: list[tuple[int, int]] = []
    for m in _RANGE.finditer(line):
        if not age_line and not _PERSON_AFTER.match(line[m.end():]):
            continue
        low, high = int(m.group(1)), int(m.group(3))
        if low < high:
            out.append(AgeRule(low, m.group(2) != "초과", high, m.group(4) != "미만", m.group(0).strip()))
            taken.append(m.span())
    for m in AGE_BOUND.finditer(line):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if not age_line and not _PERSON_AFTER.match(line[m.end():]):
            continue
        age, word = int(m.group(1)), m.group(2)
        if word in ("이상", "초과"):
            out.append(AgeRule(age, word == "이상", None, True, m.group(0).strip()))
        else:
            out.append(AgeRule(None, True, age, word == "이하", m.group(0).strip()))
    return out


def age_rule(section: str) -> AgeRule | None:
    """The one age rule an eligibility section (Korean catalogue text, one condition per line) states for the person
    served, or None (none, several, a child's, or one of alternatives: module docstring).

    >>> age_rule("- 나이: 사업 시행연도 기준 만 18세 이상 만 40세 미만\\n- 영농 경력: 3년 이하").describe("ko")
    '만 18세 이상 40세 미만'
    >>> age_rule("- 노인복지법에서 정한 만 65세 이상 노인").fits(64), age_rule("- 신청일 현재 12세 미만인 비장애 아동")
    (False, None)
    >>> age_rule("가. 연령 : 사업 시행연도 기준 만 18세 이상 ～ 만 40세 미만(1986.1.1 ∼ 2008.12.31. 출생자)").describe("ko")
    '만 18세 이상 40세 미만'
    """
    if _ALTERNATIVES.search(section):
        return None
    rules: list[AgeRule] = []
    for line in section.splitlines():
        if line.strip():
            rules += _rules_of_line(line, top_level=not line[:1].isspace())
    distinct = {(r.low, r.low_inclusive, r.high, r.high_inclusive) for r in rules}
    return rules[0] if len(distinct) == 1 else None


#: what comes before and after a Korean age stated of a person, not a bound ("65세 이상", "19세 미만", "12~17세"):
#: no range or decimal before its number, no bound word, range mark or digit after (:data:`_STATED_KO`,
#: :func:`assistant.nlu.household.without_person_words`)
NOT_AFTER_RANGE = r"(?<![\d.~∼～〜-])"
NOT_A_BOUND = r"(?!\s*(?:이상|이하|미만|초과|까지|부터|이후|이전|[~∼～〜-]|\d))"
#: an age stated in Korean ("41살", "만 64세", "70세인데"), not a bound
_STATED_KO = re.compile(NOT_AFTER_RANGE + r"(\d{1,3})\s*(?:살|세)" + NOT_A_BOUND)
#: an age stated in English ("I'm 41", "she is 70", "41 years old", "aged 67")
_STATED_EN = re.compile(r"\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is|aged)\s+(\d{1,3})\b(?!\s*(?:%|percent|won|months?))"
                        r"|\b(\d{1,3})\s*(?:years?\s*old|yrs?\s*old|y/o)\b", re.I)


def stated_age(text: str) -> int | None:
    """The one age (years, 1..120) ``text`` states, or None (none, or several: whose is which is not read here).

    >>> stated_age("저 41살이에요"), stated_age("65세 이상 폐렴구균 예방접종"), stated_age("I'm 41 years old")
    (41, None, 41)
    """
    ages = {int(m.group(1)) for m in _STATED_KO.finditer(text or "")}
    ages |= {int(m.group(1) or m.group(2)) for m in _STATED_EN.finditer(text or "")}
    ages = {a for a in ages if 1 <= a <= 120}
    return ages.pop() if len(ages) == 1 else None
