"""A national service near the first hit whose page holds all a question asks answers it, before the regions'
versions of a programme (issue 2, s53 probe on the catalogue).

"학교 급식비 지원" ranked 교육부's 초·중·고 교육비 지원 first (its 지원내용 lists the 학교급식비 of every low-income
pupil) and asked the citizen's region "under '학교'" between 공주시's 대안학교 무상급식 식품비 지원 (pupils of
unaccredited alternative schools only) and 고성군's 학교급식 우수 식재료 지원 (paid to schools). A region's programme
asked for by its own words keeps its answer.

The engine runs over a few picked real records (../shared/data/gov24_benefits, read at test time; skipped without it).
What each page says is checked from the catalogue's rows first, so that the test's premise is the data's.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.processor import MessageProcessor
from assistant.settings import Settings
from picked_catalogue import cited_ids, engine_over_picked, first_reply
from test_region_choices_fit import ASK, picked_row

PICK = {("초·중·고 교육비 지원", "교육부"), ("대안학교 무상급식 식품비 지원", "충청남도 공주시"),
        ("학교급식 우수 식재료 지원", "경상남도 고성군"), ("급식 축산물 바른가격 제공 서비스", "축산물품질평가원")}


def one(title: str) -> tuple[str, str]:
    return picked_row(PICK, title)


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    return engine_over_picked(PICK, bundled_settings, embedder, tmp_path_factory.mktemp("school-meals") / "home")


def test_the_national_service_that_holds_the_question_answers_it(engine: MessageProcessor) -> None:
    national, text = one("초·중·고 교육비 지원")
    assert "학교급식비" in text and "학교" in text
    reply = first_reply(engine, "학교 급식비 지원", "school-meals")
    assert reply.custom.get("response") != ASK, reply.text
    assert cited_ids(reply)[:1] == [national], reply.text


def test_the_regions_programme_asked_by_its_own_words_keeps_its_answer(engine: MessageProcessor) -> None:
    ingredients, text = one("학교급식 우수 식재료 지원")
    assert "식재료" in text and "식재료" not in one("초·중·고 교육비 지원")[1]
    reply = first_reply(engine, "학교급식 식재료 지원 있나요", "school-food")
    assert cited_ids(reply)[:1] == [ingredients], reply.text
