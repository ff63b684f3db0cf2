"""The holding reply: what a channel gets while a slow turn is still running (case C06).

When a turn takes longer than the channel can wait (a slow custom action or
back end), the server acknowledges the delivery with a short holding message
instead of the answer; the turn goes on and its answer is stored under the
channel's message id, so a redelivery of that id gets it (see
:mod:`assistant.server.turns`).

The text is the domain's ``utter_please_wait`` response (per language), or a
built-in one when the domain has none. A holding reply is not a ``bot`` event:
it is never stored, so the tracker holds the turn exactly once, with its one
final answer.
"""

from __future__ import annotations

from typing import Any, Literal

from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.dialogue.processor import Turn
from assistant.dialogue.responses import render_response, to_bot_message
from assistant.dialogue.understood import turn_language
from assistant.errors import InvalidConfigError
from assistant.nlu.domain import Domain
from assistant.nlu.tokenizer import normalize_spaces

#: The domain response sent while a turn is still running.
HOLDING_RESPONSE = "utter_please_wait"
_BUILTIN = {
    "ko": "요청하신 내용을 확인하고 있어요. 잠시만 기다려 주세요.",
    "en": "I'm still working on your request. One moment, please.",
}


def holding_turn(domain: Domain, message: UserMessage, message_id: str | None, conversation_language: str | None = None) -> Turn:
    """The holding reply for ``message`` whose turn has not finished yet.

    Args:
        domain: where ``utter_please_wait`` is looked up.
        message: the delivery being acknowledged; its language is read from its text, as the engine reads it
            (``metadata["language"]``, else the conversation's, for text of no language).
        message_id: the channel's message id (echoed in ``custom.message_id`` so
            the client can redeliver it to fetch the answer).
        conversation_language: the conversation's language so far ("ko" / "en"), used for a button's payload
            ("/deny"), which has no language of its own, over its metadata.

    Returns:
        A :class:`Turn` with one message whose ``custom`` has ``response``
        (``utter_please_wait``), ``pending`` (True), ``message_id`` and ``language``;
        no events (nothing is stored).
    """
    # as the engine reads the turn's language (processor._log_user): a button's payload keeps the conversation's;
    # text speaks for itself, with the page's metadata.language, then the conversation's, for text of no language
    # (an English conversation on a Korean page gets an English holding reply)
    meta = (message.metadata or {}).get("language")
    preferred: Literal["ko", "en"] | None = "en" if meta == "en" else "ko" if meta == "ko" else None
    conversation: Literal["ko", "en"] | None = "en" if conversation_language == "en" else "ko" if conversation_language == "ko" else None
    language: Literal["ko", "en"]
    if (message.text or "").startswith("/"):
        language = conversation or preferred or "ko"
    else:
        language = turn_language(normalize_spaces(message.text or ""), conversation, preferred or conversation or "ko")
    custom: dict[str, Any] = {"pending": True, "message_id": message_id}
    try:
        event = render_response(domain, HOLDING_RESPONSE, language=language, channel=message.channel,
                                slots={"language": language}, custom=custom)
        bot = to_bot_message(event)
    except InvalidConfigError:  # a domain without the response: the built-in text
        bot = BotMessage(_BUILTIN[language], (), {"citations": [], "abstained": True, "response": HOLDING_RESPONSE,
                                                  "language": language, **custom})
    return Turn((bot,), language, {}, (), False, None)


def is_holding(messages: tuple[BotMessage, ...] | list[dict[str, Any]]) -> bool:
    """Whether a reply (engine messages, or the REST channel's JSON list) is a holding reply."""
    for m in messages:
        custom = m.custom if isinstance(m, BotMessage) else (m.get("custom") or {})
        if isinstance(custom, dict) and custom.get("pending") is True:
            return True
    return False
