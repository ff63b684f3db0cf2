"""domain_as_dict: our Domain in the dict shape Rasa 3.x sends to custom actions.

The expected dicts are written out by hand from the YAML below and Rasa 3.6's rules
(``Domain.as_dict``, ``_transform_intents_for_file``, ``_transform_entities_for_file``,
``Slot.persistence_info``); the real Rasa projects in ../shared/data are compared with
their own YAML.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.nlu.domain import Domain
from assistant.nlu.domain_dict import domain_as_dict
from assistant.nlu.yaml_io import Reporter, load_yaml_file, to_plain

from shared_paths import SHARED_DATA

DOMAIN_YML = """
version: "3.1"
config:
  store_entities_as_slots: false
intents:
  - greet
  - inform:
      use_entities: [age]
  - apply:
      ignore_entities: [region]
  - deny:
      use_entities: false
  - chitchat:
      use_entities: true
      ignore_entities: [age]
entities:
  - age
  - region:
      roles: [home, work]
  - household:
      groups: [g1]
      roles: [r1]
slots:
  age:
    type: float
    min_value: 0
    max_value: 120
    mappings:
      - type: from_entity
        entity: age
        not_intent: [chitchat, deny]
        conditions:
          - active_loop: benefit_form
            requested_slot: age
  life_stage:
    type: categorical
    values: [영유아, 청년, 노년]
    initial_value: 청년
    mappings:
      - type: from_intent
        intent: [retire, elderly]
        value: 노년
  consent:
    type: bool
    influence_conversation: false
    mappings:
      - type: from_trigger_intent
        intent: apply
        value: true
  documents:
    type: list
    mappings:
      - type: custom
        action: action_collect_documents
  raw:
    type: any
    influence_conversation: false
    mappings:
      - type: from_text
responses:
  utter_greet:
    - text: "안녕하세요"
      condition:
        - type: slot
          name: language
          value: ko
    - text: "Hello"
      channel: telegram
      buttons:
        - title: "Start"
          payload: /apply
forms:
  benefit_form:
    required_slots: [age, life_stage]
    ignored_intents: [chitchat]
actions:
  - action_collect_documents
  - validate_benefit_form
session_config:
  session_expiration_time: 15
  carry_over_slots_to_new_session: false
"""

EXPECTED: dict[str, Any] = {
    "config": {"store_entities_as_slots": False},
    "session_config": {"session_expiration_time": 15.0, "carry_over_slots_to_new_session": False},
    # sorted; three entities: all used → true; at most half (1.5) used → use_entities; else ignore_entities
    "intents": [
        {"apply": {"ignore_entities": ["region"]}},
        {"chitchat": {"ignore_entities": ["age"]}},
        {"deny": {"use_entities": []}},
        {"greet": {"use_entities": True}},
        {"inform": {"use_entities": ["age"]}},
    ],
    "entities": ["age", {"region": {"roles": ["home", "work"]}}, {"household": {"groups": ["g1"], "roles": ["r1"]}}],
    "slots": {
        "age": {"type": "rasa.shared.core.slots.FloatSlot", "initial_value": None, "influence_conversation": True,
                "mappings": [{"type": "from_entity", "entity": "age", "not_intent": ["chitchat", "deny"],
                              "conditions": [{"active_loop": "benefit_form", "requested_slot": "age"}]}],
                "max_value": 120.0, "min_value": 0.0},
        "life_stage": {"type": "rasa.shared.core.slots.CategoricalSlot", "initial_value": "청년", "influence_conversation": True,
                       "mappings": [{"type": "from_intent", "intent": ["retire", "elderly"], "value": "노년"}],
                       "values": ["영유아", "청년", "노년"]},
        "consent": {"type": "rasa.shared.core.slots.BooleanSlot", "initial_value": None, "influence_conversation": False,
                    "mappings": [{"type": "from_trigger_intent", "intent": "apply", "value": True}]},
        "documents": {"type": "rasa.shared.core.slots.ListSlot", "initial_value": None, "influence_conversation": True,
                      "mappings": [{"type": "custom", "action": "action_collect_documents"}]},
        "raw": {"type": "rasa.shared.core.slots.AnySlot", "initial_value": None, "influence_conversation": False,
                "mappings": [{"type": "from_text"}]},
    },
    "responses": {"utter_greet": [
        {"text": "안녕하세요", "condition": [{"type": "slot", "name": "language", "value": "ko"}]},
        {"text": "Hello", "channel": "telegram", "buttons": [{"title": "Start", "payload": "/apply"}]},
    ]},
    "actions": ["action_collect_documents", "validate_benefit_form"],
    "forms": {"benefit_form": {"required_slots": ["age", "life_stage"], "ignored_intents": ["chitchat"]}},
    "e2e_actions": [],
}


@pytest.fixture()
def domain(tmp_path: Path) -> Domain:
    path = tmp_path / "domain.yml"
    path.write_text(DOMAIN_YML, encoding="utf-8")
    return Domain.load(path)


def test_shape_matches_rasa(domain: Domain) -> None:
    got = domain_as_dict(domain)
    assert list(got) == list(EXPECTED)
    for key in EXPECTED:
        assert got[key] == EXPECTED[key], key


def test_json_round_trip_keeps_korean(domain: Domain) -> None:
    text = json.dumps(domain_as_dict(domain), ensure_ascii=False, allow_nan=False)
    assert json.loads(text) == EXPECTED and "노년" in text


def test_result_is_a_copy(domain: Domain) -> None:
    got = domain_as_dict(domain)
    got["responses"]["utter_greet"][0]["text"] = "changed"
    got["slots"]["life_stage"]["mappings"][0]["intent"].append("x")
    assert domain_as_dict(domain) == EXPECTED


def test_defaults_of_an_empty_domain() -> None:
    assert domain_as_dict(Domain()) == {
        "config": {"store_entities_as_slots": True},
        "session_config": {"session_expiration_time": 60.0, "carry_over_slots_to_new_session": True},
        "intents": [], "entities": [], "slots": {}, "responses": {}, "actions": [], "forms": {}, "e2e_actions": [],
    }


def _norm_mapping(m: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in m.items() if v is not None}
    for k in ("intent", "not_intent"):
        if isinstance(out.get(k), str):
            out[k] = [out[k]]
    return out


@pytest.mark.parametrize("name", ["rasa_demo_sara", "rasa_financial_demo"])
def test_real_rasa_projects(name: str) -> None:
    root = SHARED_DATA / name
    if not (root / "domain.yml").exists():
        pytest.skip(f"{root} not found (the shared Rasa demo data is not in this checkout)")
    # the project's YAML 1.2 reader, as Rasa's (PyYAML's 1.1 would read `value: yes` as true)
    raw = to_plain(load_yaml_file(root / "domain.yml", Reporter()))
    got = domain_as_dict(Domain.load(root / "domain.yml"))
    json.dumps(got, allow_nan=False)
    assert set(got["slots"]) == set(raw["slots"])
    for slot, spec in raw["slots"].items():
        assert [_norm_mapping(m) for m in got["slots"][slot]["mappings"]] == [_norm_mapping(m) for m in spec.get("mappings") or []], slot
        assert got["slots"][slot]["initial_value"] == spec.get("initial_value")
    # Rasa 2's `required_slots: {slot: [mappings]}` (Sara) lists its slots in order
    assert {f: v["required_slots"] for f, v in got["forms"].items()} == {
        f: list((v or {}).get("required_slots") or []) for f, v in raw["forms"].items()}
    assert {k: got["responses"][k] for k in raw["responses"]} == raw["responses"]
    assert [next(iter(i)) for i in got["intents"]] == sorted(i if isinstance(i, str) else next(iter(i)) for i in raw["intents"])
    assert got["actions"] == raw.get("actions", [])
