"""A plea for help: "도와주세요", "급해요 도와주세요", "도움이 필요해요", "I need help".

s49/s50 probes, on the bundled corpus and on the catalogue: "도와주세요" and "급해요 도와주세요" got the out-of-scope
reply (the classifier reads the plea as ``out_of_scope``), "도움이 필요해요" got "도움이 되었다니 다행이에요" (read as
``thank`` by its word 도움), "I need help" "Sorry, I can't answer that here", and "전세 사기 당했어요 도와주세요" the
out-of-scope reply (bundled) or "어떤 점을 도와드릴까요?" (catalogue: the need restated as a question that no page
answers). A citizen who asks for help is asked what it is about, with the person one can talk to, and one who says
what it is about is answered from the documents (or told they lack it, with the offer of a person).

:class:`PleaPolicy`, right after the user spoke, outside a form, on a typed message with a plea (:func:`plea_spans`)
and no request for a person (:data:`~assistant.dialogue.fact_question.ASKS_FOR_PERSON`: "상담원 연결 도와주세요" is
the handoff), when no rule waits for something else:

* nothing but the plea (:func:`~assistant.dialogue.eligibility_route.topic_terms` of the message less its plea
  words is empty: "급해요", "제발", "저 좀", "please" name no help), whatever it is read as but a control or a task on
  what is there (:data:`KEEPS_ROUTE`) → :data:`ASK_WHAT_HELP_RESPONSE`, with the button that reaches a person;
* a plea with what it is about ("전세 사기 당했어요 도와주세요", "can you help me with my rent") read as an intent whose
  reply answers nothing (:data:`NON_ANSWER_INTENTS`, or out of scope by :func:`~assistant.dialogue.oos.rejected`) →
  ``action_answer_from_knowledge`` on the message as said (a request, not restated), and an abstention then says
  the documents lack it (``utter_no_answer``, which offers a person), not out of scope.

A plea with what it is about read as a knowledge question, an application or the eligibility check ("에너지바우처
신청 도와주세요", ``apply_service``) keeps the NLU's route; the crisis lines and the hardship and sadness replies come first
(:mod:`assistant.dialogue.crisis`, :mod:`assistant.dialogue.bot_challenge`).

Bot challenge's reason applies here (its module docstring): a new intent reshuffles the out-of-scope threshold's
folds, so the plea is read by these patterns (own code: no library reads a Korean plea).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.policies import Prediction, message_to_read
from assistant.dialogue.tracker import DialogueStateTracker

if TYPE_CHECKING:
    from assistant.nlu.tokenizer import Tokenizer

#: the reply to a plea that says nothing of what it is about
ASK_WHAT_HELP_RESPONSE = "utter_ask_what_help"
#: what a plea that says what it is about is answered with
ANSWER_ACTION = "action_answer_from_knowledge"
#: intents whose reply to a plea would answer nothing: the refusal, the thanks ("도움이 필요해요" read as thank), small
#: talk, a greeting or goodbye, a bare yes/no/fact's offer of help, and the handoff when no person is asked for
NON_ANSWER_INTENTS = frozenset({"out_of_scope", "thank", "chitchat", "greet", "goodbye", "affirm", "deny", "inform",
                                "skip", "dont_know", "human_handoff"})
#: intents a plea alone keeps the route of: the conversation's controls and the tasks on what is already there (a plea
#: alone read as a knowledge question, the eligibility check or an application names nothing to answer, check or
#: apply for: "Can you help me?" got "I couldn't find this in the documents", "저 좀 도와주실 수 있나요" the eligibility
#: questionnaire)
KEEPS_ROUTE = frozenset({"cancel", "repeat", "use_mydata", "list_consents", "revoke_consent", "check_application_status",
                         "cancel_application", "subscribe_alerts", "unsubscribe_alerts", "end_handoff"})
#: what the rules may answer such an intent with and still leave the plea to this policy
_NON_ANSWER_ACTIONS = frozenset({"utter_out_of_scope", "utter_thank", "utter_chitchat", "utter_greet", "utter_goodbye",
                                 "utter_how_can_i_help", "action_handoff"})

_PLEA_KO = re.compile(
    # 도와주세요 / 도와 주십시오 / 도와줘(요) / 도와주실 수 (있나요) / 도와주시겠어요 / 도와줄래 / 도와 달라고; never
    # 도와주셔서 / 도와줘서 (thanks), 도와드릴 (the assistant's own words) or 안 도와줘요 ("nobody helps": a feeling,
    # bot_challenge's sadness)
    r"(?<!안\s)(?<!안)(?<!못\s)(?<!못)"
    r"도와\s*(?:주세요|주십시오|주십쇼|주셔요|줘요|줘(?!서)|주실\s*수|주시겠|주실래|주시면|줄\s*수|줄래|주라|주면|달라|다오)"
    # 도움이 필요해요 / 도움 좀 부탁드려요 / 도움을 요청합니다 / 도움 청해요
    r"|도움(?:이|을|이\s*좀|을\s*좀|\s*좀)?\s*(?:꼭\s*|정말\s*|너무\s*)?(?:필요|부탁|요청|청하|청해)"
)
_PLEA_EN = re.compile(
    r"\bhelp\s+me\b|\b(?:i|we)\s+(?:really\s+)?need\s+(?:some\s+|your\s+)?help\b|\bplease\s+help\b"
    r"|\b(?:can|could|would|will)\s+(?:you|someone|somebody|anyone|anybody)\s+(?:please\s+)?help\b"
    r"|^\s*help\s*[!.?]*\s*$|\bhelp\s+please\b|\bi\s+want\s+help\b",
    re.I,
)


def plea_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` character offsets of the plea words in ``text`` (Korean and English patterns above);
    empty when it has none.

    >>> plea_spans("급해요 도와주세요"), plea_spans("도와주셔서 감사합니다"), plea_spans("I need help with rent")
    ([(4, 9)], [], [(0, 11)])
    """
    text = text or ""
    return sorted(m.span() for pattern in (_PLEA_KO, _PLEA_EN) for m in pattern.finditer(text))


def without_plea(text: str) -> str:
    """``text`` with its plea words (:func:`plea_spans`) left out, each replaced by a space.

    >>> without_plea("전세 사기 당했어요 도와주세요")
    '전세 사기 당했어요  '
    """
    out, last = [], 0
    for start, end in plea_spans(text):
        out += [text[last:start], " "]
        last = end
    return "".join([*out, text[last:]])


def only_plea(text: str, tokenizer: Tokenizer) -> bool:
    """Whether ``text`` has a plea and, less it, names no help (:func:`~assistant.dialogue.eligibility_route.
    topic_terms` empty): "급해요 도와주세요", "I need help"; False for "전세 사기 당했어요 도와주세요" and for a message
    without a plea. ``tokenizer``: the composer's."""
    from assistant.dialogue.eligibility_route import topic_terms

    return bool(plea_spans(text)) and not topic_terms(without_plea(text), [], tokenizer)


class PleaPolicy:
    """A plea for help outside a form → :data:`ASK_WHAT_HELP_RESPONSE` or ``action_answer_from_knowledge`` (module
    docstring).

    Args:
        rules: the ensemble's rule policy; when given, a rule that answers the turn with something other than a
            non-answer (the MyData offer asked once more, …) keeps it.
    """

    name = "PleaPolicy"

    def __init__(self, rules: object | None = None) -> None:
        self.rules = rules

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """The reply's action right after such a message, else None."""
        from assistant.dialogue import oos
        from assistant.dialogue.fact_question import ASKS_FOR_PERSON

        text = message_to_read(tracker)
        if text is None or not plea_spans(text) or ASKS_FOR_PERSON.search(text):
            return None
        intent, confidence = top_intent(tracker)
        tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
        find = getattr(context.services, "find", None)
        about = (tokenizer is not None and not only_plea(text, tokenizer)) or (find is not None and bool(find(text)))
        if intent in KEEPS_ROUTE or (about and intent not in NON_ANSWER_INTENTS and not oos.rejected(tracker, context.settings)):
            return None
        predict = getattr(self.rules, "predict", None)
        if predict is not None:
            ruled = predict(tracker, context)
            if ruled is not None and ruled.action not in _NON_ANSWER_ACTIONS:
                return None
        if about and context.knowledge is not None:
            context.fact_question = True  # an abstention says the documents lack it (utter_no_answer), not out of scope
            return Prediction(ANSWER_ACTION, self.name, confidence)
        if about or not context.has_response(ASK_WHAT_HELP_RESPONSE):
            return None
        return Prediction(ASK_WHAT_HELP_RESPONSE, self.name)
