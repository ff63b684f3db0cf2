"""Failure cause ``intent label without training support``: a misread intent where the project's own training data
ties the message's word pairs to the intent we predicted and never to the story's label (Sara's tests label
"rasa open source" ``how_to_get_started`` while "open source" is only in ``faq`` examples) is not the engine's;
a misread the training data does support stays ``engine``."""

from __future__ import annotations

from pathlib import Path

from assistant.dialogue.e2e import (
    ENGINE,
    UNSUPPORTED_LABEL,
    Divergence,
    StoryResult,
    TestStory,
    failure_cause,
    label_without_support,
    load_test_stories,
)
from assistant.nlu.types import TrainingExample

STORIES = """
stories:
- story: which product
  steps:
  - user: |
      [rasa open source]{"entity": "product", "value": "rasa"} first
    intent: how_to_get_started
  - action: utter_explain_nlu
- story: one word
  steps:
  - user: |
      rasa
    intent: how_to_get_started
  - action: utter_explain_nlu
"""

EXAMPLES = [
    TrainingExample("is rasa open source software?", "faq/licence"),
    TrainingExample("what does open source mean", "faq/licence"),
    TrainingExample("how do I get started", "how_to_get_started"),
    TrainingExample("start rasa", "how_to_get_started"),
    TrainingExample("rasa", "enter_data"),
]


def _story(tmp_path: Path, index: int) -> TestStory:
    path = tmp_path / "tests.yml"
    path.write_text(STORIES, encoding="utf-8")
    return load_test_stories(path)[index]


def _misread(test: TestStory, predicted: str) -> StoryResult:
    return StoryResult(test.story.name, None, Divergence(0, "intent", "how_to_get_started", predicted))


def test_a_label_the_training_data_never_gives_that_phrase_is_unsupported(tmp_path: Path) -> None:
    test = _story(tmp_path, 0)
    result = _misread(test, "faq")  # faq/licence counts as faq, as the story's retrieval intents do
    assert label_without_support(test, result, EXAMPLES)
    assert failure_cause(test, result, set(), examples=EXAMPLES) == UNSUPPORTED_LABEL
    assert failure_cause(test, result, set()) == ENGINE  # without the training data nothing is excused


def test_a_misread_the_training_data_supports_stays_the_engines(tmp_path: Path) -> None:
    test = _story(tmp_path, 0)
    # the expected intent has an example sharing a word pair ("open source"): the label is learnable
    supported = [*EXAMPLES, TrainingExample("get started with open source", "how_to_get_started")]
    assert not label_without_support(test, _misread(test, "faq"), supported)
    assert failure_cause(test, _misread(test, "faq"), set(), examples=supported) == ENGINE
    # the predicted intent shares no word pair either: nothing in the data points to our reading
    assert not label_without_support(test, _misread(test, "enter_data"), EXAMPLES)
    # one word has no word pair to weigh
    single = _story(tmp_path, 1)
    assert not label_without_support(single, _misread(single, "enter_data"), EXAMPLES)


def test_only_intent_divergences_are_judged(tmp_path: Path) -> None:
    test = _story(tmp_path, 0)
    wrong_action = StoryResult(test.story.name, None, Divergence(1, "action", "utter_explain_nlu", "utter_default"))
    assert not label_without_support(test, wrong_action, EXAMPLES)
    assert failure_cause(test, wrong_action, set(), examples=EXAMPLES) == ENGINE
