"""The page about the civil filing a question asks to do answers though the question's other words rank other pages
first (AnswerComposer._filing_page), and a page that writes the act only as the end of another filing is not about it
(AnswerComposer._speaks_of_filing).

s55 probe on the real catalogue: "아버지가 80세인데 운전면허 갱신해야 해요" and "어머니가 75세인데 운전면허 갱신 어떻게
해요?" abstained: the age ranked the regions' 고령운전자 운전면허 자진반납 programmes first, which never speak of a 갱신,
and the answerability gate refused them; 경찰청's 운전면허 적성검사 간소화, whose 지원내용 is the 적성검사 갱신, was fourth
or fifth. A filing one has to do ("해야") is asked as one wished or asked how to do. "사업자등록 해야 하는데요" must then not
be answered with 청년 사업자 임대료 지원 사업, whose 지원 대상 says "중구에 주민등록을 두고" (another filing's 등록).
On the catalogue home; the premises are read from the catalogue's rows.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from shared_paths import GOV24_DIR

SECTIONS = ("서비스명", "서비스목적", "지원대상", "선정기준", "지원내용", "신청방법", "신청기한")


def _rows() -> list[dict[str, Any]]:
    data = json.loads((GOV24_DIR / "gov24_serviceDetail_snapshot.json").read_text(encoding="utf-8"))["data"]
    return list(data)


def _text(row: dict[str, Any]) -> str:
    return " ".join(str(row.get(k) or "") for k in SECTIONS)


@pytest.mark.parametrize("text", ["아버지가 80세인데 운전면허 갱신해야 해요", "어머니가 75세인데 운전면허 갱신 어떻게 해요?"])
def test_the_page_about_the_filing_answers_below_pages_the_age_lifted(gov24_router: Any, text: str) -> None:
    rows = _rows()
    licence = {str(r["서비스ID"]) for r in rows if "운전면허" in r["서비스명"] and "적성검사" in r["서비스명"]}
    returned = [r for r in rows if "자진반납" in r["서비스명"]]
    assert len(licence) == 1 and "갱신" in _text(next(r for r in rows if str(r["서비스ID"]) in licence))
    assert len(returned) >= 2 and not any("갱신" in _text(r) for r in returned)
    turn = gov24_router.handle(UserMessage(f"renew-{text}", text, "rest", {}))
    answer = turn.answer
    assert answer is not None and not answer.abstained, turn.messages[0].text
    assert answer.citations[0].doc_id in licence, [c.title for c in answer.citations]


def test_another_filings_act_is_no_answer(gov24_router: Any) -> None:
    rows = _rows()
    rent = [r for r in rows if r["서비스명"] == "청년 사업자 임대료 지원 사업"]
    assert len(rent) == 1
    body = _text(rent[0]).replace(" ", "")
    assert "주민등록" in body and not re.search(r"(?<!주민)등록", body)  # its only 등록 is 주민등록
    assert not any("사업자등록" in r["서비스명"].replace(" ", "") for r in rows)  # no page is about the filing
    turn = gov24_router.handle(UserMessage("business-registration", "사업자등록 해야 하는데요", "rest", {}))
    answer = turn.answer
    assert answer is None or answer.abstained, [c.title for c in answer.citations]
