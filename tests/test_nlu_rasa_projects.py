"""The two real Rasa projects of ../shared/data, read unchanged: Sara trained on its own data and tested on its own
tests/test_nlu.yml (`assistant test nlu --project …/rasa_demo_sara --nlu …/tests/test_nlu.yml`). Slow: it trains a
full NLU (about 2.5 min on a quiet 2-core machine). The financial demo has no test_nlu file: its loading is
tests/test_training_data.py::test_real_rasa_projects_load_unchanged, its cross-validation
bench/results/nlu_cv_rasa_financial_demo.json (`assistant test nlu --cross-validation 5`).

The floors are under the figures measured before (Sara intent accuracy 0.9075, entity F1 0.880, session 9 notes), so a
change that loses several Sara examples fails here; Rasa 3.6.20 with Sara's own pipeline misreads 7 of its 58 test
conversation turns (bench/results/e2e_peers.json), so the floors are not above what Rasa itself reaches.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from shared_paths import SHARED_DATA

from assistant.nlu.testing import evaluate_project

pytestmark = pytest.mark.slow


def _intent_examples(path: Path) -> dict[str, int]:
    """Examples per intent of a Rasa NLU file, counted from its lines (``- intent:`` blocks only, not synonyms)."""
    counts: dict[str, int] = {}
    intent = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("- "):
            m = re.match(r"- intent: *(\S+)", line)
            intent = m.group(1) if m else None
        elif intent and re.match(r" +- ", line):
            counts[intent] = counts.get(intent, 0) + 1
    return counts


def test_sara_trained_on_its_data_and_tested_on_its_test_nlu(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = SHARED_DATA / "rasa_demo_sara"
    test_file = root / "tests" / "test_nlu.yml"
    if not test_file.exists():
        pytest.skip(f"{test_file} not found (the shared Rasa demo data is not in this checkout)")
    out = evaluate_project(root, embedder, nlu_file=test_file, out_dir=tmp_path / "r")
    counts = _intent_examples(test_file)
    assert out["n"] == sum(counts.values())
    # retrieval intents (faq/channels) are scored as written in the file
    assert {k: v["support"] for k, v in out["per_intent"].items() if v["support"]} == counts
    print(json.dumps({k: out[k] for k in ("n", "intent_accuracy", "intent_macro_f1", "entity_f1", "calibration_ece")}))
    assert out["intent_accuracy"] >= 0.88
    assert out["entity_f1"] >= 0.85
    assert 0.0 <= out["calibration_ece"] <= 0.1
    assert (tmp_path / "r" / "confusion_matrix.png").stat().st_size > 1000



def _story_turns(path: Path) -> dict[str, str]:
    """Text → intent of every user turn in a Rasa test-stories file, read with plain YAML and a regex (annotations
    ``[text](entity)`` and ``[text]{...}`` reduced to their text), independently of the project's story loader."""
    import yaml

    turns: dict[str, str] = {}
    for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
        for step in story["steps"]:
            if "user" in step and "intent" in step:
                text = re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", str(step["user"])).strip()
                turns[text] = str(step["intent"])
    return turns


def test_financial_demo_trained_unchanged_reads_its_test_stories(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The financial demo trained as ``assistant train --project …/rasa_financial_demo`` trains it (the same function,
    its files unchanged), loaded back as ``assistant serve`` loads it, reads the user turns of its own
    tests/test_stories.yml (it has no test_nlu file): 28 distinct turns, 9 of them in no training example.

    Measured (session 14, load 8-9): all 28 right, the 9 unseen right; the floors leave room for two misreads of the
    whole and one of the unseen. Session 13's attempt (train, then read back the 578 training examples one message
    at a time) ran past 20 minutes at load 15. Profiled in session 14 at load 8-9: training took 91 s (embedding
    38 s, the six logistic regressions of calibration 35 s, the CRF 17 s), but a single-message parse took 0.49 s, 0.36 s
    of it embedding the message alone (about 15 ms quiet): 578 of them are about 5 minutes at that load and grow with
    it, the likely cause. The read-back here is embedded in one batch."""
    from assistant.app_state import train_nlu
    from assistant.nlu.pipeline import NluPipeline
    from assistant.settings import Settings

    root = SHARED_DATA / "rasa_financial_demo"
    stories = root / "tests" / "test_stories.yml"
    if not stories.exists():
        pytest.skip(f"{stories} not found (the shared Rasa demo data is not in this checkout)")
    nlu_file = root / "data" / "nlu" / "nlu.yml"
    counts = _intent_examples(nlu_file)
    settings = Settings(home=tmp_path / "home")
    stats = train_nlu(settings, embedder, root)
    assert stats["intents"] == len(counts) == 17
    assert stats["examples"] >= sum(counts.values())  # examples with personal data are also learnt without it

    pipeline = NluPipeline.load(settings.nlu_dir, embedder)
    turns = _story_turns(stories)
    training = {re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:]).strip().lower()
                for line in nlu_file.read_text(encoding="utf-8").splitlines() if re.match(r" +- ", line)}
    unseen = {t for t in turns if t.lower() not in training}
    assert (len(turns), len(unseen)) == (28, 9)
    texts = sorted(turns)
    vectors = embedder.embed_queries(texts)
    got = {t: pipeline.parse(t, vector=v).nlu.intent.name for t, v in zip(texts, vectors, strict=True)}
    wrong = {t: (turns[t], got[t]) for t in texts if got[t] != turns[t]}
    print(json.dumps({"turns": len(turns), "right": len(turns) - len(wrong), "unseen": len(unseen),
                      "unseen_right": len(unseen - set(wrong)), "wrong": wrong}, ensure_ascii=False))
    assert len(wrong) <= 2, wrong
    assert len(unseen & set(wrong)) <= 1, wrong
