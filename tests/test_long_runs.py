"""Long runs without a space, and numerals too long to be amounts (s35 fresh-user probe).

* 2,000 letters without a space took 16 s in ``detect_language`` (a backtracking pattern for codes), and every other
  conversation waited behind it; a 20,000-character run must now be read at once (under the old pattern it would
  take hours, so the test could not end).
* "1" * 400 was read as the number ``inf``: the tracker store refused the event and the turn failed. A numeral of
  :data:`~assistant.nlu.entities.numbers.MAX_NUMBER` or more is no number, and an entity holding inf or nan anywhere
  is dropped.
* ``topic_terms`` compared every token with every span: a message of 2,000 codes made 6 million comparisons.
"""

from __future__ import annotations

import math

import pytest

from assistant.dialogue.eligibility_route import topic_terms
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor
from assistant.nlu.entities.numbers import MAX_NUMBER, parse_korean_number
from assistant.nlu.entities.pipeline import finite
from assistant.nlu.language import _without_codes, detect_language
from assistant.nlu.tokenizer import KoreanTokenizer


@pytest.mark.parametrize("unit", ["a", "ab", "가a", "a-", "ab-c"])
def test_a_long_run_without_digits_is_no_code_and_is_read_at_once(unit: str) -> None:
    text = unit * (20_000 // len(unit))
    assert _without_codes(text) == text  # no digit: nothing blanked
    assert detect_language(text) == ("ko" if "가" in unit else "en")


def test_codes_are_still_blanked_and_numbers_with_suffixes_kept() -> None:
    assert _without_codes("TK-20261201-7V6P51E1 취소") == "  -20261201-7 6 51 1 취소"
    assert _without_codes("the 3rd (10am), 1990s") == "the 3rd (10am), 1990s"
    assert detect_language("TK-20261201-7V6P51E1 취소해 주세요") == "ko"


@pytest.mark.parametrize(("surface", "value"), [
    ("1" * 15, int("1" * 15)),
    ("9" * 16, None),  # 16 digits: at MAX_NUMBER or more
    ("1" * 400, None),  # a float of it is inf
    ("1" * 3990, None),
    ("1경", None),  # 10**16 = MAX_NUMBER
    ("9999조", 9999 * 10**12),
])
def test_numerals_of_max_number_or_more_are_no_number(surface: str, value: int | None) -> None:
    assert MAX_NUMBER == 10**16
    assert parse_korean_number(surface) == value


def test_finite_looks_into_every_part_of_a_value() -> None:
    assert finite(3) and finite("inf") and finite({"from": 1.5, "to": None}) and finite([1, {"a": 2.0}])
    assert not finite(math.inf) and not finite({"from": math.nan}) and not finite([1, {"a": -math.inf}])


@pytest.mark.parametrize("text", ["1" * 400, "1" * 3990, "9" * 320 + "원", "a1" * 1995])
def test_the_turn_is_kept_and_no_entity_is_not_finite(processor: MessageProcessor, text: str) -> None:
    turn = processor.handle_message(UserMessage("long-run", text, "rest"))
    assert turn.messages  # answered, not failed
    user = [e for e in processor.tracker_store.load("long-run") if e.get("event") == "user"][-1]
    assert all(finite(e.get("value")) for e in user["parse_data"]["entities"])


def test_topic_terms_leave_out_the_tokens_inside_many_spans() -> None:
    """Every one of 500 ages is a person's fact (a span); the one word outside them is the topic."""
    text = " ".join(["30세"] * 500) + " 연탄"
    entities = [{"entity": "age", "start": i * 4, "end": i * 4 + 3} for i in range(500)]
    assert topic_terms(text, entities, KoreanTokenizer()) == ["연탄"]


@pytest.mark.parametrize(("text", "language"), [
    ("이메일은 hong.gildong@example.com 입니다", "ko"),  # s35 probe: answered in English
    ("홈페이지는 https://www.bokjiro.go.kr 이에요", "ko"),
    ("www.gov.kr 에서 신청하나요?", "ko"),
    ("복지로 bokjiro.go.kr", "ko"),
    ("My email is 김철수@example.com", "en"),
    ("Check gov.kr please", "en"),
    ("e.g. the U.S. is big", "en"),  # abbreviations are no domains
])
def test_addresses_of_mail_and_the_web_are_in_no_language(text: str, language: str) -> None:
    assert detect_language(text) == language
