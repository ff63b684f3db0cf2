"""Whose benefits: an opening that says the citizen has a child, and names no one to receive, asks which (s18).

"아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?" can ask for the citizen's own benefits as a parent (부모급여, 아동수당 are
paid to the parent; a family with children gets housing and energy help) or for the child's (services coded by the
child's age). The ``beneficiary`` lookup finds "아이" and, before, the questionnaire started about the child on its
own. Now :class:`WhoseBenefitsPolicy` asks first, with two buttons: 본인 (``/check_eligibility{"beneficiary":
"self"}``) and 아이 (``/check_eligibility{"beneficiary": "child"}``); a button starts the questionnaire about that
person, as an opening naming them does ("제가 받을 수 있는 …", "우리 아이가 받을 수 있는 …").

When it asks (all of):

* right after the user spoke, no form active, the message typed (not a button), its intent ``check_eligibility``
  and the eligibility route would start the questionnaire for it (:class:`~assistant.dialogue.eligibility_route.
  EligibilityRoute`: a general question, not one about a kind of help, which the documents answer);
* the message states that the citizen has a child (:func:`~assistant.nlu.household.has_child_spans`: "아이가
  있는데", "자녀가 둘 있어요", "I have a 4 year old son", "We have two kids"); such a statement is a fact of the
  household, not a kind of help (:func:`~assistant.dialogue.eligibility_route.topic_terms` leaves it out);
* it names no one as whom the benefits are for: not the citizen ("제가", "저희가", "what can I get",
  :func:`~assistant.nlu.household.citizen_receives`), not the child by a pronoun ("what can he get"), and no family
  word outside the statement ("아이가 있는데 아이가 받을 수 있는 …" names the child twice: about the child).

Own code: a rule over the message's words and entities, as the other routes of the questionnaire are.

Example:
    >>> has_child_spans("아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?"), has_child_spans("I have two kids. What benefits are there?")
    ([(0, 5)], [(0, 15)])
    >>> has_child_spans("우리 아이가 받을 수 있는 혜택이 있나요?")
    []
"""

from __future__ import annotations

from typing import Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.events import ACTION_LISTEN_NAME, Event, SlotSet
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.household import citizen_receives, has_child_spans, member_receives

RESPONSE = "utter_ask_whose_benefits"
ACTION_NAME = "action_ask_whose_benefits"
INTENT = "check_eligibility"
def whose_unclear(text: str, entities: list[dict[str, Any]]) -> bool:
    """Whether ``text`` (with its NLU ``entities``) says the citizen has a child and names no one as whom the
    benefits are for (module docstring).

    Example:
        >>> whose_unclear("아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?", [{"entity": "beneficiary", "value": "child", "start": 0, "end": 2}])
        True
        >>> whose_unclear("아이가 있는데 제가 받을 수 있는 혜택이 뭐가 있나요?", [{"entity": "beneficiary", "value": "child", "start": 0, "end": 2}])
        False
    """
    spans = has_child_spans(text)
    if not spans or citizen_receives(text) or member_receives(text):
        return False
    for e in entities:
        start, end = e.get("start"), e.get("end")
        if e.get("entity") != "beneficiary" or not isinstance(start, int) or not isinstance(end, int):
            continue
        if not any(s <= start and end <= t for s, t in spans):
            return False  # a family word outside the statement: whom the question is about
    return True


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
    """``action_ask_whose_benefits``: :data:`RESPONSE` (the 본인 / 아이 buttons), and the ``beneficiary`` slot that the
    message's family word set (the slot's entity mapping outside a form) unset: nothing is decided before the choice
    (Public MyData, offered only for the citizen's own facts, reads that slot)."""

    name = ACTION_NAME

    def run(self, tracker: DialogueStateTracker, domain: Any, context: TurnContext) -> list[Event]:
        """The question, then ``beneficiary`` unset when it was set."""
        events: list[Event] = [context.utter(tracker, RESPONSE)]
        if tracker.get_slot("beneficiary") is not None:
            events.append(SlotSet("beneficiary", None))
        return events
