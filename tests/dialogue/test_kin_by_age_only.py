"""The regions' programmes alike only by the age of life they serve are choices for what a question asks only when
their pages speak of it (issue 2, s53 probe on the catalogue).

"어르신 돌봄 서비스 있나요" asked the citizen's region "under '어르신'" among 구로구's 홀몸 어르신 사랑의 음료 지원 (care
for old people living alone: its page speaks of 돌봄), 울산광역시's 어르신 생기발랄 (dementia prevention) and
영등포구's 어르신 대상 불소도포 (fluoride on teeth): services for old people alike, two never speaking of 돌봄. The one
that does answers, as its region's.

The engine runs over a few picked real records (../shared/data/gov24_benefits, read at test time; skipped without it).
What each page says is checked from the catalogue's rows first, so that the test's premise is the data's.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.processor import MessageProcessor
from assistant.settings import Settings
from picked_catalogue import cited_ids, engine_over_picked, first_reply, picked_documents
from test_region_choices_fit import ASK

PICK = {("홀몸 어르신 사랑의 음료 지원", "서울특별시 구로구"), ("지역사회서비스 투자사업(어르신 생기발랄)", "울산광역시"),
        ("어르신 대상 불소도포 서비스 제공", "서울특별시 영등포구")}


def picked() -> dict[str, str]:
    """서비스ID → the text of the picked services' sections, spaces left out."""
    found = {d.doc_id: "".join(s.text for s in d.sections).replace(" ", "") for d in picked_documents(PICK)}
    assert len(found) == len(PICK)
    return found


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    return engine_over_picked(PICK, bundled_settings, embedder, tmp_path_factory.mktemp("old-age") / "home")


def test_the_one_that_speaks_of_what_is_asked_answers(engine: MessageProcessor) -> None:
    texts = picked()
    caring = [i for i, t in texts.items() if "돌봄" in t]
    assert len(caring) == 1 and all("어르신" in title for title, _agency in PICK)
    reply = first_reply(engine, "어르신 돌봄 서비스 있나요", "old-care")
    assert reply.custom.get("response") != ASK, reply.text
    assert cited_ids(reply)[:1] == caring, reply.text
