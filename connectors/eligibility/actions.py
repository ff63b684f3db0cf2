"""The eligibility conversation's actions (Rasa-SDK shape; see :mod:`assistant.dialogue.sdk`).

* ``validate_eligibility_form`` — the form's ``required_slots`` made dynamic ("fewest questions
  first"): at activation it offers to fill the facts from Public MyData instead (``use_mydata``, when the
  domain has the MyData dialogue) and looks for a service named in the message (``POST /services/find``; "에너지바우처
  받을 수 있나요?" checks that one service); at every step it asks the eligibility service which
  services are still ``unknown`` for the facts known so far and picks, among the form's slots not yet
  answered or skipped, the fact that the most of them are missing. The form ends when no unknown
  service needs an askable fact, when the one service asked about is decided, or after
  ``settings.eligibility_max_questions`` questions. Where the citizen lives is read whole (:func:`_place_answer`):
  a 시·군·구 alone ("수원", "강남구", "Gangnam-gu") gives its 시·도; one that several 시·도 have ("중구") is asked
  about ("어느 시·도의 중구인가요?", :data:`ASK_SIDO`), never counted as an invalid answer. At activation the opening
  message's birth date and stated sex are taken too, and a family member's sex from the word for them ("우리 아들",
  "my mother": :func:`_opening_facts`).
* ``action_ask_target_groups`` — the group question (:data:`GROUPS_SLOT`, s8 item 1): services whose own 지원대상 text
  restricts them to a group (예술인, 구직자, 임차인 …; :mod:`connectors.eligibility.text_groups`) need the fact
  ``target_groups``. It is counted by the same fewest-questions rule, but only for services where "none of these"
  would decide (:func:`group_no_decides`); the question shows one button per group those services need, the most
  needed first (:func:`offered_groups`, at most :data:`MAX_OFFERED`), then "해당 없음" (every offered group false) and
  "모르겠어요" (skipped: unknown). Typed answers name groups in Korean or English (:func:`groups_answer`). Two groups
  also answer a status fact that has no question of its own (:data:`GROUP_STATUS_FACTS`: 전기 고객 → ``high_voltage_customer``,
  사업자 → ``business_status``); a service missing one of them counts for the group question and has its group offered.
* ``action_check_eligibility`` — runs after the form: lists the eligible services (most specific first:
  the most conditions met; a service whose own 지원대상/선정기준 text names only groups the facts contradict,
  e.g. 소상공인 for a child, goes last and says why: :func:`rank_key`) with the conditions that decided them and their citation (gov.kr page,
  agency, legal basis), then the "to check" services apart (s10: unknown only because their own 지원대상 text names who
  they are for, ``CHECK`` or ``GROUP``, with what to check: :func:`to_check_only`, :func:`check_what`), says how many
  are still unknown and which facts would decide them, and sets
  ``eligible_services`` for the apply flow. For one service it gives its verdict and reasons.

English replies print no Hangul (s7 item 4) except what has no English form: service names (서비스명), agency
names other than local governments (ministries, public corporations: :func:`english_agency`) and the laws cited
(법령). Places, conditions, statuses and fact names are in English (:func:`~connectors.eligibility.regions_en.english_place_name`,
``Condition.meaning_en``).

Facts come from slots named as :class:`~connectors.eligibility.facts.Facts` fields (``income_pct`` is
``income_pct_median``); a slot that is not set is an unknown fact, never assumed. The slot
``beneficiary`` (``self``, ``child``, ``parent``, ``grandparent``, ``spouse``) says whom the facts describe.
When the eligibility service is down the form stops asking (questions it cannot use would waste the
citizen's time) and the result is a polite failure with a handoff offer
(:func:`connectors.resilience.failure_reply`); the facts already given stay in the slots.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError, ConnectorError, ConnectorUnavailable
from assistant.knowledge.periods import Clock, clock, ended_note, parse_period, today_in_seoul
# KIN_SEX, the words for a family member that say the member's sex (fresh-user s10 #4), lives with the other family-word
# tables since s20 (the whose-benefits buttons read it too); re-exported here, where callers and tests import it
from assistant.nlu.household import KIN_SEX
from connectors.eligibility.facts import FACT_NAMES

if TYPE_CHECKING:
    from assistant.dialogue.executors import CollectingDispatcher
    from assistant.dialogue.sdk import ProtocolTracker, SdkAction
    from assistant.settings import Settings
    from connectors.eligibility.client import EligibilityClient, LocalEligibilityClient
    from connectors.eligibility.evaluator import ServiceResult

    EligibilityBackend = EligibilityClient | LocalEligibilityClient

logger = logging.getLogger(__name__)

FORM = "eligibility_form"
TARGET_SLOT = "eligibility_service_id"
ELIGIBLE_SLOT = "eligible_services"
#: Set by the form's planner when the service failed (the error's class name); the result action then
#: apologises at once instead of calling the service again, and clears it.
ERROR_SLOT = "eligibility_error"
#: Slots whose fact has another name.
SLOT_TO_FACT = {"income_pct": "income_pct_median"}
#: How many eligible services the reply lists.
TOP_N = 5
#: Fact slots the form reads from what the citizen says, on any turn of the form ("엄마가 대구에 혼자 사시는데": JA0404
#: 1인가구, :func:`assistant.nlu.household.lives_alone`; since s12 also asked, where the domain's form lists it, when it
#: would decide a remaining service); cleared with the asked facts when the person the questions are about changes.
SAID_FACT_SLOTS = ("single_person_household",)
#: The reply when the disability question is answered with a household member's disability (s13 #2; s15: the answer
#: is recorded as ``household_disabled``, then the person's own disability is asked again).
HOUSEHOLD_DISABILITY_RESPONSE = "utter_disabled_household_not_own"
#: The fact (and form slot) of a registered disabled member of the person's household (s14 #2, asked since s15).
HOUSEHOLD_DISABLED_SLOT = "household_disabled"


def _household_words(tracker: ProtocolTracker, person: str) -> bool:
    """Whether the latest message speaks of a household or family member's disability
    (:func:`~connectors.eligibility.text_groups.names_household_disability`), not of ``person``, whom the questions
    are about (a ``beneficiary`` value): a member named with a disability who is that person ("남편이 장애인이에요"
    while the questions are about the spouse) is their own; so is a message that says the person's own too ("저는
    장애인이고 …")."""
    from assistant.nlu.household import disabled_member
    from connectors.eligibility.text_groups import groups_answered, names_household_disability

    text = tracker.latest_text()
    if text.startswith("/") or not names_household_disability(text):
        return False
    if disabled_member(text) == person:
        return False
    return groups_answered(text).get("disabled") is not True


def _beneficiary_before(tracker: ProtocolTracker) -> str:
    """The ``beneficiary`` slot before the latest user message (``"self"`` when unset): a family word in an answer
    ("남편이 장애인이에요") sets the slot through its entity mapping, but only a new opening question switches person."""
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=0)
    return str(_slots_before(tracker, last_user).get("beneficiary") or "self")


def household_disability_answer(tracker: ProtocolTracker, slots: Mapping[str, Any]) -> bool:
    """Whether the answer to the disability question (``requested_slot`` ``disabled``) speaks of a household or family
    member's disability ("장애인 가정이에요", "남편이 장애인이에요", "We're a household with a disabled member":
    :func:`_household_words`) and not of the person's own (the ``beneficiary`` before the message, else in
    ``slots``): the answer is not the person's ``disabled`` (s13 #2), it is ``household_disabled`` (s15)."""
    person = _beneficiary_before(tracker) if tracker.events else str(slots.get("beneficiary") or "self")
    return tracker.get_slot("requested_slot") == "disabled" and _household_words(tracker, person)


def _household_disability(tracker: ProtocolTracker, slots: dict[str, Any], domain: dict[str, Any], activating: bool,
                          dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """``household_disabled`` from what the citizen says (when the domain declares the slot), s15:

    * at activation, an opening that states it ("장애인 가정이에요. 받을 수 있는 혜택이 뭐가 있나요?", "우리 집이 장애인
      가정인데 …", "We are a family with a disabled member": :func:`assistant.nlu.household.household_disability_said`)
      → true;
    * at the disability question, an answer about a household member's (:func:`household_disability_answer`) → its
      value (true; false where it denies: "장애인 가정은 아니에요"); the person's own ``disabled``, which an affirm
      or deny intent of that message set, is undone (asked again), with :data:`HOUSEHOLD_DISABILITY_RESPONSE`;
    * at the household question, an answer in words ("남편이 장애인이에요") → its value.

    A member named who is the person the questions are about ("남편이 장애인이에요" about the spouse) is that person's
    own disability, not the household's: at activation ("남편이 장애인인데 남편이 받을 수 있는 거 있어요?", "My husband
    is disabled, what can he get?") their ``disabled`` is true (s16). An opening that names a member with a disability
    and asks what the citizen (or "we") can get is about the citizen (:func:`_member_entities`), so it lands in the
    first case. Updates ``slots`` in place; returns the events.
    """
    from assistant.dialogue.sdk import slot_set
    from assistant.nlu.household import disabled_member, household_disability_said
    from connectors.eligibility.text_groups import groups_answered

    if HOUSEHOLD_DISABLED_SLOT not in (domain.get("slots") or {}):
        return []
    text = tracker.latest_text()
    requested = None if activating else tracker.get_slot("requested_slot")
    person = str(slots.get("beneficiary") or "self") if activating else _beneficiary_before(tracker)
    if activating and person != "self" and disabled_member(text) == person and slots.get("disabled") is None:
        # "남편이 장애인인데 남편이 받을 수 있는 거 있어요?": the spouse asked about is disabled themself (s16)
        slots["disabled"] = True
        return [slot_set("disabled", True)]
    if activating:
        said = household_disability_said(text) and _household_words(tracker, person)
    else:
        said = requested in ("disabled", HOUSEHOLD_DISABLED_SLOT) and _household_words(tracker, person)
    if not said:
        return []
    value = groups_answered(text).get("disabled_family", True)
    events: list[dict[str, Any]] = []
    if slots.get("beneficiary") != person:  # "남편이 장애인이에요" at the question: still about the same person
        slots["beneficiary"] = person
        events.append(slot_set("beneficiary", person))
    if slots.get(HOUSEHOLD_DISABLED_SLOT) != value:
        slots[HOUSEHOLD_DISABLED_SLOT] = value
        events.append(slot_set(HOUSEHOLD_DISABLED_SLOT, value))
    if requested == "disabled":
        if slots.get("disabled") is not None:  # an affirm/deny of this message: not the person's own disability
            slots["disabled"] = None
            events.append(slot_set("disabled", None))
        dispatcher.utter_message(response=HOUSEHOLD_DISABILITY_RESPONSE)
    return events


#: The slot where the MyData connector keeps what it filled for the citizen (``{slot: value}``,
#: ``connectors.mydata.actions.FILLED``; named here, not imported: a connector does not import another).
MYDATA_FILLED_SLOT = "mydata_filled_slots"
#: Where the facts given for each person the questions were about are put aside while the questions are about
#: someone else (``{beneficiary: {slot: value}}``; :func:`_switch_beneficiary`).
PERSON_FACTS_SLOT = "facts_by_person"
#: Facts assumed by the conversation itself: a citizen chatting applies as a person, not for an organisation;
#: the reply says so ("개인 기준").
CONVERSATION_FACTS: dict[str, Any] = {"organization_type": "none"}

#: The last line of every verdict (the list and one service): the check reads coded conditions only.
CAVEAT = {
    "ko": "조건 코드로만 확인한 결과예요. 신청 전에 각 서비스의 지원대상과 선정기준을 꼭 확인해 주세요.",
    "en": "These checks use the catalogue's coded conditions only: read each service's eligibility details before applying.",
}

_BENEFICIARY = {
    "ko": {"self": "본인", "child": "자녀", "parent": "부모님", "grandparent": "조부모님", "spouse": "배우자"},
    "en": {"self": "you", "child": "your child", "parent": "your parent", "grandparent": "your grandparent",
           "spouse": "your spouse"},
}
_SEX = {"ko": {"male": "남성", "female": "여성"}, "en": {"male": "male", "female": "female"}}


def fact_name(slot: str) -> str | None:
    """The :class:`Facts` field a slot fills, or None when the slot is not a fact."""
    name = SLOT_TO_FACT.get(slot, slot)
    return name if name in FACT_NAMES else None


def facts_from_slots(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The eligibility facts the conversation's slots hold (:class:`Facts` field names; ``income_pct`` →
    ``income_pct_median``); unset slots and values a fact cannot take are left out (logged, never sent). A region
    slot that holds one 시·군·구 alone, as the NLU filled it outside the questionnaire ("저 67살이고 전주 살아요 … 알림
    받을 수 있어요?": "전주"), is read as that place (:func:`assistant.regions.read_place`; a name several 시·도 have,
    "중구", is left out).

    Example:
        >>> facts_from_slots({"age": 67.0, "income_pct": 45.0, "region": "부산", "disabled": None})
        {'age': 67, 'income_pct_median': 45.0, 'region': '부산광역시'}
        >>> facts_from_slots({"region": "전주"}), facts_from_slots({"region": "중구"})
        ({'region': '전북특별자치도 전주시'}, {})
    """
    from pydantic import ValidationError

    from assistant.regions import read_place
    from connectors.eligibility.facts import Facts

    out: dict[str, Any] = {}
    for slot, value in slots.items():
        name = fact_name(slot)
        if name is None or value is None:
            continue
        if name == "age" and isinstance(value, float):
            value = int(value)
        elif name == "income_pct_median" and isinstance(value, int):
            value = float(value)
        try:
            out[name] = getattr(Facts.model_validate({name: value}), name)
        except ValidationError:
            # a lone 시·군·구 the NLU left unqualified ("전주"): the one place it names, validated once more
            area = read_place(value) if name == "region" and isinstance(value, str) else None
            if area is not None:
                out[name] = getattr(Facts.model_validate({name: str(area)}), name)
            else:
                logger.warning("slot value not usable as an eligibility fact", extra={"stage": "action", "fact": name})
    return out


#: Status facts the group question answers (:data:`GROUPS_SLOT`): group → (fact, value when chosen or ``None`` to leave
#: it unknown, value for "해당 없음"). Choosing "사업자·소상공인" does not say which kind (예비창업자, 영업중, 폐업예정자).
GROUP_STATUS_FACTS: dict[str, tuple[str, Any, Any]] = {
    "electricity": ("high_voltage_customer", True, False),
    "business": ("business_status", None, "none"),
}


#: The group whose answer sets each of those status facts.
_STATUS_FACT_GROUP: dict[str, str] = {fact: group for group, (fact, _yes, _no) in GROUP_STATUS_FACTS.items()}


def conversation_facts(slots: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`facts_from_slots` plus :data:`CONVERSATION_FACTS` (what a check in the conversation sends), plus the
    status facts the group question answered (:data:`GROUP_STATUS_FACTS`: 고압 전기 고객 → ``high_voltage_customer``,
    사업자 → ``business_status``), unless a slot already holds them.

    Example:
        >>> conversation_facts({"target_groups": {"electricity": True, "business": False}})["high_voltage_customer"]
        True
    """
    facts = {**CONVERSATION_FACTS, **facts_from_slots(slots)}
    answered = facts.get(GROUPS_SLOT) or {}
    for group, (fact, yes, no) in GROUP_STATUS_FACTS.items():
        value = yes if answered.get(group) is True else no if answered.get(group) is False else None
        if value is not None and fact not in facts:
            facts[fact] = value
    return facts


def _language(tracker: ProtocolTracker) -> str:
    return "en" if tracker.get_slot("language") == "en" else "ko"


def deciding_missing(r: ServiceResult) -> tuple[str, ...]:
    """The facts of ``r.missing`` whose answer either way decides something: a fact missing only for a named status
    read from the service's text (condition ``STATUS``, :mod:`connectors.eligibility.statuses`) is left out when the
    text also names a way in no fact decides (the condition's value ends ``|open``), since a "no" there leaves the
    service to confirm — asking it would cost the citizen a question that rarely helps. Where the statuses and
    decidable ways are the only ways in (에너지바우처, 차상위계층 쓰레기봉투), a "no" rules the service out, so they count.
    """
    from connectors.eligibility.statuses import BY_NAME

    missing = r.missing
    if GROUPS_SLOT in missing and not group_no_decides(r):  # "해당 없음" would leave it unknown: not worth a question
        missing = tuple(m for m in missing if m != GROUPS_SLOT)
    if GROUPS_SLOT not in missing and any(m in _STATUS_FACT_GROUP for m in missing):
        # 고압 전기 고객, 사업자: no question of their own; the group question answers them (GROUP_STATUS_FACTS), so a
        # service that misses one (an APPLICANT, the business codes JA1101–JA1103) counts for the group question
        missing = (*missing, GROUPS_SLOT)
    status_facts = {BY_NAME[n].fact for c in r.decided_by if c.code == "STATUS" and "open" in str(c.value).split("|")
                    for n in str(c.value).split("|") if n in BY_NAME}
    if not status_facts:
        return missing
    coded = {m for c in r.decided_by if c.code != "STATUS" for m in _facts_of(c)}
    return tuple(m for m in missing if m not in status_facts or m in coded)


#: The fact (and form slot) of the groups a service's own text restricts it to (:mod:`connectors.eligibility.text_groups`):
#: ``{"artist": true, "job_seeker": false}``, asked as one multiple-choice question (``action_ask_target_groups``).
GROUPS_SLOT = "target_groups"
#: The groups that question offers (set by the form's planner when it chooses :data:`GROUPS_SLOT`): "해당 없음" makes
#: each of them false.
OFFERED_SLOT = "target_groups_offered"
#: The most group buttons the question shows (the groups the most remaining services need first).
MAX_OFFERED = 6


def _group_parts(r: ServiceResult) -> list[str] | None:
    c = next((c for c in r.decided_by if c.code == "GROUP"), None)
    return None if c is None else str(c.value).split("|")


def group_no_decides(r: ServiceResult) -> bool:
    """Whether "none of these" for the groups of ``r``'s ``GROUP`` condition would decide it (``not_eligible``): the
    text names no way in the table cannot read (no ``open`` in the condition's value), and any age way in is already
    known not to hold (``age`` is not missing). The GROUP condition is an AND common to every pathway, so its failure
    rules the service out whatever else is unknown."""
    parts = _group_parts(r)
    if parts is None or "open" in parts or any(p.startswith("specific:") for p in parts):
        return False  # a way in no known fact rules out: an unread one, or a group its text narrows
    return not (any(p.startswith("age:") for p in parts) and "age" in r.missing)


#: Groups no child belongs to (fresh-user probe s41: a parent checking for a 4-year-old was asked whether the child runs
#: a business or is an artist): not offered when the person is younger than :data:`CHILD_BELOW`, as
#: :data:`ADULT_ONLY`'s questions are not asked. A child may be a student, disabled, a patient, an heir, in a
#: single-parent, multicultural, low-income or many-children household, so those stay.
ADULT_GROUPS = frozenset({"rescuer", "military", "artist", "fishery", "farming", "electricity", "worker", "job_seeker",
                          "tenant", "owner", "vehicle", "business", "debtor", "pregnancy", "newlywed"})


def offered_groups(unknown: list[ServiceResult], facts: Mapping[str, Any], limit: int = MAX_OFFERED) -> list[str]:
    """The groups to offer at the group question: those of the ``GROUP`` conditions a "no" decides
    (:func:`group_no_decides`) that ``facts`` leave unknown, and the groups whose answer sets a status fact a service
    misses (:data:`GROUP_STATUS_FACTS`: ``business`` for ``business_status``, ``electricity`` for
    ``high_voltage_customer``), the most needed first (then the lexicon's order), at most ``limit``; for a child
    (``age`` below :data:`CHILD_BELOW`) none of :data:`ADULT_GROUPS`.

    Example:
        >>> from connectors.eligibility.evaluator import Condition, ServiceResult
        >>> def svc(value): return ServiceResult("S", "s", "unknown", (Condition("GROUP", "", "", value),), ("target_groups",), ())
        >>> offered_groups([svc("artist"), svc("job_seeker|artist"), svc("tenant|open")], {"age": 30})
        ['artist', 'job_seeker']
        >>> offered_groups([svc("artist"), svc("job_seeker|disabled")], {"age": 4})
        ['disabled']
    """
    from connectors.eligibility.facts import Facts
    from connectors.eligibility.text_groups import LEXICON_NAMES, UNKNOWN, group_states

    states = group_states(Facts.model_validate(dict(facts)))
    counts: Counter[str] = Counter()
    for r in unknown:
        if GROUPS_SLOT in r.missing and group_no_decides(r):
            counts.update(p for p in _group_parts(r) or [] if p in states and states[p][0] == UNKNOWN)
        # a status fact the group question answers (사업자 for an APPLICANT or the business codes): offer its group
        counts.update({_STATUS_FACT_GROUP[m] for m in r.missing if m in _STATUS_FACT_GROUP
                       and states[_STATUS_FACT_GROUP[m]][0] == UNKNOWN and not _group_parts(r)})
    age = facts.get("age")
    child = isinstance(age, (int, float)) and age < CHILD_BELOW
    ranked = sorted((g for g in counts if not (child and g in ADULT_GROUPS)), key=lambda g: (-counts[g], LEXICON_NAMES.index(g)))
    return ranked[:limit]


def _facts_of(c: Any) -> tuple[str, ...]:
    from connectors.eligibility.codes import CODE_BY_NAME

    if c.code in ("JA0110", "JA0111"):
        return ("age",)
    code = CODE_BY_NAME.get(c.code)
    return (code.fact,) if code is not None and code.fact else ()


def most_decisive(unknown: list[ServiceResult], askable: list[str]) -> str | None:
    """The slot whose fact the most ``unknown`` services are missing (:func:`deciding_missing`; the first in
    ``askable`` order on a tie), or None when no askable fact would decide any of them.

    Each service's deciding facts are read once (they do not depend on the slot): read per slot and service, the
    choice cost ~100 ms a turn over the catalogue's ~1,000 unknown services and 7 askable slots."""
    counts = Counter(m for r in unknown for m in set(deciding_missing(r)))
    scores = {s: counts[name] if (name := fact_name(s)) is not None else 0 for s in askable}
    best = max(askable, key=lambda s: (scores[s], -askable.index(s)), default=None)
    return best if best is not None and scores[best] > 0 else None


def _form_slots(domain: dict[str, Any]) -> list[str]:
    return [str(s) for s in ((domain.get("forms") or {}).get(FORM) or {}).get("required_slots") or []]


#: Questions not asked about a child under 15 (a parent asking for a 4-year-old is not asked whether the child
#: is a veteran or farms, or lives alone); the facts stay unknown, never assumed.
ADULT_ONLY = frozenset({"veteran", "farmer", "pregnant", "job_seeker", "employed", "fisher", "livestock_farmer", "forester",
                        "master_craftsman", "single_person_household", "recent_birth_or_adoption"})
CHILD_BELOW = 15


#: Whom a pregnancy question makes no sense about (s13 #5: "부모님은 현재 임신 중인가요?", "Is your grandparent
#: pregnant"): a parent or grandparent of the citizen, a man, or anyone from :data:`PREGNANCY_ABOVE` years; the fact
#: stays unknown, never assumed false.
NOT_PREGNANT_WHO = frozenset({"parent", "grandparent"})
PREGNANCY_ABOVE = 60
#: Questions asked only where a pregnancy makes sense (the same people as :data:`NOT_PREGNANT_WHO` and
#: :data:`PREGNANCY_ABOVE`): the pregnancy itself, and a birth or adoption in the last 12 months (JA0303, s16: "어머님이
#: 최근 1년 안에 출산하셨나요?" is as absurd); a man may answer the birth one (his spouse's).
PREGNANCY_LIKE = frozenset({"pregnant", "recent_birth_or_adoption"})


def implausible(slot: str, slots: Mapping[str, Any]) -> bool:
    """Whether the form's question for ``slot`` makes no sense about the person ``slots`` describe, so it is not
    asked: an adult's question (:data:`ADULT_ONLY`) about a child under :data:`CHILD_BELOW`; the pregnancy question
    about a parent or grandparent (``beneficiary``), a man (``sex``) or someone :data:`PREGNANCY_ABOVE` or older;
    the birth-or-adoption question (:data:`PREGNANCY_LIKE`) about the same people but a man.

    Examples:
        >>> implausible("pregnant", {"beneficiary": "parent"}), implausible("pregnant", {"sex": "male"})
        (True, True)
        >>> implausible("pregnant", {"beneficiary": "self", "sex": "female", "age": 31}), implausible("veteran", {"age": 4})
        (False, True)
        >>> implausible("recent_birth_or_adoption", {"sex": "male", "age": 35}), implausible("recent_birth_or_adoption", {"beneficiary": "parent"})
        (False, True)
    """
    age = slots.get("age")
    if slot in ADULT_ONLY and isinstance(age, (int, float)) and age < CHILD_BELOW:
        return True
    if slot in PREGNANCY_LIKE:
        return (slots.get("beneficiary") in NOT_PREGNANT_WHO or (slot == "pregnant" and slots.get("sex") == "male")
                or (isinstance(age, (int, float)) and age >= PREGNANCY_ABOVE))
    return False


_implausible = implausible


#: How a benefit's name ends (…연금, …수당, …급여, …바우처 …): a glossary term with one of these names a service.
def named_missing_service(text: str, client: EligibilityBackend) -> str | None:
    """A well-known service the message names that the loaded catalogue does not have (fresh-user report item 6:
    기초연금, 아동수당, 실업급여 are not in the 1,097-service snapshot), or ``None``.

    The names come from the knowledge glossary (:meth:`assistant.knowledge.glossary.Glossary.named_service`: the one
    list of service names the project keeps in both languages); the service is missing when no catalogue title holds
    the name or any of its synonyms (``client.holding``: "출산지원금 지원" holds 출산지원금; ``client.find`` looks the
    other way, for a title inside the text, and found no title inside the bare name "출산지원금").
    """
    from assistant.dialogue.eligibility_route import named_benefit
    from assistant.knowledge.glossary import default_glossary

    named = named_benefit(default_glossary(), text)  # 지원금/보조금 alone name no service (fresh-user test s7, defect 8)
    if named is None:
        return None
    name, synonyms = named
    return None if any(client.holding(n, limit=1) for n in sorted(synonyms)) else name


#: The payload of the button under a documents answer that offers the check (``ActionAnswerFromKnowledge``).
OFFER_PAYLOAD = "/check_eligibility"


def service_text(tracker: ProtocolTracker) -> str:
    """The text that names the service this check is about: the latest message, except for the offer's button
    (:data:`OFFER_PAYLOAD`, which names nothing): then the titles cited by the answer that offered it (the latest bot
    message whose ``custom.offers`` holds ``check_eligibility``), so "받을 수 있는지 확인하기" under the answer about
    에너지바우처 checks 에너지바우처, not the whole catalogue (fresh-user s10 #11). Empty when that answer is not found.
    """
    text = tracker.latest_text()
    if text.strip() != OFFER_PAYLOAD:
        return text
    for e in reversed(tracker.events):
        custom = ((e.get("data") or {}).get("custom") or {}) if e.get("event") == "bot" else {}
        if "check_eligibility" in (custom.get("offers") or []):
            return " ".join(str(c.get("title") or "") for c in (custom.get("citations") or [])[:1])
    return ""


def _introduction(tracker: ProtocolTracker, domain: dict[str, Any], slots: Mapping[str, Any]) -> str | None:
    """The response that opens the questionnaire, or None: ``utter_eligibility_offer_mydata`` (the questions, and
    the offer to fill the facts from Public MyData) when the facts are the citizen's own (``beneficiary`` self),
    the domain has the MyData dialogue and it was not offered in this conversation yet; else
    ``utter_eligibility_intro`` (the questions only) when the domain has it. MyData fetches the citizen's own
    records, so it is never offered for a mother's or a child's facts (fresh-user s10 #9). None as well once either was
    said in this conversation (:func:`_introduced`, s15)."""
    responses = domain.get("responses") or {}
    if _introduced(tracker):
        return None
    intents = {i if isinstance(i, str) else next(iter(i), "") for i in domain.get("intents") or []}
    own = str(slots.get("beneficiary") or "self") == "self"
    if own and "use_mydata" in intents and not tracker.get_slot("mydata_consent_id") and not _mydata_offered(tracker) \
            and "utter_eligibility_offer_mydata" in responses:
        return "utter_eligibility_offer_mydata"
    return "utter_eligibility_intro" if "utter_eligibility_intro" in responses and not _mydata_offered(tracker) else None


#: The responses that open the questionnaire (:func:`_introduction`).
INTRODUCTIONS = ("utter_eligibility_offer_mydata", "utter_eligibility_intro")


def _introduced(tracker: ProtocolTracker) -> bool:
    """Whether one of :data:`INTRODUCTIONS` was said in this conversation (since its latest ``restart`` or
    ``session_started``): the questionnaire introduces itself once; started again (another person asked about, the
    citizen again, a new question) it goes straight to its question (s14: the introduction, with its MyData offer,
    came at every restart)."""
    said = False
    for e in tracker.events:
        if e.get("event") in ("restart", "session_started"):
            said = False
        elif e.get("event") == "bot" and ((e.get("data") or {}).get("custom") or {}).get("response") in INTRODUCTIONS:
            said = True
    return said


def _activated_this_turn(tracker: ProtocolTracker) -> tuple[bool, list[str]]:
    """Whether the form was activated after the latest user message, and the slots asked since its activation."""
    loop_at = user_at = -1
    for i, e in enumerate(tracker.events):
        if e.get("event") == "active_loop" and e.get("name") == FORM:
            loop_at = i
        elif e.get("event") == "user":
            user_at = i
    asked: list[str] = []
    for e in tracker.events[loop_at + 1:] if loop_at >= 0 else []:
        if e.get("event") == "slot" and e.get("name") == "requested_slot" and e.get("value") and e["value"] not in asked:
            asked.append(str(e["value"]))
    return loop_at > user_at, asked


#: The slots a bare number answers that a counted one never does.
_NOT_COUNTS = ("age", "income_pct")


def _counted_answers(tracker: ProtocolTracker, slots: dict[str, Any]) -> list[tuple[str, Any]]:
    """The slots of :data:`_NOT_COUNTS` that the latest message set from a number that counts something (a ``number``
    entity with ``additional_info["counted"]``, :data:`assistant.nlu.entities.numbers.COUNTED_AFTER`): "3명" at the
    age question (s45 probe: kept as age 3 for a citizen of 41), "I
    meant 4 kids" at the income question (kept as 4 %)), each with its value before the message."""
    counted = [e.get("value") for e in tracker.latest_message.get("entities") or []
               if e.get("entity") == "number" and (e.get("additional_info") or {}).get("counted")]
    if not counted:
        return []
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=0)
    before = _slots_before(tracker, last_user)
    return [(s, before.get(s)) for s in _NOT_COUNTS if slots.get(s) is not None and slots.get(s) != before.get(s)
            and any(isinstance(v, (int, float)) and float(v) == float(slots[s]) for v in counted)]


#: What may follow a number that is the whole answer: "41", "41이요", "41입니다", "41요."
_BARE_NUMBER_TAIL = re.compile(r"\s*(?:이요|요|입니다|이에요|예요|이예요)?\s*[.!~]*\s*$")


def _bare_age(tracker: ProtocolTracker) -> int | None:
    """The age a message that is nothing but a whole number from 1 to :data:`~assistant.dialogue.validators.MAX_AGE`
    states ("41", "41이요", "일흔 둘"), or None. At the region question such a number is the age, the question that
    comes next (s44/s45 probes: "30", "일흔 둘" and "35" there were "사시는 곳으로 알아듣지 못했어요")."""
    from assistant.dialogue.validators import MAX_AGE

    text = tracker.latest_text() or ""
    numbers = [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "number"]
    if len(numbers) != 1 or not isinstance(numbers[0].get("start"), int) or not isinstance(numbers[0].get("end"), int):
        return None
    e = numbers[0]
    value = e.get("value")
    if text[: e["start"]].strip() or not _BARE_NUMBER_TAIL.fullmatch(text, e["end"]) \
            or not isinstance(value, (int, float)) or isinstance(value, bool) or not float(value).is_integer() \
            or not 1 <= value <= MAX_AGE:
        return None
    return int(value)


def _resumed_this_turn(tracker: ProtocolTracker) -> bool:
    """Whether the form was activated after the latest user message by a follow-up that resumes it after a pause (a
    MyData offer or a withdrawal asked while it waited: ``connectors.mydata.actions``), with its question still set from
    before. Such an activation reads nothing of the message (a yes or no to the paused question) as whom or what the
    questions are about (s45: a no to "마이데이터 동의를 철회할까요?" while the questions were about a mother turned them
    back to the citizen and ended the form)."""
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    followed = any(e.get("event") == "followup" and e.get("name") == FORM for e in tracker.events[last_user + 1:])
    return followed and bool(_slots_before(tracker, max(last_user, 0)).get("requested_slot"))


def _restarted_by_answer(tracker: ProtocolTracker) -> bool:
    """Whether the form, running before the latest message (a question was waiting: ``requested_slot`` set), starts
    again on an answer, not on an eligibility question: one that states another family member's age, sex or place
    (:func:`assistant.dialogue.eligibility_route.member_stating_fact`, s16)."""
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=0)
    return bool(_slots_before(tracker, last_user).get("requested_slot")) \
        and tracker.get_intent_of_latest_message() != "check_eligibility"


def _slots_before(tracker: ProtocolTracker, last_user: int) -> dict[str, Any]:
    """The slots as the events before index ``last_user`` (the latest user message) left them."""
    out: dict[str, Any] = {}
    for e in tracker.events[:last_user]:
        if e.get("event") == "slot" and e.get("name"):
            out[str(e["name"])] = e.get("value")
        elif e.get("event") == "restart":
            out = {}
    return out


def _switch_beneficiary(tracker: ProtocolTracker, form_slots: list[str], slots: dict[str, Any]) -> list[dict[str, Any]]:
    """At activation: whom this question is about (``beneficiary`` entity, else ``self``); when that person changed,
    the facts given for the previous one are put aside (:data:`PERSON_FACTS_SLOT`, by person) and the new person's
    are those given for them earlier in the conversation, else none (a child's age is not the parent's), except
    those said just now. Back to the citizen (``self``), the facts Public MyData filled for them
    (:data:`MYDATA_FILLED_SLOT`, kept by the MyData connector until the consent is withdrawn) come back too, under
    what the citizen typed or corrected (s13 #3, s14 #1: "어머니는요?" … "다시 제 거 확인해 주세요" left the citizen's
    own records cleared, and then what they had typed, so the form asked again; a MyData value the citizen had
    corrected came back as MyData's). MyData's own values are never put aside: revoking the consent removes them
    (:data:`MYDATA_FILLED_SLOT` is cleared), whoever the questions are about then.

    Updates ``slots`` in place; returns the events.
    """
    from assistant.dialogue.sdk import slot_set

    said = [e.get("value") for e in _member_entities(tracker) if e.get("value")]  # not "I'm a single mom" (s12 #4)
    who = str(said[0]) if said else "self"
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    earlier = _slots_before(tracker, max(last_user, 0))
    before = str(earlier.get("beneficiary") or "self")
    just_set = {e.get("name") for e in tracker.events[last_user + 1:] if e.get("event") == "slot"}
    events: list[dict[str, Any]] = []
    if who != before:
        filled = tracker.get_slot(MYDATA_FILLED_SLOT)
        filled = filled if isinstance(filled, dict) else {}
        # MyData fills facts the form never asks (employed): cleared too, or the citizen's would be the mother's
        names = [s for s in dict.fromkeys([*form_slots, *SAID_FACT_SLOTS, *filled]) if fact_name(s)]
        kept = tracker.get_slot(PERSON_FACTS_SLOT)
        kept = {k: dict(v) for k, v in kept.items() if isinstance(v, dict)} if isinstance(kept, dict) else {}
        theirs = filled if before == "self" else {}
        kept[before] = {s: earlier[s] for s in names
                        if earlier.get(s) is not None and not (s in theirs and theirs[s] == earlier[s])}
        given = kept.pop(who, {})
        own = filled if who == "self" else {}
        for s in names:
            if s in just_set:
                continue
            value = given.get(s, own.get(s))
            if slots.get(s) != value:
                slots[s] = value
                events.append(slot_set(s, value))
        kept = {k: v for k, v in kept.items() if v}
        if kept != (tracker.get_slot(PERSON_FACTS_SLOT) or {}):
            events.append(slot_set(PERSON_FACTS_SLOT, kept or None))
    if slots.get("beneficiary") != who:
        slots["beneficiary"] = who
        events.append(slot_set("beneficiary", who))
    return events


def _members_facts_aside(tracker: ProtocolTracker, slots: dict[str, Any]) -> list[dict[str, Any]]:
    """At activation about the citizen: the facts the message states of a member the citizen has are the member's,
    not the citizen's (s20: "어머니가 80세이신데 제가 받을 수 있는 혜택이 뭐가 있나요?" is about the citizen, and the 80
    the ``age`` mapping took is the mother's). Each such fact (the member's age, and a place said only for the member:
    :func:`assistant.dialogue.whose_benefits.stated_members`, :func:`~assistant.dialogue.whose_benefits.opening_places`)
    that a slot took from this message goes back to the slot's value before it, and is kept for the member
    (:data:`PERSON_FACTS_SLOT`), as the facts of a person the questions are not about are. Runs after
    :func:`_switch_beneficiary` (``slots["beneficiary"]`` is this question's person).

    Updates ``slots`` in place; returns the events.
    """
    from assistant.dialogue.sdk import slot_set
    from assistant.dialogue.whose_benefits import opening_places, stated_members

    if (slots.get("beneficiary") or "self") != "self":
        return []
    text = tracker.latest_text()
    entities = list(tracker.latest_message.get("entities") or [])
    members = stated_members(text, entities)
    if not members:
        return []
    places = opening_places(text, entities)
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    earlier = _slots_before(tracker, max(last_user, 0))
    just_set = {e.get("name") for e in tracker.events[last_user + 1:] if e.get("event") == "slot"}
    kept = tracker.get_slot(PERSON_FACTS_SLOT)
    kept = {k: dict(v) for k, v in kept.items() if isinstance(v, dict)} if isinstance(kept, dict) else {}
    events: list[dict[str, Any]] = []
    for m in members:
        own_place = m.region if m.region is not None and m.region in places.members.values() else None
        for name, value in (("age", m.age), ("region", own_place)):
            if value is None or name not in just_set or slots.get(name) is None:
                continue
            if (float(slots[name]) != float(value)) if name == "age" else (str(slots[name]) != str(value)):
                continue
            kept.setdefault(m.who, {})[name] = slots[name]
            slots[name] = earlier.get(name)
            events.append(slot_set(name, slots[name]))
    if events:
        events.append(slot_set(PERSON_FACTS_SLOT, kept))
    return events


#: A 시·군·구 name right after the 시·도: 2+ letters before 시/군 ("성남시", "가평군"; not "도시"), 1+ before 구 ("중구"),
#: then a particle, a space or the end.
_DISTRICT = re.compile(r"\s*([가-힣]{2,5}[시군]|[가-힣]{1,5}구)(?=$|[^가-힣]|에|은|는|이|요|로|으로|에서)")


def _with_district(tracker: ProtocolTracker, sido: str) -> Any:
    """"경기도 성남시에 살아요": the 시·군·구 written right after the 시·도 entity (the region lookup lists
    시·도 names, not the 226 시·군·구), else the 시·도 alone. Written without its 시/군/구 ("서울 강남", "부산 해운대에
    살아요"), the one place of that 시·도 the rest of the message names by its stem
    (:func:`~connectors.eligibility.regions.places_in_text`) completes it (fresh-user s9: "서울 강남" kept only 서울특별시)."""
    from connectors.eligibility.regions import normalise_region, places_in_text

    text = tracker.latest_text()
    for e in tracker.latest_message.get("entities") or []:
        if e.get("entity") != "region" or not isinstance(e.get("end"), int):
            continue
        m = _DISTRICT.match(text, e["end"])
        if m:
            try:
                return normalise_region(f"{sido} {m.group(1)}")
            except ValueError:
                return sido
        within = [a for a in places_in_text(text[e["end"]:]) if a.sido == sido and a.sigungu]
        if len(within) == 1:
            return within[0]
    return sido


def _mydata_offered(tracker: ProtocolTracker) -> bool:
    """Whether this conversation already had the MyData offer (``action_offer_mydata``): a form resumed after the
    citizen declined or dropped it does not introduce itself with the MyData button again."""
    return any(e.get("event") == "action" and e.get("name") == "action_offer_mydata" for e in tracker.events)


def _english_region_when_set(tracker: ProtocolTracker, value: str) -> Any:
    """The place read whole (:func:`~connectors.eligibility.regions_en.find_english_region`) from the user message
    that set the ``region`` slot to ``value``, or None: "I'm 30 and live in Seongnam-si, Gyeonggi-do" said before
    the questionnaire filled 경기도 from the entity; the form keeps 경기도 성남시."""
    from connectors.eligibility.regions_en import find_english_region

    text: str | None = None
    said: Any = None
    for e in tracker.events:
        if e.get("event") == "user":
            said = e.get("text")
        elif e.get("event") == "slot" and e.get("name") == "region" and e.get("value") == value:
            text = said if isinstance(said, str) else None
    return find_english_region(text) if text else None


def _one_place(said: list[str]) -> str | None:
    """The one place several region entity values of a message name together, or None when they do not fit.

    The NLU gives a 시·도 as its official name ("서울" → 서울특별시), a 시·군·구 of one 시·도 with it ("마포구" →
    "서울특별시 마포구") and a name several 시·도 have bare ("중구"). So "서울 마포구" is ``["서울특별시", "서울특별시
    마포구"]`` → "서울특별시 마포구", "서울 중구" is ``["서울특별시", "중구"]`` → "서울특별시 중구"; two 시·도, two
    시·군·구, or a 시·군·구 of another 시·도 ("부산 마포구") give None.
    """
    from connectors.eligibility.regions import SIGUNGU, Area, normalise_region

    areas: list[Area] = []
    bare: list[str] = []
    for v in said:
        try:
            areas.append(normalise_region(v))
        except ValueError:
            bare.append(v)  # "중구": a 시·군·구 that several 시·도 have, without its 시·도
    sidos = {a.sido for a in areas}
    districts = {a.sigungu for a in areas if a.sigungu is not None} | set(bare)
    if len(sidos) != 1 or len(districts) > 1:
        return None
    sido = sidos.pop()
    if not districts:
        return sido
    district = districts.pop()
    return f"{sido} {district}" if district in SIGUNGU.get(sido, ()) else None


def _usable_region(tracker: ProtocolTracker) -> str | None:
    """The ``region`` slot as the eligibility service reads it ("서울특별시 강남구"), or None when unusable.

    A lone 시·군·구 ("강남구요" after "서울") completes the 시·도 given before; a value that names no
    시·도 (or looks like a street address) is unusable. An English message is read whole for a place
    ("Seongnam, Gyeonggi-do", "I live in Gangnam-gu, Seoul"), which the region entity alone does not give.
    """
    from connectors.eligibility.regions import general_gu_value, normalise_region
    from connectors.eligibility.regions_en import english_general_gu, find_english_region

    english = find_english_region(tracker.latest_text() or "")  # "I live in Seongnam, Gyeonggi-do": the lookup
    if english is not None:  # knows 시·도 names only, and no English 시·군·구
        return english_general_gu(english, tracker.latest_text() or "")
    value = tracker.get_slot("region")
    if not value:
        return None
    said = [str(v) for v in tracker.get_latest_entity_values("region") if v]
    if len(said) >= 2 and str(value) in said:  # "서울 강남구에 살아요": two region entities, one place
        together = _one_place(said)
        if together is not None:
            return together
    if general_gu_value(str(value)):  # "경기도 성남시 분당구", as the form wrote it
        return str(value)
    try:
        area = normalise_region(str(value))
        if area.sigungu is None and (earlier := _english_region_when_set(tracker, str(value))) is not None \
                and earlier.sido == area.sido:
            return str(earlier)
        return str(_with_district(tracker, area.sido) if area.sigungu is None else area)
    except ValueError:
        pass
    previous = [e.get("value") for e in tracker.events if e.get("event") == "slot" and e.get("name") == "region" and e.get("value")]
    for before in reversed(previous[:-1]):
        try:
            sido = normalise_region(str(before)).sido
            return str(normalise_region(f"{sido} {value}"))
        except ValueError:
            continue
    return None


#: A sex stated about the person in a sentence ("1958년생 여성이고", "남자인데", "I'm a woman"): the word with a copula
#: or, in English, after "I am" / "I'm"; a word used as a group's name ("여성 창업 지원") is not read.
#: Words an English speaker may put between "I'm a" and their sex: an age ("33-year-old", "33 year old", "67"), a
#: few plain adjectives ("single", "retired"). s17: "I'm a 33-year-old woman" gave no sex where "33살 여성이에요" did, so
#: the English twin of a Korean conversation was asked one question more.
_EN_BEFORE_SEX = (r"(?:(?:\d{1,3}(?:[\s-]*(?:years?|yrs?)[\s-]*old)?|young|old|elderly|single|retired|working|pregnant|"
                  r"disabled|unemployed)[\s,]+){0,3}")
_SEX_STATED = re.compile(
    r"(?<![가-힣])(?P<ko>여성|여자|남성|남자)(?=\s*(?:이고|이며|이에요|예요|입니다|인데|이구요|이요|이니까|이라서))"
    r"|\bI(?:\s+am|'m)\s+(?:an?\s+)?" + _EN_BEFORE_SEX + r"(?P<en>woman|man|female|male)\b", re.IGNORECASE)
_SEX_VALUE = {"여성": "female", "여자": "female", "남성": "male", "남자": "male",
              "woman": "female", "female": "female", "man": "male", "male": "male"}
#: The speaker's own sex ("저는 남자인데", "전 68세 여성이고", "I'm a man"): a fact about the citizen, never about the
#: family member a question is about ("저는 남자인데 부모님이 …": s11 #2 gave the parent the speaker's sex).
_SELF_SEX = re.compile(
    r"(?<![가-힣])(?:저는|전|저도|나는|난|나도|제가|내가|본인은)\s*[^,.!?\n]{0,15}?(?:여성|여자|남성|남자)"
    r"|\bI(?:\s+am|'m)\s+(?:an?\s+)?" + _EN_BEFORE_SEX + r"(?:woman|man|female|male)\b", re.IGNORECASE)
#: A date that is a birth date: "…생" / "…에 태어났" right after it, or "born", "birth", "생년월일" just before.
_BORN_AFTER = re.compile(r"^\s*(?:년\s*)?(?:생|에\s*태어)")
_BORN_BEFORE = re.compile(r"(?:born(?:\s+on|\s+in)?|birth(?:\s*date)?(?:\s+is)?|date of birth(?:\s+is)?|생년월일(?:은|는|이)?)\s*:?\s*$",
                          re.IGNORECASE)


def _member_entities(tracker: ProtocolTracker) -> list[dict[str, Any]]:
    """The latest message's ``beneficiary`` entities that name someone other than the speaker (not inside
    :func:`assistant.nlu.household.not_asked_about_spans`: "I'm a single mom" names no mother, s12 #4; "남편이
    장애인인데 받을 수 있는 혜택 있어요?" asks about the citizen, whose household has a disabled member, s16)."""
    from assistant.nlu.household import not_asked_about_spans

    text = tracker.latest_text()
    own = not_asked_about_spans(text)
    out = []
    for e in tracker.latest_message.get("entities") or []:
        start, end = e.get("start"), e.get("end")
        if e.get("entity") != "beneficiary":
            continue
        if isinstance(start, int) and isinstance(end, int) and any(s <= start and end <= t for s, t in own):
            continue
        out.append(e)
    return out


def beneficiary_sex(tracker: ProtocolTracker) -> str | None:
    """The sex the latest message's family-member words say (:data:`KIN_SEX`: "우리 아들" → ``"male"``, "my mother"
    → ``"female"``), from the ``beneficiary`` entities' own text; None when they say none ("우리 아이", "부모님")
    or disagree ("아들과 딸")."""
    text = tracker.latest_text()
    said: set[str] = set()
    for e in _member_entities(tracker):
        start, end = e.get("start"), e.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        words = text[start:end].lower().split()
        sex = KIN_SEX.get(words[-1]) if words else None
        if sex is None:
            return None  # a member of no stated sex said too ("아이와 엄마"): whom the facts describe is unclear
        said.add(sex)
    return said.pop() if len(said) == 1 else None


def _opening_facts(tracker: ProtocolTracker, slots: dict[str, Any]) -> list[dict[str, Any]]:
    """At activation: the facts the opening message states that no slot mapping took ("저는 1958년 3월 2일생 여성이고
    부산 해운대구에 살아요. 받을 수 있는 혜택이 뭐가 있나요?"): a birth date (a ``time`` entity read as one by
    :data:`_BORN_AFTER` / :data:`_BORN_BEFORE`) → ``age`` in completed years
    (:func:`assistant.dialogue.validators.validate_age`); for a question about a family member, the sex their word
    says (:func:`beneficiary_sex`: "우리 아들", "my mother"; over the speaker's "저는 남자인데"), else a stated sex
    (:data:`_SEX_STATED`) → ``sex``; for a member of no stated sex ("부모님"), the speaker's own sex
    (:data:`_SELF_SEX`: "저는 남자인데 부모님이 …") is not theirs: a ``sex`` the slot mapping took from it is undone. The age mapping takes a date only while the form asks the age: elsewhere a
    date is not a birth date unless it says so. Runs after :func:`_switch_beneficiary` (``slots["beneficiary"]``
    is this question's person).

    Updates ``slots`` in place; returns the events.
    """
    from assistant.dialogue.sdk import slot_set
    from assistant.dialogue.validators import validate_age

    text = tracker.latest_text()
    events: list[dict[str, Any]] = []
    if slots.get("age") is None:
        for e in tracker.latest_message.get("entities") or []:
            start, end, value = e.get("start"), e.get("end"), e.get("value")
            if e.get("entity") != "time" or not isinstance(start, int) or not isinstance(end, int) or not isinstance(value, str):
                continue
            if not (_BORN_AFTER.match(text[end:]) or _BORN_BEFORE.search(text[:start])):
                continue
            verdict = validate_age(value[:10])
            if verdict.ok:
                slots["age"] = verdict.value
                events.append(slot_set("age", verdict.value))
                break
    kin = beneficiary_sex(tracker)
    member = (slots.get("beneficiary") or "self") != "self"
    speaker = [m.span() for m in _SELF_SEX.finditer(text)] if member else []
    if kin is not None and member:
        # the member's own word decides their sex, over "저는 남자인데 …" (the speaker's) or a sex entity of the message
        if slots.get("sex") != kin:
            slots["sex"] = kin
            events.append(slot_set("sex", kin))
    elif speaker and slots.get("sex") is not None and _said_sex_is_speakers(tracker, speaker):
        # "저는 남자인데 부모님이 …": the sex entity the slot mapping took is the speaker's, not the parent's
        previous = _sex_before(tracker, str(slots.get("beneficiary")))
        if slots.get("sex") != previous:
            slots["sex"] = previous
            events.append(slot_set("sex", previous))
    elif slots.get("sex") is None and (m := _SEX_STATED.search(text)) \
            and not any(a <= m.start() < b for a, b in speaker):
        slots["sex"] = _SEX_VALUE[(m.group("ko") or m.group("en")).lower()]
        events.append(slot_set("sex", slots["sex"]))
    return events


def _said_sex_is_speakers(tracker: ProtocolTracker, speaker: list[tuple[int, int]]) -> bool:
    """Whether the latest message's ``sex`` entities all lie in the speaker's statements about themself (``speaker``:
    :data:`_SELF_SEX` spans), and there is one."""
    said = [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "sex"]
    return bool(said) and all(isinstance(e.get("start"), int) and any(a <= e["start"] < b for a, b in speaker)
                              for e in said)


def _sex_before(tracker: ProtocolTracker, who: str) -> str | None:
    """The ``sex`` slot's value before the latest user message when it was ``who``'s (the ``beneficiary`` slot then
    was ``who``), else None: what the member's sex falls back to when the message said only the speaker's."""
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    values: dict[str, Any] = {}
    for e in tracker.events[:last_user]:
        if e.get("event") == "slot" and e.get("name") in ("sex", "beneficiary"):
            values[str(e["name"])] = e.get("value")
    sex = values.get("sex")
    return str(sex) if sex is not None and (values.get("beneficiary") or "self") == who else None


def _said_facts(tracker: ProtocolTracker, slots: dict[str, Any], domain: dict[str, Any],
                dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """On any turn of the form: the household the latest message describes ("혼자 사세요", "독거", "lives alone" →
    ``single_person_household`` True; "혼자 사시는 건 아니에요" → False; :func:`assistant.nlu.household.lives_alone`),
    when the domain declares the slot and the message says something new; a single parent speaking of themself
    ("싱글맘이에요", "I'm a single mom": :func:`assistant.nlu.household.single_parent_said`) → ``single_parent_family`` True when the questions
    are about the citizen or their child (the same household) and it is not answered yet; the person said to be (or
    not) a 기초생활보장 수급자 (:func:`assistant.nlu.household.welfare_recipient_said`) → ``welfare_recipient``, when
    not known yet.

    Updates ``slots`` in place; returns the events.
    """
    from assistant.dialogue.sdk import slot_set
    from assistant.nlu.household import lives_alone, single_parent_said, welfare_recipient_said

    events: list[dict[str, Any]] = []
    declared = domain.get("slots") or {}
    text = tracker.latest_text()
    # "기초생활수급자에요" at any question (s44 probe: at the income question it was "0에서 1000 사이의 퍼센트로
    # 알려 주세요" and the status was lost); asked as its own question, the yes/no mapping fills it
    recipient = welfare_recipient_said(text)
    if "welfare_recipient" in declared and recipient is not None and slots.get("welfare_recipient") is None \
            and tracker.get_slot("requested_slot") != "welfare_recipient":
        slots["welfare_recipient"] = recipient
        events.append(slot_set("welfare_recipient", recipient))
        said = "utter_kept_welfare_recipient" if recipient else "utter_kept_not_welfare_recipient"
        if said in (domain.get("responses") or {}):
            dispatcher.utter_message(response=said)
    # "싱글맘이에요", "I'm a single mom": the citizen's household, so the citizen's or their child's (s12 #4)
    if "single_parent_family" in declared and slots.get("single_parent_family") is None and single_parent_said(text) \
            and str(slots.get("beneficiary") or "self") in ("self", "child"):
        slots["single_parent_family"] = True
        events.append(slot_set("single_parent_family", True))
    if "single_person_household" not in declared:
        return events
    alone = lives_alone(text)
    if alone is None or slots.get("single_person_household") == alone:
        return events
    slots["single_person_household"] = alone
    return [*events, slot_set("single_person_household", alone)]


#: The 시·군·구 name said alone at the region question that several 시·도 have ("중구", "강서구"): held until the
#: citizen says which 시·도 (the follow-up question :data:`ASK_SIDO`).
DISTRICT_SLOT = "region_district"
#: the same name as English writes it ("Jung-gu"), for the English 시·도 question
DISTRICT_SLOT_EN = "region_district_en"
#: The follow-up question's ``requested_slot`` ("어느 시·도의 중구인가요?", ``utter_ask_region_sido``); not a required
#: slot of the form: the answer fills ``region``.
ASK_SIDO = "region_sido"


def _ambiguous_english(text: str) -> str | None:
    """The Korean name of a 시·군·구 named in English that several 시·도 have ("Jung-gu" → 중구), or None."""
    from connectors.eligibility.regions_en import _key, table

    if re.search(r"[가-힣]", text):
        return None
    found = table().get(_key(text.strip(" .!?\"'")), frozenset())
    names = {g for _, g in found if g is not None}
    return names.pop() if len(found) > 1 and len(names) == 1 and all(g for _, g in found) else None


#: Words of residence: an opening message that has one is read for a place ("수원에 사는데 …", "저는 강남구 거주").
_LIVES = re.compile(r"살아|살고|사는|삽니다|거주|\blive[sd]?\b|\bliving\b", re.IGNORECASE)


def _place_answer(tracker: ProtocolTracker, region: str | None, activating: bool = False) -> tuple[str | None, str | None]:
    """The region to keep and, when the citizen named a 시·군·구 that several 시·도 have, that name (then the region is
    None and the form asks which 시·도).

    ``region`` is what :func:`_usable_region` read. The message itself is read (:func:`~connectors.eligibility.regions.places_in_text`)
    when the slot holds a value the service cannot use ("강남구" from the region entity), while the form asks where
    the citizen lives, or at activation when the message says where they live ("수원에 사는데 …"): an unambiguous 시·군·구 alone, in full or as its stem ("수원", "의정부시", "해운대구"), gives its
    시·도; an ambiguous one ("중구", "Jung-gu") is held in :data:`DISTRICT_SLOT`; a 시·도 given after that question
    completes it ("서울" → 서울특별시 중구).
    """
    from connectors.eligibility.regions import (
        GENERAL_GU,
        SIGUNGU,
        complete_general_gu,
        general_gu_place,
        normalise_region,
        places_in_text,
    )

    requested = tracker.get_slot("requested_slot")
    pending = tracker.get_slot(DISTRICT_SLOT)
    area = None
    if region is not None:
        try:
            area = normalise_region(region)
        except ValueError:
            area = None
    if area is not None and area.sigungu is None and pending and requested == ASK_SIDO:
        if pending in SIGUNGU.get(area.sido, ()):
            return f"{area.sido} {pending}", None
        return complete_general_gu(area.sido, pending) or region, None  # 포항's 남구: "경상북도 포항시 남구"
    if area is not None:
        return region, None
    texts = [str(v) for v in [tracker.get_slot("region")] if v]
    if requested in ("region", ASK_SIDO) and not activating or activating and _LIVES.search(tracker.latest_text()):
        texts.append(tracker.latest_text() or "")
    for text in texts:
        places = places_in_text(text)
        if len(places) == 1:  # a 일반구 said ("분당구") is kept after its city: "경기도 성남시 분당구"
            return general_gu_place(places[0], text), None
        if len(places) > 1:
            # the name said: "남구" (a 광역시's 자치구, or 포항시's 일반구), not the city a 일반구 reading gives
            said = {a.sigungu for a in places if a.sigungu and (a.sido, a.sigungu) not in GENERAL_GU}
            named = sorted(said or {a.sigungu for a in places if a.sigungu}, key=len)
            return None, named[-1]
        ambiguous = _ambiguous_english(text)
        if ambiguous is not None:
            return None, ambiguous
    return None, None


#: The follow-up question after an income in won: how many people the household has (``utter_ask_household_size``,
#: buttons ``/inform{"household_size": n}``); not a required slot: its answer gives ``income_pct``.
HOUSEHOLD_SLOT = "household_size"
#: The monthly income in won waiting for the household size, and that amount as the question says it ("월 200만원").
WON_SLOT, WON_SAID_SLOT = "income_won", "income_won_said"
_KO_COUNTS = {"혼자": 1, "한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6,
              "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
_EN_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_SIZE = re.compile(r"(\d{1,2})\s*(?:인|명|식구|가구원|people|persons?|members?)|(?:가구원|식구)\s*(?:은|는|이|수는)?\s*(\d{1,2})"
                   r"|^\s*(\d{1,2})\s*(?:이요|요|이에요|예요|입니다)?\s*[.!?]?\s*$", re.IGNORECASE)
_SIZE_WORDS = re.compile(r"(혼자|하나|한|둘|두|셋|세|넷|네|다섯|여섯|일곱|여덟|아홉|열)\s*(?:명|식구|사람|이서|이요|이에요|요|예요|살)"
                         r"|(혼자)|\b(one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:people|persons|of us|members)"
                         r"|\b(?:just\s+me|alone|only\s+me|myself)\b", re.IGNORECASE)


def household_size_in(text: str) -> int | None:
    """The household size a message gives at the household question, or None.

    >>> household_size_in("2명이요"), household_size_in("4인 가구"), household_size_in("둘이요"), household_size_in("혼자 살아요")
    (2, 4, 2, 1)
    >>> household_size_in("3"), household_size_in("three people"), household_size_in("just me"), household_size_in("몰라요")
    (3, 3, 1, None)
    """
    if (m := _SIZE.search(text)) is not None:
        return int(next(g for g in m.groups() if g))
    if (m := _SIZE_WORDS.search(text)) is not None:
        if m.group(1) or m.group(2):
            return _KO_COUNTS[m.group(1) or m.group(2)]
        return _EN_COUNTS[m.group(3).lower()] if m.group(3) else 1
    return None


def _income_in_won(dispatcher: CollectingDispatcher, tracker: ProtocolTracker,
                   slots: dict[str, Any]) -> tuple[list[dict[str, Any]], bool] | None:
    """An income said in won at the income question, or the household size that converts it (module
    :mod:`connectors.eligibility.median_income`): ``(events, ask_household)``, or None when the message is neither.

    * At the income question, a message with an amount of money (the NLU's ``amount-of-money``: "한 달에 200만원",
      "연봉 3천만원", "2 million won a month") and no percentage keeps the monthly amount (:data:`WON_SLOT`) and asks
      how many people the household has (:data:`HOUSEHOLD_SLOT`): ``ask_household`` True.
    * At that question, a size (a button's ``household_size``, or "2명이요", "둘이요", "혼자 살아요") sets
      ``income_pct`` to the amount's percentage of that household's 기준 중위소득, says so with the median used
      (``utter_income_from_won``), and the planning goes on (``ask_household`` False); no size read: the question
      is asked again (``utter_invalid_household_size``).
    """
    from assistant.dialogue.sdk import slot_set
    from connectors.eligibility.median_income import (
        MAX_HOUSEHOLD,
        MEDIAN_INCOME_YEAR,
        income_percentage,
        median_income,
        monthly_won,
        won_text,
    )

    requested = tracker.get_slot("requested_slot")
    lang = _language(tracker)
    text = tracker.latest_text() or ""
    if requested == "income_pct" and slots.get("income_pct") is None \
            and not list(tracker.get_latest_entity_values("percentage")):
        amounts = [float(v) for v in tracker.get_latest_entity_values("amount-of-money")
                   if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0]
        if not amounts:
            return None
        monthly = monthly_won(amounts[0], text)
        said = f"{won_text(monthly, lang)} a month" if lang == "en" else f"월 {won_text(monthly, lang)}"
        if monthly != amounts[0]:  # a year's income, said with its monthly twelfth: "연 3,000만원(월 250만원)"
            said = f"{won_text(amounts[0], lang)} a year ({said})" if lang == "en" else f"연 {won_text(amounts[0], lang)}({said})"
        return [slot_set(WON_SLOT, monthly), slot_set(WON_SAID_SLOT, said), slot_set("requested_slot", HOUSEHOLD_SLOT)], True
    monthly_said = slots.get(WON_SLOT)
    if requested != HOUSEHOLD_SLOT or not isinstance(monthly_said, (int, float)):
        return None
    skipped = list(tracker.get_slot("skipped_slots") or [])
    if HOUSEHOLD_SLOT in skipped:  # "모르겠어요" / "건너뛸게요" at the household question: the income is skipped with it
        now_skipped = [*skipped, "income_pct"] if "income_pct" not in skipped else skipped
        slots.update({WON_SLOT: None, WON_SAID_SLOT: None, "skipped_slots": now_skipped})
        return [slot_set("skipped_slots", now_skipped),
                slot_set(WON_SLOT, None), slot_set(WON_SAID_SLOT, None)], False
    size: int | None = None
    value = slots.get(HOUSEHOLD_SLOT)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        size = int(value)
    elif not text.startswith("/"):
        size = household_size_in(text)
    if size is None or not 1 <= size <= MAX_HOUSEHOLD:
        dispatcher.utter_message(response="utter_invalid_household_size")
        return [slot_set(HOUSEHOLD_SLOT, None), slot_set("requested_slot", HOUSEHOLD_SLOT)], True
    pct = income_percentage(float(monthly_said), size)
    dispatcher.utter_message(response="utter_income_from_won", income=str(slots.get(WON_SAID_SLOT) or ""), size=str(size),
                             median=won_text(median_income(size), lang), year=str(MEDIAN_INCOME_YEAR), pct=f"{pct:g}")
    slots.update({"income_pct": pct, WON_SLOT: None, WON_SAID_SLOT: None})
    return [slot_set("income_pct", pct), slot_set(WON_SLOT, None), slot_set(WON_SAID_SLOT, None),
            slot_set(HOUSEHOLD_SLOT, None)], False


#: The entity a group button's payload carries: ``/inform{"target_group": "artist"}``.
GROUP_ENTITY = "target_group"


def groups_answer(tracker: ProtocolTracker) -> dict[str, bool] | None:
    """The answer to the group question (:data:`GROUPS_SLOT`) as ``{group: bool}``, or None when the message gives none.

    * a group button (``/inform{"target_group": "artist"}``) or words naming groups ("예술인이고 구직 중이에요",
      "I'm a job seeker", :func:`~connectors.eligibility.text_groups.groups_answered`): those groups, true (false
      where the words deny one: "학생은 아니에요"); the other groups offered stay unknown (a citizen who presses one
      button may belong to another group too: never assumed);
    * "해당 없음" / "None of these" (the button sends ``/deny``; "아니요", "없어요", "none" typed): every group the
      question offered (:data:`OFFERED_SLOT`) is false — the known-empty set, which rules out the services that
      only those groups may get;
    * "모르겠어요" never reaches here: the form skips the slot (``dont_know``), leaving it unknown.
    """
    from connectors.eligibility.text_groups import LEXICON_NAMES, NONE_OF_THESE, groups_answered

    picked = [str(v) for v in tracker.get_latest_entity_values(GROUP_ENTITY) if v in LEXICON_NAMES]
    if picked:
        return dict.fromkeys(picked, True)
    text = tracker.latest_text()
    said = {} if text.startswith("/") else groups_answered(text)
    if said:
        return said
    offered = [str(g) for g in tracker.get_slot(OFFERED_SLOT) or [] if g in LEXICON_NAMES]
    if offered and (tracker.get_intent_of_latest_message() == "deny" or NONE_OF_THESE.search(text)):
        return dict.fromkeys(offered, False)
    return None


#: The group question's own buttons after the groups' (Korean, English).
_NONE_BUTTON = {"ko": "해당 없음", "en": "None of these"}
_DONT_KNOW_BUTTON = {"ko": "모르겠어요", "en": "I don't know"}


class ActionAskTargetGroups:
    """``action_ask_target_groups``: the group question, one button per group the form's planner offered
    (:data:`OFFERED_SLOT`), then "해당 없음" (``/deny``: all of them false) and "모르겠어요" (``/dont_know``: unknown).
    The text is the domain's ``utter_ask_target_groups`` (language and beneficiary variants) with ``{groups}``, the
    groups' labels (:attr:`~connectors.eligibility.text_groups.LexGroup.ko` / ``en``)."""

    def name(self) -> str:
        """``action_ask_target_groups``."""
        return "action_ask_" + GROUPS_SLOT

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        """One message; no events."""
        from connectors.eligibility.text_groups import BY_NAME

        lang = _language(tracker)
        offered = [BY_NAME[str(g)] for g in tracker.get_slot(OFFERED_SLOT) or [] if str(g) in BY_NAME]
        labels = [g.en if lang == "en" else g.ko for g in offered]
        buttons = [{"title": label[:1].upper() + label[1:], "payload": f'/inform{{"{GROUP_ENTITY}": "{g.name}"}}'}
                   for g, label in zip(offered, labels, strict=True)]
        buttons += [{"title": _NONE_BUTTON[lang], "payload": "/deny"}, {"title": _DONT_KNOW_BUTTON[lang], "payload": "/dont_know"}]
        dispatcher.utter_message(response="utter_ask_" + GROUPS_SLOT, buttons=buttons,
                                 groups=("; " if lang == "en" else ", ").join(labels))
        return []


class ValidateEligibilityForm:
    """``validate_eligibility_form``: chooses the next question (see the module docstring).

    Args:
        client: the eligibility service's client.
        max_questions: most questions in one run of the form over the whole catalogue.
    """

    def __init__(self, client: EligibilityBackend, max_questions: int) -> None:
        self.client = client
        self.max_questions = max_questions

    def name(self) -> str:
        """``validate_eligibility_form``."""
        return "validate_" + FORM

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        """A ``requested_slot`` choice (None ends the form); at activation also ``eligibility_service_id``."""
        from assistant.dialogue.sdk import slot_set
        from connectors.eligibility.regions_en import english_place_name

        form_slots = _form_slots(domain)
        activating, asked = _activated_this_turn(tracker)
        events: list[dict[str, Any]] = []
        slots = dict(tracker.slots)
        if not activating:
            for slot, before in _counted_answers(tracker, slots):  # a count is no age nor percentage: asked again
                slots[slot] = before
                events.append(slot_set(slot, before))
                if f"utter_invalid_{slot}" in (domain.get("responses") or {}):
                    dispatcher.utter_message(response=f"utter_invalid_{slot}")
            if tracker.get_slot("requested_slot") == "region" and slots.get("age") is None and "age" in form_slots \
                    and (age := _bare_age(tracker)) is not None:
                slots["age"] = age  # the region is asked again below: the place is still unknown
                events.append(slot_set("age", age))
                if "utter_kept_age" in (domain.get("responses") or {}):
                    dispatcher.utter_message(response="utter_kept_age", value=age)
        if not activating and (won := _income_in_won(dispatcher, tracker, slots)) is not None:
            if won[1]:  # the household size is asked next (a follow-up, not a required slot)
                return won[0]
            events += won[0]
        region, district = _place_answer(tracker, _usable_region(tracker), activating)
        if region != slots.get("region"):
            slots["region"] = region
            events.append(slot_set("region", region))
            if region is None and district is None:
                dispatcher.utter_message(response="utter_invalid_region")
        if district is not None:  # "중구": which 시·도? (a follow-up question, not an invalid answer)
            events.append(slot_set(DISTRICT_SLOT, district))
            events.append(slot_set(DISTRICT_SLOT_EN, english_place_name(district)))
            if not activating:
                return [*events, slot_set("requested_slot", ASK_SIDO)]
        if slots.get(DISTRICT_SLOT) is not None and (region is not None or activating):
            slots[DISTRICT_SLOT] = None
            events.append(slot_set(DISTRICT_SLOT, None))
            events.append(slot_set(DISTRICT_SLOT_EN, None))
        if not activating and tracker.get_slot("requested_slot") == GROUPS_SLOT and slots.get(GROUPS_SLOT) is None \
                and (answer := groups_answer(tracker)) is not None:
            slots[GROUPS_SLOT] = answer
            events.append(slot_set(GROUPS_SLOT, answer))
        resumed = activating and _resumed_this_turn(tracker)
        if activating and not resumed:
            events += _switch_beneficiary(tracker, form_slots, slots)
            events += _members_facts_aside(tracker, slots)
            events += _opening_facts(tracker, slots)
        events += _said_facts(tracker, slots, domain, dispatcher)
        # "장애인 가정이에요" in the opening or at the disability question: household_disabled, not the person's (s15)
        events += _household_disability(tracker, slots, domain, activating, dispatcher)
        target = tracker.get_slot(TARGET_SLOT)
        missing = None
        try:
            if activating and not resumed:
                asked_about = service_text(tracker)
                found = self.client.find(asked_about, limit=1)
                # started again by an answer about someone else ("어머니 나이는 82세예요", s16): the same service
                target = found[0]["service_id"] if found else target if _restarted_by_answer(tracker) else None
                events.append(slot_set(TARGET_SLOT, target))
                missing = named_missing_service(asked_about, self.client) if target is None else None
            report = self.client.check(conversation_facts(slots), [target] if target else None, ["eligible", "unknown"])
        except AssistantError as e:  # no more questions: action_check_eligibility apologises and offers a person
            logger.warning("eligibility service unavailable while planning the form",
                           extra={"conversation_id": tracker.sender_id, "stage": "action", "error": type(e).__name__})
            return [*events, slot_set(ERROR_SLOT, type(e).__name__), slot_set("requested_slot", None)]
        if sum(report.counts.values()) == 0:  # no catalogue imported: nothing to ask for (and nothing is "missing")
            return [*events, slot_set("requested_slot", None)]
        if missing:  # a service the catalogue lacks: say so, then look for what the catalogue has (the general
            # questionnaire), rather than list other services later as if they were the one asked about
            dispatcher.utter_message(response="utter_eligibility_not_in_catalogue_other", service_name=missing)
        skipped = set(slots.get("skipped_slots") or [])
        askable = [s for s in form_slots if fact_name(s) and slots.get(s) is None and s not in skipped
                   and not _implausible(s, slots)]
        unknown = [r for r in report.results if r.status == "unknown"]
        best = most_decisive(unknown, askable)
        offered = offered_groups(unknown, conversation_facts(slots)) if best == GROUPS_SLOT else []
        if best == GROUPS_SLOT and not offered:  # a child: every group the services need is an adult's (s42)
            best = most_decisive(unknown, [s for s in askable if s != GROUPS_SLOT])
        done = best is None or (not target and len(asked) >= self.max_questions and best not in asked)
        logger.info("eligibility form plan", extra={"conversation_id": tracker.sender_id, "stage": "action",
                                                    "next_slot": None if done else best, "unknown": len(unknown)})
        if activating and not done:  # the introduction promises questions: only when one follows (s10 nit)
            intro = _introduction(tracker, domain, slots)
            if intro is not None:
                dispatcher.utter_message(response=intro)
        if best == GROUPS_SLOT and not done:  # the question's buttons: the groups the remaining services need
            events.append(slot_set(OFFERED_SLOT, offered))
        if district is not None and not done:
            best = ASK_SIDO
        return [*events, slot_set("requested_slot", None if done else best)]


class ActionCheckEligibility:
    """``action_check_eligibility``: the verdicts, with reasons and citations (see the module docstring).

    Args:
        client: the eligibility service's client.
    """

    def __init__(self, client: EligibilityBackend, today: Clock = today_in_seoul) -> None:
        self.client = client
        #: the clock a service's application period is read against (an ended one is said to be ended, F9)
        self.today = today

    def name(self) -> str:
        """``action_check_eligibility``."""
        return "action_check_eligibility"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        """One message with the verdicts; sets ``eligible_services`` (``[{"service_id", "service_name"}]``)."""
        from assistant.dialogue.sdk import slot_set
        from connectors.resilience import failure_reply

        lang = _language(tracker)
        target = tracker.get_slot(TARGET_SLOT)
        facts = conversation_facts(tracker.slots)
        failed = tracker.get_slot(ERROR_SLOT)
        try:
            if failed:  # the form just failed to reach the service: don't make the citizen wait for it again
                raise ConnectorUnavailable(f"eligibility service failed while planning ({failed})")
            report = self.client.check(facts, [target] if target else None, ["eligible", "unknown"] if not target else None)
        except AssistantError as e:
            logger.warning("eligibility check failed", extra={"conversation_id": tracker.sender_id, "stage": "action",
                                                               "error": type(e).__name__})
            reply = failure_reply(e if isinstance(e, ConnectorError) else ConnectorError(type(e).__name__), "eligibility", lang)
            handoff = [{"title": "Talk to a person" if lang == "en" else "상담원 연결", "payload": "/human_handoff"}]
            dispatcher.utter_message(text=reply["text"], buttons=handoff,
                                     json_message={"citations": [], "abstained": True, "connector_error": type(e).__name__})
            return [slot_set(ERROR_SLOT, None)] if failed else []
        if sum(report.counts.values()) == 0:
            dispatcher.utter_message(response="utter_eligibility_no_catalogue")
            return []
        from connectors.eligibility.regions import general_gu_value

        place = general_gu_value(str(tracker.get_slot("region") or ""))  # the 일반구 said is echoed (the fact is its 시)
        known = _describe_facts({**facts, "region": place} if place else facts, tracker.get_slot("beneficiary"), lang)
        today = self.today()
        if target:
            return self._one(dispatcher, report.results[0], known, lang, today)
        eligible = sorted((r for r in report.results if r.status == "eligible"), key=lambda r: rank_key(r, today))
        # a service whose only condition is being an adult (or none) fits everyone: listed apart, never as what the
        # citizen's facts earned (s33 probe: a 34-year-old in 안양 at 50% was told "받으실 수 있는 서비스가 2개", 산업재산권
        # 정보제공 수수료 감면 first, "충족: 만 19세 이상")
        general = [r for r in eligible if specific_conditions(r) == 0]
        fitted = [r for r in eligible if specific_conditions(r) > 0]
        to_check = [r for r in report.results if to_check_only(r)]
        unknown = [r for r in report.results if r.status == "unknown" and not to_check_only(r)]
        top = fitted[:TOP_N]
        if lang == "en":
            lines = [f"Based on what you told me ({known}; as a person, not an organisation), "
                     f"{len(fitted)} services in the catalogue fit. The most specific ones:"]
        else:
            lines = [f"말씀해 주신 내용({known}, 개인 기준)으로 확인해 보니 받으실 수 있는 서비스가 {len(fitted)}개 있어요. "
                     "조건이 가장 잘 맞는 서비스부터 알려 드릴게요:"]
        if not top:
            lines = [f"Based on what you told me ({known}; as a person, not an organisation), none fits yet." if lang == "en"
                     else f"말씀해 주신 내용({known}, 개인 기준)으로 확인해 보니 아직 조건이 모두 맞는 서비스는 없어요."]
        for i, r in enumerate(top, 1):
            lines.append(f"{i}. {_line(r, lang, today)}")
        if general:
            names = ", ".join(f"{r.service_name} ({_source(r).get('url') or r.service_id})" for r in general[:TOP_CHECK])
            more = len(general) - TOP_CHECK
            lines.append((f"Open to any adult, whatever your situation ({len(general)}): {names}"
                          + (f" and {more} more" if more > 0 else "") + ".") if lang == "en" else
                         (f"나이 조건만 있어 성인이면 누구나 이용할 수 있는 서비스도 {len(general)}개 있어요: {names}"
                          + (f" 외 {more}개" if more > 0 else "") + "."))
        if to_check:
            lines.append(f"To check ({len(to_check)}): they fit what you told me, but their eligibility text names who they "
                         "are for; read it to see whether that is you:" if lang == "en" else
                         f"확인이 필요한 서비스도 {len(to_check)}개 있어요. 말씀해 주신 조건은 맞지만, 지원대상 설명에 정해진 대상이 "
                         "있어 해당하시는지 직접 확인해 주세요:")
            lines += [f"- {_check_line(r, lang)}" for r in to_check[:TOP_CHECK]]
            if len(to_check) > TOP_CHECK:
                lines.append(f"  … and {len(to_check) - TOP_CHECK} more" if lang == "en" else f"  … 외 {len(to_check) - TOP_CHECK}개")
        missing = ""
        if unknown:
            askable = {fact_name(s) for s in _form_slots(domain) if not _implausible(s, tracker.slots)} - {None}
            missing = _top_missing(unknown, lang, askable)
            lines.append((f"{len(unknown)} more could fit but need facts I don't have yet" + (f" ({missing})." if missing else "."))
                         if lang == "en" else
                         f"그 밖에 {len(unknown)}개 서비스는 아직 판단할 수 없어요" + (f". 더 필요한 정보: {missing}." if missing else "."))
        lines.append(CAVEAT[lang])
        buttons = [{"title": (f"Apply: {r.service_name}" if lang == "en" else f"신청하기: {r.service_name}"),
                    "payload": f'/apply_service{{"service_id": "{r.service_id}"}}'} for r in top[:3]
                   if not period_ended(r, today)]  # never "신청하기" beside "신청 기간이 지났습니다" (s33 probe)
        if unknown and missing:
            # the form stopped at its question budget with facts left that decide services: a new run asks them (the
            # known facts are kept), rather than leave "더 필요한 정보: …" as a dead end (s33 probe)
            buttons.append({"title": "Answer a few more questions" if lang == "en" else "질문에 더 답하고 확인하기",
                            "payload": "/check_eligibility"})
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons,
                                 json_message={"citations": [c for r in [*top, *general[:TOP_CHECK]]
                                                             for c in _citations(r, lang, today)],
                                               "abstained": False,
                                               "eligibility": {"eligible": len(eligible), "general": len(general),
                                                               "unknown": len(unknown),
                                                               "to_check": len(to_check),
                                                               "catalogue_version": report.catalogue_version}})
        return [slot_set(ELIGIBLE_SLOT, [_listed(r) for r in eligible[:20]])]

    def _one(self, dispatcher: CollectingDispatcher, r: ServiceResult, known: str, lang: str,
             today: dt.date | None = None) -> list[dict[str, Any]]:
        from assistant.dialogue.sdk import slot_set

        reasons = ", ".join(_meaning(c, lang) for c in r.decided_by if _shown(c))
        if r.status == "eligible":
            text = (f"{r.service_name}: you meet its coded conditions ({reasons}), going by {known}."
                    if lang == "en" else f"{r.service_name}: 말씀해 주신 내용({known})으로는 받으실 수 있어요. 충족한 조건: {reasons}.")
        elif r.status == "not_eligible":
            text = (f"{r.service_name}: going by {known}, you don't meet this condition: {reasons}."
                    if lang == "en" else f"{r.service_name}: 말씀해 주신 내용({known})으로는 받기 어려워요. 맞지 않는 조건: {reasons}.")
        else:
            missing = ", ".join(_fact_label(m, lang) for m in r.missing)
            # what is still to confirm: the open conditions themselves (a named status from its text, the area …)
            # ("확인이 필요한 조건: 모두 충족해야 하는 요건 '…'", not "…: 확인 필요: …": the label says it once)
            to_confirm = ", ".join(_TO_CONFIRM.sub("", _meaning(c, lang)) for c in r.decided_by if _shown(c))
            if lang == "en":
                text = f"{r.service_name}: I can't tell yet" + (f"; still to confirm: {to_confirm}" if to_confirm else "") \
                    + (f"; I would need: {missing}." if missing else ".")
            else:
                text = f"{r.service_name}: 아직 받으실 수 있다고 말씀드릴 수 없어요" \
                    + (f". 확인이 필요한 조건: {to_confirm}" if to_confirm else "") + (f". 더 필요한 정보: {missing}." if missing else ".")
        if r.decided_by and r.decided_by[0].code == "NONE":
            text += (" The catalogue has no coded conditions for it: read its target group and selection criteria."
                     if lang == "en" else " 이 서비스는 코드화된 조건이 없어요. 지원대상과 선정기준을 확인해 주세요.")
        today = today or self.today()
        note = period_note(r, lang, today) if r.status != "not_eligible" else ""
        if note:
            text += " " + note + " " + period_cited(lang)
        text += "\n" + CAVEAT[lang] + "\n" + _source_line(r, lang)
        buttons = [] if r.status == "not_eligible" or note else [  # no "신청하기" once the period has ended
            {"title": "Apply" if lang == "en" else "신청하기", "payload": f'/apply_service{{"service_id": "{r.service_id}"}}'}]
        dispatcher.utter_message(text=text, buttons=buttons,
                                 json_message={"citations": [_citation(r, lang)] + ([_period_citation(r)] if note else []),
                                               "abstained": False,
                                               "eligibility": {"service_id": r.service_id, "status": r.status}})
        if r.status == "not_eligible":
            return []
        return [slot_set(ELIGIBLE_SLOT, [_listed(r)])]


#: How many "to check" services the list names (:func:`to_check_only`).
TOP_CHECK = 3
#: The conditions that make a service "to check": its own text names who it is for beyond the codes (``CHECK``,
#: :mod:`connectors.eligibility.who_text`), a group (``GROUP``, :mod:`connectors.eligibility.text_groups`) or an income
#: limit its codes do not agree with (``INCOME``, :mod:`connectors.eligibility.income_text`).
_TEXT_CONDITIONS = frozenset({"CHECK", "GROUP", "INCOME"})


def to_check_only(r: ServiceResult) -> bool:
    """Whether ``r`` is unknown only because its own 지원대상 text names who it is for (``CHECK``, ``GROUP`` or ``INCOME``, no
    other open condition and no fact missing but ``target_groups``): every fact the conversation gave fits, and the
    citizen reads the text to know. The list names these apart from the eligible ones and from those that need facts.

    Example:
        >>> from connectors.eligibility.evaluator import Condition, ServiceResult
        >>> check = Condition("CHECK", "확인 필요: 지원대상 '장병'", "to confirm", "장병")
        >>> to_check_only(ServiceResult("S", "s", "unknown", (check,), ("target_groups",), ()))
        True
        >>> to_check_only(ServiceResult("S", "s", "unknown", (check, Condition("REGION", "", "", "")), ("region",), ()))
        False
    """
    return (r.status == "unknown" and bool(r.decided_by) and all(c.code in _TEXT_CONDITIONS for c in r.decided_by)
            and all(m == GROUPS_SLOT for m in r.missing))


_TO_CONFIRM = re.compile(r"^(?:확인 필요|to confirm)\s*:\s*")
_TRAILER_NOTE = re.compile(r"\s*\((?:지원대상 문구 기준|코드로는 일부만 정해져 있어요|조건 코드에는 없는 내용이에요|from the eligibility text|"
                          r"지원대상·선정기준 문구 기준(?:, 조건 코드의 소득 구간과 달라요)?)\)\s*$")


def check_what(r: ServiceResult, lang: str) -> str:
    """What to check for a "to check" service (:func:`to_check_only`), from its text conditions: the who-phrase of
    ``CHECK`` ("지원대상 '장병, 군무원, 일반 국민'") or the group of ``GROUP`` ("'재직기간 1년 이상 사립학교 퇴직 교직원' 대상");
    in English the groups the phrase names, never its Korean words (English replies print no Hangul but names).

    Example:
        >>> from connectors.eligibility.evaluator import Condition, ServiceResult
        >>> c = Condition("CHECK", "확인 필요: 지원대상 '장병' (조건 코드에는 없는 내용이에요)",
        ...               "to confirm: who it is for, as its eligibility text says (not in its coded conditions): soldiers", "장병")
        >>> r = ServiceResult("S", "s", "unknown", (c,), (), ())
        >>> check_what(r, "ko"), check_what(r, "en")
        ("지원대상 '장병'", 'who it is for: soldiers')
    """
    from connectors.eligibility.who_text import ALL_OF_EN

    out = []
    for c in r.decided_by:
        if c.code not in _TEXT_CONDITIONS:
            continue
        if lang != "en":
            out.append(_TRAILER_NOTE.sub("", _TO_CONFIRM.sub("", str(c.meaning))))
        elif c.code == "CHECK" and ALL_OF_EN in str(c.meaning_en):
            out.append(ALL_OF_EN)
        elif c.code == "CHECK":
            named = str(c.meaning_en).rpartition("): ")[2] if "): " in str(c.meaning_en) else ""
            out.append("who it is for: " + (named if named and named != "read the text cited" else "as its text says"))
        else:
            out.append(_TRAILER_NOTE.sub("", _TO_CONFIRM.sub("", str(c.meaning_en))))
    return "; ".join(out)


def _check_line(r: ServiceResult, lang: str) -> str:
    what = check_what(r, lang)
    label = " — to check: " if lang == "en" else " — 확인할 내용: "
    return f"{r.service_name}{label + what if what else ''} {_source_line(r, lang)}"


def _shown(c: Any) -> bool:
    """Conditions worth saying: not "no coded condition", not an open age bound (from 0, to 100 or more)."""
    if c.code == "NONE":
        return False
    if c.code == "JA0110":
        return int(c.value) > 0
    if c.code == "JA0111":
        return int(c.value) < 100
    return True


def _listed(r: ServiceResult) -> dict[str, str]:
    """An ``eligible_services`` entry: ``{"service_id", "service_name", "url"}`` (the gov.kr page, for applying there)."""
    return {"service_id": r.service_id, "service_name": r.service_name, "url": str(_source(r).get("url") or "")}


def _meaning(c: Any, lang: str) -> str:
    """A condition as the citizen reads it: the age codes carry their years ("만 65세 이상")."""
    if c.code == "JA0110":
        return f"age {c.value} or over" if lang == "en" else f"만 {c.value}세 이상"
    if c.code == "JA0111":
        return f"age {c.value} or under" if lang == "en" else f"만 {c.value}세 이하"
    return str(c.meaning_en if lang == "en" else c.meaning)


def _source(r: ServiceResult) -> dict[str, Any]:
    return dict(r.sources[0]) if r.sources else {}


def english_agency(agency: str) -> str:
    """A managing agency as an English reply names it: a local government in English ("경기도 성남시" →
    "Seongnam-si, Gyeonggi-do", :func:`~connectors.eligibility.regions_en.english_place_name`); any other agency
    (a ministry, a public corporation: the catalogue has no English name for them) as the catalogue writes it."""
    from connectors.eligibility.regions import agency_area
    from connectors.eligibility.regions_en import english_place_name

    return english_place_name(agency) if agency_area(agency) is not None else agency


def _source_line(r: ServiceResult, lang: str) -> str:
    """The citation line: agency, gov.kr page and legal basis. In English the agency is in English where it has an
    English form (:func:`english_agency`); the laws (법령) keep their Korean titles: they are what the citation
    cites, and the catalogue has no English titles for them."""
    s = _source(r)
    law = ", ".join(s.get("legal_basis") or [])
    agency = english_agency(str(s.get("agency") or "")) if lang == "en" else s.get("agency")
    parts = [p for p in (agency, s.get("url")) if p]
    head = "Source" if lang == "en" else "출처"
    basis = ("; legal basis: " if lang == "en" else "; 근거 법령: ") + law if law else ""
    return f"[{head}: {', '.join(parts)}{basis}]"


def _condition_group(c: Any) -> str:
    """The group a condition belongs to: one JA group per alternative codes, ``age`` for the pair JA0110/JA0111,
    the code itself for REGION, APPLICANT and STATUS."""
    from connectors.eligibility.codes import CODE_BY_NAME

    if c.code in ("JA0110", "JA0111"):
        return "age"
    code = CODE_BY_NAME.get(c.code)
    return code.group if code is not None else str(c.code)


def _broad_age(decided: tuple[Any, ...]) -> bool:
    """Whether the age range among ``decided`` is broad (from 19 or less to 100 or more: "adults", "everyone"), which
    says little about who a service is for (:data:`~connectors.eligibility.catalogue.BROAD_AGE_FROM`)."""
    from connectors.eligibility.catalogue import BROAD_AGE_FROM, BROAD_AGE_TO

    lo = next((int(c.value) for c in decided if c.code == "JA0110"), 0)
    hi = next((int(c.value) for c in decided if c.code == "JA0111"), 200)
    return lo <= BROAD_AGE_FROM and hi >= BROAD_AGE_TO


def specific_conditions(r: ServiceResult) -> int:
    """How many distinct condition groups decided ``r`` (a JA group, the age range, REGION, APPLICANT, STATUS each
    count once; the age pair JA0110/JA0111 is one condition, and a broad age range — 19 or less to 100 or more —
    counts none; NONE counts none).

    Example:
        >>> from connectors.eligibility.evaluator import Condition, ServiceResult
        >>> age = (Condition("JA0110", "", "", 19), Condition("JA0111", "", "", 120))
        >>> specific_conditions(ServiceResult("S", "s", "eligible", age, (), ()))
        0
    """
    groups = {_condition_group(c) for c in r.decided_by if c.code != "NONE"}
    if "age" in groups and _broad_age(r.decided_by):
        groups.discard("age")
    return len(groups)


def rank_key(r: ServiceResult, today: dt.date | None = None) -> tuple[int, int, int, str]:
    """The listing's order: services whose own 지원대상/선정기준 text names only groups the facts contradict
    (``r.cautions``) last; within each, a service whose application period ended before ``today`` below the open
    ones (:func:`period_ended`; ``None``: periods not read); then the most distinct conditions met first
    (:func:`specific_conditions`: an age pair is one condition and a broad age range none, so "19 or over" alone never
    outranks services decided by several conditions); then by name."""
    ended = 1 if today is not None and period_ended(r, today) else 0
    return (1 if r.cautions else 0, ended, -specific_conditions(r), r.service_name)


def _caution_text(r: ServiceResult, lang: str) -> str:
    """Why a service is listed lower: the groups its text names (``""`` when none contradicts the facts)."""
    if not r.cautions:
        return ""
    told = [c for c in r.cautions if c.fact]
    asked = [c for c in r.cautions if not c.fact]  # a circumstance the conversation does not ask (target_groups.QUALIFIERS)
    out = ""
    if told:
        groups = ", ".join(c.en if lang == "en" else c.ko for c in told)
        facts = ", ".join(dict.fromkeys(_fact_label(c.fact, lang) for c in told))
        out += (f" (note: its eligibility text is for {groups}, which does not match your {facts})" if lang == "en"
                else f" (참고: 지원대상 설명은 {groups} 대상이라 말씀해 주신 {facts} 정보와 맞지 않을 수 있어요)")
    if asked:
        groups = ", ".join(c.en if lang == "en" else c.ko for c in asked)
        out += (f" (note: it is only for {groups}; I have not asked whether that applies)" if lang == "en"
                else f" (참고: {groups}만 대상이에요. 해당하시는지는 여쭤보지 않았어요)")
    return out


def period_note(r: ServiceResult, lang: str, today: dt.date) -> str:
    """The sentence that says ``r``'s application period (its citation's ``application_period``, the catalogue's
    신청기한) ended before ``today``, else ``""`` (:func:`~assistant.knowledge.periods.ended_note`)."""
    return ended_note(parse_period(str(_source(r).get("application_period") or "")), today, lang)


def period_ended(r: ServiceResult, today: dt.date) -> bool:
    """Whether ``r``'s application period (its citation's ``application_period``) ended before ``today``: the list
    says so on its line (:func:`period_note`) and ranks it below the open ones (:func:`rank_key`)."""
    return bool(period_note(r, "ko", today))


def period_cited(lang: str) -> str:
    """What the ended-period sentence cites, right after it: the service page's 신청기한 section (the citation
    :func:`_period_citation`), as the knowledge answers cite a quoted 신청기한. English names it in English (English
    replies print no Hangul but names); the citation's ``section`` is the page's own section name in both.

    Example:
        >>> period_cited("ko"), period_cited("en")
        ('[출처: 신청기한]', '[Source: its application period]')
    """
    from connectors.eligibility.catalogue import PERIOD_SECTION

    return "[Source: its application period]" if lang == "en" else f"[출처: {PERIOD_SECTION}]"


def _line(r: ServiceResult, lang: str, today: dt.date | None = None) -> str:
    reasons = ", ".join(_meaning(c, lang) for c in r.decided_by if _shown(c))
    why = (f" — meets: {reasons}" if lang == "en" else f" — 충족: {reasons}") if reasons else ""
    note = period_note(r, lang, today or today_in_seoul())
    cited = f" — {note} {period_cited(lang)}" if note else ""
    return f"{r.service_name}{why}{_caution_text(r, lang)}{cited} {_source_line(r, lang)}"


#: The section a result's citation names: the catalogue's coded support conditions (its ``supportConditions`` view),
#: in the citizen's language like every other section a citation shows (the widget prints it on the source card).
CONDITIONS_SECTION = {"ko": "지원 조건", "en": "Support conditions"}


def _period_citation(r: ServiceResult) -> dict[str, Any]:
    """The citation of the ended-period sentence: the service page's 신청기한 section (:data:`PERIOD_SECTION`, where
    ``application_period`` was read), keys as :class:`assistant.knowledge.composer.Citation`."""
    from connectors.eligibility.catalogue import PERIOD_SECTION

    s = _source(r)
    return {"doc_id": r.service_id, "title": r.service_name, "agency": s.get("agency", ""), "url": s.get("url", ""),
            "section": PERIOD_SECTION, "updated_at": "", "legal_basis": s.get("legal_basis", [])}


def _citations(r: ServiceResult, lang: str, today: dt.date) -> list[dict[str, Any]]:
    """A listed service's citations: its support conditions, and its 신청기한 when its line says the period ended."""
    return [_citation(r, lang)] + ([_period_citation(r)] if period_ended(r, today) else [])


def _citation(r: ServiceResult, lang: str) -> dict[str, Any]:
    s = _source(r)
    return {"doc_id": r.service_id, "title": r.service_name, "agency": s.get("agency", ""), "url": s.get("url", ""),
            "section": CONDITIONS_SECTION.get(lang, CONDITIONS_SECTION["ko"]), "updated_at": "",
            "legal_basis": s.get("legal_basis", [])}


_FACT_LABELS = {
    "ko": {"age": "나이", "sex": "성별", "income_pct_median": "소득(중위소득 대비 %)", "region": "사는 곳(시·군·구까지)", "disabled": "장애 여부",
           "veteran": "국가보훈대상 여부", "farmer": "농업인 여부", "pregnant": "임신 여부", "student_level": "학생 여부",
           "recent_birth_or_adoption": "최근 1년 안 출산·입양 여부",
           "single_parent_family": "한부모가정 여부", "multi_child_household": "다자녀가구 여부", "job_seeker": "구직 중인지",
           "single_person_household": "혼자 사는지(1인 가구)",
           "livestock_farmer": "축산업 종사 여부", "fisher": "어업인 여부", "ill": "질병 여부", "business_status": "사업 운영 여부",
           "organization_type": "단체·기업 여부", "organization_industry": "업종",
           "welfare_recipient": "기초생활보장 수급 여부(생계·의료·주거·교육급여)", "near_poverty": "차상위계층 여부",
           "master_craftsman": "대한민국명장 여부", "high_voltage_customer": "고압 전기 고객 여부",
           "household_disabled": "장애인 가정(같은 세대에 등록 장애인) 여부", "business_industry": "사업 업종",
           "target_groups": "서비스가 정한 대상(지원대상 문구)에 해당하는지"},
    "en": {"age": "age", "sex": "sex", "household_disabled": "a registered disabled member in your household",
           "business_industry": "business industry", "income_pct_median": "income (% of median)", "region": "where you live (down to the city/district)", "disabled": "disability",
           "veteran": "veteran status", "farmer": "farming", "student_level": "student status",
           "recent_birth_or_adoption": "a birth or adoption in the last 12 months",
           "single_parent_family": "single-parent family", "multi_child_household": "three or more children",
           "single_person_household": "living alone (single-person household)", "job_seeker": "job seeking", "livestock_farmer": "livestock farming", "business_status": "running a business",
           "organization_type": "organisation", "organization_industry": "industry",
           "welfare_recipient": "basic livelihood security benefits", "near_poverty": "near-poverty status",
           "master_craftsman": "master craftsman certification", "high_voltage_customer": "high-voltage electricity customer",
           "target_groups": "whether you belong to the group the service is for (from its eligibility text)"},
}


def _fact_label(name: str, lang: str) -> str:
    """A fact's name as a citizen reads it in ``lang`` ("ko"/"en"): the table above, else the meaning of the
    fact's yes/no JA code (``employed`` → "근로자/직장인" / "employee"); the raw name only for a name no
    :class:`~connectors.eligibility.facts.Facts` field has (tests/eligibility/test_fact_labels.py holds every field)."""
    table = _FACT_LABELS["en" if lang == "en" else "ko"]
    if name in table:
        return table[name]
    from connectors.eligibility.codes import CODES

    code = next((c for c in CODES if c.fact == name and c.value is True), None)
    if code is not None:
        return code.en if lang == "en" else code.ko
    return name.replace("_", " ") if lang == "en" else name


def _top_missing(unknown: list[ServiceResult], lang: str, allowed: set[str | None], n: int = 3) -> str:
    """The ``n`` facts the most unknown services miss, among those the conversation can ask (``allowed``)."""
    counts = Counter(m for r in unknown for m in deciding_missing(r) if m in allowed)
    return ", ".join(_fact_label(m, lang) for m, _c in counts.most_common(n))


def _describe_facts(facts: dict[str, Any], beneficiary: Any, lang: str) -> str:
    parts: list[str] = []
    who = _BENEFICIARY[lang].get(str(beneficiary or "self"), _BENEFICIARY[lang]["self"])
    if beneficiary and beneficiary != "self":
        parts.append(f"for {who}" if lang == "en" else f"{who} 기준")
    if facts.get("age") is not None:
        parts.append(f"age {facts['age']}" if lang == "en" else f"만 {facts['age']}세")
    if facts.get("sex"):
        parts.append(_SEX[lang].get(facts["sex"], str(facts["sex"])))
    if facts.get("region"):
        from connectors.eligibility.regions_en import english_place_name

        parts.append(f"living in {english_place_name(str(facts['region']))}" if lang == "en" else str(facts["region"]))
    if facts.get("income_pct_median") is not None:
        pct = f"{facts['income_pct_median']:g}"
        parts.append(f"income {pct}% of median" if lang == "en" else f"중위소득 {pct}%")
    groups = facts.get(GROUPS_SLOT) or {}
    # a status fact the group question set is said once, as its group ("전기 고객·설비 소유자")
    flags = [k for k, v in facts.items() if v is True and not groups.get(_STATUS_FACT_GROUP.get(k, ""))]
    parts += [_fact_label(k, lang).removesuffix(" 여부") for k in flags]
    if any(groups.values()):
        from connectors.eligibility.text_groups import BY_NAME

        parts += [BY_NAME[g].en if lang == "en" else BY_NAME[g].ko for g, v in groups.items() if v and g in BY_NAME
                  and not (g == "women" and facts.get("sex") == "female")]  # the sex said already
    # each said once: "여자" at the group question sets the sex and the group 여성 (s42: "…, 여성, 중위소득 80%, 여성")
    parts = list(dict.fromkeys(parts))
    return ", ".join(parts) if parts else ("no facts yet" if lang == "en" else "알려 주신 정보 없음")


def actions(settings: Settings) -> list[SdkAction]:
    """The eligibility connector's actions: over HTTP with one client of ``settings.eligibility_url`` when it is
    configured, else in-process over the catalogue in ``settings.home`` (:class:`LocalEligibilityClient` of
    :func:`~connectors.eligibility.service.shared_service`), as ``assistant eligibility check`` does: ``assistant
    ask``/``chat`` run no server, and a default local address may have nothing, or another server, listening."""
    from connectors.eligibility.client import EligibilityClient, LocalEligibilityClient

    from connectors.resilience import breaker_for

    if not settings.eligibility_url:
        from connectors.eligibility.service import shared_service

        local = LocalEligibilityClient(shared_service(settings))
        return [ValidateEligibilityForm(local, settings.eligibility_max_questions),
                ActionCheckEligibility(local, clock(settings.period_today)),
                ActionAskTargetGroups()]
    client = EligibilityClient.from_settings(settings)
    # Planning is optional (without it the form just stops asking): one attempt, so a slow service costs one timeout.
    planner = EligibilityClient(client.base_url, settings.connector_timeout, 1,
                                breaker=breaker_for(client.base_url, settings.connector_breaker_failures,
                                                    settings.connector_breaker_reset))
    return [ValidateEligibilityForm(planner, settings.eligibility_max_questions),
            ActionCheckEligibility(client, clock(settings.period_today)),
            ActionAskTargetGroups()]
