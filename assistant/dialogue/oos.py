"""The conversation's one out-of-scope rule (issue 3: "both an explicit out_of_scope intent and a threshold chosen on
validation data; the threshold is configuration, not a constant").

A message with words is out of scope when

* the explicit ``out_of_scope`` intent's probability is at least ``settings.oos_threshold`` (0.5), or
* the classifier's out-of-scope score (``1 -`` the best in-scope probability) is at least the NLU threshold, and the
  top intent is not a knowledge question (``KNOWLEDGE_INTENTS``). The NLU threshold is ``settings.nlu_oos_threshold``
  (``ASSISTANT_NLU_OOS_THRESHOLD``) when set, else the one the classifier chose on held-out data at training (its
  ``meta.json`` ``oos_threshold``, carried in each parse as ``out_of_scope.threshold``).

Measured (``bench/nlu_oos_bundled.py``, ``bench/results/nlu_oos_bundled.json``; bundled intents, stratified 5-fold
cross-validation, each fold's threshold chosen as at training: 0.58-0.74), in-scope held-out examples wrongly
rejected / held-out ``out_of_scope`` examples caught:

* the class alone (``p_oos >= 0.5``): 5 of 992 (knowledge questions 2 of 208) / 76 of 90;
* the classifier's rule everywhere (class first, or the score): 22 of 992 (knowledge 5 of 208) / 79 of 90;
* this rule: 19 of 992 (knowledge 4 of 208) / 79 of 90.

So the score catches 3 more out-of-scope messages for 14-17 more in-scope ones, and on knowledge questions it only
hurts: they are exempt. A knowledge question the score doubts still goes to the documents, whose answerability gate
abstains on what they do not answer (``utter_no_answer``, or ``utter_out_of_scope`` for an unsure one). On 171
unseen real service questions (``bench/citizen_questions*.yaml``, ``life_event_questions.yaml``) read at the folds'
median threshold (0.632) the class turns 9 away and this rule 10 (the tenth, "…borrow a power drill?", read as ``out_of_scope`` first at 0.43).
On the shipped model the trained threshold is above 1 (out of fold, the explicit class alone already reaches the
0.85 recall target), so only the class rejects until the training data or ``ASSISTANT_NLU_OOS_THRESHOLD`` changes
that.

Every path that turns a message away as out of scope asks :func:`rejected` (the policies, the first
:class:`~assistant.dialogue.router.Router`) or :func:`rejects` (the same rule on plain values).
"""

from __future__ import annotations

from typing import Any

from assistant.dialogue.builtin_actions import KNOWLEDGE_INTENTS, intent_probability, top_intent
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.settings import Settings

OOS_INTENT = "out_of_scope"


def rejects(top: str | None, p_oos: float, score: float | None, threshold: float | None, settings: Settings) -> bool:
    """The rule of this module on plain values.

    Args:
        top: the top intent's name; p_oos: the ``out_of_scope`` intent's probability (0..1).
        score: the classifier's out-of-scope score (0..1), None when the parse has none (a button's payload).
        threshold: the threshold the classifier read the message with; ``settings.nlu_oos_threshold`` wins when set.
        settings: ``oos_threshold`` and ``nlu_oos_threshold``.
    """
    if p_oos >= settings.oos_threshold:
        return True
    limit = settings.nlu_oos_threshold if settings.nlu_oos_threshold is not None else threshold
    if score is None or limit is None or top in KNOWLEDGE_INTENTS:
        return False
    return score >= limit


def oos_reading(parse_data: dict[str, Any]) -> tuple[float | None, float | None]:
    """``(score, threshold)`` of a parse's ``out_of_scope`` block (``(None, None)`` when it has none or a bad one)."""
    block = parse_data.get("out_of_scope")
    if not isinstance(block, dict):
        return None, None
    score, threshold = block.get("score"), block.get("threshold")
    ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (score, threshold))
    return (float(score), float(threshold)) if ok else (None, None)  # type: ignore[arg-type]


def rejected(tracker: DialogueStateTracker, settings: Settings) -> bool:
    """Whether the latest user message is out of scope by the rule of this module (False with no message)."""
    if tracker.latest_message is None:
        return False
    score, threshold = oos_reading(tracker.latest_message.parse_data or {})
    name, _conf = top_intent(tracker)
    return rejects(name, intent_probability(tracker, OOS_INTENT), score, threshold, settings)
