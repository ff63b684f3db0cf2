"""Policies: which action comes next, in the design card's order.

:class:`PolicyEnsemble` asks, in order, and takes the first prediction:

00. :class:`~assistant.dialogue.crisis.CrisisPolicy`: in any state, a message that speaks of suicide or self-harm →
   ``action_crisis`` (the crisis lines; an active form is stopped).
0. :class:`~assistant.dialogue.language_switch.LanguageSwitchPolicy`: outside a form, a request for the other
   language ("English please") → the previous question answered again in it, or ``utter_language_switched``.
1. :class:`FormPolicy`: an active form continues: right after the user spoke
   it runs the form (which may reject the turn as a digression); after a
   digression's answer it runs the form again, which re-asks the same slot
   (unless a rule conditioned on the form ends there or waits for the user, or a story
   memorised what follows, as in Rasa).
   Cancel, goodbye (both stop the form), repeat and handoff are handled here for every form.
   Then :class:`~assistant.dialogue.after_form.CorrectionAfterFormPolicy`: right after a form's result, a message
   with a new value for one of its slots ("sorry, I meant 40 percent") changes it and the result is given again.
   Then :class:`~assistant.dialogue.callback.CallbackPolicy`: outside a form, a request to be phoned back ("전화
   주세요", "연락처는 010-… 연락주세요") → ``utter_no_callback`` (the assistant cannot call; 110 and the chat handoff).
   Then :class:`~assistant.dialogue.bot_challenge.BotChallengePolicy`: "너 사람이야?", "Are you a human?" →
   ``utter_iamabot`` (never the handoff that "human" reads as). Then
   :class:`~assistant.dialogue.crisis.HardshipPolicy`: a sudden loss of livelihood that names no service →
   ``utter_hardship`` (where emergency welfare is asked for).
   Then :class:`~assistant.dialogue.bare_title.BareTitlePolicy`: a service's title typed alone (or a close typo of
   one) read as a low-information intent → ``action_answer_from_knowledge`` for that service.
   Then :class:`~assistant.dialogue.other_services.OtherServicesPolicy`: "다른 건요?" after a service was answered →
   ``action_answer_from_knowledge`` on the question it answered, that service set aside.
2. :class:`ClarifyPolicy`: the two top intents are within
   ``settings.clarify_margin`` and lead to different places → ``action_clarify``.
   Then :class:`SideEffectGuardPolicy`: an action with side effects on an intent below
   ``settings.action_intent_threshold`` → a fallback; then
   :class:`~assistant.dialogue.confirmation.ConfirmationPolicy`: a question while a confirmation is pending is
   answered and the confirmation asked again; a yes or a stop with nothing pending says so. Then
   :class:`~assistant.dialogue.plea.PleaPolicy`: outside a form, a plea for help alone ("도와주세요", "도움이
   필요해요") → ``utter_ask_what_help`` (what about, and the person), and one that says what it is about, read as an
   intent that answers nothing → ``action_answer_from_knowledge``. Then
   :class:`~assistant.dialogue.fact_question.FactQuestionPolicy`: outside a form, an ``inform`` that asks or requests
   something ("강남구에서 전입신고 하고 싶어요") → ``action_answer_from_knowledge`` (not the offer of help).
3. :class:`RulePolicy`: rules.yml (see :mod:`assistant.dialogue.rules`).
4. :class:`~assistant.dialogue.memoization.MemoizationPolicy`: the project's stories, as Rasa's
   MemoizationPolicy reads them (exact last ``max_history`` states).
5. :class:`TaskPolicy`: task intents (connectors register ``intent → action``
   with an optional predicate); the bundled one: ``check_eligibility`` naming no
   known service → ``eligibility_form``.
6. :class:`~assistant.dialogue.memoization.StorySuffixPolicy`: the stories again, generalised
   (our stand-in for Rasa's TEDPolicy: the longest recent run of states seen in a story).
7. :class:`KnowledgePolicy`: knowledge questions (``KNOWLEDGE_INTENTS``) and
   unconfident messages with words → ``action_answer_from_knowledge``.
8. :class:`FallbackPolicy`: empty → ``utter_empty_message``; out of scope
   (:func:`assistant.dialogue.oos.rejected`: the explicit class at ``settings.oos_threshold``, or the trained
   score threshold for a message that is no knowledge question) → ``utter_out_of_scope``; else
   ``action_default_fallback``; after any other action → ``action_listen``.

Whatever policy (or a ``followup``) chose it, an action of :data:`SIDE_EFFECT_ACTIONS` chosen on a latest message
whose top intent is below ``settings.action_intent_threshold`` does not run: the ensemble answers
``action_confirm_side_effect`` instead (:class:`~assistant.dialogue.builtin_actions.ActionConfirmSideEffect`: "did
you mean …? yes / no"); the yes button sends the intent again with confidence 1, so the same policy then chooses
the action on a sure intent; a no (``deny``, or the no button's ``out_of_scope``, right after the question) runs
``action_side_effect_declined`` and, inside a form, the form asks its question again (see
:mod:`assistant.dialogue.side_effects`). The intent-only :class:`SideEffectGuardPolicy` above covers
messages outside forms; this covers forms, rules, stories and follow-ups alike.

Thresholds are :class:`~assistant.settings.Settings` values, never constants.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.dialogue import oos
from assistant.dialogue.actions import TurnContext
from assistant.dialogue.after_form import CorrectionAfterFormPolicy
from assistant.dialogue.builtin_actions import KNOWLEDGE_INTENTS, REQUESTED_SLOT, top_intent
from assistant.dialogue.definitions import asks_why, defined_slot
from assistant.dialogue.events import ACTION_LISTEN_NAME
from assistant.dialogue.forms import ANSWERABLE_SMALL_TALK
from assistant.dialogue.rules import match_rules
from assistant.dialogue.side_effects import (
    CONFIRM_SIDE_EFFECT,
    REQUESTED_EARLIER,
    CONFIRMS_ITS_OWN_YES,
    DECLINE_INTENTS,
    SIDE_EFFECT_ACTIONS,
    SIDE_EFFECT_DECLINED,
)
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.domain import Domain
from assistant.nlu.stories import ActiveLoopStep, IntentStep, OrStep, Rule, Story

#: Intents that repair a conversation whatever form is active: intent → action.
FORM_REPAIRS = {"cancel": "action_deactivate_loop", "goodbye": "action_deactivate_loop", "repeat": "action_repeat",
                "human_handoff": "action_handoff"}
#: Intents whose actions change something or ask to confirm a change: they start only at
#: ``settings.action_intent_threshold`` ("Ignore previous instructions…" read as unsubscribe_alerts 0.49
#: must not offer to stop alerts); below it :class:`SideEffectGuardPolicy` falls back.
SIDE_EFFECT_INTENTS = frozenset({"unsubscribe_alerts", "subscribe_alerts", "cancel_application", "apply_service",
                                 "revoke_consent", "use_mydata"})
#: What is said after a form was stopped by one of those intents (a ``deny`` stops it only when it says never mind:
#: :func:`never_minds`).
AFTER_DEACTIVATION = {"cancel": "utter_cancelled", "goodbye": "utter_goodbye", "deny": "utter_cancelled"}
#: "Never mind" said with a no ("아니요 됐어요", "no thanks"): s45 probe, "아니요 됐어요" at the income question was
#: refused as a percentage and the questions went on
_NEVER_MIND = re.compile(
    r"됐(?:어|어요|습니다|고|다|네요)|필요\s*없|안\s*할(?:래|게|거)|그만\s*(?:할|하|둘|해)|관둘|관둬|관뒀"
    r"|\bnever\s*mind\b|\bforget\s+(?:it|about\s+it)\b|\bno\s+thanks?\b|\bno\s+thank\s+you\b|\bnot\s+interested\b"
    r"|\b(?:i'?ll|let'?s)\s+stop\b", re.I)


def never_minds(text: str) -> bool:
    """Whether a no says the citizen does not want to go on ("아니요 됐어요", "됐어요 필요 없어요", "no thanks",
    "never mind"), as opposed to a plain "아니요" that may answer the question.

    >>> never_minds("아니요 됐어요"), never_minds("no thanks"), never_minds("아니요"), never_minds("no")
    (True, True, False, False)
    """
    return bool(text) and _NEVER_MIND.search(text) is not None


def message_to_read(tracker: DialogueStateTracker) -> str | None:
    """The latest user message's text, when a whole-message reader may act on it: right after it (the last action is
    ``action_listen``), outside a form, and typed (not empty, not a ``/intent`` button payload); else None. The
    preamble of the policies that read a message by patterns before the NLU's routes (the language switch, the
    callback request, the question about the assistant, a bare title)."""
    if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None:
        return None
    text = tracker.latest_message.text if tracker.latest_message else None
    return text if text and text.strip() and not text.startswith("/") else None


@dataclass(frozen=True)
class Prediction:
    """The next action, the policy that chose it, and its confidence (0..1)."""

    action: str
    policy: str
    confidence: float = 1.0


class Policy(Protocol):
    """Predicts the next action or passes (``None``)."""

    name: str

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """The prediction, or None to let the next policy decide."""
        ...


def _asks_form_term(tracker: DialogueStateTracker, context: TurnContext) -> bool:
    """Whether the latest message asks what a term of the active form's question means and the domain defines it
    (``utter_define_<slot>``; :func:`~assistant.dialogue.definitions.defined_slot`)."""
    text = (tracker.latest_message.text if tracker.latest_message else None) or ""
    requested = tracker.get_slot(REQUESTED_SLOT)
    return defined_slot(text, str(requested) if requested else None,
                        lambda name: context.has_response(f"utter_define_{name}")) is not None or \
        asks_why(text) and context.has_response("utter_why_asked")


def _confident(tracker: DialogueStateTracker, context: TurnContext) -> str | None:
    name, conf = top_intent(tracker)
    return name if conf >= context.settings.intent_threshold else None


def _after_user(tracker: DialogueStateTracker) -> bool:
    return tracker.latest_action_name == ACTION_LISTEN_NAME


class FormPolicy:
    """The active form continues (with cancel, repeat and handoff repairs)."""

    name = "FormPolicy"

    def __init__(self, rules: RulePolicy, stories: Policy | None = None) -> None:
        self.rules = rules
        self.stories = stories

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """See the module docstring."""
        loop = tracker.active_loop
        intent = _confident(tracker, context)
        latest = tracker.latest_action_name
        if latest == "action_deactivate_loop" and intent in AFTER_DEACTIVATION and context.has_response(AFTER_DEACTIVATION[intent]):
            return Prediction(AFTER_DEACTIVATION[intent], self.name)
        if loop is None:
            return None
        if _after_user(tracker):
            # A message with entities answers the form's question: "1990년 2월 31일" read as goodbye
            # must be validated as a birth date, not end the form. Cancel, repeat and handoff still repair.
            answered = bool(tracker.latest_entities) and intent == "goodbye"
            # An unsure goodbye may be an answer the form reads itself ("Uijeongbu-si" as goodbye 0.52): the form
            # tries it first and rejects the turn when it answers nothing; then the goodbye stops the form.
            unsure = intent in ANSWERABLE_SMALL_TALK and top_intent(tracker)[1] < context.settings.form_answer_intent_threshold
            if intent == "repeat" and not loop.rejected and _asks_form_term(tracker, context):
                return Prediction(loop.name, self.name)  # "무슨 말이에요?" / "what does that mean?": the form defines its term
            if intent in FORM_REPAIRS and (loop.rejected or not answered and not unsure):
                return Prediction(FORM_REPAIRS[intent], self.name)
            said = (tracker.latest_message.text or "") if tracker.latest_message is not None else ""
            if intent == "deny" and never_minds(said) and not _asks_yes_no(tracker, context):
                return Prediction("action_deactivate_loop", self.name)  # a no with "never mind" to a question it cannot answer
            # Rasa's unhappy-path rules: a rule conditioned on this form that starts with the user's intent
            # handles a message that answers nothing (e.g. "fetch it through MyData" while the form asks).
            if not tracker.latest_entities:
                rule = self.rules.predict_in_loop(tracker, context, loop.name)
                if rule is not None:
                    return rule
            return None if loop.rejected else Prediction(loop.name, self.name)
        if latest in (loop.name, "action_repeat", "action_handoff"):
            return Prediction(ACTION_LISTEN_NAME, self.name)
        # a digression was answered: let a rule finish its steps, then the form re-asks. A rule written for
        # this form's unhappy path (condition ``active_loop: <form>``) waits for the user where it ends or
        # where its next step is the user's, as Rasa's rules do (a Rasa rule returns to the form only
        # when it ends with the form's action).
        m = match_rules(self.rules.rules, tracker, context.settings.intent_threshold)
        if m is not None and m.action and (m.action != ACTION_LISTEN_NAME or not m.complete or loop.name in m.loops):
            return Prediction(m.action, self.rules.name)
        # a story that memorised this unhappy path (Rasa's MemoizationPolicy) says what follows, e.g. wait for the user
        told = self.stories.predict(tracker, context) if self.stories is not None else None
        if told is not None:
            return told
        return Prediction(loop.name, self.name)


def _asks_yes_no(tracker: DialogueStateTracker, context: TurnContext) -> bool:
    """Whether the active form's requested slot is a yes/no one (a ``bool`` slot in the domain): "아니요 됐어요"
    there may be its answer. True when the slot is unknown (the safe reading: the form reads the message)."""
    slot = tracker.get_slot(REQUESTED_SLOT)
    spec = context.domain.slots.get(slot) if isinstance(slot, str) else None
    return spec is None or spec.type == "bool"


class RulePolicy:
    """Rules from rules.yml."""

    name = "RulePolicy"

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """The rule's next action, or None when no rule applies."""
        m = match_rules(self.rules, tracker, context.settings.intent_threshold)
        return Prediction(m.action, self.name) if m is not None and m.action else None

    def predict_in_loop(self, tracker: DialogueStateTracker, context: TurnContext, loop: str) -> Prediction | None:
        """The action of a rule with ``condition: active_loop: <loop>`` whose steps start with a user intent, or None."""
        rules = [r for r in self.rules
                 if any(isinstance(c, ActiveLoopStep) and c.name == loop for c in r.condition)
                 and r.steps and isinstance(r.steps[0], IntentStep | OrStep)]
        m = match_rules(rules, tracker, context.settings.intent_threshold) if rules else None
        return Prediction(m.action, self.name) if m is not None and m.action and m.action != ACTION_LISTEN_NAME else None


class ClarifyPolicy:
    """Ask which of two close intents was meant (both need an ``utter_clarify_<intent>`` description)."""

    name = "ClarifyPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_clarify`` or None."""
        if not _after_user(tracker) or tracker.latest_entities or tracker.active_loop is not None:
            return None  # an entity says what the message is about; inside a form the form decides
        ranking = tracker.latest_message.parse_data.get("intent_ranking") if tracker.latest_message else None
        if not isinstance(ranking, list) or len(ranking) < 2:
            return None
        (a, pa), (b, pb) = ((str(r.get("name")), float(r.get("confidence") or 0)) for r in ranking[:2])
        if pa >= 1.0 or pa - pb > context.settings.clarify_margin or pb < context.settings.clarify_min_confidence:
            return None
        if a in KNOWLEDGE_INTENTS and b in KNOWLEDGE_INTENTS:
            return None  # both are answered from documents: nothing to choose
        if not (context.has_response(f"utter_clarify_{a}") and context.has_response(f"utter_clarify_{b}")):
            return None
        return Prediction("action_clarify", self.name, pa)


TaskPredicate = Callable[[DialogueStateTracker, TurnContext], bool]


@dataclass
class TaskPolicy:
    """Task intents → their action (a form or a connector action), when the predicate holds."""

    routes: dict[str, list[tuple[str, TaskPredicate | None]]] = field(default_factory=dict)
    name: str = "TaskPolicy"

    def register(self, intent: str, action: str, when: TaskPredicate | None = None) -> None:
        """Route confident ``intent`` to ``action`` when ``when(tracker, context)`` holds (always when None)."""
        self.routes.setdefault(intent, []).append((action, when))

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """The first route of the confident intent whose predicate holds."""
        intent = _confident(tracker, context)
        if not _after_user(tracker) or intent is None:
            return None
        for action, when in self.routes.get(intent, []):
            if action == tracker.active_loop_name:
                # the form rejected this turn as a digression. A question that would start this very form again
                # ("제가 받을 수 있는 혜택이 뭐가 있나요?" asked twice) is what the form is doing: say so; the form then asks
                # its question again (fresh-user test s8, defect 8). Another question is answered, not the form restarted.
                in_progress = _form_in_progress_response(action, context)
                if in_progress is not None and (when is None or when(tracker, context)):
                    return Prediction(in_progress, self.name, top_intent(tracker)[1])
                continue
            if when is None or when(tracker, context):
                return Prediction(action, self.name, top_intent(tracker)[1])
        return None


def _form_in_progress_response(form: str, context: TurnContext) -> str | None:
    """``utter_form_in_progress_<form>``, else ``utter_form_in_progress``, when the domain has it, else None."""
    for name in (f"utter_form_in_progress_{form}", "utter_form_in_progress"):
        if context.has_response(name):
            return name
    return None


def _not_restarting(pred: Prediction, tracker: DialogueStateTracker, context: TurnContext) -> Prediction:
    """A rule or story that would start the active form again right after it rejected the message (the question that
    started it, asked again) says that the form is doing it (``utter_form_in_progress[_<form>]``), as
    :class:`TaskPolicy` does; the form then asks its question again. Other predictions are returned as they are."""
    loop = tracker.active_loop
    if loop is None or not loop.rejected or pred.action != loop.name or not _after_user(tracker):
        return pred
    name = _form_in_progress_response(loop.name, context)
    return Prediction(name, pred.policy, pred.confidence) if name is not None else pred


def names_no_service(tracker: DialogueStateTracker, context: TurnContext) -> bool:
    """True when the latest message names no known service (by title)."""
    text = tracker.latest_message.text if tracker.latest_message else None
    return context.services is not None and not context.services.find(text or "")


class KnowledgePolicy:
    """Knowledge questions, and unconfident messages that have words, go to the documents."""

    name = "KnowledgePolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge`` or None."""
        if not _after_user(tracker):
            return None
        text = (tracker.latest_message.text if tracker.latest_message else None) or ""
        if not any(ch.isalnum() for ch in text) or oos.rejected(tracker, context.settings):
            return None
        name, conf = top_intent(tracker)
        if name in KNOWLEDGE_INTENTS or conf < context.settings.intent_threshold:
            return Prediction("action_answer_from_knowledge", self.name, conf)
        return None


class ToldEventPolicy:
    """A life event told, read as out of scope → the documents, which judge whether a page is about it and abstain
    when none is ("남편이 회사에서 짤렸어요 어떻게 해야 되나요": out_of_scope first at 0.44 got the out-of-scope reply,
    s40 probe; the classifier has few examples of events told). Right after the user spoke, outside a form, typed,
    when the message is out of scope by the conversation's rule (:func:`~assistant.dialogue.oos.rejected`) or its top
    intent is ``out_of_scope``, and the composer reads a life event that happened in it
    (:meth:`~assistant.knowledge.composer.AnswerComposer.tells_event`)."""

    name = "ToldEventPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge`` or None."""
        if not _after_user(tracker) or tracker.active_loop is not None or tracker.latest_message is None:
            return None
        text = tracker.latest_message.text or ""
        name, conf = top_intent(tracker)
        if not text.strip() or text.startswith("/") or not (name == "out_of_scope" or oos.rejected(tracker, context.settings)):
            return None
        tells = getattr(getattr(context.knowledge, "composer", None), "tells_event", None)
        if tells is None or not tells(text):
            return None
        return Prediction("action_answer_from_knowledge", self.name, conf)


class FallbackPolicy:
    """The last word: empty / out of scope / not understood; ``action_listen`` after any action."""

    name = "FallbackPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """Always a prediction."""
        if not _after_user(tracker):
            return Prediction(ACTION_LISTEN_NAME, self.name)
        text = (tracker.latest_message.text if tracker.latest_message else None) or ""
        # our responses only where the domain defines them (a peer Rasa project falls back as Rasa does)
        if not text.strip() and context.has_response("utter_empty_message"):
            return Prediction("utter_empty_message", self.name)
        if any(ch.isalnum() for ch in text) and oos.rejected(tracker, context.settings) \
                and context.has_response("utter_out_of_scope"):
            return Prediction("utter_out_of_scope", self.name)
        return Prediction("action_default_fallback", self.name)


class SideEffectGuardPolicy:
    """An action with side effects (or its confirmation) never starts on an unsure intent.

    Right after the user spoke, when the top intent is in ``SIDE_EFFECT_INTENTS`` and its probability is
    below ``settings.action_intent_threshold``, the turn is a fallback (:class:`FallbackPolicy`: out of
    scope, or asked to rephrase); a question about applying (``apply_service``) still goes to the documents.
    Inside a form the form decides (its digression rule needs ``intent_threshold`` only)."""

    name = "SideEffectGuardPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """A fallback prediction, or None."""
        if not _after_user(tracker) or tracker.active_loop is not None:
            return None
        name, conf = top_intent(tracker)
        if name not in SIDE_EFFECT_INTENTS or conf >= context.settings.action_intent_threshold:
            return None
        text = (tracker.latest_message.text if tracker.latest_message else None) or ""
        if name in KNOWLEDGE_INTENTS and (conf >= context.settings.intent_threshold or (
                any(ch.isalnum() for ch in text) and not text.startswith("/") and not oos.rejected(tracker, context.settings))):
            # a question about applying, however unsure the intent ("I want to take out a student loan": apply_service
            # 0.30, s40 probe, was asked to rephrase though its page answers it at 0.98): the documents answer or say
            # they cannot; nothing is applied for
            return Prediction("action_answer_from_knowledge", self.name, conf)
        return FallbackPolicy().predict(tracker, context)


class PolicyEnsemble:
    """The policies in order; the first prediction wins.

    Args:
        rules: the project's rules.
        tasks: task routes (connectors add theirs with :meth:`TaskPolicy.register`).
        stories: the project's stories (none: the story policies never predict).
        domain: the domain the stories are read with (needed with ``stories``).
        intent_threshold: below it a message reads as ``nlu_fallback`` in the stories' states.
        side_effect_actions: actions confirmed first when chosen on an unsure intent (module docstring).
    """

    def __init__(self, rules: list[Rule], tasks: TaskPolicy | None = None, stories: Sequence[Story] = (),
                 domain: Domain | None = None, intent_threshold: float = 0.0,
                 side_effect_actions: frozenset[str] = SIDE_EFFECT_ACTIONS) -> None:
        from assistant.dialogue.memoization import MemoizationPolicy, StoryLookup, StorySuffixPolicy

        self.side_effect_actions = side_effect_actions
        self.rule_policy = RulePolicy(rules)
        self.tasks = tasks or TaskPolicy()
        lookup = StoryLookup(stories if domain is not None else (), domain or Domain(), intent_threshold)
        memo = MemoizationPolicy(lookup)
        from assistant.dialogue.confirmation import ConfirmationPolicy
        from assistant.dialogue.regional import RegionFollowUpPolicy
        from assistant.dialogue.bare_title import BareTitlePolicy
        from assistant.dialogue.bot_challenge import BotChallengePolicy
        from assistant.dialogue.callback import CallbackPolicy
        from assistant.dialogue.language_switch import LanguageSwitchPolicy
        from assistant.dialogue.service_followup import ServiceFollowUpPolicy
        from assistant.dialogue.term_definition import TermDefinitionPolicy
        from assistant.dialogue.fact_question import FactQuestionPolicy
        from assistant.dialogue.plea import PleaPolicy
        from assistant.dialogue.other_services import OtherServicesPolicy

        from assistant.dialogue.crisis import CrisisPolicy, HardshipPolicy

        self.policies: list[Policy] = [
            CrisisPolicy(),
            LanguageSwitchPolicy(), RegionFollowUpPolicy(), FormPolicy(self.rule_policy, memo), CorrectionAfterFormPolicy(), CallbackPolicy(),
            BotChallengePolicy(), HardshipPolicy(),
            BareTitlePolicy(), OtherServicesPolicy(), ServiceFollowUpPolicy(), TermDefinitionPolicy(), ClarifyPolicy(), SideEffectGuardPolicy(), ConfirmationPolicy(rules),
            PleaPolicy(self.rule_policy), FactQuestionPolicy(self.rule_policy), ToldEventPolicy(), self.rule_policy, memo, self.tasks,
            StorySuffixPolicy(lookup), KnowledgePolicy(), FallbackPolicy(),
        ]

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction:
        """The next action (never None: :class:`FallbackPolicy` always answers); a side-effect action on an unsure
        intent is replaced by its confirmation (module docstring)."""
        if tracker.latest_action_name == CONFIRM_SIDE_EFFECT:
            return Prediction(ACTION_LISTEN_NAME, SideEffectGuardPolicy.name)
        if _after_user(tracker) and _confident(tracker, context) in DECLINE_INTENTS and _asked_to_confirm(tracker):
            return Prediction(SIDE_EFFECT_DECLINED, SideEffectGuardPolicy.name)
        return self._guarded(self._predict(tracker, context), tracker, context)

    def _predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction:
        if tracker.followup_action and tracker.followup_action != ACTION_LISTEN_NAME:
            return Prediction(tracker.followup_action, "followup")
        for p in self.policies:
            pred = p.predict(tracker, context)
            if pred is not None:
                return _not_restarting(pred, tracker, context)
        return Prediction(ACTION_LISTEN_NAME, "none")  # pragma: no cover - FallbackPolicy always predicts

    def _guarded(self, pred: Prediction, tracker: DialogueStateTracker, context: TurnContext) -> Prediction:
        if pred.action not in self.side_effect_actions:
            return pred
        intent, conf = top_intent(tracker)
        if conf >= context.settings.action_intent_threshold:
            return pred
        if intent == "affirm" and pred.action in CONFIRMS_ITS_OWN_YES:
            return pred
        slot = REQUESTED_EARLIER.get(pred.action)
        if slot is not None and tracker.get_slot(slot) is True and tracker.latest_action_name != ACTION_LISTEN_NAME:
            return pred  # an earlier request, kept in its slot, carried out after another action of this turn
        return Prediction(CONFIRM_SIDE_EFFECT, SideEffectGuardPolicy.name, conf)


def _asked_to_confirm(tracker: DialogueStateTracker) -> bool:
    """Whether the last action before the latest user message (``action_listen`` aside) asked to confirm a side effect."""
    from assistant.dialogue.events import ActionExecuted, UserUttered

    seen_user = False
    for e in reversed(tracker.applied_events()):
        if isinstance(e, UserUttered):
            if seen_user:
                return False
            seen_user = True
        elif seen_user and isinstance(e, ActionExecuted) and e.action_name != ACTION_LISTEN_NAME:
            return e.action_name == CONFIRM_SIDE_EFFECT
    return False
