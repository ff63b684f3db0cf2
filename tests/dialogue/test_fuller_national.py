"""A national service that holds all a question asks answers before one region's service that holds less of it
(issue 2, s53 probe on the catalogue).

"치매 어르신 실종 예방 지원 있나요" was answered with 울산광역시's 지역사회서비스 투자사업(어르신 생기발랄) (its page writes
치매예방 and 어르신, never 실종) as if for a citizen of unknown place, above 배회감지기 무상보급, the ministry's, whose page
is about preventing the 실종 of people with dementia. The region's service asked for by its own words keeps its answer.

The engine runs over a few picked real records (../shared/data/gov24_benefits, read at test time; skipped without it).
What each page says is checked from the catalogue's rows first, so that the test's premise is the data's.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.processor import MessageProcessor
from assistant.settings import Settings
from picked_catalogue import cited_ids, engine_over_picked, first_reply
from test_region_choices_fit import picked_row

PICK = {("배회감지기 무상보급", "보건복지부"), ("지역사회서비스 투자사업(어르신 생기발랄)", "울산광역시"),
        ("실종아동 보호 및 지원", "보건복지부"), ("한의약 치매 건강증진서비스 지원", "서울특별시 종로구"),
        ("치매치료관리비 지원(국민건강보험공단 예탁)", "전북특별자치도 남원시")}


def one(title: str) -> tuple[str, str]:
    return picked_row(PICK, title)


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    return engine_over_picked(PICK, bundled_settings, embedder, tmp_path_factory.mktemp("fuller") / "home")


def test_the_national_service_that_holds_what_is_asked_answers(engine: MessageProcessor) -> None:
    tracker, tracker_text = one("배회감지기 무상보급")
    region, region_text = one("지역사회서비스 투자사업(어르신 생기발랄)")
    assert "치매" in region_text and "실종" not in region_text
    assert "치매" in tracker_text and "실종" in tracker_text
    for text in ("치매 어르신 실종 예방 지원 있나요", "치매 노인 실종 예방 지원 있나요"):
        reply = first_reply(engine, text, f"missing-{text}")
        assert cited_ids(reply)[:1] == [tracker], reply.text


def test_the_regions_service_asked_by_its_own_words_keeps_its_answer(engine: MessageProcessor) -> None:
    region, region_text = one("지역사회서비스 투자사업(어르신 생기발랄)")
    assert "우울" in region_text
    reply = first_reply(engine, "어르신 우울 치매예방 심리상담 지원 있나요", "blues")
    assert cited_ids(reply)[:1] == [region], reply.text
