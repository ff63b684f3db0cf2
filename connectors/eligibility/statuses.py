"""Named statuses a service's text requires that its coded conditions do not code (issue #5, fresh-user report s6
items 3 and 11).

The JA codes are often thinner than the 지원대상/선정기준 text. 에너지바우처 codes only the income band 0–50 %; its
text requires a 생계·의료·주거·교육급여 recipient. 계속종사장려금 codes only "19 or over"; its text is for
대한민국명장. Dozens of facility discounts code an adult age range; their text lists 국가유공자, 기초생활수급자 ….
Judged on the codes alone, such a service is "eligible" for anyone of the right age.

This module reads, by keyword, the *recipients of a named status* a text names (:data:`STATUSES`). The evaluator
turns them into one more AND group common to every pathway, the condition ``STATUS``
(:mod:`connectors.eligibility.evaluator`): held when the person is known to hold one of the named statuses,
``unknown`` otherwise, with the unknown status facts missing. It is never ``not_eligible``: a keyword reading cannot
tell whether the named statuses are the only way in (a discount list names 국가유공자 beside 장애인, 다자녀, 주민 …),
so a known "no" leaves the service to be confirmed ("확인 필요"), never silently satisfied and never ruled out.

It applies only where the coded conditions leave room for it (:func:`applies`): the individual pathway is open,
no personal or household trait code (JA03xx, JA04xx) restricts, and the age range is broad or absent — a narrow
coded age (65 or over, 0–7) is itself the way in named by such a text ("65세 이상 경로우대자"), and coded traits
are the alternatives the list names. A status the codes already code (국가보훈대상자, JA0329) is not read again.

===================  =====================================================  =======================================
status               words in 지원대상/선정기준 (remark lines ``※ …`` not read)  fact (``Facts`` field)
===================  =====================================================  =======================================
``veteran``          국가유공자, 독립유공자, 참전유공자, 민주유공자,             ``veteran`` (JA0329 국가보훈대상자)
                     특수임무유공자, 보훈대상자, 보훈보상대상자, 고엽제,
                     상이군경/전상군경/공상군경
``welfare_recipient`` 기초생활수급, 기초수급, 수급권자, 수급자 (not 연금·수당·    ``welfare_recipient`` (국민기초생활
                     급여 수급자 or 수급자격), 생계급여, 의료급여, 주거급여,      보장법 제7조 급여의 수급자)
                     교육급여
``near_poverty``     차상위                                                  ``near_poverty`` (국민기초생활 보장법
                                                                             시행령 제3조의2 차상위계층)
``master_craftsman`` 명장 (대한민국명장, 기능경기대회 명장부)                  ``master_craftsman`` (숙련기술장려법
                                                                             제11조 대한민국명장)
===================  =====================================================  =======================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.eligibility.facts import Facts

#: A remark line (``※ 단, …``) names exceptions and extras, not who the service is for.
_REMARK = re.compile(r"^\s*[※*☞].*$", re.MULTILINE)
#: A status named to exclude it, on the same line: "생계·의료·주거급여 수급자에 해당하지 않는", "기초수급 중지(제외)자",
#: "(* 의료급여 수급자 및 다른 법령에 의해 지원받는 자 제외)".
#: Not across an opening parenthesis: "국가유공자(국가예방접종 사업 대상자 제외, …)" excludes others, not 국가유공자.
_NEGATED = re.compile(r"[^\n(（]{0,40}?(?:해당하지\s*않|아닌|제외|중지|미해당)")


@dataclass(frozen=True)
class NamedStatus:
    """A status a service's text may require: its words, the fact that holds it and its labels.

    Attributes:
        name: the status (also its bit position in :data:`STATUSES`).
        pattern: words naming it in a 지원대상/선정기준 text.
        fact: the :class:`~connectors.eligibility.facts.Facts` field (``True`` = the person holds the status).
        ko, en: how a reply names it.
        coded_by: the JA code that already codes it, if any (then the text is not read for it).
    """

    name: str
    pattern: re.Pattern[str]
    fact: str
    ko: str
    en: str
    coded_by: str | None = None


STATUSES: tuple[NamedStatus, ...] = (
    NamedStatus("veteran", re.compile(r"(?:국가|독립|참전|민주|특수임무)유공자|보훈(?:보상)?대상자|고엽제|[전공]?상군경"),
                "veteran", "국가유공자·보훈대상자", "national merit recipient or veteran", coded_by="JA0329"),
    NamedStatus("welfare_recipient",
                re.compile(r"기초생활\s*수급|기초수급|수급권자|(?<![연금수당여])(?<![연금수당여]\s)수급자(?!격)|(?:생계|의료|주거|교육)(?:[·ㆍ,]\s*"
                           r"(?:생계|의료|주거|교육))*\s*급여\s*수급"),
                "welfare_recipient", "기초생활보장 수급자(생계·의료·주거·교육급여)",
                "basic livelihood security recipient (livelihood, medical, housing or education benefit)"),
    NamedStatus("near_poverty", re.compile(r"차상위"), "near_poverty", "차상위계층", "near-poverty household"),
    NamedStatus("master_craftsman", re.compile(r"명장"), "master_craftsman", "대한민국명장",
                "certified Korea Master Craftsman"),
)
BY_NAME = {s.name: s for s in STATUSES}
STATUS_FACTS: tuple[str, ...] = tuple(dict.fromkeys(s.fact for s in STATUSES))


def statuses_in(text: str) -> tuple[str, ...]:
    """The named statuses a 지원대상/선정기준 text requires, in :data:`STATUSES` order (remark lines not read, nor a
    status named to exclude it: 해당하지 않는, 아닌, 제외, 중지 later on the same line).

    Example:
        >>> statuses_in("○ 소득기준 : '국민기초생활보장법'에 따른 생계·의료·주거·교육급여 수급자")
        ('welfare_recipient',)
        >>> statuses_in("○ 대한민국명장 선정자"), statuses_in("기초연금 수급자"), statuses_in("구직급여 수급자격 인정자")
        (('master_craftsman',), (), ())
        >>> statuses_in("생계·의료·주거급여 수급자에 해당하지 않는 가구")  # named to exclude it
        ()
    """
    text = _REMARK.sub("", text)
    return tuple(s.name for s in STATUSES
                 if any(not _NEGATED.match(text, m.end()) for m in s.pattern.finditer(text)))


def status_bits(names: tuple[str, ...], coded: frozenset[str] = frozenset()) -> int:
    """The bit mask of ``names`` (bit ``i`` = ``STATUSES[i]``), leaving out statuses whose JA code is in ``coded``."""
    return sum(1 << i for i, s in enumerate(STATUSES) if s.name in names and s.coded_by not in coded)


def held_bits(facts: Facts) -> tuple[int, int]:
    """``(held, open)``: the statuses the person is known to hold, and those whose fact is unknown."""
    held = open_ = 0
    for i, s in enumerate(STATUSES):
        value = getattr(facts, s.fact)
        if value is True:
            held |= 1 << i
        elif value is None:
            open_ |= 1 << i
    return held, open_


def names_of(bits: int) -> tuple[NamedStatus, ...]:
    """The statuses of a bit mask, in :data:`STATUSES` order."""
    return tuple(s for i, s in enumerate(STATUSES) if bits >> i & 1)


__all__ = ["BY_NAME", "STATUSES", "STATUS_FACTS", "NamedStatus", "held_bits", "names_of", "status_bits", "statuses_in"]
