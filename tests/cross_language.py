"""Text for the cross-language tests of the English → Korean shift and map (tests/knowledge/test_language_shift.py,
test_language_map.py), written for these tests: not glossary entries, not a benchmark's questions. Import it by
name (``from cross_language import PAIRS``), never from ``conftest``."""

from __future__ import annotations

from assistant.knowledge.documents import Document, Section

#: English questions and their Korean twins
PAIRS = [
    ("Can I get help paying my child's kindergarten fees?", "유치원 다니는 아이 학비 지원 받을 수 있나요?"),
    ("My father is over 65 and lives alone. Is there a monthly pension?", "65세 넘은 아버지 혼자 사시는데 연금 나오나요?"),
    ("I lost my job last month. How do I claim unemployment benefit?", "지난달에 실직했는데 실업급여 어떻게 신청해요?"),
    ("We are expecting our first baby. Is there a birth grant?", "첫째 아이 출산 예정인데 출산지원금 있나요?"),
    ("Is there rent support for young people living alone?", "혼자 사는 청년 월세 지원 있어요?"),
]


def two_services() -> list[Document]:
    """Two Korean services (doc ids ``kg``: 유아학비 지원, ``rent``: 청년 월세 지원) for a small index."""
    return [
        Document("kg", "유아학비 지원", "교육부", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/kg", "ko", "", "t",
                 (Section("지원대상", "유치원에 다니는 만 3~5세 유아"), Section("지원내용", "유치원 학비를 매월 지원"))),
        Document("rent", "청년 월세 지원", "국토교통부", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/rent", "ko", "", "t",
                 (Section("지원대상", "부모와 따로 사는 19~34세 무주택 청년"), Section("지원내용", "월 최대 20만원 월세 지원"))),
    ]
