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
    {"utter_ask_rephrase", "utter_out_of_scope", "utter_no_answer", "utter_empty_message", "utter_message_too_long", "utter_turn_failed",
     "utter_service_not_in_documents", "utter_no_answer_offer_check"}
)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: A Korean particle written after a placeholder in both forms ("{value}(으)로", "{name}을/를"): the
#: form that fits the filled value's last syllable is kept (see :func:`josa`).
#: A closing quote or bracket between the placeholder and its particle ("'{programme}'은(는)") is kept as written.
#: Both ways Korean writers give the two forms are read: with a slash (은/는) and with parentheses (은(는)).
_PARTICLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}(['\"’”」』]?)"
                       r"(\(으\)로|\(이\)|을/를|를/을|이/가|가/이|은/는|는/은|과/와|와/과|은\(는\)|이\(가\)|을\(를\)|과\(와\))")
#: (with 받침, without): the two forms of each particle.
_PARTICLE_FORMS = {"(으)로": ("으로", "로"), "(이)": ("이", ""), "을/를": ("을", "를"), "를/을": ("을", "를"),
                   "이/가": ("이", "가"), "가/이": ("이", "가"), "은/는": ("은", "는"), "는/은": ("은", "는"),
                   "과/와": ("과", "와"), "와/과": ("과", "와"),
                   "은(는)": ("은", "는"), "이(가)": ("이", "가"), "을(를)": ("을", "를"), "과(와)": ("과", "와")}
#: How a trailing digit is read in Korean: its final consonant (종성 index of Unicode Hangul, 0 = none, 8 = ㄹ).
#: 0 영, 1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구; 십 ㅂ, 백 ㄱ, 천 ㄴ, 만 ㄴ.
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
_ROUND_FINAL = {1: 17, 2: 1, 3: 4, 4: 4}  # 10 십, 100 백, 1000 천, 10000 만
#: Symbols and units read aloud after a number: % 퍼센트, ℃ 도, 세 (a Hangul syllable is read as written).
_SYMBOL_FINAL = {"%": 0, "℃": 0}


def _final_consonant(word: str) -> int | None:
    """The 종성 index (0 none, 8 ㄹ, other: a consonant) of how ``word`` ends when read in Korean, or None
    when it cannot be told (Latin letters, an empty word). Hangul syllables: (code − 0xAC00) mod 28
    (Unicode 15, §3.12 Conjoining Jamo Behavior); numbers: the reading of the last non-zero digit and its place."""
    w = word.rstrip(" )]}\"'”’.")
    if not w:
        return None
    last = w[-1]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28
    if last in _SYMBOL_FINAL:
        return _SYMBOL_FINAL[last]
    if last.isdigit():
        digits = re.search(r"[0-9]+$", w.replace(",", ""))
        number = digits.group(0) if digits else last
        zeros = len(number) - len(number.rstrip("0"))
        if zeros == 0 or number.strip("0") == "":
            return _DIGIT_FINAL[last]
        return _ROUND_FINAL.get(zeros if zeros < 4 else 4, 4)
    return None


def josa(word: str, particle: str) -> str:
    """``word`` followed by the form of ``particle`` that fits how it ends.

    ``particle`` is one of ``(으)로``, ``(이)``, ``을/를``, ``이/가``, ``은/는``, ``과/와`` (either order), or the
    parenthesised forms ``은(는)``, ``이(가)``, ``을(를)``, ``과(와)``.
    Rule (한글 맞춤법, 조사의 이형태): a final consonant (받침) takes the first form, no 받침 the second;
    ``(으)로`` is 로 after no 받침 *and* after ㄹ ("67로" read 육십칠로, "서울로", "부산으로"). A word whose
    ending cannot be read (Latin letters) keeps both forms as written.

    Example:
        >>> josa("67", "(으)로"), josa("부산", "(으)로"), josa("서울특별시", "을/를"), josa("40%", "이/가")
        ('67로', '부산으로', '서울특별시를', '40%가')

    Raises:
        KeyError: ``particle`` is not one of the forms above.
    """
    return word + particle_after(word, particle)


def particle_after(word: str, particle: str) -> str:
    """The form of ``particle`` that fits how ``word`` ends, alone (for a word quoted or bracketed before it:
    "'출산지원금'" + ``particle_after("출산지원금", "을/를")`` → "'출산지원금'을"); see :func:`josa` for the forms and
    the rule. A word whose ending cannot be read gets ``particle`` as written.

    Raises:
        KeyError: ``particle`` is not one of :func:`josa`'s forms.
    """
    with_final, without = _PARTICLE_FORMS[particle]
    final = _final_consonant(word)
    if final is None:
        return particle
    if particle == "(으)로":
        return "로" if final in (0, 8) else "으로"
    return with_final if final else without


def fill_template(text: str, values: Mapping[str, Any]) -> str:
    """Replace ``{name}`` with ``values[name]``; unknown names stay as written; ``None`` (a skipped or unset slot) becomes ``-``.
    A Korean particle written in both forms right after a placeholder ("{value}(으)로") gets the form that fits
    the value (:func:`josa`)."""

    def value(key: str) -> str:
        v = values[key]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return "-" if v is None else str(v)

    def sub(m: re.Match[str]) -> str:
        return value(m.group(1)) if m.group(1) in values else m.group(0)

    def particle(m: re.Match[str]) -> str:  # "{value}(으)로" → "67로", "'{programme}'은(는)" → "'출산지원금'은"
        if m.group(1) not in values:
            return m.group(0)
        filled = value(m.group(1))
        return filled + m.group(2) + particle_after(filled, m.group(3))

    return _PLACEHOLDER.sub(sub, _PARTICLE.sub(particle, text))


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
