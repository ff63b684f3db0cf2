"""Personal data masked at rest: what the tracker store writes instead of the raw events and reply.

House rule: resident registration numbers, phone numbers, addresses, account and card numbers never reach a log or
a stored transcript. Logs are masked by :mod:`assistant.logging_config`; this module does the same for the tracker
store (:meth:`assistant.stores.trackers.SQLTrackerStore.append`), so the database, the tracker API, ``/story``,
exports and e2e reports (all read from the store) never see a raw value. The detector is the product's one:
:func:`assistant.nlu.pii.find_personal_data` (masks read ``<rrn>``, ``<phone>``, ``<card>``, ``<account>``,
``<email>``, ``<address>``, ``<birthdate>``). A date of birth the user typed is also masked where the engine writes
it back in the same turn (the ``age`` slot's raw value ``1958-03-02``, an entity's value); the age in years that
the form validates from it (68) is not personal data by itself and stays usable.

What is masked, per event (Rasa's event JSON):

* ``user``: ``text`` and ``parse_data.text`` with every span :func:`find_personal_data` finds. Entities keep pointing at the
  right words: their ``start`` / ``end`` are moved to the masked text (an entity overlapping personal data points
  at its mask), and every field of such an entity that could hold the data reads as the mask: ``value`` and
  ``text`` become the masked text of its span (``<birthdate>``), and each string or number in ``additional_info``
  (a time entity's ``"1985-01-01T00:00:00.000+09:00"``) becomes that mask too (the names of its format, ``unit``,
  ``grain`` and ``type``, stay). An entity without offsets (a ``/intent{"entity": ...}`` payload) has its strings
  masked on their own. Every other string of the event (``metadata``, an entity's fields ...) is masked as text
  and also where it echoes the personal data of the same message in another form (``1985-01-01`` for
  ``1985년 1월 1일``, ``01012345678`` for ``010-1234-5678``).
* ``bot``: text, buttons and custom data written by the assistant. Answers quote agencies' public phone numbers and
  office addresses from the service catalogue (``02-6222-6060`` on a ministry's page), which no pattern tells from
  a citizen's, so bot text masks (a) what is personal by nature: ``rrn``, ``card`` and ``account`` numbers, and
  (b) every piece of personal data the user gave in the same write (the turn), wherever the assistant echoes it,
  also with other separators (``010 1234 5678`` for ``010-1234-5678``).
* ``agent`` (a human agent's text): every string with :func:`find_personal_data`'s spans masked, like the user's.
* every other event (``slot`` values, ``entities``, reminders, handoffs ...): masked like bot text.
  These are values the engine and its actions set: a citizen's phone number reaches a slot only from their message,
  in the same write, where it is masked as an echo; running the full detector over them instead masked identifiers
  that look like numbers (the catalogue's service id ``B01000300003`` read as a mobile number, breaking the
  ``eligible_services`` slot and its gov.kr links).

Keys that hold names the engine needs verbatim (:data:`VERBATIM_KEYS`: event, intent, action, slot and entity
names, message ids, channels, policies) are never changed.

The reply recorded for a channel's message id (the one a redelivery gets back) is masked like bot text
(:func:`mask_reply`); the server masks the reply it sends the first time with the same function
(:mod:`assistant.server.turns`), so a redelivery gets the first answer byte for byte.

Raw values later in a conversation: the turn in progress keeps the raw text in memory (the NLU and that turn's
actions see it); from the next turn on, the tracker is loaded from the store and holds only masks. So no action
can depend on a raw personal value from an earlier turn: the assistant never asks for a resident registration
number, card or account number (identity checks go through the MyData provider's own login), and an action that
needs, say, a phone number for a notification must take it from the message of the turn in which it is given and
hand it to its connector (which keeps it under the citizen's consent), never through a slot.

Why our own walker: the masking is a few rules over Rasa's event JSON; Presidio's anonymizer would need its
analyzer (spaCy models from a hub) and knows nothing of entity offsets.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from assistant.nlu.pii import PiiSpan, find_personal_data, find_pii, parse_birth_date
from assistant.nlu.spoken_digits import digit_view
from assistant.nlu.system_ids import system_id_spans

__all__ = ["ALWAYS_MASKED_IN_BOT_TEXT", "VERBATIM_KEYS", "mask_event", "mask_events", "mask_reply", "mask_text", "user_pii"]

#: Keys whose string values are names and ids the engine reads back verbatim (never the user's words).
VERBATIM_KEYS = frozenset({
    "event", "timestamp", "message_id", "input_channel", "policy", "confidence", "name", "intent", "intent_ranking",
    "entity", "extractor", "role", "group", "action_name", "language", "response", "recipient_id", "sender_id",
    "processors", "confidence_entity",
})  # fmt: skip
#: Kinds masked in the assistant's own text whoever gave them (never part of a public answer).
ALWAYS_MASKED_IN_BOT_TEXT = frozenset({"rrn", "card", "account"})

Masker = Callable[[str], str]
#: Ten digits, at most three other characters between neighbours: every ``rrn`` (13 digits, separator up to
#: " - "), ``card`` (13-19) and ``account`` (10-16) match has such a run, so bot text without one skips
#: :func:`find_pii` (its phone matcher is the cost on long answers).
_TEN_DIGITS = re.compile(r"\d(?:[^\d\n]{0,3}\d){9}")


def _apply(text: str, spans: Sequence[PiiSpan]) -> tuple[str, list[tuple[int, int, int, int]]]:
    """``text`` with ``spans`` (sorted, disjoint) replaced by ``<kind>``, and each edit's old and new offsets."""
    parts: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    pos = new = 0
    for s in spans:
        parts.append(text[pos : s.start])
        new += s.start - pos
        mask = f"<{s.kind}>"
        parts.append(mask)
        edits.append((s.start, s.end, new, new + len(mask)))
        new += len(mask)
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts), edits


def mask_text(text: str) -> str:
    """``text`` with every personal-data span (:func:`find_personal_data`) replaced by ``<kind>``.

    Example:
        >>> mask_text("제 번호는 010-1234-5678이에요")
        '제 번호는 <phone>이에요'
    """
    return _apply(text, find_personal_data(text))[0]


def _moved(offset: int, edits: Sequence[tuple[int, int, int, int]], end: bool) -> int:
    """``offset`` in the original text → the same place in the masked text (inside a mask: its start or end)."""
    shift = 0
    for old_start, old_end, new_start, new_end in edits:
        if offset <= old_start:
            break
        if offset >= old_end:
            shift = new_end - old_end
            continue
        return new_end if end else new_start
    return offset + shift


def _walk(value: Any, mask: Masker) -> Any:
    """A copy of JSON ``value`` with ``mask`` applied to every string (and every integer of 7+ digits, as its
    digits) not under a :data:`VERBATIM_KEYS` key."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**6:
        # a long number as a JSON number (an entity value 9001011234567 read from an RRN): masked like its digits
        masked = mask(str(value))
        return value if masked == str(value) else masked
    if isinstance(value, Mapping):
        return {k: (v if k in VERBATIM_KEYS else _walk(v, mask)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v, mask) for v in value]
    return value


#: Keys of an entity's ``additional_info`` that name a format (Duckling's ``grain``, ``type``; our ``unit``), kept
#: when the entity's data is masked.
_FORMAT_KEYS = frozenset({"unit", "grain", "type"})


def _as_mask(value: Any, token: str) -> Any:
    """``value`` with every string and number (not a boolean) replaced by ``token``, except under :data:`_FORMAT_KEYS`."""
    if isinstance(value, str) or isinstance(value, int | float) and not isinstance(value, bool):
        return token
    if isinstance(value, Mapping):
        return {k: (v if k in _FORMAT_KEYS else _as_mask(v, token)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_mask(v, token) for v in value]
    return value


def _mask_entity(entity: Any, text: str | None, masked: str, edits: Sequence[tuple[int, int, int, int]],
                 mask: Masker = mask_text) -> Any:
    if not isinstance(entity, Mapping):
        return _walk(entity, mask)
    out = _walk(entity, mask)
    start, end = entity.get("start"), entity.get("end")
    if text is None or not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or not 0 <= start <= end:
        return out
    new_start, new_end = _moved(start, edits, False), _moved(end, edits, True)
    out["start"], out["end"] = new_start, new_end
    if any(old_start < end and start < old_end for old_start, old_end, _, _ in edits):
        # the entity was (part of) personal data: every field that could hold it reads as the mask
        token = masked[new_start:new_end]
        for key, value in out.items():
            if key in ("value", "text"):
                out[key] = token
            elif key not in VERBATIM_KEYS and key not in ("start", "end"):
                out[key] = _as_mask(value, token)
    return out


def _mask_user(event: Mapping[str, Any]) -> dict[str, Any]:
    text = event.get("text")
    masked, edits = _apply(text, find_personal_data(text)) if isinstance(text, str) else ("", [])
    mask_text_and_echoes = _user_masker(user_pii([event]))
    out: dict[str, Any] = {}
    for key, value in event.items():
        if key == "text" and isinstance(value, str):
            out[key] = masked
        elif key == "parse_data" and isinstance(value, Mapping):
            parse: dict[str, Any] = {}
            for pk, pv in value.items():
                if pk == "entities" and isinstance(pv, list):
                    # offsets are into the message text; parse_data.text is that text (Rasa), masked the same way
                    parse[pk] = [_mask_entity(e, text if isinstance(text, str) else None, masked, edits,
                                              mask_text_and_echoes) for e in pv]
                elif pk == "text" and isinstance(pv, str) and pv == text:
                    parse[pk] = masked
                elif pk in VERBATIM_KEYS:
                    parse[pk] = pv
                else:
                    parse[pk] = _walk(pv, mask_text_and_echoes)
            out[key] = parse
        elif key in VERBATIM_KEYS:
            out[key] = value
        else:
            out[key] = _walk(value, mask_text_and_echoes)
    return out


def _user_masker(pii: Sequence[tuple[str, str]]) -> Masker:
    """:func:`mask_text`, then the echoes of the message's own personal data ``pii`` (:func:`_echoes`)."""
    if not pii:
        return mask_text
    echo = _echoes(pii)
    return lambda text: echo(mask_text(text))


def user_pii(events: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """The personal data users gave in ``events`` (``user`` events' text): ``(kind, raw text)`` pairs, longest first;
    a number read aloud is there as said and as digits (an entity's value, a slot)."""
    found: set[tuple[str, str]] = set()
    for ev in events:
        text = ev.get("text") if isinstance(ev, Mapping) and ev.get("event") == "user" else None
        if isinstance(text, str):
            for s in find_personal_data(text):
                raw = text[s.start : s.end]
                found.add((s.kind, raw))
                written = digit_view(raw).text  # read aloud ("공일공 일이삼사 …"): echoed as digits too
                if written != raw:
                    found.add((s.kind, written))
    return sorted(found, key=lambda p: (-len(p[1]), p))


def _birth_date_echo(d: dt.date) -> str:
    """A regex for date ``d`` however the engine or the assistant writes it back: ``1958-03-02`` (a slot value),
    ``1958년 3월 2일``, ``58.3.2``, ``580302``, ``19580302``, ``2 March 1958``, ``March 2, 1958``."""
    y, yy, m, dd = str(d.year), f"{d.year % 100:02d}", d.month, d.day
    mon = d.strftime("%b").lower()
    return ("(?i:" + rf"(?<![0-9])(?:{y}|{yy})\s*[-./년]\s*0?{m}\s*[-./월]\s*0?{dd}(?:\s*일)?(?![0-9])"
            + rf"|(?<![0-9])(?:{y[:2]})?{yy}{m:02d}{dd:02d}(?![0-9])"
            + rf"|\b0?{dd}(?:st|nd|rd|th)?\s+(?:of\s+)?{mon}[a-z]*\.?,?\s+{y}(?![0-9])"
            + rf"|\b{mon}[a-z]*\.?\s+0?{dd}(?:st|nd|rd|th)?,?\s+{y}(?![0-9]))")


#: Kinds written in words as well as digits: echoed as written (spaces free), never as a bare run of their digits.
_WORDED_KINDS = frozenset({"address", "email"})


def _echo_pattern(raw: str, kind: str = "") -> str:
    """A regex for ``raw`` as the assistant might echo it: digit runs with any (or no) separators between digits;
    a date of birth in any of its written forms (:func:`_birth_date_echo`)."""
    born = parse_birth_date(raw) if kind == "birthdate" else None
    if born is not None:
        return _birth_date_echo(born)
    if kind in _WORDED_KINDS:  # an address is words and numbers (s42: "강남구 테헤란로 123 101동 1001호" echoed whole)
        return r"\s*".join(re.escape(part) for part in raw.split())
    digits = re.sub(r"\D", "", raw)
    if len(digits) >= 7 and len(digits) * 2 >= len(raw.replace(" ", "")):  # a number: match its digits however written
        return r"(?<![0-9])" + r"[\s\-.()]{0,3}".join(digits) + r"(?![0-9])"
    return re.escape(raw)


def _echoes(pii: Sequence[tuple[str, str]]) -> Masker:
    """A masker of the echoes of ``pii`` (:func:`_echo_pattern`); the assistant's own ids (receipt numbers,
    :mod:`assistant.nlu.system_ids`) are left as they are, whatever digits they share with the user's data."""
    echoes = [(re.compile(_echo_pattern(raw, kind)), f"<{kind}>") for kind, raw in pii]

    def sub(text: str) -> str:
        for rx, token in echoes:
            text = rx.sub(token, text)
        return text

    def mask(text: str) -> str:
        if not echoes:
            return text
        ids = system_id_spans(text)
        if not ids:
            return sub(text)
        parts, pos = [], 0
        for start, end in ids:
            parts += [sub(text[pos:start]), text[start:end]]
            pos = end
        return "".join([*parts, sub(text[pos:])])

    return mask


def _bot_masker(pii: Sequence[tuple[str, str]]) -> Masker:
    echo = _echoes(pii)
    return lambda text: _mask_always(echo(text))


@functools.lru_cache(maxsize=512)
def _mask_always(text: str) -> str:
    """``text`` with the :data:`ALWAYS_MASKED_IN_BOT_TEXT` kinds masked. Cached: one answer is masked in its bot
    event, in the recorded reply and in the reply sent, and the phone matcher inside :func:`find_pii` dominates."""
    if not _TEN_DIGITS.search(text):
        return text
    spans = [s for s in find_pii(text) if s.kind in ALWAYS_MASKED_IN_BOT_TEXT]
    return _apply(text, spans)[0] if spans else text


def mask_event(event: Mapping[str, Any], pii: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """A masked copy of one Rasa event dict (see the module docstring); ``event`` is not changed.

    Args:
        event: the event JSON (``{"event": "user", "text": ..., "parse_data": ...}``).
        pii: the user's personal data to mask where a ``bot`` event echoes it (:func:`user_pii` of the turn's events).

    Returns:
        A new dict of the same shape; entity offsets point into the masked text.

    Example:
        >>> ev = {"event": "user", "text": "010-1234-5678로 연락 주세요", "parse_data": {"entities": [
        ...     {"entity": "phone-number", "value": "01012345678", "start": 0, "end": 13}]}}
        >>> masked = mask_event(ev)
        >>> masked["text"], masked["parse_data"]["entities"][0]["value"], masked["parse_data"]["entities"][0]["end"]
        ('<phone>로 연락 주세요', '<phone>', 7)
    """
    kind = event.get("event")
    if kind == "user":
        return _mask_user(event)
    # a human agent's text is free text like the user's; everything else is the assistant's own data
    walked = _walk(dict(event), mask_text if kind == "agent" else _bot_masker(pii))
    assert isinstance(walked, dict)
    return walked


def mask_events(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Masked copies of one write's events; the users' personal data is also masked where bot events echo it."""
    pii = user_pii(events)
    return [mask_event(ev, pii) for ev in events]


def mask_reply(reply: Any, events: Sequence[Mapping[str, Any]] = ()) -> Any:
    """A masked copy of the reply recorded for a message id (``{"messages", "language", "intent"}``), masked like bot
    text: ``rrn`` / ``card`` / ``account`` numbers, and what the user said in ``events`` (the turn's raw events).

    The same function masks the reply the server sends the first time, so a redelivery's stored reply is identical.
    Idempotent: masking a masked reply again changes nothing.
    """
    return _walk(reply, _bot_masker(user_pii(events)))
