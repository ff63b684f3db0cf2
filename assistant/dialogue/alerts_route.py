"""Benefit alerts where no eligibility check can run: said at once, not offered as a check that leads nowhere.

``action_offer_alerts`` (connectors/alerts/actions.py) needs the facts the eligibility check keeps (age, region,
income); without them it offers the check (``utter_alerts_need_facts`` with a ``/check_eligibility`` button). Where
this assistant has no eligibility data (no ``settings.eligibility_url``, no catalogue imported: the README's main job
on the bundled corpus), that check can only say it cannot run (``utter_eligibility_no_catalogue``). s38 fresh-user
probe: "에너지바우처 알림 받고 싶어요" → the check's button → "한꺼번에 확인해 드릴 수 없어요" → 👍 → "기다리는 요청이
없어요": three turns to a dead end. :class:`AlertsWithoutCheckPolicy` answers such a request with
:data:`RESPONSE` (alerts need the check, which is not available here; what the citizen can do instead) in one turn.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.events import ACTION_LISTEN_NAME
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker

#: the intent of a request for benefit alerts
INTENT = "subscribe_alerts"
#: what is said instead of the offer of a check that cannot run
RESPONSE = "utter_alerts_no_check"


class AlertsWithoutCheckPolicy:
    """A request for alerts (``subscribe_alerts`` at ``settings.intent_threshold``), right after the user spoke and
    outside a form, while the conversation holds no eligibility facts and ``has_data()`` is False → :data:`RESPONSE`.
    Where facts are held, or eligibility data exists, the rules' ``action_offer_alerts`` runs as before.

    Args:
        has_data: whether eligibility data exists now (:class:`~assistant.dialogue.eligibility_route.EligibilityRoute`'s).
    """

    name = "AlertsWithoutCheckPolicy"

    def __init__(self, has_data: Callable[[], bool]) -> None:
        self.has_data = has_data

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """:data:`RESPONSE` when the conditions above hold, else None."""
        from connectors.eligibility.actions import facts_from_slots

        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None:
            return None
        intent, confidence = top_intent(tracker)
        if intent != INTENT or confidence < context.settings.intent_threshold or not context.has_response(RESPONSE):
            return None
        if facts_from_slots(tracker.slots) or self.has_data():
            return None
        return Prediction(RESPONSE, self.name, confidence)
