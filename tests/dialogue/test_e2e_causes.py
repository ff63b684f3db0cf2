"""Failure causes of stubbed custom actions: a form whose ``validate_<form>`` is the project's custom code, stubbed
as a no-op, leaves the form's slots as the real action would not (the financial demo's ``validate_*_form`` sets
``AA_CONTINUE_FORM`` as the form starts): a divergence while that form is active is ``custom action effects``
naming ``validate_<form>``, not an engine failure; the same story with an in-process validation is the engine's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.dialogue.actions import ActionRegistry
from assistant.dialogue.builtin_actions import register_builtins
from assistant.dialogue.e2e import CUSTOM_ACTION_EFFECTS, ENGINE, effects_action, failure_cause, load_test_stories, run_stories
from assistant.dialogue.executors import ActionResult
from assistant.dialogue.forms import FormAction
from assistant.dialogue.policies import PolicyEnsemble
from assistant.dialogue.processor import MessageProcessor
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.dialogue.validators import ValidatorRegistry
from assistant.nlu.project import load_project
from assistant.settings import Settings
from assistant.stores.locks import make_lock_store
from assistant.stores.trackers import SQLTrackerStore

DOMAIN = """
version: "3.1"
intents: [pay, check_balance, inform]
entities: [amount]
slots:
  AA_CONTINUE_FORM:
    type: any
    influence_conversation: false
    mappings:
    - type: from_intent
      intent: inform
      value: yes
      conditions:
      - active_loop: pay_form
        requested_slot: AA_CONTINUE_FORM
  amount:
    type: any
    influence_conversation: false
    mappings:
    - type: from_entity
      entity: amount
      conditions:
      - active_loop: pay_form
        requested_slot: amount
responses:
  utter_ask_pay_form_AA_CONTINUE_FORM:
  - text: "Continue?"
  utter_ask_amount:
  - text: "How much?"
  utter_balance:
  - text: "Your balance."
actions: [validate_pay_form]
forms:
  pay_form:
    required_slots: [AA_CONTINUE_FORM, amount]
"""
RULES = """
version: "3.1"
rules:
- rule: pay
  steps:
  - intent: pay
  - action: pay_form
  - active_loop: pay_form
- rule: balance while paying
  condition:
  - active_loop: pay_form
  steps:
  - intent: check_balance
  - action: utter_balance
  - action: pay_form
  - active_loop: pay_form
"""
TESTS = """
version: "3.1"
stories:
- story: the form starts with AA_CONTINUE_FORM set by its validation
  steps:
  - intent: pay
    user: /pay
  - action: pay_form
  - active_loop: pay_form
  - slot_was_set:
    - AA_CONTINUE_FORM: yes
  - slot_was_set:
    - requested_slot: amount
"""


class _PayloadsOnly:
    def parse(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("payload messages only")

    def embed_queries(self, texts: list[str]) -> Any:
        raise AssertionError("payload messages only")


class _Stub:
    """Every custom action succeeds and does nothing (bench/e2e_peers.py's stubbed run)."""

    def run(self, name: str, tracker: DialogueStateTracker, domain: Any) -> ActionResult:
        return ActionResult([], [])


def _run(tmp_path: Path) -> tuple[Any, Any, set[str], set[str]]:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (root / "data" / "rules.yml").write_text(RULES, encoding="utf-8")
    proj = load_project(root)
    settings = Settings(home=tmp_path / "home")
    registry = ActionRegistry(_Stub())
    register_builtins(registry)
    for form in proj.domain.forms.values():
        registry.register(FormAction(form, ValidatorRegistry(), registry), replace=True)
    policies = PolicyEnsemble(proj.rules, None, (), proj.domain, settings.intent_threshold)
    p = MessageProcessor(settings, proj.domain, _PayloadsOnly(), _PayloadsOnly(), policies, registry,  # type: ignore[arg-type]
                         SQLTrackerStore("sqlite://"), make_lock_store(None))
    path = tmp_path / "tests.yml"
    path.write_text(TESTS, encoding="utf-8")
    stories = load_test_stories(path)
    custom = set(p.domain.actions) - set(p.registry.names())
    return stories[0], run_stories(p, stories).results[0], custom, set(p.domain.forms)


def test_a_divergence_in_a_form_with_stubbed_custom_validation_is_its_effects(tmp_path: Path) -> None:
    story, result, custom, forms = _run(tmp_path)
    assert custom == {"validate_pay_form"} and forms == {"pay_form"}
    d = result.divergence
    assert d is not None and d.kind == "slot" and d.expected == {"AA_CONTINUE_FORM": "yes"}, d
    assert failure_cause(story, result, custom, stubbed=True, forms=forms) == CUSTOM_ACTION_EFFECTS
    assert effects_action(story, result, custom, forms) == "validate_pay_form"


def test_the_same_divergence_without_custom_validation_is_the_engines(tmp_path: Path) -> None:
    story, result, _, forms = _run(tmp_path)
    assert failure_cause(story, result, set(), stubbed=True, forms=forms) == ENGINE  # validation is ours: ours to fix
    assert failure_cause(story, result, {"validate_pay_form"}, stubbed=False, forms=forms) == ENGINE  # not stubbed
    assert effects_action(story, result, set(), forms) is None
