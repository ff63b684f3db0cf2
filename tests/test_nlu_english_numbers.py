"""English numbers written in words (s8 fresh-user defect 7: "sixty seven", "I'm seventy", "fifty percent").

Table tests of the reader and of the entities it feeds (age, amount, percentage for the income), the
entity pipeline end to end, and an English form conversation over the bundled NLU that fills the age from
"I'm sixty seven" and the income from "fifty percent".
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.nlu.entities.english_numbers import EnglishNumberExtractor, english_numbers
from assistant.nlu.entities.pipeline import EntityPipeline
from assistant.nlu.tokenizer import KoreanTokenizer

#: (text, [(words, value)]): values by the rules of English cardinals, written out by hand
READ = [
    ("sixty seven", [("sixty seven", 67)]),
    ("sixty-seven", [("sixty-seven", 67)]),
    ("Sixty - Seven", [("Sixty - Seven", 67)]),
    ("seventy", [("seventy", 70)]),
    ("a hundred and five", [("a hundred and five", 105)]),
    ("one hundred twenty three", [("one hundred twenty three", 123)]),
    ("fifteen hundred", [("fifteen hundred", 1500)]),
    ("two million three hundred thousand", [("two million three hundred thousand", 2_300_000)]),
    ("fifty thousand and one", [("fifty thousand and one", 50_001)]),
    ("nineteen eighty five", [("nineteen eighty five", 1985)]),
    ("zero", [("zero", 0)]),
    ("twelve or thirteen", [("twelve", 12), ("thirteen", 13)]),
    ("one percent", [("one", 1)]),
    # not numbers: a pronoun "one", digits read one by one (a phone number), words that only contain number words
    ("no one knows, this one is fine", []),
    ("one two three four", []),
    ("oh one oh, one two three four", []),
    ("someone said tenfold, often, anyone, phone, none", []),
    ("and a hundred", [("a hundred", 100)]),
]


@pytest.mark.parametrize(("text", "expected"), READ)
def test_reader(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(text[n.start : n.end], n.value) for n in english_numbers(text)] == expected


#: (text, [(entity, value, text)]) through the extractor's context rules (the same as for digits)
ENTITIES = [
    ("sixty seven", [("number", 67, "sixty seven")]),
    ("I'm sixty seven", [("age", 67, "sixty seven")]),
    ("I'm seventy", [("age", 70, "seventy")]),
    ("I am sixty seven years old", [("age", 67, "sixty seven years old")]),
    ("my mother is eighty-two", [("age", 82, "eighty-two")]),
    ("fifty percent", [("percentage", 50, "fifty percent")]),
    ("about forty-five per cent of the median", [("percentage", 45, "forty-five per cent")]),
    ("about fifty thousand won", [("amount-of-money", 50_000, "fifty thousand won")]),
    ("I'm seventy percent sure", [("percentage", 70, "seventy percent")]),  # a unit after it: not an age
]


@pytest.fixture(scope="module")
def tokenizer() -> KoreanTokenizer:
    tk = KoreanTokenizer()
    tk.warm_up()
    return tk


@pytest.mark.parametrize(("text", "expected"), ENTITIES)
def test_entities(tokenizer: KoreanTokenizer, text: str, expected: list[tuple[str, Any, str]]) -> None:
    spans = EnglishNumberExtractor().extract(text, tokenizer.tokenize(text))
    assert [(s.entity, s.value, s.text) for s in spans] == expected
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_the_pipeline_reads_words_and_still_reads_digits_and_korean(tokenizer: KoreanTokenizer) -> None:
    pipe = EntityPipeline(tokenizer=tokenizer)
    got = {t: [(s.entity, s.value) for s in pipe.extract(t)] for t in (
        "I am sixty seven years old", "I am 67 years old", "육십칠 세요", "sorry, my age is sixty eight not sixty seven")}
    assert got == {"I am sixty seven years old": [("age", 67)], "I am 67 years old": [("age", 67)],
                   "육십칠 세요": [("age", 67)],
                   "sorry, my age is sixty eight not sixty seven": [("age", 68), ("number", 67)]}


START = "What benefits can I get?"


def test_an_english_form_fills_age_and_income_from_words(processor: Any) -> None:
    def say(text: str) -> Any:
        return processor.handle_message(UserMessage("w1", text, "rest", {}))

    def slots() -> dict[str, Any]:
        return dict(processor.tracker_state("w1")["slots"])

    say(START)
    assert slots()["requested_slot"] == "age"
    asked = say("I'm sixty seven")
    assert slots()["age"] == 67, [m.text for m in asked.messages]
    assert slots()["requested_slot"] == "region"
    say("I live in Seoul")
    assert slots()["requested_slot"] == "income_pct"
    income = say("fifty percent")
    assert slots()["income_pct"] == 50, [m.text for m in income.messages]
