"""Domain responses → ``bot`` events → channel-independent :class:`BotMessage` replies.

A response (``utter_*`` in ``domain.yml``) is chosen per language slot and
channel by :meth:`assistant.nlu.domain.Domain.response`; ``{name}`` placeholders
in its text are filled from slot values and keyword arguments, and unknown ones
are left as written (Rasa's behaviour, ``rasa/core/nlg/interpolator.py``).

A ``bot`` event's ``data`` holds ``buttons`` and ``custom`` the way Rasa's
``BotUttered.data`` does; ``custom`` carries what our channels render:
``response`` (the response name), ``citations`` and ``abstained``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from assistant.dialogue.events import BotUttered
from assistant.dialogue.messages import BotMessage
from assistant.nlu.domain import Domain

#: Responses that answer nothing from documents: their ``custom.abstained`` is True.
ABSTAINING_RESPONSES = frozenset(
    {"utter_ask_rephrase", "utter_out_of_scope", "utter_no_answer", "utter_empty_message", "utter_message_too_long", "utter_turn_failed"}
)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill_template(text: str, values: Mapping[str, Any]) -> str:
    """Replace ``{name}`` with ``values[name]``; unknown names stay as written; ``None`` (a skipped or unset slot) becomes ``-``."""

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            return m.group(0)
        v = values[key]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return "-" if v is None else str(v)

    return _PLACEHOLDER.sub(sub, text)


def bot_event(text: str, *, buttons: list[dict[str, Any]] | None = None, custom: Mapping[str, Any] | None = None) -> BotUttered:
    """A ``bot`` event with ``data = {"buttons": [...], "custom": {...}}`` (empty parts left out)."""
    data: dict[str, Any] = {}
    if buttons:
        data["buttons"] = [dict(b) for b in buttons]
    if custom:
        data["custom"] = copy.deepcopy(dict(custom))
    return BotUttered(text, data)


def render_response(
    domain: Domain,
    name: str,
    *,
    language: str | None,
    channel: str | None = None,
    slots: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    **values: Any,
) -> BotUttered:
    """Render response ``name`` as a ``bot`` event.

    Args:
        domain: where the response is defined.
        name: e.g. ``"utter_ask_age"``.
        language: the ``language`` slot value (``"ko"``/``"en"``) for conditional variants.
        channel: the output channel for channel variants.
        slots: slot values (conditions and ``{slot}`` placeholders).
        custom: merged into the message's ``custom`` data.
        **values: extra ``{placeholder}`` values (win over slots).

    Returns:
        A :class:`BotUttered` whose ``custom`` has ``response``, ``language``,
        ``citations`` ([]), ``abstained`` (True for :data:`ABSTAINING_RESPONSES`).

    Raises:
        InvalidConfigError: the response is not defined in the domain.
    """
    variant = domain.response(name, language, channel, slots)
    fill = {**(slots or {}), **values}
    text = fill_template(str(variant.get("text", "")), fill)
    buttons = [
        {"title": fill_template(str(b.get("title", "")), fill), "payload": str(b.get("payload", ""))}
        for b in variant.get("buttons") or []
        if isinstance(b, dict)
    ]
    data_custom: dict[str, Any] = {"citations": [], "abstained": name in ABSTAINING_RESPONSES}
    if isinstance(variant.get("custom"), dict):
        data_custom.update(variant["custom"])
    data_custom.update(custom or {})
    data_custom.update({"response": name, "language": language})
    return bot_event(text, buttons=buttons, custom=data_custom)


def to_bot_message(event: BotUttered, extra_custom: Mapping[str, Any] | None = None) -> BotMessage:
    """The channel-independent reply for a ``bot`` event; ``extra_custom`` (intent, entities) is added under it."""
    data = event.data or {}
    buttons = tuple(
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in data.get("buttons") or [] if isinstance(b, dict)
    )
    custom = {**(extra_custom or {}), **copy.deepcopy(data.get("custom") or {})}
    custom.setdefault("citations", [])
    custom.setdefault("abstained", not custom["citations"])
    return BotMessage(event.text or "", buttons, custom)


def message_to_json(m: BotMessage) -> dict[str, Any]:
    """``{"text", "buttons", "custom"}`` (the stored reply of a processed message id)."""
    return {"text": m.text, "buttons": [dict(b) for b in m.buttons], "custom": copy.deepcopy(m.custom)}


def message_from_json(d: Mapping[str, Any]) -> BotMessage:
    """Inverse of :func:`message_to_json`."""
    return BotMessage(str(d.get("text") or ""), tuple(dict(b) for b in d.get("buttons") or []), dict(d.get("custom") or {}))
