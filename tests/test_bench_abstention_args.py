"""``bench/abstention.py``'s own plumbing: which sets are reported only, and ``--config`` read as the retrieval
benchmark reads it (a bad key stops the run before any model loads)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
import yaml
from shared_paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
abstention = importlib.import_module("abstention")


def test_the_dev_and_blind_sets_are_reported_only_and_their_files_exist() -> None:
    assert set(abstention.REPORTED_ONLY) == {"en_dev", "en_heldout", "ko_heldout_twins", "life_event_en"}
    assert abstention.BLIND == {"en_heldout", "ko_heldout_twins"}  # en_dev is tuned on, so it is not blind
    for name in abstention.REPORTED_ONLY.values():
        assert (ROOT / "bench" / name).is_file(), name


def test_a_config_key_that_is_no_retriever_setting_stops_the_run_before_loading(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="expected KEY=VALUE"):
        abstention.main(["--home", str(tmp_path / "none"), "--config", "w_lex_englsh=0.5"])
    assert not (tmp_path / "none").exists()  # nothing was built or loaded


def test_config_values_are_typed_as_the_retrieval_benchmark_types_them() -> None:
    assert abstention.config_overrides(["w_lex_english=0.5", "colloquial=off"]) == {"w_lex_english": 0.5,
                                                                                   "colloquial": False}


def test_the_english_life_event_twins_ask_what_their_korean_questions_ask() -> None:
    """Each English twin (s35) names its Korean question, has its relevant services exactly, and is English."""
    import re

    import yaml
    korean = {q["id"]: q for q in yaml.safe_load((ROOT / "bench" / "life_event_questions.yaml").read_text(encoding="utf-8"))["questions"]}
    twins = yaml.safe_load((ROOT / "bench" / "life_event_questions_en_twins.yaml").read_text(encoding="utf-8"))["questions"]
    assert [q["twin_of"] for q in twins] == list(korean)  # one twin per question, in order
    for q in twins:
        assert q["id"] == f"{q['twin_of']}_en"
        assert q["relevant"] == korean[q["twin_of"]]["relevant"] and q["kind"] == korean[q["twin_of"]]["kind"]
        assert not re.search(r"[가-힣]", q["text"]), q["id"]


def test_the_gate_fit_adds_the_colloquial_dev_sets_only_when_asked_and_never_a_blind_one() -> None:
    fit = importlib.import_module("fit_answerability_gate")
    base, dev = fit.questions(None), fit.questions(None, dev=True)
    added = [row for row in dev if row not in base]
    expected = [q["text"] for n in fit.DEV_SETS for q in yaml.safe_load((ROOT / "bench" / n).read_text(encoding="utf-8"))["questions"]]
    assert all(row in dev for row in base) and [text for text, _r, _k in added] == expected and len(expected) == 120
    assert not set(fit.DEV_SETS) & set(abstention.REPORTED_ONLY.values())  # no blind or reported-only set is fitted on
    assert all(relevant and kind == "team" for _text, relevant, kind in added)
