"""A Korean title's parenthesised qualifier (a group, a place, a thing other titles hold too) does not name the
title; a part only its title holds, and an English title's Korean name, do (assistant/dialogue/knowledge_base.py
``_qualifiers``). s45 probe: "전주 사는데 장애인 가정 양육비 지원 있나요" named 의왕시 상하수도 요금 감면(장애인) by
"장애인" and was answered with it; the catalogue has 장애인가정 양육비용 지원 (전주시)."""

from __future__ import annotations

import pytest

from assistant.dialogue.knowledge_base import ServiceTitleMatcher

TITLES = ["의왕시 상하수도 요금 감면(장애인)", "장애인 보장구 지원", "장애인가정 양육비용 지원",
          "자산형성지원사업(청년내일저축계좌)", "Energy voucher (에너지바우처)", "청소년 수련 지원(송파구)",
          "유아학비 (누리과정) 지원"]


@pytest.mark.parametrize(("text", "expected"), [
    ("전주 사는데 장애인 가정 양육비 지원 있나요", []),  # "장애인" is held by three titles: no name of one
    ("송파구 사는데 뭐 있어요", []),  # a place qualifies
    ("청년내일저축계좌 신청할래요", ["자산형성지원사업(청년내일저축계좌)"]),  # only its title holds it
    ("누리과정 지원 받을 수 있나요", ["유아학비 (누리과정) 지원"]),
    ("에너지바우처 신청", ["Energy voucher (에너지바우처)"]),  # an English title's Korean name
    ("의왕시 상하수도 요금 감면 받을 수 있나요", ["의왕시 상하수도 요금 감면(장애인)"]),  # the title's own name
])
def test_a_qualifier_names_no_title(text: str, expected: list[str]) -> None:
    assert ServiceTitleMatcher(TITLES).find(text) == expected
