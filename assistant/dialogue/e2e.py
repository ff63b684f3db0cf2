"""``assistant test e2e``: Rasa end-to-end test stories run against the real dialogue engine.

A test story (Rasa 3.x, https://rasa.com/docs/rasa/testing-your-assistant#writing-test-stories)
is a conversation written as ``stories:`` with ``steps:`` of user turns (``user:`` text with
``[entity](name)`` annotations, and/or ``intent:`` plus ``entities:``), ``action:`` /
``bot:`` steps, ``slot_was_set:`` and ``active_loop:``. Each story runs in a fresh
conversation through :meth:`MessageProcessor.handle_message`: every user turn is sent as its
text (an intent-only turn as the payload ``/intent{"entity": "value"}``, as Rasa's
RegexMessageHandler reads it), and what the engine did is compared with the story:

* the user turn: predicted intent, and the entities of the types the domain declares or the
  step annotates (a value matches by equality or by the text it was read from, so
  ``[67세](age)`` matches an extractor that normalised it to ``67``);
* each ``action:`` in order against the actions the engine ran (``action_listen`` and
  ``action_session_start`` are implicit, as in Rasa's stories); an extra action where the
  story waits for the user is ``expected action_listen``; an action that raised (e.g. a custom
  action with no action server configured) fails the story at that step with the reason;
* ``slot_was_set`` and ``active_loop`` against the conversation's state right after the
  preceding user turn or action (only the slots the story names are checked).

Unlike Rasa's ``rasa test``, which predicts each action on the story's own history (teacher
forcing) and never runs custom actions, this runs the conversation for real: after the first
divergence the engine's state is no longer the story's, so that divergence is what a story
reports (the step, expected vs predicted) and later actions are not scored; later user turns
are still sent, so the intent accuracy covers every user turn.

Outputs (Rasa's conventions): ``failed_test_stories.yml`` (failed stories with
``# predicted: ...`` comments on the wrong step; it reads back with
:func:`~assistant.nlu.stories.read_stories`) and ``e2e_report.json``.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import uuid
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.dialogue.actions import Action, ActionRegistry, TurnContext
from assistant.dialogue.builtin_actions import REQUESTED_SLOT
from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    ActionExecuted,
    ActionExecutionRejected,
    BotUttered,
    Event,
    UserUttered,
)
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import InvalidInputError
from assistant.nlu.domain import Domain
from assistant.nlu.stories import (
    ActionStep,
    ActiveLoopStep,
    CheckpointStep,
    IntentStep,
    OrStep,
    SlotValue,
    SlotWasSetStep,
    Step,
    Story,
    StoryEntity,
    read_stories,
)
from assistant.nlu.yaml_io import LineDict, Reporter, load_yaml_file, to_plain, yaml_files

if TYPE_CHECKING:
    from assistant.dialogue.executors import ActionExecutor
    from assistant.dialogue.processor import MessageProcessor
    from assistant.knowledge.composer import AnswerComposer
    from assistant.knowledge.embedder import Embedder
    from assistant.knowledge.retriever import HybridRetriever
    from assistant.nlu.pipeline import NluPipeline
    from assistant.nlu.types import TrainingExample
    from assistant.settings import Settings

logger = logging.getLogger(__name__)

__all__ = ["CUSTOM_ACTION", "CUSTOM_ACTION_EFFECTS", "ENGINE", "FORM_TURNS", "UNSUPPORTED_LABEL", "Divergence", "E2EReport", "StoryResult", "TestStory",
           "build_test_processor", "effects_action", "failure_cause", "label_without_support", "load_test_stories", "missing_custom_action", "run_e2e", "run_stories",
           "write_failed_stories"]

FAILED_STORIES_FILE = "failed_test_stories.yml"
REPORT_FILE = "e2e_report.json"
_IMPLICIT = frozenset({ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME})


# --- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestStory:
    """A story to test, with its steps as written (for ``failed_test_stories.yml``).

    Attributes:
        story: the parsed story.
        raw_steps: each step's mapping as written (annotated ``user`` text kept), same order as ``story.steps``.
    """

    __test__ = False  # not a pytest class

    story: Story
    raw_steps: tuple[dict[str, Any], ...]


def load_test_stories(path: Path) -> list[TestStory]:
    """The test stories in ``path`` (a file, or a folder searched recursively for ``*.yml``/``*.yaml``).

    In a folder, files without a ``stories:`` key (NLU data, rules, a domain) are skipped.

    Raises:
        InvalidInputError: ``path`` does not exist, or holds no test story.
        InvalidConfigError: malformed YAML or a malformed story (with ``file:line``).
    """
    if not path.exists():
        raise InvalidInputError(f"test stories path {path} does not exist")
    reporter = Reporter()
    out: list[TestStory] = []
    for f in yaml_files([path]):
        data = load_yaml_file(f, reporter)
        if data is None or "stories" not in data:
            continue
        stories = read_stories(data["stories"], f, reporter)
        blocks = [b for b in data["stories"] if isinstance(b, LineDict) and "story" in b]
        for story, block in zip(stories, blocks, strict=True):
            raw = [dict(to_plain(s)) for s in block.get("steps") or [] if isinstance(s, dict)]
            if len(raw) != len(story.steps):  # the reader dropped a step it reported; cannot happen with a raising reporter
                raise InvalidInputError(f"{story.source}: story {story.name!r} has steps the reader could not read")
            out.append(TestStory(story, tuple(raw)))
    if not out:
        raise InvalidInputError(f"no test stories (a 'stories:' list) in {path}")
    return out


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Divergence:
    """The first place a story and the engine disagree.

    Attributes:
        step: 0-based index into the story's steps (``len(steps)`` for an extra action after the last step).
        kind: ``intent``, ``entities``, ``action``, ``action_failed``, ``slot``, ``active_loop``,
            ``turn_failed`` or ``unsupported``.
        expected, predicted: what the story says and what the engine did (JSON values).
        reason: why, in words (the action's error for ``action_failed``), or None.
        source: ``file:line`` of the step (None for an extra action at the end); ``step_source`` in JSON.
    """

    step: int
    kind: str
    expected: Any
    predicted: Any
    reason: str | None = None
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"step", "kind", "expected", "predicted", "reason", "step_source"}``."""
        return {"step": self.step, "kind": self.kind, "expected": self.expected, "predicted": self.predicted,
                "reason": self.reason, "step_source": self.source}

    def describe(self) -> str:
        """One line: ``step 3 (file:12): expected action utter_greet, predicted utter_goodbye``."""
        where = f"step {self.step + 1}" + (f" ({self.source})" if self.source else "")
        what = "action" if self.kind == "action_failed" else self.kind
        text = f"{where}: expected {what} {_show(self.expected)}, predicted {_show(self.predicted)}"
        return text + (f" ({self.reason})" if self.reason else "")


@dataclass
class StoryResult:
    """One story's outcome.

    Attributes:
        name, source: the story's name and ``file:line``.
        divergence: the first divergence, or None when the story passed.
        user_turns, intents_correct: user turns with an expected intent, and how many were predicted right.
        actions_total: action steps in the story; actions_evaluated / actions_correct: those compared
            (up to and including the first divergence) and those right.
        predicted: per step index, what the engine did where it differs (for the ``# predicted:`` comments).
    """

    name: str
    source: str | None
    divergence: Divergence | None = None
    user_turns: int = 0
    intents_correct: int = 0
    actions_total: int = 0
    actions_evaluated: int = 0
    actions_correct: int = 0
    predicted: dict[int, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when the engine did what the story says, step for step."""
        return self.divergence is None

    def to_json(self) -> dict[str, Any]:
        """``{"story", "source", "step", "kind", "expected", "predicted", "reason", "step_source"}`` for a failed story."""
        return {"story": self.name, "source": self.source, **(self.divergence.to_json() if self.divergence else {})}


@dataclass(frozen=True)
class E2EReport:
    """All stories' outcomes and the totals."""

    results: tuple[StoryResult, ...]

    def to_json(self) -> dict[str, Any]:
        """``{"stories": N, "passed": P, "failed": [...], "action_accuracy", "intent_accuracy", ...}``.

        ``action_accuracy``: right actions / actions compared (each story is compared up to its first
        divergence); ``intent_accuracy``: right intents / user turns with an intent (all turns);
        either is None when there was nothing to score.
        """
        r = self.results
        acts, act_ok = sum(x.actions_evaluated for x in r), sum(x.actions_correct for x in r)
        turns, turn_ok = sum(x.user_turns for x in r), sum(x.intents_correct for x in r)
        kinds = Counter(x.divergence.kind for x in r if x.divergence)
        return {
            "stories": len(r),
            "passed": sum(x.passed for x in r),
            "failed": [x.to_json() for x in r if not x.passed],
            "action_accuracy": act_ok / acts if acts else None,
            "intent_accuracy": turn_ok / turns if turns else None,
            "actions_evaluated": acts,
            "actions_total": sum(x.actions_total for x in r),
            "user_turns": turns,
            "failures_by_kind": dict(sorted(kinds.items())),
        }


# --- why a story failed ------------------------------------------------------------------------------

CUSTOM_ACTION = "custom action"
CUSTOM_ACTION_EFFECTS = "custom action effects"
ENGINE = "engine"
FORM_TURNS = "form turns not in story"
UNSUPPORTED_LABEL = "intent label without training support"
_WORD = re.compile(r"\w+")
_NO_SERVER = re.compile(r"no action server configured for action '([^']+)'")


def missing_custom_action(divergence: Divergence) -> str | None:
    """The custom action whose code is absent ("no action server configured for action 'X'"), or None."""
    m = _NO_SERVER.search(divergence.reason or "")
    return m.group(1) if m else None


def failure_cause(test: TestStory, result: StoryResult, custom_actions: Collection[str], stubbed: bool = False,
                  forms: Collection[str] = (), examples: Sequence[TrainingExample] = ()) -> str:
    """Why a story failed: :data:`CUSTOM_ACTION`, :data:`CUSTOM_ACTION_EFFECTS`, :data:`FORM_TURNS` or :data:`ENGINE`.

    * ``custom action``: the engine ran the action the story expects (or a form whose
      ``validate_<form>`` / ``action_ask_*`` it calls), and that needs a custom action in
      ``custom_actions`` (the project's ``actions/`` code) that no action server runs;
    * ``custom action effects`` (``stubbed``: custom actions ran as no-ops): the divergence is the
      first step after a custom action the story expects: a slot it sets, or the next action,
      which may depend on what the real action does; or it comes while a form is active whose
      ``validate_<form>`` is the project's custom code, which extracts, validates and sets that form's
      slots (the financial demo's ``validate_*_form`` sets ``AA_CONTINUE_FORM`` when the form starts,
      so the stub leaves the form asking it). :func:`effects_action` names the action;
    * ``form turns not in story``: the story expects a form (one of ``forms``) to be done
      (``active_loop: null``, ``requested_slot: null``) with no user turn answering its questions;
      ``rasa test`` scores that on the story's own events, a real run asks the questions
      (see :mod:`assistant.dialogue.e2e_forced` for Rasa's reading). A wrong action right after
      ``- action: <form>`` / ``- active_loop: null`` is the engine's in either reading: Rasa's
      RulePolicy predicts the submit rule's next action there even when the story never activated
      the form (checked with Rasa 3.6.20 on Sara's "Playground form" story), and so does
      :mod:`assistant.dialogue.rules`;
    * ``intent label without training support`` (needs ``examples``, the project's NLU training
      data): a misread intent where the training data itself points to our reading; see
      :func:`label_without_support`;
    * ``engine``: anything else (a wrong intent, entity, action, slot or loop of ours).

    Raises:
        InvalidInputError: ``result`` passed.
    """
    d = result.divergence
    if d is None:
        raise InvalidInputError(f"story {result.name!r} passed")
    missing = missing_custom_action(d)
    if d.kind == "action_failed" and missing is not None and missing in custom_actions:
        return CUSTOM_ACTION
    if d.kind == "active_loop" and d.expected is None and d.predicted in forms or \
            d.kind == "slot" and d.expected == {REQUESTED_SLOT: None} and d.predicted.get(REQUESTED_SLOT) is not None:
        return FORM_TURNS
    if stubbed and d.kind in ("slot", "action", "active_loop") and effects_action(test, result, custom_actions, forms):
        return CUSTOM_ACTION_EFFECTS
    if d.kind == "intent" and examples and label_without_support(test, result, examples):
        return UNSUPPORTED_LABEL
    return ENGINE


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = _WORD.findall(text.casefold())
    return set(zip(words, words[1:], strict=False))


def label_without_support(test: TestStory, result: StoryResult, examples: Sequence[TrainingExample]) -> bool:
    """True when ``result`` diverged on an intent the project's training data does not support for that message.

    The message (the story's ``user`` text at the divergence) has at least one word pair (casefolded
    ``\\w+`` bigram); no training example of the expected intent shares any of them, and some example of
    the intent we predicted does. Retrieval intents count by their base name (``faq/x`` is ``faq``), as
    the story's intent is. Such a label is learnt from nowhere: any classifier trained on these examples,
    Rasa's (CountVectorsFeaturizer + DIETClassifier) included, gets the phrase's evidence only from the
    predicted intent's examples. Example: Sara's tests label "rasa open source" ``how_to_get_started``;
    "open source" is in 52 ``faq`` examples and in no ``how_to_get_started`` one; Rasa 3.6.20 with Sara's pipeline
    (``bench/rasa_sara_check.sh``) reads it ``faq`` at confidence 1.00, as we do. A message of one
    word, or a misread whose expected intent does share a word pair with it, stays the engine's.
    """
    d = result.divergence
    if d is None or d.kind != "intent" or not 0 <= d.step < len(test.story.steps):
        return False
    step = test.story.steps[d.step]
    if not isinstance(step, IntentStep) or step.user is None or step.user.startswith("/"):
        return False
    pairs = _bigrams(step.user)
    if not pairs:
        return False
    expected, predicted = str(d.expected).split("/")[0], str(d.predicted).split("/")[0]
    by_intent: dict[str, set[tuple[str, str]]] = {}
    for ex in examples:
        by_intent.setdefault(ex.intent.split("/")[0], set()).update(_bigrams(ex.text))
    return not pairs & by_intent.get(expected, set()) and bool(pairs & by_intent.get(predicted, set()))


def effects_action(test: TestStory, result: StoryResult, custom_actions: Collection[str],
                   forms: Collection[str] = ()) -> str | None:
    """The stubbed custom action whose missing effects a divergence follows (see :func:`failure_cause`): the custom
    action the story expects just before it (no user turn between), else the ``validate_<form>`` of the form the
    story has active there when that is custom code; None when neither."""
    d = result.divergence
    if d is None:
        return None
    before = test.story.steps[: d.step]
    previous = next((s for s in reversed(before) if isinstance(s, ActionStep | IntentStep)), None)
    if isinstance(previous, ActionStep) and previous.action in custom_actions:
        return previous.action
    loop = next((s.name for s in reversed(before) if isinstance(s, ActiveLoopStep)), None)
    validate = f"validate_{loop}" if loop in forms else None
    return validate if validate in custom_actions else None


# --- running ----------------------------------------------------------------------------------------


@dataclass
class _Run:
    """One top-level action the engine ran in a turn: its events, or the exception it raised."""

    name: str
    events: list[Event] = field(default_factory=list)
    error: BaseException | None = None


class _Recorded:
    """Wraps an action to record what it did (top-level runs only; a form's nested validation is part of the form)."""

    def __init__(self, action: Action, recorder: _RecordingRegistry) -> None:
        self._action = action
        self._recorder = recorder

    @property
    def name(self) -> str:
        return self._action.name

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        rec = self._recorder
        top = rec.depth == 0
        run = _Run(self._action.name)
        if top:
            rec.runs.append(run)
        rec.depth += 1
        try:
            events = self._action.run(tracker, domain, context)
        except BaseException as e:
            run.error = e
            raise
        finally:
            rec.depth -= 1
        run.events = list(events)
        return events


class _RecordingRegistry(ActionRegistry):
    """The processor's registry, with every action it hands out recorded."""

    def __init__(self, inner: ActionRegistry) -> None:
        super().__init__(inner.executor)
        self.inner = inner
        self.runs: list[_Run] = []
        self.depth = 0

    def register(self, action: Action, *, replace: bool = False) -> None:
        self.inner.register(action, replace=replace)

    def names(self) -> list[str]:
        return self.inner.names()

    def get(self, name: str, domain: Domain) -> Action:
        return _Recorded(self.inner.get(name, domain), self)


@contextmanager
def _recording(processor: MessageProcessor) -> Iterator[_RecordingRegistry]:
    inner = processor.registry
    rec = _RecordingRegistry(inner)
    processor.registry = rec
    try:
        yield rec
    finally:
        processor.registry = inner


@dataclass
class _Group:
    """What one action did (or the user turn, ``action`` None): its name, the state after it, its bot texts."""

    action: str | None
    slots: dict[str, Any]
    active_loop: str | None
    bot_texts: list[str]
    error: BaseException | None = None


def _snapshot(tracker: DialogueStateTracker, action: str | None, events: list[Event], error: BaseException | None = None) -> _Group:
    return _Group(action, dict(tracker.slots), tracker.active_loop_name,
                  [e.text for e in events if isinstance(e, BotUttered) and e.text], error)


def _message_text(step: IntentStep) -> str:
    if step.user is not None:
        return step.user
    ents = {e.entity: e.value for e in step.entities if not e.any_value}
    return f"/{step.intent}" + (json.dumps(ents, ensure_ascii=False) if ents else "")


def _same_value(expected: Any, predicted: Any) -> bool:
    if isinstance(expected, bool) or isinstance(predicted, bool):
        return type(expected) is type(predicted) and expected == predicted
    if isinstance(expected, int | float) and isinstance(predicted, int | float):
        return float(expected) == float(predicted)
    return bool(expected == predicted)


def _entity_key(e: StoryEntity) -> tuple[str, str | None, str | None]:
    return (e.entity, e.role, e.group)


def _entities_match(expected: tuple[StoryEntity, ...], predicted: list[dict[str, Any]], text: str | None) -> bool:
    """Multiset match of expected entities with predicted ones (value by equality or by the span it was read from)."""
    left = list(dict.fromkeys(expected))  # an annotation and an ``entities:`` entry for the same entity count once
    pool = list(predicted)
    for e in left:
        for i, p in enumerate(pool):
            if (p.get("entity"), p.get("role"), p.get("group")) != _entity_key(e):
                continue
            span = text[p["start"]:p["end"]] if text and isinstance(p.get("start"), int) and isinstance(p.get("end"), int) else None
            if e.any_value or _same_value(e.value, p.get("value")) or (span is not None and str(e.value) == span):
                del pool[i]
                break
        else:
            return False
    return not pool


def _show_entities(entities: list[dict[str, Any]] | tuple[StoryEntity, ...]) -> list[dict[str, Any]]:
    out = []
    for e in entities:
        if isinstance(e, StoryEntity):
            d: dict[str, Any] = {e.entity: None if e.any_value else e.value}
            role, group = e.role, e.group
        else:
            d = {str(e.get("entity")): e.get("value")}
            role, group = e.get("role"), e.get("group")
        if role is not None:
            d["role"] = role
        if group is not None:
            d["group"] = group
        out.append(d)
    return out


def _check_slots(step: SlotWasSetStep, state: _Group) -> str | None:
    """None when every slot holds its value; else ``"slot: value"`` of the first that does not."""
    for s in step.slots:
        have = state.slots.get(s.slot)
        if (have is None) if s.any_value else not _same_value(s.value, have):
            return f"{s.slot}: {json.dumps(have, ensure_ascii=False, default=str)}"
    return None


def _expected_slots(slots: tuple[SlotValue, ...]) -> dict[str, Any]:
    return {s.slot: ("<any value>" if s.any_value else s.value) for s in slots}


class _StoryRunner:
    """Runs one story through a processor (see the module docstring for the comparison)."""

    def __init__(self, processor: MessageProcessor, test: TestStory, sender: str) -> None:
        self.p = processor
        self.test = test
        self.story = test.story
        self.sender = sender
        self.result = StoryResult(self.story.name, self.story.source,
                                  actions_total=sum(isinstance(s, ActionStep) for s in self.story.steps))
        self.entity_types = set(processor.domain.entities)

    def fail(self, d: Divergence, comment: str) -> None:
        if self.result.divergence is None:
            self.result.divergence = d
            self.result.predicted[d.step] = comment

    def run(self) -> StoryResult:
        steps = self.story.steps
        turns: list[tuple[int, IntentStep, list[tuple[int, Step]]]] = []
        for i, s in enumerate(steps):
            if isinstance(s, CheckpointStep):
                continue  # Rasa's test stories do not join on checkpoints; the steps around it run as one story
            user = s if isinstance(s, IntentStep) else None
            if isinstance(s, OrStep) and s.alternatives and isinstance(s.alternatives[0], IntentStep):
                user = s.alternatives[0]  # send the first alternative; any of them counts as right
            if user is not None:
                turns.append((i, user, []))
            elif not turns:
                if isinstance(s, ActionStep) and s.action in _IMPLICIT:
                    continue
                self.fail(Divergence(i, "unsupported", None, None, "a test story must start with a user turn", s.source),
                          "unsupported: steps before the first user turn")
                return self.result
            else:
                turns[-1][2].append((i, s))
        for k, (index, user, after) in enumerate(turns):
            self._turn(index, user, after, last=k == len(turns) - 1)
        return self.result

    def _turn(self, index: int, user: IntentStep, after: list[tuple[int, Step]], last: bool) -> None:
        step = self.story.steps[index]
        alternatives = step.alternatives if isinstance(step, OrStep) else (user,)
        before = len(self.p.load(self.sender).events)
        with _recording(self.p) as rec:
            turn = self.p.handle_message(UserMessage(self.sender, _message_text(user), "e2e", {}))
        events = self.p.load(self.sender).events
        new = events[before:]
        u = next((k for k, e in enumerate(new) if isinstance(e, UserUttered)), None)
        if u is None:
            self.fail(Divergence(index, "turn_failed", user.intent, None, f"the turn stored no user event ({turn.error})", user.source),
                      f"turn failed: {turn.error}")
            return
        uttered = new[u]
        assert isinstance(uttered, UserUttered)
        intent = uttered.intent_name or "nlu_fallback"
        wanted = [a.intent for a in alternatives if isinstance(a, IntentStep) and a.intent]
        if wanted:
            self.result.user_turns += 1
            self.result.intents_correct += intent in wanted
        if self.result.divergence is not None:
            return  # past the first divergence only the intent is scored
        types = self.entity_types | {e.entity for a in alternatives if isinstance(a, IntentStep) for e in a.entities}
        predicted_entities = [e for e in uttered.entities if e.get("entity") in types]
        text = uttered.text
        if wanted and intent not in wanted:
            self.fail(Divergence(index, "intent", wanted[0] if len(wanted) == 1 else wanted, intent, None, user.source),
                      f"{intent}: {_annotated(text, predicted_entities)}")
            return
        if not any(_entities_match(a.entities, predicted_entities, text) for a in alternatives if isinstance(a, IntentStep)):
            self.fail(Divergence(index, "entities", _show_entities(user.entities), _show_entities(predicted_entities), None, user.source),
                      f"{intent}: {_annotated(text, predicted_entities)}")
            return
        if turn.error == "store_unavailable":
            self.fail(Divergence(index, "turn_failed", None, None, "the tracker store could not be reached", user.source),
                      "turn failed: store unavailable")
            return
        # the state after the user turn, then after each action the engine ran (from the recorder, so a
        # failed turn, whose events the engine drops, still shows which action failed and why)
        first_action = next((k for k, e in enumerate(new) if k > u and isinstance(e, ActionExecuted)), len(new))
        shadow = DialogueStateTracker.from_events(self.sender, events[: before + first_action], self.p.slot_defs)
        groups = [_snapshot(shadow, None, [])]
        for r in rec.runs:
            if r.error is None and any(isinstance(e, ActionExecutionRejected) for e in r.events):
                shadow.update_with_events(r.events)  # a rejected action did not run; the next policy chose again
                continue
            if r.name != ACTION_SESSION_START_NAME:
                shadow.update(ActionExecuted(r.name))
            shadow.update_with_events(r.events)
            if r.name not in _IMPLICIT:
                groups.append(_snapshot(shadow, r.name, r.events, r.error))
            if r.error is not None:
                break
        self._compare(index, after, groups, last)

    def _compare(self, index: int, after: list[tuple[int, Step]], groups: list[_Group], last: bool) -> None:
        g = 0  # the group whose state the checks read: 0 is the user turn, k the k-th action
        for i, s in after:
            if isinstance(s, ActionStep):
                g += 1
                self.result.actions_evaluated += 1
                expected = s.action if s.action is not None else f"bot: {s.bot}"
                if g >= len(groups):
                    self.fail(Divergence(i, "action", expected, ACTION_LISTEN_NAME, None, s.source), ACTION_LISTEN_NAME)
                    return
                got = groups[g]
                name_ok = got.action == s.action if s.action is not None else s.bot in got.bot_texts
                if got.error is not None:
                    reason = _reason(got.error)
                    kind = "action_failed" if name_ok else "action"
                    self.fail(Divergence(i, kind, expected, got.action, reason, s.source), f"{got.action} (failed: {reason})")
                    return
                if not name_ok:
                    self.fail(Divergence(i, "action", expected, got.action, None, s.source), str(got.action))
                    return
                self.result.actions_correct += 1
            elif isinstance(s, SlotWasSetStep | OrStep):
                alts = s.alternatives if isinstance(s, OrStep) else (s,)
                misses = [_check_slots(a, groups[g]) for a in alts if isinstance(a, SlotWasSetStep)]
                if misses and all(m is not None for m in misses):
                    first = next(a for a in alts if isinstance(a, SlotWasSetStep))
                    have = {x.slot: groups[g].slots.get(x.slot) for x in first.slots}
                    self.fail(Divergence(i, "slot", _expected_slots(first.slots), have, None, s.source), str(misses[0]))
                    return
            elif isinstance(s, ActiveLoopStep):
                if groups[g].active_loop != s.name:
                    self.fail(Divergence(i, "active_loop", s.name, groups[g].active_loop, None, s.source),
                              f"active_loop: {groups[g].active_loop or 'null'}")
                    return
        if len(groups) > g + 1 and (after or not last):  # the engine went on where the story waits for the user
            # (a story that ends on a user turn says nothing about the reply, as in Rasa)
            extra = groups[g + 1]
            at = after[-1][0] + 1 if after else index + 1
            self.result.actions_evaluated += 1
            why = _reason(extra.error) if extra.error is not None else None
            self.fail(Divergence(at, "action", ACTION_LISTEN_NAME, extra.action, why, None),
                      str(extra.action) + (f" (failed: {why})" if why else ""))


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _annotated(text: str | None, entities: list[dict[str, Any]]) -> str:
    """``text`` with the predicted entities marked up as ``[span](entity)``, as Rasa's comments show them."""
    if not text:
        return ""
    spans = sorted((e for e in entities if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)),
                   key=lambda e: int(e["start"]), reverse=True)
    out, last = text, len(text) + 1
    for e in spans:
        start, end = int(e["start"]), int(e["end"])
        if end > last or start < 0 or end > len(text):
            continue
        out = f"{out[:start]}[{out[start:end]}]({e.get('entity')}){out[end:]}"
        last = start
    return out


class _DropActionFailures(logging.Filter):
    """Drops the engine's "action failed" records (with their stack) while stories run: the
    report carries each failure's reason at its step, and a story run expects failures."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "action failed"


def run_stories(processor: MessageProcessor, stories: list[TestStory]) -> E2EReport:
    """Run each story in a fresh conversation (its own sender id) through ``processor``.

    The processor's tracker store receives the conversations (use a throwaway one). Never raises for
    a failing story or action; each story's first divergence is in its :class:`StoryResult`.
    """
    run_id = uuid.uuid4().hex[:8]
    engine_log = logging.getLogger("assistant.dialogue.processor")
    quiet = _DropActionFailures()
    engine_log.addFilter(quiet)
    try:
        results = [_StoryRunner(processor, t, f"e2e-{run_id}-{k}").run() for k, t in enumerate(stories)]
    finally:
        engine_log.removeFilter(quiet)
    return E2EReport(tuple(results))


# --- writing ----------------------------------------------------------------------------------------


def _yaml_scalar(value: Any) -> str:
    """One-line YAML for a value (JSON is valid YAML flow syntax), so a trailing comment is safe."""
    return json.dumps(value, ensure_ascii=False, default=str)


def write_failed_stories(stories: list[TestStory], report: E2EReport, path: Path) -> int:
    """Write the failed stories as Rasa 3.x YAML with ``# predicted: ...`` comments on the wrong step.

    Each story is written step for step as in its file (the story's name gets `` (file:line)``
    appended, as Rasa appends the file); an extra action where the story waits for the user is
    written as ``- action: action_listen  # predicted: X``. With no failures the file holds Rasa's
    line ``# None of the test stories failed - all good!`` and an empty list.

    Returns:
        The number of stories written.
    """
    lines = ['version: "3.1"']
    failed = [(t, r) for t, r in zip(stories, report.results, strict=True) if not r.passed]
    if not failed:
        lines += ["# None of the test stories failed - all good!", "stories: []"]
    else:
        lines.append("stories:")
    for t, r in failed:
        lines.append(f"- story: {_yaml_scalar(f'{t.story.name} ({t.story.source})')}")
        lines.append("  steps:")
        d = r.divergence
        listen_at = d.step if d is not None and d.kind == "action" and d.expected == ACTION_LISTEN_NAME else None
        for i in range(len(t.raw_steps) + 1):
            comment = r.predicted.get(i)
            if i == listen_at and comment is not None:
                lines.append(f"  - action: {ACTION_LISTEN_NAME}  # predicted: {_comment(comment)}")
                comment = None
            if i == len(t.raw_steps):
                break
            raw = t.raw_steps[i]
            keys = list(raw)
            anchor = next((k for k in ("intent", "action", "slot_was_set", "active_loop") if k in raw), keys[0] if keys else None)
            for n, k in enumerate(keys):
                line = f"  {'-' if n == 0 else ' '} {k}: {_yaml_scalar(raw[k])}"
                if comment is not None and k == anchor:
                    line += f"  # predicted: {_comment(comment)}"
                lines.append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(failed)


def _comment(text: str) -> str:
    return " ".join(text.split())


# --- the command ------------------------------------------------------------------------------------


def build_test_processor(settings: Settings, embedder: Embedder, workdir: Path, project: Path | None = None) -> MessageProcessor:
    """A conversation engine for test stories: the real one, with throwaway state under ``workdir``.

    For the assistant's own project (``settings.intents_dir``), retrieval and the composer come from
    ``settings.home`` (prepared with :func:`~assistant.app_state.ensure_ready` on first use, as ``assistant ask``
    does). With ``project`` (a Rasa project folder other than ``settings.intents_dir``: a peer project) the NLU is
    trained on it in memory and its domain and rules are used, and the home is only read: its knowledge index when
    it has one (the peer's own documents, ``assistant knowledge import dir``), else no knowledge at all (knowledge
    questions abstain). The government corpus is never imported for a peer project, nor the bundled NLU trained
    into its home (fresh-user s10 #7). Conversations go to a SQLite tracker store in ``workdir``, locks are in
    memory, and handoffs go to a file queue in ``workdir`` (never to ``ASSISTANT_HANDOFF_URL``); custom actions go
    to ``ASSISTANT_ACTION_ENDPOINT_URL`` as usual.

    Raises:
        InvalidConfigError: a malformed project.
        ModelNotFoundError: the home's index was built with another embedder.
    """
    from assistant.app_state import build_engine, ensure_ready, load_router
    from assistant.stores.locks import make_lock_store
    from assistant.stores.trackers import SQLTrackerStore

    project_dir = project or settings.intents_dir
    run_settings = settings.model_copy(update={"home": workdir, "intents_dir": project_dir, "handoff_url": None,
                                               "tracker_store_url": None, "lock_store_url": None, "connector_actions": ""})
    trackers, locks = SQLTrackerStore(f"sqlite:///{workdir / 'trackers.db'}"), make_lock_store(None)
    executor = _connector_executor(settings, workdir, project_dir)
    if project is None or project.resolve() == settings.intents_dir.resolve():
        ensure_ready(settings, embedder, progress=False)
        router = load_router(settings, embedder)
        return build_engine(run_settings, router.nlu, embedder, router.retriever, router.composer, trackers, locks, executor)
    nlu = _peer_nlu(project, embedder)
    retriever, composer = _home_knowledge(settings, embedder)
    return build_engine(run_settings, nlu, embedder, retriever, composer, trackers, locks, executor)


def _peer_nlu(project: Path, embedder: Embedder) -> NluPipeline:
    """The NLU of a peer project, trained in memory (nothing is written).

    Raises:
        InvalidConfigError: a malformed project.
    """
    from assistant.nlu.pipeline import NluPipeline
    from assistant.nlu.project import load_project
    from assistant.nlu.tokenizer import KoreanTokenizer

    nlu, _ = NluPipeline.train(load_project(project), embedder, KoreanTokenizer())
    nlu.entities.warm_up()
    return nlu


def _home_knowledge(settings: Settings, embedder: Embedder) -> tuple[HybridRetriever | None, AnswerComposer | None]:
    """The retriever and composer of the home's knowledge index, or ``(None, None)`` when the home has none.

    Raises:
        ModelNotFoundError: the index was built with another embedder.
    """
    from assistant.errors import ModelNotFoundError
    from assistant.knowledge.composer import AnswerComposer
    from assistant.knowledge.index import current_version, load_index
    from assistant.knowledge.retriever import HybridRetriever
    from assistant.nlu.tokenizer import KoreanTokenizer

    if current_version(settings.index_dir) is None:
        return None, None
    index = load_index(settings.index_dir)
    if index.embedder_name != embedder.name:
        raise ModelNotFoundError(f"the index was built with {index.embedder_name}, not {embedder.name}; re-import the knowledge")
    tokenizer = KoreanTokenizer()
    retriever = HybridRetriever(index, embedder, tokenizer)
    retriever.warm_up()
    return retriever, AnswerComposer(index, tokenizer, settings.abstain_threshold, settings.oos_threshold)


def _connector_executor(settings: Settings, workdir: Path, project_dir: Path) -> ActionExecutor | None:
    """The connector actions of a test-story run: they read the home's catalogue (the eligibility conditions,
    the application checklists) as the served assistant does, and keep what they write (applications, alert
    subscriptions, consents, proactive messages, the applicant key) under ``workdir``.

    With the whole home moved to ``workdir`` (as before) the eligibility form found no catalogue and ended at
    once on every home, so the project's own eligibility story failed on the gov24 home (fresh-user test s7,
    defect 6). Custom actions the connectors do not serve go to ``ASSISTANT_ACTION_ENDPOINT_URL`` as usual.
    """
    import secrets

    from assistant.dialogue.sdk import SdkActionExecutor, load_actions

    fallback: ActionExecutor | None = None
    if settings.action_endpoint_url:
        from assistant.dialogue.action_server import ActionServerClient

        fallback = ActionServerClient.from_settings(settings)
    state = settings.model_copy(update={
        "intents_dir": project_dir, "handoff_url": None, "tracker_store_url": None, "lock_store_url": None,
        "tasks_db_url": f"sqlite:///{workdir / 'tasks.db'}", "alerts_db_url": f"sqlite:///{workdir / 'alerts.db'}",
        "mydata_db_url": f"sqlite:///{workdir / 'mydata.db'}", "outbox_db_url": f"sqlite:///{workdir / 'outbox.db'}",
        "tasks_applicant_secret": settings.tasks_applicant_secret or secrets.token_hex(32)})
    actions = load_actions(settings.connector_action_modules, state)
    return SdkActionExecutor(actions, fallback=fallback) if actions else fallback


def run_e2e(path: Path, settings: Settings, embedder: Embedder, project: Path | None = None,
            out_dir: Path | None = None, processor: MessageProcessor | None = None, forced: bool = False) -> dict[str, Any]:
    """Run the test stories at ``path`` and write the reports.

    Args:
        path: a test-story file or a folder of them.
        settings, embedder: as for :func:`build_test_processor`.
        project: the Rasa project the stories test (default ``settings.intents_dir``).
        out_dir: where ``failed_test_stories.yml`` and ``e2e_report.json`` go; nothing written when None.
        processor: run on this engine instead of building one (tests).
        forced: evaluate as Rasa's ``rasa test`` does, each prediction on the story's own history
            (:func:`~assistant.dialogue.e2e_forced.run_stories_forced`) instead of running the conversation.

    Returns:
        :meth:`E2EReport.to_json` plus ``"report_dir"`` when written.

    Raises:
        InvalidInputError: ``path`` missing or without stories.
        InvalidConfigError: malformed YAML in the stories or the project.
    """
    stories = load_test_stories(path)
    with tempfile.TemporaryDirectory(prefix="assistant-e2e-") as tmp:
        engine = processor or build_test_processor(settings, embedder, Path(tmp), project)
        if forced:
            from assistant.dialogue.e2e_forced import run_stories_forced

            report = run_stories_forced(engine, stories)
        else:
            report = run_stories(engine, stories)
    result = report.to_json()
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_failed_stories(stories, report, out_dir / FAILED_STORIES_FILE)
        (out_dir / REPORT_FILE).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        result["report_dir"] = str(out_dir)
    return result
