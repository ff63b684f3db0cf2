"""A request for the other language: "English please", "Can you tell me in English?", "영어로 알려 주세요",
"한국어로 해 주세요", "Korean please".

Before this module, "English please" after a Korean answer was read as ``repeat`` and got the same Korean answer
again, and "Can you tell me in English?" was ``out_of_scope`` (s32 fresh-user probe). Now:

* the turn is in the language asked for (:func:`~assistant.nlu.language.requested_language`, read by
  :func:`~assistant.dialogue.understood.turn_language`), so the ``language`` slot switches and every later reply
  follows;
* outside a form (a form asks its question again itself, now in the new language), :class:`LanguageSwitchPolicy`
  has the previous question answered from the documents again, written in the new language
  (``action_answer_from_knowledge`` with the question the previous documents answer or region question was for,
  its ``custom.query``, and :attr:`~assistant.dialogue.actions.TurnContext.answer_language`), or, when the
  previous reply was no documents answer, says that it speaks that language now (``utter_language_switched``).

Whether the documents answer is judged as the question was first asked (its language's gate); only the writing
changes: the English page of a service where the index has one, else English headings over the Korean quotes with
the note that says so.
"""

from __future__ import annotations

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.events import BotUttered, UserUttered
from assistant.dialogue.policies import Prediction, message_to_read
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.language import requested_language

#: the response when there is nothing to answer again ("English please" as a first message)
SWITCHED_RESPONSE = "utter_language_switched"
#: the replies whose question is answered again: a documents answer and the region question before one
REANSWERED = frozenset({"action_answer_from_knowledge", "utter_ask_programme_region"})


class LanguageSwitchPolicy:
    """A request for the other language outside a form → the previous question answered again, or
    ``utter_language_switched`` (module docstring)."""

    name = "LanguageSwitchPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge`` for the previous question (``context.query`` and
        ``context.answer_language`` set) or ``utter_language_switched`` right after such a message, else None."""
        text = message_to_read(tracker)
        if text is None or requested_language(text) is None:
            return None
        question = previous_question(tracker)
        if question is not None and context.knowledge is not None:
            context.query = question
            context.answer_language = context.language
            return Prediction("action_answer_from_knowledge", self.name)
        return Prediction(SWITCHED_RESPONSE, self.name)


def previous_question(tracker: DialogueStateTracker) -> str | None:
    """The question the previous turn's documents answer (or region question) was for (its ``custom.query``), or
    None when the previous reply was something else."""
    users = [i for i, e in enumerate(tracker.events) if isinstance(e, UserUttered)]
    if len(users) < 2:
        return None
    for e in reversed(tracker.events[users[-2] + 1 : users[-1]]):
        custom = (e.data.get("custom") or {}) if isinstance(e, BotUttered) else {}
        if custom.get("response") in REANSWERED and custom.get("query"):
            return str(custom["query"])
    return None
