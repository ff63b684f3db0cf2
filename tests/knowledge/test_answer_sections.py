"""Which catalogue fields an answer quotes, on real records (fresh-user s10 #18 and #20).

Expected texts were read by hand off ../shared/data/gov24_benefits (gov24_serviceDetail_snapshot.json and
gov24_serviceList_snapshot.json); the records are imported into a small home of their own (a few documents, not the
whole catalogue).
"""

from __future__ import annotations

import datetime as dt

import pytest
from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

from assistant.knowledge.composer import AnswerComposer
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.retriever import HybridRetriever
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.settings import Settings

VOUCHER = "B55353000001"  # 에너지바우처: 신청기한 "2025.6.9(월) ~ 2025.12.31(수)"
BRIQUETTE = "145000000111"  # 연탄쿠폰: 신청기한 "2023.07.11~2023.08.25"
NURI = "000000465790"  # 유아학비 (누리과정) 지원: 신청기한 "상시신청"
SOLDIER = "129000000009"  # 장병 인권상담 지원: 서비스목적요약 copied from another service (병역명문가)
IDS = (VOUCHER, BRIQUETTE, NURI, SOLDIER)


@pytest.fixture(scope="module")
def answer(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    from assistant.knowledge.loaders import load_gov24

    docs = [d for d in load_gov24(GOV24_DIR) if d.doc_id in IDS]
    assert sorted(d.doc_id for d in docs) == sorted(IDS)
    settings = Settings(home=tmp_path_factory.mktemp("sections"))
    import_documents(settings, "gov24", docs, embedder, progress=False)
    index = load_index(settings.index_dir)
    tokenizer = KoreanTokenizer()
    retriever = HybridRetriever(index, embedder, tokenizer)
    composer = AnswerComposer(index, tokenizer, threshold=0.0)  # which fields are quoted, not whether to answer

    def ask(question: str, today: dt.date = dt.date(2026, 12, 1)):  # type: ignore[no-untyped-def]
        composer.today = lambda: today  # the clock the application period is read against (pinned)
        return composer.run(retriever.run(question, k=4))

    return ask


@pytest.mark.parametrize(
    ("question", "service", "period"),
    [
        ("에너지바우처 신청기간이 언제예요", VOUCHER, "2025.6.9(월) ~ 2025.12.31(수)"),
        ("에너지바우처 언제까지 신청해요?", VOUCHER, "2025.6.9(월) ~ 2025.12.31(수)"),
        ("에너지바우처 신청 마감 알려주세요", VOUCHER, "2025.6.9(월) ~ 2025.12.31(수)"),
        ("연탄쿠폰 신청 기간", BRIQUETTE, "2023.07.11~2023.08.25"),
        ("유치원 학비 지원 언제 신청하나요", NURI, "상시신청"),
    ],
)
def test_a_question_about_when_quotes_the_application_period(answer, question: str, service: str, period: str) -> None:  # type: ignore[no-untyped-def]
    out = answer(question)
    assert not out.abstained and out.citations[0].doc_id == service, out.text
    assert period in out.text
    sections = [c.section for c in out.citations if c.doc_id == service]
    assert "신청기한" in sections and "신청방법" in sections  # the period, then how to apply
    assert len(sections) == len(set(sections))  # no field quoted twice


def test_a_how_to_apply_question_without_when_keeps_its_sections(answer) -> None:  # type: ignore[no-untyped-def]
    out = answer("에너지바우처 신청은 어디서 해요?")
    assert out.citations[0].doc_id == VOUCHER and [c.section for c in out.citations] == ["신청방법"]


@pytest.mark.parametrize("question", ["장병 인권상담 지원 알려주세요", "장병 인권상담 지원이 뭐예요", "장병 인권상담 지원 안내"])
def test_the_overview_quotes_the_detail_purpose_not_the_list_summary(answer, question: str) -> None:  # type: ignore[no-untyped-def]
    out = answer(question)
    assert out.citations[0].doc_id == SOLDIER, out.text
    assert "국방부는 법률전문가인 군법무관을 인권상담관으로" in out.text  # serviceDetail 서비스목적
    assert "병역명문가" not in out.text  # serviceList 서비스목적요약 (another service's)
    assert "서비스목적" in [c.section for c in out.citations]



# F9: a quoted application period whose end is before today (Asia/Seoul) is said to be ended; the ends were read by
# hand off the records' 신청기한 (에너지바우처 "2025.6.9(월) ~ 2025.12.31(수)", 연탄쿠폰 "2023.07.11~2023.08.25").
@pytest.mark.parametrize(
    ("question", "today", "note"),
    [
        ("에너지바우처 신청기간이 언제예요", dt.date(2026, 12, 1), "신청 기간이 지났습니다 (2025.12.31까지)."),
        ("에너지바우처 신청기간이 언제예요", dt.date(2026, 1, 1), "신청 기간이 지났습니다 (2025.12.31까지)."),
        ("에너지바우처 신청기간이 언제예요", dt.date(2025, 12, 31), None),  # its last day: still open
        ("에너지바우처 신청기간이 언제예요", dt.date(2025, 7, 1), None),
        ("연탄쿠폰 신청 기간", dt.date(2026, 12, 1), "신청 기간이 지났습니다 (2023.8.25까지)."),
        ("연탄쿠폰 신청 기간", dt.date(2023, 8, 1), None),
        ("When is the application period for the energy voucher?", dt.date(2026, 12, 1),
         "The application period ended on 31 December 2025."),
        ("유치원 학비 지원 언제 신청하나요", dt.date(2026, 12, 1), None),  # 상시신청: never ends
    ],
)
def test_a_quoted_period_that_has_ended_is_said_to_have_ended(answer, question: str, today: dt.date,  # type: ignore[no-untyped-def]
                                                               note: str | None) -> None:
    out = answer(question, today)
    assert not out.abstained and "신청기한" in [c.section for c in out.citations], out.text
    if note is None:
        assert "지났습니다" not in out.text and "period ended" not in out.text, out.text
    else:
        assert note in out.text, out.text
        lines = out.text.splitlines()
        quoted = next(i for i, line in enumerate(lines) if line.startswith("[") and ("기한" in line or "period" in line))
        assert note in "\n".join(lines[quoted:quoted + 4])  # said with the quoted period, not elsewhere
