"""A request to be phoned or texted back: "연락처는 010-1234-5678 연락주세요", "전화 주세요", "Please call me back".

The assistant cannot phone or text anyone, and a human agent answers in the chat (the handoff), not by telephone.
Before this module, "연락처는 010-… 연락주세요" (``inform`` 0.98) was answered "알겠어요. 어떤 점을 도와드릴까요?" as if
the number had been taken down, and "전화 주세요" (``human_handoff``) "상담원에게 연결해 드릴게요", which a citizen
reads as a promise of a call (s32 fresh-user probe). :class:`CallbackPolicy` answers both with
:data:`NO_CALLBACK_RESPONSE`: nobody will call, the number is not needed (and is stored masked, like every phone
number, :mod:`assistant.stores.masking`), the Government Call Center (110) is where to phone, and a button starts the
chat handoff.

It acts outside a form, right after the citizen spoke, when the message asks to be called or texted
(:func:`asks_for_callback`), or types nothing but the citizen's own phone number as its news ("제 번호는
010-1234-5678이에요", read as ``inform``), and the intent is one that carries no request of its own
(:data:`CALLBACK_INTENTS`): "혜택 새로 생기면 연락 주세요" is ``subscribe_alerts``, whose alerts reach the citizen on
their channel, and a question beside a number ("전화는 010-…이에요. 주거급여 받을 수 있나요?") is answered as asked.
A callback request beside a service's name ("에너지바우처 문의하려고요. 전화로 연락주세요 010-…", s33 probe: only the
no-callback reply came, the question was ignored) is answered from the documents first, and the no-callback reply
follows the answer in the same turn. A number given beside a service's name is no news of a number: "010-… 홍길동인데
자활근로 하고 싶어요" (s45 probe: only the no-callback reply came) is answered as asked, like a question beside one.
"""

from __future__ import annotations

import re

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.events import BotUttered, UserUttered
from assistant.dialogue.policies import Prediction, message_to_read
from assistant.dialogue.tracker import DialogueStateTracker

#: the response that says the assistant cannot call back (domain.yml; a button sends ``/human_handoff``)
NO_CALLBACK_RESPONSE = "utter_no_callback"
#: the answer from the documents, after which a callback request beside the question is answered
ANSWER_ACTION = "action_answer_from_knowledge"
#: intents a callback request is read as without asking anything else: the handoff (which would promise a person in
#: the chat, not a call), the statement of a fact (a number), and what the classifier makes of a request it has no
#: intent for
CALLBACK_INTENTS = frozenset({"human_handoff", "inform", "out_of_scope", "chitchat", "nlu_fallback"})
#: 전화/연락/문자 + a request to the listener ("연락주세요", "전화해 주실 수 있나요", "문자 부탁드려요", "콜백 바랍니다")
_CALLBACK_KO = re.compile(
    r"(?:전화|연락|문자|카톡|콜백)\s*(?:좀\s*)?(?:을|를)?\s*(?:해\s*|다시\s*|좀\s*)*"
    r"(?:주세요|주십시오|줘|주실|주시|주라|주면|주셨으면|바랍니다|부탁|드려|달라|받고\s*싶)")
#: "call me (back)", "phone me", "text me", "give me a call", "callback", "I want a phone call"
_CALLBACK_EN = re.compile(
    r"\b(?:call|phone|ring|text|contact)\s+me\b|\bcall\s*back\b|\b(?:give\s+me|want|get|like)\s+a\s+(?:phone\s+)?call\b",
    re.IGNORECASE)
#: a message that is only the number with a few words about it ("제 번호는 …이에요", "my number is …")
_NUMBER_NEWS = re.compile(r"^[\s\w가-힣.,:()'-]{0,40}$")


def asks_for_callback(text: str) -> bool:
    """Whether ``text`` asks to be phoned, texted or contacted back, in Korean or English.

    >>> asks_for_callback("연락처는 010-1234-5678 연락주세요"), asks_for_callback("Please call me back")
    (True, True)
    >>> asks_for_callback("110으로 전화하면 되나요?"), asks_for_callback("상담 전화번호 알려주세요")
    (False, False)
    """
    return bool(_CALLBACK_KO.search(text) or _CALLBACK_EN.search(text))


def gives_own_number(text: str) -> bool:
    """Whether ``text`` types a personal phone number (:func:`assistant.nlu.pii.find_phone_numbers`, ``personal``)
    with only a few words beside it: news of a number, not a question that happens to hold one."""
    from assistant.nlu.pii import find_phone_numbers

    found = [m for m in find_phone_numbers(text) if m.personal]
    if not found:
        return False
    rest = text
    for m in sorted(found, key=lambda m: -m.start):
        rest = rest[: m.start] + rest[m.end :]
    return "?" not in rest and bool(_NUMBER_NEWS.match(rest))


class CallbackPolicy:
    """A request to be called back, or a phone number given as news, outside a form → :data:`NO_CALLBACK_RESPONSE`
    (module docstring)."""

    name = "CallbackPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``utter_no_callback`` when the latest message asks to be called back or only gives a number, or after the
        answer to a question asked beside a callback request; else None."""
        if tracker.latest_action_name == ANSWER_ACTION:
            return self._after_answer(tracker, context)
        text = message_to_read(tracker)
        if text is None or not context.has_response(NO_CALLBACK_RESPONSE):
            return None
        intent, conf = top_intent(tracker)
        if intent not in CALLBACK_INTENTS and conf >= context.settings.intent_threshold:
            return None
        if gives_own_number(text) and not names_service(text, context):
            return Prediction(NO_CALLBACK_RESPONSE, self.name, conf)
        if asks_for_callback(text) and not names_service(text, context):
            return Prediction(NO_CALLBACK_RESPONSE, self.name, conf)
        return None

    def _after_answer(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``utter_no_callback`` after ``action_answer_from_knowledge`` answered a message that also asked to be
        called back ("에너지바우처 문의하려고요. 전화로 연락주세요 010-…": the question is answered, then the citizen is
        told nobody will call), once per message."""
        message = tracker.latest_message
        text = (message.text if message else None) or ""
        if text.startswith("/") or not asks_for_callback(text) or not context.has_response(NO_CALLBACK_RESPONSE):
            return None
        for e in reversed(tracker.applied_events()):
            if isinstance(e, UserUttered):
                break
            if isinstance(e, BotUttered) and (e.data.get("custom") or {}).get("response") == NO_CALLBACK_RESPONSE:
                return None
        return Prediction(NO_CALLBACK_RESPONSE, self.name)


def names_service(text: str, context: TurnContext) -> bool:
    """Whether ``text`` names a service of the documents (``context.services``): a question beside the callback
    request, answered first (s33 probe: "에너지바우처 문의하려고요. 전화로 연락주세요 010-…" got only the reply that
    nobody calls)."""
    return context.services is not None and bool(context.services.find(text))
