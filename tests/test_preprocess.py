"""Long-message condensing and language detection, table-driven across scripts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.nlu.language import detect_language
from assistant.nlu.preprocess import condense
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms, normalize_spaces


class TestCondense:
    def test_short_text_unchanged(self) -> None:
        assert condense("에너지바우처 신청", 100) == "에너지바우처 신청"

    def test_repeats_dropped_question_kept(self) -> None:
        text = "집주인이 보증금 문제로 또 편지를 보냈어요. " * 600 + "제가 주거급여를 받을 수 있나요?"
        assert condense(text, 512) == "집주인이 보증금 문제로 또 편지를 보냈어요. 제가 주거급여를 받을 수 있나요?"

    def test_keeps_last_sentences_within_limit(self) -> None:
        sents = [f"문장{i}입니다." for i in range(100)]
        out = condense(" ".join(sents), 60)
        assert len(out) <= 60 and out.endswith("문장99입니다.")

    @pytest.mark.parametrize("text", ["가" * 20000, "a" * 20000, "👍" * 5000])
    def test_one_long_run_is_cut_to_its_tail(self, text: str) -> None:
        assert condense(text, 512) == text[-512:]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("에너지바우처 신청", "ko"), ("How do I apply?", "en"), ("HPV 예방접종 무료인가요", "ko"), ("ㅋㅋㅋ", "ko"),
     ("👍", "ko"), ("12345", "ko"), ("I live in 서울, can I apply for this benefit program?", "en"), ("漢字", "ko"),
     # fresh-user s10 #1: words, not letters, decide (4 Hangul syllables outweighed 11 Latin letters)
     ("I'm 67 and live in 해운대구", "en"), ("My mother is 80 and lives in 대구 수성구", "en"),
     ("What about 해운대구 출산지원금?", "en"),  # as many words each: an English function word decides
     ("Hi 안녕하세요", "ko"),                     # a tie without one: the default
     ("KTX 할인 받을 수 있나요", "ko"), ("LH 청년 전세임대 신청 방법", "ko"), ("저는 Seoul에 살아요", "ko"),
     ("Seoul 강남구 살아요", "ko"), ("청년월세 how to apply?", "en"),
     # CI s10: a receipt's letters read as English words ("TK", "V", "P", "E" against 취소해 주세요)
     ("TK-20261201-7V6P51E1 취소해 주세요", "ko"), ("TK-20261201-ABCDEFGH 취소", "ko"), ("COVID-19 백신", "ko"),
     ("What is the status of TK-20261201-ABCD1234", "en"), ("I was born on the 3rd", "en"),
     ("Call me at 10am", "en")],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # the receipt alphabet of connectors/tasks/store.py, restated


@given(code=st.text(_CROCKFORD, min_size=8, max_size=8), lower=st.booleans(),
       korean=st.sampled_from(["취소해 주세요", "취소", "상태 알려줘", "어떻게 됐어요?"]),
       english=st.sampled_from(["cancel it please", "what is the status?", "has it been approved"]))
def test_a_receipt_number_never_decides_the_language(code: str, lower: bool, korean: str, english: str) -> None:
    receipt = f"TK-20261201-{code.lower() if lower else code}"
    assert detect_language(f"{receipt} {korean}") == "ko"
    assert detect_language(f"{korean} {receipt}", default="en") == "ko"
    assert detect_language(f"{receipt} {english}") == "en"
    assert detect_language(receipt, default="en") == "en" and detect_language(receipt) == "ko"


@pytest.mark.parametrize(("text", "default", "lang"), [
    ("OK", "en", "en"), ("OK", "ko", "ko"), ("KTX", "en", "en"),  # acronyms alone: no language of their own
    ("Hi 안녕하세요", "en", "en"), ("What about 해운대구 출산지원금?", "ko", "en"), ("12345", "en", "en"),
])
def test_detect_language_default_for_no_language(text: str, default: str, lang: str) -> None:
    assert detect_language(text, default=default) == lang  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["강남구에서 신청", "기초연금신청자격", "\u200b에너지\u00a0바우처\u3000신청", "漢字 한자", "👨‍👩‍👧 가족", "", " ", "ل" * 30, "a\u0000b", "𝕳𝖊𝖑𝖑𝖔"],
)
def test_token_offsets_map_back_to_original(text: str) -> None:
    tok = KoreanTokenizer()
    for t in tok.tokenize(text):
        assert 0 <= t.start < t.end <= len(text)
        surface = normalize_spaces(text)[t.start : t.end]
        assert surface.strip(), (text, t)


def test_run_together_korean_is_split() -> None:
    terms = lexical_terms(KoreanTokenizer().tokenize("기초연금신청자격"))
    assert {"기초", "연금", "신청", "자격"} <= set(terms)
