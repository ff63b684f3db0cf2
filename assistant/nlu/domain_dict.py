"""A :class:`~assistant.nlu.domain.Domain` as the dict Rasa 3.x sends to custom actions.

Rasa puts ``Domain.as_dict()`` into every action-server request (``"domain"``),
and ``rasa_sdk`` actions read it: a ``FormValidationAction`` takes the slots it
validates from ``domain["forms"][form]["required_slots"]`` and skips slots whose
``mappings`` carry an ``active_loop`` condition of another form. The shape,
after ``rasa/shared/core/domain.py`` (``as_dict``, ``_transform_intents_for_file``,
``_transform_entities_for_file``) and ``rasa/shared/core/slots.py``
(``persistence_info``) of Rasa 3.6::

    {"config": {"store_entities_as_slots": true},
     "session_config": {"session_expiration_time": 60.0, "carry_over_slots_to_new_session": true},
     "intents": [{"greet": {"use_entities": true}}, {"inform": {"use_entities": ["age"]}}],
     "entities": ["age", {"city": {"roles": ["from", "to"]}}],
     "slots": {"age": {"type": "rasa.shared.core.slots.FloatSlot", "initial_value": null,
                       "influence_conversation": true, "mappings": [{"type": "from_entity", "entity": "age"}],
                       "max_value": 1.0, "min_value": 0.0}},
     "responses": {"utter_greet": [{"text": "안녕하세요"}]},
     "actions": ["action_check"],
     "forms": {"benefit_form": {"required_slots": ["age"]}},
     "e2e_actions": []}

Intents are sorted by name, as Rasa writes them. ``e2e_actions`` is always
empty: the domain loader does not keep end-to-end action texts.
"""

from __future__ import annotations

import copy
from typing import Any

from assistant.nlu.domain import Domain, FormDef, IntentDef, SlotDef, SlotMapping

__all__ = ["RASA_SLOT_CLASSES", "domain_as_dict"]

#: Slot ``type`` → the class path Rasa writes in ``Domain.as_dict()`` (``module_path_from_instance``).
RASA_SLOT_CLASSES = {
    "text": "rasa.shared.core.slots.TextSlot",
    "bool": "rasa.shared.core.slots.BooleanSlot",
    "categorical": "rasa.shared.core.slots.CategoricalSlot",
    "float": "rasa.shared.core.slots.FloatSlot",
    "list": "rasa.shared.core.slots.ListSlot",
    "any": "rasa.shared.core.slots.AnySlot",
}


def _intent(d: IntentDef, entities: list[str]) -> dict[str, Any]:
    # Rasa keeps the entities an intent uses and writes the shorter of the two lists back.
    used = set(entities) if d.use_entities is None else set(d.use_entities) & set(entities)
    used -= set(d.ignore_entities)
    props: dict[str, Any]
    if len(used) == len(entities):
        props = {"use_entities": True}
    elif len(used) <= len(entities) / 2:
        props = {"use_entities": sorted(used)}
    else:
        props = {"ignore_entities": sorted(set(entities) - used)}
    return {d.name: props}


def _entity(domain: Domain, name: str) -> str | dict[str, Any]:
    d = domain.entity_defs[name]
    props: dict[str, Any] = {}
    if d.groups:
        props["groups"] = list(d.groups)
    if d.roles:
        props["roles"] = list(d.roles)
    return {name: props} if props else name


def _names_out(names: tuple[str, ...]) -> str | list[str]:
    return names[0] if len(names) == 1 else list(names)


def _mapping(m: SlotMapping) -> dict[str, Any]:
    out: dict[str, Any] = {"type": m.type}
    for key in ("entity", "role", "group", "action"):
        if getattr(m, key) is not None:
            out[key] = getattr(m, key)
    if m.type in ("from_intent", "from_trigger_intent") or m.value is not None:
        out["value"] = copy.deepcopy(m.value)
    if m.intent:
        out["intent"] = _names_out(m.intent)
    if m.not_intent:
        out["not_intent"] = _names_out(m.not_intent)
    if m.conditions:
        out["conditions"] = copy.deepcopy(list(m.conditions))
    return out


def _slot(s: SlotDef) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": RASA_SLOT_CLASSES.get(s.type, s.type),
        "initial_value": copy.deepcopy(s.initial_value),
        "influence_conversation": s.influence_conversation,
        "mappings": [_mapping(m) for m in s.mappings],
    }
    if s.type == "float":
        out["max_value"] = 1.0 if s.max_value is None else s.max_value
        out["min_value"] = 0.0 if s.min_value is None else s.min_value
    elif s.type == "categorical":
        out["values"] = [str(v) for v in s.values if v is not None]
    return out


def _form(f: FormDef) -> dict[str, Any]:
    out: dict[str, Any] = {"required_slots": list(f.required_slots)}
    if f.ignored_intents:
        out["ignored_intents"] = list(f.ignored_intents)
    return out


def domain_as_dict(domain: Domain) -> dict[str, Any]:
    """The domain in Rasa 3.x's ``Domain.as_dict()`` shape (see the module docstring).

    Args:
        domain: a loaded domain.

    Returns:
        A fresh JSON-serializable dict (safe to mutate) with the keys ``config``,
        ``session_config``, ``intents``, ``entities``, ``slots``, ``responses``,
        ``actions``, ``forms``, ``e2e_actions``. A slot type Rasa does not know is
        written as given (Rasa writes a custom slot's class path).

    Example:
        >>> d = Domain(intents=["greet"], responses={"utter_greet": [{"text": "Hi"}]})
        >>> domain_as_dict(d)["intents"], domain_as_dict(d)["responses"]
        ([{'greet': {'use_entities': True}}], {'utter_greet': [{'text': 'Hi'}]})
    """
    entities = domain.entities
    return {
        "config": {"store_entities_as_slots": domain.store_entities_as_slots},
        "session_config": {
            "session_expiration_time": domain.session_config.session_expiration_time,
            "carry_over_slots_to_new_session": domain.session_config.carry_over_slots_to_new_session,
        },
        "intents": [_intent(domain.intent_defs[n], entities) for n in sorted(domain.intent_defs)],
        "entities": [_entity(domain, n) for n in entities],
        "slots": {name: _slot(s) for name, s in domain.slots.items()},
        "responses": copy.deepcopy(domain.responses),
        "actions": list(domain.actions),
        "forms": {name: _form(f) for name, f in domain.forms.items()},
        "e2e_actions": [],
    }
