"""Pending confirmations ("이대로 신청을 접수할까요?"): questions in between, and a yes or a stop with none pending.

A *confirming action* is one the project's rules follow with the user's ``affirm`` (``action_prepare_application``
→ ``affirm`` → ``action_submit_application``; the MyData offer; stopping alerts …): after it a yes or a no is
expected. :class:`ConfirmationPolicy` (before the rule policy) handles what the rules do not:

* a question instead of the answer (``ask_service_info`` / ``check_eligibility`` at ``settings.intent_threshold``)
  is answered from the documents, then :class:`ActionConfirmAgain` asks for the confirmation again, as a form
  re-asks its slot after a digression. The digression is transparent to the rules
  (:func:`assistant.dialogue.rules.conversation_tokens` drops the user turn that ``action_confirm_again``
  closes), so a "네" afterwards still confirms. A rule written for a question after that action (the MyData
  offer's) wins over this.
* a message pushed in between (:data:`PUSHED_INTENTS`: a benefit alert, ``alerts_new``) runs its own rule
  (``action_deliver_alerts``) and then :class:`ActionConfirmAgain` asks the pending question again, as the
  forms do (the rule "Tell new benefit alerts pushed while the eligibility form asks"), so the citizen's "네"
  always answers the question they saw last, never the alert. Delivered rather than held: the alert reaches the
  citizen at once (a held push would wait for an answer that may never come, and the alert back end's retries
  would count it as failed), and the question keeps its place because it is asked again after it.
* ``cancel`` right after a confirming action says what it stopped (``utter_cancelled``: nothing was submitted);
  ``affirm`` / ``deny`` / ``cancel`` with nothing pending get ``utter_nothing_to_confirm`` /
  ``utter_nothing_in_progress`` (when the domain has them), so a stray "네" never sounds as if something was done;
  so does a yes right after something was done on a yes (a submission) that asked nothing again.

A bare stop ("취소", "cancel", "그만") is read by what is waiting for it (a rule written for it always wins, e.g.
"취소" at the consent withdrawal question keeps the consent):

* a yes/no question whose own verb the stop word repeats ("…신청을 취소할까요?" ← "취소", "Shall I cancel …?" ←
  "cancel"): unclear, it may be a yes or a stop and the yes cannot be undone, so ``utter_unclear_stop`` says so and
  the question is asked again with its buttons (:data:`CONFIRM_AGAIN`); the same word again right after is a no
  (the rules' ``deny`` action: "신청은 취소하지 않았어요");
* any other yes/no question ("이대로 신청을 접수할까요?", or "그만" at the cancel question): a stop,
  ``utter_cancelled`` (nothing was submitted); but when this conversation made an application (slot
  :data:`RECEIPT_SLOT`), the rules' ``deny`` action, which says what was not done ("nothing was submitted" would be
  false);
* the programme-region question: the question is dropped (:mod:`assistant.dialogue.regional`);
* nothing pending, an application made in this conversation: that application, by the action the rules run on
  :data:`CANCEL_TASK_INTENT`, which names it and asks yes/no first;
* nothing pending, nothing made: ``utter_nothing_in_progress``.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.events import ACTION_LISTEN_NAME, ActionExecuted, BotUttered, Event, UserUttered
from assistant.dialogue.policies import Prediction
from assistant.dialogue.rules import CONFIRM_AGAIN, conversation_tokens, match_rules
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.domain import Domain
from assistant.nlu.stories import ActionStep, IntentStep, OrStep, Rule

#: Questions answered in between (the rest of the domain's intents keep their rules).
QUESTION_INTENTS = frozenset({"ask_service_info", "check_eligibility"})
#: Intents the assistant's own back ends push into a conversation (``trigger_intent``), never the citizen's answer:
#: their rule runs, then the pending question is asked again.
PUSHED_INTENTS = frozenset({"alerts_new"})
#: Replies to a yes / no / stop when no confirmation is pending (used only when the domain defines them).
NOTHING_PENDING = {"affirm": "utter_nothing_to_confirm", "deny": "utter_nothing_to_confirm", "cancel": "utter_nothing_in_progress"}
#: Said before the question is asked again when a stop word repeats the question's own verb (see the table above),
#: or when the answer to it is unsure (:data:`UNSURE_INTENTS`).
UNCLEAR_STOP = "utter_unclear_stop"
#: Answers to a yes/no question that are neither: asked again, nothing done
UNSURE_INTENTS = frozenset({"dont_know"})
#: The slot that holds the receipt of an application made in this conversation (the task connector's), and the
#: intent whose rule cancels one: a bare stop with nothing pending then means that application.
RECEIPT_SLOT = "last_receipt"
CANCEL_TASK_INTENT = "cancel_application"
#: Endings of a bare Korean stop word ("취소요", "취소해 주세요", "그만할게요") and English filler around one
#: ("cancel it please").
_KO_ENDINGS = re.compile(r"(?:해\s*주세요|해\s*줘요|해\s*줘|해\s*주십시오|할게요|할래요|합니다|하세요|해요|할게|해|요)$")
_EN_FILLERS = frozenset({"please", "it", "that", "this", "the", "one", "just", "ok", "okay", "yes", "then"})


def echoed_stop_word(message: str, question: str) -> str | None:
    """The stop word of ``message`` when the message is that word alone (with a polite ending or filler) and
    ``question`` uses it: "취소" (or "취소해 주세요") at "…신청을 취소할까요?", "cancel" at "Shall I cancel application
    …?"; else None ("취소" at "이대로 신청을 접수할까요?", "stop asking me" anywhere).

    >>> echoed_stop_word("취소", "접수번호 A-1 신청을 취소할까요?"), echoed_stop_word("취소", "이대로 접수할까요?")
    ('취소', None)
    >>> echoed_stop_word("Cancel it, please.", "Shall I cancel application A-1?")
    'cancel'
    """
    text = re.sub(r"[\s.!?~,…]+", " ", message).strip()
    if re.search(r"[가-힣]", text):
        stem = _KO_ENDINGS.sub("", text.replace(" ", ""))
        if len(stem) >= 2 and re.fullmatch(r"[가-힣]+", stem) and stem in question.replace(" ", ""):
            return stem
        return None
    words = [w for w in text.lower().split() if w not in _EN_FILLERS]
    if len(words) == 1 and re.fullmatch(r"[a-z]{3,}", words[0]) and words[0] in re.findall(r"[a-z]+", question.lower()):
        return words[0]
    return None


def _action_after(rules: list[Rule], asking: str, intent: str) -> str | None:
    """The action some rule runs on ``intent`` right after ``asking`` (``deny`` → ``action_task_declined``, ``affirm``
    → ``action_submit_application`` after ``action_prepare_application``), or None."""
    for rule in rules:
        steps = [x for x in rule.steps if isinstance(x, ActionStep | IntentStep | OrStep)]
        for a, b, c in zip(steps, steps[1:], steps[2:], strict=False):
            if isinstance(a, ActionStep) and a.action == asking and intent in _intents(b) and isinstance(c, ActionStep) \
                    and c.action:
                return c.action
    return None


#: the request to apply, and the action that prepares one (its checklist asks "이대로 신청을 접수할까요?")
APPLY_INTENT, PREPARE_ACTION = "apply_service", "action_prepare_application"


def _intent_action(rules: list[Rule], intent: str) -> str | None:
    """The action a two-step rule runs on ``intent`` (``cancel_application`` → ``action_prepare_cancellation``)."""
    for rule in rules:
        steps = [x for x in rule.steps if isinstance(x, ActionStep | IntentStep | OrStep)]
        if len(steps) == 2 and not rule.condition and intent in _intents(steps[0]) \
                and isinstance(steps[1], ActionStep) and steps[1].action:
            return steps[1].action
    return None


#: A message that offers a person in its words ("원하시면 상담원에게 연결해 드릴게요", "If you like, I can connect you to
#: a person"): a yes to it takes the offer.
_OFFERS_PERSON = re.compile(r"상담원에게\s*(?:도\s*)?연결해\s*드릴게요|상담원\s*연결을\s*도와\s*드릴\s*수\s*있어요"
                            r"|connect\s+you\s+to\s+a\s+person", re.I)


def offered_a_person(tracker: DialogueStateTracker) -> bool:
    """Whether the assistant's message just before the latest user message ended by offering a person in the chat
    (:data:`_OFFERS_PERSON` in its last sentence; "I don't know" replies do: ``utter_no_answer``,
    ``utter_service_not_in_documents``)."""
    said = previous_bot(tracker)
    text = (said.text or "") if said is not None else ""
    last = re.split(r"(?<=[.!?。])\s+|\n", text.strip())[-1] if text.strip() else ""
    return bool(_OFFERS_PERSON.search(last))


def previous_bot(tracker: DialogueStateTracker) -> BotUttered | None:
    """The assistant's last message before the latest user message."""
    seen_user = False
    for e in reversed(tracker.applied_events()):
        if isinstance(e, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif seen_user and isinstance(e, BotUttered):
            return e
    return None


def _intents(step: object) -> set[str]:
    if isinstance(step, IntentStep):
        return {step.intent} if step.intent else set()
    if isinstance(step, OrStep):
        return {x.intent for x in step.alternatives if isinstance(x, IntentStep) and x.intent}
    return set()


def _yes_actions(rules: list[Rule]) -> tuple[set[str], set[str]]:
    """(actions some rule follows with an ``affirm``, actions some rule runs on an ``affirm``)."""
    asks: set[str] = set()
    done: set[str] = set()
    for rule in rules:
        steps = [s for s in rule.steps if isinstance(s, ActionStep | IntentStep | OrStep)]
        for a, b in zip(steps, steps[1:], strict=False):
            if isinstance(a, ActionStep) and a.action and "affirm" in _intents(b):
                asks.add(a.action)
            if isinstance(b, ActionStep) and b.action and "affirm" in _intents(a):
                done.add(b.action)
    return asks, done


def confirming_actions(rules: list[Rule]) -> frozenset[str]:
    """Actions that some rule follows with an ``affirm`` user turn (directly, or in an ``or``), less those that
    some rule runs *on* an ``affirm`` (``action_submit_application`` is followed by a yes only to retry a failure:
    after it succeeded nothing is pending)."""
    asks, done = _yes_actions(rules)
    return frozenset(asks - done)


def confirmed_actions(rules: list[Rule]) -> frozenset[str]:
    """Actions some rule runs on an ``affirm`` (``action_submit_application``, ``action_cancel_application`` …)."""
    return frozenset(_yes_actions(rules)[1])


def asked_message(events: list[Event], index: int) -> BotUttered | None:
    """The last message of the action executed at ``events[index]`` when it asks for a yes or no (buttons with
    ``/affirm``, or text ending in "?"), else None (e.g. a back end failure said instead: nothing is pending)."""
    said: BotUttered | None = None
    for e in events[index + 1:]:
        if isinstance(e, ActionExecuted) and e.action_name != ACTION_LISTEN_NAME:
            break
        if isinstance(e, BotUttered):
            said = e
    if said is None:
        return None
    buttons = said.data.get("buttons") or []
    if any(isinstance(b, dict) and str(b.get("payload", "")).startswith("/affirm") for b in buttons):
        return said
    return said if (said.text or "").rstrip().endswith("?") else None


class ConfirmationPolicy:
    """See the module docstring.

    Args:
        rules: the project's rules (the confirming actions are read from them, and they take precedence).
    """

    name = "ConfirmationPolicy"

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.confirming = confirming_actions(rules)
        self.confirmed = confirmed_actions(rules)

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """The next action, or None to let the rule policy and the others decide."""
        if tracker.active_loop is not None:
            return None
        threshold = context.settings.intent_threshold
        toks = conversation_tokens(tracker.applied_events(), threshold)
        if not toks:
            return None
        if tracker.latest_action_name == ACTION_LISTEN_NAME and toks[-1].kind == "intent":
            pending = len(toks) >= 2 and toks[-2].kind == "action" and toks[-2].name in self.confirming \
                and asked_message(tracker.applied_events(), toks[-2].index) is not None
            intent, conf = top_intent(tracker)
            if conf < threshold:
                return None
            m = match_rules(self.rules, tracker, threshold)
            # a yes right after something was done (a submission) asks nothing more unless that action asked
            # again (a failure offering to retry): the rule for the retry does not apply then
            done_asking_nothing = len(toks) >= 2 and toks[-2].kind == "action" and toks[-2].name in self.confirmed \
                and asked_message(tracker.applied_events(), toks[-2].index) is None
            if m is not None and m.length >= 2 and not (done_asking_nothing and intent in NOTHING_PENDING):
                return None  # a rule written for this answer after that action
            if pending and intent in QUESTION_INTENTS:
                return Prediction("action_answer_from_knowledge", self.name, conf)
            if pending and intent == APPLY_INTENT and toks[-2].name == PREPARE_ACTION and not _names_a_service(tracker) \
                    and (yes := _action_after(self.rules, PREPARE_ACTION, "affirm")) is not None:
                # "그래도 신청해 주세요", "신청해 주세요" at "이대로 신청을 접수할까요?" is the yes (s45 probe: "'그래도'라는
                # 이름의 서비스는 찾지 못했어요", the application left waiting)
                return Prediction(yes, self.name, conf)
            if pending and intent == "cancel":
                return self._stop_at_question(tracker, context, toks[-2].index, toks[-2].name, conf)
            if pending and intent in UNSURE_INTENTS and context.has_response(UNCLEAR_STOP):
                # "음.. 잘 모르겠는데" at "이대로 신청을 접수할까요?" (s44 probe: the offer of help, the application
                # silently dropped): nothing done, said so, and the question asked again
                return Prediction(CONFIRM_AGAIN, self.name, conf)
            if not pending and intent == "cancel" and tracker.get_slot(RECEIPT_SLOT) \
                    and (action := _intent_action(self.rules, CANCEL_TASK_INTENT)) is not None:
                return Prediction(action, self.name, conf)  # the application made here is what can be cancelled
            if not pending and intent == "affirm" and offered_a_person(tracker) and not _asks_beside_yes(tracker):
                # "네" to "원하시면 상담원에게 연결해 드릴게요" (s37 fresh-user probe, three times: "확인을 기다리는
                # 요청이 없어요"): the person offered
                return Prediction("action_handoff", self.name, conf)
            if not pending and intent in NOTHING_PENDING and _asks_of_its_own(tracker, context):
                # "아 아니다 어린이집이요", "ㄴㄴ 연탄쿠폰이요": a change of mind that names what is meant now (s36 probe:
                # "확인을 기다리는 요청이 없어요"); it is asked about
                return Prediction("action_answer_from_knowledge", self.name, conf)
            if not pending and intent in NOTHING_PENDING and context.has_response(NOTHING_PENDING[intent]):
                return Prediction(NOTHING_PENDING[intent], self.name, conf)
            return None
        if self._in_between_done(tracker, toks) and toks[-3].kind == "action" and toks[-3].name in self.confirming \
                and asked_message(tracker.applied_events(), toks[-3].index) is not None \
                and not _closed_this_turn(tracker):
            m = match_rules(self.rules, tracker, threshold)
            if m is not None and m.length >= 3:
                return None  # e.g. the MyData offer's own "asked again" rule
            return Prediction(CONFIRM_AGAIN, self.name)
        return None

    def _stop_at_question(self, tracker: DialogueStateTracker, context: TurnContext, index: int, asking: str,
                          conf: float) -> Prediction | None:
        """A stop word right after the yes/no question of ``asking`` (executed at ``events[index]``): see the table
        in the module docstring."""
        asked = asked_message(tracker.applied_events(), index)
        message = tracker.latest_message.text if tracker.latest_message is not None else ""
        if asked is not None and echoed_stop_word(message or "", asked.text or "") is not None \
                and context.has_response(UNCLEAR_STOP):
            before = previous_bot(tracker)
            if before is not None and (before.data.get("custom") or {}).get("unclear_stop"):
                deny = _action_after(self.rules, asking, "deny")  # the same word again: the safe reading, a no
                if deny is not None:
                    return Prediction(deny, self.name, conf)
            else:
                return Prediction(CONFIRM_AGAIN, self.name, conf)
        if tracker.get_slot(RECEIPT_SLOT) and (deny := _action_after(self.rules, asking, "deny")) is not None:
            return Prediction(deny, self.name, conf)  # an application exists: not "nothing was submitted", but what was not done
        if context.has_response("utter_cancelled"):
            return Prediction("utter_cancelled", self.name, conf)
        return None

    @staticmethod
    def _in_between_done(tracker: DialogueStateTracker, toks: list[Any]) -> bool:
        """Whether the turn so far is a digression after a pending question: a question answered from the documents,
        or a pushed intent (:data:`PUSHED_INTENTS`) whose rule's action just ran."""
        if len(toks) < 3 or toks[-2].kind != "intent" or toks[-1].kind != "action":
            return False
        latest = tracker.latest_action_name
        if latest == "action_answer_from_knowledge":
            return True
        return toks[-2].name in PUSHED_INTENTS and latest == toks[-1].name and latest != CONFIRM_AGAIN


#: ``custom`` key of a reply that answers the pending question itself (it is dropped, and said why: an application
#: for a place the citizen just said they do not live in); the question is then not asked again
CLOSES_QUESTION = "closes_question"


def _closed_this_turn(tracker: DialogueStateTracker) -> bool:
    """Whether a reply since the latest user message closed the pending question (:data:`CLOSES_QUESTION`)."""
    for e in reversed(tracker.applied_events()):
        if isinstance(e, UserUttered):
            return False
        if isinstance(e, BotUttered) and (e.data.get("custom") or {}).get(CLOSES_QUESTION):
            return True
    return False


class ActionConfirmAgain:
    """``action_confirm_again``: the pending confirmation's question again (its action's last message, marked
    ``custom.repeated``), after a question was answered in between. Its user turn becomes transparent to the rules."""

    name = CONFIRM_AGAIN

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event (none when the confirming action said nothing); right after a stop word that repeats the
        question's verb (:func:`echoed_stop_word`), ``utter_unclear_stop`` first and the question marked
        ``custom.unclear_stop``."""
        events = tracker.applied_events()
        toks = conversation_tokens(events, context.settings.intent_threshold)
        direct = bool(toks) and toks[-1].kind == "intent"  # asked again on the user's own turn (an unclear stop)
        asking = next((t for t in reversed(toks[:-1] if direct else toks[:-2]) if t.kind == "action"), None)
        said = asked_message(events, asking.index) if asking is not None else None
        if said is None:
            return []
        if direct:
            message = tracker.latest_message.text if tracker.latest_message is not None else ""
            word = echoed_stop_word(message or "", said.text or "") or (message or "").strip()
            custom = {**(said.data.get("custom") or {}), "repeated": True, "unclear_stop": True}
            return [context.utter(tracker, UNCLEAR_STOP, word=word), BotUttered(said.text, {**said.data, "custom": custom})]
        if len(toks) >= 2 and toks[-2].name in PUSHED_INTENTS \
                and not any(isinstance(e, BotUttered) for e in events[toks[-2].index + 1:]):
            return []  # the push told nothing (already told): the question is still the last thing said
        return [BotUttered(said.text, {**said.data, "custom": {**(said.data.get("custom") or {}), "repeated": True}})]


def _names_a_service(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message, a request to apply, names what to apply for
    (:func:`connectors.tasks.service_search.requested_name`), or is a button's payload (which names it by id)."""
    from connectors.tasks.service_search import requested_name  # here: the connector imports the dialogue's core

    text = (tracker.latest_message.text or "") if tracker.latest_message is not None else ""
    return text.lstrip().startswith("/") or requested_name(text) is not None


def _asks_beside_yes(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message, read as a yes, asks a question or makes a request of its own that is not for a
    person ("ok then what do you do?" after the out-of-scope reply's offer of a person: s45 probe, handed off;
    "네 상담원 연결해 주세요" and "yes please" are yeses). Cues: :func:`~assistant.dialogue.fact_question.
    asks_or_requests`, less :data:`~assistant.dialogue.fact_question.ASKS_FOR_PERSON`."""
    from assistant.dialogue.fact_question import ASKS_FOR_PERSON, asks_or_requests

    text = (tracker.latest_message.text or "") if tracker.latest_message is not None else ""
    return bool(text) and asks_or_requests(text) and ASKS_FOR_PERSON.search(text) is None


def _asks_of_its_own(tracker: DialogueStateTracker, context: TurnContext) -> bool:
    """Whether the latest message, read as a yes or a no, also names a service (``context.services``: "ㄴㄴ
    연탄쿠폰이요"), or a kind of help (:func:`~assistant.dialogue.service_followup.help_of_its_own`: "아 아니다
    어린이집이요") that the documents answer (the knowledge answer for the message does not abstain: "취소", "yes" and
    "아니 그게 아니고" have words but ask nothing the documents hold); False without a message, a tokenizer or a
    service finder, and for a button's payload."""
    from assistant.dialogue.builtin_actions import intent_probability
    from assistant.dialogue.service_followup import help_of_its_own

    message = tracker.latest_message
    text = ((message.text if message else None) or "").strip()
    tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
    find = getattr(context.services, "find", None)
    if message is None or not text or text.startswith("/") or tokenizer is None or find is None:
        return False
    if find(text):
        return True
    if not help_of_its_own(text, list(message.entities), tokenizer):
        return False
    answer = context.answer(text, intent_probability(tracker, "out_of_scope"))
    return answer is not None and not answer.abstained

