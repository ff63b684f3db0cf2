"""A programme for those who moved to the countryside (귀농·귀촌인) is no answer for anyone (issue 2, s52 probe).

On the catalogue, "집이 낡아서 수리비 지원 받을 수 있나요" was answered with 귀농·귀촌인 농가주택 수리비 지원 (고흥군) as
if for the citizen, the other regions' 수리비 programmes being for disabled people's aids. 귀농 and 귀촌 now name a
narrow group (:data:`~assistant.knowledge.target_groups.NARROW_GROUPS`): each programme is listed with whom it is for.
A citizen who says they moved to farm is asked among the 귀농 programmes. The engine runs over a few picked real
records (../shared/data/gov24_benefits, read at test time; skipped without it); who each is for is read from the rows.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.processor import MessageProcessor
from assistant.settings import Settings
from picked_catalogue import engine_over_picked, first_reply
from test_region_choices_fit import ASK, rows

PICK = {("귀농·귀촌인 농가주택 수리비 지원", "전남광주통합특별시 고흥군"), ("장애인 이동용 보장구 수리비 지원", "경기도 고양시"),
        ("저소득장애인 보장구 수리비 지원", "경기도 화성시"), ("저소득 장애인 보조기 수리비용 지원", "경상남도 함양군"),
        ("귀농인 정착 지원", "강원특별자치도 정선군")}


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    return engine_over_picked(PICK, bundled_settings, embedder, tmp_path_factory.mktemp("newcomers") / "home")


def newcomers() -> set[str]:
    return {str(r["서비스ID"]) for r in rows() if "귀농" in str(r["서비스명"]) or "귀촌" in str(r["서비스명"])}


def test_a_house_repair_question_is_not_answered_with_the_newcomers_programme(engine: MessageProcessor) -> None:
    reply = first_reply(engine, "집이 낡아서 수리비 지원 받을 수 있나요", "old-house")
    cited = [c["doc_id"] for c in reply.custom.get("citations") or []]
    assert reply.custom.get("response") != ASK and len(set(cited)) >= 2, reply.text
    row = next(r for r in rows() if str(r["서비스ID"]) in newcomers() & set(cited))
    assert str(row["지원대상"]).split("\n")[0].strip(" ○") in reply.text  # listed with whom it is for


def test_a_newcomer_is_answered_among_the_newcomers_programmes(engine: MessageProcessor) -> None:
    reply = first_reply(engine, "귀농했는데 집 수리비 지원 있나요", "newcomer-house")
    cited = [c["doc_id"] for c in reply.custom.get("citations") or []]
    assert cited and set(cited) <= newcomers(), reply.text
