"""``assistant test e2e --project PEER`` leaves the peer's home alone (fresh-user s10 #7: a run on a fresh home
imported the bundled government corpus into it and trained the bundled NLU there, and the peer's stories were then
answered from government documents). The peer project here is written in the test: two intents, one rule each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.dialogue.e2e import build_test_processor, run_e2e
from assistant.dialogue.messages import UserMessage
from assistant.settings import Settings

DOMAIN = """version: "3.1"
intents:
  - greet
  - goodbye
responses:
  utter_greet:
    - text: Hello! I am the peer bot.
  utter_goodbye:
    - text: Bye!
"""
NLU = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
    - hey
    - hello bot
- intent: goodbye
  examples: |
    - bye
    - goodbye
    - see you later
    - bye bye
    - good night
"""
RULES = """version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
- rule: goodbye
  steps:
  - intent: goodbye
  - action: utter_goodbye
"""
STORIES = """version: "3.1"
stories:
- story: greet then leave
  steps:
  - user: hello
    intent: greet
  - action: utter_greet
  - user: bye
    intent: goodbye
  - action: utter_goodbye
"""


@pytest.fixture
def peer(tmp_path: Path) -> Path:
    root = tmp_path / "peer"
    (root / "data").mkdir(parents=True)
    (root / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (root / "data" / "nlu.yml").write_text(NLU, encoding="utf-8")
    (root / "data" / "rules.yml").write_text(RULES, encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_stories.yml").write_text(STORIES, encoding="utf-8")
    return root


def test_peer_run_on_a_fresh_home_imports_and_trains_nothing(peer: Path, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "peer-home"
    settings = Settings(home=home)
    out = run_e2e(peer / "tests" / "test_stories.yml", settings, embedder, project=peer)
    assert (out["stories"], out["passed"], out["failed"]) == (1, 1, [])
    assert not home.exists() or sorted(p.name for p in home.iterdir()) == []  # no index, no NLU, no document store


def test_peer_without_knowledge_has_no_knowledge_base(peer: Path, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """No index in the peer's home: the engine has no knowledge base and no service names (knowledge questions
    abstain), instead of the government corpus imported for it."""
    work = tmp_path / "work"
    work.mkdir()
    home = tmp_path / "peer-home"
    engine = build_test_processor(Settings(home=home), embedder, work, peer)
    assert engine.context_defaults["knowledge"] is None and engine.context_defaults["services"] is None
    turn = engine.handle_message(UserMessage("p1", "How do I apply for the energy voucher?", "rest", {}))
    assert not [c for m in turn.messages for c in (m.custom.get("citations") or [])]
    assert not home.exists()


def test_peer_with_its_own_knowledge_uses_it(peer: Path, tmp_path: Path, embedder, bundled_settings) -> None:  # type: ignore[no-untyped-def]
    """A peer home that has a knowledge index (here: a copy of the bundled home's, as 'knowledge import dir'
    would leave one) is read, not replaced."""
    home = tmp_path / "peer-home"
    shutil.copytree(bundled_settings.index_dir, home / "index")
    before = sorted(p.name for p in (home / "index").iterdir())
    work = tmp_path / "work"
    work.mkdir()
    engine = build_test_processor(Settings(home=home), embedder, work, peer)
    knowledge = engine.context_defaults["knowledge"]
    assert knowledge is not None
    answer = knowledge.answer("에너지바우처 신청 방법", None, 0.0)
    assert not answer.abstained and answer.citations
    assert sorted(p.name for p in (home / "index").iterdir()) == before and not (home / "nlu").exists()
