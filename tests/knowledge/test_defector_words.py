"""What citizens call North Korean defectors (새터민, 탈북민, 탈북자) reaches the catalogue's 북한이탈주민 programmes.

s52 probe on the whole catalogue: "새터민 정착 지원금 있나요" found nothing and was told the documents lack it, while six
programmes for 북한이탈주민 are in it; the colloquial glossary (assistant/knowledge/glossary_ko_colloquial.yaml) had no
word for them. Asked of the whole catalogue through the engine (slow; skips without ../shared): the answer cites first
a programme whose 서비스명 holds 북한이탈주민, read from the catalogue's rows. (A small index of those programmes and
their neighbours does not tell the glossary's work apart: the embedder alone ranks them first there.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from shared_paths import GOV24_DIR

pytestmark = pytest.mark.slow


def defector_programmes() -> set[str]:
    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR}")
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data["data"] if isinstance(data, dict) else data
    return {str(r["서비스ID"]) for r in rows if "북한이탈주민" in str(r["서비스명"])}


@pytest.mark.parametrize("question", ["새터민 정착 지원 있나요", "새터민 지원", "새터민 의료비 지원",
                                      "탈북민 정착 지원 있나요", "탈북자 정착금"])
def test_a_defector_s_question_is_answered_with_a_programme_for_defectors(gov24_settings: Any, gov24_router: Any,
                                                                          question: str) -> None:
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    wanted = defector_programmes()
    assert len(wanted) >= 5
    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    reply = p.handle_message(UserMessage("defector", question, "rest", {})).messages[0]
    cited = [c["doc_id"] for c in reply.custom.get("citations") or []]
    assert cited and cited[0] in wanted, reply.text
