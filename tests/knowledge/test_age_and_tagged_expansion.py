"""The query-side readings behind s10 issue 2: a stated age as the catalogue's age group, a colloquial key bound to a
part of speech, place words left to the region preference, and synonyms weighed like the word they stand for.

Expected values are read by hand: 청년 is 19–34 (청년기본법 제3조), 노인/어르신 65 and over (노인복지법, 기초연금법 제3조).
"""

from __future__ import annotations

import pytest

from assistant.knowledge.glossary import ColloquialGlossary, default_colloquial, stated_age_terms
from assistant.knowledge.region_preference import RegionReader
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms


@pytest.mark.parametrize(("text", "expected"), [
    ("저 서울 관악구 사는 26살인데 월세 지원", [("26살", ("청년",))]),
    ("우리 아버지가 일을 하고 싶어하세요 (70세)", [("70세", ("노인", "어르신"))]),
    ("65세 이상 일할 수 있는 곳", [("65세", ("노인", "어르신"))]),
    ("만 19세 청년", [("19세", ("청년",))]), ("34살", [("34살", ("청년",))]), ("20대 취업", [("20대", ("청년",))]),
    ("80대 어머니", [("80대", ("노인", "어르신"))]),
    # outside both groups, a bound rather than an age, a decade that straddles a group, a number inside another
    ("35살 직장인", []), ("64세", []), ("4살 아이", []), ("19세 미만 아동", []), ("65세 이하", []), ("30대", []),
    ("60대", []), ("1265세", []), ("2.65세", []),
])
def test_a_stated_age_gives_its_age_group(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert stated_age_terms(text) == expected


def test_an_age_group_is_given_once() -> None:
    assert stated_age_terms("엄마 80세 아빠 82세") == [("80세", ("노인", "어르신"))]


def test_a_tagged_key_matches_only_that_part_of_speech() -> None:
    tok = KoreanTokenizer()
    glossary = default_colloquial()

    def expanded(text: str) -> dict[str, tuple[str, ...]]:
        tokens = tok.tokenize(text)
        return dict(glossary.expand(lexical_terms(tokens), [(t.text, t.tag) for t in tokens]))

    assert expanded("일하고 싶어요").get("일") == ("일자리", "취업")  # 일 "work" (NNG)
    assert expanded("우리 아버지가 일을 하고 싶어하세요").get("일") == ("일자리", "취업")
    assert "일" not in expanded("3월 2일에 이사했어요")  # the 일 of a date (NNB)
    assert ColloquialGlossary({"일/NNG": ["일자리"]}).expand(["일"]) == []  # no tags given: no tagged match


def test_living_alone_words_search_for_the_catalogues_words() -> None:
    g = default_colloquial()
    for word in ("혼자", "홀로", "홀몸"):
        assert "독거" in g.terms[word]
    assert "노인" in g.terms["어르신"] and "어르신" in g.terms["노인"]


def test_place_spans_are_what_read_reads_as_places() -> None:
    reader = RegionReader(["서울특별시 관악구", "충청북도 옥천군", "경상북도 고령군"])
    tok = KoreanTokenizer()
    text = "저 서울 관악구 사는 26살인데 월세 지원"
    assert [text[a:b] for a, b in reader.spans(text, tok.tokenize(text))] == ["서울", "관악구"]
    text = "고령 어르신 일자리"  # 고령 "elderly", not 고령군 (read() reads no place here either)
    assert reader.spans(text, tok.tokenize(text)) == [] and reader.read(text, tok.tokenize(text)) == ()


def test_lexical_terms_without_bigrams() -> None:
    tokens = KoreanTokenizer().tokenize("어르신 일자리")
    assert lexical_terms(tokens) == ["어르신", "어르", "르신", "일자리", "일자", "자리"]
    assert lexical_terms(tokens, bigrams=False) == ["어르신", "일자리"]


def test_the_answerability_overlap_counts_the_words_of_an_age_covered_by_its_group() -> None:
    """The gate's overlap (covered terms / the question's terms) reads the age's own words, never a share above 1."""
    from assistant.knowledge.composer import covered_terms
    from assistant.knowledge.retriever import RetrievalResult

    terms = ("26", "살", "월세", "지원")
    result = RetrievalResult("26살 월세 지원", "ko", terms, terms, (), 0.5,
                             expansions=(("26", ("청년",)), ("살", ("청년",))))
    assert covered_terms(result, frozenset({"청년", "월세", "지원"})) == {"26", "살", "월세", "지원"}
    assert covered_terms(result, frozenset({"월세"})) == {"월세"}
