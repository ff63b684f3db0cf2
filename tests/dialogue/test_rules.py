"""The rule matcher (rules.yml semantics) on hand-built trackers: no NLU involved."""

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
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
  - rule: yes no or fact
    steps:
      - or:
          - intent: affirm
          - intent: deny
      - action: utter_how_can_i_help
  - rule: two actions, no wait
    wait_for_user_input: false
    steps:
      - intent: goodbye
      - action: utter_goodbye
      - action: utter_survey
  - rule: only at the start
    conversation_start: true
    steps:
      - intent: thank
      - action: utter_welcome_first
  - rule: submit
    condition:
      - active_loop: demo_form
    steps:
      - action: demo_form
      - active_loop: null
      - slot_was_set:
          - requested_slot: null
      - action: utter_submit
  - rule: vip greeting
    condition:
      - slot_was_set:
          - vip: true
    steps:
      - intent: greet
      - action: utter_vip
"""


def rules(tmp_path: Path) -> list[Rule]:
    f = tmp_path / "rules.yml"
    f.write_text(RULES, encoding="utf-8")
    reporter = Reporter()
    return read_rules(load_yaml_file(f, reporter)["rules"], f, reporter)


def user(intent: str, conf: float = 0.9) -> UserUttered:
    return UserUttered(intent, {"intent": {"name": intent, "confidence": conf}})


def tracker(*events: Event) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("u", [ActionExecuted("action_listen"), *events])


def predict(tmp_path: Path, *events: Event) -> str | None:
    m = match_rules(rules(tmp_path), tracker(*events), 0.35)
    return None if m is None else m.action


def test_intent_then_action_then_listen(tmp_path: Path) -> None:
    assert predict(tmp_path, user("greet")) == "utter_greet"
    assert predict(tmp_path, user("greet"), ActionExecuted("utter_greet")) == "action_listen"


def test_unconfident_intent_matches_no_rule(tmp_path: Path) -> None:
    assert predict(tmp_path, user("greet", 0.2)) is None


def test_or_step(tmp_path: Path) -> None:
    assert predict(tmp_path, user("affirm")) == "utter_how_can_i_help"
    assert predict(tmp_path, user("deny")) == "utter_how_can_i_help"
    assert predict(tmp_path, user("cancel")) is None


def test_wait_for_user_input_false_leaves_the_next_action_open(tmp_path: Path) -> None:
    assert predict(tmp_path, user("goodbye"), ActionExecuted("utter_goodbye")) == "utter_survey"
    m = match_rules(rules(tmp_path), tracker(user("goodbye"), ActionExecuted("utter_goodbye"), ActionExecuted("utter_survey")), 0.35)
    assert m is not None and m.action is None  # matched to the end, but does not force a listen


def test_conversation_start_only_at_the_start(tmp_path: Path) -> None:
    assert predict(tmp_path, user("thank")) == "utter_welcome_first"
    later = (user("greet"), ActionExecuted("utter_greet"), ActionExecuted("action_listen"), user("thank"))
    assert predict(tmp_path, *later) is None


def test_condition_and_gap_checks(tmp_path: Path) -> None:
    done = (user("inform"), ActiveLoop("demo_form"), ActionExecuted("demo_form"), ActiveLoop(None), SlotSet("requested_slot", None))
    assert predict(tmp_path, *done) == "utter_submit"
    # the form stopped without completing (requested_slot still set): no submit
    gave_up = (user("inform"), ActiveLoop("demo_form"), SlotSet("requested_slot", "age"), ActionExecuted("demo_form"), ActiveLoop(None))
    assert predict(tmp_path, *gave_up) is None
    # no form was active before: no submit either
    assert predict(tmp_path, user("inform"), ActionExecuted("demo_form"), SlotSet("requested_slot", None)) is None


def test_form_activated_and_completed_in_one_run_counts_as_active(tmp_path: Path) -> None:
    events = (user("inform"), ActionExecuted("demo_form"), ActiveLoop("demo_form"), SlotSet("requested_slot", None), ActiveLoop(None))
    assert predict(tmp_path, *events) == "utter_submit"


def test_slot_condition_and_longest_match(tmp_path: Path) -> None:
    assert predict(tmp_path, SlotSet("vip", True), user("greet")) == "utter_vip"
    assert predict(tmp_path, SlotSet("vip", False), user("greet")) == "utter_greet"


def test_bundled_rules_parse_and_route() -> None:
    from assistant.nlu.project import load_project

    project = load_project(Path(__file__).resolve().parents[2] / "intents")
    t = tracker(user("human_handoff"))
    m = match_rules(project.rules, t, 0.35)
    assert m is not None and m.action == "action_handoff"
    t = tracker(user("repeat"))
    m = match_rules(project.rules, t, 0.35)
    assert m is not None and m.action == "action_repeat"
