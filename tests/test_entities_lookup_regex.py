"""Lookup tables, synonyms and regexes: morpheme-aligned matching with offsets into the original text."""

from __future__ import annotations

import pytest

from entity_examples import TOK

from assistant.errors import InvalidConfigError
from assistant.nlu.entities import LookupEntityExtractor, RegexEntityExtractor

LOOKUPS = {
    "district": ["강남구", "해운대구"],
    "city": ["부산", "서울시", "New York"],
    "document": ["주민등록 등본", "가족관계증명서"],
}
SYNONYMS = {"서울": "서울시", "NYC": "New York", "등본": "주민등록 등본"}


def _lookup(text: str) -> list[tuple[str, str, object]]:
    ext = LookupEntityExtractor(LOOKUPS, SYNONYMS)
    spans = ext.extract(text, TOK.tokenize(text))
    for s in spans:
        assert text[s.start : s.end] == s.text
    return sorted((s.entity, s.text, s.value) for s in spans)


class TestLookup:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("강남구에서 신청", [("district", "강남구", "강남구")]),  # particle attached
            ("서울시강남구에서주민등록등본발급", [("city", "서울시", "서울시"), ("district", "강남구", "강남구"), ("document", "주민등록등본", "주민등록 등본")]),
            ("부산으로 이사", [("city", "부산", "부산")]),
            ("가족관계증명서가 필요해요", [("document", "가족관계증명서", "가족관계증명서")]),
            ("서울에서 왔어요", [("city", "서울", "서울시")]),  # synonym → canonical
            ("등본이 필요해요", [("document", "등본", "주민등록 등본")]),
            ("해운대구 구청 가는 길", [("district", "해운대구", "해운대구")]),
            ("해운대구청", []),  # Kiwi reads 해운대 + 구청: the entry would cut 구청, so no match (known limit)
            ("I moved to new  york from nyc.", [("city", "new  york", "New York"), ("city", "nyc", "New York")]),
            ("ＮＹＣ is big", [("city", "ＮＹＣ", "New York")]),  # full-width Latin
            ("newyorker", []),  # English: word boundaries
            ("NYCs", []),
            ("강남에서", []),  # 강남 is not 강남구
            ("부산\u00a0강남구", [("city", "부산", "부산"), ("district", "강남구", "강남구")]),
            ("", []),
        ],
    )
    def test_matches(self, text: str, expected: list[tuple[str, str, object]]) -> None:
        assert _lookup(text) == sorted(expected)

    def test_entry_does_not_cut_a_morpheme(self) -> None:
        ext = LookupEntityExtractor({"district": ["강남"]})
        text = "강남구에서"
        tokens = TOK.tokenize(text)
        assert any(t.text == "강남구" for t in tokens)  # precondition: Kiwi keeps 강남구 whole
        assert ext.extract(text, tokens) == []

    def test_spaced_korean_entry_matches_unspaced_text_and_back(self) -> None:
        ext = LookupEntityExtractor({"document": ["주민등록등본"]})
        text = "주민등록 등본 주세요"
        spans = ext.extract(text, TOK.tokenize(text))
        assert [(s.start, s.end, s.value) for s in spans] == [(0, 7, "주민등록등본")]

    def test_no_tokens_no_matches(self) -> None:
        assert LookupEntityExtractor(LOOKUPS).extract("부산", []) == []


class TestRegex:
    def test_entity_regex_with_particle(self) -> None:
        ext = RegexEntityExtractor({"account": [r"\d{3}-\d{2}-\d{4}"]})
        text = "계좌 123-45-6789로 보내주세요"
        spans = ext.extract(text, TOK.tokenize(text))
        assert [(s.entity, s.text, s.start) for s in spans] == [("account", "123-45-6789", text.index("123"))]

    def test_word_boundaries_in_latin(self) -> None:
        ext = RegexEntityExtractor({"num": [r"\d+"]})
        assert ext.extract("abc123def", TOK.tokenize("abc123def")) == []
        assert [s.text for s in ext.extract("3개", TOK.tokenize("3개"))] == ["3"]

    def test_case_insensitive_and_full_width(self) -> None:
        ext = RegexEntityExtractor({"code": [r"ab\d\d"]})
        text = "코드 ＡＢ１２ 입니다"
        assert [s.text for s in ext.extract(text, TOK.tokenize(text))] == ["ＡＢ１２"]

    def test_feature_only_regexes_do_not_extract(self) -> None:
        ext = RegexEntityExtractor({"zip": [r"\d{5}"], "account": [r"\d{6}"]}, entity_names=["account"])
        text = "12345 그리고 123456"
        assert [s.entity for s in ext.extract(text, TOK.tokenize(text))] == ["account"]
        assert {n for n, _, _ in ext.matches(text, TOK.tokenize(text))} == {"zip", "account"}

    @pytest.mark.parametrize("pattern", ["(unclosed", "a*"])
    def test_bad_pattern_is_a_config_error_naming_the_source(self, pattern: str) -> None:
        with pytest.raises(InvalidConfigError, match=r"nlu\.yml:7"):
            RegexEntityExtractor({"x": [pattern]}, sources={"x": "nlu.yml:7"})

    def test_catastrophic_pattern_times_out(self) -> None:
        ext = RegexEntityExtractor({"bad": [r"(x+x+)+y"]}, timeout_s=0.01)
        text = "x" * 5000
        assert ext.extract(text, []) == []
