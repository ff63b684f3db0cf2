"""Rasa behaviours the peer projects' test stories rely on, on small projects written here.

Stories (MemoizationPolicy and its generalising stand-in), form ask-action naming and Rasa's
rejection when the domain has no validation message, ``action_two_stage_fallback``, retrieval
intents (``faq/ask_x`` → ``faq`` + ``response_selector``, ``utter_faq``), and the default
fallback's response. Every message is a ``/intent{...}`` payload (Rasa's RegexMessageHandler), so
no NLU model is needed; responses are Korean and English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.actions import ActionRegistry, FunctionAction, TurnContext, is_retrieval_action
from assistant.dialogue.builtin_actions import register_builtins
from assistant.dialogue.e2e import (
    CUSTOM_ACTION,
    CUSTOM_ACTION_EFFECTS,
    ENGINE,
    FORM_TURNS,
    failure_cause,
    load_test_stories,
    run_stories,
)
from assistant.dialogue.executors import ActionResult
from assistant.dialogue.events import ActionExecuted, ActionExecutionRejected, ActiveLoop, BotUttered, UserUttered
from assistant.dialogue.forms import FormAction
from assistant.dialogue.memoization import StoryLookup, collapse_loops
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.policies import PolicyEnsemble
from assistant.dialogue.processor import MessageProcessor
from assistant.dialogue.rules import match_rules
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.dialogue.validators import ValidatorRegistry
from assistant.nlu.project import load_project
from assistant.nlu.response_selector import fold_retrieval_intents
from assistant.settings import Settings
from assistant.stores.locks import make_lock_store
from assistant.stores.trackers import SQLTrackerStore

DOMAIN = """
version: "3.1"
intents: [greet, thank, affirm, deny, ask_help, check_bye, mood_sad, order, inform, faq, out_of_scope, nlu_fallback,
          check_balance]
entities: [city]
slots:
  city:
    type: text
    mappings: [{type: from_entity, entity: city}]
  when:
    type: text
    mappings: [{type: from_entity, entity: city, conditions: [{active_loop: never_form}]}]
forms:
  order_form:
    required_slots: [city, when]
responses:
  utter_greet: [{text: "안녕하세요!"}]
  utter_noworries: [{text: "천만에요."}]
  utter_ask_topic: [{text: "Which topic do you need help with?"}]
  utter_topic_details: [{text: "Here are the details."}]
  utter_confirm_bye: [{text: "끝낼까요?"}]
  utter_goodbye: [{text: "안녕히 가세요."}]
  utter_cheer_up: [{text: "힘내세요!"}]
  utter_done: [{text: "주문을 받았어요."}]
  utter_ask_city: [{text: "Which city?"}]
  utter_ask_order_form_city: [{text: "어느 도시로 보낼까요?"}]
  utter_ask_when: [{text: "언제요?"}]
  utter_default: [{text: "Sorry, I didn't get that."}]
  utter_ask_rephrase: [{text: "다시 말씀해 주시겠어요?"}]
  utter_faq/ask_hours: [{text: "평일 9시부터 6시까지 열어요."}]
  utter_faq/ask_fee: [{text: "The fee is free of charge."}]
actions: [action_ask_when, action_check_balance]
"""

STORIES = """
version: "3.1"
stories:
- story: help then yes
  steps:
  - intent: ask_help
  - action: utter_ask_topic
  - intent: affirm
  - action: utter_topic_details
- story: bye then yes
  steps:
  - intent: check_bye
  - action: utter_confirm_bye
  - intent: affirm
  - action: utter_goodbye
- story: greet
  steps:
  - intent: greet
  - action: utter_greet
- story: thanks
  steps:
  - intent: thank
  - action: utter_noworries
- story: sad after greeting
  steps:
  - intent: greet
  - action: utter_greet
  - intent: mood_sad
  - action: utter_cheer_up
- story: order
  steps:
  - intent: order
  - action: order_form
  - active_loop: order_form
  - active_loop: null
  - action: utter_done
- story: faq
  steps:
  - intent: faq
  - action: utter_faq
- story: balance
  steps:
  - intent: check_balance
  - action: action_check_balance
  - slot_was_set:
    - city: Seoul
  - action: utter_done
"""

RULES = """
version: "3.1"
rules:
- rule: two stage fallback
  steps:
  - intent: nlu_fallback
  - action: action_two_stage_fallback
  - active_loop: action_two_stage_fallback
"""


class _NoNlu:
    """Every test message is a payload; a text message would be a test error."""

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("payload messages only")

    def embed_queries(self, texts: list[str]) -> Any:
        raise AssertionError("payload messages only")


def _project(tmp_path: Path, domain: str = DOMAIN, stories: str = STORIES, rules: str = RULES) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "domain.yml").write_text(domain, encoding="utf-8")
    (root / "data" / "stories.yml").write_text(stories, encoding="utf-8")
    (root / "data" / "rules.yml").write_text(rules, encoding="utf-8")
    return root


def _processor(tmp_path: Path, **project: str) -> MessageProcessor:
    proj = load_project(_project(tmp_path, **project))
    settings = Settings(home=tmp_path / "home")
    registry = ActionRegistry()
    register_builtins(registry)
    for form in proj.domain.forms.values():
        registry.register(FormAction(form, ValidatorRegistry(), registry), replace=True)
    policies = PolicyEnsemble(proj.rules, None, proj.stories, proj.domain, settings.intent_threshold)
    return MessageProcessor(settings, proj.domain, _NoNlu(), _NoNlu(), policies, registry,  # type: ignore[arg-type]
                            SQLTrackerStore(f"sqlite:///{tmp_path / 'trackers.db'}"), make_lock_store(None))


def _say(p: MessageProcessor, text: str, sender: str = "c1") -> list[str]:
    """The actions the turn ran (without action_listen)."""
    before = len(p.load(sender).events)
    p.handle_message(UserMessage(sender, text, "rest", {}))
    return [e.action_name for e in p.load(sender).events[before:]
            if isinstance(e, ActionExecuted) and e.action_name not in ("action_listen", "action_session_start")]


def _texts(p: MessageProcessor, sender: str = "c1") -> list[str | None]:
    return [e.text for e in p.load(sender).events if isinstance(e, BotUttered)]


class TestStoryPolicies:
    def test_the_same_intent_follows_the_story_it_is_in(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        assert _say(p, "/ask_help", "a") == ["utter_ask_topic"]
        assert _say(p, "/affirm", "a") == ["utter_topic_details"]
        assert _say(p, "/check_bye", "b") == ["utter_confirm_bye"]
        assert _say(p, "/affirm", "b") == ["utter_goodbye"]
        assert _texts(p, "b") == ["끝낼까요?", "안녕히 가세요."]

    def test_a_story_that_starts_later_in_the_conversation_still_applies(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        assert _say(p, "/greet") == ["utter_greet"]
        assert _say(p, "/mood_sad") == ["utter_cheer_up"]  # memorised: greet, utter_greet, mood_sad
        # "thanks" is a story of its own that starts the conversation: exact memoization cannot
        # match after three turns; the suffix look-up (our TEDPolicy stand-in) does
        assert _say(p, "/thank") == ["utter_noworries"]
        lookup = next(x for x in p.policies.policies if x.name == "MemoizationPolicy").lookup  # type: ignore[attr-defined]
        history = lookup.history(p.load("c1"))[:-2]  # the states when utter_noworries was chosen
        assert history[-1].intent == "thank" and history[-1].prev_action == "action_listen"
        assert lookup.recall(history) is None and lookup.recall_suffix(history) == "utter_noworries"

    def test_an_intent_no_story_knows_falls_back(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        assert _say(p, "/deny") == ["action_default_fallback"]
        assert _texts(p) == ["Sorry, I didn't get that."]  # utter_default, as Rasa's default fallback

    def test_a_form_written_as_one_step_in_a_story_matches_a_form_that_asked_twice(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        p.registry.register(FunctionAction("action_ask_when", lambda t, d, c: [BotUttered("When? / 언제요?", {})]))
        assert _say(p, "/order") == ["order_form"]
        assert _say(p, '/inform{"city": "부산"}') == ["order_form"]
        # when has no mapping that applies: the form asks it; the next message fills nothing, so the
        # story's order_form → utter_done only follows once both are set
        tracker = p.load("c1")
        states_events = collapse_loops(tracker.applied_events())
        assert sum(isinstance(e, ActionExecuted) and e.action_name == "order_form" for e in states_events) == 1
        assert sum(isinstance(e, UserUttered) for e in states_events) == 1  # the answers inside the form are collapsed

    def test_no_stories_no_predictions(self, tmp_path: Path) -> None:
        proj = load_project(_project(tmp_path))
        lookup = StoryLookup([], proj.domain, 0.3)
        assert not lookup and lookup.recall([]) is None


class TestForms:
    def test_ask_action_follows_rasa_order(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        form = p.registry.get("order_form", p.domain)
        assert isinstance(form, FormAction)
        ctx = TurnContext(p.settings, p.domain)
        # utter_ask_order_form_city beats utter_ask_city; the custom action_ask_when (listed in the domain) beats utter_ask_when
        assert form.ask_action("city", p.domain, ctx) == "utter_ask_order_form_city"
        assert form.ask_action("when", p.domain, ctx) == "action_ask_when"
        assert form.ask_action("nothing", p.domain, ctx) is None
        p.registry.register(FunctionAction("action_ask_order_form_city", lambda t, d, c: []))
        assert form.ask_action("city", p.domain, ctx) == "action_ask_order_form_city"

    def test_the_form_asks_with_the_form_specific_response_then_the_custom_ask_action(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        seen: list[Any] = []

        def ask_when(tracker: DialogueStateTracker, domain: Any, context: Any) -> list[Any]:
            seen.append((tracker.get_slot("requested_slot"), tracker.get_slot("city")))
            return [BotUttered("When should it arrive?", {})]

        p.registry.register(FunctionAction("action_ask_when", ask_when))
        _say(p, "/order")
        assert _texts(p)[-1] == "어느 도시로 보낼까요?"
        _say(p, '/inform{"city": "Seoul"}')
        assert _texts(p)[-1] == "When should it arrive?" and seen == [("when", "Seoul")]

    def test_an_answer_that_fills_nothing_rejects_the_form_without_a_validation_message(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        _say(p, "/order")
        ran = _say(p, "/thank")  # fills no slot; the domain has no utter_invalid_value
        events = p.load("c1").events
        assert any(isinstance(e, ActionExecutionRejected) and e.action_name == "order_form" for e in events)
        assert ran[0] != "order_form" and ran[-1] == "order_form"  # another policy answered, then the form re-asks
        assert all("invalid" not in str((e.data.get("custom") or {}).get("response")) for e in events if isinstance(e, BotUttered))


class TestTwoStageFallback:
    def test_affirmed_intent_is_replayed(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        assert _say(p, "/nlu_fallback") == ["action_two_stage_fallback"]
        tracker = p.load("c1")
        assert tracker.active_loop_name == "action_two_stage_fallback"
        ask = [e for e in tracker.events if isinstance(e, BotUttered)][-1]
        assert ask.text == "Did you mean 'nlu_fallback'?" or [b["payload"] for b in ask.data["buttons"]][1] == "/out_of_scope"
        assert _say(p, "/greet") == ["action_two_stage_fallback", "utter_greet"]
        tracker = p.load("c1")
        assert tracker.active_loop_name is None and tracker.latest_message is not None
        assert tracker.latest_message.intent == {"name": "greet", "confidence": 1.0}
        # the fallback turn is reverted: the conversation now reads as if the user had said greet
        applied = [e for e in tracker.applied_events() if isinstance(e, UserUttered)]
        assert [u.intent_name for u in applied] == ["greet"]

    def test_two_unclear_messages_give_up(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        _say(p, "/nlu_fallback")
        assert _say(p, "/nlu_fallback") == ["action_two_stage_fallback"]
        assert p.load("c1").active_loop_name is None
        assert _texts(p)[-1] == "Sorry, I didn't get that."  # action_default_fallback's utter_default

    def test_deny_asks_to_rephrase(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        _say(p, "/nlu_fallback")
        assert _say(p, "/out_of_scope") == ["action_two_stage_fallback"]
        assert _texts(p)[-1] == "다시 말씀해 주시겠어요?" and p.load("c1").active_loop_name == "action_two_stage_fallback"

    def test_affirmation_offers_the_second_intent_below_nlu_fallback(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        tracker = DialogueStateTracker("x")
        tracker.update(UserUttered("뭐라고", {"intent": {"name": "nlu_fallback", "confidence": 0.3},
                                              "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3},
                                                                 {"name": "greet", "confidence": 0.2}]}))
        events = p.action("action_two_stage_fallback").run(tracker, p.domain, TurnContext(p.settings, p.domain))
        said = [e for e in events if isinstance(e, BotUttered)][0]
        assert said.text == "Did you mean 'greet'?"
        assert [b["payload"] for b in said.data["buttons"]] == ["/greet", "/out_of_scope"]


class TestRetrievalIntents:
    def test_fold_sums_sub_intents_and_reports_the_best_share(self) -> None:
        ranking = [("faq/ask_hours", 0.5), ("greet", 0.3), ("faq/ask_fee", 0.2)]
        folded, selector = fold_retrieval_intents(ranking)
        assert folded[0][0] == "faq" and folded[0][1] == pytest.approx(0.7)
        assert folded[1] == ("greet", 0.3)
        assert selector is not None and selector["all_retrieval_intents"] == ["faq"]
        response = selector["faq"]["response"]
        assert response["intent_response_key"] == "faq/ask_hours" and response["utter_action"] == "utter_faq/ask_hours"
        assert response["confidence"] == pytest.approx(0.5 / 0.7)
        assert [r["intent_response_key"] for r in selector["faq"]["ranking"]] == ["faq/ask_hours", "faq/ask_fee"]
        assert selector["default"] is selector["faq"]

    def test_no_retrieval_intents_no_selector(self) -> None:
        folded, selector = fold_retrieval_intents([("greet", 0.9), ("bye", 0.1)])
        assert folded == [("greet", 0.9), ("bye", 0.1)] and selector is None

    @pytest.mark.parametrize(("key", "text"), [("faq/ask_hours", "평일 9시부터 6시까지 열어요."),
                                               ("faq/ask_fee", "The fee is free of charge.")])
    def test_utter_faq_sends_the_selected_response(self, tmp_path: Path, key: str, text: str) -> None:
        p = _processor(tmp_path)
        assert is_retrieval_action("utter_faq", p.domain) and not is_retrieval_action("utter_greet", p.domain)
        tracker = DialogueStateTracker("x")
        _, selector = fold_retrieval_intents([(key, 0.8), ("greet", 0.2)])
        tracker.update(UserUttered("q", {"intent": {"name": "faq", "confidence": 0.8}, "response_selector": selector}))
        events = p.action("utter_faq").run(tracker, p.domain, TurnContext(p.settings, p.domain))
        assert [e.text for e in events if isinstance(e, BotUttered)] == [text]

    def test_utter_faq_without_a_selection_says_nothing(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        assert _say(p, "/faq") == ["utter_faq"]  # the story; a payload has no response_selector
        assert _texts(p) == []


class TestFailureCause:
    TESTS = """
version: "3.1"
stories:
- story: balance needs the custom action
  steps:
  - intent: check_balance
  - action: action_check_balance
  - slot_was_set:
    - city: Seoul
  - action: utter_done
- story: a wrong reply is ours
  steps:
  - intent: greet
  - action: utter_noworries
"""

    def _run(self, tmp_path: Path, p: MessageProcessor) -> tuple[list[Any], list[Any]]:
        path = tmp_path / "tests.yml"
        path.write_text(self.TESTS, encoding="utf-8")
        stories = load_test_stories(path)
        return stories, list(run_stories(p, stories).results)

    def test_a_missing_custom_action_is_not_an_engine_failure(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)
        custom = set(p.domain.actions) - set(p.registry.names())
        assert custom == {"action_ask_when", "action_check_balance"}
        stories, results = self._run(tmp_path, p)
        assert [failure_cause(t, r, custom) for t, r in zip(stories, results, strict=True)] == [CUSTOM_ACTION, ENGINE]
        assert results[0].divergence is not None and results[0].divergence.kind == "action_failed"
        assert results[1].divergence is not None and results[1].divergence.predicted == "utter_greet"

    def test_a_stub_that_sets_no_slot_fails_on_its_effects(self, tmp_path: Path) -> None:
        p = _processor(tmp_path)

        class Stub:
            def run(self, name: str, tracker: DialogueStateTracker, domain: Any) -> ActionResult:
                return ActionResult([], [])

        p.registry.executor = Stub()
        custom = set(p.domain.actions) - set(p.registry.names())
        stories, results = self._run(tmp_path, p)
        assert results[0].divergence is not None and results[0].divergence.kind == "slot"
        assert failure_cause(stories[0], results[0], custom, stubbed=True) == CUSTOM_ACTION_EFFECTS
        assert failure_cause(stories[1], results[1], custom, stubbed=True) == ENGINE


class TestForcedStories:
    TESTS = """
version: "3.1"
stories:
- story: form written as one step, then a custom action
  steps:
  - intent: order
    user: /order
  - action: order_form
  - active_loop: order_form
  - active_loop: null
  - action: utter_done
  - intent: check_balance
  - action: action_check_balance
  - slot_was_set:
    - city: Seoul
  - action: utter_done
- story: a wrong reply
  steps:
  - intent: greet
  - action: utter_noworries
  - intent: thank
  - action: utter_noworries
"""

    def test_predictions_on_the_story_history(self, tmp_path: Path) -> None:
        from assistant.dialogue.e2e_forced import run_stories_forced

        p = _processor(tmp_path)
        path = tmp_path / "tests.yml"
        path.write_text(self.TESTS, encoding="utf-8")
        stories = load_test_stories(path)
        forced = run_stories_forced(p, stories)
        first, second = forced.results
        # nothing runs: the form is never asked, the custom action needs no server
        assert first.passed and first.actions_evaluated == first.actions_correct == 4
        # the wrong reply is scored, then the story's own history goes on: the second turn is right
        assert second.divergence is not None and second.divergence.step == 1
        assert second.divergence.expected == "utter_noworries" and second.divergence.predicted == "utter_greet"
        assert (second.actions_evaluated, second.actions_correct) == (2, 1)
        assert p.load("forced-0").events == []  # nothing was stored
        live = run_stories(p, stories)
        assert not live.results[0].passed  # run for real, the form asks its questions


class TestLanguageSlot:
    @pytest.mark.parametrize(("slot", "expected"), [
        # a peer project's "language" slot (a programming language, filled from an entity) is not ours
        ("  language:\n    type: categorical\n    values: [english]\n    mappings: [{type: from_entity, entity: city}]\n", None),
        # the bundled kind: the conversation's language, filled by the engine
        ("  language:\n    type: categorical\n    values: [ko, en]\n    influence_conversation: false\n"
         "    mappings: [{type: custom}]\n", "ko"),
    ])
    def test_only_the_conversation_language_slot_is_filled(self, tmp_path: Path, slot: str, expected: str | None) -> None:
        p = _processor(tmp_path, domain=DOMAIN.replace("slots:\n", "slots:\n" + slot, 1))
        _say(p, "/greet")  # a payload keeps the conversation's language (Korean by default)
        assert p.load("c1").get_slot("language") == expected
        if expected is None:  # and the stories still match: greet → utter_greet
            assert [e.action_name for e in p.load("c1").events if isinstance(e, ActionExecuted)][-2] == "utter_greet"


def test_a_form_the_story_writes_as_done_is_not_an_engine_failure(tmp_path: Path) -> None:
    p = _processor(tmp_path)
    path = tmp_path / "tests.yml"
    path.write_text("""
version: "3.1"
stories:
- story: order in one step
  steps:
  - intent: order
  - action: order_form
  - active_loop: order_form
  - active_loop: null
  - action: utter_done
""", encoding="utf-8")
    stories = load_test_stories(path)
    result = run_stories(p, stories).results[0]
    assert result.divergence is not None and result.divergence.kind == "active_loop"
    assert result.divergence.predicted == "order_form"
    assert failure_cause(stories[0], result, set(), False, set(p.domain.forms)) == FORM_TURNS
    assert failure_cause(stories[0], result, set(), False, set()) == ENGINE


#: a form activated by a rule and submitted by another (Rasa's rule-state tests and the one-step story below)
ORDER_FORM_RULES = """
- rule: activate the order form
  steps:
  - intent: order
  - action: order_form
  - active_loop: order_form
- rule: submit the order form
  condition:
  - active_loop: order_form
  steps:
  - action: order_form
  - active_loop: null
  - action: utter_done
"""


@pytest.mark.parametrize("activation", ["", "  - active_loop: order_form\n"])
def test_forced_a_form_ended_in_the_story_without_being_activated(tmp_path: Path, activation: str) -> None:
    """Sara's playground story: ``- action: f`` / ``- active_loop: null`` never activates f; Rasa's RulePolicy
    still predicts the submit rule's next action there (its key for it is ``[{prev_action: f, active_loop:
    should_not_be_set}]``: the condition's loop is in no state; Rasa 3.6.20 trained on Sara's rules predicts
    ``action_store_problem_description`` on Sara's story), and so do we, with or without the activation."""
    from assistant.dialogue.e2e_forced import run_stories_forced

    rules = RULES + ORDER_FORM_RULES
    p = _processor(tmp_path, rules=rules, stories="version: \"3.1\"\nstories: []\n")
    path = tmp_path / "tests.yml"
    path.write_text(f"""
version: "3.1"
stories:
- story: order in one step
  steps:
  - intent: order
  - action: order_form
{activation}  - active_loop: null
  - action: utter_done
""", encoding="utf-8")
    stories = load_test_stories(path)
    result = run_stories_forced(p, stories).results[0]
    assert result.passed, result.divergence
    # the submit rule's next action came from the rule, not from a guess: the same story with the rule's
    # last action renamed diverges right there
    path.write_text(path.read_text(encoding="utf-8").replace("action: utter_done", "action: utter_other"), encoding="utf-8")
    other = run_stories_forced(p, load_test_stories(path)).results[0]
    assert other.divergence is not None and (other.divergence.expected, other.divergence.predicted) == ("utter_other", "utter_done")


class TestRuleStates:
    RULES = 'version: "3.1"\nrules:' + ORDER_FORM_RULES

    @pytest.mark.parametrize(("loop_events", "expected"), [
        ([ActiveLoop("order_form")], "action_listen"),  # the form asks: wait for the answer
        ([ActiveLoop("order_form"), ActiveLoop(None)], "utter_done"),  # it activated and ended in one run: submit
    ])
    def test_a_rule_step_checks_the_state_after_the_action(self, tmp_path: Path, loop_events: list[Any], expected: str) -> None:
        proj = load_project(_project(tmp_path, rules=self.RULES))
        tracker = DialogueStateTracker("x")
        tracker.update_with_events([ActionExecuted("action_listen"),
                                    UserUttered("주문할게요", {"intent": {"name": "order", "confidence": 1.0}}),
                                    ActionExecuted("order_form"), *loop_events])
        match = match_rules(proj.rules, tracker, 0.3)
        assert match is not None and match.action == expected

    SUBMIT = """
version: "3.1"
rules:
- rule: submit when the form is done
  condition:
  - active_loop: order_form
  steps:
  - active_loop: null
  - action: utter_done
"""

    @pytest.mark.parametrize(("loop_events", "expected"), [
        ([ActiveLoop("order_form"), ActiveLoop(None)], "utter_done"),  # activated and done in one run
        ([ActiveLoop("order_form")], None),  # still asking
        ([], None),  # never a form
    ])
    def test_a_rule_that_starts_with_the_form_done(self, tmp_path: Path, loop_events: list[Any], expected: str | None) -> None:
        proj = load_project(_project(tmp_path, rules=self.SUBMIT))
        tracker = DialogueStateTracker("x")
        tracker.update_with_events([ActionExecuted("action_listen"),
                                    UserUttered("order please", {"intent": {"name": "order", "confidence": 1.0}}),
                                    ActionExecuted("order_form"), *loop_events])
        match = match_rules(proj.rules, tracker, 0.3)
        assert (match.action if match else None) == expected


@pytest.mark.parametrize(("condition", "after"), [
    ("  condition:\n  - active_loop: order_form\n", []),  # the form's own unhappy path: wait for the user, as Rasa
    ("", ["order_form"]),  # a general rule: the form asks again afterwards (ours)
])
def test_a_rule_answering_inside_a_form(tmp_path: Path, condition: str, after: list[str]) -> None:
    rules = RULES + f"- rule: thanks\n{condition}  steps:\n  - intent: thank\n  - action: utter_noworries\n"
    p = _processor(tmp_path, rules=rules)
    _say(p, "/order")
    assert _say(p, "/thank") == ["utter_noworries", *after]
    assert p.load("c1").active_loop_name == "order_form"


def test_a_story_decides_what_follows_a_digression_inside_a_form(tmp_path: Path) -> None:
    stories = STORIES + """- story: leave the order
  steps:
  - intent: order
  - action: order_form
  - active_loop: order_form
  - intent: deny
  - action: utter_confirm_bye
  - intent: affirm
  - action: utter_goodbye
"""
    p = _processor(tmp_path, stories=stories)
    _say(p, "/order")
    # deny fills nothing: the form rejects; the story answers and then waits for the user (no re-ask)
    assert _say(p, "/deny") == ["utter_confirm_bye"]
    assert _texts(p)[-1] == "끝낼까요?"
