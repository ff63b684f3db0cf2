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
from assistant.dialogue.events import ACTION_LISTEN_NAME, Event, SlotSet
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.household import citizen_receives, has_child_spans, member_receives, member_statements  # noqa: F401 (has_child_spans: re-exported, s18)

RESPONSE = "utter_ask_whose_benefits"
ACTION_NAME = "action_ask_whose_benefits"
INTENT = "check_eligibility"
#: The honorific of receiving ("받으실 수 있는", "받으시는"): said of an elder the citizen speaks of, never of oneself.
_HONOURED_RECEIVES = re.compile(r"받으(?:실|시)")
#: What may stand between an age and the family word it describes ("4살 아이", "4살짜리 아이", "80세 된 어머니").
_AGE_BEFORE = re.compile(r"\s*(?:짜리|배기|된|먹은)?\s*")
#: English names of the members (button titles and the question), by ``beneficiary`` value, when the word said is Korean.
_EN_WHO = {"child": "child", "parent": "parent", "grandparent": "grandparent", "spouse": "spouse"}


@dataclasses.dataclass(frozen=True)
class Member:
    """A household member an unclear opening states (:func:`unclear_members`).

    Attributes:
        who: the ``beneficiary`` value (``child``, ``parent``, ``grandparent``, ``spouse``).
        word: the family word as written ("아이", "어머니", "mother", "kids").
        age: the age in whole years the opening gave the member, else None.
    """

    who: str
    word: str
    age: int | None = None


def unclear_members(text: str, entities: list[dict[str, Any]]) -> list[Member]:
    """The members ``text`` (with its NLU ``entities``) says the citizen has, one per ``beneficiary`` value in the order
    said, when it names no one as whom the benefits are for (module docstring); ``[]`` otherwise.

    Example:
        >>> unclear_members("4살 아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", [{"entity": "age", "value": 4, "start": 0, "end": 2},
        ...                                                   {"entity": "beneficiary", "value": "child", "start": 3, "end": 5}])
        [Member(who='child', word='아이', age=4)]
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
    out: dict[str, Member] = {}
    for i, (_s, _t, who, word) in enumerate(statements):
        if who not in out:
            out[who] = Member(who, word, ages.get(i))
        elif out[who].age is None and i in ages:
            out[who] = dataclasses.replace(out[who], age=ages[i])
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


def buttons(members: list[Member], lang: str) -> list[dict[str, str]]:
    """본인 / Me, then one button per member (아이 / My child, 어머니 / My mother …); a member's payload carries the age the
    opening gave them (``/check_eligibility{"beneficiary": "child", "age": 4}``).

    Example:
        >>> [b["payload"] for b in buttons([Member("child", "아이", 4)], "ko")]
        ['/check_eligibility{"beneficiary": "self"}', '/check_eligibility{"beneficiary": "child", "age": 4}']
    """
    out = [{"title": "Me" if lang == "en" else "본인", "payload": '/check_eligibility{"beneficiary": "self"}'}]
    for m in members:
        entities: dict[str, Any] = {"beneficiary": m.who} | ({"age": m.age} if m.age is not None else {})
        out.append({"title": f"My {_en_title(m)}" if lang == "en" else _ko_title(m),
                    "payload": "/check_eligibility" + json.dumps(entities, ensure_ascii=False)})
    return out


class WhoseBenefitsPolicy:
    """An opening about benefits that says the citizen has a child and names no one to receive → the question
    :data:`RESPONSE` with the 본인 / 아이 buttons (module docstring).

    Args:
        route: whether the eligibility questionnaire would start for the message (the ``check_eligibility`` task
            route, :class:`~assistant.dialogue.eligibility_route.EligibilityRoute`).
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
        if top_intent(tracker)[0] != INTENT or not whose_unclear(text, list(tracker.latest_entities)):
            return None
        if not self.route(tracker, context):
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
        """The question, then ``beneficiary`` (and the member's ``age``) unset when set."""
        message = tracker.latest_message
        members = unclear_members((message.text if message else None) or "", list(tracker.latest_entities))
        members = members or [Member("child", "아이")]  # predicted by a rule or a story without the statement: as s18
        values: dict[str, Any] = dict(question_values(members))
        asked = context.utter(tracker, RESPONSE, None, **values)
        lang = "en" if context.language == "en" else "ko"
        events: list[Event] = [dataclasses.replace(asked, data={**asked.data, "buttons": buttons(members, lang)})]
        if tracker.get_slot("beneficiary") is not None:
            events.append(SlotSet("beneficiary", None))
        if tracker.get_slot("age") is not None and tracker.get_slot("age") in {m.age for m in members}:
            events.append(SlotSet("age", None))
        return events
