"""Public MyData is not offered when the citizen applies for a household member ("우리 아이 첫만남이용권 신청할래요"):
the records MyData fetches are the citizen's own, not the child's (issue 5; s16 closing note).

The conversation engine with the trained bundled NLU, the MyData and task actions in-process, the MyData sandbox and
the task back end served over HTTP (the fixtures of test_application_documents.py). 첫만남이용권 is not in the
1-in-10 catalogue sample, so its record is written here after the programme's public description (보건복지부; its
구비서류 names 주민등록표 등본, which MyData's 주민등록표 등본 record supplies) and added to the real catalogue.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.knowledge.documents import Document, Section
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.ticket import citizen_ref, secret_key

# the fixtures of test_application_documents.py, used here with this module's own ``catalogue`` (pytest resolves a
# fixture's dependencies by name in the requesting module)
from test_application_documents import NK, apply, make_chat, tasks_backend  # type: ignore[import-not-found]  # noqa: F401

FIRST_MEETING = "T-FIRST-MEETING"
TITLE = "첫만남이용권"


@pytest.fixture(scope="module")
def catalogue() -> list[Document]:
    """The real catalogue and a 첫만남이용권 record (skips when ../shared/data is absent)."""
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.loaders import load_gov24

    first = Document(FIRST_MEETING, TITLE, "보건복지부", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/T-FIRST-MEETING", "ko",
                     "2026-01-01", "gov24", (
                         Section("지원대상", "2022년 1월 1일 이후 출생한 아동(출생신고하여 주민등록번호를 부여받은 아동)"),
                         Section("지원내용", "출생아동 1인당 첫째 200만원, 둘째 이상 300만원 이용권(바우처) 지급"),
                         Section("구비서류", "- 사회서비스 이용권(바우처) 신청서\n- 신분증\n- 주민등록표 등본"),
                     ), {"service_id": FIRST_MEETING, "conditions": {"JA0110": 0, "JA0111": 1}})
    return [*load_gov24(GOV24_DIR), first]


def _buttons(messages: list[Any]) -> list[str]:
    return [b["payload"] for m in messages for b in (m.buttons or [])]


@pytest.mark.parametrize("ask", [f"우리 아이 {TITLE} 신청할래요", f"I want to apply for {TITLE} for my child"])
def test_no_mydata_offer_when_applying_for_a_child(make_chat: Any, connector: MyDataConnector, ask: str) -> None:  # noqa: F811
    chat = make_chat(f"conv-child-{ask[:2]}")
    shown = chat.say(ask)
    assert chat.slot("beneficiary") == "child", chat.texts
    pending = chat.slot("task_pending")
    assert pending and pending.get("service_id") == FIRST_MEETING, chat.texts  # the checklist of this service
    assert "/use_mydata" not in _buttons(shown), shown[0].text
    assert "동의하시면 첨부할 수 있어요" not in shown[0].text and "if you consent" not in shown[0].text.lower()
    # asked for anyway ("마이데이터로 가져와 주세요" / the button of an earlier message): no consent is requested
    said = chat.say("/use_mydata")
    assert chat.slot("mydata_pending_consent") is None, [m.text for m in said]
    assert connector.list_consents(citizen_ref(chat.sender, secret_key(chat.settings))) == []
    # the application's wording, not the eligibility check's ("… carry on with the check")
    assert "신청 서류로 첨부하지 않을게요" in said[0].text or "won't attach anything from it to this application" in said[0].text, \
        said[0].text
    assert chat.stats()["token_requests"] == 0 and chat.stats()["record_requests"] == 0


def test_the_citizens_own_application_still_gets_the_offer(make_chat: Any) -> None:  # noqa: F811
    """The control: applying for themselves, the same flow offers MyData (the documents are the citizen's)."""
    chat = make_chat("conv-self")
    shown = apply(chat, NK)
    assert "/use_mydata" in _buttons(shown)
