"""The told-event rule (``AnswerComposer.about_told_event``, s38) answers a life event told in everyday words from the
page about it though the gate doubts it: it must never fire on a question the documents do not answer. On the bundled
router: every out-of-corpus question (tests/data/out_of_corpus.yaml) and the states and suppositions that tell no
event are refused by it; the events told are read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def told(router: Any, text: str) -> bool:
    result = router.retriever.run(text, k=10)
    return bool(router.composer.about_told_event(result.unmapped or result))


def test_no_out_of_corpus_question_is_a_told_event(bundled_router: Any) -> None:
    questions = yaml.safe_load((ROOT / "tests" / "data" / "out_of_corpus.yaml").read_text(encoding="utf-8"))["questions"]
    assert len(questions) >= 20
    assert [q for q in questions if told(bundled_router, q)] == []


@pytest.mark.parametrize(("text", "is_told"), [
    ("아버지가 돌아가셨어요. 받을 수 있는 지원이 있나요?", True),
    ("어머니가 돌아가셨는데 재산이 얼마나 있는지 몰라요", True),
    ("My father passed away, what should I do?", True),
    # a state, a supposition, a question about what the page does not speak of, an event told of nothing the page is
    # about
    ("애 키우는데 받을 수 있는 거 있어요?", False),
    ("부모님 돌아가시면 받을 수 있는 지원이 있나요?", False),
    ("할머니가 돌아가셨어요 장례비 지원 있나요?", False),
    ("이사 왔어요. 받을 수 있는 지원이 있나요?", False),
    # a life event supposed in the catalogue's word, the first page titled with it (s38 probe: the gate gave 0.235);
    # a 하다 noun that is no life event (신청, 운전), or one asked with a topic the page lacks (회사), is none
    ("출산하면 뭐 받아요?", True),
    ("출산하면 받을 수 있는 지원이 뭐예요?", True),
    ("신청하면 뭐 받아요?", False),
    ("운전하면 뭐 받아요?", False),
    ("출산하면 회사 쉴 수 있어요?", False),
    # supposed in an everyday verb whose catalogue word the first page's title names (낳 → 출산: "(창원시)
    # 출산축하금"; s56 probe: abstained on the catalogue among the regions' 출산장려금), as in the catalogue's word
    ("아기 낳으면 돈 나와요?", True),
    ("부모님 돌아가시면 뭐 받아요", False),  # a death supposed is no event told, whatever the first page's title
])
def test_told_events(bundled_router: Any, text: str, is_told: bool) -> None:
    assert told(bundled_router, text) is is_told


def test_a_birth_supposed_in_everyday_words_asks_among_the_birth_programmes(gov24_router: Any) -> None:
    """On the catalogue (slow): "아기 낳으면 돈 나와요?" (gate 0.37) abstained though the regions' 출산 programmes lead; it
    is now asked among them as "출산하면 …" is. Each choice's title, read from the catalogue rows, names 출산 or 출생."""
    import json

    from assistant.dialogue.messages import UserMessage
    from shared_paths import GOV24_DIR

    rows = json.loads((GOV24_DIR / "gov24_serviceDetail_snapshot.json").read_text(encoding="utf-8"))["data"]
    titles = {str(r["서비스ID"]): str(r["서비스명"]) for r in rows}
    turn = gov24_router.handle(UserMessage("supposed-birth", "아기 낳으면 돈 나와요?", "rest", {}))
    assert turn.answer is not None and not turn.answer.abstained, turn.messages[0].text
    chosen = [c.doc_id for _place, c in turn.answer.regions] or [c.doc_id for c in turn.answer.citations[:1]]
    assert chosen and all("출산" in titles[d] or "출생" in titles[d] for d in chosen), [titles[d] for d in chosen]
