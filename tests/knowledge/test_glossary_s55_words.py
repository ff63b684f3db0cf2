"""English words the glossary lacked (s55 probe on the real catalogue; assistant/knowledge/glossary_en_ko.yaml).

"My father is 80 and needs to renew his driving licence. What should he do?" asked the citizen's region for the
regions' 고령운전자 운전면허 자진반납 (handing a licence in, not renewing it): "renewal" had an entry, "renew" none, and the
catalogue writes a licence's renewal 갱신 (경찰청's 운전면허 적성검사 간소화: "적성검사 갱신"). "If I find a new job
quickly, is there an allowance?" was answered with 고용창출장려금 (an employer's subsidy), not 고용노동부's
조기재취업수당 (paid to one who finds work early while on 구직급여). CLINC150's chatter says "got a new job" of a 401k
rollover and "renew my credit card": those must still find nothing. The expected pages are read from the catalogue.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from shared_paths import GOV24_DIR


def _ids(title_has: tuple[str, ...]) -> set[str]:
    rows = json.loads((GOV24_DIR / "gov24_serviceDetail_snapshot.json").read_text(encoding="utf-8"))["data"]
    return {str(r["서비스ID"]) for r in rows if all(w in r["서비스명"] for w in title_has)}


@pytest.mark.parametrize(("text", "title_has"), [
    ("My father is 80 and needs to renew his driving licence. What should he do?", ("운전면허", "적성검사")),
    ("If I find a new job quickly, is there an allowance?", ("조기재취업수당",)),
])
def test_the_words_find_the_service(gov24_router: Any, text: str, title_has: tuple[str, ...]) -> None:
    expected = _ids(title_has)
    assert len(expected) == 1
    turn = gov24_router.handle(UserMessage(f"s55-{text}", text, "rest", {}))
    answer = turn.answer
    assert answer is not None and not answer.abstained and not answer.regions, turn.messages[0].text
    assert answer.citations[0].doc_id in expected, [c.title for c in answer.citations]


@pytest.mark.parametrize("text", ["When do I have to renew my credit card?", "How do I renew my passport?"])
def test_a_renewal_the_catalogue_lacks_still_abstains(gov24_router: Any, text: str) -> None:
    turn = gov24_router.handle(UserMessage(f"s55-{text}", text, "rest", {}))
    assert turn.answer is None or turn.answer.abstained, [c.title for c in turn.answer.citations]
