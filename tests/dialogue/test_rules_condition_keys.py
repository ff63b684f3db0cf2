"""A rule's ``condition`` as Rasa's RulePolicy keys it: a rule that starts with an action and then sets the loop
itself (``- action: f`` / ``- active_loop: null``) keeps the condition's loop in none of its states, so its next
action follows the form's end even where the form was never recorded active (Sara's "Playground form" test story,
replayed as ``rasa test`` replays it: Rasa 3.6.20 predicts ``action_store_problem_description`` there by that rule)."""

from __future__ import annotations

from pathlib import Path

from assistant.dialogue.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from assistant.dialogue.rules import match_rules
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.stories import Rule, read_rules
from assistant.nlu.yaml_io import Reporter, load_yaml_file

RULES = """
version: "3.1"
rules:
  - rule: submit playground form
    condition:
      - active_loop: playground_form
    steps:
      - action: playground_form
      - active_loop: null
      - action: action_store_problem_description
      - action: utter_direct_to_forum_for_help
  - rule: don't continue newsletter form
    condition:
      - active_loop: newsletter_form
    steps:
      - action: utter_ask_continue_newsletter
      - intent: deny
      - action: utter_thumbsup
      - action: action_deactivate_loop
      - active_loop: null
      - action: utter_ask_feedback
"""


def _rules(tmp_path: Path) -> list[Rule]:
    f = tmp_path / "rules.yml"
    f.write_text(RULES, encoding="utf-8")
    reporter = Reporter()
    return read_rules(load_yaml_file(f, reporter)["rules"], f, reporter)


def _user(intent: str) -> UserUttered:
    return UserUttered(intent, {"intent": {"name": intent, "confidence": 0.9}})


def _predict(tmp_path: Path, *events: Event) -> str | None:
    m = match_rules(_rules(tmp_path), DialogueStateTracker.from_events("u", [ActionExecuted("action_listen"), *events]), 0.35)
    return None if m is None else m.action


def test_the_form_ending_recorded_after_the_form_action_is_enough(tmp_path: Path) -> None:
    # the story's events: the form action, then `active_loop: null`; no `active_loop: playground_form` ever
    replay = (_user("affirm"), ActionExecuted("playground_form"), ActiveLoop(None))
    assert _predict(tmp_path, *replay) == "action_store_problem_description"
    assert _predict(tmp_path, *replay, ActionExecuted("action_store_problem_description")) == "utter_direct_to_forum_for_help"
    # the live reading (the form activated, asked, was answered and ended) still matches as before
    live = (_user("affirm"), ActionExecuted("playground_form"), ActiveLoop("playground_form"),
            SlotSet("requested_slot", "problem_description"), ActionExecuted("action_listen"), _user("inform"),
            ActionExecuted("playground_form"), SlotSet("requested_slot", None), ActiveLoop(None))
    assert _predict(tmp_path, *live) == "action_store_problem_description"


def test_without_a_recorded_loop_change_the_condition_still_holds_the_rule(tmp_path: Path) -> None:
    # the form action ran but nothing says the form ended: the condition (form active) is checked and fails
    assert _predict(tmp_path, _user("affirm"), ActionExecuted("playground_form")) is None


def test_a_condition_the_rule_sets_only_later_is_checked(tmp_path: Path) -> None:
    # this rule's own `active_loop: null` comes after its fourth step, so the newsletter form must be active
    # where it starts (Rasa's keys carry active_loop: newsletter_form in the states before that step)
    asked = (ActionExecuted("utter_ask_continue_newsletter"), ActionExecuted("action_listen"), _user("deny"))
    assert _predict(tmp_path, *asked) is None
    assert _predict(tmp_path, ActiveLoop("newsletter_form"), *asked) == "utter_thumbsup"
