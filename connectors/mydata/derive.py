"""From provider records to the facts the eligibility service needs, keeping no more than that.

Each record type is reduced right after it is fetched (:func:`derive_record`); only the reduced piece is
stored. :func:`to_facts` combines the pieces of one consent into :class:`connectors.eligibility.facts.Facts`.

Rules (the reference date is the fetch time's date in Asia/Seoul):

* ``age``: 만 나이 (completed years) from the 본인 birth date on 주민등록표 등본 (민법 제158조: age counts from the
  day of birth; 행정기본법 제7조의2 uses 만 나이).
* ``sex``: the 등본's sex of 본인.
* household: ``household_size`` = members on the 등본; ``single_person_household`` = 1 member;
  ``multi_child_household`` = at least :data:`MULTI_CHILD_MIN` children (자녀) under 19; ``single_parent_family``
  = children under 18 and no spouse (한부모가족지원법 제4조: 아동 = under 18), or grandchildren under 18 and no
  children (조손가족); ``extended_family`` = three generations (a parent of 본인 and a child or grandchild);
  ``household`` = the other members as ``{relation, age, sex}`` only (no name, birth date or resident number), so a
  conversation can ask about "우리 아이" or "어머니" without asking again.
* ``employed``: ``True`` for 직장가입자 with no loss date; otherwise unknown (지역가입자/피부양자 do not tell).
* ``income_pct_median``: the household's annual income (소득금액증명 totals) / 12 / 기준 중위소득 for the household
  size (from the 등본 under the same consent) of the reference year × 100; unknown without both records.
* ``welfare_recipient``: 수급자 증명서 lists at least one 급여 (생계·의료·주거·교육급여) in force on the reference date;
  ``False`` when the provider answers "해당 없음" (no benefit). Only the yes/no is kept.
* ``near_poverty``: 차상위계층 확인서 says the household is certified (``certified``) and the certification has not
  ended by the reference date; ``False`` for "해당 없음". Only the yes/no is kept.

Any record that does not have the documented shape raises :class:`RecordShapeError` (a
:class:`~assistant.errors.ConnectorUnavailable`: the provider answered garbage), so nothing partial is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from assistant.errors import ConnectorUnavailable
from connectors.eligibility.facts import Facts
from connectors.mydata.median_income import MedianIncomeTable

SEOUL = ZoneInfo("Asia/Seoul")
#: Children under 19 that make a 다자녀가구. Policies differ (2 or 3; 2 is the central government's
#: current 다자녀 기준), so services that need 3 should read ``children_under_19`` instead.
MULTI_CHILD_MIN = 2
INSURANCE_TYPES = {"직장가입자": "employee", "지역가입자": "self_employed_or_local", "피부양자": "dependent",
                   "의료급여수급권자": "medical_aid"}


class RecordShapeError(ConnectorUnavailable):
    """A provider record lacks a field or has a value of the wrong type (the message names the field, not its value)."""


def seoul_date(epoch_s: float) -> dt.date:
    """The calendar date in Asia/Seoul at ``epoch_s`` (UTC epoch seconds)."""
    return dt.datetime.fromtimestamp(epoch_s, SEOUL).date()


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years (만 나이) on ``on``; someone born on 29 February turns a year older on 1 March in common years."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _get(rec: Mapping[str, Any], key: str, kind: type | tuple[type, ...], scope: str) -> Any:
    v = rec.get(key) if isinstance(rec, Mapping) else None
    if not isinstance(v, kind) or isinstance(v, bool) and kind is not bool:
        raise RecordShapeError(f"MyData provider: {scope} record has no valid {key!r}")
    return v


def _date(value: Any, key: str, scope: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RecordShapeError(f"MyData provider: {scope} record has no valid date {key!r}") from None


def derive_resident(rec: Mapping[str, Any], reference: dt.date) -> dict[str, Any]:
    """주민등록표 등본 → ``{age, sex, household_size, children_under_19, single_person_household,
    multi_child_household, single_parent_family, extended_family, household, as_of}``.

    Raises:
        RecordShapeError: no 본인, or a member without relation / birth date / sex.
    """
    scope = "resident_registration"
    members = _get(rec, "members", list, scope)
    people = []
    for m in members:
        rel = _get(m, "relation", str, scope)
        sex = _get(m, "sex", str, scope)
        if sex not in ("male", "female"):
            raise RecordShapeError(f"MyData provider: {scope} record has no valid 'sex'")
        people.append((rel, _date(_get(m, "birth_date", str, scope), "birth_date", scope), sex))
    me = [p for p in people if p[0] == "본인"]
    if len(me) != 1:
        raise RecordShapeError(f"MyData provider: {scope} record must list exactly one 본인")
    rels = [r for r, _, _ in people]
    kids = [age_on(b, reference) for r, b, _ in people if r == "자녀"]
    grandkids = [age_on(b, reference) for r, b, _ in people if r == "손자녀"]
    no_spouse = "배우자" not in rels
    return {
        "age": age_on(me[0][1], reference),
        "sex": me[0][2],
        "household_size": len(people),
        "children_under_19": sum(a < 19 for a in kids),
        "single_person_household": len(people) == 1,
        "multi_child_household": sum(a < 19 for a in kids) >= MULTI_CHILD_MIN,
        "single_parent_family": no_spouse and (any(a < 18 for a in kids) or (not kids and any(a < 18 for a in grandkids))),
        "extended_family": bool({"부", "모"} & set(rels)) and bool({"자녀", "손자녀"} & set(rels)),
        "household": [{"relation": r, "age": age_on(b, reference), "sex": s} for r, b, s in people if r != "본인"],
        "as_of": reference.isoformat(),
    }


def derive_health(rec: Mapping[str, Any], reference: dt.date) -> dict[str, Any]:
    """건강보험 자격득실 확인서 → ``{insurance_type, employed, as_of}`` (``employed`` is ``None`` when it does not tell).

    Raises:
        RecordShapeError: an unknown 자격 type or a bad date.
    """
    scope = "health_insurance"
    kind = _get(rec, "subscriber_type", str, scope)
    if kind not in INSURANCE_TYPES:
        raise RecordShapeError(f"MyData provider: {scope} record has an unknown 'subscriber_type'")
    lost = rec.get("lost_on")
    insured = lost is None or _date(lost, "lost_on", scope) > reference
    return {"insurance_type": INSURANCE_TYPES[kind] if insured else "none",
            "employed": True if kind == "직장가입자" and insured else None, "as_of": reference.isoformat()}


def derive_income(rec: Mapping[str, Any], reference: dt.date) -> dict[str, Any]:
    """소득금액증명 → ``{household_annual_income_krw, tax_year, as_of}``.

    Raises:
        RecordShapeError: members or amounts missing, or a negative or non-integer amount.
    """
    scope = "income"
    tax_year = _get(rec, "tax_year", int, scope)
    total = 0
    for m in _get(rec, "members", list, scope):
        for item in _get(m, "items", list, scope):
            amount = _get(item, "amount", int, scope)
            if amount < 0:
                raise RecordShapeError(f"MyData provider: {scope} record has a negative 'amount'")
            total += amount
    return {"household_annual_income_krw": total, "tax_year": tax_year, "as_of": reference.isoformat()}


#: The 급여 a 수급자 증명서 may list (국민기초생활 보장법 제7조 제1항 제1–4호).
BENEFIT_KINDS = frozenset({"생계급여", "의료급여", "주거급여", "교육급여"})


def _in_force(item: Mapping[str, Any], reference: dt.date, scope: str) -> bool:
    since = _date(_get(item, "since", str, scope), "since", scope)
    until = item.get("until")
    return since <= reference and (until is None or _date(until, "until", scope) >= reference)


def derive_recipient(rec: Mapping[str, Any], reference: dt.date) -> dict[str, Any]:
    """수급자 증명서 → ``{welfare_recipient, as_of}``: a 급여 of :data:`BENEFIT_KINDS` in force on ``reference``.

    Raises:
        RecordShapeError: no ``benefits`` list, an unknown 급여 kind or a bad date.
    """
    scope = "recipient_certificate"
    held = False
    for item in _get(rec, "benefits", list, scope):
        if _get(item, "kind", str, scope) not in BENEFIT_KINDS:
            raise RecordShapeError(f"MyData provider: {scope} record has an unknown benefit 'kind'")
        held = _in_force(item, reference, scope) or held
    return {"welfare_recipient": held, "as_of": reference.isoformat()}


def derive_near_poverty(rec: Mapping[str, Any], reference: dt.date) -> dict[str, Any]:
    """차상위계층 확인서 → ``{near_poverty, as_of}``: certified and in force on ``reference``.

    Raises:
        RecordShapeError: no boolean ``certified``, or a certified record without a valid ``since`` date.
    """
    scope = "near_poverty_certificate"
    certified = _get(rec, "certified", bool, scope)
    return {"near_poverty": certified and _in_force(rec, reference, scope), "as_of": reference.isoformat()}


DERIVERS = {"resident_registration": derive_resident, "health_insurance": derive_health, "income": derive_income,
            "recipient_certificate": derive_recipient, "near_poverty_certificate": derive_near_poverty}


def derive_record(scope: str, rec: Any, reference: dt.date) -> dict[str, Any]:
    """The piece kept from record ``scope`` (see the module doc).

    Raises:
        RecordShapeError: the record is not a JSON object of the documented shape, or is of another type.
    """
    if not isinstance(rec, Mapping) or rec.get("record_type") != scope:
        raise RecordShapeError(f"MyData provider: the answer for {scope} is not a {scope} record")
    return DERIVERS[scope](rec, reference)


def to_facts(pieces: Mapping[str, Mapping[str, Any]], table: MedianIncomeTable | None = None) -> Facts:
    """Combine the stored pieces of one consent (scope → piece) into :class:`Facts`; what they do not tell stays ``None``."""
    out: dict[str, Any] = {}
    res = pieces.get("resident_registration")
    if res:
        for k in ("age", "sex", "single_person_household", "multi_child_household", "single_parent_family", "extended_family"):
            out[k] = res[k]
    health = pieces.get("health_insurance")
    if health and health.get("employed") is not None:
        out["employed"] = health["employed"]
    income = pieces.get("income")
    if income and res:
        year = dt.date.fromisoformat(income["as_of"]).year
        tbl = table or MedianIncomeTable()
        if tbl.year_for(year) is not None:
            out["income_pct_median"] = tbl.percent(year, int(res["household_size"]), income["household_annual_income_krw"])
    for scope, fact in (("recipient_certificate", "welfare_recipient"), ("near_poverty_certificate", "near_poverty")):
        piece = pieces.get(scope)
        if piece and isinstance(piece.get(fact), bool):
            out[fact] = piece[fact]
    return Facts(**out)
