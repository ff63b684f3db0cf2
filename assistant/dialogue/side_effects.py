"""Side-effect actions are confirmed before they run on an unsure intent, whichever policy chose them.

:class:`~assistant.dialogue.policies.PolicyEnsemble` replaces an action of :data:`SIDE_EFFECT_ACTIONS` chosen on a
latest message whose top intent is below ``settings.action_intent_threshold`` by ``action_confirm_side_effect``
(:class:`ActionConfirmSideEffect`), inside a form as outside one, for a rule, a story, a task route or a
``followup`` alike. The question names what was understood (the domain's ``utter_clarify_<intent>`` when it has
one) and offers two buttons: yes sends the intent again as a payload (``/<intent>{entities}``: confidence 1, so the
same policy chooses the action on a sure intent), no sends ``/deny`` (``/out_of_scope`` while a form is active: a
form maps ``deny`` to its yes/no slots, and the no must not answer the form's question). A no right after the
question runs ``action_side_effect_declined`` (:class:`ActionSideEffectDeclined`), after which an active form asks
its question again. An action of :data:`REQUESTED_EARLIER` that runs after another action of the turn while its slot
says the citizen asked for it earlier is not confirmed again. An operator's domain may define ``utter_confirm_side_effect`` (with ``{request}``) and
``utter_side_effect_declined`` to word them; the built-in Korean and English texts are used otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.events import BotUttered, Event
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.domain import Domain

#: Actions that change something outside the conversation, or offer to (an offer is what a yes then carries out), on
#: the citizen's request. (``action_reconcile_mydata_documents`` is not one: it follows a revocation already confirmed.)
SIDE_EFFECT_ACTIONS = frozenset({
    "action_prepare_application", "action_submit_application", "action_prepare_cancellation", "action_cancel_application",
    "action_offer_alerts", "action_subscribe_alerts", "action_offer_unsubscribe_alerts", "action_unsubscribe_alerts",
    "action_offer_mydata", "action_grant_mydata", "action_revoke_consent", "action_revoke_consent_confirmed",
})
#: Side-effect actions that are the yes to their own offer and read that yes themselves against the stricter
#: ``settings.consent_affirm_threshold``, asking once for a clear yes (``connectors/consent.py``): an unsure ``affirm``
#: is left to them (asking again here would loop on a second unsure yes instead of declining the offer).
CONFIRMS_ITS_OWN_YES = frozenset({
    "action_submit_application", "action_cancel_application", "action_subscribe_alerts", "action_unsubscribe_alerts",
    "action_grant_mydata", "action_revoke_consent_confirmed",
})
#: Side-effect actions whose request was kept in a slot when it was made (on a sure intent, or confirmed: the request
#: ran a guarded action or a rule on a sure intent) and that run later, after another action of the same turn: chosen
#: while that slot is true they carry out the earlier request, not the latest message (s47: alerts asked for before
#: the eligibility questions are offered with their results, after the last answer, which may be unsure: "45%").
REQUESTED_EARLIER: dict[str, str] = {"action_offer_alerts": "alerts_requested"}
CONFIRM_SIDE_EFFECT = "action_confirm_side_effect"
SIDE_EFFECT_DECLINED = "action_side_effect_declined"
#: A no to the question: ``deny``, or the no button's payload inside a form.
DECLINE_INTENTS = frozenset({"deny", "out_of_scope"})
#: Entities never put in a button's payload (personal data).
_PRIVATE_ENTITIES = frozenset({"rrn", "phone-number"})

_TEXTS = {
    "ko": {"ask": "확인하고 진행할게요. 이렇게 이해했어요: {request}. 진행할까요?", "yes": "네, 진행해 주세요", "no": "아니요",
           "request": "말씀하신 요청", "declined": "알겠어요. 진행하지 않을게요."},
    "en": {"ask": "Before I go ahead, let me check. I understood: {request}. Shall I go ahead?", "yes": "Yes, go ahead",
           "no": "No", "request": "what you asked for", "declined": "All right, I won't go ahead with it."},
}


def _texts(language: str) -> dict[str, str]:
    return _TEXTS["en" if language == "en" else "ko"]


class ActionConfirmSideEffect:
    """``action_confirm_side_effect``: "I understood <request>. Shall I go ahead?" with yes / no buttons (module docstring)."""

    name = CONFIRM_SIDE_EFFECT

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event with two buttons."""
        message = tracker.latest_message
        intent = message.intent_name if message is not None else None
        words = _texts(context.language)
        request = words["request"]
        if intent and context.has_response(f"utter_clarify_{intent}"):
            request = context.utter(tracker, f"utter_clarify_{intent}").text or request
        entities = {str(e["entity"]): e.get("value") for e in (message.entities if message is not None else [])
                    if isinstance(e, dict) and e.get("entity") and e["entity"] not in _PRIVATE_ENTITIES}
        yes = f"/{intent}{json.dumps(entities, ensure_ascii=False) if entities else ''}" if intent else "/affirm"
        no = "/out_of_scope" if tracker.active_loop is not None else "/deny"
        buttons = [{"title": words["yes"], "payload": yes}, {"title": words["no"], "payload": no}]
        custom: dict[str, Any] = {"response": "utter_confirm_side_effect", "language": context.language, "citations": [],
                                  "abstained": False}
        if context.has_response("utter_confirm_side_effect"):
            said = context.utter(tracker, "utter_confirm_side_effect", request=request)
            return [BotUttered(said.text, {**said.data, "buttons": buttons})]
        return [BotUttered(words["ask"].format(request=request), {"buttons": buttons, "custom": custom})]


class ActionSideEffectDeclined:
    """``action_side_effect_declined``: the no to :class:`ActionConfirmSideEffect`; nothing is done."""

    name = SIDE_EFFECT_DECLINED

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event."""
        if context.has_response("utter_side_effect_declined"):
            return [context.utter(tracker, "utter_side_effect_declined")]
        return [BotUttered(_texts(context.language)["declined"],
                           {"custom": {"response": "utter_side_effect_declined", "language": context.language,
                                       "citations": [], "abstained": False}})]
