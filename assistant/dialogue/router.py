"""The turn router (first version): intents → responses, questions → knowledge, else fallback.

Order, after the design card: small talk and handoff intents answered from
``domain.yml`` responses → out of scope → knowledge retrieval with an
answerability gate → an honest fallback. Thresholds come from
:class:`~assistant.settings.Settings`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from assistant.dialogue.knowledge_base import RetrievalKnowledge
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.dialogue.oos import rejects
from assistant.knowledge.composer import Answer, AnswerComposer
from assistant.dialogue.fact_question import FACT_INTENT, asks_or_requests
from assistant.knowledge.embedder import MAX_QUERY_CHARS, Embedder
from assistant.knowledge.retriever import HybridRetriever
from assistant.nlu.classifier import IntentPrediction, NluResult
from assistant.nlu.pipeline import NluPipeline
from assistant.nlu.language import detect_language
from assistant.nlu.preprocess import condense
from assistant.nlu.tokenizer import normalize_spaces
from assistant.nlu.training_data import Domain
from assistant.settings import Settings

logger = logging.getLogger(__name__)

SMALL_TALK = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_thank",
    "human_handoff": "utter_handoff",
    # Conversation control outside a form (forms and tasks take these over in the dialogue engine).
    "cancel": "utter_cancelled",
    "affirm": "utter_how_can_i_help",
    "deny": "utter_how_can_i_help",
    "inform": "utter_how_can_i_help",
}
#: Entities that are personal data: never echoed back in a reply's custom data.
PII_ENTITIES = frozenset({"rrn", "phone-number"})
#: Intents answered from documents; apply_service gets the service's 신청방법 until tasks exist.
KNOWLEDGE_INTENTS = {"ask_service_info", "check_eligibility", "apply_service"}
#: ``custom`` of replies that answer nothing from documents. ``abstained`` is
#: True for every fallback (the question was not answered) and False for small talk.
FALLBACK: dict[str, Any] = {"citations": [], "abstained": True}
SMALL_TALK_CUSTOM: dict[str, Any] = {"citations": [], "abstained": False}


@dataclass(frozen=True)
class TurnResult:
    """Everything a turn produced (for the CLI's JSON and the REST channel).

    Attributes:
        messages: replies in order; nlu: the NLU result (None for an empty message);
        answer: the knowledge answer when retrieval ran; action: the branch taken.
    """

    messages: tuple[BotMessage, ...]
    language: str
    nlu: NluResult | None
    answer: Answer | None
    action: str
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``assistant ask --json`` shape."""
        intent = self.nlu.intent if self.nlu else IntentPrediction("", 0.0)
        citations = [c.__dict__ for c in self.answer.citations] if self.answer else []
        return {
            "text": "\n\n".join(m.text for m in self.messages),
            "language": self.language,
            "intent": {"name": intent.name, "confidence": round(intent.confidence, 4)},
            "citations": citations,
            "abstained": bool(self.messages[-1].custom.get("abstained", True)) if self.messages else True,
        }


class Router:
    """Routes one user message to a response, a knowledge answer or a fallback.

    Args:
        settings: thresholds and limits.
        embedder: shared by NLU and retrieval (the message is embedded once).
        nlu: the NLU pipeline (intents + entities); retriever, composer, domain: the loaded components.
    """

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        nlu: NluPipeline,
        retriever: HybridRetriever,
        composer: AnswerComposer,
        domain: Domain,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.nlu = nlu
        self.classifier = nlu.classifier
        self.retriever = retriever
        self.composer = composer
        self.domain = domain
        self.knowledge = RetrievalKnowledge(retriever, composer, settings.top_k)

    def respond(self, name: str, language: str, custom: dict[str, Any] | None = None) -> BotMessage:
        """Render a domain response for ``language``; ``custom`` is merged into the message's custom data."""
        variant = self.domain.response(name, language)
        buttons = tuple({"title": b["title"], "payload": b["payload"]} for b in variant.get("buttons") or [])
        return BotMessage(variant.get("text", ""), buttons, {**(custom or {}), "response": name, "language": language})

    def handle(self, message: UserMessage) -> TurnResult:
        """Process one message and return the replies.

        The text is normalised (zero-width and odd spaces) and cut to
        ``settings.max_message_chars`` with a logged warning; empty text gets
        the ``utter_empty_message`` response. Each turn is logged at DEBUG
        (the text with personal data masked by the log formatter).
        """
        turn = self._handle(message)
        logger.debug(
            "turn %r -> %s",
            message.text[:200],
            turn.action,
            extra={"conversation_id": message.sender_id, "channel": message.channel, "stage": "router",
                   "intent": turn.nlu.intent.name if turn.nlu else None},
        )
        return turn

    def _handle(self, message: UserMessage) -> TurnResult:
        t0 = time.perf_counter()
        text = normalize_spaces(message.text or "").strip()
        preferred = message.metadata.get("language") if isinstance(message.metadata, dict) else None
        language = detect_language(text, default=preferred if preferred in ("ko", "en") else "ko")
        if not text:
            return TurnResult((self.respond("utter_empty_message", language, dict(FALLBACK)),), language, None, None, "utter_empty_message")
        if len(text) > MAX_QUERY_CHARS:
            logger.warning(
                "long message condensed",
                extra={"conversation_id": message.sender_id, "channel": message.channel, "stage": "router", "chars": len(text)},
            )
            text = condense(text, MAX_QUERY_CHARS)
        vector = self.embedder.embed_queries([text])[0]
        t_embed = time.perf_counter()
        parsed = self.nlu.parse(message.text or "", vector=vector, language=language)
        nlu = dataclasses.replace(parsed.nlu, text=text)
        intent = nlu.intent
        timings = {"embed": (t_embed - t0) * 1000}
        custom = {
            "intent": {"name": intent.name, "confidence": round(intent.confidence, 4)},
            "language": language,
            "entities": [e.to_json() for e in parsed.entities if e.entity not in PII_ENTITIES],
        }

        if intent.name in SMALL_TALK and intent.confidence >= self.settings.intent_threshold \
                and not (intent.name == FACT_INTENT and asks_or_requests(text)):  # a fact inside a question: answer it
            action = SMALL_TALK[intent.name]
            return TurnResult((self.respond(action, language, {**custom, **SMALL_TALK_CUSTOM}),), language, nlu, None, action, timings)
        if not any(ch.isalnum() for ch in text):
            # emoji or punctuation only: nothing to look up; ask rather than guess
            return TurnResult((self.respond("utter_ask_rephrase", language, {**custom, **FALLBACK}),), language, nlu, None, "utter_ask_rephrase", timings)
        p_oos = nlu.probability("out_of_scope")
        if rejects(intent.name, p_oos, nlu.oos_score, nlu.oos_threshold, self.settings):
            return TurnResult((self.respond("utter_out_of_scope", language, {**custom, **FALLBACK}),), language, nlu, None, "utter_out_of_scope", timings)

        # the engine's own reading of the documents (RetrievalKnowledge.answer: the services set aside, a question
        # judged without the words that say whose it is), so this router answers as a conversation's first turn does
        answer = self.knowledge.answer(text, vector, p_oos)
        timings["total"] = (time.perf_counter() - t0) * 1000
        if not answer.abstained:
            msg = BotMessage(
                answer.text,
                (),
                {**custom, "citations": [c.__dict__ for c in answer.citations], "abstained": False},
            )
            return TurnResult((msg,), language, nlu, answer, "action_answer_from_knowledge", timings)
        # Abstain: a question about services we have no document for, or chatter.
        knowledge = (intent.name in KNOWLEDGE_INTENTS and intent.confidence >= self.settings.intent_threshold) \
            or (intent.name == FACT_INTENT and asks_or_requests(text))
        name = "utter_no_answer" if knowledge else "utter_out_of_scope"
        return TurnResult(
            (self.respond(name, language, {**custom, **FALLBACK}),), language, nlu, answer, name, timings
        )
