"""A household term's meaning asked outside a form: "장애인 가정이 뭐예요?" gets the form's own definition (s17).

While the eligibility form asks its household question, "장애인 가정이 뭐예요?" is answered with ``utter_define_
household_disabled`` (cited to 장애인복지법 제2조, 제32조; :mod:`assistant.dialogue.definitions`). Outside the form the
same question went to the documents, which define no such term, and got a service that happens to name 장애인 가정.
:class:`TermDefinitionPolicy` catches a message that asks only what such a term means
(:func:`~assistant.dialogue.definitions.bare_term_question`: :data:`~assistant.dialogue.definitions.DEFINED_OUTSIDE_FORMS`)
right after the user spoke, with no form active, and :class:`ActionDefineTerm` says the same definition with the same
citation. A question about help for such households ("장애인 가정 지원이 뭐예요?") is no bare term question: it goes to
the documents as before.
"""

from __future__ import annotations

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.definitions import bare_term_question, definition_citation
from assistant.dialogue.events import ACTION_LISTEN_NAME, Event
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.domain import Domain

ACTION_NAME = "action_define_term"


def _term(tracker: DialogueStateTracker) -> str | None:
    message = tracker.latest_message
    text = ((message.text if message else None) or "").strip()
    return None if not text or text.startswith("/") else bare_term_question(text)


class TermDefinitionPolicy:
    """A bare meaning question about a household term, outside a form → :data:`ACTION_NAME` (module docstring)."""

    name = "TermDefinitionPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_define_term`` when no form is active, the user just spoke, and the domain has the definition."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None:
            return None
        slot = _term(tracker)
        if slot is None or not context.has_response(f"utter_define_{slot}"):
            return None
        return Prediction(ACTION_NAME, self.name, 1.0)


class ActionDefineTerm:
    """``action_define_term``: the domain's ``utter_define_<slot>`` for the term the latest message asks about, cited
    as the form cites it (:func:`~assistant.dialogue.definitions.definition_citation`)."""

    name = ACTION_NAME

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event (none when the message names no such term)."""
        slot = _term(tracker)
        if slot is None:
            return []
        return [context.utter(tracker, f"utter_define_{slot}",
                              custom={"citations": definition_citation(slot), "defined": slot, "abstained": False})]
