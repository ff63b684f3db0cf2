"""Rasa's inline entity annotations in training examples.

The forms Rasa 3.x reads (``rasa/shared/nlu/training_data/entities_parser.py``)::

    [강남구](district)                                  entity type
    [savings account](account:savings)                  type and synonym value (short form)
    [LA]{"entity": "city", "value": "Los Angeles", "role": "to", "group": "1"}
    [Kim][{"entity": "name"}, {"entity": "person"}]     several entities on one span

Offsets are computed on the plain text (annotations removed), so
``plain[span.start:span.end] == span.text`` always.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from assistant.nlu.types import EntitySpan

__all__ = ["Annotation", "ParsedExample", "parse_example", "strip_annotations"]

# Same grammar as Rasa's ENTITY_REGEX, plus the list-of-dicts form of later 3.x releases.
ANNOTATION_RE = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)"
    r"|\{(?P<dict>[^}]+?)\}"
    r"|\[(?P<dicts>\{.*?\}(?:\s*,\s*\{.*?\})*)\])"
)
_LEFTOVER_RE = re.compile(r"\[[^\]]*\][({]")
_DICT_KEYS = frozenset({"entity", "value", "role", "group"})


@dataclass(frozen=True)
class Annotation:
    """One annotation as written: its entity span (plain-text offsets) and the markup after ``[text]``.

    Attributes:
        span: the entity, offsets into the plain text.
        markup: e.g. ``"(district)"`` or ``'{"entity": "city"}'``, to write a fix with.
    """

    span: EntitySpan
    markup: str


@dataclass(frozen=True)
class ParsedExample:
    """An example with annotations removed.

    Attributes:
        text: the plain text.
        annotations: each annotation in order (a list-of-dicts annotation gives one per dict).
        problems: descriptions of annotations that could not be read (bad JSON, no entity name ...).
    """

    text: str
    annotations: tuple[Annotation, ...]
    problems: tuple[str, ...]

    @property
    def entities(self) -> tuple[EntitySpan, ...]:
        """The entity spans."""
        return tuple(a.span for a in self.annotations)


def strip_annotations(text: str) -> str:
    """``"[강남구](district)에서"`` → ``"강남구에서"``."""
    return ANNOTATION_RE.sub(lambda m: m.group("text"), text)


def _dicts(m: re.Match[str], problems: list[str]) -> list[dict[str, Any]]:
    raw = "{" + m.group("dict") + "}" if m.group("dict") is not None else "[" + m.group("dicts") + "]"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        problems.append(f"annotation {m.group(0)!r}: the entity dict is not valid JSON ({e.msg}); write it like "
                        '{"entity": "city", "value": "Seoul"} with double quotes')
        return []
    items = data if isinstance(data, list) else [data]
    out = []
    for d in items:
        if not isinstance(d, dict) or not isinstance(d.get("entity"), str) or not d["entity"].strip():
            problems.append(f"annotation {m.group(0)!r}: each entity dict needs an \"entity\" name")
            continue
        unknown = set(d) - _DICT_KEYS
        if unknown:
            problems.append(f"annotation {m.group(0)!r}: unknown keys {sorted(unknown)}; allowed: {sorted(_DICT_KEYS)}")
            continue
        out.append(d)
    return out


def parse_example(raw: str) -> ParsedExample:
    """Remove annotations from ``raw`` and return the entities with plain-text offsets.

    Args:
        raw: one example as written, e.g. ``"[강남구](district)에서 신청"``.

    Returns:
        The plain text, the annotations, and problems (an annotation that cannot
        be read is reported there, never silently dropped).
    """
    parts: list[str] = []
    annotations: list[Annotation] = []
    problems: list[str] = []
    pos = 0
    plain_len = 0
    for m in ANNOTATION_RE.finditer(raw):
        before = raw[pos : m.start()]
        parts.append(before)
        plain_len += len(before)
        text = m.group("text")
        start, end = plain_len, plain_len + len(text)
        markup = m.group(0)[len(text) + 2 :]
        if m.group("entity") is not None:
            entity = m.group("entity").strip()
            value = m.group("value") if m.group("value") is not None else text
            if not entity:
                problems.append(f"annotation {m.group(0)!r}: empty entity name")
            else:
                annotations.append(Annotation(EntitySpan(entity, start, end, text, value), markup))
        else:
            for d in _dicts(m, problems):
                span = EntitySpan(d["entity"], start, end, text, d.get("value", text),
                                  role=None if d.get("role") is None else str(d["role"]),
                                  group=None if d.get("group") is None else str(d["group"]))
                annotations.append(Annotation(span, markup))
        parts.append(text)
        plain_len = end
        pos = m.end()
    parts.append(raw[pos:])
    plain = "".join(parts)
    if _LEFTOVER_RE.search(plain):  # e.g. "[x]()" or "[x]{}": markup Rasa's grammar does not read
        problems.append(f"example {raw!r} has text that looks like an annotation but is not one; "
                        "write [text](entity) or [text]{\"entity\": \"name\"}")
    return ParsedExample(plain, tuple(annotations), tuple(problems))
