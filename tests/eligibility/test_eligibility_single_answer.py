"""The one-service answer ("에너지바우처 받을 수 있나요?") carries the same caveat line as the list.

A stand-in client evaluates a small catalogue with the real evaluator, so the verdicts are computed, not
scripted; the caveat is checked on every verdict (eligible, not eligible, unknown) and both languages.
"""

from __future__ import annotations

from typing import Any

import pytest
from elig_helpers import PINNED_TODAY, CatalogueClient  # type: ignore[import-not-found]

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker
from connectors.eligibility.actions import TARGET_SLOT, ActionCheckEligibility
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.evaluator import evaluate
from connectors.eligibility.facts import Facts

CAT = Catalogue.from_records([
    (ServiceInfo("OLD", "에너지바우처", "https://www.gov.kr/x", "기후에너지환경부", ()), {"JA0110": 65, "JA0111": 120}),
    (ServiceInfo("KID", "아동수당", "https://www.gov.kr/y", "보건복지부", ()), {"JA0110": 0, "JA0111": 7}),
])

#: the list's caveat as users saw it before this change (the one-service answer must say the same)
CAVEAT_KO = "조건 코드로만 확인한 결과예요. 신청 전에 각 서비스의 지원대상과 선정기준을 꼭 확인해 주세요."
CAVEAT_EN = "These checks use the catalogue's coded conditions only: read each service's eligibility details before applying."




def _answer(slots: dict[str, Any]) -> str:
    d = CollectingDispatcher()
    ActionCheckEligibility(CatalogueClient(CAT), today=lambda: PINNED_TODAY).run(d, ProtocolTracker({"sender_id": "s", "slots": slots}), {})  # type: ignore[arg-type]
    assert len(d.messages) == 1
    return str(d.messages[0]["text"])


@pytest.mark.parametrize(("age", "status"), [(67, "eligible"), (40, "not_eligible"), (None, "unknown")])
@pytest.mark.parametrize(("lang", "caveat"), [("ko", CAVEAT_KO), ("en", CAVEAT_EN)])
def test_one_service_answer_has_the_caveat(age: int | None, status: str, lang: str, caveat: str) -> None:
    slots = {TARGET_SLOT: "OLD", "age": age, "language": lang}
    text = _answer(slots)
    assert evaluate(CAT, Facts(age=age), ["OLD"])[0].status == status
    assert caveat in text.splitlines()
    if status == "eligible" and lang == "ko":
        assert "받으실 수 있어요" in text


@pytest.mark.parametrize(("lang", "caveat"), [("ko", CAVEAT_KO), ("en", CAVEAT_EN)])
def test_the_list_has_the_same_caveat(lang: str, caveat: str) -> None:
    assert caveat in _answer({"age": 67, "language": lang}).splitlines()
