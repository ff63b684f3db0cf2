"""An English word at the end of a sentence is the same word as anywhere else (assistant.nlu.tokenizer).

kiwipiepy 0.24 reads "word." as an abbreviation and often splits it: "over the winter." gave the terms ``win`` and
``ter.``, "expensive." ``expe`` + ``nsive.``, "I am 65." the number ``65.``. So the last word of every English
sentence matched neither the glossary's nor the catalogue's spelling, and it counted as an unknown English word
against the question's lexical weight (s27: "I keep bees and lost a big chunk of my colonies over the winter. …").
The expected words here are read off the text by a regular expression, not by the tokenizer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms, mend_final_periods

ROOT = Path(__file__).resolve().parents[1]
TOK = KoreanTokenizer()
#: a plain word: letters only, optionally followed by one sentence or clause mark
PLAIN = re.compile(r"^([A-Za-z]+)[.?!,]?$")


def _english_questions() -> list[str]:
    out = []
    for path in sorted((ROOT / "bench").glob("citizen_questions*.yaml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if q.get("language") == "en" or q.get("kind") == "english":
                out.append(q["text"])
    return out


def _plain_words(text: str) -> list[str]:
    """The whitespace-separated words of ``text`` that are letters only (with at most one final mark), lower-cased."""
    return [m.group(1).lower() for w in text.split() if (m := PLAIN.match(w))]


def _check(text: str) -> None:
    tokens = TOK.tokenize(text)
    for t in tokens:
        surface = text[t.start : t.end]
        assert (surface.lower() if t.tag == "SL" else surface) == t.text, (text, t)
    latin = [t.text for t in tokens if t.tag == "SL"]
    for word in _plain_words(text):
        assert word in latin, (text, word, latin)


QUESTIONS = _english_questions()


def test_the_bench_sets_hold_english_questions_ending_in_a_full_stop() -> None:
    # the cases below are real: most English citizen questions hold a sentence that ends in a plain word and "."
    ending = [q for q in QUESTIONS if re.search(r"[A-Za-z]{3,}\. ", q + " ")]
    assert len(QUESTIONS) >= 150 and len(ending) >= 50


@pytest.mark.parametrize("text", QUESTIONS[::3])
def test_every_plain_word_of_an_english_citizen_question_is_one_token(text: str) -> None:
    _check(text)


@pytest.mark.parametrize("text, words", [
    ("I lost it over the winter. Buying new hives is expensive.", ["lost", "over", "winter", "buying", "new", "hives", "expensive"]),
    ("We need benefits. I am 65.", ["need", "benefits", "65"]),
    ("My husband is pregnant. No, my wife is pregnant.", ["husband", "pregnant", "no", "wife", "pregnant"]),
])
def test_a_sentence_final_word_is_the_word_itself(text: str, words: list[str]) -> None:
    assert lexical_terms(TOK.tokenize(text)) == words


@pytest.mark.parametrize("text, kept", [
    ("Did the U.S. embassy say so?", "u.s."),
    ("Open at 9 a.m. on Monday", "a.m."),
    ("Some benefits, e.g. rent", "e.g."),
])
def test_a_dotted_abbreviation_keeps_its_dots(text: str, kept: str) -> None:
    assert kept in [t.text for t in TOK.tokenize(text)]


def test_korean_text_is_untouched() -> None:
    text = "청년 월세 지원 받을 수 있나요? 서울에 살아요. 만 65세입니다."
    TOK.warm_up()
    assert TOK._kiwi is not None
    plain = [(t.form, t.tag, t.start, t.start + t.len) for t in TOK._kiwi.tokenize(text)]
    assert [(t.text, t.tag, t.start, t.end) for t in TOK.tokenize(text)] == plain
    assert mend_final_periods(TOK.tokenize(text)) == TOK.tokenize(text)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(WORD, st.sampled_from(["", "", "", ".", ",", "?", "!"])), min_size=1, max_size=12))
def test_generated_english_sentences(words: list[tuple[str, str]]) -> None:
    _check(" ".join(w + mark for w, mark in words))
