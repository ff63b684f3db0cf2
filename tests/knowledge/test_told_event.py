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
])
def test_told_events(bundled_router: Any, text: str, is_told: bool) -> None:
    assert told(bundled_router, text) is is_told
