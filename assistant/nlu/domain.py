"""A Rasa 3.x domain: intents, entities, slots, responses, forms, actions, session config.

Read unchanged from one ``domain.yml`` or a folder of domain files (merged, as
Rasa does for a domain directory). The format follows the Rasa 3.x domain
reference (https://rasa.com/docs/rasa/domain): intents with
``use_entities``/``ignore_entities``; entities with ``roles``/``groups``;
slots with ``type`` and ``mappings`` (``from_entity``, ``from_intent``,
``from_trigger_intent``, ``from_text``, ``custom``, each with ``conditions``);
responses with slot ``condition`` and ``channel`` variants; forms with
``required_slots`` and ``ignored_intents`` (the Rasa 2 mapping form of
``required_slots`` is read too). Every definition keeps its ``"file:line"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import InvalidConfigError
from assistant.nlu.yaml_io import LineDict, LineList, Reporter, line_of, load_yaml_file, to_plain, yaml_files

__all__ = [
    "DOMAIN_KEYS",
    "Domain",
    "EntityDef",
    "FormDef",
    "IntentDef",
    "ResponseVariant",
    "SessionConfig",
    "SlotDef",
    "SlotMapping",
    "is_domain_data",
]

DOMAIN_KEYS = frozenset({"version", "intents", "entities", "slots", "responses", "forms", "actions", "session_config", "config", "e2e_actions"})
_DEFINITION_KEYS = DOMAIN_KEYS - {"version", "config"}
SLOT_TYPES = frozenset({"text", "bool", "categorical", "float", "list", "any"})
MAPPING_TYPES = frozenset({"from_entity", "from_intent", "from_trigger_intent", "from_text", "custom"})


@dataclass(frozen=True)
class IntentDef:
    """An intent. ``use_entities`` None means all entities (Rasa's ``use_entities: true``)."""

    name: str
    use_entities: tuple[str, ...] | None = None
    ignore_entities: tuple[str, ...] = ()
    source: str | None = None


@dataclass(frozen=True)
class EntityDef:
    """An entity with its allowed ``roles`` and ``groups``."""

    name: str
    roles: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    influence_conversation: bool = True
    source: str | None = None


@dataclass(frozen=True)
class SlotMapping:
    """One way to fill a slot.

    Attributes:
        type: ``from_entity``, ``from_intent``, ``from_trigger_intent``, ``from_text`` or ``custom``.
        entity, role, group: for ``from_entity``.
        value: the value a ``from_intent``/``from_trigger_intent`` mapping sets.
        intent, not_intent: the intents it applies to / never applies to (empty: any).
        conditions: ``({"active_loop": ..., "requested_slot": ...}, ...)``; any one must hold.
        action: the custom action that fills it (``custom``).
    """

    type: str
    entity: str | None = None
    role: str | None = None
    group: str | None = None
    value: Any = None
    intent: tuple[str, ...] = ()
    not_intent: tuple[str, ...] = ()
    conditions: tuple[dict[str, Any], ...] = ()
    action: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class SlotDef:
    """A slot. ``min_value``/``max_value`` only for ``float`` (Rasa defaults 0.0 and 1.0).

    ``auto_fill``: a Rasa 2.x slot without mappings that takes the value of the entity of its name
    (:attr:`fill_mappings`); the domain as written keeps no mappings.
    """

    name: str
    type: str
    mappings: tuple[SlotMapping, ...] = ()
    influence_conversation: bool = True
    initial_value: Any = None
    values: tuple[Any, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    source: str | None = None
    auto_fill: bool = False

    @property
    def fill_mappings(self) -> tuple[SlotMapping, ...]:
        """The mappings that fill it from NLU: its own, or Rasa 2's auto-fill from the entity of its name
        (``from_entity``, what ``rasa data migrate`` writes) when :attr:`auto_fill` (see ``_auto_fills``)."""
        if self.mappings or not self.auto_fill:
            return self.mappings
        return (SlotMapping("from_entity", entity=self.name, source=self.source),)


@dataclass(frozen=True)
class ResponseVariant:
    """One variant of a response.

    Attributes:
        data: the variant as written (``text``, ``buttons``, ``image``, ``custom`` ...), plain values.
        condition: ``({"type": "slot", "name": ..., "value": ...}, ...)``; all must hold.
        channel: the channel it is for, or None.
    """

    data: dict[str, Any]
    condition: tuple[dict[str, Any], ...] = ()
    channel: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class FormDef:
    """A form: the slots it asks for, in order, and the intents that never fill them."""

    name: str
    required_slots: tuple[str, ...] = ()
    ignored_intents: tuple[str, ...] = ()
    legacy_mappings: dict[str, tuple[SlotMapping, ...]] = field(default_factory=dict, compare=False, hash=False)
    source: str | None = None


@dataclass(frozen=True)
class SessionConfig:
    """``session_expiration_time`` in minutes (0: sessions never expire) and slot carry-over."""

    session_expiration_time: float = 60.0
    carry_over_slots_to_new_session: bool = True


def is_domain_data(data: Mapping[str, Any]) -> bool:
    """True when a YAML file holds domain definitions (intents, slots, responses, forms ...)."""
    return any(k in data for k in _DEFINITION_KEYS) and not any(k in data for k in ("nlu", "stories", "rules"))


def _names(value: Any) -> tuple[str, ...]:
    if value is None or isinstance(value, bool):
        return ()
    if isinstance(value, str):
        return (str(value),)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


class Domain:
    """A Rasa 3.x domain.

    Attributes:
        version: the ``version`` string (the first file's), or None.
        intents: intent names in order (``intent_defs`` has the options).
        entities: entity names in order (``entity_defs`` has roles and groups).
        slots, forms: by name.
        responses: name → variants as plain dicts (as written).
        response_variants: name → :class:`ResponseVariant` (conditions, channel, source).
        actions: custom action names listed under ``actions``.
        session_config: :class:`SessionConfig`.
        sources: ``"intent:NAME"``, ``"entity:NAME"``, ``"slot:NAME"``, ``"response:NAME"``,
            ``"form:NAME"``, ``"action:NAME"`` → ``"file:line"``.

    Example:
        >>> Domain.load(Path("intents/domain.yml")).response("utter_greet", "en")["text"]
        'Hello! ...'
    """

    def __init__(self, intents: list[str] | None = None, responses: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.version: str | None = None
        self.intent_defs: dict[str, IntentDef] = {n: IntentDef(n) for n in intents or []}
        self.entity_defs: dict[str, EntityDef] = {}
        self.slots: dict[str, SlotDef] = {}
        self.response_variants: dict[str, list[ResponseVariant]] = {}
        self.forms: dict[str, FormDef] = {}
        self.actions: list[str] = []
        self.session_config = SessionConfig()
        self.store_entities_as_slots = True
        self.sources: dict[str, str] = {}
        for name, variants in (responses or {}).items():
            self.response_variants[name] = [_variant(v, None) for v in variants]

    @property
    def intents(self) -> list[str]:
        """Intent names in order."""
        return list(self.intent_defs)

    @property
    def entities(self) -> list[str]:
        """Entity names in order."""
        return list(self.entity_defs)

    @property
    def responses(self) -> dict[str, list[dict[str, Any]]]:
        """Response name → its variants as plain dicts (``text``, ``buttons``, ``condition`` ...)."""
        return {name: [v.data for v in vs] for name, vs in self.response_variants.items()}

    @classmethod
    def load(cls, path: Path, reporter: Reporter | None = None) -> Domain:
        """Read a domain file, or every domain file in a folder (merged; the first definition wins).

        Raises:
            InvalidConfigError: the path is missing or a file is malformed (unless ``reporter`` collects).
        """
        reporter = reporter or Reporter()
        if not path.exists():
            raise InvalidConfigError(f"domain {path} does not exist")
        domain = cls()
        for f in yaml_files([path]):
            data = load_yaml_file(f, reporter)
            if data is not None and (f == path or is_domain_data(data)):
                domain.add(data, f, reporter)
        return domain

    def add(self, data: LineDict, path: Path, reporter: Reporter) -> None:
        """Merge one file's domain keys into this domain (names already defined keep their first definition)."""
        for key in data:
            if key not in DOMAIN_KEYS and key not in ("nlu", "stories", "rules"):
                reporter.warning("domain-unknown-key", f"unknown domain key {key!r}", f"{path}:{data.key_lines.get(key, 1)}",
                                 f"use one of {sorted(DOMAIN_KEYS)}")
        if self.version is None and data.get("version") is not None:
            self.version = str(data["version"])
        config = data.get("config")
        if isinstance(config, dict) and "store_entities_as_slots" in config:
            self.store_entities_as_slots = bool(config["store_entities_as_slots"])
        _read_intents(self, data.get("intents"), path, reporter)
        _read_entities(self, data.get("entities"), path, reporter)
        _read_slots(self, data.get("slots"), path, reporter)
        self.add_responses(data.get("responses"), path, reporter)
        _read_forms(self, data.get("forms"), path, reporter)
        _read_actions(self, data.get("actions"), path, reporter)
        sc = data.get("session_config")
        if isinstance(sc, dict):
            self.session_config = SessionConfig(
                float(sc.get("session_expiration_time", 60) or 0), bool(sc.get("carry_over_slots_to_new_session", True))
            )

    def _define(self, kind: str, name: str, source: str, reporter: Reporter) -> bool:
        key = f"{kind}:{name}"
        if key in self.sources:
            reporter.warning("domain-duplicate", f"{kind} {name!r} is defined twice (first at {self.sources[key]}); the first one is used", source,
                             "remove one of the definitions")
            return False
        self.sources[key] = source
        return True

    def add_responses(self, responses: Any, path: Path, reporter: Reporter) -> None:
        """Merge a ``responses:`` mapping (from a domain file or an NLU data file, as Rasa allows)."""
        if responses is None:
            return
        if not isinstance(responses, LineDict):
            reporter.error("domain-structure", "'responses' must be a mapping of name → variants", f"{path}:{line_of(responses, 1)}")
            return
        for name, variants in responses.items():
            src = f"{path}:{responses.key_lines.get(name, responses.line)}"
            if not self._define("response", str(name), src, reporter):
                continue
            if not isinstance(variants, list) or not variants:
                reporter.error("response-empty", f"response {name!r} has no variants", src, "add '- text: ...'")
                self.response_variants[str(name)] = []
                continue
            out = []
            for v, vl in zip(variants, variants.item_lines if isinstance(variants, LineList) else [0] * len(variants), strict=True):
                if not isinstance(v, dict):
                    reporter.error("response-format", f"response {name!r}: each variant must be a mapping (text, buttons ...)", f"{path}:{vl}")
                    continue
                out.append(_variant(v, f"{path}:{vl}"))
            self.response_variants[str(name)] = out

    def response(self, name: str, language: str | None = None, channel: str | None = None,
                 slots: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Choose the variant of response ``name`` to send.

        Order (Rasa's conditional response variations): a variant whose
        ``channel`` matches and whose conditions hold; then one without a
        channel whose conditions hold; then an unconditioned variant for the
        channel; then an unconditioned one without a channel; then the last
        variant. ``language`` is the value of the ``language`` slot.

        Args:
            name: e.g. ``"utter_greet"``.
            language: ``"ko"``, ``"en"`` ... (checked against ``language`` slot conditions).
            channel: the output channel name, e.g. ``"telegram"``.
            slots: other slot values for conditions.

        Returns:
            The variant as a plain dict (``text``, ``buttons`` ...).

        Raises:
            InvalidConfigError: the response is not defined.
        """
        variants = self.response_variants.get(name)
        if not variants:
            raise InvalidConfigError(f"response {name!r} is not defined in the domain; defined: {sorted(self.response_variants)}")
        values = {**(slots or {}), **({"language": language} if language is not None else {})}

        def holds(v: ResponseVariant) -> bool:
            return all(c.get("type", "slot") == "slot" and values.get(str(c.get("name"))) == c.get("value") for c in v.condition)

        def tier(v: ResponseVariant) -> int:
            if v.condition:
                if not holds(v):
                    return 9
                return 0 if channel is not None and v.channel == channel else 1 if v.channel is None else 9
            return 2 if channel is not None and v.channel == channel else 3 if v.channel is None else 9

        best = min(range(len(variants)), key=lambda i: (tier(variants[i]), i))
        return variants[best].data if tier(variants[best]) < 9 else variants[-1].data


def _variant(v: Mapping[str, Any], source: str | None) -> ResponseVariant:
    data = to_plain(v)
    cond = data.get("condition") or []
    return ResponseVariant(data, tuple(c for c in cond if isinstance(c, dict)), data.get("channel"), source)


def _items(value: Any) -> list[tuple[Any, int]]:
    if not isinstance(value, list):
        return []
    lines = value.item_lines if isinstance(value, LineList) else [0] * len(value)
    return list(zip(value, lines, strict=True))


def _read_intents(d: Domain, value: Any, path: Path, reporter: Reporter) -> None:
    for item, line in _items(value):
        src = f"{path}:{line}"
        if isinstance(item, str):
            name, opts = str(item), dict[str, Any]()
        elif isinstance(item, dict) and len(item) == 1:
            name, opts = str(next(iter(item))), next(iter(item.values())) or {}
        else:
            reporter.error("domain-structure", "an intent is a name or '- name: {use_entities: [...]}'", src)
            continue
        if not d._define("intent", name, src, reporter):
            continue
        use = opts.get("use_entities", True) if isinstance(opts, dict) else True
        use_entities = None if use is True else () if use is False else _names(use)
        d.intent_defs[name] = IntentDef(name, use_entities, _names(opts.get("ignore_entities") if isinstance(opts, dict) else None), src)


def _read_entities(d: Domain, value: Any, path: Path, reporter: Reporter) -> None:
    for item, line in _items(value):
        src = f"{path}:{line}"
        if isinstance(item, str):
            name, opts = str(item), dict[str, Any]()
        elif isinstance(item, dict) and len(item) == 1:
            name, opts = str(next(iter(item))), next(iter(item.values())) or {}
        else:
            reporter.error("domain-structure", "an entity is a name or '- name: {roles: [...], groups: [...]}'", src)
            continue
        if d._define("entity", name, src, reporter):
            d.entity_defs[name] = EntityDef(name, _names(opts.get("roles")), _names(opts.get("groups")),
                                            bool(opts.get("influence_conversation", True)), src)


def read_mapping(m: Any, src: str) -> SlotMapping:
    """One slot mapping (a mapping from YAML) → :class:`SlotMapping` (unknown ``type`` kept as written)."""
    return SlotMapping(
        type=str(m.get("type", "")),
        entity=None if m.get("entity") is None else str(m["entity"]),
        role=None if m.get("role") is None else str(m["role"]),
        group=None if m.get("group") is None else str(m["group"]),
        value=to_plain(m.get("value")),
        intent=_names(m.get("intent")),
        not_intent=_names(m.get("not_intent")),
        conditions=tuple(to_plain(c) for c in m.get("conditions") or [] if isinstance(c, dict)),
        action=None if m.get("action") is None else str(m["action"]),
        source=src,
    )


def _auto_fills(d: Domain, spec: Mapping[str, Any]) -> bool:
    """Whether a slot without ``mappings`` fills from the entity of its name, as Rasa 2 did.

    A Rasa 2.x domain (``version: "2.x"``) has no slot mappings: with ``store_entities_as_slots``
    (default true) every slot whose ``auto_fill`` is not false takes the value of an extracted
    entity with the slot's name (Rasa 2.8 ``Domain.slots_for_entities``); ``rasa data migrate``
    turns this into a ``from_entity`` mapping (:attr:`SlotDef.fill_mappings`). A Rasa 3 slot
    without mappings is never filled from NLU.
    """
    try:
        major = int(str(d.version or "").split(".")[0])
    except ValueError:
        return False
    return major < 3 and d.store_entities_as_slots and spec.get("auto_fill", True) is not False


def _read_slots(d: Domain, value: Any, path: Path, reporter: Reporter) -> None:
    if value is None:
        return
    if not isinstance(value, LineDict):
        reporter.error("domain-structure", "'slots' must be a mapping of slot name → definition", f"{path}:{line_of(value, 1)}")
        return
    for name, spec in value.items():
        src = f"{path}:{value.key_lines.get(name, value.line)}"
        if not isinstance(spec, dict):
            reporter.error("domain-structure", f"slot {name!r} needs a mapping with at least 'type'", src)
            continue
        if not d._define("slot", str(name), src, reporter):
            continue
        mappings = tuple(read_mapping(m, f"{path}:{ml}") for m, ml in _items(spec.get("mappings")) if isinstance(m, dict))
        stype = str(spec.get("type", ""))
        is_float = stype == "float"
        d.slots[str(name)] = SlotDef(
            str(name), stype, mappings, bool(spec.get("influence_conversation", True)), to_plain(spec.get("initial_value")),
            tuple(to_plain(spec.get("values") or [])),
            float(spec.get("min_value", 0.0)) if is_float else None,
            float(spec.get("max_value", 1.0)) if is_float else None,
            src,
            "mappings" not in spec and _auto_fills(d, spec),
        )


def _read_forms(d: Domain, value: Any, path: Path, reporter: Reporter) -> None:
    if value is None:
        return
    if not isinstance(value, LineDict):
        reporter.error("domain-structure", "'forms' must be a mapping of form name → definition", f"{path}:{line_of(value, 1)}")
        return
    for name, spec in value.items():
        src = f"{path}:{value.key_lines.get(name, value.line)}"
        if not d._define("form", str(name), src, reporter):
            continue
        spec = spec or LineDict()
        required = spec.get("required_slots") if isinstance(spec, dict) else None
        legacy: dict[str, tuple[SlotMapping, ...]] = {}
        if isinstance(required, dict):  # Rasa 2: slot → mappings
            slots_ = tuple(str(s) for s in required)
            for s, ms in required.items():
                legacy[str(s)] = tuple(read_mapping(m, f"{path}:{ml}") for m, ml in _items(ms) if isinstance(m, dict))
        else:
            slots_ = _names(required)
        if isinstance(spec, LineDict):
            for key in spec:
                if key not in ("required_slots", "ignored_intents"):
                    reporter.warning("form-unknown-key", f"form {name!r}: {key!r} is not a form option (required_slots, ignored_intents)",
                                     f"{path}:{spec.key_lines.get(key, spec.line)}",
                                     f"if {key!r} is a slot to ask for, indent it under required_slots")
        d.forms[str(name)] = FormDef(str(name), slots_, _names(spec.get("ignored_intents") if isinstance(spec, dict) else None), legacy, src)


def _read_actions(d: Domain, value: Any, path: Path, reporter: Reporter) -> None:
    for item, line in _items(value):
        src = f"{path}:{line}"
        name = str(next(iter(item))) if isinstance(item, dict) and item else str(item)
        if d._define("action", name, src, reporter):
            d.actions.append(name)
