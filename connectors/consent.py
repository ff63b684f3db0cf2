"""A clear yes for consents and confirmations, shared by the connectors' dialogues.

A consent (MyData, benefit alerts) or a confirmation with effects (submitting or cancelling an application)
goes ahead only on an ``affirm`` at least ``settings.consent_affirm_threshold`` probable (default 0.8;
button payloads such as ``/affirm`` are certain). The router already turns answers below
``intent_threshold`` into ``nlu_fallback``; between the two thresholds (👍 read as affirm at 0.499) the
answer is unclear: the citizen is asked once for a clear yes or no, and a second unclear answer is a no.
"""

from __future__ import annotations

from typing import Any

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker, followup_action, slot_set

#: The question asked after an unclear yes, with its yes/no buttons.
CLEAR_YES = {
    "ko": "확실히 하기 위해 여쭤요. 진행할까요? '예' 또는 '아니요'로 분명하게 답해 주세요.",
    "en": "Just to be sure: shall I go ahead? Please answer clearly yes or no.",
}
YES_NO_BUTTONS = {
    "ko": [{"title": "예", "payload": "/affirm"}, {"title": "아니요", "payload": "/deny"}],
    "en": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
}
#: Key set in a pending offer (a slot's dict) once the clear yes was asked for.
ASKED_FOR_CLEAR_YES = "asked_clear_yes"


def confident_affirm(tracker: ProtocolTracker, threshold: float) -> bool:
    """Whether the latest user message is ``affirm`` with probability at least ``threshold`` (0..1)."""
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name") == "affirm" and float(intent.get("confidence") or 0) >= threshold


def previous_action(tracker: ProtocolTracker) -> str | None:
    """The last action (not ``action_listen``) before the latest user message, or None."""
    seen_user = False
    for e in reversed(tracker.events):
        if e.get("event") == "user":
            seen_user = True
        elif seen_user and e.get("event") == "action" and e.get("name") != "action_listen":
            return str(e.get("name"))
    return None


def clear_yes_buttons(language: str) -> list[dict[str, Any]]:
    """The yes/no buttons (``/affirm``, ``/deny``) in ``language`` (``ko`` or ``en``)."""
    return [dict(b) for b in YES_NO_BUTTONS["en" if language == "en" else "ko"]]


def unclear_yes(dispatcher: CollectingDispatcher, tracker: ProtocolTracker, language: str, threshold: float,
                pending: dict[str, Any], pending_slot: str, declined: str) -> list[dict[str, Any]] | None:
    """None when the latest message is a confident yes; else the events of an unclear one.

    The first unclear answer asks once for a clear yes or no (the offer in ``pending_slot`` stands, marked
    :data:`ASKED_FOR_CLEAR_YES`); a second one runs ``declined`` (the action that turns the offer down).

    Args:
        pending: the offer held in the slot ``pending_slot`` (a dict).
        threshold: ``settings.consent_affirm_threshold`` (0..1).
    """
    if confident_affirm(tracker, threshold):
        return None
    if pending.get(ASKED_FOR_CLEAR_YES):
        return [followup_action(declined)]
    dispatcher.utter_message(text=CLEAR_YES["en" if language == "en" else "ko"], buttons=clear_yes_buttons(language),
                             json_message={"response": "clear_yes"})
    return [slot_set(pending_slot, {**pending, ASKED_FOR_CLEAR_YES: True})]


__all__ = ["ASKED_FOR_CLEAR_YES", "CLEAR_YES", "clear_yes_buttons", "confident_affirm", "previous_action", "unclear_yes"]
