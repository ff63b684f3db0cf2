"""Actions: what the assistant does after it decides (responses, forms, knowledge, handoff ...).

An action has a ``name`` and ``run(tracker, domain, context) -> list[Event]``
(the events it produces; ``bot`` events are its messages). Built-ins follow
Rasa's default actions (``rasa/core/actions/action.py``): ``action_listen``,
``utter_*`` responses, ``action_restart``, ``action_session_start``,
``action_default_fallback``, ``action_deactivate_loop``; ours add
``action_answer_from_knowledge``, ``action_handoff``, ``action_repeat`` and
``action_clarify`` (see :mod:`assistant.dialogue.builtin_actions`).

:class:`ActionRegistry` resolves a name: a registered in-process action (a
connector registers its own with :meth:`ActionRegistry.register`), a form, an
``utter_*`` response, a retrieval action (``utter_faq`` for ``utter_faq/*`` responses), or else a custom action run through the
:class:`ActionExecutor` (the Rasa action-server client); with no executor the
error says so: "no action server configured for action X".
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from assistant.dialogue.executors import ActionExecutor, ActionNotFoundError, ActionResult
from assistant.dialogue.events import ACTION_LISTEN_NAME, BotUttered, Event
from assistant.dialogue.responses import render_response
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.errors import InvalidConfigError
from assistant.nlu.domain import Domain
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.dialogue.effects import EffectJournal
    from assistant.dialogue.handoff import HandoffSink
    from assistant.knowledge.composer import Answer
    from assistant.dialogue.other_services import Answered

logger = logging.getLogger(__name__)

__all__ = ["ActionExecutor", "ActionNotFoundError", "ActionRegistry", "NoActionServer"]


class Knowledge(Protocol):
    """Answers a question from documents (retrieval + composer)."""

    def answer(self, text: str, vector: np.ndarray | None, p_oos: float, region: str | None = None,
               language: str | None = None, excluded: frozenset[str] = frozenset()) -> Answer:
        """The composed answer (``abstained`` when no document answers); ``region``: where the citizen lives, when
        known; ``language``: the answer's language when not the question's (a citizen who asked for the other one,
        :mod:`assistant.dialogue.language_switch`; :meth:`assistant.knowledge.composer.AnswerComposer.run`);
        ``excluded``: titles of services that are no answer (set aside earlier in the conversation)."""
        ...


class ServiceNames(Protocol):
    """Finds the names of known services in a message."""

    def find(self, text: str) -> list[str]:
        """Service titles named in ``text`` (empty when none)."""
        ...


@dataclass
class TurnContext:
    """What actions and policies may use during one turn besides the tracker.

    Attributes:
        settings: thresholds and limits.
        domain: the domain.
        channel: the input (= output) channel, e.g. ``rest``.
        language: ``ko`` / ``en`` for this turn.
        vector: the message embedding (reused by retrieval), or None.
        knowledge: the document answerer, or None (then knowledge questions abstain).
        services: service-name finder, or None.
        handoff: where handoff transcripts go, or None (then they are only logged).
        query: the message as retrieval should read it (spaces normalised, a long
            message condensed to its question), or None to use the raw text.
        effects: the turn's custom action calls (:mod:`assistant.dialogue.effects`), or None (calls run
            unjournaled, e.g. a tracker store without an outbox).
    """

    settings: Settings
    domain: Domain
    channel: str | None = None
    language: str = "ko"
    vector: np.ndarray | None = None
    knowledge: Knowledge | None = None
    services: ServiceNames | None = None
    handoff: HandoffSink | None = None
    query: str | None = None
    #: the service name (as its title writes it) the message is nothing but (:class:`~assistant.dialogue.bare_title.BareTitlePolicy`): the
    #: knowledge answer reads it instead of the message, and the message's out_of_scope probability is not held
    #: against it ("에너지 바우쳐요" reads as out_of_scope 0.8); None for any other message
    named_title: str | None = None
    #: the service (its title) a short follow-up question is about (:class:`~assistant.dialogue.service_followup.
    #: ServiceFollowUpPolicy`): ``query`` then holds the title and the message, answered without the message's
    #: out_of_scope probability ("How much is it?" reads as out_of_scope); None for any other message
    about_service: str | None = None
    #: a fact about the person said after that service was answered ("저희 한부모 가정이에요", "청년인데 가능해요?"):
    #: the document answered, per fact ``(the word said, its ways of being written)``, and whether it was asked as a
    #: question (not stated); the knowledge answer then
    #: quotes the lines of that document that speak of them (:meth:`~assistant.knowledge.composer.AnswerComposer.
    #: lines_answer`), else answers ``query`` as before; None for any other message
    about_facts: tuple[str, tuple[tuple[str, tuple[str, ...]], ...], bool] | None = None
    #: facts said after a service was answered that its page does not speak of ("저 직장인인데 되나요?" after
    #: 에너지바우처): the document and the words said; when the documents answer the message itself, that answer
    #: stands, else the reply says the page does not speak of them (:meth:`~assistant.knowledge.composer.
    #: AnswerComposer.unmentioned_answer`); None for any other message
    unmentioned: tuple[str, tuple[str, ...]] | None = None
    #: an aspect asked of a detail the service just answered does not speak of ("보증금은 얼마까지 지원돼요?" after
    #: 전세임대): the document and the words said; ``query`` holds its title and the message, and the answer first says
    #: the page is silent on them (:meth:`~assistant.knowledge.composer.AnswerComposer.silent_note`); None otherwise
    silent_on: tuple[str, tuple[str, ...]] | None = None
    #: a short question about an aspect of the programme whose region is being asked ("구비서류는요?":
    #: :class:`~assistant.dialogue.regional.RegionFollowUpPolicy`): the knowledge action asks the region again and
    #: joins it to the pending question; None for any other message
    region_aspect: str | None = None
    #: a fact inside a question or request outside a form (:class:`~assistant.dialogue.fact_question.FactQuestionPolicy`):
    #: the knowledge answer treats it as a knowledge question (an abstention says the documents lack it, not that it is
    #: out of scope)
    fact_question: bool = False
    #: a statement of a need restated as the question it implies (:func:`~assistant.dialogue.fact_question.
    #: implied_question`: "아기 낳았어요" → "아기 낳았어요. 받을 수 있는 지원이 있나요?"): ``query`` then holds that
    #: question, read with its own embedding and without the statement's out_of_scope probability
    restated: bool = False
    #: "다른 건요?", "이거 말고 비슷한 거 있어요?" after a service was answered (:class:`~assistant.dialogue.
    #: other_services.OtherServicesPolicy`): the titles set aside (that service's, and those answered before it for
    #: the same question), the first one's document and its question, kept in the answer's ``custom``; ``query`` then
    #: holds what the services asked for are for, read without this message's out_of_scope probability, and no page
    #: of these titles is an answer (:attr:`other_than`)
    others: Answered | None = None
    #: the language the knowledge answer is written in when not its question's: the earlier question answered again
    #: in the language the citizen asked for (:mod:`assistant.dialogue.language_switch`); None: the question's
    answer_language: str | None = None
    effects: EffectJournal | None = None
    _answers: dict[str, Answer] = field(default_factory=dict, repr=False)

    @property
    def other_than(self) -> tuple[str, ...]:
        """The titles :attr:`others` sets aside (empty when none)."""
        return self.others.set_aside if self.others is not None else ()

    def answer(self, text: str, p_oos: float = 0.0, region: str | None = None, earlier: bool = False) -> Answer | None:
        """The knowledge answer for ``text`` (computed once per turn), or None without a knowledge base.

        ``region``: where the citizen lives, when known (regional variants of one programme are then answered
        for it, :meth:`assistant.knowledge.composer.AnswerComposer.run`). ``earlier``: ``text`` is an earlier message
        of the conversation (this turn's embedding is not its embedding). The services of :attr:`other_than` are no
        answer."""
        if self.knowledge is None:
            return None
        key = f"{text}\x00{region or ''}\x00{earlier}\x00{self.answer_language or ''}\x00{'|'.join(self.other_than)}"
        if key not in self._answers:
            vector = None if earlier else self.vector
            extra: dict[str, Any] = {"excluded": frozenset(self.other_than)} if self.other_than else {}
            if self.answer_language:
                self._answers[key] = self.knowledge.answer(text, vector, p_oos, region=region or None,
                                                           language=self.answer_language, **extra)
            else:
                self._answers[key] = self.knowledge.answer(text, vector, p_oos, region=region or None, **extra)
        return self._answers[key]

    def utter(self, tracker: DialogueStateTracker, name: str, custom: dict[str, Any] | None = None,
              conditions: Mapping[str, Any] | None = None, **values: Any) -> BotUttered:
        """Render response ``name`` for this turn's language and channel with the tracker's slots; ``conditions``: slot
        values that hold for this rendering only (a conditional variant's ``place_asked``), never stored."""
        slots = {**tracker.slots, **conditions} if conditions else tracker.slots
        return render_response(self.domain, name, language=self.language, channel=self.channel, slots=slots,
                               custom=custom, **values)

    def has_response(self, name: str) -> bool:
        """Whether the domain defines response ``name``."""
        return bool(self.domain.response_variants.get(name))


class Action(Protocol):
    """One action. ``run`` must not mutate the tracker; it returns the events to apply."""

    @property
    def name(self) -> str:
        """The action's name (``utter_greet``, ``action_listen``, ``eligibility_form`` ...)."""
        ...

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """Do the action; return its events in order."""
        ...


class NoActionServer:
    """The default :class:`ActionExecutor`: none configured, so every custom action is an error."""

    def run(self, name: str, tracker: DialogueStateTracker, domain: Domain) -> ActionResult:
        """Raises:
        ActionNotFoundError: always, naming the action.
        """
        raise ActionNotFoundError(
            f"no action server configured for action {name!r} (set ASSISTANT_ACTION_ENDPOINT_URL, "
            "or register the action in-process with ActionRegistry.register)", action_name=name,
        )


@dataclass(frozen=True)
class FunctionAction:
    """An in-process action from a function ``(tracker, domain, context) -> list[Event]``."""

    name: str
    fn: Callable[[DialogueStateTracker, Domain, TurnContext], list[Event]]

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """Call the function."""
        return self.fn(tracker, domain, context)


@dataclass(frozen=True)
class UtterAction:
    """Sends the domain response of the same name (``utter_*``)."""

    name: str

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event."""
        return [context.utter(tracker, self.name)]


@dataclass(frozen=True)
class RetrievalAction:
    """Rasa's ``ActionRetrieveResponse``: ``utter_<retrieval intent>`` (e.g. ``utter_faq``) sends the response
    ``utter_<intent_response_key>`` (``utter_faq/ask_price``) that the latest message's
    ``response_selector[<retrieval intent>]`` (else ``default``) chose; nothing when there is none
    (https://rasa.com/docs/rasa/chitchat-faqs).
    """

    name: str

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """One ``bot`` event, or none when the selector chose no response of this retrieval intent."""
        base = self.name.removeprefix("utter_")
        selector = tracker.latest_message.parse_data.get("response_selector") if tracker.latest_message else None
        if not isinstance(selector, dict):
            return []
        entry = selector.get(base) or selector.get("default")
        key = ((entry or {}).get("response") or {}).get("intent_response_key") if isinstance(entry, dict) else None
        if not isinstance(key, str) or not key.startswith(base + "/") or not context.has_response(f"utter_{key}"):
            logger.info("no retrieval response", extra={"conversation_id": tracker.sender_id, "stage": "action", "action": self.name})
            return []
        return [context.utter(tracker, f"utter_{key}")]


def is_retrieval_action(name: str, domain: Domain) -> bool:
    """True when ``name`` is ``utter_<x>`` and the domain has ``utter_<x>/...`` responses but no ``utter_<x>``."""
    return name.startswith("utter_") and not domain.response_variants.get(name) and any(
        r.startswith(name + "/") for r in domain.response_variants)


@dataclass(frozen=True)
class ActionListen:
    """``action_listen``: wait for the user; produces nothing."""

    name: str = ACTION_LISTEN_NAME

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """No events."""
        return []


#: Keys of a rasa_sdk response dict that are not template keyword arguments.
_RESPONSE_KEYS = frozenset({"text", "response", "template", "buttons", "image", "custom", "attachment", "elements",
                            "quick_replies", "json_message", "recipient_id"})


@dataclass(frozen=True)
class RemoteAction:
    """A custom action run by an :class:`ActionExecutor`; its responses become ``bot`` events."""

    name: str
    executor: ActionExecutor

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """Events from the executor, then one ``bot`` event per response (domain responses rendered here).

        With ``context.effects`` the call is journaled (:mod:`assistant.dialogue.effects`): it gets the turn's
        idempotency key (``tracker.idempotency_key`` while it runs), and a result recorded by an earlier attempt of
        this turn is reused instead of calling again.
        """
        journal = getattr(context, "effects", None)  # (a caller outside a turn may pass no context)
        if journal is None:
            return result_events(self.executor.run(self.name, tracker, domain), tracker, context)

        def call(key: str) -> ActionResult:
            previous, tracker.idempotency_key = tracker.idempotency_key, key
            try:
                return self.executor.run(self.name, tracker, domain)
            finally:
                tracker.idempotency_key = previous

        return result_events(journal.run(self.name, call), tracker, context)


def result_events(result: ActionResult, tracker: DialogueStateTracker, context: TurnContext) -> list[Event]:
    """A custom action's result as tracker events: its events, then one ``bot`` event per response (a domain
    response rendered with the message's keyword arguments, as Rasa's ``RemoteAction`` does)."""
    events, responses = result
    out: list[Event] = list(events)
    for r in responses:
        name = r.get("response") or r.get("template")
        if isinstance(name, str) and context.has_response(name):
            # Rasa fills the response's {placeholders} from the utter_message keyword arguments
            # (rasa_sdk sends them as extra keys of the response dict), then from the slots.
            kwargs = {k: v for k, v in r.items() if k not in _RESPONSE_KEYS and v is not None}
            # what the action put in the message's custom (citations of the text it filled in) is kept
            action_custom = r.get("custom") if isinstance(r.get("custom"), dict) else None
            event = context.utter(tracker, name, custom=action_custom or None, **kwargs)
            if r.get("buttons"):  # Rasa appends the action's buttons to the response's own
                event = BotUttered(event.text, {**event.data, "buttons": [*(event.data.get("buttons") or []),
                                                                         *copy.deepcopy(r["buttons"])]})
            out.append(event)
            continue
        data: dict[str, Any] = {k: copy.deepcopy(v) for k, v in r.items() if k not in ("text", "response", "template") and v}
        custom = dict(data.pop("custom", None) or {})
        custom.setdefault("citations", [])
        custom.setdefault("abstained", False)
        custom["language"] = context.language
        out.append(BotUttered(r.get("text"), {**data, "custom": custom}))
    return out


class ActionRegistry:
    """Actions by name, with one place to add connector actions.

    Args:
        executor: runs custom actions that are not registered in-process
            (default :class:`NoActionServer`).

    Example:
        >>> reg = ActionRegistry()
        >>> reg.register(FunctionAction("action_hello", lambda t, d, c: []))
        >>> reg.get("action_hello", Domain()).name
        'action_hello'
    """

    def __init__(self, executor: ActionExecutor | None = None) -> None:
        self._actions: dict[str, Action] = {}
        self.executor: ActionExecutor = executor or NoActionServer()

    def register(self, action: Action, *, replace: bool = False) -> None:
        """Add an in-process action.

        Raises:
            InvalidConfigError: the name is taken and ``replace`` is False.
        """
        if action.name in self._actions and not replace:
            raise InvalidConfigError(f"action {action.name!r} is already registered")
        self._actions[action.name] = action

    def names(self) -> list[str]:
        """Registered in-process action names, sorted."""
        return sorted(self._actions)

    def get(self, name: str, domain: Domain) -> Action:
        """The action called ``name``: registered, else a domain response, else a :class:`RemoteAction`."""
        if name in self._actions:
            return self._actions[name]
        if name.startswith("utter_") and domain.response_variants.get(name):
            return UtterAction(name)
        if is_retrieval_action(name, domain):
            return RetrievalAction(name)
        return RemoteAction(name, self.executor)
