"""How to file a civil filing (민원: 이전등록, 혼인신고, 갱신 …) is answered only by a page about that filing (issue 2,
s52 probe on the catalogue).

"자동차 이전등록 방법 알려주세요" was answered with 조기폐차 지원, whose conditions write 이전 (a date: "2009.8.31. 이전")
and 등록 ("등록여부") apart; "혼인신고 어떻게 해요" asked the citizen's region among 결혼축하금 programmes, whose
conditions require a 혼인신고. The catalogue has no page on either filing: the documents lack it. "운전면허 갱신 방법"
keeps 운전면허 적성검사 간소화 (its title names 운전면허, its 지원내용 the 적성검사 갱신), and the 결혼축하금 programmes
asked for themselves still ask the region.

A filing written apart or asked as a wish is the same question (s53 probe): "장애인 등록 어떻게 해요" was answered with
장애인법률구조지원, whose page writes 등록 only as what qualifies the people it serves (등록장애인, "등록 장애인");
"장애인 주차 표지 발급 받고 싶어요" asked a region among 공영주차장 이용요금 감면 programmes; "혼인신고 하고 싶어요" is
"혼인신고 어떻게 해요" said as a wish. "반려견 등록 어떻게 해요" asked a region among 반려동물등록 대행수수료 지급 and
반려동물 전문인력 양성사업 (one naming the filing, as 반려동물등록: the catalogue's word for a 반려견): the one that names
it answers.

A filing a page sets as a condition is not how to file it (s54 probe on the bundled corpus, the README's first
command): "출생신고 어떻게 해요" was answered with 경기도산후조리비지원, whose 신청 방법 says "출생신고를 마친 뒤", and
"장애인 등록 어떻게 해요" with 장애아가족 양육 지원, for "등록된 장애 정도가 심한 장애아동". Those tests read the pages
from knowledge/ko.

The engine runs over a few picked real records (../shared/data/gov24_benefits, read at test time; skipped without it).
What each page says is checked from the catalogue's rows first, so that the test's premise is the data's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.dialogue.processor import MessageProcessor
from assistant.settings import Settings
from picked_catalogue import cited_ids, engine_over_picked, first_reply
from test_region_choices_fit import ASK, row_text, rows

PICK = {("조기폐차 지원", "한국환경공단"), ("운전면허 적성검사 간소화 서비스 제공", "경찰청"),
        ("고령운전자 교통안전교육 서비스 제공", "경찰청"), ("공영주차장 이용요금 감면", "울산시설공단"),
        ("결혼축하금 지원", "경상남도 사천시"), ("청년부부 결혼축하금 지원", "전남광주통합특별시 여수시"),
        ("논산시 청년결혼축하금 지원", "충청남도 논산시"), ("장애인법률구조지원", "보건복지부"),
        ("공영주차장 이용요금 감면(장애인)", "광진구시설관리공단"), ("공영주차장 이용요금 감면", "성남도시개발공사"),
        ("반려동물등록 대행수수료 지급", "경상남도 거제시"), ("반려동물 전문인력 양성사업", "서울특별시 동대문구")}


PAGES = Path(__file__).resolve().parents[2] / "knowledge" / "ko"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bundled_pages() -> dict[str, tuple[str, str, str]]:
    """doc_id → (title, overview: the text before the page's first ``## `` heading after the title, body), squashed."""
    out = {}
    for path in PAGES.glob("*.md"):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        sections = re.split(r"^## ", body, flags=re.M)
        overview = sections[1] if len(sections) > 1 else sections[0]
        out[str(meta["doc_id"])] = (_squash(str(meta["title"])), _squash(overview), _squash(body))
    return out


def ids(where: Any) -> set[str]:
    return {str(r["서비스ID"]) for r in rows() if where(r)}


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    return engine_over_picked(PICK, bundled_settings, embedder, tmp_path_factory.mktemp("filings") / "home")


def test_a_filing_the_page_writes_apart_is_not_answered_with_it(engine: MessageProcessor) -> None:
    scrappage = ids(lambda r: r["서비스명"] == "조기폐차 지원" and r["소관기관명"] == "한국환경공단")
    assert len(scrappage) == 1
    text = row_text(next(r for r in rows() if str(r["서비스ID"]) in scrappage))
    assert "이전" in text and "등록" in text and "이전등록" not in text
    reply = first_reply(engine, "자동차 이전등록 방법 알려주세요", "car-transfer")
    assert not reply.custom.get("citations"), reply.text


def test_a_filing_the_page_is_about_keeps_its_answer(engine: MessageProcessor) -> None:
    licence = ids(lambda r: "운전면허" in str(r["서비스명"]) and "적성검사" in str(r["서비스명"]))
    assert len(licence) == 1
    reply = first_reply(engine, "운전면허 갱신 방법", "licence-renewal")
    cited = [c["doc_id"] for c in reply.custom.get("citations") or []]
    assert cited and cited[0] in licence, reply.text


def test_a_filing_the_regions_programmes_require_is_not_asked_among_them(engine: MessageProcessor) -> None:
    wedding = ids(lambda r: "결혼축하금" in str(r["서비스명"]))
    picked = {t for t, _a in PICK if "결혼축하금" in t}
    assert len(wedding & ids(lambda r: "혼인신고" in row_text(r))) >= 2
    assert not any("신고" in t for t in picked)
    how = first_reply(engine, "혼인신고 어떻게 해요", "marriage-report")
    assert how.custom.get("response") != ASK and not how.custom.get("citations"), how.text
    grant = first_reply(engine, "결혼축하금 어떻게 받아요", "marriage-grant")
    assert grant.custom.get("response") == ASK, grant.text
    assert {c["doc_id"] for c in grant.custom["citations"]} <= wedding, grant.text


def test_a_filing_written_apart_is_not_answered_by_a_page_that_names_it_as_a_status(engine: MessageProcessor) -> None:
    aid = ids(lambda r: r["서비스명"] == "장애인법률구조지원")
    assert len(aid) == 1
    text = row_text(next(r for r in rows() if str(r["서비스ID"]) in aid))
    assert "등록장애인" in text and text.replace("등록장애인", "").count("등록") == 0
    how = first_reply(engine, "장애인 등록 어떻게 해요", "disability-registration")
    assert not how.custom.get("citations"), how.text
    itself = first_reply(engine, "장애인법률구조지원 신청 방법 알려주세요", "legal-aid")
    assert [c["doc_id"] for c in itself.custom.get("citations") or []][:1] == sorted(aid), itself.text


def test_a_filing_asked_as_a_wish_is_not_asked_among_programmes_that_never_name_it(engine: MessageProcessor) -> None:
    parking = ids(lambda r: "공영주차장" in str(r["서비스명"]))
    picked = [t for t, _a in PICK if "공영주차장" in t]
    assert len(picked) == 3 and not any("표지" in t or "발급" in t for t in picked)
    badge = first_reply(engine, "장애인 주차 표지 발급 받고 싶어요", "parking-badge")
    assert badge.custom.get("response") != ASK and not badge.custom.get("citations"), badge.text
    wedding = first_reply(engine, "혼인신고 하고 싶어요", "marriage-wish")
    assert wedding.custom.get("response") != ASK and not wedding.custom.get("citations"), wedding.text
    fee = first_reply(engine, "장애인 공영주차장 요금 감면 받고 싶어요", "parking-fee")
    cited = {c["doc_id"] for c in fee.custom.get("citations") or []}
    assert cited and cited <= parking, fee.text


def test_only_the_programmes_naming_the_filing_in_the_catalogues_words_are_its_choices(engine: MessageProcessor) -> None:
    naming = ids(lambda r: "반려동물등록" in str(r["서비스명"]).replace(" ", ""))
    others = ids(lambda r: r["서비스명"] == "반려동물 전문인력 양성사업")
    assert len(naming) == 1 and len(others) == 1
    for text in ("반려견 등록 어떻게 해요", "강아지 등록하고 싶어요"):
        reply = first_reply(engine, text, f"pet-{text}")
        assert reply.custom.get("response") != ASK, reply.text
        assert [c["doc_id"] for c in reply.custom.get("citations") or []][:1] == sorted(naming), reply.text


@pytest.mark.parametrize(("mention", "page", "filing", "asked", "itself"), [
    # 경기도산후조리비지원's 신청 방법: "출생신고를 마친 뒤" (a condition)
    (r"출생신고", "svc-641000000137", "출생신고", ("출생신고 어떻게 해요", "출생신고 하고 싶어요", "출생신고 해야 해요"),
     "경기도 산후조리비 어떻게 신청해요?"),
    # 장애아가족 양육 지원's 지원 대상: "등록된 장애 정도가 심한 장애아동" (a status)
    (r"등록(?:된|되|됐|돼)장애", "svc-SPE000000120", "장애인등록", ("장애인 등록 어떻게 해요", "장애인 등록하고 싶어요",
                                                                 "장애인 등록 해야 하나요?"),
     "장애아가족 양육 지원 신청 방법 알려주세요"),
])
def test_bundled_a_filing_a_page_requires_or_names_as_a_status_is_not_answered_with_it(
        processor: MessageProcessor, mention: str, page: str, filing: str, asked: tuple[str, ...], itself: str) -> None:
    pages = bundled_pages()
    assert page in {d for d, (_t, _o, body) in pages.items() if re.search(mention, body)}
    assert not any(filing in title + overview for title, overview, _b in pages.values())
    for text in asked:
        reply = first_reply(processor, text, f"filing-{text}")
        assert not cited_ids(reply), reply.text
    named = first_reply(processor, itself, f"itself-{itself}")
    assert cited_ids(named)[:1] == [page], named.text


def test_bundled_a_filing_one_has_to_do_that_no_page_is_about_is_said_to_be_missing(processor: MessageProcessor) -> None:
    """s55 probe: "이사 왔는데 전입신고 해야 해요" (a statement, read as the question it implies) got "알겠어요. 어떤 점을
    도와드릴까요?" as if it asked nothing; it names the filing it has to do, which no bundled page is about."""
    pages = bundled_pages()
    assert not any("전입신고" in title + overview for title, overview, _b in pages.values())
    reply = first_reply(processor, "이사 왔는데 전입신고 해야 해요", "move-in-report")
    assert not cited_ids(reply) and reply.custom.get("response") == "utter_no_answer", reply.text
