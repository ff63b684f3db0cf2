"""Retrieval intents (``faq/ask_price``) read as Rasa's ResponseSelector reports them.

Rasa trains the intent classifier on the base intent (``faq``) and a ResponseSelector on the
full retrieval intents; ``/model/parse`` then gives ``intent: faq`` and, under
``response_selector``, the sub-intent with the response to send
(https://rasa.com/docs/rasa/components#responseselector, https://rasa.com/docs/rasa/chitchat-faqs).
The smallest faithful version of that: our one classifier is trained on the full names, and its
ranking is folded here: the base intent's confidence is the sum over its sub-intents (the same
classifier's probability of the base intent), and the selector's confidence is the best
sub-intent's share of it. Actions read ``response_selector[<base>]`` (then ``default``), as
Rasa's ``ActionRetrieveResponse`` does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RETRIEVAL_SEPARATOR", "fold_retrieval_intents"]

RETRIEVAL_SEPARATOR = "/"


def fold_retrieval_intents(ranking: list[tuple[str, float]], limit: int = 10) -> tuple[list[tuple[str, float]], dict[str, Any] | None]:
    """Fold full retrieval intents in ``ranking`` into their base intents.

    Args:
        ranking: ``(intent, probability)`` best first, over every intent the classifier knows.
        limit: how many entries the folded ranking and each selector ranking keep.

    Returns:
        ``(folded ranking best first, response_selector or None)``; the selector (Rasa 3's shape) is
        ``{"all_retrieval_intents": [...], <base>: {"response": {"intent_response_key", "utter_action",
        "confidence"}, "ranking": [{"intent_response_key", "confidence"}, ...]}}``, with ``default``
        the entry of the top intent's base when that is a retrieval intent. None when no name has a ``/``.
    """
    if not any(RETRIEVAL_SEPARATOR in name for name, _ in ranking):
        return ranking[:limit], None
    totals: dict[str, float] = {}
    subs: dict[str, list[tuple[str, float]]] = {}
    for name, p in ranking:
        base = name.split(RETRIEVAL_SEPARATOR, 1)[0]
        totals[base] = totals.get(base, 0.0) + p
        if RETRIEVAL_SEPARATOR in name:
            subs.setdefault(base, []).append((name, p))
    folded = sorted(totals.items(), key=lambda kv: -kv[1])
    selector: dict[str, Any] = {"all_retrieval_intents": sorted(subs)}
    for base, items in subs.items():
        items.sort(key=lambda kv: -kv[1])
        total = totals[base] or 1.0
        key, p = items[0]
        selector[base] = {
            "response": {"intent_response_key": key, "utter_action": f"utter_{key}", "confidence": p / total},
            "ranking": [{"intent_response_key": k, "confidence": q / total} for k, q in items[:limit]],
        }
    if folded and folded[0][0] in subs:
        selector["default"] = selector[folded[0][0]]
    return folded[:limit], selector
