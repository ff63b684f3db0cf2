"""Numbers read aloud digit by digit (phone channel transcripts) are personal data like written ones (s8 fresh #6a).

Table tests both ways: spoken phone, resident registration and card numbers in Korean and English are masked over
their words; ordinary words made of the same syllables (일이 많아요, 이사, 오늘, 사이) and short or invalid digit runs
are not.
"""

from __future__ import annotations

import pytest

from assistant.nlu.entities.pii import PiiExtractor
from assistant.nlu.pii import find_pii, mask_pii
from assistant.nlu.spoken_digits import MIN_DIGITS, digit_view, spoken_runs
from assistant.stores.masking import mask_events

MASKED = [
    ("제 전화번호는 공일공 일이삼사 오육칠팔이고 주민번호는 팔오공일공일 다시 일이삼사오육칠이에요",
     "제 전화번호는 <phone>이고 주민번호는 <rrn>이에요"),
    ("공일공 일이삼사 오육칠팔", "<phone>"),
    ("공일공에 구팔칠육에 오사삼이로 연락 주세요", "<phone>로 연락 주세요"),
    ("영일영-구팔칠육-오사삼이", "<phone>"),
    ("번호는공일공구팔칠육오사삼이예요", "번호는<phone>예요"),  # 삼이 + 예요: 이 is the digit
    ("주민번호 팔팔공오일사 일삼오칠구일삼", "주민번호 <rrn>"),
    ("카드번호 사오삼구 일사팔팔 공삼사삼 육사육칠 이에요", "카드번호 <card> 이에요"),
    ("my number is oh one oh, one two three four, five six seven eight.", "my number is <phone>."),
    ("Zero one zero dash nine eight seven six dash five four three two please", "<phone> please"),
    ("call oh two double five five one two three four", "call <phone>"),
]
KEPT = [
    "일이 많아요",
    "이사 가요",
    "오늘 사이에 와요",
    "일이삼사 번 버스를 타요",  # four digits: a bus, not a phone
    "제 나이는 육십칠 세예요",  # positional numerals, not digits
    "공공 마이데이터로 이사 일정을 오늘 알려 주세요",
    "일이삼사오육칠",  # seven digits that are no phone number of any plan
    "I have one or two questions",
    "one two three four five six",
    "Two for one, oh, and nine more",
    "사이사이 일일이 오가며 구경했어요",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_spoken_personal_numbers_are_masked(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_words_and_short_runs_are_not_masked(text: str) -> None:
    assert mask_pii(text) == text


def test_the_span_covers_the_spoken_words() -> None:
    text = "제 번호는 공일공 일이삼사 오육칠팔이고요"
    assert [(s.kind, text[s.start : s.end]) for s in find_pii(text)] == [("phone", "공일공 일이삼사 오육칠팔")]


def test_the_reader_gives_the_digits_and_maps_back() -> None:
    text = "oh one oh, one two three four, five six seven eight"
    (run,) = spoken_runs(text)
    assert run.digits == "01012345678" and (run.start, run.end) == (0, len(text))
    view = digit_view("주민번호는 팔오공일공일 다시 일이삼사오육칠이에요")
    assert view.text == "주민번호는 850101-1234567이에요"
    assert view.original_span(6, 20) == (6, 23)
    assert spoken_runs("일이삼사오육") == [] and MIN_DIGITS == 7


def test_the_copula_after_a_final_consonant_is_not_a_digit() -> None:
    # 팔 ends in a consonant: 이고 is "is and"; 사 ends in a vowel, so 이 after it is the digit 2
    assert [r.digits for r in spoken_runs("공일공 일이삼사 오육칠팔이고")] == ["01012345678"]
    assert [r.digits for r in spoken_runs("공일공 일이삼사 오육칠사이고")] == ["010123456742"]


def test_the_phone_entity_reads_spoken_numbers() -> None:
    text = "연락처는 공일공 구팔칠육 오사삼이예요"
    spans = PiiExtractor().extract(text, [])
    assert [(s.entity, s.value, s.text) for s in spans] == [("phone-number", "01098765432", "공일공 구팔칠육 오사삼이")]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_the_tracker_store_keeps_no_spoken_number() -> None:
    text = "제 전화번호는 공일공 일이삼사 오육칠팔이에요"
    start = text.index("공")
    end = start + len("공일공 일이삼사 오육칠팔")
    (user,) = mask_events([{"event": "user", "text": text, "parse_data": {"text": text, "entities": [
        {"entity": "phone-number", "value": "01012345678", "text": text[start:end], "start": start, "end": end}]}}])
    assert user["text"] == "제 전화번호는 <phone>이에요"
    entity = user["parse_data"]["entities"][0]
    assert entity["value"] == entity["text"] == "<phone>" == user["text"][entity["start"] : entity["end"]]


def test_a_spoken_number_echoed_as_digits_in_the_same_write_is_masked() -> None:
    text = "연락처는 공일공 구팔칠육 오사삼이예요"
    masked = mask_events([{"event": "user", "text": text, "parse_data": {"text": text, "entities": []}},
                          {"event": "slot", "name": "contact_phone", "value": "01098765432"},
                          {"event": "bot", "text": "010-9876-5432로 알려 드릴게요. 공일공 구팔칠육 오사삼이 맞죠?"}])
    assert masked[0]["text"] == "연락처는 <phone>예요"
    assert masked[1]["value"] == "<phone>"
    assert masked[2]["text"] == "<phone>로 알려 드릴게요. <phone> 맞죠?"
