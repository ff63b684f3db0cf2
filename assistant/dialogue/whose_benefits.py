"""Whose benefits: an opening that says the citizen has a child, a parent or a spouse, and names no one to receive,
asks which (s18 child; s19 parent, grandparent, spouse, and the facts the opening stated).

"아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?" can ask for the citizen's own benefits as a parent (부모급여, 아동수당 are
paid to the parent; a family with children gets housing and energy help) or for the child's (services coded by the
child's age); "어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?" or "My mother is 80. What benefits are there?" for the
citizen's own (a carer, a family supporting an elder) or for the mother's (기초연금, 노인맞춤돌봄 are coded by her age).
The ``beneficiary`` lookup finds "아이" / "어머니" and, before, the questionnaire started about that member on its own.
Now :class:`WhoseBenefitsPolicy` asks first, with a button for the citizen (본인, ``/check_eligibility{"beneficiary":
"self"}``) and one per member the opening states (아이 / 어머니 …, ``/check_eligibility{"beneficiary": "child"}``); a
button starts the questionnaire about that person, as an opening naming them does ("제가 받을 수 있는 …", "우리 아이가
받을 수 있는 …").

The facts the opening stated about the member travel with that member's button (s19): "4살 아이가 있는데 …" → the 아이
button's payload carries ``"age": 4``, so the questionnaire about the child does not ask the age again; the 본인 button
carries nothing, and the ``age`` slot the opening's number set is unset when the question is asked (before, 본인 checked
the catalogue for a citizen of 4, and 아이 put the 4 aside as the citizen's and asked the child's age again). An age is
the member's when it is written inside the statement or right before it ("4살 아이가 있는데", "어머니가 80세이신데",
"I have a 4 year old son", "My mother is 80").

When it asks (all of):

* right after the user spoke, no form active, the message typed (not a button), its intent ``check_eligibility``
  and the eligibility route would start the questionnaire for it (:class:`~assistant.dialogue.eligibility_route.
  EligibilityRoute`: a general question, not one about a kind of help, which the documents answer);
* the message states that the citizen has a child (:func:`~assistant.nlu.household.has_child_spans`: "아이가
  있는데", "자녀가 둘 있어요", "I have a 4 year old son", "We have two kids") or a parent, grandparent or spouse
  (:data:`~assistant.nlu.household.HAS_ELDER_OR_SPOUSE`: "어머니가 계신데", "부모님을 모시고 있는데", "남편이 있는데",
  "My mother is 80", "I live with my father"); :func:`~assistant.nlu.household.member_statements` reads both;
* it names no one as whom the benefits are for: not the citizen ("제가", "저희가", "what can I get",
  :func:`~assistant.nlu.household.citizen_receives`), not the member by a pronoun ("what can she get") or by the
  honorific of receiving ("받으실 수 있는": said of an elder, never of oneself), and no family word outside the
  statement ("아이가 있는데 아이가 받을 수 있는 …" names the child twice: about the child).

Own code: a rule over the message's words and entities, as the other routes of the questionnaire are.

Example:
    >>> has_child_spans("아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?"), has_child_spans("I have two kids. What benefits are there?")
    ([(0, 5)], [(0, 15)])
    >>> has_child_spans("우리 아이가 받을 수 있는 혜택이 있나요?")
    []
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.eligibility_route import slot_before
from assistant.dialogue.events import ACTION_LISTEN_NAME, Event, SlotSet
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.household import (  # noqa: F401 (has_child_spans: re-exported, s18)
    HONOURED_RECEIVES,
    MEMBER_WHO,
    citizen_receives,
    has_child_spans,
    kin_sex,
    member_receives,
    member_statements,
)

RESPONSE = "utter_ask_whose_benefits"
ACTION_NAME = "action_ask_whose_benefits"
#: said instead of the question where no eligibility data exists (the questionnaire's own reply there)
NO_DATA = "utter_eligibility_no_catalogue"
INTENT = "check_eligibility"
#: The honorific of receiving ("받으실 수 있는"): said of an elder the citizen speaks of, never of oneself.
_HONOURED_RECEIVES = HONOURED_RECEIVES
#: What may stand between an age and the family word it describes ("4살 아이", "4살짜리 아이", "80세 된 어머니").
_AGE_BEFORE = re.compile(r"\s*(?:짜리|배기|된|먹은)?\s*")
#: English names of the members (button titles and the question), by ``beneficiary`` value, when the word said is Korean.
_EN_WHO = {"child": "child", "parent": "parent", "grandparent": "grandparent", "spouse": "spouse"}

# --- Whose a place in the opening is (s20) ------------------------------------------------------------------------------
_KIN_KO = "|".join(sorted((w for w in MEMBER_WHO if not w.isascii()), key=len, reverse=True))
_KIN_EN = "|".join(sorted((w for w in MEMBER_WHO if w.isascii()), key=len, reverse=True))
#: Between a place and the member's statement right after it, a relative clause of living: "부산에 사시는 어머니가
#: 계신데", "부산 해운대구에 계신 아버지", "대구에서 혼자 지내시는 할머니": the place is the member's.
_LIVES_BEFORE_KO = re.compile(r"\s*(?:에서|에)\s*(?:혼자\s*|홀로\s*)?(?:사시는|사는|계신|계시는|거주하시는|거주하는|지내시는|살고\s*계신|"
                              r"살고\s*있는)\s*")
#: A place right before the member's statement ("부산에 어머니가 계신데", "부산에서 부모님을 모시고 있는데").
_AT_KO = re.compile(r"\s*(?:에서|에)\s+")
#: After a place, the honorific verb of living ("부산에 사세요", "부산에 계시는데", "부산에서 지내세요"): said of an elder,
#: never of oneself; after a member's statement ("어머니가 계신데 부산에 사세요"), the place is the member's.
_HONOURED_LIVES_KO = re.compile(r"\s*(?:에서|에)\s*(?:혼자\s*|홀로\s*)?(?:사|계|거주하|지내)(?:세|시|십|셔)")
#: What may stand between a Korean statement and such a place: the rest of its ending, and the member named again.
_GAP_KO = re.compile(rf"[가-힣]{{0,4}}[\s,.]+(?:(?:지금|현재|요즘)\s*)?(?:(?:그\s*분|{_KIN_KO})(?:님)?(?:께서|는|은|이|가)\s*)?")
#: English, between a member's statement and a place: "I have a mother who lives in Busan", "My mother is 80 and lives
#: in Busan", "I have an elderly mother in Busan", "I have a mother. She lives in Busan", "… My mother lives in Busan".
_GAP_EN = re.compile(rf"(?:\s+(?:in|from)\s+|[\s,.;]*(?:(?:and|who|that|she|he|(?:my|our)\s+(?:{_KIN_EN})s?)\s+)?"
                     r"(?:(?:still|now|currently|also)\s+)?(?:lives?|living|stays?|resides?|is)\s+(?:alone\s+)?in\s+)",
                     re.IGNORECASE)
#: The household (the citizen and the member) said to live there: "저희는 부산에 살아요", "우리 가족은 부산에", "We live in
#: Busan", "we're in Busan", "our family lives in Busan"; then the place is both people's.
_HOUSEHOLD_BEFORE = re.compile(
    r"(?:(?<![가-힣])(?:저희|우리)(?:\s*(?:가족|집|식구|부부))?\s*(?:은|는|가|이|도)?\s*"
    r"|\b(?:we|our\s+(?:family|household))\s+(?:all\s+)?(?:live|lives|are|'re|reside|resides|stay|stays)\s+(?:together\s+)?"
    r"(?:in|at)\s+|\bwe'?re\s+(?:in|from)\s+)$", re.IGNORECASE)
#: After a place: living there together ("부산에서 어머니랑 같이 살아요", "부산에 함께 살아요").
_TOGETHER_AFTER_KO = re.compile(r"\s*(?:에서|에)\s*(?:[가-힣]+(?:과|와|랑|이랑|하고)\s*)?(?:같이|함께)\s*(?:살|사|지내|거주)")
#: A statement of living with the member ("부모님을 모시고", "I live with my father"): a place said with it is both people's.
_TOGETHER_STATEMENT = re.compile(r"모시|\blive\s+with\b", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Member:
    """A household member an unclear opening states (:func:`unclear_members`).

    Attributes:
        who: the ``beneficiary`` value (``child``, ``parent``, ``grandparent``, ``spouse``).
        word: the family word as written ("아이", "어머니", "mother", "kids").
        age: the age in whole years the opening gave the member, else None.
        sex: ``"female"`` / ``"male"`` as the family word says (:func:`~assistant.nlu.household.kin_sex`: 어머니, 딸,
            mother → female; 아버지, 아들, husband → male), None for a word of no sex (아이, 부모님, kids).
        region: the region the opening says the member lives in, or that the household does (an NLU ``region``
            entity's value, "부산광역시", "부산광역시 해운대구"; :func:`opening_regions`), else None.
    """

    who: str
    word: str
    age: int | None = None
    sex: str | None = None
    region: str | None = None


@dataclasses.dataclass(frozen=True)
class OpeningPlaces:
    """Whose the places an opening states are (:func:`opening_places`).

    Attributes:
        members: by the index of the member's statement (in :func:`~assistant.nlu.household.member_statements`'s
            order), the region said to be where that member lives.
        household: the region said to be where the household lives (the citizen and the member), else None.
        citizen: the first place said that is neither (the citizen's own, "I live in Seoul", or no one's in
            particular, "부산인데"), else None: the citizen's, as the opening's ``region`` slot was before s20.
    """

    members: dict[int, str]
    household: str | None
    citizen: str | None

    def own(self) -> str | None:
        """The region 본인's button carries: the household's, else the citizen's."""
        return self.household or self.citizen


def _places(text: str, entities: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """The NLU's ``region`` entities as places ``(start, end, value)``: a run of them with only spaces between ("부산
    해운대구") is one place, valued as its last (the NLU gives a district's entity the whole "부산광역시 해운대구")."""
    regions = sorted((e for e in entities if e.get("entity") == "region" and isinstance(e.get("start"), int)
                      and isinstance(e.get("end"), int) and isinstance(e.get("value"), str) and e.get("value")),
                     key=lambda e: e["start"])
    out: list[tuple[int, int, str]] = []
    for e in regions:
        if out and out[-1][1] <= e["start"] and not text[out[-1][1]:e["start"]].strip():
            out[-1] = (out[-1][0], e["end"], str(e["value"]))
        else:
            out.append((e["start"], e["end"], str(e["value"])))
    return out


def opening_places(text: str, entities: list[dict[str, Any]],
                   statements: list[tuple[int, int, str, str]] | None = None) -> OpeningPlaces:
    """Whose each place (an NLU ``region`` entity) of an opening is, for the whose-benefits buttons (s20).

    * **The member's** (only the member's button carries it; the citizen's facts are not the member's): inside the
      member's statement; a relative clause of living right before it ("부산에 사시는 어머니가 계신데", "대구에서 혼자
      지내시는 할머니가 계신데"), or the place alone ("부산에 어머니가 계신데"); after it, with the honorific verb of living, said of an elder and never of oneself
      ("어머니가 계신데 부산에 사세요"); in English "I have a mother who lives in Busan", "My mother is 80 and lives in
      Busan", "I have an elderly mother in Busan", "… She lives in Busan", "… My mother lives in Busan".
    * **The household's** (both buttons carry it; decided s20: "we" is the citizen and the member, so the place is
      each one's): "저희는 부산에 살아요", "우리 가족은 부산에 …", "부산에서 같이 살아요", "We live in Busan", "we're in
      Busan", "our family lives in Busan", and a place said with a statement of living together ("부산에서 부모님을
      모시고 있는데", "I live with my father in Busan").
    * **Otherwise** the citizen's, or no one's in particular ("I live in Seoul and I have an elderly mother", "부산인데
      …"): :attr:`OpeningPlaces.citizen`, for 본인 only (as the opening's ``region`` slot was before s20).

    Args:
        text: the message; entities: its NLU entities (``entity``, ``value``, ``start``, ``end``);
        statements: :func:`~assistant.nlu.household.member_statements` of ``text`` (read when None).

    Example:
        >>> text = "부산에 사시는 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?"
        >>> opening_places(text, [{"entity": "region", "value": "부산광역시", "start": 0, "end": 2}])
        OpeningPlaces(members={0: '부산광역시'}, household=None, citizen=None)
        >>> text = "저희는 부산에 살아요. 어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?"
        >>> opening_places(text, [{"entity": "region", "value": "부산광역시", "start": 4, "end": 6}]).household
        '부산광역시'
    """
    text = text or ""
    statements = member_statements(text) if statements is None else statements
    members: dict[int, str] = {}
    household: str | None = None
    citizen: str | None = None
    for start, end, value in _places(text, entities):
        owner: int | None = None
        if _HOUSEHOLD_BEFORE.search(text, 0, start) or _TOGETHER_AFTER_KO.match(text, end):
            household = household or value
            continue
        before = _LIVES_BEFORE_KO.match(text, end) or _AT_KO.match(text, end)
        for i, (s, t, _who, _word) in enumerate(statements):
            if (s <= start and end <= t) or (before is not None and before.end() == s):
                owner = i
                break
        if owner is None:
            earlier = [i for i, (_s, t, _w, _x) in enumerate(statements) if t <= start]
            if earlier:
                i = earlier[-1]
                t = statements[i][1]
                if (_GAP_KO.fullmatch(text, t, start) and _HONOURED_LIVES_KO.match(text, end)) \
                        or _GAP_EN.fullmatch(text, t, start):
                    owner = i
        if owner is None:
            citizen = citizen or value
        elif _TOGETHER_STATEMENT.search(text, statements[owner][0], statements[owner][1]):
            household = household or value
        else:
            members.setdefault(owner, value)
    return OpeningPlaces(members, household, citizen)


def unclear_members(text: str, entities: list[dict[str, Any]]) -> list[Member]:
    """The members ``text`` (with its NLU ``entities``) says the citizen has, one per ``beneficiary`` value in the order
    said, when it names no one as whom the benefits are for (module docstring); ``[]`` otherwise.

    Example:
        >>> unclear_members("4살 아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", [{"entity": "age", "value": 4, "start": 0, "end": 2},
        ...                                                   {"entity": "beneficiary", "value": "child", "start": 3, "end": 5}])
        [Member(who='child', word='아이', age=4, sex=None, region=None)]
        >>> unclear_members("어머니가 계신데 제가 받을 수 있는 혜택이 뭐가 있나요?", [])
        []
    """
    text = text or ""
    if citizen_receives(text) or member_receives(text) or _HONOURED_RECEIVES.search(text):
        return []
    statements = member_statements(text)
    if not statements:
        return []
    for e in entities:
        start, end = e.get("start"), e.get("end")
        if e.get("entity") != "beneficiary" or not isinstance(start, int) or not isinstance(end, int):
            continue
        if not any(s <= start and end <= t for s, t, _w, _x in statements):
            return []  # a family word outside the statement: whom the question is about
    return stated_members(text, entities, statements)


def stated_members(text: str, entities: list[dict[str, Any]],
                   statements: list[tuple[int, int, str, str]] | None = None) -> list[Member]:
    """The members ``text`` states the citizen has (:func:`~assistant.nlu.household.member_statements`), each with
    the facts the message gives them (age, sex, region; :class:`Member`), whoever the message names as receiving:
    :func:`unclear_members` when no one is named, and the facts kept for the member when the citizen is ("어머니가
    80세이신데 제가 받을 수 있는 …": the 80 is the mother's, not the citizen's; s20).

    Example:
        >>> stated_members("어머니가 80세이신데 제가 받을 수 있는 혜택이 있나요?", [{"entity": "age", "value": 80, "start": 5, "end": 8}])
        [Member(who='parent', word='어머니', age=80, sex='female', region=None)]
    """
    text = text or ""
    statements = member_statements(text) if statements is None else statements
    ages: dict[int, int] = {}
    for e in entities:
        start, end, value = e.get("start"), e.get("end"), e.get("value")
        if e.get("entity") != "age" or not isinstance(start, int) or not isinstance(end, int):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            continue
        owners = [i for i, (s, t, _w, _x) in enumerate(statements)
                  if (s <= start and end <= t) or (end <= s and _AGE_BEFORE.fullmatch(text, end, s))]
        if len(owners) == 1:
            ages.setdefault(owners[0], int(value))
    places = opening_places(text, entities, statements)
    out: dict[str, Member] = {}
    for i, (_s, _t, who, word) in enumerate(statements):
        region = places.members.get(i, places.household)
        if who not in out:
            out[who] = Member(who, word, ages.get(i), kin_sex(word), region)
        else:
            m = out[who]
            out[who] = dataclasses.replace(m, age=m.age if m.age is not None else ages.get(i),
                                           sex=m.sex if m.sex == kin_sex(word) else None,  # "아들과 딸": none
                                           region=m.region if m.region is not None else region)
    return list(out.values())


def whose_unclear(text: str, entities: list[dict[str, Any]]) -> bool:
    """Whether ``text`` (with its NLU ``entities``) says the citizen has a child, a parent or a spouse and names no
    one as whom the benefits are for (module docstring; :func:`unclear_members`).

    Example:
        >>> whose_unclear("아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", [{"entity": "beneficiary", "value": "child", "start": 0, "end": 2}])
        True
        >>> whose_unclear("아이가 있는데 제가 받을 수 있는 혜택이 뭐가 있나요?", [{"entity": "beneficiary", "value": "child", "start": 0, "end": 2}])
        False
    """
    return bool(unclear_members(text, entities))


def _ko_title(m: Member) -> str:
    return "아이" if m.who == "child" else m.word


def _en_title(m: Member) -> str:
    if m.who == "child":
        return "child"
    word = m.word.lower()
    return word if word.isascii() else _EN_WHO.get(m.who, "family member")


def question_values(members: list[Member]) -> dict[str, str]:
    """The placeholders of :data:`RESPONSE`: ``member`` ("아이", "어머니", "아이와 어머니"; the response writes its particle
    in both forms, ``{member}이/가``), ``member_of`` ("아이의", "각자의") and ``member_en`` ("your child", "your mother or
    your child").

    Example:
        >>> question_values([Member("parent", "부모님"), Member("child", "kids")])["member"]
        '부모님과 아이'
        >>> question_values([Member("spouse", "husband")])["member_en"]
        'your husband'
    """
    from assistant.dialogue.responses import particle_after

    names = [_ko_title(m) for m in members]
    joined = "".join(f"{n}{particle_after(n, '과/와')} " for n in names[:-1]) + names[-1]
    return {"member": joined, "member_of": f"{names[0]}의" if len(names) == 1 else "각자의",
            "member_en": " or ".join(f"your {_en_title(m)}" for m in members)}


def buttons(members: list[Member], lang: str, own_region: str | None = None) -> list[dict[str, str]]:
    """본인 / Me, then one button per member (아이 / My child, 어머니 / My mother …). A member's payload carries the facts
    the opening gave them: the age (s19), the sex their family word says and the region said for them or for the
    household (s20): ``/check_eligibility{"beneficiary": "parent", "age": 80, "sex": "female", "region": "부산광역시"}``.
    본인's carries only ``own_region``, the place said for the household or the citizen (:meth:`OpeningPlaces.own`;
    the member's sex and place are not the citizen's).

    Example:
        >>> [b["payload"] for b in buttons([Member("child", "아이", 4)], "ko")]
        ['/check_eligibility{"beneficiary": "self"}', '/check_eligibility{"beneficiary": "child", "age": 4}']
        >>> buttons([Member("parent", "어머니", None, "female", "부산광역시")], "ko")[1]["payload"]
        '/check_eligibility{"beneficiary": "parent", "sex": "female", "region": "부산광역시"}'
    """
    own: dict[str, Any] = {"beneficiary": "self"} | ({"region": own_region} if own_region else {})
    out = [{"title": "Me" if lang == "en" else "본인", "payload": "/check_eligibility" + json.dumps(own, ensure_ascii=False)}]
    for m in members:
        entities: dict[str, Any] = {"beneficiary": m.who}
        entities |= {k: v for k, v in (("age", m.age), ("sex", m.sex), ("region", m.region)) if v is not None}
        out.append({"title": f"My {_en_title(m)}" if lang == "en" else _ko_title(m),
                    "payload": "/check_eligibility" + json.dumps(entities, ensure_ascii=False)})
    return out


class WhoseBenefitsPolicy:
    """An opening about benefits that says the citizen has a child and names no one to receive → the question
    :data:`RESPONSE` with the 본인 / 아이 buttons (module docstring). Where no eligibility data exists, any opening that
    would start the questionnaire → :data:`NO_DATA` at once.

    Args:
        route: whether the eligibility questionnaire would start for the message (the ``check_eligibility`` task
            route, :class:`~assistant.dialogue.eligibility_route.EligibilityRoute`); its ``has_data()`` says whether
            eligibility data exists here (without it :data:`NO_DATA` is said instead of the question).
    """

    name = "WhoseBenefitsPolicy"

    def __init__(self, route: Any) -> None:
        self.route = route

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """:data:`ACTION_NAME` (which says :data:`RESPONSE`) when the rules above hold, else None."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None:
            return None
        message = tracker.latest_message
        text = ((message.text if message else None) or "").strip()
        if not text or text.startswith("/") or not context.has_response(RESPONSE):
            return None
        if top_intent(tracker)[0] != INTENT:
            return None
        if not self.route.has_data() and context.has_response(NO_DATA):
            # no eligibility data here (run.sh's bundled home): the questionnaire could only say so, so it is said now,
            # for any opening that would start it (else the documents answer). Not the whose-benefits question
            # (whichever button were pressed, it would lead here), not the questionnaire either, which first checks
            # the opening's facts: "4살 아이가 있는데 …" (the member's age read as the citizen's, s20) and "저는
            # 200살인데 …" (s21) got "나이로 알아듣지 못했어요" and the age asked for a check that cannot run
            return Prediction(NO_DATA, self.name, 1.0) if self.route(tracker, context) else None
        if not whose_unclear(text, list(tracker.latest_entities)) or not self.route(tracker, context):
            return None
        return Prediction(ACTION_NAME, self.name, 1.0)


class ActionAskWhoseBenefits:
    """``action_ask_whose_benefits``: :data:`RESPONSE` with the 본인 button and one per member the opening states
    (:func:`buttons`), and the slots the opening set for the member unset: ``beneficiary`` (the family word's entity
    mapping outside a form) and ``age`` when it is the member's age (it travels in the member's button instead), so
    nothing is decided before the choice and the citizen's own facts are not the member's (Public MyData, offered only
    for the citizen's own facts, reads ``beneficiary``)."""

    name = ACTION_NAME

    def run(self, tracker: DialogueStateTracker, domain: Any, context: TurnContext) -> list[Event]:
        """The question, then ``beneficiary`` (and the member's ``age``) unset when set, and the ``region`` the
        opening set put back as it was before the opening: each button carries its own place (s20: "부산에 사시는
        어머니가 계신데 …" then 본인 checked a citizen of Busan, and the mother's button put 부산 aside as the
        citizen's and asked her region again)."""
        message = tracker.latest_message
        text = (message.text if message else None) or ""
        entities = list(tracker.latest_entities)
        members = unclear_members(text, entities)
        members = members or [Member("child", "아이")]  # predicted by a rule or a story without the statement: as s18
        places = opening_places(text, entities)
        values: dict[str, Any] = dict(question_values(members))
        asked = context.utter(tracker, RESPONSE, None, **values)
        lang = "en" if context.language == "en" else "ko"
        choices = buttons(members, lang, places.own())
        events: list[Event] = [dataclasses.replace(asked, data={**asked.data, "buttons": choices})]
        if tracker.get_slot("beneficiary") is not None:
            events.append(SlotSet("beneficiary", None))
        if tracker.get_slot("age") is not None and tracker.get_slot("age") in {m.age for m in members}:
            events.append(SlotSet("age", None))
        if places.members or places.own():  # each button carries its place: none is decided before the choice
            before = slot_before(tracker, "region")
            if tracker.get_slot("region") != before:
                events.append(SlotSet("region", before))
        return events


# --- A typed answer to the question (s20) ------------------------------------------------------------------------------
#: A Korean answer naming the citizen ("저요", "제 거요", "본인이요", "나", "제꺼") or a member ("어머니요", "엄마", "우리
#: 아이요", "어머니 거요", "남편 걸로요"), with its endings; nothing else in the message.
_ANSWER_KO = re.compile(
    r"\s*(?:(?:음|아|그럼|그냥)[\s,]*)?"
    rf"(?:(?P<self>저|제|나|내|본인|저\s*자신|제\s*자신)|(?:(?:우리|저희|제|내)\s*)?(?P<kin>{_KIN_KO})(?:님)?)"
    r"\s*(?:의\s*)?(?:(?:거|것|꺼|걸|혜택|기준)\s*)?(?:으로|로|이요|요|입니다|이에요|예요|에요|이|가|를|을)?\s*(?:요)?"
    r"\s*(?:부탁(?:해요|드려요|드립니다|합니다))?[\s.!~]*")
#: An English answer naming the citizen ("me", "myself", "for me", "mine") or a member ("my mother", "mom", "for my
#: son", "her"); nothing else in the message.
_ANSWER_EN = re.compile(
    r"\s*(?:(?:um|ok|okay|well)[\s,]+)?(?:(?:for|just|only)\s+)?"
    rf"(?:(?P<self>me|myself|mine|i|me\s+myself)|(?P<pron>her|him|she|he)|(?:(?:my|our|the)\s+)?(?P<kin>{_KIN_EN})s?)"
    r"(?:\s+(?:please|thanks|thank\s+you))?[\s.!]*", re.IGNORECASE)


def typed_choice(text: str, choices: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The whose-benefits button (:func:`buttons`) a typed answer stands for, or None (s20: "어머니요", "엄마", "제
    거요", "저요", "me", "my mother" were read as ordinary messages; only a button's exact title was its button).

    ``choices`` are the buttons the bot's last turn showed; they are the question's when every payload is
    ``/check_eligibility{"beneficiary": …}``. The answer names the citizen (→ the ``self`` button) or a family word
    whose ``beneficiary`` value (:data:`~assistant.nlu.household.MEMBER_WHO`) is one button's and whose sex, if it says
    one, is not the other of that button's ("아빠" under 본인 / 어머니 chooses neither); "her" / "him" chooses the one
    member when there is one. Anything longer or else is left to the NLU.

    Example:
        >>> bs = buttons([Member("parent", "어머니", 80, "female")], "ko")
        >>> [typed_choice(t, bs)["title"] if typed_choice(t, bs) else None for t in ("어머니요", "엄마", "제 거요", "아빠", "어머니 연세가 80이에요")]
        ['어머니', '어머니', '본인', None, None]
    """
    by_who: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for b in choices:
        payload = str(b.get("payload") or "").strip()
        if not payload.startswith("/check_eligibility{"):
            return None
        try:
            entities = json.loads(payload[payload.index("{"):])
        except json.JSONDecodeError:
            return None
        if not isinstance(entities, dict) or not entities.get("beneficiary"):
            return None
        by_who.setdefault(str(entities["beneficiary"]), (b, entities))
    if "self" not in by_who or len(by_who) < 2:
        return None
    m = _ANSWER_KO.fullmatch(text or "") or _ANSWER_EN.fullmatch(text or "")
    if m is None:
        return None
    if m.group("self"):
        return by_who["self"][0]
    members = [who for who in by_who if who != "self"]
    if "pron" in m.re.groupindex and m.group("pron"):
        return by_who[members[0]][0] if len(members) == 1 else None
    word = m.group("kin")
    who = MEMBER_WHO.get(word.lower()) if word else None
    if who not in by_who:
        return None
    button, entities = by_who[who]
    said = kin_sex(word)
    return None if said is not None and entities.get("sex") not in (None, said) else button
