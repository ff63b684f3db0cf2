"""A message pushed into the conversation (a benefit alert, ``alerts_new``) while a yes/no question is pending
(assistant/dialogue/confirmation.py): the push's rule runs, then the question is asked again, so the citizen's
"네" answers the question they saw last. Table over every confirming action of the project's own rules
(intents/rules.yml), through the real rule matcher, policy and action; the end-to-end version over the real
alerts back end is tests/connectors/test_alerts_confirm.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.confirmation import ActionConfirmAgain, ConfirmationPolicy, confirming_actions
from assistant.dialogue.events import ACTION_LISTEN_NAME, ActionExecuted, BotUttered, UserUttered
from assistant.dialogue.rules import CONFIRM_AGAIN, match_rules
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.project import load_project
from assistant.nlu.stories import ActionStep, IntentStep, OrStep
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PROJECT = load_project(ROOT / "intents")
RULES = list(PROJECT.rules)
ASKING = sorted(confirming_actions(RULES))
QUESTION = {"ko": "이대로 진행할까요?", "en": "Shall I go ahead?"}
ALERT = {"ko": "지난 방문 이후 새로 받을 수 있는 혜택이 생겼어요:\n- 어르신 난방비 지원", "en": "Good news: you may qualify for new benefits."}
YES = {"ko": "네", "en": "yes"}


def on_yes(action: str) -> set[str]:
    """What the project's rules run on a yes right after ``action`` (read from the rule steps themselves)."""
    out: set[str] = set()
    for rule in RULES:
        steps = [s for s in rule.steps if isinstance(s, ActionStep | IntentStep | OrStep)]
        for a, b, c in zip(steps, steps[1:], steps[2:], strict=False):
            intents = {b.intent} if isinstance(b, IntentStep) else \
                {x.intent for x in b.alternatives if isinstance(x, IntentStep)} if isinstance(b, OrStep) else set()
            if isinstance(a, ActionStep) and a.action == action and "affirm" in intents and isinstance(c, ActionStep):
                out.add(str(c.action))
    return out


def user(text: str, intent: str, confidence: float = 1.0) -> UserUttered:
    return UserUttered(text, {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text})


def asked(action: str, lang: str) -> DialogueStateTracker:
    t = DialogueStateTracker("s-push")
    for e in (ActionExecuted(ACTION_LISTEN_NAME), user("/greet", "greet"), ActionExecuted(action),
              BotUttered(QUESTION[lang], {"buttons": [{"title": YES[lang], "payload": "/affirm"},
                                                      {"title": "no", "payload": "/deny"}]}),
              ActionExecuted(ACTION_LISTEN_NAME)):
        t.update(e)
    return t


def next_action(policy: ConfirmationPolicy, t: DialogueStateTracker, ctx: TurnContext) -> str | None:
    """The policy's prediction, else the rules' (the order of the engine's ensemble for these two)."""
    p = policy.predict(t, ctx)
    if p is not None:
        return p.action
    m = match_rules(RULES, t, ctx.settings.intent_threshold)
    return m.action if m is not None else None


def test_the_table_is_not_empty() -> None:
    assert {"action_prepare_application", "action_offer_mydata", "action_offer_unsubscribe_alerts"} <= set(ASKING)
    assert all(on_yes(a) for a in ASKING), {a: on_yes(a) for a in ASKING}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("action", ASKING)
def test_a_push_while_a_question_waits_is_told_then_the_question_again_and_yes_answers_it(action: str, lang: str) -> None:
    settings = Settings()
    ctx = TurnContext(settings, PROJECT.domain, "rest", lang)
    policy = ConfirmationPolicy(RULES)
    t = asked(action, lang)
    t.update(user("/alerts_new", "alerts_new"))
    assert next_action(policy, t, ctx) == "action_deliver_alerts"
    t.update(ActionExecuted("action_deliver_alerts"))
    t.update(BotUttered(ALERT[lang], {"custom": {"response": "utter_alerts_new_services"}}))
    assert next_action(policy, t, ctx) == CONFIRM_AGAIN
    again: Any = ActionConfirmAgain().run(t, PROJECT.domain, ctx)
    assert len(again) == 1 and again[0].text == QUESTION[lang] and again[0].data["custom"]["repeated"] is True
    assert [b["payload"] for b in again[0].data["buttons"]] == ["/affirm", "/deny"]
    t.update(ActionExecuted(CONFIRM_AGAIN))
    t.update(again[0])
    t.update(ActionExecuted(ACTION_LISTEN_NAME))
    t.update(user(YES[lang], "affirm", 0.99))
    assert next_action(policy, t, ctx) in on_yes(action)


@pytest.mark.parametrize("action", ASKING)
def test_without_the_question_again_the_yes_would_not_answer_it(action: str) -> None:
    """The fault this guards against: a yes right after the alert matches no rule of the question."""
    t = asked(action, "ko")
    for e in (user("/alerts_new", "alerts_new"), ActionExecuted("action_deliver_alerts"), BotUttered(ALERT["ko"], {}),
              ActionExecuted(ACTION_LISTEN_NAME), user(YES["ko"], "affirm", 0.99)):
        t.update(e)
    m = match_rules(RULES, t, Settings().intent_threshold)
    assert m is None or m.action not in on_yes(action)


def test_a_push_that_told_nothing_does_not_repeat_the_question() -> None:
    """Every alert was told already (the inbox had nothing new): the question is still the last thing said."""
    ctx = TurnContext(Settings(), PROJECT.domain, "rest", "ko")
    t = asked("action_offer_unsubscribe_alerts", "ko")
    t.update(user("/alerts_new", "alerts_new"))
    t.update(ActionExecuted("action_deliver_alerts"))
    assert ConfirmationPolicy(RULES).predict(t, ctx) is not None
    assert ActionConfirmAgain().run(t, PROJECT.domain, ctx) == []
    t.update(ActionExecuted(CONFIRM_AGAIN))
    t.update(ActionExecuted(ACTION_LISTEN_NAME))
    t.update(user(YES["ko"], "affirm", 0.99))
    assert next_action(ConfirmationPolicy(RULES), t, ctx) in on_yes("action_offer_unsubscribe_alerts")
