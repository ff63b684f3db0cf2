"""The conversation engine: one user message in, the replies and the turn's events out.

:meth:`MessageProcessor.handle_message`, after Rasa's ``MessageProcessor``
(``rasa/core/processor.py``):

1. a message id already processed (``UserMessage.metadata["message_id"]``) →
   the stored reply, nothing runs again (case C07);
2. lock the conversation (lock store);
3. load its tracker (tracker store); start a session when it is new or expired
   (domain ``session_config``);
4. NLU (or a ``/intent{"entity": "value"}`` payload, as Rasa's
   RegexMessageHandler reads it) → ``user`` event; slot mappings fill slots;
   the ``language`` slot follows the message (when it is the conversation's
   language: custom mappings only, and ``ko``/``en`` among its values);
5. unless the conversation is paused (handoff): predict and run actions until
   ``action_listen``, at most ``settings.max_actions_per_turn``;
6. save the new events exactly once, with the message id, the reply and the
   turn's custom action effects (:mod:`assistant.dialogue.effects`) in the same
   transaction. A custom action's effect is done once across a failed save, a
   crash or a redone turn: its call has an idempotency key per (conversation,
   turn, call), its result is recorded as soon as it returns and reused by a
   retry of the turn, and an effect whose turn never came back is delivered at
   the start of the conversation's next turn. The turn is the channel's message
   id; a message without one gets :func:`turn_key` of its text and the stored
   conversation, so the citizen's re-send of a message whose turn was never
   stored is the same turn (same keys), and the same words after it was stored
   are a new one.

A failing action is logged with the conversation id and stack; the turn's
events after the user message are dropped, the user gets ``utter_turn_failed``
and the user event is kept. A tracker store that cannot be reached gives the
same polite message (nothing can be stored then; the log says so).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.dialogue.actions import Action, ActionRegistry, TurnContext, result_events
from assistant.dialogue.effects import EffectJournal, journal_for
from assistant.dialogue.events import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    ActionExecuted,
    ActionExecutionRejected,
    BotUttered,
    ConversationResumed,
    EventDict,
    SlotSet,
    UserUttered,
)
from assistant.dialogue.forms import FormAction, extract_slots
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.dialogue.policies import PolicyEnsemble
from assistant.dialogue.responses import message_from_json, message_to_json, to_bot_message
from assistant.dialogue.tracker import DialogueStateTracker, EventVerbosity, SessionConfig, load_tracker, save_tracker
from assistant.dialogue.typed_buttons import typed_button_parse
from assistant.dialogue.understood import turn_language
from assistant.errors import (
    ConcurrentUpdateError,
    DuplicateMessageError,
    InvalidInputError,
    LockTimeoutError,
    MessageIdConflictError,
    StoreUnavailableError,
)
from assistant.knowledge.embedder import MAX_QUERY_CHARS, Embedder
from assistant.nlu.domain import Domain
from assistant.nlu.language import detect_language
from assistant.nlu.pipeline import NluPipeline
from assistant.nlu.preprocess import condense, search_words, without_markup
from assistant.nlu.tokenizer import normalize_spaces
from assistant.settings import Settings
from assistant.stores.locks import LockStore
from assistant.stores.trackers import TrackerStore

logger = logging.getLogger(__name__)
#: times a turn is redone when another process wrote to its conversation meanwhile (no shared lock store)
_REDO_ON_CONFLICT = 2

#: Entities that are personal data: never echoed back in a reply's custom data.
PII_ENTITIES = frozenset({"rrn", "phone-number"})
#: Intents with a built-in action (Rasa's default rules).
DEFAULT_INTENT_ACTIONS = {"restart": "action_restart", "session_start": "action_session_start"}
_PAYLOAD = re.compile(r"^/([A-Za-z0-9_\-]+)(\{.*\})?\s*$", re.DOTALL)
#: said first when a citizen types a resident registration, passport, driver's licence, card or account number: the
#: assistant never needs one (MyData brings records with consent), and a chat transcript is no place for it.
_NUMBER_WARNING = {
    "ko": "주민등록번호·여권번호·운전면허번호·카드번호·계좌번호는 채팅에 입력하지 마세요. 상담에 필요하지 않아요.",
    "en": "Please don't type resident registration, passport, driver's licence, card or account numbers in the chat: "
          "I never need them.",
}
#: Said after :data:`_NUMBER_WARNING` when the message asks for money to be paid into the account it types
#: (:data:`_PAID_INTO_ACCOUNT`), as the whole reply: s46 probe, "계좌번호 …로 지원금 넣어주세요" got only the warning and
#: "which service?", and "Please deposit the grant into my account …" was answered with 청년 월세 지원.
_REGISTERED_ACCOUNT = {
    "ko": "지원금은 신청할 때 담당 기관에 등록한 본인 명의 계좌로 들어가요. 이 상담창에서는 계좌를 받거나 돈을 보낼 수 없어요. "
          "어떤 지원금인지 알려 주시면 신청 방법을 안내해 드릴게요.",
    "en": "Benefits are paid into the account you register with the agency when you apply; I can't take account details "
          "or send money here. Tell me which benefit it is and I'll tell you how to apply.",
}
#: A request to pay money into an account: "…로 지원금 넣어주세요", "입금해 주세요", "보내 줘", "deposit it", "send the
#: money to my account", "pay it into my account".
_PAID_INTO_ACCOUNT = re.compile(r"(?:넣어|입금|보내|송금|부쳐|쏴|지급)\s*(?:해\s*)?(?:주|줘|달라|줄\s*수|받을\s*수)"
                                r"|\b(?:deposit|send|pay|transfer|wire)\b[^.?!]*\b(?:money|it|benefit|grant|payment|funds?)\b"
                                r"|\b(?:into|to)\s+my\s+(?:bank\s+)?account\b", re.I)
_WARNED_KINDS = frozenset({"rrn", "card", "account", "passport", "license"})
#: an ``account`` span (hyphenated digit groups) warns only beside a word for an account: the same shape is a
#: receipt ("TK-20200101-00000000"), a case number or a date range, which a citizen is asked to type
_ACCOUNT_CUE = re.compile(r"계좌|통장|입금|은행|account|bank", re.IGNORECASE)
#: a number right after a letter code and a hyphen is a reference ("TK-20200101-00000000", a receipt whose digits
#: happen to pass the card check): still masked at rest, but no warning
_CODE_PREFIX = re.compile(r"(?<![A-Za-z])[A-Za-z]{1,5}-$")
_FAILED = {
    "ko": "죄송해요, 지금 답변을 드리는 중에 문제가 생겼어요. 잠시 후 다시 말씀해 주세요. 급하시면 정부민원안내콜센터(110)로 전화해 주세요.",
    "en": "Sorry, something went wrong while I was answering. Please try again in a moment, or call the Government Call Center on 110.",
}


@dataclass(frozen=True)
class Turn:
    """What one turn produced.

    Attributes:
        messages: the replies in order (empty while a person has the conversation).
        language: ``ko`` / ``en``; intent: ``{"name", "confidence"}`` of the message.
        events: the turn's new events (Rasa JSON); empty for a replayed reply.
        replayed: True when the message id was processed before and the stored reply was returned.
        error: ``None``, ``"turn_failed"`` or ``"store_unavailable"``.
    """

    messages: tuple[BotMessage, ...]
    language: str
    intent: dict[str, Any]
    events: tuple[EventDict, ...] = ()
    replayed: bool = False
    error: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``assistant ask --json`` shape: ``text``, ``language``, ``intent``, ``citations``, ``abstained``."""
        citations: list[Any] = next((list(m.custom["citations"]) for m in self.messages if m.custom.get("citations")), [])
        return {
            "text": "\n\n".join(m.text for m in self.messages),
            "language": self.language,
            "intent": {"name": self.intent.get("name") or "", "confidence": round(float(self.intent.get("confidence") or 0.0), 4)},
            "citations": citations,
            "abstained": bool(self.messages[-1].custom.get("abstained", True)) if self.messages else True,
        }

    def reply_json(self) -> dict[str, Any]:
        """What is stored for the message id: ``{"messages", "language", "intent"}``."""
        return {"messages": [message_to_json(m) for m in self.messages], "language": self.language, "intent": self.intent}

    @classmethod
    def from_reply(cls, reply: dict[str, Any]) -> Turn:
        """The turn a stored reply describes (``replayed=True``)."""
        msgs = tuple(message_from_json(m) for m in reply.get("messages") or [])
        return cls(msgs, str(reply.get("language") or "ko"), dict(reply.get("intent") or {}), (), True)


class MessageProcessor:
    """Runs turns. Thread-safe: turns of one conversation are serialized by the lock store.

    Args:
        settings: thresholds and limits.
        domain: the domain; rules: via ``policies``.
        nlu: the NLU pipeline; embedder: its encoder (the vector is shared with retrieval).
        policies: the policy ensemble.
        registry: actions by name (built-ins, forms, connectors, action server).
        tracker_store, lock_store: where conversations live and how they are locked.
        context_defaults: ``TurnContext`` fields shared by every turn (``knowledge``, ``services``, ``handoff``).
    """

    def __init__(self, settings: Settings, domain: Domain, nlu: NluPipeline, embedder: Embedder, policies: PolicyEnsemble,
                 registry: ActionRegistry, tracker_store: TrackerStore, lock_store: LockStore, **context_defaults: Any) -> None:
        self.settings = settings
        self.domain = domain
        self.nlu = nlu
        self.embedder = embedder
        self.policies = policies
        self.registry = registry
        self.tracker_store = tracker_store
        self.lock_store = lock_store
        self.context_defaults = context_defaults
        self.slot_defs: dict[str, Any] = {**domain.slots, "requested_slot": {"initial_value": None}, "skipped_slots": {"initial_value": None}}
        self.session_config = SessionConfig(domain.session_config.session_expiration_time,
                                            domain.session_config.carry_over_slots_to_new_session)

    # --- public API -----------------------------------------------------------------------------------

    def handle_message(self, message: UserMessage) -> Turn:
        """Process one message (see the module docstring). Never raises for store or action failures."""
        mid = _message_id(message)
        try:
            if mid is not None and (stored := self.tracker_store.reply_for(message.sender_id, mid)) is not None:
                check_redelivery(self.tracker_store, message, mid)
                return Turn.from_reply(stored)
            with self.lock_store.lock(message.sender_id):
                # the turn's id, the same for every redo below: the channel's message id, else the turn key of the
                # message and the stored conversation (a re-send of a message whose turn was never stored gets it again)
                turn_id = mid if mid is not None else turn_key(self.tracker_store, message.sender_id, message.text)
                for attempt in range(1 + _REDO_ON_CONFLICT):
                    if mid is not None and (stored := self.tracker_store.reply_for(message.sender_id, mid)) is not None:
                        check_redelivery(self.tracker_store, message, mid)
                        return Turn.from_reply(stored)
                    try:
                        return self._turn(message, mid, None, turn_id)
                    except ConcurrentUpdateError:
                        # another process wrote to the conversation during this turn: only possible when several
                        # workers do not share a lock store. Nothing of this turn was stored; redo it on the new
                        # state (its actions ran once already: the operator must configure the shared lock store).
                        logger.warning("another process wrote to this conversation during the turn (%d of %d): redone on "
                                       "the new state; several workers need a shared lock store (ASSISTANT_LOCK_STORE_URL)",
                                       attempt + 1, 1 + _REDO_ON_CONFLICT,
                                       extra={"conversation_id": message.sender_id, "channel": message.channel, "stage": "store"})
                raise StoreUnavailableError(f"conversation {message.sender_id!r} kept changing under this turn "
                                            f"({1 + _REDO_ON_CONFLICT} tries): no shared lock store?")
        except (StoreUnavailableError, LockTimeoutError) as e:
            logger.error("turn failed: %s", e, extra={"conversation_id": message.sender_id, "channel": message.channel, "stage": "store"})
            lang = detect_language(normalize_spaces(message.text or ""), default=_preferred(message) or "ko")
            return Turn((to_bot_message(self._failure_message(lang)),), lang, {}, (), False, "store_unavailable")

    def trigger_intent(self, sender_id: str, intent: str, entities: dict[str, Any] | None = None, channel: str = "rest") -> Turn:
        """Run a turn as if the user had sent ``intent`` (Rasa's ``trigger_intent``).

        Raises:
            InvalidInputError: the intent is not in the domain.
        """
        if intent not in self.domain.intents and intent not in DEFAULT_INTENT_ACTIONS:
            raise InvalidInputError(f"intent {intent!r} is not in the domain; known: {', '.join(self.domain.intents)}")
        parse = _payload_parse(intent, entities or {}, f"/{intent}")
        with self.lock_store.lock(sender_id):
            # a trigger repeated against the same stored conversation (its first turn was never stored) is that turn again
            key = turn_key(self.tracker_store, sender_id, f"/{intent}" + json.dumps(entities or {}, sort_keys=True, ensure_ascii=False))
            return self._turn(UserMessage(sender_id, f"/{intent}", channel, {}), None, parse, key)

    def append_user_message(self, sender_id: str, text: str, channel: str = "rest") -> dict[str, Any]:
        """Log a user message without predicting (Rasa's ``POST /conversations/{id}/messages``); returns the tracker state."""
        with self.lock_store.lock(sender_id):
            tracker = self.load(sender_id)
            tracker.start_session_if_needed(self.session_config)
            context, _ = self._log_user(tracker, UserMessage(sender_id, text, channel, {}), None, None)
            save_tracker(self.tracker_store, tracker)
            return tracker.current_state()

    def resume(self, sender_id: str) -> dict[str, Any]:
        """Release a handed-off conversation (``resume`` event); returns the tracker state."""
        with self.lock_store.lock(sender_id):
            tracker = self.load(sender_id)
            if tracker.paused:
                tracker.update(ConversationResumed())
                save_tracker(self.tracker_store, tracker)
            return tracker.current_state()

    def load(self, sender_id: str) -> DialogueStateTracker:
        """The conversation's tracker from the store (empty for an unknown id)."""
        return load_tracker(self.tracker_store, sender_id, self.slot_defs)

    def tracker_state(self, sender_id: str, verbosity: EventVerbosity = EventVerbosity.AFTER_RESTART) -> dict[str, Any]:
        """Rasa's ``GET /conversations/{id}/tracker`` body."""
        return self.load(sender_id).current_state(verbosity)

    # --- one turn -------------------------------------------------------------------------------------

    def _turn(self, message: UserMessage, mid: str | None, parse: dict[str, Any] | None, turn_id: str) -> Turn:
        t0 = time.perf_counter()
        tracker = self.load(message.sender_id)
        journal = journal_for(self.tracker_store, message.sender_id, turn_id)
        recovered = self._deliver_undelivered(tracker, journal, message) if journal is not None else ()
        tracker.start_session_if_needed(self.session_config)
        context, user = self._log_user(tracker, message, mid, parse)
        context.effects = journal
        warning: BotUttered | None = None
        paid_in = False
        if not tracker.paused and _types_sensitive_number(message.text):
            # stored, so that the tracker, /story and a handoff transcript show it; a bot event without an action,
            # so no policy, rule or form reads it as the turn's answer or the last question (action_repeat skips it)
            said = _NUMBER_WARNING.get(context.language, _NUMBER_WARNING["ko"])
            paid_in = _asks_paid_into_account(message.text or "")
            if paid_in:  # where the money goes, not only what not to type
                said = f"{said} {_REGISTERED_ACCOUNT.get(context.language, _REGISTERED_ACCOUNT['ko'])}"
            warning = BotUttered(said, {"custom": {"response": "utter_pii_warning", "language": context.language}})
            tracker.update(warning)
        turn_start = len(tracker.events)
        if paid_in:
            error = None  # the request to pay into the account typed is answered by the warning alone
        elif not tracker.paused:
            try:
                self._run_actions(tracker, context)
                error = None
            except Exception:  # an action failed: keep the user event, say sorry, log with the conversation id
                logger.exception("action failed", extra={"conversation_id": tracker.sender_id, "channel": message.channel, "stage": "action"})
                tracker = _truncated(tracker, turn_start, self.slot_defs)
                if journal is not None:  # the calls' events are gone: their effects are delivered next turn
                    journal.forget_calls()
                tracker.update(BotUttered(self._failure_message(context.language).text,
                                          {"custom": {"citations": [], "abstained": True, "error": "turn_failed"}}))
                error = "turn_failed"
        else:
            error = None
            self._while_paused(tracker, context)
        if not any(isinstance(e, ActionExecuted) and e.action_name == ACTION_LISTEN_NAME for e in tracker.events[turn_start:]):
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        extra = {"intent": user.intent, "language": context.language, "entities": reply_entities(user.text, user.entities)}
        messages = tuple(to_bot_message(e, extra) for e in tracker.events[turn_start:] if isinstance(e, BotUttered))
        if warning is not None:  # the reply starts with it
            messages = (to_bot_message(warning, extra), *messages)
        messages = (*recovered, *messages)
        turn = Turn(messages, context.language, user.intent, tuple(e.to_json() for e in tracker.new_events()), False, error,
                    {"total": (time.perf_counter() - t0) * 1000})
        try:
            save_tracker(self.tracker_store, tracker, message_id=mid, reply=turn.reply_json() if mid else None,
                         effects=journal.to_commit() if journal is not None else ())
        except DuplicateMessageError as e:  # another worker answered this message id first
            logger.warning("another process answered this message id during the turn: its reply is sent and this "
                           "turn's events are dropped; several workers need a shared lock store (ASSISTANT_LOCK_STORE_URL)",
                           extra={"conversation_id": message.sender_id, "channel": message.channel, "stage": "store"})
            return Turn.from_reply(e.reply) if isinstance(e.reply, dict) else turn
        logger.debug("turn %r -> %s", (message.text or "")[:200], [e.get("name") for e in turn.events if e["event"] == "action"],
                     extra={"conversation_id": message.sender_id, "channel": message.channel, "stage": "processor",
                            "intent": user.intent_name})
        return turn

    def _while_paused(self, tracker: DialogueStateTracker, context: TurnContext) -> None:
        """A message to a handed-off conversation: the handoff action forwards it to the agent's queue and answers
        the first one once (:meth:`~assistant.dialogue.builtin_actions.ActionHandoff.while_paused`); a failure is
        logged and the turn stays silent."""
        follow = getattr(self.registry.get("action_handoff", self.domain), "while_paused", None)
        if follow is None:
            return
        try:
            for event in follow(tracker, context):
                tracker.update(event)
        except Exception:  # noqa: BLE001 - forwarding is best effort: the message is in the tracker either way
            logger.exception("message after handoff not forwarded", extra={"conversation_id": tracker.sender_id,
                                                                            "stage": "handoff"})

    def _deliver_undelivered(self, tracker: DialogueStateTracker, journal: EffectJournal,
                             message: UserMessage) -> tuple[BotMessage, ...]:
        """Append the effects of turns that were never stored (their actions ran, the save did not happen) before
        this turn's message: ``ActionExecuted`` (policy ``recovered``), their events and messages, then
        ``action_listen``; returns their messages, said first in this turn's reply."""
        effects = journal.undelivered()
        if not effects:
            return ()
        lang = _conversation_language(tracker) or _preferred(message) or "ko"
        context = TurnContext(self.settings, self.domain, message.channel, lang, None, **self.context_defaults)
        start = len(tracker.events)
        for effect in effects:
            events = result_events(journal.adopt(effect), tracker, context)
            tracker.update(ActionExecuted(str(effect["action_name"]), "recovered", 1.0))
            tracker.update_with_events(events)
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME, "recovered", 1.0))
        logger.warning("delivered %d action effect(s) whose turn was never stored", len(effects),
                       extra={"conversation_id": tracker.sender_id, "channel": message.channel, "stage": "store",
                              "actions": [e["action_name"] for e in effects]})
        return tuple(to_bot_message(e, {"recovered": True}) for e in tracker.events[start:] if isinstance(e, BotUttered))

    def _log_user(self, tracker: DialogueStateTracker, message: UserMessage, mid: str | None,
                  parse: dict[str, Any] | None) -> tuple[TurnContext, UserUttered]:
        if parse is None and (words := without_markup(message.text or "")) != (message.text or "") and words.strip():
            # HTML pasted or probed ("<script>alert(1)</script> 에너지바우처"): its words are the message, read and
            # stored (s42 probe: the markup made it out of scope); markup with no words stays as sent
            message = dataclasses.replace(message, text=words)
        text = normalize_spaces(message.text or "").strip()
        conversation = _conversation_language(tracker)
        default = _preferred(message) or conversation or "ko"
        if parse is None:
            parse = self._payload(text)
        # a button's payload ("/cancel") says nothing about the language: keep the conversation's, even over the
        # page's metadata.language (a Korean page sends "ko" with a button of an English conversation)
        language = (conversation or default) if parse is not None else turn_language(text, conversation, default)
        query = condense(text, MAX_QUERY_CHARS) if len(text) > MAX_QUERY_CHARS else text
        if len(text) > MAX_QUERY_CHARS:
            logger.warning("long message condensed", extra={"conversation_id": message.sender_id, "channel": message.channel,
                                                             "stage": "nlu", "chars": len(text)})
        vector = None
        if parse is None:
            if text:
                vector = self.embedder.embed_queries([query])[0]
                parse = self.nlu.parse(message.text or "", vector=vector, language=language).to_rasa()
                parse = self._typed_button(tracker, message.text or "", parse)
            else:
                parse = {"intent": {}, "entities": [], "intent_ranking": []}
        if (words := search_words(query)) != query:
            # a number the citizen should not have typed, a phone number or an e-mail address, with the words naming
            # it, is no search word (s44 probe: "계좌번호 110-… 로 지원금 받을 수 있나요" found 청년내일저축계좌 on 계좌);
            # the NLU read the message as written (above), retrieval reads it without them
            query = words
            if vector is not None:
                vector = self.embedder.embed_queries([query])[0]
        read = parse.get("intent") or {}
        if conversation is not None and language != conversation and _ONE_LATIN_WORD.fullmatch(text) and (
                read.get("name") in _NOT_UNDERSTOOD or float(read.get("confidence") or 0.0) < self.settings.intent_threshold):
            # one Latin word nobody understood ("asdfqwer"; "dkssudgktpdy", 안녕하세요 typed in the other layout) says
            # nothing of a language: the reply stays in the conversation's (s38 probe: a Korean conversation was told
            # "Sorry, I can't answer that here")
            language = conversation
        parse["language"] = language
        user = UserUttered(message.text, parse, message.channel, mid, metadata=dict(message.metadata or {}))
        tracker.update(user)
        context = TurnContext(self.settings, self.domain, message.channel, language, vector, query=query, **self.context_defaults)
        tracker.update_with_events(extract_slots(tracker, self.domain, self.settings.form_digression_threshold,
                                                 self.settings.intent_threshold, getattr(self.nlu, "tokenizer", None)))
        if self._language_slot(language) and tracker.get_slot("language") != language:
            tracker.update(SlotSet("language", language))
        return context, user

    def _typed_button(self, tracker: DialogueStateTracker, text: str, parse: dict[str, Any]) -> dict[str, Any]:
        """A button's words typed under it are that button (:mod:`assistant.dialogue.typed_buttons`)."""
        tokenizer = getattr(self.nlu, "tokenizer", None)
        if tokenizer is None:
            return parse
        return typed_button_parse(text, tracker.events, tokenizer, parse, self._payload)

    def _language_slot(self, language: str) -> bool:
        """Whether the domain's ``language`` slot is the conversation's language (ours to fill): its mappings are
        all ``custom`` and, when categorical, ``language`` is one of its values. A peer project's ``language``
        slot that means something else (e.g. filled from an entity, values ``english``) is left to its mappings."""
        slot = self.domain.slots.get("language")
        if slot is None or any(m.type != "custom" for m in slot.fill_mappings):
            return False
        return slot.type != "categorical" or language in {str(v) for v in slot.values}

    def _payload(self, text: str) -> dict[str, Any] | None:
        m = _PAYLOAD.match(text)
        if not m or (m.group(1) not in self.domain.intents and m.group(1) not in DEFAULT_INTENT_ACTIONS):
            return None
        try:
            entities = json.loads(m.group(2)) if m.group(2) else {}
        except json.JSONDecodeError:
            return None
        return _payload_parse(m.group(1), entities if isinstance(entities, dict) else {}, text)

    def _run_actions(self, tracker: DialogueStateTracker, context: TurnContext) -> None:
        for _ in range(self.settings.max_actions_per_turn):
            if tracker.paused:
                return
            intent = tracker.latest_message.intent_name if tracker.latest_message else None
            if tracker.latest_action_name == ACTION_LISTEN_NAME and intent in DEFAULT_INTENT_ACTIONS:
                name, policy, confidence = DEFAULT_INTENT_ACTIONS[intent], "default", 1.0
            else:
                p = self.policies.predict(tracker, context)
                name, policy, confidence = p.action, p.policy, p.confidence
            if name == ACTION_LISTEN_NAME:
                tracker.update(ActionExecuted(ACTION_LISTEN_NAME, policy, confidence))
                return
            events = self.action(name).run(tracker, self.domain, context)
            if not any(isinstance(e, ActionExecutionRejected) for e in events):
                tracker.update(ActionExecuted(name, policy, confidence))
            tracker.update_with_events(events)
            if name == ACTION_SESSION_START_NAME:
                return
        logger.warning("too many actions in one turn", extra={"conversation_id": tracker.sender_id, "stage": "processor",
                                                                "limit": self.settings.max_actions_per_turn})

    def action(self, name: str) -> Action:
        """The action called ``name``."""
        return self.registry.get(name, self.domain)

    def _failure_message(self, language: str) -> BotUttered:
        text = _FAILED.get(language, _FAILED["ko"])
        return BotUttered(text, {"custom": {"citations": [], "abstained": True, "response": "utter_turn_failed", "language": language}})

    def register_form(self, form: FormAction) -> None:
        """Register (or replace) a form's action."""
        self.registry.register(form, replace=True)


def _truncated(tracker: DialogueStateTracker, keep: int, slot_defs: dict[str, Any]) -> DialogueStateTracker:
    fresh = DialogueStateTracker.from_events(tracker.sender_id, tracker.events[:keep], slot_defs)
    fresh.stored_event_count = tracker.stored_event_count
    return fresh


def _asks_paid_into_account(text: str) -> bool:
    """Whether ``text`` asks for money to be paid into the account number it types (:data:`_PAID_INTO_ACCOUNT` and an
    ``account`` span of :func:`assistant.nlu.pii.find_pii`): "계좌번호 110-123-456789로 지원금 넣어주세요" does, "카드
    4111-1111-1111-1111로 결제해 주세요" (a card, no account) does not."""
    from assistant.nlu.pii import find_pii

    return bool(_PAID_INTO_ACCOUNT.search(text)) and any(s.kind == "account" for s in find_pii(text))


def _types_sensitive_number(text: str | None) -> bool:
    """Whether ``text`` holds a resident registration, passport, licence, card or account number
    (:func:`assistant.nlu.pii.find_pii`;
    an account number only beside a word for an account, :data:`_ACCOUNT_CUE`)."""
    from assistant.nlu.pii import find_pii

    if not text:
        return False
    return any(s.kind in _WARNED_KINDS and (s.kind != "account" or _ACCOUNT_CUE.search(text))
               and not _CODE_PREFIX.search(text, 0, s.start) for s in find_pii(text))


def _comparable(text: str | None) -> str:
    """A message's text as stored at rest (spaces normalised, personal data masked), for comparing two deliveries."""
    from assistant.stores.masking import mask_text

    return mask_text(normalize_spaces(text or "").strip())


def turn_key(store: TrackerStore, sender_id: str, text: str | None) -> str:
    """The id of a turn whose message has no channel message id: ``"turn-"`` + 40 hex digits of SHA-256 over the
    conversation id, its stored event count, the last stored event's ``event`` and ``timestamp``, and the message's
    text as stored (:func:`_comparable`: personal data masked, as :func:`check_redelivery` compares), in Unicode NFC
    (a keyboard may send decomposed Hangul) with runs of spaces as one.

    The turn id makes the idempotency keys of the turn's custom action calls
    (:func:`assistant.dialogue.effects.effect_key`), which a back end honours (the task service stores one
    application per key). A channel without message ids gives nothing to tell a re-send from a new message, so the
    conversation's stored state stands in: a turn that was never stored (the database went away before or at the
    save) leaves the state as it was, and the citizen's re-send of the same message gets the same key, so the back
    end does the effect once and the recorded result, if any, is reused; once a turn is stored, the state has moved,
    so the same words said again (a second application on purpose) are a new turn with new keys. A redo on a
    conflict keeps the id chosen before it (:meth:`MessageProcessor.handle_message`).

    Limits: a message differing only in masked personal data (two phone numbers) counts as the same; anything stored
    between the failed turn and the re-send (a pushed alert, a handoff's resume) makes the re-send a new turn.

    Args:
        store: the tracker store (read: its last event and sequence number; the caller holds the conversation lock).
        sender_id: the conversation id. text: the message's text (``None`` as empty).

    Raises:
        StoreUnavailableError: the database cannot be reached (the turn could not run either).

    Example:
        >>> from assistant.stores.trackers import SQLTrackerStore
        >>> store = SQLTrackerStore("sqlite://")
        >>> turn_key(store, "u1", "네 ") == turn_key(store, "u1", "네")
        True
        >>> first = turn_key(store, "u1", "네")
        >>> _ = store.append("u1", [{"event": "user", "text": "네", "timestamp": 1.0}])
        >>> turn_key(store, "u1", "네") == first
        False
    """
    n, head = store.last_event(sender_id) or (0, {})
    said = " ".join(unicodedata.normalize("NFC", _comparable(text)).split())
    raw = "\0".join((sender_id, str(n), str(head.get("event") or ""), repr(head.get("timestamp")), said))
    return "turn-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def check_redelivery(store: TrackerStore, message: UserMessage, mid: str) -> None:
    """Check that a message id already processed comes with the same text as the first time.

    Reads the conversation's stored ``user`` event with ``message_id == mid`` (only on a redelivery, which is rare)
    and compares the texts as stored (masked), so a redelivery of a message with personal data still matches.

    Raises:
        MessageIdConflictError: the stored message with that id had different text (the API answers 409).
    """
    for e in store.load(message.sender_id):
        if e.get("event") == "user" and e.get("message_id") == mid:
            if _comparable(e.get("text")) != _comparable(message.text):
                raise MessageIdConflictError(
                    f"message id {mid!r} was already used in this conversation for a different message; "
                    "send a new message with a new id (a redelivery must repeat the same text)")
            return


def _message_id(message: UserMessage) -> str | None:
    mid = (message.metadata or {}).get("message_id")
    return str(mid) if mid not in (None, "") else None


#: one word of Latin letters, and the readings of a message nobody understood
_ONE_LATIN_WORD = re.compile(r"[A-Za-z]+")
_NOT_UNDERSTOOD = frozenset({"out_of_scope", "nlu_fallback"})


def _conversation_language(tracker: DialogueStateTracker) -> Literal["ko", "en"] | None:
    """The conversation's language so far: its ``language`` slot, else the language of its latest user message
    (``parse_data["language"]``); None for a new conversation."""
    lang = tracker.get_slot("language")
    if lang not in ("ko", "en") and tracker.latest_message is not None:
        lang = (tracker.latest_message.parse_data or {}).get("language")
    return "ko" if lang == "ko" else "en" if lang == "en" else None


def _preferred(message: UserMessage) -> Literal["ko", "en"] | None:
    lang = (message.metadata or {}).get("language") if isinstance(message.metadata, dict) else None
    return "ko" if lang == "ko" else "en" if lang == "en" else None


def reply_entities(text: str | None, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entities a reply shows (``custom.entities``): none that is personal data or overlaps it.

    A resident registration or phone number is also read as a ``number`` entity (``9001011234567``); its value
    would carry the digits past the text masking, so every entity overlapping a span of the one detector
    (:func:`assistant.nlu.pii.find_pii`) is left out, as are the ``rrn`` / ``phone-number`` entities themselves.
    """
    from assistant.nlu.pii import find_pii

    spans = find_pii(text) if text else []

    def personal(e: dict[str, Any]) -> bool:
        if e.get("entity") in PII_ENTITIES:
            return True
        start, end = e.get("start"), e.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            return False
        return any(start < s.end and s.start < end for s in spans)

    return [e for e in entities if not personal(e)]


def _payload_parse(intent: str, entities: dict[str, Any], text: str) -> dict[str, Any]:
    ents = [{"entity": str(k), "value": v, "start": None, "end": None, "extractor": "payload"} for k, v in entities.items()]
    return {"text": text, "intent": {"name": intent, "confidence": 1.0}, "intent_ranking": [{"name": intent, "confidence": 1.0}],
            "entities": ents}
