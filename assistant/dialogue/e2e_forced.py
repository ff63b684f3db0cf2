"""Test stories read as Rasa's ``rasa test`` reads them: each prediction on the story's own history.

Rasa evaluates a test story by teacher forcing (``rasa/core/test.py``,
https://rasa.com/docs/rasa/testing-your-assistant#testing-your-assistant): the tracker is built
from the story's events, the NLU parses each user message (its intent and entities are scored),
the policies predict each action, and whatever they predict, the story's own action, slots and
active loop are what the tracker records next. No action runs, so custom actions need no code,
and a form the story writes as ``- action: f`` / ``- active_loop: f`` / ``- active_loop: null``
is never asked. A Rasa 2.x project's auto-filled slots are set from each user turn's entities, as
Rasa 2 read its stories (``StoryStep.explicit_events``). Like Rasa this also predicts the ``action_listen`` before each user turn after the
first (and at the end of a story that ends with an action), and when the active form is predicted
where the story has another action, it emulates the form's rejection and predicts again
(``_form_might_have_been_rejected`` in Rasa).

:func:`assistant.dialogue.e2e.run_stories` runs conversations for real instead; both return an
:class:`~assistant.dialogue.e2e.E2EReport`.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.e2e import Divergence, E2EReport, StoryResult, TestStory, _entities_match, _show_entities, _StoryRunner
from assistant.dialogue.forms import implicit_slot_events
from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.language import detect_language
from assistant.nlu.stories import ActionStep, ActiveLoopStep, IntentStep, OrStep, SlotWasSetStep

if TYPE_CHECKING:
    from assistant.dialogue.processor import MessageProcessor

__all__ = ["run_stories_forced"]


class _ForcedRunner(_StoryRunner):
    """The live runner's story, result and first-divergence bookkeeping; its own tracker, fed the story's events."""

    def __init__(self, processor: MessageProcessor, test: TestStory, sender: str) -> None:
        super().__init__(processor, test, sender)
        self.tracker = DialogueStateTracker(sender, processor.slot_defs)
        self.tracker.update_with_events([ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(),
                                         ActionExecuted(ACTION_LISTEN_NAME)])
        self.language = "en"

    def run(self) -> StoryResult:
        last_was_action = False
        for i, step in enumerate(self.story.steps):
            if isinstance(step, OrStep) and step.alternatives and isinstance(step.alternatives[0], IntentStep):
                alternatives = [a for a in step.alternatives if isinstance(a, IntentStep)]
                self._user(i, alternatives, last_was_action)
                last_was_action = False
            elif isinstance(step, IntentStep):
                self._user(i, [step], last_was_action)
                last_was_action = False
            elif isinstance(step, ActionStep):
                if step.action is None:
                    continue  # a ``bot:`` text step: no action to predict
                self._action(i, step.action, step.source)
                last_was_action = True
            elif isinstance(step, SlotWasSetStep):
                self.tracker.update_with_events([SlotSet(v.slot, True if v.any_value else v.value) for v in step.slots])
            elif isinstance(step, OrStep):  # an ``or`` of slot_was_set steps: the first one holds
                first = next((a for a in step.alternatives if isinstance(a, SlotWasSetStep)), None)
                if first is not None:
                    self.tracker.update_with_events([SlotSet(v.slot, True if v.any_value else v.value) for v in first.slots])
            elif isinstance(step, ActiveLoopStep):
                self.tracker.update(ActiveLoop(step.name))
        if last_was_action:
            self._action(len(self.story.steps), ACTION_LISTEN_NAME, None, count=False)
        return self.result

    def _context(self) -> TurnContext:
        return TurnContext(self.p.settings, self.p.domain, "e2e", self.language, None, **self.p.context_defaults)

    def _predict(self) -> str:
        intent = self.tracker.latest_message.intent_name if self.tracker.latest_message else None
        from assistant.dialogue.processor import DEFAULT_INTENT_ACTIONS

        if self.tracker.latest_action_name == ACTION_LISTEN_NAME and intent in DEFAULT_INTENT_ACTIONS:
            return DEFAULT_INTENT_ACTIONS[intent]
        return self.p.policies.predict(self.tracker, self._context()).action

    def _action(self, index: int, expected: str, source: str | None, count: bool = True) -> None:
        predicted = self._predict()
        loop = self.tracker.active_loop_name
        if predicted != expected and predicted == loop and loop in self.p.domain.forms:
            rejected = copy.deepcopy(self.tracker)  # Rasa's emulate_loop_rejection, then predict again
            rejected.update(ActionExecutionRejected(loop))
            saved, self.tracker = self.tracker, rejected
            try:
                predicted = self._predict()
            finally:
                self.tracker = saved
            if predicted == expected:
                self.tracker.update(ActionExecutionRejected(loop))
        if count:
            self.result.actions_evaluated += 1
        if predicted == expected:
            self.result.actions_correct += count
        else:
            self.fail(Divergence(index, "action", expected, predicted, None, source), predicted)
        self.tracker.update(ActionExecuted(expected))

    def _user(self, index: int, alternatives: list[IntentStep], after_action: bool) -> None:
        if after_action:
            self._action(index, ACTION_LISTEN_NAME, alternatives[0].source, count=False)
        user = alternatives[0]
        text = user.user if user.user is not None else _payload_text(user)
        parse = self._parse(text)
        predicted = str((parse.get("intent") or {}).get("name") or "nlu_fallback")
        wanted = [a.intent for a in alternatives if a.intent]
        if wanted:
            self.result.user_turns += 1
            self.result.intents_correct += predicted in wanted
            if predicted not in wanted:
                self.fail(Divergence(index, "intent", wanted[0] if len(wanted) == 1 else wanted, predicted, None, user.source),
                          predicted)
        types = self.entity_types | {e.entity for a in alternatives for e in a.entities}
        entities = [e for e in parse.get("entities") or [] if e.get("entity") in types]
        if not any(_entities_match(a.entities, entities, text) for a in alternatives):
            self.fail(Divergence(index, "entities", _show_entities(user.entities), _show_entities(entities), None, user.source),
                      json.dumps(_show_entities(entities), ensure_ascii=False))
        # teacher forcing: the story's intent and entities, with the NLU's response selection
        story_entities = [{"entity": e.entity, "value": e.value, **({"role": e.role} if e.role else {}),
                           **({"group": e.group} if e.group else {})} for e in user.entities]
        forced: dict[str, Any] = {"intent": {"name": user.intent or predicted, "confidence": 1.0},
                                  "intent_ranking": [{"name": user.intent or predicted, "confidence": 1.0}],
                                  "entities": story_entities}
        if "response_selector" in parse:
            forced["response_selector"] = parse["response_selector"]
        event: Event = UserUttered(text, forced, "e2e")
        self.tracker.update(event)
        self.tracker.update_with_events(implicit_slot_events(self.p.domain, story_entities))

    def _parse(self, text: str) -> dict[str, Any]:
        payload = self.p._payload(text.strip())
        if payload is not None:
            return payload
        self.language = detect_language(text, default="en")
        vector = self.p.embedder.embed_queries([text])[0]
        return self.p.nlu.parse(text, vector=vector, language=self.language).to_rasa()


def _payload_text(step: IntentStep) -> str:
    ents = {e.entity: e.value for e in step.entities if not e.any_value}
    return f"/{step.intent}" + (json.dumps(ents, ensure_ascii=False) if ents else "")


def run_stories_forced(processor: MessageProcessor, stories: list[TestStory]) -> E2EReport:
    """Evaluate each story as ``rasa test`` does (see the module docstring); nothing is stored or run.

    Unlike :func:`~assistant.dialogue.e2e.run_stories`, every action step is scored (the story's
    history is restored after a wrong prediction); the first wrong step is the story's divergence.
    """
    return E2EReport(tuple(_ForcedRunner(processor, t, f"forced-{k}").run() for k, t in enumerate(stories)))
