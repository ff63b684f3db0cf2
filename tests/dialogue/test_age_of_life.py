"""A page for another age of life than the one the question names is no answer to it (issue 2, s51 probe).

"혼자 사는 노인 돌봄 서비스" and "할머니 돌봐주는 서비스 있어요?" were answered with 아이돌봄 서비스 (for children of 12 and
under): first on the bundled corpus, the national one among the catalogue's 돌봄 programmes. The age words are
assistant/knowledge/target_groups.py's AGES_OF_LIFE; the pages' titles are read from knowledge/ko and the catalogue.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.target_groups import AGES_OF_LIFE, other_age_of_life
from shared_paths import GOV24_DIR

PAGES = Path(__file__).resolve().parents[2] / "knowledge" / "ko"
CHILD_WORDS = [w for w in AGES_OF_LIFE["child"] if not w.isascii()]


def bundled_titles() -> list[str]:
    return [str(yaml.safe_load(p.read_text(encoding="utf-8").split("---", 2)[1])["title"]) for p in PAGES.glob("*.md")]


@pytest.mark.parametrize(("title", "asked", "other"), [
    ("아이돌봄 서비스", "혼자사는노인돌봄서비스", "child"), ("노인장기요양 시설급여 지원", "우리아이돌봄", "old"),
    ("아이돌봄 서비스", "할머니가손주돌봐주는데지원있나요", None), ("노인장기요양 시설급여 지원", "할머니요양원비용", None),
    ("에너지바우처", "노인난방비", None), ("아이돌봄 서비스", "돌봄서비스", None),
])
def test_the_other_age_of_life(title: str, asked: str, other: str | None) -> None:
    assert other_age_of_life(title, asked) == other


@pytest.mark.parametrize("text", ["혼자 사는 노인 돌봄 서비스", "할머니 돌봐주는 서비스 있어요?"])
def test_an_old_person_s_care_is_not_answered_with_a_child_s(processor: Any, text: str) -> None:
    """The bundled corpus has a child care page (its title names a child) and no page for old people's care: nothing
    cited names a child."""
    titles = bundled_titles()
    assert any("돌봄" in t and any(w in t for w in CHILD_WORDS) for t in titles)
    reply = processor.handle_message(UserMessage(f"age-{text}", text, "rest", {})).messages[0]
    cited = [c["title"] for c in reply.custom.get("citations") or []]
    assert not [t for t in cited if any(w in t for w in CHILD_WORDS)], (reply.text, cited)
    # a statement that names the service it wants asked about it: not "어떤 점을 도와드릴까요?" (s51 probe)
    assert reply.custom.get("response") != "utter_how_can_i_help", reply.text


def test_a_child_s_care_is_still_the_child_care_page(processor: Any) -> None:
    reply = processor.handle_message(UserMessage("age-child", "아이 돌봐주는 서비스 있어요?", "rest", {})).messages[0]
    cited = [c["title"] for c in reply.custom.get("citations") or []]
    assert cited and "돌봄" in cited[0] and any(w in cited[0] for w in CHILD_WORDS), reply.text


def test_catalogue_an_old_person_s_care_cites_no_child_s(gov24_settings: Any, gov24_router: Any) -> None:
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["data"]
    child = {str(r["서비스ID"]) for r in rows if any(w in str(r["서비스명"]) for w in CHILD_WORDS)}
    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    reply = p.handle_message(UserMessage("age-cat", "혼자 사는 노인 돌봄 서비스", "rest", {})).messages[0]
    cited = {c["doc_id"] for c in reply.custom.get("citations") or []}
    assert not cited & child, reply.text
