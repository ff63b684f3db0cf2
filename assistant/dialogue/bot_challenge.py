"""Whether the assistant is a person: "너 사람이야?", "Are you a human?", "Is this a bot?" → ``utter_iamabot``.

A government assistant says plainly that it is a program. Before this module, "Are you a human?" was read as
``human_handoff`` (its word "human") and handed the conversation to an agent, and "너 사람이야?" was refused as out of
scope (s32/s33 fresh-user probes).

Rasa projects answer this with a ``bot_challenge`` intent. Adding that intent to the bundled training data moved the
classifier's out-of-scope threshold (fitted on 90 out-of-fold out_of_scope examples, reshuffled by any new example)
from 0.72 to between 0.52 and 0.61, and in-scope document requests ("인감증명서 떼고 싶어요") were then refused, so
until the threshold is fitted on stable folds the question is read by the patterns below: short messages that are
nothing but the question, in Korean or English, whatever the intent. A domain without ``utter_iamabot`` (a peer
project) keeps its own routes.
"""

from __future__ import annotations

import re

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.events import ACTION_LISTEN_NAME
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.language import short_request_key

#: the response that says the assistant is a program (domain.yml; a button offers a person)
IAMABOT_RESPONSE = "utter_iamabot"
_WHAT = r"(?:real\s+)?(?:human(?:\s+being)?|person|bot|robot|machine|ai|a\.i\.|computer|chat\s*bot|program|real)"
_ENGLISH = re.compile(
    rf"(?:hey|so|wait|hello|hi|excuse me|sorry)?\s*(?:are|r)\s+(?:you|u)\s+(?:an?\s+)?{_WHAT}"
    rf"|am\s+i\s+(?:talking|chatting|speaking)\s+(?:to|with)\s+(?:an?\s+)?{_WHAT}"
    rf"|is\s+(?:this|that|it)\s+(?:an?\s+)?(?:{_WHAT}|automated)"
    r"|who\s+are\s+you|what\s+are\s+you")
_KOREAN = re.compile(
    r"(?:너|넌|너는|당신|당신은|그쪽|거기|지금|혹시|이거|여기)?\s*(?:혹시\s*)?(?:진짜\s*|실제\s*)?"
    r"(?:사람|로봇|챗봇|인공지능|ai|기계|봇|상담원|자동\s*응답)\s*"
    r"(?:이야|이에요|예요|이세요|세요|인가요|이니|이지|야|냐|이냐|이죠|맞아요|맞나요|맞죠|이신가요|인가)"
    r"|(?:너|넌|너는|당신|당신은)\s*누구(?:야|예요|에요|세요|니|냐|신가요)")


def asks_if_bot(text: str) -> bool:
    """Whether ``text`` is nothing but the question whether the assistant is a person or a program.

    >>> asks_if_bot("너 사람이야?"), asks_if_bot("Are you a human?"), asks_if_bot("혹시 챗봇인가요")
    (True, True, True)
    >>> asks_if_bot("사람이랑 얘기하고 싶어요"), asks_if_bot("Can I talk to a human?"), asks_if_bot("사람 불러주세요")
    (False, False, False)
    """
    t = short_request_key(text)
    if not t or len(t) > 50:
        return False
    return bool(_ENGLISH.fullmatch(t) or _KOREAN.fullmatch(t))


class BotChallengePolicy:
    """The question whether the assistant is a person, outside a form → ``utter_iamabot`` (module docstring)."""

    name = "BotChallengePolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``utter_iamabot`` right after such a message, else None."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None:
            return None
        text = tracker.latest_message.text if tracker.latest_message else None
        if not text or not asks_if_bot(text) or not context.has_response(IAMABOT_RESPONSE):
            return None
        return Prediction(IAMABOT_RESPONSE, self.name)
