"""Regional programmes of different places asked without a region (issue 2, s10): "출산지원금 얼마 받을 수 있어요?".

The catalogue holds one kind of help under many names, one per local government (출산지원금, 출산장려금, 출산축하금 …).
The composer must not answer with one region's programme as if it were the citizen's: without a region it offers the
regions (the caller asks where the citizen lives), a national service that ranks first still answers (the regions'
versions listed after it, each naming its place), and with a region it answers that region's programme, or says
plainly that the region has none and gives the national one, or lists the other regions' versions as theirs.

The documents are real catalogue records (../shared/data/gov24_benefits, read at test time; skipped without it); the
ranking of each row is given by hand (this tests what the composer does with a ranking, not the ranking itself: the
real retrieval is checked in tests/dialogue/test_regional_kind_engine.py). Expected regions and services are read
off the catalogue's serviceList rows (서비스명, 소관기관명, 소관기관유형) independently of the composer's reading.
"""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.knowledge.chunking import chunk_document
from assistant.knowledge.composer import Answer, AnswerComposer
from assistant.knowledge.documents import Document
from assistant.knowledge.index import DocInfo
from assistant.knowledge.region_preference import RegionReader
from assistant.knowledge.retriever import DocHit, RetrievalResult
from assistant.knowledge.subject import TitleSubjects
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms
from shared_paths import GOV24_DIR

LOCAL_TYPES = {"시군구", "광역시도"}  # the catalogue's 소관기관유형 of a local government


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["data"])


def row(rows: list[dict[str, Any]], title: str, agency: str) -> dict[str, Any]:
    (found,) = [r for r in rows if " ".join(r["서비스명"].split()) == title and r["소관기관명"] == agency]
    return found


@pytest.fixture(scope="module")
def docs(rows: list[dict[str, Any]]) -> dict[tuple[str, str], Document]:
    from assistant.knowledge.loaders import load_gov24

    return {(" ".join(d.title.split()), d.agency): d for d in load_gov24(GOV24_DIR)}


@pytest.fixture(scope="module")
def tok() -> KoreanTokenizer:
    return KoreanTokenizer()


@pytest.fixture(scope="module")
def composer(docs: dict[tuple[str, str], Document], tok: KoreanTokenizer) -> AnswerComposer:
    """The composer over the catalogue's documents (their chunks as the index holds them; no vectors: the ranking
    is given by each test). Threshold 0: the answerability gate is not under test."""
    chunks = [c for d in docs.values() for c in chunk_document(d)]
    index = SimpleNamespace(chunks=chunks, docs={d.doc_id: _info(d) for d in docs.values()}, version="test")
    return AnswerComposer(index, tok, threshold=0.0)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def reader(docs: dict[tuple[str, str], Document]) -> RegionReader:
    return RegionReader(d.agency for d in docs.values())


def _info(d: Document) -> DocInfo:
    return DocInfo(d.doc_id, d.title, d.agency, d.url, d.language, d.updated_at, d.source, d.doc_id)


# the services the rows rank (title, agency), as the catalogue writes them
GANGSEO = ("출산지원금 지원", "부산광역시 강서구")
YONGIN = ("용인시 출산지원금 지원", "경기도 용인시")
YUSEONG = ("출산장려금 지원", "대전광역시 유성구")
SUYEONG = ("출산장려금 지원", "부산광역시 수영구")
EUNPYEONG = ("장애인가정 출산지원금 지원", "서울특별시 은평구")
SEOUL_LEAVE = ("1인 자영업자, 프리랜서 등 출산휴가급여(임산부, 배우자)", "서울특별시")  # titles with spaces collapsed
NATIONAL = ("건강보험 임신·출산 진료비 지원", "보건복지부")
DALSEONG = ("건강이음", "대구광역시 달성군")
HAEUNDAE = ("해운대구 임산부 건강관리 지원", "부산광역시 해운대구")


def result(question: str, ranked: list[tuple[str, str]], docs: dict[tuple[str, str], Document], tok: KoreanTokenizer,
           reader: RegionReader, region: str | None = None) -> RetrievalResult:
    """A retrieval result for ``question`` with ``ranked`` in that order (scores 1.0, 0.95, …): terms and the places
    read as the retriever reads them (the question's places, else the caller's region)."""
    tokens = tok.tokenize(question)
    places = reader.read(question, tokens) or (reader.read(region, None, guard=False) if region else ())
    hits = tuple(DocHit(_info(docs[key]), 1.0 - 0.05 * i, 0.8, 10.0, i + 1, i + 1, ()) for i, key in enumerate(ranked))
    terms = tuple(dict.fromkeys(lexical_terms(tokens)))
    return RetrievalResult(question, "ko", terms, terms, hits, 0.5, places=places)


def cited(answer: Answer) -> list[tuple[str, str]]:
    return [(c.title, c.agency) for c in answer.citations]


def local(rows: list[dict[str, Any]], key: tuple[str, str]) -> bool:
    """Whether the catalogue lists the service as a local government's (its 소관기관유형)."""
    return row(rows, key[0], key[1])["소관기관유형"] in LOCAL_TYPES


QUESTION = "출산지원금 얼마 받을 수 있어요?"


def test_the_rows_are_what_the_catalogue_says(rows: list[dict[str, Any]]) -> None:
    """The premise, from the catalogue rows: many local governments run a 출산 programme under different names,
    대구광역시 수성구 runs none, 부산광역시 수영구 runs one, and 보건복지부's is national."""
    birth_local = {r["소관기관명"] for r in rows if "출산" in r["서비스명"] and r["소관기관유형"] in LOCAL_TYPES}
    assert len(birth_local) >= 25  # 31 local governments in this sample
    assert {r["서비스명"].strip() for r in rows if "출산" in r["서비스명"] and r["소관기관유형"] in LOCAL_TYPES} >= {
        "출산지원금 지원", "출산장려금 지원", "출산축하금 지원"}
    assert "대구광역시 수성구" not in birth_local and "부산광역시 수영구" in birth_local
    for key in (GANGSEO, YONGIN, YUSEONG, SUYEONG, EUNPYEONG, SEOUL_LEAVE):
        assert local(rows, key), key
    assert row(rows, *NATIONAL)["소관기관유형"] == "중앙행정기관"


@pytest.mark.parametrize(("question", "title", "subject"), [
    (QUESTION, "출산장려금 지원", {"출산"}),
    (QUESTION, "(창원시) 출산축하금(시민1주년 축하금)", {"출산"}),
    ("장애인 출산지원금 있나요", "장애인가정 출산지원금 지원", {"장애인", "출산"}),
    ("청년 월세 지원 있나요?", "청년월세 지원사업", {"청년", "월세"}),
    ("저 대구 수성구 사는데 출산지원금 있어요?", "출산지원금 지원", {"출산"}),  # the place is no subject
    ("지원금 얼마예요?", "출산지원금 지원", set()),  # only generic words: nothing groups
    ("건강이음 신청 방법", "건강이음", {"건강이음"}),  # the title alone tokenises as 건강 + 잇: read as text
    ("건강이음 신청 방법", "해운대구 임산부 건강관리 지원", set()),  # 건강 is a part of the question's 건강이음 only
    ("유성구 출산장려금", "유성구 출산장려금 지원", {"출산", "장려금"}),  # the place and its fragment 성구 are no subject
])
def test_subject_is_the_questions_words_a_title_holds(question: str, title: str, subject: set[str], tok: KoreanTokenizer,
                                                      reader: RegionReader, docs: dict[tuple[str, str], Document]) -> None:
    r = result(question, [], docs, tok, reader)
    assert TitleSubjects().subject(r, title) == subject


def test_without_a_region_different_regions_programmes_offer_the_regions(composer: AnswerComposer, docs: Any,
                                                                         tok: KoreanTokenizer, reader: RegionReader) -> None:
    answer = composer.run(result(QUESTION, [GANGSEO, YONGIN, YUSEONG, NATIONAL], docs, tok, reader))
    # each offered region with its own programme cited (the caller asks where the citizen lives)
    assert [(label, (c.title, c.agency)) for label, c in answer.regions] == [
        ("부산광역시 강서구", GANGSEO), ("경기도 용인시", YONGIN), ("대전광역시 유성구", YUSEONG)]
    assert answer.programme == "출산"


def test_without_a_region_a_national_service_ranked_first_answers(composer: AnswerComposer, docs: Any,
                                                                  tok: KoreanTokenizer, reader: RegionReader) -> None:
    answer = composer.run(result(QUESTION, [NATIONAL, GANGSEO, YONGIN, YUSEONG], docs, tok, reader))
    assert answer.regions == () and cited(answer)[0] == NATIONAL
    assert answer.text.startswith("건강보험 임신·출산 진료비 지원 (보건복지부) 안내예요.")
    # the regions' versions after it, under a heading that says whose they are, each line naming its place
    head, _, listed = answer.text.partition("[지역에서 운영하는 서비스(대개 그 지역 주민만 받을 수 있어요)]")
    assert listed, answer.text
    for title, agency in (GANGSEO, YONGIN, YUSEONG):
        assert f"- {title} ({agency}): " in listed and (title, agency) in cited(answer)


def test_a_region_with_none_gets_the_national_one_said_plainly(composer: AnswerComposer, docs: Any,
                                                               tok: KoreanTokenizer, reader: RegionReader) -> None:
    q = "저 대구 수성구 사는데 출산지원금 있어요?"
    answer = composer.run(result(q, [GANGSEO, YONGIN, YUSEONG, NATIONAL], docs, tok, reader))
    assert answer.text.startswith("제가 가진 자료에는 대구광역시 수성구에서 운영하는 '출산' 관련 서비스가 없어요."), answer.text
    assert cited(answer)[0] == NATIONAL and not {GANGSEO, YONGIN, YUSEONG} & set(cited(answer))
    assert answer.regions == ()


def test_a_region_with_none_and_no_national_one_lists_the_others_as_theirs(composer: AnswerComposer, docs: Any,
                                                                           tok: KoreanTokenizer, reader: RegionReader) -> None:
    q = "저 대구 수성구 사는데 출산지원금 있어요?"
    answer = composer.run(result(q, [GANGSEO, YONGIN, YUSEONG], docs, tok, reader))
    first = answer.text.splitlines()[0]
    assert "대구광역시 수성구" in first and "다른 지역" in first and "안내예요" not in answer.text
    for title, agency in (GANGSEO, YONGIN, YUSEONG):
        assert f"- {title} ({agency}): " in answer.text
    assert cited(answer) == [GANGSEO, YONGIN, YUSEONG]


@pytest.mark.parametrize("where", [("부산 수영구 사는데 출산지원금 있어요?", None), (QUESTION, "부산광역시 수영구")])
def test_a_region_that_runs_one_gets_its_own_even_ranked_lower(where: tuple[str, str | None], composer: AnswerComposer,
                                                               docs: Any, tok: KoreanTokenizer, reader: RegionReader) -> None:
    q, region = where
    answer = composer.run(result(q, [GANGSEO, YONGIN, NATIONAL, SUYEONG], docs, tok, reader, region), region=region)
    assert cited(answer)[0] == SUYEONG and answer.text.startswith("출산장려금 지원 (부산광역시 수영구) 안내예요.")
    assert not {GANGSEO, YONGIN} & set(cited(answer)) and NATIONAL in cited(answer)


def test_a_province_alone_is_not_told_a_districts_programme_is_theirs(composer: AnswerComposer, docs: Any,
                                                                      tok: KoreanTokenizer, reader: RegionReader) -> None:
    # 서울 named: 은평구's programme is for 은평구's residents, so the national one answers; 은평구 is named as running
    # one and the citizen asked which 구 is theirs, never told 서울 has none (s45 probe: "부산 사는데 출산하면 뭐
    # 받아요?" was told 부산광역시 runs no '출산' service beside 강서구's); the city's own programme serves every 구
    answer = composer.run(result("서울 사는데 출산지원금 있어요?", [EUNPYEONG, GANGSEO, NATIONAL], docs, tok, reader))
    assert cited(answer)[0] == NATIONAL and EUNPYEONG not in cited(answer)
    assert answer.text.startswith("서울특별시에서는 은평구에서 그 지역 주민을 대상으로 '출산' 관련 서비스를 운영해요."), answer.text
    assert answer.listed_regions == ("서울특별시 은평구",)
    answer = composer.run(result("서울 사는데 출산지원금 있어요?", [EUNPYEONG, GANGSEO, SEOUL_LEAVE, NATIONAL], docs, tok, reader))
    assert cited(answer)[0] == SEOUL_LEAVE and EUNPYEONG not in cited(answer)


def test_one_places_programme_asked_by_name_is_answered(composer: AnswerComposer, docs: Any, tok: KoreanTokenizer,
                                                        reader: RegionReader) -> None:
    # another region's hit that shares no subject word with it groups nothing: no region question
    answer = composer.run(result("건강이음 신청 방법", [DALSEONG, HAEUNDAE], docs, tok, reader))
    assert answer.regions == () and cited(answer)[0] == DALSEONG


@pytest.mark.parametrize("ranked", [[NATIONAL, GANGSEO, YONGIN], [NATIONAL, GANGSEO]])
def test_the_conversations_region_with_none_is_said_before_the_national_one(ranked: list[tuple[str, str]],
                                                                           composer: AnswerComposer, docs: Any,
                                                                           tok: KoreanTokenizer, reader: RegionReader) -> None:
    # the region from the conversation (slot or the reply to the region question); 수성구 named in full even where
    # the index's agencies would read only 대구광역시
    region = "대구광역시 수성구"
    answer = composer.run(result(QUESTION, ranked, docs, tok, reader, region), region=region)
    assert answer.text.startswith("제가 가진 자료에는 대구광역시 수성구에서 운영하는 '출산' 관련 서비스가 없어요."), answer.text
    assert cited(answer)[0] == NATIONAL and not {GANGSEO, YONGIN} & set(cited(answer))


def english(question: str, ranked: list[tuple[str, str]], docs: Any, reader: RegionReader,
            region: str | None = None) -> RetrievalResult:
    """An English question's result: its words and their glossary translation as the retriever gives them."""
    hits = tuple(DocHit(_info(docs[key]), 1.0 - 0.05 * i, 0.8, 10.0, i + 1, i + 1, ()) for i, key in enumerate(ranked))
    places = reader.read(region, None, guard=False) if region else ()
    return RetrievalResult(question, "en", ("childbirth", "grant"), ("childbirth", "grant"), hits, 0.5,
                           translations=(("childbirth", ("출산",)),), places=places)


def test_english_offers_the_regions_and_says_a_region_has_none_in_english(composer: AnswerComposer, docs: Any,
                                                                         reader: RegionReader) -> None:
    q = "How much is the childbirth grant?"
    asked = composer.run(english(q, [GANGSEO, YONGIN, YUSEONG], docs, reader))
    assert [label for label, _c in asked.regions] == ["부산광역시 강서구", "경기도 용인시", "대전광역시 유성구"]
    region = "대구광역시 수성구"
    answer = composer.run(english(q, [GANGSEO, YONGIN, NATIONAL], docs, reader, region), region=region)
    assert answer.language == "en" and cited(answer)[0] == NATIONAL
    assert answer.text.startswith("I found no '출산' service run by Suseong-gu, Daegu in my documents."), answer.text


# --- the region's own or the national versions ranked below the hits (the real catalogue, s13) ----------------------
# "출산지원금 얼마 받을 수 있어요?" on the whole catalogue: the first hits are all other regions' 출산 programmes; for
# 대구광역시 수성구 건강보험 임신·출산 진료비 지원 ranks 44th, and 부산광역시 수영구's own 출산장려금 지원 is not among the
# first five for a 수영구 citizen. The composer then asks the region's and the national documents (wider_search).
TEEN = ("청소년산모 임신·출산 의료비 지원", "보건복지부")
VOUCHER = ("에너지바우처", "기후에너지환경부")


class WiderSearch:
    """The region's-and-national retrieval the caller hands the composer (``wider_search``), giving ``ranked``'s hits;
    counts its calls."""

    def __init__(self, ranked: list[tuple[str, str]], docs: Any, tok: KoreanTokenizer, reader: RegionReader) -> None:
        self.calls = 0
        self.hits = result(QUESTION, ranked, docs, tok, reader).hits

    def __call__(self) -> tuple[DocHit, ...]:
        self.calls += 1
        return self.hits


def test_the_wider_ones_are_what_the_catalogue_says(rows: list[dict[str, Any]]) -> None:
    for key in (NATIONAL, TEEN, VOUCHER):
        assert row(rows, *key)["소관기관유형"] == "중앙행정기관", key
    assert row(rows, *SUYEONG)["소관기관명"] == "부산광역시 수영구" and "출산" in row(rows, *SUYEONG)["서비스명"]


@pytest.mark.parametrize(("question", "region"), [(QUESTION, "대구광역시 수성구"), ("저 대구 수성구 사는데 출산지원금 있어요?", None)])
def test_a_region_with_none_gets_the_national_one_ranked_below_the_hits(question: str, region: str | None,
                                                                        composer: AnswerComposer, docs: Any,
                                                                        tok: KoreanTokenizer, reader: RegionReader) -> None:
    # asked then "대구 수성구요" (the conversation's region), or the question naming the place itself: the same answer
    hits = result(question, [GANGSEO, YONGIN, YUSEONG], docs, tok, reader, region)
    search = WiderSearch([NATIONAL, VOUCHER, TEEN], docs, tok, reader)
    answer = composer.run(hits, region=region, wider_search=search)
    assert search.calls == 1
    assert answer.text.startswith("제가 가진 자료에는 대구광역시 수성구에서 운영하는 '출산' 관련 서비스가 없어요. "
                                  "전국 어디에 살든 받을 수 있는 서비스를 안내해 드릴게요:\n"
                                  "건강보험 임신·출산 진료비 지원 (보건복지부) 안내예요."), answer.text
    # the national versions of the kind (출산 in the title) only: not another kind of national help, no other region's
    assert cited(answer)[0] == NATIONAL and TEEN in cited(answer)
    assert not {GANGSEO, YONGIN, YUSEONG, VOUCHER} & set(cited(answer)) and answer.regions == ()


@pytest.mark.parametrize(("question", "region"), [(QUESTION, "부산광역시 수영구"), ("부산 수영구 사는데 출산지원금 있어요?", None)])
def test_a_region_that_runs_one_ranked_below_the_hits_gets_its_own(question: str, region: str | None,
                                                                   composer: AnswerComposer, docs: Any,
                                                                   tok: KoreanTokenizer, reader: RegionReader) -> None:
    # never "수영구 runs none" while the catalogue holds its 출산장려금 지원: the wider search finds it
    search = WiderSearch([NATIONAL, SUYEONG], docs, tok, reader)
    answer = composer.run(result(question, [GANGSEO, YONGIN, YUSEONG], docs, tok, reader, region), region=region,
                          wider_search=search)
    assert search.calls == 1 and cited(answer)[0] == SUYEONG, answer.text
    assert answer.text.startswith("출산장려금 지원 (부산광역시 수영구) 안내예요.") and NATIONAL in cited(answer)
    assert not {GANGSEO, YONGIN, YUSEONG} & set(cited(answer))


def test_no_wider_one_of_the_kind_still_lists_the_others_as_theirs(composer: AnswerComposer, docs: Any,
                                                                  tok: KoreanTokenizer, reader: RegionReader) -> None:
    q = "저 대구 수성구 사는데 출산지원금 있어요?"
    search = WiderSearch([VOUCHER], docs, tok, reader)
    answer = composer.run(result(q, [GANGSEO, YONGIN, YUSEONG], docs, tok, reader), wider_search=search)
    assert search.calls == 1 and cited(answer) == [GANGSEO, YONGIN, YUSEONG]
    assert "다른 지역" in answer.text.splitlines()[0]


@pytest.mark.parametrize(("question", "ranked", "region"), [
    ("부산 수영구 사는데 출산지원금 있어요?", [GANGSEO, YONGIN, SUYEONG], None),  # the region's own among the hits
    (QUESTION, [GANGSEO, YONGIN, YUSEONG], None),  # no region: the regions are offered
    (QUESTION, [NATIONAL], "대구광역시 수성구"),  # no other region's version: nothing to claim
])
def test_the_wider_search_is_not_asked_when_the_hits_answer(question: str, ranked: list[tuple[str, str]],
                                                             region: str | None, composer: AnswerComposer, docs: Any,
                                                             tok: KoreanTokenizer, reader: RegionReader) -> None:
    search = WiderSearch([TEEN], docs, tok, reader)
    answer = composer.run(result(question, ranked, docs, tok, reader, region), region=region, wider_search=search)
    assert search.calls == 0 and TEEN not in cited(answer) and not answer.abstained


# --- a kind of help no title names alike, asked without a region (s15 item 1) ---------------------------------------
# "애 키우는데 지원금 있나요?" on the catalogue ranks 경상북도 성주군's 출산양육지원금 지원, then 부산광역시 영도구's and
# 강서구's 출산지원금: the question's 키우 → 양육 is in the first title only, so no subject groups them, and the first
# region's programme was the answer, as if it were the citizen's.
SEONGJU = ("출산양육지원금 지원", "경상북도 성주군")
YEONGDO = ("출산지원금 및 출산축하용품 지원", "부산광역시 영도구")
ARTIST = ("예술인ㆍ노무제공자 출산전후급여등", "고용노동부")
DISABLED_CHILD = ("장애아가족 양육 지원", "보건복지부")


def test_the_kind_rows_are_what_the_catalogue_says(rows: list[dict[str, Any]]) -> None:
    for key in (SEONGJU, YEONGDO, GANGSEO):
        assert local(rows, key), key
    for key in (ARTIST, NATIONAL, TEEN, DISABLED_CHILD):
        assert row(rows, *key)["소관기관유형"] == "중앙행정기관", key


def colloquial(question: str, ranked: list[tuple[str, str]], docs: Any, tok: KoreanTokenizer, reader: RegionReader,
               expansions: tuple[tuple[str, tuple[str, ...]], ...] = (("키우", ("양육", "육아")),)) -> RetrievalResult:
    """A Korean question's result with its colloquial expansions as the retriever gives them (키우 → 양육, 육아)."""
    return replace(result(question, ranked, docs, tok, reader), expansions=expansions)


@pytest.mark.parametrize("question", ["애 키우는데 지원금 있나요?", "아이 키우면 돈 나와요?", "애 키우는 집 지원금 뭐 있어요?"])
def test_different_regions_kinds_not_named_alike_offer_the_regions(question: str, composer: AnswerComposer, docs: Any,
                                                                    tok: KoreanTokenizer, reader: RegionReader) -> None:
    answer = composer.run(colloquial(question, [SEONGJU, YEONGDO, GANGSEO], docs, tok, reader))
    # never one region's programme as the answer: the regions are offered (the caller asks where the citizen lives)
    assert [(label, (c.title, c.agency)) for label, c in answer.regions] == [
        ("경상북도 성주군", SEONGJU), ("부산광역시 영도구", YEONGDO), ("부산광역시 강서구", GANGSEO)]
    assert answer.programme == "양육"  # the question's word in the first title, not 성주군's own name


def test_english_kind_not_named_alike_offers_the_regions(composer: AnswerComposer, docs: Any, reader: RegionReader) -> None:
    hits = english("Is there any money for raising kids?", [SEONGJU, YEONGDO, GANGSEO], docs, reader).hits
    r = RetrievalResult("Is there any money for raising kids?", "en", ("raising", "kids", "money"),
                        ("raising", "kids", "money"), hits, 0.5, translations=(("raising", ("양육", "육아")),))
    answer = composer.run(r)
    assert [label for label, _c in answer.regions] == ["경상북도 성주군", "부산광역시 영도구", "부산광역시 강서구"]


def test_a_national_one_among_them_leads_and_the_regions_are_listed_as_theirs(composer: AnswerComposer, docs: Any,
                                                                            tok: KoreanTokenizer,
                                                                            reader: RegionReader) -> None:
    answer = composer.run(colloquial("애 키우는데 지원금 있나요?", [SEONGJU, YEONGDO, NATIONAL, GANGSEO], docs, tok, reader))
    assert answer.regions == () and cited(answer)[0] == NATIONAL
    _, _, listed = answer.text.partition("[지역에서 운영하는 서비스(대개 그 지역 주민만 받을 수 있어요)]")
    for title, agency in (SEONGJU, YEONGDO, GANGSEO):
        assert f"- {title} ({agency}): " in listed


def test_one_regions_programme_alone_is_still_answered(composer: AnswerComposer, docs: Any,
                                                       tok: KoreanTokenizer, reader: RegionReader) -> None:
    # (a programme asked by name is answered: test_one_places_programme_asked_by_name_is_answered); the other regions' programmes are weak (below 70% of the first one's score): nothing spreads
    weak = colloquial("애 키우는데 지원금 있나요?", [SEONGJU, YEONGDO], docs, tok, reader)
    weak = replace(weak, hits=(weak.hits[0], replace(weak.hits[1], score=0.5)))
    assert composer.run(weak).regions == () and cited(composer.run(weak))[0] == SEONGJU


# --- a narrow group's service does not lead for a question that does not name the group (s15 item 2) -------------
# "출산지원금 얼마 받을 수 있어요?" for 대구광역시 수성구 (no 출산 programme of its own): the national search ranks
# 고용노동부's 예술인ㆍ노무제공자 출산전후급여등 (insured artists and platform workers only) first.

@pytest.mark.parametrize(("title", "question", "group"), [
    ("예술인ㆍ노무제공자 출산전후급여등", "출산지원금 얼마 받을 수 있어요?", "예술인"),
    ("예술인ㆍ노무제공자 출산전후급여등", "저 프리랜서 예술인인데 출산하면 지원금 있어요?", None),  # the group is named
    ("장애아가족 양육 지원", "애 키우는데 지원금 있나요?", "장애"),
    ("장애아가족 양육 지원", "장애 있는 아이 키우는데 지원 있나요?", None),
    ("청소년산모 임신·출산 의료비 지원", "출산지원금 얼마 받을 수 있어요?", "청소년산모"),
    ("청소년산모 임신·출산 의료비 지원", "17살인데 임신했어요 청소년 지원 있나요?", None),
    ("국가보훈대상자 자녀 등 양육지원", "Is there any money for raising kids?", "보훈"),
    ("건강보험 임신·출산 진료비 지원", "출산지원금 얼마 받을 수 있어요?", None),  # open to every insured pregnancy
    ("출산양육지원금 지원", "애 키우는데 지원금 있나요?", None),
])
def test_narrow_group_is_a_group_the_title_names_and_the_question_does_not(title: str, question: str,
                                                                          group: str | None) -> None:
    from assistant.knowledge.target_groups import narrow_group

    assert narrow_group(title, question.replace(" ", "")) == group


@pytest.mark.parametrize("region", ["대구광역시 수성구", None])
def test_a_narrow_groups_national_service_does_not_lead(region: str | None, composer: AnswerComposer, docs: Any,
                                                        tok: KoreanTokenizer, reader: RegionReader) -> None:
    q = QUESTION if region else "저 대구 수성구 사는데 출산지원금 있어요?"
    wider = WiderSearch([ARTIST, NATIONAL, TEEN], docs, tok, reader)
    answer = composer.run(result(q, [GANGSEO, YONGIN, YUSEONG], docs, tok, reader, region), region=region,
                          wider_search=wider)
    assert answer.text.startswith("제가 가진 자료에는 대구광역시 수성구에서 운영하는 '출산' 관련 서비스가 없어요."), answer.text
    # the service open to every insured pregnancy leads; the narrow ones follow, in the ranking's order
    assert [c for c in cited(answer) if c in (ARTIST, NATIONAL, TEEN)][0] == NATIONAL
    assert cited(answer).index(ARTIST) < cited(answer).index(TEEN)


def test_a_narrow_groups_service_leads_when_the_question_names_the_group(composer: AnswerComposer, docs: Any,
                                                                         tok: KoreanTokenizer, reader: RegionReader) -> None:
    q = "저 대구 수성구 사는 예술인인데 출산지원금 있어요?"
    wider = WiderSearch([ARTIST, NATIONAL, TEEN], docs, tok, reader)
    answer = composer.run(result(q, [GANGSEO, YONGIN, YUSEONG], docs, tok, reader), wider_search=wider)
    assert cited(answer)[0] == ARTIST, answer.text


@pytest.mark.parametrize(("subject", "title", "label"), [
    # s48 probe: "What benefits are there for single parents?" was asked about "'부모 가족' services" (Kiwi reads
    # 한부모가족 as 한 + 부모 + 가족)
    ({"부모", "가족"}, "저소득 한부모가족 자립 지원", "한부모가족"),
    ({"전세", "자금", "대출", "이자"}, "전입세대 전세자금 대출이자 지원", "전세자금 대출이자"),
    ({"출산"}, "출산축하금 지원", "출산"),  # the kind, not one region's name for it
    ({"양육"}, "출산양육지원금 지원", "양육"),  # two syllables before it: no prefix taken
    ({"소득"}, "저소득층 기저귀 지원", "저소득"),
    ({"주차장", "장애인"}, "공영주차장 이용요금 감면(장애인)", "주차장 이용요금 감면(장애인)"),  # its bracket closed
    ({"예방접종", "무료"}, "인플루엔자 예방접종 지원(무료)", "예방접종 지원(무료)"),
    (set(), "출산축하금 지원", ""),
])
def test_the_kind_is_named_as_the_title_writes_it(subject: set[str], title: str, label: str) -> None:
    from assistant.knowledge.subject import TitleSubjects

    assert TitleSubjects.label(frozenset(subject), title) == label
