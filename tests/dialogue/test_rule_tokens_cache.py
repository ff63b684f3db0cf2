"""A rule's tokens are read once and kept by the identity of its steps (assistant.dialogue.rules._rule_tokens).

The RulePolicy matches every rule each turn; reading each rule's steps into tokens every time cost about 2 ms a turn
on the bundled rules (profile of bench/webhook_latency.py's questions). The cache must give what a fresh read gives,
never answer for another tuple that happens to get a cached tuple's id, and stay bounded.
"""

from __future__ import annotations

from pathlib import Path

from assistant.dialogue import rules as rules_module
from assistant.dialogue.rules import _read_tokens, _rule_tokens
from assistant.nlu.project import load_project
from assistant.nlu.stories import ActionStep, IntentStep

ROOT = Path(__file__).resolve().parents[2]


def test_every_bundled_rule_reads_as_a_fresh_read() -> None:
    rules = load_project(ROOT / "intents").rules
    assert len(rules) > 10
    for rule in rules:
        first = _rule_tokens(rule.steps)
        assert first == _read_tokens(rule.steps)
        again = _rule_tokens(rule.steps)
        assert again[1] is first[1]  # the second read is the kept one


def test_an_equal_tuple_of_another_identity_is_read_for_itself() -> None:
    steps = (IntentStep("greet"), ActionStep("utter_greet"))
    other = (IntentStep("goodbye"), ActionStep("utter_goodbye"))
    _, toks = _rule_tokens(steps)
    _, other_toks = _rule_tokens(other)
    assert [set(t.names) for t in toks] == [{"greet"}, {"utter_greet"}]
    assert [set(t.names) for t in other_toks] == [{"goodbye"}, {"utter_goodbye"}]
    # an entry whose kept steps are not the asked tuple (an id reused after the first was freed) is not used
    rules_module._TOKENS[id(other)] = (steps, *_read_tokens(steps))
    assert [set(t.names) for t in _rule_tokens(other)[1]] == [{"goodbye"}, {"utter_goodbye"}]


def test_the_cache_is_bounded() -> None:
    kept = [(IntentStep(f"i{n}"), ActionStep(f"a{n}")) for n in range(rules_module._TOKENS_MAX + 10)]
    for steps in kept:
        _rule_tokens(steps)
    assert len(rules_module._TOKENS) <= rules_module._TOKENS_MAX
