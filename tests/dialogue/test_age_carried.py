"""An age said in the message before is judged when the next one leans on it (s41 probe: "나 62살 남자 혼자사는데
받을수있는거 있음?" then "그럼 기차 할인은?" quoted the rail discount's rule without the verdict that "62살인데 기차 할인
되나요?" asked at once gets). Through the engine on the bundled corpus; the rule (만 65세 이상) is read off the page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.dialogue.test_detail_followup import first_cited, page, say

RAIL = "철도 공공할인 서비스(경로)"


@pytest.mark.parametrize(("first", "fits"), [("나 62살 남자 혼자사는데 받을수있는거 있음?", False),
                                             ("나 70살인데 받을수있는거 있음?", True)])
def test_the_age_said_before_is_judged_for_the_service_asked_next(processor: Any, first: str, fits: bool) -> None:
    doc_id, body = page(RAIL)
    low = int(re.search(r"만 (\d+)세 이상", body).group(1))  # type: ignore[union-attr]
    age = int(re.search(r"(\d+)살", first).group(1))  # type: ignore[union-attr]
    assert (age >= low) is fits  # the premise, from the page
    sender = f"age-carried-{age}"
    say(processor, first, sender)
    t = say(processor, "그럼 기차 할인은?", sender)
    reply = t.messages[0]
    assert first_cited(t) == doc_id and reply.custom.get("age_fits") is fits, reply.text
    assert f"({age}세)" in reply.text.split("\n")[0]


def test_no_age_said_before_gives_no_verdict(processor: Any) -> None:
    say(processor, "에너지바우처 알려줘", "age-carried-none")
    t = say(processor, "그럼 기차 할인은?", "age-carried-none")
    assert "age_fits" not in t.messages[0].custom and "말씀하신 나이" not in t.messages[0].text
