"""Warm-up at server start: the first citizen's turn must not pay for loading models (fresh-user report s7, defect 10).

On a cold server the first turn's redeliveries waited 5.5 s for a holding reply configured at 2 s (warm: 2.0 s):
the turn's first use of each stage loads or compiles something (the tokenizer's and entity extractors' models, the
retriever's indexes and first search, the eligibility catalogue and its evaluator, the dialogue's responses), and
that work, in the turn's worker thread, holds the interpreter lock and the import locks the event loop needs to
send the holding reply on time. :func:`warm_up` does that work once before ``/health`` says ready:

1. one parse by the NLU pipeline of a Korean and of an English message (tokenizer, embedder, classifier, entities);
2. one retrieval of a Korean question (BM25, vector index, reranker);
3. one eligibility evaluation over the catalogue in ``ASSISTANT_HOME`` (the in-process service that the actions
   and the embedded eligibility app share), when one is imported; a remote eligibility service is not called
   (its warm-up is its own);
4. one whole turn on a throwaway conversation in an in-memory tracker store (policies, forms, the answer composer,
   response rendering), and the holding reply's rendering, so the code a turn runs is imported and its caches are
   filled. Nothing is written to the configured stores.

A step that fails is logged with its error and the others still run: warm-up makes the first turn fast, it does
not decide whether the server can serve (a missing catalogue is the eligibility action's business to report).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from assistant.settings import Settings

logger = logging.getLogger(__name__)

#: The messages warm-up runs (no personal data; a knowledge question and an English one).
WARM_UP_KO = "에너지바우처 신청 방법 알려 주세요"
WARM_UP_EN = "How do I apply for the energy voucher?"
#: Facts of the warm-up's eligibility evaluation (a person of 67 in Seoul, 40 % of the median income).
WARM_UP_FACTS = {"age": 67, "sex": "female", "income_pct_median": 40, "region": "서울특별시"}


def _timed(steps: dict[str, float], name: str, fn: Callable[[], Any]) -> None:
    t0 = time.perf_counter()
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - warm-up is best effort: a failing stage reports itself at the first turn
        logger.warning("warm-up step failed", extra={"stage": "warm_up", "step": name, "error": type(e).__name__})
        steps[name] = -1.0
        return
    steps[name] = round(time.perf_counter() - t0, 3)


def _eligibility(settings: Settings) -> None:
    from connectors.eligibility.client import LocalEligibilityClient
    from connectors.eligibility.service import shared_service

    service = shared_service(settings)
    try:
        service.catalogue()
    except Exception:  # noqa: BLE001 - no catalogue imported in this home: nothing to warm
        return
    LocalEligibilityClient(service).check(WARM_UP_FACTS)


def _turn(settings: Settings, router: Any) -> None:
    from assistant.app_state import build_processor
    from assistant.dialogue.holding import holding_turn
    from assistant.dialogue.messages import UserMessage
    from assistant.stores.locks import InMemoryLockStore
    from assistant.stores.trackers import SQLTrackerStore

    store = SQLTrackerStore("sqlite://", effects_retention=None)
    try:
        processor = build_processor(settings, router, store, lock_store=InMemoryLockStore())
        sender = f"warm-up-{uuid.uuid4().hex[:12]}"
        processor.handle_message(UserMessage(sender, WARM_UP_KO, "rest", {}))
        holding_turn(processor.domain, UserMessage(sender, WARM_UP_EN, "rest", {}), "warm-up", None)
    finally:
        store.db.dispose()


def warm_up(settings: Settings, router: Any) -> dict[str, float]:
    """Run each stage once (see the module doc) and return the seconds each step took (``-1`` for a failed one).

    Args:
        settings: the server's settings (home, eligibility URL ...).
        router: the loaded :class:`~assistant.dialogue.router.Router` (``nlu``, ``retriever``).

    Returns:
        ``{"parse": s, "retrieval": s, "answer_terms": s, "eligibility": s, "turn": s}`` (``answer_terms`` when the
        router has a composer).
    """
    steps: dict[str, float] = {}
    _timed(steps, "parse", lambda: (router.nlu.parse(WARM_UP_KO), router.nlu.parse(WARM_UP_EN)))
    _timed(steps, "retrieval", lambda: router.retriever.run(WARM_UP_KO, k=5))
    if getattr(router, "composer", None) is not None:
        _timed(steps, "answer_terms", router.composer.warm_up)
    _timed(steps, "eligibility", lambda: _eligibility(settings))
    _timed(steps, "turn", lambda: _turn(settings, router))
    logger.info("warm-up done", extra={"stage": "warm_up", **{f"{k}_s": v for k, v in steps.items()}})
    return steps
