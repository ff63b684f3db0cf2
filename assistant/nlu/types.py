"""Shared NLU value types: entity spans, training examples, training data.

These are the contract between the training-data reader
(:mod:`assistant.nlu.training_data`), the entity extractors
(:mod:`assistant.nlu.entities`), the intent classifier and the parse API.
Offsets are Python string indices (code points) into the ORIGINAL text, so
``text[span.start:span.end] == span.text`` always holds; ``value`` is the
normalised value (a synonym's canonical form, a number, an ISO date ...).
The shape follows Rasa's parse result (``entity``, ``start``, ``end``,
``value``, ``extractor``, ``role``, ``group``, ``confidence_entity``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EntitySpan:
    """One entity in a message: an annotation in training data or an extraction.

    Attributes:
        entity: entity type, e.g. ``"district"``.
        start, end: code-point offsets into the original text (end exclusive).
        text: ``original_text[start:end]``.
        value: the normalised value (defaults to ``text``): a synonym's canonical
            form, an ``int`` for numbers and amounts (KRW for money), an ISO-8601
            date string for dates, digits for phone numbers.
        role, group: Rasa entity roles and groups (None when absent).
        extractor: which extractor produced it (``"regex"``, ``"lookup"``,
            ``"crf"``, ``"duckling-like"`` ...; None for a training annotation).
        confidence: 0..1 where the extractor has one.
        additional_info: extra structure of a built-in (duckling-like) value, as in Rasa's
            ``DucklingEntityExtractor`` output: the grain of a time, the unit and
            normalised seconds of a duration, ``valid: False`` on an implausible age.
            Not part of equality or hashing; ``None`` when there is none.
    """

    entity: str
    start: int
    end: int
    text: str
    value: Any = None
    role: str | None = None
    group: str | None = None
    extractor: str | None = None
    confidence: float | None = None
    additional_info: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    def to_json(self) -> dict[str, Any]:
        """Rasa's entity shape (``confidence_entity`` only when known)."""
        out: dict[str, Any] = {
            "entity": self.entity,
            "start": self.start,
            "end": self.end,
            "value": self.text if self.value is None else self.value,
            "text": self.text,
            "extractor": self.extractor,
        }
        if self.role is not None:
            out["role"] = self.role
        if self.group is not None:
            out["group"] = self.group
        if self.confidence is not None:
            out["confidence_entity"] = self.confidence
        if self.additional_info is not None:
            out["additional_info"] = self.additional_info
        return out


@dataclass(frozen=True)
class TrainingExample:
    """One intent example with its entity annotations.

    Attributes:
        text: plain text, annotations removed.
        intent: the intent name.
        entities: annotations with offsets into ``text``.
        source: ``"path/to/nlu.yml:LINE"`` for error messages (None when built in code).
        metadata: the example's ``metadata`` (or its intent block's) from the
            training data, None when absent; not part of equality or hashing.
    """

    text: str
    intent: str
    entities: tuple[EntitySpan, ...] = ()
    source: str | None = None
    metadata: dict[str, Any] | None = field(default=None, compare=False, hash=False)


@dataclass
class NluTrainingData:
    """Everything in a project's ``nlu:`` files, merged across files.

    Attributes:
        examples: intent examples in file order.
        synonyms: variant (as written, case preserved) → canonical value.
        regexes: regex feature/extractor name → patterns.
        lookups: lookup table name → entries.
        sources: name → ``"file:line"`` of where each synonym/regex/lookup was defined
            (keys ``"synonym:NAME"``, ``"regex:NAME"``, ``"lookup:NAME"``, ``"intent:NAME"``
            for an intent's first block, ``"synonym-variant:TEXT"`` for each variant).
    """

    examples: list[TrainingExample] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def entity_types(self) -> set[str]:
        """Entity types annotated in the examples."""
        return {e.entity for ex in self.examples for e in ex.entities}
