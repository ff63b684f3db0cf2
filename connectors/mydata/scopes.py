"""Record types (OAuth2 scopes) the MyData provider offers, consent purposes, and the consent errors.

A scope is one administrative record, named as 공공 마이데이터 names the document it stands for:

==========================  ==============================  ===========================================
scope                       record (Korean)                 facts derived from it
==========================  ==============================  ===========================================
``resident_registration``   주민등록표 등본                 age, sex, household size and type flags, members'
                                                            relation, age and sex
``health_insurance``        건강보험 자격득실 확인서        insurance type; ``employed`` for 직장가입자
``income``                  소득금액증명                    household annual income (→ ``income_pct_median``
                                                            together with the household size from 등본)
``recipient_certificate``   수급자 증명서                   ``welfare_recipient``: whether 본인 receives a
                                                            국민기초생활 보장법 benefit (생계·의료·주거·교육급여)
``near_poverty_certificate`` 차상위계층 확인서              ``near_poverty``: whether 본인's household is certified
                                                            차상위계층
==========================  ==============================  ===========================================

The two status records are documents 정부24 issues and 공공 마이데이터 lists among the administrative information a
citizen may have sent to a service (수급자 증명서: 국민기초생활 보장법 수급자; 차상위계층 확인서: 국민기초생활 보장법
제2조 제10호 차상위계층). For a person who holds no such status the provider answers the record with the status
"해당 없음" (no benefits / not certified): a known "no", which the eligibility check uses to rule services out.
Only the yes/no is kept, never the benefit dates, the issuing office or the resident number on the document.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import AssistantError, InvalidInputError


@dataclass(frozen=True)
class Scope:
    """One record type: its scope name, Korean and English document names, and what is kept from it."""

    name: str
    document_ko: str
    document_en: str
    keeps_ko: str
    keeps_en: str


SCOPES: dict[str, Scope] = {
    s.name: s
    for s in (
        Scope("resident_registration", "주민등록표 등본", "resident registration certificate (household)",
              "나이, 성별, 가구원 수, 가구 유형, 가구원의 관계·나이·성별",
              "age, sex, household size and type, and each member's relation, age and sex"),
        Scope("health_insurance", "건강보험 자격득실 확인서", "health insurance eligibility certificate",
              "건강보험 가입 유형, 직장 가입 여부", "health insurance type and whether you are insured as an employee"),
        Scope("income", "소득금액증명", "certificate of income amount",
              "가구의 연간 소득 합계(기준 중위소득 대비 비율 계산용)",
              "your household's total annual income (to compute its percentage of the median income)"),
        Scope("recipient_certificate", "수급자 증명서", "basic livelihood security recipient certificate",
              "기초생활보장 수급자(생계·의료·주거·교육급여) 여부", "whether you receive a basic livelihood security benefit"),
        Scope("near_poverty_certificate", "차상위계층 확인서", "near-poverty household certificate",
              "차상위계층 여부", "whether your household is certified as near-poverty"),
    )
}


@dataclass(frozen=True)
class Purpose:
    """Why records are fetched, as shown to the citizen."""

    name: str
    ko: str
    en: str


PURPOSES: dict[str, Purpose] = {
    p.name: p
    for p in (
        Purpose("eligibility_check", "받을 수 있는 복지 혜택(공공서비스) 자격 확인",
                "checking which public benefits you are eligible for"),
        Purpose("application", "공공서비스 신청서 작성과 구비서류 확인", "preparing a benefit application and its required documents"),
        Purpose("benefit_alerts", "새로 받을 수 있게 된 혜택 알림", "alerting you to benefits you become eligible for"),
    )
}


def check_scopes(scopes: object) -> tuple[str, ...]:
    """Validate scope names; returns them sorted and de-duplicated.

    Raises:
        InvalidInputError: empty, not a list of strings, or an unknown scope (the message lists valid ones).
    """
    if isinstance(scopes, str):
        scopes = scopes.split()
    if not isinstance(scopes, (list, tuple, set, frozenset)) or not scopes:
        raise InvalidInputError(f"scopes must be a non-empty list of record types: {', '.join(SCOPES)}")
    out = set()
    for s in scopes:
        if s not in SCOPES:
            raise InvalidInputError(f"unknown MyData scope {s!r}; valid scopes: {', '.join(SCOPES)}")
        out.add(str(s))
    return tuple(sorted(out))


def check_purpose(purpose: str) -> Purpose:
    """The :class:`Purpose` named ``purpose``.

    Raises:
        InvalidInputError: an unknown purpose (the message lists valid ones).
    """
    try:
        return PURPOSES[purpose]
    except (KeyError, TypeError):
        raise InvalidInputError(f"unknown consent purpose {purpose!r}; valid purposes: {', '.join(PURPOSES)}") from None


class ConsentError(AssistantError, PermissionError):
    """No valid consent allows this: none, pending, revoked, expired, or a scope it does not cover.

    Raised *before* any call to the provider; the message names the consent id and the scope, never
    personal data.
    """


class UnknownConsentError(ConsentError, LookupError):
    """No consent has this id."""
