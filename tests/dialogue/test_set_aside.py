"""A service set aside ("에너지바우처 말고 다른 난방비 지원 있어요?") is no answer (fresh-user probe s42: 에너지바우처 again).

The titles set aside are read from the words before the cue (말고, 빼고, 외에, other than …), longest names only (the
"바우처" inside 에너지바우처 is no other service's name here), and both language versions of a page go (they share
the service id). The pages expected are read from the bundled corpus.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.dialogue.test_detail_followup import first_cited, page, say


@pytest.mark.parametrize("asked", ["에너지바우처 말고 다른 난방비 지원 있어요?", "Is there heating support other than the energy voucher?"])
def test_the_service_set_aside_is_not_the_answer(processor: Any, asked: str) -> None:
    voucher, _ = page("에너지바우처")
    briquette, body = page("연탄쿠폰")
    assert "난방" in body
    t = say(processor, asked, sender=f"aside-{asked[:6]}")
    cited = {c["doc_id"] for m in t.messages for c in m.custom.get("citations", [])}
    assert first_cited(t) == briquette and voucher not in cited, t.messages[0].text
    assert not any("Energy voucher" in c.get("title", "") for m in t.messages for c in m.custom.get("citations", []))


def test_only_the_longest_name_is_set_aside(processor: Any) -> None:
    knowledge = processor.context_defaults["knowledge"]
    aside = knowledge.excluded_titles("에너지바우처 말고 다른 거 있어요?")
    assert "에너지바우처" in aside and not any("산림복지" in t for t in aside)
    assert knowledge.excluded_titles("에너지바우처 신청 방법") == frozenset()
